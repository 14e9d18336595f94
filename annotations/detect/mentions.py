"""Speaker mentions: the noun phrase before or after a cue, named mentions, and their kind.

Works on a token list (``(start, end)`` offsets) of one sentence. ``subject_before`` walks left
from a cue over auxiliaries, adverbs, catenative verbs ("continued to", "is expected to"), an
appositive and a place adjunct ("Trump in his speech") to the speaker phrase;
``subject_after`` reads an inverted speaker ("..., said Jorge Field, the ..."). ``find_names``
lists capitalised name mentions across a text for alias clustering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotations.detect.lexicon import Lexicon, wordset

AUX = wordset(
    """has have had also would will could may might should did does do is was were are be been not
    never later previously then again recently further repeatedly once already publicly
    reportedly allegedly often frequently still now just even only first last n't had has once
    ultimately all both long"""
)
STOP = wordset(
    """that which who whom whose and but or nor when while because as if after before since so with
    by to in on at from for into than where what how why whether though although unless until
    about over under between against during without within via per is was were are be been being
    has have had do does did not this these those there here it's its said says also according"""
)
DETERMINERS = wordset(
    """the a an some many several most few other two three four five six seven eight nine ten his
    her their its our my your one both all any each another more"""
)
TIME_WORDS = wordset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tonight on last
    this week weekend month year morning afternoon evening night earlier later recently
    previously again also then once in an a statement interview email e-mail conference news
    release tweet post video letter speech press briefing at the during"""
)
NOT_NAMES = wordset(
    """the a an but and or in on at he she it they we i you this that these those his her their its
    our my your there here when while if as after before since so for with by to from of what
    who how why where monday tuesday wednesday thursday friday saturday sunday january february
    march april june july august september october november december yet still however meanwhile
    also then now today yesterday both all some many most one two three mr mrs ms dr story
    continues below advertisement perhaps maybe please seriously instead indeed certainly probably
    often sometimes finally recently earlier later keeps"""
)
PRONOUN_KIND = {
    "he": "person", "she": "person", "i": "person", "they": "group", "we": "group",
    "it": "organization", "you": "unknown",
}
TAIL_TIME = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
     "yesterday", "tonight", "morning", "afternoon", "evening", "night", "earlier", "later"}
)
TIME_NAMES = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
     "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "morning", "afternoon", "evening", "night", "week", "month", "year"}
)
YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
LEADING_ADVERBS = frozenset(
    {"but", "and", "so", "yet", "then", "still", "now", "later", "earlier", "meanwhile",
     "however", "perhaps", "maybe", "instead", "indeed", "finally", "recently", "today",
     "yesterday", "also", "again", "moreover", "furthermore", "separately", "similarly"}
)
NUMBERS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands million millions dozen dozens percent""".split()
)
QUANTIFIERS = frozenset({"percent", "half", "majority", "majorities", "third", "thirds",
                         "quarter", "quarters", "most", "others", "plurality", "%"})
BE_FORMS = frozenset({"was", "were", "been", "is", "are", "be", "being"})
PRONOUN_AUX_RE = re.compile(r"(\w+)[’'](?:s|re|ve|d|ll)", re.IGNORECASE)
ARTICLES = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "my", "your"})
# verbs that take the cue as an infinitive: the subject is the speaker ("X continued to argue")
CATENATIVES = wordset(
    """continue continues continued begin begins began try tries tried seem seems seemed appear
    appears appeared want wants wanted need needs needed used going expected likely set able
    decide decides decided hope hopes hoped plan plans planned intend
    intends intended promise promises promised vow vows vowed pledge pledges pledged threaten
    threatens threatened seek seeks sought went goes go got get gets"""
)


@dataclass(frozen=True, slots=True)
class NP:
    """A speaker phrase: offsets, text and a guessed kind (person/organization/group/unknown)."""

    start: int
    end: int
    text: str
    kind: str
    pronoun: bool = False


def _low(text: str, tok: tuple[int, int]) -> str:
    return text[tok[0] : tok[1]].lower()


