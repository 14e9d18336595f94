"""Word and sentence boundaries for moving quote edges and a keyboard caret.

Pure text functions over character offsets (no UI imports). Words, tokens, sentences and
paragraphs are the ones of ``annotations.text`` (the same rule the exports and the detector
use): a *word* is a run of letters or digits with inner apostrophes and hyphens (``don't``,
``law-enforcement``) and moves the caret; a quote edge moves by *token*, so punctuation is a
stop too ("D.C." with its final full stop can be reached); a *sentence* ends at a real full
stop, ``?`` or ``!`` (not after "U.S." or "Mr.") or at a line break. An edge never moves across
a paragraph break. Boundaries are computed once per text and cached, so each move is a binary
search.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache

from annotations import text as segment


@lru_cache(maxsize=8)
def _words(text: str) -> tuple[list[int], list[int]]:
    spans = segment.words(text)
    return [s for s, _ in spans], [e for _, e in spans]


@lru_cache(maxsize=8)
def _tokens(text: str) -> tuple[list[int], list[int]]:
    spans = segment.tokens(text)
    return [s for s, _ in spans], [e for _, e in spans]


@lru_cache(maxsize=8)
def _paragraphs(text: str) -> tuple[list[int], list[int]]:
    spans = segment.paragraphs(text)
    return [s for s, _ in spans], [e for _, e in spans]


def paragraph_at(text: str, pos: int) -> tuple[int, int]:
    """The paragraph holding offset ``pos`` (the nearest one before it between paragraphs)."""
    starts, ends = _paragraphs(text)
    i = bisect_right(starts, pos) - 1
    if i < 0:
        return (0, ends[0]) if ends else (0, len(text))
    return starts[i], ends[i]


@lru_cache(maxsize=8)
def _sentences(text: str) -> tuple[list[int], list[int]]:
    spans = sentence_bounds(text)
    return [s for s, _ in spans], [e for _, e in spans]


def words(text: str) -> list[tuple[int, int]]:
    """Every word as a ``(start, end)`` span."""
    starts, ends = _words(text)
    return list(zip(starts, ends, strict=True))


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentences as ``(start, end)`` spans, trimmed of surrounding whitespace."""
    return segment.sentences(text)


def _after(points: list[int], pos: int, default: int) -> int:
    i = bisect_right(points, pos)
    return points[i] if i < len(points) else default


def _before(points: list[int], pos: int, default: int) -> int:
    i = bisect_left(points, pos)
    return points[i - 1] if i > 0 else default


def next_word_start(text: str, pos: int) -> int:
    """The start of the first word after ``pos`` (``len(text)`` if none)."""
    return _after(_words(text)[0], pos, len(text))


def prev_word_start(text: str, pos: int) -> int:
    """The start of the last word that begins before ``pos`` (0 if none)."""
    return _before(_words(text)[0], pos, 0)


def next_word_end(text: str, pos: int) -> int:
    """The end of the first word that ends after ``pos`` (``len(text)`` if none)."""
    return _after(_words(text)[1], pos, len(text))


def prev_word_end(text: str, pos: int) -> int:
    """The end of the last word that ends before ``pos`` (0 if none)."""
    return _before(_words(text)[1], pos, 0)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) holding the span ``start``..``end``: from the start of the sentence it
    begins in to the end of the one it ends in (a quote's sentence, "said Lee" and all)."""
    starts, ends = _sentences(text)
    i = bisect_right(starts, start) - 1
    j = bisect_left(ends, end)
    return (starts[i] if i >= 0 else 0), (ends[j] if j < len(ends) else len(text))


def next_sentence_start(text: str, pos: int) -> int:
    """The start of the first sentence beginning after ``pos``."""
    return _after(_sentences(text)[0], pos, len(text))


def prev_sentence_start(text: str, pos: int) -> int:
    """The start of the last sentence beginning before ``pos``."""
    return _before(_sentences(text)[0], pos, 0)


def next_sentence_end(text: str, pos: int) -> int:
    """The end of the first sentence ending after ``pos``."""
    return _after(_sentences(text)[1], pos, len(text))


def prev_sentence_end(text: str, pos: int) -> int:
    """The end of the last sentence ending before ``pos``."""
    return _before(_sentences(text)[1], pos, 0)


def move_edge(
    text: str, start: int, end: int, edge: str, unit: str, grow: bool
) -> tuple[int, int]:
    """A quote span with one edge moved by a character, a token (``unit="word"``) or a
    sentence.

    ``edge`` is ``"start"`` or ``"end"``, ``unit`` ``"char"``, ``"word"`` or ``"sentence"``;
    ``grow`` widens the span, otherwise it narrows. A growing edge stops at the edge of its
    paragraph. The span never becomes empty nor leaves the text: when a move is impossible the
    span comes back unchanged.
    """
    if unit == "char":  # the last character a token move cannot reach ("D.C." and its ".")
        if edge == "start":
            floor = paragraph_at(text, start)[0]
            new = max(start - 1, floor) if grow else start + 1
            return (new, end) if 0 <= new < end else (start, end)
        ceiling = paragraph_at(text, max(end - 1, start))[1]
        new = min(end + 1, max(ceiling, end)) if grow else end - 1
        return (start, new) if start < new <= len(text) else (start, end)
    starts, ends = _tokens(text) if unit == "word" else _sentences(text)
    if edge == "start":
        if grow:
            floor = paragraph_at(text, start)[0]
            new = max(_before(starts, start, 0), floor)
        else:
            new = _after(starts, start, len(text))
        return (new, end) if 0 <= new < end else (start, end)
    if grow:
        ceiling = paragraph_at(text, max(end - 1, start))[1]
        new = min(_after(ends, end, len(text)), max(ceiling, end))
    else:
        new = _before(ends, end, 0)
    return (start, new) if start < new <= len(text) else (start, end)
