"""ReviewScreen: walk unreviewed suggestions across the corpus, least confident first.

The queue is a snapshot taken when the screen opens (or the filter changes), so progress
counts what was reviewed out of it. ``Enter`` accepts and moves on; every reader correction
works here too. Filters: ``type:direct speaker:kenney stance:none status:suggested`` plus
free words matched in the quote's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from annotations.edits import AcceptQuote, Edit, RejectQuote
from annotations.model import Layer, Quote
from tui.actions import REVIEW, bindings
from tui.editor import Outcome
from tui.screens.prompts import TextPrompt
from tui.screens.reader import ReaderScreen
from tui.widgets.quotes import confidence_of

DEFAULT_FILTER = "status:suggested"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which quotes the review queue holds."""

    type: str | None = None
    speaker: str | None = None
    stance: str | None = None
    status: str | None = "suggested"
    words: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, text: str) -> QueueFilter:
        """Read ``key:value`` terms (type, speaker, stance, status) and free words."""
        values: dict[str, str | None] = {"status": None}
        words = []
        for term in text.split():
            key, sep, value = term.partition(":")
            if sep and key in ("type", "speaker", "stance", "status"):
                values[key] = None if value in ("", "any", "all") else value.casefold()
            else:
                words.append(term.casefold())
        return cls(values.get("type"), values.get("speaker"), values.get("stance"),
                   values.get("status"), tuple(words))

    def matches(self, quote: Quote, layer: Layer) -> bool:
        """True when ``quote`` passes every term."""
        if self.type and quote.type != self.type:
            return False
        if self.status and quote.status != self.status:
            return False
        if self.stance:
            if self.stance == "none":
                if quote.stance:
                    return False
            elif (quote.stance or "").casefold() != self.stance:
                return False
        if self.speaker:
            name = (layer.speaker_name(quote) or "none").casefold()
            if self.speaker not in name:
                return False
        text = quote.text.casefold()
        return all(w in text for w in self.words)


def build_queue(layers: dict[str, Layer], flt: QueueFilter) -> list[tuple[str, str]]:
    """(doc_id, quote_id) pairs passing ``flt``, least confident first."""
    items = []
    for order, (doc_id, layer) in enumerate(layers.items()):
        for quote in layer.quotes.values():
            if flt.matches(quote, layer):
                conf = confidence_of(quote)
                items.append((conf if conf is not None else 0.5, order, quote.start,
                              doc_id, quote.id))
    items.sort()
    return [(doc_id, qid) for *_, doc_id, qid in items]


class ReviewScreen(ReaderScreen):
    """The reader, driven by a queue of suggestions across all documents."""

    BINDINGS = bindings(REVIEW)

    def __init__(self, *, scheme=None, filter_text: str = DEFAULT_FILTER) -> None:  # noqa: ANN001
        super().__init__("", scheme=scheme)
        self.filter_text = filter_text
        self.doc_layers: dict[str, Layer] = {}
        self.queue: list[tuple[str, str]] = []
        self.pos = 0

    def compose_head(self) -> ComposeResult:
        """Progress bar and queue position."""
        with Horizontal(id="review-head"):
            yield ProgressBar(show_eta=False, show_percentage=False, id="review-progress")
            yield Label(id="review-label")

    def on_mount(self) -> None:
        """Build the queue and show its first item."""
        super(ReaderScreen, self).on_mount()
        self.article.underline_quotes = self.app.no_color
        self.app.sub_title = "review queue"
        self.rebuild()
        self.article.focus()

    def rebuild(self) -> None:
        """Re-read every layer and rebuild the queue from the filter."""
        editor = self.saywho.editor
        self.doc_layers = editor.read(
            lambda p: {d: p.layer(d, self.layer_name) for d in p.document_ids()}
        )
        self.queue = build_queue(self.doc_layers, QueueFilter.parse(self.filter_text))
        if getattr(self, "order_by", "") == "stance":  # `O`: see tui/stance_suggest.py
            from tui.stance_suggest import stance_uncertainty_order

            self.queue = stance_uncertainty_order(self.saywho, self.queue)
        self.pos = 0
        if self.queue:
            doc_id, qid = self.queue[0]
            self.load(doc_id, qid)
        elif self.doc_layers:
            self.load(next(iter(self.doc_layers)))
            self.notify("Nothing to review with this filter.", timeout=3)
        self._refresh_progress()

    def _refresh_progress(self) -> None:
        done = 0
        for doc_id, qid in self.queue:
            quote = self.doc_layers.get(doc_id, Layer("")).quotes.get(qid)
            if quote is None or quote.status != "suggested":
                done += 1
        total = len(self.queue)
        self.reviewed = done
        bar = self.query_one("#review-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done if total else 1)
        where = f"{self.pos + 1}/{total}" if total else "0/0"
        self.query_one("#review-label", Label).update(
            f" item {where} · reviewed {done}/{total} · filter: {self.filter_text or 'none'}"
        )

    def _step(self, delta: int) -> None:
        if not self.queue:
            return
        self.goto(min(max(self.pos + delta, 0), len(self.queue) - 1))

    def goto(self, pos: int) -> None:
        """Show queue item ``pos`` (switching document when needed)."""
        self.pos = pos
        doc_id, qid = self.queue[pos]
        if doc_id != self.doc_id:
            self.load(doc_id, qid)
        else:
            self.select_quote(qid)
        self._refresh_progress()

    def submit(self, edit: Edit, follow: str | None = None) -> bool:
        """Apply as the reader does, then update the queue's view of that document."""
        ok = super().submit(edit, follow)
        if ok and self.anno is not None:
            self.doc_layers[self.doc_id] = self.anno
            self._refresh_progress()
        return ok

    def edit_finished(self, outcome: Outcome) -> None:
        """Keep the per-document layers current (undo may touch any document)."""
        super().edit_finished(outcome)
        if outcome.ok and outcome.layer is not None and outcome.doc_id in self.doc_layers:
            if outcome.op != "edit" or self.saywho.editor.pending == 0:
                self.doc_layers[outcome.doc_id] = outcome.layer
            self._refresh_progress()

    def _next_unreviewed(self) -> None:
        for pos in range(self.pos + 1, len(self.queue)):
            doc_id, qid = self.queue[pos]
            quote = self.doc_layers.get(doc_id, Layer("")).quotes.get(qid)
            if quote is not None and quote.status == "suggested":
                self.goto(pos)
                return
        self._step(1)
        if self.reviewed == len(self.queue):
            self.notify("Queue done: every item is reviewed.", timeout=3)

    def action_accept_next(self) -> None:
        """Accept the current item and go to the next unreviewed one."""
        if (q := self._need_quote()) is not None and self.submit(AcceptQuote(self.doc_id, q.id)):
            self._next_unreviewed()

    def action_reject_next(self) -> None:
        """Reject the current item and go to the next unreviewed one."""
        if (q := self._need_quote()) is not None and self.submit(RejectQuote(self.doc_id, q.id)):
            self._next_unreviewed()

    def action_filter(self) -> None:
        """Change the queue's filter."""

        def done(text: str | None) -> None:
            if text is not None:
                self.filter_text = " ".join(text.split())
                self.rebuild()

        self.app.push_screen(
            TextPrompt("Filter the queue", self.filter_text,
                       "type: speaker: stance: status: (any) + words · Enter: apply"),
            done,
        )

    def action_open_in_reader(self) -> None:
        """Open the current item's document in the reader."""
        self.saywho.open_reader(self.doc_id, self.current_id)
