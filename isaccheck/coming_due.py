"""Warnings before a level is lost: what falls due within the horizon, and why.

Two sources: the rules themselves (a question that holds today but would not hold at the end of
the horizon, because a window runs out or a meeting is overdue: found by evaluating the same
evidence at that later date), and the calendar of an ISAC (next year's annual plan from
1 December, this year's evaluation, unsigned newcomers, expiring not-applicable decisions).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable, Mapping

from .evidence import Evidence, months_before
from .model import ComingDue, QuestionResult, Text, Waiver

HORIZON_DAYS = 60


def _calendar(ev: Evidence, waivers: Iterable[Waiver], horizon: dt.date) -> list[ComingDue]:
    found: list[ComingDue] = []
    as_of = ev.as_of
    if as_of >= dt.date(as_of.year, 12, 1):
        next_year = as_of.year + 1
        if not any(d.meta.get("year") == next_year for d in ev.docs("annual-plan")):
            found.append(ComingDue(f"{next_year}-01-01", Text(
                f"no adopted annual plan for {next_year} yet; STR-2.2 needs it from 1 January",
                f"nog geen vastgesteld jaarplan voor {next_year}; STR-2.2 heeft het vanaf 1 januari nodig"), "STR-2.2"))
        if not any(d.meta.get("year") == as_of.year for d in ev.docs("evaluation")):
            found.append(ComingDue(f"{next_year}-01-01", Text(
                f"the yearly evaluation of {as_of.year} is due; STR-2.1 needs it from 1 January",
                f"de jaarevaluatie over {as_of.year} moet worden gehouden; STR-2.1 heeft haar vanaf 1 januari nodig"),
                "STR-2.1"))
    signed: set[str] = set()
    for doc in ev.docs("membership-guidelines")[-1:]:
        for entry in doc.meta.get("signatures") or []:
            if isinstance(entry, dict) and isinstance(entry.get("organisation"), str):
                signed.add(entry["organisation"].strip().lower())
    for participant in ev.profile.participants:
        joining = participant.joined is not None and as_of < participant.joined <= horizon
        recent = participant.current(as_of) and participant.joined is not None and participant.joined > _shifted(as_of, -HORIZON_DAYS)
        if (joining or recent) and participant.organisation.strip().lower() not in signed:
            found.append(ComingDue((participant.joined or as_of).isoformat(), Text(
                f"new participant {participant.organisation} has not signed the membership guidelines (WOW-1.1)",
                f"nieuwe deelnemer {participant.organisation} heeft de lidmaatschapsrichtlijnen niet ondertekend (WOW-1.1)"),
                "WOW-1.1"))
    found.extend(_next_meeting(ev, horizon))
    for waiver in waivers:
        if waiver.expires and not waiver.expired and dt.date.fromisoformat(waiver.expires) <= horizon:
            found.append(ComingDue(waiver.expires, Text(
                f"the not-applicable decision on {waiver.question} expires on {waiver.expires}; decide again or meet it",
                f"het besluit dat {waiver.question} niet van toepassing is verloopt op {waiver.expires}; besluit opnieuw of voldoe eraan"),
                waiver.question))
    return found


def _next_meeting(ev: Evidence, horizon: dt.date) -> list[ComingDue]:
    """The next plenary meeting, when it falls due (or fell due) before the horizon.

    A missed meeting fails no question (the seed sets no frequency), so it is said here instead,
    from isac.yaml `meeting_frequency_months` and the last meeting held.
    """
    frequency = ev.meeting_frequency()
    held = [m.date for m in ev.meetings if m.date <= ev.as_of]
    if not frequency or not held:
        return []
    due = months_before(held[-1], -frequency)
    if due > horizon:
        return []
    if due < ev.as_of:
        message = Text(f"the next plenary meeting was due by {due} (every {frequency} months; the last was on {held[-1]})",
                       f"de volgende plenaire bijeenkomst had uiterlijk {due} moeten zijn (elke {frequency} maanden; de laatste was op {held[-1]})")
    else:
        message = Text(f"the next plenary meeting is due by {due} (every {frequency} months; the last was on {held[-1]})",
                       f"de volgende plenaire bijeenkomst moet uiterlijk {due} zijn (elke {frequency} maanden; de laatste was op {held[-1]})")
    return [ComingDue(due.isoformat(), message)]


def coming_due(ev: Evidence, questions: tuple[QuestionResult, ...], waivers: Iterable[Waiver],
               evaluate_at: Callable[[dt.date], Mapping[str, QuestionResult]]) -> tuple[ComingDue, ...]:
    """evaluate_at(date) -> the question results for the same evidence at a later date."""
    horizon = _shifted(ev.as_of, HORIZON_DAYS)
    found = _calendar(ev, waivers, horizon)
    already = {c.question for c in found}
    cache: dict[dt.date, Mapping[str, QuestionResult]] = {}

    def at(day: dt.date) -> Mapping[str, QuestionResult]:
        if day not in cache:
            cache[day] = evaluate_at(day)
        return cache[day]

    for q in questions:
        if not (q.outcome.holds and q.evidence_value is True) or q.id in already:
            continue
        if at(horizon)[q.id].outcome.holds:
            continue
        # The first day it no longer holds: bisect, windows only run out as time passes.
        low, high = ev.as_of, horizon
        while (high - low).days > 1:
            middle = low + (high - low) / 2
            if at(middle)[q.id].outcome.holds:
                low = middle
            else:
                high = middle
        why = at(high)[q.id].reason
        found.append(ComingDue(high.isoformat(), Text(
            f"{q.id} no longer holds from {high} without new evidence: {why.en}",
            f"{q.id} is vanaf {high} niet meer voldaan zonder nieuw bewijs: {why.nl}", why.quotes), q.id))
    return tuple(sorted(found, key=lambda c: (c.due, c.question or "", c.message.en)))


def _shifted(day: dt.date, days: int) -> dt.date:
    """day + days, stopping at the first and last date there are (--as-of 9999-12-31)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min
