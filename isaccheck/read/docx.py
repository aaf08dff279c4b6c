"""Word .docx: python-docx. Paragraphs with heading levels from styles (or outline level), list
items with their level, tables as rows, section headers/footers, core properties."""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from isaccheck.read.limits import ReadLimits
from isaccheck.read.model import Block, BlockKind, Location, ReadProblem, StructuredDocument
from isaccheck.read.text import normalise, paragraph_blocks
from isaccheck.read.ziparchive import open_zip

# "Heading 2" (English Word; Dutch Word stores its "Kop 2" under the same built-in name), "Kop 2"
# in documents made from a localised template.
_HEADING_STYLE = re.compile(r"^(?:heading|kop|überschrift|titre)\s*(\d)$", re.IGNORECASE)
_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_LIST_STYLE = re.compile(r"^(?:list|lijst)", re.IGNORECASE)


def _style_name(p: Paragraph, names: dict[str, str]) -> str:
    """The paragraph's style name, looked up by id in a table made once per document
    (python-docx's p.style searches all styles for every paragraph)."""
    ppr = p._p.pPr
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    if style is None:
        return ""
    return names.get(style.get(qn("w:val")) or "", "")


def _heading_level(p: Paragraph, names: dict[str, str]) -> int:
    name = _style_name(p, names)
    m = _HEADING_STYLE.match(name.strip())
    if m:
        return min(max(int(m.group(1)), 1), 6)
    if name.strip().lower() in ("title", "titel"):
        return 1
    ppr = p._p.pPr
    if ppr is not None:
        outline = ppr.find(qn("w:outlineLvl"))
        if outline is not None:
            try:
                lvl = int(outline.get(qn("w:val")) or "9")
            except ValueError:
                lvl = 9
            if lvl < 9:  # 9 means "body text"
                return min(lvl + 1, 6)
    return 0


def _list_level(p: Paragraph, names: dict[str, str]) -> int | None:
    """The list nesting depth (0 = top) of a list paragraph; None when it is not in a list."""
    ppr = p._p.pPr
    numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if numpr is not None:
        ilvl = numpr.find(qn("w:ilvl"))
        try:
            return int(ilvl.get(qn("w:val")) or "0") if ilvl is not None else 0
        except ValueError:
            return 0
    name = _style_name(p, names)
    if _LIST_STYLE.match(name.strip()):
        m = re.search(r"(\d)$", name.strip())
        return int(m.group(1)) - 1 if m else 0
    return None


def table_rows(table: Table) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for row in table.rows:
        cells: list[str] = []
        last = None
        for cell in row.cells:
            # python-docx repeats a horizontally merged cell once per grid column: keep it once.
            if last is not None and cell._tc is last:
                continue
            last = cell._tc
            cells.append(normalise(cell.text))
        rows.append(tuple(cells))
    return rows


def _table_block(kind: BlockKind, table: Table, part: str) -> Block | None:
    rows = table_rows(table)
    if not any(any(c for c in r) for r in rows):
        return None
    return Block(kind if kind != "paragraph" else "table", "\n".join(" | ".join(r) for r in rows),
                 Location(part=part), rows=tuple(rows))


def _items(element: Any, parent: Any) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in document order, also those inside content controls (w:sdt):
    Word templates put a cover page's title and date in them, and python-docx's
    iter_inner_content skips them."""
    for child in element.iterchildren():
        if child.tag == _P:
            yield Paragraph(child, parent)
        elif child.tag == _TBL:
            yield Table(child, parent)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _items(content, parent)


def _header_footer(doc: DocxDocument, which: str) -> list[Block]:
    """Page header or footer blocks of every section (first-page and even-page variants too);
    a section linked to the previous one repeats it and is not read twice."""
    kind: BlockKind = "header" if which == "header" else "footer"
    out: list[Block] = []
    seen: set[int] = set()
    for n, section in enumerate(doc.sections, start=1):
        variants = [(which, getattr(section, which)),
                    (f"first page {which}", getattr(section, f"first_page_{which}")),
                    (f"even page {which}", getattr(section, f"even_page_{which}"))]
        for label, hf in variants:
            if hf.is_linked_to_previous:
                continue
            element = hf._element
            if element is None or id(element) in seen:
                continue
            seen.add(id(element))
            part = f"{label} (section {n})"
            for item in _items(element, hf):
                if isinstance(item, Paragraph):
                    text = normalise(item.text)
                    if text:
                        out.append(Block(kind, text, Location(part=part)))
                else:
                    rows = table_rows(item)
                    text = normalise(" | ".join(c for r in rows for c in r if c))
                    if text:
                        out.append(Block(kind, text, Location(part=part), rows=tuple(rows)))
    return out


def _properties(doc: DocxDocument) -> tuple[tuple[str, str], ...]:
    cp = doc.core_properties
    props: list[tuple[str, str]] = []
    for key in ("title", "subject", "author", "keywords", "category", "comments"):
        value = getattr(cp, key, None)
        if value:
            props.append((key, normalise(str(value))))
    for key in ("created", "modified"):
        value = getattr(cp, key, None)
        if value is not None:
            props.append((key, value.isoformat()))
    return tuple(props)


def read_docx(path: str, data: bytes, limits: ReadLimits) -> StructuredDocument | ReadProblem:
    zf = open_zip(path, data, limits, "Word")
    if isinstance(zf, ReadProblem):
        return zf
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for a broken package
        return ReadProblem(path, "corrupt", f"{path}: not a readable Word document ({type(exc).__name__}: {exc})",
                           f"{path}: geen leesbaar Word-document ({type(exc).__name__}: {exc})")
    names = {style.style_id: style.name or "" for style in doc.styles}
    blocks: list[Block] = _header_footer(doc, "header")
    n_par = n_tab = 0
    for item in _items(doc.element.body, doc._body):
        if isinstance(item, Paragraph):
            n_par += 1
            text = normalise(item.text)
            if not text:
                continue
            loc = Location(part=f"paragraph {n_par}")
            level = _heading_level(item, names)
            if level:
                blocks.append(Block("heading", text, loc, level=level))
                continue
            depth = _list_level(item, names)
            if depth is not None:
                blocks.append(Block("list_item", text, loc, level=depth))
            else:
                # Lines split by a line break (Shift+Enter) may each be a "Label: value" line.
                blocks.extend(paragraph_blocks([(line, loc) for line in item.text.split("\n")]))
        else:
            n_tab += 1
            block = _table_block("table", item, f"table {n_tab}")
            if block is not None:
                blocks.append(block)
    blocks.extend(_header_footer(doc, "footer"))
    return StructuredDocument(path=path, format="docx", blocks=tuple(blocks), properties=_properties(doc))
