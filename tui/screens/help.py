"""HelpScreen: every key of the screen underneath, generated from its active bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from annotations.display import visible_line
from tui.actions import spec_for
from tui.screens.dialog import Dialog

GROUP_ORDER = ("Navigate", "Review", "Stance", "Edit", "Span", "Select", "Speakers", "View",
               "Layers", "Adjudicate", "Scheme", "Library", "General")


def help_rows(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(group, keys, description) for every described binding of ``screen``: those active
    on it (the app's, the screen's, the focused widget's) and the screen's own that act only
    at some moments."""
    by_action: dict[tuple[str, str], list[str]] = {}
    pairs = [(key, active.binding) for key, active in screen.active_bindings.items()]
    # and the screen's keys that act only in a moment (n / N for search hits while a search
    # is on): the help lists every key, not only those live when it opened
    seen = {(key, b.action) for key, b in pairs}
    own = getattr(screen, "_bindings", None)
    for key, bindings in (own.key_to_bindings.items() if own is not None else ()):
        pairs += [(key, b) for b in bindings if (key, b.action) not in seen and _offered(screen, b)]
    for key, binding in pairs:
        if not binding.description:
            continue
        spec = spec_for(binding.id)
        group = spec.group if spec else ("Stance" if (binding.id or "").startswith("stance.")
                                         else "General")
        # a spec's key_display names its first key only (n for "n,j"): the others show as is
        first = spec.keys.split(",")[0].strip() if spec else key
        display = screen.app.get_key_display(Binding(
            key, binding.action, key_display=binding.key_display if key == first else None))
        by_action.setdefault((group, binding.description), []).append(display)
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    rows = [(g, " ".join(dict.fromkeys(keys)), d) for (g, d), keys in by_action.items()]
    return sorted(rows, key=lambda r: (order.get(r[0], 99), r[0]))


def _offered(screen: Screen[object], binding: Binding) -> bool:
    """Whether ``screen`` has ``binding`` at all: its ``help_offers`` says so when it has one
    ("Take layer 3" on two layers is never a key; n for search hits is, while a search is on,
    though ``check_action`` turns it off now)."""
    offers = getattr(screen, "help_offers", None)
    if offers is None:
        return True
    _, name, params = parse(binding.action)
    return bool(offers(name, params))


class HelpScreen(Dialog[None]):
    """A table of keys grouped by what they do; Esc, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss_help", "Close help", id="help.close"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        """Title and the table."""
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        last = None
        for group, keys, description in self.rows:
            table.add_row(Text(group if group != last else "", "italic"), Text(keys),
                          Text(visible_line(description)))
            last = group
        with Vertical(id="help-dialog"):
            yield Label(" Keys (Ctrl+P: command palette for every action) · Esc closes",
                        id="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(table)

    def action_dismiss_help(self) -> None:
        """Close."""
        self.dismiss(None)
