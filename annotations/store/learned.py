"""Each annotator's project model of quote suggestions: ``learned/<safe annotator>.json``.

The file::

    {"schema": 1, "annotator": "ana", "at": "2026-...+00:00", "articles": 6,
     "model": {...}}

``model`` is ``annotations.learn.model_to_dict`` of the annotator's ``ProjectModel``; storage
never looks inside it. One file per annotator, beside ``position/`` and ``status/``, written
only by the annotator's own writable process, replacing it atomically (``own_file``, the
write path it shares with ``position/``). A model is derived data (it is fitted
again from the corrections): a file that does not parse reads as no model, and is moved aside
(its bytes kept, never overwritten) before the next write. Storage only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotations.store.atomic import dumps
from annotations.store.own_file import read_own_file, write_own_file
from annotations.store.paths import safe_filename

LEARNED_DIR = "learned"
SCHEMA_VERSION = 1



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
    data = read_own_file(model_path(folder, annotator))
    if data is None:
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
    return write_own_file(path, payload, SCHEMA_VERSION, lambda data: _stored(data) is not None)


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
