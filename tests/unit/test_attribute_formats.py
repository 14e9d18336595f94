"""Speaker attributes through every export format and back: a coded speaker reads back with
its attributes, and a hostile value typed into the file (not text, overlong, a control
character) is refused in one ``InputError`` line by the one rule, ``schema.Attributes``.

The random round trips (``test_export_roundtrip.py``, ``test_conll.py``) draw coded speakers
too; these tests add what a property does not: the hostile values, and a speaker coded in a
format's own place.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotations.errors import InputError
from annotations.formats.brat import read_brat, write_brat
from annotations.formats.conll import read_conll, write_conll
from annotations.formats.doccano import read_doccano, write_doccano
from annotations.formats.labelstudio import read_labelstudio, write_labelstudio
from annotations.formats.webanno import escape_value, write_webanno
from annotations.formats.webanno_read import read_webanno
from annotations.model import Document, Layer, Mention, Quote, Speaker, layer_from_records

TEXT = "“We will not back down,” said Ann Lee. Tom Poe agreed."
HOSTILE = [
    (3, "expected printable text, got 3"),
    ("f" * 201, "longer than 200 characters (201)"),
    ("fe\u0007male", "expected printable text"),
]


def coded_layer() -> tuple[Document, Layer]:
    """Ann Lee (gender and role coded) says the quote; Tom Poe is coded nothing."""
    ann = TEXT.index("Ann Lee")
    tom = TEXT.index("Tom Poe")
    speakers = [
        Speaker("s-ann", "Ann Lee", "person", (), (Mention(ann, ann + 7, "Ann Lee"),),
                (("gender", "female"), ("role", "expert"))),
        Speaker("s-tom", "Tom Poe", "person", (), (Mention(tom, tom + 7, "Tom Poe"),)),
    ]
    quote = Quote("q1", 1, 23, TEXT[1:23], "direct", speaker_id="s-ann",
                  speaker_mention=Mention(ann, ann + 7, "Ann Lee"), status="accepted")
    return Document("d0", "T", TEXT), layer_from_records("ann", [quote], speakers).check(TEXT)


def _refused(read: object, says: str) -> str:
    with pytest.raises(InputError) as caught:
        read()  # type: ignore[operator]
    message = caught.value.message
    assert says in message and "\n" not in message, message
    return message


# --- brat: the speaker's AnnotatorNotes ---------------------------------------------------


def test_brat_carries_attributes_in_the_speaker_note(tmp_path: Path) -> None:
    item = coded_layer()
    write_brat([item], tmp_path)
    ann = (tmp_path / "d0.ann").read_text("utf-8")
    assert '"attributes":{"gender":"female","role":"expert"}' in ann
    assert ann.count('"attributes"') == 1  # Tom Poe's note says nothing of them
    [(_, _, back)] = read_brat(tmp_path, layer="ann")
    assert back.speakers == item[1].speakers


@pytest.mark.parametrize(("value", "says"), HOSTILE)
def test_brat_refuses_a_hostile_attribute_in_a_note(tmp_path: Path, value: object,
                                                    says: str) -> None:
    write_brat([coded_layer()], tmp_path)
    path = tmp_path / "d0.ann"
    bad = json.dumps({"gender": value}, ensure_ascii=True)
    path.write_text(re.sub(r'"attributes":\{[^}]*\}', lambda _: f'"attributes":{bad}',
                           path.read_text("utf-8")), "utf-8")
    message = _refused(lambda: read_brat(tmp_path), says)
    assert re.search(r"d0\.ann: T\d+ note\.attributes\.gender: ", message), message


def _brat(tmp_path: Path) -> tuple[Path, str]:
    write_brat([coded_layer()], tmp_path)
    return tmp_path / "d0.ann", (tmp_path / "d0.ann").read_text("utf-8")


def _tid(ann: str, words: str) -> str:
    return re.search(rf"^(T\d+)\tSpeaker \d+ \d+\t{words}$", ann, re.M).group(1)  # type: ignore[union-attr]


def test_brat_shows_attributes_on_the_speaker_mentions(tmp_path: Path) -> None:
    _, ann = _brat(tmp_path)
    conf = (tmp_path / "annotation.conf").read_text("utf-8")
    assert "gender\tArg:Speaker, Value:female|male|other|unclear\n" in conf
    assert "role\tArg:Speaker, Value:expert\n" in conf
    ann_lee, tom = _tid(ann, "Ann Lee"), _tid(ann, "Tom Poe")
    assert re.search(rf"^A\d+\tgender {ann_lee} female$", ann, re.M)
    assert re.search(rf"^A\d+\trole {ann_lee} expert$", ann, re.M)
    assert not re.search(rf"^A\d+\t(gender|role) {tom} ", ann, re.M)


def test_attributes_edited_in_brat_win_over_the_note(tmp_path: Path) -> None:
    """A coder changes Ann Lee's gender, removes her role and codes Tom Poe in brat."""
    path, ann = _brat(tmp_path)
    ann_lee, tom = _tid(ann, "Ann Lee"), _tid(ann, "Tom Poe")
    ann = ann.replace(f"gender {ann_lee} female", f"gender {ann_lee} unclear")
    ann = re.sub(rf"^A\d+\trole {ann_lee} expert\n", "", ann, flags=re.M)
    path.write_text(ann + f"A90\tgender {tom} male\n", "utf-8")
    [(_, _, back)] = read_brat(tmp_path, layer="ann")
    assert back.speakers["s-ann"].attributes == (("gender", "unclear"),)
    assert back.speakers["s-tom"].attributes == (("gender", "male"),)


