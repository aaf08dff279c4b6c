"""The same minutes in every format isaccheck reads, through the real readers: the same fields,
each with a location of the kind the format has (line, page, paragraph/table/header)."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from isaccheck.infer import ParticipantMatcher, infer_document
from isaccheck.read import StructuredDocument, read_document

from .readfiles import docx_bytes, odt_bytes, pdf_bytes

MATCHER = ParticipantMatcher([{"organisation": "Havenbedrijf Rotterdam", "aliases": ["HbR"]},
                              {"organisation": "Waterbedrijf Oost"}, {"organisation": "Gemeente Utrecht"}])
AGENDA = ["Opening", "Rondje rood", "Rondvraag"]


def _markdown() -> bytes:
    return ("# Notulen plenair overleg\n\nDatum: 12 maart 2025\n\nClassificatie: TLP:AMBER\n\n## Aanwezig\n\n"
            "- Jan Jansen (HbR, CISO)\n- Els (Waterbedrijf Oost B.V.)\n\n## Afgemeld\n\n- Gemeente Utrecht\n\n"
            "## Agenda\n\n1. Opening\n2. Rondje rood\n3. Rondvraag\n\n## Actiepunten\n\n"
            "- Secretaris: verslag rondsturen\n").encode()


def _html() -> bytes:
    return ("<html><head><title>Notulen</title></head><body><h1>Notulen plenair overleg</h1>"
            "<p>Datum: 12 maart 2025</p><p>Classificatie: TLP:AMBER</p><h2>Aanwezig</h2>"
            "<ul><li>Jan Jansen (HbR, CISO)</li><li>Els (Waterbedrijf Oost B.V.)</li></ul>"
            "<h2>Afgemeld</h2><ul><li>Gemeente Utrecht</li></ul><h2>Agenda</h2>"
            "<ol><li>Opening</li><li>Rondje rood</li><li>Rondvraag</li></ol>"
            "<h2>Actiepunten</h2><ul><li>Secretaris: verslag rondsturen</li></ul></body></html>").encode()


def _docx() -> bytes:
    def build(d: Any) -> None:
        d.sections[0].header.paragraphs[0].text = "TLP:AMBER"
        d.add_heading("Notulen plenair overleg", level=1)
        d.add_paragraph("Datum: 12 maart 2025")
        d.add_heading("Aanwezigheid", level=2)
        table = d.add_table(rows=4, cols=3)
        for r, row in enumerate([("Naam", "Organisatie", "Aanwezig"), ("Jan Jansen", "HbR", "X"),
                                 ("Els", "Waterbedrijf Oost B.V.", "✓"), ("Piet", "Gemeente Utrecht", "")]):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        d.add_heading("Agenda", level=2)
        for item in AGENDA:
            d.add_paragraph(item, style="List Number")
        d.add_heading("Actiepunten", level=2)
        d.add_paragraph("Secretaris: verslag rondsturen", style="List Bullet")
    return docx_bytes(build)


def _pdf() -> bytes:
    pages = [[("h1", "Notulen plenair overleg"), ("p", "Datum: 12 maart 2025"), ("h2", "Aanwezig"),
              ("li", "Jan Jansen (HbR, CISO)"), ("li", "Els (Waterbedrijf Oost B.V.)"), ("h2", "Afgemeld"),
              ("li", "Gemeente Utrecht")],
             [("h2", "Agenda"), *[("li", item) for item in AGENDA], ("h2", "Actiepunten"),
              ("li", "Secretaris: verslag rondsturen")]]
    return pdf_bytes(pages, header="TLP:AMBER", footer="Status: definitief / TLP:AMBER - pagina {page}")


def _odt() -> bytes:
    items = "".join(f"<text:list-item><text:p>{i}</text:p></text:list-item>" for i in AGENDA)
    body = ('<text:h text:outline-level="1">Notulen plenair overleg</text:h><text:p>Datum: 12 maart 2025</text:p>'
            '<text:h text:outline-level="2">Aanwezig</text:h><text:list>'
            "<text:list-item><text:p>Jan Jansen (HbR, CISO)</text:p></text:list-item>"
            "<text:list-item><text:p>Els (Waterbedrijf Oost B.V.)</text:p></text:list-item></text:list>"
            '<text:h text:outline-level="2">Agenda</text:h>'
            f"<text:list>{items}</text:list>"
            '<text:h text:outline-level="2">Actiepunten</text:h><text:list>'
            "<text:list-item><text:p>Secretaris: verslag rondsturen</text:p></text:list-item></text:list>")
    return odt_bytes(body, master="<style:header><text:p>🟠 TLP:AMBER</text:p></style:header>")


def _text() -> bytes:
    return ("Notulen plenair overleg\n\nDatum: 12 maart 2025\nClassificatie: TLP:AMBER\n\n"
            "Aanwezig: HbR, Waterbedrijf Oost B.V.\nAfgemeld: Gemeente Utrecht\n\n"
            "Agenda: Opening, Rondje rood, Rondvraag\n\nActiepunten: Secretaris: verslag rondsturen\n").encode()


FORMATS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    # format -> (file name, maker, the Location field it must fill)
    "markdown": ("notulen/verslag.md", _markdown, "line"),
    "html": ("notulen/verslag.html", _html, "line"),
    "docx": ("notulen/verslag.docx", _docx, "part"),
    "pdf": ("notulen/verslag.pdf", _pdf, "page"),
    "odt": ("notulen/verslag.odt", _odt, "part"),
    "text": ("notulen/verslag.txt", _text, "line"),
}


@pytest.fixture(scope="module", params=sorted(FORMATS))
def inferred(request: pytest.FixtureRequest) -> tuple[str, Any, Any]:
    path, make, where = FORMATS[request.param]
    doc = read_document(path, make())
    assert isinstance(doc, StructuredDocument), doc
    minutes, *rest = infer_document(doc, "minutes", MATCHER)
    return where, minutes, rest


def test_date_tlp_and_attendees_in_every_format(inferred: tuple[str, Any, Any]) -> None:
    where, minutes, _ = inferred
    fields = minutes.fields
    assert fields["date"].value == "2025-03-12"
    assert fields["tlp"].value == "AMBER"
    assert fields["attendees"].value == ["Havenbedrijf Rotterdam", "Waterbedrijf Oost"]  # never the Afgemeld
    for name in ("date", "tlp", "attendees"):
        assert getattr(fields[name].location, where) is not None, (name, fields[name].location)
    assert not [n for n in minutes.notes if n.severity != "info"]


def test_agenda_and_actions_in_every_format(inferred: tuple[str, Any, Any]) -> None:
    _, minutes, rest = inferred
    assert minutes.fields["actions"].value == [{"action": "verslag rondsturen", "owner": "Secretaris"}]
    (agenda,) = rest
    assert agenda.type == "agenda" and agenda.fields["items"].value == AGENDA
