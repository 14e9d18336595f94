"""The honesty gate: may the model's suggestions be shown as confident?

Exact leave-one-out on the researcher's labels (from the kernel inverse; on at most
``MAX_GATE`` labels, the representative ones first, when there are more). Scored on the
``representative`` labels (cold-start and random-audit picks) when there are at least
``min_labels`` of them, since labels picked for being uncertain are the hardest items by
construction and understate quality; else on all labels. The model is trusted only when

1. at least ``min_labels`` labels are scored, from at least two labels of the scheme;
2. its leave-one-out macro-F1 beats always answering the majority label by ``margin``;
3. it beats every one of ``N_PERMUTATIONS`` refits where the scored labels are shuffled among
   themselves (the others kept) by ``NULL_MARGIN``: a permutation test at p < 0.05, the
   score is not what a model finds in noise; the margin allows for re-running the gate
   after every label.
"""

from __future__ import annotations

from typing import Any

from annotations.stance.metrics import macro_f1
from annotations.stance.types import FitReport

MAX_GATE = 200
N_PERMUTATIONS = 19
SHUFFLED = "no better than the same labels shuffled"
"""The reason of a gate kept shut by its permutation test (what the code picker says apart)."""
NULL_MARGIN = 0.02


def _subsample(n: int, representative: Any) -> Any:
    """Indices to run leave-one-out on: representative ones first, the rest evenly spaced."""
    import numpy as np

    if n <= MAX_GATE:
        return np.arange(n)
    rep = np.flatnonzero(representative)[:MAX_GATE]
    others = np.flatnonzero(~representative)
    room = MAX_GATE - len(rep)
    if room > 0 and len(others):
        pick = np.unique(np.linspace(0, len(others) - 1, room).round().astype(int))
        rep = np.concatenate([rep, others[pick]])
    return np.sort(rep)


def run_gate(
    gram: Any,
    y: Any,
    weights: Any,
    representative: Any,
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
    sub = _subsample(n, representative)
    gram, y, weights, representative = (
        gram[np.ix_(sub, sub)], y[sub], weights[sub], representative[sub]
    )
    scored = representative if representative.sum() >= min_labels else np.ones(len(y), bool)
    ys = y[scored]
    present = sorted(set(ys.tolist()))
    majority = int(np.bincount(y, minlength=k).argmax())
    maj = macro_f1(ys, np.full(len(ys), majority), present)
    maj_acc = float((ys == majority).mean())
    if len(present) < 2:
        return FitReport(n, maj, maj, False, classes, maj_acc, maj_acc, "one label so far")
    pred = fit_dual(gram, y, k, weights, lam, loo=True).loo_pred[scored]
    cv = macro_f1(ys, pred, present)
    acc = float((ys == pred).mean())

    def report(trusted: bool, reason: str, null: float = 0.0) -> FitReport:
        return FitReport(n, cv, maj, trusted, classes, acc, maj_acc, reason, null)

    if n < min_labels or len(ys) < min_labels:
        return report(False, f"{n} labels; the gate opens from {min_labels}")
    if cv < maj + margin:
        return report(False, "does not beat the majority label yet")
    rng = np.random.RandomState(seed)
    null = 0.0
    for _ in range(N_PERMUTATIONS):
        yp = y.copy()
        yp[scored] = rng.permutation(ys)
        pp = fit_dual(gram, yp, k, weights, lam, loo=True).loo_pred[scored]
        null = max(null, macro_f1(yp[scored], pp, present))
        if null + NULL_MARGIN >= cv:
            return report(False, SHUFFLED, null)
    return report(True, "beats the majority label and shuffled labels", null)
