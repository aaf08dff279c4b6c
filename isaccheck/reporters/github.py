"""GitHub Actions: workflow-command annotations on stdout, and a Markdown job summary.

GitHub shows only the first 10 errors, 10 warnings and 10 notices of a step, so the most important
come first: what fails the gate (levels, regressions, then document findings), then capabilities
below their ambition, other findings, and last the failing questions as notices.

Everything taken from documents is escaped as GitHub's toolkit does (`%`, CR and LF in the message;
also `:` and `,` in properties), so no document text can start a workflow command of its own.
Plain lines after the annotations all start with "isaccheck" for the same reason.
"""

from __future__ import annotations

from typing import Iterable

from .. import tlpout
from ..escape import inert_markdown, plain
from ..gate import GateResult, finding_fails
from ..i18n import plural
from ..model import Evaluation, Finding, Severity, Text
from ..rulepack import RulePack
from . import RenderOptions, register
from .cifacts import PROFILE, at, blocks, failing, finding_location, question_location, question_message


def escape_data(value: str) -> str:
    # plain() first: controls and bidi characters become visible escapes; CR/LF the toolkit's way.
    return plain(value, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, *, file: str | None = None, line: int | None = None,
            title: str | None = None) -> str:
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
    if line:
        props.append(f"line={line}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = f"::{kind} {','.join(props)}" if props else f"::{kind}"
    return f"{head}::{escape_data(message)}"


def _finding_kind(f: Finding, fail_on: str) -> str:
    if finding_fails(f, fail_on):
        return "error"
    return {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[f.severity]


def annotation_lines(evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> list[str]:
    lang = options.lang
    gate = options.gate
    fail_on = gate.policy.fail_on if gate else "error"
    ambition_lines = gate.ambition_lines if gate else {}
    out: list[str] = []
    # 0. the label of what this output quotes: annotations are read by everyone with access to the run
    label = tlpout.notice(evaluation.tlp, evaluation.withheld)
    if label is not None:
        out.append(command("notice", label(lang), file=at(PROFILE, options), line=1,
                           title=f"TLP:{evaluation.tlp}" if evaluation.tlp else "TLP"))
    # 0b. what this change did to the policy (--policy-from): a reviewer must see a loosened gate
    for item in (gate.policy_items if gate else ()):
        if item.change:
            out.append(command("warning", item.describe(lang), file=at(item.path, options), line=item.line or 1,
                               title=f"isaccheck: policy {item.kind} {item.change.split(' ')[0]}"))
    # 1. what fails the gate, besides findings
    gate_caps: set[str] = set()
    for reason in (gate.reasons if gate else ()):
        if reason.kind == "finding":
            continue
        if reason.capability and reason.kind == "level":
            gate_caps.add(reason.capability)
        title = "isaccheck gate: " + {"level": "level below the minimum", "regression-level": "level dropped",
                                      "regression-question": "question no longer holds"}.get(reason.kind, reason.kind)
        out.append(command("error", reason.message(lang), file=at(reason.path or "isac.yaml", options),
                           line=reason.line or 1, title=title))
    # 2. findings that fail the gate
    ordered = sorted(evaluation.findings, key=lambda f: (-f.severity.rank, f.sort_key()))
    failing_findings = [f for f in ordered if finding_fails(f, fail_on)]
    for f in failing_findings:
        path, line = finding_location(f)
        out.append(command("error", f.message(lang), file=at(path, options), line=line, title=f"isaccheck: {f.code}"))
    # 3. capabilities below the ambition that the gate did not already name
    for cap in evaluation.capabilities:
        if cap.gap and cap.code not in gate_caps:
            msg = Text(f"{cap.code} is at level {cap.level}, below the ambition {cap.ambition}",
                       f"{cap.code} staat op niveau {cap.level}, onder de ambitie {cap.ambition}")
            out.append(command("warning", msg(lang), file=at("isac.yaml", options),
                               line=ambition_lines.get(cap.code, 1), title=f"isaccheck: {cap.code} below ambition"))
    # 4. the other findings
    for f in ordered:
        if f in failing_findings:
            continue
        path, line = finding_location(f)
        out.append(command(_finding_kind(f, fail_on), f.message(lang), file=at(path, options), line=line,
                           title=f"isaccheck: {f.code}"))
    # 5. the run's own warnings (a shallow clone, ...): about the run, so no file
    for warning in evaluation.warnings:
        out.append(command("notice", warning(lang), title=f"isaccheck: {W['run_warning'](lang)}"))
    # 6. the failing questions that keep a capability below its ambition (or the gate's level)
    questions = sorted((q for q in failing(evaluation) if blocks(q, evaluation, options)), key=lambda q: q.level)
    for q in questions:
        path, line = question_location(q)
        out.append(command("notice", question_message(q, pack, lang), file=at(path, options), line=line,
                           title=f"isaccheck: {q.id}"))
    return out


def _plain(evaluation: Evaluation, gate: GateResult | None, lang: str) -> list[str]:
    lines = []
    for cap in evaluation.capabilities:
        ambition = "-" if cap.ambition is None else str(cap.ambition)
        lines.append(f"isaccheck: {cap.code} level {cap.level} (ambition {ambition})")
    errors = sum(1 for f in evaluation.findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in evaluation.findings if f.severity is Severity.WARNING)
    lines.append(f"isaccheck: {plural(errors, 'error', 'en')}, {plural(warnings, 'warning', 'en')} in documents")
    if evaluation.tlp:
        lines.append(f"isaccheck: output labelled TLP:{evaluation.tlp}"
                     + (f", {plural(evaluation.withheld, 'item', 'en')} withheld" if evaluation.withheld else ""))
    if gate is not None:
        lines.append(f"isaccheck: gate {'passed' if gate.passed else 'failed'} ({gate.policy.describe()})")
        counts: dict[str, int] = {}
        for item in gate.policy_items:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        if counts:
            lines.append("isaccheck: policy in force: " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
    return lines


# -- the job summary ---------------------------------------------------------------------------

W = {
    "passed": Text("gate passed", "gate gehaald"),
    "failed": Text("gate failed", "gate niet gehaald"),
    "capability": Text("Capability", "Capability"),
    "level": Text("Level", "Niveau"),
    "ambition": Text("Ambition", "Ambitie"),
    "minimum": Text("Gate minimum", "Gate-minimum"),
    "why": Text("Why the gate failed", "Waarom de gate niet gehaald is"),
    "changes": Text("Changes against the baseline", "Veranderingen ten opzichte van de baseline"),
    "no_changes": Text("No changes against the baseline.", "Geen veranderingen ten opzichte van de baseline."),
    "findings": Text("Document findings", "Bevindingen in documenten"),
    "next": Text("What to do next", "Wat nu te doen"),
    "as_of": Text("as of", "per"),
    "more": Text("and {n} more", "en nog {n}"),
    "to_level": Text("to level", "naar niveau"),
    "warnings": Text("Run warnings", "Waarschuwingen bij deze run"),
    "run_warning": Text("run warning", "waarschuwing bij de run"),
    "policy": Text("Policy in force (what the gate asks)", "Geldend beleid (wat de gate vraagt)"),
}


def md(value: str) -> str:
    """Document text made inert in Markdown: no HTML, no table breaks, no links, mentions or emphasis.

    The backslash is escaped first (else `\\[x\\](url)` turns the escapes back into a link).
    """
    return inert_markdown(plain(" ".join(value.split())))


def _limited(items: Iterable[str], lang: str, limit: int = 20) -> list[str]:
    items = list(items)
    shown = [f"- {item}" for item in items[:limit]]
    if len(items) > limit:
        shown.append(f"- {W['more'](lang).format(n=len(items) - limit)}")
    return shown


def job_summary(evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> str:
    lang = options.lang
    gate = options.gate
    prov = evaluation.provenance
    verdict = ""
    if gate is not None:
        verdict = f" · {'✅ ' + W['passed'](lang) if gate.passed else '❌ ' + W['failed'](lang)}"
    out = [f"## isaccheck: {md(evaluation.isac_name)}{verdict}", ""]
    tlp = f" · **TLP:{evaluation.tlp}**" if evaluation.tlp else ""
    if evaluation.withheld:
        tlp += f" · {evaluation.withheld} withheld" if lang == "en" else f" · {evaluation.withheld} weggelaten"
    out += [f"{W['as_of'](lang)} {prov.as_of} · isaccheck {prov.tool_version} · {md(prov.rulepack_version)}{tlp}", ""]
    required = gate.required if gate else {}
    out.append(f"| {W['capability'](lang)} | {W['level'](lang)} | {W['ambition'](lang)} | {W['minimum'](lang)} | |")
    out.append("|---|---:|---:|---:|---|")
    for cap in evaluation.capabilities:
        info = pack.capabilities.get(cap.code)
        need = required.get(cap.code)
        target = need if need is not None else cap.ambition
        mark = "" if target is None else ("✅" if cap.level >= target else "❌")
        out.append(f"| {cap.code} {md(info.name(lang)) if info else ''} | {cap.level} | "
                   f"{'-' if cap.ambition is None else cap.ambition} | {'-' if need is None else need} | {mark} |")
    if gate is not None and not gate.passed:
        out += ["", f"### {W['why'](lang)}", ""]
        out += _limited((md(r.message(lang)) + (f" (`{md(r.path)}`)" if r.path and r.kind == "finding" else "")
                         for r in gate.reasons), lang)
    if gate is not None and gate.policy.baseline:
        out += ["", f"### {W['changes'](lang)}", ""]
        if not gate.changes:
            out.append(W["no_changes"](lang))
        out += _limited((f"{'⬇️' if c.worse else '⬆️'} {c.subject}: {md(c.before)} → {md(c.after)}"
                         for c in gate.changes), lang, limit=40)
    if evaluation.warnings:
        out += ["", f"### {W['warnings'](lang)}", ""]
        out += _limited((md(w(lang)) for w in evaluation.warnings), lang)
    if gate is not None and gate.policy_items:
        out += ["", f"### {W['policy'](lang)}", ""]
        out += _limited((("⚠️ " if i.change else "") + md(i.describe(lang)) for i in
                         sorted(gate.policy_items, key=lambda i: (i.change is None, i.kind, i.subject))), lang, limit=60)
    if evaluation.findings:
        out += ["", f"### {W['findings'](lang)} ({len(evaluation.findings)})", ""]
        out += _limited((f"{f.severity.value} {md(f.path)}:{finding_location(f)[1]} {md(f.message(lang))}"
                         for f in sorted(evaluation.findings, key=lambda f: (-f.severity.rank, f.sort_key()))), lang)
    if evaluation.plan:
        out += ["", f"### {W['next'](lang)}", ""]
        for step in evaluation.plan:
            info = pack.capabilities.get(step.capability)
            name = md(info.name(lang)) if info else ""
            out.append(f"- **{step.capability} {name}** {W['to_level'](lang)} {step.to_level}: "
                       + ", ".join(step.questions))
    return "\n".join(out) + "\n"


@register("github")
class GithubReporter:
    name = "github"

    def render(self, evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> str:
        lines = annotation_lines(evaluation, pack, options) + _plain(evaluation, options.gate, options.lang)
        return "\n".join(lines) + "\n"
