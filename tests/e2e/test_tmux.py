"""``saywho`` in a real terminal (tmux): open the seed, accept a quote, set a stance, quit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from seedproject import build_project
from tmuxdriver import TMUX, saywho_in_tmux

from annotations.model import Layer
from annotations.store.project import Project

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def saved(folder: Path) -> Layer:
    """Annotator x's layer of the seed article, as saved (a fresh read-only open)."""
    with Project.open(folder, "x", read_only=True) as project:
        return project.layer("ice")


def test_accept_and_stance_in_tmux(tmp_path: Path) -> None:
    folder = build_project(tmp_path / "proj")
    with saywho_in_tmux(folder, "x") as tmux:
        tmux.wait_for("Quotes")
        tmux.wait_for("q 1/5")
        tmux.send("a")
        tmux.wait_for("saved: accepted quote 1")
        tmux.send("2")
        tmux.wait_for("saved: stance of quote 1 → oppose")
        # Escape and x in one packet (SSH): the terminal's parser reads Alt+x; both keys were
        # lost. Escape clears the search, x rejects the quote the search went to
        tmux.send_at_once("/", "criminal", "Enter")
        tmux.wait_for("search 'criminal' 1/6")
        tmux.send_at_once("Escape", "x")
        tmux.wait_for("saved: rejected quote 4")
        assert "search 'criminal'" not in tmux.screen()
        tmux.quit()
    quote = saved(folder).quotes["q1"]
    assert quote.status == "accepted"
    assert quote.stance == "oppose"
    assert saved(folder).quotes["q4"].status == "rejected"


def test_text_typed_with_the_key_that_opens_a_prompt_is_kept(tmp_path: Path) -> None:
    """A paste, or a fast typist over SSH: the keys after `e` (note) and `S` (new speaker)
    arrive before the prompt has taken focus; none may be lost, none may reach the reader."""
    folder = build_project(tmp_path / "proj")
    with saywho_in_tmux(folder, "x") as tmux:
        tmux.wait_for("q 1/5")
        tmux.send_at_once("e", "Typed fast, all of it", "Enter")
        tmux.wait_for("saved: note on quote 1")
        tmux.send_at_once("S", "Xavier Quinn", "Enter")
        tmux.wait_for("Xavier Quinn (new here)")
        # a prefilled note is replaced, and a key after Enter is a command again, even one
        # that opens the prompt again before the first has closed
        tmux.send_at_once("e", "First try", "Enter", "e", "Second note", "Enter", "x")
        tmux.wait_for("saved: rejected quote 1")
        tmux.quit()
    layer = saved(folder)
    quote = layer.quotes["q1"]
    assert quote.note == "Second note"
    assert quote.status == "rejected"  # only the x after Enter reached the reader
    assert layer.speakers[quote.speaker_id or ""].name == "Xavier Quinn"


def test_a_search_typed_fast_in_the_library_is_a_search_not_commands(tmp_path: Path) -> None:
    """`/` then "quake" in one burst: the letters are the search's, not the list's bindings
    (the `q` quit the app while the search field was still taking the focus)."""
    folder = build_project(tmp_path / "proj", extra_docs=3)
    with saywho_in_tmux(folder, "x", width=80, height=24) as tmux:
        tmux.wait_for("4 of 4")
        tmux.send_at_once("/", "quake")
        tmux.wait_for("search: quake")
        assert tmux.alive(), "a letter of the search ran as a command"
        tmux.send("Escape")  # alone: Escape then "/" in one burst reads as Alt+/
        tmux.wait_for("4 of 4")
        tmux.send_at_once("/", "article 2", "Enter")
        tmux.wait_for("search: article 2")
        tmux.wait_for("1 of 4")


