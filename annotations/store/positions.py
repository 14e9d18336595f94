"""Where each annotator stopped in the reader: ``position/<safe annotator>.json``, one file per
annotator, so a second annotator never writes over the first one's place.

The file::

    {"schema": 1, "annotator": "ana", "doc": "<doc id>", "quote": "<quote id>" | null,
     "at": "2026-...+00:00"}

It sits beside ``status/`` and not inside a status file: it changes at every move in the
reader, and the status folder is what the live project and ``merge`` watch for the team's
progress. Only the annotator's own writable process writes it, replacing it atomically
(``own_file``, the write path it shares with ``learned/``). A place is a
convenience: a file that does not parse reads as no place, and is moved aside (its bytes kept,
never overwritten) before the next write. Storage only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotations.store.atomic import (
    dumps,
)
from annotations.store.own_file import read_own_file, write_own_file
from annotations.store.paths import safe_filename

POSITION_DIR = "position"
SCHEMA_VERSION = 1



@dataclass(frozen=True, slots=True)
class ReaderPosition:
    """The document and quote an annotator last had on screen in the reader, and when."""

    doc_id: str
    quote_id: str | None = None
    at: str = ""


def position_path(folder: str | os.PathLike[str], annotator: str) -> Path:
    """Where ``annotator``'s place lives."""
    return Path(folder) / POSITION_DIR / f"{safe_filename(annotator)}.json"


def read_position(folder: str | os.PathLike[str], annotator: str) -> ReaderPosition | None:
    """``annotator``'s last place (``None``: none stored, unreadable, or not this shape)."""
    data = read_own_file(position_path(folder, annotator))
    if data is None:
        return None
    return _position(data)


def write_position(
    folder: str | os.PathLike[str], annotator: str, position: ReaderPosition
) -> Path | None:
    """Store ``annotator``'s place (their own process only). Returns where a damaged file was
    moved aside, if one was."""
    path = position_path(folder, annotator)
    payload = dumps({
        "schema": SCHEMA_VERSION,
        "annotator": annotator,
        "doc": position.doc_id,
        "quote": position.quote_id,
        "at": position.at,
    })
    return write_own_file(path, payload, SCHEMA_VERSION, lambda data: _position(data) is not None)


def _position(data: Any) -> ReaderPosition | None:
    if not isinstance(data, dict) or type(data.get("schema")) is not int:
        return None
    if data["schema"] > SCHEMA_VERSION:
        return None  # a newer saywho's place: left alone
    doc, quote, at = data.get("doc"), data.get("quote"), data.get("at")
    if not isinstance(doc, str) or not doc or not (quote is None or isinstance(quote, str)):
        return None
    return ReaderPosition(doc, quote or None, at if isinstance(at, str) else "")
