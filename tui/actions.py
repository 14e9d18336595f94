"""The action registry: every user-visible action with its id, keys, description and group.

Screens build their ``BINDINGS`` from these specs, so the footer, the ``?`` help, the command
palette and user keymaps (``Binding.id``, remapped with ``App.set_keymap`` from the project's
``keymap`` setting) all come from one table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One named action: ``action`` runs on the screen (or app) when one of ``keys`` is hit."""

    id: str
    keys: str
    action: str
    description: str
    group: str
    show: bool = False
    key_display: str | None = None

    def binding(self) -> Binding:
        """The Textual binding for this action (remappable through its id)."""
        return Binding(
            self.keys,
            self.action,
            self.description,
            show=self.show,
            key_display=self.key_display,
            id=self.id,
        )


def bindings(specs: Iterable[ActionSpec]) -> list[Binding]:
    """Bindings for a screen's ``BINDINGS``."""
    return [spec.binding() for spec in specs]


GLOBAL: tuple[ActionSpec, ...] = (
    ActionSpec("app.help", "question_mark", "help", "Help: keys and actions", "General", True, "?"),
    ActionSpec("app.undo", "u", "undo", "Undo the last edit", "General", True),
    ActionSpec("app.redo", "ctrl+r,U", "redo", "Redo the last undone edit", "General"),
    ActionSpec("app.review", "v", "review", "Review queue across the corpus", "General"),
    ActionSpec("app.library", "L", "library", "Library of documents", "General"),
    ActionSpec("app.quit", "q", "quit", "Quit (waits for saves)", "General", True),
)

NAVIGATION: tuple[ActionSpec, ...] = (
    ActionSpec("reader.next", "n,j", "next_quote", "Next quote", "Navigate", True, "n"),
    ActionSpec("reader.prev", "p,k", "prev_quote", "Previous quote", "Navigate", True, "p"),
    ActionSpec("reader.colour", "c", "toggle_colour", "Colour by speaker / by stance", "View"),
    ActionSpec(
        "reader.back", "escape", "back", "Cancel selection / clear focus / back", "Navigate"
    ),
)

CORRECTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("reader.accept", "a", "accept", "Accept the quote", "Review", True),
    ActionSpec("reader.reject", "x", "reject", "Reject the quote", "Review", True),
    ActionSpec("reader.reset", "r", "reset", "Reset to suggested", "Review"),
    ActionSpec("reader.accept_next", "A", "accept_next", "Accept and go to next", "Review"),
    ActionSpec("reader.clear_stance", "0", "clear_stance", "Clear the stance", "Stance"),
    ActionSpec("reader.type", "t", "cycle_type", "Change type (direct/indirect/mixed)", "Edit"),
    ActionSpec("reader.speaker", "s", "pick_speaker", "Reassign speaker…", "Speakers", True),
    ActionSpec("reader.new_speaker", "S", "new_speaker", "New speaker for this quote…", "Speakers"),
    ActionSpec("reader.rename_speaker", "R", "rename_speaker", "Rename the speaker…", "Speakers"),
    ActionSpec(
        "reader.merge_speaker", "M", "merge_speaker", "Merge the speaker into another…", "Speakers"
    ),
    ActionSpec("reader.note", "e", "edit_note", "Note on the quote…", "Edit"),
    ActionSpec("reader.delete", "delete,D", "delete_quote", "Delete the quote", "Edit"),
    ActionSpec(
        "span.start_grow_word", "left_square_bracket", "span('start','word',1)",
        "Start one word earlier", "Span", key_display="[",
    ),
    ActionSpec(
        "span.start_shrink_word", "right_square_bracket", "span('start','word',0)",
        "Start one word later", "Span", key_display="]",
    ),
    ActionSpec(
        "span.end_shrink_word", "minus", "span('end','word',0)",
        "End one word earlier", "Span", key_display="-",
    ),
    ActionSpec(
        "span.end_grow_word", "equals_sign", "span('end','word',1)",
        "End one word later", "Span", key_display="=",
    ),
    ActionSpec(
        "span.start_grow_sentence", "left_curly_bracket", "span('start','sentence',1)",
        "Start one sentence earlier", "Span", key_display="{",
    ),
    ActionSpec(
        "span.start_shrink_sentence", "right_curly_bracket", "span('start','sentence',0)",
        "Start one sentence later", "Span", key_display="}",
    ),
    ActionSpec(
        "span.end_shrink_sentence", "underscore", "span('end','sentence',0)",
        "End one sentence earlier", "Span", key_display="_",
    ),
    ActionSpec(
        "span.end_grow_sentence", "plus", "span('end','sentence',1)",
        "End one sentence later", "Span", key_display="+",
    ),
    ActionSpec("select.mark", "m", "mark", "Mark selection start / end → new quote", "Select"),
    ActionSpec("select.word_next", "w", "caret('word',1)", "Caret to next word", "Select"),
    ActionSpec("select.word_prev", "b", "caret('word',-1)", "Caret to previous word", "Select"),
    ActionSpec(
        "select.sentence_next", "right_parenthesis", "caret('sentence',1)",
        "Caret to next sentence", "Select", key_display=")",
    ),
    ActionSpec(
        "select.sentence_prev", "left_parenthesis", "caret('sentence',-1)",
        "Caret to previous sentence", "Select", key_display="(",
    ),
)

READER: tuple[ActionSpec, ...] = NAVIGATION + CORRECTIONS

REVIEW: tuple[ActionSpec, ...] = (
    ActionSpec("review.accept_next", "enter,space", "accept_next", "Accept and next", "Review",
               True, "⏎"),
    ActionSpec("review.reject_next", "X", "reject_next", "Reject and next", "Review"),
    ActionSpec("review.filter", "slash", "filter", "Filter the queue…", "Review", True, "/"),
    ActionSpec("review.open", "o", "open_in_reader", "Open this document in the reader", "Review"),
)

LIBRARY: tuple[ActionSpec, ...] = (
    ActionSpec("library.open", "enter", "open_doc", "Open the document", "Library", True, "⏎"),
    ActionSpec("library.search", "slash", "search", "Search titles", "Library", True, "/"),
    ActionSpec("library.filter", "f", "cycle_filter", "Filter: all / to review / done", "Library",
               True),
    ActionSpec("library.clear", "escape", "clear_search", "Clear the search", "Library"),
)


def spec_for(binding_id: str | None) -> ActionSpec | None:
    """The registry entry for a binding id (``None`` for Textual's own bindings)."""
    if binding_id is None:
        return None
    for spec in (*GLOBAL, *READER, *REVIEW, *LIBRARY):
        if spec.id == binding_id:
            return spec
    return None
