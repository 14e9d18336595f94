"""The corpus index: one summary per document and layer file, kept by the layer write path.

The library, the review queue and the CLI's counts read these summaries instead of the layers
(``annotations.layer_summary`` holds the rule; ``summary_file`` the files). How it stays true:

- **Written with the layer.** ``LayerStore`` calls ``record`` after every write of a layer file
  (an edit, an undo, an import, stored suggestions, an adjudication), under the lock it holds on
  the document's folder, with the identity (inode, size, mtime) of the file it just wrote. So
  every writer in any process keeps the index current, and two writes of one file reach the log
  in the order they reached the disk.
- **Checked against the files.** ``verify`` compares each entry with a ``stat`` of its layer file
  and rebuilds what differs from the file itself (a layer changed behind the index's back: a
  ``saywho merge``, a ``git pull``, another tool, a writer killed between the two writes) and
  what a saywho from before ``layer_summary.SUMMARY_VERSION`` summarized (it may have left the
  speakers' attributes and the quotes' codes out: rebuilt once); an
  entry for a file that is gone is dropped. ``ensure`` rebuilds what is missing (a new or
  deleted index). Entries are otherwise trusted: the screens draw from them at once and verify
  in the background.
- **Never the source of truth.** A rebuild reads the layer file through ``LayerStore.read_once``
  (its damage rules, nothing kept in its cache). A read-only process rebuilds in memory only:
  it writes nothing at all.

A layer that is not stored reads as the store gives it: an annotator's as the suggestions (their
layer starts as a copy), ``final`` and the suggestions as empty.
"""

from __future__ import annotations

import contextlib
import math
import operator
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotations.errors import InputError
from annotations.layer_summary import (
    EMPTY,
    VERSION_TAIL,
    LayerSummary,
    Voice,
    decode_voices,
    is_current,
    summarize,
)
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER, Layer
from annotations.store.summary_file import (
    COMPACT_MIN,
    INDEX_DIR,
    SCHEMA,
    DamagedEntry,
    Entry,
    Identity,
    SummaryFiles,
    SummaryTable,
    now_ns,
)

if TYPE_CHECKING:
    from annotations.store.documents import DocumentList
    from annotations.store.folder import ProjectFolder
    from annotations.store.layers import LayerStore


def _view_row(table: SummaryTable, doc_id: str, layer: str, at: int | None = None) -> int | None:
    row = table.row(doc_id, layer, at)
    if row is None and layer not in (SUGGESTIONS_LAYER, FINAL_LAYER):
        row = table.row(doc_id, SUGGESTIONS_LAYER, at)
    return row


