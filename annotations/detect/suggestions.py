"""``Suggestions``: what a detector returns for one text, and the ``Detector`` protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from annotations.model import Quote, Speaker


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Suggested quotes and the speakers they point at, with the detector's origin string."""

    quotes: tuple[Quote, ...]
    speakers: tuple[Speaker, ...]
    origin: str


@runtime_checkable
class Detector(Protocol):
    """Anything that turns a text into ``Suggestions`` deterministically."""

    version: str

    def detect(self, text: str) -> Suggestions:
        """Suggested quotes and speakers for ``text``."""
        ...
