"""The project on disk: documents, their annotation layers, the journal, the session lock.

A project is a folder::

    saywho.json              schema version, settings, stance scheme, document list (TinyDB)
    texts/<doc>.txt          each document's text, never edited after import
    annotations/<doc>.json   one small TinyDB per document: its layers (quotes, speakers)
    journal.jsonl            every edit, undo and redo: who, when, before, after
    .saywho.lock             the session lock

Each edit rewrites one small file atomically, so its cost does not grow with the corpus.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import orjson
from tinydb import Query, TinyDB

from annotations.edits import Edit, EditContext, LayerChange
from annotations.errors import DamagedFileError, InputError, ProjectError, ReadOnlyError
from annotations.model import (
    FINAL_LAYER,
    SUGGESTIONS_LAYER,
    Document,
    Layer,
    Quote,
    Speaker,
    StanceScheme,
    now_iso,
    sha256_text,
)
from annotations.store.atomic import (
    AtomicJSONStorage,
    atomic_write_bytes,
    fsync_dir,
    remove_orphan_temps,
)
from annotations.store.journal import Journal
from annotations.store.lock import SessionLock
from annotations.store.migrations import (
    DOCUMENT_MIGRATIONS,
    PROJECT_MIGRATIONS,
    SCHEMA_VERSION,
    file_version,
    migrate,
    migrate_in_memory,
)
from annotations.store.paths import safe_filename

PROJECT_FILE = "saywho.json"
TEXTS_DIR = "texts"
ANNOTATIONS_DIR = "annotations"

Detect = Callable[[str], Layer]


def default_annotator() -> str:
    """The login name, the default owner of an annotation layer."""
    try:
        return getpass.getuser() or "annotator"
    except (KeyError, OSError):
        return "annotator"


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A row of the project's document list."""

    id: str
    title: str
    sha256: str
    file: str
    source: str = ""
    imported: str = ""
    chars: int = 0


@dataclass(frozen=True, slots=True)
class EditReceipt:
    """What ``Project.apply``/``undo``/``redo`` report once the change is on disk."""

    entry_id: str
    doc_id: str
    layer: str
    description: str
    change: LayerChange
    saved: bool = True


