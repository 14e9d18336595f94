"""Quote-mark pairing with offsets.

Handles straight and curly double marks, „German“ and «guillemets», NYT-style ``''``, nested
single quotes, apostrophes (don't, '90s, Jones') and multi-paragraph quotations (a paragraph
that opens a quote without closing it, continued by a paragraph that reopens it). Pairing runs
per paragraph: an unbalanced mark is dropped and never affects another paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from annotations.text import paragraphs

# ``''|``|[...]``, grouped by first character so a search skips to the next mark
MARK_RE = re.compile(r"[\"“”„«»‘’‚‹›]|''?|``")
DOUBLE = frozenset(['"', "“", "”", "„", "«", "»", "''", "``"])
OPENING_PUNCT = frozenset("([{—–-/:")
CLOSING_OK = frozenset(".,;:!?)]}—–-…")


@dataclass(frozen=True, slots=True)
class MarkPair:
    """A paired quotation: the content runs from ``start`` to ``end`` (marks excluded).

    ``open_at``/``close_at`` are the offsets of the opening and closing marks; ``double`` is
    False for single marks; ``depth`` is 0 for a top-level quotation; ``paragraphs`` > 1 for a
    quotation continued over several paragraphs.
    """

    open_at: int
    close_at: int
    start: int
    end: int
    double: bool
    depth: int = 0
    paragraphs: int = 1


@dataclass(slots=True)
class _Mark:  # private and never changed: not frozen, which makes it quicker to build
    pos: int
    length: int
    double: bool
    can_open: bool
    can_close: bool


def _classify(text: str, pos: int, mark: str) -> _Mark | None:
    """Role of one mark from its neighbours; ``None`` for an apostrophe."""
    n = len(mark)
    prev = text[pos - 1] if pos > 0 else " "
    nxt = text[pos + n] if pos + n < len(text) else " "
    left_space = prev.isspace() or prev in OPENING_PUNCT or prev in "“‘\"'«„‚"
    right_space = nxt.isspace() or nxt in CLOSING_OK or nxt in "”’\"'»"
    double = mark in DOUBLE
    if not double:
        if prev.isalnum() and nxt.isalnum():
            return None  # don't, Jones's
        if nxt.isdigit() and (left_space or prev.isspace()):
            return None  # '90s
        if mark in "‘‚‹":
            return _Mark(pos, n, False, True, False)
        if mark == "›":
            return _Mark(pos, n, False, False, True)
        # ’ or '
        can_open = left_space and not nxt.isspace()
        can_close = (not prev.isspace()) and right_space
        if not (can_open or can_close):
            return None
        return _Mark(pos, n, False, can_open, can_close)
    if mark in "„«``":
        if mark == "«" and right_space and not left_space:
            return _Mark(pos, n, True, False, True)
        return _Mark(pos, n, True, True, False)
    if mark == "»":
        if left_space and not right_space:
            return _Mark(pos, n, True, True, False)
        return _Mark(pos, n, True, False, True)
    if mark == "“":
        if right_space and not left_space:
            return _Mark(pos, n, True, False, True)  # „German“ or a typo
        return _Mark(pos, n, True, True, True)
    if mark == "”":
        if left_space and not right_space:
            return _Mark(pos, n, True, True, False)
        return _Mark(pos, n, True, False, True)
    # straight double or ''
    can_open = left_space or not right_space
    can_close = right_space or not left_space
    return _Mark(pos, n, True, can_open, can_close)


def _marks(text: str, start: int, end: int) -> list[_Mark]:
    out = []
    last = len(text) - 1
    for m in MARK_RE.finditer(text, start, end):
        pos, mark = m.start(), m.group()
        if (mark == "’" or mark == "'") and 0 < pos < last and text[pos - 1].isalnum() and \
                text[pos + 1].isalnum():
            continue  # the usual apostrophe (don't, Jones's): what ``_classify`` says of it
        mk = _classify(text, pos, mark)
        if mk is not None:
            out.append(mk)
    return out


def _pair_singles(
    marks: list[_Mark], at: list[int], depth: int, lo: int, hi: int, out: list[MarkPair]
) -> None:
    """Pair single marks lying strictly between ``lo`` and ``hi`` (one nesting level).

    ``at`` holds the marks' offsets (sorted): only the marks in the range are visited, so a
    paragraph with many quotations is paired in linear time.
    """
    opened: _Mark | None = None
    for i in range(bisect_left(at, lo), bisect_left(at, hi)):
        mk = marks[i]
        if mk.double:
            continue
        if opened is None:
            if mk.can_open and not (mk.can_close and not mk.can_open):
                opened = mk
        elif mk.can_close:
            s = opened.pos + opened.length
            if s < mk.pos:
                out.append(MarkPair(opened.pos, mk.pos, s, mk.pos, False, depth))
            opened = None
        elif mk.can_open:
            opened = mk


def pair_marks(text: str) -> list[MarkPair]:
    """All paired quotations in ``text``, sorted by opening offset."""
    return list(_pair_marks(text))


@lru_cache(maxsize=4)
def _pair_marks(text: str) -> tuple[MarkPair, ...]:
    """``pair_marks`` of the last few texts (the detector and the candidate finder ask for the
    same text's)."""
    pairs: list[MarkPair] = []
    pending: _Mark | None = None  # an open double carried over paragraphs
    pending_paras = 1
    for ps, pe in paragraphs(text):
        marks = _marks(text, ps, pe)
        at = [mk.pos for mk in marks]
        doubles = [m for m in marks if m.double]
        opened: _Mark | None = None
        idx = 0
        paras = 1
        if pending is not None:
            if doubles and doubles[0].pos == ps and doubles[0].can_open:
                opened, idx, paras = pending, 1, pending_paras + 1
            pending = None
        para_pairs: list[MarkPair] = []
        for mk in doubles[idx:]:
            if opened is None:
                if mk.can_open:
                    opened = mk
                    paras = 1
            elif mk.can_close:
                s = opened.pos + opened.length
                if s < mk.pos:
                    para_pairs.append(MarkPair(opened.pos, mk.pos, s, mk.pos, True, 0, paras))
                opened = None
            elif mk.can_open:
                opened = mk  # the earlier open was stray
                paras = 1
        if opened is not None:
            pending, pending_paras = opened, paras
        # singles: at top level between double pairs, and nested inside each double pair
        lo = ps
        for p in para_pairs:
            if p.open_at >= ps:
                _pair_singles(marks, at, 0, lo, p.open_at, pairs)
            _pair_singles(marks, at, 1, max(p.start, ps), p.end, pairs)
            lo = p.end + 1
        top_end = pending.pos if pending is not None and pending.pos >= ps else pe
        _pair_singles(marks, at, 0, lo, top_end, pairs)
        if pending is not None:
            _pair_singles(marks, at, 1, max(pending.pos + 1, ps), pe, pairs)
        pairs.extend(para_pairs)
    pairs.sort(key=lambda p: (p.open_at, -p.end))
    return tuple(pairs)
