"""Agreement: Cohen's kappa against a hand-worked example, Krippendorff's alpha against the
``krippendorff`` package, span and speaker agreement, on layers built from interchange dicts."""

from __future__ import annotations

import re
from dataclasses import replace

import krippendorff
import numpy as np
import pytest

from annotations.agreement import (
    agreement,
    cohen_kappa,
    krippendorff_alpha,
    nominal_alpha,
    summary_lines,
)
from annotations.formats.interchange import layer_from_interchange
from annotations.model import Layer

NAMES = ["Ana Diaz", "Bo Chen", "Cy Young"]
TEXT = "".join(
    f"“Statement number {i} is here and now,” said {NAMES[i % 3]}.\n" for i in range(10)
)


def quote_span(i: int) -> tuple[int, int]:
    start = TEXT.index(f"Statement number {i} ")
    return start, TEXT.index("”", start)


def layer(name: str, stances: list[str | None], *, skip: tuple[int, ...] = (),
          speakers: dict[int, str] | None = None, shift: dict[int, int] | None = None,
          extra: bool = False) -> Layer:
    """A layer over TEXT built from an interchange dict: quote i with stance ``stances[i]``."""
    quotes = []
    for i, stance in enumerate(stances):
        if i in skip:
            continue
        s, e = quote_span(i)
        e -= (shift or {}).get(i, 0)
        quotes.append({"id": f"{name}{i}", "start": s, "end": e, "type": "direct",
                       "speaker": (speakers or {}).get(i, NAMES[i % 3]), "stance": stance,
                       "status": "accepted"})
    if extra:
        s = TEXT.index("said Bo Chen")
        quotes.append({"id": f"{name}x", "start": s, "end": s + 12, "type": "indirect",
                       "speaker": None, "stance": "neutral", "status": "accepted"})
    return layer_from_interchange({"id": "d", "quotes": quotes}, TEXT, name=name)


WORDS = [m.span() for m in re.finditer(r"\w+", TEXT)]


def word_matrix(layers: dict[str, Layer]) -> np.ndarray:
    """Layers x words: 1 where the word lies inside one of the layer's quotes (trimmed as the
    matcher trims them), else 0; built here without the agreement module's index."""
    rows = []
    for lay in layers.values():
        spans = [(q.start, q.end) for q in lay.quotes.values()]
        rows.append([int(any(s <= ws and we <= e for s, e in spans)) for ws, we in WORDS])
    return np.array(rows)


def test_word_alpha_rises_with_overlap_where_a_cluster_alpha_cannot() -> None:
    """Two layers that agree on most quotes get a high word alpha; more disagreement, lower."""
    stances = ["support"] * 10
    close = agreement({"d": (TEXT, {"a": layer("a", stances),
                                    "b": layer("b", stances, shift={0: 10})})}).to_dict()
    far = agreement({"d": (TEXT, {"a": layer("a", stances),
                                  "b": layer("b", stances, skip=(1, 2, 3, 4), extra=True)})}
                    ).to_dict()
    high = close["overall"]["alpha"]["words"]["alpha"]
    low = far["overall"]["alpha"]["words"]["alpha"]
    assert high > 0.8 and 0 < low < high


# The hand-worked example: 10 items, two coders, labels s(upport), o(ppose), n(eutral).
A = ["support"] * 5 + ["oppose"] * 3 + ["neutral"] * 2
B = ["support"] * 4 + ["oppose"] * 3 + ["neutral"] * 3
# observed agreement: items 0-3, 5-6, 8-9 agree -> po = 8/10 = 0.8
# marginals A: s 5, o 3, n 2; B: s 4, o 3, n 3 -> pe = (5*4 + 3*3 + 2*3) / 100 = 0.35
# kappa = (0.8 - 0.35) / (1 - 0.35) = 0.45 / 0.65 = 9/13
HAND_KAPPA = 9 / 13


def test_cohen_kappa_matches_the_hand_worked_example() -> None:
    assert cohen_kappa(A, B) == pytest.approx(HAND_KAPPA)
    sklearn = pytest.importorskip("sklearn.metrics")
    assert cohen_kappa(A, B) == pytest.approx(sklearn.cohen_kappa_score(A, B))


