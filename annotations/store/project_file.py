"""``saywho.json``, the one file the whole project shares: open it, start it, check it, recover it,
and change it safely while other processes change it too.

Several saywho processes (one per annotator, plus ``saywho import``) have the project open at
once, so every change of ``saywho.json`` is a read-modify-write under a short ``flock`` on
``locks/saywho.json.lock`` (``SharedFile.change``): take the lock, read the file again when it
changed on disk, apply the change, write it atomically, release. Readers notice a changed file
with one ``stat`` (inode, size, mtime) and read it again (``SharedFile.refresh``).

It holds the schema version, the stance scheme and settings (``settings.py``) and the document
list (``documents.py``). Losing it must not lose the project's own choices, so every write also
writes ``saywho.json.bak`` (the same bytes, atomically). At open the file's shape is checked,
down to each document row (a row's file name is joined into paths). A file that does not parse
or has the wrong shape is moved aside (its bytes kept) and rebuilt from what survives: its own
valid parts, the backup, then the texts and annotation files on disk. One damage message says
what was recovered and what was not. Read-only, nothing is moved or written: the recovered
project lives in memory.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Table

from annotations.model import StanceScheme
from annotations.store.atomic import AtomicJSONStorage, atomic_write_bytes, dumps
from annotations.store.documents import (
    DocumentInfo,
    disk_rows,
    in_import_order,
    info_row,
    row_info,
    row_problem,
)
from annotations.store.folder import MovedAside, ProjectFolder, short_error, tinydb_shape_problem
from annotations.store.lock import short_lock
from annotations.store.migrations import PROJECT_MIGRATIONS, SCHEMA_VERSION
from annotations.store.paths import PROJECT_BACKUP, PROJECT_FILE

_FILE_LABEL = "saywho.json"


@dataclass(slots=True)
class ProjectFile:
    """The opened ``saywho.json`` and its document rows, read and checked once."""

    db: TinyDB
    documents: list[DocumentInfo]


class SharedFile:
    """``saywho.json`` as several processes share it: fresh reads, locked read-modify-writes.

    ``generation`` grows each time the file was read again, so the document list and settings
    know when to drop what they derived from it.
    """

    def __init__(self, folder: ProjectFolder, db: TinyDB) -> None:
        self._folder = folder
        self.db = db
        self.generation = 0

    def table(self, name: str) -> Table:
        """A table of the file (a fresh handle after each re-read: TinyDB caches ids)."""
        return self.db.table(name)

    def refresh(self, *, repair: bool = False) -> bool:
        """Read the file again when another process replaced it (one ``stat``); True when it
        was read again. A file that no longer reads (or not as a project file) leaves the copy
        in memory in service; with ``repair`` (the caller holds the shared lock and is about to
        write) it is first moved aside, its bytes kept, and said as damage: the write then puts
        this session's copy back (it used to write over the file, and its backup with it, in
        silence)."""
        storage = self.db.storage
        if not isinstance(storage, AtomicJSONStorage) or not storage.changed_on_disk():
            return False
        old = storage.read()
        storage.reload()
        try:
            data = storage.read()
            problem = ("it is empty" if data is None else tinydb_shape_problem(data)
                       or _RowCheck(self._folder.path / PROJECT_BACKUP)(data))
            if problem is not None:
                raise ValueError(problem)
        except (OSError, ValueError) as exc:
            storage._data = old  # keep serving what we had; the identity stays the new one
            if repair and not isinstance(exc, OSError):
                path = self._folder.path / PROJECT_FILE
                aside = self._folder.move_aside(path, read_only=self._folder.shared_read_only)
                self._folder.note_damage(
                    f"{PROJECT_FILE} was changed by another process into no project file "
                    f"({short_error(exc)}); moved aside to {aside.name}, its bytes kept; "
                    "this session's copy is written back")
            return False
        self.db._tables.clear()  # noqa: SLF001 - table handles cache the next record id
        self.db.clear_cache()
        self.generation += 1
        return True

    @contextlib.contextmanager
    def change(self) -> Iterator[None]:
        """Hold the shared lock, with the file read again when it changed, for one change."""
        if self._folder.shared_read_only or not isinstance(self.db.storage, AtomicJSONStorage):
            yield
            return
        with short_lock(self._folder.shared_lock):
            self.refresh(repair=True)
            yield


def open_project_file(folder: ProjectFolder) -> ProjectFile:
    """The project's ``saywho.json``, created, migrated or recovered as needed."""
    path = folder.path / PROJECT_FILE
    backup = folder.path / PROJECT_BACKUP
    rows = _RowCheck(backup)
    try:
        db = folder.open_tinydb(
            path,
            PROJECT_MIGRATIONS,
            check=rows,
            backup=None if folder.shared_read_only else backup,
            read_only=folder.shared_read_only,
        )
    except MovedAside as exc:
        return _recover(folder, path, backup, exc)
    storage: AtomicJSONStorage = db.storage  # type: ignore[assignment]
    data = storage.read()
    if data is None:
        if backup.exists():
            db.close()
            missing = MovedAside(f"{path.name} is missing", aside=None, parsed=None)
            return _recover(folder, path, backup, missing)
        if not folder.shared_read_only:
            with short_lock(folder.shared_lock):
                storage.reload()
                data = storage.read()
                if data is None:  # one write: never a file without a scheme
                    storage.write(_project_data(None, []))
                    return ProjectFile(db, [])
            if rows(data) is None:
                return ProjectFile(db, rows.infos)
        return ProjectFile(db, [])
    if not folder.shared_read_only and not backup.exists():
        atomic_write_bytes(backup, dumps(data))
    return ProjectFile(db, rows.infos)


