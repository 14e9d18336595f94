"""Benchmark: the TUI on a generated 20,000-word article with 1,000 quotes, and startup.

Times (each includes the redraw: a key event sent through the app's driver, then waiting until
every widget has handled its messages and the screen has painted; Pilot's ``pause()`` is not used
for timing because its idle detection sleeps while the save thread works):
  first_frame_ms   app construction to first painted frame on the big article
  next_quote_ms    next-quote key                         (target: median <= 20 ms)
  accept_ms        accept key, UI updated (saving runs in the worker thread)   (<= 20 ms)
  span_ms          grow-end-by-a-word key                 (<= 20 ms)
  accept_saved_ms  accept key until Session.apply returned and "saved" is shown (for the
                   record: includes the bridge's 20 ms settle delay and the fsyncs)
Stance (a 2,000-quote article, 1,000 quotes labelled): the in-app refit + re-suggest time in
its thread worker, idle and while next-quote keys are pressed, and those keys' times.
Corpus search (1,000 generated documents of ~800 words): search_corpus_ms, from the Enter that
submits a query on the search screen until its first results are painted (target: median <= 300
ms); search_corpus_last_doc_ms, the same for a word only the last document holds (the whole
corpus is read first; its first run also reads every text from disk), for the record.
Startup: each app in a fresh interpreter (imports included), headless, until its first frame:
the saywho app on the seed project vs a bare Textual app with a Header and a Footer, measured
alternately in the same run; ``startup_ratio_vs_bare`` is the ratio of medians (target <= 1.5).
Both start from compiled bytecode, as after ``pip install`` (Textual's is compiled by pip; ours
is compiled here first, since an editable checkout under PYTHONDONTWRITEBYTECODE never is).
The last line is one JSON object.
Usage: python bench/tui.py [--samples N] [--startup-runs N] [--search-runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.model import (  # noqa: E402
    SUGGESTIONS_LAYER,
    Cue,
    Document,
    Layer,
    Mention,
    Quote,
    Speaker,
)
from annotations.session import Session  # noqa: E402

WORDS = (
    "the city council officials policy immigration federal agents local police "
    "community residents program law order county state court judge mayor press week "
    "report statement public safety arrests warrant detainer cooperation"
).split()
NAMES = ["Jim Kenney", "Ana Ortiz", "Li Wei", "Kwame Mensah", "Sarah O'Neil", "Tom Homan"]


def big_article(n_words: int = 20_000, n_quotes: int = 1_000, seed: int = 7) -> tuple[str, Layer]:
    """A ~``n_words`` article with ``n_quotes`` direct quotes attributed with ``said``."""
    rng = random.Random(seed)
    parts: list[str] = []
    quotes: dict[str, Quote] = {}
    mentions: dict[str, list[Mention]] = {f"s{i + 1}": [] for i in range(len(NAMES))}
    pos = 0
    filler = max(n_words // n_quotes - 11, 4)

    def add(chunk: str) -> None:
        nonlocal pos
        parts.append(chunk)
        pos += len(chunk)

    for i in range(n_quotes):
        sentence = " ".join(rng.choice(WORDS) for _ in range(filler)).capitalize() + ". "
        add(sentence)
        add('"')
        q_start = pos
        add(" ".join(rng.choice(WORDS) for _ in range(8)).capitalize())
        q_end = pos
        add('," ')
        sid = f"s{i % len(NAMES) + 1}"
        name = NAMES[i % len(NAMES)]
        m_start = pos
        add(name)
        mentions[sid].append(Mention(m_start, pos, name))
        add(" ")
        c_start = pos
        add("said")
        cue = Cue(c_start, pos, "said", "say")
        add(".\n\n" if i % 5 == 4 else ". ")
        text_so_far = "".join(parts)
        quotes[f"q{i + 1}"] = Quote(
            f"q{i + 1}",
            q_start,
            q_end,
            text_so_far[q_start:q_end],
            "direct",
            cue=cue,
            speaker_id=sid,
            speaker_mention=mentions[sid][-1],
            confidence={"span": rng.random(), "speaker": rng.random()},
            origin="bench@1",
        )
    text = "".join(parts)
    speakers = {
        sid: Speaker(sid, NAMES[int(sid[1:]) - 1], "person", (), tuple(ms))
        for sid, ms in mentions.items()
    }
    return text, Layer(SUGGESTIONS_LAYER, quotes, speakers)


def stats(samples: list[float]) -> dict[str, float]:
    """Median and p95 in ms."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": round(statistics.median(ordered), 2), "p95": round(p95, 2), "n": len(ordered)}


def reader_state(app: Any) -> tuple[object, ...]:
    """What a key changes on the reader: the current quote, its status and its span."""
    screen = app.screen
    quote = screen.current
    return (screen.current_id, quote.status, quote.start, quote.end)


async def timed_key(app: Any, pilot: Any, key: str) -> float:
    """Milliseconds from a real key event until its effect is on screen and painted."""
    from textual import events

    before = reader_state(app)
    start = time.perf_counter()
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app.post_message(event)
    deadline = start + 5
    while reader_state(app) == before and time.perf_counter() < deadline:
        await asyncio.sleep(0)
    await pilot._wait_for_screen()
    app.screen._on_timer_update()
    return (time.perf_counter() - start) * 1000


