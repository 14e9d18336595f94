"""Quote variables learn from the coder's own codes: code 20 quotes of a topic by keys (``i``,
the value, Enter), and the next quote's picker offers the learned value first, highlighted,
with its reason; Esc stores nothing, Enter stores it. Before the gate opens the picker says
why it suggests nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_helpers import settle

from annotations.model import SUGGESTIONS_LAYER, Document, Layer, Quote, Speaker
from annotations.session import Session
from tui.widgets.rowlist import RowList

DOC = "city"
ECONOMY = ("taxes", "wages", "jobs", "budget", "inflation", "prices", "growth", "employers",
           "rents", "pensions", "tariffs", "salaries")
CRIME = ("police", "arrests", "robbery", "officers", "violence", "courts", "prison",
         "shootings", "burglaries", "detectives", "gangs", "theft")
N = 24


def topic(i: int) -> str:
    return "economy" if i % 2 == 0 else "crime"


def _document() -> tuple[Document, Layer]:
    parts, spans = [], []
    pos = 0
    for i in range(N):
        words = ECONOMY if topic(i) == "economy" else CRIME
        said = f"{words[(i // 2) % 12]} and {words[(i // 2 + 5) % 12]} matter most, item {i}"
        sentence = f'"{said}," said Ann Lee. '
        spans.append((pos + 1, pos + 1 + len(said)))
        parts.append(sentence)
        pos += len(sentence)
    text = "".join(parts)
    quotes = {f"q{i}": Quote(f"q{i}", s, e, text[s:e], "direct", speaker_id="s1",
                             confidence={"span": 0.5}) for i, (s, e) in enumerate(spans)}
    return (Document(DOC, "City news", text),
            Layer(SUGGESTIONS_LAYER, quotes, {"s1": Speaker("s1", "Ann Lee")}))


@pytest.fixture
def coded_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "codes"
    with Session.open(folder, "tester", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as session:
        session.project.add_documents([_document()])
        session.define_attribute("topic", ["economy", "crime"], quote=True)
    return folder


def stored(folder: Path) -> dict[str, str | None]:
    with Session.open(folder, "tester", read_only=True) as session:
        layer = session.layer(DOC)
    return {qid: q.code("topic") for qid, q in layer.quotes.items()}


async def open_reader(pilot) -> None:  # noqa: ANN001
    if pilot.app.screen.__class__.__name__ != "ReaderScreen":
        await pilot.press("enter")
        await settle(pilot)
    assert pilot.app.screen.__class__.__name__ == "ReaderScreen"


async def learned(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.app.bridge.wait_learned()
    await pilot.pause()


def highlighted(pilot):  # noqa: ANN001, ANN201
    screen = pilot.app.screen
    return screen.shown[screen.query_one(RowList).index]


async def test_twenty_coded_quotes_suggest_the_next_ones_topic(coded_folder, run_app):
    async with run_app(coded_folder) as pilot:
        await open_reader(pilot)
        for i in range(20):
            assert pilot.app.screen.current_id == f"q{i}"
            await pilot.press("i")
            await pilot.pause()
            if i == 3:  # the gate is shut: the picker says why, and suggests nothing
                await learned(pilot)
                await pilot.press("escape", "i")
                await pilot.pause()
                hint = str(pilot.app.screen.query_one("#dialog-hint").render())
                assert "topic: no suggestion yet: 3 coded quotes" in hint, hint
                assert not any(c.reason for c in pilot.app.screen.shown)
            await pilot.press(topic(i)[0], "enter")  # "e": economy first, "c": crime
            await settle(pilot)
            await pilot.press("n")
        await learned(pilot)
        assert pilot.app.screen.current_id == "q20"
        await pilot.press("i")
        await pilot.pause()
        first = pilot.app.screen.shown[0]
        assert (first.attribute, first.value) == ("topic", topic(20))
        assert first.reason == "learned from 20 coded quotes"
        assert highlighted(pilot) is first
        row = pilot.app.screen.query_one(RowList)
        assert "suggested learned from 20 coded quotes" in str(row.rows[0])
        await pilot.press("escape")  # looked at, not taken: nothing stored
        await settle(pilot)
        assert stored(coded_folder)["q20"] is None
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")  # taken
        await settle(pilot)
    codes = stored(coded_folder)
    assert codes["q20"] == topic(20)
    assert all(codes[f"q{i}"] is None for i in range(21, N))  # never stored by itself


async def test_the_review_queues_filter_takes_a_topic_as_the_readers_does(coded_folder, run_app):
    from annotations.edits import SetQuoteCode

    with Session.open(coded_folder, "tester") as session:
        for i in (1, 3, 6):
            session.apply(SetQuoteCode(DOC, f"q{i}", "topic", topic(i)))
    async with run_app(coded_folder) as pilot:
        await pilot.press("v", "slash")
        await pilot.press(*"topic:", "space", *"crime", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.filter_text == "topic: crime"
        assert [qid for _, qid in screen.queue] == ["q1", "q3"]
        await pilot.press("slash", *(["backspace"] * 20), *"topic:none", "enter")
        await settle(pilot)
        assert len(list(pilot.app.screen.queue)) == N - 3


async def test_a_variable_whose_values_change_learns_anew(coded_folder, run_app):
    async with run_app(coded_folder) as pilot:
        await open_reader(pilot)
        await pilot.press("i", "escape")
        await learned(pilot)
        bridge = pilot.app.bridge
        assert [v.name for v in bridge._code_feeds] == ["topic"]
        bridge.change("codebook", lambda s: s.define_attribute(
            "topic", ["economy", "crime", "health"], quote=True))
        await settle(pilot)
        assert bridge._code_feeds == {}  # the two-value topic's learner is gone
        await pilot.press("i")
        await pilot.pause()
        assert [v.values for v in bridge._code_feeds] == [("economy", "crime", "health")]
