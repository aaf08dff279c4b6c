"""The load cache on disk (issue 14, third round): a warm run gives what a cold one gives, byte for
byte, reads less, and never uses an entry that another isaccheck, setting or file content made."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from isaccheck import loadcache, repository
from isaccheck.cli import cli
from isaccheck.loadcache import LoadCache
from isaccheck.read import limits
from isaccheck.sources import WorkingTreeSource

from .conftest import snapshot
from .test_examples import AS_OF_FOR
from .test_gitint import haven  # noqa: F401  (fixture)
from .test_gitrepo import git_env  # noqa: F401  (autouse fixture: git isolated from this machine)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.name for p in (ROOT / "evidence-examples").iterdir() if (p / "isac.yaml").exists())

MINUTES = "---\ntype: minutes\ndate: 2026-03-01\ntlp: AMBER\nattendees: [Alpha]\n---\n# Notes\n"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory of this test's own (outside the repositories it checks)."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("ISACCHECK_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts every real load of a Markdown file or sidecar, by path."""
    seen: Counter[str] = Counter()
    for name in ("load_markdown", "load_sidecar"):
        original = getattr(repository._Loader, name)

        def counting(self: Any, entry: Any, *args: Any, _original: Any = original) -> None:
            seen[entry.path] += 1
            _original(self, entry, *args)

        monkeypatch.setattr(repository._Loader, name, counting)
    return seen


def run(*args: str) -> bytes:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout_bytes


def load_files(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "load").glob("*.marshal")) if (cache_dir / "load").exists() else []


def cold_warm(cache_dir: Path, loads: Counter[str], *args: str) -> None:
    """The command's output from an empty cache, from the cache it left, and without a cache: equal."""
    shutil.rmtree(cache_dir, ignore_errors=True)
    cold = run(*args)
    assert load_files(cache_dir), "the cold run left a cache"
    loads.clear()
    warm = run(*args)
    assert sum(loads.values()) == 0, f"the warm run loaded {dict(loads)}"
    assert warm == cold
    assert run(*args, "--no-cache") == cold


# -- the same outputs, cold and warm -----------------------------------------------------------

@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_cold_and_warm_are_byte_identical(name: str, cache_dir: Path, loads: Counter[str]) -> None:
    folder = ROOT / "evidence-examples" / name
    before = snapshot(folder)
    as_of = AS_OF_FOR.get(name, "2026-11-28")
    cold_warm(cache_dir, loads, "check", str(folder), "--as-of", as_of, "--format", "json")
    for lang in ("nl", "en"):
        cold_warm(cache_dir, loads, "check", str(folder), "--as-of", as_of, "--lang", lang, "-v")
    cold_warm(cache_dir, loads, "tlp", str(folder), "--format", "json")
    assert snapshot(folder) == before  # the checked repository is never written


