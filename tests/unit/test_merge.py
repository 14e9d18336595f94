"""``saywho merge``: two copies of one project, each edited by its own annotator, brought
together; conflicts refused with a line naming them; OTHER never written."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from annotations import merge as merge_module
from annotations import team
from annotations.edits import AcceptQuote, Edit, RejectQuote, SetNote, SetStance
from annotations.errors import InputError
from annotations.merge import merge
from annotations.model import Document
from annotations.session import Session
from annotations.store.assignments import AssignmentsFile
from annotations.store.statuses import read_statuses, write_status
from tests.conftest import ARTICLE, fixed_detect
from tui.cli import main


def open_as(folder: Path, annotator: str, **kwargs: object) -> Session:
    return Session.open(folder, annotator, detect=fixed_detect, **kwargs)  # type: ignore[arg-type]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (lock files included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    """One project (d0, d1 imported by ana) copied twice, as git or a synced folder would."""
    base = tmp_path / "base"
    with open_as(base, "ana") as session:
        session.import_documents(
            [Document("d0", "Doc 0", ARTICLE), Document("d1", "Doc 1", ARTICLE)]
        )
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(base, one)
    shutil.copytree(base, two)
    return one, two


def diverge(copies: tuple[Path, Path], shared: Edit, theirs: Edit, who: str = "ana") -> None:
    """``shared`` made in copy one, which copy two then becomes again; ``theirs`` made in copy
    two by ``who``."""
    one, two = copies
    with open_as(one, "ana") as ana:
        ana.apply(shared)
    shutil.rmtree(two)
    shutil.copytree(one, two)
    with open_as(two, who) as other:
        other.apply(theirs)


def merge_into(ours: Path, other: Path, annotator: str = "ana", **kwargs: bool):
    with open_as(ours, annotator) as session:
        return merge(session, other, **kwargs)


def test_two_annotators_work_comes_together_with_undo(copies: tuple[Path, Path]) -> None:
    one, two = copies
    with open_as(one, "ana") as ana:
        ana.apply(AcceptQuote("d0", "q1"))
        ana.apply(SetStance("d0", "q1", "support"))
    with open_as(two, "ben") as ben:
        ben.apply(RejectQuote("d0", "q2"))
        ben.apply(SetNote("d0", "q1", "check the source"))
        ben.apply(SetStance("d1", "q2", "oppose"))
        ben.import_documents([Document("d2", "New one", ARTICLE + " More.")])
        team.set_status(ben, "d0", "done")
    before = snapshot(two)

    report = merge_into(one, two)

    assert report.ok, report.conflict_lines()
    assert snapshot(two) == before  # OTHER never written
    with open_as(one, "ana", read_only=True) as check:
        assert check.document_ids() == ["d0", "d1", "d2"]
        assert check.document("d2").text == ARTICLE + " More."
        assert check.has_layer("d2", "suggestions")
        ana_layer = check.layer("d0", "ana")
        assert ana_layer.quotes["q1"].status == "accepted"
        assert ana_layer.quotes["q1"].stance == "support"
        ben_d0 = check.layer("d0", "ben")
        assert ben_d0.quotes["q2"].status == "rejected"
        assert ben_d0.quotes["q1"].note == "check the source"
        assert check.layer("d1", "ben").quotes["q2"].stance == "oppose"
        journal = [e for e in check.journal() if e.get("op") == "edit"]
        assert [e["annotator"] for e in journal].count("ben") == 3
    assert read_statuses(one, "ben")["d0"].status == "done"
    # merging again brings nothing new
    again = merge_into(one, two)
    assert again.ok
    assert all(m.action == "kept-ours" for m in again.merged if m.kind == "layer")
    assert not [m for m in again.merged if m.kind in ("journal", "document", "status")]
    # ben's undo history came with his layers: his last step (the done mark), then his last
    # edit, are undone in copy one
    with open_as(one, "ben") as ben:
        receipt = ben.undo()
        assert receipt is not None and receipt.document is not None
        assert team.document_status(ben, "d0").status != "done"
        receipt = ben.undo()
        assert receipt is not None and (receipt.doc_id, receipt.layer) == ("d1", "ben")
        assert ben.layer("d1", "ben").quotes["q2"].stance is None
        assert ben.undo() is not None
        assert ben.layer("d0", "ben").quotes["q1"].note == ""


def test_a_layer_changed_on_both_sides_is_refused_and_kept(copies: tuple[Path, Path]) -> None:
    one, two = copies
    with open_as(one, "ana") as ana:
        ana.apply(AcceptQuote("d0", "q1"))
    with open_as(two, "ana") as ana:
        ana.apply(RejectQuote("d0", "q1"))
        ana.apply(AcceptQuote("d1", "q1"))  # a layer changed on one side only still comes in
    ours_file = one / "annotations" / "d0" / "ana.json"
    theirs_file = two / "annotations" / "d0" / "ana.json"
    ours_bytes, before = ours_file.read_bytes(), snapshot(two)
    journal_lines = (one / "journal" / "ana.jsonl").read_bytes().count(b"\n")

    report = merge_into(one, two)

    assert not report.ok
    [conflict] = report.conflicts
    assert (conflict.doc, conflict.layer) == ("d0", "ana")
    assert "'d0'" in report.conflict_lines()[0] and "'ana'" in report.conflict_lines()[0]
    assert ours_file.read_bytes() == ours_bytes
    assert theirs_file.read_bytes() == before["annotations/d0/ana.json"]
    assert snapshot(two) == before
    # only the entry of the layer that came in was appended, not the refused layer's
    assert (one / "journal" / "ana.jsonl").read_bytes().count(b"\n") == journal_lines + 1
    with open_as(one, "ana", read_only=True) as check:
        assert check.layer("d1", "ana").quotes["q1"].status == "accepted"
        assert check.layer("d0", "ana").quotes["q1"].status == "accepted"


def test_fast_forward_takes_the_newer_copy_and_keeps_a_newer_ours(
    copies: tuple[Path, Path],
) -> None:
    one, two = copies
    with open_as(one, "ana") as ana:
        ana.apply(AcceptQuote("d0", "q1"))
    shutil.rmtree(two)
    shutil.copytree(one, two)  # both copies hold the first edit
    with open_as(two, "ana") as ana:
        ana.apply(SetStance("d0", "q1", "support"))
        ana.apply(SetNote("d0", "q1", "later"))

    # the older copy merged into the newer: ours is kept, nothing written
    newer_bytes = (two / "annotations" / "d0" / "ana.json").read_bytes()
    kept = merge_into(two, one)
    assert kept.ok
    assert [m.action for m in kept.merged if m.kind == "layer"] == ["kept-ours"]
    assert (two / "annotations" / "d0" / "ana.json").read_bytes() == newer_bytes

    report = merge_into(one, two)
    assert report.ok, report.conflict_lines()
    [layer] = [m for m in report.merged if m.kind == "layer"]
    assert (layer.action, layer.doc, layer.layer) == ("fast-forward", "d0", "ana")
    assert (one / "annotations" / "d0" / "ana.json").read_bytes() == newer_bytes
    with open_as(one, "ana") as ana:
        assert ana.layer("d0", "ana").quotes["q1"].note == "later"
        ana.undo()
        assert ana.layer("d0", "ana").quotes["q1"].note == ""
        assert ana.layer("d0", "ana").quotes["q1"].stance == "support"


def test_a_layer_changed_here_during_the_merge_is_not_overwritten(
    copies: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = copies
    diverge(copies, AcceptQuote("d0", "q1"), SetNote("d0", "q1", "theirs"))
    target = one / "annotations" / "d0" / "ana.json"
    journal = one / "journal" / "ana.jsonl"
    lines = journal.read_bytes().count(b"\n")
    real_write = merge_module._write_layer

    def racing(path: Path, *args: object) -> bool:
        target.write_bytes(target.read_bytes() + b" ")  # another writer got there first
        return real_write(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(merge_module, "_write_layer", racing)
    report = merge_into(one, two)
    assert [(c.doc, c.layer) for c in report.conflicts] == [("d0", "ana")]
    assert "during the merge" in report.conflict_lines()[0]
    assert b"theirs" not in target.read_bytes()
    assert journal.read_bytes().count(b"\n") == lines  # its entry stayed out too


def test_a_fast_forward_over_a_change_outside_the_journal_is_refused(
    copies: tuple[Path, Path],
) -> None:
    one, two = copies
    with open_as(two, "ana") as ana:
        ana.apply(AcceptQuote("d0", "q1"))
    # copy one's layer written by hand (no journal line): no journal can say it is older
    with open_as(two, "ana", read_only=True) as check:
        theirs_layer = check.layer("d0", "ana")
    target = one / "annotations" / "d0" / "ana.json"
    data = orjson.loads((two / "annotations" / "d0" / "ana.json").read_bytes())
    data["layers"]["1"]["quotes"]["q1"]["status"] = "rejected"
    target.write_bytes(orjson.dumps(data))
    before = target.read_bytes()
    report = merge_into(one, two)
    assert [(c.doc, c.layer) for c in report.conflicts] == [("d0", "ana")]
    assert target.read_bytes() == before
    assert theirs_layer.quotes["q1"].status == "accepted"  # OTHER's edit stayed out


def test_a_document_with_another_text_is_refused(copies: tuple[Path, Path]) -> None:
    one, two = copies
    with open_as(one, "ana") as ana:
        ana.import_documents([Document("d5", "Ours", ARTICLE)])
    with open_as(two, "ben") as ben:
        ben.import_documents([Document("d5", "Theirs", ARTICLE + " Different.")])
        ben.apply(AcceptQuote("d0", "q1"))
    before_ours = (one / "texts" / "d5.txt").read_bytes()
    report = merge_into(one, two)
    assert [c.doc for c in report.conflicts] == ["d5"]
    assert "'d5'" in report.conflict_lines()[0] and "text" in report.conflict_lines()[0]
    assert (one / "texts" / "d5.txt").read_bytes() == before_ours
    with open_as(one, "ana", read_only=True) as check:
        assert check.document("d5").text == ARTICLE
        assert check.layer("d0", "ben").quotes["q1"].status == "accepted"  # the rest came


def test_an_annotator_who_has_the_project_open_here_is_refused(
    copies: tuple[Path, Path],
) -> None:
    one, two = copies
    with open_as(two, "ben") as ben:
        ben.apply(AcceptQuote("d0", "q1"))
    with open_as(one, "ben") as _held:  # ben works in copy one right now
        report = merge_into(one, two)
        assert not report.ok
        assert {c.kind for c in report.conflicts} == {"layer", "journal"}
        assert all("'ben'" in line for line in report.conflict_lines())
        assert not (one / "journal" / "ben.jsonl").exists()
        assert not (one / "annotations" / "d0" / "ben.json").exists()
    assert merge_into(one, two).ok  # once ben closes, it merges


def test_dry_run_writes_nothing(copies: tuple[Path, Path]) -> None:
    one, two = copies
    with open_as(two, "ben") as ben:
        ben.apply(AcceptQuote("d0", "q1"))
        ben.import_documents([Document("d2", "New", ARTICLE)])
    with open_as(one, "ana"):
        pass
    before = snapshot(one)
    with open_as(one, "ana", read_only=True) as session:
        report = merge(session, two, dry_run=True)
    assert report.ok and report.dry_run
    assert {m.kind for m in report.merged} == {"document", "layer", "journal"}
    assert snapshot(one) == before


def test_statuses_latest_wins_and_assignments_union(copies: tuple[Path, Path]) -> None:
    one, two = copies
    write_status(one, "ana", "d0", "in-progress", "2026-01-01T10:00:00+00:00")
    write_status(two, "ana", "d0", "done", "2026-01-02T10:00:00+00:00")
    write_status(one, "ana", "d1", "done", "2026-01-03T10:00:00+00:00")
    write_status(two, "ana", "d1", "in-progress", "2026-01-02T10:00:00+00:00")
    write_status(one, "cy", "d1", "done", "2026-01-02T10:00:00+00:00")
    write_status(two, "cy", "d1", "in-progress", "2026-01-02T10:00:00+00:00")
    AssignmentsFile(one).update(lambda cur: ({"d0": ("ana",)}, None))
    AssignmentsFile(two).update(lambda cur: ({"d0": ("ben",), "d1": ("ben", "cy")}, None))
    report = merge_into(one, two)
    mine = read_statuses(one, "ana")
    assert mine["d0"].status == "done" and mine["d1"].status == "done"
    assert read_statuses(one, "cy")["d1"].status == "done"  # a tie is a conflict: ours kept
    assert AssignmentsFile(one).read() == {"d0": ("ana",), "d1": ("ben", "cy")}
    assert sorted((c.kind, c.doc) for c in report.conflicts) == [
        ("assignment", "d0"),
        ("status", "d1"),
    ]


def test_other_of_the_old_layout_or_not_a_project_is_refused(
    copies: tuple[Path, Path], tmp_path: Path
) -> None:
    one, two = copies
    (two / "journal.jsonl").write_bytes(b"")  # the old layout's one journal
    with pytest.raises(InputError, match="old layout"):
        merge_into(one, two)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="not a saywho project"):
        merge_into(one, tmp_path / "empty")


def test_cli_json_summary_and_exit_codes(
    copies: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = copies
    with open_as(two, "ben") as ben:
        ben.apply(AcceptQuote("d0", "q1"))
    args = ["merge", str(two), "--project", str(one), "--annotator", "ana", "--json"]
    assert main([*args, "--dry-run"]) == 0
    dry = orjson.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True and dry["ok"] is True
    assert not (one / "annotations" / "d0" / "ben.json").exists()
    assert main(args) == 0
    summary = orjson.loads(capsys.readouterr().out)
    assert summary["ok"] is True and summary["conflicts"] == []
    assert {"kind": "layer", "action": "arrived", "doc": "d0", "layer": "ben"}.items() <= (
        next(m for m in summary["merged"] if m["kind"] == "layer").items()
    )
    # a conflict: one line on stderr, exit 1, control characters made visible
    with open_as(one, "ben") as ben:
        ben.apply(SetStance("d0", "q1", "support"))
    with open_as(two, "ben") as ben:
        ben.apply(SetNote("d0", "q1", "x"))
    assert main(["merge", str(two), "--project", str(one), "--annotator", "ana"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'d0'" in err[0] and "'ben'" in err[0]
    assert "\x1b" not in err[0]


@pytest.mark.parametrize("lost", ["deleted", "emptied"])
def test_a_copy_whose_journal_was_lost_is_not_taken_as_older(
    copies: tuple[Path, Path], lost: str
) -> None:
    """OTHER set a stance, then lost its journal (deleted, emptied): its entries are a subset
    of ours (none), so the merge said "ours is newer; kept" and dropped OTHER's stance with
    exit 0. OTHER's layer is not where our first edit it lacks started from: refused."""
    one, two = copies
    diverge(copies, AcceptQuote("d0", "q1"), SetStance("d0", "q1", "oppose"))
    journal = two / "journal" / "ana.jsonl"
    if lost == "deleted":
        journal.unlink()
        (two / "journal" / "ana.index").unlink(missing_ok=True)
    else:
        journal.write_bytes(b"")
    with open_as(one, "ana") as ana:
        before = ana.layer("d0")
    report = merge_into(one, two)
    assert [(c.doc, c.layer) for c in report.conflicts] == [("d0", "ana")]
    assert "OTHER's was changed outside the journal" in report.conflict_lines()[0]
    with open_as(one, "ana") as ana:
        assert ana.layer("d0") == before


