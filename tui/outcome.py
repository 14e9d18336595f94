"""Outcome: what became of one change the TUI queued on the session bridge.

Its own module so that the bridge, the feeds it tells about saved changes and the screens that
listen to its ``outcomes`` signal all name one type without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotations.edits import Edit
    from annotations.errors import SaywhoError
    from annotations.model import Layer
    from annotations.store import EditReceipt


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one queued change."""

    op: str  # "edit" | "undo" | "redo" | "change"
    what: str
    edit: Edit | None = None
    receipt: EditReceipt | None = None
    layer: Layer | None = None  # the touched layer as saved (edits, undo, redo)
    result: Any = None
    error: SaywhoError | None = None

    @property
    def ok(self) -> bool:
        """True when the change reached the disk."""
        return self.error is None

    @property
    def doc_id(self) -> str | None:
        """The document the change touched, if it was a layer edit."""
        if self.receipt is not None:
            return self.receipt.doc_id
        return self.edit.doc_id if self.edit is not None else None
