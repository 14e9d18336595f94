"""Issue 12's review session, the parts no other test pinned down: each test presses keys and
reads the store or the screen, and fails on saywho 0.1's behaviour (said in each docstring).

Layout (problem 7), a quote made from a selection (5), messages in words (8), one-layer
adjudication (9), the library's undo (2), NO_COLOR (10), span overlap, and the panels key.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pilot_helpers import notices, settle
from seedproject import DOC_ID, fixed_layer, open_project, saved_layer, seed_text
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input

from annotations.model import Layer

INTERNAL_ID = re.compile(r"\b[qs]\d+\b")


def shown(widget: Widget) -> list[str]:
    """The lines ``widget`` paints (border and padding included), as text."""
    region = Region(0, 0, widget.region.width, widget.region.height)
    return ["".join(seg.text for seg in strip) for strip in widget.render_lines(region)]


def screen_lines(app) -> list[str]:  # noqa: ANN001
    """Every line of the screen as it is painted now."""
    return ["".join(seg.text for seg in strip)
            for strip in app.screen._compositor.render_strips()]


async def type_into(pilot, text: str) -> None:  # noqa: ANN001
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot)


LONG_NOTE = "check the name against the court filing and the police report please"


# ------------------------------------------------------------------ problem 7: layout
async def test_info_line_at_80x24_keeps_glyph_confidence_cue_and_ends_in_an_ellipsis(
        folder, run_app):
    """0.1 at 80x24 cut the info line after "note:" (no ellipsis, confidence and cue lost
    behind a long note). The fields come first, free text last, the cut is an ellipsis."""
    async with run_app(folder, size=(80, 24)) as pilot:
        await pilot.press("n", "n", "n", "e")  # q4: Jorge Field, cue "said", conf .40
        await type_into(pilot, LONG_NOTE)
        lines = [line.strip() for line in shown(pilot.app.screen.query_one("#detail"))]
        text = " ".join(lines)
        assert lines[0].startswith("? suggested")
        assert "conf 0.40" in text and "cue “said”" in text
        assert lines[-1].endswith("…") and "police report" not in text
    assert saved_layer(folder).quotes["q4"].note == LONG_NOTE


async def test_info_line_keeps_its_spaces_with_a_note_and_a_suggestion(folder, run_app):
    """0.1 wrote the stance suggestion straight after a note ("…please· suggested stance"):
    at 160 columns the info line lost the space between them."""
    async with run_app(folder, size=(160, 48)) as pilot:
        await pilot.press("1", "n", "2")  # two labels: the other quotes get suggestions
        await settle(pilot)
        await pilot.app.bridge.stance.wait_idle()
        await pilot.press("n", "e")  # q3, which has a suggestion now
        await type_into(pilot, "short note")
        await pilot.app.bridge.stance.wait_idle()
        await pilot.pause()
        text = pilot.app.screen.query_one("#detail").render().plain
        assert "suggested stance" in text and "note: short note" in text
        assert re.search(r"\S·", text) is None, text


async def test_the_current_quote_is_scrolled_into_view_to_its_end_at_80x24(folder, run_app):
    """0.1 scrolled only when a quote's start was off screen: a quote starting on the last
    lines of the article view kept its end below it."""
    from tui.widgets.article import ArticleView

    async with run_app(folder, size=(80, 24)) as pilot:
        await pilot.press("n", "n")  # q3
        article = pilot.app.screen.query_one(ArticleView)
        q4 = saved_layer(folder).quotes["q4"]
        first, last = article.line_of(q4.start), article.line_of(q4.end - 1)
        height = article.scrollable_content_region.height
        assert last > first and last - first < height - 2  # several lines, fits the view
        article.scroll_to(y=first - height + 2, animate=False, immediate=True)
        await pilot.pause()
        top = round(article.scroll_y)
        assert top <= first < top + height - 1 and last > top + height - 1  # start in, end out
        await pilot.press("n")  # q4
        await pilot.pause()
        assert pilot.app.screen.current_id == "q4"
        top = round(article.scroll_y)
        assert top <= first and last <= top + height - 1


async def test_the_stance_target_shows_whole_where_it_fits(folder, run_app):
    """0.1 cut the stance target at 30 characters at every width."""
    target = "sanctuary-city policies of Philadelphia and L.A."  # 48 characters
    with open_project(folder) as session:
        session.set_target(target)
    async with run_app(folder, size=(160, 48)) as pilot:
        assert any(target in line for line in shown(pilot.app.screen.query_one("#stance")))
    async with run_app(folder, size=(80, 24)) as pilot:  # too long for 38 columns: "…"
        bottom = shown(pilot.app.screen.query_one("#stance"))[-1]
        assert target[:20] in bottom and "…" in bottom


async def test_at_200_columns_the_quote_list_names_speakers_whole_with_snippets(
        folder, run_app):
    """0.1 cut speakers at 14 characters at every width and showed no snippet: three rows
    read "U.S. Immigrati"."""
    from tui.widgets.quotes import QuoteList

    name = "U.S. Immigration and Customs Enforcement"
    with open_project(folder) as session:
        layer = session.layer(DOC_ID)
        speakers = dict(layer.speakers)
        speakers["s2"] = replace(speakers["s2"], name=name)
        session.put_layer(DOC_ID, replace(layer, speakers=speakers))
    async with run_app(folder, size=(200, 60)) as pilot:
        quotes = pilot.app.screen.query_one(QuoteList)
        painted = "\n".join(shown(quotes))
        assert name in painted
        assert "Laws created" in painted  # q4's snippet, after the figures
    async with run_app(folder, size=(80, 24)) as pilot:  # narrow: a short column, an ellipsis
        painted = "\n".join(shown(pilot.app.screen.query_one(QuoteList)))
        assert "U.S. Immigrat…" in painted


async def test_adjudication_footer_is_not_blank_at_80x24(folder, run_app):
    """0.1's adjudication footer was blank at 80x24."""
    base = fixed_layer(seed_text())
    with open_project(folder) as session:
        for name, stance in (("ana", "support"), ("bo", "oppose")):
            quotes = dict(base.quotes)
            quotes["q1"] = replace(quotes["q1"], stance=stance)
            session.put_layer(DOC_ID, Layer(name, quotes, base.speakers))
    async with run_app(folder, size=(80, 24)) as pilot:
        await pilot.press("J")
        await pilot.pause(0.2)
        footer = screen_lines(pilot.app)[-1]
        assert "Take layer 1" in footer and "Next unit" in footer


