"""Quote variables (a quote's ``codes``: topic, tone…) through every export format and back:
a coded quote reads back with its codes, a value changed in the tool's own place wins, and a
hostile value typed into the file (not text, overlong, a control character, a name that
cannot be a column) is refused in one ``InputError`` line by the one rule
(``schema.Attributes``, then ``codebook.coded_problem``).

The random round trips (``test_export_roundtrip.py``, ``test_conll.py``) draw coded quotes
too; these tests add what a property does not: the hostile values, and a quote coded in a
format's own place.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotations.codebook import CodedVariable
from annotations.errors import InputError
from annotations.formats.brat import read_brat, write_brat
from annotations.formats.conll import read_conll, write_conll
from annotations.formats.doccano import read_doccano, write_doccano
from annotations.formats.labelstudio import read_labelstudio, write_labelstudio
from annotations.formats.webanno import escape_value, write_webanno
from annotations.formats.webanno_read import read_webanno
from annotations.model import Document, Layer, Mention, Quote, Speaker, layer_from_records
from annotations.session import Session
from tui.cli import main

TEXT = "“We will not back down,” said Ann Lee. “It is a waste,” Tom Poe said."
CODES = (("tone", "angry"), ("topic", "public safety"))
HOSTILE = [
    (3, "expected printable text, got 3"),
    ("f" * 201, "longer than 200 characters (201)"),
    ("cri\u0007me", "expected printable text"),
]


def coded_layer(codes: tuple[tuple[str, str], ...] = CODES) -> tuple[Document, Layer]:
    """Ann Lee's quote q1 is coded ``codes``; Tom Poe's q2 nothing."""
    ann, tom = TEXT.index("Ann Lee"), TEXT.index("Tom Poe")
    second = TEXT.index("It is")
    speakers = [
        Speaker("s-ann", "Ann Lee", "person", (), (Mention(ann, ann + 7, "Ann Lee"),)),
        Speaker("s-tom", "Tom Poe", "person", (), (Mention(tom, tom + 7, "Tom Poe"),)),
    ]
    quotes = [
        Quote("q1", 1, 23, TEXT[1:23], "direct", speaker_id="s-ann",
              speaker_mention=Mention(ann, ann + 7, "Ann Lee"), status="accepted",
              codes=codes),
        Quote("q2", second, second + 14, TEXT[second:second + 14], "direct",
              speaker_id="s-tom", speaker_mention=Mention(tom, tom + 7, "Tom Poe"),
              status="accepted"),
    ]
    return Document("d0", "T", TEXT), layer_from_records("ann", quotes, speakers).check(TEXT)


def uncoded(layer: Layer) -> Layer:
    """``layer`` with no quote coded."""
    return Layer(layer.name, {qid: Quote.from_dict({**q.to_dict(), "codes": {}})
                              for qid, q in layer.quotes.items()}, layer.speakers)


def codes_of(layer: Layer) -> dict[str, tuple[tuple[str, str], ...]]:
    return {qid: q.codes for qid, q in layer.quotes.items()}


def _refused(read: object, says: str) -> str:
    with pytest.raises(InputError) as caught:
        read()  # type: ignore[operator]
    message = caught.value.message
    assert says in message and "\n" not in message, message
    return message


# --- brat: the quote's note and brat attributes on the Quote --------------------------------


def _brat(tmp_path: Path, item: tuple[Document, Layer] | None = None) -> tuple[Path, str]:
    write_brat([item or coded_layer()], tmp_path)
    return tmp_path / "d0.ann", (tmp_path / "d0.ann").read_text("utf-8")


def _quote_tid(ann: str, words: str) -> str:
    found = re.search(rf"^(T\d+)\tQuote [\d ;]+\t{words}", ann, re.M)
    assert found is not None
    return found.group(1)


def test_brat_carries_codes_in_the_note_and_on_the_quote(tmp_path: Path) -> None:
    item = coded_layer()
    _, ann = _brat(tmp_path, item)
    conf = (tmp_path / "annotation.conf").read_text("utf-8")
    assert "tone\tArg:Quote, Value:angry\n" in conf
    assert "topic\tArg:Quote, Value:public_safety\n" in conf
    q1, q2 = _quote_tid(ann, "We will"), _quote_tid(ann, "It is")
    assert re.search(rf"^A\d+\ttopic {q1} public_safety$", ann, re.M)
    assert re.search(rf"^A\d+\ttone {q1} angry$", ann, re.M)
    assert not re.search(rf"^A\d+\t(tone|topic) {q2} ", ann, re.M)
    assert '"codes":{"tone":"angry","topic":"public safety"}' in ann
    assert ann.count('"codes"') == 1  # q2's note says nothing of them
    [(_, _, back)] = read_brat(tmp_path, layer="ann")
    assert codes_of(back) == codes_of(item[1])  # the note's exact "public safety"


def test_brat_without_codes_writes_as_before(tmp_path: Path) -> None:
    doc, layer = coded_layer()
    _, ann = _brat(tmp_path, (doc, uncoded(layer)))
    assert '"codes"' not in ann and not re.search(r"^A\d+\tto", ann, re.M)
    conf = (tmp_path / "annotation.conf").read_text("utf-8")
    assert conf.endswith("Kind\tArg:Speaker, Value:person|organization|group|unknown\n")


def test_brat_declares_a_name_of_a_speaker_attribute_and_a_quote_variable_once(
    tmp_path: Path
) -> None:
    doc, layer = coded_layer((("role", "expert view"),))
    ann = layer.speakers["s-ann"]
    layer = Layer(layer.name, layer.quotes, {**layer.speakers, "s-ann": Speaker(
        ann.id, ann.name, ann.kind, ann.aliases, ann.mentions, (("role", "expert"),))})
    _brat(tmp_path, (doc, layer))
    conf = (tmp_path / "annotation.conf").read_text("utf-8")
    assert "role\tArg:Speaker|Quote, Value:expert|expert_view\n" in conf
    [(_, _, back)] = read_brat(tmp_path, layer="ann")
    assert back == layer


def test_codes_edited_in_brat_win_over_the_note(tmp_path: Path) -> None:
    """A coder changes q1's topic, removes its tone and codes q2 in brat."""
    path, ann = _brat(tmp_path)
    q1, q2 = _quote_tid(ann, "We will"), _quote_tid(ann, "It is")
    ann = ann.replace(f"topic {q1} public_safety", f"topic {q1} economy")
    ann = re.sub(rf"^A\d+\ttone {q1} angry\n", "", ann, flags=re.M)
    path.write_text(ann + f"A90\ttone {q2} calm\n", "utf-8")
    [(_, _, back)] = read_brat(tmp_path, layer="ann")
    assert codes_of(back) == {"q1": (("topic", "economy"),), "q2": (("tone", "calm"),)}


