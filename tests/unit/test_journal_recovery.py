"""Journal first, layer second: a writer killed between the two, a refused layer write, entries
that cannot be undone, and the checkpoint that spares opening the journal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from annotations.edits import AcceptQuote, SetNote
from annotations.errors import InputError
from annotations.store import Project, atomic, history, journal_index
from annotations.store.journal import Journal
from annotations.store.layers import LayerStore
from tests.conftest import REPO, make_project

# Applies one edit and reports it, then dies (os._exit: no cleanup runs, as with SIGKILL) at
# the named point of a second edit.
CHILD = """
import os, sys
from annotations.edits import SetNote
from annotations.store import Project, journal
from annotations.store.layers import LayerStore

folder, point = sys.argv[1], sys.argv[2]
project = Project.open(folder, "ann", create=False)
project.apply(SetNote("d0", quote_id="q1", note="acknowledged"))
print("saved", flush=True)
write, append = LayerStore.write, journal.Journal.append

def die(*args, **kwargs):
    os._exit(9)

def after(real):
    def run(*args, **kwargs):
        real(*args, **kwargs)
        os._exit(9)
    return run

if point == "before-layer":
    LayerStore.write = die
elif point == "after-layer":
    LayerStore.write = after(write)
elif point == "after-journal":
    journal.Journal.append = after(append)
