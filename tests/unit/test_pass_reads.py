"""The fast ways of a pass over the corpus give what the usual ways give.

- ``LayerStore.read_pass`` (a layer file read straight from its bytes on a read-only project)
  gives the layers ``layer_names`` + ``layer`` give, and steps aside (``None``) for every file
  it is not sure of (damaged, another schema version, a record not as ``to_dict`` writes it),
  so that damage is reported by the usual rules;
- ``Quote.from_dict`` / ``Speaker.from_dict`` take a stored record as it is and give the
  quote the converting path gives;
- agreement's word tokens, token-range joins and word masks equal ``evaluate``'s token sets;
- ``saywho agree`` in worker processes prints, byte for byte, what one process prints.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotations import agreement as agreement_module
from annotations import streaming
from annotations.agreement import _Item, _meeting, _word_masks, word_starts
from annotations.errors import DamagedFileError
from annotations.evaluate import WORD, SpanIndex, shared_token_pairs
from annotations.model import SUGGESTIONS_LAYER, Layer, Quote, Speaker
from annotations.session import Session
from annotations.store import Project
from annotations.streaming import read_document
from tests.unit.test_streaming_commands import annotated, make_document
from tui.cli import main
from tui.commands import agree as agree_command
from tui.commands import export as export_command

N_DOCS = 12


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Documents with the suggestions, ``ana`` on all and ``ben`` on every other one."""
    folder = tmp_path / "p"
    made = [make_document(i) for i in range(N_DOCS)]
    with Project.open(folder, "ana") as project:
        project.add_documents(made)
        for i, (doc, suggestions) in enumerate(made):
            project.put_layer(doc.id, annotated(i, "ana", doc.text, suggestions))
            if i % 2:
                project.put_layer(doc.id, annotated(i, "ben", doc.text, suggestions))
    return folder


def layer_path(folder: Path, doc_id: str, name: str) -> Path:
    return folder / "annotations" / doc_id / f"{name}.json"


def usual(session: Session, doc_id: str, names: list[str]) -> dict[str, Layer]:
    session.check_document(doc_id, names)
    present = set(session.layer_names(doc_id))
    return {n: session.layer(doc_id, n) for n in names if n in present}


NAMES = [SUGGESTIONS_LAYER, "ana", "ben", "nobody"]


def test_read_pass_gives_the_layers_the_usual_reads_give(folder: Path) -> None:
    with Session.open(folder, "ana", read_only=True, create=False) as session:
        for doc_id in session.document_ids():
            fast = session.project._layers.read_pass(doc_id, NAMES)
            assert fast is not None
            session.forget(doc_id)
            assert fast == usual(session, doc_id, NAMES)
            assert list(fast) == [n for n in NAMES if n in fast]  # in the order asked
            assert ("ben" in fast) == (int(doc_id[-2:]) % 2 == 1)
            session.forget(doc_id)
        assert session.project._layers._cache == {}  # nothing kept


def test_read_pass_is_not_used_where_the_project_may_be_written(folder: Path) -> None:
    with Session.open(folder, "ana") as session:
        assert session.project._layers.read_pass("doc-00", NAMES) is None


def rewrite(path: Path, change: Any) -> None:
    data = orjson.loads(path.read_bytes())
    change(data)
    path.write_bytes(orjson.dumps(data))


def first_quote(data: dict[str, Any]) -> dict[str, Any]:
    return next(iter(data["layers"]["1"]["quotes"].values()))  # type: ignore[no-any-return]


@pytest.mark.parametrize(("change", "aside"), [
    (lambda d: d["_meta"]["1"].update(schema_version=1), True),  # migrated in memory
    (lambda d: first_quote(d).update(start=str(first_quote(d)["start"])), False),  # converted
    (lambda d: first_quote(d).update(type=""), False),  # an empty type reads as "direct"
    (lambda d: first_quote(d).pop("note"), False),  # a field left out reads as empty
])
def test_a_file_not_as_written_reads_as_the_usual_way_reads_it(
    folder: Path, change: Any, aside: bool
) -> None:
    rewrite(layer_path(folder, "doc-01", "ana"), change)
    with Session.open(folder, "ana", read_only=True, create=False) as session:
        assert (session.project._layers.read_pass("doc-01", NAMES) is None) is aside
        doc, layers = read_document(session, "doc-01", NAMES)
        session.forget("doc-01")
        assert layers == usual(session, "doc-01", NAMES)
        assert doc.id == "doc-01" and "ana" in layers


