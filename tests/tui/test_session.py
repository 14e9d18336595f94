"""Undo/redo (also across a restart), the review queue, read-only, help, palette, library."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import notices, settle
from seedproject import build_project, open_project, saved_layer


async def test_undo_redo_round_trip(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("a", "2")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        q1 = saved_layer(folder).quotes["q1"]
        assert (q1.status, q1.stance) == ("accepted", None)
        await pilot.press("u")
        await settle(pilot)
        assert saved_layer(folder).quotes["q1"].status == "suggested"
        await pilot.press("ctrl+r", "U")
    q1 = saved_layer(folder).quotes["q1"]
    assert (q1.status, q1.stance) == ("accepted", "oppose")


async def test_an_edit_that_changes_nothing_is_not_an_undo_step(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("a")  # already accepted: said, not saved, no undo step
        await settle(pilot)
        assert any("already so" in n for n in notices(pilot.app))
        await pilot.press("u")  # one undo takes the one accept back
        await settle(pilot)
        assert saved_layer(folder).quotes["q1"].status == "suggested"
    with open_project(folder, read_only=True) as session:
        ops = [e.get("op") for e in session.journal()]
    assert ops.count("edit") == 1 and ops.count("undo") == 1


async def test_undo_after_restart(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("x")
    assert saved_layer(folder).quotes["q1"].status == "rejected"
    async with run_app(folder) as pilot:  # a new app on the same folder
        await pilot.press("u")
        await settle(pilot)
        assert saved_layer(folder).quotes["q1"].status == "suggested"
        await pilot.press("ctrl+r")
    assert saved_layer(folder).quotes["q1"].status == "rejected"


async def test_review_queue_progress(folder, run_app):
    from tui.screens.review import ReviewScreen

    async with run_app(folder) as pilot:
        await pilot.press("v")
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        assert [qid for _, qid in screen.queue] == ["q5", "q4", "q1", "q3", "q2"]
        assert screen.current_id == "q5"
        await pilot.press("enter")  # accept and next
        assert screen.current_id == "q4"
        await pilot.press("X")  # reject and next
        assert screen.current_id == "q1"
        await settle(pilot)
        assert screen.reviewed == 2
        label = str(screen.query_one("#review-label").render())
        assert "reviewed 2/5" in label
    quotes = saved_layer(folder).quotes
    assert quotes["q5"].status == "accepted"
    assert quotes["q4"].status == "rejected"


async def test_review_filter(folder, run_app):
    from textual.widgets import Input

    async with run_app(folder) as pilot:
        await pilot.press("v", "slash")
        pilot.app.screen.query_one(Input).value = "status:suggested speaker:kenney"
        await pilot.press("enter")
        await pilot.pause()
        assert [qid for _, qid in pilot.app.screen.queue] == ["q3", "q2"]


async def test_an_empty_review_queue_accepts_and_rejects_nothing(folder, run_app):
    """A filter that matches nothing leaves a document on screen: Enter, space and X (accept
    or reject and next) must not touch its quotes, which are outside the filter."""
    from textual.widgets import Input

    before = {qid: q.status for qid, q in saved_layer(folder).quotes.items()}
    async with run_app(folder) as pilot:
        await pilot.press("v", "slash")
        pilot.app.screen.query_one(Input).value = "speaker:nobody-by-this-name"
        await pilot.press("enter")
        await pilot.pause()
        assert not pilot.app.screen.queue.has(0)
        assert pilot.app.screen.current is not None  # a quote is on screen all the same
        await pilot.press("enter", "space", "X")
        await settle(pilot)
    assert {qid: q.status for qid, q in saved_layer(folder).quotes.items()} == before


async def test_read_only_banner_refuses_edits(folder, run_app):
    async with run_app(folder, read_only=True) as pilot:
        banner = pilot.app.screen.query_one("#banner")
        assert banner.display
        assert "READ-ONLY" in str(banner.render())
        await pilot.press("a")
    assert saved_layer(folder).quotes["q1"].status == "suggested"


async def test_control_characters_are_rendered_visibly(tmp_path: Path, run_app):
    text = "Evil \x1b[31mred\x1b[0m title \x1b]0;pwned\x07 and a bell \x07 here.\n\nMore text."
    folder = build_project(tmp_path / "p", text=text)
    async with run_app(folder, size=(80, 24)) as pilot:
        strips = pilot.app.screen._compositor.render_strips()
        shown = "\n".join(strip.text for strip in strips)
        assert "␛[31mred" in shown and "␇" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        for strip in strips:
            for segment in strip:
                assert "\x1b" not in segment.text and "\x07" not in segment.text


async def test_help_is_generated_from_bindings(folder, run_app):
    from tui.screens.help import HelpScreen

    async with run_app(folder) as pilot:
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        descriptions = {d for _, _, d in pilot.app.screen.rows}
        for wanted in ("Accept the quote", "Stance: oppose", "End one word later",
                       "Reassign speaker…", "Undo the last edit"):
            assert wanted in descriptions
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


async def test_command_palette_runs_actions(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"accept the")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
    assert saved_layer(folder).quotes["q1"].status == "accepted"


async def test_the_palette_names_every_key_of_an_action(folder, run_app):
    """Redo is bound to ctrl+r and U: the palette said only ``^r``."""
    from tui.screens.command_provider import ActionCommands

    async with run_app(folder) as pilot:
        provider = ActionCommands(pilot.app.screen)
        keys = {description: key for description, key, _ in provider._actions()}
        redo = keys["Redo the last undone edit"]
        assert "U" in redo and ("^r" in redo or "ctrl+r" in redo), redo
        assert " or " not in keys["Undo the last edit"]


async def test_library_search_and_open(tmp_path: Path, run_app):
    from annotations import team
    from tui.screens.library import LibraryScreen
    from tui.screens.reader import ReaderScreen

    folder = build_project(tmp_path / "p", extra_docs=2)
    with open_project(folder) as session:
        team.set_status(session, "extra-2", "done")
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        assert len(screen.shown) == 3
        await pilot.press("slash", *"second article 2", "enter")
        assert [s.doc_id for s in screen.shown] == ["extra-2"]
        await pilot.press("escape", "f")  # filter: to review
        assert [s.doc_id for s in screen.shown] == ["ice"]
        await pilot.press("f")  # reviewed: no quote left to review
        assert [s.doc_id for s in screen.shown] == ["extra-1", "extra-2"]
        await pilot.press("f")  # not done: the status column
        assert [s.doc_id for s in screen.shown] == ["ice", "extra-1"]
        await pilot.press("f")  # done
        assert [s.doc_id for s in screen.shown] == ["extra-2"]
        await pilot.press("f")  # all again
        assert len(screen.shown) == 3
        await pilot.press("d")  # the highlighted (first) document marked done here too
        await settle(pilot)
        assert screen.view.status("ice") == "done"
        await pilot.press("d")
        await settle(pilot)
        assert screen.view.status("ice") != "done"
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, ReaderScreen)
        await pilot.press("escape")
        assert pilot.app.screen is screen


async def test_speaker_panel_focus(folder, run_app):
    from tui.widgets.article import ArticleView
    from tui.widgets.speakers import SpeakerList

    async with run_app(folder) as pilot:
        speakers = pilot.app.screen.query_one(SpeakerList)
        speakers.focus()
        await pilot.press("down", "enter")  # second speaker in reading order: Kenney
        article = pilot.app.screen.query_one(ArticleView)
        assert article.focus_speaker == "s1"
        assert pilot.app.screen.current_id == "q2"


async def test_damaged_file_warning_in_banner(folder, run_app):
    target = next((folder / "annotations").glob("*/suggestions.json"))
    target.write_text("{ not json", encoding="utf-8")
    async with run_app(folder) as pilot:
        banner = pilot.app.screen.query_one("#banner")
        assert banner.display
        assert "damaged" in str(banner.render()).lower()


async def test_failed_save_shows_error(folder, run_app):
    from annotations.errors import ProjectError

    async with run_app(folder) as pilot:
        project = pilot.app.session.project

        def broken(edit):
            raise ProjectError("disk full")

        project.apply = broken
        await pilot.press("a")
        await settle(pilot)
        assert pilot.app.bridge.save_state == ("error", "disk full")
        status = str(pilot.app.screen.query_one("#status").render())
        assert "✗ error" in status
        # the screen falls back to what is on disk
        assert pilot.app.screen.current.status == "suggested"


async def test_no_color_still_marks_quotes(folder, run_app, monkeypatch):
    from tui.widgets.article import ArticleView

    monkeypatch.setenv("NO_COLOR", "1")
    async with run_app(folder) as pilot:
        assert pilot.app.no_color
        article = pilot.app.screen.query_one(ArticleView)
        assert article.underline_quotes
        # the speaker's name (outside the quote) is not underlined like a quote
        await pilot.press("n")
        mention = pilot.app.screen.current.speaker_mention
        assert mention is not None
        styles = [st for s, e, st in article._decorations(mention.start, mention.end)
                  if s <= mention.start and mention.end <= e]
        assert styles and not any(st.underline for st in styles if st.bold)


async def test_keymap_from_project_settings(folder, run_app):
    from seedproject import open_project

    with open_project(folder) as project:
        project.set_setting("keymap", {"reader.accept": "y"})
    async with run_app(folder) as pilot:
        await pilot.press("a")  # no longer bound
        await pilot.press("n", "y")
    quotes = saved_layer(folder).quotes
    assert quotes["q1"].status == "suggested"
    assert quotes["q2"].status == "accepted"


async def test_help_shows_every_key_of_an_action(folder, run_app):
    """`j`/`k` and the queue's `space` work: help must say so, not only `n`/`p`/`⏎`."""
    async with run_app(folder) as pilot:
        await pilot.press("question_mark")
        keys = {d: k.split() for _, k, d in pilot.app.screen.rows}
        assert keys["Next quote"] == ["n", "j"]
        assert keys["Previous quote"] == ["p", "k"]
        await pilot.press("escape", "v", "question_mark")
        keys = {d: k.split() for _, k, d in pilot.app.screen.rows}
        assert "space" in keys["Accept and next"]


