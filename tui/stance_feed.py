"""StanceFeed: the domain's stance suggester, refitted off the UI thread for the TUI.

What a label is, the snapshot and its cache, fitting and the uncertainty order are
``annotations.stance.suggester``; this module only runs it for the app. After a saved edit that
changes what the model learns (``label_changed``), a layer switch or a scheme change, a thread
worker refits. Refits never overlap: a request during one queues exactly one more. When a
refit lands, ``updated`` is published and the readers redraw their suggestions.

What a refit reads does not grow with the corpus (issue "Corpus scale"): the model learns from
the documents that hold labels, and suggests for those and for the documents whose suggestions
were asked for (``suggestion``, ``uncertainty_order``: the ones opened). Which documents may
hold labels comes from the corpus index, read once per layer (``may_hold_labels``;
``annotations.stance.adapt.is_label`` then decides from the layer), and is
kept current by this session's own saved edits; only those documents' layers are read (one at a
time, under the session's lock, and again only when they changed). A document opened later gets
its suggestions from the model already fitted (``StanceSuggester.extend``), so a suggestion does
not depend on which other documents were opened.

Nothing of it is paid for at startup: the suggester is built when first needed, and the first
fit waits until the first screen has been painted, then ``FIRST_FIT_DELAY_S`` more, since it
loads the numeric libraries and, in a thread beside the UI, would slow the first frame.

Suggestions are shown, never applied: ``g`` in the reader takes one.

The same feed serves a quote variable's suggestions (topic, frame…: ``target`` a
``annotations.stance.target.Target.code``): one learner, one gate, one refit rule; the reader's
``i`` shows its suggestion first in the picker, and Enter there stores it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.signal import Signal

from annotations.model import Quote
from annotations.session import Session
from annotations.store import EditReceipt
from tui.plain import say

if TYPE_CHECKING:
    from annotations.stance.suggester import Key, StanceSuggester, SuggestionSet
    from annotations.stance.target import Target
    from annotations.stance.types import StanceSuggestion

FIRST_FIT_DELAY_S = 0.3
INDEX_SLICE = 2000  # index summaries read per hold of the session's lock (the UI saves between)


class StanceFeed:
    """Latest stance suggestions for the layer on screen, refitted when labels change (or a
    quote variable's, with ``target``: ``Target.code(variable)``; ``None``: the stance of the
    session's scheme)."""

    def __init__(self, session: Session, owner: App[object], layer: Callable[[], str | None],
                 target: Target | None = None):
        self._session = session
        self._owner = owner
        self._layer = layer
        self._code = target
        self.name = target.name if target is not None else "stance"
        self._group = "stance" if target is None else f"code-{target.name}"
        self._model: StanceSuggester | None = None
        self._first_fit_due = False
        # per layer: the documents whose index summary may hold labels (read once)
        self._labelled: dict[str | None, frozenset[str]] = {}
        self._touched: set[str] = set()  # documents whose labels this session changed
        self._watched: set[str] = set()  # documents whose suggestions were asked for
        self._base: SuggestionSet | None = None  # the latest fit
        self._fit_wanted = True  # labels may have changed since: fit again, not only extend
        self.updated: Signal[int] = Signal(owner, f"{self._group}-updated")

    def target(self) -> Target:
        """What this feed suggests: its quote variable, else the stance of the scheme now."""
        from annotations.stance.target import Target

        return self._code if self._code is not None else Target.stance(self._session.scheme)

    @property
    def model(self) -> StanceSuggester:
        """The suggester (built on first use)."""
        if self._model is None:
            from annotations.stance.suggester import StanceSuggester

            self._model = StanceSuggester()
        return self._model

    # ------------------------------------------------------------------ reading
    def suggestion(self, doc_id: str, quote: Quote) -> StanceSuggestion | None:
        """The latest suggestion for an unlabelled quote (``None``: nothing to say); the
        document's suggestions are made from now on (``watch``)."""
        self.watch([doc_id])
        if self._model is None:  # nothing fitted yet
            return None
        return self._model.suggestion(doc_id, quote, self._code)

    def uncertainty_order(self, queue: Sequence[Key], watch: Iterable[str] = ()) -> list[Key]:
        """The items of ``queue`` the latest refit has an uncertainty for, most uncertain
        first; the documents of ``watch`` get suggestions from the next refit on (an order
        asked for before then leaves them out)."""
        from annotations.stance.suggester import stance_uncertainty_order

        self.watch(watch)
        unc = self.model.current.uncertainty
        return stance_uncertainty_order(self.model.current, [k for k in queue if k in unc])

    def uncertain_documents(self, limit: int) -> frozenset[str]:
        """The documents of the quotes the latest refit is least sure of, at most ``limit``
        (none before the first fit): the head of the stance-ordered queue, read at once."""
        if self._model is None:
            return frozenset()
        import heapq

        unc = self._model.current.uncertainty
        found: dict[str, None] = {}
        for doc_id, _ in heapq.nlargest(limit * 20, unc, key=unc.__getitem__):
            found[doc_id] = None
            if len(found) >= limit:
                break
        return frozenset(found)

    def watch(self, doc_ids: Iterable[str]) -> None:
        """Make suggestions for these documents too, from the next refit on (one is asked for
        now when fitting has begun: a refit running may have missed them)."""
        new = [d for d in doc_ids if d not in self._watched]
        if not new:
            return
        self._watched.update(new)
        model = self._model
        if model is not None and (model.fits or model.refits.running):
            self.request(fit=False)

    @property
    def current(self) -> SuggestionSet:
        """The latest refit's results."""
        return self.model.current

    @property
    def fitted(self) -> SuggestionSet | None:
        """The latest refit's results, or ``None`` before the first fit."""
        return self.model.current if self.model.fits else None

    # ------------------------------------------------------------------ what changes it
    def start(self) -> None:
        """Fit once when suggestions are first wanted, once the screen is up."""
        if self._first_fit_due or (self._model is not None and self._model.fits):
            return
        self._first_fit_due = True
        self._owner.call_after_refresh(self._owner.set_timer, FIRST_FIT_DELAY_S, self._first_fit)

    def _first_fit(self) -> None:
        self._first_fit_due = False
        if self.model.fits == 0 and not self.model.refits.running:
            self.request()

    def edit_saved(self, receipt: EditReceipt) -> None:
        """A saved edit, undo or redo: refit when it changed what the model learns."""
        if self._model is None:  # not fitted yet: the first fit finds it in the index
            return
        from annotations.stance.suggester import label_changed

        self._model.changed(receipt.doc_id)
        change = receipt.change
        if any(
            label_changed(change.quotes_before.get(qid), after, self._code)
            for qid, after in change.quotes_after.items()
        ):
            self._touched.add(receipt.doc_id)
            self.request()

    def relabelled(self) -> None:
        """The scheme changed (quotes relabelled everywhere): learn every document anew."""
        if self._model is None:
            return
        self._model.changed()
        self._labelled.clear()  # labels renamed or removed: read the index again
        self.request()

    def layer_switched(self) -> None:
        """Another layer is shown: drop the old layer's suggestions, learn from this one."""
        if self._model is None:
            return
        from annotations.stance.suggester import SuggestionSet

        layer = self._layer()
        if self._model.current.layer != layer:
            self._model.current = SuggestionSet(self._model.fits, layer)
        self.request()

    # ------------------------------------------------------------------ refitting
    def request(self, *, fit: bool = True) -> None:
        """Refit soon, off the UI thread (``fit=False``: only documents to suggest for were
        added; the model fitted last serves them, see ``StanceSuggester.extend``)."""
        if fit:
            self._fit_wanted = True
        if not self.model.refits.request():
            return
        layer = self._layer()
        self._owner.run_worker(partial(self._refit, layer), thread=True, group=self._group,
                               name=f"{self._group}-refit", exit_on_error=False)

    def _labelled_documents(self, layer: str | None) -> frozenset[str]:
        """The documents whose summary of ``layer`` may hold labels (``may_hold_labels``),
        from the corpus index, a slice at a time; read once per layer."""
        from annotations.stance.suggester import may_hold_labels

        known = self._labelled.get(layer)
        if known is not None:
            return known
        session = self._session
        view = session.corpus_view(layer)
        ids = list(view.doc_ids)
        found: set[str] = set()
        code = self._code
        for start in range(0, len(ids), INDEX_SLICE):
            part = ids[start:start + INDEX_SLICE]
            found.update(session.read(
                lambda _s, part=part: [d for d in part
                                       if may_hold_labels(view.layer_summary(d), code)]
            ))
        self._labelled[layer] = frozenset(found)
        return self._labelled[layer]

    def _compute(self, layer: str | None) -> SuggestionSet:
        """Fit on the documents that may hold labels (unless only documents to suggest for
        were added since the last fit), then suggest for the watched documents too."""
        session = self._session
        model = self.model
        learn = self._labelled_documents(layer) | self._touched
        watched = set(self._watched)
        ids = session.document_ids()

        def read(doc_id: str):  # noqa: ANN202 - a Layer
            return session.layer(doc_id, layer)

        def text(doc_id: str) -> str:  # a quote variable learns from the quote's sentence
            return session.document(doc_id).text

        base = self._base
        target = self.target()
        if base is None or base.layer != layer or self._fit_wanted:
            self._fit_wanted = False  # before reading: a label saved meanwhile asks again
            snap = model.snapshot([d for d in ids if d in learn], read, target, layer, text)
            base = self._base = model.compute(snap, layer)
        more = model.snapshot([d for d in ids if d in watched and d not in learn], read,
                              target, layer, text)
        return model.extend(base, more, model.fits + 1)

    def _refit(self, layer: str | None) -> None:
        try:
            result: SuggestionSet | None = self._compute(layer)
            message = ""
        except Exception as exc:  # noqa: BLE001 - a failed refit must not take the app down
            result = None
            message = f"{self.name} suggestions: {type(exc).__name__}: {exc}"
            self._fit_wanted = True
        self._owner.post_message(
            events.Callback(callback=partial(self._refitted, result, message))
        )

    def _refitted(self, result: SuggestionSet | None, message: str) -> None:
        again = self.model.refits.finished()
        if result is not None and result.layer == self._layer():  # not a layer left since
            self.model.fits = result.version
            self.model.current = result
            self.updated.publish(result.version)
        elif message:
            say(self._owner, message, severity="warning", timeout=4)
        if again or (result is not None and result.layer != self._layer()):
            self.request(fit=False)  # what asked for it said whether to fit

    async def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until no refit is running or queued (for tests and quitting)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._first_fit_due and loop.time() < deadline:
            await asyncio.sleep(0.01)
        refits = self.model.refits
        while (refits.running or refits.dirty) and loop.time() < deadline:
            await asyncio.sleep(0.01)
