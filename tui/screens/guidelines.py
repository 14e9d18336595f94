"""GuidelinesScreen: the team's coding guidelines (``guidelines.md``) beside the work.

Shown with Textual's Markdown widget over text already neutralised by
``annotations.guidelines``; ``e`` opens the file in ``$VISUAL``/``$EDITOR`` (the app is
suspended meanwhile, as a shell would) and shows it again when the editor closes.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Markdown

from annotations.errors import SaywhoError
from annotations.guidelines import read_guidelines, start_guidelines
from tui.plain import say
from tui.screens.dialog import Dialog

NONE_YET = "*No guidelines yet.* Press **e** to write `guidelines.md` for the team."


class GuidelinesScreen(Dialog[None]):
    """The guidelines as Markdown; ``e`` edits them, Esc or q closes."""

    DEFAULT_CSS = """
    GuidelinesScreen { align: center middle; }
    GuidelinesScreen > Vertical {
        width: 90%; max-width: 110; height: 90%; border: round $accent; background: $surface;
    }
    GuidelinesScreen #guidelines-title { padding: 0 1; text-style: bold; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close the guidelines", id="guidelines.close"),
        Binding("e", "edit", "Edit the guidelines in $EDITOR", id="guidelines.edit"),
    ]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = Path(folder)

    def compose(self) -> ComposeResult:
        """Title and the rendered guidelines."""
        with Vertical():
            yield Label("Guidelines · e edit · esc close", id="guidelines-title")
            with VerticalScroll():
                yield Markdown(self._text(), id="guidelines")

    def _text(self) -> str:
        try:
            return read_guidelines(self.folder) or NONE_YET
        except SaywhoError as exc:
            return f"**{exc.title}**: {exc.message}"

    def action_close(self) -> None:
        """Back to the work."""
        self.dismiss(None)

    def action_edit(self) -> None:
        """Edit ``guidelines.md`` in the user's editor, then show it again."""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            say(self, "Set $EDITOR (or $VISUAL) to edit the guidelines here; the file is "
                f"{self.folder / 'guidelines.md'}", title="No editor", severity="warning")
            return
        try:
            path = start_guidelines(self.folder)
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), str(path)], check=False)
        except SuspendNotSupported:
            say(self, f"This terminal cannot hand over to an editor; edit {path} there",
                title="Editor", severity="warning")
            return
        except (OSError, ValueError) as exc:
            say(self, f"The editor did not start: {exc}", title="Editor", severity="error")
            return
        self.query_one("#guidelines", Markdown).update(self._text())
