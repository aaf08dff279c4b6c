"""The measurements behind the choice of PDF and HTML libraries (docs/adopt.md, "Formats").

    python bench/compare_libraries.py

PDF: the PDFs of evidence-examples/polder-isac (fpdf2, page header and footer, ruled tables) and
one minutes PDF made with WeasyPrint from HTML (header/footer in @page margin boxes: drawn last
in the content stream, as Word's "save as PDF" draws its headers separately). For each library:
milliseconds per page, whether the page header comes first in reading order, whether positions
are available (needed to tell headers/footers from body text), and table rows as cells.
HTML: lxml.html, BeautifulSoup (html.parser) and selectolax on a 400-row minutes page: time per
parse and whether an element's source line is available (provenance needs it).
"""

from __future__ import annotations

import glob
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def weasy_pdf() -> bytes | None:
    try:
        import weasyprint
    except ImportError:
        return None
    rows = "".join(f"<tr><td>Persoon {i}</td><td>Organisatie {i}</td><td>X</td></tr>" for i in range(6))
    body = "".join(f"<h2>{i}. Onderwerp</h2><p>" + "De leden bespreken het dreigingsbeeld. " * 30 + "</p>"
                   for i in range(1, 6))
    html = ("<html><head><style>@page { size: A4; margin: 2.5cm 2cm; @top-center { content: 'TLP:AMBER' }"
            " @bottom-center { content: 'Status: definitief - pagina ' counter(page) } }"
            " td, th { border: 1px solid black } table { border-collapse: collapse }</style></head><body>"
            "<h1>Notulen</h1><p>Datum: 12 maart 2025</p><table><tr><th>Naam</th><th>Organisatie</th>"
            f"<th>Aanwezig</th></tr>{rows}</table>{body}</body></html>")
    return bytes(weasyprint.HTML(string=html).write_pdf())


def pdf_libraries() -> dict[str, Callable[[bytes], tuple[int, str, bool, int]]]:
    """name -> f(data) = (pages, text of page 1, positions available, table rows as cells)."""

    def pypdf_(data: bytes) -> tuple[int, str, bool, int]:
        import pypdf
        reader = pypdf.PdfReader(io.BytesIO(data))
        texts = [p.extract_text() for p in reader.pages]
        return len(texts), texts[0], False, 0

    def pdfminer_(data: bytes) -> tuple[int, str, bool, int]:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LTTextContainer
        pages = list(extract_pages(io.BytesIO(data)))
        boxes = sorted((e for e in pages[0] if isinstance(e, LTTextContainer)), key=lambda e: -e.y1)
        return len(pages), "".join(e.get_text() for e in boxes), True, 0

    def pdfplumber_(data: bytes) -> tuple[int, str, bool, int]:
        import pdfplumber
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            first = ""
            rows = 0
            for n, page in enumerate(pdf.pages):
                lines = page.extract_text_lines()
                if n == 0:
                    first = "\n".join(line["text"] for line in lines)
                rows += sum(len(t.extract()) for t in page.find_tables())
            return len(pdf.pages), first, True, rows

    def reader_(data: bytes) -> tuple[int, str, bool, int]:
        from isaccheck.read.pdf import read_pdf
        from isaccheck.read.limits import DEFAULT_LIMITS
        doc = read_pdf("x.pdf", data, DEFAULT_LIMITS)
        assert not isinstance(doc, Exception) and hasattr(doc, "blocks")
        pages = max(b.location.page or 1 for b in doc.blocks)
        first = "\n".join(b.text for b in doc.blocks if b.location.page == 1)
        return pages, first, True, sum(len(b.rows) for b in doc.blocks if b.kind == "table")

    out: dict[str, Callable[[bytes], tuple[int, str, bool, int]]] = {
        "pypdf": pypdf_, "pdfminer.six": pdfminer_, "pdfplumber": pdfplumber_,
        "isaccheck.read.pdf (pdfplumber)": reader_}
    try:
        import pypdfium2

        def pdfium_(data: bytes) -> tuple[int, str, bool, int]:
            doc = pypdfium2.PdfDocument(data)
            return len(doc), doc[0].get_textpage().get_text_range(), False, 0
        out["pypdfium2"] = pdfium_
    except ImportError:
        pass
    return out


def compare_pdf() -> None:
    files = {Path(p).name: Path(p).read_bytes() for p in sorted(glob.glob(str(ROOT / "evidence-examples/polder-isac/**/*.pdf"), recursive=True))}
    weasy = weasy_pdf()
    if weasy is not None:
        files["weasyprint-minutes.pdf"] = weasy
    print(f"{'library':34} {'ms/page':>8} {'header first':>13} {'positions':>10} {'table rows':>11}")
    for name, fn in pdf_libraries().items():
        per_page = []
        header_first = 0
        rows = 0
        for data in files.values():
            seconds, (pages, first, positions, table_rows) = timed(lambda: fn(data), repeat=3)
            per_page.append(seconds * 1000 / pages)
            header_first += first.strip().startswith("TLP:")
            rows += table_rows
        print(f"{name:34} {statistics.mean(per_page):8.1f} {header_first:>6}/{len(files):<6} "
              f"{'yes' if positions else 'no':>10} {rows:>11}")


def compare_html() -> None:
    rows = "\n".join(f"<tr><td>Persoon {i}</td><td>Organisatie {i}</td><td>X</td></tr>" for i in range(400))
    page = f"<html><body><h1>Notulen</h1>\n<p>Datum: 12 maart 2025</p>\n<table>\n{rows}\n</table></body></html>"
    from lxml import html as lhtml
    from bs4 import BeautifulSoup

    candidates: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]] = {
        "lxml.html": (lambda: lhtml.document_fromstring(page), lambda t: t.find(".//table").sourceline),
        "beautifulsoup4 (html.parser)": (lambda: BeautifulSoup(page, "html.parser"), lambda t: t.table.sourceline),
        "beautifulsoup4 (lxml)": (lambda: BeautifulSoup(page, "lxml"), lambda t: t.table.sourceline),
    }
    try:
        from selectolax.lexbor import LexborHTMLParser
        candidates["selectolax (lexbor)"] = (lambda: LexborHTMLParser(page),
                                             lambda t: getattr(t.css_first("table"), "sourceline", None))
    except ImportError:
        pass
    print(f"{'library':30} {'ms/parse':>9} {'source line of <table>':>24}")
    for name, (parse, line) in candidates.items():
        seconds, tree = timed(parse, repeat=20)
        print(f"{name:30} {seconds * 1000:9.2f} {str(line(tree)):>24}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    compare_pdf()
    print()
    compare_html()
