"""One small JSON file per annotator that only their own process writes (their place in the
reader, their learned quote model): read as "nothing stored" when it does not parse, written
atomically, a damaged one moved aside (its bytes kept, never overwritten) before the next write.

``write_own_file`` is that write path, shared so the two files cannot drift apart: temp files a
killed writer left in the folder are removed at the first write of a process, and a lock keeps
two threads of that process from sharing a temp file. Storage only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from annotations.store.atomic import atomic_write_bytes, move_aside, remove_orphan_temps

_WRITING = threading.Lock()
_SWEPT: set[Path] = set()


def read_own_file(path: Path) -> Any:
    """The file's data (``None``: missing or unreadable)."""
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None


def write_own_file(
    path: Path, payload: bytes, schema: int, valid: Callable[[Any], bool]
) -> Path | None:
    """Replace ``path`` with ``payload``; returns where a damaged file was moved aside, if one
    was. A file is damaged when it does not parse, or is of schema ``schema`` or older and
    ``valid`` refuses it (a newer saywho's file is replaced like any other)."""
    with _WRITING:
        path.parent.mkdir(exist_ok=True)
        if path.parent not in _SWEPT:  # temp files a killed writer left, once per process
            remove_orphan_temps(path.parent)
            _SWEPT.add(path.parent)
        aside = None
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raw = None
        if raw is not None and _damaged(raw, schema, valid):
            aside = move_aside(path)
        atomic_write_bytes(path, payload)
    return aside


def _damaged(raw: bytes, schema: int, valid: Callable[[Any], bool]) -> bool:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return True
    if isinstance(data, dict) and type(data.get("schema")) is int and data["schema"] > schema:
        return False
    return not valid(data)
