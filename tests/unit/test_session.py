"""The session: the one way in. Imports detect here (not in the store), every change is
announced as a typed event once it is on disk, and every failure leaves as one SaywhoError
with a title, announced as ChangeFailed."""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from pathlib import Path

import pytest

from annotations.edits import AcceptQuote, SetNote, SetStance
from annotations.errors import InputError, NothingToChange, ReadOnlyError, SaveError, SaywhoError
from annotations.events import (
    ChangeFailed,
    DocumentsAdded,
    EditSaved,
    LayerStored,
    SchemeChanged,
    SettingChanged,
)
from annotations.model import Document, Layer
from annotations.session import Session
from annotations.store import atomic
from tests.conftest import ARTICLE, fixed_detect


def open_session(folder: Path, **kwargs: object) -> Session:
    return Session.open(folder, "ann", detect=fixed_detect, **kwargs)  # type: ignore[arg-type]


def test_import_detects_in_the_session_and_announces(tmp_path: Path) -> None:
    seen: list[str] = []

    def detect(text: str) -> Layer:
        seen.append(text)
        return fixed_detect(text)

    with Session.open(tmp_path / "p", "ann", detect=detect) as session:
        events: list[object] = []
        session.subscribe(events.append)
        report = session.import_documents([Document("d0", "Doc", ARTICLE)])
        assert report.added == ["d0"] and seen == [ARTICLE]
        again = session.import_documents([Document("d0", "Doc", ARTICLE)])
        assert again.unchanged == ["d0"] and seen == [ARTICLE]  # not detected twice
        clash = session.import_documents([Document("d0", "Doc", ARTICLE + " More.")])
        assert clash.failed and len(seen) == 1  # a conflict is never detected either
        assert events == [DocumentsAdded(("d0",))]
        assert session.layer("d0", "suggestions") == fixed_detect(ARTICLE)


def test_a_failing_detector_fails_that_document_only(tmp_path: Path) -> None:
    def detect(text: str) -> Layer:
        if "boom" in text:
            raise RuntimeError("boom")
        return fixed_detect(text)

    with Session.open(tmp_path / "p", "ann", detect=detect) as session:
        report = session.import_documents(
            [Document("bad", "B", "boom said Bob."), Document("d0", "Doc", ARTICLE)]
        )
        assert report.added == ["d0"]
        assert report.failed[0][0] == "bad" and "RuntimeError: boom" in report.failed[0][1]
        assert session.document_ids() == ["d0"]


