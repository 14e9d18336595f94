"""The articles' metadata on screen: the library shows each document's outlet and date and
finds documents by them, the reader's title bar names them."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import settle, stats_screen
from seedproject import open_project

from annotations.model import Document, Layer, Quote
from tui.screens.library import LibraryScreen

DOCS = (
    Document("a", "Budget vote", "The mayor said the budget was balanced.",
             meta=(("date", "2024-03-01T09:00:00Z"), ("outlet", "Inquirer"))),
    Document("b", "Transit plan", "Critics say the plan will fail.",
             meta=(("outlet", "WaPo"),)),
    Document("c", "Parks", "Officials said the parks reopen."),
)


def project_of(tmp_path: Path, docs: tuple[Document, ...]) -> Path:
    """A project folder holding ``docs`` (the session's detector gives their suggestions)."""
    folder = tmp_path / "proj"
    with open_project(folder) as session:
        session.import_documents(docs)
    return folder


async def test_the_library_shows_and_finds_outlets_and_the_reader_names_them(
        tmp_path: Path, run_app) -> None:  # noqa: ANN001
    async with run_app(project_of(tmp_path, DOCS), size=(120, 30)) as pilot:
        library = pilot.app.screen
        assert isinstance(library, LibraryScreen)
        rows = [library._row(i).plain for i in range(len(library.shown_ids))]
        assert rows[0].endswith("Budget vote  Inquirer, 2024-03-01")
        assert rows[1].endswith("Transit plan  WaPo") and rows[2].endswith("Parks")
        docs = library.query_one("#docs")
        assert docs.border_subtitle == "Inquirer, 2024-03-01 · 3 of 3"  # the highlighted one's
        await pilot.press("down")
        await pilot.pause()
        assert docs.border_subtitle == "WaPo · 3 of 3"
        await pilot.press("down")
        await pilot.pause()
        assert docs.border_subtitle == "3 of 3"
        await pilot.press("slash", *"wapo", "enter")
        await pilot.pause()
        assert library.shown_ids == ["b"]
        await pilot.press("escape", "slash", *"2024-03", "enter")
        await pilot.pause()
        assert library.shown_ids == ["a"]
        await pilot.press("enter")
        await settle(pilot)
        assert "Budget vote · Inquirer, 2024-03-01 · layer:" in pilot.app.sub_title


async def test_the_stats_screen_shows_the_stance_by_outlet_then_by_year(
        tmp_path: Path, run_app) -> None:  # noqa: ANN001
    from tui.screens.stats import StatsScreen

    folder = project_of(tmp_path, DOCS)
    with open_project(folder) as session:
        for doc, stance in zip(DOCS[:2], ("support", "oppose"), strict=True):
            said = doc.text.index(" s")  # the words after "said"/"say": what was said
            start = doc.text.index(" ", said + 2) + 1
            quote = Quote("q1", start, len(doc.text) - 1, doc.text[start:-1], "indirect",
                          stance=stance)
            session.put_layer(doc.id, Layer(session.annotator, {"q1": quote}))
    async with run_app(folder, size=(120, 60)) as pilot:
        screen = await stats_screen(pilot)
        assert isinstance(screen, StatsScreen)
        assert not screen.query_one("#plot-by").display  # no grouping until asked for
        seen = []
        for _ in range(4):  # folder is no key here: outlet, date:year, date:month, none
            await pilot.press("g")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            seen.append(screen.group)
            if screen.group == "outlet":
                rows = screen.charts["by"].plain.splitlines()[1:]
                assert [r.split()[0] for r in rows] == ["Inquirer", "WaPo", "(none)"]
                assert "support 1" in rows[0] and "oppose 1" in rows[1]
            if screen.group == "date:year":
                rows = screen.charts["by"].plain.splitlines()[1:]
                assert [r.split()[0] for r in rows] == ["2024", "(none)"]
        assert seen == ["date:year", "date:month", "outlet", None]
        assert not screen.query_one("#plot-by").display


async def test_o_orders_the_library_by_date_then_by_outlet(tmp_path: Path, run_app) -> None:  # noqa: ANN001
    from tui.screens.library import LibraryScreen as Library

    docs = (Document("late", "Late", "The mayor said no.", meta=(("date", "March 9, 2024"),
                                                                 ("outlet", "Alpha"))),
            Document("none", "None", "Officials said yes."),
            Document("early", "Early", "Critics said so.", meta=(("date", "2024-01-02"),
                                                                 ("outlet", "Zeta"))))
    async with run_app(project_of(tmp_path, docs), size=(120, 30)) as pilot:
        library = pilot.app.screen
        assert isinstance(library, Library)
        assert list(library.shown_ids) == ["late", "none", "early"]  # the project's order
        await pilot.press("o")
        await pilot.pause()
        assert list(library.shown_ids) == ["early", "late", "none"]  # by date, none last
        await pilot.press("o")
        await pilot.pause()
        assert list(library.shown_ids) == ["late", "early", "none"]  # Alpha, Zeta, none
        await pilot.press("slash", *"zeta", "enter")
        await pilot.pause()
        assert list(library.shown_ids) == ["early"]
        await pilot.press("escape", "o")
        await pilot.pause()
        assert list(library.shown_ids) == ["late", "none", "early"]
