"""Moving a project of the old layout (schema 1 and 0.1) to the layout of issue 10.

Old layout: ``annotations/<doc>.json`` holds every layer of a document, one ``journal.jsonl``
(with ``journal.index``) holds everyone's edits, ``.saywho.lock`` is the one session lock. New
layout: ``annotations/<doc>/<layer>.json`` (one TinyDB per document and layer) and
``journal/<annotator>.jsonl`` (one journal per annotator; its checkpoint is rebuilt at open).

``migrate_layout`` runs under ``locks/migrate.lock`` (two saywho opening one old project at
once migrate it once) and is kill-safe: every old file is first copied, bytes for bytes, into
``backup/v<old version>-<time>/`` (made under a ``.partial`` name and renamed once complete);
the new files are written from that backup (so running again rewrites them identically); the
old files are removed only after every new file is on disk, and ``saywho.json`` is rewritten
with the new schema version last: that write is the commit. A run killed anywhere before it
leaves a project still of the old version, which the next open migrates again, reusing the
backup when the old files still present hold the bytes it kept.

``convert`` alone is what a read-only open uses: it writes the new-layout files into a private
temporary folder outside the project, so nothing in the project changes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import orjson

from annotations.store.atomic import atomic_write_bytes, dumps, fsync_dir
from annotations.store.journal import JOURNAL_SUFFIX, JOURNALS_DIR, OLD_JOURNAL_NAME
from annotations.store.journal_index import OLD_INDEX_NAME
from annotations.store.lock import LOCKS_DIR, OLD_LOCK_NAME, short_lock
from annotations.store.migrations import (
    DOCUMENT_MIGRATIONS,
    LAYOUT_VERSION,
    PROJECT_MIGRATIONS,
    SCHEMA_VERSION,
    file_version,
    migrate_in_memory,
)
from annotations.store.paths import (
    ANNOTATIONS_DIR,
    PROJECT_BACKUP,
    PROJECT_FILE,
    damaged_path,
    safe_filename,
)

BACKUP_DIR = "backup"
MIGRATE_LOCK = "migrate.lock"
_PARTIAL = ".partial"
_UNKNOWN = "unknown"


def project_version(folder: Path) -> int | None:
    """The schema version ``saywho.json`` records (None: no file, or it does not parse)."""
    data = _read(folder / PROJECT_FILE)
    try:
        return file_version(data) if data is not None else None
    except (TypeError, ValueError, AttributeError):
        return None


def needs_migration(folder: Path) -> bool:
    """True when the project in ``folder`` is of the old layout: an old journal, or an old
    schema version with something to move (a scheme, documents, old annotation files). An
    emptied or damaged ``saywho.json`` is damage, not an old layout: the project file's own
    recovery deals with it."""
    if (folder / OLD_JOURNAL_NAME).exists():
        return True
    version = _leading_meta_version(folder / PROJECT_FILE)
    if version is not None and version >= LAYOUT_VERSION:
        return False  # current (a 20 MB file at 100,000 documents is not parsed to say so)
    data = _read(folder / PROJECT_FILE)
    if data is None or any(not isinstance(table, dict) for table in data.values()):
        return False  # damage
    records = list(data.get("_meta", {}).values())
    if any(not isinstance(r, dict) or type(r.get("schema_version", 0)) is not int for r in records):
        return False  # damage
    if file_version(data) >= LAYOUT_VERSION:
        return False
    return bool(data.get("project") or data.get("documents")) or any(
        n.startswith(f"{ANNOTATIONS_DIR}/") for n in old_files(folder)
    )


def old_files(folder: Path) -> list[str]:
    """The old-layout files present in ``folder``, as paths relative to it."""
    names = [
        n
        for n in (PROJECT_FILE, PROJECT_BACKUP, OLD_JOURNAL_NAME, OLD_INDEX_NAME)
        if (folder / n).is_file()
    ]
    with contextlib.suppress(OSError):
        for entry in sorted(os.scandir(folder / ANNOTATIONS_DIR), key=lambda e: e.name):
            if entry.is_file() and entry.name.endswith(".json") and entry.name[0] != ".":
                names.append(f"{ANNOTATIONS_DIR}/{entry.name}")
    return names


def migrate_layout(folder: Path) -> Path | None:
    """Bring the project in ``folder`` to the new layout on disk; the backup folder used
    (None when there was nothing to do)."""
    (folder / LOCKS_DIR).mkdir(exist_ok=True)
    with short_lock(folder / LOCKS_DIR / MIGRATE_LOCK):
        if not needs_migration(folder):
            return None
        version = project_version(folder)
        backup = _backup(folder, 1 if version is None else version)
        convert(backup, folder / ANNOTATIONS_DIR, folder / JOURNALS_DIR)
        for name in old_files(folder):
            if name not in (PROJECT_FILE, PROJECT_BACKUP):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(folder / name)
        fsync_dir(folder / ANNOTATIONS_DIR)
        fsync_dir(folder)
        project = _read(backup / PROJECT_FILE)
        if project is not None and (project.get("project") or project.get("documents")):
            # the commit: the project is of the new version from here on (saywho.json.bak
            # keeps the old bytes until the next change: the recovery reads either version)
            data = _new_version(migrate_in_memory(project, PROJECT_MIGRATIONS))
            atomic_write_bytes(folder / PROJECT_FILE, dumps(data))
        with contextlib.suppress(OSError):
            os.unlink(folder / OLD_LOCK_NAME)
        return backup


def convert(source: Path, annotations: Path, journals: Path) -> None:
    """Write the new-layout files made from the old-layout files in ``source`` (a project
    folder or a backup of one): the layer files into ``annotations``, the per-annotator
    journals into ``journals``. Every file is written whole and atomically, so doing it again
    writes the same files."""
    annotations.mkdir(parents=True, exist_ok=True)
    journals.mkdir(parents=True, exist_ok=True)
    for path in sorted((source / ANNOTATIONS_DIR).glob("*.json")):
        _split_document(path, annotations)
    _split_journal(source / OLD_JOURNAL_NAME, journals)


def _split_document(path: Path, annotations: Path) -> None:
    """One old ``<doc>.json`` as ``<doc>/<layer>.json`` files. A file that does not parse is
    kept beside them as ``<doc>.json.damaged-<time>`` (its bytes kept) for the user to look at."""
    stem = path.name[: -len(".json")]
    data = _read(path)
    if data is None or not isinstance(data.get("layers", {}), dict):
        aside = damaged_path(annotations / path.name)
        if path.parent != annotations:
            shutil.copy2(path, aside)
        return
    data = migrate_in_memory(data, DOCUMENT_MIGRATIONS)
    meta = next(iter((data.get("_meta") or {}).values()), None) or {}
    folder = annotations / stem
    folder.mkdir(exist_ok=True)
    for row in (data.get("layers") or {}).values():
        if not isinstance(row, dict) or not isinstance(row.get("layer"), str):
            continue
        layer_meta = {**meta, "schema_version": SCHEMA_VERSION, "layer": row["layer"]}
        payload = dumps({"_meta": {"1": layer_meta}, "layers": {"1": row}})
        atomic_write_bytes(folder / f"{safe_filename(row['layer'])}.json", payload, sync_dir=False)
    fsync_dir(folder)


def _split_journal(path: Path, journals: Path) -> None:
    """The old journal's whole lines, each into its annotator's journal, in order."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return
    by_annotator: dict[str, list[bytes]] = {}
    for line in raw.splitlines(keepends=True):
        if not line.endswith(b"\n") or not line.strip():
            continue  # a torn last line: never a whole entry
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(entry, dict):
            continue
        who = entry.get("annotator")
        name = who if isinstance(who, str) and who else _UNKNOWN
        by_annotator.setdefault(name, []).append(line)
    for name, lines in by_annotator.items():
        target = journals / f"{safe_filename(name)}{JOURNAL_SUFFIX}"
        atomic_write_bytes(target, b"".join(lines), sync_dir=False)
    fsync_dir(journals)


