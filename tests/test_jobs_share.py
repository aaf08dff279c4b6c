"""Two jobs load no blob twice: this process hands the child the load-cache entries it loads
(yearends.Ahead.share, jobs.Split.send/received), so the child does not read, parse and validate
today's documents again. The output stays byte for byte that of one job, whatever the feed
carries (garbage, a frame cut short, nothing at all)."""

from __future__ import annotations

import datetime as dt
import marshal
import mmap
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from isaccheck import jobs, yearends

from .test_jobs import ROOT, Recorder, history, reaped, recorder, report  # noqa: F401  (recorder: a fixture)

CHURNS = ("uniform", "archive")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Ten generated years of 300 documents, with either churn (bench/gen_git_repo.py)."""
    folder = tmp_path_factory.mktemp("share-generated")
    made = {}
    for churn in CHURNS:
        target = folder / churn
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_git_repo.py"), str(target), "--files", "300",
                        "--commits", "600", "--years", "10", "--churn", churn], check=True, capture_output=True)
        made[churn] = target
    return made


@pytest.fixture(autouse=True)
def cold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISACCHECK_NO_CACHE", "1")  # every run cold: the year ends are evaluated, not remembered


class Seen:
    """What the child loaded itself and took from the feed (written by the child, read here)."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.today: set[Any] = set()  # this process's entries when its year ends began (today's)

    def child(self) -> tuple[set[Any], int]:
        """The keys the child loaded itself, and how many entries it took from the feed (last run)."""
        own, installed = marshal.loads(self.where.read_bytes())
        return {tuple(key) for key in own}, installed


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Seen]:
    """The child writes down, after each year end, what it loaded itself (not what it took from
    the feed, not what it had at the fork); its first year end waits (10 s at most) until this
    process has handed over today's entries, so what the tests count does not depend on timing."""
    record = Seen(tmp_path / "child.keys")
    original_work, original_results, original_share = (yearends.Ahead._child_work, yearends.Ahead.results,
                                                       yearends.Ahead.share)
    go_read, go_write = os.pipe()
    state = {"results": False, "signalled": False}

    def child_work(self: yearends.Ahead, todo: list[dt.date]) -> Callable[[int], Any]:
        at_fork = set(self.cache.files) if self.cache is not None else set()
        work = original_work(self, todo)

        def recording(index: int) -> Any:
            if index == 0 and select.select([go_read], [], [], 10)[0]:
                os.read(go_read, 2)  # this run's signal, taken: the next run's child waits for its own
            result = work(index)
            files = self.cache.files if self.cache is not None else {}
            own = [key for key in files if key not in self.installed and key not in at_fork]
            record.where.write_bytes(marshal.dumps((own, len(self.installed))))
            return result
        return recording

    def results(self: yearends.Ahead, *args: Any, **kwargs: Any) -> Any:
        if self.forked and self.cache is not None:
            record.today = set(self.cache.files)
        state["results"], state["signalled"] = True, False  # each run's child waits for that run's signal
        return original_results(self, *args, **kwargs)

    def share(self: yearends.Ahead) -> None:
        original_share(self)
        if state["results"] and not state["signalled"]:  # results() began with this share: today's entries
            state["signalled"] = True
            os.write(go_write, b"go")

    monkeypatch.setattr(yearends.Ahead, "_child_work", child_work)
    monkeypatch.setattr(yearends.Ahead, "results", results)
    monkeypatch.setattr(yearends.Ahead, "share", share)
    monkeypatch.setattr(jobs, "GRACE_SECONDS", 5.0)
    yield record
    os.close(go_read)
    os.close(go_write)


