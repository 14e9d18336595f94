"""WebAnno TSV 3.3 export, the tab-separated format INCEpTION and WebAnno import.

Follows the published format description (INCEpTION user guide, "WebAnno TSV 3.3 File
format", and its serializer ``Tsv3XSerializer``):

- header ``#FORMAT=WebAnno TSV 3.3``, one ``#T_SP=`` line per custom span layer with its
  features, then two empty lines; each sentence is preceded by one empty line;
- ``#Text=`` holds the sentence (text-escaped: backslash, tab, CR, control characters), one
  such line per line of a sentence that runs over a line break;
- token rows ``<sent>-<tok> TAB <begin>-<end> TAB <token>`` then one column per feature, each
  followed by a TAB. Offsets count **UTF-16 code units** (an emoji counts 2), as INCEpTION does;
- ``_`` = no annotation on the token, ``*`` = annotation with an empty feature; values are
  escaped (``\\ [ ] | _ -> ; * TAB LF``); an annotation over several tokens carries a
  disambiguation id ``[N]`` on every token, stacked annotations are joined by ``|``.

Layers: ``webanno.custom.Quote`` (quoteId, quoteType, speaker, speakerId, stance, status,
stanceTarget, and ``codes`` in a file whose layer codes a quote: its quote variables' values
as a JSON object, ``{"topic":"crime"}``, on every part; a file without coded quotes has no
such column, as before) and ``webanno.custom.Speaker`` (one span per mention: name, kind,
speakerId, and ``attributes`` in a file whose layer codes a speaker: the speaker's coded
attributes as a JSON object, ``{"gender":"female"}``, on every mention; a file without coded
speakers has no such column, as before).
``stanceTarget`` is what the stance is about (the project's stance target): TSV 3.3 has no
document-level fields, so it is a feature of every quote (``*`` when the export was not told).
A split quote is one Quote span per part, sharing its ``quoteId``. The quote-speaker link is
the ``speakerId`` feature on both layers rather than a ``#T_RL`` relation, because INCEpTION
relation layers connect spans of one and the same layer. Create the two layers with these
feature names (all strings) in the INCEpTION project before importing. Sentences and tokens are
the ones of ``annotations.text`` (the detector's own, abbreviation-aware); tokens are split at
annotation boundaries so every span is exact, except that (as the format itself requires) a
span is cut to the tokens it covers: leading or trailing white space is dropped, and a span
over white space only is left out.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from annotations.formats.export_common import (
    DocLayer,
    ExportReport,
    Utf16Offsets,
    atomic_output,
    safe_name,
    sentence_tokens,
)
from annotations.model import Layer, Speaker
from annotations.text import sentences, span_edges

FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"
QUOTE_LAYER = "webanno.custom.Quote"
QUOTE_FEATURES = (
    "quoteId", "quoteType", "speaker", "speakerId", "stance", "status", "stanceTarget",
)
SPEAKER_LAYER = "webanno.custom.Speaker"
SPEAKER_FEATURES = ("name", "kind", "speakerId")
ATTRIBUTES_FEATURE = "attributes"
"""The Speaker layer's feature for coded attributes, in the files of layers that code any."""
CODES_FEATURE = "codes"
"""The Quote layer's feature for a quote's coded variables, in the files of layers that code
any."""

_VALUE_ESCAPES = (
    ("\\", "\\\\"), ("[", "\\["), ("]", "\\]"), ("|", "\\|"), ("_", "\\_"), ("->", "\\->"),
    (";", "\\;"), ("\t", "\\t"), ("\n", "\\n"), ("*", "\\*"),
)


_NEEDS_VALUE_ESCAPE = re.compile(r"[\\\[\]|_;\t\n*]|->")
_NEEDS_TEXT_ESCAPE = re.compile(r"[\x00-\x1f\\]")


def escape_value(value: str) -> str:
    """A feature value escaped as ``Escaping.escapeValue`` does."""
    if not _NEEDS_VALUE_ESCAPE.search(value):
        return value
    for raw, esc in _VALUE_ESCAPES:
        value = value.replace(raw, esc)
    return value