def _backup(folder: Path, version: int) -> Path:
    """A complete backup of the old files: the newest one already made when every old file
    still present holds the bytes it kept, else a new one (``backup/v<version>-<time>/``)."""
    root = folder / BACKUP_DIR
    root.mkdir(exist_ok=True)
    for partial in root.glob(f"*{_PARTIAL}"):
        shutil.rmtree(partial, ignore_errors=True)  # a run killed while copying
    present = old_files(folder)
    done = sorted(p for p in root.glob(f"v{version}-*") if p.is_dir())
    previous = done[-1] if done else None
    if previous is not None and all(_same_bytes(folder / n, previous / n) for n in present):
        return previous
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    target = root / f"v{version}-{stamp}"
    n = 1
    while target.exists():
        target = root / f"v{version}-{stamp}-{n}"
        n += 1
    partial = target.with_name(target.name + _PARTIAL)
    (partial / ANNOTATIONS_DIR).mkdir(parents=True)
    if previous is not None:  # files already removed by the killed run live on in it
        for name in old_files(previous):
            shutil.copy2(previous / name, partial / name)
    for name in present:
        shutil.copy2(folder / name, partial / name)
    for path in [*(partial / ANNOTATIONS_DIR).iterdir(), *partial.iterdir()]:
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    fsync_dir(partial / ANNOTATIONS_DIR)
    fsync_dir(partial)
    os.replace(partial, target)
    fsync_dir(root)
    return target


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


_META_HEAD = b'{"_meta":'
_HEAD_BYTES = 4096


def _leading_meta_version(path: Path) -> int | None:
    """The schema version of a TinyDB file that opens with its ``_meta`` table, as saywho
    writes them (keys sorted, so ``_meta`` comes first), read from the file's first bytes;
    ``None`` when it does not open so or the table does not read (then the whole file is)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return None
    if not head.startswith(_META_HEAD):
        return None
    try:
        meta, _end = json.JSONDecoder().raw_decode(
            head.decode("utf-8", "replace"), len(_META_HEAD))
    except ValueError:
        return None
    if not isinstance(meta, dict) or not meta:
        return None
    records = list(meta.values())
    if any(not isinstance(r, dict) or type(r.get("schema_version", 0)) is not int
           for r in records):
        return None
    return file_version({"_meta": meta})


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _new_version(data: dict[str, Any]) -> dict[str, Any]:
    meta = data.setdefault("_meta", {})
    record = dict(next(iter(meta.values()), {}) if meta else {})
    record["schema_version"] = SCHEMA_VERSION
    data["_meta"] = {"1": record}
    return data