def test_a_fast_typist_s_keys_keep_their_order_in_prompts_pickers_and_help(
    tmp_path: Path,
) -> None:
    """Bursts a fast typist (or SSH) sends, each checked in the saved layer: End then a letter
    in a prefilled note appends (it replaced the note); arrows typed right after letters in
    the speaker picker move in the narrowed list (the list refilled under them); a key typed
    while help opens is not a command once help has closed; a paste lands where it was
    pasted among the keys."""
    folder = build_project(tmp_path / "proj")
    with saywho_in_tmux(folder, "x") as tmux:
        tmux.wait_for("q 1/5")
        tmux.send_at_once("e", "abcd", "Enter")
        tmux.wait_for("saved: note on quote 1")
        tmux.send_at_once("e", "End", "X", "Enter")
        tmux.wait_for("note: abcdX")
        tmux.send_at_once("?", "a", "Escape")
        tmux.wait_until(lambda screen: "Keys (Ctrl+P" not in screen)  # help came and went
        tmux.send_at_once("s", "e", "Down", "Down", "Enter")
        tmux.wait_for("saved: speaker of quote 1")
        tmux.send_at_once("e", "Home", "<")
        tmux.paste("PASTED")
        tmux.send_at_once(">", "Enter")
        tmux.wait_for("saved: note on quote 1")  # after "saved: speaker of quote 1"
        tmux.quit()
    layer = saved(folder)
    quote = layer.quotes["q1"]
    assert quote.note == "<PASTED>abcdX"
    # the `a` typed as help opened accepted nothing (the speaker picked by hand accepted it)
    with Project.open(folder, "x", read_only=True) as project:
        assert not [e for e in project.journal() if e.get("what") == "accepted q1"]
    assert quote.status == "accepted"
    # "e" names nobody: "+ new speaker", then Kenney and Jorge Field by spelling; two Downs
    # pick Jorge Field, as typed slowly (on the list before narrowing, Homan: nothing saved)
    assert layer.speaker_name(quote) == "Jorge Field"


def test_a_dialog_closes_once_and_a_search_left_by_tab_takes_no_more_letters(
    tmp_path: Path,
) -> None:
    """Enter twice on the label picker of a removal closed the scheme editor beneath it too;
    after Tab from the library's search to the list, the list's letters still went into the
    search (`d` marked nothing done)."""
    from annotations.store.statuses import read_statuses

    folder = build_project(tmp_path / "proj", extra_docs=3)
    with saywho_in_tmux(folder, "x") as tmux:
        tmux.wait_for("4 of 4")
        tmux.send_at_once("/", "article")
        tmux.wait_for("search: article")
        tmux.send("Tab")
        time.sleep(0.3)
        tmux.send_at_once("Down", "d")
        tmux.wait_until(lambda screen: "search: article" in screen and "article d" not in screen)
        tmux.send("Escape")
        tmux.send("Escape")
        tmux.wait_for("4 of 4")
        tmux.send("Enter")  # the first document in the list
        tmux.wait_for("q 1/")
        tmux.send("1")  # a stance: the label is in use
        tmux.wait_for("saved: stance of quote 1")
        tmux.send("K")
        tmux.wait_for("stance scheme")
        tmux.send("d")
        tmux.wait_for("Move them to:")
        tmux.send_at_once("Enter", "Enter")
        screen = tmux.wait_until(lambda screen: "Move them to:" not in screen)
        assert "stance scheme" in screen, screen
        tmux.send("q")
    statuses = read_statuses(folder, "x")
    assert [d for d, s in statuses.items() if s.status == "done"] == ["extra-2"]


def test_a_key_sent_with_a_click_acts_after_the_click_and_enter_on_a_list_opens_first(
    tmp_path: Path,
) -> None:
    """`a`, a click on the fourth quote's row and `x` in one burst (SSH sends input in
    bunches): x rejects the clicked quote, not the first one; in the library, `Enter a n a`
    opens the document, then accepts two quotes in it (the keys reached the library)."""
    folder = build_project(tmp_path / "proj")
    with saywho_in_tmux(folder, "x", width=80, height=24) as tmux:
        screen = tmux.wait_for("q 1/5").splitlines()
        row = next(i for i, line in enumerate(screen) if "Jorge Field" in line and "│" in line)
        col = screen[row].index("Jorge") + 1
        tmux.send("a")
        tmux.send_raw(f"\x1b[<0;{col};{row + 1}M\x1b[<0;{col};{row + 1}mx")
        tmux.wait_for("saved: rejected quote 4")
        tmux.quit()
    library = build_project(tmp_path / "lib", extra_docs=3)
    with saywho_in_tmux(library, "x", width=80, height=24) as tmux:
        tmux.wait_for("4 of 4")
        tmux.send_at_once("Enter", "a", "n", "a")
        tmux.wait_for("saved: accepted quote 2")
        tmux.send("q")
    assert [q.status for q in saved(folder).sorted_quotes()] == [
        "accepted", "suggested", "suggested", "rejected", "suggested"]
