"""Quote finding: direct, mixed and indirect quotations with their cue and speaker phrase.

Works sentence by sentence over quote-aware sentences. For each cue verb outside quote marks
it decides the construction:

- post-posed (``"...," he said`` / ``..., said X, the Y of Z`` / ``..., X said``): the content is
  the text before the comma; a following ``, "..."`` becomes a second part of the same quote;
- pre-posed (``X said (that) ...`` / ``X said: "..."``): the content runs to the end of the
  sentence (or to a following ``, adding that ...`` which starts its own quote);
- participial (``..., adding that ...``, ``by arguing that``, ``issued a statement saying``):
  the speaker is the sentence's subject;
- ``according to X``: the rest of the sentence, on either side;
- a participial question (``Asked whether ..., X said``): the asker is not named;
- ``X, who said ...``: the relative pronoun is the surface speaker, the antecedent the entity.

Content stops at a dash aside's end, ", which", a second attribution, or the comma closing a
subordinate clause (``When X said Y, ...``); a paired dash or a relative clause closed before
its verb (``the decision, which ..., illustrates``) does not end it.

Quoted passages that no cue claims become direct quotes whose speaker is inherited later
(``attribution``); short quoted phrases without a cue (scare quotes, titles) are dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from annotations.detect.clauses import SHORT_STRETCH, ClauseRules
from annotations.detect.deadline import NO_DEADLINE, Deadline
from annotations.detect.index import PairIndex, SpanSet, StabList, WordIndex, guard
from annotations.detect.lexicon import Lexicon
from annotations.detect.mentions import (
    DETERMINERS,
    NP,
    STOP,
    TIME_WORDS,
    TokenMemo,
    classify,
    subject_after,
    subject_before,
)
from annotations.detect.patterns import (
    BE_ING,
    CLAUSE_WEAK,
    CLOSE_MARKS,
    CONNECTIVES,
    DANGLING_RE,
    DAYS,
    EDGE,
    EVIDENTIAL,
    FINITE,
    INTENT_VERBS,
    LEADS,
    LETTERS_RE,
    MEDIA_NOUNS,
    NOUN_LIKE_CUES,
    OBJECT_CUES,
    OPEN_MARKS,
    PARTICIPLE_LEADS,
    POSSESSIVES,
    PREPOSITIONS,
    QUESTION_LEADS,
    QUESTION_WORDS,
    QUOTE_ONLY_CUES,
    SAY_LIKE,
    SKIP_AFTER_CUE,
    TELL_LIKE,
)
from annotations.detect.quotemarks import MarkPair
from annotations.text import WORD_RE, tokens

Toks = list[tuple[int, int]]

SHORT_EDGE = 16  # past this many edge characters, ``_trim`` looks the run up
LONG_EDGE_RE = re.compile("[" + re.escape(EDGE) + "]{" + str(SHORT_EDGE) + ",}")
DANGLING_GUARDED = guard(DANGLING_RE)
DANGLING_CHUNKS = 3  # a dangling ", but" lies within the last two chunks of a content
LONGEST_LEAD = max(len(w) for w in LEADS)


@dataclass
class RawQuote:
    """A quote before speaker resolution: content parts, type, cue and speaker phrase."""

    parts: list[tuple[int, int]]
    type: str
    cue: tuple[int, int, str] | None
    speaker: NP | None
    paragraph: int
    sentence: int
    inherit: bool = False
    strong: bool = True
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Strip whitespace, quote marks and edge punctuation from both ends."""
    while s < e and text[s] in EDGE:
        s += 1
    while e > s and text[e - 1] in EDGE:
        e -= 1
    return s, e


def n_words(text: str, s: int, e: int) -> int:
    """Number of words in ``text[s:e]``."""
    return len(WORD_RE.findall(text, s, e))


@lru_cache(maxsize=4)
def noun_regex(lex: Lexicon) -> re.Pattern[str]:
    """ "X's claim that" / "the claim that": group ``who`` (possessor name), ``noun``.

    A name is only tried from the first capital of a run of letters (a later capital of the
    same run reaches the same end, so it fails where the first one failed) and not deep inside
    a run longer than any name: otherwise a long run of capitals is scanned from each of them.
    """
    nouns = "|".join(re.escape(n) for n in sorted(lex.report_nouns, key=len, reverse=True))
    return re.compile(
        r"(?:(?=[A-Z])(?<![A-Z])(?<![\w.-]{64})"
        r"(?P<who>(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*)[’']s|\b(?:the|his|her|their|its))"
        r"\s+(?P<noun>" + nouns + r")\s+that\s+"
    )


@lru_cache(maxsize=4)
def noun_that_regex(lex: Lexicon) -> re.Pattern[str]:
    """What every ``noun_regex`` match contains: a quick test before the full search."""
    nouns = "|".join(re.escape(n) for n in sorted(lex.report_nouns, key=len, reverse=True))
    return re.compile(r"\s(?:" + nouns + r")\s+that\s")


@lru_cache(maxsize=4)
def phrase_regex(lex: Lexicon) -> re.Pattern[str]:
    """A multi-word reporting phrase and its "that": group ``phrase``."""
    phrases = "|".join(re.escape(p) for p in sorted(lex.phrase_cues, key=len, reverse=True))
    return re.compile(r"\b(?P<phrase>" + phrases + r")\s+that\s+", re.IGNORECASE)


def _inside(toks: list[tuple[int, int]], pairs: list[MarkPair]) -> list[bool]:
    """For each token, whether it lies inside (or on the marks of) a quotation."""
    if not pairs:
        return [False] * len(toks)  # most sentences quote nothing
    out = []
    i = 0
    n = len(pairs)
    for s, _ in toks:
        while i < n and pairs[i].close_at < s:
            i += 1
        out.append(i < n and pairs[i].open_at <= s)
    return out