async def test_status_under_a_modal_follows_the_save(folder, run_app):
    """saywho 0.1 showed "saving… (1 queued)" for as long as a modal stayed open over the
    reader, although the edit was on disk: every screen's status bar follows the bridge."""
    async with run_app(folder) as pilot:
        reader = pilot.app.screen
        await pilot.press("a", "l")  # accept, then open the layer picker over the reader
        await settle(pilot)
        await pilot.pause(0.2)
        assert pilot.app.screen is not reader
        status = str(reader.query_one("#status").render())
        assert "✓ saved" in status and "queued" not in status
        await pilot.press("escape")
        assert "✓ saved" in str(pilot.app.screen.query_one("#status").render())


async def test_undo_never_reaches_into_another_document(tmp_path, run_app):
    """saywho 0.1: reject in article A, open article B, `u` undid A's change out of sight; in
    the library `u` silently restored a deleted quote. Now undo acts on the document on
    screen, and the library refuses it with a message."""
    folder = build_project(tmp_path / "p", extra_docs=1)
    async with run_app(folder) as pilot:
        await pilot.press("enter", "x")  # the library lists "ice" first: reject q1 there
        await settle(pilot)
        assert saved_layer(folder).quotes["q1"].status == "rejected"
        await pilot.press("escape", "u")  # the library: refused
        await settle(pilot)
        assert saved_layer(folder).quotes["q1"].status == "rejected"
        await pilot.press("down", "enter", "u")  # article B: nothing of B to undo
        await settle(pilot)
        assert pilot.app.screen.doc_id == "extra-1"
        assert saved_layer(folder).quotes["q1"].status == "rejected"
        assert any("Nothing to undo" in n for n in notices(pilot.app))
        assert "nothing to undo" not in pilot.app.bridge.save_state.message  # not "✓ saved"
        await pilot.press("escape", "up", "enter", "u")  # back in A: undone there
        await settle(pilot)
    assert saved_layer(folder).quotes["q1"].status == "suggested"


