"""SpeakerList: the document's speakers with aliases and quote counts."""

from __future__ import annotations

from collections import Counter

from rich.text import Text

from annotations.display import visible
from annotations.model import Layer
from tui.widgets.rowlist import RowList


class SpeakerList(RowList):
    """Speakers of the open document; choosing one highlights their quotes in the article."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Speakers"
        self.ids: list[str] = []
        self.focused_speaker: str | None = None

    def show(self, layer: Layer, order: list[str]) -> None:
        """Show the layer's speakers who have quotes, in ``order`` (first appearance in the
        text); those left without one (every quote reassigned) are counted, not listed: they
        stay in the layer and in the speaker picker."""
        counts = Counter(q.speaker_id for q in layer.quotes.values() if q.speaker_id)
        known = [sid for sid in order if sid in layer.speakers]
        self.ids = [sid for sid in known if counts.get(sid)]
        unquoted = len(known) - len(self.ids)
        rows = []
        for sid in self.ids:
            speaker = layer.speakers[sid]
            row = Text(no_wrap=True)
            marker = "▶ " if sid == self.focused_speaker else "  "
            row.append(marker)
            row.append(visible(speaker.name), "bold")
            row.append(f" {counts.get(sid, 0)}q", "dim")
            if speaker.attributes:  # coded values, shortest first word: "female", "expert"
                row.append(visible(" " + "·".join(v for _, v in speaker.attributes)), "cyan")
            if speaker.aliases:
                row.append(visible(" (" + ", ".join(speaker.aliases) + ")"), "italic dim")
            rows.append(row)
        self.set_rows(rows)
        self.border_subtitle = f"{len(self.ids)}" + (f" · {unquoted} unquoted" if unquoted else "")

    @property
    def highlighted_id(self) -> str | None:
        """The speaker under the cursor."""
        return self.ids[self.index] if 0 <= self.index < len(self.ids) else None
