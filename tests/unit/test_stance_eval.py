"""``saywho stance-eval``: the simulation's honesty, the JSON shape, bad input."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import pytest

from annotations.errors import InputError, SaywhoError
from annotations.stance.metrics import f1avg, macro_f1, polar_labels
from annotations.stance.simulate import evaluate, parse_lines
from tui.commands import stance_eval

WORDS = {
    "favor": ["love", "yes", "support", "great", "proud"],
    "against": ["hate", "no", "stop", "awful", "shame"],
    "none": ["weather", "lunch", "monday", "train", "music"],
}


def write_file(path: Path, n: int = 90) -> Path:
    rng = random.Random(0)
    lines = []
    for i in range(n):
        label = ("against", "against", "favor", "none")[i % 4]
        words = rng.sample(WORDS[label], 3) + rng.sample(["the", "a", "it", "is", "so"], 3)
        rng.shuffle(words)
        lines.append(json.dumps({"id": f"t{i}", "text": " ".join(words), "target": "x",
                                 "label": label}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(argv: list[str]) -> int:
    """Through ``tui.cli`` when the command is wired in, else through its own parser."""
    from tui.cli import build_parser, main

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "stance-eval" in sub.choices:
        return main(["stance-eval", *argv])
    own = argparse.ArgumentParser(prog="saywho")
    stance_eval.register(own.add_subparsers(dest="command"))
    args = own.parse_args(["stance-eval", *argv])
    try:
        return args.func(args)
    except SaywhoError as exc:
        import sys

        print(f"saywho: {exc.message}", file=sys.stderr)
        return 1


def test_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_file(tmp_path / "s.jsonl")
    assert run_cli([str(path), "--labels", "10,30", "--json", "--seed", "1"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    data = json.loads(out[0])
    assert set(data) == {"majority", "labels"}
    assert set(data["majority"]) == {"f1avg", "macro_f1"}
    assert set(data["labels"]) == {"10", "30"}
    for row in data["labels"].values():
        assert set(row) == {"f1avg", "macro_f1"}
        assert 0.0 <= row["f1avg"] <= 1.0 and 0.0 <= row["macro_f1"] <= 1.0
    assert data["labels"]["30"]["f1avg"] > data["majority"]["f1avg"]


def test_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_file(tmp_path / "s.jsonl", 40)
    assert run_cli([str(path), "--labels", "10"]) == 0
    out = capsys.readouterr().out
    assert "majority" in out and "F1avg" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "not JSON"),
        ('{"id": "a", "text": "x"}\n', "missing label"),
        ('{"id": "a", "text": "x", "label": "favor"}\n', "at least two different labels"),
        ("[1, 2]\n", "expected a JSON object"),
        ('{"id": "a", "text": "t", "label": ["x"]}\n', "label must be a string, not list"),
        ('{"id": "a", "text": {"y": 1}, "label": "x"}\n', "text must be a string, not dict"),
    ],
)
def test_bad_file_is_one_line_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    assert run_cli([str(path), "--json"]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_a_file_that_is_not_utf8_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"id":"l1","text":"caf\xe9","label":"x"}\n')
    assert run_cli([str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "not valid UTF-8 (byte 0xe9" in err and len(err.splitlines()) == 1


def test_missing_file_and_bad_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli([str(tmp_path / "nope.jsonl")]) == 1
    assert "cannot read" in capsys.readouterr().err
    path = write_file(tmp_path / "s.jsonl", 30)
    assert run_cli([str(path), "--labels", "ten"]) == 1
    assert run_cli([str(path), "--labels", "30"]) == 1
    assert "cannot leave any unlabelled" in capsys.readouterr().err


def test_only_asked_labels_are_revealed_and_rest_is_scored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The model never sees a gold label the learner did not ask for."""
    from annotations.stance import model as model_mod

    gold = parse_lines(write_file(tmp_path / "s.jsonl", 60).read_text().splitlines())
    seen: list[int] = []
    original = model_mod.StanceModel.fit

    def spy(self, examples, **kw):  # type: ignore[no-untyped-def]
        seen.append(len(examples))
        return original(self, examples, **kw)

    monkeypatch.setattr(model_mod.StanceModel, "fit", spy)
    result = evaluate(gold, (5, 20), seed=0)
    assert seen == list(range(1, 21))
    assert [c.n_rest for c in result.counts] == [55, 40]


def test_polar_labels_and_metrics() -> None:
    assert polar_labels(["none", "favor", "against"]) == ("favor", "against")
    assert polar_labels(["neutral", "support", "oppose", "unclear"]) == ("support", "oppose")
    uk = ["restrictive"] * 5 + ["open"] * 2 + ["neutral"] * 9
    assert polar_labels(uk) == ("restrictive", "open")
    gold = ["favor", "against", "none", "against"]
    pred = ["favor", "none", "none", "against"]
    assert f1avg(gold, pred, ("favor", "against")) == pytest.approx((1.0 + 2 / 3) / 2)
    assert macro_f1(gold, pred, ("favor", "against", "none")) == pytest.approx(
        (1.0 + 2 / 3 + 2 / 3) / 3
    )


def test_parse_rejects_duplicates() -> None:
    with pytest.raises(InputError, match="duplicate id"):
        parse_lines(
            ['{"id": 1, "text": "a", "label": "x"}', '{"id": 1, "text": "b", "label": "y"}']
        )
