"""The corpus-level speaker registry: the same person across articles is one speaker.

Speakers are stored per document (their mentions are offsets into one text). The registry
links them across the corpus by their canonical name, normalised (case, punctuation, titles
and "'s" dropped), so "Jim Kenney" in 40 articles counts once in the stats and the speaker
picker offers him in every article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotations.model import Layer, Speaker

TITLES = frozenset(
    "mr mrs ms miss dr prof sir dame rev mayor president senator sen rep gov governor "
    "minister premier chief director secretary judge officer sgt lt col gen capt".split()
)


def registry_key(name: str) -> str:
    """The normalised form two names must share to be one corpus speaker."""
    words = re.findall(r"[\w-]+", re.sub(r"['\u2019]s\b", "", name.casefold()))
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


@dataclass(slots=True)
class CorpusSpeaker:
    """One speaker of the corpus with where they speak."""

    key: str
    name: str
    kind: str
    aliases: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    quotes: int = 0


def build_registry(layers: Iterable[tuple[str, Layer]]) -> dict[str, CorpusSpeaker]:
    """Corpus speakers from ``(doc_id, layer)`` pairs, counting non-rejected quotes."""
    registry: dict[str, CorpusSpeaker] = {}
    for doc_id, layer in layers:
        local: dict[str, CorpusSpeaker] = {}
        for speaker in layer.speakers.values():
            entry = _entry(registry, speaker)
            entry.aliases.update(a for a in speaker.aliases if a != entry.name)
            local[speaker.id] = entry
        for quote in layer.quotes.values():
            if quote.status == "rejected" or quote.speaker_id not in local:
                continue
            entry = local[quote.speaker_id]
            entry.quotes += 1
            entry.documents.add(doc_id)
    return registry


def _entry(registry: dict[str, CorpusSpeaker], speaker: Speaker) -> CorpusSpeaker:
    key = registry_key(speaker.name) or speaker.name
    entry = registry.get(key)
    if entry is None:
        entry = registry[key] = CorpusSpeaker(key, speaker.name, speaker.kind)
    elif len(speaker.name) > len(entry.name):
        entry.aliases.add(entry.name)
        entry.name = speaker.name
    if entry.kind == "unknown":
        entry.kind = speaker.kind
    return entry
