"""Benchmark: the speaker picker's ranking (``registry.scored_speakers``) per typed query.

Ranks ``--people`` synthetic corpus speakers ("Ann Qwerty"…) for a few queries: one letter
(most names hold it: the tiers must stay cheap), a name's start, a surname, full names, and
nothing; and ``smith`` again where one speaker in ten is a Smith (``shared_surname``: every one
of them is in the ``NAMES`` tier). Prints one JSON object: milliseconds per query (median of
``--runs``). What a keystroke in the picker costs at that many speakers (``rapidfuzz`` does the
spelling).

Usage: python bench/speaker_picker.py [--people N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.registry import SpeakerCandidate, scored_speakers  # noqa: E402

GIVEN = "ann bob carl dana eve finn gus hal ivy jo john mary".split()
QUERIES = ("a", "jo", "smith", "john smith", "mike johnson", "zzzq")


def candidates(people: int, seed: int = 2, smiths: int = 0) -> list[SpeakerCandidate]:
    """Synthetic corpus speakers: a given name and a random surname each (Smith for one in
    ``smiths``, when given)."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                       for _ in range(rng.randint(4, 9)))

    return [SpeakerCandidate(
        str(i), f"{rng.choice(GIVEN).title()} {word().title()}"
        + (" Smith" if smiths and i % smiths == 0 else ""), in_document=False)
        for i in range(people)]


def median_ms(cands: list[SpeakerCandidate], query: str, runs: int) -> float:
    """Milliseconds to rank ``cands`` for ``query``, the median of ``runs``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        scored_speakers(cands, query)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cands = candidates(args.people)
    out: dict[str, float] = {}
    for query in QUERIES:
        out[query] = median_ms(cands, query, args.runs)
    out["shared_surname"] = median_ms(candidates(args.people, smiths=10), "smith", args.runs)
    print(json.dumps({"people": args.people, "ms": out}))


if __name__ == "__main__":
    main()
