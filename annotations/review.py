"""The review queue's rules: which suggestions it holds, in what order, and how far along it is.

They are domain rules, not screen logic: the TUI's review screen, a CLI or a benchmark must
agree on what "least confident first" and "reviewed" mean, so they live here and the screen only
shows their results. A quote counts as reviewed once its status is no longer ``suggested``
(accepted or rejected); a quote deleted since the queue was built counts as reviewed too.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from annotations.model import Layer, Quote

QueueItem = tuple[str, str]
"""One queue entry: ``(doc_id, quote_id)``."""

UNKNOWN_CONFIDENCE = 0.5
"""Where a quote without any confidence sorts: between sure and unsure suggestions."""

FILTER_KEYS: tuple[str, ...] = ("type", "speaker", "stance", "status")


def confidence_of(quote: Quote) -> float | None:
    """The lowest per-field confidence of a quote (``None`` when it has none)."""
    values = [v for v in quote.confidence.values() if isinstance(v, int | float)]
    return min(values) if values else None


def is_reviewed(quote: Quote | None) -> bool:
    """True once a person decided on the quote (or it no longer exists)."""
    return quote is None or quote.status != "suggested"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which quotes the review queue holds."""

    type: str | None = None
    speaker: str | None = None
    stance: str | None = None
    status: str | None = "suggested"
    words: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, text: str) -> QueueFilter:
        """Read ``key:value`` terms (type, speaker, stance, status) and free words.

        ``any``, ``all`` or an empty value lifts a term; without a ``status:`` term every
        status passes.
        """
        values: dict[str, str | None] = {"status": None}
        words = []
        for term in text.split():
            key, sep, value = term.partition(":")
            if sep and key in FILTER_KEYS:
                values[key] = None if value in ("", "any", "all") else value.casefold()
            else:
                words.append(term.casefold())
        return cls(values.get("type"), values.get("speaker"), values.get("stance"),
                   values.get("status"), tuple(words))

    def matches(self, quote: Quote, layer: Layer) -> bool:
        """True when ``quote`` (of ``layer``) passes every term."""
        if self.type and quote.type != self.type:
            return False
        if self.status and quote.status != self.status:
            return False
        if self.stance:
            if self.stance == "none":
                if quote.stance:
                    return False
            elif (quote.stance or "").casefold() != self.stance:
                return False
        if self.speaker:
            name = (layer.speaker_name(quote) or "none").casefold()
            if self.speaker not in name:
                return False
        text = quote.text.casefold()
        return all(w in text for w in self.words)


def build_queue(
    layers: Mapping[str, Layer], flt: QueueFilter, first: Collection[str] = ()
) -> list[QueueItem]:
    """``(doc_id, quote_id)`` pairs passing ``flt``, least confident first.

    ``first``: documents whose items come before every other item (the annotator's assigned
    documents); each part is ordered by confidence. Ties keep the documents' order in
    ``layers`` and then reading order; a quote without a confidence sorts as
    ``UNKNOWN_CONFIDENCE``.
    """
    items = []
    for order, (doc_id, layer) in enumerate(layers.items()):
        later = doc_id not in first
        for quote in layer.quotes.values():
            if flt.matches(quote, layer):
                conf = confidence_of(quote)
                items.append((later, conf if conf is not None else UNKNOWN_CONFIDENCE, order,
                              quote.start, doc_id, quote.id))
    items.sort()
    return [(doc_id, qid) for *_, doc_id, qid in items]


def documents_first(queue: Sequence[QueueItem], first: Collection[str]) -> list[QueueItem]:
    """``queue`` with the items of the ``first`` documents before the others, each part in
    its order (for a queue ordered otherwise than by ``build_queue``)."""
    return [i for i in queue if i[0] in first] + [i for i in queue if i[0] not in first]


class QueueProgress(NamedTuple):
    """How much of a queue is reviewed; unpacks as ``reviewed, total``."""

    reviewed: int
    total: int

    @property
    def remaining(self) -> int:
        """Items still to review."""
        return self.total - self.reviewed

    @property
    def finished(self) -> bool:
        """Every item reviewed (an empty queue is finished)."""
        return self.reviewed == self.total


def _quote(layers: Mapping[str, Layer], item: QueueItem) -> Quote | None:
    layer = layers.get(item[0])
    return layer.quotes.get(item[1]) if layer is not None else None


def queue_progress(queue: Sequence[QueueItem], layers: Mapping[str, Layer]) -> QueueProgress:
    """Reviewed items out of ``queue``, judged on the current ``layers`` (doc_id -> layer)."""
    reviewed = sum(1 for item in queue if is_reviewed(_quote(layers, item)))
    return QueueProgress(reviewed, len(queue))


def next_unreviewed(
    queue: Sequence[QueueItem], layers: Mapping[str, Layer], after: int
) -> int | None:
    """The position of the first item after ``after`` still to review (``None``: none left).

    A deleted quote is not "still to review": it is skipped.
    """
    for pos in range(max(after + 1, 0), len(queue)):
        if not is_reviewed(_quote(layers, queue[pos])):
            return pos
    return None