def red_bench(root: Path) -> Path:
    """A bench repository (bench/bench_check.py) with what makes output RED: a RED document, a
    frontmatter that does not parse (its label sniffed), bytes that are not text, a label that
    cannot be read, a RED sidecar."""
    import importlib.util

    # bench/ is no package: load its generator by path rather than putting bench/ on sys.path.
    spec = importlib.util.spec_from_file_location("bench_check", ROOT / "bench" / "bench_check.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.generate(root, 60)
    (root / "red.md").write_text(MINUTES.replace("AMBER", "RED") + "Only for those present.\n", encoding="utf-8")
    (root / "broken.md").write_text("---\ntype: minutes\ntlp: RED\ndate: [2026-01-01\n---\nsecret\n", encoding="utf-8")
    (root / "binary.md").write_bytes(b"---\ntype: minutes\ntlp: GREEN\n---\n\xff\xfe secret\n")
    (root / "unlabelled.md").write_text(MINUTES.replace("AMBER", "PURPLE"), encoding="utf-8")
    (root / "plan.pdf").write_bytes(b"%PDF-1.4 not really")
    (root / "plan.pdf.meta.yaml").write_text("type: annual-plan\nyear: 2026\ntlp: RED\ndate: 2026-01-05\n",
                                             encoding="utf-8")
    return root


def test_bench_repository_with_red_documents_cold_and_warm(tmp_path: Path, cache_dir: Path,
                                                          loads: Counter[str]) -> None:
    root = red_bench(tmp_path / "bench")
    for lang in ("en", "nl"):
        cold_warm(cache_dir, loads, "check", str(root), "--as-of", "2026-11-28", "--format", "json", "--lang", lang)
    cold_warm(cache_dir, loads, "check", str(root), "--as-of", "2026-11-28", "--tlp", "GREEN", "-v")
    cold_warm(cache_dir, loads, "report", str(root), "--year", "2026", "--as-of", "2026-11-28", "--format", "md",
              "-o", "-")
    cold_warm(cache_dir, loads, "tlp", str(root), "--format", "json")


def test_git_history_and_report_cold_and_warm(haven: dict[str, Any], cache_dir: Path, loads: Counter[str]) -> None:
    repo = str(haven["repo"])
    cold_warm(cache_dir, loads, "history", repo, "--format", "json")
    cold_warm(cache_dir, loads, "report", repo, "--year", "2025", "--format", "md", "-o", "-")
    cold_warm(cache_dir, loads, "check", repo, "--as-of", "2024-12-31", "--format", "json")
    cold_warm(cache_dir, loads, "check", repo, "--format", "json")


def test_a_hit_keeps_the_red_of_a_broken_file(make_repo: Any) -> None:
    """TLP fails closed also on a hit: the output label of a file that is not a document is cached."""
    root = make_repo({"m.md": "---\ntype: minutes\ntlp: RED\ndate: [unclosed\n---\nsecret\n"})
    cache = LoadCache()
    first = repository.load_repository(WorkingTreeSource(root), cache=cache)
    second = repository.load_repository(WorkingTreeSource(root), cache=cache)
    assert cache.hits == 1 and first.unloaded_tlp == second.unloaded_tlp == {"m.md": "RED"}


def test_an_oversize_file_is_never_a_hit(make_repo: Any) -> None:
    root = make_repo({"isaccheck.yaml": "max_file_size_kb: 1\n",
                      "m.md": MINUTES.replace("date: 2026", "date: [2026") + "x" * 3000})
    cache = LoadCache()
    first = repository.load_repository(WorkingTreeSource(root), cache=cache)
    second = repository.load_repository(WorkingTreeSource(root), cache=cache)
    assert cache.hits == 0 and first.findings == second.findings
    assert "too-large" in {f.code for f in second.findings} and second.unloaded_tlp == {"m.md": "RED"}


# -- what the key holds ------------------------------------------------------------------------

def warm_hits(root: Path) -> int:
    """Hits of a run against the cache an earlier run left (after saving this one's)."""
    cache = LoadCache.open(root, "check")
    repository.load_repository(WorkingTreeSource(root), cache=cache)
    cache.save()
    return cache.hits


def edited_copy(tmp_path: Path, relative: str) -> tuple[Path, Path]:
    """Copies of isaccheck's package and rule pack, with one of their files edited."""
    package, rules = loadcache.code_folders()
    copy = tmp_path / "code"
    shutil.copytree(package, copy / "isaccheck", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(rules, copy / "rules")
    with open(copy / relative, "a", encoding="utf-8") as handle:
        handle.write("\n")
    return copy / "isaccheck", copy / "rules"


@pytest.mark.parametrize("change", ["version", "module", "schema", "template", "rule", "limits", "metadata-limit",
                                    "python", "yaml", "library"])
def test_a_change_of_anything_loading_depends_on_is_a_cold_run(change: str, make_repo: Any, cache_dir: Path,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"m.md": MINUTES})
    assert warm_hits(root) == 0
    assert warm_hits(root) == 1  # unchanged: used
    files = {"module": "isaccheck/engine.py", "schema": "isaccheck/schemas/documents/minutes.schema.json",
             "template": "isaccheck/templates/report/report.html.j2", "rule": "rules/STR/STR-1.1.yaml"}
    if change == "version":
        monkeypatch.setattr(loadcache, "__version__", "99.0")
    elif change in files:
        relative = files[change]
        folder = loadcache.code_folders()[0 if relative.startswith("isaccheck/") else 1]
        assert (folder / relative.split("/", 1)[1]).is_file(), relative
        edited = edited_copy(tmp_path, relative)
        monkeypatch.setattr(loadcache, "code_folders", lambda: edited)
    elif change == "limits":
        monkeypatch.setattr(limits, "DEFAULT_LIMITS", limits.ReadLimits(max_pages=10))
    elif change == "metadata-limit":
        monkeypatch.setattr(repository, "METADATA_LIMIT", repository.METADATA_LIMIT // 2)
    elif change == "python":
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    elif change == "yaml":
        import yaml

        monkeypatch.setattr(yaml, "__version__", "0.0")
    elif change == "library":  # another library, or one installed elsewhere
        monkeypatch.setattr(loadcache, "LIBRARIES", (*loadcache.LIBRARIES, "json"))
    assert warm_hits(root) == 0


def test_changed_settings_content_and_infer_are_misses(make_repo: Any, cache_dir: Path) -> None:
    root = make_repo({"m.md": MINUTES})
    warm_hits(root)
    (root / "isaccheck.yaml").write_text("tlp:\n  required_for: []\n", encoding="utf-8")
    cache = LoadCache.open(root, "check")
    config = repository.parse_config((root / "isaccheck.yaml").read_text(encoding="utf-8"))
    repository.load_repository(WorkingTreeSource(root), config=config, cache=cache)
    assert cache.hits == 0
    cache = LoadCache.open(root, "check")
    repository.load_repository(WorkingTreeSource(root), config=config, cache=cache, infer=False)
    assert cache.hits == 0


# -- the working tree: stat data instead of reading ----------------------------------------------

@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    seen: Counter[str] = Counter()
    original = WorkingTreeSource.read

    def counting(self: WorkingTreeSource, path: str) -> bytes:
        seen[path] += 1
        return original(self, path)

    monkeypatch.setattr(WorkingTreeSource, "read", counting)
    return seen


def age(root: Path, seconds: int = 60) -> None:
    """Every file as written a minute ago (older than the racy window of the run that follows)."""
    for path in root.rglob("*"):
        if path.is_file():
            info = path.stat()
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - seconds * 10**9))


