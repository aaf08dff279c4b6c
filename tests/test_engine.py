"""The engine: outcomes, attestation, not-applicable decisions, levels, plan, coming due."""

from __future__ import annotations

import datetime as dt

from isaccheck.engine import evaluate
from isaccheck.levels import infer_capabilities, plan
from isaccheck.model import Outcome, QuestionResult, Text
from isaccheck.repository import load_repository
from isaccheck.rulepack import build_pack, load_builtin
from isaccheck.sources import WorkingTreeSource

from .conftest import AS_OF, PROFILE

MINUTES = """\
---
type: minutes
date: {date}
tlp: AMBER
attendees: [Alpha, Beta, Gamma]
roundtable: [{{category: phishing, tlp: AMBER}}]
---
# Notulen
"""


def run(root, as_of=AS_OF, **kw):
    pack = load_builtin()
    return evaluate(load_repository(WorkingTreeSource(root), pack.tlp_required_types), pack, as_of, **kw)


def outcome(evaluation, qid):
    return next(q for q in evaluation.questions if q.id == qid)


def self_assessment(answers: str, date: str = "2026-05-01") -> str:
    return f"---\ntype: self-assessment\ndate: {date}\ntlp: AMBER\nrespondents: [Alpha, Beta, Gamma]\nanswers:\n{answers}---\n"


def test_attestation_only_rule_holds_by_majority(make_repo) -> None:
    root = make_repo({"sa.md": self_assessment("  SIT-1.1: {Alpha: 'yes', Beta: 'yes', Gamma: partly}\n")})
    q = outcome(run(root), "SIT-1.1")
    assert q.outcome is Outcome.ATTESTED
    assert q.reason.en.startswith("attested by 2 of 3 participants")
    assert q.attestation.yes == 2 and q.attestation.eligible == 3


def test_attestation_with_a_no_fails(make_repo) -> None:
    root = make_repo({"sa.md": self_assessment("  SIT-1.1: {Alpha: 'yes', Beta: 'yes', Gamma: 'no'}\n")})
    assert outcome(run(root), "SIT-1.1").outcome is Outcome.FAILS


def test_attestation_too_old_does_not_count(make_repo) -> None:
    root = make_repo({"sa.md": self_assessment("  SIT-1.1: {answer: 'yes'}\n", date="2025-06-29")})
    q = outcome(run(root), "SIT-1.1")
    assert q.outcome is Outcome.FAILS and "self-assessment" in q.missing[0].en


def test_collective_answer_counts_the_respondents(make_repo) -> None:
    root = make_repo({"sa.md": self_assessment("  ACT-1.1: {answer: 'yes', note: agreed in plenary}\n")})
    assert outcome(run(root), "ACT-1.1").outcome is Outcome.ATTESTED


def test_not_applicable_decision_and_expiry_and_no_waivers(make_repo) -> None:
    decision = ("not_applicable:\n  - {question: STR-3.4, reason: no legal entity wanted, decided_on: 2025-06-01,"
                " decided_in: m.md, expires: %s}\n")
    root = make_repo({"m.md": MINUTES.format(date="2025-06-01") + "\nSTR-3.4: not applicable.\n"},
                     profile=PROFILE + decision % "2026-06-30")
    evaluation = run(root)
    q = outcome(evaluation, "STR-3.4")
    assert q.outcome is Outcome.NOT_APPLICABLE and "no legal entity wanted" in q.reason.en
    assert outcome(run(root, no_waivers=True), "STR-3.4").outcome is Outcome.FAILS
    # Inclusive: valid through its expiry date, gone the day after, and then a finding.
    later = run(root, as_of=dt.date(2026, 7, 1))
    assert outcome(later, "STR-3.4").outcome is Outcome.FAILS
    assert [f.code for f in later.findings if f.path == "isac.yaml"] == ["waiver-expired"]


def test_waiver_expiring_soon_is_coming_due(make_repo) -> None:
    decision = ("not_applicable:\n  - {question: STR-3.4, reason: r, decided_on: 2025-06-01,"
                " decided_in: m.md, expires: 2026-08-01}\n")
    root = make_repo({"m.md": MINUTES.format(date="2025-06-01") + "\nSTR-3.4: not applicable.\n"},
                     profile=PROFILE + decision)
    due = run(root).coming_due
    assert any(c.question == "STR-3.4" and c.due == "2026-08-01" for c in due)


