"""The stats screen: bar charts with the numbers of a known project, glyphs in the legend."""

from __future__ import annotations

from dataclasses import replace

from pilot_helpers import stats_screen
from seedproject import ANNOTATOR, DOC_ID, fixed_layer, open_project, seed_text

from tui.widgets.plots import GLYPHS, bar_chart, stacked_chart

STANCES = {"q1": "oppose", "q2": "support", "q3": "support", "q4": "oppose"}


def test_plots_carry_labels_numbers_and_glyphs():
    bars = bar_chart([("Kenney", 4), ("Homan", 2), ("\x1b[31mX", 1)], width=8).plain
    assert bars.splitlines()[0].rstrip().endswith("████████ 4")
    assert "████ 2" in bars and "\x1b" not in bars
    stacked = stacked_chart([("Kenney", {"support": 2, "oppose": 1})], ["support", "oppose"],
                            width=6).plain
    assert f"{GLYPHS[0] * 2} support" in stacked and f"{GLYPHS[1] * 2} oppose" in stacked
    assert GLYPHS[0] * 4 + GLYPHS[1] * 2 in stacked
    assert "support 2 · oppose 1" in stacked


async def test_stats_screen_numbers(folder, run_app):
    from tui.screens.stats import StatsScreen

    base = fixed_layer(seed_text())
    quotes = {k: replace(q, stance=STANCES.get(k)) for k, q in base.quotes.items()}
    with open_project(folder) as project:
        project.put_layer(DOC_ID, replace(base, name=ANNOTATOR, quotes=quotes))
    async with run_app(folder, size=(120, 50)) as pilot:
        screen = await stats_screen(pilot)
        assert isinstance(screen, StatsScreen)
        speakers = screen.charts["speakers"].plain.splitlines()
        assert speakers[0].split()[0] == "Kenney" and speakers[0].endswith(" 2")
        assert {line.split()[0]: line.split()[-1] for line in speakers[1:]} == {
            "Almiron": "1", "Homan": "1", "Jorge": "1"}
        stance = screen.charts["stance_by_speaker"].plain
        assert "support 2" in stance.splitlines()[1]  # Kenney: both quotes support
        assert "none 1" in stance
        docs = screen.charts["documents"].plain
        assert docs.startswith("ICE targets") and docs.rstrip().endswith(" 5")
        kinds = screen.charts["kinds"].plain.split()
        assert (kinds[0], kinds[-1]) == ("person", "4")
        summary = str(screen.query_one("#stats-summary").render())
        assert "1 documents · 5 quotes · 4 speakers" in summary
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, StatsScreen)
