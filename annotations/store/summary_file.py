"""The corpus index on disk: a compacted snapshot, and a log of the entries written since.

::

    index/summaries.bin     every entry as of the last compaction, column by column
    index/summaries.log     one line per entry written since, appended by every process
    index/summaries.lock    the short flock around every append, read and compaction
    index/.gitignore        "*": a cache, rebuilt from the layer files, never shared

An entry summarizes one layer file: the document and layer, the identity of the file it was
made from (inode, size, mtime), the quote counts the library and the review queue read
(quotes, reviewed, suggested quotes without a confidence, their least confidence) and the
whole summary as JSON (``annotations.corpus_index.LayerSummary.encode``). An entry with inode 0
says the file was found absent.

Why this shape. Several annotators' processes write one project at once: each appends its
entries under the lock, so nobody's update is ever lost, and nobody rewrites a shared file on an
edit (an append is one short ``write``). Opening must be fast at 100,000 documents: the snapshot
is one read, a checksum and a few array copies (no Python object per number), its summaries
are kept as bytes and decoded only for a document on screen. When the log has grown past a
quarter of the entries (at least ``COMPACT_MIN`` lines), a writer folds it into a new snapshot
under the lock (written atomically, then the log is emptied). Nothing here is the source of
truth: a snapshot that fails its checksum is moved aside and a line that does not read is
skipped; what they held is rebuilt from the layer files by ``annotations.store.summaries``.
Storage only.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import math
import mmap
import os
import sys
import threading
import time
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotations.store.atomic import atomic_write_bytes, move_aside, remove_orphan_temps

INDEX_DIR = "index"
SNAPSHOT = "summaries.bin"
LOG = "summaries.log"
LOCK = "summaries.lock"
MAGIC = b"SAYWHOIX"
SCHEMA = 2
"""2: the checksum covers the numbers, and each summary has its own (checked when it is read,
so opening does not read the summaries); 1: one checksum over everything (still read)."""
READABLE = (1, 2)
COMPACT_MIN = 2000

Identity = tuple[int, int, int]
"""A layer file's inode, size and modification time (ns); inode 0: no file."""

_INT_COLUMNS = ("ino", "size", "mtime", "quotes", "reviewed", "unrated")


@dataclass(frozen=True, slots=True)
class Entry:
    """One layer file's summary, as stored."""

    doc_id: str
    layer: str
    identity: Identity
    quotes: int = 0
    reviewed: int = 0
    unrated: int = 0
    """Suggested quotes without a confidence."""
    least: float | None = None
    """The least confidence among the suggested quotes."""
    detail: bytes = b"null"
    """The whole summary (``LayerSummary.encode``)."""

    @property
    def absent(self) -> bool:
        """True for an entry saying the file was not there."""
        return self.identity[0] == 0


class DamagedEntry(ValueError):
    """A snapshot row whose summary's bytes no longer match their checksum."""

    def __init__(self, doc_id: str, layer: str) -> None:
        super().__init__(f"the summary of {doc_id}/{layer} does not match its checksum")
        self.doc_id = doc_id
        self.layer = layer


