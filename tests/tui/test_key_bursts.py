"""Keys sent in one burst (a fast typist over SSH, a paste of commands) act as they would
typed slowly: each waits for what the keys before it started (``tui.key_order``). The keys
are posted to the app together, so none is handled before all are queued."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import running, settle, within
from seedproject import build_project, saved_layer


async def test_a_key_after_enter_on_a_list_waits_for_the_document_it_opens(
    tmp_path: Path, monkeypatch
) -> None:
    """Enter on the library's list opens a document through messages (row chosen, then open);
    `a` sent in the same burst must accept a quote in that document, however long those
    messages take: keys wait while they are on their way, not for a fixed moment only (here
    no moment at all)."""
    from textual.events import Key

    import tui.key_order as key_order
    from tui.screens.reader import ReaderScreen

    monkeypatch.setattr(key_order, "SETTLE_S", 0.0)
    folder = build_project(tmp_path / "proj", extra_docs=2)
    async with running(folder) as pilot:
        app = pilot.app
        for key in ("enter", "a"):  # one burst: both queued before either is handled
            app.post_message(Key(key, None if key == "enter" else key))
        assert await within(pilot, lambda: isinstance(app.screen, ReaderScreen))
        await settle(pilot)
        assert saved_layer(folder, app.screen.doc_id).quotes[app.screen.current_id].status == (
            "accepted")


async def test_keys_after_an_undo_act_where_the_undo_took_the_cursor(folder: Path) -> None:
    """`a n u x` in one burst: the undo takes the cursor back to quote 1 once it is saved
    (in a thread); x must reject quote 1 there, as it would typed slowly, not quote 2."""
    from textual.events import Key

    async with running(folder) as pilot:
        app = pilot.app
        assert app.screen.current_id == "q1"
        for key in "anux":  # one burst: all queued before any is handled
            app.post_message(Key(key, key))
        assert await within(pilot, lambda: saved_layer(folder).quotes["q1"].status == (
            "rejected"), 5.0)
        await settle(pilot)
        quotes = saved_layer(folder).quotes
        assert quotes["q2"].status == "suggested"
        assert app.screen.current_id == "q1"


async def test_escape_and_a_key_in_one_packet_are_both_acted_on(folder: Path) -> None:
    """Over SSH, Escape and the next key often arrive together, and the terminal parser reads
    them as Alt+key: Escape (clear the search) and n (next quote) were both lost."""
    from textual.events import Key

    async with running(folder) as pilot:
        reader = pilot.app.screen
        await pilot.press("slash", *"criminal", "enter")
        await pilot.pause()
        assert reader.finding is not None
        at = reader.current_id
        pilot.app.post_message(Key("alt+n", "n"))  # as the parser reads "\x1bn"
        await settle(pilot)
        assert reader.finding is None  # Escape cleared the search
        assert reader.current_id != at  # and n went to the next quote


async def test_an_alt_key_in_a_text_field_never_closes_it_and_commands_the_screen(
    folder: Path,
) -> None:
    """Typing a note, Alt+x (Option+x on a Mac sends ESC x) must not become Escape (closing
    the prompt) then x (rejecting the quote behind it)."""
    from textual.events import Key

    from tui.screens.prompts import TextPrompt

    async with running(folder) as pilot:
        app = pilot.app
        await pilot.press("e", *"caf")
        assert isinstance(app.screen, TextPrompt)
        app.post_message(Key("alt+x", "x"))
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)  # still open
    assert saved_layer(folder).quotes["q1"].status == "suggested"


def test_pointer_moves_and_typed_keys_are_not_what_a_click_started() -> None:
    """Keys after a click wait while a message it started is on its way; a mouse moved after
    the click kept the app's queue busy and held the keys for seconds."""
    from types import SimpleNamespace

    from textual._queue import Queue
    from textual.events import Key, MouseMove
    from textual.message import Message

    from tui.key_order import _busy

    def pump(*queued: object) -> object:  # a widget's queue, as Textual keeps it
        queue: Queue[object] = Queue()
        for message in queued:
            queue.put_nowait(message)
        return SimpleNamespace(_pending_message=None, _message_queue=queue)

    move = MouseMove(None, 1, 1, 0, 0, 0, False, False, False)
    assert not _busy(pump())  # type: ignore[arg-type]
    assert not _busy(pump(move, Key("a", "a"), move))  # type: ignore[arg-type]
    assert _busy(pump(move, Message()))  # type: ignore[arg-type]
