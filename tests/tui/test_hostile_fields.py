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
        session.import_documents([Document(DOC_ID, f"Title {HOSTILE}", text)])
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
