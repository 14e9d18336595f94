"""The corpus index's rules: what one layer of one document comes to, and the library's view of it.

At 100,000 documents the library and the review queue cannot read every layer; they read one
summary per document instead and load a document's layers only when it is opened.

- ``LayerSummary`` is what one layer comes to: its quotes counted per (status, type, stance),
  each group with its least confidence (``annotations.review.confidence_of``) and how many of
  its quotes have none, the names of the layer's speakers, and what the corpus statistics
  count of each speaker (``Voice``: kind, aliases, stances of its quotes; ``annotations.stats``
  reads them instead of the layers), and when its annotator last touched it (``last_edit``:
  team progress, ``annotations.progress``, reads it). ``summarize`` is the one rule
  that makes it; the library's progress (``annotations.stats.DocStats``: reviewed = status
  other than suggested) is read from it, so a layer read whole and its summary never disagree.
- The store keeps the summaries (``annotations.store.summaries``): written by the same write
  that changes a layer file, checked against that file's identity, rebuilt from the file when
  missing or stale. It is never the source of truth.
- ``DocSummary`` is what the library shows of one document: the summary of the layer on screen
  (by default the annotator's own, which starts as the suggestions), the title and the
  annotator's status of the document (``annotations.team``'s rule: an explicit status wins,
  else "in progress" once the annotator's layer is stored, else "not started").
- ``CorpusView`` answers for a whole corpus from the index without building an object per
  document until one is asked for: counts for the library's list and filters, a ``DocSummary``
  for a row on screen, and the numbers the review queue is ordered by.

Pure rules: no Textual; the session (``Session.corpus_view``, ``Session.summaries``) builds
views over the project's index.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from annotations.model import Layer
from annotations.review import confidence_of

if TYPE_CHECKING:
    from annotations.session import Session
    from annotations.stats import DocStats
    from annotations.store import DocumentInfo
    from annotations.store.statuses import StoredStatus

SUGGESTED = "suggested"


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """The quotes of one layer that share a status, a type and a stance (``""``: none)."""

    status: str
    type: str
    stance: str
    count: int
    least: float | None
    """The least confidence among them (``None``: none of them has one)."""
    unrated: int = 0
    """How many of them have no confidence at all."""


NO_SPEAKER = "(no speaker)"
"""The name under which quotes without a known speaker are counted."""
NO_STANCE = "none"
"""The stance under which quotes without one are counted."""


@dataclass(frozen=True, slots=True)
class Voice:
    """One speaker of a layer as the corpus statistics count it: its name, kind and aliases,
    and its quotes that are not rejected, per stance (``NO_STANCE``: none), in the order
    their stances first appear. ``first``: where its first such quote stands among the
    layer's quotes in the order of their ids (-1: it has none). The quotes without a known
    speaker are a voice of their own, named ``NO_SPEAKER``, not ``known``."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    stances: tuple[tuple[str, int], ...] = ()
    first: int = -1
    known: bool = True
    """A speaker of the layer (False: the quotes without a known speaker)."""

    @property
    def quotes(self) -> int:
        """Its quotes that are not rejected."""
        return sum(n for _, n in self.stances)

    def encode(self) -> list[Any]:
        """The voice as JSON-ready data."""
        return [self.name, self.kind, list(self.aliases), [list(s) for s in self.stances],
                self.first, self.known]