def test_cohen_kappa_edge_cases() -> None:
    assert cohen_kappa([], []) is None
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None  # undefined: one label only
    assert cohen_kappa(["x", "y"], ["y", "x"]) == pytest.approx(-1.0)


def test_stance_kappa_on_matched_quotes_of_two_layers() -> None:
    docs = {"d": (TEXT, {"ann1": layer("ann1", A), "ann2": layer("ann2", B)})}
    report = agreement(docs, ["ann1", "ann2"]).to_dict()
    [pair] = report["overall"]["pairs"]
    assert pair["stance_kappa"] == {"n": 10, "kappa": round(HAND_KAPPA, 4)}
    assert pair["exact"] == {"matched": 10, "F1": 100.0}
    assert pair["speaker"]["pct"] == 100.0
    assert report["per_document"]["d"]["pairs"][0]["stance_kappa"]["kappa"] == round(HAND_KAPPA, 4)


def test_alpha_equals_the_krippendorff_package_with_missing_values() -> None:
    c_stances = ["support", None, "oppose", "oppose", "support",
                 "oppose", "neutral", "oppose", "neutral", "support"]
    layers = {
        "ann1": layer("ann1", A),
        "ann2": layer("ann2", B, skip=(9,), extra=True),
        "ann3": layer("ann3", c_stances, skip=(4,)),
    }
    report = agreement({"d": (TEXT, layers)}).to_dict()
    assert report["layers"] == ["ann1", "ann2", "ann3"]
    # units: the 10 quotes, then ann2's extra quote (no match): 11 columns, of which alpha
    # counts the 10 two layers code or more (the report says so: n is what alpha is over)
    nan = np.nan
    code = {"support": 0, "oppose": 1, "neutral": 2}

    def row(labels: list[str | None], missing: tuple[int, ...], extra: str | None) -> list:
        vals = [nan if i in missing or v is None else code[v] for i, v in enumerate(labels)]
        return vals + [nan if extra is None else code[extra]]

    stance = np.array([row(A, (), None), row(B, (9,), "neutral"), row(c_stances, (4,), None)])
    expected = krippendorff.alpha(reliability_data=stance, level_of_measurement="nominal")
    got = report["overall"]["alpha"]["stance"]
    assert (got["units"], got["single_coded"]) == (10, 1)
    assert got["alpha"] == pytest.approx(expected, abs=1e-4)
    # words: one unit per word of the text, 1 inside one of the layer's quotes, else 0
    expected_w = krippendorff.alpha(reliability_data=word_matrix(layers),
                                    level_of_measurement="nominal")
    got_w = report["overall"]["alpha"]["words"]
    assert got_w["units"] == len(WORDS)
    assert got_w["alpha"] == pytest.approx(expected_w, abs=1e-4)
    # the pair scores see the extra quote and the missing ones
    pair12 = report["overall"]["pairs"][0]
    assert (pair12["quotes_a"], pair12["quotes_b"], pair12["exact"]["matched"]) == (10, 10, 9)
    assert pair12["exact"]["F1"] == 90.0


def test_alpha_wrapper_agrees_with_the_package_on_strings() -> None:
    table = [["a", "b", None, "a"], ["a", "b", "b", None], [None, "a", "b", "a"]]
    nan = np.nan
    numeric = np.array([[0, 1, nan, 0], [0, 1, 1, nan], [nan, 0, 1, 0]])
    expected = krippendorff.alpha(reliability_data=numeric, level_of_measurement="nominal")
    assert krippendorff_alpha(table) == pytest.approx(expected)
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]) is None


def test_overlap_and_speaker_agreement() -> None:
    stances = ["support"] * 10
    one = layer("one", stances)
    # two quotes cut short (still >= 50 % overlap), one speaker changed, one quote missing
    two = layer("two", stances, shift={0: 10, 1: 12}, speakers={2: "Dee Ortiz"}, skip=(3,))
    report = agreement({"d": (TEXT, {"one": one, "two": two})}).to_dict()
    [pair] = report["overall"]["pairs"]
    assert pair["exact"]["matched"] == 7
    assert pair["overlap50"]["matched"] == 9
    assert pair["overlap50"]["F1"] == round(100 * 2 * 9 / 19, 1)
    assert pair["speaker"] == {"n": 9, "agree": 8, "pct": round(100 * 8 / 9, 1)}
    assert pair["stance_kappa"]["kappa"] is None  # one label only: undefined
    type_alpha = report["overall"]["alpha"]["type"]  # quote 3 is in one layer only
    assert (type_alpha["units"], type_alpha["single_coded"]) == (9, 1)


