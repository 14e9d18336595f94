"""What the code picker says of a quote variable's learned suggestion: the value and why, or
why there is none yet.

A quote variable (topic, frame…) is learned by the stance's learner from the layer's coded
quotes (``annotations.stance.target.Target.code``), under the same honesty gate: no value is
suggested until the model beats always answering the variable's most common value on its own
held-out check (leave-one-out on the coded quotes) and beats the same codes shuffled. This
module words that for a coder, from the refit's ``SuggestionSet`` and the quote's
``StanceSuggestion``; ``codebook.quote_choices`` puts a suggested value first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.display import count

if TYPE_CHECKING:
    from annotations.codebook import CodedVariable
    from annotations.stance.suggester import SuggestionSet
    from annotations.stance.types import StanceSuggestion


@dataclass(frozen=True, slots=True)
class LearnedCode:
    """A variable's suggestion for one quote: ``value`` with ``reason`` ("learned from 24
    coded quotes"), or ``value`` None and ``reason`` saying why there is none (empty: nothing
    to say, e.g. the quote is coded already)."""

    variable: str
    value: str | None
    reason: str


def learned_code(variable: CodedVariable, result: SuggestionSet | None,
                 suggestion: StanceSuggestion | None, coded: bool = False) -> LearnedCode:
    """The picker's word on ``variable`` for a quote: ``result`` the latest refit (None or
    version 0: not fitted yet), ``suggestion`` its suggestion for the quote, ``coded`` the
    quote has a value already (then nothing is suggested or said)."""
    from annotations.stance.gate import SHUFFLED
    from annotations.stance.model import MIN_LABELS

    name = variable.name
    if coded:
        return LearnedCode(name, None, "")
    if result is None or result.version == 0:
        return LearnedCode(name, None, f"{name}: learning from the coded quotes; no suggestion "
                           "yet")
    report = result.report
    coded_n = count(result.labelled, "coded quote")
    if report is None:
        return LearnedCode(name, None, f"{name}: no suggestion yet: {coded_n}; it learns once "
                           "two values are coded")
    if not report.trusted:
        if report.n < MIN_LABELS:
            why = (f"it suggests from {MIN_LABELS} on, once it beats always answering the "
                   "most common value on its own held-out check")
        elif report.reason == SHUFFLED:
            why = "on its own held-out check it does no better than with the codes shuffled"
        else:
            why = (f"on its own held-out check it does not beat always answering the most "
                   f"common value yet ({report.cv_score:.2f} vs {report.majority_score:.2f} "
                   "macro-F1)")
        return LearnedCode(name, None, f"{name}: no suggestion yet: {coded_n}; {why}")
    if suggestion is None or suggestion.label is None or suggestion.tentative \
            or suggestion.label not in variable.values:
        return LearnedCode(name, None, "")
    return LearnedCode(name, suggestion.label, f"learned from {count(report.n, 'coded quote')}")
