"""Storage layouts for the persistent load cache (isaccheck/loadcache.py), measured.

    python bench/bench_loadcache.py [--sizes 5000,20000] [--repeat 5]

Loads a generated repository (bench_check.generate) once to get the real entries, then times
writing and reading them in each layout: one file per repository holding every entry (marshal,
pickle, JSON; marshal also in batches, as loadcache.py writes it), and one file per blob
(marshal). "write +MB" is the peak of memory allocated while writing (tracemalloc, in a round of
its own). Reading is what a warm run pays; writing is what a cold run (or a run after a change)
pays. Also times environment(), which every run pays.
"""

from __future__ import annotations

import argparse
import gc
import json
import marshal
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import generate  # noqa: E402

from isaccheck import loadcache  # noqa: E402
from isaccheck.repository import load_repository  # noqa: E402
from isaccheck.sources import WorkingTreeSource  # noqa: E402


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(value)


def layouts(folder: Path) -> dict[str, tuple[Callable[[dict[Any, Any]], None], Callable[[], Any]]]:
    one = folder / "one"

    def marshal_save(files: dict[Any, Any]) -> None:
        one.write_bytes(marshal.dumps([(k, loadcache.encode(v)) for k, v in files.items()]))

    def marshal_load() -> Any:
        return {k: loadcache.decode(v) for k, v in marshal.loads(one.read_bytes())}

    def pickle_save(files: dict[Any, Any]) -> None:
        one.write_bytes(pickle.dumps(files, protocol=pickle.HIGHEST_PROTOCOL))

    def pickle_load() -> Any:
        return pickle.loads(one.read_bytes())

    def json_save(files: dict[Any, Any]) -> None:
        one.write_text(json.dumps([[list(k), loadcache.encode(v)] for k, v in files.items()], default=_json_default))

    def json_load() -> Any:
        # Lists come back where tuples went in; decode accepts both (a measurement, not a format).
        return {tuple(k): loadcache.decode(v) for k, v in json.loads(one.read_text())}

    def batches_save(files: dict[Any, Any]) -> None:
        keys = list(files)
        loadcache.write_parts(one, ("header",), ([(k, loadcache.encode(files[k])) for k in keys[i:i + loadcache.BATCH]]
                                                for i in range(0, len(keys), loadcache.BATCH)))

    def batches_load() -> Any:
        parts = loadcache.read_parts(one.read_bytes())
        next(parts)
        return {k: loadcache.decode(v) for batch in parts for k, v in batch}

    per_blob = folder / "blobs"

    def blobs_save(files: dict[Any, Any]) -> None:
        per_blob.mkdir(exist_ok=True)
        for key, value in files.items():
            (per_blob / f"{key[3]}-{key[1]}").write_bytes(marshal.dumps((key, loadcache.encode(value))))

    def blobs_load() -> Any:
        found = {}
        for name in os.listdir(per_blob):
            with open(per_blob / name, "rb") as handle:
                key, value = marshal.loads(handle.read())
            found[key] = loadcache.decode(value)
        return found

    return {"one file, marshal": (marshal_save, marshal_load),
            "one file, marshal batches": (batches_save, batches_load),
            "one file, pickle": (pickle_save, pickle_load),
            "one file, JSON": (json_save, json_load), "file per blob, marshal": (blobs_save, blobs_load)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-gc", action="store_true", help="write and read with the garbage collector off")
    args = parser.parse_args()
    started = time.perf_counter()
    loadcache.environment()
    print(f"environment(): {1000 * (time.perf_counter() - started):.1f} ms (once per run)")
    print(f"{'documents':>9} {'layout':<26} {'write ms':>9} {'read ms':>8} {'MB':>6} {'write +MB':>9}")
    for size in (int(s) for s in args.sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix="isaccheck-loadcache-"))
        try:
            generate(work / "repo", size)
            cache = loadcache.LoadCache()
            load_repository(WorkingTreeSource(work / "repo"), cache=cache)
            for name, (save, load) in layouts(work).items():
                writes, reads, grown = [], [], 0.0
                for _ in range(args.repeat):
                    shutil.rmtree(work / "blobs", ignore_errors=True)
                    started = time.perf_counter()
                    if args.no_gc:
                        gc.disable()
                    save(cache.files)
                    gc.enable()
                    writes.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    if args.no_gc:
                        gc.disable()
                    back = load()
                    gc.enable()
                    reads.append(time.perf_counter() - started)
                assert back == cache.files, name  # every layout gives back what went in
                shutil.rmtree(work / "blobs", ignore_errors=True)
                tracemalloc.start()  # apart from the timed rounds: it slows allocation down
                save(cache.files)
                grown = tracemalloc.get_traced_memory()[1] / 1e6
                tracemalloc.stop()
                on_disk = sum(p.stat().st_size for p in work.rglob("*") if p.is_file() and "repo" not in p.parts)
                print(f"{size:>9} {name:<26} {1000 * statistics.median(writes):>9.0f} "
                      f"{1000 * statistics.median(reads):>8.0f} {on_disk / 1e6:>6.1f} {grown:>9.0f}")
                (work / "one").unlink(missing_ok=True)
        finally:
            shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
