"""What loading a file gave, kept for the rest of a run and, on disk, for the next run.

`isaccheck history` and the report's trend evaluate the repository at every year end, and a
secretary, a pre-commit hook or CI runs `isaccheck check` again and again in one repository.
Most files are the same blob from one evaluation (or run) to the next, so reading, parsing,
validating and scanning them again gives the same documents and findings. The cache maps what a
file's loading depends on to what it produced:

- the file: its path, how it is read (Markdown, or a sidecar and whether the file it describes
  exists) and its content, by git blob id when the source knows it (so an unchanged blob is not
  even read again) or else by the git-style digest of its bytes;
- the settings that loading uses (isaccheck.yaml, the ISAC's TLP version, participants and
  community, the types that must carry a label, --no-infer): their fingerprint is part of the
  key, so a year in which they differ loads the file again;
- everything else, for the copy on disk: isaccheck's version and a digest of its installed
  files (code, schemas, the rule pack), the read limits, Python's version and the libraries
  loading uses (LIBRARIES; environment()). A file written under another environment is not used.

Documents and findings are frozen values, so sharing them between evaluations is safe.

On disk (LoadCache.open/save; docs/performance.md "Third round: warm runs" has the numbers that
chose the layout): one file per repository and kind of run ("check" for one evaluation,
"years" for history and the report's trend), holding the entries of the last such run only
(so it never grows beyond one run's files), in marshal format (builtin values only: loading it
builds no objects of arbitrary classes and runs no code, unlike pickle), written atomically in
the user cache directory of isaccheck.read.cache and never inside the checked repository. A
missing, corrupt, unreadable or unwritable file makes a run slower, never different.

For the working tree, the file also keeps each file's stat data (size, mtime, ctime, inode,
device) with its digest, so an unchanged file is not read again. As in git ("racy git"), a
stamp is trusted only when the file's mtime and ctime lay well before the moment the earlier
run listed it: a write in the same clock tick as that run's read would otherwise go unseen.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import marshal
import os
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from . import __version__
from .model import Document, Finding, Severity, Text

if TYPE_CHECKING:
    from .rulepack import RulePack

# Bump when the layout of the file on disk changes (its own code is in environment() too).
FORMAT = "isaccheck-load-2"  # 2: the year ends of history and the trend (yearends.py)
# A stamp is trusted only when the file last changed this long before the earlier run listed it:
# file systems keep times in ticks (FAT: 2 s; ext4/NTFS: a kernel clock a few ms behind the wall
# clock), and a change within the same tick leaves the stamp as it was.
RACY_NS = 3_000_000_000
# Stamps are used where ctime is the time of the last change (POSIX); on Windows it is the time of
# creation, so a file rewritten with its old mtime and size would look unchanged: read it instead.
STAMPS = os.name == "posix"

Stamp = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device


@dataclass(frozen=True)
class Loaded:
    """What loading one file added: documents, findings, a type sniffed from a broken file and the
    output label of a file that is not (wholly) a document (TLP fails closed: a hit must give it too)."""

    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    unreadable_type: str | None
    unloaded_tlp: str | None = None


@dataclass
class LoadCache:
    files: dict[tuple[Any, ...], Loaded] = field(default_factory=dict)
    packs: dict[str, RulePack] = field(default_factory=dict)  # rule packs by the text of the extra packs
    hits: int = 0
    misses: int = 0
    # -- persistence (open/save); an in-memory cache has no file and no stamps
    file: Path | None = None
    used: set[tuple[Any, ...]] = field(default_factory=set)  # keys hit or stored in this run
    stamps: dict[str, tuple[Stamp, str]] = field(default_factory=dict)  # path -> stamp, digest (earlier run)
    stamped_at: int = 0  # when the earlier run listed the working tree (ns since the epoch)
    new_stamps: dict[str, tuple[Stamp, str]] = field(default_factory=dict)
    listed_at: int = field(default_factory=time.time_ns)  # this run's start: before any file is read
    stamp_hits: int = 0  # files whose digest came from their stamp, not from reading them
    dirty: bool = False  # a file was read and stamped: worth writing down
    # The levels of past year ends by what they depend on (yearends.py); the ones used or added in this run.
    year_ends: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    used_year_ends: set[tuple[Any, ...]] = field(default_factory=set)
    year_end_hits: int = 0
    year_end_misses: int = 0
    # Git folders walked in this run by (path, tree id, settings fingerprint), with what walking them
    # added (repository._Loader.replay_plan): a year end replays each folder it shares with the last.
    walked: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    # The run-cache key each file of the last listing so walked used, by path: a file of a folder
    # that changed is added again with its key when nothing its loading reads has changed
    # (repository._Loader.reusable).
    last_keys: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # isac.yaml and isaccheck.yaml as parsed, by (path, blob id): a year end with the same blob uses
    # them again (repository.parsed_settings; not written to disk). Counter: how often so.
    settings: dict[tuple[str, str], Any] = field(default_factory=dict)
    settings_reused: int = 0
    files_walked: int = 0  # listed entries walked file by file, replayed with their folder, and
    files_replayed: int = 0  # added again by their path's key (counters)
    files_reused: int = 0

    @classmethod
    def open(cls, repo_root: Path, kind: str) -> LoadCache:
        """The cache of the last `kind` run ("check" or "years") in this repository, or an empty
        one that is saved to disk; an in-memory one when caching is off or would lie inside it."""
        target = store_file(repo_root, kind)
        cache = cls(file=target)
        if target is None:
            return cache
        with _collector_off():
            try:
                opened = open_parts(target, FORMAT)
                if opened is not None:  # else another isaccheck, Python or library wrote it: start empty
                    cache._restore(*opened)
            except Exception:  # noqa: BLE001  (corrupt, truncated, foreign, unreadable: start empty)
                cache.files, cache.stamps, cache.stamped_at, cache.year_ends = {}, {}, 0, {}
        return cache

    def _restore(self, header: tuple[Any, ...], parts: Iterator[Any]) -> None:
        stamped_at, stamps, year_ends = header
        from .yearends import decode as decode_year_end

        for key, value in year_ends.items():
            if type(key) is not tuple:
                raise ValueError(key)
            decode_year_end(value)  # a value that is not one makes the whole file unused, as below
        checked: dict[str, tuple[Stamp, str]] = {}
        for path, (stamp, digest) in stamps.items():
            size, mtime, ctime, inode, device = (int(v) for v in stamp)
            if type(path) is not str or type(digest) is not str:
                raise ValueError(path)
            checked[path] = ((size, mtime, ctime, inode, device), digest)
        files: dict[tuple[Any, ...], Loaded] = {}
        for batch in parts:
            for key, value in batch:
                if type(key) is not tuple:
                    raise ValueError(key)
                files[key] = decode(value)
        self.files, self.stamps, self.stamped_at = files, checked, int(stamped_at)
        self.year_ends = dict(year_ends)

    def year_end(self, key: tuple[Any, ...]) -> Any:
        """A past year end evaluated before (yearends.py), as stored, or None."""
        found = self.year_ends.get(key)
        if found is None:
            self.year_end_misses += 1
            return None
        self.year_end_hits += 1
        self.used_year_ends.add(key)
        return found

    def remember_year_end(self, key: tuple[Any, ...], value: Any) -> None:
        self.year_ends[key] = value
        self.used_year_ends.add(key)
        self.dirty = True

    def digest_of(self, path: str, stamp: Stamp | None) -> str | None:
        """The digest of the file as an earlier run read it, when its stamp says it is unchanged."""
        if stamp is None or not STAMPS or self.file is None:
            return None
        known = self.stamps.get(path)
        if known is None or known[0] != stamp:
            return None
        if max(stamp[1], stamp[2]) >= self.stamped_at - RACY_NS:
            return None  # changed close to the earlier run's read: racily clean, read it
        self.stamp_hits += 1
        self.new_stamps[path] = known
        return known[1]

    def stamped(self, path: str, stamp: Stamp | None, digest: str) -> None:
        """The file at `stamp` was read and has this digest (for the next run)."""
        if stamp is not None and STAMPS and self.file is not None:
            self.new_stamps[path] = (stamp, digest)
            # Read, not trusted: new, changed or racily clean. Written down with this run's time,
            # so the next run can trust it.
            self.dirty = True

    def save(self) -> None:
        """Write this run's entries (and only those: the file holds one run) for the next run.

        Nothing is written when the run used exactly what was there: a warm run writes nothing.
        """
        if self.file is None:
            return
        if (not self.dirty and self.misses == 0 and len(self.used) == len(self.files)
                and self.new_stamps.keys() == self.stamps.keys() and len(self.used_year_ends) == len(self.year_ends)):
            with contextlib.suppress(OSError):
                os.utime(self.file)  # used: not one of the forgotten files prune() removes
            return
        # Every stamp kept is older than this run's listing by RACY_NS: the trusted ones were older
        # than the earlier run's, the read ones were taken after this run's listing began.
        header = (FORMAT, environment(), self.listed_at, self.new_stamps,
                  {key: self.year_ends[key] for key in self.used_year_ends})
        keys = list(self.used)
        batches = ([(key, encode(self.files[key])) for key in keys[start:start + BATCH]]
                   for start in range(0, len(keys), BATCH))
        with _collector_off():
            write_parts(self.file, header, batches)
        prune(self.file.parent)


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    """The garbage collector off while the file is read or written: tens of thousands of new
    objects, none of them garbage, and the collector's passes over them were four fifths of reading
    20,000 entries (bench/bench_loadcache.py). Back on afterwards only if it was on before."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# A repository's file not used for this long is removed when any run writes its own: a clone
