"""The team in the TUI: `d` marks a document done, assigned documents first in the library and
the review queue, the progress screen (`P`) with the figures of ``annotations.progress``."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pilot_helpers import settle, within
from rich.console import Console
from seedproject import DOC_ID, build_project, open_project

from annotations import team
from annotations.edits import AcceptQuote, RejectQuote
from annotations.model import SUGGESTIONS_LAYER, Document, Layer, Quote
from annotations.progress import team_progress
from annotations.session import Session
from annotations.store.statuses import read_statuses


def status_on_disk(folder: Path, doc_id: str = DOC_ID, annotator: str = "tester") -> str | None:
    stored = read_statuses(folder, annotator).get(doc_id)
    return stored.status if stored is not None else None


def other(folder: Path, annotator: str = "bo") -> Session:
    return Session.open(folder, annotator, detect=lambda t: Layer(SUGGESTIONS_LAYER))


async def test_d_marks_the_document_done_and_back(folder, run_app):
    async with run_app(folder) as pilot:
        app = pilot.app
        assert app.screen.doc_id == DOC_ID
        await pilot.press("d")
        await settle(pilot)
        assert status_on_disk(folder) == "done"
        assert app.bridge.save_state.state == "saved"
        assert "done" in app.screen.query_one("#status").render().plain
        # said by the document's title, never its id
        assert app.bridge.save_state.message.startswith("done: ICE targets SoCal")
        assert DOC_ID not in app.bridge.save_state.message
        await pilot.press("d")
        await settle(pilot)
        assert status_on_disk(folder) == "in-progress"
        assert app.bridge.save_state.state == "saved"
        assert "done ✓" not in app.screen.query_one("#status").render().plain


async def test_a_document_without_quotes_can_be_done(tmp_path, run_app):
    folder = build_project(tmp_path / "proj", text="Nobody is quoted in this short note.")
    async with run_app(folder) as pilot:
        assert pilot.app.screen.quotes == []
        await pilot.press("d")
        await settle(pilot)
    assert status_on_disk(folder) == "done"
    with open_project(folder, read_only=True) as session:
        assert team.document_status(session, DOC_ID).status == team.DONE


async def test_d_is_refused_read_only(folder, run_app):
    async with run_app(folder, read_only=True) as pilot:
        await pilot.press("d")
        await settle(pilot)
    assert status_on_disk(folder) is None


def assigned_project(tmp_path: Path) -> Path:
    """ice assigned to bo; extra-1 and extra-2 (imported later) to tester; extra-1 holds a
    quote surer than any of ice's; ice is marked done by tester."""
    folder = build_project(tmp_path / "proj")
    with open_project(folder) as session:
        team.assign(session, ["bo"], per_document=1)
        for i in (1, 2):
            text = f'Mayor Smith said "we will comply" on day {i}.'
            session.import_documents([Document(f"extra-{i}", f"Second article {i}", text)])
        start = text.index("we will comply")
        quote = Quote("x1", start, start + len("we will comply"), "we will comply",
                      confidence={"span": 0.99})
        text1 = 'Mayor Smith said "we will comply" on day 1.'
        session.put_layer("extra-1", Layer(SUGGESTIONS_LAYER, {"x1": quote}).check(text1),
                          replace=True)
        team.assign(session, ["tester"], per_document=1)
        team.set_status(session, DOC_ID, "done")
    return folder


async def test_library_lists_assigned_documents_first_with_statuses(tmp_path, run_app):
    from tui.screens.library import LibraryScreen

    folder = assigned_project(tmp_path)
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        assert [s.doc_id for s in screen.stats] == ["extra-1", "extra-2", DOC_ID]
        with open_project(folder, read_only=True) as session:
            assert [s.doc_id for s in screen.stats] == team.order_for(session, "tester")
        rows = [r.plain for r in screen.query_one("#docs").rows if r is not None]
        assert rows[0].startswith("●") and rows[1].startswith("●")
        assert not rows[2].startswith("●")  # not assigned, still there
        assert "not started" in rows[0] and "done" in rows[2]
        assert screen.statuses == {"extra-1": "not-started", "extra-2": "not-started",
                                   DOC_ID: "done"}


