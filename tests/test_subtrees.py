"""A year end costs what changed since the last one: git folders listed and walked before in the
command are replayed whole (gitrepo.SharedTrees.tree, repository._Loader.replay_plan).

Nothing here is timed: the output of `history` and the report is byte for byte that of the plain
way (gitrepo.SUBTREES and repository.REPLAY off) on every example committed as a history and on a
random history of renames, moved folders, sidecars that come and go, changing ignore/templates
globs and size limits, a link, a gitlink and odd names; the listing is `ls-tree -r -l`'s; and a
year end walks only the files of the folders that changed (a counter).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from isaccheck import gitrepo, repository
from isaccheck.gitevidence import PastCommits
from isaccheck.gitrepo import GitTreeSource, SharedTrees
from isaccheck.loadcache import LoadCache
from isaccheck.runner import check
from isaccheck.sources import SourceEntry

from .test_gitrepo import commit, git, isolate_git, new_repo, opened, write
from .test_jobs import EXAMPLES, examples, history, report  # noqa: F401  (examples: the committed examples fixture)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")  # every run cold: each year end evaluated, never remembered


def both_ways(monkeypatch: pytest.MonkeyPatch, repo: Path, replays: list[int] | None = None
              ) -> Iterator[tuple[bytes, ...]]:
    """history (English, Dutch) and the report, folder by folder, then the plain way; `replays`
    gets the number of folders each year end replayed."""
    plan = repository._Loader.replay_plan

    def counted(self: repository._Loader, entries: list[SourceEntry]) -> object:
        found = plan(self, entries)
        if replays is not None and found is not None:
            replays.append(len(found.replays))
        return found

    monkeypatch.setattr(repository._Loader, "replay_plan", counted)
    for reuse in (True, False):
        monkeypatch.setattr(gitrepo, "SUBTREES", reuse)
        monkeypatch.setattr(repository, "REPLAY", reuse)
        yield history(repo, 1), history(repo, 1, "--lang", "nl"), report(repo, 1)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_as_a_history_is_the_same_replayed(name: str, examples: dict[str, Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    replayed, plain = both_ways(monkeypatch, examples[name])
    assert replayed == plain


# -- a random history -------------------------------------------------------------------------------

ODD_NAMES = ["odd/a b.md", "odd/a.b/x.md", "odd/a-b/x.md", "odd/a/x.md", "odd/a0.md", "odd/ü/ë.md",
             "odd/A/x.md", "odd/a /x.md", "odd/é.md"]
CONFIGS = ["", "ignore: [\"shared/2026-0*\"]\n", "templates: [\"plans/*\"]\n",
           "ignore: [\"odd/**\"]\ntemplates: [\"governance/statuten.md\"]\n", "max_file_size_kb: 1\n"]


def _documents(repo: Path) -> list[Path]:
    return sorted(p for p in repo.rglob("*.md") if ".git" not in p.parts and p.is_file() and not p.is_symlink())


def _mutate(repo: Path, rnd: random.Random, year: int, step: int) -> None:
    """One random change of the kinds a year brings (and some hostile ones)."""
    docs = _documents(repo)
    kind = rnd.choice(["edit", "edit", "rename", "move", "sidecar", "config", "odd", "binary", "orphan", "broken"])
    doc = rnd.choice(docs)
    if kind == "edit":
        doc.write_text(doc.read_text(encoding="utf-8") + f"\nNoted in {year} ({step}).\n" * rnd.randrange(1, 80),
                       encoding="utf-8")
    elif kind == "rename" and doc.parent != repo:
        doc.rename(doc.with_name(f"{doc.stem}-{year}{step}.md"))
    elif kind == "move":
        folders = sorted({p.parent for p in docs if p.parent != repo and len(p.relative_to(repo).parts) > 1})
        source = rnd.choice(folders)
        target = repo / rnd.choice(["archief", "archief/ü", "moved.d", "moved-x", "moved x"]) / f"{source.name}-{year}"
        target.parent.mkdir(parents=True, exist_ok=True)
        source.rename(target)
    elif kind == "sidecar":
        sidecar = doc.with_name(doc.name + ".meta.yaml")
        if sidecar.exists():
            sidecar.unlink()
        else:
            sidecar.write_text(f"type: policy\ntitle: from a sidecar {year}\ntlp: {rnd.choice(['CLEAR', 'GREEN', 'AMBER'])}\n",
                               encoding="utf-8")
    elif kind == "config":
        (repo / "isaccheck.yaml").write_text(rnd.choice(CONFIGS), encoding="utf-8")
    elif kind == "odd":
        target = repo / rnd.choice(ODD_NAMES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(doc, target)
        with open(os.path.join(os.fsencode(repo / "odd"), b"\xff-" + str(step).encode() + b".md"), "wb") as raw:
            raw.write(doc.read_bytes())  # a name that is not UTF-8
    elif kind == "broken":  # a type that can be sniffed, YAML that cannot be read, a label
        (doc.parent / f"broken-{step}.md").write_text("---\ntype: minutes\ntlp: AMBER\ntitle: [open\n---\nbody\n",
                                                     encoding="utf-8")
    elif kind == "binary":
        (doc.parent / f"binary-{step}.md").write_bytes(b"---\ntype: policy\n---\n\x00\x01")
    elif kind == "orphan":
        (doc.parent / f"gone-{step}.pdf.meta.yaml").write_text("type: minutes\ntlp: GREEN\n", encoding="utf-8")


def random_history(folder: Path, seed: int) -> Path:
    rnd = random.Random(seed)
    repo = folder / f"random-{seed}"
    shutil.copytree(ROOT / "evidence-examples" / "haven-isac", repo)
    git(repo, "init", "-q", "-b", "main")
    inner = git(repo, "hash-object", "-w", "--stdin", input=b"a commit id for the gitlink")
    step = 0
    for year in range(2019, 2027):
        for month in (3, 12) if year < 2026 else (3, 10):
            for _ in range(rnd.randrange(2, 6)):
                step += 1
                _mutate(repo, rnd, year, step)
            link = repo / "linked.md"
            if year in (2021, 2022) and not link.is_symlink():
                os.symlink("governance/statuten.md", link)  # a link (maybe broken): listed and walked whole
            elif year > 2022 and link.is_symlink():
                link.unlink()
            git(repo, "add", "-A")
            if year >= 2023:  # a submodule's entry (a gitlink) in a folder that changes
                git(repo, "update-index", "--add", "--cacheinfo", f"160000,{inner},governance/vendor")
            git(repo, "commit", "-q", "--allow-empty", "-m", f"{year}-{month}", date=f"{year}-{month:02d}-28T12:00:00Z")
    return repo


def test_a_random_history_is_the_same_replayed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path, monkeypatch)
    for seed in (1, 2):
        repo = random_history(tmp_path, seed)
        replays: list[int] = []
        replayed, plain = both_ways(monkeypatch, repo, replays)
        assert replayed == plain
        # Each year end's repository as loaded, in order: documents, findings, types and labels of
        # the files that are no document, templates and ignored files, and the evaluation.
        loaded = {}
        for reuse in (True, False):
            monkeypatch.setattr(gitrepo, "SUBTREES", reuse)
            monkeypatch.setattr(repository, "REPLAY", reuse)
            cache, past = LoadCache(), PastCommits()
            loaded[reuse] = [
                (run.repository.documents, run.repository.findings, list(run.repository.unreadable_types.items()),
                 list(run.repository.unloaded_tlp.items()), run.repository.templates, run.repository.ignored,
                 run.evaluation)
                for run in (check(repo, dt.date(year, 12, 31), history=False, today=dt.date(2026, 11, 28),
                                  cache=cache, past=past) for year in range(2019, 2026))]
            assert not reuse or cache.files_replayed
        assert loaded[True] == loaded[False]
        assert sum(replays) > 20 and replays.count(0) > 3  # folders replayed; some year ends replay none (the first, a new isaccheck.yaml)


# -- the listing ------------------------------------------------------------------------------------

def test_folder_by_folder_listing_is_ls_tree_with_odd_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Names that sort between a folder's name and its paths ('a b', 'a-b', 'a.b', 'a0' beside
    'a/'), non-ASCII and non-UTF-8 names and a gitlink: assembled folder by folder, the listing is
    in the order of sorting every path, with ls-tree's sizes; a folder moved keeps no stale path."""
    isolate_git(tmp_path, monkeypatch)
    repo_path = new_repo(tmp_path)
    # (git sorts bytes: a name of 4 UTF-8 bytes goes before the byte 0xff, its text after that byte's "\udcff")
    names = ["a", "a b", "a-b", "a.b", "a0", "a/x", "a/b", "ü", "é/x", "z", "\U0001f600x", "a/\U0001f600x"]
    for name in names:
        write(repo_path, f"{name}/f.md" if not name.endswith("x") else f"{name}.md", f"{name}\n")
    with open(os.path.join(os.fsencode(repo_path), b"\xff.md"), "wb") as raw:
        raw.write(b"not utf-8 name\n")
    os.makedirs(os.path.join(os.fsencode(repo_path), b"a", b"\xfe"))
    with open(os.path.join(os.fsencode(repo_path), b"a", b"\xfe", b"y.md"), "wb") as raw:
        raw.write(b"inside\n")
    git(repo_path, "add", "-A")
    git(repo_path, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},a/vendor")
    first = commit(repo_path, "2022-01-01T00:00:00Z", "one")
    (repo_path / "a" / "b").rename(repo_path / "moved")
    write(repo_path, "a.b/f.md", "changed\n")
    git(repo_path, "add", "-A")
    git(repo_path, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},a/vendor")
    second = commit(repo_path, "2023-01-01T00:00:00Z", "two")
    repo = opened(repo_path)
    shared = SharedTrees(repo.top)
    for sha in (first, second, first, second):
        with repo.tree_source(sha) as plain, GitTreeSource(repo.top, repo.prefix, sha, shared=shared) as read:
            listed = list(read.entries())
            assert [(e.path, e.size, e.kind) for e in listed] == [(e.path, e.size, e.kind) for e in plain.entries()]
            assert [e.path for e in listed] == sorted(e.path for e in listed)
            assert read._load().blobs == plain._load().blobs
            assert read.subtrees() is not None  # listed folder by folder: no link in it
            for folder in read.subtrees() or ():
                assert all(e.path.startswith(folder.path) for e in folder.entries)
    shared.close()


