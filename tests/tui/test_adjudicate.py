"""Adjudication: two hand-made layers, number keys build `final`, read back from disk."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pilot_helpers import settle
from seedproject import DOC_ID, fixed_layer, open_project, seed_text

from annotations.model import Layer


def two_layers(folder: Path) -> None:
    """ana: q1 support; bo: q1 oppose and no q5. q2-q4 agree."""
    base = fixed_layer(seed_text())
    ana = dict(base.quotes)
    ana["q1"] = replace(ana["q1"], stance="support")
    bo = dict(base.quotes)
    bo["q1"] = replace(bo["q1"], stance="oppose")
    del bo["q5"]
    with open_project(folder) as project:
        project.put_layer(DOC_ID, Layer("ana", ana, base.speakers))
        project.put_layer(DOC_ID, Layer("bo", bo, base.speakers))


async def test_adjudicate_two_layers(folder, run_app):
    from tui.screens.adjudicate import AdjudicateScreen
    from tui.screens.help import help_rows

    two_layers(folder)
    async with run_app(folder) as pilot:
        await pilot.press("J")
        screen = pilot.app.screen
        assert isinstance(screen, AdjudicateScreen)
        assert screen.names == ["ana", "bo"]
        first, second = screen.units[:2]
        assert first.differences() == ["stance"]
        assert second.differences() == ["missing in bo"]
        assert all(u.agreed for u in screen.units[2:])
        assert "decided 0/5" in str(screen.query_one("#adj-head").render())
        await pilot.press("2")  # bo's version of q1 (oppose); the unit stays current
        assert screen.index == 0 and screen.decided(screen.units[0])
        assert pilot.app.screen.check_action("pick", (3,)) is False  # two layers: no "3"
        takes = [d for _, _, d in help_rows(screen) if d.startswith("Take layer")]
        assert takes == ["Take layer 1", "Take layer 2"]  # help lists no layer there is not
        await pilot.press("n")
        assert screen.index == 1
        await pilot.press("2")  # bo has none: refused, nothing decided
        assert not screen.decided(screen.units[1])
        await pilot.press("x")  # leave q5 out
        await pilot.press("a")  # the three agreed units, as one edit
        await settle(pilot)
        assert "decided 5/5" in str(screen.query_one("#adj-head").render())
        assert re.search(r"\bq\d+\b|\bs\d+\b", str(pilot.app.screen.query_one("#status")
                                                       .render())) is None
        await pilot.press("u")  # one undo takes the three adoptions back
        await settle(pilot)
        assert "decided 2/5" in str(screen.query_one("#adj-head").render())
        await pilot.press("U")
        await settle(pilot)
        assert "decided 5/5" in str(screen.query_one("#adj-head").render())
    with open_project(folder, read_only=True) as project:
        final = project.layer(DOC_ID, "final")
        ana = project.layer(DOC_ID, "ana")
    by_text = {q.text: q for q in final.quotes.values()}
    assert len(by_text) == 5
    q1, q5 = ana.quotes["q1"], ana.quotes["q5"]
    assert by_text[q1.text].stance == "oppose"
    assert by_text[q5.text].status == "rejected"
    assert {q.status for t, q in by_text.items() if t != q5.text} == {"accepted"}
    assert {final.speaker_name(q) for q in final.quotes.values()} == {
        "Kenney", "Jorge Field", "Homan", "Almiron"}
    assert ana.quotes["q1"].stance == "support"  # the layers themselves are untouched


async def test_undo_adoption_and_edit_final(folder, run_app):
    two_layers(folder)
    async with run_app(folder) as pilot:
        await pilot.press("J", "1")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.decided(screen.units[0])
        await pilot.press("u")
        await settle(pilot)
        assert not screen.decided(screen.units[0])
        assert screen.index == 0  # undo shows the unit it touched
        await pilot.press("1", "e")  # the reader, on final (waits for the adoption)
        await pilot.pause()
        assert pilot.app.bridge.active_layer == "final"
        assert "layer: final" in pilot.app.sub_title
        assert [q.stance for q in pilot.app.screen.quotes] == ["support"]


async def test_what_differs_is_visible_at_80x24(folder, run_app):
    """A long quote's text must not push the differing stance out of the Versions panel."""
    base = fixed_layer(seed_text())
    with open_project(folder) as project:
        for name, stance in (("ana", "support"), ("bo", "oppose")):
            quotes = dict(base.quotes)
            quotes["q4"] = replace(quotes["q4"], stance=stance)  # the longest quote
            project.put_layer(DOC_ID, Layer(name, quotes, base.speakers))
    async with run_app(folder, size=(80, 24)) as pilot:
        await pilot.press("J")
        await pilot.pause()
        panel = pilot.app.screen.query_one("#versions")
        region = panel.content_region
        options = pilot.app.console.options.update_width(region.width)
        lines = pilot.app.console.render_lines(panel._content, options, pad=False)
        shown = "\n".join("".join(seg.text for seg in line) for line in lines[: region.height])
        assert "stance ≠" in shown
        assert "support" in shown and "oppose" in shown


