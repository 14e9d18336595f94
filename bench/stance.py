"""Benchmark of the stance engine: quality after N labels, and refit speed.

Runs the stance-eval simulation (active learning, gold label as oracle, refit per label) over
../shared/data/stance/: each of the five TweetEval targets with train+val as one pool (mean
F1avg at 10/20/50/100 labels, majority class beside it) and uk-manifesto-immigration (macro-F1
at 20 and 50 labels; also with the manifesto's party, from the item id, as the speaker). Then
times refit + re-suggest for a project with 1,000 labelled and 1,000 unlabelled quotes
synthesized from the same data (target <= 300 ms; also at 200 labels, where the self-training
round runs). The quote variable case (the same learner, ``annotations.stance.target``): the
tweets' TweetEval target as a five-value ``topic`` coded on each (val files, one pool),
macro-F1 at 10/20/50/100 codes beside the majority value; and the time of a project refit of
a variable (``StanceSuggester`` snapshot + fit + suggest, one document's codes changed) with
1,000 coded and 1,000 uncoded quotes in 250 documents; and, on a seeded synthetic file where
half the quotes name their topic only in their sentence ("a disaster," she said of the tax
plan), macro-F1 learning from the quote in its sentence (the variable's way) and from the
quote alone. Prints progress lines, then ONE JSON
object on the last line. Skips with a message when the data folder is absent.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.stance.adapt import speaker_identity  # noqa: E402
from annotations.stance.simulate import GoldItem, evaluate, load_gold  # noqa: E402
from annotations.stance.types import StanceExample, StanceItem  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
STANCE = DATA / "stance"
TARGETS = ("abortion", "atheism", "climate", "feminist", "hillary")
COUNTS = (10, 20, 50, 100)
UK_COUNTS = (20, 50)


def _mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 4)


def tweeteval(seed: int = 0) -> dict[str, object]:
    """Mean F1avg over the five targets at each count, and per target."""
    per_count: dict[int, list[float]] = {c: [] for c in COUNTS}
    majority: list[float] = []
    per_target: dict[str, dict[str, float]] = {}
    for target in TARGETS:
        gold = load_gold(STANCE / f"tweeteval-{target}-train.jsonl") + load_gold(
            STANCE / f"tweeteval-{target}-val.jsonl"
        )
        t0 = time.perf_counter()
        result = evaluate(gold, COUNTS, seed=seed)
        majority.append(result.majority_f1avg)
        per_target[target] = {str(c.n): round(c.f1avg, 4) for c in result.counts}
        for c in result.counts:
            per_count[c.n].append(c.f1avg)
        print(
            f"# {target}: {len(gold)} items, majority {result.majority_f1avg:.3f}, "
            + ", ".join(f"{c.n}: {c.f1avg:.3f}{'' if c.trusted else ' (tentative)'}"
                        for c in result.counts)
            + f" [{time.perf_counter() - t0:.1f}s]",
            flush=True,
        )
    return {
        "tweeteval_f1avg_mean": {str(c): _mean(v) for c, v in per_count.items()},
        "majority_f1avg_mean": _mean(majority),
        "tweeteval_f1avg_per_target": per_target,
    }


def uk(seed: int = 0) -> dict[str, object]:
    """Macro-F1 on the UK manifesto sentences, without and with the party as speaker."""
    gold = load_gold(STANCE / "uk-manifesto-immigration.jsonl")
    plain = evaluate(gold, UK_COUNTS, seed=seed)
    with_party = [  # the party's name, identified as a project's speakers are
        GoldItem(replace(g.item, speaker=speaker_identity(g.item.id.split("_")[0])), g.label)
        for g in gold
    ]
    party = evaluate(with_party, UK_COUNTS, seed=seed)
    out = {
        "uk_macro_f1": {str(c.n): round(c.macro_f1, 4) for c in plain.counts},
        "uk_majority_macro_f1": round(plain.majority_macro_f1, 4),
        "uk_macro_f1_party_speaker": {str(c.n): round(c.macro_f1, 4) for c in party.counts},
    }
    print(f"# uk-manifesto: {out}", flush=True)
    return out


def refit_timing(n_labelled: int = 1000, n_unlabelled: int = 1000) -> dict[str, object]:
    """Median time of refit + re-suggest-all after one more label, 1,000 labelled quotes."""
    from annotations.stance.model import StanceModel

    rows = []
    for target in TARGETS:
        for split in ("train", "val"):
            rows += load_gold(STANCE / f"tweeteval-{target}-{split}.jsonl")
    rows = rows[: n_labelled + n_unlabelled + 10]
    speakers = [f"speaker-{i % 60}" for i in range(len(rows))]
    docs = [f"doc-{i % 250}" for i in range(len(rows))]
    cues = ("say", "tell", "claim", "argue", "add")
    examples = [
        StanceExample(g.item.text, g.label, speakers[i], cues[i % 5], docs[i])
        for i, g in enumerate(rows)
    ]
    items = [
        StanceItem(g.item.id, g.item.text, speakers[i], cues[i % 5], docs[i])
        for i, g in enumerate(rows)
    ]
    labels = ("favor", "against", "none")
    model = StanceModel(labels)
    t0 = time.perf_counter()
    model.set_corpus([it.text for it in items])
    corpus_ms = (time.perf_counter() - t0) * 1000

    def median_refit(n: int) -> float:
        model.fit(examples[:n], pool=items[n:])
        model.suggest(items[n:])
        times = []
        for extra in range(1, 6):
            t0 = time.perf_counter()
            model.fit(examples[: n + extra], pool=items[n + extra :])
            model.suggest(items[n + extra :])
            times.append((time.perf_counter() - t0) * 1000)
        return round(statistics.median(times), 1)

    out = {
        "refit_1000_ms": median_refit(n_labelled),
        "refit_200_self_training_ms": median_refit(200),
        "corpus_build_ms": round(corpus_ms, 1),
        "refit_items": len(items),
    }
    print(f"# refit: {out}", flush=True)
    return out


def topic_quality(seed: int = 0) -> dict[str, object]:
    """A quote variable learned as the app learns it: each tweet's target as its topic."""
    gold = []
    for target in TARGETS:
        for g in load_gold(STANCE / f"tweeteval-{target}-val.jsonl"):
            gold.append(GoldItem(g.item, target))
    result = evaluate(gold, COUNTS, seed=seed)
    out = {
        "topic_items": len(gold),
        "topic_macro_f1": {str(c.n): round(c.macro_f1, 4) for c in result.counts},
        "topic_trusted": {str(c.n): c.trusted for c in result.counts},
        "topic_majority_macro_f1": round(result.majority_macro_f1, 4),
    }
    print(f"# topic (tweeteval target as a quote variable): {out}", flush=True)
    return out


