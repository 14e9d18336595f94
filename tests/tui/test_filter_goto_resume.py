"""The reader's quote filter (``f``), go to quote N (``:``), and reopening where the annotator
stopped: keys pressed by a Pilot, the result read from the screen and the store."""

from __future__ import annotations

import threading
from pathlib import Path

from pilot_helpers import notices, settle
from seedproject import ANNOTATOR, DOC_ID, build_project, saved_layer
from textual.widgets import Input

from annotations.store.positions import ReaderPosition, read_position, write_position
from tui.screens.filter_picker import FilterPicker
from tui.screens.reader import ReaderScreen
from tui.widgets.quotes import QuoteList


def listed(screen: ReaderScreen) -> list[str]:
    return list(screen.query_one(QuoteList).ids)


def title(screen: ReaderScreen) -> str:
    return str(screen.query_one(QuoteList).border_title)


async def choose(pilot, words: str) -> None:  # noqa: ANN001
    """``f``, narrow the picker to ``words``, Enter."""
    await pilot.press("f")
    assert isinstance(pilot.app.screen, FilterPicker)
    await pilot.press(*words, "enter")
    await pilot.pause()


async def test_filter_by_speaker_then_n_visits_only_that_speakers_quotes(folder, run_app):
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, ReaderScreen) and screen.current_id == "q1"  # Homan's
        await choose(pilot, "kenney")
        layer = saved_layer(folder)
        kenney = [q.id for q in layer.sorted_quotes() if layer.speaker_name(q) == "Kenney"]
        assert listed(screen) == kenney == ["q2", "q3"]
        assert "2 of 5" in title(screen) and "speaker: Kenney" in title(screen)
        assert screen.current_id == "q2"  # the first listed: q1 is not Kenney's
        visited = [screen.current_id]
        for key in ("n", "n", "n", "p", "p"):
            await pilot.press(key)
            visited.append(screen.current_id)
        assert visited == ["q2", "q3", "q3", "q3", "q2", "q2"]
        assert all(layer.speaker_name(layer.quotes[q]) == "Kenney" for q in visited)
        # the article keeps every quote highlighted
        assert [q.id for q in screen.article.quotes] == ["q1", "q2", "q3", "q4", "q5"]

        await pilot.press("escape")  # clears the filter, stays in the reader
        assert pilot.app.screen is screen
        assert listed(screen) == ["q1", "q2", "q3", "q4", "q5"] and title(screen) == "Quotes"
        await pilot.press("n", "n")  # on past Kenney's quotes
        assert screen.current_id == "q4"


async def test_filters_combine_and_a_value_of_the_same_kind_replaces(folder, run_app):
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        await choose(pilot, "type: direct")
        assert listed(screen) == ["q2", "q3", "q4", "q5"]
        await choose(pilot, "kenney")  # AND
        assert listed(screen) == ["q2", "q3"]
        await choose(pilot, "almiron")  # replaces Kenney
        assert listed(screen) == ["q5"] and screen.current_id == "q5"
        assert "1 of 5 · speaker: Almiron · type: direct" in title(screen)
        await choose(pilot, "clear")
        assert listed(screen) == ["q1", "q2", "q3", "q4", "q5"]


async def test_a_quote_leaving_the_filter_drops_out_and_n_goes_on_from_it(folder, run_app):
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        await choose(pilot, "suggested")
        assert len(listed(screen)) == 5
        await pilot.press("n", "a")  # accept q2: it is no longer "suggested"
        await settle(pilot)
        assert listed(screen) == ["q1", "q3", "q4", "q5"] and screen.current_id == "q2"
        await pilot.press("n")
        assert screen.current_id == "q3"
        await pilot.press("p")
        assert screen.current_id == "q1"
    assert saved_layer(folder).quotes["q2"].status == "accepted"


