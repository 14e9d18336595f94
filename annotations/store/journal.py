"""The append-only journal: every edit, undo and redo with who, when, before and after.

One JSON object per line, appended with ``O_APPEND`` and fsynced. A kill mid-append can leave a
torn last line; readers skip any line that does not parse, so the journal always reads.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import orjson

JOURNAL_NAME = "journal.jsonl"


class Journal:
    """Appends entries to and reads entries from a project's ``journal.jsonl``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / JOURNAL_NAME

    def append(self, entry: dict[str, Any]) -> None:
        """Append one entry durably."""
        line = orjson.dumps(entry, option=orjson.OPT_NON_STR_KEYS) + b"\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size:
                # A torn last line from a killed writer: start ours on a fresh line.
                with open(self.path, "rb") as fh:
                    fh.seek(size - 1)
                    if fh.read(1) != b"\n":
                        line = b"\n" + line
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def repair(self) -> bool:
        """Cut a torn last line (a writer killed mid-append); True when something was cut.

        Called by the project's writer at open, so every line of the journal parses again.
        """
        try:
            fh = open(self.path, "r+b")  # noqa: SIM115 - closed below, truncated in place
        except FileNotFoundError:
            return False
        with fh:
            size = fh.seek(0, os.SEEK_END)
            if size == 0:
                return False
            fh.seek(size - 1)
            if fh.read(1) == b"\n":
                return False
            keep = size
            while keep > 0:
                step = min(4096, keep)
                fh.seek(keep - step)
                chunk = fh.read(step)
                cut = chunk.rfind(b"\n")
                if cut >= 0:
                    keep = keep - step + cut + 1
                    break
                keep -= step
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
        return True

    def entries(self, ops: Collection[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every entry that parses, oldest first; with ``ops``, only entries of those ops.

        Lines of other ops are skipped before parsing, so opening a project does not pay for
        large entries (a replaced layer kept whole) that undo never needs.
        """
        if not self.path.exists():
            return
        needles = tuple(orjson.dumps({"op": op})[1:-1] for op in ops) if ops else ()
        with open(self.path, "rb") as fh:
            for raw in fh:
                if not raw.strip():
                    continue
                if needles and not any(n in raw for n in needles):
                    continue
                try:
                    entry = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue
                if isinstance(entry, dict) and (not ops or entry.get("op") in ops):
                    yield entry
