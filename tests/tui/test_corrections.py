"""Every correction, driven by keys, checked on disk after the keys (a fresh read-only open)."""

from __future__ import annotations

import pytest
from pilot_helpers import settle
from seedproject import fixed_layer, saved_layer, seed_text
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


async def test_a_speaker_left_without_quotes_leaves_the_panel(folder, run_app):
    from tui.widgets.speakers import SpeakerList

    async with run_app(folder) as pilot:
        speakers = pilot.app.screen.query_one(SpeakerList)
        assert "s3" in speakers.ids  # Homan, speaker of q1 only
        await pilot.press("s")
        await pilot.press(*"kenney")
        await pilot.press("enter")
        await settle(pilot)
        assert "s3" not in speakers.ids and "1 unquoted" in str(speakers.border_subtitle)
    assert "s3" in saved_layer(folder).speakers  # still in the layer, and in the picker


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
    ("plus", "end", "sentence", True),
    ("comma", "start", "char", True),
    ("full_stop", "start", "char", False),
    ("less_than_sign", "end", "char", False),
    ("greater_than_sign", "end", "char", True),
]


def _span_case(edge: str, unit: str, grow: bool) -> tuple[int, list[str], tuple[int, int]]:
    """The first quote (its position) whose edge can make this move without running into
    another quote, the keys before the move, and the span the move must give."""
    text = seed_text()
    quotes = fixed_layer(text).sorted_quotes()
    for i, quote in enumerate(quotes):
        span, keys = (quote.start, quote.end), []
        expected = textnav.move_edge(text, *span, edge, unit, grow)
        clear = all(o.end <= min(expected[0], span[0]) or max(expected[1], span[1]) <= o.start
                    for o in quotes if o.id != quote.id)
        if expected != span and clear:
            return i, keys, expected
    raise AssertionError("no quote of the seed article can make this move")


@pytest.mark.parametrize(("key", "edge", "unit", "grow"), SPAN_KEYS)
async def test_span_moves(folder, run_app, key, edge, unit, grow):
    text = seed_text()
    index, keys, expected = _span_case(edge, unit, grow)
    qid = fixed_layer(text).sorted_quotes()[index].id
    async with run_app(folder) as pilot:
        await pilot.press(*(["n"] * index), *keys, key)
    after = saved_layer(folder).quotes[qid]
    assert (after.start, after.end) == expected
    assert after.text == text[after.start : after.end]


@pytest.mark.parametrize(("key", "edge"), [("right_curly_bracket", "start"),
                                           ("underscore", "end")])
async def test_span_shrinks_by_a_sentence(tmp_path, run_app, key, edge):
    """A quote of three sentences in one paragraph loses its first or last sentence."""
    from seedproject import build_project, open_project

    from annotations.model import SUGGESTIONS_LAYER, Layer, Quote

    text = 'Intro line.\n\nShe said: "One thing. Two things. Three things." Done.\n'
    folder = build_project(tmp_path / "p", text=text)
    start = text.index("One")
    end = text.index(' Done') - 1
    quote = Quote("q1", start, end, text[start:end], "direct")
    with open_project(folder) as session:
        session.put_layer("ice", Layer(SUGGESTIONS_LAYER, {"q1": quote}), replace=True)
    expected = textnav.move_edge(text, start, end, edge, "sentence", False)
    assert expected != (start, end)
    async with run_app(folder) as pilot:
        await pilot.press(key)
    after = saved_layer(folder).quotes["q1"]
    assert (after.start, after.end) == expected
    assert after.text in ("Two things. Three things.", "One thing. Two things.")


async def test_span_moves_stop_at_punctuation_paragraphs_and_other_quotes(folder, run_app):
    """`=` reaches the full stop of "D.C."; no move crosses a paragraph break or runs into the
    next quote (saywho 0.1 saved a span running into the next paragraph's quote)."""
    text = seed_text()
    end = text.index("Washington, D.C") + len("Washington, D.C")
    start = text.rindex("450 people", 0, end)
    assert textnav.move_edge(text, start, end, "end", "word", True) == (start, end + 1)
    para_end = textnav.paragraph_at(text, start)[1]
    assert para_end == end + 1
    assert textnav.move_edge(text, start, end + 1, "end", "word", True) == (start, end + 1)
    assert textnav.move_edge(text, start, end + 1, "end", "sentence", True) == (start, end + 1)
    q2 = fixed_layer(text).quotes["q2"]
    assert textnav.move_edge(text, q2.start, q2.end, "start", "word", True)[0] >= \
        textnav.paragraph_at(text, q2.start)[0]
    async with run_app(folder) as pilot:
        await pilot.press("n", "n")  # q3: its start grown by a sentence would run into q2
        before = pilot.app.screen.current
        await pilot.press("left_curly_bracket")
        await settle(pilot)
        assert pilot.app.screen.current == before
    assert saved_layer(folder).quotes["q3"].start == before.start


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


