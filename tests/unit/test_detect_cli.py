"""``saywho detect``: files, folders and JSONL in; interchange JSONL out with the same ids."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from annotations.errors import InputError
from tui.commands import detect

SEED = Path(__file__).resolve().parents[2] / "seeds" / "ice-sanctuary-cities.txt"


def run(tmp_path: Path, *paths: str, out: str | None = None) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    detect.register(sub)
    argv = ["detect", *paths] + (["--out", out] if out else [])
    args = parser.parse_args(argv)
    return args.func(args)


def test_jsonl_and_txt_to_interchange(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": '"We will win," said Mayor Jane Doe.'}) + "\n")
    out = tmp_path / "out.jsonl"
    assert run(tmp_path, str(src), str(SEED), out=str(out)) == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in lines] == ["a1", "ice-sanctuary-cities"]
    q = lines[0]["quotes"][0]
    assert q["text"] == "We will win," and q["speaker"] == "Mayor Jane Doe"
    assert q["speaker_name"] == "Jane Doe" and q["status"] == "suggested"
    for d in lines:
        for q in d["quotes"]:
            assert d["text"][q["start"] : q["end"]] == q["text"]
    assert lines[1]["speakers"] and capsys.readouterr().out == ""


def test_stdout_default(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(tmp_path, str(SEED)) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["quotes"]


def test_missing_input_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        run(tmp_path, str(tmp_path / "nope.txt"))