def test_a_tree_with_a_link_is_listed_and_walked_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path, monkeypatch)
    repo_path = new_repo(tmp_path)
    write(repo_path, "a/x.md", "x\n")
    os.symlink("a/x.md", repo_path / "b.md")
    sha = commit(repo_path, "2022-01-01T00:00:00Z", "one")
    repo = opened(repo_path)
    with GitTreeSource(repo.top, repo.prefix, sha, shared=SharedTrees(repo.top)) as read:
        assert [(e.path, e.kind) for e in read.entries()] == [("a/x.md", "file"), ("b.md", "file")]
        assert read.subtrees() is None


# -- the counter ------------------------------------------------------------------------------------

def test_a_year_end_walks_only_the_folders_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three folders; between two year ends one file in one of them changes: the second year end walks
    that folder's files and the top's, and replays the other two folders (and their folders) whole,
    with the same result as the plain way; switched off, it walks every file."""
    isolate_git(tmp_path, monkeypatch)
    repo_path = tmp_path / "haven"
    shutil.copytree(ROOT / "evidence-examples" / "haven-isac", repo_path)
    git(repo_path, "init", "-q", "-b", "main")
    # Left out, in folders that are replayed: still named, in the order of their paths.
    (repo_path / "isaccheck.yaml").write_text('ignore: ["governance/statuten.md", "shared/*"]\n'
                                              'templates: ["pictures/*", "meetings/2025-09-11/agenda.md"]\n')
    commit(repo_path, "2025-12-30T12:00:00Z", "all")
    changed = repo_path / "plans" / "value-case.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    commit(repo_path, "2026-10-30T12:00:00Z", "one file")
    listed = [p for p in git(repo_path, "ls-files").splitlines()]
    in_plans = sum(1 for p in listed if p.startswith("plans/"))
    at_top = sum(1 for p in listed if "/" not in p)
    results: dict[bool, list[object]] = {}
    # Folders only: the files of a changed folder walked one by one (tests/test_walkfile.py counts those).
    monkeypatch.setattr(repository, "REUSE_FILES", False)
    for reuse in (True, False):
        monkeypatch.setattr(repository, "REPLAY", reuse)
        cache, past = LoadCache(), PastCommits()
        counts = []
        runs: list[object] = []
        for end in (dt.date(2025, 12, 31), dt.date(2026, 11, 1)):
            walked, replayed = cache.files_walked, cache.files_replayed
            run = check(repo_path, end, history=False, today=dt.date(2026, 11, 28), cache=cache, forecast=False,
                        past=past)
            assert run.repository.templates and run.repository.ignored
            runs.append((run.evaluation, run.repository.templates, run.repository.ignored, run.repository.documents))
            counts.append((cache.files_walked - walked, cache.files_replayed - replayed))
        results[reuse] = runs
        if reuse:
            assert counts[0] == (len(listed), 0)  # the first year end: every file walked (and recorded)
            assert counts[1] == (in_plans + at_top, len(listed) - in_plans - at_top)
        else:
            assert counts == [(0, 0), (0, 0)]  # the plain way: not counted, every file walked
    assert results[True] == results[False]


def test_one_size_process_names_a_missing_blob_and_stays_usable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's one `cat-file --batch-check` (blob sizes, more than a chunk at a time): a blob
    missing from the repository is a GitError that names it; the next question starts a new process."""
    from isaccheck.errors import GitError

    isolate_git(tmp_path, monkeypatch)
    repo_path = new_repo(tmp_path)
    blobs = [git(repo_path, "hash-object", "-w", "--stdin", input=b"x" * n) for n in range(300)]
    shared = SharedTrees(repo_path)
    try:
        shared._ask_sizes(blobs)
        assert [shared.sizes[b] for b in blobs] == list(range(300))
        with pytest.raises(GitError, match=f"object {'0' * 40} is missing"):
            shared._ask_sizes([blobs[0], "0" * 40, blobs[1]])
        shared._ask_sizes(blobs[5:7])
        assert shared.sizes[blobs[6]] == 6
    finally:
        shared.close()
    assert shared._check is None


def test_only_the_current_trees_folders_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays bounded as the listing's always did: after each year end the listing keeps
    folders of that tree only, and the run cache the walks of those folders only (none after a
    tree listed the plain way, with a link)."""
    isolate_git(tmp_path, monkeypatch)
    repo = random_history(tmp_path, 3)
    cache, past = LoadCache(), PastCommits()
    seen: set[tuple[str, str]] = set()
    dropped = kept = 0
    for year in range(2019, 2026):
        run = check(repo, dt.date(year, 12, 31), history=False, today=dt.date(2026, 11, 28), cache=cache, past=past)
        listed = git(repo, "ls-tree", "-r", "-d", "-z", str(run.evaluation.provenance.commit)).split("\0")
        folders = {(line.split("\t", 1)[1] + "/", line.split()[2]) for line in listed if line}
        records = set(past.trees(opened(repo)).records)
        walked = {key[:2] for key in cache.walked}
        assert records <= folders and walked <= folders
        kept += len(walked)
        dropped += len(seen - records)
        seen = records
    assert kept and dropped  # walks were kept, folders of earlier trees let go
