"""The quote list's filter rule (``annotations.quote_filter``): exact values, facets combined
with AND, a value in a filtered facet replacing it, and the picker's counts."""

from __future__ import annotations

import pytest

from annotations.model import Layer, Quote, Speaker
from annotations.quote_filter import (
    NONE,
    FilterChoice,
    QuoteFilter,
    facet_value,
    filter_choices,
)

# (id, speaker, status, type, stance)
ROWS = (
    ("q1", "s1", "suggested", "direct", "oppose"),
    ("q2", "s2", "accepted", "indirect", "support"),
    ("q3", "s1", "suggested", "indirect", None),
    ("q4", None, "rejected", "direct", "oppose"),
    ("q5", "s1", "accepted", "mixed", "oppose"),
    ("q6", "gone", "suggested", "direct", "neutral"),  # a speaker the layer does not hold
)


@pytest.fixture
def layer() -> Layer:
    speakers = {
        "s1": Speaker("s1", "Kenney"),
        "s2": Speaker("s2", "Jim Kenney"),  # contains the other's name: still another speaker
    }
    quotes = {
        qid: Quote(qid, 10 * i, 10 * i + 5, "x" * 5, typ, speaker_id=spk, stance=stance,
                   status=status)
        for i, (qid, spk, status, typ, stance) in enumerate(ROWS)
    }
    return Layer("ann", quotes, speakers)


def ids(flt: QuoteFilter, layer: Layer) -> list[str]:
    return [q.id for q in flt.select(layer.sorted_quotes(), layer)]


def test_an_empty_filter_lets_every_quote_through(layer: Layer) -> None:
    assert not QuoteFilter()
    assert ids(QuoteFilter(), layer) == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert QuoteFilter().describe(layer) == ""


def test_a_speaker_matches_by_id_not_by_name(layer: Layer) -> None:
    assert ids(QuoteFilter(speaker="s1"), layer) == ["q1", "q3", "q5"]
    assert ids(QuoteFilter(speaker="s2"), layer) == ["q2"]
    # no speaker, and a speaker the layer no longer holds, are both "none"
    assert ids(QuoteFilter(speaker=NONE), layer) == ["q4", "q6"]
    assert facet_value(layer.quotes["q6"], layer, "speaker") == NONE


def test_status_type_and_stance(layer: Layer) -> None:
    assert ids(QuoteFilter(status="suggested"), layer) == ["q1", "q3", "q6"]
    assert ids(QuoteFilter(type="direct"), layer) == ["q1", "q4", "q6"]
    assert ids(QuoteFilter(stance="oppose"), layer) == ["q1", "q4", "q5"]
    assert ids(QuoteFilter(stance=NONE), layer) == ["q3"]


def test_facets_combine_with_and(layer: Layer) -> None:
    flt = QuoteFilter(speaker="s1", stance="oppose")
    assert ids(flt, layer) == ["q1", "q5"]
    assert ids(flt.with_value("status", "accepted"), layer) == ["q5"]
    assert flt.describe(layer) == "speaker: Kenney · stance: oppose"


def test_choosing_in_a_filtered_facet_replaces_and_choosing_again_lifts(layer: Layer) -> None:
    flt = QuoteFilter().toggled("speaker", "s1").toggled("status", "suggested")
    assert flt == QuoteFilter(speaker="s1", status="suggested")
    flt = flt.toggled("speaker", "s2")  # replaces s1: one speaker per quote, so no OR
    assert flt == QuoteFilter(speaker="s2", status="suggested")
    assert ids(flt, layer) == []
    assert flt.toggled("speaker", "s2") == QuoteFilter(status="suggested")
    with pytest.raises(ValueError):
        flt.with_value("colour", "red")


def choice(choices: list[FilterChoice], facet: str, label: str) -> FilterChoice:
    (found,) = [c for c in choices if c.facet == facet and c.label == label]
    return found


