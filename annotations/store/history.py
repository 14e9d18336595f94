"""Edits, undo and redo, and the journal that makes them durable and safe.

Every change to a layer is written, then journaled (who, when, before, after) before it is
reported saved; if the journal refuses the entry the layer is put back, since an edit that is
not in the journal could never be undone. The undo and redo stacks are rebuilt from this
annotator's journal entries at open, so undo works after a restart. An undo or redo is rebased
on the layer as it is now: it sets back only the fields it changed and refuses (``_Conflict``)
to overwrite a later change to the same field by anyone else.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

from annotations.edits import Edit, EditContext, LayerChange
from annotations.errors import InputError
from annotations.model import Layer, Quote, Speaker, now_iso
from annotations.store.documents import DocumentList
from annotations.store.journal import Journal
from annotations.store.layers import LayerStore

_UNDO_OPS = ("edit", "undo", "redo", "skip")


@dataclass(frozen=True, slots=True)
class EditReceipt:
    """What ``Project.apply``/``undo``/``redo`` report once the change is on disk."""

    entry_id: str
    doc_id: str
    layer: str
    description: str
    change: LayerChange
    saved: bool = True


class History:
    """One annotator's edits: applied, journaled, undone and redone."""

    def __init__(
        self, journal: Journal, documents: DocumentList, layers: LayerStore, annotator: str
    ) -> None:
        self._journal = journal
        self._documents = documents
        self._layers = layers
        self._annotator = annotator
        self._undo: list[dict[str, Any]] = []
        self._redo: list[dict[str, Any]] = []
        self._rebuild()

    @property
    def can_undo(self) -> bool:
        """True when there is an edit to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """True when there is an undone edit to redo."""
        return bool(self._redo)

    def apply(self, edit: Edit, layer_name: str) -> EditReceipt:
        """Apply ``edit`` to ``layer_name``, write it, journal it; a new edit clears redo."""
        text = self._documents.text(edit.doc_id)
        layer = self._layers.get(edit.doc_id, layer_name)
        change = edit.compute(layer, text, EditContext(self._annotator))
        entry = self._commit(edit.doc_id, layer_name, layer, change, "edit", edit.describe())
        self._undo.append(entry)
        self._redo.clear()
        return _receipt(entry, change)

    def undo(self) -> EditReceipt | None:
        """Undo the last edit (None when there is none)."""
        return self._step(self._undo, self._redo, "undo")

    def redo(self) -> EditReceipt | None:
        """Redo the last undone edit (None when there is none)."""
        return self._step(self._redo, self._undo, "redo")

    def put_layer(self, doc_id: str, layer: Layer) -> bool:
        """Store a whole layer, checked against the text; False when it is already stored.

        A stored layer that differs is journaled whole (``op: "replace-layer"``) before it is
        replaced, so an overwrite never loses annotations for good.
        """
        layer.check(self._documents.text(doc_id))
        if self._layers.has(doc_id, layer.name):
            old = self._layers.get(doc_id, layer.name)
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
        self._layers.write(doc_id, {layer.name: layer})
        return True

    def record(self, op: str, what: str, data: dict[str, Any]) -> None:
        """Journal a change that is not a layer edit (a scheme change, a replaced layer)."""
        self._journal.append(self._entry(op, what, data=data))

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every journal entry, oldest first."""
        return self._journal.entries()

    def _step(
        self, source: list[dict[str, Any]], target: list[dict[str, Any]], op: str
    ) -> EditReceipt | None:
        if not source:
            return None
        original = source[-1]
        change = LayerChange.from_dict(original["change"])
        if op == "undo":
            change = change.inverted()
        doc_id, layer_name = original["doc"], original["layer"]
        layer = self._layers.get(doc_id, layer_name)
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
        return _receipt(entry, change)

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
        text = self._documents.text(doc_id)
        for quote in change.quotes_after.values():
            if quote is not None:
                quote.check(text)
        self._layers.write(doc_id, {layer_name: new_layer})
        entry = self._entry(
            op, what, ref=ref, doc=doc_id, layer=layer_name, change=change.to_dict()
        )
        try:
            self._journal.append(entry)
        except BaseException:
            # an edit that is not in the journal cannot be undone: put the layer back so
            # the caller's "not saved" is the truth, then report the failure
            with contextlib.suppress(Exception):
                self._layers.write(doc_id, {layer_name: layer})
            raise
        return entry

    def _entry(self, op: str, what: str, **details: Any) -> dict[str, Any]:
        """A journal entry: a fresh id, the time, who, what was done, and its details."""
        return {
            "id": uuid.uuid4().hex,
            "ts": now_iso(),
            "annotator": self._annotator,
            "op": op,
            "what": what,
            **details,
        }

    def _rebuild(self) -> None:
        """The undo and redo stacks as this annotator's journal entries leave them."""
        for entry in self._journal.entries(ops=_UNDO_OPS):
            if entry.get("annotator") != self._annotator:
                continue
            op = entry.get("op")
            if op == "edit" and not all(
                isinstance(entry.get(k), t)
                for k, t in (("id", str), ("doc", str), ("layer", str), ("change", dict))
            ):
                continue  # a hand-edited or foreign line: nothing to undo with
            if op == "edit":
                self._undo.append(entry)
                self._redo.clear()
            elif op in ("undo", "redo"):
                src, dst = (self._undo, self._redo) if op == "undo" else (self._redo, self._undo)
                if src and src[-1]["id"] == entry.get("ref"):
                    dst.append(src.pop())
            elif op == "skip":
                stack = self._undo if entry.get("from") == "undo" else self._redo
                if stack and stack[-1]["id"] == entry.get("ref"):
                    stack.pop()


def _receipt(entry: dict[str, Any], change: LayerChange) -> EditReceipt:
    return EditReceipt(entry["id"], entry["doc"], entry["layer"], entry["what"], change)


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