class LayerRows(dict[str, dict[str, int]]):
    """Layer name -> {document id: row}. A layer read from a snapshot gets its map when it is
    first asked for: a library that shows one layer does not build a map per layer of a
    100,000-document index on opening (about 40 ms each)."""

    def __init__(self) -> None:
        super().__init__()
        self._later: dict[str, tuple[list[str], int]] = {}  # name -> (its ids, first row)
        self._building = threading.Lock()  # the UI thread and a check's thread may both ask

    def defer(self, name: str, ids: list[str], first: int) -> None:
        """``name``'s map, of ``ids`` at rows ``first``, ``first + 1``... , built when used."""
        dict.__setitem__(self, name, {})
        self._later[name] = (ids, first)

    def count(self, name: str) -> int:
        """How many documents ``name`` holds (without building its map)."""
        later = self._later.get(name)
        return len(later[0]) if later is not None else len(dict.get(self, name) or ())

    def covers(self, name: str, ids: Sequence[str]) -> bool:
        """True when ``name`` holds every one of ``ids``. Without building its map when it
        was read in that very order (the usual case: a list compare, ~4 ms at 100,000 ids
        against ~30 ms to build the map and ~16 ms to look each one up)."""
        later = self._later.get(name)
        if later is not None and later[0] == ids:
            return True
        rows = self.get(name) or {}
        return all(map(rows.__contains__, ids))

    def find(self, name: str, doc_id: str, at: int | None = None) -> int | None:
        """The row of ``doc_id`` in ``name`` (``None``: not held). ``at``: where the caller
        expects the id among those ``name`` was read with (a library row's place in the
        project's order); checked against them, and when right the row is known without
        building the map (~35 ms at 100,000 documents, on the first frame)."""
        if at is not None:
            later = self._later.get(name)
            if later is not None and 0 <= at < len(later[0]) and later[0][at] == doc_id:
                return later[1] + at
        rows = self.get(name)
        return None if rows is None else rows.get(doc_id)

    def _built(self, name: str) -> dict[str, int]:
        if name in self._later:
            with self._building:
                later = self._later.get(name)
                if later is not None:  # a repeated id (never written so) keeps its last row
                    ids, first = later
                    rows = dict(zip(ids, range(first, first + len(ids)), strict=True))
                    dict.__setitem__(self, name, rows)  # in place before it leaves ``_later``
                    del self._later[name]
        return dict.__getitem__(self, name)

    def __getitem__(self, name: str) -> dict[str, int]:
        return self._built(name)

    def __setitem__(self, name: str, rows: dict[str, int]) -> None:
        with self._building:
            self._later.pop(name, None)
            dict.__setitem__(self, name, rows)

    def get(self, name: str, default: Any = None) -> Any:  # noqa: D102 - dict's
        return self._built(name) if name in self else default

    def values(self) -> list[dict[str, int]]:  # type: ignore[override]  # noqa: D102
        return [self._built(name) for name in self]

    def items(self) -> list[tuple[str, dict[str, int]]]:  # type: ignore[override]  # noqa: D102
        return [(name, self._built(name)) for name in self]


