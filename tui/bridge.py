"""SessionBridge: the TUI's one handle on the domain session.

Every change the TUI makes (an edit, undo, redo, a scheme or settings change) is queued here
and run by one worker thread through the ``Session``, in order, so the UI redraws before the
change is fsynced. When the session returns (or raises its one kind of error) the outcome is
handed back to the UI thread and published on ``outcomes``; the status bars follow
``save_states``. Screens get the bridge when they are built and subscribe to its signals: they
never import the app, and the app never pokes attributes into them.

The bridge also holds the view state every screen shares (which layer is shown and edited),
the stance suggestions (``StanceFeed``), which it tells about saved edits, layer switches
and scheme changes, and the project model of quote suggestions (``QuoteFeed``), which it tells
about saved edits, status changes and the ``learn_quotes`` setting; what that model learned is
said in the status bar like a save (``learned``).

The reader tells the bridge where it is (``remember_position``); the same worker stores that
place for the annotator (``Session.remember_position``), at most once per ``position_delay``
and at shutdown, so moving never waits for a disk and the next start can reopen there.

A live project (``start_live``): every second a ``ProjectWatcher`` (``annotations.live``) looks,
in a worker thread, at what other processes changed on disk (imported documents, the scheme,
settings, the team's statuses and journals, the layers of the document in view); its events are
published on ``session_events`` (and ``scheme_changed``) like this session's own.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.signal import Signal

from annotations.display import count
from annotations.errors import (
    InputError,
    NothingToChange,
    SaveError,
    SaywhoError,
    StepConflict,
)
from annotations.events import DocumentsAdded, Event, LayerStored, SchemeChanged, SettingChanged
from annotations.live import LiveEvent, ProjectWatcher, TeamProgressChanged
from annotations.model import SUGGESTIONS_LAYER, Layer, StanceScheme
from annotations.session import Session
from annotations.store import EditReceipt
from tui.outcome import Outcome
from tui.plain import say
from tui.quote_feed import QuoteFeed
from tui.speaker_feed import SpeakerFeed
from tui.stance_feed import StanceFeed

if TYPE_CHECKING:
    from textual.timer import Timer

    from annotations.codebook import CodedVariable
    from annotations.edits import Edit
    from annotations.registry import SpeakerRegistry

T = TypeVar("T")


class SaveState(NamedTuple):
    """What the status bar says about saving: ``idle``, ``saving``, ``saved`` or ``error``."""

    state: str
    message: str


class SessionBridge:
    """Runs changes in a worker, reads under the session's lock, publishes what happened."""

    def __init__(self, session: Session, owner: App[Any], settle_delay: float = 0.02) -> None:
        self.session = session
        self._owner = owner
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="saywho-save")
        self._pending_lock = threading.Lock()
        self.pending = 0  # queued and not yet handed back to the UI
        self.moving = 0  # of them, undos and redos: the screens move to what they touch
        self._unsaved = 0  # queued and not yet through the session (counted by the worker)
        self.settle_delay = settle_delay
        self.save_state = SaveState("idle", "no edits yet")
        self._settled = self.save_state  # the last state that was not "saving"
        self.last: Outcome | None = None
        self.active_layer: str | None = None
        self.scheme: StanceScheme = session.scheme
        self.outcomes: Signal[Outcome] = Signal(owner, "outcomes")
        self.save_states: Signal[SaveState] = Signal(owner, "save-states")
        self.layer_switched: Signal[str | None] = Signal(owner, "layer-switched")
        self.scheme_changed: Signal[StanceScheme] = Signal(owner, "scheme-changed")
        self.session_events: Signal[Event | LiveEvent] = Signal(owner, "session-events")
        self.stance = StanceFeed(session, owner, lambda: self.active_layer)
        self._code_feeds: dict[CodedVariable, StanceFeed] = {}
        self.quotes = QuoteFeed(session, owner, self.document_in_view, self.learned)
        self.speakers = SpeakerFeed(session, owner, lambda: self.active_layer)
        self._unsubscribe = session.subscribe(self._heard)
        self.watcher: ProjectWatcher | None = None
        self._live_pool: ThreadPoolExecutor | None = None
        self._polling = False
        self.position_delay = 0.5  # seconds: at most one save of the reader's place per delay
        self._place: tuple[str, str | None] | None = None  # where the reader is
        self._place_saved: tuple[str, str | None] | None = None  # what was handed to the worker
        self._place_timer: Timer | None = None
        self._place_warned = False
        # The UI thread waits for the GIL after every poll of its event loop; while a save
        # serializes a large layer, the default 5 ms switch interval makes each wait long.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))

    # ------------------------------------------------------------------ reads
    @property
    def annotator(self) -> str:
        """The annotator this TUI writes for."""
        return self.session.annotator

    @property
    def layer_shown(self) -> str:
        """The layer on screen: the active one, else the annotator's own."""
        return self.active_layer or self.session.annotator

    def read(self, fn: Callable[[Session], T]) -> T:
        """Several reads as one, never in the middle of a change."""
        return self.session.read(fn)

    def layer(self, doc_id: str) -> Layer:
        """The layer on screen of ``doc_id``."""
        return self.session.layer(doc_id, self.active_layer)

    def speaker_registry(self) -> SpeakerRegistry:
        """The corpus's speakers in the layer on screen (``SpeakerFeed``: read once, then
        kept current a document at a time, read again in a worker when stale)."""
        return self.speakers.registry()

    def update_registry(self, doc_id: str, layer: Layer | None = None) -> None:
        """Bring ``doc_id``'s part of the speaker registry up to date (``layer``: its layer on
        screen as just saved; else read)."""
        self.speakers.update(doc_id, layer)

    def corpus_speaker_id(self, key: str) -> str:
        """The id a corpus speaker (``registry_key`` ``key``) has in a document where it
        speaks, read from that one layer (the corpus index keeps names, not ids); "" when
        it is nowhere to be found."""
        entry = self.speaker_registry().get(key)
        if entry is None:
            return ""
        if not entry.speaker_id:
            from annotations.registry import speaker_key

            for doc_id in [d for d in (entry.found_in, *sorted(entry.documents)[:2]) if d]:
                layer = self.read(lambda s, d=doc_id: s.layer(d, self.active_layer))
                found = next((sp.id for sp in layer.speakers.values()
                              if speaker_key(sp.name) == key), "")
                if found:
                    entry.speaker_id = found
                    break
        return entry.speaker_id

    # ------------------------------------------------------------------ changes
    def code_feed(self, variable: CodedVariable) -> StanceFeed:
        """The suggestions of quote variable ``variable`` (topic…), learned from the layer's
        coded quotes by the stance's learner (built on first use; a variable whose values
        change is another feed)."""
        feed = self._code_feeds.get(variable)
        if feed is None:
            from annotations.stance.target import Target

            feed = StanceFeed(self.session, self._owner, lambda: self.active_layer,
                              Target.code(variable))
            self._code_feeds = {v: f for v, f in self._code_feeds.items()
                                if v.name != variable.name}  # the variable's old values: gone
            self._code_feeds[variable] = feed
        return feed

    async def wait_learned(self, timeout: float = 30.0) -> None:
        """Wait until no stance or quote variable refit runs or is queued (for tests)."""
        for feed in (self.stance, *self._code_feeds.values()):
            await feed.wait_idle(timeout)

    def submit(self, edit: Edit, what: str | None = None) -> None:
        """Queue an edit; ``what`` says it in the researcher's words while it saves (default:
        the kind of edit, "adopt"). Once saved, the message is worded from what it changed."""
        self._queue("edit", what or edit.name, lambda s: s.apply(edit), edit)

    def undo(self, doc_id: str, layer: str) -> None:
        """Queue an undo of this annotator's last edit in ``doc_id`` and ``layer``."""
        self._queue("undo", "undo", lambda s: s.undo(doc_id, layer))

    def redo(self, doc_id: str, layer: str) -> None:
        """Queue a redo of the last undone edit in ``doc_id`` and ``layer``."""
        self._queue("redo", "redo", lambda s: s.redo(doc_id, layer))

    def change(self, what: str, fn: Callable[[Session], Any]) -> None:
        """Queue any other change (scheme, settings): same worker, same error policy."""
        self._queue("change", what, fn)

    def refuse_read_only(self) -> str | None:
        """The reason edits are refused, or ``None`` when they are not."""
        if self.session.read_only:
            return self.session.read_only_reason or "the project is open read-only"
        return None

    def refused(self, node: DOMNode) -> bool:
        """When the project is read-only: say why on ``node`` and return True."""
        reason = self.refuse_read_only()
        if reason is not None:
            say(node, reason, title="Read-only", severity="error")
        return reason is not None

    def _queue(
        self, op: str, what: str, fn: Callable[[Session], Any], edit: Edit | None = None
    ) -> None:
        with self._pending_lock:
            self.pending += 1
            self._unsaved += 1
            self.moving += op in ("undo", "redo")
        self._set_save("saving", what if self.pending == 1 else f"{what} ({self.pending} queued)")
        self._pool.submit(self._run, op, what, fn, edit)

    def _run(self, op: str, what: str, fn: Callable[[Session], Any], edit: Edit | None) -> None:
        if self.settle_delay:  # let the UI paint the change before saving competes for the GIL
            time.sleep(self.settle_delay)
        try:
            outcome = self.run_now(op, what, fn, edit)
        finally:
            with self._pending_lock:
                self._unsaved -= 1
        self._deliver(outcome)

    def run_now(
        self, op: str, what: str, fn: Callable[[Session], Any], edit: Edit | None = None
    ) -> Outcome:
        """Run one change in the calling thread and say what became of it."""
        try:
            result = fn(self.session)
            receipt = result if isinstance(result, EditReceipt) else None
            layer = None
            if receipt is not None:
                layer = self.session.layer(receipt.doc_id, receipt.layer)
            return Outcome(op, what, edit, receipt, layer, result)
        except SaywhoError as exc:
            return Outcome(op, what, edit, error=exc)
        except OSError as exc:  # a write the system refused (a read-only folder, a full disk)
            return Outcome(op, what, edit, error=SaveError(
                f"{what}: not saved ({exc.strerror or exc})"))
        except Exception as exc:  # noqa: BLE001 - any failure must reach the status bar
            return Outcome(op, what, edit, error=SaywhoError(f"{type(exc).__name__}: {exc}"))

    def _deliver(self, outcome: Outcome) -> None:
        """From the worker: hand the outcome to the UI thread without waiting for it (a
        blocking hand-over would deadlock a shutdown that waits for the last save)."""
        self._owner.post_message(events.Callback(callback=partial(self._delivered, outcome)))

    def _delivered(self, outcome: Outcome) -> None:
        try:
            self._hand_back(outcome)
        finally:
            if outcome.op in ("undo", "redo"):  # the screens have moved: keys may go on
                with self._pending_lock:
                    self.moving = max(self.moving - 1, 0)

    def _hand_back(self, outcome: Outcome) -> None:
        with self._pending_lock:
            self.pending = max(self.pending - 1, 0)
        self.last = outcome
        if isinstance(outcome.error, NothingToChange):
            # the edit restated what is there: nothing was written, no undo step was made
            say(self._owner, f"{outcome.what}: already so, nothing to save.", timeout=2)
            if not self.pending:
                self._set_save(self._settled.state, self._settled.message)
        elif isinstance(outcome.error, InputError):
            # refused before anything was written (a taken key, an edit that no longer fits):
            # say why once; the status bar keeps saying what is on disk
            say(self._owner, self._refusal(outcome.error), title=outcome.error.title,
                severity="warning")
            if not self.pending:
                self._set_save(self._settled.state, self._settled.message)
        elif outcome.ok and outcome.receipt is None and outcome.op in ("undo", "redo"):
            # nothing was written: say so once; the status bar keeps saying what is on disk
            # (it said "✓ saved: nothing to undo")
            say(self._owner, f"Nothing to {outcome.what}.", timeout=2)
            if not self.pending:
                self._set_save(self._settled.state, self._settled.message)
        elif outcome.ok:
            what = outcome.what
            if outcome.receipt is not None and outcome.op in ("edit", "undo", "redo"):
                what = self._in_words(outcome)
            elif isinstance(outcome.result, int) and outcome.op == "change":
                what += f" ({count(outcome.result, 'quote')})"
            if self.pending:
                self._set_save("saving", f"{what} saved, {self.pending} queued")
            else:
                self._set_save("saved", what)
        else:
            error = outcome.error
            assert error is not None
            message = error.message
            journal_text = outcome.edit.describe() if outcome.edit is not None else ""
            if journal_text and message.startswith(journal_text):
                # the session names a failed edit by its journal text (ids): say it in words
                message = outcome.what + message[len(journal_text):]
            self._set_save("error", message)
            say(self._owner, message, title=error.title, severity="error")
        if outcome.receipt is not None:
            self.stance.edit_saved(outcome.receipt)
            for feed in self._code_feeds.values():
                feed.edit_saved(outcome.receipt)
        if outcome.layer is not None and outcome.doc_id is not None:
            self.update_registry(outcome.doc_id, outcome.layer)
        self.quotes.outcome(outcome)
        self.outcomes.publish(outcome)

    def _refusal(self, error: InputError) -> str:
        """A refused change in the researcher's words: a skipped undo names quotes by number
        and says who else edits the layer (``history_view.conflict_message``)."""
        if not isinstance(error, StepConflict):
            return error.message
        from annotations.history_view import conflict_message  # off the startup path

        try:
            layer = self.session.layer(error.doc_id, error.layer)
        except SaywhoError:
            layer = None
        return conflict_message(error, layer)

    def _in_words(self, outcome: Outcome) -> str:
        """A saved edit, undo or redo as the researcher reads it: quotes by number, speakers
        by name, an undo by what it restored (``annotations.history_view``)."""
        receipt = outcome.receipt
        assert receipt is not None
        from annotations.history_view import step_message  # off the startup path

        what = step_message(outcome.op, receipt.change, outcome.layer, receipt.document)
        if receipt.skipped:
            count = len(receipt.skipped)
            what += f" ({count} older edit{'s' if count != 1 else ''} could not be undone)"
        return what + (self._elsewhere(outcome) if outcome.op != "edit" else "")

    def _elsewhere(self, outcome: Outcome) -> str:
        receipt = outcome.receipt
        if receipt is None or receipt.layer == self.layer_shown:
            return ""
        return f" (in {receipt.doc_id}, layer {receipt.layer})"

    def learned(self, message: str, error: bool = False, quiet: bool = False) -> None:
        """What the quote model learned (or why it could not be saved), in the status bar:
        an error like a failed save; otherwise said once no edit is saving (the save state
        keeps saying whether the last edit is saved); ``quiet`` (nothing changed): not said
        (``W`` says it; a notice after each refit covered the status bar and the info line
        at 80 columns, after most keys in a reviewed document)."""
        if error:
            self._set_save("error", message)
            say(self._owner, message, title="Quote suggestions", severity="error")
        elif quiet:
            return
        elif self.pending or self._settled.state == "error":  # the bar keeps the edit's
            say(self._owner, message, title="Quote suggestions", timeout=4)
        else:
            self._set_save(self._settled.state, message)

    def document_opened(self) -> None:
        """Another document is on screen: the status bar no longer tells the last edit (it
        was made elsewhere, and read as if made here), only that every edit is saved; an
        error or a save under way keeps its words."""
        if not self.pending and self._settled.state == "saved":
            self._set_save("saved", "every edit saved")

    def _set_save(self, state: str, message: str) -> None:
        self.save_state = SaveState(state, message)
        if state != "saving":
            self._settled = self.save_state
        self.save_states.publish(self.save_state)

    def _heard(self, event: Event) -> None:
        """A session event, in whatever thread made the change: on to the UI thread."""
        self._owner.post_message(events.Callback(callback=partial(self._announce, event)))

    def _announce(self, event: Event | LiveEvent) -> None:
        if isinstance(event, SchemeChanged):
            self.scheme = event.scheme
            self.stance.relabelled()
            self.scheme_changed.publish(event.scheme)
        elif isinstance(event, LayerStored):
            if event.layer in (self.layer_shown, SUGGESTIONS_LAYER):  # an unstored own layer
                self.update_registry(event.doc_id)  # reads as the suggestions
        elif isinstance(event, DocumentsAdded):
            self.speakers.added(event.doc_ids)
        elif isinstance(event, TeamProgressChanged) and event.annotators \
                and self.layer_shown != self.session.annotator:
            # another process wrote to its journal: it may have changed the layer on screen
            # (a shared one) in documents the watcher does not look at; read it again
            self.speakers.stale()
        elif isinstance(event, SettingChanged):
            self.quotes.setting_changed(event.key, event.value)
            if self._code_feeds:  # loaded by then: the picker made them
                from annotations.codebook import QUOTE_SETTING

                if event.key == QUOTE_SETTING:  # a variable gone or changed: its learner
                    kept = set(self.session.quote_variables)  # stops refitting
                    self._code_feeds = {v: f for v, f in self._code_feeds.items() if v in kept}
        self.session_events.publish(event)

    # ------------------------------------------------------------------ live project
    def start_live(self, interval: float = 1.0) -> None:
        """Look for other processes' changes every ``interval`` seconds from now on."""
        if self.watcher is not None:
            return
        self.watcher = ProjectWatcher(self.session)
        self._live_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="saywho-live")
        self._owner.set_interval(interval, self._live_tick, name="saywho-live")

    def document_in_view(self) -> str | None:
        """The document the topmost screen that is about one shows (its layers are watched)."""
        for screen in reversed(self._owner.screen_stack):
            find = getattr(screen, "document_in_view", None)
            doc_id = find() if callable(find) else None
            if doc_id:
                return doc_id
        return None

    def _live_tick(self) -> None:
        """On the UI thread: start a look unless one is still running."""
        if self._polling or self._live_pool is None:
            return
        self._polling = True
        try:
            self._live_pool.submit(self._live_poll, self.document_in_view())
        except RuntimeError:  # shut down
            self._polling = False

    def _live_poll(self, doc_id: str | None) -> None:
        """In the live thread: look, then hand what was found to the UI thread."""
        found: list[LiveEvent] = []
        try:
            if self.watcher is not None:
                found = self.watcher.poll(doc_id)
        except Exception:  # noqa: BLE001, S110 - a failed look is taken again at the next tick
            pass
        self._owner.post_message(events.Callback(callback=partial(self._live_found, found)))

    def _live_found(self, found: list[LiveEvent]) -> None:
        self._polling = False
        for event in found:
            self._announce(event)

    # ------------------------------------------------------------------ view state
    def switch_layer(self, name: str) -> None:
        """Show and edit layer ``name`` from now on, on every screen."""
        self.active_layer = None if name == self.session.annotator else name
        self.speakers.forget()
        self.stance.layer_switched()
        for feed in self._code_feeds.values():
            feed.layer_switched()
        self.layer_switched.publish(self.active_layer)

    # ------------------------------------------------------------------ reader position
    def remember_position(self, doc_id: str, quote_id: str | None) -> None:
        """On the UI thread: the reader now shows ``quote_id`` of ``doc_id``. It is stored (so
        the next start opens there) by the worker at most once per ``position_delay`` and at
        shutdown; never on the UI thread, never in the status bar (it is not an edit)."""
        if self.session.read_only or not doc_id:
            return
        self._place = (doc_id, quote_id)
        if self._place_timer is None and self._place != self._place_saved:
            self._place_timer = self._owner.set_timer(
                self.position_delay, self._flush_position, name="saywho-position")

    def _flush_position(self) -> None:
        """On the UI thread: hand the latest place to the worker unless it is stored."""
        self._place_timer = None
        place = self._place
        if place is None or place == self._place_saved:
            return
        self._place_saved = place
        try:
            self._pool.submit(self._save_position, place)
        except RuntimeError:  # shut down
            self._place_saved = None

    def _save_position(self, place: tuple[str, str | None]) -> None:
        """In the worker: store the place; a failure is said once, the next move retries."""
        try:
            self.session.remember_position(*place)
        except SaywhoError as exc:
            self._owner.post_message(events.Callback(
                callback=partial(self._position_failed, place, exc)))

    def _position_failed(self, place: tuple[str, str | None], error: SaywhoError) -> None:
        if self._place_saved == place:
            self._place_saved = None
        if not self._place_warned:
            self._place_warned = True
            say(self._owner, error.message, title=error.title, severity="warning")

    # ------------------------------------------------------------------ lifetime
    async def wait_saved(self, timeout: float = 10.0) -> None:
        """Wait (asynchronously) until every queued change has been through the session (saved
        or refused). This is the wait for an action handler: it does not need the UI to handle
        the outcomes, which it cannot do while the handler waits."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._unsaved and loop.time() < deadline:
            await asyncio.sleep(0.005)

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait (asynchronously) until every queued change has been delivered to the UI (for
        tests and other code outside the app's message handlers)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.pending and loop.time() < deadline:
            await asyncio.sleep(0.005)

    def shutdown(self) -> None:
        """Finish queued changes (and store the reader's last place) and stop the worker."""
        if self._place_timer is not None:
            self._place_timer.stop()
        self.quotes.cancel()
        self._flush_position()
        self._pool.shutdown(wait=True)
        if self._live_pool is not None:
            self._live_pool.shutdown(wait=True)
        if self.watcher is not None:
            self.watcher.close()
        self._unsubscribe()
