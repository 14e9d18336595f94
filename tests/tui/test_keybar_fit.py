"""The footer shows as many keys as fit whole at the terminal's width: at 80 columns the review
queue's last key showed as a bare ``⏎`` and the adjudication screen's as a bare ``x``, their
labels cut off."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import running
from seedproject import build_project

from tui.widgets.keybar import KeyBar


async def test_every_key_in_the_footer_shows_with_its_label_at_80_columns(tmp_path: Path) -> None:
    folder = build_project(tmp_path / "p")
    async with running(folder, size=(80, 24)) as pilot:
        for keys in ((), ("v",)):  # the reader, then the review queue
            await pilot.press(*keys)
            await pilot.pause()
            bar = pilot.app.screen.query_one(KeyBar)
            assert bar._spots, pilot.app.screen
            assert all(end <= bar.size.width for _start, end, _action, _node in bar._spots)
        # the queue's own keys lead its footer: accept-and-next fell off behind the reader's
        assert {spot[2] for spot in bar._spots[1:3]} == {"accept_next", "filter"}
    async with running(folder, size=(200, 30)) as pilot:
        await pilot.pause()
        bar = pilot.app.screen.query_one(KeyBar)
        assert bar._spots[-1][2] == "app.command_palette"  # room for every key and ^p


async def test_the_library_footer_offers_no_undo_the_reader_does(tmp_path: Path) -> None:
    """`u` in the library only says undo acts where its edit is in view: the footer does not
    list it there (it did, and the key refused); in the reader it is listed."""
    folder = build_project(tmp_path / "p", extra_docs=1)  # two documents: opens on the library
    async with running(folder, size=(200, 30)) as pilot:
        await pilot.pause()
        bar = pilot.app.screen.query_one(KeyBar)
        assert type(pilot.app.screen).__name__ == "LibraryScreen"
        assert bar._spots and "undo" not in {spot[2] for spot in bar._spots}
        await pilot.press("enter")
        await pilot.pause()
        bar = pilot.app.screen.query_one(KeyBar)
        assert "undo" in {spot[2] for spot in bar._spots}
