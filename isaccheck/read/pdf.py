"""PDF: pdfplumber (on pdfminer.six). Text lines with their position and font size give reading
order, headings (larger type), page headers/footers (top/bottom lines repeated per page, or in the
page margin) and ruled tables as rows. Chosen by measurement: docs/adopt.md ("Formats")."""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from isaccheck.read.limits import ReadLimits
from isaccheck.read.model import Block, BlockKind, Location, ReadProblem, StructuredDocument
from isaccheck.read.text import is_labelled, normalise, paragraph_blocks

# A line in the outer 7.5% of the page height is in the margin where Word, LibreOffice and
# WeasyPrint put page headers and footers (2.5 cm margins on A4 are 8.4%).
_MARGIN = 0.075
# Within the outer 15%, a line repeated on several pages (digits ignored: "Pagina 2 van 5") is a
# page header/footer too, even when the margin is set wider.
_BAND = 0.15
_BULLET = re.compile(r"^(?:[•·▪◦‣∙○●■□\-–—*]|\d{1,2}[.)]|[a-z][.)])\s+")
_DIGITS = re.compile(r"\d+")
_BOLD = re.compile(r"bold|black|heavy|semibold", re.IGNORECASE)


@dataclass
class _Line:
    page: int
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool = False


def _decode(value: Any) -> str:
    if isinstance(value, bytes):
        for enc in ("utf-16", "utf-8", "latin-1"):
            try:
                return value.decode(enc)
            except UnicodeDecodeError:
                continue
    return str(value)


