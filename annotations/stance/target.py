"""What a learner learns to suggest: the stance, or one quote variable of the codebook.

The stance learner (``StanceModel``, its gate, ``StanceSuggester``) knows nothing of stance in
particular: it learns closed-list labels from a quote's text, speaker and cue. A ``Target``
says where those labels are on a quote and which values they take, so the same learner, with
the same honesty gate, suggests a topic, a frame or a tone as it suggests a stance (one rule,
one learner):

- the stance: the scheme's labels, its example statements as training-only seeds, and a label
  is a stance the researcher set (``adapt.is_label``);
- a quote variable (``codebook.CodedVariable``: topic…): its values, no seeds, and a label is
  any code the quote carries (codes are only ever set by a coder, ``edits.SetQuoteCode``, or
  imported from a coder's file: the tool never stores a guessed one); it learns from the
  quote in its sentence, where a short quote's topic often is.

A rejected quote is never a label of either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotations.model import Quote, StanceScheme
from annotations.stance.adapt import is_label
from annotations.stance.types import StanceExample

if TYPE_CHECKING:
    from annotations.codebook import CodedVariable
    from annotations.layer_summary import LayerSummary

STANCE = "stance"


@dataclass(frozen=True, slots=True)
class Target:
    """The labels one learner suggests: ``variable`` ``None`` for the stance, else the quote
    variable's name; ``labels`` the values, in the scheme's or codebook's order; ``seeds``
    training-only examples (the stance scheme's example statements)."""

    labels: tuple[str, ...]
    variable: str | None = None
    seeds: tuple[StanceExample, ...] = ()
    in_sentence: bool = False
    """Learn from the quote in its sentence (``adapt.quote_in_sentence``), not its text alone:
    a quote variable's way (the stance's learner keeps the quote alone, as its benchmarks
    measure it)."""

    @classmethod
    def stance(cls, scheme: StanceScheme) -> Target:
        """The stance of ``scheme``."""
        from annotations.stance.model import examples_from_scheme

        return cls(tuple(scheme.names), None, tuple(examples_from_scheme(scheme)))

    @classmethod
    def code(cls, variable: CodedVariable) -> Target:
        """Quote variable ``variable`` (topic…)."""
        return cls(tuple(variable.values), variable.name, in_sentence=True)

    @property
    def name(self) -> str:
        """``stance``, or the variable's name."""
        return self.variable or STANCE

    @property
    def learnable(self) -> bool:
        """True when there are two values to tell apart (a one-value variable has nothing to
        learn)."""
        return len(set(self.labels)) >= 2

    def label(self, quote: Quote) -> str | None:
        """The researcher's label of ``quote`` for this target (None: none, or rejected)."""
        if quote.status == "rejected":
            return None
        if self.variable is None:
            return quote.stance if is_label(quote) else None
        return quote.code(self.variable)

    def may_hold_labels(self, summary: LayerSummary) -> bool:
        """True when a layer's corpus index summary may hold a label of this target: a quote,
        not rejected, with a stance (``label`` then decides from the layer) or coded for the
        variable. What a refit learns from is found this way without reading a layer."""
        if self.variable is None:
            return any(g.stance and g.status != "rejected" for g in summary.groups)
        return any(k == self.variable and n > 0 for k, _, n, _ in summary.codes)

    def label_changed(self, before: Quote | None, after: Quote | None) -> bool:
        """True when an edit from ``before`` to ``after`` (``None``: absent) changes what a
        refit learns from that quote: added or removed, rejected or restored, its label."""
        if before is None or after is None:
            return before is not after
        if self.variable is None:
            return (before.stance, is_label(before), before.status == "rejected") != (
                after.stance, is_label(after), after.status == "rejected")
        return (self.label(before), before.status == "rejected") != (
            self.label(after), after.status == "rejected")


def as_target(what: StanceScheme | Target) -> Target:
    """A ``Target`` from a stance scheme (the stance), or ``what`` itself."""
    return what if isinstance(what, Target) else Target.stance(what)
