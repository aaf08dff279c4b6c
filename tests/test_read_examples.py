"""The example archives in real formats (evidence-examples/polder-isac, harbour-wg): reproducible
from tools/make_archive.py, and every file reads with its headings, tables and TLP markings where
they stand."""
from __future__ import annotations

import importlib.util
from importlib import metadata
import sys
from pathlib import Path

import pytest

from isaccheck.read import StructuredDocument, read_document

ROOT = Path(__file__).resolve().parent.parent
POLDER = ROOT / "evidence-examples" / "polder-isac"
HARBOUR = ROOT / "evidence-examples" / "harbour-wg"


def _make_archive() -> object:
    spec = importlib.util.spec_from_file_location("make_archive", ROOT / "tools" / "make_archive.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up by name.
    sys.modules.setdefault("make_archive", module)
    spec.loader.exec_module(module)
    return module


def read(root: Path, rel: str) -> StructuredDocument:
    result = read_document(rel, (root / rel).read_bytes())
    assert isinstance(result, StructuredDocument), result
    return result


def test_generated_files_are_committed_and_byte_reproducible(tmp_path: Path) -> None:
    tool = _make_archive()
    assert tool.main(["--out", str(tmp_path)]) == 0  # type: ignore[attr-defined]
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(made) == 7
    # Bytes are compared where the generating libraries are the versions the files were made with;
    # another python-docx template or fpdf2 writer may change bytes but must not change the text.
    same_versions = all(metadata.version(name) == version
                        for name, version in tool.GENERATED_WITH.items())  # type: ignore[attr-defined]
    for rel in made:
        committed = ROOT / "evidence-examples" / rel
        assert committed.is_file(), f"{rel} is generated but not committed"
        if same_versions:
            assert committed.read_bytes() == (tmp_path / rel).read_bytes(), f"{rel} differs: run tools/make_archive.py"
        else:
            name = rel.as_posix()
            assert read_document(name, committed.read_bytes()) == read_document(name, (tmp_path / rel).read_bytes())


def _blocks(d: StructuredDocument) -> list[tuple[str, str, str, int]]:
    return [(b.kind, b.text, b.location.describe(), b.level) for b in d.blocks]


def test_polder_docx_minutes() -> None:
    d = read(POLDER, "notulen/2025-03-12 notulen.docx")
    got = _blocks(d)
    assert got[0] == ("header", "TLP:AMBER", "header (section 1)", 0)
    assert ("metadata", "Datum: 12 maart 2025", "paragraph 2", 0) in got
    assert ("heading", "Aanwezig", "paragraph 5", 2) in got
    assert ("list_item", "Marieke van Dijk (Westland Kassen Coöperatie, voorzitter)", "paragraph 6", 0) in got
    assert ("heading", "Afgemeld", "paragraph 11", 2) in got
    assert ("heading", "Agenda", "paragraph 13", 2) in got
    actions = [b for b in d.blocks if b.kind == "table"]
    assert actions[0].rows[0] == ("Actie", "Eigenaar", "Gereed")
    assert actions[0].rows[1] == ("Checklist beheer op afstand opstellen", "Sanne de Wit", "18 juni 2025")
    assert got[-1] == ("footer", "Polder-ISAC - notulen overleg 12 maart 2025", "footer (section 1)", 0)
    assert ("title", "Notulen Polder-ISAC 12 maart 2025") in d.properties


def test_polder_docx_attendance_table_and_agenda() -> None:
    d = read(POLDER, "notulen/2025-06-18 notulen.docx")
    (table,) = [b for b in d.blocks if b.kind == "table"]
    assert table.rows[0] == ("Naam", "Organisatie", "Aanwezig")
    assert ("Sanne de Wit", "Tuinbouwdata B.V.", "") in table.rows
    assert ("Joost Bakker", "Zuivelcoöperatie Noord", "X") in table.rows
    assert [b.text for b in d.blocks if b.kind == "footer"] == ["Status: definitief"]
    agenda = read(POLDER, "notulen/2025-03-12 agenda.docx")
    assert [b.text for b in agenda.blocks if b.kind == "header"] == ["TLP:GREEN"]
    assert [b.text for b in agenda.blocks if b.kind == "list_item"][0] == "Opening en vaststellen agenda"


def test_polder_pdf_minutes_headers_and_footers_per_page() -> None:
    d = read(POLDER, "notulen/2025-09-24 notulen.pdf")
    marks = [(b.kind, b.location.page, b.text) for b in d.blocks if b.kind in ("header", "footer")]
    footer = "Polder-ISAC notulen 24 september 2025 - Status: definitief / TLP:AMBER - pagina {}"
    assert marks == [("header", 1, "TLP:AMBER"), ("footer", 1, footer.format(1)),
                     ("header", 2, "TLP:AMBER"), ("footer", 2, footer.format(2))]
    got = [(b.kind, b.text, b.location.page, b.level) for b in d.blocks]
    assert ("heading", "Notulen overleg Polder-ISAC", 1, 1) in got
    assert ("metadata", "Datum: 24 september 2025", 1, 0) in got
    assert ("heading", "Aanwezig", 1, 2) in got
    assert ("list_item", "Ruud Verhoeven (Veiling Oostland)", 1, 0) in got
    assert ("heading", "Actiepunten", 2, 2) in got
    (table,) = [b for b in d.blocks if b.kind == "table"]
    assert table.location.page == 2 and table.rows[0] == ("Actie", "Eigenaar", "Gereed")


def test_polder_pdf_attendance_table_keeps_the_empty_mark() -> None:
    d = read(POLDER, "notulen/2025-12-10 notulen.pdf")
    (table,) = [b for b in d.blocks if b.kind == "table"]
    assert table.rows[0] == ("Naam", "Organisatie", "Aanwezig")
    assert ("Joost Bakker", "Zuivelcoöperatie Noord", "") in table.rows
    assert [b.text for b in d.blocks if b.kind == "header"] == ["TLP:GREEN"]


def test_polder_membership_guidelines_and_annual_plan() -> None:
    g = read(POLDER, "governance/lidmaatschapsrichtlijnen.docx")
    headings = [b.text for b in g.blocks if b.kind == "heading"]
    assert headings == ["Lidmaatschapsrichtlijnen Polder-ISAC", "Doel", "Toetreding", "Verplichtingen",
                        "Uittreding", "Ondertekening"]
    (signatures,) = [b for b in g.blocks if b.kind == "table"]
    assert signatures.rows[0] == ("Organisatie", "Naam", "Datum", "Handtekening")
    assert signatures.rows[1] == ("Westland Kassen Coöperatie", "Marieke van Dijk", "17 januari 2024", "getekend")
    plan = read(POLDER, "plannen/jaarplan 2025.pdf")
    assert [b.text for b in plan.blocks if b.kind == "heading"] == [
        "Jaarplan 2025", "Ambities", "Toegevoegde waarde", "Activiteiten", "Middelen"]
    assert [b for b in plan.blocks if b.kind == "table"][0].rows[1] == ("Dreigingsbeeld", "elk kwartaal", "Sanne de Wit")


def test_polder_yearly_notes_one_heading_per_meeting() -> None:
    d = read(POLDER, "notulen/2024 aantekeningen.md")
    meetings = [(b.text, b.location.line) for b in d.blocks if b.kind == "heading" and b.level == 1][1:]
    assert meetings == [("2024-02-14", 5), ("2024-05-22", 21), ("2024-09-11", 34),
                        ("2024-12-10 (geannuleerd)", 48)]
    (table,) = [b for b in d.blocks if b.kind == "table"]
    assert ("Sanne de Wit", "Tuinbouwdata B.V.", "") in table.rows


def test_harbour_markdown_minutes() -> None:
    d = read(HARBOUR, "minutes/2024-05-29-quarterly.md")
    got = [(b.kind, b.text, b.location.line) for b in d.blocks]
    assert got[1:4] == [("metadata", "Meeting Date: May 29, 2024", 3), ("metadata", "Classification: TLP:AMBER", 4),
                        ("metadata", "Location: Port Authority, Harbour House, room 3.14", 5)]
    (table,) = [b for b in d.blocks if b.kind == "table"]
    assert table.location.line == 9
    assert table.rows[0] == ("Name", "Company", "Present")
    assert ("Ben Okafor", "Eastside Container Services Ltd.", "") in table.rows
    assert ("list_item", "Phishing wave against shipping agents", 19) in got
    assert ("list_item", "Share the phishing indicators on the mailing list - owner: Tom Harris", 37) in got


def test_harbour_html_table_inside_markdown_and_status_line() -> None:
    d = read(HARBOUR, "minutes/2024-11-27-quarterly.md")
    (table,) = [b for b in d.blocks if b.kind == "table"]
    assert table.location.line == 8
    assert table.rows[1] == ("Laura Mendes", "North Quay Terminals", "X")
    assert ("metadata", "Status: Final / TLP: GREEN", 28) in [(b.kind, b.text, b.location.line) for b in d.blocks]


@pytest.mark.parametrize("root", [POLDER, HARBOUR], ids=["polder-isac", "harbour-wg"])
def test_every_document_of_the_examples_reads(root: Path) -> None:
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".md", ".docx", ".pdf")
             and p.name != "README.md"]
    assert files
    for path in files:
        assert read(root, path.relative_to(root).as_posix()).blocks
