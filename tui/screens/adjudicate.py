"""AdjudicateScreen: one document's layers side by side, building its ``final`` layer (``J``).

The quotes of every annotator layer are grouped into units (``annotations.adjudication``),
disagreements first. The list on the left has one row per unit; the panel on the right shows
each layer's version of the current unit in its own column, next to what ``final`` holds.
``1``…``9`` take that layer's version into ``final`` (an ``AdoptQuote`` edit, saved, journaled
and undoable like any correction; ``t`` picks a layer by name, past the ninth too), ``x`` leaves
the unit out (kept in final as rejected, so it counts as decided), ``a`` adopts every agreed
unit at once, ``e`` opens ``final`` in the reader.
The head line shows progress: units decided out of all units. A layer of the document that
another process stores meanwhile (a new annotator's, an edit of one) is compared at once.
"""

from __future__ import annotations

from dataclasses import replace

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Static

from annotations.adjudication import Unit, Version, adopt, coded_name, coded_values, units
from annotations.display import excerpt, visible, visible_line
from annotations.edits import AdoptQuote, AdoptQuotes, EditContext, LayerChange
from annotations.errors import SaywhoError
from annotations.events import Event, LayerStored
from annotations.live import LiveEvent
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER, Document, Layer, Quote
from tui.actions import ADJUDICATE, bindings
from tui.bridge import SessionBridge
from tui.messages import OpenDocument
from tui.outcome import Outcome
from tui.plain import plain, say
from tui.screens.base import SaywhoScreen
from tui.widgets.keybar import KeyBar
from tui.widgets.rowlist import RowList
from tui.widgets.status import Banner, StatusBar
from tui.widgets.textpanel import TextPanel

EXCERPT = 60  # characters of a unit's text on its row (then an ellipsis)


def annotator_layers(names: list[str]) -> list[str]:
    """The layers to compare: every stored layer but the suggestions and ``final``."""
    return [n for n in names if n not in (SUGGESTIONS_LAYER, FINAL_LAYER)]


def final_quote(unit: Unit, final: Layer) -> Quote | None:
    """The quote of ``final`` that decides ``unit`` (overlapping it), if any."""
    for quote in final.sorted_quotes():
        if quote.start < unit.end and unit.start < quote.end:
            return quote
    return None


def chosen_layer(unit: Unit, final: Layer) -> str | None:
    """Which layer's version ``final`` holds for ``unit`` (``None``: none or an edited one)."""
    quote = final_quote(unit, final)
    if quote is None:
        return None
    speaker = final.speaker_name(quote) or ""
    for name, version in unit.versions.items():
        q = version.quote
        if (q.start, q.end, q.type, q.stance) == (quote.start, quote.end, quote.type,
                                                  quote.stance) and \
                (version.speaker or "").casefold() == speaker.casefold():
            return name
    return None


def open_adjudication(bridge: SessionBridge, screen: Screen[object]) -> None:
    """Open the adjudication of the document ``screen`` is about (the reader's or the
    library's highlighted one)."""
    doc_id = screen.document_in_view() if isinstance(screen, SaywhoScreen) else None
    if doc_id is None:
        screen.notify("Open a document first.", severity="warning")
        return
    names = annotator_layers(bridge.session.layer_names(doc_id))
    if not names:
        screen.notify("No annotator layer to adjudicate yet.", severity="warning")
        return
    if len(names) == 1:
        say(screen, f"Only one layer ({names[0]}): import another with "
            "`saywho import FILE --layer NAME`.", timeout=4)
    screen.app.push_screen(AdjudicateScreen(bridge, doc_id, names))


