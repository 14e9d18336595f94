"""``saywho stance-eval --variable NAME``: the simulation of coding a quote variable, on an
interchange JSONL file whose quotes carry ``codes``; a project's own export reads back."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from annotations.stance.simulate import code_eval_items
from tui.cli import main

TOPICS = {
    "economy": ["taxes", "wages", "jobs", "budget", "prices", "growth"],
    "crime": ["police", "arrests", "robbery", "prison", "gangs", "theft"],
    "health": ["hospital", "doctors", "nurses", "vaccine", "patients", "clinics"],
}
FILLER = ["the", "city", "must", "act", "now", "because", "people", "wait"]


def write_export(path: Path, docs: int = 30, *, topics: tuple[str, ...] = tuple(TOPICS)) -> Path:
    rng = random.Random(0)
    lines = []
    for d in range(docs):
        text, quotes = "", []
        for k in range(3):
            topic = topics[(d + k) % len(topics)]
            said = " ".join(rng.sample(TOPICS[topic], 2) + rng.sample(FILLER, 4))
            start = len(text) + 1
            text += f'"{said}," said Ann Lee. '
            quote = {"id": f"q{k}", "start": start, "end": start + len(said), "text": said,
                     "type": "direct", "speaker_name": "Ann Lee"}
            if k < 2:  # the third quote of each document is not coded: not gold
                quote["codes"] = {"topic": topic}
            quotes.append(quote)
        lines.append(json.dumps({"id": f"d{d}", "title": f"D{d}", "text": text,
                                 "quotes": quotes}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_coded_quotes_are_the_gold(tmp_path: Path) -> None:
    gold = code_eval_items(write_export(tmp_path / "x.jsonl"), "topic")
    assert len(gold) == 60
    assert {g.label for g in gold} == set(TOPICS)
    assert gold[0].item.id == "d0/q0" and gold[0].item.document == "d0"


def test_json_scores_macro_f1_against_the_majority_value(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_export(tmp_path / "x.jsonl")
    assert main(["stance-eval", str(path), "--variable", "topic", "--labels", "10,30",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["variable"] == "topic" and data["n_items"] == 60
    assert set(data["labels"]) == {"10", "30"}
    assert data["labels"]["30"]["macro_f1"] > data["majority"]["macro_f1"] + 0.3
    assert "f1avg" not in json.dumps(data)  # a stance score: not for a variable


def test_a_file_with_one_value_is_one_line_exit_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_export(tmp_path / "x.jsonl", topics=("crime",))
    assert main(["stance-eval", str(path), "--variable", "topic"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "at least two different values" in err


def test_a_projects_export_reads_back(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from annotations.edits import SetQuoteCode
    from annotations.session import Session

    folder = tmp_path / "proj"
    assert main(["--project", str(folder), "--annotator", "ann", "import",
                 str(write_export(tmp_path / "in.jsonl", 4))]) == 0
    with Session.open(folder, "ann") as session:
        session.define_attribute("topic", list(TOPICS), quote=True)
        doc = session.document_ids()[0]
        quotes = session.layer(doc).sorted_quotes()
        session.apply(SetQuoteCode(doc, quotes[0].id, "topic", "crime"))
        session.apply(SetQuoteCode(doc, quotes[1].id, "topic", "health"))
    out = tmp_path / "out.jsonl"
    assert main(["--project", str(folder), "--annotator", "ann", "export", "--format",
                 "jsonl", "--out", str(out)]) == 0
    gold = code_eval_items(out, "topic")
    assert sorted(g.label for g in gold) == ["crime", "health"]
    # the quote's text, then its sentence (where a short quote's topic often is)
    assert {g.item.text.split("\n")[0] for g in gold} == {quotes[0].text, quotes[1].text}
    assert all("said" in g.item.text.split("\n")[1] for g in gold)