def classify(words: list[str], lex: Lexicon) -> str:
    """Kind of a phrase from its words (original case)."""
    if not words:
        return "unknown"
    low = [w.lower().rstrip(".") for w in words]
    head = low[-1]
    if len(low) == 1 and head in PRONOUN_KIND:
        return PRONOUN_KIND[head]
    if any(w in lex.org_words for w in low) or (words[-1].isupper() and len(words[-1]) >= 2):
        return "organization"
    kind = lex.noun_kind.get(head)
    if kind:
        return kind
    if words[-1][:1].isupper():
        return "person"
    return "unknown"


def _trim(text: str, toks: list[tuple[int, int]], lex: Lexicon) -> NP | None:
    # drop a leading "But"/"And"/adverb and trailing possessive junk
    while toks and _low(text, toks[0]) in LEADING_ADVERBS:
        toks = toks[1:]
    if not toks:
        return None
    head = text[toks[-1][0] : toks[-1][1]]
    hl = head.lower()
    words = [text[s:e] for s, e in toks]
    if len(toks) == 1 and hl in lex.pronouns["subject"]:
        return NP(toks[0][0], toks[0][1], head, PRONOUN_KIND.get(hl, "unknown"), True)
    if len(toks) == 1 and hl in {"some", "many", "several"}:
        return NP(toks[0][0], toks[0][1], head, "group")  # "Some have suggested that ..."
    if hl in STOP or hl in DETERMINERS or hl in lex.pronouns["subject"]:
        return None
    if hl in QUANTIFIERS or hl.isdigit() and len(words) >= 3 and words[-2].lower() == "in":
        s, e = toks[0][0], toks[-1][1]
        return NP(s, e, text[s:e], "group")  # "A mere 9 percent say", "six in 10 said"
    if hl.endswith(("’s", "'s", "s’", "s'")) or hl[:1].isdigit() or hl.split("-")[-1] in NUMBERS:
        return None
    det = (words[0].lower() in DETERMINERS or words[0].endswith(("’s", "'s"))) and len(words) <= 5
    if not (head[:1].isupper() or hl in lex.noun_kind or hl.rstrip("s") in lex.noun_kind
            or (det and len(words) >= 2 and hl.isalpha()) or _name_inside(head)
            or _role_plural(hl)):
        return None
    if head[:1].isupper() and hl in NOT_NAMES and not (head.isupper() and len(words) >= 2):
        return None  # ... but "USA TODAY" is a name
    s, e = toks[0][0], toks[-1][1]
    return NP(s, e, text[s:e], classify(words, lex))


ROLE_SUFFIXES = ("ists", "ians", "ants", "ents", "ers", "ors", "eers", "ives")


def _name_inside(word: str) -> bool:
    """A name with a lowercase particle or prefix ("al-Shabaab", "de Blasio", "eBay")."""
    return word[:1].islower() and any(c.isupper() for c in word[1:])


def _role_plural(low: str) -> bool:
    """A plural noun of people by its suffix ("specialists", "participants", "organizers")."""
    return len(low) > 5 and low.isalpha() and low.endswith(ROLE_SUFFIXES)


class TokenMemo:
    """What ``subject_before`` and ``subject_after`` learn about one token list, reused by the
    next call on the same list: a sentence with many cue verbs walks each stretch once."""

    __slots__ = ("before", "walk", "skip")

    def __init__(self) -> None:
        self.before: dict[tuple[int, int], tuple[NP | None, int]] = {}
        self.walk: dict[tuple[int, int], tuple[int, bool]] = {}
        self.skip: dict[int, int] = {}


def subject_before(
    text: str, toks: list[tuple[int, int]], i: int, lo: int, lex: Lexicon,
    memo: TokenMemo | None = None,
) -> tuple[NP | None, int]:
    """The speaker phrase ending before token ``i`` (not before token ``lo``).

    Returns the phrase and the index of its first token (``i`` when none was found).
    ``memo`` (one per token list) makes repeated calls on the same sentence cheap.
    """
    memo = memo if memo is not None else TokenMemo()
    levels: list[tuple[int, int, int]] = []  # calls waiting for the name before an adjunct
    cur = i
    while True:
        known = memo.before.get((cur, lo))
        if known is not None:
            result = known
            break
        step = _subject_before_once(text, toks, cur, lo, lex, memo)
        if isinstance(step[0], int):
            levels.append((cur, step[0], step[1]))  # recurse at j, fall back on (j, end)
            cur = step[0]
            continue
        result = step  # type: ignore[assignment]
        memo.before[(cur, lo)] = result
        break
    for at, j, end in reversed(levels):
        named, b = result
        if not (named is not None and not named.pronoun and named.kind != "unknown"):
            np = _trim(text, toks[j + 1 : end + 1], lex)
            result = (np, j + 1 if np else at)
        memo.before[(at, lo)] = result
    return result