@pytest.mark.parametrize("damage", [
    b'{"torn":',
    b"",
    b"[1, 2]",
    b'{"_meta": {"1": {"schema_version": 2}}, "layers": {"1": {"layer": "ana", "quotes": 3}}}',
    b'{"_meta": {"1": {"schema_version": 2}}, "layers": {"1": {"layer": "ana", "quotes": '
    b'{"q1": {"id": "q1"}}}}}',
])
def test_a_damaged_layer_file_is_reported_as_the_usual_way_reports_it(
    folder: Path, damage: bytes
) -> None:
    layer_path(folder, "doc-02", "ana").write_bytes(damage)
    with Session.open(folder, "ana", read_only=True, create=False) as session:
        assert session.project._layers.read_pass("doc-02", NAMES) is None
        with pytest.raises(DamagedFileError) as fast:
            read_document(session, "doc-02", NAMES)
    with (Session.open(folder, "ana", read_only=True, create=False) as session,
          pytest.raises(DamagedFileError) as slow):
        usual(session, "doc-02", NAMES)
    assert fast.value.message == slow.value.message
    assert fast.value.message.startswith("document 'doc-02' is damaged")
    assert "\n" not in fast.value.message
    # a layer the pass does not read does not count
    with Session.open(folder, "ana", read_only=True, create=False) as session:
        assert "ana" not in read_document(session, "doc-02", [SUGGESTIONS_LAYER])[1]


# --------------------------------------------------------------------------- records
STORED = Quote("q1", 3, 9, "abcdef", "mixed", parts=((3, 5), (6, 9)), speaker_id="s1",
               stance="oppose", confidence={"span": 0.5}, status="accepted", origin="ana",
               note="n", created="t0", updated="t1").to_dict()


@pytest.mark.parametrize("record", [
    STORED,
    {**STORED, "cue": {"start": 0, "end": 2, "text": "ab", "lemma": "a"},
     "speaker_mention": {"start": 0, "end": 1, "text": "a"}},
    {**STORED, "start": "3"},
    {**STORED, "end": 9.0},
    {**STORED, "start": True},
    {**STORED, "type": ""},
    {**STORED, "status": ""},
    {**STORED, "text": None},
    {**STORED, "id": 7},
    {**STORED, "confidence": None},
    {k: v for k, v in STORED.items() if k not in ("note", "parts", "origin")},
])
def test_quote_from_dict_gives_the_converting_paths_quote(record: dict[str, Any]) -> None:
    fast = Quote.from_dict(record)
    assert fast == Quote._from_any_dict(record)
    assert [type(getattr(fast, f)) for f in ("id", "start", "end", "text")] == [str, int, int,
                                                                                 str]


@pytest.mark.parametrize("record", [{"id": "x"}, [], {"start": 1, "end": 2}])
def test_quote_from_dict_fails_as_the_converting_path_fails(record: Any) -> None:
    with pytest.raises(Exception) as fast:
        Quote.from_dict(record)
    with pytest.raises(Exception) as slow:
        Quote._from_any_dict(record)
    assert type(fast.value) is type(slow.value)


SPEAKER = Speaker("s1", "Ana Ortiz", "person", ("Ortiz",), ()).to_dict()


@pytest.mark.parametrize("record", [
    SPEAKER,
    {**SPEAKER, "mentions": [[0, 3, "Ana"]]},
    {**SPEAKER, "kind": ""},
    {**SPEAKER, "name": None},
    {**SPEAKER, "aliases": ("a",)},
    {"id": 3},
])
def test_speaker_from_dict_gives_the_converting_paths_speaker(record: dict[str, Any]) -> None:
    assert Speaker.from_dict(record) == Speaker._from_any_dict(record)


# --------------------------------------------------------------------------- agreement
TEXTS = [
    "",
    "a",
    "  ",
    "Mayor Jim Kenney said \u201cno\u201d \u2014 twice_over, 42 times!",
    "caf\u00e9 na\u00efve \u00fcber \u4e2d\u6587 \U0001f600 x\u0301y \u0661\u0662 \u00b2",
    "ends with word",
    "_under_ score__ \ud800 lone",
]


@pytest.mark.parametrize("text", TEXTS)
def test_word_starts_are_evaluates_word_tokens(text: str) -> None:
    assert word_starts(text) == SpanIndex(text).starts


def test_word_starts_on_random_text() -> None:
    rng = random.Random(4)
    alphabet = "ab_1 \t\n.,\u201c\u2019\u00e9\u4e2d\U0001f600\u0301-"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert word_starts(text) == [m.start() for m in WORD.finditer(text)]


def items(ranges: list[tuple[int, int]]) -> list[_Item]:
    return [_Item((lo, hi), lo, hi, Quote("q", 0, 1, "x"), None) for lo, hi in ranges]


def token_sets(ranges: list[tuple[int, int]]) -> list[dict[str, Any]]:
    return [{"_t": frozenset(range(lo, hi))} for lo, hi in ranges]


def random_ranges(rng: random.Random, n: int) -> list[tuple[int, int]]:
    out = []
    for _ in range(n):
        lo = rng.randint(0, 60)
        out.append((lo, lo + rng.randint(0, 12)))
    return out


@pytest.mark.parametrize("sizes", [(0, 3), (5, 7), (30, 30), (60, 45)])
def test_meeting_finds_the_pairs_that_share_a_token(sizes: tuple[int, int]) -> None:
    rng = random.Random(sum(sizes))
    for _ in range(30):
        a, b = random_ranges(rng, sizes[0]), random_ranges(rng, sizes[1])
        found = _meeting(items(a), items(b))
        assert len(found) == len(set(found))
        assert set(found) == shared_token_pairs(token_sets(a), token_sets(b))