def _hand_edit(folder: Path, doc: str, layer: str, quote: str, **fields: object) -> None:
    """Change a quote's fields in a layer file by hand: no journal line tells of it."""
    path = folder / "annotations" / doc / f"{layer}.json"
    data = orjson.loads(path.read_bytes())
    data["layers"]["1"]["quotes"][quote].update(fields)
    path.write_bytes(orjson.dumps(data))


def test_a_fast_forward_never_drops_what_our_layer_holds_outside_any_journal(
    copies: tuple[Path, Path],
) -> None:
    """Ours has q2 changed with no journal line (a first import of a layer is not journaled,
    a file edited by hand); OTHER's newer entry touches q1 only. The fast-forward checked only
    q1, took OTHER's file and dropped our q2. Ours must become OTHER's by OTHER's entries:
    it does not, so the layer is refused."""
    one, two = copies
    # the layer file exists on both sides; ben's edit of it is OTHER's newer entry
    diverge(copies, SetNote("d0", "q1", "both"), AcceptQuote("d0", "q1", layer="ana"), "ben")
    _hand_edit(one, "d0", "ana", "q2", note="ours, in no journal")
    report = merge_into(one, two)
    assert [(c.doc, c.layer) for c in report.conflicts] == [("d0", "ana")]
    with open_as(one, "ana", read_only=True) as ana:
        assert ana.layer("d0").quotes["q2"].note == "ours, in no journal"