def test_the_child_loads_none_of_todays_blobs(generated: dict[str, Path], recorder: Recorder, seen: Seen) -> None:
    repo = generated["uniform"]
    plain = history(repo, 1)
    assert history(repo, 2) == plain
    assert len(recorder.forked) == 1 and recorder.delivered[0] >= 1
    own, installed = seen.child()
    assert seen.today and installed > 0, "the child used today's entries from this process"
    # The counter of issue 14: a blob of today is loaded in one process only. (Those of the past
    # near where the two meet can still be loaded in both: they load them at the same time.)
    assert not own & seen.today, f"{len(own & seen.today)} of today's blobs loaded again in the child"
    assert own, "the child loaded the past's other blobs itself"


def test_without_the_feed_the_child_loads_them_again(generated: dict[str, Path], recorder: Recorder, seen: Seen,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The counter above detects the duplicates: a parent that never sends (the child then loads
    everything itself, as before this round) gives the same output and many blobs in both."""
    repo = generated["uniform"]
    plain = history(repo, 1)
    monkeypatch.setattr(jobs.Split, "send", lambda self, value: False)
    assert history(repo, 2) == plain
    own, installed = seen.child()
    assert installed == 0 and own & seen.today  # the child claims its first year end before it waits: at least that one


@pytest.mark.parametrize("churn", CHURNS)
def test_two_jobs_sharing_entries_give_the_plain_output(churn: str, generated: dict[str, Path], recorder: Recorder,
                                                        seen: Seen) -> None:
    repo = generated[churn]
    plain = history(repo, 1), history(repo, 1, "--lang", "nl"), report(repo, 1), report(repo, 1, "--lang", "nl")
    assert (history(repo, 2), history(repo, 2, "--lang", "nl"), report(repo, 2), report(repo, 2, "--lang", "nl")) == plain
    assert len(recorder.forked) == 4 and all(reaped(pid) for pid in recorder.forked)
    _, installed = seen.child()
    assert installed > 0


def _bad_feed(how: str) -> Callable[[jobs.Split, Any], bool]:
    original = jobs.Split.send

    def send(self: jobs.Split, value: Any) -> bool:
        if how == "garbage entries":  # pairs that are not entries, and every real key with garbage
            pairs = [("not a key", 1), (("x",), ("not", "an", "entry")), 7, (["unhashable"], b"")] + [
                (key, b"\xff\xfe not marshal" if i % 2 else marshal.dumps(("not", "an", "entry")))
                for i, (key, _) in enumerate(value)]
            return original(self, pairs)
        if how == "not a batch":
            return original(self, 42)
        assert self._feed is not None and self._shared is not None
        data = marshal.dumps(value)
        if how == "garbage bytes":  # a frame that is not marshal data, then a good one
            frames = jobs._FRAME.pack(3) + b"\xff\x00\x01" + jobs._FRAME.pack(len(data)) + data
        else:  # "cut short": a frame longer than what was published, and nothing after it
            if self._fed:
                return False
            frames = jobs._FRAME.pack(len(data) + 100) + data
        written = os.pwrite(self._feed, frames, self._fed)
        self._fed += written
        mmap_ = self._shared
        mmap_[16:24] = self._fed.to_bytes(8, "little", signed=True)
        return True
    return send


@pytest.mark.parametrize("how", ["garbage entries", "not a batch", "garbage bytes", "cut short"])
def test_a_bad_feed_changes_nothing_but_time(how: str, generated: dict[str, Path], recorder: Recorder, seen: Seen,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    repo = generated["uniform"]
    plain = history(repo, 1), report(repo, 1)
    monkeypatch.setattr(jobs.Split, "send", _bad_feed(how))
    assert (history(repo, 2), report(repo, 2)) == plain
    assert len(recorder.forked) == 2 and all(reaped(pid) for pid in recorder.forked)
    _, installed = seen.child()
    if how == "garbage bytes":
        assert installed > 0  # the good frame after the garbage one is used
    else:
        assert installed == 0  # nothing of it decoded into the child's cache


def test_a_full_feed_stops_sending(generated: dict[str, Path], recorder: Recorder, seen: Seen,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    repo = generated["uniform"]
    plain = history(repo, 1)
    monkeypatch.setattr(jobs, "MAX_FEED", 100)  # less than any batch of entries: nothing fits
    assert history(repo, 2) == plain
    assert seen.child()[1] == 0


# -- the feed itself, without a child ------------------------------------------------------------

def _feeding() -> jobs.Split:
    """A Split whose feed is set up as start() sets it up, read by this same process."""
    split = jobs.Split(3, lambda i: i)
    split._shared = mmap.mmap(-1, jobs._SHARED.size)
    split._feed = jobs._memfd()
    assert split._feed is not None
    split.pid = -1  # send() needs a child: none is forked here, and close() must not wait for one
    return split


def _reader(split: jobs.Split) -> jobs.Split:
    reader = jobs.Split(3, lambda i: i)
    reader._shared, reader._feed = split._shared, os.dup(split._feed) if split._feed is not None else None
    return reader


def test_the_feed_hands_over_what_was_sent_in_order() -> None:
    split = _feeding()
    reader = _reader(split)
    assert reader.received() == []  # nothing sent yet: nothing, at once
    assert split.send(["one", 1]) and split.send({"two": (2,)})
    assert reader.received() == [["one", 1], {"two": (2,)}]
    assert reader.received() == []
    assert split.send("three")
    assert reader.received() == ["three"]
    assert not split.send(object())  # not builtin values: not sent
    split.pid = None
    reader._close_feed()
    split.close()


def test_a_length_beyond_what_was_published_ends_the_feed() -> None:
    split = _feeding()
    reader = _reader(split)
    assert split._shared is not None and split._feed is not None
    split._shared[16:24] = (1 << 40).to_bytes(8, "little")  # more than was ever written
    assert reader.received() == [] and reader._feed is None  # ended: nothing after it is trusted
    split.pid = None
    split.close()


def test_the_childs_cache_decodes_a_fed_entry_when_it_is_asked_for() -> None:
    """yearends._Fed: what this process sent meanwhile is looked at when a key is missing (get,
    and `in` as the walk's prefetch asks), kept as bytes until asked for, then decoded once."""
    from isaccheck import loadcache

    split = _feeding()
    reader = _reader(split)
    entry = loadcache.Loaded((), (), "minutes", None)
    installed: set[Any] = set()
    files = yearends._Fed({("a",): 1}, reader, installed)
    assert files.get(("a",)) == 1 and files.get(("b",)) is None and ("b",) not in files
    assert split.send([(("b",), marshal.dumps(loadcache.encode(entry))), (("c",), b"garbage")])
    assert ("b",) in files and dict.__contains__(files, ("b",)) is False  # known, not decoded yet
    assert files.get(("b",)) == entry and installed == {("b",)} and dict.__contains__(files, ("b",))
    assert files.get(("c",), "none") == "none" and ("c",) not in files  # garbage: dropped, loaded as before
    split.pid = None
    reader._close_feed()
    split.close()


def test_an_entry_encoded_for_the_child_is_not_encoded_again_for_the_cache_file(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from isaccheck import loadcache

    entry = loadcache.Loaded((), (), None, None)
    kept = loadcache.LoadCache(file=tmp_path / "c.marshal")
    kept.files[("a",)] = entry
    kept.used.add(("a",))
    kept.misses = 1  # loaded in this run: save() writes the file
    first = kept.encoded_entry(("a",))
    memory = loadcache.LoadCache()  # no file: nothing to keep it for
    memory.files[("a",)] = entry
    memory.encoded_entry(("a",))
    assert memory.encoded == {}

    def encode_again(value: Any) -> Any:
        raise AssertionError("encoded a second time")

    monkeypatch.setattr(loadcache, "encode", encode_again)
    assert kept.encoded_entry(("a",)) is first
    kept.save()  # writes the kept encoding
    assert (tmp_path / "c.marshal").is_file()
