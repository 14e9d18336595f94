"""doccano export and import: the file is what doccano 1.8 imports, and reads back to the layer.

A project holds two documents and two corrected layers (``ann`` and ``bea``) with split quotes,
notes, a merged speaker (several mentions and aliases), an unlisted mention, a speaker linked
without a mention, stances (one with a colon and spaces), an emoji, a tab and a quote across a
line break. Each line of the export is parsed with ``json`` and checked as doccano checks it;
``read_doccano`` gives the same layer back; edits a doccano user makes (relabelled stance,
removed link, new entity, doccano's own ids) come back as edits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.errors import InputError
from annotations.formats.doccano import read_doccano, write_doccano
from annotations.formats.export_common import DocLayer, quote_annotator
from annotations.model import (
    Cue,
    Document,
    Layer,
    Mention,
    Quote,
    Speaker,
    confidence_of,
    layer_from_records,
)
from annotations.session import Session

TEXT_A = (
    'Mayor Jane Roe 🙂 said the plan "will not work\tfor anyone here." She added that the '
    'council would vote again.\n\n"We are ready," said Tom Poe, "and we will\nwin."\n'
    "The union 👍 backs it."
)
TEXT_B = 'Short note 🙂\twith a tab: "Yes," he said.'
STAMP = "2026-01-02T03:04:05+00:00"


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """The span of the ``nth`` occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mention(text: str, needle: str, nth: int = 0) -> Mention:
    s, e = at(text, needle, nth)
    return Mention(s, e, text[s:e])


def cue(text: str, needle: str, lemma: str, nth: int = 0) -> Cue:
    s, e = at(text, needle, nth)
    return Cue(s, e, text[s:e], lemma)


def quote(text: str, qid: str, spans: list[tuple[int, int]], **fields: object) -> Quote:
    start, end = spans[0][0], spans[-1][1]
    parts = tuple(spans) if len(spans) > 1 else ()
    return Quote(qid, start, end, text[start:end], parts=parts, **fields)  # type: ignore[arg-type]


def layers_a() -> dict[str, Layer]:
    """Two annotators' corrections of TEXT_A."""
    t = TEXT_A
    jane = Speaker("spk-jane", "Jane Roe", "person", ("Mayor Jane Roe", "Roe"),
                   (mention(t, "Jane Roe"), mention(t, "She")))
    tom = Speaker("spk-tom", "Tom Poe", "person", (), (mention(t, "Tom Poe"),))
    union = Speaker("spk-union", "The union", "organization", (), (mention(t, "The union"),))
    q1 = at(t, "will not work\tfor anyone here.")
    ann = layer_from_records("ann", [
        quote(t, "q1", [q1], type="direct", cue=cue(t, "said", "say"),
              speaker_id="spk-jane", speaker_mention=mention(t, "Jane Roe"), stance="oppose",
              confidence={"span": 0.9, "speaker": 0.75}, status="accepted", origin="ann",
              note="tab inside\nand a second line", created=STAMP, updated=STAMP),
        quote(t, "q2", [at(t, "the council would vote again")], type="indirect",
              cue=cue(t, "added", "add"), speaker_id="spk-jane",
              speaker_mention=mention(t, "She"), stance="neutral", status="accepted",
              origin="ann"),
        quote(t, "q3", [at(t, "We are ready,"), at(t, "and we will\nwin.")], type="direct",
              cue=cue(t, "said", "say", 1), speaker_id="spk-tom",
              speaker_mention=mention(t, "Tom Poe"), stance="support", status="suggested",
              origin="detector@1", confidence={"span": 0.5}),
        quote(t, "q4", [at(t, "The union 👍 backs it")], type="indirect", speaker_id="spk-union",
              stance="very much: against", status="rejected", origin="ann"),
    ], [jane, tom, union])
    # bea merged Jane's speakers into one (more mentions, aliases), used an unlisted mention,
    # left the quote across the line break out and drew one of her own
    merged = Speaker("spk-jane", "Jane Roe", "person", ("J. Roe", "Mayor Roe"),
                     (mention(t, "Jane Roe"), mention(t, "She"), mention(t, "Tom Poe")))
    bea = layer_from_records("bea", [
        quote(t, "q1", [q1], type="mixed", speaker_id="spk-jane",
              speaker_mention=mention(t, "Mayor Jane Roe"), stance="support",
              status="accepted", origin="bea", note="not oppose"),
        quote(t, "q3", [at(t, "We are ready,")], type="direct", speaker_id="spk-jane",
              speaker_mention=mention(t, "Tom Poe"), status="accepted", origin="bea"),
        quote(t, "b1", [at(t, "backs it")], type="indirect", status="accepted", origin="bea"),
    ], [merged])
    return {"ann": ann.check(t), "bea": bea.check(t)}


