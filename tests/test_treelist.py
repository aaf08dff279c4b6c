"""Listing a year end's tree costs what changed since the last one (gitrepo.SharedTrees, ninth round).

Nothing here is timed. A tree object is cut by one regular expression, which must read every object,
whole or damaged, exactly as reading it entry by entry does; a changed folder takes over the entries
of the files it kept from the folder at its path at the last year end (a counter, and the same
objects), and every year end of a random history is still listed as `ls-tree -r -l` lists it; blob
sizes are read whole, and an answer that is no size still names its blob. The output of `history`
and the report, folder by folder against the plain way, is tests/test_subtrees.py's.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest

from isaccheck import gitrepo
from isaccheck.gitevidence import PastCommits
from isaccheck.gitrepo import GitTreeSource, SharedTrees, _decode_path, _parse_tree
from isaccheck.loadcache import LoadCache
from isaccheck.runner import check

from .test_gitrepo import commit, git, isolate_git, opened, write
from .test_subtrees import ROOT, random_history


def _entry_by_entry(data: bytes, id_bytes: int) -> list[tuple[str, str, str]]:
    """How _parse_tree read a tree object before (the eighth round): the reference it must equal."""
    entries = []
    at = 0
    while at < len(data):
        space = data.index(b" ", at)
        nul = data.index(b"\0", space)
        mode = data[at:space].decode("ascii")
        int(mode, 8)
        end = nul + 1 + id_bytes
        if end > len(data):
            raise ValueError("tree object cut short")
        entries.append((_decode_path(data[space + 1:nul]), mode, data[nul + 1:end].hex()))
        at = end
    return entries


def _read(parse: object, data: bytes, id_bytes: int) -> object:
    try:
        return parse(data, id_bytes)  # type: ignore[operator]
    except ValueError:
        return ValueError


def test_a_tree_object_is_cut_as_entry_by_entry_reading_cuts_it() -> None:
    """Random objects, well formed and damaged (cut short, bytes dropped, modes git refuses: empty,
    not octal, not ASCII, with a NUL; names with spaces, '/', bytes that are not UTF-8; ids that hold
    spaces and NULs), both id lengths: the same entries, or a ValueError for both."""
    rnd = random.Random(14)
    alphabet = [b" ", b"\0", b"1", b"0", b"4", b"a", b"\xff", b"\xc3", b"\xa9", b"/", b"_", b"+", b"9", b"\n"]
    modes = [b"100644", b"40000", b"120000", b"160000", b"", b"1_0", b"+7", b"9", b"\xff", b"1\x000", b"040000"]
    read = 0
    for _ in range(6000):
        id_bytes = rnd.choice((20, 32))
        if rnd.random() < 0.6:
            parts = []
            for _ in range(rnd.randrange(0, 5)):
                name = b"".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 6)))
                oid = (bytes(rnd.randrange(256) for _ in range(id_bytes)) if rnd.random() < 0.7
                       else b"".join(rnd.choice(alphabet) for _ in range(id_bytes)))
                parts.append(rnd.choice(modes) + b" " + name + b"\0" + oid)
            data = b"".join(parts)
            if data and rnd.random() < 0.3:
                cut = rnd.randrange(len(data))
                data = data[:cut] + data[cut + rnd.randrange(1, 4):]
        else:
            data = b"".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 60)))
        expected = _read(_entry_by_entry, data, id_bytes)
        assert _read(_parse_tree, data, id_bytes) == expected, (data, id_bytes)
        read += expected is not ValueError
    assert 1000 < read < 5000  # both kinds were met


def test_every_year_end_of_a_random_history_is_listed_as_ls_tree_lists_it(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Year end after year end through one SharedTrees (renames, moved folders, odd and non-UTF-8 names,
    a link for two years, a gitlink, sidecars that come and go), then back to the first: each listing
    is ls-tree's, with its blobs; and the entry of a file kept in a changed folder is the last year
    end's own object."""
    isolate_git(tmp_path, monkeypatch)
    for seed in (1, 2):
        repo_path = random_history(tmp_path, seed)
        repo = opened(repo_path)
        shas = git(repo_path, "rev-list", "--first-parent", "--reverse", "HEAD").split()
        shared = SharedTrees(repo.top, repo.id_bytes)
        taken = 0
        last: dict[str, object] = {}
        for sha in [*shas, shas[0], shas[-1]]:
            with repo.tree_source(sha) as plain, GitTreeSource(repo.top, repo.prefix, sha, shared=shared) as read:
                listed = list(read.entries())
                assert [(e.path, e.size, e.kind) for e in listed] == [(e.path, e.size, e.kind) for e in plain.entries()]
                assert read._load().blobs == plain._load().blobs
                if read.subtrees() is not None:
                    taken += sum(1 for e in listed if last.get(e.path) is e)
                last = {e.path: e for e in listed}
        shared.close()
        assert taken > 100  # entries were taken over from the year end before


