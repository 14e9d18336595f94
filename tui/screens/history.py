"""HistoryScreen: this annotator's edits across the corpus, newest first (``H``).

Each row says when (relative: "2 min ago"), in which document, what changed in words
("stance of quote 4 → oppose", "undo: …"; worded by ``annotations.history_view``), and the layer
when it is not the annotator's own. Enter opens the reader at that document and quote (an
``OpenDocument`` message), showing the layer the edit was made in.

The journal can hold a hundred thousand entries, so it is never read whole: a
``JournalPager`` reads it backwards from its end in a thread worker, one page at a time. The
first page is a screenful; the next is read when the last rows come into view (by the cursor
or by scrolling). Back from the reader, the list is read again when the journal grew.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Header

from annotations.display import excerpt, visible_line
from annotations.errors import SaywhoError
from annotations.history_view import (
    HistoryItem,
    JournalPager,
    SessionLookup,
    ago,
    describe,
    history_pager,
)
from annotations.session import Session
from tui.actions import HISTORY, bindings
from tui.bridge import SessionBridge
from tui.messages import OpenDocument
from tui.plain import say
from tui.screens.base import SaywhoScreen
from tui.widgets.keybar import KeyBar
from tui.widgets.rowlist import RowList
from tui.widgets.status import Banner, StatusBar

PAGE = 40  # entries read at once: a screenful and some
NEAR_END = 5  # rows from the end at which the next page is read
TITLE_WIDTH = 28  # the title column at 80 columns; a wider list gives it a third of its width
TITLE_MAX = 70


def title_width(list_width: int) -> int:
    """The title column's width in a list ``list_width`` cells wide."""
    return min(max(TITLE_WIDTH, list_width // 3), TITLE_MAX)


def history_row(item: HistoryItem, now: datetime, width: int = TITLE_WIDTH) -> Text:
    """One row: ``   2 min ago  ICE targets SoCal…  stance of quote 4 → oppose`` (``width``:
    the title column's)."""
    row = Text(no_wrap=True)
    row.append(f"{ago(item.ts, now):>11}  ", "dim")
    title = excerpt(visible_line(item.title), width)
    row.append(f"{title:<{width}}  ", "bold")
    row.append(visible_line(item.what))
    if not item.own_layer:
        row.append(f"  · layer {visible_line(item.layer)}", "italic")
    return row


class HistoryList(RowList):
    """The history's rows; posts ``NearEnd`` when its last rows are drawn, so the screen can
    read the next page (whether the cursor or the mouse wheel brought them into view)."""

    DEFAULT_CSS = """
    HistoryList {
        height: 1fr;
        border: round $primary 40%;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        scrollbar-size-vertical: 1;
    }
    HistoryList:focus { border: round $accent; }
    """

    class NearEnd(Message):
        """The last rows are on screen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Your edits, newest first"
        self._asked_at = -1  # the row count a NearEnd was last posted for

    def render_line(self, y: int) -> Strip:
        """A row, after asking for more rows when it is one of the last."""
        if y + round(self.scroll_y) >= len(self.rows) - NEAR_END \
                and self._asked_at != len(self.rows):
            self._asked_at = len(self.rows)
            self.post_message(self.NearEnd())
        return super().render_line(y)


class HistoryScreen(SaywhoScreen):
    """Every edit, undo and redo of this annotator, newest first; Enter opens one."""

    BINDINGS = bindings(HISTORY)

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__(bridge)
        self.items: list[HistoryItem] = []
        self.done = False  # every entry of the journal is listed
        self._pager: JournalPager | None = None
        self._lookup: SessionLookup | None = None
        self._reading = False
        self._generation = 0
        self._now = datetime.now(UTC)
        self._keep: str | None = None  # the entry to put the cursor back on after a reload
        self._title_width = 0  # the title column the rows were drawn with

    def compose(self) -> ComposeResult:
        """Header, banner, the list, status bar, keys."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        yield HistoryList(id="history")
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Read the first page and focus the list."""
        super().on_mount()
        self.app.sub_title = "history"
        self.query_one(HistoryList).focus()
        self.action_reload()

    def on_resize(self) -> None:
        """A wider or narrower terminal: the title column follows."""
        rows = self.query_one(HistoryList)
        if self.items and title_width(rows.size.width) != self._title_width:
            self._fill(rows.index)

    def on_screen_resume(self) -> None:
        """Back from the reader: read again when edits were made meanwhile."""
        self.app.sub_title = "history"
        if self._pager is None or self._pager.stale():
            index = self.query_one(HistoryList).index
            self._keep = self.items[index].entry_id if index < len(self.items) else None
            self.action_reload()

    # ------------------------------------------------------------------ reading
    def action_reload(self) -> None:
        """Read the history again from its newest entry."""
        self._generation += 1
        self._pager = self._lookup = None
        self.done = self._reading = False
        self._now = datetime.now(UTC)
        self._read_more()

    def on_history_list_near_end(self, _message: HistoryList.NearEnd) -> None:
        """The last rows are in view: read the next page."""
        self._read_more()

    def _read_more(self) -> None:
        if self._reading or self.done:
            return
        self._reading = True
        self._read_page(self._generation, self._pager, self._lookup)

    @work(thread=True, group="history")
    def _read_page(
        self, generation: int, pager: JournalPager | None, lookup: SessionLookup | None
    ) -> None:
        """In a thread: the next page, described (each document's layer read once). The pager
        and lookup travel with the request, so a reload meanwhile cannot mix two readings."""

        def page(session: Session) -> tuple[list[HistoryItem], bool]:
            nonlocal pager, lookup
            if pager is None or lookup is None:
                pager, lookup = history_pager(session), SessionLookup(session)
            items = [item for entry in pager.page(PAGE)
                     if (item := describe(entry, lookup)) is not None]
            return items, pager.done

        try:
            found: tuple[list[HistoryItem], bool] | SaywhoError = self.bridge.read(page)
        except SaywhoError as exc:
            found = exc
        except OSError as exc:
            found = SaywhoError(f"the journal could not be read: {exc.strerror or exc}")
        self.app.call_from_thread(self._show_page, generation, pager, lookup, found)

    def _show_page(
        self,
        generation: int,
        pager: JournalPager | None,
        lookup: SessionLookup | None,
        found: tuple[list[HistoryItem], bool] | SaywhoError,
    ) -> None:
        """On the UI thread: add a page's rows (a page of an earlier reading is dropped)."""
        if generation != self._generation:
            return
        self._reading = False
        if isinstance(found, SaywhoError):
            self.done = True
            say(self, found.message, title=found.title, severity="error")
            return
        first = self._pager is None
        self._pager, self._lookup = pager, lookup
        items, self.done = found
        rows = self.query_one(HistoryList)
        index = rows.index
        if first:
            self.items = items
            keep, self._keep = self._keep, None
            index = next((i for i, it in enumerate(items) if it.entry_id == keep), 0)
        else:
            self.items.extend(items)
        self._fill(index)
        if not self.done and len(self.items) < rows.size.height:
            self._read_more()  # a tall terminal: fill the screen

    def _fill(self, index: int) -> None:
        rows = self.query_one(HistoryList)
        if not self.items:
            rows.set_rows([Text("No edits yet: your corrections will be listed here, "
                                "newest first.", "dim")])
        else:
            items, now = self.items, self._now
            width = self._title_width = title_width(rows.size.width)
            rows.set_lazy_rows(len(items), lambda i: history_row(items[i], now, width), index)
        more = "" if self.done else "+"
        rows.border_subtitle = f"{len(self.items)}{more}"
        self.query_one(StatusBar).set_position(
            f"{len(self.items)}{more} edits · annotator: {visible_line(self.bridge.annotator)} ")

    # ------------------------------------------------------------------ opening
    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Enter or a click on a row opens its document."""
        event.stop()
        self._open(event.index)

    def action_open_entry(self) -> None:
        """Open the highlighted edit's document at its quote."""
        self._open(self.query_one(HistoryList).index)

    def _open(self, index: int) -> None:
        if not 0 <= index < len(self.items):
            return
        item = self.items[index]
        if item.layer != self.bridge.layer_shown:
            self.bridge.switch_layer(item.layer)
            say(self, f"Showing layer {item.layer}: the edit was made there.", timeout=3)
        self.post_message(OpenDocument(item.doc_id, item.quote_id))

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()
