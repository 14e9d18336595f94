"""Interchange JSONL out (and back in): one document per line, the shape in DESIGN.md."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import orjson

from annotations.errors import InputError
from annotations.formats.export_common import DocLayer, ExportReport, atomic_output
from annotations.formats.interchange import document_to_interchange, layer_from_interchange
from annotations.metadata import record_meta
from annotations.model import Document, Layer


def write_jsonl(
    items: Iterable[DocLayer],
    out: Path,
    *,
    annotator: str | None = None,
    stance_target: str | None = None,
) -> ExportReport:
    """Write each ``(Document, Layer)`` as one interchange line (UTF-8, orjson), streaming.

    ``stance_target`` (the project's) goes on every line as the document-level
    ``stance_target``; ``annotator`` names the person behind reviewed quotes (default: each
    layer's name).
    """
    docs = quotes = 0
    with atomic_output(Path(out), "wb") as fh:
        write = fh.write
        for doc, layer in items:
            write(jsonl_line(doc, layer, annotator=annotator, stance_target=stance_target))
            docs += 1
            quotes += len(layer.quotes)
    return ExportReport(docs, quotes, str(out))


def jsonl_line(
    doc: Document, layer: Layer, *, annotator: str | None = None,
    stance_target: str | None = None,
) -> bytes:
    """One document's interchange line as ``write_jsonl`` writes it, newline included (the
    document's own stance target, else ``stance_target``)."""
    line = document_to_interchange(
        doc, layer, annotator=annotator, stance_target=doc.target or stance_target
    )
    return orjson.dumps(line) + b"\n"


@dataclass
class JsonlLines:
    """The lines (``jsonl_line``) of a run of documents, in order, and what they hold."""

    data: bytes
    docs: int
    quotes: int


def write_jsonl_lines(parts: Iterable[JsonlLines], out: Path) -> ExportReport:
    """Write lines made ahead (in worker processes, run by run) as ``write_jsonl`` would
    write their documents: the same file, atomically, streaming."""
    docs = quotes = 0
    with atomic_output(Path(out), "wb") as fh:
        for part in parts:
            fh.write(part.data)
            docs += part.docs
            quotes += part.quotes
    return ExportReport(docs, quotes, str(out))


def read_jsonl(path: Path, *, layer: str) -> Iterator[DocLayer]:
    """Read interchange JSONL back as ``(Document, Layer)`` pairs named ``layer``.

    Raises ``InputError`` naming the line for a line that is not JSON or lacks id/text.
    """
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
                meta, problem = record_meta(data, f"{path}:{n}")
                doc = Document(str(data["id"]), str(data.get("title") or ""), str(data["text"]),
                               meta=meta)
            except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"{path}:{n}: not an interchange line ({exc})") from exc
            if problem:
                raise InputError(problem)
            built = layer_from_interchange(data, doc.text, name=layer)
            # layer_from_interchange can return another name (its loop reuses ``name``)
            yield doc, built if built.name == layer else replace(built, name=layer)
