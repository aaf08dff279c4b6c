"""Where the repository's bytes come from: the working tree, or (see gitrepo.py) a git commit.

A source lists entries and reads bytes; it never writes and never leaves the repository.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator, Literal, Protocol

EntryKind = Literal["file", "symlink-outside", "symlink-broken", "other"]

SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class SourceEntry:
    path: str  # relative to the root, "/" separated
    size: int
    kind: EntryKind = "file"
    # A working-tree file's stat data (size, mtime_ns, ctime_ns, inode, device) when it is no link:
    # the persistent load cache's sign that it is unchanged (loadcache.py). Not part of equality.
    stamp: tuple[int, int, int, int, int] | None = field(default=None, compare=False)


class Source(Protocol):
    """Read-only view of a repository tree."""

    label: str  # shown to users: a folder, or "commit abc1234 (2024-12-31)"

    def entries(self) -> Iterator[SourceEntry]:
        """Every entry, in sorted path order; symbolic links resolved or reported."""
        ...

    def read(self, path: str) -> bytes:
        """The bytes of a "file" entry."""
        ...


# Control characters and the bidirectional overrides ("Trojan Source"): in a file name they break
# `path:line: message` output and CI annotations, or make a name read differently than it is.
_HOSTILE_CHARS = frozenset(
    [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)


def valid_path(path: str) -> bool:
    """A name made of UTF-8 text, without control characters or bidirectional overrides."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept by the OS as lone surrogates
        return False
    return not _HOSTILE_CHARS.intersection(path)


def printable_path(path: str) -> str:
    """A path as it can be shown: non-UTF-8 bytes as \\xNN, hostile characters as \\n, \\u202e."""
    if valid_path(path):
        return path
    shown = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(repr(c)[1:-1] if c in _HOSTILE_CHARS else c for c in shown)


# Opening relative to a folder without following links needs dir_fd and O_NOFOLLOW (POSIX);
# elsewhere every read resolves its path.
_PLAIN_NOFOLLOW = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY")
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
# O_NONBLOCK: opening a FIFO must not wait for a writer; it changes nothing for a regular file.
_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)


# Folders a WorkingTreeSource keeps open between reads, the root included: an ISAC's tree is a few
# levels deep; a deeper (hostile) one costs descriptors per read, never more than this many kept.
_KEPT_FOLDERS = 8


def _close_chain(chain: list[tuple[str, int]]) -> None:
    while chain:
        os.close(chain.pop()[1])


