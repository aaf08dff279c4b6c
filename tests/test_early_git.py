"""git work started before it is needed (issue 14, fifth round): the history pass's `git log`
runs while the documents load (GitRepo.start_history, gitrepo._Started).

What must hold: the same facts and the same errors as the plain way; the started process is the
one used (no second `git log`); a run that ends early kills and reaps it and leaves no file; no
thread is started (worker processes may be forked while git runs).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from isaccheck import gitrepo, runner
from isaccheck.errors import ConfigError
from isaccheck.gitrepo import GitError, GitRepo, ShallowCloneError

from .conftest import PROFILE
from .test_gitint import MINUTES, check_json, small  # noqa: F401
from .test_gitrepo import commit, git, git_env, new_repo, opened, write  # noqa: F401

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def isac(small: Path) -> Path:
    """test_gitint's small ISAC, with a document moved since (the history pass follows moves)."""
    git(small, "mv", "meetings/2026-02-01/minutes.md", "meetings/2026-02-01/notes.md")
    commit(small, "2026-02-20T10:00:00Z", "moved")
    return small


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[gitrepo._Started]:
    """Every git process started early, as it was started."""
    made: list[gitrepo._Started] = []
    real = gitrepo._Started.__init__

    def record(self: gitrepo._Started, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(gitrepo._Started, "__init__", record)
    return made


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The git commands run the plain way (_run), by their arguments."""
    ran: list[tuple[str, ...]] = []
    real = gitrepo._run

    def record(args: Any, *rest: Any, **kwargs: Any) -> Any:
        ran.append(tuple(args))
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(gitrepo, "_run", record)
    return ran


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # not our child any more: waited for already
    return False


def plain_history(path: Path, rev: str) -> dict[str, Any]:
    return opened(path).history(rev)


def test_started_history_equals_the_plain_pass_and_runs_git_log_once(
        isac: Path, cache_dir: Path, started: list[gitrepo._Started], logs: list[tuple[str, ...]]) -> None:
    head = git(isac, "rev-parse", "HEAD")
    repo = opened(isac)
    threads = threading.active_count()
    repo.start_history(head)
    assert threading.active_count() == threads  # nothing alive across a fork of worker processes
    assert len(started) == 1 and started[0].args[0] == "log"
    facts = repo.history(head)
    assert not [a for a in logs if "log" in a and "--name-status" in a]  # the started one was used
    assert not started[0].alive and reaped(started[0].pid)
    assert os.listdir(cache_dir / "git") == []  # the output file has no name: nothing left
    for kept in cache_dir.joinpath("load").iterdir():  # the plain way, without the kept facts
        kept.unlink()
    assert plain_history(isac, head) == facts
    assert facts["meetings/2026-02-01/notes.md"].first_date == dt.date(2026, 2, 10)  # the move followed


def test_start_history_with_the_facts_kept_starts_nothing(isac: Path, cache_dir: Path,
                                                          started: list[gitrepo._Started]) -> None:
    head = git(isac, "rev-parse", "HEAD")
    first = opened(isac).history(head)
    repo = opened(isac)
    repo.start_history(head)
    assert started == [] and repo.history(head) == first


def test_history_extended_from_an_earlier_head_is_started_too(isac: Path, cache_dir: Path,
                                                              started: list[gitrepo._Started]) -> None:
    opened(isac).history("HEAD")  # kept: HEAD's output, for the next HEAD to extend
    commit(isac, "2026-02-25T10:00:00Z", "more", meetings__2026__02__25__md=MINUTES.replace("2021-03-01", "2026-02-25"))
    head = git(isac, "rev-parse", "HEAD")
    repo = opened(isac)
    repo.start_history(head)
    assert len(started) == 1 and any(a.startswith("^") for a in started[0].args)  # only the new commits
    facts = repo.history(head)
    for kept in cache_dir.joinpath("load").iterdir():
        kept.unlink()
    assert plain_history(isac, head) == facts and "meetings/2026/02/25.md" in facts


def test_a_failed_start_is_asked_again_the_plain_way(isac: Path, cache_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    logs: list[tuple[str, ...]]) -> None:
    """A git that fails (or an output file that could not be written) gives what the plain way gives:
    the answer, or the error in _run's words."""
    head = git(isac, "rev-parse", "HEAD")
    repo = opened(isac)
    assert repo.start("log", "--end-of-options", "no-such-branch", "--")
    with pytest.raises(GitError) as failed:
        repo._output("log", "--end-of-options", "no-such-branch", "--")
    with pytest.raises(GitError) as plain:
        repo._git("log", "--end-of-options", "no-such-branch", "--")
    assert str(failed.value) == str(plain.value) and str(plain.value).startswith("git log failed: ")
    monkeypatch.setattr(gitrepo._Started, "result", lambda self: None)
    repo.start_history(head)
    assert repo.history(head) == plain_history(isac, head)
    assert [a for a in logs if "--name-status" in a]  # asked again


def test_shallow_clone_starts_nothing_and_raises_as_before(isac: Path, tmp_path: Path, cache_dir: Path,
                                                           started: list[gitrepo._Started]) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{isac}", str(clone)], check=True,
                   capture_output=True)
    repo = opened(clone)
    repo.start_history(git(clone, "rev-parse", "HEAD"))
    assert started == []
    with pytest.raises(ShallowCloneError):
        repo.history(git(clone, "rev-parse", "HEAD"))


