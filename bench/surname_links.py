"""Benchmark: the corpus's surname links (``registry.surname_links``) over many speakers.

The scale benchmark's corpus names ten speakers however many documents it has; a real
corpus of 100,000 articles names tens of thousands. This builds ``--people`` synthetic
people (two full names per surname, a surname alone for a fifth of them, an organisation
per fifth) and times ``SurnameLinks`` over their keys, as the speaker registry works them
out after a speaker came or went (``SpeakerRegistry.links``), ``saywho stats`` once per run.
Then ``save_ms``: a ``SpeakerRegistry`` of as many speakers (three per document) takes a
document back with the same speakers, as after a save, and its links are asked for (they must
stay worked out: only a speaker added, removed or of another kind changes them).
Prints one JSON object: keys, links, seconds (median of ``--runs``), save_ms.

Usage: python bench/surname_links.py [--people N] [--runs N]
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

from annotations.layer_summary import Voice  # noqa: E402
from annotations.registry import SpeakerRegistry, SurnameLinks  # noqa: E402

GIVEN = "ann bob carl dana eve finn gus hal ivy jo".split()


def kinds(people: int, seed: int = 1) -> list[tuple[str, str]]:
    """(key, kind) of a synthetic corpus's speakers."""
    rng = random.Random(seed)
    surnames = ["".join(rng.choice("abcdefghijklmnop") for _ in range(7))
                for _ in range(people // 2)]
    out = {f"{rng.choice(GIVEN)} {s}": "person" for s in surnames for _ in range(2)}
    out.update((s, "person") for s in surnames[: people // 5])
    out.update((f"{s} group", "organization") for s in surnames[: people // 5])
    return list(out.items())


def save_ms(keys: list[tuple[str, str]], saves: int = 20) -> float:
    """Milliseconds for a document saved with the same speakers, then the links asked for."""
    registry = SpeakerRegistry()
    docs = [tuple(Voice(key.title(), kind, stances=(("", 1),)) for key, kind in keys[i:i + 3])
            for i in range(0, len(keys), 3)]
    for n, voices in enumerate(docs):
        registry.set_document(f"d{n}", voices)
    assert registry.links is not None
    start = time.perf_counter()
    for n in range(saves):
        registry.set_document(f"d{n}", docs[n])
        assert registry.links is not None
    return round((time.perf_counter() - start) / saves * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    keys = kinds(args.people)
    times, links = [], SurnameLinks()
    for _ in range(args.runs):
        start = time.perf_counter()
        links = SurnameLinks(keys)
        times.append(time.perf_counter() - start)
    print(json.dumps({"keys": len(keys), "links": len(links),
                      "surname_links_s": round(statistics.median(times), 3),
                      "save_ms": save_ms(keys)}))


if __name__ == "__main__":
    main()
