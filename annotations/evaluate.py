"""Score quotes (a layer, or detector suggestions) against gold with the rules of
``../shared/eval/score.py``: same normalisation, matching, speaker credit and output keys.

Rules, in short (score.py's docstring is the reference):

- spans are trimmed of whitespace, double quote marks and edge punctuation on both sides;
- EXACT: identical trimmed spans; OVERLAP: word tokens (``\\w+`` over the gold text) starting
  inside each trimmed span, matched iff shared / max(|gold|, |pred|) >= 0.5;
- matching is one-to-one, greedy by descending score (ties: gold order, then pred order);
- speaker credit on overlap-matched pairs: surface or head-word match, ``+ref`` also credits a
  pred whose last word occurs in gold ``speaker_ref``; ``speaker_name`` may stand in for
  ``speaker``; ``resolved_to_ref`` needs a shared content word with ``speaker_ref``;
- end-to-end: overlap-matched and speaker correct under ``+ref``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

TRIM = frozenset(" \t\r\n\"\u201c\u201d\u201e\u00ab\u00bb,.;:!?\u2014-")
WORD = re.compile(r"\w+")
POSSESSIVE = re.compile(r"['\u2019]s\b")
STOP = frozenset({
    "the", "a", "an", "of", "and", "for", "in", "on", "at", "to", "mr", "mrs", "ms", "dr",
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "his", "their",
})
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "him", "her"})
GOLD_TYPES: tuple[str, ...] = ("direct", "mixed", "indirect", "unknown")

Item = dict[str, Any]


def norm_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``-``end`` with whitespace, double quote marks and edge punctuation trimmed."""
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


def words(s: str | None) -> list[str]:
    """Lower-cased word tokens of ``s`` with possessive ``'s`` removed."""
    return [w.lower() for w in WORD.findall(POSSESSIVE.sub("", s or ""))]


def _speaker_rule(gold: Item, pred_speaker: str | None, use_ref: bool) -> bool:
    gs = gold.get("speaker")
    ref = gold.get("speaker_ref") if use_ref else None
    if gs is None and not ref:
        return pred_speaker is None
    pw = words(pred_speaker)
    if gs is not None:
        gw = words(gs)
        if pw and gw and (pw == gw or gw[-1] in pw or pw[-1] in gw):
            return True
    return bool(ref and pw and pw[-1] in words(ref))


def speaker_ok(gold: Item, pred: Item, use_ref: bool) -> bool:
    """Is ``pred``'s speaker (its surface ``speaker`` or resolved ``speaker_name``) correct?"""
    name = pred.get("speaker_name")
    if name and name != pred.get("speaker") and _speaker_rule(gold, name, use_ref):
        return True
    return _speaker_rule(gold, pred.get("speaker"), use_ref)


def resolved_to_ref(gold: Item, pred: Item) -> bool:
    """Do the pred's resolved name and gold ``speaker_ref`` share a content word?"""
    pw = set(words(pred.get("speaker_name") or pred.get("speaker"))) - STOP
    return bool(pw & (set(words(gold["speaker_ref"])) - STOP))


