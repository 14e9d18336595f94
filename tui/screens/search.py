"""SearchScreen: full-text search across every document of the project (``ctrl+f``).

The library's ``/`` filters titles; this screen finds words in the texts. The matching rule,
the snippets and the reading order are the domain's (``annotations.search``). A search runs in
a thread worker that reads one document at a time through the bridge (``SessionBridge.read``,
so never in the middle of a save) and hands hits to the UI thread in small batches as it finds
them: the first results show while the rest of the corpus is still being read, and keys are
never blocked. A newer query stops an older search (each search has a run number the thread
checks between hits). While the first query is typed, another worker reads every text once
(``read_ahead``: the store keeps them), so even a word only the last document holds is found
without reading a file. Typing searches after a short pause, Enter at once; Enter on a result
opens its document in the reader at the hit (``OpenDocument`` with the offset and the query,
which the reader highlights); Esc in the reader comes back here, Esc here closes the search.
"""

from __future__ import annotations

import time
from functools import partial

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widgets import Header, Input

from annotations.display import visible_line
from annotations.errors import SaywhoError
from annotations.search import Hit, fit_snippet, read_ahead, search_corpus
from tui.actions import SEARCH, bindings
from tui.bridge import SessionBridge
from tui.messages import OpenDocument
from tui.plain import plain
from tui.screens.base import SaywhoScreen
from tui.widgets.field import TextField
from tui.widgets.keybar import KeyBar
from tui.widgets.rowlist import RowList
from tui.widgets.status import Banner, StatusBar
from tui.widgets.textpanel import TextPanel

LIMIT = 1000  # results shown at most (the first ones in document order)
TYPING_PAUSE = 0.15  # seconds without a key before a typed query is searched
MIN_TYPED = 2  # characters a typed query needs before it searches by itself (Enter: any)
BATCH_EVERY = 0.05  # seconds: the thread hands hits over at most this often (the first at once)
FIRST_PAINT = 0.03  # seconds the thread waits after handing the first hits over
TITLE_WIDTH = 28
MARK = "bold reverse"


