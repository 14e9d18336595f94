"""The data model: documents, quotes, speakers, mentions, stance schemes and layers.

Character offsets into the document's text are the one coordinate system. Every record is a
frozen dataclass; changes build a new record with ``dataclasses.replace``. Every span is
checked against its text by ``Span.check`` / ``Quote.check``.

Records convert to and from plain dicts (``to_dict``/``from_dict``) for storage and to the
interchange JSONL shape (``annotations.formats.interchange``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Literal

from annotations.errors import SpanError

QuoteType = Literal["direct", "indirect", "mixed"]
QuoteStatus = Literal["suggested", "accepted", "rejected"]
SpeakerKind = Literal["person", "organization", "group", "unknown"]

QUOTE_TYPES: tuple[str, ...] = ("direct", "indirect", "mixed")
QUOTE_STATUSES: tuple[str, ...] = ("suggested", "accepted", "rejected")
SPEAKER_KINDS: tuple[str, ...] = ("person", "organization", "group", "unknown")
SUGGESTIONS_LAYER = "suggestions"
FINAL_LAYER = "final"
RESERVED_LAYERS = frozenset({SUGGESTIONS_LAYER, FINAL_LAYER})  # saywho's own, no annotator's


def annotator_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an annotator's (None: it can): blank, or a layer saywho keeps
    itself, in any capitals (an annotator of that name would edit it, or its file would be
    that layer's on macOS and Windows)."""
    if not name.strip():
        return "an annotator name is blank"
    if name in RESERVED_LAYERS or case_twin(name, RESERVED_LAYERS):
        return f"{name!r} names a layer of its own (saywho keeps it) and cannot be an annotator"
    return None


def case_twin(name: str, names: Iterable[str]) -> str | None:
    """The one of ``names`` that differs from ``name`` only in capitals (None: none does): on
    macOS and Windows their files would be one."""
    folded = name.casefold()
    return next((n for n in names if n != name and n.casefold() == folded), None)


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256_text(text: str) -> str:
    """The hex sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) into a document's text."""

    start: int
    end: int

    def check(self, text: str, expected: str | None = None) -> Span:
        """Raise ``SpanError`` unless the span lies inside ``text`` (and matches ``expected``)."""
        if not (isinstance(self.start, int) and isinstance(self.end, int)):
            raise SpanError(f"span offsets must be integers, got {self.start!r}, {self.end!r}")
        if not 0 <= self.start <= self.end <= len(text):
            raise SpanError(
                f"span {self.start}-{self.end} lies outside a text of {len(text)} chars"
            )
        if expected is not None and text[self.start : self.end] != expected:
            raise SpanError(
                f"span {self.start}-{self.end} reads {text[self.start : self.end]!r}, "
                f"not {expected!r}"
            )
        return self

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Mention:
    """A place in the text where a speaker is named or referred to (pronouns included)."""

    start: int
    end: int
    text: str

    def check(self, text: str) -> Mention:
        """Raise ``SpanError`` unless the mention's offsets read its text."""
        Span(self.start, self.end).check(text, self.text)
        return self


