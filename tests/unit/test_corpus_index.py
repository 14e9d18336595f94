"""The corpus index (issue "Corpus scale"): per-document summaries kept by the layer write path,
rebuilt when missing, stale or damaged, never losing an update between processes; and the review
queue and the library's progress read from it agree with the layers read whole."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from annotations import team
from annotations.corpus_index import DocSummary
from annotations.edits import (
    AcceptQuote,
    CreateSpeaker,
    DeleteQuote,
    NewQuote,
    RejectQuote,
    SetQuoteType,
    SetStance,
)
from annotations.layer_summary import LayerSummary, QuoteGroup, summarize
from annotations.model import SUGGESTIONS_LAYER, Document, Layer
from annotations.review import QueueFilter, ReviewQueue, build_queue, plan_queue
from annotations.session import Session
from annotations.stats import document_stats
from annotations.store.summary_file import INDEX_DIR, LOG, SNAPSHOT
from tests.conftest import ARTICLE, REPO, fixed_detect, sample_layer

ANN = "ann"


def open_session(folder: Path, annotator: str = ANN, **kwargs: object) -> Session:
    return Session.open(folder, annotator, detect=fixed_detect, **kwargs)  # type: ignore[arg-type]


def expected(session: Session, layer: str | None = None) -> list[DocSummary]:
    """Every document's summary computed from its layer read whole (the truth)."""
    out = []
    for info in session.documents():
        name = layer or session.annotator
        status = team.document_status(session, info.id).status
        out.append(DocSummary(info.id, info.title or info.id, name,
                              summarize(session.layer(info.id, name)), status,
                              session.annotator in session.layer_names(info.id)))
    return out


def index_of(session: Session):  # noqa: ANN201 - the store's SummaryIndex
    return session.project.summary_index


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "proj"
    with open_session(folder) as session:
        session.import_documents(Document(f"d{i}", f"Doc {i}", ARTICLE) for i in range(4))
    return folder


# ------------------------------------------------------------------------- the summary rule
def test_summarize_counts_per_status_type_and_stance_with_least_confidence() -> None:
    layer = sample_layer()
    q1, q2 = layer.quotes["q1"], layer.quotes["q2"]
    layer = replace(layer, quotes={
        "q1": replace(q1, status="accepted", stance="support"),
        "q2": q2,
        "q3": replace(q2, id="q3", type="indirect", confidence={}),
    })
    summary = summarize(layer)
    assert summary.quotes == 3 and summary.reviewed == 1 and summary.suggested == 2
    assert summary.count_by("status") == {"accepted": 1, "suggested": 2}
    assert summary.count_by("type") == {"direct": 2, "indirect": 1}
    assert summary.count_by("stance") == {"support": 1, "": 2}
    assert summary.least_confidence == 0.6  # confidence_of: the least field
    assert summary.suggested_least == 0.6 and summary.suggested_unrated == 1
    assert summary.speakers == ("Jane Roe", "Tom Poe")
    assert LayerSummary.decode(summary.encode()) == summary
    assert summarize(Layer("x")) == LayerSummary()


@pytest.mark.parametrize("raw", [b"", b"[", b"[[], [1]]", b'[[["s","d","",0,null,0]],[]]',
                                 b'[[["s","d","",1,null,2]],[]]', b'{"a": 1}'])
def test_a_summary_that_does_not_read_is_refused(raw: bytes) -> None:
    with pytest.raises(ValueError):
        LayerSummary.decode(raw)


def test_library_progress_is_the_summary_rule() -> None:
    from annotations.store import DocumentInfo

    layer = sample_layer()
    decided = replace(layer, quotes={**layer.quotes,
                                     "q1": replace(layer.quotes["q1"], status="rejected")})
    info = DocumentInfo("d0", "", sha256="", file="d0")
    (stats,) = document_stats([(info, decided)])
    summary = summarize(decided)
    assert (stats.quotes, stats.reviewed) == (summary.quotes, summary.reviewed) == (2, 1)
    assert stats.title == "d0"