def layer_b(name: str) -> Layer:
    t = TEXT_B
    he = Speaker("spk-he", "he", "unknown", (), (mention(t, "he"),))
    return layer_from_records(name, [
        quote(t, "y1", [at(t, "Yes,")], speaker_id="spk-he", speaker_mention=mention(t, "he"),
              cue=cue(t, "said", "say"), stance="unclear", status="accepted", origin=name),
    ], [he]).check(t)


def build_project(folder: Path) -> Session:
    """A project with documents a and b and the layers ann and bea of each."""
    session = Session.open(folder, "ann", detect=lambda text: Layer("suggestions"))
    report = session.import_documents([Document("a", "Article A", TEXT_A),
                                       Document("b", "Article B", TEXT_B)])
    assert sorted(report.added) == ["a", "b"]
    for name, layer in layers_a().items():
        session.put_layer("a", layer, replace=True)
        session.put_layer("b", layer_b(name), replace=True)
    return session


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    s = build_project(tmp_path / "proj")
    yield s
    s.close()


def items(session: Session, name: str) -> list[DocLayer]:
    return [(session.document(d), session.layer(d, name)) for d in session.document_ids()]


def lines(path: Path) -> list[dict]:
    return [json.loads(raw) for raw in path.read_text("utf-8").split("\n") if raw]


def quote_fields(q: Quote) -> tuple:
    m, c = q.speaker_mention, q.cue
    return (q.id, q.start, q.end, q.text, q.parts, q.type, q.speaker_id,
            (m.start, m.end) if m else None, (c.start, c.end, c.lemma) if c else None,
            q.stance, q.status, q.note, q.origin, dict(q.confidence), q.created, q.updated)


def speaker_fields(sp: Speaker) -> tuple:
    return (sp.id, sp.name, sp.kind, sp.aliases, [(m.start, m.end, m.text) for m in sp.mentions])


# --- the file doccano imports --------------------------------------------------------------


