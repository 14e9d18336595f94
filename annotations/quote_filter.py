"""Which of a document's quotes the reader lists: a filter by speaker, status, type, stance and
the codes of the project's quote variables (topic…), and the values a picker offers for it,
each with how many quotes it would leave.

The review queue has a filter of its own (``annotations.review.QueueFilter``): typed, across
the corpus, names matched as substrings. This one is picked from the values present in one
layer, so it matches exactly: a speaker by id (two speakers whose names contain one another
stay apart), a status, a type, a stance label, a variable's code (its facet named as the
variable's csv column, ``code_topic``, and read as the variable, ``topic``); ``NONE`` is the
value of a quote without a (known) speaker, without a stance or without a code of the variable.
Facets combine with AND; choosing a value in a facet that already has one replaces it (a quote
has one speaker, one status, one type, one stance, one code per variable, so two values of one
facet could only ever be an OR).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from annotations.codebook import QUOTE_COLUMN_PREFIX, CodedVariable, quote_column
from annotations.model import QUOTE_STATUSES, QUOTE_TYPES, Layer, Quote

FACETS: tuple[str, ...] = ("speaker", "status", "type", "stance")
"""The facets, in the order a picker lists them and a description names them."""

NONE = ""
"""The value of a quote that has no speaker (or one the layer does not hold), no stance or no
code of a variable."""


def variable_of(facet: str) -> str | None:
    """The quote variable a facet filters by (``code_topic``: ``topic``); None for the others."""
    if facet.startswith(QUOTE_COLUMN_PREFIX):
        return facet.removeprefix(QUOTE_COLUMN_PREFIX)
    return None


def facet_label(facet: str) -> str:
    """How a facet reads: its name, a quote variable's own (``topic``)."""
    return variable_of(facet) or facet


def facet_value(quote: Quote, layer: Layer, facet: str) -> str:
    """``quote``'s value for ``facet``: a speaker id, a status, a type, a stance label or a
    variable's code (or ``NONE``)."""
    variable = variable_of(facet)
    if variable is not None:
        return quote.code(variable) or NONE
    if facet == "speaker":
        sid = quote.speaker_id or NONE
        return sid if sid in layer.speakers else NONE
    if facet == "status":
        return quote.status
    if facet == "type":
        return quote.type
    if facet == "stance":
        return quote.stance or NONE
    raise ValueError(f"not a quote filter facet: {facet!r}")


def value_label(facet: str, value: str, layer: Layer) -> str:
    """How a value reads: a speaker's name (its id when the layer no longer holds it),
    ``none`` for ``NONE``, else the value itself (in quotes when it is the word ``none``
    itself, a frame coded "none" or a speaker named so: never read as the uncoded)."""
    if value == NONE:
        return "none"
    if facet == "speaker":
        speaker = layer.speakers.get(value)
        value = speaker.name if speaker is not None else value
    return f'"{value}"' if value == "none" else value


@dataclass(frozen=True, slots=True)
class QuoteFilter:
    """One wanted value per facet (``None``: any); a quote matches when it has every one."""

    speaker: str | None = None
    status: str | None = None
    type: str | None = None
    stance: str | None = None
    codes: tuple[tuple[str, str], ...] = ()
    """The wanted code of each quote variable filtered by, as sorted (variable, value)."""

    def __bool__(self) -> bool:
        return bool(self.terms())

    def terms(self) -> tuple[tuple[str, str], ...]:
        """The set ``(facet, value)`` pairs, in ``FACETS`` order, then the variables'."""
        found = ((facet, getattr(self, facet)) for facet in FACETS)
        return (*((facet, value) for facet, value in found if value is not None),
                *((quote_column(name), value) for name, value in self.codes))

    def wanted(self, facet: str) -> str | None:
        """The value ``facet`` wants (``None``: any)."""
        variable = variable_of(facet)
        if variable is not None:
            return dict(self.codes).get(variable)
        return getattr(self, facet) if facet in FACETS else None

    def matches(self, quote: Quote, layer: Layer) -> bool:
        """True when ``quote`` (of ``layer``) has every wanted value."""
        return all(facet_value(quote, layer, facet) == want for facet, want in self.terms())

    def select(self, quotes: Iterable[Quote], layer: Layer) -> list[Quote]:
        """The matching ``quotes``, in their order."""
        return [q for q in quotes if self.matches(q, layer)]

    def with_value(self, facet: str, value: str | None) -> QuoteFilter:
        """This filter with ``facet`` wanting ``value`` (``None``: lifted), the others kept."""
        variable = variable_of(facet)
        if variable is not None:
            kept = [(k, v) for k, v in self.codes if k != variable]
            if value is not None:
                kept.append((variable, value))
            return dataclasses.replace(self, codes=tuple(sorted(kept)))
        if facet not in FACETS:
            raise ValueError(f"not a quote filter facet: {facet!r}")
        return dataclasses.replace(self, **{facet: value})

    def toggled(self, facet: str, value: str) -> QuoteFilter:
        """Choosing ``value`` in a picker: it replaces the facet's value, or, when it is the
        facet's value already, lifts it."""
        return self.with_value(facet, None if self.wanted(facet) == value else value)

    def describe(self, layer: Layer) -> str:
        """``speaker: Kenney · status: suggested · topic: crime`` (empty when nothing is
        filtered)."""
        return " · ".join(f"{facet_label(facet)}: {value_label(facet, value, layer)}"
                          for facet, value in self.terms())


