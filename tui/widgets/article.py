"""ArticleView: the article on Textual's Line API, with quotes, cue, speaker and selection.

A ``ScrollView`` that wraps the text to its width (``textlayout.wrap``) and renders only the
lines on screen in ``render_line``. Rendered lines are cached; the cache is keyed by width and
a version number that every change of quotes, colours or selection bumps, so moving to the next
quote re-renders a screenful, never the whole article.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.model import Quote
from tui.widgets.textlayout import Line, visible, wrap

QuoteStyler = Callable[[Quote], Style]

CURRENT = Style(reverse=True, bold=True)
CUE = Style(italic=True, underline=True, bold=True)
MENTION = Style(underline=True, bold=True)
# without colour quotes are the underlined text: a speaker's name must not look like one
MENTION_NO_COLOR = Style(bold=True, italic=True)
SELECTION = Style(reverse=True, underline=True)
CARET = Style(reverse=True, blink=False, underline=True)
DIMMED = Style(dim=True)
# search hits: underlined too, so they read without colour; over any quote style
HIT = Style(color="#000000", bgcolor="#d7c34a", underline=True, reverse=False, dim=False)
CURRENT_HIT = Style(color="#000000", bgcolor="#ff9f1a", bold=True, underline=True,
                    reverse=False, dim=False)


class ArticleView(ScrollView, can_focus=True):
    """The article text, wrapped, with quote highlights drawn line by line."""

    DEFAULT_CSS = """
    ArticleView { overflow-x: hidden; }
    """

    @dataclass
    class Clicked(Message):
        """The user clicked at a character offset (no drag)."""

        article: ArticleView
        offset: int

    @dataclass
    class Selected(Message):
        """The user dragged the mouse over ``start``..``end`` (a pending new quote)."""

        article: ArticleView
        start: int
        end: int

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.text = ""
        self._shown = ""
        self.quotes: list[Quote] = []
        self._by_id: dict[str, Quote] = {}
        self._starts: list[int] = []
        self._max_len = 0
        self.styler: QuoteStyler = lambda q: Style()
        self.current_id: str | None = None
        self.focus_speaker: str | None = None
        self.mark: int | None = None
        self.caret: int | None = None
        self.underline_quotes = False
        self._lines: list[Line] = []
        self._line_starts: list[int] = []
        self._wrap_width = 0
        self._version = 0
        self._cache: dict[int, Strip] = {}
        self._cache_key: tuple[int, int] = (0, 0)
        self._dragging = False
        self._width_key: object = None
        self._width = 10
        self._base: Style | None = None
        self._current: Quote | None = None
        self.hits: list[tuple[int, int]] = []  # search hits (sorted, not overlapping)
        self._hit_ends: list[int] = []
        self.current_hit: int | None = None

    # ------------------------------------------------------------------ content
    def set_text(self, text: str) -> None:
        """Show a new article (drops the layout and the cache; and the search hits, unless it
        is the same text again)."""
        if text != self.text:
            self.hits, self._hit_ends, self.current_hit = [], [], None
        self.text = text
        self._shown = visible(text)
        self._wrap_width = 0
        self.mark = self.caret = None
        self._relayout()

    def set_quotes(self, quotes: Sequence[Quote]) -> None:
        """Replace the quotes drawn over the text."""
        self._index(sorted(quotes, key=lambda q: (q.start, q.end, q.id)))
        self.invalidate()

    def _index(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self._by_id = {q.id: q for q in quotes}
        self._starts = [q.start for q in quotes]
        self._max_len = max((q.end - q.start for q in quotes), default=0)

    def invalidate(self) -> None:
        """Re-render the visible lines (after a change of quotes, colours or selection)."""
        self._version += 1
        self._cache.clear()
        self._base = None
        self._current = None
        self.refresh()

    def notify_style_update(self) -> None:
        """CSS or theme changed: drop cached lines."""
        super().notify_style_update()
        if hasattr(self, "_cache"):
            self._cache.clear()
            self._base = None

    def update_quotes(self, quotes: Sequence[Quote], spans: Sequence[tuple[int, int]]) -> None:
        """Replace the quotes, repainting only the lines that show ``spans`` (what changed)."""
        self._index(list(quotes))
        self._current = None
        self.invalidate_spans(spans)

    def set_hits(self, spans: Sequence[tuple[int, int]], current: int | None = None) -> None:
        """Mark search hits (sorted, not overlapping; ``[]`` clears them); ``current`` is the
        index of the hit that stands out."""
        self.hits = list(spans)
        self._hit_ends = [end for _, end in self.hits]
        self.current_hit = current
        self.invalidate()

    def set_current_hit(self, index: int | None) -> None:
        """Make hit ``index`` the one that stands out, repainting only the lines involved."""
        old, self.current_hit = self.current_hit, index
        self.invalidate_spans([self.hits[i] for i in (old, index)
                               if i is not None and i < len(self.hits)])

    def set_current(self, quote_id: str | None) -> None:
        """Make ``quote_id`` the emphasized quote, repainting only the lines involved."""
        if quote_id == self.current_id:
            return
        spans = self._emphasis_spans(self.current_id)
        self.current_id = quote_id
        self._current = None
        self.invalidate_spans(spans + self._emphasis_spans(quote_id))

    def _emphasis_spans(self, quote_id: str | None) -> list[tuple[int, int]]:
        quote = self._by_id.get(quote_id) if quote_id else None
        if quote is None:
            return []
        spans = [(quote.start, quote.end)]
        for extra in (quote.cue, quote.speaker_mention):
            if extra is not None:
                spans.append((extra.start, extra.end))
        return spans

    def invalidate_spans(self, spans: Sequence[tuple[int, int]]) -> None:
        """Drop and repaint the cached lines showing any of ``spans``."""
        if not self._lines:
            return
        for start, end in spans:
            first = self.line_of(start)
            last = self.line_of(max(end - 1, start))
            for idx in range(first, last + 1):
                self._cache.pop(idx, None)
            self.refresh_lines(first, last - first + 1)

    def quote_at(self, offset: int) -> Quote | None:
        """The innermost quote covering ``offset``, if any."""
        found = [q for q in self._near(offset, offset + 1) if q.start <= offset < q.end]
        return min(found, key=lambda q: q.end - q.start) if found else None

    def _near(self, start: int, end: int) -> list[Quote]:
        lo = bisect_left(self._starts, start - self._max_len)
        hi = bisect_left(self._starts, end)
        return [q for q in self.quotes[lo:hi] if q.end > start and q.start < end]

    # ------------------------------------------------------------------ layout
    def _content_width(self) -> int:
        key = (self.size, self.show_vertical_scrollbar)
        if key != self._width_key:
            self._width_key = key
            self._width = max(self.scrollable_content_region.width, 10)
        return self._width

    def _relayout(self) -> None:
        width = self._content_width()
        if width == self._wrap_width and self._lines:
            return
        self._wrap_width = width
        self._lines = wrap(self._shown, width)
        self._line_starts = [line.start for line in self._lines]
        self.virtual_size = Size(width, len(self._lines))
        self.invalidate()

    def on_resize(self, event: events.Resize) -> None:
        """Rewrap when the width changes."""
        self._relayout()

    def line_of(self, offset: int) -> int:
        """The wrapped line index that shows character ``offset``."""
        return max(bisect_right(self._line_starts, offset) - 1, 0)

    def top_offset(self) -> int:
        """The text offset where the first line on screen starts."""
        lines = self._lines
        top = min(round(self.scroll_y), max(len(lines) - 1, 0))
        return lines[top].start if lines else 0

    def scroll_to_offset(self, offset: int, *, center: bool = False,
                         end: int | None = None) -> None:
        """Scroll so that ``offset`` is on screen (a third down the view when it was not); with
        ``end``, the text up to ``end`` too as far as the view holds it: a quote that starts
        near the bottom is scrolled up until its end shows (its start stays on screen)."""
        if not self.size.height:  # not laid out yet: scroll once it is
            self.call_after_refresh(self.scroll_to_offset, offset, center=center, end=end)
            return
        self._relayout()
        line = self.line_of(offset)
        was = top = round(self.scroll_y)
        height = max(self.scrollable_content_region.height, 1)
        if center or not top <= line < top + height - 1:
            top = max(line - height // 3, 0)
        if end is not None:
            last = self.line_of(max(end - 1, offset))
            if last > top + height - 1:
                top = min(line, last - height + 1)
        if center or top != was:
            self.scroll_to(y=top, animate=False, immediate=True)

    def offset_at(self, x: int, y: int) -> int | None:
        """The character offset under content cell ``x``, ``y`` (scroll included)."""
        idx = y + round(self.scroll_y)
        if not self._lines:
            return None
        idx = min(max(idx, 0), len(self._lines) - 1)
        line = self._lines[idx]
        col = 0
        target = x + round(self.scroll_x)
        for pos in range(line.start, line.end):
            col += cell_len(self._shown[pos])
            if col > target:
                return pos
        return line.end

    # ------------------------------------------------------------------ rendering
    def render_line(self, y: int) -> Strip:
        """One screen line: the wrapped text line at ``y`` plus scroll offset."""
        self._relayout()
        width = self._content_width()
        key = (width, self._version)
        if key != self._cache_key:
            self._cache.clear()
            self._cache_key = key
            self._base = None
        idx = y + round(self.scroll_y)
        strip = self._cache.get(idx)
        if strip is None:
            strip = self._render_text_line(idx, width)
            self._cache[idx] = strip
        return strip

    def _render_text_line(self, idx: int, width: int) -> Strip:
        if self._base is None:
            self._base = self.rich_style
        base = self._base
        if idx >= len(self._lines):
            return Strip([Segment(" " * width, base)], width)
        line = self._lines[idx]
        ls, le = line.start, line.end
        decor = self._decorations(ls, le)
        cuts = {ls, le}
        for s, e, _ in decor:
            cuts.add(max(s, ls))
            cuts.add(min(e, le))
        points = sorted(c for c in cuts if ls <= c <= le)
        segments: list[Segment] = []
        for a, b in zip(points, points[1:], strict=False):
            if a >= b:
                continue
            style = base
            for s, e, st in decor:
                if s <= a and b <= e:
                    style = style + st
            segments.append(Segment(self._shown[a:b], style))
        if self.caret is not None and self.caret == le:
            segments.append(Segment(" ", base + CARET))
        strip = Strip(segments)
        return strip.extend_cell_length(width, base).crop(0, width)

    def _decorations(self, ls: int, le: int) -> list[tuple[int, int, Style]]:
        decor: list[tuple[int, int, Style]] = []
        current: Quote | None = None
        end = le + 1 if le == ls else le
        for quote in self._near(ls, end):
            style = self.styler(quote)
            if self.underline_quotes:
                style = style + Style(underline=True)
            if self.focus_speaker and quote.speaker_id != self.focus_speaker:
                style = style + DIMMED
            for s, e in quote.part_spans():
                decor.append((s, e, style))
            if quote.id == self.current_id:
                current = quote
        if current is None and self.current_id:
            if self._current is None or self._current.id != self.current_id:
                self._current = self._by_id.get(self.current_id)
            current = self._current
        if current is not None:
            for s, e in current.part_spans():
                if s < le and e > ls:
                    decor.append((s, e, CURRENT))
            mention = MENTION_NO_COLOR if self.underline_quotes else MENTION
            for extra, st in ((current.cue, CUE), (current.speaker_mention, mention)):
                if extra is not None and extra.start < le and extra.end > ls:
                    decor.append((extra.start, extra.end, st))
        i = bisect_right(self._hit_ends, ls)  # the first hit ending after the line starts
        while i < len(self.hits) and self.hits[i][0] < end:
            s, e = self.hits[i]
            decor.append((s, e, CURRENT_HIT if i == self.current_hit else HIT))
            i += 1
        if self.mark is not None and self.caret is not None:
            s, e = sorted((self.mark, self.caret))
            if s < le and e > ls:
                decor.append((s, e, SELECTION))
        if self.caret is not None and ls <= self.caret < le:  # w/b move it before `m` too
            decor.append((self.caret, self.caret + 1, CARET))
        return decor

    # ------------------------------------------------------------------ mouse
    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Start a click or a drag selection."""
        pos = event.get_content_offset(self)
        if pos is None:
            return
        offset = self.offset_at(pos.x, pos.y)
        if offset is None:
            return
        self._dragging = True
        self._drag_from = offset
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Extend a drag selection."""
        if not self._dragging:
            return
        pos = event.get_content_offset_capture(self)
        offset = self.offset_at(pos.x, pos.y)
        if offset is None or offset == self._drag_from:
            return
        self.mark, self.caret = self._drag_from, offset
        self.invalidate()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """A click selects the quote under the pointer; a drag offers a new quote."""
        if not self._dragging:
            return
        self._dragging = False
        self.release_mouse()
        if self.mark is not None and self.caret is not None and self.mark != self.caret:
            s, e = sorted((self.mark, self.caret))
            self.post_message(self.Selected(self, s, e))
        else:
            self.post_message(self.Clicked(self, self._drag_from))
