"""GitLab Code Quality JSON (the Code Climate subset GitLab reads: artifacts:reports:codequality).

An issue per document finding, per failing question and per gate failure that is not a finding;
each with description, check_name, fingerprint, severity and location.path / location.lines.begin.
"""

from __future__ import annotations

from typing import Any

from .. import tlpout
from ..gate import finding_fails
from ..model import Evaluation, Severity
from ..rulepack import RulePack
from . import RenderOptions, register
from .cifacts import (PROFILE, at, blocks, failing, finding_entries, finding_location, fingerprint, question_location,
                      question_message)
from .jsonout import dumps

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _issue(description: str, check: str, fp: str, severity: str, path: str, line: int) -> dict[str, Any]:
    return {"type": "issue", "description": description, "check_name": check, "fingerprint": fp,
            "severity": severity, "location": {"path": path, "lines": {"begin": line}}}


def code_quality(evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> list[dict[str, Any]]:
    lang = options.lang
    gate = options.gate
    fail_on = gate.policy.fail_on if gate else "error"
    issues: list[dict[str, Any]] = []
    for reason in (gate.reasons if gate else ()):
        if reason.kind == "finding":
            continue
        path = reason.path or "isac.yaml"
        subject = reason.question or reason.capability or ""
        issues.append(_issue(reason.message(lang), f"isaccheck/gate/{reason.kind}",
                             fingerprint(f"gate/{reason.kind}", path, subject), "blocker",
                             at(path, options), reason.line or 1))
    for entry in finding_entries(evaluation.findings):
        f = entry.finding
        path, line = finding_location(f)
        severity = "critical" if finding_fails(f, fail_on) else _SEVERITY[f.severity]
        issues.append(_issue(f"{f.message(lang)} [{f.code}]", f"isaccheck/{f.code}",
                             fingerprint(f.code, path, entry.discriminator), severity, at(path, options), line))
    for q in failing(evaluation):
        path, line = question_location(q)
        issues.append(_issue(question_message(q, pack, lang), f"isaccheck/{q.id}", fingerprint(q.id, path, ""),
                             "major" if blocks(q, evaluation, options) else "minor", at(path, options), line))
    # The run's own warnings (a shallow clone, ...): Code Quality has no run-level entry, so an
    # `info` issue on isac.yaml, fingerprinted by the English text (the same in either language).
    for warning in evaluation.warnings:
        issues.append(_issue(warning(lang), "isaccheck/run-warning", fingerprint("run-warning", PROFILE, warning.en),
                             "info", at(PROFILE, options), 1))
    for item in (gate.policy_items if gate else ()):
        # The policy in force: info issues where the setting is; a change against --policy-from is major.
        issues.append(_issue(item.describe(lang), f"isaccheck/policy/{item.kind}",
                             fingerprint(f"policy/{item.kind}", item.path, item.subject),
                             "major" if item.change else "info", at(item.path, options), item.line or 1))
    label = tlpout.notice(evaluation.tlp, evaluation.withheld)
    if label is not None:
        # Code Quality has no field for a report's label: an issue says it (info, never failing).
        issues.append(_issue(label(lang), "isaccheck/tlp", fingerprint("tlp", PROFILE, ""), "info",
                             at(PROFILE, options), 1))
    return issues


@register("gitlab")
class GitlabReporter:
    name = "gitlab"

    def render(self, evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> str:
        return dumps(code_quality(evaluation, pack, options))
