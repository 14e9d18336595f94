"""SchemeScreen: edit the stance target and labels without losing an annotation (``K``).

Add a label, rename one (its quotes in every layer of every document carry the new name),
remove one (in use, it asks first, says how many quotes carry it and which label they should
move to), change a label's key, change the target. The changes go through
``annotations.scheme`` in a thread worker under the editor's lock, are journaled, and every
open reader rebinds its stance keys and redraws at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Label, Static

from annotations.display import visible
from annotations.errors import InputError, SaywhoError
from annotations.model import StanceScheme
from annotations.scheme import add_label, label_usage, remove_label, rename_label, set_target
from annotations.store.project import Project
from tui.actions import ANALYSIS, GLOBAL, READER, REVIEW, SCHEME, bindings
from tui.screens.base import SaywhoScreen
from tui.screens.prompts import TextPrompt
from tui.widgets.rowlist import RowList
from tui.widgets.status import Banner, StatusBar

NO_STANCE = "(no stance)"


def taken_keys() -> set[str]:
    """Keys the reader and the review queue (a reader too) already use for other actions
    (a stance key must avoid them)."""
    keys: set[str] = set()
    for spec in (*GLOBAL, *READER, *REVIEW, *ANALYSIS):
        keys.update(k.strip() for k in spec.keys.split(","))
    return keys


def set_label_key(project: Project, name: str, key: str) -> StanceScheme:
    """Give label ``name`` the key ``key`` (one letter or digit, not used elsewhere)."""
    key = key.strip()
    scheme = project.scheme
    if name not in scheme.names:
        raise InputError(f"the scheme has no label {name!r}")
    if len(key) != 1 or not key.isalnum():
        raise InputError(f"a stance key is one letter or digit, not {key!r}")
    other = scheme.by_key(key)
    if other is not None and other != name:
        raise InputError(f"key {key!r} already sets {other!r}")
    if key in taken_keys():
        raise InputError(f"key {key!r} is taken by another reader action")
    updated = replace(scheme, labels=tuple(
        replace(lb, key=key) if lb.name == name else lb for lb in scheme.labels
    ))
    project.set_scheme(updated)
    project.record("scheme", f"key {key} for {name}", {"scheme": updated.to_dict()})
    return updated


def rebind_reader(screen: Screen[Any], scheme: StanceScheme) -> None:
    """Give an open reader (or review) screen the new scheme's stance keys and redraw it."""
    keys = screen._bindings.key_to_bindings
    for key in list(keys):
        kept = [b for b in keys[key] if not (b.id or "").startswith("stance.")]
        if kept:
            keys[key] = kept
        else:
            del keys[key]
    screen.scheme = scheme  # type: ignore[attr-defined]
    screen._bind_stance_keys()  # type: ignore[attr-defined]
    doc_id = getattr(screen, "doc_id", "")
    if doc_id and screen.is_mounted:
        layers = getattr(screen, "doc_layers", None)
        if layers is not None:  # the review queue's copies of the layers
            name = screen.layer_name  # type: ignore[attr-defined]
            fresh = screen.app.editor.read(  # type: ignore[attr-defined]
                lambda p: {d: p.layer(d, name) for d in layers})
            layers.update(fresh)
        screen.load(doc_id, screen.current_id)  # type: ignore[attr-defined]
    screen.refresh_bindings()


