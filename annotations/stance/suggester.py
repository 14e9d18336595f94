"""A project's stance suggestions: snapshot the labels, refit, suggest for every other quote.

This is the model half of the app's stance suggestions, kept out of ``tui/`` so that it has
one set of rules (``annotations.stance.adapt``: what a label is, who a speaker is) and can be
tested without an app. It knows nothing of the app: it reads layers through a plain
``read_layer(doc_id) -> Layer`` callable (the TUI passes one that takes its editor's lock one
document at a time, so saves never wait for the whole corpus) and leaves threads to the
caller. ``RefitState`` is the caller's bookkeeping so that refits never overlap and a request
during a refit is followed by exactly one more.

Fitting is deterministic (fixed seed, no randomness in the model), so the same labels give
the same suggestions in every run. ``StanceSuggester.snapshot`` re-reads only the documents
whose change stamp moved (``changed``) since it last read them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotations.model import Layer, Quote, StanceScheme
from annotations.stance.adapt import classify, stance_label
from annotations.stance.target import Target, as_target
from annotations.stance.types import FitReport, StanceExample, StanceItem, StanceSuggestion

if TYPE_CHECKING:
    from annotations.layer_summary import LayerSummary

Key = tuple[str, str]  # (doc_id, quote_id)
ReadLayer = Callable[[str], Layer]
ReadText = Callable[[str], str]
SEED = 0
_STANCE = Target(())  # the stance's rules for what a label is (labels not needed there)


@dataclass(frozen=True, slots=True)
class DocPart:
    """One document's share of a snapshot: its labels, its unlabelled quotes, all its texts."""

    examples: tuple[StanceExample, ...]
    items: tuple[tuple[Key, StanceItem], ...]
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a refit needs: the scheme's labels, the examples, the items, all quote texts, and
    the scheme's example statements (training-only seeds)."""

    labels: tuple[str, ...]
    examples: tuple[StanceExample, ...]
    items: tuple[tuple[Key, StanceItem], ...]
    texts: tuple[str, ...]
    seeds: tuple[StanceExample, ...] = ()


def doc_part(layer: Layer, doc_id: str, labels: Collection[str],
             target: Target | None = None, doc_text: str | None = None) -> DocPart:
    """Labelled quotes (examples) and live unlabelled quotes (items) of one document's layer,
    by ``annotations.stance.adapt.classify``; ``labels``: the scheme's label names;
    ``target``: whose labels (``None``: the stance); ``doc_text``: the document's text, for
    a target that learns from the quote in its sentence."""
    label_of = target.label if target is not None else stance_label
    examples: list[StanceExample] = []
    items: list[tuple[Key, StanceItem]] = []
    texts: list[str] = []
    for quote in layer.sorted_quotes():
        if quote.status == "rejected":
            continue
        found = classify(doc_id, layer, quote, labels, label_of=label_of, doc_text=doc_text)
        texts.append(found.text if found is not None else quote.text)  # the vocabulary's
        if isinstance(found, StanceExample):
            examples.append(found)
        elif found is not None:
            items.append(((doc_id, quote.id), found))
    return DocPart(tuple(examples), tuple(items), tuple(texts))


def assemble(scheme: StanceScheme | Target, parts: Iterable[DocPart]) -> Snapshot:
    """One snapshot from the documents' parts (in corpus order) and the scheme (or the
    ``Target``: a quote variable's values)."""
    target = as_target(scheme)
    parts = list(parts)
    return Snapshot(
        target.labels,
        tuple(ex for pt in parts for ex in pt.examples),
        tuple(it for pt in parts for it in pt.items),
        tuple(t for pt in parts for t in pt.texts),
        target.seeds,
    )


def snapshot(doc_ids: Sequence[str], read_layer: ReadLayer,
             scheme: StanceScheme | Target, read_text: ReadText | None = None) -> Snapshot:
    """Examples and items of every document (``read_layer(doc_id)`` gives its layer), for
    the stance of ``scheme`` or a ``Target``; ``read_text(doc_id)`` gives a document's text
    for a target that learns from the quote in its sentence (``Target.in_sentence``)."""
    target = as_target(scheme)
    names = frozenset(target.labels)
    return assemble(target, (doc_part(read_layer(d), d, names, target,
                                      _text(target, read_text, d)) for d in doc_ids))


def _text(target: Target, read_text: ReadText | None, doc_id: str) -> str | None:
    """The document's text when ``target`` learns from sentences and it can be read."""
    return read_text(doc_id) if target.in_sentence and read_text is not None else None


@dataclass(frozen=True, slots=True)
class SuggestionSet:
    """One refit's results: a suggestion and an uncertainty per unlabelled quote.

    ``layer`` names the layer the labels came from (the caller's business: suggestions fitted
    on one layer's quote ids are not offered on another); ``version`` counts refits.
    """

    version: int = 0
    layer: str | None = None
    report: FitReport | None = None
    labelled: int = 0
    by_quote: dict[Key, StanceSuggestion] = field(default_factory=dict)
    uncertainty: dict[Key, float] = field(default_factory=dict)


@dataclass(slots=True)
class RefitState:
    """Refits never overlap: a request during one queues exactly one more.

    ``request()`` says whether to start a refit now (else it is queued); when a refit ends,
    ``finished()`` says whether one was queued meanwhile (then call ``request()`` again).
    """

    running: bool = False
    dirty: bool = False

    def request(self) -> bool:
        """A refit is wanted: True to start one now, False when one runs (it is queued)."""
        if self.running:
            self.dirty = True
            return False
        self.running, self.dirty = True, False
        return True

    def finished(self) -> bool:
        """The running refit ended: True when another was requested meanwhile."""
        self.running = False
        return self.dirty


