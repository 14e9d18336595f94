"""RowList: a fast keyboard list on the Line API (quotes, speakers, documents, pickers).

Rows are Rich ``Text`` objects; only the rows on screen are rendered, and a changed row is
replaced in place, so a list of thousands of quotes updates in well under a millisecond. With
``set_lazy_rows`` a row is not even built until it first comes into view (the library's
100,000 documents cost one ``None`` each), and the rendered lines kept for redraws are bounded
(``STRIP_CACHE``), so scrolling through a long list does not keep a line per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CURSOR = Style(reverse=True)
STRIP_CACHE = 1024  # rendered lines kept for redraws (about thirty screens)
CURSOR_BLURRED = Style(bold=True, underline=True)


class RowList(ScrollView, can_focus=True):
    """A list of one-line rows with a cursor; posts ``Highlighted`` and ``Chosen``."""

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("home", "move(-1000000)", "First", show=False),
        Binding("end", "move(1000000)", "Last", show=False),
        Binding("enter", "choose", "Choose", show=False),
    ]
    DEFAULT_CSS = """
    RowList { overflow-x: hidden; }
    """

    @dataclass
    class Highlighted(Message):
        """The cursor moved to ``index`` (by key or click)."""

        rows: RowList
        index: int

    @dataclass
    class Chosen(Message):
        """The user chose row ``index`` (enter or a click on the highlighted row)."""

        rows: RowList
        index: int

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.rows: list[Text | None] = []
        self._factory: Callable[[int], Text] | None = None
        self.index = 0
        self._cache: dict[tuple[int, int, bool], Strip] = {}
        self._size_key: object = None
        self._width = 0
        self._base: Style | None = None

    def notify_style_update(self) -> None:
        """CSS, theme or focus style changed: drop cached rows."""
        super().notify_style_update()
        if hasattr(self, "_cache"):
            self._cache.clear()
            self._base = None

    def set_rows(self, rows: Sequence[Text], index: int | None = None) -> None:
        """Replace all rows (the cursor stays in range)."""
        self._factory = None
        self._reset(list(rows), index)

    def set_lazy_rows(self, count: int, factory: Callable[[int], Text],
                      index: int | None = None) -> None:
        """``count`` rows built by ``factory(i)`` only when first shown (long lists)."""
        self._factory = factory
        self._reset([None] * count, index)

    def row(self, i: int) -> Text:
        """Row ``i`` (built now if it is lazy)."""
        row = self.rows[i]
        if row is None:
            assert self._factory is not None
            row = self.rows[i] = self._factory(i)
        return row

    def _reset(self, rows: list[Text | None], index: int | None) -> None:
        self.rows = rows
        if index is not None:
            self.index = index
        self.index = min(max(self.index, 0), max(len(self.rows) - 1, 0))
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))
        self.refresh()
        self._keep_visible()

    def set_row(self, i: int, row: Text) -> None:
        """Replace one row."""
        if 0 <= i < len(self.rows):
            self.rows[i] = row
            self._drop_row(i)

    def select(self, index: int, *, notify: bool = False) -> None:
        """Move the cursor to ``index`` (quietly unless ``notify``)."""
        if not self.rows:
            return
        index = min(max(index, 0), len(self.rows) - 1)
        if index == self.index and not notify:
            self._keep_visible()
            return
        old, self.index = self.index, index
        self._drop_row(old)
        self._drop_row(index)
        self._keep_visible()
        if notify:
            self.post_message(self.Highlighted(self, index))

    def _drop_row(self, i: int) -> None:
        for key in [k for k in self._cache if k[0] == i]:
            del self._cache[key]
        self.refresh_lines(i)

    def _keep_visible(self) -> None:
        """Scroll only when the cursor leaves the view, then by a third of it: the rows ahead
        show, and stepping through a long list repaints it every few rows, not every row."""
        height = max(self.scrollable_content_region.height, 1)
        top = round(self.scroll_y)
        ahead = height // 3
        if self.index < top:
            top = self.index - ahead
        elif self.index >= top + height:
            top = self.index - height + 1 + ahead
        else:
            return
        top = min(max(top, 0), max(len(self.rows) - height, 0))
        self.scroll_to(y=top, animate=False, immediate=True)

    def action_move(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        self.select(self.index + delta, notify=True)

    def action_choose(self) -> None:
        """Choose the highlighted row."""
        if self.rows:
            self.post_message(self.Chosen(self, self.index))

    def on_click(self, event: events.Click) -> None:
        """A click highlights a row; a click on the highlighted row chooses it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_y)
        if not 0 <= index < len(self.rows):
            return
        if index == self.index or event.chain > 1:
            self.select(index)
            self.post_message(self.Chosen(self, index))
        else:
            self.select(index, notify=True)

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual size in step with the width, and the cursor's row in view: a row
        chosen before the first layout could not be scrolled to then."""
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))
        self._keep_visible()

    def on_focus(self, event: events.Focus) -> None:
        """Redraw the cursor row in its focused style."""
        self._cache.clear()
        self._base = None
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        """Redraw the cursor row in its unfocused style."""
        self._cache.clear()
        self._base = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """One row (or blank space below the last row)."""
        size_key = (self.size, self.show_vertical_scrollbar)
        if size_key != self._size_key:
            self._size_key = size_key
            self._width = self.scrollable_content_region.width
        width = self._width
        idx = y + round(self.scroll_y)
        cursor = idx == self.index
        key = (idx, width, cursor and self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            if self._base is None:
                self._base = self.rich_style
            base = self._base
            if idx >= len(self.rows):
                return Strip([Segment(" " * width, base)], width)
            text = self.row(idx).copy()
            text.no_wrap = True
            text.truncate(width, overflow="ellipsis", pad=True)
            segments = list(text.render(self.app.console, end=""))
            strip = Strip(segments).apply_style(base).extend_cell_length(width, base)
            if cursor:
                post = CURSOR if self.has_focus else CURSOR_BLURRED
                strip = Strip(Segment.apply_style(list(strip), post_style=post))
            strip = strip.crop(0, width)
            if len(self._cache) >= STRIP_CACHE:
                self._cache.clear()
            self._cache[key] = strip
        return strip
