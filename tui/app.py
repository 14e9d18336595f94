"""SaywhoApp: the Textual app. Screens, global bindings, the edit runner, the palette.

``SaywhoApp(project).run()`` opens the library (and the reader straight away when the project
holds one document). Heavy imports stay out of the startup path: screens other than the first
are imported when first shown.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from textual.app import App

from annotations.store.project import Project
from tui.actions import ANALYSIS, GLOBAL, bindings
from tui.editor import Editor, Outcome

if TYPE_CHECKING:
    from textual.command import Provider

    from tui.screens.speaker_picker import Candidate


def _action_commands() -> type[Provider]:
    """The palette provider, imported when the palette first opens."""
    from tui.screens.command_provider import ActionCommands

    return ActionCommands


class SaywhoApp(App[None]):
    """The saywho reader and annotator for one open project."""

    CSS_PATH = "app.tcss"
    TITLE = "saywho"
    BINDINGS = bindings((*GLOBAL, *ANALYSIS))
    COMMANDS = App.COMMANDS | {_action_commands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, project: Project, *, open_doc: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.project = project
        self.open_doc = open_doc
        self.editor = Editor(project, self._deliver)
        self.save_state: tuple[str, str] = ("idle", "no edits yet")
        self._corpus: list[Candidate] | None = None

    # ------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        """Apply the project's keymap, open the library, and the reader for a single doc."""
        keymap = self.project.settings.get("keymap")
        if isinstance(keymap, dict):
            self.set_keymap({str(k): str(v) for k, v in keymap.items()})
        doc_ids = self.project.document_ids()
        target = self.open_doc or (doc_ids[0] if len(doc_ids) == 1 else None)
        if target is None:
            self._push_library()
        else:  # the library is built when first asked for (a leaner first frame)
            self.open_reader(target)

    def on_unmount(self) -> None:
        """Let queued edits reach the disk before the app goes."""
        self.editor.shutdown()

    # ------------------------------------------------------------------ edits
    def editor_submit(self, edit: Any) -> None:
        """Queue an edit; the status bar says saving until it returns."""
        self.editor.submit(edit)
        self._set_save("saving", f"{edit.describe()} ({self.editor.pending} queued)")

    def _deliver(self, outcome: Outcome) -> None:
        """From the worker thread: hand the outcome to the UI thread without waiting for it
        (``call_from_thread`` would block the worker, and deadlock a shutdown that waits for
        the worker to finish its last save)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # the app has stopped; the edit is on disk all the same

        async def run() -> None:
            with self._context():
                self._delivered(outcome)

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(run(), loop)

    def _delivered(self, outcome: Outcome) -> None:
        self.editor.done(outcome)
        if outcome.ok:
            what = outcome.receipt.description if outcome.receipt else f"nothing to {outcome.op}"
            what += self._elsewhere(outcome)
            if self.editor.pending:
                self._set_save("saving", f"{what} saved, {self.editor.pending} queued")
            else:
                self._set_save("saved", what)
            if outcome.receipt is not None and outcome.receipt.change.speakers_after:
                self._corpus = None
            from tui.stance_suggest import edit_saved

            edit_saved(self, outcome)  # a stance changed: refit the suggestions (worker)
        else:
            err = outcome.error
            self._set_save("error", err.message if err else "failed")
            self.notify(
                err.message if err else "failed",
                title=err.title if err else "Error",
                severity="error",
            )
        for screen in self.screen_stack:
            handler = getattr(screen, "edit_finished", None)
            if handler is not None:
                handler(outcome)

    def _elsewhere(self, outcome: Outcome) -> str:
        """For an undo/redo that touched a document or layer not on screen: where it went."""
        receipt = outcome.receipt
        if outcome.op == "edit" or receipt is None:
            return ""
        shown_doc = getattr(self.screen, "doc_id", None)
        shown_layer = self.active_layer or self.project.annotator
        if (receipt.doc_id, receipt.layer) == (shown_doc, shown_layer):
            return ""
        return f" (in {receipt.doc_id}, layer {receipt.layer})"

    def _set_save(self, state: str, message: str) -> None:
        self.save_state = (state, message)
        refresh = getattr(self.screen, "refresh_save_state", None)
        if refresh is not None and self.screen.is_mounted:  # others catch up on resume
            refresh()

    # ------------------------------------------------------------------ shared data
    def corpus_speakers(self) -> list[Candidate]:
        """Speakers of every document's layer, one per name (ids are per document: another
        article's ``s1`` is someone else), cached until speakers change."""
        if self._corpus is None:
            from tui.screens.speaker_picker import Candidate

            def gather(project: Project) -> list[Candidate]:
                found: dict[str, Candidate] = {}
                for doc_id in project.document_ids():
                    for s in project.layer(doc_id).speakers.values():
                        if s.name.casefold() not in found:
                            found[s.name.casefold()] = Candidate(
                                s.id, s.name, s.aliases, s.kind, False, 0
                            )
                return list(found.values())

            self._corpus = self.editor.read(gather)
        return self._corpus

    # ------------------------------------------------------------------ navigation
    def open_reader(self, doc_id: str, quote_id: str | None = None) -> None:
        """Open a document in the reader."""
        from tui.screens.reader import ReaderScreen

        self.push_screen(ReaderScreen(doc_id, quote_id, scheme=self.project.scheme))

    def action_review(self) -> None:
        """Open the review queue."""
        from tui.screens.review import ReviewScreen

        if isinstance(self.screen, ReviewScreen):
            return
        self.push_screen(ReviewScreen(scheme=self.project.scheme))

    def _push_library(self) -> None:
        from tui.screens.library import LibraryScreen

        self.push_screen(LibraryScreen())

    def has_library(self) -> bool:
        """True when the library is at the bottom of the screen stack."""
        from tui.screens.library import LibraryScreen

        return len(self.screen_stack) > 1 and isinstance(self.screen_stack[1], LibraryScreen)

    def action_library(self) -> None:
        """Back to the library (built now if the app started in the reader)."""
        if not self.has_library():
            while len(self.screen_stack) > 1:
                self.pop_screen()
            self._push_library()
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def action_help(self) -> None:
        """Show every key of the current screen."""
        from tui.screens.help import HelpScreen, help_rows

        self.push_screen(HelpScreen(help_rows(self.screen)))

    def action_undo(self) -> None:
        """Undo this annotator's last edit (also one from an earlier session)."""
        if self._refuse_read_only():
            return
        self.editor.undo()
        self._set_save("saving", "undo")

    def action_redo(self) -> None:
        """Redo the last undone edit."""
        if self._refuse_read_only():
            return
        self.editor.redo()
        self._set_save("saving", "redo")

    def _refuse_read_only(self) -> bool:
        if self.project.read_only:
            self.notify(
                self.project.read_only_reason or "read-only", title="Read-only", severity="error"
            )
            return True
        return False

    async def action_quit(self) -> None:
        """Quit once every queued edit and scheme change is saved."""
        await self.editor.wait_idle(timeout=30)
        scheme_changes = [w for w in self.workers if w.group == "scheme" and not w.is_finished]
        if scheme_changes:
            self._set_save("saving", "waiting for the scheme change to be saved")
            await self.workers.wait_for_complete(scheme_changes)
        self.exit()

    # ------------------------------------------------------------------ layers, adjudication,
    # stats, scheme: thin entry points; the logic is in tui/screens/{layers,adjudicate,stats,
    # scheme}.py
    active_layer: str | None = None  # the layer shown and edited; None: the annotator's own

    def action_switch_layer(self) -> None:
        """Pick the layer (whose annotations) to show and edit."""
        from tui.screens.layers import open_layer_picker

        open_layer_picker(self)

    def action_adjudicate(self) -> None:
        """Compare the current document's layers and build its final layer."""
        from tui.screens.adjudicate import open_adjudication

        open_adjudication(self)

    def action_stats(self) -> None:
        """Corpus statistics with plots."""
        from tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def action_scheme(self) -> None:
        """Edit the stance scheme."""
        from tui.screens.scheme import SchemeScreen

        if not isinstance(self.screen, SchemeScreen):
            self.push_screen(SchemeScreen())

    def action_take_suggestion(self) -> None:
        """Set the current quote's stance to the suggested one."""
        from tui.stance_suggest import take_suggestion

        take_suggestion(self)

    def action_review_uncertain(self) -> None:
        """The review queue ordered by stance uncertainty (most uncertain first)."""
        from tui.screens.review import ReviewScreen

        screen = self.screen
        if isinstance(screen, ReviewScreen):
            screen.order_by = "stance"
            screen.rebuild()
            return
        review = ReviewScreen(scheme=self.project.scheme)
        review.order_by = "stance"
        self.push_screen(review)
