"""KeyBar: a one-line footer of the screen's main keys, drawn as text (one widget, not one per
key, so the first frame stays lean). Clicking a key runs its action; ``Ctrl+P`` and ``?`` list
everything else."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.actions import parse
from textual.dom import DOMNode
from textual.screen import Screen

from tui.actions import spec_for
from tui.widgets.textpanel import TextPanel


class KeyBar(TextPanel):
    """The shown bindings of the active screen: ``a Accept  x Reject …  ^p palette``."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spots: list[tuple[int, int, str, object]] = []

    def on_mount(self) -> None:
        """Follow the screen's bindings."""
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self._changed(self.screen)

    def on_unmount(self) -> None:
        """Stop following."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: events.Resize) -> None:
        """Fit the keys to the new width."""
        if self.is_attached:
            self._changed(self.screen)

    def _changed(self, screen: Screen[object]) -> None:
        """Draw the screen's shown keys, in order, as many as fit whole: a key is never shown
        without its label (at 80 columns the review queue's last key showed as a bare ``⏎``)."""
        width = self.size.width or 10_000
        text = Text(no_wrap=True, overflow="crop")
        spots: list[tuple[int, int, str, object]] = []
        seen: set[str] = set()
        shown = [a for a in screen.active_bindings.values() if a.binding.show
                 and a.binding.description and _offered(screen, a.node, a.binding.action)]
        # help first (always visible), then the keys the screen puts first (the review
        # queue's accept-and-next: at 80 columns it fell off the end behind the reader's keys)
        first = tuple(getattr(screen, "FOOTER_FIRST", ()))
        shown.sort(key=lambda a: (a.binding.action != "help",
                                  not (a.binding.id or "").startswith(first) if first else True))
        pieces: list[tuple[str, str, str, object]] = []
        for active in shown:
            binding = active.binding
            if binding.action in seen:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.app.get_key_display(binding)
            spec = spec_for(binding.id)
            label = spec.short if spec and spec.short else _short(binding.description)
            pieces.append((key, label, binding.action, active.node))
        pieces.append(("^p", "palette", "app.command_palette", self.app))
        for key, label, action, node in pieces:
            cells = Text(f" {key}  {label} ").cell_len
            if text.cell_len + cells > width:
                break
            start = text.cell_len
            text.append(f" {key} ", "bold reverse")
            text.append(f" {label} ")
            spots.append((start, text.cell_len, action, node))
        self._spots = spots
        self.set(text)

    async def on_click(self, event: events.Click) -> None:
        """Run the action of the key under the pointer."""
        for start, end, action, node in self._spots:
            if start <= event.x < end:
                await self.app.run_action(action, node)  # type: ignore[arg-type]
                return


def _short(description: str) -> str:
    """The first two words of a description (footer space is tight at 80 columns), and a number
    after them: "Take layer 2" must not read as "Take layer 1"."""
    words = description.replace("…", "").split()
    keep = 3 if len(words) > 2 and words[2].isdigit() else 2
    return " ".join(words[:keep])


def _offered(screen: Screen[object], node: DOMNode, action: str) -> bool:
    """Whether the key for ``action`` (bound on ``node``) does something here: its node's
    ``check_action`` does not say False, nor the screen's ``offers`` (``u`` in the library
    only says why it refuses: it is not listed)."""
    _, name, params = parse(action)
    if node.check_action(name, params) is False:
        return False
    offers = getattr(screen, "offers", None)
    return offers is None or bool(offers(name))
