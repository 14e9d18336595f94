"""SpeakerPicker: fuzzy search over the document's and the corpus's speakers, or a new one.

Which speakers are offered and how a query ranks them is the domain's
(``annotations.registry``); this screen shows the ranking and returns the pick.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from annotations.display import visible
from annotations.registry import CONFIDENT, SpeakerCandidate, scored_speakers
from tui.screens.picker import TypeaheadPicker


@dataclass(frozen=True, slots=True)
class Pick:
    """The picker's answer: an existing candidate, or a new name."""

    candidate: SpeakerCandidate | None
    new_name: str | None = None


class SpeakerPicker(TypeaheadPicker[Pick | None]):
    """Type to filter; ↑/↓ to move; Enter picks; "+ new speaker" makes one of the name typed
    (the first row when nothing offered is a confident match, else the last)."""

    PLACEHOLDER = "type a name…"

    def __init__(self, title: str, candidates: list[SpeakerCandidate], *, allow_new: bool = True):
        super().__init__(title)
        self.candidates = candidates
        self.allow_new = allow_new
        self.shown: list[SpeakerCandidate] = []
        self.new_first = False  # "+ new speaker" is the first row (no confident match)

    def hint(self) -> str:
        """Keys, and the new-speaker row when there is one."""
        return "Enter: pick · ↑↓: move · Esc: cancel" + (
            " · + row: new speaker" if self.allow_new else "")

    def rows(self) -> list[Text]:
        """The candidates ranked for the query, and "+ new speaker": first when no candidate
        is a confident match (Enter then makes the name typed, not a look-alike), else
        last."""
        scored = scored_speakers(self.candidates, self.query_text)
        self.shown = [c for c, _ in scored]
        rows = []
        for cand in self.shown:
            row = Text(no_wrap=True)
            row.append(visible(cand.name), "bold")
            if cand.aliases:
                row.append(visible(" (" + ", ".join(cand.aliases) + ")"), "italic")
            row.append(f"  {cand.quotes}q" if cand.in_document else "  · other articles", "dim")
            rows.append(row)
        name = self._new_name()
        self.new_first = bool(name) and not (scored and scored[0][1] >= CONFIDENT)
        if name:
            new = Text(f"+ new speaker “{visible(name)}”", "bold")
            rows.insert(0 if self.new_first else len(rows), new)
        return rows

    def _new_name(self) -> str:
        """The name typed, when a new speaker may be made of it."""
        return " ".join(self.query_text.split()) if self.allow_new else ""

    def choose(self, index: int) -> None:
        """A candidate, or the new name."""
        if self.new_first:
            index -= 1
            if index < 0:
                self.dismiss(Pick(None, self._new_name()))
                return
        if index < len(self.shown):
            self.dismiss(Pick(self.shown[index]))
            return
        if name := self._new_name():
            self.dismiss(Pick(None, name))
