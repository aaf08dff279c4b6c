"""The history facts of a commit, kept on disk between runs (isaccheck/historycache.py).

Counted, not timed: a warm run gives the cold run's bytes without running `git log`, and every
input the answer depends on, changed, makes it run again.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from isaccheck import gitrepo, historycache, loadcache
from isaccheck.cli import cli
from isaccheck.gitrepo import GitRepo, open_repo

from .conftest import PROFILE
from .test_gitrepo import commit, git, git_env, new_repo, write  # noqa: F401

MINUTES = """\
---
type: minutes
title: Meeting
date: {date}
tlp: AMBER
attendees: [Alpha, Beta]
---
# Minutes
"""


@pytest.fixture
def moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Minutes committed on time and later moved into an archive folder (a rename git follows),
    and minutes of 2021 first committed in 2026 (back-filled)."""
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ISACCHECK_NO_CACHE", raising=False)
    repo = new_repo(tmp_path, "isac")
    write(repo, "meetings/2020-01-10/minutes.md", MINUTES.format(date="2020-01-10"))
    commit(repo, "2020-01-11T10:00:00Z", "profile and minutes", isac__yaml=PROFILE)
    write(repo, "meetings/2021-03-01/minutes.md", MINUTES.format(date="2021-03-01"))
    commit(repo, "2026-02-10T10:00:00Z", "minutes found in a mailbox")
    (repo / "archive").mkdir()
    git(repo, "mv", "meetings/2020-01-10", "archive/2020-01-10")
    commit(repo, "2026-03-01T10:00:00Z", "archive")
    return repo


def count_logs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Every git call from now on (the arguments after the pinned -c settings)."""
    calls: list[tuple[str, ...]] = []
    real = gitrepo._run

    def counting(args: Any, cwd: Path, **kwargs: Any) -> Any:
        calls.append(tuple(args))
        return real(args, cwd, **kwargs)

    monkeypatch.setattr(gitrepo, "_run", counting)
    started = gitrepo._Started.__init__

    def counting_started(self: gitrepo._Started, args: Any, *rest: Any) -> None:
        calls.append(tuple(args))  # started before it is needed (tests/test_early_git.py)
        started(self, args, *rest)

    monkeypatch.setattr(gitrepo._Started, "__init__", counting_started)
    return calls


def logs(calls: list[tuple[str, ...]]) -> int:
    return len([c for c in calls if c[0] == "log" and "--name-status" in c])


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


def cache_files(repo: Path) -> list[Path]:
    return sorted((repo.parent / "cache").rglob("h*.marshal"))


def test_warm_cold_and_no_cache_are_byte_identical(moved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_logs(monkeypatch)
    outputs: dict[str, list[str]] = {}
    for run in ("cold", "warm", "no-cache"):
        extra = ["--no-cache"] if run == "no-cache" else []
        before = len(calls), logs(calls)
        outputs[run] = [invoke("check", str(moved), "--format", "json", "--lang", "en", *extra),
                        invoke("check", str(moved), "--lang", "nl", *extra)]
        outputs[run + " logs"] = [str(logs(calls) - before[1])]
    assert outputs["cold"] == outputs["warm"] == outputs["no-cache"]
    assert outputs["cold logs"] == ["1"]  # the second (Dutch) check of the cold round is warm already
    assert outputs["warm logs"] == ["0"]
    assert outputs["no-cache logs"] == ["2"]  # --no-cache neither reads nor writes it
    data = outputs["cold"][0]
    assert data.count('"code": "backfilled"') == 1  # the moved minutes keep the commit of their old path
    backfilled = git(moved, "rev-parse", "HEAD~1")
    assert f"minutes dated 2021-03-01 first committed 2026-02-10 ({backfilled[:7]}" in data
    assert len(cache_files(moved)) == 1


def test_a_warm_check_asks_git_three_things(moved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    invoke("check", str(moved))
    calls = count_logs(monkeypatch)
    invoke("check", str(moved))
    # One rev-parse (top level, prefix, shallow, grafts and attributes paths, HEAD), the config, the status.
    assert [c[0] for c in calls] == ["rev-parse", "config", "status"]
    assert "HEAD^{commit}" in calls[0] and "--is-shallow-repository" in calls[0]


def test_report_warm_equals_cold(moved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report's own run takes its history facts from the cache (its trend's year ends use none)."""
    calls = count_logs(monkeypatch)
    cold = invoke("report", str(moved), "--year", "2026", "--as-of", "2026-06-30", "--format", "md", "-o", "-")
    assert logs(calls) == 1
    warm = invoke("report", str(moved), "--year", "2026", "--as-of", "2026-06-30", "--format", "md", "-o", "-")
    assert warm == cold and "2021-03-01" in cold
    assert logs(calls) == 1


def history(path: Path) -> dict[str, gitrepo.FileHistory]:
    repo = open_repo(path)
    assert repo is not None
    return repo.history()


