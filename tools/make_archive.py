#!/usr/bin/env python3
"""Make the Word and PDF files of the bundled example archives from their text sources.

An ISAC secretary keeps minutes as Word files and PDFs, not as Markdown with frontmatter. The
examples evidence-examples/polder-isac/ (Dutch) and evidence-examples/harbour-wg/ (English,
Markdown only) show isaccheck reading such an archive. Their binary files are generated here,
reproducibly, from the sources in tools/archive_sources/<example>/:

    tools/archive_sources/polder-isac/notulen/2025-03-12 notulen.docx.txt
        -> evidence-examples/polder-isac/notulen/2025-03-12 notulen.docx

A source is plain text in a small line format:

    @title: ...   @author: ...   @date: YYYY-MM-DD      document properties
    @header: ...  @footer: ...                          page header/footer (repeatable)
    # Heading, ## Subheading                            headings (levels 1-3)
    - item / "  - item"                                 list items (nested by two spaces)
    | cell | cell |                                     table rows (first row = header)
    anything else                                       a paragraph (one per line)

Byte-reproducible: zip entries carry a fixed timestamp and order, document properties come from
@date, the PDF producer and dates are fixed and fpdf2's built-in fonts are used (no system fonts,
so the bytes do not depend on the machine). Text files of the examples are written by hand and
not generated. Run:  python tools/make_archive.py [--out DIR]
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "archive_sources"
EXAMPLES = ROOT / "evidence-examples"
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
# The versions the committed files were made with: another python-docx (its template) or fpdf2
# (its PDF writer) may write other bytes for the same text; tests then compare the text read.
GENERATED_WITH = {"python-docx": "1.2.0", "fpdf2": "2.8.9"}


@dataclass
class Source:
    properties: dict[str, str] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    footers: list[str] = field(default_factory=list)
    # ("heading", level, text) | ("item", depth, text) | ("table", 0, rows) | ("para", 0, text)
    blocks: list[tuple[str, int, object]] = field(default_factory=list)


def parse(text: str) -> Source:
    src = Source()
    para: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if para:
            src.blocks.append(("para", 0, " ".join(para)))
            para.clear()
        if table:
            src.blocks.append(("table", 0, [list(r) for r in table]))
            table.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if line.startswith("@") and ":" in line:
            key, value = line[1:].split(":", 1)
            value = value.strip()
            if key == "header":
                src.headers.append(value)
            elif key == "footer":
                src.footers.append(value)
            else:
                src.properties[key.strip()] = value
            continue
        if not stripped:
            flush()
        elif stripped.startswith("|"):
            if para:
                flush()
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            table.append(cells)
        elif line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            src.blocks.append(("heading", level, line[level:].strip()))
        elif stripped.startswith("- "):
            flush()
            depth = (len(line) - len(line.lstrip(" "))) // 2
            src.blocks.append(("item", depth, stripped[2:]))
        else:
            # One paragraph per line, as a secretary types "Datum: ..." and "Locatie: ..." on
            # lines of their own.
            flush()
            para.append(stripped)
    flush()
    return src


def _date(src: Source) -> dt.datetime:
    day = dt.date.fromisoformat(src.properties.get("date", "2020-01-01"))
    return dt.datetime(day.year, day.month, day.day, 9, 0, 0, tzinfo=dt.timezone.utc)


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps (python-docx stamps entries with the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


def make_docx(src: Source) -> bytes:
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    section = doc.sections[0]
    for target, lines in ((section.header, src.headers), (section.footer, src.footers)):
        if lines:
            target.paragraphs[0].text = lines[0]
            for extra in lines[1:]:
                target.add_paragraph(extra)
    for kind, level, value in src.blocks:
        if kind == "heading":
            doc.add_heading(str(value), level=level)
        elif kind == "item":
            doc.add_paragraph(str(value), style="List Bullet" if level == 0 else f"List Bullet {level + 1}")
        elif kind == "table":
            rows = value if isinstance(value, list) else []
            table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
                    if r == 0:
                        for run in table.cell(r, c).paragraphs[0].runs:
                            run.bold = True
        else:
            doc.add_paragraph(str(value)).paragraph_format.space_after = Pt(6)
    when = _date(src)
    cp = doc.core_properties
    cp.title = src.properties.get("title", "")
    cp.author = src.properties.get("author", "")
    cp.last_modified_by = src.properties.get("author", "")
    cp.comments = ""
    cp.revision = 1
    cp.created = when.replace(tzinfo=None)
    cp.modified = when.replace(tzinfo=None)
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def make_pdf(src: Source) -> bytes:
    from fpdf import FPDF

    headers, footers = src.headers, src.footers

    class Pdf(FPDF):
        def header(self) -> None:
            # Where Word puts a page header: 1.25 cm from the top, above the 2.8 cm margin.
            self.set_y(12)
            self.set_font("Helvetica", size=9)
            for line in headers:
                self.cell(0, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_y(self.t_margin)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            for line in footers:
                self.cell(0, 4, line.replace("{page}", str(self.page_no())), align="C",
                          new_x="LMARGIN", new_y="NEXT")

    pdf = Pdf(format="A4")
    pdf.set_margins(25, 28, 25)
    pdf.set_auto_page_break(True, margin=25)
    pdf.set_title(src.properties.get("title", ""))
    pdf.set_author(src.properties.get("author", ""))
    pdf.set_producer("isaccheck tools/make_archive.py")
    pdf.set_creator("isaccheck tools/make_archive.py")
    pdf.set_creation_date(_date(src))
    pdf.add_page()
    sizes = {1: 16, 2: 13, 3: 11.5}
    for kind, level, value in src.blocks:
        if kind == "heading":
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", sizes.get(level, 11.5))
            pdf.multi_cell(0, 7, str(value), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "item":
            pdf.set_font("Helvetica", size=10.5)
            pdf.set_x(pdf.l_margin + 5 + 5 * level)
            pdf.multi_cell(0, 5.5, f"- {value}", new_x="LMARGIN", new_y="NEXT")
        elif kind == "table":
            rows = value if isinstance(value, list) else []
            pdf.set_font("Helvetica", size=10)
            pdf.ln(1)
            with pdf.table(first_row_as_headings=True, line_height=6) as table:
                for row in rows:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
            pdf.ln(3)
        else:
            pdf.set_font("Helvetica", size=10.5)
            pdf.multi_cell(0, 5.5, str(value), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
    return bytes(pdf.output())


def targets(out: Path) -> list[tuple[Path, Path]]:
    """(source, target) of every generated file."""
    pairs = []
    for source in sorted(SOURCES.rglob("*.txt")):
        rel = source.relative_to(SOURCES).with_suffix("")   # "polder-isac/notulen/x.docx"
        pairs.append((source, out / rel))
    return pairs


def build(source: Path) -> bytes:
    src = parse(source.read_text(encoding="utf-8"))
    suffix = source.with_suffix("").suffix.lower()
    if suffix == ".docx":
        return make_docx(src)
    if suffix == ".pdf":
        return make_pdf(src)
    raise SystemExit(f"{source}: no generator for {suffix!r} (use name.docx.txt or name.pdf.txt)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=EXAMPLES, help="folder to write the examples into")
    args = parser.parse_args(argv)
    for source, target in targets(args.out):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(build(source))
        print(target.relative_to(args.out) if target.is_relative_to(args.out) else target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
