"""The listing and loading of a history's year ends after the first, this tree against another, in
CPU seconds, alternately (no evaluation: what docs/performance.md's tenth round changed).

    python bench/bench_yearend_load.py REPO [--base DIR] [--rounds 5] [--since 2005]

Each round runs, in a fresh process per tree, what a cold one-job `history` does to list and load
every year end from --since to HEAD's year (`runner._load` with one command's run cache and shared
listing) and prints, for the year ends after the first: the CPU seconds of listing them, of loading
them, and of loading them without `_Loader.load_markdown` (the parsing of blobs new to the command,
the same work in both trees): "the rest", what a year end costs besides the files it changes. With
--base (an export of another commit: `git archive REV | tar -x -C DIR`) that tree runs alternately.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path

from gen_git_repo import year_end_commits  # stdlib only: imports no isaccheck

ROOT = Path(__file__).resolve().parent.parent


def once(tree: Path, repo_path: Path, since: int) -> None:
    """In this process, from `tree`: print listing, loading and rest CPU seconds of the later year ends."""
    sys.path.insert(0, str(tree))
    from isaccheck import repository, runner
    from isaccheck.cli import GC_THRESHOLDS
    from isaccheck.gitrepo import GitTreeSource, SharedTrees, open_repo
    from isaccheck.loadcache import LoadCache

    assert Path(repository.__file__).resolve().is_relative_to(tree.resolve()), repository.__file__
    gc.set_threshold(*GC_THRESHOLDS)
    repo = open_repo(repo_path)
    assert repo is not None, f"{repo_path} is not a git repository"
    shas = year_end_commits(repo_path, since)
    parsing = [0.0]
    load_markdown = repository._Loader.load_markdown

    def timed(self: repository._Loader, entry: object) -> None:
        started = time.process_time()
        try:
            load_markdown(self, entry)  # type: ignore[arg-type]
        finally:
            parsing[0] += time.process_time() - started

    repository._Loader.load_markdown = timed  # type: ignore[method-assign, assignment]
    shared, cache = SharedTrees(repo.top), LoadCache()
    listing = loading = 0.0
    for index, sha in enumerate(shas):
        with GitTreeSource(repo.top, repo.prefix, sha, shared=shared) as source:
            started = time.process_time()
            source.listed("isac.yaml")  # the listing, as runner._settings_from_today asks it
            spent_listing = time.process_time() - started
            before, started = parsing[0], time.process_time()
            runner._load(source, False, cache=cache)
            spent = time.process_time() - started
            if index:
                listing += spent_listing
                loading += spent
            else:
                parsing[0] = before  # the first year end's parsing is not counted either
    shared.close()
    print(f"{listing:.4f} {loading:.4f} {loading - parsing[0]:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--base", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--since", type=int, default=2005)
    parser.add_argument("--once", type=Path, help=argparse.SUPPRESS)  # internal: one run from this tree
    args = parser.parse_args()
    if args.once is not None:
        once(args.once, args.repo, args.since)
        return
    trees = {"this tree": ROOT, **({"base": args.base} if args.base else {})}
    found: dict[str, list[list[float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            out = subprocess.run([sys.executable, __file__, str(args.repo), "--since", str(args.since), "--once", str(tree)],
                                 capture_output=True, text=True, check=True).stdout.split()
            found[name].append([float(v) for v in out])
    print(f"{args.repo}: year ends after the first, {args.rounds} rounds, CPU seconds (median, best)")
    for name, rows in found.items():
        listing, loading, rest = ([r[i] for r in rows] for i in range(3))
        print(f"  {name:9s}: listing {statistics.median(listing):.3f} ({min(listing):.3f}), loading "
              f"{statistics.median(loading):.3f} ({min(loading):.3f}), the rest {statistics.median(rest):.3f} ({min(rest):.3f})")


if __name__ == "__main__":
    main()
