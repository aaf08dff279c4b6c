"""`isaccheck survey new`: the checklist as a questionnaire for every participant (docs/survey.md).

The seed's method is to go through the checklist with all participants and to set the ambition
the same way. The questionnaire holds every question of the rule pack verbatim, grouped by
capability and level with the seed's characteristics of that level, the four answer choices, a
note per question and per capability the desired level. Three shapes:

* xlsx: one row per question, drop-down lists for the answers (one organisation per file);
* csv: one header row, one column per question with the question id in its header, so that a
  form built from it (or the sheet itself, one row per respondent) exports answers that
  `survey import` reads back;
* md: for a meeting where the chair walks through the questions.

Every shape is read back by `survey import` (isaccheck/surveyimport.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .model import CAPABILITIES, Text
from .rulepack import Rule, RulePack

FORMATS = ("xlsx", "csv", "md")

# The choices offered, in the order a form shows them. "don't know" is no answer: it is not
# counted for or against a question (docs/survey.md).
CHOICES: dict[str, tuple[str, str, str, str]] = {
    "en": ("yes", "no", "partly", "don't know"),
    "nl": ("ja", "nee", "deels", "weet niet"),
}
LEVEL_CHOICES = ("0", "1", "2", "3")

W: dict[str, Text] = {
    "title": Text("Self-assessment questionnaire", "Vragenlijst zelfevaluatie"),
    "organisation": Text("Organisation", "Organisatie"),
    "email": Text("Email", "E-mail"),
    "id": Text("Id", "Id"),
    "capability": Text("Capability", "Capability"),
    "level": Text("Level", "Niveau"),
    "question": Text("Question", "Vraag"),
    "explanation": Text("Background", "Achtergrond"),
    "answer": Text("Answer", "Antwoord"),
    "note": Text("Note", "Opmerking"),
    "ambition": Text("ambition", "ambitie"),
    "ambition_question": Text(
        "Ambition: which level (0-3) should the ISAC reach for {name}?",
        "Ambitie: welk niveau (0-3) moet de ISAC bereiken voor {name}?"),
    "ambition_header": Text("{code} ambition: desired level 0-3 ({name})",
                            "{code} ambitie: gewenst niveau 0-3 ({name})"),
    "note_header": Text("{id} note", "{id} opmerking"),
    "level_heading": Text("Level {n}", "Niveau {n}"),
    "choices": Text("Answer each question with {choices}. \"{dont}\" counts as no answer.",
                    "Beantwoord elke vraag met {choices}. \"{dont}\" telt als geen antwoord."),
    "one_org": Text("Fill in one questionnaire per participant organisation; the secretary imports them with "
                    "`isaccheck survey import`.",
                    "Vul per deelnemende organisatie één vragenlijst in; de secretaris leest ze in met "
                    "`isaccheck survey import`."),
    "measure": Text("What isaccheck looks at: {measure}", "Waar isaccheck naar kijkt: {measure}"),
    "characteristics": Text("At this level (the seed): {text}", "Op dit niveau (handreiking): {text}"),
}


@dataclass(frozen=True)
class Item:
    """One row of the questionnaire: a question, or (rule None) the capability's ambition."""

    id: str  # question id, or the capability code for the ambition
    capability: str
    level: int | None
    text: str
    explanation: str
    rule: Rule | None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def items(pack: RulePack, lang: str) -> list[Item]:
    """Every question in rule-pack order; after each capability's questions its ambition."""
    found: list[Item] = []
    codes = [c for c in CAPABILITIES if any(r.capability == c for r in pack.rules)]
    codes += sorted({r.capability for r in pack.rules} - set(codes))
    for code in codes:
        for rule in (r for r in pack.rules if r.capability == code):
            measure = rule.measure(lang) if rule.measure else ""
            explanation = W["measure"](lang).format(measure=_one_line(measure)) if measure else ""
            found.append(Item(rule.id, code, rule.level, _one_line(rule.question(lang)), explanation, rule))
        found.append(Item(code, code, None, W["ambition_question"](lang).format(name=capability_name(pack, code, lang)),
                          "", None))
    return found


def capability_name(pack: RulePack, code: str, lang: str) -> str:
    info = pack.capabilities.get(code)
    return info.name(lang) if info else code


def level_characteristics(pack: RulePack, code: str, level: int, lang: str) -> str:
    info = pack.capabilities.get(code)
    advice = info.levels.get(level) if info else None
    return _one_line(advice.characteristics(lang).replace("\n- ", " ").lstrip("- ")) if advice else ""


def csv_headers(pack: RulePack, lang: str) -> list[str]:
    """The form's columns: organisation, e-mail, per question its answer and note, per capability the ambition."""
    headers = [W["organisation"](lang), W["email"](lang)]
    for item in items(pack, lang):
        if item.rule is None:
            headers.append(W["ambition_header"](lang).format(code=item.id, name=capability_name(pack, item.id, lang)))
        else:
            headers.append(f"{item.id} {item.text}")
            headers.append(W["note_header"](lang).format(id=item.id))
    return headers


