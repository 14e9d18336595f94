"""QuoteFeed: the project model of quote suggestions, refitted off the UI thread for the TUI.

What counts as corrected, the fit, where the model is kept and how a document is re-suggested
are ``annotations.learn.project`` (the session's ``learning``); this module only runs them for
the app, the way ``StanceFeed`` runs the stance model:

- A saved change that alters what the model learns asks for a refit: a document marked done
  or taken back from done (``d``), and an edit, undo or redo in the annotator's own layer of a
  document that is (or was, at the last refit) corrected, fully reviewed or done, when it
  changes what the model learns (``teaches``: a status, a span, a type, a speaker, a cue; not a
  stance or a note). ``learn`` asks for one at once (the "learn now" action).
- Refits never overlap: one runs in a thread worker; a request during it stops the re-suggest
  part of that one (a newer model is coming) and queues exactly one more.
- When a refit lands it re-suggests, still in the worker, a document at a time: the document
  on screen first, then the un-reviewed documents after it (``ProjectLearning.plan``); each
  document is read, merged and stored under the session's lock alone, so an edit never waits
  for more than one document. A document opened later that the current model has not
  re-suggested yet is re-suggested when it opens (``opened``). Each stored document is a
  ``LayerStored`` event: the reader on screen redraws itself.
- The outcome is one status-bar line (``annotations.learn.project.describe``): "learned from 6
  articles: 14 suggestions changed in 5 documents", or, while the gate keeps the model off,
  the model's own reason (``LearnStatus.describe``); a model that could not be saved is a
  status-bar error, never a crash.

The project setting ``learn_quotes`` (default on, toggled with ``toggle``) switches it all
off; switching it off re-suggests the same documents with the rules again.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.signal import Signal

from annotations.display import count
from annotations.errors import SaywhoError
from annotations.learn.project import (
    LEARN_SETTING,
    Refit,
    ResuggestReport,
    describe,
    learning_enabled,
)
from annotations.session import Session

if TYPE_CHECKING:
    from annotations.change import LayerChange
    from annotations.learn.types import LearnStatus
    from tui.outcome import Outcome

REFIT = "refit"
RESUGGEST = "resuggest"  # the rules again (learning switched off), no refit


@dataclass(frozen=True, slots=True)
class Learned:
    """What one worker run did: the ``refit`` (``None``: none ran), the re-suggest ``report``,
    the ``line`` for the status bar (``""``: nothing to say) and whether it is an ``error``."""

    refit: Refit | None
    report: ResuggestReport
    line: str
    error: bool = False


LEARNED_FIELDS = ("status", "start", "end", "parts", "type", "speaker_id", "cue")


def teaches(change: LayerChange) -> bool:
    """Whether a saved change alters what the quote model learns: a quote added or removed,
    or its status, span, type, speaker or cue changed, or a speaker changed."""
    if change.speakers_after:
        return True
    for qid, after in change.quotes_after.items():
        before = change.quotes_before.get(qid)
        if before is None or after is None or any(
                getattr(before, f) != getattr(after, f) for f in LEARNED_FIELDS):
            return True
    return False


def verdict(status: LearnStatus) -> tuple[bool, str]:
    """What a refit's verdict says, its counts left out: whether the model is in use, and
    why ("worse than the rules on 2 of 5 articles" and "on 3 of 6" are one verdict, said
    once)."""
    return status.trusted, re.sub(r"\d+", "#", status.reason)


class QuoteFeed:
    """The session's project model of quote suggestions, refitted and applied off the UI
    thread (see the module docstring)."""

    def __init__(
        self,
        session: Session,
        owner: App[Any],
        in_view: Callable[[], str | None],
        announce: Callable[[str, bool, bool], None],
    ) -> None:
        self._session = session
        self._owner = owner
        self._in_view = in_view
        self._announce = announce
        self._running = False
        self._wanted: str | None = None  # REFIT or RESUGGEST, queued
        self._opened: list[str] = []  # opened documents to re-suggest
        self._cancel = threading.Event()
        self._corrected: frozenset[str] = frozenset()  # as of the last refit
        self._done: dict[str, bool] = {}  # the annotator's done status of documents opened
        self.last: Learned | None = None
        self.refit_seconds: float | None = None  # the last refit's read and fit, in the worker
        self._said_status: tuple[bool, str] | None = None  # the verdict as last said, counts
        # left out (one more corrected article is no news)
        self.updated: Signal[Learned] = Signal(owner, "quotes-learned")

    # ------------------------------------------------------------------ state
    @property
    def enabled(self) -> bool:
        """Learning is on for this project (``learn_quotes``)."""
        return learning_enabled(self._session.settings)

    @property
    def busy(self) -> bool:
        """A refit or a re-suggest is running or queued."""
        return self._running or self._wanted is not None or bool(self._opened)

    def describe(self) -> str:
        """What the model is and what it did last, for the "learned model" action."""
        if not self.enabled:
            return f"quote suggestions do not learn ({LEARN_SETTING} is off); Z turns it on"
        model = self._session.learning.model
        if model is None:
            return ("quote suggestions: no model yet: mark corrected documents done (d) "
                    "and it learns from them")
        line = f"quote suggestions: {model.status.describe()}"
        conv = model.conventions
        learned = [*(["indirect quotes start after 'that'"] if conv.strip_that else []),
                   *([f"{conv.end_punct} the final punctuation"] if conv.end_punct else []),
                   *([f"{len(model.aliases)} canonical names"] if model.aliases else []),
                   *([f"cues {', '.join(model.cues[:5])}"] if model.cues else [])]
        if learned:
            line += "; learned: " + "; ".join(learned)
        if self.last is not None and self.last.line:
            line += f". Last: {self.last.line}"
        if self.refit_seconds is not None:
            line += f" (refit {self.refit_seconds * 1000:.0f} ms)"
        return line

    # ------------------------------------------------------------------ what changes it
    def outcome(self, outcome: Outcome) -> None:
        """A change came back saved: refit when it changed what the model learns."""
        if not outcome.ok or not self.enabled:
            return
        from annotations.team import DONE, StatusChange

        result = outcome.result
        if isinstance(result, StatusChange):
            status = result.status
            if status.annotator != self._session.annotator:
                return
            was = self._done.get(status.doc_id, False)
            self._done[status.doc_id] = status.status == DONE
            if status.status == DONE or was or status.doc_id in self._corrected:
                self.request()
            return
        receipt, layer = outcome.receipt, outcome.layer
        if receipt is None or layer is None or receipt.layer != self._session.annotator:
            return
        if not teaches(receipt.change):  # a stance or a note: nothing the model learns
            return
        reviewed = bool(layer.quotes) and all(
            q.status != "suggested" for q in layer.quotes.values())
        doc_id = receipt.doc_id
        if reviewed or doc_id in self._corrected or self._done.get(doc_id, False):
            self.request()

    def setting_changed(self, key: str, value: object) -> None:
        """``learn_quotes`` was switched: learn again, or put the rules' suggestions back."""
        if key != LEARN_SETTING:
            return
        self._queue(REFIT if value is not False else RESUGGEST)

    def opened(self, doc_id: str, done: bool = False) -> None:
        """The reader opened ``doc_id``: re-suggest it if the current model has not yet (a
        document marked ``done`` is left alone)."""
        self._done[doc_id] = done
        if done or doc_id in self._opened or not self._session.learning.stale(doc_id):
            return
        self._opened.append(doc_id)
        if not self._running:
            self._start()

    # ------------------------------------------------------------------ running
    def request(self) -> None:
        """Refit soon, off the UI thread (``learn``: the same, asked for by the user)."""
        if self.enabled:
            self._queue(REFIT)

    def learn(self) -> bool:
        """Refit now (the "learn now" action); False when learning is off."""
        if not self.enabled:
            return False
        self._queue(REFIT)
        return True

    def _queue(self, what: str) -> None:
        if self._wanted != REFIT:
            self._wanted = what
        if self._running:
            self._cancel.set()  # the re-suggest under way serves an older model: stop it
        else:
            self._start()

    def _start(self) -> None:
        """On the UI thread: run what is queued in one thread worker."""
        what, self._wanted = self._wanted, None
        opened, self._opened = self._opened, []
        self._cancel = cancel = threading.Event()
        self._running = True
        self._owner.run_worker(partial(self._job, what, opened, self._in_view(), cancel),
                               thread=True, group="quote-learning", name="quote-refit",
                               exit_on_error=False)

    def _job(self, what: str | None, opened: list[str], first: str | None,
             cancel: threading.Event) -> None:
        """In the worker: refit (and keep the model), then re-suggest."""
        learning = self._session.learning
        refit: Refit | None = None
        report = ResuggestReport()
        saved_error = ""
        try:
            if what == REFIT and not learning.enabled:  # switched off since it was asked for
                what = RESUGGEST
            if what == REFIT:
                refit = learning.refit()
                try:
                    learning.keep(refit)
                except SaywhoError as exc:  # the model is in use; the file is not written
                    saved_error = exc.message
            if what is not None:
                plan = learning.plan(first)
                plan += [d for d in opened if d not in plan]
            else:
                plan = opened
            report = learning.resuggest(plan, cancel)
            if saved_error:
                result = Learned(refit, report, saved_error, error=True)
            elif refit is not None:
                result = Learned(refit, report, describe(refit, report))
            elif what == RESUGGEST:
                result = Learned(None, report, "learning from corrections is off (Z turns it on): "
                                 f"quote suggestions from the rules again, {report.changed} "
                                 f"changed in {count(report.documents, 'document')}")
            elif report.changed:
                changed = count(report.changed, "suggestion")
                result = Learned(None, report,
                                 f"project model: {changed} changed in this document")
            else:
                result = Learned(None, report, "")
        except SaywhoError as exc:
            result = Learned(refit, report, exc.message, error=True)
        except Exception as exc:  # noqa: BLE001 - a failed refit must not take the app down
            result = Learned(refit, report, f"quote suggestions: {type(exc).__name__}: {exc}",
                             error=True)
        self._owner.post_message(events.Callback(callback=partial(self._landed, result)))

    def _landed(self, result: Learned) -> None:
        """On the UI thread: say what was learned; run what was queued meanwhile."""
        self._running = False
        if result.refit is not None:
            self._corrected = frozenset(result.refit.doc_ids)
            self.refit_seconds = result.refit.seconds
        stopped = result.report.cancelled and self._wanted is not None
        if not stopped:  # a stopped pass is said by the one that follows it
            self.last = result
            if result.line:
                # a model in use that changed no suggestion is no news: not said, the status
                # bar keeps saying what the last edit did (a gate that keeps the model off is
                # still said there)
                model = result.refit.model if result.refit is not None else None
                from annotations.learn.fit import MIN_ARTICLES  # off the startup path

                nothing_new = not result.error and result.report.changed == 0
                # a model in use, or one not checked yet (too few corrected articles), is no
                # news over the status bar's word on what was just saved: not said
                quiet = nothing_new and model is not None and (
                    model.trusted or model.edits or model.status.articles < MIN_ARTICLES)
                status = None if model is None else verdict(model.status)
                # nothing changed and the verdict is the one last said, but for its counts
                # (each edit in a done document refits; one more corrected article): not
                # said again over the status bar's word on the edit just saved
                if not (nothing_new and status is not None and status == self._said_status):
                    self._announce(result.line, result.error, quiet)
                self._said_status = status
            self.updated.publish(result)
        if self._wanted is not None or self._opened:
            self._start()

    def cancel(self) -> None:
        """Stop a re-suggest under way (quitting) and drop what is queued."""
        self._wanted = None
        self._opened = []
        self._cancel.set()

    async def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until nothing runs or is queued (for tests and quitting)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.busy and loop.time() < deadline:
            await asyncio.sleep(0.01)
