"""Plain text: one paragraph per run of non-blank lines; shared text helpers."""
from __future__ import annotations

import re

from isaccheck.read.model import Block, Location, StructuredDocument

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace runs (newlines, tabs, non-breaking spaces) become one space; ends trimmed."""
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what Word's "save as text" writes on a Dutch
    desktop); never fails: undecodable bytes become U+FFFD."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(path: str, text: str, *, line_offset: int = 0) -> StructuredDocument:
    blocks: list[Block] = []
    start: int | None = None
    buf: list[str] = []
    for n, line in enumerate(text.splitlines() + [""], start=1):
        if line.strip():
            if start is None:
                start = n
            buf.append(line)
        elif start is not None:
            blocks.append(Block("paragraph", normalise(" ".join(buf)), Location(line=start + line_offset)))
            start, buf = None, []
    return StructuredDocument(path=path, format="text", blocks=tuple(blocks))
