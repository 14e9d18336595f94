"""How far learning from corrections can take a gold set's span F1, and what limits it.

``bench/quality.py`` reports ``detect-eval``: the learned model's span F1 after N corrected
articles. This script says why that figure stops where it does, on one gold file (default
polnear-dev), with the test half ``detect-eval`` uses:

- ``candidate_ceiling``: score.py's span F1 if the model kept exactly the candidates (the
  rules' own and the broad ones) that match a gold quote, one per gold quote: what any
  classifier over today's candidates could reach; ``gold_with_candidate``: how many gold quotes
  have such a candidate at all;
- ``cue_auc``: how well the cue model's probability separates the broad cues (ROC AUC over
  one row per cue), after N corrected articles of the file's first half: ``match``, the cues
  with a matching content end from those with none; ``used``, the cues the human used (the
  cue overlaps a gold quote's cue) from the others; ``cue_auc_train``: the same model trained
  on the first N articles of polnear-train instead (more data than a project has);
- ``at_20``: span F1 after 20 corrected articles if the model kept a broad cue exactly when
  the human used it (``human_cue``: its end still the model's pick; ``human_cue_best_end``:
  a matching end wherever the cue has one): what a perfect cue decision alone would reach;
- ``end_choice``: of the broad cues with two content ends or more and a matching one, how
  many the model's chosen end matches, against the clause end ("full") every time, after 20
  corrected articles and trained on 200 polnear-train articles;
- ``span_f1_train``: span F1 on the test half of the models trained on the first 20, 100, 200
  and 400 polnear-train articles (applied as a project applies its model,
  ``ProjectDetector``): how far today's candidates, features and models go with far more
  corrections than a project has (the issue asks for the rules' F1 + 7 after 20);
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
from annotations.learn.apply import ProjectDetector  # noqa: E402
from annotations.learn.fit import fit_project_model  # noqa: E402
from annotations.learn.simulate import corrected, detect_eval, prediction_line  # noqa: E402
from annotations.learn.training import build_training_set  # noqa: E402
from annotations.learn.types import ProjectModel  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CUE_AUC_AT = (20, 100, 200, 400)  # polnear-train articles the cue model is also trained on
END_CHOICE_TRAIN = 200  # ... and the end model, for ``end_choice``


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


def _auc(scored: list[tuple[float, bool]]) -> float:
    """ROC AUC of (score, label) pairs (ties count half; nan without both labels)."""
    pos = [p for p, good in scored if good]
    neg = [p for p, good in scored if not good]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return round(wins / (len(pos) * len(neg)), 3)


def _cue_groups(model: ProjectModel, test: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per test article: its candidates (the model's cues and lemmas, none filtered), which
    match a gold quote (``good``), which have a cue the human used (``used``: it overlaps a
    gold quote's cue) and the broad ones by cue group."""
    rules = DEFAULT_DETECTOR
    out = []
    for d in test:
        text, shared = d["text"], {}
        base = rules._detect(text, shared=shared)  # type: ignore[attr-defined]
        cands = find_candidates(text, base, rules.lex, model.cues,  # type: ignore[attr-defined]
                                model.broad_lemmas(rules.lex), shared=shared)  # type: ignore[attr-defined]
        index = SpanIndex(text)
        gold = [_tokens(index, [(q["start"], q["end"])]) for q in d["quotes"]]
        cues = [(q.cue.start, q.cue.end) for q in corrected(d).quotes if q.cue is not None]
        cs = cands.candidates
        groups: dict[int, list[int]] = {}
        for i, c in enumerate(cs):
            if not c.base:
                groups.setdefault(c.group, []).append(i)
        out.append({"doc": d, "base": base, "cands": cs, "groups": groups,
                    "good": [_matches(_tokens(index, c.quote.part_spans()), gold) for c in cs],
                    "used": [c.quote.cue is not None and any(
                        a < c.quote.cue.end and c.quote.cue.start < b for a, b in cues)
                        for c in cs]})
    return out


