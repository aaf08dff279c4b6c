"""Text output for people at a terminal: a profile table, then every question with one line of reason.

Rendered with rich at a fixed width (80 by default) so the output is the same on every machine.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from ..escape import neutralise, plain_data
from ..i18n import MARKS, OUTCOME_WORDS, plural, severity_word, survey_lines, withheld_line, word
from ..model import Evaluation, Outcome
from ..rulepack import RulePack
from . import RenderOptions, register

_STYLE = {
    Outcome.HOLDS: "green", Outcome.ATTESTED: "green", Outcome.FAILS: "red",
    Outcome.NOT_APPLICABLE: "dim", Outcome.UNKNOWN: "yellow", Outcome.ERROR: "bold red",
}


def _console(options: RenderOptions) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    # markup=False: document data is never rich markup (`[/b]` is text, `[link=...]` is not a link).
    console = Console(file=buffer, width=options.width, color_system="standard" if options.color else None,
                      force_terminal=options.color, highlight=False, emoji=False, soft_wrap=False, markup=False)
    return console, buffer


@register("text")
class TextReporter:
    name = "text"

    def render(self, evaluation: Evaluation, pack: RulePack, options: RenderOptions) -> str:
        lang = options.lang
        evaluation = plain_data(evaluation)  # document data as inert text: no controls, no newlines
        console, buffer = _console(options)
        prov = evaluation.provenance
        if evaluation.tlp:
            console.print(RichText(f"TLP:{evaluation.tlp}", style="bold"))
        if evaluation.withheld:
            console.print(withheld_line(evaluation.withheld, lang))
        console.print(RichText(evaluation.isac_name, style="bold"), end="")
        commit = f" · commit {prov.commit[:7]}" if prov.commit else ""
        console.print(f" · {word('as_of', lang)} {prov.as_of}{commit} · isaccheck {prov.tool_version} · {prov.rulepack_version}")
        console.print(f"{plural(len(evaluation.participants), 'participant', lang)}, "
                      f"{plural(evaluation.document_count, 'document', lang)}")
        console.print()

        table = Table(title=None, show_edge=False, pad_edge=False, box=None, header_style="bold")
        table.add_column(word("capability", lang), overflow="fold")
        table.add_column(word("level", lang), justify="right")
        table.add_column(word("ambition", lang), justify="right")
        for level in (1, 2, 3):
            table.add_column(f"L{level}", justify="right")
        for cap in evaluation.capabilities:
            info = pack.capabilities.get(cap.code)
            name = f"{cap.code} {info.name(lang)}" if info else cap.code
            style = "red" if cap.gap else None
            table.add_row(name, str(cap.level), "-" if cap.ambition is None else str(cap.ambition),
                          *[f"{n.holds}/{n.applicable}" for n in cap.counts], style=style)
        console.print(RichText(word("profile", lang), style="bold underline"))
        console.print(table)
        for cap in evaluation.capabilities:
            held = cap.held_back_text
            if held is not None:
                console.print(f"{cap.code}: {held(lang)}")

        for cap in evaluation.capabilities:
            info = pack.capabilities.get(cap.code)
            console.print()
            ambition = "" if cap.ambition is None else f" ({word('ambition', lang).lower()} {cap.ambition})"
            title = f"{cap.code} {info.name(lang) if info else ''} · {word('level', lang).lower()} {cap.level}{ambition}"
            console.print(RichText(title, style="bold"))
            if cap.held_back_text is not None:
                console.print(cap.held_back_text(lang))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(width=1)
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold", ratio=1)
            for q in (q for q in evaluation.questions if q.capability == cap.code):
                rule = pack.rule(q.id)
                question = rule.question(lang) if rule else q.id
                grid.add_row(RichText(MARKS[q.outcome], style=_STYLE[q.outcome]), q.id, question)
                detail = f"{OUTCOME_WORDS[q.outcome](lang)}: {q.reason(lang)}"
                grid.add_row("", "", RichText(detail, style="dim" if q.outcome.holds else ""))
                if options.verbose:
                    for miss in q.missing[1:]:
                        grid.add_row("", "", f"· {miss(lang)}")
                    for ev in q.evidence:
                        extra = f" ({ev.inferred(lang)})" if ev.inferred is not None else ""
                        grid.add_row("", "", RichText(f"+ {ev.path}: {ev.why(lang)}{extra}", style="dim"))
            console.print(grid)

        console.print()
        console.print(RichText(word("plan", lang), style="bold underline"))
        if not evaluation.plan:
            console.print(word("all_good", lang))
        else:
            console.print(word("plan_intro", lang))
            for step in evaluation.plan:
                info = pack.capabilities.get(step.capability)
                name = info.name(lang) if info else step.capability
                console.print(RichText(f"{step.capability} {name}: {word('to_level', lang)} {step.to_level}", style="bold"))
                grid = Table.grid(padding=(0, 1))
                grid.add_column(no_wrap=True)
                grid.add_column(overflow="fold", ratio=1)
                for qid in step.questions:
                    rule = pack.rule(qid)
                    grid.add_row(f"  {qid}", rule.question(lang) if rule else "")
                    if rule and rule.advice:
                        grid.add_row("", RichText(f"→ {rule.advice(lang)}", style="dim"))
                console.print(grid)

        if evaluation.waivers:
            console.print()
            console.print(RichText(word("not_applicable", lang), style="bold underline"))
            for w in evaluation.waivers:
                state = word("expired", lang) if w.expired else (f"{word('expires', lang)} {w.expires}" if w.expires else "")
                console.print(f"{w.question}: {w.reason_text(lang)} ({w.decided_on}, {w.decided_in}{', ' + state if state else ''})")

        if evaluation.disagreements:
            console.print()
            console.print(RichText(word("disagreements", lang), style="bold underline"))
            for d in evaluation.disagreements:
                console.print(f"{d.question}: {word('said_yes' if d.self_assessment == 'yes' else 'said_no', lang)}")

        if evaluation.survey is not None:
            console.print()
            heading, *rest = survey_lines(evaluation.survey, lang)
            console.print(RichText(heading, style="bold underline"))
            for line in rest:
                console.print(RichText(line))

        if evaluation.coming_due:
            console.print()
            console.print(RichText(word("coming_due", lang), style="bold underline"))
            for item in evaluation.coming_due:
                console.print(f"{item.due} {item.message(lang)}")

        console.print()
        console.print(RichText(f"{word('findings', lang)} ({len(evaluation.findings)})", style="bold underline"))
        if not evaluation.findings:
            console.print(word("none", lang))
        for f in evaluation.findings:
            where = f"{f.path}:{f.line}" if f.line else f.path
            console.print(RichText(f"{severity_word(f.severity.value, lang)} {where} {f.message(lang)}",
                                   style="red" if f.severity.value == "error" else "yellow"))
        for warning in evaluation.warnings:
            console.print(RichText(f"{severity_word('warning', lang)} {warning(lang)}", style="yellow"))
        # rich pads table cells to the full width; trailing blanks are noise in files and diffs.
        return neutralise("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n")
