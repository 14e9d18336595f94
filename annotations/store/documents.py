"""The document list and the texts: which documents a project holds and under which file name.

A text is written once, at import, and never edited; its sha256 is kept in the list so a text
changed on disk is reported rather than read. Each document gets a file name that is safe
(hostile ids are hashed), unique regardless of case, and never one a file already on disk has,
even a file the list lost track of. A row's file name is joined into paths, so a row read from
``saywho.json`` is trusted only when its file name is one the store could have made (no
separator, no ``..``, not absolute, not hidden): anything else would let a hand-edited project
file send writes outside the project.

The list is written in batches, so a kill or a full disk during an import leaves texts that no
row points to. Such an orphan is adopted when its layer files say whose it is (the id and
sha256 in their ``_meta``), and an import of the same document reuses it instead of storing a
second copy. When ``saywho.json`` is lost the list is rebuilt from ``texts/`` the same way; when
two files claim one id, the one with the annotations wins.

The list lives in ``saywho.json``, which other processes (another annotator's saywho, a
``saywho import``) change too: every read first checks (one ``stat``) whether the file changed
and reads the rows again, and every batch is listed under the shared lock, on the list as it is
on disk then (a document another process listed meanwhile is not listed twice).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import orjson

from annotations.errors import DamagedFileError, InputError
from annotations.metadata import Meta, merged_meta, meta_dict, stored_meta
from annotations.model import Document, now_iso, sha256_text
from annotations.store.atomic import atomic_write_bytes, fsync_dir
from annotations.store.folder import ProjectFolder, read_bytes, short_error
from annotations.store.paths import safe_filename

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from tinydb.table import Table


class SharedFile(Protocol):
    """What the document list needs of the shared project file
    (``annotations.store.project_file.SharedFile``, which reads its rows with this module's
    rules): its tables, a fresh read and a locked change."""

    generation: int

    def table(self, name: str) -> Table:
        """A table of the file as last read."""
        ...

    def refresh(self) -> bool:
        """Read the file again when another process changed it."""
        ...

    def change(self) -> AbstractContextManager[None]:
        """Hold the file's lock for a read-modify-write."""
        ...

Classification = Literal["new", "unchanged", "conflict", "duplicate"]

# the shape of every stem ``safe_filename`` makes, plus the "-2" a clash adds; no final dot
ORPHAN_AGE_S = 60.0  # a text younger than this is an import under way, not an orphan

_FILE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9_-])?")


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A row of the project's document list."""

    id: str
    title: str
    sha256: str
    file: str
    source: str = ""
    imported: str = ""
    chars: int = 0
    target: str = ""  # this document's stance target; empty: the project's
    meta: Meta = ()  # the article's metadata (``annotations.metadata``)


def text_variants(doc: Document) -> list[str]:
    """The sha256 of ``doc``'s text and of it with no white space, or one line end, after its
    last word: a file saved with or without a final newline (or trailing spaces) and a
    page's text are one article. (A stored text with several line ends after its last word
    is not found this way.)"""
    shas = [doc.sha256]
    core = doc.text.rstrip()
    for variant in (core, core + "\n"):
        if variant != doc.text:
            shas.append(sha256_text(variant))
    return shas


def info_row(info: DocumentInfo) -> dict[str, Any]:
    """``info`` as a row of the project file (metadata as an object, and only when there is
    some: a corpus without it keeps the rows it had)."""
    row = asdict(info)
    if info.meta:
        row["meta"] = meta_dict(info.meta)
    else:
        del row["meta"]
    return row


def is_safe_file(file: object) -> bool:
    """True when ``file`` is a file-name stem the store could have made, so joining it to
    ``texts/`` or ``annotations/`` names a file inside that folder."""
    if type(file) is not str or _FILE.fullmatch(file) is None:
        return False
    dot = file.find(".")
    if (dot if dot >= 0 else len(file)) > 4:
        return True
    head = file[:dot] if dot >= 0 else file
    return safe_filename(head) == head  # not a device name (con, nul, com1...)


def in_import_order(table: Mapping[str, Any]) -> list[Any]:
    """The rows of a ``documents`` table (TinyDB's ``{"1": row, "2": row, ...}``) in import
    order: the file keeps its keys sorted as strings ("1", "10", "100", "2"...), so the order
    is the keys' numbers."""
    def number(key: str) -> tuple[int, str]:
        return (int(key), "") if key.isdecimal() else (1 << 62, key)

    if all(map(str.isdecimal, table)):  # the usual file: sorted by the numbers alone, in C
        return [table[key] for key in sorted(table, key=int)]
    return [table[key] for key in sorted(table, key=number)]