@dataclass(frozen=True, slots=True)
class FilterChoice:
    """One value a picker offers: choosing it gives ``QuoteFilter.toggled(facet, value)``."""

    facet: str
    value: str
    label: str
    """How the value reads (``Kenney``, ``none``)."""
    count: int
    """The quotes the filter would list with this value in its facet."""
    active: bool
    """The filter wants this value now."""

    @property
    def facet_label(self) -> str:
        """How the facet reads (``speaker``, ``topic``)."""
        return facet_label(self.facet)

    @property
    def text(self) -> str:
        """``speaker: Kenney (3)``, ``topic: crime (3)``."""
        return f"{self.facet_label}: {self.label} ({self.count})"


def filter_choices(
    quotes: Sequence[Quote], layer: Layer, current: QuoteFilter = QuoteFilter(),
    stance_order: Sequence[str] = (), variables: Sequence[CodedVariable] = (),
) -> list[FilterChoice]:
    """Every value present in ``quotes`` (and every value ``current`` wants), facet by facet:
    ``FACETS``, then each quote variable of ``variables`` (the project's) and any other
    ``current`` filters by.

    A value's count is what the list would hold with it chosen: the quotes matching
    ``current`` with that facet's value replaced (so choosing it lists exactly that many).
    Speakers come by how many quotes they have (then by name), statuses and types in the
    model's order, stances in ``stance_order`` (the scheme's) and codes in their variable's
    order, then by name; ``none`` last.
    """
    choices: list[FilterChoice] = []
    orders = {quote_column(v.name): v.values for v in variables}
    facets = [*FACETS, *orders, *(quote_column(n) for n, _ in current.codes
                                  if quote_column(n) not in orders)]
    for facet in facets:
        present = Counter(facet_value(q, layer, facet) for q in quotes)
        wanted = current.wanted(facet)
        if wanted is not None:
            present.setdefault(wanted, 0)
        others = current.with_value(facet, None)
        counts = Counter(facet_value(q, layer, facet) for q in others.select(quotes, layer))
        order = orders.get(facet, stance_order)
        for value in sorted(present, key=_order(facet, present, layer, order)):
            choices.append(FilterChoice(facet, value, value_label(facet, value, layer),
                                        counts[value], value == wanted))
    return choices


def _order(
    facet: str, present: Counter[str], layer: Layer, labels: Sequence[str]
) -> Callable[[str], tuple[bool, int, int, str]]:
    """Sort key of a facet's values; ``labels``: the order of the stance labels, or of a
    quote variable's values."""
    fixed = {"status": QUOTE_STATUSES, "type": QUOTE_TYPES}
    ordered = fixed.get(facet, tuple(labels) if facet == "stance" or variable_of(facet)
                        else ())
    rank = {value: i for i, value in enumerate(ordered)}

    def key(value: str) -> tuple[bool, int, int, str]:
        label = value_label(facet, value, layer).casefold()
        by_count = -present[value] if facet == "speaker" else 0
        return value == NONE, by_count, rank.get(value, len(rank)), label

    return key
