"""Quote suggestions that learn from corrections, in the TUI (issue 14).

The researcher of ``tests.learn_corpus`` counts speech only (belief clauses are rejected) and
starts indirect quotes after "that". Three articles are corrected before the app starts; the
fourth is corrected with keys and marked done with ``d``: the refit runs off the UI thread,
the later articles' suggestions change in the store, the status bar says how many, and the
reader's info line marks a learned suggestion. The first fit imports scikit-learn (1-2 s on a
busy machine); the fit itself takes tens of milliseconds here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_helpers import settle

from annotations import team
from annotations.learn.project import LEARN_SETTING
from annotations.session import Session
from tests.learn_corpus import build, correct
from tui.app import SaywhoApp

FIRST = ("a0", "a1", "a2")


def _project(tmp_path: Path, *, consistent: bool = True) -> Path:
    folder = build(tmp_path / "p")
    with Session.open(folder, "tester") as session:
        for i in range(len(FIRST)):
            correct(session, i, consistent=consistent)
    return folder


def _status(app: SaywhoApp) -> str:
    """What the status bar says, whole (the bar cuts a long message to its width)."""
    bar = app.screen.query_one("#status")
    return f"{bar.state}: {bar.message} {bar.position}{bar.extra}"


def _detail(app: SaywhoApp) -> str:
    return str(app.screen.query_one("#detail").render())


async def _learned(app: SaywhoApp) -> None:
    await app.bridge.wait_idle()
    await app.bridge.quotes.wait_idle()


async def test_correcting_with_d_refits_and_changes_a_later_suggestion(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    session = Session.open(folder, "tester")
    before = session.layer("a5")
    assert any(q.text.startswith("that ") for q in before.quotes.values())
    app = SaywhoApp(session, open_doc="a3", live_interval=None)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            # a3 opens on its first quote: "that the city would build ..." (mayor)
            await pilot.press("right_square_bracket")  # start one word later: after "that"
            await pilot.press("n", "n", "x", "n", "x")  # skip the direct quote; reject beliefs
            await pilot.press("n", "right_square_bracket")  # Lou Park: after "that" too
            await settle(pilot)
            assert app.bridge.quotes.busy is False  # corrections alone: no refit yet
            await pilot.press("d")  # done: the refit runs
            await settle(pilot)
            await _learned(app)
            await pilot.pause()
            status = _status(app)
            assert "learned from 4 articles: 16 suggestions changed in 4 documents" in status
            after = session.layer("a5")  # the store, not the screen
            assert after != before
            assert not any(q.text.startswith("that ") for q in after.quotes.values())
            assert not any("costs too much" in q.text for q in after.quotes.values())
            assert session.layer("a3").quotes == app.screen.anno.quotes  # a3 kept as corrected
            app.open_reader("a5")
            await pilot.pause()
            await _learned(app)
            assert "learned" in _detail(app).split("·")[1]  # "✓ suggested · learned · ..."
            assert app.bridge.quotes.refit_seconds is not None
    finally:
        session.close()


async def test_gate_keeps_a_model_that_does_not_help_off(tmp_path: Path) -> None:
    folder = _project(tmp_path, consistent=False)
    session = Session.open(folder, "tester")
    before = session.layer("a6")
    app = SaywhoApp(session, open_doc="a3", live_interval=None)
    try:
        async with app.run_test(size=(200, 24)) as pilot:
            await pilot.pause()
            # a3 as the other odd articles: the speech rejected, the beliefs kept
            await pilot.press("x", "n", "x", "n", "n", "n", "x", "d")
            await settle(pilot)
            await _learned(app)
            await pilot.pause()
            status = _status(app)
            assert "quote suggestions: rules only: " in status, status
            assert session.layer("a6") == before  # nothing re-suggested
            # an edit in the done document refits to the same verdict: the status bar keeps
            # the edit's own word (the verdict said again wrote over it a moment later)
            await pilot.press("p", "a")
            await settle(pilot)
            await _learned(app)
            await pilot.pause()
            status = _status(app)
            assert "saved: accepted quote" in status and "rules only" not in status, status
            assert session.learning.detector() is None
            # another document marked done, the model still off for the same reason: not
            # said again either
            await pilot.press("L")
            await pilot.pause()
            await pilot.press("down", "enter")
            await pilot.pause()
            await pilot.press("d")
            await settle(pilot)
            await _learned(app)
            await pilot.pause()
            status = _status(app)
            assert "rules only" not in status, status
            await pilot.press("W")  # the model's status, said in full
            await pilot.pause()
            assert any("rules only" in n.message for n in app._notifications)
    finally:
        session.close()


async def test_a_refit_that_changed_nothing_is_no_notice(tmp_path: Path) -> None:
    """A refit that changed no suggestion and says the verdict last said (but for its counts)
    is not said: at 80 columns its notice covered the status bar and the info line after
    most keys in a reviewed document. An error still is."""
    folder = _project(tmp_path)
    session = Session.open(folder, "tester")
    app = SaywhoApp(session, open_doc="a3", live_interval=None)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.bridge.learned("quote suggestions: rules only: 4 corrected articles", quiet=True)
            await pilot.pause()
            assert not [n for n in app._notifications if n.title == "Quote suggestions"]
            app.bridge.learned("quote suggestions: the model could not be saved", error=True)
            await pilot.pause()
            assert [n for n in app._notifications if n.title == "Quote suggestions"]
    finally:
        session.close()


async def test_learn_now_and_switching_learning_off(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    with Session.open(folder, "tester") as s:
        correct(s, 3)
    session = Session.open(folder, "tester")
    app = SaywhoApp(session, open_doc="a6", live_interval=None)
    try:
        async with app.run_test(size=(120, 24)) as pilot:
            await pilot.pause()
            await pilot.press("Y")  # learn now
            await _learned(app)
            await pilot.pause()
            assert "learned from 4 articles" in _status(app)
            learned = session.layer("a6")
            assert any(q.origin.endswith("+project") for q in learned.quotes.values())
            await pilot.press("Z")  # learning off: the rules' suggestions come back
            await settle(pilot)
            await _learned(app)
            await pilot.pause()
            assert session.settings[LEARN_SETTING] is False
            assert not any(q.origin.endswith("+project")
                           for q in session.layer("a6").quotes.values())
            assert "from the rules again" in _status(app)
            assert team.document_status(session, "a6").status == team.NOT_STARTED
    finally:
        session.close()


async def test_refit_and_resuggest_read_only_the_corrected_and_planned_layers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """At corpus scale nothing may read every layer: the refit reads the corrected documents,
    the re-suggest the one on screen and ``RESUGGEST_AHEAD`` after it (2 here, of 4 left)."""
    import annotations.learn.project as learn_project

    monkeypatch.setattr(learn_project, "RESUGGEST_AHEAD", 2)
    folder = _project(tmp_path)
    seen = request.getfixturevalue("reads")  # spying from here on
    session = Session.open(folder, "tester")
    app = SaywhoApp(session, open_doc="a3", live_interval=None)
    try:
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.pause()
            await pilot.press("right_square_bracket", "n", "n", "x", "n", "x", "n",
                              "right_square_bracket")
            await settle(pilot)
            await app.workers.wait_for_complete()  # the stance model's first fit, if any
            seen.clear()
            await pilot.press("d")
            await settle(pilot)
            await _learned(app)
            await pilot.pause()
            assert "changed in 2 documents" in _status(app)
            assert set(seen) == {"a0", "a1", "a2", "a3", "a4", "a5"}  # not a6, a7
            before = session.layer("a6")  # (a read of its own)
            app.open_reader("a6")  # a document the refit left is re-suggested when opened
            await pilot.pause()
            await _learned(app)
            assert session.layer("a6") != before
    finally:
        session.close()


async def test_a_model_the_disk_refuses_is_a_status_bar_error(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    with Session.open(folder, "tester") as s:
        correct(s, 3)
    (folder / "learned").write_text("a file where the model folder goes")
    session = Session.open(folder, "tester")
    app = SaywhoApp(session, open_doc="a6", live_interval=None)
    try:
        async with app.run_test(size=(120, 24)) as pilot:
            await pilot.pause()
            await pilot.press("Y")
            await _learned(app)
            await pilot.pause()
            status = _status(app)
            assert "error: learned quote model: not saved" in status, status
            assert app.is_running  # no crash; the model is used all the same
            assert session.learning.model is not None and session.learning.model.trusted
    finally:
        session.close()


def test_a_verdict_is_the_same_whatever_its_counts() -> None:
    """One more corrected article changes the counts in a verdict's reason, not the
    verdict: said once (the quote model's notice came after most keys), a new reason or
    the model switched on is said."""
    from annotations.learn.types import LearnStatus
    from tui.quote_feed import verdict

    worse = "better overall but worse than the rules on {} of {} articles"
    assert verdict(LearnStatus(False, worse.format(2, 5), 5, 40)) == verdict(
        LearnStatus(False, worse.format(3, 6), 6, 51))
    assert verdict(LearnStatus(False, worse.format(2, 5), 5, 40)) != verdict(
        LearnStatus(False, "does not beat the rules yet", 5, 40))
    assert verdict(LearnStatus(True, "beats the rules on the corrected articles", 5, 40)) != \
        verdict(LearnStatus(False, "beats the rules on the corrected articles", 5, 40))
