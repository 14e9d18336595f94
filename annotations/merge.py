"""Bring another copy of a project in: its documents, layers, statuses, journal entries and
assignments (``saywho merge OTHER``), for a team that shares a project through git or a synced
folder instead of a server.

Each layer is its own file and each annotator has their own journal, so two annotators' work
never touches the same file; a merge is a union, decided file by file:

- **documents**: a document only in OTHER comes in (its text, its row, its suggestions) through
  the store's import (``Project.add_documents``); a document in both must have the same text
  (sha256), else that document is refused, with everything of it in OTHER.
- **layers** (``annotations/<doc>/<layer>.json``): a layer only in OTHER arrives; equal records
  on both sides: nothing to do. Different: the journals decide. The ids of the journal entries
  that touched that document and layer on each side: ours a proper subset of theirs is a
  fast-forward (theirs is taken, once our layer is checked to become theirs by their newer
  entries: nothing of ours is lost), theirs a proper subset of ours keeps ours (checked the
  same way round), anything else (both changed, a layer holding what no journal tells of, or no
  journal tells) is a conflict: refused, never overwritten.
- **journal entries**: each annotator's journal gains, in OTHER's order, the entries of OTHER it
  lacks (by id), so undo history travels with the layers; entries of a refused document or
  layer stay out.
- **statuses** (``status/<annotator>.json``): per document, the change with the later ``at``
  wins; the same ``at`` with another status is a conflict (ours kept).
- **assignments**: union; a document assigned on both sides to different annotators keeps ours
  and is reported as a conflict.

OTHER is only read: it is opened read-only through the store and its files are read, never
written. An OTHER of the old layout is refused (open it once with saywho to bring it up to date):
converting it in memory is possible but a refusal is simpler and as safe. Everything of an
annotator (their layer, their journal, their status file) is written only while holding that
annotator's session lock: the session's own annotator when the session is writable, anyone
else by opening the project as them for the merge; an annotator whose lock a live process holds
is refused. Layer files are written through ``atomic_write_bytes`` under the store's lock on the
document's folder, after checking the file still holds what the merge decided on, and recorded
in the corpus index under that lock as every layer write of the store is. Layers are
written before journal lines, so a merge stopped half-way is completed by merging again (a
layer already taken is then equal, and only its journal lines are still missing).

After a merge that wrote into the session's own annotator's files, close the session and open it
again: its undo stacks and layer cache do not know about the merged files. Storage and rules
only: no Textual, no printing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from annotations.display import visible_line
from annotations.edits import LayerChange
from annotations.errors import DamagedFileError, InputError, ProjectError, SaywhoError
from annotations.metadata import Meta, merged_meta
from annotations.model import SUGGESTIONS_LAYER, Document, Layer, Quote, Speaker
from annotations.session import Session
from annotations.store import Project, layout
from annotations.store.assignments import AssignmentsFile
from annotations.store.atomic import FileIdentity, atomic_write_bytes, fsync_dir
from annotations.store.documents import DocumentInfo
from annotations.store.journal import Journal, journal_path, journal_paths
from annotations.store.layers import document_folder, layer_file
from annotations.store.lock import lock_held, lock_path
from annotations.store.migrations import SCHEMA_VERSION, file_version
from annotations.store.statuses import read_statuses, status_files, write_status

PROJECT_FILE = "saywho.json"
READER = "saywho-merge"
"""The annotator name OTHER is opened read-only as (no lock is taken, nothing is written)."""

Scope = tuple[str, str]  # (document id, layer name)


# --------------------------------------------------------------------------- the report
@dataclass(frozen=True, slots=True)
class MergeItem:
    """One thing a merge did (or would do, or refused).

    ``kind``: document, layer, journal, status, assignment or project. ``action``: what
    happened (added, arrived, fast-forward, kept-ours, appended, taken, metadata, target,
    conflict, refused).
    """

    kind: str
    action: str
    message: str
    doc: str = ""
    layer: str = ""
    annotator: str = ""
    count: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (empty fields left out)."""
        data: dict[str, Any] = {"kind": self.kind, "action": self.action}
        for key in ("doc", "layer", "annotator"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.count:
            data["count"] = self.count
        data["message"] = self.message
        return data


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What ``merge`` did: the items merged and the conflicts refused (ours untouched there)."""

    other: str
    dry_run: bool
    merged: tuple[MergeItem, ...] = ()
    conflicts: tuple[MergeItem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing was refused."""
        return not self.conflicts

    def conflict_lines(self) -> list[str]:
        """One terminal-safe line per conflict."""
        return [visible_line(c.message) for c in self.conflicts]

    def merged_lines(self) -> list[str]:
        """One terminal-safe line per merged item."""
        return [visible_line(m.message) for m in self.merged]

    def counts(self) -> dict[str, int]:
        """How many items of each action."""
        counts: dict[str, int] = {}
        for item in (*self.merged, *self.conflicts):
            counts[item.action] = counts.get(item.action, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The summary object ``saywho merge --json`` prints."""
        return {
            "other": self.other,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "counts": self.counts(),
            "merged": [m.to_dict() for m in self.merged],
            "conflicts": [c.to_dict() for c in self.conflicts],
        }


# --------------------------------------------------------------------------- reading a side
@dataclass(slots=True)
class _LayerFile:
    """One layer file as read: its bytes, its layer name and its records."""

    path: Path
    raw: bytes
    name: str
    quotes: dict[str, Quote]
    speakers: dict[str, Speaker]
    version: int

    def same_records(self, other: _LayerFile) -> bool:
        return self.quotes == other.quotes and self.speakers == other.speakers


def _read_layer(path: Path) -> _LayerFile | None:
    """The layer file at ``path``; None when there is none; ``ValueError`` when it cannot be
    read as a layer file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(exc.strerror or str(exc)) from None
    try:
        data = orjson.loads(raw)
        rows = list((data.get("layers") or {}).values())
        row = rows[0]
        name = row["layer"]
        if not isinstance(name, str) or layer_file(name) != path.name:
            raise ValueError("it does not hold the layer its name says")
        quotes = {k: Quote.from_dict(v) for k, v in (row.get("quotes") or {}).items()}
        speakers = {k: Speaker.from_dict(v) for k, v in (row.get("speakers") or {}).items()}
        version = file_version(data)
    except (orjson.JSONDecodeError, AttributeError, IndexError, KeyError, TypeError,
            ValueError, SaywhoError) as exc:
        raise ValueError(str(exc).splitlines()[0][:120] if str(exc) else "bad shape") from None
    return _LayerFile(path, raw, name, quotes, speakers, version)


def _layer_files(folder: Path) -> Iterator[Path]:
    try:
        names = sorted(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        if name.endswith(".json") and not name.startswith("."):
            yield folder / name


@dataclass(slots=True)
class _Journals:
    """Every journal of one side: per journal file, its annotator and its entries in order."""

    entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # file name -> ...
    annotator: dict[str, str] = field(default_factory=dict)  # file name -> annotator
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    scopes: dict[Scope, set[str]] = field(default_factory=dict)  # scope -> entry ids
    voided: set[str] = field(default_factory=set)
    position: dict[str, int] = field(default_factory=dict)  # id -> place in its journal

    @classmethod
    def read(cls, folder: Path) -> _Journals:
        side = cls()
        for path in journal_paths(folder):
            entries = [e for e in Journal(path).entries() if isinstance(e.get("id"), str)]
            side.entries[path.name] = entries
            stem = path.name[: -len(".jsonl")]
            who = next(
                (e["annotator"] for e in entries
                 if isinstance(e.get("annotator"), str) and e["annotator"]
                 and journal_path(folder, e["annotator"]).name == path.name),
                stem,
            )
            side.annotator[path.name] = who
            for n, entry in enumerate(entries):
                side.by_id.setdefault(entry["id"], entry)
                side.position.setdefault(entry["id"], n)
                if entry.get("op") == "void" and isinstance(entry.get("ref"), str):
                    side.voided.add(entry["ref"])
        for entry in side.by_id.values():
            scope = side.scope(entry)
            if scope is not None:
                side.scopes.setdefault(scope, set()).add(entry["id"])
        return side

    def scope(self, entry: Mapping[str, Any]) -> Scope | None:
        """The document and layer an entry touched (a void or skip: its referenced entry's)."""
        for source in (entry, entry.get("data")):
            if isinstance(source, Mapping):
                doc, layer = source.get("doc"), source.get("layer")
                if isinstance(doc, str) and isinstance(layer, str):
                    return doc, layer
        ref = self.by_id.get(entry.get("ref")) if isinstance(entry.get("ref"), str) else None
        if ref is not None and ref is not entry:
            for source in (ref, ref.get("data")):
                if isinstance(source, Mapping):
                    doc, layer = source.get("doc"), source.get("layer")
                    if isinstance(doc, str) and isinstance(layer, str):
                        return doc, layer
        return None

    def ids(self, file: str) -> set[str]:
        return {e["id"] for e in self.entries.get(file, ())}


# --------------------------------------------------------------------------- the plan
@dataclass(slots=True)
class _LayerPlan:
    doc: str
    name: str
    action: str  # arrived | fast-forward | kept-ours | identical | with-document | conflict
    theirs: _LayerFile | None
    ours_raw: bytes | None
    message: str = ""
    owners: set[str] = field(default_factory=set)


class _Merge:
    def __init__(self, session: Session, other: Path, dry_run: bool) -> None:
        self.session = session
        self.ours = session.folder
        self.other = other
        self.dry_run = dry_run
        self.merged: list[MergeItem] = []
        self.conflicts: list[MergeItem] = []
        self.refused_docs: set[str] = set()
        self.added_docs: dict[str, tuple[Document, Layer]] = {}
        # id -> (the pairs OTHER adds, their keys): merged with our row as it is when written
        self.meta_added: dict[str, tuple[Meta, list[str]]] = {}
        self.targets_added: dict[str, str] = {}  # id -> OTHER's own stance target
        self.layers: dict[Scope, _LayerPlan] = {}
        self.refused_scopes: set[Scope] = set()
        self.refused_annotators: dict[str, str] = {}
        self.writers: dict[str, Project] = {}

    def conflict(self, kind: str, message: str, **where: Any) -> None:
        self.conflicts.append(MergeItem(kind, "conflict", message, **where))

    def done(self, kind: str, action: str, message: str, **where: Any) -> None:
        self.merged.append(MergeItem(kind, action, message, **where))

    # ----------------------------------------------------------------- documents
    def plan_documents(self, theirs: Project) -> dict[str, DocumentInfo]:
        ours = {info.id: info for info in self.session.documents()}
        their_infos: dict[str, DocumentInfo] = {}
        for info in theirs.documents():
            their_infos[info.id] = info
            mine = ours.get(info.id)
            if mine is not None:
                if mine.sha256 != info.sha256:
                    self.refused_docs.add(info.id)
                    self.conflict(
                        "document",
                        f"document {info.id!r}: its text in OTHER differs from ours "
                        "(another sha256); nothing of it merged",
                        doc=info.id,
                    )
                else:
                    self.plan_meta(mine, info)
                    self.plan_target(mine, info)
                continue
            try:
                doc = theirs.document(info.id)
                suggestions = theirs.layer(info.id, SUGGESTIONS_LAYER)
                suggestions.check(doc.text)
            except SaywhoError as exc:
                self.refused_docs.add(info.id)
                self.conflict(
                    "document",
                    f"document {info.id!r} cannot be read in OTHER ({exc.message}); "
                    "not merged",
                    doc=info.id,
                )
                continue
            self.added_docs[info.id] = (doc, suggestions)
        return their_infos

    def plan_meta(self, mine: DocumentInfo, theirs: DocumentInfo) -> None:
        """The metadata OTHER has of a document both projects hold: keys ours lacks come in;
        a key both have with other values keeps ours, said (not a conflict: a merge run every
        night would fail for ever over it)."""
        ours = dict(mine.meta)
        added = [(k, v) for k, v in theirs.meta if k not in ours]
        for key, value in theirs.meta:  # said, not refused: nothing of it is lost or blocked
            if key in ours and ours[key] != value:
                self.done("document", "kept-ours", f"document {mine.id!r}: metadata {key!r} "
                          f"is {value!r} in OTHER, {ours[key]!r} here; ours kept", doc=mine.id)
        if not added:
            return
        _, problem = merged_meta(mine.meta, tuple(added))
        if problem:
            self.conflict("document", f"document {mine.id!r}: metadata from OTHER not added: "
                          f"{problem}", doc=mine.id)
            return
        self.meta_added[mine.id] = (tuple(added), [k for k, _ in added])

    def plan_target(self, mine: DocumentInfo, theirs: DocumentInfo) -> None:
        """OTHER's own stance target of a document both hold comes in where ours has none
        (its journal's step comes too: the history and undo then tell of a target that is
        there); two different ones keep ours, said, as metadata does."""
        if not theirs.target or theirs.target == mine.target:
            return
        if mine.target:
            self.done("document", "kept-ours", f"document {mine.id!r}: stance target is "
                      f"{theirs.target!r} in OTHER, {mine.target!r} here; ours kept",
                      doc=mine.id)
            return
        self.targets_added[mine.id] = theirs.target

    # ----------------------------------------------------------------- layers
    def plan_layers(
        self, their_infos: Mapping[str, DocumentInfo], mine: _Journals, theirs: _Journals
    ) -> None:
        ours_infos = {info.id: info for info in self.session.documents()}
        for doc_id, info in their_infos.items():
            if doc_id in self.refused_docs:
                continue
            their_folder = document_folder(self.other, info)
            ours_info = ours_infos.get(doc_id)
            for path in _layer_files(their_folder):
                try:
                    their_layer = _read_layer(path)
                except ValueError as exc:
                    self.conflict(
                        "layer",
                        f"document {doc_id!r}, layer file {path.name}: cannot be read in OTHER "
                        f"({exc}); not merged",
                        doc=doc_id,
                    )
                    continue
                if their_layer is None:
                    continue
                self._plan_layer(doc_id, ours_info, their_layer, mine, theirs)
        # journal entries of a layer OTHER has no file for: nothing to bring them in with
        for scope, ids in theirs.scopes.items():
            doc_id, name = scope
            if scope in self.layers or doc_id in self.refused_docs:
                continue
            missing = ids - mine.scopes.get(scope, set())
            if missing and doc_id in their_infos:
                self.refused_scopes.add(scope)
                self.conflict(
                    "layer",
                    f"document {doc_id!r}, layer {name!r}: OTHER's journal has {len(missing)} "
                    "entries for it but OTHER has no such layer file; those entries not merged",
                    doc=doc_id, layer=name,
                )

    def _plan_layer(
        self,
        doc_id: str,
        ours_info: DocumentInfo | None,
        theirs_layer: _LayerFile,
        mine: _Journals,
        theirs: _Journals,
    ) -> None:
        name = theirs_layer.name
        scope = (doc_id, name)
        where = {"doc": doc_id, "layer": name}
        label = f"document {doc_id!r}, layer {name!r}"
        our_ids = mine.scopes.get(scope, set())
        their_ids = theirs.scopes.get(scope, set())
        missing = their_ids - our_ids
        owners = {
            theirs.by_id[i].get("annotator") for i in missing
            if isinstance(theirs.by_id[i].get("annotator"), str)
        }
        plan = _LayerPlan(doc_id, name, "", theirs_layer, None, owners={*owners})
        self.layers[scope] = plan

        def refuse(message: str) -> None:
            plan.action = "conflict"
            self.refused_scopes.add(scope)
            self.conflict("layer", f"{label}: {message}; ours kept, OTHER's not merged", **where)

        if theirs_layer.version != SCHEMA_VERSION:
            refuse(f"OTHER's file is of schema {theirs_layer.version} (open OTHER once with "
                   "this saywho to bring it up to date)")
            return
        if ours_info is None:  # a new document
            plan.action = "with-document" if name == SUGGESTIONS_LAYER else "arrived"
            plan.message = f"{label}: arrives with the document"
            return
        path = document_folder(self.ours, ours_info) / layer_file(name)
        try:
            ours_layer = _read_layer(path)
        except ValueError as exc:
            refuse(f"our file cannot be read ({exc}); open the project with saywho to set it "
                   "aside")
            return
        if ours_layer is None:
            if our_ids - their_ids:
                refuse("our journal has edits OTHER lacks but we have no layer file")
                return
            plan.action = "arrived"
            plan.message = f"{label}: arrives (only in OTHER)"
            return
        plan.ours_raw = ours_layer.raw
        if ours_layer.same_records(theirs_layer):
            plan.action = "identical"
            return
        if our_ids < their_ids:
            newer = sorted(
                missing, key=lambda i: (str(theirs.by_id[i].get("ts", "")), theirs.position[i])
            )
            problem = _replay_problem(ours_layer, [theirs.by_id[i] for i in newer],
                                      theirs.voided, theirs_layer)
            if problem:
                refuse(f"changed on both sides ({problem})")
                return
            plan.action = "fast-forward"
            plan.message = (f"{label}: fast-forward to OTHER's ({len(missing)} journal entries "
                            "newer than ours)")
            return
        if their_ids < our_ids:
            # OTHER's layer must become ours by our entries it lacks: a copy whose journal was
            # lost or cut holds edits no journal tells of, and keeping ours would drop them
            ahead = sorted(our_ids - their_ids,
                           key=lambda i: (str(mine.by_id[i].get("ts", "")), mine.position[i]))
            problem = _replay_problem(theirs_layer, [mine.by_id[i] for i in ahead],
                                      mine.voided, ours_layer, behind_name="OTHER's",
                                      ahead_name="our")
            if problem:
                refuse(f"changed on both sides ({problem})")
                return
            plan.action = "kept-ours"
            plan.message = f"{label}: ours is newer (it holds every OTHER edit); kept"
            return
        if our_ids == their_ids:
            refuse("differs on both sides and no journal tells which is newer")
        else:
            refuse("changed on both sides")

    # ----------------------------------------------------------------- statuses
    def plan_statuses(self) -> list[tuple[str, str, str, str]]:
        """(annotator, doc, status, at) to write."""
        writes: list[tuple[str, str, str, str]] = []
        for annotator, _path in status_files(self.other):
            try:
                theirs = read_statuses(self.other, annotator)
            except (DamagedFileError, ProjectError) as exc:
                self.conflict("status", f"statuses of {annotator!r} in OTHER: {exc.message}; "
                              "not merged", annotator=annotator)
                continue
            try:
                ours = read_statuses(self.ours, annotator)
            except (DamagedFileError, ProjectError) as exc:
                self.conflict("status", f"our statuses of {annotator!r}: {exc.message}; "
                              "OTHER's not merged", annotator=annotator)
                continue
            for doc_id, stored in theirs.items():
                if doc_id in self.refused_docs:
                    continue
                mine = ours.get(doc_id)
                if mine == stored:
                    continue
                where = {"doc": doc_id, "annotator": annotator}
                if mine is None or _later(stored.at, mine.at) is True:
                    writes.append((annotator, doc_id, stored.status, stored.at))
                elif _later(stored.at, mine.at) is None:
                    self.conflict(
                        "status",
                        f"status of {annotator!r} for document {doc_id!r}: {mine.status} here, "
                        f"{stored.status} in OTHER, and no later time tells; ours kept",
                        **where,
                    )
        return writes

    # ----------------------------------------------------------------- locks
    def take_locks(self, needed: Iterable[str]) -> None:
        """Hold the session lock of each annotator whose files the merge writes; refuse those
        another process holds."""
        for annotator in sorted(set(needed)):
            if annotator == self.session.annotator and not self.session.read_only:
                continue  # the session holds it
            if annotator == self.session.annotator and not self.dry_run:
                self.refused_annotators[annotator] = (
                    self.session.read_only_reason or "the project is open read-only"
                )
                continue
            if self.dry_run:
                if lock_held(lock_path(self.ours, annotator)):
                    self.refused_annotators[annotator] = (
                        f"another saywho has the project open as {annotator!r}"
                    )
                continue
            try:
                project = Project.open(self.ours, annotator, create=False)
            except (OSError, SaywhoError) as exc:
                what = exc.message if isinstance(exc, SaywhoError) else exc.strerror or str(exc)
                self.refused_annotators[annotator] = (
                    f"the project cannot be opened as {annotator!r} ({what})"
                )
                continue
            if project.read_only:
                self.refused_annotators[annotator] = (
                    project.read_only_reason or f"another saywho holds {annotator!r}"
                )
                project.close()
            else:
                self.writers[annotator] = project

    def release(self) -> None:
        for project in self.writers.values():
            with contextlib.suppress(OSError, SaywhoError):
                project.close()
        self.writers.clear()


def _later(a: str, b: str) -> bool | None:
    """True when time ``a`` is later than ``b``, False when earlier, None when it cannot be
    told (equal, or a time that does not read)."""
    try:
        ta, tb = datetime.fromisoformat(a), datetime.fromisoformat(b)
        if ta.tzinfo is None or tb.tzinfo is None:
            return None
    except (TypeError, ValueError):
        return None
    if ta == tb:
        return None
    return ta > tb


def _replay_problem(
    behind: _LayerFile, entries: list[dict[str, Any]], voided: set[str], ahead: _LayerFile,
    *, behind_name: str = "ours", ahead_name: str = "OTHER's",
) -> str | None:
    """Why the layer that is ``behind`` does not become the one ``ahead`` by the entries the
    one ahead has in its journal and it lacks (oldest first; None: it does). Each edit, undo
    or redo must find the records it changed as it found them, and sets them to what it left
    them; a layer replaced whole must
    have been the layer it replaced (its old records are in the entry, so nothing of them is
    lost; what follows it is the ahead side's own). Anything the behind layer holds that no
    journal entry accounts for (an import not journaled, a file edited by hand, a journal
    lost or cut) makes the two differ, and taking one over the other would lose it."""
    quotes, speakers = dict(behind.quotes), dict(behind.speakers)
    ops = ("edit", "undo", "redo", "replace-layer")
    changes = [e for e in entries if e.get("op") in ops and e["id"] not in voided]
    if not changes:
        return f"{ahead_name} newer journal entries change nothing"
    changed_outside = f"{behind_name} was changed outside the journal"
    try:
        for entry in changes:
            if entry.get("op") == "replace-layer":
                data = entry.get("data") or {}
                old_q = {k: Quote.from_dict(v) for k, v in (data.get("quotes") or {}).items()}
                old_s = {k: Speaker.from_dict(v)
                         for k, v in (data.get("speakers") or {}).items()}
                # replaced whole: what follows is the ahead side's own
                return None if (old_q, old_s) == (quotes, speakers) else changed_outside
            change = LayerChange.from_dict(entry["change"])
            if not (_holds(quotes, change.quotes_before)
                    and _holds(speakers, change.speakers_before)):
                return changed_outside  # the entry started from records the layer lacks
            _set_records(quotes, change.quotes_after)
            _set_records(speakers, change.speakers_after)
    except (AttributeError, KeyError, TypeError, ValueError, SaywhoError):
        return f"{ahead_name} journal entry cannot be read"
    if (quotes, speakers) != (ahead.quotes, ahead.speakers):
        return changed_outside
    return None


def _holds(table: Mapping[str, Any], before: Mapping[str, Any]) -> bool:
    """Whether ``table`` holds the records a change started from (None: none there)."""
    return all(table.get(key) == record for key, record in before.items())


def _set_records(table: dict[str, Any], after: Mapping[str, Any]) -> None:
    """Set ``table``'s records to what a change left them (None: removed)."""
    for key, record in after.items():
        if record is None:
            table.pop(key, None)
        else:
            table[key] = record


def _write_layer(
    path: Path, expected: bytes | None, payload: bytes,
    written: Callable[[FileIdentity], None] | None,
    lock: AbstractContextManager[None],
) -> bool:
    """Replace our layer file with OTHER's bytes, under the store's lock on the document's
    folder (``lock``: ``Project.exclusive``, which a thread holding it already passes
    through), only while it still holds
    ``expected`` (None: still absent). False when it changed meanwhile (nothing written).
    ``written`` gets the identity of the file written, still under the lock: the corpus
    index's entry is recorded as the store's own layer write records it
    (``LayerStore.on_write``), so two writes of one file reach the index in disk order."""
    created = not path.parent.is_dir()
    path.parent.mkdir(parents=True, exist_ok=True)
    if created:
        fsync_dir(path.parent.parent)
    with lock:
        try:
            now: bytes | None = path.read_bytes()
        except FileNotFoundError:
            now = None
        if now != expected:
            return False
        identity = atomic_write_bytes(path, payload)
        if written is not None:
            written(identity)
    return True


def _index_writer(session: Session, doc_id: str, theirs: _LayerFile) -> Callable[
    [FileIdentity], None
]:
    """What records a merged layer file in our corpus index (``SummaryIndex.record``, the
    store's write path), from the records the merge decided on."""
    layer = Layer(theirs.name, theirs.quotes, theirs.speakers)

    def written(identity: FileIdentity) -> None:
        session.read(lambda s: s.project.summary_index.record(doc_id, theirs.name, layer,
                                                              identity))

    return written


# --------------------------------------------------------------------------- the merge
def merge(session: Session, other: str | os.PathLike[str], *, dry_run: bool = False) -> MergeReport:
    """Bring the project copy in ``other`` into the session's project (see the module doc).

    ``dry_run``: decide everything, write nothing. ``InputError``/``ProjectError`` when OTHER
    cannot be merged at all (not a project, the old layout, our own folder, our project
    read-only for shared files).
    """
    other_path = Path(other).expanduser()
    if not (other_path / PROJECT_FILE).is_file():
        raise InputError(f"{other_path} is not a saywho project (no {PROJECT_FILE})")
    with contextlib.suppress(OSError):
        if other_path.resolve() == session.folder.resolve():
            raise InputError("OTHER is this project itself: nothing to merge")
    if layout.needs_migration(other_path):
        raise InputError(
            f"{other_path} is a project of the old layout; open it once with saywho "
            f"(saywho open --project {other_path}) to bring it up to date, then merge"
        )
    if session.shared_read_only and not dry_run:
        raise ProjectError(
            f"cannot merge into this project: {session.read_only_reason or 'it is read-only'}"
        )
    job = _Merge(session, other_path, dry_run)
    theirs = Project.open(other_path, READER, create=False, read_only=True)
    try:
        for message in theirs.damaged:
            job.conflict("project", f"OTHER: {message}")
        their_infos = job.plan_documents(theirs)
        mine_j = _Journals.read(session.folder)
        theirs_j = _Journals.read(other_path)
        job.plan_layers(their_infos, mine_j, theirs_j)
        status_writes = job.plan_statuses()
        appends = _plan_journal(mine_j, theirs_j)
        _run(job, _annotators(job, mine_j, theirs_j), theirs_j, appends, status_writes)
    finally:
        theirs.close()
        job.release()
    return MergeReport(str(other_path), dry_run, tuple(job.merged), tuple(job.conflicts))


def _annotators(job: _Merge, mine: _Journals, theirs: _Journals) -> set[str]:
    names = {job.session.annotator, *mine.annotator.values(), *theirs.annotator.values()}
    for folder in (job.ours, job.other):
        names.update(name for name, _ in status_files(folder))
    return names


def _plan_journal(mine: _Journals, theirs: _Journals) -> dict[str, list[dict[str, Any]]]:
    """Per journal file: OTHER's entries our journal of that name lacks, in OTHER's order
    (before any refusal for a lock)."""
    appends: dict[str, list[dict[str, Any]]] = {}
    for file, entries in theirs.entries.items():
        have = mine.ids(file)
        wanted = [e for e in entries if e["id"] not in have]
        if wanted:
            appends[file] = wanted
    return appends


def _run(
    job: _Merge,
    annotators: set[str],
    theirs: _Journals,
    appends: dict[str, list[dict[str, Any]]],
    status_writes: list[tuple[str, str, str, str]],
) -> None:
    # who must be held for what: the owner of an annotator's layer, every annotator whose
    # journal lines travel with a layer (``owners``), every journal and status file written
    writes = [p for p in job.layers.values() if p.action in ("arrived", "fast-forward")]
    for plan in writes:
        if plan.name in annotators:
            plan.owners.add(plan.name)
    needed = {o for p in writes for o in p.owners}
    needed |= {theirs.annotator[f] for f in appends}
    needed |= {w[0] for w in status_writes}
    job.take_locks(needed)
    refused = job.refused_annotators

    # documents only in OTHER
    new_docs = list(job.added_docs.values())
    if new_docs:
        if job.dry_run:
            for doc, _ in new_docs:
                job.done("document", "added", f"document {doc.id!r}: comes in (text, list "
                         "entry, suggestions)", doc=doc.id)
        else:
            report = job.session.read(lambda s: s.project.add_documents(new_docs))
            for doc_id in report.added + report.unchanged:
                job.done("document", "added", f"document {doc_id!r}: brought in (text, list "
                         "entry, suggestions)", doc=doc_id)
            for doc_id, message in report.failed:
                job.refused_docs.add(doc_id)
                job.conflict("document", f"document {doc_id!r}: {message}", doc=doc_id)

    # metadata OTHER has of documents both hold
    problems: dict[str, str] = {}
    if job.meta_added and not job.dry_run:
        additions = {doc_id: pairs for doc_id, (pairs, _) in job.meta_added.items()}
        _, problems = job.session.read(lambda s: s.project.add_document_meta(additions))
    for doc_id, (_, keys) in job.meta_added.items():
        if doc_id in problems:  # a value set here since the plan: ours kept, said
            job.done("document", "kept-ours", f"document {doc_id!r}: metadata from OTHER "
                     f"not added: {problems[doc_id]}", doc=doc_id)
            continue
        job.done("document", "metadata", f"document {doc_id!r}: metadata from OTHER "
                 f"({', '.join(keys)}) {'comes in' if job.dry_run else 'added'}", doc=doc_id)

    # the stance targets OTHER gives documents that have none here
    for doc_id, target in job.targets_added.items():
        found = None if job.dry_run else job.session.read(
            lambda s, d=doc_id, t=target: s.project.swap_document_target(d, "", t))
        if found is not None:  # set here since the plan: ours kept, said
            job.done("document", "kept-ours", f"document {doc_id!r}: stance target "
                     f"{target!r} from OTHER not set: {found!r} was set here since", doc=doc_id)
            continue
        job.done("document", "target", f"document {doc_id!r}: stance target {target!r} from "
                 f"OTHER {'comes in' if job.dry_run else 'set'}", doc=doc_id)

    # layers
    for scope, plan in job.layers.items():
        if scope[0] in job.refused_docs:
            job.refused_scopes.add(scope)
            continue
        label = f"document {plan.doc!r}, layer {plan.name!r}"
        where = {"doc": plan.doc, "layer": plan.name}
        if plan.action == "kept-ours":
            job.done("layer", "kept-ours", plan.message, **where)
            continue
        if plan.action not in ("arrived", "fast-forward"):
            continue
        blocked = sorted(plan.owners & set(refused))
        if blocked:
            job.refused_scopes.add(scope)
            job.conflict("layer", f"{label}: not merged: {refused[blocked[0]]}", **where)
            continue
        if not job.dry_run:
            info = job.session.info(plan.doc)
            path = document_folder(job.ours, info) / layer_file(plan.name)
            assert plan.theirs is not None
            written = _index_writer(job.session, plan.doc, plan.theirs)
            try:
                taken = _write_layer(path, plan.ours_raw, plan.theirs.raw, written,
                                     job.session.project.exclusive(plan.doc))
            except ProjectError as exc:  # its folder stayed locked: refused like a change
                job.refused_scopes.add(scope)
                job.conflict("layer", f"{label}: not merged: {exc.message}", **where)
                continue
            if not taken:
                job.refused_scopes.add(scope)
                job.conflict("layer", f"{label}: changed here during the merge; ours kept, "
                             "merge again", **where)
                continue
        job.done("layer", plan.action, plan.message, **where)

    # journal lines
    for file, entries in appends.items():
        annotator = theirs.annotator[file]
        if annotator in refused:
            job.conflict("journal", f"journal of {annotator!r}: {len(entries)} entries not "
                         f"merged: {refused[annotator]}", annotator=annotator,
                         count=len(entries))
            continue
        kept = [e for e in entries if _travels(job, theirs.scope(e))]
        if not kept:
            continue
        if not job.dry_run:
            Journal(job.ours / "journal" / file).append(*kept)
        left = len(entries) - len(kept)
        note = f" ({left} of refused layers left out)" if left else ""
        job.done("journal", "appended", f"journal of {annotator!r}: {len(kept)} entries "
                 f"appended{note}", annotator=annotator, count=len(kept))

    # statuses
    for annotator, doc_id, status, at in status_writes:
        where = {"doc": doc_id, "annotator": annotator}
        if annotator in refused:
            job.conflict("status", f"status of {annotator!r} for document {doc_id!r} not "
                         f"merged: {refused[annotator]}", **where)
            continue
        if not job.dry_run:
            write_status(job.ours, annotator, doc_id, status, at)
        job.done("status", "taken", f"status of {annotator!r} for document {doc_id!r}: "
                 f"{status} (set {at or 'at an unknown time'}) taken from OTHER", **where)

    _merge_assignments(job)


def _travels(job: _Merge, scope: Scope | None) -> bool:
    """True when a journal entry of ``scope`` may be appended (its layer was not refused)."""
    return scope is None or (scope not in job.refused_scopes and scope[0] not in job.refused_docs)


def _merge_assignments(job: _Merge) -> None:
    try:
        theirs = AssignmentsFile(job.other).read(move_aside=False)
    except (DamagedFileError, ProjectError) as exc:
        job.conflict("assignment", f"assignments of OTHER: {exc.message}; not merged")
        return
    theirs = {d: names for d, names in theirs.items() if d not in job.refused_docs}
    if not theirs:
        return
    found: list[tuple[str, str, tuple[str, ...]]] = []  # (action, doc, names)

    def union(current: dict[str, tuple[str, ...]]) -> tuple[dict[str, tuple[str, ...]], int]:
        found.clear()
        new = dict(current)
        for doc_id, names in theirs.items():
            mine = current.get(doc_id)
            if mine is None:
                new[doc_id] = names
                found.append(("added", doc_id, names))
            elif set(mine) != set(names):
                found.append(("conflict", doc_id, mine))
        return new, len(found)

    ours_file = AssignmentsFile(job.ours)
    try:
        union(ours_file.read(move_aside=False))
        if not job.dry_run and any(action == "added" for action, _, _ in found):
            ours_file.update(union)  # decided again under its lock, on the file as it is then
    except (DamagedFileError, ProjectError) as exc:
        job.conflict("assignment", f"our assignments: {exc.message}; OTHER's not merged")
        return
    for action, doc_id, names in found:
        if action == "added":
            job.done("assignment", "added", f"assignment of document {doc_id!r} to "
                     f"{', '.join(names)} taken from OTHER", doc=doc_id)
        else:
            job.conflict(
                "assignment",
                f"assignment of document {doc_id!r}: {', '.join(names)} here, "
                f"{', '.join(theirs[doc_id])} in OTHER; ours kept",
                doc=doc_id,
            )
