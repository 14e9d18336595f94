"""Several annotators' processes edit one shared layer at once: is any edit refused or lost?

A team working on ``final`` (or on one coder's layer opened with ``l``) writes one layer file
from several processes. Each of ``--writers`` processes owns two quotes of a document and, for
``--steps`` steps, sets a note on one of them, undoes or redoes (its own, in that layer),
starting together. Afterwards the layer is read back: every value a process was told was saved
must be on disk, and the merged journal, replayed in its order, must give the file.

Prints per round and, last, one JSON line: ``edits`` (steps tried), ``refused`` (steps that
raised a saywho error, e.g. "changed on disk"), ``lost`` (values reported saved and not on
disk), ``journal_mismatch`` (quotes where the replayed journal and the file differ),
``crashes``, ``seconds``.

Usage: ``python bench/shared_layer.py [--rounds 5] [--writers 4] [--steps 40]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.edits import SetNote  # noqa: E402
from annotations.errors import SaywhoError  # noqa: E402
from annotations.model import SUGGESTIONS_LAYER, Document, Layer, Quote  # noqa: E402
from annotations.session import Session  # noqa: E402
from annotations.store import Project  # noqa: E402

LAYER = "shared"


def _text(quotes: int) -> str:
    return " ".join(f'Person{k} said "statement {k} is here." Then more.' for k in range(quotes))


def _detect(text: str) -> Layer:
    """One direct quote per statement (no detector needed for a storage test)."""
    quotes, at = {}, 0
    while (start := text.find('"statement', at)) != -1:
        end = text.index('."', start) + 1
        qid = f"q{len(quotes)}"
        quotes[qid] = Quote(qid, start + 1, end, text[start + 1:end], "direct", origin="bench@1")
        at = end
    return Layer(SUGGESTIONS_LAYER, quotes, {})


def _step(act: Any, source: list[tuple[str, str, str]], target: list[tuple[str, str, str]],
          value: dict[str, str], *, back: bool) -> None:
    """Undo (``back``) or redo in the shared layer, and the same in the writer's own model of
    its quotes; a step that does nothing raises, counted as refused."""
    if act(("d0", LAYER)) is None:
        raise SaywhoError("nothing to step over")
    qid, old, new = source.pop()
    value[qid] = old if back else new
    target.append((qid, old, new))


def _writer(folder: Path, i: int, writers: int, steps: int, start: Any, out: Any) -> None:
    try:
        rnd = random.Random(i)
        project = Project.open(folder, f"coder{i}")
        mine = [f"q{i}", f"q{i + writers}"]
        value = dict.fromkeys(mine, "")
        undo: list[tuple[str, str, str]] = []
        redo: list[tuple[str, str, str]] = []
        refused = 0
        start.wait()
        for step in range(steps):
            r = rnd.random()
            try:
                if r < 0.65 or not undo:
                    qid, new = rnd.choice(mine), f"coder{i}-{step}"
                    project.apply(SetNote("d0", qid, new, layer=LAYER))
                    undo.append((qid, value[qid], new))
                    value[qid] = new
                    redo.clear()
                elif r < 0.85:
                    _step(project.undo, undo, redo, value, back=True)
                elif redo:
                    _step(project.redo, redo, undo, value, back=False)
            except SaywhoError:
                refused += 1
        project.close()
        out.put(("done", value, refused))
    except Exception:  # noqa: BLE001 - reported, counted as a crash
        out.put(("crash", traceback.format_exc(), 0))


def one_round(writers: int, steps: int) -> dict[str, int]:
    """One round in a fresh project; its counts."""
    folder = Path(tempfile.mkdtemp(prefix="saywho-shared-")) / "p"
    with Session.open(folder, "builder", detect=_detect) as session:
        session.import_documents([Document("d0", "Doc", _text(2 * writers))])
    start, out = mp.Barrier(writers), mp.Queue()
    procs = [mp.Process(target=_writer, args=(folder, i, writers, steps, start, out))
             for i in range(writers)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join()
    counts = {"edits": writers * steps, "refused": 0, "lost": 0, "journal_mismatch": 0,
              "crashes": 0}
    with Project.open(folder, "checker", read_only=True) as project:
        layer = project.layer("d0", LAYER)
        replayed: dict[str, str | None] = {}
        for entry in project.journal():
            if entry.get("layer") == LAYER and entry.get("op") in ("edit", "undo", "redo"):
                for qid, after in (entry["change"].get("quotes_after") or {}).items():
                    replayed[qid] = (after or {}).get("note")
    for kind, value, refused in results:
        if kind == "crash":
            counts["crashes"] += 1
            print(value, file=sys.stderr)
            continue
        counts["refused"] += refused
        counts["lost"] += sum(layer.quotes[qid].note != v for qid, v in value.items())
    counts["journal_mismatch"] = sum(
        qid in replayed and replayed[qid] != q.note for qid, q in layer.quotes.items())
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    began = time.perf_counter()
    total = {"edits": 0, "refused": 0, "lost": 0, "journal_mismatch": 0, "crashes": 0}
    for n in range(args.rounds):
        counts = one_round(args.writers, args.steps)
        print(f"round {n + 1}: {counts}")
        for key, value in counts.items():
            total[key] += value
    total.update(rounds=args.rounds, writers=args.writers,
                 seconds=round(time.perf_counter() - began, 1))
    print(json.dumps(total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
