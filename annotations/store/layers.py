"""Annotation layers on disk: one small TinyDB file per document, holding all of its layers.

Each write rewrites only that document's file (atomically), and reuses the stored dict of every
record the write left untouched, so the cost of an edit grows neither with the corpus nor with
the document. Parsed layers are cached. A file that does not parse is moved aside; the document
starts again with an empty suggestions layer, marked on disk as waiting, and is listed in
``needs_suggestions`` (again after a restart) until the caller stores fresh ones: the store
never runs the detector.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tinydb import Query, TinyDB

from annotations.errors import DamagedFileError, InputError
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER, Layer, Quote, Speaker
from annotations.store.atomic import AtomicJSONStorage
from annotations.store.documents import DocumentList
from annotations.store.folder import ProjectFolder
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

    @property
    def needs_suggestions(self) -> frozenset[str]:
        """Ids of documents whose annotations file was moved aside: their suggestions are empty
        until ``store_suggestions`` (found when a document's file is first opened)."""
        return frozenset(self._needs_suggestions)

    def readable(self, doc_id: str) -> bool:
        """Open the document's file; False when it is damaged and the project is read-only."""
        return self._db(doc_id) is not None

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
        layer = Layer(
            name,
            {k: Quote.from_dict(v) for k, v in row.get("quotes", {}).items()},
            {k: Speaker.from_dict(v) for k, v in row.get("speakers", {}).items()},
        )
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
        if db is None:
            info = self._documents.info(doc_id)
            db = TinyDB(self._folder.annotations / f"{info.file}.json", storage=AtomicJSONStorage)
            self._dbs[doc_id] = db
        storage: AtomicJSONStorage = db.storage  # type: ignore[assignment]
        data = dict(storage.read() or {})
        data["_meta"] = {
            "1": {
                "schema_version": SCHEMA_VERSION,
                "doc_id": doc_id,
                "sha256": self._documents.info(doc_id).sha256,
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

    def _db(self, doc_id: str) -> TinyDB | None:
        db = self._dbs.get(doc_id)
        if db is not None:
            return db
        info = self._documents.info(doc_id)
        path = self._folder.annotations / f"{info.file}.json"
        try:
            db = self._folder.open_tinydb(path, DOCUMENT_MIGRATIONS)
        except DamagedFileError as exc:
            self._folder.note_damage(f"document {doc_id!r} is damaged: {exc.message}")
            if self._folder.read_only:
                return None
            db = TinyDB(path, storage=AtomicJSONStorage)
            self._dbs[doc_id] = db
            self.write(doc_id, {SUGGESTIONS_LAYER: Layer(SUGGESTIONS_LAYER)}, awaiting=True)
        else:
            self._dbs[doc_id] = db
        if not self._folder.read_only and _awaits_suggestions(db):
            self._wait_for_suggestions(doc_id)
        return db

    def _wait_for_suggestions(self, doc_id: str) -> None:
        """List a document in ``needs_suggestions`` when its text reads (so suggestions can be
        made for it)."""
        try:
            self._documents.text(doc_id)
        except DamagedFileError:
            return
        self._needs_suggestions.add(doc_id)


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
