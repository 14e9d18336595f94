"""Broad attribution candidates, each with the features a project model scores it by.

``find_candidates(text, base, lex)`` (also ``RuleDetector.candidates(text)``) returns every
attribution the rules can find: the base detector's own suggestions (``Candidate.base`` is
True: with no project model these, and only these, are what ``RuleDetector.detect`` returns)
and the constructions the base rules leave out or filter away:

- belief, intention, perception and evaluation verbs ("believes", "wants", "plans to",
  "is expected to", "found", "seems"; ``data/broad_cues.txt`` and the shipped cue verbs),
  pre-posed ("X thinks the deal is dead", also reduced relatives: "a report released Monday
  found ...") or post-posed ("..., officials believe."), also inside another quote's content
  (nested attribution), each with up to three content ends (the clause end, the first comma,
  the first subordinator or dash);
- noun-phrase attributions ("his claim that", "the report's finding that");
- verbs a project taught by accepting quotes the detector missed (``learned`` cues).

A candidate carries a model ``Quote`` record (speaker ids point into ``CandidateSet.speakers``)
and its features as strings (``"lem:believe"``, ``"cls:belief"``, ``"con:broad-pre"``,
``"spk:person"``, ``"subj:inf"``, ``"cut:comma"``, ``"after:w:and"``...), so a model learns
from them without knowing how they were found; a broad candidate's are split into its cue's
(``cue_features``, shared by the content ends proposed for that cue: one ``group``) and its
content end's (``end_features``). A lemma's class (``[belief]``, ``[stance]``... in
``broad_cues.txt``) lets what a project teaches about one verb carry over to the others.
``find_candidates`` reuses the rule detector's work on the text when given it (``shared``:
mark pairs, sentences, tokens and its per-sentence ``TokenMemo``: the speaker phrases it
already looked for) and builds no candidates for a cue a model's ``cue_filter`` rejects (no
``Quote`` record, content-end features or quotation type: only the cue's features and its
speaker, which numbers the speakers, are worked out). The broad pass is bounded
(``MAX_PER_SENTENCE`` cue words per sentence, one per ``CHARS_PER_HIT`` characters) so
adversarial texts stay linear. Pure standard library.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from annotations.detect.lexicon import DATA_DIR, Lexicon, inflections
from annotations.detect.mentions import NP, TokenMemo, subject_after, subject_before
from annotations.detect.quotemarks import pair_marks
from annotations.detect.quotes import trim
from annotations.detect.suggestions import Suggestions
from annotations.model import Cue, Mention, Quote, Speaker
from annotations.text import WORD_RE, paragraphs, sentences, tokens

BROAD_NOUNS = frozenset(
    "claim claims assertion argument belief contention insistence suggestion warning promise "
    "pledge statement view fear fears hope hopes charge allegation allegations accusation "
    "prediction admission acknowledgment announcement declaration assurance complaint "
    "conclusion finding findings estimate testimony position theory vow boast report reports "
    "notion idea sense impression expectation expectations concern concerns assessment "
    "analysis opinion message case evidence indication sign signs proof suspicion rumor "
    "rumors speculation perception premise assumption thought thoughts".split()
)
MODALS = frozenset("will would could should may might can must shall".split())
BE_HAVE = frozenset("is are was were be been being am has have had do does did".split())
DETS = frozenset("the a an this that these those his her their its our my your some any no "
                 "every each all".split())
SUBJ_PRONOUNS = frozenset("he she they it we i you".split())
PRONOUN_WORDS = frozenset("he she they it we i you him her them his their its who".split())
POSSESSOR_RE = re.compile(r"((?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*)[’']s\s+(?:\w+\s+)?$")
LOWER_WORD_RE = re.compile(r"[a-z]+")
WORD_EDGE = "_’'-"
LEMMA_WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?")
PREV_WORDS = frozenset("to not also has have had is was were will would could should may might "
                       "and who which that he she they it we i publicly repeatedly never "
                       "already".split())
MAX_PER_SENTENCE = 12  # cue words looked at per sentence
CHARS_PER_HIT = 40  # and at most one per this many characters of text
SKIP_NESTED = True  # cue words inside a base quote's content are not looked at
MAX_SCAN = 80  # tokens looked at for a clause break after a cue (bounded on huge sentences)
CLAUSE_BREAKS = frozenset("as after before because while when since if but and which who where "
                          "so though although until despite including whether".split())
PARTICLES = frozenset("out up off down over back away about along around forward".split())
PREPOSITIONS = frozenset("for to on about of in at with by as from into against".split())


class CueFilter(Protocol):
    """A fitted model's test of broad cues, so applying it stays cheap: given a cue's
    ``cue_features``, whether it can be suggested; a cue it rejects yields no candidates
    (their content ends and span features are never built)."""

    def __call__(self, features: tuple[str, ...]) -> bool:
        """Whether a broad cue with these ``cue_features`` is wanted."""
        ...


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed attribution: the quote record, its features and where it came from.

    ``base`` is True when the base detector emits this quote itself; ``construction`` names
    the rule ("pre", "post", "according", "noun", "phrase", "colon", "quoted" for base
    quotes; "broad-pre", "broad-post", "broad-noun" for the others); ``cue_lemma`` is the
    cue's lemma ("" for a quotation with no cue). A broad candidate also has ``group`` (one
    number for the content ends proposed for one cue; -1 for a base quote), ``cue_features``
    (what a project model judges the cue by: the cue, its speaker and its context) and
    ``end_features`` (what it chooses among the cue's content ends by); its ``features`` are
    both.
    """

    quote: Quote
    features: tuple[str, ...]
    base: bool
    construction: str
    cue_lemma: str
    group: int = -1
    cue_features: tuple[str, ...] = ()
    end_features: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """Every candidate of one text (reading order) and the speakers they point at."""

    text: str
    candidates: tuple[Candidate, ...]
    speakers: tuple[Speaker, ...]
    base: Suggestions


