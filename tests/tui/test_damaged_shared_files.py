"""A damaged shared file the library reads (``assignments.json``) is moved aside and said in
the banner like any damaged file: the TUI had moved it aside in silence, so an annotator's
assignments vanished with no word (only the CLI's ``progress`` warned)."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import running
from seedproject import build_project

from annotations.store.assignments import ASSIGNMENTS_NAME
from tui.widgets.status import Banner


async def test_a_damaged_assignments_file_is_said_in_the_library_banner(tmp_path: Path) -> None:
    folder = build_project(tmp_path / "p", extra_docs=2)
    (folder / ASSIGNMENTS_NAME).write_bytes(b'{"schema": 1, "assignments": {"d0": [')
    async with running(folder, size=(120, 30)) as pilot:
        await pilot.pause()
        shown = " ".join(str(b.render()) for b in pilot.app.screen.query(Banner))
        assert "assignments.json" in shown and "moved aside" in shown
    assert list(folder.glob(f"{ASSIGNMENTS_NAME}.damaged-*"))


async def test_a_layer_file_turned_into_a_folder_under_an_edit_is_said_not_a_crash(
    tmp_path: Path,
) -> None:
    """Another process replaced the annotator's layer file with a folder; the next edit fails,
    and re-reading the layer to show what is on disk raised in the UI thread: the app died
    with a traceback. It now says why, once, and keeps running."""
    import shutil

    from pilot_helpers import notices, settle
    from seedproject import ANNOTATOR, DOC_ID

    from tui.screens.reader import ReaderScreen

    folder = build_project(tmp_path / "p")
    async with running(folder, size=(120, 30)) as pilot:
        await pilot.press("a")  # the annotator's own layer file now exists
        await settle(pilot)
        own = folder / "annotations" / DOC_ID / f"{ANNOTATOR}.json"
        assert own.is_file()
        own.rename(tmp_path / "aside.json")
        own.mkdir()
        await pilot.press("n", "a")
        await settle(pilot)
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReaderScreen)  # still running
        said = " ".join(notices(pilot.app))
        assert "is a directory" in said.lower() and "move it out of the way" in said
        shutil.rmtree(own)
        (tmp_path / "aside.json").rename(own)


async def test_a_status_the_system_refuses_to_write_is_said_in_words(
    tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    """``d`` on a project whose status folder the system refuses showed the raw exception
    ("PermissionError: [Errno 13] …"); a refused write reads like any unsaved change."""
    from pilot_helpers import settle

    from annotations.store import statuses

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    folder = build_project(tmp_path / "p")
    async with running(folder, size=(120, 30)) as pilot:
        monkeypatch.setattr(statuses, "atomic_write_bytes", refuse)
        await pilot.press("d")
        await settle(pilot)
        state = pilot.app.bridge.save_state
        assert state.state == "error"
        assert "not saved (Permission denied)" in state.message
        assert "PermissionError" not in state.message


async def test_more_warnings_than_the_banner_holds_are_counted_not_hidden(tmp_path: Path) -> None:
    """Four damage warnings: the band (a few lines high) showed the first two and hid the
    rest, so a layer moved aside went unsaid. It shows two and says how many more there are."""
    folder = build_project(tmp_path / "p", extra_docs=3)
    (folder / ASSIGNMENTS_NAME).write_bytes(b'{"schema": 1, "assignments": {"d0": [')
    async with running(folder, size=(120, 30)) as pilot:
        await pilot.pause()
        folder_state = pilot.app.session.project._folder  # noqa: SLF001 - as a later read notes
        for n in range(3):
            folder_state.note_damage(f"layer of document extra-{n + 1} moved aside ({n})")
        pilot.app.screen.refresh_banner()
        await pilot.pause()
        assert len(pilot.app.session.damaged) == 4
        [banner] = pilot.app.screen.query(Banner)
        shown = str(banner.render())
        assert "assignments.json" in shown and "extra-1" in shown and "extra-2" not in shown
        assert "and 2 more warnings (saywho stats prints them all)" in shown
        assert shown.count("\n") + 1 <= banner.size.height  # every line it holds is on screen
