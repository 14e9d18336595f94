"""ReviewScreen: walk unreviewed suggestions across the corpus, least confident first.

The queue is a snapshot taken when the screen opens (or the filter changes), so progress
counts what was reviewed out of it. ``Enter`` accepts and moves on; every reader correction
works here too. Filters: ``type:direct speaker:kenney stance:none status:suggested``, a
quote variable's code (``topic:crime``, ``topic:none``: the reader's ``f`` rule for codes) plus
free words matched in the quote's text. The queue's order, filter and progress rules are the
domain's (``annotations.review``); ``O`` orders it by the stance model's uncertainty. Either
way the annotator's assigned documents (``annotations.team``) come first, then the others.

The queue is planned from the corpus index (``Session.corpus_view``): a document's layer is
read only when the queue reaches it, and the next document's is read ahead in a thread, so a
key costs the same at 100,000 documents as at ten. The stance order puts the quotes the stance
model is least sure of first (the layers of at most ``HEAD_DOCUMENTS`` documents read at once),
then the same planned queue.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from annotations import team
from annotations.display import visible
from annotations.errors import SaywhoError
from annotations.events import Event, LayerStored
from annotations.live import LiveEvent
from annotations.model import Layer, StanceScheme
from annotations.review import (
    QueueFilter,
    QueuePlan,
    ReviewQueue,
    build_queue,
    documents_first,
    filter_term,
    plan_queue,
)
from annotations.session import Session
from tui.actions import REVIEW, bindings
from tui.bridge import SessionBridge
from tui.lazy import lazy_module
from tui.messages import OpenDocument
from tui.outcome import Outcome
from tui.screens.library import verify_in_background
from tui.screens.prompts import TextPrompt
from tui.screens.reader import ReaderScreen

DEFAULT_FILTER = "status:suggested"

if TYPE_CHECKING:
    from annotations import edits
else:  # loaded on first use: off the path to the first frame
    edits = lazy_module("annotations.edits")


HEAD_DOCUMENTS = 200  # documents `O` reads at once for its most uncertain quotes


class ReviewScreen(ReaderScreen):
    """The reader, driven by a queue of suggestions across all documents."""

    BINDINGS = bindings(REVIEW)
    FOOTER_FIRST = ("review.",)  # the queue's own keys lead its footer

    def __init__(self, bridge: SessionBridge, *, filter_text: str = DEFAULT_FILTER,
                 order_by: str = "confidence") -> None:
        super().__init__(bridge, "")
        self.filter_text = filter_text
        self.order_by = order_by
        self.reviewed = 0
        self.queue: ReviewQueue = ReviewQueue.of_items((), {})
        self.pos = 0
        self._ahead: str | None = None  # the document read ahead (or being read)
        # the queue item of the last edit made here: accept-and-next may have moved on to
        # another document, and undo takes that edit back there (``undo_scope``)
        self._last_edit_at: int | None = None
        self._planned: ReviewQueue | None = None  # planned before the screen opened

    @property
    def doc_layers(self) -> dict[str, Layer]:
        """The layers of the documents the queue has reached, kept current after edits."""
        return self.queue.layers

    def compose_head(self) -> ComposeResult:
        """Progress bar and queue position."""
        with Horizontal(id="review-head"):
            yield ProgressBar(show_eta=False, show_percentage=False, id="review-progress")
            yield Label(id="review-label")

    def on_mount(self) -> None:
        """Build the queue and show its first item."""
        super(ReaderScreen, self).on_mount()
        self.listen()
        self.article.underline_quotes = self.app.no_color
        self.app.sub_title = "review queue"
        self.rebuild()
        self.article.focus()

    def order(self, order_by: str) -> None:
        """Order the queue by ``confidence`` (least first) or ``stance`` uncertainty."""
        self.order_by = order_by
        self.rebuild()

    def layer_switched(self, _name: str | None) -> None:
        """Another layer is active: its queue."""
        self.rebuild()

    def scheme_changed(self, scheme: StanceScheme) -> None:
        """Labels changed (quotes may be relabelled): re-read and keep the position."""
        self.scheme = scheme
        self._bind_stance_keys()
        pos = self.pos
        self.rebuild()
        if self.queue.has(0):
            self.goto(pos)
        self.refresh_bindings()

    def anything_left(self) -> bool:
        """Plan the queue now, before the screen opens on it: whether it has an item."""
        self._planned = self._plan()
        return self._planned.has(0)

    def rebuild(self) -> None:
        """Plan the queue from the corpus index and the filter (assigned documents first) and
        show its first item; only the documents it reaches are read."""
        planned, self._planned = self._planned, None
        self.queue = self._plan() if planned is None else planned
        if self.order_by != "stance":
            verify_in_background(self, self.bridge, self.layer_name, lambda _ids: None)
        self._ahead = None
        self.pos = 0
        if self.queue.has(0):
            doc_id, qid = self.queue[0]
            self.load(doc_id, qid)
        else:
            first_doc = next(iter(self.queue.layers), None) or self._first_document()
            if first_doc is not None:
                self.load(first_doc)
            self.notify("Nothing to review with this filter.", timeout=3)
        self._refresh_progress()
        self._read_ahead()

    def _plan(self) -> ReviewQueue:
        """The queue for the filter and order: planned from the corpus index (the stance
        order reads the layers of the documents it ranks)."""
        name = self.layer_name
        flt = QueueFilter.parse(self.filter_text, self.bridge.read(lambda s: s.quote_variables))

        def order(s: Session) -> tuple[list[str], set[str]]:
            try:
                mine = team.assigned_to(s, s.annotator) if team.assignment(s) else []
            except SaywhoError:  # a damaged assignments file: project order
                return s.document_ids(), set()
            return (team.order_for(s, s.annotator) if mine else s.document_ids()), set(mine)

        if self.order_by == "stance":
            # the quotes the stance model is least sure of (in at most HEAD_DOCUMENTS
            # documents, read now), most uncertain first, then the usual queue; every
            # document is watched, so the next `O` ranks them all
            covered = self.bridge.stance.uncertain_documents(HEAD_DOCUMENTS)

            def read(s: Session) -> tuple[QueuePlan, dict[str, Layer], set[str]]:
                ids, first = order(s)
                plan = plan_queue(ids, s.corpus_view(name), flt, first)
                return plan, {d: s.layer(d, name) for d in plan.doc_ids if d in covered}, first

            plan, layers, first = self.bridge.read(read)
            items = self.bridge.stance.uncertainty_order(build_queue(layers, flt, first),
                                                         plan.doc_ids)
            return ReviewQueue.ahead_of(documents_first(items, first), layers, plan, flt,
                                        self._read_layer)

        def plan(s: Session) -> ReviewQueue:
            ids, first = order(s)
            return ReviewQueue(plan_queue(ids, s.corpus_view(name), flt, first), flt,
                               self._read_layer)

        return self.bridge.read(plan)

    def _read_layer(self, doc_id: str) -> Layer:
        """The layer on screen of one document, when the queue reaches it."""
        return self.bridge.read(lambda s: s.layer(doc_id, self.layer_name))

    def _first_document(self) -> str | None:
        ids = self.bridge.read(lambda s: s.document_ids())
        return ids[0] if ids else None

    def _read_ahead(self) -> None:
        """Read the next document the queue will reach (its layer and text), in a thread, so
        reaching it costs no disk read."""
        doc_id = self.queue.upcoming()
        if doc_id is None or doc_id == self._ahead:
            return
        self._ahead = doc_id
        name = self.layer_name

        def read() -> None:
            with contextlib.suppress(SaywhoError):  # said when the queue reaches it
                self.bridge.read(lambda s: (s.layer(doc_id, name), s.document(doc_id)))

        self.run_worker(read, thread=True, group="review-ahead", name="review-ahead",
                        exit_on_error=False)

    def session_event(self, event: Event | LiveEvent) -> None:
        """A layer of a queued document stored by another process: count it in progress."""
        super().session_event(event)
        if (
            isinstance(event, LayerStored) and event.layer == self.layer_shown
            and event.doc_id in self.doc_layers and self.bridge.pending == 0 and self.is_mounted
        ):
            self.doc_layers[event.doc_id] = self.bridge.layer(event.doc_id)
            self._refresh_progress()

    def _refresh_progress(self) -> None:
        done, total = self.queue.progress()
        self.reviewed = done
        bar = self.query_one("#review-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done if total else 1)
        about = "~" if self.queue.estimated else ""  # a speaker or words term: an upper bound
        where = f"{self.pos + 1}/{about}{total}" if total else "0/0"
        self.query_one("#review-label", Label).update(Text(visible(
            f" item {where} · reviewed {done}/{about}{total} · filter: "
            f"{self.filter_text or 'none'}"
            + (" · by stance uncertainty" if self.order_by == "stance" else "")
        )))

    def _step(self, delta: int) -> None:
        if not self.queue.has(0):
            return
        self.goto(self.queue.clamp(self.pos + delta))

    def goto(self, pos: int) -> None:
        """Show queue item ``pos`` (switching document when needed)."""
        pos = self.queue.clamp(pos)
        self.pos = pos
        doc_id, qid = self.queue[pos]
        if doc_id != self.doc_id:
            self.load(doc_id, qid)
        else:
            self.select_quote(qid)
        self._refresh_progress()
        self._read_ahead()

    def submit(self, edit: edits.Edit, follow: str | None = None) -> bool:
        """Apply as the reader does, then update the queue's view of that document. With an
        empty queue nothing is edited: the document left on screen is outside the filter."""
        if not self.queue.has(0):
            self.notify("Nothing to review with this filter: / changes it.", severity="warning",
                        timeout=3)
            return False
        ok = super().submit(edit, follow)
        if ok and self.anno is not None:
            self.doc_layers[self.doc_id] = self.anno
            self._last_edit_at = self.pos
            self._refresh_progress()
        return ok

    def before_undo(self) -> None:
        """Right after accept-and-next (or reject-and-next) took the queue into another
        document, an undo acts on the one that edit was made in: the queue goes back to that
        item first, so the undo is seen where it happens."""
        at = self._last_edit_at
        if at is not None and self.queue.has(at) and self.queue[at][0] != self.doc_id:
            self.goto(at)
        self._last_edit_at = None

    def edit_finished(self, outcome: Outcome) -> None:
        """Keep the per-document layers current (undo may touch any document), and the queue's
        place on the quote an undo or redo took the cursor to (the next accept-and-next went
        on from the old place, skipping the item in between)."""
        super().edit_finished(outcome)
        if outcome.ok and outcome.layer is not None and outcome.doc_id in self.doc_layers:
            if outcome.op != "edit" or self.bridge.pending == 0:
                self.doc_layers[outcome.doc_id] = outcome.layer
            if outcome.op in ("undo", "redo") and outcome.doc_id == self.doc_id:
                pos = self.queue.position_of((self.doc_id, self.current_id or ""), self.pos)
                if pos is not None:
                    self.pos = pos
            self._refresh_progress()

    def _next_unreviewed(self) -> None:
        pos = self.queue.next_unreviewed(self.pos)
        if pos is not None:
            self.goto(pos)
            return
        self._step(1)
        if self.queue.progress().finished:
            self.notify("Queue done: every item is reviewed.", timeout=3)

    def action_accept_next(self) -> None:
        """Accept the current item and go to the next unreviewed one."""
        q = self._need_quote()
        # a quote a fix by hand accepted already is passed, not accepted again ("already so")
        if q is not None and (q.status == "accepted"
                              or self.submit(edits.AcceptQuote(self.doc_id, q.id))):
            self._next_unreviewed()

    def action_reject_next(self) -> None:
        """Reject the current item and go to the next unreviewed one."""
        q = self._need_quote()
        if q is not None and self.submit(edits.RejectQuote(self.doc_id, q.id)):
            self._next_unreviewed()

    def action_filter(self) -> None:
        """Change the queue's filter."""

        def done(text: str | None) -> None:
            if text is not None:
                self.filter_text = " ".join(text.split())
                self.rebuild()

        self.app.push_screen(
            TextPrompt("Filter the queue", self.filter_text,
                       "type: speaker: stance: status: "
                       + "".join(f"{filter_term(v)}: " for v in self.bridge.read(
                           lambda s: s.quote_variables))
                       + "(any) + words · Enter: apply"),
            done,
        )

    def action_open_in_reader(self) -> None:
        """Open the current item's document in the reader."""
        self.post_message(OpenDocument(self.doc_id, self.current_id))