class _RowCheck:
    """The shape check ``open_tinydb`` runs on ``saywho.json``; keeps the rows it read.

    A file with neither a scheme nor documents while its backup has them was emptied, not
    started: that is damage too.
    """

    def __init__(self, backup: Path) -> None:
        self.infos: list[DocumentInfo] = []
        self._backup = backup

    def __call__(self, data: dict[str, Any]) -> str | None:
        if not data.get("project") and not data.get("documents"):
            saved = _read_json(self._backup)
            if saved and (saved.get("project") or saved.get("documents")):
                return "it holds neither a scheme nor documents, but its backup does"
        problems = [p for rec in (data.get("project") or {}).values() if (p := _project_row(rec))]
        infos: list[DocumentInfo] = []
        ids: set[str] = set()
        files: set[str] = set()
        for rec in in_import_order(data.get("documents") or {}):
            info = row_info(rec)
            if info is None:
                problems.append(row_problem(rec))
            elif info.id in ids or info.file.lower() in files:
                problems.append(f"document {info.id!r} or its file is listed twice")
            else:
                ids.add(info.id)
                files.add(info.file.lower())
                infos.append(info)
        self.infos = infos
        if not problems:
            return None
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        return "; ".join(problems[:3]) + more


def _project_row(rec: Any) -> str | None:
    """What is wrong with the row holding the scheme and settings, or ``None``."""
    if not isinstance(rec, dict):
        return "the project row is not an object"
    scheme, settings = rec.get("scheme"), rec.get("settings")
    if scheme is not None:
        if not isinstance(scheme, dict):
            return "the stance scheme is not an object"
        try:
            StanceScheme.from_dict(scheme)
        except (TypeError, KeyError, ValueError, AttributeError):
            return "the stance scheme cannot be read"
    if settings is not None and not isinstance(settings, dict):
        return "the settings are not an object"
    return None


