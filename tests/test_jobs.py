"""History and the report's trend on two cores (jobs.py, yearends.Ahead): a forked child evaluates
the oldest past year ends; the output is byte for byte that of one process, whatever the child
does (crash, kill, garbage, hang), the child writes nothing and is always reaped."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from click.testing import CliRunner

from isaccheck import jobs, yearends
from isaccheck.cli import cli
from isaccheck.errors import IsaccheckError
from isaccheck.gitevidence import PastCommits
from isaccheck.loadcache import LoadCache

from .test_gitint import file_date

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.name for p in (ROOT / "evidence-examples").iterdir() if (p / "isac.yaml").is_file())
SINCE = "2019"  # before every example's first document: the first year ends fail ("did not exist yet") in the child too


def _git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": str(repo.parent), "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CEILING_DIRECTORIES": str(repo.parent),
           "GIT_AUTHOR_NAME": "Test Secretary", "GIT_AUTHOR_EMAIL": "secretary@isac.example",
           "GIT_COMMITTER_NAME": "Test Secretary", "GIT_COMMITTER_EMAIL": "secretary@isac.example"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True).stdout.decode().strip()


def committed_example(folder: Path, name: str) -> Path:
    """The example as a git history: each document committed (the day after) its own date, the
    undated files with the first ones."""
    repo = folder / name
    shutil.copytree(ROOT / "evidence-examples" / name, repo)
    _git(repo, "init", "-q", "-b", "main")
    by_day: dict[str, list[Path]] = {}
    files = sorted(p for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts)
    for path in files:
        day = file_date(path)  # its date field, else the date in its name (Word and PDF files)
        by_day.setdefault(min(day or "0000", "2026-11-19"), []).append(path)
    kept = {path: path.read_bytes() for path in files}
    for path in files:
        path.unlink()
    undated = by_day.pop("0000", [])
    days = sorted(by_day) or ["2024-06-01"]
    by_day[days[0]] = undated + by_day.get(days[0], [])
    for day in days:
        for path in by_day[day]:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(kept[path])
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"documents of {day}",
             date=(dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat() + "T12:00:00Z")
    return repo


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("committed")
    return {name: committed_example(folder, name) for name in EXAMPLES}


@pytest.fixture
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")  # every run cold: the year ends are evaluated, not remembered


class Recorder:
    """The Ahead objects of a run, and the children they forked."""

    def __init__(self) -> None:
        self.forked: list[int] = []
        self.delivered: list[int] = []


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    seen = Recorder()
    start, finish = jobs.Split.start, jobs.Split.finish

    def recording_start(self: jobs.Split) -> bool:
        started = start(self)
        if started and self.pid is not None:
            seen.forked.append(self.pid)
        return started

    def recording_finish(self: jobs.Split) -> dict[int, Any]:
        results = finish(self)
        seen.delivered.append(len(results))
        return results

    monkeypatch.setattr(jobs.Split, "start", recording_start)
    monkeypatch.setattr(jobs.Split, "finish", recording_finish)
    monkeypatch.setattr(jobs, "cpus", lambda: 2)  # as on a machine of two cores, whatever this one has
    return seen


def cli_run(*args: str, jobs_: int) -> bytes:
    result = CliRunner().invoke(cli, [*args, "--jobs", str(jobs_)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout_bytes


def history(repo: Path, jobs_: int, *extra: str) -> bytes:
    return cli_run("history", str(repo), "--since", SINCE, "--format", "json", *extra, jobs_=jobs_)


def report(repo: Path, jobs_: int, *extra: str) -> bytes:
    return cli_run("report", str(repo), "--year", "2026", "--as-of", "2026-11-28", "--format", "md", "-o", "-",
                   *extra, jobs_=jobs_)


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # not a child of this process any more: reaped
    return False


# -- the same output -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", EXAMPLES)
def test_history_and_report_are_the_same_with_two_jobs(name: str, examples: dict[str, Path], recorder: Recorder,
                                                       no_cache: None) -> None:
    repo = examples[name]
    one = history(repo, 1), history(repo, 1, "--lang", "nl"), report(repo, 1)
    assert recorder.forked == []  # --jobs 1: the plain way
    two = history(repo, 2), history(repo, 2, "--lang", "nl"), report(repo, 2)
    assert two == one
    # A child where at least MIN_FORKED year ends have a commit (the earlier ones fail at once, here).
    first = int(_git(repo, "log", "--reverse", "--format=%cs").split()[0][:4])
    forks = 3 if 2025 - first + 1 >= yearends.MIN_FORKED else 0
    assert len(recorder.forked) == forks, "each command forked its child"
    assert all(recorder.delivered), "the child delivered year ends that were used"
    assert all(reaped(pid) for pid in recorder.forked)


def test_a_report_trend_longer_and_shorter_than_git_says(tmp_path: Path, recorder: Recorder, no_cache: None) -> None:
    """The report's child starts from the first commit's year; the trend starts at the first dated
    document's year: earlier (documents older than the repository) or later."""
    repo = committed_example(tmp_path, "haven-isac")
    plain = report(repo, 1)
    assert report(repo, 2) == plain
    assert len(recorder.forked) == 1
    # A first commit of 2019 (before every document): the child's first year ends are not used.
    _git(repo, "commit", "-q", "--allow-empty", "-m", "later", date="2026-11-21T12:00:00Z")
    early = tmp_path / "early"
    _git(tmp_path, "init", "-q", "-b", "main", str(early))
    _git(early, "commit", "-q", "--allow-empty", "-m", "start", date="2019-02-01T12:00:00Z")
    _git(early, "pull", "-q", "--no-rebase", "--allow-unrelated-histories", str(repo), "main",
         date="2026-11-22T12:00:00Z")
    assert report(early, 2) == report(early, 1)
    assert len(recorder.forked) == 2
    # A past year: the report's own history pass starts its `git log` early (cli._early_report_git),
    # before the child is forked; neither disturbs the other.
    past_year = ("report", str(early), "--year", "2025", "--format", "md", "-o", "-")
    assert cli_run(*past_year, jobs_=2) == cli_run(*past_year, jobs_=1)
    assert len(recorder.forked) == 3 and all(reaped(pid) for pid in recorder.forked)


