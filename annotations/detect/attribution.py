"""Attribution of quotes that have no speaker phrase of their own.

A quoted passage with no cue takes the speaker of the nearest quote in the same paragraph
(before it, else after it), else of the last quote in the previous two paragraphs: the way
news writing continues a speaker's quotes ("..." he said. "...").
"""

from __future__ import annotations

from annotations.detect.quotes import RawQuote


def inherit_speakers(quotes: list[RawQuote]) -> dict[int, int]:
    """Map index of each speaker-less quote to the index of the quote it inherits from."""
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
