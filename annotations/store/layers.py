"""Annotation layers on disk: one small TinyDB file per document and layer.

``annotations/<doc>/<layer>.json`` (both names made safe by ``paths.safe_filename``; the
document's folder is the file stem its row records) holds one layer: a ``_meta`` record (schema
version, the document's id, sha256, title, source and import time, and the layer's name) and the
layer's row. A document's layer list is its folder's listing. An annotator's process writes its
own layer files; suggestions (at import), ``final`` (adjudication) and any other layer may be
written by several processes, so every write of a layer file runs under a short ``flock`` on the
document's folder, after checking (one ``stat``) that the file is still the one this process
read or last wrote. When it is not, the file is read again and the write goes ahead only if the
layer it replaces is still as it was read: another process's work is never overwritten from a
stale copy.

Each write rewrites only that layer's file (atomically), and reuses the stored dict of every
record the write left untouched, so the cost of an edit grows neither with the corpus nor with
the document. Parsed layers are cached; a cached layer of another annotator (or the
suggestions, or ``final``) that changed on disk is read again when next asked for. A file that
does not parse is moved aside; when it held the suggestions the document starts again with an
empty suggestions layer, marked on disk as waiting, and is listed in ``needs_suggestions``
(again after a restart) until the caller stores fresh ones: the store never runs the detector.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Literal

import orjson
from tinydb import TinyDB

from annotations.errors import ChangedOnDiskError, DamagedFileError, InputError
from annotations.metadata import meta_dict
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER, Layer, Quote, Speaker
from annotations.store.atomic import (
    AtomicJSONStorage,
    FileIdentity,
    fsync_dir,
    remove_orphan_temps,
)
from annotations.store.documents import DocumentInfo, DocumentList
from annotations.store.folder import (
    ProjectFolder,
    read_bytes,
    short_error,
    tinydb_shape_problem,
)
from annotations.store.lock import folder_lock
from annotations.store.migrations import LAYER_MIGRATIONS, SCHEMA_VERSION, file_version
from annotations.store.paths import ANNOTATIONS_DIR, safe_filename

# set on the suggestions row of a document whose suggestions file was moved aside
_AWAITING = "needs_suggestions"

Key = tuple[str, str]  # (document id, layer name)


RACY_NS = 1_000_000_000  # a folder changed less than this ago is listed again each time
_APPLIED = "applied"  # a layer row's record of the last journal entry each annotator wrote


class Intent:
    """An edit's journal line, written by ``LayerStore.write`` under the layer's lock, after
    the check that the file is still the one read and just before the layer is written: so
    the journal holds the edits of a layer in the order they were written (several writers
    of ``final``), and a layer changed meanwhile refuses the edit before any line is written.
    The layer row records ``entry_id`` as ``annotator``'s last applied edit, so a journal
    line whose write was cut short (a killed process) is told from one that was applied."""

    def __init__(self, annotator: str, entry_id: str, journal: Callable[[], None]) -> None:
        self.annotator = annotator
        self.entry_id = entry_id
        self.journal = journal  # writes the line; raises when it cannot


def layer_file(name: str) -> str:
    """The file name of layer ``name`` inside its document's folder."""
    file = _LAYER_FILES.get(name)
    if file is None:
        file = f"{safe_filename(name)}.json"
        if len(_LAYER_FILES) < 1024:  # a few layer names, asked for once per document
            _LAYER_FILES[name] = file
    return file


_LAYER_FILES: dict[str, str] = {}


def document_folder(project: Path, info: DocumentInfo) -> Path:
    """The folder of a document's layer files in the project folder ``project``."""
    return project / ANNOTATIONS_DIR / info.file


