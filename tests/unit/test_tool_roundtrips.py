"""Round trips through every export format and back in, from the command line.

A project with two corrected layers (split quotes, notes, a speaker named in two places, stance,
an emoji, a tab, a ``#`` token, a quote across a line break) is exported with
``saywho export --format F --layer L``, the file is loaded back with
``saywho import FILE --layer L_F``, and ``saywho agree --json`` between the original and the
re-imported layer must be perfect on everything the format carries: exact span F1 100, speaker
agreement 100 %, stance kappa 1.0, and the speakers' coded attributes (gender; gender and role)
and the quotes' coded variables (topic; topic and tone) come back the same. ``CARRIES`` is the
table README's "Moving work between tools" section states; a format that does not carry a field
is not scored on it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.model import Cue, Document, Layer, Mention, Quote, Speaker
from annotations.session import Session
from tui.cli import main

TEXT_A = (
    "#MeToo marchers filled the square on Sunday 🙂.\n"
    "“We will not\nbe silent,” said\tAna Ortiz, an organiser. "
    "“Never again,” Ortiz added, “not here.”\n"
    "Police chief Tom Reyes said the march was “peaceful and orderly”."
)
TEXT_B = (
    "The U.S. Senate met on Monday.\n"
    "“This bill is a disgrace,” said Sen. Mary Holt. "
    "Holt said the vote would come “before the recess”.\n"
    "“We support it,” a spokesman for the governor said."
)

FORMATS = ("jsonl", "brat", "labelstudio", "webanno", "doccano", "conll")
FILE_SUFFIX = {"jsonl": ".jsonl", "labelstudio": ".json", "doccano": ".jsonl",
               "conll": ".conll", "brat": "", "webanno": ""}
# what each format carries back in (README: "Moving work between tools")
CARRIES: dict[str, frozenset[str]] = {
    fmt: frozenset({"span", "speaker", "stance", "attributes", "codes"}) for fmt in FORMATS
}


def _span(text: str, inner: str) -> tuple[int, int]:
    start = text.index(inner)
    return start, start + len(inner)


def _quote(text: str, qid: str, inner: str, *, speaker: str | None, mention: str | None,
           stance: str | None, note: str = "", parts: tuple[str, ...] = (),
           cue: str | None = None, codes: tuple[tuple[str, str], ...] = ()) -> Quote:
    if parts:
        spans = [_span(text, p) for p in parts]
        start, end = spans[0][0], spans[-1][1]
    else:
        start, end = _span(text, inner)
        spans = []
    mention_obj = None
    if mention is not None:
        ms, me = _span(text, mention)
        mention_obj = Mention(ms, me, text[ms:me])
    cue_obj = None
    if cue is not None:
        cs, ce = _span(text, cue)
        cue_obj = Cue(cs, ce, text[cs:ce], "say")
    return Quote(qid, start, end, text[start:end], "direct", parts=tuple(spans), cue=cue_obj,
                 speaker_id=speaker, speaker_mention=mention_obj, stance=stance,
                 status="accepted", note=note, codes=codes)


def _speaker(text: str, sid: str, name: str, *mentions: str) -> Speaker:
    found = []
    for m in mentions:
        s, e = _span(text, m)
        found.append(Mention(s, e, text[s:e]))
    return Speaker(sid, name, "person", (), tuple(found))


def corrected_layers() -> dict[str, dict[str, Layer]]:
    """Two annotators' corrected layers of the two documents."""
    layers: dict[str, dict[str, Layer]] = {}
    for name, flip in (("ana", False), ("ben", True)):
        ortiz = Speaker("s1", "Ana Ortiz", "person", (), (
            Mention(*_span(TEXT_A, "Ana Ortiz"), "Ana Ortiz"),
            Mention(TEXT_A.index("Ortiz added"), TEXT_A.index("Ortiz added") + 5, "Ortiz"),
        ), (("gender", "female"),))
        reyes = _speaker(TEXT_A, "s2", "Tom Reyes", "Tom Reyes")
        a_quotes = [
            _quote(TEXT_A, "q1", "We will not\nbe silent,", speaker="s1", mention="Ana Ortiz",
                   stance="oppose" if flip else "support", note="line break\tand a tab",
                   cue="said", codes=(("tone", "calm" if flip else "angry"),
                                      ("topic", "public order"))),
            _quote(TEXT_A, "q2", "", parts=("Never again,", "not here."), speaker="s1",
                   mention=None, stance="support", codes=(("topic", "public order"),)),
            _quote(TEXT_A, "q3", "peaceful and orderly", speaker="s2", mention="Tom Reyes",
                   stance="neutral", note="🙂 partial quote"),
        ]
        holt = Speaker("h", "Mary Holt", "person", (), (
            Mention(*_span(TEXT_B, "Mary Holt"), "Mary Holt"),
            Mention(TEXT_B.index("Holt said"), TEXT_B.index("Holt said") + 4, "Holt"),
        ), (("gender", "female"), ("role", "politician")))
        gov = _speaker(TEXT_B, "g", "spokesman for the governor", "a spokesman for the governor")
        b_quotes = [
            _quote(TEXT_B, "q1", "This bill is a disgrace,", speaker="h", mention="Mary Holt",
                   stance="oppose"),
            _quote(TEXT_B, "q2", "before the recess", speaker="h", mention=None,
                   stance="neutral" if flip else "oppose"),
            _quote(TEXT_B, "q3", "We support it,", speaker="g",
                   mention="a spokesman for the governor", stance="support",
                   codes=(("topic", "economy"),)),
        ]
        layers[name] = {
            "a": Layer(name, {q.id: q for q in a_quotes}, {"s1": ortiz, "s2": reyes}),
            "b": Layer(name, {q.id: q for q in b_quotes}, {"h": holt, "g": gov}),
        }
    return layers


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("roundtrip") / "p"
    with Session.open(folder, "ana") as session:
        session.import_documents([Document("a", "March", TEXT_A), Document("b", "Senate", TEXT_B)])
        for layers in corrected_layers().values():
            for doc_id, layer in layers.items():
                session.put_layer(doc_id, layer, replace=True)
    return folder


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layer", ["ana", "ben"])
def test_export_then_import_gives_the_same_layer(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, layer: str
) -> None:
    out = tmp_path / f"{layer}{FILE_SUFFIX[fmt]}"
    assert main(["export", "--format", fmt, "--layer", layer, "--out", str(out),
                 "--project", str(project)]) == 0
    back = f"{layer}_{fmt}"
    assert main(["import", str(out), "--layer", back, "--format",
                 "interchange" if fmt == "jsonl" else fmt, "--project", str(project)]) == 0
    capsys.readouterr()
    assert main(["agree", "--layers", layer, back, "--json", "--project", str(project)]) == 0
    report = json.loads(capsys.readouterr().out)
    [pair] = report["overall"]["pairs"]
    assert pair["quotes_a"] == pair["quotes_b"] == 6
    assert pair["exact"]["F1"] == 100.0
    if "speaker" in CARRIES[fmt]:
        assert pair["speaker"]["pct"] == 100.0
    if "stance" in CARRIES[fmt]:
        assert pair["stance_kappa"]["kappa"] == 1.0
    if "attributes" in CARRIES[fmt]:  # the speakers' coded gender and role
        with Session.open(project, "ana") as session:
            for doc_id in ("a", "b"):
                assert {sp.name: sp.attributes for sp in
                        session.layer(doc_id, back).speakers.values()} == {
                    sp.name: sp.attributes for sp in
                    session.layer(doc_id, layer).speakers.values()}
    if "codes" in CARRIES[fmt]:  # the quotes' coded topic and tone
        with Session.open(project, "ana") as session:
            for doc_id in ("a", "b"):
                assert {q.span: q.codes for q in session.layer(doc_id, back).quotes.values()} == {
                    q.span: q.codes for q in session.layer(doc_id, layer).quotes.values()}


