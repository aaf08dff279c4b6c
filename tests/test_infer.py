"""isaccheck.infer: fields from document text, each with where it came from (issue 10, points 2-3).

Hand-made StructuredDocuments stand for every format (headers and footers as Word and PDF give
them); Markdown goes through the real reader. Data-driven where the pattern is a table of cases.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from isaccheck.infer import ParticipantMatcher, guess_type, infer_document, infer_tlp, normalise_name
from isaccheck.infer.dates import date_from_path, find_dates, year_from_folder
from isaccheck.read import read_document
from isaccheck.read.model import Block, Location, StructuredDocument
from isaccheck.repository import load_repository
from isaccheck.runner import check
from isaccheck.sources import WorkingTreeSource

PARTICIPANTS = [
    {"organisation": "Havenbedrijf Rotterdam", "aliases": ["Port of Rotterdam"],
     "representative": {"name": "Ann Chair"}},
    {"organisation": "Gemeente Utrecht"},
    {"organisation": "Acme Security B.V."},
]
MATCHER = ParticipantMatcher(PARTICIPANTS)


def md(text: str, path: str = "notulen/x.md") -> StructuredDocument:
    doc = read_document(path, text.encode())
    assert isinstance(doc, StructuredDocument)
    return doc


def blocks(*spec: tuple[str, str] | tuple[str, str, int], path: str = "x.pdf") -> StructuredDocument:
    """Blocks as a PDF or Word reader gives them: one per page/paragraph, numbered by page."""
    made = []
    for index, item in enumerate(spec, start=1):
        kind, text = item[0], item[1]
        level = item[2] if len(item) > 2 else (1 if kind == "heading" else 0)
        rows: tuple[tuple[str, ...], ...] = ()
        if kind == "table":
            rows = tuple(tuple(c.strip() for c in r.split("|")) for r in text.split("\n"))
        made.append(Block(kind, text, Location(page=index), level=level, rows=rows))  # type: ignore[arg-type]
    return StructuredDocument(path, "pdf", tuple(made))


def only(doc: StructuredDocument, doc_type: str = "minutes") -> Any:
    found = infer_document(doc, doc_type, MATCHER)
    return found[0]


# -- dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-12", "2025-03-12"),
    ("20161116", "2016-11-16"),
    ("2019-5-29", "2019-05-29"),
    ("2019-5-29-19", "2019-05-29"),
    ("12-03-2025", "2025-03-12"),  # Dutch: day first
    ("12 maart 2025", "2025-03-12"),
    ("dinsdag 12 maart 2025", "2025-03-12"),
    ("March 12, 2025", "2025-03-12"),
    ("April 24 2019", "2019-04-24"),
    ("24 April 2019", "2019-04-24"),
    ("2022-06-02 13:04:00 +0200", "2022-06-02"),
    ("2022-06-02T13:04:00Z", "2022-06-02"),
    ("2025-Q1", "2025-03-31"),
])
def test_date_forms(text: str, expected: str) -> None:
    (found,) = find_dates(text)
    assert found.date.isoformat() == expected


@pytest.mark.parametrize("text", ["2025-02-30", "31-13-2025", "version 1.2.3", "KvK 12345678", "0001-01-01"])
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_quarter_is_a_period() -> None:
    (found,) = find_dates("2025-Q1-report")
    assert found.period == "2025-Q1" and found.date == dt.date(2025, 3, 31)


@pytest.mark.parametrize(("path", "expected"), [
    ("notulen/notulen-20161116.pdf", "2016-11-16"),
    ("minutes/2019-5-29-19.md", "2019-05-29"),
    ("minutes/April 24 2019.docx", "2019-04-24"),
    ("meetings/2025-03-12/minutes.md", "2025-03-12"),
    ("reports/2025-Q1-report.md", "2025-03-31"),
    ("notulen/verslag.pdf", None),
])
def test_date_from_path(path: str, expected: str | None) -> None:
    found = date_from_path(path)
    assert (found.date.isoformat() if found else None) == expected


def test_year_folder_is_a_period() -> None:
    found = year_from_folder("archief/2019/notulen.pdf")
    assert found is not None and found.period == "2019" and found.date == dt.date(2019, 12, 31)


@pytest.mark.parametrize(("line", "expected"), [
    ("Datum: 12 maart 2025", "2025-03-12"),
    ("Date: March 12, 2025", "2025-03-12"),
    ("Meeting Date: May 29, 2024", "2024-05-29"),
    ("**Datum vergadering:** 12-03-2025", "2025-03-12"),
])
def test_body_date_line_comes_first(line: str, expected: str) -> None:
    doc = blocks(("heading", "Notulen"), ("paragraph", line), path="notulen/2020-01-01.pdf")
    found = only(doc)
    assert found.fields["date"].value == expected
    assert found.fields["date"].location == Location(page=2)
    # The file name said otherwise: a warning names both.
    (note,) = [n for n in found.notes if n.code == "date-disagree"]
    assert "2020-01-01" in note.en and expected in note.en and "file name" in note.en


def test_date_order_heading_then_name_then_folder() -> None:
    heading = only(blocks(("heading", "12 maart 2025"), path="notulen/2025/x.pdf"))
    assert heading.fields["date"].value == "2025-03-12" and heading.fields["date"].how_en == "date heading"
    assert not heading.notes  # the year folder agrees
    named = only(blocks(("heading", "Notulen"), path="notulen/2018/notulen-20181010.pdf"))
    assert named.fields["date"].value == "2018-10-10" and named.fields["date"].location is None
    folder = only(blocks(("heading", "Notulen"), path="notulen/2018/notulen.pdf"))
    assert folder.fields["date"].value == "2018-12-31" and folder.fields["date"].how_en == "year folder"


def test_year_folder_disagreeing_is_a_warning() -> None:
    found = only(blocks(("paragraph", "Datum: 12 maart 2025"), path="archief/2019/notulen.pdf"))
    assert [n.code for n in found.notes] == ["date-disagree"]


# -- attendees ------------------------------------------------------------------------------------
ATTENDEE_CASES = {
    "bullets with organisation and role": (
        "# Notulen\n\n## Aanwezig\n\n- Jan Jansen (Havenbedrijf Rotterdam B.V., CISO)\n- Piet (Gemeente Utrecht)\n",
        ["Havenbedrijf Rotterdam", "Gemeente Utrecht"]),
    "numbered heading": (
        "# Minutes\n\n## 2.1 Participants\n\n- ACME SECURITY BV\n\n## 2.2 Absent\n\n- Gemeente Utrecht\n",
        ["Acme Security B.V."]),
    "members present and alias": (
        "# Minutes\n\n### Members present\n\n* Port of Rotterdam\n* Acme Security Inc.\n",
        ["Havenbedrijf Rotterdam", "Acme Security B.V."]),
    "inline list": ("Aanwezig: Gemeente Utrecht, Havenbedrijf Rotterdam en Acme Security\n\nAfwezig: niemand\n",
                    ["Gemeente Utrecht", "Havenbedrijf Rotterdam", "Acme Security B.V."]),
    "table with mark column": (
        "## Attendance\n\n| Name | Company | Present |\n|---|---|---|\n| Ann | Port of Rotterdam | X |\n"
        "| Bob | Gemeente Utrecht |  |\n| Cee | Acme Security | ✓ |\n",
        ["Havenbedrijf Rotterdam", "Acme Security B.V."]),
    "table with unnamed mark column": (
        "## Aanwezigen\n\n| Organisatie | 12-03 |\n|---|---|\n| Gemeente Utrecht | ja |\n| Acme Security | |\n",
        ["Gemeente Utrecht"]),
    "table with yes": (
        "## Attendees\n\n| Affiliation | Attended |\n|---|---|\n| Gemeente Utrecht | yes |\n| Acme Security | no |\n",
        ["Gemeente Utrecht"]),
    "person name of a representative": ("## Present\n\n- Ann Chair\n", ["Havenbedrijf Rotterdam"]),
    "fuzzy": ("## Deelnemers\n\n- Gemeente Utrect\n", ["Gemeente Utrecht"]),
    "bold label paragraph": ("**Aanwezig:**\n\n- Gemeente Utrecht\n\n**Afgemeld:**\n\n- Acme Security\n",
                             ["Gemeente Utrecht"]),
}


@pytest.mark.parametrize("case", sorted(ATTENDEE_CASES))
def test_attendees(case: str) -> None:
    text, expected = ATTENDEE_CASES[case]
    found = only(md(text))
    assert found.fields["attendees"].value == expected
    assert found.fields["attendees"].location is not None and found.fields["attendees"].location.line


def test_absent_sections_never_count() -> None:
    found = only(md("## Afwezig\n\n- Gemeente Utrecht\n\n## Apologies\n\n- Acme Security\n"))
    assert "attendees" not in found.fields


def test_unmatched_attendee_is_listed() -> None:
    found = only(md("## Aanwezig\n\n- Jan (Onbekend Bedrijf)\n- Gemeente Utrecht\n"))
    assert found.fields["attendees"].value == ["Gemeente Utrecht"]
    (note,) = found.notes
    assert note.code == "unmatched-attendee" and note.severity == "info" and "Onbekend Bedrijf" in note.en
    assert note.location == Location(line=3)


@pytest.mark.parametrize(("a", "b"), [("ACME B.V.", "Acme bv"), ("Acme Ltd.", "acme"), ("Acme GmbH", "ACME AG"),
                                      ("Acme, Inc.", "Acme"), ("Acme N.V.", "acme")])
def test_legal_suffixes_and_case_are_one_name(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_fuzzy_threshold_refuses_other_organisations() -> None:
    matcher = ParticipantMatcher([{"organisation": "Waterschap Rivierenland"}, {"organisation": "Waternet"}])
    assert matcher.match("Waterschap Rivierenlnd").organisation == "Waterschap Rivierenland"
    assert matcher.match("Waterschap").organisation is None


# -- agenda and actions -----------------------------------------------------------------------------
def test_agenda_section_in_minutes_is_the_meetings_agenda() -> None:
    minutes, agenda = infer_document(md(
        "# Notulen\n\nDatum: 12 maart 2025\n\n## Agenda\n\n1. Opening\n2. Rondje rood\n3. Rondvraag\n"), "minutes", MATCHER)
    assert agenda.type == "agenda" and agenda.fields["items"].value == ["Opening", "Rondje rood", "Rondvraag"]
    assert agenda.fields["date"].value == "2025-03-12" and agenda.fields["items"].location == Location(line=5)


@pytest.mark.parametrize(("item", "expected"), [
    ("Secretaris: verslag rondsturen", {"action": "verslag rondsturen", "owner": "Secretaris"}),
    ("Update the threat picture (owner: Acme)", {"action": "Update the threat picture", "owner": "Acme"}),
    ("Dreigingsbeeld bijwerken [Gemeente Utrecht]", {"action": "Dreigingsbeeld bijwerken", "owner": "Gemeente Utrecht"}),
    ("Nobody's job yet", {"action": "Nobody's job yet"}),
])
def test_action_owner_where_written(item: str, expected: dict[str, str]) -> None:
    found = only(md(f"## Actiepunten\n\n- {item}\n"))
    assert found.fields["actions"].value == [expected]


def test_action_table() -> None:
    found = only(md("## Action items\n\n| Action | Owner | Due |\n|---|---|---|\n| Send minutes | Secretary | 1 April 2025 |\n"))
    assert found.fields["actions"].value == [{"action": "Send minutes", "owner": "Secretary", "due": "2025-04-01"}]


def test_agenda_document_items() -> None:
    found = only(md("# Agenda plenair 12 maart 2025\n\n1. Opening\n2. Dreigingsbeeld\n"), "agenda")
    assert found.fields["items"].value == ["Opening", "Dreigingsbeeld"]
    assert found.fields["date"].value == "2025-03-12"


# -- TLP --------------------------------------------------------------------------------------------
TLP_CASES = [
    ("metadata line", [("metadata", "Classification: TLP:AMBER")], "AMBER"),
    ("Dutch classification", [("paragraph", "Classificatie: TLP:ROOD")], "RED"),
    ("footer status line", [("paragraph", "text"), ("footer", "Status: Final / TLP: GREEN")], "GREEN"),
    ("page header", [("header", "TLP:AMBER+STRICT"), ("paragraph", "text")], "AMBER+STRICT"),
    ("emoji", [("header", "🟠 TLP:AMBER")], "AMBER"),
    ("most restrictive wins", [("header", "TLP:GREEN"), ("heading", "Rondje rood (TLP:RED)")], "RED"),
    ("requirement heading is prose", [("heading", "Requirement 5: TLP:AMBER and TLP:RED"), ("paragraph", "x")], None),
    ("placeholder is prose", [("paragraph", "[TLP:CLEAR / TLP:AMBER / TLP:RED]")], None),
    ("feed list is prose", [("list_item", "TLP:CLEAR feed"), ("list_item", "TLP:GREEN feed"),
                            ("list_item", "TLP:AMBER feed"), ("list_item", "TLP:RED feed")], None),
    ("explanation is prose", [("paragraph", "We explain what TLP:RED means for members.")], None),
    ("none", [("paragraph", "no label here")], None),
]


@pytest.mark.parametrize(("case", "spec", "expected"), TLP_CASES, ids=[c[0] for c in TLP_CASES])
def test_tlp_markings_not_mentions(case: str, spec: list[tuple[str, str]], expected: str | None) -> None:
    label, _ = infer_tlp(blocks(*spec).blocks)
    assert (label.value if label else None) == expected
    if label is not None:
        assert label.location is not None and label.location.page is not None


def test_tlp_in_markdown_joined_paragraph() -> None:
    label, _ = infer_tlp(md("Datum: 12 maart 2025\nClassificatie: TLP:AMBER\n\nTekst.\n").blocks)
    assert label is not None and label.value == "AMBER" and label.location == Location(line=2)


def test_unreadable_marking_counts_as_red() -> None:
    label, notes = infer_tlp(blocks(("header", "TLP:PURPLE")).blocks)
    assert label is not None and label.value == "RED" and notes[0].code == "tlp-invalid"


# -- guidelines, charter, signatures ------------------------------------------------------------------
def test_guideline_sections_and_signatures() -> None:
    found = only(md(
        "# Deelnemersregels\n\n## Toetredingscriteria\n\nAlleen havenbedrijven.\n\n## Confidentiality\n\nTLP applies.\n\n"
        "## Ondertekening\n\n| Organisatie | Naam | Datum |\n|---|---|---|\n| Gemeente Utrecht | P. Jansen | 3 maart 2025 |\n"
        "| Nergens BV | X | 2025-03-04 |\n"), "membership-guidelines")
    assert found.fields["sections.admission_criteria"].value == "Alleen havenbedrijven."
    assert found.fields["sections.confidential_information"].value == "TLP applies."
    assert found.fields["signatures"].value == [
        {"organisation": "Gemeente Utrecht", "signed_by": "P. Jansen", "signed_on": "2025-03-03"},
        {"organisation": "Nergens BV", "signed_by": "X", "signed_on": "2025-03-04"}]
    assert [n.code for n in found.notes] == ["unmatched-attendee"]


@pytest.mark.parametrize("heading", ["Mission", "Doel", "2. Purpose", "Missie"])
def test_charter_purpose_by_heading(heading: str) -> None:
    found = only(md(f"# Charter\n\n## {heading}\n\nWe share.\n"), "charter")
    assert found.fields["purpose"].value == "We share."


# -- several meetings in one file ---------------------------------------------------------------------
def test_yearly_notes_file_splits_by_date_headings() -> None:
    doc = md("# Notes 2024\n\n## 2024-12-10\n\nAttendees: Gemeente Utrecht\n\n## 2024-11-26 (cancelled)\n\n"
             "## 26 november 2024 geannuleerd\n\n## 2024-10-01\n\nPresent: Acme Security\n", "notes/2024.md")
    found = infer_document(doc, "minutes", MATCHER)
    assert [(f.fields["date"].value, f.fields["attendees"].value) for f in found] == [
        ("2024-12-10", ["Gemeente Utrecht"]), ("2024-10-01", ["Acme Security B.V."])]
    assert found[1].fields["date"].location == Location(line=11)
    cancelled = [n for f in found for n in f.notes if n.code == "cancelled-meeting"]
    assert len(cancelled) == 2 and all(n.severity == "info" for n in cancelled)


def test_one_date_heading_is_not_a_split() -> None:
    (found,) = infer_document(md("# 2024-12-10\n\nPresent: Acme Security\n"), "minutes", MATCHER)
    assert found.part is None and found.fields["date"].value == "2024-12-10"


# -- type guess ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "expected", "confidence"), [
    ("notulen/2025-03-12.pdf", "minutes", "low"),
    ("notulen/notulen-2025-03-12.docx", "minutes", "high"),
    ("vergaderingen/agenda-2025-03-12.docx", "agenda", "medium"),
    ("governance/Deelnemersregels.pdf", "membership-guidelines", "medium"),
    ("plans/jaarverslag-2024.pdf", "accountability-report", "medium"),
    ("README.md", None, None),
])
def test_type_guess(path: str, expected: str | None, confidence: str | None) -> None:
    guess = guess_type(path)
    assert (guess.type if guess else None) == expected
    assert (guess.confidence if guess else None) == confidence


# -- in the load stage and the outputs ---------------------------------------------------------------
PROFILE = """\
isac:
  name: Infer-ISAC
  language: en
  meeting_frequency_months: 3
