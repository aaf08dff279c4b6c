"""The shipped JSON Schemas: well-formed, complete, and they accept/refuse what the contract says."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from jsonschema import Draft202012Validator

from isaccheck.schemas import (
    document_types,
    load_schema,
    normalise_heading,
    section_for_heading,
    section_headings,
    validator_for,
)

from .nested import dicts

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "data" / "schema-samples"
BASE = "https://isaccheck.example/schemas/"

# The document types of the evidence contract, v1 (its "Document types" table).
CONTRACT_TYPES = [
    "charter",
    "membership-guidelines",
    "agenda",
    "minutes",
    "annual-plan",
    "evaluation",
    "communication-strategy",
    "roadmap",
    "value-case",
    "accountability-report",
    "product",
    "pr-activity",
    "working-group",
    "activity",
    "procedure",
    "incident-taxonomy",
    "information-classification",
    "shared-information",
    "situational-picture",
    "good-practice",
    "initiative",
    "self-assessment",
]
OTHER_SCHEMAS = ["common", "isac", "config"]
ALL_SCHEMAS = OTHER_SCHEMAS + CONTRACT_TYPES


def isoify(value: Any) -> Any:
    """What the loader does before validation: YAML dates and datetimes become ISO strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: isoify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [isoify(v) for v in value]
    return value


def load_yaml(text: str) -> Any:
    return isoify(yaml.safe_load(text))


def error_paths(schema: str, instance: Any) -> set[tuple[Any, ...]]:
    return {tuple(e.absolute_path) for e in validator_for(schema).iter_errors(instance)}


# --- the schemas themselves -------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_SCHEMAS)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_contract_type_has_a_schema() -> None:
    assert document_types() == sorted(CONTRACT_TYPES)


@pytest.mark.parametrize("name", CONTRACT_TYPES)
def test_document_schema_shape(name: str) -> None:
    schema = load_schema(name)
    assert schema["$id"] == f"{BASE}documents/{name}.schema.json"
    assert schema["properties"]["type"]["const"] == name
    assert "type" in schema["required"]
    assert schema["additionalProperties"] is True
    assert {"$ref": f"{BASE}common.schema.json#/$defs/common_fields"} in schema["allOf"]


@pytest.mark.parametrize("name", ["common", "isac", "config"])
def test_top_level_ids(name: str) -> None:
    assert load_schema(name)["$id"] == f"{BASE}{name}.schema.json"


@pytest.mark.parametrize("name", ALL_SCHEMAS)
def test_refs_stay_inside_the_shipped_schemas(name: str) -> None:
    for node in dicts(load_schema(name)):
        ref = node.get("$ref")
        if isinstance(ref, str):
            assert ref.startswith("#") or ref.startswith(BASE), ref


@pytest.mark.parametrize("name", ALL_SCHEMAS)
def test_every_property_has_a_description(name: str) -> None:
    for node in dicts(load_schema(name)):
        props = node.get("properties")
        if isinstance(props, dict) and all(isinstance(v, dict) for v in props.values()):
            for key, sub in props.items():
                assert sub.get("description"), f"{name}: property {key!r} has no description"


def _walk_resolved(node: Any, schema: str, seen: frozenset[str] = frozenset()) -> Iterator[dict[str, Any]]:
    """Every schema node reachable from node, following $refs into the shipped schemas (once each)."""
    for sub in dicts(node):
        yield sub
        ref = sub.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            target, name = _resolve(ref, schema)
            yield from _walk_resolved(target, name, seen | {ref})


@pytest.mark.parametrize("name", ALL_SCHEMAS)
def test_every_date_is_a_string_with_date_format(name: str) -> None:
    common_date = {"type": "string", "format": "date"}
    dates = [node for node in _walk_resolved(load_schema(name), name) if node.get("format") == "date"]
    if name != "config":  # tool settings hold no dates; every other schema does (a document's own date)
        assert dates, f"{name}: no date found; did a $ref stop resolving?"
    for node in dates:
        assert {k: node[k] for k in common_date} == common_date


def test_validator_is_cached_and_checks_formats() -> None:
    assert validator_for("minutes") is validator_for("minutes")
    assert validator_for("minutes").format_checker is not None


def test_unknown_schema_name() -> None:
    with pytest.raises(KeyError):
        load_schema("no-such-type")


def test_load_schema_returns_a_fresh_copy() -> None:
    load_schema("charter")["properties"].clear()
    assert "purpose" in load_schema("charter")["properties"]


# --- valid samples --------------------------------------------------------------------