async def test_panels_narrow_hide_and_come_back_with_a_key(folder, run_app):
    """At 80x24 the side panels take half the screen: the panels key narrows them, hides
    them (the article takes the width), and brings them back; the choice is kept."""
    from tui.widgets.article import ArticleView

    async with run_app(folder, size=(80, 24)) as pilot:
        screen = pilot.app.screen
        sidebar = screen.query_one("#sidebar")
        article = screen.query_one(ArticleView)
        await pilot.press("n")  # q2: it stays in view while the article rewraps
        widths = [(sidebar.region.width, article.region.width)]
        for _ in range(3):
            await pilot.press("backslash")
            await pilot.pause()
            await pilot.pause()
            widths.append((sidebar.region.width if sidebar.display else 0,
                           article.region.width))
            q2 = screen.current
            top, height = round(article.scroll_y), article.scrollable_content_region.height
            assert top <= article.line_of(q2.start) < top + height
        (full, a_full), (narrow, a_narrow), (hidden, a_hidden), back = widths
        assert full > narrow > hidden == 0
        assert a_full < a_narrow < a_hidden
        assert back == (full, a_full)
        assert any("Side panels: hidden" in n for n in notices(pilot.app))
        await pilot.press("backslash")  # narrow again, and kept for next time
        await settle(pilot)
    with open_project(folder, read_only=True) as session:
        assert session.settings.get("panels") == "narrow"
    async with run_app(folder, size=(80, 24)) as pilot:
        assert pilot.app.screen.query_one("#sidebar").region.width == narrow


# ------------------------------------------------------------------ problem 5: new quotes
async def test_a_new_quote_without_marks_is_indirect_with_the_nearest_speaker(folder, run_app):
    """0.1 saved every quote made from a selection as direct, with no speaker, and `r` then
    turned it into a "suggested" quote that no detector ever suggested."""
    async with run_app(folder) as pilot:
        await pilot.press("m", "w", "w", "w", "m")  # "and conduct large-scale", after q1
        await settle(pilot)
        layer = saved_layer(folder)
        [new] = [q for q in layer.quotes.values() if q.id not in {f"q{i}" for i in range(1, 6)}]
        assert (new.type, layer.speaker_name(new), new.status) == ("indirect", "Homan",
                                                                    "accepted")
        assert pilot.app.screen.current_id == new.id
        await pilot.press("r")  # reset: refused, with the reason
        await settle(pilot)
        assert any("made by hand" in n for n in notices(pilot.app))
    assert saved_layer(folder).quotes[new.id].status == "accepted"


# ------------------------------------------------------------------ problem 6: stance
async def test_one_stance_label_suggests_nothing(folder, run_app):
    """0.1 showed "neutral? ~.00 (tentative)" on every quote after the first label."""
    from tui.widgets.quotes import QuoteList

    async with run_app(folder) as pilot:
        await pilot.press("1")  # q1 support: the only label
        await settle(pilot)
        await pilot.app.bridge.stance.wait_idle()
        await pilot.press("n")
        await pilot.pause()
        quotes = pilot.app.screen.query_one(QuoteList)
        rows = [quotes.row(i).plain for i in range(len(quotes.rows))]
        assert not [r for r in rows[1:] if "~" in r or "?" in r.split()[3:4]]
        assert "suggested stance" not in pilot.app.screen.query_one("#detail").render().plain
        assert pilot.app.bridge.stance.model.current.by_quote == {}