@pytest.mark.parametrize("name", ["ann", "bea"])
def test_every_line_is_what_doccano_imports(session: Session, name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.jsonl"
    report = write_doccano(items(session, name), out)
    got = lines(out)
    assert (report.docs, report.quotes) == (2, sum(len(lay.quotes) for _, lay in
                                                  items(session, name)))
    for line, (doc, layer) in zip(got, items(session, name), strict=True):
        text = line["text"]
        assert text == doc.text and line["doc_id"] == doc.id
        assert "id" not in line  # doccano numbers its examples itself
        ents = {}
        for ent in line["entities"]:
            assert set(ent) == {"id", "label", "start_offset", "end_offset"}
            assert isinstance(ent["id"], int) and ent["id"] not in ents
            assert 0 <= ent["start_offset"] < ent["end_offset"] <= len(text)
            label = ent["label"]
            assert label in ("SPEAKER", "CUE") or label.split(":")[0] == "QUOTE"
            ents[ent["id"]] = ent
        rel_ids = set()
        for rel in line["relations"]:
            assert set(rel) == {"id", "from_id", "to_id", "type"}
            assert rel["id"] not in rel_ids
            rel_ids.add(rel["id"])
            assert rel["from_id"] in ents and rel["to_id"] in ents
            kinds = (ents[rel["from_id"]]["label"].split(":")[0], ents[rel["to_id"]]["label"])
            expected = {"said_by": "SPEAKER", "cued_by": "CUE"}.get(rel["type"])
            if expected:
                assert kinds == ("QUOTE", expected)
            else:
                assert rel["type"] == "continues" and kinds[0] == "QUOTE"
        by_span = {(e["start_offset"], e["end_offset"], e["label"]) for e in ents.values()}
        for q in layer.quotes.values():
            label = f"QUOTE:{q.stance}" if q.stance else "QUOTE"
            for s, e in q.part_spans():
                assert (s, e, label) in by_span
            if not q.parts:
                assert text[q.start : q.end] == q.text
            else:
                assert [text[s:e] for s, e in q.parts] == [doc.text[s:e] for s, e in q.parts]
        for sp in layer.speakers.values():
            for m in sp.mentions:
                assert (m.start, m.end, "SPEAKER") in by_span
                assert text[m.start : m.end] == m.text
        # what doccano cannot hold rides in "saywho"
        meta = line["saywho"]
        assert meta["doc_id"] == doc.id and meta["offsets"] == "code points"
        assert {q["id"]: (q["confidence"], q["annotator"]) for q in meta["quotes"]} == {
            q.id: (confidence_of(q), quote_annotator(q, layer)) for q in layer.quotes.values()}
        assert {s["id"]: s["name"] for s in meta["speakers"]} == {
            s.id: s.name for s in layer.speakers.values()}


def test_split_quote_links_and_stance_label(session: Session, tmp_path: Path) -> None:
    write_doccano(items(session, "ann"), tmp_path / "x.jsonl")
    line = lines(tmp_path / "x.jsonl")[0]
    text = line["text"]
    ents = {e["id"]: e for e in line["entities"]}

    def reads(eid: int) -> str:
        return text[ents[eid]["start_offset"] : ents[eid]["end_offset"]]

    rels = [(reads(r["from_id"]), r["type"], reads(r["to_id"])) for r in line["relations"]]
    assert ("and we will\nwin.", "continues", "We are ready,") in rels
    assert ("We are ready,", "said_by", "Tom Poe") in rels
    assert ("will not work\tfor anyone here.", "said_by", "Jane Roe") in rels
    assert ("the council would vote again", "said_by", "She") in rels
    assert ("the council would vote again", "cued_by", "added") in rels
    labels = {reads(e["id"]): e["label"] for e in line["entities"]}
    assert labels["The union 👍 backs it"] == "QUOTE:very much: against"
    assert labels["the council would vote again"] == "QUOTE:neutral"
    # one SPEAKER entity per span, however many quotes name it
    spans = [(e["start_offset"], e["end_offset"]) for e in line["entities"]
             if e["label"] == "SPEAKER"]
    assert len(spans) == len(set(spans))


# --- reading it back -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ann", "bea"])
def test_read_doccano_gives_the_layer_back(session: Session, name: str, tmp_path: Path) -> None:
    write_doccano(items(session, name), tmp_path / "x.jsonl")
    back = read_doccano(tmp_path / "x.jsonl", layer=name)
    assert [(d, t) for d, t, _ in back] == [(doc.id, doc.text) for doc, _ in items(session, name)]
    for (_d, _t, got), (_doc, want) in zip(back, items(session, name), strict=True):
        assert sorted(map(quote_fields, got.quotes.values())) == sorted(
            map(quote_fields, want.quotes.values()))
        assert sorted(map(speaker_fields, got.speakers.values())) == sorted(
            map(speaker_fields, want.speakers.values()))
        assert got == want


def test_stance_target_rides_in_saywho(session: Session, tmp_path: Path) -> None:
    write_doccano(items(session, "ann"), tmp_path / "t.jsonl", stance_target="the plan")
    assert [line["saywho"]["stance_target"] for line in lines(tmp_path / "t.jsonl")] == [
        "the plan", "the plan"]
    back = read_doccano(tmp_path / "t.jsonl", layer="ann")
    assert [lay for _, _, lay in back] == [lay for _, lay in items(session, "ann")]


def test_utf16_offsets_for_doccano_projects_that_count_them(session: Session,
                                                           tmp_path: Path) -> None:
    write_doccano(items(session, "ann"), tmp_path / "u.jsonl", utf16=True)
    line = lines(tmp_path / "u.jsonl")[0]
    assert line["saywho"]["offsets"] == "utf-16"
    tom = at(TEXT_A, "Tom Poe")
    # one emoji before "Tom Poe": one more UTF-16 unit than code points
    assert any(e["start_offset"] == tom[0] + 1 and e["end_offset"] == tom[1] + 1
               for e in line["entities"])
    back = read_doccano(tmp_path / "u.jsonl", layer="ann")
    assert [lay for _, _, lay in back] == [lay for _, lay in items(session, "ann")]


def test_edits_made_in_doccano_come_back(session: Session, tmp_path: Path) -> None:
    """doccano renumbers entities, adds its own id, and the annotator relabels a stance,
    removes a link and marks a new speaker mention."""
    write_doccano(items(session, "ann"), tmp_path / "x.jsonl")
    line = lines(tmp_path / "x.jsonl")[0]
    text = line["text"]
    renumber = {e["id"]: 900 + i for i, e in enumerate(reversed(line["entities"]))}
    for e in line["entities"]:
        e["id"] = renumber[e["id"]]
    for r in line["relations"]:
        r["from_id"], r["to_id"] = renumber[r["from_id"]], renumber[r["to_id"]]
    line["entities"].reverse()
    line["id"] = 42
    q2 = at(text, "the council would vote again")
    q2_entity = next(e for e in line["entities"]
                     if (e["start_offset"], e["end_offset"]) == q2)
    q2_entity["label"] = "QUOTE:support"
    line["relations"] = [r for r in line["relations"]
                         if not (r["from_id"] == q2_entity["id"] and r["type"] == "said_by")]
    council = at(text, "council")
    line["entities"].append({"id": 5000, "label": "SPEAKER", "start_offset": council[0],
                             "end_offset": council[1]})
    (tmp_path / "edited.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    [(doc_id, _text, got)] = read_doccano(tmp_path / "edited.jsonl", layer="ann")
    want = items(session, "ann")[0][1]
    assert doc_id == "a"  # saywho's id, not doccano's
    assert got.quotes["q2"].stance == "support"
    assert got.quotes["q2"].speaker_id is None and got.quotes["q2"].speaker_mention is None
    assert got.quotes["q2"].cue == want.quotes["q2"].cue
    assert got.speakers["spk-council"].mentions == (Mention(*council, "council"),)
    for qid in ("q1", "q3", "q4"):
        assert got.quotes[qid] == want.quotes[qid]


def test_plain_sequence_labelling_leaves_quotes_unlinked(tmp_path: Path) -> None:
    text = '"We will win," said Tom Poe.'
    q, spk = at(text, "We will win,"), at(text, "Tom Poe")
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"id": 7, "text": text, "label": [
        [q[0], q[1], "QUOTE:support"], [spk[0], spk[1], "SPEAKER"], [0, 1, "PUNCT"]]}) + "\n",
        "utf-8")
    [(doc_id, got_text, layer)] = read_doccano(path, layer="x")
    assert (doc_id, got_text) == ("7", text)
    [got] = layer.quotes.values()
    assert (got.start, got.end, got.stance, got.status) == (*q, "support", "accepted")
    assert got.speaker_id is None and got.speaker_mention is None  # no relation: no guess
    assert layer.speakers["spk-tom-poe"].mentions == (Mention(*spk, "Tom Poe"),)


