"""The corpus index's view of a project: the library's rows, filters and review order.

At 100,000 documents the library and the review queue cannot read every layer; they read one
summary per document instead (``annotations.layer_summary.LayerSummary``, the one rule of what
a layer comes to) and load a document's layers only when it is opened.

- The store keeps the summaries (``annotations.store.summaries``): written by the same write
  that changes a layer file, checked against that file's identity, rebuilt from the file when
  missing or stale. It is never the source of truth.
- ``DocSummary`` is what the library shows of one document: the summary of the layer on screen
  (by default the annotator's own, which starts as the suggestions), the title and the
  annotator's status of the document (``annotations.team``'s rule: an explicit status wins,
  else "in progress" once the annotator's layer is stored, else "not started"); the library's
  progress (``annotations.layer_summary.DocStats``: reviewed = status other than suggested) is read
  from it, so a layer read whole and its summary never disagree.
- ``CorpusView`` answers for a whole corpus from the index without building an object per
  document until one is asked for: counts for the library's list and filters, a ``DocSummary``
  for a row on screen, and the numbers the review queue is ordered by.

Pure rules: no Textual, no session; the session (``Session.corpus_view``,
``Session.summaries``) opens views over its project's index with its annotator's statuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from annotations.layer_summary import DocStats, LayerSummary, Voice
from annotations.metadata import Meta
from annotations.store.statuses import IN_PROGRESS, NOT_STARTED

if TYPE_CHECKING:
    from annotations.store import DocumentInfo, Project
    from annotations.store.statuses import StoredStatus

# ------------------------------------------------------------------------- one document
@dataclass(frozen=True, slots=True)
class DocSummary:
    """One document as the library shows it: a layer's summary, the title, the status."""

    doc_id: str
    title: str
    """The document's title (its id when it has none)."""
    layer: str
    """The layer summarized (the annotator's own, which starts as the suggestions)."""
    summary: LayerSummary
    status: str
    """The annotator's status of the document (``annotations.team``: not-started,
    in-progress, done)."""
    stored: bool = False
    """The annotator's own layer of this document is stored (they edited it)."""

    @property
    def quotes(self) -> int:
        """Every quote of the layer."""
        return self.summary.quotes

    @property
    def reviewed(self) -> int:
        """Quotes accepted or rejected."""
        return self.summary.reviewed

    @property
    def least_confidence(self) -> float | None:
        """The least confidence of any quote."""
        return self.summary.least_confidence

    @property
    def statuses(self) -> dict[str, int]:
        """Quotes per status."""
        return self.summary.count_by("status")

    @property
    def types(self) -> dict[str, int]:
        """Quotes per type."""
        return self.summary.count_by("type")

    @property
    def stances(self) -> dict[str, int]:
        """Quotes per stance (``""``: none)."""
        return self.summary.count_by("stance")

    @property
    def speakers(self) -> tuple[str, ...]:
        """The names of the layer's speakers."""
        return self.summary.speakers

    @property
    def done(self) -> bool:
        """Every quote reviewed, and there is at least one (``DocStats.done``)."""
        return self.quotes > 0 and self.reviewed == self.quotes


def annotator_status(stored: StoredStatus | None, has_own_layer: bool) -> str:
    """``annotations.team.document_status``'s rule on what the index knows: an explicit status
    wins; else "in progress" once the annotator's layer is stored, else "not started"."""
    if stored is not None:
        return stored.status
    return IN_PROGRESS if has_own_layer else NOT_STARTED


# ------------------------------------------------------------------------- the whole corpus
class SummarySource(Protocol):
    """What a ``CorpusView`` reads: the project's summary index (``annotations.store``). A
    layer that is not stored reads as the store gives it (an annotator's as the suggestions)."""

    def has(self, doc_id: str, layer: str) -> bool:
        """True when the document's ``layer`` is stored (as far as the index knows)."""

    def view_counts(self, doc_id: str, layer: str, at: int | None = None) -> tuple[int, int]:
        """(quotes, reviewed) of ``layer`` of the document (``at``: its place in the project's
        order, a hint the index checks)."""

    def view_suggested(self, doc_id: str, layer: str) -> tuple[int, float | None, int]:
        """(suggested quotes, their least confidence, how many have none) of ``layer``."""

    def view_summary(self, doc_id: str, layer: str) -> LayerSummary:
        """The whole summary of ``layer`` of the document."""

    def view_voices(self, doc_id: str, layer: str) -> tuple[Voice, ...] | None:
        """``view_summary(...).voices`` without the rest (the speaker registry's read)."""

    def view_totals(self, doc_ids: Sequence[str] | None, layer: str) -> tuple[int, int]:
        """(quotes, reviewed) of ``layer`` summed over ``doc_ids`` (``None``: every
        document)."""

    def unreadable_layer(self, doc_id: str, layer: str) -> bool:
        """True when the document's ``layer`` file is there but does not read (damaged)."""

    def view_suggested_columns(
        self, doc_ids: Sequence[str], layer: str
    ) -> tuple[list[int], list[float], list[int]]:
        """``view_suggested`` of each of ``doc_ids``, as three columns (NaN: no confidence)."""