project.apply(SetNote("d0", quote_id="q2", note="in flight"))
print("saved", flush=True)
"""


def _kill_during_second_edit(folder: Path, point: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), point],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 9, done.stderr
    assert done.stdout.split() == ["saved"]


@pytest.mark.parametrize(
    ("point", "lands", "journaled"),
    [("before-layer", False, False), ("after-journal", False, True),
     ("after-layer", True, True)],
)
def test_undo_after_a_kill_mid_edit_undoes_the_last_edit_on_disk(
    tmp_path: Path, point: str, lands: bool, journaled: bool
) -> None:
    """Killed before the layer's store was asked to write, the edit left no line (the line is
    written under the layer's lock, just before the write); killed after its line, before
    the write, the line is voided at the next open; killed after the write, it stands."""
    folder = tmp_path / "proj"
    with make_project(folder, n_docs=2) as project:
        project.apply(SetNote("d1", quote_id="q1", note="earlier"))  # closed: a checkpoint
    assert journal_index.load(folder / "journal" / "ann.index") is not None
    _kill_during_second_edit(folder, point)
    with Project.open(folder, "ann") as project:
        quotes = project.layer("d0").quotes
        assert quotes["q1"].note == "acknowledged"
        assert (quotes["q2"].note == "in flight") is lands
        notes = [
            e["change"]["quotes_after"]
            for e in project.journal()
            if e["op"] == "edit" and e["doc"] == "d0"
        ]
        on_disk = (
            [{"q1": "acknowledged"}, {"q2": "in flight"}] if lands else [{"q1": "acknowledged"}]
        )
        assert [{k: q["note"] for k, q in n.items()} for n in notes] == on_disk
        undone = project.undo()
        assert undone is not None
        quotes = project.layer("d0").quotes
        if lands:  # the edit reached its layer: it is the last edit, and undo takes it back
            assert (quotes["q1"].note, quotes["q2"].note) == ("acknowledged", "")
        else:  # it did not: undo takes back the last acknowledged edit, nothing else
            assert (quotes["q1"].note, quotes["q2"].note) == ("", "")
    lines = (folder / "journal" / "ann.jsonl").read_bytes().splitlines()
    raw = [json.loads(line) for line in lines]
    voids = [e for e in raw if e["op"] == "void"]
    assert len(voids) == (1 if journaled and not lands else 0)


def test_a_refused_layer_write_voids_its_intent(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.apply(SetNote("d0", quote_id="q1", note="one"))

    def refuse(self: LayerStore, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LayerStore, "write", refuse)
    with pytest.raises(OSError):
        project.apply(SetNote("d0", quote_id="q2", note="two"))
    monkeypatch.undo()
    assert [e["what"] for e in project.journal()] == ["note on q1"]
    with Project.open(project.folder, "ann", read_only=True) as again:
        assert [e["what"] for e in again.journal()] == ["note on q1"]
    project.undo()
    assert project.layer("d0").quotes["q1"].note == ""


def test_a_void_the_full_disk_refused_goes_down_with_the_next_line(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.apply(SetNote("d0", quote_id="q1", note="one"))
    real_append = Journal.append
    calls = {"n": 0}

    def once_then_full(self: Journal, *entries: dict) -> object:  # type: ignore[type-arg]
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(28, "No space left on device")
        return real_append(self, *entries)

    def refuse(path: Path, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Journal, "append", once_then_full)
    monkeypatch.setattr(atomic, "atomic_write_bytes", refuse)  # the layer file, after the line
    with pytest.raises(OSError):
        project.apply(SetNote("d0", quote_id="q2", note="lost"))  # intent lands, void does not
    monkeypatch.undo()
    project.apply(SetNote("d0", quote_id="q2", note="two"))
    raw = (project.folder / "journal" / "ann.jsonl").read_bytes().splitlines()
    ops = [json.loads(line)["op"] for line in raw]
    assert ops == ["edit", "edit", "void", "edit"]
    with Project.open(project.folder, "other", read_only=True) as again:
        assert [e["what"] for e in again.journal()] == ["note on q1", "note on q2"]
    project.undo()
    project.undo()
    assert project.layer("d0").quotes["q1"].note == ""
    assert project.layer("d0").quotes["q2"].note == ""


def _append_raw(folder: Path, entry: dict) -> None:  # type: ignore[type-arg]
    with open(folder / "journal" / "ann.jsonl", "ab") as fh:
        fh.write(orjson.dumps(entry) + b"\n")


@pytest.mark.parametrize(
    "bad",
    [
        {"doc": "gone", "change": {"quotes_after": {"q1": None}}},
        {"doc": "d0", "change": {"quotes_before": {"q1": {"nonsense": 1}}, "quotes_after": {}}},
        {"doc": "d0", "change": {"quotes_before": {"q1": 7}, "quotes_after": {"q1": None}}},
    ],
    ids=["unknown-document", "malformed-record", "record-not-a-dict"],
)
def test_an_entry_that_cannot_be_undone_is_skipped_once(tmp_path: Path, bad: dict) -> None:  # type: ignore[type-arg]
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        project.apply(AcceptQuote("d0", quote_id="q1"))
    _append_raw(
        folder,
        {"id": "bad", "annotator": "ann", "op": "edit", "what": "ghost", "layer": "ann", **bad},
    )
    with Project.open(folder, "ann") as project:
        undone = project.undo()
        assert undone is not None and undone.description.startswith("undo accepted q1")
        assert len(undone.skipped) == 1 and "ghost" in undone.skipped[0]
        assert project.layer("d0").quotes["q1"].status == "suggested"
        assert project.undo() is None
    with Project.open(folder, "ann") as project:
        assert project.undo() is None  # skipped for good: said once
        assert project.redo() is not None
        assert project.layer("d0").quotes["q1"].status == "accepted"


def test_when_only_unusable_entries_are_left_undo_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    _append_raw(
        folder,
        {"id": "bad", "annotator": "ann", "op": "edit", "what": "ghost", "doc": "gone",
         "layer": "ann", "change": {}},
    )  # fmt: skip
    with Project.open(folder, "ann") as project:
        with pytest.raises(InputError, match="ghost"):
            project.undo()
        assert not project.can_undo and project.undo() is None


def _edits(project: Project, n: int, start: int = 0) -> None:
    for k in range(start, start + n):
        project.apply(SetNote("d0", quote_id=f"q{k % 2 + 1}", note=str(k)))


def test_opening_reads_the_checkpoint_and_the_lines_after_it_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "CHECKPOINT_EVERY", 10)
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        _edits(project, 25)
        project.undo()
    assert (folder / "journal" / "ann.index").exists()
    starts: list[int] = []
    real_scan = Journal.scan

    def spy(self: Journal, start: int = 0, ops: object = None):  # type: ignore[no-untyped-def]
        starts.append(start)
        return real_scan(self, start, ops)  # type: ignore[arg-type]

    layer_reads: list[str] = []
    real_get = LayerStore.get

    def get(self: LayerStore, doc_id: str, name: str):  # type: ignore[no-untyped-def]
        layer_reads.append(doc_id)
        return real_get(self, doc_id, name)

    monkeypatch.setattr(Journal, "scan", spy)
    monkeypatch.setattr(LayerStore, "get", get)
    with Project.open(folder, "ann") as project:
        assert starts and min(starts) > 0, "opening read the journal from its start"
        assert layer_reads == [], "after a clean close, opening reconciles nothing"
        assert project.layer("d0").quotes["q1"].note == "22"
        project.redo()
        project.undo()
        project.undo()
        assert project.layer("d0").quotes["q1"].note == "22"
        assert project.layer("d0").quotes["q2"].note == "21"


@pytest.mark.parametrize("how", ["missing", "garbage", "journal-cut", "journal-replaced"])
def test_a_missing_or_stale_checkpoint_is_rebuilt_from_the_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setattr(history, "CHECKPOINT_EVERY", 5)
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        _edits(project, 8)
        backup = {p: p.read_bytes() for p in folder.rglob("*.json*") if p.is_file()}
        _edits(project, 4, start=8)
    index = folder / "journal" / "ann.index"
    lines = (folder / "journal" / "ann.jsonl").read_bytes().splitlines(keepends=True)
    if how == "missing":
        index.unlink()
    elif how == "garbage":
        index.write_bytes(b'{"version": 1, "journ')
    elif how == "journal-cut":  # back to a copy taken before the checkpoint was written
        for path, data in backup.items():
            path.write_bytes(data)
    else:  # same length, other entries: the ids at the checkpoint's offsets differ
        entries = [orjson.loads(line) for line in lines]
        for entry in entries:
            entry["id"] = ("0" if entry["id"][0] != "0" else "1") + entry["id"][1:]
        journal = folder / "journal" / "ann.jsonl"
        journal.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries))
    kept = 8 if how == "journal-cut" else 12
    with Project.open(folder, "ann") as project:
        for k in reversed(range(kept)):
            assert project.undo() is not None, f"edit {k} could not be undone"
            assert (project.layer("d0").quotes[f"q{k % 2 + 1}"].note or "") == (
                str(k - 2) if k >= 2 else ""
            )
        assert project.undo() is None
    assert journal_index.load(folder / "journal" / "ann.index") is not None


def test_undo_goes_below_the_part_of_the_stack_the_checkpoint_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "CHECKPOINT_EVERY", 4)
    monkeypatch.setattr(journal_index, "MAX_DEPTH", 3)
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        _edits(project, 10)
    saved = journal_index.load(folder / "journal" / "ann.index")
    assert saved is not None and saved.stacks["ann"].undo_more
    with Project.open(folder, "ann") as project:
        for _ in range(10):
            assert project.undo() is not None
        assert project.undo() is None
        assert project.layer("d0").quotes["q1"].note == ""
        for _ in range(10):
            assert project.redo() is not None
        assert project.layer("d0").quotes["q2"].note == "9"


def test_a_read_only_open_writes_no_checkpoint(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        _edits(project, 3)
    (folder / "journal" / "ann.index").unlink(missing_ok=True)
    with Project.open(folder, "ann", read_only=True) as project:
        assert project.can_undo
    assert not (folder / "journal" / "ann.index").exists()


def test_a_journal_cut_back_past_a_layer_write_voids_no_intact_edit(tmp_path: Path) -> None:
    """Two stance-like edits on one quote, both on disk; then the journal loses its last line
    (cut by hand or by a disk). The layer holds the second edit's state, so the first one's
    after-state no longer matches: it was voided ("not applied") though it was applied. An
    intent is voided only while its layer still holds its before-state."""
    folder = tmp_path / "p"
    with make_project(folder) as project:
        project.apply(SetNote("d0", quote_id="q1", note="first"))
        project.apply(SetNote("d0", quote_id="q1", note="second"))
    path = folder / "journal" / "ann.jsonl"
    data = path.read_bytes()
    path.write_bytes(data[: data.rstrip(b"\n").rfind(b"\n") + 1] + data[-40:-1])  # torn last
    (folder / "journal" / "ann.index").unlink(missing_ok=True)
    with Project.open(folder, "ann") as project:
        assert [e["what"] for e in project.journal()] == ["note on q1"]
        assert not [e for e in project.journal() if e.get("op") == "void"]
        assert project.layer("d0").quotes["q1"].note == "second"
        assert project.can_undo


def test_a_deleted_journal_is_said_once_and_the_layers_stay(tmp_path: Path) -> None:
    """A journal deleted while its checkpoint stayed: the open said nothing, and the history
    and undo were silently empty. Now one damage line says so, once; the layer is untouched."""
    folder = tmp_path / "p"
    with make_project(folder) as project:
        project.apply(SetNote("d0", quote_id="q1", note="kept"))
    (folder / "journal" / "ann.jsonl").unlink()
    with Project.open(folder, "ann") as project:
        assert any("journal of ann" in m and "missing" in m for m in project.damaged)
        assert project.layer("d0").quotes["q1"].note == "kept"
        assert not project.can_undo
    with Project.open(folder, "ann") as project:
        assert not any("journal" in m for m in project.damaged)


KILLED_ON_A_SHARED_LAYER = """
import os, sys
from annotations.edits import SetNote
from annotations.store import Project, journal

