"""Blobs streamed from `git cat-file --batch` (gitrepo.BlobStream, GitTreeSource.stream_many): the walk
reads each blob from the pipe when it comes to it, while git inflates the next ones. The bytes, the
documents and the findings are those of the eager read (read_many) on every example, a generated
history and a repository with damaged and missing objects; git never gets out of step, and no
process or thread is left."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from isaccheck import gitrepo, runner
from isaccheck.gitrepo import GitTreeSource

from .test_gitrepo import commit, git, isolate_git, new_repo, opened
from .test_jobs import EXAMPLES, committed_example, history

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path, monkeypatch)


def eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk's prefetch as before streaming: every blob read at once (read_many)."""
    monkeypatch.delattr(GitTreeSource, "stream_many")


def many_files(tmp_path: Path) -> tuple[Path, list[str]]:
    repo = new_repo(tmp_path)
    files = {f"docs__d{i:03}__md": f"document {i}\n" * (i % 7 + 1) for i in range(150)}
    files["docs__d075__md"] = "x" * 200_000 + "\n"  # larger than a pipe's buffer, in the middle
    commit(repo, "2022-01-01T00:00:00Z", "many", **files)
    return repo, sorted("/".join(k.split("__")[:-1]) + ".md" for k in files)


def test_a_stream_reads_each_blob_when_it_is_asked_for(tmp_path: Path) -> None:
    repo, paths = many_files(tmp_path)
    with opened(repo).tree_source("HEAD") as source:
        expected = source.read_many(paths)
        stream = source.stream_many(paths + ["nope.md"])  # not a file of the tree: absent (read() says why)
        assert stream.pending == len(paths)  # asked, nothing read yet
        assert stream.pop(paths[0]) == expected[paths[0]]
        assert stream.pending == len(paths) - 1
        assert stream.get(paths[100]) == expected[paths[100]]  # the ones before it are read and kept
        assert stream.pending == len(paths) - 101
        assert stream.pop(paths[0]) is None and stream.get("nope.md") is None
        assert stream.pop(paths[75]) == expected[paths[75]]
        assert dict(stream) == {p: expected[p] for p in paths if p not in (paths[0], paths[75])}
        assert stream.pending == 0


@pytest.mark.parametrize("poll", [True, False], ids=["poll", "thread"])
def test_requests_larger_than_the_pipe_are_sent_as_git_takes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 poll: bool) -> None:
    """10,000 requests (410 KB) and their answers (600 KB and 1 MB of large blobs) fill both pipes:
    neither side waits on the other, eager or lazy; with poll no thread runs meanwhile."""
    monkeypatch.setattr(gitrepo, "_POLL", poll)
    monkeypatch.setattr(gitrepo, "PIPE_BYTES", 1 << 16)  # a pipe of the usual size (Linux, macOS), not widened
    repo, paths = many_files(tmp_path)
    with opened(repo).tree_source("HEAD") as source:
        blobs = source._load().blobs
        oids = [blobs[paths[i % len(paths)]] for i in range(10_000)]
        expected = {oid: source.read(p) for p, oid in blobs.items()}
        cat = source._catfile()
        assert cat.read_many(oids) == [expected[o] for o in oids]
        batch = cat.begin(oids)
        assert batch.sent < len(batch.payload)  # more than the pipe takes: the rest is sent while reading
        assert (batch.poller is not None) == poll and (batch.writer is not None) != poll
        if poll:
            assert threading.active_count() == 1
        answers = [cat.answer(batch) for _ in oids]
        assert [a[1] if a else None for a in answers] == [expected[o] for o in oids]
        assert batch.writer is None and cat.alive and cat.read(oids[0]) == expected[oids[0]]


@contextlib.contextmanager
def streaming(tmp_path: Path) -> Iterator[tuple[GitTreeSource, list[str], dict[str, bytes], gitrepo._CatFile,
                                                gitrepo.BlobStream]]:
    """many_files' tree, its bytes read eagerly, its cat-file (taken before the stream: taking it
    settles an open stream) and a stream of every path."""
    repo, paths = many_files(tmp_path)
    with opened(repo).tree_source("HEAD") as source:
        expected = source.read_many(paths)
        cat = source._catfile()
        yield source, paths, expected, cat, source.stream_many(paths)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ is Linux's")
def test_the_pipes_to_git_hold_most_of_a_year_end_s_blobs(tmp_path: Path) -> None:
    """Widened to PIPE_BYTES, so git runs ahead of the walk in one turn, not 64 KB at a time."""
    import fcntl

    if int(Path("/proc/sys/fs/pipe-max-size").read_text()) < gitrepo.PIPE_BYTES:
        pytest.skip("this system allows smaller pipes")
    repo, _ = many_files(tmp_path)
    cat = gitrepo._CatFile(repo)
    try:
        for pipe in (cat._proc.stdin, cat._proc.stdout):
            assert pipe is not None and fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ) == gitrepo.PIPE_BYTES
    finally:
        cat.close()


def test_another_read_during_a_stream_keeps_git_in_step(tmp_path: Path) -> None:
    with streaming(tmp_path) as (source, paths, expected, cat, stream):
        assert stream.get(paths[3]) == expected[paths[3]]
        assert source.read(paths[140]) == expected[paths[140]]  # the stream's answers are read first, kept
        assert source._catfile() is cat and cat.alive
        assert dict(stream) == expected


