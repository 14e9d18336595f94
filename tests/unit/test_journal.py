"""The journal file: every byte of a line or none, torn lines cut (never completed), cheap reads
from the end and at an offset."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from annotations.store import journal
from annotations.store.journal import Journal


class ShortWrites:
    """``os`` as the journal sees it: each write puts down at most ``step`` bytes; with
    ``fail_after`` set, the write after that many bytes fails with ENOSPC."""

    def __init__(self, step: int, fail_after: int | None = None) -> None:
        self.step = step
        self.fail_after = fail_after
        self.written = 0

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def write(self, fd: int, data: bytes) -> int:
        if self.fail_after is not None and self.written >= self.fail_after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = os.write(fd, bytes(data[: self.step]))
        self.written += n
        return n


def test_short_writes_are_continued_until_the_line_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    j = Journal(tmp_path / "journal.jsonl")
    j.append({"id": "a", "op": "edit", "what": "x" * 100})
    monkeypatch.setattr(journal, "os", ShortWrites(step=7))
    j.append({"id": "b", "op": "edit", "what": "y" * 100})
    monkeypatch.undo()
    assert [e["id"] for e in j.entries()] == ["a", "b"]


def test_a_write_that_fails_half_way_leaves_the_journal_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    j = Journal(tmp_path / "journal.jsonl")
    j.append({"id": "a", "op": "edit"})
    before = j.path.read_bytes()
    monkeypatch.setattr(journal, "os", ShortWrites(step=10, fail_after=10))
    with pytest.raises(OSError) as refused:
        j.append({"id": "b", "op": "edit", "what": "z" * 50})
    assert refused.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert j.path.read_bytes() == before
    j.append({"id": "c", "op": "edit"})
    assert [e["id"] for e in j.entries()] == ["a", "c"]


def test_a_refused_first_append_leaves_no_journal_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "os", ShortWrites(step=5, fail_after=5))
    with pytest.raises(OSError):
        Journal(tmp_path / "journal.jsonl").append({"id": "a", "op": "edit"})
    assert not (tmp_path / "journal.jsonl").exists()


def test_a_write_of_nothing_is_an_error_not_a_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    j = Journal(tmp_path / "journal.jsonl")
    monkeypatch.setattr(journal, "os", ShortWrites(step=0))
    with pytest.raises(OSError):
        j.append({"id": "a", "op": "edit"})


def test_a_torn_line_that_parses_is_cut_not_completed(tmp_path: Path) -> None:
    j = Journal(tmp_path / "journal.jsonl")
    j.append({"id": "a", "op": "edit"})
    with open(j.path, "ab") as fh:
        fh.write(b'{"id": "torn", "op": "edit"}')  # whole JSON, but its newline never landed
    assert [e["id"] for e in j.entries()] == ["a"]  # readers do not count it
    j.append({"id": "b", "op": "edit"})
    assert [e["id"] for e in j.entries()] == ["a", "b"]
    assert b"torn" not in j.path.read_bytes()
    [aside] = tmp_path.glob("journal.jsonl.damaged-*")  # its bytes kept all the same
    assert aside.read_bytes() == b'{"id": "torn", "op": "edit"}'


def test_at_open_a_last_line_short_of_its_newline_only_is_completed_else_kept_aside(
    tmp_path: Path,
) -> None:
    """A journal whose last whole entry lost its newline (a hand edit, a kill right before
    it) keeps the entry (the project's open-time check voids it if its edit never reached the
    layer); bytes that are no entry are cut, and kept beside the journal."""
    j = Journal(tmp_path / "journal.jsonl")
    j.append({"id": "a", "op": "edit"}, {"id": "b", "op": "edit"})
    j.path.write_bytes(j.path.read_bytes()[:-1])
    tail = j.repair()
    assert tail.completed and tail.aside is None
    assert [e["id"] for e in j.entries()] == ["a", "b"]
    with open(j.path, "ab") as fh:
        fh.write(b"\x00\x00garbage")
    tail = j.repair()
    assert tail.aside is not None and tail.aside.read_bytes() == b"\x00\x00garbage"
    assert [e["id"] for e in j.entries()] == ["a", "b"] and j.path.read_bytes().endswith(b"\n")


def test_offsets_read_back_the_same_entries(tmp_path: Path) -> None:
    j = Journal(tmp_path / "journal.jsonl")
    first = j.append({"id": "a", "op": "edit"})
    second = j.append({"id": "v", "op": "void", "ref": "a"}, {"id": "b", "op": "edit"})
    assert first.offset == 0 and second.end == j.size()
    assert j.read_at(second.offset)[0] == {"id": "b", "op": "edit"}
    assert j.read_at(second.offset)[1] == second.end
    assert [(o, e["id"]) for o, e in j.scan(first.end)] == [
        (first.end, "v"),
        (second.offset, "b"),
    ]
    assert j.last() == (second.offset, {"id": "b", "op": "edit"})
    assert [e["id"] for _, e in j.scan(first.end, ops=("void",))] == ["v"]


def test_last_reads_a_long_last_line_and_skips_a_torn_tail(tmp_path: Path) -> None:
    j = Journal(tmp_path / "journal.jsonl")
    j.append({"id": "a", "op": "edit"})
    big = j.append({"id": "b", "op": "replace-layer", "data": "q" * 200_000})
    with open(j.path, "ab") as fh:
        fh.write(b'{"id": "torn"')
    last = j.last()
    assert last is not None and last[0] == big.offset and last[1]["id"] == "b"  # type: ignore[index]
    assert Journal(tmp_path / "nowhere" / "journal.jsonl").last() is None