class CorpusView:
    """The corpus index as one annotator sees one layer: read without loading any layer.

    ``doc_ids`` is the project order. Entries are looked up when asked for, so a view stays
    current with this process's own writes; ``Session.verify_summaries`` checks the index
    against the layer files (a view trusts it).
    """

    def __init__(
        self,
        source: SummarySource,
        doc_ids: Sequence[str],
        info: Callable[[str], DocumentInfo | None],
        layer: str,
        annotator: str,
        explicit: Mapping[str, StoredStatus],
    ) -> None:
        self._source = source
        self._info = info
        self.layer = layer
        self.annotator = annotator
        self.explicit = explicit
        self.doc_ids: Sequence[str] = doc_ids

    def __len__(self) -> int:
        return len(self.doc_ids)

    def damaged(self, doc_id: str) -> bool:
        """True when the document's layer in view is on disk but does not read: its counts
        are unknown (neither the suggestions nor an old entry stand for them)."""
        return self._source.unreadable_layer(doc_id, self.layer)

    def __iter__(self) -> Iterator[DocSummary]:
        """Every document's summary, in project order (an object per document: the CLI's)."""
        return (self.summary(d) for d in self.doc_ids)

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._info(doc_id) is not None

    def title(self, doc_id: str) -> str:
        """The document's title, or its id when it has none."""
        info = self._info(doc_id)
        return (info.title or doc_id) if info is not None else doc_id

    def meta(self, doc_id: str) -> Meta:
        """The document's metadata (outlet, date...)."""
        info = self._info(doc_id)
        return info.meta if info is not None else ()

    def counts(self, doc_id: str, at: int | None = None) -> tuple[int, int]:
        """(quotes, reviewed) of the layer on view. ``at``: the document's place in
        ``doc_ids`` when the caller knows it (a library row): checked, it spares the index a
        map of every document."""
        return self._source.view_counts(doc_id, self.layer, at)

    def layer_summary(self, doc_id: str) -> LayerSummary:
        """The summary of the layer on view (an annotator's layer not stored yet: the
        suggestions', which it starts as)."""
        return self._source.view_summary(doc_id, self.layer)

    def layer_voices(self, doc_id: str) -> tuple[Voice, ...] | None:
        """``layer_summary(doc_id).voices``, read alone (``None``: an entry from before voices
        were kept: read the layer)."""
        return self._source.view_voices(doc_id, self.layer)

    def has(self, doc_id: str) -> bool:
        """True when the document's layer on view is stored (not only its suggestions)."""
        return self._source.has(doc_id, self.layer)

    def suggested(self, doc_id: str) -> tuple[int, float | None, int]:
        """(suggested quotes, their least confidence, how many have none) of the layer."""
        return self._source.view_suggested(doc_id, self.layer)

    def suggested_columns(
        self, doc_ids: Sequence[str]
    ) -> tuple[list[int], list[float], list[int]]:
        """``suggested`` of each of ``doc_ids`` in one pass, as three columns: suggested
        quotes, their least confidence (NaN: none has one), how many have none."""
        return self._source.view_suggested_columns(doc_ids, self.layer)

    def stored(self, doc_id: str) -> bool:
        """True when the annotator's own layer of the document is stored."""
        return self._source.has(doc_id, self.annotator)

    def status(self, doc_id: str) -> str:
        """The annotator's status of the document."""
        return annotator_status(self.explicit.get(doc_id), self.stored(doc_id))

    def summary(self, doc_id: str) -> DocSummary:
        """One document's ``DocSummary``."""
        return DocSummary(doc_id, self.title(doc_id), self.layer, self.layer_summary(doc_id),
                          self.status(doc_id), self.stored(doc_id))

    def stats(self, doc_id: str) -> DocStats:
        """One document's review progress (``annotations.layer_summary.DocStats``)."""
        quotes, reviewed = self.counts(doc_id)
        return DocStats(doc_id, self.title(doc_id), quotes, reviewed)

    def totals(self, doc_ids: Sequence[str] | None = None) -> tuple[int, int]:
        """(quotes, reviewed) summed over ``doc_ids`` (default: every document)."""
        return self._source.view_totals(doc_ids, self.layer)


def shown_layer(annotator: str, layer: str | None) -> str:
    """The layer a view of ``layer`` shows (``None``: the annotator's own)."""
    return layer or annotator


def open_view(project: Project, annotator: str, layer: str | None = None,
              explicit: Mapping[str, StoredStatus] | None = None) -> CorpusView:
    """The index of ``project`` as ``annotator`` sees ``layer`` (default: their own), with
    their ``explicit`` statuses (``Session.corpus_view`` reads them). Documents the index knows
    nothing of (a new or deleted index) are rebuilt first from their layer files; entries are
    otherwise trusted (``verify`` checks them)."""
    index = project.summary_index
    doc_ids = project.document_ids()
    names = sorted({shown_layer(annotator, layer), annotator})
    index.ensure(doc_ids, names)
    return CorpusView(index, doc_ids, project.document_info, shown_layer(annotator, layer),
                      annotator, explicit or {})


def verify(project: Project, annotator: str, layer: str | None = None,
           doc_ids: Sequence[str] | None = None) -> list[str]:
    """Check the index against the layer files (a ``stat`` per file) for ``doc_ids`` (default:
    every document) and rebuild what is stale; returns the documents whose entries changed."""
    ids = project.document_ids() if doc_ids is None else list(doc_ids)
    names = sorted({shown_layer(annotator, layer), annotator})
    return project.summary_index.verify(ids, names)
