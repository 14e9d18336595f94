"""Undo and redo of the two changes a reader makes to a document outside its layers.

A document's own stance target (``DOC_TARGET_OP``: in the shared project file) and the
annotator's status of it (``DOC_STATUS_OP``: done or not, in their status file) are journaled
by the annotator's process like layer edits, and ``History`` puts them on the same undo stack,
so ``u`` takes them back in the order the researcher made them, also after a restart. This
module sets a value back (``journal.doc_step`` reads such an entry as a ``DocStep``), only while the
stored value is still the one the step left: a teammate's target set since is never
overwritten (the step is refused and the value found is returned).

The status entry carries the stored status before and after (``stored_before``,
``stored_after``: ``None`` when no status was set, the status then being derived); an entry
written by a saywho from before it cannot be undone and is skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotations.errors import SaywhoError
from annotations.model import now_iso
from annotations.store.journal import DOC_TARGET_OP, DocStep
from annotations.store.statuses import read_statuses, write_status

if TYPE_CHECKING:
    from annotations.store.documents import DocumentList
    from annotations.store.folder import ProjectFolder

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

    def holds(self, step: DocStep, value: str | None) -> bool | None:
        """Whether the step's document holds ``value`` now (its own target, ``""``: the
        project's; or the annotator's stored status, ``None``: none); ``None`` when it cannot
        be told (the document gone, a damaged status file)."""
        try:
            if step.op == DOC_TARGET_OP:
                return self._documents.info(step.doc_id).target == (value or "")
            stored = read_statuses(self._folder.path, self._annotator).get(step.doc_id)
        except SaywhoError:
            return None
        return (None if stored is None else stored.status) == value

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