def test_brat_attributes_on_speakers_of_another_tool_read_as_coded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Bo said: “Go now.”\n", encoding="utf-8")
    (tmp_path / "a.ann").write_text(
        "T1\tSpeaker 0 2\tBo\nT2\tQuote 10 17\tGo now.\nR1\tSaid Arg1:T1 Arg2:T2\n"
        "A1\tgender T1 male\n", encoding="utf-8")
    [(_, _, layer)] = read_brat(tmp_path)
    assert layer.speakers[layer.quotes["T2"].speaker_id or ""].attributes == (("gender", "male"),)


@pytest.mark.parametrize(("value", "says"), HOSTILE[1:])
def test_brat_refuses_a_hostile_attribute_value_shown_in_brat(tmp_path: Path, value: str,
                                                             says: str) -> None:
    path, ann = _brat(tmp_path)
    ann_lee = _tid(ann, "Ann Lee")
    path.write_text(ann.replace(f"gender {ann_lee} female", f"gender {ann_lee} {value}"),
                    "utf-8")
    message = _refused(lambda: read_brat(tmp_path), says)
    assert f"{ann_lee}.attributes.gender: " in message, message


# --- Label Studio: the task's saywho data field ---------------------------------------------


def test_labelstudio_carries_attributes_in_the_saywho_field(tmp_path: Path) -> None:
    item = coded_layer()
    write_labelstudio([item], tmp_path / "t.json")
    [task] = json.loads((tmp_path / "t.json").read_text("utf-8"))
    coded = [sp.get("attributes") for sp in task["data"]["saywho"]["speakers"]]
    assert coded == [{"gender": "female", "role": "expert"}, None]
    [(_, _, back)] = read_labelstudio(tmp_path / "t.json", layer="ann")
    assert {sid: sp.attributes for sid, sp in back.speakers.items()} == {
        sid: sp.attributes for sid, sp in item[1].speakers.items()}


@pytest.mark.parametrize(("value", "says"), HOSTILE)
def test_labelstudio_refuses_a_hostile_attribute_in_the_saywho_field(
    tmp_path: Path, value: object, says: str
) -> None:
    write_labelstudio([coded_layer()], tmp_path / "t.json")
    tasks = json.loads((tmp_path / "t.json").read_text("utf-8"))
    tasks[0]["data"]["saywho"]["speakers"][0]["attributes"] = {"gender": value}
    (tmp_path / "t.json").write_text(json.dumps(tasks), "utf-8")
    message = _refused(lambda: read_labelstudio(tmp_path / "t.json"), says)
    assert "data.saywho.speakers[0].attributes.gender: " in message, message


