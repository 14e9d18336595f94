"""A disk that fills up under the journal: an edit whose journal line cannot be written whole is
refused aloud (one ``SaveError``), its layer file keeps its bytes, the journal still reads, and
the next edit once the disk has room is saved and undoable, also after a restart."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from annotations.edits import SetNote, SetStance
from annotations.session import SaveError, Session
from annotations.store import journal
from annotations.store.atomic import TEMP_SUFFIX
from annotations.store.journal import Journal
from tests.conftest import fixed_detect, make_project


class FillingDisk:
    """``os`` as the journal sees it. ``mode``: None (room), "full" (a write puts half its
    bytes down, then fails with ENOSPC), "short" (a write puts half down and says so)."""

    def __init__(self) -> None:
        self.mode: str | None = None
        self.calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def write(self, fd: int, data: bytes) -> int:
        if self.mode is None:
            return os.write(fd, data)
        self.calls += 1
        half = os.write(fd, bytes(data[: max(1, len(data) // 2)]))
        if self.mode == "full":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return half


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> FillingDisk:
    proxy = FillingDisk()
    monkeypatch.setattr(journal, "os", proxy)
    return proxy


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".saywho.lock"
    }


def test_a_full_disk_refuses_the_edit_and_leaves_every_file_as_it_was(
    tmp_path: Path, disk: FillingDisk
) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        session.apply(SetNote("d0", quote_id="q1", note="before"))
        before = _files(folder)
        disk.mode = "full"
        with pytest.raises(SaveError, match="No space left on device"):
            session.apply(SetStance("d0", quote_id="q2", stance="oppose"))
        assert disk.calls >= 1
        assert _files(folder) == before  # no torn journal line, layer file untouched
        assert not list(folder.rglob(f"*{TEMP_SUFFIX}"))
        assert [e["what"] for e in Journal(folder).entries()] == ["note on q1"]
        assert session.layer("d0").quotes["q2"].stance != "oppose"

        disk.mode = None  # room again
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
        disk.mode = "short"
        session.apply(SetNote("d0", quote_id="q1", note="whole"))
        assert disk.calls > 1
        disk.mode = None
    lines = (folder / "journal.jsonl").read_bytes().splitlines()
    assert len(lines) == 1 and b'"note":"whole"' in lines[0]
    with Session.open(folder, "ann", detect=fixed_detect) as session:
        session.undo()
        assert session.layer("d0").quotes["q1"].note == ""
