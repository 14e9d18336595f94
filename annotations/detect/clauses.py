"""Clause rules of the quote finder: where reported content starts and stops.

``ClauseRules`` is mixed into ``quotes.SentenceQuotes``: finite-clause tests after a cue, the
end of a reported clause (dash asides, ", which", a second attribution, the comma closing a
subordinate or relative clause), relative "that", coordinated cues and skipped adjuncts. Each
method reads ``self.text`` (the document) and ``self.lex`` (the word lists) and a sentence's
tokens.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from annotations.detect.index import ChunkIndex, LeftmostSearch, PairIndex, guard
from annotations.detect.lexicon import Lexicon
from annotations.detect.mentions import TIME_WORDS, TokenMemo
from annotations.detect.patterns import (
    ADJUNCT_RE,
    CLAUSE_STOP_RE,
    CONTINUE_WORDS,
    CONTRACTED_AUX,
    COORD_SKIP,
    FINITE,
    LEADS,
    MODALS,
    PRONOUN_IS,
    SAY_LIKE,
    SUBORDINATORS,
    TAIL_WORDS,
    TRAILING_ADJUNCT_RE,
)
from annotations.detect.quotemarks import MarkPair
from annotations.text import WORD_RE

Toks = list[tuple[int, int]]

CLAUSE_STOP_GUARDED = guard(CLAUSE_STOP_RE)
TRAILING_GUARDED = guard(TRAILING_ADJUNCT_RE)
# No trailing adjunct ("in a statement on Friday morning") spans more than nine chunks of
# text; its search only looks at the last ones (one more for good measure).
TRAILING_CHUNKS = 10
TRAILING_STRIP = " .,;:!?"
# below this length, a stretch is scanned rather than indexed (the index pays off on long ones)
SHORT_STRETCH = 400
ASIDE_REACH = 120  # the furthest a closing dash or a relative clause's comma is looked for
_NO_TOKENS = TokenMemo()  # for sentences without tokens: nothing is ever asked of it


class ClauseRules:
    """Clause-boundary tests shared by the sentence finder (needs ``text`` and ``lex``).

    The answers that depend only on the sentence (where clause stops are, which tokens are
    commas) are kept per sentence (``_reset_clause_state``), so a sentence with many cues
    finds them once.
    """

    text: str
    lex: Lexicon
    _toks: Toks
    _in_q: list[bool]

    def _pair_index(self, pairs: list[MarkPair]) -> PairIndex:
        raise NotImplementedError

    def _reset_clause_state(self, ss: int, se: int, toks: Toks) -> None:
        """Forget the previous sentence's clause answers."""
        self._sent_span = (ss, se)
        self._stops: dict[tuple[int, int], tuple[LeftmostSearch, dict[int, int]]] = {}
        self._trailing: dict[tuple[int, int], int | None] = {}
        self._stripped_end: dict[int, int] = {}
        self._chunk_index: ChunkIndex | None = None
        self._comma_toks: list[int] | None = None
        self._free_comma_toks: list[int] = []
        self._marks_at: dict[str, list[int]] = {}
        self._memo = TokenMemo() if toks else _NO_TOKENS

    def _clause_end(self, start: int, end: int, pairs: list[MarkPair]) -> int:
        """Where reported content starting at ``start`` stops: a dash aside, ", which", or
        right after a leading quotation followed by "and"/"," (the rest is narration)."""
        text = self.text
        if end - start < SHORT_STRETCH and not self._stops:
            return self._clause_end_scan(start, end, pairs)
        index = self._pair_index(pairs)
        lead = index.first_opening(start - 1, start)
        if lead is not None:
            rest = text[lead.close_at + 1 : lead.close_at + 12].lstrip()
            if rest[:1] in {",", "—", "–", "("} or rest.split(" ", 1)[0] in CONTINUE_WORDS:
                return lead.close_at + 1
        stop = self._stop_after(start, end, pairs, index)
        trailing = self._trailing_adjunct(start, stop)
        if trailing is not None:
            stop = trailing
        return stop

    def _clause_end_scan(self, start: int, end: int, pairs: list[MarkPair]) -> int:
        """``_clause_end`` by plain scans (for a short stretch)."""
        text = self.text
        lead = next((p for p in pairs if start - 1 <= p.open_at <= start), None)
        if lead is not None:
            rest = text[lead.close_at + 1 : lead.close_at + 12].lstrip()
            if rest[:1] in {",", "—", "–", "("} or rest.split(" ", 1)[0] in CONTINUE_WORDS:
                return lead.close_at + 1
        m = CLAUSE_STOP_RE.search(text, start, end)
        while m is not None:
            if any(p.open_at < m.start() < p.close_at for p in pairs):
                m = CLAUSE_STOP_RE.search(text, m.end(), end)
                continue
            close = self._aside_close(m, end) or self._relative_close(m, end)
            if close is None:
                break
            m = CLAUSE_STOP_RE.search(text, close, end)  # past the aside's closing dash
        stop = m.start() if m else end
        t = TRAILING_ADJUNCT_RE.search(text[start:stop].rstrip(TRAILING_STRIP))
        if t is not None and t.start() > 0:
            stop = start + t.start()
        return stop

    def _stop_after(self, start: int, end: int, pairs: list[MarkPair], index: PairIndex) -> int:
        """Where the first clause stop after ``start`` that is not inside a quotation and
        does not open an aside (a dash or relative clause closed before ``end``) begins."""
        key = (end, id(pairs))
        if key not in self._stops:
            ss = self._sent_span[0]
            search = LeftmostSearch(CLAUSE_STOP_RE, CLAUSE_STOP_GUARDED, self.text,
                                    min(ss, start), end)
            self._stops[key] = (search, {})
        search, resolved = self._stops[key]
        first = search.search(start)
        if first is None:
            return end
        chain: list[int] = []
        m: re.Match[str] | None = first
        while m is not None and m.start() not in resolved:
            chain.append(m.start())
            if index.strictly_inside(m.start()):
                m = search.search(m.end())
                continue
            close = self._aside_close(m, end) or self._relative_close(m, end)
            if close is None:
                break
            m = search.search(close)  # past the aside's closing dash
        stop = end if m is None else resolved.get(m.start(), m.start())
        for at in chain:
            resolved[at] = stop
        return stop

    def _trailing_adjunct(self, start: int, stop: int) -> int | None:
        """Where a trailing "in a statement on Friday" ending ``text[start:stop]`` begins
        (not at ``start`` itself), else None."""
        text = self.text
        ss, se = self._sent_span
        if not ss <= start <= stop <= se or (
                self._chunk_index is None and stop - start < SHORT_STRETCH):
            t = TRAILING_ADJUNCT_RE.search(text[start:stop].rstrip(TRAILING_STRIP))
            return start + t.start() if t is not None and t.start() > 0 else None
        end = self._stripped_end.get(stop)
        if end is None:
            end = stop
            while end > ss and text[end - 1] in TRAILING_STRIP:
                end -= 1
            self._stripped_end[stop] = end
        end = max(start, end)
        window = self._chunks().window(start, end, TRAILING_CHUNKS)
        key = (window, end)
        if key not in self._trailing:
            t = TRAILING_GUARDED.search(text[window:end])
            self._trailing[key] = None if t is None else window + t.start()
        found = self._trailing[key]
        return found if found is not None and found > start else None

    def _chunks(self) -> ChunkIndex:
        if self._chunk_index is None:
            self._chunk_index = ChunkIndex(self.text, *self._sent_span)
        return self._chunk_index

    def _commas(self, *, free: bool) -> list[int]:
        """Indices of the sentence's comma tokens (``free``: outside quotation marks only)."""
        if self._comma_toks is None:
            text, in_q = self.text, self._in_q
            self._comma_toks = [i for i, t in enumerate(self._toks) if text[t[0]] == ","]
            self._free_comma_toks = [i for i in self._comma_toks if not in_q[i]]
        return self._free_comma_toks if free else self._comma_toks

    def _next_free_comma(self, toks: Toks, in_q: list[bool], j: int) -> int | None:
        """The first token from ``j`` on that is a comma outside quotation marks."""
        if toks is self._toks and in_q is self._in_q:
            commas = self._commas(free=True)
            i = bisect_left(commas, j)
            return commas[i] if i < len(commas) else None
        text = self.text
        return next((m for m in range(j, len(toks))
                     if text[toks[m][0]] == "," and not in_q[m]), None)

    def _last_mark(self, marks: str, lo: int, hi: int) -> int:
        """``max(text.rfind(c, lo, hi) for c in marks)``, from the sentence's own list."""
        ss, se = self._sent_span
        if not ss <= lo <= hi <= se:
            return max(self.text.rfind(c, lo, hi) for c in marks)
        at = self._marks_at.get(marks)
        if at is None:
            found = re.compile("[" + re.escape(marks) + "]").finditer(self.text, ss, se)
            at = self._marks_at[marks] = [m.start() for m in found]
        i = bisect_left(at, hi) - 1
        return at[i] if i >= 0 and at[i] >= lo else -1

    def _relative_close(self, m: re.Match[str], end: int) -> int | None:
        """When ``m`` is ", which ..." closed by a comma before the clause's verb ("the decision,
        which struck down X, illustrates ..."), the offset past that comma; else None."""
        text = self.text
        if not m.group().startswith(",") or not m.group().rstrip().endswith("which"):
            return None
        close = text.find(",", m.end(), min(end, m.end() + ASIDE_REACH + 1))
        if close == -1:
            return None
        at = close + 1
        while at < len(text) and text[at].isspace():
            at += 1
        nxt = WORD_RE.match(text, at)
        if nxt is None or not nxt.group().islower():
            return None
        w = nxt.group()
        if w in FINITE or (w.endswith("s") and not w.endswith("ss")) or w.endswith("ed"):
            return close + 1
        return None

    def _aside_close(self, m: re.Match[str], end: int) -> int | None:
        """When the dash matched by ``m`` opens an aside closed by a second dash before ``end``
        (the reported clause goes on: "the obliteration — a word used by several — was
        changing"), the offset past the closing dash; else None."""
        text = self.text
        dash = m.group().strip()
        if dash not in {"—", "–", "--"}:
            return None
        reach = min(end, m.end() + ASIDE_REACH + len(dash) + 2)
        close = text.find(" " + dash + " ", m.end(), reach)
        if close == -1 or any(c in text[m.end() : close] for c in ".;!?"):
            return None
        return close + len(dash) + 2

    def _finite_soon(self, toks: Toks, j: int, lemma: str) -> bool:
        """A reported clause (not a noun object) starts at ``j``: a finite verb comes soon."""
        text = self.text
        if lemma in {"say", "tell"}:
            return True
        for m in range(j, min(len(toks), j + 10)):
            tw = text[toks[m][0] : toks[m][1]].lower()
            if tw in FINITE or tw.endswith(CONTRACTED_AUX) or tw[:-2] in PRONOUN_IS or tw.endswith(
                    ("n't", "’s", "'s")) and m > j or (
                    tw.endswith("ed") and m > j) or tw in self.lex.cue_lemma and m > j:
                return lemma in SAY_LIKE or tw in FINITE
            if tw in {",", ".", ";", ":"}:
                return False
        return False

    def _skip_adjuncts(self, toks: Toks, j: int) -> int:
        """Skip "in a statement", "by text message", "to CBC News", "on Friday" after a cue."""
        text = self.text
        pos = toks[j][0] if j < len(toks) else len(text)
        m = ADJUNCT_RE.match(text, pos)
        if not m or m.end() == pos:
            return j
        end = m.end()
        while j < len(toks) and toks[j][0] < end:
            j += 1
        return j

    def _starts_clause_cue(self, toks: Toks, j: int) -> bool:
        w = self.text[toks[j][0] : toks[j][1]].lower()
        return w.endswith("ing") or w in {"according", "who", "which", "though", "although"}

    def _modal_before(self, toks: Toks, k: int) -> bool:
        w = self.text[toks[k - 1][0] : toks[k - 1][1]].lower() if k else ""
        return w in MODALS

    def _sentence_ends(self, toks: Toks, in_q: list[bool], j: int) -> bool:
        """Only a short tail (time, place, "in a statement") follows the cue."""
        text = self.text
        for m in range(j, min(len(toks), j + 8)):
            tw = text[toks[m][0] : toks[m][1]]
            if tw in {".", "!", "?"}:
                return True
            if tw == "," and m + 1 < len(toks) and in_q[m + 1]:
                return True
            if in_q[m] or tw.lower() == "that" or tw == ",":
                return False
            if not (tw.lower() in TIME_WORDS or tw[:1].isupper() or tw.lower() in TAIL_WORDS
                    or tw.isdigit() and len(tw) == 4):  # "..., Politico reported in 2014."
                return False
        return len(toks) <= j

    def _clause_start(self, toks: Toks, k: int) -> int:
        """The main clause's first token, after an opening adjunct ("In a statement, IRCC")."""
        text = self.text
        if not toks or text[toks[0][0] : toks[0][1]].lower() not in LEADS:
            return 0
        for m in range(1, min(k, 12)):
            if text[toks[m][0]] == ",":
                return m + 1
        return 0

    def _relative_that(self, toks: Toks, j: int, that_at: int) -> bool:
        """ "that" after a noun object is a relative pronoun ("the recipes that she cooks")."""
        text = self.text
        if that_at <= j:
            return False
        before = text[toks[that_at - 1][0] : toks[that_at - 1][1]]
        low = before.lower()
        if not before.isalpha() or before[0].isupper() or low in TIME_WORDS:
            return False
        if low in self.lex.noun_kind or low.rstrip("s") in self.lex.noun_kind:
            return False  # "told reporters that"
        if text[toks[j][0] : toks[j][1]].lower() in {"of", "about"}:
            return False  # "stated of the email scandal that ..."
        gap = {text[t[0] : t[1]].lower() for t in toks[j:that_at]}
        return bool(gap & {"the", "a", "an", "this", "these", "those", "his", "her", "their"})

    def _coordinated(self, toks: Toks, k: int) -> bool:
        """ "... and said ..." / "... but also noted ...": a second verb of the same subject."""
        text = self.text
        w = text[toks[k][0] : toks[k][1]].lower()
        if w == self.lex.cue_lemma.get(w):
            return False  # a bare form after "and" is rarely a second reporting verb
        j = k - 1
        while j > 0 and text[toks[j][0] : toks[j][1]].lower() in COORD_SKIP:
            j -= 1  # "... and has repeatedly promised that"
        return j > 0 and text[toks[j][0] : toks[j][1]].lower() in {"and", "but"}

    def _clause_follows(self, toks: Toks, in_q: list[bool], j: int) -> bool:
        """True when a reported clause follows the cue ("..., Homan said that ICE was")."""
        text = self.text
        n = 0
        for m in range(j, len(toks)):
            if in_q[m]:
                return n >= 3
            tw = text[toks[m][0] : toks[m][1]].lower()
            if tw == "that" and n <= 3:
                return True
            if not tw[0].isalnum():
                return n >= 4
            if tw in TIME_WORDS and n == 0:
                continue
            n += 1
            if n >= 4:
                return True  # nothing later can make it False
        return n >= 4

    def _in_subordinate(self, toks: Toks, b: int) -> bool:
        """The cue stands in a sentence-initial subordinate clause ("When X said ...,")."""
        text = self.text
        if not toks or b <= 0:
            return False
        first = text[toks[0][0] : toks[0][1]].lower()
        if first not in SUBORDINATORS and not (
                b >= 2 and text[toks[1][0] : toks[1][1]].lower() in {"after", "before"}
                and first in {"days", "weeks", "months", "hours", "years", "minutes", "moments"}):
            return False
        if toks is self._toks:
            commas = self._commas(free=False)
            i = bisect_left(commas, 1)
            return not (i < len(commas) and commas[i] < b)
        return not any(text[t[0]] == "," for t in toks[1:b])

    def _comma_end(self, toks: Toks, in_q: list[bool], j: int, end: int) -> int:
        """The first comma outside quotation marks after token ``j`` (before ``end``)."""
        m = self._next_free_comma(toks, in_q, j + 1)
        return toks[m][0] if m is not None and toks[m][0] < end else end

    def _that_after_object(self, toks: Toks, in_q: list[bool], j: int) -> int | None:
        """Index of a "that" closing a longer object phrase after a tell-like cue."""
        text = self.text
        for m in range(j + 1, min(len(toks), j + 12)):
            tw = text[toks[m][0] : toks[m][1]].lower()
            if tw == "that":
                return m
            if in_q[m] or not tw[0].isalnum() or tw in FINITE or tw in self.lex.cue_lemma or (
                    tw in {"who", "which", "whom", "whose", "and", "but", "to"}):
                return None
        return None
