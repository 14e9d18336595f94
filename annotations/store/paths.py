"""File names: document ids made safe (hostile ids like ``../../x``, ``con`` or NUL never leave
the project), and where a damaged file goes."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

PROJECT_FILE = "saywho.json"
PROJECT_BACKUP = "saywho.json.bak"
TEXTS_DIR = "texts"
ANNOTATIONS_DIR = "annotations"

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def safe_filename(doc_id: str) -> str:
    """A file-name stem for ``doc_id``: the id itself when harmless, else a slug plus a hash.

    The result matches ``[A-Za-z0-9][A-Za-z0-9._-]*``, never ends in a dot, is never a Windows
    device name, and differs for different ids.
    """
    stem = doc_id.split(".")[0].lower()
    if _SAFE.fullmatch(doc_id) and not doc_id.endswith(".") and stem not in _RESERVED:
        return doc_id
    slug = re.sub(r"[^A-Za-z0-9]+", "-", doc_id).strip("-")[:48] or "doc"
    digest = hashlib.sha1(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{slug}-{digest}"


def damaged_path(path: Path) -> Path:
    """Where a damaged ``path`` is kept: ``<name>.damaged-<time>`` beside it, never over a
    file that is already there."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
        n += 1
    return aside