def test_a_changed_folder_makes_entries_only_for_its_new_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The counter: between two year ends one file of a folder of 30 changes and one is added; the
    second listing makes two entries, and the folder's 29 other files are the first listing's objects.
    The plain way (SUBTREES off) has no such reuse and the same listing."""
    isolate_git(tmp_path, monkeypatch)
    repo_path = tmp_path / "haven"
    shutil.copytree(ROOT / "evidence-examples" / "haven-isac", repo_path)
    git(repo_path, "init", "-q", "-b", "main")
    for n in range(30):
        write(repo_path, f"archive/{n:02d}.md", f"# note {n}\n")
    first = commit(repo_path, "2024-12-30T12:00:00Z", "all")
    write(repo_path, "archive/07.md", "# note 7, corrected\n")
    write(repo_path, "archive/30.md", "# note 30\n")
    second = commit(repo_path, "2025-12-30T12:00:00Z", "two files")
    repo = opened(repo_path)
    shared = SharedTrees(repo.top, repo.id_bytes)
    with GitTreeSource(repo.top, repo.prefix, first, shared=shared) as read:
        before = {e.path: e for e in read.entries()}
    made, reads = shared.entries_made, shared.folder_reads
    assert made == len(before)  # the first listing: every entry new
    with GitTreeSource(repo.top, repo.prefix, second, shared=shared) as read:
        after = list(read.entries())
    assert shared.entries_made - made == 2  # archive/07.md (a new blob) and archive/30.md
    assert shared.folder_reads - reads == 1  # archive/, changed; the top is read as the commit's tree
    new = [e.path for e in after if before.get(e.path) is not e]
    assert new == ["archive/07.md", "archive/30.md"]
    shared.close()
    monkeypatch.setattr(gitrepo, "SUBTREES", False)
    plain = SharedTrees(repo.top, repo.id_bytes)
    with GitTreeSource(repo.top, repo.prefix, second, shared=plain) as read:
        assert [(e.path, e.size, e.kind) for e in read.entries()] == [(e.path, e.size, e.kind) for e in after]
    assert plain.entries_made == 0
    plain.close()


def test_sizes_are_read_whole_and_an_answer_that_is_no_size_names_its_blob(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """More sizes than a chunk at once, read whole; a missing blob in the middle of a chunk, and git
    gone before answering, are each a GitError that names the blob; a new process takes the next question."""
    from isaccheck.errors import GitError

    isolate_git(tmp_path, monkeypatch)
    repo_path = tmp_path / "r"
    repo_path.mkdir()
    git(repo_path, "init", "-q")
    blobs = [git(repo_path, "hash-object", "-w", "--stdin", input=b"y" * n) for n in range(600)]
    shared = SharedTrees(repo_path)
    try:
        shared._ask_sizes(blobs[::-1])
        assert [shared.sizes[b] for b in blobs] == list(range(600))
        with pytest.raises(GitError, match=f"object {'1' * 40} is missing"):
            shared._ask_sizes([*blobs[:300], "1" * 40, *blobs[300:]])
        assert shared._check is not None and not shared._check.alive
        shared._ask_sizes(blobs[10:12])
        assert shared._check is not None and shared._check.alive
        check_process = shared._check._proc
        check_process.kill()
        check_process.wait()
        with pytest.raises(GitError, match=f"object {blobs[20]} is missing|reading from git failed"):
            shared._ask_sizes([blobs[20], blobs[21]])
    finally:
        shared.close()


def test_year_ends_with_a_renamed_folder_evaluate_as_the_plain_way(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """haven-isac committed over three year ends (a folder renamed, files added and changed): each
    year end's evaluation is the plain way's (SUBTREES off)."""
    isolate_git(tmp_path, monkeypatch)
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")
    repo_path = tmp_path / "haven"
    shutil.copytree(ROOT / "evidence-examples" / "haven-isac", repo_path)
    git(repo_path, "init", "-q", "-b", "main")
    commit(repo_path, "2023-12-30T12:00:00Z", "one")
    (repo_path / "plans").rename(repo_path / "plannen")
    commit(repo_path, "2024-12-30T12:00:00Z", "renamed")
    write(repo_path, "plannen/extra.md", "# extra\n")
    commit(repo_path, "2025-12-30T12:00:00Z", "added")
    runs = {}
    for reuse in (True, False):
        monkeypatch.setattr(gitrepo, "SUBTREES", reuse)
        cache, past = LoadCache(), PastCommits()
        runs[reuse] = [check(repo_path, dt.date(year, 12, 31), history=False, today=dt.date(2026, 11, 28),
                             cache=cache, past=past).evaluation for year in (2023, 2024, 2025)]
    assert runs[True] == runs[False]


def test_listed_finds_a_path_as_the_listing_has_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GitTreeSource.listed (runner._settings_from_today's two look-ups): a path is listed exactly
    when the listing has it, of any kind, beside names that sort right before or after it, folder
    by folder and the plain way (a link in the tree)."""
    isolate_git(tmp_path, monkeypatch)
    repo_path = tmp_path / "r"
    repo_path.mkdir()
    git(repo_path, "init", "-q")
    for name in ("isac.yam", "isac.yaml.bak", "isac.yaml0", "isaccheck.yaml/inside.md", "a/isac.yaml", "z.md"):
        write(repo_path, name, "x\n")
    shas = []
    for date in ("2024-12-30T12:00:00Z", "2025-12-30T12:00:00Z"):
        git(repo_path, "add", "-A")
        git(repo_path, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},isac.yaml")  # a gitlink: listed
        git(repo_path, "commit", "-q", "-m", date, date=date)
        shas.append(git(repo_path, "rev-parse", "HEAD"))
        if not (repo_path / "linked.md").is_symlink():
            (repo_path / "linked.md").symlink_to("z.md")  # the second commit has a link: listed the plain way
    first, second = shas
    repo = opened(repo_path)
    asked = ["isac.yaml", "isaccheck.yaml", "isac.yam", "isac.yaml.bak", "a/isac.yaml", "a", "", "zz", "0", "linked.md"]
    for sha, by_folder in ((first, True), (second, False)):
        with GitTreeSource(repo.top, repo.prefix, sha, shared=SharedTrees(repo.top)) as read:
            assert (read.subtrees() is not None) is by_folder
            paths = {e.path for e in read.entries()}
            assert [read.listed(p) for p in asked] == [p in paths for p in asked]
            assert read.listed("isac.yaml") and not read.listed("isaccheck.yaml")


def test_bench_listing_compares_two_trees_on_a_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """bench/bench_listing.py lists every year end with this tree and another (here: itself), checks
    that both list the same, and prints wall, CPU and git CPU per variant."""
    import subprocess
    import sys

    isolate_git(tmp_path, monkeypatch)
    repo = random_history(tmp_path, 4)
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_listing.py"), "--repo", str(repo),
                          "--base", str(ROOT), "--repeat", "2"], capture_output=True, text=True, check=True).stdout
    assert "8 trees" in out and "this tree: wall" in out and "base: wall" in out and "git CPU" in out