@dataclass(frozen=True, slots=True)
class LayerSummary:
    """What one layer of one document comes to (see the module doc)."""

    groups: tuple[QuoteGroup, ...] = ()
    speakers: tuple[str, ...] = ()
    """The canonical names of the layer's speakers, sorted, each once."""
    voices: tuple[Voice, ...] | None = ()
    """Each speaker of the layer, in the layer's order, then the quotes without a known
    speaker (``NO_SPEAKER``) when there are any; ``None``: an entry written before voices
    were kept (read the layer instead)."""
    edited: str | None = ""
    """``last_edit`` of the layer (``""``: no quote its annotator touched); ``None``: an
    entry written before it was kept (read the layer instead)."""

    @property
    def quotes(self) -> int:
        """Every quote, rejected ones too."""
        return sum(g.count for g in self.groups)

    @property
    def suggested(self) -> int:
        """Quotes nobody decided on yet."""
        return sum(g.count for g in self.groups if g.status == SUGGESTED)

    @property
    def reviewed(self) -> int:
        """Quotes whose status is no longer ``suggested`` (accepted or rejected)."""
        return self.quotes - self.suggested

    @property
    def least_confidence(self) -> float | None:
        """The least confidence of any quote (``None``: no quote has one)."""
        values = [g.least for g in self.groups if g.least is not None]
        return min(values) if values else None

    @property
    def suggested_least(self) -> float | None:
        """The least confidence among the quotes still ``suggested``."""
        values = [g.least for g in self.groups if g.status == SUGGESTED and g.least is not None]
        return min(values) if values else None

    @property
    def suggested_unrated(self) -> int:
        """Suggested quotes without any confidence."""
        return sum(g.unrated for g in self.groups if g.status == SUGGESTED)

    def count_by(self, field: str) -> dict[str, int]:
        """Quotes per ``status``, ``type`` or ``stance`` (``""``: no stance)."""
        out: dict[str, int] = {}
        for g in self.groups:
            key = getattr(g, field)
            out[key] = out.get(key, 0) + g.count
        return out

    def encode(self) -> bytes:
        """The summary as one line of JSON (no raw newline or tab in it)."""
        groups = [[g.status, g.type, g.stance, g.count, g.least, g.unrated] for g in self.groups]
        if self.voices is None and self.edited is None:
            return orjson.dumps([groups, list(self.speakers)])
        voices = None if self.voices is None else [v.encode() for v in self.voices]
        if self.edited is None:
            return orjson.dumps([groups, list(self.speakers), voices])
        return orjson.dumps([groups, list(self.speakers), voices, self.edited])

    @classmethod
    def decode(cls, raw: bytes) -> LayerSummary:
        """A summary from ``encode``'s bytes; ``ValueError`` when they are not one."""
        try:
            groups, speakers, *more = orjson.loads(raw)
            out = tuple(_group(g) for g in groups)
            names = tuple(speakers)
            voices = tuple(_voice(v) for v in more[0]) if more and more[0] is not None \
                else None
            edited = more[1] if len(more) > 1 else None
        except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
            raise ValueError(f"not a layer summary ({exc})") from None
        if not all(type(n) is str for n in names):
            raise ValueError("not a layer summary (a speaker name is not text)")
        if edited is not None and type(edited) is not str:
            raise ValueError("not a layer summary (the last edit is not text)")
        return cls(out, names, voices, edited)


EMPTY = LayerSummary()


def _group(raw: Any) -> QuoteGroup:
    status, kind, stance, count, least, unrated = raw
    if not (type(status) is str and type(kind) is str and type(stance) is str):
        raise ValueError("a group's status, type or stance is not text")
    if type(count) is not int or type(unrated) is not int or count < 1 or not 0 <= unrated <= count:
        raise ValueError("a group's counts are not counts")
    if least is not None and (type(least) not in (int, float) or math.isnan(least)):
        raise ValueError("a group's least confidence is not a number")
    return QuoteGroup(status, kind, stance, count, least, unrated)


def _voice(raw: Any) -> Voice:
    name, kind, aliases, stances, first, known = raw
    pairs = tuple((s, n) for s, n in stances)
    if type(name) is not str or type(kind) is not str or type(first) is not int \
            or type(known) is not bool or not all(type(a) is str for a in aliases):
        raise ValueError("a voice's names are not text")
    if not all(type(s) is str and type(n) is int and n > 0 for s, n in pairs):
        raise ValueError("a voice's stances are not counts")
    return Voice(name, kind, tuple(aliases), pairs, first, known)


