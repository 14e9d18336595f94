"""SaywhoApp: the Textual app. Screens, global bindings, navigation, the palette.

``SaywhoApp(session).run()`` opens the reader where the annotator stopped last time (when
that document still exists), else the library (and the reader straight away when the project
holds one document). The app owns the ``SessionBridge`` and builds every screen with it; the
screens talk back only through the bridge and through messages (``tui.messages``). The bridge
looks every ``live_interval`` seconds for what other processes changed in the project. Heavy imports
stay out of the startup path: screens other than the first are imported when first shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.errors import NoWidget
from textual.events import Event as TextualEvent
from textual.events import Key, MouseDown, MouseUp, Paste
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from annotations.events import Event, SettingChanged
from annotations.live import LiveEvent
from annotations.session import Session
from annotations.store.collector import freeze_held_once
from tui.actions import ANALYSIS, GLOBAL, bindings
from tui.bridge import SessionBridge
from tui.key_order import KeyOrder, escape_then_key
from tui.messages import OpenDocument
from tui.plain import say

if TYPE_CHECKING:
    from textual.command import Provider

    from tui.screens.review import ReviewScreen


def _action_commands() -> type[Provider]:
    """The palette provider, imported when the palette first opens."""
    from tui.screens.command_provider import ActionCommands

    return ActionCommands


class SaywhoApp(App[None]):
    """The saywho reader and annotator for one open session."""

    CSS_PATH = "app.tcss"
    TITLE = "saywho"
    BINDINGS = bindings((*GLOBAL, *ANALYSIS))
    COMMANDS = App.COMMANDS | {_action_commands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, session: Session, *, open_doc: str | None = None,
                 live_interval: float | None = 1.0, notice: str | None = None,
                 **kwargs: Any) -> None:
        # everything loaded so far (Textual, rich, our modules, the open session) lives as long
        # as the app: out of the collector's reach, or its first full collection lands on the
        # first frame (25-50 ms of a ~300 ms start) and again in each later one
        freeze_held_once("app")
        super().__init__(**kwargs)
        self.session = session
        self.open_doc = open_doc
        self.live_interval = live_interval
        self.notice = notice  # said once the first screen is up (a project made just now)
        self.bridge = SessionBridge(session, self)
        self.key_order = KeyOrder(self, super().on_event, lambda: self.bridge.moving > 0)

    async def on_event(self, event: TextualEvent) -> None:
        """Keys are routed in the order typed (``tui.key_order``); the rest as Textual does."""
        if isinstance(event, (MouseDown, MouseUp)) and not event.is_forwarded:
            # a key typed with the click comes after what it does
            self.key_order.settle(self._widget_at(event.screen_x, event.screen_y))
        if isinstance(event, Key) and not self.app_focus:
            self.app_focus = True  # as Textual's own route does: a key means the app has it
        if (isinstance(event, Key) and not event.is_forwarded
                and not isinstance(self.focused, Input)  # typing: Alt+e may be a letter
                and (parts := escape_then_key(event)) is not None):
            for part in parts:  # Escape and the key typed with it, in order
                await self.on_event(part)
            return
        if (isinstance(event, (Key, Paste)) and not event.is_forwarded
                and not (isinstance(event, Key) and event.key == "escape"
                         and self.screen.maximized is not None)  # Textual's: minimize
                and await self.key_order.take(event)):
            return
        await super().on_event(event)

    def _widget_at(self, x: int, y: int) -> Widget | None:
        """The widget under the mouse, if any."""
        try:
            return self.get_widget_at(x, y)[0]
        except NoWidget:
            return None

    def _on_key(self, event: Key) -> None:
        """A key bubbling back up whose bindings were looked up where it arrived
        (``KeyOrder``, on the screen then in front) is not looked up again on the screen in
        front now: ``App._on_key``, the next handler, is not run for it."""
        if self.key_order.was_checked(event):
            event.prevent_default()

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        """Apply the project's keymap; open the reader where the annotator stopped, else the
        library (the reader for a single doc)."""
        self._apply_keymap(self.session.settings.get("keymap"))
        self.bridge.session_events.subscribe(self, self._session_event)
        if self.live_interval:
            self.bridge.start_live(self.live_interval)
        if self.notice:
            say(self, self.notice, title="New project", timeout=12)
        self.call_after_refresh(self._say_unreadable_codebook)  # after the first frame

    def _say_unreadable_codebook(self) -> None:
        """Say each codebook entry a hand-edited saywho.json holds that does not read (the
        commands say it on stderr)."""
        from annotations.codebook import unreadable_messages  # not on the way to a first frame

        for message in unreadable_messages(self.session.settings):
            say(self, message, title="Codebook", severity="warning", timeout=12)

    def get_default_screen(self) -> Screen[Any]:
        """The first screen, at the bottom of the stack: the reader where the annotator
        stopped (or the one document, or ``open_doc``), else the library. Built as the app's
        own first screen, not pushed over a blank one (a frame and a screen less to start).
        Only that screen's module is imported here: the other loads when first asked for."""
        quote_id = None
        place = self.session.last_position() if self.open_doc is None else None
        if place is not None:  # where this annotator stopped last time
            target, quote_id = place.doc_id, place.quote_id
        else:
            doc_ids = self.session.document_ids()
            target = self.open_doc or (doc_ids[0] if len(doc_ids) == 1 else None)
        if target is None:
            from tui.screens.library import LibraryScreen

            return LibraryScreen(self.bridge)
        from tui.screens.reader import ReaderScreen

        return ReaderScreen(self.bridge, target, quote_id)

    def on_unmount(self) -> None:
        """Let queued changes reach the disk before the app goes."""
        self.bridge.shutdown()

    def _apply_keymap(self, keymap: object) -> None:
        if isinstance(keymap, dict):
            self.set_keymap({str(k): str(v) for k, v in keymap.items()})

    def _session_event(self, event: Event | LiveEvent) -> None:
        if isinstance(event, SettingChanged) and event.key == "keymap":
            self._apply_keymap(event.value)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette entries, less its "Quit as soon as possible": saywho's quit
        (which waits for the saves) is the one the palette offers."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    # ------------------------------------------------------------------ navigation
    def on_open_document(self, message: OpenDocument) -> None:
        """A screen asked to open a document."""
        self.open_reader(message.doc_id, message.quote_id, offset=message.offset,
                         find=message.find)

    def open_reader(self, doc_id: str, quote_id: str | None = None, *,
                    offset: int | None = None, find: str | None = None) -> None:
        """Open a document in the reader (at a quote, or at a character offset with a search
        for ``find`` in it)."""
        from tui.screens.reader import ReaderScreen

        self.push_screen(ReaderScreen(self.bridge, doc_id, quote_id, offset=offset, find=find))

    def action_review(self) -> None:
        """Open the review queue."""
        from tui.screens.review import ReviewScreen

        if not isinstance(self.screen, ReviewScreen):
            self._open_review(ReviewScreen(self.bridge))

    def action_review_uncertain(self) -> None:
        """The review queue ordered by stance uncertainty (most uncertain first)."""
        from tui.screens.review import ReviewScreen

        screen = self.screen
        if isinstance(screen, ReviewScreen):
            screen.order("stance")
        else:
            self._open_review(ReviewScreen(self.bridge, order_by="stance"))

    def _open_review(self, review: ReviewScreen) -> None:
        """Open ``review``; with nothing left to review, say so and stay on this screen."""
        if review.anything_left():
            self.push_screen(review)
        else:
            self.notify("Nothing left to review.", timeout=3)

    def action_library(self) -> None:
        """Back to the library: the bottom screen, or built now in place of the reader the
        app started in."""
        from tui.screens.library import LibraryScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        first = self.screen_stack[0]
        if not isinstance(first, LibraryScreen):
            if not first._result_callbacks:  # noqa: SLF001
                # the app's first screen was never pushed, so it lacks the result callback
                # that switch_screen pops (Textual 8); give it the empty one a push gives
                first._push_result_callback(first, None)  # noqa: SLF001
            self.switch_screen(LibraryScreen(self.bridge))

    def action_guidelines(self) -> None:
        """Show the team's coding guidelines."""
        from tui.screens.guidelines import GuidelinesScreen

        self.push_screen(GuidelinesScreen(self.session.folder))

    def action_search_corpus(self) -> None:
        """Full-text search across every document (its query field when already open)."""
        from tui.screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.action_edit_query()
        else:
            self.push_screen(SearchScreen(self.bridge))

    def action_history(self) -> None:
        """This annotator's edits across the corpus, newest first."""
        from tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self.bridge))

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from tui.screens.help import HelpScreen, help_rows

        self.push_screen(HelpScreen(help_rows(self.screen)))

    def action_switch_layer(self) -> None:
        """Pick the layer (whose annotations) to show and edit."""
        from tui.screens.layers import LayerPicker

        self.push_screen(LayerPicker.for_screen(self.bridge, self.screen))

    def action_adjudicate(self) -> None:
        """Compare the current document's layers and build its final layer."""
        from tui.screens.adjudicate import AdjudicateScreen, open_adjudication

        if not isinstance(self.screen, AdjudicateScreen):
            open_adjudication(self.bridge, self.screen)

    def action_stats(self) -> None:
        """Corpus statistics with plots."""
        from tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen(self.bridge))

    def action_progress(self) -> None:
        """The team's progress: per annotator assigned, done, reviewed, agreement so far."""
        from tui.screens.progress import ProgressScreen

        if not isinstance(self.screen, ProgressScreen):
            self.push_screen(ProgressScreen(self.bridge))

    def action_scheme(self) -> None:
        """Edit the stance scheme."""
        from tui.screens.scheme import SchemeScreen

        if not isinstance(self.screen, SchemeScreen):
            self.push_screen(SchemeScreen(self.bridge))

    # ------------------------------------------------------------------ learning
    def action_learn_quotes(self) -> None:
        """Refit the project model of quote suggestions now and re-suggest (``QuoteFeed``)."""
        if self.bridge.quotes.learn():
            self.notify("Learning from your corrections…", timeout=2)
        else:
            self.notify("Quote suggestions do not learn in this project: Z turns it on.",
                        severity="warning", timeout=3)

    def action_learn_status(self) -> None:
        """Say what the project model of quote suggestions learned, and whether it is used."""
        say(self, self.bridge.quotes.describe(), title="Quote suggestions", timeout=8)

    def action_toggle_learning(self) -> None:
        """Switch learning from corrections on or off for this project (``learn_quotes``)."""
        if self.bridge.refused(self):
            return
        from annotations.learn.project import LEARN_SETTING

        on = not self.bridge.quotes.enabled
        self.bridge.change(f"learning from corrections {'on' if on else 'off'}",
                           lambda s: s.set_setting(LEARN_SETTING, on))

    # ------------------------------------------------------------------ edits
    def action_undo(self) -> None:
        """Undo this annotator's last edit in the document and layer on screen (also one from
        an earlier session)."""
        scope = self._undo_scope("undo")
        if scope is not None:
            self.bridge.undo(*scope)

    def action_redo(self) -> None:
        """Redo the last undone edit in the document and layer on screen."""
        scope = self._undo_scope("redo")
        if scope is not None:
            self.bridge.redo(*scope)

    def _undo_scope(self, op: str) -> tuple[str, str] | None:
        if self.bridge.refused(self):
            return None
        from tui.screens.base import SaywhoScreen

        screen = self.screen
        scope = None
        if isinstance(screen, SaywhoScreen):
            screen.before_undo()
            scope = screen.undo_scope()
        if scope is None:
            self.notify(f"Open a document to {op} its edits: {op} acts where you can see it.",
                        severity="warning", timeout=3)
        return scope

    async def action_quit(self) -> None:
        """Quit once every queued change is saved."""
        await self.bridge.wait_saved(timeout=30)
        self.exit()
