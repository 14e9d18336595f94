"""Each annotator's document statuses: ``status/<safe annotator>.json``, one file per annotator.

A file is written only by its annotator's own (writable) process, so it needs no lock: every
write replaces it atomically (``atomic_write_bytes``). The file::

    {"schema": 1, "annotator": "ana",
     "documents": {"<doc id>": {"status": "done", "at": "2026-...+00:00"}, ...}}

Only explicit statuses are stored (``done``, ``in-progress``, ``not-started``); the derived
"in progress" (an edited layer without a status) is the domain's rule (``annotations.team``).
A document entry may also hold the annotator's comment on the document (``"comment"``: why it
is off-topic, a paywall cut, a question for the team); an entry with a comment and no status
is the comment alone.
A file that does not parse is never overwritten: its owner moves it aside
(``<name>.damaged-<time>``) before writing again; any other reader reports it and reads no
statuses from it. Storage only.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotations.errors import DamagedFileError, ProjectError
from annotations.store.atomic import TEMP_SUFFIX, atomic_write_bytes, dumps, move_aside
from annotations.store.paths import safe_filename

STATUS_DIR = "status"
SCHEMA_VERSION = 1
NOT_STARTED = "not-started"
IN_PROGRESS = "in-progress"
DONE = "done"
STORED_STATUSES: tuple[str, ...] = (NOT_STARTED, IN_PROGRESS, DONE)
"""The statuses an annotator can set on a document (``annotations.team`` derives "in
progress" for an edited layer without one)."""


@dataclass(frozen=True, slots=True)
class StoredStatus:
    """An explicit status an annotator set on a document, and when."""

    status: str
    at: str = ""


def status_path(folder: str | os.PathLike[str], annotator: str) -> Path:
    """Where ``annotator``'s statuses live."""
    return Path(folder) / STATUS_DIR / f"{safe_filename(annotator)}.json"


def read_statuses(
    folder: str | os.PathLike[str], annotator: str, *, move_aside_damaged: bool = False
) -> dict[str, StoredStatus]:
    """``annotator``'s explicit statuses (empty when none were set).

    A damaged file raises ``DamagedFileError``; with ``move_aside_damaged`` (its owner's
    writable process) it is moved aside first, so the next read starts from none.
    """
    path = status_path(folder, annotator)
    data = _load(path, move_aside_damaged=move_aside_damaged)
    if data is None:
        return {}
    return _statuses(data)


def read_statuses_or_none(
    folder: str | os.PathLike[str], annotator: str, *, move_aside_damaged: bool = False
) -> tuple[dict[str, StoredStatus], str | None]:
    """``read_statuses``, a damaged file read as no statuses: (statuses, the damage message or
    ``None``), for a reader that goes on and says the damage itself."""
    try:
        return read_statuses(folder, annotator, move_aside_damaged=move_aside_damaged), None
    except DamagedFileError as exc:
        return {}, exc.message


def write_status(
    folder: str | os.PathLike[str], annotator: str, doc_id: str, status: str | None, at: str
) -> tuple[dict[str, StoredStatus], str | None]:
    """Set (``None``: clear) ``annotator``'s status of ``doc_id``.

    Returns all of the annotator's statuses and, when the file was found damaged, the message
    saying it was moved aside (its bytes kept) and the statuses started again from this one.
    Only the annotator's own process calls this.
    """
    if status is not None and status not in STORED_STATUSES:
        raise ValueError(f"not a stored status: {status!r}")

    def change(entry: dict[str, Any]) -> None:
        if status is None:
            entry.pop("status", None)
            entry.pop("at", None)
        else:
            entry.update(status=status, at=at)

    documents, warning = _rewrite(folder, annotator, doc_id, change)
    return _statuses({"documents": documents}), warning


def read_comments(folder: str | os.PathLike[str], annotator: str) -> dict[str, str]:
    """``annotator``'s comments on documents, by document id (a damaged file raises
    ``DamagedFileError``, as ``read_statuses``)."""
    data = _load(status_path(folder, annotator), move_aside_damaged=False)
    if data is None:
        return {}
    return {d: e["comment"] for d, e in data["documents"].items()
            if isinstance(e.get("comment"), str) and e["comment"]}


def write_comment(
    folder: str | os.PathLike[str], annotator: str, doc_id: str, comment: str
) -> str | None:
    """Set (``""``: clear) ``annotator``'s comment on ``doc_id``; returns the damage message
    when the file was found damaged and started again. Only the annotator's own process."""

    def change(entry: dict[str, Any]) -> None:
        if comment:
            entry["comment"] = comment
        else:
            entry.pop("comment", None)

    return _rewrite(folder, annotator, doc_id, change)[1]


def _rewrite(
    folder: str | os.PathLike[str], annotator: str, doc_id: str,
    change: Callable[[dict[str, Any]], None],
) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Read the file, ``change`` the entry of ``doc_id`` (an entry left empty goes), write it
    atomically; returns every entry and the damage message, if any."""
    path = status_path(folder, annotator)
    warning = None
    try:
        data = _load(path, move_aside_damaged=True)
    except DamagedFileError as exc:
        data, warning = None, f"{exc.message}; statuses start again"
    documents: dict[str, dict[str, Any]] = {
        d: dict(e) for d, e in (data["documents"].items() if data is not None else ())
    }
    entry = documents.setdefault(doc_id, {})
    change(entry)
    if not entry:
        del documents[doc_id]
    payload = dumps({"schema": SCHEMA_VERSION, "annotator": annotator, "documents": documents})
    path.parent.mkdir(exist_ok=True)
    own_temp = re.compile(re.escape(f".{path.name}.") + r"\d+" + re.escape(TEMP_SUFFIX))
    for orphan in path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"):
        # a temp file of this annotator's own file: left by a killed writer (only this
        # annotator's one writable process writes it); other annotators' files are not touched
        if own_temp.fullmatch(orphan.name):
            with contextlib.suppress(OSError):
                orphan.unlink()
    atomic_write_bytes(path, payload)
    return documents, warning


def status_files(folder: str | os.PathLike[str]) -> Iterator[tuple[str, Path]]:
    """``(annotator, path)`` for every status file (the name read from inside the file, which
    the safe file name may not spell; a file that does not say is named by its stem)."""
    root = Path(folder) / STATUS_DIR
    try:
        entries = sorted(root.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return
    for path in entries:
        if path.suffix != ".json" or path.name.startswith(".") or TEMP_SUFFIX in path.name:
            continue
        name = path.stem
        try:
            data = orjson.loads(path.read_bytes())
            if isinstance(data, dict) and isinstance(data.get("annotator"), str):
                name = data["annotator"] or name
        except (OSError, orjson.JSONDecodeError):
            pass
        yield name, path


def _load(path: Path, *, move_aside_damaged: bool) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ProjectError(
            f"cannot read {STATUS_DIR}/{path.name}: {exc.strerror or exc}; fix its permissions"
        ) from None
    problem = None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        data, problem = None, "did not parse"
    if problem is None:
        problem = _shape_problem(data)
    if problem is None:
        if data["schema"] > SCHEMA_VERSION:
            raise ProjectError(
                f"{STATUS_DIR}/{path.name} was written by a newer saywho "
                f"(schema {data['schema']}); upgrade saywho"
            )
        return data
    if move_aside_damaged:
        aside = move_aside(path)
        raise DamagedFileError(
            f"{STATUS_DIR}/{path.name} {problem}; moved aside to {aside.name}, its bytes kept"
        )
    raise DamagedFileError(f"{STATUS_DIR}/{path.name} {problem}; its statuses are not read")


def _shape_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "has the wrong shape (the top level is not an object)"
    if type(data.get("schema")) is not int or data["schema"] < 1:
        return "has the wrong shape (no schema version)"
    docs = data.get("documents")
    if not isinstance(docs, dict):
        return "has the wrong shape ('documents' is not an object)"
    for doc, entry in docs.items():
        known = isinstance(entry, dict) and (
            entry.get("status") in STORED_STATUSES
            or ("status" not in entry and isinstance(entry.get("comment"), str))
        )
        if not known:
            return f"has the wrong shape (document {str(doc)[:60]!r} has no known status)"
    return None


def _statuses(data: Mapping[str, Any]) -> dict[str, StoredStatus]:
    return {
        doc: StoredStatus(entry["status"], entry.get("at") if isinstance(entry.get("at"), str)
                          else "")
        for doc, entry in data["documents"].items()
        if entry.get("status") in STORED_STATUSES
    }
