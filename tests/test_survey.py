"""The self-assessment as the seed intends (issue 16): survey new, survey import, and check using it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Callable

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isaccheck.cli import cli
from isaccheck.rulepack import load_builtin
from isaccheck.runner import check
from isaccheck.schemas import load_schema
from isaccheck.survey import CHOICES, csv_headers, render_md, render_xlsx
from isaccheck.surveyimport import read_answer, read_level

from .conftest import PROFILE

DATE = dt.date(2026, 6, 1)
AS_OF = dt.date(2026, 6, 30)
PACK = load_builtin()
IDS = [r.id for r in PACK.rules]
ATTESTED_ONLY = [r.id for r in PACK.rules if r.attestation == "only"]

# The conftest profile, with e-mail domains and aliases for the participants (the isac.yaml extension).
SURVEY_PROFILE = (PROFILE
                  .replace("  - organisation: Alpha\n", "  - organisation: Alpha\n    domains: [alpha.example]\n"
                           "    aliases: [Alpha Water B.V., AW]\n")
                  .replace("  - organisation: Beta\n", "  - organisation: Beta\n    domains: [beta.example]\n")
                  .replace("  - organisation: Gamma\n", "  - organisation: Gamma\n    domains: ['@gamma.example']\n"))


def invoke(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    return runner.invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(profile=SURVEY_PROFILE)


def imported(root: Path) -> dict:
    docs = sorted((root / "assessments").glob("*.md"))
    assert len(docs) == 1, docs
    text = docs[0].read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def run_import(root: Path, *files: Path, extra: tuple[str, ...] = ()):
    return invoke("survey", "import", *map(str, files), "--root", str(root), "--date", DATE.isoformat(), *extra)


# -- survey new ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "en"])
def test_markdown_questionnaire_has_every_question_grouped_with_choices_and_ambition(lang: str) -> None:
    text = render_md(PACK, lang)
    for rule in PACK.rules:
        assert f"| {rule.id} | {' '.join(rule.question(lang).split())} |" in text
    assert " / ".join(CHOICES[lang]) in text
    for code in ("STR", "WOW", "INF", "SIT", "ACT"):
        assert f"| {code} | " in text  # the ambition row of the capability
    # Grouped: capability heading, then level headings in order.
    assert text.index("## STR") < text.index("STR-1.1") < text.index("STR-2.1") < text.index("## WOW")
    assert ("Niveau 2" if lang == "nl" else "Level 2") in text


def test_csv_headers_carry_the_question_id_and_are_in_the_language(tmp_path: Path) -> None:
    headers = csv_headers(PACK, "nl")
    answers = [h for h in headers if h[:7] in IDS and not h.endswith("opmerking")]
    assert [h[:7] for h in answers] == IDS
    assert "STR-1.1 Is er een gemeenschappelijk geformuleerd doel van informatie-uitwisseling?" in headers
    assert any(h.startswith("SIT ambitie") for h in headers)
    result = invoke("survey", "new", "--format", "csv", "-o", str(tmp_path / "q.csv"))
    raw = (tmp_path / "q.csv").read_bytes()
    assert result.exit_code == 0 and raw.startswith(b"\xef\xbb\xbf") and b";" in raw.split(b"\r\n")[0]


def test_xlsx_questionnaire_has_one_row_per_question_and_drop_downs() -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render_xlsx(PACK, "en")))
    sheet = book.worksheets[0]
    ids = [row[0] for row in sheet.iter_rows(min_row=7, values_only=True) if row[0]]
    assert [i for i in ids if i in IDS] == IDS
    assert [i for i in ids if i not in IDS] == ["STR", "WOW", "INF", "SIT", "ACT"]
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    assert '"yes,no,partly,don\'t know"' in lists and '"0,1,2,3"' in lists
    assert len(lists['"yes,no,partly,don\'t know"'].split()) == len(IDS)
    assert all(dv.showErrorMessage for dv in sheet.data_validations.dataValidation)


def test_questionnaire_is_byte_identical_run_to_run() -> None:
    assert render_xlsx(PACK, "nl") == render_xlsx(PACK, "nl")


def test_survey_new_never_overwrites_and_xlsx_not_to_stdout(tmp_path: Path) -> None:
    target = tmp_path / "q.md"
    target.write_text("mine", encoding="utf-8")
    result = invoke("survey", "new", "--format", "md", "-o", str(target))
    # survey new is Dutch by default (--lang nl): so is its refusal.
    assert result.exit_code == 2 and "overschrijft het niet" in result.output and target.read_text() == "mine"
    assert invoke("survey", "new", "--format", "xlsx", "-o", "-").exit_code == 2
    assert "| SIT-1.1 |" in invoke("survey", "new", "--format", "md", "--lang", "en", "-o", "-").output


# -- round trips: new -> fill -> import -> check ------------------------------------------------

def fill_csv(path: Path, rows: list[dict[str, str]], lang: str = "nl") -> None:
    """Fill the csv of `survey new` as a form tool would: one row per respondent."""
    raw = path.read_bytes().decode("utf-8-sig")
    delimiter = ";" if lang == "nl" else ","
    headers = next(csv.reader(io.StringIO(raw), delimiter=delimiter))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(h, "" if h.endswith("opmerking") else
                                    next((v for k, v in values.items() if h.startswith(k + " ")), ""))
                         for h in headers])
    path.write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))


def test_round_trip_csv(repo: Path, tmp_path: Path) -> None:
    form = tmp_path / "form.csv"
    assert invoke("survey", "new", "--format", "csv", "-o", str(form)).exit_code == 0
    answers = {qid: "ja" for qid in IDS}
    fill_csv(form, [{"Organisatie": org, **answers, "SIT-1.1 opmerking": f"note {org}", "STR": "2"}
                    for org in ("Alpha", "Beta", "Gamma")])
    result = run_import(repo, form)
    assert result.exit_code == 0, result.output
    doc = imported(repo)
    assert doc["tlp"] == "AMBER" and doc["respondents"] == ["Alpha", "Beta", "Gamma"]
    assert doc["answers"]["SIT-1.1"]["Beta"] == {"answer": "yes", "note": "note Beta"}
    assert doc["answers"]["ACT-1.1"] == {"Alpha": "yes", "Beta": "yes", "Gamma": "yes"}
    assert doc["ambition"]["Alpha"] == {"STR": 2}
    evaluation = check(repo, AS_OF).evaluation
    outcomes = {q.id: q.outcome.value for q in evaluation.questions}
    assert all(outcomes[qid] == "attested" for qid in ATTESTED_ONLY)


def test_round_trip_xlsx(repo: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    files = []
    for org, answer in (("Alpha", "ja"), ("Beta", "deels"), ("Gamma", "ja")):
        path = tmp_path / f"{org}.xlsx"
        assert invoke("survey", "new", "-o", str(path)).exit_code == 0
        book = load_workbook(path)
        sheet = book.worksheets[0]
        sheet["B2"] = org
        for row in sheet.iter_rows(min_row=7):
            if row[0].value in IDS:
                row[5].value = answer
                row[6].value = "toelichting" if row[0].value == "SIT-1.2" else None
            elif row[0].value == "SIT":
                row[5].value = "3"
        book.save(path)
        files.append(path)
    result = run_import(repo, *files)
    assert result.exit_code == 0, result.output
    doc = imported(repo)
    assert doc["answers"]["SIT-1.1"] == {"Alpha": "yes", "Beta": "partly", "Gamma": "yes"}
    assert doc["answers"]["SIT-1.2"]["Alpha"] == {"answer": "yes", "note": "toelichting"}
    evaluation = check(repo, AS_OF).evaluation
    assert {q.id: q.outcome.value for q in evaluation.questions}["SIT-1.1"] == "attested"
    assert evaluation.survey is not None
    assert [(p.capability, p.proposed) for p in evaluation.survey.proposals] == [("SIT", 3)]


def test_round_trip_markdown_in_english(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "meeting.md"
    assert invoke("survey", "new", "--format", "md", "--lang", "en", "-o", str(path)).exit_code == 0
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("Organisation:"):
            line = "Organisation: AW"  # an alias of Alpha
        elif line.startswith("| ") and line[2:9] in IDS:
            line = line.replace("|  |  |", "| Yes | agreed in the meeting |")
        elif line.startswith("| STR |"):
            line = line.replace("|  |  |", "| level 2 |  |")
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_import(repo, path)
    assert result.exit_code == 0, result.output
    doc = imported(repo)
    assert doc["respondents"] == ["Alpha"]
    assert doc["answers"]["ACT-1.1"] == {"Alpha": {"answer": "yes", "note": "agreed in the meeting"}}
    assert doc["ambition"] == {"Alpha": {"STR": 2}}
    assert check(repo, AS_OF).evaluation.survey is not None


# -- form exports -------------------------------------------------------------------------------

def question_text(qid: str, lang: str) -> str:
    rule = PACK.rule(qid)
    assert rule is not None
    return rule.question(lang)


def forms_export(lang: str, rows: list[list[str]], questions: list[str], extra: list[str] = ()) -> list[list[str]]:
    meta = (["ID", "Start time", "Completion time", "Email", "Name"] if lang == "en"
            else ["Id", "Begintijd", "Tijd van voltooien", "E-mail", "Naam"])
    return [meta + [question_text(q, lang) for q in questions] + list(extra), *rows]


def write_csv(path: Path, table: list[list[str]], delimiter: str = ",", encoding: str = "utf-8",
              bom: bool = False) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(table)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_microsoft_forms_export_by_question_text_and_email_domain(repo: Path, tmp_path: Path, lang: str) -> None:
    qs = ["SIT-1.1", "SIT-1.2", "ACT-1.1"]
    yes, partly = ("Ja", "Gedeeltelijk") if lang == "nl" else ("Yes", "Partly")
    table = forms_export(lang, [
        ["1", "6/1/26 9:00:00", "6/1/26 9:05:00", "ann@alpha.example", "Ann", yes, yes, yes],
        ["2", "6/1/26 9:00:00", "6/1/26 9:06:00", "bob@mail.beta.example", "Bob", yes, partly, yes],
        ["3", "6/1/26 9:00:00", "6/1/26 9:07:00", "cee@gamma.example", "Cee", yes.upper(), yes, yes],
    ], qs)
    result = run_import(repo, write_csv(tmp_path / "forms.csv", table))
    assert result.exit_code == 0, result.output
    doc = imported(repo)
    assert doc["answers"]["SIT-1.2"] == {"Alpha": "yes", "Beta": "partly", "Gamma": "yes"}
    outcomes = {q.id: q.outcome.value for q in check(repo, AS_OF).evaluation.questions}
    assert outcomes["SIT-1.1"] == outcomes["ACT-1.1"] == "attested"


def test_semicolon_bom_excel_csv(repo: Path, tmp_path: Path) -> None:
    table = forms_export("nl", [["1", "", "", "ann@alpha.example", "Ann", "ja"]], ["SIT-1.1"])
    path = write_csv(tmp_path / "export.csv", table, delimiter=";", bom=True)
    result = run_import(repo, path)
    assert result.exit_code == 0, result.output
    assert imported(repo)["answers"]["SIT-1.1"] == {"Alpha": "yes"}


def test_cp1252_csv_with_accents(repo: Path, tmp_path: Path) -> None:
    table = [["Organisatie", "SIT-1.1 Wordt de situational awareness verhoogd?", "SIT-1.1 opmerking"],
             ["Alpha", "ja", "Café-overleg werkt goed"]]
    path = write_csv(tmp_path / "cp.csv", table, delimiter=";", encoding="cp1252")
    assert run_import(repo, path).exit_code == 0
    assert imported(repo)["answers"]["SIT-1.1"]["Alpha"]["note"] == "Café-overleg werkt goed"


def test_utf16_tab_separated_unicode_text(repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("Organisation\tSIT-1.1\nBeta\tYES\n".encode("utf-16"))
    assert run_import(repo, path).exit_code == 0
    assert imported(repo)["answers"]["SIT-1.1"] == {"Beta": "yes"}


def test_form_export_as_xlsx(repo: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in forms_export("en", [["1", "", "", "ann@alpha.example", "Ann", "Yes"],
                                   ["2", "", "", "bob@beta.example", "Bob", "No"]], ["ACT-1.1"]):
        sheet.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert run_import(repo, path).exit_code == 0
    assert imported(repo)["answers"]["ACT-1.1"] == {"Alpha": "yes", "Beta": "no"}


# -- the messy cases: each reported, nothing dropped silently ------------------------------------

def test_unmatched_respondent_is_reported_and_not_imported(repo: Path, tmp_path: Path) -> None:
    table = forms_export("en", [["1", "", "", "ann@alpha.example", "Ann", "Yes"],
                                ["2", "", "", "eve@elsewhere.example", "Eve", "Yes"]], ["SIT-1.1"])
    result = run_import(repo, write_csv(tmp_path / "f.csv", table))
    assert result.exit_code == 1
    assert "f.csv:3: warning: respondent e-mail 'eve@elsewhere.example' matches no participant" in result.output
    assert imported(repo)["respondents"] == ["Alpha"]


def test_duplicate_organisation_later_answer_wins_with_warning(repo: Path, tmp_path: Path) -> None:
    # Rows out of order: the completion time decides which answer is the later one.
    table = forms_export("en", [["1", "", "2026-05-02 10:00:00", "bob@beta.example", "Bob", "No"],
                                ["2", "", "2026-05-01 10:00:00", "bo@beta.example", "Bo", "Yes"]], ["SIT-1.1"])
    result = run_import(repo, write_csv(tmp_path / "f.csv", table))
    assert result.exit_code == 1
    assert "Beta answered twice" in result.output and "f.csv:2) counts" in result.output
    assert imported(repo)["answers"]["SIT-1.1"] == {"Beta": "no"}


def test_empty_and_dont_know_answers_are_no_answer_and_reported(repo: Path, tmp_path: Path) -> None:
    table = [["Organisation", "SIT-1.1", "SIT-1.2", "ACT-1.1"],
             ["Alpha", "Yes", "", "Weet niet"],
             ["Beta", "", "", ""]]
    result = run_import(repo, write_csv(tmp_path / "f.csv", table))
    assert "f.csv:2: info: Alpha: 2 questions left empty or answered don't know" in result.output
    assert "f.csv:3: warning: Beta: no question answered" in result.output
    assert "answered by nobody" in result.output and "ACT-1.1" in result.output
    doc = imported(repo)
    assert doc["answers"] == {"SIT-1.1": {"Alpha": "yes"}}


def test_unknown_columns_unreadable_answers_and_notes_without_answer_are_reported(repo: Path, tmp_path: Path) -> None:
    table = [["Organisation", "Favourite colour", "SIT-1.1", "SIT-1.2", "SIT-1.2 note", "STR-9.9", "STR ambition"],
             ["Alpha", "blue", "maybe", "", "I have thoughts", "Yes", "four"]]
    result = run_import(repo, write_csv(tmp_path / "f.csv", table))
    out = result.output
    assert "column 2 'Favourite colour' is not a question" in out
    assert "column 6 'STR-9.9' is not a question" in out
    assert "answer 'maybe' is not yes, no, partly" in out
    assert "a note on SIT-1.2 without an answer" in out
    assert "STR ambition: 'four' is not a level" in out
    assert result.exit_code == 2  # nothing left to import: no document written
    assert not (repo / "assessments").exists()


def test_a_broken_file_is_reported_and_the_others_are_imported(repo: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    good = write_csv(tmp_path / "good.csv", [["Organisation", "SIT-1.1"], ["Gamma", "ja"]])
    result = run_import(repo, broken, good)
    assert result.exit_code == 1
    assert "broken.xlsx: warning: not a readable xlsx workbook" in result.output
    assert imported(repo)["answers"] == {"SIT-1.1": {"Gamma": "yes"}}


def test_import_never_overwrites_and_writes_the_tlp_given(repo: Path, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", [["Organisation", "SIT-1.1"], ["Gamma", "ja"]])
    target = repo / "assessments" / "mine.md"
    target.parent.mkdir()
    target.write_text("keep", encoding="utf-8")
    result = run_import(repo, good, extra=("-o", str(target)))
    assert result.exit_code == 2 and "never overwrites" in result.output and target.read_text() == "keep"
    red = tmp_path / "red.md"
    assert run_import(repo, good, extra=("-o", str(red), "--tlp", "RED")).exit_code == 0
    meta = yaml.safe_load(red.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["tlp"] == "RED" and "shared_with" not in meta  # RED goes to named people only


def test_organisation_column_and_email_disagreeing_is_reported(repo: Path, tmp_path: Path) -> None:
    table = [["Organisatie", "E-mail", "SIT-1.1"], ["Alpha Water B.V.", "x@beta.example", "ja"]]
    result = run_import(repo, write_csv(tmp_path / "f.csv", table))
    assert "the organisation column counts: Alpha" in result.output
    assert imported(repo)["answers"] == {"SIT-1.1": {"Alpha": "yes"}}


def test_imported_document_is_a_valid_self_assessment(repo: Path, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", [["Organisation", "SIT-1.1", "SIT ambition"], ["Gamma", "ja", "2"]])
    run_import(repo, good)
    result = invoke("validate", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


@pytest.mark.parametrize("written, read", [
    ("Ja", "yes"), ("JA", "yes"), ("yes", "yes"), ("Y", "yes"), ("Ja, volledig", "yes"), ("nee", "no"), ("No", "no"),
    ("Gedeeltelijk", "partly"), ("Deels - alleen bij incidenten", "partly"), ("partially", "partly"),
    ("Weet niet", ""), ("Don't know", ""), ("n.v.t.", ""), ("", ""), ("misschien", None), ("3", None),
])
def test_answers_in_both_languages_and_usual_forms(written: str, read: str | None) -> None:
    assert read_answer(written) == read


@pytest.mark.parametrize("written, read", [("2", 2), ("Niveau 3", 3), ("level 0", 0), ("1.0", 1), ("", ""),
                                           ("4", "4"), ("hoog", "hoog")])
def test_desired_levels(written: str, read: int | str) -> None:
    assert read_level(written) == read


def test_isac_yaml_aliases_and_domains_are_checked(make_repo: Callable[..., Path]) -> None:
    ok = check(make_repo(profile=SURVEY_PROFILE), AS_OF).evaluation
    assert not [f for f in ok.findings if f.path == "isac.yaml"]


def test_bad_domain_in_isac_yaml_is_a_finding(make_repo: Callable[..., Path]) -> None:
    bad = SURVEY_PROFILE.replace("domains: [beta.example]", "domains: [not a domain]")
    findings = [f for f in check(make_repo(profile=bad), AS_OF).evaluation.findings if f.path == "isac.yaml"]
    assert findings and findings[0].line is not None


# -- in the outputs -----------------------------------------------------------------------------

SELF_ASSESSMENT = """\
---
type: self-assessment
date: 2026-06-01
tlp: AMBER
respondents: [Alpha, Beta, Gamma]
answers:
  SIT-1.1: {Alpha: "yes", Beta: "partly", Gamma: "no"}
  STR-1.1: {Alpha: "yes", Beta: "yes"}