async def test_undo_after_restart_keeps_to_its_layer(folder, run_app):
    """After a restart, `u` in the annotator's layer never undoes a step of `final`."""
    async with run_app(folder) as pilot:
        await pilot.press("a")  # tester's layer
        await settle(pilot)
    from seedproject import DOC_ID, open_project

    from annotations.edits import NewQuote

    q2 = saved_layer(folder).quotes["q2"]
    with open_project(folder) as session:  # an adjudication step in `final`, made later
        session.apply(NewQuote(DOC_ID, q2.start, q2.end, quote_id="f1", layer="final"))
    async with run_app(folder) as pilot:
        await pilot.press("u")
        await settle(pilot)
    assert saved_layer(folder).quotes["q1"].status == "suggested"
    assert "f1" in saved_layer(folder, layer="final").quotes


async def test_palette_offers_one_quit_the_one_that_waits_for_saves(folder, run_app):
    """saywho 0.1 listed Textual's "Quit the application as soon as possible" beside its own
    quit, which waits for the saves."""
    async with run_app(folder) as pilot:
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Quit" not in titles and "Keys" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"quit", "enter")  # the one match left: saywho's quit
        await pilot.pause(0.3)
    assert not pilot.app.is_running


async def test_quit_while_an_edit_is_saving_waits_for_it_and_exits(folder, run_app):
    """``q`` pressed while a save is still in flight: the app waits for the save (not for the
    UI to hear of it, which it cannot while the quit waits) and exits at once after."""
    import asyncio
    import time

    async with run_app(folder) as pilot:
        pilot.app.bridge.settle_delay = 0.3  # the save is surely still running at "q"
        await pilot.press("a")
        started = time.monotonic()
        await pilot.press("q")
        for _ in range(200):
            if not pilot.app.is_running:
                break
            await asyncio.sleep(0.025)
        assert not pilot.app.is_running, "the app did not exit while a save was in flight"
        assert time.monotonic() - started < 5
    assert saved_layer(folder).quotes["q1"].status == "accepted"


