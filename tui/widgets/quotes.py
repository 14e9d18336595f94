"""QuoteList: the quotes of the open document, one row each (status, type, speaker, stance,
confidence), in reading order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text

from annotations.display import visible
from annotations.model import Layer, Quote
from annotations.review import confidence_of
from tui.widgets.colours import STATUS_GLYPH, STATUS_STYLE, TYPE_LETTER
from tui.widgets.rowlist import RowList


def _confidence_text(conf: float | None) -> str:
    if conf is None:
        return " - "
    return f"{conf:.2f}".lstrip("0") if conf < 1 else " 1 "


def quote_row(quote: Quote, layer: Layer, suggestion: Any = None) -> Text:
    """One list row: ``✓ D Kenney        support  .82``.

    ``suggestion`` (a ``StanceSuggestion``, see ``tui/stance_feed.py``) fills an empty
    stance column: greyed with ``?`` while tentative, with its confidence at the row's end.
    """
    speaker = visible(layer.speaker_name(quote) or "—")
    conf = confidence_of(quote)
    conf_text = _confidence_text(conf)
    row = Text(no_wrap=True)
    row.append(STATUS_GLYPH.get(quote.status, "?"), STATUS_STYLE.get(quote.status))
    row.append(f" {TYPE_LETTER.get(quote.type, '?')} ")
    row.append(f"{speaker[:14]:<14} ", "bold" if quote.speaker_id else "dim")
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
    return row


class QuoteList(RowList):
    """The document's quotes; the cursor follows the current quote."""

    def __init__(
        self, *, id: str | None = None, suggest: Callable[[Quote], Any] | None = None
    ) -> None:
        """``suggest`` gives a quote's stance suggestion (or ``None``) for its row."""
        super().__init__(id=id)
        self.border_title = "Quotes"
        self.ids: list[str] = []
        self.positions: dict[str, int] = {}
        self._suggest = suggest

    def show(self, quotes: list[Quote], layer: Layer, current: str | None) -> None:
        """Show ``quotes`` (already in reading order) and put the cursor on ``current``."""
        self.ids = [q.id for q in quotes]
        self.positions = {qid: i for i, qid in enumerate(self.ids)}
        index = self.positions.get(current or "", 0)
        shown = list(quotes)
        self.set_lazy_rows(len(shown), lambda i: quote_row(shown[i], layer, self._sugg(shown[i])),
                           index)
        self.border_subtitle = f"{len(quotes)}"

    def update_quote(self, quote: Quote, layer: Layer) -> bool:
        """Redraw one quote's row; False when the quote is not listed."""
        i = self.positions.get(quote.id)
        if i is None:
            return False
        self.set_row(i, quote_row(quote, layer, self._sugg(quote)))
        return True

    def _sugg(self, quote: Quote) -> Any:
        return self._suggest(quote) if self._suggest is not None else None
