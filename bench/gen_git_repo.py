"""Generate a synthetic ISAC document repository for benchmarks, fast, with `git fast-import`.

    python bench/gen_git_repo.py /tmp/isac-bench --files 10000 --commits 50000

Ten years of history (2015-2025; `--years N` starts N years before 2025 instead, with the same
number of commits spread over them): every commit changes one or two documents, new
documents arrive evenly over the whole history, now and then a document is renamed, and
every --merge-every commits a change is made on a side branch and merged (so history has
merges, as a real repository does). The result is checked out on branch main.

Churn (which document a commit revises): "uniform" (default, as in the first two rounds) picks any
document, so ten-year-old minutes are edited as often as this year's policy and every year end
holds about as many new blobs as the year has revisions (at 5,000 documents, about 15,000
distinct blobs over the year ends). "archive" is what an ISAC's archive looks like: minutes,
agendas, reports and advisories are written once and corrected only within a month of their
date (the minutes adopted at the next meeting); policies and guidelines are the living documents,
and they take half of the revisions. The number of commits and of revisions stays the same.

Layouts: "realistic" (default) holds a meeting every two weeks (meetings/YYYY-MM-DD/, about
260 folders over ten years) and files reports and advisories by year. "stress" gives every
day its own meetings/YYYY-MM-DD/ folder (about 3,650 side by side): every commit then
rewrites and diffs a very large tree, which is git's worst case (fast-import too: expect
about a minute to generate 10,000 x 50,000).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import IO

START = int(dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc).timestamp())
END = int(dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc).timestamp())
KINDS = ("policies", "guidelines", "reports/{year}", "advisories/{year}")
MEETING_DOCS = ("agenda", "minutes", "decisions", "attendance")
WORDS = ("ISAC", "members", "incident", "sharing", "TLP", "agreed", "action", "sector",
         "threat", "report", "vulnerability", "exercise", "chair", "secretary", "trust")
FORTNIGHT = 14 * 86400
CORRECTION_WINDOW = 30 * 86400  # "archive" churn: a written-once document is corrected within a month
LIVING = ("policies/", "guidelines/")  # "archive" churn: the documents that are revised over the years
# The document type each kind of file gets (real isaccheck types, so `isaccheck check` reads them).
TYPES = {"agenda": "agenda", "minutes": "minutes", "decisions": "minutes", "attendance": "minutes",
         "policies": "procedure", "guidelines": "procedure", "reports": "situational-picture",
         "advisories": "shared-information"}
PROFILE = b"""\
isac:
  name: Bench-ISAC
  sector: benchmark
  language: en
  purpose: A generated repository to time isaccheck on.
  meeting_frequency_months: 3
participants:
  - {organisation: Alpha, joined: 2015-01-01}
  - {organisation: Beta, joined: 2015-01-01}
ambition: {STR: 2, WOW: 2, INF: 2, SIT: 2, ACT: 2}
"""
WHO = b"ISAC Secretary <secretary@isac.example>"


class Stream:
    """Writes a fast-import stream; marks number blobs and commits."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.mark = 0

    def blob(self, content: bytes) -> int:
        self.mark += 1
        self.out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (self.mark, len(content), content))
        return self.mark

    def commit(self, ref: bytes, when: int, message: bytes, parent: int | None,
               merge: int | None, changes: list[bytes]) -> int:
        self.mark += 1
        w = self.out.write
        w(b"commit %s\nmark :%d\n" % (ref, self.mark))
        w(b"author %s %d +0000\ncommitter %s %d +0000\n" % (WHO, when, WHO, when))
        w(b"data %d\n%s\n" % (len(message), message))
        if parent is not None:
            w(b"from :%d\n" % parent)
        if merge is not None:
            w(b"merge :%d\n" % merge)
        for change in changes:
            w(change + b"\n")
        w(b"\n")
        return self.mark


def document(path: str, when: int, revision: int, rng: random.Random, text: str) -> bytes:
    day = dt.datetime.fromtimestamp(when, tz=dt.timezone.utc).date().isoformat()
    kind = TYPES[Path(path).stem.split("-")[0] if path.startswith("meetings/") else path.split("/")[0]]
    start = rng.randrange(len(text) - 2000)
    body = text[start:start + rng.randint(300, 1500)]  # a slice: random words, cheaply
    return (
        f"---\ntype: {kind}\ntitle: \"{Path(path).stem} revision {revision}\"\n"
        f"date: {day}\nstatus: adopted\ntlp: AMBER\n---\n# {Path(path).stem}\n\n{body}\n"
    ).encode()


def new_path(index: int, when: int, rng: random.Random, layout: str, start: int = START) -> str:
    meeting = when if layout == "stress" else when - (when - start) % FORTNIGHT
    day = dt.datetime.fromtimestamp(meeting, tz=dt.timezone.utc).date()
    if rng.random() < 0.6:
        return f"meetings/{day.isoformat()}/{rng.choice(MEETING_DOCS)}-{index:05}.md"
    folder = rng.choice(KINDS).format(year=day.year)
    return f"{folder}/{day.isoformat()}-{index:05}.md"


