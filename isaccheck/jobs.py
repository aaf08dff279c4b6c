"""A second core for `history` and the report's trend: one forked child shares the work.

A cold `history` evaluates the repository at every year end, one after the other, in Python on
one core (CPU seconds about equal to wall seconds), while laptops and CI runners have two or
more. Split splits a list of independent items (yearends.Ahead: the past year ends) between this
process and ONE forked child, both working from opposite ends of the list: the child from the
first item up, this process (after its own other work, e.g. today's evaluation) from the last
down, until they meet. So the balance follows the real work on a busy or an idle machine alike
without estimating it, and each process keeps a run of neighbouring items (neighbouring year
ends share most of their blobs, which each process then loads once).

How the two agree who does what: two numbers in a shared anonymous memory page. The child
writes "I have taken everything below n" before each item and then reads how low this process
has come; this process writes "I have taken everything from m up" and then reads the child's n.
Each stops when the other has the item. A race can make both do one item (the same result:
harmless) or neither (then it is missing, and this process does it at the end, as for any
failure). The child sends each result as soon as it is done, over a pipe, as marshal data
(builtin values only: reading it runs no code).

Fails safe: no fork without os.fork, on a platform where fork is unsafe (anything but Linux:
macOS's system libraries), while another thread runs (a child gets a copy of the memory, not of
the threads, so a lock one of them held would stay taken), with one CPU for this process
(os.sched_getaffinity) or with `--jobs 1`/ISACCHECK_JOBS=1. A child that fails in any way
(an exception, killed, garbage, a non-zero exit, no answer in time) only costs time: what it did
not deliver whole, this process does itself. The child is always reaped (no zombie), and killed
when this process stops early.
"""

from __future__ import annotations

import gc
import marshal
import mmap
import os
import select
import struct
import sys
import threading
import time
from contextvars import ContextVar
from typing import Any, Callable

from .errors import IsaccheckError

ENV = "ISACCHECK_JOBS"
# --jobs N of this command (None: ISACCHECK_JOBS, else the default).
JOBS: ContextVar[int | None] = ContextVar("isaccheck_jobs", default=None)
# The child's answers are awaited this long after this process has done its part, plus twice the
# time the work has taken so far: by then the child has at most the one item it took last to
# finish, and one item never takes as long as all this process did. Beyond that it is stuck (a
# hung git, a stopped process) and is killed; this process does its items itself.
GRACE_SECONDS = 30.0
_FRAME = struct.Struct("<I")
_SHARED = struct.Struct("<qq")  # the child's "below n", this process's "from m up"


def parse_jobs(text: str) -> int:
    """ISACCHECK_JOBS's value as a number of jobs; IsaccheckError when it is not a whole number >= 1."""
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise IsaccheckError(f"{ENV}={text!r} is not a number of jobs (a whole number, 1 or more)",
                             message_nl=f"{ENV}={text!r} is geen aantal taken (een geheel getal, 1 of meer)")
    return value


def cpus() -> int:
    """The CPUs this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def wanted() -> int:
    """The number of jobs for this run: --jobs, else ISACCHECK_JOBS, else the CPUs it may use.

    The CLI checks ISACCHECK_JOBS and says what is wrong with it; a program calling isaccheck's
    functions with a bad value gets one job (the plain, sequential way)."""
    explicit = JOBS.get()
    if explicit is not None:
        return explicit
    text = os.environ.get(ENV, "").strip()
    if text:
        try:
            return parse_jobs(text)
        except IsaccheckError:
            return 1
    return cpus()


def can_fork() -> bool:
    """A second process may be forked here, and would have a core of its own to run on."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
            and cpus() >= 2 and wanted() >= 2)


