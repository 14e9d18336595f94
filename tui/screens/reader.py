"""ReaderScreen: one article with its quotes, speakers and stance, and every correction.

Each correction builds an ``Edit``, shows its effect at once (the edit is computed against the
screen's copy of the layer) and queues it on the ``SessionBridge``, which saves it through
``Session.apply`` in a worker thread. The status bar says "saved" only when that returned. The
screen follows the bridge's signals: saved outcomes, layer switches, scheme changes (also made
by another process), fresh stance suggestions, and the layer on screen stored by another
process. ``d`` marks the document done for this annotator (``annotations.team``: done also
means checked for missed quotes) and again back to in progress, saved like any change.
``f`` filters the quote list (``annotations.quote_filter``; n/p keep to it, Esc lifts it), ``:``
goes to quote N, and every quote made current is told to the bridge, which keeps the
annotator's place for the next start.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header

from annotations import team, textnav
from annotations.display import visible, visible_line
from annotations.errors import SaywhoError
from annotations.events import Event, LayerStored
from annotations.learn.project import is_learned
from annotations.live import LiveEvent
from annotations.metadata import meta_line
from annotations.model import (
    QUOTE_TYPES,
    SUGGESTIONS_LAYER,
    Document,
    Layer,
    Quote,
    StanceScheme,
    confidence_of,
)
from annotations.quote_filter import QuoteFilter
from tui.actions import READER, bindings
from tui.bridge import SessionBridge
from tui.keys import replace_bindings
from tui.lazy import lazy_module
from tui.outcome import Outcome
from tui.plain import plain, say
from tui.screens.base import SaywhoScreen
from tui.widgets.article import ArticleView
from tui.widgets.colours import STATUS_GLYPH, speaker_style, stance_style
from tui.widgets.keybar import KeyBar
from tui.widgets.quotes import QuoteList
from tui.widgets.speakers import SpeakerList
from tui.widgets.stance import StancePanel
from tui.widgets.status import Banner, StatusBar
from tui.widgets.textpanel import TextPanel

if TYPE_CHECKING:
    from collections.abc import Sequence

    from annotations import edits, history_view, search
    from annotations.codebook import CodedVariable
    from annotations.registry import SpeakerCandidate
    from annotations.search import TextHits
    from tui.screens.speaker_picker import Pick
else:  # loaded on first use: off the path to the first frame
    edits = lazy_module("annotations.edits")
    history_view = lazy_module("annotations.history_view")
    search = lazy_module("annotations.search")


WIDE_SCREEN = 160  # columns from which the side panels take 40 % of the width
SPEAKER_PANEL = 7  # the speakers panel's least height (five rows and its border)
QUOTES_SHARE = 0.6  # of the side column the quote list keeps for its rows first
PANEL_MODES = ("full", "narrow", "hidden")
"""The side panels' widths, in the order the panels key (``\\``) steps through them."""
SPEAKERS_PREFETCH_S = 2.0  # after the reader opens: the picker's corpus speakers, in a worker


def _prompt(title: str, value: str = "", hint: str | None = None) -> object:
    from tui.screens.prompts import TextPrompt

    return TextPrompt(title, value) if hint is None else TextPrompt(title, value, hint)


def _picker(title: str, candidates: list[SpeakerCandidate], *, allow_new: bool = True) -> object:
    from tui.screens.speaker_picker import SpeakerPicker

    return SpeakerPicker(title, candidates, allow_new=allow_new)