def uncached(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, gitrepo.FileHistory]:
    with monkeypatch.context() as m:
        m.setenv("ISACCHECK_NO_CACHE", "1")
        return history(path)


def _config(repo: Path) -> None:
    git(repo, "config", "diff.renames", "false")  # the move is a delete and an add now


def _grafts(repo: Path) -> None:
    parent = git(repo, "rev-parse", "HEAD~2")  # HEAD's parent is the first commit now
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "grafts").write_text(git(repo, "rev-parse", "HEAD") + "\n" + parent + "\n")


def _info_attributes(repo: Path) -> None:
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "attributes").write_text("*.md -diff\n")


def _gitattributes(repo: Path) -> None:
    (repo / ".gitattributes").write_text("*.md binary\n")


def _commit(repo: Path) -> None:
    commit(repo, "2026-04-01T10:00:00Z", "more", meetings__2026__md=MINUTES.format(date="2026-03-30"))


def _git_program(repo: Path) -> None:
    bin_dir = repo.parent / "other-git"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    wrapper.write_text(f"#!/bin/sh\nexec {gitrepo.shutil.which('git')} \"$@\"\n")
    wrapper.chmod(0o755)
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"  # restored by the test's monkeypatch


def _git_variable(repo: Path) -> None:
    os.environ.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="diff.renameLimit", GIT_CONFIG_VALUE_0="1")


