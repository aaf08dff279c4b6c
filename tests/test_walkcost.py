"""A year end's walk costs what the year end changes: isac.yaml and isaccheck.yaml are read and parsed
once per blob in a command (repository.parsed_settings), and one set of sidecar names serves the
walk's look-ups (repository._Loader.run, reusable, prefetch).

Nothing here is timed: `history` and the report are byte for byte the same with the settings parsed
once and at every year end (repository.SETTINGS_ONCE off) on every example committed as a history;
each year end's loaded repository and evaluation are equal when isac.yaml and isaccheck.yaml change,
break and come back between year ends; and counters say that a blob is parsed once.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from isaccheck import repository
from isaccheck.errors import ConfigError
from isaccheck.gitevidence import PastCommits
from isaccheck.loadcache import LoadCache
from isaccheck.runner import check

from .test_gitrepo import commit, git, isolate_git
from .test_jobs import EXAMPLES, examples, history, report  # noqa: F401  (examples: the committed examples fixture)
# no_cache (autouse): every run cold, each year end evaluated, never remembered.
from .test_walkfile import ROOT, TODAY, no_cache  # noqa: F401


def counted_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each isac.yaml parsed (load_profile) and each isaccheck.yaml text parsed (parse_config)."""
    parsed: list[str] = []
    load_profile, parse_config = repository.load_profile, repository.parse_config

    def profile(text: str) -> Any:
        parsed.append("isac.yaml")
        return load_profile(text)

    def config(text: str | None) -> Any:
        if text is not None:
            parsed.append("isaccheck.yaml")
        return parse_config(text)

    monkeypatch.setattr(repository, "load_profile", profile)
    monkeypatch.setattr(repository, "parse_config", config)
    from isaccheck import runner
    monkeypatch.setattr(runner, "parse_config", config)
    return parsed


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_as_a_history_is_the_same_with_settings_parsed_once(
        name: str, examples: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = counted_parses(monkeypatch)
    outputs, counts = [], []
    for once in (True, False):
        monkeypatch.setattr(repository, "SETTINGS_ONCE", once)
        parsed.clear()
        outputs.append((history(examples[name], 1), history(examples[name], 1, "--lang", "nl"), report(examples[name], 1)))
        counts.append(len(parsed))
    assert outputs[0] == outputs[1]
    # zorg-isac's documents are all of 2026: one year end and today, nothing to parse twice.
    assert counts[0] < counts[1] or name == "zorg-isac"


def _year_ends(repo: Path, ends: list[int], monkeypatch: pytest.MonkeyPatch, once: bool) -> tuple[list[Any], LoadCache]:
    """Each year end's loaded repository and evaluation, or the configuration error, in one command's cache."""
    monkeypatch.setattr(repository, "SETTINGS_ONCE", once)
    cache, past = LoadCache(), PastCommits()
    found: list[Any] = []
    for end in ends:
        try:
            run = check(repo, dt.date(end, 12, 31), history=False, today=TODAY, cache=cache, forecast=False, past=past)
        except ConfigError as exc:
            found.append(("error", str(exc), exc.path, exc.line))
            continue
        found.append((run.repository.profile, run.repository.config, run.repository.documents,
                      run.repository.findings, run.evaluation))
    return found, cache


def test_settings_that_change_break_and_come_back_between_year_ends(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """isac.yaml gains a participant, breaks (a YAML error), comes back as it was; isaccheck.yaml
    comes, changes and goes: each year end loads what the plain way loads (the error included, at
    every year end that has the broken file), and each blob that parsed is parsed once."""
    isolate_git(tmp_path, monkeypatch)
    repo = tmp_path / "haven"
    shutil.copytree(ROOT / "evidence-examples" / "haven-isac", repo)
    git(repo, "init", "-q", "-b", "main")
    profile = (repo / "isac.yaml").read_text(encoding="utf-8")
    (repo / "isaccheck.yaml").unlink(missing_ok=True)
    commit(repo, "2018-12-30T12:00:00Z", "start")
    commit(repo, "2019-12-30T12:00:00Z", "nothing changes")
    (repo / "isaccheck.yaml").write_text('templates: ["pictures/*"]\n')
    commit(repo, "2020-12-30T12:00:00Z", "settings come")
    grown = profile.replace("participants:\n", "participants:\n  - organisation: Nieuwe Haven BV\n    joined: 2021-01-01\n", 1)
    assert grown != profile
    (repo / "isac.yaml").write_text(grown, encoding="utf-8")
    (repo / "isaccheck.yaml").write_text('templates: ["pictures/*", "plans/*"]\n')
    commit(repo, "2021-12-30T12:00:00Z", "a participant joins, other templates")
    (repo / "isac.yaml").write_text(grown + "  broken: [\n", encoding="utf-8")
    commit(repo, "2022-12-30T12:00:00Z", "isac.yaml broken")
    commit(repo, "2023-12-30T12:00:00Z", "still broken")
    (repo / "isac.yaml").write_text(profile, encoding="utf-8")
    (repo / "isaccheck.yaml").unlink()
    commit(repo, "2024-12-30T12:00:00Z", "back as it was, settings gone")
    commit(repo, "2025-12-30T12:00:00Z", "nothing changes")
    ends = list(range(2018, 2026))
    parsed = counted_parses(monkeypatch)
    once, cache = _year_ends(repo, ends, monkeypatch, True)
    parsed_once = list(parsed)
    parsed.clear()
    plain, plain_cache = _year_ends(repo, ends, monkeypatch, False)
    assert once == plain
    assert [r[0] for r in once].count("error") == 2  # 2022 and 2023: the broken isac.yaml, named each time
    assert once[3][0] != once[2][0] and once[3][1] != once[2][1]  # the new participant and templates were read
    assert once[6][0] == once[0][0]  # isac.yaml as it was
    # isac.yaml: three blobs, the broken one parsed (and failing) at both its year ends; isaccheck.yaml:
    # two blobs (read before isac.yaml, so also at the broken year ends). The plain way parses each
    # file at every year end that has it.
    assert sorted(parsed_once) == ["isac.yaml"] * 4 + ["isaccheck.yaml"] * 2
    assert sorted(parsed) == ["isac.yaml"] * 8 + ["isaccheck.yaml"] * 4
    # Used again: isac.yaml at 2019, 2020, 2024 (the first blob again) and 2025; isaccheck.yaml at
    # 2022 and 2023.
    assert cache.settings_reused == 6 and plain_cache.settings_reused == 0


def test_one_set_of_sidecar_names_gives_the_walk_its_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """reusable and prefetch ask `described` (the files a sidecar describes) where each made its own
    set: a Markdown file whose sidecar came is walked again (read through its sidecar), and the
    bytes asked of git at a year end are exactly those of the files the walk loads (a sidecar whose
    Markdown file is ignored is read, the ignored file is not)."""
    isolate_git(tmp_path, monkeypatch)
    repo = tmp_path / "haven"
    shutil.copytree(ROOT / "evidence-examples" / "haven-isac", repo)
    git(repo, "init", "-q", "-b", "main")
    (repo / "isaccheck.yaml").write_text('ignore: ["plans/skipped.md"]\n')
    (repo / "plans" / "skipped.md").write_text("---\ntype: procedure\ntitle: skipped\ntlp: GREEN\n---\nText.\n")
    (repo / "plans" / "later.md").write_text("---\ntype: procedure\ntitle: later\ntlp: GREEN\n---\nText.\n")
    commit(repo, "2023-12-30T12:00:00Z", "start")
    (repo / "plans" / "skipped.md.meta.yaml").write_text("type: procedure\ntitle: its sidecar\ntlp: GREEN\n")
    (repo / "plans" / "later.md.meta.yaml").write_text("type: procedure\ntitle: through a sidecar now\ntlp: GREEN\n")
    (repo / "plans" / "new.md").write_text("---\ntype: procedure\ntitle: new\ntlp: GREEN\n---\nText.\n")
    commit(repo, "2024-12-30T12:00:00Z", "sidecars come")
    from isaccheck.gitrepo import GitTreeSource

    asked: list[str] = []
    walked: list[str] = []
    stream, walk = GitTreeSource.stream_many, repository._Loader.walk

    def streaming(self: GitTreeSource, paths: Any) -> Any:
        wanted = list(paths)
        asked.extend(wanted)
        return stream(self, wanted)

    def walking(self: repository._Loader, entry: Any, *rest: Any) -> None:
        walked.append(entry.path)
        walk(self, entry, *rest)

    monkeypatch.setattr(GitTreeSource, "stream_many", streaming)
    monkeypatch.setattr(repository._Loader, "walk", walking)
    cache, past = LoadCache(), PastCommits()
    check(repo, dt.date(2023, 12, 31), history=False, today=TODAY, cache=cache, forecast=False, past=past)
    asked.clear()
    walked.clear()
    run = check(repo, dt.date(2024, 12, 31), history=False, today=TODAY, cache=cache, forecast=False, past=past)
    titles = {d.path: d.meta.get("title") for d in run.repository.documents}
    assert titles["plans/later.md"] == "through a sidecar now"
    assert titles["plans/skipped.md"] == "its sidecar"
    assert "plans/later.md" in walked  # its sidecar came: not added by its old key
    assert sorted(asked) == ["plans/later.md.meta.yaml", "plans/new.md", "plans/skipped.md.meta.yaml"]


def test_the_same_meeting_twice_is_named_at_every_year_end_replayed_or_reused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The minutes and the yearly notes of one meeting are named (same_meetings) at the year end that
    reads them, at the next (their folder replayed whole) and at the one after (their folder changed,
    both added again by their key), as the plain way does. (Kept from a flag that was tried and
    dropped, docs/performance.md, tenth round: it held the flag to what was added.)"""
    from .test_infer import MINUTES, PROFILE

    isolate_git(tmp_path, monkeypatch)
    repo = tmp_path / "infer"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "isac.yaml").write_text(PROFILE)
    (repo / "isaccheck.yaml").write_text("types:\n  - {glob: 'minutes/notes_*.md', type: minutes}\n")
    contract = "---\ntype: procedure\ntitle: {}\ntlp: GREEN\n---\nText.\n"
    commit(repo, "2023-12-30T12:00:00Z", "minutes twice", minutes__2023_05_29_minutes__md=MINUTES.replace("2026", "2023"),
           minutes__notes_2023__md="# Notes\n\n## 2023-05-29\n\nPresent: Beta\n", other__readme__md=contract.format("a"))
    commit(repo, "2024-12-30T12:00:00Z", "elsewhere", other__more__md=contract.format("b"))
    commit(repo, "2025-12-30T12:00:00Z", "beside them", minutes__extra__md=contract.format("c"))
    results: dict[bool, list[Any]] = {}
    for fast in (True, False):
        monkeypatch.setattr(repository, "REPLAY", fast)
        monkeypatch.setattr(repository, "REUSE_FILES", fast)
        cache, past = LoadCache(), PastCommits()
        runs, counters = [], []
        for end in (2023, 2024, 2025):
            run = check(repo, dt.date(end, 12, 31), history=False, today=TODAY, cache=cache, forecast=False, past=past)
            runs.append((run.repository.documents, run.repository.findings, run.evaluation))
            counters.append((cache.files_replayed, cache.files_reused))
            assert [f.path for f in run.repository.findings if f.code == "same-meeting"] == \
                   ["minutes/notes_2023.md"], (fast, end)
        results[fast] = runs
        if fast:  # 2024: minutes/ replayed whole; 2025: minutes/ changed, its two files added by their key
            assert counters[0] == (0, 0) and counters[1][0] >= 2 and counters[2][1] - counters[1][1] >= 2
    assert results[True] == results[False]