def test_a_forked_cold_run_leaves_the_cache_a_warm_run_needs(examples: dict[str, Path], recorder: Recorder,
                                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child's year ends are remembered by this process as its own would be: the warm run that
    follows evaluates no past year end (and so forks nothing) and gives the same output."""
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ISACCHECK_NO_CACHE", raising=False)
    repo = examples["haven-isac"]
    cold = history(repo, 2)
    assert len(recorder.forked) == 1
    evaluated: list[dt.date] = []
    original = yearends._year_end

    def counting(path: Path, end: dt.date, **kwargs: Any) -> Any:
        found = original(path, end, **kwargs)
        if not found[2]:
            evaluated.append(end)
        return found

    monkeypatch.setattr(yearends, "_year_end", counting)
    assert history(repo, 2) == cold
    assert evaluated == [] and len(recorder.forked) == 1  # warm: answered by the cache, no child


# -- the child fails: the same output ------------------------------------------------------------

def _failing(how: str) -> Callable[[Any, list[dt.date]], Callable[[int], Any]]:
    original = yearends.Ahead._child_work

    def child_work(self: yearends.Ahead, todo: list[dt.date]) -> Callable[[int], Any]:
        work = original(self, todo)

        def failing(index: int) -> Any:
            if how == "crash" and index == 1:
                os._exit(3)
            if how == "kill" and index == 1:
                os.kill(os.getpid(), signal.SIGKILL)
            if how == "raise":
                raise RuntimeError("a bug in the child")
            if how == "garbage":
                return ("ok", ("not", "a", "year", "end"), None, False) if index % 2 else ("error", 1, 2, 3, 4)
            if how == "hang" and index == 1:
                time.sleep(3600)
            return work(index)
        return failing
    return child_work


@pytest.mark.parametrize("how", ["crash", "kill", "raise", "garbage", "hang"])
def test_a_failing_child_changes_nothing_but_time(how: str, examples: dict[str, Path], recorder: Recorder,
                                                   no_cache: None, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = examples["haven-isac"]
    plain = history(repo, 1), report(repo, 1)
    monkeypatch.setattr(yearends.Ahead, "_child_work", _failing(how))
    monkeypatch.setattr(jobs, "GRACE_SECONDS", 0.5)  # "hang": not waited for long
    # The child is slowed to its second year end at most (hang: never): this process must not take them all first.
    assert (history(repo, 2), report(repo, 2)) == plain
    assert len(recorder.forked) == 2 and all(reaped(pid) for pid in recorder.forked)


def test_garbage_frames_are_not_used() -> None:
    split = jobs.Split(3, lambda i: i)
    import marshal

    good = marshal.dumps((1, "one"))
    split._buffer += (jobs._FRAME.pack(4) + b"\xff\xfe\x00\x01" + jobs._FRAME.pack(len(good)) + good
                      + jobs._FRAME.pack(len(marshal.dumps((7, "x")))) + marshal.dumps((7, "x"))
                      + jobs._FRAME.pack(100) + b"cut short")
    split._frames()
    assert split.results == {1: "one"}  # garbage, an item that was never asked for and a cut frame: left out


# -- no fork where it is not safe or does not pay -----------------------------------------------

@pytest.mark.parametrize("setting", ["jobs 1", "env 1", "one cpu", "no fork", "a thread", "few year ends"])
def test_no_fork(setting: str, examples: dict[str, Path], recorder: Recorder, no_cache: None,
                 monkeypatch: pytest.MonkeyPatch) -> None:
    repo = examples["haven-isac"]
    args: tuple[str, ...] = ("history", str(repo), "--since", SINCE, "--format", "json")
    if setting == "jobs 1":
        args += ("--jobs", "1")
    elif setting == "env 1":
        monkeypatch.setenv("ISACCHECK_JOBS", "1")
    elif setting == "one cpu":
        monkeypatch.setattr(jobs, "cpus", lambda: 1)
    elif setting == "no fork":
        monkeypatch.delattr(os, "fork")
    elif setting == "few year ends":
        args = ("history", str(repo), "--since", "2025", "--format", "json")  # 2025 only, and now
    stop = None
    if setting == "a thread":
        import threading

        stop = threading.Event()
        threading.Thread(target=stop.wait, daemon=True).start()
    try:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        if stop is not None:
            stop.set()
    assert result.exit_code in (0, 1), result.output
    assert recorder.forked == []


@pytest.mark.parametrize("command", ["history", "report"])
def test_a_bad_number_of_jobs_is_named(command: str, monkeypatch: pytest.MonkeyPatch, examples: dict[str, Path]) -> None:
    """In the repository's language (haven is Dutch), or --lang's; --jobs wins over the variable."""
    monkeypatch.setenv("ISACCHECK_JOBS", "two")
    repo = str(examples["haven-isac"])
    dutch = CliRunner().invoke(cli, [command, repo, "-o", "-"] if command == "report" else [command, repo])
    assert dutch.exit_code == 2
    assert "isaccheck: fout: ISACCHECK_JOBS='two' is geen aantal taken" in dutch.output
    english = CliRunner().invoke(cli, [command, repo, "--lang", "en"] + (["-o", "-"] if command == "report" else []))
    assert english.exit_code == 2
    assert "isaccheck: error: ISACCHECK_JOBS='two' is not a number of jobs" in english.output
    assert "Traceback" not in dutch.output + english.output
    if command == "history":
        given = CliRunner().invoke(cli, [command, repo, "--jobs", "1", "--since", "2025"])
        assert given.exit_code in (0, 1), given.output


# -- the child writes nothing ----------------------------------------------------------------------

def test_the_child_writes_nothing(examples: dict[str, Path], recorder: Recorder, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The child evaluates every year end (this process takes none); the cache directory stays
    empty although the plain way fills it (polder's Word and PDF files: their extraction is
    cached), and this process then remembers the child's year ends."""
    repo = examples["polder-isac"]
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(cache_dir))
    monkeypatch.delenv("ISACCHECK_NO_CACHE", raising=False)
    today = dt.date.today()
    ends = [dt.date(year, 12, 31) for year in range(2019, 2026)]

    def evaluate(jobs_: int) -> tuple[list[Any], LoadCache]:
        cache, past = LoadCache.open(repo, "years"), PastCommits()
        token = jobs.JOBS.set(jobs_)
        ahead = yearends.Ahead(repo, today=today, cache=cache, past=past)
        try:
            ahead.start(ends)
            found = ahead.results(ends)
        finally:
            ahead.close()
            past.close()
            jobs.JOBS.reset(token)
        return [(type(f).__name__, f.text("en"), f.text("nl"), f.path, f.line) if isinstance(f, IsaccheckError)
                else yearends.encode(f) for f in found], cache

    plain, plain_cache = evaluate(1)
    assert list(cache_dir.rglob("*")), "the plain way writes the extraction cache"
    shutil.rmtree(cache_dir)
    monkeypatch.setattr(jobs.Split, "take", lambda self: None)  # everything to the child,
    monkeypatch.setattr(yearends.Ahead, "_to_evaluate", lambda self, end: True)  # also the failing year ends
    forked, cache = evaluate(2)
    assert recorder.forked and recorder.delivered == [len(ends)]
    assert not cache_dir.exists() or list(cache_dir.rglob("*")) == []
    assert forked == plain
    assert sum(isinstance(f[0], str) and f[0] == "ConfigError" for f in plain) >= 3  # errors came from the child too
    assert cache.year_ends == plain_cache.year_ends  # remembered as the plain way remembers


