"""The document list and the texts: which documents a project holds and under which file name.

A text is written once, at import, and never edited; its sha256 is kept in the list so a text
changed on disk is reported rather than read. Each document gets a file name that is safe
(hostile ids are hashed), unique regardless of case, and never one a file already on disk has,
even a file the list lost track of. When ``saywho.json`` is damaged the list is rebuilt from
``texts/`` (and the real ids recorded in the annotation files).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import orjson
from tinydb.table import Table

from annotations.errors import DamagedFileError, InputError
from annotations.model import Document, now_iso, sha256_text
from annotations.store.atomic import atomic_write_bytes, fsync_dir
from annotations.store.folder import ProjectFolder, short_error
from annotations.store.paths import safe_filename

Classification = Literal["new", "unchanged", "conflict"]


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


class DocumentList:
    """The documents of a project: their rows (in ``saywho.json``) and their texts.

    Rows are kept in memory in import order; ``add_text`` makes a document readable at once,
    ``flush`` makes a batch of them durable and lists them in the project file.
    """

    def __init__(self, folder: ProjectFolder, table: Table) -> None:
        self._folder = folder
        self._table = table
        self._rows = {rec["id"]: DocumentInfo(**rec) for rec in table.all()}
        self._files_taken = {info.file.lower() for info in self._rows.values()}
        self._texts: dict[str, str] = {}

    def ids(self) -> list[str]:
        """Document ids in import order."""
        return list(self._rows)

    def infos(self) -> list[DocumentInfo]:
        """Every row, in import order."""
        return list(self._rows.values())

    def get(self, doc_id: str) -> DocumentInfo | None:
        """One document's row, or None."""
        return self._rows.get(doc_id)

    def info(self, doc_id: str) -> DocumentInfo:
        """One document's row; ``InputError`` for an unknown id."""
        try:
            return self._rows[doc_id]
        except KeyError:
            raise InputError(f"no document {doc_id!r} in the project") from None

    def text(self, doc_id: str) -> str:
        """A document's text; ``DamagedFileError`` when it cannot be read or changed on disk."""
        text = self._texts.get(doc_id)
        if text is not None:
            return text
        info = self.info(doc_id)
        path = self._folder.texts / f"{info.file}.txt"
        try:
            text = path.read_bytes().decode("utf-8")
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
        return Document(info.id, info.title, text, info.sha256, info.source, info.imported)

    def classify(self, doc: Document) -> Classification:
        """The document's standing: "new" (unknown id), "unchanged" (same id and text) or
        "conflict" (same id, different text)."""
        known = self._rows.get(doc.id)
        if known is None:
            return "new"
        return "unchanged" if known.sha256 == doc.sha256 else "conflict"

    def add_text(self, doc: Document) -> DocumentInfo:
        """Write a new document's text under a fresh file name and hold its row in memory.

        The folder is not fsynced and the row not listed in the project file until ``flush``.
        """
        file = self._unique_file(doc.id)
        atomic_write_bytes(
            self._folder.texts / f"{file}.txt",
            doc.text.encode("utf-8", "surrogatepass"),
            sync_dir=False,
        )
        info = DocumentInfo(
            id=doc.id,
            title=doc.title,
            sha256=doc.sha256,
            file=file,
            source=doc.source,
            imported=doc.imported or now_iso(),
            chars=len(doc.text),
        )
        self._rows[doc.id] = info
        self._texts[doc.id] = doc.text
        return info

    def flush(self, infos: list[DocumentInfo]) -> None:
        """Make the texts and annotation files of ``infos`` durable, then list them."""
        if not infos:
            return
        fsync_dir(self._folder.texts)
        fsync_dir(self._folder.annotations)
        self._table.insert_multiple(asdict(i) for i in infos)

    def forget_texts(self) -> None:
        """Drop the cached texts (at close)."""
        self._texts.clear()

    def _unique_file(self, doc_id: str) -> str:
        base = safe_filename(doc_id)
        file, n = base, 1
        while file.lower() in self._files_taken or self._file_on_disk(file):
            n += 1
            file = f"{base}-{n}"
        self._files_taken.add(file.lower())
        return file

    def _file_on_disk(self, file: str) -> bool:
        """True when a text or annotations file of that name exists (a document the list lost
        track of, e.g. one left out of a rebuilt list): never write over it."""
        return (self._folder.texts / f"{file}.txt").exists() or (
            self._folder.annotations / f"{file}.json"
        ).exists()


def rebuilt_rows(folder: ProjectFolder) -> list[dict[str, Any]]:
    """After a damaged ``saywho.json``: the document list recovered from ``texts/``.

    A text that cannot be read is left out (its files stay on disk, never reused). The id is
    the one the document's annotations file records when its sha256 matches, else the stem.
    """
    rows = []
    for text_path in sorted(folder.texts.glob("*.txt")):
        try:
            text = text_path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        stem = text_path.stem
        doc_id = stem
        # the document's annotations file records its real id (hostile ids are hashed)
        try:
            meta = orjson.loads((folder.annotations / f"{stem}.json").read_bytes()).get("_meta")
            record = next(iter((meta or {}).values()), {})
            if record.get("sha256") == sha256_text(text) and record.get("doc_id"):
                doc_id = str(record["doc_id"])
        except (OSError, ValueError, AttributeError):
            pass
        rows.append(
            {
                "id": doc_id,
                "title": doc_id,
                "sha256": sha256_text(text),
                "file": stem,
                "source": "",
                "imported": "",
                "chars": len(text),
            }
        )
    return rows
