"""Median milliseconds per saved edit in projects of 100 and 10,000 documents (10 quotes each).

Each edit goes through ``Project.apply``: computed, written atomically (temp file, fsync,
rename, folder fsync) and journaled. The cost must not grow with the corpus.
Prints JSON; the last line is one JSON object with ``edit_ms_median_100`` and
``edit_ms_median_10000``.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.edits import AcceptQuote, SetSpan, SetStance  # noqa: E402
from annotations.model import Document, Layer, Quote  # noqa: E402
from annotations.store import Project  # noqa: E402

WORDS = [
    "the",
    "mayor",
    "said",
    "that",
    "council",
    "would",
    "vote",
    "on",
    "the",
    "plan",
    "again",
    "next",
    "week",
]
EDITS = 300


def make_text(rng: random.Random) -> str:
    sentences = []
    for _ in range(20):
        body = " ".join(rng.choice(WORDS) for _ in range(12))
        sentences.append(f'"{body.capitalize()}," said Official {rng.randint(1, 99)}.')
    return " ".join(sentences)


def ten_quotes(text: str) -> Layer:
    quotes = {}
    start = 0
    for i in range(10):
        s = text.index('"', start) + 1
        e = text.index('"', s) - 1
        quotes[f"q{i + 1}"] = Quote(f"q{i + 1}", s, e, text[s:e], confidence={"span": 0.5})
        start = e + 2
    return Layer("suggestions", quotes, {})


def measure(n_docs: int, rng: random.Random) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        project = Project.open(Path(tmp) / "p", "bench")
        docs = (Document(f"doc{i}", f"Doc {i}", make_text(rng)) for i in range(n_docs))
        project.add_documents((doc, ten_quotes(doc.text)) for doc in docs)
        build_s = time.perf_counter() - t0
        project.close()
        t0 = time.perf_counter()
        project = Project.open(Path(tmp) / "p", "bench")
        open_ms = (time.perf_counter() - t0) * 1000
        ids = project.document_ids()
        times = []
        for k in range(EDITS):
            doc = rng.choice(ids)
            qid = f"q{rng.randint(1, 10)}"
            kind = k % 3
            t0 = time.perf_counter()
            if kind == 0:
                project.apply(AcceptQuote(doc, quote_id=qid))
            elif kind == 1:
                project.apply(SetStance(doc, quote_id=qid, stance="oppose"))
            else:
                q = project.layer(doc).quotes[qid]
                project.apply(SetSpan(doc, quote_id=qid, start=q.start, end=q.end - 1))
            times.append((time.perf_counter() - t0) * 1000)
        project.close()
    times.sort()
    return {
        "docs": n_docs,
        "build_s": round(build_s, 2),
        "open_ms": round(open_ms, 1),
        "edit_ms_median": round(statistics.median(times), 3),
        "edit_ms_p95": round(times[int(0.95 * len(times)) - 1], 3),
    }


def main() -> None:
    rng = random.Random(7)
    small = measure(100, rng)
    print(json.dumps(small))
    large = measure(10_000, rng)
    print(json.dumps(large))
    print(
        json.dumps(
            {
                "edit_ms_median_100": small["edit_ms_median"],
                "edit_ms_median_10000": large["edit_ms_median"],
                "edit_ms_p95_100": small["edit_ms_p95"],
                "edit_ms_p95_10000": large["edit_ms_p95"],
                "ratio_10000_vs_100": round(large["edit_ms_median"] / small["edit_ms_median"], 2),
                "open_ms_10000": large["open_ms"],
                "edits_per_size": EDITS,
            }
        )
    )


if __name__ == "__main__":
    main()
