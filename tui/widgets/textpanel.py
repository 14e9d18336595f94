"""TextPanel: a fixed-size text widget whose updates repaint it without a layout pass.

``Static.update`` asks for a full layout refresh (its size may depend on its content), which
re-renders the whole screen; panels of fixed height only need to repaint themselves.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget


class TextPanel(Widget):
    """Shows one renderable; ``set`` repaints only this widget."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._content: RenderableType = Text()

    def set(self, content: RenderableType) -> None:
        """Replace the content and repaint."""
        self._content = content
        self.refresh()

    def render(self) -> RenderableType:
        """The current content."""
        return self._content
