"""Terminal escapes stored in a project never reach the terminal through a CLI command.

A project whose title, id, layer names, speaker names, alias, stance labels and stance target
hold OSC (window title, clipboard write), CSI, C1 and bidi-override sequences is run through
every command; nothing they print may carry ESC, BEL, a C1 CSI or U+202E. ``--json`` output
keeps the data (escaped as ``\\uXXXX``) and stays safe to show too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.display import BIDI_CONTROLS, safe_json, visible, visible_line
from annotations.formats.exporters import SUFFIXES, WRITERS
from annotations.session import Session
from tui.cli import main

OSC_TITLE = "\x1b]0;x\x07"
OSC_CLIPBOARD = "\x1b]52;c;aGk=\x07"
CSI = "\x1b[2J\x1b[31m"
RLO = "\u202e"
C1_CSI = "\x9b"
EVIL = OSC_TITLE + OSC_CLIPBOARD + CSI + RLO + C1_CSI + "[bold]"
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e")

TEXT = (
    f'Mayor Ann Lee{EVIL} said "the plan works well." Bob Ray said "it fails badly." '
    'Cy Dee said "nobody knows yet."'
)
DOC_ID = "doc" + EVIL
TITLE = "Title" + EVIL
LABEL = "favour" + EVIL
TARGET = "target" + EVIL
ANA = "ana" + EVIL
BEN = "ben" + EVIL


def _quote(words: str, speaker_id: str, stance: str) -> dict:
    start = TEXT.index(words)
    return {"start": start, "end": start + len(words), "type": "direct",
            "speaker_id": speaker_id, "stance": stance, "status": "accepted"}


def _line(stances: tuple[str, str, str]) -> str:
    """One interchange line; the first speaker's name and alias carry the escapes."""
    mention = TEXT.index("Mayor Ann Lee")
    speakers = [
        {"id": "s1", "name": "Ann Lee" + EVIL, "aliases": ["Lee" + EVIL], "kind": "person",
         "mentions": [[mention, mention + len("Mayor Ann Lee")]]},
        {"id": "s2", "name": "Bob Ray", "kind": "person"},
        {"id": "s3", "name": "Cy Dee" + EVIL, "kind": "person"},
    ]
    quotes = [
        _quote("the plan works well.", "s1", stances[0]),
        _quote("it fails badly.", "s2", stances[1]),
        _quote("nobody knows yet.", "s3", stances[2]),
    ]
    record = {"id": DOC_ID, "title": TITLE, "text": TEXT, "quotes": quotes, "speakers": speakers}
    return json.dumps(record) + "\n"


def assert_clean(captured: pytest.CaptureResult[str], what: str) -> None:
    for stream, out in (("stdout", captured.out), ("stderr", captured.err)):
        for bad in FORBIDDEN:
            assert bad not in out, f"{what}: {bad!r} on {stream}: {out[:300]!r}"


@pytest.fixture
def hostile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A project holding the escapes everywhere, and its interchange file (a hostile name)."""
    proj = tmp_path / "p"
    ana = tmp_path / f"ana{EVIL}.jsonl"
    ana.write_text(_line((LABEL, "oppose", LABEL)))
    ben = tmp_path / "ben.jsonl"
    ben.write_text(_line((LABEL, LABEL, "oppose")))
    assert main(["import", str(ana), "--layer", ANA, "--project", str(proj)]) == 0
    assert main(["import", str(ben), "--layer", BEN, "--project", str(proj)]) == 0
    with Session.open(proj, "tester") as session:
        session.set_target(TARGET)
        session.add_label(LABEL)
    assert_clean(capsys.readouterr(), "import")
    return proj, ana


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run one command; assert nothing unsafe was printed; return its code and stdout."""
    code = main(list(argv))
    captured = capsys.readouterr()
    assert_clean(captured, " ".join(argv[:3]))
    return code, captured.out


def test_import_messages_are_visible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hostile: tuple[Path, Path]
) -> None:
    proj, _ = hostile
    empty = tmp_path / f"empty{EVIL}.txt"
    empty.write_bytes(b"")
    changed = tmp_path / "changed.jsonl"
    changed.write_text(_line(("oppose", "oppose", "oppose")))
    code, _ = run(capsys, "import", str(empty), str(changed), "--layer", ANA,
                  "--project", str(proj))
    assert code == 1
    code, _ = run(capsys, "import", str(tmp_path / f"missing{EVIL}"), "--project", str(proj))
    assert code == 1


