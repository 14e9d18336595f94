"""LibraryScreen: the project's documents with review progress; search, filter, open.

Drawn from the corpus index alone (``Session.corpus_view``, ``annotations.corpus_index``): no
layer is read until a document is opened, so opening the library costs about the same at 100,000
documents as at 1,000. The list builds a row only when it comes into view; the progress rule
(what counts as reviewed, what is done) is the domain's (``annotations.layer_summary.DocStats``,
read from the index). The index is trusted for the first frame and checked against the layer
files in a thread afterwards (``verify_in_background``); what it finds stale is rebuilt and the
list redrawn. The screen follows saved edits and imports through the bridge (also imports by
another process, which the live project reports). The annotator's assigned documents come first
(``annotations.team.order_for``, marked ``●``), then the others; each row says the annotator's
status of the document (not started, in progress, done).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar, overload

from rich.text import Text
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from annotations import team
from annotations.corpus_index import CorpusView
from annotations.display import visible, visible_line
from annotations.errors import SaywhoError
from annotations.events import DocumentsAdded, Event, LayerStored, SchemeChanged
from annotations.layer_summary import DocStats
from annotations.live import LiveEvent, TeamProgressChanged
from annotations.metadata import iso_date, meta_get, meta_line
from annotations.session import Session
from annotations.store.collector import freeze_held_once
from tui.actions import LIBRARY, bindings
from tui.bridge import SessionBridge
from tui.messages import OpenDocument
from tui.outcome import Outcome
from tui.plain import plain
from tui.screens.base import SaywhoScreen
from tui.widgets.field import TextField
from tui.widgets.keybar import KeyBar
from tui.widgets.rowlist import RowList
from tui.widgets.status import Banner, StatusBar

if TYPE_CHECKING:
    from textual.screen import Screen

# to review: quotes left unreviewed; reviewed: none left; done / not done: the annotator's
# status of the document (the status column), which also means checked for missed quotes
FILTERS = ("all", "to review", "reviewed", "not done", "done")
ORDERS = ("project", "date", "outlet")  # the library's order: the project's, or by metadata
STATUS_LABEL = {team.NOT_STARTED: "not started", team.IN_PROGRESS: "in progress",
                team.DONE: "done"}
STATUS_STYLE = {team.NOT_STARTED: "dim", team.IN_PROGRESS: "", team.DONE: "bold"}
VERIFY_SLICE = 250  # documents checked per hold of the session's lock (a few ms)
VERIFY_PAUSE = 0.002  # seconds between two slices: keys and saves go first
VERIFY_DELAY = 0.5  # seconds after the first frame before the check starts

T = TypeVar("T")


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A text bar such as ``██████░░░░``."""
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


class LazyRows(Sequence[T]):
    """``make(doc_id)`` for each of ``ids``, built when asked for (no object per document up
    front)."""

    def __init__(self, ids: Sequence[str], make: Callable[[str], T]) -> None:
        self._ids = ids
        self._make = make

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._make(d) for d in self._ids[index]]
        return self._make(self._ids[index])

    def __iter__(self) -> Iterator[T]:
        return (self._make(d) for d in self._ids)


