"""Sentences and tokens with character offsets, for the token-based exports (CoNLL, WebAnno).

Deliberately simple and dependency-free: a sentence ends at a line break, or after ``.``, ``!``
or ``?`` (and any closing quote marks) followed by white space. Tokens are words (with inner
apostrophes and hyphens), numbers or single punctuation characters. ``tokens`` also splits a
token at every offset in ``cuts`` (annotation boundaries), so every annotation starts and ends
on a token boundary and the token formats can carry it exactly.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection

from annotations.textnav import split_at

_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019\u00bb)\]]*(?=\s)|\n")
_TOKEN = re.compile(r"\w+(?:[-'\u2019.]\w+)*|\S")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, trimmed of surrounding white space, in order; never empty."""
    return split_at(text, _SENT_END)


def tokens(
    text: str, start: int, end: int, cuts: Collection[int] = ()
) -> list[tuple[int, int]]:
    """Token spans of ``text[start:end]``, each split at the offsets in ``cuts`` inside it."""
    sorted_cuts = sorted(cuts) if cuts else []
    out: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text, start, end):
        s, e = m.span()
        if sorted_cuts:
            i = bisect.bisect_right(sorted_cuts, s)
            while i < len(sorted_cuts) and sorted_cuts[i] < e:
                out.append((s, sorted_cuts[i]))
                s = sorted_cuts[i]
                i += 1
        out.append((s, e))
    return out


def annotation_cuts(spans: Collection[tuple[int, int]]) -> set[int]:
    """Every start and end offset of ``spans``: the places a token must be split."""
    cuts: set[int] = set()
    for s, e in spans:
        cuts.add(s)
        cuts.add(e)
    return cuts