@dataclass(frozen=True, eq=False)
class CueLexicon:
    """Verb forms the broad pass looks at (form -> lemma), each lemma's strength (``strong``:
    a shipped speech verb, ``weak``: a shipped attitude verb, ``broad``: from
    ``broad_cues.txt``, ``learned``: taught by the project), the reporting nouns and each
    broad lemma's class (``cls``)."""

    forms: dict[str, str]
    strength: dict[str, str]
    nouns: frozenset[str]
    noun_re: re.Pattern[str]
    classes: dict[str, str] = field(default_factory=dict)
    nouns_simple: bool = False  # every noun is lowercase ASCII letters (``noun_hits``)

    def cls(self, lemma: str) -> str:
        """The lemma's class from ``broad_cues.txt`` ("belief", "stance"...): "speech" for a
        shipped speech verb, "noun" for a reporting noun, "learned" for a taught cue."""
        got = self.classes.get(lemma)
        if got is not None:
            return got
        strength = self.strength.get(lemma, "")
        return ("noun" if lemma in self.nouns else "learned" if strength == "learned" else
                "speech" if strength == "strong" else "other")


def _lines(name: str) -> list[str]:
    out = []
    for raw in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line.lower())
    return out


def lemma_guesses(word: str) -> list[str]:
    """Possible lemmas of an English verb form not in any list ("declined" -> "declin",
    "decline"); the first is used as the lemma's name, all get their forms generated."""
    w = word.lower()
    if w.endswith("ied") and len(w) > 4:
        return [w[:-3] + "y"]
    if w.endswith("ed") and len(w) > 4:
        out = [w[:-2], w[:-1]]
        if len(w) > 5 and w[-3] == w[-4]:
            out.append(w[:-3])  # "planned" -> "plan"
        return out
    if w.endswith("ing") and len(w) > 5:
        out = [w[:-3], w[:-3] + "e"]
        if w[-4] == w[-5]:
            out.append(w[:-4])
        return out
    if w.endswith("ies") and len(w) > 4:
        return [w[:-3] + "y"]
    if w.endswith("es") and len(w) > 4 and w[-3] in "sxzh":
        return [w[:-2]]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return [w[:-1]]
    return [w]


def cue_word(cue_text: str, lex: Lexicon) -> str | None:
    """The verb of a cue phrase as a lemma ("has said" -> "say", "called for" -> "call",
    "is expected" -> "expect"), or None when the cue has no word that can be a verb
    (capitalised words are names, not cues)."""
    ws = [w.lower() for w in LEMMA_WORD_RE.findall(cue_text or "") if not w[:1].isupper()]
    ws = [w for w in ws if w not in BE_HAVE and w not in MODALS and w not in {"not", "to"}]
    if not ws:
        return None
    known = [w for w in ws if w in lex.cue_lemma]
    if known:
        return lex.cue_lemma[known[0]]
    while len(ws) > 1 and (ws[-1] in PREPOSITIONS or ws[-1] in PARTICLES):
        ws.pop()
    word = ws[-1] if len(ws) <= 2 else ws[0]
    if (len(word) < 3 or word in DETS or word in PRONOUN_WORDS or word in PREPOSITIONS
            or word in PARTICLES):
        return None
    return lemma_guesses(word)[0]


@lru_cache(maxsize=8)
def cue_lexicon(lex: Lexicon, learned: tuple[str, ...] = ()) -> CueLexicon:
    """The broad pass's forms: the shipped cue verbs, ``broad_cues.txt`` and ``learned``
    (lemmas or forms a project taught; their forms are generated)."""
    forms = dict(lex.cue_lemma)
    strength = {lemma: ("strong" if lemma in lex.strong else "weak")
                for lemma in set(lex.cue_lemma.values())}
    classes: dict[str, str] = {}
    section = "speech"
    for line in _lines("broad_cues.txt"):
        if line.startswith("["):
            section = line.strip("[]")
            continue
        lemma, *irregular = line.split()
        classes.setdefault(lemma, section)
        if lemma not in strength:
            strength[lemma] = "broad"
        for form in [lemma, *(irregular or inflections(lemma))]:
            forms.setdefault(form, forms.get(lemma, lemma))
    for raw in learned:
        word = raw.lower().strip()
        if not word.isalpha():
            continue
        lemma = forms.get(word)
        if lemma is not None:
            strength[lemma] = "learned" if strength.get(lemma) != "strong" else "strong"
            continue
        guesses = lemma_guesses(word)
        name = guesses[0]
        strength[name] = "learned"
        for g in guesses:
            for form in [g, *inflections(g)]:
                forms.setdefault(form, name)
        forms[word] = name
    nouns = BROAD_NOUNS | lex.report_nouns
    alt = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    noun_re = re.compile(r"\b(" + alt + r")\s+(that)\s+")
    simple = all(n.isascii() and n.isalpha() and n.islower() for n in nouns)
    return CueLexicon(forms, strength, frozenset(nouns), noun_re, classes, simple)