@pytest.mark.parametrize("cache", ["inside", "off"])
def test_no_folder_for_the_output_inside_the_repository(isac: Path, monkeypatch: pytest.MonkeyPatch, cache: str,
                                                       started: list[gitrepo._Started]) -> None:
    """The cache directory inside the checked repository (or caching off) and the temporary folder
    inside it too: git is not started early (isaccheck never writes the repository), and runs as always."""
    if cache == "inside":
        monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(isac / ".cache"))
    else:
        monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    monkeypatch.setattr("tempfile.tempdir", str(isac / "meetings"))
    head = git(isac, "rev-parse", "HEAD")
    repo = opened(isac)
    repo.start_history(head)
    assert started == [] and repo.history(head)
    assert not (isac / ".cache").exists() and git(isac, "status", "--porcelain", "--ignored") == ""


def test_caching_off_uses_the_temporary_folder(isac: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              started: list[gitrepo._Started]) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    head = git(isac, "rev-parse", "HEAD")
    repo = opened(isac)
    repo.start_history(head)
    assert len(started) == 1
    assert repo.history(head) == plain_history(isac, head)
    assert os.listdir(scratch) == []


def test_check_takes_the_started_git_log(isac: Path, cache_dir: Path, started: list[gitrepo._Started],
                                         logs: list[tuple[str, ...]]) -> None:
    data = check_json(isac)
    assert sorted(s.args[0] for s in started) == ["log", "status"]  # both run while the documents load
    assert all(not s.alive and reaped(s.pid) for s in started)
    assert not [a for a in logs if "--name-status" in a or a[0] == "status"]  # and both were used
    assert [f["path"] for f in data["findings"] if f["code"] == "backfilled"] == ["meetings/2021-03-01/minutes.md"]


