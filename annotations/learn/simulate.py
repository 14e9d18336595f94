"""``detect-eval``: how much a project's suggestions improve as a researcher corrects articles.

Simulation on a gold file (interchange JSONL, file order): the researcher corrects the first
N articles to match the gold (for each N of ``articles``), the project model is refitted on
them (gate included: a model that does not beat the rules on its own leave-one-article-out
check stays off, and that N scores as the rules do, span conventions and canonical names
aside), and the suggestions are scored on the second half of the file — the same test
articles for every N — with score.py's rules (``annotations.evaluate``). The first N never
reach into the test half.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from annotations.detect.rules import RuleDetector
from annotations.detect.suggestions import Suggestions
from annotations.evaluate import evaluate
from annotations.formats.interchange import document_to_interchange, layer_from_interchange
from annotations.learn.apply import apply_model, cue_filter
from annotations.learn.fit import fit_project_model
from annotations.learn.training import CorrectedDocument, build_training_set
from annotations.learn.types import ProjectModel
from annotations.model import Document, layer_from_records


def prediction_line(doc_id: str, text: str, sugg: Suggestions) -> dict[str, Any]:
    """One interchange prediction line; a split quote becomes one item per part (the way the
    gold files store discontinuous quotes)."""
    layer = layer_from_records("suggestions", sugg.quotes, sugg.speakers)
    line = document_to_interchange(Document(doc_id, "", text), layer)
    items = []
    for q in line["quotes"]:
        if len(q["parts"]) > 1:
            for n, (s, e) in enumerate(q["parts"]):
                items.append(dict(q, id=f"{q['id']}.{n + 1}", start=s, end=e, text=text[s:e]))
        else:
            items.append(q)
    line["quotes"] = items
    return line


def _locate_cue(text: str, quote: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where a gold quote's cue text (given without offsets) occurs nearest the quote."""
    cue = quote.get("cue")
    if not isinstance(cue, str) or not cue.strip() or quote.get("cue_start") is not None:
        return None
    s, e = int(quote["start"]), int(quote["end"])
    lo, best = max(0, s - 200), None
    at = text.find(cue, lo, e + 200)
    while at != -1:
        d = s - (at + len(cue)) if at < s else at - e
        if (best is None or abs(d) < best[0]) and not s <= at < e:
            best = (abs(d), at)
        at = text.find(cue, at + 1, e + 200)
    return None if best is None else (best[1], best[1] + len(cue))


def corrected(line: Mapping[str, Any]) -> CorrectedDocument:
    """A gold line read as the layer of a researcher who corrected that article (a cue given
    as text only is located in the text, the way a researcher marks it)."""
    quotes = []
    for q in line.get("quotes") or ():
        at = _locate_cue(line["text"], q)
        quotes.append(dict(q, cue_start=at[0], cue_end=at[1]) if at else q)
    layer = layer_from_interchange(dict(line, quotes=quotes), line["text"], name="gold")
    return CorrectedDocument.from_layer(line["id"], line["text"], layer)


def summary(result: Mapping[str, Any]) -> dict[str, float]:
    """The four figures ``detect-eval`` reports from an ``evaluate`` result."""
    return {
        "span_f1": result["span_overlap50"]["F1"],
        "exact_f1": result["span_exact"]["F1"],
        "e2e_f1": result["end_to_end_overlap50_plus_speaker"]["F1"],
        "resolved": result["speaker_acc_on_matched"]["resolved_to_ref"],
    }


def detect_eval(
    gold: Iterable[Mapping[str, Any]],
    articles: Sequence[int] = (5, 10, 20),
    rules: RuleDetector | None = None,
) -> dict[str, Any]:
    """``{"base": {...}, "articles": {"N": {...}}, "test_articles": n, "models": {...}}``:
    the rules' scores on the test half, each N's scores, and each N's gate status."""
    if rules is None:
        from annotations.detect import DEFAULT_DETECTOR

        assert isinstance(DEFAULT_DETECTOR, RuleDetector)
        rules = DEFAULT_DETECTOR
    lines = [dict(x) for x in gold]
    half = len(lines) // 2
    test = lines[half:]
    shared: dict[str, dict[str, Any]] = {d["id"]: {} for d in test}
    base = {d["id"]: rules._detect(d["text"], shared=shared[d["id"]]) for d in test}
    base_lines = {i: prediction_line(i, d["text"], base[i]) for i, d in
                  ((d["id"], d) for d in test)}
    base_score = summary(evaluate(test, base_lines))
    out: dict[str, Any] = {"base": base_score, "articles": {}, "models": {},
                           "test_articles": len(test)}
    cands_by_cues: dict[tuple[tuple[str, ...], tuple[str, ...], str], dict[str, Any]] = {}
    for n in articles:
        train = [corrected(d) for d in lines[: min(n, half)]]
        model: ProjectModel = fit_project_model(build_training_set(train, rules))
        out["models"][str(n)] = {"trusted": model.trusted, "reason": model.status.describe(),
                                 "why": model.status.reason,
                                 "cv_f1": model.status.cv_f1, "base_f1": model.status.base_f1,
                                 "cues": list(model.cues), "conventions": {
                                     "strip_that": model.conventions.strip_that,
                                     "end_punct": model.conventions.end_punct},
                                 "aliases": len(model.aliases)}
        if not model.trusted and not model.edits:
            out["articles"][str(n)] = dict(base_score)
            continue
        key = (model.cues, model.skip_lemmas, model.digest() if model.trusted else "")
        cands = cands_by_cues.get(key)
        if cands is None:
            from annotations.detect.candidates import find_candidates

            lemmas = (model.broad_lemmas(rules.lex) if not model.trusted or model.threshold <= 1.0
                      else frozenset())
            cands = cands_by_cues[key] = {
                d["id"]: find_candidates(d["text"], base[d["id"]], rules.lex, model.cues, lemmas,
                                         shared=shared[d["id"]],
                                         cue_filter=cue_filter(model) if model.trusted
                                         else None)
                for d in test}
        version = rules.version + "+project"
        preds = {d["id"]: prediction_line(d["id"], d["text"], apply_model(
                     cands[d["id"]], model, version, classifier=model.trusted))
                 for d in test}
        out["articles"][str(n)] = summary(evaluate(test, preds))
    return out
