"""CPU seconds of one cold, one-job run, and of the parts of it that run once per year end.

    python bench/bench_parts.py TREE history REPO --format json
    python bench/bench_parts.py TREE report REPO --year 2026 --format md -o /dev/null

Runs the command in-process from the source tree TREE (this one, or an older one unpacked with
`git archive`), with ISACCHECK_JOBS=1 (every year end in this process) and an empty cache
directory, and prints the CPU seconds spent inside `engine.evaluate`, `tlpout.apply` and
`_Loader.same_meetings` (each called once per year end) and in the whole run (imports not
counted). Run two trees alternately, several rounds: the machine is shared, single numbers swing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable


def main() -> None:
    tree, args = Path(sys.argv[1]).resolve(), sys.argv[2:]
    sys.path.insert(0, str(tree))
    cache = tempfile.mkdtemp(prefix="bench-parts-")
    os.environ["ISACCHECK_CACHE_DIR"] = cache
    os.environ["ISACCHECK_JOBS"] = "1"
    from isaccheck import cli, engine, repository, tlpout

    spent = {"evaluate": 0.0, "apply": 0.0, "same_meetings": 0.0}

    def timed(owner: Any, name: str, label: str) -> None:
        real: Callable[..., Any] = getattr(owner, name)

        def wrapper(*a: Any, **kw: Any) -> Any:
            started = time.process_time()
            try:
                return real(*a, **kw)
            finally:
                spent[label] += time.process_time() - started

        setattr(owner, name, wrapper)

    timed(engine, "evaluate", "evaluate")  # the runner imports it at call time
    timed(tlpout, "apply", "apply")
    timed(repository._Loader, "same_meetings", "same_meetings")
    started = time.process_time()
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull), contextlib.suppress(SystemExit):
        cli.main(args)
    spent["run"] = time.process_time() - started
    print(f"{tree}: " + " ".join(f"{name} {seconds:.3f}" for name, seconds in spent.items()))
    shutil.rmtree(cache)


if __name__ == "__main__":
    main()
