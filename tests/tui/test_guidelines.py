"""The guidelines panel: ``G`` shows ``guidelines.md`` as Markdown, neutralised; ``e`` edits it
in ``$EDITOR``, and says so plainly where the terminal cannot hand over."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pilot_helpers import notices
from textual.widgets import Markdown

from annotations.errors import InputError
from annotations.guidelines import MAX_BYTES, read_guidelines, start_guidelines
from tui.screens.guidelines import NONE_YET, GuidelinesScreen

HOSTILE = "# Speakers\n\nName the \x1b]52;c;cGF3bmVk\x07 person \u202eevil\u202c here.\n"


def markdown_source(pilot: object) -> str:
    widget = pilot.app.screen.query_one("#guidelines", Markdown)  # type: ignore[attr-defined]
    return widget.source


async def test_g_shows_the_guidelines_neutralised(folder: Path, run_app: Callable) -> None:
    (folder / "guidelines.md").write_text(HOSTILE, encoding="utf-8")
    async with run_app(folder) as pilot:
        await pilot.press("G")
        await pilot.pause()
        assert isinstance(pilot.app.screen, GuidelinesScreen)
        source = markdown_source(pilot)
        assert "# Speakers" in source and "person" in source
        assert "\x1b" not in source and "\x07" not in source and "\u202e" not in source
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, GuidelinesScreen)


async def test_no_guidelines_yet_says_how_to_start(folder: Path, run_app: Callable,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", "true")
    async with run_app(folder) as pilot:
        await pilot.press("G")
        await pilot.pause()
        assert markdown_source(pilot) == NONE_YET
        await pilot.press("e")  # headless: no terminal to hand over, said in one line
        await pilot.pause()
        assert any("cannot hand over" in message for message in notices(pilot.app))
        assert (folder / "guidelines.md").exists()  # the starter file is there to edit


def test_reading_refuses_what_it_cannot_show(tmp_path: Path) -> None:
    assert read_guidelines(tmp_path) is None
    (tmp_path / "guidelines.md").write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(InputError, match="not UTF-8"):
        read_guidelines(tmp_path)
    (tmp_path / "guidelines.md").write_bytes(b"x" * (MAX_BYTES + 1))
    with pytest.raises(InputError, match="shown up to"):
        read_guidelines(tmp_path)
    (tmp_path / "guidelines.md").unlink()
    assert start_guidelines(tmp_path).read_text(encoding="utf-8").startswith("# Coding")