def test_brat_codes_on_quotes_of_another_tool_read_as_coded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Bo said: “Go now.”\n", encoding="utf-8")
    (tmp_path / "a.ann").write_text(
        "T1\tSpeaker 0 2\tBo\nT2\tQuote 10 17\tGo now.\nR1\tSaid Arg1:T1 Arg2:T2\n"
        "A1\ttopic T2 crime\nA2\tStance T2 support\n", encoding="utf-8")
    [(_, _, layer)] = read_brat(tmp_path)
    assert layer.quotes["T2"].codes == (("topic", "crime"),)


@pytest.mark.parametrize(("value", "says"), HOSTILE)
def test_brat_refuses_a_hostile_code_in_a_note(tmp_path: Path, value: object,
                                               says: str) -> None:
    path, ann = _brat(tmp_path)
    bad = json.dumps({"topic": value}, ensure_ascii=True)
    path.write_text(re.sub(r'"codes":\{[^}]*\}', lambda _: f'"codes":{bad}', ann), "utf-8")
    message = _refused(lambda: read_brat(tmp_path), says)
    assert re.search(r"d0\.ann: T\d+ note\.codes\.topic: ", message), message


@pytest.mark.parametrize(("shown", "says"), [
    *((f"tone {value}", says) for value, says in HOSTILE[1:]),
    ("2tone angry", "it becomes a column name")])
def test_brat_refuses_a_hostile_code_shown_in_brat(tmp_path: Path, shown: str,
                                                  says: str) -> None:
    path, ann = _brat(tmp_path)
    q1 = _quote_tid(ann, "We will")
    name, value = shown.split(" ")
    path.write_text(ann.replace(f"tone {q1} angry", f"{name} {q1} {value}"), "utf-8")
    message = _refused(lambda: read_brat(tmp_path), says)
    assert f"{q1}.codes" in message, message


