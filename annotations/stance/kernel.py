"""Class-balanced, sample-weighted kernel ridge classification, with exact leave-one-out.

Targets are one-hot rows; the solution is found in the dual (n labels x n labels), which is
cheap for the few hundred to few thousand labels a researcher gives, whatever the number of
features. Leave-one-out predictions come in closed form from the inverse (small n only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DualFit:
    """Dual coefficients (n x classes) and, if asked for, the leave-one-out class indices."""

    alpha: Any
    loo_pred: Any = None


def sample_weights(y: Any, n_classes: int, weights: Any) -> Any:
    """Balanced class weights (n / (k * n_c)) times each example's own weight."""
    import numpy as np

    counts = np.bincount(y, minlength=n_classes).astype(float)
    seen = max(int((counts > 0).sum()), 1)
    class_w = np.where(counts > 0, len(y) / (seen * np.maximum(counts, 1.0)), 0.0)
    return class_w[y] * weights


def fit_dual(
    gram: Any, y: Any, n_classes: int, weights: Any, lam: float, *, loo: bool = False
) -> DualFit:
    """Solve (S K S + lam I) a' = S Y, alpha = S a' with S = diag(sqrt(w)).

    With ``loo``: the leave-one-out residual of the scaled problem is a'_i / inv_ii, so the
    leave-one-out score of example i is (S Y)_i - a'_i / inv_ii (the positive scale s_i does
    not change the argmax). That needs the full inverse: keep n small for it.
    """
    import numpy as np

    n = len(y)
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), y] = 1.0
    s = np.sqrt(sample_weights(y, n_classes, weights))
    a_mat = s[:, None] * gram * s[None, :]
    a_mat[np.diag_indices(n)] += lam
    sy = s[:, None] * onehot
    if not loo:
        from scipy.linalg import cho_factor, cho_solve

        a_prime = cho_solve(cho_factor(a_mat, check_finite=False), sy, check_finite=False)
        return DualFit(alpha=s[:, None] * a_prime)
    inv = np.linalg.inv(a_mat)
    a_prime = inv @ sy
    loo_scores = sy - a_prime / np.diag(inv)[:, None]
    return DualFit(alpha=s[:, None] * a_prime, loo_pred=loo_scores.argmax(axis=1))


def softmax(scores: Any, temperature: float) -> Any:
    """Row-wise softmax of ``temperature * scores``."""
    import numpy as np

    z = temperature * scores
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
