"""Files in every format, made inside the tests (python-docx, fpdf2, zipfile): no fixtures on disk."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence


def docx_bytes(build: object = None) -> bytes:
    """A Word file; `build(doc)` adds content to a python-docx Document."""
    import docx

    doc = docx.Document()
    if callable(build):
        build(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pdf_bytes(pages: Sequence[Sequence[tuple[str, str]]], *, header: str = "", footer: str = "",
              table: Sequence[Sequence[str]] = (), encrypt: str = "") -> bytes:
    """A PDF with fpdf2: per page (kind, text) with kind "h1", "h2", "h3" (bold at body size), "b"
    (bold), "p" or "li"; a header and a
    footer on every page ("{page}" becomes the page number); a ruled table on the first page."""
    from fpdf import FPDF

    class Pdf(FPDF):
        def header(self) -> None:
            if header:
                self.set_y(10)
                self.set_font("Helvetica", size=9)
                self.cell(0, 5, header, align="C")
                self.set_y(self.t_margin)

        def footer(self) -> None:
            if footer:
                self.set_y(-15)
                self.set_font("Helvetica", size=8)
                self.cell(0, 4, footer.replace("{page}", str(self.page_no())), align="C")

    pdf = Pdf(format="A4")
    pdf.set_margins(25, 28, 25)
    pdf.set_auto_page_break(True, margin=25)
    for n, page in enumerate(pages):
        pdf.add_page()
        for kind, text in page:
            size = {"h1": 16, "h2": 13}.get(kind, 10.5)
            pdf.set_font("Helvetica", "B" if kind.startswith("h") or kind == "b" else "", size)
            pdf.multi_cell(0, 6, ("- " if kind == "li" else "") + text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        if n == 0 and table:
            pdf.set_font("Helvetica", size=10)
            with pdf.table() as t:
                for row in table:
                    r = t.row()
                    for cell in row:
                        r.cell(cell)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    return bytes(pdf.output())


ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')


def odt_bytes(body: str, *, master: str = "", meta: str = "",
              prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    """An OpenDocument text: `body` is the office:text content, `master` the content of a
    style:master-page (header/footer), `meta` the office:meta content, `prolog` what precedes the
    content.xml root element (a hostile test puts a DTD there)."""
    content = prolog + (
        f'<office:document-content {ODT_NS}><office:body><office:text>{body}</office:text></office:body>'
        '</office:document-content>')
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODT_NS}><office:master-styles>'
              f'<style:master-page style:name="Standard">{master}</style:master-page></office:master-styles>'
              '</office:document-styles>')
    metaxml = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODT_NS}><office:meta>{meta}'
               '</office:meta></office:document-meta>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
        zf.writestr("styles.xml", styles)
        zf.writestr("meta.xml", metaxml)
    return buf.getvalue()