class ReaderScreen(SaywhoScreen):
    """The article with its quotes highlighted, side panels, and the correction keys."""

    BINDINGS = bindings(READER)

    def __init__(self, bridge: SessionBridge, doc_id: str, quote_id: str | None = None, *,
                 offset: int | None = None, find: str | None = None) -> None:
        super().__init__(bridge)
        self.scheme: StanceScheme = bridge.scheme
        self.doc_id = doc_id
        self.start_quote = quote_id
        self.start_offset = offset  # open at this character (the quote holding it current)
        self.start_find = find  # ... with this query's hits highlighted
        self.finding: TextHits | None = None  # the in-document search (`/`), while active
        self.finding_doc = ""
        self.find_index = 0
        self.doc: Document | None = None
        self.anno: Layer | None = None
        self._shown_doc: str | None = None  # the document the status bar last spoke of
        self.quotes: list[Quote] = []
        self._reviewed: tuple[Layer | None, int] = (None, 0)
        self._at: dict[str, int] | None = None  # quote id -> index in self.quotes
        self.current_id: str | None = None
        colour = bridge.session.settings.get("colour_by")
        self.colour_by = colour if colour in ("speaker", "stance") else "speaker"
        panels = bridge.session.settings.get("panels")
        self.panels = panels if panels in PANEL_MODES else "full"
        self._speaker_order: list[str] = []
        self.doc_status: str | None = None  # this annotator's status of the document
        self.doc_comment = ""  # this annotator's comment on the document
        self.doc_target: str | None = None  # what stance is about here (None: not read yet)
        self._bind_stance_keys()

    # ------------------------------------------------------------------ layout
    def _bind_stance_keys(self) -> None:
        """One binding per scheme label with a key, replacing the previous scheme's."""
        replace_bindings(self, "stance.", [
            Binding(label.key, f"stance({label.name!r})", f"Stance: {visible(label.name)}",
                    show=False, id=f"stance.{label.name}")
            for label in self.scheme.labels if label.key
        ])

    def compose(self) -> ComposeResult:
        """Header, banner, article + sidebar, status bar, footer."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        yield from self.compose_head()
        with Horizontal(id="body"):
            with Vertical(id="article-column"):
                yield ArticleView(id="article")
                yield TextPanel(id="detail", ellipsis=True)
            with Vertical(id="sidebar"):
                yield QuoteList(id="quotes", suggest=self._suggestion)
                yield SpeakerList(id="speakers")
                yield StancePanel(id="stance")
        yield StatusBar(id="status")
        yield KeyBar()

    def compose_head(self) -> ComposeResult:
        """Extra rows above the article (the review queue's progress)."""
        yield from ()

    def on_resize(self, event: events.Resize) -> None:
        """A wide terminal gives the side panels room (names whole, quote snippets); a tall
        one gives the speakers the rows the quote list does not need."""
        self.set_class(event.size.width >= WIDE_SCREEN, "-wide")
        self.call_after_refresh(self._fit_panels)

    def _fit_panels(self) -> None:
        """The speakers panel's height: every speaker's row when the quote list keeps the
        rows its quotes need (up to ``QUOTES_SHARE`` of the column), never under
        ``SPEAKER_PANEL`` (at 80x24 the quote list keeps its rows); the quote list takes the
        rest. At 200x60 the seed's eight speakers showed five behind a scrollbar above thirty
        empty quote rows."""
        if not self.is_mounted:
            return
        quotes, speakers = self.query_one(QuoteList), self.query_one(SpeakerList)
        column = self.query_one("#sidebar").size.height
        free = column - self.query_one(StancePanel).outer_size.height
        if free <= 0:
            return
        keep = min(len(quotes.rows) + 2, int(free * QUOTES_SHARE))
        height = max(SPEAKER_PANEL, min(len(speakers.rows) + 2, free - keep))
        if speakers.styles.height is None or speakers.styles.height.value != height:
            speakers.styles.height = height

    def on_mount(self) -> None:
        """Load the document and show the first (or requested) quote; follow the bridge."""
        super().on_mount()
        self.listen()
        self.article.underline_quotes = self.app.no_color
        self._show_panels()
        self.load(self.doc_id, self.start_quote)
        self.article.focus()
        # the corpus's speakers for the picker, read in a worker once the reader is up
        self.set_timer(SPEAKERS_PREFETCH_S, self.bridge.speakers.prefetch)

    def _show_panels(self) -> None:
        self.set_class(self.panels == "narrow", "-panels-narrow")
        self.set_class(self.panels == "hidden", "-panels-hidden")

    def listen(self) -> None:
        """Subscribe to what the bridge announces."""
        bridge = self.bridge
        bridge.outcomes.subscribe(self, self.edit_finished)
        bridge.layer_switched.subscribe(self, self.layer_switched)
        bridge.scheme_changed.subscribe(self, self.scheme_changed)
        bridge.stance.updated.subscribe(self, self.suggestions_updated)
        bridge.session_events.subscribe(self, self.session_event)

    def document_in_view(self) -> str | None:
        """The document on screen."""
        return self.doc_id or None

    def undo_scope(self) -> tuple[str, str] | None:
        """Undo acts on the document and layer on screen."""
        return (self.doc_id, self.layer_shown) if self.doc_id else None

    @property
    def article(self) -> ArticleView:
        """The article widget."""
        return self.query_one(ArticleView)

    # ------------------------------------------------------------------ layer and scheme
    @property
    def layer_name(self) -> str | None:
        """The layer shown and edited (``None``: the annotator's own); switched with ``l``."""
        return self.bridge.active_layer

    @property
    def layer_shown(self) -> str:
        """The name of the layer on screen."""
        return self.bridge.layer_shown

    def layer_switched(self, _name: str | None) -> None:
        """Another layer is active: show it."""
        if self.doc_id:
            self.load(self.doc_id, self.current_id)

    def scheme_changed(self, scheme: StanceScheme) -> None:
        """New labels or keys: rebind the stance keys and redraw (quotes may be relabelled)."""
        self.scheme = scheme
        self._bind_stance_keys()
        if self.doc_id:
            self.load(self.doc_id, self.current_id)
        self.refresh_bindings()

    def session_event(self, event: Event | LiveEvent) -> None:
        """The layer on screen was stored by another process (or a layer import): show it
        once this screen's own edits are saved."""
        if (
            isinstance(event, LayerStored) and event.doc_id == self.doc_id
            and event.layer in (self.layer_shown, SUGGESTIONS_LAYER)  # it seeds the annotator's
            and self.bridge.pending == 0
            and self.is_mounted and self.anno is not None
        ):
            layer = self.bridge.layer(self.doc_id)
            if not _same_view(layer, self.anno):
                self.set_layer(layer, self.current_id)

    def _suggestion(self, quote: Quote) -> object:
        return self.bridge.stance.suggestion(self.doc_id, quote)

    def suggestions_updated(self, _version: int) -> None:
        """The stance model was refitted: redraw the suggestions."""
        if self.anno is not None:
            self.query_one(QuoteList).show(self.quotes, self.anno, self.current_id)
            self._refresh_details()

    # ------------------------------------------------------------------ loading and showing
    def load(self, doc_id: str, quote_id: str | None = None) -> None:
        """Show a document (reads its text and the annotator's layer)."""
        self.doc_id = doc_id
        try:
            self.doc, layer = self.bridge.read(
                lambda s: (s.document(doc_id), s.layer(doc_id, self.layer_name)))
        except SaywhoError as exc:  # e.g. a text changed on disk since import
            say(self, exc.message, title=exc.title, severity="error")
            self.refresh_banner()
            return
        self.refresh_banner()  # opening a document may have found a damaged file
        if doc_id != self._shown_doc:
            self.bridge.document_opened()
            self._shown_doc = doc_id
        self.doc_status = self._read_status(doc_id)
        self.bridge.quotes.opened(doc_id, done=self.doc_status == team.DONE)
        self.doc_comment, self.doc_target = self.bridge.read(
            lambda s: (team.document_comment(s, doc_id), s.stance_target(doc_id)))
        self._show_title()
        self.article.set_text(self.doc.text)
        offset, self.start_offset = self.start_offset, None
        if offset is not None and quote_id is None:
            quote_id = _quote_for_offset(layer, offset)
        self.set_layer(layer, quote_id or self.current_id, scroll=offset is None)
        self._find_after_load(offset)

    def set_layer(self, layer: Layer, current: str | None, *, scroll: bool = False) -> None:
        """Show ``layer`` and make ``current`` the current quote (or the first one)."""
        self.anno = layer
        self.quotes = layer.sorted_quotes()
        self._at = None
        mentions = {}
        for sid, speaker in layer.speakers.items():
            firsts = [m.start for m in speaker.mentions]
            firsts += [q.start for q in self.quotes if q.speaker_id == sid]
            mentions[sid] = min(firsts) if firsts else 10**12
        self._speaker_order = sorted(layer.speakers, key=lambda s: (mentions[s], s))
        if current not in layer.quotes:
            current = self.quotes[0].id if self.quotes else None
        self.current_id = current
        article = self.article
        article.styler = self._styler()
        article.current_id = current
        article.set_quotes(self.quotes)
        self.query_one(QuoteList).show(self.quotes, layer, current)
        self.query_one(SpeakerList).show(layer, self._speaker_order)
        self._fit_panels()
        self._refresh_details()
        if scroll and current is not None:
            quote = layer.quotes[current]
            article.scroll_to_offset(quote.start, end=quote.end)
        self.bridge.remember_position(self.doc_id, current)

    def _styler(self):  # noqa: ANN202
        index = {sid: i for i, sid in enumerate(self._speaker_order)}
        names = self.scheme.names
        if self.colour_by == "stance":
            return lambda q: stance_style(q.stance, names) + _status_style(q)
        return lambda q: speaker_style(index.get(q.speaker_id or "")) + _status_style(q)

    @property
    def current(self) -> Quote | None:
        """The current quote."""
        if self.anno is None or self.current_id is None:
            return None
        return self.anno.quotes.get(self.current_id)

    def select_quote(self, quote_id: str | None, *, scroll: bool = True) -> None:
        """Make ``quote_id`` current in the article and the panels."""
        if self.anno is None or quote_id not in self.anno.quotes:
            return
        self.current_id = quote_id
        self.article.set_current(quote_id)
        quotes = self.query_one(QuoteList)
        if quote_id in quotes.positions:
            quotes.select(quotes.positions[quote_id])
        speakers = self.query_one(SpeakerList)
        speaker_id = self.anno.quotes[quote_id].speaker_id
        if speaker_id in speakers.ids and not speakers.has_focus:
            speakers.select(speakers.ids.index(speaker_id))
        if scroll:
            quote = self.anno.quotes[quote_id]
            self.article.scroll_to_offset(quote.start, end=quote.end)
        self._refresh_details()
        self.bridge.remember_position(self.doc_id, quote_id)

    def _refresh_details(self) -> None:
        layer = self.anno
        if layer is None:
            return
        quote = self.current
        self.query_one(StancePanel).show(
            self.scheme, layer, quote.stance if quote else None, target=self.doc_target
        )
        detail = Text(no_wrap=False, overflow="ellipsis")
        if quote is None:
            detail.append("No quotes in this document. Select text with m … m to add one.")
        else:
            conf = confidence_of(quote)
            detail.append(f"{STATUS_GLYPH.get(quote.status, '?')} {quote.status} ", "bold")
            if is_learned(quote):  # a project model made or changed it (issue 14)
                detail.append("· learned ", "italic")
            speaker = visible(layer.speaker_name(quote) or "no speaker")
            detail.append(f"· {quote.type} · {speaker} ")
            who = layer.speakers.get(quote.speaker_id or "")
            if who is not None and who.attributes:  # what the coder set (``i``)
                detail.append(visible("(" + ", ".join(v for _, v in who.attributes) + ") "),
                              "dim")
            detail.append(f"· stance {visible(quote.stance or '—')} ")
            for name, value in quote.codes:  # the quote variables coded (``i``)
                detail.append(f"· {visible(name)} {visible(value)} ")
            if conf is not None:
                detail.append(f"· conf {conf:.2f} ")
            if quote.cue is not None:
                detail.append(f"· cue “{visible(quote.cue.text)}” ")
        if self.article.mark is not None:
            detail = Text("Selecting: w/b word, (/) sentence, m to make a quote, Esc to cancel",
                          "bold")
        else:
            self._show_suggestion(quote, detail)
            if quote is not None and quote.note:  # free text last: the ellipsis cuts it first
                detail.append(f"· note: {visible(quote.note)}", "italic")
        self.query_one("#detail", TextPanel).set(detail)
        self._refresh_position()

    def _show_suggestion(self, quote: Quote | None, detail: Text) -> None:
        """The stance suggestion for ``quote`` in the detail line and the Stance panel title."""
        stance = self.bridge.stance
        stance.start()
        panel = self.query_one(StancePanel)
        found = stance.suggestion(self.doc_id, quote) if quote is not None else None
        if found is None or found.label is None:
            panel.set_titles(title="Stance")
            return
        label = visible(found.label)
        detail.append(f"· suggested stance {visible(found.describe())} · g takes it ",
                      "dim italic" if found.tentative else "italic")
        mark = "?" if found.tentative else ""
        panel.set_titles(title=plain(f"Stance · ~{label}{mark} {found.confidence:.2f}"))

    def _refresh_position(self) -> None:
        layer = self.anno
        if layer is None:
            return
        total = len(self.quotes)
        if self._reviewed[0] is not layer:  # layers are immutable: counted once per layer
            self._reviewed = (layer, sum(1 for q in self.quotes if q.status != "suggested"))
        reviewed = self._reviewed[1]
        listed = self.query_one(QuoteList)
        where = f"q {listed.number(self.current_id) or 0}/{total}"
        if listed.filter:
            where += f" · {len(listed.ids)} listed"
        done = "· done ✓ " if self.doc_status == team.DONE else ""
        # a narrow bar leaves out the second part first: the colour mode (the panels show
        # it) and the layer when it is one's own; another's layer comes first, where the
        # bar is never cut (editing a teammate's layer must never go unseen)
        layer = f"· layer: {self.layer_shown} "
        own = self.layer_shown == self.bridge.annotator
        self.query_one(StatusBar).set_position(
            f"{'' if own else f'layer: {self.layer_shown} · '}{self._find_status()}{where} "
            f"· reviewed {reviewed}/{total} {done}",
            f"{layer if own else ''}"
            f"· colour: {'off (NO_COLOR)' if self.app.no_color else self.colour_by} ",
        )

    # ------------------------------------------------------------------ panel events
    def on_row_list_highlighted(self, event: QuoteList.Highlighted) -> None:
        """Moving in the quote list moves the article."""
        if isinstance(event.rows, QuoteList) and event.index < len(event.rows.ids):
            self.select_quote(event.rows.ids[event.index])

    def on_row_list_chosen(self, event: QuoteList.Chosen) -> None:
        """Enter on a quote jumps to it; on a speaker toggles highlighting their quotes."""
        if isinstance(event.rows, QuoteList) and event.index < len(event.rows.ids):
            self.select_quote(event.rows.ids[event.index])
            self.article.focus()
        elif isinstance(event.rows, SpeakerList):
            self.toggle_speaker_focus(event.rows.highlighted_id)

    def toggle_speaker_focus(self, speaker_id: str | None) -> None:
        """Highlight one speaker's quotes (dim the rest); again to clear."""
        speakers = self.query_one(SpeakerList)
        new = None if speakers.focused_speaker == speaker_id else speaker_id
        speakers.focused_speaker = new
        self.article.focus_speaker = new
        self.article.invalidate()
        if self.anno is not None:
            index = speakers.index
            speakers.show(self.anno, self._speaker_order)
            speakers.select(index)
            if new is not None:
                first = next((q for q in self.quotes if q.speaker_id == new), None)
                if first is not None:
                    self.select_quote(first.id)

    def on_article_view_clicked(self, event: ArticleView.Clicked) -> None:
        """A click on a quote makes it current; elsewhere it places the caret."""
        quote = self.article.quote_at(event.offset)
        self.article.mark = None
        if quote is not None:
            self.article.caret = None
            self.select_quote(quote.id, scroll=False)
        else:
            self.article.caret = event.offset
            self.article.invalidate()

    def on_article_view_selected(self, event: ArticleView.Selected) -> None:
        """A mouse drag leaves a pending selection: `m` makes it a quote."""
        self.notify("Press m to make the selection a quote, Esc to cancel.", timeout=3)
        self._refresh_details()

    # ------------------------------------------------------------------ editing core
    def submit(self, edit: edits.Edit, follow: str | None = None) -> bool:
        """Show an edit's effect now and queue it for saving; False if it cannot apply."""
        if self.refused() or self.anno is None or self.doc is None:
            return False
        if edit.layer is None and self.layer_name is not None:  # the layer on screen
            edit = dataclasses.replace(edit, layer=self.layer_name)
        try:
            context = edits.EditContext(self.bridge.annotator)
            change = edit.compute(self.anno, self.doc.text, context)
        except SaywhoError as exc:
            say(self, exc.message, title=exc.title, severity="warning")
            return False
        layer = change.apply_to(self.anno)
        self.bridge.submit(edit, history_view.describe_change(change, layer))
        speakers_changed = bool(change.speakers_after)
        if speakers_changed or set(change.quotes_after) - set(self.anno.quotes) or any(
            v is None for v in change.quotes_after.values()
        ):
            self.set_layer(layer, follow or self.current_id)
        else:
            self._patch(layer, change.quotes_after)
            if follow:
                self.select_quote(follow)
        return True

    def _patch(self, layer: Layer, changed: dict) -> None:
        """Cheap redraw after edits that touch existing quotes only (no walk over the
        document's quotes: the changed ones are found by position and checked against their
        neighbours)."""
        self.anno = layer
        reassigned = False
        spans: list[tuple[int, int]] = []
        moved: list[int] = []
        at = self._positions()
        for qid in changed:
            i, new = at.get(qid), layer.quotes.get(qid)
            if i is None or new is None:
                continue
            quote = self.quotes[i]
            reassigned = reassigned or new.speaker_id != quote.speaker_id
            spans += [(quote.start, quote.end), (new.start, new.end)]
            self.quotes[i] = new
            if (new.start, new.end) != (quote.start, quote.end):
                moved.append(i)
        reordered = not all(self._in_order(i) for i in moved)
        if reordered:
            self.quotes.sort(key=_reading_order)
            self._at = None
        ql = self.query_one(QuoteList)
        if reordered or ql.listing_changes(
            (layer.quotes[qid] for qid in changed if qid in layer.quotes), layer
        ):  # reordered, or a quote fell in or out of the filter
            ql.show(self.quotes, layer, self.current_id)
        else:
            for qid in changed:
                if qid in layer.quotes:
                    ql.update_quote(layer.quotes[qid], layer)
        self.article.update_quotes(self.quotes, spans)
        if reassigned:  # the speakers' counts changed (one may have no quote left)
            self.query_one(SpeakerList).show(layer, self._speaker_order)
            self._fit_panels()
        self._refresh_details()

    def _positions(self) -> dict[str, int]:
        """Each shown quote's index in ``self.quotes`` (rebuilt after a reload or a reorder)."""
        if self._at is None:
            self._at = {q.id: i for i, q in enumerate(self.quotes)}
        return self._at

    def _in_order(self, i: int) -> bool:
        key = _reading_order(self.quotes[i])
        return (i == 0 or _reading_order(self.quotes[i - 1]) <= key) and (
            i + 1 == len(self.quotes) or key <= _reading_order(self.quotes[i + 1])
        )

    def edit_finished(self, outcome: Outcome) -> None:
        """Take the saved layer once the queue is empty; undo/redo move to what they touched."""
        if outcome.op in ("undo", "redo") and not outcome.ok and self.doc_id and self.is_mounted:
            self._document_stepped()  # refused (a teammate's target since): show what is on disk
        if outcome.op == "change" and self.doc_id and self.is_mounted:
            self._status_saved(outcome)
        if outcome.doc_id is None or outcome.doc_id != self.doc_id or not self.is_mounted:
            return
        if outcome.receipt is not None and outcome.receipt.layer != self.layer_shown:
            return  # another layer of this document (adjudication, a layer switch)
        if not outcome.ok:  # show what is on disk again, if it still reads
            try:
                layer = self.bridge.layer(self.doc_id)
            except SaywhoError as exc:  # the layer file went bad since (another process)
                say(self, exc.message, title=exc.title, severity="error")
                return
            self.set_layer(layer, self.current_id)
            return
        if outcome.receipt is not None and outcome.receipt.document is not None:
            self._document_stepped()  # its target or status set back: the layer is as it was
            return
        if outcome.op in ("undo", "redo") and outcome.layer is not None:
            touched = outcome.receipt.change.quote_ids if outcome.receipt else ()
            follow = next((q for q in touched if q in outcome.layer.quotes), self.current_id)
            self.set_layer(outcome.layer, follow, scroll=True)
        elif self.bridge.pending == 0 and outcome.layer is not None:
            if not _same_view(outcome.layer, self.anno):
                # edited elsewhere (a reader or queue on top of this one): redraw
                self.set_layer(outcome.layer, self.current_id)
            else:
                self.anno = outcome.layer

    # ------------------------------------------------------------------ navigation actions
    def action_next_quote(self) -> None:
        """Go to the next quote in reading order."""
        self._step(1)

    def action_prev_quote(self) -> None:
        """Go to the previous quote."""
        self._step(-1)

    def _step(self, delta: int) -> None:
        """Move through the quotes the list shows (all, or those the filter lets through)."""
        target = self.query_one(QuoteList).neighbour(self.current_id, delta)
        if target is not None:
            self.select_quote(target)

    @property
    def walks_list(self) -> bool:
        """True when n/p walk the quote list (a screen that walks its own order, such as the
        review queue, keeps its list whole and has no filter or go-to)."""
        return type(self)._step is ReaderScreen._step

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Filter and go-to only where n/p walk the quote list; the search-hit keys only
        while a search is active."""
        if action in ("filter_quotes", "goto_quote"):
            return self.walks_list
        if action in ("find_next", "find_prev", "find_clear"):  # else n, Esc: their usual acts
            return self.finding is not None
        return True

    def action_filter_quotes(self) -> None:
        """Filter the quote list (and n/p) by a speaker, status, type, stance or a quote
        variable's code (topic…); different kinds combine (AND), a value of a kind already
        filtered replaces it, the chosen value again lifts it."""
        if self.anno is None:
            return
        from annotations.quote_filter import filter_choices
        from tui.screens.filter_picker import FilterPicker  # loaded on first use

        current = self.query_one(QuoteList).filter
        variables = self.bridge.read(lambda s: s.quote_variables)
        choices = filter_choices(self.quotes, self.anno, current, self.scheme.names, variables)

        def done(chosen: QuoteFilter | None) -> None:
            if chosen is not None:
                self.set_quote_filter(chosen)

        self.app.push_screen(FilterPicker("Filter the quotes", current, choices), done)

    def set_quote_filter(self, chosen: QuoteFilter) -> None:
        """List only the quotes ``chosen`` lets through (the article keeps every highlight);
        when the current quote is not among them, the first listed one becomes current."""
        quotes = self.query_one(QuoteList)
        quotes.filter = chosen
        if self.anno is None:
            return
        quotes.show(self.quotes, self.anno, self.current_id)
        if self.current_id not in quotes.positions and quotes.ids:
            self.select_quote(quotes.ids[0])
        else:
            self._refresh_position()

    def action_goto_quote(self) -> None:
        """Go to quote N: its number in the document (1-based, in text order: the unfiltered
        list's order, the status bar's q N/M, the number saved edits are reported by). A quote
        the filter hides is gone to all the same, with a word that it is hidden."""
        if not self.quotes:
            self.notify("No quotes in this document.", severity="warning", timeout=2)
            return

        def done(text: str | None) -> None:
            typed = (text or "").strip()
            if not typed or self.anno is None:
                return
            try:
                n = int(typed)
            except ValueError:
                n = None
            total = len(self.quotes)
            if n is None or not 1 <= n <= total:
                say(self, f"No quote {typed[:20]}: this document has quotes 1 to {total}.",
                    title="Go to quote", severity="warning", timeout=3)
                return
            quote = self.quotes[n - 1]
            listed = self.query_one(QuoteList)
            if listed.filter and quote.id not in listed.positions:
                say(self, f"Quote {n} is hidden by the filter "
                    f"({listed.filter.describe(self.anno)}); Esc lists every quote.",
                    title="Go to quote", timeout=3)
            self.select_quote(quote.id)

        self.app.push_screen(_prompt(f"Go to quote (1–{len(self.quotes)})",
                                     hint="Enter: go · Esc: cancel"), done)

    # ------------------------------------------------------------------ find in the document
    def action_find(self) -> None:
        """Ask for a query (`/`): highlight its hits, go to the first after the cursor."""
        if self.doc is None:
            return
        from tui.screens.prompts import TextPrompt

        def done(query: str | None) -> None:
            if query is not None and query.strip():
                self.start_search(query, self._find_cursor())

        last = self.finding.query if self.finding is not None else ""
        self.app.push_screen(
            TextPrompt("Find in this document", last, "Enter: find · Esc: cancel"), done)

    def _find_cursor(self) -> int:
        """Where "after the cursor" starts: the caret, else the current quote, else the top
        of the view."""
        article = self.article
        if article.caret is not None:
            return article.caret
        quote = self.current
        return quote.start if quote is not None else article.top_offset()

    def start_search(self, query: str, cursor: int) -> None:
        """Highlight every hit of ``query`` and go to the first at or after ``cursor``."""
        if self.doc is None:
            return
        found = search.TextHits.of(self.doc.text, query)
        index = found.first_after(cursor)
        if index is None:
            if self.finding is not None:  # the new search replaces the old one: n is next again
                self.action_find_clear()
            say(self, f"No hit for “{query.strip()}” in this document.", title="Find",
                severity="warning", timeout=3)
            return
        self.finding, self.finding_doc = found, self.doc_id
        self.article.set_hits(found.spans, index)
        self.refresh_bindings()
        self._go_to_hit(index)

    def _go_to_hit(self, index: int) -> None:
        """Show hit ``index``: the quote holding it becomes current, the article scrolls."""
        if self.finding is None:
            return
        self.find_index = index
        start = self.finding.spans[index][0]
        article = self.article
        article.set_current_hit(index)
        quote = article.quote_at(start)
        if quote is not None and quote.id != self.current_id:
            self.select_quote(quote.id, scroll=False)
        article.scroll_to_offset(start)
        self._refresh_position()

    def _find_after_load(self, offset: int | None) -> None:
        """After (re)loading: search for the query this reader was opened with, at
        ``offset``; keep a search of the same text (a layer switch), drop any other."""
        query, self.start_find = self.start_find, None
        if self.finding is not None and self.finding_doc != self.doc_id:
            self.action_find_clear()
        if query and offset is not None:
            self.start_search(query, offset)
        elif offset is not None:
            self.article.scroll_to_offset(offset)

    def _find_status(self) -> str:
        if self.finding is None:
            return ""
        query = visible_line(" ".join(self.finding.query.split()))
        query = query if len(query) <= 24 else query[:23] + "…"
        return f"search '{query}' {self.find_index + 1}/{len(self.finding)} · n/N · esc clears · "

    def action_find_next(self) -> None:
        """The next hit of the search (round to the first after the last)."""
        if self.finding is not None:
            self._go_to_hit(self.finding.step(self.find_index, 1))

    def action_find_prev(self) -> None:
        """The previous hit of the search."""
        if self.finding is not None:
            self._go_to_hit(self.finding.step(self.find_index, -1))

    def action_find_clear(self) -> None:
        """End the search: hits unmarked, n/p and Esc do their usual acts again."""
        self.finding = None
        self.article.set_hits([])
        self.refresh_bindings()
        self._refresh_position()

    def action_toggle_colour(self) -> None:
        """Colour quotes by speaker or by stance; the choice is kept as a project setting.
        With ``NO_COLOR`` there is no colour to switch: it says so (and what shows instead)."""
        if self.app.no_color:
            say(self, "NO_COLOR is set: quotes are underlined, not coloured. The quote list "
                "names each quote's speaker and stance.", title="Colour", timeout=4)
            return
        colour = self.colour_by = "stance" if self.colour_by == "speaker" else "speaker"
        self.article.styler = self._styler()
        self.article.invalidate()
        self._refresh_position()
        if self.bridge.refuse_read_only() is None:
            self.bridge.change(f"colour by {colour}", lambda s: s.set_setting("colour_by", colour))

    def action_cycle_panels(self) -> None:
        """Side panels full width, narrow, hidden (the article takes the room), and back; the
        choice is kept as a project setting, as the colour is."""
        mode = self.panels = PANEL_MODES[(PANEL_MODES.index(self.panels) + 1) % len(PANEL_MODES)]
        self._show_panels()
        if mode == "hidden":
            self.article.focus()
        if (quote := self.current) is not None:  # the article rewraps: keep the quote in view
            article = self.article
            self.call_after_refresh(
                lambda: article.scroll_to_offset(quote.start, end=quote.end))
        say(self, f"Side panels: {mode}.", title="Panels", timeout=1.5)
        if self.bridge.refuse_read_only() is None:
            self.bridge.change(f"side panels {mode}", lambda s: s.set_setting("panels", mode))

    async def action_back(self) -> None:
        """Cancel a selection, else clear the speaker focus, else the quote filter, else go
        back."""
        article = self.article
        if article.mark is not None or article.caret is not None:
            article.mark = article.caret = None
            article.invalidate()
            self._refresh_details()
        elif article.focus_speaker is not None:
            self.toggle_speaker_focus(article.focus_speaker)
        elif self.query_one(QuoteList).filter:
            self.set_quote_filter(QuoteFilter())
        elif len(self.app.screen_stack) > 1:  # over the library: back to it
            self.app.pop_screen()
        else:
            await self.app.run_action("library")

    # ------------------------------------------------------------------ document status
    def _read_status(self, doc_id: str) -> str | None:
        try:
            return self.bridge.read(lambda s: team.document_status(s, doc_id).status)
        except SaywhoError:
            return None

    def _show_title(self) -> None:
        """The header: the document, the layer, and the annotator's comment on it (a ✎ before
        the title too: at 80 columns the comment itself is cut off the end, ``C`` shows it)."""
        if self.doc is None:
            return
        comment = f" · ✎ {self.doc_comment}" if self.doc_comment else ""
        mark = "✎ " if self.doc_comment else ""
        about = meta_line(self.doc.meta)
        self.sub_title = visible_line(
            f"{mark}{self.doc.title}{f' · {about}' if about else ''} · layer: "
            f"{self.layer_shown}{comment}")
        self.app.sub_title = self.sub_title

    def action_document_comment(self) -> None:
        """Write or change your comment on this document (empty: remove it)."""
        if not self.doc_id or self.refused():
            return
        doc_id = self.doc_id

        def done(text: str | None) -> None:
            if text is None or text.strip() == self.doc_comment:
                return
            self.doc_comment = text.strip()
            self._show_title()
            self.bridge.change("comment on the document",
                               lambda s: team.set_document_comment(s, doc_id, text))

        self.app.push_screen(_prompt("Your comment on this document", self.doc_comment), done)

    def action_document_target(self) -> None:
        """What stance is about in this document (empty: the project's target again)."""
        if not self.doc_id or self.refused():
            return
        doc_id = self.doc_id

        def done(text: str | None) -> None:
            if text is None:
                return
            self.doc_target = " ".join(text.split()) or self.scheme.target
            self._refresh_details()
            self.bridge.change("stance target of the document",
                               lambda s: s.set_document_target(doc_id, text))

        title = f"Stance target of this document (empty: “{self.scheme.target}”)"
        self.app.push_screen(_prompt(title, self.doc_target), done)

    def action_toggle_done(self) -> None:
        """Mark the document done for this annotator (done: also checked for missed quotes,
        so a document without any quote can be done); again: back to in progress."""
        if not self.doc_id or self.refused():
            return
        doc_id = self.doc_id
        status = team.IN_PROGRESS if self.doc_status == team.DONE else team.DONE
        self.doc_status = status
        self._refresh_position()
        title = self.doc.title if self.doc is not None else doc_id
        self.bridge.change(team.status_words(status, title),
                           lambda s: team.set_status(s, doc_id, status))

    def _status_saved(self, outcome: Outcome) -> None:
        """A status change came back: warn about a damaged status file; on failure show the
        status on disk again."""
        result = outcome.result
        if isinstance(result, team.StatusChange):
            if result.warning:
                say(self, result.warning, title="Status file", severity="warning")
            if result.status.doc_id == self.doc_id:
                self.doc_status = result.status.status
                self._refresh_position()
        elif not outcome.ok:
            self.doc_status = self._read_status(self.doc_id)
            self._refresh_position()

    def _document_stepped(self) -> None:
        """An undo or redo set this document's stance target or the annotator's status of it
        back: show both as they are on disk."""
        doc_id = self.doc_id
        self.doc_status = self._read_status(doc_id)
        try:
            self.doc_target = self.bridge.read(lambda s: s.stance_target(doc_id))
        except SaywhoError as exc:
            say(self, exc.message, title=exc.title, severity="error")
        self._refresh_position()
        self._refresh_details()

    # ------------------------------------------------------------------ status and stance
    def _named(self, quote: Quote) -> str:
        """``quote`` as prompts name it: "quote 3", its number in the document."""
        if self.anno is None:
            return "quote"
        return f"quote {history_view.quote_number(self.anno, quote)}"

    def _need_quote(self) -> Quote | None:
        quote = self.current
        if quote is None:
            self.notify("No quote selected.", severity="warning")
        return quote

    def action_accept(self) -> None:
        """Accept the current quote."""
        if (q := self._need_quote()) is not None:
            self.submit(edits.AcceptQuote(self.doc_id, q.id))

    def action_reject(self) -> None:
        """Reject the current quote."""
        if (q := self._need_quote()) is not None:
            self.submit(edits.RejectQuote(self.doc_id, q.id))

    def action_reset(self) -> None:
        """Put the current quote back to suggested."""
        if (q := self._need_quote()) is not None:
            self.submit(edits.ResetQuote(self.doc_id, q.id))

    def action_accept_next(self) -> None:
        """Accept the current quote and move to the next."""
        q = self._need_quote()
        # a quote a fix by hand accepted already is passed, not accepted again ("already so")
        if q is not None and (q.status == "accepted"
                              or self.submit(edits.AcceptQuote(self.doc_id, q.id))):
            self._step(1)

    def action_stance(self, label: str) -> None:
        """Set the current quote's stance to ``label``."""
        if (q := self._need_quote()) is not None:
            self.submit(edits.SetStance(self.doc_id, q.id, label))

    def action_take_suggestion(self) -> None:
        """Set the current quote's stance to the suggested one (``g``)."""
        quote = self.current
        found = self.bridge.stance.suggestion(self.doc_id, quote) if quote is not None else None
        if quote is None or found is None or found.label is None:
            self.notify("No stance suggestion for this quote yet.", severity="warning", timeout=2)
            return
        self.submit(edits.SetStance(self.doc_id, quote.id, found.label))

    def action_clear_stance(self) -> None:
        """Remove the current quote's stance."""
        if (q := self._need_quote()) is not None:
            self.submit(edits.SetStance(self.doc_id, q.id, None))

    def action_cycle_type(self) -> None:
        """Direct → indirect → mixed → direct."""
        if (q := self._need_quote()) is not None:
            i = QUOTE_TYPES.index(q.type) if q.type in QUOTE_TYPES else -1
            next_type = QUOTE_TYPES[(i + 1) % len(QUOTE_TYPES)]
            self.submit(edits.SetQuoteType(self.doc_id, q.id, next_type))

    def action_delete_quote(self) -> None:
        """Delete the current quote (undo brings it back)."""
        if (q := self._need_quote()) is None:
            return
        ids = [x.id for x in self.quotes]
        i = ids.index(q.id)
        follow = ids[i + 1] if i + 1 < len(ids) else (ids[i - 1] if i else None)
        self.submit(edits.DeleteQuote(self.doc_id, q.id), follow=follow)

    def action_join_next(self) -> None:
        """Join the next quote (reading order) to the current one: one quote in parts."""
        if (q := self._need_quote()) is None:
            return
        ids = [x.id for x in self.quotes]
        i = ids.index(q.id)
        if i + 1 >= len(ids):
            say(self, "This is the last quote: there is none after it to join.", timeout=3)
            return
        self.submit(edits.JoinQuotes(self.doc_id, q.id, ids[i + 1]), follow=q.id)

    def action_split_quote(self) -> None:
        """Split the current quote into one quote per part."""
        if (q := self._need_quote()) is None:
            return
        if len(q.part_spans()) < 2:
            say(self, f"{self._named(q)} is one part: there is nothing to split.", timeout=3)
            return
        self.submit(edits.SplitQuote(self.doc_id, q.id), follow=q.id)

    def action_edit_note(self) -> None:
        """Write or change the note on the current quote."""
        if (q := self._need_quote()) is None:
            return

        def done(text: str | None) -> None:
            if text is not None and text != q.note:
                self.submit(edits.SetNote(self.doc_id, q.id, text))

        self.app.push_screen(_prompt(f"Note on {self._named(q)}", q.note), done)

    # ------------------------------------------------------------------ spans and selection
    def action_span(self, edge: str, unit: str, grow: int) -> None:
        """Move the start or end of the current quote by a character, a word or a sentence."""
        if (q := self._need_quote()) is None or self.doc is None:
            return
        start, end = textnav.move_edge(self.doc.text, q.start, q.end, edge, unit, bool(grow))
        if (start, end) == (q.start, q.end):
            self.notify("The span cannot move further that way.", severity="warning", timeout=2)
            return
        self.submit(edits.SetSpan(self.doc_id, q.id, start, end))

    def _caret_home(self) -> int:
        q = self.current
        text = self.doc.text if self.doc else ""
        if q is not None:
            return textnav.next_word_start(text, q.end)
        return self.article.top_offset()

    def action_mark(self) -> None:
        """First press: start a selection at the caret. Second: make it a new quote."""
        article = self.article
        if article.mark is None:
            article.caret = article.caret if article.caret is not None else self._caret_home()
            article.mark = article.caret
            article.invalidate()
            self._refresh_details()
            return
        start, end = sorted((article.mark, article.caret or article.mark))
        article.mark = article.caret = None
        article.invalidate()
        if self.anno is None or self.doc is None:
            return
        text = self.doc.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            self.notify("Empty selection: move the caret with w/b or (/) first.",
                        severity="warning")
            self._refresh_details()
            return
        quote_id = edits.next_id("q", self.anno.quotes)
        kind, speaker_id = edits.new_quote_guess(text, self.anno, start, end)
        self.submit(edits.NewQuote(self.doc_id, start, end, type=kind, speaker_id=speaker_id,
                                   quote_id=quote_id), follow=quote_id)

    def action_caret(self, unit: str, direction: int) -> None:
        """Move the selection caret by a word or a sentence."""
        if self.doc is None:
            return
        article = self.article
        text = self.doc.text
        pos = article.caret if article.caret is not None else self._caret_home()
        if unit == "word":
            pos = textnav.next_word_end(text, pos) if direction > 0 else \
                textnav.prev_word_start(text, pos)
        else:
            pos = textnav.next_sentence_end(text, pos) if direction > 0 else \
                textnav.prev_sentence_start(text, pos)
        article.caret = pos
        article.invalidate()
        article.scroll_to_offset(pos)
        self._refresh_details()

    # ------------------------------------------------------------------ speakers
    def _candidates(
        self, *, corpus: bool, exclude: str | None = None
    ) -> list[SpeakerCandidate]:
        from annotations.registry import speaker_candidates

        assert self.anno is not None
        registry = self.bridge.speaker_registry() if corpus else {}
        return speaker_candidates(self.anno, registry, corpus_too=corpus, exclude=exclude)

    def action_pick_speaker(self) -> None:
        """Reassign the current quote's speaker (fuzzy picker; the last row makes a new one)."""
        if (q := self._need_quote()) is None:
            return

        def done(pick: Pick | None) -> None:
            if pick is None:
                return
            if pick.candidate is None:
                self.submit(edits.CreateSpeaker(self.doc_id, pick.new_name or "", assign_to=q.id))
            elif pick.candidate.in_document:
                self.submit(edits.SetSpeaker(self.doc_id, q.id, pick.candidate.speaker_id))
            else:
                c = pick.candidate  # keeps its id unless this document uses it already
                sid = c.speaker_id or self.bridge.corpus_speaker_id(c.key)
                free = bool(sid) and self.anno is not None and sid not in self.anno.speakers
                self.submit(edits.CreateSpeaker(self.doc_id, c.name, kind=_kind(c.kind),
                                          speaker_id=sid if free else None,
                                          assign_to=q.id))

        self.app.push_screen(
            _picker(f"Who said {self._named(q)}?", self._candidates(corpus=True)), done)

    def action_new_speaker(self) -> None:
        """Create a speaker by name and attribute the current quote to them."""
        if (q := self._need_quote()) is None:
            return

        def done(name: str | None) -> None:
            if name and name.strip():
                self.submit(edits.CreateSpeaker(self.doc_id, name, assign_to=q.id))

        self.app.push_screen(_prompt(f"New speaker for {self._named(q)}"), done)

    def _target_speaker(self) -> str | None:
        speakers = self.query_one(SpeakerList)
        if speakers.has_focus and speakers.highlighted_id:
            return speakers.highlighted_id
        quote = self.current
        if quote is None or not quote.speaker_id:
            self.notify("The current quote has no speaker; pick one in the Speakers panel.",
                        severity="warning")
            return None
        return quote.speaker_id

    def action_rename_speaker(self) -> None:
        """Rename the current (or highlighted) speaker; the old name becomes an alias."""
        sid = self._target_speaker()
        if sid is None or self.anno is None:
            return
        old = self.anno.speakers[sid].name

        def done(name: str | None) -> None:
            if name and name.strip() and name.strip() != old:
                self.submit(edits.RenameSpeaker(self.doc_id, sid, name))

        self.app.push_screen(_prompt(f"Rename {old}", old), done)

    def action_code(self) -> None:
        """Code the current quote's variables (topic, frame…) and its speaker's attributes
        (gender…), or the highlighted speaker's when the Speakers panel has the focus. For
        the speaker, the value the layer codes them with in other documents, then the
        article's suggestion, come first, so Enter takes it."""
        if self.anno is None or self.doc is None:
            return
        from annotations.codebook import (
            AttributeChoice,
            attribute_choices,
            quote_choices,
        )
        from tui.screens.attribute_picker import AttributePicker  # loaded on first use

        attributes, variables = self.bridge.read(
            lambda s: (s.speaker_attributes, s.quote_variables))
        panel = self.query_one(SpeakerList)
        on_panel = panel.has_focus and panel.highlighted_id is not None
        quote = None if on_panel else self.current
        sid = panel.highlighted_id if on_panel else (quote.speaker_id if quote else None)
        speaker = self.anno.speakers.get(sid or "")
        learned, note = self._learned_codes(quote, variables) if quote is not None else ({}, "")
        choices = quote_choices(quote, variables, learned) if quote is not None else []
        if speaker is not None and attributes:
            registry = self.bridge.speaker_registry()  # the layer's codes, across the corpus
            choices += attribute_choices(speaker, self.doc.text, attributes, registry.codes,
                                         registry.coded_in(self.doc_id))
        if not choices:
            say(self, "Nothing to code here: " + (
                "the project codes no quote variables or speaker attributes (saywho "
                "variables / saywho attributes --set NAME=VALUE,VALUE)"
                if not (attributes or variables) else "no quote, or a quote without a speaker"),
                severity="warning")
            return
        qid = quote.id if quote is not None else None

        def done(choice: AttributeChoice | None) -> None:
            if choice is None or choice.current:
                return
            if choice.quote and qid is not None:
                self.submit(edits.SetQuoteCode(self.doc_id, qid, choice.attribute, choice.value))
            elif not choice.quote and sid is not None:
                self.submit(edits.SetSpeakerAttribute(self.doc_id, sid, choice.attribute,
                                                      choice.value))

        title = " and ".join(filter(None, (
            self._named(quote) if quote is not None and variables else "",
            speaker.name if speaker is not None and attributes else "")))
        self.app.push_screen(AttributePicker(f"Code {title}", choices, note), done)

    def _learned_codes(self, quote: Quote, variables: Sequence[CodedVariable]
                       ) -> tuple[dict[str, tuple[str, str]], str]:
        """Each quote variable's learned suggestion for ``quote`` (variable -> (value, why))
        and one line on those that have none yet (why not: ``learned_codes``). Asking starts
        the variable's learner (``SessionBridge.code_feed``), refitted off the UI thread."""
        from annotations.learned_codes import learned_code

        found: dict[str, tuple[str, str]] = {}
        notes: list[str] = []
        for variable in variables:
            if len(variable.values) < 2:
                continue  # one value: nothing to learn
            feed = self.bridge.code_feed(variable)
            feed.start()
            suggestion = feed.suggestion(self.doc_id, quote)
            word = learned_code(variable, feed.fitted, suggestion,
                                quote.code(variable.name) is not None)
            if word.value is not None:
                found[variable.name] = (word.value, word.reason)
            elif word.reason:
                notes.append(word.reason)
        return found, " · ".join(notes)

    def action_merge_speaker(self) -> None:
        """Merge the current (or highlighted) speaker into another one of this document."""
        sid = self._target_speaker()
        if sid is None or self.anno is None:
            return
        name = self.anno.speakers[sid].name

        def done(pick: Pick | None) -> None:
            if pick is not None and pick.candidate is not None:
                self.submit(edits.MergeSpeakers(self.doc_id, pick.candidate.speaker_id, sid))

        self.app.push_screen(
            _picker(f"Merge {name} into…", self._candidates(corpus=False, exclude=sid),
                    allow_new=False),
            done,
        )


def _quote_for_offset(layer: Layer, offset: int) -> str | None:
    """The quote to make current when opening at ``offset``: the innermost one holding it,
    else the last one before it (so ``n`` goes to the first quote after it)."""
    quotes = layer.sorted_quotes()
    holding = [q for q in quotes if q.start <= offset < q.end]
    if holding:
        return min(holding, key=lambda q: q.end - q.start).id
    before = [q for q in quotes if q.start <= offset]
    return before[-1].id if before else None


def _reading_order(q: Quote) -> tuple[int, int, str]:
    return (q.start, q.end, q.id)  # Layer.sorted_quotes's order


def _quote_view(q: Quote) -> tuple:
    return (q.start, q.end, q.parts, q.status, q.stance, q.type, q.speaker_id, q.note, q.cue,
            q.speaker_mention)


def _same_view(a: Layer, b: Layer | None) -> bool:
    """Whether the reader would show two layers alike (quotes and speaker names, timestamps
    aside); quotes an edit did not touch are the same objects, so this is a walk, not a sort."""
    if b is None or a.quotes.keys() != b.quotes.keys():
        return False
    for qid, qa in a.quotes.items():
        qb = b.quotes[qid]
        if qa is not qb and _quote_view(qa) != _quote_view(qb):
            return False
    if a.speakers is b.speakers:
        return True
    return sorted((s.id, s.name, tuple(s.aliases)) for s in a.speakers.values()) == sorted(
        (s.id, s.name, tuple(s.aliases)) for s in b.speakers.values()
    )


def _status_style(quote: Quote) -> Style:
    if quote.status == "rejected":
        return Style(strike=True, dim=True)
    if quote.status == "accepted":
        return Style(bold=True)
    return Style()


def _kind(kind: str) -> str:
    return kind if kind in ("person", "organization", "group", "unknown") else "person"