def _bin(value: float, edges: Sequence[float]) -> int:
    return bisect_right(edges, value)


def speaker_kind(quote: Quote, speakers: dict[str, Speaker]) -> str:
    """none / pronoun / person / organization / group / unknown for a quote's speaker."""
    if quote.speaker_mention is None:
        return "none"
    if quote.speaker_mention.text.lower() in PRONOUN_WORDS:
        return "pronoun"
    spk = speakers.get(quote.speaker_id or "")
    return spk.kind if spk is not None else "unknown"


def feature_parts(
    text: str,
    quote: Quote,
    construction: str,
    lemma: str,
    strength: str,
    base: bool,
    spk_kind: str,
    nested: bool = False,
    known: bool = False,
    subj: str = "base",
    cache: dict[tuple[object, ...], tuple[str, ...]] | None = None,
    cls: str = "",
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The feature strings of one candidate (see the module docstring), in two: the cue's
    (shared by its spans) and the span's. ``known``: its speaker also speaks in a base quote of
    the article; ``subj``: what stands before the cue verb; ``cache`` (one per text) shares
    the cue's features between the spans proposed for it; ``cls``: the cue lemma's class
    (``CueLexicon.cls``), for features that carry over between lemmas."""
    return (_shared_features(text, quote, construction, lemma, strength, base, spk_kind,
                             nested, known, subj, cache, cls),
            _span_features(text, quote, lemma))


def _shared_features(
    text: str, quote: Quote, construction: str, lemma: str, strength: str, base: bool,
    spk_kind: str, nested: bool, known: bool, subj: str,
    cache: dict[tuple[object, ...], tuple[str, ...]] | None, cls: str,
) -> tuple[str, ...]:
    """The cue's features (``_cue_features``), shared through ``cache`` by its spans."""
    cue = quote.cue
    mention = quote.speaker_mention
    key = (cue.start if cue else -1, mention.start if mention else -1, construction, base,
           spk_kind, nested, known, subj, strength, cls)
    shared = cache.get(key) if cache is not None else None
    if shared is None:
        shared = _cue_features(text, quote, construction, lemma, strength, base, spk_kind,
                               nested, known, subj, cls)
        if cache is not None:
            cache[key] = shared
    return shared


def _broad_cue_features(
    text: str, cue: tuple[int, int, str], mention: NP | None, construction: str,
    strength: str, spk_kind: str, nested: bool, known: bool, subj: str,
    cache: dict[tuple[object, ...], tuple[str, ...]], cls: str,
) -> tuple[str, ...]:
    """``_shared_features`` of a broad candidate, from its cue (start, end, lemma) and speaker
    phrase, before (and without) its ``Quote`` record: a cue the model rejects gets none."""
    key = (cue[0], mention.start if mention is not None else -1, construction, False,
           spk_kind, nested, known, subj, strength, cls)
    shared = cache.get(key)
    if shared is None:
        shared = cache[key] = _cue_features_at(
            text, cue[0], cue[1], mention, construction, cue[2], strength, False, spk_kind,
            nested, known, subj, cls)
    return shared


def _span_features(text: str, quote: Quote, lemma: str) -> tuple[str, ...]:
    """The features that depend on the candidate's span."""
    n_words = len(WORD_RE.findall(text, quote.start, min(quote.end, quote.start + 600)))
    lead = text[quote.start : quote.start + 5].lower()
    first = text[quote.start : quote.start + 30].split()[:1]
    fw = first[0].lower().strip("\"“”‘’'") if first else ""
    f = [
        f"typ:{quote.type}",
        f"len:{_bin(n_words, (2, 4, 7, 12, 20, 35, 60))}",
        f"pos:{_bin(quote.start / max(len(text), 1), (0.05, 0.2, 0.5, 0.8))}",
        f"parts:{min(len(quote.parts), 2)}",
        f"lem:{lemma or '-'}|typ:{quote.type}",
        "first:" + (fw if fw in DETS or fw in SUBJ_PRONOUNS or fw in PREPOSITIONS
                    or fw == "that" else ("cap" if fw[:1].isupper() else "low")),
    ]
    if lead.startswith("that "):
        f.append("lead:that")
    elif lead.startswith("to "):
        f.append("lead:to")
    cue = quote.cue
    if cue is not None:
        gap = quote.start - cue.end if cue.end <= quote.start else cue.start - quote.end
        f.append(f"gap:{_bin(gap, (3, 8, 30))}")
    return tuple(f)


def _cue_features(
    text: str, quote: Quote, construction: str, lemma: str, strength: str, base: bool,
    spk_kind: str, nested: bool, known: bool, subj: str, cls: str = "",
) -> tuple[str, ...]:
    """The features of the cue, its speaker and its context (shared by the cue's spans)."""
    cue = quote.cue
    return _cue_features_at(text, cue.start if cue is not None else None,
                            cue.end if cue is not None else -1, quote.speaker_mention,
                            construction, lemma, strength, base, spk_kind, nested, known,
                            subj, cls)


def _cue_features_at(
    text: str, cue_start: int | None, cue_end: int, mention: Mention | NP | None,
    construction: str, lemma: str, strength: str, base: bool, spk_kind: str, nested: bool,
    known: bool, subj: str, cls: str = "",
) -> tuple[str, ...]:
    """``_cue_features`` from the cue's offsets (``cue_start`` None: no cue) and the speaker
    phrase (anything with ``start``, ``end`` and ``text``)."""
    head: str | None = None
    if mention is not None and spk_kind != "pronoun":
        words = mention.text.split()
        head = words[-1].lower().strip(".,’'") if words else ""
    if cue_start is None:
        return _build_cue_features(lemma, base, construction, strength, spk_kind, nested, known,
                                   head)
    dist: int | None = None
    adj = False
    if mention is not None:
        dist = _bin(abs(cue_start - mention.start), (15, 40, 100, 250))
        adj = 0 <= cue_start - mention.end <= 2
    return _build_cue_features(lemma, base, construction, strength, spk_kind, nested, known,
                               head, cue_context(text, cue_start, cue_end), dist, adj, subj,
                               cls)


def _build_cue_features(
    lemma: str, base: bool, construction: str, strength: str, spk_kind: str, nested: bool,
    known: bool, head: str | None, context: tuple[str, str, str, str, str] | None = None,
    dist: int | None = None, adj: bool = False, subj: str = "", cls: str = "",
) -> tuple[str, ...]:
    """The strings of ``_cue_features_at`` from its values (``context``: ``cue_context``'s,
    None for a quote without a cue; ``dist`` None: no speaker phrase)."""
    lem = lemma or "-"
    f = [
        "bias",
        f"base:{int(base)}",
        f"con:{construction}",
        f"lem:{lem}",
        f"str:{strength}",
        f"spk:{spk_kind}",
        f"base:{int(base)}|con:{construction}",
        f"base:{int(base)}|str:{strength}",
        f"con:{construction}|spk:{spk_kind}",
        f"known:{int(known)}",
        f"lem:{lem}|spk:{spk_kind}",
    ]
    if nested:
        f.append("nested")
    if head is not None:
        f.append(f"head:{head}")
    if context is None:
        f.append("nocue")
        return tuple(f)
    form, prev, pc, aux, nc = context
    f.append(f"form:{form}")
    if dist is not None:
        f.append(f"dist:{dist}")
        f.append(f"adj:{int(adj)}|spk:{spk_kind}")
    f.append(f"prev:{prev}")
    f += [
        f"pc:{pc}", f"pc:{pc}|str:{strength}", f"pc:{pc}|con:{construction}",
        f"aux:{aux}", f"lem:{lem}|aux:{aux}",
        f"nxt:{nc}", f"lem:{lem}|nxt:{nc}",
        f"subj:{subj}", f"subj:{subj}|nxt:{nc}", f"subj:{subj}|str:{strength}",
        f"lem:{lem}|subj:{subj}",
    ]
    if cls:
        f += [f"cls:{cls}", f"cls:{cls}|subj:{subj}", f"cls:{cls}|nxt:{nc}",
              f"cls:{cls}|spk:{spk_kind}", f"cls:{cls}|aux:{aux}", f"cls:{cls}|pc:{pc}"]
    return tuple(f)


def cue_context(text: str, start: int, end: int) -> tuple[str, str, str, str, str]:
    """What the words around a cue word ``text[start:end]`` say, as the values of the
    ``form``, ``prev``, ``pc``, ``aux`` and ``nxt`` features."""
    word = text[start:end].lower()
    form = ("ing" if word.endswith("ing") else "ed" if word.endswith("ed") else
            "s" if word.endswith("s") else "base")
    before = text[max(0, start - 12) : start].split()
    prev = before[-1].lower().strip(",") if before else ""
    raw_prev = before[-1] if before else ""
    pc = ("det" if prev in DETS or prev.endswith(("’s", "'s")) else
          "pron" if prev in SUBJ_PRONOUNS else "aux" if prev in BE_HAVE or prev in MODALS
          else "to" if prev == "to" else "punct" if not raw_prev[-1:].isalnum() else
          "cap" if raw_prev[:1].isupper() else "adv" if prev.endswith("ly") else "low")
    aux = "modal" if prev in MODALS else "be" if prev in BE_HAVE else (
        "comma" if before and before[-1].endswith(",") else "other")
    after = text[end : end + 20].split()
    nxt = after[0].lower() if after else ""
    nc = ("that" if nxt == "that" else "to" if nxt == "to" else "det" if nxt in DETS else
          "aux" if nxt in BE_HAVE or nxt in MODALS else
          "pron" if nxt in SUBJ_PRONOUNS else "cap" if nxt[:1].isupper() else
          "punct" if nxt[:1] in ",.;:!?\"“”" else "other")
    return form, prev if prev in PREV_WORDS else "other", pc, aux, nc


def construction_of(quote: Quote, lex: Lexicon) -> str:
    """The rule behind a base quote, read from its record."""
    cue = quote.cue
    if cue is None:
        return "quoted"
    if cue.lemma == "according to":
        return "according"
    if cue.text == ":":
        return "colon"
    if cue.lemma in lex.report_nouns:
        return "noun"
    if " " in cue.text.strip():
        return "phrase"
    return "pre" if cue.start < quote.start else "post"


class _Sentences:
    """Sentence bounds and tokens of a text: the rule detector's sentences when known, else
    computed per paragraph on first need."""

    def __init__(
        self, text: str, protected: list[tuple[int, int]],
        known: list[tuple[int, int]] | None = None,
        known_tokens: dict[tuple[int, int], list[tuple[int, int]]] | None = None,
        known_memos: dict[tuple[int, int], TokenMemo] | None = None,
    ) -> None:
        self.known = known or []  # the rule detector's sentences (text order), used first
        self.known_tokens = known_tokens or {}  # and the tokens it found in them
        self.known_memos = known_memos or {}  # and what it learned about those tokens
        self.kstarts = [s for s, _ in self.known]
        self.text = text
        self.paras = paragraphs(text)
        self.pstarts = [s for s, _ in self.paras]
        self.protected = protected
        self.pstarts_prot = [s for s, _ in protected]
        self._sents: dict[int, list[tuple[int, int]]] = {}
        self._sstarts: dict[int, list[int]] = {}
        self._toks: dict[tuple[int, int], tuple[list[tuple[int, int]], TokenMemo]] = {}

    def sentence_at(self, at: int) -> tuple[int, int] | None:
        ki = bisect_right(self.kstarts, at) - 1
        if ki >= 0 and at < self.known[ki][1]:
            return self.known[ki]
        pi = bisect_right(self.pstarts, at) - 1
        if pi < 0:
            return None
        ps, pe = self.paras[pi]
        sents = self._sents.get(pi)
        if sents is None:
            lo = bisect_left(self.pstarts_prot, ps)
            hi = bisect_left(self.pstarts_prot, pe)
            prot = [p for p in self.protected[lo:hi] if p[1] <= pe]
            sents = self._sents[pi] = sentences(self.text, ps, pe, prot)
            self._sstarts[pi] = [s for s, _ in sents]
        si = bisect_right(self._sstarts[pi], at) - 1
        if si < 0 or at >= sents[si][1]:
            return None
        return sents[si]

    def tokens(self, sent: tuple[int, int]) -> tuple[list[tuple[int, int]], TokenMemo]:
        got = self._toks.get(sent)
        if got is None:
            toks = self.known_tokens.get(sent)
            memo = self.known_memos.get(sent) if toks else None
            if not toks:
                toks = tokens(self.text, sent[0], sent[1])
            got = self._toks[sent] = (toks, memo or TokenMemo())
        return got


class _Speakers:
    """The base speakers plus the ones broad candidates name, matched by name or alias."""

    def __init__(self, base: Sequence[Speaker]) -> None:
        self.list = list(base)
        self.kind = {s.id: s.kind for s in base}
        self.by_name: dict[str, str] = {}
        self.by_last: dict[str, str] = {}
        for s in base:
            for name in (s.name, *s.aliases):
                self.by_name.setdefault(name.lower(), s.id)
            if s.kind == "person" and s.name.split():
                self.by_last.setdefault(s.name.split()[-1].lower(), s.id)

    def for_np(self, np: NP) -> str:
        key = np.text.lower()
        if key.startswith("the "):
            key = key[4:]
        sid = self.by_name.get(key) or self.by_name.get("the " + key)
        if sid is None and np.kind == "person" and np.text.split():
            sid = self.by_last.get(np.text.split()[-1].lower())
        if sid is not None:
            return sid
        sid = f"s{len(self.list) + 1}"
        kind = np.kind if np.kind in ("person", "organization", "group") else "unknown"
        self.list.append(Speaker(id=sid, name=np.text, kind=kind,
                                 mentions=(Mention(np.start, np.end, np.text),)))
        self.kind[sid] = kind
        self.by_name[key] = sid
        return sid


def find_candidates(
    text: str,
    base: Suggestions,
    lex: Lexicon,
    learned: Iterable[str] = (),
    lemmas: frozenset[str] | None = None,
    base_features: bool = True,
    shared: dict[str, Any] | None = None,
    cue_filter: CueFilter | None = None,
) -> CandidateSet:
    """Every candidate of ``text``: the quotes of ``base`` (the rule detector's suggestions
    for ``text``, with lexicon ``lex``) and the broad ones (see the module docstring).
    ``lemmas``: look only at these cue lemmas in the broad pass (a fitted model's, to keep
    applying it cheap); None: all of them. ``base_features`` False leaves the base candidates'
    features empty (for a model that keeps every base quote). ``shared``: the rule detector's
    work on ``text`` (mark pairs, sentences: ``rules.find_quotes``), reused when given;
    ``cue_filter``: which broad cues are wanted (a fitted model's test, ``CueFilter``: the
    others' candidates are not built)."""
    clex = cue_lexicon(lex, tuple(sorted(set(learned))))
    spk_by_id = {s.id: s for s in base.speakers}
    base_ids = {q.speaker_id for q in base.quotes if q.speaker_id}
    speaks = Counter(q.speaker_id for q in base.quotes)
    out: list[Candidate] = []
    for q in base.quotes:
        con = construction_of(q, lex)
        lemma = q.cue.lemma if q.cue is not None else ""
        strength = clex.strength.get(lemma, "phrase" if lemma else "none")
        if not base_features:
            out.append(Candidate(q, (), True, con, lemma))
            continue
        known = speaks[q.speaker_id] > 1
        shared_part, span_part = feature_parts(
            text, q, con, lemma, strength, True, speaker_kind(q, spk_by_id), known=known,
            cls=clex.cls(lemma) if lemma else "")
        out.append(Candidate(q, shared_part + span_part, True, con, lemma))
    extras, quoted = (_broad(text, base, lex, clex, lemmas, shared)
                      if lemmas is None or lemmas else ([], []))
    speakers = _Speakers(base.speakers)
    cache: dict[tuple[object, ...], tuple[str, ...]] = {}
    base_spans = {(q.start, q.end) for q in base.quotes}
    base_ranges = sorted((a, b) for q in base.quotes for a, b in (q.parts or ((q.start, q.end),)))
    prev_speaker: list[tuple[int, str]] = sorted(
        (q.start, q.speaker_id) for q in base.quotes if q.speaker_id)
    prev_starts = [s for s, _ in prev_speaker]
    groups: dict[tuple[int, str], int] = {}
    group_ok: dict[int, bool] = {}
    for n, (parts, typ, cue, np_feat, con, cut, subj, np, end_at) in enumerate(extras):
        start, end = parts[0][0], parts[-1][1]
        if (start, end) in base_spans:
            continue
        group = groups.setdefault((cue[0], con), len(groups))
        sid = None
        kind = "none"
        if np is not None:
            if np.pronoun or np.text.lower() in PRONOUN_WORDS:
                kind = "pronoun"
                i = bisect_left(prev_starts, np.start) - 1
                sid = prev_speaker[i][1] if i >= 0 else None
            else:
                sid = speakers.for_np(np)  # also for a rejected cue: it numbers the speakers
                kind = speakers.kind[sid]
        if np_feat is None:
            kind = "none"
        if group_ok.get(group) is False:
            continue
        lemma = cue[2]
        i = bisect_right(base_ranges, (start, len(text))) - 1
        nested = i >= 0 and base_ranges[i][0] <= start < base_ranges[i][1]
        cue_feats = _broad_cue_features(
            text, cue, np, con, clex.strength.get(lemma, "broad"), kind, nested,
            sid in base_ids, subj, cache, clex.cls(lemma))
        if cue_filter is not None:
            ok = group_ok.get(group)
            if ok is None:
                ok = group_ok[group] = cue_filter(cue_feats)
            if not ok:
                continue
        if typ is None:
            typ = _kind_of(text, start, end, quoted)
        quote = Quote(
            f"x{n + 1}", start, end, text[start:end], typ,
            tuple(parts) if len(parts) > 1 else (),
            Cue(cue[0], cue[1], text[cue[0] : cue[1]], lemma), sid,
            Mention(np.start, np.end, np.text) if np is not None else None, None,
            {"span": 0.3, "speaker": 0.5 if sid else 0.0}, "suggested", base.origin,
        )
        span_feats = _span_features(text, quote, lemma)
        length = span_feats[1]  # "len:..."
        end_feats = _end_features(text, cut, *end_at) if end_at is not None else ()
        ends = (*span_feats, f"cut:{cut}", f"cut:{cut}|{length}", *end_feats)
        out.append(Candidate(quote, cue_feats + ends, False, con, lemma, group, cue_feats,
                             ends))
    out.sort(key=lambda c: (c.quote.start, not c.base))
    return CandidateSet(text, tuple(out), tuple(speakers.list), base)


# parts, type (None: not worked out yet, ``_kind_of``), cue, speaker phrase (features),
# construction, cut, subject class, speaker (record), the content end's (end, full, sentence
# end) for ``_end_features`` (None: no end features); the type and the end features are only
# worked out for a cue the model keeps
Extra = tuple[list[tuple[int, int]], str | None, tuple[int, int, str], NP | None, str, str,
              str, NP | None, tuple[int, int, int] | None]


@lru_cache(maxsize=8)
def active_forms(clex: CueLexicon, lemmas: frozenset[str] | None) -> frozenset[str]:
    """The (lowercase, alphabetic) forms of the cue lemmas looked at."""
    return frozenset(f for f, lem in clex.forms.items()
                     if (lemmas is None or lem in lemmas) and f.isalpha())


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching exactly ``words``, as a trie (one branch per shared
    prefix, so a position is tried against each first letter once, not against each word)."""
    trie: _Trie = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


@lru_cache(maxsize=8)
def form_regex(clex: CueLexicon, lemmas: frozenset[str] | None) -> re.Pattern[str] | None:
    """Every whole-word occurrence of a form ``active_forms`` looks at (a word boundary: no
    letter, digit or ``WORD_EDGE`` character on either side); None: no form."""
    forms = active_forms(clex, lemmas)
    if not forms:
        return None
    edge = "[\\w" + re.escape(WORD_EDGE) + "]"
    return re.compile(f"(?<!{edge})(?:{_trie_pattern(sorted(forms))})(?!{edge})")


def form_hits(
    text: str, clex: CueLexicon, lemmas: frozenset[str] | None
) -> list[tuple[int, int, str]]:
    """(start, end, form) of every whole-word occurrence of a cue form looked at, in text
    order (one pass of ``form_regex``)."""
    pattern = form_regex(clex, lemmas)
    if pattern is None:
        return []
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def _broad(
    text: str, base: Suggestions, lex: Lexicon, clex: CueLexicon,
    lemmas: frozenset[str] | None = None,
    shared: dict[str, Any] | None = None,
) -> tuple[list[Extra], list[tuple[int, int]]]:
    """The broad pass: (parts, type, cue, speaker phrase, construction, cut, subject class...:
    ``Extra``) for cue words the base quotes do not use, and the top-level double-quoted
    passages (for ``_kind_of``); at most ``MAX_PER_SENTENCE`` cue words per sentence and one
    per ``CHARS_PER_HIT`` characters of text are looked at."""
    shared = shared or {}
    pairs = [p for p in shared.get("pairs") or pair_marks(text) if p.depth == 0]
    quoted = sorted((p.open_at, p.close_at + 1) for p in pairs if p.double)
    qstarts = [a for a, _ in quoted]
    base_cues = {q.cue.start for q in base.quotes if q.cue is not None}
    sents = _Sentences(text, quoted, shared.get("sentences") or [], shared.get("tokens"),
                       shared.get("memos"))
    out: list[Extra] = []

    ranges = sorted((a, b) for q in base.quotes for a, b in q.part_spans())
    rstarts = [a for a, _ in ranges]

    def in_base(at: int) -> bool:
        i = bisect_right(rstarts, at) - 1
        return i >= 0 and ranges[i][0] <= at < ranges[i][1]

    def in_quotes(at: int) -> bool:
        i = bisect_right(qstarts, at) - 1
        return i >= 0 and quoted[i][0] <= at < quoted[i][1]

    forms = clex.forms
    budget = len(text) // CHARS_PER_HIT + 1
    per_sentence: dict[tuple[int, int], int] = {}
    for start, end, form in form_hits(text, clex, lemmas):
        lemma = forms[form]
        if start in base_cues or in_quotes(start) or (SKIP_NESTED and in_base(start)):
            continue
        sent = sents.sentence_at(start)
        if sent is None or per_sentence.get(sent, 0) >= MAX_PER_SENTENCE or budget <= 0:
            continue
        per_sentence[sent] = per_sentence.get(sent, 0) + 1
        budget -= 1
        out.extend(_verb_candidate(text, start, end, lemma, lex, sents, quoted))
    for hit in noun_hits(text, clex) if lemmas is None or lemmas & clex.nouns else ():
        if (hit[0] in base_cues or in_quotes(hit[0])
                or (lemmas is not None and text[hit[0] : hit[1]].lower() not in lemmas)):
            continue
        budget -= 1
        if budget <= 0:
            break
        got = _noun_candidate(text, hit, sents, quoted)
        if got is not None:
            out.append(got)
    return out, quoted


def _kind_of(text: str, s: int, e: int, quoted: list[tuple[int, int]]) -> str:
    i = bisect_right(quoted, (e, e)) - 1
    inside = [q for q in quoted[max(0, i - 3) : i + 1] if q[0] < e and s < q[1]]
    if not inside:
        return "indirect"
    if len(inside) == 1 and inside[0][0] <= s + 1 and inside[0][1] >= e - 1:
        return "direct"
    return "mixed"


def _content_end(text: str, cs: int, se: int) -> int:
    semi = text.find(";", cs, se)
    return se if semi == -1 else semi


SKIP_BACK = BE_HAVE | MODALS | frozenset(
    "not n't ’t also again only never already just reportedly still now repeatedly publicly "
    "previously recently later then first even long clearly quickly".split())


def _subject_class(text: str, toks: list[tuple[int, int]], k: int, np: NP | None) -> str:
    """What stands before a cue verb: the speaker phrase's kind, or a coarse class of the word
    before it ("inf" for "to", "det" for a determiner: a noun use, "rel", "coord", ...)."""
    if np is not None:
        return "np-" + ("pronoun" if np.pronoun else np.kind)
    j = k - 1
    while j >= 0:
        low = text[toks[j][0] : toks[j][1]].lower()
        if low not in SKIP_BACK and not low.endswith("ly"):
            break
        j -= 1
    if j < 0:
        return "start"
    word = text[toks[j][0] : toks[j][1]]
    low = word.lower()
    if low == "to":
        return "inf"
    if low in {"who", "that", "which"}:
        return "rel"
    if low in SUBJ_PRONOUNS:
        return "pron"
    if low in {"and", "or", "but"}:
        return "coord"
    if low in DETS or low.endswith(("’s", "'s")):
        return "det"
    if word[:1].isupper():
        return "cap"
    if not word[:1].isalnum():
        return "punct"
    if low in PREPOSITIONS:
        return "prep"
    if j > 0:
        before = text[toks[j - 1][0] : toks[j - 1][1]]
        if before.lower() in DETS or before[:1].isupper():
            return "np"
    return "low"


def _verb_candidate(
    text: str, a: int, b: int, lemma: str, lex: Lexicon, sents: _Sentences,
    quoted: list[tuple[int, int]],
) -> list[Extra]:
    sent = sents.sentence_at(a)
    if sent is None:
        return []
    ss, se = sent
    toks, memo = sents.tokens(sent)
    k = bisect_left(toks, (a, -1))  # the first token starting at or after a
    if k >= len(toks) or toks[k][0] != a:
        return []
    np, bstart = subject_before(text, toks, k, 0, lex, memo)
    subj = _subject_class(text, toks, k, np)
    speaker = np
    if np is None and k > 1:  # "Trump has money and seems to think ...": the sentence's subject
        first, _ = subject_after(text, toks, 0, k, lex, memo)
        if first is not None and first.kind in ("person", "organization", "group"):
            speaker = first
    cue = (a, b, lemma)
    rest = len(toks) - k - 1
    if np is not None and rest <= 4 and bstart > 0 and text[toks[bstart - 1][0]] in ",—–":
        cs, ce = trim(text, ss, toks[bstart - 1][0])
        if cs < ce < len(text) and text[ce] in "\"”’'":
            ce += 1
        if len(WORD_RE.findall(text, cs, min(ce, cs + 200))) < 2:
            return []
        return [([(cs, ce)], _kind_of(text, cs, ce, quoted), cue, np, "broad-post", "full",
                 subj, np, None)]
    if k + 1 >= len(toks):
        return []
    out: list[Extra] = []
    cs = toks[k + 1][0]
    full = _content_end(text, cs, se)
    ends = [("full", full)]
    comma = text.find(",", cs, full)
    if comma != -1:
        ends.append(("comma", comma))
    for t in toks[k + 2 : k + 2 + MAX_SCAN]:
        if t[0] >= full:
            break
        w = text[t[0] : t[1]].lower()
        if w in CLAUSE_BREAKS or w in "—–" or w == "--":
            ends.append(("break", t[0]))
            break
    seen: set[tuple[int, int]] = set()
    for cut, end in ends:
        a, b = trim(text, cs, end)
        if a < b < len(text) and text[b] in "\"”’'" and text[b - 1] not in "\"”’'":
            b += 1
        if (a, b) in seen or b - a < 3 or WORD_RE.search(text, a, b) is None:
            continue
        seen.add((a, b))
        out.append(([(a, b)], None, cue, np, "broad-pre", cut, subj, speaker, (end, full, se)))
    return out


def _end_features(text: str, cut: str, end: int, full: int, se: int) -> tuple[str, ...]:
    """What follows a content end (the word after a comma, the break word, the sentence's
    end or a semicolon) and how many words the content leaves out."""
    if cut == "full":
        after = "end" if full >= se else "semi"
    else:
        m = WORD_RE.search(text, end + (cut == "comma"), min(len(text), end + 40))
        word = m.group(0) if m is not None else ""
        low = word.lower()
        after = ("w:" + low if cut == "break" or low in CLAUSE_BREAKS or low in DETS
                 or low in SUBJ_PRONOUNS else
                 "ing" if low.endswith("ing") else "cap" if word[:1].isupper() else
                 "num" if word[:1].isdigit() else "low")
    rest = _bin(len(WORD_RE.findall(text, end, min(full, end + 400))), (1, 4, 9, 18))
    return (f"after:{after}", f"rest:{rest}", f"cut:{cut}|after:{after}",
            f"cut:{cut}|rest:{rest}")


THAT_RE = re.compile(r"(?<=\s)that(?=\s)")


def noun_hits(text: str, clex: CueLexicon) -> list[tuple[int, int, int]]:
    """(noun start, noun end, start of "that") of every match of ``clex.noun_re`` ("his claim
    that ..."), in text order. With nouns all lowercase letters (the shipped lists) it looks
    only before each "that" (the same matches: a noun is the whole lowercase run before the
    spaces, after a non-word character) instead of trying the alternation everywhere."""
    if not clex.nouns_simple:
        return [(m.start(1), m.end(1), m.start(2)) for m in clex.noun_re.finditer(text)]
    nouns = clex.nouns
    out = []
    for m in THAT_RE.finditer(text):
        q = m.start()
        e = q - 1
        while e > 0 and text[e - 1].isspace():
            e -= 1
        s = e
        while s > 0 and "a" <= text[s - 1] <= "z":
            s -= 1
        if s == e or text[s:e] not in nouns:
            continue
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] == "_"):
            continue  # no word boundary before the noun
        out.append((s, e, q))
    return out


def _noun_candidate(
    text: str, hit: tuple[int, int, int], sents: _Sentences, quoted: list[tuple[int, int]]
) -> Extra | None:
    sent = sents.sentence_at(hit[0])
    if sent is None:
        return None
    cs = hit[2]
    ce = _content_end(text, cs, sent[1])
    cs, ce = trim(text, cs, ce)
    if len(WORD_RE.findall(text, cs, min(ce, cs + 200))) < 3:
        return None
    np = None
    who = POSSESSOR_RE.search(text, max(sent[0], hit[0] - 80), hit[0])
    if who is not None:
        ws, we = who.span(1)
        np = NP(ws, we, text[ws:we], "unknown")
    cue = (hit[0], hit[1], text[hit[0] : hit[1]].lower())
    subj = "np-person" if np is not None else "noun"
    return ([(cs, ce)], _kind_of(text, cs, ce, quoted), cue, np, "broad-noun", "full", subj, np,
            None)