@dataclass(frozen=True, slots=True)
class Cue:
    """The reporting verb or phrase of a quote ("said", "according to") and its lemma."""

    start: int
    end: int
    text: str
    lemma: str = ""

    def check(self, text: str) -> Cue:
        """Raise ``SpanError`` unless the cue's offsets read its text."""
        Span(self.start, self.end).check(text, self.text)
        return self


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person, organization or group that says things, with its mentions in one document.

    ``id`` is stable within the project: the corpus registry maps the same canonical name in
    several documents to one speaker id.
    """

    id: str
    name: str
    kind: str = "unknown"
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    """What the study coded about the speaker (gender, role…), sorted by name:
    ``annotations.codebook``."""

    def attribute(self, name: str) -> str | None:
        """The value coded for attribute ``name`` (None: not coded)."""
        return coded_value(self.attributes, name)

    def check(self, text: str) -> Speaker:
        """Check the field types, the kind and every mention against ``text``."""
        if not (isinstance(self.id, str) and isinstance(self.name, str)):
            raise SpanError(f"speaker id and name must be strings, got {self.id!r}, {self.name!r}")
        if not all(isinstance(a, str) for a in self.aliases):
            raise SpanError(f"speaker {self.id}: aliases must be strings")
        if self.kind not in SPEAKER_KINDS:
            raise SpanError(f"speaker kind {self.kind!r} is not one of {', '.join(SPEAKER_KINDS)}")
        if not all(isinstance(k, str) and isinstance(v, str) and k and v
                   for k, v in self.attributes):
            raise SpanError(f"speaker {self.id}: attributes must be names with text values")
        for mention in self.mentions:
            mention.check(text)
        return self

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for storage (``attributes`` only when some are coded: a layer without
        them is written as before)."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "mentions": [[m.start, m.end, m.text] for m in self.mentions],
        }
        if self.attributes:
            out["attributes"] = dict(self.attributes)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Speaker:
        """The inverse of ``to_dict``.

        A record as ``to_dict`` writes it (id, name and kind ``str``, kind not empty,
        aliases a list) is taken as it is, without a conversion per field; anything else goes
        through the converting path (``_from_any_dict``), which gives the same speaker.
        """
        get = data.get
        sid, name, kind, aliases = get("id"), get("name"), get("kind"), get("aliases")
        if not (type(sid) is str and type(name) is str and type(kind) is str and kind
                and type(aliases) is list):
            return cls._from_any_dict(data)
        mentions = get("mentions")
        attributes = get("attributes")
        return cls(
            sid, name, kind, tuple(aliases),
            tuple(Mention(int(m[0]), int(m[1]), str(m[2])) for m in mentions)
            if mentions else (),
            coded_pairs(attributes) if attributes else (),
        )

    @classmethod
    def _from_any_dict(cls, data: Mapping[str, Any]) -> Speaker:
        """``from_dict`` for any record: each field converted to the type it must have."""
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or ""),
            kind=str(data.get("kind") or "unknown"),
            aliases=tuple(data.get("aliases") or ()),
            mentions=tuple(
                Mention(int(m[0]), int(m[1]), str(m[2])) for m in data.get("mentions") or ()
            ),
            attributes=coded_pairs(data.get("attributes") or {}),
        )


Coded = tuple[tuple[str, str], ...]
"""A record's coded values (``Speaker.attributes``, ``Quote.codes``): (name, value), sorted."""


def coded_value(pairs: Iterable[tuple[str, str]], name: str) -> str | None:
    """The value ``pairs`` code for ``name`` (None: not coded)."""
    return next((v for k, v in pairs if k == name), None)


def recoded(pairs: Coded, name: str, value: str | None) -> Coded:
    """``pairs`` with ``name`` coded ``value`` (None: not coded)."""
    kept = [(k, v) for k, v in pairs if k != name]
    if value is not None:
        kept.append((name, value))
    return tuple(sorted(kept))


def filled_pairs(kept: Iterable[tuple[str, str]], other: Iterable[tuple[str, str]]) -> Coded:
    """``kept`` with ``other``'s values for the names ``kept`` codes none of: the rule where
    two codings meet (a merge of two speakers, an adopted version in a final layer that
    codes already: the adjudicator's values stay)."""
    return tuple(sorted((dict(other) | dict(kept)).items()))


