"""Every correction as a reversible command.

An ``Edit`` names what the user did (accept this quote, move that end by a word). Given the
current layer it computes a ``LayerChange``: the records it touches, before and after. The
store applies the change, writes it, and journals it; undo applies the same change backwards.
Because a change holds whole records, undo and redo need nothing but the journal, also after a
restart.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from annotations.change import EditContext, LayerChange
from annotations.display import excerpt
from annotations.errors import InputError, SpanError
from annotations.model import (
    QUOTE_TYPES,
    SPEAKER_KINDS,
    Layer,
    Mention,
    Quote,
    Speaker,
    filled_pairs,
    recoded,
)
from annotations.registry import speaker_key
from annotations.text import sentences


@dataclass(frozen=True)
class Edit:
    """Base of all corrections: which document and layer (``None``: the annotator's own)."""

    doc_id: str
    layer: str | None = field(default=None, kw_only=True)
    name: ClassVar[str] = "edit"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        """The change this edit makes to ``layer``; raises ``InputError`` if it cannot apply."""
        raise NotImplementedError

    def describe(self) -> str:
        """The journal's short audit text (internal ids, kept stable for the audit trail and
        the tools that read it). What the researcher reads is worded from the change itself:
        ``annotations.history_view.describe_change``."""
        return self.name

    def _quote(self, layer: Layer, quote_id: str) -> Quote:
        try:
            return layer.quotes[quote_id]
        except KeyError:
            raise InputError(f"no quote {quote_id!r} in {self.doc_id!r}") from None

    def _speaker(self, layer: Layer, speaker_id: str) -> Speaker:
        try:
            return layer.speakers[speaker_id]
        except KeyError:
            raise InputError(f"no speaker {speaker_id!r} in {self.doc_id!r}") from None


def _quote_change(before: Quote, after: Quote) -> LayerChange:
    return LayerChange({before.id: before}, {after.id: after})


def _touch(quote: Quote, ctx: EditContext, **changes: Any) -> Quote:
    return replace(quote, updated=ctx.now, **changes)


def _corrected(quote: Quote, ctx: EditContext, **changes: Any) -> Quote:
    """``quote`` with a field the annotator changed by hand on it alone (its span, speaker,
    stance, type or a code): a suggested quote is then reviewed, accepted, as accepting it
    would (the review queue counts it done); a rejected one stays rejected. Changes that
    sweep many quotes at once (a speaker merged or renamed, a label renamed) judge none of
    them and use ``_touch``."""
    status = "accepted" if quote.status == "suggested" else quote.status
    return _touch(quote, ctx, status=status, **changes)


def _confirmed(quote: Quote, *fields: str) -> dict[str, float]:
    confidence = dict(quote.confidence)
    for name in fields:
        confidence[name] = 1.0
    return confidence


@dataclass(frozen=True)
class SetStatus(Edit):
    """Set a quote's review status."""

    quote_id: str
    status: str = "accepted"
    name: ClassVar[str] = "set status"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        quote = self._quote(layer, self.quote_id)
        return _quote_change(quote, _touch(quote, ctx, status=self.status))

    def describe(self) -> str:
        return f"{self.status} {self.quote_id}"


@dataclass(frozen=True)
class AcceptQuote(SetStatus):
    """Accept a suggested quote as it stands."""

    status: str = "accepted"
    name: ClassVar[str] = "accept"


@dataclass(frozen=True)
class RejectQuote(SetStatus):
    """Reject a suggestion: it is not a quote."""

    status: str = "rejected"
    name: ClassVar[str] = "reject"


@dataclass(frozen=True)
class ResetQuote(SetStatus):
    """Put a quote back to 'suggested' (unreviewed). A quote made by hand (its origin is the
    annotator) was never suggested: there is nothing to go back to, and it is refused."""

    status: str = "suggested"
    name: ClassVar[str] = "reset"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        quote = self._quote(layer, self.quote_id)
        if quote.origin and quote.origin == ctx.annotator:
            raise InputError("this quote was made by hand, not suggested: there is no "
                             "suggestion to go back to (x rejects it, D deletes it)")
        return super().compute(layer, text, ctx)


@dataclass(frozen=True)
class SetStance(Edit):
    """Set (or clear, with ``None``) a quote's stance label."""

    quote_id: str
    stance: str | None
    name: ClassVar[str] = "set stance"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        quote = self._quote(layer, self.quote_id)
        return _quote_change(
            quote,
            _corrected(quote, ctx, stance=self.stance,
                       confidence=_confirmed(quote, "stance")),
        )

    def describe(self) -> str:
        return f"stance {self.stance or '—'} on {self.quote_id}"


@dataclass(frozen=True)
class SetQuoteType(Edit):
    """Change a quote's type (direct, indirect, mixed)."""

    quote_id: str
    type: str
    name: ClassVar[str] = "set type"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        if self.type not in QUOTE_TYPES:
            raise InputError(f"quote type must be one of {', '.join(QUOTE_TYPES)}")
        quote = self._quote(layer, self.quote_id)
        return _quote_change(
            quote, _corrected(quote, ctx, type=self.type, confidence=_confirmed(quote, "type"))
        )

    def describe(self) -> str:
        return f"type {self.type} on {self.quote_id}"


@dataclass(frozen=True)
class SetSpan(Edit):
    """Move a quote's start and end (character offsets into the text)."""

    quote_id: str
    start: int
    end: int
    name: ClassVar[str] = "set span"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        quote = self._quote(layer, self.quote_id)
        if self.start >= self.end:
            raise SpanError("a quote cannot be empty")
        for other in layer.sorted_quotes():
            # a move may keep an overlap it starts from (a quote nested in another, or one
            # accepted again after a neighbour grew over it while it was rejected) but never
            # run further into another live quote
            if (
                other.id != quote.id
                and other.status != "rejected"
                and _overlap(self.start, self.end, other) > _overlap(quote.start, quote.end, other)
            ):
                raise SpanError(
                    f"the span would run into another quote (“{excerpt(other.text)}”); "
                    "reject or shorten that one first"
                )
        moved = _corrected(quote.with_span(text, self.start, self.end), ctx)
        moved = replace(moved, confidence=_confirmed(moved, "span"))
        return _quote_change(quote, moved)

    def describe(self) -> str:
        return f"span {self.start}-{self.end} on {self.quote_id}"


def _overlap(start: int, end: int, other: Quote) -> int:
    """How many characters of ``start``-``end`` lie in ``other``'s span."""
    return max(0, min(end, other.end) - max(start, other.start))


OPENING_MARKS = "\"“„«‘‚'"
CLOSING_MARKS = "\"”»’'"


def new_quote_guess(text: str, layer: Layer, start: int, end: int) -> tuple[str, str | None]:
    """What a quote made from a selection most likely is: ``direct`` when quote marks enclose
    it (just outside or at its edges), else ``indirect``; and its speaker: the speaker named
    nearest to it within its sentence or the sentences on either side (``None``: nobody).
    A guess the annotator sees at once and changes with ``t`` and ``s``."""
    before = text[start - 1] if start > 0 else ""
    stop = end
    while stop < len(text) and text[stop] in ",.;:!?…":  # “We will win,” with the comma left out
        stop += 1
    after = text[stop] if stop < len(text) else ""
    inner = text[start:end].strip()
    opened = before in OPENING_MARKS or inner[:1] in OPENING_MARKS
    closed = after in CLOSING_MARKS or inner[-1:] in CLOSING_MARKS
    kind = "direct" if opened and closed else "indirect"
    spans = sentences(text)
    here = [i for i, (s, e) in enumerate(spans) if s < end and start < e]
    lo = spans[max(here[0] - 1, 0)][0] if here else start
    hi = spans[min(here[-1] + 1, len(spans) - 1)][1] if here else end
    best: tuple[int, str] | None = None
    for speaker in layer.speakers.values():
        for m in speaker.mentions:
            if m.start >= lo and m.end <= hi and not (start <= m.start < end):
                gap = start - m.end if m.end <= start else m.start - end
                if best is None or gap < best[0]:
                    best = (gap, speaker.id)
    return kind, best[1] if best else None


@dataclass(frozen=True)
class NewQuote(Edit):
    """Add a quote the detector missed."""

    start: int
    end: int
    type: str = "direct"
    speaker_id: str | None = None
    quote_id: str | None = None
    name: ClassVar[str] = "new quote"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        if self.start >= self.end:
            raise SpanError("a quote cannot be empty")
        if self.speaker_id is not None:
            self._speaker(layer, self.speaker_id)
        quote_id = self.quote_id or next_id("q", layer.quotes)
        if quote_id in layer.quotes:
            raise InputError(f"quote {quote_id!r} already exists")
        quote = Quote(
            id=quote_id,
            start=self.start,
            end=self.end,
            text=text[self.start : self.end],
            type=self.type,
            speaker_id=self.speaker_id,
            confidence={"span": 1.0},
            status="accepted",
            origin=ctx.annotator,
            created=ctx.now,
            updated=ctx.now,
        ).check(text)
        return LayerChange({quote_id: None}, {quote_id: quote})

    def describe(self) -> str:
        return f"new quote {self.start}-{self.end}"


@dataclass(frozen=True)
class DeleteQuote(Edit):
    """Remove a quote from the layer altogether (rejecting keeps it, greyed)."""

    quote_id: str
    name: ClassVar[str] = "delete"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        quote = self._quote(layer, self.quote_id)
        return LayerChange({quote.id: quote}, {quote.id: None})

    def describe(self) -> str:
        return f"delete {self.quote_id}"


@dataclass(frozen=True)
class JoinQuotes(Edit):
    """Join a quote and another one into one discontinuous quote (a missed continuation:
    "…," she said, "…"): the parts of both, in reading order. The quote keeps its id, speaker,
    stance and cue, taking from the other what it lacks; notes are kept both; two types make
    it ``mixed``; the other quote is removed (undo brings it back)."""

    quote_id: str
    other_id: str
    name: ClassVar[str] = "join"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        a, b = self._quote(layer, self.quote_id), self._quote(layer, self.other_id)
        if a.id == b.id:
            raise InputError("a quote cannot be joined with itself")
        parts = sorted({*a.part_spans(), *b.part_spans()})
        if any(s2 < e1 for (_, e1), (s2, _) in itertools.pairwise(parts)):
            raise SpanError("the two quotes overlap: shorten one of them first, then join")
        start, end = parts[0][0], parts[-1][1]
        statuses = {a.status, b.status}
        joined = _touch(
            a, ctx, start=start, end=end, text=text[start:end],
            parts=tuple(parts) if len(parts) > 1 else (),
            speaker_id=a.speaker_id or b.speaker_id,
            speaker_mention=a.speaker_mention if a.speaker_id else b.speaker_mention,
            stance=a.stance if a.stance is not None else b.stance,
            cue=a.cue or b.cue,
            note="\n".join(n for n in (a.note, b.note) if n),
            # differing: accepted if either is, else back to suggested (to be reviewed whole)
            status=a.status if len(statuses) == 1 else (
                "accepted" if "accepted" in statuses else "suggested"),
            type=a.type if a.type == b.type else "mixed",
        )
        return LayerChange({a.id: a, b.id: b}, {a.id: joined.check(text), b.id: None})

    def describe(self) -> str:
        return f"join {self.other_id} into {self.quote_id}"


@dataclass(frozen=True)
class SplitQuote(Edit):
    """Split a discontinuous quote into one quote per part (a part that is someone else's, or
    two quotes the detector joined): the first part keeps the quote's id, cue and mention; the
    others become new quotes of the same speaker, stance and status."""

    quote_id: str
    name: ClassVar[str] = "split"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        q = self._quote(layer, self.quote_id)
        parts = q.part_spans()
        if len(parts) < 2:
            raise InputError("this quote is one part: there is nothing to split")
        (s, e), rest = parts[0], parts[1:]
        before: dict[str, Quote | None] = {q.id: q}
        after: dict[str, Quote | None] = {
            q.id: _touch(q, ctx, start=s, end=e, text=text[s:e], parts=()).check(text)}
        taken = dict(layer.quotes)
        for s, e in rest:
            qid = next_id("q", taken)
            new = _touch(q, ctx, id=qid, start=s, end=e, text=text[s:e], parts=(), cue=None,
                         speaker_mention=None, note="", created=ctx.now).check(text)
            taken[qid] = new
            before[qid], after[qid] = None, new
        return LayerChange(before, after)

    def describe(self) -> str:
        return f"split {self.quote_id}"


@dataclass(frozen=True)
class SetNote(Edit):
    """Attach a free-text note to a quote."""

    quote_id: str
    note: str
    name: ClassVar[str] = "note"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        quote = self._quote(layer, self.quote_id)
        return _quote_change(quote, _touch(quote, ctx, note=self.note))

    def describe(self) -> str:
        return f"note on {self.quote_id}"


@dataclass(frozen=True)
class SetSpeaker(Edit):
    """Attribute a quote to another (existing) speaker, or to nobody with ``None``."""

    quote_id: str
    speaker_id: str | None
    name: ClassVar[str] = "set speaker"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        quote = self._quote(layer, self.quote_id)
        if self.speaker_id is not None:
            self._speaker(layer, self.speaker_id)
        mention = quote.speaker_mention
        if mention is not None and self.speaker_id is not None:
            speaker = layer.speakers[self.speaker_id]
            if not any(m.start == mention.start for m in speaker.mentions):
                mention = None
        return _quote_change(
            quote,
            _corrected(
                quote,
                ctx,
                speaker_id=self.speaker_id,
                speaker_mention=mention,
                confidence=_confirmed(quote, "speaker"),
            ),
        )

    def describe(self) -> str:
        return f"speaker {self.speaker_id or '—'} on {self.quote_id}"


@dataclass(frozen=True)
class CreateSpeaker(Edit):
    """Add a new speaker, optionally attributing a quote to them at once."""

    speaker_name: str
    kind: str = "person"
    speaker_id: str | None = None
    assign_to: str | None = None
    name: ClassVar[str] = "new speaker"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        clean = " ".join(self.speaker_name.split())
        if not clean:
            raise InputError("a speaker needs a name")
        if self.kind not in SPEAKER_KINDS:
            raise InputError(f"speaker kind must be one of {', '.join(SPEAKER_KINDS)}")
        key = speaker_key(clean)
        named = next((s for s in layer.speakers.values() if speaker_key(s.name) == key), None)
        if named is not None and self.speaker_id is None:
            # the name is already a speaker here: attribute to them, never a duplicate
            if self.assign_to is None:
                raise InputError(f"{clean!r} is already a speaker of this document")
            quote = self._quote(layer, self.assign_to)
            after = _corrected(quote, ctx, speaker_id=named.id,
                           speaker_mention=_mention_of(quote, named.name, *named.aliases),
                           confidence=_confirmed(quote, "speaker"))
            return _quote_change(quote, after)
        speaker_id = self.speaker_id or next_id("s", layer.speakers)
        if speaker_id in layer.speakers:
            raise InputError(f"speaker {speaker_id!r} already exists")
        speakers_before: dict[str, Speaker | None] = {speaker_id: None}
        speakers_after: dict[str, Speaker | None] = {}
        mentions = tuple(
            Mention(m.start(), m.end(), m.group())
            for m in re.finditer(rf"\b{re.escape(clean)}\b", text)
        )
        # the name is another speaker's alias (the detector took two people for one): the new
        # speaker takes the alias and the mentions that read it
        owner = _same_speaker(layer, clean)
        if owner is not None and self.speaker_id is None:
            taken = tuple(m for m in owner.mentions if speaker_key(m.text) == key)
            speakers_before[owner.id] = owner
            speakers_after[owner.id] = replace(
                owner, aliases=tuple(a for a in owner.aliases if speaker_key(a) != key),
                mentions=tuple(m for m in owner.mentions if m not in taken))
            mentions = tuple(sorted({*mentions, *taken}, key=lambda m: (m.start, m.end)))
        speaker = Speaker(speaker_id, clean, self.kind, (), mentions)
        speakers_after[speaker_id] = speaker
        change = LayerChange({}, {}, speakers_before, speakers_after)
        if self.assign_to is not None:
            quote = self._quote(layer, self.assign_to)
            after = _corrected(
                quote,
                ctx,
                speaker_id=speaker_id,
                speaker_mention=_mention_of(quote, clean),
                confidence=_confirmed(quote, "speaker"),
            )
            change = replace(
                change, quotes_before={quote.id: quote}, quotes_after={quote.id: after}
            )
        return change

    def describe(self) -> str:
        return f"new speaker {self.speaker_name}"


@dataclass(frozen=True)
class RenameSpeaker(Edit):
    """Change a speaker's canonical name (the old one is kept as an alias)."""

    speaker_id: str
    new_name: str
    name: ClassVar[str] = "rename speaker"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        speaker = self._speaker(layer, self.speaker_id)
        clean = " ".join(self.new_name.split())
        if not clean:
            raise InputError("a speaker needs a name")
        aliases = tuple(dict.fromkeys((*speaker.aliases, speaker.name)))
        after = replace(speaker, name=clean, aliases=tuple(a for a in aliases if a != clean))
        return LayerChange({}, {}, {speaker.id: speaker}, {speaker.id: after})

    def describe(self) -> str:
        return f"rename {self.speaker_id} to {self.new_name}"


@dataclass(frozen=True)
class SetQuoteCode(Edit):
    """Code one of the project's quote variables (topic, frame…) of a quote, or clear it with
    ``None``; the session checks the value against the project's variables."""

    quote_id: str
    variable: str
    value: str | None
    name: ClassVar[str] = "quote code"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        quote = self._quote(layer, self.quote_id)
        after = replace(quote, codes=recoded(quote.codes, self.variable, self.value))
        if after.codes == quote.codes:
            raise InputError(f"{self.variable} is already {self.value or 'not coded'}")
        return _quote_change(quote, _corrected(after, ctx))

    def describe(self) -> str:
        return f"{self.variable} of {self.quote_id}: {self.value or '—'}"


@dataclass(frozen=True)
class SetSpeakerAttribute(Edit):
    """Code one attribute of a speaker (gender, role…: ``annotations.codebook``), or
    clear it with ``None``. The value is checked against the project's attributes by the
    session, which knows them."""

    speaker_id: str
    attribute: str
    value: str | None
    name: ClassVar[str] = "speaker attribute"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        speaker = self._speaker(layer, self.speaker_id)
        after = replace(speaker, attributes=recoded(speaker.attributes, self.attribute,
                                                    self.value))
        if after == speaker:
            raise InputError(f"{self.attribute} is already {self.value or 'not coded'}")
        return LayerChange({}, {}, {speaker.id: speaker}, {speaker.id: after})

    def describe(self) -> str:
        return f"{self.attribute} of {self.speaker_id}: {self.value or '—'}"


@dataclass(frozen=True)
class MergeSpeakers(Edit):
    """Fold speaker ``merge_id`` into ``keep_id``: its quotes, mentions and names move over."""

    keep_id: str
    merge_id: str
    name: ClassVar[str] = "merge speakers"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        if self.keep_id == self.merge_id:
            raise InputError("cannot merge a speaker into itself")
        keep = self._speaker(layer, self.keep_id)
        gone = self._speaker(layer, self.merge_id)
        names = tuple(
            n for n in dict.fromkeys((*keep.aliases, gone.name, *gone.aliases)) if n != keep.name
        )
        mentions = tuple(sorted({*keep.mentions, *gone.mentions}, key=lambda m: (m.start, m.end)))
        merged = replace(keep, aliases=names, mentions=mentions,  # the kept one's coding wins
                         attributes=filled_pairs(keep.attributes, gone.attributes))
        before_q = {q.id: q for q in layer.quotes.values() if q.speaker_id == gone.id}
        after_q = {qid: _touch(q, ctx, speaker_id=keep.id) for qid, q in before_q.items()}
        return LayerChange(
            before_q,
            after_q,
            {keep.id: keep, gone.id: gone},
            {keep.id: merged, gone.id: None},
        )

    def describe(self) -> str:
        return f"merge {self.merge_id} into {self.keep_id}"


def next_id(prefix: str, existing: Mapping[str, Any]) -> str:
    """The next free id ``<prefix><n>`` after the highest numbered one in ``existing``."""
    highest = 0
    for key in existing:
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            highest = max(highest, int(key[len(prefix) :]))
    return f"{prefix}{highest + 1}"


@dataclass(frozen=True)
class AdoptQuote(Edit):
    """Copy one layer's version of a quote (with its speaker) into this layer (adjudication).

    ``replaces`` names quotes of this layer that the adopted one supersedes; they are removed.
    ``unit``: the extent of the adjudication unit, when the adoption decides one; the quotes
    of this layer inside it must then be exactly ``replaces`` (what the adjudicator saw), else
    another adjudicator decided the unit meanwhile and the adoption is refused, never added
    beside their decision. The speaker is matched by canonical name to one already in the
    layer, else added with what its layer codes about them; one already there keeps its
    attribute values (the adjudicator's coding, or the version adopted first) and takes the
    adopted speaker's for the attributes it does not code (``model.filled_pairs``). The quote comes
    with its codes (topic…); for a variable it leaves uncoded, a quote it replaces keeps its
    code (the adjudicator's, set in the reader on this layer, or a version adopted before): an
    uncoded variable is a missing value, never a decision to clear one.
    """

    quote: Quote
    speaker: Speaker | None = None
    replaces: tuple[str, ...] = ()
    unit: tuple[int, int] | None = None
    name: ClassVar[str] = "adopt"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        if self.unit is not None:
            start, end = self.unit
            there = {q.id for q in layer.quotes.values() if q.start < end and start < q.end}
            if there != set(self.replaces):
                raise InputError(
                    f"{self.layer or 'this layer'} changed here since it was shown (another "
                    "adjudicator decided this unit): look at it again, then decide")
        quotes_before: dict[str, Quote | None] = {}
        quotes_after: dict[str, Quote | None] = {}
        speakers_before: dict[str, Speaker | None] = {}
        speakers_after: dict[str, Speaker | None] = {}
        codes = self.quote.codes
        for qid in self.replaces:
            if qid in layer.quotes:
                quotes_before[qid] = layer.quotes[qid]
                quotes_after[qid] = None
                codes = filled_pairs(codes, layer.quotes[qid].codes)
        speaker_id = None
        if self.speaker is not None:
            same = [s for s in layer.speakers.values() if s.name == self.speaker.name]
            if same:
                speaker_id = same[0].id
                attributes = filled_pairs(same[0].attributes, self.speaker.attributes)
                if attributes != same[0].attributes:
                    speakers_before[speaker_id] = same[0]
                    speakers_after[speaker_id] = replace(same[0], attributes=attributes)
            else:
                speaker_id = (
                    self.speaker.id
                    if self.speaker.id not in layer.speakers
                    else next_id("s", layer.speakers)
                )
                speakers_before[speaker_id] = None
                speakers_after[speaker_id] = replace(self.speaker, id=speaker_id)
        quote_id = self.quote.id
        if quote_id in layer.quotes and quote_id not in self.replaces:
            quote_id = next_id("q", {**layer.quotes, **quotes_after})
        adopted = replace(
            self.quote,
            id=quote_id,
            speaker_id=speaker_id,
            status="accepted" if self.quote.status == "suggested" else self.quote.status,
            codes=codes,
            updated=ctx.now,
        ).check(text)
        quotes_before.setdefault(quote_id, layer.quotes.get(quote_id))
        quotes_after[quote_id] = adopted
        return LayerChange(quotes_before, quotes_after, speakers_before, speakers_after)

    def describe(self) -> str:
        return f"adopt {self.quote.id} into {self.layer or 'layer'}"


@dataclass(frozen=True)
class AdoptQuotes(Edit):
    """Several adoptions as one edit (adjudication's "adopt all agreed"): one journal entry,
    so one undo takes them all back. Each adoption sees the layer as the ones before it left
    it."""

    adoptions: tuple[AdoptQuote, ...] = ()
    name: ClassVar[str] = "adopt"

    def compute(self, layer: Layer, text: str, ctx: EditContext) -> LayerChange:
        combined = LayerChange()
        for adoption in self.adoptions:
            change = adoption.compute(layer, text, ctx)
            combined = combined.then(change)
            layer = change.apply_to(layer)
        return combined

    def describe(self) -> str:
        return f"adopt {len(self.adoptions)} agreed quotes into {self.layer or 'layer'}"


def _mention_of(quote: Quote, *names: str) -> Mention | None:
    """The quote's speaker mention when it reads one of ``names`` (it then still names the
    speaker the quote is given to), else none."""
    mention = quote.speaker_mention
    keys = {speaker_key(n) for n in names}
    return mention if mention is not None and speaker_key(mention.text) in keys else None


def _same_speaker(layer: Layer, name: str) -> Speaker | None:
    """The speaker of ``layer`` that ``name`` names (its name or an alias, by the registry's
    identity rule), if any."""
    key = speaker_key(name)
    for speaker in layer.speakers.values():
        if key in {speaker_key(n) for n in (speaker.name, *speaker.aliases)}:
            return speaker
    return None
