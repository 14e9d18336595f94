"""The disagreements between coders' layers as a CSV table, one row per place they differ
(``agreement.Disagreement``), for the meeting where a team settles its codebook.

Columns: ``document``, ``start``, ``end`` (the place, character offsets), ``text`` (what it
covers), ``disagreement`` (``missing``, ``span``, ``speaker``, ``stance``, ``type``, joined with
``;``), ``compared`` (the layers the document has, joined with ``;``: a layer not among them
never coded it), then for each layer its quote's ``<layer>_quote``, ``<layer>_speaker``,
``<layer>_stance`` and ``<layer>_type`` (empty where the layer has no quote there). UTF-8,
RFC 4180 quoting, as the quotes CSV.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotations.agreement import Disagreement

FIELDS = ("quote", "speaker", "stance", "type")
MAX_TEXT = 500  # characters of the place shown in ``text``


def disagreement_columns(names: Sequence[str]) -> list[str]:
    """The header for layers ``names``."""
    return ["document", "start", "end", "text", "disagreement", "compared",
            *(f"{name}_{field}" for name in names for field in FIELDS)]


def disagreement_row(doc_id: str, text: str, found: Disagreement,
                     names: Sequence[str]) -> list[object]:
    """One row: the place, what differs there and each layer's quote."""
    row: list[object] = [doc_id, found.start, found.end, text[found.start : found.end][:MAX_TEXT],
                         ";".join(found.kinds), ";".join(found.quotes)]
    for name in names:
        got = found.quotes.get(name)
        if got is None:
            row.extend([""] * len(FIELDS))
            continue
        quote, speaker = got
        row.extend([quote.text, speaker or "", quote.stance or "", quote.type])
    return row
