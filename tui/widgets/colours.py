"""Colours and glyphs: quote styles by speaker or by stance, status glyphs and letters.

Status is never carried by colour alone: every status has a glyph and a letter, every stance a
name and a key, so the app reads the same with ``NO_COLOR`` or on a monochrome terminal.
"""

from __future__ import annotations

from rich.style import Style

SPEAKER_BACKGROUNDS: tuple[str, ...] = (
    "#2f4b7c", "#665191", "#3d6b4f", "#8a5a2b", "#7a3b5e", "#2b6f77", "#6b6b2b", "#5b3b8a",
)
NO_SPEAKER = "#4a4a4a"
STANCE_BACKGROUNDS: dict[str, str] = {
    "support": "#2d6a3e",
    "oppose": "#7a2e2e",
    "neutral": "#2e4f7a",
    "unclear": "#6b5b2b",
}
EXTRA_STANCE = ("#5b3b8a", "#2b6f77", "#7a3b5e", "#6b6b2b")
NO_STANCE = "#4a4a4a"

STATUS_GLYPH: dict[str, str] = {"suggested": "?", "accepted": "✓", "rejected": "✗"}
STATUS_STYLE: dict[str, Style] = {
    "suggested": Style(),
    "accepted": Style(bold=True),
    "rejected": Style(strike=True, dim=True),
}
TYPE_LETTER: dict[str, str] = {"direct": "D", "indirect": "I", "mixed": "M"}


def speaker_style(index: int | None) -> Style:
    """Background for the ``index``-th speaker of a document (``None``: no speaker)."""
    if index is None:
        return Style(bgcolor=NO_SPEAKER, color="#ffffff")
    return Style(bgcolor=SPEAKER_BACKGROUNDS[index % len(SPEAKER_BACKGROUNDS)], color="#ffffff")


def stance_style(label: str | None, labels: tuple[str, ...]) -> Style:
    """Background for a stance label (``None``: no stance yet)."""
    if not label:
        return Style(bgcolor=NO_STANCE, color="#ffffff")
    colour = STANCE_BACKGROUNDS.get(label)
    if colour is None:
        i = labels.index(label) if label in labels else 0
        colour = EXTRA_STANCE[i % len(EXTRA_STANCE)]
    return Style(bgcolor=colour, color="#ffffff")
