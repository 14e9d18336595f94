"""Corpus statistics: quotes per speaker, stance by speaker, quotes per document, kinds.

Plain data (dicts and lists) for ``saywho stats --json``, the rich tables and the TUI's stats
screen alike. A document's review progress (``DocStats``) is read from its layer's summary
(``annotations.corpus_index.summarize``, the one rule): ``document_stats`` summarizes layers read
whole, the library reads the same summaries from the corpus index (``CorpusView.stats``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotations.corpus_index import LayerSummary, summarize
from annotations.errors import DamagedFileError
from annotations.model import Layer
from annotations.registry import build_registry, speaker_key
from annotations.store import DocumentInfo, Project

if TYPE_CHECKING:
    from annotations.session import Session


@dataclass(frozen=True, slots=True)
class DocStats:
    """One document's review progress in one layer: reviewed = status other than suggested."""

    doc_id: str
    title: str
    quotes: int
    reviewed: int

    @property
    def done(self) -> bool:
        """Every quote reviewed (and there is at least one)."""
        return self.quotes > 0 and self.reviewed == self.quotes

    @classmethod
    def of(cls, doc_id: str, title: str, summary: LayerSummary) -> DocStats:
        """A document's progress from its layer's summary; a title falls back to the id."""
        return cls(doc_id, title or doc_id, summary.quotes, summary.reviewed)


def document_stats(documents: Iterable[tuple[DocumentInfo, Layer]]) -> list[DocStats]:
    """Review progress per document, in the order given; a title falls back to the id.

    Every quote counts, rejected ones too (rejecting is reviewing): ``LayerSummary``'s rule.
    """
    return [DocStats.of(info.id, info.title, summarize(layer)) for info, layer in documents]


def corpus_stats(project: Project | Session, layer: str | None = None) -> dict[str, Any]:
    """Counts over one layer (default: the annotator's) of every readable document."""
    pairs = []
    per_doc = []
    status: Counter[str] = Counter()
    types: Counter[str] = Counter()
    stance: Counter[str] = Counter()
    damaged = []
    for doc_id in project.document_ids():
        try:
            info = project.info(doc_id)
            data = project.layer(doc_id, layer)
        except DamagedFileError as exc:
            damaged.append(exc.message)
            continue
        pairs.append((doc_id, data))
        quotes = list(data.quotes.values())
        live = [q for q in quotes if q.status != "rejected"]
        per_doc.append(
            {
                "id": doc_id,
                "title": info.title,
                "quotes": len(live),
                "reviewed": sum(q.status != "suggested" for q in quotes),
                "total": len(quotes),
            }
        )
        status.update(q.status for q in quotes)
        types.update(q.type for q in live)
        stance.update(q.stance or "none" for q in live)
    registry = build_registry(pairs)
    stance_by_speaker: dict[str, Counter[str]] = {}
    for _doc_id, data in pairs:
        for quote in data.quotes.values():
            if quote.status == "rejected":
                continue
            speaker = data.speakers.get(quote.speaker_id or "")
            name = speaker.name if speaker else "(no speaker)"
            key = speaker_key(name) if speaker else name
            shown = registry[key].name if key in registry else name
            stance_by_speaker.setdefault(shown, Counter())[quote.stance or "none"] += 1
    speakers = sorted(registry.values(), key=lambda s: (-s.quotes, s.name))
    kinds = Counter(s.kind for s in registry.values())
    return {
        "layer": layer or project.annotator,
        "documents": len(per_doc),
        "quotes": sum(d["quotes"] for d in per_doc),
        "reviewed": sum(d["reviewed"] for d in per_doc),
        "total": sum(d["total"] for d in per_doc),
        "status": dict(status),
        "types": dict(types),
        "stance": dict(stance),
        "speaker_kinds": dict(kinds),
        "speakers": [
            {
                "name": s.name,
                "kind": s.kind,
                "quotes": s.quotes,
                "documents": len(s.documents),
                "aliases": sorted(s.aliases),
            }
            for s in speakers
        ],
        "stance_by_speaker": {k: dict(v) for k, v in stance_by_speaker.items()},
        "per_document": per_doc,
        "damaged": damaged + list(project.damaged),
    }
