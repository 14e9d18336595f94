"""Edits, undo and redo, and the journal that makes them durable and safe.

Every change is journaled first (who, when, before, after: an intent line, fsynced), then
written to its layer file, then reported saved. A kill between the two leaves an intent whose
layer write may or may not have happened; the next open looks at the journal's last line only
(every earlier intent was settled before the line after it was written: applied, or followed by a
``void`` line) and, when the layer still holds that intent's before-state and not its
after-state, marks it ``void``.
A voided intent is no edit: undo, redo and ``entries`` ignore it. An edit that reached its layer
file is therefore always in the journal, and undo after a restart undoes exactly the last edit
that is on disk.

Each annotator has their own journal (``journal/<annotator>.jsonl``): this process appends only
to its own annotator's, and undo and redo (also after a restart) read only that one. ``entries``
reads every annotator's journal, merged by time. The undo and redo stacks are kept in a small
checkpoint beside the journal (``journal/<annotator>.index``), rewritten every
``CHECKPOINT_EVERY`` journal lines and at close; opening reads the checkpoint and only the
journal lines after it, so open time does not grow with the journal.

An undo or redo is rebased on the layer as it is now: it sets back only the fields it changed
and refuses (``_Conflict``) to overwrite a later change to the same field by anyone else. An
entry that cannot be undone at all (its change does not parse, its document is gone, its quotes
no longer fit the text) is skipped for good (a ``skip`` line), said once, and undo goes on with
the entry before it.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from annotations.change import EditContext, LayerChange
from annotations.errors import (
    ChangedOnDiskError,
    InputError,
    NothingToChange,
    SaywhoError,
    StepConflict,
)
from annotations.model import Layer, Quote, Speaker, now_iso
from annotations.store import journal_index
from annotations.store.doc_steps import DocumentSteps
from annotations.store.documents import DocumentList
from annotations.store.journal import (
    DOC_STEP_OPS,
    DOC_TARGET_OP,
    DocStep,
    Journal,
    doc_step,
    journal_time,
    merged,
)
from annotations.store.journal_index import Checkpoint, Ref, Stacks, find, is_edit, scope_of
from annotations.store.layers import Intent, LayerStore

if TYPE_CHECKING:
    from annotations.edits import Edit

CHECKPOINT_EVERY = 100
_STACK_OPS = ("edit", "undo", "redo", "skip", *DOC_STEP_OPS)
"""The entries that move the undo stacks: a document's target or status set is a step too."""
_INTENT_OPS = ("edit", "undo", "redo")


@dataclass(frozen=True, slots=True)
class EditReceipt:
    """What ``Project.apply``/``undo``/``redo`` report once the change is on disk.

    ``skipped``: journal entries an undo or redo passed over because they cannot be undone at
    all (each is reported once: it is skipped for good).
    """

    entry_id: str
    doc_id: str
    layer: str
    description: str
    change: LayerChange
    saved: bool = True
    skipped: tuple[str, ...] = ()
    document: DocStep | None = None
    """An undo or redo of a document's target or status (``change`` is then empty): the
    value it found and the value it set."""


