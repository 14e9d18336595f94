"""A review session in a real terminal (tmux), as a researcher runs it: search the corpus, open
a hit, filter the quote list by a speaker, go to a quote by its number, quit, and come back to
the same document and quote."""

from __future__ import annotations

from pathlib import Path

import pytest
from seedproject import build_project
from tmuxdriver import TMUX, Tmux, saywho_command

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
def test_search_filter_goto_quit_and_resume(tmp_path: Path, size: tuple[int, int]) -> None:
    folder = build_project(tmp_path / "proj", extra_docs=2)  # three documents: the library
    width, height = size
    tmux = Tmux(saywho_command(folder, "ana"), width=width, height=height)
    try:
        tmux.wait_for("Second article")  # the library lists the corpus
        tmux.send("C-f")
        tmux.wait_for("search the text")
        tmux.send("Philadelphia")
        tmux.send("Enter")
        tmux.wait_for("hits in 1 document")  # the results, with their snippets
        tmux.send("Enter")  # open the hit: the seed article, at the quote that holds it
        tmux.wait_for("Quotes")
        tmux.send("f")
        tmux.wait_for("speaker:")
        tmux.send("Kenney")
        tmux.send("Enter")
        tmux.wait_for("of 5 · speaker")  # the list shows Kenney's quotes only
        tmux.send("Escape")  # first the search's highlights go
        tmux.send("Escape")  # then the filter: the whole list again
        tmux.wait_for("q ")
        tmux.send(":")
        tmux.wait_for("Go to quote")
        tmux.send("4")
        tmux.send("Enter")
        tmux.wait_for("q 4/5")
        tmux.send("q")
        assert tmux.wait_exit(), tmux.screen()
    finally:
        tmux.close()
    again = Tmux(saywho_command(folder, "ana"), width=width, height=height)
    try:
        again.wait_for("q 4/5")  # back where the annotator stopped
        assert "ICE targets" in again.screen()
        again.send("q")
        assert again.wait_exit(), again.screen()
    finally:
        again.close()