def voices(layer: Layer) -> tuple[Voice, ...]:
    """What the corpus statistics count of each speaker of ``layer`` (``Voice``): the quotes
    not rejected, per speaker (unknown speakers under ``NO_SPEAKER``, last) and stance.

    Speakers and quotes are taken in the order of their ids (the order of the layer file), so
    a layer read back from its file gives the same voices as the layer that was written."""
    stances: dict[str | None, dict[str, int]] = {}
    first: dict[str | None, int] = {}
    for i, (_, quote) in enumerate(sorted(layer.quotes.items())):
        if quote.status == "rejected":
            continue
        sid = quote.speaker_id if quote.speaker_id in layer.speakers else None
        counts = stances.get(sid)
        if counts is None:
            counts = stances[sid] = {}
            first[sid] = i
        stance = quote.stance or NO_STANCE
        counts[stance] = counts.get(stance, 0) + 1
    out = [Voice(s.name, s.kind, tuple(s.aliases), tuple(stances.get(s.id, {}).items()),
                 first.get(s.id, -1)) for _, s in sorted(layer.speakers.items())]
    if None in stances:
        out.append(Voice(NO_SPEAKER, "", (), tuple(stances[None].items()), first[None], False))
    return tuple(out)


def summarize(layer: Layer, name: str | None = None) -> LayerSummary:
    """The summary of ``layer``: the one rule behind the index, the library and the stats.
    ``name``: the layer's name where it is stored, when not ``layer.name`` (an annotator's
    layer that started as a copy of the suggestions), for ``last_edit``."""
    found: dict[tuple[str, str, str], list[Any]] = {}
    for quote in layer.quotes.values():
        key = (quote.status, quote.type, quote.stance or "")
        group = found.get(key)
        if group is None:
            group = found[key] = [0, None, 0]
        group[0] += 1
        conf = confidence_of(quote)
        if conf is None or (isinstance(conf, float) and math.isnan(conf)):
            group[2] += 1
        elif group[1] is None or conf < group[1]:
            group[1] = conf
    groups = tuple(
        QuoteGroup(status, kind, stance, count, least, unrated)
        for (status, kind, stance), (count, least, unrated) in sorted(found.items())
    )
    return LayerSummary(groups, tuple(sorted({s.name for s in layer.speakers.values()})),
                        voices(layer), last_edit(layer, name) or "")


def stamp_time(stamp: str | None) -> datetime | None:
    """An ISO time as an aware ``datetime`` (a naive one taken as UTC); ``None`` for none or
    one that does not read."""
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def last_edit(layer: Layer, name: str | None = None) -> str | None:
    """When the layer's annotator last touched it, as far as its quotes tell: the newest
    ``updated`` time (``stamp_time``) of the quotes reviewed (status other than suggested) or
    made by them (origin = the layer's name, ``name`` when given), as an ISO time; ``None``: no
    such quote has one. Team progress reads it from the index."""
    annotator = layer.name if name is None else name
    newest: datetime | None = None
    for quote in layer.quotes.values():
        if quote.status != SUGGESTED or quote.origin == annotator:
            when = stamp_time(quote.updated)
            if when is not None and (newest is None or when > newest):
                newest = when
    return None if newest is None else newest.isoformat()


def queue_key(least: float | None, unrated: int, unknown: float) -> float | None:
    """Where a group of quotes sorts in the review queue: its least confidence, a quote without
    one counting as ``unknown`` (``None``: the group has no quote)."""
    values = [] if least is None else [least]
    if unrated:
        values.append(unknown)
    return min(values) if values else None


# ------------------------------------------------------------------------- one document
@dataclass(frozen=True, slots=True)
class DocSummary:
    """One document as the library shows it: a layer's summary, the title, the status."""

    doc_id: str
    title: str
    """The document's title (its id when it has none)."""
    layer: str
    """The layer summarized (the annotator's own, which starts as the suggestions)."""
    summary: LayerSummary
    status: str
    """The annotator's status of the document (``annotations.team``: not-started,
    in-progress, done)."""
    stored: bool = False
    """The annotator's own layer of this document is stored (they edited it)."""

    @property
    def quotes(self) -> int:
        """Every quote of the layer."""
        return self.summary.quotes

    @property
    def reviewed(self) -> int:
        """Quotes accepted or rejected."""
        return self.summary.reviewed

    @property
    def least_confidence(self) -> float | None:
        """The least confidence of any quote."""
        return self.summary.least_confidence

    @property
    def statuses(self) -> dict[str, int]:
        """Quotes per status."""
        return self.summary.count_by("status")

    @property
    def types(self) -> dict[str, int]:
        """Quotes per type."""
        return self.summary.count_by("type")

    @property
    def stances(self) -> dict[str, int]:
        """Quotes per stance (``""``: none)."""
        return self.summary.count_by("stance")

    @property
    def speakers(self) -> tuple[str, ...]:
        """The names of the layer's speakers."""
        return self.summary.speakers

    @property
    def done(self) -> bool:
        """Every quote reviewed, and there is at least one (``DocStats.done``)."""
        return self.quotes > 0 and self.reviewed == self.quotes