def test_a_layer_absent_from_a_document_is_missing_there() -> None:
    docs = {
        "d1": (TEXT, {"one": layer("one", A), "two": layer("two", B)}),
        "d2": (TEXT, {"one": layer("one", A)}),
    }
    report = agreement(docs, ["one", "two"]).to_dict()
    [pair] = report["overall"]["pairs"]
    assert pair["docs"] == 1 and pair["quotes_a"] == 10
    assert report["per_document"]["d2"]["pairs"] == []
    assert report["per_document"]["d2"]["alpha"]["words"]["alpha"] is None
    # the n reported is what alpha is over: d1's words and quotes; d2, in one layer only, is
    # left out whole (its units are not even counted as single-coded)
    assert (report["docs"], report["compared"]) == (2, 1)
    words, stance = (report["overall"]["alpha"][k] for k in ("words", "stance"))
    assert (words["units"], words["single_coded"]) == (len(WORDS), 0)
    assert (stance["units"], stance["single_coded"]) == (10, 0)
    lines = summary_lines(agreement(docs, ["one", "two"]))
    assert lines[0] == ("agreement between one, two over 1 document (in two of these layers or "
                        "more; 1 other left out)")
    assert lines[-1].endswith(f"({len(WORDS)} words, on whether each lies inside a quote)")


def test_rejected_quotes_are_left_out_by_default() -> None:
    one = layer("one", A)
    base = layer("two", A)
    two = replace(base, quotes={k: replace(q, status="rejected") if k == "two0" else q
                                for k, q in base.quotes.items()})
    [pair] = agreement({"d": (TEXT, {"one": one, "two": two})}).to_dict()["overall"]["pairs"]
    assert (pair["quotes_a"], pair["quotes_b"]) == (10, 9)
    [pair] = agreement({"d": (TEXT, {"one": one, "two": two})},
                       exclude_rejected=False).to_dict()["overall"]["pairs"]
    assert pair["quotes_b"] == 10


def test_closed_form_alpha_equals_the_package_on_random_tables() -> None:
    rng = np.random.default_rng(11)
    for _ in range(20):
        coders, units, values = rng.integers(2, 5), rng.integers(5, 60), rng.integers(2, 6)
        data = rng.integers(0, values, size=(coders, units)).astype(float)
        data[rng.random(data.shape) < 0.25] = np.nan
        rows = [[None if np.isnan(v) else int(v) for v in row] for row in data]
        try:
            expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        except ValueError:
            continue
        assert nominal_alpha(rows) == pytest.approx(expected)


# --------------------------------------------------------------------- speaker attributes
def coded(base: Layer, values: dict[str, dict[str, str]]) -> Layer:
    """``base`` with its speakers coded: speaker name -> attribute -> value."""
    speakers = {sid: replace(s, attributes=tuple(sorted(values.get(s.name, {}).items())))
                for sid, s in base.speakers.items()}
    return replace(base, speakers=speakers)