def coded_pairs(raw: Any) -> tuple[tuple[str, str], ...]:
    """A stored object of coded values (a speaker's ``attributes``, a quote's ``codes``) as
    sorted (name, value) pairs; a value that is not text, or empty, is dropped (None in
    JSON: not coded)."""
    if not isinstance(raw, Mapping):
        raise SpanError("coded values must be an object of names and values")
    return tuple(sorted((str(k), v) for k, v in raw.items() if isinstance(v, str) and v and k))


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: what was said (``start``-``end``), how, by whom, and its review state.

    For direct quotes the quote marks are not part of the span. A split quote
    (``"A," he said, "B"``) is one quote whose ``parts`` list each quoted piece; ``start`` and
    ``end`` then run from the first part's start to the last part's end.
    """

    id: str
    start: int
    end: int
    text: str
    type: str = "direct"
    parts: tuple[tuple[int, int], ...] = ()
    cue: Cue | None = None
    speaker_id: str | None = None
    speaker_mention: Mention | None = None
    stance: str | None = None
    confidence: Mapping[str, float] = field(default_factory=dict)
    status: str = "suggested"
    origin: str = ""
    note: str = ""
    created: str = ""
    updated: str = ""
    codes: tuple[tuple[str, str], ...] = ()
    """The project's other coded variables of the quote (topic, frame…), sorted by name:
    ``annotations.codebook``."""

    def code(self, name: str) -> str | None:
        """The value coded for variable ``name`` (None: not coded)."""
        return coded_value(self.codes, name)

    @property
    def span(self) -> Span:
        """The quote's extent as a ``Span``."""
        return Span(self.start, self.end)

    def part_spans(self) -> tuple[tuple[int, int], ...]:
        """The quoted pieces; a continuous quote has one."""
        return self.parts or ((self.start, self.end),)

    def check(self, text: str) -> Quote:
        """Raise ``SpanError`` unless every span of the quote fits ``text`` and every field has
        the type its consumers rely on (stance a string or ``None``, confidences in [0, 1])."""
        self._check_fields()
        if self.start >= self.end:
            raise SpanError(f"quote {self.id} is empty ({self.start}-{self.end})")
        Span(self.start, self.end).check(text, self.text)
        if self.type not in QUOTE_TYPES:
            raise SpanError(f"quote type {self.type!r} is not one of {', '.join(QUOTE_TYPES)}")
        if self.status not in QUOTE_STATUSES:
            raise SpanError(
                f"quote status {self.status!r} is not one of {', '.join(QUOTE_STATUSES)}"
            )
        last = self.start
        for s, e in self.parts:
            Span(s, e).check(text)
            if s < last or e > self.end:
                raise SpanError(f"quote {self.id}: parts must be ordered and inside the quote")
            last = e
        if self.cue is not None:
            self.cue.check(text)
        if self.speaker_mention is not None:
            self.speaker_mention.check(text)
        return self

    def _check_fields(self) -> None:
        strings = (self.id, self.text, self.type, self.status, self.origin, self.note,
                   self.created, self.updated)
        if not all(isinstance(v, str) for v in strings):
            raise SpanError(f"quote {self.id!r}: its text fields must be strings")
        for name, value in (("stance", self.stance), ("speaker_id", self.speaker_id)):
            if value is not None and not isinstance(value, str):
                raise SpanError(f"quote {self.id}: {name} must be a string or none, got {value!r}")
        for name, value in self.confidence.items():
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not (isinstance(name, str) and ok and 0.0 <= value <= 1.0):
                raise SpanError(f"quote {self.id}: confidence {name!r} must be a number from 0 "
                                f"to 1, got {value!r}")
        if not all(isinstance(k, str) and isinstance(v, str) and k and v for k, v in self.codes):
            raise SpanError(f"quote {self.id}: codes must be names with text values")

    def with_span(self, text: str, start: int, end: int) -> Quote:
        """A copy covering ``start``-``end`` of ``text``, checked. A split quote keeps its
        parts: they are cut to the new span, the first starts at ``start`` and the last ends at
        ``end`` (a word move changes only an outer edge; the attribution between the parts
        stays out). One part left is a plain span."""
        parts: tuple[tuple[int, int], ...] = ()
        if self.parts:
            kept = [(max(a, start), min(b, end)) for a, b in self.parts
                    if min(b, end) > max(a, start)]
            if len(kept) > 1:
                kept[0] = (start, kept[0][1])
                kept[-1] = (kept[-1][0], end)
                parts = tuple(kept)
        moved = replace(self, start=start, end=end, text=text[start:end], parts=parts)
        return moved.check(text)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for storage."""
        cue, mention = self.cue, self.speaker_mention
        out: dict[str, Any] = {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "type": self.type,
            "parts": [list(p) for p in self.parts],
            "cue": (
                {"start": cue.start, "end": cue.end, "text": cue.text, "lemma": cue.lemma}
                if cue
                else None
            ),
            "speaker_id": self.speaker_id,
            "speaker_mention": (
                {"start": mention.start, "end": mention.end, "text": mention.text}
                if mention
                else None
            ),
            "stance": self.stance,
            "confidence": dict(self.confidence),
            "status": self.status,
            "origin": self.origin,
            "note": self.note,
            "created": self.created,
            "updated": self.updated,
        }
        if self.codes:  # only when some are coded: a layer without them is written as before
            out["codes"] = dict(self.codes)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Quote:
        """The inverse of ``to_dict``.

        A record as ``to_dict`` writes it (offsets ``int``, text fields ``str``, type and
        status not empty) is taken as it is, without a conversion per field: a pass over the
        corpus builds millions of quotes. Anything else goes through the converting path
        (``_from_any_dict``), which gives the same quote for the same record.
        """
        try:
            (qid, start, end, text, kind, parts, cue, speaker_id, mention, stance, confidence,
             status, origin, note, created, updated) = _quote_fields(data)
        except (KeyError, TypeError):
            return cls._from_any_dict(data)
        if not (
            type(qid) is str and type(start) is int and type(end) is int
            and type(text) is str and type(kind) is str and kind
            and type(status) is str and status and type(origin) is str
            and type(note) is str and type(created) is str and type(updated) is str
        ):
            return cls._from_any_dict(data)
        return cls(
            qid, start, end, text, kind,
            tuple((int(p[0]), int(p[1])) for p in parts) if parts else (),
            Cue(**cue) if cue else None,
            speaker_id,
            Mention(**mention) if mention else None,
            stance,
            dict(confidence or {}),
            status, origin, note, created, updated,
            coded_pairs(codes) if (codes := data.get("codes")) else (),
        )

    @classmethod
    def _from_any_dict(cls, data: Mapping[str, Any]) -> Quote:
        """``from_dict`` for any record: each field converted to the type it must have."""
        cue = data.get("cue")
        mention = data.get("speaker_mention")
        return cls(
            id=str(data["id"]),
            start=int(data["start"]),
            end=int(data["end"]),
            text=str(data.get("text") or ""),
            type=str(data.get("type") or "direct"),
            parts=tuple((int(p[0]), int(p[1])) for p in data.get("parts") or ()),
            cue=Cue(**cue) if cue else None,
            speaker_id=data.get("speaker_id"),
            speaker_mention=Mention(**mention) if mention else None,
            stance=data.get("stance"),
            confidence=dict(data.get("confidence") or {}),
            status=str(data.get("status") or "suggested"),
            origin=str(data.get("origin") or ""),
            note=str(data.get("note") or ""),
            created=str(data.get("created") or ""),
            updated=str(data.get("updated") or ""),
            codes=coded_pairs(data.get("codes") or {}),
        )


# a stored quote's fields in the order of ``Quote``'s, fetched in one call
_quote_fields = itemgetter(
    "id", "start", "end", "text", "type", "parts", "cue", "speaker_id", "speaker_mention",
    "stance", "confidence", "status", "origin", "note", "created", "updated",
)

DEFAULT_STANCE_LABELS: tuple[str, ...] = ("support", "oppose", "neutral", "unclear")


def confidence_of(quote: Quote) -> float | None:
    """The lowest per-field confidence of a quote (``None`` when it has none)."""
    values = [v for v in quote.confidence.values() if isinstance(v, int | float)]
    return min(values) if values else None


@dataclass(frozen=True, slots=True)
class StanceLabel:
    """One stance label with the key that sets it and optional example statements."""

    name: str
    key: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StanceScheme:
    """What stance is about (the target) and the labels a quote can take."""

    target: str = "the article's main issue"
    labels: tuple[StanceLabel, ...] = tuple(
        StanceLabel(name, str(i + 1)) for i, name in enumerate(DEFAULT_STANCE_LABELS)
    )

    @property
    def names(self) -> tuple[str, ...]:
        """The label names in order."""
        return tuple(label.name for label in self.labels)

    def by_key(self, key: str) -> str | None:
        """The label bound to ``key``, if any."""
        for label in self.labels:
            if label.key == key:
                return label.name
        return None

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for the project file."""
        return {
            "target": self.target,
            "labels": [
                {"name": lb.name, "key": lb.key, "examples": list(lb.examples)}
                for lb in self.labels
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> StanceScheme:
        """The inverse of ``to_dict``; ``None`` gives the default scheme."""
        if not data:
            return cls()
        return cls(
            target=str(data.get("target") or cls.target),
            labels=tuple(
                StanceLabel(
                    str(lb["name"]), str(lb.get("key") or ""), tuple(lb.get("examples") or ())
                )
                for lb in data.get("labels") or ()
            )
            or cls().labels,
        )


@dataclass(frozen=True, slots=True)
class Document:
    """An imported article. Its text is never edited after import."""

    id: str
    title: str
    text: str
    sha256: str = ""
    source: str = ""
    imported: str = ""
    target: str = ""  # what stance is about in this article, when not the project's target
    meta: tuple[tuple[str, str], ...] = ()  # outlet, date, url...: ``annotations.metadata``

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", sha256_text(self.text))


@dataclass(frozen=True, slots=True)
class Layer:
    """One annotator's (or the detector's, or the adjudicated) annotations of one document."""

    name: str
    quotes: Mapping[str, Quote] = field(default_factory=dict)
    speakers: Mapping[str, Speaker] = field(default_factory=dict)

    def sorted_quotes(self) -> list[Quote]:
        """Quotes in reading order."""
        return sorted(self.quotes.values(), key=lambda q: (q.start, q.end, q.id))

    def speaker_name(self, quote: Quote) -> str | None:
        """The canonical name of a quote's speaker, if it has one."""
        speaker = self.speakers.get(quote.speaker_id or "")
        return speaker.name if speaker else None

    def check(self, text: str) -> Layer:
        """Check every record of the layer against ``text``."""
        for quote in self.quotes.values():
            quote.check(text)
        for speaker in self.speakers.values():
            speaker.check(text)
        return self


def layer_from_records(name: str, quotes: Iterable[Quote], speakers: Iterable[Speaker]) -> Layer:
    """Build a ``Layer`` from record lists, keyed by id."""
    return Layer(name, {q.id: q for q in quotes}, {s.id: s for s in speakers})
