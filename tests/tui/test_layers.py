"""Layers: the reader names the open layer, `l` switches it, edits land in that layer only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pilot_helpers import settle
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
        assert app.active_layer == "bo"
        assert "layer: bo" in app.sub_title
        assert "layer: bo" in app.screen.query_one("#status").render().plain
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
        assert pilot.app.active_layer == "final"
        assert pilot.app.screen.quotes == []
        await pilot.press("l", "home", "enter")
        await pilot.pause()
        assert pilot.app.active_layer is None
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
