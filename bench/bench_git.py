"""Time the git layer on a generated repository (see gen_git_repo.py).

    python bench/gen_git_repo.py /tmp/isac-bench --files 10000 --commits 50000
    python bench/bench_git.py /tmp/isac-bench

Prints the best of --repeat runs (and the first, cold-ish run) for: git log alone (the
floor: what git itself needs, output discarded), GitRepo.history(), listing a commit's
tree, reading every blob through the long-lived cat-file process, one by one and pipelined,
and the whole `isaccheck check` (a separate process, JSON to /dev/null) with and without
the history pass, on the committed tree, as of a past date, and without git at all.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from isaccheck.gitrepo import open_repo  # noqa: E402

HISTORY_FLAGS = [
    "log", "--first-parent", "--diff-merges=first-parent", "--no-renames",
    "--name-status", "-z", "--format=%x01%H %ct", "HEAD",
]


def timed(label: str, action: Callable[[], object], repeat: int) -> tuple[str, float, float, str]:
    runs: list[float] = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        runs.append(time.perf_counter() - start)
    return label, runs[0], min(runs), str(result)


def git_floor(repo: Path, args: list[str]) -> Callable[[], int]:
    def run() -> int:
        out = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True).stdout
        return len(out)
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-check", action="store_true", help="time the git layer only, not isaccheck check")
    args = parser.parse_args(argv)
    repo = open_repo(args.repo)
    if repo is None:
        parser.error(f"{args.repo} is not a git repository")
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=args.repo,
                             capture_output=True, text=True, check=True).stdout.strip()

    def history() -> int:
        return len(repo.history())

    def entries() -> int:
        with repo.tree_source("HEAD") as source:
            return len(list(source.entries()))

    def read_all() -> int:
        with repo.tree_source("HEAD") as source:
            return sum(len(source.read(e.path)) for e in source.entries() if e.kind == "file")

    def read_many() -> int:
        with repo.tree_source("HEAD") as source:
            paths = [e.path for e in source.entries() if e.kind == "file"]
            return sum(map(len, source.read_many(paths).values()))

    def isaccheck(*options: str) -> Callable[[], int]:
        argv = [sys.executable, "-m", "isaccheck", "check", str(args.repo), "--format", "json",
                "-o", os.devnull, *options]
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))

        def run() -> int:
            return subprocess.run(argv, env=env, capture_output=True, check=False).returncode
        return run

    checks = [
        timed("isaccheck check (with history)", isaccheck(), args.repeat),
        timed("isaccheck check --no-history", isaccheck("--no-history"), args.repeat),
        timed("isaccheck check --committed-only", isaccheck("--committed-only"), args.repeat),
        timed("isaccheck check --as-of 2020-12-31", isaccheck("--as-of", "2020-12-31"), args.repeat),
        timed("isaccheck check --no-git", isaccheck("--no-git"), args.repeat),
    ] if not args.skip_check else []
    rows = [
        timed("git log --name-only (plain)", git_floor(args.repo, ["log", "--name-only", "--format=%H", "HEAD"]), args.repeat),
        timed("git log, history() flags (floor)", git_floor(args.repo, HISTORY_FLAGS), args.repeat),
        timed("GitRepo.history()", history, args.repeat),
        timed("tree_source().entries()", entries, args.repeat),
        timed("entries() + read() every blob", read_all, args.repeat),
        timed("entries() + read_many(all)", read_many, args.repeat),
        *checks,
    ]
    print(f"repository: {args.repo}  commits: {commits}  cpus: {os.cpu_count()}")
    print(f"{'operation':36} {'first s':>8} {'best s':>8}  result")
    for label, first, best, result in rows:
        print(f"{label:36} {first:8.2f} {best:8.2f}  {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
