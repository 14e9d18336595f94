"""What one layer of one document comes to: the summary the corpus index keeps for it.

At 100,000 documents the library, the review queue and the statistics cannot read every layer;
they read one ``LayerSummary`` per document and layer instead. It holds the layer's quotes
counted per (status, type, stance), each group with its least confidence
(``annotations.model.confidence_of``) and how many of its quotes have none, the names of the
layer's speakers, what the corpus statistics count of each speaker (``Voice``: kind, aliases,
stances of its quotes), and when its annotator last touched it (``last_edit``: team progress
reads it). ``summarize`` is the one rule that makes it, so a layer read whole and its summary
never disagree; ``queue_key`` is where a group of quotes sorts in the review queue.

A module of its own below the store and the session: the store writes summaries
(``annotations.store.summaries``), the review queue, the statistics and the corpus index
(``annotations.corpus_index``) read them, and none of those is imported here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from annotations.model import Layer, coded_value, confidence_of

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
    attributes: tuple[tuple[str, str], ...] = ()
    """What the layer codes about the speaker (``Speaker.attributes``)."""

    @property
    def quotes(self) -> int:
        """Its quotes that are not rejected."""
        return sum(n for _, n in self.stances)

    def attribute(self, name: str) -> str | None:
        """The value the layer codes for attribute ``name`` (None: not coded)."""
        return coded_value(self.attributes, name)

    def encode(self) -> list[Any]:
        """The voice as JSON-ready data."""
        out = [self.name, self.kind, list(self.aliases), [list(s) for s in self.stances],
               self.first, self.known]
        if self.attributes:  # a voice without them encodes as it did before they existed
            out.append([list(a) for a in self.attributes])
        return out


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
    codes: tuple[tuple[str, str, int, int], ...] = ()
    """Per value of each quote variable (``Quote.codes``): (variable, value, quotes not
    rejected, every quote), sorted: the statistics count the first, what a change of the
    codebook touches the second. An entry written before codes were kept has none, as its
    layer had none."""

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
        """The summary as one line of JSON (no raw newline or tab in it), ending with
        ``SUMMARY_VERSION`` (which every saywho's ``decode`` reads past)."""
        groups = [[g.status, g.type, g.stance, g.count, g.least, g.unrated] for g in self.groups]
        voices = None if self.voices is None else [v.encode() for v in self.voices]
        return orjson.dumps([groups, list(self.speakers), voices, self.edited,
                             [list(c) for c in self.codes], SUMMARY_VERSION])

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
            codes = tuple((k, v, n, m) for k, v, n, m in more[2]) \
                if len(more) > 2 and more[2] else ()
        except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
            raise ValueError(f"not a layer summary ({exc})") from None
        if not all(type(n) is str for n in names):
            raise ValueError("not a layer summary (a speaker name is not text)")
        if edited is not None and type(edited) is not str:
            raise ValueError("not a layer summary (the last edit is not text)")
        if not all(type(k) is str and type(v) is str and type(n) is int and type(m) is int
                   and 0 <= n <= m and m > 0 for k, v, n, m in codes):
            raise ValueError("not a layer summary (a quote code's counts are not counts)")
        return cls(out, names, voices, edited, codes)


EMPTY = LayerSummary()

SUMMARY_VERSION = 2
"""What a summary holds, written at its end (``encode``). 2: the speakers' attributes and the
quotes' codes. A summary without it was written by a saywho that may not have summarized
them (a speaker coded role=expert, a quote topic=crime read as uncoded): the corpus index
summarizes its layer file again (``is_current``), once, where and when it is read or checked;
its numbers (quotes, reviewed, confidences) were always right and serve meanwhile."""
VERSION_TAIL = 12
"""How many bytes at a summary's end hold its version (``is_current``): a look at a summary's
tail without copying it (``SummaryTable.detail_tail``)."""
_VERSION_END = re.compile(rb",(\d{1,9})\]\Z")


def is_current(raw: bytes) -> bool:
    """True when ``raw`` (``LayerSummary.encode``'s bytes, or their last ``VERSION_TAIL``)
    says ``SUMMARY_VERSION`` or a later one (a newer saywho's, which holds at least as much;
    no summary of an older saywho ends in a number): a newer saywho's entry is read as it
    is, not summarized again here and then again there, at every read, in a team whose
    members upgrade one at a time."""
    found = _VERSION_END.search(raw[-VERSION_TAIL:])
    return found is not None and int(found.group(1)) >= SUMMARY_VERSION


def decode_voices(raw: bytes) -> tuple[Voice, ...] | None:
    """Only the ``voices`` of ``LayerSummary.decode(raw)`` (checked as it checks them), for the
    speaker registry: at 100,000 documents the quote groups it skips are half the decoding."""
    try:
        _groups, _speakers, *more = orjson.loads(raw)
        return tuple(_voice(v) for v in more[0]) if more and more[0] is not None else None
    except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
        raise ValueError(f"not a layer summary ({exc})") from None


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
    if len(raw) == 6:  # no attributes: the usual voice (no list made for them)
        name, kind, aliases, stances, first, known = raw
        coded = None
    else:
        name, kind, aliases, stances, first, known, coded = raw
    if type(name) is not str or type(kind) is not str or type(first) is not int \
            or type(known) is not bool or (aliases and not all(type(a) is str for a in aliases)):
        raise ValueError("a voice's names are not text")
    pairs = []
    for s, n in stances:  # a loop, not all(): 300,000 voices at 100,000 documents
        if type(s) is not str or type(n) is not int or n <= 0:
            raise ValueError("a voice's stances are not counts")
        pairs.append((s, n))
    attributes: tuple[tuple[str, str], ...] = ()
    if coded:
        attributes = tuple((k, v) for k, v in coded)
        if not all(type(k) is str and type(v) is str for k, v in attributes):
            raise ValueError("a voice's attributes are not text")
    return Voice(name, kind, tuple(aliases), tuple(pairs), first, known, attributes)


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
                 first.get(s.id, -1), True, s.attributes)
           for _, s in sorted(layer.speakers.items())]
    if None in stances:
        out.append(Voice(NO_SPEAKER, "", (), tuple(stances[None].items()), first[None], False))
    return tuple(out)


def summarize(layer: Layer, name: str | None = None) -> LayerSummary:
    """The summary of ``layer``: the one rule behind the index, the library and the stats.
    ``name``: the layer's name where it is stored, when not ``layer.name`` (an annotator's
    layer that started as a copy of the suggestions), for ``last_edit``."""
    found: dict[tuple[str, str, str], list[Any]] = {}
    codes: dict[tuple[str, str], list[int]] = {}  # (variable, value) -> [live, every]
    for quote in layer.quotes.values():
        for pair in quote.codes:
            counts = codes.get(pair)
            if counts is None:
                counts = codes[pair] = [0, 0]
            counts[0] += quote.status != "rejected"
            counts[1] += 1
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
                        voices(layer), last_edit(layer, name) or "",
                        tuple((k, v, n, m) for (k, v), (n, m) in sorted(codes.items())))


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
