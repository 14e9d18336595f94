"""Adding documents in bulk, each with the suggestions layer its caller already computed.

The store never runs the detector: the session detects, then hands over (document, layer)
pairs. Here each pair is checked and stored: a known id is never replaced (its annotations
would be lost), a layer that does not fit its text fails that document only, and the document
list is made durable every ``flush_every`` documents and on any interruption, so an import
that stops halfway keeps what it wrote. What a kill or a full disk still leaves unlisted is
adopted at the next open, or reused when the same document is imported again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from annotations.errors import InputError
from annotations.metadata import Meta
from annotations.model import SUGGESTIONS_LAYER, Document, Layer
from annotations.store.documents import DocumentInfo, DocumentList
from annotations.store.folder import short_error
from annotations.store.layers import LayerStore


@dataclass(slots=True)
class ImportReport:
    """Counts and per-file messages from adding documents."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    meta_updated: list[str] = field(default_factory=list)  # unchanged ones given metadata
    meta_refused: list[tuple[str, str]] = field(default_factory=list)  # ... refused it
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # left out, not a failure
    notes: list[tuple[str, str]] = field(default_factory=list)  # stored, with a word on it

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def counts(self, refused: Iterable[str] = ()) -> tuple[int, int, int]:
        """The documents added, unchanged and failed, each counted once, in the row that says
        what became of it: a document something of was refused (its text, its metadata, or
        its layer: ``refused``, the ids of the documents whose layer a caller could not store)
        counts as failed only, not also as added or unchanged."""
        failed = {doc_id for doc_id, _ in self.failed + self.meta_refused} | set(refused)
        return (sum(doc_id not in failed for doc_id in self.added),
                sum(doc_id not in failed for doc_id in self.unchanged), len(failed))


def add_documents(
    documents: DocumentList,
    layers: LayerStore,
    pairs: Iterable[tuple[Document, Layer]],
    *,
    report: ImportReport,
    progress: Callable[[Document], None] | None = None,
    flush_every: int = 500,
    change_meta: bool = False,
) -> ImportReport:
    """Store each new document with its suggestions; report the rest in ``report``. A text
    another id holds ("duplicate") is stored too: a merge brings it in with its layers;
    ``saywho import`` leaves it out before it comes here. A known document gets the metadata
    keys it lacks; ``change_meta`` also changes the values it has (``import --replace``)."""
    pending: list[DocumentInfo] = []
    metas: dict[str, Meta] = {}
    try:
        for doc, layer in pairs:
            if progress is not None:
                progress(doc)
            kind = documents.classify(doc)
            if kind == "unchanged":
                report.unchanged.append(doc.id)
                if documents.brings_meta(doc, change_meta):  # merged with the row on disk
                    metas[doc.id] = doc.meta
                continue
            if kind == "conflict":
                report.failed.append(
                    (
                        doc.id,
                        f"{doc.id}: a document with this id but different text is already in "
                        "the project; not replaced (its annotations would be lost)",
                    )
                )
                continue
            try:
                suggestions = Layer(SUGGESTIONS_LAYER, layer.quotes, layer.speakers).check(doc.text)
            except InputError as exc:
                report.failed.append(
                    (
                        doc.id,
                        f"{doc.id}: its suggestions do not fit the text ({short_error(exc)}); "
                        "not imported",
                    )
                )
                continue
            info, has_layers = documents.store_text(doc)
            if not has_layers:
                layers.write(doc.id, {SUGGESTIONS_LAYER: suggestions}, fresh=True, sync_dir=False)
            pending.append(info)
            report.added.append(doc.id)
            if len(pending) >= flush_every:
                documents.flush(pending)
                pending = []
            if len(metas) >= flush_every:
                _add_meta(documents, layers, metas, change_meta, report)
                metas = {}
    finally:
        # also on an interruption: every document written so far joins the list
        documents.flush(pending)
        _add_meta(documents, layers, metas, change_meta, report)
    return report


def _add_meta(documents: DocumentList, layers: LayerStore, metas: dict[str, Meta],
              change: bool, report: ImportReport) -> None:
    """The metadata a batch of known documents brought, written (``DocumentList.add_meta``,
    then the layer files' copy: ``LayerStore.write_meta``) and reported."""
    changed, problems = documents.add_meta(metas, change=change)
    layers.write_meta(changed)
    report.meta_updated += changed
    report.meta_refused += [(doc_id, f"{doc_id}: metadata not added: {problem}")
                            for doc_id, problem in problems.items()]
