"""WorkingTreeSource.read: the fast way (no path resolved) and the guard it keeps."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Iterator

import pytest

from isaccheck import sources
from isaccheck.sources import SourceEntry, WorkingTreeSource


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    (root / "meetings" / "2026").mkdir(parents=True)
    (root / "meetings" / "2026" / "minutes.md").write_bytes(b"---\ntype: minutes\n---\nbody\n")
    (root / "isac.yaml").write_bytes(b"name: x\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_bytes(b"SECRET")
    return root, outside


def test_plain_files_are_read_without_resolving_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _tree(tmp_path)
    source = WorkingTreeSource(root)

    def no_resolve(path: Path) -> Path | None:
        raise AssertionError(f"resolved {path}")

    monkeypatch.setattr(sources, "_resolve", no_resolve)
    assert source.read("meetings/2026/minutes.md") == b"---\ntype: minutes\n---\nbody\n"
    assert source.read("isac.yaml") == b"name: x\n"
    assert source.read_head("meetings/2026/minutes.md", 3) == b"---"


def test_links_inside_are_still_followed(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    (root / "current").symlink_to(root / "meetings" / "2026")
    (root / "latest.md").symlink_to(root / "meetings" / "2026" / "minutes.md")
    source = WorkingTreeSource(root)
    assert source.read("current/minutes.md").endswith(b"body\n")
    assert source.read("latest.md").endswith(b"body\n")
    assert source.read_head("current/minutes.md", 3) == b"---"


@pytest.mark.parametrize("path", ["away/secret.md", "secret.md", "meetings/../../outside/secret.md"])
def test_links_and_dots_leaving_the_root_are_refused(tmp_path: Path, path: str) -> None:
    root, outside = _tree(tmp_path)
    (root / "away").symlink_to(outside)
    (root / "secret.md").symlink_to(outside / "secret.md")
    source = WorkingTreeSource(root)
    with pytest.raises(PermissionError, match="leaves the repository"):
        source.read(path)
    with pytest.raises(PermissionError, match="leaves the repository"):
        source.read_head(path, 10)


def test_a_folder_swapped_for_a_link_after_listing_is_not_followed(tmp_path: Path) -> None:
    root, outside = _tree(tmp_path)
    source = WorkingTreeSource(root)
    listed = [e.path for e in source.entries()]
    assert "meetings/2026/minutes.md" in listed
    os.rename(root / "meetings" / "2026", tmp_path / "moved")
    (outside / "minutes.md").write_bytes(b"SECRET")
    (root / "meetings" / "2026").symlink_to(outside)
    with pytest.raises(PermissionError):
        source.read("meetings/2026/minutes.md")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    os.mkfifo(root / "isac.fifo")
    source = WorkingTreeSource(root)
    failures: list[BaseException] = []

    def read() -> None:
        try:
            source.read("isac.fifo")
        except OSError as exc:
            failures.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # unblock the reader so the test run can end, then fail
        with open(root / "isac.fifo", "wb"):
            pass
        pytest.fail("reading a FIFO waited for a writer")
    assert len(failures) == 1 and "isac.fifo: not a regular file" in str(failures[0])


def test_missing_files_raise_as_before(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    source = WorkingTreeSource(root)
    with pytest.raises(FileNotFoundError):
        source.read("meetings/2026/none.md")
    with pytest.raises(FileNotFoundError):
        source.read("nothing/none.md")


def test_top_level_file_is_what_entries_lists(tmp_path: Path) -> None:
    root, outside = _tree(tmp_path)
    (root / "inside.yaml").symlink_to(root / "isac.yaml")
    (root / "outside.yaml").symlink_to(outside / "secret.md")
    (root / "broken.yaml").symlink_to(root / "nothing")
    (root / "folder.yaml").mkdir()
    (root / "folder.yaml" / "x.md").write_bytes(b"x")
    (root / "linked-folder.yaml").symlink_to(root / "meetings")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.yaml")
    source = WorkingTreeSource(root)
    listed = {e.path: e for e in source.entries() if "/" not in e.path}
    for name in ["isac.yaml", "inside.yaml", "outside.yaml", "broken.yaml", "pipe.yaml", "missing.yaml"]:
        assert source.top_level_file(name) == listed.get(name), name
    # A folder is walked, not listed; a link to one is listed but is never a file.
    assert source.top_level_file("folder.yaml") is None
    linked = source.top_level_file("linked-folder.yaml")
    assert linked is not None and linked.kind != "file" and listed["linked-folder.yaml"].kind != "file"
    assert source.top_level_file(".git") is None and source.top_level_file("meetings/2026/minutes.md") is None


def test_todays_settings_are_found_without_walking_the_working_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from isaccheck import runner

    root, _ = _tree(tmp_path)
    (root / "isaccheck.yaml").write_bytes(b"types: []\n")

    class PastCommit:  # a commit's tree without the settings files
        label = "commit x"

        def entries(self) -> Iterator[SourceEntry]:
            yield SourceEntry("meetings/2026/minutes.md", 10)

    class Plan:
        working_tree = False
        source: object = PastCommit()

    def no_walk(self: WorkingTreeSource) -> Iterator[SourceEntry]:
        raise AssertionError("walked the working tree")

    monkeypatch.setattr(WorkingTreeSource, "entries", no_walk)
    plan = Plan()
    note = runner._settings_from_today(plan, root)  # type: ignore[arg-type]
    assert note is not None and note.en.startswith("isac.yaml and isaccheck.yaml not in commit x")
    assert list(plan.source.missing) == ["isac.yaml", "isaccheck.yaml"]  # type: ignore[attr-defined]


def _walked_entries(source: WorkingTreeSource) -> list[SourceEntry]:
    """entries() as it was before it listed with scandir: os.walk and pathlib (the reference)."""
    found: list[SourceEntry] = []
    for dirpath, dirnames, filenames in os.walk(source.root, followlinks=False):
        here = Path(dirpath)
        kept = []
        for d in dirnames:
            if d in sources.SKIPPED_DIRS:
                continue
            full = here / d
            if full.is_symlink():
                rel = full.relative_to(source.root).as_posix()
                resolved = sources._resolve(full)
                kind: sources.EntryKind = ("symlink-broken" if resolved is None
                                           else "other" if source._inside(resolved) else "symlink-outside")
                found.append(SourceEntry(rel, 0, kind))
                continue
            kept.append(d)
        dirnames[:] = sorted(kept)
        for name in filenames:
            full = here / name
            found.append(source._file_entry(full, full.relative_to(source.root).as_posix()))
    return sorted(found, key=lambda e: e.path)


def test_entries_lists_what_os_walk_and_pathlib_listed(tmp_path: Path) -> None:
    root, outside = _tree(tmp_path)
    (root / "meetings" / "2026" / "deep" / "er").mkdir(parents=True)
    (root / "meetings" / "2026" / "deep" / "er" / "a b é.md").write_bytes(b"x" * 123)
    (root / "meetings" / "2026" / "deep" / "empty.md").write_bytes(b"")
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "objects" / "blob").write_bytes(b"not listed")
    (root / "shared" / "node_modules").mkdir(parents=True)
    (root / "shared" / "node_modules" / "x.md").write_bytes(b"not listed")
    (root / "__pycache__").write_bytes(b"a file named like a skipped folder is listed")
    (root / "shared" / "inside-link.md").symlink_to(root / "isac.yaml")
    (root / "shared" / "outside-link.md").symlink_to(outside / "secret.md")
    (root / "shared" / "broken-link.md").symlink_to(root / "nowhere.md")
    (root / "shared" / "loop-a").symlink_to(root / "shared" / "loop-b")
    (root / "shared" / "loop-b").symlink_to(root / "shared" / "loop-a")
    (root / "shared" / "folder-inside").symlink_to(root / "meetings")
    (root / "shared" / "folder-outside").symlink_to(outside)
    (root / "shared" / "link-to-folder-link").symlink_to(root / "shared" / "folder-outside")
    os.mkfifo(root / "shared" / "pipe")
    (root / os.fsdecode(b"caf\xe9.md")).write_bytes(b"latin-1 name")
    source = WorkingTreeSource(root)
    listed = list(source.entries())
    assert listed == _walked_entries(source)
    kinds = {e.path: e.kind for e in listed}
    assert kinds["shared/pipe"] == "other" and kinds["shared/folder-outside"] == "symlink-outside"
    assert kinds["shared/loop-a"] == "symlink-broken" and kinds["__pycache__"] == "file"
    assert not any(p.startswith((".git/", "shared/node_modules/")) for p in kinds)
    assert {e.path: e.size for e in listed}["meetings/2026/deep/er/a b é.md"] == 123


def test_read_returns_every_byte_of_empty_small_and_large_files(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    contents = {"empty.md": b"", "small.md": b"---\ntype: x\n---\n", "large.md": bytes(range(256)) * 3000}
    for name, data in contents.items():
        (root / name).write_bytes(data)
    source = WorkingTreeSource(root)
    for name, data in contents.items():
        assert source.read(name) == data
        assert source.read_head(name, 10) == data[:10]


def test_read_exact_reads_only_a_plain_file_of_the_given_size(tmp_path: Path) -> None:
    """For the working-tree copy of a commit's blob (GitTreeSource._from_disk): a regular file reached
    through no link, of exactly the size asked for; anything else is None and is not read."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_bytes(b"abc\n")
    (tmp_path / "link.md").symlink_to("sub/a.md")
    (tmp_path / "linked").symlink_to("sub")
    os.mkfifo(tmp_path / "fifo.md")
    source = WorkingTreeSource(tmp_path)
    assert source.read_exact("sub/a.md", 4) == b"abc\n"
    assert source.read_exact("sub/a.md", 3) is None and source.read_exact("sub/a.md", 5) is None
    for path in ("link.md", "linked/a.md", "fifo.md", "missing.md", "sub/../sub/a.md", "/etc/passwd"):
        assert source.read_exact(path, 4) is None, path


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd") or not sources._PLAIN_NOFOLLOW, reason="no /proc or O_NOFOLLOW")
def test_folders_are_kept_open_between_reads_bounded_and_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files of one folder, read in a row, open the folders of their path once (a counter of
    os.open calls), not per file; at most _KEPT_FOLDERS stay open, even in a deep tree; errors
    (missing files, a FIFO, a link) leak none, and close() or collecting the source closes all."""
    import gc

    root, _ = _tree(tmp_path)
    deep = root.joinpath(*[f"d{i}" for i in range(12)])
    deep.mkdir(parents=True)
    for i in range(10):
        (root / "meetings" / "2026" / f"m{i}.md").write_bytes(b"m%d" % i)
        (deep / f"x{i}.md").write_bytes(b"x%d" % i)
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "meetings" / "2026" / "pipe.md")
    (root / "meetings" / "link.md").symlink_to(root / "isac.yaml")
    opens: list[str] = []
    real_open = os.open

    def counting(path: str, flags: int, *args: object, **kwargs: object) -> int:
        opens.append(str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    gc.collect()  # an earlier test's sources, collected mid-test, would close their descriptors: count from here
    before = _open_fds()
    source = WorkingTreeSource(root)
    monkeypatch.setattr(os, "open", counting)
    assert [source.read(f"meetings/2026/m{i}.md") for i in range(10)] == [b"m%d" % i for i in range(10)]
    assert len(opens) == 3 + 10  # the root, meetings, 2026 once; then the ten files
    assert source.read("isac.yaml") == b"name: x\n" and source.read("meetings/link.md") == b"name: x\n"
    assert _open_fds() - before == 2  # the root and meetings (of the link, read the careful way)
    rel = deep.relative_to(root).as_posix()
    assert [source.read(f"{rel}/x{i}.md") for i in range(10)] == [b"x%d" % i for i in range(10)]
    assert _open_fds() - before == sources._KEPT_FOLDERS  # 13 folders deep, 8 kept
    for bad in ("meetings/2026/none.md", "nothing/none.md", f"{rel}/none.md", f"{rel}/nothing/none.md"):
        with pytest.raises(FileNotFoundError):
            source.read(bad)
        assert _open_fds() - before <= sources._KEPT_FOLDERS
    if hasattr(os, "mkfifo"):
        with pytest.raises(OSError, match="not a regular file"):
            source.read("meetings/2026/pipe.md")
        assert source.read_exact("meetings/2026/pipe.md", 0) is None
    assert source.read_exact("meetings/2026/m1.md", 2) == b"m1" and source.read_exact("meetings/2026/m1.md", 5) is None
    assert _open_fds() - before == 3
    source.close()
    assert _open_fds() == before
    assert source.read("meetings/2026/m2.md") == b"m2"  # reopened after close
    del source
    gc.collect()
    assert _open_fds() == before
    with WorkingTreeSource(root) as scoped:
        scoped.read("meetings/2026/m3.md")
    assert _open_fds() == before


def test_a_kept_folder_swapped_for_a_link_is_not_followed(tmp_path: Path) -> None:
    """Reading a folder's files keeps it open; when it is then moved away and a link to outside
    takes its place, nothing outside is read: names not in the kept folder go the careful way."""
    root, outside = _tree(tmp_path)
    source = WorkingTreeSource(root)
    assert source.read("meetings/2026/minutes.md").endswith(b"body\n")
    os.rename(root / "meetings" / "2026", tmp_path / "moved")
    (outside / "minutes2.md").write_bytes(b"SECRET")
    (root / "meetings" / "2026").symlink_to(outside)
    with pytest.raises(PermissionError):
        source.read("meetings/2026/minutes2.md")
    source.close()
    with pytest.raises(PermissionError):
        source.read("meetings/2026/minutes.md")


@pytest.mark.parametrize("raw", [b"", b"---\ntype: minutes\n---\n", "Notulen café\r\n".encode(), bytes(range(256))])
def test_git_blob_id_is_the_id_git_gives_the_bytes(tmp_path: Path, raw: bytes) -> None:
    # The working-tree copy of a committed file is taken only when it has the blob's id (gitrepo
    # GitTreeSource._from_disk); the load cache keys working-tree files by it (repository.blob_key).
    import subprocess

    for fmt, sha256 in (("sha1", False), ("sha256", True)):
        repo = tmp_path / fmt
        subprocess.run(["git", "init", "-q", f"--object-format={fmt}", str(repo)], check=True)
        made = subprocess.run(["git", "hash-object", "--stdin"], input=raw, capture_output=True, check=True, cwd=repo)
        assert sources.git_blob_id(raw, sha256=sha256) == made.stdout.decode().strip()
