"""The git layer, against real repositories built in tmp_path with fixed dates."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from isaccheck.gitrepo import (
    SHALLOW_HISTORY,
    GitError,
    GitRepo,
    ShallowCloneError,
    SignatureRef,
    open_repo,
)

ROOT = Path(__file__).resolve().parent.parent
D = dt.date


@pytest.fixture(autouse=True)
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make git independent of this machine's configuration and of any enclosing repo."""
    isolate_git(tmp_path, monkeypatch)


def isolate_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git_env's settings, also for a fixture of wider scope than one test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for var in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{var}_NAME", "Test Secretary")
        monkeypatch.setenv(f"GIT_{var}_EMAIL", "secretary@isac.example")
        monkeypatch.delenv(f"GIT_{var}_DATE", raising=False)


def git(repo: Path, *args: str, date: str | None = None, input: bytes | None = None) -> str:
    env = dict(os.environ)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=env, input=input, capture_output=True, check=True
    )
    return proc.stdout.decode().strip()


def write(repo: Path, path: str, text: str) -> None:
    full = repo / path
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_text(text)


def commit(repo: Path, date: str, message: str, **files: str) -> str:
    for key, text in files.items():
        *parts, ext = key.split("__")  # meetings__m1__md -> meetings/m1.md
        write(repo, "/".join(parts) + "." + ext, text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def new_repo(tmp_path: Path, name: str = "repo", object_format: str = "sha1") -> Path:
    """An empty repository; object_format "sha256" makes one with 64-digit ids (`git init --object-format`)."""
    repo = tmp_path / name
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main", f"--object-format={object_format}")
    return repo


def opened(path: Path) -> GitRepo:
    repo = open_repo(path)
    assert repo is not None
    return repo


# --------------------------------------------------------------------------- opening


def test_non_git_folder_is_none(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    assert open_repo(folder) is None
    assert open_repo(tmp_path / "does-not-exist") is None


def test_git_missing_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = new_repo(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert open_repo(repo) is None


def test_inside_dot_git_is_none(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    assert open_repo(repo / ".git") is None


def test_empty_repository_says_so(tmp_path: Path) -> None:
    repo = opened(new_repo(tmp_path))
    assert repo.head() is None
    assert repo.branch() == "main"
    assert not repo.is_detached()
    assert not repo.is_shallow()
    assert repo.commit_at(D(2030, 1, 1)) is None
    assert repo.history() == {}
    with pytest.raises(GitError, match="no commit HEAD"):
        repo.tree_source("HEAD")


# --------------------------------------------------------------------------- commit_at / tree_source


@pytest.fixture
def yearly(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Minutes and a policy over three years; the working tree moved on after the last."""
    repo = new_repo(tmp_path)
    shas = {
        "2021-06": commit(repo, "2021-06-15T10:00:00+02:00", "minutes june",
                          policy__md="v1\n", meetings__m1__md="june\n"),
        # 00:30 in Amsterdam on New Year's day is still 31 December in UTC.
        "2021-nye": commit(repo, "2022-01-01T00:30:00+01:00", "policy v2", policy__md="v2\n"),
        "2022-01": commit(repo, "2022-01-01T09:00:00+01:00", "policy v3", policy__md="v3\n"),
        "2022-05": commit(repo, "2022-05-01T12:00:00Z", "minutes may", meetings__m2__md="may\n"),
    }
    write(repo, "policy.md", "uncommitted v4\n")
    return repo, shas


def test_commit_at_year_ends(yearly: tuple[Path, dict[str, str]]) -> None:
    path, shas = yearly
    repo = opened(path)
    assert repo.commit_at(D(2020, 12, 31)) is None
    end_2021 = repo.commit_at(D(2021, 12, 31))
    assert end_2021 is not None
    assert end_2021.sha == shas["2021-nye"]
    assert end_2021.date == D(2021, 12, 31)  # UTC date
    assert end_2021.subject == "policy v2"
    end_2022 = repo.commit_at(D(2022, 12, 31))
    assert end_2022 is not None and end_2022.sha == shas["2022-05"]
    assert repo.commit_at(D(2021, 6, 15)).sha == shas["2021-06"]  # type: ignore[union-attr]
    assert repo.commit_at(D(2021, 6, 14)) is None


def test_tree_source_reads_old_content(yearly: tuple[Path, dict[str, str]]) -> None:
    path, shas = yearly
    repo = opened(path)
    at = repo.commit_at(D(2021, 12, 31))
    assert at is not None
    with repo.tree_source(at.sha) as source:
        assert source.label == f"commit {at.sha[:7]} (2021-12-31)"
        entries = list(source.entries())
        assert [e.path for e in entries] == ["meetings/m1.md", "policy.md"]
        assert all(e.kind == "file" for e in entries)
        assert entries[1].size == 3
        assert source.read("policy.md") == b"v2\n"
        assert source.read("meetings/m1.md") == b"june\n"
        with pytest.raises(FileNotFoundError):
            source.read("meetings/m2.md")
    assert (path / "policy.md").read_text() == "uncommitted v4\n"


def test_tree_source_unknown_commit_is_plain_error(yearly: tuple[Path, dict[str, str]]) -> None:
    repo = opened(yearly[0])
    with pytest.raises(GitError, match="there is no commit deadbeef"):
        repo.tree_source("deadbeef")


def test_tree_source_closes_its_process(yearly: tuple[Path, dict[str, str]]) -> None:
    repo = opened(yearly[0])
    with repo.tree_source("HEAD") as source:
        source.read("policy.md")
        proc = source._cat._proc  # type: ignore[union-attr]
    assert proc.returncode is not None
    # Not closed at all: garbage collection stops the process.
    source = repo.tree_source("HEAD")
    source.read("policy.md")
    proc = source._cat._proc  # type: ignore[union-attr]
    del source
    gc.collect()
    assert proc.returncode is not None
    # Reading after close starts a fresh process rather than failing.
    source = repo.tree_source("HEAD")
    source.close()
    assert source.read("policy.md") == b"v3\n"
    source.close()


def test_tree_source_reads_many_blobs(tmp_path: Path) -> None:
    repo_path = new_repo(tmp_path)
    files = {f"docs__d{i:03}__md": f"document {i}\n" * (i % 7 + 1) for i in range(150)}
    files["big__bin"] = "x" * 200_000  # larger than a pipe buffer
    commit(repo_path, "2022-01-01T00:00:00Z", "many", **files)
    with opened(repo_path).tree_source("HEAD") as source:
        entries = list(source.entries())
        assert len(entries) == 151
        for entry in entries:
            data = source.read(entry.path)
            assert len(data) == entry.size
            assert data == (repo_path / entry.path).read_bytes()
        paths = [e.path for e in entries]
        many = source.read_many(paths + paths[:3])  # duplicates are read once
        assert list(many) == paths
        assert all(many[p] == (repo_path / p).read_bytes() for p in paths)
        with pytest.raises(FileNotFoundError):
            source.read_many(["docs/d000.md", "nope.md"])
        # A failing pipelined read must not hang: every answer is read (a missing object is one
        # line), so git stays in step with us and the same process serves the next read.
        cat = source._catfile()
        with pytest.raises(GitError):
            cat.read_many(["0" * 40] + [source._load().blobs[p] for p in paths])
        assert cat.alive and source._catfile() is cat
        assert source.read("docs/d001.md") == (repo_path / "docs/d001.md").read_bytes()


# --------------------------------------------------------------------------- symbolic links


def test_symlinks_in_a_commit(tmp_path: Path) -> None:
    repo_path = new_repo(tmp_path)
    write(repo_path, "docs/policy.md", "the policy\n")
    write(repo_path, "docs/sub/note.md", "note\n")
    links = {
        "inside.md": "docs/policy.md",
        "docs/sub/up.md": "../policy.md",
        "chain.md": "inside.md",
        "via-dir.md": "docdir/policy.md",
        "docdir": "docs",
        "outside.md": "../outside-secret.md",
        "absolute.md": "/etc/passwd",
        "dangling.md": "docs/nope.md",
        "loop-a.md": "loop-b.md",
        "loop-b.md": "loop-a.md",
        "file-as-dir.md": "docs/policy.md/x",
    }
    (tmp_path / "outside-secret.md").write_text("secret\n")
    for link, target in links.items():
        os.symlink(target, repo_path / link)
    commit(repo_path, "2022-01-01T00:00:00Z", "links")
    with opened(repo_path).tree_source("HEAD") as source:
        kinds = {e.path: (e.kind, e.size) for e in source.entries()}
        assert kinds["inside.md"] == ("file", 11)
        assert kinds["docs/sub/up.md"] == ("file", 11)
        assert kinds["chain.md"] == ("file", 11)
        assert kinds["via-dir.md"] == ("file", 11)
        assert kinds["docdir"][0] == "other"
        assert kinds["outside.md"][0] == "symlink-outside"
        assert kinds["absolute.md"][0] == "symlink-outside"
        assert kinds["dangling.md"][0] == "symlink-broken"
        assert kinds["loop-a.md"][0] == "symlink-broken"
        assert kinds["file-as-dir.md"][0] == "symlink-broken"
        assert source.read("inside.md") == b"the policy\n"
        assert source.read("chain.md") == b"the policy\n"
        assert source.read("via-dir.md") == b"the policy\n"
        with pytest.raises(PermissionError):
            source.read("outside.md")
        with pytest.raises(FileNotFoundError):
            source.read("dangling.md")


def test_submodule_is_other(tmp_path: Path) -> None:
    inner = new_repo(tmp_path, "inner")
    commit(inner, "2022-01-01T00:00:00Z", "inner", a__md="a\n")
    repo_path = new_repo(tmp_path)
    sha = git(inner, "rev-parse", "HEAD")
    # A gitlink entry without cloning anything: what a commit with a submodule holds.
    git(repo_path, "update-index", "--add", "--cacheinfo", f"160000,{sha},vendor")
    git(repo_path, "commit", "-q", "-m", "submodule", date="2022-01-02T00:00:00Z")
    with opened(repo_path).tree_source("HEAD") as source:
        assert [(e.path, e.kind) for e in source.entries()] == [("vendor", "other")]


# --------------------------------------------------------------------------- subfolder


def test_checked_subfolder_keeps_paths_relative(tmp_path: Path) -> None:
    repo_path = new_repo(tmp_path)
    commit(repo_path, "2020-01-01T00:00:00Z", "one",
           isac__policy__md="p\n", other__x__md="x\n", isac__meetings__m__md="m\n")
    os.symlink("../other/x.md", repo_path / "isac" / "leaves.md")
    commit(repo_path, "2021-01-01T00:00:00Z", "two", isac__policy__md="p2\n")
    write(repo_path, "isac/new.md", "new\n")
    write(repo_path, "other/new.md", "new\n")
    repo = opened(repo_path / "isac")
    assert repo.prefix == "isac/"
    assert repo.top == repo_path.resolve()
    with repo.tree_source("HEAD") as source:
        kinds = {e.path: e.kind for e in source.entries()}
        assert kinds == {"leaves.md": "symlink-outside", "meetings/m.md": "file", "policy.md": "file"}
        assert source.read("policy.md") == b"p2\n"
    history = repo.history()
    assert set(history) == {"leaves.md", "meetings/m.md", "policy.md"}
    assert history["policy.md"].first_date == D(2020, 1, 1)
    assert history["policy.md"].last_date == D(2021, 1, 1)
    assert repo.uncommitted_paths() == ([], ["new.md"])


def test_subfolder_missing_at_old_commit_is_empty(tmp_path: Path) -> None:
    repo_path = new_repo(tmp_path)
    first = commit(repo_path, "2020-01-01T00:00:00Z", "one", readme__md="r\n")
    commit(repo_path, "2021-01-01T00:00:00Z", "two", isac__policy__md="p\n")
    with opened(repo_path / "isac").tree_source(first) as source:
        assert list(source.entries()) == []


# --------------------------------------------------------------------------- history


def test_history_first_and_last(tmp_path: Path) -> None:
    repo_path = new_repo(tmp_path)
    c1 = commit(repo_path, "2019-03-01T10:00:00Z", "add policy", policy__md="v1\n", gone__md="g\n")
    c2 = commit(repo_path, "2020-03-01T10:00:00Z", "add charter", charter__md="c\n")
    c3 = commit(repo_path, "2021-03-01T10:00:00Z", "policy v2", policy__md="v2\n")
    git(repo_path, "mv", "charter.md", "charter-2021.md")
    c4 = commit(repo_path, "2021-09-01T10:00:00Z", "rename charter")
    (repo_path / "gone.md").unlink()
    commit(repo_path, "2022-01-01T10:00:00Z", "remove gone")
    c6 = commit(repo_path, "2022-06-01T10:00:00Z", "policy v3", policy__md="v3\n")
    history = opened(repo_path).history()
    assert set(history) == {"policy.md", "charter-2021.md"}
    policy = history["policy.md"]
    assert (policy.first_commit, policy.first_date) == (c1, D(2019, 3, 1))
    assert (policy.last_commit, policy.last_date) == (c6, D(2022, 6, 1))
    charter = history["charter-2021.md"]  # a rename is followed: first added as charter.md
    assert (charter.first_commit, charter.first_date) == (c2, D(2020, 3, 1))
    assert charter.last_commit == c4
    # As of an older revision, the facts are those of that revision.
    old = opened(repo_path).history(c3)
    assert set(old) == {"policy.md", "charter.md", "gone.md"}
    assert old["charter.md"].first_commit == c2
    assert old["policy.md"].last_commit == c3


def test_history_deleted_and_added_again_counts_from_readdition(tmp_path: Path) -> None:
    repo_path = new_repo(tmp_path)
    commit(repo_path, "2019-01-01T00:00:00Z", "add", doc__md="1\n", keep__md="k\n")
    (repo_path / "doc.md").unlink()
    commit(repo_path, "2020-01-01T00:00:00Z", "delete")
    again = commit(repo_path, "2021-01-01T00:00:00Z", "again", doc__md="2\n")
    history = opened(repo_path).history()
    assert history["doc.md"].first_commit == again
    assert history["doc.md"].first_date == D(2021, 1, 1)


def test_history_merge_counts_when_it_lands(tmp_path: Path) -> None:
    """A document written on a side branch in 2019 but merged in 2023 counts from 2023."""
    repo_path = new_repo(tmp_path)
    commit(repo_path, "2018-01-01T00:00:00Z", "base", isac__base__md="b\n")
    git(repo_path, "checkout", "-q", "-b", "draft")
    commit(repo_path, "2019-01-01T00:00:00Z", "draft guideline", isac__guideline__md="g\n")
    git(repo_path, "checkout", "-q", "main")
    commit(repo_path, "2020-01-01T00:00:00Z", "main work", isac__base__md="b2\n")
    git(repo_path, "merge", "-q", "--no-ff", "draft", "-m", "adopt guideline",
        date="2023-01-01T00:00:00Z")
    merge = git(repo_path, "rev-parse", "HEAD")
    for folder in (repo_path, repo_path / "isac"):  # with and without a path limit
        history = opened(folder).history()
        key = "guideline.md" if folder.name == "isac" else "isac/guideline.md"
        assert history[key].first_commit == merge
        assert history[key].first_date == D(2023, 1, 1)
        base = history[key.replace("guideline", "base")]
        assert base.first_date == D(2018, 1, 1) and base.last_date == D(2020, 1, 1)


def test_shallow_clone_detected(tmp_path: Path) -> None:
    origin = new_repo(tmp_path, "origin")
    commit(origin, "2020-01-01T00:00:00Z", "one", a__md="1\n")
    commit(origin, "2021-01-01T00:00:00Z", "two", a__md="2\n")
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(tmp_path / "shallow")],
                   check=True, capture_output=True)
    repo = opened(tmp_path / "shallow")
    assert repo.is_shallow()
    with pytest.raises(ShallowCloneError) as caught:
        repo.history()
    assert caught.value.text == SHALLOW_HISTORY
    assert "fetch-depth: 0" in str(caught.value) and "GIT_DEPTH: 0" in str(caught.value)
    assert "ondiepe kloon" in SHALLOW_HISTORY.nl
    assert isinstance(caught.value, GitError)
    assert not opened(origin).is_shallow()


def test_detached_head_works(yearly: tuple[Path, dict[str, str]]) -> None:
    path, shas = yearly
    git(path, "stash", "-q")  # the fixture left an edit; detaching needs a clean tree
    git(path, "checkout", "-q", "--detach", shas["2022-01"])
    repo = opened(path)
    assert repo.is_detached()
    assert repo.branch() is None
    assert repo.head() == shas["2022-01"]
    assert repo.commit_at(D(2030, 1, 1)).sha == shas["2022-01"]  # type: ignore[union-attr]
    assert repo.history()["policy.md"].last_commit == shas["2022-01"]


# --------------------------------------------------------------------------- working tree


def test_uncommitted_and_untracked(tmp_path: Path) -> None:
    repo_path = new_repo(tmp_path)
    commit(repo_path, "2020-01-01T00:00:00Z", "one",
           a__md="a\n", b__md="b\n", c__md="c\n", d__md="d\n", e__md="e\n")
    write(repo_path, "a.md", "changed\n")  # unstaged edit
    write(repo_path, "b.md", "staged\n")
    git(repo_path, "add", "b.md")
    git(repo_path, "mv", "c.md", "renamed c.md")  # staged rename, with a space
    (repo_path / "d.md").unlink()
    write(repo_path, "new/deep/x.md", "x\n")
    write(repo_path, "staged-new.md", "n\n")
    git(repo_path, "add", "staged-new.md")
    write(repo_path, ".gitignore", "*.tmp\n")
    write(repo_path, "ignored.tmp", "i\n")
    changed, untracked = opened(repo_path).uncommitted_paths()
    assert changed == ["a.md", "b.md", "c.md", "d.md", "renamed c.md", "staged-new.md"]
    assert untracked == [".gitignore", "new/deep/x.md"]


def test_clean_tree_has_nothing_uncommitted(yearly: tuple[Path, dict[str, str]]) -> None:
    path, _ = yearly
    git(path, "checkout", "-q", "--", "policy.md")
    assert opened(path).uncommitted_paths() == ([], [])


# --------------------------------------------------------------------------- signatures

# Skipped only by hand: .ci/run sets ISACCHECK_REQUIRE_SSH=1, and then a missing ssh-keygen fails these tests.
needs_ssh = pytest.mark.skipif(shutil.which("ssh-keygen") is None and not os.environ.get("ISACCHECK_REQUIRE_SSH"),
                               reason="ssh-keygen is not installed (set ISACCHECK_REQUIRE_SSH=1 to make this a failure)")


@pytest.fixture(params=["sha1", "sha256"])
def signed(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """Signed and unsigned commits and tags; in a SHA-1 and in a SHA-256 repository (64-digit ids)."""
    repo = new_repo(tmp_path, object_format=request.param)
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("alice", "mallory"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name,
                        "-f", str(keys / name)], check=True, capture_output=True)
    alice_pub = (keys / "alice.pub").read_text().strip()
    write(repo, "governance/allowed_signers", f"alice@isac.example {alice_pub}\n")

    def signed_commit(key: str, message: str, date: str) -> str:
        git(repo, "add", "-A")
        git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys / key}",
            "commit", "-q", "--allow-empty", "-S", "-m", message, date=date)
        return git(repo, "rev-parse", "HEAD")

    write(repo, "guidelines.md", "membership guidelines\n")
    shas = {"alice": signed_commit("alice", "guidelines adopted", "2022-03-01T10:00:00Z")}
    shas["mallory"] = signed_commit("mallory", "guidelines v2", "2022-04-01T10:00:00Z")
    shas["unsigned"] = commit(repo, "2022-05-01T10:00:00Z", "unsigned")
    body = git(repo, "cat-file", "commit", shas["alice"]) + "\n"
    shas["tampered"] = git(repo, "hash-object", "-t", "commit", "-w", "--stdin",
                           input=body.replace("guidelines adopted", "guidelines rejected").encode())
    for name, key in (("v-alice", "alice"), ("v-mallory", "mallory")):
        git(repo, "-c", "gpg.format=ssh", "-c", f"user.signingkey={keys / key}",
            "tag", "-s", "-m", name, name, shas["alice"])
    git(repo, "tag", "-a", "-m", "annotated", "v-annotated", shas["alice"])
    git(repo, "tag", "v-light", shas["alice"])
    shas["repo"] = str(repo)
    return shas


@needs_ssh
def test_signatures(signed: dict[str, str]) -> None:
    repo = opened(Path(signed["repo"]))
    refs = {
        "verified": SignatureRef("commit", signed["alice"]),
        "short": SignatureRef("commit", signed["alice"][:10]),
        "key-unknown": SignatureRef("commit", signed["mallory"]),
        "unverified": SignatureRef("commit", signed["unsigned"]),
        "missing": SignatureRef("commit", "0123456789abcdef" * (len(signed["alice"]) // 16)),
        "not-a-sha": SignatureRef("commit", "HEAD~1"),
        "bad": SignatureRef("commit", signed["tampered"]),
        "tag-verified": SignatureRef("tag", "v-alice"),
        "tag-key-unknown": SignatureRef("tag", "v-mallory"),
        "tag-annotated": SignatureRef("tag", "v-annotated"),
        "tag-light": SignatureRef("tag", "v-light"),
        "tag-missing": SignatureRef("tag", "v-nope"),
    }
    results = repo.verify_signatures(list(refs.values()), Path("governance/allowed_signers"))
    status = {name: results[ref].status for name, ref in refs.items()}
    assert status == {
        "verified": "verified", "short": "verified", "key-unknown": "key-unknown",
        "unverified": "unverified", "missing": "missing", "not-a-sha": "missing", "bad": "bad",
        "tag-verified": "verified", "tag-key-unknown": "key-unknown",
        "tag-annotated": "unverified", "tag-light": "unverified", "tag-missing": "missing",
    }
    assert results[refs["verified"]].signer == "alice@isac.example"
    assert results[refs["verified"]].key and results[refs["verified"]].key.startswith("SHA256:")
    assert results[refs["tag-verified"]].signer == "alice@isac.example"
    assert results[refs["key-unknown"]].signer is None
    for check in results.values():
        assert check.detail.en and check.detail.nl


@needs_ssh
def test_signatures_without_allowed_signers_are_never_verified(signed: dict[str, str]) -> None:
    repo = opened(Path(signed["repo"]))
    ref = SignatureRef("commit", signed["alice"])
    assert repo.verify_signatures([ref], None)[ref].status == "key-unknown"
    assert repo.verify_signatures([], None) == {}


@needs_ssh
def test_allowed_signers_must_be_inside(signed: dict[str, str], tmp_path: Path) -> None:
    repo = opened(Path(signed["repo"]))
    ref = SignatureRef("commit", signed["alice"])
    outside = tmp_path / "allowed"
    outside.write_text("")
    with pytest.raises(GitError, match="outside the repository"):
        repo.verify_signatures([ref], outside)
    with pytest.raises(GitError, match="outside the repository"):
        repo.verify_signatures([ref], Path("../allowed"))
    with pytest.raises(GitError, match="does not exist"):
        repo.verify_signatures([ref], Path("governance/nope"))


# --------------------------------------------------------------------------- read-only


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file and folder (.git included): content hash, mode and modification time."""
    found: dict[str, tuple[str, int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            full = Path(dirpath) / name
            st = full.lstat()
            digest = ""
            if full.is_symlink():
                digest = os.readlink(full)
            elif full.is_file():
                digest = hashlib.sha256(full.read_bytes()).hexdigest()
            found[str(full.relative_to(folder))] = (digest, st.st_mode, st.st_mtime_ns)
    return found


@needs_ssh
def test_repository_is_byte_identical_after_every_operation(signed: dict[str, str]) -> None:
    path = Path(signed["repo"])
    write(path, "guidelines.md", "an uncommitted edit\n")  # status must not refresh the index
    write(path, "draft.md", "untracked\n")
    os.utime(path / "guidelines.md", (1_600_000_000, 1_600_000_000))
    before = snapshot(path)
    repo = opened(path)
    repo.is_shallow(), repo.head(), repo.is_detached(), repo.branch()
    at = repo.commit_at(D(2022, 12, 31))
    assert at is not None
    with repo.tree_source(at.sha) as source:
        for entry in source.entries():
            source.read(entry.path)
    repo.uncommitted_paths()
    repo.history()
    repo.verify_signatures(
        [SignatureRef("commit", signed["alice"]), SignatureRef("tag", "v-alice")],
        Path("governance/allowed_signers"),
    )
    assert snapshot(path) == before


# --------------------------------------------------------------------------- benchmark generator


def test_bench_generator_tiny(tmp_path: Path) -> None:
    target = tmp_path / "bench-repo"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_git_repo.py"), str(target),
         "--files", "50", "--commits", "200"],
        check=True, capture_output=True,
    )
    repo = opened(target)
    count = int(git(target, "rev-list", "--count", "HEAD"))
    assert 200 <= count <= 210  # merges come on top of the requested commits
    history = repo.history()
    with repo.tree_source("HEAD") as source:
        paths = [e.path for e in source.entries()]
        assert len(paths) == 51  # 50 documents and isac.yaml
        assert set(paths) == set(history)
        assert source.read("isac.yaml").startswith(b"isac:\n")
        assert source.read(paths[0]).startswith(b"---\n")
    assert repo.uncommitted_paths() == ([], [])


def test_bench_floor_reports_cpu_seconds() -> None:
    """bench_floor.py prints each run's CPU seconds beside wall time (steadier on a shared machine)."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_floor.py"), "--sizes", "20", "--repeat", "1"],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    assert out[0].split()[-4:] == ["cpu", "s", "x", "floor"]
    rows = {line.split()[1]: line.split() for line in out[1:]}
    assert set(rows) == {"floor", "isaccheck"}
    assert all(len(row) == 8 and 0 < float(row[6]) < 60 for row in rows.values())
    assert rows["floor"][7] == "1.00"


def test_bench_generator_archive_churn(tmp_path: Path) -> None:
    """--churn archive: written-once documents change only within a month of being added; the
    living ones (policies, guidelines) change over the years; uniform (the default) does neither."""
    changes: dict[str, dict[str, list[int]]] = {}
    for churn in ("archive", "uniform"):
        target = tmp_path / churn
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_git_repo.py"), str(target), "--files", "60",
                        "--commits", "400", "--churn", churn], check=True, capture_output=True)
        times: dict[str, list[int]] = {}
        when = 0
        for line in git(target, "log", "--first-parent", "--no-renames", "--format=@%ct", "--name-only").splitlines():
            if line.startswith("@"):
                when = int(line[1:])
            elif line:
                times.setdefault(line, []).append(when)
        changes[churn] = times
        assert len([p for p in times if p.endswith(".md")]) >= 60

    def late(times: dict[str, list[int]], living: bool) -> int:
        return sum(1 for path, t in times.items() if path.endswith(".md")
                   and path.startswith(("policies/", "guidelines/")) == living and max(t) - min(t) > 31 * 86400)
    assert late(changes["archive"], living=False) == 0 and late(changes["uniform"], living=False) > 0
    assert late(changes["archive"], living=True) > 0


def test_history_follows_a_chain_of_moves(tmp_path: Path) -> None:
    """An archive reorganised twice (issue 10): each file keeps the commit that first added it."""
    repo_path = new_repo(tmp_path)
    c1 = commit(repo_path, "2019-03-01T10:00:00Z", "add", notulen__md="minutes of 2019 with enough text to be similar\n")
    (repo_path / "archief").mkdir()
    git(repo_path, "mv", "notulen.md", "archief/notulen.md")
    commit(repo_path, "2024-01-01T10:00:00Z", "reorganise")
    git(repo_path, "mv", "archief/notulen.md", "archief/notulen-2019.md")
    c3 = commit(repo_path, "2025-01-01T10:00:00Z", "rename")
    history = opened(repo_path).history()
    fact = history["archief/notulen-2019.md"]
    assert (fact.first_commit, fact.first_date, fact.last_commit) == (c1, D(2019, 3, 1), c3)
    assert set(history) == {"archief/notulen-2019.md"}


def test_a_git_tree_reads_text_by_blob_id_and_keeps_the_caches_out_of_the_repository(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 10: read_document gets the git blob id (no hashing) and the repository's root (the
    caches stay out of it even when ISACCHECK_CACHE_DIR points inside it)."""
    import isaccheck.repository as repository
    from isaccheck.repository import load_repository
    from tests.conftest import snapshot

    repo = new_repo(tmp_path)
    commit(repo, "2026-06-01T12:00:00+00:00", "archive", isac__yaml="isac:\n  name: Git-ISAC\n  language: en\n",
           minutes__notes__md="# Minutes\n\nMeeting Date: May 29, 2026\n")
    monkeypatch.setenv("ISACCHECK_CACHE_DIR", str(repo / ".cache"))
    monkeypatch.delenv("ISACCHECK_NO_CACHE", raising=False)
    seen: list[tuple[str, str | None, str | None]] = []
    real = repository.read_document

    def spy(path: str, data: bytes, **kwargs: object) -> object:
        seen.append((path, kwargs.get("blob_id"), kwargs.get("repo_root")))  # type: ignore[arg-type]
        return real(path, data, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(repository, "read_document", spy)
    git_repo = open_repo(repo)
    assert git_repo is not None
    before = snapshot(repo)
    with git_repo.tree_source("HEAD") as source:
        loaded = load_repository(source)
    assert [d.date for d in loaded.documents] == [D(2026, 5, 29)]
    blob = git(repo, "rev-parse", "HEAD:minutes/notes.md")
    assert seen == [("minutes/notes.md", blob, str(repo))]
    assert snapshot(repo) == before


# --------------------------------------------------------------------------- many year ends at once


def test_first_parent_line_gives_what_commit_at_gives(tmp_path: Path) -> None:
    """One `git log` for every year end (history, the report's trend) answers as `commit_at` and
    `first_commit` do, also for a commit whose clock was set back and for a merged side branch."""
    repo_path = new_repo(tmp_path)
    commit(repo_path, "2020-03-01T10:00:00Z", "first", a__md="1\n")
    commit(repo_path, "2021-12-31T23:30:00Z", "late on new year's eve", a__md="2\n")
    commit(repo_path, "2021-06-01T10:00:00Z", "clock set back", a__md="3\n")  # newer, but dated earlier
    git(repo_path, "checkout", "-q", "-b", "side")
    commit(repo_path, "2019-05-01T10:00:00Z", "side branch, old date", b__md="s\n")
    git(repo_path, "checkout", "-q", "main")
    commit(repo_path, "2022-02-01T10:00:00Z", "main moves on", a__md="4\n")
    git(repo_path, "merge", "-q", "--no-ff", "-m", "merge side", "side", date="2023-01-01T00:00:01Z")
    repo = opened(repo_path)
    line = repo.first_parent_line()
    days = [D(y, m, d) for y in range(2018, 2025) for m, d in ((1, 1), (6, 1), (12, 31))]
    days += [D(2021, 12, 31), D(2021, 5, 31), D(2019, 5, 1), D(2023, 1, 1), D(2022, 12, 31)]
    assert [line.at(d) for d in days] == [repo.commit_at(d) for d in days]
    assert line.at(D(2021, 12, 31)) is not None and line.at(D(2021, 12, 31)).subject == "clock set back"  # type: ignore[union-attr]
    assert line.at(D(2019, 12, 31)) is None  # the side branch's old commit is not on the line
    assert line.first() == repo.first_commit() and line.first() is not None


def test_first_parent_line_of_an_empty_repository(tmp_path: Path) -> None:
    repo = opened(new_repo(tmp_path))
    line = repo.first_parent_line()
    assert line.at(D(2030, 1, 1)) is None and line.first() is None


@pytest.mark.parametrize("subtrees", [True, False])
@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_trees_read_through_one_catfile_are_the_plain_listing(tmp_path: Path, object_format: str, subtrees: bool,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Trees read folder by folder through the command's one cat-file (SharedTrees) are what
    `ls-tree -r -l` gives: links, a submodule, odd names and a checked subfolder included, and a
    subfolder missing at a commit is empty; a folder or size seen at an earlier commit is not asked again.
    In a SHA-256 repository too, whose tree objects hold 32-byte ids (asked of git when not given).
    Listed folder by folder (gitrepo.SUBTREES) or flattened, the plain way, which a tree with a link takes."""
    from isaccheck import gitrepo
    from isaccheck.gitrepo import GitTreeSource, SharedTrees

    monkeypatch.setattr(gitrepo, "SUBTREES", subtrees)

    inner = new_repo(tmp_path, "inner", object_format)
    commit(inner, "2022-01-01T00:00:00Z", "inner", a__md="a\n")
    repo_path = new_repo(tmp_path, object_format=object_format)
    before = commit(repo_path, "2021-01-01T00:00:00Z", "zero", readme__md="r\n")
    first = commit(repo_path, "2022-01-01T00:00:00Z", "one", isac__policy__md="p" * 70_000,
                   isac__m__md="m\n", isac__empty__md="", isac__old__x__md="old\n")
    write(repo_path, "isac/with space/ü \\ name.md", "odd\n")
    os.symlink("policy.md", repo_path / "isac" / "link.md")
    os.symlink("../outside.md", repo_path / "isac" / "out.md")
    os.symlink("old", repo_path / "isac" / "folder-link")
    git(repo_path, "update-index", "--add", "--cacheinfo", f"160000,{git(inner, 'rev-parse', 'HEAD')},isac/vendor")
    second = commit(repo_path, "2023-01-01T00:00:00Z", "two", isac__m__md="m2\n")
    for folder in (repo_path, repo_path / "isac"):
        repo = opened(folder)
        assert repo.object_format == object_format and len(before) == repo.id_bytes * 2
        shared = SharedTrees(repo.top, repo.id_bytes) if folder == repo_path else SharedTrees(repo.top)
        assert shared.id_bytes == repo.id_bytes
        for sha in (before, first, second, first):
            with repo.tree_source(sha) as plain, GitTreeSource(repo.top, repo.prefix, sha, shared=shared) as read:
                assert list(read.entries()) == list(plain.entries())
                assert read._load().blobs == plain._load().blobs
                for path in read._load().blobs:
                    assert read.read(path) == plain.read(path)
        assert shared.sizes[git(repo_path, "rev-parse", f"{second}:isac/policy.md")] == 70_000
        assert git(repo_path, "rev-parse", f"{second}:isac/m.md") not in shared.sizes  # not in the tree listed last
        old_folder = git(repo_path, "rev-parse", f"{second}:isac/old")
        if subtrees:  # the tree listed last, `first`, has no link: listed folder by folder, by path and id
            below = "isac/old/" if folder == repo_path else "old/"
            assert (below, old_folder) in shared.records and not shared.folders
            shared.close()
            continue
        assert old_folder in shared.folders  # read once, at the first commit that had it
        if folder == repo_path:  # kept while in the tree listed last, with the folders in it
            assert shared.inside[git(repo_path, "rev-parse", f"{first}:isac")] == (old_folder,)
            assert git(repo_path, "rev-parse", f"{second}:isac") not in shared.folders  # not in it: dropped
        shared.close()
    # What is remembered is used: a planted size and a planted folder show through.
    shared = SharedTrees(repo.top)
    shared.sizes[git(repo_path, "rev-parse", f"{second}:isac/policy.md")] = 12
    shared.folders[old_folder] = (("planted.md", "100644", git(repo_path, "rev-parse", f"{second}:isac/m.md")),)
    shared.inside[old_folder] = ()
    with GitTreeSource(repo.top, repo.prefix, second, shared=shared) as read:
        sizes = {e.path: e.size for e in read.entries()}
        assert sizes["policy.md"] == 12 and "old/planted.md" in sizes and "old/x.md" not in sizes
    shared.close()
    with pytest.raises(GitError):
        with GitTreeSource(repo_path, "", "0" * len(before), shared=SharedTrees(repo_path)) as read:
            list(read.entries())


def test_a_damaged_tree_object_is_a_git_error(tmp_path: Path) -> None:
    """A tree object cut short (written with --literally) stops the listing with GitError, as ls-tree would."""
    from isaccheck.gitrepo import GitTreeSource, SharedTrees

    repo_path = new_repo(tmp_path)
    commit(repo_path, "2022-01-01T00:00:00Z", "one", a__md="a\n")
    blob = git(repo_path, "rev-parse", "HEAD:a.md")
    good = f"100644 a.md\0".encode() + bytes.fromhex(blob)
    for damaged in (good[:-25], b"1006x4 a.md\0" + bytes.fromhex(blob)):
        tree = git(repo_path, "hash-object", "-t", "tree", "--literally", "-w", "--stdin", input=damaged)
        sha = git(repo_path, "commit-tree", tree, "-m", "damaged", date="2022-02-01T00:00:00Z")
        with GitTreeSource(repo_path, "", sha, shared=SharedTrees(repo_path)) as read:
            with pytest.raises(GitError):
                list(read.entries())


@pytest.mark.parametrize("by_folder", [True, False], ids=["folder-by-folder", "plain"])
def test_a_damaged_folder_below_the_top_names_its_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        by_folder: bool) -> None:
    """A damaged tree object one level down (not the top's): the same error, naming the commit, whether
    SharedTrees lists folder by folder (gitrepo.SUBTREES) or the plain, flattening way."""
    from isaccheck import gitrepo
    from isaccheck.gitrepo import GitTreeSource, SharedTrees

    monkeypatch.setattr(gitrepo, "SUBTREES", by_folder)
    repo_path = new_repo(tmp_path)
    commit(repo_path, "2022-01-01T00:00:00Z", "one", a__md="a\n")
    blob = git(repo_path, "rev-parse", "HEAD:a.md")
    inner = git(repo_path, "hash-object", "-t", "tree", "--literally", "-w", "--stdin",
                input=b"1006x4 a.md\0" + bytes.fromhex(blob))
    top = git(repo_path, "hash-object", "-t", "tree", "--literally", "-w", "--stdin",
              input=b"40000 sub\0" + bytes.fromhex(inner))
    sha = git(repo_path, "commit-tree", top, "-m", "damaged", date="2022-02-01T00:00:00Z")
    with GitTreeSource(repo_path, "", sha, shared=SharedTrees(repo_path)) as read:
        with pytest.raises(GitError, match=f"^a folder object of commit {sha} is damaged$"):
            list(read.entries())


def test_folders_nested_deeper_than_python_recurses_are_listed(tmp_path: Path) -> None:
    """SharedTrees opens folders recursively; a tree nested deeper than the recursion limit is
    listed by ls-tree instead (a hostile repository cannot make the listing fail)."""
    from isaccheck.gitrepo import GitTreeSource, SharedTrees

    repo_path = new_repo(tmp_path)
    deep = "/".join(["d"] * 80) + "/x.md"
    stream = (f"commit refs/heads/main\ncommitter T <t@example> 1600000000 +0000\ndata 4\ndeep\n"
              f"M 100644 inline {deep}\ndata 2\nx\n\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo_path, input=stream.encode(), check=True)
    sha = git(repo_path, "rev-parse", "main")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(__import__("inspect").stack()) + 60)  # fewer levels than the tree has
    try:
        with GitTreeSource(repo_path, "", sha, shared=SharedTrees(repo_path)) as read:
            entries = list(read.entries())
    finally:
        sys.setrecursionlimit(limit)
    assert [(e.path, e.size) for e in entries] == [(deep, 2)]


def test_bench_generator_years(tmp_path: Path) -> None:
    """--years N: the history starts N years before 2025 (20 year ends for `history`); the default
    stays ten years from 2015, so earlier rounds' repositories come out the same."""
    first: dict[int, str] = {}
    for years in (10, 20):
        target = tmp_path / str(years)
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_git_repo.py"), str(target), "--files", "30",
                        "--commits", "100", "--years", str(years)], check=True, capture_output=True)
        dates = git(target, "log", "--first-parent", "--format=%cd", "--date=short").split()
        first[years] = dates[-1]
        assert dates[0] < "2025-01-01"
    assert first == {10: "2015-01-01", 20: "2005-01-01"}


def test_one_cat_file_reads_blobs_and_named_trees_and_says_what_is_missing(tmp_path: Path) -> None:
    from isaccheck.gitrepo import _CatFile

    repo = new_repo(tmp_path)
    commit(repo, "2025-01-10T10:00:00Z", "minutes", meetings__m1__md="# Notulen\n")
    blob = git(repo, "rev-parse", "HEAD:meetings/m1.md")
    cat = _CatFile(repo)
    try:
        assert cat.read(blob) == b"# Notulen\n"
        kind, _ = cat.read_typed("HEAD:meetings") or ("none", b"")
        assert kind == "tree"
        assert cat.read_typed("HEAD:no such folder") is None  # a name with spaces, missing
        with pytest.raises(GitError, match=f"could not find object {'0' * 40}"):
            cat.read("0" * 40)
        assert cat.read(blob) == b"# Notulen\n"  # the answer stream is still in step after a miss
    finally:
        cat.close()


def test_shared_listing_matches_ls_tree_over_a_random_history(tmp_path: Path) -> None:
    """Folders read ahead level by level (SharedTrees._prefetch) give the plain `ls-tree -r -l`
    listing at every commit of a random history (nested folders, unchanged and identical folders
    in two places, files removed); each folder object new at a commit is read once, and all of a
    commit's new folders take one cat-file round trip per level of nesting, not one per folder."""
    import random

    from isaccheck.gitrepo import GitTreeSource, SharedTrees

    rnd = random.Random(14)
    repo_path = new_repo(tmp_path)
    folders = ["", "a", "a/b", "a/b/c", "d", "d/e", "copy1", "copy2/x"]
    shas: list[str] = []
    for year in range(2015, 2021):
        for _ in range(12):
            folder = rnd.choice(folders)
            name = f"{folder}/f{rnd.randrange(8)}.md".lstrip("/")
            if rnd.random() < 0.2 and (repo_path / name).exists():
                (repo_path / name).unlink()
            else:
                write(repo_path, name, f"{year} {rnd.random()}\n" * rnd.randrange(1, 4))
        write(repo_path, "copy1/same.md", "same\n")  # two folders with the same tree id
        write(repo_path, "copy2/x/same.md", "same\n")
        shas.append(commit(repo_path, f"{year}-12-31T00:00:00Z", str(year)))
    repo = opened(repo_path)
    shared = SharedTrees(repo.top)
    seen: set[str] = set()
    fewer = 0
    for sha in shas:
        lines = git(repo_path, "ls-tree", "-r", "-d", sha).splitlines()
        folder_ids = {line.split()[2] for line in lines}
        depth = max((line.split("\t")[1].count("/") + 1 for line in lines), default=0)
        reads, trips = shared.folder_reads, shared.round_trips
        with repo.tree_source(sha) as plain, GitTreeSource(repo.top, repo.prefix, sha, shared=shared) as read:
            assert [(e.path, e.size, e.kind) for e in read.entries()] == [
                (e.path, e.size, e.kind) for e in plain.entries()]
            assert read._load().blobs == plain._load().blobs
        new = folder_ids - seen
        assert shared.folder_reads - reads == len(new)  # each new folder once, a known one never
        assert shared.round_trips - trips <= depth  # one per level
        fewer += shared.round_trips - trips < len(new)
        seen = folder_ids  # only the last listing's folders are kept
    shared.close()
    assert fewer  # the history has commits with more new folders than levels
