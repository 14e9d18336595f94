"""How far learning from corrections can take a gold set's span F1, and what limits it.

``bench/quality.py`` reports ``detect-eval``: the learned model's span F1 after N corrected
articles. This script says why that figure stops where it does, on one gold file (default
polnear-dev), with the test half ``detect-eval`` uses:

- ``candidate_ceiling``: score.py's span F1 if the model kept exactly the candidates (the
  rules' own and the broad ones) that match a gold quote, one per gold quote: what any
  classifier over today's candidates could reach; ``gold_with_candidate``: how many gold quotes
  have such a candidate at all;
- ``cue_auc``: how well the cue model's probability separates the broad cues that have a
  matching content end from those that have none (ROC AUC over one row per cue), after N
  corrected articles of the file's first half; ``cue_auc_train``: the same model trained on
  the first N articles of polnear-train instead (more data than a project has);
- ``sizes``: ``detect-eval``'s span F1 at more corrected articles than the issue asks for (up
  to the whole first half), and ``swapped``: the same with the halves swapped (trained on the
  second half, scored on the first).

Usage: ``python bench/learning_ceiling.py [GOLD.jsonl]``. The last line is one JSON object.
Skips (exit 0, message) when the shared data folder is absent.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.detect import DEFAULT_DETECTOR  # noqa: E402
from annotations.detect.candidates import find_candidates  # noqa: E402
from annotations.detect.suggestions import Suggestions  # noqa: E402
from annotations.evaluate import SpanIndex, evaluate, overlap  # noqa: E402
from annotations.learn.fit import fit_project_model  # noqa: E402
from annotations.learn.simulate import corrected, detect_eval, prediction_line  # noqa: E402
from annotations.learn.training import build_training_set  # noqa: E402
from annotations.learn.types import ProjectModel  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CUE_AUC_AT = (20, 100, 400)  # polnear-train articles the cue model is also trained on


def _tokens(index: SpanIndex, parts: Iterable[tuple[int, int]]) -> frozenset[int]:
    """score.py's tokens of a quote's parts (``annotations.evaluate``: edges trimmed)."""
    return frozenset().union(*(index.prepare({"start": a, "end": b})["_t"] for a, b in parts))


def _matches(tokens: frozenset[int], gold: list[frozenset[int]]) -> bool:
    """score.py's overlap rule against any gold quote (half of each side's tokens)."""
    return any(overlap({"_t": g}, {"_t": tokens}) >= 0.5 for g in gold)


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def candidate_ceiling(test: list[dict[str, Any]]) -> dict[str, Any]:
    """The span F1 of the matching candidates, and how many gold quotes have one."""
    rules = DEFAULT_DETECTOR
    preds, with_candidate, gold_total = {}, 0, 0
    for d in test:
        text, shared = d["text"], {}
        base = rules._detect(text, shared=shared)  # type: ignore[attr-defined]
        cands = find_candidates(text, base, rules.lex, (), None, shared=shared)  # type: ignore[attr-defined]
        index = SpanIndex(text)
        gold = [_tokens(index, [(q["start"], q["end"])]) for q in d["quotes"]]
        spans = [_tokens(index, c.quote.part_spans()) for c in cands.candidates]
        gold_total += len(gold)
        with_candidate += sum(_matches(g, spans) for g in gold)
        kept: list[Any] = []
        for c, t in zip(cands.candidates, spans, strict=True):
            q = c.quote
            if _matches(t, gold) and not any(q.start < k.end and k.start < q.end for k in kept):
                kept.append(q)
        preds[d["id"]] = prediction_line(d["id"], text, Suggestions(tuple(kept), base.speakers,
                                                                    "ceiling"))
    return {"candidate_ceiling": evaluate(test, preds)["span_overlap50"]["F1"],
            "gold_with_candidate": with_candidate, "gold": gold_total}


def cue_auc(model: ProjectModel, test: list[dict[str, Any]]) -> float:
    """ROC AUC of the cue model's probability: broad cues with a matching end against those
    with none (ties count half)."""
    rules = DEFAULT_DETECTOR
    scored: list[tuple[float, bool]] = []
    for d in test:
        text, shared = d["text"], {}
        base = rules._detect(text, shared=shared)  # type: ignore[attr-defined]
        cands = find_candidates(text, base, rules.lex, model.cues,  # type: ignore[attr-defined]
                                model.broad_lemmas(rules.lex), shared=shared)  # type: ignore[attr-defined]
        index = SpanIndex(text)
        gold = [_tokens(index, [(q["start"], q["end"])]) for q in d["quotes"]]
        groups: dict[int, list[Any]] = {}
        for c in cands.candidates:
            if not c.base:
                groups.setdefault(c.group, []).append(c)
        for members in groups.values():
            good = any(_matches(_tokens(index, c.quote.part_spans()), gold) for c in members)
            scored.append((model.cue_probability(members[0].cue_features), good))
    pos = [p for p, good in scored if good]
    neg = [p for p, good in scored if not good]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return round(wins / (len(pos) * len(neg)), 3)


def main() -> int:
    gold = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA / "polnear-dev.jsonl"
    if not gold.is_file():
        print(json.dumps({"skipped": f"{gold} not found"}))
        return 0
    lines = _lines(gold)
    half = len(lines) // 2
    test = lines[half:]
    result: dict[str, Any] = {"gold_file": gold.name, "test_articles": len(test)}
    result.update(candidate_ceiling(test))
    print(json.dumps({"ceiling": result}), flush=True)
    auc: dict[str, float] = {}
    for n in (5, 10, 20):
        model = fit_project_model(build_training_set([corrected(d) for d in lines[:n]]))
        auc[str(n)] = cue_auc(model, test)
    result["cue_auc"] = auc
    train_file = DATA / "polnear-train.jsonl"
    if train_file.is_file():
        train = _lines(train_file)
        result["cue_auc_train"] = {
            str(n): cue_auc(fit_project_model(build_training_set(
                [corrected(d) for d in train[:n]])), test) for n in CUE_AUC_AT}
    print(json.dumps({"cue_auc": auc, "cue_auc_train": result.get("cue_auc_train")}),
          flush=True)
    sizes = sorted({20, (20 + half) // 2, half})
    run = detect_eval(lines, sizes)
    result["base"] = run["base"]["span_f1"]
    result["sizes"] = {n: v["span_f1"] for n, v in run["articles"].items()}
    swapped = detect_eval(lines[half:] + lines[:half], (5, 10, 20))
    result["swapped"] = {"base": swapped["base"]["span_f1"],
                         **{n: v["span_f1"] for n, v in swapped["articles"].items()}}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