project = Project.open(sys.argv[1], "ann", create=False)
project.apply(SetNote("d0", quote_id="q2", note="saved", layer="shared"))
append = journal.Journal.append

def then_die(*args, **kwargs):
    append(*args, **kwargs)
    os._exit(9)

journal.Journal.append = then_die
project.apply(SetNote("d0", quote_id="q1", note="never saved", layer="shared"))
"""


def test_a_line_whose_write_a_kill_cut_short_is_voided_though_a_teammate_wrote_since(
    tmp_path: Path,
) -> None:
    """Killed between an edit's journal line and its layer write, on a layer others write too
    (``final``, a layer opened with ``l``): a teammate then changes the same quote. The layer
    holds neither the edit's before- nor its after-state, and the line stood as a saved edit
    in the history (and undo aimed at it) though it never reached the file."""
    folder = tmp_path / "proj"
    make_project(folder).close()
    done = subprocess.run([sys.executable, "-c", KILLED_ON_A_SHARED_LAYER, str(folder)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 9, done.stderr
    with Project.open(folder, "bob") as teammate:
        teammate.apply(SetNote("d0", quote_id="q1", note="bob's", layer="shared"))
    with Project.open(folder, "ann") as project:
        notes = [q.get("note") for e in project.journal() if e["op"] == "edit"
                 for q in e["change"]["quotes_after"].values() if q]
        assert "never saved" not in notes and {"saved", "bob's"} <= set(notes)
        assert project.layer("d0", "shared").quotes["q1"].note == "bob's"
        undone = project.undo()  # ann's last saved edit, not the one that never landed
        assert undone is not None and project.layer("d0", "shared").quotes["q2"].note == ""


def test_edits_of_one_layer_by_two_processes_within_a_second_replay_in_written_order(
    tmp_path: Path,
) -> None:
    """Two annotators change one quote of a shared layer by turns within one second: the merged
    history lists them in the order they were written (its times had whole seconds, and
    entries of one second came out grouped by annotator), so replaying it gives the file."""
    folder = tmp_path / "proj"
    make_project(folder).close()
    first, second = Project.open(folder, "adj1"), Project.open(folder, "adj2")
    try:
        for i in range(6):
            who = first if i % 2 == 0 else second
            who.apply(SetNote("d0", quote_id="q1", note=f"turn {i}", layer="shared"))
        history = [e for e in first.journal() if e["op"] == "edit" and e["layer"] == "shared"]
    finally:
        first.close()
        second.close()
    replayed = [e["change"]["quotes_after"]["q1"]["note"] for e in history]
    assert replayed == [f"turn {i}" for i in range(6)]


def test_a_last_entry_that_lost_only_its_newline_is_kept_or_voided_by_what_the_layer_holds(
    tmp_path: Path,
) -> None:
    """The journal's last line lost its newline (a hand edit, a kill right before it): the
    entry was cut at the next open, so the audit trail no longer told how the layer got its
    value. It is kept when the layer holds its change, and voided when the edit never
    reached the layer; nothing is cut."""
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        project.apply(SetNote("d0", quote_id="q1", note="first"))
        project.apply(SetNote("d0", quote_id="q2", note="second"))
    path = folder / "journal" / "ann.jsonl"
    path.write_bytes(path.read_bytes()[:-1])
    with Project.open(folder, "ann") as project:
        assert [e["what"] for e in project.journal() if e["op"] == "edit"][-1] == (
            "note on q2")
        assert not any(e["op"] == "void" for e in project.journal())
        assert project.layer("d0").quotes["q2"].note == "second"
        assert project.undo() is not None  # the step is there to undo
        assert project.layer("d0").quotes["q2"].note != "second"
    # an entry whose edit never reached the layer (killed between journal and layer write)
    with Project.open(folder, "ann") as project:
        project.apply(SetNote("d0", quote_id="q1", note="third"))
    layer_file = next((folder / "annotations").glob("d0*/ann.json"))
    entries = path.read_bytes()
    before = layer_file.read_bytes()
    checkpoint = journal_index.index_path(path)
    kept = checkpoint.read_bytes()
    with Project.open(folder, "ann") as project:
        project.apply(SetNote("d0", quote_id="q1", note="never saved"))
    # as if killed between the journal line and the layer write: the layer as before, and no
    # checkpoint made at closing
    layer_file.write_bytes(before)
    checkpoint.write_bytes(kept)
    path.write_bytes(path.read_bytes()[:-1])
    with Project.open(folder, "ann") as project:
        assert project.layer("d0").quotes["q1"].note == "third"
        assert project.undo() is not None  # the step before: the voided one is no step
        assert project.layer("d0").quotes["q1"].note == "first"
    lines = [json.loads(line) for line in path.read_bytes().splitlines()]
    never = next(e for e in lines if "never saved" in json.dumps(e))
    assert [e["ref"] for e in lines if e["op"] == "void"] == [never["id"]]
    assert path.read_bytes().startswith(entries)


def test_a_torn_last_line_is_cut_at_open_its_bytes_kept_and_said(tmp_path: Path) -> None:
    """Bytes after the journal's last newline that are no entry (a torn write, a file
    damaged by hand) are cut at open, as before, but kept beside it and said once."""
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        project.apply(SetNote("d0", quote_id="q1", note="kept"))
    path = folder / "journal" / "ann.jsonl"
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"id": "torn", "op": "ed')
    with Project.open(folder, "ann") as project:
        assert any("cut short" in m and "damaged-" in m for m in project.damaged)
        assert project.layer("d0").quotes["q1"].note == "kept"
    assert path.read_bytes() == whole
    [aside] = path.parent.glob("ann.jsonl.damaged-*")
    assert aside.read_bytes() == b'{"id": "torn", "op": "ed'
