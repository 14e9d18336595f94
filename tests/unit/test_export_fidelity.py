"""Export fidelity, tested the way the exports were found wanting: a real project built with
``Session``, exported through the CLI, and the files read back with independent readers (the
json and csv modules, hand-written brat and WebAnno line parsers).

(a) ``--layer X`` never writes a document without layer X, says how many it left out, and
``--include-missing suggestions`` fills them visibly as the detector's; (b) Label Studio puts
accepted work under ``annotations`` and the detector's suggestions under ``predictions`` with
the detector's ``model_version`` and the TUI's confidence, reads both back (and JSON-MIN), and
keeps notes and canonical speaker names; (c) CSV has a note column and the stance target;
(d) the stance target is in every format that has a place for it; one confidence rule.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotations.edits import AcceptQuote, RejectQuote, SetNote
from annotations.errors import InputError
from annotations.formats import interchange
from annotations.formats.labelstudio import read_labelstudio
from annotations.model import Document, Layer, Mention, Quote, confidence_of
from annotations.session import Session
from tests.conftest import ARTICLE, fixed_detect, sample_layer
from tui.cli import main

TARGET = 'sanctuary-city policies | "ICE" detainers; 2026'
DETECTOR = "test@1"  # the origin fixed_detect records on its suggestions
DOCS = ("d0", "d1", "d2", "d3")
GOLD_DOCS = ("d0", "d1")


def gold_layer() -> Layer:
    """Alice's gold layer: the two quotes accepted, plus an indirect quote whose speaker is
    named only by a pronoun ("She" -> Jane Roe)."""
    base = sample_layer()
    quotes = {k: replace(q, status="accepted", origin="alice") for k, q in base.quotes.items()}
    s = ARTICLE.index("the council would vote again")
    e = s + len("the council would vote again")
    she = ARTICLE.index("She added")
    quotes["g3"] = Quote("g3", s, e, ARTICLE[s:e], "indirect", speaker_id="s1",
                         speaker_mention=Mention(she, she + 3, "She"), status="accepted",
                         origin="alice", note="pronoun speaker")
    return Layer("gold", quotes, base.speakers).check(ARTICLE)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[str]:
    """Four copies of ARTICLE with fixed suggestions; gold on d0 and d1 only; annotator ann
    accepted q1 and noted it on d0, rejected q2 on d2, never touched d1 or d3."""
    folder = tmp_path / "proj"
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        session.import_documents(Document(d, f"Doc {d}", ARTICLE) for d in DOCS)
        session.set_target(TARGET)
        for doc_id in GOLD_DOCS:
            session.put_layer(doc_id, gold_layer())
        session.apply(AcceptQuote("d0", "q1"))
        session.apply(SetNote("d0", "q1", "checked twice, “twice”"))
        session.apply(RejectQuote("d2", "q2"))
    yield str(folder)


def export(capsys: pytest.CaptureFixture[str], project: str, fmt: str, out: Path,
           *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["export", "--format", fmt, "--out", str(out), "--project", project,
                 "--annotator", "ann", *extra])
    return code, capsys.readouterr().err


def session_layer(project: str, doc_id: str, name: str) -> Layer:
    with Session.open(project, "ann", read_only=True, create=False) as session:
        return session.layer(doc_id, name)


def jsonl_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def documents_in(fmt: str, out: Path) -> set[str]:
    """The document ids an export holds, read back independently of saywho."""
    if fmt == "jsonl":
        return {line["id"] for line in jsonl_lines(out)}
    if fmt == "csv":
        return {row["document"] for row in csv_rows(out)}
    if fmt == "labelstudio":
        return {task["data"]["doc_id"] for task in json.loads(out.read_text("utf-8"))}
    if fmt == "brat":
        lines = (out / "saywho-ids.tsv").read_text("utf-8").splitlines()[1:]
        return {json.loads(line.split("\t")[1]) for line in lines}
    assert fmt == "webanno"
    return {p.stem for p in out.glob("*.tsv")}


# --- (a) a document without the layer is left out, and counted ----------------------------

@pytest.mark.parametrize("fmt", ["jsonl", "csv", "labelstudio", "brat", "webanno"])
def test_export_layer_never_writes_a_document_without_it(
    fmt: str, project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / ("out" if fmt in ("brat", "webanno") else f"out.{fmt}")
    code, err = export(capsys, project, fmt, out, "--layer", "gold")
    assert code == 0, err
    assert documents_in(fmt, out) == set(GOLD_DOCS)
    assert "exported 2 documents" in err
    assert "2 documents have no layer gold (d2, d3): left out" in err
    assert "Traceback" not in err


def test_include_missing_fills_from_the_suggestions_as_the_detectors(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gold.jsonl"
    code, err = export(capsys, project, "jsonl", out, "--layer", "gold",
                       "--include-missing", "suggestions")
    assert code == 0, err
    assert "exported 4 documents" in err
    assert "2 documents have no layer gold (d2, d3): exported from the suggestions" in err
    by_id = {line["id"]: line for line in jsonl_lines(out)}
    assert set(by_id) == set(DOCS)
    for doc_id in GOLD_DOCS:
        assert by_id[doc_id]["layer"] == "gold"
        assert {q["annotator"] for q in by_id[doc_id]["quotes"]} == {"gold"}
        assert {q["origin"] for q in by_id[doc_id]["quotes"]} == {"alice"}
    for doc_id in ("d2", "d3"):
        line = by_id[doc_id]
        assert line["layer"] == "suggestions"
        assert line["quotes"] and all(
            q["annotator"] == DETECTOR and q["origin"] == DETECTOR and q["status"] == "suggested"
            for q in line["quotes"]
        )
    # the same in CSV: the filled rows name the detector, never "gold"
    out_csv = tmp_path / "gold.csv"
    assert export(capsys, project, "csv", out_csv, "--layer", "gold",
                  "--include-missing", "suggestions")[0] == 0
    for row in csv_rows(out_csv):
        want = "gold" if row["document"] in GOLD_DOCS else DETECTOR
        assert row["annotator"] == want, row


def test_default_export_is_the_annotators_layer_on_every_document(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Your own layer starts as the suggestions on every document (README): the default export
    holds every document, and what you have not decided on is credited to the detector."""
    out = tmp_path / "mine.csv"
    code, err = export(capsys, project, "csv", out)
    assert code == 0, err
    rows = csv_rows(out)
    assert {r["document"] for r in rows} == {"d0", "d1", "d2", "d3"}
    assert "no layer" not in err
    who = {(r["document"], r["quote_id"]): (r["status"], r["annotator"]) for r in rows}
    assert who[("d0", "q1")] == ("accepted", "ann")
    assert who[("d0", "q2")] == ("suggested", DETECTOR)
    assert who[("d1", "q1")] == ("suggested", DETECTOR)
    assert who[("d2", "q2")] == ("rejected", "ann")


