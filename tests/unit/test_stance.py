"""The stance engine: the honesty gate, determinism, the same-speaker prior, scheme examples."""

from __future__ import annotations

import random

import pytest

from annotations.errors import InputError
from annotations.model import StanceLabel, StanceScheme
from annotations.stance import (
    ActiveLearner,
    StanceExample,
    StanceItem,
    StanceModel,
    examples_from_scheme,
    next_to_label,
)

LABELS = ("support", "oppose", "neutral")
VOCAB = {
    "support": ["great", "welcome", "helps", "good", "backs", "praise", "vital", "benefit"],
    "oppose": ["terrible", "reject", "harms", "bad", "fight", "scrap", "wrong", "danger"],
    "neutral": ["meeting", "tuesday", "report", "council", "scheduled", "vote", "hall", "data"],
}
FILLER = ["the", "plan", "city", "policy", "people", "this", "we", "it", "is", "will", "for"]


def synth(n: int, seed: int = 0, noise: bool = False) -> list[tuple[str, str]]:
    """``n`` (text, label) pairs; with ``noise`` the labels ignore the words."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        label = LABELS[i % 3]
        words = rng.sample(VOCAB[label], 3) + rng.sample(FILLER, 5)
        rng.shuffle(words)
        out.append((" ".join(words), rng.choice(LABELS) if noise else label))
    return out


def examples(pairs: list[tuple[str, str]]) -> list[StanceExample]:
    return [StanceExample(t, lb) for t, lb in pairs]


def items(pairs: list[tuple[str, str]], prefix: str = "q") -> list[StanceItem]:
    return [StanceItem(f"{prefix}{i}", t) for i, (t, _) in enumerate(pairs)]


def test_nothing_suggested_before_any_label() -> None:
    model = StanceModel(LABELS)
    pool = items(synth(5))
    assert all(s.label is None and s.tentative for s in model.suggest(pool))
    assert model.fit([], pool=pool).trusted is False
    assert all(s.label is None and s.confidence == 0.0 for s in model.suggest(pool))


def test_gate_keeps_few_labels_tentative() -> None:
    data = synth(60)
    model = StanceModel(LABELS)
    report = model.fit(examples(data[:6]), pool=items(data))
    assert not report.trusted and report.n == 6
    suggestions = model.suggest(items(data[6:]))
    assert suggestions and all(s.tentative for s in suggestions)
    assert all(0.0 <= s.confidence <= 1.0 for s in suggestions)


def test_gate_opens_on_learnable_labels() -> None:
    data = synth(90)
    model = StanceModel(LABELS)
    report = model.fit(examples(data[:45]), pool=items(data))
    assert report.trusted, report
    assert report.cv_score > report.majority_score
    suggestions = model.suggest(items(data[45:]))
    assert not any(s.tentative for s in suggestions)
    right = sum(s.label == lb for s, (_, lb) in zip(suggestions, data[45:], strict=True))
    assert right / len(suggestions) > 0.9


def test_gate_stays_shut_on_noise() -> None:
    data = synth(90, seed=3, noise=True)
    model = StanceModel(LABELS)
    report = model.fit(examples(data[:60]), pool=items(data))
    assert not report.trusted, report
    assert all(s.tentative for s in model.suggest(items(data[60:])))


def test_one_label_is_a_tentative_guess() -> None:
    model = StanceModel(LABELS)
    model.fit([StanceExample("good plan", "support")] * 3)
    (s,) = model.suggest([StanceItem("x", "another plan")])
    assert s.label == "support" and s.tentative


def test_same_seed_same_results() -> None:
    data = synth(80, seed=1)
    pool = items(data)

    def session() -> tuple[list[str], list[tuple[str | None, float]]]:
        model = StanceModel(LABELS, seed=7)
        learner = ActiveLearner(pool, seed=7)
        labelled: list[str] = []
        truth = {it.id: lb for it, (_, lb) in zip(pool, data, strict=True)}
        by_id = {it.id: it for it in pool}
        for _ in range(22):
            (nxt,) = learner.next(model, labelled)
            labelled.append(nxt)
            model.fit([StanceExample(by_id[i].text, truth[i]) for i in labelled])
        return labelled, [(s.label, round(s.confidence, 9)) for s in model.suggest(pool)]

    assert session() == session()


def test_same_speaker_prior_pulls_toward_their_labels() -> None:
    neutral_text = "the proposal was discussed at length on tuesday"
    train = [
        StanceExample("we welcome this plan, it helps", "support", speaker="Ann Lee"),
        StanceExample("a good and vital plan", "support", speaker="Ann Lee"),
        StanceExample("this plan harms us, scrap it", "oppose", speaker="Bob Ray"),
        StanceExample("a terrible and wrong plan", "oppose", speaker="Bob Ray"),
        StanceExample("the council meets on monday", "neutral"),
        StanceExample("the report is out this week", "neutral"),
    ]
    model = StanceModel(LABELS)
    model.fit(train)
    ann, bob, nobody = model.suggest(
        [
            StanceItem("a", neutral_text, speaker="Ann Lee"),
            StanceItem("b", neutral_text, speaker="Bob Ray"),
            StanceItem("c", neutral_text),
        ]
    )
    assert ann.label == "support"
    assert bob.label == "oppose"
    p = dict(nobody.scores)
    assert dict(ann.scores)["support"] > p["support"]
    assert dict(bob.scores)["oppose"] > p["oppose"]


def test_scheme_examples_train_and_lead_the_cold_start() -> None:
    scheme = StanceScheme(
        "the plan",
        (
            StanceLabel("support", "1", ("we welcome this great plan",)),
            StanceLabel("oppose", "2", ("this terrible plan must be scrapped",)),
            StanceLabel("neutral", "3", ("the council meets on tuesday",)),
        ),
    )
    seeds = examples_from_scheme(scheme)
    assert len(seeds) == 3
    model = StanceModel(scheme.names)
    pool = items(synth(30, seed=2))
    report = model.fit([], seeds=seeds, pool=pool)
    assert report.n == 0 and not report.trusted
    (s,) = model.suggest([StanceItem("z", "what a great plan, we welcome it")])
    assert s.label == "support" and s.tentative
    first = ActiveLearner(pool, seeds=seeds).next(StanceModel(scheme.names), [], k=3)
    assert len(set(first)) == 3


def test_next_to_label_skips_labelled_and_uses_uncertainty() -> None:
    data = synth(50)
    pool = items(data)
    model = StanceModel(LABELS)
    labelled = [it.id for it in pool[:35]]
    model.fit(examples(data[:35]), pool=pool)
    picked = next_to_label(model, pool, labelled, k=5)
    assert len(picked) == 5 and not set(picked) & set(labelled)
    unc = dict(zip([it.id for it in pool], model.uncertainty(pool), strict=True))
    rest = sorted((it.id for it in pool[35:]), key=lambda i: -unc[i])
    assert picked[0] == rest[0]


def test_unknown_label_is_input_error() -> None:
    with pytest.raises(InputError, match="not in the scheme"):
        StanceModel(LABELS).fit([StanceExample("text", "maybe")])
    with pytest.raises(InputError):
        StanceModel(["only"])


def test_import_is_cheap() -> None:
    import subprocess
    import sys

    code = (
        "import sys, annotations.stance as s; s.StanceItem('a', 'b');"
        "print('sklearn' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_audits_are_marked_and_next_is_repeatable() -> None:
    data = synth(60, seed=4)
    pool = items(data)
    truth = {it.id: lb for it, (_, lb) in zip(pool, data, strict=True)}
    by_id = {it.id: it for it in pool}
    learner = ActiveLearner(pool, cold_k=6, audit_every=3)
    model = StanceModel(LABELS)
    labelled: list[str] = []
    for _ in range(15):
        first = learner.next(model, labelled)
        assert learner.next(model, labelled) == first  # asking twice changes nothing
        labelled.append(first[0])
        model.fit(
            [
                StanceExample(by_id[i].text, truth[i], representative=i in learner.representative)
                for i in labelled
            ]
        )
    # 6 cold-start picks, then audits at the 9th, 12th and 15th label
    assert set(labelled[:6]) <= learner.representative
    assert {labelled[8], labelled[11], labelled[14]} <= learner.representative
    assert len(learner.representative & set(labelled)) == 9


def test_degenerate_corpus_still_works() -> None:
    same = [("the same words every time", lb) for lb in LABELS * 20]
    model = StanceModel(LABELS)
    model.fit(examples(same[:30]), pool=items(same))
    suggestions = model.suggest(items(same[30:]))
    assert len(suggestions) == 30 and all(s.tentative for s in suggestions)
    blank = StanceModel(LABELS)
    blank.fit([StanceExample("", "support"), StanceExample(" ", "oppose")])
    assert blank.suggest([StanceItem("b", "")])[0].tentative


def test_layer_bridge_feeds_the_model() -> None:
    from annotations.model import Cue, Speaker, layer_from_records
    from annotations.model import Quote as Q
    from annotations.stance import split_layer

    text = "we welcome it. it is terrible. the vote is tuesday. great news. so bad."
    hand, guess = {"stance": 1.0}, {"stance": 0.6}
    spans = [(0, 13, "support", "suggested", hand), (15, 29, "oppose", "accepted", {}),
             (31, 50, None, "suggested", {}), (52, 63, "support", "accepted", guess),
             (65, 71, "oppose", "rejected", hand)]
    quotes = [
        Q(f"q{i}", s, e, text[s:e], cue=Cue(s, s + 2, text[s:s + 2], "Say"), speaker_id="sp1",
          stance=st, confidence=conf, status=status)
        for i, (s, e, st, status, conf) in enumerate(spans)
    ]
    layer = layer_from_records("ana", quotes, [Speaker("sp1", "Mayor Jim Kenney", "person")])
    examples, pending = split_layer("doc1", layer, representative=["doc1/q0"])
    # set by hand (any status) or imported without a confidence: labels; a guess is not,
    # even on an accepted quote; a rejected quote is nothing
    assert [e.label for e in examples] == ["support", "oppose"]
    assert examples[0].representative and not examples[1].representative
    assert examples[0].speaker == "jim kenney" and examples[0].cue == "say"
    assert [it.id for it in pending] == ["doc1/q2", "doc1/q3"]
    only_support, _ = split_layer("doc1", layer, labels=("support",))
    assert [e.label for e in only_support] == ["support"]  # outside the scheme: skipped
    model = StanceModel(LABELS)
    model.fit(examples, pool=pending)
    assert len(model.suggest(pending)) == 2
