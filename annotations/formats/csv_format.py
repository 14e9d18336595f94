"""CSV out: one row per quote, for spreadsheets and statistics packages (R, pandas, Stata).

UTF-8 without a byte-order mark, RFC 4180 quoting by the ``csv`` module (quote texts with
commas, quote marks and line breaks survive). Offsets are Python character offsets; a split
quote lists its pieces in ``parts`` as ``start-end;start-end``. Empty cells mean "none".

``annotator`` is who stands behind the row (``export_common.quote_annotator``: the detector
for a suggestion nobody reviewed); ``confidence`` is the figure the TUI shows
(``review.confidence_of``, written in full precision); ``note`` is the researcher's note on the
quote; ``stance_target`` is what the ``stance`` is about (the project's stance target, or the
document's own); ``layer`` is the layer the row comes from, so the layers of a whole team go in
one long table (one row per quote and layer: what R's ``irr`` or a pandas pivot reads); a
document your own layer does not hold yet, exported from the suggestions, says
``suggestions`` there (its quotes are the detector's, as ``annotator`` says too).
``speaker_key`` is the speaker's key across the corpus (``registry.speaker_key``: lower case,
titles dropped, so "Mayor Jim Kenney" and "Jim Kenney" share ``jim kenney``; a surname alone
the layer's one full name of it, "warren" written ``elizabeth warren``: ``surname_links``):
what ``saywho stats`` counts as one speaker, for grouping quotes by speaker across documents;
``title`` is the document's (a headline, to read a row by). The last five columns were added
after the others, so scripts that index columns by position keep working.
After them come the articles' metadata, a ``meta_<key>`` column per key (``meta_keys``: the
export command passes every key of the project's documents, so exports of one project share
their columns), ``meta_date``, ``meta_outlet``...: the covariates of a comparison of outlets or
periods, empty where a document lacks it; a corpus without metadata writes no such column.
Before them, a ``speaker_<attribute>`` column per speaker attribute the project codes
(``speaker_gender``...): the value coded for the quote's speaker in that document, else the
one the layer codes them with elsewhere in the corpus (``registry.CorpusCodes``, the
rule ``saywho stats`` counts by); empty when not coded; then a ``code_<variable>`` column per
quote variable the project codes (``code_topic``...): the quote's value, empty when not coded.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from annotations.codebook import column, quote_column
from annotations.formats.export_common import (
    DocLayer,
    ExportReport,
    atomic_output,
    quote_annotator,
    speaker_fields,
)
from annotations.metadata import meta_column
from annotations.model import Layer, confidence_of
from annotations.registry import CorpusCodes, speaker_key

CSV_COLUMNS: tuple[str, ...] = (
    "document",
    "quote_id",
    "quote",
    "start",
    "end",
    "parts",
    "type",
    "speaker",
    "speaker_mention",
    "speaker_kind",
    "cue",
    "stance",
    "status",
    "annotator",
    "confidence",
    "note",
    "stance_target",
    "layer",
    "speaker_key",
    "title",
)


def write_csv(
    items: Iterable[DocLayer],
    out: Path,
    *,
    annotator: str | None = None,
    stance_target: str | None = None,
    spreadsheet: bool = False,
    meta_keys: Sequence[str] = (),
    attributes: Sequence[str] = (),
    codes: Callable[[str], CorpusCodes] | None = None,
    variables: Sequence[str] = (),
) -> ExportReport:
    """Write one CSV row per quote of every ``(Document, Layer)``, in reading order, streaming.

    ``annotator`` names the person behind reviewed quotes (default: each layer's name);
    ``stance_target`` fills the ``stance_target`` column. ``spreadsheet``: a text cell that
    starts as a formula would (``=``, ``+``, ``-``, ``@``, a tab or a return: a speaker called
    ``@handle``, a note ``=1+1``) gets a leading ``'``, so Excel or LibreOffice show it rather
    than run it; off by default, because statistics packages read the cell as it is.
    ``meta_keys`` are the metadata columns, in order (``metadata.meta_keys`` of the documents).
    ``attributes`` are the speaker attributes' columns; ``codes`` gives a layer's codes across
    the corpus by its name (asked once per layer), for a speaker a document does not code;
    ``variables`` the quote variables' columns (``code_<name>``: the quote's value).
    """
    corpus: dict[str, CorpusCodes] = {}
    target = stance_target or ""
    docs = quotes = 0
    with atomic_output(Path(out), "w") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS + tuple(map(column, attributes))
                        + tuple(map(quote_column, variables))
                        + tuple(map(meta_column, meta_keys)))
        rows = []
        for doc, layer in items:
            docs += 1
            given = dict(doc.meta)
            extra = tuple(given.get(k, "") for k in meta_keys)
            layer_codes = None
            if codes is not None:  # its codes and its surname links (``speaker_key``)
                layer_codes = corpus.get(layer.name)
                if layer_codes is None:
                    layer_codes = corpus[layer.name] = codes(layer.name)
            for q in layer.sorted_quotes():
                name, mention, kind = speaker_fields(layer, q)
                conf = confidence_of(q)
                coded = _coded(layer, q.speaker_id, name, attributes, layer_codes)
                rows.append(
                    (
                        doc.id,
                        q.id,
                        q.text,
                        q.start,
                        q.end,
                        ";".join(f"{s}-{e}" for s, e in q.parts),
                        q.type,
                        name or "",
                        mention or "",
                        kind or "",
                        q.cue.text if q.cue else "",
                        q.stance or "",
                        q.status,
                        quote_annotator(q, layer, annotator),
                        "" if conf is None else repr(float(conf)),
                        q.note,
                        doc.target or target,
                        layer.name,
                        _key(name, layer_codes),
                        doc.title,
                        *coded,
                        *(q.code(v) or "" for v in variables),
                        *extra,
                    )
                )
            quotes += len(layer.quotes)
            if len(rows) >= 4096:
                writer.writerows(map(_guarded, rows) if spreadsheet else rows)
                rows.clear()
        writer.writerows(map(_guarded, rows) if spreadsheet else rows)
    return ExportReport(docs, quotes, str(out))


def _key(name: str | None, codes: CorpusCodes | None) -> str:
    """The ``speaker_key`` cell: the key the corpus counts the speaker under (a surname
    alone linked to the one full name: ``CorpusCodes.key``), as ``saywho stats`` does."""
    if not name:
        return ""
    key = speaker_key(name)
    return codes.key(key) if codes is not None else key


def _coded(layer: Layer, speaker_id: str | None, name: str | None, attributes: Sequence[str],
           codes: CorpusCodes | None) -> tuple[str, ...]:
    """The ``speaker_<attribute>`` cells of a quote whose speaker is ``speaker_id``."""
    if not attributes:
        return ()
    speaker = layer.speakers.get(speaker_id or "")
    if speaker is None or not name:
        return ("",) * len(attributes)
    key = _key(name, codes)
    return tuple((codes.value(key, a, speaker.attribute(a)) if codes is not None
                  else speaker.attribute(a)) or "" for a in attributes)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _guarded(row: tuple[object, ...]) -> tuple[object, ...]:
    """``row`` with every text cell that a spreadsheet would run as a formula quoted."""
    return tuple("'" + c if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c
                 for c in row)
