"""Past year ends remembered between runs by their commit (yearends.py): a warm `history` or
report evaluates no past year end again, gives the same output, and evaluates again whenever
something the year end depended on changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from isaccheck import gitevidence, loadcache, runner, yearends
from isaccheck.gitevidence import PastCommits
from isaccheck.loadcache import LoadCache
from isaccheck.repository import INFER
from isaccheck.tlp import Label

from .test_gitint import haven  # noqa: F401  (fixture)
from .test_gitrepo import git_env  # noqa: F401  (autouse fixture: git isolated from this machine)
from .test_loadcache_persist import cache_dir, load_files, run  # noqa: F401  (fixture)

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """The dates runner.check evaluates a past year end of the trend at (31 December of an earlier year,
    without the forecast: a report of an earlier year evaluates its own year end with it)."""
    seen: list[dt.date] = []
    original = runner.check
    # Counted in this process: the plain way, no child evaluating year ends beside it (test_jobs.py has that).
    monkeypatch.setenv("ISACCHECK_JOBS", "1")

    def counting(path: Path, as_of: dt.date, **kwargs: Any) -> runner.CheckRun:
        if (as_of.month, as_of.day) == (12, 31) and as_of.year < dt.date.today().year and not kwargs.get("forecast", True):
            seen.append(as_of)
        return original(path, as_of, **kwargs)

    monkeypatch.setattr(runner, "check", counting)
    return seen


@pytest.mark.parametrize("command", [("history", "--format", "json"),
                                     ("history", "--lang", "nl"),
                                     ("report", "--year", "2026", "--format", "md", "-o", "-"),
                                     ("report", "--year", "2025", "--format", "md", "-o", "-", "--tlp", "GREEN")])
def test_a_warm_run_evaluates_no_past_year_end(command: tuple[str, ...], haven: dict[str, Any], cache_dir: Path,
                                               evaluated: list[dt.date]) -> None:
    name, *options = command
    cold = run(name, str(haven["repo"]), *options)
    assert len(set(evaluated)) >= 2
    evaluated.clear()
    warm = run(name, str(haven["repo"]), *options)
    assert evaluated == []
    assert warm == cold == run(name, str(haven["repo"]), *options, "--no-cache")


def test_a_changed_setting_of_today_evaluates_again(haven: dict[str, Any], cache_dir: Path,
                                                    evaluated: list[dt.date]) -> None:
    """Today's isac.yaml stands in for a commit made before it (any edit of it: evaluated again)."""
    repo: Path = haven["repo"]
    cold = run("history", str(repo), "--format", "json")
    count = len(evaluated)
    evaluated.clear()
    profile = repo / "isac.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert run("history", str(repo), "--format", "json") == cold
    assert len(evaluated) == count


def _year_end(repo: Path, cache: LoadCache, **kwargs: Any) -> yearends.YearEnd:
    past = PastCommits()
    try:
        return yearends.year_end(repo, dt.date(2025, 12, 31), today=TODAY, cache=cache, past=past, **kwargs)
    finally:
        past.close()


def test_the_key_holds_the_ceiling_and_no_infer(haven: dict[str, Any]) -> None:
    repo: Path = haven["repo"]
    cache = LoadCache()
    first = _year_end(repo, cache)
    assert _year_end(repo, cache) == first and (cache.year_end_hits, cache.year_end_misses) == (1, 1)
    _year_end(repo, cache, ceiling=Label.GREEN)
    assert cache.year_end_misses == 2
    token = INFER.set(False)
    try:
        _year_end(repo, cache)
    finally:
        INFER.reset(token)
    assert cache.year_end_misses == 3 and len(cache.year_ends) == 3
    assert first.commit is not None and first.levels and "STR" in first.ambition


def test_git_signature_checks_are_not_remembered(haven: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Verifying a signature asks git's refs and today's allowed signers, which change while the commit
    does not: such a year end is evaluated every time."""
    original = gitevidence.check_signatures

    def with_checks(plan: Any, repo: Any, signers_from: Any = None) -> Any:
        checked, warnings = original(plan, repo, signers_from)
        return dataclasses.replace(checked, signature_checks={("commit", "abc"): None}), warnings

    monkeypatch.setattr(gitevidence, "check_signatures", with_checks)
    cache = LoadCache()
    _year_end(haven["repo"], cache)
    _year_end(haven["repo"], cache)
    assert cache.year_end_hits == 0 and cache.year_ends == {}


def test_a_working_tree_year_end_is_not_remembered(haven: dict[str, Any]) -> None:
    cache = LoadCache()
    _year_end(haven["repo"], cache, git="off")
    assert cache.year_ends == {}


def test_the_stored_value_round_trips_and_a_damaged_one_is_a_cold_run(haven: dict[str, Any], cache_dir: Path) -> None:
    repo: Path = haven["repo"]
    cache = LoadCache.open(repo, "years")
    found = _year_end(repo, cache)
    assert yearends.decode(yearends.encode(found)) == found
    cache.save()
    again = LoadCache.open(repo, "years")
    assert list(again.year_ends) == list(cache.year_ends)
    (target,) = load_files(cache_dir)
    header, *batches = loadcache.read_parts(target.read_bytes())
    *rest, year_ends = header
    loadcache.write_parts(target, (*rest, {key: ("not", "a year end") for key in year_ends}), batches)
    damaged = LoadCache.open(repo, "years")
    assert damaged.year_ends == {} and damaged.files == {}