# ------------------------------------------------------------------------- kept by the writes
def test_the_index_agrees_with_the_layers_after_edits_imports_and_undo(folder: Path) -> None:
    with open_session(folder) as session:
        session.apply(AcceptQuote("d0", "q1"))
        session.apply(RejectQuote("d0", "q2"))
        session.apply(SetStance("d1", "q1", "oppose"))
        session.apply(SetQuoteType("d1", "q2", "indirect"))
        session.apply(NewQuote("d2", start=0, end=5))
        session.apply(CreateSpeaker("d2", "Ana Ortiz"))
        session.apply(DeleteQuote("d3", "q1"))
        session.undo()  # the deleted quote is back
        session.undo()  # the new speaker is gone
        session.redo()
        session.import_documents([Document("d9", "Late", ARTICLE), Document("e", "Empty", "x")])
        session.put_layer("d1", Layer("gold", sample_layer().quotes, {}))
        session.set_setting("x", 1)
        assert session.summaries(verify=False) == expected(session)
        assert session.summaries(layer="gold", verify=False) == expected(session, "gold")
        assert session.summaries(layer=SUGGESTIONS_LAYER, verify=False) == \
            expected(session, SUGGESTIONS_LAYER)
        for layer in (None, "gold", SUGGESTIONS_LAYER, "final"):
            truth = expected(session, layer)
            sums = (sum(s.quotes for s in truth), sum(s.reviewed for s in truth))
            view = session.corpus_view(layer)
            assert view.totals() == view.totals(session.document_ids()) == sums
            assert [view.stats(d) for d in view.doc_ids] == document_stats(
                (session.info(d), session.layer(d, layer)) for d in view.doc_ids)
        assert index_of(session).rebuilt == 0  # kept by the writes, never rebuilt
    with open_session(folder) as again:  # a new process reads what the writes left
        assert again.summaries() == expected(again)
        assert index_of(again).rebuilt == 0
        assert {s.doc_id: s.status for s in again.summaries()}["d0"] == team.IN_PROGRESS


def test_a_status_set_shows_in_the_summaries(folder: Path) -> None:
    with open_session(folder) as session:
        team.set_status(session, "d2", team.DONE)
        by_id = {s.doc_id: s for s in session.summaries()}
        assert by_id["d2"].status == team.DONE and not by_id["d2"].stored
        assert by_id["d1"].status == team.NOT_STARTED


def test_a_deleted_index_is_rebuilt_from_the_layers(folder: Path) -> None:
    with open_session(folder) as session:
        session.apply(AcceptQuote("d1", "q2"))
    shutil.rmtree(folder / INDEX_DIR)
    with open_session(folder) as session:
        assert session.summaries(verify=False) == expected(session)
        assert index_of(session).rebuilt == 5  # four suggestions and ann's layer of d1
    with open_session(folder) as session:  # and it was written back
        assert session.summaries(verify=False) == expected(session)
        assert index_of(session).rebuilt == 0


def test_a_read_only_session_rebuilds_in_memory_and_writes_nothing(folder: Path) -> None:
    shutil.rmtree(folder / INDEX_DIR)
    with open_session(folder, read_only=True) as session:
        assert session.summaries() == expected(session)
    assert not (folder / INDEX_DIR).exists()


def _accept_behind_its_back(folder: Path, doc: str, layer: str, qid: str) -> None:
    """Another process (not saywho's write path) changes a layer file: accept ``qid``."""
    path = folder / "annotations" / doc / f"{layer}.json"
    data = orjson.loads(path.read_bytes())
    data["layers"]["1"]["quotes"][qid]["status"] = "accepted"
    tmp = path.with_name("elsewhere.tmp")
    tmp.write_bytes(orjson.dumps(data))
    os.replace(tmp, path)


