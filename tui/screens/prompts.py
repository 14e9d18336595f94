"""Small modal dialogs: a one-line text prompt (notes, names, filters)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from tui.plain import plain
from tui.screens.dialog import Dialog
from tui.widgets.field import TextField


class TextPrompt(Dialog[str | None]):
    """Ask for one line of text; Enter returns it, Escape returns ``None``."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, value: str = "", hint: str = "Enter: save · Esc: cancel"):
        super().__init__()
        self.title_text = title
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        """Title, input and a hint line."""
        with Vertical(id="dialog"):
            yield Label(plain(self.title_text), id="dialog-title")
            field = TextField(value=self.value, id="prompt-input")
            # before mounting, for a key typed before then: Enter closes, and the first key
            # replaces the value offered
            field.closes_on_submit = field.replace_on_type = True
            yield field
            yield Label(self.hint, id="dialog-hint")

    def on_mount(self) -> None:
        """Focus the input now (not after the keys already sent), its value selected: typing
        replaces it."""
        field = self.query_one(TextField)
        self.set_focus(field)
        if field.untouched:  # keys typed before now are kept, not selected to be replaced
            field.select_all()
        field.replace_on_type = False  # from now on the selection says what typing replaces

    def early_field(self) -> TextField:
        """Where keys typed with the one that opened this screen belong (the app hands
        them over: ``tui.widgets.field.pass_early_key``)."""
        return self.query_one(TextField)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Return the text (keys typed after Enter are for the screen below: the field
        marked itself submitted, and the app holds them until this prompt has closed)."""
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Return nothing."""
        self.dismiss(None)