def _project_data(project: dict[str, Any] | None, rows: list[DocumentInfo]) -> dict[str, Any]:
    return {
        "_meta": {"1": {"schema_version": SCHEMA_VERSION}},
        "project": {"1": project or {"scheme": StanceScheme().to_dict(), "settings": {}}},
        "documents": {str(n): info_row(info) for n, info in enumerate(rows, 1)},
    }


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _recover(folder: ProjectFolder, path: Path, backup: Path, exc: MovedAside) -> ProjectFile:
    """Rebuild the project file from the damaged file's valid parts, the backup and the disk."""
    sources: list[tuple[str, dict[str, Any]]] = []
    if exc.parsed is not None:
        sources.append((_FILE_LABEL, exc.parsed))
    saved = _read_json(backup)
    if saved is not None:
        sources.append((PROJECT_BACKUP, saved))

    project, project_from = None, None
    for label, data in sources:
        table = data.get("project")
        recs = list(table.values()) if isinstance(table, dict) else []
        if recs and _project_row(recs[0]) is None:
            project, project_from = recs[0], label
            break

    # what each source lists, first source first; then what only the disk knows
    listed: list[tuple[str, Any, DocumentInfo | None]] = []
    ids: set[str] = set()
    files: set[str] = set()
    for label, data in sources:
        table = data.get("documents")
        for rec in in_import_order(table) if isinstance(table, dict) else ():
            info = row_info(rec)
            if info is not None and (info.id in ids or info.file.lower() in files):
                continue
            if info is not None:
                ids.add(info.id)
                files.add(info.file.lower())
            listed.append((label, rec, info))
    on_disk = {info.id: info for info in disk_rows(folder, files, ids)}

    rows: list[DocumentInfo] = []
    counts: dict[str, int] = {}
    repaired: list[str] = []
    left_out: list[str] = []
    for label, rec, info in listed:
        if info is None:
            info = _repaired(rec, on_disk)
            if info is None:
                if not (isinstance(rec, dict) and rec.get("id") in ids):
                    left_out.append(row_problem(rec))
                continue
            ids.add(info.id)
            repaired.append(info.id)
        else:
            counts[label] = counts.get(label, 0) + 1
        rows.append(info)
    for info in on_disk.values():
        rows.append(info)
        counts["the texts on disk"] = counts.get("the texts on disk", 0) + 1

    data = _project_data(project, rows)
    if folder.shared_read_only:
        db = TinyDB(storage=MemoryStorage)
    else:
        db = TinyDB(path, storage=AtomicJSONStorage, backup=backup)
    db.storage.write(data)
    folder.note_damage(
        _recovery_message(
            exc.message, project_from, counts, repaired, left_out, folder.shared_read_only
        )
    )
    return ProjectFile(db, rows)


def _repaired(rec: Any, on_disk: dict[str, DocumentInfo]) -> DocumentInfo | None:
    """A bad row put right from the disk: its id's text was found there (with the sha256 the
    row records, when it records one). The found entry is used up."""
    if not isinstance(rec, dict) or not isinstance(rec.get("id"), str):
        return None
    found = on_disk.get(rec["id"])
    sha = rec.get("sha256")
    if found is None or (isinstance(sha, str) and sha != found.sha256):
        return None
    del on_disk[rec["id"]]
    keep = {
        key: rec[key]
        for key in ("title", "source", "imported")
        if isinstance(rec.get(key), str) and rec[key]
    }
    return replace(found, **keep)


def _recovery_message(
    what: str,
    project_from: str | None,
    counts: dict[str, int],
    repaired: list[str],
    left_out: list[str],
    read_only: bool,
) -> str:
    parts = []
    if project_from is not None:
        parts.append(f"the stance scheme and settings from {project_from}")
    docs = ", ".join(f"{n} from {label}" for label, n in counts.items())
    parts.append(f"documents: {docs}" if docs else "no documents")
    message = f"{what}; recovered {'; '.join(parts)}"
    if project_from is None:
        message += "; no backup held the stance scheme and settings: they are back to the defaults"
    if repaired:
        names = ", ".join(repr(i) for i in repaired[:5])
        message += f"; repaired {names} (their rows were broken; their texts were found in texts/)"
    if left_out:
        message += f"; left out {len(left_out)} rows with nothing on disk: {left_out[0]}"
    if read_only:
        message += " (in memory only: opened read-only)"
    return message