async def test_undo_after_accept_and_next_into_another_document(tmp_path: Path, run_app):
    """In the review queue, Enter on a document's last item accepts it and moves into the
    next document; `u` then takes that accept back, in the document it was made in, which
    the queue shows again (it said "Nothing to undo")."""
    from annotations.model import Layer, Quote
    from tui.screens.review import ReviewScreen

    folder = build_project(tmp_path / "p", extra_docs=1)
    with open_project(folder) as session:
        text = session.document("extra-1").text
        s = text.index("we will comply")
        session.put_layer("extra-1", Layer("suggestions", {"q1": Quote(
            "q1", s, s + 14, text[s : s + 14], "direct", confidence={"span": 0.2})}),
            replace=True)
    async with run_app(folder) as pilot:
        await pilot.press("v")
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        docs = [d for d, _ in screen.queue]
        last_of_first = max(i for i, d in enumerate(docs) if d == docs[0])
        screen.goto(last_of_first)
        first_doc, qid = screen.queue[last_of_first]
        await pilot.press("enter")  # accept and next: into the other document
        await settle(pilot)
        assert screen.doc_id != first_doc
        assert saved_layer(folder, first_doc).quotes[qid].status == "accepted"
        # a footer redraw (back from the speaker picker) leaves the queue where it is: asking
        # whether `u` acts here took the queue back to the first document, and the speaker
        # picked went to a quote there
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.doc_id != first_doc
        await pilot.press("u")
        await settle(pilot)
        assert screen.doc_id == first_doc
        assert saved_layer(folder, first_doc).quotes[qid].status == "suggested"