def _aux_walk(
    text: str, toks: list[tuple[int, int]], j: int, lo: int, memo: TokenMemo
) -> tuple[int, bool]:
    """Walk left from token ``j`` over auxiliaries, adverbs and catenative verbs ("continued
    to"): the token where the walk stops, and whether a form of "be" was passed before the
    first catenative (a passive, unless the cue is a participle)."""
    if j < lo:
        return j, False
    w = _low(text, toks[j])
    if w != "to" and not (w in AUX or w.endswith("ly") and text[toks[j][0]].islower()):
        return j, False  # the usual case: nothing to walk over
    path: list[tuple[int, bool]] = []  # (token, "be" passed there)
    chain_at: set[int] = set()
    while True:
        if j < lo:
            result = (j, False)
            break
        known = memo.walk.get((j, lo))
        if known is not None:
            result = known
            break
        w = _low(text, toks[j])
        if w == "to" and j - 1 >= lo and _low(text, toks[j - 1]) in CATENATIVES:
            path.append((j, False))
            chain_at.add(j)
            j -= 2  # "she continued to suggest", "he is expected to announce"
            continue
        if w == "to" and j - 2 >= lo and _low(text, toks[j - 1]) == "on" and _low(
                text, toks[j - 2]) in {"went", "goes", "go", "going"}:
            path.append((j, False))
            chain_at.add(j)
            j -= 3  # "D'Souza went on to explain"
            continue
        if not (w in AUX or w.endswith("ly") and text[toks[j][0]].islower()):
            result = (j, False)
            memo.walk[(j, lo)] = result
            break
        path.append((j, w in BE_FORMS))
        j -= 1
    end, passive = result
    for at, be in reversed(path):
        passive = False if at in chain_at else (be or passive)
        memo.walk[(at, lo)] = (end, passive)
    return end, passive


