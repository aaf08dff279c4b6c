"""Start-up: `isaccheck --version` and `validate` of a few files against `python -c 'import click'`.

    python bench/bench_startup.py [--repeat 15] [--files 10] [--base DIR]

Runs the commands alternately (so a busy machine slows all of them alike) and prints the
median of each and its ratio to the floor, `python -c 'import click'`: wall-clock seconds and
CPU seconds (user + system of the child, from wait4), the latter steadier on a shared machine.
The commands run as `python -c 'from isaccheck.cli import main; main()'`, i.e. what the
`isaccheck` console script does, from the source tree this file sits in. Byte code is written
and used (PYTHONDONTWRITEBYTECODE is dropped, one warm-up round is not counted), as in an
installed copy: pip compiles every module at installation, so an installed isaccheck never
compiles its source at start-up. With --base, the same two commands from another source tree
(an export of an older commit: `git archive REV | tar -x -C DIR`) run in the same rounds.
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
    parser.add_argument("--base", type=Path, help="another source tree to compare with")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="isaccheck-startup-"))
    generate(work / "repo", 300)
    changed = sorted(str(p) for p in (work / "repo").rglob("*.md"))[: args.files]
    entry = "import sys; from isaccheck.cli import main; sys.argv[0] = 'isaccheck'; main()"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {"python -c 'import click'": ([sys.executable, "-c", "import click"], env)}
    for label, tree in (("", ROOT), *((("base ", args.base),) if args.base else ())):
        tree_env = {**env, "PYTHONPATH": str(tree)}
        commands[f"{label}isaccheck --version"] = ([sys.executable, "-c", entry, "--version"], tree_env)
        commands[f"{label}isaccheck validate ({args.files} files)"] = (
            [sys.executable, "-c", entry, "validate", *changed], tree_env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(args.repeat + 1):
        for name, (command, command_env) in commands.items():
            started = time.perf_counter()
            child = subprocess.Popen(command, env=command_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(child.pid, 0)
            child.returncode = 0  # reaped by wait4
            if round_:  # the first round writes the byte code
                times[name].append(time.perf_counter() - started)
                cpu[name].append(usage.ru_utime + usage.ru_stime)
    floor = statistics.median(times["python -c 'import click'"])
    floor_cpu = statistics.median(cpu["python -c 'import click'"])
    print(f"{'command':<39} {'median s':>9} {'x floor':>8} {'cpu s':>7} {'x floor':>8}")
    for name, runs in times.items():
        median, median_cpu = statistics.median(runs), statistics.median(cpu[name])
        print(f"{name:<39} {median:>9.3f} {median / floor:>8.2f} {median_cpu:>7.3f} {median_cpu / floor_cpu:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
