"""The CI gate: ambition, explicit levels, baseline regressions, --fail-on, isaccheck.yaml, exit codes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from isaccheck.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, cli
from isaccheck.gate import (GatePolicy, GateSpecError, combine, evaluate_gate, parse_gate_specs,
                            policy_from_config)
from isaccheck.model import Finding, Outcome, Severity, Text
from isaccheck.runner import check

from .conftest import AS_OF

ROOT = Path(__file__).resolve().parent.parent
WATER = ROOT / "evidence-examples" / "water-isac"
WATER_AS_OF = "2026-11-28"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def water():
    import datetime as dt

    return check(WATER, dt.date.fromisoformat(WATER_AS_OF))


# -- parsing -----------------------------------------------------------------------------------

def test_specs_combine() -> None:
    policy = parse_gate_specs(["ambition,str=2", "WOW = 1", "baseline:base.json"], "warning")
    assert policy.ambition and dict(policy.levels) == {"STR": 2, "WOW": 1}
    assert policy.baseline == "base.json" and policy.fail_on == "warning"
    assert parse_gate_specs(["none"]) == GatePolicy()


def test_levels_reach_from_0_to_3() -> None:
    """Found by mutation testing (docs/testing.md): 0 and 3 are levels, 4 and -1 are not."""
    assert dict(parse_gate_specs(["STR=0,WOW=3"]).levels) == {"STR": 0, "WOW": 3}
    for bad in ("STR=4", "STR=-1"):
        with pytest.raises(GateSpecError):
            parse_gate_specs([bad])


def test_a_reason_names_the_ambition_or_the_gates_own_minimum(water) -> None:
    """With the ambition and a minimum of its own, each reason says which one the level is below.
    Found by mutation testing: `ambition and not in levels` read as `or` went unnoticed."""
    policy = parse_gate_specs(["ambition,SIT=2"])
    result = evaluate_gate(water.evaluation, policy, None, water.repository.profile.lines)
    said = {r.capability: (r.message.en, r.message.nl, r.line) for r in result.reasons if r.kind == "level"}
    lines = water.repository.profile.lines
    assert said["STR"] == ("STR is at level 2, below the ambition 3", "STR staat op niveau 2, onder de ambitie 3",
                           lines["ambition.STR"])
    assert said["SIT"] == ("SIT is at level 1, below the gate's minimum 2",
                           "SIT staat op niveau 1, onder het minimum van de gate, 2", lines["ambition"])


@pytest.mark.parametrize("spec, words", [
    ("STR=4", "0-3"), ("XYZ=1", "unknown capability"), ("STR=two", "whole number"), ("ambitions", "cannot read"),
    ("STR=1,,WOW=1", "empty item"), ("", "empty value"), ("baseline:", "needs a file"), ("STR=1,STR=2", "twice"),
    ("baseline:a.json,baseline:b.json", "only one baseline"),
])
def test_bad_specs_are_usage_errors(spec: str, words: str, make_repo) -> None:
    with pytest.raises(GateSpecError, match=words):
        parse_gate_specs([spec])
    root = make_repo()
    result = invoke("check", str(root), "--as-of", "2026-06-30", "--gate", spec)
    assert result.exit_code == EXIT_USAGE
    assert words in result.output and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_policy_and_cli_wins() -> None:
    config = policy_from_config({"levels": {"STR": 2}, "fail_on": "warning", "baseline": "b.json"})
    assert dict(config.levels) == {"STR": 2} and config.baseline == "b.json" and config.fail_on == "warning"
    assert policy_from_config({"levels": "ambition"}).ambition
    assert combine(config, (), None) == config
    assert combine(config, (), "never").fail_on == "never"
    cli = combine(config, ("ambition",), None)
    assert cli.ambition and not cli.levels and cli.baseline is None and cli.fail_on == "warning"


# -- judging -----------------------------------------------------------------------------------

def test_ambition_gate(water) -> None:
    result = evaluate_gate(water.evaluation, GatePolicy(ambition=True), None, water.repository.profile.lines)
    below = {c.code for c in water.evaluation.capabilities if c.gap}
    assert below and {r.capability for r in result.reasons} == below
    assert all(r.kind == "level" and r.path == "isac.yaml" and r.line and r.line > 1 for r in result.reasons)
    assert not result.passed


def test_explicit_levels_override_the_ambition(water) -> None:
    levels = {c.code: c.level for c in water.evaluation.capabilities}
    assert evaluate_gate(water.evaluation, GatePolicy(levels=levels)).passed
    assert evaluate_gate(water.evaluation, GatePolicy(ambition=True, levels=levels)).passed
    one_up = {"STR": levels["STR"] + 1}
    reasons = evaluate_gate(water.evaluation, GatePolicy(levels=one_up)).reasons
    assert [r.capability for r in reasons] == ["STR"] and "minimum" in reasons[0].message.en


def test_ambition_gate_needs_an_ambition(water) -> None:
    evaluation = replace(water.evaluation, capabilities=tuple(replace(c, ambition=None)
                                                               for c in water.evaluation.capabilities))
    with pytest.raises(GateSpecError, match="no `ambition`"):
        evaluate_gate(evaluation, GatePolicy(ambition=True))


def _baseline(water, lang: str = "en") -> dict:
    from isaccheck.reporters.jsonout import result_dict

    return result_dict(water.evaluation, water.pack, lang)


def test_baseline_unchanged_passes_and_regressions_fail(water) -> None:
    base = _baseline(water)
    assert evaluate_gate(water.evaluation, GatePolicy(baseline="b"), base).passed
    held = next(q for q in water.evaluation.questions if q.outcome is Outcome.HOLDS and q.capability == "STR"
                and q.level == 1)
    worse = replace(water.evaluation, questions=tuple(
        replace(q, outcome=Outcome.FAILS, reason=Text("gone", "weg")) if q.id == held.id else q
        for q in water.evaluation.questions),
        capabilities=tuple(replace(c, level=0) if c.code == "STR" else c for c in water.evaluation.capabilities))
    result = evaluate_gate(worse, GatePolicy(baseline="b"), base)
    kinds = [(r.kind, r.capability, r.question) for r in result.reasons]
    assert ("regression-level", "STR", None) in kinds and ("regression-question", "STR", held.id) in kinds
    assert {c.subject for c in result.changes} >= {"STR", held.id}


def test_baseline_from_an_older_version_compares_codes_and_ids_only(water) -> None:
    old = {"capabilities": [{"code": c.code, "level": c.level} for c in water.evaluation.capabilities]
           + [{"code": "OLD", "level": 3}],
           "questions": [{"id": q.id, "outcome": "holds"} for q in water.evaluation.questions if q.outcome.holds]
           + [{"id": "STR-9.9", "holds": True}, {"no id": 1}]}
    assert evaluate_gate(water.evaluation, GatePolicy(baseline="b"), old).passed
    # The outcome spelt the old way still counts: a question that held and now fails is a regression.
    failing = next(q for q in water.evaluation.questions if q.outcome is Outcome.FAILS)
    old["questions"].append({"id": failing.id, "outcome": "attested"})
    reasons = evaluate_gate(water.evaluation, GatePolicy(baseline="b"), old).reasons
    assert [r.question for r in reasons] == [failing.id]


def test_a_baseline_in_dutch_is_the_same_baseline(water) -> None:
    assert evaluate_gate(water.evaluation, GatePolicy(baseline="b"), _baseline(water, "nl")).passed


def test_fail_on(water) -> None:
    warning = Finding("tlp-deprecated", Severity.WARNING, "a.md", 3, Text("old label", "oud label"))
    error = Finding("schema", Severity.ERROR, "b.md", 4, Text("bad", "fout"))
    evaluation = replace(water.evaluation, findings=(warning, error))
    assert [r.finding for r in evaluate_gate(evaluation, GatePolicy()).reasons] == [error]
    assert [r.finding for r in evaluate_gate(evaluation, GatePolicy(fail_on="warning")).reasons] == [error, warning]
    assert evaluate_gate(evaluation, GatePolicy(fail_on="never")).passed


# -- the command line --------------------------------------------------------------------------

def test_cli_gate_exit_codes_and_reasons_on_stderr() -> None:
    passed = invoke("check", str(WATER), "--as-of", WATER_AS_OF)
    assert passed.exit_code == EXIT_OK and passed.stderr == ""
    failed = invoke("check", str(WATER), "--as-of", WATER_AS_OF, "--gate", "ambition")
    assert failed.exit_code == EXIT_FINDINGS
    lines = failed.stderr.strip().splitlines()
    assert lines[0].startswith("isaccheck: gate: isac.yaml:") and "below the ambition" in lines[0]
    assert lines[-1].startswith("isaccheck: gate failed (")
    assert all(line.startswith("isaccheck: ") for line in lines)
    assert invoke("check", str(WATER), "--as-of", WATER_AS_OF, "--gate", "STR=1,WOW=1").exit_code == EXIT_OK
    dutch = invoke("check", str(WATER), "--as-of", WATER_AS_OF, "--gate", "ambition", "--lang", "nl")
    assert "onder de ambitie" in dutch.stderr


def test_cli_baseline_round_trip(tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    invoke("check", str(WATER), "--as-of", WATER_AS_OF, "--format", "json", "-o", str(base))
    ok = invoke("check", str(WATER), "--as-of", WATER_AS_OF, "--gate", f"baseline:{base}")
    assert ok.exit_code == EXIT_OK, ok.output
    data = json.loads(base.read_text())
    for cap in data["capabilities"]:
        cap["level"] = 3
    base.write_text(json.dumps(data))
    worse = invoke("check", str(WATER), "--as-of", WATER_AS_OF, "--gate", f"baseline:{base}")
    assert worse.exit_code == EXIT_FINDINGS and "dropped from level 3" in worse.stderr


@pytest.mark.parametrize("content, words", [(None, "does not exist yet"), ("{", "not JSON"), ("[]", "not an isaccheck")])
def test_cli_bad_baseline_is_a_usage_error(tmp_path: Path, content: str | None, words: str) -> None:
    base = tmp_path / "base.json"
    if content is not None:
        base.write_text(content)
    result = invoke("check", str(WATER), "--as-of", WATER_AS_OF, "--gate", f"baseline:{base}")
    assert result.exit_code == EXIT_USAGE and words in result.stderr


def test_gate_from_isaccheck_yaml_and_cli_wins(make_repo) -> None:
    bad = "---\ntype: minutes\ndate: 2026-03-12\nattendees: [Alpha]\n---\n"  # no tlp: an error finding
    root = make_repo({"isaccheck.yaml": "gate:\n  levels: {STR: 1}\n  fail_on: never\n", "m.md": bad})
    from_config = invoke("check", str(root), "--as-of", AS_OF.isoformat())
    assert from_config.exit_code == EXIT_FINDINGS and "STR is at level 0, below the gate's minimum 1" in from_config.stderr
    assert "tlp" not in from_config.stderr.lower()
    assert invoke("check", str(root), "--as-of", AS_OF.isoformat(), "--gate", "none").exit_code == EXIT_OK
    cli_fail = invoke("check", str(root), "--as-of", AS_OF.isoformat(), "--gate", "none", "--fail-on", "error")
    assert cli_fail.exit_code == EXIT_FINDINGS and "m.md" in cli_fail.stderr


def test_bad_gate_in_isaccheck_yaml_is_a_usage_error(make_repo) -> None:
    root = make_repo({"isaccheck.yaml": "gate:\n  fail_on: sometimes\n"})
    result = invoke("check", str(root), "--as-of", AS_OF.isoformat())
    assert result.exit_code == EXIT_USAGE and "isaccheck.yaml" in result.stderr


def test_baseline_in_isaccheck_yaml_may_not_leave_the_repository(make_repo, tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text("{}")
    root = make_repo({"isaccheck.yaml": f"gate:\n  baseline: ../outside.json\n"})
    result = invoke("check", str(root), "--as-of", AS_OF.isoformat())
    assert result.exit_code == EXIT_USAGE
    assert "isaccheck.yaml:2: gate.baseline: ../outside.json is not a file inside the repository" in result.stderr


def test_without_a_gate_stderr_stays_quiet(make_repo) -> None:
    root = make_repo({"m.md": "---\ntype: minutes\ndate: 2026-03-12\nattendees: [Alpha]\n---\n"})
    plain = invoke("check", str(root), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert plain.exit_code == EXIT_FINDINGS and plain.stderr == ""
    json.loads(plain.stdout)
    asked = invoke("check", str(root), "--as-of", AS_OF.isoformat(), "--format", "json", "--fail-on", "error")
    assert asked.exit_code == EXIT_FINDINGS and asked.stderr.startswith("isaccheck: gate: m.md:")
