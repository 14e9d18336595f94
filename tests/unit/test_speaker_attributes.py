"""Speaker attributes (gender, role…): the scheme, the edit, the article's suggestion, the
corpus rule (coded once counts everywhere), the statistics, the csv and the jsonl round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotations.codebook import (
    DEFAULT,
    GENDER,
    NOT_CODED,
    CodedVariable,
    attribute_choices,
    attribute_scheme,
    define,
    suggest,
)
from annotations.edits import MergeSpeakers, SetSpeakerAttribute
from annotations.errors import InputError
from annotations.formats.jsonl import read_jsonl, write_jsonl
from annotations.layer_summary import LayerSummary, summarize
from annotations.model import Document, Layer, Mention, Speaker
from annotations.registry import CorpusCodes
from annotations.session import Session
from annotations.stats import corpus_stats
from tests.conftest import ARTICLE, fixed_detect, sample_layer


def _speaker(text: str, name: str, *words: str, kind: str = "person") -> Speaker:
    mentions = []
    for word in (name, *words):
        at = text.index(word)
        mentions.append(Mention(at, at + len(word), word))
    return Speaker("s1", name, kind, (), tuple(mentions))


def test_gender_is_suggested_from_the_pronouns_that_refer_to_the_speaker() -> None:
    text = "Ann Lee spoke first. She said the plan works."
    got = suggest(_speaker(text, "Ann Lee", "She"), text, GENDER)
    assert got is not None and got.value == "female" and '"she"' in got.reason


def test_a_title_before_a_mention_or_in_the_name_suggests_gender() -> None:
    text = "Mr. Poe said no. Congresswoman Diaz said yes."
    assert suggest(_speaker(text, "Poe"), text, GENDER).value == "male"
    assert suggest(_speaker(text, "Diaz"), text, GENDER).value == "female"


def test_no_suggestion_when_signs_disagree_or_for_an_organisation_or_without_signs() -> None:
    text = "Ms. Poe spoke. He said no."
    assert suggest(_speaker(text, "Poe", "He"), text, GENDER) is None
    text = "The council said no. She left."
    assert suggest(_speaker(text, "The council", "She", kind="organization"), text,
                   GENDER) is None
    assert suggest(_speaker("Bo Diaz said no.", "Bo Diaz"), "Bo Diaz said no.", GENDER) is None


def test_his_before_a_name_is_someone_elses() -> None:
    text = "His aide Jo Park said no."
    assert suggest(_speaker(text, "Jo Park"), text, GENDER) is None


def test_only_gender_is_suggested_and_only_as_a_value_the_project_has() -> None:
    text = "She said no."
    speaker = _speaker(text, "She")
    assert suggest(speaker, text, CodedVariable("role", ("expert",))) is None
    assert suggest(speaker, text, CodedVariable("gender", ("woman", "man"))) is None


def test_choices_put_the_suggestion_first_and_a_clear_row_for_a_coded_attribute() -> None:
    text = "Ann Lee spoke. She said no."
    speaker = _speaker(text, "Ann Lee", "She")
    role = CodedVariable("role", ("expert", "official"))
    choices = attribute_choices(speaker, text, (GENDER, role))
    assert (choices[0].attribute, choices[0].value, bool(choices[0].reason)) == (
        "gender", "female", True)
    assert [c.value for c in choices].count("female") == 1
    coded = Speaker("s1", "Ann Lee", "person", (), speaker.mentions, (("role", "expert"),))
    choices = attribute_choices(coded, text, (GENDER, role))
    assert [c.label for c in choices if c.current] == ["role: expert"]
    assert choices[-1].label == "role: clear"


def test_the_scheme_defaults_to_gender_and_reads_leniently() -> None:
    assert attribute_scheme({}) == DEFAULT
    assert attribute_scheme({"speaker_attributes": []}) == ()
    got = attribute_scheme({"speaker_attributes": [
        {"name": "role", "values": ["expert"]}, {"name": "9bad", "values": ["x"]}, "junk",
        {"name": "role", "values": ["other"]}]})
    assert got == (CodedVariable("role", ("expert",)),)


@pytest.mark.parametrize("name, values", [
    ("", ["a"]), ("two words", ["a"]), ("role", []), ("role", ["a", "a"]),
    ("role", [str(i) for i in range(10)]), ("role", ["x" * 41]), ("role", ["a\x1b[31m"]),
])
def test_define_refuses_what_cannot_be_a_column_or_a_pick(name: str, values: list[str]) -> None:
    with pytest.raises(InputError):
        define(name, values)


def test_corpus_codes_fill_an_uncoded_document_and_name_conflicts() -> None:
    codes = CorpusCodes()
    codes.add("ann lee", [("gender", "female")])
    codes.add("ann lee", [("gender", "female")])
    codes.add("bo diaz", [("gender", "male")])
    codes.add("bo diaz", [("gender", "female")])
    assert codes.value("ann lee", "gender") == "female"
    assert codes.value("ann lee", "gender", own="other") == "other"
    assert codes.value("cy", "gender") is None
    assert codes.conflicts("gender") == ["bo diaz"]


def test_a_speaker_without_attributes_is_stored_as_before() -> None:
    speaker = Speaker("s1", "A", "person")
    assert "attributes" not in speaker.to_dict()
    coded = Speaker("s1", "A", "person", (), (), (("gender", "male"),))
    assert Speaker.from_dict(coded.to_dict()) == coded


def test_the_index_voice_keeps_attributes_and_reads_an_old_entry() -> None:
    layer = sample_layer()
    s1 = layer.speakers["s1"]
    coded = Layer("ann", layer.quotes, {**layer.speakers, "s1": Speaker(
        s1.id, s1.name, s1.kind, s1.aliases, s1.mentions, (("gender", "female"),))})
    summary = summarize(coded)
    back = LayerSummary.decode(summary.encode())
    assert back.voices[0].attributes == (("gender", "female"),)
    old = summarize(layer)  # no attributes: the entry an older saywho wrote
    assert LayerSummary.decode(old.encode()).voices[0].attributes == ()


def _two_document_session(folder: Path) -> Session:
    session = Session.open(folder, "ann", detect=fixed_detect)
    session.import_documents(Document(f"d{i}", f"Doc {i}", ARTICLE) for i in range(2))
    return session


def test_session_refuses_a_value_or_attribute_the_project_does_not_have(tmp_path: Path) -> None:
    session = _two_document_session(tmp_path / "p")
    with pytest.raises(InputError, match="not a value of gender"):
        session.apply(SetSpeakerAttribute("d0", "s1", "gender", "woman"))
    with pytest.raises(InputError, match="not a speaker attribute"):
        session.apply(SetSpeakerAttribute("d0", "s1", "party", "green"))
    session.close()


def test_a_value_in_use_cannot_leave_the_scheme_nor_its_attribute(tmp_path: Path) -> None:
    session = _two_document_session(tmp_path / "p")
    session.apply(SetSpeakerAttribute("d0", "s1", "gender", "female"))
    with pytest.raises(InputError, match="'female' codes 1"):
        session.define_attribute("gender", ["woman", "man"])
    with pytest.raises(InputError, match="coded with it"):
        session.remove_attribute("gender")
    session.define_attribute("gender", ["female", "male", "nonbinary"])
    session.define_attribute("role", ["expert", "official"])
    assert [a.name for a in session.speaker_attributes] == ["gender", "role"]
    assert session.speaker_attributes[0].values == ("female", "male", "nonbinary")
    session.remove_attribute("role")
    assert [a.name for a in session.speaker_attributes] == ["gender"]
    session.close()


def test_merge_keeps_the_kept_speakers_coding_and_fills_from_the_other(tmp_path: Path) -> None:
    session = _two_document_session(tmp_path / "p")
    session.define_attribute("role", ["expert", "official"])
    session.apply(SetSpeakerAttribute("d0", "s1", "gender", "female"))
    session.apply(SetSpeakerAttribute("d0", "s2", "gender", "male"))
    session.apply(SetSpeakerAttribute("d0", "s2", "role", "official"))
    session.apply(MergeSpeakers("d0", "s1", "s2"))
    assert session.layer("d0").speakers["s1"].attributes == (
        ("gender", "female"), ("role", "official"))
    session.close()


def test_stats_count_a_speaker_coded_in_one_document_as_coded_in_the_other(
        tmp_path: Path) -> None:
    session = _two_document_session(tmp_path / "p")
    session.apply(SetSpeakerAttribute("d0", "s1", "gender", "female"))  # Jane Roe, d0 only
    gender = corpus_stats(session)["speaker_attributes"]["gender"]
    assert gender["quotes"]["female"] == 2  # her quote in d0 and in d1
    assert gender["quotes"][NOT_CODED] == 2  # Tom Poe's two
    assert gender["speakers"] == {"female": 1, NOT_CODED: 1}
    assert gender["conflicts"] == []
    session.apply(SetSpeakerAttribute("d1", "s1", "gender", "other"))
    gender = corpus_stats(session)["speaker_attributes"]["gender"]
    assert gender["quotes"]["female"] == 1 and gender["quotes"]["other"] == 1
    assert gender["conflicts"] == ["Jane Roe"]
    session.close()


def test_csv_has_a_column_per_attribute_filled_by_the_corpus_rule(tmp_path: Path) -> None:
    from tui.cli import main

    folder = tmp_path / "p"
    session = _two_document_session(folder)
    session.apply(SetSpeakerAttribute("d0", "s1", "gender", "female"))
    session.close()
    out = tmp_path / "x.csv"
    assert main(["--project", str(folder), "--annotator", "ann", "export", "--format", "csv",
                 "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    got = {(r["document"], r["speaker"]): r["speaker_gender"] for r in rows}
    assert got == {("d0", "Jane Roe"): "female", ("d1", "Jane Roe"): "female",
                   ("d0", "Tom Poe"): "", ("d1", "Tom Poe"): ""}


def test_jsonl_carries_attributes_and_reads_them_back(tmp_path: Path) -> None:
    layer = sample_layer()
    s1 = layer.speakers["s1"]
    coded = Layer("ann", layer.quotes, {**layer.speakers, "s1": Speaker(
        s1.id, s1.name, s1.kind, s1.aliases, s1.mentions, (("gender", "female"),))})
    doc = Document("d0", "T", ARTICLE)
    write_jsonl([(doc, coded)], tmp_path / "x.jsonl")
    [(_, back)] = list(read_jsonl(tmp_path / "x.jsonl", layer="ann"))
    assert back.speakers == coded.speakers


def test_jsonl_refuses_an_attribute_value_that_is_not_text(tmp_path: Path) -> None:
    import orjson

    line = {"id": "d0", "text": ARTICLE, "quotes": [], "speakers": [
        {"id": "s1", "name": "Jane Roe", "attributes": {"gender": ["female"]}}]}
    (tmp_path / "x.jsonl").write_bytes(orjson.dumps(line) + b"\n")
    with pytest.raises(InputError, match="attributes"):
        list(read_jsonl(tmp_path / "x.jsonl", layer="ann"))


def test_stats_take_a_coding_whose_quotes_are_all_rejected_as_the_csv_does(
        tmp_path: Path) -> None:
    """Jane Roe coded female in d0, where her one quote is rejected: d1 counts her as female in
    the statistics, as the csv's speaker_gender column says (a coding is of the speaker, not of
    the quotes kept)."""
    from annotations.edits import RejectQuote
    from tui.cli import main

    folder = tmp_path / "p"
    session = _two_document_session(folder)
    jane_quote = next(q.id for q in session.project.layer("d0").quotes.values()
                      if q.speaker_id == "s1")
    session.apply(SetSpeakerAttribute("d0", "s1", "gender", "female"))
    session.apply(RejectQuote("d0", jane_quote))
    gender = corpus_stats(session)["speaker_attributes"]["gender"]
    session.close()
    out = tmp_path / "x.csv"
    assert main(["--project", str(folder), "--annotator", "ann", "export", "--format", "csv",
                 "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["speaker_gender"] for r in rows
            if r["document"] == "d1" and r["speaker"] == "Jane Roe"] == ["female"]
    assert gender["quotes"]["female"] == 1  # her quote in d1
    assert gender["quotes"][NOT_CODED] == 2  # Tom Poe's two


@pytest.mark.parametrize("text, name", [
    # a woman's pronoun before a man's name is hers, as "his" before a name is someone else's
    ("Demi talked about how she saved Colton from drowning. Later, Colton claimed a win.",
     "Colton"),
    ("Hannah reminded him that it was her birthday.\n\nColton claimed a win.", "Colton"),
    # the words before a mention stop at the quote or the sentence they belong to
    ("\u201cI met this sassy woman,\u201d says Michael.", "Michael"),
    ("\u201cThe water came again,\u201d she said.\n\nRoman, a resident, said it was over.",
     "Roman"),
])
def test_no_gender_from_words_about_someone_else_before_a_mention(text: str, name: str) -> None:
    """From Gender Gap Tracker articles where the suggestion was the wrong gender."""
    mentions = []
    at = text.find(name)
    while at >= 0:
        mentions.append(Mention(at, at + len(name), name))
        at = text.find(name, at + 1)
    assert suggest(Speaker("s1", name, "person", (), tuple(mentions)), text, GENDER) is None


def test_a_title_before_a_mention_still_counts_across_its_own_full_stop() -> None:
    text = "The station had provided Mr. Hemming with a list. Spokeswoman Ann Roe said no."
    assert suggest(_speaker(text, "Hemming"), text, GENDER).value == "male"
    assert suggest(_speaker(text, "Ann Roe"), text, GENDER).value == "female"


def test_a_pronoun_inside_a_longer_mention_is_someone_elses() -> None:
    text = "Her husband said no. His mother said yes."
    assert suggest(_speaker(text, "Her husband"), text, GENDER).value == "male"
    assert suggest(_speaker(text, "His mother"), text, GENDER).value == "female"


@pytest.mark.parametrize("attributes", [
    {"gender": "fe\x1b]52;c;aGk=\x07male"},  # a terminal escape: the clipboard
    {"gender": "fe\nmale"},
    {"gender": "\u202efemale"},  # bidi override
    {"gen\x1b[31mder": "female"},
    {"my attribute": "x"},
    {"gender": "x" * 41},
])
def test_jsonl_refuses_an_attribute_the_project_could_not_define(
        tmp_path: Path, attributes: dict[str, str]) -> None:
    import orjson

    line = {"id": "d0", "text": ARTICLE, "quotes": [], "speakers": [
        {"id": "s1", "name": "Jane Roe", "attributes": attributes}]}
    (tmp_path / "x.jsonl").write_bytes(orjson.dumps(line) + b"\n")
    with pytest.raises(InputError, match="attributes") as err:
        list(read_jsonl(tmp_path / "x.jsonl", layer="ann"))
    assert str(err.value).isprintable()


def test_attributes_lists_a_value_speakers_carry_that_the_list_no_longer_has(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A layer imported from elsewhere codes a value the list does not have: the speaker
    carries a value the listing must not hide (it counts in saywho stats). The clearing
    undone after the value left the list is refused (it brought the value back the same way)."""
    import orjson

    from annotations.errors import StepConflict
    from tui.cli import main

    folder = tmp_path / "p"
    session = _two_document_session(folder)
    session.define_attribute("role", ["expert", "citizen"])
    session.apply(SetSpeakerAttribute("d0", "s1", "role", "expert"))
    session.apply(SetSpeakerAttribute("d0", "s1", "role", None))
    session.define_attribute("role", ["citizen"])
    with pytest.raises(StepConflict, match="role=expert is no longer a value"):
        session.undo("d0")
    session.close()
    line = {"id": "d0", "text": ARTICLE, "quotes": [], "speakers": [
        {"id": "s1", "name": "Jane Roe", "attributes": {"role": "expert"}}]}
    (tmp_path / "x.jsonl").write_bytes(orjson.dumps(line) + b"\n")
    assert main(["--project", str(folder), "--annotator", "ann", "import",
                 str(tmp_path / "x.jsonl"), "--layer", "ben"]) == 0
    capsys.readouterr()
    assert main(["--project", str(folder), "attributes"]) == 0
    assert "expert 1 (not a value)" in capsys.readouterr().out