def test_broken_document_of_needed_type_gives_unknown(make_repo) -> None:
    root = make_repo({"governance/guidelines.md": "---\ntype: membership-guidelines\nsigning_required: [yes\n---\n"})
    q = outcome(run(root), "WOW-1.1")
    assert q.outcome is Outcome.UNKNOWN
    assert "could not be read" in q.reason.en
    assert not q.outcome.holds


def test_documents_dated_after_as_of_are_ignored(make_repo) -> None:
    root = make_repo({"m.md": MINUTES.format(date="2026-07-01")})
    assert outcome(run(root), "INF-1.1").outcome is Outcome.FAILS
    assert outcome(run(root, as_of=dt.date(2026, 7, 1)), "INF-1.1").outcome is Outcome.HOLDS


def test_drafts_never_count(make_repo) -> None:
    root = make_repo({"m.md": MINUTES.format(date="2026-06-01").replace("tlp: AMBER", "tlp: AMBER\nstatus: draft", 1)})
    assert outcome(run(root), "INF-1.1").outcome is Outcome.FAILS


def test_meeting_window_running_out_is_coming_due(make_repo) -> None:
    root = make_repo({"m.md": MINUTES.format(date="2026-06-01")})
    due = {c.question: c for c in run(root).coming_due}
    assert "INF-1.1" not in due  # a meeting a month ago keeps the 6-month window open beyond the horizon
    root2 = make_repo({"m.md": MINUTES.format(date="2026-01-15")})
    due = {c.question: c for c in run(root2).coming_due}
    assert due["INF-1.1"].due == "2026-07-15"  # window (as_of - 6 months, as_of]


def test_next_plenary_meeting_is_coming_due_not_a_failure(make_repo) -> None:
    """Issue 11.1: a meeting that falls due (or is overdue) is a coming-due item and a warning."""
    root = make_repo({"a.md": MINUTES.format(date="2026-05-15")})  # every 3 months: due 2026-08-15
    due = [c for c in run(root).coming_due if c.question is None and "plenary meeting" in c.message.en]
    assert [(c.due, c.message.en) for c in due] == [
        ("2026-08-15", "the next plenary meeting is due by 2026-08-15 (every 3 months; the last was on 2026-05-15)")]
    assert due[0].message.nl.startswith("de volgende plenaire bijeenkomst moet uiterlijk 2026-08-15")
    late = make_repo({"a.md": MINUTES.format(date="2026-01-10")})
    evaluation = run(late)
    overdue = [c for c in evaluation.coming_due if c.question is None and "plenary meeting" in c.message.en]
    assert overdue[0].message.en.startswith("the next plenary meeting was due by 2026-04-10")
    assert any("no meeting between 2026-01-10 and now" in w.en for w in evaluation.warnings)
    assert outcome(evaluation, "WOW-1.2").outcome is Outcome.HOLDS
    far = make_repo({"a.md": MINUTES.format(date="2026-06-20")})  # due 2026-09-20, beyond the 60-day horizon
    assert not [c for c in run(far).coming_due if c.question is None and "plenary meeting" in c.message.en]


def test_annual_plan_for_next_year_from_december(make_repo) -> None:
    root = make_repo({})
    assert not [c for c in run(root, as_of=dt.date(2026, 11, 30)).coming_due if c.question == "STR-2.2"]
    assert [c for c in run(root, as_of=dt.date(2026, 12, 1)).coming_due if c.question == "STR-2.2"]


def test_rule_error_is_an_outcome_not_a_crash(make_repo, monkeypatch) -> None:
    from isaccheck import primitives

    def boom(ev, params):
        raise RuntimeError("kaput")

    prim = primitives.PRIMITIVES["roles_held"]
    monkeypatch.setitem(primitives.PRIMITIVES, "roles_held", type(prim)(prim.name, boom, prim.parameters, prim.required))
    q = outcome(run(make_repo({})), "WOW-1.5")
    assert q.outcome is Outcome.ERROR and "kaput" in q.reason.en and not q.outcome.holds


def _q(qid: str, outcome: Outcome) -> QuestionResult:
    cap, rest = qid.split("-")
    return QuestionResult(qid, cap, int(rest.split(".")[0]), outcome, Text("", ""))


