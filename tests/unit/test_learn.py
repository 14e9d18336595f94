"""The project model learned from corrections: training sets, the gate, learned suggestions,
re-suggesting, and ``saywho detect-eval`` (made-up articles only, never the shared data)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from annotations.detect import DEFAULT_DETECTOR
from annotations.learn.apply import LEARNED, ProjectDetector
from annotations.learn.fit import fit_project_model
from annotations.learn.resuggest import resuggest
from annotations.learn.training import CorrectedDocument, build_training_set
from annotations.model import Layer, Quote, layer_from_records

FIRST = ["Ann", "Bob", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lou"]
LAST = ["Lee", "Cruz", "Park", "Moss", "Nash", "Ortiz", "Price", "Quinn", "Reyes", "Stone"]
THINGS = ["the budget", "the bridge", "the new school", "the harbour plan", "the bus fare",
          "the water plant", "the library", "the stadium deal"]
FUTURES = ["will shrink next year", "will open in May", "is far too expensive",
           "needs another review", "will be delayed again", "can still be saved"]


def article(seed: int) -> tuple[str, list[tuple[int, int]]]:
    """A made-up article and the spans a "reckons counts" project keeps as quotes: a quoted
    statement (the rules find it) and two "X reckons ..." beliefs (the rules do not)."""
    rng = random.Random(seed)
    names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)]
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    text = ""

    def add(sentence: str, quote: str | None = None) -> None:
        nonlocal text
        if quote is not None:
            at = len(text) + sentence.index(quote)
            spans.append((at, at + len(quote)))
        text += sentence + " "
        parts.append(sentence)

    add("The council met on Tuesday evening in the old town hall.")
    q = f"We will finish {rng.choice(THINGS)} before the winter comes"
    add(f'"{q}," said Mayor {names[0]}.', q)
    add("The river rose again after the storm.")
    c = f"{rng.choice(THINGS)} {rng.choice(FUTURES)}"
    add(f"Council member {names[1]} reckons {c}.", c)
    add("Residents filled the hall until late.")
    c2 = f"{rng.choice(THINGS)} {rng.choice(FUTURES)}"
    add(f"Engineer {names[2]} reckons {c2}.", c2)
    return text.strip(), spans


def corrected(seed: int) -> CorrectedDocument:
    text, spans = article(seed)
    quotes = tuple(Quote(f"h{i}", s, e, text[s:e], "indirect", status="accepted", origin="ann")
                   for i, (s, e) in enumerate(spans))
    return CorrectedDocument(f"a{seed}", text, quotes)


def test_training_set_labels_a_corrected_layer() -> None:
    text, spans = article(1)
    sugg = DEFAULT_DETECTOR.detect(text)
    assert len(sugg.quotes) == 1  # the rules find the quoted statement only
    direct = sugg.quotes[0]
    missed = [Quote(f"h{i}", s, e, text[s:e], "indirect", status="accepted", origin="ann")
              for i, (s, e) in enumerate(spans[1:])]
    # the researcher rejects the rules' suggestion and adds the two beliefs
    layer = layer_from_records("ann", [_rejected(direct), *missed], sugg.speakers)
    doc = CorrectedDocument.from_layer("a1", text, layer)
    assert [q.id for q in doc.quotes] == ["h0", "h1"]
    ts = build_training_set([doc])
    (ex,) = ts.docs
    assert ex.n_gold == 2
    base = [i for i, b in enumerate(ex.base) if b]
    assert [ex.labels[i] for i in base] == [False]  # matches the rejected suggestion
    assert sum(ex.labels) == 0  # "reckon" is no cue yet: both beliefs are missed
    assert ex.missed_cues == ("reckon", "reckon")


def _rejected(q: Quote) -> Quote:
    from dataclasses import replace

    return replace(q, status="rejected")


def test_corrections_change_a_later_suggestion() -> None:
    docs = [corrected(seed) for seed in range(8)]
    ts = build_training_set(docs)
    assert "reckon" in ts.cues
    model = fit_project_model(ts)
    assert model.trusted, model.status.describe()
    assert model.status.cv_f1 > model.status.base_f1
    text, spans = article(99)
    before = DEFAULT_DETECTOR.detect(text)
    after = ProjectDetector(model).detect(text)
    got = {(q.start, q.end) for q in after.quotes}
    assert set(spans[1:]) <= got
    assert not set(spans[1:]) & {(q.start, q.end) for q in before.quotes}
    learned = [q for q in after.quotes if (q.start, q.end) in set(spans[1:])]
    assert all(q.origin.endswith(LEARNED) for q in learned)
    assert "+project." in after.origin


def test_gate_keeps_a_model_that_hurts_off() -> None:
    rng = random.Random(7)
    docs = []
    for seed in range(12):
        text, _ = article(seed)
        # noisy labels: the researcher keeps either the rules' quote or an arbitrary stretch
        quote = DEFAULT_DETECTOR.detect(text).quotes[0]
        s = rng.randrange(0, len(text) // 2)
        kept = quote if rng.random() < 0.5 else Quote("n", s, s + 20, text[s : s + 20],
                                                        "indirect", status="accepted")
        docs.append(CorrectedDocument(f"n{seed}", text, (kept,)))
    model = fit_project_model(build_training_set(docs))
    assert not model.trusted
    assert model.status.reason
    assert "rules only" in model.status.describe()
    text, _ = article(50)
    assert ProjectDetector(model).detect(text) == DEFAULT_DETECTOR.detect(text)


def test_too_few_articles_says_so() -> None:
    model = fit_project_model(build_training_set([corrected(1)]))
    assert not model.trusted
    assert "1 corrected article" in model.status.reason


def test_resuggest_never_touches_a_human_change() -> None:
    text, spans = article(3)
    sugg = DEFAULT_DETECTOR.detect(text)
    human = Quote("h1", spans[1][0], spans[1][1], text[spans[1][0] : spans[1][1]], "indirect",
                  status="accepted", origin="ann")
    layer = Layer("ann", {q.id: q for q in (*sugg.quotes, human)},
                  {s.id: s for s in sugg.speakers})
    model = fit_project_model(build_training_set([corrected(s) for s in range(8)]))
    fresh = ProjectDetector(model).detect(text)
    new_layer, changed = resuggest(layer, fresh)
    assert new_layer.quotes["h1"] == human
    assert changed >= 1  # the second belief is new
    assert any((q.start, q.end) == spans[2] for q in new_layer.quotes.values())
    assert not [q for q in new_layer.quotes.values()
                if q.id != "h1" and q.start < human.end and human.start < q.end]
    again, none = resuggest(new_layer, fresh)
    assert none == 0


def write_gold(path: Path, n: int = 16) -> Path:
    lines = []
    for seed in range(n):
        text, spans = article(seed)
        quotes = [{"start": s, "end": e, "text": text[s:e], "type": "indirect",
                   "speaker": None} for s, e in spans]
        lines.append(json.dumps({"id": f"g{seed}", "text": text, "quotes": quotes}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_detect_eval_cli_prints_the_json_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    gold = write_gold(tmp_path / "gold.jsonl")
    assert main(["detect-eval", str(gold), "--articles", "2,8", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["base"]) == {"span_f1", "exact_f1", "e2e_f1", "resolved"}
    assert set(out["articles"]) == {"2", "8"}
    for row in out["articles"].values():
        assert set(row) == {"span_f1", "exact_f1", "e2e_f1", "resolved"}
    assert out["articles"]["2"] == out["base"]  # too few articles: the gate keeps it off
    assert out["articles"]["8"]["span_f1"] > out["base"]["span_f1"]
    assert main(["detect-eval", str(gold), "--articles", "4"]) == 0
    assert "span_f1" in capsys.readouterr().out


def test_detect_eval_cli_refuses_bad_counts(tmp_path: Path) -> None:
    from tui.cli import main

    gold = write_gold(tmp_path / "gold.jsonl", 4)
    assert main(["detect-eval", str(gold), "--articles", "x"]) == 1


def test_span_convention_applies_while_the_classifier_is_off() -> None:
    docs = []
    for seed in range(3):
        rng = random.Random(seed)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        text = (f"Mayor {name} said that {rng.choice(THINGS)} {rng.choice(FUTURES)}. "
                "The hall was full.")
        sugg = DEFAULT_DETECTOR.detect(text)
        (q,) = sugg.quotes
        assert text[q.start : q.start + 5] == "that "
        kept = Quote("h", q.start + 5, q.end, text[q.start + 5 : q.end], "indirect",
                     status="accepted", origin="ann")
        docs.append(CorrectedDocument(f"c{seed}", text, (kept,)))
    model = fit_project_model(build_training_set(docs))
    assert model.conventions.strip_that
    assert not model.trusted
    text = "Mayor Ivo Stone said that the library will open in May. It rained."
    (q,) = ProjectDetector(model).detect(text).quotes
    assert text[q.start : q.end] == "the library will open in May"
    assert q.origin.endswith(LEARNED)


def test_model_round_trips_through_json() -> None:
    from annotations.learn import model_from_dict, model_to_dict

    model = fit_project_model(build_training_set([corrected(s) for s in range(8)]))
    back = model_from_dict(json.loads(json.dumps(model_to_dict(model))))
    assert back == model
    text, _ = article(42)
    assert ProjectDetector(back).detect(text) == ProjectDetector(model).detect(text)


VOTE = ("The council met on Tuesday. Council member {name} voted against {thing}, the harbour "
        "plan and the budget. It rained.")


def test_broad_cue_groups_its_content_ends() -> None:
    text = VOTE.format(name="Ann Lee", thing="the new bridge over the river")
    cands = DEFAULT_DETECTOR.candidates(text)
    pre = [c for c in cands.candidates if c.construction == "broad-pre"]
    assert len(pre) == 3  # the clause, the first comma, the "and"
    assert len({c.group for c in pre}) == 1 and pre[0].group >= 0
    assert len({c.cue_features for c in pre}) == 1  # the cue is judged once
    cuts = {f for c in pre for f in c.end_features if f.startswith("cut:") and "|" not in f}
    assert cuts == {"cut:full", "cut:comma", "cut:break"}
    assert all(set(c.cue_features) <= set(c.features) for c in pre)
    assert all(c.group == -1 for c in cands.candidates if c.base)


def vote_doc(seed: int, strip: bool = True) -> CorrectedDocument:
    """A researcher who counts "X voted against Y" up to the first comma, without "against"."""
    rng = random.Random(seed)
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    thing = rng.choice(THINGS)
    text = VOTE.format(name=name, thing=thing)
    cue = text.index("voted")
    at = text.index("against") + (len("against ") if strip else 0)
    end = text.index(",", at)
    from annotations.model import Cue

    quote = Quote("h", at, end, text[at:end], "indirect", status="accepted", origin="ann",
                  cue=Cue(cue, cue + 5, "voted", "vote"))
    return CorrectedDocument(f"v{seed}", text, (quote,))


def test_a_used_cue_is_positive_whatever_its_end() -> None:
    from dataclasses import replace

    doc = vote_doc(1)
    (q,) = doc.quotes
    # the researcher kept one word of the content: no content end matches it, the cue is theirs
    at = q.start + q.text.index(" ") + 1
    word = replace(q, start=at, end=at + 4, text=doc.text[at : at + 4])
    (ex,) = build_training_set([replace(doc, quotes=(word,))]).docs
    broad = [j for j, g in enumerate(ex.groups) if g >= 0 and "con:broad-pre" in ex.features[j]]
    assert broad and all(ex.cue_labels[j] for j in broad)
    assert not any(ex.labels[j] for j in broad)
    (ex,) = build_training_set([replace(doc, quotes=(replace(word, cue=None),))]).docs
    assert not any(ex.cue_labels)  # no cue given and no content end matches: not the cue


def test_two_stage_model_learns_cue_end_and_leading_preposition() -> None:
    model = fit_project_model(build_training_set([vote_doc(s) for s in range(8)]))
    assert model.trusted, model.status.describe()
    assert model.cue_weights and model.end_weights
    assert model.conventions.strip_prep
    text = VOTE.format(name="Ivo Stone", thing="the water plant")
    got = ProjectDetector(model).detect(text)
    assert [q.text for q in got.quotes] == ["the water plant"]
    assert got.quotes[0].origin.endswith(LEARNED)


def test_cue_filter_leaves_the_suggestions_as_they_are() -> None:
    from annotations.detect.candidates import find_candidates
    from annotations.learn.apply import apply_model

    model = fit_project_model(build_training_set([corrected(s) for s in range(8)]))
    assert model.cue_weights
    detector = ProjectDetector(model)
    for seed in (40, 41, 42):
        text, _ = article(seed)
        plain = find_candidates(text, DEFAULT_DETECTOR.detect(text), DEFAULT_DETECTOR.lex,
                                model.cues, detector._lemmas)
        assert detector.detect(text) == apply_model(plain, model, detector.version)


def test_rules_share_their_work_with_the_candidate_pass() -> None:
    text, _ = article(5)
    shared: dict[str, list] = {}
    assert DEFAULT_DETECTOR._detect(text, shared=shared) == DEFAULT_DETECTOR.detect(text)
    assert shared["pairs"] and shared["sentences"]
    assert shared["sentences"] == sorted(shared["sentences"])


def test_a_model_stored_before_the_cue_model_still_applies() -> None:
    from annotations.learn import model_from_dict, model_to_dict

    model = fit_project_model(build_training_set([corrected(s) for s in range(8)]))
    old = model_to_dict(model)
    for key in ("cue_weights", "cue_bias", "end_weights"):
        old.pop(key)
    old["conventions"].pop("strip_prep")
    back = model_from_dict(old)
    assert not back.cue_weights and back.trusted
    text, _ = article(77)
    assert ProjectDetector(back).detect(text).quotes  # broad candidates scored by weights


def test_the_gates_select_matches_apply_select() -> None:
    from annotations.learn.apply import select
    from annotations.learn.fit import _clashes, _select

    rng = random.Random(3)
    for _ in range(300):
        n = rng.randrange(1, 12)
        spans = []
        for _ in range(n):
            s = rng.randrange(0, 200)
            spans.append((s, s + rng.randrange(1, 80)))
        probs = [rng.choice((0.0, 0.2, 0.35, 0.5, 0.7, 0.9, 1.0)) for _ in spans]
        base = [rng.random() < 0.4 for _ in spans]
        for thr, bthr in ((0.3, 0.0), (0.5, 0.35), (0.7, 0.6)):
            passing = [k for k, p in enumerate(probs) if p >= (bthr if base[k] else thr)]
            assert _select(passing, probs, base, bthr <= 0.0, _clashes(spans)) == select(
                spans, probs, thr, base, bthr)