def test_a_layer_changed_behind_its_back_is_found_stale_and_rebuilt(folder: Path) -> None:
    with open_session(folder) as session:
        session.apply(AcceptQuote("d0", "q1"))
    _accept_behind_its_back(folder, "d0", ANN, "q2")  # ann's own layer
    _accept_behind_its_back(folder, "d3", SUGGESTIONS_LAYER, "q1")  # what ann's d3 starts as
    with open_session(folder) as session:
        trusted = {s.doc_id: s.reviewed for s in session.summaries(verify=False)}
        assert (trusted["d0"], trusted["d3"]) == (1, 0)  # the stale entries, trusted
        assert sorted(session.verify_summaries()) == ["d0", "d3"]
        assert session.summaries(verify=False) == expected(session)
        assert {s.doc_id: s.reviewed for s in session.summaries()}["d0"] == 2
    with open_session(folder) as session:
        assert session.verify_summaries() == []  # the rebuilt entries were written back
        assert session.summaries(verify=False) == expected(session)


def test_a_layer_file_gone_behind_its_back_falls_back_to_the_suggestions(folder: Path) -> None:
    with open_session(folder) as session:
        session.apply(RejectQuote("d2", "q1"))
    (folder / "annotations" / "d2" / f"{ANN}.json").unlink()
    with open_session(folder) as session:
        assert session.summaries() == expected(session)
        d2 = {s.doc_id: s for s in session.summaries()}["d2"]
        assert (d2.reviewed, d2.stored, d2.status) == (0, False, team.NOT_STARTED)


@pytest.mark.parametrize("damage", ["numbers", "summary", "log"])
def test_a_damaged_index_file_is_never_trusted(folder: Path, damage: str) -> None:
    """Damage to the snapshot's numbers is found on opening (the file is moved aside, its
    bytes kept); damage to a summary is found when that summary is read (the entry is
    summarized again from its layer file, and the next compaction leaves it out)."""
    with open_session(folder) as session:
        session.apply(AcceptQuote("d0", "q1"))
        index = index_of(session)
        index._table = index._files.compact(index.table)  # fold the log into a snapshot
        assert (folder / INDEX_DIR / SNAPSHOT).exists()
    index = folder / INDEX_DIR
    raw = bytearray((index / SNAPSHOT).read_bytes())
    if damage == "numbers":
        header = 12 + int.from_bytes(raw[8:12], "little")
        raw[header + 2:header + 6] = b"0123"  # inside the document ids
        (index / SNAPSHOT).write_bytes(bytes(raw))
    elif damage == "summary":
        raw[-20:-10] = b"0123456789"  # bit rot in the last summary
        (index / SNAPSHOT).write_bytes(bytes(raw))
    else:
        (index / SNAPSHOT).unlink()
        lines = (index / LOG).read_bytes()
        (index / LOG).write_bytes(b'["d0","ann",1,2,3,9,9,0,null]\tnot json\n{"torn' + lines)
    with open_session(folder) as session:
        assert session.summaries(verify=False) == expected(session)
        problems = index_of(session).problems
        if damage == "numbers":
            assert any("damaged" in p for p in problems)
            assert list(index.glob(f"{SNAPSHOT}.damaged-*"))  # its bytes kept
        if damage == "summary":
            assert any("damaged" in p and "does not match its checksum" in p for p in problems)
            live = index_of(session)
            live._table = live._files.compact(live.table)  # rewritten without the bad bytes
    if damage == "summary":
        assert b"0123456789" not in (index / SNAPSHOT).read_bytes()
        with open_session(folder) as session:
            assert session.summaries(verify=False) == expected(session)
            assert not index_of(session).problems


