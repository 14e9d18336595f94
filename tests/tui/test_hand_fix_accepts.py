"""A quote fixed by hand is accepted: the reader shows it reviewed at once, the store holds it
accepted, and accept-and-next (`A`) then passes it without a second accept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pilot_helpers import notices, settle
from seedproject import ANNOTATOR, DOC_ID, open_project


async def test_a_stance_set_by_hand_accepts_and_A_passes_it(folder: Path,
                                                           run_app: Callable) -> None:
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        first = screen.current_id
        await pilot.press("1")  # the first label of the scheme
        await settle(pilot)
        assert screen.current is not None and screen.current.status == "accepted"
        await pilot.press("A")
        await settle(pilot)
        assert screen.current_id != first  # moved on
        assert not [n for n in notices(pilot.app) if "already" in n]  # no "already so"
    with open_project(folder, read_only=True) as session:
        quote = session.layer(DOC_ID, ANNOTATOR).quotes[first]
        assert quote.status == "accepted" and quote.stance
        accepts = [e for e in session.project.journal() if e.get("what") == f"accepted {first}"]
        assert not accepts  # accepted by the stance, not by a second edit
