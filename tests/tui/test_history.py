"""The history screen (H): this annotator's edits across the corpus, newest first and in words;
Enter opens the reader at that document and quote; an undo there says what it restored; a long
history is read a page at a time as the list is scrolled."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from pilot_helpers import settle, within
from seedproject import DOC_ID, TITLE, build_project, open_project, saved_layer

from annotations.edits import SetNote
from annotations.history_view import HistoryItem
from annotations.model import SUGGESTIONS_LAYER, Layer, Mention, Quote, Speaker
from tui.screens.history import PAGE, HistoryList, HistoryScreen, history_row
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen

INTERNAL_ID = re.compile(r"\b[qs]\d+\b")
EXTRA = "extra-1"
EXTRA_TITLE = "Second article 1"


def two_documents(folder: Path) -> Path:
    """The seed article and a second one with one quote by Mayor Smith."""
    build_project(folder, extra_docs=1)
    with open_project(folder) as session:
        text = session.document(EXTRA).text
        start = text.index("we will comply")
        smith = text.index("Smith")
        quote = Quote("q1", start, start + len("we will comply"), "we will comply",
                      speaker_id="s1", origin="fixture@1")
        speaker = Speaker("s1", "Mayor Smith", "person", (),
                          (Mention(smith, smith + 5, "Smith"),))
        session.put_layer(EXTRA, Layer(SUGGESTIONS_LAYER, {"q1": quote}, {"s1": speaker}),
                          replace=True)
    return folder


async def open_from_library(pilot, doc_id: str) -> None:  # noqa: ANN001
    app = pilot.app
    assert isinstance(app.screen, LibraryScreen)
    app.screen.query_one("#docs").select([s.doc_id for s in app.screen.shown].index(doc_id))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen) and app.screen.doc_id == doc_id


def row_texts(screen: HistoryScreen) -> list[str]:
    rows = screen.query_one(HistoryList)
    return [rows.row(i).plain for i in range(len(rows.rows))]


async def test_history_lists_edits_in_words_and_opens_them(tmp_path: Path, run_app) -> None:
    folder = two_documents(tmp_path / "proj")
    async with run_app(folder, size=(120, 30)) as pilot:
        app = pilot.app
        await open_from_library(pilot, DOC_ID)
        await pilot.press("n", "1", "2")  # quote 2 of the seed: support, then oppose
        await settle(pilot)
        await pilot.press("escape")  # back to the library
        await open_from_library(pilot, EXTRA)
        await pilot.press("1")  # quote 1 of the second article: support
        await settle(pilot)

        await pilot.press("H")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert await within(pilot, lambda: len(screen.items) == 3 and screen.done)
        items = screen.items
        assert [(i.doc_id, i.what) for i in items] == [
            (EXTRA, "stance of quote 1 → support (accepted)"),
            (DOC_ID, "stance of quote 2 → oppose"),
            (DOC_ID, "stance of quote 2 → support (accepted)"),
        ]
        rows = row_texts(screen)
        assert "just now" in rows[0] and EXTRA_TITLE in rows[0]
        assert "stance of quote 1 → support" in rows[0]
        assert TITLE[:20] in rows[1] and "stance of quote 2 → oppose" in rows[1]
        assert "layer" not in " ".join(rows)  # every edit is in the annotator's own layer
        assert not [r for r in rows if INTERNAL_ID.search(r)]

        await pilot.press("down", "enter")  # the second row: the seed's quote 2
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert (reader.doc_id, reader.current_id) == (DOC_ID, "q2")

        await pilot.press("u")  # undo there: the stance goes back from oppose to support
        await settle(pilot)
        state, message = app.bridge.save_state
        assert (state, message) == ("saved", "undone: stance of quote 2 back to support")
        assert "undone: stance of quote 2 back to support" in str(
            reader.query_one("#status").render())

        await pilot.press("escape")  # back to the history: read again, the undo on top
        assert app.screen is screen
        assert await within(pilot, lambda: len(screen.items) == 4 and screen.done)
        assert screen.items[0].what == "undo: stance of quote 2 back to support"
    assert saved_layer(folder).quotes["q2"].stance == "support"


async def test_a_long_history_is_read_a_page_at_a_time(folder: Path, run_app) -> None:
    total = 3 * PAGE + 7
    with open_project(folder) as session:
        for n in range(total):
            session.apply(SetNote(DOC_ID, f"q{n % 5 + 1}", f"note {n}"))
    async with run_app(folder, size=(100, 30)) as pilot:
        await pilot.press("H")
        screen = pilot.app.screen
        assert isinstance(screen, HistoryScreen)
        assert await within(pilot, lambda: len(screen.items) >= PAGE)
        await pilot.pause(0.2)
        assert len(screen.items) < total and not screen.done  # a page, not the journal
        assert screen.items[0].what == "note on quote 2"  # the last note went to q2
        for _ in range(6):  # the cursor to the last row read: the next page follows
            await pilot.press("end")
            if await within(pilot, lambda: screen.done, seconds=1.0):
                break
        assert screen.done and len(screen.items) == total
        assert screen.items[-1].what == "note on quote 1"


def test_rows_show_titles_and_layers_neutralised() -> None:
    item = HistoryItem("e1", "2026-03-05T11:58:00+00:00", "edit", "d", "Evil\x1b]0;pwned\x07\u202e",
                       "stance of quote 1 → oppose", "ben\x1b[31m", own_layer=False)
    row = history_row(item, datetime(2026, 3, 5, 12, 0, tzinfo=UTC)).plain
    assert "\x1b" not in row and "\x07" not in row and "\u202e" not in row
    assert row.split()[:3] == ["2", "min", "ago"] and "· layer ben" in row


async def test_an_undo_a_teammate_s_later_edit_blocks_is_said_in_words(folder, run_app) -> None:
    """tester sets quote 1's stance; bob then sets it in tester's layer (another process);
    tester's undo is skipped, and the message names quote 1 and bob, not "q1" under the
    title "Bad input"."""
    from pilot_helpers import notices

    from annotations.edits import SetStance
    from annotations.session import Session

    async with run_app(folder) as pilot:
        await pilot.press("1")  # q1: support
        await settle(pilot)
        with Session.open(folder, "bob", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as bob:
            bob.apply(SetStance(DOC_ID, "q1", "oppose", layer="tester"))
        await pilot.press("u")
        await settle(pilot)
        said = [n for n in pilot.app._notifications if "undo skipped" in n.message]
        assert said, notices(pilot.app)
        assert said[-1].title == "Not undone"
        assert "quote 1 was changed since by another edit (bob also edits this layer)" in (
            said[-1].message)
        assert INTERNAL_ID.search(said[-1].message) is None
    assert saved_layer(folder).quotes["q1"].stance == "oppose"  # bob's, kept


async def test_the_title_column_grows_with_the_terminal(tmp_path: Path, run_app) -> None:
    """At 80 columns a long title is cut with an ellipsis; at 200 it is shown whole (it was
    cut at 28 characters at any width), and a resize redraws the rows."""
    folder = build_project(tmp_path / "proj")
    with open_project(folder) as session:
        session.apply(SetNote(DOC_ID, "q1", "check"))
    assert len(TITLE) > 28
    async with run_app(folder, size=(80, 24)) as pilot:
        await pilot.press("H")
        screen = pilot.app.screen
        assert isinstance(screen, HistoryScreen)
        assert await within(pilot, lambda: len(screen.items) == 1)
        await pilot.pause()
        assert TITLE not in row_texts(screen)[0] and TITLE[:20] in row_texts(screen)[0]
        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        await pilot.pause()
        assert TITLE in row_texts(screen)[0]
        # resized while the reader was on top: the column follows on the way back
        await pilot.press("enter")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert pilot.app.screen is screen and TITLE not in row_texts(screen)[0]


async def test_a_document_s_target_and_done_mark_are_in_the_history(folder, run_app) -> None:
    """`d` (done) and `I` (the document's own stance target) are journaled and listed in the
    history in words; undo (`u`) does not reach them: its steps are layer changes."""
    from test_document_notes import type_and_submit

    async with run_app(folder, size=(120, 30)) as pilot:
        app = pilot.app
        assert isinstance(app.screen, ReaderScreen) and app.screen.doc_id == DOC_ID
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("I")
        await pilot.pause()
        await type_and_submit(pilot, "the raids")
        await settle(pilot)
        await pilot.press("H")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert await within(pilot, lambda: len(screen.items) == 2 and screen.done)
        assert [(i.doc_id, i.what) for i in screen.items] == [
            (DOC_ID, "stance target → “the raids”"),
            (DOC_ID, "marked done"),
        ]
        rows = row_texts(screen)
        assert TITLE[:20] in rows[0] and "layer" not in " ".join(rows)
    with open_project(folder, read_only=True) as session:
        entries = [(e["op"], e["data"]) for e in session.journal()
                   if e["op"] in ("doc-status", "doc-target")]
    assert entries == [
        ("doc-status", {"doc": DOC_ID, "before": "not-started", "after": "done",
                        "stored_before": None, "stored_after": "done"}),
        ("doc-target", {"doc": DOC_ID, "before": "", "after": "the raids"}),
    ]
