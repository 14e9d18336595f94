"""Fitting the project model and its honesty gate.

Three logistic regressions (scikit-learn, liblinear) on one-hot feature strings:

- the *candidate* model (``ProjectModel.weights``) on every candidate's ``features``, label:
  it matches a quote the researcher kept; it scores the rules' own quotes (a project that
  drops some of them: GGT-style projects drop beliefs and plans);
- the *cue* model (``cue_weights``) on one row per broad cue (``Candidate.cue_features``),
  label ``DocExamples.cue_labels`` (the researcher used that cue): which of the constructions
  the rules leave out the project counts (PolNeAR-style projects count beliefs and plans);
  judging the cue apart from its content end is what makes it learnable from a few articles;
- the *end* model (``end_weights``) on the content ends of the cues the researcher used
  (``Candidate.end_features``): where the project's contents end (clause, comma, "and"...).

A broad candidate's probability is its cue's when it is its cue's best-scoring end, else 0.
The gate: each corrected article is predicted by models fitted on the other articles
(leave-one-article-out; ``GATE_FOLDS`` grouped folds past ``MAX_LOAO`` articles, so a refit
stays cheap; a held-out article does not get the cues only its own missed quotes taught) and
scored with score.py's overlap rule (span F1 over the articles' quote parts); the rules are
scored the same way on the same articles. The acceptance thresholds (``THRESHOLDS`` for
broad candidates, ``BASE_THRESHOLDS`` for the rules' own: a base quote is dropped only below
it) are the most cautious pair within ``TOLERANCE`` of the best held-out F1. The model is
trusted only when

1. at least ``MIN_ARTICLES`` articles are corrected, with kept and dropped candidates;
2. its held-out span F1 beats the rules' by ``MARGIN`` points;
3. it does not lose to the rules on more articles than it wins.

Otherwise suggestions stay the rules' and ``LearnStatus.reason`` says why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.learn.training import (
    DocExamples,
    TrainingSet,
    cue_evidence,
    learn_cues,
    selection_tp,
)
from annotations.learn.types import LearnStatus, ProjectModel, SpanConventions

MIN_ARTICLES = 3
MAX_LOAO = 20
GATE_FOLDS = 5
MARGIN = 1.0
TOLERANCE = 0.5
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 1.01)  # 1.01: no broad candidate
BASE_THRESHOLDS = (0.0, 0.35, 0.6)  # 0: every base quote kept
C = 0.25  # L2 strength (liblinear's C) of the candidate model
C_CUE = 0.5  # of the cue model
C_END = 0.5  # of the end model
TOL = 1e-2  # liblinear's stopping tolerance (a refit stays fast)
MIN_VOTES = 3
ALIAS_MIN = 2
LEMMA_SLACK = 0.5  # a broad lemma seen LEMMA_MIN_SEEN times in training is skipped when none
LEMMA_MIN_SEEN = 3  # of its candidates reached this share of the threshold


def _sparse(rows: Sequence[tuple[str, ...]]) -> tuple[Any, dict[str, int]]:
    """The one-hot matrix of ``rows`` (feature strings) and its vocabulary (first-seen
    order)."""
    from itertools import accumulate, chain

    import numpy as np
    from scipy.sparse import csr_matrix

    flat = list(chain.from_iterable(rows))
    vocab = {f: j for j, f in enumerate(dict.fromkeys(flat))}
    cols = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int32, count=len(flat))
    indptr = np.fromiter(accumulate(map(len, rows), initial=0), dtype=np.int32,
                         count=len(rows) + 1)
    x = csr_matrix((np.ones(len(flat)), cols, indptr), shape=(len(rows), len(vocab)))
    x.sum_duplicates()
    return x, vocab


@dataclass(frozen=True)
class _Design:
    """The three models' rows over a training set, with the article of every row.

    ``base``: one row per base candidate (its features; label: it matches a kept quote);
    ``cue``: one row per broad cue group (the cue's features; label: ``cue_labels``);
    ``end``: one row per broad candidate (its content end's features; label: it matches, fitted
    on the rows of positive groups only, ``end_fit``). ``where[d][j]``: candidate j of article
    d is base row ``(0, r)`` or end row ``(1, r)``; ``end_group[r]``: the cue row of end row r.
    """

    vocabs: tuple[dict[str, int], dict[str, int], dict[str, int]]
    x: tuple[Any, Any, Any]
    y: tuple[Any, Any, Any]
    doc: tuple[Any, Any, Any]
    end_group: Any
    end_fit: Any
    where: tuple[tuple[tuple[int, int], ...], ...]


def _design(docs: Sequence[DocExamples]) -> _Design:
    """The rows of the three models over ``docs`` (see ``_Design``)."""
    import numpy as np

    rows: tuple[list[tuple[str, ...]], ...] = ([], [], [])
    ys: tuple[list[bool], ...] = ([], [], [])
    docs_of: tuple[list[int], ...] = ([], [], [])
    end_group: list[int] = []
    where = []
    for di, d in enumerate(docs):
        cue_row: dict[int, int] = {}
        here = []
        for j, feats in enumerate(d.features):
            g = d.groups[j] if d.groups else -1
            # the candidate model learns from every candidate (what a lemma's broad uses
            # teach carries over to the rules' own quotes with that lemma)
            rows[0].append(feats)
            ys[0].append(d.labels[j])
            docs_of[0].append(di)
            if g < 0:
                here.append((0, len(rows[0]) - 1))
                continue
            if g not in cue_row:
                cue_row[g] = len(rows[1])
                rows[1].append(d.cue_features[j])
                ys[1].append(d.cue_labels[j])
                docs_of[1].append(di)
            here.append((1, len(rows[2])))
            rows[2].append(d.end_features[j])
            ys[2].append(d.labels[j])
            docs_of[2].append(di)
            end_group.append(cue_row[g])
        where.append(tuple(here))
    (x0, v0), (x1, v1), (x2, v2) = (_sparse(r) for r in rows)
    y = tuple(np.array(v, dtype=int) for v in ys)
    eg = np.array(end_group, dtype=int)
    # the end model learns from the cues that have a matching content end: a used cue whose
    # content the human marked elsewhere says nothing about where contents end
    positive = np.zeros(len(eg), dtype=bool)
    if len(eg):
        matched = np.zeros(len(y[1]), dtype=bool)
        matched[eg[y[2] > 0]] = True
        positive = matched[eg]
    return _Design((v0, v1, v2), (x0, x1, x2), y,
                   tuple(np.array(v, dtype=int) for v in docs_of), eg, positive, tuple(where))


_Params = tuple[Any, float, Any, float, Any]  # base coef, bias, cue coef, bias, end coef


def _fit(x: Any, y: Any, c: float | None = None) -> tuple[Any, float]:
    """Coefficients and intercept of an L2 logistic regression (``c``: liblinear's C, default
    ``C``; a constant model when ``y`` has a single class)."""
    import numpy as np

    if len(y) == 0 or y.min() == y.max():
        p = (float(y[0]) if len(y) else 0.0) * 0.98 + 0.01
        return np.zeros(x.shape[1]), float(np.log(p / (1 - p)))
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=C if c is None else c, solver="liblinear", tol=TOL)
    lr.fit(x, y)
    return lr.coef_[0], float(lr.intercept_[0])


def _fit_all(design: _Design, train: Any) -> _Params:
    """The three models fitted on the rows of the articles ``train`` (a boolean mask)."""
    rb = train[design.doc[0]]
    rc = train[design.doc[1]]
    re_ = train[design.doc[2]] & design.end_fit
    wb, bb = _fit(design.x[0][rb], design.y[0][rb])
    wc, bc = _fit(design.x[1][rc], design.y[1][rc], C_CUE)
    we, _ = _fit(design.x[2][re_], design.y[2][re_], C_END)
    return wb, bb, wc, bc, we


def _sigmoid(z: Any) -> Any:
    """The logistic function, clipped as ``ProjectModel.probability`` is."""
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def _predict(design: _Design, params: _Params, docs: Iterable[int]) -> dict[int, list[float]]:
    """The accept probability of every candidate of the articles ``docs``: a base candidate
    its own; a broad one its cue group's when it is the group's best content end, else 0."""
    import numpy as np

    wb, bb, wc, bc, we = params
    docs = list(docs)
    probs: list[dict[int, float]] = [{}, {}]
    for k, (w, b) in enumerate(((wb, bb), (wc, bc))):
        rows = np.flatnonzero(np.isin(design.doc[k], docs))
        if len(rows):
            probs[k] = dict(zip(rows.tolist(), _sigmoid(design.x[k][rows] @ w + b).tolist(),
                                strict=True))
    best: dict[int, tuple[float, int]] = {}
    rows = np.flatnonzero(np.isin(design.doc[2], docs))
    if len(rows):
        for r, score in zip(rows.tolist(), (design.x[2][rows] @ we).tolist(), strict=True):
            g = int(design.end_group[r])
            if g not in best or score > best[g][0] + 1e-12:
                best[g] = (score, r)
    chosen = {r: g for g, (_, r) in best.items()}
    return {d: [probs[0][r] if kind == 0 else
                (probs[1][chosen[r]] if r in chosen else 0.0) for kind, r in design.where[d]]
            for d in docs}


def _clashes(spans: Sequence[tuple[int, int]]) -> list[set[int]]:
    """For each span, the others it clashes with in ``select`` (overlap of half the longer)."""
    out: list[set[int]] = [set() for _ in spans]
    order = sorted(range(len(spans)), key=lambda k: spans[k])
    for n, i in enumerate(order):
        s, e = spans[i]
        for k in order[n + 1 :]:
            ks, ke = spans[k]
            if ks >= e:
                break
            if min(e, ke) - max(s, ks) >= 0.5 * max(e - s, ke - ks):
                out[i].add(k)
                out[k].add(i)
    return out


def _select(
    passing: Sequence[int], probs: Sequence[float], base: Sequence[bool], base_first: bool,
    clashes: Sequence[set[int]],
) -> list[int]:
    """``apply.select`` over the candidates ``passing`` already (same order, same result),
    with the clashes found once per article."""
    order = sorted(((-2.0 if base_first and base[k] else -probs[k]), k) for k in passing)
    kept: set[int] = set()
    for _, k in order:
        if not clashes[k] & kept:
            kept.add(k)
    return sorted(kept)


def _f1(tp: int, npred: int, ngold: int) -> float:
    """F1 in percent."""
    return 200.0 * tp / (npred + ngold) if npred + ngold else 0.0




def _folds(n: int) -> list[list[int]]:
    """The held-out articles of each gate fold."""
    if n <= MAX_LOAO:
        return [[i] for i in range(n)]
    return [list(range(k, n, GATE_FOLDS)) for k in range(GATE_FOLDS)]


def gate(
    training: TrainingSet, margin: float = MARGIN, matrix: _Design | None = None
) -> LearnStatus:
    """Held-out comparison of the model with the rules on the corrected articles
    (``matrix``: the rows of ``training``'s models, when already built)."""
    import numpy as np

    docs = training.docs
    n = len(docs)
    quotes = training.quotes
    if n < MIN_ARTICLES:
        return LearnStatus(False, f"{n} corrected article{'s' * (n != 1)}; the project model "
                           f"is checked from {MIN_ARTICLES}", n, quotes)
    labels = [lab for d in docs for lab in d.labels]
    if all(labels) or not any(labels):
        return LearnStatus(False, "every candidate was " + ("kept" if all(labels) else
                                                            "dropped") + " so far", n, quotes)
    base_tp = base_pred = gold = 0
    per_doc_base: list[tuple[int, int]] = []
    for d in docs:
        tp, npred = selection_tp(d, [i for i, b in enumerate(d.base) if b])
        per_doc_base.append((tp, npred))
        base_tp, base_pred, gold = base_tp + tp, base_pred + npred, gold + d.n_gold
    base_f1 = _f1(base_tp, base_pred, gold)
    design = matrix if matrix is not None else _design(docs)
    probs: list[Any] = [None] * n
    for held in _folds(n):
        train = np.ones(n, dtype=bool)
        train[held] = False
        got = _predict(design, _fit_all(design, train), held)
        for i in held:
            probs[i] = got[i]
    # a held-out article may not use the cues only its own misses taught
    allowed: list[list[int]] = []
    evidence = cue_evidence(docs)
    every = set(learn_cues(evidence=evidence))
    for i, d in enumerate(docs):
        cues = set(training.given_cues) | (every if not (every & set(d.missed_cues)) else
                                           set(learn_cues(evidence=evidence, without=d)))
        # a candidate no threshold lets through (a cue's other content ends, score 0) is left
        # out of the threshold search: it can never be kept
        low = min(THRESHOLDS)
        allowed.append([j for j in range(len(d.labels))
                        if (not d.taught[j] or d.lemmas[j] in cues)
                        and (d.base[j] or probs[i][j] >= low)])
    scored: list[tuple[float, float, float, int, int]] = []
    memo: dict[tuple[int, tuple[int, ...]], tuple[int, int]] = {}
    views = [([d.spans[j] for j in ok], [float(probs[i][j]) for j in ok],
              [d.base[j] for j in ok]) for i, (d, ok) in enumerate(zip(docs, allowed, strict=True))]
    chosen: dict[tuple[int, bool, tuple[int, ...]], list[int]] = {}
    clashes = [_clashes(spans) for spans, _, _ in views]
    for thr, bthr in ((t, b) for b in BASE_THRESHOLDS for t in THRESHOLDS):
        tp = npred = wins = losses = 0
        for i, d in enumerate(docs):
            ok = allowed[i]
            spans, pi, base = views[i]
            passing = tuple(k for k, p in enumerate(pi) if p >= (bthr if base[k] else thr))
            sel_key = (i, bthr <= 0.0, passing)  # select depends on nothing else
            keep = chosen.get(sel_key)
            if keep is None:
                keep = chosen[sel_key] = [ok[k] for k in _select(passing, pi, base, bthr <= 0.0,
                                                                  clashes[i])]
            memo_key = (i, tuple(keep))
            got = memo.get(memo_key)
            if got is None:
                got = memo[memo_key] = selection_tp(d, keep)
            t, p = got
            tp, npred = tp + t, npred + p
            mine, theirs = _f1(t, p, d.n_gold), _f1(*per_doc_base[i], d.n_gold)
            wins += mine > theirs + 1e-9
            losses += mine < theirs - 1e-9
        scored.append((_f1(tp, npred, gold), thr, bthr, wins, losses))
    # the most cautious thresholds (fewest additions, then fewest removals) within TOLERANCE
    # of the best held-out F1: the choice is made on few articles, caution costs little
    top = max(f for f, *_ in scored)
    f1, thr, bthr, wins, losses = max(
        (c for c in scored if c[0] >= top - TOLERANCE), key=lambda c: (c[1], -c[2]))
    args = (n, quotes, round(f1, 1), round(base_f1, 1), thr, bthr)
    if f1 < base_f1 + margin:
        return LearnStatus(False, "does not beat the rules yet", *args)
    if losses > wins:
        return LearnStatus(False, f"better overall but worse than the rules on {losses} of {n} "
                           "articles", *args)
    return LearnStatus(True, "beats the rules on the corrected articles", *args)


def conventions(training: TrainingSet) -> SpanConventions:
    """Span conventions by majority of at least ``MIN_VOTES`` corrected spans."""
    votes: Counter[tuple[str, str]] = Counter(v for d in training.docs for v in d.span_votes)
    strip = votes[("that", "strip")] >= MIN_VOTES and votes[("that", "strip")] > votes[
        ("that", "keep")]
    end = ""
    for choice, other in (("keep", "drop"), ("drop", "keep")):
        if votes[("end", choice)] >= MIN_VOTES and votes[("end", choice)] > 2 * votes[
                ("end", other)]:
            end = choice
    prep = votes[("prep", "strip")] >= MIN_VOTES and votes[("prep", "strip")] > votes[
        ("prep", "keep")]
    return SpanConventions(strip, end, tuple(sorted((f"{a}:{b}", n) for (a, b), n in
                                                    votes.items())), prep)


def aliases(training: TrainingSet) -> dict[str, str]:
    """Detected speaker name -> the name the researchers gave it, when they did so at least
    ``ALIAS_MIN`` times and more often than anything else."""
    by_name: dict[str, Counter[str]] = {}
    for d in training.docs:
        for detected, human in d.alias_pairs:
            by_name.setdefault(detected, Counter())[human] += 1
    out = {}
    for detected, counts in by_name.items():
        (human, n), *rest = counts.most_common()
        if n >= ALIAS_MIN and (not rest or n > rest[0][1]):
            out[detected] = human
    return out


def fit_project_model(training: TrainingSet, margin: float = MARGIN) -> ProjectModel:
    """The project model of ``training`` with its gate status (see the module docstring)."""
    conv = conventions(training)
    names = aliases(training)
    labels = [lab for d in training.docs for lab in d.labels]
    if len(training.docs) < MIN_ARTICLES or all(labels) or not any(labels):
        return ProjectModel(conventions=conv, aliases=names, cues=training.cues,
                            status=gate(training, margin))
    import numpy as np

    design = _design(training.docs)
    status = gate(training, margin, design)
    params = _fit_all(design, np.ones(len(training.docs), dtype=bool))
    wb, bias, wc, cue_bias, we = params

    def named(vocab: dict[str, int], coef: Any) -> dict[str, float]:
        return {f: float(coef[j]) for f, j in vocab.items() if coef[j] != 0.0}

    weights, cue_weights, end_weights = (named(v, w) for v, w in zip(
        design.vocabs, (wb, wc, we), strict=True))
    probs = _predict(design, params, range(len(training.docs)))
    best: dict[str, float] = {}
    seen: Counter[str] = Counter()
    for i, d in enumerate(training.docs):
        for lem, b, p in zip(d.lemmas, d.base, probs[i], strict=True):
            if not b and lem:
                best[lem] = max(best.get(lem, 0.0), p)
                seen[lem] += 1
    skip = sorted(lem for lem, p in best.items()
                  if p < LEMMA_SLACK * status.threshold and seen[lem] >= LEMMA_MIN_SEEN)
    return ProjectModel(weights, bias, status.threshold, status.base_threshold, conv, names,
                        training.cues, status, tuple(skip), cue_weights, cue_bias,
                        end_weights)