def test_level_inference_builds_on_lower_levels() -> None:
    qs = (
        _q("STR-1.1", Outcome.HOLDS), _q("STR-1.2", Outcome.ATTESTED),
        _q("STR-2.1", Outcome.FAILS), _q("STR-2.2", Outcome.HOLDS),
        _q("STR-3.1", Outcome.HOLDS),
        _q("WOW-1.1", Outcome.UNKNOWN), _q("WOW-2.1", Outcome.HOLDS),
        _q("INF-1.1", Outcome.NOT_APPLICABLE), _q("INF-2.1", Outcome.HOLDS), _q("INF-3.1", Outcome.ERROR),
    )
    caps = {c.code: c for c in infer_capabilities(qs, {"STR": 3, "WOW": 1, "INF": 1})}
    assert caps["STR"].level == 1 and caps["STR"].counts[1].holds == 1 and caps["STR"].counts[1].applicable == 2
    assert caps["STR"].level == 1 and caps["STR"].counts[2].holds == 1  # level 3 holding does not skip level 2
    assert caps["WOW"].level == 0  # unknown never counts as holding
    assert caps["INF"].level == 2  # not applicable is left out; error at level 3 stops there
    steps = plan(tuple(caps.values()), qs)
    assert [(s.capability, s.to_level, s.questions) for s in steps] == [("WOW", 1, ("WOW-1.1",)), ("STR", 2, ("STR-2.1",))]


def test_a_complete_level_above_a_gap_is_said_plainly() -> None:
    # Issue 11.16: WOW level 1 misses WOW-1.1, level 2 is complete.
    qs = (
        _q("WOW-1.1", Outcome.FAILS), _q("WOW-1.2", Outcome.HOLDS),
        _q("WOW-2.1", Outcome.HOLDS), _q("WOW-2.2", Outcome.ATTESTED),
        _q("WOW-3.1", Outcome.FAILS),
        _q("STR-1.1", Outcome.HOLDS), _q("STR-2.1", Outcome.FAILS), _q("STR-3.1", Outcome.FAILS),
    )
    cumulative = {c.code: c for c in infer_capabilities(qs, {"WOW": 2})}
    wow = cumulative["WOW"]
    assert (wow.level, wow.complete_level, wow.held_back_by) == (0, 2, ("WOW-1.1",))
    assert wow.held_back_text == Text("level 2 complete, held back by WOW-1.1",
                                      "niveau 2 compleet, tegengehouden door WOW-1.1")
    assert cumulative["STR"].held_back_text is None  # no complete level above the gap
    chosen = {c.code: c for c in infer_capabilities(qs, {"WOW": 2}, "highest-complete")}
    assert (chosen["WOW"].level, chosen["WOW"].held_back_by) == (2, ("WOW-1.1",))
    assert chosen["WOW"].held_back_text and chosen["WOW"].held_back_text.en == "level 2 complete, with a gap below it: WOW-1.1"
    assert chosen["STR"].level == 1 and chosen["STR"].held_back_text is None


def test_plan_takes_at_most_two_lowest_first() -> None:
    qs = tuple(_q(f"{c}-1.1", Outcome.FAILS) for c in ("STR", "WOW", "INF", "SIT", "ACT"))
    caps = infer_capabilities(qs, {c: 1 for c in ("STR", "WOW", "INF", "SIT", "ACT")})
    assert [s.capability for s in plan(caps, qs)] == ["STR", "WOW"]


def test_self_assessment_disagreeing_with_evidence(make_repo) -> None:
    root = make_repo({"sa.md": self_assessment("  STR-2.2: {Alpha: 'yes', Beta: 'yes', Gamma: 'yes'}\n"
                                               "  STR-1.1: {Alpha: 'no', Beta: 'no', Gamma: 'yes'}\n")})
    found = {(d.question, d.self_assessment, d.evidence) for d in run(root).disagreements}
    assert found == {("STR-2.2", "yes", False), ("STR-1.1", "no", True)}


def test_user_rule_pack_can_add_questions() -> None:
    pack = build_pack([("extra", {"STR/STR-3.9.yaml": (
        "id: STR-3.9\ncapability: STR\nlevel: 3\nquestion: {nl: 'Extra?', en: 'Extra?'}\n"
        "evidence: {check: document_exists, type: roadmap}\n")})])
    assert [r.id for r in pack.rules] == ["STR-3.9"]