async def test_the_tenth_layer_is_taken_by_name(folder, run_app):
    """Eleven coders: `1`…`9` reach nine layers; `t` and a few letters of a name take any
    layer's version, the tenth and eleventh too, saved in final."""
    base = fixed_layer(seed_text())
    names = [f"coder{i:02d}" for i in range(1, 12)]
    with open_project(folder) as project:
        for i, name in enumerate(names):
            quotes = dict(base.quotes)
            quotes["q1"] = replace(quotes["q1"], note=f"version of {name}",
                                   stance="support" if i % 2 else "oppose")
            project.put_layer(DOC_ID, Layer(name, quotes, base.speakers))
    async with run_app(folder) as pilot:
        await pilot.press("J")
        screen = pilot.app.screen
        assert screen.names[-2:] == ["coder10", "coder11"]
        await pilot.press("t", *"der10", "enter")
        await settle(pilot)
        assert screen.decided(screen.units[0])
    with open_project(folder, read_only=True) as project:
        final = project.layer(DOC_ID, "final")
    [taken] = [q for q in final.quotes.values() if q.note]
    assert taken.note == "version of coder10"


async def test_a_speaker_coded_apart_shows_each_value_and_what_final_keeps(folder, run_app):
    """The layers agree on q1 but code its speaker's gender apart: the unit differs ("speaker
    gender"), each version shows its value, and once taken, final's speaker shows its own."""
    base = fixed_layer(seed_text())
    sid = base.quotes["q1"].speaker_id
    with open_project(folder) as project:
        for name, value in (("ana", "female"), ("bo", "male")):
            speakers = dict(base.speakers)
            speakers[sid] = replace(speakers[sid], attributes=(("gender", value),))
            project.put_layer(DOC_ID, Layer(name, dict(base.quotes), speakers))
    async with run_app(folder, size=(200, 60)) as pilot:
        await pilot.press("J")
        await pilot.pause()
        screen = pilot.app.screen
        assert screen.units[0].differences() == ["speaker gender"]
        name = base.speakers[sid].name

        def shown() -> str:
            panel = screen.query_one("#versions")
            options = pilot.app.console.options.update_width(panel.content_region.width)
            lines = pilot.app.console.render_lines(panel._content, options, pad=False)
            return " ".join("".join(seg.text for seg in line) for line in lines)

        assert f"{name} (female)" in shown() and f"{name} (male)" in shown()
        assert "differ: speaker gender" in shown()
        await pilot.press("2")
        await settle(pilot)
        assert shown().count(f"{name} (male)") == 2  # bo's version and final's speaker


async def test_a_quote_coded_apart_shows_each_version_s_codes_and_final_s(folder, run_app):
    """The layers agree on q1 but code its topic apart: the unit differs ("topic"), each
    version shows its codes in a codes row, and once taken, final shows the codes it took."""
    base = fixed_layer(seed_text())
    with open_project(folder) as project:
        for name, value in (("ana", "crime"), ("bo", "economy")):
            quotes = dict(base.quotes)
            quotes["q1"] = replace(quotes["q1"], codes=(("topic", value),))
            project.put_layer(DOC_ID, Layer(name, quotes, dict(base.speakers)))
    async with run_app(folder, size=(200, 60)) as pilot:
        await pilot.press("J")
        await pilot.pause()
        screen = pilot.app.screen
        assert screen.units[0].differences() == ["topic"]

        def shown() -> str:
            panel = screen.query_one("#versions")
            options = pilot.app.console.options.update_width(panel.content_region.width)
            lines = pilot.app.console.render_lines(panel._content, options, pad=False)
            return " ".join("".join(seg.text for seg in line) for line in lines)

        assert "codes ≠" in shown() and "topic: crime" in shown()
        assert "topic: economy" in shown() and "differ: topic" in shown()
        await pilot.press("2")
        await settle(pilot)
        assert shown().count("topic: economy") == 2  # bo's version and final's quote
    with open_project(folder) as project:
        final = project.layer(DOC_ID, "final")
    assert [q.codes for q in final.quotes.values()] == [(("topic", "economy"),)]
