"""SARIF 2.1.0, as GitHub code scanning accepts it (docs/ci.md).

One rule per question of the rule pack and per document check; a result only for what fails (a
failing question, a document finding), because GitHub shows every result as an alert. Every
result has a relative file location with a start line (a missing document points at isac.yaml)
and a logical fingerprint under isaccheck's own key that does not depend on the message or line.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..model import Evaluation, Severity, Text
from ..rulepack import RulePack
from . import RenderOptions, register
from .cifacts import (FINDING_RULES, FINGERPRINT_KEY, at, policy_dicts, blocks, failing, finding_entries, finding_location,
                      finding_rule, fingerprint, question_location, question_message)
from .jsonout import dumps

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/isaccheck/"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_WARNING_CODES = frozenset({"tlp-deprecated", "waiver-expired", "waiver-source", "sidecar-orphan",
                            "symlink-broken", "too-large", "binary", "not-a-file", "backfilled", "signature-missing", "glob-unused",
                            "infer-no-date", "infer-tlp-invalid", "infer-date-disagree", "unknown-key"}
                           | {code for code in FINDING_RULES if code.startswith("read-")})
# Informational codes: a SARIF note, never an alert that asks for action.
_NOTE_CODES = frozenset({"not-a-document", "same-meeting", "infer-cancelled-meeting", "infer-unmatched-attendee"})


def default_level(code: str) -> str:
    """The SARIF level a finding code has by default (docs/findings.md lists them)."""
    return "note" if code in _NOTE_CODES else ("warning" if code in _WARNING_CODES else "error")


# GitHub code scanning's documented limits for one run (docs/ci.md): more results than this and
# the upload is rejected; only the first 5,000 by severity are shown, so the most severe come first.
MAX_RESULTS = 25_000
_RANK = {"error": 0, "warning": 1, "note": 2}


def _location(path: str, line: int, options: RenderOptions) -> dict[str, Any]:
    # The real name's bytes, percent-encoded: a name that is not UTF-8 (kept by the OS as lone
    # surrogates) or holds control characters still names the file, not its escaped display form.
    raw = at(path, options).encode("utf-8", "surrogateescape")
    return {"physicalLocation": {
        "artifactLocation": {"uri": quote(raw, safe="/"), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": line},
    }}


# The notifications a run can carry, described once in the driver (as rules are for results).
_NOTIFICATIONS = {
    "run-warning": Text("A warning about the run itself, such as a shallow clone without history",
                        "Een waarschuwing over de run zelf, zoals een ondiepe kloon zonder geschiedenis"),
    "results-capped": Text("Results were left out to stay within GitHub code scanning's limit per run",
                           "Resultaten zijn weggelaten om binnen de limiet per run van GitHub code scanning te blijven"),
}


def _notification_descriptors(lang: str) -> list[dict[str, Any]]:
    return [{"id": key, "shortDescription": {"text": text(lang)}} for key, text in _NOTIFICATIONS.items()]


def _notification(text: str, descriptor: str, level: str = "warning") -> dict[str, Any]:
    index = list(_NOTIFICATIONS).index(descriptor)
    return {"level": level, "message": {"text": text}, "descriptor": {"id": descriptor, "index": index}}


def _capped(results: list[dict[str, Any]], lang: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """At most MAX_RESULTS results, the most severe first; a notification says what was left out."""
    if len(results) <= MAX_RESULTS:
        return results, []
    kept = sorted(results, key=lambda r: _RANK[r["level"]])[:MAX_RESULTS]  # stable: same order within a level
    left = len(results) - MAX_RESULTS
    text = Text(f"{left} of {len(results)} results left out: GitHub code scanning accepts at most "
                f"{MAX_RESULTS} per run (the most severe are kept); see the json output for all",
                f"{left} van {len(results)} resultaten weggelaten: GitHub code scanning accepteert er hoogstens "
                f"{MAX_RESULTS} per run (de ernstigste zijn behouden); zie de json-uitvoer voor alle")
    return kept, [_notification(text(lang), "results-capped")]


def _rules(evaluation: Evaluation, pack: RulePack, lang: str) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for rule in pack.rules:
        info = pack.capabilities.get(rule.capability)
        cap_name = info.name(lang) if info else rule.capability
        question = rule.question(lang)
        level_word = "niveau" if lang == "nl" else "level"
        advice = rule.advice(lang) if rule.advice else (rule.measure(lang) if rule.measure else question)
        rules.append({
            "id": rule.id,
            "name": rule.id.replace("-", "").replace(".", "_"),
            "shortDescription": {"text": question},
            "fullDescription": {"text": f"{rule.capability} {cap_name}, {level_word} {rule.level}: {question}"},
            "help": {"text": advice},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["isaccheck", "maturity", rule.capability], "capability": rule.capability,
                           "level": rule.level},
        })
    codes = list(FINDING_RULES) + sorted({f.code for f in evaluation.findings} - set(FINDING_RULES))
    for code in codes:
        short, help_text = finding_rule(code)
        rules.append({
            "id": code,
            "name": "".join(part.capitalize() for part in code.split("-")),
            "shortDescription": {"text": short(lang)},
            "fullDescription": {"text": f"{short(lang)} ({code})"},
            "help": {"text": help_text(lang)},
            "defaultConfiguration": {"level": default_level(code)},
            "properties": {"tags": ["isaccheck", "document"]},
        })
    return rules


def sarif_log(evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> dict[str, Any]:
    lang = options.lang
    rules = _rules(evaluation, pack, lang)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for entry in finding_entries(evaluation.findings):
        f = entry.finding
        path, line = finding_location(f)
        results.append({
            "ruleId": f.code, "ruleIndex": index[f.code], "level": _LEVEL[f.severity],
            "message": {"text": f.message(lang)},
            "locations": [_location(f.real_path or path, line, options)],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f.code, path, entry.discriminator)},
        })
    for q in failing(evaluation):
        path, line = question_location(q)
        rule = pack.rule(q.id)
        results.append({
            "ruleId": q.id, "ruleIndex": index[q.id] if q.id in index else -1,
            "level": "error" if blocks(q, evaluation, options) else "warning",
            "message": {"text": question_message(q, pack, lang)},
            "locations": [_location(path, line, options)],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(q.id, path, "")},
            "properties": {"capability": q.capability, "level": q.level, "outcome": q.outcome.value,
                           **({"advice": rule.advice(lang)} if rule and rule.advice else {})},
        })
    for r in results:
        if r["ruleIndex"] == -1:  # a question of an extra pack that is not in the pack (cannot happen today)
            del r["ruleIndex"]
    results, capped = _capped(results, lang)
    # Run-level warnings (a shallow clone, an unreadable setting) reach code scanning as tool
    # notifications of the run's one invocation.
    notifications = [_notification(w(lang), "run-warning") for w in evaluation.warnings] + capped
    run_properties: dict[str, Any] = {"as_of": evaluation.provenance.as_of, "tlp": evaluation.tlp,
                                      "tlp_withheld": evaluation.withheld,
                                      "capabilities": {c.code: c.level for c in evaluation.capabilities}}
    if options.gate is not None:
        run_properties["gate"] = {"passed": options.gate.passed, "policy": options.gate.policy.describe(),
                                  "policy_in_force": policy_dicts(options)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "isaccheck",
                "version": evaluation.provenance.tool_version,
                "semanticVersion": evaluation.provenance.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
                "notifications": _notification_descriptors(lang),
                "properties": {"rulepack": evaluation.provenance.rulepack_version},
            }},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "automationDetails": {"id": "isaccheck/"},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": run_properties,
        }],
    }


@register("sarif")
class SarifReporter:
    name = "sarif"

    def render(self, evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> str:
        return dumps(sarif_log(evaluation, pack, options))
