"""Benchmark: export 10,000 synthetic documents with 100,000 quotes as JSONL and as CSV.

Builds everything in memory first (not timed), then times each writer once into a temp folder.
Prints JSON; the last line is one object with ``jsonl_s`` and ``csv_s`` (targets: <= 10 s each)
and ``<format>_s`` for any other format asked for with ``--formats``.
Usage: python bench/export.py [--docs N] [--quotes-per-doc K] [--formats jsonl,csv,brat,...|all]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.formats.exporters import SUFFIXES, WRITERS  # noqa: E402
from annotations.model import (  # noqa: E402
    Cue,
    Document,
    Layer,
    Mention,
    Quote,
    Speaker,
    layer_from_records,
)

NAMES = ["Jim Kenney", "Ana Müller", "Zoë Ortiz", "Li Wei", "Kwame Mensah", "Sarah O'Neil"]
STANCES = ["support", "oppose", "neutral", "unclear", None]


def synth(n_docs: int, per_doc: int) -> list[tuple[Document, Layer]]:
    """``n_docs`` documents, each with ``per_doc`` direct quotes attributed to named speakers."""
    items = []
    for d in range(n_docs):
        parts: list[str] = []
        quotes: list[Quote] = []
        speakers: dict[str, Speaker] = {}
        pos = 0
        for k in range(per_doc):
            name = NAMES[(d + k) % len(NAMES)]
            lead = f"Paragraph {k} of story {d} about the council, “"
            said = f"This is quote {k}, it costs $4{k} million and we will see,"
            tail = "” said "
            sentence = f"{lead}{said}{tail}{name}.\n\n"
            qs = pos + len(lead)
            qe = qs + len(said)
            cs = qe + 2
            ms = qe + len(tail)
            sid = "spk-" + name.lower().replace(" ", "-")
            mention = Mention(ms, ms + len(name), name)
            prev = speakers.get(sid)
            speakers[sid] = Speaker(
                sid, name, "person", (), (prev.mentions if prev else ()) + (mention,)
            )
            quotes.append(
                Quote(
                    id=f"q{k + 1}",
                    start=qs,
                    end=qe,
                    text=said,
                    type="direct",
                    cue=Cue(cs, cs + 4, "said", "say"),
                    speaker_id=sid,
                    speaker_mention=mention,
                    stance=STANCES[k % len(STANCES)],
                    confidence={"span": 0.9, "speaker": 0.8},
                    status="suggested",
                    origin="bench@1",
                )
            )
            parts.append(sentence)
            pos += len(sentence)
        doc = Document(f"doc-{d:05d}", f"Story {d}", "".join(parts))
        items.append((doc, layer_from_records("suggestions", quotes, speakers.values())))
    return items


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--quotes-per-doc", type=int, default=10)
    ap.add_argument("--formats", default="jsonl,csv", help="comma-separated, or 'all'")
    args = ap.parse_args()
    formats = list(WRITERS) if args.formats == "all" else args.formats.split(",")
    for required in ("jsonl", "csv"):
        if required not in formats:
            formats.insert(0, required)
    t0 = time.perf_counter()
    items = synth(args.docs, args.quotes_per_doc)
    build_s = time.perf_counter() - t0
    result: dict[str, float | int] = {"docs": args.docs, "quotes": args.docs * args.quotes_per_doc}
    with tempfile.TemporaryDirectory() as tmp:
        for name in formats:
            out = Path(tmp) / f"export-{name}{SUFFIXES[name]}"
            t0 = time.perf_counter()
            report = WRITERS[name](items, out)
            elapsed = time.perf_counter() - t0
            assert report.quotes == result["quotes"], report
            size = sum(p.stat().st_size for p in out.rglob("*")) if out.is_dir() else (
                out.stat().st_size)
            result[f"{name}_s"] = round(elapsed, 3)
            result[f"{name}_mb"] = round(size / 1e6, 1)
            print(json.dumps({"format": name, "seconds": round(elapsed, 3), "bytes": size}))
    result["build_s"] = round(build_s, 3)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
