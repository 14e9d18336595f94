"""Every malformed annotation an adversarial run found, through ``saywho import``: exit 1, one
plain line naming the document and the field, no traceback, the project unchanged; and the
values that used to get in and crash later (``"stance": 3``, ``{}``, ``[]``) leave ``stats``,
``agree`` and every export working. Valid inputs that need normalising import normalised, and
the Label Studio reader refuses through the same schema."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotations.errors import InputError
from annotations.formats import schema
from annotations.formats.exporters import SUFFIXES, WRITERS
from annotations.formats.interchange import layer_from_interchange
from annotations.formats.labelstudio import (
    document_to_task,
    read_labelstudio,
    task_to_layer,
    write_labelstudio,
)
from annotations.model import Document
from annotations.session import Session
from tui.cli import main

DOC = "doc-7"
TEXT = 'Ann Lee said "we will win." Bob Roe said "no." Lee added that it was over.'
Q = TEXT.index("we will")
QUOTE: dict[str, Any] = {
    "id": "q1", "start": Q, "end": Q + len("we will win."), "type": "direct",
    "speaker": "Ann Lee", "speaker_start": 0, "speaker_end": 7, "speaker_name": "Ann Lee",
    "cue": "said", "cue_start": 8, "cue_end": 12, "stance": "support", "confidence": 0.5,
    "status": "accepted",
}
SPEAKER: dict[str, Any] = {"id": "s1", "name": "Ann Lee", "aliases": ["Lee"], "kind": "person",
                           "mentions": [[0, 7]]}
RECORD: dict[str, Any] = {"id": DOC, "title": "T", "text": TEXT, "quotes": [QUOTE],
                          "speakers": [SPEAKER]}

Mutation = Callable[[dict[str, Any]], None]


def quote_field(name: str, value: Any) -> Mutation:
    def mutate(record: dict[str, Any]) -> None:
        record["quotes"][0][name] = value
    return mutate


def speaker_field(name: str, value: Any) -> Mutation:
    def mutate(record: dict[str, Any]) -> None:
        record["speakers"][0][name] = value
    return mutate


def top(name: str, value: Any) -> Mutation:
    def mutate(record: dict[str, Any]) -> None:
        record[name] = value
    return mutate


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def duplicate_quote(record: dict[str, Any]) -> None:
    record["quotes"].append(dict(record["quotes"][0]))


def deeply_nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


INTERCHANGE_CASES: list[tuple[str, Mutation, str]] = [
    ("confidence-word", quote_field("confidence", "high"),
     'quotes[0].confidence: expected a number or an object of numbers, got "high"'),
    ("speakers-string", top("speakers", "abc"), 'speakers: expected a list of objects, got "abc"'),
    ("aliases-number", speaker_field("aliases", 5),
     "speakers[0].aliases: expected a list of strings, got 5"),
    ("stance-number", quote_field("stance", 3),
     "quotes[0].stance: expected a string label or null, got 3"),
    ("stance-object", quote_field("stance", {}), "quotes[0].stance: expected a string label"),
    ("stance-list", quote_field("stance", []), "quotes[0].stance: expected a string label"),
    ("note-nested", quote_field("note", nested(500)), "quotes[0].note: nested deeper than"),
    ("mention-short", speaker_field("mentions", [[0]]), "speakers[0].mentions[0]: expected"),
    ("mentions-string", speaker_field("mentions", "x"), "speakers[0].mentions: expected a list"),
    ("parts-string", quote_field("parts", "ab"), "quotes[0].parts: expected a list"),
    ("confidences-word", quote_field("confidences", {"span": "x"}),
     "quotes[0].confidences.span: expected a number from 0 to 1"),
    ("confidence-range", quote_field("confidence", 1.5), "quotes[0].confidence: expected"),
    ("speaker-id-object", quote_field("speaker_id", {"a": 1}), "quotes[0].speaker_id: expected"),
    ("speaker-start-word", quote_field("speaker_start", "x"), "quotes[0].speaker_start: expected"),
    ("start-bool", quote_field("start", True), "quotes[0].start: expected an offset"),
    ("start-outside", quote_field("start", -3), "quotes[0].start: offset -3 lies outside"),
    ("cue-half", quote_field("cue_end", None), "quotes[0].cue_end: needs cue_start and cue_end"),
    ("quotes-object", top("quotes", {"a": 1}), "quotes: expected a list of objects"),
    ("quote-string", top("quotes", ["abc"]), 'quotes[0]: expected an object, got "abc"'),
    ("note-huge", quote_field("note", "n" * (schema.MAX_NOTE + 1)), "quotes[0].note: longer than"),
    ("type-number", quote_field("type", 5), "quotes[0].type: expected one of direct"),
    ("name-object", quote_field("speaker_name", {"x": 1}), "quotes[0].speaker_name: expected"),
    ("kind-unknown", speaker_field("kind", "alien"), "speakers[0].kind: expected one of person"),
    ("text-mismatch", quote_field("text", "we will lose"), "quotes[0].text: does not match"),
    ("quote-id-twice", duplicate_quote, 'quotes[1].id: "q1" names a second quote'),
]


def write_jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a project but its locks, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project holding ``DOC`` with a valid ``gold`` layer (built once, copied per test)."""
    folder = tmp_path_factory.mktemp("base")
    src = write_jsonl(folder / "gold.jsonl", RECORD)
    assert main(["import", str(src), "--layer", "gold", "--project", str(folder / "p"),
                 "--quiet"]) == 0
    return folder / "p"


