"""VersionPicker: choose whose version to take by typing part of a layer's name (``t``).

The keys ``1``…``9`` take the first nine layers' versions of a unit; a project with more
annotators, or an adjudicator who thinks in names rather than column numbers, picks here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.text import Text

from annotations.display import visible
from tui.screens.picker import TypeaheadPicker


class VersionPicker(TypeaheadPicker[str | None]):
    """Type to narrow the layer names; Enter returns the highlighted one (``None``: Esc)."""

    PLACEHOLDER = "type a layer's name…"

    def __init__(self, title: str, names: Sequence[str], with_version: Collection[str]) -> None:
        super().__init__(title)
        self.names = list(names)
        self.with_version = with_version  # the layers that have a version to take
        self.shown: list[str] = []

    def rows(self) -> list[Text]:
        """The layers whose name holds what is typed, each with its column number."""
        typed = self.query_text.strip().casefold()
        self.shown = [n for n in self.names if typed in n.casefold()]
        rows = []
        for name in self.shown:
            row = Text(no_wrap=True)
            row.append(f"{self.names.index(name) + 1:>3}  ", "dim")
            row.append(visible(name), "bold")
            if name not in self.with_version:
                row.append("  · no version of this unit", "dim")
            rows.append(row)
        return rows

    def choose(self, index: int) -> None:
        """The highlighted layer's name."""
        if 0 <= index < len(self.shown):
            self.dismiss(self.shown[index])
