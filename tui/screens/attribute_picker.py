"""AttributePicker: code a quote's variables (topic, frame…) and its speaker's attributes
(gender, role…) from one list.

A value learned from the coded quotes (or the article's, for a speaker) comes first and is
highlighted, with its reason; nothing is stored until Enter. Under the list, a line says why
a variable suggests nothing yet (its learner's honesty gate).

The choices, their order and the suggestions are the domain's
(``annotations.codebook.quote_choices`` and ``attribute_choices``); this screen
lists them (type to narrow) and returns the one chosen.
"""

from __future__ import annotations

from rich.text import Text

from annotations.codebook import AttributeChoice
from annotations.display import visible_line
from tui.screens.picker import TypeaheadPicker
from tui.widgets.rowlist import RowList


class AttributePicker(TypeaheadPicker[AttributeChoice | None]):
    """Type to narrow; ↑/↓ to move; Enter codes the highlighted value (the article's
    suggestion comes first); ● marks the value coded now."""

    def __init__(self, title: str, choices: list[AttributeChoice], note: str = "") -> None:
        super().__init__(title)
        self.choices = choices
        self.note = note
        self.shown: list[AttributeChoice] = []

    def hint(self) -> str:
        """Keys, after ``note`` (why a quote variable suggests nothing yet) when there is
        one."""
        keys = "Enter: code it · ↑↓: move · Esc: cancel"
        return f"{visible_line(self.note)}\n{keys}" if self.note else keys

    def rows(self) -> list[Text]:
        """The choices whose label holds every typed word."""
        words = self.query_text.casefold().split()
        hits = [c for c in self.choices if all(w in c.label.casefold() for w in words)]
        # a value that starts with what is typed first: "male" is not "female"
        self.shown = sorted(hits, key=lambda c: not any(
            (c.value or "clear").casefold().startswith(w) for w in words))
        both = len({c.quote for c in self.choices}) == 2  # say whose each row codes
        rows = []
        for choice in self.shown:
            row = Text(no_wrap=True)
            row.append("● " if choice.current else "  ", "bold")
            if both:
                row.append("quote " if choice.quote else "speaker ", "dim italic")
            row.append(f"{visible_line(choice.attribute)}: ", "dim")
            row.append(visible_line(choice.value if choice.value is not None else "clear"),
                       "bold" if choice.value is not None else "italic")
            if choice.reason:
                row.append(f"  suggested {visible_line(choice.reason)}", "dim")
            rows.append(row)
        return rows

    def _refill(self) -> None:
        """Rows for what is typed; before anything is, the first suggestion is highlighted,
        else the first value coded now (so an Enter without a look changes nothing it should
        not)."""
        rows = self.rows()
        start = 0
        if not self.query_text:
            start = next((i for i, c in enumerate(self.shown) if c.reason),
                         next((i for i, c in enumerate(self.shown) if c.current), 0))
        self.query_one(RowList).set_rows(rows, start)

    def choose(self, index: int) -> None:
        """Code the chosen value."""
        if 0 <= index < len(self.shown):
            self.dismiss(self.shown[index])
