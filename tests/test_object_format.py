"""Repositories made with `git init --object-format=sha256` (64-digit ids, 32-byte ids in tree
objects) give what the same documents give in a SHA-1 repository: the same check, history and
report, cold and warm, with only the commit ids differing (gitrepo.object_format)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import re
import subprocess

import pytest

from .test_gitint import build_haven
from .test_gitrepo import git, git_env, isolate_git, new_repo, opened  # noqa: F401  (git_env: autouse fixture)
from .test_loadcache_persist import cache_dir, loads, run  # noqa: F401  (fixtures)
from .test_yearends import evaluated  # noqa: F401  (fixture: the past year ends evaluated)

def _git_version() -> tuple[int, ...]:
    found = re.search(rb"(\d+)\.(\d+)", subprocess.run(["git", "--version"], capture_output=True, check=True).stdout)
    return tuple(int(part) for part in found.groups()) if found else (0, 0)


# `git init --object-format=sha256` came with git 2.29 (2020): an older git cannot make the
# repositories these tests compare; named as a skip, not a failure of isaccheck.
pytestmark = pytest.mark.skipif(_git_version() < (2, 29), reason="SHA-256 repositories need git 2.29 or later")

COMMANDS = (
    ("check", "--format", "json", "--lang", "en"),  # the working tree, with HEAD's history
    ("check", "--format", "json", "--lang", "nl", "--committed-only"),  # HEAD's tree from git
    ("check", "--format", "json", "--lang", "en", "--as-of", "2025-12-31"),  # a past commit's tree
    ("history", "--format", "json", "--lang", "en"),  # every year end through one cat-file (SharedTrees)
    ("report", "--year", "2025", "--format", "md", "--lang", "nl", "-o", "-"),  # a year and its trend
)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The haven example committed day by day, once in a SHA-1 and once in a SHA-256 repository."""
    made = {}
    for fmt in ("sha1", "sha256"):
        folder = tmp_path_factory.mktemp(fmt)
        with pytest.MonkeyPatch.context() as patch:
            isolate_git(folder, patch)
            made[fmt] = build_haven(folder, fmt)
    return made


def _as_sha256(out: bytes, both: dict[str, dict[str, Any]]) -> bytes:
    """A SHA-1 repository's output with each commit id (whole, 12 and 7 digits) as the SHA-256 one's."""
    pairs = [(both["sha1"]["shas"][day], both["sha256"]["shas"][day]) for day in both["sha1"]["shas"]]
    head1, head256 = (git(both[fmt]["repo"], "rev-parse", "HEAD") for fmt in ("sha1", "sha256"))
    pairs.append((head1, head256))
    for width in (None, 12, 7):
        for old, new in pairs:
            out = out.replace(old[:width].encode(), new[:width].encode())
    return out


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1] + c[-2:]))
def test_sha256_repository_gives_what_sha1_gives(command: tuple[str, ...], both: dict[str, dict[str, Any]],
                                                 cache_dir: Path, loads: Counter[str], evaluated: list[Any]) -> None:
    name, *options = command
    outputs: dict[str, bytes] = {}
    for fmt in ("sha1", "sha256"):
        args = (name, str(both[fmt]["repo"]), *options)
        cold = run(*args)
        assert bool(evaluated) == (name != "check")  # history and the trend evaluate past year ends
        loads.clear()
        evaluated.clear()
        warm = run(*args)
        assert sum(loads.values()) == 0, f"{fmt}: the warm run loaded {dict(loads)}"
        assert evaluated == [], f"{fmt}: the warm run evaluated year ends {evaluated} again"
        assert warm == cold, fmt
        assert run(*args, "--no-cache") == cold, fmt
        outputs[fmt] = cold
    assert all(len(sha) == 64 for sha in both["sha256"]["shas"].values())
    assert outputs["sha1"] != outputs["sha256"]  # commit ids are shown ...
    assert _as_sha256(outputs["sha1"], both) == outputs["sha256"]  # ... and are all that differs


def test_a_working_tree_file_is_keyed_by_its_sha256_blob_id(both: dict[str, dict[str, Any]], cache_dir: Path,
                                                            loads: Counter[str]) -> None:
    """The load cache keys a working-tree file by the id git gives it as a blob, in the repository's
    format: after a run over HEAD's tree, a run over the working tree loads only what differs from it."""
    repo = both["sha256"]["repo"]
    run("check", str(repo), "--committed-only", "--format", "json")
    loads.clear()
    run("check", str(repo), "--format", "json")
    assert dict(loads) == {"shared/2026-11-27-untracked.md": 1}


def test_object_format_of_a_repository_without_commits(tmp_path: Path) -> None:
    """Without HEAD to measure, git is asked (rev-parse --show-object-format)."""
    for fmt, size in (("sha1", 20), ("sha256", 32)):
        repo = opened(new_repo(tmp_path, fmt, fmt))
        assert repo.head() is None
        assert (repo.object_format, repo.id_bytes) == (fmt, size)


def test_digests_of_the_other_format_are_not_reused(tmp_path: Path, cache_dir: Path, loads: Counter[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder checked before it became a SHA-256 repository: the SHA-1 digests its files were
    stamped with are not taken as their ids (they would never meet a committed blob's id again)."""
    import shutil

    from isaccheck import loadcache

    folder = tmp_path / "archief"
    shutil.copytree(Path(__file__).resolve().parent.parent / "evidence-examples" / "haven-isac", folder)
    monkeypatch.setattr(loadcache, "RACY_NS", 0)  # stamps trusted at once (else only 3 s after a change)
    run("check", str(folder), "--format", "json")  # no git yet: SHA-1 digests, stamped
    git(folder, "init", "-q", "--object-format=sha256")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "archief")
    run("check", str(folder), "--format", "json")  # unchanged files, but keyed by their SHA-256 ids now
    loads.clear()
    run("check", str(folder), "--format", "json", "--committed-only")  # HEAD's blobs: every one a hit
    assert dict(loads) == {}


@pytest.mark.parametrize(("answer", "expected"), [(b"sha256\n", "sha256"), (b"sha1\n", "sha1"),
                                                  (b"--show-object-format\n", "sha1"),  # git before 2.29
                                                  (b"sha512\n", None)])
def test_object_format_as_git_answers(answer: bytes, expected: str | None, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from isaccheck import gitrepo
    from isaccheck.errors import GitError

    monkeypatch.setattr(gitrepo, "_run", lambda args, cwd, **kw: subprocess.CompletedProcess(args, 0, answer, b""))
    if expected is None:
        with pytest.raises(GitError, match="object format 'sha512', which isaccheck cannot read"):
            gitrepo.object_format(tmp_path)
    else:
        assert gitrepo.object_format(tmp_path) == expected