@dataclass(slots=True)
class ImportReport:
    """Counts and per-file messages from adding documents."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed


@dataclass(slots=True)
class _UndoState:
    undo: list[dict[str, Any]] = field(default_factory=list)
    redo: list[dict[str, Any]] = field(default_factory=list)


class Project:
    """A saywho project folder, opened for one annotator.

    Open with ``Project.open``. When another process holds the project's session lock, the
    project opens read-only: reads work, ``apply`` raises ``ReadOnlyError`` with a message that
    says who holds it. Use as a context manager or call ``close``.
    """

    def __init__(
        self,
        folder: Path,
        annotator: str,
        *,
        read_only: bool,
        read_only_reason: str | None,
        lock: SessionLock | None,
        detect: Detect | None,
    ) -> None:
        self.folder = folder
        self.annotator = annotator
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.damaged: list[str] = []
        self._lock = lock
        self._detect = detect
        self._journal = Journal(folder)
        self._db = self._open_project_db()
        self._docs: dict[str, DocumentInfo] = {
            rec["id"]: DocumentInfo(**rec) for rec in self._db.table("documents").all()
        }
        self._files_taken = {info.file.lower() for info in self._docs.values()}
        self._doc_dbs: dict[str, TinyDB] = {}
        self._layers: dict[tuple[str, str], Layer] = {}
        self._texts: dict[str, str] = {}
        self._undo = self._rebuild_undo()
        self.listeners: list[Callable[[EditReceipt], None]] = []

    # ----------------------------------------------------------------- opening and closing
    @classmethod
    def open(
        cls,
        folder: str | os.PathLike[str],
        annotator: str | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
        detect: Detect | None = None,
    ) -> Project:
        """Open (or create) the project in ``folder``.

        ``detect`` turns a text into a suggestions layer at import; the default is saywho's
        rule detector when it is installed.
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
            where = exc.filename or path
            raise ProjectError(
                f"cannot open the project {path}: {where}: {exc.strerror or exc}"
            ) from None
        try:
            return cls(
                path,
                annotator or default_annotator(),
                read_only=read_only,
                read_only_reason=reason,
                lock=lock,
                detect=detect if detect is not None else _default_detect(),
            )
        except OSError as exc:
            if lock is not None:
                lock.release()
            raise ProjectError(
                f"cannot open the project {path}: {exc.filename or path}: {exc.strerror or exc}"
            ) from None
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    def close(self) -> None:
        """Release the session lock and file handles."""
        for db in self._doc_dbs.values():
            db.close()
        self._doc_dbs.clear()
        self._layers.clear()
        self._db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open_project_db(self) -> TinyDB:
        path = self.folder / PROJECT_FILE
        storage_path = path
        try:
            db = self._open_tinydb(path, PROJECT_MIGRATIONS)
        except DamagedFileError as exc:
            self.damaged.append(exc.message)
            if self.read_only:
                raise ProjectError(exc.message) from None
            db = self._open_tinydb(storage_path, PROJECT_MIGRATIONS)
            self._rebuild_document_list(db)
        if not db.table("_meta").all() and not self.read_only:
            db.table("_meta").insert({"schema_version": SCHEMA_VERSION})
            db.table("project").insert({"scheme": StanceScheme().to_dict(), "settings": {}})
        return db

    def _open_tinydb(self, path: Path, migrations: dict[int, Any]) -> TinyDB:
        """Open a TinyDB file; a file that does not parse is moved aside and reported."""
        storage: AtomicJSONStorage
        try:
            db = TinyDB(path, storage=AtomicJSONStorage)
            storage = db.storage  # type: ignore[assignment]
            data = storage.read()
        except OSError as exc:
            # not damage: the system refused the read (permission, a folder in the way...).
            # Moving it aside and starting afresh would hide the annotations it holds.
            raise ProjectError(
                f"cannot read {path.relative_to(self.folder)}: {exc.strerror or exc}; "
                "fix its permissions and open the project again"
            ) from None
        except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
            if self.read_only:
                raise DamagedFileError(
                    f"{path.name} did not parse ({_short(exc)}); left as it is (read-only)"
                ) from None
            aside = self._move_aside(path)
            raise DamagedFileError(
                f"{path.name} did not parse ({_short(exc)}); moved aside to {aside.name}, "
                "its bytes kept"
            ) from None
        if data is not None:
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
        return db

    def _move_aside(self, path: Path) -> Path:
        stamp = now_iso().replace(":", "").replace("-", "")
        aside = path.with_name(f"{path.name}.damaged-{stamp}")
        n = 1
        while aside.exists():
            aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
            n += 1
        if not self.read_only:
            os.replace(path, aside)
        return aside

    def _rebuild_document_list(self, db: TinyDB) -> None:
        """After a damaged ``saywho.json``: recover the document list from ``texts/``."""
        rows = []
        for text_path in sorted((self.folder / TEXTS_DIR).glob("*.txt")):
            try:
                text = text_path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            stem = text_path.stem
            doc_id = stem
            # the document's annotations file records its real id (hostile ids are hashed)
            try:
                meta = (
                    orjson.loads((self.folder / ANNOTATIONS_DIR / f"{stem}.json").read_bytes()).get(
                        "_meta"
                    )
                    or {}
                )
                record = next(iter(meta.values()), {})
                if record.get("sha256") == sha256_text(text) and record.get("doc_id"):
                    doc_id = str(record["doc_id"])
            except (OSError, ValueError, AttributeError):
                pass
            rows.append(
                {
                    "id": doc_id,
                    "title": doc_id,
                    "sha256": sha256_text(text),
                    "file": stem,
                    "source": "",
                    "imported": "",
                    "chars": len(text),
                }
            )
        db.table("documents").insert_multiple(rows)

    # ----------------------------------------------------------------- settings and scheme
    @property
    def scheme(self) -> StanceScheme:
        """The project's stance scheme."""
        rows = self._db.table("project").all()
        return StanceScheme.from_dict(rows[0].get("scheme") if rows else None)

    def set_scheme(self, scheme: StanceScheme) -> None:
        """Replace the stance scheme (annotations are carried by ``rename_stance_label``)."""
        self._require_writable()
        table = self._db.table("project")
        if table.all():
            table.update({"scheme": scheme.to_dict()})
        else:
            table.insert({"scheme": scheme.to_dict(), "settings": {}})

    @property
    def settings(self) -> dict[str, Any]:
        """Free-form project settings."""
        rows = self._db.table("project").all()
        return dict(rows[0].get("settings") or {}) if rows else {}

    def set_setting(self, key: str, value: Any) -> None:
        """Store one setting in the project file."""
        self._require_writable()
        settings = self.settings
        settings[key] = value
        self._db.table("project").update({"settings": settings})

    # ----------------------------------------------------------------- documents
    def document_ids(self) -> list[str]:
        """Document ids in import order."""
        return list(self._docs)

    def documents(self) -> list[DocumentInfo]:
        """The document list."""
        return list(self._docs.values())

    def info(self, doc_id: str) -> DocumentInfo:
        """One document's row; ``InputError`` for an unknown id."""
        try:
            return self._docs[doc_id]
        except KeyError:
            raise InputError(f"no document {doc_id!r} in the project") from None

    def document(self, doc_id: str) -> Document:
        """A document with its text."""
        info = self.info(doc_id)
        text = self._texts.get(doc_id)
        if text is None:
            path = self.folder / TEXTS_DIR / f"{info.file}.txt"
            try:
                text = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise DamagedFileError(
                    f"text of {doc_id!r} cannot be read: {_short(exc)}"
                ) from None
            if sha256_text(text) != info.sha256:
                raise DamagedFileError(f"text of {doc_id!r} changed on disk since import")
            self._texts[doc_id] = text
        return Document(info.id, info.title, text, info.sha256, info.source, info.imported)

    def add_documents(
        self,
        documents: Iterable[Document],
        *,
        progress: Callable[[Document], None] | None = None,
        flush_every: int = 500,
    ) -> ImportReport:
        """Import documents, run the detector on new ones, and store its suggestions.

        Unchanged text under a known id is a no-op; changed text under a known id is refused
        (annotations are never dropped silently).
        """
        self._require_writable()
        report = ImportReport()
        pending: list[DocumentInfo] = []
        try:
            for doc in documents:
                if progress is not None:
                    progress(doc)
                known = self._docs.get(doc.id)
                if known is not None:
                    if known.sha256 == doc.sha256:
                        report.unchanged.append(doc.id)
                    else:
                        report.failed.append(
                            (
                                doc.id,
                                f"{doc.id}: a document with this id but different text is "
                                "already in the project; not replaced (its annotations would "
                                "be lost)",
                            )
                        )
                    continue
                try:
                    suggestions = self._suggest(doc.text)
                except Exception as exc:  # noqa: BLE001 - one bad text must not stop an import
                    report.failed.append(
                        (
                            doc.id,
                            f"{doc.id}: the detector failed ({type(exc).__name__}: "
                            f"{_short(exc)}); not imported",
                        )
                    )
                    continue
                pending.append(self._write_document(doc, suggestions))
                report.added.append(doc.id)
                if len(pending) >= flush_every:
                    self._flush_documents(pending)
                    pending = []
        finally:
            # also on an interruption: every document written so far joins the list
            self._flush_documents(pending)
        return report

    def _suggest(self, text: str) -> Layer:
        found = self._detect(text) if self._detect else Layer(SUGGESTIONS_LAYER)
        return Layer(SUGGESTIONS_LAYER, found.quotes, found.speakers).check(text)

    def _write_document(self, doc: Document, layer: Layer) -> DocumentInfo:
        file = self._unique_file(doc.id)
        atomic_write_bytes(
            self.folder / TEXTS_DIR / f"{file}.txt",
            doc.text.encode("utf-8", "surrogatepass"),
            sync_dir=False,
        )
        info = DocumentInfo(
            id=doc.id,
            title=doc.title,
            sha256=doc.sha256,
            file=file,
            source=doc.source,
            imported=doc.imported or now_iso(),
            chars=len(doc.text),
        )
        self._docs[doc.id] = info
        self._texts[doc.id] = doc.text
        self._write_layers(doc.id, {SUGGESTIONS_LAYER: layer}, fresh=True, sync_dir=False)
        return info

    def _unique_file(self, doc_id: str) -> str:
        base = safe_filename(doc_id)
        file, n = base, 1
        while file.lower() in self._files_taken or self._file_on_disk(file):
            n += 1
            file = f"{base}-{n}"
        self._files_taken.add(file.lower())
        return file

    def _file_on_disk(self, file: str) -> bool:
        """True when a text or annotations file of that name exists (a document the list lost
        track of, e.g. one left out of a rebuilt list): never write over it."""
        return (self.folder / TEXTS_DIR / f"{file}.txt").exists() or (
            self.folder / ANNOTATIONS_DIR / f"{file}.json"
        ).exists()

    def _flush_documents(self, infos: list[DocumentInfo]) -> None:
        if not infos:
            return
        fsync_dir(self.folder / TEXTS_DIR)
        fsync_dir(self.folder / ANNOTATIONS_DIR)
        self._db.table("documents").insert_multiple(asdict(i) for i in infos)

    # ----------------------------------------------------------------- layers
    def _doc_db(self, doc_id: str) -> TinyDB | None:
        db = self._doc_dbs.get(doc_id)
        if db is not None:
            return db
        info = self.info(doc_id)
        path = self.folder / ANNOTATIONS_DIR / f"{info.file}.json"
        try:
            db = self._open_tinydb(path, DOCUMENT_MIGRATIONS)
        except DamagedFileError as exc:
            message = f"document {doc_id!r} is damaged: {exc.message}"
            if message not in self.damaged:
                self.damaged.append(message)
            if self.read_only:
                return None
            db = TinyDB(path, storage=AtomicJSONStorage)
            self._doc_dbs[doc_id] = db
            self._reseed(doc_id)
            return db
        self._doc_dbs[doc_id] = db
        return db

    def _reseed(self, doc_id: str) -> None:
        """Give a document whose annotations were moved aside fresh suggestions."""
        try:
            text = self.document(doc_id).text
        except DamagedFileError:
            return
        try:
            layer = self._suggest(text)
        except Exception:  # noqa: BLE001 - the document still opens, without suggestions
            layer = Layer(SUGGESTIONS_LAYER)
        self._write_layers(doc_id, {SUGGESTIONS_LAYER: layer})

    def check_document(self, doc_id: str) -> None:
        """Raise ``DamagedFileError`` when the text or the annotations of ``doc_id`` cannot be
        read (read-only: a damaged annotations file otherwise reads as an empty layer)."""
        self.document(doc_id)
        if self._doc_db(doc_id) is None:
            prefix = f"document {doc_id!r} is damaged"
            message = next((m for m in self.damaged if m.startswith(prefix)), prefix)
            raise DamagedFileError(message)

    def layer_names(self, doc_id: str) -> list[str]:
        """Names of the layers stored for a document."""
        db = self._doc_db(doc_id)
        if db is None:
            return []
        return [row["layer"] for row in db.table("layers").all()]

    def has_layer(self, doc_id: str, name: str) -> bool:
        """True when ``name`` is stored for the document."""
        return name in self.layer_names(doc_id)

    def layer(self, doc_id: str, name: str | None = None) -> Layer:
        """A document's layer; an annotator's layer starts as a copy of the suggestions.

        The ``final`` (adjudicated) layer starts empty.
        """
        name = name or self.annotator
        cached = self._layers.get((doc_id, name))
        if cached is not None:
            return cached
        db = self._doc_db(doc_id)
        if db is None:
            return Layer(name)
        row = db.table("layers").get(Query().layer == name)
        if row is None:
            if name in (SUGGESTIONS_LAYER, FINAL_LAYER):
                return Layer(name)
            seed = self.layer(doc_id, SUGGESTIONS_LAYER)
            return Layer(name, seed.quotes, seed.speakers)
        layer = Layer(
            name,
            {k: Quote.from_dict(v) for k, v in row.get("quotes", {}).items()},
            {k: Speaker.from_dict(v) for k, v in row.get("speakers", {}).items()},
        )
        self._layers[(doc_id, name)] = layer
        return layer

    def put_layer(self, doc_id: str, layer: Layer) -> bool:
        """Store a whole layer (imports, scheme relabels), checked against the text first.

        Returns False when the stored layer is already equal (nothing is written). A stored
        layer that differs is journaled whole (``op: "replace-layer"``) before it is replaced,
        so an overwrite never loses annotations for good.
        """
        self._require_writable()
        layer.check(self.document(doc_id).text)
        if self.has_layer(doc_id, layer.name):
            old = self.layer(doc_id, layer.name)
            if old == layer:
                return False
            self.record(
                "replace-layer",
                f"replaced layer {layer.name} of {doc_id}",
                {
                    "doc": doc_id,
                    "layer": layer.name,
                    "quotes": {k: q.to_dict() for k, q in old.quotes.items()},
                    "speakers": {k: sp.to_dict() for k, sp in old.speakers.items()},
                },
            )
        self._write_layers(doc_id, {layer.name: layer})
        return True

    def _write_layers(
        self, doc_id: str, layers: dict[str, Layer], *, fresh: bool = False, sync_dir: bool = True
    ) -> None:
        db = self._doc_db(doc_id) if not fresh else None
        if db is None:
            info = self._docs[doc_id]
            db = TinyDB(
                self.folder / ANNOTATIONS_DIR / f"{info.file}.json", storage=AtomicJSONStorage
            )
            self._doc_dbs[doc_id] = db
        storage: AtomicJSONStorage = db.storage  # type: ignore[assignment]
        data = storage.read() or {}
        data = dict(data)
        data["_meta"] = {
            "1": {
                "schema_version": SCHEMA_VERSION,
                "doc_id": doc_id,
                "sha256": self._docs[doc_id].sha256,
            }
        }
        rows = dict(data.get("layers") or {})
        by_name = {row["layer"]: key for key, row in rows.items()}
        for name, layer in layers.items():
            key = by_name.get(name) or str(max((int(k) for k in rows), default=0) + 1)
            old_row = rows.get(key) or {}
            cached = self._layers.get((doc_id, name))
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
            by_name[name] = key
        data["layers"] = rows
        try:
            storage.write(data, sync_dir=sync_dir)
        finally:
            db.clear_cache()
        if not fresh:
            for name, layer in layers.items():
                self._layers[(doc_id, name)] = layer
        if fresh:
            # a bulk import keeps one TinyDB handle per document only while it needs it
            db.close()
            self._doc_dbs.pop(doc_id, None)

    # ----------------------------------------------------------------- edits, undo, redo
    def apply(self, edit: Edit) -> EditReceipt:
        """Apply an edit, write it to disk, journal it; return once it is saved."""
        self._require_writable()
        layer_name = edit.layer or self.annotator
        text = self.document(edit.doc_id).text
        layer = self.layer(edit.doc_id, layer_name)
        change = edit.compute(layer, text, EditContext(self.annotator))
        entry = self._commit(edit.doc_id, layer_name, layer, change, "edit", edit.describe())
        self._undo.undo.append(entry)
        self._undo.redo.clear()
        return self._receipt(entry, change)

    def undo(self) -> EditReceipt | None:
        """Undo this annotator's last edit (also one made before a restart)."""
        return self._step(self._undo.undo, self._undo.redo, "undo")

    def redo(self) -> EditReceipt | None:
        """Redo the last undone edit."""
        return self._step(self._undo.redo, self._undo.undo, "redo")

    @property
    def can_undo(self) -> bool:
        """True when there is an edit to undo."""
        return bool(self._undo.undo)

    @property
    def can_redo(self) -> bool:
        """True when there is an undone edit to redo."""
        return bool(self._undo.redo)

    def _step(
        self, source: list[dict[str, Any]], target: list[dict[str, Any]], op: str
    ) -> EditReceipt | None:
        self._require_writable()
        if not source:
            return None
        original = source[-1]
        change = LayerChange.from_dict(original["change"])
        if op == "undo":
            change = change.inverted()
        doc_id, layer_name = original["doc"], original["layer"]
        layer = self.layer(doc_id, layer_name)
        try:
            change = _rebase(change, layer)
        except _Conflict as conflict:
            # Another edit (another annotator, an import, a label rename) changed the same
            # fields since: never overwrite it. Drop this step so the next one can run.
            self._journal.append(
                self._entry(
                    "skip",
                    f"cannot {op} {original['what']}",
                    ref=original["id"],
                    doc=doc_id,
                    layer=layer_name,
                    **{"from": op},
                )
            )
            source.pop()
            raise InputError(
                f"cannot {op} {original['what']!r}: {conflict} was changed since by another "
                f"edit in layer {layer_name!r}; that change is kept and this {op} is skipped"
            ) from None
        entry = self._commit(
            doc_id, layer_name, layer, change, op, f"{op} {original['what']}", ref=original["id"]
        )
        source.pop()
        target.append(original)
        return self._receipt(entry, change)

    def _commit(
        self,
        doc_id: str,
        layer_name: str,
        layer: Layer,
        change: LayerChange,
        op: str,
        what: str,
        ref: str | None = None,
    ) -> dict[str, Any]:
        new_layer = change.apply_to(layer)
        text = self.document(doc_id).text
        for quote in change.quotes_after.values():
            if quote is not None:
                quote.check(text)
        self._write_layers(doc_id, {layer_name: new_layer})
        entry = self._entry(
            op, what, ref=ref, doc=doc_id, layer=layer_name, change=change.to_dict()
        )
        try:
            self._journal.append(entry)
        except BaseException:
            # an edit that is not in the journal cannot be undone: put the layer back so
            # the caller's "not saved" is the truth, then report the failure
            with contextlib.suppress(Exception):
                self._write_layers(doc_id, {layer_name: layer})
            raise
        return entry

    def _receipt(self, entry: dict[str, Any], change: LayerChange) -> EditReceipt:
        receipt = EditReceipt(entry["id"], entry["doc"], entry["layer"], entry["what"], change)
        for listener in list(self.listeners):
            listener(receipt)
        return receipt

    def _rebuild_undo(self) -> _UndoState:
        state = _UndoState()
        for entry in self._journal.entries(ops=("edit", "undo", "redo", "skip")):
            if entry.get("annotator") != self.annotator:
                continue
            op = entry.get("op")
            if op == "edit" and not all(
                isinstance(entry.get(k), t)
                for k, t in (("id", str), ("doc", str), ("layer", str), ("change", dict))
            ):
                continue  # a hand-edited or foreign line: nothing to undo with
            if op == "edit":
                state.undo.append(entry)
                state.redo.clear()
            elif op in ("undo", "redo"):
                src, dst = (state.undo, state.redo) if op == "undo" else (state.redo, state.undo)
                if src and src[-1]["id"] == entry.get("ref"):
                    dst.append(src.pop())
            elif op == "skip":
                stack = state.undo if entry.get("from") == "undo" else state.redo
                if stack and stack[-1]["id"] == entry.get("ref"):
                    stack.pop()
        return state

    def record(self, op: str, what: str, data: dict[str, Any]) -> None:
        """Journal a project-level change that is not a layer edit (a scheme change)."""
        self._require_writable()
        self._journal.append(self._entry(op, what, data=data))

    def _entry(self, op: str, what: str, **fields: Any) -> dict[str, Any]:
        """A journal entry: a fresh id, the time, who, what was done, and its details."""
        return {
            "id": uuid.uuid4().hex,
            "ts": now_iso(),
            "annotator": self.annotator,
            "op": op,
            "what": what,
            **fields,
        }

    def journal(self) -> Iterator[dict[str, Any]]:
        """Every journal entry, oldest first."""
        return self._journal.entries()

    # ----------------------------------------------------------------- checks
    def verify(self) -> list[str]:
        """Open every document's file once; return (and keep) the damage messages."""
        for doc_id in self.document_ids():
            try:
                self._doc_db(doc_id)
                self.document(doc_id)
            except DamagedFileError as exc:
                message = f"document {doc_id!r} is damaged: {exc.message}"
                if message not in self.damaged:
                    self.damaged.append(message)
        return list(self.damaged)

    def _require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyError(self.read_only_reason or "the project is open read-only")


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


