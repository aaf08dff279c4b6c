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
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .config import CONFIG_FILE, PROFILE_FILE
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
    from . import gitevidence
    from .repository import INFER
    from .runner import check

    plan = gitevidence.plan_source(path, end, today, mode=git, past=past)
    plan.close()
    key = None
    if cache is not None and not plan.working_tree and plan.commit is not None:
        settings = _settings_digest(path)
        if settings is not None:
            key = ("year-end", plan.commit, end.isoformat(), INFER.get(), settings,
                   ceiling.canonical if ceiling else None)
    if cache is not None and key is not None:
        known = cache.year_end(key)
        if known is not None:
            return decode(known)
    run = check(path, end, tlp_ceiling=ceiling, history=False, git=git, today=today, cache=cache,
                forecast=False, past=past)
    found = of_evaluation(run.evaluation)
    if cache is not None and key is not None and not run.repository.signature_checks and found.commit == plan.commit:
        cache.remember_year_end(key, encode(found))
    return found


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
