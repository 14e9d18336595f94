"""SchemeScreen: edit the stance target and labels without losing an annotation (``K``).

Add a label, rename one (its quotes in every layer of every document carry the new name),
remove one (in use, it asks first, says how many quotes carry it and which label they should
move to), change a label's key, change the target. The counts beside the labels are those of
the layer in view (the annotator's own unless another was opened with the layer key), over
every document, and the screen says which layer it counts; removing a label says how many
quotes carry it in every layer, since every layer loses it. The changes are queued on the bridge and
run through the ``Session`` (rules in ``annotations.scheme``), are journaled, and every open
reader rebinds its stance keys when the session announces the new scheme.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Label, Static

from annotations.display import count, visible
from annotations.model import StanceScheme
from annotations.session import Session
from tui.actions import SCHEME, bindings, reserved_keys
from tui.bridge import SessionBridge
from tui.outcome import Outcome
from tui.plain import plain, say
from tui.screens.base import SaywhoScreen
from tui.screens.dialog import Dialog
from tui.screens.prompts import TextPrompt
from tui.widgets.keybar import KeyBar
from tui.widgets.rowlist import RowList
from tui.widgets.status import Banner, StatusBar

NO_STANCE = "(no stance)"


class ReplacementPicker(Dialog[str | None]):
    """Removing a label in use: choose where its quotes go, or cancel (Escape keeps it)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="scheme.cancel_remove")]

    def __init__(self, label: str, count: int, others: list[str],
                 in_view: tuple[str, int] | None = None) -> None:
        super().__init__()
        self.label = label
        self.count = count
        """Quotes carrying the label in every layer (all of them move)."""
        self.in_view = in_view
        """(layer in view, quotes carrying the label in it)."""
        self.choices = [*others, NO_STANCE]

    def compose(self) -> ComposeResult:
        """The question, the replacement labels, a hint."""
        with Vertical(id="dialog"):
            where = "" if self.in_view is None else \
                f" ({self.in_view[1]} in layer {self.in_view[0]})"
            yield Label(plain(f"Remove “{self.label}”? {count(self.count, 'quote')} in every layer "
                              f"carry it{where}."), id="dialog-title")
            yield Label("Move them to:", id="dialog-hint")
            yield RowList(id="picks")
            yield Label("Enter: remove and move · Esc: keep the label", id="dialog-hint-2")

    def on_mount(self) -> None:
        """Fill and focus the list."""
        rows = [Text(visible(c), "bold" if c != NO_STANCE else "italic") for c in self.choices]
        picks = self.query_one(RowList)
        picks.set_rows(rows, 0)
        picks.focus()

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Remove the label, moving its quotes to the chosen one."""
        event.stop()
        self.dismiss(self.choices[event.index])

    def action_cancel(self) -> None:
        """Keep the label."""
        self.dismiss(None)


class SchemeScreen(SaywhoScreen):
    """The target and the labels with their keys and how many quotes carry each."""

    BINDINGS = bindings(SCHEME)

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__(bridge)
        self.scheme = StanceScheme()
        self.usage: dict[str, int] = {}
        """Quotes per label in ``counted_layer`` (the layer in view), over every document."""
        self.counted_layer = bridge.layer_shown
        """The layer whose quotes are counted."""

    def compose(self) -> ComposeResult:
        """Header, target, label list, hint, status bar, footer."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        yield Static(id="scheme-head")
        yield RowList(id="labels")
        yield Static("a add · r rename (quotes keep it) · d remove (asks first) · k key · "
                     "t target · Esc back", id="scheme-hint")
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Read the scheme and its usage."""
        super().on_mount()
        self.sub_title = self.app.sub_title = "stance scheme"
        self.bridge.outcomes.subscribe(self, self.change_finished)
        self.bridge.layer_switched.subscribe(self, self.layer_switched)
        self.reload()
        self.query_one("#labels", RowList).focus()

    def reload(self) -> None:
        """Re-read the scheme and count each label's quotes in the layer in view."""
        layer = self.counted_layer = self.bridge.layer_shown
        self.scheme, self.usage = self.bridge.read(
            lambda s: (s.scheme, s.label_usage(layer)))
        self._fill()

    def layer_switched(self, _name: str | None) -> None:
        """Another layer is in view: count its quotes."""
        if self.is_mounted:
            self.reload()

    def _fill(self) -> None:
        rows = []
        for label in self.scheme.labels:
            row = Text(no_wrap=True)
            row.append(f" {label.key or '·'} ", "bold reverse")
            row.append(f" {visible(label.name):<20}", "bold")
            row.append(f" {count(self.usage.get(label.name, 0), 'quote'):>12}", "dim")
            rows.append(row)
        labels = self.query_one("#labels", RowList)
        labels.set_rows(rows)
        layer = self.counted_layer
        labels.border_title = plain(f"Labels (key · name · quotes in layer {layer})")
        head = Text(f"Target: {visible(self.scheme.target)}")
        head.append(f"\nCounting the quotes of layer {visible(layer)} in every document", "dim")
        self.query_one("#scheme-head", Static).update(head)

    @property
    def selected(self) -> str | None:
        """The highlighted label's name."""
        if not self.scheme.labels:
            return None
        index = self.query_one("#labels", RowList).index
        return self.scheme.labels[min(index, len(self.scheme.labels) - 1)].name

    # ------------------------------------------------------------------ running changes
    def change(self, what: str, fn: Callable[[Session], Any]) -> None:
        """Queue a scheme change on the bridge (one worker, one error policy for every change).

        Open readers rebind their keys when the session announces the new scheme; this screen
        recounts when the change is saved or failed.
        """
        if not self.refused():
            self.bridge.change(what, fn)

    def change_finished(self, outcome: Outcome) -> None:
        """A change finished (saved or failed): show the scheme as it is on disk."""
        if outcome.op == "change" and self.is_mounted:
            self.reload()

    # ------------------------------------------------------------------ actions
    def action_add_label(self) -> None:
        """Add a label (it gets the next free digit key)."""

        def done(name: str | None) -> None:
            if name and name.strip():
                self.change(f"add label {name.strip()}", lambda s: s.add_label(name))

        self.app.push_screen(TextPrompt("New stance label"), done)

    def action_rename_label(self) -> None:
        """Rename the highlighted label; every quote carrying it keeps it under the new name."""
        old = self.selected
        if old is None:
            return

        def done(new: str | None) -> None:
            if new and new.strip() and new.strip() != old:
                self.change(f"rename {old} to {new.strip()}", lambda s: s.rename_label(old, new))

        self.app.push_screen(TextPrompt(f"Rename “{visible(old)}”", old), done)

    def action_remove_label(self) -> None:
        """Remove the highlighted label; in use, ask first where its quotes go."""
        name = self.selected
        if name is None:
            return
        count = self.bridge.read(lambda s: s.label_usage(every_layer=True)).get(name, 0)
        if not count:
            self.change(f"remove label {name}", lambda s: s.remove_label(name))
            return

        def done(target: str | None) -> None:
            if target is None:
                say(self, f"Kept “{name}”.", timeout=2)
                return
            into = None if target == NO_STANCE else target
            self.change(f"remove label {name}, quotes to {into or 'no stance'}",
                        lambda s: s.remove_label(name, replace_with=into, confirm=True))

        others = [n for n in self.scheme.names if n != name]
        in_view = (self.counted_layer, self.usage.get(name, 0))
        self.app.push_screen(ReplacementPicker(name, count, others, in_view), done)

    def action_change_key(self) -> None:
        """Change the key that sets the highlighted label in the reader."""
        name = self.selected
        if name is None:
            return
        label = next(lb for lb in self.scheme.labels if lb.name == name)

        def done(key: str | None) -> None:
            if key is not None and key.strip() and key.strip() != label.key:
                self.change(f"key {key.strip()} for {name}",
                            lambda s: s.set_label_key(name, key, reserved_keys()))

        self.app.push_screen(TextPrompt(f"Key for “{visible(name)}”", label.key,
                                        "one letter or digit · Enter: save · Esc: cancel"), done)

    def action_edit_target(self) -> None:
        """Change what stance is about."""

        def done(target: str | None) -> None:
            if target is not None and target.strip():
                self.change("set stance target", lambda s: s.set_target(target))

        self.app.push_screen(TextPrompt("Stance target", self.scheme.target), done)

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()