def _schema_1_snapshot(table) -> bytes:  # noqa: ANN001 - a SummaryTable
    """The snapshot format of saywho before per-summary checksums, written independently."""
    import itertools
    import zlib
    from array import array

    names = [n for n in table.names if table.rows.get(n)]
    order = [row for n in names for row in table.rows[n].values()]
    docs = orjson.dumps([table.docs[r] for r in order])
    columns = [array("q", (getattr(table, c)[r] for r in order)).tobytes()
               for c in ("ino", "size", "mtime", "quotes", "reviewed", "unrated")]
    columns.append(array("d", (table.least[r] for r in order)).tobytes())
    pieces = [table.detail(r) for r in order]
    ends = array("q", itertools.accumulate(len(p) for p in pieces))
    details = b"".join(pieces)
    body = b"".join([docs, *columns, ends.tobytes(), details])
    header = orjson.dumps({
        "schema": 1, "byteorder": sys.byteorder, "names": names,
        "counts": [len(table.rows[n]) for n in names], "docs": len(docs),
        "details": len(details), "crc": zlib.crc32(body),
    })
    return b"SAYWHOIX" + len(header).to_bytes(4, "little") + header + body


def test_a_snapshot_of_the_older_format_is_read_and_rewritten_on_closing(folder: Path) -> None:
    with open_session(folder) as session:
        session.apply(AcceptQuote("d0", "q1"))
        index = index_of(session)
        index._table = index._files.compact(index.table)
        old = _schema_1_snapshot(index.table)
    (folder / INDEX_DIR / SNAPSHOT).write_bytes(old)
    with open_session(folder) as session:
        assert session.summaries(verify=False) == expected(session)
        assert index_of(session).table.schema == 1 and not index_of(session).problems
    with open_session(folder) as session:
        assert index_of(session).table.schema == 2
        assert session.summaries(verify=False) == expected(session)
    damaged = bytearray(old)
    damaged[-20:-10] = b"0123456789"  # the older format's one checksum covers the summaries
    (folder / INDEX_DIR / SNAPSHOT).write_bytes(bytes(damaged))
    with open_session(folder) as session:
        assert session.summaries(verify=False) == expected(session)
        assert any("damaged" in p for p in index_of(session).problems)


# ------------------------------------------------------------------------- several processes
WRITER = textwrap.dedent("""
    import sys
    import time
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    import annotations.store.summaries as summaries
    from annotations.edits import AcceptQuote, RejectQuote, SetStance
    from annotations.model import Document
    from annotations.session import Session
    from tests.conftest import ARTICLE, fixed_detect

    summaries.COMPACT_MIN = 5  # fold the log into the snapshot often, under the other's appends
    name, rounds, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    with Session.open({folder!r}, name, detect=fixed_detect) as session:
        index = session.project.summary_index
        index.table  # loaded before the other starts writing
        while not go.exists():  # both start at once
            time.sleep(0.005)
        for k in range(rounds):
            doc = f"d{{k % 4}}"
            turn = k // 4 % 2  # each (document, quote) flips at every visit: a real change
            edit = (AcceptQuote, RejectQuote)[turn]
            session.apply(edit(doc, f"q{{k % 2 + 1}}"))
            session.apply(SetStance(doc, "q1", ("support", "oppose")[turn]))
            if k % 5 == 0:
                session.import_documents([Document(f"{{name}}-{{k}}", "new", ARTICLE)])
            if k % 3 == 0:
                index._maybe_compact()
    print("ok")
""")


ROUNDS = 120


