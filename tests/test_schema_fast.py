"""The compiled validator agrees with jsonschema on every shipped schema (issue 14).

schema_errors() lets fastjsonschema decide "valid" and asks jsonschema for the detailed errors
otherwise; the findings stay exactly as before only if the compiled validator never accepts
what jsonschema refuses. These tests compare the two on the schema samples, on every field set
to awkward values (wrong types, whitespace-only text, impossible dates, huge numbers, Python
values YAML can produce) and on random data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isaccheck import schemas
from isaccheck.schemas import document_types, schema_errors, validator_for
from isaccheck.yamlutil import load_yaml

SAMPLES = Path(__file__).parent / "data" / "schema-samples"
NAMES = [*document_types(), "isac", "config"]
AWKWARD: list[Any] = [
    "", " ", "\x1c", "\u00a0", "x", "ABC\n", "STR-1.1\n", "2026-02-30", "2026-01-01", "2026-01-01\n", "2026-1-1",
    0, -1, 1, 1.0, 1.5, True, False, 2**70, float("nan"), float("inf"), None, [], {}, ["x"], [1], [None],
    {"x": 1}, {"name": ""}, b"bytes", {"a set"}, ("a", "tuple"),
]


def compiled(name: str) -> Callable[[Any], Any]:
    found = schemas._compiled(name)
    assert found is not None, f"no generated validator for {name} (run tools/compile_schemas.py)"
    return found


def sample(name: str) -> dict[str, Any]:
    file = SAMPLES / ("isaccheck.yaml" if name == "config" else f"{name}.yaml")
    data = load_yaml(file.read_text(encoding="utf-8")).data
    assert isinstance(data, dict)
    return data


def accepts(name: str, instance: Any) -> bool:
    """What _surely_valid answers once the type's validator is compiled."""
    try:
        compiled(name)(instance)
    except Exception:
        return False
    return True


def agree(name: str, instance: Any) -> None:
    valid = not list(validator_for(name).iter_errors(instance))
    fast = accepts(name, instance)
    # The one direction that would lose findings: compiled accepts what jsonschema refuses.
    # (The other direction only costs time: fastjsonschema reads `$` in a pattern as the very
    # end, where Python's re also allows a final newline; jsonschema then decides.)
    assert not (fast and not valid), (name, instance)


@pytest.mark.parametrize("name", NAMES)
def test_compiled_validator_agrees_field_by_field(name: str) -> None:
    base = sample(name)
    agree(name, base)
    assert accepts(name, base)
    for key in base:
        for value in AWKWARD:
            agree(name, {**base, key: value})
        if isinstance(base[key], list) and base[key]:
            for value in AWKWARD:
                agree(name, {**base, key: [value, *base[key][1:]]})
        if isinstance(base[key], list) and base[key] and isinstance(base[key][0], dict):
            for inner in base[key][0]:
                for value in AWKWARD:
                    agree(name, {**base, key: [{**base[key][0], inner: value}]})
    for value in AWKWARD:
        agree(name, {**base, "unknown_field": value})


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(NAMES), st.data())
def test_compiled_validator_agrees_on_random_values(name: str, data: st.DataObject) -> None:
    base = sample(name)
    key = data.draw(st.sampled_from(sorted(base)))
    agree(name, {**base, key: data.draw(JSONISH)})


def test_schema_errors_uses_the_generated_validator_and_jsonschema_only_for_errors(
        monkeypatch: pytest.MonkeyPatch) -> None:
    minutes = sample("minutes")
    calls: list[str] = []
    original = schemas.validator_for

    def counting(name: str) -> Any:
        calls.append(name)
        return original(name)

    monkeypatch.setattr(schemas, "validator_for", counting)
    assert schema_errors("minutes", minutes) == []
    assert calls == []  # valid: decided without jsonschema
    bad = {**minutes, "date": "2026-02-30"}
    assert [e.message for e in schema_errors("minutes", bad)] == [
        e.message for e in original("minutes").iter_errors(bad)] != []
    assert calls == ["minutes"]


def test_a_generated_validator_made_from_another_schema_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    module = importlib.import_module("isaccheck.schemas.compiled.minutes")
    schemas._compiled.cache_clear()
    monkeypatch.setattr(module, "SCHEMA_SHA256", "0" * 64)
    try:
        assert schemas._compiled("minutes") is None
        bad = {**sample("minutes"), "date": "2026-02-30"}
        assert [e.message for e in schema_errors("minutes", bad)] == [
            e.message for e in validator_for("minutes").iter_errors(bad)] != []
        assert schema_errors("minutes", sample("minutes")) == []
    finally:
        schemas._compiled.cache_clear()


def test_only_schema_names_are_imported_as_validators() -> None:
    with pytest.raises(KeyError):
        schemas._compiled("..cli")
    assert schemas._compiled("common") is None  # a schema without a validator of its own: jsonschema


def test_schema_errors_falls_back_when_the_compiled_code_cannot_read_a_value(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(instance: Any) -> None:
        raise TypeError("unhashable")

    monkeypatch.setattr(schemas, "_compiled", lambda name: broken)
    bad = {**sample("minutes"), "attendees": "Alpha"}
    assert [e.message for e in schema_errors("minutes", bad)] == [
        e.message for e in validator_for("minutes").iter_errors(bad)] != []
