"""`isaccheck check` against its floor, side by side, on generated repositories.

    python bench/bench_floor.py --sizes 1000,5000 [--repeat 3] [--base DIR] [--git COMMITS] [--cache cold|warm]

The floor (issue 14) is what any checker must do: start Python, read every document's
frontmatter with PyYAML's C loader, and (with --git) run one `git log -z --name-only`.
Each round runs the floor, then isaccheck from this source tree, then (with --base) isaccheck
from another source tree, e.g. an export of an older commit: `git archive REV | tar -x -C DIR`.
Running them alternately makes a busy machine slow all of them alike; the ratio is what
counts. The JSON of the two isaccheck versions must be byte-identical; the last round's is compared.
Repositories are bench_check.generate's (plain folders; with --git a single commit of
them after --git empty commits, so history has something to walk).
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import generate  # noqa: E402

FLOOR = r"""
import os, subprocess, sys, yaml
root = sys.argv[1]
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
count = 0
for folder, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if d != ".git"]
    for name in files:
        if name.endswith(".md"):
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            if text.startswith("---\n"):
                end = text.find("\n---", 4)
                yaml.load(text[4:end], Loader=loader)
                count += 1
if sys.argv[2] == "git":
    subprocess.run(["git", "log", "-z", "--name-only", "--format=%H %ct"], cwd=root, capture_output=True, check=True)
"""


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak resident MB and CPU seconds of this one child (wait4 gives its own
    rusage; the CPU time includes the git processes it waited for)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped by wait4
    return time.perf_counter() - started, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def make_git(root: Path, commits: int) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-01T12:00:00Z", "GIT_COMMITTER_DATE": "2026-11-01T12:00:00Z",
           "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "b@example"}
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    stream = "".join(f"commit refs/heads/main\ncommitter bench <b@example> {1500000000 + i * 3600} +0000\n"
                     f"data 5\nempty\n\n" for i in range(commits))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=stream.encode(), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "documents"], cwd=root, check=True, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--base", type=Path, help="another source tree to compare with")
    parser.add_argument("--git", type=int, default=0, metavar="COMMITS", help="make it a git repository")
    parser.add_argument("--command", default="check", choices=["check", "history", "report"])
    parser.add_argument("--repo", type=Path, help="an existing repository (e.g. gen_git_repo.py's) instead of --sizes")
    parser.add_argument("--cache", choices=["cold", "warm"], default="cold",
                        help="cold: every run starts with an empty cache directory (and fills it); warm: each "
                             "tree's own cache directory, filled by one run before the timed ones")
    parser.add_argument("--jobs-one", action="store_true",
                        help="also run this tree with ISACCHECK_JOBS=1 (history and the report on one core: "
                             "jobs.py), as `jobs1`, and compare its output too; with --base, the base too (`basejobs1`)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(f"{'documents':>9} {'run':<10} {'median s':>9} {'best s':>7} {'x floor':>8} {'peak MB':>8} {'cpu s':>6} "
          f"{'x floor':>8}")
    for size in ([0] if args.repo else (int(s) for s in args.sizes.split(","))):
        work = Path(tempfile.mkdtemp(prefix="isaccheck-floor-"))
        try:
            repo = work / "repo"
            if args.repo:
                repo = args.repo.resolve()
                size = sum(1 for _ in repo.rglob("*.md"))
            else:
                generate(repo, size)
            if args.git and not args.repo:
                make_git(repo, args.git)
            git = "git" if args.git or (repo / ".git").exists() else "-"
            tail = {"check": ["check", str(repo), "--as-of", "2026-11-28", "--format", "json"],
                    "history": ["history", str(repo), "--format", "json"],
                    "report": ["report", str(repo), "--year", "2026", "--as-of", "2026-11-28", "--format", "md"]
                    }[args.command]
            if git == "-" and args.command == "check":
                tail.append("--no-git")
            runs: dict[str, list[str]] = {"floor": [sys.executable, "-c", FLOOR, str(repo), git]}
            trees = {"isaccheck": ROOT, **({"jobs1": ROOT} if args.jobs_one else {}),
                     **({"base": args.base} if args.base else {}),
                     **({"basejobs1": args.base} if args.base and args.jobs_one else {})}
            for name, tree in trees.items():
                runs[name] = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r}); "
                              "from isaccheck.cli import main; main()", *tail, "-o", str(work / f"{name}.out")]
            extra_env = {"jobs1": {"ISACCHECK_JOBS": "1"}, "basejobs1": {"ISACCHECK_JOBS": "1"}}
            times: dict[str, list[float]] = {name: [] for name in runs}
            cpu: dict[str, list[float]] = {name: [] for name in runs}
            peaks: dict[str, float] = {name: 0.0 for name in runs}
            caches = {name: work / f"cache-{name}" for name in runs}
            if args.cache == "warm":
                for name, command in runs.items():
                    run(command, {**env, **extra_env.get(name, {}), "ISACCHECK_CACHE_DIR": str(caches[name])})
            for _ in range(args.repeat):
                for name, command in runs.items():
                    if args.cache == "cold":
                        shutil.rmtree(caches[name], ignore_errors=True)
                    seconds, peak, cpu_seconds = run(command, {**env, **extra_env.get(name, {}),
                                                               "ISACCHECK_CACHE_DIR": str(caches[name])})
                    times[name].append(seconds)
                    cpu[name].append(cpu_seconds)
                    peaks[name] = max(peaks[name], peak)
            floor = statistics.median(times["floor"])
            floor_cpu = statistics.median(cpu["floor"])
            for name, runs_ in times.items():
                median, median_cpu = statistics.median(runs_), statistics.median(cpu[name])
                print(f"{size:>9} {name:<10} {median:>9.2f} {min(runs_):>7.2f} {median / floor:>8.2f} {peaks[name]:>8.0f} "
                      f"{median_cpu:>6.2f} {median_cpu / floor_cpu:>8.2f}")
            if args.base:
                same = (work / "isaccheck.out").read_bytes() == (work / "base.out").read_bytes()
                print(f"{size:>9} output {'byte-identical' if same else 'DIFFERENT'} to the base")
            if args.jobs_one:
                same = (work / "isaccheck.out").read_bytes() == (work / "jobs1.out").read_bytes()
                print(f"{size:>9} output {'byte-identical' if same else 'DIFFERENT'} with ISACCHECK_JOBS=1")
                if args.base:
                    same = (work / "base.out").read_bytes() == (work / "basejobs1.out").read_bytes()
                    print(f"{size:>9} base output {'byte-identical' if same else 'DIFFERENT'} with ISACCHECK_JOBS=1")
        finally:
            shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