def test_labelstudio_json_min_keeps_the_attributes_of_its_speakers(tmp_path: Path) -> None:
    """JSON-MIN keeps the task's data fields at the top, saywho's too: a speaker span read
    from it is the recorded speaker of that name, with its attributes."""
    doc, layer = coded_layer()
    write_labelstudio([(doc, layer)], tmp_path / "t.json")
    [task] = json.loads((tmp_path / "t.json").read_text("utf-8"))
    ann = TEXT.index("Ann Lee")
    record = {**task["data"], "id": 1, "annotator": "ann", "label": [
        {"start": ann, "end": ann + 7, "text": "Ann Lee", "labels": ["Speaker"]}]}
    (tmp_path / "min.json").write_text(json.dumps([record]), "utf-8")
    [(_, _, back)] = read_labelstudio(tmp_path / "min.json", layer="ann")
    assert back.speakers["s-ann"].attributes == (("gender", "female"), ("role", "expert"))


def test_labelstudio_keeps_a_namesake_s_attributes_when_no_region_names_it(
    tmp_path: Path
) -> None:
    """Two speakers of one name, the coded one without a mention of its own: the quote names
    it through the other's span, and it comes back as recorded (kind, attributes), not as a
    bare speaker of that name."""
    ann = TEXT.index("Ann Lee")
    mention = Mention(ann, ann + 7, "Ann Lee")
    speakers = [Speaker("s-a", "Ann Lee", "person", (), (mention,)),
                Speaker("s-b", "Ann Lee", "person", ("Lee",), (), (("gender", "female"),))]
    quote = Quote("q1", 1, 23, TEXT[1:23], "direct", speaker_id="s-b",
                  speaker_mention=mention, status="suggested")
    layer = layer_from_records("ann", [quote], speakers).check(TEXT)
    write_labelstudio([(Document("d0", "T", TEXT), layer)], tmp_path / "t.json")
    [(_, _, back)] = read_labelstudio(tmp_path / "t.json", layer="ann")
    assert back.quotes["q1"].speaker_id == "s-b"
    assert back.speakers["s-b"] == layer.speakers["s-b"]


# --- doccano: the line's saywho object ---------------------------------------------------


def test_doccano_carries_attributes_in_the_saywho_object(tmp_path: Path) -> None:
    item = coded_layer()
    write_doccano([item], tmp_path / "d.jsonl")
    [line] = (tmp_path / "d.jsonl").read_text("utf-8").splitlines()
    coded = [sp.get("attributes") for sp in json.loads(line)["saywho"]["speakers"]]
    assert coded == [{"gender": "female", "role": "expert"}, None]
    [(_, _, back)] = read_doccano(tmp_path / "d.jsonl", layer="ann")
    assert back.speakers == item[1].speakers


@pytest.mark.parametrize(("value", "says"), HOSTILE)
def test_doccano_refuses_a_hostile_attribute_in_the_saywho_object(
    tmp_path: Path, value: object, says: str
) -> None:
    write_doccano([coded_layer()], tmp_path / "d.jsonl")
    line = json.loads((tmp_path / "d.jsonl").read_text("utf-8"))
    line["saywho"]["speakers"][0]["attributes"] = {"gender": value}
    (tmp_path / "d.jsonl").write_text(json.dumps(line) + "\n", "utf-8")
    message = _refused(lambda: read_doccano(tmp_path / "d.jsonl"), says)
    assert "saywho.speakers[0].attributes.gender: " in message, message


# --- WebAnno / INCEpTION TSV: the Speaker layer's attributes feature -----------------------


def test_webanno_carries_attributes_in_a_speaker_feature(tmp_path: Path) -> None:
    item = coded_layer()
    write_webanno([item], tmp_path)
    tsv = (tmp_path / "d0.tsv").read_text("utf-8")
    assert "#T_SP=webanno.custom.Speaker|name|kind|speakerId|attributes\n" in tsv
    assert '{"gender":"female","role":"expert"}[' in tsv
    [(_, _, back)] = read_webanno(tmp_path, layer="ann", texts={"d0": TEXT})
    assert {sid: sp.attributes for sid, sp in back.speakers.items()} == {
        sid: sp.attributes for sid, sp in item[1].speakers.items()}