@pytest.fixture
def project(base_project: Path, tmp_path: Path) -> Path:
    """A fresh copy of the base project."""
    dest = tmp_path / "p"
    shutil.copytree(base_project, dest)
    return dest


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """``saywho ARGS``: exit code and stderr lines (any traceback fails the test)."""
    capsys.readouterr()
    code = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.splitlines()


def assert_refused(code: int, err: list[str], *needles: str) -> None:
    assert code == 1
    assert len(err) == 1, err
    for needle in needles:
        assert needle in err[0], (needle, err[0])


def assert_opens(folder: Path) -> None:
    with Session.open(folder, "checker", read_only=True) as session:
        assert session.document_ids() == [DOC]
        for name in session.layer_names(DOC):
            session.layer(DOC, name).check(TEXT)


@pytest.mark.parametrize(("name", "mutate", "needle"), INTERCHANGE_CASES,
                         ids=[c[0] for c in INTERCHANGE_CASES])
def test_bad_interchange_field_is_one_line_and_changes_nothing(
    name: str, mutate: Mutation, needle: str, project: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    record = copy.deepcopy(RECORD)
    mutate(record)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    before = snapshot(project)
    code, err = run(capsys, "import", str(src), "--layer", "x", "--project", str(project),
                    "--quiet")
    assert_refused(code, err, f"{DOC}: {needle}", "in.jsonl line 1")
    assert snapshot(project) == before
    assert_opens(project)


def test_a_bad_line_in_a_new_project_adds_nothing_and_names_its_id_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = copy.deepcopy(RECORD)
    record["id"] = "doc\n7\x1b[31m"
    record["quotes"][0]["confidence"] = "high\nlow"
    src = write_jsonl(tmp_path / "in.jsonl", record)
    code, err = run(capsys, "import", str(src), "--layer", "x", "--project",
                    str(tmp_path / "p"), "--quiet")
    assert_refused(code, err, "doc␊7␛[31m: quotes[0].confidence:", '"high\\nlow"')
    assert not (tmp_path / "p").exists()


# --- brat --------------------------------------------------------------------------------

BRAT_QUOTE = f"T1\tQuote {Q} {Q + 12}\twe will win.\nT2\tSpeaker 0 7\tAnn Lee\n"


def brat_folder(tmp_path: Path, ann: bytes | str, *, txt: bytes | None = None) -> Path:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / f"{DOC}.txt").write_bytes(txt if txt is not None else TEXT.encode())
    (folder / f"{DOC}.ann").write_bytes(ann.encode() if isinstance(ann, str) else ann)
    return folder


def note(tid: str, payload: Any) -> str:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return f"#9\tAnnotatorNotes {tid}\t{text}\n"