@pytest.mark.parametrize("name", CONTRACT_TYPES)
def test_sample_document_validates(name: str) -> None:
    doc = load_yaml((SAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    assert doc["type"] == name
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator_for(name).iter_errors(doc)]
    assert errors == []


@pytest.mark.parametrize("name", CONTRACT_TYPES)
def test_minimal_document_and_user_fields_validate(name: str) -> None:
    assert error_paths(name, {"type": name}) == set()
    assert error_paths(name, {"type": name, "x-our-own-field": [1, {"a": None}]}) == set()


@pytest.mark.parametrize("name,file", [("isac", "isac.yaml"), ("config", "isaccheck.yaml")])
def test_sample_profile_and_config_validate(name: str, file: str) -> None:
    doc = load_yaml((SAMPLES / file).read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator_for(name).iter_errors(doc)]
    assert errors == []


def test_minimal_profile_and_config() -> None:
    assert error_paths("isac", {"isac": {"name": "X-ISAC"}}) == set()
    assert error_paths("config", {}) == set()
    assert error_paths("config", {"gate": {"levels": "ambition", "fail_on": "never"}}) == set()


# --- invalid documents fail at the right place ----------------------------------------

INVALID = [
    # (schema, YAML as the user wrote it, the one instance path the errors point at)
    ("charter", "title: Oprichting", ()),  # missing type
    ("charter", "type: minutes", ("type",)),  # another type's document
    ("minutes", "type: minutes\ndate: '2026-13-45'", ("date",)),  # impossible date
    ("minutes", "type: minutes\ndate: 12-03-2025", ("date",)),  # not ISO
    ("minutes", "type: minutes\nattendees: Port of Example", ("attendees",)),  # text, not a list
    ("minutes", "type: minutes\nroundtable: [{tlp: RED}]", ("roundtable", 0)),  # no category
    ("minutes", "type: minutes\nactions: [{action: Bellen, due: '2025-02-30'}]", ("actions", 0, "due")),
    ("minutes", "type: minutes\nstatus: final", ("status",)),  # unknown enum
    ("minutes", "type: minutes\nlevel: secret", ("level",)),
    ("minutes", "type: minutes\ntlp: 3", ("tlp",)),
    ("minutes", "type: minutes\nshared_with: [participants, 42]", ("shared_with", 1)),
    ("activity", "type: activity\nkind: 14:00", ("kind",)),  # YAML 1.1: 840
    ("agenda", "type: agenda\ntitle: 1.10", ("title",)),  # YAML 1.1: 1.1
    ("agenda", "type: agenda\nissued_on: 2025-03-01T10:00:00", ("issued_on",)),  # datetime is not a date
    ("agenda", "type: agenda\nprepared_by: [chair, no]", ("prepared_by", 1)),  # YAML 1.1: False
    ("membership-guidelines", "type: membership-guidelines\nsigning_required: 'yes'", ("signing_required",)),
    ("membership-guidelines", "type: membership-guidelines\nsections: {admission_criteria: ''}", ("sections", "admission_criteria")),
    ("membership-guidelines", "type: membership-guidelines\nsignatures: [{organisation: A, signed_by: B}]", ("signatures", 0)),
    ("membership-guidelines", "type: membership-guidelines\nsignatures: [{organisation: A, signed_by: B, signed_on: 2024-01-01, commit: xyz}]", ("signatures", 0, "commit")),
    ("annual-plan", "type: annual-plan\nyear: '2025'", ("year",)),
    ("annual-plan", "type: annual-plan\nresources: [{kind: money, basis: structural}]", ("resources", 0, "kind")),
    ("annual-plan", "type: annual-plan\nresources: [{kind: finance, basis: sometimes}]", ("resources", 0, "basis")),
    ("procedure", "type: procedure\nscope: everything", ("scope",)),
    ("situational-picture", "type: situational-picture\nkind: risk", ("kind",)),
    ("situational-picture", "type: situational-picture\nperiod: 2025", ("period",)),
    ("initiative", "type: initiative\nscope: world", ("scope",)),
    ("shared-information", "type: shared-information\nambered: maybe", ("ambered",)),
    ("working-group", "type: working-group\nmeetings: [2025-01-15, '2025-13-01']", ("meetings", 1)),
    ("good-practice", "type: good-practice\nbased_on: meetings/2025-03-12/minutes.md", ("based_on",)),
    ("incident-taxonomy", "type: incident-taxonomy\ncategories: [phishing, 1]", ("categories", 1)),
    ("self-assessment", "type: self-assessment\nanswers: {STR-1.1: {answer: 1}}", ("answers", "STR-1.1", "answer")),
    ("self-assessment", "type: self-assessment\nanswers: {STR-1.1: {answer: maybe}}", ("answers", "STR-1.1", "answer")),
    ("self-assessment", "type: self-assessment\nanswers: {STR-1.1: {Port of Example: misschien}}", ("answers", "STR-1.1", "Port of Example")),
    ("self-assessment", "type: self-assessment\nanswers: {STR-1.1: {Port of Example: {note: x}}}", ("answers", "STR-1.1", "Port of Example")),
    ("self-assessment", "type: self-assessment\nanswers: {STR-4.1: {answer: 'yes'}}", ("answers",)),  # no level 4
    ("self-assessment", "type: self-assessment\nanswers: {STR-1.1: {}}", ("answers", "STR-1.1")),
    ("self-assessment", "type: self-assessment\nanswers: {STR-1.1: 'yes'}", ("answers", "STR-1.1")),
]


@pytest.mark.parametrize("schema,text,path", INVALID)
def test_invalid_document_fails_at_the_right_path(schema: str, text: str, path: tuple[Any, ...]) -> None:
    assert error_paths(schema, load_yaml(text)) == {path}


INVALID_PROFILE = [
    ("isac:\n  sector: port", ("isac",)),  # no name
    ("roles: {}", ()),  # no isac
    ("isac: {name: X, tlp_version: 2.0}", ("isac", "tlp_version")),  # must be quoted
    ("isac: {name: X, tlp_version: '3.0'}", ("isac", "tlp_version")),
    ("isac: {name: X, language: de}", ("isac", "language")),
    ("isac: {name: X, legal_form: bv}", ("isac", "legal_form")),
    ("isac: {name: X, channels: [{name: list, kind: fax}]}", ("isac", "channels", 0, "kind")),
    ("isac: {name: X, platform: {name: P, security: {mfa: 'yes'}}}", ("isac", "platform", "security", "mfa")),
    ("isac: {name: X}\nroles: {chair: {name: A}}", ("roles", "chair")),
    ("isac: {name: X}\nparticipants: [{joined: 2019-01-10}]", ("participants", 0)),
    ("isac: {name: X}\nparticipants: [{organisation: A, left: '2019-02-30'}]", ("participants", 0, "left")),
    ("isac: {name: X}\nparticipants: [{organisation: A, mandate: ja}]", ("participants", 0, "mandate")),
    ("isac: {name: X}\nambition: {STR: 4}", ("ambition", "STR")),
    ("isac: {name: X}\nnot_applicable: [{question: STR-3.4, decided_on: 2025-06-01, decided_in: m.md}]", ("not_applicable", 0)),
    ("isac: {name: X}\nnot_applicable: [{question: STR 3.4, reason: r, decided_on: 2025-06-01, decided_in: m.md}]", ("not_applicable", 0, "question")),
]


@pytest.mark.parametrize("text,path", INVALID_PROFILE)
def test_invalid_profile_fails_at_the_right_path(text: str, path: tuple[Any, ...]) -> None:
    assert error_paths("isac", load_yaml(text)) == {path}


INVALID_CONFIG = [
    ("tpyes: []", ()),  # unknown keys are refused in tool settings
    ("types: [{glob: 'a/*.pdf'}]", ("types", 0)),
    ("types: [{glob: 'a/*.pdf', type: minutes, status: final}]", ("types", 0, "status")),
    ("rules: {STR-1.3: 0.6}", ("rules", "STR-1.3")),
    ("rules: {threshold: {x: 1}}", ("rules",)),
    ("attestation: {min_yes_share: 2}", ("attestation", "min_yes_share")),
    ("gate: {fail_on: sometimes}", ("gate", "fail_on")),
    ("gate: {levels: {STR: 5}}", ("gate", "levels")),
    ("gate: {levels: all}", ("gate", "levels")),
    ("max_file_size_kb: 0", ("max_file_size_kb",)),
    ("ignore: drafts/**", ("ignore",)),
]


@pytest.mark.parametrize("text,path", INVALID_CONFIG)
def test_invalid_config_fails_at_the_right_path(text: str, path: tuple[Any, ...]) -> None:
    assert error_paths("config", load_yaml(text)) == {path}


def test_impossible_date_names_the_format() -> None:
    (error,) = validator_for("minutes").iter_errors({"type": "minutes", "date": "2026-13-45"})
    assert error.validator == "format"
    assert "date" in error.message


# --- every enum refuses what it does not list (generated from the schemas) -------------------


def _resolve(ref: str, current: str) -> tuple[dict[str, Any], str]:
    name, _, pointer = ref.partition("#")
    name = name[len(BASE):].removesuffix(".schema.json").removeprefix("documents/") if name else current
    node: Any = load_schema(name)
    for part in [p for p in pointer.split("/") if p]:
        node = node[part]
    return node, name


def _enum_paths(node: dict[str, Any], schema: str, path: tuple[str, ...] = ()
                ) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(instance path, first listed value) of every enum: "[]" is any list item, "*" any key of a map."""
    if "enum" in node:
        yield path, node["enum"][0]
    ref = node.get("$ref")
    if isinstance(ref, str):
        target, name = _resolve(ref, schema)
        yield from _enum_paths(target, name, path)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            yield from _enum_paths(sub, schema, path)
    for key in ("then", "else"):
        if isinstance(node.get(key), dict):
            yield from _enum_paths(node[key], schema, path)
    for prop, sub in node.get("properties", {}).items():
        if isinstance(sub, dict):
            yield from _enum_paths(sub, schema, path + (prop,))
    for sub in node.get("patternProperties", {}).values():
        yield from _enum_paths(sub, schema, path + ("*",))
    if isinstance(node.get("additionalProperties"), dict):
        yield from _enum_paths(node["additionalProperties"], schema, path + ("*",))
    if isinstance(node.get("items"), dict):
        yield from _enum_paths(node["items"], schema, path + ("[]",))


SAMPLE_FILES = {**{name: f"{name}.yaml" for name in CONTRACT_TYPES}, "isac": "isac.yaml", "config": "isaccheck.yaml"}
ENUM_CASES = sorted({(name, path, first) for name in SAMPLE_FILES
                     for path, first in _enum_paths(load_schema(name), name)}, key=str)


def _fits(node: Any, rest: tuple[str, ...]) -> bool:
    if not rest:
        return not isinstance(node, (dict, list))
    head, tail = rest[0], rest[1:]
    if head == "[]":
        return isinstance(node, list) and bool(node) and _fits(node[0], tail)
    if head == "*":
        return isinstance(node, dict) and any(_fits(v, tail) for v in node.values())
    return isinstance(node, dict) and (head in node and _fits(node[head], tail) or head not in node and not tail)


def _place(instance: Any, path: tuple[str, ...], value: Any) -> tuple[Any, ...] | None:
    """Put value at path in the sample; the concrete instance path, or None when the sample lacks a
    list or map on the way (those must come from the sample, which knows their required fields)."""
    out: list[Any] = []
    node = instance
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if part == "[]":
            if not isinstance(node, list) or not node:
                return None
            out.append(0)
        elif part == "*":
            if not isinstance(node, dict) or not node:
                return None
            # e.g. a map of organisation -> answer: the first entry the rest of the path fits
            rest = path[i + 1:]
            key = next((k for k, v in node.items() if _fits(v, rest)), None)
            if key is None:
                return None
            out.append(key)
        else:
            if not isinstance(node, dict):
                return None
            if part not in node:
                if "[]" in path[i:] or "*" in path[i:]:
                    return None
                node[part] = value if last else {}
            out.append(part)
        if last:
            node[out[-1]] = value
        else:
            node = node[out[-1]]
    return tuple(out)


# The enums of the contract when this test was written: one that disappears (a schema edit that drops
# the list, so any value passes) fails here; a new enum needs no entry, it is tested automatically.
KNOWN_ENUMS = {(name, (field,)) for name in CONTRACT_TYPES for field in ("level", "status")} | {
    ('annual-plan', ('resources', '[]', 'basis')),
    ('annual-plan', ('resources', '[]', 'kind')),
    ('charter', ('legal_form',)),
    ('config', ('gate', 'fail_on')),
    ('config', ('types', '[]', 'status')),
    ('initiative', ('scope',)),
    ('isac', ('isac', 'channels', '[]', 'kind')),
    ('isac', ('isac', 'language')),
    ('isac', ('isac', 'legal_form')),
    ('isac', ('isac', 'tlp_version')),
    ('procedure', ('scope',)),
    ('self-assessment', ('answers', '*', '*')),
    ('self-assessment', ('answers', '*', '*', 'answer')),
    ('self-assessment', ('answers', '*', 'answer')),
    ('situational-picture', ('kind',)),
}


def test_no_enum_of_the_contract_disappeared() -> None:
    found = {(name, path) for name, path, _ in ENUM_CASES}
    assert KNOWN_ENUMS <= found, sorted(KNOWN_ENUMS - found)


@pytest.mark.parametrize("name,path,first", ENUM_CASES, ids=[f"{n}:{'.'.join(p)}" for n, p, _ in ENUM_CASES])
def test_every_enum_refuses_an_unlisted_value(name: str, path: tuple[str, ...], first: Any) -> None:
    sample = load_yaml((SAMPLES / SAMPLE_FILES[name]).read_text(encoding="utf-8"))
    where = _place(sample, path, first)
    assert where is not None, (f"tests/data/schema-samples/{SAMPLE_FILES[name]} has no value at "
                               f"{'.'.join(path)}: add one so this enum is tested")
    assert error_paths(name, sample) == set(), "the listed value must be accepted"
    _place(sample, path, "zz-not-a-listed-value")
    assert where in error_paths(name, sample)


# --- section headings -------------------------------------------------------------------

SECTION_KEYS = {"admission_criteria", "process_agreements", "confidential_information", "information_sharing_agreements"}
DEFINITION_KEYS = {"operational", "tactical", "strategic"}  # information-classification `definitions`


def test_sections_mapping_is_normalised_and_complete() -> None:
    mapping = section_headings()
    assert set(mapping.values()) == SECTION_KEYS | DEFINITION_KEYS
    for heading in mapping:
        assert normalise_heading(heading) == heading, heading
    for key in SECTION_KEYS | DEFINITION_KEYS:
        assert sum(1 for v in mapping.values() if v == key) >= 4, key
    schema_keys = set(load_schema("membership-guidelines")["properties"]["sections"]["properties"])
    assert schema_keys == SECTION_KEYS
    definitions = set(load_schema("information-classification")["properties"]["definitions"]["properties"])
    assert definitions == DEFINITION_KEYS


def test_section_lookup_remembers_short_headings_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import isaccheck.schemas as schemas

    monkeypatch.setattr(schemas, "_SECTION_OF", {})
    monkeypatch.setattr(schemas, "_HEADING_MEMO_SIZE", 3)
    long = "## 1. Toetredingscriteria" + " " * schemas._HEADING_MEMO_CHARS
    headings = ["## 1. Toetredingscriteria", "## Toetredingscriteria:", long, "# Besluiten", "# Agenda", "# Besluiten"]
    for heading in headings * 2:
        assert section_for_heading(heading) == section_headings().get(normalise_heading(heading))
    assert section_for_heading(long) == "admission_criteria"
    # The long heading is not kept; after three, none is.
    assert schemas._SECTION_OF == {"## 1. Toetredingscriteria": "admission_criteria",
                                   "## Toetredingscriteria:": "admission_criteria", "# Besluiten": None}


@pytest.mark.parametrize(
    "heading,key",
    [
        ("## Toetredingscriteria", "admission_criteria"),
        ("## Admission criteria", "admission_criteria"),
        ("### 2. Procesafspraken", "process_agreements"),
        ("Process agreements:", "process_agreements"),
        ("## Omgang met (vertrouwelijke) informatie", "confidential_information"),
        ("## Confidential information", "confidential_information"),
        ("## Afspraken over informatiedeling", "information_sharing_agreements"),
        ("## 4.1 Information-sharing agreements", "information_sharing_agreements"),
        ("## Agenda", None),
    ],
)
def test_section_for_heading(heading: str, key: str | None) -> None:
    assert section_for_heading(heading) == key


def test_sections_json_is_plain_data() -> None:
    data = json.loads((ROOT / "isaccheck" / "schemas" / "sections.json").read_text(encoding="utf-8"))
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())


# --- the documentation keeps up -----------------------------------------------------------


def test_docs_describe_every_type_and_heading() -> None:
    docs = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8").lower()
    for name in CONTRACT_TYPES:
        assert f"`{name}`" in docs, name
    for heading in section_headings():
        assert heading in docs, heading


def test_dutch_values_are_listed_once_in_the_contract_and_accepted_by_the_schemas() -> None:
    """Issue 11.13: every Dutch enum word is in docs/contract.md and in the schema enums of its value."""
    from isaccheck.enums import dutch_words

    docs = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    rows = [line for line in docs.splitlines() if line.startswith("| ") and "` |" in line]
    for word, value in dutch_words().items():
        assert any(f"| `{value}` |" in row and f"`{word}`" in row for row in rows), (word, value)
    enums: list[list[object]] = [node["enum"] for name in ["common", "isac", *document_types()]
                                 for node in dicts(load_schema(name)) if isinstance(node.get("enum"), list)]
    for enum in enums:
        for word, value in dutch_words().items():
            if value in enum:
                assert word in enum, (word, enum)