ambition:
  Alpha: {STR: 3, SIT: 1}
  Beta: {STR: 2, SIT: 2}
  Gamma: {STR: 1}
  Outsider: {STR: 3}
---
TLP:AMBER
"""


def test_check_shows_answer_counts_and_where_the_proposal_differs(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"assessments/sa.md": SELF_ASSESSMENT})
    result = invoke("check", str(root), "--as-of", AS_OF.isoformat())
    output = " ".join(result.output.split())  # the text output wraps at 80 columns
    assert "SIT-1.1: yes 1 · partly 1 · no 1 · no answer 0" in result.output
    # STR: wanted 3, 2, 1 (the outsider does not count): median 2, isac.yaml says 1.
    assert ("ambition STR: isac.yaml 1, participants propose 2 (median 2; level 0/1/2/3 wanted by 0/1/1/1) <- differs"
            in output)
    # SIT: wanted 1 and 2: the lower median (1) equals isac.yaml, so no difference is flagged.
    assert "ambition SIT: isac.yaml 1, participants propose 1 (median 1.5; level 0/1/2/3 wanted by 0/1/1/0) Policy (5)" in output
    dutch = " ".join(invoke("check", str(root), "--as-of", AS_OF.isoformat(), "--lang", "nl").output.split())
    assert "SIT-1.1: ja 1 · deels 1 · nee 1 · geen antwoord 0" in dutch and "mediaan 1,5" in dutch


def test_json_survey_validates_and_disagreements_go_both_ways(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"assessments/sa.md": SELF_ASSESSMENT})
    data = json.loads(invoke("check", str(root), "--as-of", AS_OF.isoformat(), "--format", "json").output)
    jsonschema.validate(data, load_schema("output"))
    sit = next(a for a in data["survey"]["answers"] if a["question"] == "SIT-1.1")
    assert sit == {"question": "SIT-1.1", "yes": 1, "no": 0 + 1, "partly": 1, "unanswered": 0}
    assert [p["capability"] for p in data["survey"]["ambition"] if p["differs"]] == ["STR"]
    # STR-1.1 holds by evidence (isac.yaml purpose) and the participants said yes: no disagreement; a "no"
    # majority on a question the documents show is reported the other way round.
    root2 = make_repo({"assessments/sa.md": SELF_ASSESSMENT.replace('STR-1.1: {Alpha: "yes", Beta: "yes"}',
                                                                    'STR-1.1: {Alpha: "no", Beta: "no"}')})
    data2 = json.loads(invoke("check", str(root2), "--as-of", AS_OF.isoformat(), "--format", "json").output)
    assert {"question": "STR-1.1", "self_assessment": "no", "evidence": True} in data2["disagreements"]


def test_survey_numbers_are_withheld_above_the_tlp_ceiling(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"assessments/sa.md": SELF_ASSESSMENT})
    data = json.loads(invoke("check", str(root), "--as-of", AS_OF.isoformat(), "--format", "json",
                             "--tlp", "GREEN").output)
    assert data["survey"] is None and data["withheld"] >= 1
    red = make_repo({"assessments/sa.md": SELF_ASSESSMENT.replace("AMBER", "RED")})
    assert json.loads(invoke("check", str(red), "--as-of", AS_OF.isoformat(), "--format", "json").output)["survey"] is None


def test_report_has_a_bar_per_attested_question(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo({"assessments/sa.md": SELF_ASSESSMENT})
    html = invoke("report", "-o", "-", str(root), "--year", "2026", "--as-of", AS_OF.isoformat(), "--lang", "en").output
    attested = [r.id for r in PACK.rules if r.attestation != "never"]
    assert html.count('<div class="answers"') == len(attested)
    assert 'aria-label="yes 1, partly 1, no 1, no answer 0"' in html
    assert "(differs)" in html
    md = invoke("report", "-o", "-", str(root), "--year", "2026", "--as-of", AS_OF.isoformat(), "--format", "md",
                "--lang", "nl").output
    assert "`█▒░`" in md and "Zelfevaluatie in cijfers" in md


def test_title_rows_above_the_form_header_are_reported_not_read(repo: Path, tmp_path: Path) -> None:
    table = [["Zelfevaluatie 2026"], ["Organisation", "SIT-1.1"], ["Alpha", "ja"]]
    result = run_import(repo, write_csv(tmp_path / "f.csv", table))
    assert "f.csv:1: info: a row above the column headers; not read" in result.output
    assert imported(repo)["answers"] == {"SIT-1.1": {"Alpha": "yes"}}


def test_file_names_in_the_document_stay_on_one_line(repo: Path, tmp_path: Path) -> None:
    from isaccheck.repository import load_profile
    from isaccheck.surveyimport import build
    from isaccheck.tlp import Label

    path = write_csv(tmp_path / "f.csv", [["Organisation", "SIT-1.1"], ["Alpha", "ja"]])
    profile, _ = load_profile(SURVEY_PROFILE)
    done = build([path], ["a\nTLP:CLEAR\n`x`.csv"], PACK, profile, DATE, Label.AMBER, "en")
    assert "\nTLP:CLEAR" not in done.text and "- `a\\x0aTLP:CLEAR\\x0a'x'.csv`" in done.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400) | st.text(alphabet=";,\t\"\n\r abSIT-1.2janeeé\ufeff|", max_size=300).map(
    lambda t: t.encode("utf-8")))
def test_any_bytes_are_reported_never_a_crash(tmp_path: Path, data: bytes) -> None:
    from isaccheck.repository import load_profile
    from isaccheck.surveyimport import build
    from isaccheck.tlp import Label

    path = tmp_path / "any.csv"
    path.write_bytes(data)
    profile, _ = load_profile(SURVEY_PROFILE)
    done = build([path], ["any.csv"], PACK, profile, DATE, Label.AMBER, "nl")
    yaml.safe_load(done.text.split("---\n")[1])  # whatever came in, the document is valid YAML


def test_a_profile_linked_out_of_the_repository_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(SURVEY_PROFILE, encoding="utf-8")
    root = tmp_path / "linked"
    root.mkdir()
    (root / "isac.yaml").symlink_to(outside)
    good = write_csv(tmp_path / "good.csv", [["Organisation", "SIT-1.1"], ["Gamma", "ja"]])
    result = run_import(root, good)
    assert result.exit_code == 2 and "link out of the repository" in result.output
    assert not (root / "assessments").exists()


def test_without_isac_yaml_nothing_is_written(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "good.csv", [["Organisation", "SIT-1.1"], ["Gamma", "ja"]])
    result = run_import(tmp_path / "nowhere", good)
    assert result.exit_code == 2 and "isac.yaml" in result.output and "Traceback" not in result.output


def test_a_workbook_that_unpacks_too_far_is_refused(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    import isaccheck.surveyimport as surveyimport

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["Organisation", "SIT-1.1"], ["Alpha", "ja"], ["Beta", "ja"]]:
        sheet.append(row)
    path = tmp_path / "big.xlsx"
    book.save(path)
    monkeypatch.setattr(surveyimport, "MAX_UNPACKED_BYTES", 1000)
    assert "big.xlsx: warning: unpacks to" in run_import(repo, path).output
    monkeypatch.setattr(surveyimport, "MAX_UNPACKED_BYTES", 10**9)
    monkeypatch.setattr(surveyimport, "MAX_ROWS", 2)
    assert "big.xlsx: warning: more than 2 rows; not read" in run_import(repo, path).output


def test_a_workbook_with_broken_xml_is_reported(repo: Path, tmp_path: Path) -> None:
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    source = tmp_path / "ok.xlsx"
    book.save(source)
    broken = tmp_path / "broken-xml.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                content = b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><worksheet>&a;&a;</worksheet"
            dst.writestr(info.filename, content)
    result = run_import(repo, broken)
    assert result.exit_code == 2 and "broken-xml.xlsx: warning: not a readable xlsx workbook" in result.output


def test_the_import_says_how_it_read_a_form(repo: Path, tmp_path: Path) -> None:
    table = [["Organisatie", "SIT-1.1", "SIT-1.1 opmerking", "SIT ambitie"], ["Alpha", "ja", "", "2"]]
    result = invoke("survey", "import", str(write_csv(tmp_path / "f.csv", table)), "--root", str(repo),
                    "--lang", "nl", "--date", DATE.isoformat())
    assert "f.csv:1: info: gelezen als één rij per respondent: kolommen voor vragen 1, voor opmerkingen 1, voor de ambitie 1" in result.output
    assert "geschreven: 1 respondent, 1 antwoord" in result.output


WRITTEN = {"yes": ["Ja", "yes", "JA", "Y"], "no": ["nee", "No", "N"], "partly": ["Deels", "gedeeltelijk", "Partly"],
           "": ["", "Weet niet", "don't know"]}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(ATTESTED_ONLY + ["STR-1.1", "WOW-2.4"]), st.sampled_from(sorted(WRITTEN)),
                          st.integers(0, 3)), min_size=3, max_size=3 * 5),
       st.randoms(use_true_random=False))
def test_round_trip_property_answers_come_back_as_given(tmp_path_factory: pytest.TempPathFactory,
                                                        picks: list[tuple[str, str, int]], rnd) -> None:
    from isaccheck.repository import load_profile
    from isaccheck.surveyimport import build
    from isaccheck.tlp import Label

    orgs = ["Alpha", "Beta", "Gamma"]
    questions = sorted({q for q, _, _ in picks})
    chosen = {(orgs[i % 3], q): a for i, (q, a, _) in enumerate(picks)}
    table = [["Organisation", *questions]]
    for org in orgs:
        table.append([org, *[rnd.choice(WRITTEN[chosen.get((org, q), "")]) for q in questions]])
    path = write_csv(tmp_path_factory.mktemp("prop") / "f.csv", table, delimiter=rnd.choice([",", ";", "\t"]),
                     bom=rnd.random() < 0.5)
    profile, _ = load_profile(SURVEY_PROFILE)
    done = build([path], ["f.csv"], PACK, profile, DATE, Label.AMBER, "en")
    doc = yaml.safe_load(done.text.split("---\n")[1])
    expected: dict[str, dict[str, str]] = {}
    for (org, q), answer in chosen.items():
        if answer:
            expected.setdefault(q, {})[org] = answer
    assert {q: dict(v) for q, v in doc["answers"].items()} == expected


def test_a_column_without_header_but_with_answers_is_reported(repo: Path, tmp_path: Path) -> None:
    table = [["Organisation", "SIT-1.1", ""], ["Alpha", "ja", "ja"], ["Beta", "ja", ""]]
    result = run_import(repo, write_csv(tmp_path / "f.csv", table))
    assert "f.csv:1: warning: column 3 has no header but 1 filled cell; ignored" in result.output


def test_survey_numbers_of_a_self_assessment_with_an_unreadable_label_are_withheld(
        make_repo: Callable[..., Path]) -> None:
    root = make_repo({"assessments/sa.md": SELF_ASSESSMENT.replace("tlp: AMBER", "tlp: PURPLE")})
    data = json.loads(invoke("check", str(root), "--as-of", AS_OF.isoformat(), "--format", "json").output)
    assert data["survey"] is None and data["withheld"] >= 1


def test_dutch_forms_xlsx_with_real_times_later_response_wins(repo: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    header, *_ = forms_export("nl", [], ["SIT-1.1"])
    sheet.append(header)
    sheet.append([1, dt.datetime(2026, 5, 3, 9), dt.datetime(2026, 5, 3, 9, 30), "ann@alpha.example", "Ann", "Nee"])
    sheet.append([2, dt.datetime(2026, 5, 1, 9), dt.datetime(2026, 5, 1, 9, 30), "an@alpha.example", "An", "Ja"])
    path = tmp_path / "Zelfevaluatie(1-2).xlsx"
    book.save(path)
    result = run_import(repo, path)
    assert "Alpha answered twice" in result.output and ":2) counts" in result.output
    assert imported(repo)["answers"] == {"SIT-1.1": {"Alpha": "no"}}
