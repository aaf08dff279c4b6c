"""A changed folder costs its changed files: a file whose run-cache key cannot have changed since
the last year end is added again with that key (repository._Loader.reusable, walk_reusing), not
walked one by one.

Nothing here is timed: `history` (English, Dutch) and the report are byte for byte those of the
plain way (repository.REUSE_FILES off) on every example committed as a history and on random
histories (renames, moved folders, sidecars and the files they describe coming and going, orphan
sidecars, ignore/templates/size limit changing, a link, non-ASCII and non-UTF-8 names); each year
end's loaded repository, evaluation and run-cache bookkeeping are equal; and a year end walks one
by one only the files that changed, or whose sidecar or described file came or went (a counter).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path
from typing import Any, Iterable, Iterator

import pytest

from isaccheck import repository
from isaccheck.gitevidence import PastCommits
from isaccheck.gitrepo import GitTreeSource
from isaccheck.loadcache import LoadCache
from isaccheck.runner import check
from isaccheck.sources import SourceEntry

from .test_gitrepo import commit, git, isolate_git
from .test_jobs import EXAMPLES, examples, history, report  # noqa: F401  (examples: the committed examples fixture)
from .test_subtrees import _documents, _mutate, random_history

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")  # every run cold: each year end evaluated, never remembered


def counted_reuses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files each walk added again by their key (appended per call of reusable)."""
    found: list[int] = []
    reusable = repository._Loader.reusable

    def counting(self: repository._Loader, fresh: list[SourceEntry], paths: set[str], described: set[str]) -> Any:
        result = reusable(self, fresh, paths, described)
        found.append(len(result))
        return result

    monkeypatch.setattr(repository._Loader, "reusable", counting)
    return found


def both_ways(monkeypatch: pytest.MonkeyPatch, repo: Path, dutch: bool = True) -> Iterator[tuple[bytes, ...]]:
    """history (English, Dutch) and the report with files reused, then walked one by one."""
    for reuse in (True, False):
        monkeypatch.setattr(repository, "REUSE_FILES", reuse)
        yield history(repo, 1), *((history(repo, 1, "--lang", "nl"),) if dutch else ()), report(repo, 1)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_as_a_history_is_the_same_with_files_reused(name: str, examples: dict[str, Path],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    reuses = counted_reuses(monkeypatch)
    reused, plain = both_ways(monkeypatch, examples[name], dutch=False)  # (Dutch: tests/test_subtrees.py's)
    assert reused == plain
    # Files were added again; zorg-isac's documents are all of 2026, so no year end follows another.
    assert sum(reuses) > 0 or name == "zorg-isac"


# -- random histories -------------------------------------------------------------------------------

def _described_comes_or_goes(repo: Path, rnd: random.Random, step: int) -> None:
    """The file a sidecar describes comes (an orphan sidecar is one no more) or goes (a file read
    through its sidecar is deleted, the sidecar stays): the sidecar's key changes, its blob does not."""
    orphans = sorted(p for p in repo.rglob("*.meta.yaml") if not p.with_name(p.name[:-len(".meta.yaml")]).exists())
    described = sorted(p.with_name(p.name[:-len(".meta.yaml")]) for p in repo.rglob("*.meta.yaml")
                       if p.with_name(p.name[:-len(".meta.yaml")]).is_file())
    if orphans and (not described or rnd.random() < 0.5):
        target = rnd.choice(orphans)
        target.with_name(target.name[:-len(".meta.yaml")]).write_bytes(b"%PDF-1.4 not really\n" if
                                                                      target.name.endswith(".pdf.meta.yaml") else
                                                                      f"# came at step {step}\n".encode())
    elif described:
        rnd.choice(described).unlink()


def _sibling(repo: Path, rnd: random.Random, step: int) -> None:
    """A new file beside unchanged ones: the folder changes, its other files do not."""
    doc = rnd.choice(_documents(repo))
    (doc.parent / f"note-{step}.md").write_text(f"---\ntype: policy\ntitle: note {step}\ntlp: GREEN\n---\nText.\n",
                                                encoding="utf-8")


def sidecar_history(folder: Path, seed: int) -> Path:
    """test_subtrees' random history, with a step of its own in most commits: a sidecar's file coming
    or going, or a new file beside unchanged ones."""
    repo = random_history(folder, seed)
    rnd = random.Random(seed * 7919)
    for year in range(2027, 2031):
        for month in (3, 9):
            for step in range(rnd.randrange(2, 6)):
                kind = rnd.choice(["subtrees", "described", "described", "sibling", "sibling"])
                if kind == "subtrees":
                    _mutate(repo, rnd, year, 1000 * year + step)
                elif kind == "described":
                    _described_comes_or_goes(repo, rnd, 1000 * year + step)
                else:
                    _sibling(repo, rnd, 1000 * year + step)
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "--allow-empty", "-m", f"{year}-{month}", date=f"{year}-{month:02d}-28T12:00:00Z")
    return repo


def year_ends(repo: Path, reuse: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], LoadCache]:
    """Each year end's repository as loaded (documents, findings, the types and labels of files that are
    no document in order, templates, ignored files) and evaluation, and the run cache afterwards."""
    monkeypatch.setattr(repository, "REUSE_FILES", reuse)
    cache, past = LoadCache(), PastCommits()
    loaded = []
    for year in range(2019, 2031):
        run = check(repo, dt.date(year, 12, 31), history=False, today=dt.date(2030, 12, 31), cache=cache, past=past)
        loaded.append((run.repository.documents, run.repository.findings, list(run.repository.unreadable_types.items()),
                       list(run.repository.unloaded_tlp.items()), run.repository.templates, run.repository.ignored,
                       run.evaluation))
        # Memory bounded: only this year end's files keep a key; each key was used (so a file added
        # again by it needs no `cache.used.add`).
        assert set(cache.last_keys) <= run.repository.paths and set(cache.last_keys.values()) <= cache.used
    return loaded, cache


