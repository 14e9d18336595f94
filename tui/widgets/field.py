"""TextField: the app's one text input, with a steady cursor.

A blinking cursor repaints its line twice a second for as long as the field has focus: traffic
on a slow SSH link for nothing, and a screen whose picture depends on the moment it is taken."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Input


class TextField(Input):
    """An ``Input`` whose cursor shows while it has focus and does not blink."""

    cursor_blink = reactive(False, init=False)