def test_attributes_says_when_a_hand_edited_setting_does_not_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A party with 50 values typed into saywho.json is left out: said, not silently gone (and
    a gender kept in a dict instead of a list took every attribute with it)."""
    from tui.cli import main

    folder = tmp_path / "p"
    session = _two_document_session(folder)
    session.set_setting("speaker_attributes", [
        {"name": "gender", "values": ["female", "male"]},
        {"name": "party", "values": [f"p{i}" for i in range(50)]}])
    session.close()
    capsys.readouterr()
    assert main(["--project", str(folder), "attributes"]) == 0
    err = capsys.readouterr().err
    assert "1 entry" in err and "left out" in err
    session = Session.open(folder, "ann", detect=fixed_detect)
    session.set_setting("speaker_attributes", {"gender": ["female", "male"]})
    session.close()
    assert main(["--project", str(folder), "attributes"]) == 0
    assert "1 entry" in capsys.readouterr().err


@pytest.mark.parametrize("text, name, words", [
    ('"We did it," said Gayle King. "It was close," King said.', "Gayle King", ["King"]),
    ('"I played to win," said Billie Jean King.', "Billie Jean King", []),
    ('"Sure," said Masayoshi Son.', "Masayoshi Son", []),
])
def test_a_surname_that_is_a_title_word_suggests_nothing(
        text: str, name: str, words: list[str]) -> None:
    """"King" in "Gayle King" is her name, not a title ("Names alone suggest nothing")."""
    mentions = [Mention(text.index(name), text.index(name) + len(name), name)]
    for word in words:
        at = text.rindex(word)
        mentions.append(Mention(at, at + len(word), word))
    assert suggest(Speaker("s1", name, "person", (), tuple(mentions)), text, GENDER) is None


def test_a_title_word_before_the_name_still_counts() -> None:
    text = "King Charles spoke. Mrs. Jane King said no."
    assert suggest(_speaker(text, "King Charles"), text, GENDER).value == "male"
    assert suggest(_speaker(text, "Mrs. Jane King"), text, GENDER).value == "female"


@pytest.mark.parametrize("name", ["Sanders and Clinton", "Schniederjans & Green"])
def test_a_speaker_named_as_two_people_gets_no_gender(name: str) -> None:
    """The detector's "she" resolved to a pair (Gender Gap Tracker article: "Schniederjans and
    Green", a man and his caddie, was suggested female)."""
    text = f'"We stand together," said {name}. She later left.'
    assert suggest(_speaker(text, name, "She"), text, GENDER) is None


