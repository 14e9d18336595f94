"""Terminal bar charts as Rich ``Text``: horizontal bars and stacked bars with a legend.

Every bar carries its label and its number; in stacked bars each category has its own glyph
(``█ ▓ ▒ ░ …``) as well as its colour and is named in the legend, so a chart reads the same
with ``NO_COLOR`` or on a monochrome terminal. Labels pass through ``display.visible``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.style import Style
from rich.text import Text

from annotations.display import visible

GLYPHS: tuple[str, ...] = ("█", "▓", "▒", "░", "▞", "▚", "■", "▪", "◆", "●")
"""One fill character per category of a stacked bar (cycled past ten)."""

BAR_STYLE = Style(color="#5fafd7")
CATEGORY_COLOURS: tuple[str, ...] = (
    "#5faf5f", "#d75f5f", "#5f87d7", "#d7af5f", "#af5fd7", "#5fafaf", "#d787af", "#afaf5f",
)


def _label(name: str, width: int) -> str:
    shown = visible(name)
    if len(shown) > width:
        shown = shown[: max(width - 1, 0)] + "…"
    return f"{shown:<{width}}"


def bar_chart(
    rows: Sequence[tuple[str, int]], *, width: int = 40, label_width: int = 20,
    limit: int | None = None,
) -> Text:
    """One bar per (label, value): ``Kenney        ████████ 12``; longest bar is ``width``."""
    shown = list(rows[:limit] if limit else rows)
    text = Text(no_wrap=True, overflow="ellipsis")
    if not shown:
        text.append("(nothing to count)", "dim")
        return text
    top = max((v for _, v in shown), default=0) or 1
    for i, (name, value) in enumerate(shown):
        cells = round(width * value / top)
        if value and not cells:
            cells = 1
        text.append(_label(name, label_width) + " ")
        text.append("█" * cells, BAR_STYLE)
        text.append(f" {value}")
        if i < len(shown) - 1:
            text.append("\n")
    if limit and len(rows) > limit:
        text.append(f"\n… and {len(rows) - limit} more", "dim")
    return text


def legend(categories: Sequence[str]) -> Text:
    """``█ support  ▓ oppose  ▒ neutral`` in the categories' glyphs and colours."""
    text = Text(no_wrap=True)
    for i, name in enumerate(categories):
        text.append(GLYPHS[i % len(GLYPHS)] * 2, category_style(i))
        text.append(f" {visible(name)}  ")
    return text


def category_style(index: int) -> Style:
    """The colour of the ``index``-th category (the glyph carries the meaning too)."""
    return Style(color=CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)])


def stacked_chart(
    rows: Sequence[tuple[str, Mapping[str, int]]], categories: Sequence[str], *,
    width: int = 40, label_width: int = 20, limit: int | None = None,
) -> Text:
    """One stacked bar per row, segments in ``categories`` order, then the counts in words.

    ``Kenney     ███▓▓▒  support 3 · oppose 2 · neutral 1``; the longest total is ``width``.
    """
    shown = list(rows[:limit] if limit else rows)
    text = legend(categories)
    if not shown:
        text.append("\n(nothing to count)", "dim")
        return text
    top = max((sum(c.values()) for _, c in shown), default=0) or 1
    for name, counts in shown:
        text.append("\n" + _label(name, label_width) + " ")
        used = 0
        for i, cat in enumerate(categories):
            n = counts.get(cat, 0)
            if not n:
                continue
            cells = max(round(width * n / top), 1)
            text.append(GLYPHS[i % len(GLYPHS)] * cells, category_style(i))
            used += cells
        text.append(" " * max(width - used, 0) + " ")
        parts = [f"{visible(cat)} {counts[cat]}" for cat in categories if counts.get(cat)]
        text.append(" · ".join(parts), "dim")
    if limit and len(rows) > limit:
        text.append(f"\n… and {len(rows) - limit} more", "dim")
    return text
