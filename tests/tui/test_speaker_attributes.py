"""Coding a speaker's attributes by keys (``i``): the value lands in the coder's layer on disk,
undo takes it back, and the statistics count it."""

from __future__ import annotations

import pytest
from pilot_helpers import settle
from seedproject import saved_layer


async def test_i_codes_the_current_quotes_speaker_and_undo_clears_it(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("n", "i")  # q2: Kenney
        await pilot.press(*"male", "enter")  # "male", not the "female" that holds it
        await settle(pilot)
        assert saved_layer(folder).speakers["s1"].attribute("gender") == "male"
        await pilot.press("u")
        await settle(pilot)
    assert saved_layer(folder).speakers["s1"].attributes == ()


async def test_enter_alone_on_a_coded_speaker_changes_nothing(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("i", *"other", "enter")  # q1: Homan
        await settle(pilot)
        await pilot.press("i", "enter")  # highlight on the value coded now: nothing changes
        await settle(pilot)
    assert saved_layer(folder).speakers["s3"].attribute("gender") == "other"


async def test_clear_row_uncodes(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("i", *"unclear", "enter")
        await settle(pilot)
        await pilot.press("i", *"clear", "enter")  # "clear" before the "unclear" holding it
        await settle(pilot)
    assert saved_layer(folder).speakers["s3"].attribute("gender") is None


async def test_the_stats_screen_shows_the_coded_share(folder, run_app):
    from pilot_helpers import stats_screen

    async with run_app(folder) as pilot:
        await pilot.press("n", "i", *"female", "enter")  # q2 and q3: Kenney's
        await settle(pilot)
        screen = await stats_screen(pilot)
        chart = screen.charts["attributes"].plain
    assert "gender: 2 quotes coded, 3 not" in chart
    assert "female 100%" in chart


async def test_a_stance_label_keyed_i_before_i_was_bound_keeps_its_key(folder, run_app):
    """A project whose scheme gave a label the key ``i`` before ``i`` coded speakers: the
    key the researcher chose still sets that stance (the palette still reaches coding)."""
    from seedproject import open_project

    with open_project(folder) as session:
        session.add_label("mixed", "i")
    async with run_app(folder) as pilot:
        await pilot.press("i")
        await settle(pilot)
    assert saved_layer(folder).quotes["q1"].stance == "mixed"


@pytest.mark.parametrize("name", ["Kenney", "Mayor Jim Kenney"])
async def test_a_speaker_coded_in_another_document_is_suggested_so_enter_takes_it(
        folder, run_app, name):
    """Kenney coded male in the first article: in a second one naming him uncoded, i offers
    male first (the statistics already count him so), and Enter codes it there too; so too
    for "Mayor Jim Kenney", the corpus's one Kenney with a full name (the surname rule)."""
    from pilot_helpers import within
    from seedproject import open_project

    from annotations.model import SUGGESTIONS_LAYER, Document, Layer, Mention, Quote, Speaker

    text = f'{name} said "we will not comply" on Monday.'
    start, said = text.index("we will"), Mention(0, len(name), name)
    with open_project(folder) as session:
        session.import_documents([Document("second", "Second article", text)])
        session.put_layer("second", Layer(SUGGESTIONS_LAYER, {"q1": Quote(
            "q1", start, start + 19, text[start:start + 19], speaker_id="k",
            speaker_mention=said)}, {"k": Speaker("k", name, "person", (), (said,))}),
            replace=True)
    async with run_app(folder) as pilot:
        await pilot.press("enter")  # two documents: the app opens on the library
        await within(pilot, lambda: getattr(pilot.app.screen, "doc_id", "") == "ice")
        await pilot.press("n", "i", *"male", "enter")  # Kenney in the seed article
        await settle(pilot)
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("down", "enter")
        await within(pilot, lambda: getattr(pilot.app.screen, "doc_id", "") == "second")
        await pilot.press("i")
        await pilot.pause()
        rows = [c.label + " " + c.reason for c in pilot.app.screen.shown]
        assert rows[0] == "gender: male coded so in 1 other document(s)"
        await pilot.press("enter")
        await settle(pilot)
    assert saved_layer(folder, "second").speakers["k"].attribute("gender") == "male"


async def test_i_codes_a_quote_variable_and_the_speaker_from_one_picker(folder, run_app):
    """With a quote variable defined, i lists the quote's values first, then the speaker's;
    each choice lands on its own record, and the detail line shows the quote's code."""
    from seedproject import open_project

    with open_project(folder) as session:
        session.define_attribute("topic", ["economy", "crime"], quote=True)
    async with run_app(folder) as pilot:
        await pilot.press("i")  # q1: Homan
        await pilot.pause()
        labels = [c.label for c in pilot.app.screen.shown]
        assert labels[:2] == ["topic: economy", "topic: crime"]
        assert "gender: female" in labels
        await pilot.press(*"crime", "enter")
        await settle(pilot)
        assert "topic crime" in pilot.app.screen.query_one("#detail").render().plain
        await pilot.press("i", *"other", "enter")
        await settle(pilot)
    layer = saved_layer(folder)
    assert layer.quotes["q1"].codes == (("topic", "crime"),)
    assert layer.speakers["s3"].attribute("gender") == "other"


async def test_a_codebook_entry_that_does_not_read_is_said_at_start(folder, run_app):
    """A quote variable given a tenth value by hand in saywho.json is left out of the picker,
    the statistics and the exports: the reader says so when it opens, as the commands do."""
    from pilot_helpers import notices
    from seedproject import open_project

    with open_project(folder) as session:
        session.set_setting("quote_variables", [
            {"name": "topic", "values": [f"t{i}" for i in range(10)]}])
    async with run_app(folder) as pilot:
        await pilot.pause()
        said = notices(pilot.app)
    assert any("1 entry of the project's quote_variables setting" in n for n in said), said


def test_one_coded_quote_is_said_in_the_singular() -> None:
    from tui.screens.stats import variable_charts

    chart = variable_charts({"topic": {"quotes": {"crime": 1, "(not coded)": 11}}}, 40).plain
    assert "topic: 1 quote coded, 11 not" in chart