# --- doccano: the line's saywho object ---------------------------------------------------


def test_doccano_carries_codes_in_the_saywho_object(tmp_path: Path) -> None:
    item = coded_layer()
    write_doccano([item], tmp_path / "d.jsonl")
    [line] = (tmp_path / "d.jsonl").read_text("utf-8").splitlines()
    coded = [q.get("codes") for q in json.loads(line)["saywho"]["quotes"]]
    assert coded == [{"tone": "angry", "topic": "public safety"}, None]
    [(_, _, back)] = read_doccano(tmp_path / "d.jsonl", layer="ann")
    assert back == item[1]


@pytest.mark.parametrize(("value", "says"), HOSTILE)
def test_doccano_refuses_a_hostile_code_in_the_saywho_object(
    tmp_path: Path, value: object, says: str
) -> None:
    write_doccano([coded_layer()], tmp_path / "d.jsonl")
    line = json.loads((tmp_path / "d.jsonl").read_text("utf-8"))
    line["saywho"]["quotes"][0]["codes"] = {"topic": value}
    (tmp_path / "d.jsonl").write_text(json.dumps(line) + "\n", "utf-8")
    message = _refused(lambda: read_doccano(tmp_path / "d.jsonl"), says)
    assert "saywho.quotes[0].codes.topic: " in message, message


def test_doccano_refuses_a_code_name_that_cannot_be_a_column(tmp_path: Path) -> None:
    write_doccano([coded_layer((("news topic", "crime"),))], tmp_path / "d.jsonl")
    _refused(lambda: read_doccano(tmp_path / "d.jsonl"), "codes: \"news topic\": \"crime\": "
             "a letter, then letters")


# --- Label Studio: a Choices control per variable, and the task's saywho field -------------


def _ls_task(tmp_path: Path, item: tuple[Document, Layer] | None = None) -> dict:
    write_labelstudio([item or coded_layer()], tmp_path / "t.json")
    [task] = json.loads((tmp_path / "t.json").read_text("utf-8"))
    return task


def _ls_read(tmp_path: Path, task: dict) -> Layer:
    (tmp_path / "t.json").write_text(json.dumps([task]), "utf-8")
    [(_, _, back)] = read_labelstudio(tmp_path / "t.json", layer="ann")
    return back


def test_labelstudio_carries_codes_as_choices_and_in_the_saywho_field(tmp_path: Path) -> None:
    item = coded_layer()
    task = _ls_task(tmp_path, item)
    config = (tmp_path / "t.config.xml").read_text("utf-8")
    topic = re.search(r'<Choices name="code_topic"[^>]*>(.*?)</Choices>', config, re.S)
    assert topic is not None and re.findall(r'value="([^"]+)"', topic.group(1)) == [
        "public safety"]
    assert '<Choices name="code_tone"' in config
    shown = {(r["id"], r["from_name"]): r["value"]["choices"]
             for r in task["annotations"][0]["result"] if r["type"] == "choices"}
    assert shown[("q1", "code_topic")] == ["public safety"]
    assert shown[("q1", "code_tone")] == ["angry"]
    assert not any(rid == "q2" and name.startswith("code_") for rid, name in shown)
    quotes = task["data"]["saywho"]["quotes"]
    assert quotes["q1"]["codes"] == {"tone": "angry", "topic": "public safety"}
    assert "codes" not in quotes["q2"]
    assert codes_of(_ls_read(tmp_path, task)) == codes_of(item[1])


def test_labelstudio_without_codes_writes_as_before(tmp_path: Path) -> None:
    doc, layer = coded_layer()
    task = _ls_task(tmp_path, (doc, uncoded(layer)))
    assert "code_" not in (tmp_path / "t.config.xml").read_text("utf-8")
    assert "codes" not in json.dumps(task)


def test_a_code_chosen_in_labelstudio_wins(tmp_path: Path) -> None:
    """A coder changes q1's topic and codes q2's tone in Label Studio; the tone of q1 cleared
    there comes back from the saywho field."""
    task = _ls_task(tmp_path)
    result = task["annotations"][0]["result"]
    for r in result:
        if r.get("from_name") == "code_topic":
            r["value"]["choices"] = ["economy"]
    result[:] = [r for r in result if r.get("from_name") != "code_tone"]
    q2 = next(r for r in result if r.get("id") == "q2" and r["type"] == "labels")
    result.append({**q2, "from_name": "code_tone", "type": "choices",
                   "value": {**q2["value"], "choices": ["calm"]}})
    back = _ls_read(tmp_path, task)
    assert codes_of(back) == {"q1": (("tone", "angry"), ("topic", "economy")),
                              "q2": (("tone", "calm"),)}


