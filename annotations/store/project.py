"""The project on disk, behind one facade: documents, their layers, the journal, the lock.

A project is a folder::

    saywho.json                      schema version, settings, stance scheme, document list
                                     (TinyDB; shared: changed under locks/saywho.json.lock)
    saywho.json.bak                  the same bytes, written with every change
    texts/<doc>.txt                  each document's text, never edited after import
    annotations/<doc>/<layer>.json   one small TinyDB per document and layer (quotes,
                                     speakers); a document's layers = its folder's listing
    journal/<annotator>.jsonl        that annotator's edits, undos and redos: who, when,
                                     before, after (written before the layer file)
    journal/<annotator>.index        its undo/redo stacks up to a point (a checkpoint)
    index/summaries.{bin,log}        the corpus index: a summary per document and layer file,
                                     appended by every layer write (``summaries``); a cache
    tmp/                             layer files are written here first, then renamed into
                                     place (one folder to sweep for a killed writer's temps)
    locks/<annotator>.lock           the session lock of an annotator (held for a session)
    locks/saywho.json.lock           the short lock around every change of saywho.json
    backup/v<old>-<time>/            the old files of a project migrated to this layout

(``<doc>``, ``<layer>`` and ``<annotator>`` are made safe by ``paths.safe_filename``.) Several
annotators work on one project at once, each writing only their own layer files and journal;
a second process of the same annotator is read-only for those but may still import documents
and change settings (``shared_read_only`` is what refuses those). Layer files several
processes write (suggestions, ``final``, another annotator's layer) are written under a short
lock on the document's folder, after a re-read.

``Project`` only stores: it never runs the detector. Callers (the session) compute suggestions
and hand them over (``add_documents``, ``store_suggestions``). Each job lives in its own
module: ``folder`` (opening, locks, damage, migrations), ``layout`` (moving an old-layout
project to this one, with a backup), ``project_file`` (``saywho.json``, shared),
``settings``, ``documents``, ``layers``, ``history`` (edits, undo, redo, journal) and
``imports``. Each edit rewrites one small file atomically, so its cost does not grow with the
corpus.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from annotations.errors import DamagedFileError, InputError
from annotations.metadata import Meta
from annotations.model import (
    RESERVED_LAYERS,
    Document,
    Layer,
    StanceScheme,
    annotator_name_problem,
    case_twin,
)
from annotations.store import imports
from annotations.store.collector import collector_paused
from annotations.store.doc_steps import DocumentSteps
from annotations.store.documents import Classification, DocumentInfo, DocumentList
from annotations.store.folder import ProjectFolder, cannot_open
from annotations.store.history import EditReceipt, History
from annotations.store.imports import ImportReport
from annotations.store.journal import (
    JOURNAL_SUFFIX,
    journal_path,
    journal_paths,
)
from annotations.store.layers import LayerStore, layer_file
from annotations.store.project_file import SharedFile, open_project_file
from annotations.store.settings import ProjectSettings
from annotations.store.statuses import status_files
from annotations.store.summaries import SummaryIndex

if TYPE_CHECKING:
    from annotations.edits import Edit
    from annotations.layer_summary import LayerSummary

__all__ = ["DocumentInfo", "EditReceipt", "ImportReport", "Project", "default_annotator"]


def default_annotator() -> str:
    """The login name, the default owner of an annotation layer."""
    try:
        return getpass.getuser() or "annotator"
    except (KeyError, OSError):
        return "annotator"


class Project:
    """A saywho project folder, opened for one annotator.

    Open with ``Project.open``. When another process holds the project's session lock, the
    project opens read-only: reads work, writes raise ``ReadOnlyError`` with a message that
    says who holds it. Use as a context manager or call ``close``.
    """

    def __init__(self, folder: ProjectFolder, annotator: str) -> None:
        self._folder = folder
        self.folder = folder.path
        self.annotator = annotator
        project_file = open_project_file(folder)
        self._db = project_file.db
        self._shared = SharedFile(folder, self._db)
        self._settings = ProjectSettings(self._shared)
        self._documents = DocumentList(folder, self._shared, project_file.documents)
        if not folder.shared_read_only:
            self._documents.adopt_orphans(folder.text_names)
        folder.text_names = []
        self._layers = LayerStore(folder, self._documents, annotator)
        self._summaries = SummaryIndex(folder, self._documents, self._layers)
        self._layers.on_write = self._summaries.record  # every layer write keeps it current
        self._history = History(
            folder.journal(annotator),
            self._documents,
            self._layers,
            annotator,
            writable=not folder.read_only,
            everyone=folder.all_journals,
            labels=lambda: self.scheme.names,
            codes=self._quote_codes,
            steps=DocumentSteps(folder, self._documents, annotator),
        )
        if self._history.lost is not None:
            folder.note_damage(self._history.lost)

    # ----------------------------------------------------------------- opening and closing
    @classmethod
    def open(
        cls,
        folder: str | os.PathLike[str],
        annotator: str | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
    ) -> Project:
        """Open (or create) the project in ``folder`` for ``annotator`` (default: login name)."""
        annotator = annotator or default_annotator()
        if not read_only and (problem := annotator_name_problem(annotator)):
            raise InputError(f"{problem}: give another --annotator", title="Annotator")
        opened = ProjectFolder.open(
            folder, create=create, read_only=read_only, annotator=annotator
        )
        try:
            with collector_paused():
                project = cls(opened, annotator)
        except OSError as exc:
            opened.release()
            raise cannot_open(opened.path, exc) from None
        except BaseException:
            opened.release()
            raise
        if (not read_only and not journal_path(opened.path, annotator).is_file()
                and (twin := project.capitals_twin(annotator)) is not None):
            project.close()
            raise InputError(
                f"annotator {annotator!r} differs from {twin!r} (an annotator or a layer) only "
                "in capitals: on macOS and Windows they would share files; open as "
                f"{twin!r}", title="Annotator")
        return project

    def close(self) -> None:
        """Release the annotator's session lock and file handles."""
        if not self._folder.read_only:  # a writer that lost its lock leaves the files alone
            self._history.close()
        self._summaries.close()
        self._layers.close()
        self._documents.forget_texts()
        self._db.close()
        self._folder.release()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        """True when edits are refused: asked for, or another process of this annotator holds
        the annotator's lock (see ``shared_read_only`` for what such a project may still do)."""
        return self._folder.read_only

    @property
    def shared_read_only(self) -> bool:
        """True when even the shared files may not be written: the document list and its new
        documents (imports), settings, suggestions. False for a project that is read-only only
        because another process of this annotator holds the annotator's lock."""
        return self._folder.shared_read_only

    @property
    def read_only_reason(self) -> str | None:
        """Why the project is read-only, for a banner."""
        return self._folder.read_only_reason

    @property
    def damaged(self) -> list[str]:
        """Messages about files found damaged since the project opened (moved aside unless
        read-only)."""
        return self._folder.damaged

    def note_damage(self, message: str) -> None:
        """Add a damage message (a shared file a domain rule found damaged and moved aside)
        to ``damaged``, once, so a UI says it as it says the others."""
        self._folder.note_damage(message)

    # ----------------------------------------------------------------- settings and scheme
    @property
    def scheme(self) -> StanceScheme:
        """The project's stance scheme."""
        return self._settings.scheme

    def set_scheme(self, scheme: StanceScheme) -> None:
        """Replace the stance scheme (annotations are carried by ``rename_stance_label``)."""
        self._folder.require_writable()
        self._settings.set_scheme(scheme)

    @property
    def settings(self) -> dict[str, Any]:
        """Free-form project settings."""
        return self._settings.settings

    def _quote_codes(self) -> set[tuple[str, str]]:
        """Every (quote variable or speaker attribute, value) pair the project defines now
        (the names never clash: ``Session.define_attribute``)."""
        from annotations.codebook import attribute_scheme, quote_variables
        return {(v.name, value) for v in (*quote_variables(self.settings),
                                          *attribute_scheme(self.settings))
                for value in v.values}

    def set_setting(self, key: str, value: Any) -> None:
        """Store one setting in the project file (shared: allowed while another process of this
        annotator holds its lock)."""
        self._folder.require_shared_writable()
        self._settings.set_setting(key, value)

    # ----------------------------------------------------------------- documents
    def document_ids(self) -> list[str]:
        """Document ids in import order."""
        return self._documents.ids()

    def documents(self) -> list[DocumentInfo]:
        """The document list."""
        return self._documents.infos()

    def info(self, doc_id: str) -> DocumentInfo:
        """One document's row; ``InputError`` for an unknown id."""
        return self._documents.info(doc_id)

    def set_document_target(self, doc_id: str, target: str) -> tuple[str, DocumentInfo]:
        """Give one document its own stance target (``""``: the project's), in the shared
        project file; returns the target it replaced and the row."""
        self._folder.require_shared_writable()
        return self._documents.set_target(doc_id, target)

    def swap_document_target(self, doc_id: str, expected: str, target: str) -> str | None:
        """Set ``doc_id``'s own stance target to ``target`` only while the shared file, read
        again under its lock, still holds ``expected``; ``None`` when set, else the target
        found there (nothing written)."""
        self._folder.require_shared_writable()
        return self._documents.swap_target(doc_id, expected, target)

    def add_document_meta(self, additions: Mapping[str, Meta], *, change: bool = False
                          ) -> tuple[list[str], dict[str, str]]:
        """Add metadata to documents (``DocumentList.add_meta``), in the shared project
        file and each of their layer files' copy (``LayerStore.write_meta``): the ids changed
        and the problem of each refused one."""
        self._folder.require_shared_writable()
        changed, problems = self._documents.add_meta(additions, change=change)
        self._layers.write_meta(changed)
        return changed, problems

    def document_info(self, doc_id: str) -> DocumentInfo | None:
        """One document's row, or ``None`` for an unknown id."""
        return self._documents.get(doc_id)

    def document(self, doc_id: str) -> Document:
        """A document with its text."""
        return self._documents.document(doc_id)

    def classify(self, doc: Document) -> Classification:
        """What adding ``doc`` would do: "new", "unchanged" (same id and text), "conflict"
        (same id, different text: it would be refused) or "duplicate" (another id holds its
        text: ``same_text``; stored all the same, ``saywho import`` leaves it out)."""
        return self._documents.classify(doc)

    def same_text(self, doc: Document) -> list[str]:
        """The ids of the documents already holding ``doc``'s text, in import order."""
        return self._documents.same_text(doc)

    def add_documents(
        self,
        pairs: Iterable[tuple[Document, Layer]],
        *,
        report: ImportReport | None = None,
        progress: Callable[[Document], None] | None = None,
        flush_every: int = 500,
        change_meta: bool = False,
    ) -> ImportReport:
        """Store documents, each with the suggestions layer the caller computed for it.

        Each layer is checked against its text (one that does not fit fails that document).
        Unchanged text under a known id is a no-op; changed text under a known id is refused
        (annotations are never dropped silently). Results go to ``report`` (a new one unless
        given), which is returned. Allowed while another process of this annotator holds its
        lock: it writes only shared files and new documents' suggestions.
        """
        self._folder.require_shared_writable()
        return imports.add_documents(
            self._documents,
            self._layers,
            pairs,
            report=report if report is not None else ImportReport(),
            progress=progress,
            flush_every=flush_every,
            change_meta=change_meta,
        )

    # ----------------------------------------------------------------- layers
    @property
    def needs_suggestions(self) -> frozenset[str]:
        """Ids of documents whose annotations file was found damaged and moved aside: their
        suggestions are empty until ``store_suggestions``. Filled as files are first opened
        (a layer read, ``verify``)."""
        return self._layers.needs_suggestions

    def store_suggestions(self, doc_id: str, layer: Layer) -> None:
        """Store fresh suggestions for a document in ``needs_suggestions`` (checked against the
        text, not journaled) and take it off that list; ``InputError`` for other documents."""
        self._folder.require_shared_writable()
        self._layers.store_suggestions(doc_id, layer)

    def forget(self, doc_id: str) -> None:
        """Drop the document's text and layers from memory and close its files (a pass over
        the whole corpus holds one document at a time); the next read reads them again."""
        self._layers.forget(doc_id)
        self._documents.forget_text(doc_id)

    def check_document(self, doc_id: str, layers: Collection[str] | None = None) -> None:
        """Raise ``DamagedFileError`` when the text or the annotations of ``doc_id`` cannot be
        read (read-only: a damaged annotations file otherwise reads as an empty layer);
        ``layers``: only those layers' files count (a pass that reads no other)."""
        self.document(doc_id)
        if not self._layers.readable(doc_id, layers):
            prefix = f"document {doc_id!r} is damaged"
            message = next((m for m in self.damaged if m.startswith(prefix)), prefix)
            raise DamagedFileError(message)

    def read_for_pass(
        self, doc_id: str, names: Iterable[str]
    ) -> tuple[Document, dict[str, Layer]] | None:
        """The document and those of layers ``names`` it has, read for a read-only pass over
        the corpus, each layer file read and parsed once and nothing kept but the text (until
        ``forget``); ``DamagedFileError`` when the text cannot be read. ``None`` when the fast
        read cannot answer alone (``LayerStore.read_pass``): the caller reads the usual way
        (``check_document``, ``layer_names``, ``layer``)."""
        doc = self.document(doc_id)
        layers = self._layers.read_pass(doc_id, names)
        return None if layers is None else (doc, layers)

    @property
    def summary_index(self) -> SummaryIndex:
        """The corpus index: one summary per document and layer file, kept by every layer
        write, checked against the files (``index/``; rules in ``annotations.corpus_index``)."""
        return self._summaries

    def layer_names(self, doc_id: str) -> list[str]:
        """Names of the layers stored for a document."""
        return self._layers.names(doc_id)

    def new_layer_problem(self, name: str) -> str | None:
        """Why a layer ``name`` may not be stored in this project (None: it may): its name
        differs only in capitals from a name the project has (``capitals_twin``), and on macOS
        and Windows their files would be one (an import refuses it before writing one
        document's)."""
        twin = self.capitals_twin(name)
        if twin is None:
            return None
        return (f"layer {name!r} differs from layer {twin!r} only in capitals: on macOS and "
                f"Windows they would be one file; use {twin!r}")

    def layer_summaries(self, also: Iterable[str] = ()) -> Iterator[tuple[str, str, LayerSummary]]:
        """(document id, layer name, summary) of every stored layer of every document, from
        the corpus index: for a count or a sweep over every layer of the corpus (a stance
        label's or a coded value's use) without opening every document's layer files (which
        ``layer_names`` does: minutes at 100,000 documents).

        The layers looked for are those the index holds, every annotator's with a journal,
        saywho's own and ``also``; each is checked against its file first (a ``stat`` per
        document and name; what is stale is summarized again). A layer stored under any other
        name (one the index never saw: a ``gold`` layer imported in another clone, whose index
        is never shared) is found by one listing of each document's folder: only its files
        are opened, and it is summarized with the others."""
        index = self._summaries
        stems = [p.name[: -len(JOURNAL_SUFFIX)] for p in journal_paths(self._folder.path)]
        known = {*index.layer_names(), *stems, *RESERVED_LAYERS, *also}
        doc_ids = self.document_ids()
        files = {layer_file(n) for n in known}
        for doc_id in doc_ids:
            for name in self._layers.names_beyond(doc_id, files):
                known.add(name)
                files.add(layer_file(name))
        names = sorted(known)
        index.verify(doc_ids, names)
        for doc_id, stored in index.stored(names).items():
            for name in stored:
                yield doc_id, name, index.view_summary(doc_id, name)

    def capitals_twin(self, name: str) -> str | None:
        """The name of a layer (the corpus index's, saywho's own) or an annotator (a journal,
        a status file) whose file differs from ``name``'s only in capitals, when ``name``
        itself has none (names that are twins already are let be)."""
        stems = [p.name[: -len(JOURNAL_SUFFIX)] for p in journal_paths(self._folder.path)]
        stems += [path.stem for _, path in status_files(self._folder.path)]
        known = {*self._summaries.layer_names(), *RESERVED_LAYERS}
        files = {layer_file(n): n for n in known} | {f"{stem}.json": stem for stem in stems}
        file = layer_file(name)
        if file in files:
            return None
        twin_file = case_twin(file, files)  # file names: what the file system compares
        return None if twin_file is None else files[twin_file]

    def has_layer(self, doc_id: str, name: str) -> bool:
        """True when ``name`` is stored for the document."""
        return self._layers.has(doc_id, name)

    def layer(self, doc_id: str, name: str | None = None) -> Layer:
        """A document's layer; an annotator's layer starts as a copy of the suggestions.

        The ``final`` (adjudicated) layer starts empty.
        """
        return self._layers.get(doc_id, name or self.annotator)

    def exclusive(self, doc_id: str) -> AbstractContextManager[None]:
        """Hold the document's lock across a read of its layers, a change worked out from it
        and its ``put_layer`` (a relabel, a re-suggest): no other process writes a layer of
        the document in between, so nothing it saved is written over from a stale copy."""
        return self._layers.exclusive(doc_id)

    def put_layer(self, doc_id: str, layer: Layer) -> bool:
        """Store a whole layer (imports, scheme relabels), checked against the text first.

        Returns False when the stored layer is already equal (nothing is written). A stored
        layer that differs is journaled whole (``op: "replace-layer"``) before it is replaced,
        so an overwrite never loses annotations for good; a new layer is journaled the same
        way (it replaces an empty one).

        While another process of this annotator holds its lock (``read_only`` but not
        ``shared_read_only``), only a layer whose loss would lose nothing may be stored, and
        without a journal line (that process keeps the journal): another layer than the
        annotator's own, not stored yet (or already equal).
        """
        if self._folder.read_only and not self._folder.shared_read_only:
            if layer.name == self.annotator or (
                self._layers.has(doc_id, layer.name) and self.layer(doc_id, layer.name) != layer
            ):
                self._folder.require_writable()
            layer.check(self._documents.text(doc_id))
            if self._layers.has(doc_id, layer.name):
                return False
            self._layers.write(doc_id, {layer.name: layer})
            return True
        self._folder.require_writable()
        return self._history.put_layer(doc_id, layer)

    # ----------------------------------------------------------------- edits, undo, redo
    def apply(self, edit: Edit) -> EditReceipt:
        """Apply an edit, write it to disk, journal it; return once it is saved."""
        self._folder.require_writable()
        return self._history.apply(edit, edit.layer or self.annotator)

    def undo(self, scope: tuple[str, str] | None = None) -> EditReceipt | None:
        """Undo this annotator's last edit (also one made before a restart); with ``scope``
        (document id, layer), the last edit there."""
        self._folder.require_writable()
        return self._history.undo(scope)

    def redo(self, scope: tuple[str, str] | None = None) -> EditReceipt | None:
        """Redo the last undone edit (in ``scope`` when given)."""
        self._folder.require_writable()
        return self._history.redo(scope)

    @property
    def can_undo(self) -> bool:
        """True when there is an edit to undo."""
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        """True when there is an undone edit to redo."""
        return self._history.can_redo

    def record(self, op: str, what: str, data: dict[str, Any]) -> None:
        """Journal a project-level change that is not a layer edit (a scheme change)."""
        self._folder.require_writable()
        self._history.record(op, what, data)

    def journal(self) -> Iterator[dict[str, Any]]:
        """Every annotator's journal entries, merged by time, oldest first."""
        return self._history.entries()

    # ----------------------------------------------------------------- checks
    def verify(self) -> list[str]:
        """Open every document's file once; return (and keep) the damage messages."""
        for doc_id in self.document_ids():
            try:
                self._layers.readable(doc_id)
                self.document(doc_id)
            except DamagedFileError as exc:
                self._folder.note_damage(f"document {doc_id!r} is damaged: {exc.message}")
        return list(self.damaged)