def test_documents_for_years_names_the_document_that_lacks_a_field(make_repo) -> None:
    """An evaluation of 2025 that lacks a field is the reason, not "no evaluation for 2025"."""
    root = make_repo({"plans/evaluation-2025.md": (
        "---\ntype: evaluation\nyear: 2025\ndate: 2026-02-01\nworking_method: Goed.\nresults: Veel.\n"
        "improvements: [Agenda eerder rondsturen]\n---\n")})
    q = outcome(run(root), "WOW-3.2")
    assert q.outcome is Outcome.FAILS
    assert q.reason.en == "plans/evaluation-2025.md (for 2025) lacks `improvements_reviewed`"
    assert [m.en for m in q.missing] == [q.reason.en, "no adopted `evaluation` for 2024"]
    assert not any("for 2025" in m.en and m.en.startswith("no adopted") for m in q.missing)


GUIDELINES = """\
---
type: membership-guidelines
date: {date}
signing_required: true
signatures:
{signatures}
---
## Afspraken over informatiedeling
Rondje rood.
"""


def _guidelines(date: str, signed_on: dict[str, str]) -> str:
    rows = "\n".join(f"  - {{organisation: {org}, signed_by: X, signed_on: {day}}}" for org, day in signed_on.items())
    return GUIDELINES.format(date=date, signatures=rows)


def test_resigning_revised_guidelines_is_not_signing_after_the_first_meeting(make_repo) -> None:
    """Version 2 of the guidelines, re-signed later by everyone, does not undo version 1's signatures."""
    root = make_repo({
        "governance/v1.md": _guidelines("2025-01-01", {"Alpha": "2025-01-02", "Beta": "2025-01-03", "Gamma": "2025-01-04"}),
        "governance/v2.md": _guidelines("2026-04-01", {"Alpha": "2026-04-02", "Beta": "2026-04-03", "Gamma": "2026-04-04"}),
        "m.md": MINUTES.format(date="2025-03-12"),
    })
    q = outcome(run(root), "WOW-1.1")
    assert q.outcome is Outcome.HOLDS, q.reason.en


def test_signing_after_the_first_meeting_still_fails_with_revised_guidelines(make_repo) -> None:
    root = make_repo({
        "governance/v1.md": _guidelines("2025-01-01", {"Alpha": "2025-01-02", "Beta": "2025-01-03"}),
        "governance/v2.md": _guidelines("2026-04-01", {"Alpha": "2026-04-02", "Beta": "2026-04-03", "Gamma": "2026-04-04"}),
        "m.md": MINUTES.format(date="2025-03-12"),
    })
    q = outcome(run(root), "WOW-1.1")
    assert q.outcome is Outcome.FAILS
    assert q.reason.en == "Gamma signed on 2026-04-04, after its first meeting on 2025-03-12"


def test_documents_in_a_window_are_those_the_plain_filter_picks() -> None:
    """Evidence.docs and meetings_in find a window's documents and meetings by bisection: the same
    ones in the same order as testing each with in_window (and sorting), on every example, many
    dates and windows, one type or several, and a document without a date."""
    from dataclasses import replace
    from pathlib import Path

    from isaccheck.evidence import Evidence, months_before
    from isaccheck.model import Document

    def plain(ev: Evidence, names: list[str], months: int | None) -> list[Document]:
        found = [d for name in names for d in ev.by_type.get(name, []) if ev.in_window(d.date, months)]
        return sorted(found, key=lambda d: (d.date or dt.date.min, d.path))

    examples = Path(__file__).resolve().parent.parent / "evidence-examples"
    compared = 0
    for folder in sorted(examples.iterdir()):
        repo = load_repository(WorkingTreeSource(folder))
        # An undated document of a common type: it must never count inside a window.
        dates = (dt.date(2019, 3, 31), dt.date(2024, 2, 29), dt.date(2025, 12, 31), AS_OF, dt.date(2030, 1, 1))
        model = next(d for d in repo.documents if d.valid and d.adopted)
        undated = replace(model, date=None, path="undated.md")
        # Minutes dated exactly on a window's first day, which lies outside the window (start < date).
        edges = [replace(model, type="minutes", date=months_before(day, 12), path=f"edge-{day}.md") for day in dates]
        repo = replace(repo, documents=(*repo.documents, undated, *edges))
        for as_of in dates:
            ev = Evidence(repo, as_of)
            types = sorted(ev.by_type)
            for months in (None, 1, 3, 12, 13, 36, 99_999_999):
                for names in [[t] for t in types] + [types, types[::2], ["no-such-type"]]:
                    if names:
                        assert ev.docs(names if len(names) > 1 else names[0], months) == plain(ev, names, months)
                        compared += 1
                assert ev.meetings_in(months) == [m for m in ev.meetings if ev.in_window(m.date, months)]
    assert compared > 500
