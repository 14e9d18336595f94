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

from typing import Any

from rich.text import Text
from textual.events import Key
from textual.reactive import reactive
from textual.widgets import Input
from textual.widgets.input import Selection

from annotations.display import visible


class TextField(Input):
    """An ``Input`` whose cursor shows while it has focus and does not blink, and whose value
    is painted with control characters and bidi overrides made visible.

    It never selects its value when focus arrives: the focus event is handled after keys
    typed straight after the key that opened the field (a paste, a fast typist over SSH), and
    selecting then made the next key replace what was typed. A prompt selects a prefilled
    value itself when it opens (``select_all``)."""

    cursor_blink = reactive(False, init=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    def select_all(self) -> None:
        """Select the whole value (typing then replaces it)."""
        self.selection = Selection(0, len(self.value))

    @property
    def _value(self) -> Text:
        """The value as painted (``Input`` builds its line from this one property)."""
        if self.password:
            return super()._value
        text = Text(visible(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text


async def pass_early_key(field: TextField, event: Key) -> None:
    """Give ``field`` a key that reached its screen instead: typed with the key that opened
    the screen (a paste, a fast typist over SSH), it was sent to the screen before the field
    had focus. A character is typed into the field, Enter submits it, Backspace deletes;
    other keys are left to the screen's bindings."""
    if event.key == "enter":
        await field.action_submit()
    elif event.key == "backspace":
        field.action_delete_left()
    elif event.is_printable and event.character:
        field.insert_text_at_cursor(event.character)
    else:
        return
    event.stop()
    event.prevent_default()