def row_info(rec: Any) -> DocumentInfo | None:
    """A document row read from ``saywho.json`` as a ``DocumentInfo``; ``None`` when it lacks
    its id, sha256 or a safe file name. Optional fields of the wrong type take defaults."""
    if type(rec) is not dict:
        return None
    doc_id, sha, file = rec.get("id"), rec.get("sha256"), rec.get("file")
    if type(doc_id) is not str or not doc_id or type(sha) is not str or not is_safe_file(file):
        return None
    title, source = rec.get("title", doc_id), rec.get("source", "")
    imported, chars = rec.get("imported", ""), rec.get("chars", 0)
    target = rec.get("target", "")
    meta = rec.get("meta")
    return DocumentInfo(
        doc_id,
        title if type(title) is str else doc_id,
        sha,
        file,  # type: ignore[arg-type]
        source if type(source) is str else "",
        imported if type(imported) is str else "",
        chars if type(chars) is int else 0,
        target if type(target) is str else "",
        stored_meta(meta) if meta is not None else (),
    )


def row_problem(rec: Any) -> str:
    """Why ``row_info`` refused a row, in words for the damage message."""
    if not isinstance(rec, dict):
        return "is not an object"
    doc_id = rec.get("id")
    name = f"document {doc_id!r}" if isinstance(doc_id, str) and doc_id else "a document row"
    if not isinstance(doc_id, str) or not doc_id:
        return f"{name} has no id"
    if not isinstance(rec.get("sha256"), str):
        return f"{name} has no sha256"
    return f"{name} names an unsafe file name {str(rec.get('file'))[:80]!r}"