def test_keeping_ours_never_drops_what_other_s_layer_holds_outside_any_journal(
    copies: tuple[Path, Path],
) -> None:
    """OTHER's q2 was changed by hand; ours has a newer entry on q3. "Ours is newer (it holds
    every OTHER edit); kept" dropped OTHER's q2: refused instead."""
    one, two = copies
    with open_as(one, "ana") as ana:
        ana.apply(SetNote("d0", "q1", "both"))
    shutil.rmtree(two)
    shutil.copytree(one, two)
    _hand_edit(two, "d0", "ana", "q2", note="theirs, by hand")
    with open_as(one, "ana") as ana:
        ana.apply(SetNote("d0", "q1", "ours, newer"))
    report = merge_into(one, two)
    assert [(c.doc, c.layer) for c in report.conflicts] == [("d0", "ana")]
    assert "OTHER's was changed outside the journal" in report.conflict_lines()[0]


def test_a_fast_forward_still_goes_through_when_the_journals_account_for_everything(
    copies: tuple[Path, Path],
) -> None:
    """The usual case: OTHER made edits (and an undo) on our layer; nothing else changed."""
    one, two = copies
    with open_as(one, "ana") as ana:
        ana.apply(SetNote("d0", "q1", "both"))
    shutil.rmtree(two)
    shutil.copytree(one, two)
    with open_as(two, "ana") as ana:
        ana.apply(AcceptQuote("d0", "q1"))
        ana.apply(SetStance("d0", "q2", "oppose"))
        ana.apply(RejectQuote("d0", "q2"))
        ana.undo()
        theirs = ana.layer("d0")
    report = merge_into(one, two)
    assert not report.conflicts
    with open_as(one, "ana", read_only=True) as ana:
        assert ana.layer("d0").quotes == theirs.quotes


