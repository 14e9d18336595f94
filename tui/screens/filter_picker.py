"""FilterPicker: the speakers, statuses, types and stances the quote list can be filtered by.

Which values there are, what each count means and what choosing one does to the filter are the
domain's (``annotations.quote_filter``); this screen lists the choices (type to narrow them)
and returns the filter that the chosen one gives.
"""

from __future__ import annotations

from rich.text import Text

from annotations.display import visible_line
from annotations.quote_filter import FilterChoice, QuoteFilter
from tui.screens.picker import TypeaheadPicker

CLEAR = "clear filter"


class FilterPicker(TypeaheadPicker[QuoteFilter | None]):
    """Type to narrow; ↑/↓ to move; Enter chooses (a chosen value again lifts it); the last
    row, while something is filtered, clears the filter."""

    def __init__(self, title: str, current: QuoteFilter, choices: list[FilterChoice]) -> None:
        super().__init__(title)
        self.current = current
        self.choices = choices
        self.shown: list[FilterChoice | None] = []  # None: the "clear filter" row

    def hint(self) -> str:
        """Keys, and what choosing a chosen value does."""
        return "Enter: filter (● chosen: again lifts it) · ↑↓: move · Esc: cancel"

    def rows(self) -> list[Text]:
        """The values whose label holds every typed word, then "clear filter"."""
        words = self.query_text.casefold().split()
        entries: list[FilterChoice | None] = list(self.choices)
        if self.current:
            entries.append(None)
        self.shown = [
            e for e in entries
            if all(w in (CLEAR if e is None else e.text).casefold() for w in words)
        ]
        rows = []
        for entry in self.shown:
            if entry is None:
                rows.append(Text(f"✕ {CLEAR}", "bold"))
                continue
            row = Text(no_wrap=True)
            row.append("● " if entry.active else "  ", "bold")
            row.append(f"{entry.facet_label}: ", "dim")
            row.append(visible_line(entry.label), "bold")
            row.append(f" ({entry.count})", "dim")
            rows.append(row)
        return rows

    def choose(self, index: int) -> None:
        """The filter this row gives (the empty one for "clear filter")."""
        if not 0 <= index < len(self.shown):
            return
        entry = self.shown[index]
        if entry is None:
            self.dismiss(QuoteFilter())
        else:
            self.dismiss(self.current.toggled(entry.facet, entry.value))
