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
    short: str = ""

    def binding(self) -> Binding:
        """The Textual binding for this action (remappable through its id). ``short`` is the
        footer label; ``description`` the help, palette and tooltip text."""
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
    ActionSpec("app.help", "question_mark", "help", "Help: keys and actions", "General", True, "?",
               short="Help"),
    ActionSpec("app.undo", "u", "undo", "Undo the last edit", "General", True, short="Undo"),
    ActionSpec("app.redo", "ctrl+r,U", "redo", "Redo the last undone edit", "General"),
    ActionSpec("app.review", "v", "review", "Review queue across the corpus", "General"),
    ActionSpec("app.library", "L", "library", "Library of documents", "General"),
    ActionSpec("app.history", "H", "history", "History of your edits across the corpus",
               "General"),
    ActionSpec("app.quit", "q", "quit", "Quit (waits for saves)", "General", True, short="Quit"),
    ActionSpec("app.search", "ctrl+f", "search_corpus", "Search the text of every document…",
               "General"),
)

# In-document search (tui/screens/reader.py). Listed before NAVIGATION: while a search is
# active n, N and Esc act on its hits; otherwise they are disabled (check_action) and the key
# falls through to the next binding, so n is next quote and Esc is back again.
FIND: tuple[ActionSpec, ...] = (
    ActionSpec("reader.find", "slash", "find", "Find in this document…", "Navigate",
               key_display="/"),
    ActionSpec("reader.find_next", "n", "find_next", "Next search hit", "Navigate"),
    ActionSpec("reader.find_prev", "N", "find_prev", "Previous search hit", "Navigate"),
    ActionSpec("reader.find_clear", "escape", "find_clear", "Clear the search", "Navigate"),
)

NAVIGATION: tuple[ActionSpec, ...] = (
    ActionSpec("reader.next", "n,j", "next_quote", "Next quote", "Navigate", True, "n",
               short="Next"),
    ActionSpec("reader.prev", "p,k", "prev_quote", "Previous quote", "Navigate", True, "p",
               short="Prev"),
    ActionSpec("reader.colour", "c", "toggle_colour", "Colour by speaker / by stance", "View"),
    ActionSpec("reader.panels", "backslash", "cycle_panels",
               "Side panels: full / narrow / hidden", "View", key_display="\\"),
    ActionSpec(
        "reader.back", "escape", "back",
        "Cancel selection / clear focus / clear the quote filter / back", "Navigate"
    ),
    ActionSpec("reader.filter", "f", "filter_quotes",
               "Filter the quotes by speaker, status, type, stance or code…", "Navigate"),
    ActionSpec("reader.goto", "colon", "goto_quote", "Go to quote N (its number in the document)…",
               "Navigate", key_display=":"),
)

CORRECTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("reader.accept", "a", "accept", "Accept the quote", "Review", True, short="Accept"),
    ActionSpec("reader.reject", "x", "reject", "Reject the quote", "Review", True, short="Reject"),
    ActionSpec("reader.reset", "r", "reset", "Reset to suggested", "Review"),
    ActionSpec("reader.accept_next", "A", "accept_next", "Accept and go to next", "Review"),
    ActionSpec("reader.clear_stance", "0", "clear_stance", "Clear the stance", "Stance"),
    ActionSpec("reader.take_suggestion", "g", "take_suggestion", "Take the suggested stance",
               "Stance"),
    ActionSpec("reader.type", "t", "cycle_type", "Change type (direct/indirect/mixed)", "Edit"),
    ActionSpec("reader.speaker", "s", "pick_speaker", "Reassign speaker…", "Speakers", True,
               short="Speaker"),
    ActionSpec("reader.new_speaker", "S", "new_speaker", "New speaker for this quote…", "Speakers"),
    ActionSpec("reader.rename_speaker", "R", "rename_speaker", "Rename the speaker…", "Speakers"),
    ActionSpec(
        "reader.merge_speaker", "M", "merge_speaker", "Merge the speaker into another…", "Speakers"
    ),
    ActionSpec("reader.code", "i", "code",
               "Code the quote's variables and its speaker's attributes (topic, gender…)…",
               "Edit"),
    ActionSpec("reader.note", "e", "edit_note", "Note on the quote…", "Edit"),
    ActionSpec("reader.delete", "delete,D", "delete_quote", "Delete the quote", "Edit"),
    ActionSpec("reader.join", "ampersand", "join_next",
               "Join the next quote to this one (one quote in parts)", "Edit",
               key_display="&"),
    ActionSpec("reader.split", "asterisk", "split_quote",
               "Split the quote into its parts (one quote each)", "Edit", key_display="*"),
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
    ActionSpec(
        "span.start_grow_char", "comma", "span('start','char',1)",
        "Start one character earlier", "Span", key_display=",",
    ),
    ActionSpec(
        "span.start_shrink_char", "full_stop", "span('start','char',0)",
        "Start one character later", "Span", key_display=".",
    ),
    ActionSpec(
        "span.end_shrink_char", "less_than_sign", "span('end','char',0)",
        "End one character earlier", "Span", key_display="<",
    ),
    ActionSpec(
        "span.end_grow_char", "greater_than_sign", "span('end','char',1)",
        "End one character later", "Span", key_display=">",
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

TEAM_READER: tuple[ActionSpec, ...] = (
    ActionSpec("reader.done", "d", "toggle_done",
               "Mark the document done (checked for missed quotes) / back to in progress",
               "Review", short="Done"),
    ActionSpec("reader.doc_comment", "C", "document_comment",
               "Your comment on this document (shown in the header)", "Review"),
    ActionSpec("reader.doc_target", "I", "document_target",
               "This document's stance target (instead of the project's)", "Stance"),
)

READER: tuple[ActionSpec, ...] = FIND + NAVIGATION + CORRECTIONS + TEAM_READER

REVIEW: tuple[ActionSpec, ...] = (
    ActionSpec("review.accept_next", "enter,space", "accept_next", "Accept and next", "Review",
               True, "⏎", short="Accept+next"),
    ActionSpec("review.reject_next", "X", "reject_next", "Reject and next", "Review"),
    ActionSpec("review.filter", "slash", "filter", "Filter the queue…", "Review", True, "/",
               short="Filter"),
    ActionSpec("review.open", "o", "open_in_reader", "Open this document in the reader", "Review"),
)

LIBRARY: tuple[ActionSpec, ...] = (
    ActionSpec("library.open", "enter", "open_doc", "Open the document", "Library", True, "⏎",
               short="Open"),
    ActionSpec("library.search", "slash", "search", "Search titles", "Library", True, "/",
               short="Search"),
    ActionSpec("library.filter", "f", "cycle_filter",
               "Filter: all / to review / reviewed / not done / done", "Library", True,
               short="Filter"),
    ActionSpec("library.order", "o", "cycle_order",
               "Order: the project's / by date / by outlet", "Library", True, short="Order"),
    ActionSpec("library.done", "d", "toggle_done",
               "Mark the document done / back to in progress", "Library", short="Done"),
    ActionSpec("library.clear", "escape", "clear_search",
               "Clear the search (none: back to the document last read)", "Library"),
)


def reserved_keys() -> set[str]:
    """Keys the reader and the review queue (a reader too) already use for other actions:
    a stance label's key must avoid them."""
    keys: set[str] = set()
    for spec in (*GLOBAL, *READER, *REVIEW, *ANALYSIS):
        keys.update(k.strip() for k in spec.keys.split(","))
    return keys


def spec_for(binding_id: str | None) -> ActionSpec | None:
    """The registry entry for a binding id (``None`` for Textual's own bindings)."""
    if binding_id is None:
        return None
    for spec in (*GLOBAL, *READER, *REVIEW, *LIBRARY, *ANALYSIS_SPECS, *SEARCH, *HISTORY):
        if spec.id == binding_id:
            return spec
    return None


# --------------------------------------------------------------------------------------------
# Layers, adjudication, stats, scheme editing, stance suggestions, learning quote suggestions
# (screens in tui/screens/{layers,adjudicate,stats,scheme}.py; stance suggestions:
# tui/stance_feed.py; quote suggestions: tui/quote_feed.py).

ANALYSIS: tuple[ActionSpec, ...] = (
    ActionSpec("app.layer", "l", "switch_layer", "Switch layer (whose annotations)…", "Layers"),
    ActionSpec("app.adjudicate", "J", "adjudicate", "Adjudicate this document's layers",
               "Layers"),
    ActionSpec("app.stats", "T", "stats", "Corpus statistics and plots", "General"),
    ActionSpec("app.scheme", "K", "scheme", "Edit the stance scheme (target, labels, keys)",
               "Stance"),
    ActionSpec("app.review_uncertain", "O", "review_uncertain",
               "Review queue by stance uncertainty", "Review"),
    ActionSpec("app.progress", "P", "progress",
               "Team progress: assigned, done, reviewed, agreement", "General"),
    ActionSpec("app.guidelines", "G", "guidelines", "Coding guidelines (guidelines.md)",
               "General"),
    # quote suggestions that learn from corrections (tui/quote_feed.py)
    ActionSpec("app.learn", "Y", "learn_quotes",
               "Learn from your corrections now (refit quote suggestions, re-suggest)", "Learn"),
    ActionSpec("app.learn_status", "W", "learn_status",
               "What quote suggestions learned (the project model's status)", "Learn"),
    ActionSpec("app.learn_toggle", "Z", "toggle_learning",
               "Quote suggestions learn from corrections: on / off", "Learn"),
)

ADJUDICATE: tuple[ActionSpec, ...] = (
    *(
        ActionSpec(f"adjudicate.pick{i}", str(i), f"pick({i})", f"Take layer {i}",
                   "Adjudicate", i <= 2)
        for i in range(1, 10)
    ),
    ActionSpec("adjudicate.take", "t", "take_layer", "Take a layer's version by name…",
               "Adjudicate"),
    ActionSpec("adjudicate.next", "n,j", "step(1)", "Next unit", "Navigate", True, "n"),
    ActionSpec("adjudicate.prev", "p,k", "step(-1)", "Previous unit", "Navigate", True, "p"),
    ActionSpec("adjudicate.next_open", "N", "next_open", "Next undecided unit", "Navigate"),
    ActionSpec("adjudicate.drop", "x", "drop", "Leave out of final", "Adjudicate", True),
    ActionSpec("adjudicate.agreed", "a", "adopt_agreed", "Adopt all agreed",
               "Adjudicate", True),
    ActionSpec("adjudicate.edit", "e", "edit_final", "Edit final in the reader",
               "Adjudicate", True),
    ActionSpec("adjudicate.back", "escape", "back", "Back", "Navigate"),
)

STATS: tuple[ActionSpec, ...] = (
    ActionSpec("stats.reload", "r", "reload", "Recount", "View", True),
    ActionSpec("stats.group", "g", "cycle_group",
               "Stance by outlet, year, month…: the next metadata key the articles carry",
               "View", True, short="Group by"),
    ActionSpec("stats.back", "escape", "back", "Back", "Navigate", True, "Esc"),
)

SCHEME: tuple[ActionSpec, ...] = (
    ActionSpec("scheme.add", "a", "add_label", "Add a label…", "Scheme", True, short="Add"),
    ActionSpec("scheme.rename", "r", "rename_label", "Rename the label (keeps its quotes)…",
               "Scheme", True, short="Rename"),
    ActionSpec("scheme.remove", "d,delete", "remove_label", "Remove the label…", "Scheme", True,
               "d", short="Remove"),
    ActionSpec("scheme.key", "k", "change_key", "Change the label's key…", "Scheme", True,
               short="Key"),
    ActionSpec("scheme.target", "t", "edit_target", "Change the stance target…", "Scheme", True,
               short="Target"),
    ActionSpec("scheme.back", "escape", "back", "Back", "Navigate", True, "Esc"),
)

PROGRESS: tuple[ActionSpec, ...] = (
    ActionSpec("progress.reload", "r", "reload", "Compute again", "View", True, short="Again"),
    ActionSpec("progress.back", "escape", "back", "Back", "Navigate", True, "Esc"),
)

ANALYSIS_SPECS: tuple[ActionSpec, ...] = ANALYSIS + ADJUDICATE + STATS + SCHEME + PROGRESS

# The history of the annotator's edits (tui/screens/history.py).
HISTORY: tuple[ActionSpec, ...] = (
    ActionSpec("history.open", "enter", "open_entry", "Open the document at this edit's quote",
               "History", True, "⏎", short="Open"),
    ActionSpec("history.reload", "r", "reload", "Read the history again", "History", True,
               short="Reload"),
    ActionSpec("history.back", "escape", "back", "Back", "Navigate", True, "Esc"),
)

# The corpus search screen (tui/screens/search.py).
SEARCH: tuple[ActionSpec, ...] = (
    ActionSpec("search.open", "enter", "open_hit", "Open the document at the hit", "Search",
               True, "⏎", short="Open"),
    ActionSpec("search.query", "slash", "edit_query", "Edit the query", "Search", True, "/",
               short="Query"),
    ActionSpec("search.results", "down", "focus_results", "Go to the results", "Search"),
    ActionSpec("search.back", "escape", "back", "Close the search", "Navigate", True, "Esc",
               short="Close"),
)
