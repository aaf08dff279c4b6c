"""The rule evaluations of one cold `history`, timed alone (CPU seconds).

    python bench/bench_evaluate.py TREE REPO [--repeat 5]

Runs `isaccheck history REPO` from the source tree TREE (this one, or an older one unpacked with
`git archive`) with an empty cache directory, capturing every `engine.evaluate` call and its CPU
time (the first pass, cold), then evaluates the captured repositories again, `--repeat` times,
and prints the best: "as in a run" drops the documents' memoised facts first (the eighth round's
evaluation memo: each fact computed at its first year end, as in a cold run), "facts kept" evaluates
once more with them (every fact found). Run two trees alternately: the machine is shared, single
numbers swing. `ISACCHECK_JOBS=1` keeps every evaluation in this process.
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
    import gc

    from isaccheck import cli as cli_module

    # The collector as during a run (cli.main sets it, and puts the default back when it returns).
    gc.set_threshold(*getattr(cli_module, "GC_THRESHOLDS", gc.get_threshold()))
    best = fresh = float("inf")
    for _ in range(args.repeat):
        # As in a run: the documents' memoised facts (evidence.remembered, eighth round) dropped
        # first, so each is computed at its first year end again; a tree without them is unchanged.
        for repo, *_ in captured:
            for doc in repo.documents:
                doc.__dict__.pop("_memo", None)
        started = time.process_time()
        for repo, pack, as_of, kw in captured:
            real(repo, pack, as_of, **kw)
        fresh = min(fresh, time.process_time() - started)
        started = time.process_time()  # again with the facts kept: what memoising cannot go below
        for repo, pack, as_of, kw in captured:
            real(repo, pack, as_of, **kw)
        best = min(best, time.process_time() - started)
    count = max(len(captured), 1)
    print(f"{args.tree}: {len(captured)} evaluations; first pass {sum(first):.3f} CPU s; "
          f"again as in a run, best of {args.repeat}: {fresh:.3f} CPU s ({fresh / count * 1000:.1f} ms each); "
          f"facts kept: {best:.3f} CPU s ({best / count * 1000:.1f} ms each)")


if __name__ == "__main__":
    main()