def code_refit_timing(n_coded: int = 1000, n_uncoded: int = 1000, n_docs: int = 250
                      ) -> dict[str, object]:
    """Median time of a variable's project refit (snapshot of the changed document, fit,
    suggest for every uncoded quote) after one more code, as the app's worker runs it."""
    from annotations.codebook import CodedVariable
    from annotations.model import Layer, Quote
    from annotations.stance.suggester import StanceSuggester
    from annotations.stance.target import Target

    rows = []
    for target in TARGETS:
        for split in ("train", "val"):
            rows += [(g.item.text, target)
                     for g in load_gold(STANCE / f"tweeteval-{target}-{split}.jsonl")]
    rows = rows[::max(1, len(rows) // (n_coded + n_uncoded))][: n_coded + n_uncoded]
    variable = CodedVariable("topic", TARGETS)
    by_doc: dict[str, dict[str, Quote]] = {}
    for i, (text, target) in enumerate(rows):
        doc = f"doc-{i % n_docs:03d}"
        codes = (("topic", target),) if i < n_coded else ()
        by_doc.setdefault(doc, {})[f"q{i}"] = Quote(f"q{i}", 0, len(text), text, "direct",
                                                    codes=codes)
    layers: dict[str, Layer] = {d: Layer("ann", qs, {}) for d, qs in by_doc.items()}
    ids = sorted(layers)
    model = StanceSuggester()
    target = Target.code(variable)
    model.compute(model.snapshot(ids, layers.__getitem__, target), None)
    times = []
    for k in range(5):
        doc = ids[k]
        model.changed(doc)
        t0 = time.perf_counter()
        result = model.compute(model.snapshot(ids, layers.__getitem__, target), None)
        times.append((time.perf_counter() - t0) * 1000)
    out = {"code_refit_1000_ms": round(statistics.median(times), 1),
           "code_refit_suggested": len(result.by_quote),
           "code_refit_trusted": bool(result.report and result.report.trusted)}
    print(f"# code refit: {out}", flush=True)
    return out


def sentence_context(tmp: Path, seed: int = 2) -> dict[str, object]:
    """Macro-F1 after 20/50/100 codes from the quote in its sentence and from the quote
    alone, on synthetic news sentences (seeded) where half the quotes leave the topic to it."""
    import random

    from annotations.stance import adapt
    from annotations.stance.simulate import code_eval_items

    rng = random.Random(seed)
    topics = {
        "economy": "taxes wages jobs budget inflation prices growth employers rents pensions",
        "crime": "police arrests robbery officers violence courts prison shootings thefts gangs",
        "health": "hospital doctors nurses vaccine patients clinics insurance disease surgery",
    }
    vague = ["that is a disaster", "we will fight this", "it is long overdue", "nobody asked us",
             "this changes everything", "we cannot wait any longer", "it is a good first step",
             "shame on them"]
    lines = []
    for d in range(60):
        text, quotes = "", []
        for k in range(3):
            topic = rng.choice(sorted(topics))
            w = rng.sample(topics[topic].split(), 2)
            if rng.random() < 0.5:  # the topic in the sentence only
                said, after = rng.choice(vague), f'," she said of the {w[0]} and {w[1]} plan. '
            else:
                said, after = f"{rng.choice(vague)} on {w[0]} and {w[1]}", '," she said. '
            start = len(text) + 1
            text += f'"{said}{after}'
            quotes.append({"id": f"q{k}", "start": start, "end": start + len(said),
                           "text": said, "type": "direct", "speaker_name": "Ann Lee",
                           "codes": {"topic": topic}})
        lines.append(json.dumps({"id": f"d{d}", "title": "t", "text": text, "quotes": quotes}))
    path = tmp / "sentences.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts = (20, 50, 100)
    in_sentence = evaluate(code_eval_items(path, "topic"), counts)
    keep = adapt.quote_in_sentence
    adapt.quote_in_sentence = lambda quote, _text: quote.text  # the quote alone
    try:
        alone = evaluate(code_eval_items(path, "topic"), counts)
    finally:
        adapt.quote_in_sentence = keep
    out = {
        "sentence_majority_macro_f1": round(in_sentence.majority_macro_f1, 4),
        "sentence_macro_f1_in_sentence": {str(c.n): round(c.macro_f1, 4)
                                          for c in in_sentence.counts},
        "sentence_macro_f1_quote_alone": {str(c.n): round(c.macro_f1, 4) for c in alone.counts},
    }
    print(f"# quote in its sentence vs alone: {out}", flush=True)
    return out


def main() -> int:
    """Run everything and print the JSON summary last."""
    if not STANCE.is_dir():
        print(f"# skipped: stance data not found at {STANCE}")
        print(json.dumps({"skipped": f"no data at {STANCE}"}))
        return 0
    t0 = time.perf_counter()
    result: dict[str, object] = {}
    result.update(tweeteval())
    result.update(uk())
    result.update(refit_timing())
    result.update(topic_quality())
    result.update(code_refit_timing())
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result.update(sentence_context(Path(tmp)))
    result["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
