"""The CI gate: does this evaluation pass the policy? Pure: no files, no printing, no exits.

A policy has three parts, each optional:

* levels: ``ambition`` (the levels in isac.yaml) and/or a minimum level per capability
  (``STR=2,WOW=1``); an explicit minimum wins over the ambition for that capability;
* a baseline: an earlier JSON result; a capability level that dropped or a question that held and
  no longer does is a regression. Only capability codes and question ids are compared, so a
  baseline written by an older isaccheck still works;
* fail_on: which document findings fail the gate (``error``, the default; ``warning``; ``never``).

The CLI reads the baseline file and hands its data in; this module only compares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from .policy import PolicyItem

from .errors import ConfigError
from .model import CAPABILITIES, Evaluation, Finding, Outcome, Severity, Text

FAIL_ON = ("error", "warning", "never")
_LEVEL_ITEM = re.compile(r"^\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")


class GateSpecError(ConfigError):
    """A --gate / --fail-on value or an isaccheck.yaml `gate:` setting that cannot be read."""


@dataclass(frozen=True)
class GatePolicy:
    ambition: bool = False
    levels: Mapping[str, int] = field(default_factory=dict)
    baseline: str | None = None  # path of the baseline file, as written by the user
    fail_on: str = "error"
    # Asked for (a --gate, --fail-on or isaccheck.yaml's gate:). Without it the run only fails on
    # document errors, as isaccheck always did, and prints no gate reasons.
    explicit: bool = False

    @property
    def checks_levels(self) -> bool:
        return self.ambition or bool(self.levels)

    def describe(self) -> str:
        parts = []
        if self.ambition:
            parts.append("ambition")
        parts.extend(f"{cap}={level}" for cap, level in self.levels.items())
        if self.baseline:
            parts.append(f"baseline:{self.baseline}")
        parts.append(f"fail-on {self.fail_on}")
        return ", ".join(parts)


@dataclass(frozen=True)
class GateReason:
    """One reason the gate failed: a level, a regression or a finding."""

    kind: str  # "level" | "regression-level" | "regression-question" | "finding"
    message: Text
    path: str | None = None
    line: int | None = None
    capability: str | None = None
    question: str | None = None
    finding: Finding | None = None


@dataclass(frozen=True)
class Change:
    """Something that differs from the baseline (better or worse), for the job summary."""

    subject: str  # capability code or question id
    before: str
    after: str
    worse: bool


@dataclass(frozen=True)
class GateResult:
    policy: GatePolicy
    reasons: tuple[GateReason, ...]
    required: Mapping[str, int]  # capability -> the minimum level the policy asks for
    changes: tuple[Change, ...] = ()
    ambition_lines: Mapping[str, int] = field(default_factory=dict)  # capability -> line in isac.yaml
    # The settings that decide what the gate asks (policy.py): listed in every CI format.
    policy_items: tuple["PolicyItem", ...] = ()

    @property
    def passed(self) -> bool:
        return not self.reasons


# -- reading the policy ------------------------------------------------------------------------

def _level(cap: str, raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit())):
        raise GateSpecError(f"{where}: level of {cap} must be a whole number 0-3, not {raw!r}")
    value = int(raw)
    if not 0 <= value <= 3:
        raise GateSpecError(f"{where}: level of {cap} must be 0-3, not {value}")
    return value


def _capability(raw: str, where: str) -> str:
    cap = raw.strip().upper()
    if cap not in CAPABILITIES:
        raise GateSpecError(f"{where}: unknown capability {raw!r}; use {', '.join(CAPABILITIES)}")
    return cap


def parse_gate_specs(specs: tuple[str, ...] | list[str], fail_on: str = "error") -> GatePolicy:
    """--gate values: each a comma-separated list of `ambition`, `CAP=N`, `baseline:FILE` or `none`."""
    ambition = False
    levels: dict[str, int] = {}
    baseline: str | None = None
    for spec in specs:
        items = [s.strip() for s in spec.split(",")]
        if not any(items):
            raise GateSpecError("--gate: empty value; use ambition, STR=2,WOW=1 or baseline:FILE")
        for item in items:
            where = f"--gate {spec}"
            if not item:
                raise GateSpecError(f"{where}: empty item between commas")
            if item.lower() == "ambition":
                ambition = True
            elif item.lower() == "none":
                continue
            elif item.lower().startswith("baseline:"):
                path = item[len("baseline:"):].strip()
                if not path:
                    raise GateSpecError(f"{where}: baseline: needs a file, e.g. baseline:isaccheck-baseline.json")
                if baseline is not None and baseline != path:
                    raise GateSpecError(f"{where}: only one baseline file, not {baseline} and {path}")
                baseline = path
            elif (match := _LEVEL_ITEM.match(item)) is not None:
                cap = _capability(match[1], where)
                value = _level(cap, match[2], where)
                if cap in levels and levels[cap] != value:
                    raise GateSpecError(f"{where}: {cap} is given twice ({levels[cap]} and {value})")
                levels[cap] = value
            else:
                raise GateSpecError(
                    f"{where}: cannot read {item!r}; use ambition, CAP=LEVEL (e.g. STR=2,WOW=1), "
                    f"baseline:FILE or none")
    return GatePolicy(ambition=ambition, levels=levels, baseline=baseline, fail_on=check_fail_on(fail_on))


def check_fail_on(value: str) -> str:
    if value not in FAIL_ON:
        raise GateSpecError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {value!r}")
    return value


def policy_from_config(gate: Mapping[str, Any]) -> GatePolicy:
    """isaccheck.yaml's `gate:` (already schema-checked) as a policy."""
    raw_levels = gate.get("levels")
    ambition = raw_levels == "ambition"
    levels: dict[str, int] = {}
    if isinstance(raw_levels, Mapping):
        for cap, value in raw_levels.items():
            code = _capability(str(cap), "isaccheck.yaml gate.levels")
            levels[code] = _level(code, value, "isaccheck.yaml gate.levels")
    baseline = gate.get("baseline")
    return GatePolicy(ambition=ambition, levels=levels, baseline=str(baseline) if baseline else None,
                      fail_on=check_fail_on(str(gate.get("fail_on") or "error")), explicit=bool(gate))


