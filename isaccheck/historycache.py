"""The history facts of a commit (GitRepo.history), kept on disk for the next run.

`git log --first-parent -M --name-status` over the whole history was most of a warm check's time
in a git repository (0.3 s at 10,000 commits, 1.2 s at 50,000; docs/performance.md, "Fourth
round"). Its answer for one commit never changes as long as everything else it depends on stays
the same, so it is kept by:

- the commit id the revision resolved to, and the checked folder (the prefix git log is limited to);
- the repository's config as git reads it (`git config --list -z`, names and values, read anyway
  for the pins): diff.renameLimit, diff.renames and the like change rename detection;
- the grafts file (it rewrites parents) and whether the clone is shallow (history refuses then);
- the attribute files git consults when it decides whether a file is binary, which changes its
  similarity score for renames: $GIT_DIR/info/attributes and the `.gitattributes` of the top
  level and of each folder down to the checked one (not those deeper inside it: see
  docs/performance.md, "what the key leaves out");
- git itself (its program file: place, size, modification time) and the GIT_* variables it runs with;
- isaccheck's environment digest (loadcache.environment(): its code, Python, the libraries), so an
  edit of the parsing code is a different key.

When HEAD moved on along its first-parent line (a secretary's commit, CI's next run), git is
asked only for the new commits, and their output is joined to the kept output of the earlier
HEAD (extension(), below); a HEAD elsewhere (another branch, rewritten history) is one whole pass.

Where and how: the directory, the atomic marshal writes, the pruning and `--no-cache` /
ISACCHECK_NO_CACHE of the load cache (loadcache.py); one small file per key, named after the
repository and the key, and at most KEEP per repository (history and the report's trend ask for a
dozen year ends, a check for HEAD). A missing, foreign, corrupt or unreadable file is a cold run:
slower, never different.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import loadcache

if TYPE_CHECKING:
    from .gitrepo import FileHistory, GitRepo

FORMAT = "isaccheck-history-2"  # 2: the kept output of HEAD as git gave it (1: zlib-compressed)
KEEP = 32  # files per repository: a history or report run's year ends and a few HEADs


def key(repo: GitRepo, sha: str) -> tuple[Any, ...] | None:
    """Everything the history of `sha` depends on besides the commits themselves, or None when the
    cache is off (or would lie inside the repository)."""
    if _folder(repo.top) is None:
        return None
    pins = repo.pins  # reads the config (with its values) when not read yet
    grafts, attributes = repo.state_paths()
    folders = [""] + [repo.prefix[:i + 1] for i, c in enumerate(repo.prefix) if c == "/"]
    return (sha, repo.prefix, hashlib.sha256(repo._config).hexdigest(), pins, repo.is_shallow(),
            _content(grafts), _content(attributes),
            tuple(_content(repo.top / folder / ".gitattributes") for folder in folders),
            _git_program(), tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("GIT_"))))


def load(top: Path, key: tuple[Any, ...]) -> dict[str, FileHistory] | None:
    """The facts kept for exactly this key, or None."""
    from .gitrepo import FileHistory

    target = _file(top, key)
    if target is None:
        return None
    try:
        opened = loadcache.open_parts(target, FORMAT)
        if opened is None or opened[0] != (key,):
            return None  # another isaccheck wrote it, or (never in practice) another key by the same digest
        facts: dict[str, FileHistory] = {}
        for batch in opened[1]:
            for path, fsha, fday, lsha, lday in batch:
                if not all(type(v) is str for v in (path, fsha, lsha)):
                    raise TypeError(path)
                facts[path] = FileHistory(fsha, dt.date.fromordinal(fday), lsha, dt.date.fromordinal(lday))
    except Exception:  # noqa: BLE001  (missing, corrupt, truncated, unreadable: a cold run)
        return None
    with contextlib.suppress(OSError):
        os.utime(target)  # used: kept by prune() and by the KEEP newest
    return facts


def save(top: Path, key: tuple[Any, ...], facts: dict[str, FileHistory]) -> None:
    target = _file(top, key)
    if target is None:
        return
    rows = [(path, f.first_commit, f.first_date.toordinal(), f.last_commit, f.last_date.toordinal())
            for path, f in sorted(facts.items())]
    batches = (tuple(rows[start:start + loadcache.BATCH]) for start in range(0, len(rows), loadcache.BATCH))
    loadcache.write_parts(target, (FORMAT, loadcache.environment(), key), batches)
    _keep_newest(target.parent, target.name.split("-", 1)[0] + "-")
    loadcache.prune(target.parent)


def _folder(top: Path) -> Path | None:
    where = loadcache.store_file(top, "history")
    return None if where is None else where.parent


def _file(top: Path, key: tuple[Any, ...], kind: str = "h") -> Path | None:
    where = loadcache.store_file(top, "history")
    if where is None:
        return None
    digest = hashlib.sha256(repr(key).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return where.parent / f"{kind}{where.stem[:16]}-{digest}.marshal"


def _keep_newest(folder: Path, prefix: str) -> None:
    """Only the KEEP most recently used files of this repository: a CI runner checking commit after
    commit does not collect one file per commit for a month."""
    found: list[tuple[float, str]] = []
    with contextlib.suppress(OSError), os.scandir(folder) as listing:
        for entry in listing:
            if entry.name.startswith(prefix) and entry.name.endswith(".marshal"):
                with contextlib.suppress(OSError):
                    found.append((entry.stat(follow_symlinks=False).st_mtime, entry.path))
    for _, path in sorted(found, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _content(path: Path) -> str | None:
    """A digest of a file's bytes; None when there is none (a folder or unreadable file: its own mark)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"unreadable {exc.errno}"


