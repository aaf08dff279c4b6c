"""`history` or the report against one cold `check` of the same repository, this tree and a base
alternately: wall and CPU seconds, "x one check", with two jobs (the default) and with one.

    python bench/bench_ratio.py BASE REPO [--rounds 7] [--command history|report]

Each round runs, for this source tree and then the base (the order swapped every other round), a
cold `check`, the command with the default jobs and the command with ISACCHECK_JOBS=1, each with
an empty ISACCHECK_CACHE_DIR of its own (a temporary folder). CPU seconds are the process tree's
(wait4: isaccheck, its forked child and git). Issue 14's goal is the command at most 2x one cold
check: the ratio is taken per round (a check and the command of the same minutes) and of the
medians. The outputs of the two trees, and of two jobs and one, must be byte-identical.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(tree: Path, tail: list[str], jobs: int | None, out: Path, cache: Path) -> tuple[float, float]:
    shutil.rmtree(cache, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["ISACCHECK_CACHE_DIR"] = str(cache)
    if jobs is not None:
        env["ISACCHECK_JOBS"] = str(jobs)
    command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r}); from isaccheck.cli import main; main()",
               *tail, "-o", str(out)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped by wait4
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--command", choices=["history", "report"], default="history")
    args = parser.parse_args()
    repo = str(args.repo.resolve())
    tails = {"check": ["check", repo, "--as-of", "2026-11-28", "--format", "json"],
             "history": ["history", repo, "--format", "json"],
             "report": ["report", repo, "--year", "2026", "--as-of", "2026-11-28", "--format", "md"]}
    runs = (("check", tails["check"], None), ("two", tails[args.command], None), ("one", tails[args.command], 1))
    work = Path(tempfile.mkdtemp(prefix="bench-ratio-"))
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    loads = []
    try:
        for round_ in range(args.rounds):
            loads.append(os.getloadavg()[0])
            trees = [("this", ROOT), ("base", args.base)]
            for name, tree in trees if round_ % 2 == 0 else trees[::-1]:
                for kind, tail, jobs in runs:
                    found.setdefault((name, kind), []).append(
                        run(tree, tail, jobs, work / f"{name}-{kind}.out", work / "cache"))
        same = all((work / f"this-{kind}.out").read_bytes() == (work / f"base-{kind}.out").read_bytes()
                   for kind, _, _ in runs)
        jobs_same = (work / "this-two.out").read_bytes() == (work / "this-one.out").read_bytes()
    finally:
        shutil.rmtree(work)
    print(f"{args.command} {repo}: {args.rounds} rounds, load average {min(loads):.2f}-{max(loads):.2f}; output "
          f"{'byte-identical' if same else 'DIFFERENT'} to the base's, two jobs' {'the same as' if jobs_same else 'DIFFERENT from'} one job's")
    for name in ("this", "base"):
        wall = {kind: statistics.median(w for w, _ in found[(name, kind)]) for kind, _, _ in runs}
        cpu = {kind: statistics.median(c for _, c in found[(name, kind)]) for kind, _, _ in runs}
        rounds = {kind: sorted(found[(name, kind)][i][0] / found[(name, "check")][i][0] for i in range(args.rounds))
                  for kind in ("two", "one")}
        print(f"  {name}: check {wall['check']:.2f} s (CPU {cpu['check']:.2f})"
              + "".join(f" | {label} {wall[kind]:.2f} s (CPU {cpu[kind]:.2f}) = {wall[kind] / wall['check']:.2f}x one check, "
                        f"per round {statistics.median(rounds[kind]):.2f} ({rounds[kind][0]:.2f}-{rounds[kind][-1]:.2f})"
                        for kind, label in (("two", "two jobs"), ("one", "one job"))))


if __name__ == "__main__":
    main()
