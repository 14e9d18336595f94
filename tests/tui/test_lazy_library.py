"""The library and the review queue read the corpus index, not the layers (issue "Corpus
scale"): opening the library, scrolling it, searching it and opening the review queue read no
layer at all, except the document the queue shows and the next one it reads ahead; a document's
layers are read when it is opened. A spy on the store's layer reads counts every read.

The stance model stays on: it reads only the documents the index says may hold labels, and
these documents hold none.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pilot_helpers import settle
from textual.pilot import Pilot

from annotations.model import SUGGESTIONS_LAYER, Document, Layer
from annotations.session import Session
from tests.conftest import two_quote_document
from tui.app import SaywhoApp
from tui.screens.library import LibraryScreen

N_DOCS = 120
LEAST = 37  # the document holding the least confident quote: the queue starts there
NEXT = 81  # the second least confident


def _document(i: int) -> tuple[Document, Layer]:
    conf = 0.05 if i == LEAST else 0.1 if i == NEXT else 0.5 + (i % 40) / 100
    return two_quote_document(i, confidence=conf)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    with Session.open(folder, "tester", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as session:
        session.project.add_documents(_document(i) for i in range(N_DOCS))  # the bulk path
    return folder


async def _idle(app: SaywhoApp) -> None:
    await app.workers.wait_for_complete()


@asynccontextmanager
async def _library(corpus: Path) -> AsyncIterator[tuple[SaywhoApp, Pilot[None], LibraryScreen]]:
    """The app on ``corpus`` for the annotator ``tester``, its first screen the library."""
    session = Session.open(corpus, "tester")
    app = SaywhoApp(session, live_interval=None)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LibraryScreen)
            yield app, pilot, app.screen
    finally:
        session.close()


async def test_library_and_queue_read_only_the_index(corpus: Path, reads: list[str]) -> None:
    from tui.screens.review import ReviewScreen
    from tui.widgets.rowlist import RowList

    async with _library(corpus) as (app, pilot, library):
        assert len(library.shown_ids) == N_DOCS
        await _idle(app)  # the index's check against the files ran: stats only
        assert reads == []
        docs = library.query_one("#docs", RowList)
        built = sum(row is not None for row in docs.rows)
        assert 0 < built <= docs.size.height  # only the rows on screen were built
        await pilot.press("pagedown", "pagedown", "end", "up", "home")
        await pilot.press("slash", *"Article 05", "enter")
        assert [d for d in library.shown_ids] == [f"doc-{i:03d}" for i in range(50, 60)]
        await pilot.press("escape", "f")  # to review
        assert len(library.shown_ids) == N_DOCS
        await _idle(app)
        assert reads == []  # scrolled, searched, filtered: not one layer read

        await pilot.press("v")  # the review queue
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        await _idle(app)  # its read-ahead is done
        assert review.queue[0] == (f"doc-{LEAST:03d}", "q1")
        assert set(reads) == {f"doc-{LEAST:03d}", f"doc-{NEXT:03d}"}  # shown + read ahead
        assert review.queue.loaded == 1 and review.queue.total == 2 * N_DOCS
        label = str(review.query_one("#review-label").render())
        assert f"item 1/{2 * N_DOCS}" in label

        await pilot.press("n", "n")  # past the first document: the next one, read ahead
        await _idle(app)
        assert review.queue[review.pos][0] == f"doc-{NEXT:03d}"
        assert len(set(reads)) == 3  # and the one after it, read ahead now
        await pilot.press("enter")  # accept and go on: still no other document read
        await settle(pilot)
        await _idle(app)
        assert len(set(reads)) <= 4

        await pilot.press("L")  # back to the library, then open a document
        await pilot.pause()
        before = set(reads)
        await pilot.press("end", "enter")
        await pilot.pause()
        assert set(reads) - before == {library.shown_ids[-1]}  # opened: read now
        await settle(pilot)


async def test_the_head_line_counts_every_documents_quotes_once_the_rows_are_shown(
    corpus: Path,
) -> None:
    from textual.widgets import Static

    from annotations.edits import AcceptQuote

    with Session.open(corpus, "tester") as session:
        session.apply(AcceptQuote("doc-003", "q1"))
        session.apply(AcceptQuote("doc-004", "q2"))
    async with _library(corpus) as (app, pilot, library):
        await app.workers.wait_for_complete()  # the totals are summed in a thread
        await pilot.pause()
        head = str(library.query_one("#library-head", Static).render())
        assert f"{N_DOCS} documents · 2/{2 * N_DOCS} quotes reviewed" in head
        assert library.totals == (2 * N_DOCS, 2)


async def test_the_live_watcher_asking_a_closing_library_for_its_document_gets_none(
        corpus: Path) -> None:
    """The watcher's tick asks every screen which document it shows; a library whose list is
    gone (closing) or not there yet says none, not NoMatches (it stopped the app)."""
    async with _library(corpus) as (app, pilot, library):
        assert library.document_in_view() == "doc-000"
        await library.query_one("#docs").remove()
        assert library.shown_ids
        assert library.document_in_view() is None
        assert app.bridge.document_in_view() is None