class LayerStore:
    """Reads and writes the layers of every document of a project, one file per layer."""

    def __init__(self, folder: ProjectFolder, documents: DocumentList, owner: str = "") -> None:
        self._folder = folder
        self._documents = documents
        self._owner = owner  # the annotator whose layer only this process writes
        self._dbs: dict[Key, TinyDB] = {}
        self._cache: dict[Key, Layer] = {}
        self._names: dict[str, tuple[int, list[tuple[str, str]]]] = {}
        self._needs_suggestions: set[str] = set()
        self._unreadable: set[Key] = set()  # read-only: files whose records do not read
        self._swept: set[str] = set()  # document folders cleaned of orphan temp files
        self._last_folder: tuple[str, Path] | None = None  # folder_of's last answer
        self._pass_base: str | None = None  # the annotations folder, for ``read_pass``
        # document folders whose lock ``exclusive`` holds, and the thread holding it
        self._held: dict[Path, int] = {}
        # called after every write of a layer file, with the identity of the file written:
        # the corpus index (``annotations.store.summaries``) keeps its entry current
        self.on_write: Callable[[str, str, Layer, FileIdentity | None], None] | None = None

    @property
    def needs_suggestions(self) -> frozenset[str]:
        """Ids of documents whose suggestions file was moved aside: their suggestions are empty
        until ``store_suggestions`` (found when a document's files are first opened)."""
        return frozenset(self._needs_suggestions)

    def folder_of(self, doc_id: str) -> Path:
        """The folder of a document's layer files."""
        last = self._last_folder
        if last is not None and last[0] == doc_id:  # one document's files are read in a row
            return last[1]
        folder = self._folder.annotations / self._documents.info(doc_id).file
        self._last_folder = (doc_id, folder)
        return folder

    def readable(self, doc_id: str, only: Collection[str] | None = None) -> bool:
        """Open each of the document's layer files and read it; False when one is damaged and
        the project is read-only (a writer moves a damaged file aside and goes on). ``only``:
        read the records of those layers alone (a pass that reads no other layer)."""
        if not self.names(doc_id):
            self._db(doc_id, SUGGESTIONS_LAYER)  # a missing suggestions file is not damage
        for name in self.names(doc_id):
            if only is not None and name not in only:
                continue
            key = (doc_id, name)
            if key in self._unreadable:
                return False
            if key in self._cache:
                continue
            db = self._db(doc_id, name)
            if db is None:
                if self._folder.read_only and key in self._unreadable:
                    return False
                continue
            try:
                row = _row(db)
                if row is not None and row.get("layer") == name:
                    layer = self._parse(key, db, row)
                    if layer is None:
                        continue  # moved aside and started again
                    self._cache[key] = layer  # read once: ``get`` answers from it
                elif row is not None and self._parse(key, db, row) is None:
                    continue  # moved aside and started again
            except DamagedFileError:
                return False
        if only is None:
            return not any(k[0] == doc_id for k in self._unreadable)
        stems = {*only, *(layer_file(n)[: -len(".json")] for n in only)}
        return not any(k[0] == doc_id and k[1] in stems for k in self._unreadable)

    def names(self, doc_id: str) -> list[str]:
        """Names of the layers stored for a document (its folder's listing): the suggestions
        first, then the others by name."""
        return [name for name, _ in self._listing(doc_id)]

    def names_beyond(self, doc_id: str, files: Collection[str]) -> list[str]:
        """The layers stored for the document whose file is not among ``files`` (the files of
        the layer names a caller knows already): one listing of its folder, and only those
        files opened to learn the name they hold. For a sweep over every layer of a corpus
        (``Project.layer_summaries``) that must not miss a layer no index or journal names (a
        ``gold`` layer imported in another clone) nor open every file."""
        try:
            listed = os.listdir(self.folder_of(doc_id))
        except (InputError, OSError):
            return []
        found = []
        for file in listed:
            if file.endswith(".json") and file[0] != "." and file not in files:
                name = self._name_in(doc_id, file)
                if name is not None:
                    found.append(name)
        return found

    def has(self, doc_id: str, name: str) -> bool:
        """True when layer ``name`` is stored for the document."""
        return name in self.names(doc_id)

    def get(self, doc_id: str, name: str) -> Layer:
        """A stored layer; one not stored yet is empty (suggestions, final) or a copy of the
        suggestions (an annotator's)."""
        key = (doc_id, name)
        # the handle is checked even with no parsed copy: one opened by a listing holds the
        # file as it was then, and a write compares the file with that
        if not self._stale(key) and (cached := self._cache.get(key)) is not None:
            return cached
        db = self._db(doc_id, name)
        row = _row(db) if db is not None else None
        if row is None or row.get("layer") != name:
            if name in (SUGGESTIONS_LAYER, FINAL_LAYER):
                return Layer(name)
            seed = self.get(doc_id, SUGGESTIONS_LAYER)
            return Layer(name, seed.quotes, seed.speakers)
        assert db is not None
        layer = self._parse(key, db, row)
        if layer is None:
            return self.get(doc_id, name)
        self._cache[key] = layer
        return layer

    def write(
        self,
        doc_id: str,
        layers: dict[str, Layer],
        *,
        fresh: bool = False,
        sync_dir: bool = True,
        awaiting: bool = False,
        intent: Intent | None = None,
    ) -> None:
        """Write ``layers`` (already checked), each into its own file, atomically.

        ``intent``: the journal line of the edit that made the (one) layer: written under
        the layer's lock, once the file is known not to have changed (``Intent``).

        ``fresh``: a new document's first write (an import): its handles are not kept.
        ``sync_dir=False`` leaves the folder fsync to the caller (a bulk import fsyncs once per
        batch). ``awaiting`` marks the rows written as waiting for suggestions; any later write
        of the suggestions (``store_suggestions``, ``Project.put_layer``) drops the mark and
        takes the document off ``needs_suggestions``.
        """
        info = self._documents.info(doc_id)
        folder = self._folder.annotations / info.file
        created = not folder.is_dir()
        if created:
            folder.mkdir(parents=True, exist_ok=True)
        assert intent is None or len(layers) == 1, "an intent is one edit of one layer"
        for name, layer in layers.items():
            with self.locked(folder):
                self._write_one(doc_id, info, folder, name, layer, awaiting, sync_dir, intent)
        if created and sync_dir:
            fsync_dir(folder.parent)
        if fresh:
            for name in layers:  # a bulk import keeps no handle per document
                db = self._dbs.pop((doc_id, name), None)
                if db is not None:
                    db.close()
                self._cache.pop((doc_id, name), None)
        if SUGGESTIONS_LAYER in layers and not awaiting:
            self._needs_suggestions.discard(doc_id)

    def write_meta(self, doc_ids: Iterable[str]) -> None:
        """Bring each document's row as it is now (metadata a re-import or a merge added) into
        the ``_meta`` record of each of its layer files, one write per file under the
        document's lock, the layer as stored: a project rebuilt from its layer files
        (``saywho.json`` lost) keeps it. Left to that layer's next write: a file that does not
        read, and the annotator's own layer while another process of theirs holds it."""
        for doc_id in doc_ids:
            info = self._documents.info(doc_id)
            folder = self._folder.annotations / info.file
            if not folder.is_dir():
                continue
            with self.exclusive(doc_id):
                for name in self.names(doc_id):
                    if self._folder.read_only and name == self._owner:
                        continue  # the process holding the annotator's lock writes it
                    key = (doc_id, name)
                    kept = key in self._dbs  # a handle opened here only is closed after
                    try:
                        layer = self.get(doc_id, name)
                    except DamagedFileError:
                        continue
                    db = self._dbs.get(key)
                    if db is not None:
                        awaiting = name == SUGGESTIONS_LAYER and _awaits_suggestions(db)
                        self._write_one(doc_id, info, folder, name, layer, awaiting, True)
                    if not kept and (db := self._dbs.pop(key, None)) is not None:
                        db.close()
                        self._cache.pop(key, None)

    @contextmanager
    def exclusive(self, doc_id: str) -> Iterator[None]:
        """Hold the document's folder lock across a read, a change worked out from it and its
        write (an edit, an undo): another process's write of a layer of the document cannot
        come in between, so the edit is never refused as made on a stale copy."""
        folder = self._folder.annotations / self._documents.info(doc_id).file
        if self._held.get(folder) == threading.get_ident():
            yield
            return
        if not folder.is_dir():
            if self._folder.read_only:  # nothing of it to read, nothing may be written
                yield
                return
            folder.mkdir(parents=True, exist_ok=True)
            fsync_dir(folder.parent)  # the folder lasts as the files written into it will
        with folder_lock(folder):
            self._held[folder] = threading.get_ident()
            try:
                yield
            finally:
                del self._held[folder]

    def locked(self, folder: Path) -> AbstractContextManager[None]:
        """The folder's lock, unless this thread holds it already through ``exclusive`` (a
        ``flock`` taken twice by one thread on two descriptors waits for itself; another
        thread of this process waits for it, as another process does)."""
        if self._held.get(folder) == threading.get_ident():
            return nullcontext()
        return folder_lock(folder)

    def _write_one(
        self,
        doc_id: str,
        info: Any,
        folder: Path,
        name: str,
        layer: Layer,
        awaiting: bool,
        sync_dir: bool,
        intent: Intent | None = None,
    ) -> None:
        key = (doc_id, name)
        db = self._dbs.get(key)
        if db is None:
            db = self._db(doc_id, name)
            if db is None:  # damaged and read-only: nothing may be written anyway
                raise DamagedFileError(f"the annotations of {doc_id!r} cannot be read")
        elif db.storage.changed_on_disk():  # type: ignore[attr-defined]
            db = self._read_again(key, db)
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
                "layer": name,
                **({"meta": meta_dict(info.meta)} if info.meta else {}),
            }
        }
        old_row = _row_of(data) or {}
        cached = self._cache.get(key)
        row: dict[str, Any] = {
            "layer": name,
            "quotes": _dump_records(
                layer.quotes, cached.quotes if cached else None, old_row.get("quotes") or {}
            ),
            "speakers": _dump_records(
                layer.speakers, cached.speakers if cached else None, old_row.get("speakers") or {}
            ),
        }
        if awaiting:
            row[_AWAITING] = True
        applied = old_row.get(_APPLIED)
        applied = dict(applied) if isinstance(applied, dict) else {}
        if intent is not None:
            intent.journal()
            applied[intent.annotator] = intent.entry_id
        if applied:
            row[_APPLIED] = applied
        data["layers"] = {"1": row}
        try:
            storage.write(data, sync_dir=sync_dir)
        except BaseException:
            self._forget(key)  # what the file holds now is unknown: read it again next time
            raise
        finally:
            db.clear_cache()
        self._cache[key] = layer
        if self.on_write is not None:  # still under the folder's lock: in the order written
            self.on_write(doc_id, name, layer, _identity(db))

    def applied(self, doc_id: str, name: str) -> dict[str, str] | None:
        """The layer file's record of the last journal entry each annotator wrote into it
        (``Intent``); None when the file keeps none (none yet, or a file from before it)."""
        db = self._db(doc_id, name)
        applied = (_row(db) or {}).get(_APPLIED) if db is not None else None
        if not isinstance(applied, dict):
            return None
        return {k: v for k, v in applied.items() if isinstance(v, str)}

    def read_once(self, doc_id: str, name: str) -> tuple[Layer, FileIdentity | None] | None:
        """Layer ``name`` of a document as its file holds it, with the identity of the file
        read, for the corpus index; ``None`` when there is no such file (or it is damaged: the
        usual damage rules apply). Nothing of it is kept: a rebuild of the whole index must not
        fill the cache or hold a handle per document."""
        key = (doc_id, name)
        try:
            path = self.folder_of(doc_id) / layer_file(name)
        except InputError:
            return None
        if key in self._unreadable or not path.exists():
            return None
        db = self._open(doc_id, path, name)
        if db is None:
            return None
        try:
            row = _row(db)
            if row is None or row.get("layer") != name:
                # a file of that layer's name holding no such layer: said, like any damage
                self._folder.note_damage(
                    f"document {doc_id!r}: its {name!r} layer file holds no layer that reads")
                return None
            layer = self._parse(key, db, row)
            return None if layer is None else (layer, _identity(db))
        except DamagedFileError:
            return None
        finally:
            db.close()

    def read_pass(self, doc_id: str, names: Iterable[str]) -> dict[str, Layer] | None:
        """Those of layers ``names`` the document has, read for a read-only pass over the
        corpus (an export, agreement): each file read once and parsed once, straight from its
        bytes, with no TinyDB handle, nothing cached and nothing kept; a layer the document
        does not have is left out.

        ``None`` when this fast read cannot answer alone: the project may be written here (a
        damaged file is then moved aside), or a file does not read, does not have the shape
        of a current layer file (checked as ``_open`` checks it) or holds a record that does
        not read. The caller then takes the usual way (``readable``, ``names``, ``get``), which
        reports the damage by the usual rules; every file this read accepts, that way reads to
        the same layers.
        """
        if not self._folder.read_only:
            return None
        info = self._documents.get(doc_id)
        if info is None:
            return None
        base = self._pass_base
        if base is None:
            base = self._pass_base = os.path.join(self._folder.annotations, "")
        found: dict[str, Layer] = {}
        for name in names:
            if (doc_id, name) in self._unreadable:
                return None
            try:
                raw = read_bytes(f"{base}{info.file}{os.sep}{layer_file(name)}")
            except FileNotFoundError:
                continue  # the document does not have this layer
            except OSError:
                return None
            layer = _lean_layer(raw, name)
            if layer is False:
                return None
            if layer is not None:
                found[name] = layer
        return found

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

    def forget(self, doc_id: str) -> None:
        """Close the document's files and drop its layers from memory: a pass over the whole
        corpus (an export, the stats, agreement) holds one document at a time. The next read
        reads the files again."""
        for key in [k for k in self._dbs if k[0] == doc_id]:
            self._dbs.pop(key).close()
        for key in [k for k in self._cache if k[0] == doc_id]:
            del self._cache[key]
        self._names.pop(doc_id, None)
        self._last_folder = None

    def close(self) -> None:
        """Close every open file and drop the cache."""
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()
        self._cache.clear()
        self._names.clear()
        self._last_folder = None

    # ----------------------------------------------------------------- internals
    def _listing(self, doc_id: str) -> list[tuple[str, str]]:
        """(layer name, file name) of every layer file of the document; cached while the
        folder does not change (one ``stat``)."""
        try:
            folder = self.folder_of(doc_id)
        except InputError:
            return []
        try:
            stamp = os.stat(folder).st_mtime_ns
        except (FileNotFoundError, NotADirectoryError):
            return []
        held = self._names.get(doc_id)
        if held is not None and held[0] == stamp:
            return held[1]
        if not self._folder.read_only and doc_id not in self._swept:
            self._swept.add(doc_id)
            files = remove_orphan_temps(folder)
        else:
            try:
                files = os.listdir(folder)
            except OSError:
                files = []
        found: list[tuple[str, str]] = []
        for file in sorted(files):
            if not file.endswith(".json") or file[0] == ".":
                continue
            name = self._name_in(doc_id, file)
            if name is not None:
                found.append((name, file))
        found.sort(key=lambda nf: (nf[0] != SUGGESTIONS_LAYER, nf[0]))
        # a folder changed within the clock's last tick may change again with the same stamp
        # (another process renaming its layer file in): such a listing is not kept, or a
        # teammate's new layer stayed unseen (a label rename passed it by)
        if time.time_ns() - stamp > RACY_NS:
            self._names[doc_id] = (stamp, found)
        return found

    def _name_in(self, doc_id: str, file: str) -> str | None:
        """The layer a file holds (None: damaged, or not a layer file of this store)."""
        if len(_LAYER_FILES) < 1024:  # every held layer's name is there: a look-up per name
            for name, known in _LAYER_FILES.items():
                if known == file and (doc_id, name) in self._dbs:
                    return name
        else:  # more layer names than the cache holds: every handle, one by one
            for doc, name in self._dbs:
                if doc == doc_id and layer_file(name) == file:
                    return name
        path = self.folder_of(doc_id) / file
        db = self._open(doc_id, path, file[: -len(".json")])
        if db is None:
            if not self._folder.read_only and file == layer_file(SUGGESTIONS_LAYER):
                self._start_again(doc_id, path)
                return SUGGESTIONS_LAYER
            return None
        row = _row(db)
        name = row.get("layer") if row is not None else None
        if not isinstance(name, str) or layer_file(name) != file:
            db.close()
            return None
        self._dbs[(doc_id, name)] = db
        if not self._folder.read_only and name == SUGGESTIONS_LAYER and _awaits_suggestions(db):
            self._wait_for_suggestions(doc_id)
        return name

    def _temp_dir(self) -> Path | None:
        """The project's temp folder when it is there (a writer made it at open)."""
        temp = self._folder.temp
        return temp if temp is not None and temp.is_dir() else None

    def _forget(self, key: Key) -> None:
        """Drop the copy and the handle of a layer: the next read reads its file."""
        db = self._dbs.pop(key, None)
        if db is not None:
            db.close()
        self._cache.pop(key, None)

    def _stale(self, key: Key) -> bool:
        """True when the file of layer ``key`` changed on disk since its handle read or wrote
        it: the handle and any parsed copy are dropped so the next read reads the file again.
        The annotator's own layer too (one ``stat``): another annotator may edit it (``l``
        picks any layer), and this process must then show and build on their change rather
        than refuse its next edit."""
        db = self._dbs.get(key)
        if db is None or not db.storage.changed_on_disk():  # type: ignore[attr-defined]
            return False
        self._forget(key)
        return True

    def _read_again(self, key: Key, db: TinyDB) -> TinyDB:
        """The layer's file changed on disk behind our copy: read it again. ``ProjectError``
        when it differs from what our copy held (the change made from that copy would
        overwrite another process's work)."""
        # what our copy held: no file at all when it was read (a first adoption into a final
        # layer another adjudicator has just created), not what read() would find now
        before = _row_of(db.storage.held())  # type: ignore[attr-defined]
        db.close()
        self._dbs.pop(key, None)
        self._cache.pop(key, None)
        fresh = self._db(*key)
        if fresh is None:  # damaged, read-only: nothing may be written anyway
            raise DamagedFileError(f"the annotations of {key[0]!r} cannot be read")
        after = _row_of(fresh.storage.read())
        if _records(before) != _records(after):
            raise ChangedOnDiskError(
                f"the annotations of {key[0]!r} (layer {key[1]!r}) were changed on disk by "
                "another process since this saywho read them; they have been read again and "
                "this change was not saved: make it again")
        return fresh

    def _db(self, doc_id: str, name: str) -> TinyDB | None:
        key = (doc_id, name)
        db = self._dbs.get(key)
        if db is not None:
            return db
        if key in self._unreadable:
            return None
        path = self.folder_of(doc_id) / layer_file(name)
        db = self._open(doc_id, path, name)
        if db is None:
            if not self._folder.read_only and name == SUGGESTIONS_LAYER:
                return self._start_again(doc_id, path)
            return None
        self._dbs[key] = db
        if not self._folder.read_only and name == SUGGESTIONS_LAYER and _awaits_suggestions(db):
            self._wait_for_suggestions(doc_id)
        return db

    def _open(self, doc_id: str, path: Path, name: str | None = None) -> TinyDB | None:
        """A layer file, opened and checked; None when damaged (moved aside unless read-only)."""
        try:
            temp = None if self._folder.shared_read_only else self._temp_dir()  # never written
            return self._folder.open_tinydb(
                path, LAYER_MIGRATIONS, check=_layers_problem, temp_dir=temp
            )
        except DamagedFileError as exc:
            self._folder.note_damage(f"document {doc_id!r} is damaged: {exc.message}")
            if self._folder.read_only:
                self._unreadable.add((doc_id, name or path.name))
            self._names.pop(doc_id, None)
            return None

    def _start_again(self, doc_id: str, path: Path) -> TinyDB:
        """A fresh suggestions file for a document whose file was moved aside: empty, marked
        as waiting for new ones."""
        path.parent.mkdir(parents=True, exist_ok=True)
        db = TinyDB(path, storage=AtomicJSONStorage, temp_dir=self._temp_dir())
        self._dbs[(doc_id, SUGGESTIONS_LAYER)] = db
        self.write(doc_id, {SUGGESTIONS_LAYER: Layer(SUGGESTIONS_LAYER)}, awaiting=True)
        self._wait_for_suggestions(doc_id)
        return db

    def _parse(self, key: Key, db: TinyDB, row: Mapping[str, Any]) -> Layer | None:
        """A stored layer row as a ``Layer``; ``None`` when a record does not read and the file
        was moved aside (``DamagedFileError`` instead when read-only)."""
        try:
            return _layer_of(row)
        except (KeyError, TypeError, ValueError, AttributeError, InputError) as exc:
            self._records_damaged(key, db, exc)
            return None

    def _records_damaged(self, key: Key, db: TinyDB, exc: Exception) -> None:
        """A layer whose records do not read: its file is damaged. Moved aside (and started
        again for the suggestions) by a writer, or left alone and reported unreadable
        (``DamagedFileError``)."""
        doc_id, name = key
        path: Path = db.storage.path  # type: ignore[attr-defined]
        db.close()
        self._dbs.pop(key, None)
        self._cache.pop(key, None)
        self._names.pop(doc_id, None)
        what = (
            f"document {doc_id!r} is damaged: {path.name} holds a record of layer {name!r} "
            f"that cannot be read ({short_error(exc)})"
        )
        if self._folder.read_only:
            self._unreadable.add(key)
            message = f"{what}; left as it is (read-only)"
            self._folder.note_damage(message)
            raise DamagedFileError(message)
        aside = self._folder.move_aside(path)
        self._folder.note_damage(f"{what}; moved aside to {aside.name}, its bytes kept")
        if name == SUGGESTIONS_LAYER:
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
    """What keeps a layer file's row from being read, or ``None``."""
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