def test_webanno_without_coded_speakers_has_no_attributes_column(tmp_path: Path) -> None:
    doc, layer = coded_layer()
    plain = Layer(layer.name, layer.quotes, {
        sid: Speaker(sp.id, sp.name, sp.kind, sp.aliases, sp.mentions)
        for sid, sp in layer.speakers.items()})
    write_webanno([(doc, plain)], tmp_path)
    assert "#T_SP=webanno.custom.Speaker|name|kind|speakerId\n" in (
        tmp_path / "d0.tsv").read_text("utf-8")


@pytest.mark.parametrize(("value", "says"), [*HOSTILE, (
    "gender=female", 'expected a JSON object of attribute names and values, got "gender=female"')])
def test_webanno_refuses_a_hostile_attribute_in_the_speaker_feature(
    tmp_path: Path, value: object, says: str
) -> None:
    write_webanno([coded_layer()], tmp_path)
    path = tmp_path / "d0.tsv"
    bad = value if isinstance(value, str) and "=" in value else json.dumps({"gender": value})
    path.write_text(path.read_text("utf-8").replace(
        '{"gender":"female","role":"expert"}', escape_value(bad)), "utf-8")
    message = _refused(lambda: read_webanno(tmp_path, texts={"d0": TEXT}), says)
    assert re.search(r"d0\.tsv: line \d+\.attributes", message), message


# --- CoNLL: the speaker.<k> comment ---------------------------------------------------------


def test_conll_carries_attributes_in_the_speaker_comment(tmp_path: Path) -> None:
    item = coded_layer()
    write_conll([item], tmp_path / "a.conll")
    comments = [ln for ln in (tmp_path / "a.conll").read_text("utf-8").splitlines()
                if ln.startswith("# speaker.")]
    assert ['"attributes": {"gender": "female", "role": "expert"}' in ln
            for ln in comments] == [True, False]
    [(_, _, back)] = read_conll(tmp_path / "a.conll", layer="ann", text_of={"d0": TEXT}.get)
    assert back.speakers == item[1].speakers


@pytest.mark.parametrize(("value", "says"), HOSTILE)
def test_conll_refuses_a_hostile_attribute_in_the_speaker_comment(
    tmp_path: Path, value: object, says: str
) -> None:
    path = tmp_path / "a.conll"
    write_conll([coded_layer()], path)
    bad = json.dumps({"gender": value})
    path.write_text(re.sub(r'"attributes": \{[^}]*\}', lambda _: f'"attributes": {bad}',
                           path.read_text("utf-8")), "utf-8")
    message = _refused(lambda: read_conll(path, layer="ann", text_of={"d0": TEXT}.get), says)
    assert re.search(r"a\.conll:\d+: speaker\.1\.attributes\.gender: ", message), message


def _ls_task(tmp_path: Path, layer: Layer | None = None) -> dict:
    item = coded_layer() if layer is None else (Document("d0", "T", TEXT), layer)
    write_labelstudio([item], tmp_path / "t.json")
    [task] = json.loads((tmp_path / "t.json").read_text("utf-8"))
    return task


def _ls_read(tmp_path: Path, task: dict) -> Layer:
    (tmp_path / "t.json").write_text(json.dumps([task]), "utf-8")
    [(_, _, back)] = read_labelstudio(tmp_path / "t.json", layer="ann")
    return back


def test_labelstudio_offers_a_choices_control_per_attribute(tmp_path: Path) -> None:
    task = _ls_task(tmp_path)
    config = (tmp_path / "t.config.xml").read_text("utf-8")
    gender = re.search(r'<Choices name="attribute_gender"[^>]*>(.*?)</Choices>', config, re.S)
    assert gender is not None and re.findall(r'value="(\w+)"', gender.group(1)) == [
        "female", "male", "other", "unclear"]  # gender's own values, for any speaker
    assert '<Choices name="attribute_role"' in config
    shown = {(r["value"]["text"], r["from_name"]): r["value"]["choices"]
             for r in task["annotations"][0]["result"] if r["type"] == "choices"}
    assert shown[("Ann Lee", "attribute_gender")] == ["female"]
    assert shown[("Ann Lee", "attribute_role")] == ["expert"]
    assert ("Tom Poe", "attribute_gender") not in shown


