"""TextPanel: a fixed-size text widget whose updates repaint it without a layout pass.

``Static.update`` asks for a full layout refresh (its size may depend on its content), which
re-renders the whole screen; panels of fixed height only need to repaint themselves. With
``ellipsis`` a text longer than the panel is wrapped to its lines and its last line ends in
"…", so a cut is seen (the reader's info line at 80 columns), never a silent crop.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget


class TextPanel(Widget):
    """Shows one renderable; ``set`` repaints only this widget."""

    def __init__(self, *, id: str | None = None, classes: str | None = None,
                 ellipsis: bool = False) -> None:
        super().__init__(id=id, classes=classes)
        self._content: RenderableType = Text()
        self.ellipsis = ellipsis
        self._titles: dict[str, str] = {}

    def set(self, content: RenderableType) -> None:
        """Replace the content and repaint (nothing to do when the text is the same)."""
        if _same_text(content, self._content):
            return
        self._content = content
        self.refresh()

    def set_titles(self, *, title: str | None = None, subtitle: str | None = None) -> None:
        """Set the border's title and subtitle (those given), repainting only on a change
        (Textual repaints on every assignment, and the reader sets them on every key)."""
        for name, value in (("border_title", title), ("border_subtitle", subtitle)):
            if value is not None and self._titles.get(name) != value:
                self._titles[name] = value
                setattr(self, name, value)

    def render(self) -> RenderableType:
        """The current content (with ``ellipsis``: cut to the panel's lines, "…" at the cut)."""
        content = self._content
        width, height = self.content_region.size
        if not self.ellipsis or not isinstance(content, Text) or width < 2 or height < 1:
            return content
        lines = content.wrap(self.app.console, width)
        if len(lines) <= height:
            return content
        kept = list(lines)[:height]
        last = kept[-1]
        last.rstrip()
        last.truncate(width - 1)
        last.rstrip()
        if not last.plain.endswith("…"):  # a word cut by the wrap has its ellipsis already
            last.append("…")
        return Text("\n").join(kept)


def _same_text(new: RenderableType, old: RenderableType) -> bool:
    """Whether two texts would paint alike (plain text, spans and base style)."""
    return (
        isinstance(new, Text) and isinstance(old, Text)
        and new.plain == old.plain and new.spans == old.spans and new.style == old.style
        and new.no_wrap == old.no_wrap and new.overflow == old.overflow
        and new.justify == old.justify and new.end == old.end
    )
