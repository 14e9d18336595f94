"""The project store: atomic files, damage handling, migrations, ids, undo across restarts."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from annotations.edits import AcceptQuote, NewQuote, SetStance
from annotations.errors import InputError, StepConflict
from annotations.history_view import conflict_message, quote_number
from annotations.model import Document, Layer
from annotations.session import Session
from annotations.store import Project
from annotations.store.atomic import TEMP_SUFFIX
from tests.conftest import ARTICLE, fixed_detect, make_project, with_suggestions


def test_edit_is_on_disk_when_apply_returns(project: Project) -> None:
    project.apply(AcceptQuote("d0", quote_id="q1"))
    files = sorted((project.folder / "annotations" / "d0").glob("*.json"))
    assert [p.name for p in files] == ["ann.json", "suggestions.json"]  # a file per layer
    layers = {}
    for path in files:
        raw = json.loads(path.read_bytes())
        assert raw["_meta"]["1"]["schema_version"] == 2
        assert raw["_meta"]["1"]["doc_id"] == "d0" and raw["_meta"]["1"]["layer"] == path.stem
        (row,) = raw["layers"].values()
        layers[row["layer"]] = row
    assert layers["ann"]["quotes"]["q1"]["status"] == "accepted"
    assert layers["suggestions"]["quotes"]["q1"]["status"] == "suggested"
    entry = json.loads((project.folder / "journal" / "ann.jsonl").read_text().splitlines()[-1])
    assert entry["annotator"] == "ann" and entry["op"] == "edit" and entry["doc"] == "d0"
    assert entry["change"]["quotes_before"]["q1"]["status"] == "suggested"
    assert entry["change"]["quotes_after"]["q1"]["status"] == "accepted"


def test_truncated_annotations_file_is_moved_aside_and_others_work(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder, n_docs=3) as proj:
        proj.apply(AcceptQuote("d1", quote_id="q1"))
        proj.apply(AcceptQuote("d2", quote_id="q2"))
    victim = folder / "annotations" / "d1" / "suggestions.json"
    full = victim.read_bytes()
    victim.write_bytes(full[: len(full) // 2])
    truncated = victim.read_bytes()

    with Project.open(folder, "ann", create=False) as proj:
        damage = proj.verify()
        assert len(damage) == 1 and "d1" in damage[0] and "moved aside" in damage[0]
        aside = list((folder / "annotations" / "d1").glob("suggestions.json.damaged-*"))
        assert len(aside) == 1 and aside[0].read_bytes() == truncated
        assert proj.layer("d2").quotes["q2"].status == "accepted"
        assert proj.layer("d0").quotes["q1"].status == "suggested"
        # the store does not detect: the damaged document waits, empty, for suggestions
        assert proj.needs_suggestions == {"d1"}
        assert proj.layer("d1", "suggestions").quotes == {}
        proj.store_suggestions("d1", fixed_detect(ARTICLE))
        assert not proj.needs_suggestions
        assert set(proj.layer("d1").quotes) == {"q1", "q2"}
        proj.apply(AcceptQuote("d1", quote_id="q2"))
    assert aside[0].read_bytes() == truncated


def test_a_session_gives_a_damaged_document_fresh_suggestions(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=2).close()
    (folder / "annotations" / "d1" / "suggestions.json").write_bytes(b'{"torn":')
    with Session.open(folder, "ann", create=False, detect=fixed_detect) as session:
        assert set(session.layer("d1").quotes) == {"q1", "q2"}
        assert not session.project.needs_suggestions
        assert any("d1" in d and "moved aside" in d for d in session.damaged)


def test_corrupt_project_file_is_moved_aside_and_documents_recovered(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=2).close()
    (folder / "saywho.json").write_bytes(b"{not json")
    with Project.open(folder, "ann", create=False) as proj:
        assert any("saywho.json" in d for d in proj.damaged)
        assert sorted(proj.document_ids()) == ["d0", "d1"]
        assert proj.document("d0").text == ARTICLE
    assert list(folder.glob("saywho.json.damaged-*"))[0].read_bytes() == b"{not json"


def test_orphan_temp_files_are_removed_at_open(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    orphan = folder / "annotations" / "d0" / f".ann.json.999{TEMP_SUFFIX}"
    orphan.write_bytes(b'{"half":')
    top = folder / f".saywho.json.999{TEMP_SUFFIX}"
    top.write_bytes(b'{"half":')
    Project.open(folder, "ann").close()
    assert not top.exists()
    # a document's folder is swept when it is first read (not every folder at each open)
    with Project.open(folder, "ann") as proj:
        proj.layer_names("d0")
    assert not orphan.exists()


def test_a_live_writers_temp_file_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    import os

    live = folder / "annotations" / "d0" / f".ann.json.{os.getppid()}{TEMP_SUFFIX}"
    live.write_bytes(b'{"half":')
    with Project.open(folder, "bob") as proj:
        proj.verify()
    assert live.exists()


def test_reimport_unchanged_is_noop_and_changed_text_is_refused(project: Project) -> None:
    project.apply(AcceptQuote("d0", quote_id="q1"))
    again = project.add_documents(with_suggestions([Document("d0", "Doc 0", ARTICLE)]))
    assert again.unchanged == ["d0"] and not again.added and again.ok
    changed = project.add_documents(with_suggestions([Document("d0", "Doc 0", ARTICLE + " M.")]))
    assert not changed.ok and "different text" in changed.failed[0][1]
    assert project.document("d0").text == ARTICLE
    assert project.layer("d0").quotes["q1"].status == "accepted"


@pytest.mark.parametrize("hostile", ["../../x", "con", "CON.txt", "a/b\\c", "..", ".hidden", "nul"])
def test_hostile_ids_never_leave_the_project(tmp_path: Path, hostile: str) -> None:
    folder = tmp_path / "deep" / "proj"
    with Project.open(folder, "ann") as proj:
        proj.add_documents(with_suggestions([Document(hostile, "t", ARTICLE)]))
        assert proj.document(hostile).text == ARTICLE
        proj.apply(NewQuote(hostile, start=0, end=5))
    made = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(folder in p.parents for p in made), made
    stems = {p.name.split(".")[0].lower() for p in (folder / "texts").iterdir()}
    assert stems.isdisjoint({"con", "nul", "", ".."})
    with Project.open(folder, "ann") as proj:
        assert proj.document_ids() == [hostile]


def test_undo_redo_survive_a_restart(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as proj:
        proj.apply(AcceptQuote("d0", quote_id="q1"))
        proj.apply(SetStance("d0", quote_id="q1", stance="oppose"))
    with Project.open(folder, "ann") as proj:
        assert proj.can_undo
        proj.undo()
        assert proj.layer("d0").quotes["q1"].stance is None
    with Project.open(folder, "ann") as proj:
        assert proj.can_redo
        proj.redo()
        assert proj.layer("d0").quotes["q1"].stance == "oppose"
        proj.undo()
        proj.undo()
        assert proj.layer("d0").quotes["q1"].status == "suggested"
        assert not proj.can_undo
    with Project.open(folder, "other") as proj:
        assert not proj.can_undo, "undo history is per annotator"


def test_undo_of_new_quote_removes_it(project: Project) -> None:
    project.apply(NewQuote("d0", start=0, end=10))
    assert "q3" in project.layer("d0").quotes
    project.undo()
    assert "q3" not in project.layer("d0").quotes


def test_bad_edit_never_reaches_disk(project: Project) -> None:
    before = {p: p.read_bytes() for p in (project.folder / "annotations").glob("*.json")}
    with pytest.raises(InputError):
        project.apply(NewQuote("d0", start=50, end=10_000))
    with pytest.raises(InputError):
        project.apply(AcceptQuote("d0", quote_id="nope"))
    assert before == {p: p.read_bytes() for p in (project.folder / "annotations").glob("*.json")}


def test_old_schema_is_migrated_with_a_backup(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    path = folder / "annotations" / "d0" / "suggestions.json"
    quote = {"id": "q9", "start": 0, "end": 5, "text": ARTICLE[:5], "type": "direct"}
    v0 = {"layers": {"1": {"layer": "suggestions", "quotes": {"q9": quote}, "speakers": {}}}}
    path.write_bytes(orjson.dumps(v0))
    with Project.open(folder, "ann", create=False) as proj:
        assert set(proj.layer("d0", "suggestions").quotes) == {"q9"}
    assert json.loads((path.with_name("suggestions.json.v0.bak")).read_bytes()) == v0
    assert json.loads(path.read_bytes())["_meta"]["1"]["schema_version"] == 2


def test_a_pre_release_document_file_is_migrated_with_a_backup(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    quote = {"id": "q9", "start": 0, "end": 5, "text": ARTICLE[:5], "type": "direct"}
    v0 = {"quotes": {"1": quote}, "speakers": {}}
    # the old layout: one file per document, one journal for the project
    data = json.loads((folder / "saywho.json").read_bytes())
    data["_meta"] = {"1": {"schema_version": 1}}
    (folder / "saywho.json").write_bytes(orjson.dumps(data))
    (folder / "annotations" / "d0" / "suggestions.json").unlink()
    (folder / "annotations" / "d0").rmdir()
    (folder / "annotations" / "d0.json").write_bytes(orjson.dumps(v0))
    with Project.open(folder, "ann", create=False) as proj:
        assert set(proj.layer("d0", "suggestions").quotes) == {"q9"}
    (backup,) = (folder / "backup").iterdir()
    assert json.loads((backup / "annotations" / "d0.json").read_bytes()) == v0
    assert not (folder / "annotations" / "d0.json").exists()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    data = json.loads((folder / "saywho.json").read_bytes())
    data["_meta"] = {"1": {"schema_version": 99}}
    (folder / "saywho.json").write_bytes(orjson.dumps(data))
    from annotations.errors import ProjectError

    with pytest.raises(ProjectError, match="newer saywho"):
        Project.open(folder, "ann", create=False)


def test_torn_journal_line_is_skipped_and_appends_continue(project: Project) -> None:
    project.apply(AcceptQuote("d0", quote_id="q1"))
    with open(project.folder / "journal" / "ann.jsonl", "ab") as fh:
        fh.write(b'{"id": "torn", "op": "ed')
    project.apply(AcceptQuote("d0", quote_id="q2"))
    entries = list(project.journal())
    assert [e["what"] for e in entries] == ["accepted q1", "accepted q2"]


def test_torn_journal_tail_is_cut_at_open_so_every_line_parses(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as proj:
        proj.apply(AcceptQuote("d0", quote_id="q1"))
    with open(folder / "journal" / "ann.jsonl", "ab") as fh:
        fh.write(b'{"id": "torn", "op": "ed')
    with Project.open(folder, "ann") as proj:
        proj.apply(AcceptQuote("d0", quote_id="q2"))
    lines = (folder / "journal" / "ann.jsonl").read_bytes().splitlines()
    assert [json.loads(line)["what"] for line in lines] == ["accepted q1", "accepted q2"]


def test_undo_keeps_another_annotators_later_change_to_other_fields(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as ann:
        ann.apply(AcceptQuote("d0", quote_id="q1", layer="team"))
    with Project.open(folder, "bob") as bob:
        bob.apply(SetStance("d0", quote_id="q1", stance="oppose", layer="team"))
    with Project.open(folder, "ann") as ann:
        ann.undo()
        quote = ann.layer("d0", "team").quotes["q1"]
        assert (quote.status, quote.stance) == ("suggested", "oppose")


def test_undo_refuses_to_overwrite_a_later_change_to_the_same_field(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as ann:
        ann.apply(SetStance("d0", quote_id="q2", stance="neutral", layer="team"))
        ann.apply(SetStance("d0", quote_id="q1", stance="support", layer="team"))
    with Project.open(folder, "bob") as bob:
        bob.apply(SetStance("d0", quote_id="q1", stance="oppose", layer="team"))
    with Project.open(folder, "ann") as ann:
        with pytest.raises(StepConflict, match="changed since") as refused:
            ann.undo()
        assert ann.layer("d0", "team").quotes["q1"].stance == "oppose"
        # said in words: the quote by its number, what the undo would have restored, and who
        # else edits the layer; no internal id, and not called the user's bad input
        layer = ann.layer("d0", "team")
        number = quote_number(layer, layer.quotes["q1"])
        assert conflict_message(refused.value, layer) == (
            f"undo skipped (stance of quote {number} back to none (unreviewed again)): quote "
                f"{number} was changed "
            "since by another edit (bob also edits this layer); that change is kept")
        assert refused.value.title == "Not undone"
        ann.undo()  # the conflicting step is skipped; the one before it still undoes
        assert ann.layer("d0", "team").quotes["q2"].stance is None
        ann.redo()
    with Project.open(folder, "ann") as ann:
        assert ann.layer("d0", "team").quotes["q2"].stance == "neutral"
        assert ann.layer("d0", "team").quotes["q1"].stance == "oppose"
        assert ann.undo() is not None and not ann.can_undo  # the skip survives a restart
        assert ann.layer("d0", "team").quotes["q2"].stance is None


def test_undo_after_a_layer_was_replaced_does_not_resurrect_old_records(project: Project) -> None:
    project.apply(NewQuote("d0", start=0, end=5, quote_id="mine"))
    project.apply(AcceptQuote("d0", quote_id="q1"))
    imported = project.layer("d0", "suggestions")
    q1 = dataclasses.replace(imported.quotes["q1"], status="rejected")
    project.put_layer("d0", Layer("ann", {"q1": q1}, imported.speakers))
    with pytest.raises(InputError, match="changed since"):
        project.undo()
    assert project.layer("d0").quotes["q1"].status == "rejected"
    project.undo()  # undoing the new quote that the import already removed changes nothing
    assert set(project.layer("d0").quotes) == {"q1"}


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>")
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize("how", ["read_only", "lock_refused"])
def test_read_only_open_writes_nothing_at_all(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=3).close()
    quote = {"id": "q9", "start": 0, "end": 5, "text": ARTICLE[:5], "type": "direct"}
    v0 = orjson.dumps({"layers": {"1": {"layer": "suggestions", "quotes": {"q9": quote}}}})
    d0, d1 = folder / "annotations" / "d0", folder / "annotations" / "d1"
    (d0 / "suggestions.json").write_bytes(v0)
    (d1 / "suggestions.json").write_bytes(b'{"torn":')
    (folder / "annotations" / "d2" / f".suggestions.json.77{TEMP_SUFFIX}").write_bytes(b"{")
    with open(folder / "journal" / "ann.jsonl", "ab") as fh:
        fh.write(b'{"torn')
    holder = Project.open(folder, "ann") if how == "lock_refused" else None
    if holder is not None:  # the holder repaired and cleaned up; what the reader sees is this
        holder.layer("d0", "suggestions")
        for path in [*d0.iterdir(), *d1.iterdir()]:
            path.unlink()
        (d1 / "suggestions.json").write_bytes(b'{"torn":')
        (d0 / "suggestions.json").write_bytes(v0)
    before = _tree(folder)
    proj = Project.open(folder, "ann", read_only=how == "read_only")
    try:
        assert proj.read_only
        assert set(proj.layer("d0", "suggestions").quotes) == {"q9"}  # migrated in memory
        damage = proj.verify()
        assert any("d1" in d and "moved aside" not in d for d in damage)
        assert proj.layer("d1", "ann").quotes == {}
        list(proj.journal())
    finally:
        proj.close()
        if holder is not None:
            holder.close()
    assert _tree(folder) == before


def test_read_only_open_of_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    from annotations.errors import ProjectError

    with pytest.raises(ProjectError, match="no project"):
        Project.open(tmp_path / "nope", read_only=True)
    assert not (tmp_path / "nope").exists()


def test_rebuilt_document_list_keeps_the_real_ids_and_undo(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with Project.open(folder, "ann") as proj:
        proj.add_documents(with_suggestions([Document("a b/c", "Title", ARTICLE)]))
        proj.apply(AcceptQuote("a b/c", quote_id="q1"))
    (folder / "saywho.json").write_bytes(b"{not json")
    with Project.open(folder, "ann") as proj:
        assert proj.document_ids() == ["a b/c"]
        assert proj.layer("a b/c").quotes["q1"].status == "accepted"
        proj.undo()
        assert proj.layer("a b/c").quotes["q1"].status == "suggested"


def test_a_journal_line_without_the_edit_fields_does_not_stop_the_open(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as proj:
        proj.apply(AcceptQuote("d0", quote_id="q1"))
    with open(folder / "journal" / "ann.jsonl", "ab") as fh:
        fh.write(b'{"op": "edit", "annotator": "ann"}\n')
    with Project.open(folder, "ann") as proj:
        assert proj.undo() is not None
        assert proj.layer("d0").quotes["q1"].status == "suggested"


def test_an_unreadable_annotations_file_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations.errors import ProjectError
    from annotations.store.atomic import AtomicJSONStorage

    folder = tmp_path / "proj"
    with make_project(folder) as proj:
        proj.apply(AcceptQuote("d0", quote_id="q1"))
    path = folder / "annotations" / "d0" / "ann.json"
    before = path.read_bytes()
    real_read = AtomicJSONStorage.read

    def refuse(self: AtomicJSONStorage):  # type: ignore[no-untyped-def]
        if self.path == path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(self)

    monkeypatch.setattr(AtomicJSONStorage, "read", refuse)
    with Project.open(folder, "ann") as proj:
        with pytest.raises(ProjectError, match="Permission denied"):
            proj.layer("d0")
        with pytest.raises(ProjectError, match="Permission denied"):
            proj.apply(AcceptQuote("d0", quote_id="q2"))
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.damaged-*"))


def test_import_never_writes_over_files_the_document_list_lost(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as proj:
        proj.apply(AcceptQuote("d0", quote_id="q1"))
    (folder / "texts" / "d0.txt").write_bytes(b"\xff\xfe not utf-8")  # unreadable text
    (folder / "saywho.json.bak").unlink()  # no backup either: the list is rebuilt from disk
    (folder / "saywho.json").write_bytes(b"{not json")  # and a lost document list
    kept = {p.name: p.read_bytes() for p in (folder / "annotations" / "d0").iterdir()}
    with Project.open(folder, "ann") as proj:
        assert proj.document_ids() == []
        proj.add_documents(with_suggestions([Document("d0", "again", ARTICLE)]))
        assert proj.info("d0").file != "d0"
    assert {p.name: p.read_bytes() for p in (folder / "annotations" / "d0").iterdir()} == kept


def test_a_detector_failure_fails_one_document_and_an_interrupt_keeps_the_rest(
    tmp_path: Path,
) -> None:
    def flaky(text: str) -> Layer:
        if "boom" in text:
            raise RuntimeError("confused")
        return fixed_detect(text)

    docs = [Document("ok", "t", ARTICLE), Document("bad", "t", "boom"), Document("ok2", "t", "x")]
    with Session.open(tmp_path / "p", "ann", detect=flaky) as session:
        report = session.import_documents(docs)
        assert report.added == ["ok", "ok2"]
        assert "detector failed" in report.failed[0][1] and "confused" in report.failed[0][1]

    def interrupted() -> Iterator[Document]:
        yield Document("first", "t", "one")
        raise KeyboardInterrupt

    with (
        Session.open(tmp_path / "p", "ann", detect=flaky) as session,
        pytest.raises(KeyboardInterrupt),
    ):
        session.import_documents(interrupted())
    with Project.open(tmp_path / "p", "ann") as proj:
        assert proj.document_ids() == ["ok", "ok2", "first"]


def test_an_edit_the_journal_refused_is_not_left_on_disk(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations.store.journal import Journal

    def full(self: Journal, entry: dict) -> None:  # type: ignore[type-arg]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Journal, "append", full)
    with pytest.raises(OSError):
        project.apply(AcceptQuote("d0", quote_id="q1"))
    assert project.layer("d0").quotes["q1"].status == "suggested"
    monkeypatch.undo()
    with Project.open(project.folder, "other", read_only=True) as again:
        assert again.layer("d0", "ann").quotes["q1"].status == "suggested"


def test_journal_filter_by_op_skips_other_entries(project: Project) -> None:
    from annotations.scheme import rename_label

    project.apply(SetStance("d0", quote_id="q1", stance="oppose"))
    rename_label(project, "oppose", "against")
    ops = [e["op"] for e in project.journal()]
    assert "replace-layer" in ops and "scheme" in ops
    from annotations.store.journal import Journal

    only = list(Journal(project.folder / "journal" / "ann.jsonl").entries(ops=("edit",)))
    assert [e["op"] for e in only] == ["edit"]
