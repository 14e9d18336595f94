"""SpeakerPicker: fuzzy search over the document's and the corpus's speakers, or a new one.

Which speakers are offered and how a query ranks them is the domain's
(``annotations.registry``); this screen shows the ranking and returns the pick.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from annotations.display import visible
from annotations.registry import SpeakerCandidate, rank_speakers
from tui.plain import plain
from tui.widgets.rowlist import RowList


@dataclass(frozen=True, slots=True)
class Pick:
    """The picker's answer: an existing candidate, or a new name."""

    candidate: SpeakerCandidate | None
    new_name: str | None = None


class SpeakerPicker(ModalScreen[Pick | None]):
    """Type to filter; ↑/↓ to move; Enter picks; the last row creates a new speaker."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
    ]

    def __init__(self, title: str, candidates: list[SpeakerCandidate], *, allow_new: bool = True):
        super().__init__()
        self.title_text = title
        self.candidates = candidates
        self.allow_new = allow_new
        self.shown: list[SpeakerCandidate] = []
        self.query_text = ""

    def compose(self) -> ComposeResult:
        """Title, search field, ranked list, hint."""
        with Vertical(id="dialog"):
            yield Label(plain(self.title_text), id="dialog-title")
            yield Input(placeholder="type a name…", id="picker-input")
            yield RowList(id="picks")
            hint = "Enter: pick · ↑↓: move · Esc: cancel"
            yield Label(hint + (" · last row: new speaker" if self.allow_new else ""),
                        id="dialog-hint")

    def on_mount(self) -> None:
        """Fill the list and focus the search."""
        self._refill()
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Re-rank as the user types."""
        self.query_text = event.value
        self._refill()

    def _refill(self) -> None:
        self.shown = rank_speakers(self.candidates, self.query_text)
        rows = []
        for cand in self.shown:
            row = Text(no_wrap=True)
            row.append(visible(cand.name), "bold")
            if cand.aliases:
                row.append(visible(" (" + ", ".join(cand.aliases) + ")"), "italic")
            row.append(f"  {cand.quotes}q" if cand.in_document else "  · other articles", "dim")
            rows.append(row)
        name = " ".join(self.query_text.split())
        if self.allow_new and name:
            rows.append(Text(f"+ new speaker “{visible(name)}”", "bold"))
        self.query_one(RowList).set_rows(rows, 0)

    def action_move(self, delta: int) -> None:
        """Move the highlight in the list while typing."""
        rows = self.query_one(RowList)
        rows.select(rows.index + delta)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Pick the highlighted row."""
        event.stop()
        self._pick(self.query_one(RowList).index)

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Pick a clicked row."""
        event.stop()
        self._pick(event.index)

    def _pick(self, index: int) -> None:
        if index < len(self.shown):
            self.dismiss(Pick(self.shown[index]))
            return
        name = " ".join(self.query_text.split())
        if self.allow_new and name:
            self.dismiss(Pick(None, name))

    def action_cancel(self) -> None:
        """Close without a choice."""
        self.dismiss(None)