def backdate_listing(root: Path, seconds: int = 60) -> None:
    """As if the run that wrote the cache had listed the tree `seconds` later than it did: the
    files (changed just before the test) are then old enough to be trusted by their stamp."""
    (target,) = load_files(Path(os.environ["ISACCHECK_CACHE_DIR"]))
    (magic, env, listed_at, stamps, year_ends), *batches = loadcache.read_parts(target.read_bytes())
    loadcache.write_parts(target, (magic, env, listed_at + seconds * 10**9, stamps, year_ends), batches)


@pytest.mark.skipif(not loadcache.STAMPS, reason="stamps are used where ctime is the time of the last change")
def test_unchanged_files_are_not_read_again(make_repo: Any, cache_dir: Path, reads: Counter[str]) -> None:
    root = make_repo({"m.md": MINUTES, "a.md": MINUTES.replace("03-01", "04-01")})
    warm_hits(root)
    backdate_listing(root)
    reads.clear()
    cache = LoadCache.open(root, "check")
    repo = repository.load_repository(WorkingTreeSource(root), cache=cache)
    assert cache.stamp_hits == 2 and cache.hits == 2
    assert "m.md" not in reads and "a.md" not in reads
    assert [d.path for d in repo.documents] == ["a.md", "m.md"]


@pytest.mark.skipif(not loadcache.STAMPS, reason="stamps are used where ctime is the time of the last change")
def test_a_file_changed_behind_its_old_mtime_and_size_is_read(make_repo: Any, cache_dir: Path,
                                                              reads: Counter[str]) -> None:
    root = make_repo({"m.md": MINUTES})
    warm_hits(root)
    backdate_listing(root)
    path = root / "m.md"
    info = path.stat()
    path.write_text(MINUTES.replace("AMBER", "RED  "), encoding="utf-8")  # same size
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # and its old mtime: only ctime tells
    assert path.stat().st_size == info.st_size
    reads.clear()
    cache = LoadCache.open(root, "check")
    (doc,) = repository.load_repository(WorkingTreeSource(root), cache=cache).documents
    assert doc.tlp == "RED" and reads["m.md"] == 1 and cache.stamp_hits == 0


@pytest.mark.skipif(not loadcache.STAMPS, reason="stamps are used where ctime is the time of the last change")
def test_a_racily_clean_file_is_read(make_repo: Any, cache_dir: Path, reads: Counter[str]) -> None:
    """Changed within the racy window before the run that stamped it: read and digested again."""
    root = make_repo({"m.md": MINUTES})
    warm_hits(root)  # the file was written just now: inside the window
    reads.clear()
    cache = LoadCache.open(root, "check")
    repository.load_repository(WorkingTreeSource(root), cache=cache)
    assert reads["m.md"] == 1 and cache.stamp_hits == 0 and cache.hits == 1
    cache.save()  # stamped again by this run: trusted once that run is old enough
    backdate_listing(root)
    reads.clear()
    again = LoadCache.open(root, "check")
    repository.load_repository(WorkingTreeSource(root), cache=again)
    assert reads["m.md"] == 0 and again.stamp_hits == 1


# -- bounded, atomic, never in the way -----------------------------------------------------------

def test_the_file_holds_the_last_run_only(make_repo: Any, cache_dir: Path) -> None:
    root = make_repo({"m.md": MINUTES, "a.md": MINUTES.replace("03-01", "04-01")})
    warm_hits(root)
    (root / "a.md").unlink()
    warm_hits(root)
    (target,) = load_files(cache_dir)
    _, *batches = loadcache.read_parts(target.read_bytes())
    assert [key[0] for batch in batches for key, _ in batch] == ["m.md"]


