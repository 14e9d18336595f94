"""Detector speed: articles per second on polnear-train, one process.

The corpus is run three times and the fastest pass is reported (as ``timeit`` does: slower
passes measure other load on the machine, not the detector). Prints one JSON object with
``articles_per_s`` (wall clock, fastest pass) and ``articles_per_s_cpu`` (process CPU time).
Skips with a message when the shared data folder is absent.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.detect import DEFAULT_DETECTOR  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "polnear-train.jsonl"
PASSES = 3


def main() -> int:
    if not DATA.is_file():
        print(json.dumps({"skipped": f"{DATA} not found"}))
        return 0
    texts = [json.loads(x)["text"] for x in DATA.read_text(encoding="utf-8").splitlines() if x]
    DEFAULT_DETECTOR.detect(texts[0])  # warm the lexicon and the compiled patterns
    walls, cpus = [], []
    quotes = 0
    for _ in range(PASSES):
        w0, c0 = time.perf_counter(), time.process_time()
        quotes = sum(len(DEFAULT_DETECTOR.detect(text).quotes) for text in texts)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    print(json.dumps({
        "detector": DEFAULT_DETECTOR.version,
        "articles": len(texts),
        "chars": sum(len(t) for t in texts),
        "quotes": quotes,
        "passes": PASSES,
        "seconds_per_pass": [round(w, 2) for w in walls],
        "articles_per_s_cpu": round(len(texts) / min(cpus), 1),
        "articles_per_s": round(len(texts) / min(walls), 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
