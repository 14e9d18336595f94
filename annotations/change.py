"""What one edit changes, as records before and after, and who made it when.

``LayerChange`` is what the store journals and applies, and what undo applies backwards; it
is apart from the edit commands (``annotations.edits``) so that the store, the session and the
events can hold changes without loading every command.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from annotations.model import Layer, Quote, Speaker, now_iso


@dataclass(frozen=True, slots=True)
class LayerChange:
    """The records one edit touches: id -> record before and after (``None`` = absent)."""

    quotes_before: Mapping[str, Quote | None] = field(default_factory=dict)
    quotes_after: Mapping[str, Quote | None] = field(default_factory=dict)
    speakers_before: Mapping[str, Speaker | None] = field(default_factory=dict)
    speakers_after: Mapping[str, Speaker | None] = field(default_factory=dict)

    def changes_nothing(self) -> bool:
        """True when every record after equals its record before, leaving aside when a quote
        was last updated and how confident the detector was (an edit that restates a record
        is not a change: clearing a stance that is not set only marks it confirmed)."""
        if (self.quotes_before.keys() != self.quotes_after.keys()
                or self.speakers_before != self.speakers_after):
            return False
        for key, old in self.quotes_before.items():
            new = self.quotes_after[key]
            if old != new and (old is None or new is None or replace(
                    new, updated=old.updated, confidence=old.confidence) != old):
                return False
        return True

    def inverted(self) -> LayerChange:
        """The change that undoes this one."""
        return LayerChange(
            self.quotes_after, self.quotes_before, self.speakers_after, self.speakers_before
        )

    def then(self, later: LayerChange) -> LayerChange:
        """This change followed by ``later`` as one change: each record's first before and
        last after."""
        return LayerChange(
            {**later.quotes_before, **self.quotes_before},
            {**self.quotes_after, **later.quotes_after},
            {**later.speakers_before, **self.speakers_before},
            {**self.speakers_after, **later.speakers_after},
        )

    def apply_to(self, layer: Layer) -> Layer:
        """``layer`` with this change's after-records in place."""
        quotes = dict(layer.quotes)
        for qid, quote in self.quotes_after.items():
            if quote is None:
                quotes.pop(qid, None)
            else:
                quotes[qid] = quote
        speakers = dict(layer.speakers)
        for sid, speaker in self.speakers_after.items():
            if speaker is None:
                speakers.pop(sid, None)
            else:
                speakers[sid] = speaker
        return Layer(layer.name, quotes, speakers)

    @property
    def quote_ids(self) -> tuple[str, ...]:
        """Ids of the quotes this change touches."""
        return tuple(self.quotes_after)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for the journal."""

        def dump(records: Mapping[str, Any]) -> dict[str, Any]:
            return {k: (v.to_dict() if v is not None else None) for k, v in records.items()}

        return {
            "quotes_before": dump(self.quotes_before),
            "quotes_after": dump(self.quotes_after),
            "speakers_before": dump(self.speakers_before),
            "speakers_after": dump(self.speakers_after),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LayerChange:
        """The inverse of ``to_dict``."""

        def load(records: Mapping[str, Any], kind: Any) -> dict[str, Any]:
            return {k: (kind.from_dict(v) if v is not None else None) for k, v in records.items()}

        return cls(
            load(data.get("quotes_before", {}), Quote),
            load(data.get("quotes_after", {}), Quote),
            load(data.get("speakers_before", {}), Speaker),
            load(data.get("speakers_after", {}), Speaker),
        )


@dataclass(frozen=True, slots=True)
class EditContext:
    """Who makes the edit and when."""

    annotator: str
    now: str = field(default_factory=now_iso)
