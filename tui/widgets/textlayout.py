"""Laying text out for the terminal: word wrapping over text made visible.

``visible`` (control and bidi characters as one visible character each) is the one of
``annotations.display``, re-exported here for the article view. Wrapping keeps one cell per
character offset for ordinary text, so a screen column maps back to a character offset (mouse
selection, caret). Wide characters (CJK, emoji) take two cells and are measured with
``rich.cells``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len

from annotations.display import visible

__all__ = ["Line", "visible", "wrap"]


@dataclass(frozen=True, slots=True)
class Line:
    """One wrapped screen line: characters ``start``..``end`` of the text."""

    start: int
    end: int


_TOKEN = re.compile(r"\S+\s*|\s+")


def wrap(text: str, width: int) -> list[Line]:
    """Greedy word wrap of ``text`` into lines of at most ``width`` cells.

    Newlines end lines (and are not shown); a word longer than the width is split. Every
    character offset except newlines falls on exactly one line.
    """
    width = max(width, 4)
    lines: list[Line] = []
    pos = 0
    n = len(text)
    ascii_only = text.isascii()
    while pos <= n:
        nl = text.find("\n", pos)
        para_end = n if nl < 0 else nl
        _wrap_paragraph(text, pos, para_end, width, lines, ascii_only)
        if nl < 0:
            break
        pos = nl + 1
    return lines


def _wrap_paragraph(
    text: str, start: int, end: int, width: int, lines: list[Line], ascii_only: bool
) -> None:
    if start >= end:
        lines.append(Line(start, start))
        return
    if (end - start) <= width and (ascii_only or cell_len(text[start:end]) <= width):
        lines.append(Line(start, end))
        return
    line_start = start
    used = 0
    for m in _TOKEN.finditer(text, start, end):
        token = m.group()
        word = token.rstrip()
        w = len(word) if ascii_only else cell_len(word)
        if used and used + w > width:
            lines.append(Line(line_start, m.start()))
            line_start, used = m.start(), 0
        while w > width:  # a word wider than the line: hard split
            cut = _cut(text, line_start, width, ascii_only)
            lines.append(Line(line_start, cut))
            line_start = cut
            word = text[cut : m.start() + len(word)]
            w = len(word) if ascii_only else cell_len(word)
        used += len(token) if ascii_only else cell_len(token)
    lines.append(Line(line_start, end))


def _cut(text: str, start: int, width: int, ascii_only: bool) -> int:
    if ascii_only:
        return start + width
    used = 0
    pos = start
    while pos < len(text):
        w = cell_len(text[pos])
        if used + w > width:
            break
        used += w
        pos += 1
    return max(pos, start + 1)
