"""TypeaheadPicker: the one modal for choosing from a list while typing to narrow it.

A title, a field, the list and a hint; ↑/↓ move the highlight while the field keeps the focus,
Enter or a click chooses, Esc cancels. What the rows are, how typing narrows or ranks them and
what a choice returns belong to each picker (speakers, quote-list filter).
"""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from tui.plain import plain
from tui.screens.dialog import Dialog
from tui.widgets.field import TextField
from tui.widgets.rowlist import RowList

T = TypeVar("T")


class TypeaheadPicker(Dialog[T]):
    """Type to narrow; ↑/↓ to move; Enter chooses; Esc cancels (the answer is ``None``)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
    ]
    PLACEHOLDER = "type to narrow…"

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title
        self.query_text = ""

    def compose(self) -> ComposeResult:
        """Title, field, list, hint."""
        with Vertical(id="dialog"):
            yield Label(plain(self.title_text), id="dialog-title")
            field = TextField(placeholder=self.PLACEHOLDER, id="picker-input")
            field.closes_on_submit = True  # before mounting: a key may come before then
            yield field
            yield RowList(id="picks")
            yield Label(self.hint(), id="dialog-hint")

    def hint(self) -> str:
        """The keys line under the list."""
        return "Enter: choose · ↑↓: move · Esc: cancel"

    def rows(self) -> list[Text]:
        """The rows for the current ``query_text`` (and remember what each one stands for)."""
        raise NotImplementedError

    def choose(self, index: int) -> None:
        """Row ``index`` was chosen: dismiss with its answer (or do nothing)."""
        raise NotImplementedError

    def on_mount(self) -> None:
        """Fill the list and focus the field now (not after the keys already sent)."""
        self._refill()
        self.set_focus(self.query_one(TextField))

    def early_field(self) -> TextField:
        """Where keys typed with the one that opened this screen belong (the app hands
        them over: ``tui.widgets.field.pass_early_key``)."""
        return self.query_one(TextField)

    def on_input_changed(self, _event: Input.Changed) -> None:
        """Narrow (or re-rank) as the user types, by what the field holds now (a change
        event comes late: an arrow typed after it has acted on the list already)."""
        self._narrow()

    def _narrow(self) -> None:
        """The list for what the field holds, unless it is that list already."""
        typed = self.query_one(TextField).value
        if typed != self.query_text:
            self.query_text = typed
            self._refill()

    def _refill(self) -> None:
        self.query_one(RowList).set_rows(self.rows(), 0)

    def action_move(self, delta: int) -> None:
        """Move the highlight while typing: in the list the letters typed before it narrow
        (an arrow typed fast after them comes before the field says it changed)."""
        self._narrow()
        rows = self.query_one(RowList)
        rows.select(rows.index + delta)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Choose the highlighted row (keys typed after Enter wait for the screen below)."""
        event.stop()
        self.choose(self.query_one(RowList).index)
        if self.app.screen is self:  # nothing chosen (an empty list): still typing here
            self.query_one(TextField).submitted = False

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Choose a clicked row."""
        event.stop()
        self.choose(event.index)

    def action_cancel(self) -> None:
        """Close without a choice."""
        self.dismiss(None)
