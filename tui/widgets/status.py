"""StatusBar and Banner: whether the last edit is saved, where you are, and warnings.

The save state only says "saved" once ``Project.apply`` has returned; while an edit is in the
worker it says "saving", and a failure says "error" with the message. Each state has its own
glyph, so colour is never the only signal. The bar takes the "saving" colour only when a save
takes longer than ``SAVING_COLOUR_AFTER``: an edit saved at once (most of them) keeps the colour
of the state before it, instead of flashing it for a few milliseconds on every key (and paying a
restyle of the bar twice per key).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tui.plain import plain
from tui.widgets.textpanel import TextPanel

if TYPE_CHECKING:
    from textual.timer import Timer

SAVE_GLYPH = {"idle": "·", "saving": "…", "saved": "✓", "error": "✗"}
_STATE_CLASSES = {f"-{state}" for state in SAVE_GLYPH}
SAVING_COLOUR_AFTER = 0.15  # seconds a save must last before the bar turns the saving colour


class StatusBar(TextPanel):
    """One line: save state on the left, position and mode on the right."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = "idle"
        self.message = "no edits yet"
        self.position = ""
        self._saving_timer: Timer | None = None

    def set_save(self, state: str, message: str) -> None:
        """Show the state of the last edit: idle, saving, saved or error."""
        self.state, self.message = state, message
        self._redraw()

    def set_position(self, text: str) -> None:
        """Show where the user is (quote n of m, progress, colour mode)."""
        self.position = text
        self._redraw()

    def _redraw(self) -> None:
        self._colour()
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f" {SAVE_GLYPH[self.state]} {self.state}", "bold")
        text.append(f": {self.message}" if self.message else "")
        width = max(self.size.width, 40)
        gap = max(width - text.cell_len - len(self.position) - 1, 1)
        text.append(" " * gap + self.position)
        self.set(text)

    def _colour(self) -> None:
        """The state's colour (a class): at once, except for a save still running after
        ``SAVING_COLOUR_AFTER``."""
        if self.state == "saving":
            if self._saving_timer is None and not self.has_class("-saving"):
                self._saving_timer = self.set_timer(SAVING_COLOUR_AFTER, self._saving_colour)
            return
        if self._saving_timer is not None:
            self._saving_timer.stop()
            self._saving_timer = None
        self._set_colour(f"-{self.state}")

    def _saving_colour(self) -> None:
        self._saving_timer = None
        if self.state == "saving":
            self._set_colour("-saving")

    def _set_colour(self, wanted: str) -> None:
        if not self.has_class(wanted):  # one restyle, not one per class
            self.set_classes({c for c in self.classes if c not in _STATE_CLASSES} | {wanted})

    def on_resize(self) -> None:
        """Re-justify on resize."""
        self._redraw()


class Banner(Static):
    """A warning band: read-only project, damaged files. Hidden when there is nothing to say."""

    def show_messages(self, lines: list[str]) -> None:
        """Show ``lines`` (or hide the banner when empty)."""
        self.display = bool(lines)
        self.update(plain("\n".join(lines), lines=True))
