"""Reading the formats an ISAC keeps (issue 10): one module per format behind one interface.

``read_document(path, data)`` returns a StructuredDocument (blocks with locations) or a
ReadProblem; it never raises for bad input.
"""
from __future__ import annotations

import posixpath

from isaccheck.read.limits import DEFAULT_LIMITS, ReadLimits
from isaccheck.read.model import Block, BlockKind, Location, ReadProblem, StructuredDocument

# Extension -> format name (StructuredDocument.format).
FORMATS: dict[str, str] = {
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".odt": "odt",
    ".txt": "text",
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(FORMATS)


def format_of(path: str) -> str | None:
    """The format a path is read as, by its extension (case-insensitive); None when unsupported."""
    return FORMATS.get(posixpath.splitext(path)[1].lower())


def read_document(path: str, data: bytes, *, limits: ReadLimits | None = None,
                  line_offset: int = 0) -> StructuredDocument | ReadProblem:
    limits = limits or DEFAULT_LIMITS
    fmt = format_of(path)
    if fmt is None:
        return ReadProblem(path, "unsupported",
                           f"{path}: not a format isaccheck reads (supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})",
                           f"{path}: geen formaat dat isaccheck leest (ondersteund: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
    if len(data) > limits.max_bytes:
        return ReadProblem(path, "too-large",
                           f"{path}: {len(data):,} bytes, more than the limit of {limits.max_bytes:,}; not read",
                           f"{path}: {len(data):,} bytes, meer dan de grens van {limits.max_bytes:,}; niet gelezen")
    from isaccheck.read.text import decode
    if fmt == "markdown":
        from isaccheck.read.markdown import read_markdown
        return read_markdown(path, decode(data), line_offset=line_offset)
    if fmt == "html":
        from isaccheck.read.html import read_html
        return read_html(path, decode(data), line_offset=line_offset)
    if fmt == "docx":
        from isaccheck.read.docx import read_docx
        return read_docx(path, data, limits)
    if fmt == "pdf":
        from isaccheck.read.pdf import read_pdf
        return read_pdf(path, data, limits)
    if fmt == "text":
        from isaccheck.read.text import read_text
        return read_text(path, decode(data), line_offset=line_offset)
    return ReadProblem(path, "unsupported", f"{path}: no {fmt} reader yet", f"{path}: nog geen lezer voor {fmt}")


__all__ = ["Block", "BlockKind", "Location", "ReadLimits", "ReadProblem", "StructuredDocument",
           "SUPPORTED_SUFFIXES", "FORMATS", "format_of", "read_document"]
