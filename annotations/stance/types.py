"""Plain records the stance engine takes and gives: examples, items, suggestions, fit reports.

No numpy or scikit-learn here, so these can be imported anywhere at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StanceExample:
    """A labelled statement the model learns from.

    ``speaker`` is the canonical speaker id or name (the same-speaker prior links quotes that
    share it, across the corpus); ``document`` the article id (quotes of one speaker in one
    article are linked more strongly); ``cue`` the reporting verb's lemma. ``weight`` scales the
    example (a researcher's example statement from the scheme may count for less than a label).
    ``representative``: the item was picked by the cold start or as a random audit
    (``ActiveLearner.representative``), not for being uncertain; when at least ``min_labels``
    examples are, the honesty gate scores itself on those only.
    """

    text: str
    label: str
    speaker: str | None = None
    cue: str | None = None
    document: str | None = None
    weight: float = 1.0
    representative: bool = False


@dataclass(frozen=True, slots=True)
class StanceItem:
    """A quote to suggest a stance for (same fields as ``StanceExample`` minus the label)."""

    id: str
    text: str
    speaker: str | None = None
    cue: str | None = None
    document: str | None = None


@dataclass(frozen=True, slots=True)
class StanceSuggestion:
    """The model's suggestion for one item.

    ``label`` is ``None`` when the model has nothing to say (fewer than two labels seen).
    ``tentative`` is True while the model has not beaten the majority class on its own
    cross-validation, or when this suggestion's ``confidence`` is below the model's threshold;
    a tentative suggestion must be shown as a guess, never applied silently.
    """

    item_id: str
    label: str | None
    confidence: float
    tentative: bool
    scores: tuple[tuple[str, float], ...] = ()

    def describe(self) -> str:
        """``oppose 0.62 (tentative)`` for a detail line."""
        state = "tentative" if self.tentative else "model trusted"
        return f"{self.label} {self.confidence:.2f} ({state})"


@dataclass(frozen=True, slots=True)
class FitReport:
    """What ``StanceModel.fit`` learned about its own quality.

    ``cv_score`` and ``majority_score`` are macro-F1 (over the labels seen) of the model and of
    always answering the most frequent label, under leave-one-out on the labelled examples
    (the scheme's example statements are training-only, never scored); ``null_score`` the best
    leave-one-out macro-F1 with the labels shuffled. ``trusted``: see ``annotations.stance.gate``.
    """

    n: int
    cv_score: float
    majority_score: float
    trusted: bool
    classes: tuple[str, ...] = ()
    cv_accuracy: float = 0.0
    majority_accuracy: float = 0.0
    reason: str = ""
    null_score: float = 0.0