@pytest.mark.parametrize(("value", "says"), HOSTILE)
def test_labelstudio_refuses_a_hostile_code_in_the_saywho_field(
    tmp_path: Path, value: object, says: str
) -> None:
    task = _ls_task(tmp_path)
    task["data"]["saywho"]["quotes"]["q1"]["codes"] = {"topic": value}
    message = _refused(lambda: _ls_read(tmp_path, task), says)
    assert "data.saywho.quotes.q1.codes.topic: " in message, message


@pytest.mark.parametrize(("value", "says"), [
    ("f" * 201, "value.choices[0]: longer than 200 characters (201)"),  # as any choice
    ("cri\u0007me", "codes.topic: expected printable text"),
    ("(not coded)", "(not coded) is what the statistics call"),
])
def test_labelstudio_refuses_a_hostile_code_choice(tmp_path: Path, value: str,
                                                   says: str) -> None:
    task = _ls_task(tmp_path)
    for r in task["annotations"][0]["result"]:
        if r.get("from_name") == "code_topic":
            r["value"]["choices"] = [value]
    _refused(lambda: _ls_read(tmp_path, task), says)


def test_a_code_name_that_cannot_be_a_control_is_refused_on_the_way_back(
    tmp_path: Path
) -> None:
    doc, layer = coded_layer((("news topic", "crime"),))
    task = _ls_task(tmp_path, (doc, layer))
    assert "news topic" not in (tmp_path / "t.config.xml").read_text("utf-8")
    _refused(lambda: _ls_read(tmp_path, task), "it becomes a column name")


# --- WebAnno / INCEpTION TSV: the Quote layer's codes feature ------------------------------


def test_webanno_carries_codes_in_a_quote_feature(tmp_path: Path) -> None:
    item = coded_layer()
    write_webanno([item], tmp_path)
    tsv = (tmp_path / "d0.tsv").read_text("utf-8")
    assert ("#T_SP=webanno.custom.Quote|quoteId|quoteType|speaker|speakerId|stance|status|"
            "stanceTarget|codes\n") in tsv
    assert '{"tone":"angry","topic":"public safety"}[' in tsv
    [(_, _, back)] = read_webanno(tmp_path, layer="ann", texts={"d0": TEXT})
    assert codes_of(back) == codes_of(item[1])


def test_webanno_without_coded_quotes_has_no_codes_column(tmp_path: Path) -> None:
    doc, layer = coded_layer()
    write_webanno([(doc, uncoded(layer))], tmp_path)
    assert ("#T_SP=webanno.custom.Quote|quoteId|quoteType|speaker|speakerId|stance|status|"
            "stanceTarget\n") in (tmp_path / "d0.tsv").read_text("utf-8")


@pytest.mark.parametrize(("value", "says"), [*HOSTILE, (
    "topic=crime", 'expected a JSON object of attribute names and values, got "topic=crime"')])
def test_webanno_refuses_a_hostile_code_in_the_quote_feature(
    tmp_path: Path, value: object, says: str
) -> None:
    write_webanno([coded_layer()], tmp_path)
    path = tmp_path / "d0.tsv"
    bad = value if isinstance(value, str) and "=" in value else json.dumps({"topic": value})
    path.write_text(path.read_text("utf-8").replace(
        '{"tone":"angry","topic":"public safety"}', escape_value(bad)), "utf-8")
    message = _refused(lambda: read_webanno(tmp_path, texts={"d0": TEXT}), says)
    assert re.search(r"d0\.tsv: line \d+\.codes", message), message


# --- CoNLL: the quote.<q> comment --------------------------------------------------------------


def test_conll_carries_codes_in_the_quote_comment(tmp_path: Path) -> None:
    item = coded_layer()
    write_conll([item], tmp_path / "a.conll")
    comments = [ln for ln in (tmp_path / "a.conll").read_text("utf-8").splitlines()
                if ln.startswith("# quote.")]
    assert ['"codes": {"tone": "angry", "topic": "public safety"}' in ln
            for ln in comments] == [True, False]
    [(_, _, back)] = read_conll(tmp_path / "a.conll", layer="ann", text_of={"d0": TEXT}.get)
    assert back == item[1]