def combine(config: GatePolicy, cli_specs: tuple[str, ...] | list[str], cli_fail_on: str | None) -> GatePolicy:
    """The command line wins: any --gate replaces the levels and baseline of isaccheck.yaml."""
    fail_on = cli_fail_on or config.fail_on
    if cli_specs:
        return replace(parse_gate_specs(cli_specs, fail_on), explicit=True)
    return GatePolicy(ambition=config.ambition, levels=config.levels, baseline=config.baseline,
                      fail_on=check_fail_on(fail_on), explicit=config.explicit or cli_fail_on is not None)


# -- applying it -------------------------------------------------------------------------------

def finding_fails(finding: Finding, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    if fail_on == "warning":
        return finding.severity.rank >= Severity.WARNING.rank
    return finding.severity is Severity.ERROR


def _baseline_levels(baseline: Mapping[str, Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for cap in baseline.get("capabilities") or []:
        if isinstance(cap, Mapping) and isinstance(cap.get("code"), str) and isinstance(cap.get("level"), int):
            found[cap["code"]] = cap["level"]
    return found


def _baseline_holds(baseline: Mapping[str, Any]) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for q in baseline.get("questions") or []:
        if not isinstance(q, Mapping) or not isinstance(q.get("id"), str):
            continue
        if isinstance(q.get("holds"), bool):
            found[q["id"]] = q["holds"]
        elif isinstance(q.get("outcome"), str):
            found[q["id"]] = q["outcome"] in ("holds", "attested")
    return found


def check_baseline_data(data: Any, label: str) -> Mapping[str, Any]:
    """Refuse what is not an isaccheck JSON result (a usage error, not a gate failure)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("capabilities"), list) \
            or not isinstance(data.get("questions"), list):
        raise GateSpecError(f"baseline {label} is not an isaccheck JSON result "
                            f"(write one with `isaccheck check --format json -o {label}`)")
    return data


def evaluate_gate(evaluation: Evaluation, policy: GatePolicy, baseline: Mapping[str, Any] | None = None,
                  profile_lines: Mapping[str, int] | None = None) -> GateResult:
    """Every reason the evaluation fails the policy, most important first."""
    lines = profile_lines or {}
    reasons: list[GateReason] = []
    required: dict[str, int] = {}
    if policy.ambition:
        if all(c.ambition is None for c in evaluation.capabilities):
            raise GateSpecError("--gate ambition: isac.yaml sets no `ambition` (e.g. ambition: {STR: 1, WOW: 1})",
                                "isac.yaml")
        required.update({c.code: c.ambition for c in evaluation.capabilities if c.ambition is not None})
    required.update(policy.levels)
    for cap in evaluation.capabilities:
        need = required.get(cap.code)
        if need is None or cap.level >= need:
            continue
        from_ambition = policy.ambition and cap.code not in policy.levels
        what_en = f"the ambition {need}" if from_ambition else f"the gate's minimum {need}"
        what_nl = f"de ambitie {need}" if from_ambition else f"het minimum van de gate, {need}"
        line = lines.get(f"ambition.{cap.code}") if from_ambition else None
        reasons.append(GateReason(
            "level", Text(f"{cap.code} is at level {cap.level}, below {what_en}",
                          f"{cap.code} staat op niveau {cap.level}, onder {what_nl}"),
            path="isac.yaml", line=line or lines.get("ambition") or 1, capability=cap.code))

    changes: list[Change] = []
    if baseline is not None:
        before_levels = _baseline_levels(baseline)
        for cap in evaluation.capabilities:
            before = before_levels.get(cap.code)
            if before is None or before == cap.level:
                continue
            changes.append(Change(cap.code, str(before), str(cap.level), cap.level < before))
            if cap.level < before:
                reasons.append(GateReason(
                    "regression-level",
                    Text(f"{cap.code} dropped from level {before} to {cap.level} (baseline)",
                         f"{cap.code} is gezakt van niveau {before} naar {cap.level} (baseline)"),
                    path="isac.yaml", line=lines.get(f"ambition.{cap.code}") or 1, capability=cap.code))
        before_holds = _baseline_holds(baseline)
        for q in evaluation.questions:
            held = before_holds.get(q.id)
            if held is None or held == q.outcome.holds:
                continue
            changes.append(Change(q.id, "holds" if held else "does not hold",
                                  "holds" if q.outcome.holds else q.outcome.value, held))
            if held and q.outcome is not Outcome.NOT_APPLICABLE:
                path, line = q.location if q.location else ("isac.yaml", None)
                reasons.append(GateReason(
                    "regression-question",
                    Text(f"{q.id} held in the baseline and now does not: {q.reason.en}",
                         f"{q.id} was in orde in de baseline en nu niet: {q.reason.nl}", q.reason.quotes),
                    path=path, line=line or 1, capability=q.capability, question=q.id))

    for f in sorted(evaluation.findings, key=lambda f: (-f.severity.rank, f.sort_key())):
        if finding_fails(f, policy.fail_on):
            reasons.append(GateReason("finding", Text(f"{f.message.en} [{f.code}]", f"{f.message.nl} [{f.code}]",
                                                              f.message.quotes | {f.path}),
                                      path=f.path, line=f.line, finding=f))
    ambition_lines = {cap: lines.get(f"ambition.{cap}") or lines.get("ambition") or 1 for cap in CAPABILITIES}
    return GateResult(policy=policy, reasons=tuple(reasons), required=required, changes=tuple(changes),
                      ambition_lines=ambition_lines)


def reason_line(reason: GateReason, lang: str) -> str:
    """One line for stderr: `path:line: message`."""
    where = reason.path or ""
    if where and reason.line:
        where = f"{where}:{reason.line}"
    text = " ".join(reason.message(lang).split())
    return f"{where}: {text}" if where else text
