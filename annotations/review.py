"""The review queue's rules: which suggestions it holds, in what order, and how far along it is.

They are domain rules, not screen logic: the TUI's review screen, a CLI or a benchmark must
agree on what "least confident first" and "reviewed" mean, so they live here and the screen only
shows their results. A quote counts as reviewed once its status is no longer ``suggested``
(accepted or rejected); a quote deleted since the queue was built counts as reviewed too.

The queue goes through the corpus a document at a time, so that it never has to read every
layer: the annotator's assigned documents first, then the others; each part least confident
first, a document ranking by the least confidence among its quotes of the filter's status, type
and stance (which the corpus index knows, ``annotations.corpus_index``); ties keep the project
order; within a document, its quotes that pass the filter, least confident first, then in
reading order. ``plan_queue`` orders the documents from their summaries, ``ReviewQueue`` loads a
document's layer only when the queue reaches it, and ``build_queue`` is the same order from
layers read whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, overload

from annotations.codebook import CodedVariable, quote_column
from annotations.errors import SaywhoError
from annotations.layer_summary import LayerSummary, queue_key, summarize
from annotations.model import Layer, Quote, confidence_of
from annotations.quote_filter import NONE, QuoteFilter, variable_of

QueueItem = tuple[str, str]
"""One queue entry: ``(doc_id, quote_id)``."""

UNKNOWN_CONFIDENCE = 0.5
"""Where a quote without any confidence sorts: between sure and unsure suggestions."""

FILTER_KEYS: tuple[str, ...] = ("type", "speaker", "stance", "status")


def filter_term(variable: CodedVariable) -> str:
    """The term that filters the queue by ``variable`` (``topic``): its name, or its csv
    column (``code_type``) when the name is a built-in term's (``FILTER_KEYS``)."""
    return quote_column(variable.name) if variable.name in FILTER_KEYS else variable.name


def _code_value(variable: CodedVariable, typed: str) -> str:
    """What a typed value of ``variable`` wants: its codebook value of that case-folded
    spelling, ``NONE`` for ``none`` (not coded), a value in double quotes as written (a value
    named "none"), else the typed value itself (a code another layer holds)."""
    if len(typed) >= 2 and typed[0] == typed[-1] == '"':
        typed = typed[1:-1]
    elif typed.casefold() == "none":
        return NONE
    return next((v for v in variable.values if v.casefold() == typed.casefold()), typed)


def _value_words(variable: CodedVariable, value: str, terms: Sequence[str],
                 at: int) -> tuple[str, int]:
    """``value`` typed for ``variable`` with the words after it (``terms`` from ``at`` on)
    that make it one of the variable's values of several words ("foreign policy", any case),
    the longest such, or that close a value begun in double quotes; and where the filter's
    terms go on after it. Otherwise ``value`` alone."""
    if value.startswith('"') and not (len(value) >= 2 and value.endswith('"')):
        for end in range(at, len(terms)):
            if terms[end].endswith('"'):
                return " ".join([value, *terms[at:end + 1]]), end + 1
        return value, at
    wanted = {v.casefold() for v in variable.values if " " in v}
    longest = max((len(v.split()) for v in wanted), default=1)
    found = (value, at)
    for end in range(at, min(len(terms), at + longest - 1)):
        joined = " ".join([value, *terms[at:end + 1]])
        if joined.casefold() in wanted:
            found = (joined, end + 1)
    return found