def test_plain_shape_with_saywho_keeps_what_saywho_recorded(session: Session,
                                                            tmp_path: Path) -> None:
    """A saywho file imported into a doccano project without relations comes back as
    ``label`` triples plus the ``saywho`` metadata: split quotes and links return where the
    entities they name are still there."""
    write_doccano(items(session, "ann"), tmp_path / "x.jsonl")
    plain = []
    for line in lines(tmp_path / "x.jsonl"):
        triples = [[e["start_offset"], e["end_offset"], e["label"]] for e in line["entities"]]
        plain.append({"id": 1 + len(plain), "text": line["text"], "label": triples,
                      "Comments": [], "saywho": line["saywho"]})
    path = tmp_path / "plain.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in plain), "utf-8")
    back = read_doccano(path, layer="ann")
    assert [lay for _, _, lay in back] == [lay for _, lay in items(session, "ann")]


def test_line_without_an_id_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('\n{"text": "No quotes here."}\n', "utf-8")
    assert [(d, t) for d, t, _ in read_doccano(path, layer="x")] == [("line 2",
                                                                      "No quotes here.")]


@pytest.mark.parametrize(("line", "message"), [
    ('{"text": "abc", "entities": [{"id": 1, "label": "QUOTE", "start_offset": 0, '
     '"end_offset": 2}], "relations": [{"id": 1, "from_id": 1, "to_id": 9, "type": "said_by"}]}',
     "relations[0].to_id: no entity has the id 9"),
    ('{"text": "abc", "entities": [{"id": 1, "label": "QUOTE", "start_offset": 0, '
     '"end_offset": 40}], "relations": []}',
     "entities[0].end_offset: offset 40 lies outside the text"),
    ('{"text": "abc", "label": [[2, 1, "QUOTE"]]}', "label[0].end_offset: the span 2-1"),
    ('{"text": "abc", "label": [[0, 1]]}', "label[0]: expected [start, end, label]"),
    ('{"entities": []}', "text: missing"),
    ('{"text": "abc", "entities": [], "saywho": {"quotes": [{"spans": [[0, 9]]}]}}',
     "saywho.quotes[0].spans[0][1]: offset 9 lies outside"),
    ('{"text": "ab\\ud83d\\ude42c", "entities": [{"id": 1, "label": "QUOTE", '
     '"start_offset": 0, "end_offset": 3}], "saywho": {"offsets": "utf-16"}}',
     "the UTF-16 span 0-3 splits a character"),
    ("{not json", "not JSON"),
    ("[1, 2]", "expected a JSON object"),
])
def test_bad_input_is_one_clear_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine"}\n' + line + "\n", "utf-8")
    with pytest.raises(InputError) as info:
        read_doccano(path, layer="x")
    text = str(info.value)
    assert "\n" not in text
    assert message in text
    assert f"{path}" in text
    assert ":2" in text or "record 2" in text


def test_two_lines_with_one_document_id_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_text('{"doc_id": "d", "text": "a"}\n{"doc_id": "d", "text": "b"}\n', "utf-8")
    with pytest.raises(InputError, match=r"dup\.jsonl:2: document id \"d\" already used"):
        read_doccano(path, layer="x")
