"""Plain text: one paragraph per run of non-blank lines; shared text helpers."""
from __future__ import annotations

import re

from isaccheck.read.model import Block, Location, StructuredDocument

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace runs (newlines, tabs, non-breaking spaces) become one space; ends trimmed."""
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


# "Datum: 12 maart 2025", "Meeting Date: May 29, 2024", "Classification: TLP:AMBER": a short label
# (at most five words, starting with a letter), a colon, a space and a value.
_LABEL = re.compile(r"^(?=[^\W\d_])[\w'()/&.\- ]{1,40}?:\s+\S")


def is_labelled(line: str) -> bool:
    """A "Label: value" line: metadata written in the body."""
    m = _LABEL.match(line)
    return bool(m) and len(line.split(":", 1)[0].split()) <= 5


def paragraph_blocks(lines: list[tuple[str, Location]]) -> list[Block]:
    """Blocks of one paragraph given as its lines: each "Label: value" line is a metadata block of
    its own when every line is one (a block of metadata lines) or the paragraph is one line;
    otherwise the lines are one paragraph at the first line's location."""
    texts = [(normalise(t), loc) for t, loc in lines if normalise(t)]
    if not texts:
        return []
    if all(is_labelled(t) for t, _ in texts):
        return [Block("metadata", t, loc) for t, loc in texts]
    return [Block("paragraph", normalise(" ".join(t for t, _ in texts)), texts[0][1])]


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
            blocks.extend(paragraph_blocks([(t, Location(line=start + k + line_offset)) for k, t in enumerate(buf)]))
            start, buf = None, []
    return StructuredDocument(path=path, format="text", blocks=tuple(blocks))
