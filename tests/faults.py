"""Faults for tests to inject: a disk that fills up, and a snapshot of a project's files.

The store writes through ``os.write`` (the atomic writer and the journal); a test puts a
``FillingDisk`` in place of the ``os`` module those modules see, so every real write path runs
and only the bytes hitting the disk are rationed.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path


class FillingDisk:
    """``os`` as a store module sees it. ``room``: writes that still fit (``None``: plenty);
    once it is spent a write puts half its bytes down, then fails with ENOSPC, or with
    ``short`` says it wrote half (a short write). ``refused`` counts the rationed writes."""

    def __init__(self) -> None:
        self.room: int | None = None
        self.short = False
        self.refused = 0

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def fill(self, *, short: bool = False) -> None:
        """No room from now on (``short``: writes come up short instead of failing)."""
        self.room, self.short = 0, short

    def free(self) -> None:
        """Room again."""
        self.room, self.short = None, False

    def write(self, fd: int, data: bytes) -> int:
        if self.room is None:
            return os.write(fd, data)
        if self.room > 0:
            self.room -= 1
            return os.write(fd, data)
        self.refused += 1
        half = os.write(fd, bytes(data[: max(1, len(data) // 2)]))
        if self.short:
            return half
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def project_files(folder: Path) -> dict[str, bytes]:
    """Every file of a project but its lock files (``locks/``), with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.parent.name != "locks"
    }