class _Conflict(Exception):
    """An undo or redo would overwrite a later change to the same field of a record."""


def _merge_record(expected: Any, target: Any, current: Any, label: str) -> Any:
    """The record an undo/redo should write: ``target`` when the record is still as the step
    left it (``expected``), else ``current`` with only the step's own fields set back, as long
    as no later edit changed those fields too (``_Conflict``)."""
    if current in (expected, target):
        return target
    if expected is None or target is None or current is None:
        raise _Conflict(label)
    changed = {
        f.name: getattr(target, f.name)
        for f in fields(target)
        if f.name != "updated" and getattr(expected, f.name) != getattr(target, f.name)
    }
    for name, value in changed.items():
        if getattr(current, name) not in (getattr(expected, name), value):
            raise _Conflict(label)
    if "updated" in {f.name for f in fields(target)}:
        changed["updated"] = now_iso()
    return replace(current, **changed)


def _rebase(change: LayerChange, layer: Layer) -> LayerChange:
    """``change`` (its before: what the layer should hold now) rebased on ``layer`` as it is."""
    quotes_before: dict[str, Quote | None] = {}
    quotes_after: dict[str, Quote | None] = {}
    for qid, target in change.quotes_after.items():
        current = layer.quotes.get(qid)
        quotes_before[qid] = current
        quotes_after[qid] = _merge_record(
            change.quotes_before.get(qid), target, current, f"quote {qid}"
        )
    speakers_before: dict[str, Speaker | None] = {}
    speakers_after: dict[str, Speaker | None] = {}
    for sid, target in change.speakers_after.items():
        current = layer.speakers.get(sid)
        speakers_before[sid] = current
        speakers_after[sid] = _merge_record(
            change.speakers_before.get(sid), target, current, f"speaker {sid}"
        )
    return LayerChange(quotes_before, quotes_after, speakers_before, speakers_after)


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def _default_detect() -> Detect | None:
    """saywho's rule detector as a text -> Layer function, imported on its first use."""

    def detect(text: str) -> Layer:
        from annotations.detect import DEFAULT_DETECTOR

        found = DEFAULT_DETECTOR.detect(text)
        return Layer(
            SUGGESTIONS_LAYER,
            {q.id: q for q in found.quotes},
            {s.id: s for s in found.speakers},
        )

    return detect