def test_two_annotators_writing_at_once_lose_no_update(folder: Path) -> None:
    script = WRITER.format(repo=str(REPO), folder=str(folder))
    go = folder.parent / "go"
    procs = [subprocess.Popen([sys.executable, "-c", script, name, str(ROUNDS), str(go)],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("ana", "ben")]
    time.sleep(1.5)  # both have opened the project
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and out.strip() == "ok", err[-2000:]
    for name in ("ana", "ben"):
        with open_session(folder, name) as session:
            assert len(session.document_ids()) == 4 + 2 * len(range(0, ROUNDS, 5))
            assert session.summaries(verify=False) == expected(session)
            assert session.verify_summaries() == []  # nothing lost: nothing to rebuild
            assert index_of(session).rebuilt == 0


# ------------------------------------------------------------------------- the review queue
def _layers(session: Session) -> dict[str, Layer]:
    return {d: session.layer(d) for d in session.document_ids()}


@pytest.mark.parametrize("text", ["", "status:suggested", "status:any", "type:direct",
                                  "stance:none", "stance:oppose status:any", "speaker:roe",
                                  "speaker:nobody", "ready", "status:accepted"])
def test_the_queue_from_the_index_is_the_queue_from_the_layers(folder: Path, text: str) -> None:
    with open_session(folder) as session:
        session.apply(AcceptQuote("d0", "q1"))
        session.apply(SetStance("d1", "q2", "oppose"))
        session.apply(SetQuoteType("d2", "q1", "indirect"))
        session.import_documents([Document("z", "Z", ARTICLE)])
        flt = QueueFilter.parse(text) if text else QueueFilter()
        first = {"d3"}
        eager = build_queue(_layers(session), flt, first)
        reads: list[str] = []

        def read(doc_id: str) -> Layer:
            reads.append(doc_id)
            return session.layer(doc_id)

        view = session.corpus_view()
        queue = ReviewQueue(plan_queue(session.document_ids(), view, flt, first), flt, read)
        assert queue.total >= len(eager)
        if flt.speaker is None and not flt.words:
            assert queue.total == len(eager)  # the index's counts are exact
        assert list(queue) == eager
        assert len(reads) == len(set(reads))  # each document read once


def test_the_queue_reads_a_document_only_when_it_reaches_it(folder: Path) -> None:
    with open_session(folder) as session:
        reads: list[str] = []

        def read(doc_id: str) -> Layer:
            reads.append(doc_id)
            return session.layer(doc_id)

        flt = QueueFilter()
        queue = ReviewQueue(plan_queue(session.document_ids(), session.corpus_view(), flt),
                            flt, read)
        assert reads == [] and queue.total == 8 and queue.progress() == (0, 8)
        assert queue[0][0] == "d0" and reads == ["d0"]
        assert queue.upcoming() == "d1"
        assert queue.next_unreviewed(0) == 1 and reads == ["d0"]
        assert queue[2] == ("d1", "q2") and reads == ["d0", "d1"]
        assert queue.clamp(100) == 7 and len(reads) == 4


def test_a_damaged_document_is_skipped_by_the_queue(folder: Path) -> None:
    from annotations.errors import DamagedFileError

    def read(doc_id: str) -> Layer:
        if doc_id == "d0":
            raise DamagedFileError("d0 is damaged")
        return Layer(ANN, sample_layer().quotes, {})

    with open_session(folder) as session:
        flt = QueueFilter()
        queue = ReviewQueue(plan_queue(session.document_ids(), session.corpus_view(), flt),
                            flt, read)
        assert queue[0][0] == "d1" and queue.skipped == [("d0", "d0 is damaged")]


def test_summary_groups_order_and_equality() -> None:
    a = LayerSummary((QuoteGroup("accepted", "direct", "", 1, 0.2, 0),), ("A",))
    assert a == LayerSummary.decode(a.encode())
    assert a != LayerSummary((QuoteGroup("accepted", "direct", "", 1, 0.3, 0),), ("A",))


# ------------------------------------------------------------------------- the CLI's counts
def test_status_list_and_progress_read_the_index(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from annotations.progress import team_progress
    from annotations.store.layers import LayerStore
    from tui.cli import main

    with open_session(folder, "ben") as ben:
        ben.apply(AcceptQuote("d1", "q1"))
        team.set_status(ben, "d2", team.DONE)
    with open_session(folder) as session:
        session.apply(AcceptQuote("d0", "q1"))
        team.assign(session, ["ann", "ben"], per_document=1)
    (folder / "annotations" / "d3" / "ann.json").write_bytes(  # written by another tool
        (folder / "annotations" / "d0" / "ann.json").read_bytes())
    with open_session(folder, read_only=True) as session:  # the figures from every folder
        before = team_progress(session).to_dict()
    listed: list[str] = []
    names = LayerStore.names

    def spy(self: LayerStore, doc_id: str) -> list[str]:
        listed.append(doc_id)
        return names(self, doc_id)

    monkeypatch.setattr(LayerStore, "names", spy)
    proj = ["--project", str(folder)]
    assert main(["status", "--list", "--json", *proj, "--annotator", "ann"]) == 0
    rows = {r["doc"]: r["status"] for r in json.loads(capsys.readouterr().out)}
    assert rows == {"d0": team.IN_PROGRESS, "d1": team.NOT_STARTED, "d2": team.NOT_STARTED,
                    "d3": team.IN_PROGRESS}
    assert main(["progress", "--json", *proj]) == 0
    assert json.loads(capsys.readouterr().out) == before
    assert listed == []  # no document's folder listed: the index said which layers exist


def test_two_threads_asking_a_fresh_table_for_one_layer_both_get_its_rows() -> None:
    """The UI thread and the index check's thread may both ask a just-loaded table for a
    layer whose row map is not built yet: neither may see it empty."""
    import threading

    from annotations.store.summary_file import Entry, SummaryTable

    built = SummaryTable()
    for i in range(100_000):
        built.put(Entry(f"d{i}", "ann", (i + 1, 10, 5), 3, 1, 0, None, b"[[],[]]"))
    raw = built.to_snapshot()
    for _ in range(5):
        table = SummaryTable.from_snapshot(raw)
        barrier = threading.Barrier(2)
        answers: list[int | None] = []

        def ask(table: SummaryTable = table, barrier: threading.Barrier = barrier,
                answers: list[int | None] = answers) -> None:
            barrier.wait()
            answers.append(table.row("d5", "ann"))

        threads = [threading.Thread(target=ask) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [5, 5]


def test_covers_answers_as_the_row_map_would_with_or_without_building_it() -> None:
    """``covers`` (the check behind a library's first frame): every id held, whatever the
    order; an id missing or an empty layer is not covered; the ids in the order read answer
    without building the map."""
    from annotations.store.summary_file import Entry, SummaryTable

    built = SummaryTable()
    for i in range(50):
        built.put(Entry(f"d{i}", "ann", (i + 1, 10, 5), 3, 1, 0, None, b"[[],[]]"))
    raw = built.to_snapshot()
    ids = [f"d{i}" for i in range(50)]

    table = SummaryTable.from_snapshot(raw)
    assert table.rows.covers("ann", ids)
    assert "ann" in table.rows._later  # answered from the ids read: no map built
    assert table.rows.covers("ann", list(reversed(ids)))
    assert table.rows.covers("ann", ids[10:20])
    assert not table.rows.covers("ann", [*ids, "d50"])
    assert not table.rows.covers("other", ids)
    assert table.rows.covers("other", [])
    assert table.row("d7", "ann") == 7  # the map, once built, agrees


def test_a_row_found_at_its_place_is_the_row_the_map_gives() -> None:
    """``find`` with ``at`` (a library row's place): right, it answers without the layer's map;
    wrong, out of range or for a layer read in another order, it answers from the map."""
    from annotations.store.summary_file import Entry, SummaryTable

    built = SummaryTable()
    for i in range(40):
        built.put(Entry(f"d{i}", "suggestions", (i + 1, 10, 5), 3, 1, 0, None, b"[[],[]]"))
    for i in range(0, 40, 4):  # an annotator on every fourth document
        built.put(Entry(f"d{i}", "ann", (100 + i, 10, 5), 2, 2, 0, None, b"[[],[]]"))
    fresh = SummaryTable.from_snapshot(built.to_snapshot()).rows
    hinted = [fresh.find("suggestions", f"d{i}", at=i) for i in range(40)]
    assert "suggestions" in fresh._later  # answered without building the map
    table = SummaryTable.from_snapshot(built.to_snapshot())
    rows = table.rows
    assert hinted == [rows.find("suggestions", f"d{i}") for i in range(40)]
    expected = {f"d{i}": rows.find("suggestions", f"d{i}") for i in range(40)}
    for i in range(40):
        assert rows.find("suggestions", f"d{i}", at=i) == expected[f"d{i}"]
        assert rows.find("suggestions", f"d{i}", at=(i + 1) % 40) == expected[f"d{i}"]
    assert rows.find("suggestions", "d3", at=99) == expected["d3"]
    assert rows.find("suggestions", "nope", at=3) is None
    ann = {f"d{i}": table.row(f"d{i}", "ann") for i in range(0, 40, 4)}
    assert table.row("d8", "ann", at=8) == ann["d8"]  # place 8 of the project, not of ann
    assert table.row("d9", "ann", at=9) is None


def test_an_entry_an_older_saywho_wrote_without_codes_is_summarized_again(folder: Path) -> None:
    """An older saywho's entry left a speaker's attributes and a quote's codes out of the
    summary, yet its file identity matches: the newer saywho does not trust that part of it (a
    read summarizes the layer file again, the index check rebuilds it), and reads it whole."""
    from annotations.store.summary_file import SummaryFiles

    with open_session(folder) as session:
        layer = session.layer("d0")
        quote = next(iter(layer.quotes.values()))
        speaker = next(iter(layer.speakers.values()))
        topic = replace(quote, codes=(("topic", "crime"),))
        role = replace(speaker, attributes=(("role", "expert"),))
        coded = replace(layer, quotes={**layer.quotes, quote.id: topic},
                        speakers={**layer.speakers, speaker.id: role})
        session.put_layer("d0", replace(coded, name=ANN), replace=True)
        index = index_of(session)
        row = index.table.row("d0", ANN)
        assert row is not None
        entry = index.table.entry(row)
    groups, speakers, voices, edited, *_ = orjson.loads(entry.detail)
    old = orjson.dumps([groups, speakers, [v[:6] for v in voices], edited])  # as saywho wrote it
    files = SummaryFiles(folder / INDEX_DIR, writable=True)
    files.append([replace(entry, detail=old)])
    files.close()
    with open_session(folder) as session:
        index = index_of(session)
        assert index.table.entry(index.table.row("d0", ANN)).detail == old  # trusted by file
        summary = index.view_summary("d0", ANN)
        assert ("topic", "crime") in [(k, v) for k, v, _, _ in summary.codes]
        assert any(v.attributes == (("role", "expert"),) for v in summary.voices or ())
    files = SummaryFiles(folder / INDEX_DIR, writable=True)
    files.append([replace(entry, detail=old)])  # once more, then the background check
    files.close()
    with open_session(folder) as session:
        index = index_of(session)
        assert index.verify(session.document_ids(), [ANN]) == ["d0"]
        voices = index.view_voices("d0", ANN)
        assert any(v.attributes == (("role", "expert"),) for v in voices or ())
        assert index.verify(session.document_ids(), [ANN]) == []  # once


def test_an_entry_a_newer_saywho_wrote_is_trusted(folder: Path) -> None:
    """An entry whose summary a newer saywho wrote (a higher ``SUMMARY_VERSION``, more fields
    before it) is read as it is: summarizing it again at every read and check would undo the
    newer saywho's entry and have it summarized again there, back and forth, in a team whose
    members upgrade one at a time."""
    from annotations.layer_summary import SUMMARY_VERSION
    from annotations.store.summary_file import SummaryFiles

    with open_session(folder) as session:
        session.apply(AcceptQuote("d0", quote_id="q1"))
        index = index_of(session)
        entry = index.table.entry(index.table.row("d0", ANN))
    *known, _version = orjson.loads(entry.detail)
    newer = orjson.dumps([*known, {"later": 1}, SUMMARY_VERSION + 1])
    files = SummaryFiles(folder / INDEX_DIR, writable=True)
    files.append([replace(entry, detail=newer)])
    files.close()
    with open_session(folder) as session:
        index = index_of(session)
        assert index.verify(session.document_ids(), [ANN]) == []
        assert index.view_summary("d0", ANN).reviewed == 1
        assert index.table.entry(index.table.row("d0", ANN)).detail == newer
