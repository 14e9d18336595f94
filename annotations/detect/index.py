"""Per-sentence indexes that keep the quote finder linear in the length of a sentence.

The finder asks the same questions once per cue verb: how many words lie between two offsets,
which quotations overlap a stretch, whether an offset is already claimed by a quote, where the
reported clause stops. Answered by scanning, a sentence with thousands of cues (a 100 KB line
of "said said said", thousands of '"x," said Bob,') costs cues x length. Each class here answers
one such question from an index built once per sentence, with exactly the answer the scan
gives, so results do not change; small inputs keep the plain scans where those are cheaper.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Sequence

from annotations.detect.quotemarks import MarkPair
from annotations.text import WORD_RE

Span = tuple[int, int]

CHUNK_RE = re.compile(r"\S+")
# an offset inside a run of white space (white space before and at it)
INSIDE_SPACE_RE = re.compile(r"(?<=\s)\s")


class WordIndex:
    """``len(WORD_RE.findall(text, s, e))`` for any ``lo <= s <= e <= hi``, in log time.

    Short stretches are simply scanned; the index is built on the first long one.
    """

    __slots__ = ("text", "lo", "hi", "_starts", "_ends")

    SHORT = 200

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self.text, self.lo, self.hi = text, lo, hi
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def count(self, s: int, e: int) -> int:
        """Number of words a scan of ``text[s:e]`` finds."""
        if not self.lo <= s <= e <= self.hi or (self._starts is None and e - s < self.SHORT):
            return len(WORD_RE.findall(self.text, s, e))
        if self._starts is None:
            spans = [m.span() for m in WORD_RE.finditer(self.text, self.lo, self.hi)]
            self._starts = [a for a, _ in spans]
            self._ends = [b for _, b in spans]
        starts, ends = self._starts, self._ends
        i = bisect_left(starts, s)
        n = bisect_left(starts, e) - i
        if i > 0 and ends[i - 1] > s:
            # ``s`` falls inside a word: a scan from ``s`` finds its tail (after a joining
            # apostrophe or hyphen, one character later) as a word of its own
            first = s if WORD_RE.match(self.text, s, s + 1) else s + 1
            if first < e:
                n += 1
        return n


class ChunkIndex:
    """The white-space separated chunks (``str.split()``) of the sentence ``text[lo:hi]``."""

    __slots__ = ("text", "lo", "hi", "_starts", "_ends")

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self.text, self.lo, self.hi = text, lo, hi
        spans = [m.span() for m in CHUNK_RE.finditer(text, lo, hi)]
        self._starts = [a for a, _ in spans]
        self._ends = [b for _, b in spans]

    def split_head(self, end: int, longest: int) -> tuple[str | None, int]:
        """For ``text[lo:end].split()``: its first item (``None`` when empty; ``""`` when longer
        than ``longest`` characters) and its length."""
        n = bisect_left(self._starts, end)
        if n == 0:
            return None, 0
        a = self._starts[0]
        b = min(self._ends[0], end)
        return (self.text[a:b] if b - a <= longest else ""), n

    def window(self, s: int, e: int, keep: int) -> int:
        """The offset in ``[s, e)`` where the last ``keep`` chunks of ``text[s:e]`` begin,
        counted from the white space before them; ``s`` when there are fewer."""
        last = bisect_left(self._starts, e) - 1
        first = bisect_right(self._ends, s)
        if last - first + 1 <= keep:
            return s
        return max(s, self._ends[last - keep])


class PairIndex:
    """Queries over a sentence's quotations (``MarkPair`` sorted by opening offset).

    Top-level quotations never overlap, so opening and closing offsets both increase and
    every query is a binary search; a list without that order falls back to the plain scan.
    """

    __slots__ = ("pairs", "opens", "closes", "ordered", "sorted_opens", "_reach")

    SMALL = 8  # up to this many pairs, plain scans are quicker than building the index

    def __init__(self, pairs: Sequence[MarkPair]) -> None:
        self.pairs = pairs
        if len(pairs) <= self.SMALL:
            self.ordered = self.sorted_opens = False
            return
        self.opens = [p.open_at for p in pairs]
        self.closes = [p.close_at for p in pairs]
        self.sorted_opens = all(a <= b for a, b in zip(self.opens, self.opens[1:], strict=False))
        self.ordered = self.sorted_opens and all(
            a <= b for a, b in zip(self.closes, self.closes[1:], strict=False))
        reach, furthest = [], -1
        for close in self.closes:
            furthest = max(furthest, close)
            reach.append(furthest)
        self._reach = reach

    def overlapping(self, ts: int, te: int) -> list[MarkPair]:
        """``[p for p in pairs if p.open_at < te and p.close_at >= ts]``."""
        if not self.ordered:
            return [p for p in self.pairs if p.open_at < te and p.close_at >= ts]
        lo, hi = bisect_left(self.closes, ts), bisect_left(self.opens, te)
        return list(self.pairs[lo:hi]) if lo < hi else []

    def strictly_inside(self, at: int) -> bool:
        """``any(p.open_at < at < p.close_at for p in pairs)``."""
        if not self.sorted_opens:
            return any(p.open_at < at < p.close_at for p in self.pairs)
        i = bisect_left(self.opens, at)
        return i > 0 and self._reach[i - 1] > at

    def first_opening(self, lo: int, hi: int) -> MarkPair | None:
        """The first pair (in list order) whose opening mark is at ``lo..hi`` (inclusive)."""
        if not self.sorted_opens:
            return next((p for p in self.pairs if lo <= p.open_at <= hi), None)
        i = bisect_left(self.opens, lo)
        return self.pairs[i] if i < len(self.pairs) and self.opens[i] <= hi else None

    def first_closing(self, at: tuple[int, ...], after: int) -> MarkPair | None:
        """The first pair closing at one of the offsets ``at`` and opening after ``after``."""
        if not self.ordered:
            return next((p for p in self.pairs if p.close_at in at and p.open_at > after), None)
        lo, hi = bisect_left(self.closes, min(at)), bisect_right(self.closes, max(at))
        return next((p for p in self.pairs[lo:hi] if p.close_at in at and p.open_at > after),
                    None)


class SpanSet:
    """The spans a sentence's quotes already claim (a multiset), with the four questions the
    finder asks of it. Plain list scans while small; past ``SMALL`` spans, sorted offsets and
    a max segment tree over the sentence's offsets ``lo..hi``."""

    SMALL = 16

    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi
        self.items: list[Span] = []
        self._big = False
        self._outside = False  # a span starts outside lo..hi: the index cannot hold it

    def add(self, span: Span) -> None:
        """Claim one more span."""
        if not self.lo <= span[0] <= self.hi:
            self._outside = True
            if self._big:
                self._shrink()
        if not self._big:
            self.items.append(span)
            if len(self.items) > self.SMALL and not self._outside:
                self._grow()
            return
        self._insert(span)

    def extend(self, spans: Sequence[Span]) -> None:
        """Claim several spans."""
        for span in spans:
            self.add(span)

    def replace(self, old: Span, new: Span) -> None:
        """Drop every copy of ``old`` and claim ``new``."""
        if not self._big:
            self.items = [s for s in self.items if s != old] + [new]
            return
        for _ in range(self._count.get(old, 0)):
            self._remove(old)
        self.add(new)

    def covers(self, at: int) -> bool:
        """``any(s <= at < e for s, e in spans)``."""
        if not self._big:
            return any(s <= at < e for s, e in self.items)
        if at < self.lo:
            return False
        return self._max_end(min(at, self.hi) - self.lo) > at

    def starts_within(self, a: int, b: int) -> bool:
        """``any(a <= s < b for s, _ in spans)``."""
        if not self._big:
            return any(a <= s < b for s, _ in self.items)
        i = bisect_left(self._starts, a)
        return i < len(self._starts) and self._starts[i] < b

    def last_end(self, floor: int, at_most: int) -> int:
        """``max([floor] + [e for _, e in spans if e <= at_most])``."""
        if not self._big:
            return max([floor] + [e for _, e in self.items if e <= at_most])
        i = bisect_right(self._ends, at_most)
        return max(floor, self._ends[i - 1]) if i else floor

    # ------------------------------------------------------------------ indexed mode
    def _grow(self) -> None:
        self._big = True
        self._count: Counter[Span] = Counter()
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._ends_at: dict[int, Counter[int]] = {}
        self._size = 1
        while self._size < self.hi - self.lo + 1:
            self._size *= 2
        self._tree = [-1] * (2 * self._size)
        items, self.items = self.items, []
        for span in items:
            self._insert(span)

    def _shrink(self) -> None:
        self.items = [span for span, n in self._count.items() for _ in range(n)]
        self._big = False
        self._count.clear()
        self._starts, self._ends, self._ends_at, self._tree = [], [], {}, []

    def _insert(self, span: Span) -> None:
        s, e = span
        self._count[span] += 1
        insort(self._starts, s)
        insort(self._ends, e)
        self._ends_at.setdefault(s, Counter())[e] += 1
        self._set_leaf(s)

    def _remove(self, span: Span) -> None:
        s, e = span
        self._count[span] -= 1
        if not self._count[span]:
            del self._count[span]
        del self._starts[bisect_left(self._starts, s)]
        del self._ends[bisect_left(self._ends, e)]
        ends = self._ends_at[s]
        ends[e] -= 1
        if not ends[e]:
            del ends[e]
        self._set_leaf(s)

    def _set_leaf(self, s: int) -> None:
        ends = self._ends_at.get(s)
        i = s - self.lo + self._size
        tree = self._tree
        tree[i] = max(ends) if ends else -1
        i //= 2
        while i:
            a, b = tree[2 * i], tree[2 * i + 1]
            best = a if a > b else b
            if tree[i] == best:
                break  # the ancestors are unchanged too
            tree[i] = best
            i //= 2

    def _max_end(self, last: int) -> int:
        """The largest end among spans starting at offsets ``lo .. lo + last``."""
        best = -1
        a, b = self._size, last + self._size + 1
        tree = self._tree
        while a < b:
            if a & 1:
                if tree[a] > best:
                    best = tree[a]
                a += 1
            if b & 1:
                b -= 1
                if tree[b] > best:
                    best = tree[b]
            a //= 2
            b //= 2
        return best


