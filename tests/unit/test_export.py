"""Export writers: golden files, lossless round trips, and independent checks of each format.

The fixture (tests/golden/sample.jsonl) holds a split quote, a pronoun speaker ("she"),
non-ASCII text and an emoji, stances, all three statuses, a quote across a paragraph break,
speakers with coded attributes (gender; gender and role) and an empty document. Set
SAYWHO_UPDATE_GOLDEN=1 to rewrite the expected files after an intended format change (and
review the diff).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from annotations.errors import InputError
from annotations.formats.brat import read_brat, write_brat
from annotations.formats.conll import write_conll
from annotations.formats.csv_format import CSV_COLUMNS, write_csv
from annotations.formats.export_common import (
    Utf16Offsets,
    filter_items,
    filter_layer,
    safe_name,
)
from annotations.formats.exporters import export
from annotations.formats.jsonl import read_jsonl, write_jsonl
from annotations.formats.labelstudio import write_labelstudio
from annotations.formats.webanno import write_webanno
from annotations.model import Document, Layer

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SAMPLE = GOLDEN / "sample.jsonl"
EXPECTED = GOLDEN / "export"
UPDATE = os.environ.get("SAYWHO_UPDATE_GOLDEN") == "1"


def sample() -> list[tuple[Document, Layer]]:
    return list(read_jsonl(SAMPLE, layer="ana"))


# --- golden files ------------------------------------------------------------------------

GOLDEN_OUTPUTS = {
    "jsonl": "sample.jsonl",
    "csv": "sample.csv",
    "brat": "brat",
    "webanno": "webanno",
    "labelstudio": "labelstudio.json",
    "conll": "sample.conll",
}


def _files(root: Path) -> dict[str, bytes]:
    if root.is_file():
        return {root.name: root.read_bytes()}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


TARGET = "sanctuary-city policies"


@pytest.mark.parametrize("fmt", sorted(GOLDEN_OUTPUTS))
def test_export_matches_golden_file(fmt: str, tmp_path: Path) -> None:
    name = GOLDEN_OUTPUTS[fmt]
    out = tmp_path / name
    report = export(fmt, sample(), out, stance_target=TARGET)
    assert (report.docs, report.quotes) == (3, 4)
    produced = _files(out)
    if fmt == "labelstudio":
        produced.update(_files(out.with_name("labelstudio.config.xml")))
    expected_root = EXPECTED / fmt
    if UPDATE:
        shutil.rmtree(expected_root, ignore_errors=True)
        expected_root.mkdir(parents=True)
        for rel, data in produced.items():
            (expected_root / rel).write_bytes(data)
    assert produced == _files(expected_root), f"{fmt} export differs from {expected_root}"


# --- round trips -------------------------------------------------------------------------


def test_jsonl_round_trip_is_lossless(tmp_path: Path) -> None:
    items = sample()
    write_jsonl(items, tmp_path / "out.jsonl")
    back = list(read_jsonl(tmp_path / "out.jsonl", layer="ana"))
    assert [(d.id, d.title, d.text) for d, _ in back] == [(d.id, d.title, d.text) for d, _ in items]
    assert [layer for _, layer in back] == [layer for _, layer in items]


def test_brat_round_trip_is_lossless(tmp_path: Path) -> None:
    items = sample()
    write_brat(items, tmp_path / "brat")
    back = read_brat(tmp_path / "brat", layer="ana")
    got = {doc_id: (text, layer) for doc_id, text, layer in back}
    for doc, layer in items:
        assert got[doc.id][0] == doc.text
        assert got[doc.id][1] == layer


def test_brat_files_from_other_tools_read_without_notes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Bo said: “Go now.”\n", encoding="utf-8")
    (tmp_path / "a.ann").write_text(
        "T1\tSpeaker 0 2\tBo\nT2\tQuote 10 17\tGo now.\nR1\tSaid Arg1:T1 Arg2:T2\n"
        "A1\tStance T2 support\nT3\tCue 3 7\tsaid\nR2\tCues Arg1:T3 Arg2:T2\n",
        encoding="utf-8",
    )
    [(doc_id, text, layer)] = read_brat(tmp_path)
    quote = layer.quotes["T2"]
    assert doc_id == "a" and quote.text == "Go now." and quote.stance == "support"
    assert quote.status == "accepted" and quote.cue is not None and quote.cue.text == "said"
    assert layer.speaker_name(quote) == "Bo" and quote.speaker_mention.text == "Bo"


@pytest.mark.parametrize("relation", ["Said Arg1:T2 Arg2:T2", "Said Arg1:T2 Arg2:T4",
                                      "Cues Arg1:T1 Arg2:T2"])
def test_a_brat_relation_between_the_wrong_annotations_is_refused_by_name(
    tmp_path: Path, relation: str
) -> None:
    """A relation typed by hand from a quote to itself, to another quote, or a Cues relation
    from a speaker: one line naming it, not a quote whose speaker is itself."""
    (tmp_path / "a.txt").write_text("Bo said: “Go now.” “Stay.”\n", encoding="utf-8")
    (tmp_path / "a.ann").write_text(
        "T1\tSpeaker 0 2\tBo\nT2\tQuote 10 17\tGo now.\nT4\tQuote 20 25\tStay.\n"
        f"R7\t{relation}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"R7: a (Said|Cues) relation links a") as caught:
        read_brat(tmp_path)
    assert "\n" not in str(caught.value)


def test_brat_reader_rejects_offsets_outside_the_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("short", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tQuote 2 50\tort\n", encoding="utf-8")
    with pytest.raises(InputError):
        read_brat(tmp_path)


# --- brat, read by an independent minimal reader -----------------------------------------

T_LINE = re.compile(r"^(T\d+)\t(\w+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
R_LINE = re.compile(r"^(R\d+)\t(\w+) Arg1:(T\d+) Arg2:(T\d+)$")
A_LINE = re.compile(r"^(A\d+)\t(\w+) (T\d+) (\S+)$")


def test_brat_export_reads_back_with_a_minimal_reader(tmp_path: Path) -> None:
    items = sample()
    write_brat(items, tmp_path)
    ids = dict(line.split("\t") for line in
               (tmp_path / "saywho-ids.tsv").read_text("utf-8").splitlines()[1:])
    by_id = {json.loads(v): k for k, v in ids.items()}
    conf = (tmp_path / "annotation.conf").read_text("utf-8")
    assert "Said\tArg1:Speaker, Arg2:Quote" in conf
    for doc, layer in items:
        stem = by_id[doc.id]
        assert re.fullmatch(r"[A-Za-z0-9._-]+", stem)
        text = (tmp_path / f"{stem}.txt").read_bytes().decode("utf-8")
        assert text == doc.text
        spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        rels, attrs = [], {}
        for line in (tmp_path / f"{stem}.ann").read_text("utf-8").splitlines():
            if m := T_LINE.match(line):
                frags = [tuple(map(int, f.split())) for f in m.group(3).split(";")]
                for s, e in frags:
                    assert "\n" not in text[s:e]
                assert " ".join(text[s:e] for s, e in frags) == m.group(4)
                spans[m.group(1)] = (m.group(2), frags)
            elif m := R_LINE.match(line):
                rels.append(m.groups()[1:])
            elif m := A_LINE.match(line):
                attrs.setdefault(m.group(3), {})[m.group(2)] = m.group(4)
            else:
                assert line[0] in "N#", line
        quotes = {tid: frags for tid, (label, frags) in spans.items() if label == "Quote"}
        assert len(quotes) == len(layer.quotes)
        for q in layer.sorted_quotes():
            # the quote's parts, cut where brat needs it (line breaks)
            want = [(ps + m.start(), ps + m.end()) for ps, pe in q.part_spans()
                    for m in re.finditer(r"[^\n]+", text[ps:pe])]
            [tid] = [t for t, f in quotes.items() if f == want]
            assert attrs[tid]["QuoteType"] == q.type
            assert attrs[tid]["Status"] == q.status
            assert attrs[tid].get("Stance") == q.stance
            said = [a1 for kind, a1, a2 in rels if kind == "Said" and a2 == tid]
            if q.speaker_mention is None:
                assert said == []
            else:
                [s_tid] = said
                label, [(s, e)] = spans[s_tid]
                assert label == "Speaker" and text[s:e] == q.speaker_mention.text


# --- CSV ---------------------------------------------------------------------------------


def test_csv_opens_with_the_csv_module(tmp_path: Path) -> None:
    items = sample()
    write_csv(items, tmp_path / "q.csv")
    with open(tmp_path / "q.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == sum(len(layer.quotes) for _, layer in items)
    texts = {d.id: d.text for d, _ in items}
    for row in rows:
        assert texts[row["document"]][int(row["start"]):int(row["end"])] == row["quote"]
    she = next(r for r in rows if r["speaker_mention"] == "she")
    assert she["speaker"] == "Zoë Ortiz" and she["parts"] == "29-51;64-82"
    assert {r["status"] for r in rows} == {"accepted", "suggested", "rejected"}


def test_csv_opens_with_pandas(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    write_csv(sample(), tmp_path / "q.csv")
    frame = pd.read_csv(tmp_path / "q.csv", keep_default_na=False)
    assert list(frame.columns) == list(CSV_COLUMNS)
    assert len(frame) == 4 and "Zoë Ortiz" in set(frame["speaker"])


# --- WebAnno TSV 3.3 ---------------------------------------------------------------------

# The complete example file from the INCEpTION user guide, "WebAnno TSV 3.3 File format",
# section "Disambiguation IDs in relations" (inception-project/inception,
# inception/inception-io-webanno-tsv/src/main/resources/META-INF/asciidoc/user-guide/
# webannotsv.adoc), and two rows of its "Multi-token span annotations" example.
PUBLISHED_EXAMPLE = (
    "#FORMAT=WebAnno TSV 3.3\n"
    "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n"
    "#T_RL=webanno.custom.Relation|value|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity\n"
    "\n\n"
    "#Text=This is a test .\n"
    "1-1\t0-4\tThis\t*\t_\t_\n"
    "1-2\t5-7\tis\t_\t_\t_\n"
    "1-3\t8-9\ta\t_\t_\t_\n"
    "1-4\t10-14\ttest\t_\t_\t_\n"
    "1-5\t15-16\t.\t*[1]|*[2]\t*\t1-1[0_1]\n"
)
PUBLISHED_MULTI_TOKEN = (
    "#FORMAT=WebAnno TSV 3.3\n"
    "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS|PosValue\n"
    "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value\n"
    "\n\n"
    "#Text=Ms. Haag\n"
    "1-1\t0-3\tMs.\tNNP\tPER[1]|PERpart[2]\n"
    "1-2\t4-8\tHaag\tNNP\tPER[1]\n"
)

CELL_VALUE = re.compile(r"^(?:\\.|\\->|[^\\|\[\]\t])+(?:\[\d+(?:_\d+)?\])?$")
ROW_ID = re.compile(r"^\d+-\d+(?:\.\d+)?$")


def parse_webanno(content: str) -> dict:
    """A strict reader of the TSV 3.3 structure; returns header columns and rows."""
    lines = content.split("\n")
    assert lines[0] == "#FORMAT=WebAnno TSV 3.3"
    layers, i = [], 1
    while lines[i].startswith("#T_"):
        kind, _, decl = lines[i][1:].partition("=")
        name, *features = decl.split("|")
        assert kind in ("T_SP", "T_CH", "T_RL") and name
        layers.append((kind, name, features or ["<placeholder>"]))
        i += 1
    assert lines[i] == "" and lines[i + 1] == "", "two empty lines must end the header"
    i += 2
    width = 3 + sum(len(f) for _, _, f in layers)
    rows, sentences = [], []
    while i < len(lines):
        if lines[i] == "" and i == len(lines) - 1:
            break
        if sentences:
            assert lines[i] == "", "one empty line between sentences"
            i += 1
        text_lines = []
        while lines[i].startswith("#Text="):
            text_lines.append(lines[i][len("#Text="):])
            i += 1
        assert text_lines, f"sentence without #Text at line {i + 1}"
        sentence = "\n".join(text_lines)
        first = None
        while i < len(lines) and lines[i] and not lines[i].startswith("#"):
            cells = lines[i].split("\t")
            if cells[-1] == "":  # INCEpTION ends every row with a TAB
                cells = cells[:-1]
            assert len(cells) == width, (lines[i], width)
            assert ROW_ID.match(cells[0]), cells[0]
            begin, end = map(int, cells[1].split("-"))
            first = begin if first is None else first
            units = sentence.encode("utf-16-le")
            token = units[2 * (begin - first): 2 * (end - first)].decode("utf-16-le")
            assert token == cells[2], (token, cells[2])
            for cell in cells[3:]:
                if cell != "_":
                    for value in re.split(r"(?<!\\)\|", cell):
                        assert CELL_VALUE.match(value) or re.match(r"^\*(\[\d+\])?$", value), value
            rows.append(cells)
            i += 1
        sentences.append(sentence)
    return {"layers": layers, "rows": rows, "sentences": sentences}


def test_the_tsv_checker_accepts_the_published_examples() -> None:
    assert len(parse_webanno(PUBLISHED_EXAMPLE)["rows"]) == 5
    assert len(parse_webanno(PUBLISHED_MULTI_TOKEN)["rows"]) == 2


def test_webanno_export_has_the_published_structure(tmp_path: Path) -> None:
    items = sample()
    write_webanno(items, tmp_path)
    for doc, layer in items:
        content = (tmp_path / f"{safe_name(doc.id)}.tsv").read_text("utf-8")
        parsed = parse_webanno(content)
        assert [n for _, n, _ in parsed["layers"]] == ["webanno.custom.Quote",
                                                       "webanno.custom.Speaker"]
        # rebuild every Quote span from its rows: same parts as the layer, in UTF-16 units
        u16 = Utf16Offsets(doc.text)
        spans: dict[str, list[int]] = {}
        for row in parsed["rows"]:
            cell = row[3]
            if cell == "_":
                continue
            begin, end = map(int, row[1].split("-"))
            for value in cell.split("|"):
                span = spans.setdefault(value, [begin, end])
                span[0], span[1] = min(span[0], begin), max(span[1], end)
        want = sorted((u16(s), u16(e)) for q in layer.quotes.values() for s, e in q.part_spans())
        assert sorted(tuple(v) for v in spans.values()) == want


def test_webanno_offsets_count_utf16_units(tmp_path: Path) -> None:
    doc, layer = sample()[0]
    write_webanno([(doc, layer)], tmp_path)
    content = next(tmp_path.glob("*.tsv")).read_text("utf-8")
    emoji = next(line for line in content.splitlines() if "\U0001f642" in line and
                 not line.startswith("#"))
    start = doc.text.index("\U0001f642")
    assert emoji.split("\t")[1] == f"{start}-{start + 2}"


# --- Label Studio ------------------------------------------------------------------------


def test_labelstudio_tasks_follow_the_import_format(tmp_path: Path) -> None:
    items = sample()
    write_labelstudio(items, tmp_path / "tasks.json", stance_target=TARGET)
    tasks = json.loads((tmp_path / "tasks.json").read_text("utf-8"))
    config = ElementTree.fromstring((tmp_path / "tasks.config.xml").read_text("utf-8"))
    controls = {el.get("name") for el in config.iter() if el.get("toName") == "text"}
    header = next(el for el in config.iter() if el.tag == "Header")
    assert "$stance_target" in (header.get("value") or "")
    assert len(tasks) == len(items)
    for task, (doc, layer) in zip(tasks, items, strict=True):
        assert task["data"]["text"] == doc.text and task["data"]["doc_id"] == doc.id
        assert task["data"]["stance_target"] == TARGET
        results = [a["result"] for a in task.get("annotations", [])]
        results += [p["result"] for p in task["predictions"]]
        n_quote_regions = 0
        for result in results:
            regions = {}
            for r in result:
                if r["type"] == "relation":
                    assert r["from_id"] in regions and r["to_id"] in regions
                    continue
                assert r["from_name"] in controls and r["to_name"] == "text"
                v = r["value"]
                if r["type"] == "textarea":
                    assert isinstance(v["text"], list)
                else:
                    assert doc.text[v["start"]:v["end"]] == v["text"]
                regions.setdefault(r["id"], v)
            n_quote_regions += sum(1 for r in result if r["type"] == "labels"
                                   and r["value"]["labels"] == ["Quote"])
        assert n_quote_regions == sum(len(q.part_spans()) for q in layer.quotes.values())
        # reviewed work is an annotation, everything else a prediction of what proposed it
        accepted = [q for q in layer.quotes.values() if q.status == "accepted"]
        reviewed = [q for q in layer.quotes.values() if q.status != "suggested"]
        assert len(task.get("annotations", [])) == (1 if reviewed else 0)
        if reviewed:
            [annotation] = task["annotations"]
            assert "completed_by" not in annotation  # Label Studio refuses unknown people
            assert task["data"]["saywho"]["annotator"] == layer.name
            ids = {r["id"] for r in annotation["result"] if r["type"] == "labels"}
            assert {q.id for q in accepted} <= ids
        predicted = {p["model_version"] for p in task["predictions"]}
        assert predicted == {q.origin for q in layer.quotes.values() if q.status != "accepted"}


# --- CoNLL -------------------------------------------------------------------------------


def test_conll_tags_rebuild_the_quotes(tmp_path: Path) -> None:
    items = sample()
    write_conll(items, tmp_path / "q.conll")
    # CoNLL-U Plus: ID FORM SAYWHO:QUOTE ... MISC; quote number q (per document) is named by
    # its "# quote.<q>" comment; nested or overlapping tags are joined by ";"
    rebuilt: dict[str, list[list[int]]] = {}
    ids: dict[str, str] = {}
    for line in (tmp_path / "q.conll").read_text("utf-8").splitlines():
        if line.startswith("# newdoc id"):
            ids = {}
        elif m := re.match(r"# quote\.(\d+) = (.*)$", line):
            ids[m.group(1)] = json.loads(m.group(2))["id"]
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        assert len(cells) == 7 and cells[0].isdigit()
        offset = re.search(r"Offset=(\d+)-(\d+)", cells[6])
        assert offset is not None
        start, end = int(offset.group(1)), int(offset.group(2))
        for tag in cells[2].split(";"):
            if tag == "O":
                continue
            bio, _, number = tag.partition(":")
            qid = ids[number]
            if bio.startswith("B-"):
                rebuilt.setdefault(qid, []).append([start, end])
            else:
                assert bio.startswith("I-")
                rebuilt[qid][-1][1] = end
    want = {q.id: [list(p) for p in q.part_spans()] for _, layer in items
            for q in layer.quotes.values()}
    assert rebuilt == want


# --- helpers -----------------------------------------------------------------------------


def test_filter_layer_keeps_only_the_statuses_asked_for() -> None:
    _, layer = sample()[0]
    assert set(filter_layer(layer, {"accepted"}).quotes) == {"q1"}
    assert filter_layer(layer, None) is layer
    [(_, kept)] = list(filter_items(sample()[:1], ["rejected", "suggested"]))
    assert set(kept.quotes) == {"q2", "q3"}


def test_safe_names_are_unique_and_safe() -> None:
    taken: set[str] = set()
    names = [safe_name(x, taken) for x in ("a:b", "a/b", "plain", "PLAIN", "../../etc")]
    assert len(set(names)) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", n) and not n.startswith(".") for n in names)


def test_export_by_name_filters_statuses_and_checks_the_target(tmp_path: Path) -> None:
    report = export("csv", sample(), tmp_path / "a.csv", statuses={"accepted"})
    assert (report.docs, report.quotes) == (3, 1)
    with pytest.raises(InputError):
        export("xml", sample(), tmp_path / "a.xml")
    with pytest.raises(InputError):
        export("brat", sample(), tmp_path / "a.csv")


def test_brat_reader_is_lenient_with_hand_made_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("“Go,” Bo said.", encoding="utf-8")
    (tmp_path / "b.ann").write_text(
        "T1\tQuote 1 3\tGo\nT2\tSpeaker 6 8\tBo\nR1\tSaid Arg1:T1 Arg2:T2\n"
        "A1\tQuoteType T1 Direct\nA2\tStatus T1 Maybe\nA3\tKind T2 Human\nE1\tEvent:T1\n",
        encoding="utf-8",
    )
    [(_, _, layer)] = read_brat(tmp_path)
    quote = layer.quotes["T1"]
    assert (quote.type, quote.status) == ("direct", "accepted")
    assert quote.speaker_mention is not None and quote.speaker_mention.text == "Bo"
    assert layer.speakers[quote.speaker_id].kind == "unknown"


def test_labelstudio_config_stays_well_formed_with_a_hostile_label(tmp_path: Path) -> None:
    """A stance label holding ESC was written raw into the labeling config: not XML at all
    (an XML parser stopped at it). The config shows it with its control picture; the tasks
    keep the label as stored (JSON can hold it)."""
    from dataclasses import replace

    hostile = "a\x1b[1mbold\u202e"
    doc, layer = sample()[0]
    quotes = {k: replace(q, stance=hostile) for k, q in layer.quotes.items()}
    write_labelstudio([(doc, replace(layer, quotes=quotes))], tmp_path / "t.json")
    config = ElementTree.fromstring((tmp_path / "t.config.xml").read_text("utf-8"))
    values = [el.get("value") for el in config.iter("Choice")]
    assert "a\u241b[1mbold\u202e" in values
    tasks = json.loads((tmp_path / "t.json").read_text("utf-8"))
    dumped = json.dumps(tasks, ensure_ascii=False)
    assert json.dumps(hostile, ensure_ascii=False)[1:-1] in dumped