@pytest.mark.parametrize("as_of", [None, dt.date(2026, 2, 25)])
def test_a_run_that_ends_early_kills_and_reaps_git(isac: Path, cache_dir: Path, as_of: dt.date | None,
                                                   started: list[gitrepo._Started],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An error while loading (here a bad isaccheck.yaml) ends the run before the history pass:
    the git log started for it is killed and reaped, its file gone, the error the same."""
    write(isac, "isaccheck.yaml", "history:\n  backfill_tolerance_days: -1\n")
    commit(isac, "2026-02-21T10:00:00Z", "settings")
    with pytest.raises(ConfigError) as plain:
        runner.check(isac, as_of or TODAY, today=TODAY, history=False)
    with pytest.raises(ConfigError) as early:
        runner.check(isac, as_of or TODAY, today=TODAY)
    assert str(early.value) == str(plain.value)
    assert len(started) == (3 if as_of is None else 1)  # the working tree: `git status` twice, git log once
    assert all(not s.alive and reaped(s.pid) for s in started)
    assert os.listdir(cache_dir / "git") == []


@pytest.mark.parametrize("settings", ["", "history:\n  backfill_tolerance_days: -1\n"])
def test_git_status_failing_is_the_error_as_before(isac: Path, cache_dir: Path, settings: str,
                                                    started: list[gitrepo._Started],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`git status` runs while the documents load; when it fails, its error is the run's error, as
    when it ran before loading: also when loading fails too (a bad isaccheck.yaml). Nothing is left."""
    write(isac, "isaccheck.yaml", settings)
    monkeypatch.setattr(GitRepo, "_status_args", lambda self: ("status", "--no-such-option"))
    with pytest.raises(ConfigError, match=r"^git: git status failed: .*no-such-option"):
        runner.check(isac, TODAY, today=TODAY)
    assert sorted(s.args[0] for s in started) == ["log", "status"]
    assert all(not s.alive and reaped(s.pid) for s in started)
    assert os.listdir(cache_dir / "git") == []


def test_not_a_git_repository_starts_nothing(tmp_path: Path, cache_dir: Path,
                                             started: list[gitrepo._Started]) -> None:
    folder = tmp_path / "plain"
    write(folder, "isac.yaml", PROFILE)
    runner.check(folder, TODAY, today=TODAY)
    assert started == []


def test_stop_kills_a_running_git(isac: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A git still running when the run ends is killed, not waited for (a `git log` of 50,000
    commits takes seconds); a process that outlives it stands in for git."""
    repo = opened(isac)
    assert repo.pins == ()  # read now, with git
    monkeypatch.setattr(gitrepo, "_git_argv", lambda args, extra=(): ["sleep", "60"])
    assert repo.start("log")
    process = repo._started[("log",)]
    assert process._proc.poll() is None
    repo.stop_started()
    assert process._proc.returncode == -9 and reaped(process.pid) and not process.alive
    assert repo._started == {} and os.listdir(cache_dir / "git") == []


# --------------------------------------------------------------------------- HEAD's files from disk


def test_heads_files_come_from_disk_only_when_their_bytes_are_the_blob(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GitTreeSource.read_many of HEAD's tree with the working tree beside it: a clean file is read
    from disk; an edited one (same size or not), a link, a FIFO, a deleted file and a file in a
    linked folder come from git, so every answer is the commit's bytes."""
    repo = new_repo(tmp_path, "disk")
    files = {f"{name}.md": f"---\ntype: policy\ntitle: {name}\n---\n" for name in
             ("clean", "same-size", "longer", "linked", "fifo", "gone", "deep/in")}
    for rel, text in files.items():
        write(repo, rel, text)
    commit(repo, "2026-01-05T10:00:00Z", "documents")
    write(repo, "same-size.md", files["same-size.md"].replace("policy", "POLICY"))  # same length, other bytes
    write(repo, "longer.md", files["longer.md"] + "more\n")
    (repo / "linked.md").unlink()
    (repo / "linked.md").symlink_to("clean.md")
    (repo / "fifo.md").unlink()
    os.mkfifo(repo / "fifo.md")
    (repo / "gone.md").unlink()
    (repo / "deep").rename(repo / "real")
    (repo / "deep").symlink_to("real")
    asked: list[list[str]] = []
    real = gitrepo._CatFile.read_many

    def counting(self: gitrepo._CatFile, oids: Any) -> list[bytes]:
        asked.append(list(oids))
        return real(self, oids)

    monkeypatch.setattr(gitrepo._CatFile, "read_many", counting)
    git_repo = opened(repo)
    head = git_repo.head()
    assert head is not None
    with git_repo.tree_source(head) as plain:
        expected = plain.read_many(sorted(files))
    assert expected == {rel: text.encode() for rel, text in files.items()}
    with git_repo.tree_source(head) as tree:
        tree.working = repo
        assert tree.read_many(sorted(files)) == expected
        assert tree.from_disk == 1  # clean.md only
        assert len(asked[-1]) == len(files) - 1


def test_committed_only_and_a_past_date_at_head_read_clean_files_from_disk(
        isac: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The evaluated commit is HEAD: its clean files come from disk; an uncommitted edit is not used."""
    write(isac, "meetings/2021-03-01/minutes.md", MINUTES.replace("tlp: AMBER", "tlp: GREEN"))  # uncommitted
    trees: list[gitrepo.GitTreeSource] = []
    real = gitrepo.GitTreeSource.stream_many  # what the walk's prefetch asks

    def recording(self: gitrepo.GitTreeSource, paths: Any) -> gitrepo.BlobStream:
        trees.append(self)
        return real(self, paths)

    monkeypatch.setattr(gitrepo.GitTreeSource, "stream_many", recording)
    for as_of, committed_only in ((TODAY, True), (dt.date(2026, 2, 28), False)):
        run = runner.check(isac, as_of, today=TODAY, committed_only=committed_only)
        minutes = next(d for d in run.repository.documents if d.path == "meetings/2021-03-01/minutes.md")
        assert minutes.meta["tlp"] == "AMBER"  # as committed
        assert trees[-1].working == isac.resolve() and trees[-1].from_disk == 1  # notes.md
    run = runner.check(isac, dt.date(2026, 2, 15), today=TODAY)  # before the move: not HEAD's tree
    assert trees[-1].working is None and trees[-1].from_disk == 0


# --------------------------------------------------------------------------- report of a past year


@pytest.fixture
def last_year(tmp_path: Path) -> Path:
    """An ISAC whose history lies in an earlier year than today's (the report of a past year)."""
    year = dt.date.today().year - 1
    repo = new_repo(tmp_path, "last-year")
    commit(repo, f"{year}-01-05T10:00:00Z", "profile", isac__yaml=PROFILE)
    write(repo, "meetings/2021-03-01/minutes.md", MINUTES)
    commit(repo, f"{year}-02-10T10:00:00Z", "minutes")
    return repo


def _report(repo: Path, out: Path, *args: str) -> Any:
    from click.testing import CliRunner

    from isaccheck.cli import cli

    return CliRunner().invoke(cli, ["report", str(repo), "--format", "md", "-o", str(out), *args])


def test_past_year_report_starts_its_git_log_before_loading_todays_files(
        last_year: Path, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
        started: list[gitrepo._Started], logs: list[tuple[str, ...]]) -> None:
    from isaccheck import cli

    year = str(dt.date.today().year - 1)
    order: list[str] = []
    check_year = cli._check_year
    monkeypatch.setattr(cli, "_check_year", lambda *a: (order.append(f"loading, {len(started)} started"),
                                                       check_year(*a))[1])
    early = _report(last_year, tmp_path / "early.md", "--year", year)
    assert early.exit_code == 0, early.output
    assert order == ["loading, 1 started"]  # git log runs while today's files load
    assert not [a for a in logs if "--name-status" in a]  # and its output is the one used
    assert not started[0].alive and reaped(started[0].pid) and os.listdir(cache_dir / "git") == []
    monkeypatch.setattr(cli, "_early_report_git", lambda *a: None)
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    plain = _report(last_year, tmp_path / "plain.md", "--year", year)
    assert plain.exit_code == 0, plain.output
    assert (tmp_path / "early.md").read_bytes() == (tmp_path / "plain.md").read_bytes()


def test_past_year_report_that_fails_stops_the_early_git_log(
        last_year: Path, tmp_path: Path, cache_dir: Path, started: list[gitrepo._Started]) -> None:
    """--as-of outside --year: the same usage error as before, and the git log started for it ended."""
    year = dt.date.today().year - 1
    failed = _report(last_year, tmp_path / "r.md", "--year", str(year - 1), "--as-of", f"{year}-06-30")
    assert failed.exit_code == 2 and f"is not in --year {year - 1}" in failed.output
    assert started and all(not s.alive and reaped(s.pid) for s in started)
    assert os.listdir(cache_dir / "git") == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_worker_never_ends_the_parents_git(isac: Path, cache_dir: Path) -> None:
    """Loading may fork worker processes while git runs: a worker inherits the started object, and
    whatever it does with it (its exit runs the finalizers) leaves the parent's git and its output
    alone (the worker is not git's parent: it can neither wait for nor kill it)."""
    head = git(isac, "rev-parse", "HEAD")
    repo = opened(isac)
    repo.start_history(head)
    (process,) = repo._started.values()
    child = os.fork()
    if child == 0:  # the worker
        try:
            repo.stop_started()
        finally:
            os._exit(0)
    assert os.waitpid(child, 0)[1] == 0
    assert process.alive
    facts = repo.history(head)
    assert process._proc.returncode == 0  # git finished on its own (not killed: -9)
    for kept in cache_dir.joinpath("load").iterdir():
        kept.unlink()
    assert facts == plain_history(isac, head)


def test_ci_fresh_clone_with_the_cache_restored_is_warm(isac: Path, tmp_path: Path, cache_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        started: list[gitrepo._Started]) -> None:
    """What the workflow `isaccheck init` writes does: every run is a fresh clone into the same
    folder, with isaccheck's cache restored. The next commit's run loads only its new document and
    asks git only for the commits since (docs/ci.md); its output is that of a run without the cache."""
    from click.testing import CliRunner

    from isaccheck import repository
    from isaccheck.cli import cli

    workspace = tmp_path / "workspace"

    def ci_run(*extra: str) -> str:
        if workspace.exists():
            subprocess.run(["rm", "-rf", str(workspace)], check=True)
        subprocess.run(["git", "clone", "-q", str(isac), str(workspace)], check=True, capture_output=True)
        result = CliRunner().invoke(cli, ["check", str(workspace), "--format", "json", "--lang", "en", *extra])
        assert result.exit_code in (0, 1), result.output
        return result.output

    ci_run()
    commit(isac, "2026-02-25T10:00:00Z", "next", meetings__2026__02__25__md=MINUTES.replace("2021-03-01", "2026-02-25"))
    loaded: list[str] = []
    real = repository._Loader.load_markdown
    monkeypatch.setattr(repository._Loader, "load_markdown",
                        lambda self, entry: (loaded.append(entry.path), real(self, entry))[1])
    warm = ci_run()
    assert loaded == ["meetings/2026/02/25.md"]
    log = [s for s in started if s.args[0] == "log"][-1]
    assert any(a.startswith("^") for a in log.args)  # git log of the new commit only
    assert warm == ci_run("--no-cache")