def test_a_stopped_run_leaves_no_child(examples: dict[str, Path], recorder: Recorder, no_cache: None,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An error (or Ctrl-C) in this process while the child works: the child is killed and reaped."""
    from isaccheck import history as historymod

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(yearends.Ahead, "_child_work", _failing("hang"))
    monkeypatch.setattr(historymod, "check", interrupted)  # today's evaluation, while the child works
    with pytest.raises(KeyboardInterrupt):
        historymod.profile_history(examples["haven-isac"], 2019)
    assert len(recorder.forked) == 1 and reaped(recorder.forked[0])


def _children() -> Iterator[int]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                yield int(entry.name)


def _gits_in(repo: Path) -> list[int]:
    """git processes working in repo (wherever they hang in the process tree: an orphan is adopted)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "git" and Path(os.readlink(entry / "cwd")) == repo:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_no_process_is_left(examples: dict[str, Path], recorder: Recorder, no_cache: None, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    ended = tmp_path / "ended"
    original = yearends.Ahead._child_teardown

    def teardown(self: yearends.Ahead) -> None:
        original(self)
        with ended.open("a") as marks:  # written by the child (this test's own file): its git was ended
            marks.write(f"{os.getpid()}\n")

    monkeypatch.setattr(yearends.Ahead, "_child_teardown", teardown)
    before = set(_children())
    repo = examples["haven-isac"]
    history(repo, 2)
    report(repo, 2)
    assert len(recorder.forked) == 2
    assert set(_children()) <= before  # no child, no zombie (a zombie is still listed), no git process
    assert _gits_in(repo.resolve()) == []  # the child ended its own git processes too
    assert sorted(int(pid) for pid in ended.read_text().split()) == sorted(recorder.forked)