class SummaryTable:
    """The index in memory: columns of numbers, one row per entry; a row is never changed
    (a newer entry of the same layer file takes a new row)."""

    def __init__(self) -> None:
        self.docs: list[str] = []
        self.names: list[str] = []
        self.rows = LayerRows()
        self.ino = array("q")
        self.size = array("q")
        self.mtime = array("q")
        self.quotes = array("q")
        self.reviewed = array("q")
        self.unrated = array("q")
        self.least = array("d")
        self.layer_of = array("q")
        # the summaries' bytes: of the rows read from a snapshot, one blob and where each ends
        # (no object per row until one is asked for); of the rows added since, one each
        self._blob: bytes | memoryview = b""
        self._ends = array("q")
        self._crcs = array("q")  # of each snapshot row's summary (schema 2; empty: schema 1)
        self.schema = SCHEMA  # of the snapshot it was read from
        self._added: dict[int, bytes] = {}
        self.dead = 0  # rows no longer pointed to (dropped at compaction)

    def __len__(self) -> int:
        """Live entries."""
        return sum(map(self.rows.count, self.rows))

    def row(self, doc_id: str, layer: str, at: int | None = None) -> int | None:
        """The row of a layer file's entry (``None``: none); ``at`` as ``LayerRows.find``."""
        return self.rows.find(layer, doc_id, at)

    def detail(self, row: int) -> bytes:
        """The summary's bytes of a row."""
        if row < len(self._ends):
            piece = bytes(self._blob[self._ends[row - 1] if row else 0:self._ends[row]])
            if self._crcs and zlib.crc32(piece) != self._crcs[row]:
                raise DamagedEntry(self.docs[row], self.names[self.layer_of[row]])
            return piece
        return self._added[row]

    def detail_tail(self, row: int, size: int) -> bytes:
        """The last ``size`` bytes of a row's summary (a look at its tail: no copy of the
        summary, no checksum; a damaged one is found when it is read)."""
        if row < len(self._ends):
            stop = self._ends[row]
            start = max(self._ends[row - 1] if row else 0, stop - size)
            return bytes(self._blob[start:stop])
        return self._added[row][-size:]

    def identity(self, row: int) -> Identity:
        """The identity of the file a row was made from."""
        return (self.ino[row], self.size[row], self.mtime[row])

    def entry(self, row: int) -> Entry:
        """A row as an ``Entry``."""
        least = self.least[row]
        return Entry(self.docs[row], self.names[self.layer_of[row]], self.identity(row),
                     self.quotes[row], self.reviewed[row], self.unrated[row],
                     None if math.isnan(least) else least, self.detail(row))

    def entries(self, damaged: list[DamagedEntry] | None = None) -> Iterator[Entry]:
        """Every live entry, layer by layer; a damaged one is left out (and added to
        ``damaged``): the layer file it summarized is summarized again when next checked."""
        for rows in self.rows.values():
            for row in rows.values():
                try:
                    yield self.entry(row)
                except DamagedEntry as exc:
                    if damaged is not None:
                        damaged.append(exc)

    def put(self, entry: Entry, *, force: bool = False) -> bool:
        """Take ``entry`` unless the table holds a newer one of that file (a later mtime);
        ``force``: take it anyway (this process has just written the file). True when it
        changed the table."""
        rows = self.rows.get(entry.layer)
        old = rows.get(entry.doc_id) if rows is not None else None
        if old is not None and not force and self.mtime[old] > entry.identity[2]:
            return False
        if entry.absent:
            if old is None:
                return False
            del rows[entry.doc_id]  # type: ignore[union-attr]
            self.dead += 1
            return True
        if old is not None and self.identity(old) == entry.identity \
                and self._same_detail(old, entry.detail):
            return False
        if rows is None:
            rows = self.rows[entry.layer] = {}
            self.names.append(entry.layer)
        row = len(self.docs)
        ino, size, mtime = entry.identity
        self.docs.append(entry.doc_id)
        self.layer_of.append(self.names.index(entry.layer))
        self.ino.append(ino)
        self.size.append(size)
        self.mtime.append(mtime)
        self.quotes.append(entry.quotes)
        self.reviewed.append(entry.reviewed)
        self.unrated.append(entry.unrated)
        self.least.append(math.nan if entry.least is None else float(entry.least))
        self._added[row] = entry.detail
        rows[entry.doc_id] = row
        if old is not None:
            self.dead += 1
        return True

    def _same_detail(self, row: int, detail: bytes) -> bool:
        try:
            return self.detail(row) == detail
        except DamagedEntry:
            return False

    # ------------------------------------------------------------------ the snapshot format
    def to_snapshot(self, damaged: list[DamagedEntry] | None = None) -> bytes:
        """Every live entry as snapshot bytes (rows grouped by layer); a damaged entry is
        left out (and added to ``damaged``)."""
        kept: dict[str, list[tuple[int, bytes]]] = {}
        for name in self.names:
            for row in self.rows.get(name, {}).values():
                try:
                    kept.setdefault(name, []).append((row, self.detail(row)))
                except DamagedEntry as exc:
                    if damaged is not None:
                        damaged.append(exc)
        names = [n for n in self.names if kept.get(n)]
        order = [row for n in names for row, _ in kept[n]]
        pieces = [piece for n in names for _, piece in kept[n]]
        docs = orjson.dumps([self.docs[r] for r in order])
        columns = [array("q", (getattr(self, c)[r] for r in order)).tobytes()
                   for c in _INT_COLUMNS]
        columns.append(array("d", (self.least[r] for r in order)).tobytes())
        ends = array("q", itertools.accumulate(len(p) for p in pieces))
        crcs = array("q", map(zlib.crc32, pieces))
        head = b"".join([docs, *columns, ends.tobytes(), crcs.tobytes()])
        header = orjson.dumps({
            "schema": SCHEMA, "byteorder": sys.byteorder, "names": names,
            "counts": [len(kept[n]) for n in names], "docs": len(docs),
            "details": sum(map(len, pieces)), "crc": zlib.crc32(head),
        })
        return MAGIC + len(header).to_bytes(4, "little") + header + head + b"".join(pieces)

    @classmethod
    def from_snapshot(cls, raw: bytes | mmap.mmap) -> SummaryTable:
        """A table from snapshot bytes; ``ValueError`` when they are not a whole snapshot."""
        if raw[:8] != MAGIC:
            raise ValueError("not a saywho index")
        size = int.from_bytes(raw[8:12], "little")
        try:
            header = orjson.loads(raw[12:12 + size])
            names, counts = list(header["names"]), list(header["counts"])
            n_docs, n_details, crc = int(header["docs"]), int(header["details"]), header["crc"]
            schema, order = header["schema"], header["byteorder"]
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise ValueError("its header does not read") from None
        if schema not in READABLE:
            raise ValueError(f"schema {schema!r}, not {SCHEMA}")
        body = memoryview(raw)[12 + size:]
        n = sum(counts) if all(type(c) is int and c >= 0 for c in counts) else -1
        columns = len(_INT_COLUMNS) + 2 + (schema >= 2)  # least, ends, crcs
        head = n_docs + 8 * columns * n
        if zlib.crc32(body[:head] if schema >= 2 else body) != crc:
            raise ValueError("its checksum does not match (a torn or damaged file)")
        if not all(type(x) is str for x in names) or len(names) != len(counts) \
                or n < 0 or len(body) != head + n_details:
            raise ValueError("its parts do not add up")
        table = cls()
        table.schema = schema
        table.docs = orjson.loads(body[:n_docs])
        if len(table.docs) != n or (n and set(map(type, table.docs)) != {str}):
            raise ValueError("its document ids do not read")
        pos = n_docs
        for column in (*_INT_COLUMNS, "least", "_ends", *(("_crcs",) if schema >= 2 else ())):
            values = array("d" if column == "least" else "q")
            values.frombytes(body[pos:pos + 8 * n])
            if order != sys.byteorder:
                values.byteswap()
            setattr(table, column, values)
            pos += 8 * n
        table._blob = body[pos:]  # a view of the file's bytes: no copy
        if n and (table._ends[-1] != n_details or table._ends[0] < 0):
            raise ValueError("its summaries do not add up")
        table.names = names
        start = 0
        for index, (name, count) in enumerate(zip(names, counts, strict=True)):
            table.rows.defer(name, table.docs[start:start + count], start)
            table.layer_of.extend(array("q", [index]) * count)
            start += count
        return table


