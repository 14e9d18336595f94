"""A title, a speaker name, an alias, a stance label and the target holding escape sequences,
OSC 52 (clipboard), a right-to-left override and C1 controls: every screen shows them
neutralised, and no ESC, BEL or bidi control reaches what the terminal is sent."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pilot_helpers import settle
from seedproject import ANNOTATOR, DOC_ID, fixed_layer, open_project, seed_text

from annotations.model import Document

HOSTILE = "[/][bold]\x1b]0;pwned\x07\x1b]52;c;aGk=\x07\x1b[31m\u202eevil\x9b2J"
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "&#27;", "&#7;")


def hostile_project(folder: Path) -> Path:
    text = seed_text()
    with open_project(folder) as session:
        session.import_documents([Document(DOC_ID, f"Title {HOSTILE}", text,
                                           meta=(("outlet", f"Out {HOSTILE}"),))])
        base = fixed_layer(text)
        speakers = dict(base.speakers)
        speakers["s1"] = replace(speakers["s1"], name=f"Kenney {HOSTILE}", aliases=(HOSTILE,))
        quotes = {k: replace(q, stance=f"yes{HOSTILE}" if k == "q2" else q.stance,
                             note=HOSTILE if k == "q1" else q.note)
                  for k, q in base.quotes.items()}
        session.put_layer(DOC_ID, replace(base, speakers=speakers, quotes=quotes), replace=True)
        session.put_layer(DOC_ID, replace(base, name=ANNOTATOR, speakers=speakers,
                                          quotes=quotes), replace=True)
        session.put_layer(DOC_ID, replace(base, name=f"bo{HOSTILE}", quotes=quotes,
                                          speakers=speakers))
        session.add_label(f"yes{HOSTILE}")
        session.set_target(f"target {HOSTILE}")
        session.import_documents([Document(f"other{HOSTILE}", HOSTILE, "Bob said hi.")])
    return folder


def assert_clean(pilot) -> None:  # noqa: ANN001
    shot = pilot.app.export_screenshot()
    for bad in FORBIDDEN:
        assert bad not in shot, (bad, pilot.app.screen)
    assert pilot.app.title.isprintable() and pilot.app.sub_title.isprintable()


async def test_every_screen_neutralises_hostile_fields(tmp_path, run_app):
    folder = hostile_project(tmp_path / "proj")
    async with run_app(folder, size=(160, 50)) as pilot:
        assert_clean(pilot)  # the library (two documents)
        shot = pilot.app.export_screenshot()
        assert "pwned" in shot  # shown, as text, not run
        await pilot.press("enter")  # the reader: title, quotes, speakers, stance, detail
        await settle(pilot)
        assert_clean(pilot)
        for keys in (("n",), ("s",), ("escape", "K"), ("escape", "T"), ("escape", "v"),
                     ("escape", "l"), ("escape", "question_mark"), ("escape", "J"),
                     ("n", "escape", "ctrl+p", "s", "t", "a")):
            await pilot.press(*keys)
            await pilot.app.workers.wait_for_complete()
            await settle(pilot)
            assert_clean(pilot)


async def test_prompts_opened_on_stored_text_paint_it_neutralised(tmp_path, run_app):
    """The rename, note and stance-target prompts open on the stored value: a field painted it
    raw (an OSC 52 in a name wrote the clipboard when ``R`` opened). The field still holds the
    value as stored (what Enter would save)."""
    from tui.widgets.field import TextField

    folder = hostile_project(tmp_path / "proj")
    async with run_app(folder, size=(160, 50)) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        opened = 0
        for _ in range(4):  # the first quotes: q1 holds the note, s1 the name
            for key in ("R", "e", "I"):
                await pilot.press(key)
                await settle(pilot)
                fields = list(pilot.app.screen.query(TextField))
                if fields and HOSTILE in fields[0].value:
                    opened += 1
                    assert_clean(pilot)
                await pilot.press("escape")
                await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
        assert opened >= 3  # a name, a note and the target were each opened


async def test_the_scheme_screen_counting_a_hostile_layer_opens(tmp_path, run_app):
    """The scheme screen's panel title names the layer it counts: a layer named with "[/]"
    was read as Textual markup there, and the screen failed to open."""
    folder = hostile_project(tmp_path / "proj")
    async with run_app(folder, size=(160, 50)) as pilot:
        pilot.app.bridge.switch_layer(f"bo{HOSTILE}")
        await settle(pilot)
        await pilot.press("K")
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert "pwned" in pilot.app.export_screenshot()  # the layer's name, shown as text
        assert_clean(pilot)
