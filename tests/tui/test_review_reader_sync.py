"""Edits made in a screen on top show in the screens underneath once they are back on top."""

from __future__ import annotations

from pilot_helpers import settle
from seedproject import saved_layer


async def test_review_shows_edits_made_in_the_reader_it_opened(folder, run_app):
    from tui.screens.review import ReviewScreen

    async with run_app(folder, size=(80, 24)) as pilot:
        await pilot.press("v")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        qid = review.current_id
        await pilot.press("o", "x")  # open the reader, reject there
        await settle(pilot)
        await pilot.press("escape")  # back to the queue
        await settle(pilot)
        assert pilot.app.screen is review
        assert saved_layer(folder).quotes[qid].status == "rejected"
        shown = {q.id: q.status for q in review.quotes}
        assert shown[qid] == "rejected"
        assert "rejected" in str(review.query_one("#detail")._content)


async def test_review_head_shows_the_filter_at_80_columns(folder, run_app):
    async with run_app(folder, size=(80, 24)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        label = pilot.app.screen.query_one("#review-label")
        text = str(label.content)
        assert "filter: status:suggested" in text
        assert label.content_region.width >= len(text)