def test_the_statistics_name_for_none_is_no_value() -> None:
    """"(not coded)" as a value would be counted with the speakers nobody coded."""
    with pytest.raises(InputError, match="not coded"):
        define("gender", ["female", NOT_CODED])


def test_import_of_a_layer_with_values_the_project_lacks_keeps_them_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import orjson

    from tui.cli import main

    folder = tmp_path / "p"
    _two_document_session(folder).close()
    line = {"id": "d0", "text": ARTICLE, "quotes": [], "speakers": [
        {"id": "s1", "name": "Jane Roe", "attributes": {"gender": "robot", "party": "green"}},
        {"id": "s2", "name": "Tom Poe", "attributes": {"gender": "male"}}]}
    (tmp_path / "x.jsonl").write_bytes(orjson.dumps(line) + b"\n")
    assert main(["--project", str(folder), "--annotator", "ann", "import",
                 str(tmp_path / "x.jsonl"), "--layer", "ben"]) == 0
    err = capsys.readouterr().err
    assert "2 coded value(s) are ones the project does not define" in err
    assert "gender=robot" in err and "party=green" in err and "gender=male" not in err
    session = Session.open(folder, "ann")
    assert session.layer("d0", "ben").speakers["s1"].attribute("gender") == "robot"
    session.close()


