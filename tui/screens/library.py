"""LibraryScreen: the project's documents with review progress; search, filter, open.

The progress rule (what counts as reviewed, what is done) is the domain's
(``annotations.stats.document_stats``); this screen shows it and follows saved edits and
imports through the bridge (also imports by another process, which the live project reports).
The annotator's assigned documents come first (``annotations.team.order_for``, marked ``●``),
then the others; each row says the annotator's status of the document (not started, in
progress, done).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Header, Input, Static

from annotations import team
from annotations.display import visible
from annotations.errors import SaywhoError
from annotations.events import DocumentsAdded, Event, LayerStored, SchemeChanged
from annotations.live import LiveEvent, TeamProgressChanged
from annotations.session import Session
from annotations.stats import DocStats, document_stats
from tui.actions import LIBRARY, bindings
from tui.bridge import SessionBridge
from tui.messages import OpenDocument
from tui.plain import plain
from tui.screens.base import SaywhoScreen
from tui.widgets.keybar import KeyBar
from tui.widgets.rowlist import RowList
from tui.widgets.status import Banner, StatusBar

FILTERS = ("all", "to review", "done")  # done: every quote reviewed (or none to review)
STATUS_LABEL = {team.NOT_STARTED: "not started", team.IN_PROGRESS: "in progress",
                team.DONE: "done"}
STATUS_STYLE = {team.NOT_STARTED: "dim", team.IN_PROGRESS: "", team.DONE: "bold"}


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A text bar such as ``██████░░░░``."""
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


class LibraryScreen(SaywhoScreen):
    """Every document with its progress; Enter opens one in the reader."""

    BINDINGS = bindings(LIBRARY)

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__(bridge)
        self.stats: list[DocStats] = []
        self.shown: list[DocStats] = []
        self.filter = "all"
        self.query_text = ""
        self.statuses: dict[str, str] = {}  # doc id -> the annotator's status
        self.assigned: set[str] = set()  # the annotator's assigned documents

    def compose(self) -> ComposeResult:
        """Header, banner, search field, document list, status, footer."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        yield Static(id="library-head")
        yield Input(placeholder="search titles…", id="search")
        yield RowList(id="docs")
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Load progress and focus the list."""
        super().on_mount()
        self.app.sub_title = "library"
        self.bridge.session_events.subscribe(self, self.session_event)
        self.bridge.layer_switched.subscribe(self, lambda _name: self.reload())
        self.reload()
        self.query_one("#docs", RowList).focus()

    def session_event(self, event: Event | LiveEvent) -> None:
        """Documents imported (here or by another process), layers stored or assignments
        changed while the library is open: show them."""
        if not self.is_current:
            return
        if isinstance(event, DocumentsAdded | LayerStored | SchemeChanged) or (
            isinstance(event, TeamProgressChanged) and event.assignments
        ):
            self.reload()

    def on_screen_resume(self) -> None:
        """Coming back from a reader: progress may have changed."""
        self.app.sub_title = "library"
        self.reload()

    def reload(self) -> None:
        """Re-read every document's progress."""
        self.stats = self.bridge.read(self._progress)
        self.refresh_banner()  # reading every layer may have found damaged files
        self._refill()

    def _progress(self, session: Session) -> list[DocStats]:
        layer = self.bridge.active_layer
        infos = {info.id: info for info in session.documents()}
        me = session.annotator
        try:
            order = team.order_for(session, me, list(infos))
            self.assigned = set(team.assigned_to(session, me))
        except SaywhoError:  # a damaged assignments file: every document, project order
            order, self.assigned = list(infos), set()
        explicit = team.statuses(session).explicit.get(me, {})
        self.statuses = {d: team.document_status(session, d, me, explicit).status
                         for d in order}
        return document_stats((infos[d], session.layer(d, layer)) for d in order)

    def document_in_view(self) -> str | None:
        """The highlighted document."""
        return self.highlighted

    @property
    def highlighted(self) -> str | None:
        """The id of the highlighted document, if any."""
        if not self.shown:
            return None
        return self.shown[min(self.query_one("#docs", RowList).index, len(self.shown) - 1)].doc_id

    def _refill(self) -> None:
        needle = self.query_text.casefold().strip()
        shown = [
            s for s in self.stats
            if (not needle or needle in s.title.casefold() or needle in s.doc_id.casefold())
            and (self.filter == "all" or (self.filter == "done") == (s.reviewed == s.quotes))
        ]
        self.shown = shown
        rows = []
        for s in shown:
            row = Text(no_wrap=True)
            pct = f"{100 * s.reviewed // s.quotes:>3}%" if s.quotes else "  —"
            status = self.statuses.get(s.doc_id, team.NOT_STARTED)
            row.append("● " if s.doc_id in self.assigned else "  ", "bold")
            row.append("✓ " if s.done else "  ", "bold")
            row.append(f"{progress_bar(s.reviewed, s.quotes)} {pct} ")
            row.append(f"{s.reviewed:>4}/{s.quotes:<4} ", "dim")
            row.append(f"{STATUS_LABEL.get(status, status):<11} ", STATUS_STYLE.get(status, ""))
            row.append(visible(s.title), "bold")
            rows.append(row)
        docs = self.query_one("#docs", RowList)
        docs.set_rows(rows)
        docs.border_title = "Documents"
        docs.border_subtitle = f"{len(shown)} of {len(self.stats)}"
        total = sum(s.quotes for s in self.stats)
        reviewed = sum(s.reviewed for s in self.stats)
        mine = f"{len(self.assigned)} assigned to you · " if self.assigned else ""
        head = f"{len(self.stats)} documents · {mine}{reviewed}/{total} quotes reviewed · " \
               f"filter: {self.filter}" + (f" · search: {self.query_text}" if needle else "")
        self.query_one("#library-head", Static).update(plain(head))
        self.query_one(StatusBar).set_position(
            visible(f"annotator: {self.bridge.annotator} · layer: {self.bridge.layer_shown} "))

    def action_open_doc(self) -> None:
        """Open the highlighted document."""
        doc_id = self.highlighted
        if doc_id is not None:
            self.post_message(OpenDocument(doc_id))

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Enter or click opens a document."""
        event.stop()
        if event.index < len(self.shown):
            self.post_message(OpenDocument(self.shown[event.index].doc_id))

    def action_search(self) -> None:
        """Show and focus the search field."""
        search = self.query_one("#search", Input)
        search.add_class("-shown")
        search.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as the user types."""
        self.query_text = event.value
        self._refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search field goes to the list."""
        self.query_one("#docs", RowList).focus()

    def action_clear_search(self) -> None:
        """Clear and hide the search."""
        search = self.query_one("#search", Input)
        search.value = ""
        search.remove_class("-shown")
        self.query_text = ""
        self._refill()
        self.query_one("#docs", RowList).focus()

    def action_cycle_filter(self) -> None:
        """All → to review → done."""
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._refill()
