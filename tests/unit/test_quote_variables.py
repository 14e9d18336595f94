"""Quote variables (topic, frame…): coded per quote besides the stance, defined per project
(``saywho variables``), counted by the statistics (overall and per outlet), a ``code_<name>``
column in the csv, a ``codes`` object in jsonl read back, and refused as the project refuses
to define them."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pytest

from annotations.codebook import NOT_CODED, quote_choices, quote_variables
from annotations.edits import RejectQuote, SetQuoteCode
from annotations.errors import InputError
from annotations.formats.jsonl import read_jsonl, write_jsonl
from annotations.layer_summary import LayerSummary, summarize
from annotations.model import Document, Layer, Quote
from annotations.session import Session
from annotations.stats import corpus_stats
from tests.conftest import ARTICLE, fixed_detect, sample_layer


def _session(folder: Path) -> Session:
    session = Session.open(folder, "ann", detect=fixed_detect)
    session.import_documents(Document(f"d{i}", f"Doc {i}", ARTICLE, meta=(("outlet", f"O{i}"),))
                             for i in range(2))
    session.define_attribute("topic", ["economy", "crime"], quote=True)
    return session


def test_no_quote_variable_by_default_and_none_shares_a_speaker_attributes_name(
        tmp_path: Path) -> None:
    assert quote_variables({}) == ()
    session = _session(tmp_path / "p")
    with pytest.raises(InputError, match="speaker attribute already"):
        session.define_attribute("gender", ["a"], quote=True)
    with pytest.raises(InputError, match="quote variable already"):
        session.define_attribute("topic", ["a"])
    session.close()


def test_a_code_is_checked_undone_and_a_value_in_use_stays(tmp_path: Path) -> None:
    session = _session(tmp_path / "p")
    with pytest.raises(InputError, match="not a value of topic"):
        session.apply(SetQuoteCode("d0", "q1", "topic", "sports"))
    with pytest.raises(InputError, match="not a quote variable"):
        session.apply(SetQuoteCode("d0", "q1", "frame", "conflict"))
    session.apply(SetQuoteCode("d0", "q1", "topic", "crime"))
    assert session.layer("d0").quotes["q1"].codes == (("topic", "crime"),)
    with pytest.raises(InputError, match="'crime' codes 1 quote"):
        session.define_attribute("topic", ["economy"], quote=True)
    with pytest.raises(InputError, match="1 quote"):
        session.remove_attribute("topic", quote=True)
    session.undo("d0")
    assert session.layer("d0").quotes["q1"].codes == ()
    session.remove_attribute("topic", quote=True)
    assert session.quote_variables == ()
    session.close()


def test_stats_count_quotes_per_value_rejected_ones_aside_overall_and_per_group(
        tmp_path: Path) -> None:
    session = _session(tmp_path / "p")
    session.apply(SetQuoteCode("d0", "q1", "topic", "crime"))
    session.apply(SetQuoteCode("d0", "q2", "topic", "economy"))
    session.apply(SetQuoteCode("d1", "q1", "topic", "crime"))
    session.apply(RejectQuote("d1", "q1"))  # coded, then rejected: not counted
    stats = corpus_stats(session, by="outlet")
    assert stats["quote_variables"] == {"topic": {"quotes": {
        "economy": 1, "crime": 1, NOT_CODED: 1}}}
    groups = {g["value"]: g["codes"]["topic"] for g in stats["by"]["groups"]}
    assert groups == {"O0": {"economy": 1, "crime": 1, NOT_CODED: 0},
                      "O1": {"economy": 0, "crime": 0, NOT_CODED: 1}}
    session.close()


def test_the_index_summary_keeps_codes_and_reads_an_entry_without_them() -> None:
    layer = sample_layer()
    q1 = layer.quotes["q1"]
    coded = Layer("ann", {**layer.quotes, "q1": Quote(
        q1.id, q1.start, q1.end, q1.text, codes=(("topic", "crime"),))}, layer.speakers)
    assert LayerSummary.decode(summarize(coded).encode()).codes == (("topic", "crime", 1, 1),)
    assert LayerSummary.decode(summarize(layer).encode()).codes == ()
    assert summarize(layer).encode() == LayerSummary.decode(summarize(layer).encode()).encode()


def test_csv_has_a_column_per_variable(tmp_path: Path) -> None:
    from tui.cli import main

    folder = tmp_path / "p"
    session = _session(folder)
    session.apply(SetQuoteCode("d0", "q2", "topic", "economy"))
    session.close()
    out = tmp_path / "x.csv"
    assert main(["--project", str(folder), "--annotator", "ann", "export", "--format", "csv",
                 "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert {(r["document"], r["quote_id"]): r["code_topic"] for r in rows} == {
        ("d0", "q1"): "", ("d0", "q2"): "economy", ("d1", "q1"): "", ("d1", "q2"): ""}


def test_jsonl_carries_codes_and_refuses_one_the_project_could_not_define(
        tmp_path: Path) -> None:
    layer = sample_layer()
    q1 = layer.quotes["q1"]
    coded = Layer("ann", {**layer.quotes, "q1": Quote(
        q1.id, q1.start, q1.end, q1.text, codes=(("topic", "crime"),))}, layer.speakers)
    write_jsonl([(Document("d0", "T", ARTICLE), coded)], tmp_path / "x.jsonl")
    [(_, back)] = list(read_jsonl(tmp_path / "x.jsonl", layer="ann"))
    assert back.quotes["q1"].codes == (("topic", "crime"),)
    line = orjson.loads((tmp_path / "x.jsonl").read_bytes())
    line["quotes"][0]["codes"] = {"topic": "\x1b]52;c;aGk=\x07"}
    (tmp_path / "y.jsonl").write_bytes(orjson.dumps(line) + b"\n")
    with pytest.raises(InputError, match="codes"):
        list(read_jsonl(tmp_path / "y.jsonl", layer="ann"))


def test_choices_list_each_value_the_coded_one_marked_and_a_clear_row() -> None:
    from annotations.codebook import CodedVariable

    topic = CodedVariable("topic", ("economy", "crime"))
    quote = Quote("q1", 0, 3, "abc", codes=(("topic", "crime"),))
    choices = quote_choices(quote, (topic,))
    assert [(c.label, c.current, c.quote) for c in choices] == [
        ("topic: economy", False, True), ("topic: crime", True, True),
        ("topic: clear", False, True)]


def test_a_value_only_a_rejected_quote_carries_is_still_in_use(tmp_path: Path) -> None:
    """What a change of the codebook touches counts every quote, rejected ones too (the
    statistics leave those out): read from the corpus index, not from every layer file."""
    session = _session(tmp_path / "p")
    session.apply(SetQuoteCode("d0", "q1", "topic", "crime"))
    session.apply(RejectQuote("d0", "q1"))
    assert session.attribute_usage("topic", quote=True) == {"crime": 1}
    assert corpus_stats(session)["quote_variables"]["topic"]["quotes"]["crime"] == 0
    with pytest.raises(InputError, match="'crime' codes 1 quote"):
        session.define_attribute("topic", ["economy"], quote=True)
    session.close()


def test_stats_and_agree_say_when_a_hand_edited_variable_is_left_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a researcher gives topic a tenth value by hand in saywho.json: the variable no longer
    # reads, and its codes vanished from stats and agree without a word (only `saywho
    # variables` said so)
    from tui.cli import main

    folder = tmp_path / "p"
    session = _session(folder)
    session.apply(SetQuoteCode("d0", "q1", "topic", "crime"))
    session.close()
    path = folder / "saywho.json"
    data = orjson.loads(path.read_bytes())
    for entry in data["project"].values():
        variables = entry.get("settings", {}).get("quote_variables")
        if variables:
            variables[0]["values"] = [f"v{i}" for i in range(10)]
    path.write_bytes(orjson.dumps(data))
    capsys.readouterr()
    for argv in (["stats"], ["agree", "--layers", "ann", "ben"]):
        main([*argv, "--project", str(folder), "--annotator", "ann"])
        err = capsys.readouterr().err
        assert "1 entry of the project's quote_variables setting" in err, argv


def test_a_speaker_attribute_never_names_a_csv_column_twice(tmp_path: Path) -> None:
    # `saywho attributes --set kind=...` made a second speaker_kind column (and key a second
    # speaker_key): R's read.csv renamed one, csv.DictReader kept the attribute's, empty,
    # in place of the speaker's key
    session = _session(tmp_path / "p")
    for name in ("key", "kind", "mention"):
        with pytest.raises(InputError, match=f"speaker_{name} already"):
            session.define_attribute(name, ["a", "b"])
    session.define_attribute("keyrole", ["a", "b"])  # another name is fine
    session.close()


def test_a_redo_never_brings_back_a_code_the_project_no_longer_defines(
        tmp_path: Path) -> None:
    # code frame=conflict, undo it, remove the variable (nobody carries it), redo: the quote
    # carried frame=conflict again, a variable the project no longer has, and `saywho
    # variables --set frame=human` then listed "conflict 1 (not a value)"
    from annotations.errors import StepConflict

    session = _session(tmp_path / "p")
    session.define_attribute("frame", ["conflict", "human"], quote=True)
    session.apply(SetQuoteCode("d0", "q1", "frame", "conflict"))
    session.undo("d0")
    session.remove_attribute("frame", quote=True)
    with pytest.raises(StepConflict, match="frame=conflict is no longer"):
        session.redo("d0")
    assert session.layer("d0").quotes["q1"].codes == ()
    # a value removed since is refused the same way; one still defined comes back
    session.apply(SetQuoteCode("d0", "q1", "topic", "crime"))
    session.undo("d0")
    session.define_attribute("topic", ["economy"], quote=True)
    with pytest.raises(StepConflict, match="topic=crime"):
        session.redo("d0")
    session.apply(SetQuoteCode("d0", "q1", "topic", "economy"))
    session.undo("d0")
    session.redo("d0")
    assert session.layer("d0").quotes["q1"].codes == (("topic", "economy"),)
    session.close()


def test_import_says_a_quote_code_the_project_does_not_define(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A quote coded gender (a speaker attribute's name) or topic=war is kept and said: it
    read like the speaker's gender in the detail line, without a word at the import."""
    from tui.cli import main

    folder = tmp_path / "p"
    _session(folder).close()
    line = {"id": "d0", "text": ARTICLE, "quotes": [
        {"id": "q1", "start": 0, "end": 4, "codes": {"gender": "female", "topic": "war"}},
        {"id": "q2", "start": 5, "end": 9, "codes": {"topic": "crime"}}], "speakers": []}
    (tmp_path / "x.jsonl").write_bytes(orjson.dumps(line) + b"\n")
    assert main(["--project", str(folder), "--annotator", "ann", "import",
                 str(tmp_path / "x.jsonl"), "--layer", "ben"]) == 0
    err = capsys.readouterr().err
    assert "2 coded value(s) are ones the project does not define" in err
    assert "quote gender=female" in err and "quote topic=war" in err and "crime" not in err
