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
Tokens are split at annotation boundaries, so tags are exact. A blank line ends a sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotations.formats.export_common import DocLayer, ExportReport, atomic_output
from annotations.formats.segment import annotation_cuts, sentences, tokens
from annotations.model import Layer

COLUMNS = ("TOKEN", "START", "END", "QUOTE", "SPEAKER", "QUOTE_ID", "SAID")


def _one_line(s: str) -> str:
    return " ".join(s.split())


def document_to_conll(doc_id: str, text: str, layer: Layer) -> str:
    """The CoNLL block of one document (ends with a blank line)."""
    quote_spans: list[tuple[int, int, str, str]] = []  # start, end, type, quote id
    for q in layer.sorted_quotes():
        for s, e in q.part_spans():
            quote_spans.append((s, e, q.type, q.id))
    mentions: dict[tuple[int, int], list[str]] = {}
    for sp in layer.speakers.values():
        for m in sp.mentions:
            mentions.setdefault((m.start, m.end), [])
    for q in layer.sorted_quotes():
        if q.speaker_mention is not None:
            key = (q.speaker_mention.start, q.speaker_mention.end)
            mentions.setdefault(key, []).append(q.id)
    cuts = annotation_cuts([(s, e) for s, e, _, _ in quote_spans] + list(mentions))
    lines = [f"# newdoc id = {_one_line(doc_id)}"]
    sorted_mentions = sorted(mentions.items())
    for n, (ss, se) in enumerate(sentences(text), 1):
        lines.append(f"# sent_id = {_one_line(doc_id)}-{n}")
        lines.append(f"# text = {_one_line(text[ss:se])}")
        for ts, te in tokens(text, ss, se, cuts):
            qtag = stag = "O"
            qid = said = "_"
            for s, e, typ, quote_id in quote_spans:
                if s <= ts and te <= e:
                    qtag = ("B-" if _first_token(text, s, ts) else "I-") + typ
                    qid = quote_id
                    break
            for (ms, me), ids in sorted_mentions:
                if ms <= ts and te <= me:
                    stag = "B-SPEAKER" if _first_token(text, ms, ts) else "I-SPEAKER"
                    said = ",".join(ids) or "_"
                    break
                if ms > ts:
                    break
            lines.append(f"{text[ts:te]}\t{ts}\t{te}\t{qtag}\t{stag}\t{qid}\t{said}")
        lines.append("")
    return "\n".join(lines) + "\n"


def _first_token(text: str, span_start: int, token_start: int) -> bool:
    """Is the token at ``token_start`` the first token of a span starting at ``span_start``?"""
    return not text[span_start:token_start].strip()


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