def annotator_status(stored: StoredStatus | None, has_own_layer: bool) -> str:
    """``annotations.team.document_status``'s rule on what the index knows: an explicit status
    wins; else "in progress" once the annotator's layer is stored, else "not started"."""
    from annotations.team import IN_PROGRESS, NOT_STARTED

    if stored is not None:
        return stored.status
    return IN_PROGRESS if has_own_layer else NOT_STARTED


# ------------------------------------------------------------------------- the whole corpus
class SummarySource(Protocol):
    """What a ``CorpusView`` reads: the project's summary index (``annotations.store``). A
    layer that is not stored reads as the store gives it (an annotator's as the suggestions)."""

    def has(self, doc_id: str, layer: str) -> bool:
        """True when the document's ``layer`` is stored (as far as the index knows)."""

    def view_counts(self, doc_id: str, layer: str, at: int | None = None) -> tuple[int, int]:
        """(quotes, reviewed) of ``layer`` of the document (``at``: its place in the project's
        order, a hint the index checks)."""

    def view_suggested(self, doc_id: str, layer: str) -> tuple[int, float | None, int]:
        """(suggested quotes, their least confidence, how many have none) of ``layer``."""

    def view_summary(self, doc_id: str, layer: str) -> LayerSummary:
        """The whole summary of ``layer`` of the document."""

    def view_totals(self, doc_ids: Sequence[str] | None, layer: str) -> tuple[int, int]:
        """(quotes, reviewed) of ``layer`` summed over ``doc_ids`` (``None``: every
        document)."""

    def view_suggested_columns(
        self, doc_ids: Sequence[str], layer: str
    ) -> tuple[list[int], list[float], list[int]]:
        """``view_suggested`` of each of ``doc_ids``, as three columns (NaN: no confidence)."""


class CorpusView:
    """The corpus index as one annotator sees one layer: read without loading any layer.

    ``doc_ids`` is the project order. Entries are looked up when asked for, so a view stays
    current with this process's own writes; ``Session.verify_summaries`` checks the index
    against the layer files (a view trusts it).
    """

    def __init__(
        self,
        source: SummarySource,
        doc_ids: Sequence[str],
        info: Callable[[str], DocumentInfo | None],
        layer: str,
        annotator: str,
        explicit: Mapping[str, StoredStatus],
    ) -> None:
        self._source = source
        self._info = info
        self.layer = layer
        self.annotator = annotator
        self.explicit = explicit
        self.doc_ids: Sequence[str] = doc_ids

    def __len__(self) -> int:
        return len(self.doc_ids)

    def __iter__(self) -> Iterator[DocSummary]:
        """Every document's summary, in project order (an object per document: the CLI's)."""
        return (self.summary(d) for d in self.doc_ids)

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._info(doc_id) is not None

    def title(self, doc_id: str) -> str:
        """The document's title, or its id when it has none."""
        info = self._info(doc_id)
        return (info.title or doc_id) if info is not None else doc_id

    def counts(self, doc_id: str, at: int | None = None) -> tuple[int, int]:
        """(quotes, reviewed) of the layer on view. ``at``: the document's place in
        ``doc_ids`` when the caller knows it (a library row): checked, it spares the index a
        map of every document."""
        return self._source.view_counts(doc_id, self.layer, at)

    def layer_summary(self, doc_id: str) -> LayerSummary:
        """The summary of the layer on view."""
        return self._source.view_summary(doc_id, self.layer)

    def suggested(self, doc_id: str) -> tuple[int, float | None, int]:
        """(suggested quotes, their least confidence, how many have none) of the layer."""
        return self._source.view_suggested(doc_id, self.layer)

    def suggested_columns(
        self, doc_ids: Sequence[str]
    ) -> tuple[list[int], list[float], list[int]]:
        """``suggested`` of each of ``doc_ids`` in one pass, as three columns: suggested
        quotes, their least confidence (NaN: none has one), how many have none."""
        return self._source.view_suggested_columns(doc_ids, self.layer)

    def stored(self, doc_id: str) -> bool:
        """True when the annotator's own layer of the document is stored."""
        return self._source.has(doc_id, self.annotator)

    def status(self, doc_id: str) -> str:
        """The annotator's status of the document."""
        return annotator_status(self.explicit.get(doc_id), self.stored(doc_id))

    def summary(self, doc_id: str) -> DocSummary:
        """One document's ``DocSummary``."""
        return DocSummary(doc_id, self.title(doc_id), self.layer, self.layer_summary(doc_id),
                          self.status(doc_id), self.stored(doc_id))

    def stats(self, doc_id: str) -> DocStats:
        """One document's review progress (``annotations.stats.DocStats``)."""
        from annotations.stats import DocStats

        quotes, reviewed = self.counts(doc_id)
        return DocStats(doc_id, self.title(doc_id), quotes, reviewed)

    def totals(self, doc_ids: Sequence[str] | None = None) -> tuple[int, int]:
        """(quotes, reviewed) summed over ``doc_ids`` (default: every document)."""
        return self._source.view_totals(doc_ids, self.layer)