def is_reviewed(quote: Quote | None) -> bool:
    """True once a person decided on the quote (or it no longer exists)."""
    return quote is None or quote.status != "suggested"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which quotes the review queue holds.

    ``codes``: the wanted code of each quote variable filtered by (``topic:crime``), as
    sorted (variable, value) pairs, matched by the reader's own filter
    (``quote_filter.QuoteFilter``, ``NONE`` for a quote the variable does not code): one rule
    for what a quote's code is in the reader's ``f`` and in the queue's ``/``.
    """

    type: str | None = None
    speaker: str | None = None
    stance: str | None = None
    status: str | None = "suggested"
    words: tuple[str, ...] = field(default_factory=tuple)
    codes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str, variables: Sequence[CodedVariable] = ()) -> QueueFilter:
        """Read ``key:value`` terms (type, speaker, stance, status, and each quote variable of
        ``variables``, the project's: ``topic:crime``, or by its csv column, ``code_topic:``)
        and free words; ``key: value`` (as the reader's filter line says it) reads the same.

        ``any``, ``all`` or an empty value lifts a term; without a ``status:`` term every
        status passes. A variable's value is its codebook value whatever its case; ``none``
        wants the quotes the variable does not code (``"none"``: a value named so).
        """
        values: dict[str, str | None] = {"status": None}
        codes: dict[str, str | None] = {}
        known = {v.name: v for v in variables}
        words = []
        terms = text.split()
        i = 0
        while i < len(terms):
            term = terms[i]
            i += 1
            key, sep, value = term.partition(":")
            key = key.casefold()
            # a quote variable by its name, or by its csv column (code_topic, code_type: a
            # variable named as a built-in term is reached so)
            variable = (key if key in known and key not in FILTER_KEYS
                        else name if (name := variable_of(key)) in known else None)
            if not sep or (variable is None and key not in FILTER_KEYS):
                words.append(term.casefold())
                continue
            if not value and i < len(terms) and ":" not in terms[i]:
                value = terms[i]  # "topic: crime"
                i += 1
            if variable is not None:  # a value of words: "topic: foreign policy"
                value, i = _value_words(known[variable], value, terms, i)
            lifted = value.casefold() in ("", "any", "all")
            if variable is None:
                values[key] = None if lifted else value.casefold()
            else:
                codes[variable] = None if lifted else _code_value(known[variable], value)
        return cls(values.get("type"), values.get("speaker"), values.get("stance"),
                   values.get("status"), tuple(words),
                   tuple(sorted((k, v) for k, v in codes.items() if v is not None)))

    def group_matches(self, status: str, kind: str, stance: str) -> bool:
        """True when a quote of this status, type and stance (``""``: none) passes the status,
        type and stance terms (what the corpus index can tell without the quote itself)."""
        if self.type and kind != self.type:
            return False
        if self.status and status != self.status:
            return False
        if self.stance:
            if self.stance == "none":
                if stance:
                    return False
            elif stance.casefold() != self.stance:
                return False
        return True

    def speakers_could_match(self, speakers: Sequence[str]) -> bool:
        """False when no quote of a layer with these speakers' names can pass the speaker term
        (a quote without a speaker is named "none")."""
        if not self.speaker or self.speaker in "none":
            return True
        return any(self.speaker in name.casefold() for name in speakers)

    def codes_could_match(self, summary: LayerSummary) -> bool:
        """False when no quote of a layer with this summary can have every wanted code (the
        index counts each variable's values; ``NONE``, not coded, it cannot tell)."""
        held = {(k, v) for k, v, _, every in summary.codes if every}
        return all(value == NONE or (name, value) in held for name, value in self.codes)

    @property
    def only_suggested(self) -> bool:
        """True for the plain "status:suggested" filter (read from the index's numbers)."""
        return self.status == "suggested" and not (
            self.type or self.speaker or self.stance or self.words or self.codes)

    def matches(self, quote: Quote, layer: Layer) -> bool:
        """True when ``quote`` (of ``layer``) passes every term."""
        if not self.group_matches(quote.status, quote.type, quote.stance or ""):
            return False
        if self.codes and not QuoteFilter(codes=self.codes).matches(quote, layer):
            return False
        if self.speaker:
            name = (layer.speaker_name(quote) or "none").casefold()
            if self.speaker not in name:
                return False
        text = quote.text.casefold()
        return all(w in text for w in self.words)


@dataclass(frozen=True, slots=True)
class PlannedDoc:
    """A document the queue will visit, with what the corpus index says of it."""

    doc_id: str
    items: int
    """Its quotes that pass the filter (exact without speaker, word and code terms, else at
    most)."""
    reviewed: int = 0
    """Of those, already reviewed."""


@dataclass(frozen=True, slots=True)
class QueuePlan:
    """The documents a queue visits, in order, as columns (no object per document)."""

    doc_ids: list[str] = field(default_factory=list)
    items: list[int] = field(default_factory=list)
    reviewed: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.doc_ids)

    def __getitem__(self, index: int) -> PlannedDoc:
        return PlannedDoc(self.doc_ids[index], self.items[index], self.reviewed[index])

    def __iter__(self) -> Iterator[PlannedDoc]:
        return (self[i] for i in range(len(self.doc_ids)))


class QueueSource(Protocol):
    """What ``plan_queue`` reads per document (``annotations.corpus_index.CorpusView``)."""

    def suggested_columns(
        self, doc_ids: Sequence[str]
    ) -> tuple[list[int], list[float], list[int]]:
        """Of each document: suggested quotes, their least confidence (NaN: none has one), how
        many have none."""

    def layer_summary(self, doc_id: str) -> LayerSummary:
        """The whole summary of the document's layer."""


def document_rank(summary: LayerSummary, flt: QueueFilter) -> tuple[float, int, int] | None:
    """(rank, items, reviewed) of a document from its layer's summary: the least confidence
    among its quotes of the filter's status, type and stance (none: ``UNKNOWN_CONFIDENCE``),
    how many pass, how many of those are reviewed; ``None`` when none can pass."""
    if not flt.speakers_could_match(summary.speakers) or not flt.codes_could_match(summary):
        return None
    rank: float | None = None
    items = reviewed = 0
    for g in summary.groups:
        if flt.group_matches(g.status, g.type, g.stance):
            key = queue_key(g.least, g.unrated, UNKNOWN_CONFIDENCE)
            if key is not None and (rank is None or key < rank):
                rank = key
            items += g.count
            reviewed += g.count if g.status != "suggested" else 0
    return None if rank is None else (rank, items, reviewed)


def plan_queue(
    doc_ids: Sequence[str], source: QueueSource, flt: QueueFilter, first: Collection[str] = ()
) -> QueuePlan:
    """The documents of ``doc_ids`` the queue visits, in its order (see the module doc), read
    from their summaries alone; documents where nothing can pass are left out."""
    unknown = UNKNOWN_CONFIDENCE
    ranked: list[tuple[bool, float, int, str, int, int]] = []
    if flt.only_suggested:  # the numbers the index keeps for the default filter: one pass
        counts, leasts, unrateds = source.suggested_columns(doc_ids)
        for order, (doc_id, items, least, unrated) in enumerate(
                zip(doc_ids, counts, leasts, unrateds, strict=True)):
            if items:  # queue_key's rule, inline (NaN: no confidence)
                rank = unknown if (unrated and not least < unknown) or least != least \
                    else least
                ranked.append((doc_id not in first, rank, order, doc_id, items, 0))
    else:
        for order, doc_id in enumerate(doc_ids):
            found = document_rank(source.layer_summary(doc_id), flt)
            if found is not None:
                rank, items, reviewed = found
                ranked.append((doc_id not in first, rank, order, doc_id, items, reviewed))
    ranked.sort()
    if not ranked:
        return QueuePlan()
    *_, docs, items_of, reviewed_of = zip(*ranked, strict=True)
    return QueuePlan(list(docs), list(items_of), list(reviewed_of))


def document_items(doc_id: str, layer: Layer, flt: QueueFilter) -> list[QueueItem]:
    """A document's items: its quotes passing ``flt``, least confident first (a quote without
    a confidence as ``UNKNOWN_CONFIDENCE``), then in reading order."""
    found = []
    for quote in layer.quotes.values():
        if flt.matches(quote, layer):
            conf = confidence_of(quote)
            found.append((UNKNOWN_CONFIDENCE if conf is None else conf, quote.start, quote.id))
    found.sort()
    return [(doc_id, qid) for *_, qid in found]


class _Summaries:
    """A ``QueueSource`` over layers read whole."""

    def __init__(self, layers: Mapping[str, Layer]) -> None:
        self._summaries = {doc_id: summarize(layer) for doc_id, layer in layers.items()}

    def suggested_columns(
        self, doc_ids: Sequence[str]
    ) -> tuple[list[int], list[float], list[int]]:
        found = [self._summaries[d] for d in doc_ids]
        return ([s.suggested for s in found],
                [math.nan if s.suggested_least is None else s.suggested_least for s in found],
                [s.suggested_unrated for s in found])

    def layer_summary(self, doc_id: str) -> LayerSummary:
        return self._summaries[doc_id]


def build_queue(
    layers: Mapping[str, Layer], flt: QueueFilter, first: Collection[str] = ()
) -> list[QueueItem]:
    """``(doc_id, quote_id)`` pairs passing ``flt`` in the queue's order (see the module doc),
    from layers read whole; ``first``: the documents that come before the others (the
    annotator's assigned ones). The same order as a ``ReviewQueue`` walks from the index."""
    plan = plan_queue(list(layers), _Summaries(layers), flt, first)
    return [item for p in plan for item in document_items(p.doc_id, layers[p.doc_id], flt)]


class ReviewQueue(Sequence[QueueItem]):
    """The review queue across the corpus, loading one document's layer when it reaches it.

    Made from ``plan_queue`` (the corpus index's view of every document) and ``read_layer``
    (which loads one document's layer). Indexing or iterating loads documents in plan order as
    far as needed; ``len``, a slice or a negative index load every document left, so a screen
    uses ``total`` (the loaded items plus what the index says of the rest) and ``has``.
    ``layers`` holds the layers loaded so far (the screen keeps them current after edits); a
    document whose layer cannot be read is skipped and listed in ``skipped``.
    """

    def __init__(self, plan: QueuePlan, flt: QueueFilter,
                 read_layer: Callable[[str], Layer]) -> None:
        self.plan = plan
        self.filter = flt
        self._read = read_layer
        self.items: list[QueueItem] = []
        self.layers: dict[str, Layer] = {}
        self.skipped: list[tuple[str, str]] = []
        self._loaded = 0
        self._rest = sum(plan.items)
        self._rest_reviewed = sum(plan.reviewed)
        self._head: frozenset[QueueItem] = frozenset()
        self._head_left: dict[str, tuple[int, int]] = {}  # head (items, reviewed) of a doc the
        # plan has not loaded yet: the plan's counts hold them too

    @classmethod
    def of_items(cls, items: Sequence[QueueItem], layers: Mapping[str, Layer]) -> ReviewQueue:
        """A queue whose items and layers are all known already (another order)."""
        queue = cls(QueuePlan(), QueueFilter(), layers.__getitem__)
        queue.items = list(items)
        queue.layers = dict(layers)
        return queue

    @classmethod
    def ahead_of(
        cls, head: Sequence[QueueItem], layers: Mapping[str, Layer], plan: QueuePlan,
        flt: QueueFilter, read_layer: Callable[[str], Layer],
    ) -> ReviewQueue:
        """``head`` first (items in another order, from the read ``layers``), then the
        planned queue without them: an order known for some quotes only (the stance model's
        uncertainty) costs what it covers, not a read of every layer."""
        queue = cls(plan, flt, read_layer)
        queue.items = list(head)
        queue.layers = dict(layers)
        queue._head = frozenset(head)
        planned = set(plan.doc_ids)
        for doc_id, quote_id in queue._head:
            if doc_id in planned:
                items, reviewed = queue._head_left.get(doc_id, (0, 0))
                done = is_reviewed(layers[doc_id].quotes[quote_id])
                queue._head_left[doc_id] = (items + 1, reviewed + done)
        return queue

    def _load_next(self) -> bool:
        if self._loaded >= len(self.plan):
            return False
        planned = self.plan[self._loaded]
        self._loaded += 1
        self._rest -= planned.items
        self._rest_reviewed -= planned.reviewed
        self._head_left.pop(planned.doc_id, None)
        layer = self.layers.get(planned.doc_id)
        if layer is None:
            try:
                layer = self._read(planned.doc_id)
            except SaywhoError as exc:  # a damaged file (read-only): the rest goes on
                self.skipped.append((planned.doc_id, exc.message))
                return True
            self.layers[planned.doc_id] = layer
        items = document_items(planned.doc_id, layer, self.filter)
        self.items.extend([i for i in items if i not in self._head] if self._head else items)
        return True

    def has(self, index: int) -> bool:
        """True when the queue holds an item at ``index`` (loading documents up to it)."""
        if index < 0:
            return False
        while len(self.items) <= index:
            if not self._load_next():
                return False
        return True

    def _load_all(self) -> None:
        while self._load_next():
            pass

    @overload
    def __getitem__(self, index: int) -> QueueItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[QueueItem]: ...

    def __getitem__(self, index: int | slice) -> QueueItem | list[QueueItem]:
        if isinstance(index, slice) or index < 0:
            self._load_all()
            return self.items[index]
        if not self.has(index):
            raise IndexError(index)
        return self.items[index]

    def __len__(self) -> int:
        self._load_all()
        return len(self.items)

    def __iter__(self) -> Iterator[QueueItem]:
        pos = 0
        while self.has(pos):
            yield self.items[pos]
            pos += 1

    def __bool__(self) -> bool:
        return self.has(0)

    @property
    def total(self) -> int:
        """Items: those loaded, plus what the corpus index says of the documents not loaded."""
        return len(self.items) + self._rest - sum(n for n, _ in self._head_left.values())

    @property
    def estimated(self) -> bool:
        """Whether ``total`` is an upper estimate: documents not loaded yet are counted by the
        corpus index, which cannot tell a speaker, words or code term (their quotes of every
        speaker or code count until the document is read)."""
        return bool(self._rest) and bool(self.filter.speaker or self.filter.words
                                         or self.filter.codes)

    def position_of(self, item: QueueItem, near: int, reach: int = 500) -> int | None:
        """Where ``item`` is in the loaded queue, looked for around ``near`` (an undo takes
        the cursor back a few items); None when it is not there."""
        lo, hi = max(near - reach, 0), min(near + reach, len(self.items))
        for pos in sorted(range(lo, hi), key=lambda p: abs(p - near)):
            if self.items[pos] == item:
                return pos
        return None

    @property
    def loaded(self) -> int:
        """Documents loaded so far."""
        return self._loaded if self.plan else len(self.layers)

    def clamp(self, index: int) -> int:
        """``index`` moved into the queue (0 for an empty one), loading up to it."""
        index = max(index, 0)
        if self.has(index):
            return index
        return max(len(self.items) - 1, 0)

    def upcoming(self) -> str | None:
        """The next document the queue will load (to read ahead), if any."""
        return self.plan.doc_ids[self._loaded] if self._loaded < len(self.plan) else None

    def progress(self) -> QueueProgress:
        """Reviewed items out of ``total``: judged on the loaded layers, and on the corpus
        index for the documents not loaded yet."""
        done = queue_progress(self.items, self.layers).reviewed
        head_done = sum(n for _, n in self._head_left.values())
        return QueueProgress(done + self._rest_reviewed - head_done, self.total)

    def next_unreviewed(self, after: int) -> int | None:
        """The position of the first item after ``after`` still to review (``None``: none)."""
        pos = max(after + 1, 0)
        while self.has(pos):
            if not is_reviewed(_quote(self.layers, self.items[pos])):
                return pos
            pos += 1
        return None


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