# checked once (a CI workspace, a temporary copy) leaves no file behind for good.
FORGOTTEN_SECONDS = 30 * 24 * 3600


def prune(folder: Path, now: float | None = None) -> None:
    """Remove the cache files (and temporary files of interrupted writes) nobody used for a month."""
    limit = (time.time() if now is None else now) - FORGOTTEN_SECONDS
    with contextlib.suppress(OSError), os.scandir(folder) as listing:
        for entry in listing:
            if not entry.name.endswith((".marshal", ".tmp")):
                continue
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_mtime < limit:
                    os.unlink(entry.path)


# The file: the header (format, environment, stamps), then the entries in batches, each part
# marshalled on its own behind its length. One marshal of everything held the whole file twice
# in memory while writing (80 MB more at 20,000 documents); batches of this size read and write
# as fast (bench/bench_loadcache.py).
BATCH = 1000
_LENGTH = struct.Struct("<Q")


def write_parts(target: Path, header: Any, batches: Iterable[Any]) -> None:
    """Write the file atomically (read.cache.atomic_write: whole or not at all)."""
    from .read.cache import atomic_write

    def chunks() -> Iterator[bytes]:
        for part in itertools.chain((header,), batches):
            data = marshal.dumps(part)
            yield _LENGTH.pack(len(data))
            yield data

    atomic_write(target, chunks())