class SummaryIndex:
    """The project's corpus index (see the module doc); loaded when first read."""

    def __init__(self, folder: ProjectFolder, documents: DocumentList, layers: LayerStore) -> None:
        self._folder = folder
        self._documents = documents
        self._layers = layers
        self._files = SummaryFiles(folder.path / INDEX_DIR, writable=not folder.shared_read_only)
        self._table: SummaryTable | None = None
        self.rebuilt = 0  # entries rebuilt from the layer files since the project opened
        self.verified: set[str] = set()  # layers checked against every file (a UI checks once)
        # (document, layer) whose file is there but does not read (damaged, left in place by
        # a read-only process): neither its old entry nor "no layer" may stand for it
        self.unreadable: set[tuple[str, str]] = set()
        self._closed = False

    @property
    def problems(self) -> list[str]:
        """Index files found damaged (dropped, then rebuilt from the layer files)."""
        return list(self._files.problems)

    @property
    def table(self) -> SummaryTable:
        """The index in memory (read when first asked for; ``refresh`` reads what other
        processes appended since)."""
        if self._table is None:
            self._table = self._files.load()
            self._maybe_compact()
        return self._table  # type: ignore[return-value]

    def refresh(self) -> SummaryTable:
        """The index in memory with what other processes appended since it was read (two
        ``stat`` calls when nothing was)."""
        if self._table is None:
            return self.table
        self._table = self._files.refresh(self._table)
        return self._table

    # ------------------------------------------------------------------ the write path
    def record(self, doc_id: str, name: str, layer: Layer, identity: Identity | None) -> None:
        """The layer file ``name`` of ``doc_id`` was just written with ``layer``: its entry.

        Never raises: the layer is on disk already, and an entry that could not be written is
        rebuilt by the next ``verify``.
        """
        if identity is None:
            return
        entry = _entry(doc_id, name, identity, layer)
        if self._table is not None:
            self._table.put(entry, force=True)
        with contextlib.suppress(OSError):
            self._files.append([entry])

    # ------------------------------------------------------------------ reading
    def view_row(self, doc_id: str, layer: str) -> int | None:
        """The row of the table now in ``table`` summarizing ``layer`` as read (None: empty)."""
        return _view_row(self.table, doc_id, layer)

    def has(self, doc_id: str, layer: str) -> bool:
        """True when the index holds the document's ``layer`` file (it is stored)."""
        return self.table.row(doc_id, layer) is not None

    def view_counts(self, doc_id: str, layer: str, at: int | None = None) -> tuple[int, int]:
        """(quotes, reviewed) of ``layer`` of the document; ``at``: its place in the project's
        order, when the caller knows it (see ``LayerRows.find``)."""
        table = self.table
        row = _view_row(table, doc_id, layer, at)
        return (0, 0) if row is None else (table.quotes[row], table.reviewed[row])

    def view_suggested(self, doc_id: str, layer: str) -> tuple[int, float | None, int]:
        """(suggested quotes, their least confidence, how many have none) of ``layer``."""
        table = self.table
        row = _view_row(table, doc_id, layer)
        if row is None:
            return (0, None, 0)
        least = table.least[row]
        return (table.quotes[row] - table.reviewed[row], None if math.isnan(least) else least,
                table.unrated[row])

    def view_totals(self, doc_ids: Sequence[str] | None, layer: str) -> tuple[int, int]:
        """(quotes, reviewed) of ``layer`` summed over ``doc_ids`` (``None``: every
        document of the project)."""
        table = self.table
        own = table.rows.get(layer, {})
        fallback = {} if layer in (SUGGESTIONS_LAYER, FINAL_LAYER) else \
            table.rows.get(SUGGESTIONS_LAYER, {})
        quotes_of, reviewed_of = table.quotes, table.reviewed
        if doc_ids is None:
            doc_ids = self._documents.ids()
            try:  # every document has its suggestions entry: sums in C, then the few own
                base = list(map(fallback.__getitem__, doc_ids)) if fallback else None
            except KeyError:
                base = None
            if base is not None:
                quotes = sum(map(quotes_of.__getitem__, base))
                reviewed = sum(map(reviewed_of.__getitem__, base))
                for doc_id, row in own.items():
                    if self._documents.get(doc_id) is not None:
                        old = fallback[doc_id]
                        quotes += quotes_of[row] - quotes_of[old]
                        reviewed += reviewed_of[row] - reviewed_of[old]
                return quotes, reviewed
        quotes = reviewed = 0
        for doc_id in doc_ids:
            row = own.get(doc_id)
            if row is None:
                row = fallback.get(doc_id)
                if row is None:
                    continue
            quotes += quotes_of[row]
            reviewed += reviewed_of[row]
        return quotes, reviewed

    def view_suggested_columns(
        self, doc_ids: Sequence[str], layer: str
    ) -> tuple[list[int], list[float], list[int]]:
        """Of each of ``doc_ids``: suggested quotes, their least confidence (NaN: none has
        one), how many have none; as three columns (the review queue's plan, in one pass)."""
        table = self.table
        own = table.rows.get(layer, {})
        fallback = {} if layer in (SUGGESTIONS_LAYER, FINAL_LAYER) else \
            table.rows.get(SUGGESTIONS_LAYER, {})
        rows: list[int | None] = list(map(fallback.get, doc_ids))  # one pass in C
        if own:
            rows = [b if o is None else o for o, b in zip(map(own.get, doc_ids), rows,
                                                           strict=True)]
        if None in rows:  # documents with no entry at all: nothing suggested
            quotes = [0 if r is None else table.quotes[r] for r in rows]
            reviewed = [0 if r is None else table.reviewed[r] for r in rows]
            least = [math.nan if r is None else table.least[r] for r in rows]
            unrated = [0 if r is None else table.unrated[r] for r in rows]
        else:
            quotes = list(map(table.quotes.__getitem__, rows))  # type: ignore[arg-type]
            reviewed = list(map(table.reviewed.__getitem__, rows))  # type: ignore[arg-type]
            least = list(map(table.least.__getitem__, rows))  # type: ignore[arg-type]
            unrated = list(map(table.unrated.__getitem__, rows))  # type: ignore[arg-type]
        return list(map(operator.sub, quotes, reviewed)), least, unrated

    def view_voices(self, doc_id: str, layer: str) -> tuple[Voice, ...] | None:
        """The ``voices`` of ``view_summary``, decoded alone (``decode_voices``); a summary
        that does not read is rebuilt as ``view_summary`` rebuilds it."""
        row = _view_row(self.table, doc_id, layer)
        if row is None:
            return EMPTY.voices
        try:
            raw = self.table.detail(row)
            if is_current(raw):
                return decode_voices(raw)
        except ValueError:
            pass
        return self.view_summary(doc_id, layer).voices

    def view_summary(self, doc_id: str, layer: str) -> LayerSummary:
        """The whole summary of ``layer`` of the document (rebuilt when it does not read)."""
        table = self.table
        row = _view_row(table, doc_id, layer)
        if row is None:
            return EMPTY
        try:
            raw = table.detail(row)
            if is_current(raw):
                return LayerSummary.decode(raw)
        except ValueError as exc:
            if isinstance(exc, DamagedEntry):
                self._files.note_damage(exc)
        # damaged, or written by a saywho that may have left attributes and codes out
        # (``is_current``): summarized again from the layer file (kept when it does not read)
        self._rebuild(doc_id, table.names[table.layer_of[row]])
        row = _view_row(self.table, doc_id, layer)
        return EMPTY if row is None else LayerSummary.decode(self.table.detail(row))

    def layer_names(self) -> list[str]:
        """Every layer name the index holds a document of."""
        return [name for name, rows in self.table.rows.items() if rows]

    def stored(self, names: Sequence[str]) -> dict[str, list[str]]:
        """Document id -> which of the layers ``names`` the index holds for it (stored)."""
        table = self.table
        out: dict[str, list[str]] = {}
        for name in names:
            for doc_id in table.rows.get(name, {}):
                out.setdefault(doc_id, []).append(name)
        return out

    # ------------------------------------------------------------------ keeping it true
    def ensure(self, doc_ids: Sequence[str], names: Sequence[str]) -> list[str]:
        """Rebuild the entries of the documents the index knows nothing of (no suggestions
        entry: a new or deleted index), checking ``names`` too; returns them."""
        table = self.refresh()
        if table.rows.covers(SUGGESTIONS_LAYER, doc_ids):  # the usual case
            return []
        rows = table.rows.get(SUGGESTIONS_LAYER, {})
        return self.verify([d for d in doc_ids if d not in rows], names)

    def verify(self, doc_ids: Sequence[str], names: Sequence[str]) -> list[str]:
        """Check the entries of ``doc_ids`` for the layers ``names`` (and the suggestions they
        fall back to) against the files, one ``stat`` each; rebuild those that differ. Returns
        the documents whose entries changed (none once the project is closed)."""
        if self._closed:
            return []
        table = self.refresh()
        annotations = str(self._folder.annotations)
        files = [(n, _layer_file(n)) for n in sorted({*names, SUGGESTIONS_LAYER})]
        changed: list[str] = []
        for doc_id in doc_ids:
            info = self._documents.get(doc_id)
            if info is None:
                continue
            folder = f"{annotations}/{info.file}/"
            stale = False
            for name, file in files:
                row = table.row(doc_id, name)
                held = None if row is None else table.identity(row)
                if held != _stat(folder + file) or (
                        row is not None and not is_current(table.detail_tail(row, VERSION_TAIL))):
                    stale = self._rebuild(doc_id, name) or stale
            if stale:
                changed.append(doc_id)
        if changed:
            self._maybe_compact()
        return changed

    def unreadable_layer(self, doc_id: str, layer: str) -> bool:
        """True when the document's ``layer`` file is there but does not read (damaged)."""
        return (doc_id, layer) in self.unreadable

    def _rebuild(self, doc_id: str, name: str) -> bool:
        """Read one layer file again and store its entry; True when the table changed."""
        writer = not self._folder.read_only
        try:
            folder = self._layers.folder_of(doc_id)
        except InputError:  # an unknown document: nothing to rebuild
            return False
        # the store's lock (passed through by a thread holding it already for an edit)
        lock = self._layers.locked(folder) if writer and folder.is_dir() else (
            contextlib.nullcontext())
        with lock:
            found = self._layers.read_once(doc_id, name)
            if found is None and (folder / _layer_file(name)).exists():
                self.unreadable.add((doc_id, name))
                return False
            self.unreadable.discard((doc_id, name))
            if found is None:
                entry = Entry(doc_id, name, (0, 0, now_ns()))
            else:
                layer, identity = found
                entry = _entry(doc_id, name, identity, layer)
            table = self.table
            changed = table.put(entry, force=True)
            if changed:
                self.rebuilt += 1
                if writer:
                    with contextlib.suppress(OSError):
                        self._files.append([entry])
        return changed

    def _maybe_compact(self, *, upgrade: bool = False) -> None:
        """Fold a long log into the snapshot (a writer only); with ``upgrade``, also rewrite a
        snapshot of an older format (on closing: not in the way of a first frame)."""
        if self._folder.read_only or self._table is None:
            return
        old = upgrade and self._table.schema < SCHEMA
        if old or self._files.log_lines() > max(COMPACT_MIN, len(self._table) // 4):
            with contextlib.suppress(OSError):
                self._table = self._files.compact(self._table)

    def close(self) -> None:
        """Fold a long log in (a writer) and close the files."""
        self._maybe_compact(upgrade=True)
        self._files.close()
        self._table = None
        self._closed = True


def _entry(doc_id: str, name: str, identity: Identity, layer: Layer) -> Entry:
    summary = summarize(layer, name)
    return Entry(doc_id, name, identity, summary.quotes, summary.reviewed,
                 summary.suggested_unrated, summary.suggested_least, summary.encode())


def _layer_file(name: str) -> str:
    from annotations.store.layers import layer_file

    return layer_file(name)


def _stat(path: str) -> Identity | None:
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)

