"""A document's own stance target and the annotator's comment on it: set by key in the reader,
read back from the store, shown on screen, carried by the exports."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from pilot_helpers import settle
from seedproject import ANNOTATOR, DOC_ID, open_project

from annotations import team
from annotations.formats.exporters import export
from tui.widgets.stance import StancePanel


async def type_and_submit(pilot: object, text: str) -> None:
    await pilot.press("ctrl+a", "ctrl+k")  # type: ignore[attr-defined]
    for ch in text:
        await pilot.press(ch if ch != " " else "space")  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_a_document_target_and_a_comment(folder: Path, run_app: Callable,
                                               tmp_path: Path) -> None:
    async with run_app(folder) as pilot:
        await pilot.press("I")
        await pilot.pause()
        await type_and_submit(pilot, "the raids")
        await pilot.press("C")
        await pilot.pause()
        await type_and_submit(pilot, "paywall cut")
        await settle(pilot)
        panel = pilot.app.screen.query_one(StancePanel)
        assert str(panel.border_subtitle) == "the raids"
        assert "✎ paywall cut" in pilot.app.sub_title
        # the mark leads the header: at 80 columns the comment at its end is cut off
        assert pilot.app.sub_title.startswith("✎ ")
    with open_project(folder, read_only=True) as session:
        assert session.stance_target(DOC_ID) == "the raids"
        assert session.scheme.target != "the raids"  # the project's stays
        assert team.document_comment(session, DOC_ID) == "paywall cut"
        assert session.info(DOC_ID).target == "the raids"
        items = [(session.document(DOC_ID), session.layer(DOC_ID))]
        export("jsonl", items, tmp_path / "o.jsonl", stance_target=session.scheme.target)
        export("csv", items, tmp_path / "o.csv", stance_target=session.scheme.target)
    [line] = (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["stance_target"] == "the raids"
    rows = list(csv.DictReader((tmp_path / "o.csv").open(encoding="utf-8")))
    assert rows and {r["stance_target"] for r in rows} == {"the raids"}
    # an empty target gives the document the project's target back; an empty comment goes
    async with run_app(folder) as pilot:
        assert "✎ paywall cut" in pilot.app.sub_title  # read again on opening
        await pilot.press("I")
        await pilot.pause()
        await type_and_submit(pilot, "")
        await pilot.press("C")
        await pilot.pause()
        await type_and_submit(pilot, "")
        await settle(pilot)
        assert "✎" not in pilot.app.sub_title
    with open_project(folder, read_only=True) as session:
        assert session.stance_target(DOC_ID) == session.scheme.target
        assert team.document_comment(session, DOC_ID) == ""
        assert session.annotator == ANNOTATOR


async def test_u_takes_back_the_done_mark_and_the_target_in_order(folder: Path,
                                                                   run_app: Callable) -> None:
    """``I``, ``a``, ``d`` then ``u`` three times: the done mark, the accept, the target go back
    in the reverse order they were made (the store says so, and the screen shows it); ``U``
    brings the target back."""
    with open_project(folder, read_only=True) as session:
        project_target = session.stance_target(DOC_ID)
        quote_id = min(session.layer(DOC_ID).quotes.values(), key=lambda q: q.start).id
    async with run_app(folder) as pilot:
        await pilot.press("I")
        await pilot.pause()
        await type_and_submit(pilot, "the raids")
        await settle(pilot)
        pilot.app.screen.select_quote(quote_id)
        await pilot.press("a", "d")
        await settle(pilot)
        with open_project(folder, read_only=True) as session:
            assert team.document_status(session, DOC_ID).status == team.DONE
        await pilot.press("u")
        await settle(pilot)
        with open_project(folder, read_only=True) as session:
            assert team.document_status(session, DOC_ID).status == team.IN_PROGRESS
            assert session.layer(DOC_ID, ANNOTATOR).quotes[quote_id].status == "accepted"
        assert pilot.app.screen.doc_status == team.IN_PROGRESS  # the status bar drops "done ✓"
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        panel = pilot.app.screen.query_one(StancePanel)
        assert str(panel.border_subtitle) == project_target
        with open_project(folder, read_only=True) as session:
            assert session.stance_target(DOC_ID) == project_target
            assert session.layer(DOC_ID, ANNOTATOR).quotes[quote_id].status == "suggested"
        await pilot.press("U")
        await settle(pilot)
        assert str(panel.border_subtitle) == "the raids"
    with open_project(folder, read_only=True) as session:
        assert session.stance_target(DOC_ID) == "the raids"


async def test_a_refused_target_undo_shows_the_teammate_s_target(folder: Path,
                                                                   run_app: Callable) -> None:
    """``I`` sets a target, a teammate sets another, ``u`` is refused (theirs stays): the stance
    panel shows theirs, not the target this session set."""
    from annotations.model import SUGGESTIONS_LAYER, Layer
    from annotations.session import Session

    async with run_app(folder) as pilot:
        await pilot.press("I")
        await pilot.pause()
        await type_and_submit(pilot, "the raids")
        await settle(pilot)
        with Session.open(folder, "ben", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as ben:
            ben.set_document_target(DOC_ID, "the ferry")
        await pilot.press("u")
        await settle(pilot)
        panel = pilot.app.screen.query_one(StancePanel)
        assert str(panel.border_subtitle) == "the ferry"
    with open_project(folder, read_only=True) as session:
        assert session.stance_target(DOC_ID) == "the ferry"