def test_speaker_attribute_alpha_is_nominal_alpha_over_the_speakers_two_layers_code() -> None:
    from annotations.codebook import GENDER, define

    role = define("role", ["politician", "expert", "citizen"])
    one = coded(layer("one", A), {"Ana Diaz": {"gender": "female", "role": "expert"},
                                  "Bo Chen": {"gender": "male", "role": "expert"},
                                  "Cy Young": {"gender": "male"}})
    two = coded(layer("two", A), {"Ana Diaz": {"gender": "female", "role": "citizen"},
                                  "Bo Chen": {"gender": "female", "role": "expert"},
                                  "Cy Young": {"gender": "male", "role": "politician"}})
    report = agreement({"d": (TEXT, {"one": one, "two": two})}, ["one", "two"],
                       attributes=(GENDER, role)).to_dict()
    alpha = report["overall"]["alpha"]
    # gender: units (f, f), (m, f), (m, m); by hand, n = 6 values, 3 f and 3 m: observed
    # disagreement 2 (the one split unit: (2² - 1 - 1) / (2 - 1)), expected 6² - 3² - 3² = 18,
    # alpha = 1 - (6 - 1) * 2 / 18 = 4/9
    assert alpha["speaker_gender"] == {"units": 3, "single_coded": 0, "alpha": round(4 / 9, 4)}
    package = krippendorff.alpha(reliability_data=np.array([[0, 1, 1], [0, 0, 1]], dtype=float),
                                 level_of_measurement="nominal")
    assert alpha["speaker_gender"]["alpha"] == round(float(package), 4)
    # role: Cy uncoded in one is a missing value, not a disagreement: (e, c), (e, e) paired
    expected = krippendorff.alpha(
        reliability_data=np.array([[0, 0, np.nan], [1, 0, 2]], dtype=float),
        level_of_measurement="nominal")
    assert alpha["speaker_role"] == {"units": 2, "single_coded": 1,
                                     "alpha": round(float(expected), 4)}
    assert list(alpha) == ["stance", "type", "speaker", "speaker_gender", "speaker_role",
                           "words"]
    assert report["per_document"]["d"]["alpha"]["speaker_gender"] == alpha["speaker_gender"]


def test_a_speaker_a_layer_codes_elsewhere_takes_that_value_and_an_absent_one_is_missing() -> (
        None):
    # d1: both code every speaker; d2: "one" codes nobody (its d1 values count), "two" has no
    # quote of Cy (missing there) and codes Bo otherwise than in d1
    one_d1 = coded(layer("one", A), {"Ana Diaz": {"gender": "female"},
                                     "Bo Chen": {"gender": "male"},
                                     "Cy Young": {"gender": "male"}})
    two_d1 = coded(layer("two", A), {"Ana Diaz": {"gender": "female"},
                                     "Bo Chen": {"gender": "male"},
                                     "Cy Young": {"gender": "male"}})
    one_d2 = layer("one", A)
    two_d2 = coded(layer("two", A, skip=(2, 5, 8)), {"Ana Diaz": {"gender": "female"},
                                                     "Bo Chen": {"gender": "female"}})
    docs = {"d1": (TEXT, {"one": one_d1, "two": two_d1}),
            "d2": (TEXT, {"one": one_d2, "two": two_d2})}
    report = agreement(docs, ["one", "two"]).to_dict()
    d2 = report["per_document"]["d2"]["alpha"]["speaker_gender"]
    # d2: Ana (f, f), Bo (m from d1, f), Cy (m from d1, missing)
    assert (d2["units"], d2["single_coded"]) == (2, 1)
    overall = report["overall"]["alpha"]["speaker_gender"]
    expected = krippendorff.alpha(reliability_data=np.array(
        [[0, 1, 1, 0, 1, 1], [0, 1, 1, 0, 0, np.nan]], dtype=float),
        level_of_measurement="nominal")
    assert overall == {"units": 5, "single_coded": 1, "alpha": round(float(expected), 4)}
    # a stream has no corpus to read across unless given one: each document's own values
    alone = agreement(((d, text, ls) for d, (text, ls) in docs.items()), ["one", "two"])
    assert alone.overall["alpha"]["speaker_gender"]["units"] == 3


def test_too_few_speakers_coded_by_two_layers_is_said() -> None:
    one = coded(layer("one", A), {"Ana Diaz": {"gender": "female"}})
    two = coded(layer("two", A), {"Bo Chen": {"gender": "male"}})
    report = agreement({"d": (TEXT, {"one": one, "two": two})}, ["one", "two"])
    assert report.overall["alpha"]["speaker_gender"] == {"units": 0, "single_coded": 2,
                                                         "alpha": None}
    [line] = [s for s in summary_lines(report) if "speaker_gender" in s]
    assert line == ("Krippendorff's alpha speaker_gender: n/a (0 speakers of a document two "
                    "layers code, on their gender; 2 in one layer only, left out): too few "
                    "units, none that two layers code")
    same = coded(layer("two", A), {"Ana Diaz": {"gender": "female"}})
    report = agreement({"d": (TEXT, {"one": one, "two": same})}, ["one", "two"])
    [line] = [s for s in summary_lines(report) if "speaker_gender" in s]
    assert line.endswith("(1 speakers of a document two layers code, on their gender): "
                         "undefined, one and the same value throughout")