def test_labelstudio_shows_a_region_s_controls_only_on_that_kind_of_region(
        tmp_path: Path) -> None:
    """A coder who selects a speaker's mention sees its kind and attributes, not a quote's
    stance and codes (Label Studio's nested labeling: ``whenLabelValue``)."""
    from dataclasses import replace
    from xml.etree import ElementTree

    from annotations.codebook import CodedVariable

    doc, layer = coded_layer()
    coded = replace(layer, quotes={k: replace(q, codes=(("topic", "crime"),))
                                   for k, q in layer.quotes.items()})
    write_labelstudio([(doc, coded)], tmp_path / "t.json",
                      quote_variables=(CodedVariable("topic", ("crime",)),))
    view = ElementTree.parse(tmp_path / "t.config.xml").getroot()
    shown = {c.get("name"): (c.get("visibleWhen"), c.get("whenTagName"), c.get("whenLabelValue"))
             for c in view if c.tag in ("Choices", "TextArea")}
    speaker, quote = (("region-selected", "label", "Speaker"),
                      ("region-selected", "label", "Quote"))
    assert view.find("Labels").get("name") == "label"
    assert shown == {"quote_type": quote, "stance": quote, "status": quote, "note": quote,
                     "code_topic": quote, "speaker_kind": speaker,
                     "attribute_gender": speaker, "attribute_role": speaker,
                     # a quote's region names its speaker too; a cue's has no speaker
                     "speaker_name": ("region-selected", "label", "Quote,Speaker")}


def test_labelstudio_config_without_coded_speakers_is_as_before(tmp_path: Path) -> None:
    doc, layer = coded_layer()
    plain = Layer(layer.name, layer.quotes, {
        sid: Speaker(sp.id, sp.name, sp.kind, sp.aliases, sp.mentions)
        for sid, sp in layer.speakers.items()})
    _ls_task(tmp_path, plain)
    assert "attribute_" not in (tmp_path / "t.config.xml").read_text("utf-8")


def test_a_value_chosen_in_labelstudio_wins(tmp_path: Path) -> None:
    """A coder changes Ann Lee's gender on her mention and codes Tom Poe in Label Studio."""
    task = _ls_task(tmp_path)
    result = task["annotations"][0]["result"]
    for r in result:
        if r.get("from_name") == "attribute_gender":
            r["value"]["choices"] = ["unclear"]
    tom = next(r for r in result if r.get("value", {}).get("text") == "Tom Poe")
    result.append({**tom, "from_name": "attribute_gender", "type": "choices",
                   "value": {**tom["value"], "choices": ["male"]}})
    back = _ls_read(tmp_path, task)
    assert back.speakers["s-ann"].attributes == (("gender", "unclear"), ("role", "expert"))
    assert back.speakers["s-tom"].attributes == (("gender", "male"),)


def test_an_attribute_name_that_cannot_be_a_column_is_refused_on_the_way_back(
    tmp_path: Path
) -> None:
    """A name the project could never define ("news role": not a column name) gets no
    control, and reading it back is refused in one line, as every importer refuses it."""
    doc, layer = coded_layer()
    ann = layer.speakers["s-ann"]
    odd = Layer(layer.name, layer.quotes, {**layer.speakers, "s-ann": Speaker(
        ann.id, ann.name, ann.kind, ann.aliases, ann.mentions, (("news role", "expert"),))})
    task = _ls_task(tmp_path, odd)
    assert "news role" not in (tmp_path / "t.config.xml").read_text("utf-8")
    _refused(lambda: _ls_read(tmp_path, task), "it becomes a column name")


@pytest.mark.parametrize(("value", "says"), [
    ("f" * 201, "value.choices[0]: longer than 200 characters (201)"),  # as any choice
    ("fe\u0007male", "attributes.gender: expected printable text"),
])
def test_labelstudio_refuses_a_hostile_attribute_choice(tmp_path: Path, value: str,
                                                        says: str) -> None:
    task = _ls_task(tmp_path)
    for r in task["annotations"][0]["result"]:
        if r.get("from_name") == "attribute_gender":
            r["value"]["choices"] = [value]
    (tmp_path / "t.json").write_text(json.dumps([task]), "utf-8")
    _refused(lambda: read_labelstudio(tmp_path / "t.json"), says)