class DocumentList:
    """The documents of a project: their rows (in ``saywho.json``) and their texts.

    Rows are kept in memory in import order; ``store_text`` makes a document readable at once,
    ``flush`` makes a batch of them durable and lists them in the project file. ``rows`` are
    the rows already read and checked (``row_info``) from the ``documents`` table of ``shared``.
    """

    def __init__(
        self, folder: ProjectFolder, shared: SharedFile, rows: Iterable[DocumentInfo]
    ) -> None:
        self._folder = folder
        self._shared = shared
        self._generation = shared.generation
        self._rows = {info.id: info for info in rows}
        self._unlisted: dict[str, DocumentInfo] = {}  # stored, not flushed yet
        self._files_taken = {info.file.lower() for info in self._rows.values()}
        self._texts: dict[str, str] = {}
        self._texts_dir: str | None = None  # ``texts/`` with a trailing separator
        # sha256 -> the ids holding that text, in import order (built when first asked)
        self._by_text: dict[str, list[str]] | None = None

    def _sync(self) -> None:
        """Read the rows again when another process changed ``saywho.json``."""
        self._shared.refresh()
        if self._shared.generation == self._generation:
            return
        self._generation = self._shared.generation
        rows: dict[str, DocumentInfo] = {}
        for rec in sorted(self._shared.table("documents").all(), key=lambda r: r.doc_id):
            info = row_info(dict(rec))
            if info is not None and info.id not in rows:
                rows[info.id] = info
        for doc_id, info in self._unlisted.items():
            rows.setdefault(doc_id, info)
        for doc_id, info in self._rows.items():
            if doc_id not in rows:  # adopted in memory (read-only recovery): keep showing it
                rows[doc_id] = info
        self._rows = rows
        self._by_text = None
        self._files_taken |= {info.file.lower() for info in rows.values()}

    def ids(self) -> list[str]:
        """Document ids in import order."""
        self._sync()
        return list(self._rows)

    def infos(self) -> list[DocumentInfo]:
        """Every row, in import order."""
        self._sync()
        return list(self._rows.values())

    def get(self, doc_id: str) -> DocumentInfo | None:
        """One document's row, or None."""
        row = self._rows.get(doc_id)
        if row is None:
            self._sync()
            row = self._rows.get(doc_id)
        return row

    def info(self, doc_id: str) -> DocumentInfo:
        """One document's row; ``InputError`` for an unknown id."""
        row = self.get(doc_id)
        if row is None:
            raise InputError(f"no document {doc_id!r} in the project")
        return row

    def text(self, doc_id: str) -> str:
        """A document's text; ``DamagedFileError`` when it cannot be read or changed on disk."""
        text = self._texts.get(doc_id)
        if text is not None:
            return text
        info = self.info(doc_id)
        texts = self._texts_dir
        if texts is None:  # a plain string: read once per document in a pass over the corpus
            texts = self._texts_dir = os.path.join(self._folder.texts, "")
        try:
            text = read_bytes(f"{texts}{info.file}.txt").decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DamagedFileError(
                f"text of {doc_id!r} cannot be read: {short_error(exc)}"
            ) from None
        if sha256_text(text) != info.sha256:
            raise DamagedFileError(f"text of {doc_id!r} changed on disk since import")
        self._texts[doc_id] = text
        return text

    def document(self, doc_id: str) -> Document:
        """A document with its text."""
        info = self.info(doc_id)
        text = self.text(doc_id)
        return Document(info.id, info.title, text, info.sha256, info.source, info.imported,
                        info.target, info.meta)

    def classify(self, doc: Document) -> Classification:
        """The document's standing: "new" (unknown id and text), "unchanged" (same id and
        text, final line ends aside: ``text_variants``), "conflict" (same id, different text)
        or "duplicate" (unknown id, the text of a document stored under another:
        ``same_text``)."""
        known = self.get(doc.id)
        if known is None:
            return "duplicate" if self._holders(doc) else "new"
        same = known.sha256 == doc.sha256 or known.sha256 in text_variants(doc)
        return "unchanged" if same else "conflict"

    def same_text(self, doc: Document) -> list[str]:
        """The ids of the documents stored with ``doc``'s text (or it with other line ends
        at its end: ``text_variants``), in import order."""
        self._sync()
        return self._holders(doc)

    def _holders(self, doc: Document) -> list[str]:
        held: list[str] = []
        for sha in text_variants(doc):
            held += [i for i in self._text_owners(sha) if i not in held]
        return held

    def _text_owners(self, sha256: str) -> list[str]:
        if self._by_text is None:
            self._by_text = {}
            for info in self._rows.values():
                self._by_text.setdefault(info.sha256, []).append(info.id)
        return self._by_text.get(sha256, [])

    def store_text(self, doc: Document) -> tuple[DocumentInfo, bool]:
        """Write a new document's text under a fresh file name and hold its row in memory.

        An orphan of the same document (same id and text, left by an interrupted import) is
        reused instead of storing a second copy; the flag says whether its annotations file
        came with it (then the caller must not write over it). The folder is not fsynced and
        the row not listed in the project file until ``flush``.
        """
        file, has_layers = self._file_for(doc)
        if has_layers is None:
            atomic_write_bytes(
                self._folder.texts / f"{file}.txt",
                doc.text.encode("utf-8", "surrogatepass"),
                sync_dir=False,
            )
        self._files_taken.add(file.lower())
        info = DocumentInfo(
            id=doc.id,
            title=doc.title,
            sha256=doc.sha256,
            file=file,
            source=doc.source,
            imported=doc.imported or now_iso(),
            chars=len(doc.text),
            meta=doc.meta,
        )
        self._rows[doc.id] = info
        if self._by_text is not None:
            self._by_text.setdefault(info.sha256, []).append(info.id)
        self._unlisted[doc.id] = info
        self._texts[doc.id] = doc.text
        return info, bool(has_layers)

    def flush(self, infos: list[DocumentInfo]) -> None:
        """Make the texts and annotation files of ``infos`` durable, then list them."""
        if not infos:
            return
        fsync_dir(self._folder.texts)
        fsync_dir(self._folder.annotations)
        with self._shared.change():
            table = self._shared.table("documents")
            listed = {rec.get("id") for rec in table.all()}
            table.insert_multiple(info_row(i) for i in infos if i.id not in listed)
        for info in infos:
            self._unlisted.pop(info.id, None)

    def brings_meta(self, doc: Document, change: bool = False) -> bool:
        """Whether ``doc``'s metadata, added to its known document's (``add_meta``), would
        change it or be refused, as far as the rows held say: a re-import whose metadata is
        already there needs no write of the project file."""
        known = self.get(doc.id)
        if known is None or not doc.meta:
            return False
        merged, problem = merged_meta(known.meta, doc.meta, change=change)
        return bool(problem) or merged != known.meta

    def add_meta(self, additions: Mapping[str, Meta], *, change: bool = False
                 ) -> tuple[list[str], dict[str, str]]:
        """Add metadata to documents (``change``: also new values for keys they have), in
        the shared project file, in one write under its lock, each merged with the row as it
        is on disk then (``merged_meta``: what another process added meanwhile is kept, and a
        differing value is checked against it). Returns the ids changed and the problem that
        refused each refused one."""
        changed: dict[str, Meta] = {}
        problems: dict[str, str] = {}
        if not additions:
            return [], problems

        def merge(rec: dict[str, Any]) -> None:
            doc_id = rec.get("id")
            known = stored_meta(rec.get("meta"))
            merged, problem = merged_meta(known, additions[doc_id], change=change)
            if problem:
                problems[doc_id] = problem
            elif merged != known:
                rec["meta"] = meta_dict(merged)
                changed[doc_id] = merged

        with self._shared.change():
            table = self._shared.table("documents")
            table.update(merge, lambda rec: rec.get("id") in additions)  # type: ignore[arg-type]
        for doc_id, meta in changed.items():
            if doc_id in self._rows:
                self._rows[doc_id] = replace(self._rows[doc_id], meta=meta)
        return list(changed), problems

    def set_target(self, doc_id: str, target: str) -> tuple[str, DocumentInfo]:
        """Give ``doc_id`` its own stance target (``""``: the project's again), in the shared
        project file, under its lock (another process's rows are kept); returns the target
        it replaced, as read under the lock (a teammate's, when one set it since), and the
        row."""
        info = self.info(doc_id)
        with self._shared.change():
            table = self._shared.table("documents")
            before = self._stored_target(doc_id)
            table.update({"target": target}, lambda rec: rec.get("id") == doc_id)
        updated = replace(info, target=target)
        self._rows[doc_id] = updated
        return before, updated

    def _stored_target(self, doc_id: str) -> str:
        """``doc_id``'s own target as the shared file holds it (call under its lock)."""
        return next((str(rec.get("target") or "") for rec in self._shared.table("documents")
                     if rec.get("id") == doc_id), "")

    def swap_target(self, doc_id: str, expected: str, target: str) -> str | None:
        """Set ``doc_id``'s own target to ``target`` only while the shared file, read again
        under its lock, still holds ``expected`` (an undo never overwrites a teammate's
        target); ``None`` when set, else the target found (nothing written)."""
        info = self.info(doc_id)
        with self._shared.change():
            table = self._shared.table("documents")
            found = self._stored_target(doc_id)
            if found != expected:
                self._rows[doc_id] = replace(info, target=found)
                return found
            table.update({"target": target}, lambda rec: rec.get("id") == doc_id)  # type: ignore[arg-type]
        self._rows[doc_id] = replace(info, target=target)
        return None

    def adopt_orphans(self, text_names: Iterable[str]) -> list[DocumentInfo]:
        """List every text in ``text_names`` (the names in ``texts/``) that no row points to
        and whose annotations file records its id and sha256; returns the rows added.

        A text whose id is already listed, or whose annotations file is missing, damaged or
        about another text, stays where it is, unlisted (and its name is never reused); so does
        one written less than ``ORPHAN_AGE_S`` ago: another process's import still under way
        lists it itself (it was adopted here, with a warning of an interrupted import).
        """
        adopted: list[DocumentInfo] = []
        names = list(text_names)
        listed = {f"{file}.txt" for file in self._files_taken}
        unlisted = set(map(str.lower, names)).difference(listed)
        if not unlisted:
            return adopted
        settled = time.time() - ORPHAN_AGE_S
        for name in sorted(n for n in names if n.lower() in unlisted and n.endswith(".txt")):
            try:  # a text written just now is another process's import under way
                if os.stat(self._folder.texts / name).st_mtime > settled:
                    continue
            except OSError:
                continue
            found = _read_orphan(self._folder, name[:-4])
            if found is None or found.info.id in self._rows or not found.meta_matches:
                continue
            self._rows[found.info.id] = found.info
            self._by_text = None
            self._files_taken.add(found.info.file.lower())
            adopted.append(found.info)
        if adopted:
            self.flush(adopted)
            ids = ", ".join(repr(info.id) for info in adopted[:5])
            more = f" and {len(adopted) - 5} more" if len(adopted) > 5 else ""
            self._folder.note_damage(
                f"adopted {len(adopted)} documents that an interrupted import had left out of "
                f"the document list: {ids}{more}"
            )
        return adopted

    def forget_text(self, doc_id: str) -> None:
        """Drop one document's cached text (a listed one: it reads again from its file)."""
        if doc_id not in self._unlisted:
            self._texts.pop(doc_id, None)

    def forget_texts(self) -> None:
        """Drop the cached texts (at close)."""
        self._texts.clear()

    def _file_for(self, doc: Document) -> tuple[str, bool | None]:
        """The file name for a new document: an orphan of its own (with whether its
        annotations file is there), else a free name (``None``: nothing on disk yet)."""
        base = safe_filename(doc.id)
        file, n = base, 1
        while file.lower() in self._files_taken or self._file_on_disk(file):
            if file.lower() not in self._files_taken:
                has_layers = self._orphan_of(doc, file)
                if has_layers is not None:
                    return file, has_layers
            n += 1
            file = f"{base}-{n}"
        return file, None

    def _orphan_of(self, doc: Document, file: str) -> bool | None:
        """Whether the unlisted files named ``file`` are ``doc``'s own: ``None`` when not,
        else whether its annotations file is there too."""
        try:
            if (self._folder.texts / f"{file}.txt").read_bytes() != doc.text.encode(
                "utf-8", "surrogatepass"
            ):
                return None
        except OSError:
            return None
        annotations = self._folder.annotations / file
        if not annotations.is_dir() or not _layer_files(annotations):
            return False
        meta = _meta_record(annotations)
        if meta and meta.get("doc_id") == doc.id and meta.get("sha256") == doc.sha256:
            return True
        return None

    def _file_on_disk(self, file: str) -> bool:
        """True when a text or annotations file of that name exists (a document the list lost
        track of, e.g. one left out of a rebuilt list): never write over it."""
        return (self._folder.texts / f"{file}.txt").exists() or (
            self._folder.annotations / file
        ).exists()


