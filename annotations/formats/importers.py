"""Layers from other tools' files: which reader a file needs, and which project document each of
its documents is.

``saywho import --layer NAME`` loads annotations made elsewhere as a layer of documents the
project already holds. A tool's export names its documents its own way (a task number, a file
name, an id it was given), so a document is matched by id when the project's text under that id
is the file's text, else by the text's sha256 among the project's documents; a document that
matches neither is refused with its reason, and the others load. Offsets are therefore always
offsets into the very text they were made on.

The readers themselves live beside their writers (``labelstudio``, ``doccano``,
``webanno_read``, ``conll``); each returns ``(doc_id, text, Layer)`` per document, built through
``schema`` and ``interchange.build_layer``. CoNLL carries tokens, not the text, so its reader is
given the project's text to map tokens back to characters.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from annotations.errors import InputError
from annotations.formats.readers import refuse_special
from annotations.model import Layer, sha256_text
from annotations.store.paths import safe_filename

# format name -> (module, reader function); imported when first used
LAYER_READERS: dict[str, tuple[str, str]] = {
    "labelstudio": ("annotations.formats.labelstudio", "read_labelstudio"),
    "doccano": ("annotations.formats.doccano", "read_doccano"),
    "webanno": ("annotations.formats.webanno_read", "read_webanno"),
    "conll": ("annotations.formats.conll", "read_conll"),
}
# the formats ``import`` reads (the first two also add their documents to the project)
IMPORT_FORMATS: tuple[str, ...] = ("interchange", "brat", *LAYER_READERS)


@dataclass(frozen=True)
class ForeignLayer:
    """One document's annotations from another tool's file, matched to a project document."""

    source: str  # where it came from, for messages
    doc_id: str  # the project's document
    layer: Layer


@dataclass(frozen=True)
class Refused:
    """A document of the file that was not loaded, and why (one line)."""

    source: str
    reason: str


def detect_format(path: Path) -> str:
    """The format of ``path`` by its kind and name (and, for ``.jsonl``, its first record).

    Raises ``InputError`` when nothing says which format it is.
    """
    path = Path(path)
    refuse_special(path)
    if path.is_dir():
        if any(path.glob("*.ann")):
            return "brat"
        if any(path.rglob("*.tsv")):
            return "webanno"
        raise InputError(f"{path}: a folder with neither brat .ann files nor WebAnno .tsv files")
    suffix = path.suffix.lower()
    if suffix in (".zip", ".tsv"):
        return "webanno"
    if suffix in (".conll", ".conllu"):
        return "conll"
    if suffix == ".json":
        return "labelstudio"
    if suffix == ".jsonl":
        return "doccano" if _looks_like_doccano(path) else "interchange"
    return "interchange"


def _looks_like_doccano(path: Path) -> bool:
    """A doccano line has ``entities`` or ``label`` spans and no ``quotes``."""
    import orjson

    try:
        with path.open("rb") as fh:
            for raw in fh:
                if raw.strip():
                    record = orjson.loads(raw)
                    return isinstance(record, dict) and "quotes" not in record and (
                        "entities" in record or "label" in record
                    )
    except (OSError, ValueError):
        return False
    return False


def read_foreign_layers(
    fmt: str,
    path: Path,
    *,
    layer: str,
    hashes: Mapping[str, str],
    text_of: Callable[[str], str | None],
    user: str | None = None,
    utf16: bool | None = None,
) -> tuple[list[ForeignLayer], list[Refused]]:
    """Read ``path`` in format ``fmt`` as layer ``layer`` and match every document to a project
    document (``hashes``: the project's text sha256 by document id; ``text_of``: a project
    document's text, for the formats that carry tokens rather than the text); ``utf16``:
    doccano offsets count UTF-16 units (``None``: as the file's ``saywho`` record says).

    Raises ``InputError`` for an unknown format or a file that does not read at all; a document
    that reads but matches no project document is returned in the refused list, and so is a
    document of a doccano or Label Studio export that does not read (the others are loaded).
    """
    if fmt not in LAYER_READERS:
        raise InputError(f"{fmt!r} is not a layer format: choose one of {', '.join(LAYER_READERS)}")
    refuse_special(Path(path))
    module, name = LAYER_READERS[fmt]
    unread: list[str] = []  # the documents of a JSON export that do not read, one line each
    reader: Callable[..., list[tuple[str, str, Layer]]] = getattr(
        importlib.import_module(module), name
    )
    if fmt == "conll":
        items = reader(Path(path), layer=layer, text_of=text_of)
    elif fmt == "webanno":  # TSV does not keep what lay between sentences: the project's does
        items = reader(Path(path), layer=layer, user=user, texts=_Texts(hashes, text_of))
    elif fmt == "doccano":  # offsets in UTF-16 units: what the file says, or ``utf16``
        items = reader(Path(path), layer=layer, utf16=utf16, refused=unread)
    elif fmt == "labelstudio":
        items = reader(Path(path), layer=layer, refused=unread)
    else:
        items = reader(Path(path), layer=layer)
    matched, refused = match_documents(items, hashes, source=str(path))
    source = str(path)  # the lines name it: the reason is what follows
    return matched, [Refused(source, line.removeprefix(source).lstrip(": ").strip())
                     for line in unread] + refused


class _Texts(Mapping[str, str]):
    """The project's texts by document id, each read when asked for. A key may also be the
    file stem saywho's exports give a document (``safe_filename``: an id such as
    ``ggt:dev:1`` becomes a slug and a hash): a WebAnno folder saywho wrote names its files
    so, and its TSV cannot carry the id itself."""

    def __init__(self, ids: Mapping[str, str], text_of: Callable[[str], str | None]) -> None:
        self._ids = ids
        self._text_of = text_of
        self._by_stem: dict[str, str] | None = None

    def __getitem__(self, doc_id: str) -> str:
        if doc_id not in self._ids:
            if self._by_stem is None:
                self._by_stem = {safe_filename(i).lower(): i for i in self._ids}
            doc_id = self._by_stem.get(doc_id.lower(), doc_id)
        text = self._text_of(doc_id) if doc_id in self._ids else None
        if text is None:
            raise KeyError(doc_id)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def match_documents(
    items: Iterable[tuple[str, str, Layer]],
    hashes: Mapping[str, str],
    *,
    source: str,
) -> tuple[list[ForeignLayer], list[Refused]]:
    """Each ``(doc_id, text, layer)`` matched to a project document (``hashes``: text sha256 by
    document id): by id (or the file stem saywho's exports make of it) when the project's text
    under that id is ``text``, else by ``text``'s sha256 when one project document has that
    text; otherwise refused (never guessed among documents that share a text)."""
    by_hash: dict[str, list[str]] = {}
    for doc_id, digest in hashes.items():
        by_hash.setdefault(digest, []).append(doc_id)
    by_stem: dict[str, str] | None = None
    matched: list[ForeignLayer] = []
    refused: list[Refused] = []
    seen: dict[str, str] = {}
    for doc_id, text, found in items:
        where = f"{source}: {doc_id}"
        digest = sha256_text(text)
        own = doc_id
        if own not in hashes:  # a file stem saywho's export made of an id (``safe_filename``)
            if by_stem is None:
                by_stem = {safe_filename(i).lower(): i for i in hashes}
            own = by_stem.get(doc_id.lower(), doc_id)
        if hashes.get(own) == digest:
            target = own
        else:
            same = by_hash.get(digest, [])
            target = same[0] if len(same) == 1 else ""
            if len(same) > 1:
                shown = ", ".join(same[:3]) + (f" and {len(same) - 3} more" if len(same) > 3
                                               else "")
                refused.append(Refused(where, f"{doc_id}: {len(same)} project documents have "
                                              f"this text ({shown}) and none has this id; "
                                              "name the document by its id"))
                continue
            if not target:
                reason = (
                    f"{doc_id}: the project's text under this id differs from the file's"
                    if own in hashes
                    else f"{doc_id}: no project document has this id or this text; import the "
                    "article first"
                )
                refused.append(Refused(where, reason))
                continue
        if target in seen:
            refused.append(Refused(where, f"{doc_id}: the file holds {target} twice "
                                          f"(first as {seen[target]})"))
            continue
        seen[target] = doc_id
        matched.append(ForeignLayer(where, target, found))
    return matched, refused
