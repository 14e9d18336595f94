"""Benchmark: the speaker registry of a built project, read as the TUI reads it, and its links.

``bench/scale.py --only tui`` reports ``speaker_registry_s`` after the reader's prefetch has
read the registry already (it reports 0.0 then); this reads it cold, as ``SpeakerFeed`` does
(``registry_from_summaries`` over the corpus index), then works out its surname links
(``SpeakerRegistry.links``). Opens the project read and write (the session may fold its index):
point it at a copy of a benchmark project, e.g. ``cp -a ~/.cache/saywho-bench/scale-100000
/tmp/x``. Prints one JSON object per run.

Usage: python bench/speaker_registry.py FOLDER [--runs N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.registry import registry_from_summaries  # noqa: E402
from annotations.session import Session  # noqa: E402


def measure(folder: Path) -> dict[str, object]:
    """One cold read of the registry and its links."""
    with Session.open(folder, "bench") as session:
        view = session.corpus_view(None)
        ids = list(session.document_ids())
        start = time.perf_counter()
        registry = registry_from_summaries(
            ids, view.layer_voices, lambda d: session.layer(d, view.layer))
        built = time.perf_counter() - start
        start = time.perf_counter()
        links = registry.links
        return {"documents": len(ids), "speakers": len(registry), "links": len(links),
                "speaker_registry_s": round(built, 3),
                "speaker_links_ms": round((time.perf_counter() - start) * 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    for _ in range(args.runs):
        print(json.dumps(measure(args.folder)))


if __name__ == "__main__":
    main()