@dataclass(frozen=True, slots=True)
class _Found:
    """A text on disk with what its annotations file says about it."""

    info: DocumentInfo
    meta_matches: bool
    layers: int
    written: int


def _layer_files(folder: Path) -> list[Path]:
    """The layer files in a document's folder, the suggestions first."""
    try:
        names = sorted(os.listdir(folder), key=lambda n: (n != "suggestions.json", n))
    except OSError:
        return []
    return [folder / n for n in names if n.endswith(".json") and n[0] != "."]


def _meta_record(folder: Path) -> dict[str, Any] | None:
    """The ``_meta`` record of the first readable layer file of a document's folder (they all
    record the document's id and sha256), or ``None`` when none can be read."""
    for path in _layer_files(folder):
        try:
            meta = orjson.loads(path.read_bytes()).get("_meta")
            record = next(iter((meta or {}).values()), None)
        except (OSError, ValueError, AttributeError, TypeError):
            continue
        if isinstance(record, dict):
            return record
    return None


def _read_orphan(folder: ProjectFolder, stem: str) -> _Found | None:
    """The text ``texts/<stem>.txt`` as a document row: id and title from its annotations
    file when that records the text's sha256, else the stem. ``None`` when it cannot be read."""
    if not is_safe_file(stem):
        return None
    try:
        text = (folder.texts / f"{stem}.txt").read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    sha = sha256_text(text)
    files = _layer_files(folder.annotations / stem)
    meta: Mapping[str, Any] = _meta_record(folder.annotations / stem) or {}
    layers = len(files)
    written = 0
    with contextlib.suppress(OSError):
        written = max((os.stat(p).st_mtime_ns for p in files), default=0)
    matches = (
        isinstance(meta, Mapping)
        and meta.get("sha256") == sha
        and isinstance(meta.get("doc_id"), str)
        and bool(meta.get("doc_id"))
    )
    doc_id = str(meta["doc_id"]) if matches else stem

    def field(key: str, default: str) -> str:
        value = meta.get(key) if matches else None
        return value if isinstance(value, str) else default

    info = DocumentInfo(
        doc_id,
        field("title", doc_id),
        sha,
        stem,
        field("source", ""),
        field("imported", ""),
        len(text),
        meta=stored_meta(meta.get("meta")) if matches else (),
    )
    return _Found(info, matches, layers, written)


def disk_rows(
    folder: ProjectFolder, files_taken: set[str], ids_taken: set[str]
) -> list[DocumentInfo]:
    """After a damaged ``saywho.json``: documents in ``texts/`` that no row lists yet.

    The id (and title) is the one the document's annotations file records when its sha256
    matches, else the stem. A text that cannot be read is left out (its files stay on disk,
    never reused). When several files claim one id, the one with the most layers (then the one
    written last) wins: an orphan copy never hides the annotated one.
    """
    best: dict[str, _Found] = {}
    try:
        names = sorted(os.listdir(folder.texts))
    except OSError:
        return []
    for name in names:
        if not name.endswith(".txt") or name[:-4].lower() in files_taken:
            continue
        found = _read_orphan(folder, name[:-4])
        if found is None or found.info.id in ids_taken:
            continue
        held = best.get(found.info.id)
        if held is None or (found.layers, found.written) > (held.layers, held.written):
            best[found.info.id] = found
    return [found.info for found in best.values()]