def git_blob_id(raw: bytes, *, sha256: bool = False) -> str:
    """The id git gives these bytes as a blob: SHA-1 (SHA-256 in such a repository) of "blob N\\0" + content.
    A working-tree file with the id of a committed blob is that blob, byte for byte."""
    digest = hashlib.sha256 if sha256 else hashlib.sha1
    return digest(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def _resolve(path: Path) -> Path | None:
    """Where a symbolic link ends up, or None for a loop of links (or one that cannot be followed)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return None


class WorkingTreeSource:
    """The files on disk under root. Symbolic links are followed only while they stay inside."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = str(root)
        # The object format of the git repository the folder is checked in ("sha1" outside git):
        # the ids Repository.blob_key gives its files are computed as that repository's blob ids.
        self.object_format = "sha1"
        # The folders of the last plain read, root first: (name, descriptor). Files are read in
        # sorted order, so the next file is mostly in the same folder or a neighbour; see _folder_fd.
        self._chain: list[tuple[str, int]] = []
        self._chain_lock = threading.Lock()
        # Closes the kept folders when the source is closed, collected, or at exit: never leaked.
        self._closer = weakref.finalize(self, _close_chain, self._chain)

    def close(self) -> None:
        """Close the folders kept open for reading; a later read opens them again."""
        with self._chain_lock:
            _close_chain(self._chain)

    def __enter__(self) -> WorkingTreeSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _inside(self, target: Path) -> bool:
        try:
            target.relative_to(self.root)
        except ValueError:
            return False
        return True

    def entries(self) -> Iterator[SourceEntry]:
        """Every name below the root but those in skipped folders: what os.walk(followlinks=False)
        walks, listed from scandir's entries, whose kinds need no system call and whose size is
        one lstat (going through pathlib, an lstat, two stats and path arithmetic per file, took
        a sixth of a cold check). A folder that cannot be listed is passed over, as os.walk does."""
        found: list[SourceEntry] = []
        folders = [(str(self.root), "")]
        while folders:
            folder, rel = folders.pop()
            self._scan(folder, rel, found, folders)
        yield from sorted(found, key=lambda e: e.path)

    def _scan(self, folder: str, rel: str, found: list[SourceEntry], folders: list[tuple[str, str]]) -> None:
        """One folder of entries(): its names into found, its subfolders onto folders."""
        try:
            with os.scandir(folder) as listing:
                scanned = list(listing)
        except OSError:
            return
        for entry in scanned:
            path = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir()  # follows a link, as os.walk's split into folders and files
            except OSError:
                is_dir = False
            if not is_dir:
                found.append(self._scanned_file(entry, path))
            elif entry.name in SKIPPED_DIRS:
                continue
            elif entry.is_symlink():
                # A linked folder is listed as one entry, never walked into.
                resolved = _resolve(Path(entry.path))
                kind: EntryKind = ("symlink-broken" if resolved is None
                                   else "other" if self._inside(resolved) else "symlink-outside")
                found.append(SourceEntry(path, 0, kind))
            else:
                folders.append((entry.path, path))

    def _scanned_file(self, entry: os.DirEntry[str], rel: str) -> SourceEntry:
        """_file_entry for a name scandir listed (not a folder)."""
        if entry.is_symlink():
            return self._file_entry(Path(entry.path), rel)  # links: the careful way
        try:
            if not entry.is_file(follow_symlinks=False):
                return SourceEntry(rel, 0, "other")
            info = entry.stat(follow_symlinks=False)
            # The same lstat gives the stamp the load cache knows an unchanged file by (loadcache.py).
            return SourceEntry(rel, info.st_size, "file",
                               (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev))
        except OSError:  # gone since it was listed: what is_file() says of a missing file
            return SourceEntry(rel, 0, "other")

    def _file_entry(self, full: Path, rel: str) -> SourceEntry:
        """What entries() lists for a name that is not a folder."""
        if full.is_symlink():
            resolved = _resolve(full)
            if resolved is None:  # a loop of links
                return SourceEntry(rel, 0, "symlink-broken")
            if not self._inside(resolved):
                return SourceEntry(rel, 0, "symlink-outside")
            if not resolved.is_file():
                return SourceEntry(rel, 0, "symlink-broken")
            return SourceEntry(rel, resolved.stat().st_size, "file")
        if not full.is_file():
            return SourceEntry(rel, 0, "other")
        return SourceEntry(rel, full.stat().st_size, "file")

    def top_level_file(self, name: str) -> SourceEntry | None:
        """entries()'s entry for a name at the root that is not a folder (nor a link to one), or None.

        For the settings files: looking for two names must not walk the whole tree.
        """
        full = self.root / name
        if "/" in name or name in SKIPPED_DIRS or not os.path.lexists(full) or (full.is_dir() and not full.is_symlink()):
            return None
        return self._file_entry(full, name)

    def _checked(self, path: str) -> Path:
        full = _resolve(self.root / path)
        if full is None:
            raise OSError(f"{path}: a loop of symbolic links")
        if not self._inside(full):
            raise PermissionError(f"{path} leaves the repository")
        return full

    def _folder_fd(self, folder: str) -> tuple[int, bool]:
        """The folder, opened one name at a time from the root without following any link; and
        whether the caller must close the descriptor (a folder deeper than _KEPT_FOLDERS).

        The folders of the previous read stay open (self._chain) and the common part of the two
        paths is not opened again: 5,000 documents took 19,000 open and close calls, ~5 % of a
        cold check. This is as safe as opening every name per read: every kept descriptor was
        opened with O_NOFOLLOW relative to its parent, starting at the root, so it is a folder
        that was inside the repository when opened, and through it only names that folder holds
        are reached, each again opened with O_NOFOLLOW; a folder swapped for a link later is
        never followed. What changes is only the moment: a folder moved out of the repository
        while it is being read is read on until the reader moves to another folder, as the plain
        way read on between opening the folder and the file; whoever can move the repository's
        folders can change their files as well, so nothing becomes readable that they could not
        have put there. At most _KEPT_FOLDERS descriptors are kept, all closed by close().
        """
        parts = folder.split("/") if folder else []
        with self._chain_lock:
            chain = self._chain
            if not chain:
                chain.append(("", os.open(self.root, _DIR_FLAGS)))
            same = 0  # folders below the root shared with the previous read
            while same + 1 < len(chain) and same < len(parts) and chain[same + 1][0] == parts[same]:
                same += 1
            while len(chain) > same + 1:
                os.close(chain.pop()[1])
            for name in parts[same:_KEPT_FOLDERS - 1]:
                # Appended only once opened: on an error the chain holds open folders only.
                chain.append((name, os.open(name, _DIR_FLAGS, dir_fd=chain[-1][1])))
            fd, owned = chain[-1][1], False
            try:
                for name in parts[len(chain) - 1:]:  # deeper than kept: opened for this read only
                    inner = os.open(name, _DIR_FLAGS, dir_fd=fd)
                    if owned:
                        os.close(fd)
                    fd, owned = inner, True
            except BaseException:
                if owned:
                    os.close(fd)
                raise
            return fd, owned

    def _open_plain(self, path: str) -> BinaryIO | None:
        """The file when no part of its path is a symbolic link, else None (see _open_plain_fd)."""
        fd = self._open_plain_fd(path)
        return os.fdopen(fd, "rb") if fd is not None else None

    def _open_plain_fd(self, path: str) -> int | None:
        """The file's descriptor when no part of its path is a symbolic link, else None (_open_plain_stat)."""
        opened = self._open_plain_stat(path)
        return None if opened is None else opened[0]

    def _open_plain_stat(self, path: str) -> tuple[int, os.stat_result] | None:
        """The file's descriptor and its fstat when no part of its path is a symbolic link, else None.

        Resolving every path (two lstat calls per component, in Python) was a sixth of a check
        of 20,000 documents. Opening each component relative to its open parent with O_NOFOLLOW
        cannot leave the root, even when a folder is swapped for a link between the listing and
        the read (resolving first, then opening, left that moment open). Links, '..' and anything
        unusual go the old way, _checked, which follows links that stay inside and names the others.
        """
        if not _PLAIN_NOFOLLOW or not path or path.startswith("/") or "\0" in path:
            return None
        folder, _, name = path.rpartition("/")
        if any(part in ("", ".", "..") for part in path.split("/")):
            return None
        try:
            folder_fd, owned = self._folder_fd(folder)
        except (OSError, ValueError):
            return None
        try:
            fd = os.open(name, _FILE_FLAGS, dir_fd=folder_fd)
        except (OSError, ValueError):
            return None
        finally:
            if owned:
                os.close(folder_fd)
        info = os.fstat(fd)  # kept for the reader: its size (one fstat per file, not two)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            # Reading a FIFO would wait for a writer for ever (the old way did).
            raise OSError(f"{path}: not a regular file")
        return fd, info

    def read(self, path: str) -> bytes:
        opened = self._open_plain_stat(path)
        if opened is None:
            return self._checked(path).read_bytes()
        fd, info = opened
        # os.read to the end, without a file object around the descriptor (a third of a read).
        try:
            chunks = [os.read(fd, info.st_size + 1)]  # one more: a file that grew is read on
            while chunks[-1]:
                chunks.append(os.read(fd, 1 << 16))
        finally:
            os.close(fd)
        return b"".join(chunks)

    def read_exact(self, path: str, size: int) -> bytes | None:
        """The file's bytes when it is a regular file reached through no symbolic link and exactly
        `size` bytes long, else None: a file that is not what the caller expects is not read (for
        the working-tree copy of a commit's blob, gitrepo.GitTreeSource.read_many)."""
        try:
            opened = self._open_plain_stat(path)
        except OSError:  # a FIFO, a device: not a regular file
            return None
        if opened is None:
            return None
        fd, info = opened
        try:
            if info.st_size != size:
                return None
            raw = os.read(fd, size + 1)  # one more: a file that grew since is not the blob
            while len(raw) < size:
                more = os.read(fd, size + 1 - len(raw))
                if not more:
                    break
                raw += more
        except OSError:
            return None
        finally:
            os.close(fd)
        return raw if len(raw) == size else None

    def read_head(self, path: str, size: int) -> bytes:
        """The first `size` bytes: an oversize document's frontmatter without reading its body."""
        handle = self._open_plain(path)
        with handle if handle is not None else self._checked(path).open("rb") as opened:
            return opened.read(size)