def test_choices_offer_the_value_coded_elsewhere_first_and_the_article_after_it() -> None:
    text = "Ann Lee spoke. She said no."
    speaker = _speaker(text, "Ann Lee", "She")
    elsewhere = CorpusCodes()
    elsewhere.add("ann lee", [("gender", "other")])
    elsewhere.add("ann lee", [("gender", "other")])
    elsewhere.add("ann lee", [("gender", "female")])
    choices = attribute_choices(speaker, text, (GENDER,), elsewhere)
    assert [(c.value, c.reason) for c in choices[:2]] == [
        ("other", "coded so in 2 other document(s), otherwise in 1"),
        ("female", 'from "she"')]
    elsewhere.remove("ann lee", [("gender", "other")])
    elsewhere.remove("ann lee", [("gender", "other")])
    choices = attribute_choices(speaker, text, (GENDER,), elsewhere)
    assert (choices[0].value, choices[0].reason) == (
        "female", 'coded so in 1 other document(s); from "she"')


def test_the_registry_keeps_the_layers_codes_current_a_document_at_a_time() -> None:
    from annotations.layer_summary import Voice
    from annotations.registry import SpeakerRegistry

    def voice(value: str | None) -> Voice:
        return Voice("Ann Lee", "person", (), (("none", 1),), 0, True,
                     (("gender", value),) if value else ())

    registry = SpeakerRegistry()
    registry.set_document("a", [voice("female")])
    registry.set_document("b", [voice("other")])
    assert registry.codes.counts("ann lee", "gender") == {"female": 1, "other": 1}
    registry.set_document("b", [voice(None)])  # recoded: cleared in b
    assert registry.codes.counts("ann lee", "gender") == {"female": 1}


