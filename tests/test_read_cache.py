"""isaccheck.read.cache: extracted documents cached by content, versioned, never in the checked
repository, a corrupt entry ignored and rewritten (issue 10, point 8)."""
from __future__ import annotations

from pathlib import Path

import pytest

import isaccheck.read as read
from isaccheck import __version__
from isaccheck.read import ReadProblem, StructuredDocument, read_document
from isaccheck.read.cache import READER_VERSION, cache_root

from .readfiles import docx_bytes


def _build(document: object) -> None:
    document.add_heading("Notulen", level=1)  # type: ignore[attr-defined]
    document.add_paragraph("Datum: 12 maart 2025")  # type: ignore[attr-defined]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "cache"
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(target))
    monkeypatch.delenv("ISACCHECK_NO_CACHE", raising=False)
    return target


def _entries(root: Path) -> list[Path]:
    return sorted(root.rglob("*.json")) if root.exists() else []


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(fmt: str) -> object:
        raise AssertionError(f"the {fmt} reader ran: the cache was not used")
    monkeypatch.setattr(read, "_reader", refuse)


def test_second_read_comes_from_the_cache_with_the_callers_path(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = docx_bytes(_build)
    first = read_document("notulen/a.docx", data)
    assert isinstance(first, StructuredDocument)
    (entry,) = _entries(cache_dir)
    assert entry.is_relative_to(cache_dir / "read" / f"{__version__}-r{READER_VERSION}")
    _no_reading(monkeypatch)
    again = read_document("notulen/a.docx", data)
    assert again == first
    # The same bytes under another name (a copy, a rename) are the same extraction.
    moved = read_document("archief/b.docx", data)
    assert isinstance(moved, StructuredDocument) and moved.path == "archief/b.docx" and moved.blocks == first.blocks


def test_the_git_blob_id_is_the_key_when_given(cache_dir: Path) -> None:
    read_document("a.md", b"# Kop\n", blob_id="ABCDEF0123")
    (entry,) = [p.name for p in _entries(cache_dir)]
    assert entry.startswith("markdown-0-") and entry.endswith("-git-abcdef0123.json")


def test_the_limits_are_part_of_the_key(cache_dir: Path) -> None:
    """A file read under generous limits is not served from the cache to a stricter caller."""
    from isaccheck.read.limits import ReadLimits

    data = b"# Kop\n"
    read_document("a.md", data, limits=ReadLimits(max_pages=500))
    read_document("a.md", data, limits=ReadLimits(max_pages=3))
    assert len(_entries(cache_dir)) == 2


def test_format_and_line_offset_are_part_of_the_key(cache_dir: Path) -> None:
    md = read_document("a.md", b"# Kop\n")
    txt = read_document("a.txt", b"# Kop\n")
    shifted = read_document("a.md", b"# Kop\n", line_offset=3)
    assert isinstance(md, StructuredDocument) and isinstance(txt, StructuredDocument)
    assert isinstance(shifted, StructuredDocument)
    assert (md.blocks[0].kind, txt.blocks[0].kind) == ("heading", "paragraph")
    assert shifted.blocks[0].location.line == 4
    assert len(_entries(cache_dir)) == 3


def test_a_corrupt_entry_is_ignored_and_rewritten(cache_dir: Path) -> None:
    data = docx_bytes(_build)
    first = read_document("a.docx", data)
    (entry,) = _entries(cache_dir)
    for garbage in ('{"format": "docx", "blocks": [["bogus"]]}', "not json", '{"blocks": [["heading", "x", 1, null, null, 1, []]]}'):
        entry.write_text(garbage, encoding="utf-8")
        assert read_document("a.docx", data) == first
        assert read_document("a.docx", data) == first  # rewritten: the entry is valid again
    entry.write_bytes(b"\xff\xfe\x00garbage")
    assert read_document("a.docx", data) == first


def test_no_cache_env_disables_it(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    assert cache_root() is None
    read_document("a.md", b"# Kop\n")
    assert _entries(cache_dir) == []


def test_never_written_inside_the_checked_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(repo / ".cache"))
    result = read_document("a.md", b"# Kop\n", repo_root=str(repo))
    assert isinstance(result, StructuredDocument)
    assert not (repo / ".cache").exists()


def test_problems_are_not_cached(cache_dir: Path) -> None:
    assert isinstance(read_document("a.pdf", b"garbage"), ReadProblem)
    assert _entries(cache_dir) == []


def test_default_location_is_the_user_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("ISACCHECK_CACHE_DIR", raising=False)
    monkeypatch.delenv("ISACCHECK_NO_CACHE", raising=False)
    root = cache_root()
    assert root is not None and root.is_relative_to(Path(platformdirs.user_cache_dir("isaccheck", appauthor=False)))


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(blocker))
    assert isinstance(read_document("a.md", b"# Kop\n"), StructuredDocument)


def test_each_cache_is_kept_out_of_a_repository_that_holds_its_own_folder(cache_dir: Path) -> None:
    # The check is made on the folder each cache writes, not on the extraction cache's folder: a
    # repository that is (absurdly) the load or infer folder itself is not written either.
    from isaccheck import loadcache
    from isaccheck.infer import cache as infer_cache
    from isaccheck.read.cache import cache_folder

    for name in ("load", "infer"):
        repo = cache_dir / name
        repo.mkdir(parents=True, exist_ok=True)
        assert cache_folder(str(repo), name) is None
        assert cache_folder(str(cache_dir / "elsewhere"), name) == cache_dir / name
    assert loadcache.store_file(cache_dir / "load", "check") is None
    assert infer_cache.directory(str(cache_dir / "infer")) is None
    assert infer_cache.directory(str(cache_dir / "elsewhere")) is not None


def test_atomic_write_leaves_no_file_when_writing_fails(tmp_path: Path) -> None:
    from collections.abc import Iterator

    from isaccheck.read.cache import atomic_write

    def failing() -> Iterator[bytes]:
        yield b"half"
        raise ValueError("a value marshal refuses")

    target = tmp_path / "folder" / "entry.json"
    atomic_write(target, failing())
    assert list((tmp_path / "folder").iterdir()) == []  # neither the entry nor its temporary file
    atomic_write(target, iter([b"whole", b" file"]))
    assert target.read_bytes() == b"whole file"
    assert [p.name for p in (tmp_path / "folder").iterdir()] == ["entry.json"]
