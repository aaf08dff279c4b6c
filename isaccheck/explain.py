"""`isaccheck explain`: one question, its level, what evidence it looks for and the advice."""

from __future__ import annotations

import yaml

from .i18n import word
from .rulepack import Rule, RulePack

_BASIS = {
    "never": ("documents only", "alleen documenten"),
    "allowed": ("documents; a self-assessment may stand in", "documenten; een zelfevaluatie mag in de plaats komen"),
    "only": ("only a self-assessment (attestation)", "alleen een zelfevaluatie (bevestiging)"),
}


def explain_rule(rule: Rule, pack: RulePack, lang: str) -> str:
    nl = lang == "nl"
    info = pack.capabilities.get(rule.capability)
    cap_name = info.name(lang) if info else rule.capability
    lines = [
        f"{rule.id} · {cap_name} · {word('level', lang).lower()} {rule.level}",
        rule.question(lang),
        "",
        ("Basis: " if not nl else "Grondslag: ") + _BASIS[rule.attestation][1 if nl else 0],
    ]
    if rule.measure:
        lines += ["", ("What is measured:" if not nl else "Wat gemeten wordt:"), rule.measure(lang)]
    if rule.parameters:
        lines += ["", "Parameters (isaccheck.yaml: rules: {%s: {...}}):" % rule.id]
        for p in rule.parameters.values():
            desc = f" — {p.description(lang)}" if p.description else ""
            lines.append(f"  {p.name} = {p.default!r}{desc}")
    if rule.evidence is not None:
        lines += ["", ("Evidence expression:" if not nl else "Bewijsexpressie:"),
                  yaml.safe_dump(rule.evidence, sort_keys=False, allow_unicode=True).rstrip()]
    if rule.advice:
        lines += ["", ("Next step:" if not nl else "Volgende stap:"), rule.advice(lang)]
    if info and rule.level in info.levels:
        level = info.levels[rule.level]
        lines += ["", (f"Advice for level {rule.level} (NCSC handreiking):" if not nl
                       else f"Handvatten voor niveau {rule.level} (NCSC-handreiking):"), level.advice(lang)]
    if rule.notes:
        # The notes are written once, in English, for the maintainers of the rule pack.
        lines += ["", ("Notes: " if not nl else "Toelichting (in het Engels): ") + rule.notes]
    return "\n".join(lines).rstrip() + "\n"
