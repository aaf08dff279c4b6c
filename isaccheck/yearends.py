"""The levels at a past year end, remembered between runs by the commit they were evaluated from.

`history` and the report's trend evaluate the repository at every 31 December. A past year end
is read from the commit on HEAD's first-parent line at that date; a commit's tree never
changes, so evaluating it again gives the same levels as long as nothing else it depended on
changed. What they depend on besides the commit, and where that is in the key:

- isaccheck itself, its rule pack, Python and the libraries: the load cache's environment digest
  (a cache file written under another environment is not read at all: loadcache.py);
- the date (the year end) and --no-infer;
- today's isac.yaml and isaccheck.yaml, which stand in for a commit made before they existed
  (runner._WithTodaysSettings): their bytes' digest, whether or not the commit has its own;
- the TLP ceiling of the run (levels do not depend on it, the warnings kept with them do).

Not remembered, so evaluated as before: a year end read from the working tree (git "off", or a
date after today), one that failed (the repository did not exist yet), and one whose documents
carry signature entries that point at git: their verification asks git's refs and today's
allowed-signers file, which can change while the commit does not.

Only what `history` and the trend show of a past year end is kept: the levels and ambition per
capability, the questions that hold (the report's gained/lost lines), the ISAC's name and
language, and the run's warnings. Numbers, question ids and texts the run already produced: the
load cache beside them holds the documents' own text, so this adds nothing a reader of the cache
could not see before.

On two cores (`--jobs`, jobs.py) `Ahead` lets a forked child evaluate the oldest year ends while
this process evaluates today and then the newest ones; the child's year ends come back as the
values above (encode) and are decoded as a warm run decodes them, so they are the year ends this
process would have evaluated. This process hands the child the load-cache entries it loads
(today's documents first: Ahead.share), in the form the cache file holds them, so a blob both
processes need is loaded in one (docs/performance.md, "Tenth round").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import marshal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .config import CONFIG_FILE, PROFILE_FILE
from .errors import ConfigError, IsaccheckError
from .loadcache import LoadCache, collector_off
from .loadcache import decode as decode_loaded
from .model import Evaluation, Text
from .tlp import Label

if TYPE_CHECKING:
    from .gitevidence import GitMode, PastCommits


@dataclass(frozen=True)
class YearEnd:
    """What `history` and the report's trend use of one evaluation."""

    commit: str | None
    levels: Mapping[str, int]
    ambition: Mapping[str, int | None]
    holding: frozenset[str]  # the questions that hold
    isac_name: str | None
    language: str
    warnings: tuple[Text, ...]


def of_evaluation(evaluation: Evaluation) -> YearEnd:
    return YearEnd(
        evaluation.provenance.commit,
        {c.code: c.level for c in evaluation.capabilities},
        {c.code: c.ambition for c in evaluation.capabilities},
        frozenset(q.id for q in evaluation.questions if q.outcome.holds),
        evaluation.isac_name, evaluation.language, evaluation.warnings)


def year_end(path: Path, end: dt.date, *, today: dt.date, cache: LoadCache | None, past: PastCommits,
             git: GitMode = "auto", ceiling: Label | None = None) -> YearEnd:
    """The levels at `end` (a date before today), from the cache when its commit was evaluated before.

    Raises what runner.check raises (ConfigError when the repository did not exist then).
    Without a cache (None), simply evaluated."""
    found, keep, _ = _year_end(path, end, today=today, cache=cache, past=past, git=git, ceiling=ceiling)
    if cache is not None and keep is not None:
        cache.remember_year_end(keep, encode(found))
    return found


def _year_end(path: Path, end: dt.date, *, today: dt.date, cache: LoadCache | None, past: PastCommits,
              git: GitMode, ceiling: Label | None) -> tuple[YearEnd, tuple[Any, ...] | None, bool]:
    """year_end without storing: the year end, the key to remember it by (None: not remembered) and
    whether the cache already held it."""
    from .runner import check

    commit, key = _key(path, end, today=today, cache=cache, past=past, git=git, ceiling=ceiling)
    if cache is not None and key is not None:
        known = cache.year_end(key)
        if known is not None:
            return decode(known), key, True
    run = check(path, end, tlp_ceiling=ceiling, history=False, git=git, today=today, cache=cache,
                forecast=False, past=past)
    found = of_evaluation(run.evaluation)
    keep = key if not run.repository.signature_checks and found.commit == commit else None
    return found, keep, False


