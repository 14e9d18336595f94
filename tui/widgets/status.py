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
        self.extra = ""
        self._last_width = 0  # the width the line was last fitted to
        self._saving_timer: Timer | None = None

    def set_save(self, state: str, message: str) -> None:
        """Show the state of the last edit: idle, saving, saved or error."""
        self.state, self.message = state, message
        self._redraw()

    def set_position(self, text: str, extra: str = "") -> None:
        """Show where the user is (quote n of m, progress), then ``extra`` (the colour mode,
        the layer when it is one's own): what a narrow bar leaves out first."""
        self.position, self.extra = text, extra
        self._redraw()

    def _redraw(self) -> None:
        self._colour()
        self.set(self._line(self._last_width))

    def render(self) -> Text:
        """The line fitted to the bar's width as it is now."""
        width = self.content_region.width or self.size.width
        if width != self._last_width:
            self._last_width = width
            self._content = self._line(width)
        return self._content  # type: ignore[return-value]

    def _line(self, width: int) -> Text:
        """Save state and message on the left, position on the right. On a narrow terminal
        the position keeps its room (where you are, the layer, done) and a long message is
        cut: it is also in the notification and the history."""
        text = Text(no_wrap=True, overflow="ellipsis")
        head = f" {SAVE_GLYPH[self.state]} {self.state}"
        text.append(head, "bold")
        width = max(width, 40)
        room = width - len(head) - 1
        message = f": {self.message}" if self.message else ""
        # too long: first ``extra`` goes, then the message is cut (it is also in the
        # notification and the history; never below 30 characters), then the position
        position = self.position + self.extra
        if len(message) + len(position) + 1 > room:
            position = self.position
        fits = max(room - len(position) - 1, min(len(message), 30))
        if len(message) > fits:
            message = message[: max(fits - 1, 0)].rstrip() + "…"
        if len(position) > room - len(message) - 1:
            position = position[: max(room - len(message) - 2, 0)].rstrip() + "…"
        text.append(message)
        gap = max(width - text.cell_len - len(position) - 1, 1)
        text.append(" " * gap + position)
        return text

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
