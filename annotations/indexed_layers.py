"""Which documents have which layers, answered by the corpus index for a whole-corpus report.

``progress`` and the agreement and status commands ask every document for its layer names; at
100,000 documents listing and opening every document's folder is what made them slow.
``IndexedLayerNames`` is a session for such a report whose ``layer_names`` and ``has_layer``
come from the index, checked against the files for the layers asked about first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annotations.model import SUGGESTIONS_LAYER

if TYPE_CHECKING:
    from annotations.session import Session


class IndexedLayerNames:
    """``session`` for a report over the whole corpus (``annotations.progress``), with
    ``layer_names`` answered by the corpus index instead of listing and opening every
    document's folder. The index is checked against the files for ``layers`` first (a ``stat``
    per file), and only those layers (and the suggestions) are named; everything else is the
    session's own."""

    def __init__(self, session: Session, layers: Sequence[str]) -> None:
        self._session = session
        names = [SUGGESTIONS_LAYER, *sorted(set(layers) - {SUGGESTIONS_LAYER})]
        index = session.project.summary_index

        def read(s: Session) -> dict[str, list[str]]:
            index.verify(s.document_ids(), names)
            return index.stored(names)

        self._names = session.read(read)

    def layer_names(self, doc_id: str) -> list[str]:
        """The layers among those checked that the document has (suggestions first)."""
        return list(self._names.get(doc_id, ()))

    def has_layer(self, doc_id: str, name: str) -> bool:
        """True when ``name`` is among the document's checked layers."""
        return name in self._names.get(doc_id, ())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def indexed_layers(session: Session, layers: Sequence[str] | None = None) -> IndexedLayerNames:
    """``IndexedLayerNames`` for ``layers`` (default: every layer the corpus index holds for
    some document): which documents have which layer, from the index, each checked against
    its file. A layer file the index has never seen (copied in by hand) is not named."""
    if layers is None:
        index = session.project.summary_index

        def names(s: Session) -> list[str]:
            index.ensure(s.document_ids(), [s.annotator])
            return sorted(n for n, rows in index.refresh().rows.items() if rows)

        layers = session.read(names)
    return IndexedLayerNames(session, layers)
