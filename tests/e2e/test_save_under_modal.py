"""The save indicator under a modal, in a real terminal (issue "The review session", problem
3): saywho 0.1 showed "… saving: accepted q2 (1 queued)" for as long as a modal stayed open
over the reader when the modal opened before the save was done, though the edit was on disk
(tmux, `a` and `l` sent at once). The status line under the layer picker must say saved."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from seedproject import build_project
from tmuxdriver import TMUX, Tmux, saywho_command

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def test_status_under_the_layer_picker_says_saved(tmp_path: Path) -> None:
    folder = build_project(tmp_path / "proj")
    tmux = Tmux(saywho_command(folder, "ana"), width=80, height=24)
    try:
        tmux.wait_for("Quotes")
        tmux.send_at_once("a", "l")  # accept, and open the layer picker before the save ends
        tmux.wait_for("Open which layer")
        deadline = time.monotonic() + 5
        screen = tmux.screen()
        while time.monotonic() < deadline and "✓ saved" not in screen:
            time.sleep(0.05)
            screen = tmux.screen()
        assert "Open which layer" in screen, screen  # the modal is still open
        assert "✓ saved" in screen and "queued" not in screen, screen
        tmux.send("Escape")
        deadline = time.monotonic() + 5  # (an Escape and a key right after it read as Alt+key)
        while time.monotonic() < deadline and "Open which layer" in tmux.screen():
            time.sleep(0.05)
        tmux.send("q")
        assert tmux.wait_exit(), tmux.screen()
    finally:
        tmux.close()
