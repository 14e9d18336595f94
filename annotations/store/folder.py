"""The project folder: opening or creating it, its session lock, cleanup at open, damage.

Every other part of the store reaches its files through the ``ProjectFolder`` opened here, so
the rules that protect a folder live in one place: one writer per project (a second process
opens read-only and says why), temp files of a killed writer and a torn journal tail cleaned up
at open, a file that does not parse moved aside with its bytes kept (never overwritten), old
schema versions migrated with a backup, and a read-only open that writes nothing at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB

from annotations.errors import DamagedFileError, ProjectError, ReadOnlyError
from annotations.model import now_iso
from annotations.store.atomic import AtomicJSONStorage, remove_orphan_temps
from annotations.store.journal import Journal
from annotations.store.lock import SessionLock
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
        self._lock = lock

    @classmethod
    def open(
        cls, folder: str | os.PathLike[str], *, create: bool = True, read_only: bool = False
    ) -> ProjectFolder:
        """Open (or create) ``folder``; read-only when asked or when another process holds it.

        A writer takes the session lock, creates the sub-folders, removes orphan temp files and
        cuts a torn journal tail. ``ProjectError`` when the folder cannot be used.
        """
        path = Path(folder).expanduser()
        lock: SessionLock | None = None
        try:
            if path.exists() and not path.is_dir():
                raise ProjectError(f"{path} is a file, not a project folder")
            if not path.exists():
                if not create or read_only:
                    raise ProjectError(f"no project at {path}")
                path.mkdir(parents=True)
            elif not (path / PROJECT_FILE).exists() and any(path.iterdir()) and not create:
                raise ProjectError(f"{path} is not a saywho project")
            reason = None
            if not read_only:
                lock = SessionLock(path)
                if not lock.acquire():
                    reason = (
                        f"the project {path} is open in another saywho ({lock.holder()}); "
                        "opened read-only, edits are refused"
                    )
                    read_only = True
                    lock = None
            else:
                reason = "opened read-only"
            if not read_only:
                (path / TEXTS_DIR).mkdir(exist_ok=True)
                (path / ANNOTATIONS_DIR).mkdir(exist_ok=True)
                for sub in (path, path / TEXTS_DIR, path / ANNOTATIONS_DIR):
                    remove_orphan_temps(sub)
                Journal(path).repair()
        except OSError as exc:
            if lock is not None:
                lock.release()
            raise cannot_open(path, exc) from None
        return cls(path, read_only=read_only, read_only_reason=reason, lock=lock)

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
        """Raise ``ReadOnlyError`` (with the reason) when the folder is open read-only."""
        if self.read_only:
            raise ReadOnlyError(self.read_only_reason or "the project is open read-only")

    def note_damage(self, message: str) -> None:
        """Remember a damage message once, for ``Project.damaged``."""
        if message not in self.damaged:
            self.damaged.append(message)

    def open_tinydb(self, path: Path, migrations: dict[int, Migration]) -> TinyDB:
        """Open a TinyDB file, migrated to the current schema.

        A file that does not parse is moved aside (left alone when read-only) and raises
        ``DamagedFileError``; a file the system refuses to read raises ``ProjectError`` and is
        never replaced; a file from a newer saywho is refused. Read-only opens migrate in
        memory only.
        """
        storage: AtomicJSONStorage
        try:
            db = TinyDB(path, storage=AtomicJSONStorage)
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
            if self.read_only:
                raise DamagedFileError(
                    f"{path.name} did not parse ({short_error(exc)}); left as it is (read-only)"
                ) from None
            aside = self.move_aside(path)
            raise DamagedFileError(
                f"{path.name} did not parse ({short_error(exc)}); moved aside to {aside.name}, "
                "its bytes kept"
            ) from None
        if data is not None:
            self._bring_up_to_date(path, storage, data, migrations)
        return db

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


def cannot_open(path: Path, exc: OSError) -> ProjectError:
    """The one message for a project the system refused to open."""
    where = exc.filename or path
    return ProjectError(f"cannot open the project {path}: {where}: {exc.strerror or exc}")


def short_error(exc: BaseException) -> str:
    """The first line of an exception's message, at most 120 characters."""
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
