"""enums.normalise and unknownkeys.unknown_keys read each schema's shape once; results are as before.

The reference functions below are the walks as they were before the shapes were cached (they
looked at every allOf part again for every value); both ways must agree on every document of
the examples, on Dutch and capitalised spellings of their enumerated values, and on unknown keys.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from isaccheck import enums
from isaccheck.enums import canonical, dutch_words, normalise, schema_parts
from isaccheck.schemas import document_types, validator_for
from isaccheck.unknownkeys import suggestion, unknown_keys

EXAMPLES = Path(__file__).resolve().parent.parent / "evidence-examples"


def old_normalise(schema: Any, data: Any) -> Any:
    parts = list(schema_parts(schema))
    if isinstance(data, str):
        for part in parts:
            if isinstance(part.get("enum"), list):
                return canonical(data, part["enum"])
        return data
    if isinstance(data, Mapping):
        properties: dict[str, list[Any]] = {}
        for part in parts:
            for key, sub in (part.get("properties") or {}).items():
                properties.setdefault(key, []).append(sub)
        if not properties:
            return data
        changed = dict(data)
        for key, value in data.items():
            for sub in properties.get(str(key), []):
                changed[key] = old_normalise(sub, changed[key])
        return changed if changed != data else data
    if isinstance(data, list):
        for part in parts:
            items = part.get("items")
            if isinstance(items, Mapping):
                new = [old_normalise(items, item) for item in data]
                return new if new != data else data
    return data


def old_unknown_keys(schema: Any, data: Any, path: str = "") -> Iterator[tuple[str, str, str | None]]:
    parts = list(schema_parts(schema))
    if isinstance(data, Mapping):
        properties: dict[str, list[Any]] = {}
        open_ended = False
        for part in parts:
            for key, sub in (part.get("properties") or {}).items():
                properties.setdefault(key, []).append(sub)
            extra = part.get("additionalProperties")
            if extra is False or isinstance(extra, Mapping) or "patternProperties" in part or "propertyNames" in part:
                open_ended = True
        if not properties:
            return
        for key, value in data.items():
            name = str(key)
            where = f"{path}.{name}" if path else name
            if name in properties:
                for sub in properties[name]:
                    yield from old_unknown_keys(sub, value, where)
            elif not open_ended:
                yield path, name, suggestion(name, list(properties))
    elif isinstance(data, list):
        for part in parts:
            items = part.get("items")
            if isinstance(items, Mapping):
                for index, item in enumerate(data):
                    yield from old_unknown_keys(items, item, f"{path}.{index}")


def _documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(EXAMPLES.rglob("*.md")) + sorted(EXAMPLES.rglob("isac.yaml")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".md":
            if not text.startswith("---\n") or "\n---" not in text[4:]:
                continue
            text = text[4:text.index("\n---", 4)]
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if not isinstance(data, dict):
            continue
        name = "isac" if path.name == "isac.yaml" else data.get("type")
        if name in document_types() or name == "isac":
            found.append((str(name), data))
    return found


def _variants(data: Any, rng: random.Random, words: list[str]) -> Any:
    """Strings respelt (capitals, a Dutch word, spaces), keys misspelt now and then."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            key = key + "s" if isinstance(key, str) and rng.random() < 0.1 else key
            out[key] = _variants(value, rng, words)
        return out
    if isinstance(data, list):
        return [_variants(v, rng, words) for v in data]
    if isinstance(data, str):
        roll = rng.random()
        return data.upper() if roll < 0.3 else f" {data} " if roll < 0.4 else rng.choice(words) if roll < 0.6 else data
    return data


def test_the_examples_have_documents_to_compare() -> None:
    assert len(_documents()) > 50


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_normalise_and_unknown_keys_as_before(seed: int) -> None:
    rng = random.Random(seed)
    words = sorted(dutch_words())
    for name, data in _documents():
        schema = validator_for(name).schema
        for variant in (data, _variants(data, rng, words)):
            before = old_normalise(schema, variant)
            after = normalise(schema, variant)
            assert after == before, name
            assert (after is variant) == (before is variant), name  # a copy only where something changed
            assert list(unknown_keys(schema, after)) == list(old_unknown_keys(schema, before)), name


def test_a_schema_shape_is_worked_out_once() -> None:
    schema = {"allOf": [{"properties": {"kind": {"enum": ["threat"]}}}], "additionalProperties": False}
    first = enums.shape(schema)
    assert enums.shape(schema) is first
    assert first.properties == {"kind": [{"enum": ["threat"]}]} and first.open_ended
    assert normalise(schema, {"kind": "THREAT"}) == {"kind": "threat"}


def test_an_enum_spelling_is_worked_out_once_and_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = {"properties": {"status": {"enum": ["adopted", "draft"]}}}
    calls: list[str] = []
    original = enums.canonical

    def counting(value: Any, allowed: list[Any]) -> Any:
        calls.append(value)
        return original(value, allowed)

    monkeypatch.setattr(enums, "canonical", counting)
    monkeypatch.setattr(enums, "_MEMO_SIZE", 3)
    for text in ["ADOPTED", "concept", "ADOPTED", "x", "y", "y", "x" * 65, "x" * 65, "concept"]:
        assert normalise(schema, {"status": text}) == {"status": original(text, ["adopted", "draft"])}
    # Each spelling once, until the memo holds three; a long text never.
    assert calls == ["ADOPTED", "concept", "x", "y", "y", "x" * 65, "x" * 65]
    assert enums.shape(schema["properties"]["status"]).canonical == {"ADOPTED": "adopted", "concept": "draft",
                                                                      "x": "x"}


@pytest.mark.parametrize("seed", [0, 1])
def test_unknown_key_findings_shortcut_changes_nothing(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # _plainly_known answers "nothing unknown" without the walk: both ways must give the same findings.
    from isaccheck import unknownkeys
    from isaccheck.yamlutil import YamlData

    rng = random.Random(seed)
    words = sorted(dutch_words())
    cases = []
    for name, data in _documents():
        schema = validator_for(name).schema
        flat = {k: v for k, v in data.items() if not isinstance(v, (dict, list))}
        for variant in (data, flat, _variants(data, rng, words), _variants(flat, rng, words), {}, {1: "x"}):
            cases.append((schema, variant, unknownkeys.unknown_key_findings(schema, variant, YamlData(variant), "d.md", 1)))
    shortcuts = sum(unknownkeys._plainly_known(schema, variant) for schema, variant, _ in cases)
    monkeypatch.setattr(unknownkeys, "_plainly_known", lambda schema, data: False)
    for schema, variant, found in cases:
        assert unknownkeys.unknown_key_findings(schema, variant, YamlData(variant), "d.md", 1) == found
    assert shortcuts > 50  # the shortcut was taken often, not only the walk compared with itself