def test_choices_list_the_values_present_with_counts(layer: Layer) -> None:
    choices = filter_choices(layer.sorted_quotes(), layer, QuoteFilter(),
                             ("support", "oppose", "neutral", "unclear"))
    assert [c.text for c in choices] == [
        "speaker: Kenney (3)", "speaker: Jim Kenney (1)", "speaker: none (2)",
        "status: suggested (3)", "status: accepted (2)", "status: rejected (1)",
        "type: direct (3)", "type: indirect (2)", "type: mixed (1)",
        "stance: support (1)", "stance: oppose (3)", "stance: neutral (1)", "stance: none (1)",
    ]
    assert not any(c.active for c in choices)


def test_a_count_is_what_the_list_would_hold_with_that_value_chosen(layer: Layer) -> None:
    quotes = layer.sorted_quotes()
    current = QuoteFilter(speaker="s1")
    choices = filter_choices(quotes, layer, current)
    assert choice(choices, "speaker", "Kenney").active
    assert choice(choices, "speaker", "Jim Kenney").count == 1  # would replace Kenney
    assert choice(choices, "status", "suggested").count == 2  # Kenney AND suggested
    assert choice(choices, "status", "rejected").count == 0  # present in the layer: listed
    for c in choices:
        assert c.count == len(current.toggled(c.facet, c.value).select(quotes, layer)) or c.active


def test_a_wanted_value_no_longer_present_is_still_offered(layer: Layer) -> None:
    current = QuoteFilter(stance="unclear")
    found = choice(filter_choices(layer.sorted_quotes(), layer, current), "stance", "unclear")
    assert found.active and found.count == 0


def test_a_quote_variable_is_a_facet_of_its_own(layer: Layer) -> None:
    from dataclasses import replace

    from annotations.codebook import define

    topic = define("topic", ["economy", "crime"])
    codes = {"q1": "crime", "q2": "economy", "q3": "crime", "q5": "crime"}
    coded = replace(layer, quotes={qid: replace(q, codes=(("topic", codes[qid]),))
                                   if qid in codes else q for qid, q in layer.quotes.items()})
    quotes = coded.sorted_quotes()
    choices = [c for c in filter_choices(quotes, coded, variables=(topic,))
               if c.facet == "code_topic"]
    # the variable's own order, the uncoded last
    assert [c.text for c in choices] == ["topic: economy (1)", "topic: crime (3)",
                                         "topic: none (2)"]
    crime = QuoteFilter().toggled("code_topic", "crime")
    assert [q.id for q in crime.select(quotes, coded)] == ["q1", "q3", "q5"]
    assert crime.describe(coded) == "topic: crime" and crime
    both = crime.toggled("status", "accepted")
    assert [q.id for q in both.select(quotes, coded)] == ["q5"]
    assert both.describe(coded) == "status: accepted · topic: crime"
    assert both.toggled("code_topic", "economy").codes == (("topic", "economy"),)
    assert not crime.toggled("code_topic", "crime")  # chosen again: lifted
    assert facet_value(coded.quotes["q4"], coded, "code_topic") == NONE
    # a variable the filter filters by is offered (to lift it) even where none is given
    offered = [c for c in filter_choices(quotes, coded, crime) if c.facet == "code_topic"]
    assert [(c.text, c.active) for c in offered] == [
        ("topic: crime (3)", True), ("topic: economy (1)", False), ("topic: none (2)", False)]
    assert not [c for c in filter_choices(quotes, coded) if c.facet == "code_topic"]


def test_a_value_named_none_is_told_from_the_uncoded(layer: Layer) -> None:
    # a project codes frame=none,human: the picker offered two rows "frame: none", one for
    # the quotes coded none and one for the uncoded, told apart by their counts alone
    from dataclasses import replace

    from annotations.codebook import define

    frame = define("frame", ["none", "human"])
    coded = replace(layer, quotes={qid: replace(q, codes=(("frame", "none"),))
                                   if qid == "q1" else q for qid, q in layer.quotes.items()})
    quotes = coded.sorted_quotes()
    texts = [c.text for c in filter_choices(quotes, coded, variables=(frame,))
             if c.facet == "code_frame"]
    assert texts == ['frame: "none" (1)', "frame: none (5)"]
    assert QuoteFilter().toggled("code_frame", "none").describe(coded) == 'frame: "none"'
