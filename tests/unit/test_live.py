"""annotations.live: a watcher polled cheaply reports what ANOTHER process changed on disk."""

from __future__ import annotations

from pathlib import Path

from annotations import team
from annotations.edits import NewQuote
from annotations.events import DocumentsAdded, LayerStored, SchemeChanged, SettingChanged
from annotations.live import ProjectWatcher, TeamProgressChanged
from annotations.model import SUGGESTIONS_LAYER, Document, Layer
from annotations.session import Session

TEXT = 'The mayor said "we will comply" on Monday.'


def open_as(folder: Path, annotator: str) -> Session:
    return Session.open(folder, annotator, detect=lambda t: Layer(SUGGESTIONS_LAYER))


def test_watcher_reports_other_processes_changes_once(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with open_as(folder, "ana") as ana:
        ana.import_documents([Document("d1", "One", TEXT)])
        watcher = ProjectWatcher(ana)
        try:
            watcher.poll("d1")  # first sight of d1: reports the layers written just before
            assert watcher.poll("d1") == []
            with open_as(folder, "bo") as bo:
                bo.import_documents([Document("d2", "Two", TEXT)])
                bo.add_label("sceptical", "y")
                bo.set_setting("colour_by", "stance")
                bo.apply(NewQuote("d1", TEXT.index("we"), TEXT.index('" on')))
                team.set_status(bo, "d1", "done")
            found = watcher.poll("d1")
            assert DocumentsAdded(("d2",)) in found
            assert any(isinstance(e, SchemeChanged) and "sceptical" in e.scheme.names
                       for e in found)
            assert SettingChanged("colour_by", "stance") in found
            assert TeamProgressChanged(("bo",), False) in found
            assert LayerStored("d1", "bo") in found
            assert watcher.poll("d1") == []  # reported once
            ana.set_setting("colour_by", "speaker")  # this process's own change
            ana.put_layer("d1", Layer("gold"))
            assert watcher.poll("d1") == []
        finally:
            watcher.close()


def test_assignments_change_is_team_progress(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with open_as(folder, "ana") as ana:
        ana.import_documents([Document("d1", "One", TEXT)])
        watcher = ProjectWatcher(ana)
        try:
            with open_as(folder, "bo") as bo:
                team.assign(bo, ["ana", "bo"], per_document=1)
            assert watcher.poll() == [TeamProgressChanged((), True)]
        finally:
            watcher.close()
