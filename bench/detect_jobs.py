"""``saywho detect`` on every core: the speed-up of two workers, and memory flat in the corpus.

Each figure runs the real command (``python -m tui.cli detect FILE.jsonl --out ...``) in a
child process, timed from start to exit, so what a user waits for is what is measured
(interpreter start, worker start, reading, writing included).

- ``detect_speedup_2_jobs``: articles per second with ``--jobs 2`` over ``--jobs 1`` on a few
  hundred seed-derived articles (the sample article's paragraphs reshuffled with generated
  ones, about 10 KB each). The two are run in alternating passes and each one's fastest pass
  is used, as ``timeit`` does: on a shared machine a slower pass measures the neighbours, not
  saywho. Target: at least 1.7 (two cores, nothing else running).
- ``detect_rss_mb_1k`` and ``detect_rss_mb_50k``: the peak, over the run, of the summed
  resident memory (VmRSS, sampled every 20 ms from /proc) of the ``saywho detect --jobs 2``
  process and all its descendants (the fork server and the workers), while it streams 1,000
  and 50,000 short generated articles (~250 characters each) from a JSONL file.
  Target: the 50k figure within 1.3x the 1k one (``detect_rss_ratio``). Shared pages count
  once per process, so the sum overstates what the machine spends; the ratio is the point.
  The progress lines also give the saywho process's own peak (``parent_peak_rss_mb``): the
  reading and writing side, where growth with the corpus would show first.

Modes: the default is ``--quick`` (speed-up on 200 articles, memory for 1,000 and 10,000
articles: ``detect_rss_mb_10k``; about half a minute); ``--full`` measures the figures the
targets name (400 articles; 1,000 and 50,000; a couple of minutes on two cores).
``--passes`` sets the alternating speed-up passes (default 3); ``--memory-only`` leaves the
speed-up out (the memory figures alone, for a machine others are busy on). Timings on a machine that
others share are noisy: the load average before each part is printed with the figures.
Lines before the last are progress; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "ice-sanctuary-cities.txt"
NAMES = ("Jane Roe", "Tom Poe", "Ana Ruiz", "Li Wei", "Olu Ade", "Marta Kowalska", "Sam Hill")
TITLES = ("Mayor", "Senator", "Police Chief", "Councilwoman", "Professor", "Governor")
CLAIMS = (
    "the plan will not work for anyone here",
    "we are ready to vote again on Monday",
    "the budget is balanced for the first time in years",
    "sanctuary policies keep the city safe",
    "nobody asked the residents what they wanted",
    "the deal was signed too quickly",
    "the schools need more money next year",
)


def _short(rng: random.Random, i: int) -> str:
    """About 250 characters: a direct quote with a title, and an indirect one."""
    name, other = rng.sample(NAMES, 2)
    first, second = rng.sample(CLAIMS, 2)
    return (
        f'"{first.capitalize()}," said {rng.choice(TITLES)} {name} on day {i}. '
        f"{other} told reporters that {second}. The vote is set for {rng.randint(1, 28)} May."
    )


def _long(rng: random.Random, seed_paragraphs: list[str], i: int) -> str:
    """About 10 KB: the seed article's paragraphs reshuffled, with short stories between."""
    paragraphs = seed_paragraphs * 3
    rng.shuffle(paragraphs)
    paragraphs += [_short(rng, i * 100 + n) for n in range(12)]
    rng.shuffle(paragraphs)
    return f"Story {i}\n\n" + "\n\n".join(paragraphs)


def write_corpus(path: Path, count: int, *, long: bool) -> int:
    """``count`` articles as JSONL at ``path`` (streamed to disk); returns its size in bytes."""
    rng = random.Random(count * 2 + long)
    seed_paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            text = _long(rng, seed_paragraphs, i) if long else _short(rng, i)
            fh.write(json.dumps({"id": f"a{i}", "text": text}) + "\n")
    return path.stat().st_size


# ----------------------------------------------------------------- memory of a process tree
def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from each process's parent id in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


class PeakRss:
    """Samples the summed VmRSS of a process tree in a thread; the peak once stopped, and the
    peak of the root process alone (``root_peak_kb``: what the reading and writing side holds,
    apart from the workers)."""

    def __init__(self, pid: int, every_s: float = 0.02) -> None:
        self.pid, self.every_s = pid, every_s
        self.peak_kb, self.processes, self.root_peak_kb = 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = _tree(self.pid)
            sizes = {pid: _rss_kb(pid) for pid in pids}
            total = sum(sizes.values())
            self.root_peak_kb = max(self.root_peak_kb, sizes.get(self.pid, 0))
            if total > self.peak_kb:
                self.peak_kb, self.processes = total, len(pids)
            self._stop.wait(self.every_s)

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return round(self.peak_kb / 1024, 1)