# ------------------------------------------------------------------ problem 8: messages
async def test_speaker_messages_name_people_not_ids(folder, run_app):
    """0.1 said "speaker s2 on q10" and "merge s7 into s2"."""
    said = []
    async with run_app(folder) as pilot:
        await pilot.press("s", *"kenney", "enter")  # q1 to Kenney
        await settle(pilot)
        said.append(pilot.app.bridge.save_state.message)
        await pilot.press("n", "n", "n", "M", *"homan", "enter")  # q4's Jorge Field into Homan
        await settle(pilot)
        said.append(pilot.app.bridge.save_state.message)
        await pilot.press("u")
        await settle(pilot)
        said.append(pilot.app.bridge.save_state.message)
        said += notices(pilot.app)
    assert "Kenney" in said[0] and "quote 1" in said[0]
    assert "Jorge Field" in said[1] and "Homan" in said[1]
    assert said[2].startswith("undone")
    assert [m for m in said if INTERNAL_ID.search(m)] == []


# ------------------------------------------------------------------ problem 9: adjudication
async def test_adjudication_of_one_layer_offers_no_second_layer(folder, run_app):
    """0.1 offered "Take layer 2" with one layer."""
    base = fixed_layer(seed_text())
    with open_project(folder) as session:
        session.put_layer(DOC_ID, Layer("ana", dict(base.quotes), base.speakers))
    async with run_app(folder, size=(120, 30)) as pilot:
        await pilot.press("J")
        await pilot.pause(0.2)
        screen = pilot.app.screen
        assert screen.names == ["ana"]
        assert screen.check_action("pick", (2,)) is False
        footer = screen_lines(pilot.app)[-1]
        assert "Take layer 1" in footer and "Take layer 2" not in footer
        assert any("Only one layer" in n for n in notices(pilot.app))


# ------------------------------------------------------------------ problem 2: the library
async def test_undo_in_the_library_is_refused_with_a_message(tmp_path: Path, run_app):
    """0.1: one Esc too many landed in the library, where `u` silently restored a deleted
    quote and the library's counts went stale. Now the library says undo acts in a document."""
    from seedproject import build_project

    from tui.screens.library import LibraryScreen

    folder = build_project(tmp_path / "p", extra_docs=1)
    async with run_app(folder) as pilot:
        await pilot.press("enter", "D")  # delete q1 of the seed article
        await settle(pilot)
        assert "q1" not in saved_layer(folder).quotes
        await pilot.press("escape", "u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, LibraryScreen)
        assert any("Open a document to undo" in n for n in notices(pilot.app))
    assert "q1" not in saved_layer(folder).quotes


# ------------------------------------------------------------------ spans
async def test_a_span_running_into_another_quote_is_refused_with_a_message(folder, run_app):
    """What to build: a span that would overlap another quote of the layer is refused with a
    message (0.1 saved a span running over the paragraph break into the next quote)."""
    async with run_app(folder) as pilot:
        await pilot.press("n", "n")  # q3: grown a sentence earlier it would take in q2
        before = pilot.app.screen.current
        await pilot.press("left_curly_bracket")
        await settle(pilot)
        assert any("run into another quote" in n for n in notices(pilot.app))
        assert pilot.app.bridge.save_state.state != "error"
    assert saved_layer(folder).quotes["q3"].start == before.start


# ------------------------------------------------------------------ problem 10: NO_COLOR
async def test_no_color_colour_key_says_it_cannot(folder, run_app, monkeypatch):
    """0.1 with NO_COLOR: `c` switched between two colourings nobody could see, silently."""
    monkeypatch.setenv("NO_COLOR", "1")
    async with run_app(folder) as pilot:
        before = pilot.app.screen.colour_by
        await pilot.press("c")
        await settle(pilot)
        assert any("NO_COLOR" in n for n in notices(pilot.app))
        assert pilot.app.screen.colour_by == before
        assert "colour: off (NO_COLOR)" in str(pilot.app.screen.query_one("#status").render())
    with open_project(folder, read_only=True) as session:
        assert session.settings.get("colour_by") is None


async def test_narrowed_panels_keep_each_rows_confidence_beside_the_scrollbar(folder, run_app):
    """Narrowed panels on a short terminal, where the quote list scrolls: the scrollbar takes a
    column, and the row's confidence must not be the one cut ("… —   .…")."""
    async with run_app(folder, size=(80, 22)) as pilot:
        await pilot.press("backslash")  # narrow
        await settle(pilot)
        rows = [line for line in screen_lines(pilot.app) if re.search(r"│[?✓✗] [DIM] ", line)]
        assert rows, "\n".join(screen_lines(pilot.app))
        assert all(re.search(r"(\.\d\d| 1 | - ) ?.│$", r) for r in rows), rows
