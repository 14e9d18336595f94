"""Layers: the reader names the open layer, `l` switches it, edits land in that layer only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pilot_helpers import notices, settle
from seedproject import DOC_ID, fixed_layer, open_project, saved_layer, seed_text


def add_layer(folder: Path, name: str) -> None:
    """Store a copy of the fixed suggestions as layer ``name``."""
    with open_project(folder) as project:
        project.put_layer(DOC_ID, replace(fixed_layer(seed_text()), name=name))


async def test_switch_layer_then_accept(folder, run_app):
    from tui.screens.layers import LayerPicker

    add_layer(folder, "bo")
    async with run_app(folder) as pilot:
        app = pilot.app
        assert "layer: tester" in app.sub_title
        await pilot.press("l")
        assert isinstance(app.screen, LayerPicker)
        assert [name for name, _ in app.screen.choices] == ["tester", "bo", "final"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.bridge.active_layer == "bo"
        assert "layer: bo" in app.sub_title
        assert "layer: bo" in app.screen.query_one("#status").render().plain
        # at 80 columns, in a done document (the longest bar), another's layer stays in view
        await pilot.resize_terminal(80, 24)
        await pilot.press("d")
        await settle(pilot)
        status = app.screen.query_one("#status").render().plain
        assert "layer: bo · q 1/5" in status, status
        await pilot.press("d")  # back to in progress
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
    with open_project(folder, read_only=True) as project:
        assert project.layer(DOC_ID, "bo").quotes["q1"].status == "accepted"
        assert "final" not in project.layer_names(DOC_ID)
    assert saved_layer(folder).quotes["q1"].status == "suggested"  # tester's own: untouched


async def test_switch_to_final_starts_empty(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("l", "end", "enter")
        await pilot.pause()
        assert pilot.app.bridge.active_layer == "final"
        assert pilot.app.screen.quotes == []
        await pilot.press("l", "home", "enter")
        await pilot.pause()
        assert pilot.app.bridge.active_layer is None
        assert len(pilot.app.screen.quotes) == 5


async def test_stats_follow_the_layer(folder, run_app):
    add_layer(folder, "bo")
    async with run_app(folder) as pilot:
        await pilot.press("T")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert pilot.app.screen.stats["layer"] == "tester"
        await pilot.press("l", "down", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert pilot.app.screen.stats["layer"] == "bo"


async def test_undo_acts_on_the_layer_in_view_only(folder, run_app):
    """saywho 0.1 undid an edit of another layer out of sight; now `u` undoes the last edit of
    the layer on screen, and the other layer's edit waits for its own `u` there."""
    add_layer(folder, "bo")
    async with run_app(folder) as pilot:
        await pilot.press("l", "down", "enter", "a")  # accept q1 in bo
        await settle(pilot)
        await pilot.press("l", "home", "enter", "u")  # back to tester, undo: nothing here
        await settle(pilot)
        assert any("Nothing to undo" in n for n in notices(pilot.app))
        assert "nothing to undo" not in pilot.app.bridge.save_state[1]  # not "✓ saved"
        assert saved_layer(folder, layer="bo").quotes["q1"].status == "accepted"
        await pilot.press("l", "down", "enter", "u")  # in bo: undone
        await settle(pilot)
    with open_project(folder, read_only=True) as project:
        assert project.layer(DOC_ID, "bo").quotes["q1"].status == "suggested"


async def test_take_suggestion_right_after_a_layer_switch_is_not_from_the_old_layer(
        folder, run_app):
    """Suggestions are per layer: after `l`, those fitted on the old layer are not offered."""
    from annotations.stance.suggester import SuggestionSet
    from annotations.stance.types import StanceSuggestion

    add_layer(folder, "bo")
    async with run_app(folder) as pilot:
        await pilot.app.bridge.stance.wait_idle()
        sugg = pilot.app.bridge.stance.model
        sugg.current = SuggestionSet(  # as if fitted on tester's labels
            sugg.fits, None, None, 2,
            {(DOC_ID, "q1"): StanceSuggestion("ice\x1fq1", "support", 0.9, False)},
        )
        sugg.refits.running = True  # a refit is under way: the switch only queues another
        await pilot.press("l", "down", "enter", "g")
        await settle(pilot)
        sugg.refits.running = sugg.refits.dirty = False
    with open_project(folder, read_only=True) as project:
        assert project.layer(DOC_ID, "bo").quotes["q1"].stance is None


async def test_app_keys_wait_while_a_dialog_is_open(folder, run_app):
    """`v`, `l`, `u`… in the layer picker do not stack screens over it or edit behind it."""
    from tui.screens.layers import LayerPicker

    async with run_app(folder) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("l", "v", "l", "T", "u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, LayerPicker)
        assert len(pilot.app.screen_stack) == 2  # reader, picker
        await pilot.press("escape")
    assert saved_layer(folder).quotes["q1"].status == "accepted"  # not undone behind it


async def test_palette_still_runs_app_actions(folder, run_app):
    from tui.screens.review import ReviewScreen

    async with run_app(folder) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"review queue across")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(pilot.app.screen, ReviewScreen)