@pytest.mark.parametrize(("value", "says"), [
    *HOSTILE, ("(not coded)", "(not coded) is what the statistics call")])
def test_conll_refuses_a_hostile_code_in_the_quote_comment(
    tmp_path: Path, value: object, says: str
) -> None:
    path = tmp_path / "a.conll"
    write_conll([coded_layer()], path)
    bad = json.dumps({"topic": value})
    path.write_text(re.sub(r'"codes": \{[^}]*\}', lambda _: f'"codes": {bad}',
                           path.read_text("utf-8")), "utf-8")
    message = _refused(lambda: read_conll(path, layer="ann", text_of={"d0": TEXT}.get), says)
    assert re.search(r"a\.conll:\d+: quote\.1\.codes", message), message


# --- the project's values in brat's annotation.conf and Label Studio's configuration -------

TOPIC = CodedVariable("topic", ("economy", "public safety", "health"))
ROLE = CodedVariable("role", ("citizen", "expert", "official"))


def _ls_offered(config: str, control: str) -> list[str]:
    found = re.search(rf'<Choices name="{control}"[^>]*>(.*?)</Choices>', config, re.S)
    assert found is not None, control
    return re.findall(r'value="([^"]+)"', found.group(1))


def test_the_writers_offer_the_project_s_values_first(tmp_path: Path) -> None:
    """A coder in brat or Label Studio can choose a value of the project no quote or speaker
    of the export has yet; a value the project does not define (tone) is offered as used."""
    doc, layer = coded_layer()
    ann = layer.speakers["s-ann"]
    layer = Layer(layer.name, layer.quotes, {**layer.speakers, "s-ann": Speaker(
        ann.id, ann.name, ann.kind, ann.aliases, ann.mentions, (("role", "expert"),))})
    write_brat([(doc, layer)], tmp_path / "brat", speaker_attributes=(ROLE,),
               quote_variables=(TOPIC,))
    conf = (tmp_path / "brat" / "annotation.conf").read_text("utf-8")
    assert "topic\tArg:Quote, Value:economy|public_safety|health\n" in conf
    assert "tone\tArg:Quote, Value:angry\n" in conf
    assert "role\tArg:Speaker, Value:citizen|expert|official\n" in conf
    write_labelstudio([(doc, layer)], tmp_path / "t.json", speaker_attributes=(ROLE,),
                      quote_variables=(TOPIC,))
    config = (tmp_path / "t.config.xml").read_text("utf-8")
    assert _ls_offered(config, "code_topic") == ["economy", "public safety", "health"]
    assert _ls_offered(config, "code_tone") == ["angry"]
    assert _ls_offered(config, "attribute_role") == ["citizen", "expert", "official"]


def test_export_offers_the_project_s_values(tmp_path: Path) -> None:
    """``saywho export`` hands the project's variables and attributes to brat and Label
    Studio: the values it defines come first, also those no quote or speaker has yet."""
    folder = tmp_path / "p"
    doc, layer = coded_layer((("topic", "health"),))
    ann = layer.speakers["s-ann"]
    layer = Layer(layer.name, layer.quotes, {**layer.speakers, "s-ann": Speaker(
        ann.id, ann.name, ann.kind, ann.aliases, ann.mentions, (("role", "expert"),))})
    with Session.open(folder, "ann") as session:
        session.import_documents([doc])
        session.put_layer("d0", layer, replace=True)
        session.define_attribute("topic", TOPIC.values, quote=True)
        session.define_attribute("role", ROLE.values)
    for fmt, out in (("brat", tmp_path / "brat"), ("labelstudio", tmp_path / "t.json")):
        assert main(["--project", str(folder), "--annotator", "ann", "export", "--format",
                     fmt, "--layer", "ann", "--out", str(out)]) == 0
    conf = (tmp_path / "brat" / "annotation.conf").read_text("utf-8")
    assert "topic\tArg:Quote, Value:economy|public_safety|health\n" in conf
    assert "role\tArg:Speaker, Value:citizen|expert|official\n" in conf
    config = (tmp_path / "t.config.xml").read_text("utf-8")
    assert _ls_offered(config, "code_topic") == ["economy", "public safety", "health"]
    assert _ls_offered(config, "attribute_role") == ["citizen", "expert", "official"]