def is_quote_like(text: str, pair: MarkPair, has_cue: bool) -> bool:
    """A quoted passage (not a scare quote, a title or a single term)."""
    s, e = trim(text, pair.start, pair.end)
    words = WORD_RE.findall(text, s, e)
    if not words:
        return False
    if len(words) <= 3 and not has_cue:
        return False
    inner = text[pair.start : pair.end]
    sentence_like = any(c in inner for c in ".!?,;") or pair.paragraphs > 1
    if not has_cue and len(words) <= 6 and not sentence_like:
        caps = sum(1 for w in words if w[:1].isupper())
        if caps >= len(words) - 1:
            return False  # "Sanctuary City", a book title
    return len(words) >= 4 or (has_cue and len(words) >= 2)


def _with_that(
    text: str, content: tuple[list[tuple[int, int]], str] | None, lo: int, cs: int
) -> tuple[list[tuple[int, int]], str] | None:
    """Reported content with its complementizer "that" (ending before ``cs``) in front, the
    way the gold sets mark indirect speech; a plain quotation keeps its own span."""
    if content is None or content[1] == "direct":
        return content
    parts, typ = content
    at = text.rfind("that", lo, cs)
    if at == -1 or text[at:cs].strip().lower() != "that" or parts[0][0] != cs:
        return content
    return [(at, parts[0][1]), *parts[1:]], typ


BELIEF_CLAUSE_LEADS = frozenset({"this", "these", "those", "his", "her", "their", "its", "our",
                                 "there", "most", "many", "some"})
PASSIVE_AUX = frozenset({"was", "were", "is", "are", "been", "has", "have", "had", "be", "being",
                         "widely", "later", "also", "once", "reportedly"})