async def test_review_queue_starts_with_assigned_documents(tmp_path, run_app):
    folder = assigned_project(tmp_path)
    async with run_app(folder) as pilot:
        await pilot.press("v")
        await pilot.pause()
        screen = pilot.app.screen
        # x1 is the surest suggestion of all, yet first: extra-1 is assigned to tester
        assert screen.queue[0] == ("extra-1", "x1")
        assert {d for d, _ in screen.queue[1:]} == {DOC_ID}  # the rest stays reachable
        assert screen.doc_id == "extra-1"


def team_project(tmp_path: Path) -> Path:
    """ice to tester and bo, both done with their own edits; extras to tester."""
    folder = build_project(tmp_path / "proj", extra_docs=2)
    with open_project(folder) as session:
        team.assign(session, ["tester", "bo"], overlap=1, seed=3)
        session.apply(AcceptQuote(DOC_ID, "q1"))
        team.set_status(session, DOC_ID, "done")
    with other(folder) as bo:
        bo.apply(RejectQuote(DOC_ID, "q2"))
        team.set_status(bo, DOC_ID, "done")
    return folder


def as_text(table: object) -> str:
    console = Console(width=160, record=True, color_system=None)
    console.print(table)
    return console.export_text()


async def test_progress_screen_shows_team_progress_and_follows_other_annotators(
    tmp_path, run_app
):
    from tui.progress_table import progress_table
    from tui.screens.progress import ProgressScreen

    folder = team_project(tmp_path)
    async with run_app(folder) as pilot:
        app = pilot.app
        await pilot.press("P")
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        assert await within(pilot, lambda: screen.progress is not None)
        expected = await asyncio.to_thread(team_progress, app.session)
        assert screen.progress.to_dict() == expected.to_dict()
        assert expected.compared_documents == (DOC_ID,)
        text = as_text(progress_table(screen.progress, "tester", box=None))
        for row in expected.annotators:
            line = next(ln for ln in text.splitlines() if ln.strip().startswith(row.annotator))
            cells = line.split()
            assert cells[1:6] == [str(row.assigned), str(row.done), str(row.in_progress),
                                  str(row.remaining), str(row.quotes_reviewed)]
            assert f"{row.agreement_f1:.1f} ({row.agreement_docs})" in line
        bo_done = expected.row("bo").done + expected.row("bo").done_unassigned
        with other(folder) as bo:  # another process: bo marks one more document done
            team.set_status(bo, "extra-1", "done")
        assert await within(pilot, lambda: screen.progress.row("bo").done
                            + screen.progress.row("bo").done_unassigned == bo_done + 1)
        await pilot.press("escape")
        assert not isinstance(app.screen, ProgressScreen)


async def test_progress_key_from_reader_and_review_and_palette_help(folder, run_app):
    from tui.screens.help import help_rows
    from tui.screens.progress import ProgressScreen

    async with run_app(folder) as pilot:
        descriptions = [d for _, _, d in help_rows(pilot.app.screen)]
        assert any(d.startswith("Mark the document done") for d in descriptions)
        assert any(d.startswith("Team progress") for d in descriptions)
        await pilot.press("v", "P")
        assert isinstance(pilot.app.screen, ProgressScreen)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        progress = pilot.app.screen.progress
        assert progress is not None and progress.annotators == ()  # nobody assigned yet


async def test_progress_counts_documents_done_without_an_assignment(folder, run_app):
    """No assignments: a document marked done with `d` shows as done (+1) on the progress
    screen, as `saywho progress` says it (the screen said Done 0)."""
    from tui.progress_table import progress_table
    from tui.screens.progress import ProgressScreen

    async with run_app(folder) as pilot:
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("P")
        screen = pilot.app.screen
        assert isinstance(screen, ProgressScreen)
        assert await within(pilot, lambda: screen.progress is not None
                            and bool(screen.progress.annotators))
        row = screen.progress.row("tester")
        assert (row.done, row.done_unassigned) == (0, 1)
        table = as_text(progress_table(screen.progress, "tester", box=None))
        line = next(ln for ln in table.splitlines() if ln.strip().startswith("tester"))
        assert "0 (+1)" in line
