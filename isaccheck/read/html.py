"""HTML (and HTML blocks inside Markdown): lxml.html, which keeps each element's source line.

selectolax is faster but keeps no source positions, and a value without its line breaks the
provenance rule; measurements in docs/adopt.md ("Formats").
"""
from __future__ import annotations

from lxml import etree, html as lhtml

from isaccheck.read.model import Block, BlockKind, Location, StructuredDocument
from isaccheck.read.text import normalise, paragraph_blocks

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PARAS = {"p", "pre", "dt", "dd", "caption", "address", "figcaption", "summary"}
_LISTS = {"ul", "ol", "menu"}
_SKIP = {"script", "style", "template", "noscript", "head", "svg", "math", "iframe", "object"}
# Elements that break text into separate lines/blocks (a space is put around their text).
_BLOCKISH = _HEADINGS | _PARAS | _LISTS | {"li", "table", "tr", "td", "th", "div", "section", "article",
                                           "main", "header", "footer", "nav", "aside", "blockquote",
                                           "body", "html", "form", "fieldset", "br", "hr", "figure",
                                           "details", "dl", "thead", "tbody", "tfoot"}


def _parser() -> lhtml.HTMLParser:
    # No network, no comments or processing instructions: document text is data only.
    return lhtml.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True)


def _tag(el: object) -> str:
    tag = getattr(el, "tag", None)
    return tag.lower() if isinstance(tag, str) else ""


def text_of(el: lhtml.HtmlElement, *, skip_lists: bool = False) -> str:
    """Plain text of an element: block-level children and <br> separate words."""
    return normalise(raw_text(el, skip_lists=skip_lists))


# Marks a <br> in raw text: source newlines are spaces in HTML, only <br> ends a line.
BR = "\x0b"


def raw_text(el: lhtml.HtmlElement, *, skip_lists: bool = False) -> str:
    """Text of an element with BR for each <br>, not yet normalised."""
    parts: list[str] = []

    def walk(e: lhtml.HtmlElement) -> None:
        tag = _tag(e)
        if tag in _SKIP or (skip_lists and e is not el and tag in _LISTS):
            return
        sep = tag in _BLOCKISH
        if tag == "br":
            parts.append(BR)
        elif sep:
            parts.append(" ")
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if sep:
            parts.append(" ")

    walk(el)
    return "".join(parts)


def _line(el: lhtml.HtmlElement, line_offset: int) -> int | None:
    line = getattr(el, "sourceline", None)
    return line + line_offset if isinstance(line, int) else None


def _blocks(root: lhtml.HtmlElement, line_offset: int) -> list[Block]:
    out: list[Block] = []

    def emit(kind: BlockKind, text: str, el: lhtml.HtmlElement, level: int = 0) -> None:
        if text:
            out.append(Block(kind, text, Location(line=_line(el, line_offset)), level=level))

    def walk(el: lhtml.HtmlElement, depth: int) -> None:
        """Children of a container: block children are walked, runs of inline content between
        them become paragraphs, located where their first text stands."""
        run: list[str] = []
        run_line: list[int | None] = [None]

        def add(text: str, line: int | None) -> None:
            if run_line[0] is None and text.strip() and line is not None:
                run_line[0] = line + text[: len(text) - len(text.lstrip())].count("\n")
            run.append(text)

        def flush() -> None:
            loc = Location(line=run_line[0])
            out.extend(paragraph_blocks([(line, loc) for line in "".join(run).split(BR)]))
            run.clear()
            run_line[0] = None

        add(el.text or "", _line(el, line_offset))
        for child in el:
            tag = _tag(child)
            if tag in _BLOCKISH and tag != "br":
                flush()
                block(child, depth)
            elif tag and tag not in _SKIP:
                add(BR if tag == "br" else text_of(child), _line(child, line_offset))
            # Source line breaks inside running text are spaces; only <br> breaks a line.
            tail = child.tail or ""
            add(tail, _end_line(child, line_offset))
        flush()

    def block(el: lhtml.HtmlElement, depth: int) -> None:
        tag = _tag(el)
        if tag in _HEADINGS:
            emit("heading", text_of(el), el, level=int(tag[1]))
        elif tag in _PARAS:
            loc = Location(line=_line(el, line_offset))
            out.extend(paragraph_blocks([(line, loc) for line in raw_text(el).split(BR)]))
        elif tag == "table":
            rows = table_rows(el)
            if rows:
                out.append(Block("table", "\n".join(" | ".join(r) for r in rows),
                                 Location(line=_line(el, line_offset)), rows=tuple(rows)))
        elif tag in _LISTS:
            for item in el:
                if _tag(item) == "li":
                    emit("list_item", text_of(item, skip_lists=True), item, level=depth)
                    for sub in item.iter(*_LISTS):
                        if sub.getparent() is item or _nearest_li(sub) is item:
                            block(sub, depth + 1)
        elif tag in ("header", "footer") and not any(True for _ in el.iter(*_HEADINGS)):
            # A page header/footer ("Status: Final / TLP: GREEN") is one block, as in Word and PDF.
            emit("header" if tag == "header" else "footer", text_of(el), el)
        elif tag in ("hr", "br"):
            return
        else:
            walk(el, depth)

    body = root.find("body")
    walk(body if body is not None else root, 0)
    return out


def _end_line(el: lhtml.HtmlElement, line_offset: int) -> int | None:
    """The line an element ends on (where its tail starts): its start plus the newlines in it."""
    line = _line(el, line_offset)
    if line is None:
        return None
    newlines: int = sum(str(t).count("\n") for t in el.itertext())
    return line + newlines


def _nearest_li(el: lhtml.HtmlElement) -> lhtml.HtmlElement | None:
    p = el.getparent()
    while p is not None and _tag(p) != "li":
        p = p.getparent()
    return p


def table_rows(table: lhtml.HtmlElement) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = tuple(text_of(c) for c in tr if _tag(c) in ("td", "th"))
        if cells:
            rows.append(cells)
    return rows


def _parse(text: str) -> lhtml.HtmlElement | None:
    if not text.strip():
        return None
    try:
        return lhtml.document_fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError):
        return None


def read_html(path: str, text: str, *, line_offset: int = 0) -> StructuredDocument:
    root = _parse(text)
    if root is None:
        return StructuredDocument(path=path, format="html", blocks=())
    props: list[tuple[str, str]] = []
    title = root.find(".//title")
    if title is not None and text_of(title):
        props.append(("title", text_of(title)))
    for meta in root.iter("meta"):
        name, content = meta.get("name"), meta.get("content")
        if name and content is not None:
            props.append((normalise(name).lower(), normalise(content)))
    return StructuredDocument(path=path, format="html", blocks=tuple(_blocks(root, line_offset)),
                              properties=tuple(props))


def read_html_fragment(text: str, *, line_offset: int = 0) -> list[Block]:
    """Blocks of an HTML fragment (an HTML block inside Markdown); lines start at line_offset + 1."""
    root = _parse(text)
    return [] if root is None else _blocks(root, line_offset)
