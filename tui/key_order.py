"""KeyOrder: every key is handled in the order it was typed, and none is lost.

Textual hands a key to the focused widget and runs a screen's binding only when the key has
bubbled back up to the app, through a queue per widget. A burst of keys (a paste, a fast
typist over SSH, ``tmux send-keys``) is therefore routed before the keys ahead of it have
acted: the text typed after ``e`` (note) went to the reader, not to the prompt ``e`` opens,
and a key typed after a prompt's Enter could be typed into the prompt, or reach the reader
only after the prompt had closed, unheard. KeyOrder decides each key where it arrives, in
the app's own queue, one after the other:

* with no text field focused, a key's binding runs at once (a prompt it opens is on the
  screen stack before the next key is looked at);
* on a screen with a text field that takes early keys (``early_field``), a character,
  Backspace and Enter go into that field at once, and other keys run their binding at once;
* a key that comes while a prompt is still opening, or after its Enter until it has closed,
  is held, and held keys go on, in order, once the screen in front can take them;
* a paste (bracketed) is one more event in that order: into the early field, or held;
* after an undo or redo, keys wait until the screen has moved to what it touched (``busy``):
  the keys typed after ``u`` act there, not on the quote the cursor was on before;
* a screen waiting for what its keys act on (``keys_wait``: a search's first results) holds
  them until it comes;
* after a mouse button, or Enter on a list (both act through messages: a row chosen opens a
  document a moment later), keys wait for what they started: at least ``SETTLE_S``, and on
  while a message is still on its way between the widget it started at and the app (a busy
  machine takes longer than any fixed wait), up to ``SETTLE_MAX_S``.

An Alt+character is Escape and that character typed together (``escape_then_key``): Escape
then n sent in one packet over SSH reaches the app as Alt+n, and both keys were lost.

A key no binding takes where it arrived goes Textual's way, to the focused widget, and is
not looked up again when it bubbles back up to the app (``checked``): by then another screen
may be in front (``?`` then ``a`` in one burst accepted a quote once help had closed).
Everything else (a text field with the focus) goes Textual's way.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from weakref import WeakSet

from textual.app import App
from textual.css.query import NoMatches
from textual.events import Key, MouseMove, Paste
from textual.keys import _character_to_key
from textual.message_pump import MessagePump
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from tui.widgets.field import TextField, pass_early_key, pass_early_paste
from tui.widgets.rowlist import RowList

Typed = Key | Paste

SETTLE_S = 0.06  # how long keys wait at least after a click or a list's Enter ...
SETTLE_MAX_S = 2.0  # ... and at most, while messages are still on their way
HOLD_CHECK_S = 0.02  # how often held keys look whether the screen in front can take them
HOLD_TRIES = 250  # ... and for how long (5 s) a prompt may stay open after its Enter before
# they go to it after all (a prompt that refused the value and stayed open)


class KeyOrder:
    """Route the keys that reach ``app`` in the order typed (see the module's doc)."""

    def __init__(self, app: App[Any], usual_route: Callable[[Typed], Awaitable[None]],
                 busy: Callable[[], bool] = lambda: False) -> None:
        self.app = app
        self.usual_route = usual_route  # Textual's own handling of the event
        self.busy = busy  # keys wait while it says so (an undo on its way: see the doc)
        self.held: deque[Typed] = deque()
        self.checked: WeakSet[Key] = WeakSet()  # keys whose bindings were looked up already
        self._timer: Timer | None = None
        self._tries = 0
        self._settle_until = 0.0  # keys wait till then (``settle``) ...
        self._settle_max = 0.0  # ... and on till then while ``_settle_pumps`` are busy
        self._settle_pumps: tuple[MessagePump, ...] = ()
        self._settle_screen: object = None

    async def take(self, event: Typed) -> bool:
        """Handle a key or paste as it arrives: True when done (routed or held), False to
        leave it to Textual's usual route."""
        if self.held or self._must_wait():
            self._hold(event)
            return True
        return await self._route(event)

    def settle(self, source: Widget | None = None) -> None:
        """Keys coming next wait for what a click or a list's Enter on ``source`` started (it
        acts through messages, after keys handled at once would have): ``SETTLE_S``, and on
        while a message waits in ``source``'s queue or its ancestors' (a row chosen, bubbling
        up to open a document) and the screen in front is still the same."""
        now = time.monotonic()
        self._settle_until = now + SETTLE_S
        self._settle_max = now + SETTLE_MAX_S
        self._settle_screen = self.app.screen
        self._settle_pumps = (*source.ancestors_with_self,) if source is not None else ()

    def _settling(self) -> bool:
        """Whether keys still wait for what ``settle`` was told of."""
        now = time.monotonic()
        if now < self._settle_until:
            return True
        if (now < self._settle_max and self.app.screen is self._settle_screen
                and any(_busy(p) for p in self._settle_pumps)):
            return True
        self._settle_pumps = ()
        return False

    def was_checked(self, event: Key) -> bool:
        """True (once) for a key whose bindings were looked up where it arrived: bubbling
        back up to the app, it is not looked up again."""
        if event in self.checked:
            self.checked.discard(event)
            return True
        return False

    # ------------------------------------------------------------------ routing
    def _early_field(self) -> TextField | None:
        """The field of the screen in front that takes early keys; None when it has none.
        Raises ``NoMatches`` while the screen is still being built."""
        early = getattr(self.app.screen, "early_field", None)
        return early() if early is not None else None

    def _must_wait(self) -> bool:
        """True while the screen in front cannot take a key yet: it is not mounted (its
        bindings would act on nothing: an Escape typed as help opened left help open), its
        field is not, or its field was submitted and it has not closed."""
        screen = self.app.screen
        if not screen.is_mounted or self._settling() or self.busy():
            return True
        keys_wait = getattr(screen, "keys_wait", None)  # results still on their way
        if keys_wait is not None and keys_wait():
            return True
        try:
            field = self._early_field()
        except NoMatches:
            return True
        return field is not None and (not field.is_mounted or field.submitted)

    async def _route(self, event: Typed) -> bool:
        """Route one key or paste now; False when Textual's usual route should take it."""
        app = self.app
        try:
            field = self._early_field()
        except NoMatches:  # a screen still being built, after the wait ran out
            field = None
        if isinstance(event, Paste):
            return field is not None and pass_early_paste(field, event)
        if await app._check_bindings(event.key, priority=True):
            return True
        if field is not None and await pass_early_key(field, event):
            return True
        if isinstance(app.focused, Input) and app.focused is not field:
            return False  # a text field keeps its keys in its own order
        chooser = app.focused if event.key == "enter" and isinstance(app.focused, RowList) else (
            None)
        if await app._check_bindings(event.key):
            if chooser is not None:
                self.settle(chooser)
            return True
        self.checked.add(event)
        return False

    # ------------------------------------------------------------------ holding
    def _hold(self, event: Typed) -> None:
        self.held.append(event)
        if self._timer is None:
            self._tries = 0
            self._timer = self.app.set_timer(HOLD_CHECK_S, self._release)

    async def _release(self) -> None:
        """Route held keys while the screen in front can take them; look again soon when it
        cannot, for a while (then a prompt still open after its Enter gets them)."""
        self._timer = None
        while self.held:
            if self._must_wait():
                # an undo on its way is waited for as long as it takes (a teammate's lock may
                # hold its write for seconds): the keys after it act where it took the cursor
                busy = self.busy()
                if busy or self._tries < HOLD_TRIES:
                    self._tries = 0 if busy else self._tries + 1
                    self._timer = self.app.set_timer(HOLD_CHECK_S, self._release)
                    return
                self._reopen_stayed_prompt()
            self._tries = 0
            event = self.held.popleft()
            if not await self._route(event):
                await self.usual_route(event)

    def _reopen_stayed_prompt(self) -> None:
        """A prompt that stayed open long after its Enter refused the value: the held keys
        were for it after all."""
        try:
            field = self._early_field()
        except NoMatches:
            return
        if field is not None and field.is_mounted:
            field.submitted = False


def _busy(pump: MessagePump) -> bool:
    """Whether ``pump`` has a message waiting (queued, or peeked at and not yet handled) that
    a click or a list's Enter may have started: the pointer's moves and the keys typed
    meanwhile (the ones held) are not (a mouse moved after a click held keys for seconds)."""
    waiting = [pump._pending_message, *pump._message_queue.values]  # noqa: SLF001
    return any(m is not None and not isinstance(m, _NOT_STARTED) for m in waiting)


_NOT_STARTED = (MouseMove, Key, Paste)


def escape_then_key(event: Key) -> tuple[Key, Key] | None:
    """Escape and the key after it, for an Alt+key that is the two typed in one go: a
    terminal sends Alt+n as ESC n, and so does Escape then n reaching the app in one packet
    (over SSH, or typed fast), which Textual reads as Alt+n. saywho binds no Alt+character, so
    such a key is the two (None: any other key). The app asks only while no text field has
    the focus: there, Option+e (a Mac's Meta key) may be a letter, and an Escape would close
    the prompt and send the letter to the screen behind as a command."""
    char = event.character
    if not event.key.startswith("alt+") or not char or len(char) != 1 or not char.isprintable():
        return None
    return Key("escape", "\x1b"), Key(_character_to_key(char), char)
