"""CoNLL-style token-per-line export with BIO tags, for sequence-labelling tools.

Layout (CoNLL-U Plus conventions for comments)::

    # global.columns = TOKEN START END QUOTE SPEAKER QUOTE_ID SAID
    # newdoc id = <document id>
    # sent_id = <document id>-<n>
    # text = <sentence text>
    <token> TAB <start> TAB <end> TAB <quote tag> TAB <speaker tag> TAB <quote id> TAB <said>

- ``QUOTE``: ``B-<type>`` / ``I-<type>`` / ``O`` with type ``direct``, ``indirect`` or
  ``mixed`` (conlleval reads the type after ``B-``). Each part of a split quote starts with
  ``B-``; ``QUOTE_ID`` links the parts. Where quotes nest, the outer (earlier) one is tagged.
- ``SPEAKER``: ``B-SPEAKER`` / ``I-SPEAKER`` / ``O`` over each speaker mention;
  ``SAID`` lists the ids of the quotes that mention is the speaker of (``,``-separated).
- ``START``/``END``: Python character offsets into the document text. ``_`` means empty.
Sentences and tokens are the ones of ``annotations.text`` (the detector's own); tokens are
split at annotation boundaries, so tags are exact. A blank line ends a sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from pathlib import Path

from annotations.formats.export_common import (
    DocLayer,
    ExportReport,
    FreeTokens,
    atomic_output,
    sentence_tokens,
)
from annotations.model import Layer
from annotations.text import sentences, span_edges

COLUMNS = ("TOKEN", "START", "END", "QUOTE", "SPEAKER", "QUOTE_ID", "SAID")


def _one_line(s: str) -> str:
    return " ".join(s.split())


def document_to_conll(doc_id: str, text: str, layer: Layer) -> str:
    """The CoNLL block of one document (ends with a blank line)."""
    quote_spans: list[tuple[int, int, str, str]] = []  # start, end, type, quote id
    ordered = layer.sorted_quotes()
    for q in ordered:
        for s, e in q.part_spans():
            quote_spans.append((s, e, q.type, q.id))
    mentions: dict[tuple[int, int], list[str]] = {}
    for sp in layer.speakers.values():
        for m in sp.mentions:
            mentions.setdefault((m.start, m.end), [])
    for q in ordered:
        if q.speaker_mention is not None:
            key = (q.speaker_mention.start, q.speaker_mention.end)
            mentions.setdefault(key, []).append(q.id)
    cuts = sorted(span_edges([(s, e) for s, e, _, _ in quote_spans] + list(mentions)))
    sents = [(ss, se, sentence_tokens(text, ss, se, cuts)) for ss, se in sentences(text)]
    starts = [ts for _, _, toks in sents for ts, _ in toks]
    # tags by token index; tokens are cut at every boundary, so a token starting inside a
    # span ends inside it. The earlier quote wins where quotes nest: each span tags only the
    # tokens no earlier span took (``FreeTokens`` skips the taken ones).
    qtags: dict[int, tuple[str, str]] = {}
    free = FreeTokens(len(starts))
    for s, e, typ, quote_id in quote_spans:
        lead = _first_solid(text, s)
        for i in free.take(bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)):
            qtags[i] = (("B-" if starts[i] <= lead else "I-") + typ, quote_id)
    stags: dict[int, tuple[str, str]] = {}
    free = FreeTokens(len(starts))
    for (ms, me), ids in sorted(mentions.items()):
        lead = _first_solid(text, ms)
        for i in free.take(bisect.bisect_left(starts, ms), bisect.bisect_left(starts, me)):
            stags[i] = ("B-SPEAKER" if starts[i] <= lead else "I-SPEAKER", ",".join(ids) or "_")
    lines = [f"# newdoc id = {_one_line(doc_id)}"]
    i = 0
    for n, (ss, se, toks) in enumerate(sents, 1):
        lines.append(f"# sent_id = {_one_line(doc_id)}-{n}")
        lines.append(f"# text = {_one_line(text[ss:se])}")
        for ts, te in toks:
            qtag, qid = qtags.get(i, ("O", "_"))
            stag, said = stags.get(i, ("O", "_"))
            lines.append(f"{text[ts:te]}\t{ts}\t{te}\t{qtag}\t{stag}\t{qid}\t{said}")
            i += 1
        lines.append("")
    return "\n".join(lines) + "\n"


_SOLID = re.compile(r"\S")


def _first_solid(text: str, start: int) -> int:
    """The first offset from ``start`` that is not white space: a token of a span starting
    at ``start`` is its first token when it starts there or before (only white space
    between)."""
    m = _SOLID.search(text, start)
    return m.start() if m else len(text)


def write_conll(
    items: Iterable[DocLayer], out: Path, *, annotator: str | None = None
) -> ExportReport:
    """Write all documents into one CoNLL file at ``out``, streaming.

    ``annotator`` is accepted for a uniform writer signature and written as a comment.
    """
    docs = quotes = 0
    with atomic_output(Path(out), "w") as fh:
        fh.write(f"# global.columns = {' '.join(COLUMNS)}\n")
        if annotator:
            fh.write(f"# annotator = {_one_line(annotator)}\n")
        for doc, layer in items:
            fh.write(document_to_conll(doc.id, doc.text, layer))
            docs += 1
            quotes += len(layer.quotes)
    return ExportReport(docs, quotes, str(out))
