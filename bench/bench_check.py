"""Time and peak memory of `isaccheck check` on generated repositories of growing size.

    python bench/bench_check.py [--sizes 100,1000,5000] [--repeat 3]

Each size is a plain folder (no git) with an isac.yaml of 25 participants and N documents:
quarterly-ish meetings (agenda + minutes), shared information, situational pictures and the
yearly documents. The check runs in a fresh process (`python -m isaccheck check ... --format
json`), so the peak resident memory (ru_maxrss of the child) is the whole run's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARTICIPANTS = [f"Organisatie {i:02d}" for i in range(25)]


def profile() -> str:
    lines = ["isac:", "  name: Bench-ISAC", "  language: en", "  purpose: Benchmark.",
             "  common_characteristics: {systems: [SCADA]}", "  meeting_frequency_months: 1",
             "  required_functions: [CISO]", "roles:",
             f"  chair: {{name: A, organisation: {PARTICIPANTS[0]}}}",
             f"  vice_chair: {{name: B, organisation: {PARTICIPANTS[1]}}}",
             f"  secretary: {{name: C, organisation: {PARTICIPANTS[2]}}}", "participants:"]
    for name in PARTICIPANTS:
        lines += [f"  - organisation: {name}", "    joined: 2015-01-01",
                  "    representative: {name: X, function: CISO}",
                  "    management_support: {by: CIO, date: 2015-01-01}", "    mandate: true"]
    lines.append("ambition: {STR: 3, WOW: 3, INF: 3, SIT: 3, ACT: 3}")
    return "\n".join(lines) + "\n"


def generate(root: Path, count: int) -> None:
    root.mkdir(parents=True)
    (root / "isac.yaml").write_text(profile())
    day = dt.date(2026, 11, 1)
    attendees = "[" + ", ".join(PARTICIPANTS) + "]"
    written = 0
    while written < count:
        folder = root / "meetings" / str(day.year) / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "agenda.md").write_text(
            f"---\ntype: agenda\ndate: {day}\nissued_on: {day - dt.timedelta(days=7)}\ntlp: GREEN\n"
            f"prepared_by: [chair, secretary]\nitems: [Opening, Rondje rood]\n---\n# Agenda\n")
        (folder / "minutes.md").write_text(
            f"---\ntype: minutes\ndate: {day}\ntlp: AMBER\nattendees: {attendees}\n"
            f"roundtable: [{{category: phishing, tlp: AMBER}}]\n"
            f"actions: [{{action: Follow up, owner: {PARTICIPANTS[3]}, due: {day + dt.timedelta(days=14)}}}]\n"
            f"---\n# Minutes\n\n" + "Discussion of the incident round.\n" * 40)
        (root / "shared" / str(day.year)).mkdir(parents=True, exist_ok=True)
        (root / "shared" / str(day.year) / f"{day}-advice.md").write_text(
            f"---\ntype: shared-information\ndate: {day}\ntlp: GREEN\nshared_with: [participants]\n"
            f"level: tactical\nformat: misp\naction_perspective: Patch.\naction_perspective_shareable: true\n---\n")
        written += 3
        day -= dt.timedelta(days=14)


def measure(root: Path, repeat: int) -> tuple[float, float, float]:
    times = []
    peak = 0.0
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "isaccheck", "check", str(root), "--as-of", "2026-11-28",
                        "--format", "json", "-o", "/dev/null"], check=False)
        times.append(time.perf_counter() - started)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return min(times), statistics.median(times), peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'documents':>10} {'best s':>8} {'median s':>9} {'peak MB':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix="isaccheck-bench-"))
        try:
            generate(work / "repo", size)
            best, median, peak = measure(work / "repo", args.repeat)
            print(f"{size:>10} {best:>8.2f} {median:>9.2f} {peak:>8.0f}")
        finally:
            shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