def test_a_warm_run_writes_nothing(make_repo: Any, cache_dir: Path) -> None:
    root = make_repo({"m.md": MINUTES})
    age(root)
    warm_hits(root)
    backdate_listing(root)
    (target,) = load_files(cache_dir)
    written = target.stat().st_ino  # a write replaces the file: another inode
    assert warm_hits(root) == 1 and target.stat().st_ino == written


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", b"\xe9" * 3, "truncated", "wrong shape",
                                    "not marshal inside"])
def test_a_corrupt_cache_is_a_cold_run(damage: bytes | str, make_repo: Any, cache_dir: Path) -> None:
    root = make_repo({"m.md": MINUTES})
    expected = repository.load_repository(WorkingTreeSource(root))
    warm_hits(root)
    (target,) = load_files(cache_dir)
    if damage == "truncated":
        target.write_bytes(target.read_bytes()[:-40])
    elif damage == "wrong shape":
        header, *batches = loadcache.read_parts(target.read_bytes())
        loadcache.write_parts(target, header, [[(k, (1, 2)) for k, _ in batch] for batch in batches])
    elif damage == "not marshal inside":
        target.write_bytes(len(b"garbage").to_bytes(8, "little") + b"garbage")
    else:
        assert isinstance(damage, bytes)
        target.write_bytes(damage)
    cache = LoadCache.open(root, "check")
    repo = repository.load_repository(WorkingTreeSource(root), cache=cache)
    assert cache.hits == 0 and repo.documents == expected.documents and repo.findings == expected.findings
    cache.save()
    assert warm_hits(root) == 1  # and rewritten


def test_an_unwritable_cache_is_slower_not_wrong(make_repo: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"m.md": MINUTES})
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(blocker / "cache"))  # a folder that cannot be made
    out = run("check", str(root), "--as-of", "2026-11-28", "--format", "json")
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    assert run("check", str(root), "--as-of", "2026-11-28", "--format", "json") == out


def test_never_inside_the_checked_repository(make_repo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo({"m.md": MINUTES})
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(root / ".cache"))
    before = snapshot(root)
    run("check", str(root), "--as-of", "2026-11-28")
    assert snapshot(root) == before and LoadCache.open(root, "check").file is None


@pytest.mark.parametrize("how", ["option", "environment"])
def test_no_cache_neither_reads_nor_writes(how: str, make_repo: Any, cache_dir: Path,
                                           monkeypatch: pytest.MonkeyPatch, loads: Counter[str]) -> None:
    root = make_repo({"m.md": MINUTES})
    run("check", str(root), "--as-of", "2026-11-28")
    shutil.rmtree(cache_dir)
    extra = ["--no-cache"] if how == "option" else []
    if how == "environment":
        monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    for command in (["check", str(root)], ["tlp", str(root)], ["history", str(root)],
                    ["report", str(root), "-o", "-", "--format", "md"]):
        run(*command, *extra)
    assert not cache_dir.exists()
    if how == "option":  # for that one command only
        run("check", str(root))
        assert load_files(cache_dir)


def test_files_of_repositories_nobody_checked_for_a_month_are_removed(make_repo: Any, cache_dir: Path,
                                                                      tmp_path: Path) -> None:
    root = make_repo({"m.md": MINUTES})
    warm_hits(root)
    (own,) = load_files(cache_dir)
    old, recent = own.parent / "forgotten.marshal", own.parent / "recent.marshal"
    for path, days in ((old, 31), (recent, 29), (own, 40)):
        if path != own:
            path.write_bytes(b"")
        os.utime(path, (os.stat(path).st_atime, os.stat(path).st_mtime - days * 24 * 3600))
    assert warm_hits(root) == 1  # a warm run writes nothing, but marks its own file as used
    assert own.stat().st_mtime > recent.stat().st_mtime
    other = tmp_path / "other"
    shutil.copytree(root, other)
    warm_hits(other)  # a run that writes prunes
    assert own.exists() and recent.exists() and not old.exists() and len(load_files(cache_dir)) == 3


@pytest.mark.parametrize("was_on", [True, False])
def test_the_collector_is_as_it_was_after_reading_and_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              was_on: bool) -> None:
    import gc

    from isaccheck.loadcache import LoadCache

    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ISACCHECK_NO_CACHE", raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    (gc.enable if was_on else gc.disable)()
    try:
        cache = LoadCache.open(repo, "check")
        assert gc.isenabled() is was_on
        cache.dirty = True
        cache.save()
        assert cache.file is not None and cache.file.exists()
        assert gc.isenabled() is was_on
        LoadCache.open(repo, "check")  # now from the file written
        assert gc.isenabled() is was_on
    finally:
        gc.enable()
