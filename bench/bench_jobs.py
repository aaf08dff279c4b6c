"""How a cold `history` or report shares its year ends between this process and the child (jobs.py).

    python bench/bench_jobs.py REPO [--command history|report] [--year 2026]

One cold run in-process (no cache on disk), with two jobs: how many past year ends the child
evaluated and how many this process did, when each side finished, and how many distinct blobs
were loaded (read, parsed, validated) in both processes, against the plain way's count
(ISACCHECK_JOBS=1), and of those how many were today's (loaded by this process before its own
year ends: docs/performance.md, "Tenth round"); CPU seconds (both processes and git) and peak memory. The child's loaded
keys are written to a temporary file by this script only (isaccheck's child writes nothing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import marshal
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from isaccheck import jobs, yearends  # noqa: E402
from isaccheck.loadcache import LoadCache  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--command", choices=["history", "report"], default="history")
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    os.environ["ISACCHECK_NO_CACHE"] = "1"
    keys_file = Path(tempfile.mkdtemp(prefix="bench-jobs-")) / "child.keys"
    original_work = yearends.Ahead._child_work
    marks: dict[str, float] = {}

    def child_work(self: yearends.Ahead, todo: list[dt.date]) -> Callable[[int], Any]:
        work = original_work(self, todo)

        def recording(index: int) -> Any:
            result = work(index)
            own = list(self.cache.files) if self.cache else []
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            keys_file.write_bytes(marshal.dumps((index, time.perf_counter(), own, peak)))
            return result
        return recording

    original_results = yearends.Ahead.results
    today_keys: list[Any] = []

    def results(self: yearends.Ahead, *args: Any, **kwargs: Any) -> Any:
        if self.forked and self.cache is not None:  # what this process loaded for today
            today_keys.extend(self.cache.files)
            marks["today loaded"] = time.perf_counter()
        return original_results(self, *args, **kwargs)

    yearends.Ahead.results = results  # type: ignore[method-assign]
    original_finish = jobs.Split.finish
    original_start = jobs.Split.start

    def start(self: jobs.Split) -> bool:
        marks["forked"] = time.perf_counter()
        return original_start(self)

    def finish(self: jobs.Split) -> dict[int, Any]:
        marks["parent done"] = time.perf_counter()
        found = original_finish(self)
        marks["child collected"] = time.perf_counter()
        marks["child items"] = len(found)
        marks["items"] = self.count
        return found

    yearends.Ahead._child_work = child_work  # type: ignore[method-assign]
    jobs.Split.finish = finish  # type: ignore[method-assign]
    jobs.Split.start = start  # type: ignore[method-assign]
    jobs.cpus = lambda: 2

    def once(jobs_: int) -> tuple[float, LoadCache]:
        token = jobs.JOBS.set(jobs_)
        cpu = os.times()
        marks["cpu0"] = cpu.user + cpu.system + cpu.children_user + cpu.children_system
        cache = LoadCache()
        started = time.perf_counter()
        marks["start"] = started
        try:
            if args.command == "history":
                from isaccheck.history import profile_history

                profile_history(args.repo, cache=cache)
            else:
                from isaccheck.report import build_report

                build_report(args.repo, args.year, as_of=dt.date(args.year, 11, 28), cache=cache)
        finally:
            jobs.JOBS.reset(token)
        cpu = os.times()
        marks["cpu"] = cpu.user + cpu.system + cpu.children_user + cpu.children_system - marks["cpu0"]
        return time.perf_counter() - started, cache

    try:
        plain_seconds, plain = once(1)
        plain_cpu = marks["cpu"]
        marks.clear()
        seconds, mine = once(2)
        child_index, child_end, child_keys, child_peak = (
            marshal.loads(keys_file.read_bytes()) if keys_file.exists() else (-1, 0.0, [], 0))
    finally:
        shutil.rmtree(keys_file.parent, ignore_errors=True)
    both = set(mine.files) & set(child_keys)
    print(f"one job: {plain_seconds:.2f} s (CPU {plain_cpu:.2f} s, git included), {len(plain.files)} distinct blobs loaded")
    print(f"two jobs: {seconds:.2f} s (CPU {marks.get('cpu', 0):.2f} s, both processes and git); the child evaluated {marks.get('child items', 0)} of {marks.get('items', 0)} "
          f"year ends it was given (forked at {marks.get('forked', 0) - marks['start']:.2f} s, its last done at "
          f"{child_end - marks['start']:.2f} s); this process was done with its "
          f"share at {marks.get('parent done', 0) - marks['start']:.2f} s, had the child's at "
          f"{marks.get('child collected', 0) - marks['start']:.2f} s")
    print(f"blobs loaded: this process {len(mine.files)}, the child {len(child_keys)}, in both {len(both)} "
          f"({len(mine.files) + len(child_keys) - len(plain.files):+d} against one job); of those in both, "
          f"{len(both & set(today_keys))} were today's (this process had loaded today's at "
          f"{marks.get('today loaded', 0) - marks['start']:.2f} s)")
    print(f"peak resident memory: this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
          f"(both runs), the child {child_peak / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