CHANGES: dict[str, Callable[[Path], None]] = {
    "new commit": _commit, "config": _config, "grafts": _grafts, "info/attributes": _info_attributes,
    ".gitattributes": _gitattributes, "git program": _git_program, "GIT_ variable": _git_variable,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_each_key_input_changed_runs_git_log_again(moved: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    for name in ("PATH", "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"):  # restored afterwards
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:
            monkeypatch.delenv(name, raising=False)
    history(moved)
    calls = count_logs(monkeypatch)
    assert history(moved) and logs(calls) == 0  # unchanged: from the cache
    CHANGES[change](moved)
    after = history(moved)
    assert logs(calls) == 1
    assert after == uncached(moved, monkeypatch)
    history(moved)
    assert logs(calls) == 2  # the uncached one; the new answer itself is kept


def test_grafts_change_the_answer_the_cache_gives(moved: Path) -> None:
    """Why the grafts are in the key: they rewrite parents, so the back-filled minutes arrive later."""
    before = history(moved)["meetings/2021-03-01/minutes.md"]
    _grafts(moved)
    after = history(moved)["meetings/2021-03-01/minutes.md"]
    assert str(before.first_date) == "2026-02-10" and str(after.first_date) == "2026-03-01"


def test_environment_digest_is_in_the_key(moved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history(moved)
    calls = count_logs(monkeypatch)
    monkeypatch.setattr(loadcache, "environment", lambda: "another isaccheck")
    history(moved)
    assert logs(calls) == 1


def test_the_prefix_is_in_the_key(moved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = history(moved)
    calls = count_logs(monkeypatch)
    archive = history(moved / "archive")
    assert logs(calls) == 1
    # Limited to the folder, git sees the move into it as an addition: another answer.
    assert whole["archive/2020-01-10/minutes.md"].first_date.year == 2020
    assert archive["2020-01-10/minutes.md"].first_date.year == 2026


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\xff" * 40, "truncate", "wrong types"])
def test_a_damaged_cache_file_is_a_cold_run(moved: Path, monkeypatch: pytest.MonkeyPatch, damage: Any) -> None:
    expected = history(moved)
    (target,) = cache_files(moved)
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:-7])
    elif damage == "wrong types":
        repo = open_repo(moved)
        assert repo is not None
        key = historycache.key(repo, git(moved, "rev-parse", "HEAD"))
        loadcache.write_parts(target, (historycache.FORMAT, loadcache.environment(), key), [((1, 2, 3, 4, 5),)])
    else:
        target.write_bytes(damage)
    calls = count_logs(monkeypatch)
    assert history(moved) == expected
    assert logs(calls) == 1
    assert history(moved) == expected and logs(calls) == 1  # rewritten whole


def test_only_the_newest_files_of_a_repository_are_kept(moved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(historycache, "KEEP", 2)
    history(moved)
    for day in ("02", "03", "04"):
        commit(moved, f"2026-04-{day}T10:00:00Z", day, **{f"meetings__{day}__md": MINUTES.format(date=f"2026-04-{day}")})
        history(moved)
    assert len(cache_files(moved)) == 2


def test_nothing_is_written_inside_the_repository(moved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(moved / ".cache"))
    repo = GitRepo(moved)
    calls = count_logs(monkeypatch)
    assert repo.history() == repo.history()
    assert logs(calls) == 2 and not (moved / ".cache").exists()


# --------------------------------------------------------------------------- HEAD moved on


def _random_commit(repo: Path, rng: random.Random, alive: dict[str, str], gone: list[str], day: int) -> None:
    """One commit of adds, edits, deletes, re-adds, moves (some rewritten, some moved back)."""
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(["add", "edit", "delete", "readd", "move", "move"]) if alive else "add"
        if op == "add" or (op == "readd" and not gone):
            name = f"d{rng.randint(0, 3)}/f{rng.randint(0, 99)}.md"
            if name in alive:
                continue
            alive[name] = "".join(f"line {rng.random()}\n" for _ in range(20))
        elif op == "readd":
            name = gone.pop(rng.randrange(len(gone)))
            if name in alive:
                continue
            alive[name] = "".join(f"again {rng.random()}\n" for _ in range(20))
        elif op == "edit":
            name = rng.choice(sorted(alive))
            alive[name] += f"edit {rng.random()}\n"
        elif op == "delete":
            name = rng.choice(sorted(alive))
            del alive[name]
            (repo / name).unlink()
            gone.append(name)
            continue
        else:
            old = rng.choice(sorted(alive))
            name = rng.choice(gone) if gone and rng.random() < 0.3 else f"d{rng.randint(0, 3)}/m{rng.randint(0, 99)}.md"
            if name in alive:
                continue
            text = alive.pop(old)
            (repo / old).unlink()
            gone.append(old)
            alive[name] = text + (f"rewritten {rng.random()}\n" * rng.choice([0, 1, 30]))
        write(repo, name, alive[name])
    commit(repo, f"2024-01-{day:02d}T10:00:00Z", f"day {day}")


@pytest.mark.parametrize("seed", range(4))
def test_history_extended_from_an_earlier_head_equals_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               seed: int) -> None:
    """Random histories with renames (moved back, rewritten), deletes, re-adds and a merged side
    branch: after every commit, the output put together from the earlier HEAD's and `new ^old` is
    git log's own output for HEAD, byte for byte, and the facts are one uncached pass's."""
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ISACCHECK_NO_CACHE", raising=False)
    rng = random.Random(seed)
    repo = new_repo(tmp_path)
    alive: dict[str, str] = {}
    gone: list[str] = []
    calls = count_logs(monkeypatch)
    extended = 0  # days whose output was the kept one extended
    for day in range(1, 15):
        if day == 8:  # a side branch, merged with a merge commit: the main line's diff is the merge's
            git(repo, "checkout", "-q", "-b", "side")
            _random_commit(repo, rng, alive, gone, day)
            git(repo, "checkout", "-q", "main")
            git(repo, "merge", "-q", "--no-ff", "-m", "merge side", "side", date=f"2024-01-{day:02d}T12:00:00Z")
        else:
            _random_commit(repo, rng, alive, gone, day)
        opened = open_repo(repo)
        assert opened is not None
        head = opened.head()
        assert head is not None
        key = historycache.key(opened, head)
        assert key is not None
        extension = historycache.extension(opened, key, head)
        if day > 1:
            assert extension is not None
            args, old = extension
            assert bytes(opened._git(*args).stdout) + old == opened._git(*opened.history_args(head)).stdout
            extended += 1
        before = len(calls)
        assert opened.history() == uncached(repo, monkeypatch)
        ranged = [c for c in calls[before:] if c[0] == "log" and any(a.startswith("^") for a in c)]
        assert len(ranged) == (1 if day > 1 else 0)  # only the new commits were asked of git
    assert extended == 13


def test_an_earlier_head_off_the_first_parent_line_is_one_whole_pass(moved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history(moved)  # main's HEAD kept
    git(moved, "checkout", "-q", "-b", "other", "HEAD~1")
    commit(moved, "2026-04-01T10:00:00Z", "elsewhere", other__md="x\n")
    calls = count_logs(monkeypatch)
    assert history(moved) == uncached(moved, monkeypatch)
    assert not [c for c in calls if c[0] == "log" and any(a.startswith("^") for a in c)]


@pytest.mark.parametrize("damage", [b"garbage", "another head's output"])
def test_a_damaged_kept_output_is_one_whole_pass(moved: Path, monkeypatch: pytest.MonkeyPatch, damage: Any) -> None:
    history(moved)
    (tip,) = sorted((moved.parent / "cache").rglob("t*.marshal"))
    if damage == "garbage":
        tip.write_bytes(damage)
    else:  # the header names HEAD, the output is of HEAD~1: not to be joined
        repo = open_repo(moved)
        assert repo is not None
        key = historycache.key(repo, git(moved, "rev-parse", "HEAD"))
        assert key is not None
        historycache.save_tip(moved, key, repo._git(*repo.history_args("HEAD~1")).stdout)
    commit(moved, "2026-04-01T10:00:00Z", "more", meetings__2026__md=MINUTES.format(date="2026-03-30"))
    calls = count_logs(monkeypatch)
    assert history(moved) == uncached(moved, monkeypatch)
    assert not [c for c in calls if c[0] == "log" and any(a.startswith("^") for a in c)]
