"""A live project: what another process changes on disk shows in a running TUI within 2.5 s,
without a restart (imports, the scheme, another annotator's layer).

"Another process" is a second ``Session`` on the same folder for another annotator: it shares
nothing in memory with the app's session, so the app hears of its changes only from the disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pilot_helpers import settle, within
from seedproject import DOC_ID, build_project, saved_layer

from annotations.edits import AcceptQuote
from annotations.model import SUGGESTIONS_LAYER, Document, Layer
from annotations.session import Session


@contextmanager
def other_process(folder: Path, annotator: str = "bo") -> Iterator[Session]:
    """Another annotator's saywho on the same project."""
    session = Session.open(folder, annotator, detect=lambda t: Layer(SUGGESTIONS_LAYER))
    try:
        yield session
    finally:
        session.close()


def row_texts(screen: object) -> list[str]:
    from tui.widgets.rowlist import RowList

    rows = screen.query_one("#docs", RowList)  # type: ignore[attr-defined]
    return [r.plain for r in rows.rows if r is not None]  # type: ignore[attr-defined]


async def test_library_shows_a_document_imported_by_another_process(tmp_path, run_app):
    from tui.screens.library import LibraryScreen

    folder = build_project(tmp_path / "proj", extra_docs=1)
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        assert [s.doc_id for s in screen.stats] == [DOC_ID, "extra-1"]
        with other_process(folder) as other:
            other.import_documents([Document("late", "Imported elsewhere", "Late news.")])
        assert await within(pilot, lambda: "late" in [s.doc_id for s in screen.stats])
        assert any("Imported elsewhere" in row for row in row_texts(screen))


async def test_reader_rebinds_stance_keys_after_a_scheme_change_elsewhere(folder, run_app):
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        assert screen.doc_id == DOC_ID

        def bound() -> bool:
            found = screen._bindings.key_to_bindings.get("y", [])
            return any(b.id == "stance.sceptical" for b in found)

        assert not bound()
        with other_process(folder) as other:
            other.add_label("sceptical", "y")
        assert await within(pilot, bound)
        assert "sceptical" in pilot.app.bridge.scheme.names
        await pilot.press("y")  # the new key sets the new label on the current quote
        await settle(pilot)
    assert saved_layer(folder).quotes["q1"].stance == "sceptical"


async def test_open_layer_picker_lists_a_layer_written_elsewhere(folder, run_app):
    from tui.screens.layers import LayerPicker

    async with run_app(folder) as pilot:
        await pilot.press("l")
        picker = pilot.app.screen
        assert isinstance(picker, LayerPicker)
        assert [n for n, _ in picker.choices] == ["tester", "final"]
        with other_process(folder) as other:
            other.apply(AcceptQuote(DOC_ID, "q1"))  # bo's first edit: bo's layer appears
        assert await within(pilot, lambda: "bo" in [n for n, _ in picker.choices])
        await pilot.press("escape")
        await pilot.press("l")  # a picker opened afresh lists it too
        assert [n for n, _ in pilot.app.screen.choices] == ["tester", "bo", "final"]


async def test_adjudication_compares_a_layer_written_elsewhere(folder, run_app):
    from tui.screens.adjudicate import AdjudicateScreen

    async with run_app(folder) as pilot:
        await pilot.press("n", "a")  # tester accepts q2: tester's layer is stored
        await settle(pilot)
        await pilot.press("J")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, AdjudicateScreen)
        assert screen.names == ["tester"]
        with other_process(folder) as other:
            other.apply(AcceptQuote(DOC_ID, "q1"))
        assert await within(pilot, lambda: screen.names == ["tester", "bo"])
        assert set(screen.doc_layers) == {"tester", "bo"}


async def test_reader_follows_edits_elsewhere_of_the_layer_on_screen(folder, run_app):
    with other_process(folder) as other:
        other.apply(AcceptQuote(DOC_ID, "q1"))
    async with run_app(folder) as pilot:
        await pilot.press("l", "down", "enter")  # show bo's layer
        await pilot.pause()
        screen = pilot.app.screen
        assert pilot.app.bridge.active_layer == "bo"
        assert screen.anno.quotes["q3"].status == "suggested"
        with other_process(folder) as other:
            other.apply(AcceptQuote(DOC_ID, "q3"))
        assert await within(pilot, lambda: screen.anno.quotes["q3"].status == "accepted")


async def test_own_changes_are_not_reported_again(folder, run_app):
    from annotations.live import TeamProgressChanged

    heard: list[object] = []
    async with run_app(folder) as pilot:
        bridge = pilot.app.bridge
        bridge.session_events.subscribe(pilot.app, heard.append)
        assert bridge.watcher is not None
        await asyncio.to_thread(bridge.watcher.poll, DOC_ID)  # the document is in view
        await pilot.press("a")  # own edit: an event of the session, not of the watcher
        await settle(pilot)
        found = await asyncio.to_thread(bridge.watcher.poll, DOC_ID)
        assert found == []
        assert not any(isinstance(e, TeamProgressChanged) for e in heard)


async def test_the_speaker_picker_hears_of_speakers_made_elsewhere_in_a_shared_layer(
    tmp_path, run_app
):
    """Shown another annotator's layer, the picker's corpus speakers are read again once that
    annotator's process has written its journal: a speaker it made in a document this screen
    never looked at is offered (they were read once and kept)."""
    from annotations.edits import CreateSpeaker

    folder = build_project(tmp_path / "p", extra_docs=1)
    with other_process(folder) as other:
        other.apply(AcceptQuote(DOC_ID, "q1"))  # bo's layer is stored
    async with run_app(folder) as pilot:
        await pilot.press("enter")  # the library lists the seed article first
        await pilot.press("l", "down", "enter")  # show bo's layer
        await pilot.pause()
        bridge = pilot.app.bridge
        assert bridge.active_layer == "bo"
        assert "zed quill" not in bridge.speaker_registry()
        with other_process(folder) as other:
            other.apply(CreateSpeaker("extra-1", "Zed Quill"))
        assert await within(pilot, lambda: "zed quill" in bridge.speaker_registry())
