"""A disk that fills up under the journal: an edit whose journal line cannot be written whole is
refused aloud (one ``SaveError``), its layer file keeps its bytes, the journal still reads, and
the next edit once the disk has room is saved and undoable, also after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.edits import SetNote, SetStance
from annotations.errors import SaveError
from annotations.session import Session
from annotations.store import journal
from annotations.store.atomic import TEMP_SUFFIX
from annotations.store.journal import Journal
from tests.conftest import fixed_detect, make_project
from tests.faults import FillingDisk, project_files


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> FillingDisk:
    proxy = FillingDisk()
    monkeypatch.setattr(journal, "os", proxy)
    return proxy


def test_a_full_disk_refuses_the_edit_and_leaves_every_file_as_it_was(
    tmp_path: Path, disk: FillingDisk
) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        session.apply(SetNote("d0", quote_id="q1", note="before"))
        before = project_files(folder)
        disk.fill()
        with pytest.raises(SaveError, match="No space left on device"):
            session.apply(SetStance("d0", quote_id="q2", stance="oppose"))
        assert disk.refused >= 1
        assert project_files(folder) == before  # no torn journal line, layer file untouched
        assert not list(folder.rglob(f"*{TEMP_SUFFIX}"))
        journal = Journal(folder / "journal" / "ann.jsonl")
        assert [e["what"] for e in journal.entries()] == ["note on q1"]
        assert session.layer("d0").quotes["q2"].stance != "oppose"

        disk.free()  # room again
        session.apply(SetStance("d0", quote_id="q2", stance="oppose"))
        assert [e["what"] for e in session.journal()] == ["note on q1", "stance oppose on q2"]
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        assert session.layer("d0").quotes["q2"].stance == "oppose"
        session.undo()
        assert session.layer("d0").quotes["q2"].stance != "oppose"
        assert session.layer("d0").quotes["q1"].note == "before"


def test_short_writes_still_put_the_whole_line_down(tmp_path: Path, disk: FillingDisk) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        disk.fill(short=True)
        session.apply(SetNote("d0", quote_id="q1", note="whole"))
        assert disk.refused > 1
        disk.free()
    lines = (folder / "journal" / "ann.jsonl").read_bytes().splitlines()
    assert len(lines) == 1 and b'"note":"whole"' in lines[0]
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        session.undo()
        assert session.layer("d0").quotes["q1"].note == ""
