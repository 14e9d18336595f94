"""Headline attributions: a short paragraph "Name: what they said" ("Graham: Trump's ...").

Common in political news headlines and subheads; a stop list keeps out labels such as
"READ MORE:" or "Related Reading:".
"""

from __future__ import annotations

import re

from annotations.detect.lexicon import Lexicon
from annotations.detect.mentions import NP, classify
from annotations.detect.quotes import RawQuote, trim

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