class AdjudicateScreen(SaywhoScreen):
    """Units of one document with each layer's version; number keys build ``final``."""

    BINDINGS = bindings(ADJUDICATE)

    def __init__(self, bridge: SessionBridge, doc_id: str, names: list[str]) -> None:
        super().__init__(bridge)
        self.doc_id = doc_id
        self.names = names
        self.doc: Document | None = None
        self.doc_layers: dict[str, Layer] = {}
        self.final = Layer(FINAL_LAYER)
        self.units: list[Unit] = []
        self.index = 0

    def compose(self) -> ComposeResult:
        """Header, progress line, unit list and versions, status bar, footer."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        yield Static(id="adj-head")
        with Horizontal(id="adj-body"):
            yield RowList(id="units")
            yield TextPanel(id="versions")
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Read the layers, group the units, show the first one."""
        super().on_mount()
        self.bridge.outcomes.subscribe(self, self.edit_finished)
        self.bridge.session_events.subscribe(self, self.session_event)
        self._read()
        self.sub_title = self.app.sub_title = visible_line(f"adjudicate · {self.doc.title}")
        self.query_one("#units", RowList).border_title = "Units (disagreements first)"
        self.query_one("#versions", TextPanel).border_title = "Versions"
        self._fill()
        self.query_one("#units", RowList).focus()

    def _read(self) -> None:
        doc_id = self.doc_id
        self.doc, self.doc_layers, self.final = self.bridge.read(lambda s: (
            s.document(doc_id),
            {n: s.layer(doc_id, n) for n in self.names},
            s.layer(doc_id, FINAL_LAYER),
        ))
        self.units = units(self.doc.text, self.doc_layers, self.names)

    def session_event(self, event: Event | LiveEvent) -> None:
        """A layer of this document stored (by another process too): an annotator's is
        compared again, and ``final`` shows another adjudicator's decisions."""
        if not (isinstance(event, LayerStored) and event.doc_id == self.doc_id
                and event.layer != SUGGESTIONS_LAYER
                and self.bridge.pending == 0 and self.is_mounted):
            return
        doc_id = self.doc_id
        names = self.bridge.read(lambda s: annotator_layers(s.layer_names(doc_id)))
        self.names = [*self.names, *(n for n in names if n not in self.names)]
        self._read()
        self.index = min(self.index, max(len(self.units) - 1, 0))
        self._fill()

    def document_in_view(self) -> str | None:
        """The document being adjudicated."""
        return self.doc_id

    def undo_scope(self) -> tuple[str, str] | None:
        """Undo takes back the last decision in this document's ``final`` layer."""
        return (self.doc_id, FINAL_LAYER)

    # ------------------------------------------------------------------ drawing
    def decided(self, unit: Unit) -> bool:
        """True when ``final`` holds a quote for ``unit`` (adopted or left out)."""
        return final_quote(unit, self.final) is not None

    def _row(self, unit: Unit) -> Text:
        row = Text(no_wrap=True)
        quote = final_quote(unit, self.final)
        if quote is None:
            row.append("· ", "dim")
        elif quote.status == "rejected":
            row.append("✗ ", "bold")
        else:
            row.append("✓ ", "bold")
        row.append("= " if unit.agreed else "≠ ", "bold")
        pick = chosen_layer(unit, self.final)
        row.append(f"{self.names.index(pick) + 1 if pick in self.names else ' '} ", "bold")
        text = self.doc.text if self.doc else ""
        row.append(visible(excerpt(text[unit.start : unit.end], EXCERPT + 1)))
        diff = unit.differences()
        if diff:
            row.append(f"  [{', '.join(diff)}]", "dim")
        return row

    def _fill(self) -> None:
        rows = [self._row(u) for u in self.units]
        self.query_one("#units", RowList).set_rows(rows, self.index)
        self._refresh()

    def _refresh(self) -> None:
        total = len(self.units)
        done = sum(1 for u in self.units if self.decided(u))
        disagree = sum(1 for u in self.units if not u.agreed)
        layers = " · ".join(f"{i + 1} {n}" for i, n in enumerate(self.names))
        self.query_one("#adj-head", Static).update(
            plain(f" decided {done}/{total} · {disagree} disagreements · layers: {layers}")
        )
        self.query_one("#versions", TextPanel).set(self._versions())
        self.query_one(StatusBar).set_position(f"unit {self.index + 1 if total else 0}/{total} "
                                               f"· decided {done}/{total} ")

    def _versions(self) -> Table | Text:
        if not self.units:
            return Text("No quotes in any layer of this document.", "dim")
        unit = self.units[self.index]
        table = Table(expand=True, show_lines=True, padding=(0, 1))
        table.add_column("", style="bold", no_wrap=True)
        for i, name in enumerate(self.names):
            table.add_column(Text(visible_line(f"{i + 1} {name}")), ratio=1)
        table.add_column(FINAL_LAYER, ratio=1, style="italic")
        cells: list[Version | None] = [unit.versions.get(n) for n in self.names]
        final = final_quote(unit, self.final)

        def field(fn, final_value: str) -> list[Text]:  # noqa: ANN001
            shown = [visible(fn(v)) if v is not None else "—" for v in cells] + [final_value]
            return [Text(value) for value in shown]

        fq = final
        diff = unit.differences()

        def head(name: str, what: str) -> Text:  # "≠" marks what the layers disagree on
            return Text(f"{name} ≠" if what in diff else name, "bold reverse" if what in diff
                        else "bold")

        table.add_row(head("type", "type"),
                      *field(lambda v: v.quote.type, visible(fq.type) if fq else "—"))
        table.add_row(head("speaker", "speaker"),  # with the values coded: what final keeps
                      *field(lambda v: coded_name(v.speaker_record) or "—",
                             visible(coded_name(self.final.speakers.get(fq.speaker_id or ""))
                                     or "—") if fq else "—"))
        table.add_row(head("stance", "stance"),
                      *field(lambda v: v.quote.stance or "—",
                             visible(fq.stance or "—") if fq else "—"))
        if any(v.quote.codes for v in unit.versions.values()) or (fq and fq.codes):
            table.add_row(Text("codes ≠", "bold reverse") if unit.codes_apart()
                          else Text("codes", "bold"),
                          *field(lambda v: coded_values(v.quote) or "—",
                                 visible(coded_values(fq) or "—") if fq else "—"))
        table.add_row(Text("status"),
                      *field(lambda v: v.quote.status, visible(fq.status) if fq else "—"))
        table.add_row(head("span", "span"),
                      *field(lambda v: f"{v.quote.start}-{v.quote.end}",
                             f"{fq.start}-{fq.end}" if fq else "—"))
        # the text last: at 80 columns a long quote fills the panel, and must not hide the
        # short fields the layers disagree on
        table.add_row(head("text", "span"),
                      *field(lambda v: v.quote.text, visible(fq.text) if fq else "—"))
        table.caption = Text("agreed" if unit.agreed else f"differ: {visible(', '.join(diff))}")
        return table

    # ------------------------------------------------------------------ moving
    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        """Moving in the list shows that unit."""
        event.stop()
        self.index = event.index
        self._refresh()

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        """Enter on a unit: nothing to open; keep it current."""
        event.stop()

    def action_step(self, delta: int) -> None:
        """Previous / next unit."""
        self._goto(self.index + delta)

    def _goto(self, index: int) -> None:
        if not self.units:
            return
        self.index = min(max(index, 0), len(self.units) - 1)
        self.query_one("#units", RowList).select(self.index)
        self._refresh()

    def action_next_open(self) -> None:
        """The next unit not decided yet (wrapping round)."""
        n = len(self.units)
        for k in range(1, n + 1):
            i = (self.index + k) % n
            if not self.decided(self.units[i]):
                self._goto(i)
                return
        self.notify("Every unit is decided.", timeout=3)

    # ------------------------------------------------------------------ deciding
    def _submit(self, edit: AdoptQuote | AdoptQuotes) -> bool:
        if self.refused():
            return False
        assert self.doc is not None
        try:
            change = edit.compute(self.final, self.doc.text, EditContext(self.bridge.annotator))
        except SaywhoError as exc:
            say(self, exc.message, title=exc.title, severity="warning")
            return False
        self.final = change.apply_to(self.final)
        self.bridge.submit(edit)
        return True

    def _decided_now(self, indices: list[int]) -> None:
        rows = self.query_one("#units", RowList)
        for i in indices:
            rows.set_row(i, self._row(self.units[i]))
        self._refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer "Take layer N" only for the layers there are."""
        return self.help_offers(action, parameters)

    def help_offers(self, action: str, parameters: tuple[object, ...]) -> bool:
        """Whether the screen has that key at all (help lists no "Take layer 3" on two)."""
        if action == "pick" and parameters and isinstance(parameters[0], int):
            return parameters[0] <= len(self.names)
        return True

    def action_pick(self, number: int) -> None:
        """Take layer ``number``'s version of the current unit into ``final``, then go on."""
        if not self.units:
            return
        if number > len(self.names):
            self.notify(f"There are {len(self.names)} layers.", severity="warning", timeout=2)
            return
        name = self.names[number - 1]
        unit = self.units[self.index]
        if name not in unit.versions:
            say(self, f"{name} has no version of this unit; x leaves it out.",
                        severity="warning", timeout=3)
            return
        if self._submit(adopt(self.doc_id, unit, name, self.final)):
            self._decided_now([self.index])  # the unit stays current: n / N move on

    def action_take_layer(self) -> None:
        """Take a version chosen by its layer's name (the only way to the tenth layer on)."""
        if not self.units:
            return
        from tui.screens.version_picker import VersionPicker

        unit = self.units[self.index]

        def done(name: str | None) -> None:
            if name is not None and name in self.names:
                self.action_pick(self.names.index(name) + 1)

        self.app.push_screen(VersionPicker("Take the version of layer…", self.names,
                                         set(unit.versions)), done)

    def action_drop(self) -> None:
        """Leave the current unit out of ``final`` (recorded as a rejected quote)."""
        if not self.units:
            return
        unit = self.units[self.index]
        version = next(iter(unit.versions.values()))
        edit = adopt(self.doc_id, unit, version.layer, self.final)
        edit = replace(edit, quote=replace(edit.quote, status="rejected"))
        if self._submit(edit):
            self._decided_now([self.index])

    def action_adopt_agreed(self) -> None:
        """Adopt every agreed, undecided unit (the layers' common version), as one edit: one
        undo takes them all back."""
        if self.refused() or self.doc is None:
            return
        done: list[int] = []
        adoptions: list[AdoptQuote] = []
        final = self.final
        ctx = EditContext(self.bridge.annotator)
        for i, unit in enumerate(self.units):
            if unit.agreed and not self.decided(unit):
                edit = adopt(self.doc_id, unit, self.names[0], final)
                try:
                    final = edit.compute(final, self.doc.text, ctx).apply_to(final)
                except SaywhoError as exc:
                    say(self, exc.message, title=exc.title, severity="warning")
                    break
                adoptions.append(edit)
                done.append(i)
        if not adoptions:
            self.notify("No agreed unit is left to adopt.", timeout=3)
            return
        if self._submit(AdoptQuotes(self.doc_id, adoptions=tuple(adoptions),
                                    layer=adoptions[0].layer)):
            self._decided_now(done)
            self.notify(f"Adopted {len(done)} agreed units (one undo takes them back).",
                        timeout=3)

    async def action_edit_final(self) -> None:
        """Open ``final`` in the reader at this unit, to fix what no layer got right."""
        quote = final_quote(self.units[self.index], self.final) if self.units else None
        await self.bridge.wait_saved()  # the reader reads what the adoptions saved
        self.bridge.switch_layer(FINAL_LAYER)
        self.post_message(OpenDocument(self.doc_id, quote.id if quote else None))

    async def action_back(self) -> None:
        """Back to the previous screen once the adoptions are saved (a reader of ``final``
        there has followed them through the bridge)."""
        await self.bridge.wait_saved()
        self.app.pop_screen()

    def edit_finished(self, outcome: Outcome) -> None:
        """Take the saved final layer once the queue is empty (and after undo/redo)."""
        receipt = outcome.receipt
        if outcome.doc_id != self.doc_id:
            return
        if not outcome.ok and outcome.edit is not None and outcome.edit.layer == FINAL_LAYER:
            self.final = self.bridge.session.layer(self.doc_id, FINAL_LAYER)
            if self.is_mounted:
                self._fill()
            return
        if receipt is None or receipt.layer != FINAL_LAYER:
            return
        if outcome.layer is not None and (outcome.op != "edit" or self.bridge.pending == 0):
            self.final = outcome.layer
            if self.is_mounted:
                self._fill()
                if outcome.op != "edit":  # undo / redo: show the unit it touched
                    self._goto_touched(receipt.change)

    def _goto_touched(self, change: LayerChange) -> None:
        quotes = [q for q in (*change.quotes_before.values(), *change.quotes_after.values()) if q]
        for i, unit in enumerate(self.units):
            if any(q.start < unit.end and unit.start < q.end for q in quotes):
                self._goto(i)
                return
