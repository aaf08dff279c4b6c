"""The git layer: read-only facts about the checked repository, through the `git` program.

Nothing here changes the repository: no checkout, no stash, no index or config writes.
Every git call runs with optional locks off (so `status` never refreshes the index), with
settings that could run programs or change output formats pinned on the command line, and
with the caller's GIT_DIR-style variables removed (isaccheck may run inside a git hook).

Dates: git stores instants; isaccheck reasons in calendar days. Every date here is the
committer date converted to UTC, and an as-of date means the end of that day in UTC.
"""

from __future__ import annotations

import array
import datetime as dt
import os
import posixpath
import re
import select
import shutil
import subprocess
import threading
import weakref
from bisect import bisect_left
from collections import deque
from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import cached_property
from itertools import compress, filterfalse
from operator import attrgetter, itemgetter, methodcaller
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Literal, Mapping, NamedTuple, Sequence, cast

# Defined in errors.py so that loading documents, which only catches it, need not import this layer.
from isaccheck.errors import GitError
from isaccheck.model import Text
from isaccheck.sources import EntryKind, SourceEntry, WorkingTreeSource, git_blob_id

__all__ = [
    "GitError",
    "ShallowCloneError",
    "SHALLOW_HISTORY",
    "Commit",
    "FileHistory",
    "SignatureRef",
    "SignatureCheck",
    "SignatureStatus",
    "GitRepo",
    "GitTreeSource",
    "open_repo",
]

SHALLOW_HISTORY = Text(
    en=(
        "history facts unavailable: this is a shallow clone; fetch full depth "
        "(`fetch-depth: 0` on GitHub Actions, `GIT_DEPTH: 0` on GitLab CI)"
    ),
    nl=(
        "geschiedenis niet beschikbaar: dit is een ondiepe kloon (shallow clone); haal de "
        "volledige geschiedenis op (`fetch-depth: 0` in GitHub Actions, `GIT_DEPTH: 0` in GitLab CI)"
    ),
)


class ShallowCloneError(GitError):
    """History was asked of a shallow clone; `text` holds the bilingual explanation."""

    def __init__(self) -> None:
        super().__init__(SHALLOW_HISTORY.en)
        self.text = SHALLOW_HISTORY


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.date  # committer date, in UTC
    subject: str


@dataclass(frozen=True)
class FileHistory:
    """When a path came into its current existence and when it last changed (first-parent)."""

    first_commit: str
    first_date: dt.date
    last_commit: str
    last_date: dt.date


SignatureStatus = Literal["verified", "unverified", "bad", "key-unknown", "missing"]


@dataclass(frozen=True)
class SignatureRef:
    """What a signature in a document points at: `commit: <sha>` or `tag: <name>`."""

    kind: Literal["commit", "tag"]
    name: str


@dataclass(frozen=True)
class SignatureCheck:
    status: SignatureStatus
    signer: str | None  # the allowed-signers principal (SSH) or user id (OpenPGP)
    detail: Text
    key: str | None = None  # key fingerprint or id, when git reports one


# --------------------------------------------------------------------------- running git

# Pinned on every call: a repository's own config (.git/config is written by whoever made the
# clone, or by a tool in a pull request's checkout) must not run programs, and must not change
# output formats we parse (log.showSignature, color). Every setting whose value git may run as a
# program is set here to the standard program or to nothing (docs/security.md).
_BASE_CONFIG: tuple[str, ...] = (
    "core.fsmonitor=false",
    "core.hooksPath=" + os.devnull,
    "core.attributesFile=" + os.devnull,
    "core.pager=cat",
    "core.askPass=",
    "core.sshCommand=ssh",
    "core.gitProxy=",
    "core.alternateRefsCommand=",
    "core.quotePath=false",
    "color.ui=false",
    "log.showSignature=false",
    "diff.external=",
    "credential.helper=",
    "protocol.allow=never",
    "gpg.program=gpg",
    "gpg.openpgp.program=gpg",
    "gpg.x509.program=gpgsm",
    "gpg.ssh.program=ssh-keygen",
    "gpg.ssh.defaultKeyCommand=",
)

# Drivers are named by the repository (`filter.<name>.clean` for `*.md filter=<name>` in
# .gitattributes): each one its config defines is emptied, so attributes can name no program.
_DRIVER_PROGRAMS = re.compile(r"^(filter\.(.+)\.(clean|smudge|process)|diff\.(.+)\.(textconv|command)"
                              r"|merge\.(.+)\.driver)$", re.IGNORECASE)


def driver_pins(config_keys: Iterable[str]) -> tuple[str, ...]:
    """`-c` settings that empty every filter, diff and merge driver a repository's config defines."""
    pins = {f"{key}=" for key in config_keys if _DRIVER_PROGRAMS.match(key)}
    return tuple(sorted(pins))

# Variables that would point git at another repository or index than the one we check
# (they are set while git hooks run, and isaccheck may run as a pre-commit hook).
_DROPPED_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
)


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_NO_REPLACE_OBJECTS"] = "1"  # see the commits as they are, not as replaced
    env["LC_ALL"] = "C"  # messages we match on stay in English
    env.pop("LANGUAGE", None)
    return env


def _git_argv(args: Sequence[str], extra_config: Sequence[str] = ()) -> list[str]:
    argv = ["git", "--no-optional-locks"]
    for item in (*_BASE_CONFIG, *extra_config):
        argv += ["-c", item]
    return argv + list(args)


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"


