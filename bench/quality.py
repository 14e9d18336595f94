"""Quality of the default detector on the shared gold sets, scored by ../shared/eval/score.py.

Runs ``DEFAULT_DETECTOR`` on ggt-dev, polnear-dev and polnear-train (never tuned on: the
held-out check), writes predictions (interchange JSONL; the parts of a split quote are written
as separate items, the way the gold files store discontinuous quotes) to a temporary file,
scores them with ``score.py --json`` and prints one JSON object per file; then
``saywho detect-eval`` (the project model learned from the first 5/10/20 corrected articles,
scored on the second half of the file) on ggt-dev, polnear-dev and polnear-train (marked
``"held_out": true``: the learned model is never tuned on it), one line each, with each N's
gate status; then ggt-dev and polnear-dev again with their texts hard-wrapped at
``WRAP_COLUMNS`` (a space before each line's end made a line break, as wire and database
exports wrap them; the offsets stay those of the gold), one line each; then a last line with
everything. Skips (exit 0, message) when the shared data folder is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.detect import DEFAULT_DETECTOR  # noqa: E402
from annotations.learn.simulate import prediction_line  # noqa: E402

SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
SCORER = SHARED / "eval" / "score.py"
FILES = ("ggt-dev.jsonl", "polnear-dev.jsonl", "polnear-train.jsonl")
DETECT_EVAL_FILES = ("ggt-dev.jsonl", "polnear-dev.jsonl", "polnear-train.jsonl")
HELD_OUT = frozenset({"polnear-train.jsonl"})  # never tuned on: the check on unseen articles
DETECT_EVAL_ARTICLES = (5, 10, 20)
WRAPPED_FILES = ("ggt-dev.jsonl", "polnear-dev.jsonl")
WRAP_COLUMNS = 72


def hard_wrapped(text: str, columns: int = WRAP_COLUMNS) -> str:
    """``text`` with its lines wrapped at ``columns``: the last space before a line grows past
    it becomes a line break (same length, same offsets)."""
    out = list(text)
    col, space = 0, -1
    for i, c in enumerate(text):
        if c == "\n":
            col, space = 0, -1
            continue
        col += 1
        if c == " ":
            space = i
        if col > columns and space >= 0:
            out[space] = "\n"
            col, space = i - space, -1
    return "".join(out)


def predict_line(doc_id: str, text: str) -> dict:
    """One prediction line of the default detector (``prediction_line``: split quotes become
    one item per part)."""
    return prediction_line(doc_id, text, DEFAULT_DETECTOR.detect(text))


def run(name: str, wrapped: bool = False) -> dict:
    """Predict and score one gold file (``wrapped``: its texts hard-wrapped first)."""
    gold = DATA / name
    docs = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if x.strip()]
    if wrapped:
        docs = [dict(d, text=hard_wrapped(d["text"])) for d in docs]
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False,
                                         encoding="utf-8") as g:
            g.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
        gold = Path(g.name)
    t0 = time.perf_counter()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(predict_line(d["id"], d["text"]), ensure_ascii=False) + "\n")
        pred = f.name
    secs = time.perf_counter() - t0
    out = subprocess.run(
        [sys.executable, str(SCORER), str(gold), pred, "--json"],
        capture_output=True, text=True, check=True,
    )
    Path(pred).unlink()
    if wrapped:
        gold.unlink()
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["file"] = name
    res["hard_wrapped"] = wrapped
    res["articles_per_s"] = round(len(docs) / secs, 1)
    return res


def main() -> int:
    if not DATA.is_dir() or not SCORER.is_file():
        print(json.dumps({"skipped": f"shared data not found at {DATA}"}))
        return 0
    summary = {}
    for name in FILES:
        res = run(name)
        print(json.dumps(res))
        summary[name] = {
            "span_f1_overlap50": res["span_overlap50"]["F1"],
            "span_f1_exact": res["span_exact"]["F1"],
            "end_to_end_f1": res["end_to_end_overlap50_plus_speaker"]["F1"],
            "resolved_to_ref": res["speaker_acc_on_matched"]["resolved_to_ref"],
        }
    learned = {}
    for name in DETECT_EVAL_FILES:
        res = detect_eval_file(name)
        print(json.dumps({"detect_eval": name, "held_out": name in HELD_OUT, **res}))
        learned[name] = {"base": res["base"], "articles": res["articles"],
                         "held_out": name in HELD_OUT,
                         "trusted": {n: m["trusted"] for n, m in res["models"].items()}}
    wrapped = {}
    for name in WRAPPED_FILES:
        res = run(name, wrapped=True)
        print(json.dumps(res))
        wrapped[name] = res["span_overlap50"]["F1"]
    print(json.dumps({"detector": DEFAULT_DETECTOR.version, "quality": summary,
                      "detect_eval": learned, "hard_wrapped_span_f1": wrapped}))
    return 0


def detect_eval_file(name: str) -> dict:
    """``saywho detect-eval`` on one gold file (5, 10, 20 corrected articles), with the time."""
    from annotations.learn.simulate import detect_eval

    docs = [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines()
            if x.strip()]
    t0 = time.perf_counter()
    res = detect_eval(docs, DETECT_EVAL_ARTICLES)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    return res


if __name__ == "__main__":
    sys.exit(main())
