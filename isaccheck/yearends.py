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
process would have evaluated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .config import CONFIG_FILE, PROFILE_FILE
from .errors import ConfigError, IsaccheckError
from .loadcache import LoadCache
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
        if split.start():
            self._split, self._given = split, todo

    def results(self, ends: list[dt.date], started: Callable[[dt.date], None] | None = None) -> list[YearEnd | IsaccheckError]:
        """Each year end of `ends`, or the IsaccheckError its evaluation raised (as year_end raises it).

        `started(end)` is told before this process evaluates an end itself (progress)."""
        done: dict[dt.date, YearEnd | IsaccheckError] = {}
        wanted = set(ends)
        split, given = self._split, self._given
        if split is not None:
            mine = set(ends) - set(given)  # not the child's (the report's trend may ask for more)
            for end in ends:
                if end in mine:
                    done[end] = self._here(end, started)
            while (index := split.take()) is not None:
                if given[index] in wanted:
                    done[given[index]] = self._here(given[index], started)
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
