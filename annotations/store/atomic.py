"""Crash-safe file writes and the TinyDB storage built on them.

Plain TinyDB rewrites its file in place, so a kill mid-write can leave it unreadable. Here every
write serializes fully first (a bad value never reaches disk), writes a temp file in the same
folder, fsyncs it, ``os.replace``s it over the target and fsyncs the folder. A reader therefore
sees either the old file or the new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

TEMP_SUFFIX = ".saywho-tmp"


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    ``sync_dir=False`` leaves the folder fsync to the caller, for bulk writes that fsync the
    folder once at the end of a batch.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    os.replace(tmp, path)
    if sync_dir:
        fsync_dir(path.parent)


def dumps(data: Any) -> bytes:
    """Serialize to JSON bytes (orjson, sorted keys, non-str keys allowed)."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def remove_orphan_temps(folder: Path) -> list[Path]:
    """Delete temp files a killed writer left behind in ``folder``; return what was removed."""
    removed = []
    if folder.is_dir():
        for tmp in folder.glob(f".*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed.append(tmp)
    return removed


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes through ``atomic_write_bytes`` and keeps a parsed copy.

    Reading returns the in-memory copy after the first load: this process is the only writer
    (the project's session lock guarantees it), so re-reading the file on every query is waste.
    A file that does not parse raises ``orjson.JSONDecodeError``; the caller decides what to do
    (the project moves it aside). Never TinyDB's default ``JSONStorage``.
    """

    def __init__(self, path: str | os.PathLike[str], create: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self._data: dict[str, Any] | None = None
        self._create = create

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return None
            if not raw.strip():
                raise orjson.JSONDecodeError("empty file", "", 0)
            data = orjson.loads(raw)
            if not isinstance(data, dict):
                raise orjson.JSONDecodeError("top level is not an object", "", 0)
            self._data = data
        return self._data

    def write(self, data: dict[str, Any], *, sync_dir: bool = True) -> None:
        try:
            payload = dumps(data)
            atomic_write_bytes(self.path, payload, sync_dir=sync_dir)
        except BaseException:
            self._data = None  # TinyDB may have changed the cached dict in place: reload
            raise
        self._data = data

    def close(self) -> None:
        self._data = None
