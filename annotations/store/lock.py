"""The session lock: one writer per project; a second instance opens read-only and says so."""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path

LOCK_NAME = ".saywho.lock"


class SessionLock:
    """An exclusive, non-blocking ``flock`` on the project's lock file.

    The kernel drops the lock when the holder dies (even by SIGKILL), so a crash never leaves
    a project locked. The holder writes its pid and host into the file for the message a second
    instance shows.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        self._fd = fd
        return True

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

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None
