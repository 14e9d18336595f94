"""A journal's checkpoint (``journal/<annotator>.index``), so opening never reads the journal.

Each annotator's journal has its own checkpoint beside it, written only by the process that
holds that annotator's session lock.

Undo after a restart needs each annotator's undo and redo stacks, and those are a fold over the
whole journal: parsing it at open made open time grow with every edit ever made. The checkpoint
holds the fold up to a byte offset of the journal: per annotator, the stacks as the ids, byte
offsets and scopes (document and layer) of the edit entries on them (the entry itself is read from
the journal when it is undone or redone). Undo and redo act within a scope (the document and layer
in view): an undo takes the newest edit of that scope, wherever it lies on the stack, and a new
edit clears only its own scope's redo. Only the top ``MAX_DEPTH`` of a stack is kept, with a
flag saying more lie below; reaching that bottom rebuilds the stacks from the journal (slow,
rare, correct).

File format (JSON, rewritten whole through the store's atomic writer)::

    {"version": 2,
     "journal_size": 123456,                     # the journal bytes the fold covers
     "last": ["<entry id>", 123001],             # the last entry covered: id, byte offset
     "stacks": {"<annotator>": {"undo": [["<id>", offset, "<doc>\u001f<layer>"], ...],
                                "redo": [...],
                                "undo_more": false, "redo_more": false}}}

A checkpoint is trusted only while the journal still holds, at ``last``, an entry with that id
whose line ends exactly at ``journal_size``; otherwise (missing, damaged, another version, a
journal cut or replaced) it is ignored and rebuilt from the journal. The index is never the source
of truth and is never written by a read-only open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from annotations.store.atomic import atomic_write_bytes, dumps
from annotations.store.journal import DOC_STEP_OPS, doc_step

INDEX_SUFFIX = ".index"
OLD_INDEX_NAME = "journal.index"
"""The one checkpoint of a project before issue 10 (dropped by the migration, rebuilt)."""
INDEX_VERSION = 2
MAX_DEPTH = 256


class Ref(NamedTuple):
    """An edit entry on an undo or redo stack: its id, its line's byte offset, its scope."""

    id: str
    offset: int
    scope: str = ""


def scope_of(doc_id: str, layer: str) -> str:
    """The scope an edit acts in: its document and layer."""
    return f"{doc_id}\x1f{layer}"


def find(stack: list[Ref], scope: str | None) -> int | None:
    """The position of the newest ref of ``scope`` (``None``: the top), or ``None``."""
    for i in range(len(stack) - 1, -1, -1):
        if scope is None or stack[i].scope == scope:
            return i
    return None


@dataclass(slots=True)
class Stacks:
    """One annotator's undo and redo stacks (top last); ``*_more``: entries lie below these."""

    undo: list[Ref] = field(default_factory=list)
    redo: list[Ref] = field(default_factory=list)
    undo_more: bool = False
    redo_more: bool = False

    def fold(self, entry: dict[str, Any], offset: int) -> bool:
        """Apply one journal entry of this annotator (not a voided one) to the stacks.

        An edit (or a document's target or status set: ``doc_steps``) goes on the undo stack
        and clears its scope's redo; an undo or redo moves its
        edit across, wherever it lies; a skip drops it. False when the entry needs a part of a
        stack that is not held (below ``MAX_DEPTH``): the caller rebuilds from the whole journal.
        """
        op = entry.get("op")
        if op == "edit":
            if is_edit(entry):
                self.push_edit(Ref(entry["id"], offset, scope_of(entry["doc"], entry["layer"])))
            return True
        if op in DOC_STEP_OPS:  # a document's target or status: undone in its own layer's scope
            step = doc_step(entry)
            if step is not None and isinstance(entry.get("annotator"), str):
                self.push_edit(Ref(entry["id"], offset,
                                   scope_of(step.doc_id, entry["annotator"])))
            return True
        if op == "undo":
            return _move(self.undo, self.redo, self.undo_more, entry.get("ref"))
        if op == "redo":
            return _move(self.redo, self.undo, self.redo_more, entry.get("ref"))
        if op == "skip":
            stack, more = (
                (self.undo, self.undo_more)
                if entry.get("from") == "undo"
                else (self.redo, self.redo_more)
            )
            return _move(stack, None, more, entry.get("ref"))
        return True

    def push_edit(self, ref: Ref) -> None:
        """A new edit: on the undo stack; what was undone in its scope can no longer be redone."""
        self.undo.append(ref)
        self.redo[:] = [r for r in self.redo if r.scope != ref.scope]


def _move(source: list[Ref], target: list[Ref] | None, more: bool, ref: object) -> bool:
    """Move the entry ``ref`` from ``source`` onto ``target`` (``None``: drop it)."""
    for i in range(len(source) - 1, -1, -1):
        if source[i].id == ref:
            moved = source.pop(i)
            if target is not None:
                target.append(moved)
            return True
    return not more


def is_edit(entry: dict[str, Any]) -> bool:
    """True when an ``edit`` entry has what undo needs (an id, a document, a layer, a change)."""
    return all(
        isinstance(entry.get(k), t)
        for k, t in (("id", str), ("doc", str), ("layer", str), ("change", dict))
    )


@dataclass(slots=True)
class Checkpoint:
    """The stacks of every annotator as the journal's first ``journal_size`` bytes leave them."""

    journal_size: int
    last: Ref
    stacks: dict[str, Stacks]


def index_path(journal: Path) -> Path:
    """The checkpoint of the journal at ``journal`` (``<annotator>.jsonl`` -> ``.index``)."""
    return journal.with_suffix(INDEX_SUFFIX)


def load(path: Path) -> Checkpoint | None:
    """The checkpoint at ``path``; None when there is none or it cannot be used."""
    try:
        data = orjson.loads(path.read_bytes())
        if data.get("version") != INDEX_VERSION:
            return None
        last_id, last_offset = data["last"]
        stacks = {
            str(name): Stacks(
                _refs(s["undo"]), _refs(s["redo"]), bool(s["undo_more"]), bool(s["redo_more"])
            )
            for name, s in data["stacks"].items()
        }
        return Checkpoint(int(data["journal_size"]), Ref(str(last_id), int(last_offset)), stacks)
    except (OSError, orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        return None


def _refs(triples: list[list[Any]]) -> list[Ref]:
    """``[[id, offset, scope], ...]`` as refs; ``TypeError``/``ValueError`` for anything else."""
    refs = list(map(Ref._make, triples))
    if not all(
        type(r.id) is str and type(r.offset) is int and type(r.scope) is str for r in refs
    ):
        raise ValueError("not a stack of [id, offset, scope] triples")
    return refs


def save(path: Path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` atomically, each stack cut to its top ``MAX_DEPTH`` entries."""

    def cut(stack: list[Ref]) -> list[list[Any]]:
        return [[r.id, r.offset, r.scope] for r in stack[-MAX_DEPTH:]]

    data = {
        "version": INDEX_VERSION,
        "journal_size": checkpoint.journal_size,
        "last": [checkpoint.last.id, checkpoint.last.offset],
        "stacks": {
            name: {
                "undo": cut(s.undo),
                "redo": cut(s.redo),
                "undo_more": s.undo_more or len(s.undo) > MAX_DEPTH,
                "redo_more": s.redo_more or len(s.redo) > MAX_DEPTH,
            }
            for name, s in checkpoint.stacks.items()
            if s.undo or s.redo or s.undo_more or s.redo_more
        },
    }
    atomic_write_bytes(path, dumps(data))