async def test_colon_n_goes_to_quote_n(folder, run_app):
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        await pilot.press("colon", "3", "enter")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert screen.current_id == listed(screen)[2] == "q3"
        status = str(screen.query_one("#status").render())
        assert "q 3/5" in status

        # a quote's number is its place in the document, filter or not
        await choose(pilot, "kenney")
        assert listed(screen) == ["q2", "q3"]
        await pilot.press("colon", "2", "enter")
        assert screen.current_id == "q2"
        status = str(screen.query_one("#status").render())
        assert "q 2/5 · 2 listed" in status
        await pilot.press("colon", "4", "enter")  # hidden by the filter: gone to, and said
        assert screen.current_id == "q4"
        assert any("Quote 4 is hidden by the filter (speaker: Kenney)" in m
                   for m in notices(pilot.app))
        await pilot.press("n")  # no listed quote after it: it stays
        assert screen.current_id == "q4"
        await pilot.press("p")  # the listed quote before it
        assert screen.current_id == "q3"


async def test_colon_with_a_bad_number_says_so_and_nothing_moves(folder, run_app):
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        await pilot.press("n")
        for typed in ("9", "0", "two", "-1"):
            await pilot.press("colon")
            prompt = pilot.app.screen
            prompt.query_one(Input).value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert pilot.app.screen is screen and screen.current_id == "q2", typed
            assert f"No quote {typed}: this document has quotes 1 to 5." in notices(pilot.app)


async def test_the_app_reopens_where_the_annotator_stopped(tmp_path: Path, run_app):
    folder = build_project(tmp_path / "p", extra_docs=1)  # two documents: the library first
    async with run_app(folder) as pilot:
        app = pilot.app
        saving_threads: list[str] = []
        remember = app.session.remember_position

        def spy(doc_id: str, quote_id: str | None) -> bool:
            saving_threads.append(threading.current_thread().name)
            return remember(doc_id, quote_id)

        app.session.remember_position = spy
        assert not isinstance(app.screen, ReaderScreen)
        await pilot.press("down", "enter")  # document A
        await pilot.pause()
        assert app.screen.doc_id == "extra-1"
        await pilot.press("L", "up", "enter")  # document B
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen) and screen.doc_id == DOC_ID
        await pilot.press("n", "n", "n")
        assert screen.current_id == "q4"
        await pilot.press("q")
        await pilot.pause(0.2)
    assert not app.is_running
    assert saving_threads and threading.main_thread().name not in saving_threads
    assert read_position(folder, ANNOTATOR) is not None

    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, ReaderScreen)
        assert (screen.doc_id, screen.current_id) == (DOC_ID, "q4")
        await pilot.press("L")  # the library is one key away
        assert not isinstance(pilot.app.screen, ReaderScreen)


async def test_a_place_in_a_document_that_is_gone_opens_the_library(tmp_path: Path, run_app):
    folder = build_project(tmp_path / "p", extra_docs=1)
    write_position(folder, ANNOTATOR, ReaderPosition("no-such-doc", "q1"))
    async with run_app(folder) as pilot:
        assert not isinstance(pilot.app.screen, ReaderScreen)


async def test_the_review_queue_walks_its_own_order_and_offers_no_list_filter(folder, run_app):
    from tui.screens.review import ReviewScreen

    async with run_app(folder) as pilot:
        await pilot.press("v")
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        current = screen.current_id
        await pilot.press("f", "colon")
        await pilot.pause()
        assert pilot.app.screen is screen and screen.current_id == current
        assert len(listed(screen)) == 5


async def test_the_filter_offers_a_quote_variable_s_codes(folder, run_app):
    """With a quote variable defined, f offers its values with their counts ("topic: crime
    (2)"), and choosing one lists the quotes coded so."""
    from seedproject import open_project

    from annotations.edits import SetQuoteCode

    with open_project(folder) as session:
        session.define_attribute("topic", ["economy", "crime"], quote=True)
        for qid, value in (("q2", "crime"), ("q4", "crime"), ("q5", "economy")):
            session.apply(SetQuoteCode(DOC_ID, qid, "topic", value))
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        await pilot.press("f")
        picker = pilot.app.screen
        assert isinstance(picker, FilterPicker)
        offered = [c.text for c in picker.choices if c.facet == "code_topic"]
        assert offered == ["topic: economy (1)", "topic: crime (2)", "topic: none (2)"]
        await pilot.press(*"topic crime", "enter")
        await pilot.pause()
        assert listed(screen) == ["q2", "q4"]
        assert "2 of 5 · topic: crime" in title(screen)
