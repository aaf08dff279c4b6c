"""Stage 4, infer levels: a capability is at level L when every applicable question of 1..L holds.

Level 0 means level 1 is not complete. The development plan follows the seed's advice: work on
at most two capabilities at a time, the lowest level first.
"""

from __future__ import annotations

from typing import Mapping

from .model import (
    CAPABILITIES,
    LEVELS,
    CapabilityResult,
    Disagreement,
    LevelCount,
    Outcome,
    PlanStep,
    QuestionResult,
)

MAX_CAPABILITIES_AT_ONCE = 2


def infer_capabilities(questions: tuple[QuestionResult, ...], ambition: Mapping[str, int],
                       mode: str = "cumulative") -> tuple[CapabilityResult, ...]:
    """Levels per capability. `mode` "cumulative" (default) or "highest-complete".

    Either way a complete level above a gap is said: cumulative keeps the lower level and names
    the complete one and what holds it back; highest-complete takes the complete level and names
    the gap below it.
    """
    codes = list(CAPABILITIES) + sorted({q.capability for q in questions} - set(CAPABILITIES))
    results = []
    for code in codes:
        if not any(q.capability == code for q in questions):
            continue
        counts = []
        complete: list[int] = []
        unmet: dict[int, tuple[str, ...]] = {}
        for level in LEVELS:
            of_level = [q for q in questions if q.capability == code and q.level == level]
            applicable = [q for q in of_level if q.outcome is not Outcome.NOT_APPLICABLE]
            holding = [q for q in applicable if q.outcome.holds]
            counts.append(LevelCount(level, len(holding), len(applicable)))
            unmet[level] = tuple(q.id for q in applicable if not q.outcome.holds)
            if of_level and not unmet[level]:
                complete.append(level)
        reached = 0
        while reached + 1 in complete:
            reached += 1
        highest = max(complete, default=0)
        gap = tuple(i for level in LEVELS if reached < level < highest for i in unmet[level])
        if mode == "highest-complete":
            results.append(CapabilityResult(code, highest, ambition.get(code), tuple(counts), None, gap))
        else:
            results.append(CapabilityResult(code, reached, ambition.get(code), tuple(counts),
                                            highest if gap else None, gap))
    return tuple(results)


def plan(capabilities: tuple[CapabilityResult, ...], questions: tuple[QuestionResult, ...]) -> tuple[PlanStep, ...]:
    behind = [c for c in capabilities if c.ambition is not None and c.level < c.ambition]
    order = {code: i for i, code in enumerate(CAPABILITIES)}
    behind.sort(key=lambda c: (c.level, order.get(c.code, 99), c.code))
    steps = []
    for cap in behind[:MAX_CAPABILITIES_AT_ONCE]:
        target = cap.level + 1
        unmet = tuple(
            q.id for q in questions
            if q.capability == cap.code and q.level == target and not q.outcome.holds
            and q.outcome is not Outcome.NOT_APPLICABLE
        )
        steps.append(PlanStep(cap.code, cap.level, target, unmet))
    return tuple(steps)


def disagreements(
    questions: tuple[QuestionResult, ...],
    answers: Mapping[str, Mapping[str, str]],
    participants: set[str] | frozenset[str],
) -> tuple[Disagreement, ...]:
    """Where the participants' majority answer and the documents disagree."""
    found = []
    for q in questions:
        if q.evidence_value is None or q.id not in answers:
            continue
        given = [a for org, a in answers[q.id].items() if org in participants]
        yes, no = given.count("yes"), given.count("no")
        if yes == no:
            continue
        said = "yes" if yes > no else "no"
        if (said == "yes") != q.evidence_value:
            found.append(Disagreement(q.id, said, q.evidence_value))
    return tuple(found)