@pytest.mark.parametrize(("value", "says"), [
    (3, "attributes.gender: expected printable text, got 3"),
    ("f" * 201, "attributes.gender: longer than 200 characters (201)"),
    ("fe\nmale", 'attributes.gender: expected printable text, got "fe\\nmale"'),
    ("fe\x1bmale", "attributes.gender: expected printable text"),
])
def test_jsonl_refuses_a_hostile_attribute_value_in_one_line(tmp_path: Path, value: object,
                                                             says: str) -> None:
    """Control characters would break the line-based formats (brat, TSV, CoNLL) that carry
    attributes: one rule (``schema.Attributes``) refuses them for every reader."""
    import orjson

    line = {"id": "d0", "text": ARTICLE, "quotes": [], "speakers": [
        {"id": "s1", "name": "Jane Roe", "attributes": {"gender": value}}]}
    (tmp_path / "x.jsonl").write_bytes(orjson.dumps(line) + b"\n")
    with pytest.raises(InputError) as caught:
        list(read_jsonl(tmp_path / "x.jsonl", layer="ann"))
    assert says in caught.value.message and "\n" not in caught.value.message


def test_jsonl_refuses_an_attribute_name_with_a_control_character(tmp_path: Path) -> None:
    import orjson

    line = {"id": "d0", "text": ARTICLE, "quotes": [], "speakers": [
        {"id": "s1", "name": "Jane Roe", "attributes": {"gen\tder": "female"}}]}
    (tmp_path / "x.jsonl").write_bytes(orjson.dumps(line) + b"\n")
    with pytest.raises(InputError, match="attributes: expected a string key"):
        list(read_jsonl(tmp_path / "x.jsonl", layer="ann"))