def _subject_before_once(
    text: str, toks: list[tuple[int, int]], i: int, lo: int, lex: Lexicon, memo: TokenMemo
) -> tuple[NP | None, int] | tuple[int, int]:
    """One level of ``subject_before``: its result, or ``(j, end)`` when the answer is the
    name before an adjunct at token ``j`` ("Trump in his speech said"), found by the same
    search from ``j``, else the phrase ``toks[j + 1 : end + 1]``."""
    cue_word = _low(text, toks[i]) if i < len(toks) else ""
    j, be_passed = _aux_walk(text, toks, i - 1, lo, memo)
    if be_passed and not cue_word.endswith("ing"):
        return None, i
    if j >= lo:
        fused = PRONOUN_AUX_RE.fullmatch(text, toks[j][0], toks[j][1])
        if fused is not None and fused.group(1).lower() in lex.pronouns["subject"]:
            # "she’s expected to argue": the pronoun fused with its auxiliary
            s, e = toks[j][0], toks[j][0] + len(fused.group(1))
            return NP(s, e, text[s:e], PRONOUN_KIND.get(text[s:e].lower(), "unknown"), True), j
    if (j - 2 >= lo and _low(text, toks[j]) in {"morning", "afternoon", "evening", "night"}
            and _low(text, toks[j - 1]) in TIME_NAMES and _low(text, toks[j - 2]) == "on"):
        j -= 1  # "Sean Spicer on Thursday evening said"
    while j - 1 >= lo and _low(text, toks[j]) in TIME_NAMES and _low(text, toks[j - 1]) in {
            "on", "in", "last", "this", "early", "late"}:
        j -= 2  # "Sanders on Tuesday said"
    if j - 1 >= lo and YEAR_RE.fullmatch(_low(text, toks[j])) and _low(text, toks[j - 1]) in {
            "in", "from", "of"}:
        j -= 2  # "another Pew study from 2011 noted"
    if j >= lo and text[toks[j][0]] in "—–-" and j - 1 >= lo:
        # "Kall -- co-editor of Debating The Donald -- said"
        k = j - 1
        while k >= lo and text[toks[k][0]] == "-":
            k -= 1
        m = k
        while m >= lo and k - m < 40 and text[toks[m][0]] not in "—–-\"“”.":
            m -= 1
        if m >= lo and text[toks[m][0]] in "—–-" and m < k:
            j = m - 1
            while j >= lo and text[toks[j][0]] == "-":
                j -= 1
    if j >= lo and text[toks[j][0]] == ")":
        # "Gov. Pat McCrory (R) said"
        k = j - 1
        while k >= lo and k > j - 8 and text[toks[k][0]] != "(":
            k -= 1
        if k >= lo and text[toks[k][0]] == "(":
            j = k - 1
    if j >= lo and _low(text, toks[j]) in {"who", "which"}:
        # "Ted Cruz endorses Trump, who says ..." / "veteran MPs who say ..."
        j -= 1
        if j >= lo and text[toks[j][0]] == ",":
            j -= 1
        if j < lo or not text[toks[j][0]].isalnum():
            return None, i
    elif (j - 2 >= lo and text[toks[j][0]] == "," and text[toks[j - 2][0]] == ","
          and PARTY_STATE_RE.fullmatch(text, toks[j - 1][0], toks[j - 1][1])):
        j -= 3  # "Rep. Chris Collins, R-NY, says"
    elif j >= lo and text[toks[j][0]] == ",":
        named = _name_appositive(text, toks, j, lo)
        if named is not None:
            np = _trim(text, toks[named : j], lex)
            if np is not None and np.kind in ("person", "unknown"):
                return np, named
        j = _skip_appositives(text, toks, j, lo, lex)
        if j < lo:
            return None, i
    end = j
    words = 0
    while j >= lo and words < 9:
        tok = toks[j]
        w = _low(text, tok)
        ch = text[tok[0]]
        if not (ch.isalnum()):
            if w in {"-", "&"} and words or w == "%" and not words:
                j -= 1
                continue
            if w in {"’", "'"} and words and _plural_possessive(text, toks, j, lo):
                j -= 1  # "Sanders’ aides say": a plural or -s name's possessive
                continue
            break
        if (w in STOP and w not in {"and", "of", "for"}) or w.endswith(("n't", "n’t")):
            break
        if w in {"and", "of", "for"}:
            # only inside names: "Immigration and Customs Enforcement", "Court of Ontario"
            inside_name = (j - 1 >= lo and text[toks[j - 1][0]].isupper() and words
                           and text[toks[j + 1][0]].isupper())
            role_of = (w in {"of", "for"} and words and j - 1 >= lo
                       and (_low(text, toks[j - 1]).rstrip("s") in lex.noun_kind
                            or _role_plural(_low(text, toks[j - 1]))))
            if not (inside_name or role_of):
                break  # "advocates for stem cell research", "members of the board" pass
        elif (ch.islower() and words and w not in DETERMINERS and w not in lex.titles
              and (w.endswith(("ed", "ing")) or w in lex.cue_lemma or len(w) <= 2)):
            break  # other lowercase modifiers are fine ("longtime Democratic pollster")
        if w in lex.pronouns["subject"] and words:
            break
        words += 1
        if w in {"the", "a", "an"}:
            j -= 1
            break  # an article opens the phrase ("In early November the company")
        if w in lex.pronouns["subject"]:
            j -= 1
            break
        j -= 1
    if end <= j:
        return None, i
    if (j - 1 >= lo and _low(text, toks[j]) in {"in", "at", "during"} and end - j <= 5
            and text[toks[j - 1][0]].isupper() and _low(text, toks[j - 1]) not in NOT_NAMES):
        # "Trump in his announcement speech called ...": the name before the adjunct speaks
        return j, end
    np = _trim(text, toks[j + 1 : end + 1], lex)
    return np, (j + 1 if np else i)


PARTY_STATE_RE = re.compile(r"[RDI]-[A-Z][A-Za-z.]*")  # "Rep. Chris Collins, R-NY, says"


def _appositive_start(text: str, tok: tuple[int, int], lex: Lexicon) -> bool:
    w = text[tok[0] : tok[1]].lower()
    return (w in {"who", "which", "whose", "a", "an", "the", "both", "now", "then"}
            or w[0].isdigit() or text[tok[0]].islower() or w in lex.titles
            or PARTY_STATE_RE.fullmatch(text, tok[0], tok[1]) is not None)


