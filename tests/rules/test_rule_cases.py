"""Per-rule boundary tests as data: tests/rules/cases/<ID>.yaml, run by one parametrised test.

A case file is a list of cases, or a mapping {snippets: ..., cases: [...]} whose `snippets`
only hold YAML anchors shared by the cases. A case:

    name: short words                  # test id <ID>:<name>
    as_of: 2026-06-30                  # the evaluation date
    profile_patch: {...}               # optional; deep-merged into base/isac.yaml
    files: {path: content}             # the repository's documents (Markdown with frontmatter)
    config: {rules: {...}}             # optional; written as isaccheck.yaml
    no_waivers: true                   # optional; like --no-waivers
    expect: holds                      # holds | attested | fails | not-applicable | unknown
    reason_contains: "..."             # optional (text or list); in the reason or a missing text
    warning_contains: "..."            # optional (text or list); in one of the run's warnings
    no_warning: true                   # optional; the run has no warnings at all
    finding_contains: "..."            # optional (text or list); in one of the findings' messages

Profile merge: mappings merge key by key, lists replace, and a null value removes the key.
See docs/rules.md, "Testing rules".
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

import isaccheck.runner as runner
from isaccheck.model import Outcome
from isaccheck.rulepack import load_packs

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
BASE_PROFILE = HERE / "base" / "isac.yaml"
CASE_KEYS = {"name", "as_of", "profile_patch", "files", "config", "no_waivers", "expect", "reason_contains", "note",
             "warning_contains", "no_warning", "finding_contains"}
REQUIRED_KEYS = {"name", "as_of", "files", "expect"}
OUTCOMES = {o.value for o in Outcome}
HOLDING = {"holds", "attested"}


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _StrictLoader(_Loader):  # type: ignore[misc,valid-type]
    """Safe loading that refuses a key written twice in one mapping (anchors and << still work)."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load_case_file(path: Path) -> list[dict[str, Any]]:
    data = yaml.load(path.read_text("utf-8"), Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    if isinstance(data, dict):
        unknown = set(data) - {"snippets", "cases"}
        assert not unknown, f"{path.name}: unknown top-level keys {sorted(unknown)}"
        data = data.get("cases")
    assert isinstance(data, list) and data, f"{path.name}: expected a non-empty list of cases"
    for case in data:
        assert isinstance(case, dict), f"{path.name}: a case must be a mapping"
        label = f"{path.name}: case {case.get('name')!r}"
        assert not set(case) - CASE_KEYS, f"{label}: unknown keys {sorted(set(case) - CASE_KEYS)}"
        assert REQUIRED_KEYS <= set(case), f"{label}: needs {sorted(REQUIRED_KEYS - set(case))}"
        assert case["expect"] in OUTCOMES, f"{label}: expect must be one of {sorted(OUTCOMES)}"
        assert isinstance(case["as_of"], dt.date), f"{label}: as_of must be a YYYY-MM-DD date"
    names = [c["name"] for c in data]
    assert len(names) == len(set(names)), f"{path.name}: case names must be unique"
    return data


def deep_merge(base: Any, patch: Any) -> Any:
    """Mappings merge key by key; a null in the patch removes the key; anything else replaces."""
    if not (isinstance(base, dict) and isinstance(patch, dict)):
        return patch
    merged = dict(base)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif key in merged:
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _all_cases() -> Iterator[Any]:
    for path in sorted(CASES.glob("*.yaml")):
        rule_id = path.stem
        for case in load_case_file(path):
            yield pytest.param(rule_id, case, id=f"{rule_id}:{case['name']}")


@pytest.fixture(scope="module", autouse=True)
def _builtin_pack_once() -> Iterator[None]:
    """Loading the 56 rules dominates a check; the built-in pack is the same for every case."""
    builtin = load_packs()
    original = runner.load_packs

    def cached(extra: Any = ()) -> Any:
        extra = list(extra)
        return builtin if not extra else original(extra)

    runner.load_packs = cached  # type: ignore[assignment]
    yield
    runner.load_packs = original  # type: ignore[assignment]


@functools.lru_cache(maxsize=1)
def _base_profile() -> Any:
    return yaml.load(BASE_PROFILE.read_text("utf-8"), Loader=_StrictLoader)  # noqa: S506


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def build_repository(root: Path, case: dict[str, Any]) -> Path:
    profile = deep_merge(copy.deepcopy(_base_profile()), case.get("profile_patch") or {})
    files: dict[str, str] = {"isac.yaml": _dump(profile)}
    if case.get("config") is not None:
        files["isaccheck.yaml"] = _dump(case["config"])
    for rel, content in (case.get("files") or {}).items():
        assert rel not in ("isac.yaml", "isaccheck.yaml"), "use profile_patch / config for these"
        files[rel] = content
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return root


@pytest.mark.parametrize(("rule_id", "case"), list(_all_cases()))
def test_rule_case(rule_id: str, case: dict[str, Any], tmp_path: Path) -> None:
    root = build_repository(tmp_path / "repo", case)
    run = runner.check(root, case["as_of"], no_waivers=bool(case.get("no_waivers")))
    result = next((q for q in run.evaluation.questions if q.id == rule_id), None)
    assert result is not None, f"{rule_id} is not a rule of the pack"
    texts = [result.reason.en, *(m.en for m in result.missing)]
    shown = "\n  ".join(texts)
    assert result.outcome.value == case["expect"], (
        f"{rule_id} [{case['name']}]: expected {case['expect']}, got {result.outcome.value}\n  {shown}")
    wanted = case.get("reason_contains")
    for fragment in [wanted] if isinstance(wanted, str) else (wanted or []):
        assert any(fragment in t for t in texts), f"{rule_id} [{case['name']}]: {fragment!r} not in\n  {shown}"
    warnings = [w.en for w in run.evaluation.warnings]
    wanted = case.get("warning_contains")
    for fragment in [wanted] if isinstance(wanted, str) else (wanted or []):
        assert any(fragment in w for w in warnings), f"{rule_id} [{case['name']}]: {fragment!r} not in warnings {warnings}"
    if case.get("no_warning"):
        assert not warnings, f"{rule_id} [{case['name']}]: unexpected warnings {warnings}"
    findings = [f"{f.path}: {f.message.en}" for f in run.evaluation.findings]
    wanted = case.get("finding_contains")
    for fragment in [wanted] if isinstance(wanted, str) else (wanted or []):
        assert any(fragment in f for f in findings), f"{rule_id} [{case['name']}]: {fragment!r} not in findings {findings}"


def test_every_rule_has_cases() -> None:
    """Every rule of the pack has a case file with at least one holding and one failing case."""
    pack = load_packs()
    files = {p.stem: p for p in CASES.glob("*.yaml")}
    rule_ids = {r.id for r in pack.rules}
    assert not set(files) - rule_ids, f"case files for unknown rules: {sorted(set(files) - rule_ids)}"
    problems = []
    for rule_id in sorted(rule_ids):
        if rule_id not in files:
            problems.append(f"{rule_id}: no case file")
            continue
        expected = {c["expect"] for c in load_case_file(files[rule_id])}
        if not expected & HOLDING:
            problems.append(f"{rule_id}: no holds/attested case")
        if "fails" not in expected:
            problems.append(f"{rule_id}: no fails case")
    assert not problems, "\n".join(problems)
