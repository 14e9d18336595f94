"""Quote variables learn with the stance's learner (``annotations.stance.target``): a code is a
label, the gate holds suggestions back until the model beats the majority value on its own
held-out check, and the picker's wording says which."""

from __future__ import annotations

import dataclasses

from annotations.codebook import CodedVariable, quote_choices
from annotations.layer_summary import summarize
from annotations.learned_codes import learned_code
from annotations.model import Layer, Quote, StanceScheme
from annotations.stance.suggester import (
    StanceSuggester,
    label_changed,
    may_hold_labels,
    snapshot,
)
from annotations.stance.target import Target

TOPIC = CodedVariable("topic", ("economy", "crime"))
ECONOMY = ("taxes", "wages", "jobs", "budget", "inflation", "prices", "growth", "employers",
           "rents", "pensions", "tariffs", "salaries")
CRIME = ("police", "arrests", "robbery", "officers", "violence", "courts", "prison",
         "shootings", "burglaries", "detectives", "gangs", "theft")


def layer(n: int, coded: int, *, noise: bool = False) -> Layer:
    """``n`` quotes, economy and crime in turn, the first ``coded`` coded (``noise``: each
    coded with the other topic every second pair: nothing to learn)."""
    quotes = {}
    for i in range(n):
        words = ECONOMY if i % 2 == 0 else CRIME
        text = f"{words[(i // 2) % 12]} and {words[(i // 2 + 5) % 12]} matter most"
        q = Quote(f"q{i}", 0, len(text), text, "direct")
        if i < coded:
            value = ("economy", "crime")[(i % 2) ^ ((i // 2) % 2 if noise else 0)]
            q = dataclasses.replace(q, codes=(("topic", value),))
        quotes[q.id] = q
    return Layer("ann", quotes, {})


def fit(lay: Layer):  # noqa: ANN201
    model = StanceSuggester()
    target = Target.code(TOPIC)
    return model, model.compute(model.snapshot(["d"], lambda _d: lay, target), None)


def test_a_code_is_a_label_and_a_rejected_or_uncoded_quote_is_not() -> None:
    target = Target.code(TOPIC)
    q = Quote("q", 0, 3, "abc", "direct", codes=(("topic", "crime"),))
    assert target.label(q) == "crime"
    assert target.label(dataclasses.replace(q, status="rejected")) is None
    assert target.label(dataclasses.replace(q, codes=())) is None
    assert label_changed(dataclasses.replace(q, codes=()), q, target)
    assert not label_changed(q, dataclasses.replace(q, stance="oppose"), target)
    assert label_changed(q, dataclasses.replace(q, stance="oppose"))  # the stance's rule
    assert not may_hold_labels(summarize(layer(4, 0)), target)
    assert may_hold_labels(summarize(layer(4, 1)), target)


def test_twenty_codes_open_the_gate_and_every_uncoded_quote_gets_its_topic() -> None:
    _, result = fit(layer(30, 20))
    assert result.report is not None and result.report.trusted, result.report
    assert result.labelled == 20
    for i in range(20, 30):
        s = result.by_quote[("d", f"q{i}")]
        assert (s.label, s.tentative) == (("economy", "crime")[i % 2], False)
    assert ("d", "q0") not in result.by_quote  # coded: nothing to suggest


def test_the_gate_stays_shut_below_twenty_and_on_codes_it_cannot_learn() -> None:
    for lay, why in ((layer(30, 12), "it suggests from 20 on"),
                     (layer(40, 32, noise=True), "on its own held-out check")):
        _, result = fit(lay)
        assert result.report is not None and not result.report.trusted
        assert all(s.tentative for s in result.by_quote.values())
        q = lay.quotes["q35" if "q35" in lay.quotes else "q25"]
        word = learned_code(TOPIC, result, result.by_quote.get(("d", q.id)))
        assert word.value is None and why in word.reason, word.reason
        assert "no suggestion yet" in word.reason


def test_the_picker_lists_the_learned_value_first_with_its_reason() -> None:
    lay = layer(30, 20)
    _, result = fit(lay)
    q = lay.quotes["q21"]
    word = learned_code(TOPIC, result, result.by_quote[("d", "q21")])
    assert (word.value, word.reason) == ("crime", "learned from 20 coded quotes")
    choices = quote_choices(q, (TOPIC,), {"topic": (word.value, word.reason)})
    assert [(c.value, c.reason) for c in choices] == [
        ("crime", "learned from 20 coded quotes"), ("economy", "")]
    coded = dataclasses.replace(q, codes=(("topic", "economy"),))
    assert not any(c.reason for c in quote_choices(coded, (TOPIC,), {"topic": ("crime", "x")}))
    assert learned_code(TOPIC, result, None, coded=True).reason == ""


def test_a_variable_learns_from_the_quote_in_its_sentence_the_stance_from_the_quote() -> None:
    text = 'Lee spoke on Monday. "A disaster," he said of the tax plan. Rain fell.'
    start = text.index("A disaster")
    q = Quote("q", start, start + len("A disaster"), "A disaster", "direct",
              codes=(("topic", "economy"),), stance="oppose")
    lay = Layer("ann", {"q": q}, {})
    code = snapshot(["d"], lambda _d: lay, Target.code(TOPIC), lambda _d: text)
    assert code.examples[0].text == 'A disaster\n"A disaster," he said of the tax plan.'
    assert code.texts == (code.examples[0].text,)  # the vocabulary has the sentence's words
    stance = snapshot(["d"], lambda _d: lay, StanceScheme(), lambda _d: text)
    assert stance.examples[0].text == "A disaster"


def test_a_topic_named_only_in_the_sentences_is_learned_from_them() -> None:
    vague = ("that is a disaster", "we will fight this", "it is long overdue", "shame on them")
    text, quotes = "", {}
    for i in range(30):
        words = ECONOMY if i % 2 == 0 else CRIME
        said = vague[(i // 2) % 4]  # each phrase for both topics
        start = len(text) + 1
        pair = f"{words[(i // 2) % 3]} and {words[3 + (i // 2) % 3]}"
        text += f'"{said}," she said of the {pair} plan. '
        codes = (("topic", ("economy", "crime")[i % 2]),) if i < 24 else ()
        quotes[f"q{i}"] = Quote(f"q{i}", start, start + len(said), said, "direct", codes=codes)
    lay = Layer("ann", quotes, {})
    target = Target.code(TOPIC)
    with_text, alone = StanceSuggester(), StanceSuggester()
    found = with_text.compute(with_text.snapshot(["d"], lambda _d: lay, target, None,
                                                 lambda _d: text), None)
    assert found.report is not None and found.report.trusted
    assert {k[1]: s.label for k, s in found.by_quote.items()} == {
        f"q{i}": ("economy", "crime")[i % 2] for i in range(24, 30)}
    blind = alone.compute(alone.snapshot(["d"], lambda _d: lay, target), None)
    assert blind.report is not None and not blind.report.trusted  # the quotes alone: no topic


def test_accepting_a_quote_changes_nothing_a_variable_learns_from() -> None:
    """Enter in the review queue (suggested to accepted) leaves a quote's code as it was: no
    refit of each variable's learner for it; rejecting or restoring one does."""
    target = Target.code(TOPIC)
    for codes in ((("topic", "crime"),), ()):
        q = Quote("q", 0, 3, "abc", "direct", codes=codes)
        assert not label_changed(q, dataclasses.replace(q, status="accepted"), target)
        assert label_changed(q, dataclasses.replace(q, status="rejected"), target)
        assert label_changed(dataclasses.replace(q, status="rejected"), q, target)
