"""``annotations.evaluate`` gives exactly what ``../shared/eval/score.py`` gives."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.evaluate import evaluate, norm_span, speaker_ok

SHARED = Path(__file__).resolve().parents[3] / "shared"
SCORE_PY = SHARED / "eval" / "score.py"
DATA = SHARED / "data"

needs_score = pytest.mark.skipif(not SCORE_PY.exists(), reason=f"{SCORE_PY} not found")

TEXT = (
    "“We will not back down,” Mayor Jim Kenney said on Monday. “Never,” he added.\n\n"
    "The council said that it would vote again. According to Ana Müller, the plan is dead. "
    "Critics called it 'sanctuary' policy, said Zoë Ortiz, the director of Open Doors."
)


def _span(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def _q(text: str, piece: str, typ: str, speaker: str | None, **extra: object) -> dict:
    s, e = _span(text, piece)
    return {"start": s, "end": e, "type": typ, "speaker": speaker, **extra}


def small_files() -> tuple[list[dict], list[dict]]:
    """A gold and a pred doc exercising exact, overlap, type, pronoun and ref rules."""
    gold = [
        {
            "id": "d1",
            "text": TEXT,
            "quotes": [
                _q(TEXT, "We will not back down,", "direct", "Mayor Jim Kenney",
                   speaker_ref="Jim Kenney"),
                _q(TEXT, "Never,", "direct", "he", speaker_ref="Jim Kenney"),
                _q(TEXT, "it would vote again", "indirect", "The council"),
                _q(TEXT, "the plan is dead", "indirect", "Ana Müller", speaker_ref="Ana Müller"),
                _q(TEXT, "Critics called it 'sanctuary' policy", "mixed", "Zoë Ortiz"),
            ],
        },
        {"id": "d2", "text": "Nothing was said here.", "quotes": []},
        {"id": "x3", "text": "“Yes,” she said.", "quotes": [
            {"start": 1, "end": 5, "type": "direct", "speaker": None}]},
    ]
    pred = [
        {
            "id": "d1",
            "quotes": [
                # exact after trimming the comma and the quote marks
                _q(TEXT, "“We will not back down,”", "direct", "Kenney"),
                # pronoun resolved through speaker_name
                _q(TEXT, "Never", "direct", "he", speaker_name="Jim Kenney"),
                # overlap only, wrong speaker
                _q(TEXT, "said that it would vote", "indirect", "Monday"),
                # spurious prediction
                _q(TEXT, "The council said", "indirect", None),
                # overlapping the mixed quote, head-word speaker match
                _q(TEXT, "called it 'sanctuary' policy, said Zoë", "direct", "Ms. Ortiz"),
            ],
        },
        {"id": "x3", "quotes": [{"start": 0, "end": 6, "type": "direct", "speaker": "she"}]},
    ]
    return gold, pred


def run_score(gold: Path, pred: Path, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCORE_PY), str(gold), str(pred), "--json", *args],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def write_jsonl(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    return path


def ours(gold: list[dict], pred: list[dict], **kw: object) -> dict:
    return evaluate(gold, {p["id"]: p for p in pred}, **kw)


def test_norm_span_trims_marks_and_punctuation() -> None:
    text = "“Hello, world!” said"
    assert norm_span(text, 0, 15) == (1, 13)


def test_speaker_name_credits_a_resolved_pronoun() -> None:
    gold = {"speaker": "he", "speaker_ref": "Jim Kenney"}
    assert speaker_ok(gold, {"speaker": "he", "speaker_name": "Jim Kenney"}, True)
    assert not speaker_ok(gold, {"speaker": "she"}, True)


@needs_score
@pytest.mark.parametrize("args", [(), ("--only-type", "direct"), ("--filter", "^d")])
def test_same_result_as_score_py_on_a_small_file(tmp_path: Path, args: tuple[str, ...]) -> None:
    gold, pred = small_files()
    expected = run_score(write_jsonl(tmp_path / "g.jsonl", gold),
                         write_jsonl(tmp_path / "p.jsonl", pred), *args)
    kw: dict = {}
    if args and args[0] == "--only-type":
        kw["only_type"] = args[1]
    if args and args[0] == "--filter":
        kw["id_filter"] = args[1]
    assert ours(gold, pred, **kw) == expected
    assert expected["span_overlap50"]["tp"] >= 3  # the file exercises matching


def perturbed(gold: list[dict], seed: int) -> list[dict]:
    """Predictions derived from gold: spans shifted, speakers dropped or swapped, extras added."""
    rng = random.Random(seed)
    preds = []
    for doc in gold:
        quotes = []
        names = [q.get("speaker") for q in doc["quotes"] if q.get("speaker")] or [None]
        for q in doc["quotes"]:
            roll = rng.random()
            if roll < 0.15:
                continue
            s, e = q["start"], q["end"]
            if roll < 0.5:
                s = max(0, s + rng.randint(-15, 15))
                e = min(len(doc["text"]), max(s + 1, e + rng.randint(-25, 10)))
            speaker = q.get("speaker")
            if rng.random() < 0.3:
                speaker = rng.choice(names)
            quotes.append({"start": s, "end": e, "type": q["type"], "speaker": speaker,
                           "speaker_name": q.get("speaker_ref") if rng.random() < 0.5 else None})
        if len(doc["text"]) > 40 and rng.random() < 0.7:
            s = rng.randrange(0, len(doc["text"]) - 30)
            quotes.append({"start": s, "end": s + 30, "type": "direct", "speaker": None})
        preds.append({"id": doc["id"], "quotes": quotes})
    return preds


@needs_score
@pytest.mark.parametrize("name", ["ggt-dev.jsonl", "polnear-dev.jsonl"])
def test_same_result_as_score_py_on_shared_gold(tmp_path: Path, name: str) -> None:
    gold_path = DATA / name
    if not gold_path.exists():
        pytest.skip(f"{gold_path} not found (shared data absent)")
    gold = [json.loads(line) for line in gold_path.read_text("utf-8").splitlines() if line.strip()]
    # gold against itself: everything matches
    same = ours(gold, gold)
    assert same == run_score(gold_path, gold_path)
    assert same["span_exact"]["F1"] == 100.0
    # gold against a perturbed copy, plain and restricted to direct quotes
    pred = perturbed(gold, seed=7)
    pred_path = write_jsonl(tmp_path / "pred.jsonl", pred)
    assert ours(gold, pred) == run_score(gold_path, pred_path)
    assert ours(gold, pred, only_type="direct") == run_score(
        gold_path, pred_path, "--only-type", "direct"
    )
