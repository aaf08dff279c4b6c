"""The one interface between the format readers (isaccheck.read.*) and field inference.

Every reader turns a file's bytes into a StructuredDocument (blocks in reading order, each with
where it came from) or a ReadProblem (never an exception): the caller reports problems by file
and goes on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table", "header", "footer", "metadata"]


@dataclass(frozen=True)
class Location:
    line: int | None = None    # 1-based line in the file (text formats: md, html, txt)
    page: int | None = None    # 1-based page (pdf)
    part: str | None = None    # docx/odt: e.g. "paragraph 12", "table 2", "header (section 1)"

    def describe(self) -> str:
        """"line 12" / "page 3" / "paragraph 12"; the most precise of what is known, joined."""
        bits: list[str] = []
        if self.page is not None:
            bits.append(f"page {self.page}")
        if self.line is not None:
            bits.append(f"line {self.line}")
        if self.part is not None:
            bits.append(self.part)
        return ", ".join(bits)


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str                  # plain text, whitespace-normalised; for tables: cells joined by " | " per row, rows by "\n"
    location: Location
    level: int = 0             # heading level 1..6; list nesting depth (0 = top)
    rows: tuple[tuple[str, ...], ...] = ()   # tables only: every row's cell texts as given (first row is usually the header)


@dataclass(frozen=True)
class StructuredDocument:
    path: str                  # repository-relative, "/"-separated
    format: str                # "markdown" | "html" | "docx" | "pdf" | "odt" | "text"
    blocks: tuple[Block, ...]  # in reading order; page headers/footers as kind "header"/"footer"
    properties: tuple[tuple[str, str], ...] = ()   # document properties where the format has them (title, created...)


@dataclass(frozen=True)
class ReadProblem:
    path: str
    code: str                  # "unreadable", "encrypted", "too-large", "zip-bomb", "timeout", "corrupt", "unsupported"
    message_en: str
    message_nl: str
    location: Location | None = None


__all__ = ["BlockKind", "Location", "Block", "StructuredDocument", "ReadProblem", "field"]