def test_a_layer_whose_folder_stays_locked_is_refused_not_half_merged(
    copies: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process holding the document's folder lock past the timeout: the layer is refused as
    a conflict (the merge went on no further and left the layers written so far without
    their journal lines)."""
    import fcntl
    import os

    from annotations.store import lock as lock_module

    one, two = copies
    diverge(copies, SetNote("d0", "q1", "both"), AcceptQuote("d0", "q1"))
    monkeypatch.setattr(lock_module, "FOLDER_LOCK_TIMEOUT_S", 0.2)
    journal = one / "journal" / "ana.jsonl"
    lines = journal.read_bytes().count(b"\n")
    fd = os.open(one / "annotations" / "d0", os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        report = merge_into(one, two)
    finally:
        os.close(fd)
    assert [(c.doc, c.layer) for c in report.conflicts] == [("d0", "ana")]
    assert "stayed locked" in report.conflict_lines()[0]
    assert journal.read_bytes().count(b"\n") == lines  # no line for a layer not taken
    assert not merge_into(one, two).conflicts  # merged once the lock is gone


def test_metadata_added_on_the_other_copy_comes_in_and_a_differing_value_keeps_ours(
        copies: tuple[Path, Path]) -> None:
    one, two = copies
    with open_as(one, "ana") as ours:
        ours.project.add_document_meta({"d1": (("outlet", "Ours"),)})
    with open_as(two, "ben") as theirs:
        theirs.project.add_document_meta({"d0": (("date", "2024-03-01"), ("outlet", "NYT")),
                                          "d1": (("outlet", "Theirs"),)})
    report = merge_into(one, two)
    assert any("metadata 'outlet' is 'Theirs' in OTHER, 'Ours' here" in m.message
               for m in report.merged)
    assert not report.conflicts  # said, not refused: a nightly merge goes on passing
    with open_as(one, "ana", read_only=True) as ours:
        assert dict(ours.project.document("d0").meta) == {"date": "2024-03-01", "outlet": "NYT"}
        assert dict(ours.project.document("d1").meta) == {"outlet": "Ours"}


def test_a_stance_target_set_on_the_other_copy_comes_in_and_a_differing_one_keeps_ours(
        copies: tuple[Path, Path]) -> None:
    """Its journal line came across without it: the history told of a target the project did
    not have. Now the target comes where ours has none; two targets keep ours, said."""
    one, two = copies
    with open_as(one, "ana") as ours:
        ours.set_document_target("d1", "the ferry")
    with open_as(two, "ben") as theirs:
        theirs.set_document_target("d0", "the raids")
        theirs.set_document_target("d1", "the bridge")
    assert merge_into(one, two, dry_run=True).merged  # a dry run sets nothing
    with open_as(one, "ana", read_only=True) as ours:
        assert ours.stance_target("d0") != "the raids"
    report = merge_into(one, two)
    assert any(m.action == "target" and m.doc == "d0" for m in report.merged)
    assert any("stance target is 'the bridge' in OTHER, 'the ferry' here; ours kept"
               in m.message for m in report.merged)
    assert not report.conflicts
    with open_as(one, "ana", read_only=True) as ours:
        assert ours.stance_target("d0") == "the raids"
        assert ours.stance_target("d1") == "the ferry"
        told = [e for e in ours.journal() if e.get("what") == "stance target of d0"]
        assert [e.get("annotator") for e in told] == ["ben"]  # its line and the project agree
    assert not [m for m in merge_into(one, two).merged if m.action == "target"]  # once
