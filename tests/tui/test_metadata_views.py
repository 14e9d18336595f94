"""The articles' metadata on screen: the library shows each document's outlet and date and
finds documents by them, the reader's title bar names them."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import settle
from seedproject import open_project

from annotations.model import Document
from tui.screens.library import LibraryScreen

DOCS = (
    Document("a", "Budget vote", "The mayor said the budget was balanced.",
             meta=(("date", "2024-03-01T09:00:00Z"), ("outlet", "Inquirer"))),
    Document("b", "Transit plan", "Critics say the plan will fail.",
             meta=(("outlet", "WaPo"),)),
    Document("c", "Parks", "Officials said the parks reopen."),
)


async def test_the_library_shows_and_finds_outlets_and_the_reader_names_them(
        tmp_path: Path, run_app) -> None:  # noqa: ANN001
    folder = tmp_path / "proj"
    with open_project(folder) as session:
        session.import_documents(DOCS)
    async with run_app(folder, size=(120, 30)) as pilot:
        library = pilot.app.screen
        assert isinstance(library, LibraryScreen)
        rows = [library._row(i).plain for i in range(len(library.shown_ids))]
        assert rows[0].endswith("Budget vote  Inquirer, 2024-03-01")
        assert rows[1].endswith("Transit plan  WaPo") and rows[2].endswith("Parks")
        await pilot.press("slash", *"wapo", "enter")
        await pilot.pause()
        assert library.shown_ids == ["b"]
        await pilot.press("escape", "slash", *"2024-03", "enter")
        await pilot.pause()
        assert library.shown_ids == ["a"]
        await pilot.press("enter")
        await settle(pilot)
        assert "Budget vote · Inquirer, 2024-03-01 · layer:" in pilot.app.sub_title
