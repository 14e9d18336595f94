"""Detector speed: articles per second on polnear-train, one process, and the worst case.

The corpus is run three times and the fastest pass is reported (as ``timeit`` does: slower
passes measure other load on the machine, not the detector). ``articles_per_s`` is wall clock
(fastest pass), ``articles_per_s_cpu`` process CPU time.

``pathological_s`` is the slowest wall time over a fixed set of adversarial inputs of about
100 KB each, detected once each (target: <= 2 s): the shapes that used to make the detector
(or the HTML reader) quadratic or worse, and a few more of the same families. A line before
the last gives each input's time. The corpus part is skipped with a message when the shared
data folder is absent; the adversarial part needs no data. The last line is one JSON object.

``--model``: the same with a project model applied (``annotations.learn``), fitted on the first
20 articles of polnear-dev and forced on (see ``project_detector``), plus ``refit_s``: the time
of one refit (``fit_project_model``, gate included) at ``REFIT_QUOTES`` corrected quotes
(``refit``).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.detect import DEFAULT_DETECTOR, Detector  # noqa: E402
from annotations.formats.readers import html_to_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "polnear-train.jsonl"
PASSES = 3
REFIT_QUOTES = 2000  # corrected quote parts the refit figure is measured at
REFIT_PASSES = 5
SIZE = 100_000
WORDS = ("the council said Bob would vote against the plan on Monday according to aides who "
         "told reporters that the mayor claimed it was a bad idea and added that").split()


def _repeat(unit: str) -> str:
    return unit * (SIZE // len(unit))


def _words_without_punctuation() -> str:
    out, total, state = [], 0, 7
    while total < SIZE:
        state = (state * 1103515245 + 12345) % 2**31
        word = WORDS[state % len(WORDS)]
        out.append(word)
        total += len(word) + 1
    return " ".join(out)[:SIZE]


def _deep_html() -> str:
    """Paragraphs under thousands of nested ``<div>``, read by the HTML reader first."""
    n = SIZE // 30
    body = "<div>" * n + "<p>Bob said it.</p>" * n + "</div>" * n
    return f"<html><body>{body}</body></html>"


ADVERSARIAL: dict[str, Callable[[], str]] = {
    "said_repeated": lambda: _repeat("said "),
    "quote_marks": lambda: '"' * SIZE,
    "curly_quote_marks": lambda: _repeat('“a ”b "c '),
    "x_said_bob": lambda: _repeat('"x," said Bob. '),
    "one_line_no_punctuation": _words_without_punctuation,
    "one_sentence_many_quotes": lambda: _repeat('"a b," said Bob, '),
    "who_said": lambda: _repeat("Bob, who said "),
    "dash_asides": lambda: _repeat("Bob said the — "),
    "colon_paragraphs": lambda: _repeat('The governor added:\n"It is fine now."\n'),
    "unattributed_quotes": lambda: _repeat('"We will be there and we will win it all." '),
    "pronouns_many_speakers": lambda: " ".join(
        f"Zed{i} Q{i} said it is fine. He said it is not." for i in range(SIZE // 48)),
    "run_of_spaces": lambda: "Bob said that it" + " " * SIZE + "is fine.",
    "capitals_after_cue": lambda: _repeat("Bob said to " + "A" * 40 + "! "),
    "capitals_run_with_claim": lambda: "Ab" * (SIZE // 2) + " the claim that it is fine.",
}
HTML_INPUTS = {"deep_html": _deep_html}


def pathological() -> dict[str, float]:
    """Wall seconds for each adversarial input, detected once (HTML read first)."""
    times: dict[str, float] = {}
    for name, make in {**ADVERSARIAL, **HTML_INPUTS}.items():
        source = make()
        t0 = time.perf_counter()
        text = html_to_text(source)[1] if name in HTML_INPUTS else source
        DEFAULT_DETECTOR.detect(text)
        times[name] = round(time.perf_counter() - t0, 3)
    return times


def corpus() -> dict[str, object]:
    """The articles-per-second figures on polnear-train (or why they were skipped)."""
    if not DATA.is_file():
        return {"skipped": f"{DATA} not found"}
    texts = [json.loads(x)["text"] for x in DATA.read_text(encoding="utf-8").splitlines() if x]
    walls, cpus = [], []
    quotes = 0
    for _ in range(PASSES):
        w0, c0 = time.perf_counter(), time.process_time()
        quotes = sum(len(DEFAULT_DETECTOR.detect(text).quotes) for text in texts)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return {
        "detector": DEFAULT_DETECTOR.version,
        "articles": len(texts),
        "chars": sum(len(t) for t in texts),
        "quotes": quotes,
        "passes": PASSES,
        "seconds_per_pass": [round(w, 2) for w in walls],
        "articles_per_s_cpu": round(len(texts) / min(cpus), 1),
        "articles_per_s": round(len(texts) / min(walls), 1),
    }


def project_detector() -> Detector:
    """A ``ProjectDetector`` fitted on the first 20 articles of polnear-dev, switched on even
    where its gate would keep it off: the figure is the cost of applying a model (broad
    candidates + one weight sum per candidate), not its quality."""
    from dataclasses import replace

    from annotations.learn.apply import ProjectDetector
    from annotations.learn.fit import fit_project_model
    from annotations.learn.simulate import corrected
    from annotations.learn.training import build_training_set

    gold = DATA.parent / "polnear-dev.jsonl"
    lines = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if x][:20]
    model = fit_project_model(build_training_set([corrected(d) for d in lines]))
    model = replace(model, status=replace(model.status, trusted=True))
    return ProjectDetector(model)


def refit() -> dict[str, object]:
    """The time of one refit of the project model (``fit_project_model``: the three models,
    the leave-one-article-out gate and its thresholds) on the first articles of polnear-train
    that hold ``REFIT_QUOTES`` quote parts, corrected to match the gold; the fastest of
    ``REFIT_PASSES`` (the training set's candidates are built once, before: a project keeps
    them between refits)."""
    from annotations.learn.fit import fit_project_model
    from annotations.learn.simulate import corrected
    from annotations.learn.training import build_training_set

    docs, quotes = [], 0
    with DATA.open(encoding="utf-8") as f:
        for raw in f:
            if quotes >= REFIT_QUOTES:
                break
            doc = corrected(json.loads(raw))
            docs.append(doc)
            quotes += sum(len(q.part_spans()) for q in doc.quotes)
    training = build_training_set(docs)
    walls, cpus = [], []
    for _ in range(REFIT_PASSES):
        w0, c0 = time.perf_counter(), time.process_time()
        fit_project_model(training)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return {"refit_articles": len(docs), "refit_quotes": training.quotes,
            "refit_candidates": training.candidates, "refit_s": round(min(walls), 3),
            "refit_s_cpu": round(min(cpus), 3)}


def main() -> int:
    global DEFAULT_DETECTOR
    if "--model" in sys.argv[1:]:
        if not DATA.is_file():
            print(json.dumps({"skipped": f"{DATA} not found"}))
            return 0
        DEFAULT_DETECTOR = project_detector()
    DEFAULT_DETECTOR.detect('Warm up. "The lexicon loads," she said.')
    result = corpus()
    times = pathological()
    print(json.dumps({"pathological": times}))
    slowest = max(times, key=lambda name: times[name])
    result.update(pathological_s=times[slowest], pathological_slowest=slowest)
    if "--model" in sys.argv[1:]:
        result.update(refit())
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
