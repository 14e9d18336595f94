"""Benchmark: the library and the review queue at corpus scale (issue "Corpus scale").

Builds two projects, 1,000 and 100,000 documents of 10 quotes each (``--quick``: 1,000 and
10,000), without the detector: each document's suggestions are generated here and written
through the store's own bulk path (``Project.add_documents``), which also writes the corpus
index as it goes; then a second annotator's layer (``bench2``: most suggestions accepted,
some rejected, stances set, a few spans and speakers changed) is stored on every document
through ``Project.put_layer``, for ``saywho agree``. Projects are kept between runs in
``$SAYWHO_BENCH_DIR`` (default ``~/.cache/saywho-bench``) and rebuilt only when missing (a
``built.json`` marks a finished build, with its ``BUILD_VERSION``; a version-1 project, without
the second layer, is upgraded in place; ``--rebuild`` forces a build). The corpus-wide
commands (``--only cli``), each once per size in a fresh interpreter (wall time and that
process's peak resident memory, read by a small launcher, ``LAUNCHER``):

  stats_s              ``saywho stats --json``
  export_jsonl_s, export_rss_mb   ``saywho export --format jsonl``
  agree_s, agree_rss_mb           ``saywho agree --layers suggestions bench2 --json``

Targets: ``stats_s_100k`` <= 15, ``export_jsonl_s_100k`` <= 30, ``export_rss_mb_100k`` <= 250,
``agree_s_100k`` <= 60, ``agree_rss_mb_100k`` <= 300. Then the TUI (``--only tui``), for each
size, in a fresh interpreter (``--runs`` times):

  project_open_s       ``Session.open`` (the document list in saywho.json: not the index)
  library_first_frame_s  app construction until the library has drawn its first rows
                       (the app opens on the library: no reader position stored)
  launch_to_library_s  the two above together: what a user waits for from ``saywho`` (the
                       interpreter's start and imports aside), for the record
  index_check_s        the library's background check of the index against the layer files
                       (a stat per file, in slices; it starts 0.5 s after the first frame)
  review_open_s        ``v`` until the review queue shows its first item
  review_next_ms       ``n`` (next item) until the screen has painted it; a document
                       change every 10 items; keys a human pace apart (the read-ahead of the
                       next document has finished, as it does between two key presses)
  speaker_registry_s   the corpus's speakers for the first speaker picker (``s``), from the
                       corpus index's summaries (it read every layer: 15 s at 21,000)
  speaker_links_ms     those speakers' surname links (``registry.surname_links``: "Warren"
                       is the corpus's one Elizabeth Warren), worked out when first asked
  speaker_update_ms    a speaker edit's update of those speakers (one document's part; they
                       were read again before the next picker: ``speaker_registry_s`` each time)
  stance_order_s       ``O``: the queue ordered by the stance model's uncertainty (the quotes
                       it covers first, the rest planned from the index; it read every layer)
  tui_rss_mb           resident memory after the library, the review queue and the keys

The stance model's first fit (``tui.stance_feed``: it learns from every layer, in a thread, once
the reader is up) is switched off while measuring: it is the stance model's own corpus-wide job,
not the library's or the queue's, and would otherwise read 100,000 layers under the keys.

Each figure is the median over the runs (sizes alternate between runs, so a busy moment of the
machine hits both); ``tui_rss_mb`` the largest. Targets: ``library_first_frame_s_100k`` <= 1.0,
``library_ratio_100k_1k`` <= 2, ``review_next_ms_median_100k`` <= 20,
``review_next_ms_p95_100k`` <= 50, ``tui_rss_mb_100k`` <= 400. The last line printed is one
JSON object.

Building takes about 3 s for 1,000 documents and 6-11 min for 100,000 on a 2-core machine
(two fsyncs per document: its text and its suggestions file), once.

Usage: python bench/scale.py [--quick] [--runs N] [--keys N] [--rebuild] [--only tui,cli]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.model import SUGGESTIONS_LAYER, Document, Layer, Quote, Speaker  # noqa: E402

ANNOTATOR = "bench"
SECOND = "bench2"  # a second annotator's layer on every document, for ``saywho agree``
QUOTES_PER_DOC = 10
BUILD_VERSION = 2  # 2: the second layer, and an index whose summaries hold speakers' voices
STANCES = ("support", "oppose", "neutral", "unclear", None)
NAMES = ("Jim Kenney", "Ana Ortiz", "Li Wei", "Kwame Mensah", "Sarah O'Neil", "Tom Homan",
         "Maria Lopez", "John Smith", "Aisha Khan", "Pedro Alves")
WORDS = ("the city council policy immigration federal agents local police community residents "
         "program law order county state court judge mayor press week report statement public "
         "safety arrests warrant cooperation").split()
TYPES = ("direct", "direct", "direct", "indirect", "mixed")


def cache_dir() -> Path:
    """Where built projects are kept between runs."""
    env = os.environ.get("SAYWHO_BENCH_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "saywho-bench"


def label(n: int) -> str:
    """``1000`` -> ``1k``."""
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def make_document(i: int) -> tuple[Document, Layer]:
    """Document ``i``: a short article with ``QUOTES_PER_DOC`` quotes and its suggestions."""
    rng = random.Random(i)
    names = rng.sample(NAMES, 3)
    parts: list[str] = [f"Report {i}. "]
    pos = len(parts[0])
    quotes: dict[str, Quote] = {}
    for k in range(QUOTES_PER_DOC):
        name = names[k % 3]
        lead = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + f". {name} said \""
        said = " ".join(rng.choice(WORDS) for _ in range(8))
        parts.append(lead)
        pos += len(lead)
        start = pos
        parts.append(said)
        pos += len(said)
        tail = "\". " if k % 4 != 3 else "\".\n\n"
        parts.append(tail)
        pos += len(tail)
        conf = {"span": round(rng.random(), 3), "speaker": round(rng.random(), 3)}
        quotes[f"q{k + 1}"] = Quote(f"q{k + 1}", start, start + len(said), said,
                                    TYPES[k % len(TYPES)], speaker_id=f"s{k % 3 + 1}",
                                    confidence=conf, origin="bench@1")
    text = "".join(parts)
    speakers = {f"s{j + 1}": Speaker(f"s{j + 1}", n, "person") for j, n in enumerate(names)}
    doc = Document(f"art-{i:06d}", f"Generated article {i}", text)
    return doc, Layer(SUGGESTIONS_LAYER, quotes, speakers)


def second_layer(i: int, text: str, suggestions: Layer) -> Layer:
    """Document ``i``'s layer by a second annotator: most suggestions accepted, some rejected,
    stances set, a few spans trimmed by a word and a few speakers changed (deterministic)."""
    rng = random.Random(-1 - i)
    speakers = sorted(suggestions.speakers)
    quotes: dict[str, Quote] = {}
    for qid, q in suggestions.quotes.items():
        start = q.start
        if rng.random() < 0.15:
            start = text.index(" ", start) + 1
        speaker = rng.choice(speakers) if rng.random() < 0.1 else q.speaker_id
        status = rng.choices(("accepted", "rejected", "suggested"), (8, 1, 1))[0]
        quotes[qid] = Quote(qid, start, q.end, text[start:q.end], q.type, speaker_id=speaker,
                            stance=rng.choice(STANCES), confidence=q.confidence, status=status,
                            origin=SECOND)
    return Layer(SECOND, quotes, suggestions.speakers)


def add_second_layers(folder: Path, n: int) -> float:
    """Store ``SECOND`` on each of the ``n`` documents (one at a time, nothing kept), then
    have the corpus index summarize every layer; returns the seconds it took."""
    from annotations.session import Session
    from annotations.store import Project

    started = time.perf_counter()
    with Project.open(folder, ANNOTATOR) as project:
        for i in range(n):
            doc, suggestions = make_document(i)
            project.put_layer(doc.id, second_layer(i, doc.text, suggestions))
            project.forget(doc.id)
    with Session.open(folder, ANNOTATOR) as session:
        session.corpus_view()
        session.verify_summaries(SECOND)
    return time.perf_counter() - started


def upgrade(folder: Path, info: dict[str, Any]) -> dict[str, Any]:
    """A project of build version 1 brought to ``BUILD_VERSION``: the second layer added, and
    the corpus index made again (its summaries now hold each speaker's voice)."""
    index = folder / "index"
    for old in index.glob("summaries.*"):
        if old.suffix in (".bin", ".log"):
            old.unlink()
    took = add_second_layers(folder, int(info["documents"]))
    info = {**info, "version": BUILD_VERSION, "upgrade_s": round(took, 1)}
    (folder / "built.json").write_text(json.dumps(info))
    return info


def build(folder: Path, n: int, *, rebuild: bool = False) -> dict[str, Any]:
    """The project of ``n`` documents in ``folder`` (built unless a finished build is there)."""
    from annotations.session import Session
    from annotations.store import Project

    marker = folder / "built.json"
    if not rebuild and marker.exists():
        info = json.loads(marker.read_text())
        if info.get("documents") == n and info.get("version") == 1:
            return {**upgrade(folder, info), "cached": True}
        if info.get("documents") == n and info.get("version") == BUILD_VERSION:
            return {**info, "cached": True}
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    with Project.open(folder, ANNOTATOR) as project:
        report = project.add_documents((make_document(i) for i in range(n)), flush_every=2000)
        if report.failed:
            raise SystemExit(f"build failed: {report.failed[:3]}")
    second = add_second_layers(folder, n)
    built = time.perf_counter() - started
    with Session.open(folder, ANNOTATOR) as session:  # read the index once: folded and checked
        session.corpus_view()
    info = {"documents": n, "version": BUILD_VERSION, "build_s": round(built, 1),
            "second_layer_s": round(second, 1),
            "index_fold_s": round(time.perf_counter() - started - built, 2)}
    marker.write_text(json.dumps(info))
    return {**info, "cached": False}


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    found = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return round(found.get("VmRSS", 0.0), 1), round(found.get("VmHWM", 0.0), 1)


def quantiles(samples: list[float]) -> dict[str, float]:
    """Median and p95 (ms)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": round(statistics.median(ordered), 2), "p95": round(p95, 2),
            "n": len(ordered)}


def forget_position(folder: Path) -> None:
    """Drop the reader position a previous run stored, so the app opens on the library."""
    try:
        from annotations.store.positions import position_path
    except ImportError:  # a saywho without reader positions
        return
    position_path(folder, ANNOTATOR).unlink(missing_ok=True)


async def until(condition: Any, seconds: float = 120.0) -> None:
    """Let the app run until ``condition()`` holds; ``SystemExit`` after ``seconds``."""
    deadline = time.perf_counter() + seconds
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("the app did not reach the state measured (see bench/scale.py)")
        await asyncio.sleep(0)


async def measure(folder: Path, keys: int) -> dict[str, Any]:
    """One run on one project (in this interpreter)."""
    from textual import events

    from annotations.session import Session
    from tui.app import SaywhoApp
    from tui.screens.library import LibraryScreen
    from tui.screens.review import ReviewScreen
    from tui.stance_feed import StanceFeed

    StanceFeed.start = lambda self: None  # type: ignore[method-assign]  (see the module doc)
    forget_position(folder)
    out: dict[str, Any] = {}
    started = time.perf_counter()
    session = Session.open(folder, ANNOTATOR)
    out["project_open_s"] = round(time.perf_counter() - started, 3)
    try:
        t0 = time.perf_counter()
        app = SaywhoApp(session)
        async with app.run_test(size=(120, 40)) as pilot:
            await until(lambda: isinstance(app.screen, LibraryScreen) and app.screen.shown_ids)
            await pilot._wait_for_screen()
            out["library_first_frame_s"] = round(time.perf_counter() - t0, 3)
            out["launch_to_library_s"] = round(time.perf_counter() - started, 3)
            library = app.screen
            out["documents"] = len(library.order)
            t1 = time.perf_counter()
            await app.workers.wait_for_complete()
            out["index_check_s"] = round(time.perf_counter() - t1, 3)

            t2 = time.perf_counter()
            await pilot.press("v")
            await until(lambda: isinstance(app.screen, ReviewScreen) and app.screen.current_id)
            await pilot._wait_for_screen()
            out["review_open_s"] = round(time.perf_counter() - t2, 3)
            review = app.screen
            out["queue_total"] = review.queue.total
            await app.workers.wait_for_complete()

            samples: list[float] = []
            for _ in range(keys):
                before = (review.doc_id, review.current_id)
                start = time.perf_counter()
                event = events.Key("n", "n")
                event.set_sender(app)
                app.post_message(event)
                deadline = start + 10
                while (review.doc_id, review.current_id) == before \
                        and time.perf_counter() < deadline:
                    await asyncio.sleep(0)
                await pilot._wait_for_screen()
                samples.append((time.perf_counter() - start) * 1000)
                await app.workers.wait_for_complete()  # a human pace: the read-ahead is done
            out["review_next_ms"] = quantiles(samples)
            out["documents_loaded"] = review.queue.loaded
            t3 = time.perf_counter()  # what the first speaker picker (s) waits for
            app.bridge.speaker_registry()
            out["speaker_registry_s"] = round(time.perf_counter() - t3, 3)
            t3 = time.perf_counter()  # its surname links, worked out when first asked (i)
            _ = app.bridge.speaker_registry().links
            out["speaker_links_ms"] = round((time.perf_counter() - t3) * 1000, 2)
            t4 = time.perf_counter()  # what a speaker edit adds before the next picker
            app.bridge.update_registry(review.doc_id)
            out["speaker_update_ms"] = round((time.perf_counter() - t4) * 1000, 2)
            t5 = time.perf_counter()  # `O`: the queue by stance uncertainty
            review.order("stance")
            await pilot._wait_for_screen()
            out["stance_order_s"] = round(time.perf_counter() - t5, 3)
            out["tui_rss_mb"], out["tui_peak_rss_mb"] = rss_mb()
    finally:
        session.close()
    return out


MEDIANS: tuple[tuple[str, int], ...] = (  # a run's figure ("a.b": r["a"]["b"]), its digits
    ("library_first_frame_s", 3), ("project_open_s", 3), ("launch_to_library_s", 3),
    ("review_open_s", 3), ("index_check_s", 3), ("review_next_ms.median", 2),
    ("review_next_ms.p95", 2), ("speaker_registry_s", 3), ("speaker_links_ms", 2),
    ("speaker_update_ms", 2),
    ("stance_order_s", 3),
)


def run_child(folder: Path, keys: int) -> dict[str, Any]:
    """``measure`` in a fresh interpreter (its own memory, imports and caches)."""
    result = subprocess.run(
        [sys.executable, __file__, "--measure", str(folder), "--keys", str(keys)],
        capture_output=True, text=True, timeout=3600, cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


CLI_FIGURES: dict[str, tuple[str, ...]] = {  # figure -> the command measured
    "stats": ("stats", "--json"),
    "export_jsonl": ("export", "--format", "jsonl", "--out", "{out}"),
    "agree": ("agree", "--layers", SUGGESTIONS_LAYER, SECOND, "--json"),
}


# Runs a command and prints its wall time and peak memory. A small launcher of its own: a
# child's peak (``ru_maxrss``) counts the memory it had when forked, so forked from this
# script (which may have just built a project) it would report this script's size.
LAUNCHER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
print(json.dumps({"s": took, "rss_mb": peak, "rc": done.returncode,
                  "err": done.stderr[-2000:].decode(errors="replace")}))
"""


def run_cli(folder: Path, *args: str) -> tuple[float, float]:
    """``saywho ARGS`` on the project in ``folder`` in a fresh interpreter, its output thrown
    away: (wall seconds, peak resident memory in MB of that process)."""
    cmd = [sys.executable, "-m", "tui.cli", "--project", str(folder), "--annotator", ANNOTATOR,
           *args]
    launched = subprocess.run([sys.executable, "-c", LAUNCHER, *cmd], capture_output=True,
                              text=True, cwd=ROOT, check=True)
    done = json.loads(launched.stdout)
    if done["rc"] != 0:
        raise SystemExit(f"{' '.join(args)}: {done['err']}")
    return round(done["s"], 2), round(done["rss_mb"], 1)


def measure_cli(folder: Path) -> dict[str, Any]:
    """The corpus-wide commands on one project: seconds and peak memory of each."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for figure, args in CLI_FIGURES.items():
            filled = [a.format(out=f"{tmp}/export.jsonl") for a in args]
            out[f"{figure}_s"], out[f"{figure}_rss_mb"] = run_cli(folder, *filled)
    return out


def main() -> None:
    """Build (or reuse) the projects, measure each size, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 documents")
    parser.add_argument("--runs", type=int, default=3, help="measuring runs per size")
    parser.add_argument("--keys", type=int, default=200, help="next-item keys timed per run")
    parser.add_argument("--rebuild", action="store_true", help="build the projects again")
    parser.add_argument("--only", default="tui,cli", metavar="PARTS",
                        help="what to measure: tui (library, review queue), cli (stats, export, "
                             "agree), or both (default: tui,cli)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(asyncio.run(measure(args.measure, args.keys))))
        return
    sizes = (1_000, 10_000) if args.quick else (1_000, 100_000)
    for package in ("annotations", "tui"):  # measured from bytecode, as after pip install
        compileall.compile_dir(ROOT / package, quiet=1)
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"cache": str(root), "quotes_per_document": QUOTES_PER_DOC}
    for n in sizes:
        info = build(root / f"scale-{n}", n, rebuild=args.rebuild)
        result[f"build_{label(n)}"] = info
        print(f"{label(n)}: {json.dumps(info)}", file=sys.stderr)
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    if not parts <= {"tui", "cli"} or not parts:
        parser.error("--only takes tui, cli or tui,cli")
    small, big = label(sizes[0]), label(sizes[1])
    targets: dict[str, bool] = {}
    if "cli" in parts:
        for n in sizes:
            cli = measure_cli(root / f"scale-{n}")
            print(f"{label(n)}: {json.dumps(cli)}", file=sys.stderr)
            result.update({f"{k}_{label(n)}": v for k, v in cli.items()})
        for figure, limit in (("stats_s", 15), ("export_jsonl_s", 30),
                              ("export_jsonl_rss_mb", 250), ("agree_s", 60),
                              ("agree_rss_mb", 300)):
            targets[f"{figure}_{big}"] = result[f"{figure}_{big}"] <= limit
        result[f"export_rss_mb_{big}"] = result[f"export_jsonl_rss_mb_{big}"]
        result[f"export_rss_mb_{small}"] = result[f"export_jsonl_rss_mb_{small}"]
    if "tui" not in parts:
        result["targets"] = targets
        print(json.dumps(result))
        return
    all_runs: dict[int, list[dict[str, Any]]] = {n: [] for n in sizes}
    for _ in range(args.runs):  # sizes alternate, so a busy moment of the machine hits both
        for n in sizes:
            run = run_child(root / f"scale-{n}", args.keys)
            print(f"{label(n)}: {json.dumps(run)}", file=sys.stderr)
            all_runs[n].append(run)
    for n in sizes:
        name, runs = label(n), all_runs[n]
        result[f"runs_{name}"] = runs
        for key, digits in MEDIANS:  # each figure's median over the runs
            outer, _, inner = key.partition(".")
            values = [r[outer][inner] if inner else r[outer] for r in runs]
            result[f"{key.replace('.', '_')}_{name}"] = round(statistics.median(values), digits)
        result[f"tui_rss_mb_{name}"] = max(r["tui_rss_mb"] for r in runs)
    result[f"library_ratio_{big}_{small}"] = round(
        result[f"library_first_frame_s_{big}"] / result[f"library_first_frame_s_{small}"], 3)
    result["targets"] = {
        **targets,
        f"library_first_frame_s_{big}": result[f"library_first_frame_s_{big}"] <= 1.0,
        f"library_ratio_{big}_{small}": result[f"library_ratio_{big}_{small}"] <= 2,
        f"review_next_ms_median_{big}": result[f"review_next_ms_median_{big}"] <= 20,
        f"review_next_ms_p95_{big}": result[f"review_next_ms_p95_{big}"] <= 50,
        f"tui_rss_mb_{big}": result[f"tui_rss_mb_{big}"] <= 400,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