async def during_refit(folder: Path, samples: int) -> dict[str, object]:
    """Next-quote key times while the stance model refits on 1,000 labelled quotes."""
    from tui.app import SaywhoApp
    project = Session.open(folder, "bench", detect=lambda t: Layer(SUGGESTIONS_LAYER))
    out: dict[str, object] = {}
    try:
        app = SaywhoApp(project)
        feed = app.bridge.stance
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await feed.wait_idle(120)
            idle: list[float] = []
            for _ in range(3):
                start = time.perf_counter()
                feed.request()
                await feed.wait_idle(120)
                idle.append((time.perf_counter() - start) * 1000)
            keys: list[float] = []
            busy: list[float] = []
            for _ in range(3):
                start = time.perf_counter()
                feed.request()
                while feed.model.refits.running and len(keys) < samples * 3:
                    keys.append(await timed_key(app, pilot, "n"))
                await feed.wait_idle(120)
                busy.append((time.perf_counter() - start) * 1000)
            out["stance_refit_in_tui_ms"] = stats(idle)
            out["stance_refit_while_typing_ms"] = stats(busy)
            out["next_quote_during_refit_ms"] = stats(keys or [0.0])
            out["suggested_quotes"] = len(feed.current.by_quote)
            out["labelled_quotes"] = feed.current.labelled
    finally:
        project.close()
    return out


