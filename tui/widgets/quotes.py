"""QuoteList: the quotes of the open document, one row each (status, type, speaker, stance,
confidence), in reading order; with a filter (``annotations.quote_filter``) only those that
match, the border title saying which and how many ("Quotes 3 of 12 · speaker: Kenney").

A quote's number is its 1-based place among all the document's quotes in text order, filter or
not (the one numbering: the status bar's "q 3/12", "go to quote N", the saved-edit messages).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Any

from rich.text import Text

from annotations.display import visible
from annotations.model import Layer, Quote, confidence_of
from annotations.quote_filter import QuoteFilter
from tui.plain import plain
from tui.widgets.colours import STATUS_GLYPH, STATUS_STYLE, TYPE_LETTER
from tui.widgets.rowlist import RowList


def _confidence_text(conf: float | None) -> str:
    if conf is None:
        return " - "
    return f"{conf:.2f}".lstrip("0") if conf < 1 else " 1 "


WIDE_LIST = 56  # a list this wide (columns inside its border) shows names whole and snippets
NARROW_NAME, WIDE_NAME = 14, 24  # the speaker column: narrow list, least in a wide one
FIGURES = 36  # what a wide row keeps beside the name: glyphs, stance, confidence, some words


ROW_FIGURES = 18  # a narrow row beside the name: status, type, stance, confidence, scrollbar


def name_column(layer: Layer, width: int) -> int:
    """The speaker column of a list ``width`` columns wide. Wide: the longest speaker name of
    the layer, at least ``WIDE_NAME``, at most what leaves the figures and a few of the
    quote's words room ("U.S. Immigration and Customs Enforcement" whole at 200 columns).
    Narrow: ``NARROW_NAME``, less when the panels are narrowed, so stance and confidence
    still show."""
    if width < WIDE_LIST:  # (0: not laid out yet)
        return max(8, min(NARROW_NAME, width - ROW_FIGURES)) if width > 0 else NARROW_NAME
    longest = max((len(visible(s.name)) for s in layer.speakers.values()), default=0)
    return max(WIDE_NAME, min(longest, width - FIGURES))


def quote_row(quote: Quote, layer: Layer, suggestion: Any = None, *, wide: bool = False,
              name_width: int | None = None) -> Text:
    """One list row: ``✓ D Kenney        support  .82``; ``wide``: a longer speaker column
    (``name_width``, default ``WIDE_NAME``) and the quote's first words after the figures (the
    row is cut where the list ends).

    ``suggestion`` (a ``StanceSuggestion``, see ``tui/stance_feed.py``) fills an empty
    stance column: greyed with ``?`` while tentative, with its confidence at the row's end.
    """
    if name_width is None:
        name_width = WIDE_NAME if wide else NARROW_NAME
    speaker = visible(layer.speaker_name(quote) or "—")
    conf = confidence_of(quote)
    conf_text = _confidence_text(conf)
    row = Text(no_wrap=True)
    row.append(STATUS_GLYPH.get(quote.status, "?"), STATUS_STYLE.get(quote.status))
    row.append(f" {TYPE_LETTER.get(quote.type, '?')} ")
    if len(speaker) > name_width:
        speaker = speaker[: name_width - 1] + "…"
    row.append(f"{speaker:<{name_width}} ", "bold" if quote.speaker_id else "dim")
    label = getattr(suggestion, "label", None) if not quote.stance else None
    if label:
        tentative = suggestion.tentative
        shown = visible(f"{label[:7]}?" if tentative else f"~{label[:7]}")
        row.append(f"{shown:<8} ", "dim italic" if tentative else "italic")
    else:
        row.append(f"{visible(quote.stance or '—')[:8]:<8} ")
    row.append(conf_text, "dim")
    if label:
        row.append(f" ~{suggestion.confidence:.2f}".replace("0.", "."), "dim italic")
    if quote.note:
        row.append(" ✎")
    if wide:
        row.append("  " + visible(" ".join(quote.text.split())), "dim")
    return row


class QuoteList(RowList):
    """The document's quotes (those ``filter`` lets through); the cursor follows the current
    quote."""

    def __init__(
        self, *, id: str | None = None, suggest: Callable[[Quote], Any] | None = None
    ) -> None:
        """``suggest`` gives a quote's stance suggestion (or ``None``) for its row."""
        super().__init__(id=id)
        self.border_title = "Quotes"
        self.ids: list[str] = []
        self.positions: dict[str, int] = {}
        self.filter = QuoteFilter()
        self._order: dict[str, int] = {}  # quote id -> place in reading order
        self._listed_order: list[int] = []
        self._suggest = suggest
        self._shown: tuple[list[Quote], Layer, str | None] | None = None
        self._wide = False
        self._name_width = NARROW_NAME

    def show(self, quotes: list[Quote], layer: Layer, current: str | None) -> None:
        """Show those of ``quotes`` (all of the document's, in reading order) that ``filter``
        lets through, and put the cursor on ``current``."""
        self._shown = (quotes, layer, current)
        width = self.content_size.width
        self._wide = wide = width >= WIDE_LIST
        self._name_width = names = name_column(layer, width)
        self._order = {q.id: i for i, q in enumerate(quotes)}
        shown = self.filter.select(quotes, layer) if self.filter else list(quotes)
        self.ids = [q.id for q in shown]
        self.positions = {qid: i for i, qid in enumerate(self.ids)}
        self._listed_order = [self._order[qid] for qid in self.ids]
        index = self.positions.get(current or "", 0)
        self.set_lazy_rows(
            len(shown),
            lambda i: quote_row(shown[i], layer, self._sugg(shown[i]), wide=wide,
                                name_width=names),
            index)
        if self.filter:
            self.border_title = plain(
                f"Quotes {len(shown)} of {len(quotes)} · {self.filter.describe(layer)}")
            self.border_subtitle = "Esc: all"
        else:
            self.border_title = "Quotes"
            self.border_subtitle = f"{len(quotes)}"

    def on_resize(self) -> None:
        """A width that changes the columns: draw the rows again for the new width."""
        if self._shown is None:
            return
        quotes, layer, _ = self._shown
        width = self.content_size.width
        wide = width >= WIDE_LIST
        if wide != self._wide or name_column(layer, width) != self._name_width:
            current = self.ids[self.index] if 0 <= self.index < len(self.ids) else None
            self.show(quotes, layer, current)

    def number(self, quote_id: str | None) -> int | None:
        """``quote_id``'s number: its 1-based place in the document's quotes, listed or not."""
        place = self._order.get(quote_id or "")
        return None if place is None else place + 1

    def neighbour(self, current: str | None, delta: int) -> str | None:
        """The listed quote ``delta`` rows from ``current``, kept within the list; from a
        quote the filter hides, the nearest listed one that way in reading order (``None``:
        there is none that way); from no quote, the first."""
        if not self.ids:
            return None
        i = self.positions.get(current or "")
        if i is None:
            here = self._order.get(current or "")
            if here is None:
                return self.ids[0]
            before = bisect_left(self._listed_order, here)  # listed quotes before it
            i = before - 1 + delta if delta > 0 else before + delta
            return self.ids[i] if 0 <= i < len(self.ids) else None
        return self.ids[min(max(i + delta, 0), len(self.ids) - 1)]

    def listing_changes(self, quotes: Iterable[Quote], layer: Layer) -> bool:
        """True when one of ``quotes`` (just changed) now falls in or out of the filter."""
        return bool(self.filter) and any(
            self.filter.matches(q, layer) != (q.id in self.positions) for q in quotes
        )

    def update_quote(self, quote: Quote, layer: Layer) -> bool:
        """Redraw one quote's row; False when the quote is not listed."""
        i = self.positions.get(quote.id)
        if i is None:
            return False
        self.set_row(i, quote_row(quote, layer, self._sugg(quote), wide=self._wide,
                                  name_width=self._name_width))
        return True

    def _sugg(self, quote: Quote) -> Any:
        return self._suggest(quote) if self._suggest is not None else None