async def test_the_status_bar_does_not_carry_an_edit_into_another_document(
    tmp_path: Path, run_app
):
    """"saved: accepted quote 1" said in one document is not shown over another one, where
    it reads as if made there; the other document's bar says every edit is saved."""
    folder = build_project(tmp_path / "p", extra_docs=1)
    async with run_app(folder) as pilot:
        await pilot.press("enter")  # the library: open the seed article
        await pilot.press("a")
        await settle(pilot)
        status = lambda: str(pilot.app.screen.query_one("#status").render())  # noqa: E731
        assert "accepted quote 1" in status()
        await pilot.press("L", "down", "enter")  # the other article
        await settle(pilot)
        assert pilot.app.screen.doc_id == "extra-1"
        assert "accepted quote 1" not in status() and "every edit saved" in status()


async def test_escape_in_the_library_goes_back_to_the_document_last_read(
    tmp_path: Path, run_app
):
    from tui.screens.library import LibraryScreen
    from tui.screens.reader import ReaderScreen

    folder = build_project(tmp_path / "p", extra_docs=1)
    async with run_app(folder) as pilot:
        await pilot.press("down", "enter")  # the second document
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReaderScreen)
        await pilot.press("n")
        await pilot.app.workers.wait_for_complete()
        await pilot.press("L")
        assert isinstance(pilot.app.screen, LibraryScreen)
        await settle(pilot)
        pilot.app.bridge.session.remember_position("extra-1", None)
        await pilot.press("escape")  # nothing to clear: back to the reader
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReaderScreen)
        assert pilot.app.screen.doc_id == "extra-1"


async def test_after_an_undo_the_queue_goes_on_from_the_quote_it_restored(folder, run_app):
    """`v A u A`: the undo took the cursor back to item 1 but the queue stayed at item 2, so
    the second A accepted item 1 again and went on to item 3: item 2 was never seen."""
    async with run_app(folder) as pilot:
        await pilot.press("v")
        review = pilot.app.screen
        first, second = review.queue[0][1], review.queue[1][1]
        await pilot.press("A")
        await settle(pilot)
        assert review.pos == 1 and review.current_id == second
        await pilot.press("u")
        await settle(pilot)
        assert review.current_id == first and review.pos == 0
        assert "item 1/" in str(review.query_one("#review-label").content)
        await pilot.press("A")
        await settle(pilot)
        assert review.pos == 1 and review.current_id == second
    quotes = saved_layer(folder).quotes
    assert quotes[first].status == "accepted" and quotes[second].status == "suggested"


async def test_an_empty_review_queue_edits_nothing_on_screen(folder, run_app):
    """With a filter matching nothing, the reader's own keys (x, a, a stance) edited the
    document left on screen, outside the filter."""
    from textual.widgets import Input

    before = {qid: (q.status, q.stance) for qid, q in saved_layer(folder).quotes.items()}
    async with run_app(folder) as pilot:
        await pilot.press("v", "slash")
        pilot.app.screen.query_one(Input).value = "speaker:nobody-by-this-name"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("x", "a", "2")
        await settle(pilot)
        assert any("Nothing to review" in m for m in notices(pilot.app))
    assert {qid: (q.status, q.stance) for qid, q in saved_layer(folder).quotes.items()} == before


async def test_v_with_nothing_left_to_review_says_so_and_stays(folder, run_app):
    """`v` when every suggestion is reviewed opened the queue on the first document with
    "item 0/0", a document that was not to be reviewed: it says so in one line and the
    reader stays on its document."""
    from tui.screens.reader import ReaderScreen

    async with run_app(folder) as pilot:
        await pilot.press("v", *["enter"] * 5)  # accept all five, and next
        await settle(pilot)
        assert {q.status for q in saved_layer(folder).quotes.values()} == {"accepted"}
        await pilot.press("escape")
        reader = pilot.app.screen
        assert type(reader) is ReaderScreen
        await pilot.press("v")
        await pilot.pause()
        assert pilot.app.screen is reader
        said = [m for m in notices(pilot.app) if "left to review" in m]
        assert said == ["Nothing left to review."]
