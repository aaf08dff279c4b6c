"""Stage 3, evaluate: every rule's evidence expression against the evidence index -> question results.

The outcome vocabulary never lies: a question holds by evidence or by attestation; it does not
hold; it is not applicable by a recorded decision; it is unknown because something it needed
could not be read; or the rule itself failed (error). Unknown and error never count as holding.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from typing import Any, Iterator, Mapping

from . import __version__
from .coming_due import coming_due
from .errors import ConfigError
from .evidence import Evidence
from .levels import disagreements, infer_capabilities, plan
from .model import (
    Attestation,
    CheckResult,
    Evaluation,
    EvidenceRef,
    Finding,
    Outcome,
    Provenance,
    QuestionResult,
    Severity,
    SurveySummary,
    Text,
    Waiver,
)
from .primitives import PRIMITIVES
from .repository import Repository, parse_date
from .rulepack import Rule, RulePack, resolve_parameters, substitute

# Which document types a primitive reads when its parameters do not say (for "unknown").
_READS = {
    "every_meeting_has": ("minutes", "agenda"),
    "participant_attendance": ("minutes",),
    "guidelines_signed": ("membership-guidelines",),
    "meetings_discuss": ("minutes",),
}
DEFAULT_ATTESTATION = {"months": 12, "min_yes_share": 0.5, "max_no": 0}


class _Evaluator:
    def __init__(self, ev: Evidence, broken: Mapping[str, list[Finding]]) -> None:
        self.ev = ev
        self.broken = broken  # document type -> findings of documents of that type that could not be read

    def run(self, node: Mapping[str, Any]) -> CheckResult:
        if "all" in node or "any" in node:
            results = [self.run(child) for child in node.get("all") or node["any"]]
            combined = self._all(results) if "all" in node else self._any(results)
            # A warning of any part is worth saying whatever the outcome (each once, in order).
            warnings = tuple(dict.fromkeys(w for r in results for w in r.warnings))
            return replace(combined, warnings=warnings)
        if "not" in node:
            inner = self.run(node["not"])
            if inner.value is None:
                return inner
            if inner.value:
                return CheckResult(False, (), tuple(Text(f"should not hold: {e.path}", f"hoort niet te gelden: {e.path}",
                                                         e.why.quotes) for e in inner.evidence), location=inner.location,
                                   warnings=inner.warnings)
            return CheckResult(True, (), warnings=inner.warnings)
        return self.primitive(node)

    @staticmethod
    def _all(results: list[CheckResult]) -> CheckResult:
        evidence = tuple(e for r in results for e in r.evidence)
        missing = tuple(m for r in results if r.value is not True for m in r.missing)
        location = next((r.location for r in results if r.value is not True and r.location), None)
        if all(r.value is True for r in results):
            return CheckResult(True, evidence)
        if any(r.value is False for r in results):
            return CheckResult(False, evidence, missing, location=location)
        reason = next(r.unknown_reason for r in results if r.value is None)
        return CheckResult(None, evidence, missing, reason, location)

    @staticmethod
    def _any(results: list[CheckResult]) -> CheckResult:
        winners = [r for r in results if r.value is True]
        if winners:
            return CheckResult(True, tuple(e for r in winners for e in r.evidence))
        evidence = tuple(e for r in results for e in r.evidence)
        location = next((r.location for r in results if r.location), None)
        missing = tuple(m for r in results for m in r.missing[:2])
        unknown = [r for r in results if r.value is None]
        if unknown:
            return CheckResult(None, evidence, missing, unknown[0].unknown_reason, location)
        firsts = [r.missing[0] for r in results if r.missing]
        either = Text("either " + "; or ".join(m.en for m in firsts),
                      "ofwel " + "; of ".join(m.nl for m in firsts)).quoting(*(m.quotes for m in firsts))
        return CheckResult(False, evidence, (either, *missing), location=location)

    def primitive(self, node: Mapping[str, Any]) -> CheckResult:
        params = {k: v for k, v in node.items() if k != "check"}
        result = PRIMITIVES[node["check"]].function(self.ev, params)
        if result.value is False:
            types = params.get("type") or _READS.get(node["check"], ())
            types = [types] if isinstance(types, str) else list(types)
            unreadable = [f for t in types for f in self.broken.get(t, [])]
            if unreadable:
                first = unreadable[0]
                return CheckResult(
                    None, result.evidence, result.missing,
                    Text(f"{first.path} could not be read: {first.message.en}",
                         f"{first.path} kon niet gelezen worden: {first.message.nl}").quoting(first.path, first.message.quotes),
                    (first.path, first.line), result.warnings,
                )
        return result


_UNREADABLE = ("schema", "yaml-syntax", "frontmatter", "encoding")  # finding codes of a document that could not be used


def _broken_by_type(repo: Repository) -> dict[str, list[Finding]]:
    """Documents that the loader could not use, by their declared type."""
    by_type: dict[str, list[Finding]] = {}
    if not any(f.severity is Severity.ERROR and f.code in _UNREADABLE for f in repo.findings):
        return by_type  # nothing could not be read: no walk over every document (each year end of `history`)
    invalid = {d.meta_path: d.type for d in repo.documents if not d.valid}
    for finding in repo.findings:
        if finding.severity is not Severity.ERROR:
            continue
        doc_type = invalid.get(finding.path) or repo.unreadable_types.get(finding.path)
        if doc_type and finding.code in _UNREADABLE:
            by_type.setdefault(doc_type, []).append(finding)
    return by_type


def _waivers(repo: Repository, as_of: dt.date, known: set[str]) -> tuple[list[Waiver], list[Finding]]:
    raw = repo.profile.data.get("not_applicable")
    waivers: list[Waiver] = []
    findings: list[Finding] = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict):
            continue
        line = repo.profile.lines.get(f"not_applicable.{index}")
        question = str(item.get("question"))
        if question not in known:
            findings.append(Finding("waiver-unknown", Severity.ERROR, "isac.yaml", line,
                                    Text(f"not_applicable names {question}, which is not a question of the rule pack",
                                         f"not_applicable noemt {question}, geen vraag uit de regelset"), field="not_applicable"))
            continue
        if not all(item.get(k) for k in ("reason", "decided_on", "decided_in")):
            findings.append(Finding("waiver-incomplete", Severity.ERROR, "isac.yaml", line,
                                    Text(f"not_applicable for {question} needs a reason, decided_on and decided_in; not counted",
                                         f"not_applicable voor {question} heeft reason, decided_on en decided_in nodig; telt niet"),
                                    field="not_applicable"))
            continue
        expires = parse_date(item.get("expires"))
        decided_on = parse_date(item.get("decided_on"))
        if decided_on is not None and decided_on > as_of:
            continue  # decided after the evaluation date: did not exist yet
        expired = expires is not None and expires < as_of
        waiver = Waiver(question, str(item["reason"]), str(item["decided_on"]), str(item["decided_in"]),
                        expires.isoformat() if expires else None, line, expired)
        unrecorded = _unrecorded(repo, waiver)
        if unrecorded is not None:
            findings.append(unrecorded)
            if unrecorded.severity is Severity.ERROR:
                continue
        waivers.append(waiver)
        if expired:
            findings.append(Finding("waiver-expired", Severity.WARNING, "isac.yaml", line,
                                    Text(f"the not-applicable decision on {question} expired on {expires}; it no longer counts",
                                         f"het besluit dat {question} niet van toepassing is, verliep op {expires}; het telt niet meer"),
                                    field="not_applicable"))
        elif str(item["decided_in"]) not in repo.paths:
            findings.append(Finding("waiver-source", Severity.WARNING, "isac.yaml", line,
                                    Text(f"not_applicable for {question}: decided_in {item['decided_in']} is not in the repository",
                                         f"not_applicable voor {question}: decided_in {item['decided_in']} staat niet in de repository"),
                                    field="not_applicable"))
    return waivers, findings


def _unrecorded(repo: Repository, waiver: Waiver) -> Finding | None:
    """A decision is recorded where it was taken: `decided_in` must mention the question id.

    Without this, any minutes could be named, and a gate loosened by ten `not_applicable` entries
    that no meeting ever decided (issue 15.15). A Markdown document that does not mention it:
    an error, and the decision does not count. A file described by a sidecar (a PDF) cannot be
    read: its sidecar should mention it, else a warning (the decision still counts).
    """
    doc = next((d for d in repo.documents if waiver.decided_in in (d.path, d.meta_path)), None)
    if doc is None:
        return None
    said = (doc.body + "\n" + json.dumps(doc.meta, default=str, ensure_ascii=False)).upper()
    if re.search(rf"(?<![\w-]){re.escape(waiver.question.upper())}(?![\w-]|\.\d)", said):
        return None
    readable = doc.path == doc.meta_path
    return Finding(
        "waiver-unrecorded", Severity.ERROR if readable else Severity.WARNING, "isac.yaml", waiver.line,
        Text(f"not_applicable for {waiver.question}: {waiver.decided_in} never mentions {waiver.question}, so it "
             f"does not record the decision" + ("; not counted" if readable else " (its sidecar should say it)"),
             f"not_applicable voor {waiver.question}: {waiver.decided_in} noemt {waiver.question} nergens, dus "
             f"legt het besluit niet vast" + ("; telt niet" if readable else " (de sidecar hoort het te noemen)")),
        field="not_applicable")


@dataclass(frozen=True)
class SelfAssessment:
    path: str
    date: dt.date
    answers: Mapping[str, Mapping[str, str]]  # question -> organisation (lower) -> yes/no/partly
    collective: Mapping[str, str]  # question -> answer given for the ISAC as a whole


def latest_self_assessment(ev: Evidence, months: int) -> SelfAssessment | None:
    docs = ev.docs("self-assessment", months)
    if not docs:
        return None
    doc = docs[-1]
    respondents = [str(r).strip().lower() for r in doc.meta.get("respondents") or [] if isinstance(r, str)]
    answers: dict[str, dict[str, str]] = {}
    collective: dict[str, str] = {}
    raw = doc.meta.get("answers")
    for question, value in (raw if isinstance(raw, dict) else {}).items():
        if isinstance(value, dict) and "answer" in value:
            answer = normalise_answer(value["answer"])
            if answer is not None:
                collective[question] = answer
                answers[question] = {r: answer for r in respondents}
        elif isinstance(value, dict):
            given = {str(org).strip().lower(): normalise_answer(a.get("answer") if isinstance(a, dict) else a)
                     for org, a in value.items()}
            # An answer that is none of the words was named by the loader and is not counted.
            answers[question] = {org: a for org, a in given.items() if a is not None}
    return SelfAssessment(doc.path, doc.date or ev.as_of, answers, collective)


ANSWER_WORDS = {
    "yes": "yes", "ja": "yes",
    "no": "no", "nee": "no",
    "partly": "partly", "deels": "partly", "gedeeltelijk": "partly",
}


def normalise_answer(value: Any) -> str | None:
    """yes/no/partly from an answer as people write it: Dutch, capitalised, or unquoted yes/no."""
    if isinstance(value, bool):  # YAML 1.1 reads a bare yes/no (and on/off) as a boolean
        return "yes" if value else "no"
    return ANSWER_WORDS.get(value.strip().lower()) if isinstance(value, str) else None


def attest(ev: Evidence, sa: SelfAssessment | None, question: str, settings: Mapping[str, Any]) -> Attestation | None:
    if sa is None or question not in sa.answers:
        return None
    eligible = len(ev.participants)
    given = {org: a for org, a in sa.answers[question].items() if org in ev.participant_names}
    yes = sum(1 for a in given.values() if a == "yes")
    no = sum(1 for a in given.values() if a == "no")
    partly = sum(1 for a in given.values() if a == "partly")
    # More than min_yes_share answered yes; all of them always suffices (min_yes_share: 1 is unanimity).
    enough = eligible > 0 and (yes / eligible > settings["min_yes_share"] or yes == eligible)
    holds = enough and no <= settings["max_no"]
    return Attestation(yes, no, partly, eligible, sa.path, sa.date.isoformat(), holds)


def _attestation_text(a: Attestation) -> Text:
    extra_en = f", {a.no} no" if a.no else ""
    extra_nl = f", {a.no} nee" if a.no else ""
    return Text(f"attested by {a.yes} of {a.eligible} participants{extra_en} ({a.path}, {a.date})",
                f"bevestigd door {a.yes} van {a.eligible} deelnemers{extra_nl} ({a.path}, {a.date})", frozenset({a.path}))


def evaluate_rule(rule: Rule, evaluator: _Evaluator, values: Mapping[str, Any], waiver: Waiver | None,
                  sa: SelfAssessment | None, settings: Mapping[str, Any]) -> QuestionResult:
    def result(outcome: Outcome, reason: Text, **details: Any) -> QuestionResult:
        return QuestionResult(rule.id, rule.capability, rule.level, outcome, reason, **details)

    if waiver is not None:
        return result(Outcome.NOT_APPLICABLE,
                      Text(f"{waiver.reason} (decided {waiver.decided_on} in {waiver.decided_in})",
                           f"{waiver.reason} (besloten {waiver.decided_on} in {waiver.decided_in})",
                           frozenset({waiver.decided_in})),
                      waiver=waiver)
    attestation = attest(evaluator.ev, sa, rule.id, settings) if rule.attestation != "never" else None
    if rule.evidence is None:
        if attestation is not None and attestation.holds:
            return result(Outcome.ATTESTED, _attestation_text(attestation), attestation=attestation,
                          evidence=(EvidenceRef(attestation.path, Text("self-assessment", "zelfevaluatie"),
                                                date=attestation.date),))
        if attestation is not None:
            share = settings["min_yes_share"]
            needed = Text(f"{'all' if share >= 1 else f'more than {share:.0%}'} yes and at most {settings['max_no']} no needed",
                          f"{'allen' if share >= 1 else f'meer dan {share:.0%}'} ja en hoogstens {settings['max_no']} nee nodig")
            return result(Outcome.FAILS, _attestation_text(attestation), attestation=attestation, missing=(needed,))
        broken = evaluator.broken.get("self-assessment")
        if broken:
            # The only possible basis could not be read: that is not knowing, not a "no".
            unread = broken[0]
            return result(Outcome.UNKNOWN,
                          Text(f"only a self-assessment can answer this, and {unread.path} could not be read: {unread.message.en}",
                               f"alleen een zelfevaluatie kan dit beantwoorden, en {unread.path} kon niet gelezen worden: {unread.message.nl}"),
                          location=(unread.path, unread.line))
        months = settings["months"]
        return result(Outcome.FAILS,
                      Text("only a self-assessment can answer this, and none answers it",
                           "alleen een zelfevaluatie kan dit beantwoorden, en geen enkele doet dat"),
                      missing=(Text(f"a self-assessment of the last {months} months that answers {rule.id}",
                                    f"een zelfevaluatie van de afgelopen {months} maanden die {rule.id} beantwoordt"),))
    try:
        checked = evaluator.run(substitute(rule.evidence, values))
    except Exception as exc:  # a rule or a user's check failed; that is a result, not a crash
        return result(Outcome.ERROR, Text(f"the rule could not be evaluated: {type(exc).__name__}: {exc}",
                                          f"de regel kon niet worden geëvalueerd: {type(exc).__name__}: {exc}"))
    details: dict[str, Any] = {
        "evidence": tuple(sorted(set(checked.evidence), key=EvidenceRef.sort_key)),
        "missing": checked.missing, "evidence_value": checked.value, "location": checked.location,
        "warnings": checked.warnings,
    }
    if checked.value is True:
        return result(Outcome.HOLDS, _holds_text(checked), **details)
    if checked.value is None:
        return result(Outcome.UNKNOWN, checked.unknown_reason or Text("unknown", "onbekend"), **details)
    if attestation is not None and attestation.holds:
        return result(Outcome.ATTESTED, _attestation_text(attestation), attestation=attestation, **details)
    first = checked.missing[0] if checked.missing else Text("no evidence found", "geen bewijs gevonden")
    return result(Outcome.FAILS, first, attestation=attestation, **details)


def _holds_text(result: CheckResult) -> Text:
    paths = sorted({e.path for e in result.evidence if e.path != "."})
    if not paths:
        first = result.evidence[0].why if result.evidence else Text("holds", "voldaan")
        return first
    shown = ", ".join(paths[:3]) + (f" (+{len(paths) - 3})" if len(paths) > 3 else "")
    documents = [e for e in result.evidence if e.path != "."]
    if documents and all(e.inferred is not None for e in documents):
        # Every document it rests on was read from its text, not declared: say so, a reader may check them.
        return Text(f"{shown} (only on values inferred from the documents' text)",
                    f"{shown} (alleen op waarden afgeleid uit de tekst van de documenten)")
    return Text(shown, shown)  # the basis ("evidence") is said by the outcome


class _Questions(Mapping[str, QuestionResult]):
    """The question results as of one date, each rule evaluated when it is first asked for.

    The coming-due forecast looks at a later date only for the questions that hold now, and
    bisects the days of one question at a time: asking for that rule alone, instead of evaluating
    the whole pack at every day it tries, gives the same results (rules do not see each other's)."""

    def __init__(self, repo: Repository, pack: RulePack, as_of: dt.date, no_waivers: bool) -> None:
        self.repo, self.rules = repo, {rule.id: rule for rule in pack.rules}
        self.ev = Evidence(repo, as_of)
        self.evaluator = _Evaluator(self.ev, _broken_by_type(repo))
        self.settings = {**DEFAULT_ATTESTATION, **dict(repo.config.attestation)}
        self.sa = latest_self_assessment(self.ev, int(self.settings["months"]))
        self.waivers, self.waiver_findings = _waivers(repo, as_of, set(self.rules))
        self.active = {} if no_waivers else {w.question: w for w in self.waivers if not w.expired}
        self.results: dict[str, QuestionResult] = {}

    def __getitem__(self, rule_id: str) -> QuestionResult:
        found = self.results.get(rule_id)
        if found is None:
            rule = self.rules[rule_id]
            found = self.results[rule_id] = evaluate_rule(
                rule, self.evaluator, resolve_parameters(rule, self.repo.config.rule_overrides.get(rule.id, {})),
                self.active.get(rule.id), self.sa, self.settings)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def _evaluate_questions(repo: Repository, pack: RulePack, as_of: dt.date, no_waivers: bool
                        ) -> tuple[Evidence, SelfAssessment | None, list[Waiver], list[Finding], tuple[QuestionResult, ...]]:
    results = _Questions(repo, pack, as_of, no_waivers)
    questions = tuple(results[rule.id] for rule in pack.rules)
    return results.ev, results.sa, results.waivers, results.waiver_findings, questions


def evaluate(repo: Repository, pack: RulePack, as_of: dt.date, *, no_waivers: bool = False,
             commit: str | None = None, forecast: bool = True) -> Evaluation:
    """The evaluation as of a date; forecast=False leaves out `coming_due` (a past year end of the
    trend shows levels only, and the forecast re-evaluates the rules several times)."""
    for rule_id in repo.config.rule_overrides:
        if pack.rule(rule_id) is None:
            raise ConfigError(f"rules: {rule_id} is not a rule of the pack", "isaccheck.yaml",
                              repo.config.lines.get(f"rules.{rule_id}"),
                              message_nl=f"rules: {rule_id} is geen regel van het regelpakket")
    ev, sa, waivers, waiver_findings, questions = _evaluate_questions(repo, pack, as_of, no_waivers)

    def results_at(later: dt.date) -> Mapping[str, QuestionResult]:
        return _Questions(repo, pack, later, no_waivers)  # only the rules the forecast asks about

    capabilities = infer_capabilities(questions, repo.profile.ambition, repo.config.levels)
    findings = tuple(sorted(set(repo.findings) | set(waiver_findings), key=Finding.sort_key))
    return Evaluation(
        isac_name=repo.profile.name,
        sector=repo.profile.isac.get("sector"),
        language=repo.profile.language,
        provenance=Provenance(__version__, f"{pack.name} {pack.version}", as_of.isoformat(), commit),
        questions=questions,
        capabilities=capabilities,
        plan=plan(capabilities, questions),
        findings=findings,
        waivers=tuple(waivers),
        disagreements=disagreements(questions, sa.answers if sa else {}, ev.participant_names),
        participants=tuple(p.organisation for p in ev.participants),
        document_count=len(repo.documents),
        coming_due=coming_due(ev, questions, waivers, results_at) if forecast else (),
        warnings=question_warnings(questions),
        survey=_survey(ev, pack, sa, repo),
    )


def _survey(ev: Evidence, pack: RulePack, sa: SelfAssessment | None, repo: Repository) -> SurveySummary | None:
    from .surveysummary import summarise

    if sa is None:
        return None
    months = int({**DEFAULT_ATTESTATION, **dict(repo.config.attestation)}["months"])
    return summarise(ev, pack, sa.answers, sa.path, sa.date.isoformat(), repo.profile.ambition, months)


def question_warnings(questions: tuple[QuestionResult, ...]) -> tuple[Text, ...]:
    """The checks' warnings, each once, with the questions that raised it ("WOW-1.2, WOW-1.4: ...")."""
    raised: dict[Text, list[str]] = {}
    for q in questions:
        for warning in q.warnings:
            raised.setdefault(warning, []).append(q.id)
    return tuple(Text(f"{', '.join(ids)}: {w.en}", f"{', '.join(ids)}: {w.nl}", w.quotes) for w, ids in raised.items())