@pytest.mark.parametrize("text, name", [
    ("Speaking of Man Utd, Jane Doe said no.", "Jane Doe"),  # a word two before: no sign
    ("said a Duke professor, Jane Doe.", "Jane Doe"),
    ("He did not want to miss, and Green said so.", "Green"),  # lower-case "miss": no title
])
def test_only_the_word_right_before_a_mention_and_a_title_only_capitalised(
        text: str, name: str) -> None:
    assert suggest(_speaker(text, name), text, GENDER) is None


def test_a_noun_right_before_a_mention_suggests_in_any_case() -> None:
    text = "His wife, Ann Lee, said no."
    assert suggest(_speaker(text, "Ann Lee"), text, GENDER).value == "female"


def test_stats_tables_show_names_and_values_from_files_literally() -> None:
    """A speaker coded two ways named "Ann [/]" crashed ``saywho stats`` (rich read the
    caption as markup), and a value "[x]" (``define`` allows it) vanished from the column
    header of the per-group table."""
    from rich.console import Console

    from tui.commands.stats import _attribute_table, _groups_attribute_table

    console = Console(width=120, record=True)
    console.print(_attribute_table("gender", {"quotes": {"female": 1},
                                              "speakers": {"female": 1},
                                              "conflicts": ["Ann [/]"]}))
    console.print(_groups_attribute_table(
        {"key": "outlet", "groups": [{"value": "a",
                                      "attributes": {"gender": {"[x]": 2, NOT_CODED: 1}}}]},
        "gender"))
    shown = console.export_text()
    assert "coded two ways: Ann [/]" in shown
    assert "[x]" in shown