BRAT_CASES: list[tuple[str, bytes | str, str]] = [
    ("confidence-word", BRAT_QUOTE + note("T1", {"confidence": "high"}),
     f'{DOC}.ann: T1 note.confidence: expected a number or an object of numbers, got "high"'),
    ("aliases-number", BRAT_QUOTE + note("T2", {"speaker_id": "s1", "aliases": 5}),
     f"{DOC}.ann: T2 note.aliases: expected a list of strings, got 5"),
    ("not-utf8", BRAT_QUOTE.encode() + b"#1\tAnnotatorNotes T1\tcaf\xe9\n",
     f"{DOC}.ann: not valid UTF-8 (byte 0xe9"),
    ("note-recursion", BRAT_QUOTE + note("T1", '{"note": ' + deeply_nested_json(5000) + "}"),
     f"{DOC}.ann:3: T1 note: nested deeper than"),
    ("note-nested", BRAT_QUOTE + note("T1", {"note": nested(100)}),
     f"{DOC}.ann: T1 note.note"),
    ("stance-number", BRAT_QUOTE + note("T1", {"stance": 3}),
     f"{DOC}.ann: T1 note.stance: expected a string label or null, got 3"),
    ("stance-object", BRAT_QUOTE + note("T1", {"stance": {}}), f"{DOC}.ann: T1 note.stance"),
    ("stance-list", BRAT_QUOTE + note("T1", {"stance": []}), f"{DOC}.ann: T1 note.stance"),
    ("offsets-outside", "T1\tQuote 5 900\tx\n", f"{DOC}.ann: T1: offsets 5-900 lie outside"),
    ("offsets-reversed", "T1\tQuote 9 5\tx\n", f"{DOC}.ann: T1: offsets 9-5"),
    ("offsets-odd", "T1\tQuote 1 2 3\tx\n", f"{DOC}.ann:1: bad offsets"),
    ("kind-unknown", BRAT_QUOTE + note("T2", {"kind": "alien"}), f"{DOC}.ann: T2 note.kind"),
    ("span-short", BRAT_QUOTE + note("T1", {"span": [5]}), f"{DOC}.ann: T1 note.span"),
    ("parts-unordered", BRAT_QUOTE + note("T1", {"parts": [[Q, Q + 5], [Q + 3, Q + 7]]}),
     f"{DOC}.ann: T1.parts[1]: parts must be ordered and inside the quote"),
    ("confidence-nan", BRAT_QUOTE + note("T1", '{"confidence": NaN}'),
     f"{DOC}.ann: T1 note.confidence: expected a number from 0 to 1, got nan"),
    ("quote-id-twice", BRAT_QUOTE + f"T3\tQuote {Q} {Q + 2}\twe\n" + note("T3", {"id": "T1"}),
     f'{DOC}.ann: T3.id: "T1" names a second quote'),
]


