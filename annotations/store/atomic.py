"""Crash-safe file writes and the TinyDB storage built on them.

Plain TinyDB rewrites its file in place, so a kill mid-write can leave it unreadable. Here every
write serializes fully first (a bad value never reaches disk), writes a temp file in the same
folder, fsyncs it, ``os.replace``s it over the target and fsyncs the folder. A reader therefore
sees either the old file or the new one, never a torn one.

Each storage remembers the identity (inode, size, mtime) of the file it last read or wrote, so a
writer can tell with one ``stat`` whether someone else replaced the file since, and never writes
over another process's work from a stale copy. The project file can keep a backup copy, written
with each change, so a damaged ``saywho.json`` loses neither the scheme nor the document list.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from annotations.store.paths import damaged_path

TEMP_SUFFIX = ".saywho-tmp"

FileIdentity = tuple[int, int, int]
"""A file's inode, size and modification time (ns): it changes whenever the file is replaced."""


def file_identity(st: os.stat_result) -> FileIdentity:
    """The identity of a file from its ``stat``."""
    return (st.st_ino, st.st_size, st.st_mtime_ns)


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


def atomic_write_bytes(
    path: Path, data: bytes, *, sync_dir: bool = True, temp_dir: Path | None = None
) -> FileIdentity:
    """Replace ``path`` with ``data`` atomically and durably; return the new file's identity.

    ``sync_dir=False`` leaves the folder fsync to the caller, for bulk writes that fsync the
    folder once at the end of a batch. ``temp_dir``: where the temp file is written (on the
    same file system), so that one folder holds every temp file a killed writer can leave.
    """
    # the writer's thread and pid (last: ``_writer_alive`` reads it): two threads never share one
    writer = f"t{threading.get_ident()}.{os.getpid()}"
    if temp_dir is None:
        tmp = path.with_name(f".{path.name}.{writer}{TEMP_SUFFIX}")
    else:
        tmp = temp_dir / f".{path.parent.name}.{path.name}.{writer}{TEMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        identity = file_identity(os.fstat(fd))
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    os.replace(tmp, path)
    if sync_dir:
        fsync_dir(path.parent)
    return identity


def dumps(data: Any) -> bytes:
    """Serialize to JSON bytes (orjson, sorted keys, non-str keys allowed)."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def remove_orphan_temps(folder: Path) -> list[str]:
    """Delete temp files a killed writer left behind in ``folder``; return the names of the
    files that remain (one pass over the folder serves both). A temp file whose writer (the pid
    in its name) is still running is another process's write under way: it is left alone."""
    names: list[str] = []
    try:
        entries = os.scandir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return names
    with entries:
        for entry in entries:
            name = entry.name
            if name[0] == "." and name.endswith(TEMP_SUFFIX) and not _writer_alive(name):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    continue
            names.append(name)
    return names


def _writer_alive(name: str) -> bool:
    """True when the writer a temp file's name carries is alive: another live process, or a
    live thread of this one (a second project opened in this process sweeps the folder while
    the first is writing)."""
    parts = name[: -len(TEMP_SUFFIX)].rsplit(".", 2)
    try:
        pid = int(parts[-1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        thread = parts[-2] if len(parts) == 3 else ""
        return thread[:1] == "t" and thread[1:] in {
            str(t.ident) for t in threading.enumerate()}
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes through ``atomic_write_bytes`` and keeps a parsed copy.

    Reading returns the in-memory copy after the first load, so re-reading the file on every
    query is avoided. ``changed_on_disk`` says, with one ``stat``, whether the file was replaced
    behind that copy (another process's write to a shared file, or a second writer let in by a
    deleted lock file); ``reload`` drops the copy so the next read reads the file again.
    With ``backup``, every write also replaces that file with the same bytes. A file that
    does not parse raises ``orjson.JSONDecodeError``;
    the caller decides what to do (the project moves it aside). Never TinyDB's default
    ``JSONStorage``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        create: bool = True,
        backup: Path | None = None,
        temp_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self._temp_dir = temp_dir
        self._data: dict[str, Any] | None = None
        self._identity: FileIdentity | None = None
        self._create = create
        self._backup = backup
        self._missing = False  # the last read found no file

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            try:
                with open(self.path, "rb") as fh:
                    identity = file_identity(os.fstat(fh.fileno()))
                    raw = fh.read()
            except FileNotFoundError:
                self._identity = None
                self._missing = True
                return None
            self._missing = False
            if not raw.strip():
                raise orjson.JSONDecodeError("empty file", "", 0)
            data = orjson.loads(raw)
            if not isinstance(data, dict):
                raise orjson.JSONDecodeError("top level is not an object", "", 0)
            self._data = data
            self._identity = identity
        return self._data

    def held(self) -> dict[str, Any] | None:
        """The copy last read or written, without reading the file (None: no file then, or
        none read yet)."""
        return self._data

    def changed_on_disk(self) -> bool:
        """True when the file is no longer the one this storage last read or wrote."""
        if self._data is None:
            return self._missing and self.path.exists()
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return True
        return file_identity(st) != self._identity

    def write(self, data: dict[str, Any], *, sync_dir: bool = True) -> None:
        try:
            payload = dumps(data)
            self._identity = atomic_write_bytes(
                self.path,
                payload,
                sync_dir=sync_dir and self._backup is None,
                temp_dir=self._temp_dir,
            )
        except BaseException:
            # TinyDB may have changed the cached dict in place: no copy is held any more, and
            # the next read reads the file (``changed_on_disk`` has nothing to compare)
            self.reload()
            raise
        self._data = data
        self._missing = False
        if self._backup is not None:
            # best effort: the project file itself is saved; a stale backup is caught up next time
            with contextlib.suppress(OSError):
                atomic_write_bytes(self._backup, payload, sync_dir=False)
            if sync_dir:
                fsync_dir(self.path.parent)

    def reload(self) -> None:
        """Forget the in-memory copy: the next ``read`` reads the file again."""
        self._data = None
        self._identity = None
        self._missing = False

    def close(self) -> None:
        self._data = None
        self._identity = None


def move_aside(path: Path) -> Path:
    """Rename the damaged file ``path`` to ``<name>.damaged-<time>`` (its bytes kept); the new
    path."""
    aside = damaged_path(path)
    os.replace(path, aside)
    return aside
