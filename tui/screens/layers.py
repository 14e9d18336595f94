"""Layers in the TUI: whose annotations are on screen, and a picker to switch (``l``).

Each annotator has a layer per document; ``final`` is the adjudicated one. The app keeps one
*active layer* (``SaywhoApp.active_layer``; ``None`` means the annotator's own): the reader,
the review queue and the stats show it, the title and status bar name it, and every edit made
there carries it (``Edit.layer``), so a correction lands in that layer only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from annotations.display import visible
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER
from annotations.store.project import Project
from tui.widgets.rowlist import RowList

if TYPE_CHECKING:
    from tui.app import SaywhoApp


def layer_choices(project: Project, doc_id: str | None) -> list[tuple[str, int | None]]:
    """(layer name, quote count) to offer: the annotator's own first, others, ``final`` last.

    With ``doc_id`` the counts are that document's; without, the names come from every
    document and the counts are ``None``. The detector's suggestions are not offered: they are
    the seed of every layer, not a layer to correct.
    """
    own = project.annotator
    if doc_id is not None:
        stored = project.layer_names(doc_id)
    else:
        stored = []
        for doc in project.document_ids():
            stored += [n for n in project.layer_names(doc) if n not in stored]
    others = sorted(n for n in stored if n not in (own, FINAL_LAYER, SUGGESTIONS_LAYER))
    names = [own, *others, FINAL_LAYER]
    if doc_id is None:
        return [(name, None) for name in names]
    return [(name, len(project.layer(doc_id, name).quotes)) for name in names]


class LayerPicker(ModalScreen[str | None]):
    """Choose a layer: ↑/↓ and Enter, or Escape to keep the current one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="layers.cancel")]

    def __init__(self, choices: list[tuple[str, int | None]], current: str, own: str) -> None:
        super().__init__()
        self.choices = choices
        self.current = current
        self.own = own

    def compose(self) -> ComposeResult:
        """Title, the layers, a hint."""
        with Vertical(id="dialog"):
            yield Label("Open which layer?", id="dialog-title")
            yield RowList(id="picks")
            yield Label("Enter: open · ↑↓: move · Esc: cancel", id="dialog-hint")

    def on_mount(self) -> None:
        """Fill the list with the current layer highlighted."""
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
                row.append(f"  {count} quotes", "dim")
            rows.append(row)
        names = [n for n, _ in self.choices]
        index = names.index(self.current) if self.current in names else 0
        picks = self.query_one(RowList)
        picks.set_rows(rows, index)
        picks.focus()

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Enter (or a click) opens the layer."""
        event.stop()
        if event.index < len(self.choices):
            self.dismiss(self.choices[event.index][0])

    def action_cancel(self) -> None:
        """Keep the current layer."""
        self.dismiss(None)


def active_layer_name(app: SaywhoApp) -> str:
    """The name of the layer the app shows (the annotator's when none was picked)."""
    return app.active_layer or app.project.annotator


def current_doc(app: SaywhoApp) -> str | None:
    """The document the top screen is about (the reader's, or the library's highlighted)."""
    screen = app.screen
    doc_id = getattr(screen, "doc_id", None)
    if doc_id:
        return str(doc_id)
    shown = getattr(screen, "shown", None)
    if shown:
        from tui.screens.library import LibraryScreen

        if isinstance(screen, LibraryScreen):
            return shown[screen.query_one("#docs", RowList).index].doc_id
    return None


def open_layer_picker(app: SaywhoApp) -> None:
    """Ask which layer to open, then switch to it."""
    doc_id = current_doc(app)
    choices = app.editor.read(lambda p: layer_choices(p, doc_id))

    def done(name: str | None) -> None:
        if name is not None:
            switch_layer(app, name)

    app.push_screen(LayerPicker(choices, active_layer_name(app), app.project.annotator), done)


def switch_layer(app: SaywhoApp, name: str) -> None:
    """Make ``name`` the active layer and redraw every screen that shows a layer."""
    from tui.screens.reader import ReaderScreen
    from tui.screens.review import ReviewScreen

    app.active_layer = None if name == app.project.annotator else name
    from tui.stance_suggest import SuggestionSet, request_refit, suggester

    sugg = suggester(app)
    if sugg.current.layer != app.active_layer:  # fitted on another layer: its quote ids
        sugg.current = SuggestionSet(sugg.fits, app.active_layer)  # name other quotes
    for screen in app.screen_stack:
        if isinstance(screen, ReviewScreen):
            screen.rebuild()
        elif isinstance(screen, ReaderScreen) and screen.doc_id:
            screen.load(screen.doc_id, screen.current_id)
        else:
            refresh = getattr(screen, "layer_changed", None)
            if refresh is not None:
                refresh()
    request_refit(app)  # suggestions learn from the labels of the layer on screen
    app.notify(f"layer: {name}", title="Layer", timeout=3)
