"""The rule evaluations of one cold `history`, timed alone (CPU seconds).

    python bench/bench_evaluate.py TREE REPO [--repeat 5]

Runs `isaccheck history REPO` from the source tree TREE (this one, or an older one unpacked with
`git archive`) with an empty cache directory, capturing every `engine.evaluate` call and its CPU
time (the first pass, cold), then evaluates the captured repositories again, `--repeat` times,
and prints the best. Run two trees alternately: the machine is shared, single numbers swing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    os.environ["ISACCHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-evaluate-")
    from isaccheck import engine
    from isaccheck.cli import main as cli

    real = engine.evaluate
    captured: list[tuple[Any, ...]] = []
    first: list[float] = []

    def grab(repo: Any, pack: Any, as_of: Any, **kw: Any) -> Any:
        captured.append((repo, pack, as_of, kw))
        started = time.process_time()
        try:
            return real(repo, pack, as_of, **kw)
        finally:
            first.append(time.process_time() - started)

    engine.evaluate = grab  # runner imports it at call time
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull), contextlib.suppress(SystemExit):
        cli(["history", str(args.repo), "--format", "json"])
    engine.evaluate = real
    best = float("inf")
    for _ in range(args.repeat):
        started = time.process_time()
        for repo, pack, as_of, kw in captured:
            real(repo, pack, as_of, **kw)
        best = min(best, time.process_time() - started)
    print(f"{args.tree}: {len(captured)} evaluations; first pass {sum(first):.3f} CPU s; "
          f"again, best of {args.repeat}: {best:.3f} CPU s ({best / max(len(captured), 1) * 1000:.1f} ms each)")


if __name__ == "__main__":
    main()
