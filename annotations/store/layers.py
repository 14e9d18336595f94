"""Annotation layers on disk: one small TinyDB file per document, holding all of its layers.

Each write rewrites only that document's file (atomically), and reuses the stored dict of every
record the write left untouched, so the cost of an edit grows neither with the corpus nor with
the document. Parsed layers are cached. A file that does not parse is moved aside; the document
starts again with an empty suggestions layer, marked on disk as waiting, and is listed in
``needs_suggestions`` (again after a restart) until the caller stores fresh ones: the store
never runs the detector.

This process is meant to be the only writer, but a deleted lock file can let a second one in.
So before writing a document's file the store checks (one ``stat``) that the file is still the
one it read or last wrote; when it is not, the file is read again, and the write goes ahead
only if the layers it replaces are still as they were read: another process's work is never
overwritten from a stale copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from annotations.errors import DamagedFileError, InputError, ProjectError
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER, Layer, Quote, Speaker
from annotations.store.atomic import AtomicJSONStorage
from annotations.store.documents import DocumentList
from annotations.store.folder import ProjectFolder, short_error
from annotations.store.migrations import DOCUMENT_MIGRATIONS, SCHEMA_VERSION

# set on the suggestions row of a document whose annotations file was moved aside
_AWAITING = "needs_suggestions"


class LayerStore:
    """Reads and writes the layers of every document of a project, one file per document."""

    def __init__(self, folder: ProjectFolder, documents: DocumentList) -> None:
        self._folder = folder
        self._documents = documents
        self._dbs: dict[str, TinyDB] = {}
        self._cache: dict[tuple[str, str], Layer] = {}
        self._needs_suggestions: set[str] = set()
        self._unreadable: set[str] = set()  # read-only: files whose records do not read

    @property
    def needs_suggestions(self) -> frozenset[str]:
        """Ids of documents whose annotations file was moved aside: their suggestions are empty
        until ``store_suggestions`` (found when a document's file is first opened)."""
        return frozenset(self._needs_suggestions)

    def readable(self, doc_id: str) -> bool:
        """Open the document's file and read each of its layers; False when it is damaged and
        the project is read-only (a writer moves a damaged file aside and starts again)."""
        db = self._db(doc_id)
        if db is None:
            return False
        try:
            for row in db.table("layers").all():
                name = row["layer"]
                if (doc_id, name) not in self._cache and self._parse(doc_id, db, row) is None:
                    break  # moved aside and started again
        except DamagedFileError:
            return False
        return True

    def names(self, doc_id: str) -> list[str]:
        """Names of the layers stored for a document."""
        db = self._db(doc_id)
        if db is None:
            return []
        return [row["layer"] for row in db.table("layers").all()]

    def has(self, doc_id: str, name: str) -> bool:
        """True when layer ``name`` is stored for the document."""
        return name in self.names(doc_id)

    def get(self, doc_id: str, name: str) -> Layer:
        """A stored layer; one not stored yet is empty (suggestions, final) or a copy of the
        suggestions (an annotator's)."""
        cached = self._cache.get((doc_id, name))
        if cached is not None:
            return cached
        db = self._db(doc_id)
        if db is None:
            return Layer(name)
        row = db.table("layers").get(Query().layer == name)
        if row is None:
            if name in (SUGGESTIONS_LAYER, FINAL_LAYER):
                return Layer(name)
            seed = self.get(doc_id, SUGGESTIONS_LAYER)
            return Layer(name, seed.quotes, seed.speakers)
        layer = self._parse(doc_id, db, row)
        if layer is None:
            return self.get(doc_id, name)
        self._cache[(doc_id, name)] = layer
        return layer

    def write(
        self,
        doc_id: str,
        layers: dict[str, Layer],
        *,
        fresh: bool = False,
        sync_dir: bool = True,
        awaiting: bool = False,
    ) -> None:
        """Write ``layers`` (already checked) into the document's file, atomically.

        ``fresh``: a new document's first write (an import): the file is written without being
        read first and its handle is not kept. ``sync_dir=False`` leaves the folder fsync to the
        caller (a bulk import fsyncs once per batch). ``awaiting`` marks the rows written as
        waiting for suggestions; any later write of the suggestions (``store_suggestions``,
        ``Project.put_layer``) drops the mark and takes the document off ``needs_suggestions``.
        """
        db = self._db(doc_id) if not fresh else None
        info = self._documents.info(doc_id)
        if db is None:
            db = TinyDB(self._folder.annotations / f"{info.file}.json", storage=AtomicJSONStorage)
            self._dbs[doc_id] = db
        elif db.storage.changed_on_disk():  # type: ignore[attr-defined]
            db = self._read_again(doc_id, db, layers)
        storage: AtomicJSONStorage = db.storage  # type: ignore[assignment]
        data = dict(storage.read() or {})
        # who the file belongs to, so a lost document list can be rebuilt from it
        data["_meta"] = {
            "1": {
                "schema_version": SCHEMA_VERSION,
                "doc_id": doc_id,
                "sha256": info.sha256,
                "title": info.title,
                "source": info.source,
                "imported": info.imported,
            }
        }
        rows = dict(data.get("layers") or {})
        by_name = {row["layer"]: key for key, row in rows.items()}
        for name, layer in layers.items():
            key = by_name.get(name) or str(max((int(k) for k in rows), default=0) + 1)
            old_row = rows.get(key) or {}
            cached = self._cache.get((doc_id, name))
            rows[key] = {
                "layer": name,
                "quotes": _dump_records(
                    layer.quotes, cached.quotes if cached else None, old_row.get("quotes") or {}
                ),
                "speakers": _dump_records(
                    layer.speakers,
                    cached.speakers if cached else None,
                    old_row.get("speakers") or {},
                ),
            }
            if awaiting:
                rows[key][_AWAITING] = True
            by_name[name] = key
        data["layers"] = rows
        try:
            storage.write(data, sync_dir=sync_dir)
        finally:
            db.clear_cache()
        if fresh:
            # a bulk import keeps one TinyDB handle per document only while it needs it
            db.close()
            self._dbs.pop(doc_id, None)
        else:
            for name, layer in layers.items():
                self._cache[(doc_id, name)] = layer
        if SUGGESTIONS_LAYER in layers and not awaiting:
            self._needs_suggestions.discard(doc_id)

    def store_suggestions(self, doc_id: str, layer: Layer) -> None:
        """Store fresh suggestions for a document listed in ``needs_suggestions``.

        Checked against the text; not journaled (the old suggestions were lost with the
        damaged file, there is nothing to undo to). ``InputError`` for any other document:
        replacing suggestions that are on disk goes through ``Project.put_layer``, journaled.
        """
        if doc_id not in self._needs_suggestions:
            raise InputError(
                f"document {doc_id!r} does not need suggestions; replace its layer instead"
            )
        text = self._documents.text(doc_id)
        suggestions = Layer(SUGGESTIONS_LAYER, layer.quotes, layer.speakers).check(text)
        self.write(doc_id, {SUGGESTIONS_LAYER: suggestions})

    def close(self) -> None:
        """Close every open file and drop the cache."""
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()
        self._cache.clear()

    def _read_again(self, doc_id: str, db: TinyDB, writing: Mapping[str, Layer]) -> TinyDB:
        """The document's file changed on disk behind our copy: read it again. ``ProjectError``
        when a layer about to be written differs from what our copy held (the change made from
        that copy would overwrite another process's work)."""
        before = _rows_by_name(db.storage.read())
        db.close()
        self._dbs.pop(doc_id, None)
        for key in [key for key in self._cache if key[0] == doc_id]:
            del self._cache[key]
        fresh = self._db(doc_id)
        if fresh is None:  # damaged, read-only: nothing may be written anyway
            raise DamagedFileError(f"the annotations of {doc_id!r} cannot be read")
        after = _rows_by_name(fresh.storage.read())
        changed = [name for name in writing if before.get(name) != after.get(name)]
        if changed:
            raise ProjectError(
                f"the annotations of {doc_id!r} (layer {changed[0]!r}) were changed on disk by "
                "another process since this saywho read them; they have been read again and "
                "this change was not saved: make it again",
                title="Changed on disk",
            )
        return fresh

    def _db(self, doc_id: str) -> TinyDB | None:
        db = self._dbs.get(doc_id)
        if db is not None:
            return db
        if doc_id in self._unreadable:
            return None
        info = self._documents.info(doc_id)
        path = self._folder.annotations / f"{info.file}.json"
        try:
            db = self._folder.open_tinydb(path, DOCUMENT_MIGRATIONS, check=_layers_problem)
        except DamagedFileError as exc:
            self._folder.note_damage(f"document {doc_id!r} is damaged: {exc.message}")
            if self._folder.read_only:
                return None
            return self._start_again(doc_id, path)
        self._dbs[doc_id] = db
        if not self._folder.read_only and _awaits_suggestions(db):
            self._wait_for_suggestions(doc_id)
        return db

    def _start_again(self, doc_id: str, path: Path) -> TinyDB:
        """A fresh file for a document whose file was moved aside: empty suggestions, marked
        as waiting for new ones."""
        db = TinyDB(path, storage=AtomicJSONStorage)
        self._dbs[doc_id] = db
        self.write(doc_id, {SUGGESTIONS_LAYER: Layer(SUGGESTIONS_LAYER)}, awaiting=True)
        self._wait_for_suggestions(doc_id)
        return db

    def _parse(self, doc_id: str, db: TinyDB, row: Mapping[str, Any]) -> Layer | None:
        """A stored layer row as a ``Layer``; ``None`` when a record does not read and the file
        was moved aside (``DamagedFileError`` instead when read-only)."""
        try:
            return Layer(
                row["layer"],
                {k: Quote.from_dict(v) for k, v in (row.get("quotes") or {}).items()},
                {k: Speaker.from_dict(v) for k, v in (row.get("speakers") or {}).items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError, InputError) as exc:
            self._records_damaged(doc_id, db, row["layer"], exc)
            return None

    def _records_damaged(self, doc_id: str, db: TinyDB, name: str, exc: Exception) -> None:
        """A layer whose records do not read: the file is damaged. Moved aside and started
        again (a writer), or left alone and reported unreadable (``DamagedFileError``)."""
        path: Path = db.storage.path  # type: ignore[attr-defined]
        db.close()
        self._dbs.pop(doc_id, None)
        for key in [key for key in self._cache if key[0] == doc_id]:
            del self._cache[key]
        what = (
            f"document {doc_id!r} is damaged: {path.name} holds a record of layer {name!r} "
            f"that cannot be read ({short_error(exc)})"
        )
        if self._folder.read_only:
            self._unreadable.add(doc_id)
            message = f"{what}; left as it is (read-only)"
            self._folder.note_damage(message)
            raise DamagedFileError(message)
        aside = self._folder.move_aside(path)
        self._folder.note_damage(f"{what}; moved aside to {aside.name}, its bytes kept")
        self._start_again(doc_id, path)

    def _wait_for_suggestions(self, doc_id: str) -> None:
        """List a document in ``needs_suggestions`` when its text reads (so suggestions can be
        made for it)."""
        try:
            self._documents.text(doc_id)
        except DamagedFileError:
            return
        self._needs_suggestions.add(doc_id)


def _layers_problem(data: dict[str, Any]) -> str | None:
    """What keeps an annotations file's layer rows from being read, or ``None``."""
    for key, row in (data.get("layers") or {}).items():
        if not isinstance(row.get("layer"), str):
            return f"layer row {key!r} has no name"
        for table in ("quotes", "speakers"):
            records = row.get(table)
            if records is not None and not (
                isinstance(records, dict) and all(isinstance(r, dict) for r in records.values())
            ):
                return f"the {table} of layer {row['layer']!r} are not records"
    return None


def _rows_by_name(data: Mapping[str, Any] | None) -> dict[str, Any]:
    rows = (data or {}).get("layers") or {}
    return {row.get("layer"): row for row in rows.values()}


def _awaits_suggestions(db: TinyDB) -> bool:
    row = db.table("layers").get(Query().layer == SUGGESTIONS_LAYER)
    return bool(row and row.get(_AWAITING))


def _dump_records(
    records: Mapping[str, Quote] | Mapping[str, Speaker],
    cached: Mapping[str, Quote] | Mapping[str, Speaker] | None,
    previous: Mapping[str, Any],
) -> dict[str, Any]:
    """Records as dicts, reusing the stored dict of every record the edit left untouched."""
    out: dict[str, Any] = {}
    for key, record in records.items():
        if cached is not None and cached.get(key) is record and key in previous:
            out[key] = previous[key]
        else:
            out[key] = record.to_dict()
    return out
