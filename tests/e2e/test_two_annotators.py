"""Two annotators on one project at once, each in a real terminal (tmux): both can edit.

Each TUI opens writable (no read-only banner), accepts a quote and re-types another; after
both quit, each annotator's layer holds every one of their edits, and ``saywho export
--layer`` of each shows them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from seedproject import build_project
from tmuxdriver import TMUX, Tmux, saywho_command

from annotations.store.project import Project
from tui.cli import main as cli

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def test_two_annotators_edit_the_same_project_at_once(tmp_path: Path) -> None:
    folder = build_project(tmp_path / "proj")
    ana = Tmux(saywho_command(folder, "ana"), width=80, height=24)
    ben = Tmux(saywho_command(folder, "ben"), width=200, height=60)
    try:
        for tmux in (ana, ben):
            tmux.wait_for("q 1/5")
        for tmux in (ana, ben):  # both open at once, both writable
            assert "READ-ONLY" not in tmux.screen()
        ana.send("a")
        ana.wait_for("saved: accepted quote 1")
        ben.send("j", "a")  # ben: the second quote, accepted, then re-typed
        ben.wait_for("saved: accepted quote 2")
        ben.send("t")
        ben.wait_for("saved: type")
        ana.send("j", "t")
        ana.wait_for("saved: type")
        for tmux in (ana, ben):
            tmux.send("q")
            assert tmux.wait_exit(), tmux.screen()
    finally:
        ana.close()
        ben.close()
    with Project.open(folder, "x", read_only=True) as project:
        suggested = project.layer("ice", "suggestions").quotes
        mine = {name: project.layer("ice", name).quotes for name in ("ana", "ben")}
    assert mine["ana"]["q1"].status == "accepted"
    assert mine["ana"]["q2"].type != suggested["q2"].type
    assert mine["ben"]["q2"].status == "accepted"
    assert mine["ben"]["q2"].type != suggested["q2"].type
    assert mine["ben"]["q1"].status == suggested["q1"].status  # ana's accept is not ben's
    for name in ("ana", "ben"):
        out = tmp_path / f"{name}.jsonl"
        assert cli(["--project", str(folder), "export", "--format", "jsonl", "--layer", name,
                    "--out", str(out)]) == 0
        quotes = {q["id"]: q for line in out.read_text().splitlines()
                  for q in json.loads(line)["quotes"]}
        assert quotes["q1" if name == "ana" else "q2"]["status"] == "accepted"
        assert quotes["q2"]["type"] == mine[name]["q2"].type