def test_a_pass_sent_back_from_a_worker_leaves_the_corpus_codes_behind() -> None:
    import pickle

    from annotations.agreement import AgreementPass
    from annotations.registry import CorpusCodes

    one = coded(layer("one", A), {"Ana Diaz": {"gender": "female"}})
    codes = {"one": CorpusCodes(), "two": CorpusCodes()}
    codes["two"].add("ana diaz", [("gender", "male")])
    part = AgreementPass(["one", "two"], codes=codes)
    part.add(TEXT, {"one": one, "two": layer("two", A)})
    back = pickle.loads(pickle.dumps(part))
    assert back.codes == {}
    whole = AgreementPass(["one", "two"], codes=codes)
    whole.merge(back)
    assert whole.overall() == part.overall()
    assert whole.overall()["alpha"]["speaker_gender"]["units"] == 1  # two's value from codes


def test_a_person_coded_two_ways_is_a_disagreement_and_one_left_uncoded_is_not() -> None:
    from annotations.agreement import AgreementPass, Disagreement

    one = coded(layer("one", A), {"Ana Diaz": {"gender": "female"}, "Bo Chen": {"gender": "male"}})
    two = coded(layer("two", A), {"Ana Diaz": {"gender": "male"}})  # Bo: not coded
    three = coded(layer("three", A, skip=(0, 3, 6, 9)), {"Bo Chen": {"gender": "female"}})
    found: list[Disagreement] = []
    AgreementPass(["one", "two", "three"]).add(TEXT, {"one": one, "two": two, "three": three},
                                               found)
    people = [d for d in found if d.speakers]
    assert [(d.kinds, d.start) for d in people] == [
        (("speaker gender",), quote_span(0)[0]), (("speaker gender",), quote_span(1)[0])]
    ana, bo = people
    assert {n: c and c.values.get("gender") for n, c in ana.speakers.items()} == {
        "one": "female", "two": "male", "three": None}  # three does not name Ana here
    assert {n: c.values.get("gender") for n, c in bo.speakers.items() if c} == {
        "one": "male", "two": None, "three": "female"}
    assert ana.quotes == {} and ana.speakers["one"].name == "Ana Diaz"
    agreeing = coded(layer("two", A), {"Ana Diaz": {"gender": "female"}})
    found.clear()
    AgreementPass(["one", "two"]).add(TEXT, {"one": one, "two": agreeing}, found)
    assert not [d for d in found if d.speakers]  # Bo uncoded in two: missing, no disagreement


# --------------------------------------------------------------------------- quote variables
def topics(base: Layer, values: dict[int, str], name: str = "topic") -> Layer:
    """``base`` with quote i coded ``values[i]`` for variable ``name`` (the others uncoded)."""
    quotes = {qid: replace(q, codes=((name, values[int(qid[len(base.name):])]),))
              if int(qid[len(base.name):]) in values else q
              for qid, q in base.quotes.items() if qid[len(base.name):].isdigit()}
    return replace(base, quotes=quotes)


