"""Adjudication: line up several annotators' layers of one document and build a final layer.

Quotes of the layers are grouped into *units*: quotes that overlap by at least half of their
words (the agreement rule) stand for the same quotation. A unit where the layers differ (one
lacks it, or span, type, speaker or stance differ, or its speaker's attributes as the layers
code them in this document: ``speaker gender``, or the quote's codes: ``topic``, a layer that
leaves one uncoded not differing) is a disagreement; disagreements come first. Picking a
layer's version of a unit copies it into the ``final`` layer through the ``AdoptQuote`` edit,
so it is saved, journaled and undoable like any correction; its speaker comes with that
layer's coding, unless ``final`` has them already: their values there stay (settled in the
reader on ``final``, ``i``) and only the attributes it does not code are taken. The quote
comes with its codes (an agreed unit's: every code any of its layers gives it, none
differing); a quote ``final`` had there keeps its code of a variable the version leaves
uncoded (``AdoptQuote``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from annotations.codebook import disagreement_kind, quote_disagreement_kind
from annotations.edits import AdoptQuote
from annotations.model import FINAL_LAYER, Layer, Quote, Speaker, filled_pairs

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Version:
    """One layer's version of a unit: the quote and its speaker."""

    layer: str
    quote: Quote
    speaker_record: Speaker | None

    @property
    def speaker(self) -> str | None:
        """The speaker's canonical name."""
        return self.speaker_record.name if self.speaker_record else None


def coded_name(speaker: Speaker | None) -> str | None:
    """A speaker's name with the values coded for them, as the reader shows them:
    ``Jane Roe (female, politician)``; None for no speaker."""
    if speaker is None:
        return None
    values = ", ".join(v for _, v in speaker.attributes)
    return f"{speaker.name} ({values})" if values else speaker.name


def coded_values(quote: Quote) -> str:
    """A quote's codes as the adjudication view shows them: ``topic: crime, tone: negative``
    (empty: none coded)."""
    return ", ".join(f"{name}: {value}" for name, value in quote.codes)


@dataclass(frozen=True, slots=True)
class Unit:
    """One quotation as the layers saw it; ``versions`` holds at most one per layer."""

    start: int
    end: int
    versions: Mapping[str, Version]
    layers: tuple[str, ...]

    @property
    def agreed(self) -> bool:
        """True when every layer has the quote with the same span, type, speaker and stance,
        and codes neither its speaker nor the quote otherwise than another layer does."""
        if len(self.versions) != len(self.layers):
            return False
        keys = {
            (v.quote.start, v.quote.end, v.quote.type, (v.speaker or "").casefold(), v.quote.stance)
            for v in self.versions.values()
        }
        return len(keys) == 1 and not self._coded_apart() and not self.codes_apart()

    def _coded_apart(self) -> list[str]:
        """The attributes the versions' speakers are coded with two values or more."""
        records = [v.speaker_record for v in self.versions.values() if v.speaker_record]
        names = sorted({k for r in records for k, _ in r.attributes})
        return [n for n in names if len({r.attribute(n) for r in records} - {None}) > 1]

    def codes_apart(self) -> list[str]:
        """The quote variables the versions' quotes are coded with two values or more."""
        quotes = [v.quote for v in self.versions.values()]
        names = sorted({k for q in quotes for k, _ in q.codes})
        return [n for n in names if len({q.code(n) for q in quotes} - {None}) > 1]

    def codes(self) -> tuple[tuple[str, str], ...]:
        """Every code the versions give the quote, the first layer's first where they
        differ (an agreed unit's codes: none differ there)."""
        out: tuple[tuple[str, str], ...] = ()
        for version in self.versions.values():
            out = filled_pairs(out, version.quote.codes)
        return out

    def differences(self) -> list[str]:
        """What the layers disagree on, in words."""
        if len(self.versions) != len(self.layers):
            missing = [n for n in self.layers if n not in self.versions]
            return [f"missing in {', '.join(missing)}"]
        out = []
        vs = list(self.versions.values())
        if len({(v.quote.start, v.quote.end) for v in vs}) > 1:
            out.append("span")
        if len({v.quote.type for v in vs}) > 1:
            out.append("type")
        if len({(v.speaker or "").casefold() for v in vs}) > 1:
            out.append("speaker")
        if len({v.quote.stance for v in vs}) > 1:
            out.append("stance")
        out.extend(map(disagreement_kind, self._coded_apart()))
        out.extend(map(quote_disagreement_kind, self.codes_apart()))
        return out


def _tokens(text: str, quote: Quote) -> set[int]:
    return {m.start() for m in _WORD.finditer(text, quote.start, quote.end)}


def units(text: str, layers: Mapping[str, Layer], names: Sequence[str]) -> list[Unit]:
    """Group the named layers' non-rejected quotes into units; disagreements first."""
    clusters: list[dict[str, Version]] = []
    spans: list[set[int]] = []
    for name in names:
        layer = layers.get(name)
        if layer is None:
            continue
        for quote in layer.sorted_quotes():
            if quote.status == "rejected":
                continue
            toks = _tokens(text, quote)
            best, best_score = None, 0.0
            for i, cluster in enumerate(clusters):
                if name in cluster:
                    continue
                inter = len(toks & spans[i])
                score = inter / max(len(toks), len(spans[i]), 1)
                if score >= 0.5 and score > best_score:
                    best, best_score = i, score
            version = Version(name, quote, layer.speakers.get(quote.speaker_id or ""))
            if best is None:
                clusters.append({name: version})
                spans.append(toks)
            else:
                clusters[best][name] = version
    result = [
        Unit(
            min(v.quote.start for v in c.values()),
            max(v.quote.end for v in c.values()),
            c,
            tuple(names),
        )
        for c in clusters
    ]
    result.sort(key=lambda u: (u.agreed, u.start))
    return result


def adopt(doc_id: str, unit: Unit, layer_name: str, final: Layer) -> AdoptQuote:
    """The edit that puts ``layer_name``'s version of ``unit`` into the final layer (with
    every code the layers give it when they agree on the unit: one coder leaving the topic
    uncoded does not lose another's)."""
    version = unit.versions[layer_name]
    quote = replace(version.quote, codes=unit.codes()) if unit.agreed else version.quote
    replaces = tuple(
        q.id for q in final.quotes.values() if q.start < unit.end and unit.start < q.end
    )
    return AdoptQuote(
        doc_id,
        quote=quote,
        speaker=version.speaker_record,
        replaces=replaces,
        unit=(unit.start, unit.end),
        layer=FINAL_LAYER,
    )
