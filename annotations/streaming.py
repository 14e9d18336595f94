"""One document at a time: the corpus-wide passes (exports, stats, agreement, evaluation).

At 100,000 documents nothing may hold every document's layers: ``each_document`` yields the
project's document ids in order and drops each document's text and layers from memory
(``Session.forget``) once the caller is done with it, so the memory of a pass stays flat in
the size of the corpus. ``progress`` hears each document done (the CLI draws a bar on stderr).

``document_runs`` splits a pass into runs of ``PART`` documents and, for a large corpus, works
on them in forked worker processes (every core), handing the results back in corpus order: a
pass whose results pool in order (agreement's counts, an export's lines) gives what one
process gives.

``read_document`` reads one document and the layers a pass needs, each layer file read and
parsed once; on a project opened read-only it goes straight to the files' bytes
(``Project.read_for_pass``) and takes the usual way (the damage check, the layer list, the
layers) only when that cannot answer alone, so a damaged file is reported exactly as before.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from annotations.model import Document, Layer
    from annotations.session import Session


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


@contextmanager
def held_objects_frozen() -> Iterator[None]:
    """For a command about to walk the corpus: take every object held now (the project's
    document list: a row per document) out of the cyclic garbage collector's sight
    (``gc.freeze``) for the length of the pass, so that the collections the pass sets off do
    not walk them again and again. They are given back to it (``gc.unfreeze``) at the end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def read_document(
    session: Session, doc_id: str, names: Collection[str]
) -> tuple[Document, dict[str, Layer]]:
    """The document and those of layers ``names`` it has (in the order of ``names``);
    ``DamagedFileError`` when its text or one of those layers' files cannot be read (the
    message ``check_document`` gives). For a pass: on a read-only project nothing is cached
    but the text, which ``each_document`` forgets."""
    fast = session.project.read_for_pass(doc_id, names)
    if fast is not None:
        return fast
    session.check_document(doc_id, names)
    doc = session.document(doc_id)
    present = set(session.layer_names(doc_id))
    return doc, {name: session.layer(doc_id, name) for name in names if name in present}


R = TypeVar("R")
Work = Callable[[list[str], Callable[[], None] | None], R]
"""What a pass does with a run of document ids (and a call per document done, or ``None``)."""

PART = 256  # documents per run handed to a worker
PARALLEL_AFTER = 4 * PART  # fewer documents than that are worked on in this process


@contextmanager
def document_runs(
    work: Work[R], doc_ids: list[str], jobs: int
) -> Iterator[Callable[[Callable[[], None]], Iterator[R]]]:
    """``work`` on ``doc_ids`` in runs of ``PART`` documents, the results in corpus order: in
    ``jobs`` worker processes forked on entering (a large corpus, where the system can fork;
    ``work`` and what it reads come with the fork, only the ids and the results are sent),
    else in this process. What it gives: a function of the per-document progress call that
    yields the results. Enter it before any thread starts (a progress bar's)."""
    runs = [doc_ids[i:i + PART] for i in range(0, len(doc_ids), PART)]
    forking = "fork" in multiprocessing.get_all_start_methods()
    if jobs < 2 or len(doc_ids) < PARALLEL_AFTER or not forking:
        def here(advance: Callable[[], None]) -> Iterator[R]:
            for run in runs:
                yield work(run, advance)

        yield here
        return
    global _WORK
    _WORK = work
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(runs))) as pool:
            def there(advance: Callable[[], None]) -> Iterator[R]:
                for run, result in zip(runs, pool.imap(_work_in_worker, runs), strict=True):
                    for _ in run:
                        advance()
                    yield result

            yield there
    finally:
        _WORK = None


_WORK: Work[Any] | None = None  # the work a forked worker does


def _work_in_worker(run: list[str]) -> Any:
    """The pass's work on one run, in a worker process (forked with it)."""
    assert _WORK is not None
    return _WORK(run, None)