def _key(path: Path, end: dt.date, *, today: dt.date, cache: LoadCache | None, past: PastCommits,
         git: GitMode, ceiling: Label | None) -> tuple[str | None, tuple[Any, ...] | None]:
    """The commit `end` is read from, and the year end's key in the cache (None: never remembered)."""
    from . import gitevidence
    from .repository import INFER

    plan = gitevidence.plan_source(path, end, today, mode=git, past=past)
    plan.close()
    key = None
    if cache is not None and not plan.working_tree and plan.commit is not None:
        settings = _settings_digest(path)
        if settings is not None:
            key = ("year-end", plan.commit, end.isoformat(), INFER.get(), settings,
                   ceiling.canonical if ceiling else None)
    return plan.commit, key


def _settings_digest(path: Path) -> str | None:
    """The digest of today's isac.yaml and isaccheck.yaml (absent: empty), or None when one cannot be read
    as a plain file (the run then says why; nothing is remembered)."""
    from .sources import WorkingTreeSource

    today = WorkingTreeSource(path)
    digest = hashlib.sha256()
    for name in (PROFILE_FILE, CONFIG_FILE):
        entry = today.top_level_file(name)
        if entry is None:
            digest.update(b"-\0")
            continue
        if entry.kind != "file":
            return None
        try:
            data = today.read(name)
        except (OSError, ValueError):
            return None
        digest.update(b"%d:" % len(data) + data)
    return digest.hexdigest()


# -- as builtin values (the load cache's file is marshal) -------------------------------------------

def encode(found: YearEnd) -> tuple[Any, ...]:
    # Levels and ambition in the evaluation's order of capabilities (the outputs list them so).
    return (found.commit, tuple(found.levels.items()), tuple(found.ambition.items()), tuple(sorted(found.holding)),
            found.isac_name, found.language,
            tuple((w.en, w.nl, tuple(sorted(w.quotes))) for w in found.warnings))


def decode(raw: Any) -> YearEnd:
    """The year end as stored; TypeError/ValueError when it is not one (a corrupt file is a cold run)."""
    commit, levels, ambition, holding, name, language, warnings = raw
    for value in (commit, name):
        if value is not None and type(value) is not str:
            raise TypeError(value)
    if type(language) is not str:
        raise TypeError(language)
    found = YearEnd(commit, {str(k): int(v) for k, v in levels},
                    {str(k): None if v is None else int(v) for k, v in ambition},
                    frozenset(str(q) for q in holding), name, language,
                    tuple(Text(str(en), str(nl), frozenset(str(q) for q in quotes)) for en, nl, quotes in warnings))
    return found


# -- on two cores (jobs.py) -------------------------------------------------------------------------

# At least this many past year ends missing the cache before a child is forked: each is about a
# tenth of a second or more at a few thousand documents, while the child's start (the fork, its
# own repository discovery and cat-file) costs a few hundredths (docs/performance.md, "Seventh
# round"); a warm run, whose year ends the cache answers, forks nothing.
MIN_FORKED = 3

