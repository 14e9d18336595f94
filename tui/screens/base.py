"""SaywhoScreen: the frame every main screen shares (header, warning banner, status bar).

A main screen is built with the ``SessionBridge``; it follows the save state and the project's
warnings through the bridge's signals and reads through the bridge, never through the app.
"""

from __future__ import annotations

from textual.screen import Screen

from annotations.display import count, visible, visible_line
from tui.bridge import SaveState, SessionBridge
from tui.widgets.status import Banner, StatusBar

BANNER_MESSAGES = 3  # warnings the band shows at most, the last saying how many more there are


class SaywhoScreen(Screen[None]):
    """A main screen: shows the project's warnings and the state of the last save."""

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self._status_bars: list[StatusBar] = []

    def on_mount(self) -> None:
        """Show warnings and the last save state; follow the save state from now on."""
        self.bridge.save_states.subscribe(self, self.show_save_state)
        self.refresh_banner()
        self.show_save_state(self.bridge.save_state)

    def refresh_banner(self) -> None:
        """Read-only reason and damaged-file messages."""
        session = self.bridge.session
        lines = []
        if session.read_only:
            lines.append(f"READ-ONLY: {visible(session.read_only_reason or 'edits are refused')}")
        warnings = [f"⚠ {visible(msg)}" for msg in session.damaged]
        room = BANNER_MESSAGES - len(lines)
        if len(warnings) > room:  # the band has a few lines: the rest is counted, never hidden
            more = len(warnings) - (room - 1)
            warnings = [*warnings[:room - 1],
                        f"⚠ and {count(more, 'more warning')} (saywho stats prints them all)"]
        lines.extend(warnings)
        for banner in self.query(Banner):
            banner.show_messages(lines)

    def show_save_state(self, save: SaveState) -> None:
        """Mirror the bridge's save state in this screen's status bar."""
        bars = self._status_bars
        if not bars or not all(bar.is_attached for bar in bars):  # a query per save is costly
            bars = self._status_bars = list(self.query(StatusBar))
        for bar in bars:
            bar.set_save(save.state, visible_line(save.message))

    def document_in_view(self) -> str | None:
        """The document this screen is about (``None``: none in particular)."""
        return None

    def undo_scope(self) -> tuple[str, str] | None:
        """The document and layer whose edits ``u`` undoes here (``None``: none: undo acts
        only where its effect is in view). Asked for by the footer too: it changes nothing
        (``before_undo`` does what must happen first)."""
        return None

    def before_undo(self) -> None:
        """Bring into view what an undo or redo asked for now acts on (nothing here)."""

    def offers(self, action: str) -> bool:
        """Whether the footer lists ``action``'s key here: undo and redo only where an edit
        can be undone (a key that only says why it refuses is not offered)."""
        return action not in ("undo", "redo") or self.undo_scope() is not None

    def refused(self) -> bool:
        """Say so and return True when the project is read-only."""
        return self.bridge.refused(self)
