"""The journal's checkpoint (``journal.index``), so opening a project never reads the journal.

Undo after a restart needs each annotator's undo and redo stacks, and those are a fold over the
whole journal: parsing it at open made open time grow with every edit ever made. The checkpoint
holds the fold up to a byte offset of the journal: per annotator, the stacks as the ids and byte
offsets of the edit entries on them (the entry itself is read from the journal when it is undone
or redone). Only the top ``MAX_DEPTH`` of a stack is kept, with a flag saying more lie below;
reaching that bottom rebuilds the stacks from the journal (slow, rare, correct).

File format (JSON, rewritten whole through the store's atomic writer)::

    {"version": 1,
     "journal_size": 123456,                     # the journal bytes the fold covers
     "last": ["<entry id>", 123001],             # the last entry covered: id, byte offset
     "stacks": {"<annotator>": {"undo": [["<id>", offset], ...], "redo": [...],
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

INDEX_NAME = "journal.index"
INDEX_VERSION = 1
MAX_DEPTH = 256


class Ref(NamedTuple):
    """An edit entry on an undo or redo stack: its id and its line's byte offset."""

    id: str
    offset: int


@dataclass(slots=True)
class Stacks:
    """One annotator's undo and redo stacks (top last); ``*_more``: entries lie below these."""

    undo: list[Ref] = field(default_factory=list)
    redo: list[Ref] = field(default_factory=list)
    undo_more: bool = False
    redo_more: bool = False

    def fold(self, entry: dict[str, Any], offset: int) -> bool:
        """Apply one journal entry of this annotator (not a voided one) to the stacks.

        An edit goes on the undo stack and clears redo; an undo or redo moves its edit across
        when it is the top; a skip drops it. False when the entry needs a part of a stack that
        is not held (below ``MAX_DEPTH``): the caller rebuilds from the whole journal.
        """
        op = entry.get("op")
        if op == "edit":
            if is_edit(entry):
                self.undo.append(Ref(entry["id"], offset))
                self.redo.clear()
                self.redo_more = False
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
            if not stack:
                return not more
            if stack[-1].id == entry.get("ref"):
                stack.pop()
        return True


def _move(source: list[Ref], target: list[Ref], more: bool, ref: object) -> bool:
    if not source:
        return not more
    if source[-1].id == ref:
        target.append(source.pop())
    return True


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


def load(folder: Path) -> Checkpoint | None:
    """The checkpoint in ``folder``; None when there is none or it cannot be used."""
    try:
        data = orjson.loads((folder / INDEX_NAME).read_bytes())
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


def _refs(pairs: list[list[Any]]) -> list[Ref]:
    """``[[id, offset], ...]`` as refs; ``TypeError``/``ValueError`` for anything else."""
    refs = list(map(Ref._make, pairs))
    if not all(type(r.id) is str and type(r.offset) is int for r in refs):
        raise ValueError("not a stack of [id, offset] pairs")
    return refs


def save(folder: Path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` atomically, each stack cut to its top ``MAX_DEPTH`` entries."""

    def cut(stack: list[Ref]) -> list[list[Any]]:
        return [[r.id, r.offset] for r in stack[-MAX_DEPTH:]]

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
    atomic_write_bytes(folder / INDEX_NAME, dumps(data))