class StanceSuggester:
    """A project's stance model, its latest suggestions and a per-document snapshot cache."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self.model: Any = None
        self._labels: tuple[str, ...] = ()
        self._corpus: tuple[str, ...] | None = None
        self.current = SuggestionSet()
        self.refits = RefitState()
        self.fits = 0
        self._stamps: dict[str, int] = {}
        self._parts: dict[tuple[str, str | None], tuple[int, frozenset[str], DocPart]] = {}

    def changed(self, doc_id: str | None = None) -> None:
        """A document's layers changed (``None``: every document, e.g. a scheme change)."""
        if doc_id is None:
            self._parts.clear()
        else:
            self._stamps[doc_id] = self._stamps.get(doc_id, 0) + 1

    def snapshot(
        self,
        doc_ids: Sequence[str],
        read_layer: ReadLayer,
        scheme: StanceScheme | Target,
        layer: str | None = None,
        read_text: ReadText | None = None,
    ) -> Snapshot:
        """``snapshot`` calling ``read_layer`` only for the documents changed since it last
        read them; ``layer`` names the layer ``read_layer`` reads (the cache is per layer; a
        suggester serves one target, the stance or one quote variable)."""
        target = as_target(scheme)
        names = frozenset(target.labels)

        def part(doc_id: str) -> DocPart:
            stamp, key = self._stamps.get(doc_id, 0), (doc_id, layer)
            hit = self._parts.get(key)
            if hit is not None and hit[0] == stamp and hit[1] == names:
                return hit[2]
            found = doc_part(read_layer(doc_id), doc_id, names, target,
                             _text(target, read_text, doc_id))
            self._parts[key] = (stamp, names, found)
            return found

        return assemble(target, (part(d) for d in doc_ids))

    def compute(self, snap: Snapshot, layer: str | None = None) -> SuggestionSet:
        """Fit on the snapshot and suggest for its items (safe off the UI thread: it touches
        only the model; ``current`` and ``fits`` are the caller's to set)."""
        version = self.fits + 1
        if len({example.label for example in snap.examples}) < 2:
            # one label only: a model of one class says that class everywhere with no
            # confidence ("neutral? ~.00" on every quote); nothing to say until two are seen
            return SuggestionSet(version, layer, labelled=len(snap.examples))
        from annotations.stance.model import StanceModel

        if self.model is None or snap.labels != self._labels:
            self.model = StanceModel(snap.labels, seed=self.seed)
            self._labels, self._corpus = snap.labels, None
        corpus = tuple(sorted(set(snap.texts)))
        if corpus != self._corpus and corpus:
            self.model.set_corpus(list(corpus))
            self._corpus = corpus
        pool = [item for _, item in snap.items]
        report = self.model.fit(list(snap.examples), seeds=list(snap.seeds), pool=pool)
        by_quote, uncertainty = self._suggest(snap.items)
        return SuggestionSet(version, layer, report, len(snap.examples), by_quote, uncertainty)

    def extend(self, base: SuggestionSet, more: Snapshot, version: int) -> SuggestionSet:
        """``base`` (the latest ``compute``) with suggestions for the items of ``more`` too,
        from the model that ``compute`` fitted, without fitting again: what is learned, and so
        each suggestion, stays that of ``base``'s snapshot, whichever other documents are
        read. ``version``: the result's."""
        by_quote, uncertainty = dict(base.by_quote), dict(base.uncertainty)
        if base.report is not None and self.model is not None and more.items:
            found, unc = self._suggest(more.items)
            by_quote.update(found)
            uncertainty.update(unc)
        return SuggestionSet(version, base.layer, base.report, base.labelled, by_quote,
                             uncertainty)

    def _suggest(
        self, items: Sequence[tuple[Key, StanceItem]]
    ) -> tuple[dict[Key, StanceSuggestion], dict[Key, float]]:
        """The fitted model's suggestion (those with a label) and uncertainty per item."""
        pool = [item for _, item in items]
        keys = [key for key, _ in items]
        suggestions = self.model.suggest(pool) if pool else []
        uncertainty = self.model.uncertainty(pool) if pool else []
        return (
            {k: s for k, s in zip(keys, suggestions, strict=True) if s.label is not None},
            {k: float(u) for k, u in zip(keys, uncertainty, strict=True)},
        )

    def suggestion(self, doc_id: str, quote: Quote,
                   target: Target | None = None) -> StanceSuggestion | None:
        """The latest suggestion for a quote without a label (of the stance, or of
        ``target``; ``None``: nothing to say)."""
        if (target or _STANCE).label(quote) is not None:
            return None
        return self.current.by_quote.get((doc_id, quote.id))


def may_hold_labels(summary: LayerSummary, target: Target | None = None) -> bool:
    """True when a layer's corpus index summary may hold a label (of the stance, or of
    ``target``): ``Target.may_hold_labels``. What a refit learns from is found this way
    without reading a layer."""
    return (target or _STANCE).may_hold_labels(summary)


def label_changed(before: Quote | None, after: Quote | None,
                  target: Target | None = None) -> bool:
    """True when an edit from ``before`` to ``after`` (``None``: absent) changes what a refit
    learns from that quote (of the stance, or of ``target``): ``Target.label_changed``."""
    return (target or _STANCE).label_changed(before, after)


def stance_uncertainty_order(suggestions: SuggestionSet, queue: Sequence[Key]) -> list[Key]:
    """The review queue, most uncertain stance first; quotes without an uncertainty (labelled,
    or not fitted yet) last; ties keep the queue's order."""
    unc = suggestions.uncertainty
    return sorted(queue, key=lambda key: -unc.get(key, -1.0))