class Ahead:
    """Past year ends evaluated beside this process: `start(ends)` forks one child (jobs.Split)
    that evaluates them from the oldest up, the caller does its own other work meanwhile (today's
    evaluation), then `results(ends)` evaluates from the newest down here until the two meet and
    takes the child's results, decoded as a warm run decodes them from the cache (decode), so they
    are the year ends this process would have evaluated. Where nothing is forked, or the child
    failed, results() evaluates here, oldest first: the plain way.

    The child writes nothing: no cache (its copy of the load cache is never saved, and the
    extraction and inference caches are off in it), no file, not the repository. This process
    remembers the child's year ends in the cache as year_end() does its own: only those that
    year_end() would remember (not the working tree, not a failed one, not one with git-verified
    signatures)."""

    def __init__(self, path: Path, *, today: dt.date, cache: LoadCache | None, past: PastCommits,
                 git: GitMode = "auto", ceiling: Label | None = None) -> None:
        self.path, self.today, self.cache, self.past, self.git, self.ceiling = path, today, cache, past, git, ceiling
        self._split: Any = None  # a jobs.Split once forked
        self._given: list[dt.date] = []  # the child's year ends, oldest first
        self._child_past: PastCommits | None = None  # the child's own git (PastCommits.for_child)
        self._feeding: Any = None  # the Split, also in the child (its feed: received())
        self._sent = 0  # this process's load-cache entries handed to the child so far (in the dict's order)
        # In the child: the keys of the entries it used from this process's feed (bench_jobs, tests).
        self.installed: set[tuple[Any, ...]] = set()

    @property
    def forked(self) -> bool:
        return self._split is not None

    def start(self, ends: list[dt.date]) -> None:
        """Fork a child for those of `ends` the cache does not answer, where that is safe and pays."""
        from . import jobs

        if self._split is not None or len(ends) < MIN_FORKED or not jobs.can_fork():
            return
        todo = [end for end in ends if self._to_evaluate(end)]
        if len(todo) < MIN_FORKED:
            return
        split = jobs.Split(len(todo), self._child_work(todo), self._child_setup, self._child_teardown)
        self._feeding = split  # the child's copy reads its feed through it
        # Entries loaded before the fork are the child's copy already; only later ones are sent.
        self._sent = len(self.cache.files) if self.cache is not None else 0
        if split.start():
            self._split, self._given = split, todo
            if self.cache is not None:
                # Shared while today's files load, batch by batch, not only once they all have: the
                # child's first year ends come meanwhile (this process only: after the fork).
                self.cache.files = _Sharing(self.cache.files, self.share)
        else:
            self._feeding = None

    def results(self, ends: list[dt.date], started: Callable[[dt.date], None] | None = None) -> list[YearEnd | IsaccheckError]:
        """Each year end of `ends`, or the IsaccheckError its evaluation raised (as year_end raises it).

        `started(end)` is told before this process evaluates an end itself (progress)."""
        done: dict[dt.date, YearEnd | IsaccheckError] = {}
        wanted = set(ends)
        split, given = self._split, self._given
        if split is not None:
            self.share()  # today's documents, loaded meanwhile: most of the child's year ends hold them too
            mine = set(ends) - set(given)  # not the child's (the report's trend may ask for more)
            for end in ends:
                if end in mine:
                    done[end] = self._here(end, started)
                    self.share()
            while (index := split.take()) is not None:
                if given[index] in wanted:
                    done[given[index]] = self._here(given[index], started)
                    self.share()
            for index, raw in sorted(split.finish().items()):
                end = given[index]
                if end in wanted and end not in done:
                    theirs = self._theirs(raw)
                    if theirs is not None:
                        done[end] = theirs
            self._split = None
        for end in ends:  # not forked, or what the child did not deliver
            if end not in done:
                done[end] = self._here(end, started)
        return [done[end] for end in ends]

    def share(self) -> None:
        """Hand the child the load-cache entries this process added since the last call (as the
        cache file holds them: loadcache.encode), so it does not load those blobs again: with two
        jobs a blob alive on both sides of the split (most of today's) was read, parsed and
        validated in both processes (docs/performance.md, "Tenth round"). Never waits; without a
        child or a cache, nothing."""
        if self._split is None or self.cache is None:
            return
        files = self.cache.files
        if len(files) <= self._sent:
            return
        entry = self.cache.encoded_entry  # kept for the cache file, which then does not encode them again
        batch = []
        # Each entry as its own marshal bytes: the child decodes only those its year ends ask for.
        for key in itertools.islice(files, self._sent, None):
            try:
                batch.append((key, marshal.dumps(entry(key))))
            except ValueError:  # not builtin values (never in practice): the child loads that file itself
                continue
        self._sent = len(files)
        self._split.send(batch)

    def close(self) -> None:
        """End the child, if one still runs (the caller stopped early): killed and reaped."""
        if self._split is not None:
            self._split.close()
            self._split = None

    def _to_evaluate(self, end: dt.date) -> bool:
        """Not answered by the cache, and not failing at once (no commit then: this process says so
        in a moment, when results() asks)."""
        try:
            _, key = _key(self.path, end, today=self.today, cache=self.cache, past=self.past, git=self.git,
                          ceiling=self.ceiling)
        except IsaccheckError:
            return False
        return key is None or self.cache is None or key not in self.cache.year_ends

    def _here(self, end: dt.date, started: Callable[[dt.date], None] | None) -> YearEnd | IsaccheckError:
        if started is not None:
            started(end)
        try:
            return year_end(self.path, end, today=self.today, cache=self.cache, past=self.past, git=self.git,
                            ceiling=self.ceiling)
        except IsaccheckError as exc:
            return exc

    def _child_setup(self) -> None:
        """In the child: no cache is written (nor read from disk: a cache is an answer, never a
        different one, so this changes nothing but time)."""
        from .read.cache import ENABLED

        ENABLED.set(False)
        if self.cache is not None:
            self.cache.file = None  # never saved here; and should it be, it has no file
            if self._feeding is not None:
                # A file not loaded yet looks in the feed first: this process may have loaded it
                # meanwhile (today's documents, as the child's first year ends ask for them).
                self.cache.files = _Fed(self.cache.files, self._feeding, self.installed)

    def _child_teardown(self) -> None:
        """In the child, at its end: its cat-file and git processes ended and reaped by itself (not
        left to whoever adopts orphans)."""
        if self._child_past is not None:
            self._child_past.close()

    def _child_work(self, todo: list[dt.date]) -> Callable[[int], Any]:
        """In the child: one year end as builtin values; its own git processes (PastCommits.for_child)."""
        past = self._child_past = self.past.for_child()

        def work(index: int) -> Any:
            try:
                found, keep, known = _year_end(self.path, todo[index], today=self.today, cache=self.cache, past=past,
                                               git=self.git, ceiling=self.ceiling)
            except ConfigError as exc:
                if type(exc) is not ConfigError:
                    raise  # sent as nothing: this process evaluates it and raises it as before
                return ("error", exc.message, exc.path, exc.line, exc.message_nl)
            return ("ok", encode(found), keep, known)
        return work

    def _theirs(self, raw: Any) -> YearEnd | IsaccheckError | None:
        """The child's result as this process would have it (None: unusable, evaluated here)."""
        try:
            if raw[0] == "error":
                _, message, where, line, message_nl = raw
                for value in (where, message_nl):
                    if value is not None and type(value) is not str:
                        raise TypeError(value)
                if type(message) is not str or (line is not None and type(line) is not int):
                    raise TypeError(message)
                return ConfigError(message, where, line, message_nl)
            _, value, keep, known = raw
            found = decode(value)
            if keep is not None and type(keep) is not tuple:
                raise TypeError(keep)
        except (TypeError, ValueError, IndexError):
            return None
        if self.cache is not None and keep is not None:
            if known and keep in self.cache.year_ends:
                self.cache.year_end(keep)  # used in this run: kept in the file
            else:
                self.cache.remember_year_end(keep, encode(found))
        return found


