"""Listing every year end's tree, as `history` lists them, in-process: this tree against another.

    python bench/bench_listing.py --repo /tmp/warmreport/g5k20y [--base DIR] [--repeat 11]
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/bench_listing.py --repo R --once [--base DIR]

The year ends are the commits `history` evaluates (HEAD's first-parent line at each 31 December
and today), listed through one `gitrepo.SharedTrees` in order, each listing taken whole (the walk's
`list(entries())`) and asked for the two settings files (runner._settings_from_today). With
--base (an export of an older commit: `git archive REV | tar -x -C DIR`) that tree's gitrepo.py
lists the same commits, alternately, and the listings must be equal. Per variant the medians of
wall time, this process's CPU time and git's (its processes end with each run), and the best.
--once lists once with this tree (or, with --base, the base's), for an instruction count that no
load changes: under callgrind, its count minus that of `--once --skip` (the same start, no listing)
is the listing's. The collector's thresholds are the CLI's (cli.GC_THRESHOLDS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from isaccheck import gitrepo  # noqa: E402
from isaccheck.cli import GC_THRESHOLDS  # noqa: E402


def other_gitrepo(tree: Path) -> ModuleType:
    """The gitrepo module of another source tree (its other modules are this tree's)."""
    spec = importlib.util.spec_from_file_location("base_gitrepo", tree / "isaccheck" / "gitrepo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["base_gitrepo"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def year_ends(repo: Any) -> list[Any]:
    """The commit at each 31 December from the first commit's year to HEAD's (HEAD's year: HEAD)."""
    line = repo.first_parent_line(repo.head())
    last = repo.commit(repo.head()).date.year
    found = [line.at(dt.date(year, 12, 31)) for year in range(line.first().date.year, last + 1)]
    return [commit for commit in found if commit is not None]


def listing(module: ModuleType, repo: Any, commits: list[Any]) -> tuple[tuple[float, float, float], list[Any]]:
    started, before, cpu = time.perf_counter(), os.times(), time.process_time()
    shared = module.SharedTrees(repo.top, repo.id_bytes)
    listed = []
    for commit in commits:
        source = module.GitTreeSource(repo.top, repo.prefix, commit.sha, commit.date, shared=shared)
        listed.append(list(source.entries()))
        ask = getattr(source, "listed", None)
        if ask is not None:
            {name for name in ("isac.yaml", "isaccheck.yaml") if ask(name)}
        else:
            {e.path for e in source.entries() if e.path in ("isac.yaml", "isaccheck.yaml")}
    shared.close()
    after = os.times()
    git = after.children_user + after.children_system - before.children_user - before.children_system
    return (time.perf_counter() - started, time.process_time() - cpu, git), listed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--base", type=Path, help="another source tree to compare with")
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--once", action="store_true", help="list once (this tree, or the base's with --base)")
    parser.add_argument("--skip", action="store_true", help="with --once: set up only, list nothing")
    args = parser.parse_args()
    gc.set_threshold(*GC_THRESHOLDS)
    repo = gitrepo.open_repo(args.repo)
    assert repo is not None, f"{args.repo} is no git repository"
    commits = year_ends(repo)
    variants = {"this tree": gitrepo, **({"base": other_gitrepo(args.base)} if args.base else {})}
    if args.once:
        if not args.skip:
            listing(variants["base" if args.base else "this tree"], repo, commits)
        return 0
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
    first: list[Any] | None = None
    for round_ in range(args.repeat):
        for name in (list(variants) if round_ % 2 == 0 else list(variants)[::-1]):
            took, listed = listing(variants[name], repo, commits)
            shown = [[(e.path, e.size, e.kind) for e in entries] for entries in listed]
            first = first or shown
            assert shown == first, f"{name} lists differently"
            times[name].append(took)
    print(f"{len(commits)} trees, {sum(map(len, first or []))} entries listed; medians of {args.repeat} (best)")
    for name, runs in times.items():
        wall, cpu, git = (statistics.median(run[i] for run in runs) * 1000 for i in range(3))
        print(f"{name:>10}: wall {wall:6.0f} ms ({min(r[0] for r in runs) * 1000:.0f}), "
              f"CPU {cpu:6.1f} ms ({min(r[1] for r in runs) * 1000:.1f}), git CPU {git:4.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