def test_an_empty_export_is_written_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "p"
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        session.import_documents([Document("only", "T", ARTICLE)])
    out = tmp_path / "o.jsonl"
    code, err = export(capsys, str(folder), "jsonl", out, "--layer", "ann")
    assert code == 0 and out.exists() and out.read_text() == ""
    assert "1 document has no layer ann (only)" in err


# --- (b) Label Studio: annotations for reviewed work, predictions for suggestions ---------

def ls_tasks(path: Path) -> dict[str, dict[str, Any]]:
    return {t["data"]["doc_id"]: t for t in json.loads(path.read_text("utf-8"))}


def quote_regions(result: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in result
            if r["type"] == "labels" and r["value"]["labels"] == ["Quote"]}


def per_region(result: list[dict[str, Any]], rid: str, name: str) -> Any:
    [item] = [r for r in result if r.get("id") == rid and r.get("from_name") == name]
    return item["value"]["choices" if item["type"] == "choices" else "text"]


def test_labelstudio_annotations_hold_reviewed_work_predictions_the_detectors(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ls.json"
    code, err = export(capsys, project, "labelstudio", out, "--layer", "ann")
    assert code == 0, err
    tasks = ls_tasks(out)
    assert set(tasks) == {"d0", "d2"}
    mine = session_layer(project, "d0", "ann")
    d0 = tasks["d0"]
    [annotation] = d0["annotations"]
    # Label Studio refuses a whole import naming a person it does not know ("Unknown
    # annotator's email"): the annotation names nobody, the saywho field keeps who made it
    assert "completed_by" not in annotation
    assert d0["data"]["saywho"]["annotator"] == "ann"
    assert annotation["was_cancelled"] is False
    accepted = quote_regions(annotation["result"])
    assert set(accepted) == {"q1"}
    assert per_region(annotation["result"], "q1", "status") == ["accepted"]
    assert per_region(annotation["result"], "q1", "note") == ["checked twice, “twice”"]
    assert per_region(annotation["result"], "q1", "speaker_name") == ["Jane Roe"]
    [prediction] = d0["predictions"]
    assert prediction["model_version"] == DETECTOR
    predicted = quote_regions(prediction["result"])
    assert set(predicted) == {"q2"}
    tui = confidence_of(mine.quotes["q2"])
    assert tui is not None and predicted["q2"]["score"] == tui
    assert prediction["score"] == tui
    assert per_region(prediction["result"], "q2", "status") == ["suggested"]
    # d2: ann rejected q2; that is reviewed work (an annotation, empty of quotes), and the
    # rejected suggestion stays with what proposed it, marked rejected
    d2 = tasks["d2"]
    [annotation2] = d2["annotations"]
    assert quote_regions(annotation2["result"]) == {}
    [prediction2] = d2["predictions"]
    assert prediction2["model_version"] == DETECTOR
    assert set(quote_regions(prediction2["result"])) == {"q1", "q2"}
    assert per_region(prediction2["result"], "q2", "status") == ["rejected"]
    for task in tasks.values():
        assert task["data"]["stance_target"] == TARGET
        for result in [a["result"] for a in task["annotations"]] + [
                p["result"] for p in task["predictions"]]:
            for r in result:
                if r["type"] == "labels":
                    v = r["value"]
                    assert ARTICLE[v["start"]:v["end"]] == v["text"]


def test_labelstudio_reads_back_notes_names_statuses_and_origins(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gold.json"
    assert export(capsys, project, "labelstudio", out, "--layer", "gold")[0] == 0
    back = {doc_id: (text, layer) for doc_id, text, layer in read_labelstudio(out, layer="g")}
    assert set(back) == set(GOLD_DOCS)
    text, layer = back["d0"]
    assert text == ARTICLE
    gold = gold_layer()
    for qid, want in gold.quotes.items():
        got = layer.quotes[qid]
        assert (got.start, got.end, got.type, got.status, got.note, got.origin) == (
            want.start, want.end, want.type, "accepted", want.note, "gold")
        assert layer.speaker_name(got) == gold.speaker_name(want)
        assert got.speaker_mention == want.speaker_mention
    # the canonical name survives a pronoun mention
    assert layer.quotes["g3"].speaker_mention.text == "She"  # type: ignore[union-attr]
    assert layer.speaker_name(layer.quotes["g3"]) == "Jane Roe"
    jane = next(s for s in layer.speakers.values() if s.name == "Jane Roe")
    assert {m.text for m in jane.mentions} == {"Jane Roe", "She"} and jane.kind == "person"


def test_labelstudio_reads_annotations_and_predictions_together(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ls.json"
    assert export(capsys, project, "labelstudio", out)[0] == 0
    back = {doc_id: layer for doc_id, _, layer in read_labelstudio(out, layer="ann")}
    for doc_id in ("d0", "d2"):
        mine = session_layer(project, doc_id, "ann")
        got = back[doc_id]
        assert set(got.quotes) == set(mine.quotes)
        for qid, want in mine.quotes.items():
            q = got.quotes[qid]
            assert (q.start, q.end, q.status, q.note) == (want.start, want.end, want.status,
                                                          want.note)
            assert got.speaker_name(q) == mine.speaker_name(want)
            if want.status == "suggested":  # the detector's, with the TUI's confidence
                assert q.origin == DETECTOR
                assert confidence_of(q) == confidence_of(want)
            if want.status == "accepted":
                assert q.origin == "ann"


@pytest.mark.parametrize(("completed_by", "origin"), [
    (1, "ann"),  # Label Studio's own export once imported: the importer's user number
    ({"id": 2, "email": "li@example.org"}, "li@example.org"),  # a person Label Studio names
    (None, "ann"),
])
def test_labelstudio_credits_the_annotator_the_saywho_field_records(
    tmp_path: Path, completed_by: object, origin: str
) -> None:
    text = 'Bo said "go now" and left.'
    s = text.index("go now")
    region = {"id": "a1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": s, "end": s + 6, "text": "go now", "labels": ["Quote"]}}
    task = {"data": {"text": text, "doc_id": "d", "saywho": {"annotator": "ann"}},
            "annotations": [{"completed_by": completed_by, "result": [region]}]}
    (tmp_path / "t.json").write_text(json.dumps([task]))
    [(_, _, layer)] = read_labelstudio(tmp_path / "t.json", layer="x")
    [quote] = layer.quotes.values()
    assert (quote.status, quote.origin) == ("accepted", origin)


def test_labelstudio_reads_the_annotations_of_its_own_export_listing_predictions_by_id(
    tmp_path: Path
) -> None:
    """Label Studio's JSON export (1.23) lists a task's predictions by number only."""
    text = 'Bo said "go now" and left.'
    s = text.index("go now")
    region = {"id": "a1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": s, "end": s + 6, "text": "go now", "labels": ["Quote"]}}
    task = {"id": 2, "data": {"text": text, "doc_id": "d", "saywho": {"annotator": "ann"}},
            "annotations": [{"id": 2, "completed_by": 1, "was_cancelled": False,
                             "result": [region], "prediction": {}, "task": 2}],
            "predictions": [2], "drafts": [], "meta": {}, "total_predictions": 1}
    (tmp_path / "t.json").write_text(json.dumps([task]))
    [(doc_id, _, layer)] = read_labelstudio(tmp_path / "t.json", layer="x")
    [quote] = layer.quotes.values()
    assert (doc_id, quote.start, quote.origin) == ("d", s, "ann")


def test_labelstudio_prefers_the_annotation_over_a_prediction_of_the_same_region(
    tmp_path: Path,
) -> None:
    text = 'Bo said "go now" and left.'
    s = text.index("go now")
    region = {"from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": s, "end": s + 6, "text": "go now", "labels": ["Quote"]}}
    task = {
        "id": 4, "data": {"text": text},
        "annotations": [
            {"id": 1, "was_cancelled": True, "completed_by": 9, "result": []},
            {"id": 2, "completed_by": {"id": 3, "email": "li@example.org"},
             "result": [{**region, "id": "a1"}]},
        ],
        "predictions": [{"model_version": "ner-2", "score": 0.3,
                         "result": [{**region, "id": "p1", "score": 0.3},
                                    {**region, "id": "p2", "score": 0.9,
                                     "value": {**region["value"], "start": 0, "end": 2,
                                               "text": "Bo"}}]}],
    }
    (tmp_path / "t.json").write_text(json.dumps([task]))
    [(doc_id, _, layer)] = read_labelstudio(tmp_path / "t.json", layer="x")
    assert doc_id.endswith("task 0")
    quotes = {(q.start, q.end): q for q in layer.quotes.values()}
    assert set(quotes) == {(s, s + 6), (0, 2)}
    kept = quotes[(s, s + 6)]
    assert (kept.id, kept.status, kept.origin) == ("a1", "accepted", "li@example.org")
    extra = quotes[(0, 2)]
    assert (extra.status, extra.origin, confidence_of(extra)) == ("suggested", "ner-2", 0.9)


