"""Headline attributions: a short paragraph "Name: what they said" ("Graham: Trump's ..."),
and a title-case headline with a capitalised cue verb ("Hollande Says Trump 'Makes You ...'",
"Another GOP Figure Endorses Hillary Clinton", "Ted Cruz Is Eligible, Board Finds").

Common in political news headlines and subheads; a stop list keeps out labels such as
"READ MORE:" or "Related Reading:". The phrase before the colon or the cue must read as a
speaker: a name, a role or a source ("Poll:"), not a title-case phrase ("Stealth Over Health:",
"The Ninth Circle:") holding function words, nor a noun the article itself writes in lower case
("Obama Power Plant Rules Face Key Test" when the body speaks of "power plant rules").

Also here, the other paragraph shapes that are about who speaks rather than a sentence: bylines
and credit lines ("By Jo Li, Staff Writer", "Reporting by ...": their names never become
speakers or mentions, ``speaker_names``) and pull quotes ("... what they said. Jo Li").
"""

from __future__ import annotations

import re
from functools import lru_cache

from annotations.detect.lexicon import Lexicon, wordset
from annotations.detect.mentions import NOT_NAMES, NP, classify, find_names
from annotations.detect.quotes import RawQuote, trim
from annotations.text import WORD_RE, abbreviation_before, paragraphs

HEADLINE_RE = re.compile(r"((?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.'’-]*):\s+(?=\S)")
HEADLINE_STOP = frozenset(
    """read more watch related photo photos video update updated note editor editor's correction
    source credit q a file listen also see opinion analysis exclusive breaking live warning
    spoiler click sign subscribe advertisement story chart map graphic caption earlier relevant
    reading previously next coming inside now top latest recommended trending popular explainer
    timeline factbox commentary editorial interview review obituary quiz podcast newsletter
    transcript recap highlights preview roundup perspective viewpoint contributing contributors
    contributor reporting editing writing written posted published filed by credit credits
    additional photographer photography illustration image images""".split()
)
# title-case words that no speaker phrase holds: prepositions, verbs, pronouns, question words
FUNCTION_WORDS = wordset(
    """over under against without into onto beyond behind between amid amidst after before above
    below versus vs vs. is are was were be been will would can could should may might must has
    have had do does did not no why how what when where who whom whose which this that these those
    it it's its our my your their his her we you they i he she or but if so yet than as at in on
    to by from with about up down out off near like via per all more most some every each"""
)
ARTICLES = frozenset({"the", "a", "an"})


BYLINE_LEAD_RE = re.compile(
    r"(?i:(?:written|story|reporting|reported|words|text|photos?|video|analysis|commentary"
    r"|opinion|posted)\s+)?(?i:by)\s+(?=[A-Z])"
)
# lower-case words a byline may hold ("By Jo Li, staff writer", "Special to the Star")
CREDIT_WORDS = wordset(
    """and of the for to at in with by staff writer writers reporter reporters correspondent
    correspondents contributor contributing special editor editors columnist news wire service
    services senior chief political national foreign bureau"""
)
# words after a comma or bar that make "Jo Li, Staff Writer" / "Jo Li | Reuters" a byline
CREDIT_MARKS = CREDIT_WORDS - {"and", "of", "the", "for", "to", "at", "in", "with", "by"} | wordset(
    "press associated reuters agence afp ap cp upi times post journal herald star tribune globe "
    "gazette ledger daily telegraph guardian chronicle"
)
BYLINE_SEP_RE = re.compile(r"\s*[,|•·—–]\s*")


def is_byline(text: str, s: int, e: int, lex: Lexicon) -> bool:
    """Whether the paragraph ``text[s:e]`` is a byline or credit line: "By Jo Li", "By JO LI,
    Associated Press", "Reporting by Jo Li; Editing by Al Roe", "Jo Li, Staff Writer",
    "Jo Li | Daily Ledger". Its words are names and credit words only, with no cue verb."""
    if e - s > 120 or "\n" in text[s:e]:
        return False
    lead = BYLINE_LEAD_RE.match(text, s, e)
    words = WORD_RE.findall(text, lead.end() if lead else s, e)
    if not words or len(words) > 14:
        return False
    for w in words:
        low = w.lower()
        if low in CREDIT_WORDS or low in CREDIT_MARKS:
            continue
        if w[:1].islower() or low in lex.cue_lemma:
            return False
    if lead:
        return True
    sep = BYLINE_SEP_RE.search(text, s, e)
    if sep is None or sep.start() == s:
        return False
    name = WORD_RE.findall(text, s, sep.start())
    tail = [w.lower() for w in WORD_RE.findall(text, sep.end(), e)]
    return 2 <= len(name) <= 4 and any(w in CREDIT_MARKS for w in tail)