# Entries handed to the child at a time while a run loads (Ahead.share): about 0.6 MB of marshal
# data at a few thousand documents, a few milliseconds to encode.
SHARE_BATCH = 500


class _Sharing(dict[tuple[Any, ...], Any]):
    """This process's load cache while a child runs: every SHARE_BATCH new entries are handed to
    the child (Ahead.share) as they are loaded. A dict in every other way (lookups stay dict's own)."""

    def __init__(self, files: dict[tuple[Any, ...], Any], share: Callable[[], None]) -> None:
        super().__init__(files)
        self._share = share
        self._fresh = 0

    def __setitem__(self, key: tuple[Any, ...], value: Any) -> None:
        super().__setitem__(key, value)
        self._fresh += 1
        if self._fresh >= SHARE_BATCH:
            self._fresh = 0
            self._share()


class _Fed(dict[tuple[Any, ...], Any]):
    """The child's load cache with what this process sent (Ahead.share): an entry is kept as its
    marshal bytes until a year end asks for its key, and only then decoded, so the child pays for
    the entries it uses (about half of what it is sent). A key not held is looked for again after
    taking what this process has sent meanwhile (one read of the shared page when nothing was).
    An entry that cannot be decoded is dropped: the child loads that file itself, as before."""

    def __init__(self, files: dict[tuple[Any, ...], Any], feeding: Any, installed: set[tuple[Any, ...]]) -> None:
        super().__init__(files)
        self._feeding = feeding  # jobs.Split (waiting, received)
        self._installed = installed  # the keys decoded from the feed (a counter for tests and bench_jobs)
        self.pending: dict[Any, bytes] = {}

    def _drain(self) -> None:
        if not self._feeding.waiting():
            return
        with collector_off():  # thousands of new keys, none of them garbage (as when the cache file is read)
            for batch in self._feeding.received():
                try:
                    pairs = list(batch)
                except TypeError:
                    continue
                for pair in pairs:
                    try:
                        key, raw = pair
                        if type(key) is tuple and type(raw) is bytes and not super().__contains__(key):
                            self.pending[key] = raw
                    except (TypeError, ValueError):  # not a pair, or a key that cannot be one (unhashable)
                        continue

    def __contains__(self, key: object) -> bool:
        if super().__contains__(key):
            return True
        self._drain()
        return key in self.pending

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        found = super().get(key)
        if found is None:
            self._drain()
            raw = self.pending.pop(key, None)
            if raw is not None:
                try:
                    found = decode_loaded(marshal.loads(raw))
                except Exception:  # noqa: BLE001  (garbage: this file is loaded here, as without the feed)
                    found = None
                else:
                    self[key] = found
                    self._installed.add(key)
        return default if found is None else found
