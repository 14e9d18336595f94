"""The project folder: opening or creating it, its locks, cleanup at open, migration, damage.

Every other part of the store reaches its files through the ``ProjectFolder`` opened here, so
the rules that protect a folder live in one place:

- a session holds its annotator's lock (``locks/<annotator>.lock``) for its whole life and is
  the only process that writes that annotator's layers and journal. A second process of the same
  annotator opens read-only for those (``read_only``, with the reason: who holds the lock), but
  may still write what is shared (``shared_read_only`` is False): the document list, settings,
  new texts and their suggestions, because those are changed under short locks with a re-read.
  A writer whose lock file was deleted takes it back before its next write, or stops writing
  when another saywho of that annotator got in meanwhile;
- temp files of a killed writer (never those of a live one) and a torn tail of this annotator's
  journal are cleaned up at open;
- a file that does not parse or does not have the shape of a TinyDB file is moved aside with its
  bytes kept (never overwritten);
- old schema versions are migrated with a backup; a project of the old layout is moved to the
  new one (``layout``), on disk when the folder may be written, else into a private temporary
  folder: a read-only open writes nothing at all in the project. A folder the system will not
  let us lock (a read-only file system) still opens, read-only, with the reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB

from annotations.errors import DamagedFileError, ProjectError, ReadOnlyError
from annotations.store import layout
from annotations.store.atomic import AtomicJSONStorage, move_aside, remove_orphan_temps
from annotations.store.journal import JOURNALS_DIR, Journal, journal_path
from annotations.store.lock import LOCKS_DIR, SessionLock, lock_path, old_lock_held
from annotations.store.migrations import (
    SCHEMA_VERSION,
    Migration,
    file_version,
    migrate,
    migrate_in_memory,
)
from annotations.store.paths import (
    ANNOTATIONS_DIR,
    PROJECT_BACKUP,
    PROJECT_FILE,
    TEXTS_DIR,
    damaged_path,
)

SHARED_LOCK = "saywho.json.lock"
TEMP_DIR = "tmp"

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
    """An opened project folder: where its files are, what may be written, what was damaged.

    Open with ``ProjectFolder.open``; ``release`` drops the session lock. ``read_only``: this
    annotator's layers and journal may not be written; ``shared_read_only``: neither may the
    shared files (asked for read-only, or the folder cannot be locked at all).
    """

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool,
        read_only_reason: str | None,
        lock: SessionLock | None,
        annotator: str = "",
        shared_read_only: bool | None = None,
        scratch: Path | None = None,
    ) -> None:
        self.path = path
        self.annotator = annotator
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.shared_read_only = read_only if shared_read_only is None else shared_read_only
        self.damaged: list[str] = []
        self.text_names: list[str] = []
        self._lock = lock
        # a read-only open of an old-layout project reads a converted copy made here
        self._scratch = scratch

    @classmethod
    def open(
        cls,
        folder: str | os.PathLike[str],
        *,
        create: bool = True,
        read_only: bool = False,
        annotator: str = "annotator",
    ) -> ProjectFolder:
        """Open (or create) ``folder`` for ``annotator``; read-only when asked, or when another
        process holds that annotator's lock (then the shared files may still be written).

        A writer takes the lock, creates the sub-folders, migrates an old-layout project (with a
        backup), removes orphan temp files, cuts a torn tail off its own journal and keeps the
        names in ``texts/`` (``text_names``, for the document list to find orphans).
        ``ProjectError`` when the folder cannot be used.
        """
        path = Path(folder).expanduser()
        lock: SessionLock | None = None
        scratch: Path | None = None
        tail = None  # what the journal's repair did (a writer only)
        try:
            if path.exists() and not path.is_dir():
                raise ProjectError(f"{path} is a file, not a project folder")
            if not path.exists():
                if not create or read_only:
                    raise ProjectError(f"no project at {path}")
                path.mkdir(parents=True, exist_ok=True)  # another saywho may create it too
            elif (not (path / PROJECT_FILE).exists() and not (path / PROJECT_BACKUP).exists()
                  and any(path.iterdir()) and not create):
                # (a project whose saywho.json is lost opens from its backup)
                raise ProjectError(f"{path} is not a saywho project")
            reason = None
            shared_read_only = read_only
            if not read_only and layout.needs_migration(path) and old_lock_held(path):
                reason = (
                    f"the project {path} is open in an older saywho that uses the old layout; "
                    "opened read-only (close it to let this saywho bring the project up to date)"
                )
                read_only = shared_read_only = True
            if not read_only:
                lock = SessionLock(lock_path(path, annotator))
                try:
                    (path / LOCKS_DIR).mkdir(exist_ok=True)
                    acquired = lock.acquire()
                except OSError as exc:
                    reason = (
                        f"cannot take the lock of the project {path} "
                        f"({LOCKS_DIR}/{lock.path.name}: {exc.strerror or exc}); "
                        "opened read-only, edits are refused"
                    )
                    read_only = shared_read_only = True
                    lock = None
                else:
                    if not acquired:
                        reason = (
                            f"the project {path} is open in another saywho of annotator "
                            f"{annotator!r} ({lock.holder()}); opened read-only, edits are "
                            "refused"
                        )
                        read_only, lock = True, None
            elif reason is None:
                reason = "opened read-only"
            text_names: list[str] = []
            if not shared_read_only:
                layout.migrate_layout(path)
                for sub in (TEXTS_DIR, ANNOTATIONS_DIR, JOURNALS_DIR, TEMP_DIR):
                    (path / sub).mkdir(exist_ok=True)
                remove_orphan_temps(path)
                remove_orphan_temps(path / JOURNALS_DIR)
                remove_orphan_temps(path / TEMP_DIR)  # where layer files are written first
                text_names = remove_orphan_temps(path / TEXTS_DIR)
            elif layout.needs_migration(path):
                scratch = Path(tempfile.mkdtemp(prefix="saywho-readonly-"))
                layout.convert(path, scratch / ANNOTATIONS_DIR, scratch / JOURNALS_DIR)
            tail = Journal(journal_path(path, annotator)).repair() if not read_only else None
        except OSError as exc:
            if lock is not None:
                lock.release()
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            raise cannot_open(path, exc) from None
        except BaseException:
            if lock is not None:
                lock.release()
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            raise
        opened = cls(
            path,
            read_only=read_only,
            read_only_reason=reason,
            lock=lock,
            annotator=annotator,
            shared_read_only=shared_read_only,
            scratch=scratch,
        )
        opened.text_names = text_names
        if tail is not None and tail.aside is not None:
            opened.note_damage(
                f"the journal of {annotator!r} ended in a line cut short (a process stopped "
                f"while writing it); the line's bytes were kept in {tail.aside.name}")
        return opened

    @property
    def texts(self) -> Path:
        """The folder of document texts."""
        return self.path / TEXTS_DIR

    @property
    def annotations(self) -> Path:
        """The folder of per-document folders of layer files."""
        return (self._scratch or self.path) / ANNOTATIONS_DIR

    @property
    def journals(self) -> Path:
        """The folder of the per-annotator journals."""
        return (self._scratch or self.path) / JOURNALS_DIR

    @property
    def temp(self) -> Path | None:
        """Where layer files are written before they are renamed into place (one folder to
        sweep at open, whatever the number of documents); None when nothing may be written."""
        return None if self._scratch is not None else self.path / TEMP_DIR

    @property
    def shared_lock(self) -> Path:
        """The lock file taken around every change of ``saywho.json``."""
        return self.path / LOCKS_DIR / SHARED_LOCK

    def journal(self, annotator: str) -> Journal:
        """The journal of ``annotator``."""
        return Journal(self.journals / journal_path(Path("."), annotator).name)

    def all_journals(self) -> list[Journal]:
        """Every annotator's journal."""
        from annotations.store.journal import journal_paths

        root = self._scratch or self.path
        return [Journal(p) for p in journal_paths(root)]

    def release(self) -> None:
        """Drop the session lock and the scratch copy of a read-only open."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def require_shared_writable(self) -> None:
        """Raise ``ReadOnlyError`` when even the shared files may not be written."""
        if self.shared_read_only:
            raise ReadOnlyError(self.read_only_reason or "the project is open read-only")

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
            error = (
                f" and another saywho ({self._lock.holder()}) has opened the project since "
                f"as {self.annotator!r}"
            )
        self._lock.release()
        self._lock = None
        self.read_only = True
        self.read_only_reason = (
            f"the project's lock file {LOCKS_DIR}/{lock_path(self.path, self.annotator).name} "
            f"was deleted or replaced while this saywho had it open{error}; edits are refused "
            "so that neither overwrites the other's work: close this saywho and open the "
            "project again"
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
        read_only: bool | None = None,
        temp_dir: Path | None = None,
    ) -> TinyDB:
        """Open a TinyDB file, migrated to the current schema.

        A file that does not parse, or does not have the shape of a TinyDB file (tables of
        records under numeric keys, a numeric schema version) or fails ``check`` (the caller's
        own rules; it returns what is wrong, or ``None``), is moved aside (left alone when
        read-only) and raises ``MovedAside``. A file the system refuses to read raises
        ``ProjectError`` and is never replaced; a file from a newer saywho is refused.
        Read-only opens migrate in memory only. With ``backup``, every write of the file also
        writes that copy. ``read_only``: whether this file may be written (default: whether this
        annotator's files may be; a shared file passes ``shared_read_only``).
        """
        if read_only is None:
            read_only = self.read_only
        storage: AtomicJSONStorage
        try:
            db = TinyDB(path, storage=AtomicJSONStorage, backup=backup, temp_dir=temp_dir)
            storage = db.storage  # type: ignore[assignment]
            data = storage.read()
        except OSError as exc:
            # not damage: the system refused the read (permission, a folder in the way...).
            # Moving it aside and starting afresh would hide the annotations it holds.
            mend = ("move it out of the way" if isinstance(exc, IsADirectoryError)
                    else "fix its permissions")
            raise ProjectError(
                f"cannot read {path.relative_to(self.path)}: {exc.strerror or exc}; "
                f"{mend} and open the project again"
            ) from None
        except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
            raise self._damaged(
                path, f"did not parse ({short_error(exc)})", None, read_only
            ) from None
        if data is not None:
            problem = tinydb_shape_problem(data) or (check(data) if check else None)
            if problem:
                db.close()
                raise self._damaged(path, f"has the wrong shape ({problem})", data, read_only)
            self._bring_up_to_date(path, storage, data, migrations, read_only)
        return db

    def _damaged(
        self, path: Path, what: str, parsed: dict[str, Any] | None, read_only: bool
    ) -> MovedAside:
        if read_only:
            return MovedAside(
                f"{path.name} {what}; left as it is (read-only)", aside=None, parsed=parsed
            )
        aside = self.move_aside(path, read_only=False)
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
        read_only: bool,
    ) -> None:
        version = file_version(data)
        if version > SCHEMA_VERSION:
            raise ProjectError(
                f"{path.name} was written by a newer saywho (schema {version}); upgrade saywho"
            )
        if version < SCHEMA_VERSION and read_only:
            # read the old file as the current schema, in memory only: nothing is written
            storage._data = migrate_in_memory(data, migrations)
        elif version < SCHEMA_VERSION:
            migrated, changed = migrate(path, data, migrations)
            if changed:
                storage.write(migrated)

    def move_aside(self, path: Path, *, read_only: bool | None = None) -> Path:
        """Rename a damaged file to ``<name>.damaged-<time>`` (not when read-only); its new path."""
        if read_only is None:
            read_only = self.read_only
        return damaged_path(path) if read_only else move_aside(path)


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


def read_bytes(path: str) -> bytes:
    """The whole of the file at ``path`` (a plain string), read with the system's calls
    alone: a pass over the corpus reads a few small files per document, where ``open`` and
    ``pathlib`` would cost more than the read. Raises ``OSError`` as ``open`` does."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, READ_CHUNK):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


READ_CHUNK = 1 << 16


def cannot_open(path: Path, exc: OSError) -> ProjectError:
    """The one message for a project the system refused to open."""
    where = exc.filename or path
    return ProjectError(f"cannot open the project {path}: {where}: {exc.strerror or exc}")


def short_error(exc: BaseException) -> str:
    """The first line of an exception's message, at most 120 characters."""
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
