"""Word and sentence boundaries for moving quote edges and a keyboard caret.

Pure text functions over character offsets (no UI imports). Words and sentences are the
ones of ``annotations.text`` (the same rule the exports and the detector use): a *word* is a
run of letters or digits with inner apostrophes and hyphens (``don't``, ``law-enforcement``);
a *sentence* ends at a real full stop, ``?`` or ``!`` (not after "U.S." or "Mr.") or at a line
break. Boundaries are computed once per text and cached, so each move is a binary search.
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
    """A quote span with one edge moved by a word or a sentence.

    ``edge`` is ``"start"`` or ``"end"``, ``unit`` ``"word"`` or ``"sentence"``; ``grow`` widens
    the span, otherwise it narrows. The span never becomes empty nor leaves the text: when a
    move is impossible the span comes back unchanged.
    """
    word = unit == "word"
    if edge == "start":
        if grow:
            new = prev_word_start(text, start) if word else prev_sentence_start(text, start)
        else:
            new = next_word_start(text, start) if word else next_sentence_start(text, start)
        return (new, end) if 0 <= new < end else (start, end)
    if grow:
        new = next_word_end(text, end) if word else next_sentence_end(text, end)
    else:
        new = prev_word_end(text, end) if word else prev_sentence_end(text, end)
    return (start, new) if start < new <= len(text) else (start, end)
