"""The project folder: opening or creating it, its session lock, cleanup at open, damage.

Every other part of the store reaches its files through the ``ProjectFolder`` opened here, so
the rules that protect a folder live in one place: one writer per project (a second process
opens read-only and says why; a writer whose lock file was deleted takes it back before its
next write, or stops writing when another saywho got in meanwhile), temp files of a killed
writer and a torn journal tail cleaned up at open, a file that does not parse or does not have
the shape of a TinyDB file moved aside with its bytes kept (never overwritten), old schema
versions migrated with a backup, and a read-only open that writes nothing at all. A folder the
system will not let us lock (a read-only file system) still opens, read-only, with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB

from annotations.errors import DamagedFileError, ProjectError, ReadOnlyError
from annotations.model import now_iso
from annotations.store.atomic import AtomicJSONStorage, remove_orphan_temps
from annotations.store.journal import Journal
from annotations.store.lock import LOCK_NAME, SessionLock
from annotations.store.migrations import (
    SCHEMA_VERSION,
    Migration,
    file_version,
    migrate,
    migrate_in_memory,
)

PROJECT_FILE = "saywho.json"
TEXTS_DIR = "texts"
ANNOTATIONS_DIR = "annotations"

Check = Callable[[dict[str, Any]], str | None]


class MovedAside(DamagedFileError):
    """A damaged file: where its bytes went (``None`` when read-only) and, when it parsed but
    had the wrong shape, what it held (for the caller to salvage)."""

    def __init__(
        self, message: str, *, aside: Path | None, parsed: dict[str, Any] | None
    ) -> None:
        super().__init__(message)
        self.aside = aside
        self.parsed = parsed


class ProjectFolder:
    """An opened project folder: where its files are, whether it may be written, what was damaged.

    Open with ``ProjectFolder.open``; ``release`` drops the session lock.
    """

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool,
        read_only_reason: str | None,
        lock: SessionLock | None,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.damaged: list[str] = []
        self.text_names: list[str] = []
        self._lock = lock

    @classmethod
    def open(
        cls, folder: str | os.PathLike[str], *, create: bool = True, read_only: bool = False
    ) -> ProjectFolder:
        """Open (or create) ``folder``; read-only when asked or when another process holds it.

        A writer takes the session lock, creates the sub-folders, removes orphan temp files, cuts
        a torn journal tail and keeps the names in ``texts/`` (``text_names``, for the document
        list to find orphans). ``ProjectError`` when the folder cannot be used.
        """
        path = Path(folder).expanduser()
        lock: SessionLock | None = None
        try:
            if path.exists() and not path.is_dir():
                raise ProjectError(f"{path} is a file, not a project folder")
            if not path.exists():
                if not create or read_only:
                    raise ProjectError(f"no project at {path}")
                path.mkdir(parents=True, exist_ok=True)  # another saywho may create it too
            elif not (path / PROJECT_FILE).exists() and any(path.iterdir()) and not create:
                raise ProjectError(f"{path} is not a saywho project")
            reason = None
            if not read_only:
                lock = SessionLock(path)
                try:
                    acquired = lock.acquire()
                except OSError as exc:
                    reason = (
                        f"cannot take the lock of the project {path} ({LOCK_NAME}: "
                        f"{exc.strerror or exc}); opened read-only, edits are refused"
                    )
                    read_only, lock = True, None
                else:
                    if not acquired:
                        reason = (
                            f"the project {path} is open in another saywho ({lock.holder()}); "
                            "opened read-only, edits are refused"
                        )
                        read_only, lock = True, None
            else:
                reason = "opened read-only"
            text_names: list[str] = []
            if not read_only:
                (path / TEXTS_DIR).mkdir(exist_ok=True)
                (path / ANNOTATIONS_DIR).mkdir(exist_ok=True)
                remove_orphan_temps(path)
                remove_orphan_temps(path / ANNOTATIONS_DIR)
                text_names = remove_orphan_temps(path / TEXTS_DIR)
                Journal(path).repair()
        except OSError as exc:
            if lock is not None:
                lock.release()
            raise cannot_open(path, exc) from None
        opened = cls(path, read_only=read_only, read_only_reason=reason, lock=lock)
        opened.text_names = text_names
        return opened

    @property
    def texts(self) -> Path:
        """The folder of document texts."""
        return self.path / TEXTS_DIR

    @property
    def annotations(self) -> Path:
        """The folder of per-document annotation files."""
        return self.path / ANNOTATIONS_DIR

    def release(self) -> None:
        """Drop the session lock (nothing else is held)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def require_writable(self) -> None:
        """Raise ``ReadOnlyError`` (with the reason) when the folder is open read-only.

        Also checks (one ``stat``) that the lock file is still the one this process locked: one
        that was deleted or replaced is taken back, unless another saywho holds it by now; then
        the folder turns read-only and the write is refused.
        """
        if self.read_only:
            raise ReadOnlyError(self.read_only_reason or "the project is open read-only")
        if self._lock is not None and not self._lock.still_held():
            self._retake_lock()

    def _retake_lock(self) -> None:
        assert self._lock is not None
        try:
            retaken = self._lock.retake()
            error = ""
        except OSError as exc:
            retaken, error = False, f" and cannot be made again ({exc.strerror or exc})"
        if retaken:
            return
        if not error:
            error = f" and another saywho ({self._lock.holder()}) has opened the project since"
        self._lock.release()
        self._lock = None
        self.read_only = True
        self.read_only_reason = (
            f"the project's lock file {LOCK_NAME} was deleted or replaced while this saywho "
            f"had it open{error}; edits are refused so that neither overwrites the other's "
            "work: close this saywho and open the project again"
        )
        raise ReadOnlyError(self.read_only_reason)

    def note_damage(self, message: str) -> None:
        """Remember a damage message once, for ``Project.damaged``."""
        if message not in self.damaged:
            self.damaged.append(message)

    def open_tinydb(
        self,
        path: Path,
        migrations: dict[int, Migration],
        *,
        check: Check | None = None,
        backup: Path | None = None,
    ) -> TinyDB:
        """Open a TinyDB file, migrated to the current schema.

        A file that does not parse, or does not have the shape of a TinyDB file (tables of
        records under numeric keys, a numeric schema version) or fails ``check`` (the caller's
        own rules; it returns what is wrong, or ``None``), is moved aside (left alone when
        read-only) and raises ``MovedAside``. A file the system refuses to read raises
        ``ProjectError`` and is never replaced; a file from a newer saywho is refused.
        Read-only opens migrate in memory only. With ``backup``, every write of the file also
        writes that copy.
        """
        storage: AtomicJSONStorage
        try:
            db = TinyDB(path, storage=AtomicJSONStorage, backup=backup)
            storage = db.storage  # type: ignore[assignment]
            data = storage.read()
        except OSError as exc:
            # not damage: the system refused the read (permission, a folder in the way...).
            # Moving it aside and starting afresh would hide the annotations it holds.
            raise ProjectError(
                f"cannot read {path.relative_to(self.path)}: {exc.strerror or exc}; "
                "fix its permissions and open the project again"
            ) from None
        except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
            raise self._damaged(path, f"did not parse ({short_error(exc)})", None) from None
        if data is not None:
            problem = tinydb_shape_problem(data) or (check(data) if check else None)
            if problem:
                db.close()
                raise self._damaged(path, f"has the wrong shape ({problem})", data)
            self._bring_up_to_date(path, storage, data, migrations)
        return db

    def _damaged(self, path: Path, what: str, parsed: dict[str, Any] | None) -> MovedAside:
        if self.read_only:
            return MovedAside(
                f"{path.name} {what}; left as it is (read-only)", aside=None, parsed=parsed
            )
        aside = self.move_aside(path)
        return MovedAside(
            f"{path.name} {what}; moved aside to {aside.name}, its bytes kept",
            aside=aside,
            parsed=parsed,
        )

    def _bring_up_to_date(
        self,
        path: Path,
        storage: AtomicJSONStorage,
        data: dict[str, Any],
        migrations: dict[int, Migration],
    ) -> None:
        version = file_version(data)
        if version > SCHEMA_VERSION:
            raise ProjectError(
                f"{path.name} was written by a newer saywho (schema {version}); upgrade saywho"
            )
        if version < SCHEMA_VERSION and self.read_only:
            # read the old file as the current schema, in memory only: nothing is written
            storage._data = migrate_in_memory(data, migrations)
        elif version < SCHEMA_VERSION:
            migrated, changed = migrate(path, data, migrations)
            if changed:
                storage.write(migrated)

    def move_aside(self, path: Path) -> Path:
        """Rename a damaged file to ``<name>.damaged-<time>`` (not when read-only); its new path."""
        stamp = now_iso().replace(":", "").replace("-", "")
        aside = path.with_name(f"{path.name}.damaged-{stamp}")
        n = 1
        while aside.exists():
            aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
            n += 1
        if not self.read_only:
            os.replace(path, aside)
        return aside


def tinydb_shape_problem(data: dict[str, Any]) -> str | None:
    """What keeps ``data`` from being read as a TinyDB file of ours, or ``None``.

    Every table must map numeric keys to records (objects), and ``_meta`` must hold a
    non-negative whole schema version: anything else would fail deep inside TinyDB.
    """
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"{name!r} is not a table"
        for key, record in table.items():
            if not isinstance(record, dict):
                return f"record {key!r} of {name!r} is not an object"
            if not (key.isascii() and key.isdigit()):
                return f"{name!r} has a record under the key {key!r}"
    try:
        version = file_version(data)
    except (TypeError, ValueError, AttributeError):
        return "its schema version is not a number"
    if version < 0:
        return "its schema version is negative"
    return None


def cannot_open(path: Path, exc: OSError) -> ProjectError:
    """The one message for a project the system refused to open."""
    where = exc.filename or path
    return ProjectError(f"cannot open the project {path}: {where}: {exc.strerror or exc}")


def short_error(exc: BaseException) -> str:
    """The first line of an exception's message, at most 120 characters."""
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