class ReplacementPicker(ModalScreen[str | None]):
    """Removing a label in use: choose where its quotes go, or cancel (Escape keeps it)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="scheme.cancel_remove")]

    def __init__(self, label: str, count: int, others: list[str]) -> None:
        super().__init__()
        self.label = label
        self.count = count
        self.choices = [*others, NO_STANCE]

    def compose(self) -> ComposeResult:
        """The question, the replacement labels, a hint."""
        with Vertical(id="dialog"):
            yield Label(f"Remove “{visible(self.label)}”? {self.count} quotes carry it.",
                        id="dialog-title")
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

    def __init__(self) -> None:
        super().__init__()
        self.scheme = StanceScheme()
        self.usage: Counter[str] = Counter()

    def compose(self) -> ComposeResult:
        """Header, target, label list, hint, status bar, footer."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        yield Static(id="scheme-head")
        yield RowList(id="labels")
        yield Static("a add · r rename (quotes keep it) · d remove (asks first) · k key · "
                     "t target · Esc back", id="scheme-hint")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Read the scheme and its usage."""
        super().on_mount()
        self.sub_title = self.app.sub_title = "stance scheme"
        self.reload()
        self.query_one("#labels", RowList).focus()

    def reload(self) -> None:
        """Re-read the scheme and count each label's quotes."""
        self.scheme, self.usage = self.saywho.editor.read(
            lambda p: (p.scheme, label_usage(p)))
        self._fill()

    def _fill(self) -> None:
        rows = []
        for label in self.scheme.labels:
            row = Text(no_wrap=True)
            row.append(f" {label.key or '·'} ", "bold reverse")
            row.append(f" {visible(label.name):<20}", "bold")
            row.append(f" {self.usage.get(label.name, 0):>6} quotes", "dim")
            rows.append(row)
        labels = self.query_one("#labels", RowList)
        labels.set_rows(rows)
        labels.border_title = "Labels (key · name · quotes)"
        self.query_one("#scheme-head", Static).update(
            Text(f"Target: {visible(self.scheme.target)}")
        )

    @property
    def selected(self) -> str | None:
        """The highlighted label's name."""
        if not self.scheme.labels:
            return None
        index = self.query_one("#labels", RowList).index
        return self.scheme.labels[min(index, len(self.scheme.labels) - 1)].name

    # ------------------------------------------------------------------ running changes
    def change(self, fn: Callable[[Project], Any], what: str) -> None:
        """Run a scheme change in a worker (under the editor's lock), then redraw."""
        if self.saywho.project.read_only:
            self.notify(self.saywho.project.read_only_reason or "read-only",
                        title="Read-only", severity="error")
            return
        self.saywho._set_save("saving", what)
        self._run(fn, what)

    @work(thread=True, group="scheme")
    def _run(self, fn: Callable[[Project], Any], what: str) -> None:
        try:
            result = self.saywho.editor.read(fn)
        except SaywhoError as exc:
            self.app.call_from_thread(self._done, what, None, exc)
        else:
            self.app.call_from_thread(self._done, what, result, None)

    def _done(self, what: str, result: Any, error: SaywhoError | None) -> None:
        if error is not None:
            self.saywho._set_save("error", error.message)
            self.notify(error.message, title=error.title, severity="warning")
        else:
            moved = f" ({result} quotes)" if isinstance(result, int) else ""
            self.saywho._set_save("saved", f"{what}{moved}")
        self.reload()
        scheme = self.scheme
        from tui.screens.reader import ReaderScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, ReaderScreen):
                rebind_reader(screen, scheme)
        from tui.stance_suggest import request_refit, suggester

        suggester(self.saywho).changed()  # quotes were relabelled outside the editor
        request_refit(self.saywho)  # labels changed: the model learns them anew

    # ------------------------------------------------------------------ actions
    def action_add_label(self) -> None:
        """Add a label (it gets the next free digit key)."""

        def done(name: str | None) -> None:
            if name and name.strip():
                self.change(lambda p: add_label(p, name), f"add label {name.strip()}")

        self.app.push_screen(TextPrompt("New stance label"), done)

    def action_rename_label(self) -> None:
        """Rename the highlighted label; every quote carrying it keeps it under the new name."""
        old = self.selected
        if old is None:
            return

        def done(new: str | None) -> None:
            if new and new.strip() and new.strip() != old:
                self.change(lambda p: rename_label(p, old, new), f"rename {old} to {new.strip()}")

        self.app.push_screen(TextPrompt(f"Rename “{visible(old)}”", old), done)

    def action_remove_label(self) -> None:
        """Remove the highlighted label; in use, ask first where its quotes go."""
        name = self.selected
        if name is None:
            return
        count = self.usage.get(name, 0)
        if not count:
            self.change(lambda p: remove_label(p, name), f"remove label {name}")
            return

        def done(target: str | None) -> None:
            if target is None:
                self.notify(f"Kept “{name}”.", timeout=2)
                return
            into = None if target == NO_STANCE else target
            self.change(lambda p: remove_label(p, name, replace_with=into, confirm=True),
                        f"remove label {name}, quotes to {into or 'no stance'}")

        others = [n for n in self.scheme.names if n != name]
        self.app.push_screen(ReplacementPicker(name, count, others), done)

    def action_change_key(self) -> None:
        """Change the key that sets the highlighted label in the reader."""
        name = self.selected
        if name is None:
            return
        label = next(lb for lb in self.scheme.labels if lb.name == name)

        def done(key: str | None) -> None:
            if key is not None and key.strip() and key.strip() != label.key:
                self.change(lambda p: set_label_key(p, name, key), f"key {key.strip()} for {name}")

        self.app.push_screen(TextPrompt(f"Key for “{visible(name)}”", label.key,
                                        "one letter or digit · Enter: save · Esc: cancel"), done)

    def action_edit_target(self) -> None:
        """Change what stance is about."""

        def done(target: str | None) -> None:
            if target is not None and target.strip():
                self.change(lambda p: set_target(p, target), "set stance target")

        self.app.push_screen(TextPrompt("Stance target", self.scheme.target), done)

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()
