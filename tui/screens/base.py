"""SaywhoScreen: the frame every main screen shares (header, warning banner, status bar)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from tui.editor import Outcome
from tui.widgets.status import Banner, StatusBar

if TYPE_CHECKING:
    from tui.app import SaywhoApp


class SaywhoScreen(Screen[None]):
    """A main screen: shows the project's warnings and the state of the last edit."""

    @property
    def saywho(self) -> SaywhoApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        """Show warnings and the last save state."""
        self.refresh_banner()
        self.refresh_save_state()

    def on_screen_resume(self) -> None:
        """Back on top: show the current save state."""
        self.refresh_save_state()

    def refresh_banner(self) -> None:
        """Read-only reason and damaged-file messages."""
        project = self.saywho.project
        lines = []
        if project.read_only:
            lines.append(f"READ-ONLY: {project.read_only_reason or 'edits are refused'}")
        lines.extend(f"⚠ {msg}" for msg in project.damaged)
        for banner in self.query(Banner):
            banner.show_messages(lines)

    def refresh_save_state(self) -> None:
        """Mirror the app's save state in this screen's status bar."""
        state, message = self.saywho.save_state
        for bar in self.query(StatusBar):
            bar.set_save(state, message)

    def edit_finished(self, outcome: Outcome) -> None:
        """An edit reached the disk (or failed); screens showing that document refresh."""