participants:
  - organisation: Alpha
    aliases: [Alpha Water Inc.]
  - organisation: Beta
"""
MINUTES = "# Minutes\n\nMeeting Date: May 29, 2026\nClassification: TLP:AMBER\n\n## Attendance\n\n- Alpha Water Inc.\n- Beta\n"


def _load(root: Path, infer: bool = True) -> Any:
    return load_repository(WorkingTreeSource(root), infer=infer)


def test_markdown_without_frontmatter_becomes_document(make_repo) -> None:
    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES}, profile=PROFILE)
    repo = _load(root)
    (doc,) = repo.documents
    assert (doc.type, doc.date, doc.tlp, doc.meta["attendees"]) == ("minutes", dt.date(2026, 5, 29), "AMBER", ["Alpha", "Beta"])
    assert doc.inferred["attendees"].en == "line 6 (attendance section)"
    assert doc.inferred["date"].nl == "regel 3 (datumregel)"
    assert doc.line_of("attendees") == 6


def test_no_infer_is_todays_strict_behaviour(make_repo) -> None:
    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES}, profile=PROFILE)
    assert _load(root, infer=False).documents == ()


def test_frontmatter_wins_and_is_not_inferred(make_repo) -> None:
    root = make_repo({"minutes/m.md": "---\ntype: minutes\ndate: 2026-01-01\ntlp: GREEN\n---\n" + MINUTES},
                     profile=PROFILE)
    (doc,) = _load(root).documents
    assert doc.date == dt.date(2026, 1, 1) and doc.inferred == {} and "attendees" not in doc.meta


def test_glob_values_win_over_inferred_but_the_label_fails_closed(make_repo) -> None:
    root = make_repo({"archive/a.md": MINUTES.replace("TLP:AMBER", "TLP:RED"), "archive/b.md": "# Minutes 2026-05-01\n",
                      "isaccheck.yaml": "types:\n  - {glob: 'archive/*.md', type: minutes, tlp: GREEN, date: 2026-04-01}\n"},
                     profile=PROFILE)
    a, b = _load(root).documents
    assert a.tlp == "RED" and a.date == dt.date(2026, 4, 1) and not a.tlp_declared_only
    assert b.tlp == "GREEN" and b.tlp_declared_only  # declared on the glob, not written in the minutes


def test_undated_document_is_a_finding_and_unknown_docx_is_named(make_repo) -> None:
    root = make_repo({"notulen/verslag.md": "# Verslag\n\nAanwezig: Beta\n", "stukken/brief.docx": b"PK\x03\x04"},
                     profile=PROFILE)
    repo = _load(root)
    codes = {(f.path, f.code, f.severity.value) for f in repo.findings}
    assert ("notulen/verslag.md", "infer-no-date", "warning") in codes
    assert ("stukken/brief.docx", "not-a-document", "info") in codes


def test_same_meeting_twice_counts_once_with_info(make_repo) -> None:
    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES,
                      "minutes/notes-2026.md": "# Notes\n\n## 2026-05-29\n\nPresent: Beta\n\n## 2026-03-01\n\nPresent: Beta\n",
                      "isaccheck.yaml": "types:\n  - {glob: 'minutes/notes-*.md', type: minutes}\n"}, profile=PROFILE)
    repo = _load(root)
    (info,) = [f for f in repo.findings if f.code == "same-meeting"]
    assert "minutes/2026-05-29-minutes.md" in info.message.en or "minutes/notes-2026.md" in info.message.en
    run = check(root, dt.date(2026, 6, 30), git="off")
    assert run.evaluation.document_count == 3


def test_jekyll_timestamp_in_frontmatter_is_a_date(make_repo) -> None:
    root = make_repo({"m.md": "---\ntype: minutes\ndate: 2022-06-02 13:04:00 +0200\ntlp: GREEN\n---\nx\n"}, profile=PROFILE)
    repo = _load(root)
    (doc,) = repo.documents
    assert doc.date == dt.date(2022, 6, 2) and doc.valid and not repo.findings


def test_evidence_json_and_reason_say_inferred(make_repo) -> None:
    from isaccheck.reporters import get_reporter
    from isaccheck.reporters import RenderOptions

    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES}, profile=PROFILE)
    run = check(root, dt.date(2026, 6, 30), git="off")
    holding = [q for q in run.evaluation.questions if q.outcome.holds and any(e.path != "." for e in q.evidence)]
    assert {q.id for q in holding} >= {"STR-1.3", "WOW-1.2"}
    assert all("only on values inferred" in q.reason.en for q in holding)
    data = json.loads(get_reporter("json").render(run.evaluation, run.pack, RenderOptions(lang="en")))
    refs = [e for q in data["questions"] for e in q["evidence"]]
    assert any(e.get("inferred", "").startswith("inferred from minutes/2026-05-29-minutes.md: ") for e in refs)


# -- types: globs and fields -------------------------------------------------------------------------
def test_types_entry_sets_any_schema_field_and_is_validated(make_repo) -> None:
    from isaccheck.errors import ConfigError

    root = make_repo({"shared/2026-01-05-advisory.md": "# Advisory\n\nTLP:GREEN\n",
                      "isaccheck.yaml": "types:\n  - {glob: 'shared/*.md', type: shared-information, level: tactical}\n"},
                     profile=PROFILE)
    (doc,) = _load(root).documents
    assert doc.meta["level"] == "tactical" and "level" not in doc.inferred
    bad = make_repo({"isaccheck.yaml": "types:\n  - glob: 'shared/*.md'\n    type: shared-information\n    level: 7\n"},
                    profile=PROFILE)
    with pytest.raises(ConfigError) as exc:
        _load(bad)
    assert exc.value.path == "isaccheck.yaml" and exc.value.line == 4 and "types.0.level" in str(exc.value)


def test_glob_character_classes_and_unused_glob_warning(make_repo) -> None:
    root = make_repo({"notulen/2025/a-2025-03-12.md": MINUTES, "notulen/old/b-2025-03-13.md": MINUTES,
                      "isaccheck.yaml": "types:\n  - {glob: 'notulen/20[0-9][0-9]/**/*.md', type: minutes}\n"
                                        "  - {glob: 'verslagen/*.pdf', type: minutes}\n"}, profile=PROFILE)
    repo = _load(root, infer=False)
    assert [d.path for d in repo.documents] == ["notulen/2025/a-2025-03-12.md"]
    (unused,) = [f for f in repo.findings if f.code == "glob-unused"]
    assert unused.path == "isaccheck.yaml" and unused.line == 3 and "verslagen/*.pdf" in unused.message.en


def test_cli_no_infer(make_repo) -> None:
    from click.testing import CliRunner

    from isaccheck.cli import cli

    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES}, profile=PROFILE)
    args = ["check", str(root), "--as-of", "2026-06-30", "--no-git", "--format", "json"]
    inferred = json.loads(CliRunner().invoke(cli, args).stdout)
    strict = json.loads(CliRunner().invoke(cli, [*args, "--no-infer"]).stdout)
    assert inferred["summary"]["documents"] == 1 and strict["summary"]["documents"] == 0
    again = json.loads(CliRunner().invoke(cli, args).output)  # --no-infer holds for one invocation only
    assert again["summary"]["documents"] == 1


# -- isaccheck adopt ---------------------------------------------------------------------------------
def test_adopt_lists_and_writes_sidecars_for_review(make_repo) -> None:
    from click.testing import CliRunner

    from isaccheck.cli import cli
    from tests.conftest import snapshot

    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES,
                      "minutes/notes-2026.md": "# Notes\n\n## 2026-05-29\n\nPresent: Beta\n\n## 2026-03-01\n\nPresent: Beta\n",
                      "misc/unknown.txt": "hello\n",
                      "governance/charter.md": "---\ntype: charter\npurpose: x\n---\n"}, profile=PROFILE)
    before = snapshot(root)
    listed = json.loads(CliRunner().invoke(cli, ["adopt", str(root), "--format", "json"]).output)
    assert snapshot(root) == before  # without --write nothing is written
    from isaccheck.schemas import validator_for

    assert listed["schema_version"] == "1.0" and not list(validator_for("adopt").iter_errors(listed))
    by_path = {f["path"]: f for f in listed["files"]}
    assert sorted(by_path) == ["minutes/2026-05-29-minutes.md", "minutes/notes-2026.md", "misc/unknown.txt"]
    first = by_path["minutes/2026-05-29-minutes.md"]
    assert (first["type"], first["confidence"]) == ("minutes", "high")
    assert first["documents"][0]["fields"]["attendees"] == {"value": ["Alpha", "Beta"], "line": 6, "page": None,
                                                            "part": None, "how": "attendance section"}
    assert by_path["misc/unknown.txt"]["type"] is None
    text = CliRunner().invoke(cli, ["adopt", str(root), "--write", "--lang", "nl"]).output
    assert "geschreven: minutes/2026-05-29-minutes.md.meta.yaml" in text
    assert "meerdere bijeenkomsten in één bestand" in text and "type onbekend" in text
    sidecar = (root / "minutes/2026-05-29-minutes.md.meta.yaml").read_text(encoding="utf-8")
    assert "# attendees: regel 6 (aanwezigheidssectie)" in sidecar and "- Alpha" in sidecar
    assert (root / "minutes/2026-05-29-minutes.md").read_text(encoding="utf-8") == MINUTES  # original untouched
    # The reviewed sidecar is a valid document; a second --write never overwrites it.
    (doc,) = [d for d in _load(root, infer=False).documents if d.path == "minutes/2026-05-29-minutes.md"]
    assert doc.valid and doc.meta["attendees"] == ["Alpha", "Beta"] and doc.tlp == "AMBER"
    again = CliRunner().invoke(cli, ["adopt", str(root), "--write"]).output
    assert "minutes/2026-05-29-minutes.md:" not in again  # a document now, no longer a candidate


# -- what the bundled archives showed -----------------------------------------------------------------
def test_label_paragraph_holds_only_what_follows_it() -> None:
    found = only(md("Aanwezig:\n\n- Gemeente Utrecht\n\nAgenda: opening, rondvraag.\n\nEerste overleg na de start.\n"))
    assert found.fields["attendees"].value == ["Gemeente Utrecht"] and not found.notes


@pytest.mark.parametrize("item", ["Oefening najaar voorbereiden: Ann Chair", "Checklist versturen: Sanne de Wit",
                                  "Overzicht aanvullen: alle deelnemers"])
def test_action_owner_after_the_colon(item: str) -> None:
    (action,) = only(md(f"## Actiepunten\n\n- {item}\n")).fields["actions"].value
    assert item == f"{action['action']}: {action['owner']}"


def test_word_attendance_table_under_aanwezigheid_and_properties() -> None:
    doc = StructuredDocument("notulen/verslag.docx", "docx", (
        Block("header", "TLP:AMBER", Location(part="header (section 1)")),
        Block("heading", "Verslag", Location(part="paragraph 1"), level=1),
        Block("heading", "Aanwezigheid", Location(part="paragraph 2"), level=2),
        Block("table", "", Location(part="table 1"), rows=(("Naam", "Organisatie", "Aanwezig"),
                                                            ("P", "Gemeente Utrecht", "X"), ("Q", "Acme Security", "")))),
        properties=(("created", "2025-06-19T09:00:00+00:00"),))
    found = only(doc)
    assert found.fields["attendees"].value == ["Gemeente Utrecht"]
    assert found.fields["tlp"].location == Location(part="header (section 1)")
    assert found.fields["date"].value == "2025-06-19" and found.fields["date"].how_en == "document properties"


def test_properties_date_never_disagrees_and_dates_an_agendas_sending() -> None:
    doc = StructuredDocument("agenda.docx", "docx", (
        Block("paragraph", "Datum: 12 maart 2025", Location(part="paragraph 1")),
        Block("list_item", "Opening", Location(part="paragraph 2"))), properties=(("created", "2025-02-26T09:00:00Z"),))
    found = only(doc, "agenda")
    assert found.fields["date"].value == "2025-03-12" and not found.notes
    assert found.fields["issued_on"].value == "2025-02-26"
    sent = only(blocks(("paragraph", "Verzonden: 1 maart 2025"), ("paragraph", "Datum: 12 maart 2025")), "agenda")
    assert sent.fields["issued_on"].value == "2025-03-01" and sent.fields["issued_on"].location == Location(page=1)


def test_yearly_documents_get_their_year() -> None:
    plan = only(blocks(("heading", "Jaarplan 2025"), path="plannen/jaarplan 2025.pdf"), "annual-plan")
    assert plan.fields["year"].value == 2025 and plan.fields["date"].value == "2025-01-01"
    report = only(blocks(("heading", "Verantwoording"), path="jaarverslag-2024.pdf"), "accountability-report")
    assert report.fields["year"].value == 2024 and report.fields["date"].value == "2024-12-31"


def test_adopted_on_line_dates_guidelines() -> None:
    found = only(md("# Richtlijnen\n\nVersie 1.0, vastgesteld op 17 januari 2024.\n"), "membership-guidelines")
    assert found.fields["date"].value == "2024-01-17"


def test_incident_round_section_is_the_roundtable() -> None:
    found = only(md("## Rondje rood\n\n- Phishing met valse facturen (TLP:GREEN)\n- Ransomware bij een leverancier\n"))
    assert found.fields["roundtable"].value == [{"category": "Phishing met valse facturen", "tlp": "GREEN"},
                                                {"category": "Ransomware bij een leverancier"}]


# The measurement behind MATCH_THRESHOLD (isaccheck/infer/names.py): (written, participant, matches?).
FUZZY_PAIRS = [
    ("Gemeente Utrect", "Gemeente Utrecht", True), ("Waterschap Rivierenlnd", "Waterschap Rivierenland", True),
    ("Kwekerij Groene Polder", "Kwekerij De Groene Polder", True), ("North Quay Terminal", "North Quay Terminals", True),
    ("Pilot Cooperative", "Pilots Cooperative", True), ("Westland Kassen Cooperatie", "Westland Kassen Coöperatie", True),
    ("Agrologistiek Venray", "Agrologistiek Venlo", False), ("Gemeente Utrecht-West", "Gemeente Utrecht", False),
    ("Zuivelcooperatie Zuid", "Zuivelcooperatie Noord", False), ("Westside Container Services", "Eastside Container Services", False),
    ("Havenbedrijf R'dam", "Havenbedrijf Rotterdam", False), ("Waterschap", "Waternet", False),
]


@pytest.mark.parametrize(("written", "participant", "matches"), FUZZY_PAIRS)
def test_fuzzy_threshold_measurement(written: str, participant: str, matches: bool) -> None:
    found = ParticipantMatcher([{"organisation": participant}]).match(written)
    assert (found.organisation == participant) is matches


# -- never a traceback on odd text ---------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(alphabet=st.sampled_from(list("TLP:AMBERGREN/|()[]-,;:x✓ 0123456789QaanwezigDatum\n🟠#*")), max_size=60)
_BLOCK = st.builds(
    lambda kind, text, level, rows: Block(kind, text, Location(line=1), level=level, rows=rows if kind == "table" else ()),
    st.sampled_from(["heading", "paragraph", "list_item", "table", "header", "footer", "metadata"]), _TEXT,
    st.integers(0, 7), st.lists(st.lists(_TEXT, max_size=4).map(tuple), max_size=4).map(tuple))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BLOCK, max_size=12), st.sampled_from(["minutes", "agenda", "membership-guidelines", "charter",
                                                       "annual-plan", "situational-picture"]))
def test_inference_never_raises(spec: list[Block], doc_type: str) -> None:
    found = infer_document(StructuredDocument("x/2025-Q1 notulen.pdf", "pdf", tuple(spec)), doc_type, MATCHER)
    assert found and all(d.path == "x/2025-Q1 notulen.pdf" for d in found)


def test_missing_label_on_an_inferred_document_says_what_works(make_repo) -> None:
    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES.replace("Classification: TLP:AMBER\n", "")},
                     profile=PROFILE)
    (finding,) = [f for f in _load(root).findings if f.code == "tlp-missing"]
    assert "page header" in finding.message.en and "minutes/2026-05-29-minutes.md.meta.yaml" in finding.message.nl
    assert "frontmatter" not in finding.message.en


# -- the cache of inferred fields ------------------------------------------------------------------------
def test_inferred_fields_are_cached_by_content_and_path(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    import isaccheck.infer as infermod_

    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES, "minutes/2026-04-01-minutes.pdf": b"not a pdf"},
                     profile=PROFILE)
    first = _load(root)
    calls: list[str] = []
    real = infermod_.infer_document
    monkeypatch.setattr(infermod_, "infer_document", lambda doc, *a, **k: calls.append(doc.path) or real(doc, *a, **k))
    second = _load(root)
    assert second.documents == first.documents and second.findings == first.findings
    # The Markdown file came from the cache; the unreadable PDF is read (and named) again every run.
    assert calls == ["minutes/2026-04-01-minutes.pdf"]
    assert any(f.code.startswith("read-") and f.path == "minutes/2026-04-01-minutes.pdf" for f in second.findings)
    (root / "minutes/2026-05-29-minutes.md").write_text(MINUTES.replace("Beta", "Gamma"), encoding="utf-8")
    third = _load(root)
    assert "minutes/2026-05-29-minutes.md" in calls
    assert next(d for d in third.documents if d.path.endswith(".md")).meta["attendees"] == ["Alpha"]


@pytest.mark.parametrize("path", ["governance/platform-guidelines.md", "docs/code-review.md", "README.md", "notes.md"])
def test_no_type_guessed_from_generic_words(path: str) -> None:
    assert guess_type(path) is None


def test_report_shows_where_values_were_inferred() -> None:
    from click.testing import CliRunner

    from isaccheck.cli import cli

    root = Path(__file__).resolve().parent.parent / "evidence-examples" / "harbour-wg"
    result = CliRunner().invoke(cli, ["report", "-o", "-", str(root), "--year", "2024", "--format", "md", "--lang", "en",
                                      "--no-git"])
    assert result.exit_code == 0, result.output
    # Markdown output escapes the backticks around field names.
    assert "(inferred from minutes/2024-11-27-quarterly.md: \\`attendees\\` line 6 (attendance section)" in result.output


@pytest.mark.parametrize("command", [["tlp", "--format", "json"], ["validate", "--format", "json"]])
def test_no_infer_on_the_other_commands(make_repo, command: list[str]) -> None:
    from click.testing import CliRunner

    from isaccheck.cli import cli

    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES.replace("Beta", "Nobody Ltd")}, profile=PROFILE)
    args = [*command, "--root", str(root)] if command[0] == "validate" else [command[0], str(root), *command[1:]]
    inferred = json.loads(CliRunner().invoke(cli, args).stdout)
    strict = json.loads(CliRunner().invoke(cli, [*args, "--no-infer"]).stdout)
    if command[0] == "tlp":
        assert (inferred["documents"], strict["documents"]) == (1, 0)
    else:  # the attendee no participant matches is named only when the text is read
        assert [f["code"] for f in inferred["findings"]] == ["infer-unmatched-attendee"] and strict["findings"] == []


def test_caches_never_inside_the_checked_repository(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import snapshot

    root = make_repo({"minutes/2026-05-29-minutes.md": MINUTES, "notulen/verslag.html": "<h1>Notulen</h1>"},
                     profile=PROFILE)
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(root / ".cache"))
    before = snapshot(root)
    _load(root)
    assert snapshot(root) == before
