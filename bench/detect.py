"""Detector speed: articles per second on polnear-train, one process.

Prints one JSON object; key ``articles_per_s``. Skips with a message when the shared data
folder is absent.
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


def main() -> int:
    if not DATA.is_file():
        print(json.dumps({"skipped": f"{DATA} not found"}))
        return 0
    texts = [json.loads(x)["text"] for x in DATA.read_text(encoding="utf-8").splitlines() if x]
    DEFAULT_DETECTOR.detect(texts[0])  # warm the lexicon
    t0 = time.perf_counter()
    quotes = 0
    for text in texts:
        quotes += len(DEFAULT_DETECTOR.detect(text).quotes)
    secs = time.perf_counter() - t0
    print(json.dumps({
        "detector": DEFAULT_DETECTOR.version,
        "articles": len(texts),
        "chars": sum(len(t) for t in texts),
        "quotes": quotes,
        "seconds": round(secs, 2),
        "articles_per_s": round(len(texts) / secs, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
