"""StanceFeed: the domain's stance suggester, refitted off the UI thread for the TUI.

What a label is, the snapshot and its cache, fitting and the uncertainty order are
``annotations.stance.suggester``; this module only runs it for the app. After a saved edit that
changes what the model learns (``label_changed``), a layer switch or a scheme change, a thread
worker reads the active layer of every document (one document at a time, under the session's
lock) and refits. Refits never overlap: a request during one queues exactly one more. When a
refit lands, ``updated`` is published and the readers redraw their suggestions.

Suggestions are shown, never applied: ``g`` in the reader takes one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial

from textual import events
from textual.app import App
from textual.signal import Signal

from annotations.model import Quote
from annotations.session import Session
from annotations.stance.suggester import (
    Key,
    StanceSuggester,
    SuggestionSet,
    label_changed,
    stance_uncertainty_order,
)
from annotations.stance.types import StanceSuggestion
from annotations.store import EditReceipt
from tui.plain import say


class StanceFeed:
    """Latest stance suggestions for the layer on screen, refitted when labels change."""

    def __init__(self, session: Session, owner: App[object], layer: Callable[[], str | None]):
        self._session = session
        self._owner = owner
        self._layer = layer
        self.model = StanceSuggester()
        self.updated: Signal[int] = Signal(owner, "stance-updated")

    # ------------------------------------------------------------------ reading
    def suggestion(self, doc_id: str, quote: Quote) -> StanceSuggestion | None:
        """The latest suggestion for an unlabelled quote (``None``: nothing to say)."""
        return self.model.suggestion(doc_id, quote)

    def uncertainty_order(self, queue: Sequence[Key]) -> list[Key]:
        """``queue`` with the most uncertain stance first."""
        return stance_uncertainty_order(self.model.current, queue)

    @property
    def current(self) -> SuggestionSet:
        """The latest refit's results."""
        return self.model.current

    # ------------------------------------------------------------------ what changes it
    def start(self) -> None:
        """Fit once when suggestions are first wanted."""
        if self.model.fits == 0 and not self.model.refits.running:
            self.request()

    def edit_saved(self, receipt: EditReceipt) -> None:
        """A saved edit, undo or redo: refit when it changed what the model learns."""
        self.model.changed(receipt.doc_id)
        change = receipt.change
        if any(
            label_changed(change.quotes_before.get(qid), after)
            for qid, after in change.quotes_after.items()
        ):
            self.request()

    def relabelled(self) -> None:
        """The scheme changed (quotes relabelled everywhere): learn every document anew."""
        self.model.changed()
        self.request()

    def layer_switched(self) -> None:
        """Another layer is shown: drop the old layer's suggestions, learn from this one."""
        layer = self._layer()
        if self.model.current.layer != layer:
            self.model.current = SuggestionSet(self.model.fits, layer)
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
        refits = self.model.refits
        while (refits.running or refits.dirty) and loop.time() < deadline:
            await asyncio.sleep(0.01)