class SentenceQuotes(ClauseRules):
    """Finds the quotes of one sentence (``find``), given the document-level quote pairs."""

    def __init__(self, text: str, lex: Lexicon, deadline: Deadline = NO_DEADLINE) -> None:
        self.text = text
        self.lex = lex
        self.deadline = deadline
        self.cues = frozenset(lex.cue_lemma) | {"According", "according", "Asked"}
        self.noun_re = noun_regex(lex)
        self.phrase_re = phrase_regex(lex)
        self.noun_that_re = noun_that_regex(lex)
        # when set, the tokens of each sentence tokenized, for the candidate pass to reuse
        self.token_cache: dict[tuple[int, int], list[tuple[int, int]]] | None = None
        # and, with it, each such sentence's ``TokenMemo`` (what ``subject_before`` learned)
        self.memo_cache: dict[tuple[int, int], TokenMemo] | None = None
        self._init_document()
        self._start_sentence(0, 0, [], [], [])

    def _content(
        self, s: int, e: int, pairs: list[MarkPair]
    ) -> tuple[list[tuple[int, int]], str] | None:
        text = self.text
        ts, te = self._trim(s, e)
        if ts >= te:
            return None
        index = self._pair_index(pairs)
        if self._n_words(ts, te) < 2:
            one = index.overlapping(ts, te)
            if not (len(one) == 1 and self._n_words(one[0].start, one[0].end) == 1
                    and text[one[0].start : one[0].end].rstrip()[-1:] in "?!"):
                return None
        inside = index.overlapping(ts, te)
        if len(inside) == 1:
            p = inside[0]
            ps, pe = self._trim(p.start, p.end)
            if ps <= ts + 1 and pe >= te - 1 and ts >= p.open_at and te <= p.close_at + 1:
                return [(p.start, p.end)], "direct"
        if inside:
            # include a closing mark cut off by the trim
            last = inside[-1]
            if last.close_at >= te - 1 and last.close_at < e:
                te = max(te, last.close_at + 1)
            if inside[0].open_at < ts and inside[0].open_at >= s:
                ts = inside[0].open_at
            return [(ts, te)], "mixed"
        return [(ts, te)], "indirect"

    def find(
        self, ss: int, se: int, pairs: list[MarkPair], para: int, sent: int
    ) -> list[RawQuote]:
        """Quotes of the sentence ``text[ss:se]``; ``pairs`` are its top-level quotations."""
        text, lex = self.text, self.lex
        out: list[RawQuote] = []
        cues = self.cues
        if cues.isdisjoint(LETTERS_RE.findall(text, ss, se)):
            if not pairs and "that" not in text[ss:se]:
                return out  # no cue, no quotation, no "that": nothing to find
            toks: list[tuple[int, int]] = []
            in_q: list[bool] = []
        else:
            toks = tokens(text, ss, se)
            in_q = _inside(toks, pairs)
            if self.token_cache is not None:
                self.token_cache[(ss, se)] = toks
        used = self._start_sentence(ss, se, pairs, toks, in_q)
        if toks and self.memo_cache is not None:
            self.memo_cache[(ss, se)] = self._memo
        subject_np: NP | None = None
        nt = len(toks)
        cands = [i for i, (a, b) in enumerate(toks) if not in_q[i] and text[a:b] in cues]
        ci = 0
        k = 0
        while ci < len(cands):
            if cands[ci] < k:
                ci += 1
                continue
            self.deadline.check()
            k = cands[ci]
            ci += 1
            w = text[toks[k][0] : toks[k][1]].lower()
            rq: RawQuote | None = None
            if w == "according" and k + 1 < nt and text[toks[k + 1][0] : toks[k + 1][1]] == "to":
                rq = self._according(toks, k, ss, se, pairs, para, sent, used)
            elif w == "asked" and self._question_at(toks, in_q, k) is not None:
                rq = self._question(toks, in_q, k, se, pairs, para, sent)
            elif w in lex.cue_lemma and text[toks[k][0]].islower():
                inside = used.covers(toks[k][0])
                if not inside or self._new_clause(toks, k):
                    rq = self._verb(toks, in_q, k, ss, se, pairs, para, sent, used, subject_np,
                                    out)
            if rq is not None:
                # a later cue inside an earlier pre-posed content cuts it at the comma
                self._cut_preposed(used, rq.start, toks[k][0])
                out.append(rq)
                if rq.extra.get("preposed"):
                    if self._preposed_ends is None:
                        self._preposed_ends = StabList(len(toks))
                    self._preposed.append(rq)
                    self._preposed_ends.append(rq.parts[-1])
                used.extend(rq.parts)
                if rq.speaker is not None and subject_np is None:
                    subject_np = rq.speaker
                k = int(rq.extra.get("resume", k + 1))  # type: ignore[arg-type]
                continue
            k += 1
        # reporting phrases: "Denver has made it clear that ...", "he pointed out that ..."
        has_that = "that" in text[ss:se]
        for m in self.phrase_re.finditer(text, ss, se) if has_that else ():
            self.deadline.check()
            cs = m.end()
            if used.covers(m.start()):
                continue
            if not toks:
                toks = tokens(text, ss, se)
                in_q = _inside(toks, pairs)
                self._start_sentence(ss, se, pairs, toks, in_q, used)
            k = self._token_at(toks, m.start())
            if k is None:
                continue
            np, _ = self._subject_before(toks, k, 0)
            content = _with_that(text, self._content(cs, self._clause_end(cs, se, pairs), pairs),
                                 m.start(), cs)
            if np is None or content is None:
                continue
            cue = (m.start(), m.start() + len(m.group("phrase")),
                   lex.phrase_cues[m.group("phrase").lower()])
            rq = RawQuote(content[0], content[1], cue, np, para, sent)
            out.append(rq)
            used.extend(rq.parts)
        # reporting nouns: "Trump's claim that ...", "the warning that ..."
        if has_that and self.noun_that_re.search(text, ss, se):
            for m in self.noun_re.finditer(text, ss, se):
                self.deadline.check()
                cs = m.end()
                if used.covers(cs) or used.covers(m.start()):
                    continue
                content = _with_that(
                    text, self._content(cs, self._clause_end(cs, se, pairs), pairs), m.start(), cs)
                if content is None:
                    continue
                spk = None
                if m.group("who"):
                    ws, we = m.span("who")
                    spk = NP(ws, we, text[ws:we], classify(text[ws:we].split(), lex))
                ns, ne = m.span("noun")
                rq = RawQuote(content[0], content[1], (ns, ne, m.group("noun").lower()), spk,
                              para, sent, inherit=False, strong=False)
                out.append(rq)
                used.extend(rq.parts)
        # leftover quoted passages
        opened = self._first_solid(ss, se) if pairs else se
        for p in pairs:
            if used.covers(p.start) or used.starts_within(p.start, p.end) or not p.double:
                continue
            at_start = opened >= p.open_at
            if not at_start and self._n_words(p.start, p.end) < 8:
                continue  # a term or a scare-quoted phrase inside narration
            if is_quote_like(text, p, has_cue=False):
                intro = self._colon_subject(ss, p.open_at)
                if intro is not None:  # 'Kasich resisted: "Ohio governors do not ..."'
                    out.append(RawQuote([(p.start, p.end)], "direct", intro[0], intro[1], para,
                                        sent))
                    continue
                out.append(RawQuote([(p.start, p.end)], "direct", None, None, para, sent, True))
        out.sort(key=lambda q: q.start)
        return out

    # ------------------------------------------------------------------ per-sentence state
    def _start_sentence(
        self, ss: int, se: int, pairs: list[MarkPair], toks: Toks, in_q: list[bool],
        used: SpanSet | None = None,
    ) -> SpanSet:
        """Reset the sentence's indexes (built lazily, on the first question that needs one)."""
        self._ss, self._se = ss, se
        self._toks, self._in_q = toks, in_q
        self._pairs, self._pairs_ix = pairs, None
        self._words = WordIndex(self.text, ss, se)
        self._reset_clause_state(ss, se, toks)
        self._tok_starts: list[int] | None = None
        if used is None:
            self._preposed: list[RawQuote] = []
            self._preposed_ends: StabList | None = None
        self._used = used if used is not None else SpanSet(ss, se)
        return self._used

    def _init_document(self) -> None:
        """Document-wide answers: where the long runs of edge characters are."""
        self._long_edges: list[tuple[int, int]] | None = None

    def _edge_run(self, at: int) -> tuple[int, int]:
        """The long run of edge characters (quote marks, punctuation, white space) that
        contains offset ``at``."""
        if self._long_edges is None:
            self._long_edges = [m.span() for m in LONG_EDGE_RE.finditer(self.text)]
        i = bisect_right(self._long_edges, (at, len(self.text) + 1)) - 1
        return self._long_edges[i]

    def _trim(self, s: int, e: int) -> tuple[int, int]:
        """``trim(text, s, e)``, in constant time inside long runs of punctuation."""
        text = self.text
        steps = 0
        while s < e and text[s] in EDGE:
            s += 1
            steps += 1
            if steps == SHORT_EDGE:
                s = min(e, self._edge_run(s)[1])
                break
        steps = 0
        while e > s and text[e - 1] in EDGE:
            e -= 1
            steps += 1
            if steps == SHORT_EDGE:
                e = max(s, self._edge_run(e)[0])
                break
        return s, e

    def _last_comma(self, lo: int, hi: int) -> int:
        return self._last_mark(",", lo, hi)

    def _last_colon(self, lo: int, hi: int) -> int:
        return self._last_mark(":;", lo, hi)

    def _dangling(self, s: int, e: int) -> int | None:
        """Where a dangling "but"/"and" ending ``text[s:e]`` starts (``DANGLING_RE``)."""
        ss, se = self._sent_span
        if not ss <= s <= e <= se or (self._chunk_index is None and e - s < SHORT_STRETCH):
            tail = DANGLING_RE.search(self.text, s, e)
            return None if tail is None else tail.start()
        window = self._chunks().window(s, e, DANGLING_CHUNKS)
        tail = DANGLING_GUARDED.search(self.text, window, e)
        return None if tail is None else tail.start()

    def _split_head(self, end: int) -> tuple[str | None, int]:
        """First item and length of ``text[ss:end].split()`` (see ``ChunkIndex``)."""
        if self._chunk_index is None and end - self._ss < SHORT_STRETCH:
            lead = self.text[self._ss : end].split()
            return (lead[0] if len(lead[0]) <= LONGEST_LEAD else "") if lead else None, len(lead)
        return self._chunks().split_head(end, LONGEST_LEAD)

    def _subject_before(self, toks: Toks, i: int, lo: int) -> tuple[NP | None, int]:
        memo = self._memo if toks is self._toks else None
        return subject_before(self.text, toks, i, lo, self.lex, memo)

    def _subject_after(self, toks: Toks, i: int, hi: int) -> tuple[NP | None, int]:
        memo = self._memo if toks is self._toks else None
        return subject_after(self.text, toks, i, hi, self.lex, memo)

    def _pair_index(self, pairs: list[MarkPair]) -> PairIndex:
        if pairs is self._pairs:
            if self._pairs_ix is None:
                self._pairs_ix = PairIndex(pairs)
            return self._pairs_ix
        return PairIndex(pairs)

    def _n_words(self, s: int, e: int) -> int:
        """``n_words(text, s, e)`` from the sentence's word index."""
        return self._words.count(s, e)

    def _token_at(self, toks: Toks, at: int) -> int | None:
        """Index of the token starting at ``at``."""
        if toks is not self._toks:
            return next((i for i, t in enumerate(toks) if t[0] == at), None)
        if self._tok_starts is None:
            self._tok_starts = [a for a, _ in toks]
        i = bisect_left(self._tok_starts, at)
        return i if i < len(toks) and toks[i][0] == at else None

    def _first_solid(self, ss: int, se: int) -> int:
        """The first offset from ``ss`` that is not white space (``se`` when none is)."""
        text = self.text
        while ss < se and text[ss].isspace():
            ss += 1
        return ss

    def _colon_subject(self, ss: int, at: int) -> tuple[tuple[int, int, str], NP] | None:
        """The colon and the subject of a short clause introducing a quotation with a colon
        ("The governor was blunt:"), when the subject is a person, group or organisation."""
        text = self.text
        if at - ss > 160:
            return None
        colon = text.rfind(":", ss, at)
        if colon == -1 or text[colon + 1 : at].strip():
            return None
        toks = tokens(text, ss, colon)
        if not 2 <= len(toks) <= 12 or any(text[t[0]] in "\"“”" for t in toks):
            return None
        np = self._sentence_subject(toks, len(toks))
        if np is None or np.end >= toks[-1][1]:
            return None  # a label ("Read more:") or a bare name heading
        return (colon, colon + 1, ":"), np

    def colon_intro(self, ps: int, pe: int) -> tuple[tuple[int, int, str], NP] | None:
        """ "The governor added:" ending a paragraph: its cue and speaker, else None."""
        text, lex = self.text, self.lex
        toks = tokens(text, max(ps, pe - 200), pe)
        if len(toks) < 2 or text[toks[-1][0]] != ":":
            return None
        k = len(toks) - 2
        while k > 0 and text[toks[k][0] : toks[k][1]].lower() in TIME_WORDS:
            k -= 1
        w = text[toks[k][0] : toks[k][1]]
        if w not in lex.cue_lemma or not lex.is_strong(w):
            return None
        np, _ = subject_before(text, toks, k, 0, lex)
        if np is None:
            np, _ = subject_after(text, toks, k + 1, len(toks) - 1, lex)
        if np is None:
            return None
        return (toks[k][0], toks[k][1], lex.cue_lemma[w]), np

    def _new_clause(self, toks: Toks, k: int) -> bool:
        """A cue inside earlier content that starts its own clause (", adding", ", but X say")."""
        text = self.text
        w = text[toks[k][0] : toks[k][1]].lower()
        if w.endswith("ing") and k > 0 and text[toks[k - 1][0]] == ",":
            return True
        if k > 1 and self._coordinated(toks, k):
            return True
        np, b = self._subject_before(toks, k, 0)
        if np is None or b == 0:
            return False
        if any(text[t[0] : t[1]].lower() == "who" for t in toks[b:k]):
            return True  # "... endorses Trump, who says he is honored"
        prev = text[toks[b - 1][0] : toks[b - 1][1]].lower()
        return prev in {",", "but", "while", "whereas", "—", "–", ";", "although", "though"}

    def _sentence_subject(self, toks: Toks, k: int) -> NP | None:
        """The noun phrase opening the sentence when it is a person, group or organisation."""
        first, _ = self._subject_after(toks, self._clause_start(toks, k), k)
        if first is None or first.kind not in ("person", "group", "organization"):
            return None
        return first

    def _parenthetical_lead(
        self, toks: Toks, b: int, k: int, ss: int, used: SpanSet
    ) -> tuple[int, int] | None:
        """The short opening of a sentence interrupted by ", X said," ("Police, Sinclair says,
        have no policies"): its span, else None."""
        text = self.text
        if b < 2 or k + 1 >= len(toks) or text[toks[b - 1][0]] != "," or text[
                toks[k + 1][0]] != ",":
            return None
        start = used.last_end(ss, toks[b - 1][0])
        a, z = self._trim(start, toks[b - 1][0])
        if z <= a or not 1 <= self._n_words(a, z) <= 8 or any(
                c in text[a:z] for c in ",;:\"“”()"):
            return None
        words = [w.lower() for w in WORD_RE.findall(text, a, z)]
        if " ".join(words) in CONNECTIVES or words[0] in CONNECTIVES or words[0] in DETERMINERS or (
                any(self.lex.cue_lemma.get(w, w) != w for w in words)):
            return None  # "But, he said," / "In the end, she said," (not "In his state, he said,")
        return a, z

    def _cut_preposed(self, used: SpanSet, at: int, stop: int) -> None:
        """End each pre-posed content of the sentence (``_preposed``, in the order found)
        running over offset ``at`` before ``stop`` (at its last comma before ``stop`` when
        there is one), dropping a dangling "but"/"and"."""
        for i in self._preposed_ends.stabbed(at) if self._preposed_ends is not None else ():
            prev = self._preposed[i]
            ps, pe = prev.parts[-1]
            cut = self._last_comma(ps, stop)
            ns, ne = self._trim(ps, cut if cut > ps else stop)
            tail = self._dangling(ns, ne)
            if tail is not None:
                ne = self._trim(ns, tail)[1]
            if ne > ns:
                prev.parts[-1] = (ns, ne)
                self._preposed_ends.update(i, (ns, ne))
                used.replace((ps, pe), (ns, ne))

    def _question_at(self, toks: Toks, in_q: list[bool], k: int) -> int | None:
        """Index of the "whether"/"if"/"how" opening the question after a participial "asked"
        ("Asked whether he would ...", "when asked in May if ..."), else None."""
        text = self.text
        before = text[toks[k - 1][0] : toks[k - 1][1]].lower() if k else ""
        if k and before not in QUESTION_LEADS:
            return None
        for m in range(k + 1, min(len(toks), k + 6)):
            tw = text[toks[m][0] : toks[m][1]].lower()
            if in_q[m] or not tw[0].isalnum() or tw == "for":
                return None  # "when asked for comment about ..." is no question
            if tw in QUESTION_WORDS:
                return m
        return None

    def _question(
        self, toks: Toks, in_q: list[bool], k: int, se: int, pairs: list[MarkPair], para: int,
        sent: int,
    ) -> RawQuote | None:
        """The reported question after a subjectless "asked"; its asker is not named."""
        text = self.text
        m = self._question_at(toks, in_q, k)
        if m is None:
            return None
        if text[toks[m][0] : toks[m][1]].lower() == "about" and m + 1 < len(toks):
            m += 1  # "asked about the memo": the topic is the content
        start = toks[m][0]
        stop = self._clause_end(start, se, pairs)
        comma = self._next_free_comma(toks, in_q, m + 1)
        if comma is not None and toks[comma][0] < stop:
            stop = toks[comma][0]  # "Asked whether ..., Priebus said"
        content = self._content(start, stop, pairs)
        if content is None:
            return None
        cue = (toks[k][0], toks[k][1], "ask")
        rq = RawQuote(content[0], content[1], cue, None, para, sent, strong=False)
        rq.extra["resume"] = m + 1
        return rq

    def _object_before_quote(self, toks: Toks, in_q: list[bool], j: int) -> int:
        """Past a short object set off by a comma before a quotation ('told reporters, "')."""
        for m in range(j, min(len(toks), j + 5)):
            if self.text[toks[m][0]] == ",":
                return m + 1 if m > j and m + 1 < len(toks) and in_q[m + 1] else j
            if in_q[m] or not self.text[toks[m][0]].isalnum():
                return j
        return j

    def _third_party_clause(self, toks: Toks, j: int, np_b: NP | None) -> bool:
        """A belief verb's bare clause with a name or demonstrative subject after a named or
        third-person subject ("aides believe her efforts will", "she thinks Clinton should")."""
        if np_b is None or np_b.text.lower() in {"i", "we", "you"} or j >= len(toks):
            return False
        w = self.text[toks[j][0] : toks[j][1]]
        return w.lower() in BELIEF_CLAUSE_LEADS or (
            w[:1].isupper() and w.lower() not in self.lex.pronouns["subject"])

    def _according(
        self, toks: Toks, k: int, ss: int, se: int, pairs: list[MarkPair], para: int,
        sent: int, used: SpanSet,
    ) -> RawQuote | None:
        text = self.text
        np, after = self._subject_after(toks, k + 2, len(toks))
        if np is None:
            # any source phrase up to the punctuation: "according to the post-debate analysis"
            j = k + 2
            while j < len(toks) and j - k < 14 and text[toks[j][0]].isalnum() and text[
                    toks[j][0] : toks[j][1]].lower() not in {"who", "which", "whose", "that"}:
                j += 1
            if j == k + 2:
                return None
            ns, ne = toks[k + 2][0], toks[j - 1][1]
            words = text[ns:ne].split()
            np, after = NP(ns, ne, text[ns:ne], classify(words, self.lex)), j
        cue = (toks[k][0], toks[k + 1][1], "according to")
        post = False
        before = used.last_end(ss, toks[k][0])
        colon = self._last_colon(before, toks[k][0])
        if colon > before and not self._pair_index(pairs).strictly_inside(colon):
            before = colon + 1  # "... firms: London was the capital, according to one index"
        if self._n_words(before, toks[k][0]) >= 2:
            content = self._content(before, toks[k][0], pairs)
            j = after
            nxt = text[toks[j + 1][0] : toks[j + 1][1]] if j + 1 < len(toks) else ""
            if (content is not None and j + 2 < len(toks) and text[toks[j][0]] == ","
                    and (nxt in {"and", "but"} or nxt in FINITE)):
                # "X paid 25 percent, according to the CBO, and the top 10 percent paid 69" /
                # "His criticism, according to an interview, was the president's choice"
                t0 = j + 2 if nxt in {"and", "but"} else j + 1
                tail = self._content(toks[t0][0], self._clause_end(toks[t0][0], se, pairs), pairs)
                if tail is not None and self._n_words(*tail[0][0]) >= 3:
                    content = ([*content[0], *tail[0]],
                               "mixed" if "mixed" in (content[1], tail[1]) else content[1])
                    after = t0
        else:
            if after < len(toks) and text[toks[after][0]] != ",":
                # "According to people familiar with the matter, X": the source runs to the comma
                comma = next((m for m in range(after, min(len(toks), after + 10))
                              if text[toks[m][0]] in ",.;:\"“”"), None)
                if comma is not None and text[toks[comma][0]] == ",":
                    after = comma
            content = self._content(toks[after][0] if after < len(toks) else se, se, pairs)
            post = True
        if content is None:
            return None
        parts, typ = content
        rq = RawQuote(parts, typ, cue, np, para, sent)
        rq.extra["resume"] = after
        rq.extra["preposed"] = post
        return rq

    def _verb(
        self, toks: Toks, in_q: list[bool], k: int, ss: int, se: int, pairs: list[MarkPair],
        para: int, sent: int, used: SpanSet, subject_np: NP | None,
        out: list[RawQuote],
    ) -> RawQuote | None:
        text, lex = self.text, self.lex
        w = text[toks[k][0] : toks[k][1]].lower()
        lemma = lex.cue_lemma[w]
        nt = len(toks)
        if lemma in QUOTE_ONLY_CUES and not any(in_q[max(0, k - 4) : k + 3]):
            return None  # cheap early exit for frequent words ("read", "continue")
        strong = lex.is_strong(w)
        cue = (toks[k][0], toks[k][1], lemma)
        np_b, bstart = self._subject_before(toks, k, 0)
        ptcp = False  # a participle continuing the sentence: "and saying", "by arguing"
        if w.endswith("ing") and k > 0:
            before = text[toks[k - 1][0] : toks[k - 1][1]].lower()
            if strong and np_b is None and (before in PARTICIPLE_LEADS or (
                    before in CLOSE_MARKS and k > 1 and text[toks[k - 2][0]] == ",")):
                ptcp = True  # '... "New York values," saying the city ...'
            elif before in MEDIA_NOUNS and strong and lemma in SAY_LIKE:
                # "issued a statement saying that ...": the sentence's subject speaks
                np_b, bstart = subject_np or self._sentence_subject(toks, k), k
                if np_b is None:
                    return None
            elif (before == "as" and strong and k > 2 and text[toks[k - 2][0] : toks[k - 2][1]]
                  .lower() in {"quoted", "cited", "described"}):
                # "Trump was quoted as saying that ...": the passive subject speaks
                m = k - 3
                while m > 0 and text[toks[m][0] : toks[m][1]].lower() in PASSIVE_AUX:
                    m -= 1
                np_b, bstart = self._subject_before(toks, m + 1, 0)
                if np_b is None:
                    return None
            elif before not in BE_ING and before != "," and not before.endswith("ly"):
                return None  # "the court ruling could", "a tweet attacking"
        who = None  # "X, who said ...": the relative pronoun of the cue's own clause
        for t in toks[bstart:k] if np_b is not None else ():
            low = text[t[0] : t[1]].lower()
            if low in {"who", "which"}:
                who = t
            elif low in {",", "—", "–", "-"} and who is not None:
                who = None  # "Podesta, who said A, said B": B's clause has no relative
        via_who = who is not None
        prev_i = (bstart if np_b else k) - 1
        while not np_b and prev_i >= 0 and text[toks[prev_i][0] : toks[prev_i][1]].lower() in {
            "also", "has", "had", "have", "would", "will", "later", "then", "again"
        }:
            prev_i -= 1
        prev = text[toks[prev_i][0]] if prev_i >= 0 else ""
        words_before = self._n_words(ss, toks[prev_i][0]) if prev_i >= 0 else 0
        nxt_i = k + 1
        while nxt_i < nt and text[toks[nxt_i][0] : toks[nxt_i][1]].lower() in DAYS | {"on"}:
            nxt_i += 1
        nxt = text[toks[nxt_i][0] : toks[nxt_i][1]].lower() if nxt_i < nt else ""
        if lemma in QUOTE_ONLY_CUES and not (prev in CLOSE_MARKS or any(
                in_q[m] for m in range(k + 1, min(nt, k + 3)))):
            return None  # "The longer the shutdown continues, ..."
        # "..., records show." / "..., polls indicate, ...": evidence verbs after their content
        evidential = (lemma in EVIDENTIAL and np_b is not None and prev == ","
                      and nxt in {",", ".", ";", "!", "?", ""})
        if not (strong or evidential) or via_who or words_before < (
                1 if prev in CLOSE_MARKS else 2):
            postposed = False
        elif prev in CLOSE_MARKS:
            lead0, _ = self._split_head(toks[prev_i][0])
            postposed = nxt != "that" and not (
                lead0 and lead0[0] not in OPEN_MARKS and lead0.lower() in LEADS)
        elif prev in ",—–":
            lead0, n_lead = self._split_head(toks[prev_i][0])
            quote_before = prev_i > 0 and text[toks[prev_i - 1][0]] in CLOSE_MARKS
            quote_next = not quote_before and (nxt_i < nt and in_q[nxt_i] or (
                nxt == "," and nxt_i + 1 < nt and in_q[nxt_i + 1]
                and text[toks[nxt_i + 1][0]] in OPEN_MARKS))
            if nxt in {":", "that"} or quote_next or (
                    lead0 and lead0[0] not in OPEN_MARKS and lead0.lower() in LEADS
                    and n_lead <= 8):
                postposed = False
            elif np_b is not None and nxt not in {",", ".", "!", "?", ";", ""} and not (
                    self._sentence_ends(toks, in_q, k + 1)):
                postposed = False  # "Later, in Iowa, Trump said Bush is ...": a clause follows
            else:
                np_a, after = self._subject_after(toks, k + 1, nt)
                if np_a is not None and (after >= nt or text[toks[after][0]] in ".,!?;"):
                    postposed = True  # "..., said police Chief Joseph Boinnet."
                else:
                    postposed = not self._clause_follows(toks, in_q, k + 1)
        else:
            postposed = bool(np_b) and words_before >= 4 and self._sentence_ends(toks, in_q, k + 1)
            if postposed:
                prev_i = bstart - 1
                if prev_i < 0 or in_q[prev_i] and text[toks[prev_i][0]] not in CLOSE_MARKS:
                    postposed = False
        speaker, resume = np_b, k + 1
        inherit = False
        if (np_b is not None and w in NOUN_LIKE_CUES and not np_b.pronoun
                and not np_b.text.split()[-1][:1].isupper()
                and np_b.text.split()[-1].lower() not in lex.noun_kind):
            return None  # "member states that", "news reports say" read as nouns
        bare = w == lemma and np_b is not None and not (
            np_b.pronoun or np_b.text.lower().endswith(("s", "data")) or " and " in np_b.text
            or lex.noun_kind.get(np_b.text.split()[-1].lower()) == "group"
            or np_b.kind == "group" and np_b.text.split()[0].lower() not in POSSESSIVES
            or self._modal_before(toks, k))
        progressive = w.endswith("ing") and k > 0 and text[
            toks[k - 1][0] : toks[k - 1][1]].lower() in BE_ING  # "is calling for"
        if ((not strong and w.endswith("ing") and not progressive) or bare) and not (
                w.endswith("ing") and (prev == "," or ptcp)):
            return None
        if np_b is not None and np_b.pronoun and np_b.text.lower() == "you":
            return None  # generic "you" outside quotation marks: "When you say you hate it"
        if lemma == "call" and np_b is not None and not (
                np_b.pronoun or np_b.text[:1].isupper() and np_b.kind != "unknown"):
            return None
        if w.endswith("ing") and (prev == "," or ptcp) and not np_b:
            # ", adding that ..." / ", saying ...": the sentence's subject speaks
            speaker = subject_np or (out[-1].speaker if out else None)
            if speaker is None:
                first, _ = self._subject_after(toks, self._clause_start(toks, k), k)
                speaker = first
            inherit = speaker is None
            postposed = False
        elif postposed and not np_b:
            np_a, after = self._subject_after(toks, k + 1, nt)
            if np_a is None:
                return None
            speaker, resume = np_a, after
        elif not np_b and self._coordinated(toks, k) and (
                out and out[-1].speaker is not None or self._sentence_subject(toks, k)):
            # "X claimed vast wealth and said it ensured ..."
            speaker = out[-1].speaker if out and out[-1].speaker else self._sentence_subject(
                toks, k)
        elif not np_b:
            # "Colton laughed and stuttered, ..." / "she picked it up and crowed, ..."
            if not (strong and k > 1 and text[toks[k - 1][0] : toks[k - 1][1]] in {"and", "then"}
                    and k + 1 < nt and (in_q[k + 1] or k + 2 < nt and in_q[k + 2]
                                        and text[toks[k + 1][0]] in ",:")):
                return None
            first, _ = self._subject_after(toks, 0, k)
            if first is None or first.kind not in ("person", "group", "organization"):
                return None
            speaker = first
        if postposed:
            start = used.last_end(ss, toks[prev_i][0])
            content = self._content(start, toks[prev_i][0] + (1 if prev in CLOSE_MARKS else 0),
                                    pairs)
            if content is None:
                return None
            parts, typ = content
            last = self._pair_index(pairs).first_closing(
                (toks[prev_i][0], toks[prev_i][0] - 1), start)
            if typ == "mixed" and last is not None:
                lead = text[start : last.open_at].rstrip()
                if not lead or lead[-1] in ".!?:;":
                    parts, typ = [(last.start, last.end)], "direct"
            # split quote: '"A," he said, "B"'
            j = resume
            while j < nt and text[toks[j][0] : toks[j][1]].lower() in TIME_WORDS - {"a", "an"}:
                j += 1
            if j + 1 < nt and text[toks[j][0]] == "," and text[toks[j + 1][0]] in OPEN_MARKS:
                nxt = self._pair_index(pairs).first_opening(toks[j + 1][0], toks[j + 1][0])
                if nxt is not None and typ == "direct":
                    parts = [*parts, (nxt.start, nxt.end)]
                    resume = j + 2
                    while resume < nt and in_q[resume]:
                        resume += 1
            elif (np_b is not None and j + 1 < nt and text[toks[j][0]] == "," and typ != "direct"
                  and not in_q[j + 1] and not self._starts_clause_cue(toks, j + 1)
                  and text[toks[j + 1][0] : toks[j + 1][1]] != "and"):
                # "The museum, Mr. Obama said, would make visitors face ..."
                tail = self._content(toks[j + 1][0], self._clause_end(toks[j + 1][0], se, pairs),
                                     pairs)
                if tail is not None and self._n_words(*tail[0][0]) >= 2:
                    parts = [*parts, *tail[0]]
                    if tail[1] == "mixed":
                        typ = "mixed"
                    resume = j + 1
            rq = RawQuote(parts, typ, cue, speaker, para, sent, inherit, strong)
            if who is not None and speaker is np_b:
                rq.extra["surface"] = who  # "Obama, who claimed ...": the relative is nearest
            rq.extra["resume"] = resume
            return rq
        # pre-posed: content after the cue
        j = k + 1
        if lemma in OBJECT_CUES:
            _, j = self._subject_after(toks, j, nt)
            if j > k + 1:
                j = self._skip_adjuncts(toks, j)  # "told The Canadian Press by email the ..."
            while j < nt and text[toks[j][0] : toks[j][1]].lower() in DAYS | {"on", "last"}:
                j += 1
            nw = text[toks[j][0] : toks[j][1]].lower() if j < nt else ""
            if nw == "not" and j + 1 < nt and text[toks[j + 1][0] : toks[j + 1][1]] == "to":
                nw = "to"  # "urged people not to spread rumors"
            if lemma in TELL_LIKE and nw != "that":
                far = self._that_after_object(toks, in_q, k + 1)
                if far is not None:
                    j, nw = far, "that"  # "told the audience at his fundraiser that ..."
                elif j == k + 1:
                    j = self._object_before_quote(toks, in_q, j)  # 'told reporters, "It ..."'
                    nw = text[toks[j][0] : toks[j][1]].lower() if j < nt else ""
            if j > k + 1 and not (nw in {"that", "to", "if", "whether", ":", ",", "about", "how",
                                         "what", "why", "when", "where"}
                                  or (j < nt and in_q[j])
                                  or ((nw in lex.pronouns["subject"] or nw in DETERMINERS)
                                      and self._finite_soon(toks, j, "claim"))):
                return None
            if nw == "to":
                j = k + 1  # "urged people to send a message": the object is part of it
        else:
            j = self._skip_adjuncts(toks, j)
        that_at = None
        for m in range(j, min(nt, j + 9)):
            tw = text[toks[m][0] : toks[m][1]].lower()
            if in_q[m]:
                break
            if tw == "that":
                that_at = m
                break
            if tw in STOP and tw not in {"in", "on", "at", "to", "with", "by", "for", "during",
                                         "of", "about"}:
                break
            if tw in {".", ";", "!", "?"}:
                break
        if that_at is not None and self._relative_that(toks, j, that_at):
            if lemma not in lex.object_cues and lemma != "say":
                return None  # "announced the end of a siege that echoed ..."
            that_at = None  # "says the system works on the assumption that ..."
        if that_at is not None:
            j = that_at + 1
        else:
            that_at = None
            while j < nt and text[toks[j][0] : toks[j][1]].lower() in SKIP_AFTER_CUE:
                j += 1
        if not strong:
            nxt = text[toks[j][0] : toks[j][1]].lower() if j < nt else ""
            if nxt == "to" and lemma in INTENT_VERBS:
                pass
            elif that_at is None and lemma not in lex.object_cues and not (
                    lemma in CLAUSE_WEAK and (
                        nxt in lex.pronouns["subject"] or nxt in {"the", "a", "an"}
                        or lemma != "know" and not self._modal_before(toks, k)
                        and self._third_party_clause(toks, j, np_b))):
                return None
        if j >= nt:
            return None
        first = text[toks[j][0] : toks[j][1]].lower()
        if lemma == "call" and first in {"for", "on"} and j + 1 < nt:
            j += 1  # "called for steep new tariffs" / "called on Congress to act"
        elif first == "to" and lemma in INTENT_VERBS:
            pass  # "wants to make tuition free", "pledged to cut taxes"
        elif that_at is None and first in PREPOSITIONS or first == "to" or (
                lemma in lex.object_cues and that_at is None and first in {"in", "on", "at"}):
            return None
        if (that_at is None and not in_q[j] and not self._finite_soon(toks, j, lemma)
                and lemma not in lex.object_cues and not (first == "to" and lemma in INTENT_VERBS)):
            return None
        end = self._clause_end(toks[j][0], se, pairs)
        if self._in_subordinate(toks, bstart if np_b else k) or (
                who is not None and text[who[0] - 2 : who[0]].strip() == ","):
            end = self._comma_end(toks, in_q, j, end)  # "When X said Y, Z" / "X, who said Y, Z"
        content = self._content(toks[j][0], end, pairs)
        if content is None:
            return None
        parts, typ = content
        if that_at is not None and typ != "direct" and parts[0][0] == toks[j][0]:
            parts = [(toks[that_at][0], parts[0][1]), *parts[1:]]  # the complementizer too
        lead = self._parenthetical_lead(toks, bstart if np_b else k, k, ss, used)
        if lead is not None:
            parts = [lead, *parts]  # "Voters, Clinton suggested, don't have to worry"
        rq = RawQuote(parts, typ, cue, speaker, para, sent, inherit, strong)
        if who is not None and speaker is np_b:
            rq.extra["surface"] = who  # "Obama, who claimed ...": the relative is nearest
        rq.extra["preposed"] = True
        rq.extra["resume"] = j
        return rq
