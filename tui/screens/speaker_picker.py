"""SpeakerPicker: fuzzy search over the document's and the corpus's speakers, or a new one.

Which speakers are offered and how a query ranks them is the domain's
(``annotations.registry``); this screen shows the ranking and returns the pick.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from annotations.display import visible
from annotations.registry import SpeakerCandidate, rank_speakers
from tui.screens.picker import TypeaheadPicker


@dataclass(frozen=True, slots=True)
class Pick:
    """The picker's answer: an existing candidate, or a new name."""

    candidate: SpeakerCandidate | None
    new_name: str | None = None


class SpeakerPicker(TypeaheadPicker[Pick | None]):
    """Type to filter; ↑/↓ to move; Enter picks; the last row creates a new speaker."""

    PLACEHOLDER = "type a name…"

    def __init__(self, title: str, candidates: list[SpeakerCandidate], *, allow_new: bool = True):
        super().__init__(title)
        self.candidates = candidates
        self.allow_new = allow_new
        self.shown: list[SpeakerCandidate] = []

    def hint(self) -> str:
        """Keys, and the new-speaker row when there is one."""
        return "Enter: pick · ↑↓: move · Esc: cancel" + (
            " · last row: new speaker" if self.allow_new else "")

    def rows(self) -> list[Text]:
        """The candidates ranked for the query, then "+ new speaker"."""
        self.shown = rank_speakers(self.candidates, self.query_text)
        rows = []
        for cand in self.shown:
            row = Text(no_wrap=True)
            row.append(visible(cand.name), "bold")
            if cand.aliases:
                row.append(visible(" (" + ", ".join(cand.aliases) + ")"), "italic")
            row.append(f"  {cand.quotes}q" if cand.in_document else "  · other articles", "dim")
            rows.append(row)
        name = " ".join(self.query_text.split())
        if self.allow_new and name:
            rows.append(Text(f"+ new speaker “{visible(name)}”", "bold"))
        return rows

    def choose(self, index: int) -> None:
        """A candidate, or the new name."""
        if index < len(self.shown):
            self.dismiss(Pick(self.shown[index]))
            return
        name = " ".join(self.query_text.split())
        if self.allow_new and name:
            self.dismiss(Pick(None, name))