def _role_chunk(text: str, toks: list[tuple[int, int]], a: int, b: int, lex: Lexicon) -> bool:
    """True when tokens a..b-1 hold a role noun ("Alberta-based health education manager")."""
    return any(_low(text, t) in lex.titles or _low(text, t) in lex.noun_kind for t in toks[a:b])


COORDINATORS = frozenset({"and", "but", "or", "so", "yet", "while", "as", "because"})


def _plural_possessive(text: str, toks: list[tuple[int, int]], j: int, lo: int) -> bool:
    """Token ``j`` is an apostrophe closing "-s" possessive ("Sanders’", "the officers'")."""
    if j - 1 < lo or j + 1 >= len(toks):
        return False
    prev = text[toks[j - 1][0] : toks[j - 1][1]]
    return (toks[j - 1][1] == toks[j][0] and toks[j][1] < toks[j + 1][0]
            and prev.endswith("s") and prev.isalpha())


def _name_appositive(text: str, toks: list[tuple[int, int]], j: int, lo: int) -> int | None:
    """Start of a name set off by commas after a role: "the director of EHS, Jeff Fraser, says"."""
    if j - 1 >= lo and PARTY_STATE_RE.fullmatch(text, toks[j - 1][0], toks[j - 1][1]):
        return None
    k = j - 1
    while k >= lo and j - k <= 4 and text[toks[k][0]].isupper():
        k -= 1
    if k == j - 1 or k < lo or text[toks[k][0]] != "," or j - k > 4:
        return None
    if k - 1 < lo or not text[toks[k - 1][0]].isalpha():
        return None
    return k + 1


def _skip_appositives(
    text: str, toks: list[tuple[int, int]], j: int, lo: int, lex: Lexicon
) -> int:
    """From the comma at ``j`` closing an appositive, the index of the token before it.

    Tries the nearest opening comma first, then earlier ones (an appositive may hold commas:
    "Will Young, a mechanic based in Kansas City, Mo., and an organizer, said"). Returns
    ``lo - 1`` when no appositive fits.
    """
    commas = []
    k = j - 1
    depth = 0
    while k >= lo and k > j - 50:
        ch = text[toks[k][0]]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
        elif (ch in ".!?;:" and depth == 0 and toks[k][1] - toks[k][0] == 1
              and not (ch == "." and text[toks[k + 1][0]] == ",")):
            break  # a period before a comma closes an abbreviation ("Kansas City, Mo., and")
        elif ch == "," and depth == 0:
            commas.append(k)
        k -= 1
    for c in reversed(commas):
        if _low(text, toks[c + 1]) in COORDINATORS:
            continue  # "The bill passed, and Jo Li, the sponsor, said": a new clause
        if text[toks[c + 1][0]].isupper() and any(
                c < c2 < j and _appositive_start(text, toks[c2 + 1], lex) for c2 in commas):
            continue  # "Amid the row, Jo Li, the sponsor, said": the name after the comma
        if c + 1 < j and (_appositive_start(text, toks[c + 1], lex)
                          or _role_chunk(text, toks, c + 1, j, lex)):
            b = c - 1
            if b >= lo and text[toks[b][0]].isalnum() and _low(text, toks[b]) not in STOP:
                # the name before the appositive; skip "Kansas City, Mo." style chunks
                before = c - 1
                while before >= lo and text[toks[before][0]].isalnum():
                    before -= 1
                if before < lo or text[toks[before][0]] in ",;:—–\"“”()" or \
                        _low(text, toks[before]) in STOP:
                    return c - 1
    return lo - 1


LEADING_TIME = frozenset(
    {"on", "last", "this", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
     "sunday", "today", "yesterday"}
)


