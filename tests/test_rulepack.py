"""Rule files are refused at load time, with a clear message, when they cannot be right."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isaccheck import rulepack
from isaccheck.primitives import PRIMITIVES

from isaccheck.errors import ConfigError, RulePackError
from isaccheck.rulepack import build_pack, resolve_parameters

RULE = """\
id: STR-1.1
capability: STR
level: 1
question: {nl: "Is er een doel?", en: "Is there a purpose?"}
parameters:
  months: {type: integer, default: 12, minimum: 1}
evidence:
  all:
    - check: document_exists
      type: charter
      months: $months
attestation: never
"""


def pack_of(*texts: str):
    return build_pack([("test", {f"STR/r{i}.yaml": t for i, t in enumerate(texts)})])


def test_valid_rule_loads() -> None:
    pack = pack_of(RULE)
    (rule,) = pack.rules
    assert rule.id == "STR-1.1" and rule.parameters["months"].default == 12
    assert rule.question("nl") == "Is er een doel?"


def test_unknown_primitive_is_refused_with_suggestion() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace("document_exists", "document_exist"))
    assert "unknown primitive `document_exist`" in exc.value.message
    assert "did you mean `document_exists`" in exc.value.message
    assert exc.value.path == "test/STR/r0.yaml" and exc.value.line == 7


def test_unknown_parameter_of_primitive_is_refused() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace("months: $months", "months: $months\n      colour: red"))
    assert "does not take that parameter" in exc.value.message


def test_bad_parameter_type_is_refused() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace("default: 12", "default: twelve"))
    assert "default 'twelve'" in exc.value.message


def test_parameter_value_wrong_for_primitive_is_refused() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace("months: $months", "months: 0"))
    assert exc.value.message == "evidence.all[0]: document_exists: months: 0 is less than the minimum of 1"
    assert exc.value.path == "test/STR/r0.yaml"


def test_undeclared_reference_is_refused() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace("months: $months", "months: $window"))
    assert "`$window` is not declared" in exc.value.message


def test_duplicate_id_is_refused() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE, RULE)
    assert "duplicate rule id STR-1.1" in exc.value.message


def test_unknown_rule_field_is_refused() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE + "severity: high\n")
    assert "severity" in exc.value.message


def test_id_must_match_capability_and_level() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace("level: 1", "level: 2"))
    assert exc.value.message == "id STR-1.1 does not match capability STR level 2"
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace("capability: STR", "capability: WOW"))
    assert exc.value.message == "id STR-1.1 does not match capability WOW level 1"


def test_attestation_only_requires_null_evidence() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace("attestation: never", "attestation: only"))
    assert exc.value.message == "`attestation: only` exactly when `evidence` is null"


SINGLE_CHECK = """  all:
    - check: document_exists
      type: charter
      months: $months
"""


@pytest.mark.parametrize("combinator", ["all", "any"])
@pytest.mark.parametrize("value", ["{check: document_exists, type: charter, months: $months}", "[]"])
def test_combinators_need_lists(combinator: str, value: str) -> None:
    assert SINGLE_CHECK in RULE
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace(SINGLE_CHECK, f"  {combinator}: {value}\n"))
    assert exc.value.message == f"evidence: `{combinator}` needs a non-empty list" and exc.value.line == 7


def test_a_combinator_stands_alone() -> None:
    with pytest.raises(RulePackError) as exc:
        pack_of(RULE.replace("  all:\n", "  any: {}\n  all:\n"))
    assert exc.value.message == "evidence: `all` must stand alone in its mapping"


def test_overrides_are_checked() -> None:
    (rule,) = pack_of(RULE).rules
    assert resolve_parameters(rule, {"months": 24})["months"] == 24
    with pytest.raises(ConfigError) as exc:
        resolve_parameters(rule, {"window": 3})
    assert "not a parameter of STR-1.1" in exc.value.message
    with pytest.raises(ConfigError):
        resolve_parameters(rule, {"months": 0})



# -- the quick checks that spare jsonschema on every run (issue 14, docs/performance.md) ---------

_PARAMETER_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "a", "months", "1"]), st.lists(st.one_of(st.integers(-2, 2), st.text(max_size=2)), max_size=3))
_PARAMETER_SCHEMAS = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["integer", "number", "string", "boolean", "array", "object", ["integer", "null"]]),
    "minimum": st.one_of(st.integers(-2, 2), st.floats(-2, 2), st.just(float("nan"))),
    "maximum": st.one_of(st.integers(-2, 2), st.floats(-2, 2)),
    "enum": st.lists(st.one_of(st.integers(-2, 2), st.sampled_from(["a", "1"]), st.booleans(), st.just(1.0)), max_size=3),
    "items": st.fixed_dictionaries({"type": st.sampled_from(["integer", "string", "number"])},
                                   optional={"minimum": st.integers(-1, 1)}),
})


@settings(max_examples=400, deadline=None)
@given(_PARAMETER_SCHEMAS, _PARAMETER_VALUES)
def test_the_quick_parameter_check_never_accepts_what_jsonschema_refuses(schema: dict, value: object) -> None:  # type: ignore[type-arg]
    import jsonschema

    if rulepack._surely_valid_parameter(schema, value):
        assert not list(jsonschema.Draft202012Validator(schema).iter_errors(value)), (schema, value)


def test_the_quick_checks_vouch_for_every_built_in_rule() -> None:
    # Otherwise jsonschema would still be imported to check them, on every run.
    pack = rulepack.load_builtin()
    for rule in pack.rules:
        for parameter in rule.parameters.values():
            assert rulepack._surely_valid_parameter(parameter.schema, parameter.default), (rule.id, parameter.name)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(PRIMITIVES)), st.data())
def test_a_primitives_generated_validator_never_accepts_what_jsonschema_refuses(name: str, data: st.DataObject) -> None:
    import jsonschema

    schema = PRIMITIVES[name].schema
    keys = st.sampled_from(sorted(schema["properties"]) + ["unknown"])
    values = st.one_of(_PARAMETER_VALUES, st.dictionaries(st.sampled_from(["field", "where", "x"]), _PARAMETER_VALUES,
                                                          max_size=2), st.tuples(st.text(max_size=2)))
    expression = {"check": name, **data.draw(st.dictionaries(keys, values, max_size=4))}
    if rulepack._primitive_accepts(name, expression):
        assert not list(jsonschema.Draft202012Validator(schema).iter_errors(expression)), expression