def _lean_layer(raw: bytes, name: str) -> Layer | None | Literal[False]:
    """Layer ``name`` from the bytes of its file, for ``LayerStore.read_pass``: ``None`` when
    the file holds no such layer (``names`` would not list it), ``False`` when the file is not
    a current, whole layer file (the usual way decides what it is)."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    if type(data) is not dict:
        return False
    try:
        if (tinydb_shape_problem(data) is not None or _layers_problem(data) is not None
                or file_version(data) != SCHEMA_VERSION):
            return False
    except (TypeError, ValueError, AttributeError):
        return False
    row = _row_of(data)
    if row is None or row.get("layer") != name:
        return None
    try:
        return _layer_of(row)
    except (KeyError, TypeError, ValueError, AttributeError, InputError):
        return False


def _layer_of(row: Mapping[str, Any]) -> Layer:
    """A stored layer row as a ``Layer`` (raises when a record does not read)."""
    quote, speaker = Quote.from_dict, Speaker.from_dict
    return Layer(
        row["layer"],
        {k: quote(v) for k, v in (row.get("quotes") or {}).items()},
        {k: speaker(v) for k, v in (row.get("speakers") or {}).items()},
    )


def _identity(db: TinyDB) -> FileIdentity | None:
    """The identity of the file a layer's storage last read or wrote."""
    return getattr(db.storage, "_identity", None)


def _row(db: TinyDB) -> dict[str, Any] | None:
    return _row_of(db.storage.read())


def _row_of(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    rows = (data or {}).get("layers") or {}
    for row in rows.values():
        return row  # type: ignore[no-any-return]
    return None


def _records(row: Mapping[str, Any] | None) -> tuple[Any, Any]:
    row = row or {}
    return (row.get("quotes") or {}, row.get("speakers") or {})


def _awaits_suggestions(db: TinyDB) -> bool:
    row = _row(db)
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