def json_min(task: dict[str, Any], task_id: int) -> list[dict[str, Any]]:
    """What Label Studio's converter (``Converter.convert_to_json_min`` with
    ``prettify_result``) makes of one task: one flat record per annotation, the data fields at
    the top level, one key per control; choices and text areas with one value become that bare
    value; relations (no ``from_name``) and predictions are dropped."""
    records = []
    for annotation in task.get("annotations", []):
        record = dict(task["data"])
        record["id"] = task_id
        outputs: dict[str, list[dict[str, Any]]] = {}
        for r in annotation["result"]:
            if "from_name" in r:
                outputs.setdefault(r["from_name"], []).append({**r["value"], "type": r["type"]})
        for name, values in outputs.items():
            out = []
            for v in values:
                v = dict(v)
                kind = v.pop("type")
                if kind == "choices" and len(v["choices"]) == 1:
                    out.append(v["choices"][0])
                elif kind == "textarea" and len(v["text"]) == 1:
                    out.append(v["text"][0])
                else:
                    out.append(v)
            single = kind in ("choices", "textarea") and len(out) == 1
            record[name] = out[0] if single else out
        completed = annotation.get("completed_by")  # Label Studio's importer, once imported
        record["annotator"] = completed.get("email") if isinstance(completed, dict) else completed
        record.update(annotation_id=7, created_at="2026-01-02T03:04:05Z",
                      updated_at="2026-01-02T03:04:05Z", lead_time=4.5)
        records.append(record)
    return records