def subject_after(
    text: str, toks: list[tuple[int, int]], i: int, hi: int, lex: Lexicon,
    memo: TokenMemo | None = None,
) -> tuple[NP | None, int]:
    """The inverted speaker phrase starting at token ``i`` ("said Jorge Field, ...").

    Returns the phrase and the index just past it. ``memo`` as for ``subject_before``.
    """
    j = max(i, min(hi, _skip_time(text, toks, i, memo)))
    start = j
    while j < hi and j - start < 10:
        tok = toks[j]
        w = _low(text, tok)
        ch = text[tok[0]]
        if not ch.isalnum():
            if w in {"-", "&"} and j > start:
                j += 1
                continue
            break
        if (w in {"of", "for", "and"} and j > start and j + 1 < hi
                and text[toks[j + 1][0]].isupper()):
            j += 1
            continue
        if w in ARTICLES and j > start and _low(text, toks[j - 1]) not in DETERMINERS:
            break  # "told the AP his firm worked": a new phrase starts
        if ch.isupper() or w in DETERMINERS or w in lex.titles or w in lex.noun_kind:
            j += 1
            continue
        if w in lex.pronouns["subject"] and j == start:
            j += 1
            break
        if ch.islower() and j > start and w not in STOP and w.isalpha() and \
                _low(text, toks[j - 1]) in DETERMINERS and (
                    j + 1 >= hi or not text[toks[j + 1][0]].isalpha()
                    or _low(text, toks[j + 1]) in lex.pronouns["subject"]):
            j += 1
            continue
        if ch.islower() and j > start and w not in STOP and not w.endswith("ed"):
            ahead = [_low(text, t) for t in toks[j + 1 : min(hi, j + 4)]]
            if any(a in lex.noun_kind or a.rstrip("s") in lex.noun_kind for a in ahead):
                j += 1
                continue
        break
    if j == start:
        return None, i
    # do not swallow time words at the end ("said Smith Friday")
    while j > start + 1 and _low(text, toks[j - 1]) in TAIL_TIME:
        j -= 1
    np = _trim(text, toks[start:j], lex)
    return np, (j if np else i)


def _skip_time(
    text: str, toks: list[tuple[int, int]], i: int, memo: TokenMemo | None
) -> int:
    """The first token from ``i`` that is not a leading time word ("on", "Friday")."""
    if memo is not None and i in memo.skip:
        return memo.skip[i]
    j = i
    while j < len(toks) and _low(text, toks[j]) in LEADING_TIME:
        j += 1
    if memo is not None:
        for at in range(i, j + 1):
            memo.skip[at] = j
    return j


_NAME_WORD = (r"(?:(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Jr|Sr|St|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof"
              r"|Rev|Ft|Mt)\.|[A-Z]\.(?!\w)|[A-Z][\w’'\-]*)")
# A name never runs over a line break (a byline or a headline is not part of the next line's
# name). Its first word is written out from its first capital on, the look-behind after it, so a
# search skips to the next capital instead of trying each branch at every character.
_SPACE = r"[^\S\n]+"
_FIRST_NAME_WORD = (
    r"[A-Z](?<![\w’'].)(?:\.(?:[A-Z]\.)+|(?:(?<=M)(?:r|rs|s|t)|(?<=[DJS])r|(?<=S)(?:t|en|gt)"
    r"|(?<=R)(?:ep|ev)|(?<=G)(?:ov|en)|(?<=L)t|(?<=C)(?:ol|apt)|(?<=P)rof|(?<=F)t)\.|\.(?!\w)"
    r"|[\w’'\-]*)"
)
NAME_RE = re.compile(
    _FIRST_NAME_WORD + r"(?:" + _SPACE + r"(?:(?:of|and|for|de|van|von|der|du|la|le|al)" + _SPACE
    + r")?" + _NAME_WORD + r")*"
)


def find_names(text: str) -> list[tuple[int, int]]:
    """Spans of capitalised word sequences (candidate names), leading function words dropped."""
    out = []
    for m in NAME_RE.finditer(text):
        s, e = m.span()
        words = m.group().split()
        if len(words) == 1 and words[0].lower().rstrip(".") in NOT_NAMES:
            continue  # the usual case: "The", "But", "In" opening a sentence
        first = 0
        while first < len(words) and words[first].lower().rstrip(".") in NOT_NAMES:
            s = text.index(words[first], s) + len(words[first])
            while s < e and text[s].isspace():
                s += 1
            first += 1
        words = words[first:]
        while e > s and text[e - 1] in ".’'":
            if text[e - 1] == "." and len(words[-1]) <= 3:
                break
            e -= 1
        if words and words[0][:2] in ("I’", "I'"):
            continue
        if words and s < e:
            if text[e - 2 : e] in ("’s", "'s"):
                e -= 2
            out.append((s, e))
    return out
