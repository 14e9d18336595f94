"""Attribution of quotes that have no speaker phrase of their own.

A quoted passage with no cue takes the speaker of the nearest quote in the same paragraph
(before it, else after it), else of the last quote in the previous two paragraphs: the way
news writing continues a speaker's quotes ("..." he said. "...").
"""

from __future__ import annotations

from annotations.detect.quotes import RawQuote


def inherit_speakers(quotes: list[RawQuote]) -> dict[int, int]:
    """Map index of each speaker-less quote to the index of the quote it inherits from."""
    paras = [q.paragraph for q in quotes]
    if any(a > b for a, b in zip(paras, paras[1:], strict=False)):
        return _inherit_by_scan(quotes)
    out: dict[int, int] = {}
    # quotes come in reading order, so a paragraph's quotes are one run: the nearest earlier
    # quote with a speaker (or an inherited one) and the next one with a speaker are kept as
    # the list is walked, instead of being searched for from every quote
    next_named: list[int | None] = [None] * len(quotes)
    following = None
    for i in range(len(quotes) - 1, -1, -1):
        next_named[i] = following
        if quotes[i].speaker is not None:
            following = i
    last_known = None  # the last quote so far with a speaker or an inherited one
    for i, q in enumerate(quotes):
        if q.speaker is not None or not q.inherit:
            if q.speaker is not None:
                last_known = i
            continue
        src = None
        if last_known is not None and quotes[last_known].paragraph >= q.paragraph - 2:
            src = out.get(last_known, last_known)
        if src is None or quotes[src].paragraph != q.paragraph:
            j = next_named[i]
            if j is not None and quotes[j].paragraph == q.paragraph:
                src = j
        if src is not None:
            out[i] = src
            last_known = i
    return out


def _inherit_by_scan(quotes: list[RawQuote]) -> dict[int, int]:
    """``inherit_speakers`` for quotes whose paragraphs are not in order: a search from each."""
    out: dict[int, int] = {}
    for i, q in enumerate(quotes):
        if q.speaker is not None or not q.inherit:
            continue
        src = None
        for j in range(i - 1, -1, -1):
            p = quotes[j]
            if p.paragraph < q.paragraph - 2:
                break
            if p.paragraph == q.paragraph and (p.speaker is not None or j in out):
                src = out.get(j, j)
                break
            if p.paragraph < q.paragraph and (p.speaker is not None or j in out):
                src = out.get(j, j)
                break
        if src is None or quotes[src].paragraph != q.paragraph:
            for j in range(i + 1, len(quotes)):
                p = quotes[j]
                if p.paragraph != q.paragraph:
                    break
                if p.speaker is not None:
                    src = j
                    break
        if src is not None:
            out[i] = src
    return out
