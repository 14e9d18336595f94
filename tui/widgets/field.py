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
from textual.events import Focus, Key, Paste
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
        self.untouched = True  # no key typed into it yet
        self.replace_on_type = False  # a prefilled value the first key typed replaces
        self.submitted = False  # Enter was pressed: later keys are for the screen below
        self.closes_on_submit = False  # a prompt's field: Enter closes its screen

    def select_all(self) -> None:
        """Select the whole value, so typing replaces it."""
        self.selection = Selection(0, len(self.value))

    async def action_submit(self) -> None:
        """Enter: the keys after it are for what comes next (the screen below a prompt, the
        list a search field hands over to): marked here, before any later key is handled;
        the field takes keys again when it has the focus again."""
        self.submitted = True
        await super().action_submit()

    def _on_focus(self, event: Focus) -> None:
        """Focused again (a search field after its list): typing is for it again. Not a
        prompt's field: it takes the focus after keys typed fast, Enter among them."""
        if not self.closes_on_submit:
            self.submitted = False
        super()._on_focus(event)

    def _on_key(self, event: Key) -> None:
        """A key typed into the field (the app routes most keys of a prompt itself:
        ``tui.key_order``, which keeps keys away from a field after its Enter). One that
        reaches it after Enter all the same is not typed, and acts on nothing (no handler
        after this one runs: not ``Input``'s, not the bindings)."""
        if self.submitted:
            event.prevent_default()
        elif event.is_printable or event.key == "backspace":
            self.untouched = False

    @property
    def _value(self) -> Text:
        """The value as painted (``Input`` builds its line from this one property)."""
        if self.password:
            return super()._value
        text = Text(visible(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text


async def pass_early_key(field: TextField, event: Key) -> bool:
    """Give ``field`` a key the app routes to it straight away (``tui.key_order``): typed
    with the key that opened its screen (a paste, a fast typist over SSH), before the field
    had focus, or after, in the order typed. A character is typed into the field (the first
    one replacing a prefilled value a prompt offers to replace, or the selection), Enter
    submits it, Backspace deletes. True when the field took the key; other keys are left to
    the screen's bindings."""
    if event.key == "enter":
        await field.action_submit()  # marks a prompt's field submitted
    elif event.key == "backspace":
        field.untouched = False
        field.action_delete_left()
    elif event.is_printable and event.character:
        _type(field, event.character)
    else:
        return False
    event.stop()
    event.prevent_default()
    return True


def pass_early_paste(field: TextField, event: Paste) -> bool:
    """A paste for ``field`` in the order typed (``tui.key_order``): its first line is typed
    into the field as ``Input`` pastes (a field is one line). True when it took it."""
    line = event.text.splitlines()[0] if event.text else ""
    if line:
        _type(field, line)
    event.stop()
    return True


def _type(field: TextField, text: str) -> None:
    """Type ``text`` into the field: over the selection, or over a prefilled value that the
    first key typed replaces (a prompt not shown yet, whose value is not selected yet)."""
    if field.untouched and field.replace_on_type:
        field.value = ""
    field.untouched = False
    field.replace_on_type = False
    selection = field.selection
    if selection.is_empty:
        field.insert_text_at_cursor(text)
    else:
        field.replace(text, *selection)
