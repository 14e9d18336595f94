"""Schema versions and the ordered migrations that bring old project files up to date.

Every file the store writes carries ``schema_version``. Opening an older file runs each
migration from its version to ``SCHEMA_VERSION`` in order, after copying the file to
``<name>.v<old>.bak`` so nothing is lost if a migration is wrong.

Version 2 is the layout of issue 10 (a file per document and layer, a journal per annotator):
its records are those of version 1, so the per-file step 1 -> 2 changes nothing inside a file;
moving a version-1 project to the new layout is ``layout.migrate_layout``'s job (with a backup
of every old file under ``backup/``).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2
LAYOUT_VERSION = 2
"""The first schema version whose project uses the per-layer, per-annotator layout."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _doc_v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v0 (pre-release) kept one layer per file under a top-level "quotes"/"speakers" table."""
    quotes = data.pop("quotes", {})
    speakers = data.pop("speakers", {})
    layers = data.setdefault("layers", {})
    if quotes or speakers:
        layers["1"] = {
            "layer": "suggestions",
            "quotes": {str(q["id"]): q for q in quotes.values()},
            "speakers": {str(s["id"]): s for s in speakers.values()},
        }
    return data


def _project_v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v0 had no settings table; add one with defaults."""
    data.setdefault("settings", {})
    return data


def _same(data: dict[str, Any]) -> dict[str, Any]:
    """v1 -> v2: the records did not change (the layout did: see ``layout``)."""
    return data


DOCUMENT_MIGRATIONS: dict[int, Migration] = {0: _doc_v0_to_v1, 1: _same}
PROJECT_MIGRATIONS: dict[int, Migration] = {0: _project_v0_to_v1, 1: _same}
LAYER_MIGRATIONS: dict[int, Migration] = {0: _same, 1: _same}


def file_version(data: dict[str, Any]) -> int:
    """The schema version a TinyDB file's ``_meta`` table records (0 when absent)."""
    meta = data.get("_meta") or {}
    for record in meta.values():
        return int(record.get("schema_version", 0))
    return 0


def migrate_in_memory(data: dict[str, Any], migrations: dict[int, Migration]) -> dict[str, Any]:
    """``data`` brought to ``SCHEMA_VERSION`` without touching any file (read-only opens)."""
    data = copy.deepcopy(data)
    version = file_version(data)
    while version < SCHEMA_VERSION:
        data = migrations[version](data)
        version += 1
    return data


def migrate(
    path: Path, data: dict[str, Any], migrations: dict[int, Migration]
) -> tuple[dict[str, Any], bool]:
    """Bring ``data`` (read from ``path``) to ``SCHEMA_VERSION``; back the file up first.

    Returns the migrated data and whether anything changed. A file from a newer saywho is left
    alone and refused by the caller.
    """
    version = file_version(data)
    if version >= SCHEMA_VERSION:
        return data, False
    shutil.copy2(path, path.with_name(f"{path.name}.v{version}.bak"))
    while version < SCHEMA_VERSION:
        data = migrations[version](data)
        version += 1
    meta = data.setdefault("_meta", {})
    record = next(iter(meta.values()), {}) if meta else {}
    record["schema_version"] = SCHEMA_VERSION
    data["_meta"] = {"1": record}
    return data, True
