"""Who codes which document: ``assignments.json`` at the project root, shared by the team.

Every annotator's process may write it, so every change is a read-modify-write under a short
exclusive ``flock`` on ``assignments.json.lock``: the file is read again once the lock is held
(never from a copy read earlier), the change is computed from what is on disk, and the result is
written atomically (``atomic_write_bytes``: temp file, fsync, ``os.replace``). Two processes
assigning at once therefore both land, one after the other; no update is lost.

The file::

    {"schema": 1,
     "assignments": {"<doc id>": ["ana", "ben"], ...},
     "runs": [{"ts": ..., "by": ..., "mode": ..., "seed": ..., "added": n}, ...]}

A file that does not parse (or has the wrong shape) is never overwritten: under the lock it is
moved aside to ``assignments.json.damaged-<time>`` with its bytes kept, and the call raises a
``DamagedFileError`` with one line saying so; the next call starts from an empty assignment. A
file from a newer saywho is refused and left alone. Storage only: the plan comes from
``annotations.team``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import orjson

from annotations.errors import DamagedFileError, ProjectError
from annotations.model import now_iso
from annotations.store.atomic import atomic_write_bytes, dumps, move_aside
from annotations.store.lock import short_lock

ASSIGNMENTS_NAME = "assignments.json"
LOCK_SUFFIX = ".lock"
SCHEMA_VERSION = 1
LOCK_TIMEOUT_S = 10.0
MAX_RUNS = 200  # the run log keeps the newest entries only

Assignment = dict[str, tuple[str, ...]]
"""Document id -> the annotators assigned to it (in the order they were assigned)."""

T = TypeVar("T")


class AssignmentsFile:
    """The assignments of the project in ``folder``."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / ASSIGNMENTS_NAME
        self.lock_path = self.folder / (ASSIGNMENTS_NAME + LOCK_SUFFIX)

    # ----------------------------------------------------------------- reading
    def read(self, *, move_aside: bool = True) -> Assignment:
        """The stored assignment (empty when there is no file yet).

        A damaged file raises ``DamagedFileError``, after it was moved aside under the lock
        (left as it is with ``move_aside=False``: a read-only session).
        """
        return assignment_of(self.read_data(move_aside=move_aside))

    def read_data(self, *, move_aside: bool = True) -> dict[str, Any]:
        """The whole stored object (``schema``, ``assignments``, ``runs``)."""
        try:
            return self._load()
        except _Damaged:
            if not move_aside:
                raise DamagedFileError(
                    f"{ASSIGNMENTS_NAME} did not parse; left as it is (read-only)"
                ) from None
        # damaged as read without the lock: look again under it before touching anything, so a
        # file another process has just written whole is never moved aside
        with self._locked():
            return self._load_or_move_aside()

    def _load(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return empty_data()
        except OSError as exc:
            raise ProjectError(
                f"cannot read {ASSIGNMENTS_NAME}: {exc.strerror or exc}; fix its permissions"
            ) from None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise _Damaged(f"did not parse ({_first_line(exc)})") from None
        problem = shape_problem(data)
        if problem:
            raise _Damaged(f"has the wrong shape ({problem})")
        if data["schema"] > SCHEMA_VERSION:
            raise ProjectError(
                f"{ASSIGNMENTS_NAME} was written by a newer saywho (schema {data['schema']}); "
                "upgrade saywho"
            )
        return data

    def _load_or_move_aside(self) -> dict[str, Any]:
        """Under the lock: the stored object; a damaged file is moved aside and reported."""
        try:
            return self._load()
        except _Damaged as exc:
            aside = move_aside(self.path)
            raise DamagedFileError(
                f"{ASSIGNMENTS_NAME} {exc}; moved aside to {aside.name}, its bytes kept; "
                "assignments start again from none"
            ) from None

    # ----------------------------------------------------------------- writing
    def update(self, change: Callable[[Assignment], tuple[Assignment, T]],
               run: Mapping[str, Any] | None = None) -> T:
        """Read-modify-write under the lock: ``change(current)`` returns the new assignment and
        a result, which is returned once the new assignment is on disk. ``run`` (what was done:
        mode, seed, ...) is added to the run log with the time."""
        with self._locked():
            data = self._load_or_move_aside()
            new, result = change(assignment_of(data))
            runs = list(data.get("runs") or [])
            if run is not None:
                runs.append({"ts": now_iso(), **run})
            payload = dumps(
                {
                    "schema": SCHEMA_VERSION,
                    "assignments": {doc: list(names) for doc, names in new.items()},
                    "runs": runs[-MAX_RUNS:],
                }
            )
            atomic_write_bytes(self.path, payload)
            return result

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """A short exclusive lock on the lock file (waits up to ``LOCK_TIMEOUT_S``)."""
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(short_lock(self.lock_path, timeout=LOCK_TIMEOUT_S))
            except TimeoutError:
                raise ProjectError(
                    f"{ASSIGNMENTS_NAME} is being written by another process for more than "
                    f"{LOCK_TIMEOUT_S:.0f} s; try again"
                ) from None
            yield


class _Damaged(Exception):
    """The file is there but cannot be used (the message says why)."""


def empty_data() -> dict[str, Any]:
    """The stored object of a project without assignments."""
    return {"schema": SCHEMA_VERSION, "assignments": {}, "runs": []}


def shape_problem(data: Any) -> str | None:
    """What keeps ``data`` from being an assignments object, or ``None``."""
    if not isinstance(data, dict):
        return "the top level is not an object"
    schema = data.get("schema")
    if type(schema) is not int or schema < 1:
        return "no schema version"
    assignments = data.get("assignments")
    if not isinstance(assignments, dict):
        return "'assignments' is not an object"
    for doc, names in assignments.items():
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            return f"document {str(doc)[:60]!r} is not given a list of names"
    if not isinstance(data.get("runs", []), list):
        return "'runs' is not a list"
    return None


def assignment_of(data: Mapping[str, Any]) -> Assignment:
    """The assignment in a stored object (duplicate names dropped, order kept)."""
    return {
        doc: tuple(dict.fromkeys(names)) for doc, names in data.get("assignments", {}).items()
    }


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:120] if text else type(exc).__name__