def archive_revision(paths: list[str], added: list[int], living: list[int], when: int,
                     rng: random.Random) -> str | None:
    """"archive" churn: half a living document, half a correction of one written in the last month.

    With neither at hand (early on, or few documents), the commit changes nothing: a late edit of
    written-once minutes is what this profile leaves out.
    """
    recent = bisect.bisect_left(added, when - CORRECTION_WINDOW)
    if living and (rng.random() < 0.5 or recent == len(paths)):
        return paths[rng.choice(living)]
    return paths[rng.randrange(recent, len(paths))] if recent < len(paths) else None


def generate(out: IO[bytes], files: int, commits: int, merge_every: int, seed: int,
             layout: str = "realistic", churn: str = "uniform", years: int = 10) -> None:
    rng = random.Random(seed)
    text = " ".join(rng.choices(WORDS, k=20_000))
    stream = Stream(out)
    paths: list[str] = []
    added: list[int] = []  # when paths[i] was added (ascending: paths only grow at the end)
    living: list[int] = []  # indices of policies and guidelines
    revisions: dict[str, int] = {}
    tip: int | None = None
    start = int(dt.datetime(2025 - years, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    step = (END - start) // max(commits, 1)
    for j in range(commits):
        when = start + j * step
        changes: list[bytes] = []
        if j == 0:
            changes.append(b"M 100644 :%d isac.yaml" % stream.blob(PROFILE))
        # New documents arrive evenly: after commit j there are ceil((j+1)*files/commits).
        due = -(-(j + 1) * files // commits)
        while len(paths) < due:
            path = new_path(len(paths), when, rng, layout, start)
            if path.startswith(LIVING):
                living.append(len(paths))
            added.append(when)
            paths.append(path)
            revisions[path] = 0
            changes.append(b"M 100644 :%d %s" % (stream.blob(document(path, when, 0, rng, text)), path.encode()))
        if paths and (not changes or rng.random() < 0.5):
            path = rng.choice(paths) if churn == "uniform" else archive_revision(paths, added, living, when, rng)
        else:
            path = None
        if path is not None:
            revisions[path] += 1
            mark = stream.blob(document(path, when, revisions[path], rng, text))
            changes.append(b"M 100644 :%d %s" % (mark, path.encode()))
        if j % 500 == 499 and len(paths) > 1:
            # An occasional rename: a moved document, which history counts as new.
            index = rng.randrange(len(paths))
            old = paths[index]
            if all(old.encode() not in c for c in changes):
                new = old.replace(".md", "-renamed.md")
                paths[index] = new
                revisions[new] = revisions.pop(old)
                changes.append(b'R "%s" "%s"' % (old.encode(), new.encode()))
        message = b"commit %d" % j
        if merge_every and j % merge_every == merge_every - 1 and tip is not None and not any(
                c.startswith(b"R") for c in changes):
            side = stream.commit(b"refs/heads/topic", when - 60, message, tip, None, changes)
            # fast-import does not merge trees: the merge restates the side branch's changes.
            tip = stream.commit(b"refs/heads/main", when, b"Merge topic", tip, side, changes)
        else:
            tip = stream.commit(b"refs/heads/main", when, message, tip, None, changes)
    out.write(b"reset refs/heads/topic\nfrom 0000000000000000000000000000000000000000\n\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--merge-every", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--layout", choices=("realistic", "stress"), default="realistic")
    parser.add_argument("--churn", choices=("uniform", "archive"), default="uniform",
                        help="which documents commits revise (see above)")
    parser.add_argument("--years", type=int, default=10,
                        help="years of history, ending on 1 January 2025 (default 10: from 2015)")
    parser.add_argument("--force", action="store_true", help="replace an existing target")
    args = parser.parse_args(argv)
    if args.files > args.commits:
        parser.error("--files must not exceed --commits (each commit adds at most a few)")
    if not 1 <= args.years <= 50:
        parser.error("--years must be 1 to 50")
    if args.target.exists():
        if not args.force:
            parser.error(f"{args.target} exists (use --force to replace it)")
        shutil.rmtree(args.target)
    args.target.mkdir(parents=True)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)

    def run(*git_args: str) -> None:
        subprocess.run(["git", *git_args], cwd=args.target, env=env, check=True)

    run("init", "-q", "-b", "main")
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=args.target, env=env,
                                stdin=subprocess.PIPE)
    assert importer.stdin is not None
    generate(importer.stdin, args.files, args.commits, args.merge_every, args.seed, args.layout, args.churn,
             args.years)
    importer.stdin.close()
    if importer.wait() != 0:
        print("git fast-import failed", file=sys.stderr)
        return 1
    run("reset", "-q", "--hard", "main")
    return 0


def year_end_commits(path: Path, since: int) -> list[str]:
    """The commit on HEAD's first-parent line at each 31 December from `since` to this year (as
    `history` picks them), for the benchmarks that list and load a generated history's year ends."""
    found = []
    for year in range(since, dt.date.today().year + 1):
        sha = subprocess.run(["git", "-C", str(path), "rev-list", "-1", "--first-parent",
                              f"--before={year}-12-31T23:59:59", "HEAD"], capture_output=True, text=True).stdout.strip()
        if sha:
            found.append(sha)
    return found


if __name__ == "__main__":
    sys.exit(main())
