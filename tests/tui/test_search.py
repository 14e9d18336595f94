"""Full-text search in the TUI: the corpus search screen (ctrl+f) opens a hit's document in the
reader at the hit; the reader's own search (/) highlights hits, n/N step through them, Esc
clears it and n is next quote again."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import running, settle, within
from seedproject import DOC_ID, build_project, saved_layer, seed_text

from annotations.search import find_in_text


def styles_of(article: object, span: tuple[int, int]) -> list[object]:
    """The background of each drawn piece of the article exactly covering ``span`` (on
    screen)."""
    start, end = span
    y = article.line_of(start) - round(article.scroll_y)  # type: ignore[attr-defined]
    line = article._lines[article.line_of(start)]  # type: ignore[attr-defined]
    strip = article.render_line(y)  # type: ignore[attr-defined]
    wanted = article.text[start:end]  # type: ignore[attr-defined]
    assert line.start <= start < line.end
    return [seg.style.bgcolor for seg in strip if seg.text == wanted]


async def test_corpus_search_opens_the_hit_in_another_document(tmp_path: Path) -> None:
    from tui.screens.reader import ReaderScreen
    from tui.screens.search import SearchScreen

    folder = build_project(tmp_path / "proj", extra_docs=2)
    async with running(folder) as pilot:
        app = pilot.app
        await pilot.press("down", "enter")  # the library's second document
        await pilot.pause()
        first = app.screen
        assert isinstance(first, ReaderScreen) and first.doc_id == "extra-1"

        await pilot.press("ctrl+f")
        search = app.screen
        assert isinstance(search, SearchScreen)
        await pilot.press(*"said", "enter")  # in every document: results in document order
        assert await within(pilot, lambda: not search.running)
        assert [h.doc_id for h in search.hits][-2:] == ["extra-1", "extra-2"]
        assert {h.doc_id for h in search.hits[:-2]} == {DOC_ID}
        assert search.documents == 3

        await pilot.press("slash")  # back to the query, its text selected: typing replaces it
        await pilot.press(*"the guise", "enter")
        assert await within(pilot, lambda: not search.running and len(search.hits) == 1)
        hit = search.hits[0]
        assert (hit.doc_id, hit.snippet[hit.mark_start:hit.mark_end]) == (DOC_ID, "the guise")
        row = search.query_one("#hits").row(0)  # title · snippet, the hit marked
        assert row.plain.startswith("ICE targets SoCal") and " · " in row.plain
        assert [row.plain[s.start:s.end] for s in row.spans if "reverse" in str(s.style)] == [
            "the guise"]

        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader is not first
        assert reader.doc_id == DOC_ID
        assert reader.current_id == "q4"  # the quote holding the hit
        assert reader.article.hits == [(hit.start, hit.end)]  # the query stays highlighted
        assert "search 'the guise' 1/1" in reader.query_one("#status").position

        await pilot.press("a")  # the current quote is the one edited
        await settle(pilot)
        assert saved_layer(folder).quotes["q4"].status == "accepted"

        await pilot.press("escape", "escape")  # clears the search, then back to the results
        assert app.screen is search
        await pilot.press("escape")  # closes the search
        assert app.screen is first


async def test_a_hit_outside_any_quote_scrolls_there(tmp_path: Path) -> None:
    from tui.screens.reader import ReaderScreen

    folder = build_project(tmp_path / "proj", extra_docs=1)
    async with running(folder, size=(100, 20)) as pilot:
        await pilot.press("ctrl+f", *"deportation", "enter")
        search = pilot.app.screen
        assert await within(pilot, lambda: not search.running)
        assert len(search.hits) == 2
        await pilot.press("down", "enter")  # the second: the article's last paragraphs
        await pilot.pause()
        reader = pilot.app.screen
        assert isinstance(reader, ReaderScreen)
        start = search.hits[1].start
        article = reader.article
        top = round(article.scroll_y)
        assert top <= article.line_of(start) < top + article.size.height
        assert top > 0  # the article did scroll
        assert reader.current_id == "q4"  # the last quote before the hit: n goes on after it


async def test_find_in_the_document_then_next_previous_and_clear(folder: Path) -> None:
    from tui.screens.help import help_rows
    from tui.screens.reader import ReaderScreen
    from tui.widgets.article import CURRENT_HIT, HIT

    text = seed_text()
    hits = find_in_text(text, "criminal")
    async with running(folder) as pilot:
        reader = pilot.app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.current_id == "q1"
        layer = saved_layer(folder)
        status = reader.query_one("#status")
        described = [d for _, _, d in help_rows(reader)]
        assert "Find in this document…" in described
        assert "Search the text of every document…" in described
        assert "Next search hit" in described  # listed before a search too: found in ?

        await pilot.press("slash", *"CRIMINAL", "enter")
        await pilot.pause()
        assert reader.article.hits == hits and len(hits) == 6
        # the first hit after the current quote (q1) is in q4, which becomes current
        assert reader.find_index == 0 and reader.article.current_hit == 0
        assert layer.quotes["q4"].start <= hits[0][0] < layer.quotes["q4"].end
        assert reader.current_id == "q4"
        assert status.position.startswith("search 'CRIMINAL' 1/6 · n/N · esc clears")
        assert "Next search hit" in [d for _, _, d in help_rows(reader)]
        article = reader.article  # drawn: the current hit stands out, the others marked
        assert styles_of(article, hits[0]) == [CURRENT_HIT.bgcolor]

        await pilot.press("n")  # the next hit (outside any quote), not the next quote
        assert reader.find_index == 1 and reader.current_id == "q4"
        assert styles_of(article, hits[0]) == [HIT.bgcolor]
        assert styles_of(article, hits[1]) == [CURRENT_HIT.bgcolor]
        assert "search 'CRIMINAL' 2/6" in status.position
        await pilot.press("N", "N")  # back, and round to the last ("criminalization")
        assert reader.find_index == 5 and reader.current_id == "q4"
        assert text[hits[5][0]:hits[5][1] + 7] == "criminalization"
        await pilot.press("n")  # round to the first
        assert reader.find_index == 0 and reader.current_id == "q4"

        await pilot.press("escape")  # clears the search; the reader stays
        assert pilot.app.screen is reader
        assert reader.finding is None and reader.article.hits == []
        assert styles_of(article, hits[0]) not in ([HIT.bgcolor], [CURRENT_HIT.bgcolor])
        assert "search" not in status.position
        await pilot.press("n")  # next quote again
        assert reader.current_id == "q5"
        await pilot.press("N")  # no search: N does nothing
        assert reader.current_id == "q5"

        await pilot.press("slash", *"no such words", "enter")  # no hit: nothing changes
        await pilot.pause()
        assert reader.finding is None and reader.current_id == "q5"

        # a search with no hit ends the one before it: n was still walking the old hits and
        # the status bar still named the old query
        await pilot.press("slash", *"criminal", "enter")
        await pilot.pause()
        assert reader.finding is not None
        await pilot.press("slash", *"no such words", "enter")
        await pilot.pause()
        assert reader.finding is None and reader.article.hits == []
        assert "search" not in status.position


async def test_hostile_titles_and_texts_reach_the_results_neutralised(tmp_path: Path) -> None:
    from seedproject import open_project

    from annotations.model import Document

    folder = build_project(tmp_path / "proj")
    with open_project(folder) as session:
        session.import_documents([Document(
            "evil", "Title \x1b]0;pwned\x07 [bold]x[/]", "A \u202emayor\nsaid \x1b[31mno.")])
    async with running(folder) as pilot:
        await pilot.press("ctrl+f", *"mayor said", "enter")
        search = pilot.app.screen
        assert await within(pilot, lambda: not search.running and search.hits)
        assert [h.doc_id for h in search.hits] == ["evil"]  # across the line break
        row = search.query_one("#hits").row(0).plain
        assert "[bold]x[/]" in row  # shown literally, never parsed as markup
        assert not any(ch in row for ch in "\x1b\x07\u202e\n")


async def test_arrows_and_enter_typed_with_the_query_wait_for_the_hits(
    tmp_path: Path, monkeypatch
) -> None:
    """`ctrl+f`, a query, Enter, Down, Down, Enter in one burst (a fast typist over SSH): the
    arrows reached an empty list (the search runs in a thread) and Enter opened the first hit,
    or none. Keys now wait for the hits they act on: the third hit opens."""
    import tui.screens.search as search_screen
    from tui.screens.reader import ReaderScreen
    from tui.screens.search import SearchScreen

    real = search_screen.search_corpus

    def slow(*args, **kwargs):  # a big corpus: each hit comes a while after the last
        import time

        for hit in real(*args, **kwargs):
            time.sleep(0.15)
            yield hit

    monkeypatch.setattr(search_screen, "search_corpus", slow)
    folder = build_project(tmp_path / "proj", extra_docs=4)
    async with running(folder) as pilot:
        app = pilot.app
        await pilot.press("ctrl+f", *"comply", "enter", "down", "down", "enter")
        assert await within(pilot, lambda: isinstance(app.screen, ReaderScreen), 5.0)
        search = next(s for s in app.screen_stack if isinstance(s, SearchScreen))
        assert len(search.hits) >= 3
        assert app.screen.doc_id == search.hits[2].doc_id