def escape_text(text: str) -> str:
    """A ``#Text=`` line escaped as ``Escaping.escapeText`` does (3.2+)."""
    if not _NEEDS_TEXT_ESCAPE.search(text):
        return text
    out = []
    for c in text:
        code = ord(c)
        if c == "\\":
            out.append("\\\\")
        elif c == "\t":
            out.append("\\t")
        elif c == "\n":
            out.append("\\n")
        elif c == "\f":
            out.append("\\f")
        elif c == "\r":
            out.append("\\r")
        elif c == "\b":
            out.append("\\b")
        elif code < 32 and code != 11:  # Java's table skips 8-13; 11 (VT) stays raw
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Span:
    """One span annotation of a layer, its feature values and its disambiguation id."""

    layer: int
    start: int
    end: int
    values: tuple[str | None, ...]


def speaker_features(coded: bool) -> tuple[str, ...]:
    """The Speaker layer's features: ``attributes`` too when the file's layer codes any."""
    return SPEAKER_FEATURES + ((ATTRIBUTES_FEATURE,) if coded else ())


def quote_features(coded: bool) -> tuple[str, ...]:
    """The Quote layer's features: ``codes`` too when the file's layer codes a quote."""
    return QUOTE_FEATURES + ((CODES_FEATURE,) if coded else ())


def header(coded: bool = False, quotes_coded: bool = False) -> str:
    """The file header, two empty lines included (``coded``: with the Speaker layer's
    ``attributes`` feature; ``quotes_coded``: with the Quote layer's ``codes``)."""
    return (
        f"{FORMAT_LINE}\n"
        f"#T_SP={QUOTE_LAYER}|{'|'.join(quote_features(quotes_coded))}\n"
        f"#T_SP={SPEAKER_LAYER}|{'|'.join(speaker_features(coded))}\n"
        "\n"
    )


def _json(coded: tuple[tuple[str, str], ...]) -> str | None:
    """Coded values (a speaker's attributes, a quote's codes) as a feature's JSON object."""
    return json.dumps(dict(coded), ensure_ascii=False, separators=(",", ":")) if coded else None


def _speaker_values(sp: Speaker, coded: bool) -> tuple[str | None, ...]:
    """A speaker mention's feature values (name, kind, id, and its attributes when ``coded``)."""
    values: tuple[str | None, ...] = (sp.name, sp.kind, sp.id)
    if coded:
        values += (_json(sp.attributes),)
    return values


def _spans(layer: Layer, stance_target: str | None = None, coded: bool = False,
           quotes_coded: bool = False) -> list[_Span]:
    spans: list[_Span] = []
    for q in layer.sorted_quotes():
        sp = layer.speakers.get(q.speaker_id or "")
        values: tuple[str | None, ...] = (q.id, q.type, sp.name if sp else None, q.speaker_id,
                                          q.stance, q.status, stance_target)
        if quotes_coded:
            values += (_json(q.codes),)
        spans.extend(_Span(0, s, e, values) for s, e in q.part_spans())
    seen: set[tuple[int, int, str]] = set()
    for sp in sorted(layer.speakers.values(), key=lambda s: s.id):
        for m in sp.mentions:
            if (m.start, m.end, sp.id) not in seen:
                seen.add((m.start, m.end, sp.id))
                spans.append(_Span(1, m.start, m.end, _speaker_values(sp, coded)))
    for q in layer.sorted_quotes():
        m = q.speaker_mention
        sp = layer.speakers.get(q.speaker_id or "")
        key = (m.start, m.end, q.speaker_id or "") if m else None
        if m is not None and key not in seen:
            seen.add(key)  # type: ignore[arg-type]
            values = (_speaker_values(sp, coded) if sp else
                      (None, None, q.speaker_id) + ((None,) if coded else ()))
            spans.append(_Span(1, m.start, m.end, values))
    return sorted(spans, key=lambda a: (a.layer, a.start, -a.end))