def open_parts(target: Path, magic: str) -> tuple[tuple[Any, ...], Iterator[Any]] | None:
    """A cache file (the load cache's, or historycache's) as (the rest of its header, its other
    parts), when its header names this format and isaccheck's environment(); None when another
    format or environment wrote it. Raises what opening or reading raises (OSError, ValueError,
    EOFError, ...): every caller treats that as no file, a cold run."""
    with open(target, "rb") as handle:
        parts = read_parts(handle.read())
    header = next(parts)
    if type(header) is not tuple or len(header) < 2 or header[0] != magic or header[1] != environment():
        return None
    return header[2:], parts


def read_parts(data: bytes) -> Iterator[Any]:
    """The header, then the batches of entries; ValueError (or EOFError, TypeError) when cut short."""
    view = memoryview(data)
    offset = 0
    while offset < len(view):
        (length,) = _LENGTH.unpack_from(view, offset)
        offset += _LENGTH.size
        if offset + length > len(view):
            raise ValueError("truncated")
        yield marshal.loads(view[offset:offset + length])
        offset += length


def store_file(repo_root: Path, kind: str) -> Path | None:
    """Where the cache of `kind` runs in this repository lives, or None (caching off, or the
    cache directory lies inside the repository, which isaccheck never writes)."""
    from .read.cache import cache_folder

    try:
        where = str(repo_root.resolve())
    except OSError:
        return None
    folder = cache_folder(where, "load")
    if folder is None:
        return None
    name = hashlib.sha256(f"{where}\0{kind}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return folder / f"{name}.marshal"


# -- what the cache depends on besides the files and settings --------------------------------------

def code_folders() -> tuple[Path, ...]:
    """isaccheck's installed files (code, schemas, templates) and the built-in rule pack."""
    from .rulepack import builtin_folder

    return (Path(__file__).resolve().parent, builtin_folder().resolve())


def environment() -> str:
    """A digest of everything besides the files and settings that loading depends on."""
    from . import repository
    from .read import limits

    return _environment(__version__, code_folders(), sys.version, repr(limits.DEFAULT_LIMITS),
                        repository.METADATA_LIMIT, _library_versions())


@functools.lru_cache(maxsize=8)
def _environment(*parts: Any) -> str:
    version, folders, *rest = parts
    digest = hashlib.sha256(repr((FORMAT, version, rest)).encode())
    for folder in folders:
        digest.update(folder_digest(folder).encode())
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """A digest of every file under folder (names and bytes; compiled bytecode left out), so a
    developer's edit of a module, schema, template or rule file is a different environment."""
    digest = hashlib.sha256()
    for path in sorted(_files(folder)):
        rel = path.relative_to(folder).as_posix()
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0unreadable"
        digest.update(b"%d:%s\0%d:" % (len(rel), rel.encode("utf-8", "surrogateescape"), len(data)))
        digest.update(data)
    return digest.hexdigest()


def _files(folder: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            if not name.endswith((".pyc", ".pyo")):
                yield Path(dirpath, name)


# The libraries whose results loading keeps: YAML (and the frontmatter split), JSON Schema
# (validation and its messages), glob matching (`types:`, `ignore`), name matching (attendees) and
# the Markdown and HTML readers of files without frontmatter.
LIBRARIES = ("yaml", "frontmatter", "jsonschema", "fastjsonschema", "referencing", "wcmatch", "rapidfuzz",
             "markdown_it", "lxml")


def _library_versions() -> tuple[Any, ...]:
    """PyYAML's version (and whether its C parser is used), and where each library's files lie and
    when they were written (an upgrade rewrites them).

    Found, not imported (importing is start-up time a run may not need), and not asked of
    importlib.metadata (20 ms, a quarter of a warm run of a small repository).
    """
    import importlib.util

    import yaml

    stamps: list[Any] = [yaml.__version__, getattr(yaml, "__with_libyaml__", False)]
    for name in LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
            where = (spec.origin if spec is not None else None) or ""
            info = os.stat(where)
            stamps.append((name, where, info.st_size, info.st_mtime_ns))
        except (OSError, ImportError, ValueError):
            stamps.append((name, None))
    return tuple(stamps)


# -- the values, as builtin types (marshal) ---------------------------------------------------------

def _text(text: Text) -> tuple[str, str, frozenset[str]]:
    return (text.en, text.nl, text.quotes)


def _untext(raw: Any) -> Text:
    en, nl, quotes = raw
    if type(en) is not str or type(nl) is not str:
        raise TypeError(en)
    return Text(en, nl, frozenset(quotes))


def encode(loaded: Loaded) -> tuple[Any, ...]:
    docs = tuple((d.path, d.meta_path, d.type, dict(d.meta), d.body, d.body_line, dict(d.lines),
                  None if d.date is None else d.date.toordinal(), d.status, d.tlp, dict(d.sections), d.commit,
                  d.valid, d.output_tlp, {k: _text(v) for k, v in d.inferred.items()}, d.tlp_declared_only)
                 for d in loaded.documents)
    findings = tuple((f.code, f.severity.value, f.path, f.line, _text(f.message), f.field, f.tlp, f.real_path,
                      f.quotes_file) for f in loaded.findings)
    return (docs, findings, loaded.unreadable_type, loaded.unloaded_tlp)


def decode(raw: Any) -> Loaded:
    """The entry as it was stored; TypeError/ValueError when it is not one."""
    import datetime as dt

    docs, findings, unreadable, unloaded = raw
    documents = tuple(Document(path, meta_path, type_, meta, body, body_line, lines,
                               None if date is None else dt.date.fromordinal(date), status, tlp, sections, commit,
                               valid, output_tlp, {k: _untext(v) for k, v in inferred.items()}, declared_only)
                      for (path, meta_path, type_, meta, body, body_line, lines, date, status, tlp, sections, commit,
                           valid, output_tlp, inferred, declared_only) in docs)
    found = tuple(Finding(code, Severity(severity), path, line, _untext(message), field_, tlp, real_path, quotes)
                  for code, severity, path, line, message, field_, tlp, real_path, quotes in findings)
    for value in (unreadable, unloaded):
        if value is not None and type(value) is not str:
            raise TypeError(value)
    return Loaded(documents, found, unreadable, unloaded)
