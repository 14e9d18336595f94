"""Segmentation with character offsets: paragraphs, tokens and quote-aware sentences.

Paragraphs are the text's non-blank lines. Sentences never break inside a paired quotation
(``protected`` spans), after a known abbreviation, or after a lone initial.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from annotations.detect.lexicon import wordset

PARA_RE = re.compile(r"[^\n]+")
TOKEN_RE = re.compile(r"\w+(?:[’'.\-]\w+)*\.?|[^\w\s]", re.UNICODE)
WORD_RE = re.compile(r"\w+(?:[’'\-]\w+)*", re.UNICODE)
# candidate sentence ends: terminal punctuation, optional closing marks, then space
END_RE = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s)")
ABBREVIATIONS = wordset(
    """mr mrs ms dr prof sen rep gov lt gen col sgt capt maj adm rev st jr sr inc ltd co corp no vs
    etc jan feb mar apr jun jul aug sep sept oct nov dec mt ft u.s u.k e.g i.e a.m p.m approx
    dept est fig al ave blvd"""
)

SENTENCE_STARTERS = wordset(
    """the a an but and in on at he she it they we i this that these those his her their its our
    there here when while if as after before since so for with by to from what who how why where
    however meanwhile still yet also then now"""
)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each non-blank line, whitespace trimmed."""
    out = []
    for m in PARA_RE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Word and punctuation tokens of ``text[start:end]`` as absolute (start, end).

    A final period stays on abbreviations, initials and dotted acronyms ("Mr.", "J.", "U.S.")
    and is split off otherwise.
    """
    end = len(text) if end is None else end
    spans = [m.span() for m in TOKEN_RE.finditer(text, start, end)]
    if "." not in text[start:end]:
        return spans
    out = []
    for s, e in spans:
        if e - s > 1 and text[e - 1] == ".":
            core = text[s : e - 1]
            if not (len(core) == 1 or "." in core or core.lower() in ABBREVIATIONS):
                out.append((s, e - 1))
                out.append((e - 1, e))
                continue
        out.append((s, e))
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at ``dot`` ends an abbreviation or an initial rather than a sentence."""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
        return True
    if len(word) == 1 and text[j].isupper():
        return True  # an initial: "J. Smith"
    return "." in word and len(word) <= 6  # "U.S.", "D.C."


def sentences(
    text: str,
    start: int,
    end: int,
    protected: Sequence[tuple[int, int]] = (),
    attribution: re.Pattern[str] | None = None,
) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences; no break falls strictly inside ``protected``.

    ``attribution`` matches a short attribution clause ("Lincicome asked."): a quotation ending
    in ?/!/. followed by such a clause stays in one sentence with it.
    """
    starts = [s for s, _ in protected]
    out = []
    cur = start
    for m in END_RE.finditer(text, start, end):
        cut = m.end()
        if cut <= cur or cut >= end:
            continue
        i = bisect.bisect_right(starts, cut - 1) - 1
        if i >= 0 and protected[i][0] < cut - 1 and cut < protected[i][1]:
            continue
        punct = text[m.start()]
        if punct == "." and m.end() - m.start() == 1 and _is_abbreviation(text, m.start()):
            nxt = cut
            while nxt < end and text[nxt].isspace():
                nxt += 1
            # "U.S. officials" continues; "in the U.S. The" may end: only break before a
            # capitalised word that is not a name-like continuation after a title.
            nxt_word = text[nxt : nxt + 12].split(" ", 1)[0].lower()
            if not (nxt < end and text[nxt].isupper() and nxt_word in SENTENCE_STARTERS
                    and text[m.start() - 1].isupper()):
                continue
        nxt = cut
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt < end and (text[nxt].islower() or text[nxt] in ",;:"):
            continue
        if (attribution is not None and text[cut - 1] in "\"”»’'"
                and attribution.match(text, nxt, end)):
            continue
        out.append((cur, cut))
        cur = nxt
    if cur < end:
        out.append((cur, end))
    return out
