"""SaywhoApp: the Textual app. Screens, global bindings, the edit runner, the palette.

``SaywhoApp(project).run()`` opens the library (and the reader straight away when the project
holds one document). Heavy imports stay out of the startup path: screens other than the first
are imported when first shown.
"""

from __future__ import annotations

import contextlib
from typing import Any

from textual.app import App

from annotations.store.project import Project
from tui.actions import GLOBAL, bindings
from tui.editor import Editor, Outcome
from tui.screens.command_provider import ActionCommands
from tui.screens.speaker_picker import Candidate


class SaywhoApp(App[None]):
    """The saywho reader and annotator for one open project."""

    CSS_PATH = "app.tcss"
    TITLE = "saywho"
    BINDINGS = bindings(GLOBAL)
    COMMANDS = App.COMMANDS | {ActionCommands}
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
        from tui.screens.library import LibraryScreen

        self.push_screen(LibraryScreen())
        doc_ids = self.project.document_ids()
        target = self.open_doc or (doc_ids[0] if len(doc_ids) == 1 else None)
        if target is not None:
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
        """From the worker thread: hand the outcome to the UI thread."""
        # RuntimeError: the app has stopped; the edit is on disk all the same
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(self._delivered, outcome)

    def _delivered(self, outcome: Outcome) -> None:
        self.editor.done(outcome)
        if outcome.ok:
            what = outcome.receipt.description if outcome.receipt else f"nothing to {outcome.op}"
            if self.editor.pending:
                self._set_save("saving", f"{what} saved, {self.editor.pending} queued")
            else:
                self._set_save("saved", what)
            if outcome.receipt is not None and outcome.receipt.change.speakers_after:
                self._corpus = None
        else:
            err = outcome.error
            self._set_save("error", err.message if err else "failed")
            self.notify(err.message if err else "failed", title=err.title if err else "Error",
                        severity="error")
        for screen in self.screen_stack:
            handler = getattr(screen, "edit_finished", None)
            if handler is not None:
                handler(outcome)

    def _set_save(self, state: str, message: str) -> None:
        self.save_state = (state, message)
        refresh = getattr(self.screen, "refresh_save_state", None)
        if refresh is not None and self.screen.is_mounted:  # others catch up on resume
            refresh()

    # ------------------------------------------------------------------ shared data
    def corpus_speakers(self) -> list[Candidate]:
        """Speakers of every document's layer, one per id (cached until speakers change)."""
        if self._corpus is None:

            def gather(project: Project) -> list[Candidate]:
                found: dict[str, Candidate] = {}
                for doc_id in project.document_ids():
                    for s in project.layer(doc_id).speakers.values():
                        if s.id not in found:
                            found[s.id] = Candidate(s.id, s.name, s.aliases, s.kind, False, 0)
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

    def action_library(self) -> None:
        """Back to the library."""
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
            self.notify(self.project.read_only_reason or "read-only", title="Read-only",
                        severity="error")
            return True
        return False

    async def action_quit(self) -> None:
        """Quit once every queued edit is saved."""
        await self.editor.wait_idle(timeout=30)
        self.exit()
