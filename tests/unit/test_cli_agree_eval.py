"""``saywho agree`` and ``saywho eval`` on layers built from interchange files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from annotations.store import Project
from tests.conftest import REPO
from tui.cli import main

SCORE_PY = REPO.parent / "shared" / "eval" / "score.py"
TEXT = (
    'Ann Lee said "the plan works well." Bob Ray said "it fails badly." '
    'Cy Dee said "nobody knows yet." Di Fox said "we should wait."'
)


def quote(text: str, words: str, speaker: str, stance: str | None) -> dict:
    s = text.index(words)
    return {
        "start": s,
        "end": s + len(words),
        "type": "direct",
        "speaker": speaker,
        "speaker_name": speaker,
        "stance": stance,
        "status": "accepted",
    }


def layer_file(tmp: Path, name: str, stances: list[str | None]) -> Path:
    spans = [
        ("the plan works well.", "Ann Lee"),
        ("it fails badly.", "Bob Ray"),
        ("nobody knows yet.", "Cy Dee"),
        ("we should wait.", "Di Fox"),
    ]
    quotes = [quote(TEXT, w, spk, st) for (w, spk), st in zip(spans, stances, strict=True)]
    path = tmp / f"{name}.jsonl"
    path.write_text(json.dumps({"id": "doc", "title": "t", "text": TEXT, "quotes": quotes}) + "\n")
    return path


def test_agree_matches_krippendorff_and_hand_kappa(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = str(tmp_path / "p")
    a = ["support", "oppose", "neutral", "oppose"]
    b = ["support", "oppose", "oppose", "oppose"]
    assert (
        main(["import", str(layer_file(tmp_path, "ana", a)), "--layer", "ana", "--project", proj])
        == 0
    )
    assert (
        main(["import", str(layer_file(tmp_path, "ben", b)), "--layer", "ben", "--project", proj])
        == 0
    )
    capsys.readouterr()
    assert main(["agree", "--layers", "ana", "ben", "--json", "--project", proj]) == 0
    report = json.loads(capsys.readouterr().out)
    codes = {"support": 0, "oppose": 1, "neutral": 2}
    expected_alpha = krippendorff.alpha(
        reliability_data=np.array([[codes[x] for x in a], [codes[x] for x in b]], dtype=float),
        level_of_measurement="nominal",
    )
    alpha = report["overall"]["alpha"]["stance"]["alpha"]
    assert alpha == pytest.approx(expected_alpha, abs=1e-3)
    # kappa by hand: po = 3/4; pe = (1*1 + 2*3 + 1*0)/16 = 7/16; kappa = (12/16-7/16)/(9/16) = 5/9
    pair = report["overall"]["pairs"][0]
    assert pair["stance_kappa"]["kappa"] == pytest.approx(5 / 9, abs=1e-3)


def test_agree_refuses_unknown_layer(tmp_path: Path) -> None:
    proj = str(tmp_path / "p")
    main(
        [
            "import",
            str(layer_file(tmp_path, "ana", [None] * 4)),
            "--layer",
            "ana",
            "--project",
            proj,
        ]
    )
    assert main(["agree", "--layers", "ana", "zed", "--project", proj]) == 1


@pytest.mark.skipif(not SCORE_PY.exists(), reason="../shared/eval/score.py is absent")
def test_eval_matches_score_py(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = str(tmp_path / "p")
    gold = layer_file(tmp_path, "gold", ["support", None, None, "oppose"])
    assert main(["import", str(gold), "--layer", "gold", "--project", proj]) == 0
    capsys.readouterr()
    assert main(["eval", "--gold", str(gold), "--layer", "gold", "--json", "--project", proj]) == 0
    perfect = json.loads(capsys.readouterr().out)
    assert perfect["span_exact"]["F1"] == 100.0
    assert main(["eval", "--gold", str(gold), "--json", "--project", proj]) == 0
    ours = json.loads(capsys.readouterr().out)
    pred = tmp_path / "pred.jsonl"
    assert (
        main(
            [
                "export",
                "--format",
                "jsonl",
                "--layer",
                "suggestions",
                "--out",
                str(pred),
                "--project",
                proj,
            ]
        )
        == 0
    )
    theirs = json.loads(
        subprocess.run(
            [sys.executable, str(SCORE_PY), str(gold), str(pred), "--json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    for key in ("span_exact", "span_overlap50", "end_to_end_overlap50_plus_speaker"):
        assert ours[key] == theirs[key]


@pytest.mark.parametrize(
    ("quotes", "needle"),
    [
        ([{"start": "z", "end": 1, "type": "direct"}], "whole-number"),
        ("nope", "must be a list"),
        ([{"start": 0, "end": 1}], 'needs a "type"'),
        ([{"start": 0, "end": 99, "type": "direct"}], "outside"),
        ([{"start": 0, "end": 1, "type": "direct", "speaker": 5}], '"speaker" must be'),
    ],
)
def test_eval_bad_gold_quotes_are_one_plain_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], quotes: object, needle: str
) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "zz", "text": "x y", "quotes": quotes}) + "\n")
    project = tmp_path / "p"
    Project.open(project, "ann").close()
    assert main(["eval", "--gold", str(gold), "--project", str(project)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "line 1" in err[0] and needle in err[0]


def test_agree_names_a_damaged_document_it_leaves_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotations.edits import AcceptQuote
    from tests.conftest import make_project

    folder = tmp_path / "p"
    with make_project(folder, n_docs=2) as proj:
        for doc in ("d0", "d1"):
            proj.apply(AcceptQuote(doc, quote_id="q1", layer="ana"))
            proj.apply(AcceptQuote(doc, quote_id="q2", layer="ben"))
    (folder / "annotations" / "d1" / "ana.json").write_bytes(b"[")
    assert main(["agree", "--layers", "ana", "ben", "--json", "--project", str(folder)]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)
    assert "skipped: document 'd1' is damaged" in captured.err


def test_the_disagreements_are_written_one_row_a_place_in_corpus_order(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv

    folder = tmp_path / "p"
    lines: dict[str, list[dict]] = {"ana": [], "ben": []}
    for n in range(6):  # document n: ana and ben differ in stance on the first quote only
        for name, stance in (("ana", "support"), ("ben", "oppose" if n % 2 else "support")):
            quotes = [quote(TEXT, "the plan works well.", "Ann Lee", stance),
                      quote(TEXT, "it fails badly.", "Bob Ray" if name == "ana" else "Cy Dee",
                            None)]
            if name == "ben" and n == 4:
                quotes.append(quote(TEXT, "we should wait.", "Di Fox", None))
            lines[name].append({"id": f"d{n}", "text": TEXT, "quotes": quotes})
    for name, docs in lines.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in docs))
        assert main(["import", str(path), "--layer", name, "--project", str(folder)]) == 0
    tables = []
    for jobs in ("1", "2"):
        out = tmp_path / f"dis{jobs}.csv"
        assert main(["agree", "--layers", "ana", "ben", "--disagreements", str(out), "--jobs",
                     jobs, "--project", str(folder)]) == 0
        with out.open(newline="", encoding="utf-8") as fh:
            tables.append(list(csv.DictReader(fh)))
    assert tables[0] == tables[1]  # worker processes write the same rows, in the same order
    rows = tables[0]
    assert [(r["document"], r["disagreement"]) for r in rows] == [
        ("d0", "speaker"), ("d1", "stance"), ("d1", "speaker"), ("d2", "speaker"),
        ("d3", "stance"), ("d3", "speaker"), ("d4", "speaker"), ("d4", "missing"),
        ("d5", "stance"), ("d5", "speaker")]
    first = rows[1]
    assert (first["ana_stance"], first["ben_stance"], first["text"]) == (
        "support", "oppose", "the plan works well.")
    missing = rows[7]
    assert missing["ana_quote"] == "" and missing["ben_speaker"] == "Di Fox"
    assert missing["compared"] == "ana;ben"
    assert TEXT[int(missing["start"]) : int(missing["end"])] == "we should wait."
    inside = main(["agree", "--layers", "ana", "ben", "--disagreements",
                   str(folder / "x.csv"), "--project", str(folder)])
    assert inside == 1 and not (folder / "x.csv").exists()
    capsys.readouterr()
    a_folder = main(["agree", "--layers", "ana", "ben", "--disagreements", str(tmp_path),
                     "--project", str(folder)])
    said = capsys.readouterr()
    assert "is a folder" in said.err and "written" not in said.err and said.out == ""
    twice = main(["agree", "--layers", "ana", "ana", "--project", str(folder)])
    assert a_folder == 1 and twice == 1


def test_a_surname_against_the_full_name_is_listed_as_the_speaker_alpha_counts_apart() -> None:
    from annotations.agreement import AgreementPass
    from annotations.formats.interchange import layer_from_interchange

    layers = {
        name: layer_from_interchange(
            {"id": "d", "quotes": [quote(TEXT, "the plan works well.", who, None)]}, TEXT,
            name=name)
        for name, who in (("ana", "Linda Park"), ("ben", "Park"))}
    found: list = []
    entry = AgreementPass(["ana", "ben"]).add(TEXT, layers, found)
    assert entry["pairs"][0]["speaker"]["pct"] == 100.0  # the same person, by the last word
    assert [d.kinds for d in found] == [("speaker",)]  # a naming difference alpha counts
    shorter = {"id": "d", "quotes": [quote(TEXT, "the plan works", "Linda Park", None)]}
    layers["cy"] = layer_from_interchange(shorter, TEXT, name="cy")
    layers["di"] = layer_from_interchange({"id": "d", "quotes": []}, TEXT, name="di")
    found.clear()
    AgreementPass(["ana", "ben", "cy", "di"]).add(TEXT, layers, found)
    assert [d.kinds for d in found] == [("missing", "span", "speaker")]  # di lacks it too


def coded_line(doc_id: str, codes: dict[str, dict[str, str]]) -> dict:
    """A document of TEXT with its four quotes, the speakers coded as ``codes`` says."""
    spans = [("the plan works well.", "Ann Lee"), ("it fails badly.", "Bob Ray"),
             ("nobody knows yet.", "Cy Dee"), ("we should wait.", "Di Fox")]
    speakers = [{"id": name.split()[0].lower(), "name": name, "kind": "person",
                 "aliases": [], "mentions": [], "attributes": codes.get(name, {})}
                for _, name in spans]
    quotes = [{**quote(TEXT, w, name, None), "speaker": None, "speaker_name": None,
               "speaker_id": name.split()[0].lower()} for w, name in spans]
    return {"id": doc_id, "text": TEXT, "quotes": quotes, "speakers": speakers}


def test_agree_gives_an_alpha_per_speaker_attribute_of_the_project(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = str(tmp_path / "p")
    f, m = {"gender": "female"}, {"gender": "male"}
    docs = {  # d2 is ana's alone: her coding of Bob Ray there fills d1, where she left him
        "ana": [coded_line("d1", {"Ann Lee": {**f, "role": "expert"}, "Cy Dee": m,
                                  "Di Fox": m}),
                coded_line("d2", {"Bob Ray": m})],
        "ben": [coded_line("d1", {"Ann Lee": {**f, "role": "citizen"}, "Bob Ray": m,
                                  "Cy Dee": f, "Di Fox": m})],
    }
    for name, lines in docs.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in lines))
        assert main(["import", str(path), "--layer", name, "--project", proj]) == 0
    assert main(["attributes", "--set", "role=expert,citizen", "--project", proj]) == 0
    capsys.readouterr()
    assert main(["agree", "--layers", "ana", "ben", "--json", "--project", proj]) == 0
    alpha = json.loads(capsys.readouterr().out)["overall"]["alpha"]
    # gender over Ann (f, f), Bob (m from d2, m), Cy (m, f), Di (m, m)
    gender = krippendorff.alpha(reliability_data=np.array([[0, 1, 1, 1], [0, 1, 0, 1]], float),
                                level_of_measurement="nominal")
    assert alpha["speaker_gender"] == {"units": 4, "single_coded": 0,
                                       "alpha": round(float(gender), 4)}
    assert alpha["speaker_role"] == {"units": 1, "single_coded": 0, "alpha": 0.0}
    assert main(["agree", "--layers", "ana", "ben", "--project", proj]) == 0
    out = " ".join(capsys.readouterr().out.split())  # rich wraps the lines
    assert (f"Krippendorff's alpha speaker_gender: {float(gender):.3f} (4 speakers of a "
            "document two layers code, on their gender)") in out

    rows = disagreement_rows(tmp_path, proj)
    # one row a person coded two ways, at their first quote; Bob Ray (ana's d2 value: male)
    # agrees, and nobody's missing value is a disagreement
    assert [(r["document"], r["disagreement"], r["text"]) for r in rows] == [
        ("d1", "speaker role", "the plan works well."), ("d1", "speaker gender",
                                                          "nobody knows yet.")]
    role, gender = rows
    assert (role["ana_speaker"], role["ana_speaker_role"], role["ben_speaker_role"]) == (
        "Ann Lee", "expert", "citizen")
    assert (gender["ana_speaker_gender"], gender["ben_speaker_gender"]) == ("male", "female")
    assert gender["ana_quote"] == gender["ben_stance"] == "" and gender["compared"] == "ana;ben"
    assert TEXT[int(gender["start"]):int(gender["end"])] == "nobody knows yet."
    assert list(rows[0])[6:12] == ["ana_quote", "ana_speaker", "ana_stance", "ana_type",
                                   "ana_speaker_gender", "ana_speaker_role"]


def disagreement_rows(tmp_path: Path, proj: str) -> list[dict[str, str]]:
    """``agree --layers ana ben --disagreements``'s csv, read back by the csv module."""
    import csv

    table = tmp_path / "dis.csv"
    assert main(["agree", "--layers", "ana", "ben", "--disagreements", str(table),
                 "--project", proj]) == 0
    with table.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_agree_gives_an_alpha_per_quote_variable_of_the_project(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = str(tmp_path / "p")
    topics = {"ana": ["crime", "crime", "health", None], "ben": ["crime", "health", "health",
                                                                  "crime"]}
    for name, values in topics.items():
        line = coded_line("d1", {})
        for q, value in zip(line["quotes"], values, strict=True):
            q["codes"] = {"topic": value} if value else {}
        path = tmp_path / f"{name}.jsonl"
        path.write_text(json.dumps(line) + "\n")
        assert main(["import", str(path), "--layer", name, "--project", proj]) == 0
    capsys.readouterr()
    assert main(["agree", "--layers", "ana", "ben", "--json", "--project", proj]) == 0
    assert "code_topic" not in json.loads(capsys.readouterr().out)["overall"]["alpha"]
    assert main(["variables", "--set", "topic=crime,health", "--project", proj]) == 0
    capsys.readouterr()
    assert main(["agree", "--layers", "ana", "ben", "--json", "--project", proj]) == 0
    alpha = json.loads(capsys.readouterr().out)["overall"]["alpha"]
    # the fourth quote, uncoded in ana's layer, is a missing value: one layer only
    topic = krippendorff.alpha(reliability_data=np.array([[0, 0, 1, np.nan], [0, 1, 1, 0]],
                                                         float), level_of_measurement="nominal")
    assert alpha["code_topic"] == {"units": 3, "single_coded": 1,
                                   "alpha": round(float(topic), 4)}
    assert main(["agree", "--layers", "ana", "ben", "--project", proj]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (f"Krippendorff's alpha code_topic: {float(topic):.3f} (3 matched quotes, on their "
            "topic; 1 in one layer only, left out)") in out

    rows = disagreement_rows(tmp_path, proj)
    # the second quote is coded two ways; the fourth, which ana leaves uncoded, is no
    # disagreement (a missing value, as alpha counts it)
    assert [(r["disagreement"], r["text"]) for r in rows] == [("topic", "it fails badly.")]
    [row] = rows
    assert (row["ana_code_topic"], row["ben_code_topic"]) == ("crime", "health")
    assert row["ana_quote"] == "it fails badly." and row["compared"] == "ana;ben"
    assert list(row)[6:12] == ["ana_quote", "ana_speaker", "ana_stance", "ana_type",
                               "ana_speaker_gender", "ana_code_topic"]
    assert list(row)[-1] == "ben_code_topic"