def test_quote_variable_alpha_is_nominal_alpha_over_the_quote_clusters_two_layers_code() -> None:
    from annotations.codebook import define

    topic = define("topic", ["crime", "economy", "health"])
    # quote 4 missing in two; quote 5 uncoded in one; quote 9 coded by neither (no unit)
    one = topics(layer("one", A), {0: "crime", 1: "crime", 2: "economy", 3: "health",
                                   4: "crime", 6: "economy", 7: "crime", 8: "health"})
    two = topics(layer("two", A, skip=(4,)), {0: "crime", 1: "economy", 2: "economy",
                                              3: "health", 5: "crime", 6: "economy",
                                              7: "health", 8: "health"})
    report = agreement({"d": (TEXT, {"one": one, "two": two})}, ["one", "two"],
                       variables=(topic,)).to_dict()
    alpha = report["overall"]["alpha"]
    c, e, h, nan = 0, 1, 2, np.nan
    expected = krippendorff.alpha(reliability_data=np.array(
        [[c, c, e, h, c, nan, e, c, h], [c, e, e, h, nan, c, e, h, h]], dtype=float),
        level_of_measurement="nominal")
    assert alpha["code_topic"] == {"units": 7, "single_coded": 2,
                                   "alpha": round(float(expected), 4)}
    assert list(alpha) == ["stance", "type", "speaker", "speaker_gender", "code_topic", "words"]
    assert report["per_document"]["d"]["alpha"]["code_topic"] == alpha["code_topic"]
    [line] = [s for s in summary_lines(agreement(
        {"d": (TEXT, {"one": one, "two": two})}, ["one", "two"], variables=(topic,)))
        if "code_topic" in s]
    assert line == (f"Krippendorff's alpha code_topic: {float(expected):.3f} (7 matched "
                    "quotes, on their topic; 2 in one layer only, left out)")
    # no variable asked for, none reported (a project codes none by default)
    plain = agreement({"d": (TEXT, {"one": one, "two": two})}, ["one", "two"]).to_dict()
    assert "code_topic" not in plain["overall"]["alpha"]


def test_too_few_quotes_coded_by_two_layers_is_said_for_a_quote_variable() -> None:
    from annotations.codebook import define

    topic = define("topic", ["crime", "economy"])
    one = topics(layer("one", A), {0: "crime"})
    two = topics(layer("two", A), {1: "economy"})
    report = agreement({"d": (TEXT, {"one": one, "two": two})}, ["one", "two"],
                       variables=(topic,))
    assert report.overall["alpha"]["code_topic"] == {"units": 0, "single_coded": 2,
                                                     "alpha": None}
    [line] = [s for s in summary_lines(report) if "code_topic" in s]
    assert line == ("Krippendorff's alpha code_topic: n/a (0 matched quotes, on their topic; "
                    "2 in one layer only, left out): too few units, none that two layers code")


def test_a_quote_coded_two_ways_is_a_disagreement_and_one_left_uncoded_is_not() -> None:
    from annotations.agreement import AgreementPass, Disagreement
    from annotations.codebook import define

    topic, kind = define("topic", ["crime", "economy"]), define("type", ["claim", "fact"])
    one = topics(layer("one", A), {0: "crime", 1: "crime"})
    one = replace(one, quotes={**one.quotes, "one2": replace(one.quotes["one2"],
                                                             codes=(("type", "claim"),))})
    two = topics(layer("two", A), {0: "economy"})  # quote 1: uncoded, no disagreement
    two = replace(two, quotes={**two.quotes, "two2": replace(two.quotes["two2"],
                                                             codes=(("type", "fact"),))})
    found: list[Disagreement] = []
    AgreementPass(["one", "two"], variables=(topic, kind)).add(
        TEXT, {"one": one, "two": two}, found)
    # a variable named as a quote field reads apart from the quote's own type
    assert [(d.kinds, d.start) for d in found] == [
        (("topic",), quote_span(0)[0]), (("code type",), quote_span(2)[0])]
    found.clear()
    AgreementPass(["one", "two"]).add(TEXT, {"one": one, "two": two}, found)
    assert found == []  # variables the project does not code are not compared


def test_quotes_both_layers_have_without_a_stance_are_not_called_single_coded() -> None:
    # two coders match on every quote and neither codes a stance: the stance alpha has no
    # unit, and no quote is "in one layer only" (the summary said 10 were)
    stances: list[str | None] = [None] * 10
    docs = {"d": (TEXT, {"one": layer("one", stances), "two": layer("two", stances)})}
    stance = agreement(docs, ["one", "two"]).to_dict()["overall"]["alpha"]["stance"]
    assert (stance["units"], stance["single_coded"]) == (0, 0)
    lines = summary_lines(agreement(docs, ["one", "two"]))
    assert not any("in one layer only" in line for line in lines if "stance" in line)
