"""Locks: one session lock per annotator, and short locks around shared read-modify-writes.

A session holds ``locks/<annotator>.lock`` (an exclusive, non-blocking ``flock``) for its whole
life: it is the only process that writes that annotator's layers and journal. Several annotators
work on one project at once, each under their own lock; a second process of the same annotator
finds the lock taken and opens read-only, saying who holds it.

A ``flock`` belongs to the file, not to its name. When a user deletes the lock file (it names
a pid, so it looks stale), the holder still holds a lock on a file nobody can see, and the next
saywho creates a fresh one and becomes a second writer. So the holder checks, before each
write, that the file at the lock's name is still the one it locked, and takes the new one back
when it can.

Files that several processes write (``saywho.json``, a layer file) are changed under
``short_lock``: a blocking ``flock`` on a lock file beside them, held only for one re-read, one
change and one atomic write.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from annotations.display import visible_line
from annotations.errors import ProjectError
from annotations.store.paths import safe_filename

LOCKS_DIR = "locks"
LOCK_SUFFIX = ".lock"
OLD_LOCK_NAME = ".saywho.lock"
"""The one session lock of a project before issue 10 (an older saywho still takes it)."""

_ATTEMPTS = 5
FOLDER_LOCK_TIMEOUT_S = 20.0


def lock_path(folder: Path, annotator: str) -> Path:
    """Where the session lock of ``annotator`` lives in the project ``folder``."""
    return folder / LOCKS_DIR / f"{safe_filename(annotator)}{LOCK_SUFFIX}"


class SessionLock:
    """An exclusive, non-blocking ``flock`` on a lock file (an annotator's session lock).

    The kernel drops the lock when the holder dies (even by SIGKILL), so a crash never leaves
    a project locked. The holder writes its pid and host into the file for the message a second
    instance shows. ``acquire`` raises ``OSError`` when the lock file cannot be opened for
    writing (a read-only file system, a file owned by someone else).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._inode: tuple[int, int] | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it."""
        for _ in range(_ATTEMPTS):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            st = os.fstat(fd)
            inode = (st.st_dev, st.st_ino)
            if _inode_at(self.path) != inode:
                # the file was removed or replaced between our open and our flock
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
            self._fd, self._inode = fd, inode
            return True
        return False

    def still_held(self) -> bool:
        """True when the file at the lock's name is still the one this object locked."""
        return self._fd is not None and _inode_at(self.path) == self._inode

    def retake(self) -> bool:
        """After the lock file was removed or replaced: lock the file now at its name.

        False when another process holds it; the old lock is dropped either way.
        """
        old = self._fd
        self._fd = self._inode = None
        try:
            return self.acquire()
        finally:
            if old is not None:
                os.close(old)

    def holder(self) -> str:
        """Who holds the lock, as 'pid N on HOST', best effort."""
        try:
            pid, host = self.path.read_text().split()[:2]
        except (OSError, ValueError):
            return "another process"
        return f"pid {pid} on {host}"

    def release(self) -> None:
        """Drop the lock."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
            self._inode = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None


@contextlib.contextmanager
def short_lock(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created when missing) for one read-modify-write.

    The holders only re-read, change and write one small file, so it blocks; with ``timeout``
    (seconds) it raises ``TimeoutError`` instead of waiting longer. The lock follows the file,
    so one deleted meanwhile is locked again under its name.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    for _ in range(_ATTEMPTS):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _flock(fd, deadline)
            st = os.fstat(fd)
            if _inode_at(path) == (st.st_dev, st.st_ino):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    else:  # pragma: no cover - the file kept being replaced: lock what we have
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _flock(fd: int, deadline: float | None) -> None:
    """An exclusive ``flock`` on ``fd``: waiting as long as it takes, or until ``deadline``
    (``time.monotonic()``), then ``TimeoutError``."""
    if deadline is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    pause = 0.001  # a holder keeps it for milliseconds: look again soon, then less often
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise TimeoutError("the lock stayed held") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.01)


def old_lock_held(folder: Path) -> bool:
    """True when an older saywho holds the project's pre-issue-10 lock ``.saywho.lock``."""
    return lock_held(folder / OLD_LOCK_NAME)


def lock_held(path: Path) -> bool:
    """True when a live process holds the lock file at ``path`` (nothing is created)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops a lock we took
    return False


def _inode_at(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


@contextlib.contextmanager
def folder_lock(folder: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the folder ``folder`` itself (no lock file needed: a
    folder is never replaced) for one read-modify-write of a file in it. A holder keeps it for
    milliseconds; when another process keeps it past ``timeout`` seconds (default
    ``FOLDER_LOCK_TIMEOUT_S``: one stopped with Ctrl-Z in the middle of a write), this one
    gives up with ``ProjectError`` and writes nothing, rather than waiting for ever."""
    limit = FOLDER_LOCK_TIMEOUT_S if timeout is None else timeout
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            _flock(fd, time.monotonic() + limit)
        except TimeoutError:
            raise ProjectError(
                f"folder {visible_line(folder.name)!r} stayed locked by another saywho process for "
                f"more than {limit:g} s; nothing was written; try again") from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