def test_labelstudio_json_min_reads_the_spans_it_keeps(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gold.json"
    assert export(capsys, project, "labelstudio", out, "--layer", "gold")[0] == 0
    tasks = json.loads(out.read_text("utf-8"))
    records = [r for n, task in enumerate(tasks) for r in json_min(task, n + 1)]
    assert records and all("data" not in r and "label" in r for r in records)
    assert records[0]["stance_target"] == TARGET  # a data field: JSON-MIN keeps it
    records.append(dict(records[0]))  # a second annotation of the first task: left out
    (tmp_path / "min.json").write_text(json.dumps(records, ensure_ascii=False))
    back = read_labelstudio(tmp_path / "min.json", layer="m")
    assert [doc_id for doc_id, _, _ in back] == list(GOLD_DOCS)
    gold = gold_layer()
    for _, text, layer in back:
        assert text == ARTICLE
        assert sorted((q.start, q.end) for q in layer.quotes.values()) == sorted(
            (q.start, q.end) for q in gold.quotes.values())
        assert {q.status for q in layer.quotes.values()} == {"accepted"}
        assert {q.origin for q in layer.quotes.values()} == {"gold"}
        assert {m.text for s in layer.speakers.values() for m in s.mentions} >= {
            "Jane Roe", "Tom Poe", "She"}


def test_a_hand_written_json_min_file_reads(tmp_path: Path) -> None:
    text = "Ann Lee said the vote was rigged."
    record = {"id": 12, "text": text, "label": [
        {"start": 13, "end": 32, "text": text[13:32], "labels": ["Quote"]},
        {"start": 0, "end": 7, "text": "Ann Lee", "labels": ["Speaker"]},
        {"start": 8, "end": 12, "text": "said", "labels": ["Cue"]}],
        "stance": "oppose", "annotator": 3, "annotation_id": 5, "lead_time": 2.0}
    (tmp_path / "min.json").write_text(json.dumps([record]))
    [(doc_id, got, layer)] = read_labelstudio(tmp_path / "min.json", layer="m")
    assert (doc_id, got) == ("12", text)
    [quote] = layer.quotes.values()
    assert (quote.text, quote.status, quote.origin, quote.stance) == (
        text[13:32], "accepted", "3", None)
    assert [s.name for s in layer.speakers.values()] == ["Ann Lee"]
    bad = {**record, "label": [{"start": 0, "end": 99, "labels": ["Quote"]}]}
    (tmp_path / "bad.json").write_text(json.dumps([bad]))
    with pytest.raises(InputError, match=r"12: label\[0\]\.end: offset 99 lies outside"):
        read_labelstudio(tmp_path / "bad.json")
    namesakes = {"id": 13, "text": "John Smith said no. John Smith said yes.", "label": [
        {"start": 0, "end": 10, "labels": ["Speaker"]},
        {"start": 20, "end": 30, "labels": ["Speaker"]}], "saywho": {"speakers": [
            {"id": "sr", "name": "John Smith", "mentions": [[0, 10]]},
            {"id": "jr", "name": "John Smith", "mentions": [[20, 30]]}]}}
    (tmp_path / "two.json").write_text(json.dumps([namesakes]))
    [(_, _, two)] = read_labelstudio(tmp_path / "two.json")
    assert sorted(two.speakers) == ["jr", "sr"]  # JSON-MIN keeps saywho's field: still two
    odd = {**record, "label": [{"start": 0, "end": 7, "labels": ["Bogus"]}]}
    (tmp_path / "odd.json").write_text(json.dumps([odd]))
    with pytest.raises(InputError, match=r'region label "Bogus" is not one of'):
        read_labelstudio(tmp_path / "odd.json")  # it was dropped without a word


# --- (c) CSV: note and stance target ------------------------------------------------------

def test_csv_has_the_note_and_the_stance_target(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "q.csv"
    assert export(capsys, project, "csv", out)[0] == 0
    rows = csv_rows(out)
    assert list(rows[0])[-6:] == ["note", "stance_target", "layer", "speaker_key", "title",
                                  "speaker_gender"]  # the project's speaker attributes last
    by_key = {(r["document"], r["quote_id"]): r for r in rows}
    assert by_key[("d0", "q1")]["note"] == "checked twice, “twice”"
    assert by_key[("d0", "q2")]["note"] == ""
    assert {r["stance_target"] for r in rows} == {TARGET}
    mine = session_layer(project, "d0", "ann")
    for qid in ("q1", "q2"):
        tui = confidence_of(mine.quotes[qid])
        assert float(by_key[("d0", qid)]["confidence"]) == tui


# --- (d) the stance target in every format that has a place for it -------------------------

def webanno_unescape(value: str) -> str:
    """WebAnno TSV 3.3 value unescaping (the inverse of ``Escaping.escapeValue``)."""
    return re.sub(r"\\(->|.)", lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)),
                  value)


