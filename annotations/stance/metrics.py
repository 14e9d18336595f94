"""Stance scores: F1 per label, macro-F1, and F1avg over the two polar labels.

F1avg (SemEval-2016 Task 6) is the mean F1 of the two polar labels. Which labels are polar:
``favor``/``against`` if both exist, else ``support``/``oppose``, else the two most frequent
labels that are not neutral-like (``neutral``, ``none``, ``unclear``, ``other``, ``mixed``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

NEUTRAL_LIKE = frozenset({"neutral", "none", "unclear", "other", "mixed", "na", "n/a"})
POLAR_PAIRS = (("favor", "against"), ("support", "oppose"))


def polar_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """The two polar labels among ``labels`` (an iterable with repeats: frequencies count)."""
    counts = Counter(labels)
    for pair in POLAR_PAIRS:
        if all(p in counts for p in pair):
            return pair
    ranked = sorted(
        (lb for lb in counts if lb.lower() not in NEUTRAL_LIKE), key=lambda lb: (-counts[lb], lb)
    )
    return tuple(ranked[:2])


def f1_per_label(gold: Sequence[Any], pred: Sequence[Any], labels: Sequence[Any]) -> list[float]:
    """F1 of each of ``labels`` (0.0 where a label is neither predicted nor gold)."""
    out = []
    for lb in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lb and p == lb)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lb and p == lb)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lb and p != lb)
        out.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return out


def macro_f1(gold: Sequence[Any], pred: Sequence[Any], labels: Sequence[Any]) -> float:
    """Mean F1 over ``labels``."""
    scores = f1_per_label(list(gold), list(pred), list(labels))
    return sum(scores) / len(scores) if scores else 0.0


def f1avg(gold: Sequence[str], pred: Sequence[str], polar: Sequence[str]) -> float:
    """Mean F1 of the polar labels."""
    return macro_f1(gold, pred, polar)