@pytest.mark.parametrize("seed", [1, 4])
def test_a_random_history_is_the_same_with_files_reused(seed: int, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(tmp_path, monkeypatch)
    repo = sidecar_history(tmp_path, seed)
    reused, plain = both_ways(monkeypatch, repo)
    assert reused == plain
    (on, cache_on), (off, cache_off) = year_ends(repo, True, monkeypatch), year_ends(repo, False, monkeypatch)
    assert on == off
    # The run cache's bookkeeping (what the warm cache keeps and how much was found) is the plain way's.
    assert (cache_on.used, cache_on.hits, cache_on.misses, cache_on.files.keys()) == \
           (cache_off.used, cache_off.hits, cache_off.misses, cache_off.files.keys())
    assert cache_on.files_reused > 40 and cache_off.files_reused == 0
    assert cache_on.files_walked + cache_on.files_reused == cache_off.files_walked


# -- the counter ------------------------------------------------------------------------------------

def test_a_changed_folder_walks_only_its_changed_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Year end by year end, in the one folder that changes (plans/) and at the top: only the files
    whose key changed are walked one by one (a new blob, a sidecar that came, a sidecar whose file
    came or went, a file read through a sidecar, the settings files), the rest are added again with
    their key and never read; a new isaccheck.yaml walks every file. The same result as the plain way."""
    isolate_git(tmp_path, monkeypatch)
    repo = tmp_path / "haven"
    shutil.copytree(ROOT / "evidence-examples" / "haven-isac", repo)
    git(repo, "init", "-q", "-b", "main")
    (repo / "isaccheck.yaml").write_text('templates: ["pictures/*"]\n')
    commit(repo, "2022-12-30T12:00:00Z", "all")
    plans = repo / "plans"
    (plans / "value-case.md").write_text((plans / "value-case.md").read_text(encoding="utf-8") + "\nOne more line.\n",
                                         encoding="utf-8")
    (plans / "evaluatie-2024.md.meta.yaml").write_text("type: policy\ntitle: through a sidecar\ntlp: GREEN\n")
    (plans / "gone.pdf.meta.yaml").write_text("type: minutes\ntlp: GREEN\n")
    commit(repo, "2023-12-30T12:00:00Z", "a change, a sidecar, an orphan")
    (plans / "gone.pdf").write_bytes(b"%PDF-1.4 not really\n")
    (plans / "evaluatie-2024.md").unlink()
    commit(repo, "2024-12-30T12:00:00Z", "the orphan's file comes, a described file goes")
    (repo / "isaccheck.yaml").write_text('templates: ["pictures/*", "plans/jaarplan-2025.md"]\n')
    commit(repo, "2025-12-30T12:00:00Z", "new settings")
    listed = {end: set(git(repo, "ls-tree", "-r", "--name-only", f"main@{{{end}-12-31}}").splitlines())
              for end in (2022, 2023, 2024, 2025)}
    settings = {"isac.yaml", "isaccheck.yaml"}
    through_sidecar = {"plans/jaarplan-2026.pdf"}  # read through its sidecar: walk() says so, never the run cache
    expected = {
        2023: settings | through_sidecar | {"plans/value-case.md", "plans/evaluatie-2024.md",
                                            "plans/evaluatie-2024.md.meta.yaml", "plans/gone.pdf.meta.yaml"},
        2024: settings | through_sidecar | {"plans/gone.pdf", "plans/gone.pdf.meta.yaml",
                                            "plans/evaluatie-2024.md.meta.yaml"},
        2025: listed[2025],  # another fingerprint: nothing walked before counts
    }
    walked: list[str] = []
    asked: list[str] = []
    walk, stream = repository._Loader.walk, GitTreeSource.stream_many

    def walking(self: repository._Loader, entry: SourceEntry, *rest: Any) -> None:
        walked.append(entry.path)
        walk(self, entry, *rest)

    def streaming(self: GitTreeSource, paths: Iterable[str]) -> Any:
        wanted = list(paths)
        asked.extend(wanted)
        return stream(self, wanted)

    monkeypatch.setattr(repository._Loader, "walk", walking)
    monkeypatch.setattr(GitTreeSource, "stream_many", streaming)
    results: dict[bool, list[Any]] = {}
    for reuse in (True, False):
        monkeypatch.setattr(repository, "REUSE_FILES", reuse)
        cache, past = LoadCache(), PastCommits()
        runs = []
        for end in (2022, 2023, 2024, 2025):
            walked.clear()
            asked.clear()
            before = cache.files_reused
            run = check(repo, dt.date(end, 12, 31), history=False, today=TODAY, cache=cache, forecast=False, past=past)
            runs.append((run.evaluation, run.repository.documents, run.repository.findings,
                         list(run.repository.unreadable_types.items()), list(run.repository.unloaded_tlp.items()),
                         run.repository.templates))
            in_changed = {p for p in listed[end] if p.startswith("plans/") or "/" not in p}
            if reuse and end in expected:
                assert sorted(walked) == sorted(expected[end]), end
                reused = in_changed - set(walked)
                assert cache.files_reused - before == len(reused) and (reused or end == 2025)
                assert not reused & set(asked)  # a reused file's bytes are never asked of git
            elif end != 2022:
                assert in_changed <= set(walked)  # the plain way: each file of a changed folder walked
        results[reuse] = runs
    assert results[True] == results[False]