@pytest.mark.parametrize("n_layers", [1, 2, 3, 4])
def test_word_masks_count_the_words_inside_each_layers_quotes(n_layers: int) -> None:
    rng = random.Random(n_layers)
    layers = [f"l{k}" for k in range(n_layers)]
    for _ in range(40):
        present = {n: items(random_ranges(rng, rng.randint(0, 6))) for n in layers
                   if rng.random() < 0.8}
        masks: dict[int, int] = {}
        for bit, n in enumerate(layers):
            for item in present.get(n, ()):
                for t in range(item.lo, item.hi):
                    masks[t] = masks.get(t, 0) | 1 << bit
        expected: dict[int, int] = {}
        for mask in masks.values():
            expected[mask] = expected.get(mask, 0) + 1
        assert _word_masks(layers, present) == expected


# --------------------------------------------------------------------------- agree --jobs
def agree_run(folder: Path, jobs: int, capsys: pytest.CaptureFixture[str],
              *extra: str) -> tuple[int, str, str]:
    code = main(["agree", "--layers", "ana", "ben", *extra, "--jobs", str(jobs),
                 "--project", str(folder), "--annotator", "ana"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("extra", [("--json",), ()])
def test_agree_in_worker_processes_prints_what_one_process_prints(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    extra: tuple[str, ...],
) -> None:
    layer_path(folder, "doc-05", "ben").write_bytes(b'{"torn":')  # skipped, loudly
    here: list[int] = []  # runs compared in this process
    compare = agree_command._compare
    monkeypatch.setattr(agree_command, "_compare",
                        lambda *args, **kw: here.append(1) or compare(*args, **kw))
    one = agree_run(folder, 1, capsys, *extra)
    assert here
    here.clear()
    monkeypatch.setattr(streaming, "PART", 2)
    monkeypatch.setattr(streaming, "PARALLEL_AFTER", 1)
    several = agree_run(folder, 3, capsys, *extra)
    assert not here  # every run was compared in a worker
    assert several == one
    assert one[0] == 1 and "skipped: document 'doc-05' is damaged" in one[2]
    if extra:
        report = orjson.loads(one[1])
        assert report["docs"] == N_DOCS - 1 and "doc-05" not in report["per_document"]


def test_agree_names_the_projects_layers_when_one_asked_for_is_nowhere(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["agree", "--layers", "ana", "zed", "--project", str(folder),
                 "--annotator", "ana"])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(r"no layer named zed; the project has ana, ben, suggestions", err)


def test_the_agreement_figures_do_not_hang_on_the_layers_held(folder: Path) -> None:
    """A pass pools to the same figures as passes over its halves merged in order."""
    with Session.open(folder, "ana", read_only=True, create=False) as session:
        docs = [(d, *read_document(session, d, ["ana", "ben"])) for d in session.document_ids()]
    whole = agreement_module.AgreementPass(["ana", "ben"])
    first, second = (agreement_module.AgreementPass(["ana", "ben"]) for _ in range(2))
    for k, (_, doc, layers) in enumerate(docs):
        whole.add(doc.text, layers)
        (first if k < 5 else second).add(doc.text, layers)
    first.merge(second)
    assert first.overall() == whole.overall() and first.count == whole.count == N_DOCS


# --------------------------------------------------------------------------- export --jobs
@pytest.mark.parametrize("extra", [("--layer", "ben"), (), ("--status", "accepted"),
                                   ("--layer", "ben", "--include-missing", "suggestions")])
def test_export_in_worker_processes_writes_what_one_process_writes(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...],
) -> None:
    layer_path(folder, "doc-03", "ben").write_bytes(b'{"torn":')  # skipped, loudly
    layer_path(folder, "doc-04", SUGGESTIONS_LAYER).write_bytes(b"[]")

    def export(jobs: int, out: Path) -> tuple[int, bytes, str]:
        code = main(["export", "--format", "jsonl", "--out", str(out), *extra,
                     "--jobs", str(jobs), "--project", str(folder), "--annotator", "ana"])
        err = capsys.readouterr().err.replace(str(out), "OUT")
        return code, out.read_bytes(), err

    one = export(1, tmp_path / "one.jsonl")
    monkeypatch.setattr(streaming, "PART", 2)
    monkeypatch.setattr(streaming, "PARALLEL_AFTER", 1)
    here: list[int] = []
    items = export_command._items
    monkeypatch.setattr(export_command, "_items",
                        lambda *args, **kw: here.append(1) or items(*args, **kw))
    several = export(3, tmp_path / "several.jsonl")
    assert not here  # every run was made in a worker
    assert several == one
    assert one[0] == 1 and "skipped: document 'doc-04' is damaged" in one[2]
    lines = [orjson.loads(line) for line in one[1].splitlines()]
    assert "doc-04" not in [line["id"] for line in lines] and len(lines) >= 5
