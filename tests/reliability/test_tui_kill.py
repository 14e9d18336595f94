"""A TUI killed with SIGKILL loses no edit its status bar had shown as saved.

The app runs in tmux. Each round sends a burst of edits, waits until the status bar shows one
of them as saved, kills the process at once, and checks that this edit and every edit before it
are on disk (a fresh read-only open). Every wait is bounded.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tui"))
sys.path.insert(0, str(HERE.parent / "e2e"))

from seedproject import build_project  # noqa: E402
from tmuxdriver import TMUX, Tmux, saywho_command  # noqa: E402

from annotations.store.project import Project  # noqa: E402

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

# (keys, status text once saved, check on the reopened layer)
ROUNDS = (
    (["a"], "saved: accepted quote 1", lambda q: q["q1"].status == "accepted"),
    (["n", "2"], "saved: stance of quote 2 → oppose", lambda q: q["q2"].stance == "oppose"),
    (["n", "n", "x"], "saved: rejected quote 3", lambda q: q["q3"].status == "rejected"),
)


def _layer(folder: Path) -> dict:
    with Project.open(folder, "k", read_only=True) as p:
        return dict(p.layer("ice").quotes)


def test_sigkill_after_saved_loses_nothing(tmp_path: Path) -> None:
    folder = build_project(tmp_path / "proj")
    checks = []
    for keys, saved_text, check in ROUNDS:
        # the app reopens where the last run stopped: start each round at quote 1 again
        shutil.rmtree(folder / "position", ignore_errors=True)
        tmux = Tmux(saywho_command(folder, "k"))
        try:
            tmux.wait_for("Quotes")
            tmux.send(*keys)
            tmux.wait_for(saved_text)
            os.kill(tmux.pane_pid(), signal.SIGKILL)
            assert tmux.wait_exit(10)
        finally:
            tmux.close()
        checks.append((saved_text, check))
        quotes = _layer(folder)
        for text, ok in checks:
            assert ok(quotes), f"lost after SIGKILL: {text}"