def test_a_document_the_project_does_not_hold_is_refused_and_the_rest_load(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Matched by id or by text: a stranger document is refused with its reason, a document
    renamed by the other tool still lands on the project's document with that text."""
    import json

    out = tmp_path / "ana.json"
    assert main(["export", "--format", "labelstudio", "--layer", "ana", "--out", str(out),
                 "--project", str(project)]) == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    tasks[0]["data"]["doc_id"] = "renamed-by-the-tool"
    stranger = json.loads(json.dumps(tasks[1]))
    stranger["data"]["doc_id"] = "stranger"
    stranger["data"]["text"] = stranger["data"]["text"].replace("Senate", "Senado")
    out.write_text(json.dumps([*tasks, stranger]), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(out), "--layer", "matched", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert "stranger: no project document has this id or this text" in err
    with Session.open(project, "ana", read_only=True) as session:
        assert session.has_layer("a", "matched") and session.has_layer("b", "matched")
        matched, ana = session.layer("a", "matched"), session.layer("a", "ana")
        assert matched.quotes.keys() == ana.quotes.keys()


def test_a_differing_layer_is_kept_unless_replace(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    mine = tmp_path / "p"
    shutil.copytree(project, mine)
    ben = tmp_path / "ben.jsonl"
    assert main(["export", "--format", "doccano", "--layer", "ben", "--out", str(ben),
                 "--project", str(mine)]) == 0
    capsys.readouterr()  # ben's work under ana's name differs from ana's: refused
    assert main(["import", str(ben), "--layer", "ana", "--project", str(mine)]) == 1
    assert "already has a layer 'ana' that differs" in capsys.readouterr().err
    with Session.open(mine, "ana", read_only=True) as session:
        assert session.layer("a", "ana").quotes["q1"].stance == "support"
    assert main(["import", str(ben), "--layer", "ana", "--replace", "--project", str(mine)]) == 0
    with Session.open(mine, "ana", read_only=True) as session:
        assert session.layer("a", "ana").quotes["q1"].stance == "oppose"


def test_edits_made_in_brat_win_over_saywhos_notes(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A brat user changes a stance, removes one, moves a split quote's edge, re-links a quote
    to another speaker's mention and changes a speaker's kind: each shows after the import,
    while everything brat cannot show (ids, the note, exact labels) still comes from the
    notes."""
    out = tmp_path / "brat"
    assert main(["export", "--format", "brat", "--layer", "ana", "--out", str(out),
                 "--project", str(project)]) == 0
    ann_path = out / "a.ann"
    lines = ann_path.read_text(encoding="utf-8").splitlines()
    quotes = {ln.split("\t")[2]: ln.split("\t")[0] for ln in lines
              if ln.startswith("T") and ln.split("\t")[1].startswith("Quote")}
    mentions = {ln.split("\t")[2]: ln.split("\t")[0] for ln in lines
                if ln.startswith("T") and ln.split("\t")[1].startswith("Speaker")}
    q1 = next(t for covered, t in quotes.items() if covered.startswith("We will not"))
    q2 = next(t for covered, t in quotes.items() if covered.startswith("Never again"))
    q3 = next(t for covered, t in quotes.items() if covered.startswith("peaceful"))
    edited = []
    for ln in lines:
        fields = ln.split("\t")
        head = fields[1].split() if len(fields) > 1 else []
        if head[:2] == ["Stance", q1]:
            ln = f"{fields[0]}\tStance {q1} neutral"
        elif head[:2] == ["Stance", q3]:
            continue  # the stance removed in brat
        elif fields[0] == q2:  # "Never again," + "not here." -> the second part one word short
            start, end = TEXT_A.index("not here."), TEXT_A.index("not here.") + len("not")
            first = fields[1].split(" ", 1)[1].split(";")[0]
            ln = f"{q2}\tQuote {first};{start} {end}\tNever again, not"
        elif head[:1] == ["Said"] and head[2] == f"Arg2:{q1}":
            continue  # the speaker link removed in brat
        elif head[:1] == ["Said"] and head[2] == f"Arg2:{q3}":
            ln = f"{fields[0]}\tSaid Arg1:{mentions['Ana Ortiz']} Arg2:{q3}"
        elif head[:2] == ["Kind", mentions["Tom Reyes"]]:
            ln = f"{fields[0]}\tKind {mentions['Tom Reyes']} organization"
        elif head[:2] == ["Kind", mentions["Ana Ortiz"]]:  # the first of her two mentions
            ln = f"{fields[0]}\tKind {mentions['Ana Ortiz']} group"
        edited.append(ln)
    ann_path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    assert main(["import", str(out), "--layer", "ana_brat_edited", "--format", "brat",
                 "--project", str(project)]) == 0
    with Session.open(project, "ana", read_only=True) as session:
        back = session.layer("a", "ana_brat_edited")
    assert back.quotes["q1"].stance == "neutral"
    assert back.quotes["q1"].note == "line break\tand a tab"  # what brat cannot show
    assert back.quotes["q1"].speaker_id is None and back.quotes["q1"].speaker_mention is None
    assert back.quotes["q3"].stance is None
    assert back.quotes["q3"].speaker_id == "s1"
    end = TEXT_A.index("not here.") + len("not")
    assert back.quotes["q2"].part_spans()[-1][1] == end
    assert back.quotes["q2"].text.startswith("Never again,")
    assert back.speakers["s2"].kind == "organization"
    assert back.speakers["s1"].kind == "group"
    # an id used twice (the later line replaced the earlier quote) is refused, not read
    ann_path.write_text("\n".join([*edited, edited[0]]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(out), "--layer", "twice", "--format", "brat",
                 "--project", str(project)]) == 1
    assert "is used twice" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["webanno", "labelstudio"])
def test_documents_with_the_same_text_are_told_apart_by_id_never_by_guess(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """The same wire story under two ids: an export of one twin comes back onto that twin
    (WebAnno names its files by a slug of the id), and a document renamed by the other tool
    whose text two project documents share is refused, not put on the first of them."""
    folder = tmp_path / "p"
    b_layer = corrected_layers()["ana"]["b"]
    with Session.open(folder, "ana") as session:
        session.import_documents([Document("twin/a", "A", TEXT_B), Document("twin/b", "B", TEXT_B)])
        session.put_layer("twin/b", Layer("only_b", b_layer.quotes, b_layer.speakers))
    out = tmp_path / f"out{FILE_SUFFIX[fmt]}"
    assert main(["export", "--format", fmt, "--layer", "only_b", "--out", str(out),
                 "--project", str(folder)]) == 0
    assert main(["import", str(out), "--layer", "back", "--format", fmt,
                 "--project", str(folder)]) == 0
    with Session.open(folder, "ana", read_only=True) as session:
        assert session.has_layer("twin/b", "back") and not session.has_layer("twin/a", "back")
    if fmt == "labelstudio":
        tasks = json.loads(out.read_text(encoding="utf-8"))
        tasks[0]["data"]["doc_id"] = "renamed-by-the-tool"
        out.write_text(json.dumps(tasks), encoding="utf-8")
        capsys.readouterr()
        assert main(["import", str(out), "--layer", "renamed", "--format", fmt,
                     "--project", str(folder)]) == 1
        assert "2 project documents have this text (twin/a, twin/b)" in capsys.readouterr().err


def test_label_studio_keeps_speaker_ids_aliases_and_namesakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two speakers of one name stay two, each keeps its id and aliases and each quote its cue
    lemma; a quote whose ``said`` relation is moved in Label Studio follows it."""
    text = ("“We will win,” said John Smith. “No, we will,” said John Smith, his son. "
            "Jane Roe said nothing.")
    first = text.index("John Smith")
    second = text.index("John Smith", first + 1)
    sr = Speaker("smith-sr", "John Smith", "person", ("J. Smith",),
                 (Mention(first, first + 10, "John Smith"),))
    jr = Speaker("smith-jr", "John Smith", "person", ("Smith Jr.",),
                 (Mention(second, second + 10, "John Smith"),))
    roe = _speaker(text, "roe", "Jane Roe", "Jane Roe")
    quotes = [
        _quote(text, "q1", "We will win,", speaker="smith-sr", mention=None, stance=None,
               cue="said"),
        _quote(text, "q2", "No, we will,", speaker="smith-jr", mention=None, stance=None),
    ]
    quotes = [replace(q, speaker_mention=Mention(m.start, m.end, m.text))
              for q, m in zip(quotes, (sr.mentions[0], jr.mentions[0]), strict=True)]
    folder = tmp_path / "p"
    with Session.open(folder, "ana") as session:
        session.import_documents([Document("d", "D", text)])
        session.put_layer("d", Layer("orig", {q.id: q for q in quotes},
                                     {"smith-sr": sr, "smith-jr": jr, "roe": roe}))
    out = tmp_path / "ls.json"
    assert main(["export", "--format", "labelstudio", "--layer", "orig", "--out", str(out),
                 "--project", str(folder)]) == 0
    assert main(["import", str(out), "--layer", "back", "--project", str(folder)]) == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    result = tasks[0]["annotations"][0]["result"]
    roe_region = next(r["id"] for r in result if r.get("value", {}).get("text") == "Jane Roe"
                      and r.get("from_name") == "label")
    for r in result:  # the annotator re-points q2's "said" at Jane Roe's mention
        if r.get("type") == "relation" and r["to_id"] == "q2" and r["labels"] == ["said"]:
            r["from_id"] = roe_region
    out.write_text(json.dumps(tasks), encoding="utf-8")
    assert main(["import", str(out), "--layer", "moved", "--project", str(folder)]) == 0
    with Session.open(folder, "ana", read_only=True) as session:
        back, moved = session.layer("d", "back"), session.layer("d", "moved")
    assert back.speakers.keys() == {"smith-sr", "smith-jr", "roe"}
    assert back.speakers["smith-jr"].aliases == ("Smith Jr.",)
    assert (back.quotes["q1"].speaker_id, back.quotes["q2"].speaker_id) == ("smith-sr", "smith-jr")
    assert back.quotes["q1"].cue is not None and back.quotes["q1"].cue.lemma == "say"
    assert moved.quotes["q2"].speaker_id == "roe"
    assert moved.quotes["q2"].speaker_mention is not None
    assert moved.quotes["q2"].speaker_mention.text == "Jane Roe"
    # each namesake's mention widened in Label Studio: each quote keeps its own John Smith
    assert main(["export", "--format", "labelstudio", "--layer", "orig", "--out", str(out),
                 "--project", str(folder)]) == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    for r in tasks[0]["annotations"][0]["result"]:
        if r.get("value", {}).get("start") in (first, second):
            r["value"]["start"] -= len("said ")
            if r["type"] != "textarea":
                r["value"]["text"] = text[r["value"]["start"] : r["value"]["end"]]
    out.write_text(json.dumps(tasks), encoding="utf-8")
    assert main(["import", str(out), "--layer", "widened", "--project", str(folder)]) == 0
    with Session.open(folder, "ana", read_only=True) as session:
        widened = session.layer("d", "widened")
    assert (widened.quotes["q1"].speaker_id, widened.quotes["q2"].speaker_id) == (
        "smith-sr", "smith-jr")


def test_doccano_utf16_offsets_for_a_project_that_counts_them(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export --format doccano --utf16`` counts UTF-16 units (the 🙂 before a quote counts
    two), as read by an independent count; ``import --utf16`` of that file, with its saywho
    record stripped as a doccano project that drops unknown keys would, gives the layer back."""
    out = tmp_path / "u.jsonl"
    assert main(["export", "--format", "doccano", "--utf16", "--layer", "ana", "--out", str(out),
                 "--project", str(project)]) == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    a = next(r for r in lines if r["text"] == TEXT_A)
    units = a["text"].encode("utf-16-le")
    for ent in a["entities"]:
        covered = units[2 * ent["start_offset"] : 2 * ent["end_offset"]].decode("utf-16-le")
        assert covered and covered in TEXT_A
    after_emoji = [e for e in a["entities"] if e["start_offset"] > TEXT_A.index("🙂")]
    assert after_emoji and all(
        units[2 * e["start_offset"] : 2 * e["end_offset"]].decode("utf-16-le")
        == TEXT_A[e["start_offset"] - 1 : e["end_offset"] - 1] for e in after_emoji)
    for record in lines:
        record.pop("saywho", None)
    out.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    assert main(["import", str(out), "--format", "doccano", "--utf16", "--layer", "ana_u16",
                 "--project", str(project)]) == 0
    capsys.readouterr()
    assert main(["agree", "--layers", "ana", "ana_u16", "--json", "--project", str(project)]) == 0
    [pair] = json.loads(capsys.readouterr().out)["overall"]["pairs"]
    assert pair["exact"]["F1"] == 100.0
    assert main(["export", "--format", "csv", "--utf16", "--out", str(tmp_path / "x.csv"),
                 "--project", str(project)]) == 1


def test_csv_for_a_spreadsheet_quotes_cells_that_would_run_as_formulas(tmp_path: Path) -> None:
    """A note "=1+1" and a speaker "@handle": exact by default (for R and pandas); with
    ``--spreadsheet`` each gets a leading ' (Excel and LibreOffice show it, never run it)."""
    import csv

    text = "“We will win,” said @handle on Monday."
    q = _quote(text, "q1", "We will win,", speaker="s1", mention="@handle", stance=None,
               note="=1+1")
    folder = tmp_path / "p"
    with Session.open(folder, "ana") as session:
        session.import_documents([Document("d", "D", text)])
        session.put_layer("d", Layer("orig", {"q1": q}, {"s1": _speaker(text, "s1", "@handle",
                                                                          "@handle")}))
    rows = {}
    for flag in ((), ("--spreadsheet",)):
        out = tmp_path / f"out{len(flag)}.csv"
        assert main(["export", "--format", "csv", "--layer", "orig", *flag, "--out", str(out),
                     "--project", str(folder)]) == 0
        with out.open(encoding="utf-8", newline="") as fh:
            rows[bool(flag)] = next(csv.DictReader(fh))
    assert (rows[False]["note"], rows[False]["speaker"]) == ("=1+1", "@handle")
    assert (rows[True]["note"], rows[True]["speaker"]) == ("'=1+1", "'@handle")
    assert rows[True]["quote"] == "We will win,"
