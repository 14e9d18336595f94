"""Layers in the TUI: whose annotations are on screen, and a picker to switch (``l``).

Each annotator has a layer per document; ``final`` is the adjudicated one. The bridge keeps one
*active layer* (``SessionBridge.active_layer``; ``None`` means the annotator's own): the reader,
the review queue, the library and the stats show it and follow ``layer_switched``, and every edit
made there carries it (``Edit.layer``), so a correction lands in that layer only. The picker
lists a layer another process stores while it is open (the live project reports it).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label

from annotations.display import count as counted
from annotations.display import visible
from annotations.events import Event, LayerStored
from annotations.live import LiveEvent
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER
from annotations.session import Session
from tui.bridge import SessionBridge
from tui.plain import say
from tui.screens.base import SaywhoScreen
from tui.screens.dialog import Dialog
from tui.widgets.rowlist import RowList


def layer_choices(session: Session, doc_id: str | None) -> list[tuple[str, int | None]]:
    """(layer name, quote count) to offer: the annotator's own first, others, ``final`` last.

    With ``doc_id`` the counts are that document's; without, the names come from every
    document and the counts are ``None``. The detector's suggestions are not offered: they are
    the seed of every layer, not a layer to correct.
    """
    own = session.annotator
    if doc_id is not None:
        stored = session.layer_names(doc_id)
    else:
        stored = []
        for doc in session.document_ids():
            stored += [n for n in session.layer_names(doc) if n not in stored]
    others = sorted(n for n in stored if n not in (own, FINAL_LAYER, SUGGESTIONS_LAYER))
    names = [own, *others, FINAL_LAYER]
    if doc_id is None:
        return [(name, None) for name in names]
    return [(name, len(session.layer(doc_id, name).quotes)) for name in names]


class LayerPicker(Dialog[str | None]):
    """Choose a layer: ↑/↓ and Enter, or Escape to keep the current one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="layers.cancel")]

    def __init__(self, bridge: SessionBridge, choices: list[tuple[str, int | None]],
                 doc_id: str | None = None) -> None:
        super().__init__()
        self.bridge = bridge
        self.choices = choices
        self.doc_id = doc_id
        self.current = bridge.layer_shown
        self.own = bridge.annotator

    @classmethod
    def for_screen(cls, bridge: SessionBridge, screen: Screen[object]) -> LayerPicker:
        """A picker with the layers of the document ``screen`` is about (all, if none)."""
        doc_id = screen.document_in_view() if isinstance(screen, SaywhoScreen) else None
        return cls(bridge, bridge.read(lambda s: layer_choices(s, doc_id)), doc_id)

    def compose(self) -> ComposeResult:
        """Title, the layers, a hint."""
        with Vertical(id="dialog"):
            yield Label("Open which layer?", id="dialog-title")
            yield RowList(id="picks")
            yield Label("Enter: open · ↑↓: move · Esc: cancel", id="dialog-hint")

    def on_mount(self) -> None:
        """Fill the list with the current layer highlighted; follow layers stored meanwhile."""
        self._fill()
        self.query_one(RowList).focus()
        self.bridge.session_events.subscribe(self, self.session_event)

    def session_event(self, event: Event | LiveEvent) -> None:
        """A layer was stored (by another process too): list it."""
        if isinstance(event, LayerStored) and self.doc_id in (None, event.doc_id):
            doc_id = self.doc_id
            choices = self.bridge.read(lambda s: layer_choices(s, doc_id))
            if choices != self.choices:
                picks = self.query_one(RowList)
                name = self.choices[min(picks.index, len(self.choices) - 1)][0] \
                    if self.choices else None
                self.choices = choices
                self._fill(name)

    def _fill(self, highlight: str | None = None) -> None:
        rows = []
        for name, count in self.choices:
            row = Text(no_wrap=True)
            row.append("● " if name == self.current else "  ", "bold")
            row.append(visible(name), "bold")
            if name == self.own:
                row.append("  (yours)", "italic")
            elif name == FINAL_LAYER:
                row.append("  (adjudicated)", "italic")
            if count is not None:
                row.append(f"  {counted(count, 'quote')}", "dim")
            rows.append(row)
        names = [n for n, _ in self.choices]
        highlight = highlight or self.current
        index = names.index(highlight) if highlight in names else 0
        self.query_one(RowList).set_rows(rows, index)

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Enter (or a click) opens the layer."""
        event.stop()
        if event.index < len(self.choices):
            name = self.choices[event.index][0]
            self.bridge.switch_layer(name)
            say(self, f"layer: {name}", title="Layer", timeout=3)
            self.dismiss(name)

    def action_cancel(self) -> None:
        """Keep the current layer."""
        self.dismiss(None)
