"""One document at a time: the corpus-wide passes (exports, stats, agreement, evaluation).

At 100,000 documents nothing may hold every document's layers: ``each_document`` yields the
project's document ids in order and drops each document's text and layers from memory
(``Session.forget``) once the caller is done with it, so the memory of a pass stays flat in
the size of the corpus. ``progress`` hears each document done (the CLI draws a bar on stderr).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol


class Forgetting(Protocol):
    """What a pass reads from: a ``Session`` or a ``Project``."""

    def document_ids(self) -> list[str]:
        """The documents, in project order."""

    def forget(self, doc_id: str) -> None:
        """Drop the document's text and layers from memory."""


def each_document(
    source: Forgetting,
    doc_ids: Iterable[str] | None = None,
    *,
    progress: Callable[[], None] | None = None,
) -> Iterator[str]:
    """The ids of ``doc_ids`` (default: every document, in project order), each document
    forgotten once the caller asks for the next one (or stops)."""
    for doc_id in source.document_ids() if doc_ids is None else doc_ids:
        try:
            yield doc_id
        finally:
            source.forget(doc_id)
            if progress is not None:
                progress()