class LeftmostSearch:
    """``pattern.search(text, at, end)`` for many ``at`` in one stretch, each offset of it
    tried once in all.

    Match positions are listed in order, on demand, with ``guarded`` (the pattern behind a
    guard that skips offsets inside a run of white space: where the pattern can match there,
    it also matches one offset earlier, so the leftmost match never starts there unless the
    search itself does; that case is tried on its own). Without the guard, a pattern starting
    with ``\\s+`` costs the square of a long run of spaces.
    """

    __slots__ = ("pattern", "guarded", "text", "end", "_floor", "_at", "_found", "_next",
                 "_done")

    def __init__(self, pattern: re.Pattern[str], guarded: re.Pattern[str], text: str,
                 start: int, end: int) -> None:
        self.pattern, self.guarded, self.text, self.end = pattern, guarded, text, end
        self._floor = start
        self._at: list[int] = []
        self._found: list[re.Match[str]] = []
        self._next = start
        self._done = False

    def search(self, at: int) -> re.Match[str] | None:
        """The leftmost match starting at ``at`` or later (before ``end``)."""
        if at < self._floor:
            return self.pattern.search(self.text, at, self.end)
        if INSIDE_SPACE_RE.match(self.text, at, self.end):
            m = self.pattern.match(self.text, at, self.end)
            if m is not None:
                return m
        i = bisect_left(self._at, at)
        while i == len(self._at) and not self._done:
            self._scan()
            i = bisect_left(self._at, at)
        return self._found[i] if i < len(self._found) else None

    def _scan(self) -> None:
        m = self.guarded.search(self.text, self._next, self.end)
        if m is None:
            self._done = True
            return
        self._at.append(m.start())
        self._found.append(m)
        self._next = m.start() + 1


