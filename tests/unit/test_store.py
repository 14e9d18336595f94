"""The project store: atomic files, damage handling, migrations, ids, undo across restarts."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from annotations.edits import AcceptQuote, NewQuote, SetStance
from annotations.errors import InputError
from annotations.model import Document
from annotations.store import Project
from annotations.store.atomic import TEMP_SUFFIX
from tests.conftest import ARTICLE, fixed_detect, make_project


def test_edit_is_on_disk_when_apply_returns(project: Project) -> None:
    project.apply(AcceptQuote("d0", quote_id="q1"))
    raw = json.loads(next((project.folder / "annotations").glob("*.json")).read_bytes())
    layers = {row["layer"]: row for row in raw["layers"].values()}
    assert layers["ann"]["quotes"]["q1"]["status"] == "accepted"
    assert layers["suggestions"]["quotes"]["q1"]["status"] == "suggested"
    assert raw["_meta"]["1"]["schema_version"] == 1
    entry = json.loads((project.folder / "journal.jsonl").read_text().splitlines()[-1])
    assert entry["annotator"] == "ann" and entry["op"] == "edit" and entry["doc"] == "d0"
    assert entry["change"]["quotes_before"]["q1"]["status"] == "suggested"
    assert entry["change"]["quotes_after"]["q1"]["status"] == "accepted"


def test_truncated_annotations_file_is_moved_aside_and_others_work(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder, n_docs=3) as proj:
        proj.apply(AcceptQuote("d1", quote_id="q1"))
        proj.apply(AcceptQuote("d2", quote_id="q2"))
    victim = folder / "annotations" / "d1.json"
    full = victim.read_bytes()
    victim.write_bytes(full[: len(full) // 2])
    truncated = victim.read_bytes()

    with Project.open(folder, "ann", create=False, detect=fixed_detect) as proj:
        damage = proj.verify()
        assert len(damage) == 1 and "d1" in damage[0] and "moved aside" in damage[0]
        aside = list((folder / "annotations").glob("d1.json.damaged-*"))
        assert len(aside) == 1 and aside[0].read_bytes() == truncated
        assert proj.layer("d2").quotes["q2"].status == "accepted"
        assert proj.layer("d0").quotes["q1"].status == "suggested"
        # the damaged document gets fresh suggestions and keeps working
        assert set(proj.layer("d1").quotes) == {"q1", "q2"}
        proj.apply(AcceptQuote("d1", quote_id="q2"))
    assert aside[0].read_bytes() == truncated


def test_corrupt_project_file_is_moved_aside_and_documents_recovered(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=2).close()
    (folder / "saywho.json").write_bytes(b"{not json")
    with Project.open(folder, "ann", create=False, detect=fixed_detect) as proj:
        assert any("saywho.json" in d for d in proj.damaged)
        assert sorted(proj.document_ids()) == ["d0", "d1"]
        assert proj.document("d0").text == ARTICLE
    assert list(folder.glob("saywho.json.damaged-*"))[0].read_bytes() == b"{not json"


def test_orphan_temp_files_are_removed_at_open(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    orphan = folder / "annotations" / f".d0.json.999{TEMP_SUFFIX}"
    orphan.write_bytes(b'{"half":')
    Project.open(folder, "ann").close()
    assert not orphan.exists()


def test_reimport_unchanged_is_noop_and_changed_text_is_refused(project: Project) -> None:
    project.apply(AcceptQuote("d0", quote_id="q1"))
    again = project.add_documents([Document("d0", "Doc 0", ARTICLE)])
    assert again.unchanged == ["d0"] and not again.added and again.ok
    changed = project.add_documents([Document("d0", "Doc 0", ARTICLE + " More.")])
    assert not changed.ok and "different text" in changed.failed[0][1]
    assert project.document("d0").text == ARTICLE
    assert project.layer("d0").quotes["q1"].status == "accepted"


@pytest.mark.parametrize("hostile", ["../../x", "con", "CON.txt", "a/b\\c", "..", ".hidden", "nul"])
def test_hostile_ids_never_leave_the_project(tmp_path: Path, hostile: str) -> None:
    folder = tmp_path / "deep" / "proj"
    with Project.open(folder, "ann", detect=fixed_detect) as proj:
        proj.add_documents([Document(hostile, "t", ARTICLE)])
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
    path = folder / "annotations" / "d0.json"
    quote = {"id": "q9", "start": 0, "end": 5, "text": ARTICLE[:5], "type": "direct"}
    v0 = {"quotes": {"1": quote}, "speakers": {}}
    path.write_bytes(orjson.dumps(v0))
    with Project.open(folder, "ann", create=False) as proj:
        assert set(proj.layer("d0", "suggestions").quotes) == {"q9"}
    assert json.loads((path.with_name("d0.json.v0.bak")).read_bytes()) == v0
    assert json.loads(path.read_bytes())["_meta"]["1"]["schema_version"] == 1


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
    with open(project.folder / "journal.jsonl", "ab") as fh:
        fh.write(b'{"id": "torn", "op": "ed')
    project.apply(AcceptQuote("d0", quote_id="q2"))
    entries = list(project.journal())
    assert [e["what"] for e in entries] == ["accepted q1", "accepted q2"]


def test_torn_journal_tail_is_cut_at_open_so_every_line_parses(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as proj:
        proj.apply(AcceptQuote("d0", quote_id="q1"))
    with open(folder / "journal.jsonl", "ab") as fh:
        fh.write(b'{"id": "torn", "op": "ed')
    with Project.open(folder, "ann") as proj:
        proj.apply(AcceptQuote("d0", quote_id="q2"))
    lines = (folder / "journal.jsonl").read_bytes().splitlines()
    assert [json.loads(line)["what"] for line in lines] == ["accepted q1", "accepted q2"]
