"""The session lock: one writer per project; a second instance opens read-only and says so.

A ``flock`` belongs to the file, not to its name. When a user deletes the lock file (it names
a pid, so it looks stale), the holder still holds a lock on a file nobody can see, and the next
saywho creates a fresh one and becomes a second writer. So the holder checks, before each
write, that the file at the lock's name is still the one it locked, and takes the new one back
when it can.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path

LOCK_NAME = ".saywho.lock"

_ATTEMPTS = 5


class SessionLock:
    """An exclusive, non-blocking ``flock`` on the project's lock file.

    The kernel drops the lock when the holder dies (even by SIGKILL), so a crash never leaves
    a project locked. The holder writes its pid and host into the file for the message a second
    instance shows. ``acquire`` raises ``OSError`` when the lock file cannot be opened for
    writing (a read-only file system, a file owned by someone else).
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
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


def _inode_at(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)
