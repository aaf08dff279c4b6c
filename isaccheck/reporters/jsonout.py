"""JSON output: the machine-readable result, described by schemas/output.schema.json.

Deterministic: keys sorted, lists in rule / path order, no timestamp but the evaluation date.
"""

from __future__ import annotations

import json
from typing import Any

from ..escape import json_inert
from ..model import CapabilityResult, Evaluation, EvidenceRef, Finding, Outcome, QuestionResult, SurveySummary, Text, Waiver
from ..rulepack import RulePack
from . import RenderOptions, register

SCHEMA_VERSION = "1.0"


def _evidence(ref: EvidenceRef, lang: str) -> dict[str, Any]:
    out = {"path": ref.path, "line": ref.line, "date": ref.date, "commit": ref.commit, "tlp": ref.tlp, "why": ref.why(lang)}
    if ref.inferred is not None:
        # Only for documents whose fields were read from their text: contract documents' JSON is unchanged.
        out["inferred"] = ref.inferred(lang)
    return out


def _waiver(w: Waiver, lang: str) -> dict[str, Any]:
    return {"question": w.question, "reason": w.reason_text(lang), "decided_on": w.decided_on, "decided_in": w.decided_in,
            "expires": w.expires, "expired": w.expired, "line": w.line}


def basis(q: QuestionResult) -> str | None:
    if q.outcome is Outcome.HOLDS:
        return "evidence"
    if q.outcome is Outcome.ATTESTED:
        return "attestation"
    return None


def finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    return {"code": f.code, "severity": f.severity.value, "path": f.path, "line": f.line, "field": f.field,
            "message": f.message(lang)}


def question_dict(q: QuestionResult, pack: RulePack, lang: str) -> dict[str, Any]:
    rule = pack.rule(q.id)
    a = q.attestation
    return {
        "id": q.id,
        "capability": q.capability,
        "level": q.level,
        "question": rule.question(lang) if rule else q.id,
        "outcome": q.outcome.value,
        "holds": q.outcome.holds,
        "basis": basis(q),
        "reason": q.reason(lang),
        "evidence": [_evidence(e, lang) for e in q.evidence],
        "missing": [m(lang) for m in q.missing],
        "attestation": None if a is None else {
            "yes": a.yes, "no": a.no, "partly": a.partly, "eligible": a.eligible, "path": a.path, "date": a.date,
            "holds": a.holds},
        "not_applicable": _waiver(q.waiver, lang) if q.waiver else None,
        "location": None if q.location is None else {"path": q.location[0], "line": q.location[1]},
    }


def _held_back(c: CapabilityResult, lang: str) -> dict[str, Any] | None:
    text = c.held_back_text
    if text is None:
        return None
    return {"complete_level": c.complete_level if c.complete_level is not None else c.level,
            "by": list(c.held_back_by), "text": text(lang)}


def result_dict(evaluation: Evaluation, pack: RulePack, lang: str) -> dict[str, Any]:
    """The whole evaluation as plain data; other machine formats start from this too."""
    caps = pack.capabilities
    outcomes: dict[str, int] = {o.value: 0 for o in Outcome}
    for q in evaluation.questions:
        outcomes[q.outcome.value] += 1
    severities = {"error": 0, "warning": 0, "info": 0}
    for f in evaluation.findings:
        severities[f.severity.value] += 1
    plan = []
    for step in evaluation.plan:
        info = caps.get(step.capability)
        level = info.levels.get(step.to_level) if info else None
        advice = level.advice(lang) if level else None
        plan.append({
            "capability": step.capability,
            "from_level": step.from_level,
            "to_level": step.to_level,
            "advice": advice,
            "questions": [{"id": qid, "question": r.question(lang) if (r := pack.rule(qid)) else qid,
                           "advice": r.advice(lang) if r and r.advice else None} for qid in step.questions],
        })
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "isaccheck", "version": evaluation.provenance.tool_version},
        "rulepack": evaluation.provenance.rulepack_version,
        "as_of": evaluation.provenance.as_of,
        "commit": evaluation.provenance.commit,
        "language": lang,
        "tlp": evaluation.tlp,
        "withheld": evaluation.withheld,
        "isac": {"name": evaluation.isac_name, "sector": evaluation.sector, "participants": list(evaluation.participants)},
        "summary": {"documents": evaluation.document_count, "outcomes": outcomes, "findings": severities,
                    "below_ambition": [c.code for c in evaluation.capabilities if c.gap > 0]},
        "capabilities": [
            {"code": c.code, "name": caps[c.code].name(lang) if c.code in caps else c.code, "level": c.level,
             "ambition": c.ambition, "gap": c.gap,
             "levels": [{"level": n.level, "holds": n.holds, "applicable": n.applicable} for n in c.counts],
             "held_back": _held_back(c, lang)}
            for c in evaluation.capabilities
        ],
        "questions": [question_dict(q, pack, lang) for q in evaluation.questions],
        "plan": plan,
        "not_applicable": [_waiver(w, lang) for w in evaluation.waivers],
        "disagreements": [{"question": d.question, "self_assessment": d.self_assessment, "evidence": d.evidence}
                          for d in evaluation.disagreements],
        "findings": [finding_dict(f, lang) for f in evaluation.findings],
        "warnings": [w(lang) for w in evaluation.warnings],
        "coming_due": [{"due": c.due, "question": c.question, "message": c.message(lang)} for c in evaluation.coming_due],
        "survey": survey_dict(evaluation.survey),
    }


def survey_dict(survey: SurveySummary | None) -> dict[str, Any] | None:
    """The latest self-assessment in numbers (docs/survey.md): answers per question, the ambition proposal."""
    if survey is None:
        return None
    return {
        "path": survey.path, "date": survey.date, "eligible": survey.eligible, "respondents": survey.respondents,
        "answers": [{"question": t.question, "yes": t.yes, "no": t.no, "partly": t.partly, "unanswered": t.unanswered}
                    for t in survey.tallies],
        "ambition": [{"capability": p.capability, "stated": p.stated, "proposed": p.proposed, "median": p.median,
                      "spread": list(p.spread), "respondents": p.respondents, "differs": p.differs}
                     for p in survey.proposals],
    }


def dumps(data: Any) -> str:
    # Outside strings JSON has no such characters, so escaping them in the whole text only touches data.
    return json_inert(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


@register("json")
class JsonReporter:
    name = "json"

    def render(self, evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> str:
        return dumps(result_dict(evaluation, pack, options.lang))


__all__ = ["JsonReporter", "result_dict", "dumps", "Text"]
