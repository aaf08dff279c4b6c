"""OpenDocument text (.odt): content.xml, styles.xml (page headers/footers) and meta.xml, parsed
with defusedxml (no DTDs, no entities) after the zip checks. odfpy was not needed: the text model
of ODF is small enough to walk directly, and defusedxml closes XXE in one place."""
from __future__ import annotations

import zipfile
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring

from isaccheck.read.limits import ReadLimits
from isaccheck.read.model import Block, BlockKind, Location, ReadProblem, StructuredDocument
from isaccheck.read.text import normalise, paragraph_blocks
from isaccheck.read.ziparchive import open_zip

_NS = {
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


_H, _P, _LIST, _ITEM, _HDR = _q("text", "h"), _q("text", "p"), _q("text", "list"), _q("text", "list-item"), _q("text", "list-header")
_TABLE, _ROW, _CELL, _COVERED = _q("table", "table"), _q("table", "table-row"), _q("table", "table-cell"), _q("table", "covered-table-cell")
_SECTIONLIKE = {_q("text", "section"), _q("table", "table-header-rows"), _q("table", "table-rows"),
                _q("table", "table-row-group"), _q("text", "soft-page-break")}
_NOTE = _q("text", "note")


def _raw(el: Element) -> str:
    """Text of a paragraph: text:s and tabs become spaces, line breaks newlines; notes are left out."""
    parts: list[str] = []

    def walk(e: Element) -> None:
        if e.tag == _NOTE:
            return
        if e.tag == _q("text", "line-break"):
            parts.append("\n")
        elif e.tag in (_q("text", "s"), _q("text", "tab")):
            parts.append(" ")
        elif e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts)


def _text(el: Element) -> str:
    return normalise(_raw(el))


def _rows(table: Element) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for row in table.iter(_ROW):
        cells = tuple(normalise(" ".join(_text(p) for p in cell if p.tag in (_P, _H))) for cell in row if cell.tag == _CELL)
        if cells:
            rows.append(cells)
    return rows


class _Walker:
    def __init__(self, kind_default: BlockKind, part_for: str | None) -> None:
        self.out: list[Block] = []
        self.n_par = 0
        self.n_tab = 0
        self.kind_default = kind_default
        self.part_for = part_for    # header/footer part name, or None for the body

    def loc(self, what: str) -> Location:
        return Location(part=self.part_for or what)

    def walk(self, el: Element, depth: int) -> None:
        for child in el:
            tag = child.tag
            if tag == _H:
                self.n_par += 1
                text = _text(child)
                if text:
                    try:
                        level = int(child.get(_q("text", "outline-level")) or "1")
                    except ValueError:
                        level = 1
                    kind: BlockKind = "heading" if self.part_for is None else self.kind_default
                    self.out.append(Block(kind, text, self.loc(f"paragraph {self.n_par}"),
                                          level=min(max(level, 1), 6) if kind == "heading" else 0))
            elif tag == _P:
                self.n_par += 1
                loc = self.loc(f"paragraph {self.n_par}")
                if self.part_for is None:
                    self.out.extend(paragraph_blocks([(line, loc) for line in _raw(child).split("\n")]))
                elif _text(child):
                    self.out.append(Block(self.kind_default, _text(child), loc))
            elif tag == _LIST:
                self.list(child, depth)
            elif tag == _TABLE:
                self.n_tab += 1
                rows = _rows(child)
                if any(any(r) for r in rows):
                    kind = "table" if self.part_for is None else self.kind_default
                    self.out.append(Block(kind, "\n".join(" | ".join(r) for r in rows),
                                          self.loc(f"table {self.n_tab}"), rows=tuple(rows)))
            elif tag in _SECTIONLIKE:
                self.walk(child, depth)

    def list(self, lst: Element, depth: int) -> None:
        for item in lst:
            if item.tag not in (_ITEM, _HDR):
                continue
            for child in item:
                if child.tag in (_P, _H):
                    self.n_par += 1
                    text = _text(child)
                    if text:
                        kind: BlockKind = "list_item" if self.part_for is None else self.kind_default
                        self.out.append(Block(kind, text, self.loc(f"paragraph {self.n_par}"),
                                              level=depth if kind == "list_item" else 0))
                elif child.tag == _LIST:
                    self.list(child, depth + 1)


def _headers_footers(styles: Element | None, which: str) -> list[Block]:
    if styles is None:
        return []
    kind: BlockKind = "header" if which == "header" else "footer"
    out: list[Block] = []
    for n, page in enumerate(styles.iter(_q("style", "master-page")), start=1):
        name = page.get(_q("style", "name")) or str(n)
        for variant in (which, f"{which}-first", f"{which}-left"):
            hf = page.find(_q("style", variant))
            if hf is None:
                continue
            label = {which: which, f"{which}-first": f"first page {which}", f"{which}-left": f"left page {which}"}[variant]
            walker = _Walker(kind, f"{label} (page style {name})")
            walker.walk(hf, 0)
            out.extend(walker.out)
    return out


def _part(zf: zipfile.ZipFile, name: str) -> Element | None:
    try:
        return fromstring(zf.read(name), forbid_dtd=True)
    except KeyError:
        return None


def read_odt(path: str, data: bytes, limits: ReadLimits) -> StructuredDocument | ReadProblem:
    zf = open_zip(path, data, limits, "OpenDocument")
    if isinstance(zf, ReadProblem):
        return zf
    try:
        content = _part(zf, "content.xml")
        styles = _part(zf, "styles.xml")
        meta = _part(zf, "meta.xml")
    except Exception as exc:  # noqa: BLE001 - open_zip parsed these already; this is belt and braces
        return ReadProblem(path, "corrupt", f"{path}: not a readable OpenDocument file ({exc})",
                           f"{path}: geen leesbaar OpenDocument-bestand ({exc})")
    if content is None:
        return ReadProblem(path, "corrupt", f"{path}: no content.xml: not an OpenDocument text",
                           f"{path}: geen content.xml: geen OpenDocument-tekst")
    body = content.find(f"{_q('office', 'body')}/{_q('office', 'text')}")
    walker = _Walker("paragraph", None)
    if body is not None:
        walker.walk(body, 0)
    blocks = _headers_footers(styles, "header") + walker.out + _headers_footers(styles, "footer")
    props: list[tuple[str, str]] = []
    if meta is not None:
        for key, tag in (("title", _q("dc", "title")), ("subject", _q("dc", "subject")),
                         ("author", _q("meta", "initial-creator")), ("created", _q("meta", "creation-date")),
                         ("modified", _q("dc", "date"))):
            el = meta.find(f".//{tag}")
            if el is not None and el.text and normalise(el.text):
                props.append((key, normalise(el.text)))
    return StructuredDocument(path=path, format="odt", blocks=tuple(blocks), properties=tuple(props))