class Split:
    """`count` items: the child does work(i) from i = 0 up; this process takes items from the top
    with take() and collects the child's results with finish().

    work(i) returns builtin values (marshal), or raises to send nothing for that item (this
    process then does it itself). start() forks; when it cannot, nothing is forked and take()
    hands out every item."""

    def __init__(self, count: int, work: Callable[[int], Any], setup: Callable[[], None] | None = None,
                 teardown: Callable[[], None] | None = None) -> None:
        self.count = count
        self._work = work
        self._setup = setup  # run first in the child (e.g. no cache writes there)
        self._teardown = teardown  # run last in the child (e.g. end its git processes)
        self._low = count  # this process has taken the items from here up
        self.pid: int | None = None
        self._fd: int | None = None
        self._shared: mmap.mmap | None = None
        self._buffer = bytearray()
        self.results: dict[int, Any] = {}
        self._started = 0.0
        self._ended = False  # the child closed its pipe (read to the end)

    def start(self) -> bool:
        """Fork the child; False (and nothing forked) when that fails."""
        try:
            shared = mmap.mmap(-1, _SHARED.size)  # anonymous and shared: the child writes, this process reads
        except (OSError, ValueError):
            return False
        _SHARED.pack_into(shared, 0, 0, self.count)
        try:
            read_fd, write_fd = os.pipe()
        except OSError:
            shared.close()
            return False
        _grow(write_fd)
        sys.stdout.flush()  # nothing buffered before the fork is written twice (the child never flushes anyway)
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory
            os.close(read_fd)
            os.close(write_fd)
            shared.close()
            return False
        if pid == 0:  # the child: never returns
            os.close(read_fd)
            _child(write_fd, shared, self.count, self._work, self._setup, self._teardown)
        os.close(write_fd)
        os.set_blocking(read_fd, False)
        self.pid, self._fd, self._shared, self._started = pid, read_fd, shared, time.monotonic()
        return True

    def take(self) -> int | None:
        """The next item for this process (from the top down), or None when the child has it and
        every item below."""
        self._drain()
        j = self._low - 1
        if j < 0:
            return None
        if self._shared is None:
            self._low = j
            return j
        # Write first, then read: the child does the same the other way round (module docstring).
        struct.pack_into("<q", self._shared, 8, j)
        child_below = struct.unpack_from("<q", self._shared, 0)[0]
        if j < child_below:
            return None
        self._low = j
        return j

    def finish(self) -> dict[int, Any]:
        """The child's results by item (what it delivered whole), once it has ended; the child is
        reaped, or killed and reaped when it does not end in time."""
        if self.pid is None:
            return self.results
        deadline = time.monotonic() + GRACE_SECONDS + 2 * (time.monotonic() - self._started)
        while self._fd is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                ready, _, _ = select.select([self._fd], [], [], left)
            except InterruptedError:
                continue
            if ready:
                self._drain()
        self.close()
        return self.results

    def close(self) -> None:
        """End the child (if it still runs) and reap it; close the pipe and the shared page."""
        if self.pid is not None:
            pid, self.pid = self.pid, None
            try:
                # At the end of its pipe the child has nothing left but os._exit: wait for that.
                done, _ = os.waitpid(pid, 0 if self._ended else os.WNOHANG)
                if done == 0:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
            except OSError:  # already reaped (ChildProcessError) or gone
                pass
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._shared is not None:
            self._shared.close()
            self._shared = None

    def _drain(self) -> None:
        """Read what the child has sent so far (without waiting), so it never blocks on a full pipe."""
        if self._fd is None:
            return
        while True:
            try:
                chunk = os.read(self._fd, 1 << 20)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:  # the child has closed its end: everything it sent is here
                os.close(self._fd)
                self._fd = None
                self._ended = True
                break
            self._buffer += chunk
        self._frames()

    def _frames(self) -> None:
        view = self._buffer
        offset = 0
        while len(view) - offset >= _FRAME.size:
            (length,) = _FRAME.unpack_from(view, offset)
            if len(view) - offset - _FRAME.size < length:
                break  # not whole yet (or never: cut short by a killed child)
            data = bytes(view[offset + _FRAME.size:offset + _FRAME.size + length])
            offset += _FRAME.size + length
            try:
                index, result = marshal.loads(data)
            except Exception:  # noqa: BLE001  (garbage: nothing of it is used)
                continue
            if type(index) is int and 0 <= index < self.count and index not in self.results:
                self.results[index] = result
        del self._buffer[:offset]


def _grow(fd: int) -> None:
    """A pipe of 1 MB where Linux allows it: the child need not wait for this process to read."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def _write_all(pipe: Any, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[pipe.write(view):]


def _child(write_fd: int, shared: mmap.mmap, count: int, work: Callable[[int], Any],
           setup: Callable[[], None] | None, teardown: Callable[[], None] | None) -> None:
    """Work from item 0 up until this process has the next one; leave with os._exit, so none of the
    parent's exit handlers, buffered output or finalisers (its git processes) run here.

    Inherited descriptors (the parent's git pipes, open folders) are left alone, never used: the
    work makes its own git processes (yearends.Ahead), and closing them here could close a number
    a Python object of the parent's still holds. Standard output and error go nowhere: nothing the
    child might print can mix into the command's output."""
    status = 1
    try:
        gc.freeze()  # the parent's objects: never visited by this process's collections, never copied for them
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        if setup is not None:
            setup()
        with os.fdopen(write_fd, "wb", buffering=0) as pipe:
            try:
                for i in range(count):
                    struct.pack_into("<q", shared, 0, i + 1)  # write first, then read (module docstring)
                    if i >= struct.unpack_from("<q", shared, 8)[0]:
                        break
                    try:
                        data = marshal.dumps((i, work(i)))
                    except Exception:  # noqa: BLE001  (this item only: the parent does it itself)
                        continue
                    _write_all(pipe, _FRAME.pack(len(data)) + data)
            finally:
                # Before the pipe closes: the parent ends (kills) the child once it has read to the end.
                if teardown is not None:
                    teardown()
        status = 0
    except BaseException:  # noqa: BLE001  (any failure: the parent does what was not sent)
        status = 1
    finally:
        os._exit(status)