async def interactive(folder: Path, samples: int) -> dict[str, object]:
    """First frame and per-key times on the big article."""
    from textual import events

    from tui.app import SaywhoApp

    project = Session.open(folder, "bench", detect=lambda t: Layer(SUGGESTIONS_LAYER))
    out: dict[str, object] = {}
    try:
        t0 = time.perf_counter()
        app = SaywhoApp(project)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            out["first_frame_ms"] = round((time.perf_counter() - t0) * 1000, 1)
            # keys are timed in the steady state: the first stance fit (which loads the numeric
            # libraries after the first frame) is measured on keys by ``during_refit``
            await app.bridge.stance.wait_idle(120)

            async def timed(key: str) -> float:
                return await timed_key(app, pilot, key)

            for _ in range(5):  # warm-up
                await timed("n")
            out["next_quote_ms"] = stats([await timed("n") for _ in range(samples)])
            accept = []
            for _ in range(samples):
                accept.append(await timed("a"))
                await app.bridge.wait_idle(60)  # the save of the last key, not timed
                await pilot.press("n")
            out["accept_ms"] = stats(accept)
            span = []
            for i in range(samples):
                span.append(await timed("equals_sign" if i % 2 == 0 else "minus"))
                await app.bridge.wait_idle(60)
            out["span_ms"] = stats(span)
            await app.bridge.wait_idle(60)
            saved = []
            for _ in range(max(samples // 4, 5)):
                await pilot.press("n")
                start = time.perf_counter()
                event = events.Key("a", "a")
                event.set_sender(app)
                app.post_message(event)
                deadline = start + 30
                while app.bridge.save_state[0] != "saving" and time.perf_counter() < deadline:
                    await asyncio.sleep(0)
                while (
                    app.bridge.pending or app.bridge.save_state[0] != "saved"
                ) and time.perf_counter() < deadline:
                    await asyncio.sleep(0.001)
                saved.append((time.perf_counter() - start) * 1000)
            out["accept_saved_ms"] = stats(saved)
    finally:
        project.close()
    return out


def rare_word(doc_id: str) -> str:
    """A word only document ``doc_id`` of ``generated_corpus`` holds."""
    return f"zyzzyva{doc_id[-4:]}"


def generated_corpus(n_docs: int = 1_000, n_words: int = 800, seed: int = 5) -> list[Document]:
    """``n_docs`` articles of ``n_words`` words of ``WORDS`` in paragraphs, each with its own
    ``rare_word``."""
    rng = random.Random(seed)
    docs = []
    for i in range(n_docs):
        doc_id = f"doc-{i:04d}"
        words = [rng.choice(WORDS) for _ in range(n_words)]
        words[n_words // 2] = rare_word(doc_id)
        paragraphs = (" ".join(words[at:at + 80]).capitalize() + "."
                      for at in range(0, n_words, 80))
        docs.append(Document(doc_id, f"Generated article {i + 1}", "\n\n".join(paragraphs)))
    return docs


async def corpus_search(folder: Path, runs: int) -> dict[str, object]:
    """Query to first results painted on the search screen, over 1,000 documents."""
    from textual import events

    from tui.app import SaywhoApp
    from tui.screens.search import SearchScreen

    project = Session.open(folder, "bench", detect=lambda t: Layer(SUGGESTIONS_LAYER))
    common: list[float] = []
    last_doc: list[float] = []
    try:
        app = SaywhoApp(project, open_doc="doc-0000")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+f")
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            rare = rare_word(project.document_ids()[-1])  # in the last document searched

            async def timed(query: str) -> float:
                screen.action_edit_query()  # the last query selected: typing replaces it
                await pilot.pause()
                for ch in query:
                    key = events.Key(ch, ch)
                    key.set_sender(app)
                    app.post_message(key)
                start = time.perf_counter()
                enter = events.Key("enter", None)
                enter.set_sender(app)
                app.post_message(enter)
                deadline = start + 30
                while (screen.searched != query or not screen.hits) and \
                        time.perf_counter() < deadline:  # a spin would hold the worker's GIL
                    await asyncio.sleep(0.001)
                await pilot._wait_for_screen()
                app.screen._on_timer_update()
                elapsed = (time.perf_counter() - start) * 1000
                while screen.running and time.perf_counter() < deadline:  # not timed
                    await asyncio.sleep(0.005)
                return elapsed

            for word in WORDS[1:1 + runs]:
                common.append(await timed(word))
                last_doc.append(await timed(rare))
    finally:
        project.close()
    return {"search_corpus_ms": stats(common), "search_corpus_last_doc_ms": stats(last_doc)}


BARE = """
import time; t0 = time.perf_counter()
import asyncio
from textual.app import App
from textual.widgets import Footer, Header
class Bare(App):
    def compose(self):
        yield Header()
        yield Footer()
async def main():
    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print((time.perf_counter() - t0) * 1000)
asyncio.run(main())
"""

SAYWHO = """
import time; t0 = time.perf_counter()
import asyncio, sys
sys.path.insert(0, {root!r})
from annotations.session import Session
from tui.app import SaywhoApp
async def main():
    project = Session.open({folder!r}, "bench")
    app = SaywhoApp(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print((time.perf_counter() - t0) * 1000)
    project.close()
asyncio.run(main())
"""


def startup(seed_folder: Path, runs: int) -> dict[str, object]:
    """Median first-frame time of each app in fresh interpreters, alternating."""
    for package in ("annotations", "tui"):
        compileall.compile_dir(ROOT / package, quiet=1)
    bare: list[float] = []
    mine: list[float] = []
    script = SAYWHO.format(root=str(ROOT), folder=str(seed_folder))
    for _ in range(runs):
        for code, sink in ((BARE, bare), (script, mine)):
            result = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
            )
            if result.returncode != 0:
                raise SystemExit(result.stderr[-2000:])
            sink.append(float(result.stdout.strip().splitlines()[-1]))
    ratio = statistics.median(mine) / statistics.median(bare)
    return {
        "startup_saywho_ms": stats(mine),
        "startup_bare_ms": stats(bare),
        "startup_ratio_vs_bare": round(ratio, 3),
    }


def main() -> None:
    """Build the projects, run both measurements, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--startup-runs", type=int, default=11)
    parser.add_argument("--search-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        text, layer = big_article()
        big = Path(tmp) / "big"
        with Session.open(big, "bench", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as project:
            project.import_documents([Document("big", "Generated 20,000-word article", text)])
            project.put_layer("big", layer, replace=True)
        seed = Path(tmp) / "seed"
        seed_text = (ROOT / "seeds" / "ice-sanctuary-cities.txt").read_text(encoding="utf-8")
        with Session.open(seed, "bench") as project:  # with the rule detector
            project.import_documents([Document("ice", "ICE targets SoCal", seed_text)])
        result: dict[str, object] = {
            "words": len(text.split()),
            "quotes": len(layer.quotes),
        }
        result.update(asyncio.run(interactive(big, args.samples)))
        labelled = Path(tmp) / "labelled"
        text2, layer2 = big_article(n_words=40_000, n_quotes=2_000, seed=11)
        rng = random.Random(3)
        quotes2 = dict(layer2.quotes)
        for i in range(1, 1001):
            q = quotes2[f"q{i}"]
            quotes2[q.id] = replace(
                q,
                stance=rng.choice(("support", "oppose", "neutral")),
                confidence={**q.confidence, "stance": 1.0},
            )
        with Session.open(labelled, "bench", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as project:
            project.import_documents([Document("big2", "1,000 labelled quotes", text2)])
            project.put_layer("big2", replace(layer2, quotes=quotes2), replace=True)
        result.update(asyncio.run(during_refit(labelled, args.samples)))
        searched = Path(tmp) / "corpus"
        with Session.open(searched, "bench", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as project:
            project.import_documents(generated_corpus())
        result.update(asyncio.run(corpus_search(searched, args.search_runs)))
        result.update(startup(seed, args.startup_runs))
    for key in ("next_quote_ms", "accept_ms", "span_ms"):
        value = result[key]
        assert isinstance(value, dict)
        result[f"{key}_ok"] = value["median"] <= 20
    result["startup_ok"] = float(result["startup_ratio_vs_bare"]) <= 1.5  # type: ignore[arg-type]
    search = result["search_corpus_ms"]
    assert isinstance(search, dict)
    result["search_corpus_ms_ok"] = search["median"] <= 300
    print(json.dumps(result))


if __name__ == "__main__":
    main()