class SearchScreen(SaywhoScreen):
    """A query field and the hits across the corpus, streamed in as they are found."""

    BINDINGS = bindings(SEARCH)
    DEFAULT_CSS = """
    SearchScreen #search-query { height: 3; }
    SearchScreen #search-head { height: 1; padding: 0 1; color: $text-muted; }
    SearchScreen #hits { height: 1fr; border: round $primary 40%; }
    SearchScreen #hits:focus { border: round $accent; }
    """

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__(bridge)
        self.hits: list[Hit] = []
        self.searched: str | None = None  # the query whose results are shown
        self.running = False
        self.run = 0  # the current search's number; an older thread stops when it changes
        self.documents = 0  # documents with a hit so far
        self.skipped: list[str] = []
        self.started = 0.0
        self.first_ms: float | None = None  # query to first results handed over
        self._typing: Timer | None = None
        self.closed = False

    def compose(self) -> ComposeResult:
        """Header, banner, query field, what was found, the results, status, footer."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        yield TextField(placeholder="search the text of every document…", id="search-query")
        yield TextPanel(id="search-head")
        yield RowList(id="hits")
        yield StatusBar(id="status")
        yield KeyBar()

    def early_field(self) -> TextField | None:
        """Where keys typed with the one that opened the search belong (the app hands them
        over) while the query field has the focus."""
        field = self.query_one("#search-query", TextField)
        return field if self.focused in (None, field) else None

    def keys_wait(self) -> bool:
        """Keys wait (``KeyOrder``) while the results have the focus on the last hit found so
        far and the search still runs: Down Down Enter typed with the query reach the third
        hit, not the first one alone on the list yet."""
        rows = self.query_one("#hits", RowList)
        return self.running and self.focused is rows and rows.index >= len(self.hits) - 1

    def on_mount(self) -> None:
        """Focus the query field; read the texts ahead while the query is typed (the search
        then reads no file)."""
        super().on_mount()
        self.app.sub_title = "search"
        self.query_one(StatusBar).set_position(visible_line(
            f"annotator: {self.bridge.annotator} "))
        self._show_head()
        self.set_focus(self.query_one("#search-query", TextField))
        self.run_worker(partial(read_ahead, self.bridge, lambda: self.closed), thread=True,
                        group="read-ahead", name="read ahead", exit_on_error=False)

    def on_screen_resume(self) -> None:
        """Back from the reader: the results as they were."""
        self.app.sub_title = "search"

    def on_unmount(self) -> None:
        """Stop a search (and the read-ahead) still running."""
        self.run += 1
        self.closed = True

    # ------------------------------------------------------------------ searching
    def on_input_changed(self, event: Input.Changed) -> None:
        """Search once typing pauses."""
        event.stop()
        if self._typing is not None:
            self._typing.stop()
            self._typing = None
        query = event.value
        if len(query.strip()) >= MIN_TYPED or not query.strip():
            self._typing = self.set_timer(TYPING_PAUSE, partial(self._typed, query))

    def _typed(self, query: str) -> None:
        self._typing = None
        if query != self.searched:
            self.search(query)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: search now (unless these results are of this query) and go to them."""
        event.stop()
        if self._typing is not None:
            self._typing.stop()
            self._typing = None
        if event.value != self.searched:
            self.search(event.value)
        field = self.query_one("#search-query", TextField)
        if event.value.strip():
            self.set_focus(self.query_one("#hits", RowList))
        if self.focused is field:  # still here: keys typed after Enter are the query's
            field.submitted = False

    def search(self, query: str) -> None:
        """Start searching for ``query`` (stopping a search still running)."""
        self.run += 1
        self.searched = query
        self.hits, self.documents, self.skipped = [], 0, []
        self.first_ms = None
        self.running = bool(query.strip())
        self.query_one("#hits", RowList).set_rows([], index=0)
        self._show_head()
        if not self.running:
            return
        self.started = time.perf_counter()
        self.run_worker(partial(self._search_thread, self.run, query), thread=True,
                        group="search", name="corpus search", exit_on_error=False)

    def _search_thread(self, run: int, query: str) -> None:
        """In a worker thread: find, and hand the hits over in batches."""
        batch: list[Hit] = []
        skipped: list[str] = []
        handed: float | None = None  # when a batch was last handed over (None: not yet)
        error: SaywhoError | None = None
        try:
            for hit in search_corpus(self.bridge, query, limit=LIMIT, skipped=skipped):
                if run != self.run:
                    return  # a newer query, or the screen closed
                batch.append(hit)
                now = time.monotonic()
                if handed is None or now - handed >= BATCH_EVERY:  # the first hit at once
                    self._hand_over(run, batch, done=False)
                    if handed is None:  # let the UI paint it before the rest competes for the GIL
                        time.sleep(FIRST_PAINT)
                    batch, handed = [], now
        except SaywhoError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - the status bar says it, never a traceback
            error = SaywhoError(f"search failed: {type(exc).__name__}: {exc}", title="Search")
        self._hand_over(run, batch, done=True, skipped=skipped, error=error)

    def _hand_over(self, run: int, batch: list[Hit], *, done: bool,
                   skipped: list[str] | None = None, error: SaywhoError | None = None) -> None:
        """From the thread to the UI thread, without waiting for it."""
        self.post_message(events.Callback(callback=partial(
            self._found, run, list(batch), done, skipped or [], error)))

    def _found(self, run: int, batch: list[Hit], done: bool, skipped: list[str],
               error: SaywhoError | None) -> None:
        """On the UI thread: show a batch of hits."""
        if run != self.run or not self.is_mounted:
            return
        if batch:
            if self.first_ms is None:
                self.first_ms = (time.perf_counter() - self.started) * 1000
            last = self.hits[-1].doc_id if self.hits else None
            for hit in batch:
                if hit.doc_id != last:
                    self.documents += 1
                    last = hit.doc_id
            self.hits.extend(batch)
            rows = self.query_one("#hits", RowList)
            rows.set_lazy_rows(len(self.hits), self._row, index=rows.index)
        if done:
            self.running = False
            self.skipped = skipped
            if error is not None:
                self.query_one(StatusBar).set_save("error", visible_line(error.message))
        self._show_head()

    def _row(self, i: int) -> Text:
        hit = self.hits[i]
        row = Text(no_wrap=True)
        title = visible_line(hit.title)
        if len(title) > TITLE_WIDTH:
            title = title[:TITLE_WIDTH - 1] + "…"
        row.append(f"{title:<{TITLE_WIDTH}}", "bold")
        row.append(" · ", "dim")
        width = self.query_one("#hits", RowList).content_size.width - TITLE_WIDTH - 3
        shown, start, end = fit_snippet(hit.snippet, hit.mark_start, hit.mark_end, width)
        row.append(shown[:start])
        row.append(shown[start:end], MARK)
        row.append(shown[end:])
        return row

    def _show_head(self) -> None:
        query = visible_line(" ".join((self.searched or "").split()))
        if not query:
            head = "type words to find in every document's text · Enter: results · Esc: close"
        else:
            count = f"{len(self.hits)}{'+' if len(self.hits) >= LIMIT else ''}"
            hits = "hit" if len(self.hits) == 1 else "hits"
            docs = "document" if self.documents == 1 else "documents"
            head = f"“{query}”: {count} {hits} in {self.documents} {docs}"
            if self.running:
                head += " · searching…"
            elif not self.hits:
                head = f"“{query}”: no hit in any document"
            if len(self.hits) >= LIMIT:
                head += f" (the first {LIMIT} in document order)"
            if self.skipped:
                head += f" · {len(self.skipped)} documents could not be read"
        self.query_one("#search-head", TextPanel).set(plain(head))
        rows = self.query_one("#hits", RowList)
        rows.border_title = "Results"
        rows.border_subtitle = f"{min(rows.index + 1, len(self.hits))} of {len(self.hits)}"

    # ------------------------------------------------------------------ actions
    @property
    def highlighted(self) -> Hit | None:
        """The result under the cursor."""
        if not self.hits:
            return None
        return self.hits[min(self.query_one("#hits", RowList).index, len(self.hits) - 1)]

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        """Keep the "n of m" in step."""
        event.stop()
        self._show_head()

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Enter or a click opens the result."""
        event.stop()
        if event.index < len(self.hits):
            self._open(self.hits[event.index])

    def action_open_hit(self) -> None:
        """Open the highlighted result in the reader, at the hit."""
        hit = self.highlighted
        if hit is not None:
            self._open(hit)

    def _open(self, hit: Hit) -> None:
        self.post_message(OpenDocument(hit.doc_id, offset=hit.start, find=self.searched))

    def action_edit_query(self) -> None:
        """Back to the query field, its text selected."""
        field = self.query_one("#search-query", Input)
        self.set_focus(field)  # now: the keys typed right after `/` are the query's
        field.select_all()

    def action_focus_results(self) -> None:
        """From the query field to the results."""
        self.query_one("#hits", RowList).focus()

    def action_back(self) -> None:
        """Close the search."""
        self.run += 1
        self.closed = True
        self.app.pop_screen()
