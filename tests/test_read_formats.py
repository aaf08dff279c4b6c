"""isaccheck.read: every format gives headings, paragraphs, lists, tables, page headers/footers and
properties, each block with its location (line, page or Word/ODF part)."""
from __future__ import annotations

import importlib.util
import os

import pytest

from isaccheck.read import SUPPORTED_SUFFIXES, Block, Location, ReadProblem, StructuredDocument, format_of, read_document

from .readfiles import docx_bytes, odt_bytes, pdf_bytes


def doc(path: str, data: bytes, **kw: object) -> StructuredDocument:
    result = read_document(path, data, **kw)  # type: ignore[arg-type]
    assert isinstance(result, StructuredDocument), result
    return result


def kinds(d: StructuredDocument) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in d.blocks]


# --- dispatch ---------------------------------------------------------------------------------

def test_supported_suffixes_and_case_insensitive_dispatch() -> None:
    assert SUPPORTED_SUFFIXES == {".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".odt", ".txt"}
    assert format_of("a/B.DOCX") == "docx" and format_of("x.Markdown") == "markdown" and format_of("x.rtf") is None


def test_an_unsupported_suffix_is_a_problem_naming_the_file() -> None:
    result = read_document("shared/slides.pptx", b"PK")
    assert isinstance(result, ReadProblem) and result.code == "unsupported"
    assert "shared/slides.pptx" in result.message_en and "shared/slides.pptx" in result.message_nl
    assert ".docx" in result.message_en


def test_location_describe() -> None:
    assert Location(line=12).describe() == "line 12"
    assert Location(page=3).describe() == "page 3"
    assert Location(part="paragraph 12").describe() == "paragraph 12"


# --- Markdown ---------------------------------------------------------------------------------

MD = """\
---
title: Notulen
date: 2025-03-12
---
# Notulen 12 maart 2025

Datum: 12 maart 2025
Locatie: Naaldwijk

## Aanwezig

- Jan de Vries (Havenbedrijf B.V.)
  - vervangen door Els
- Piet *Jansen*

| Naam | Bedrijf | Aanwezig |
|------|---------|----------|
| Jan | Haven | X |
| Els | Water |  |

<table>
<tr><th>Name</th><th>Company</th></tr>
<tr><td>Ann</td><td>Alpha <b>Inc.</b></td></tr>
</table>

```
TLP:RED in code
```
"""


def test_markdown_blocks_keep_their_lines() -> None:
    d = doc("notulen/2025-03-12.md", MD.encode())
    got = [(b.kind, b.text, b.location.line, b.level) for b in d.blocks]
    assert got[:2] == [("metadata", "title: Notulen", 2, 0), ("metadata", "date: 2025-03-12", 3, 0)]
    assert ("heading", "Notulen 12 maart 2025", 5, 1) in got
    # "Label: value" lines are metadata, each at its own line, also when they form one paragraph.
    assert ("metadata", "Datum: 12 maart 2025", 7, 0) in got
    assert ("metadata", "Locatie: Naaldwijk", 8, 0) in got
    assert ("heading", "Aanwezig", 10, 2) in got
    assert ("list_item", "Jan de Vries (Havenbedrijf B.V.)", 12, 0) in got
    assert ("list_item", "vervangen door Els", 13, 1) in got
    assert ("list_item", "Piet Jansen", 14, 0) in got
    assert ("paragraph", "TLP:RED in code", 26, 0) in got
    tables = [b for b in d.blocks if b.kind == "table"]
    assert tables[0].rows == (("Naam", "Bedrijf", "Aanwezig"), ("Jan", "Haven", "X"), ("Els", "Water", ""))
    assert tables[0].location.line == 16
    assert tables[0].text == "Naam | Bedrijf | Aanwezig\nJan | Haven | X\nEls | Water | "
    # An HTML table inside Markdown is a table too, at its own line.
    assert tables[1].rows == (("Name", "Company"), ("Ann", "Alpha Inc."))
    assert tables[1].location.line == 21
    assert d.format == "markdown" and d.path == "notulen/2025-03-12.md"


def test_markdown_frontmatter_top_level_lines_only() -> None:
    d = doc("a.md", b"---\ntype: minutes\nattendees:\n- Alpha\n  - Beta\nitems: [a]\n---\nTekst\n")
    assert [(b.kind, b.text, b.location.line) for b in d.blocks] == [
        ("metadata", "type: minutes", 2), ("metadata", "attendees:", 3), ("metadata", "items: [a]", 6),
        ("paragraph", "Tekst", 8)]


def test_markdown_line_offset_for_a_body_after_frontmatter() -> None:
    d = doc("a.md", b"# Kop\n\ntekst\n", line_offset=4)
    assert [(b.text, b.location.line) for b in d.blocks] == [("Kop", 5), ("tekst", 7)]


def test_markdown_html_is_data_not_markup() -> None:
    d = doc("a.md", b"<script>alert(1)</script>\n\n<div>Status: <i>Final</i></div>\n")
    assert kinds(d) == [("metadata", "Status: Final")]


# --- HTML -------------------------------------------------------------------------------------

HTML = """\
<!DOCTYPE html>
<html><head><title>Minutes 29 May 2024</title><meta name="author" content="Tom Harris">
<script>var x = "TLP:RED";</script></head>
<body>
<header>Classification: TLP:AMBER</header>
<h1>Minutes</h1>
<p>Meeting Date: May 29, 2024</p>
<h2>Participants</h2>
<ul>
  <li>Ann (Alpha)
    <ol><li>deputy: Bob</li></ol>
  </li>
  <li>Cee</li>
</ul>
<table>
  <thead><tr><th>Name</th><th>Company</th><th>Present</th></tr></thead>
  <tbody><tr><td>Ann</td><td>Alpha</td><td>X</td></tr>
  <tr><td>Bob</td><td>Beta</td><td></td></tr></tbody>
</table>
<div>Loose text<br>on two lines</div>
<footer>Status: Final / TLP: GREEN</footer>
</body></html>
"""


def test_html_blocks_with_lines_headers_and_properties() -> None:
    d = doc("minutes/2024-05-29.html", HTML.encode())
    got = [(b.kind, b.text, b.location.line, b.level) for b in d.blocks]
    assert got[0] == ("header", "Classification: TLP:AMBER", 5, 0)
    assert ("heading", "Minutes", 6, 1) in got
    assert ("metadata", "Meeting Date: May 29, 2024", 7, 0) in got
    assert ("heading", "Participants", 8, 2) in got
    assert ("list_item", "Ann (Alpha)", 10, 0) in got
    assert ("list_item", "deputy: Bob", 11, 1) in got
    assert ("list_item", "Cee", 13, 0) in got
    assert ("paragraph", "Loose text on two lines", 20, 0) in got
    assert got[-1] == ("footer", "Status: Final / TLP: GREEN", 21, 0)
    (table,) = [b for b in d.blocks if b.kind == "table"]
    assert table.rows == (("Name", "Company", "Present"), ("Ann", "Alpha", "X"), ("Bob", "Beta", ""))
    assert table.location.line == 15
    assert not any("TLP:RED" in b.text for b in d.blocks)    # script is never text
    assert d.properties == (("title", "Minutes 29 May 2024"), ("author", "Tom Harris"))


def test_html_line_breaks_split_labelled_lines() -> None:
    d = doc("a.html", b"<p>Meeting Date: May 29, 2024<br>Classification: TLP:AMBER</p>\n<p>Ann spoke.<br>Then Bob.</p>")
    assert [(b.kind, b.text, b.location.line) for b in d.blocks] == [
        ("metadata", "Meeting Date: May 29, 2024", 1), ("metadata", "Classification: TLP:AMBER", 1),
        ("paragraph", "Ann spoke. Then Bob.", 2)]


def test_html_empty_and_windows_1252() -> None:
    assert doc("a.html", b"").blocks == ()
    d = doc("a.html", "<p>Coöperatie – café</p>".encode("cp1252"))
    assert d.blocks[0].text == "Coöperatie – café"


# --- Word -------------------------------------------------------------------------------------

def _word(document: object) -> None:
    import docx

    d: docx.document.Document = document  # type: ignore[assignment]
    section = d.sections[0]
    section.header.paragraphs[0].text = "TLP:AMBER"
    section.footer.paragraphs[0].text = "Status: definitief"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "TLP:RED"
    d.add_heading("Notulen", level=1)
    d.add_paragraph("Datum: 12 maart 2025")
    d.add_heading("Aanwezig", level=2)
    d.add_paragraph("Jan (Haven B.V.)", style="List Bullet")
    d.add_paragraph("Els", style="List Bullet 2")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([("Naam", "Organisatie", "Aanwezig"), ("Jan", "Haven", "X"), ("Els", "Water", "")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    merged = d.add_table(rows=2, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Samengevoegd"
    merged.cell(0, 2).text = "C"
    merged.cell(1, 0).text = "1"
    d.add_paragraph("")            # empty paragraphs are counted but give no block
    d.add_paragraph("Slot")
    d.core_properties.title = "Notulen 12 maart"


def test_docx_headings_lists_tables_headers_footers_properties() -> None:
    d = doc("notulen/2025-03-12 notulen.docx", docx_bytes(_word))
    got = [(b.kind, b.text, b.location.part, b.level) for b in d.blocks]
    assert got[0] == ("header", "TLP:AMBER", "header (section 1)", 0)
    assert got[1] == ("header", "TLP:RED", "first page header (section 1)", 0)
    assert ("heading", "Notulen", "paragraph 1", 1) in got
    assert ("metadata", "Datum: 12 maart 2025", "paragraph 2", 0) in got
    assert ("heading", "Aanwezig", "paragraph 3", 2) in got
    assert ("list_item", "Jan (Haven B.V.)", "paragraph 4", 0) in got
    assert ("list_item", "Els", "paragraph 5", 1) in got
    assert ("paragraph", "Slot", "paragraph 7", 0) in got
    assert got[-1] == ("footer", "Status: definitief", "footer (section 1)", 0)
    tables = [b for b in d.blocks if b.kind == "table"]
    assert tables[0].rows == (("Naam", "Organisatie", "Aanwezig"), ("Jan", "Haven", "X"), ("Els", "Water", ""))
    assert tables[0].location.part == "table 1"
    # A merged cell is one cell, not repeated per grid column.
    assert tables[1].rows[0] == ("Samengevoegd", "C")
    assert ("title", "Notulen 12 maart") in d.properties


def test_docx_content_controls_are_read() -> None:
    def build(document: object) -> None:
        from docx.oxml import parse_xml

        body = document.element.body  # type: ignore[attr-defined]
        sdt = parse_xml(
            '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:sdtContent>'
            '<w:p><w:r><w:t>Datum: 12 maart 2025</w:t></w:r></w:p></w:sdtContent></w:sdt>')
        body.insert(0, sdt)
        document.add_paragraph("Daarna")  # type: ignore[attr-defined]

    d = doc("a.docx", docx_bytes(build))
    assert [(b.kind, b.text, b.location.part) for b in d.blocks] == [
        ("metadata", "Datum: 12 maart 2025", "paragraph 1"), ("paragraph", "Daarna", "paragraph 2")]


def test_docx_outline_level_makes_a_heading() -> None:
    def build(document: object) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        p = document.add_paragraph("2024-12-10")  # type: ignore[attr-defined]
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), "1")
        p._p.get_or_add_pPr().append(outline)

    d = doc("a.docx", docx_bytes(build))
    assert [(b.kind, b.level) for b in d.blocks] == [("heading", 2)]


# --- PDF --------------------------------------------------------------------------------------

def test_pdf_headers_footers_headings_lists_tables_by_page() -> None:
    pages = [[("h1", "Notulen overleg"), ("p", "Datum: 24 september 2025"), ("h2", "Aanwezig"),
              ("li", "Jan (Haven)"), ("li", "Els (Water)")],
             [("h2", "Rondvraag"), ("p", "Geen punten."), ("h3", "Besluiten"), ("p", "Geen besluiten."),
              ("b", "Status: vastgesteld")]]
    data = pdf_bytes(pages, header="TLP:AMBER", footer="Status: definitief / TLP:AMBER - pagina {page}",
                     table=[("Naam", "Organisatie", "Aanwezig"), ("Jan", "Haven", "X"), ("Els", "Water", "")])
    d = doc("notulen/2025-09-24.pdf", data)
    got = [(b.kind, b.text, b.location.page, b.level) for b in d.blocks]
    assert got[0] == ("header", "TLP:AMBER", 1, 0)
    assert ("heading", "Notulen overleg", 1, 1) in got
    assert ("metadata", "Datum: 24 september 2025", 1, 0) in got
    assert ("heading", "Aanwezig", 1, 2) in got
    assert ("list_item", "Jan (Haven)", 1, 0) in got
    assert ("footer", "Status: definitief / TLP:AMBER - pagina 1", 1, 0) in got
    assert ("header", "TLP:AMBER", 2, 0) in got
    assert ("heading", "Rondvraag", 2, 2) in got
    # Bold at body size is the next heading level; a bold "Label: value" line stays metadata.
    assert ("heading", "Besluiten", 2, 3) in got
    assert ("metadata", "Status: vastgesteld", 2, 0) in got
    assert got[-1] == ("footer", "Status: definitief / TLP:AMBER - pagina 2", 2, 0)
    (table,) = [b for b in d.blocks if b.kind == "table"]
    assert table.rows == (("Naam", "Organisatie", "Aanwezig"), ("Jan", "Haven", "X"), ("Els", "Water", ""))
    assert table.location.page == 1
    # Table cells are not repeated as paragraphs.
    assert not any(b.kind == "paragraph" and "Organisatie" in b.text for b in d.blocks)


def test_pdf_table_in_the_page_margin_is_a_header() -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.set_xy(20, 8)
    with pdf.table(width=170) as table:     # Word headers are often a table: label | title | page
        row = table.row()
        for cell in ("TLP:AMBER", "Notulen", "pagina 1"):
            row.cell(cell)
    pdf.set_xy(20, 40)
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 6, "De voorzitter opent het overleg.")
    d = doc("a.pdf", bytes(pdf.output()))
    assert [(b.kind, b.text, b.rows) for b in d.blocks] == [
        ("header", "TLP:AMBER | Notulen | pagina 1", (("TLP:AMBER", "Notulen", "pagina 1"),)),
        ("paragraph", "De voorzitter opent het overleg.", ())]


def test_pdf_repeated_body_lines_are_not_footers() -> None:
    # The same first line at the same height on every page, followed by body text: not a header.
    pages = [[("p", "Geen opmerkingen."), ("p", f"Punt {n} van de vergadering.")] for n in range(3)]
    d = doc("a.pdf", pdf_bytes(pages))
    assert {b.kind for b in d.blocks} == {"paragraph"}
    only = doc("b.pdf", pdf_bytes([[("p", "Geen opmerkingen.")]] * 3))
    assert {b.kind for b in only.blocks} == {"paragraph"}


# --- OpenDocument -----------------------------------------------------------------------------

ODT_BODY = (
    '<text:h text:outline-level="1">Notulen</text:h>'
    '<text:p>Datum:<text:s/>12 maart 2025<text:note><text:note-body><text:p>voetnoot</text:p></text:note-body></text:note></text:p>'
    '<text:h text:outline-level="2">Aanwezig</text:h>'
    '<text:list><text:list-item><text:p>Jan (Haven)</text:p>'
    '<text:list><text:list-item><text:p>Els</text:p></text:list-item></text:list></text:list-item></text:list>'
    '<table:table><table:table-row><table:table-cell><text:p>Naam</text:p></table:table-cell>'
    '<table:table-cell><text:p>Aanwezig</text:p></table:table-cell></table:table-row>'
    '<table:table-row><table:table-cell><text:p>Jan</text:p></table:table-cell>'
    '<table:table-cell><text:p>X</text:p></table:table-cell></table:table-row></table:table>'
)


def test_odt_headings_lists_tables_headers_footers_properties() -> None:
    data = odt_bytes(ODT_BODY, master="<style:header><text:p>TLP:AMBER</text:p></style:header>"
                                      "<style:footer><text:p>pagina 1</text:p></style:footer>",
                     meta="<dc:title>Notulen maart</dc:title><meta:creation-date>2025-03-12T10:00:00</meta:creation-date>")
    d = doc("notulen/2025-03-12.odt", data)
    got = [(b.kind, b.text, b.location.part, b.level) for b in d.blocks]
    assert got == [
        ("header", "TLP:AMBER", "header (page style Standard)", 0),
        ("heading", "Notulen", "paragraph 1", 1),
        ("metadata", "Datum: 12 maart 2025", "paragraph 2", 0),
        ("heading", "Aanwezig", "paragraph 3", 2),
        ("list_item", "Jan (Haven)", "paragraph 4", 0),
        ("list_item", "Els", "paragraph 5", 1),
        ("table", "Naam | Aanwezig\nJan | X", "table 1", 0),
        ("footer", "pagina 1", "footer (page style Standard)", 0),
    ]
    assert d.properties == (("title", "Notulen maart"), ("created", "2025-03-12T10:00:00"))


# --- plain text -------------------------------------------------------------------------------

def test_text_paragraphs_with_lines() -> None:
    d = doc("notes.txt", b"\xef\xbb\xbfDatum: 12 maart 2025\nAanwezig: Jan\n\n\nTLP:GREEN\nStatus: concept\n\nEen zin: met\nvervolg.\n")
    assert [(b.kind, b.text, b.location.line) for b in d.blocks] == [
        ("metadata", "Datum: 12 maart 2025", 1), ("metadata", "Aanwezig: Jan", 2),
        ("paragraph", "TLP:GREEN Status: concept", 5), ("paragraph", "Een zin: met vervolg.", 8)]


@pytest.mark.parametrize("line", ["Datum: 12 maart 2025", "Meeting Date: May 29, 2024", "Classification: TLP:AMBER",
                                  "Status: Final / TLP: GREEN", "Aanwezig (leden): Jan, Piet"])
def test_labelled_lines(line: str) -> None:
    from isaccheck.read.text import is_labelled
    assert is_labelled(line)


@pytest.mark.parametrize("line", ["TLP:AMBER", "10:30 start", "Zie https://x.nl", "- item: x",
                                  "Dit is een lange zin met veel woorden voor de dubbele punt: x"])
def test_not_labelled_lines(line: str) -> None:
    from isaccheck.read.text import is_labelled
    assert not is_labelled(line)


@pytest.mark.parametrize("suffix", [".md", ".txt", ".html"])
def test_text_formats_are_deterministic(suffix: str) -> None:
    data = MD.encode() if suffix == ".md" else HTML.encode()
    assert read_document("a" + suffix, data) == read_document("a" + suffix, data)


def test_blocks_are_frozen() -> None:
    block = Block("paragraph", "x", Location(line=1))
    with pytest.raises(AttributeError):
        block.text = "y"  # type: ignore[misc]


def test_pdf_from_html_with_page_margin_boxes() -> None:
    """WeasyPrint draws @page header/footer boxes after the body (as Word's "save as PDF" draws its
    headers apart): the reader still puts them at the top and bottom of each page."""
    if importlib.util.find_spec("weasyprint") is None:
        if os.environ.get("ISACCHECK_REQUIRE_PDF"):
            pytest.fail("weasyprint is required here (ISACCHECK_REQUIRE_PDF is set) but not installed")
        pytest.skip("weasyprint not installed (set ISACCHECK_REQUIRE_PDF=1 to make this a failure)")
    import weasyprint

    body = "".join(f"<h2>{n}. Onderwerp</h2><p>" + "De leden bespreken het dreigingsbeeld. " * 40 + "</p>"
                   for n in range(1, 5))
    html = ("<html><head><style>@page { size: A4; margin: 2.5cm 2cm; @top-center { content: 'TLP:AMBER' }"
            " @bottom-center { content: 'Status: definitief - pagina ' counter(page) } }"
            " td, th { border: 1px solid black } table { border-collapse: collapse }</style></head><body>"
            "<h1>Notulen</h1><p>Datum: 12 maart 2025</p><table><tr><th>Naam</th><th>Aanwezig</th></tr>"
            f"<tr><td>Jan</td><td>X</td></tr><tr><td>Els</td><td></td></tr></table>{body}</body></html>")
    d = doc("notulen.pdf", weasyprint.HTML(string=html).write_pdf())
    pages = max(b.location.page or 0 for b in d.blocks)
    assert pages >= 2
    for page in range(1, pages + 1):
        on_page = [b for b in d.blocks if b.location.page == page]
        assert (on_page[0].kind, on_page[0].text) == ("header", "TLP:AMBER")
        assert (on_page[-1].kind, on_page[-1].text) == ("footer", f"Status: definitief - pagina {page}")
    assert [b.rows for b in d.blocks if b.kind == "table"] == [(("Naam", "Aanwezig"), ("Jan", "X"), ("Els", ""))]
    assert ("heading", "Notulen") in kinds(d) and ("metadata", "Datum: 12 maart 2025") in kinds(d)