def test_stats_agree_eval_print_no_escapes(
    capsys: pytest.CaptureFixture[str], hostile: tuple[Path, Path]
) -> None:
    proj, ana = hostile
    p = ("--project", str(proj))
    assert run(capsys, "stats", *p)[0] == 0
    code, out = run(capsys, "stats", "--layer", ANA, *p)
    assert code == 0 and visible_line(ANA) in out and "Lee␛]0;x␇" in out
    assert run(capsys, "stats", "--layer", "nope" + EVIL, *p)[0] == 1
    code, out = run(capsys, "stats", "--layer", ANA, "--json", *p)
    assert code == 0 and json.loads(out)["layer"] == ANA
    assert run(capsys, "agree", *p)[0] == 0
    assert run(capsys, "agree", "--layers", ANA, BEN, *p)[0] == 0
    code, out = run(capsys, "agree", "--layers", ANA, BEN, "--json", *p)
    assert code == 0 and ANA in json.loads(out)["layers"]
    assert run(capsys, "agree", "--layers", ANA, "nope" + EVIL, *p)[0] == 1
    assert run(capsys, "eval", "--gold", str(ana), "--layer", ANA, *p)[0] == 0
    code, out = run(capsys, "eval", "--gold", str(ana), "--layer", ANA, "--json", *p)
    assert code == 0 and json.loads(out)["layer"] == ANA


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_export_prints_no_escapes(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], hostile: tuple[Path, Path]
) -> None:
    proj, _ = hostile
    out = tmp_path / f"out{EVIL}{SUFFIXES[fmt]}"
    code, _ = run(capsys, "export", "--format", fmt, "--out", str(out), "--layer", ANA,
                  "--project", str(proj))
    assert code == 0 and out.exists()


def test_detect_output_is_safe_and_keeps_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / f"article{EVIL}.txt"
    src.write_text(TITLE + "\n\n" + TEXT + "\n")
    code, out = run(capsys, "detect", str(src))
    assert code == 0
    assert json.loads(out)["text"] == TITLE + "\n\n" + TEXT + "\n"
    empty = tmp_path / f"empty{EVIL}.txt"
    empty.write_bytes(b"")
    assert run(capsys, "detect", str(src), str(empty))[0] == 1


def test_stance_eval_prints_no_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    words = ("good", "great", "bad", "awful", "fine", "poor")
    lines = [
        json.dumps({"id": f"i{n}", "text": f"the plan is {words[n % 6]} {n}",
                    "label": LABEL if n % 2 else "against" + EVIL})
        for n in range(24)
    ]
    gold = tmp_path / f"stance{EVIL}.jsonl"
    gold.write_text("\n".join(lines) + "\n")
    assert run(capsys, "stance-eval", str(gold), "--labels", "4,8")[0] == 0
    code, out = run(capsys, "stance-eval", str(gold), "--labels", "4,8", "--json")
    assert code == 0 and json.loads(out)


# --- the one table ----------------------------------------------------------------------------


def test_visible_keeps_length_and_neutralises_controls_and_bidi() -> None:
    text = f"a{EVIL}\u200e\u200f\u202a\u2066\u2069\u061c\x7f\tb\nc"
    shown = visible(text)
    assert len(shown) == len(text)
    assert shown.endswith(" b\nc")
    for ch in shown:
        assert ch == "\n" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0), repr(ch)
        assert ch not in BIDI_CONTROLS
    assert visible("plain text, ünïcödé, 🙂") == "plain text, ünïcödé, 🙂"


def test_visible_line_also_shows_newlines() -> None:
    text = "one\ntwo\r\x1b"
    assert visible_line(text) == "one␊two␍␛"
    assert len(visible_line(text)) == len(text)


def test_safe_json_escapes_what_json_leaves_raw_and_keeps_the_data() -> None:
    data = {"t": EVIL + "\x7f\u2066 ü"}
    raw = json.dumps(data, ensure_ascii=False)
    assert "\u202e" in raw and "\x9b" in raw and "\x1b" not in raw
    safe = safe_json(raw)
    assert not any(bad in safe for bad in FORBIDDEN) and "ü" in safe
    assert json.loads(safe) == data


def test_usage_errors_show_arguments_neutralised(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse echoes a bad argument back: its controls are shown, not sent."""
    from tui.cli import main

    for argv in (["stats", "\x1b]0;x\x07\u202e"], ["export", "--format", "\x1b[2J\x9b"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert "error:" in err
        for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert bad not in err
