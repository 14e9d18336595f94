"""Bridges from the data model (``Quote``, ``Layer``) to the stance engine's records.

Item ids are ``"<document id>/<quote id>"`` (quote ids are unique within a document only).
The speaker is the quote's ``speaker_id`` (stable across the corpus, so the same-speaker
prior reaches the speaker's quotes in other articles); the cue is its lemma, else its text.
"""

from __future__ import annotations

from collections.abc import Collection

from annotations.model import Layer, Quote
from annotations.stance.types import StanceExample, StanceItem


def item_id(doc_id: str, quote: Quote) -> str:
    """The engine's id for a quote of a document."""
    return f"{doc_id}/{quote.id}"


def _cue(quote: Quote) -> str | None:
    if quote.cue is None:
        return None
    return quote.cue.lemma or quote.cue.text or None


def item_from_quote(doc_id: str, quote: Quote) -> StanceItem:
    """A ``StanceItem`` for one quote."""
    return StanceItem(item_id(doc_id, quote), quote.text, quote.speaker_id, _cue(quote), doc_id)


def example_from_quote(
    doc_id: str, quote: Quote, *, representative: bool = False
) -> StanceExample | None:
    """A ``StanceExample`` for a quote that carries a stance label, else ``None``."""
    if not quote.stance:
        return None
    return StanceExample(
        quote.text,
        quote.stance,
        quote.speaker_id,
        _cue(quote),
        doc_id,
        representative=representative,
    )


def split_layer(
    doc_id: str,
    layer: Layer,
    *,
    labelled_statuses: Collection[str] = ("accepted",),
    representative: Collection[str] = (),
) -> tuple[list[StanceExample], list[StanceItem]]:
    """(examples, items) of one layer: quotes with a stance and a status in
    ``labelled_statuses`` teach the model; every other non-rejected quote is an item to
    suggest for. ``representative``: item ids the learner picked as cold start or audit.
    """
    examples: list[StanceExample] = []
    items: list[StanceItem] = []
    rep = set(representative)
    for quote in layer.sorted_quotes():
        if quote.status == "rejected":
            continue
        ex = None
        if quote.status in labelled_statuses:
            ex = example_from_quote(
                doc_id, quote, representative=item_id(doc_id, quote) in rep
            )
        if ex is not None:
            examples.append(ex)
        else:
            items.append(item_from_quote(doc_id, quote))
    return examples, items
