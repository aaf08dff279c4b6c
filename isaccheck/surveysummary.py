"""The latest self-assessment in numbers, for `check` and the report (docs/survey.md).

Per question a self-assessment may answer (attestation `allowed` or `only`): how many current
participants answered yes, no, partly, or nothing. Per capability: the desired levels the
participants gave (the self-assessment's `ambition` extension), their spread and median, and the
proposed ambition, compared with the ambition stated in isac.yaml.

The proposal is the lower median: the highest level that at least half of the respondents want.
The seed is silent on how to combine the participants' wishes; a chair would not propose an
ambition that most participants do not carry, so with an even split the lower level is proposed.
"""

from __future__ import annotations

from typing import Any, Mapping

from .evidence import Evidence
from .model import CAPABILITIES, AmbitionProposal, AnswerTally, SurveySummary
from .rulepack import RulePack


def summarise(ev: Evidence, pack: RulePack, answers: Mapping[str, Mapping[str, str]], path: str, date: str,
              stated: Mapping[str, int], months: int) -> SurveySummary:
    """answers: question -> organisation (lower case) -> answer, as the engine read them."""
    current = ev.participant_names
    eligible = len(ev.participants)
    answering: set[str] = set()
    tallies = []
    for rule in pack.rules:
        given = {org: a for org, a in answers.get(rule.id, {}).items() if org in current}
        answering.update(given)
        if rule.attestation == "never":
            continue
        yes = sum(1 for a in given.values() if a == "yes")
        no = sum(1 for a in given.values() if a == "no")
        partly = sum(1 for a in given.values() if a == "partly")
        tallies.append(AnswerTally(rule.id, yes, no, partly, eligible - yes - no - partly))
    wanted: dict[str, list[int]] = {}
    for org, levels in _ambitions(ev, path, months).items():
        if org.strip().lower() not in current or not isinstance(levels, dict):
            continue
        answering.add(org.strip().lower())
        for code, level in levels.items():
            if isinstance(level, int) and not isinstance(level, bool) and 0 <= level <= 3:
                wanted.setdefault(str(code), []).append(level)
    proposals = []
    for code in [c for c in CAPABILITIES if c in wanted] + sorted(set(wanted) - set(CAPABILITIES)):
        levels = sorted(wanted[code])
        spread = (levels.count(0), levels.count(1), levels.count(2), levels.count(3))
        import statistics  # here: imported only by a repository with self-assessments (~5 ms)

        proposals.append(AmbitionProposal(code, spread, float(statistics.median(levels)),
                                          int(statistics.median_low(levels)), stated.get(code)))
    return SurveySummary(path, date, eligible, len(answering), tuple(tallies), tuple(proposals))


def _ambitions(ev: Evidence, path: str, months: int) -> Mapping[str, Any]:
    for doc in ev.docs("self-assessment", months):
        if doc.path == path:
            value = doc.meta.get("ambition")
            return value if isinstance(value, dict) else {}
    return {}
