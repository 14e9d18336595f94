"""A damaged shared file the library reads (``assignments.json``) is moved aside and said in
the banner like any damaged file: the TUI had moved it aside in silence, so an annotator's
assignments vanished with no word (only the CLI's ``progress`` warned)."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import running
from seedproject import build_project

from annotations.store.assignments import ASSIGNMENTS_NAME
from tui.widgets.status import Banner


async def test_a_damaged_assignments_file_is_said_in_the_library_banner(tmp_path: Path) -> None:
    folder = build_project(tmp_path / "p", extra_docs=2)
    (folder / ASSIGNMENTS_NAME).write_bytes(b'{"schema": 1, "assignments": {"d0": [')
    async with running(folder, size=(120, 30)) as pilot:
        await pilot.pause()
        shown = " ".join(str(b.render()) for b in pilot.app.screen.query(Banner))
        assert "assignments.json" in shown and "moved aside" in shown
    assert list(folder.glob(f"{ASSIGNMENTS_NAME}.damaged-*"))