def _git_program() -> tuple[Any, ...]:
    """Which git runs: its file's place, size and time (an upgrade rewrites it), without running it."""
    found = shutil.which("git")
    if found is None:
        return ()
    try:
        real = os.path.realpath(found)
        info = os.stat(real)
    except OSError:
        return (found,)
    return (real, info.st_size, info.st_mtime_ns)


# -- HEAD moved on: only the new commits from git ---------------------------------------------------
#
# The fold (gitrepo._parse_history) runs newest to oldest, so new commits cannot be folded onto
# the old facts (module docs); but git log's output for HEAD is the output for the commits since
# the earlier HEAD followed by the earlier HEAD's own output. So the earlier HEAD's raw output is
# kept (one file per repository and key, as git gave it), git is asked only for `new ^old` when
# old is on new's first-parent line, and the whole is folded as one pass: the same bytes, the
# same answer (tests/test_historycache.py compares both over random histories).

def _tip_file(top: Path, key: tuple[Any, ...]) -> Path | None:
    return _file(top, key[1:], "t")  # one per repository and key but the commit


def save_tip(top: Path, key: tuple[Any, ...], out: bytes) -> None:
    # Not compressed: zlib (level 1) took 11 ms of a cold check at 5,000 documents / 10,000 commits
    # for 1.0 MB -> 0.44 MB, and 4 ms more to decompress in extension(); one file per repository.
    target = _tip_file(top, key)
    if target is not None:
        loadcache.write_parts(target, (FORMAT, loadcache.environment(), key), [out])


def extension(repo: GitRepo, key: tuple[Any, ...], sha: str) -> tuple[list[str], bytes] | None:
    """How git log's output for `sha` is made from the kept output of an earlier HEAD on its
    first-parent line: the arguments of a `git log` of the commits since, and the kept output its
    own output goes before (GitRepo._plan_history runs or starts it); None when there is none to
    extend (then one whole pass)."""
    target = _tip_file(repo.top, key)
    if target is None:
        return None
    try:
        opened = loadcache.open_parts(target, FORMAT)
        if opened is None:
            return None
        (old_key,), parts = opened
        if old_key[1:] != key[1:]:
            return None
        old = next(parts)
        old_sha = old_key[0]
        if type(old_sha) is not str or type(old) is not bytes or not old.startswith(b"\x01" + old_sha.encode() + b" "):
            return None
    except Exception:  # noqa: BLE001  (missing, corrupt, foreign: one whole pass)
        return None
    # How many first-parent steps back the old HEAD is, and whether it is there at all: `new ^old`
    # lists new's first parents down to old when old is on the line (then new~N is old), else the
    # whole line (an old HEAD of another branch, or history rewritten).
    count = repo._git("rev-list", "--first-parent", "--count", "--end-of-options", sha, f"^{old_sha}",
                      ok_codes=(0, 128))
    steps = count.stdout.strip()
    if count.returncode != 0 or not steps.isdigit():
        return None
    back = repo._git("rev-parse", "-q", "--verify", "--end-of-options", f"{sha}~{int(steps)}^{{commit}}",
                     ok_codes=(0, 1, 128))
    if back.returncode != 0 or back.stdout.decode().strip() != old_sha:
        return None
    return repo.history_args(sha, f"^{old_sha}"), old