def cue_auc(model: ProjectModel, test: list[dict[str, Any]]) -> dict[str, float]:
    """ROC AUC of the cue model's probability over one row per broad cue: ``match``, cues with
    a matching content end against those with none; ``used``, cues the human used (their cue
    overlaps a gold quote's cue) against the others."""
    match, used = [], []
    for art in _cue_groups(model, test):
        for members in art["groups"].values():
            p = model.cue_probability(art["cands"][members[0]].cue_features)
            match.append((p, any(art["good"][i] for i in members)))
            used.append((p, art["used"][members[0]]))
    return {"match": _auc(match), "used": _auc(used)}


def end_choice(model: ProjectModel, test: list[dict[str, Any]]) -> dict[str, int]:
    """Over the broad cues of ``test`` with two content ends or more and a matching one: how
    many the model's chosen end matches (``model``), how many the clause end matches
    (``full``, the rule a model must beat), out of ``cues``."""
    from annotations.learn.apply import candidate_probabilities

    out = {"cues": 0, "model": 0, "full": 0}
    for art in _cue_groups(model, test):
        cs, good = art["cands"], art["good"]
        probs = candidate_probabilities(cs, model, model.base_threshold <= 0.0)
        for members in art["groups"].values():
            if len(members) < 2 or not any(good[i] for i in members):
                continue
            out["cues"] += 1
            out["model"] += any(good[i] for i in members if probs[i] > 0)
            out["full"] += any(good[i] for i in members if "cut:full" in cs[i].end_features)
    return out


def human_cue_f1(model: ProjectModel, test: list[dict[str, Any]]) -> dict[str, float]:
    """Span F1 on ``test`` with the model's suggestions, except that a broad cue is kept
    exactly when the human used it (``human_cue``: the model still picks its content end),
    and also with a matching end picked where the cue has one (``human_cue_best_end``)."""
    from annotations.learn.apply import candidate_probabilities, select

    arts = _cue_groups(model, test)
    out = {}
    for name, best_end in (("human_cue", False), ("human_cue_best_end", True)):
        preds = {}
        for art in arts:
            cs, good = art["cands"], art["good"]
            probs = candidate_probabilities(cs, model, model.base_threshold <= 0.0)
            for members in art["groups"].values():
                chosen = next((i for i in members if probs[i] > 0), members[0])
                if best_end:
                    chosen = next((i for i in members if good[i]), chosen)
                for i in members:
                    probs[i] = 0.0
                probs[chosen] = 1.0 if art["used"][members[0]] else 0.0
            keep = select([(c.quote.start, c.quote.end) for c in cs], probs, model.threshold,
                          [c.base for c in cs], model.base_threshold)
            d = art["doc"]
            preds[d["id"]] = prediction_line(d["id"], d["text"], Suggestions(
                tuple(cs[i].quote for i in keep), art["base"].speakers, "human-cue"))
        out[name] = evaluate(test, preds)["span_overlap50"]["F1"]
    return out


def model_f1(model: ProjectModel, test: list[dict[str, Any]]) -> float:
    """Span F1 on ``test`` of the suggestions a project with ``model`` gets (the rules' own
    when its gate is closed)."""
    detector = ProjectDetector(model)
    preds = {d["id"]: prediction_line(d["id"], d["text"], detector.detect(d["text"]))
             for d in test}
    return evaluate(test, preds)["span_overlap50"]["F1"]


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
    auc: dict[str, dict[str, float]] = {}
    for n in (5, 10, 20):
        model = fit_project_model(build_training_set([corrected(d) for d in lines[:n]]))
        auc[str(n)] = cue_auc(model, test)
    result["cue_auc"] = auc
    result["at_20"] = human_cue_f1(model, test)
    result["end_choice"] = {"20": end_choice(model, test)}
    train_file = DATA / "polnear-train.jsonl"
    if train_file.is_file():
        train = _lines(train_file)
        trained = {n: fit_project_model(build_training_set([corrected(d) for d in train[:n]]))
                   for n in CUE_AUC_AT}
        result["cue_auc_train"] = {str(n): cue_auc(m, test) for n, m in trained.items()}
        result["end_choice"]["train_200"] = end_choice(trained[END_CHOICE_TRAIN], test)
        result["span_f1_train"] = {str(n): model_f1(m, test) for n, m in trained.items()}
    print(json.dumps({"cue_auc": auc, "cue_auc_train": result.get("cue_auc_train"),
                      "span_f1_train": result.get("span_f1_train")}), flush=True)
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
