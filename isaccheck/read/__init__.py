"""Reading the formats an ISAC keeps (issue 10): one module per format behind one interface.

``read_document(path, data)`` returns a StructuredDocument (blocks with locations) or a
ReadProblem; it never raises for bad input: too large, too slow, a zip bomb, XML entities, an
encrypted or corrupt PDF and garbage bytes are each a ReadProblem naming the file.
"""
from __future__ import annotations

import dataclasses
import hashlib

import posixpath
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from isaccheck.read.cache import Cache, content_id
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


class _Timeout(BaseException):
    """BaseException: the readers' and libraries' `except Exception` must not swallow it."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the reader after `seconds` (SIGALRM: Unix, main thread only; elsewhere the page
    and size limits bound the work). Python-level parsers (pdfminer, the ODF walker) are
    interrupted between bytecodes; a C parser finishes its call first."""
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, handler)
    outer, _interval = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:
            # A caller's own alarm (a test timeout, say) goes on with what was left of it.
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))


def _reader(fmt: str) -> Callable[[str, bytes, ReadLimits, int], StructuredDocument | ReadProblem]:
    from isaccheck.read.text import decode

    if fmt == "markdown":
        from isaccheck.read.markdown import read_markdown
        return lambda p, d, lim, off: read_markdown(p, decode(d), line_offset=off)
    if fmt == "html":
        from isaccheck.read.html import read_html
        return lambda p, d, lim, off: read_html(p, decode(d), line_offset=off)
    if fmt == "docx":
        from isaccheck.read.docx import read_docx
        return lambda p, d, lim, off: read_docx(p, d, lim)
    if fmt == "pdf":
        from isaccheck.read.pdf import read_pdf
        return lambda p, d, lim, off: read_pdf(p, d, lim)
    if fmt == "odt":
        from isaccheck.read.odt import read_odt
        return lambda p, d, lim, off: read_odt(p, d, lim)
    from isaccheck.read.text import read_text
    return lambda p, d, lim, off: read_text(p, decode(d), line_offset=off)


def read_document(path: str, data: bytes, *, limits: ReadLimits | None = None, line_offset: int = 0,
                  blob_id: str | None = None, repo_root: str | None = None) -> StructuredDocument | ReadProblem:
    """Read one file. `blob_id` (the git blob id, when the caller has it) saves hashing the bytes
    for the cache; `repo_root` keeps the cache out of the checked repository."""
    limits = limits or DEFAULT_LIMITS
    fmt = format_of(path)
    if fmt is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        return ReadProblem(path, "unsupported", f"{path}: not a format isaccheck reads (supported: {supported})",
                           f"{path}: geen formaat dat isaccheck leest (ondersteund: {supported})")
    if len(data) > limits.max_bytes:
        return ReadProblem(path, "too-large",
                           f"{path}: {len(data):,} bytes, more than the limit of {limits.max_bytes:,}; not read",
                           f"{path}: {len(data):,} bytes, meer dan de grens van {limits.max_bytes:,}; niet gelezen")
    cache = Cache.for_run(repo_root)
    # The limits are part of the key: a file read under generous limits must not reach a caller
    # with stricter ones (more pages, more time) through the cache.
    bounds = hashlib.sha256(repr(dataclasses.astuple(limits)).encode()).hexdigest()[:12]
    key = f"{fmt}-{line_offset}-{bounds}-{content_id(data, blob_id)}"
    if cache is not None:
        hit = cache.load(key, path)
        if hit is not None:
            return hit
    try:
        with _time_limit(limits.max_seconds):
            result = _reader(fmt)(path, data, limits, line_offset)
    except _Timeout:
        return ReadProblem(path, "timeout",
                           f"{path}: reading took longer than {limits.max_seconds:g} s; not read",
                           f"{path}: lezen duurde langer dan {limits.max_seconds:g} s; niet gelezen")
    except RecursionError:
        return ReadProblem(path, "corrupt", f"{path}: nested too deeply to read; not read",
                           f"{path}: te diep genest om te lezen; niet gelezen")
    except Exception as exc:  # noqa: BLE001 - a reader bug on odd input is a finding, not a traceback
        return ReadProblem(path, "unreadable", f"{path}: could not be read ({type(exc).__name__}: {exc})",
                           f"{path}: kon niet worden gelezen ({type(exc).__name__}: {exc})")
    if cache is not None and isinstance(result, StructuredDocument):
        cache.store(key, result)
    return result


__all__ = ["Block", "BlockKind", "Location", "ReadLimits", "ReadProblem", "StructuredDocument",
           "SUPPORTED_SUFFIXES", "FORMATS", "format_of", "read_document"]