def render_csv(pack: RulePack, lang: str) -> bytes:
    """UTF-8 with BOM (Excel then reads the accents right); `;` in Dutch as Dutch Excel expects, `,` in English."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "nl" else ",", lineterminator="\r\n")
    writer.writerow(csv_headers(pack, lang))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    # A pipe would end the Markdown table cell; a question text is data, never table structure.
    return _one_line(text).replace("\\", "\\\\").replace("|", "\\|")


def render_md(pack: RulePack, lang: str) -> str:
    choices = CHOICES[lang]
    lines = [f"# {W['title'](lang)}: {pack.name} {pack.version}", "",
             f"{W['organisation'](lang)}: ", "",
             f"{W['email'](lang)}: ", "",
             W["choices"](lang).format(choices=" / ".join(choices), dont=choices[3]),
             W["one_org"](lang), ""]
    header = f"| {W['id'](lang)} | {W['question'](lang)} | {W['answer'](lang)} | {W['note'](lang)} |"
    rule_line = "|---|---|---|---|"
    current: tuple[str, int | None] | None = None
    for item in items(pack, lang):
        if current is not None and current != (item.capability, item.level):
            lines.append("")  # a blank line ends the table before the next heading
        if current is None or current[0] != item.capability:
            info = pack.capabilities.get(item.capability)
            lines += [f"## {item.capability} {capability_name(pack, item.capability, lang)}", ""]
            if info and info.description:
                lines += [_one_line(info.description(lang)), ""]
        if current != (item.capability, item.level):
            if item.level is None:
                lines += [f"### {W['ambition'](lang).capitalize()}", ""]
            else:
                lines += [f"### {W['level_heading'](lang).format(n=item.level)}", ""]
                characteristics = level_characteristics(pack, item.capability, item.level, lang)
                if characteristics:
                    lines += [W["characteristics"](lang).format(text=characteristics), ""]
            lines += [header, rule_line]
            current = (item.capability, item.level)
        lines.append(f"| {item.id} | {_cell(item.text)} |  |  |")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_xlsx(pack: RulePack, lang: str) -> bytes:
    """One sheet, one row per question; the answer and ambition cells have drop-down lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = W["title"](lang)[:31]
    sheet.append([f"{W['title'](lang)}: {pack.name} {pack.version}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([W["organisation"](lang), ""])
    sheet.append([W["email"](lang), ""])
    choices = CHOICES[lang]
    sheet.append([W["choices"](lang).format(choices=" / ".join(choices), dont=choices[3])])
    sheet.append([])
    sheet.append([W["id"](lang), W["capability"](lang), W["level"](lang), W["question"](lang),
                  W["explanation"](lang), W["answer"](lang), W["note"](lang)])
    for cell in sheet[6]:
        cell.font = Font(bold=True)
    # Excel refuses anything else in these cells: a note belongs in the note column, not in the answer.
    answers = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                             showErrorMessage=True, error=W["choices"](lang).format(choices=" / ".join(choices),
                                                                                    dont=choices[3]))
    levels = DataValidation(type="list", formula1='"' + ",".join(LEVEL_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, error="0, 1, 2, 3")
    sheet.add_data_validation(answers)
    sheet.add_data_validation(levels)
    for item in items(pack, lang):
        explanation = item.explanation
        if item.rule is not None and item.level is not None:
            characteristics = level_characteristics(pack, item.capability, item.level, lang)
            if characteristics:
                explanation = f"{W['characteristics'](lang).format(text=characteristics)}\n{explanation}".strip()
        sheet.append([item.id, capability_name(pack, item.capability, lang), item.level, item.text, explanation, "", ""])
        row = sheet.max_row
        (answers if item.rule is not None else levels).add(f"F{row}")
        for column in "DEG":
            sheet[f"{column}{row}"].alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFG", (9, 24, 7, 60, 60, 12, 40)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A7"
    out = io.BytesIO()
    book.save(out)
    return _deterministic_zip(out.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """openpyxl stamps the current time in the zip entries and docProps: fixed, so the same pack gives the same file."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2000-01-01T00:00:00Z", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


def render(pack: RulePack, lang: str, fmt: str) -> bytes:
    if fmt == "xlsx":
        return render_xlsx(pack, lang)
    if fmt == "csv":
        return render_csv(pack, lang)
    return render_md(pack, lang).encode("utf-8")


def default_name(lang: str, fmt: str) -> str:
    return f"{'vragenlijst-zelfevaluatie' if lang == 'nl' else 'self-assessment-questionnaire'}.{fmt}"