async def test_a_new_speaker_is_offered_in_the_next_document_without_a_rebuild(
    tmp_path, run_app, monkeypatch
):
    """The picker's corpus speakers are read once; a speaker made in one document is offered
    in the next through that document's part alone (a rebuild after every speaker edit cost
    2 s per picker at 100,000 documents)."""
    from seedproject import build_project, open_project

    import annotations.registry as registry
    from annotations.model import Layer, Quote

    folder = build_project(tmp_path / "p", extra_docs=1)
    text = "Mayor Smith said \"we will comply\" on day 0."
    at = text.index("we will")
    with open_project(folder) as project:
        quote = Quote("q1", at, at + 13, text[at : at + 13], "direct")
        project.put_layer("extra-1", Layer("suggestions", {"q1": quote}, {}), replace=True)
    builds = []
    build = registry.registry_from_summaries

    def counted(*args, into=None):  # noqa: ANN001, ANN202
        if into is None:  # a read of its own (the worker's slices pass ``into``)
            builds.append(1)
        return build(*args, into=into)

    monkeypatch.setattr(registry, "registry_from_summaries", counted)
    async with run_app(folder) as pilot:
        await pilot.press("enter")  # the library lists "ice" first
        await pilot.press("s", *"smith", "escape")  # the registry is read here
        await pilot.press("S")
        pilot.app.screen.query_one(Input).value = "Zed Quill"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("L", "down", "enter")
        await settle(pilot)
        await pilot.press("s", *"quill", "enter")
        await settle(pilot)
    layer = saved_layer(folder, "extra-1")
    assert layer.speakers[layer.quotes["q1"].speaker_id or ""].name == "Zed Quill"
    assert builds == [1]


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


async def test_new_speaker_with_a_known_name_is_no_duplicate(folder, run_app):
    """saywho 0.1: `S` with an existing name made a second "Kenney"; now the quote goes to
    the speaker already there."""
    async with run_app(folder) as pilot:
        await pilot.press("n", "n", "n", "S")  # q4 (Jorge Field's)
        pilot.app.screen.query_one(Input).value = "kenney"
        await pilot.press("enter")
        await settle(pilot)
    layer = saved_layer(folder)
    assert [s.name for s in layer.speakers.values()].count("Kenney") == 1
    assert layer.quotes["q4"].speaker_id == "s1"


async def test_join_the_next_quote_then_split_it_again(folder, run_app):
    """`&` joins the next quote to the current one (one quote in two parts); `*` splits it
    back into two quotes; both read back from the store."""
    before = saved_layer(folder)
    first, second = sorted(before.quotes.values(), key=lambda q: q.start)[:2]
    async with run_app(folder) as pilot:
        screen = pilot.app.screen
        while screen.current_id != first.id:
            await pilot.press("n")
        await pilot.press("ampersand")
        await settle(pilot)
        joined = saved_layer(folder)
        assert second.id not in joined.quotes
        assert joined.quotes[first.id].part_spans() == (*first.part_spans(),
                                                         *second.part_spans())
        await pilot.press("asterisk")
        await settle(pilot)
    split = saved_layer(folder)
    assert sorted((q.start, q.end) for q in split.quotes.values()) == sorted(
        (q.start, q.end) for q in before.quotes.values())


async def _picked(tmp_path, run_app, others: dict, first: str, second: str) -> tuple[str, str]:
    """The speakers q1 and q2 get when another article holds ``others`` and the picker is
    given ``first`` on q1, then ``second`` on q2, each with Enter."""
    from seedproject import build_project, open_project

    from annotations.model import Layer

    folder = build_project(tmp_path / "p", extra_docs=1)
    with open_project(folder) as project:
        project.put_layer("extra-1", Layer("suggestions", {}, others), replace=True)
    async with run_app(folder) as pilot:
        await pilot.press("enter")  # the library lists "ice" first
        await pilot.press("s", *first, "enter")
        await settle(pilot)
        await pilot.press("n", "s", *second, "enter")
        await settle(pilot)
    layer = saved_layer(folder)
    return (layer.speaker_name(layer.quotes["q1"]) or "",
            layer.speaker_name(layer.quotes["q2"]) or "")


async def test_a_new_name_like_nobody_s_is_made_not_a_look_alike_of_another_article(
    tmp_path, run_app
):
    """Another article has an unresolved "He" and a "Bruce Smith": typing "Bruce Hayne" and
    Enter made the quote He's (the new-speaker row was last, off screen). The typed name is
    offered first when nothing matches with confidence; "Bruce Sm" still picks Bruce Smith."""
    from annotations.model import Speaker

    others = {"s8": Speaker("s8", "He"), "s9": Speaker("s9", "Bruce Smith")}
    assert await _picked(tmp_path, run_app, others, "Bruce Hayne", "Bruce Sm") == (
        "Bruce Hayne", "Bruce Smith")


async def test_a_full_name_inside_another_speaker_s_alias_is_a_new_speaker(tmp_path, run_app):
    """Another article's "University" has the alias "a University spokeswoman, Helen
    Brandt": typing "Helen Brandt" and Enter gave the quote to "University" (WRatio scores a
    name inside a longer one 90). A full name that names nobody is made a new speaker; one
    that is a speaker's whole name, accents folded, still picks them."""
    from annotations.model import Speaker

    alias = ("a University spokeswoman, Helen Brandt", "Brandt")
    others = {"s8": Speaker("s8", "University", "organization", alias),
              "s9": Speaker("s9", "Hélène Marchetti")}
    assert await _picked(tmp_path, run_app, others, "Helen Brandt", "helene marchetti") == (
        "Helen Brandt", "Hélène Marchetti")


async def test_a_fuller_name_picks_the_surname_and_a_near_miss_surname_is_a_new_speaker(
    tmp_path, run_app
):
    """Another article stores "Warren" and "Mike Johnston": typing "Elizabeth Warren" did
    not find Warren (the longer query lost on spelling) and "Mike Johnson" took Mike
    Johnston (a slip of the surname was a match). A name the query names (same surname,
    compatible given names) is taken; a look-alike is offered under the typed name, which
    Enter makes."""
    from annotations.model import Speaker

    others = {"s8": Speaker("s8", "Warren"), "s9": Speaker("s9", "Mike Johnston")}
    assert await _picked(tmp_path, run_app, others, "Elizabeth Warren", "Mike Johnson") == (
        "Warren", "Mike Johnson")
