"""Each annotator's project model of quote suggestions: ``learned/<safe annotator>.json``.

The file::

    {"schema": 1, "annotator": "ana", "at": "2026-...+00:00", "articles": 6,
     "model": {...}}

``model`` is ``annotations.learn.model_to_dict`` of the annotator's ``ProjectModel``; storage
never looks inside it. One file per annotator, beside ``position/`` and ``status/``, written
only by the annotator's own writable process, replacing it atomically (``atomic_write_bytes``;
temp files a killed writer left are removed at the first write); a lock of this module keeps
two threads of that process from sharing a temp file. A model is derived data (it is fitted
again from the corrections): a file that does not parse reads as no model, and is moved aside
(its bytes kept, never overwritten) before the next write. Storage only.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotations.store.atomic import atomic_write_bytes, dumps, move_aside, remove_orphan_temps
from annotations.store.paths import safe_filename

LEARNED_DIR = "learned"
SCHEMA_VERSION = 1

_WRITING = threading.Lock()
_SWEPT: set[Path] = set()


@dataclass(frozen=True, slots=True)
class StoredModel:
    """A stored project model: its data (``model_to_dict``), when it was fitted, and from how
    many corrected articles."""

    model: dict[str, Any]
    at: str = ""
    articles: int = 0


def model_path(folder: str | os.PathLike[str], annotator: str) -> Path:
    """Where ``annotator``'s project model lives."""
    return Path(folder) / LEARNED_DIR / f"{safe_filename(annotator)}.json"


def read_model(folder: str | os.PathLike[str], annotator: str) -> StoredModel | None:
    """``annotator``'s stored model (``None``: none stored, unreadable, or not this shape)."""
    try:
        data = orjson.loads(model_path(folder, annotator).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return _stored(data)


def write_model(
    folder: str | os.PathLike[str], annotator: str, stored: StoredModel
) -> Path | None:
    """Store ``annotator``'s model (their own process only); ``OSError`` when the disk refuses.
    Returns where a damaged file was moved aside, if one was."""
    path = model_path(folder, annotator)
    payload = dumps({
        "schema": SCHEMA_VERSION,
        "annotator": annotator,
        "at": stored.at,
        "articles": stored.articles,
        "model": stored.model,
    })
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
        if raw is not None and _damaged(raw):
            aside = move_aside(path)
        atomic_write_bytes(path, payload)
    return aside


def _damaged(raw: bytes) -> bool:
    """True when ``raw`` is not a model file of this or a newer schema."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return True
    if isinstance(data, dict) and type(data.get("schema")) is int and (
        data["schema"] > SCHEMA_VERSION
    ):
        return False  # a newer saywho's: replaced like any other
    return _stored(data) is None


def _stored(data: Any) -> StoredModel | None:
    if not isinstance(data, dict) or type(data.get("schema")) is not int:
        return None
    if data["schema"] > SCHEMA_VERSION:
        return None  # a newer saywho's model: left alone
    model, at, articles = data.get("model"), data.get("at"), data.get("articles")
    if not isinstance(model, dict):
        return None
    return StoredModel(model, at if isinstance(at, str) else "",
                       articles if type(articles) is int else 0)
