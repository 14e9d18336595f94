"""ProgressScreen: the team's progress per annotator (``P``).

Per annotator: documents assigned, done, in progress, remaining, quotes reviewed, the time of
the last edit, and agreement so far on the documents two or more annotators marked done. The
figures and their rules are the domain's (``annotations.progress``); computing them reads the
corpus index (checked against the layer files, a ``stat`` each) and the layers of the documents
done by two or more, so it runs in a thread worker while the screen says "computing…". The screen
computes again when the live project says another annotator's progress changed, and after this
annotator's own status changes.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from annotations import team
from annotations.display import count, visible
from annotations.errors import SaywhoError
from annotations.events import DocumentsAdded, Event
from annotations.live import LiveEvent, TeamProgressChanged
from annotations.progress import TeamProgress, team_progress
from tui.actions import PROGRESS, bindings
from tui.bridge import SessionBridge
from tui.outcome import Outcome
from tui.progress_table import legend, progress_table
from tui.screens.base import SaywhoScreen
from tui.widgets.keybar import KeyBar
from tui.widgets.status import Banner, StatusBar


def progress_summary(progress: TeamProgress) -> Text:
    """The head: documents, assigned, what agreement is computed on, warnings."""
    text = Text(no_wrap=False)
    text.append(f"{count(progress.documents, 'document')} · {progress.assigned_documents} "
                f"assigned · {count(len(progress.annotators), 'annotator')} · agreement on "
                f"{count(len(progress.compared_documents), 'document')} done by two or more")
    if not progress.annotators:
        text.append("\nNo assignments or statuses yet: `saywho assign --annotators A,B` "
                    "assigns documents; `d` in the reader marks one done.", "dim")
    for line in legend(progress):
        text.append(f"\n{line}", "dim")
    for line in progress.agreement_lines():
        text.append(f"\n{visible(line)}", "dim")
    for msg in progress.warnings:
        text.append(f"\n⚠ {visible(msg)}", "bold")
    return text


class ProgressScreen(SaywhoScreen):
    """Every annotator's progress; ``r`` computes again, Esc goes back."""

    BINDINGS = bindings(PROGRESS)

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__(bridge)
        self.progress: TeamProgress | None = None
        self._asked = 0

    def compose(self) -> ComposeResult:
        """Header, summary, the table, status bar, footer."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        with VerticalScroll(id="progress-body"):
            yield Static("computing…", id="progress-summary")
            yield Static("", id="progress-table")
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Start computing; follow other processes' progress and this annotator's statuses."""
        super().on_mount()
        self.sub_title = self.app.sub_title = "team progress"
        self.bridge.session_events.subscribe(self, self.session_event)
        self.bridge.outcomes.subscribe(self, self.change_saved)
        self.action_reload()

    def on_screen_resume(self) -> None:
        """Back on top: figures may have changed meanwhile."""
        self.app.sub_title = "team progress"
        self.action_reload()

    def session_event(self, event: Event | LiveEvent) -> None:
        """Another annotator's progress (or the document list) changed: compute again."""
        if isinstance(event, TeamProgressChanged | DocumentsAdded) and self.is_current:
            self.action_reload()

    def change_saved(self, outcome: Outcome) -> None:
        """A status set here (from a reader below) is saved: compute again."""
        if outcome.ok and isinstance(outcome.result, team.StatusChange) and self.is_current:
            self.action_reload()

    def action_reload(self) -> None:
        """Compute the figures again."""
        self._asked += 1
        self.query_one("#progress-summary", Static).update("computing…")
        self._compute(self._asked)

    @work(thread=True, exclusive=True, group="progress")
    def _compute(self, asked: int) -> None:
        try:
            found: TeamProgress | SaywhoError = team_progress(self.bridge.session)
        except SaywhoError as exc:
            found = exc
        self.app.call_from_thread(self.show_progress, found, asked)

    def show_progress(self, found: TeamProgress | SaywhoError, asked: int = 0) -> None:
        """Draw the figures (a later request's answer wins)."""
        if asked and asked != self._asked:
            return
        summary = self.query_one("#progress-summary", Static)
        if isinstance(found, SaywhoError):
            summary.update(Text(f"⚠ {visible(found.message)}", "bold"))
            return
        self.progress = found
        summary.update(progress_summary(found))
        self.query_one("#progress-table", Static).update(
            progress_table(found, self.bridge.annotator, expand=False, box=None,
                           padding=(0, 1), header_style="bold"))
        done = sum(r.done_total for r in found.annotators)
        self.query_one(StatusBar).set_position(
            visible(f"{count(len(found.annotators), 'annotator')} · {done} done "))

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()
