"""Text fields keep a steady cursor: no repaint every half second over SSH, and a screen that
looks the same whenever its picture is taken (a blink made a snapshot test flaky)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pilot_helpers import running
from seedproject import build_project

from tui.screens.picker import TypeaheadPicker
from tui.widgets.field import TextField


async def test_a_focused_field_shows_its_cursor_and_never_blinks(tmp_path: Path) -> None:
    folder = build_project(tmp_path / "proj")
    async with running(folder) as pilot:
        await pilot.press("s")  # the speaker picker: its field has focus
        assert isinstance(pilot.app.screen, TypeaheadPicker)
        field = pilot.app.screen.query_one(TextField)
        assert field.has_focus
        await pilot.press("k")
        seen = set()
        for _ in range(6):  # 1.2 s: a blinking cursor is hidden for two of its half seconds
            await asyncio.sleep(0.2)
            seen.add(field._cursor_visible)
        assert seen == {True}
        await pilot.press("escape")
