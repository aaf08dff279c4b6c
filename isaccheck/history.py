"""The trend: the profile (level per capability) at the end of each year, and now.

Each year end is evaluated from the commit at 31 December (runner.check with a past as-of
date reads that commit's tree); without git, from the working tree as of that date (documents
dated later are ignored). The yearly report can build its trend from `profile_history`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from . import gitevidence
from .errors import ConfigError, IsaccheckError
from .escape import json_inert, plain
from .gitrepo import GitError
from .loadcache import LoadCache
from .model import CAPABILITIES, Evaluation, Text
from .repository import MAX_TREND_YEARS, first_document_year
from .runner import CheckRun, check, load_for_inventory, open_source
from .yearends import Ahead, YearEnd, of_evaluation

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ProfilePoint:
    label: str  # the year ("2024") or "now"
    as_of: dt.date
    commit: str | None  # the evaluated commit; None for the working tree or without git
    levels: Mapping[str, int] | None  # None when there was nothing to evaluate then
    ambition: Mapping[str, int | None]
    note: Text | None = None  # why levels is None, or what was evaluated
    warnings: tuple[Text, ...] = ()
    isac_name: str | None = None
    language: str = "en"

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "label": self.label,
            "as_of": self.as_of.isoformat(),
            "commit": self.commit,
            "levels": dict(self.levels) if self.levels is not None else None,
            "note": self.note(lang) if self.note else None,
        }


def _point(label: str, as_of: dt.date, evaluation: Evaluation) -> ProfilePoint:
    return _point_of(label, as_of, of_evaluation(evaluation))


def _point_of(label: str, as_of: dt.date, found: YearEnd) -> ProfilePoint:
    return ProfilePoint(label, as_of, found.commit, found.levels, found.ambition, warnings=found.warnings,
                        isac_name=found.isac_name, language=found.language)


def _first_year(path: Path, repo: Any, today: dt.date, past: gitevidence.PastCommits) -> int:
    if repo is not None:
        try:
            first = past.line(repo).first()  # the line the year ends are then found on
        except GitError as exc:
            raise ConfigError(f"git: {exc}", message_nl=f"git: {exc}") from None
        if first is not None:
            return max(int(first.date.year), today.year - MAX_TREND_YEARS)
    return first_document_year(load_for_inventory(path).documents, today)


def profile_history(path: Path, since: int | None = None, *, today: dt.date | None = None,
                    progress: Progress | None = None, committed_only: bool = False,
                    cache: LoadCache | None = None) -> list[ProfilePoint]:
    """The profile at 31 December of every year from `since` (default: the first commit's year) and now.

    `cache`: a LoadCache (the CLI's is kept on disk between runs); by default one for this call."""
    today = today or dt.date.today()
    open_source(path)
    # Git is asked once for all year ends (HEAD, the first-parent line; trees through one cat-file): PastCommits.
    past = gitevidence.PastCommits()
    repo = past.repo(path, "auto", committed_only)
    first = _first_year(path, repo, today, past)
    start = first if since is None else since
    if start > today.year:
        raise ConfigError(f"--since {start} is after this year", message_nl=f"--since {start} ligt na dit jaar")
    years = list(range(start, today.year))
    try:
        return _points(path, years, today, past, progress, committed_only, cache)
    finally:
        past.close()


def _points(path: Path, years: list[int], today: dt.date, past: gitevidence.PastCommits,
            progress: Progress | None, committed_only: bool, cache: LoadCache | None) -> list[ProfilePoint]:
    if cache is None:
        cache = LoadCache()  # each blob is loaded once, whatever the number of year ends
    ends = [dt.date(year, 12, 31) for year in years]
    total = len(years) + 1

    def started(end: dt.date) -> None:
        if progress is not None:
            progress(f"history: evaluating {end} ({ends.index(end) + 1}/{total})")

    def today_run() -> CheckRun:
        if progress is not None:
            progress(f"history: evaluating now ({total}/{total})")
        return check(path, today, history=False, today=today, committed_only=committed_only, cache=cache,
                     forecast=False, past=past)  # history shows levels and warnings, never the forecast

    # Remembered between runs by the year end's commit (yearends.py): a warm run evaluates only now.
    # On two cores a child evaluates the oldest year ends while this process evaluates now and then
    # the newest ones (yearends.Ahead; docs/performance.md, "Seventh round").
    ahead = Ahead(path, today=today, cache=cache, past=past)
    now: CheckRun | None = None
    failed: IsaccheckError | None = None
    try:
        ahead.start(ends)
        if ahead.forked:
            try:
                now = today_run()
            except IsaccheckError as exc:
                failed = exc  # raised after the year ends' own errors, in the order the plain way meets them
        found = ahead.results(ends, started)
    finally:
        ahead.close()
    points: list[ProfilePoint] = []
    for year, end, outcome in zip(years, ends, found):
        if isinstance(outcome, ConfigError):
            # The repository did not exist yet, or its files could not be used then.
            points.append(ProfilePoint(str(year), end, None, None, {}, Text(outcome.text("en"), outcome.text("nl"))))
        elif isinstance(outcome, IsaccheckError):
            raise outcome
        else:
            points.append(_point_of(str(year), end, outcome))
    if failed is not None:
        raise failed
    if now is None:
        now = today_run()
    points.append(_point("now", today, now.evaluation))
    return points


# --------------------------------------------------------------------------- output

_WORDS = {
    "title": ("profile at the end of each year", "profiel aan het eind van elk jaar"),
    "year": ("year", "jaar"),
    "as_of": ("as of", "peildatum"),
    "commit": ("commit", "commit"),
    "now": ("now", "nu"),
    "ambition": ("ambition", "ambitie"),
    "working": ("working tree", "werkmap"),
}


def _w(key: str, lang: str) -> str:
    en, nl = _WORDS[key]
    return nl if lang == "nl" else en


def render_text(points: list[ProfilePoint], lang: str | None = None) -> str:
    lang = lang or (points[-1].language if points else "en")
    rows = [[_w("year", lang), _w("as_of", lang), _w("commit", lang), *CAPABILITIES]]
    notes: list[str] = []
    for point in points:
        label = _w("now", lang) if point.label == "now" else point.label
        commit = point.commit[:7] if point.commit else (_w("working", lang) if point.label == "now" else "-")
        levels = [str(point.levels[c]) if point.levels and c in point.levels else "-" for c in CAPABILITIES]
        rows.append([label, point.as_of.isoformat(), commit, *levels])
        if point.note is not None:
            notes.append(f"{label}: {point.note(lang)}")
    if points:
        ambition = points[-1].ambition
        rows.append([_w("ambition", lang), "", "", *[str(ambition.get(c)) if ambition.get(c) is not None else "-"
                                                   for c in CAPABILITIES]])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    name = points[-1].isac_name if points else None
    lines = [f"{plain(name)} · {_w('title', lang)}" if name else _w("title", lang)]
    for row in rows:
        cells = [cell.ljust(widths[i]) if i < 3 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    for warning in (points[-1].warnings if points else ()):
        notes.append(f"{_w('now', lang)}: {plain(warning(lang))}")  # document data: inert (escape.py)
    lines += [""] + notes if notes else []
    return "\n".join(lines) + "\n"


def render_json(points: list[ProfilePoint], lang: str = "en") -> str:
    from .reporters.jsonout import SCHEMA_VERSION

    data = {
        "schema_version": SCHEMA_VERSION,
        "isac": points[-1].isac_name if points else None,
        "capabilities": list(CAPABILITIES),
        "ambition": dict(points[-1].ambition) if points else {},
        "points": [p.as_dict(lang) for p in points],
    }
    return json_inert(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
