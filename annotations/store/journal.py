"""The append-only journals: every edit, undo and redo with who, when, before and after.

Each annotator has their own journal, ``journal/<annotator>.jsonl``, appended only by the
process that holds that annotator's session lock; ``merged`` reads every annotator's journal
as one history, ordered by time. One JSON object per line. A line counts only once its
newline is on disk: an edit's line is written (``O_APPEND``, every byte, fsynced) before its
layer file, so an edit that reached a
layer file is always in the journal. Anything that stops an append half-way (a full disk, a short
write, a failed fsync) cuts the file back to where it was and raises, so a refused edit leaves no
bytes behind; a line torn by a kill is never completed by a later append but cut (at open by
``repair``, and by the next append), its bytes kept aside, so a half-written entry can never
turn into a whole one; a last line that is a whole entry short of its newline gets it (the
project's open-time check voids it when its edit never reached the layer). Readers skip a line
that does not parse and an unterminated last line.
"""

from __future__ import annotations

import contextlib
import errno
import heapq
import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from annotations.store.paths import damaged_path, safe_filename
from annotations.store.statuses import STORED_STATUSES

JOURNALS_DIR = "journal"
JOURNAL_SUFFIX = ".jsonl"
OLD_JOURNAL_NAME = "journal.jsonl"
"""The one journal of a project before issue 10 (migrated into ``journal/``)."""
_CHUNK = 65536
DOC_TARGET_OP = "doc-target"
"""A document's own stance target set (``data``: doc, before, after): for the history and undo
(``doc_steps``)."""
DOC_STATUS_OP = "doc-status"
"""An annotator's status of a document set, done or not (``data``: doc, the derived status
before and after, the stored one before and after): for the history and undo (``doc_steps``)."""

DOC_STEP_OPS: tuple[str, ...] = (DOC_TARGET_OP, DOC_STATUS_OP)


@dataclass(frozen=True, slots=True)
class DocStep:
    """One document change outside the layers, as stored: the target (``""``: the
    project's) or the stored status (``None``: none, derived) before and after."""

    op: str
    doc_id: str
    before: str | None
    after: str | None


def doc_step(entry: dict[str, Any]) -> DocStep | None:
    """The step a journal entry recorded (a ``doc-target`` or ``doc-status`` line, or an
    undo or redo of one: ``kind`` names it); ``None`` when it holds no step undo can use."""
    op = entry.get("kind") if entry.get("op") in ("undo", "redo") else entry.get("op")
    data = entry.get("data")
    if op not in DOC_STEP_OPS or not isinstance(data, dict) or not isinstance(
            data.get("doc"), str) or not isinstance(entry.get("id"), str):
        return None
    if op == DOC_TARGET_OP:
        before, after = data.get("before"), data.get("after")
        if isinstance(before, str) and isinstance(after, str):
            return DocStep(op, data["doc"], before, after)
        return None
    if "stored_before" not in data or "stored_after" not in data:
        return None  # written by a saywho from before statuses were undone
    before, after = data["stored_before"], data["stored_after"]
    if all(v is None or v in STORED_STATUSES for v in (before, after)):
        return DocStep(op, data["doc"], before, after)
    return None


@dataclass(frozen=True, slots=True)
class Appended:
    """Where an append put its last entry: the line's byte offset and the journal's new end."""

    offset: int
    end: int


def journal_path(folder: Path, annotator: str) -> Path:
    """Where the journal of ``annotator`` lives in the project ``folder``."""
    return folder / JOURNALS_DIR / f"{safe_filename(annotator)}{JOURNAL_SUFFIX}"


def journal_paths(folder: Path) -> list[Path]:
    """Every annotator's journal in the project ``folder``, by name."""
    try:
        names = sorted(os.listdir(folder / JOURNALS_DIR))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [
        folder / JOURNALS_DIR / n for n in names if n.endswith(JOURNAL_SUFFIX) and n[0] != "."
    ]


