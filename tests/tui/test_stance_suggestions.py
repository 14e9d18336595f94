"""Stance suggestions: label quotes by key, a worker refits, the other quotes get suggestions
(greyed and tentative with few labels), more labels change them, the same labels give the
same suggestions in every run."""

from __future__ import annotations

from pathlib import Path

from pilot_helpers import settle
from seedproject import DOC_ID

from annotations.stance.suggester import StanceSuggester, snapshot
from tui.widgets.quotes import QuoteList


def suggester(app):  # noqa: ANN001, ANN201
    return app.bridge.stance.model


async def wait_idle(app) -> None:  # noqa: ANN001
    await app.bridge.stance.wait_idle()


async def refitted(pilot) -> None:
    await settle(pilot)
    await wait_idle(pilot.app)
    await pilot.pause()


def suggested(pilot) -> dict[str, tuple[str, float, bool]]:
    found = suggester(pilot.app).current.by_quote
    return {qid: (s.label, round(s.confidence, 6), s.tentative) for (doc, qid), s in found.items()
            if doc == DOC_ID}


async def label_two(folder: Path, run_app) -> dict[str, tuple[str, float, bool]]:
    async with run_app(folder) as pilot:
        await refitted(pilot)
        assert suggested(pilot) == {}  # nothing from nothing
        await pilot.press("1", "n", "2")  # q1 support, q2 oppose
        await refitted(pilot)
        return suggested(pilot)


async def test_suggestions_appear_change_and_repeat(folder, run_app, tmp_path):
    from seedproject import build_project

    first = await label_two(folder, run_app)
    assert set(first) == {"q3", "q4", "q5"}
    assert all(tentative for _, _, tentative in first.values())  # 2 labels: a guess
    again = await label_two(build_project(tmp_path / "again"), run_app)
    assert again == first  # deterministic

    async with run_app(folder) as pilot:
        await refitted(pilot)
        assert suggested(pilot) == first  # refit at start from the saved labels
        screen = pilot.app.screen
        assert screen.current_id == "q2"  # it reopens where the last session stopped
        await pilot.press("n")  # q3
        row = screen.query_one(QuoteList).row(2)
        label = first["q3"][0]
        assert f"{label[:7]}?" in row.plain and "~." in row.plain
        assert "dim" in str(row.spans)
        assert "suggested stance" in screen.query_one("#detail").render().plain
        await pilot.press("g")  # take it
        await pilot.press("n", "2")  # q4 oppose
        await refitted(pilot)
        after = suggested(pilot)
        assert set(after) == {"q5"} and after["q5"] != first["q5"]
        assert suggester(pilot.app).fits >= 2


async def test_refit_runs_off_the_ui_thread(folder, run_app, monkeypatch):
    import time

    slow = StanceSuggester.compute

    def compute(self, snap, layer):  # noqa: ANN001, ANN202
        time.sleep(0.5)
        return slow(self, snap, layer)

    monkeypatch.setattr(StanceSuggester, "compute", compute)
    async with run_app(folder) as pilot:
        await refitted(pilot)
        await pilot.press("1", "n", "2")
        await settle(pilot)
        sugg = suggester(pilot.app)
        assert sugg.refits.running  # a refit is under way…
        await pilot.press("n", "n")  # …and keys are answered meanwhile
        assert pilot.app.screen.current_id == "q4" and sugg.refits.running
        await wait_idle(pilot.app)
        assert not sugg.refits.running and not sugg.refits.dirty
        assert set(suggested(pilot)) == {"q3", "q4", "q5"}


def test_compute_is_deterministic(folder):
    from seedproject import open_project

    with open_project(folder) as project:
        from annotations.edits import SetStance

        project.apply(SetStance(DOC_ID, "q1", "support"))
        project.apply(SetStance(DOC_ID, "q2", "oppose"))
        snap = snapshot(project.document_ids(), project.layer, project.scheme)
    assert len(snap.examples) == 2 and len(snap.items) == 3
    a = StanceSuggester().compute(snap, None)
    b = StanceSuggester().compute(snap, None)
    assert a.by_quote == b.by_quote and a.uncertainty == b.uncertainty


async def test_review_queue_by_stance_uncertainty(folder, run_app):
    from tui.screens.review import ReviewScreen

    async with run_app(folder) as pilot:
        await pilot.press("1", "n", "2")
        await refitted(pilot)
        unc = suggester(pilot.app).current.uncertainty
        await pilot.press("O")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen) and screen.order_by == "stance"
        ids = [qid for _, qid in screen.queue]
        assert not {"q1", "q2"} & set(ids)  # labelled by hand: accepted, out of the queue
        assert ids[:3] == sorted(ids[:3], key=lambda q: -unc[(DOC_ID, q)])
        assert screen.current_id == ids[0]


async def test_stance_order_reads_only_what_the_model_covers(tmp_path, run_app):
    """`O` puts the quotes the stance model has an uncertainty for first, and the rest of the
    queue after them, read when the queue reaches them (it read every layer of the corpus at
    once: seconds at 20,000 documents); the next `O`, after a refit, covers the others."""
    from seedproject import build_project, open_project

    from annotations.model import Layer, Quote
    from tui.screens.review import ReviewScreen

    folder = build_project(tmp_path / "p", extra_docs=2)
    text = 'Mayor Smith said "we will comply" on day {}.'
    with open_project(folder) as project:
        for i in (1, 2):
            at = text.index("we will")
            quote = Quote("q1", at, at + 14, "we will comply", "direct")
            project.put_layer(f"extra-{i}", Layer("suggestions", {"q1": quote}, {}),
                              replace=True)
    async with run_app(folder) as pilot:
        await pilot.press("enter")  # the library lists "ice" first
        await pilot.press("1", "n", "2")
        await refitted(pilot)
        unc = suggester(pilot.app).current.uncertainty  # the order `O` uses
        await pilot.press("O")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen) and screen.order_by == "stance"
        assert set(screen.queue.layers) == {DOC_ID}  # the others are not read yet
        ids = list(screen.queue)
        head = [k for k in ids if k in unc]
        assert ids[: len(head)] == sorted(head, key=lambda k: -unc[k]) and head
        assert {("extra-1", "q1"), ("extra-2", "q1")} <= set(ids[len(head):])
        await refitted(pilot)
        await pilot.press("O")
        await pilot.pause()
        assert {"extra-1", "extra-2"} <= set(screen.queue.layers)  # covered now
        unc = suggester(pilot.app).current.uncertainty
        assert ("extra-1", "q1") in unc
        ids = list(screen.queue)
        assert ("extra-1", "q1") in ids and (DOC_ID, "q1") not in ids  # labelled: reviewed
        # with the whole corpus ranked, `O` reads only the documents of the least sure
        # quotes at once (it read every covered layer again on the second `O`)
        import tui.screens.review as review

        review.HEAD_DOCUMENTS, was = 1, review.HEAD_DOCUMENTS
        try:
            await pilot.press("O")
            await pilot.pause()
        finally:
            review.HEAD_DOCUMENTS = was
        unc = suggester(pilot.app).current.uncertainty
        assert len(screen.queue.layers) == 1
        assert screen.queue.items[0] == max(unc, key=unc.__getitem__)
