"""What the per-key fast paths must keep: a long list scrolls ahead of its cursor, a panel set
to what it shows is not repainted, and the reader tells a saved layer that differs from the one
on screen from one that only differs in timestamps."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import App, ComposeResult

from annotations.model import Cue, Layer, Quote, Speaker
from tui.screens.reader import _same_view
from tui.widgets.rowlist import RowList
from tui.widgets.textpanel import TextPanel


class _ListApp(App[None]):
    def compose(self) -> ComposeResult:
        rows = RowList(id="rows")
        rows.styles.height = 12
        yield rows

    def on_mount(self) -> None:
        self.query_one(RowList).set_rows([Text(f"row {i}") for i in range(100)])


def _shown(rows: RowList) -> range:
    top = round(rows.scroll_y)
    return range(top, top + rows.scrollable_content_region.height)


async def test_stepping_past_the_bottom_shows_a_third_of_the_view_ahead_and_back_up_too():
    app = _ListApp()
    async with app.run_test(size=(40, 20)) as pilot:
        rows = app.query_one(RowList)
        rows.focus()
        height = rows.scrollable_content_region.height
        for _ in range(height):  # one past the last row on screen
            await pilot.press("down")
        assert rows.index == height
        ahead = height // 3
        assert rows.index + ahead in _shown(rows)  # the rows ahead are on screen
        assert rows.index + ahead + 1 not in _shown(rows)
        top = round(rows.scroll_y)
        for _ in range(ahead):  # no scroll while the cursor stays on screen
            await pilot.press("down")
        assert round(rows.scroll_y) == top
        await pilot.press("end")
        assert rows.index == 99 and 99 in _shown(rows)
        assert _shown(rows).stop == 100  # the last row sits at the bottom, no blank below
        for _ in range(height):  # up past the top of the view: the rows above show
            await pilot.press("up")
        assert rows.index - ahead in _shown(rows)
        await pilot.press("home")
        assert rows.index == 0 and round(rows.scroll_y) == 0


async def test_a_row_chosen_before_the_first_layout_is_on_screen_after_it():
    class ChosenEarly(_ListApp):
        def on_mount(self) -> None:
            super().on_mount()
            self.query_one(RowList).select(80)  # no size yet: nothing to scroll by

    app = ChosenEarly()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        rows = app.query_one(RowList)
        assert rows.index == 80 and 80 in _shown(rows)


async def test_a_panel_set_to_the_text_it_shows_is_not_repainted():
    class PanelApp(App[None]):
        def compose(self) -> ComposeResult:
            yield TextPanel(id="p")

    app = PanelApp()
    async with app.run_test(size=(40, 5)) as pilot:
        panel = app.query_one(TextPanel)
        panel.set(Text("one", "bold"))
        await pilot.pause()
        repaints: list[object] = []
        panel.refresh = lambda *a, **k: repaints.append(a)  # type: ignore[method-assign]
        panel.set(Text("one", "bold"))
        panel.set_titles(title="T")
        panel.set_titles(title="T")
        assert len(repaints) == 1  # the title's first assignment only
        panel.set(Text("one", "italic"))
        panel.set(Text("two", "italic"))
        assert len(repaints) == 3


def _layer() -> Layer:
    quotes = {
        "q1": Quote("q1", 0, 5, "alpha", "direct", speaker_id="s1"),
        "q2": Quote("q2", 10, 15, "gamma", "indirect", speaker_id="s2"),
    }
    return Layer("ann", quotes, {"s1": Speaker("s1", "Ann"), "s2": Speaker("s2", "Bo")})


def test_a_saved_layer_is_the_same_view_only_when_quotes_and_names_match():
    shown = _layer()
    copied = Layer("ann", {k: replace(q) for k, q in shown.quotes.items()}, dict(shown.speakers))
    assert _same_view(copied, shown)
    for quote in (
        replace(shown.quotes["q1"], status="accepted"),
        replace(shown.quotes["q1"], end=6),
        replace(shown.quotes["q1"], stance="oppose"),
        replace(shown.quotes["q1"], speaker_id="s2"),
        replace(shown.quotes["q1"], note="check"),
        replace(shown.quotes["q1"], parts=((0, 2), (3, 5))),
        replace(shown.quotes["q1"], cue=Cue(6, 9, "sai")),
    ):
        changed = replace(shown, quotes={**shown.quotes, "q1": quote})
        assert not _same_view(changed, shown), quote
    renamed = replace(shown, speakers={**shown.speakers, "s2": Speaker("s2", "Bob")})
    assert not _same_view(renamed, shown)
    fewer = replace(shown, quotes={"q1": shown.quotes["q1"]})
    assert not _same_view(fewer, shown)
    assert not _same_view(shown, None)


async def test_the_bar_turns_the_saving_colour_only_for_a_save_that_takes_a_while(
    folder, run_app
):
    from tui.widgets.status import SAVING_COLOUR_AFTER, StatusBar

    async with run_app(folder) as pilot:
        app = pilot.app
        bar = app.screen.query_one(StatusBar)
        colours: list[str] = []
        set_classes = bar.set_classes
        bar.set_classes = lambda names: colours.append(  # type: ignore[method-assign]
            next(iter(set(names) & {"-saving", "-saved", "-error", "-idle"}))
        ) or set_classes(names)
        await pilot.press("a")  # saved at once: straight to the saved colour, no flash
        await app.bridge.wait_idle()
        await pilot.pause()
        assert bar.state == "saved" and colours == ["-saved"]
        app.bridge.settle_delay = SAVING_COLOUR_AFTER * 4  # a slow disk
        await pilot.press("n", "a")
        await pilot.pause(SAVING_COLOUR_AFTER * 2)
        assert bar.state == "saving" and "… saving" in str(bar.render())
        assert colours[-1] == "-saving"
        await app.bridge.wait_idle()
        await pilot.pause()
        assert bar.state == "saved" and colours[-1] == "-saved"
