"""The loading of a history's year ends, a changed folder's unchanged files added again by their key
and walked one by one, alternately in one process.

    python bench/bench_reuse.py REPO [--rounds 7] [--since 2005]

Loads the tree of every year end from --since to HEAD's year (the commit `history` takes for
31 December, first-parent), in order, with a fresh run cache (nothing on disk) and one command's
shared listing, as a cold one-job `history` does, but without the evaluation: that is the same
both ways. Each round loads them with `repository.REUSE_FILES` on, then off (the order swapped
every other round), and prints the CPU seconds of the loading (the listing excluded), the time
inside `_Loader.load_markdown` (parsing the blobs not seen before, the same both ways) and the
counters: entries walked one by one, replayed with their folder, added again by their key.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from isaccheck import repository  # noqa: E402
from isaccheck.cli import GC_THRESHOLDS  # noqa: E402
from isaccheck.gitrepo import GitTreeSource, SharedTrees, open_repo  # noqa: E402
from isaccheck.loadcache import LoadCache  # noqa: E402

from gen_git_repo import year_end_commits  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--since", type=int, default=2005)
    args = parser.parse_args()
    gc.set_threshold(*GC_THRESHOLDS)  # as a run of the command line sets it
    repo = open_repo(args.repo)
    assert repo is not None, f"{args.repo} is not a git repository"
    shas = year_end_commits(args.repo, args.since)
    parsing = [0.0]
    load_markdown = repository._Loader.load_markdown

    def timed(self: repository._Loader, entry: Any) -> None:
        started = time.process_time()
        try:
            load_markdown(self, entry)
        finally:
            parsing[0] += time.process_time() - started

    repository._Loader.load_markdown = timed  # type: ignore[method-assign]
    results: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    counters: dict[bool, tuple[int, int, int]] = {}
    for round_ in range(args.rounds):
        for reuse in (True, False) if round_ % 2 == 0 else (False, True):
            repository.REUSE_FILES = reuse
            shared, cache = SharedTrees(repo.top), LoadCache()
            parsing[0] = spent = 0.0
            for sha in shas:
                with GitTreeSource(repo.top, repo.prefix, sha, shared=shared) as source:
                    entries = list(source.entries())  # the listing: not what this measures
                    started = time.process_time()
                    repository.load_repository(source, entries=entries, cache=cache)
                    spent += time.process_time() - started
            shared.close()
            results[reuse].append((spent, parsing[0]))
            counters[reuse] = (cache.files_walked, cache.files_replayed, cache.files_reused)
    print(f"{args.repo}: {len(shas)} year ends, {args.rounds} rounds, CPU seconds (median, best)")
    for reuse in (True, False):
        loading = [s for s, _ in results[reuse]]
        parsed = [p for _, p in results[reuse]]
        walked, replayed, reused = counters[reuse]
        print(f"  files reused {'on ' if reuse else 'off'}: loading {statistics.median(loading):.3f} ({min(loading):.3f}), "
              f"of which parsing {statistics.median(parsed):.3f}, the rest {statistics.median(s - p for s, p in results[reuse]):.3f}; "
              f"entries walked {walked:,}, replayed with their folder {replayed:,}, added by their key {reused:,}")


if __name__ == "__main__":
    main()
