"""Benchmark: the speaker picker's ranking (``registry.scored_speakers``) per typed query.

Ranks ``--people`` synthetic corpus speakers ("Ann Qwerty"…) for a few queries: one letter
(most names hold it: the tiers must stay cheap), a name's start, a surname, full names, and
nothing. Prints one JSON object: milliseconds per query (median of ``--runs``). What a
keystroke in the picker costs at that many speakers (``rapidfuzz`` does the spelling).

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


def candidates(people: int, seed: int = 2) -> list[SpeakerCandidate]:
    """Synthetic corpus speakers: a given name and a random surname each."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                       for _ in range(rng.randint(4, 9)))

    return [SpeakerCandidate(str(i), f"{rng.choice(GIVEN).title()} {word().title()}",
                             in_document=False) for i in range(people)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cands = candidates(args.people)
    out: dict[str, float] = {}
    for query in QUERIES:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            scored_speakers(cands, query)
            times.append(time.perf_counter() - start)
        out[query] = round(statistics.median(times) * 1000, 1)
    print(json.dumps({"people": args.people, "ms": out}))


if __name__ == "__main__":
    main()
