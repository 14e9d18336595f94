"""The honesty gate: may the model's suggestions be shown as confident?

Leave-one-out on the researcher's labels (exact, from the kernel inverse; on an evenly spaced
subsample of at most ``MAX_GATE`` labels when there are more). The model is trusted only when

1. there are at least ``min_labels`` labels, from at least two labels of the scheme;
2. its leave-one-out macro-F1 beats always answering the majority label by ``margin``;
3. it beats every one of ``N_PERMUTATIONS`` refits on the same texts with the labels shuffled
   (a permutation test at about p < 0.1: the score is not what a model finds in noise).

Labels chosen by active learning are the hardest items, so leave-one-out on them understates
the quality on the rest: the gate errs on the side of "tentative".
"""

from __future__ import annotations

from typing import Any

from annotations.stance.metrics import macro_f1
from annotations.stance.types import FitReport

MAX_GATE = 200
N_PERMUTATIONS = 10


def run_gate(
    gram: Any,
    y: Any,
    weights: Any,
    classes: tuple[str, ...],
    *,
    lam: float,
    min_labels: int,
    margin: float,
    seed: int,
) -> FitReport:
    """A ``FitReport`` for labelled examples ``y`` (class indices) with Gram matrix ``gram``."""
    import numpy as np

    from annotations.stance.kernel import fit_dual

    n = len(y)
    if n == 0:
        return FitReport(0, 0.0, 0.0, False, classes, reason="only example statements so far")
    k = len(classes)
    if n > MAX_GATE:
        sub = np.unique(np.linspace(0, n - 1, MAX_GATE).round().astype(int))
        gram, y, weights = gram[np.ix_(sub, sub)], y[sub], weights[sub]
    present = sorted(set(y.tolist()))
    majority = int(np.bincount(y, minlength=k).argmax())
    maj_pred = np.full(len(y), majority)
    maj = macro_f1(y, maj_pred, present)
    maj_acc = float((y == majority).mean())
    if len(present) < 2:
        return FitReport(n, maj, maj, False, classes, maj_acc, maj_acc, "one label so far")
    pred = fit_dual(gram, y, k, weights, lam, loo=True).loo_pred
    cv = macro_f1(y, pred, present)
    acc = float((y == pred).mean())

    def report(trusted: bool, reason: str, null: float = 0.0) -> FitReport:
        return FitReport(n, cv, maj, trusted, classes, acc, maj_acc, reason, null)

    if n < min_labels:
        return report(False, f"{n} labels; the gate opens from {min_labels}")
    if cv < maj + margin:
        return report(False, "does not beat the majority label yet")
    rng = np.random.RandomState(seed)
    null = 0.0
    for _ in range(N_PERMUTATIONS):
        yp = rng.permutation(y)
        null = max(null, macro_f1(yp, fit_dual(gram, yp, k, weights, lam, loo=True).loo_pred,
                                  present))
        if null >= cv:
            return report(False, "no better than the same labels shuffled", null)
    return report(True, "beats the majority label and shuffled labels", null)