def test_every_change_is_announced_after_it_is_on_disk(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    with open_session(folder) as session:
        session.import_documents([Document("d0", "Doc", ARTICLE)])
        qid = next(iter(session.layer("d0").quotes))
        events: list[object] = []

        def heard(event: object) -> None:
            with Session.open(folder, "ann", read_only=True) as other:  # what a reader sees
                events.append((event, other.layer("d0").quotes[qid].status,
                               other.scheme.names, other.settings.get("k")))

        session.subscribe(heard)
        receipt = session.apply(AcceptQuote("d0", qid))
        session.add_label("mixed")
        session.set_setting("k", 3)
        session.put_layer("d0", Layer("gold"))
        undone = session.undo()
    kinds = [type(e).__name__ for e, *_ in events]
    assert kinds == ["EditSaved", "SchemeChanged", "SettingChanged", "LayerStored", "EditSaved"]
    assert events[0][0] == EditSaved("edit", receipt) and events[0][1] == "accepted"
    assert isinstance(events[1][0], SchemeChanged) and "mixed" in events[1][2]
    assert events[2][0] == SettingChanged("k", 3) and events[2][3] == 3
    assert events[3][0] == LayerStored("d0", "gold")
    assert events[4][0] == EditSaved("undo", undone) and events[4][1] == "suggested"


def test_disk_full_is_one_save_error_and_nothing_changes(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "p"
    with open_session(folder) as session:
        session.import_documents([Document("d0", "Doc", ARTICLE)])
        qid = next(iter(session.layer("d0").quotes))
        failures: list[ChangeFailed] = []
        session.subscribe(lambda e: failures.append(e) if isinstance(e, ChangeFailed) else None)
        before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

        def full(fd: int, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(atomic.os, "write", full)
        for change in (
            lambda: session.apply(SetStance("d0", qid, "support")),
            lambda: session.rename_label("support", "backs"),
            lambda: session.set_setting("k", 1),
        ):
            with pytest.raises(SaveError) as failed:
                change()
            assert failed.value.title == "Not saved"
            assert "No space left on device" in failed.value.message
        monkeypatch.undo()
        assert len(failures) == 3 and all(isinstance(f.error, SaveError) for f in failures)
        after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        assert after == before
        assert session.scheme.names[0] == "support"


def test_unexpected_errors_become_saywho_errors(tmp_path: Path, monkeypatch) -> None:
    with open_session(tmp_path / "p") as session:
        def broken(*_: object) -> None:
            raise KeyError("x")

        monkeypatch.setattr(session.project, "set_setting", broken)
        with pytest.raises(SaywhoError) as failed:
            session.set_setting("k", 1)
        assert "KeyError" in failed.value.message and not isinstance(failed.value, KeyError)


def test_read_only_and_layer_refusals(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    with open_session(folder) as session:
        session.import_documents([Document("d0", "Doc", ARTICLE)])
        session.put_layer("d0", Layer("gold"))
        gold = fixed_detect(ARTICLE)
        with pytest.raises(InputError, match="already has a layer 'gold'"):
            session.put_layer("d0", Layer("gold", gold.quotes, gold.speakers))
        assert session.put_layer("d0", Layer("gold", gold.quotes, gold.speakers), replace=True)
        with open_session(folder) as second:  # the same annotator again: read-only
            assert second.read_only and "another saywho" in (second.read_only_reason or "")
            with pytest.raises(ReadOnlyError):
                second.apply(SetStance("d0", next(iter(gold.quotes)), "support"))
            with pytest.raises(ReadOnlyError):
                second.undo()
            with pytest.raises(ReadOnlyError):  # its own layer: journaled, so refused
                second.put_layer("d0", Layer("ann"))
            with pytest.raises(ReadOnlyError):  # would replace a layer: journaled, refused
                second.put_layer("d0", Layer("gold"), replace=True)
            # the shared files are still open to it (an import next to an open TUI)
            second.set_setting("k", 1)
            assert session.settings["k"] == 1
        with (
            Session.open(folder, "ann", read_only=True, detect=fixed_detect) as reader,
            pytest.raises(ReadOnlyError),  # asked read-only: nothing at all
        ):
            reader.set_setting("k", 2)


def test_undo_and_redo_keep_to_their_document_and_layer(tmp_path: Path) -> None:
    """Undo takes the newest edit of the document and layer asked for, wherever it lies on
    the stack, also after a restart (from the checkpoint and from the journal alone); a new edit
    clears only its own document's redo."""
    folder = tmp_path / "p"
    with open_session(folder) as session:
        session.import_documents([Document(f"d{i}", "Doc", ARTICLE) for i in range(2)])
        qid = next(iter(session.layer("d0").quotes))
        session.apply(SetStance("d0", qid, "support"))
        session.apply(SetStance("d1", qid, "oppose"))
        session.apply(SetStance("d0", qid, "neutral"))
        session.apply(SetStance("d1", qid, "unclear"))
        assert session.undo("d0").change.quotes_after[qid].stance == "support"
        assert session.undo("d1").change.quotes_after[qid].stance == "oppose"
        assert session.undo("d0", "gold") is None  # another layer: nothing there
    for drop_index in (False, True):
        if drop_index:
            (folder / "journal" / "ann.index").unlink()
        with open_session(folder) as session:
            assert session.layer("d0").quotes[qid].stance == "support"
            assert session.layer("d1").quotes[qid].stance == "oppose"
    with open_session(folder) as session:
        assert session.redo("d1").change.quotes_after[qid].stance == "unclear"
        session.apply(SetStance("d0", qid, "unclear"))  # clears d0's redo only
        assert session.redo("d0") is None
        assert session.undo("d1").change.quotes_after[qid].stance == "oppose"
        assert session.redo("d1").change.quotes_after[qid].stance == "unclear"
        assert session.undo().change.quotes_after[qid].stance == "oppose"  # unscoped: the top


def test_an_edit_that_changes_nothing_is_refused_and_not_journaled(tmp_path: Path) -> None:
    with open_session(tmp_path / "p") as session:
        session.import_documents([Document("d0", "Doc", ARTICLE)])
        qid = next(iter(session.layer("d0").quotes))
        session.apply(AcceptQuote("d0", qid))
        with pytest.raises(NothingToChange):
            session.apply(AcceptQuote("d0", qid))  # the same status again
        session.apply(SetStance("d0", qid, "oppose"))
        with pytest.raises(NothingToChange):
            session.apply(SetStance("d0", qid, "oppose"))
        assert [e["op"] for e in session.journal() if e.get("op") == "edit"] == ["edit"] * 2
        session.undo("d0")  # the stance, then the accept: no step is a restatement
        assert session.layer("d0").quotes[qid].stance is None
        session.undo("d0")
        assert session.layer("d0").quotes[qid].status == "suggested"


def test_an_edit_whose_journal_line_was_damaged_is_said_when_undo_passes_it(
    tmp_path: Path,
) -> None:
    """Three edits; the middle one's journal line is overwritten on disk. Undo takes back the
    last, then says it skips the damaged one (it was passed over without a word) and takes
    back the first."""
    folder = tmp_path / "p"
    with open_session(folder) as session:
        session.import_documents([Document("d0", "Doc", ARTICLE)])
        qid = next(iter(session.layer("d0").quotes))
        session.apply(AcceptQuote("d0", qid))
        session.apply(SetStance("d0", qid, "oppose"))
        session.apply(SetStance("d0", qid, "support"))
    journal = folder / "journal" / "ann.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    edits = [i for i, line in enumerate(lines) if b'"op":"edit"' in line]
    middle = edits[1]
    lines[middle] = b"X" * (len(lines[middle]) - 1) + b"\n"
    journal.write_bytes(b"".join(lines))
    with open_session(folder) as session:
        first = session.undo("d0")
        assert first is not None and not first.skipped
        second = session.undo("d0")
        assert second is not None
        assert any("no longer reads" in s for s in second.skipped)
        assert session.layer("d0").quotes[qid].status == "suggested"


def test_another_annotators_edit_to_my_layer_is_seen_and_built_on(tmp_path: Path) -> None:
    """ben picks ana's layer and rejects a quote; ana's session then reads that change and
    her next edit, to another quote, is saved beside it (it was refused as 'changed on disk',
    and her view kept the old layer)."""
    folder = tmp_path / "p"
    with Session.open(folder, "ana", detect=fixed_detect) as ana:
        ana.import_documents([Document("d0", "Doc", ARTICLE)])
        first, second = list(ana.layer("d0").quotes)[:2]
        ana.apply(AcceptQuote("d0", first))
        assert ana.layer("d0").quotes[first].status == "accepted"
        with Session.open(folder, "ben", detect=fixed_detect) as ben:
            ben.apply(SetStance("d0", first, "oppose", layer="ana"))
        assert ana.layer("d0").quotes[first].stance == "oppose"  # seen
        ana.apply(AcceptQuote("d0", second))  # built on, not refused
        saved = ana.layer("d0")
        assert saved.quotes[first].stance == "oppose"
        assert saved.quotes[second].status == "accepted"


def test_an_edit_raced_by_a_teammate_on_the_same_layer_is_made_again_on_their_work(
    tmp_path: Path,
) -> None:
    """ben writes ana's layer between ana's read and ana's write (two people on one layer,
    keys a moment apart). saywho reads and writes an edit under the document's lock, so ben's
    write waits for ana's; a writer that does not take it (an older saywho, played by ben
    with the lock taken away) comes in between, and ana's edit is made again on what ben
    saved: both kept either way, never refused as changed on disk."""
    folder = tmp_path / "p"
    with Session.open(folder, "ana", detect=fixed_detect) as ana:
        ana.import_documents([Document("d0", "Doc", ARTICLE)])
        quotes = list(ana.layer("d0").quotes)
        ana.apply(AcceptQuote("d0", quotes[0]))
        store = ana.project._history._layers  # noqa: SLF001 - the race is made here
        real_get = store.get
        for n, locked in ((0, True), (1, False)):
            raced: list[threading.Thread] = []

            def ben_edits(quote_id: str = quotes[n], locked: bool = locked) -> None:
                with Session.open(folder, "ben", detect=fixed_detect) as ben:
                    if not locked:  # an older saywho: no lock around its read and write
                        ben_store = ben.project._history._layers  # noqa: SLF001
                        ben_store.exclusive = lambda doc_id: contextlib.nullcontext()
                        ben_store.locked = lambda folder: contextlib.nullcontext()
                    ben.apply(SetStance("d0", quote_id, "oppose", layer="ana"))

            def get_then_race(  # type: ignore[no-untyped-def]
                doc_id: str, name: str, raced: list[threading.Thread] = raced,
                locked: bool = locked, ben_edits=ben_edits,  # noqa: ANN001
            ):
                layer = real_get(doc_id, name)
                if not raced:
                    raced.append(threading.Thread(target=ben_edits))
                    raced[0].start()
                    # unlocked, its write lands between ana's read and write; locked, it
                    # waits for ana's lock (the join gives up)
                    raced[0].join(0.3 if locked else None)
                return layer

            store.get = get_then_race
            try:
                ana.apply(SetNote("d0", quotes[n], f"ana {n}"))
            finally:
                store.get = real_get
            raced[0].join(timeout=30)
            assert not raced[0].is_alive()
            saved = ana.layer("d0")
            assert saved.quotes[quotes[n]].stance == "oppose"  # ben's, kept
            assert saved.quotes[quotes[n]].note == f"ana {n}"  # ana's, kept
            order = [e["annotator"] for e in ana.project.journal()
                     if e.get("layer") == "ana" and quotes[n] in e["change"]["quotes_after"]]
            # locked: ben's edit came after ana's, as it waited; unlocked: between, and ana's
            # was made again after it
            assert order[-2:] == (["ana", "ben"] if locked else ["ben", "ana"]), order