def test_csv_export_of_your_layer_reads_the_corpus_codes_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Your own layer's export has documents you never opened (the suggestions' layer): the
    codes across the corpus are yours for both, read once, not one corpus pass per layer
    name met."""
    import tui.commands.export as export_command
    from annotations import stats
    from tui.cli import main

    folder = tmp_path / "p"
    session = _two_document_session(folder)
    session.apply(SetSpeakerAttribute("d0", "s1", "gender", "female"))
    session.close()
    calls: list[str | None] = []

    def counted(project: object, layer: str | None = None) -> CorpusCodes:
        calls.append(layer)
        return stats.corpus_codes(project, layer)  # type: ignore[arg-type]

    monkeypatch.setattr(export_command, "corpus_codes", counted)
    out = tmp_path / "x.csv"
    assert main(["--project", str(folder), "--annotator", "ann", "export", "--format", "csv",
                 "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert {r["layer"] for r in rows} == {"ann", "suggestions"}  # both layer names met
    assert [r["speaker_gender"] for r in rows if r["speaker"] == "Jane Roe"] == ["female"] * 2
    assert calls == [None]


def test_the_document_on_screen_is_no_other_document() -> None:
    """The registry's codes hold the document on screen too: just after its speaker was
    cleared (the registry not yet told), or with a second record of the same person, the
    picker said "coded so in 1 other document(s)" of this very one."""
    text = "Bo Diaz said no."
    speaker = _speaker(text, "Bo Diaz")
    elsewhere = CorpusCodes()
    elsewhere.add("bo diaz", [("gender", "male")])
    here = (("bo diaz", (("gender", "male"),)),)
    assert not any(c.reason for c in attribute_choices(speaker, text, (GENDER,), elsewhere, here))
    elsewhere.add("bo diaz", [("gender", "male")])  # and one other document
    [first, *_] = attribute_choices(speaker, text, (GENDER,), elsewhere, here)
    assert (first.value, first.reason) == ("male", "coded so in 1 other document(s)")
