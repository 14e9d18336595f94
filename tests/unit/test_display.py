"""Control and escape characters in an article never reach the terminal raw."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotations.display import visible
from annotations.store import Project
from tests.conftest import REPO

HOSTILE = 'Mayor Ann Lee said "fine" \x1b[31mRED\x1b]0;pwned\x07 and\x08 \x9b2J today.\n'


def test_visible_keeps_length_and_removes_every_control() -> None:
    shown = visible(HOSTILE)
    assert len(shown) == len(HOSTILE)
    assert all(ch in "\n\t" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0) for ch in shown)
    assert "␛[31mRED" in shown and "␇" in shown


INVISIBLE = "zw\u200bsp wj\u2060 bom\ufeff shy\u00ad ls\u2028ps\u2029 tag\U000e0041 cgj\u034f"


def test_characters_drawn_as_nothing_are_shown_and_json_escapes_them() -> None:
    """A zero-width space, a BOM, a soft hyphen or a tag character is drawn as nothing and
    shifted every cell after it (a panel's border moved on each such line); a line
    separator broke the line. Each is now one visible cell; ZWJ stays (emoji need it)."""
    from annotations.display import safe_json

    shown = visible(INVISIBLE + " 👩\u200d💻")
    assert len(shown) == len(INVISIBLE) + 4  # one character for one: offsets hold
    assert shown.startswith("zw¿sp wj¿ bom¿ shy¿ ls␊ps␊ tag¿ cgj¿")
    assert "\u200d" in shown
    escaped = safe_json(json.dumps({"t": INVISIBLE}, ensure_ascii=False))
    assert not any(ch in escaped for ch in "\u200b\u2060\ufeff\u00ad\u2028\u2029\u034f")
    assert "\U000e0041" not in escaped and json.loads(escaped)["t"] == INVISIBLE


def test_stored_exactly_but_shown_safely_by_the_cli(tmp_path: Path) -> None:
    src = tmp_path / "esc.jsonl"
    src.write_text(json.dumps({"id": "e\x1b[1m", "title": "T\x1b]0;x\x07", "text": HOSTILE}) + "\n")
    proj = tmp_path / "p"
    run = [sys.executable, "-m", "tui.cli", "--project", str(proj)]
    imported = subprocess.run([*run, "import", str(src)], cwd=REPO, capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    with Project.open(proj, "x", read_only=True) as project:
        assert project.document("e\x1b[1m").text == HOSTILE
    stats = subprocess.run([*run, "stats"], cwd=REPO, capture_output=True, text=True)
    assert stats.returncode == 0, stats.stderr
    assert "\x1b]0;" not in stats.stdout and "\x07" not in stats.stdout
    assert "T␛]0;x␇" in stats.stdout
