"""TextField: the app's one text input, with a steady cursor and a safe picture.

A blinking cursor repaints its line twice a second for as long as the field has focus: traffic
on a slow SSH link for nothing, and a screen whose picture depends on the moment it is taken.

A field is often opened on stored text (a speaker's name to rename, a note, a label) that came
from a file: an escape sequence in it must not reach the terminal when the field paints (an OSC
52 sequence in a name wrote the terminal's clipboard when the rename prompt opened). The field
keeps the value as stored, so confirming it unchanged saves it unchanged, and paints it through
``annotations.display.visible``: one character stays one character and one cell, so the cursor
and the selection stay where they are in the value.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Input

from annotations.display import visible


class TextField(Input):
    """An ``Input`` whose cursor shows while it has focus and does not blink, and whose value
    is painted with control characters and bidi overrides made visible."""

    cursor_blink = reactive(False, init=False)

    @property
    def _value(self) -> Text:
        """The value as painted (``Input`` builds its line from this one property)."""
        if self.password:
            return super()._value
        text = Text(visible(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text