def greedy_match(
    gold: Sequence[Item],
    pred: Sequence[Item],
    score: Callable[[Item, Item], float],
    thr: float,
    candidates: Iterable[tuple[int, int]] | None = None,
) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) scoring >= ``thr``, best first; ties go to
    the lower gold index, then the lower pred index (score.py's stable sort).

    ``candidates`` limits the pairs scored (all pairs when ``None``); it must hold every pair
    that can reach ``thr``, e.g. ``shared_token_pairs`` for ``overlap``.
    """
    pairs = candidates if candidates is not None else (
        (i, j) for i in range(len(gold)) for j in range(len(pred)))
    cands = [(sc, i, j) for i, j in pairs if (sc := score(gold[i], pred[j])) >= thr]
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, i, j in cands:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return pairs


class SpanIndex:
    """Trimmed spans and their word-token ids over one gold text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [m.start() for m in WORD.finditer(text)]

    def prepare(self, quote: Mapping[str, Any]) -> Item:
        """A copy of ``quote`` with its trimmed span (``_n``) and token ids (``_t``)."""
        item = dict(quote)
        s, e = norm_span(self.text, int(quote["start"]), int(quote["end"]))
        item["_n"] = (s, e)
        item["_t"] = frozenset(
            range(bisect.bisect_left(self.starts, s), bisect.bisect_left(self.starts, e))
        )
        return item


def shared_token_pairs(
    gold: Sequence[Item], pred: Sequence[Item]
) -> set[tuple[int, int]]:
    """Pairs (gold index, pred index) sharing at least one token: the only pairs whose
    ``overlap`` can be above zero."""
    by_token: dict[int, list[int]] = {}
    for i, g in enumerate(gold):
        for t in g["_t"]:
            by_token.setdefault(t, []).append(i)
    return {(i, j) for j, p in enumerate(pred) for t in p["_t"] for i in by_token.get(t, ())}


def same_span_pairs(gold: Sequence[Item], pred: Sequence[Item]) -> list[tuple[int, int]]:
    """Pairs (gold index, pred index) with identical trimmed spans (``exact`` = 1)."""
    by_span: dict[tuple[int, int], list[int]] = {}
    for i, g in enumerate(gold):
        by_span.setdefault(g["_n"], []).append(i)
    return [(i, j) for j, p in enumerate(pred) for i in by_span.get(p["_n"], ())]


def overlap_match(gold: Sequence[Item], pred: Sequence[Item]) -> list[tuple[int, int]]:
    """score.py's OVERLAP matching (>= 50 % of the tokens of each side, one-to-one)."""
    return greedy_match(gold, pred, overlap, 0.5, shared_token_pairs(gold, pred))


def exact_match(gold: Sequence[Item], pred: Sequence[Item]) -> list[tuple[int, int]]:
    """score.py's EXACT matching (identical trimmed spans, one-to-one)."""
    return greedy_match(gold, pred, exact, 1.0, same_span_pairs(gold, pred))


def overlap(g: Item, p: Item) -> float:
    """Shared tokens over the larger of the two token sets."""
    return len(g["_t"] & p["_t"]) / max(len(g["_t"]), len(p["_t"]), 1)


def exact(g: Item, p: Item) -> float:
    """1.0 for identical trimmed spans, else 0.0."""
    return 1.0 if g["_n"] == p["_n"] else 0.0


def prf(tp: int, npred: int, ngold: int) -> dict[str, Any]:
    """Precision, recall and F1 in percent (one decimal) with the raw counts."""
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": round(100 * p, 1), "R": round(100 * r, 1), "F1": round(100 * f, 1),
            "tp": tp, "pred": npred, "gold": ngold}


def _pct(num: int, den: int) -> float:
    return round(100 * num / max(den, 1), 1)


def _score_doc(gold: list[Item], pred: list[Item], c: Counter[str], by_type: Counter[str]) -> None:
    c["gold"] += len(gold)
    c["pred"] += len(pred)
    for g in gold:
        by_type["gold_" + g["type"]] += 1
    ex = exact_match(gold, pred)
    c["tp_exact"] += len(ex)
    for i, _ in ex:
        by_type["exact_" + gold[i]["type"]] += 1
    for i, j in overlap_match(gold, pred):
        g, p = gold[i], pred[j]
        c["tp_overlap"] += 1
        by_type["overlap_" + g["type"]] += 1
        if g.get("speaker") is not None:
            surface, plus_ref = speaker_ok(g, p, False), speaker_ok(g, p, True)
            c["spk_eval"] += 1
            c["spk_surface_ok"] += surface
            c["spk_ref_ok"] += plus_ref
            if (g["speaker"] or "").lower() in PRONOUNS:
                c["spk_pron_eval"] += 1
                c["spk_pron_surface_ok"] += surface
                c["spk_pron_ref_ok"] += plus_ref
        c["e2e_ok"] += speaker_ok(g, p, True)
        if g.get("speaker_ref"):
            c["ref_eval"] += 1
            c["ref_ok"] += resolved_to_ref(g, p)