# ----------------------------------------------------------------- one run of the command
def detect(source: Path, out: Path, jobs: int, *, watch: bool = False) -> dict[str, float]:
    """Run ``saywho detect`` once; wall seconds (and peak tree RSS with ``watch``)."""
    command = [sys.executable, "-m", "tui.cli", "detect", str(source), "--jobs", str(jobs),
               "--out", str(out)]
    t0 = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    meter = PeakRss(child.pid) if watch else None
    _, err = child.communicate()
    wall = time.perf_counter() - t0
    peak = meter.stop() if meter else 0.0
    if child.returncode != 0:
        raise SystemExit(f"saywho detect failed ({child.returncode}): {err.strip()[:300]}")
    result = {"seconds": round(wall, 2)}
    if meter:
        result.update(peak_rss_mb=peak, processes=meter.processes,
                      parent_peak_rss_mb=round(meter.root_peak_kb / 1024, 1))
    return result


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def speedup(folder: Path, articles: int, passes: int) -> dict[str, object]:
    """``--jobs 2`` over ``--jobs 1``: alternating passes, fastest of each."""
    source = folder / "long.jsonl"
    size = write_corpus(source, articles, long=True)
    outs = {1: folder / "out1.jsonl", 2: folder / "out2.jsonl"}
    walls: dict[int, list[float]] = {1: [], 2: []}
    load = _load()
    for n in range(passes):
        for jobs in (1, 2) if n % 2 == 0 else (2, 1):
            walls[jobs].append(detect(source, outs[jobs], jobs)["seconds"])
            print(json.dumps({"pass": n + 1, "jobs": jobs, "seconds": walls[jobs][-1]}),
                  flush=True)
    same = outs[1].read_bytes() == outs[2].read_bytes()
    best = {jobs: min(times) for jobs, times in walls.items()}
    return {
        "speedup_articles": articles,
        "speedup_mb": round(size / 1e6, 1),
        "speedup_load_before": load,
        "seconds_jobs_1": walls[1],
        "seconds_jobs_2": walls[2],
        "articles_per_s_jobs_1": round(articles / best[1], 1),
        "articles_per_s_jobs_2": round(articles / best[2], 1),
        "same_output": same,
        "detect_speedup_2_jobs": round(best[1] / best[2], 2),
    }


def memory(folder: Path, large: int, key: str) -> dict[str, object]:
    """Peak tree RSS streaming 1,000 and ``large`` short articles with ``--jobs 2``."""
    result: dict[str, object] = {}
    figures = {}
    for count, name in ((1000, "detect_rss_mb_1k"), (large, key)):
        source = folder / f"short-{count}.jsonl"
        size = write_corpus(source, count, long=False)
        load = _load()
        run = detect(source, folder / f"short-{count}.out.jsonl", 2, watch=True)
        print(json.dumps({"articles": count, "input_mb": round(size / 1e6, 1),
                          "load_before": load, **run}), flush=True)
        figures[name] = run["peak_rss_mb"]
        result[f"{name}_seconds"] = run["seconds"]
        source.unlink()
        (folder / f"short-{count}.out.jsonl").unlink()
    result.update(figures)
    result["detect_rss_ratio"] = round(figures[key] / figures["detect_rss_mb_1k"], 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="the default: fewer articles")
    mode.add_argument("--full", action="store_true", help="400 articles; 1,000 and 50,000")
    parser.add_argument("--passes", type=int, default=3, help="speed-up passes per --jobs")
    parser.add_argument(
        "--memory-only", action="store_true",
        help="only the memory figures (no speed-up passes): quicker on a shared machine",
    )
    args = parser.parse_args(argv)
    if not Path("/proc/self/status").exists():
        print(json.dumps({"skipped": "needs Linux /proc to read memory"}))
        return 0
    articles, large = (400, 50_000) if args.full else (200, 10_000)
    key = "detect_rss_mb_50k" if args.full else "detect_rss_mb_10k"
    result: dict[str, object] = {"mode": "full" if args.full else "quick", "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="saywho-bench-jobs-") as tmp:
        if not args.memory_only:
            result.update(speedup(Path(tmp), articles, args.passes))
        result.update(memory(Path(tmp), large, key))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
