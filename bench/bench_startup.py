"""Start-up: `isaccheck --version` and `validate` of a few files against `python -c 'import click'`.

    python bench/bench_startup.py [--repeat 15] [--files 10]

Runs the commands alternately (so a busy machine slows all of them alike) and prints the
median of each and its ratio to the floor, `python -c 'import click'`. The commands run as
`python -c 'from isaccheck.cli import main; main()'`, i.e. what the `isaccheck` console
script does, from the source tree this file sits in.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import generate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--files", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="isaccheck-startup-"))
    generate(work / "repo", 300)
    changed = sorted(str(p) for p in (work / "repo").rglob("*.md"))[: args.files]
    entry = "import sys; from isaccheck.cli import main; sys.argv[0] = 'isaccheck'; main()"
    commands = {
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "isaccheck --version": [sys.executable, "-c", entry, "--version"],
        f"isaccheck validate ({args.files} files)": [sys.executable, "-c", entry, "validate", *changed],
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - started)
    floor = statistics.median(times["python -c 'import click'"])
    print(f"{'command':<34} {'median s':>9} {'x floor':>8}")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"{name:<34} {median:>9.3f} {median / floor:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