def _drop_other_type(
    gold: list[Item], pred: list[Item], only_type: str, c: Counter[str]
) -> tuple[list[Item], list[Item]]:
    """Keep gold of ``only_type``; drop preds that match only a gold item of another type."""
    other = [g for g in gold if g["type"] != only_type]
    kept = [g for g in gold if g["type"] == only_type]
    matched = {j for _, j in overlap_match(kept, pred)}
    rest = [p for j, p in enumerate(pred) if j not in matched]
    drop = {id(rest[j]) for _, j in overlap_match(other, rest)}
    c["pred_dropped_as_other_type"] += len(drop)
    return kept, [p for p in pred if id(p) not in drop]


def evaluate(
    gold_lines: Iterable[Mapping[str, Any]],
    pred_lines: Mapping[str, Mapping[str, Any]],
    *,
    only_type: str | None = None,
    id_filter: str = "",
) -> dict[str, Any]:
    """Score predictions against gold, returning score.py's ``--json`` result.

    ``gold_lines``: interchange dicts with ``id``, ``text`` and ``quotes``. ``pred_lines``: doc
    id -> interchange dict with ``quotes`` (a missing doc counts as "no predictions").
    ``only_type`` and ``id_filter`` are score.py's ``--only-type`` and ``--filter``.
    """
    return evaluate_pairs(((gd, pred_lines.get(gd["id"])) for gd in gold_lines),
                          only_type=only_type, id_filter=id_filter)


def evaluate_pairs(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any] | None]],
    *,
    only_type: str | None = None,
    id_filter: str = "",
) -> dict[str, Any]:
    """``evaluate`` over a stream of (gold line, prediction line or ``None``) pairs, taken one
    at a time: only counts are kept, so a corpus of any size scores in flat memory."""
    pattern = re.compile(id_filter) if id_filter else None
    c: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    ndocs = 0
    for gd, pred_line in pairs:
        if pattern is not None and not pattern.search(gd["id"]):
            continue
        ndocs += 1
        index = SpanIndex(gd["text"])
        gold = [index.prepare(q) for q in gd.get("quotes") or ()]
        pred_doc = pred_line or {}
        pred = [index.prepare(q) for q in pred_doc.get("quotes") or ()]
        if only_type:
            gold, pred = _drop_other_type(gold, pred, only_type, c)
        _score_doc(gold, pred, c, by_type)
    res: dict[str, Any] = {
        "docs": ndocs,
        "span_exact": prf(c["tp_exact"], c["pred"], c["gold"]),
        "span_overlap50": prf(c["tp_overlap"], c["pred"], c["gold"]),
        "recall_by_gold_type": {
            t: {
                "gold": by_type["gold_" + t],
                "R_exact": round(100 * by_type["exact_" + t] / by_type["gold_" + t], 1),
                "R_overlap50": round(100 * by_type["overlap_" + t] / by_type["gold_" + t], 1),
            }
            for t in GOLD_TYPES
            if by_type["gold_" + t]
        },
        "speaker_acc_on_matched": {
            "n": c["spk_eval"],
            "surface_or_head": _pct(c["spk_surface_ok"], c["spk_eval"]),
            "plus_ref": _pct(c["spk_ref_ok"], c["spk_eval"]),
            "pronoun_gold_n": c["spk_pron_eval"],
            "pronoun_surface_or_head": _pct(c["spk_pron_surface_ok"], c["spk_pron_eval"]),
            "pronoun_plus_ref": _pct(c["spk_pron_ref_ok"], c["spk_pron_eval"]),
            "resolved_to_ref_n": c["ref_eval"],
            "resolved_to_ref": _pct(c["ref_ok"], c["ref_eval"]),
        },
        "end_to_end_overlap50_plus_speaker": prf(c["e2e_ok"], c["pred"], c["gold"]),
    }
    if only_type:
        res["pred_dropped_as_other_type"] = c["pred_dropped_as_other_type"]
    return res


def evaluate_layers(
    gold_lines: Iterable[Mapping[str, Any]],
    preds: Iterable[Mapping[str, Any]],
    **options: Any,
) -> dict[str, Any]:
    """``evaluate`` with predictions given as a stream of interchange dicts (e.g. from
    ``document_to_interchange`` over a project's layer); later lines win on duplicate ids."""
    return evaluate(gold_lines, {p["id"]: p for p in preds}, **options)
