"""What a session tells its listeners after a change reached the disk (or failed).

The TUI, a notebook or a test subscribes to a ``Session`` and receives these typed events;
nobody polls the project or reaches into another object's attributes to learn what changed.
Every event is a frozen record: a listener may keep it, pass it to another thread, compare it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotations.errors import SaywhoError
from annotations.model import StanceScheme
from annotations.store import EditReceipt


@dataclass(frozen=True, slots=True)
class EditSaved:
    """An edit, an undo or a redo is on disk and in the journal."""

    op: str  # "edit" | "undo" | "redo"
    receipt: EditReceipt


@dataclass(frozen=True, slots=True)
class SchemeChanged:
    """The stance scheme changed; ``moved`` quotes were relabelled in every layer."""

    scheme: StanceScheme
    what: str
    moved: int = 0


@dataclass(frozen=True, slots=True)
class SettingChanged:
    """One project setting changed (a keymap, a preference)."""

    key: str
    value: Any


@dataclass(frozen=True, slots=True)
class DocumentsAdded:
    """Documents were imported, with the detector's suggestions stored for each."""

    doc_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocumentChanged:
    """Something about a document other than its layers changed (its stance target)."""

    doc_id: str
    what: str


@dataclass(frozen=True, slots=True)
class LayerStored:
    """A whole layer of a document was stored (a layer import, fresh suggestions)."""

    doc_id: str
    layer: str


@dataclass(frozen=True, slots=True)
class ChangeFailed:
    """A change did not reach the disk; nothing of it is on disk half-written."""

    what: str
    error: SaywhoError


Event = (
    EditSaved | SchemeChanged | SettingChanged | DocumentsAdded | DocumentChanged | LayerStored
    | ChangeFailed
)