class LazyStatuses(Mapping[str, str]):
    """Document id -> the annotator's status, read from the view when asked for."""

    def __init__(self, view: CorpusView | None, ids: Sequence[str]) -> None:
        self._view = view
        self._ids = ids

    def __getitem__(self, doc_id: str) -> str:
        if self._view is None or doc_id not in self._view:
            raise KeyError(doc_id)
        return self._view.status(doc_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def verify_in_background(screen: Screen[None], bridge: SessionBridge, layer: str | None,
                         changed: Callable[[list[str]], None]) -> None:
    """Check the corpus index of ``layer`` against the layer files in a thread, a slice of
    documents per hold of the session's lock; ``changed`` gets (on the UI thread) the documents
    whose summaries were rebuilt. Once per layer per session: later writes keep it current."""
    session = bridge.session
    index = session.project.summary_index
    name = layer or session.annotator
    if name in index.verified:
        return
    index.verified.add(name)

    def run() -> None:
        worker = get_current_worker()
        time.sleep(VERIFY_DELAY)
        ids = session.document_ids()
        found: list[str] = []
        try:
            for start in range(0, len(ids), VERIFY_SLICE):
                if worker.is_cancelled:
                    index.verified.discard(name)
                    return
                found += session.verify_summaries(layer, ids[start:start + VERIFY_SLICE])
                time.sleep(VERIFY_PAUSE)
        except Exception:  # noqa: BLE001 - a cache check: it runs again at the next start
            index.verified.discard(name)
            return
        if found and not worker.is_cancelled:
            with contextlib.suppress(RuntimeError):  # the app is gone meanwhile
                screen.app.call_from_thread(changed, found)

    screen.run_worker(run, thread=True, group="index-verify", name="index-verify",
                      exit_on_error=False)


class LibraryScreen(SaywhoScreen):
    """Every document with its progress; Enter opens one in the reader."""

    BINDINGS = bindings(LIBRARY)

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__(bridge)
        self.view: CorpusView | None = None
        self.order: Sequence[str] = []  # every document, assigned ones first
        self.shown_ids: Sequence[str] = []  # those the search and filter let through
        self.filter = "all"
        self.sort = "project"  # ``ORDERS``
        self._sorted: tuple[str, object, Sequence[str]] | None = None  # (sort, view, ids)
        self.query_text = ""
        self.assigned: set[str] = set()  # the annotator's assigned documents
        self.totals: tuple[int, int] | None = None  # quotes, reviewed over every document
        self._fresh = False  # loaded by on_mount: the resume that follows a push has nothing new
        self._search_opening = False  # `/` pressed, the focus not yet on the search field

    # ------------------------------------------------------------------ what it shows
    @property
    def stats(self) -> Sequence[DocStats]:
        """Every document's progress, in the library's order (built when read)."""
        return LazyRows(self.order, self._stats)

    @property
    def shown(self) -> Sequence[DocStats]:
        """The progress of the documents listed now (search and filter applied)."""
        return LazyRows(self.shown_ids, self._stats)

    @property
    def statuses(self) -> Mapping[str, str]:
        """Document id -> the annotator's status."""
        return LazyStatuses(self.view, self.order)

    def _stats(self, doc_id: str) -> DocStats:
        assert self.view is not None
        return self.view.stats(doc_id)

    def compose(self) -> ComposeResult:
        """Header, banner, search field, document list, status, footer."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        yield Static(id="library-head")
        yield TextField(placeholder="search titles, ids, outlets, dates…", id="search")
        yield RowList(id="docs")
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Load progress and focus the list."""
        super().on_mount()
        self.app.sub_title = "library"
        self.bridge.session_events.subscribe(self, self.session_event)
        self.bridge.outcomes.subscribe(self, self._status_saved)
        self.bridge.layer_switched.subscribe(self, lambda _name: self.reload())
        self.reload()
        self._fresh = True
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
        if self._fresh:  # the resume of the push that mounted it: just read
            self._fresh = False
            return
        self.reload()

    def reload(self) -> None:
        """Read every document's progress from the corpus index (no layer is read)."""
        self.view, self.order, self.assigned = self.bridge.read(self._read)
        freeze_held_once("corpus index")  # read once, held for the session (see its doc)
        self.refresh_banner()  # the index may have found damaged files
        self._refill()
        # summed over the corpus once the rows are on screen (the last sums show till then):
        # a thread started before the first frame would take the interpreter from it
        self.call_after_refresh(self._count, self.view)
        verify_in_background(self, self.bridge, self.bridge.active_layer, self._rebuilt)

    def _read(self, session: Session) -> tuple[CorpusView, Sequence[str], set[str]]:
        view = session.corpus_view(self.bridge.active_layer)
        me = session.annotator
        try:
            mine = team.assigned_to(session, me) if team.assignment(session) else []
            order = team.order_for(session, me, view.doc_ids) if mine else view.doc_ids
        except SaywhoError:  # a damaged assignments file: every document, project order
            mine, order = [], view.doc_ids
        return view, order, set(mine)

    def _rebuilt(self, _doc_ids: list[str]) -> None:
        """The background check rebuilt stale summaries: draw them."""
        if self.is_mounted:
            self.reload()

    def document_in_view(self) -> str | None:
        """The highlighted document."""
        return self.highlighted

    def action_toggle_done(self) -> None:
        """Mark the highlighted document done (checked for missed quotes) / back to in
        progress, as `d` does in the reader."""
        doc_id = self.highlighted
        if doc_id is None or self.view is None or self.bridge.refused(self):
            return
        status = team.IN_PROGRESS if self.view.status(doc_id) == team.DONE else team.DONE
        self.bridge.change(team.status_words(status, self.view.title(doc_id)),
                           lambda s: team.set_status(s, doc_id, status))

    def _status_saved(self, outcome: Outcome) -> None:
        """A status saved (here or in a reader): the status column and filters follow."""
        if (self.is_current and outcome.ok
                and isinstance(outcome.result, team.StatusChange)):
            self.reload()

    @property
    def highlighted(self) -> str | None:
        """The id of the highlighted document, if any."""
        if not self.shown_ids:
            return None
        try:
            index = self.query_one("#docs", RowList).index
        except NoMatches:  # asked (by the live watcher's tick) while mounting or closing
            return None
        return self.shown_ids[min(index, len(self.shown_ids) - 1)]

    def _refill(self) -> None:
        view = self.view
        if view is None:
            return
        needle = self.query_text.casefold().strip()
        ordered = self._ordered(view)
        if not needle and self.filter == "all":
            shown = ordered
        else:
            shown = []
            for doc_id in ordered:
                if needle and needle not in view.title(doc_id).casefold() \
                        and needle not in doc_id.casefold() \
                        and not any(needle in v.casefold() for _, v in view.meta(doc_id)):
                    continue
                if self.filter in ("to review", "reviewed"):
                    quotes, reviewed = view.counts(doc_id)
                    if (self.filter == "reviewed") != (reviewed == quotes):
                        continue
                elif self.filter in ("done", "not done") and (
                        (self.filter == "done") != (view.status(doc_id) == team.DONE)):
                    continue
                shown.append(doc_id)
        self.shown_ids = shown
        docs = self.query_one("#docs", RowList)
        docs.set_lazy_rows(len(shown), self._row)
        docs.border_title = "Documents"
        self._show_subtitle()
        self._show_head()
        self.query_one(StatusBar).set_position(
            visible(f"annotator: {self.bridge.annotator} · layer: {self.bridge.layer_shown} "))

    def _count(self, view: CorpusView) -> None:
        """The corpus totals for the head line, summed in a thread (a pass over every
        document's summary: 30-60 ms at 100,000 documents), so the list shows at once."""

        def run() -> None:
            totals = self.bridge.read(lambda _session: view.totals())  # never mid-change
            with contextlib.suppress(RuntimeError):  # the app is gone meanwhile
                self.app.call_from_thread(self._counted, view, totals)

        self.run_worker(run, thread=True, group="library-totals", exclusive=True,
                        exit_on_error=False)

    def _counted(self, view: CorpusView, totals: tuple[int, int]) -> None:
        if view is self.view and self.is_mounted:
            self.totals = totals
            self._show_head()

    def _show_head(self) -> None:
        mine = f"{len(self.assigned)} assigned to you · " if self.assigned else ""
        if self.totals is None:
            counted = "counting quotes…"
        else:
            total, reviewed = self.totals
            counted = f"{reviewed}/{total} quotes reviewed"
        needle = self.query_text.casefold().strip()
        order = f" · order: {self.sort}" if self.sort != "project" else ""
        head = f"{len(self.order)} documents · {mine}{counted} · filter: {self.filter}{order}" + (
            f" · search: {self.query_text}" if needle else "")
        self.query_one("#library-head", Static).update(plain(head))

    def _row(self, index: int) -> Text:
        """Row ``index`` of the list, built when it comes into view."""
        view = self.view
        assert view is not None
        doc_id = self.shown_ids[index]
        quotes, reviewed = view.counts(doc_id, index)  # a hint the index checks: right unfiltered
        status = view.status(doc_id)
        row = Text(no_wrap=True)
        pct = f"{100 * reviewed // quotes:>3}%" if quotes else "  —"
        row.append("● " if doc_id in self.assigned else "  ", "bold")
        row.append("✓ " if quotes > 0 and reviewed == quotes else "  ", "bold")
        row.append(f"{progress_bar(reviewed, quotes)} {pct} ")
        row.append(f"{reviewed:>4}/{quotes:<4} ", "dim")
        row.append(f"{STATUS_LABEL.get(status, status):<11} ", STATUS_STYLE.get(status, ""))
        row.append(visible(view.title(doc_id)), "bold")
        about = meta_line(view.meta(doc_id))
        if about:
            row.append(f"  {visible_line(about)}", "dim")
        return row

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        """The highlighted document's outlet and date in the list's foot (a long title hides
        them at the end of its row at 80 columns)."""
        if event.rows.id == "docs":
            self._show_subtitle()

    def _show_subtitle(self) -> None:
        docs = self.query_one("#docs", RowList)
        doc_id, view = self.highlighted, self.view
        about = meta_line(view.meta(doc_id)) if doc_id is not None and view is not None else ""
        count = f"{len(self.shown_ids)} of {len(self.order)}"
        docs.border_subtitle = plain(f"{about} · {count}" if about else count)

    def action_open_doc(self) -> None:
        """Open the highlighted document."""
        doc_id = self.highlighted
        if doc_id is not None:
            self.post_message(OpenDocument(doc_id))

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Enter or click opens a document."""
        event.stop()
        if event.index < len(self.shown_ids):
            self.post_message(OpenDocument(self.shown_ids[event.index]))

    def action_search(self) -> None:
        """Show and focus the search field."""
        search = self.query_one("#search", TextField)
        search.add_class("-shown")
        self._search_opening = True  # the focus moves after this: keys typed till then are its
        search.focus()

    def early_field(self) -> TextField | None:
        """Where keys typed with the `/` that opened the search belong (the app hands them
        over: ``tui.key_order``), not to the list's bindings ("/quit" typed fast quit)."""
        search = self.query_one("#search", TextField)
        if self.focused is search:
            self._search_opening = False  # the focus has come: from now on it decides
        shown = search.has_class("-shown")
        return search if shown and (self._search_opening or self.focused is search) else None

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as the user types."""
        self.query_text = event.value
        self._refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search field goes to the list (keys typed after Enter are the
        list's: the app holds them till then)."""
        self._search_opening = False
        search = self.query_one("#search", TextField)
        self.set_focus(self.query_one("#docs", RowList))
        if self.focused is search:  # the list took no focus: typing goes on in the field
            search.submitted = False

    def action_clear_search(self) -> None:
        """Clear and hide the search; with none to clear, back to the document last read."""
        search = self.query_one("#search", Input)
        if not search.has_class("-shown") and not self.query_text:
            place = self.bridge.read(lambda s: s.last_position())
            if place is not None and self.bridge.read(lambda s: s.has_document(place.doc_id)):
                self.post_message(OpenDocument(place.doc_id, place.quote_id))
            return
        search.value = ""
        search.remove_class("-shown")
        self._search_opening = False
        self.query_text = ""
        self._refill()
        self.query_one("#docs", RowList).focus()

    def _ordered(self, view: CorpusView) -> Sequence[str]:
        """The documents in the order chosen (``ORDERS``): the project's (assigned ones
        first), or by date or outlet (assigned ones first still; those without it last),
        sorted once per order and read of the index."""
        if self.sort == "project":
            return self.order
        if self._sorted is None or self._sorted[:2] != (self.sort, view):
            key = self.sort
            assigned = self.assigned

            def rank(doc_id: str) -> tuple[bool, bool, str]:
                value = meta_get(view.meta(doc_id), key)
                if key == "date":
                    value = iso_date(value) or value
                return (doc_id not in assigned, not value, value.casefold())

            self._sorted = (self.sort, view, sorted(self.order, key=rank))
        return self._sorted[2]

    def action_cycle_order(self) -> None:
        """The project's order → by date → by outlet (the articles' metadata)."""
        self.sort = ORDERS[(ORDERS.index(self.sort) + 1) % len(ORDERS)]
        self._refill()
        self.query_one("#docs", RowList).select(0, notify=True)

    def action_cycle_filter(self) -> None:
        """All → to review (quotes left) → reviewed (none left) → not done → done (the
        document's status)."""
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._refill()
