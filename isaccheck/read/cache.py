"""Cache of extracted documents by content (issue 10, point 8).

Reading a PDF costs ~100 ms a page; a second run over an unchanged archive should cost what
reading frontmatter costs. Entries are keyed by the content (sha256 of the bytes, or the git blob
id the caller already has), the format and the line offset, under a directory named after the
isaccheck version and READER_VERSION, so a new release or reader never sees old extractions.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterable, Iterator

from isaccheck import __version__
from isaccheck.read.model import Block, Location, StructuredDocument

# Bump when any reader's output changes for the same bytes.
READER_VERSION = "4"


# `--no-cache` (every command that loads a repository): as ISACCHECK_NO_CACHE=1, for one command.
# A context variable, like repository.INFER: the CLI sets it per invocation, the environment stays.
ENABLED: ContextVar[bool] = ContextVar("isaccheck_cache", default=True)


def cache_base() -> Path | None:
    """isaccheck's cache directory, or None when caching is off (--no-cache, ISACCHECK_NO_CACHE=1)."""
    if not ENABLED.get() or os.environ.get("ISACCHECK_NO_CACHE", "").strip() not in ("", "0"):
        return None
    override = os.environ.get("ISACCHECK_CACHE_DIR", "").strip()
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("isaccheck", appauthor=False))


def cache_root() -> Path | None:
    """The extraction cache's directory, or None when caching is off."""
    base = cache_base()
    return None if base is None else base / "read" / f"{__version__}-r{READER_VERSION}"


def cache_folder(repo_root: str | None, *parts: str) -> Path | None:
    """The folder `parts` of isaccheck's cache directory (the extractions, the inferred fields, the
    load cache), or None: caching off, or that folder lies inside the checked repository, which
    isaccheck never writes."""
    base = cache_base()
    if base is None:
        return None
    folder = base.joinpath(*parts)
    return None if inside(folder, repo_root) else folder


def atomic_write(target: Path, chunks: Iterable[bytes]) -> None:
    """Write target whole or not at all (a temporary file renamed): a concurrent run or an
    interrupted write never leaves half a file. A read-only or full cache directory, or a value
    that cannot be written (marshal or JSON refusing it, never in practice), leaves no file: runs
    are slower, not wrong. `chunks` may be a generator: its errors are caught the same way."""
    import tempfile  # only when a file is written: validate imports the caches, and must start fast

    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(tmp, target)
        tmp = None
    except (OSError, ValueError, TypeError):
        pass
    finally:
        if tmp is not None:  # failed or interrupted: no half file left behind
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def json_chunks(value: Any) -> Iterator[bytes]:
    """An entry as compact UTF-8 JSON, for atomic_write (encoded inside its try)."""
    yield json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_id(data: bytes, blob_id: str | None = None) -> str:
    if blob_id:
        return f"git-{blob_id.lower()}"
    return "sha256-" + hashlib.sha256(data).hexdigest()


def inside(path: Path, root: str | None) -> bool:
    """Whether path, links resolved, lies in the folder root (None: no root, so not): where isaccheck
    must not write (the checked repository). Shared by the caches and git's scratch output."""
    if root is None:
        return False
    try:
        path.resolve().relative_to(Path(root).resolve())
        return True
    except (ValueError, OSError):
        return False


class Cache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._dir = str(directory)

    @classmethod
    def for_run(cls, repo_root: str | None = None) -> Cache | None:
        """The cache to use, or None: caching off, or the cache directory lies inside the checked
        repository (which isaccheck never writes)."""
        return _for_run(os.environ.get("ISACCHECK_NO_CACHE", ""), os.environ.get("ISACCHECK_CACHE_DIR", ""), repo_root,
                        ENABLED.get())


    def _file(self, key: str) -> Path:
        return self.directory / key[-2:] / f"{key}.json"

    def _name(self, key: str) -> str:
        # A plain string path: pathlib's joins are a fifth of a warm read.
        return os.path.join(self._dir, key[-2:], key + ".json")

    def load(self, key: str, path: str) -> StructuredDocument | None:
        """The cached document for key, with path set; None when absent or unreadable (a corrupt
        entry is ignored and rewritten by the next store)."""
        try:
            with open(self._name(key), "rb") as fh:
                raw = json.loads(fh.read())
            return _decode(raw, path)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def store(self, key: str, doc: StructuredDocument) -> None:
        atomic_write(self._file(key), json_chunks(_encode(doc)))


@functools.lru_cache(maxsize=16)
def _for_run(no_cache: str, cache_dir: str, repo_root: str | None, enabled: bool) -> Cache | None:
    # Keyed on the environment it depends on: once per run, not once per file.
    folder = cache_folder(repo_root, "read", f"{__version__}-r{READER_VERSION}")
    return None if folder is None else Cache(folder)


def _encode(doc: StructuredDocument) -> dict[str, Any]:
    return {
        "format": doc.format,
        "properties": [list(p) for p in doc.properties],
        "blocks": [[b.kind, b.text, b.location.line, b.location.page, b.location.part, b.level,
                    [list(r) for r in b.rows]] for b in doc.blocks],
    }


_KINDS = frozenset(("heading", "paragraph", "list_item", "table", "header", "footer", "metadata"))


def _decode(raw: dict[str, Any], path: str) -> StructuredDocument:
    """The document of a cache entry; ValueError/TypeError/KeyError when the entry is not one.
    Written for speed (a warm run is mostly this): blocks of one page or part share a Location."""
    blocks = []
    locations: dict[tuple[Any, Any, Any], Location] = {}
    for kind, text, line, page, part, level, rows in raw["blocks"]:
        if kind not in _KINDS or type(text) is not str or type(level) is not int:
            raise ValueError(kind)
        key = (line, page, part)
        location = locations.get(key)
        if location is None:
            if ((line is not None and type(line) is not int) or (page is not None and type(page) is not int)
                    or (part is not None and type(part) is not str)):
                raise ValueError(key)
            location = locations[key] = Location(line, page, part)
        if rows:
            cells = tuple(map(tuple, rows))
            for row in cells:
                for cell in row:
                    if type(cell) is not str:
                        raise ValueError(cell)
            blocks.append(Block(kind, text, location, level, cells))
        else:
            blocks.append(Block(kind, text, location, level))
    props = tuple((str(k), str(v)) for k, v in raw["properties"])
    return StructuredDocument(path=path, format=str(raw["format"]), blocks=tuple(blocks), properties=props)
