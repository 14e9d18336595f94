"""The disagreements between coders' layers as a CSV table, one row per place they differ
(``agreement.Disagreement``), for the meeting where a team settles its codebook.

Columns: ``document``, ``start``, ``end`` (the place, character offsets), ``text`` (what it
covers), ``disagreement`` (``missing``, ``span``, ``speaker``, ``stance``, ``type``, a quote
variable coded differently: ``topic``…, or for a person coded differently ``speaker gender``
and the like, joined with ``;``), ``compared`` (the layers the document has, joined with
``;``: a layer not among them never coded it), then for each layer its quote's
``<layer>_quote``, ``<layer>_speaker``, ``<layer>_stance`` and ``<layer>_type`` (empty where
the layer has no quote there), per speaker attribute ``<layer>_speaker_<name>`` and per quote
variable ``<layer>_code_<name>`` (its quote's code; empty: not coded, or no quote there). A
speaker attribute row (one per person of a document the layers code differently, the units
of the attribute alpha) is at the person's first quote and gives each layer's name for them
and its value of each attribute (empty: not coded, or not named there), its quote columns
empty. UTF-8, RFC 4180 quoting, as the quotes CSV.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotations.agreement import Disagreement
from annotations.codebook import column, quote_column

FIELDS = ("quote", "speaker", "stance", "type")
MAX_TEXT = 500  # characters of the place shown in ``text``


def disagreement_columns(names: Sequence[str], attributes: Sequence[str] = (),
                         variables: Sequence[str] = ()) -> list[str]:
    """The header for layers ``names``, speaker attributes ``attributes`` and quote
    variables ``variables``."""
    return ["document", "start", "end", "text", "disagreement", "compared",
            *(f"{name}_{field}" for name in names
              for field in (*FIELDS, *map(column, attributes), *map(quote_column, variables)))]


def disagreement_row(doc_id: str, text: str, found: Disagreement,
                     names: Sequence[str], attributes: Sequence[str] = (),
                     variables: Sequence[str] = ()) -> list[object]:
    """One row: the place, what differs there and each layer's quote (or, for a person
    coded differently, each layer's coding of them)."""
    compared = found.speakers or found.quotes
    row: list[object] = [doc_id, found.start, found.end, text[found.start : found.end][:MAX_TEXT],
                         ";".join(found.kinds), ";".join(compared)]
    for name in names:
        got, person = found.quotes.get(name), found.speakers.get(name)
        if got is not None:
            quote, speaker = got
            row.extend([quote.text, speaker or "", quote.stance or "", quote.type])
        elif person is not None:
            row.extend(["", person.name, "", ""])
        else:
            row.extend([""] * len(FIELDS))
        row.extend(person.values.get(a, "") if person is not None else "" for a in attributes)
        row.extend(got[0].code(v) or "" if got is not None else "" for v in variables)
    return row
