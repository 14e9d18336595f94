"""The domain stance suggester: one label rule, one speaker rule, a cache, a fixed order.

No app here: layers are built in memory and read through a plain ``read_layer`` callable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from annotations.edits import EditContext, SetStance
from annotations.model import Layer, Quote, Speaker, StanceScheme, layer_from_records
from annotations.stance.adapt import is_label
from annotations.stance.suggester import (
    RefitState,
    StanceSuggester,
    SuggestionSet,
    label_changed,
    snapshot,
    stance_uncertainty_order,
)
from annotations.stance.types import StanceSuggestion

SCHEME = StanceScheme()

Line = tuple[str, str, str | None]  # (text, speaker id, stance set by hand)


def make_layer(lines: Sequence[Line], speakers: dict[str, str]) -> tuple[str, Layer]:
    """A document of one sentence per line; each a quote by its speaker, stances set by hand
    through ``SetStance`` (as the app does)."""
    text, quotes, pos = "", [], 0
    for i, (said, speaker, _) in enumerate(lines):
        quotes.append(Quote(f"q{i + 1}", pos, pos + len(said), said, speaker_id=speaker))
        text += said + " "
        pos = len(text)
    layer = layer_from_records(
        "ana", quotes, [Speaker(sid, name, "person") for sid, name in speakers.items()]
    )
    for i, (_, _, stance) in enumerate(lines):
        if stance:
            change = SetStance("d", f"q{i + 1}", stance).compute(layer, text, EditContext("ana"))
            layer = change.apply_to(layer)
    return text, layer.check(text)


class Corpus:
    """Documents in memory; ``read_layer`` counts its calls per document."""

    def __init__(self, layers: dict[str, Layer]) -> None:
        self.layers = layers
        self.reads: Counter[str] = Counter()

    def read_layer(self, doc_id: str) -> Layer:
        self.reads[doc_id] += 1
        return self.layers[doc_id]

    @property
    def ids(self) -> list[str]:
        return list(self.layers)


SUPPORT = ["we welcome the plan", "a great help for the city", "this policy is good for us"]
OPPOSE = ["we reject the plan", "a terrible harm for the city", "this policy is bad for us"]


def small_corpus() -> Corpus:
    _, a = make_layer(
        [(SUPPORT[0], "s1", "support"), (OPPOSE[0], "s2", "oppose"),
         ("the council meets on tuesday", "s1", None), (SUPPORT[1], "s2", None)],
        {"s1": "Ann Lee", "s2": "Bob Ray"},
    )
    _, b = make_layer(
        [(OPPOSE[1], "s1", "oppose"), (SUPPORT[2], "s2", "support"),
         ("the vote is next week", "s1", None), (OPPOSE[2], "s2", None)],
        {"s1": "Bob Ray", "s2": "Ann Lee"},
    )
    return Corpus({"a": a, "b": b})


def test_same_labels_give_the_same_suggestions_twice() -> None:
    corpus = small_corpus()
    first = StanceSuggester().compute(snapshot(corpus.ids, corpus.read_layer, SCHEME))
    second = StanceSuggester().compute(snapshot(corpus.ids, corpus.read_layer, SCHEME))
    assert first.labelled == 4 and len(first.by_quote) == 4
    assert first.by_quote == second.by_quote and first.uncertainty == second.uncertainty
    again = StanceSuggester()
    again.compute(snapshot(corpus.ids, corpus.read_layer, SCHEME))  # a refit on the same model
    assert again.compute(snapshot(corpus.ids, corpus.read_layer, SCHEME)).by_quote == \
        first.by_quote


def test_no_labels_no_suggestions() -> None:
    _, layer = make_layer([(SUPPORT[0], "s1", None)], {"s1": "Ann Lee"})
    corpus = Corpus({"a": layer})
    result = StanceSuggester().compute(snapshot(corpus.ids, corpus.read_layer, SCHEME))
    assert result.by_quote == {} and result.report is None and result.version == 1


def test_a_hand_label_counts_a_detector_stance_on_an_accepted_quote_does_not() -> None:
    text, layer = make_layer(
        [(SUPPORT[0], "s1", "support"), (OPPOSE[0], "s1", None), (SUPPORT[1], "s1", None)],
        {"s1": "Ann Lee"},
    )
    q1, q2 = layer.quotes["q1"], layer.quotes["q2"]
    assert q1.confidence["stance"] == 1.0 and q1.status == "accepted" and is_label(q1)
    guess = Quote(q2.id, q2.start, q2.end, q2.text, speaker_id="s1", stance="oppose",
                  confidence={"stance": 0.7, "span": 0.9}, status="accepted",
                  origin="detector@1")
    assert not is_label(guess)
    imported = Quote(q2.id, q2.start, q2.end, q2.text, stance="oppose")  # no confidence
    assert is_label(imported)
    assert not is_label(Quote(q2.id, q2.start, q2.end, q2.text, stance="oppose",
                              status="rejected"))
    layer = Layer(layer.name, {**layer.quotes, "q2": guess}, layer.speakers)
    snap = snapshot(["a"], {"a": layer}.__getitem__, SCHEME)
    assert [ex.text for ex in snap.examples] == [SUPPORT[0]]
    assert [key for key, _ in snap.items] == [("a", "q2"), ("a", "q3")]
    sugg = StanceSuggester()
    sugg.current = SuggestionSet(1, None, None, 1, {
        ("a", "q1"): StanceSuggestion("a/q1", "oppose", 0.9, False),
        ("a", "q2"): StanceSuggestion("a/q2", "support", 0.6, True),
    })
    assert sugg.suggestion("a", layer.quotes["q1"]) is None  # a label is never second-guessed
    assert sugg.suggestion("a", guess).label == "support"  # a guess may be
    # taking the guess by hand makes it a label, and that is a change a refit must see
    taken = SetStance("a", "q2", "oppose").compute(layer, text, EditContext("ana"))
    assert is_label(taken.quotes_after["q2"])
    assert label_changed(guess, taken.quotes_after["q2"])
    assert not label_changed(guess, guess)
    assert label_changed(None, guess) and label_changed(guess, None)


def test_the_same_name_in_two_documents_is_one_speaker() -> None:
    neutral = "the city will say more about it"
    _, a = make_layer(  # Kenney is s1 here
        [("we met the board today", "s1", "oppose"), ("the report came out", "s1", "oppose"),
         ("we talked for an hour", "s1", "oppose")],
        {"s1": "Jim Kenney"},
    )
    _, c = make_layer(  # Roe is s1 here
        [("the team will travel", "s1", "support"), ("the budget is done", "s1", "support"),
         ("we spoke to the press", "s1", "support")],
        {"s1": "Jane Roe"},
    )
    _, b = make_layer(  # and here Kenney is s2, Roe s3, and s1 is someone else
        [(neutral, "s2", None), (neutral, "s3", None), ("no comment", "s1", None)],
        {"s1": "Ann Lee", "s2": "Mayor Jim Kenney", "s3": "Jane Roe"},
    )
    corpus = Corpus({"a": a, "c": c, "b": b})
    snap = snapshot(corpus.ids, corpus.read_layer, SCHEME)
    speakers = {key: item.speaker for key, item in snap.items}
    assert {ex.speaker for ex in snap.examples[:3]} == {"jim kenney"}
    assert speakers == {("b", "q1"): "jim kenney", ("b", "q2"): "jane roe",
                        ("b", "q3"): "ann lee"}
    result = StanceSuggester().compute(snap)
    assert result.by_quote[("b", "q1")].label == "oppose"  # Kenney's prior from article a
    assert result.by_quote[("b", "q2")].label == "support"  # Roe's from article c


def test_the_cache_rereads_only_changed_documents() -> None:
    corpus = small_corpus()
    sugg = StanceSuggester()
    first = sugg.snapshot(corpus.ids, corpus.read_layer, SCHEME)
    assert corpus.reads == {"a": 1, "b": 1}
    assert sugg.snapshot(corpus.ids, corpus.read_layer, SCHEME) == first
    assert corpus.reads == {"a": 1, "b": 1}  # nothing changed: nothing read
    _, corpus.layers["b"] = make_layer([(OPPOSE[1], "s1", "oppose")], {"s1": "Bob Ray"})
    sugg.changed("b")
    second = sugg.snapshot(corpus.ids, corpus.read_layer, SCHEME)
    assert corpus.reads == {"a": 1, "b": 2}
    assert len(second.examples) == 3 and len(second.items) == 2  # b's new layer is seen
    sugg.snapshot(corpus.ids, corpus.read_layer, SCHEME, layer="other")  # another layer
    assert corpus.reads == {"a": 2, "b": 3}
    sugg.changed()  # everything (a scheme change)
    sugg.snapshot(corpus.ids, corpus.read_layer, SCHEME)
    assert corpus.reads == {"a": 3, "b": 4}


def test_uncertainty_order_most_uncertain_first_labelled_last() -> None:
    corpus = small_corpus()
    result = StanceSuggester().compute(snapshot(corpus.ids, corpus.read_layer, SCHEME))
    queue = [("a", f"q{i}") for i in range(1, 5)] + [("b", f"q{i}") for i in range(1, 5)]
    order = stance_uncertainty_order(result, queue)
    labelled = [("a", "q1"), ("a", "q2"), ("b", "q1"), ("b", "q2")]
    assert order[-4:] == labelled  # labelled last, in queue order
    unc = [result.uncertainty[key] for key in order[:4]]
    assert unc == sorted(unc, reverse=True) and unc[0] > 0
    fixed = SuggestionSet(uncertainty={("a", "q3"): 0.2, ("b", "q3"): 0.9, ("b", "q4"): 0.2})
    assert stance_uncertainty_order(fixed, queue) == [
        ("b", "q3"), ("a", "q3"), ("b", "q4"),  # ties keep the queue's order
        ("a", "q1"), ("a", "q2"), ("a", "q4"), ("b", "q1"), ("b", "q2"),
    ]


def test_refits_never_overlap_and_one_more_follows_a_request() -> None:
    state = RefitState()
    assert state.request()  # start now
    assert not state.request() and not state.request()  # queued (once)
    assert state.finished()  # run again
    assert state.request() and not state.dirty
    assert not state.finished() and not state.running


def test_describe() -> None:
    assert StanceSuggestion("a/q1", "oppose", 0.625, True).describe() == "oppose 0.62 (tentative)"
    assert StanceSuggestion("a/q1", "support", 0.9, False).describe() == \
        "support 0.90 (model trusted)"


def test_one_label_gives_no_suggestion() -> None:
    """saywho 0.1 showed "neutral? ~.00 (tentative)" on every quote after the first label:
    a model that has seen one label has nothing to suggest."""
    layer = Layer("a", {
        "q1": Quote("q1", 0, 5, "Hello", "direct", stance="support",
                    confidence={"stance": 1.0}),
        "q2": Quote("q2", 6, 11, "world", "direct"),
        "q3": Quote("q3", 12, 17, "again", "direct"),
    })
    snap = snapshot(["d"], lambda _doc: layer, SCHEME)
    assert len(snap.examples) == 1 and len(snap.items) == 2
    found = StanceSuggester().compute(snap)
    assert found.by_quote == {} and found.labelled == 1
