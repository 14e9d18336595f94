"""Every correction, driven by keys, checked on disk after the keys (a fresh read-only open)."""

from __future__ import annotations

import pytest
from pilot_helpers import settle
from seedproject import saved_layer, seed_text
from textual.widgets import Input

from annotations import textnav


async def test_accept(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert "saved" in str(pilot.app.bridge.save_state)
    assert saved_layer(folder).quotes["q1"].status == "accepted"


async def test_reject(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("n", "x")
    assert saved_layer(folder).quotes["q2"].status == "rejected"


async def test_reset(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("a")
        await settle(pilot)
        assert saved_layer(folder).quotes["q1"].status == "accepted"
        await pilot.press("r")
    assert saved_layer(folder).quotes["q1"].status == "suggested"


async def test_stance_keys(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("2", "n", "1", "n", "0")
    quotes = saved_layer(folder).quotes
    assert quotes["q1"].stance == "oppose"
    assert quotes["q2"].stance == "support"
    assert quotes["q3"].stance is None


async def test_type_cycles(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("t")  # q1 indirect -> mixed
        await pilot.press("n", "t")  # q2 direct -> indirect
    quotes = saved_layer(folder).quotes
    assert quotes["q1"].type == "mixed"
    assert quotes["q2"].type == "indirect"


async def test_speaker_picker_reassigns(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("s")
        await pilot.press(*"kenney")
        await pilot.press("enter")
    assert saved_layer(folder).quotes["q1"].speaker_id == "s1"


async def test_speaker_picker_creates_new(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("s")
        await pilot.press(*"Zyx Qwv")
        await pilot.press("enter")
    layer = saved_layer(folder)
    sid = layer.quotes["q1"].speaker_id
    assert sid not in {"s1", "s2", "s3", "s4"}
    assert layer.speakers[sid].name == "Zyx Qwv"


async def test_new_speaker_prompt(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("S")
        await pilot.press(*"Thomas Homan")
        await pilot.press("enter")
    layer = saved_layer(folder)
    assert layer.speaker_name(layer.quotes["q1"]) == "Thomas Homan"


async def test_rename_speaker(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("n", "R")  # q2: Kenney
        pilot.app.screen.query_one(Input).value = "Jim Kenney"
        await pilot.press("enter")
    speaker = saved_layer(folder).speakers["s1"]
    assert speaker.name == "Jim Kenney"
    assert "Kenney" in speaker.aliases


async def test_merge_speaker(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("M")  # q1's speaker Homan ...
        await pilot.press(*"kenney")  # ... into Kenney
        await pilot.press("enter")
    layer = saved_layer(folder)
    assert "s3" not in layer.speakers
    assert layer.quotes["q1"].speaker_id == "s1"
    assert "Homan" in layer.speakers["s1"].aliases


SPAN_KEYS = [
    ("left_square_bracket", "start", "word", True),
    ("right_square_bracket", "start", "word", False),
    ("minus", "end", "word", False),
    ("equals_sign", "end", "word", True),
    ("left_curly_bracket", "start", "sentence", True),
    ("right_curly_bracket", "start", "sentence", False),
    ("underscore", "end", "sentence", False),
    ("plus", "end", "sentence", True),
]


@pytest.mark.parametrize(("key", "edge", "unit", "grow"), SPAN_KEYS)
async def test_span_moves(folder, run_app, key, edge, unit, grow):
    text = seed_text()
    before = saved_layer(folder).quotes["q3"]
    keys = ["n", "n", key]
    span = (before.start, before.end)
    if unit == "sentence" and not grow:  # q3 is one sentence: grow first, then shrink back
        grow_key = {"start": "left_curly_bracket", "end": "plus"}[edge]
        keys[2:2] = [grow_key, grow_key]
        span = textnav.move_edge(text, *span, edge, unit, True)
        span = textnav.move_edge(text, *span, edge, unit, True)
    expected = textnav.move_edge(text, *span, edge, unit, grow)
    assert expected != span
    async with run_app(folder) as pilot:
        await pilot.press(*keys)
    after = saved_layer(folder).quotes["q3"]
    assert (after.start, after.end) == expected
    assert after.text == text[after.start : after.end]


async def test_new_quote_from_keyboard_selection(folder, run_app):
    text = seed_text()
    q1 = saved_layer(folder).quotes["q1"]
    start = textnav.next_word_start(text, q1.end)
    end = start
    for _ in range(3):
        end = textnav.next_word_end(text, end)
    async with run_app(folder) as pilot:
        await pilot.press("m", "w", "w", "w", "m")
    layer = saved_layer(folder)
    new = [q for q in layer.quotes.values() if q.id not in {"q1", "q2", "q3", "q4", "q5"}]
    assert len(new) == 1
    assert (new[0].start, new[0].end) == (start, end)
    assert new[0].status == "accepted"


async def test_new_quote_from_mouse_selection(folder, run_app):
    from tui.widgets.article import ArticleView

    async with run_app(folder) as pilot:
        article = pilot.app.screen.query_one(ArticleView)
        await pilot.mouse_down(article, offset=(2, 0))
        await pilot.hover(article, offset=(12, 0))
        await pilot.mouse_up(article, offset=(12, 0))
        await pilot.pause()
        assert (article.mark, article.caret) == (1, 11)  # the padding column is not text
        await pilot.press("m")
    new = saved_layer(folder).quotes["q6"]
    assert (new.start, new.end) == (1, 11)
    assert new.text == seed_text()[1:11]


async def test_delete(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("D")
    assert "q1" not in saved_layer(folder).quotes


async def test_note(folder, run_app):
    async with run_app(folder) as pilot:
        await pilot.press("e")
        await pilot.press(*"check source")
        await pilot.press("enter")
    assert saved_layer(folder).quotes["q1"].note == "check source"


async def test_speaker_picker_offers_corpus_speakers(tmp_path, run_app):
    from seedproject import build_project, open_project

    from annotations.model import Layer, Speaker

    folder = build_project(tmp_path / "p", extra_docs=1)
    with open_project(folder) as project:
        smith = {"s9": Speaker("s9", "Mayor Smith")}
        project.put_layer("extra-1", Layer("suggestions", {}, smith), replace=True)
    async with run_app(folder) as pilot:
        await pilot.press("enter")  # the library lists "ice" first
        await pilot.press("s", *"smith", "enter")
    layer = saved_layer(folder)
    assert layer.quotes["q1"].speaker_id == "s9"
    assert layer.speakers["s9"].name == "Mayor Smith"


async def test_caret_shows_before_the_selection_starts(folder, run_app):
    """`w` moves the caret before `m`: it must be drawn, or the key seems to do nothing."""
    from tui.widgets.article import CARET

    async with run_app(folder) as pilot:
        await pilot.press("w")
        article = pilot.app.screen.article
        caret = article.caret
        assert caret is not None and article.mark is None
        line = next(i for i, ln in enumerate(article._lines) if ln.start <= caret <= ln.end)
        strip = article._render_text_line(line, 60)
        assert any(seg.style and seg.style.reverse and seg.style.underline for seg in strip)
        assert CARET.underline


async def test_corpus_speaker_whose_id_is_taken_here(tmp_path, run_app):
    """Speaker ids are per document: another article's `s1` is not this one's `s1`."""
    from seedproject import build_project, open_project

    from annotations.model import Layer, Speaker

    folder = build_project(tmp_path / "p", extra_docs=1)
    with open_project(folder) as project:  # ice's s1 is Kenney
        smith = {"s1": Speaker("s1", "Mayor Smith")}
        project.put_layer("extra-1", Layer("suggestions", {}, smith), replace=True)
    async with run_app(folder) as pilot:
        await pilot.press("enter")  # the library lists "ice" first
        await pilot.press("s", *"smith", "enter")
    layer = saved_layer(folder)
    sid = layer.quotes["q1"].speaker_id
    assert layer.speakers[sid].name == "Mayor Smith"
    assert layer.speakers["s1"].name == "Kenney"