def test_the_stance_target_is_in_every_format(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outs = {"jsonl": tmp_path / "o.jsonl", "csv": tmp_path / "o.csv",
            "labelstudio": tmp_path / "o.json", "brat": tmp_path / "brat",
            "webanno": tmp_path / "tsv"}
    for fmt, out in outs.items():
        code, err = export(capsys, project, fmt, out, "--layer", "gold")
        assert code == 0, (fmt, err)
    assert {line["stance_target"] for line in jsonl_lines(outs["jsonl"])} == {TARGET}
    assert {row["stance_target"] for row in csv_rows(outs["csv"])} == {TARGET}
    assert {t["data"]["stance_target"] for t in json.loads(outs["labelstudio"].read_text())} == {
        TARGET}
    config = (tmp_path / "o.config.xml").read_text("utf-8")
    assert 'value="Stance target: $stance_target"' in config
    # brat: a comment by the Stance attribute (brat skips # lines) and every quote's note
    conf = (outs["brat"] / "annotation.conf").read_text("utf-8").splitlines()
    stance_at = next(i for i, line in enumerate(conf) if line.startswith("Stance\t"))
    assert conf[stance_at - 1] == f"# stance target: {TARGET}"
    conf_line = re.compile(r"(|#[^\n]*|\[\w+\]|<?[A-Za-z-]+>?(\t[^\t]+)?)")
    assert all(conf_line.fullmatch(line) for line in conf), conf
    for ann in outs["brat"].glob("*.ann"):
        quote_tids = set()
        notes = {}
        for line in ann.read_text("utf-8").splitlines():
            fields = line.split("\t")
            if fields[0].startswith("T") and fields[1].startswith("Quote "):
                quote_tids.add(fields[0])
            elif fields[0].startswith("#"):
                notes[fields[1].split()[1]] = json.loads(fields[2])
        assert quote_tids and all(notes[t]["stance_target"] == TARGET for t in quote_tids)
    # WebAnno: a stanceTarget feature of the Quote layer, on every quote token
    for tsv in outs["webanno"].glob("*.tsv"):
        lines = tsv.read_text("utf-8").split("\n")
        header = next(line for line in lines if line.startswith("#T_SP=webanno.custom.Quote"))
        features = header.split("|")[1:]
        assert features[-1] == "stanceTarget"
        column = 3 + features.index("stanceTarget")
        values = {re.sub(r"\[\d+\]$", "", row.split("\t")[column]) for row in lines
                  if row and not row.startswith("#") and row.split("\t")[3] != "_"}
        assert values and {webanno_unescape(v) for v in values} == {TARGET}


def test_the_interchange_reader_accepts_the_stance_target_and_checks_its_type(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gold.jsonl"
    assert export(capsys, project, "jsonl", out, "--layer", "gold")[0] == 0
    other = tmp_path / "p2"
    assert main(["import", str(out), "--layer", "gold", "--project", str(other)]) == 0
    line = jsonl_lines(out)[0]
    line["stance_target"] = 5
    with pytest.raises(InputError, match=r"d0: stance_target: expected a string or null, got 5"):
        interchange.layer_from_interchange(line, ARTICLE, name="x")


# --- one confidence rule -------------------------------------------------------------------

def test_every_export_shows_the_tuis_confidence(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not hasattr(interchange, "quote_confidence")  # one rule: review.confidence_of
    out = tmp_path / "s.jsonl"
    assert export(capsys, project, "jsonl", out, "--layer", "suggestions")[0] == 0
    for line in jsonl_lines(out):
        layer = session_layer(project, line["id"], "suggestions")
        for q in line["quotes"]:
            assert q["confidence"] == confidence_of(layer.quotes[q["id"]])
            assert q["annotator"] == DETECTOR
        # q1's span is sure (0.9), its speaker less so (0.8): the TUI shows the lowest
        assert next(q for q in line["quotes"] if q["id"] == "q1")["confidence"] == 0.8