def _run(
    args: Sequence[str],
    cwd: Path,
    *,
    input: bytes | None = None,
    extra_config: Sequence[str] = (),
    ok_codes: tuple[int, ...] = (0,),
) -> subprocess.CompletedProcess[bytes]:
    """Run git and return the finished process; failures become GitError in plain words."""
    try:
        proc = subprocess.run(
            _git_argv(args, extra_config),
            cwd=cwd,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            env=_git_env(),
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError("the git program is not installed or not on PATH") from exc
    except OSError as exc:
        raise GitError(f"could not run git: {exc.strerror or exc}") from exc
    if proc.returncode not in ok_codes:
        raise GitError(f"git {args[0]} failed: {_first_line(proc.stderr)}")
    return proc


class _Started:
    """A git command started before its answer is needed (GitRepo.start), so git works on the other
    core while Python loads documents.

    Its output goes to an anonymous temporary file (named by no folder entry, so none is
    left behind whatever ends the run), not to a pipe: a pipe fills up (git log's output is 1 MB at
    5,000 documents, 5 MB at 20,000) and would need a thread to drain it, and a thread alive when
    another part of isaccheck forks worker processes is a hazard. This design has none: a fork
    while git runs copies only this object, whose process the child never waits for or kills.
    Ended (killed when still running, reaped, its file closed) by result(), stop(), garbage
    collection or interpreter exit, whichever comes first.
    """

    def __init__(self, args: Sequence[str], cwd: Path, extra_config: Sequence[str], folder: Path) -> None:
        import tempfile  # only when git runs early: validate must start fast

        self.args = tuple(args)
        out = tempfile.TemporaryFile(dir=folder)
        try:
            # Its errors are not kept: a failure is asked again the plain way (result()).
            proc = subprocess.Popen(_git_argv(args, extra_config), cwd=cwd, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.DEVNULL, env=_git_env())
        except BaseException:
            out.close()
            raise
        self.pid = proc.pid
        self._proc, self._out = proc, out
        self._finalizer = weakref.finalize(self, _end_started, proc, out)

    def result(self) -> bytes | None:
        """git's output; None when git failed or its output could not be kept (a full disk): then the
        caller runs git the plain way, which gives the answer or the error (_run's words) it always gave."""
        try:
            code = self._proc.wait()
            size = os.fstat(self._out.fileno()).st_size
            self._out.seek(0)
            out = self._out.read()
        except (OSError, ValueError):
            return None
        finally:
            self._finalizer()
        return out if code == 0 and len(out) == size else None

    def stop(self) -> None:
        """Kill git if it still runs (its answer is no longer wanted), reap it, close the files."""
        self._finalizer()

    @property
    def alive(self) -> bool:
        return self._finalizer.alive


def _end_started(proc: subprocess.Popen[bytes], *files: IO[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for handle in files:
        handle.close()


def _scratch_folder(top: Path) -> Path | None:
    """Where a git command started early writes its output: isaccheck's cache directory, else the
    system's temporary folder; never the checked repository (None then: git runs when needed)."""
    import tempfile

    from .read.cache import cache_folder, inside

    try:
        where = str(top.resolve())
        folder = cache_folder(where, "git")
        if folder is None:
            folder = Path(tempfile.gettempdir())
            if inside(folder, where):
                return None
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


# How many bytes an object id takes in a tree object, by the repository's object format: SHA-1
# (40 hex digits) unless it was made with `git init --object-format=sha256` (64 hex digits).
_ID_BYTES = {"sha1": 20, "sha256": 32}


def object_format(top: Path) -> str:
    """The object format of the repository at top: "sha1" or "sha256" (`rev-parse --show-object-format`).

    A git older than 2.29 knows SHA-1 only, and prints the unknown option back: "sha1" then. A
    format this code cannot read (neither) is a GitError: its trees would be misread."""
    out = _run(["rev-parse", "--show-object-format"], top).stdout.decode("ascii", "replace").strip()
    if out.startswith("--"):
        return "sha1"
    if out not in _ID_BYTES:
        raise GitError(f"the repository uses object format {out!r}, which isaccheck cannot read")
    return out


def _decode_path(raw: bytes) -> str:
    # Same convention as os.walk on POSIX, so both sources name odd bytes the same way.
    return raw.decode("utf-8", "surrogateescape")


def _utc_date(epoch: str | bytes) -> dt.date:
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()


def _end_of_day_utc(day: dt.date) -> int:
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.timezone.utc)
    return int(end.timestamp())


# --------------------------------------------------------------------------- open_repo


def open_repo(path: str | os.PathLike[str]) -> GitRepo | None:
    """The git repository that holds `path`, or None when it is not in a git work tree.

    None also when git is not installed. A repository that git refuses to use because it
    belongs to another user raises GitError with the fix, since silently ignoring it
    would quietly turn off every history-based check.
    """
    folder = Path(path)
    if shutil.which("git") is None or not folder.is_dir():
        return None
    try:
        # One process for everything a run asks of the repository's state (it used to be four:
        # this, HEAD twice and the shallow test). `--verify` fails (1) without a commit, after
        # printing the rest.
        proc = _run(
            ["rev-parse", "--is-inside-work-tree", "--show-toplevel", "--show-prefix", "--is-shallow-repository",
             "--git-path", "info/grafts", "--git-path", "info/attributes", "--verify", "-q", "HEAD^{commit}"],
            folder,
            ok_codes=(0, 1, 128),
        )
    except GitError:
        return None
    if proc.returncode == 128:
        if b"dubious ownership" in proc.stderr:
            raise GitError(
                f"git refuses to read {folder} because the folder belongs to another user; "
                f"if you trust it, run: git config --global --add safe.directory {folder.resolve()}"
            )
        return None
    lines = proc.stdout.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < 3 or lines[0] != "true":
        return None  # e.g. inside the .git folder itself
    repo = GitRepo(Path(lines[1]), lines[2])
    if len(lines) == (8 if proc.returncode == 0 else 7) and lines[3] in ("true", "false") and lines[-1] == "":
        # Known for the rest of the run: one run evaluates one state of the repository.
        repo._shallow = lines[3] == "true"
        repo._state_paths = (folder / lines[4], folder / lines[5])
        repo._head = lines[6] if proc.returncode == 0 else None
    return repo


# --------------------------------------------------------------------------- GitRepo


class GitRepo:
    """Read-only access to one repository, seen from the checked folder.

    `top` is the repository's top level; `prefix` the checked folder relative to it
    ("" or ending in "/"). Every path this class returns is relative to the checked folder.
    """

    def __init__(self, top: Path, prefix: str = "") -> None:
        self.top = top
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self._pins: tuple[str, ...] | None = None
        self._config: bytes = b""  # `git config --list -z` as read with the pins (the history cache's key)
        # What open_repo learnt in its one rev-parse; asked for when unknown (a GitRepo made directly).
        self._head: str | None | Literal[False] = False
        self._shallow: bool | None = None
        self._state_paths: tuple[Path, Path] | None = None  # info/grafts, info/attributes
        self._object_format: str | None = None
        # git commands started before their answer is needed (start()), by their arguments, and
        # history()'s plans made then (start_history()).
        self._started: dict[tuple[str, ...], _Started] = {}
        self._history_plans: dict[str, _HistoryPlan] = {}

    @property
    def root(self) -> Path:
        return self.top / self.prefix if self.prefix else self.top

    def _git(
        self, *args: str, input: bytes | None = None, extra_config: Sequence[str] = (),
        ok_codes: tuple[int, ...] = (0,),
    ) -> subprocess.CompletedProcess[bytes]:
        return _run(args, self.top, input=input, extra_config=(*self.pins, *extra_config), ok_codes=ok_codes)

    @property
    def pins(self) -> tuple[str, ...]:
        """The drivers this repository's config defines, emptied (read once; listing config runs nothing)."""
        if self._pins is None:
            # With the values (each entry "name\nvalue"): the same process gives the config the
            # history cache is keyed on (diff.renameLimit, diff.renames, ... change git log's answer).
            listed = _run(["config", "--list", "-z"], self.top, ok_codes=(0, 1)).stdout
            self._config = listed
            self._pins = driver_pins(entry.split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
                                     for entry in listed.split(b"\0") if entry)
        return self._pins

    def start(self, *args: str, extra_config: Sequence[str] = ()) -> bool:
        """Start `git args` now; the next _output(*args) takes its answer (see _Started). False when
        it could not start (no folder for its output, no process): _output then runs it as always."""
        if args in self._started:
            return True
        try:
            folder = _scratch_folder(self.top)
            if folder is None:
                return False
            self._started[args] = _Started(args, self.top, (*self.pins, *extra_config), folder)
        except (OSError, GitError):
            return False
        return True

    def _output(self, *args: str, extra_config: Sequence[str] = ()) -> bytes:
        """`git args`' output: from the process start() began, or run now (errors as _run's)."""
        started = self._started.pop(args, None)
        out = started.result() if started is not None else None
        return out if out is not None else bytes(self._git(*args, extra_config=extra_config).stdout)

    def stop_started(self) -> None:
        """End the git commands started early whose answer was not taken: the run ended before it
        needed them (an error, a bad file); no process or file is left."""
        for started in self._started.values():
            started.stop()
        self._started.clear()
        self._history_plans.clear()

    def _out(self, *args: str) -> str:
        return self._git(*args).stdout.decode("utf-8", "replace").strip()

    # -- state of the repository

    def resolve_commit(self, ref: str) -> str | None:
        """The commit a branch, tag or sha names, or None."""
        proc = self._git("rev-parse", "-q", "--verify", "--end-of-options", f"{ref}^{{commit}}", ok_codes=(0, 1, 128))
        return proc.stdout.decode().strip() or None if proc.returncode == 0 else None

    def git_dir(self) -> Path:
        """The repository's git directory (for a `.git` file: where its `gitdir:` points)."""
        return Path(self._out("rev-parse", "--absolute-git-dir"))

    def is_shallow(self) -> bool:
        if self._shallow is None:
            self._shallow = self._out("rev-parse", "--is-shallow-repository") == "true"
        return self._shallow

    def head(self) -> str | None:
        """The commit HEAD points at, or None in a repository without commits.

        Asked once per GitRepo (open_repo asks with the rest): one run evaluates one HEAD, even
        when someone commits while it runs."""
        if self._head is False:
            proc = self._git("rev-parse", "-q", "--verify", "HEAD^{commit}", ok_codes=(0, 1, 128))
            self._head = proc.stdout.decode().strip() if proc.returncode == 0 else None
        return self._head

    @property
    def object_format(self) -> str:
        """"sha1" or "sha256": how long this repository's object ids are. Told by HEAD's id when
        there is one (no git process), else asked (object_format())."""
        if self._object_format is None:
            head = self.head()
            if head is not None and len(head) in (40, 64):
                self._object_format = "sha256" if len(head) == 64 else "sha1"
            else:
                self._object_format = object_format(self.top)
        return self._object_format

    @property
    def id_bytes(self) -> int:
        """How many bytes an object id takes in this repository's tree objects (20 or 32)."""
        return _ID_BYTES[self.object_format]

    def state_paths(self) -> tuple[Path, Path]:
        """Where this repository's grafts and info/attributes files are (present or not)."""
        if self._state_paths is None:
            out = self._out("rev-parse", "--git-path", "info/grafts", "--git-path", "info/attributes").split("\n")
            self._state_paths = (self.top / out[0], self.top / out[-1])
        return self._state_paths

    def is_detached(self) -> bool:
        return self._git("symbolic-ref", "-q", "HEAD", ok_codes=(0, 1)).returncode != 0

    def branch(self) -> str | None:
        """The current branch's short name (also for an unborn branch); None when detached."""
        proc = self._git("symbolic-ref", "-q", "--short", "HEAD", ok_codes=(0, 1))
        return proc.stdout.decode("utf-8", "replace").strip() or None

    # -- commits

    def commit_at(self, date: dt.date) -> Commit | None:
        """The last commit on HEAD's first-parent line committed on or before `date`.

        `date` means the end of that day in UTC (23:59:59Z), compared with committer dates:
        a commit made at 00:30 on 1 January in Amsterdam (23:30Z on 31 December) still
        counts for 31 December. First-parent, because the main line is what the ISAC had at
        the time; a side branch's older commits only arrived with their merge. None when no
        commit is that old (or, in a shallow clone, none that old was fetched).
        """
        if self.head() is None:
            return None
        out = self._git(
            "log", "-1", "--first-parent", f"--before=@{_end_of_day_utc(date)}",
            "--format=%H%x00%ct%x00%s", "HEAD",
        ).stdout
        return _parse_commit_line(out) if out.strip() else None

    def first_commit(self) -> Commit | None:
        """The oldest commit on HEAD's first-parent line (None without commits)."""
        if self.head() is None:
            return None
        out = self._git(
            "log", "-1", "--first-parent", "--max-parents=0", "--format=%H%x00%ct%x00%s", "HEAD",
        ).stdout
        return _parse_commit_line(out) if out.strip() else None

    def first_parent_line(self, head: str | None = None) -> FirstParentLine:
        """HEAD's first-parent line in one `git log` pass, for many year ends at once.

        `commit_at` walks the line from HEAD for every date (about 0.2 s per year end at 50,000
        commits); history and the report's trend ask for a dozen dates, so they walk it once.
        `head`: HEAD's commit when the caller has asked already.
        """
        head = head or self.head()
        if head is None:
            return FirstParentLine([])
        out = self._git("log", "--first-parent", "-z", "--format=%ct %H %s", "--end-of-options", head).stdout
        return FirstParentLine([record for record in out.split(b"\0") if record])

    def commit(self, rev: str) -> Commit:
        """The commit a revision names (sha, tag, branch); GitError when there is none."""
        proc = self._git(
            "log", "-1", "--no-walk", "--format=%H%x00%ct%x00%s", "--end-of-options",
            f"{rev}^{{commit}}", "--", ok_codes=(0, 128),
        )
        if proc.returncode != 0 or not proc.stdout.strip():
            raise GitError(f"there is no commit {rev} in this repository")
        return _parse_commit_line(proc.stdout)

    def tree_source(self, commit_sha: str) -> GitTreeSource:
        """The checked folder as it was at a commit, as a `Source`. Close it when done."""
        commit = self.commit(commit_sha)
        return GitTreeSource(self.top, self.prefix, commit.sha, commit.date)

    # -- working tree

    def uncommitted_paths(self) -> tuple[list[str], list[str]]:
        """(tracked paths with uncommitted changes, untracked paths), sorted, relative.

        Changed includes staged and unstaged edits, deletions, conflicts, and both sides
        of a rename (the old path no longer matches HEAD either). Ignored files are left out.
        """
        out = self._output(*self._status_args(), extra_config=_STATUS_CONFIG)
        changed, untracked = _parse_status(out)
        return self._relative(changed), self._relative(untracked)

    def start_uncommitted(self) -> None:
        """Begin uncommitted_paths()'s `git status` now (as start_history does for the history pass)."""
        self.start(*self._status_args(), extra_config=_STATUS_CONFIG)

    def _status_args(self) -> tuple[str, ...]:
        args = ("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
        return (*args, "--", f":(top,literal){self.prefix}") if self.prefix else args

    def _relative(self, paths: Iterable[str]) -> list[str]:
        n = len(self.prefix)
        return sorted({p[n:] for p in paths if p.startswith(self.prefix) and len(p) > n})

    # -- history

    def history(self, rev: str = "HEAD") -> dict[str, FileHistory]:
        """First-added and last-changed commit of every path present at `rev`, in one pass.

        Walks `rev`'s first-parent line and diffs each merge against its first parent, so
        a document counts from the day it landed on the main line, not from the day it was
        written on a side branch. Renames are detected in the same pass (git's `-M`): a
        moved document keeps the first commit of its old path, so an archive reorganised
        into folders is not "back-filled". A path deleted and added again counts from its
        latest addition. Raises ShallowCloneError in a shallow clone,
        where the oldest fetched commit would look like the first.
        """
        if self.is_shallow():
            raise ShallowCloneError()
        if self.head() is None:
            return {}
        from . import historycache

        planned = self._history_plans.pop(rev, None) or self._plan_history(rev)
        if planned.known is not None:
            return planned.known
        out = self._output(*planned.args) + planned.old
        raw = _parse_history(out, self.prefix.encode("utf-8", "surrogateescape"))
        facts = {_decode_path(p): v for p, v in raw.items()}
        if planned.key is not None:
            historycache.save(self.top, planned.key, facts)
            if planned.tip:
                historycache.save_tip(self.top, planned.key, out)
        return facts

    def start_history(self, rev: str) -> None:
        """Begin history(rev)'s git work now, so `git log` runs while the documents load; history(rev)
        then takes its answer. Nothing here raises: on any error nothing is started, and history()
        asks again and raises what it always raised, where it always did."""
        if rev in self._history_plans:
            return
        try:
            if self.is_shallow() or self.head() is None:
                return
            planned = self._plan_history(rev)
        except GitError:
            return
        self._history_plans[rev] = planned
        if planned.known is None:
            self.start(*planned.args)

    def _plan_history(self, rev: str) -> _HistoryPlan:
        """What history(rev) needs: the facts kept on disk, or the `git log` to run and what its output goes before."""
        from . import historycache

        # The facts of a commit's history never change: kept on disk by the commit id `rev`
        # names and everything else git log's answer depends on (historycache.py).
        sha = rev if _FULL_SHA.fullmatch(rev) else self.head() if rev == "HEAD" else self.resolve_commit(rev)
        key = historycache.key(self, sha) if sha is not None else None
        if key is not None:
            known = historycache.load(self.top, key)
            if known is not None:
                return _HistoryPlan(key, False, known)
        # HEAD's history extends the last one kept when HEAD moved on along its first-parent line.
        tip = key is not None and sha == self.head() and not self.prefix
        extension = historycache.extension(self, key, sha) if tip and key is not None and sha is not None else None
        if extension is None:
            return _HistoryPlan(key, tip, None, tuple(self.history_args(sha or rev)))
        return _HistoryPlan(key, tip, None, tuple(extension[0]), extension[1])

    def history_args(self, *revs: str) -> list[str]:
        """The one `git log` pass history() folds (its output for `new ^old` is the start of new's)."""
        args = [
            "log", "--first-parent", "--diff-merges=first-parent", "-M",
            "--name-status", "-z", "--format=%x01%H %ct", "--end-of-options", *revs, "--",
        ]
        if self.prefix:
            args.append(f":(top,literal){self.prefix}")
        return args

    # -- signatures

    def verify_signatures(
        self, refs: Iterable[SignatureRef], allowed_signers: Path | None, *, outside_ok: bool = False
    ) -> dict[SignatureRef, SignatureCheck]:
        """Check the signatures of the commits and tags that documents point at.

        Uses git's own verification. SSH signatures are checked against `allowed_signers`
        (relative paths are taken from the checked folder; it must lie inside the
        repository). Without it, a signed commit is "key-unknown", never "verified".
        Commits are checked in one git call; each signed annotated tag needs its own.
        """
        wanted = list(dict.fromkeys(refs))
        signers = self._signers_config(allowed_signers, outside_ok)
        results: dict[SignatureRef, SignatureCheck] = {}
        objects = self._lookup_objects(wanted, results)
        commits = {r: oid for r, (oid, typ) in objects.items() if r.kind == "commit"}
        results.update(self._verify_commits(commits, signers))
        for ref, (oid, typ) in objects.items():
            if ref.kind == "tag":
                results[ref] = self._verify_tag(ref, oid, typ, signers)
        return {r: results[r] for r in wanted}

    def _signers_config(self, allowed_signers: Path | None, outside_ok: bool = False) -> tuple[str, ...]:
        if allowed_signers is None:
            # Pin an empty list: an unset option makes git report "no signature" instead,
            # and the user's or repository's own option must not decide what passes.
            return ("gpg.ssh.allowedSignersFile=" + os.devnull,)
        path = allowed_signers if allowed_signers.is_absolute() else self.root / allowed_signers
        resolved = path.resolve()
        try:
            if not outside_ok:  # outside_ok: a copy isaccheck made of the base branch's file
                resolved.relative_to(self.top.resolve())
        except ValueError:
            raise GitError(
                f"the allowed signers file {allowed_signers} lies outside the repository; "
                "keep it inside the repository so the check does not depend on this machine"
            ) from None
        if not resolved.is_file():
            raise GitError(f"the allowed signers file {allowed_signers} does not exist")
        return (f"gpg.ssh.allowedSignersFile={resolved}",)

    def _lookup_objects(
        self, refs: list[SignatureRef], results: dict[SignatureRef, SignatureCheck]
    ) -> dict[SignatureRef, tuple[str, str]]:
        """Resolve every ref to (object id, type) in one batch; unknown ones go to results."""
        queries: list[tuple[SignatureRef, str]] = []
        for ref in refs:
            query = _object_query(ref)
            if query is None:
                results[ref] = _missing(ref, malformed=True)
            else:
                queries.append((ref, query))
        if not queries:
            return {}
        stdin = "".join(q + "\n" for _, q in queries).encode()
        lines = self._git("cat-file", "--batch-check", input=stdin).stdout.decode().splitlines()
        found: dict[SignatureRef, tuple[str, str]] = {}
        shallow = self.is_shallow()
        for (ref, _), line in zip(queries, lines):
            parts = line.split()
            # A commit ref must name a commit; a tag may be lightweight (any object).
            if len(parts) == 3 and (ref.kind == "tag" or parts[1] == "commit"):
                found[ref] = (parts[0], parts[1])
            else:
                results[ref] = _missing(ref, ambiguous=line.endswith(" ambiguous"), shallow=shallow)
        return found

    def _verify_commits(
        self, commits: Mapping[SignatureRef, str], signers: tuple[str, ...]
    ) -> dict[SignatureRef, SignatureCheck]:
        if not commits:
            return {}
        oids = list(dict.fromkeys(commits.values()))
        out = self._git(
            "log", "--no-walk=unsorted", "--stdin", "-z", "--format=%H%x1f%G?%x1f%GS%x1f%GK",
            input="".join(o + "\n" for o in oids).encode(), extra_config=signers,
        ).stdout.decode("utf-8", "replace")
        by_oid: dict[str, SignatureCheck] = {}
        for record in out.split("\0"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) == 4:
                by_oid[fields[0]] = _commit_check(fields[1], fields[2] or None, fields[3] or None)
        unchecked = SignatureCheck("key-unknown", None, _t(
            "git did not report on this commit's signature",
            "git gaf geen uitslag over de handtekening van deze commit"))
        return {ref: by_oid.get(oid, unchecked) for ref, oid in commits.items()}

    def _verify_tag(
        self, ref: SignatureRef, oid: str, typ: str, signers: tuple[str, ...]
    ) -> SignatureCheck:
        if typ != "tag":
            return SignatureCheck("unverified", None, _t(
                f"tag {ref.name} is a lightweight tag, which cannot carry a signature; "
                "create it with `git tag -s`",
                f"tag {ref.name} is een lichtgewicht tag, die geen handtekening kan dragen; "
                "maak hem met `git tag -s`"))
        body = self._git("cat-file", "tag", oid).stdout
        if not _SIGNATURE_BLOCK.search(body):
            return _UNSIGNED
        proc = self._git(
            "verify-tag", "--raw", oid, extra_config=signers, ok_codes=tuple(range(256))
        )
        return _tag_check(proc.returncode, (proc.stdout + proc.stderr).decode("utf-8", "replace"))


@dataclass(frozen=True)
class _HistoryPlan:
    """GitRepo._plan_history's answer: `known` facts, or the `git log` args whose output, followed
    by `old` (the kept output of an earlier HEAD), is folded; `key`/`tip`: how the result is kept."""

    key: tuple[Any, ...] | None
    tip: bool
    known: dict[str, FileHistory] | None
    args: tuple[str, ...] = ()
    old: bytes = b""


class FirstParentLine:
    """HEAD's first-parent line, newest first: `git log`'s records ("<committer time> <sha> <subject>").

    Kept as git gave them, each made a Commit only when asked for: a Commit per record held
    about 450 bytes each, 57 MB at 127,000 commits.
    """

    def __init__(self, records: list[bytes]) -> None:
        self.records = records
        self.times = array.array("q", (int(r[:r.index(b" ")]) for r in records))

    def at(self, date: dt.date) -> Commit | None:
        """What `GitRepo.commit_at(date)` gives: the first commit, walking from HEAD, committed on or
        before the end of that day (git's `--before` skips newer commits; it does not stop at them,
        so a commit with a clock set back still counts where it stands in the line)."""
        end = _end_of_day_utc(date)
        index = next((i for i, when in enumerate(self.times) if when <= end), None)
        return None if index is None else self._commit(index)

    def first(self) -> Commit | None:
        """What `GitRepo.first_commit()` gives: the root the first-parent line ends in."""
        return self._commit(len(self.records) - 1) if self.records else None

    def _commit(self, index: int) -> Commit:
        when, sha, subject = (self.records[index].decode("utf-8", "replace").split(" ", 2) + [""])[:3]
        return Commit(sha, _utc_date(when), subject)


# --------------------------------------------------------------------------- parsing


def _parse_commit_line(out: bytes) -> Commit:
    sha, ct, subject = out.decode("utf-8", "replace").rstrip("\n").split("\0", 2)
    return Commit(sha, _utc_date(ct), subject)


def _parse_status(out: bytes) -> tuple[list[str], list[str]]:
    """Parse `status --porcelain=v1 -z`: "XY path\\0", a rename adds "\\0origin"."""
    changed: list[str] = []
    untracked: list[str] = []
    tokens = out.split(b"\0")
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if len(token) < 4:
            continue
        xy, path = token[:2], _decode_path(token[3:])
        if xy == b"??":
            untracked.append(path)
            continue
        if xy == b"!!":
            continue
        changed.append(path)
        if xy[:1] in (b"R", b"C") and i < len(tokens):
            if xy[:1] == b"R":  # the copied-from path of a copy is unchanged
                changed.append(_decode_path(tokens[i]))
            i += 1
    return changed, untracked


_HistoryRaw = dict[bytes, FileHistory]
_STATUS_CONFIG = ("core.untrackedCache=false",)
_FULL_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _parse_history(out: bytes, prefix: bytes) -> _HistoryRaw:
    """Fold `log --name-status -z --format=%x01%H %ct` (newest first) into per-path facts.

    Tokens are NUL separated: a header "\\x01<sha> <epoch>", then (status, path) pairs, or
    (status, old path, new path) for a rename or copy ("R086", "C100"); a status token may
    start with the newline git puts between header and file list. An older commit's facts
    about a renamed path belong to the file under its later name.
    """
    last: dict[bytes, tuple[bytes, bytes]] = {}
    first: dict[bytes, tuple[bytes, bytes]] = {}
    closed: set[bytes] = set()  # deleted at or after this point in time: older facts belong to an earlier life
    renamed_to: dict[bytes, bytes] = {}  # old path -> its name in a later commit

    def later_name(path: bytes) -> bytes:
        seen: set[bytes] = set()
        while path in renamed_to and path not in seen:
            seen.add(path)
            path = renamed_to[path]
        return path

    current = (b"", b"0")
    tokens = out.split(b"\0")
    i, n = 0, len(tokens)
    # A loop of 25,000 tokens at 5,000 documents: kept to plain comparisons (no call per token).
    while i < n:
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token:
            continue
        if token[0] == 1:  # b"\x01"
            sha, _, ct = token[1:].partition(b" ")
            current = (sha, ct)
            continue
        if i >= n:
            continue
        path = tokens[i]
        i += 1
        if token[:1] in (b"R", b"C") and i < n:
            old, path = path, tokens[i]
            i += 1
            if token[:1] == b"R":
                # Walking back in time: before this commit, the file lived at `old`.
                renamed_to[old] = path
        if path in renamed_to:
            path = later_name(path)
        if path in closed:
            continue
        if token == b"D":
            closed.add(path)
            continue
        if path not in last:
            last[path] = current
        first[path] = current
    day = {ct: _utc_date(ct) for ct in {ct for _, ct in last.values()} | {ct for _, ct in first.values()}}
    cut = len(prefix)
    result: _HistoryRaw = {}
    for path, (lsha, lct) in last.items():
        if not path.startswith(prefix):
            continue
        fsha, fct = first[path]
        result[path[cut:]] = FileHistory(fsha.decode(), day[fct], lsha.decode(), day[lct])
    return result


# --------------------------------------------------------------------------- signatures

_HEX = re.compile(r"[0-9a-fA-F]{4,64}")
_SIGNATURE_BLOCK = re.compile(rb"^-----BEGIN (SSH SIGNATURE|PGP SIGNATURE|SIGNED MESSAGE)-----$", re.M)
_TAG_NAME_BAD = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{")


def _t(en: str, nl: str) -> Text:
    return Text(en=en, nl=nl)


_UNSIGNED = SignatureCheck("unverified", None, _t(
    "not signed", "niet ondertekend"))


def _object_query(ref: SignatureRef) -> str | None:
    """The cat-file query for a ref, or None when the name cannot be one."""
    if ref.kind == "commit":
        return ref.name if _HEX.fullmatch(ref.name) else None
    if ref.kind == "tag" and ref.name and not _TAG_NAME_BAD.search(ref.name):
        return f"refs/tags/{ref.name}"
    return None


def _missing(ref: SignatureRef, *, malformed: bool = False, ambiguous: bool = False,
             shallow: bool = False) -> SignatureCheck:
    what = {"commit": ("commit", "commit"), "tag": ("tag", "tag")}.get(ref.kind, ("object", "object"))
    if malformed:
        detail = _t(f"{ref.name!r} is not a valid {what[0]} name",
                    f"{ref.name!r} is geen geldige naam voor een {what[1]}")
    elif ambiguous:
        detail = _t(f"{ref.name} is ambiguous: give more characters of the commit id",
                    f"{ref.name} is dubbelzinnig: geef meer tekens van de commit-id")
    else:
        detail = _t(f"{what[0]} {ref.name} does not exist in this repository",
                    f"{what[1]} {ref.name} bestaat niet in deze repository")
        if shallow:
            detail = _t(detail.en + " (this is a shallow clone: fetch full depth)",
                        detail.nl + " (dit is een ondiepe kloon: haal de volledige geschiedenis op)")
    return SignatureCheck("missing", None, detail)


def _commit_check(code: str, signer: str | None, key: str | None) -> SignatureCheck:
    """Map git's %G? letter to an outcome."""
    k = f" ({key})" if key else ""
    if code == "G":
        return SignatureCheck("verified", signer, _t(
            f"good signature by {signer}{k}", f"geldige handtekening van {signer}{k}"), key)
    if code == "U":
        return SignatureCheck("key-unknown", signer, _t(
            f"the signature is intact but its key{k} is not in the allowed signers "
            "(or, for OpenPGP, not trusted)",
            f"de handtekening is intact, maar de sleutel{k} staat niet bij de toegestane "
            "ondertekenaars (of is, bij OpenPGP, niet vertrouwd)"), key)
    if code == "B":
        return SignatureCheck("bad", signer, _t(
            "the signature does not match the commit: it was altered after signing",
            "de handtekening past niet bij de commit: die is na ondertekening gewijzigd"), key)
    if code in ("X", "Y"):
        return SignatureCheck("bad", signer, _t(
            f"the signature{k} or its key has expired",
            f"de handtekening{k} of de sleutel ervan is verlopen"), key)
    if code == "R":
        return SignatureCheck("bad", signer, _t(
            f"the signing key{k} has been revoked", f"de ondertekenende sleutel{k} is ingetrokken"), key)
    if code == "E":
        return SignatureCheck("key-unknown", signer, _t(
            "git could not check the signature: the key is unknown here or the checking "
            "program (gpg, ssh-keygen) is missing",
            "git kon de handtekening niet controleren: de sleutel is hier onbekend of het "
            "controleprogramma (gpg, ssh-keygen) ontbreekt"), key)
    return _UNSIGNED


_SSH_GOOD_FOR = re.compile(r'Good "git" signature for (.+?) with (\S+) key (\S+)')
_SSH_GOOD = re.compile(r'Good "git" signature with (\S+) key (\S+)')
_GPG_GOOD = re.compile(r"\[GNUPG:\] GOODSIG (\S+) (.*)")


def _tag_check(returncode: int, raw: str) -> SignatureCheck:
    """Map `git verify-tag --raw` output (ssh-keygen text or GnuPG status lines)."""
    if m := _SSH_GOOD_FOR.search(raw):
        code = "G" if returncode == 0 else "U"
        return _commit_check(code, m.group(1), m.group(3))
    if m := _SSH_GOOD.search(raw):
        return _commit_check("U", None, m.group(2))
    if "incorrect signature" in raw or "[GNUPG:] BADSIG" in raw:
        return _commit_check("B", None, None)
    if "[GNUPG:] REVKEYSIG" in raw:
        return _commit_check("R", None, None)
    if "[GNUPG:] EXPSIG" in raw or "[GNUPG:] EXPKEYSIG" in raw:
        return _commit_check("X", None, None)
    if m := _GPG_GOOD.search(raw):
        trusted = re.search(r"\[GNUPG:\] TRUST_(FULLY|ULTIMATE)", raw) is not None
        code = "G" if returncode == 0 and trusted else "U"
        return _commit_check(code, m.group(2), m.group(1))
    if "no signature found" in raw:
        return _UNSIGNED
    return _commit_check("E", None, None)


# --------------------------------------------------------------------------- GitTreeSource


# How much of git's answers one read takes from the pipe: a pipe's usual capacity (Linux, macOS),
# so one read empties it, and below the size where an allocation becomes an mmap.
_CHUNK = 1 << 16
# Requests are sent without a thread where the pipes can be polled (POSIX); elsewhere a thread feeds
# them while the answers are read, as before (_Batch.writer).
_POLL = os.name == "posix" and hasattr(select, "poll")


class _Batch:
    """One pipelined request to cat-file: its answers come in the order asked (_CatFile.begin).

    `sent` is how much of the request git has been given; `taken` how many answers were read from
    the pipe; `kept` the answers read before they were asked for (settle); `failed` the error that
    ended it (git out of step, killed)."""

    __slots__ = ("count", "payload", "sent", "taken", "kept", "failed", "writer", "poller")

    def __init__(self, count: int, payload: bytes) -> None:
        self.count = count
        self.payload = memoryview(payload)
        self.sent = 0
        self.taken = 0
        self.kept: deque[tuple[str, bytes] | None] = deque()
        self.failed: GitError | None = None
        self.writer: threading.Thread | None = None
        self.poller: Any = None  # select.poll while the request does not fit in the pipe


def _start_catfile(cwd: Path, batch: str, bufsize: int = -1) -> subprocess.Popen[bytes]:
    """A long-lived `git cat-file <batch>` reading requests from a pipe (its errors go nowhere:
    a missing object is in its answers)."""
    try:
        return subprocess.Popen(_git_argv(["cat-file", batch]), cwd=cwd, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_git_env(),
                                bufsize=bufsize)
    except OSError as exc:
        raise GitError(f"could not run git: {exc.strerror or exc}") from exc


class _CatFile:
    """One long-lived `git cat-file --batch`: one round trip per object, no process per file.

    Answers are read from the pipe in chunks of _CHUNK bytes into one buffer and cut into objects
    there (one `os.read` per pipe's worth, not a readline and two reads per object), and a batch can
    be read lazily (begin/answer): the walk parses blob N while git inflates the next ones on the
    other core (docs/performance.md, "Eighth round"). Only one batch is open at a time; any other
    request first reads the open batch's remaining answers into it (settle), so git never gets out
    of step with us.
    """

    def __init__(self, cwd: Path) -> None:
        self._proc = _start_catfile(cwd, "--batch", bufsize=0)
        _widen(self._proc.stdin, self._proc.stdout)
        self._lock = threading.Lock()
        self._buf = b""  # git's answers read from the pipe and not yet handed out, from _pos on
        self._pos = 0
        self._batch: _Batch | None = None  # the batch whose answers are not all read yet
        # Runs on close(), on garbage collection, or at interpreter exit, whichever is first.
        self._finalizer = weakref.finalize(self, _stop_process, self._proc)

    def read(self, oid: str) -> bytes:
        return _found(self.read_typed(oid), oid)

    def read_typed(self, name: str) -> tuple[str, bytes] | None:
        """An object by any name git takes (`<commit>:<folder>`), with its type; None when there is none."""
        with self._lock:
            self._settle()
            stdin, _ = self._pipes()
            try:
                _write_all(stdin.fileno(), name.encode("utf-8", "surrogateescape") + b"\n")
            except (OSError, ValueError) as exc:
                raise GitError(f"reading from git failed: {exc}") from exc
            return self._next_answer()

    def read_many(self, oids: Sequence[str]) -> list[bytes]:
        """Read objects pipelined; GitError when git has one of them not."""
        return [_found(answer, oid) for answer, oid in zip(self.read_many_typed(oids), oids)]

    def read_many_typed(self, oids: Sequence[str]) -> list[tuple[str, bytes] | None]:
        """Read objects pipelined, with their types (None: no such object), all at once.

        Writing every request before reading could deadlock (git blocks on a full stdout while we
        block on a full stdin): the requests are sent as git takes them (_Batch). Any failure
        leaves git out of step with us: it is ended."""
        with self._lock:
            batch = self._begin(oids)
            try:
                return [self._answer(batch) for _ in oids]
            except BaseException:
                self._end(batch)
                raise

    def begin(self, oids: Sequence[str]) -> _Batch:
        """Send a pipelined request for `oids` and return at once; answer() reads the answers in
        order, as they are needed."""
        with self._lock:
            return self._begin(oids)

    def answer(self, batch: _Batch) -> tuple[str, bytes] | None:
        """The next answer of `batch` (None: no such object); GitError when git failed (then ended)."""
        with self._lock:
            if batch.kept:
                return batch.kept.popleft()
            if batch is not self._batch:
                raise batch.failed or GitError("git cat-file stopped unexpectedly")
            try:
                return self._answer(batch)
            except BaseException:
                self._end(batch)
                raise

    def settle(self) -> None:
        """Read the open batch's remaining answers now (kept for it): another request comes. When that
        fails git is out of step: ended (`alive` is False; the batch gives what it had)."""
        with self._lock:
            self._settle()

    @property
    def alive(self) -> bool:
        return self._finalizer.alive

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if not self._finalizer.alive or self._proc.stdin is None or self._proc.stdout is None:
            raise GitError("the commit's files were read after the source was closed")
        return self._proc.stdin, self._proc.stdout

    def close(self) -> None:
        with self._lock:
            self._finalizer()

    # -- with the lock held

    def _begin(self, oids: Sequence[str]) -> _Batch:
        self._settle()
        stdin, _ = self._pipes()
        batch = _Batch(len(oids), "".join(o + "\n" for o in oids).encode("ascii"))
        if not oids:
            return batch
        self._batch = batch
        if not _POLL:
            batch.writer = threading.Thread(target=_feed, args=(stdin, bytes(batch.payload)), daemon=True)
            batch.writer.start()
            return batch
        fd = stdin.fileno()
        os.set_blocking(fd, False)
        self._send(batch)  # most requests fit in the pipe at once: sent, and no poll is needed
        if batch.sent < len(batch.payload):
            batch.poller = select.poll()
            batch.poller.register(fd, select.POLLOUT)
            batch.poller.register(self._proc.stdout.fileno() if self._proc.stdout else -1, select.POLLIN)
        return batch

    def _send(self, batch: _Batch) -> None:
        """Give git as much of the request as its pipe takes now, without waiting."""
        stdin = self._proc.stdin
        try:
            assert stdin is not None
            batch.sent += os.write(stdin.fileno(), batch.payload[batch.sent:batch.sent + _CHUNK])
        except BlockingIOError:
            pass
        except (OSError, ValueError):
            batch.sent = len(batch.payload)  # git is gone: reading its answers says so
        if batch.sent >= len(batch.payload):
            batch.poller = None
            try:
                if stdin is not None:
                    os.set_blocking(stdin.fileno(), True)
            except (OSError, ValueError):
                pass

    def _answer(self, batch: _Batch) -> tuple[str, bytes] | None:
        found = self._next_answer()
        batch.taken += 1
        if batch.taken >= batch.count:
            self._done(batch)
        return found

    def _done(self, batch: _Batch) -> None:
        if self._batch is batch:
            self._batch = None
        if batch.writer is not None:
            batch.writer.join()
            batch.writer = None

    def _settle(self) -> None:
        batch = self._batch
        if batch is None:
            return
        try:
            while batch.taken < batch.count:
                batch.kept.append(self._answer(batch))
        except GitError:
            self._end(batch)
        except BaseException:  # interrupted (Ctrl-C) in the middle of an answer: out of step
            self._end(batch)
            raise

    def _end(self, batch: _Batch) -> None:
        """Out of step with git (a failed or interrupted read): kill it; the batch ends here."""
        if batch.failed is None:
            batch.failed = GitError("git cat-file stopped unexpectedly")
        if self._finalizer.alive:
            self._proc.kill()
        self._finalizer()
        self._done(batch)

    def _more(self) -> bytes:
        """The next piece of git's output (b"" at its end). While the open batch's request is not
        all sent, wait for either pipe, so git never waits for a request while we wait for an answer."""
        _, stdout = self._pipes()
        fd = stdout.fileno()
        batch = self._batch
        while batch is not None and batch.poller is not None:
            events = batch.poller.poll()
            if any(ready == fd for ready, _ in events):
                break
            self._send(batch)
        return os.read(fd, _CHUNK)

    def _line(self) -> bytes:
        """Up to and with the next newline (at git's end: what there is, as readline gives it)."""
        end = self._buf.find(b"\n", self._pos)
        while end < 0:
            more = self._more()
            rest = self._buf[self._pos:]
            self._buf, self._pos = rest + more, 0
            if not more:
                self._buf = b""
                return rest
            end = self._buf.find(b"\n", len(rest))
        line = self._buf[self._pos:end + 1]
        self._pos = end + 1
        return line

    def _take(self, size: int) -> bytes:
        """The next `size` bytes (fewer at git's end)."""
        start = self._pos
        if len(self._buf) - start >= size:
            self._pos = start + size
            return self._buf[start:start + size]
        parts = [self._buf[start:]]
        have = len(parts[0])
        self._buf, self._pos = b"", 0
        while have < size:
            more = self._more()
            if not more:
                break
            if have + len(more) > size:
                cut = size - have
                parts.append(more[:cut])
                self._buf = more[cut:]
                have = size
            else:
                parts.append(more)
                have += len(more)
        return b"".join(parts)

    def _next_answer(self) -> tuple[str, bytes] | None:
        """One `--batch` answer: "<oid> <type> <size>\\n<content>\\n" gives (type, content); "<name> missing\\n"
        (the name may hold spaces) gives None."""
        try:
            header = self._line()
            if not header:
                self._ended()
                raise GitError("git cat-file stopped unexpectedly")
            parts = header.split()
            if len(parts) != 3 or header.rstrip(b"\n").endswith((b" missing", b" ambiguous")):
                return None
            size = int(parts[2])
            if size < 0:
                raise ValueError(f"invalid object size {size}")
            data = self._take(size)
            self._take(1)  # the newline after every object
        except (OSError, ValueError) as exc:
            raise GitError(f"reading from git failed: {exc}") from exc
        if len(data) != size:
            self._ended()
            raise GitError("git cat-file stopped in the middle of an object")
        return parts[1].decode("ascii", "replace"), data

    def _ended(self) -> None:
        """git closed its output: wait (briefly) until it is gone, so the next request meets a closed
        pipe ("Broken pipe") whatever the timing, not a process that is still exiting."""
        try:
            self._proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass


class BlobStream(MutableMapping[str, bytes]):
    """The bytes of many files of one tree, as GitTreeSource.stream_many gives them: read from git in
    the order asked, when the walk asks for a path (everything before it is read then and kept).

    Only a speed-up, like the eager prefetch it replaces: a path git does not have, and every path
    after a failed read (git died, an object cut short: git is ended), is simply absent, so the walk
    reads it file by file and names what cannot be read, with the texts it always had."""

    def __init__(self, cat: _CatFile | None, paths: list[str], oids: list[str], ready: dict[str, bytes]) -> None:
        self._ready = ready  # read already (from disk, or ahead of the walk), or set
        self._paths = paths
        self._at = {path: index for index, path in enumerate(paths)}
        self._next = 0  # paths[:_next] are read (or failed)
        self._cat = cat
        self._batch = cat.begin(oids) if cat is not None and paths else None

    def _upto(self, path: str) -> None:
        index = self._at.get(path)
        if index is None or index < self._next:
            return
        assert self._cat is not None and self._batch is not None
        while self._next <= index:
            self._next += 1
            try:
                answer = self._cat.answer(self._batch)
            except GitError:
                self._next = len(self._paths)  # the rest are read file by file
                return
            if answer is not None:
                self._ready[self._paths[self._next - 1]] = answer[1]

    @property
    def pending(self) -> int:
        """How many paths are still to be read from git (a counter for tests)."""
        return len(self._paths) - self._next

    def get(self, path: str, default: Any = None) -> Any:
        self._upto(path)
        return self._ready.get(path, default)

    def pop(self, path: str, default: Any = None) -> Any:
        self._upto(path)
        return self._ready.pop(path, default)

    def __getitem__(self, path: str) -> bytes:
        self._upto(path)
        return self._ready[path]

    def __setitem__(self, path: str, raw: bytes) -> None:
        self._upto(path)  # read in order first, so git's answer does not replace it
        self._ready[path] = raw

    def __delitem__(self, path: str) -> None:
        self._upto(path)
        del self._ready[path]

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.get(path) is not None

    def __iter__(self) -> Iterator[str]:
        if self._paths:
            self._upto(self._paths[-1])
        return iter(list(self._ready))

    def __len__(self) -> int:
        if self._paths:
            self._upto(self._paths[-1])
        return len(self._ready)


# How much a pipe to or from cat-file holds, where the system lets us choose (Linux: F_SETPIPE_SZ; an
# unprivileged process may go up to /proc/sys/fs/pipe-max-size, 1 MB by default). 64 KB let git run
# only ~60 blobs ahead of a walk that streams them: on a busy machine git then ran in many short
# turns, each one a wait for the scheduler; 1 MB holds most of a year end's new blobs.
PIPE_BYTES = 1 << 20


def _widen(*pipes: IO[bytes] | None) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: the pipes keep their size
        return
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)
    for pipe in pipes:
        if setsize is not None and pipe is not None:
            try:
                fcntl.fcntl(pipe.fileno(), setsize, PIPE_BYTES)
            except OSError:
                pass  # over the system's limit (or the user's pipe pages): the default size, as before


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class _SizeCheck:
    """One long-lived `git cat-file --batch-check` for a command: the sizes of blobs not seen before,
    without a git process per year end (starting one was 5-12 ms of each year end's listing)."""

    # Requests are written this many ids at a time and their answers read before the next: both
    # stay far below a pipe's buffer (64 KB), so neither side can block the other (no writer thread).
    CHUNK = 256

    def __init__(self, cwd: Path) -> None:
        self._proc = _start_catfile(cwd, "--batch-check")
        self._finalizer = weakref.finalize(self, _stop_process, self._proc)

    @property
    def alive(self) -> bool:
        return self._finalizer.alive

    def sizes(self, oids: Sequence[str]) -> dict[str, int]:
        """Each blob's size; GitError when one is missing (or git stopped)."""
        stdin, stdout = self._proc.stdin, self._proc.stdout
        if not self._finalizer.alive or stdin is None or stdout is None:
            raise GitError("blob sizes were asked after the listing was closed")
        found: dict[str, int] = {}
        try:
            for start in range(0, len(oids), self.CHUNK):
                chunk = list(oids[start:start + self.CHUNK])
                stdin.write("".join(o + "\n" for o in chunk).encode("ascii"))
                stdin.flush()
                lines = _lines(stdout.fileno(), len(chunk))
                # Read whole: "<id> <type> <size>" per asked id, in order (a third of the time of
                # reading and checking line by line, 11,000 sizes per `history` of `g` 5,000, 20 years).
                words = b" ".join(lines).split(b" ")
                sizes = words[2::3]
                if (len(words) == 3 * len(chunk) and all(map(bytes.isdigit, sizes))
                        and list(map(bytes.decode, words[0::3])) == chunk):
                    found.update(zip(chunk, map(int, sizes)))
                    continue
                for oid, line in zip(chunk, lines):  # something else: the first answer that is no size says what
                    answer = line.decode("ascii", "replace").split(" ")
                    if len(answer) != 3 or answer[1] == "missing" or not answer[2].strip().isdigit():
                        self.close()  # out of step with git now
                        raise GitError(f"git cat-file: object {oid} is missing from the repository")
                    found[oid] = int(answer[2])
        except OSError as exc:
            self.close()
            raise GitError(f"reading from git failed: {exc}") from exc
        return found

    def close(self) -> None:
        self._finalizer()


def _lines(fd: int, count: int) -> list[bytes]:
    """The next `count` lines git writes to `fd`, without their newlines; at git's end, what there is
    (a line cut short, then empty lines), as `count` readline() calls would give them."""
    parts = [os.read(fd, _CHUNK)]
    have = parts[0].count(b"\n")
    while have < count and parts[-1]:
        parts.append(os.read(fd, _CHUNK))
        have += parts[-1].count(b"\n")
    lines = b"".join(parts).split(b"\n")
    return lines[:count] + [b""] * (count - len(lines))


def _feed(stdin: IO[bytes], payload: bytes) -> None:
    try:
        _write_all(stdin.fileno(), payload)
    except (OSError, ValueError):
        pass  # git died or was stopped; the reading side reports it


def _found(answer: tuple[str, bytes] | None, oid: str) -> bytes:
    if answer is None:
        raise GitError(f"git could not find object {oid}")
    return answer[1]


def _stop_process(proc: subprocess.Popen[bytes]) -> None:
    # Our end of git's output is closed first: answers of a batch nobody reads any more (a walk that
    # stopped early, BlobStream) end git at its next write instead of keeping it waiting. Closing
    # stdin then makes cat-file exit on its own; kill only if it does not.
    for pipe in (proc.stdout, proc.stdin):
        try:
            if pipe:
                pipe.close()
        except OSError:
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass(frozen=True)
class _Tree:
    entries: tuple[SourceEntry, ...]
    blobs: Mapping[str, str]  # readable path -> blob id (a link maps to its target's blob)
    kinds_given: Mapping[str, EntryKind] | None = None
    # The tree's folders as SharedTrees.tree listed them (outer before inner, in the order of
    # `entries`), when it did so folder by folder: what the walk may replay per folder (GitTreeSource.subtrees).
    folders: tuple[Folder, ...] | None = None

    @cached_property
    def kinds(self) -> Mapping[str, EntryKind]:
        """Each path's kind; asked only when a read finds no blob (a link that leaves the tree)."""
        return self.kinds_given if self.kinds_given is not None else {e.path: e.kind for e in self.entries}


# Switch for tests (tests/test_subtrees.py): off, every tree is listed and walked file by file.
SUBTREES = True


class Folder:
    """One git folder at one path as listed within a command: its entries (all levels below, full
    paths, in the listing's order), its own files' blob ids and sizes, and the folders in it.

    A folder is the same tree object at most year ends (last year's meetings, the archive): kept
    per (path, tree id), it is listed once and its entries are the same objects at every year end
    that has it, so the walk (repository._Loader.run) can recognise and replay it whole.
    """

    __slots__ = ("path", "oid", "parsed", "entries", "blobs", "sizes", "folders", "own")

    def __init__(self, path: str, oid: str, parsed: list[tuple[str, str, str]], entries: tuple[SourceEntry, ...],
                 blobs: dict[str, str], sizes: dict[str, int], folders: tuple[Folder, ...],
                 own: dict[tuple[str, str, str], SourceEntry]) -> None:
        self.path = path  # "" for the checked folder, else "a/b/" (with the slash)
        self.oid = oid
        self.parsed = parsed  # the tree object's entries, as _parse_tree gives them
        self.entries = entries
        self.blobs = blobs  # its own files only: path -> blob id
        self.sizes = sizes  # its own files only: blob id -> size
        self.folders = folders  # itself, then every folder below it, outer before inner
        # Its own files' and gitlinks' entries by their tree object entry (name, mode, id): what the
        # next version of the folder at this path takes over for the entries it did not change.
        self.own = own


class GitTreeSource:
    """The checked folder at one commit, read from git's object store (a `Source`).

    Use as a context manager, or call close(); if neither happens the cat-file process is
    still stopped when the object is garbage collected or the interpreter exits.
    """

    def __init__(self, top: Path, prefix: str, sha: str, date: dt.date | None = None,
                 shared: SharedTrees | None = None) -> None:
        self.top = top
        self.prefix = prefix
        self.commit = sha
        self.date = date
        # What the trees of one command share (history's year ends): see SharedTrees.
        self.shared = shared
        self.label = f"commit {sha[:7]}" + (f" ({date.isoformat()})" if date else "")
        self._tree: _Tree | None = None
        self._cat: _CatFile | None = None
        # The checked folder on disk when it may hold this commit's files (the commit is HEAD):
        # read_many then reads a file from there when its bytes are the blob (same git id).
        self.working: Path | None = None
        self.from_disk = 0  # files read_many took from the working tree (a counter for tests)
        self._sizes: dict[str, int] | None = None  # path -> blob size, for reads from the working tree

    def __enter__(self) -> GitTreeSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._cat is not None:
            self._cat.close()
            self._cat = None

    def entries(self) -> Iterator[SourceEntry]:
        return iter(self._load().entries)

    def listed(self, path: str) -> bool:
        """Whether the tree lists `path` (of any kind): a binary search of the sorted listing, where
        runner._settings_from_today walked all of it at every year end for two top-level names."""
        entries = self._load().entries
        at = bisect_left(entries, path, key=_PATH)
        return at < len(entries) and entries[at].path == path

    def read(self, path: str) -> bytes:
        tree = self._load()
        oid = tree.blobs.get(path)
        if oid is None:
            if tree.kinds.get(path) == "symlink-outside":
                raise PermissionError(f"{path} leaves the repository")
            raise FileNotFoundError(f"{path} is not a file in {self.label}")
        if self.working is not None:
            # HEAD's settings files, clean, from disk as read_many takes documents: then a cold check
            # of HEAD starts no `git cat-file` at all.
            with WorkingTreeSource(self.working) as disk:
                raw = self._disk_blob(disk, path, oid)
            if raw is not None:
                return raw
        return self._catfile().read(oid)

    def subtrees(self) -> tuple[Folder, ...] | None:
        """The tree's folders when SharedTrees listed it folder by folder (no link in it), else None."""
        return self._load().folders

    def blob_id(self, path: str) -> str | None:
        """The git blob id of a readable file (what the run cache keys loaded files by)."""
        return self._load().blobs.get(path)

    def blob_ids(self) -> Mapping[str, str]:
        """blob_id() of every readable file, as one mapping (read-only): the walk looks up a year end's
        files in it directly, not through two calls per file."""
        return self._load().blobs

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The bytes of many "file" entries at once, pipelined: about 3x faster than read()."""
        tree = self._load()
        wanted = list(dict.fromkeys(paths))
        for path in wanted:
            if path not in tree.blobs:
                self.read(path)  # raises the same error read() would
        found = self._from_disk(tree, wanted) if self.working is not None else {}
        rest = [p for p in wanted if p not in found]
        found.update(zip(rest, self._catfile().read_many([tree.blobs[p] for p in rest]) if rest else ()))
        return {p: found[p] for p in wanted}

    def stream_many(self, paths: Iterable[str]) -> BlobStream:
        """read_many's bytes, read from git while they are used: the request goes to git at once,
        each answer is read when its path is asked for (in the order of `paths`), so Python works on
        one file while git inflates the next ones on the other core. HEAD's clean files come from
        disk, as read_many takes them. A path that is no readable file, or that git cannot give, is
        absent: read() then says why."""
        tree = self._load()
        wanted = [path for path in dict.fromkeys(paths) if path in tree.blobs]
        found = self._from_disk(tree, wanted) if self.working is not None else {}
        rest = [path for path in wanted if path not in found]
        return BlobStream(self._catfile() if rest else None, rest, [tree.blobs[p] for p in rest], found)

    def _from_disk(self, tree: _Tree, paths: list[str]) -> dict[str, bytes]:
        """The files among paths whose working-tree bytes are the commit's blob.

        A cold check of HEAD's tree read every document through `git cat-file --batch`: at 5,000
        documents 0.19-0.29 CPU s (git inflating objects, Python reading a pipe) against 0.08-0.11
        s for reading the same files from disk and hashing them (docs/performance.md, fifth round).
        A file is taken only when it is a regular file reached through no link, of the blob's size,
        and its git id (SHA-1, or SHA-256 in such a repository, over "blob N\\0" + content) is the
        blob's: the same bytes, so the same result. Anything else (edited, a link, a FIFO, gone)
        comes from git as before.
        """
        assert self.working is not None
        found: dict[str, bytes] = {}
        with WorkingTreeSource(self.working) as disk:  # its kept folders closed once this batch is read
            for path in paths:
                raw = self._disk_blob(disk, path, tree.blobs[path])
                if raw is not None:
                    found[path] = raw
        self.from_disk += len(found)
        return found

    def _disk_blob(self, disk: WorkingTreeSource, path: str, oid: str) -> bytes | None:
        """The working-tree file's bytes when they are the blob `oid` (see _from_disk), else None."""
        if self._sizes is None:
            self._sizes = {e.path: e.size for e in self._load().entries}
        raw = disk.read_exact(path, self._sizes.get(path, -1))
        return raw if raw is not None and git_blob_id(raw, sha256=len(oid) == 64) == oid else None

    def _catfile(self) -> _CatFile:
        if self.shared is not None:
            return self.shared.catfile()  # the command's; closed by its owner, not by this tree
        if self._cat is not None:
            self._cat.settle()  # a stream's answers still in the pipe are read first (kept for it)
        if self._cat is None or not self._cat.alive:
            self._cat = _CatFile(self.top)
        return self._cat

    def _load(self) -> _Tree:
        if self._tree is None:
            self._tree = self._list()
        return self._tree

    def _list(self) -> _Tree:
        if self.shared is not None and "\n" not in self.prefix:  # cat-file takes one name per line
            try:
                found = self.shared.tree(self.commit, self.prefix, self._catfile().read)
                # None: the checked folder did not exist yet at that commit
                return found if found is not None else _Tree((), {}, {})
            except RecursionError:
                pass  # folders nested deeper than Python recurses: ls-tree lists them, below
        treeish = f"{self.commit}:{self.prefix}"
        proc = _run(["ls-tree", "-r", "-l", "-z", "--end-of-options", treeish], self.top, ok_codes=(0, 128))
        if proc.returncode != 0:
            if self.prefix:  # the checked folder did not exist yet at that commit
                return _Tree((), {}, {})
            raise GitError(f"git ls-tree failed: {_first_line(proc.stderr)}")
        # cat-file starts only if a link must be read (a clean HEAD's files come from disk, read_many).
        return _build_tree(_parse_ls_tree(proc.stdout), lambda oid: self._catfile().read(oid))


class SharedTrees:
    """What the trees of one command share (history's year ends, the report's trend).

    Listing a year end's tree with `ls-tree -r -l` makes git look up every blob's size again
    (0.18 of its 0.21 s at 20,000 files) and costs three git processes per year end (ls-tree,
    cat-file for links, cat-file for the blobs). Here one `cat-file --batch` serves every tree
    and blob of the command; trees are read as git stores them, folder by folder, and a folder
    that did not change since an earlier year end (last year's meetings, the archive) is the
    same tree object, read once; blob sizes are remembered, and those of blobs not seen before
    come from one `cat-file --batch-check` per year end. The listing is what `ls-tree -r -l`
    gives (tests/test_gitrepo.py compares the two).
    """

    def __init__(self, top: Path, id_bytes: int | None = None) -> None:
        self.top = top
        # The length of an object id in a tree object: the repository's (GitRepo.id_bytes), else asked.
        self.id_bytes = id_bytes if id_bytes is not None else _ID_BYTES[object_format(top)]
        self.sizes: dict[str, int] = {}
        self.folders: dict[str, tuple[tuple[str, str, str], ...]] = {}  # tree id -> (path, mode, id), flattened
        self.inside: dict[str, tuple[str, ...]] = {}  # tree id -> the ids of the folders in it, all levels
        self._cat: _CatFile | None = None
        self._check: _SizeCheck | None = None
        # Folders new at this year end, read level by level before flattening: one pipelined round
        # trip per level of folders instead of one per folder (170 of them per year end of `g` 5,000, 20 years).
        self._fetched: dict[str, list[tuple[str, str, str]]] = {}
        self.round_trips = 0  # cat-file requests answered, for tests/test_gitrepo.py's counter
        self.folder_reads = 0  # folder objects read
        # Listed folder by folder (tree()): the folders of the last tree so listed, by (path, id),
        # and their tree objects by id (a folder moved or copied elsewhere is not read again).
        self.records: dict[tuple[str, str], Folder] = {}
        self.parsed: dict[str, list[tuple[str, str, str]]] = {}
        self.records_built = 0  # folders listed anew (not found by path and id), for tests/test_subtrees.py
        # The last tree's folders by path (its checked folder too): a changed folder takes over the
        # entries of the files it kept from the folder at its path (_build).
        self.by_path: dict[str, Folder] = {}
        self.entries_made = 0  # entries made anew (not taken over), for tests/test_treelist.py's counter

    def catfile(self) -> _CatFile:
        if self._cat is not None:
            self._cat.settle()  # a stream's answers still in the pipe are read first (kept for it)
        if self._cat is None or not self._cat.alive:
            self._cat = _CatFile(self.top)
        return self._cat

    def close(self) -> None:
        if self._cat is not None:
            self._cat.close()
            self._cat = None
        if self._check is not None:
            self._check.close()
            self._check = None

    def tree(self, commit: str, prefix: str, read_blob: Callable[[str], bytes]) -> _Tree | None:
        """The tree of the checked folder at a commit (GitTreeSource's); None when the folder is not there.

        Without links, listed folder by folder (_folder_tree): a folder listed at an earlier year end
        costs one lookup. A tree with a link anywhere is listed whole (a link resolves against the
        whole tree), as is one with a name git itself refuses (empty, with a '/', twice in a folder).
        """
        top = self._top(commit, prefix)
        if top is None:
            return None
        if SUBTREES:
            try:
                found = self._folder_tree(top)
            except ValueError:  # a damaged tree object (cut short, a mode that is no number): git's own error
                self._fetched.clear()
                raise _damaged(commit) from None
            except BaseException:
                self._fetched.clear()
                raise
            if found is not None:
                self._fetched.clear()
                return found
            # The folders read ahead stay in self._fetched for the plain way, which clears them.
        return _build_tree(self._listing(commit, top), read_blob)

    def listing(self, commit: str, prefix: str) -> dict[str, _LsEntry] | None:
        """The tree of the checked folder at a commit, as `ls-tree -r -l`; None when the folder is not there."""
        top = self._top(commit, prefix)
        return None if top is None else self._listing(commit, top)

    def _top(self, commit: str, prefix: str) -> list[tuple[str, str, str]] | None:
        """The checked folder's own tree object at a commit, parsed; None when it is not there."""
        name = f"{commit}:{prefix.rstrip('/')}" if prefix else f"{commit}^{{tree}}"
        root = self.catfile().read_typed(name)
        if root is None or root[0] != "tree":
            if prefix:
                return None
            raise GitError(f"git could not read the tree of commit {commit}")
        try:
            return _parse_tree(root[1], self.id_bytes)
        except ValueError:
            raise _damaged(commit) from None

    def _listing(self, commit: str, top: list[tuple[str, str, str]]) -> dict[str, _LsEntry]:
        """listing() of a parsed top tree: every path flattened (the plain way)."""
        used: set[str] = set()
        # Folders the last folder-by-folder listing read are not read again.
        for oid, parsed in self.parsed.items():
            self._fetched.setdefault(oid, parsed)
        self.records, self.parsed, self.by_path = {}, {}, {}
        try:
            self._prefetch(top)
            flat = self._flatten(top, used)
        except ValueError:  # a damaged tree object (cut short, a mode that is no number): git's own error
            raise _damaged(commit) from None
        finally:
            self._fetched.clear()  # what this tree did not use (a planted or known folder's inside) is not kept
        # Only this tree's folders are kept: a folder gone from one year end seldom comes back, and
        # keeping every version of the changed ones (meetings/ at every year end) held 15 MB at 5,000 files.
        self.folders = {oid: self.folders[oid] for oid in used}
        self.inside = {oid: self.inside[oid] for oid in used}
        blobs = {oid for _, mode, oid in flat if mode != _SUBMODULE}
        wanted = sorted(blobs - self.sizes.keys())
        # Like the folders, only the sizes of this tree's blobs are kept (46,000 sizes at 20,000 files otherwise).
        self.sizes = {oid: size for oid, size in self.sizes.items() if oid in blobs}
        if wanted:
            self._ask_sizes(wanted)
        return {path: _LsEntry(mode, oid, 0 if mode == _SUBMODULE else self.sizes[oid]) for path, mode, oid in flat}

    def _prefetch(self, top: list[tuple[str, str, str]], known: Mapping[str, object] | None = None) -> None:
        """Read the folders of a tree that no earlier year end had, one level at a time, each level
        in one pipelined request (the folders already known are not opened: nothing below them is new).
        `known`: the folders known by id (default: the flattened ones, self.folders)."""
        known = self.folders if known is None else known
        level = [oid for _, mode, oid in top if mode == "40000" and oid not in known]
        while level:
            level = list(dict.fromkeys(o for o in level if o not in self._fetched))  # a folder twice in a tree: once
            if not level:
                return
            # Each answer parsed as it comes, while git reads the next objects of the level.
            cat = self.catfile()
            batch = cat.begin(level)
            self.round_trips += 1
            self.folder_reads += len(level)
            below: list[str] = []
            for oid in level:
                found = cat.answer(batch)
                if found is None or found[0] != "tree":
                    raise GitError(f"git could not read folder object {oid}")
                entries = self._fetched[oid] = _parse_tree(found[1], self.id_bytes)
                below.extend(o for _, mode, o in entries if mode == "40000" and o not in known)
            level = below

    def _folder_tree(self, top: list[tuple[str, str, str]]) -> _Tree | None:
        """The tree assembled from its folders, each (path, tree id) listed once per command; None
        when the plain way must list it (a link or an odd name anywhere in it).

        A folder's paths are contiguous in the sorted listing (all of "a/..." lies between the
        names before and after "a/"), so each folder's entries are its own files and its folders'
        runs, merged in the order of their names ("name/" for a folder): the same order as sorting
        every path (tests/test_subtrees.py compares the two on random trees and odd names).
        """
        self._prefetch(top, self.parsed)
        fresh: list[tuple[str, str]] = []  # the folders not listed before: (path, id)
        missing: set[str] = set()
        if not self._scan("", top, fresh, missing):
            return None
        if missing:
            self._ask_sizes(sorted(missing))
        built: dict[tuple[str, str], Folder] = {}
        for path, oid in reversed(fresh):  # inner folders before the ones holding them
            parsed = self._fetched.get(oid)
            if parsed is None:
                parsed = self.parsed[oid]
            built[path, oid] = self._build(path, oid, parsed, built)
        root = self._build("", "", top, built)
        folders = root.folders[1:]
        self.records_built += len(fresh)
        # Only this tree's folders are kept (as self.folders on the plain way).
        self.records = {(f.path, f.oid): f for f in folders}
        self.by_path = {f.path: f for f in root.folders}
        self.parsed = {f.oid: f.parsed for f in folders}
        self.folders, self.inside = {}, {}
        sizes = dict(root.sizes)
        blobs = dict(root.blobs)
        for folder in folders:
            sizes.update(folder.sizes)
            blobs.update(folder.blobs)
        self.sizes = sizes
        return _Tree(root.entries, blobs, None, folders)

    def _scan(self, path: str, parsed: list[tuple[str, str, str]], fresh: list[tuple[str, str]],
              missing: set[str]) -> bool:
        """Find the folders below `path` not listed before (parents first) and the blob ids whose
        size is not known; False at a link or a name that is empty, holds a '/' or comes twice.

        Asked of the tree object's names and modes as wholes (a few distinct modes per folder),
        not entry by entry: only its folders are visited one at a time."""
        if not parsed:
            return True
        names, modes, oids = zip(*parsed)
        if len(set(names)) != len(names) or "" in names or "/" in "".join(names):
            return False
        kinds = set(modes)
        if any(_ls_mode(mode) == _LINK for mode in kinds):
            return False
        if "40000" in kinds:
            for name, oid in compress(zip(names, oids), map("40000".__eq__, modes)):
                below = f"{path}{name}/"
                if (below, oid) in self.records:
                    continue  # listed before: no link in it (a tree with one is never recorded)
                inner = self._fetched.get(oid)
                if inner is None:
                    inner = self.parsed.get(oid)
                if inner is None:  # not read ahead (_prefetch reads every new folder): read the same way
                    self._prefetch([("", "40000", oid)], self.parsed)
                    inner = self._fetched[oid]
                fresh.append((below, oid))
                if not self._scan(below, inner, fresh, missing):
                    return False
        files = {mode for mode in kinds if mode != "40000" and _ls_mode(mode) != _SUBMODULE}
        if files:
            blobs = oids if files == kinds else compress(oids, map(files.__contains__, modes))
            missing.update(filterfalse(self.sizes.__contains__, blobs))
        return True

    def _build(self, path: str, oid: str, parsed: list[tuple[str, str, str]],
               built: Mapping[tuple[str, str], Folder]) -> Folder:
        """A folder's record from its tree object, its inner folders already built or known.

        A file the folder at this path had at the last year end, with the same name, mode and blob,
        is that year end's entry again (the same path, size and kind): a changed folder costs a
        lookup per file it kept and a new entry only per file that is new (616 files change per year
        end of `g` 5,000, 20 years, in folders of 2,000 files). A folder of files only (the common
        kind: a year's minutes, `policies/`) is put together without a loop over its files."""
        earlier = self.by_path.get(path)
        kept = earlier.own if earlier is not None else {}
        names, modes, _ = zip(*parsed) if len(parsed) > _FEW else ((), (), ())
        kinds = set(modes)
        if names and "40000" not in kinds and not any(_ls_mode(mode) == _SUBMODULE for mode in kinds):
            # Git's order is the listing's but for names that are not UTF-8: sorted only then.
            items = parsed if list(names) == sorted(names) else sorted(parsed, key=_listing_order)
            taken: list[SourceEntry | None] = list(map(kept.get, items))
            new = [at for at, entry in enumerate(taken) if entry is None]
            for at in new:
                name, _, ident = items[at]
                taken[at] = SourceEntry(path + name, self.sizes[ident], "file")
            self.entries_made += len(new)
            found = cast(list[SourceEntry], taken)  # each None replaced just above
            idents = list(map(itemgetter(2), items))
            made = Folder(path, oid, parsed, tuple(found), dict(zip(map(_PATH, found), idents)),
                          dict(zip(idents, map(attrgetter("size"), found))), (), dict(zip(items, found)))
            made.folders = (made,)
            return made
        own: dict[tuple[str, str, str], SourceEntry] = {}
        entries: list[SourceEntry] = []
        blobs: dict[str, str] = {}
        sizes: dict[str, int] = {}
        folders: list[Folder] = []
        order = [name + "/" if mode == "40000" else name for name, mode, _ in parsed]  # sorted only when not so
        for item in parsed if order == sorted(order) else sorted(parsed, key=_listing_order):
            name, mode, ident = item
            if mode == "40000":
                key = (f"{path}{name}/", ident)
                inner = built.get(key) or self.records[key]
                entries.extend(inner.entries)
                folders.extend(inner.folders)
                continue
            entry = kept.get(item)
            if entry is None:
                self.entries_made += 1
                if _ls_mode(mode) == _SUBMODULE:
                    entry = SourceEntry(path + name, 0, "other")
                else:
                    entry = SourceEntry(path + name, self.sizes[ident], "file")
            own[item] = entry
            entries.append(entry)
            if entry.kind == "file":
                blobs[entry.path] = ident
                sizes[ident] = entry.size
        made = Folder(path, oid, parsed, tuple(entries), blobs, sizes, (), own)
        made.folders = (made, *folders)
        return made

    def _ask_sizes(self, wanted: list[str]) -> None:
        """The sizes of blobs not seen before, from the command's one `cat-file --batch-check`."""
        if self._check is None or not self._check.alive:
            self._check = _SizeCheck(self.top)
        self.sizes.update(self._check.sizes(wanted))

    def _folder(self, oid: str, used: set[str]) -> tuple[tuple[str, str, str], ...]:
        known = self.folders.get(oid)
        if known is not None:
            used.add(oid)
            used.update(self.inside[oid])  # its folders are part of this tree too: kept
            return known
        if oid not in self._fetched:  # not read ahead (_prefetch reads every new folder): read the same way
            self._prefetch([("", "40000", oid)])
        entries = self._fetched[oid]
        below: set[str] = set()
        known = self.folders[oid] = self._flatten(entries, below)
        self.inside[oid] = tuple(below)
        used.add(oid)
        used.update(below)
        return known

    def _flatten(self, entries: list[tuple[str, str, str]], used: set[str]) -> tuple[tuple[str, str, str], ...]:
        """A tree object's entries, folders opened: (path below it, mode as ls-tree prints it, id)."""
        flat: list[tuple[str, str, str]] = []
        for name, mode, oid in entries:
            if mode == "40000":
                flat.extend((f"{name}/{below}", m, o) for below, m, o in self._folder(oid, used))
            else:
                flat.append((name, _ls_mode(mode), oid))
        return tuple(flat)


_PATH = attrgetter("path")

# Up to this many entries a folder is put together entry by entry (_build): fewer steps than taking
# its files as a whole (most folders hold a meeting's few files).
_FEW = 8


def _damaged(commit: str) -> GitError:
    """A tree object of the commit cut short or with a mode that is no number: git's own refusal."""
    return GitError(f"a folder object of commit {commit} is damaged")


# The modes of a symbolic link and of a submodule (a gitlink) as `ls-tree` prints them.
_LINK, _SUBMODULE = "120000", "160000"


def _ls_mode(mode: str) -> str:
    """A tree object's mode as `ls-tree` prints it: six digits (a tree object writes "40000")."""
    return mode.rjust(6, "0")


def _listing_order(entry: tuple[str, str, str]) -> str:
    """Where a tree object's entry goes in the sorted listing: a folder's paths all start "name/"."""
    return entry[0] + "/" if entry[1] == "40000" else entry[0]


# A tree object's entry, "<mode> <name>\0<id>", per id length: the mode is everything up to the first
# space and the name up to the first NUL, as git reads them (a mode git refuses fails int(mode, 8) below).
_TREE_ENTRY = {size: re.compile(b"([^ ]*) ([^\0]*)\0(.{%d})" % size, re.DOTALL) for size in (20, 32)}
_TREE_NAME = methodcaller("decode", "utf-8", "surrogateescape")  # _decode_path, called from C
_GIT_MODES = {mode.encode("ascii"): mode for mode in ("100644", "100755", "40000", _LINK, _SUBMODULE)}


def _parse_tree(data: bytes, id_bytes: int) -> list[tuple[str, str, str]]:
    """A tree object's entries as git stores them: (name, mode, id); ValueError when it is damaged.

    Each entry is "<mode> <name>\\0" and the id in binary: 20 bytes (SHA-1) or 32 (SHA-256), the
    repository's object format (GitRepo.id_bytes); read with the other length, ids and names are
    misread.

    One regular-expression scan cuts the object (in C: a third of the time of a loop over its entries,
    3,565 objects per `history` of `g` 5,000, 20 years). The matches cover the object exactly, end to
    end, only when reading it entry by entry from the start succeeds, and are then those entries (each
    match is the one entry that starts where the last one ended): anything left over is a damaged tree.
    """
    found = _TREE_ENTRY[id_bytes].findall(data)
    if not found:
        if data:
            raise ValueError("tree object damaged")
        return []
    modes, names, ids = zip(*found)
    if sum(map(len, modes)) + sum(map(len, names)) + len(found) * (id_bytes + 2) != len(data):
        raise ValueError("tree object damaged or cut short")
    kinds = set(modes)
    if kinds <= _GIT_MODES.keys():  # the modes git writes: octal numbers, as text once
        text = _GIT_MODES
    else:
        text = {mode: mode.decode("ascii") for mode in kinds}
        for mode in text.values():
            int(mode, 8)  # a mode that is no octal number: a damaged tree (ValueError, as git refuses it)
    return list(zip(map(_TREE_NAME, names), map(text.__getitem__, modes), map(bytes.hex, ids)))


class _LsEntry(NamedTuple):  # a tuple: built 20,000 times per listed tree
    mode: str
    oid: str
    size: int


def _parse_ls_tree(out: bytes) -> dict[str, _LsEntry]:
    """`ls-tree -r -l -z`: "<mode> <type> <oid> <padded size>\\t<path>\\0"."""
    found: dict[str, _LsEntry] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, _type, oid, size = meta.split()
        found[_decode_path(raw_path)] = _LsEntry(
            mode.decode(), oid.decode(), int(size) if size.isdigit() else 0)
    return found


def _build_tree(listing: Mapping[str, _LsEntry], read_blob: Callable[[str], bytes]) -> _Tree:
    links = {p: _decode_path(read_blob(e.oid)) for p, e in listing.items() if e.mode == _LINK}
    gitlinks = {p for p, e in listing.items() if e.mode == _SUBMODULE}
    files = {p: e for p, e in listing.items() if e.mode not in (_LINK, _SUBMODULE)}
    file_set = set(files)
    dirs: set[str] = set()
    if links:  # only a link's target needs the folders (20,000 paths per listed tree otherwise)
        dirs = {posixpath.dirname(p) for p in listing}
        for d in list(dirs):
            while d:
                d = posixpath.dirname(d)
                dirs.add(d)
    entries: list[SourceEntry] = []
    blobs: dict[str, str] = {}
    for path in sorted(listing):
        if path in gitlinks:
            entries.append(SourceEntry(path, 0, "other"))
        elif path in files:
            entries.append(SourceEntry(path, files[path].size, "file"))
            blobs[path] = files[path].oid
        else:
            kind, target = _resolve_link(path, links, file_set, dirs, gitlinks)
            if kind == "file" and target is not None:
                entries.append(SourceEntry(path, files[target].size, "file"))
                blobs[path] = files[target].oid
            else:
                entries.append(SourceEntry(path, 0, kind))
    return _Tree(tuple(entries), blobs, {e.path: e.kind for e in entries})


_MAX_LINK_HOPS = 40  # the same bound as the Linux kernel's


def _resolve_link(
    link: str, links: Mapping[str, str], files: set[str], dirs: set[str], gitlinks: set[str],
) -> tuple[EntryKind, str | None]:
    """Resolve a symbolic link inside the tree as the filesystem would, component by component.

    Returns ("file", target path), or a kind: "symlink-outside" (absolute, or climbing
    above the checked folder), "symlink-broken" (nothing there, or a loop), "other" (a
    folder or submodule).
    """
    resolved = [c for c in posixpath.dirname(link).split("/") if c]
    pending = links[link].split("/")
    if links[link].startswith("/"):
        return "symlink-outside", None
    hops = 0
    while pending:
        part = pending.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if not resolved:
                return "symlink-outside", None
            resolved.pop()
            continue
        resolved.append(part)
        current = "/".join(resolved)
        if current in links:
            hops += 1
            target = links[current]
            if hops > _MAX_LINK_HOPS:
                return "symlink-broken", None
            if target.startswith("/"):
                return "symlink-outside", None
            resolved.pop()
            pending = target.split("/") + pending
        elif current in files:
            if any(p not in ("", ".") for p in pending):
                return "symlink-broken", None  # a file used as a folder
            return "file", current
        elif current in gitlinks:
            return "other", None
        elif current not in dirs:
            return "symlink-broken", None
    return "other", None  # a folder (or the checked folder itself)
