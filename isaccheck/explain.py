"""`isaccheck explain`: one question, its level, what evidence it looks for and the advice."""

from __future__ import annotations

import textwrap

import yaml

from .i18n import word
from .rulepack import Rule, RulePack

_BASIS = {
    "never": ("documents only", "alleen documenten"),
    "allowed": ("documents; a self-assessment may stand in", "documenten; een zelfevaluatie mag in de plaats komen"),
    "only": ("only a self-assessment (attestation)", "alleen een zelfevaluatie (bevestiging)"),
}


def wrap(text: str, width: int) -> str:
    """Each line folded at width between words, continuation lines indented like the line
    (list items under their text); never a word cut in two."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        hanging = indent + ("  " if line.lstrip().startswith(("- ", "* ")) else "")
        out.append(textwrap.fill(line.strip(), width=width, initial_indent=indent, subsequent_indent=hanging,
                                 break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)


def explain_rule(rule: Rule, pack: RulePack, lang: str, width: int | None = None) -> str:
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
    if rule.notes and not nl:
        lines += ["", "Notes: " + rule.notes]
    elif rule.notes:
        # The notes are written once, in English, for the maintainers of the rule pack: a Dutch
        # run stays Dutch and says where to read them.
        lines += ["", f"Technische toelichting voor beheerders van de regelset (Engelstalig): "
                      f"isaccheck explain {rule.id} --lang en"]
    if width is None:
        return "\n".join(lines).rstrip() + "\n"
    evidence_at = lines.index(("Evidence expression:" if not nl else "Bewijsexpressie:")) \
        if rule.evidence is not None else len(lines)
    # The evidence expression is YAML: folding it would change what it says.
    head = wrap("\n".join(lines[:evidence_at]), width)
    rest = lines[evidence_at:evidence_at + 2]
    tail = wrap("\n".join(lines[evidence_at + 2:]), width)
    return "\n".join(part for part in (head, *rest, tail) if part).rstrip() + "\n"
