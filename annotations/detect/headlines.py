"""Headline attributions: a short paragraph "Name: what they said" ("Graham: Trump's ..."),
and a title-case headline with a capitalised cue verb ("Hollande Says Trump 'Makes You ...'",
"Another GOP Figure Endorses Hillary Clinton", "Ted Cruz Is Eligible, Board Finds").

Common in political news headlines and subheads; a stop list keeps out labels such as
"READ MORE:" or "Related Reading:".
"""

from __future__ import annotations

import re

from annotations.detect.lexicon import Lexicon
from annotations.detect.mentions import NP, classify
from annotations.detect.quotes import RawQuote, trim
from annotations.text import WORD_RE

HEADLINE_RE = re.compile(r"((?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.'’-]*):\s+(?=\S)")
HEADLINE_STOP = frozenset(
    """read more watch related photo photos video update updated note editor editor's correction
    source credit q a file listen also see opinion analysis exclusive breaking live warning
    spoiler click sign subscribe advertisement story chart map graphic caption earlier relevant
    reading previously next coming inside now top latest recommended trending popular""".split()
)


def headline_quote(
    text: str, s: int, e: int, para: int, sent: int, lex: Lexicon
) -> RawQuote | None:
    """A short headline-like paragraph "Name: what they said" ("Graham: Trump's Rhetoric ...")."""
    if e - s > 160:
        return None
    m = HEADLINE_RE.match(text, s, e)
    if m is None:
        return None
    words = m.group(1).split()
    if any(w.lower().rstrip(":") in HEADLINE_STOP for w in words):
        return None
    qs, qe = trim(text, m.end(), e)
    if qe - qs < 8 or len(text[qs:qe].split()) < 3:
        return None
    ns, ne = m.start(1), m.end(1)
    speaker = NP(ns, ne, text[ns:ne], classify(words, lex))
    colon = text.index(":", ne)
    typ = "direct" if text[m.end()] in "\"“‘'" and text[qe:e].strip()[:1] in "\"”’'" else (
        "indirect")
    return RawQuote([(qs, qe)], typ, (colon, colon + 1, ":"), speaker, para, sent)


TITLE_SKIP = frozenset({"just", "finally", "now", "also", "again", "still", "reportedly", "openly"})


def titlecase_quote(
    text: str, s: int, e: int, para: int, sent: int, lex: Lexicon
) -> RawQuote | None:
    """A title-case headline whose cue verb is capitalised: "X Says Y" / "X Endorses Y" /
    "Y, X Says". The cue must be a speech verb or a verb whose object is its content."""
    if e - s > 160 or "\n" in text[s:e]:
        return None
    words = list(WORD_RE.finditer(text, s, e))
    if not 4 <= len(words) <= 20:
        return None
    caps = sum(1 for w in words if w.group()[0].isupper() or w.group()[0].isdigit())
    if caps < 0.75 * len(words):
        return None  # not title case: the sentence finder reads it
    for n, w in enumerate(words[1:], 1):
        low = w.group().lower()
        lemma = lex.cue_lemma.get(low)
        if lemma is None or not low.endswith("s") or low == lemma or not (
                lex.is_strong(low) or lemma in lex.object_cues):
            continue  # "Says", "Endorses": present tense, the headline's verb
        first = n
        while first > 1 and words[first - 1].group().lower() in TITLE_SKIP:
            first -= 1
        comma = text.rfind(",", s, w.start())
        if n == len(words) - 1 or text[w.end():e].strip(" .!?\"”’'") == "":
            if comma < 0:  # "Y, X Says." with no comma: not a headline attribution
                return None
            qs, qe = trim(text, s, comma)
            ns, ne = trim(text, comma + 1, words[first - 1].end())
        else:
            ns, ne = trim(text, s if comma < 0 else comma + 1, words[first - 1].end())
            qs, qe = trim(text, w.end(), e)
        if qe - qs < 3 or ne <= ns:
            return None
        speaker = NP(ns, ne, text[ns:ne], classify(text[ns:ne].split(), lex))
        typ = "mixed" if any(c in text[qs - 1 : qe + 1] for c in "\"“”‘") else "indirect"
        return RawQuote([(qs, qe)], typ, (w.start(), w.end(), lemma), speaker, para, sent)
    return None
