"""WorkingTreeSource.read: the fast way (no path resolved) and the guard it keeps."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from isaccheck import sources
from isaccheck.sources import WorkingTreeSource


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