@pytest.mark.parametrize(("name", "ann", "needle"), BRAT_CASES, ids=[c[0] for c in BRAT_CASES])
def test_bad_brat_annotation_is_one_line_and_changes_nothing(
    name: str, ann: bytes | str, needle: str, project: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = brat_folder(tmp_path, ann)
    before = snapshot(project)
    code, err = run(capsys, "import", str(folder), "--layer", "x", "--project", str(project))
    assert_refused(code, err, needle)
    assert snapshot(project) == before
    assert_opens(project)


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        ({f"{DOC}.txt": b"caf\xe9 said hi"}, f"{DOC}.txt: not valid UTF-8"),
        ({"saywho-ids.tsv": b"file\tdocument_id\ndoc-7\t5\n"},
         "saywho-ids.tsv:2: document id must be a JSON string"),
        ({"saywho-ids.tsv": b"file\tdocument_id\ndoc-7\t[[[\n"}, "saywho-ids.tsv:2"),
    ],
    ids=["txt-not-utf8", "ids-number", "ids-not-json"],
)
def test_bad_brat_files_are_one_line(
    files: dict[str, bytes], needle: str, project: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = brat_folder(tmp_path, BRAT_QUOTE)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    before = snapshot(project)
    code, err = run(capsys, "import", str(folder), "--layer", "x", "--project", str(project))
    assert_refused(code, err, needle)
    assert snapshot(project) == before


# --- values that used to get in and crash every consumer --------------------------------

def consumers_run(capsys: pytest.CaptureFixture[str], project: Path, out: Path) -> None:
    """stats, agree and every export format, each without a traceback and exit 0."""
    p = ["--project", str(project)]
    for args in (["stats"], ["stats", "--json"], ["stats", "--layer", "x"], ["agree"],
                 ["agree", "--json"], ["agree", "--layers", "gold", "x"]):
        code, err = run(capsys, *args, *p)
        assert code == 0, (args, err)
    for fmt in WRITERS:
        for layer in ("gold", "x"):
            target = out / f"{fmt}-{layer}{SUFFIXES[fmt]}"
            code, err = run(capsys, "export", "--format", fmt, "--out", str(target),
                            "--layer", layer, *p)
            assert code == 0, (fmt, err)
            assert target.exists()


@pytest.mark.parametrize("value", [3, {}, []], ids=["number", "object", "list"])
@pytest.mark.parametrize("reader", ["jsonl", "brat"])
def test_stance_that_used_to_crash_later_is_refused_and_consumers_still_run(
    value: Any, reader: str, project: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if reader == "jsonl":
        record = copy.deepcopy(RECORD)
        record["quotes"][0]["stance"] = value
        src = write_jsonl(tmp_path / "in.jsonl", record)
    else:
        src = brat_folder(tmp_path, BRAT_QUOTE + note("T1", {"stance": value}))
    code, err = run(capsys, "import", str(src), "--layer", "x", "--project", str(project),
                    "--quiet")
    assert_refused(code, err, "stance: expected a string label or null")
    good = copy.deepcopy(RECORD)
    good["quotes"][0]["stance"] = None
    src = write_jsonl(tmp_path / "good.jsonl", good)
    assert run(capsys, "import", str(src), "--layer", "x", "--project", str(project),
               "--quiet")[0] == 0
    consumers_run(capsys, project, tmp_path / "out")


NORMALISED: list[tuple[str, Mutation, Callable[[Any], bool]]] = [
    ("empty-stance-is-none", quote_field("stance", ""), lambda q: q.stance is None),
    ("integral-float-offset", quote_field("start", float(Q)), lambda q: q.start == Q),
    ("integer-confidence", quote_field("confidence", 1), lambda q: q.confidence == {"span": 1.0}),
    ("number-speaker-id", quote_field("speaker_id", 5), lambda q: q.speaker_id == "5"),
    ("type-case", quote_field("type", "Indirect"), lambda q: q.type == "indirect"),
    ("status-case", quote_field("status", " Rejected"), lambda q: q.status == "rejected"),
    ("unknown-type", quote_field("type", "reported"), lambda q: q.type == "direct"),
    ("null-fields", lambda r: r["quotes"][0].update(stance=None, confidence=None, note=None,
                                                     parts=None, cue_start=None, cue_end=None),
     lambda q: (q.stance, q.confidence, q.note, q.cue) == (None, {}, "", None)),
    ("hostile-strings", quote_field("stance", "yes\x1b[31m\u202e"),
     lambda q: q.stance == "yes\x1b[31m\u202e"),
]


@pytest.mark.parametrize(("name", "mutate", "ok"), NORMALISED, ids=[c[0] for c in NORMALISED])
def test_valid_but_loose_values_are_normalised_and_every_consumer_runs(
    name: str, mutate: Mutation, ok: Callable[[Any], bool], project: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    record = copy.deepcopy(RECORD)
    mutate(record)
    src = write_jsonl(tmp_path / "in.jsonl", record)
    code, err = run(capsys, "import", str(src), "--layer", "x", "--project", str(project),
                    "--quiet")
    assert (code, err) == (0, [])
    with Session.open(project, "checker", read_only=True) as session:
        layer = session.layer(DOC, "x")
    assert ok(next(iter(layer.quotes.values())))
    consumers_run(capsys, project, tmp_path / "out")


# --- the schema itself --------------------------------------------------------------------

def test_schema_messages_name_document_and_field_on_one_line() -> None:
    bad = {"quotes": [{"start": 0, "end": 3, "confidence": {"span": float("inf")}}]}
    with pytest.raises(InputError) as info:
        layer_from_interchange(bad, TEXT, name="x", doc="d\u2028e")
    assert str(info.value) == (
        "d␊e: quotes[0].confidence.span: expected a number from 0 to 1, got inf"
    )


def test_a_nameless_speaker_shows_its_id_and_a_mention_of_three_numbers_is_refused() -> None:
    """A speaker whose name is null was stored as "" (a blank name on every screen); a
    mention [1, 2, 3] was cut to [1, 2] in silence (a third item is the span's text)."""
    clean = schema.layer_record({"speakers": [{"id": "s7", "name": None}]}, TEXT, doc="d")
    assert clean["speakers"][0]["name"] == "s7"
    with pytest.raises(InputError, match=r"speakers\[0\]\.mentions\[0\]"):
        schema.layer_record({"speakers": [{"name": "Ann", "mentions": [[1, 2, 3]]}]}, TEXT,
                            doc="d")
    clean = schema.layer_record({"speakers": [{"name": "Ann", "mentions": [[0, 3, "The"]]}]},
                                TEXT, doc="d")
    assert clean["speakers"][0]["mentions"] == [(0, 3)]


def test_schema_output_is_what_the_model_holds() -> None:
    clean = schema.layer_record(
        {"quotes": [{"id": 7, "start": 0.0, "end": 3, "confidence": 0.25, "stance": "",
                     "parts": [[0, 1], [2, 3, "n"]]}],
         "speakers": [{"name": "Ann", "aliases": ["A"], "mentions": [[0, 3]]}]},
        TEXT, doc=DOC,
    )
    quote, speaker = clean["quotes"][0], clean["speakers"][0]
    assert (quote["id"], quote["start"], quote["confidence"], quote["stance"]) == (
        "7", 0, {"span": 0.25}, None)
    assert quote["parts"] == [(0, 1), (2, 3)] and type(quote["start"]) is int
    assert (speaker["id"], speaker["kind"], speaker["mentions"]) == (None, "unknown", [(0, 3)])


def test_a_speaker_needs_an_id_or_a_name() -> None:
    with pytest.raises(InputError, match=r"speakers\[0\]: a speaker needs an id or a name"):
        schema.layer_record({"speakers": [{"aliases": []}]}, TEXT, doc=DOC)


# --- Label Studio: the same schema behind the third reader --------------------------------

def ls_task() -> dict[str, Any]:
    layer = layer_from_interchange(RECORD, TEXT, name="x", doc=DOC)
    return json.loads(json.dumps(document_to_task(DOC, "T", TEXT, layer, model_version="m")))


def ls_item(task: dict[str, Any], from_name: str) -> dict[str, Any]:
    return next(i for i in task["annotations"][0]["result"] if i.get("from_name") == from_name)


def test_labelstudio_tasks_read_back_through_the_schema(tmp_path: Path) -> None:
    layer = layer_from_interchange(RECORD, TEXT, name="x", doc=DOC)
    write_labelstudio([(Document(DOC, "T", TEXT), layer)], tmp_path / "tasks.json")
    [(doc_id, text, back)] = read_labelstudio(tmp_path / "tasks.json", layer="x")
    assert (doc_id, text) == (DOC, TEXT)
    [quote] = back.quotes.values()
    want = layer.quotes["q1"]
    assert (quote.start, quote.end, quote.type, quote.status, quote.stance, quote.origin) == (
        want.start, want.end, want.type, want.status, want.stance, "x")
    assert quote.speaker_mention == want.speaker_mention and quote.cue is not None
    assert (quote.cue.start, quote.cue.end) == (want.cue.start, want.cue.end)  # type: ignore[union-attr]
    assert back.speaker_name(quote) == "Ann Lee"


LS_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("stance-number", lambda t: ls_item(t, "stance")["value"].update(choices=[3]),
     ".value.choices[0]: expected a string, got 3"),
    ("start-word", lambda t: ls_item(t, "label")["value"].update(start="x"),
     ".value.start: expected an offset (an integer), got \"x\""),
    ("result-string", lambda t: t["annotations"][0].update(result="abc"),
     'annotations[0].result: expected a list of objects, got "abc"'),
    ("annotations-object", lambda t: t.update(annotations={}), "annotations: expected a list"),
    ("no-text", lambda t: t["data"].pop("text"), "data.text: missing"),
    ("nested", lambda t: t["data"].update(meta=nested(100)), "data.meta[0][0]: nested deeper than"),
    ("outside", lambda t: ls_item(t, "label")["value"].update(end=10_000),
     ".value.end: offset 10000 lies outside the text"),
]


@pytest.mark.parametrize(("name", "mutate", "needle"), LS_CASES, ids=[c[0] for c in LS_CASES])
def test_bad_labelstudio_value_is_one_line(
    name: str, mutate: Callable[[dict[str, Any]], None], needle: str
) -> None:
    task = ls_task()
    mutate(task)
    with pytest.raises(InputError) as info:
        task_to_layer(task, name="x")
    message = str(info.value)
    assert message.startswith(f"{DOC}: ") and needle in message and "\n" not in message


@pytest.mark.parametrize(("data", "needle"), [(b"\xff[", "not JSON"), (b"{}", "a list of tasks"),
                                              (b"[5]", "task 0: expected a task object")])
def test_bad_labelstudio_file_is_one_line(tmp_path: Path, data: bytes, needle: str) -> None:
    (tmp_path / "t.json").write_bytes(data)
    with pytest.raises(InputError, match=needle):
        read_labelstudio(tmp_path / "t.json")


def test_a_repeated_id_with_a_deeply_nested_record_is_one_line(tmp_path: Path, capsys) -> None:
    """Two lines with one id whose records nest over 1,000 levels: comparing them must not raise."""
    from tui.cli import main

    def line(bottom: str) -> str:  # same id and text; the records differ 1,020 levels down
        deep = "[" * 1020 + bottom + "]" * 1020
        return '{"id": "d", "text": "Bob said hi.", "x": ' + deep + ', "quotes": []}'

    path = tmp_path / "dup.jsonl"
    path.write_text(line("") + "\n" + line("1") + "\n")
    code = main(["import", str(path), "--project", str(tmp_path / "p"), "--annotator", "a"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "already used" in err