def document_to_tsv(text: str, layer: Layer, stance_target: str | None = None) -> str:
    """The complete WebAnno TSV 3.3 file for one document (``stance_target``: the value of
    every quote's ``stanceTarget`` feature)."""
    coded = any(sp.attributes for sp in layer.speakers.values())
    quotes_coded = any(q.codes for q in layer.quotes.values())
    annotations = [a for a in _spans(layer, stance_target, coded, quotes_coded)
                   if a.end > a.start]
    cuts = sorted(span_edges([(a.start, a.end) for a in annotations]))
    sents = [sentence_tokens(text, s, e, cuts) for s, e in sentences(text)]
    sents = [toks for toks in sents if toks]
    starts = [s for toks in sents for s, _ in toks]
    # which tokens each annotation covers (tokens are cut at every annotation boundary, so a
    # token starting inside an annotation ends inside it), and how many annotations of each
    # layer every token carries: all of it is written out, so it costs what the file holds
    covered: dict[int, range] = {}
    by_token: dict[int, list[int]] = {}
    per_layer: tuple[dict[int, int], dict[int, int]] = ({}, {})
    for n, a in enumerate(annotations):
        idx = range(bisect.bisect_left(starts, a.start), bisect.bisect_left(starts, a.end))
        covered[n] = idx
        counts = per_layer[a.layer]
        for i in idx:
            by_token.setdefault(i, []).append(n)
            counts[i] = counts.get(i, 0) + 1
    disamb: dict[int, int] = {}
    next_id = 1
    for n, a in enumerate(annotations):
        counts = per_layer[a.layer]
        stacked = any(counts[i] > 1 for i in covered[n])
        if len(covered[n]) > 1 or stacked:
            disamb[n] = next_id
            next_id += 1
    u16 = Utf16Offsets(text)
    widths = (len(quote_features(quotes_coded)), len(speaker_features(coded)))
    cells = [_cells(a, disamb.get(n)) for n, a in enumerate(annotations)]
    out = [header(coded, quotes_coded)]
    i = 0
    for sent_no, toks in enumerate(sents, 1):
        out.append("\n")
        first, last = toks[0][0], toks[-1][1]
        # a sentence over a line break (a hard-wrapped line) is one #Text= line per line, as
        # INCEpTION writes it and reads it back (joined by line breaks)
        out.extend(f"#Text={escape_text(line)}\n" for line in text[first:last].split("\n"))
        for tok_no, (s, e) in enumerate(toks, 1):
            cols = [f"{sent_no}-{tok_no}", f"{u16(s)}-{u16(e)}", text[s:e]]
            here = by_token.get(i, [])
            for lay, width in enumerate(widths):
                mine = [cells[n] for n in here if annotations[n].layer == lay]
                if not mine:
                    cols.extend(["_"] * width)
                elif len(mine) == 1:
                    cols.extend(mine[0])
                else:  # stacked annotations: values joined by | in each column
                    cols.extend("|".join(vals) for vals in zip(*mine, strict=True))
            out.append("\t".join(cols) + "\t\n")
            i += 1
    return "".join(out)


def _cells(annotation: _Span, disambiguation: int | None) -> list[str]:
    """The annotation's feature cells: escaped values (``*`` for none) with its id suffix."""
    suffix = "" if disambiguation is None else f"[{disambiguation}]"
    return [("*" if v is None or v == "" else escape_value(str(v))) + suffix
            for v in annotation.values]


def write_webanno(
    items: Iterable[DocLayer],
    out: Path,
    *,
    annotator: str | None = None,
    stance_target: str | None = None,
) -> ExportReport:
    """Write one ``<doc>.tsv`` per document into the folder ``out`` (INCEpTION imports one
    file per document). ``annotator`` is accepted for a uniform signature and unused (TSV has
    no annotator field: INCEpTION gives the file to the user who imports it);
    ``stance_target`` fills every quote's ``stanceTarget`` feature."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    docs = quotes = 0
    for doc, layer in items:
        with atomic_output(folder / f"{safe_name(doc.id, taken)}.tsv", "w") as fh:
            fh.write(document_to_tsv(doc.text, layer, doc.target or stance_target))
        docs += 1
        quotes += len(layer.quotes)
    return ExportReport(docs, quotes, str(folder))
