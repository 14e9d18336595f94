"""A full disk during an edit, a settings change and a scheme change: each ends as a status-bar
error through the session's one error policy, the app keeps running, and nothing on disk is
torn or half-changed (every file keeps its bytes, no temp file is left)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_helpers import settle
from textual.widgets import Input

from annotations.store import atomic, journal
from annotations.store.atomic import TEMP_SUFFIX
from tests.faults import FillingDisk, project_files
from tui.screens.scheme import SchemeScreen


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> FillingDisk:
    proxy = FillingDisk()
    monkeypatch.setattr(atomic, "os", proxy)
    monkeypatch.setattr(journal, "os", proxy)
    return proxy


async def expect_error(pilot, before: dict[str, bytes], folder: Path) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)
    state, message = pilot.app.bridge.save_state
    assert state == "error", message
    assert "No space left on device" in message
    status = pilot.app.screen.query_one("#status").render()
    assert "✗ error" in str(status)
    assert project_files(folder) == before  # nothing written, nothing torn
    assert not list(folder.rglob(f"*{TEMP_SUFFIX}"))


async def test_disk_full_edit_setting_and_scheme_change(folder, run_app, disk):
    async with run_app(folder) as pilot:
        app = pilot.app
        before = project_files(folder)
        disk.fill()

        await pilot.press("a")  # an edit: accept q1
        await expect_error(pilot, before, folder)
        assert app.screen.current.status == "suggested"  # the screen shows what is on disk

        await pilot.press("c")  # a settings change: colour by stance is kept per project
        await expect_error(pilot, before, folder)

        await pilot.press("K")  # a scheme change: rename a label
        assert isinstance(app.screen, SchemeScreen)
        await pilot.press("r")
        app.screen.query_one(Input).value = "backs"
        await pilot.press("enter")
        await expect_error(pilot, before, folder)
        assert app.screen.scheme.names[0] == "support"  # the scheme on disk, unchanged
        assert disk.refused >= 3

        # the app is still running and answers keys
        await pilot.press("escape", "n")
        assert app.is_running and app.screen.current_id == "q2"

        disk.free()  # room again: the next edit saves
        await pilot.press("a")
        await settle(pilot)
        assert app.bridge.save_state.state == "saved"
    assert project_files(folder) != before
