"""StancePanel: the scheme's labels with their keys and how often each is used."""

from __future__ import annotations

from collections import Counter

from rich.text import Text

from annotations.display import visible
from annotations.model import Layer, StanceScheme
from tui.plain import plain
from tui.widgets.colours import stance_style
from tui.widgets.textpanel import TextPanel


class StancePanel(TextPanel):
    """The stance target, each label with its key, and the label distribution."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_titles(title="Stance")
        self._counted: tuple[Layer | None, Counter[str | None]] = (None, Counter())

    def show(self, scheme: StanceScheme, layer: Layer, current: str | None, *,
             target: str | None = None) -> None:
        """Redraw for the layer's quotes; ``current`` is the current quote's label; ``target``
        the document's stance target (default: the project's), whole (the border shortens it
        with an ellipsis only when it does not fit)."""
        counts = self._counts(layer)
        total = sum(counts.values()) or 1
        text = Text(no_wrap=True, overflow="ellipsis")
        for label in scheme.labels:
            n = counts.get(label.name, 0)
            mark = "●" if label.name == current else " "
            text.append(visible(f"{mark}{label.key} "), "bold")
            text.append(f"{visible(label.name):<9}", stance_style(label.name, scheme.names))
            bar = "█" * round(8 * n / total)
            text.append(f" {n:>3} {bar}\n")
        unset = counts.get(None, 0)
        text.append(f"{'●' if current is None else ' '}0 {'(none)':<9} {unset:>3}", "dim")
        self.set_titles(subtitle=plain(target or scheme.target))
        self.set(text)

    def _counts(self, layer: Layer) -> Counter[str | None]:
        """Labels in use in ``layer`` (layers are immutable: counted once per layer)."""
        if self._counted[0] is not layer:
            counts = Counter(q.stance for q in layer.quotes.values() if q.status != "rejected")
            self._counted = (layer, counts)
        return self._counted[1]
