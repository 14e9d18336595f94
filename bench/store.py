"""Median milliseconds per saved edit in projects of 100 and 10,000 documents (10 quotes each),
and the time to open a project whose journal holds 100 or 100,000 entries.

Each edit goes through ``Project.apply``: journaled (one fsynced line), then written atomically
(temp file, fsync, rename, folder fsync). The cost must not grow with the corpus. Opening must
not grow with the journal either: it reads the journal's checkpoint and the lines after it, not
the journal (``open_ratio_journal_100k`` is the 100,000-entry open over the 100-entry one; the
first open after the entries are written rebuilds the checkpoint and is reported apart).
A team writes at once: ``edit_ms_median_3_writers`` is the median per saved edit while three
annotator processes edit the same 100-document project at the same time (each its own layer;
target: at most 2x ``edit_ms_median_100``). ``edit_ms_median_1_writer_process`` is the same
measure with one such process alone: the 3-writer figure over it is the cost of contention.
The disk of a shared machine speeds up and slows down over a run, so the figures that are
compared (the 100-document single writer, the three writers, the one writer process) are taken
in alternating rounds (``--rounds``, default 3) and each one's edits pooled.
Prints JSON; the last line is one JSON object with ``edit_ms_median_100``,
``edit_ms_median_10000``, ``edit_ms_median_3_writers``, ``open_ms_journal_100``,
``open_ms_journal_100k`` and ``open_ratio_journal_100k``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.edits import AcceptQuote, RejectQuote, SetNote, SetSpan, SetStance  # noqa: E402
from annotations.model import Document, Layer, Quote  # noqa: E402
from annotations.store import Project  # noqa: E402
from annotations.store.journal import journal_path  # noqa: E402

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
JOURNAL_DOCS = 20
OPENS = 25
STANCES = ("support", "oppose", "neutral", "unclear")


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


def timed_edits(project: Project, rng: random.Random) -> list[float]:
    """``EDITS`` edits on random quotes (accept, stance, span in turn), each timed in ms."""
    ids = project.document_ids()
    times = []
    for k in range(EDITS):
        doc = rng.choice(ids)
        qid = f"q{rng.randint(1, 10)}"
        q = project.layer(doc).quotes[qid]  # each edit changes something (a restatement is
        t0 = time.perf_counter()            # refused, not saved)
        if k % 3 == 0:
            status = RejectQuote if q.status == "accepted" else AcceptQuote
            project.apply(status(doc, quote_id=qid))
        elif k % 3 == 1:
            stance = "support" if q.stance == "oppose" else "oppose"
            project.apply(SetStance(doc, quote_id=qid, stance=stance))
        else:
            project.apply(SetSpan(doc, quote_id=qid, start=q.start, end=q.end - 1))
        times.append((time.perf_counter() - t0) * 1000)
    return times


def measure(n_docs: int, rng: random.Random) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        project = Project.open(Path(tmp) / "p", "bench")
        docs = (Document(f"doc{i}", f"Doc {i}", make_text(rng)) for i in range(n_docs))
        project.add_documents((doc, ten_quotes(doc.text)) for doc in docs)
        build_s = time.perf_counter() - t0
        project.close()
        os.sync()  # the build's writeback must not land in the edits' fsyncs
        t0 = time.perf_counter()
        project = Project.open(Path(tmp) / "p", "bench")
        open_ms = (time.perf_counter() - t0) * 1000
        times = timed_edits(project, rng)
        project.close()
    return {
        "docs": n_docs,
        "build_s": round(build_s, 2),
        "open_ms": round(open_ms, 1),
        **summary(times),
    }


def summary(times: list[float]) -> dict[str, Any]:
    """Median and 95th percentile of edit times (ms), and how many."""
    times = sorted(times)
    return {
        "edit_ms_median": round(statistics.median(times), 3),
        "edit_ms_p95": round(times[int(0.95 * len(times)) - 1], 3),
        "edits": len(times),
        "times": times,
    }


def alternating(rng: random.Random, rounds: int) -> dict[str, dict[str, Any]]:
    """The single writer (in this process, 100 documents), the three team writers and the one
    team writer, measured in turn ``rounds`` times, each figure's edits pooled: the disk's speed
    drifts over a run, and figures that are compared must see the same drift."""
    pooled: dict[str, list[float]] = {"single": [], "team": [], "alone": []}
    first: dict[str, Any] = {}
    for _ in range(rounds):
        small = measure(100, rng)
        first = first or small
        pooled["single"] += small.pop("times")
        pooled["team"] += measure_team(rng)["times"]
        pooled["alone"] += measure_team(rng, writers=1)["times"]
    single = {**first, **summary(pooled["single"])}
    return {"single": single, "team": {"writers": 3, **summary(pooled["team"])},
            "alone": {"writers": 1, **summary(pooled["alone"])}}


def team_writer(folder: str, annotator: str, seed: int) -> None:
    """One annotator's process of ``measure_team``: open, read every document once (as the
    single writer has, having just built the project), say "ready", wait for "go" on stdin,
    then print the edit times as one JSON list."""
    project = Project.open(folder, annotator, create=False)
    if project.read_only:
        raise SystemExit(f"read-only: {project.read_only_reason}")
    for doc in project.document_ids():
        project.document(doc)
        project.layer(doc)
    print("ready", flush=True)
    sys.stdin.readline()
    times = timed_edits(project, random.Random(seed))
    project.close()
    print(json.dumps(times))


def measure_team(rng: random.Random, writers: int = 3) -> dict[str, float]:
    """Median ms per saved edit while ``writers`` annotator processes edit one project at once
    (started together: each opens the project and reads every document once, as the
    single-writer figure's process has, then all begin on the same signal)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "p"
        with Project.open(folder, "bench") as project:
            docs = (Document(f"doc{i}", f"Doc {i}", make_text(rng)) for i in range(100))
            project.add_documents((doc, ten_quotes(doc.text)) for doc in docs)
        os.sync()  # as in measure: the build's writeback stays out of the edits' fsyncs
        procs = []
        for i in range(writers):
            procs.append(subprocess.Popen(
                [sys.executable, __file__, "--team-writer", str(folder), f"coder{i}", str(i)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            ))
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        times: list[float] = []
        for proc in procs:
            out, _ = proc.communicate(timeout=600)
            if proc.returncode != 0:
                raise SystemExit(f"a team writer failed (exit {proc.returncode})")
            times.extend(json.loads(out.strip().splitlines()[-1]))
    return {"writers": writers, **summary(times)}


def write_journal(folder: Path, entries: int, layers: dict[str, Layer], rng: random.Random) -> None:
    """``entries`` journal lines for one annotator, as the store writes them: mostly edits (a
    stance, a status or a note on one quote, before and after), some undone, some redone."""
    ts = "2025-01-01T00:00:00+00:00"
    current = {
        (doc, qid): q.to_dict() for doc, layer in layers.items() for qid, q in layer.quotes.items()
    }
    keys = list(current)
    undo: list[dict[str, Any]] = []
    redo: list[dict[str, Any]] = []
    with open(journal_path(folder, "bench"), "wb") as fh:
        for n in range(entries):
            roll = rng.random()
            if roll < 0.15 and undo:
                edit = undo.pop()
                redo.append(edit)
                line = _step_line("undo", edit, ts)
            elif roll < 0.22 and redo:
                edit = redo.pop()
                undo.append(edit)
                line = _step_line("redo", edit, ts)
            else:
                doc, qid = rng.choice(keys)
                before = current[(doc, qid)]
                after = dict(before, updated=ts)
                field = n % 3
                if field == 0:
                    after["stance"] = rng.choice(STANCES)
                elif field == 1:
                    after["status"] = rng.choice(("accepted", "rejected", "suggested"))
                else:
                    after["note"] = f"note {n}"
                current[(doc, qid)] = after
                line = {
                    "id": uuid.uuid4().hex,
                    "ts": ts,
                    "annotator": "bench",
                    "op": "edit",
                    "what": f"edit {qid}",
                    "ref": None,
                    "doc": doc,
                    "layer": "bench",
                    "change": {
                        "quotes_before": {qid: before},
                        "quotes_after": {qid: after},
                        "speakers_before": {},
                        "speakers_after": {},
                    },
                }
                undo.append(line)
                redo.clear()
            fh.write(orjson.dumps(line) + b"\n")


def _step_line(op: str, edit: dict[str, Any], ts: str) -> dict[str, Any]:
    change = edit["change"]
    if op == "undo":
        change = {
            "quotes_before": change["quotes_after"],
            "quotes_after": change["quotes_before"],
            "speakers_before": {},
            "speakers_after": {},
        }
    return {
        "id": uuid.uuid4().hex,
        "ts": ts,
        "annotator": "bench",
        "op": op,
        "what": f"{op} {edit['what']}",
        "ref": edit["id"],
        "doc": edit["doc"],
        "layer": "bench",
        "change": change,
    }


def journal_project(folder: Path, entries: int, rng: random.Random) -> float:
    """A project of ``JOURNAL_DOCS`` documents with ``entries`` journal lines, then one real
    edit; returns the first open's milliseconds (the one that builds the checkpoint)."""
    project = Project.open(folder, "bench")
    docs = [Document(f"doc{i}", f"Doc {i}", make_text(rng)) for i in range(JOURNAL_DOCS)]
    project.add_documents((doc, ten_quotes(doc.text)) for doc in docs)
    layers = {doc.id: project.layer(doc.id) for doc in docs}
    project.close()
    write_journal(folder, entries, layers, rng)
    t0 = time.perf_counter()
    project = Project.open(folder, "bench")
    first_ms = (time.perf_counter() - t0) * 1000
    assert project.can_undo
    project.apply(SetNote("doc0", quote_id="q1", note=f"after the journal {rng.random()}"))
    project.close()
    return first_ms


def measure_journal_open(rng: random.Random) -> dict[str, float]:
    """Median open milliseconds of a project with 100 and with 100,000 journal entries (opens
    of the two alternate, so a busy machine slows both alike)."""
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "j100", Path(tmp) / "j100k"
        first_small = journal_project(small, 100, rng)
        first_large = journal_project(large, 100_000, rng)
        times: dict[Path, list[float]] = {small: [], large: []}
        for _ in range(OPENS):
            for folder in (small, large):
                t0 = time.perf_counter()
                project = Project.open(folder, "bench")
                times[folder].append((time.perf_counter() - t0) * 1000)
                assert project.can_undo
                project.close()
        with Project.open(large, "bench") as project:
            assert project.undo() is not None  # the real edit, the last on disk
    small_ms, large_ms = statistics.median(times[small]), statistics.median(times[large])
    return {
        "open_ms_journal_100": round(small_ms, 2),
        "open_ms_journal_100k": round(large_ms, 2),
        "open_ratio_journal_100k": round(large_ms / small_ms, 2),
        "open_ms_journal_100_first": round(first_small, 1),
        "open_ms_journal_100k_first": round(first_large, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds of the 100-document and team figures")
    args = parser.parse_args()
    rng = random.Random(7)
    figures = alternating(rng, args.rounds)
    small, team, alone = figures["single"], figures["team"], figures["alone"]
    large = measure(10_000, rng)
    large.pop("times")
    for figure in (small, large, team, alone):
        print(json.dumps({k: v for k, v in figure.items() if k != "times"}))
    opening = measure_journal_open(rng)
    print(json.dumps(opening))
    print(
        json.dumps(
            {
                "edit_ms_median_100": small["edit_ms_median"],
                "edit_ms_median_10000": large["edit_ms_median"],
                "edit_ms_p95_100": small["edit_ms_p95"],
                "edit_ms_p95_10000": large["edit_ms_p95"],
                "ratio_10000_vs_100": round(large["edit_ms_median"] / small["edit_ms_median"], 2),
                "edit_ms_median_3_writers": team["edit_ms_median"],
                "edit_ms_p95_3_writers": team["edit_ms_p95"],
                "ratio_3_writers_vs_1": round(team["edit_ms_median"] / small["edit_ms_median"], 2),
                "edit_ms_median_1_writer_process": alone["edit_ms_median"],
                "ratio_3_writers_vs_1_process": round(
                    team["edit_ms_median"] / alone["edit_ms_median"], 2
                ),
                "open_ms_10000": large["open_ms"],
                "edits_per_size": EDITS,
                **opening,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--team-writer"]:
        team_writer(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