def bylines(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """The byline and credit paragraphs among the first four and the last three."""
    paras = paragraphs(text)
    ends = paras[:4] + paras[max(4, len(paras) - 3) :]
    return [(s, e) for s, e in ends if is_byline(text, s, e, lex)]


def speaker_names(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """``find_names(text)`` without the names of bylines and credit lines: a reporter's name
    never becomes a speaker's name or mention."""
    names = find_names(text)
    spans = bylines(text, lex)
    if not spans:
        return names
    return [(s, e) for s, e in names if not any(bs <= s and e <= be for bs, be in spans)]


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
    if not speaker_like(text, ns, ne, s, e, lex):
        return None
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
        if qe - qs < 3 or ne <= ns or not speaker_like(text, ns, ne, s, e, lex):
            return None
        speaker = NP(ns, ne, text[ns:ne], classify(text[ns:ne].split(), lex))
        typ = "mixed" if any(c in text[qs - 1 : qe + 1] for c in "\"“”‘") else "indirect"
        return RawQuote([(qs, qe)], typ, (w.start(), w.end(), lemma), speaker, para, sent)
    return None


def speaker_like(text: str, ns: int, ne: int, s: int, e: int, lex: Lexicon) -> bool:
    """Whether the headline phrase ``text[ns:ne]`` (of the headline ``text[s:e]``) reads as a
    speaker. A role, an organisation word or a source noun as its head always does ("Former
    Mayor", "Poll"); otherwise it holds no function word, no article and no possessive, and the
    article does not write its head word in lower case only (then it is a common noun)."""
    words = text[ns:ne].split()
    if not words:
        return False
    low = [w.lower().strip(".,;:’'\"“”") for w in words]
    head = low[-1]
    role = head in lex.noun_kind or head in lex.org_words or head in lex.titles
    if any(w in FUNCTION_WORDS for w in low):
        return False
    if any(w in ARTICLES for w in low[1:]) or (low[0] in ARTICLES and not role):
        return False  # "The Ninth Circle", "A Curious Plan"
    if not role and any(w.endswith(("’s", "'s", "s’", "s'")) for w in words[:-1]):
        return False  # "Trump’s Wall"
    if role or not head.isalpha():
        return True
    return not _common_noun(text, head, s, e)


def _common_noun(text: str, word: str, s: int, e: int) -> bool:
    """The article writes ``word`` in lower case outside ``text[s:e]`` and never capitalised
    inside a sentence there."""
    lower, inner = _word_uses(text, word)
    return _outside(lower, s, e) and not _outside(inner, s, e)


def _outside(positions: tuple[int, ...], s: int, e: int) -> bool:
    """Whether some offset of the sorted ``positions`` lies outside ``[s, e)``."""
    return bool(positions) and (positions[0] < s or positions[-1] >= e)


USES_PER_TEXT = 20  # words looked up per text at most (a text of many headlines stays linear)


@lru_cache(maxsize=2)
def _uses_of(text: str) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """The words looked up so far in ``text`` (see ``_word_uses``)."""
    return {}


def _word_uses(text: str, word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Offsets of ``word`` (lower case; or its plural) in ``text``: written in lower case, and
    capitalised after a word or a comma (inside a sentence, not opening one). Nothing is found
    past ``USES_PER_TEXT`` different words."""
    known = _uses_of(text)
    if word in known or len(known) >= USES_PER_TEXT:
        return known.get(word, ((), ()))
    lower, inner = [], []
    for m in re.finditer(r"\b" + re.escape(word) + r"(?:e?s)?\b", text, re.IGNORECASE):
        at = m.start()
        if text[at].islower():
            lower.append(at)
            continue
        p = at - 1
        while p >= 0 and text[p] in " \t\u00a0":
            p -= 1
        if p >= 0 and (text[p].isalnum() or text[p] in ",;-" or text[p] == "."
                       and abbreviation_before(text, p) is not None):
            inner.append(at)  # "pollster Pat Caddell", "Ms. Plaza"
    known[word] = (tuple(lower), tuple(inner))
    return known[word]


# the end of a pull quote: a sentence's last mark, then a name of two or three words
PULL_QUOTE_RE = re.compile(
    r"[.!?…][\"”’']?[^\S\n]+(?P<name>[A-Z][\w’'-]+(?:[^\S\n]+[A-Z][\w’'-]+){1,2})\.?[^\S\n]*$"
)


def pull_quote(
    text: str, s: int, e: int, para: int, sent: int, lex: Lexicon
) -> RawQuote | None:
    """A pull quote: a paragraph of what someone said followed by their name alone ("I'm still
    thankful for what it's brought me. Morgan McNeely."), the way news sites set quotes apart.
    The name must be a person's, named elsewhere in the article too, and the words before it
    must end a sentence (not "Gov. Jo Li.") of at least six words."""
    if e - s > 600 or not (text[e - 1].isalpha() or text[e - 1] == "."):
        return None
    m = PULL_QUOTE_RE.search(text, max(s, e - 120), e)
    if m is None or "\n" in text[s:e]:
        return None
    bs, be = s, m.start("name")
    while text[be - 1].isspace():
        be -= 1
    end = be - 1
    while end > bs and text[end] in "\"”’'":
        end -= 1
    if text[end] == "." and abbreviation_before(text, end) is not None:
        return None  # "... said Florida Sen. Marco Rubio."
    ns, ne = m.span("name")
    words = text[ns:ne].split()
    low = [w.lower() for w in words]
    if any(w in NOT_NAMES or w in FUNCTION_WORDS or w in lex.org_words or w in lex.titles
           or w in lex.noun_kind or w in lex.cue_lemma for w in low):
        return None
    if not _named_elsewhere(text, words[-1], s, e):
        return None
    qs, qe = trim(text, bs, be)
    if len(WORD_RE.findall(text, qs, qe)) < 6:
        return None
    speaker = NP(ns, ne, text[ns:ne], "person")
    return RawQuote([(qs, qe)], "direct", None, speaker, para, sent)


def _named_elsewhere(text: str, word: str, s: int, e: int) -> bool:
    """Whether ``word`` (a capitalised name) occurs in ``text`` outside ``[s, e)``."""
    at = text.find(word)
    while at != -1:
        if not s <= at < e and (at == 0 or not text[at - 1].isalnum()) and not text[
                at + len(word) : at + len(word) + 1].isalnum():
            return True
        at = text.find(word, e if s <= at < e else at + 1)
    return False