def journal_time() -> str:
    """An entry's ``ts``: UTC, ISO 8601, to the microsecond (``merged`` orders by it: edits
    of one layer by several processes within one second keep the order they were written,
    the time being taken under the layer's lock)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def merged(
    journals: Iterable[Journal], ops: Collection[str] | None = None
) -> Iterator[dict[str, Any]]:
    """The entries of several journals as one history, oldest first (by ``ts``; entries of one
    journal keep their order)."""
    return heapq.merge(
        *(j.entries(ops=ops) for j in journals), key=lambda e: str(e.get("ts", ""))
    )


class Journal:
    """Appends entries to and reads entries from one journal file (``path``: the ``.jsonl``)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, *entries: dict[str, Any]) -> Appended:
        """Append ``entries`` durably, in one write; all of them land or none do.

        Every entry is serialized before the file is touched. On any failure the journal is cut
        back to its size before the call (a journal this call created is removed) and the error
        propagates.
        """
        if not entries:
            raise ValueError("nothing to append")
        lines = [orjson.dumps(e, option=orjson.OPT_NON_STR_KEYS) + b"\n" for e in entries]
        created = False
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND)
        except FileNotFoundError:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o644)
            created = True
        try:
            # a tail left now (none is, after the open's repair) is no entry of this process's
            size = _settle_tail(fd, os.fstat(fd).st_size, self.path, complete=False).size
            try:
                _write_all(fd, b"".join(lines))
                os.fsync(fd)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size)
                    os.fsync(fd)
                if created:
                    with contextlib.suppress(OSError):
                        os.unlink(self.path)
                raise
        finally:
            os.close(fd)
        end = size + sum(len(line) for line in lines)
        return Appended(end - len(lines[-1]), end)

    def repair(self) -> Tail:
        """Settle an unterminated last line (``_settle_tail``): a whole entry gets its newline
        (the project's open-time check then voids it if its edit never reached the layer),
        anything else is cut, its bytes kept aside. Called by the project's writer at open,
        so every line of the journal parses again."""
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            return Tail(0)
        try:
            return _settle_tail(fd, os.fstat(fd).st_size, self.path, complete=True)
        finally:
            os.close(fd)

    def size(self) -> int:
        """The journal's length in bytes (0 when there is none)."""
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def entries(self, ops: Collection[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every entry that parses, oldest first; with ``ops``, only entries of those ops.

        Lines of other ops are skipped before parsing, so a caller does not pay for large
        entries (a replaced layer kept whole) it never needs.
        """
        for _offset, entry in self.scan(ops=ops):
            yield entry

    def scan(
        self, start: int = 0, ops: Collection[str] | None = None
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(byte offset, entry)`` of every entry from byte ``start`` on (``start`` must be the
        start of a line), oldest first; ``ops`` filters as in ``entries``."""
        needles = tuple(orjson.dumps({"op": op})[1:-1] for op in ops) if ops else ()
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 - closed by the with below
        except FileNotFoundError:
            return
        with fh:
            fh.seek(start)
            offset = start
            for raw in fh:
                here, offset = offset, offset + len(raw)
                if not raw.endswith(b"\n") or not raw.strip():
                    continue
                if needles and not any(n in raw for n in needles):
                    continue
                entry = _parse(raw)
                if entry is not None and (not ops or entry.get("op") in ops):
                    yield here, entry

    def read_at(self, offset: int) -> tuple[dict[str, Any] | None, int]:
        """The entry whose line starts at byte ``offset`` (None when it does not parse) and the
        offset just past that line (``-1`` when there is no whole line there)."""
        try:
            with open(self.path, "rb") as fh:
                fh.seek(offset)
                raw = fh.readline()
        except FileNotFoundError:
            return None, -1
        if not raw.endswith(b"\n"):
            return None, -1
        return _parse(raw), offset + len(raw)

    def last(self) -> tuple[int, dict[str, Any] | None] | None:
        """The offset and entry (None when it does not parse) of the last whole line; None for
        an empty journal. Reads backwards from the end, so its cost does not grow with it."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            end = _line_start(fd, os.fstat(fd).st_size)
            if end == 0:
                return None
            start = _line_start(fd, end - 1)
            raw = os.pread(fd, end - start, start)
        finally:
            os.close(fd)
        return start, _parse(raw)


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        entry = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return entry if isinstance(entry, dict) else None


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (a short write is continued; a write of nothing raises)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _line_start(fd: int, pos: int) -> int:
    """The offset just past the last newline before byte ``pos`` (0 when there is none)."""
    while pos > 0:
        step = min(_CHUNK, pos)
        chunk = os.pread(fd, step, pos - step)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            return pos - step + cut + 1
        pos -= step
    return 0


@dataclass(frozen=True, slots=True)
class Tail:
    """What ``_settle_tail`` did to a journal's last line: the journal's ``size`` after it,
    whether a whole entry got its missing newline (``completed``), and where the bytes of a
    torn line were kept (``aside``; None: nothing was cut)."""

    size: int
    completed: bool = False
    aside: Path | None = None


def _settle_tail(fd: int, size: int, path: Path, *, complete: bool) -> Tail:
    """An unterminated last line of the journal ``path`` (open as ``fd``): with ``complete``,
    a whole entry (it parses: only its newline is missing, a hand edit or a kill right before
    it) is completed; anything else (a torn write, bytes that are no entry) is cut off, its
    bytes written aside first (``damaged_path``), so nothing is ever lost."""
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return Tail(size)
    keep = _line_start(fd, size)
    tail = os.pread(fd, size - keep, keep)
    if complete and _parse(tail) is not None:
        if os.pwrite(fd, b"\n", size) != 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.fsync(fd)
        return Tail(size + 1, completed=True)
    aside = damaged_path(path)
    with open(aside, "xb") as out:
        out.write(tail)
        out.flush()
        os.fsync(out.fileno())
    os.ftruncate(fd, keep)
    os.fsync(fd)
    return Tail(keep, aside=aside)
