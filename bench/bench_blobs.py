"""Reading HEAD's documents: `git cat-file --batch` against the working tree's files, side by side.

    python bench/bench_blobs.py /tmp/hist/a5k [--repeat 3]

Each way runs in its own process, alternately (a busy machine slows both alike): "catfile" is
what prefetch did for a commit's tree (GitTreeSource.read_many through one cat-file), "disk"
reads every Markdown file and sidecar from the working tree through the no-follow reader and
checks it against its blob id (sha1 of "blob N\\0" + content), as GitTreeSource._from_disk does.
Wall seconds and CPU seconds (this process and the git processes it waited for).
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one(repo_path: Path, way: str) -> None:
    sys.path.insert(0, str(ROOT))
    from isaccheck.gitrepo import GitTreeSource, open_repo
    from isaccheck.sources import WorkingTreeSource

    repo = open_repo(repo_path)
    assert repo is not None and repo.head() is not None
    tree = GitTreeSource(repo.top, repo.prefix, str(repo.head()))
    wanted = [e.path for e in tree.entries() if e.kind == "file" and e.path.endswith((".md", ".meta.yaml"))]
    sizes = {e.path: e.size for e in tree.entries()}

    def cpu() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    started, used = time.perf_counter(), cpu()
    if way == "catfile":
        data = tree.read_many(wanted)
    else:
        disk = WorkingTreeSource(repo_path)
        data = {}
        for path in wanted:
            raw = disk.read_exact(path, sizes[path])
            if raw is not None and hashlib.sha1(b"blob %d\0" % len(raw) + raw,
                                                usedforsecurity=False).hexdigest() == tree.blob_id(path):
                data[path] = raw
    tree.close()
    print(f"{time.perf_counter() - started} {cpu() - used} {len(data)}")


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        one(Path(sys.argv[2]), sys.argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float, int]]] = {"catfile": [], "disk": []}
    for _ in range(args.repeat):
        for way in results:
            out = subprocess.run([sys.executable, __file__, "--one", str(args.repo), way], check=True,
                                 capture_output=True, text=True).stdout.split()
            results[way].append((float(out[0]), float(out[1]), int(out[2])))
    for way, runs in results.items():
        print(f"{way:8} files {runs[0][2]:>6}  wall median {statistics.median(r[0] for r in runs):.3f} s  "
              f"cpu median {statistics.median(r[1] for r in runs):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