class History:
    """One annotator's edits: journaled, applied, undone and redone.

    ``writable=False`` (a read-only open) never writes: not a void line, not the checkpoint.
    """

    def __init__(
        self,
        journal: Journal,
        documents: DocumentList,
        layers: LayerStore,
        annotator: str,
        *,
        writable: bool = True,
        everyone: Callable[[], list[Journal]] | None = None,
        labels: Callable[[], Collection[str]] | None = None,
        codes: Callable[[], Collection[tuple[str, str]]] | None = None,
        steps: DocumentSteps | None = None,
    ) -> None:
        self._journal = journal
        self._steps = steps  # sets a document's target or status back (None: not undone)
        self._labels = labels  # the stance labels an undo or redo may bring back
        self._codes = codes  # the (variable or attribute, value) pairs it may bring back
        self._everyone = everyone or (lambda: [journal])
        self._documents = documents
        self._layers = layers
        self._annotator = annotator
        self._writable = writable
        self._stacks: dict[str, Stacks] = {}
        self._pending: list[dict[str, Any]] = []
        self._voided: set[str] = set()
        self._end = 0
        self._last: Ref | None = None
        self._unindexed = 0
        self.lost: str | None = None
        """Why the journal no longer holds what its checkpoint says it held (None: it does)."""
        self._open()

    @property
    def can_undo(self) -> bool:
        """True when there is an edit to undo."""
        mine = self._mine
        return bool(mine.undo) or mine.undo_more

    @property
    def can_redo(self) -> bool:
        """True when there is an undone edit to redo."""
        mine = self._mine
        return bool(mine.redo) or mine.redo_more

    def apply(self, edit: Edit, layer_name: str) -> EditReceipt:
        """Apply ``edit`` to ``layer_name``: journal it, write it; a new edit clears redo.

        The document's folder lock is held from the read to the write: a teammate's write
        of the same layer comes before or after, never between, so the edit is made on what
        they saved. (A process that writes without that lock, an older saywho, can still come
        between: the store then reads the layer again and the edit is made once more on it; a
        second race in a row is refused.)"""
        try:
            if self._documents.get(edit.doc_id) is None:
                return self._apply_once(edit, layer_name)  # its error, without a lock
            with self._layers.exclusive(edit.doc_id):
                try:
                    return self._apply_once(edit, layer_name)
                except ChangedOnDiskError:  # an older saywho wrote without the read's lock
                    return self._apply_once(edit, layer_name)
        finally:
            self._maybe_checkpoint()

    def _apply_once(self, edit: Edit, layer_name: str) -> EditReceipt:
        text = self._documents.text(edit.doc_id)
        layer = self._layers.get(edit.doc_id, layer_name)
        change = edit.compute(layer, text, EditContext(self._annotator))
        if change.changes_nothing():
            raise NothingToChange(f"{edit.describe()}: already so, nothing saved")
        entry, ref = self._commit(edit.doc_id, layer_name, layer, change, "edit",
                                  edit.describe())
        self._mine.push_edit(ref)
        return _receipt(entry, change)

    def undo(self, scope: tuple[str, str] | None = None) -> EditReceipt | None:
        """Undo the last edit, in ``scope`` (document, layer) when given (None: none there)."""
        try:
            return self._step("undo", scope)
        finally:
            self._maybe_checkpoint()

    def redo(self, scope: tuple[str, str] | None = None) -> EditReceipt | None:
        """Redo the last undone edit, in ``scope`` when given (None when there is none)."""
        try:
            return self._step("redo", scope)
        finally:
            self._maybe_checkpoint()

    def put_layer(self, doc_id: str, layer: Layer) -> bool:
        """Store a whole layer, checked against the text; False when it is already stored.

        A stored layer that differs is journaled whole (``op: "replace-layer"``) before it is
        replaced, so an overwrite never loses annotations for good; a layer stored for the
        first time is journaled the same way, replacing an empty one. The read of the layer it
        replaces and the write are made under the document's lock: another process's write of
        the layer lands before or after, never in between (which refused this one as made on a
        stale copy).
        """
        layer.check(self._documents.text(doc_id))
        with self._layers.exclusive(doc_id):
            return self._put_layer(doc_id, layer)

    def _put_layer(self, doc_id: str, layer: Layer) -> bool:
        try:
            stored = self._layers.has(doc_id, layer.name)
            old = self._layers.get(doc_id, layer.name) if stored else Layer(layer.name)
            if stored and old == layer:
                return False
            entry = self._entry(
                "replace-layer",
                f"{'replaced' if stored else 'stored'} layer {layer.name} of {doc_id}",
                data={
                    "doc": doc_id,
                    "layer": layer.name,
                    "quotes": {k: q.to_dict() for k, q in old.quotes.items()},
                    "speakers": {k: sp.to_dict() for k, sp in old.speakers.items()},
                },
            )
            self._write(entry)
            try:
                self._layers.write(doc_id, {layer.name: layer})
            except BaseException:
                self._void(entry)
                raise
            return True
        finally:
            self._maybe_checkpoint()

    def record(self, op: str, what: str, data: dict[str, Any]) -> None:
        """Journal a change that is not a layer edit (a scheme change, a replaced layer); a
        document's target or status set (``DOC_STEP_OPS``) goes on the undo stack, in the
        scope of the document and the annotator's own layer, in order with the edits."""
        try:
            entry = self._entry(op, what, data=data)
            offset = self._write(entry)
            step = doc_step(entry) if op in DOC_STEP_OPS else None
            if step is not None:
                self._mine.push_edit(Ref(entry["id"], offset,
                                         scope_of(step.doc_id, self._annotator)))
        finally:
            self._maybe_checkpoint()

    def close(self) -> None:
        """Put down a void line still waiting, then the checkpoint, so the next open reads
        neither the journal nor a layer file. Best effort: the next open recovers both."""
        if not self._writable:
            return
        if self._pending:
            with contextlib.suppress(OSError):
                self._write()
        self._maybe_checkpoint(force=True)

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every journal entry that took effect, oldest first (void intents and their ``void``
        lines are left out)."""
        journals = [
            j for j in self._everyone() if j.path != self._journal.path
        ] + [self._journal]
        voided = {e.get("ref") for e in merged(journals, ops=("void",))} | self._voided
        for entry in merged(journals):
            if entry.get("op") != "void" and entry.get("id") not in voided:
                yield entry

    # ----------------------------------------------------------------- open
    def _open(self) -> None:
        """The stacks from the checkpoint plus the journal lines after it; the last line
        reconciled with its layer file; a fresh checkpoint when the old one did not serve."""
        size = self._journal.size()
        checkpoint = journal_index.load(journal_index.index_path(self._journal.path))
        if checkpoint is not None and checkpoint.journal_size > size:
            # the checkpoint was made from a longer journal: it was deleted or cut back
            self.lost = (
                f"the journal of {self._annotator} ({self._journal.path.name}) is "
                + ("missing" if size == 0 else "shorter than when it was last closed")
                + ": the history and undo of the edits it held are gone; the layers are as "
                "they were saved")
        if size == 0:
            if self.lost is not None and self._writable:  # said once: the next open is clean
                with contextlib.suppress(OSError):
                    journal_index.index_path(self._journal.path).unlink()
            return
        start = 0
        if checkpoint is not None and self._trusts(checkpoint, size):
            start = checkpoint.journal_size
            self._stacks = checkpoint.stacks
        self._reconcile(start)
        if not self._fold_from(start):
            self._rebuild()
        last = self._journal.last()
        if last is not None:
            offset, entry = last
            self._last = Ref(str((entry or {}).get("id", "")), offset)
            self._end = self._journal.read_at(offset)[1]
        self._maybe_checkpoint(force=start == 0)

    def _trusts(self, checkpoint: Checkpoint, size: int) -> bool:
        """True when the journal still starts with the bytes ``checkpoint`` was made from."""
        if checkpoint.journal_size > size:
            return False
        entry, end = self._journal.read_at(checkpoint.last.offset)
        return end == checkpoint.journal_size and (entry or {}).get("id", "") == checkpoint.last.id

    def _reconcile(self, start: int) -> None:
        """Void the journal's last line when it is an intent (after ``start``, the checkpoint)
        whose layer write did not happen: its layer still holds the change's before-state, not
        its after-state, or holds neither and records another of this annotator's entries as
        the last it applied (another process wrote the layer after this one was killed between
        the line and the write). A layer that holds neither and records this entry, or no
        entry at all (a file from before the record), was changed past the journal's end (a
        journal cut back by hand, another process's later edit): the intent stays an edit."""
        last = self._journal.last()
        if last is None or last[0] < start or last[1] is None:
            return
        entry = last[1]
        step = doc_step(entry) if entry.get("op") in ("undo", "redo") else None
        if step is not None and self._steps is not None:
            # an undo or redo of a document's target or status, journaled before it is set
            # (``_doc_step_on``): void when the document still holds what it found
            if self._steps.holds(step, step.after) is False and \
                    self._steps.holds(step, step.before) is True:
                self._void(entry, write=self._writable)
            return
        if entry.get("op") not in _INTENT_OPS or not is_edit(entry):
            return
        # a writer's line and its layer write are one, under this lock: never seen halfway
        known = isinstance(entry.get("doc"), str) and self._documents.get(entry["doc"])
        with self._layers.exclusive(entry["doc"]) if known else contextlib.nullcontext():
            if self._journal.last() != last:  # the writer went on meanwhile: it is alive
                return
            if self._holds(entry) is not False:
                return
            if self._holds(entry, before=True) is True or self._applied_other(entry):
                self._void(entry, write=self._writable)

    def _applied_other(self, entry: dict[str, Any]) -> bool:
        """True when the entry's layer file shows that its write never happened (the process
        was killed between the line and the write, and another process wrote the layer
        since): the file records an earlier entry of this journal as this annotator's last.
        False when it records this entry, none of this annotator's or none at all
        (a file from before the record, or written by an older saywho since), and when it
        records an entry the journal no longer holds (a journal cut back past a layer
        write)."""
        try:
            applied = self._layers.applied(entry["doc"], entry["layer"])
        except (SaywhoError, KeyError, TypeError):
            return False
        if applied is None:
            return False
        last = applied.get(self._annotator)
        if last is None or last == entry.get("id"):
            # none of this annotator's: maybe never written, maybe dropped by an older
            # saywho's write or a restored backup; an edit that landed is never voided
            return False
        for _offset, earlier in self._journal.scan(ops=_INTENT_OPS):
            if earlier.get("id") == entry.get("id"):
                return False  # reached this entry: the file records none before it
            if earlier.get("id") == last:
                return True
        return False

    def _holds(self, entry: dict[str, Any], *, before: bool = False) -> bool | None:
        """Whether the entry's layer holds its change's after-state (``before``: its
        before-state); None when it cannot be told (a change that does not parse, a document
        not in the project, an unreadable file)."""
        try:
            change = LayerChange.from_dict(entry["change"])
            layer = self._layers.get(entry["doc"], entry["layer"])
        except (SaywhoError, AttributeError, KeyError, TypeError, ValueError):
            return None
        quotes = change.quotes_before if before else change.quotes_after
        speakers = change.speakers_before if before else change.speakers_after
        return all(layer.quotes.get(k) == v for k, v in quotes.items()) and all(
            layer.speakers.get(k) == v for k, v in speakers.items()
        )

    def _fold_from(self, start: int) -> bool:
        """Fold the journal's stack entries from byte ``start`` into the stacks; False when an
        entry needs a part of a stack the checkpoint did not keep."""
        voided = {e.get("ref") for _, e in self._journal.scan(start, ops=("void",))}
        voided |= self._voided
        for offset, entry in self._journal.scan(start, ops=_STACK_OPS):
            self._unindexed += 1
            if entry.get("id") in voided:
                continue
            name = entry.get("annotator")
            if isinstance(name, str) and not self._stacks.setdefault(name, Stacks()).fold(
                entry, offset
            ):
                return False
        return True

    def _rebuild(self) -> None:
        """Every stack from the whole journal (the slow path: no usable checkpoint, or an undo
        reaching below the part of a stack the checkpoint kept)."""
        self._stacks = {}
        self._unindexed = 0
        self._fold_from(0)

    # ----------------------------------------------------------------- undo and redo
    @property
    def _mine(self) -> Stacks:
        return self._stacks.setdefault(self._annotator, Stacks())

    def _step(self, op: str, scope: tuple[str, str] | None) -> EditReceipt | None:
        skipped: list[str] = []
        rebuilt = False
        wanted = None if scope is None else scope_of(*scope)
        while True:
            mine = self._mine
            source, target, more = (
                (mine.undo, mine.redo, mine.undo_more)
                if op == "undo"
                else (mine.redo, mine.undo, mine.redo_more)
            )
            at = find(source, wanted)
            if at is None and more and not rebuilt:
                self._rebuild()
                rebuilt = True
                continue
            if at is None:
                if skipped:
                    raise InputError(f"nothing to {op}: {'; '.join(skipped)}")
                return None
            top = source[at]
            original, _ = self._journal.read_at(top.offset)
            if (original is None or original.get("id") != top.id) and not rebuilt:
                self._rebuild()  # the journal changed under the stacks: fold it again
                rebuilt = True
                if not any(r.id == top.id for r in (*self._mine.undo, *self._mine.redo)):
                    # its line no longer reads (damaged): say so, once, and go on below it
                    message = (f"skipped an edit whose journal line no longer reads (entry "
                               f"{top.id}): it cannot be {op}ne")
                    self._write(self._entry("skip", message, ref=top.id,
                                            why="damaged journal line", **{"from": op}))
                    skipped.append(message)
                continue
            if original is not None and original.get("op") in DOC_STEP_OPS:
                step = doc_step(original) if self._steps is not None else None
                if step is not None:
                    return self._doc_step_on(op, original, step, source, at, target, skipped)
                message = (f"skipped {original.get('what') or 'a document change'!r}: written "
                           "by an older saywho, it cannot be undone")
                self._write(self._entry("skip", message, ref=top.id, why="no stored status",
                                        **{"from": op}))
                source.pop(at)
                skipped.append(message)
                continue
            change, problem = self._loadable(original, op)
            if change is None:
                what = (original or {}).get("what") or f"entry {top.id}"
                message = f"skipped {what!r}: {problem}"
                self._write(self._entry("skip", message, ref=top.id, why=problem, **{"from": op}))
                source.pop(at)
                skipped.append(message)
                continue
            assert original is not None
            with self._layers.exclusive(original["doc"]):  # read, rebase and write as one
                return self._step_on(op, original, change, source, at, target, skipped)

    def _loadable(self, entry: dict[str, Any] | None, op: str) -> tuple[LayerChange | None, str]:
        """The change to make for undoing/redoing ``entry``, or None and why it cannot be."""
        if entry is None or not is_edit(entry):
            return None, "its journal line is not a whole edit"
        doc_id = entry["doc"]
        if self._documents.get(doc_id) is None:
            return None, f"document {doc_id!r} is not in the project"
        text = self._documents.text(doc_id)  # DamagedFileError: a file to fix, not to skip
        try:
            change = LayerChange.from_dict(entry["change"])
            target = change.inverted() if op == "undo" else change
            for quote in target.quotes_after.values():
                if quote is not None:
                    quote.check(text)
        except Exception as exc:  # noqa: BLE001 - any malformed record: skip, never block
            return None, f"its change cannot be used ({type(exc).__name__}: {exc})"
        return target, ""

    def _step_on(
        self,
        op: str,
        original: dict[str, Any],
        change: LayerChange,
        source: list[Ref],
        at: int,
        target: list[Ref],
        skipped: list[str],
    ) -> EditReceipt:
        doc_id, layer_name = original["doc"], original["layer"]
        what = original.get("what") or "an edit"
        layer = self._layers.get(doc_id, layer_name)
        try:
            change = _rebase(change, layer)
            gone = self._gone_label(change)
            if gone is not None:
                raise _Conflict("a stance label", label=gone)
            code = self._gone_code(change)
            if code is not None:
                raise _Conflict("a coded value", code=code)
        except _Conflict as conflict:
            # Another edit (another annotator, an import, a label rename) changed the same
            # fields since: never overwrite it. Drop this step so the next one can run.
            self._write(
                self._entry(
                    "skip",
                    f"cannot {op} {what}",
                    ref=original["id"],
                    doc=doc_id,
                    layer=layer_name,
                    **{"from": op},
                )
            )
            source.pop(at)
            applied = self._layers.applied(doc_id, layer_name) or {}
            why = (f"its stance label {conflict.label!r} is no longer in the scheme "
                   "(renamed or removed since)" if conflict.label is not None else
                   f"{conflict.code} is no longer a value the project codes (`saywho "
                   "variables --set` or `saywho attributes --set` brings it back)"
                   if conflict.code is not None else
                   f"{conflict} was changed since by another edit in layer {layer_name!r}; "
                   "that change is kept")
            raise StepConflict(
                f"cannot {op} {what!r}: {why}; this {op} is skipped",
                op=op, doc_id=doc_id, layer=layer_name, change=change, record=str(conflict),
                label=conflict.label,
                others=tuple(sorted(set(applied) - {self._annotator})),
            ) from None
        entry, _ = self._commit(
            doc_id, layer_name, layer, change, op, f"{op} {what}", ref=original["id"]
        )
        target.append(source.pop(at))
        return _receipt(entry, change, tuple(skipped))

    def _doc_step_on(
        self,
        op: str,
        original: dict[str, Any],
        step: DocStep,
        source: list[Ref],
        at: int,
        target: list[Ref],
        skipped: list[str],
    ) -> EditReceipt:
        """Set a document's target or status back (undo) or again (redo): journaled first,
        then set only while it still holds what the step left; a value someone else set
        since is kept and this step is skipped (``StepConflict``, one line)."""
        assert self._steps is not None
        expected, value = (step.after, step.before) if op == "undo" else (step.before,
                                                                          step.after)
        what = original.get("what") or "a document change"
        entry = self._entry(op, f"{op} {what}", ref=original["id"], kind=step.op,
                            data=self._steps.data(step, expected, value))
        self._write(entry)
        try:
            found = self._steps.swap(step, expected, value)
        except BaseException:
            self._void(entry)
            raise
        if found is not None:
            self._void(entry)
            self._write(self._entry("skip", f"cannot {op} {what}", ref=original["id"],
                                    **{"from": op}))
            source.pop(at)
            kind = "stance target" if step.op == DOC_TARGET_OP else "status"
            now = (f"“{found}”" if found else "the project's") if step.op == DOC_TARGET_OP \
                else (found.replace("-", " ") or "not set")
            raise StepConflict(
                f"{op} skipped: the {kind} of this document was changed since by someone "
                f"else (now {now}); that change is kept",
                op=op, doc_id=step.doc_id, layer=self._annotator, change=LayerChange(),
                record=kind)
        target.append(source.pop(at))
        return EditReceipt(entry["id"], step.doc_id, self._annotator, entry["what"],
                           LayerChange(), skipped=tuple(skipped),
                           document=DocStep(step.op, step.doc_id, expected, value))

    def _gone_label(self, change: LayerChange) -> str | None:
        """A stance label ``change`` would set that the scheme no longer has (renamed or
        removed since the step was made: bringing it back would put a label outside the
        scheme into the layer); None when every label it sets is in the scheme."""
        if self._labels is None:
            return None
        names = self._labels()
        for qid, after in change.quotes_after.items():
            before = change.quotes_before.get(qid)
            # a stance set back on a quote that stays (a quote brought back whole keeps the
            # label it was imported with, in the scheme or not)
            if (after is not None and before is not None and after.stance
                    and after.stance != before.stance and after.stance not in names):
                return after.stance
        return None

    def _gone_code(self, change: LayerChange) -> str | None:
        """A quote variable's or speaker attribute's value ``change`` would set on a quote or
        speaker that stays, that the project no longer defines (``topic=crime``: the variable
        or the value removed since the step was made); None when every one it sets is
        defined."""
        if self._codes is None:
            return None
        allowed = None
        changed = [(after.codes, before.codes) for qid, after in change.quotes_after.items()
                   if after is not None and (before := change.quotes_before.get(qid))]
        changed += [(after.attributes, before.attributes)  # a speaker's, as a quote's
                    for sid, after in change.speakers_after.items()
                    if after is not None and (before := change.speakers_before.get(sid))]
        for after_codes, before_codes in changed:
            for pair in set(after_codes) - set(before_codes):
                if allowed is None:
                    allowed = set(self._codes())
                if pair not in allowed:
                    return f"{pair[0]}={pair[1]}"
        return None

    # ----------------------------------------------------------------- writing
    def _commit(
        self,
        doc_id: str,
        layer_name: str,
        layer: Layer,
        change: LayerChange,
        op: str,
        what: str,
        ref: str | None = None,
    ) -> tuple[dict[str, Any], Ref]:
        """Journal the change (the intent), then write the layer; void the intent when the
        layer write fails."""
        new_layer = change.apply_to(layer)
        text = self._documents.text(doc_id)
        for quote in change.quotes_after.values():
            if quote is not None:
                quote.check(text)
        entry = self._entry(
            op, what, ref=ref, doc=doc_id, layer=layer_name, change=change.to_dict()
        )
        offsets: list[int] = []

        def journal() -> None:  # under the layer's lock, the file checked: its time is the write's
            entry["ts"] = journal_time()
            offsets.append(self._write(entry))

        try:
            self._layers.write(doc_id, {layer_name: new_layer},
                               intent=Intent(self._annotator, entry["id"], journal))
        except BaseException:
            if offsets:  # journaled, then the layer write failed
                self._void(entry)
            raise
        return entry, Ref(entry["id"], offsets[0], scope_of(doc_id, layer_name))

    def _write(self, *entries: dict[str, Any]) -> int:
        """Append ``entries`` after any void line still waiting; the last one's byte offset."""
        batch = [*self._pending, *entries]
        appended = self._journal.append(*batch)
        self._pending.clear()
        self._end = appended.end
        self._last = Ref(batch[-1]["id"], appended.offset)
        self._unindexed += len(batch)
        return appended.offset

    def _void(self, entry: dict[str, Any], *, write: bool = True) -> None:
        """Mark an intent as not applied: in memory at once, in the journal as soon as it
        takes a line (a full disk keeps it waiting for the next append)."""
        self._voided.add(entry["id"])
        if not write:
            return
        self._pending.append(
            self._entry("void", f"not applied: {entry.get('what', '')}", ref=entry["id"])
        )
        with contextlib.suppress(OSError):
            self._write()

    def _maybe_checkpoint(self, *, force: bool = False) -> None:
        """Rewrite ``journal.index`` once ``CHECKPOINT_EVERY`` lines are past it (``force``:
        once any line is), when every intent in the journal is settled (no void line waiting)."""
        if (
            not self._writable
            or self._pending
            or self._last is None
            or self._unindexed < (1 if force else CHECKPOINT_EVERY)
        ):
            return
        with contextlib.suppress(OSError):
            journal_index.save(
                journal_index.index_path(self._journal.path),
                Checkpoint(self._end, self._last, self._stacks),
            )
            self._unindexed = 0

    def _entry(self, op: str, what: str, **details: Any) -> dict[str, Any]:
        """A journal entry: a fresh id, the time, who, what was done, and its details."""
        return {
            "id": uuid.uuid4().hex,
            "ts": journal_time(),
            "annotator": self._annotator,
            "op": op,
            "what": what,
            **details,
        }


def _receipt(
    entry: dict[str, Any], change: LayerChange, skipped: tuple[str, ...] = ()
) -> EditReceipt:
    what = entry["what"]
    if skipped:
        what = f"{what} ({'; '.join(skipped)})"
    return EditReceipt(entry["id"], entry["doc"], entry["layer"], what, change, skipped=skipped)


class _Conflict(Exception):
    """An undo or redo would overwrite a later change to the same field of a record (``str``:
    which record), or bring back a stance ``label`` the scheme no longer has."""

    def __init__(self, record: str, *, label: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(record)
        self.label = label
        self.code = code


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
