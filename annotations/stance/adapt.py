"""Bridges from the data model (``Quote``, ``Layer``) to the stance engine's records.

The ONE place that says what the stance engine learns from and how it links quotes:

- ``is_label``: a label is a stance the researcher set. ``SetStance`` (and every edit that
  confirms a field) writes ``confidence["stance"] = 1.0``; a stance a detector or model
  suggested carries its own lower confidence and stays a suggestion even on an accepted quote
  (accepting a quote confirms its span and speaker, not a guessed stance). A stance with no
  recorded confidence came from outside the tool (a gold file, brat, WebAnno...) and is a
  person's annotation, so it counts. Rejected quotes are not quotes: never a label.
- ``speaker_key``: a speaker is the corpus registry's key of the resolved speaker name
  (``annotations.registry.registry_key``), never ``quote.speaker_id``, which is per document
  ("s1" in two articles are two people). So the same-speaker prior reaches the speaker's
  quotes in other articles, exactly as the registry counts them in the stats.
- ``cue_key``: the cue's lemma, else its text, case-folded.

Item ids are ``"<document id>/<quote id>"`` (quote ids are unique within a document only).
``as_example`` is the one way an answer becomes an example: for a quote of a layer
(``example_from_quote``) and for the stance-eval simulation, whose oracle answers the way
the researcher does in the app (a key press, i.e. ``SetStance``), so each answer is a label.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from annotations.model import Layer, Quote
from annotations.registry import speaker_key as registry_speaker_key
from annotations.stance.types import StanceExample, StanceItem

LABEL_CONFIDENCE = 1.0  # what SetStance writes: the researcher's own stance


def is_label(quote: Quote) -> bool:
    """True when the quote's stance is the researcher's (set by hand or imported), not a guess."""
    if not quote.stance or quote.status == "rejected":
        return False
    return float(quote.confidence.get("stance", LABEL_CONFIDENCE)) >= LABEL_CONFIDENCE


def speaker_identity(name: str | None) -> str | None:
    """The corpus-wide identity of a speaker name (the registry's key), ``None`` for none."""
    if not name or not name.strip():
        return None
    return registry_speaker_key(name)


def speaker_key(layer: Layer, quote: Quote) -> str | None:
    """The corpus-wide identity of the quote's speaker: its resolved name's registry key."""
    return speaker_identity(layer.speaker_name(quote))


def cue_key(quote: Quote) -> str | None:
    """The cue feature of a quote: the reporting verb's lemma, else its text, case-folded."""
    if quote.cue is None:
        return None
    return (quote.cue.lemma or quote.cue.text).casefold() or None


def item_id(doc_id: str, quote: Quote) -> str:
    """The engine's id for a quote of a document."""
    return f"{doc_id}/{quote.id}"


def quote_in_sentence(quote: Quote, doc_text: str) -> str:
    """The quote's text, then on a line of its own the sentence(s) it stands in
    (``textnav.sentence_around``): what a quote variable learns from, since a short quote
    often leaves its topic to the sentence ("a disaster," he said of the tax plan)."""
    from annotations.textnav import sentence_around

    if not (0 <= quote.start <= quote.end <= len(doc_text)):
        return quote.text
    start, end = sentence_around(doc_text, quote.start, quote.end)
    return f"{quote.text}\n{doc_text[start:end]}"


def item_from_quote(doc_id: str, layer: Layer, quote: Quote,
                    doc_text: str | None = None) -> StanceItem:
    """A ``StanceItem`` for one quote of ``layer`` (the layer resolves the speaker's name);
    with the document's text, the item's text is the quote's in its sentence
    (``quote_in_sentence``)."""
    text = quote.text if doc_text is None else quote_in_sentence(quote, doc_text)
    return StanceItem(
        item_id(doc_id, quote), text, speaker_key(layer, quote), cue_key(quote), doc_id
    )


def as_example(item: StanceItem, label: str, *, representative: bool = False) -> StanceExample:
    """The example a researcher's ``label`` on ``item`` makes."""
    return StanceExample(
        item.text, label, item.speaker, item.cue, item.document, representative=representative
    )


def example_from_quote(
    doc_id: str, layer: Layer, quote: Quote, *, representative: bool = False
) -> StanceExample | None:
    """A ``StanceExample`` for a quote whose stance is a label (``is_label``), else ``None``."""
    if not is_label(quote):
        return None
    return as_example(
        item_from_quote(doc_id, layer, quote), quote.stance or "", representative=representative
    )


def stance_label(quote: Quote) -> str | None:
    """The quote's stance when it is a label (``is_label``), else ``None``."""
    return quote.stance if is_label(quote) else None


def classify(
    doc_id: str,
    layer: Layer,
    quote: Quote,
    labels: Collection[str] | None = None,
    *,
    representative: bool = False,
    label_of: Callable[[Quote], str | None] = stance_label,
    doc_text: str | None = None,
) -> StanceExample | StanceItem | None:
    """What one quote is to the engine: an example (a label, of ``labels`` when given), an
    item to suggest for (no label), or ``None`` (rejected, or labelled outside the scheme:
    the researcher's stance stands, the model neither learns it nor second-guesses it).
    ``label_of``: the researcher's label of a quote (the stance's by default; a quote
    variable's code with ``target.Target.label``); ``doc_text``: the document's text, for an
    item of the quote in its sentence (``item_from_quote``)."""
    if quote.status == "rejected":
        return None
    label = label_of(quote)
    item = item_from_quote(doc_id, layer, quote, doc_text)
    if label is not None:
        if labels is not None and label not in labels:
            return None
        return as_example(item, label, representative=representative)
    return item


def split_layer(
    doc_id: str,
    layer: Layer,
    *,
    labels: Collection[str] | None = None,
    representative: Collection[str] = (),
) -> tuple[list[StanceExample], list[StanceItem]]:
    """(examples, items) of one layer in reading order, by ``classify``.

    ``labels``: the scheme's label names (``None``: any). ``representative``: item ids the
    learner picked as cold start or audit.
    """
    examples: list[StanceExample] = []
    items: list[StanceItem] = []
    rep = set(representative)
    for quote in layer.sorted_quotes():
        found = classify(
            doc_id, layer, quote, labels, representative=item_id(doc_id, quote) in rep
        )
        if isinstance(found, StanceExample):
            examples.append(found)
        elif found is not None:
            items.append(found)
    return examples, items
