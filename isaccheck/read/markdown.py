"""Markdown: markdown-it-py's token stream, keeping its line maps (1-based lines in the block's Location)."""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from isaccheck.read.html import read_html_fragment
from isaccheck.read.model import Block, Location, StructuredDocument
from isaccheck.read.text import normalise, paragraph_blocks

_FRONTMATTER_END = re.compile(r"^(---|\.\.\.)\s*$")


def _parser() -> MarkdownIt:
    # CommonMark plus GFM tables (the attendance tables of minutes kept in Markdown).
    return MarkdownIt("commonmark").enable("table")


def _inline_lines(token: Token) -> list[str]:
    """The plain text of an inline token per source line: text, code and link labels."""
    lines: list[list[str]] = [[]]
    for child in token.children or ():
        if child.type in ("text", "code_inline", "image"):
            lines[-1].append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            lines.append([])
    return ["".join(parts) for parts in lines]


def _inline_text(token: Token) -> str:
    """The plain text of an inline token; line breaks become spaces."""
    return normalise(" ".join(_inline_lines(token)))


def _frontmatter(lines: list[str]) -> int:
    """Number of lines of a leading YAML frontmatter block (0 when there is none)."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for i in range(1, len(lines)):
        if _FRONTMATTER_END.match(lines[i]):
            return i + 1
    return 0


def read_markdown(path: str, text: str, *, line_offset: int = 0) -> StructuredDocument:
    lines = text.splitlines()
    blocks: list[Block] = []
    fm = _frontmatter(lines)
    for i in range(1, max(fm - 1, 1)):
        # Top-level frontmatter lines are metadata as written (nested values and list items are
        # part of the line above them).
        if lines[i].strip() and not lines[i].startswith((" ", "\t", "#", "-")):
            blocks.append(Block("metadata", normalise(lines[i]), Location(line=i + 1 + line_offset)))
    # Blank lines keep the body's line numbers equal to the file's.
    body = "\n" * fm + "\n".join(lines[fm:])
    tokens = _parser().parse(body)
    blocks.extend(_blocks(path, tokens, line_offset))
    return StructuredDocument(path=path, format="markdown", blocks=tuple(blocks))


def _line(token: Token, line_offset: int) -> int | None:
    return token.map[0] + 1 + line_offset if token.map else None


def _blocks(path: str, tokens: list[Token], line_offset: int) -> list[Block]:
    out: list[Block] = []
    list_depth = 0
    in_item = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        t = tok.type
        if t in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif t == "list_item_open":
            in_item += 1
        elif t == "list_item_close":
            in_item -= 1
        elif t == "heading_open":
            text = _inline_text(tokens[i + 1])
            out.append(Block("heading", text, Location(line=_line(tok, line_offset)), level=int(tok.tag[1:])))
            i += 3
            continue
        elif t == "paragraph_open":
            if in_item:
                text = _inline_text(tokens[i + 1])
                if text:
                    out.append(Block("list_item", text, Location(line=_line(tok, line_offset)),
                                     level=max(list_depth - 1, 0)))
            else:
                first = _line(tok, line_offset) or 1
                out.extend(paragraph_blocks([(text, Location(line=first + k))
                                             for k, text in enumerate(_inline_lines(tokens[i + 1]))]))
            i += 3
            continue
        elif t == "table_open":
            i = _table(tokens, i, out, line_offset)
            continue
        elif t in ("fence", "code_block"):
            text = normalise(tok.content)
            if text:
                out.append(Block("paragraph", text, Location(line=_line(tok, line_offset))))
        elif t == "html_block":
            # HTML inside Markdown (secretaries paste tables from Word): read with the HTML
            # reader, lines counted from the block's first line.
            out.extend(read_html_fragment(tok.content, line_offset=(_line(tok, line_offset) or 1) - 1))
        i += 1
    return out


def _table(tokens: list[Token], i: int, out: list[Block], line_offset: int) -> int:
    start = tokens[i]
    rows: list[tuple[str, ...]] = []
    row: list[str] = []
    i += 1
    while i < len(tokens) and tokens[i].type != "table_close":
        t = tokens[i].type
        if t == "tr_open":
            row = []
        elif t == "inline":
            row.append(_inline_text(tokens[i]))
        elif t == "tr_close":
            rows.append(tuple(row))
        i += 1
    out.append(table_block(rows, Location(line=_line(start, line_offset))))
    return i + 1


def table_block(rows: list[tuple[str, ...]], location: Location) -> Block:
    """A table Block: rows as given, text rows joined by newlines and cells by " | "."""
    return Block("table", "\n".join(" | ".join(r) for r in rows), location, rows=tuple(rows))