def shown_layer(session: Session, layer: str | None) -> str:
    """The layer a view of ``layer`` shows (``None``: the annotator's own)."""
    return layer or session.annotator


def open_view(session: Session, layer: str | None = None) -> CorpusView:
    """The index of ``session``'s project as its annotator sees ``layer`` (default: their
    own). Documents the index knows nothing of (a new or deleted index) are rebuilt first from
    their layer files; entries are otherwise trusted (``verify`` checks them)."""
    from annotations.team import statuses

    project = session.project
    index = project.summary_index
    doc_ids = project.document_ids()
    names = sorted({shown_layer(session, layer), session.annotator})
    index.ensure(doc_ids, names)
    explicit = statuses(session).explicit.get(session.annotator, {})
    return CorpusView(index, doc_ids, project.document_info, shown_layer(session, layer),
                      session.annotator, explicit)


def verify(session: Session, layer: str | None = None,
           doc_ids: Sequence[str] | None = None) -> list[str]:
    """Check the index against the layer files (a ``stat`` per file) for ``doc_ids`` (default:
    every document) and rebuild what is stale; returns the documents whose entries changed."""
    project = session.project
    ids = project.document_ids() if doc_ids is None else list(doc_ids)
    names = sorted({shown_layer(session, layer), session.annotator})
    return project.summary_index.verify(ids, names)


class IndexedLayerNames:
    """``session`` for a report over the whole corpus (``annotations.progress``), with
    ``layer_names`` answered by the corpus index instead of listing and opening every
    document's folder. The index is checked against the files for ``layers`` first (a ``stat``
    per file), and only those layers (and the suggestions) are named; everything else is the
    session's own."""

    def __init__(self, session: Session, layers: Sequence[str]) -> None:
        from annotations.model import SUGGESTIONS_LAYER

        self._session = session
        names = [SUGGESTIONS_LAYER, *sorted(set(layers) - {SUGGESTIONS_LAYER})]
        index = session.project.summary_index

        def read(s: Session) -> dict[str, list[str]]:
            index.verify(s.document_ids(), names)
            return index.stored(names)

        self._names = session.read(read)

    def layer_names(self, doc_id: str) -> list[str]:
        """The layers among those checked that the document has (suggestions first)."""
        return list(self._names.get(doc_id, ()))

    def has_layer(self, doc_id: str, name: str) -> bool:
        """True when ``name`` is among the document's checked layers."""
        return name in self._names.get(doc_id, ())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def indexed_layers(session: Session, layers: Sequence[str] | None = None) -> IndexedLayerNames:
    """``IndexedLayerNames`` for ``layers`` (default: every layer the corpus index holds for
    some document): which documents have which layer, from the index, each checked against
    its file. A layer file the index has never seen (copied in by hand) is not named."""
    if layers is None:
        index = session.project.summary_index

        def names(s: Session) -> list[str]:
            index.ensure(s.document_ids(), [s.annotator])
            return sorted(n for n, rows in index.refresh().rows.items() if rows)

        layers = session.read(names)
    return IndexedLayerNames(session, layers)