# ------------------------------------------------------------------------- log lines
def log_line(entry: Entry) -> bytes:
    """One entry as a log line: a JSON head, a tab, the summary's JSON, a newline."""
    head = orjson.dumps([entry.doc_id, entry.layer, *entry.identity, entry.quotes,
                         entry.reviewed, entry.unrated, entry.least])
    return head + b"\t" + entry.detail + b"\n"


def parse_line(line: bytes) -> Entry | None:
    """The entry of a log line (``None``: a torn or damaged line, skipped)."""
    head, tab, detail = line.partition(b"\t")
    if not tab or not detail:
        return None
    try:
        doc, layer, ino, size, mtime, quotes, reviewed, unrated, least = orjson.loads(head)
    except (orjson.JSONDecodeError, TypeError, ValueError):
        return None
    if type(doc) is not str or type(layer) is not str:
        return None
    if not all(type(v) is int and v >= 0 for v in (ino, size, mtime, quotes, reviewed, unrated)):
        return None
    if least is not None and type(least) not in (int, float):
        return None
    return Entry(doc, layer, (ino, size, mtime), quotes, reviewed, unrated,
                 None if least is None else float(least), detail)


# ------------------------------------------------------------------------- the files
class SummaryFiles:
    """The index files of one project (see the module doc). ``writable``: this process may
    write them (else it only reads, and never creates anything)."""

    def __init__(self, folder: Path, writable: bool) -> None:
        self.folder = folder
        self.writable = writable
        self.problems: list[str] = []  # damage found and dropped (rebuilt from the layers)
        self._log_at = 0  # how far the log has been read
        self._log_ino = 0
        self._snapshot_id: tuple[int, int, int] | None = None
        self._lock_fd: int | None = None
        self._log_fd: int | None = None
        self._swept = False

    @property
    def snapshot(self) -> Path:
        """The snapshot file."""
        return self.folder / SNAPSHOT

    @property
    def log(self) -> Path:
        """The log file."""
        return self.folder / LOG

    # ------------------------------------------------------------------ locking
    @contextlib.contextmanager
    def _locked(self, exclusive: bool) -> Iterator[bool]:
        """Hold the index lock (shared to read, exclusive to write); yields False when there
        is no lock to take (no index yet and nothing may be created)."""
        fd = self._lock_file(create=exclusive and self.writable)
        if fd is None:
            yield False
            return
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _lock_file(self, create: bool) -> int | None:
        path = self.folder / LOCK
        fd = self._lock_fd
        if fd is not None:
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except OSError:
                same = False
            if same:
                return fd
            os.close(fd)
            self._lock_fd = None
        if create:
            self._make_folder()
        try:
            fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o644)
        except OSError:
            return None
        self._lock_fd = fd
        return fd

    def _make_folder(self) -> None:
        if not self.folder.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            with contextlib.suppress(OSError):
                ignore.write_bytes(b"# saywho's corpus index: a cache, never shared\n*\n")
        if not self._swept:
            self._swept = True
            remove_orphan_temps(self.folder)

    # ------------------------------------------------------------------ reading
    def load(self) -> SummaryTable:
        """The whole index: the snapshot, then the log read over it."""
        with self._locked(exclusive=False):
            table = self._read_snapshot()
            self._log_at, self._log_ino = 0, 0
            self._read_log(table)
        return table

    def changed(self) -> bool:
        """True when another process compacted the index since it was read (the table must be
        loaded again)."""
        return self._identity(self.snapshot) != self._snapshot_id

    def refresh(self, table: SummaryTable) -> SummaryTable:
        """``table`` with the entries other processes appended since it was read; a new table
        when the index was compacted meanwhile."""
        if self.changed():
            return self.load()
        try:
            st = os.stat(self.log)
        except FileNotFoundError:
            return table
        if st.st_ino == self._log_ino and st.st_size == self._log_at:
            return table
        with self._locked(exclusive=False):
            if self.changed():
                table = self._read_snapshot()
                self._log_at, self._log_ino = 0, 0
            self._read_log(table)
        return table

    def log_lines(self) -> int:
        """About how many lines the log holds (its size over a typical line)."""
        try:
            return os.stat(self.log).st_size // 200
        except OSError:
            return 0

    def _read_snapshot(self) -> SummaryTable:
        path = self.snapshot
        try:
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                # mapped, not read: the summaries stay in the page cache, no copy of them
                # (the file is replaced by a rename, never rewritten in place)
                raw = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if st.st_size else b""
        except FileNotFoundError:
            self._snapshot_id = None
            return SummaryTable()
        except OSError as exc:
            self.problems.append(f"{INDEX_DIR}/{SNAPSHOT} cannot be read ({exc.strerror})")
            self._snapshot_id = None
            return SummaryTable()
        self._snapshot_id = (st.st_ino, st.st_size, st.st_mtime_ns)
        try:
            return SummaryTable.from_snapshot(raw)
        except ValueError as exc:
            message = f"{INDEX_DIR}/{SNAPSHOT} is damaged ({exc}); rebuilt from the layer files"
            if self.writable:
                with contextlib.suppress(OSError):
                    aside = move_aside(path)
                    message += f" (moved aside to {aside.name})"
                self._snapshot_id = None
            self.problems.append(message)
            return SummaryTable()

    def _read_log(self, table: SummaryTable) -> None:
        try:
            with open(self.log, "rb") as fh:
                st = os.fstat(fh.fileno())
                if st.st_ino != self._log_ino or st.st_size < self._log_at:
                    self._log_at = 0
                fh.seek(self._log_at)
                raw = fh.read()
        except FileNotFoundError:
            self._log_at, self._log_ino = 0, 0
            return
        except OSError as exc:
            self.problems.append(f"{INDEX_DIR}/{LOG} cannot be read ({exc.strerror})")
            return
        self._log_ino = st.st_ino
        end = raw.rfind(b"\n") + 1  # a line still being written is read next time
        self._log_at += end
        for line in raw[:end].split(b"\n"):
            if line:
                entry = parse_line(line)
                if entry is not None:
                    table.put(entry)

    @staticmethod
    def _identity(path: Path) -> tuple[int, int, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    # ------------------------------------------------------------------ writing
    def append(self, entries: Iterable[Entry]) -> None:
        """Append entries to the log, under the lock (``OSError`` when it cannot be written)."""
        data = b"".join(log_line(e) for e in entries)
        if not data or not self.writable:
            return
        with self._locked(exclusive=True):
            fd = self._log_file()
            end = os.fstat(fd).st_size
            if end and os.pread(fd, 1, end - 1) != b"\n":
                data = b"\n" + data  # a line a killed writer left half-written stays apart
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]

    def _log_file(self) -> int:
        fd = self._log_fd
        if fd is not None:
            try:
                same = os.fstat(fd).st_ino == os.stat(self.log).st_ino
            except OSError:
                same = False
            if same:
                return fd
            os.close(fd)
            self._log_fd = None
        self._make_folder()
        fd = os.open(self.log, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        self._log_fd = fd
        return fd

    def compact(self, table: SummaryTable) -> SummaryTable:
        """Fold the log into a new snapshot, under the lock; returns the table written (this
        one, with what others appended meanwhile)."""
        if not self.writable:
            return table
        with self._locked(exclusive=True):
            damaged: list[DamagedEntry] = []
            if self.changed():
                fresh = self._read_snapshot()
                for entry in table.entries(damaged):  # ours are in the log too; kept if newer
                    fresh.put(entry)
                table = fresh
                self._log_at, self._log_ino = 0, 0
            self._read_log(table)
            payload = table.to_snapshot(damaged)
            for exc in damaged:
                self.note_damage(exc)
            atomic_write_bytes(self.snapshot, payload)
            self._snapshot_id = self._identity(self.snapshot)
            with open(self.log, "wb"):
                pass  # emptied in place: appenders keep their handle
            self._log_at = 0
            with contextlib.suppress(OSError):
                self._log_ino = os.stat(self.log).st_ino
        return SummaryTable.from_snapshot(payload)  # without the rows no longer pointed to

    def note_damage(self, exc: DamagedEntry) -> None:
        """Say that a snapshot entry was found damaged (it is summarized again from its layer
        file, never trusted)."""
        self.problems.append(f"{INDEX_DIR}/{SNAPSHOT}: {exc} (damaged); summarized again "
                             "from the layer file")

    def close(self) -> None:
        """Close the lock and log handles."""
        for fd in (self._lock_fd, self._log_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._lock_fd = self._log_fd = None


def now_ns() -> int:
    """The time an absence was seen (an absent entry's mtime)."""
    return time.time_ns()
