"""A full disk during an edit, a settings change and a scheme change: each ends as a status-bar
error through the session's one error policy, the app keeps running, and nothing on disk is
torn or half-changed (every file keeps its bytes, no temp file is left)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from pilot_helpers import settle
from textual.widgets import Input

from annotations.store import atomic, journal
from annotations.store.atomic import TEMP_SUFFIX
from tui.screens.scheme import SchemeScreen


class FullDisk:
    """``os`` as the store sees it: while ``full``, a write puts half its bytes down and then
    fails with ENOSPC, as a filling disk does."""

    def __init__(self) -> None:
        self.full = False
        self.refused = 0

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def write(self, fd: int, data: bytes) -> int:
        if not self.full:
            return os.write(fd, data)
        self.refused += 1
        os.write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    proxy = FullDisk()
    monkeypatch.setattr(atomic, "os", proxy)
    monkeypatch.setattr(journal, "os", proxy)
    return proxy


def files(folder: Path) -> dict[str, bytes]:
    """Every file of the project but the lock, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".saywho.lock"
    }


async def expect_error(pilot, before: dict[str, bytes], folder: Path) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)
    state, message = pilot.app.bridge.save_state
    assert state == "error", message
    assert "No space left on device" in message
    status = pilot.app.screen.query_one("#status").render()
    assert "✗ error" in str(status)
    assert files(folder) == before  # nothing written, nothing torn
    assert not list(folder.rglob(f"*{TEMP_SUFFIX}"))


async def test_disk_full_edit_setting_and_scheme_change(folder, run_app, disk):
    async with run_app(folder) as pilot:
        app = pilot.app
        before = files(folder)
        disk.full = True

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

        disk.full = False  # room again: the next edit saves
        await pilot.press("a")
        await settle(pilot)
        assert app.bridge.save_state.state == "saved"
    assert files(folder) != before