def _properties(metadata: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    props: list[tuple[str, str]] = []
    for key in ("Title", "Subject", "Author", "Keywords", "CreationDate", "ModDate"):
        if key in metadata and metadata[key] not in (None, ""):
            text = normalise(_decode(metadata[key]))
            if text:
                props.append(({"CreationDate": "created", "ModDate": "modified"}.get(key, key.lower()), text))
    return tuple(props)


def _cause(exc: BaseException) -> BaseException:
    """The innermost error: pdfplumber wraps pdfminer's (PDFPasswordIncorrect, PDFSyntaxError...)."""
    seen = 0
    while seen < 10:
        seen += 1
        inner = next((a for a in exc.args if isinstance(a, BaseException)), None) or exc.__cause__
        if inner is None or inner is exc:
            return exc
        exc = inner
    return exc


def _problem_for(path: str, exc: BaseException) -> ReadProblem:
    inner = _cause(exc)
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name or "encrypt" in str(inner).lower():
        return ReadProblem(path, "encrypted", f"{path}: the PDF is encrypted with a password; not read",
                           f"{path}: de PDF is met een wachtwoord versleuteld; niet gelezen")
    detail = f"{name}: {inner}" if str(inner) else name
    return ReadProblem(path, "corrupt", f"{path}: not a readable PDF ({detail})",
                       f"{path}: geen leesbare PDF ({detail})")


def read_pdf(path: str, data: bytes, limits: ReadLimits) -> StructuredDocument | ReadProblem:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        # pdfminer reads past garbage looking for objects; a file that does not even start as a
        # PDF is named as such instead.
        return ReadProblem(path, "corrupt", f"{path}: not a PDF (no %PDF header)",
                           f"{path}: geen PDF (geen %PDF-kop)")
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > limits.max_pages:
                return ReadProblem(path, "too-large",
                                   f"{path}: {len(pdf.pages)} pages, more than the limit of {limits.max_pages}; not read",
                                   f"{path}: {len(pdf.pages)} pagina's, meer dan de grens van {limits.max_pages}; niet gelezen")
            props = _properties(pdf.metadata or {})
            pages = [_page(n, page) for n, page in enumerate(pdf.pages, start=1)]
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds for broken or encrypted files
        return _problem_for(path, exc)
    if not any(page.lines or page.tables for page in pages):
        # A scan has pages but no text layer; an empty document would look like one with nothing
        # to infer from, so it is said.
        return ReadProblem(path, "unreadable",
                           f"{path}: no text on {'its only page' if len(pages) == 1 else f'any of its {len(pages)} pages'}: "
                           "a scan? isaccheck does no OCR",
                           f"{path}: geen tekst op {'de enige pagina' if len(pages) == 1 else f'alle {len(pages)} pagina’s'}: "
                           "een scan? isaccheck doet geen OCR")
    blocks = _blocks(pages)
    return StructuredDocument(path=path, format="pdf", blocks=tuple(blocks), properties=props)


@dataclass
class _Page:
    number: int
    height: float
    lines: list[_Line]
    tables: list[tuple[float, float, list[tuple[str, ...]]]]   # (top, bottom, rows)


def _page(n: int, page: Any) -> _Page:
    tables: list[tuple[float, float, list[tuple[str, ...]]]] = []
    boxes: list[tuple[float, float, float, float]] = []
    # Only a page with ruling lines or boxes can hold a ruled table; finding tables costs a third
    # of the time of a page, so pages of plain text skip it.
    if page.lines or page.rects:
        for table in page.find_tables():
            rows = [tuple(normalise(c or "") for c in row) for row in table.extract()]
            rows = [r for r in rows if any(r)]
            if rows:
                tables.append((float(table.bbox[1]), float(table.bbox[3]), rows))
                boxes.append(tuple(float(v) for v in table.bbox))  # type: ignore[arg-type]
    lines: list[_Line] = []
    for line in page.extract_text_lines(strip=True, return_chars=True):
        x0, top, x1, bottom = (float(line[k]) for k in ("x0", "top", "x1", "bottom"))
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
            continue
        text = normalise(line["text"])
        if not text:
            continue
        sizes = [float(c.get("size", 0)) for c in line.get("chars", ())]
        size = round(max(Counter(round(s, 1) for s in sizes).most_common(1)[0][0], 0), 1) if sizes else 0.0
        chars = [c for c in line.get("chars", ()) if str(c.get("text", "")).strip()]
        bold = bool(chars) and all(_BOLD.search(str(c.get("fontname", ""))) for c in chars)
        lines.append(_Line(n, text, top, bottom, x0, x1, size, bold))
    return _Page(n, float(page.height), lines, tables)


def _marginal(pages: list[_Page]) -> set[tuple[int, int]]:
    """(page, index) of the lines that are page headers or footers: in the page margin, or near the
    top/bottom and repeated at the same height on at least half of the pages (at least two)."""
    out: set[tuple[int, int]] = set()
    where: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for page in pages:
        for line in page.lines:
            side = _side(line, page.height, _BAND)
            if side:
                where.setdefault((side, _DIGITS.sub("#", line.text)), []).append((page.number, line.top))
    needed = max(2, (len(pages) + 1) // 2)

    def candidate(page: _Page, line: _Line) -> bool:
        if _side(line, page.height, _MARGIN):
            return True
        side = _side(line, page.height, _BAND)
        spots = where.get((side, _DIGITS.sub("#", line.text)), []) if side else []
        return len({p for p, top in spots if abs(top - line.top) <= 3}) >= needed

    for page in pages:
        indexed = list(enumerate(page.lines))
        for side, ordered in (("header", sorted(indexed, key=lambda il: il[1].top)),
                              ("footer", sorted(indexed, key=lambda il: -il[1].bottom))):
            # Headers/footers are the outermost lines, each a candidate, set apart from the body
            # by more than the line spacing of wrapped text.
            taken: list[tuple[int, _Line]] = []
            for i, line in ordered:
                if _side(line, page.height, _BAND) != side or not candidate(page, line):
                    break
                taken.append((i, line))
            while taken:
                i, line = taken[-1]
                rest = ordered[len(taken)] if len(taken) < len(ordered) else None
                if rest is None and not _side(line, page.height, _MARGIN):
                    # Only repeated lines on the page and nothing else: body text, not a header.
                    taken.pop()
                    continue
                if rest is None:
                    break
                gap = rest[1].top - line.bottom if side == "header" else line.top - rest[1].bottom
                # In the margin a header is set apart by more than line spacing; a line found only by
                # repetition needs a clear gap of two lines (a repeated first body line has less).
                spacing = 0.8 if _side(line, page.height, _MARGIN) else 2.0
                if gap >= (line.bottom - line.top) * spacing:
                    break
                taken.pop()
            out.update((page.number, i) for i, _ in taken)
    return out


def _side(line: _Line, height: float, band: float) -> str:
    if line.bottom <= height * band:
        return "header"
    if line.top >= height * (1 - band):
        return "footer"
    return ""


def _blocks(pages: list[_Page]) -> list[Block]:
    marginal = _marginal(pages)
    body_sizes: Counter[float] = Counter()
    for page in pages:
        for i, line in enumerate(page.lines):
            if (page.number, i) not in marginal:
                body_sizes[line.size] += len(line.text)
    body = body_sizes.most_common(1)[0][0] if body_sizes else 0.0
    # Larger type than the body text is a heading; the largest size is level 1.
    heading_sizes = sorted((s for s in body_sizes if body and s > body * 1.12), reverse=True)
    level_of = {s: min(i + 1, 6) for i, s in enumerate(heading_sizes)}
    # A short line all in bold at about body size is the next level down (Word's Heading 3 is
    # 12 pt bold beside 11 pt body text); a sentence in bold (ending in a full stop) is not.
    bold_level = min(len(heading_sizes) + 1, 6)

    def heading_level(line: _Line) -> int:
        level = level_of.get(line.size, 0)
        if (not level and line.bold and len(line.text) <= 80 and not line.text.endswith((".", ",", ";"))
                and not is_labelled(line.text)):
            level = bold_level
        return level

    out: list[Block] = []
    for page in pages:
        loc = Location(page=page.number)
        headers = [ln for i, ln in enumerate(page.lines) if (page.number, i) in marginal and _side(ln, page.height, _BAND) == "header"]
        footers = [ln for i, ln in enumerate(page.lines) if (page.number, i) in marginal and _side(ln, page.height, _BAND) == "footer"]
        # A table in the page margin is a header or footer laid out as a table (Word headers often
        # are: "TLP:AMBER | Notulen | pagina 1").
        edge: dict[str, list[Block]] = {"header": [], "footer": []}
        items: list[tuple[float, Block | _Line]] = [(ln.top, ln) for i, ln in enumerate(page.lines)
                                                    if (page.number, i) not in marginal]
        for top, bottom, rows in page.tables:
            text = "\n".join(" | ".join(r) for r in rows)
            if bottom <= page.height * _MARGIN or top >= page.height * (1 - _MARGIN):
                side: BlockKind = "header" if bottom <= page.height * _MARGIN else "footer"
                edge[side].append(Block(side, normalise(" | ".join(c for r in rows for c in r if c)), loc,
                                        rows=tuple(rows)))
            else:
                items.append((top, Block("table", text, loc, rows=tuple(rows))))
        out.extend(edge["header"])
        for ln in headers:
            out.append(Block("header", ln.text, loc))
        items.sort(key=lambda it: it[0])
        para: list[_Line] = []
        # Where wrapped lines end: a line ending well before it ended its paragraph (or a line break).
        right = max((ln.x1 for _, ln in items if isinstance(ln, _Line)), default=0.0)

        def flush() -> None:
            if para:
                # A lone "Label: value" line is metadata; wrapped lines are one paragraph.
                lines = [(p.text, loc) for p in para]
                out.extend(paragraph_blocks(lines) if len(lines) == 1 else
                           [Block("paragraph", normalise(" ".join(p.text for p in para)), loc)])
                para.clear()

        for _, item in items:
            if isinstance(item, Block):
                flush()
                out.append(item)
                continue
            level = heading_level(item)
            if level:
                flush()
                out.append(Block("heading", item.text, loc, level=level))
                continue
            if _BULLET.match(item.text):
                flush()
                out.append(Block("list_item", _BULLET.sub("", item.text, count=1) or item.text, loc))
                continue
            prev = para[-1] if para else None
            # A line continues the paragraph when it follows closely in the same type; a wider gap
            # (a blank line) starts a new one.
            if prev is not None and (item.top - prev.bottom > max(prev.bottom - prev.top, 1) * 0.8
                                     or abs(item.size - prev.size) > 0.5 or prev.x1 < right * 0.85
                                     or is_labelled(item.text)):
                flush()
            para.append(item)
        flush()
        for ln in footers:
            out.append(Block("footer", ln.text, loc))
        out.extend(edge["footer"])
    return out