def guard(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` that does not start inside a run of white space (see ``LeftmostSearch``)."""
    return re.compile(r"(?!(?<=\s)\s)(?:" + pattern.pattern + ")", pattern.flags)


class StabList:
    """Spans kept in the order they were added, asked for the ones strictly containing an
    offset (``s < at < e``), in that order. While starts do not decrease (the finder's
    pre-posed contents), a max segment tree over the ends answers in log time per span found;
    otherwise, a plain scan."""

    def __init__(self, capacity: int) -> None:
        self._size = 1
        while self._size < max(1, capacity):
            self._size *= 2
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._tree = [-1] * (2 * self._size)
        self._sorted = True

    def append(self, span: Span) -> None:
        """Add a span (its index is the number of spans added before it)."""
        i = len(self._starts)
        if i == self._size:
            self._regrow()
        if self._starts and span[0] < self._starts[-1]:
            self._sorted = False
        self._starts.append(span[0])
        self._ends.append(span[1])
        self._set(i, span[1])

    def update(self, i: int, span: Span) -> None:
        """Replace span ``i``."""
        self._starts[i], self._ends[i] = span
        if (i > 0 and self._starts[i - 1] > span[0]) or (
                i + 1 < len(self._starts) and span[0] > self._starts[i + 1]):
            self._sorted = False
        self._set(i, span[1])

    def stabbed(self, at: int) -> list[int]:
        """Indices (ascending) of the spans with ``start < at < end``."""
        starts, ends = self._starts, self._ends
        if not self._sorted:
            return [i for i in range(len(starts)) if starts[i] < at < ends[i]]
        limit = bisect_left(starts, at)  # spans [0, limit) start before ``at``
        out: list[int] = []
        stack = [(1, 0, self._size)]
        tree = self._tree
        while stack:
            node, lo, hi = stack.pop()
            if lo >= limit or tree[node] <= at:
                continue
            if hi - lo == 1:
                out.append(lo)
                continue
            mid = (lo + hi) // 2
            stack.append((2 * node + 1, mid, hi))
            stack.append((2 * node, lo, mid))
        return out

    def _set(self, i: int, end: int) -> None:
        node = i + self._size
        tree = self._tree
        tree[node] = end
        node //= 2
        while node:
            a, b = tree[2 * node], tree[2 * node + 1]
            best = a if a > b else b
            if tree[node] == best:
                break  # the ancestors are unchanged too
            tree[node] = best
            node //= 2

    def _regrow(self) -> None:
        self._size *= 2
        self._tree = [-1] * (2 * self._size)
        for i, end in enumerate(self._ends):
            self._set(i, end)
