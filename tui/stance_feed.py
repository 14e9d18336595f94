"""StanceFeed: the domain's stance suggester, refitted off the UI thread for the TUI.

What a label is, the snapshot and its cache, fitting and the uncertainty order are
``annotations.stance.suggester``; this module only runs it for the app. After a saved edit that
changes what the model learns (``label_changed``), a layer switch or a scheme change, a thread
worker reads the active layer of every document (one document at a time, under the session's
lock) and refits. Refits never overlap: a request during one queues exactly one more. When a
refit lands, ``updated`` is published and the readers redraw their suggestions.

Nothing of it is paid for at startup: the suggester is built when first needed, and the first
fit waits until the first screen has been painted, then ``FIRST_FIT_DELAY_S`` more, since it
loads the numeric libraries and, in a thread beside the UI, would slow the first frame.

Suggestions are shown, never applied: ``g`` in the reader takes one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
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
    from annotations.stance.types import StanceSuggestion

FIRST_FIT_DELAY_S = 0.3


class StanceFeed:
    """Latest stance suggestions for the layer on screen, refitted when labels change."""

    def __init__(self, session: Session, owner: App[object], layer: Callable[[], str | None]):
        self._session = session
        self._owner = owner
        self._layer = layer
        self._model: StanceSuggester | None = None
        self._first_fit_due = False
        self.updated: Signal[int] = Signal(owner, "stance-updated")

    @property
    def model(self) -> StanceSuggester:
        """The suggester (built on first use)."""
        if self._model is None:
            from annotations.stance.suggester import StanceSuggester

            self._model = StanceSuggester()
        return self._model

    # ------------------------------------------------------------------ reading
    def suggestion(self, doc_id: str, quote: Quote) -> StanceSuggestion | None:
        """The latest suggestion for an unlabelled quote (``None``: nothing to say)."""
        if self._model is None:  # nothing fitted yet
            return None
        return self._model.suggestion(doc_id, quote)

    def uncertainty_order(self, queue: Sequence[Key]) -> list[Key]:
        """``queue`` with the most uncertain stance first."""
        from annotations.stance.suggester import stance_uncertainty_order

        return stance_uncertainty_order(self.model.current, queue)

    @property
    def current(self) -> SuggestionSet:
        """The latest refit's results."""
        return self.model.current

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
        if self._model is None:  # not fitted yet: the first fit reads everything
            return
        from annotations.stance.suggester import label_changed

        self._model.changed(receipt.doc_id)
        change = receipt.change
        if any(
            label_changed(change.quotes_before.get(qid), after)
            for qid, after in change.quotes_after.items()
        ):
            self.request()

    def relabelled(self) -> None:
        """The scheme changed (quotes relabelled everywhere): learn every document anew."""
        if self._model is None:
            return
        self._model.changed()
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
    def request(self) -> None:
        """Refit soon, off the UI thread."""
        if not self.model.refits.request():
            return
        layer = self._layer()
        self._owner.run_worker(partial(self._refit, layer), thread=True, group="stance",
                               name="stance-refit", exit_on_error=False)

    def _refit(self, layer: str | None) -> None:
        session = self._session
        try:
            snap = self.model.snapshot(
                session.document_ids(), lambda d: session.layer(d, layer), session.scheme, layer
            )
            result: SuggestionSet | None = self.model.compute(snap, layer)
            message = ""
        except Exception as exc:  # noqa: BLE001 - a failed refit must not take the app down
            result = None
            message = f"stance suggestions: {type(exc).__name__}: {exc}"
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
            self.request()

    async def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until no refit is running or queued (for tests and quitting)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._first_fit_due and loop.time() < deadline:
            await asyncio.sleep(0.01)
        refits = self.model.refits
        while (refits.running or refits.dirty) and loop.time() < deadline:
            await asyncio.sleep(0.01)
