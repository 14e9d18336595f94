"""Undo and redo of the two changes a reader makes to a document outside its layers.

A document's own stance target (``DOC_TARGET_OP``: in the shared project file) and the
annotator's status of it (``DOC_STATUS_OP``: done or not, in their status file) are journaled
by the annotator's process like layer edits, and ``History`` puts them on the same undo stack,
so ``u`` takes them back in the order the researcher made them, also after a restart. This
module reads such a journal entry as a ``DocStep`` and sets a value back, only while the
stored value is still the one the step left: a teammate's target set since is never
overwritten (the step is refused and the value found is returned).

The status entry carries the stored status before and after (``stored_before``,
``stored_after``: ``None`` when no status was set, the status then being derived); an entry
written by a saywho from before it cannot be undone and is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotations.model import now_iso
from annotations.store.journal import DOC_STATUS_OP, DOC_TARGET_OP
from annotations.store.statuses import STORED_STATUSES, read_statuses, write_status

if TYPE_CHECKING:
    from annotations.store.documents import DocumentList
    from annotations.store.folder import ProjectFolder

DOC_STEP_OPS: tuple[str, ...] = (DOC_TARGET_OP, DOC_STATUS_OP)


@dataclass(frozen=True, slots=True)
class DocStep:
    """One document change outside the layers, as stored: the target (``""``: the
    project's) or the stored status (``None``: none, derived) before and after."""

    op: str
    doc_id: str
    before: str | None
    after: str | None


def doc_step(entry: dict[str, Any]) -> DocStep | None:
    """The step a journal entry recorded (a ``doc-target`` or ``doc-status`` line, or an
    undo or redo of one: ``kind`` names it); ``None`` when it holds no step undo can use."""
    op = entry.get("kind") if entry.get("op") in ("undo", "redo") else entry.get("op")
    data = entry.get("data")
    if op not in DOC_STEP_OPS or not isinstance(data, dict) or not isinstance(
            data.get("doc"), str) or not isinstance(entry.get("id"), str):
        return None
    if op == DOC_TARGET_OP:
        before, after = data.get("before"), data.get("after")
        if isinstance(before, str) and isinstance(after, str):
            return DocStep(op, data["doc"], before, after)
        return None
    if "stored_before" not in data or "stored_after" not in data:
        return None  # written by a saywho from before statuses were undone
    before, after = data["stored_before"], data["stored_after"]
    if all(v is None or v in STORED_STATUSES for v in (before, after)):
        return DocStep(op, data["doc"], before, after)
    return None


class DocumentSteps:
    """Sets a document's target or the annotator's status back for an undo or redo."""

    def __init__(self, folder: ProjectFolder, documents: DocumentList, annotator: str) -> None:
        self._folder = folder
        self._documents = documents
        self._annotator = annotator

    def data(self, step: DocStep, before: str | None, after: str | None) -> dict[str, Any]:
        """The journal ``data`` of a step of ``step``'s kind from ``before`` to ``after``."""
        if step.op == DOC_TARGET_OP:
            return {"doc": step.doc_id, "before": before or "", "after": after or ""}
        return {"doc": step.doc_id, "stored_before": before, "stored_after": after}

    def swap(self, step: DocStep, expected: str | None, value: str | None) -> str | None:
        """Set the step's document to ``value`` when it still holds ``expected``; ``None``
        when set, else what it holds now (``""``/``None``: the project's target / no status),
        nothing written. ``InputError`` for a document no longer in the project."""
        self._documents.info(step.doc_id)
        if step.op == DOC_TARGET_OP:
            self._folder.require_shared_writable()
            found = self._documents.swap_target(step.doc_id, expected or "", value or "")
            return None if found is None else found
        stored = read_statuses(self._folder.path, self._annotator).get(step.doc_id)
        now = None if stored is None else stored.status
        if now != expected:
            return now or ""
        write_status(self._folder.path, self._annotator, step.doc_id, value, now_iso())
        return None