def test_a_git_that_dies_mid_stream_leaves_the_rest_to_file_by_file_reads(tmp_path: Path) -> None:
    with streaming(tmp_path) as (source, paths, expected, cat, stream):
        assert stream.pop(paths[0]) == expected[paths[0]]
        cat._proc.kill()
        cat._proc.wait()
        later = [stream.pop(p) for p in paths[1:]]
        # What was in the pipe before git died may still come; after the first failure, nothing.
        first_missing = later.index(None)
        assert later[:first_missing] == [expected[p] for p in paths[1:1 + first_missing]]
        assert set(later[first_missing:]) == {None} and stream.pending == 0
        assert not cat.alive and cat._proc.returncode is not None
        assert source.read(paths[-1]) == expected[paths[-1]]  # a new cat-file
        assert source._catfile() is not cat


def test_closing_a_half_read_stream_ends_git_without_waiting(tmp_path: Path) -> None:
    """Answers nobody reads any more (a walk stopped early): git ends at its next write when our end
    of its output is closed first; it is not left waiting until the 5 seconds' kill."""
    repo = new_repo(tmp_path)
    commit(repo, "2022-01-01T00:00:00Z", "big", **{f"b{i}__md": f"{i}" * 300_000 for i in range(8)})
    with opened(repo).tree_source("HEAD") as source:
        paths = [e.path for e in source.entries()]
        stream = source.stream_many(paths)
        assert stream.get(paths[0]) is not None
        proc = source._catfile()._proc
    assert proc.returncode is not None and proc.returncode != -signal.SIGKILL


# -- damaged repositories: the findings of the eager way ------------------------------------------

PROFILE = "isac:\n  name: Damage ISAC\n  sector: water\nparticipants:\n  - organisation: Waterschap A\n"


def damaged_repo(tmp_path: Path) -> Path:
    """Minutes at a commit before HEAD, one of them missing from the object store and one cut in the
    middle of its compressed content (git writes its header, then dies)."""
    repo = new_repo(tmp_path)
    files = {"isac__yaml": PROFILE}
    for i in range(12):
        body = "".join(f"regel {n} van vergadering {i}\n" for n in range(400 if i == 7 else 3))
        files[f"meetings__2024-0{1 + i % 9}-{10 + i}__md"] = (
            f"---\ntype: minutes\ndate: 2024-0{1 + i % 9}-{10 + i}\ntlp: GREEN\n---\n# Vergadering {i}\n{body}")
    commit(repo, "2024-12-01T10:00:00Z", "minutes", **files)
    commit(repo, "2025-06-01T10:00:00Z", "later", notes__md="# later\n")
    tree = [line.split() for line in git(repo, "ls-tree", "-r", "HEAD~1").splitlines()]
    blobs = {path: oid for _, _, oid, path in tree}
    names = sorted(p for p in blobs if p.startswith("meetings/"))
    missing, damaged = blobs[names[3]], blobs[names[7]]
    (repo / ".git/objects" / missing[:2] / missing[2:]).unlink()
    loose = repo / ".git/objects" / damaged[:2] / damaged[2:]
    raw = bytearray(loose.read_bytes())
    loose.chmod(0o644)
    raw[len(raw) // 2:len(raw) // 2 + 20] = bytes(20)
    loose.write_bytes(bytes(raw))
    return repo


def findings_of(repo: Path) -> list[tuple[str, str, str]]:
    run = runner.check(repo, dt.date(2025, 1, 31), today=dt.date(2026, 11, 28), history=False)
    return [(f.code, f.path, f.message.en) for f in run.repository.findings] + [
        ("document", d.path, repr(sorted(d.meta.items()))) for d in run.repository.documents]


def test_damaged_and_missing_objects_give_the_eager_way_s_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = damaged_repo(tmp_path)
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    streamed = findings_of(repo)
    unreadable = [f for f in streamed if f[0] == "unreadable"]
    assert any("could not find object" in f[2] for f in unreadable)
    assert any("stopped" in f[2] for f in unreadable)
    eager(monkeypatch)
    assert findings_of(repo) == streamed


# -- the same output on every example and a generated history --------------------------------------

@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("streamed")
    repos = {name: committed_example(folder, name) for name in EXAMPLES}
    generated = folder / "generated"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_git_repo.py"), str(generated), "--files", "60",
                    "--commits", "160", "--years", "6"], check=True, capture_output=True)
    repos["generated"] = generated
    return repos


@pytest.mark.parametrize("name", [*EXAMPLES, "generated"])
def test_history_is_the_same_streamed_and_eager(name: str, histories: dict[str, Path],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    streams: list[Any] = []
    real = GitTreeSource.stream_many

    asked: list[tuple[str, str | None]] = []

    def counting(self: GitTreeSource, paths: Any) -> Any:
        asked.extend((path, self.blob_id(path)) for path in paths)
        streams.append(real(self, paths))
        return streams[-1]

    monkeypatch.setattr(GitTreeSource, "stream_many", counting)
    streamed = history(histories[name], 1)
    # Every past year end's blobs came through a stream, read to the end (zorg's documents are all of
    # 2026: no past year end has a commit, and now is the working tree).
    assert (len(streams) > 0) != (name == "zorg-isac") and all(s.pending == 0 for s in streams)
    assert len(asked) == len(set(asked))  # a file's blob loaded at an earlier year end is not asked for again
    eager(monkeypatch)
    assert history(histories[name], 1) == streamed
    assert threading.active_count() == 1
