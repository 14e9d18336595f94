"""Detection on every core, or on a Dask cluster, streamed in input order.

Detection is a pure function of a text, so a corpus is detected in worker processes while this
process reads the input and writes the output: ``saywho detect`` and ``saywho import`` (through
``Session.import_documents(jobs=...)``) both come here. What this module guarantees:

- **Same output as one process.** Results come back in input order, and each article gets the
  same result it gets in process: the same suggestions, or the same one-line reason (the time
  budget is applied *inside* the worker, with the same ``skipped: detection took over N s``).
- **Flat memory.** The input is consumed lazily and at most a bounded window of chunks is in
  flight (``WINDOW_PER_JOB`` chunks per worker, each at most ``CHUNK_DOCS`` articles or
  ``CHUNK_CHARS`` characters); a corpus is never held whole.
- **A crash loses one article.** A worker that dies (a segfault, the out-of-memory killer) takes
  its chunk down with it: the pool is restarted, that chunk is re-run one article at a time to
  find the article that kills it, which is reported, and everything else goes on.
- **Small inputs stay here.** An input of a few short articles is detected in this process:
  starting workers would cost more than it saves, and the result is the same.

Workers fork from this process when it runs no other thread, on Linux (``saywho detect`` and
``saywho import`` on the command line): they start at once, with the detector this process has
already loaded, which is most of what a short run on two cores waits for. Otherwise (the TUI's
threads, another platform) they start from a ``forkserver`` (``spawn`` where there is none): a
thread holding a lock cannot hang them, and each worker holds only the detector. As in any
multiprocessing program, a script that calls this needs the ``if __name__ == "__main__":``
guard. ``render`` lets the worker also turn the layer into the
output line (``saywho detect`` passes ``interchange_line``), so one string comes back per
article and this process stays free to read and write.

``dask=ADDRESS`` sends larger chunks (shards) to a Dask cluster (``dask.distributed``; the word
``local`` starts a ``LocalCluster`` of ``jobs`` processes here) in a bounded window and gathers
them in order. Dask is the optional extra ``saywho[dask]``, imported only on this path.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from annotations.detect.deadline import DetectionTimeout, detection_budget
from annotations.errors import InputError, SaywhoError
from annotations.model import SUGGESTIONS_LAYER, Document, Layer

if TYPE_CHECKING:
    from annotations.detect.suggestions import Detector

T = TypeVar("T")
# (document, its suggestions layer, the detector's origin) -> the article's output line
Render = Callable[[Document, Layer, str], str]

# A chunk (one task for a worker) closes at this many articles or characters, whichever first:
# short articles are batched so the cost of a task stays small next to the detection in it,
# long ones go alone so one slow chunk does not hold the ordered output back for long.
CHUNK_DOCS = 32
CHUNK_CHARS = 20_000
# A Dask task costs the scheduler about a millisecond wherever it runs: shards are larger there.
DASK_CHUNK_DOCS = 256
DASK_CHUNK_CHARS = 200_000
# Chunks in flight per worker: enough that a worker never waits for the next one while this
# process writes results, few enough that memory does not grow with the corpus.
WINDOW_PER_JOB = 4
# An input that ends within this many articles and characters is detected in process.
SMALL_INPUT_DOCS = 8
SMALL_INPUT_CHARS = 200_000

CRASH_MESSAGE = "the detector's worker process died (a crash, or out of memory)"
DASK_MISSING = "install saywho[dask] for --dask"


@dataclass(frozen=True, slots=True)
class DetectResult:
    """One article's detection: its suggestions layer, or why there is none.

    ``error`` is one line without the article id (``skipped: detection took over 10 s``, ``the
    detector failed (ValueError: ...)``); ``skipped`` is True when the time budget ran out.
    ``origin`` is the detector's version string (the interchange ``annotator``). With a
    ``render`` function the worker turns the layer into ``line`` and keeps the layer (``None``
    here): one string crosses the process boundary instead of every record.
    """

    doc: Document
    layer: Layer | None = None
    origin: str = ""
    error: str | None = None
    skipped: bool = False
    line: str | None = None

    @property
    def ok(self) -> bool:
        """True when the article was detected (its ``layer``, or its ``line``)."""
        return self.error is None

    @property
    def message(self) -> str:
        """The one-line report for an article without suggestions: ``<id>: <error>``."""
        return f"{self.doc.id}: {self.error}"


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What a worker sends back for one article (the parent pairs it with its document)."""

    layer: Layer | None = None
    origin: str = ""
    error: str | None = None
    skipped: bool = False
    line: str | None = None

    def for_doc(self, doc: Document) -> DetectResult:
        return DetectResult(doc, self.layer, self.origin, self.error, self.skipped, self.line)


_CRASHED = _Outcome(error=CRASH_MESSAGE)


def default_jobs() -> int:
    """Worker processes when none are asked for: every core this process may run on."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return max(1, count() or 1)
    with contextlib.suppress(AttributeError, OSError):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def require_dask() -> None:
    """Raise the one-line ``InputError`` that names the extra when Dask is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise InputError(DASK_MISSING) from None


def detect_many(
    docs: Iterable[Document],
    *,
    jobs: int,
    budget_s: float | None,
    dask: str | None = None,
    detector: Detector | None = None,
    render: Render | None = None,
) -> Iterator[DetectResult]:
    """Detect every document, ``jobs`` at a time, yielding one result each in input order.

    ``jobs=1`` detects in this process. ``budget_s`` is each article's time budget (``None``:
    none). ``dask``: a scheduler address, or ``local``. ``detector``: any picklable
    ``Detector`` (default: the rule detector, built once in each worker). ``render``: a
    picklable module-level function run where the article was detected (see ``DetectResult``).
    """
    for _doc, result in detect_each(
        docs, _same, jobs=jobs, budget_s=budget_s, dask=dask, detector=detector, render=render
    ):
        assert result is not None
        yield result


def detect_each(
    items: Iterable[T],
    document_of: Callable[[T], Document | None],
    *,
    jobs: int,
    budget_s: float | None,
    dask: str | None = None,
    detector: Detector | None = None,
    render: Render | None = None,
) -> Iterator[tuple[T, DetectResult | None]]:
    """Every item in input order, with the detection of ``document_of(item)`` (``None`` when
    that is ``None``: an unreadable file, a document the project already holds).

    The items without a document pass through in their place, so a caller reports everything
    in input order; like the documents, they are held only while within the bounded window.
    The other arguments are ``detect_many``'s.
    """
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1 (got {jobs})")
    pairs = ((item, document_of(item)) for item in items)
    task = _Task(budget_s, render)
    if dask is not None:
        yield from _on_dask(pairs, dask, jobs=jobs, task=task, detector=detector)
        return
    if jobs == 1:
        yield from _here(pairs, task, detector)
        return
    head = list(islice(pairs, SMALL_INPUT_DOCS + 1))
    chars = sum(len(doc.text) for _, doc in head if doc is not None)
    if len(head) <= SMALL_INPUT_DOCS and chars <= SMALL_INPUT_CHARS:
        yield from _here(iter(head), task, detector)
        return
    pool = _Pool(jobs, detector)
    try:
        yield from pool.run(_chain(head, pairs), task)
    except BaseException:  # the caller stopped early (or Ctrl-C): do not wait for the window
        pool.close(abandon=True)
        raise
    pool.close()


def _same(doc: Document) -> Document:
    return doc


def _chain(head: list[T], rest: Iterator[T]) -> Iterator[T]:
    yield from head
    yield from rest


# ----------------------------------------------------------------- one text
@dataclass(frozen=True, slots=True)
class _Task:
    """What every article of one run is detected with, wherever it runs."""

    budget_s: float | None
    render: Render | None = None

    def run(self, doc: Document, detector: Detector) -> _Outcome:
        """One article: detected, then rendered when asked."""
        found = _detect_text(doc.text, self.budget_s, detector)
        if self.render is None or found.layer is None:
            return found
        try:
            line = self.render(doc, found.layer, found.origin)
        except Exception as exc:  # noqa: BLE001 - reported like a detector failure
            return _Outcome(error=f"could not be written ({type(exc).__name__}: "
                            f"{_first_line(exc)})")
        return _Outcome(origin=found.origin, line=line)


def _detect_text(text: str, budget_s: float | None, detector: Detector) -> _Outcome:
    """One text's suggestions under its time budget, or the one-line reason there are none.

    The same rules as ``Session.suggest``: the detector stops itself when the budget is spent,
    any other detector is judged when it returns, and the layer is checked against the text.
    """
    started = time.monotonic()
    try:
        with detection_budget(budget_s):
            found = detector.detect(text)
        if budget_s is not None and time.monotonic() - started > budget_s:
            raise DetectionTimeout(budget_s)
        quotes = {q.id: q for q in found.quotes}
        speakers = {s.id: s for s in found.speakers}
        layer = Layer(SUGGESTIONS_LAYER, quotes, speakers).check(text)
    except DetectionTimeout as exc:
        return _Outcome(error=f"skipped: {exc.message}", skipped=True)
    except SaywhoError as exc:
        return _Outcome(error=exc.message)
    except Exception as exc:  # noqa: BLE001 - one bad text must not stop the others
        return _Outcome(error=f"the detector failed ({type(exc).__name__}: {_first_line(exc)})")
    return _Outcome(layer, found.origin)


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:120] if text else type(exc).__name__


def interchange_line(doc: Document, layer: Layer, origin: str) -> str:
    """A ``render`` for ``saywho detect``: the article's interchange JSON line (no newline),
    made terminal-safe. Here, not in the CLI, so a worker needs only the domain to run it."""
    from annotations.display import safe_json
    from annotations.formats.interchange import document_to_interchange

    line = document_to_interchange(doc, layer, annotator=origin)
    return safe_json(json.dumps(line, ensure_ascii=False))


def _default_detector() -> Detector:
    from annotations.detect import DEFAULT_DETECTOR

    return DEFAULT_DETECTOR


def _here(
    pairs: Iterable[tuple[T, Document | None]], task: _Task, detector: Detector | None
) -> Iterator[tuple[T, DetectResult | None]]:
    """In this process, one item after the other."""
    engine = detector
    for item, doc in pairs:
        if doc is None:
            yield item, None
            continue
        if engine is None:
            engine = _default_detector()
        yield item, task.run(doc, engine).for_doc(doc)


# ----------------------------------------------------------------- chunks and the window
_Chunk = list[tuple[T, Document | None]]


def _chunks(
    pairs: Iterable[tuple[T, Document | None]],
    most_docs: int = CHUNK_DOCS,
    most_chars: int = CHUNK_CHARS,
) -> Iterator[_Chunk[T]]:
    """Consecutive items, closed at ``most_docs`` items or ``most_chars`` characters."""
    chunk: _Chunk[T] = []
    chars = 0
    for item, doc in pairs:
        chunk.append((item, doc))
        chars += len(doc.text) if doc is not None else 0
        if len(chunk) >= most_docs or chars >= most_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _docs(chunk: _Chunk[T]) -> list[Document]:
    return [doc for _, doc in chunk if doc is not None]


def _paired(chunk: _Chunk[T], outcomes: list[_Outcome]) -> Iterator[tuple[T, DetectResult | None]]:
    found = iter(outcomes)
    for item, doc in chunk:
        yield item, (None if doc is None else next(found).for_doc(doc))


@dataclass(slots=True)
class _InFlight(Generic[T]):
    """A chunk in the window, with the task detecting it (``None``: nothing to detect)."""

    chunk: _Chunk[T]
    task: Any = None


# ----------------------------------------------------------------- worker processes
_WORKER_DETECTOR: Detector | None = None


def _start_worker(detector: Detector | None, forked_from: int | None = None) -> None:
    """A worker's first act: ignore Ctrl-C (the parent stops the pool) and build the detector
    once, so no task pays for loading its word lists. A worker forked from its caller
    (``forked_from``: the caller's pid) dies with it: it holds the caller's open files (the
    annotator's session lock, the output pipe), which must not outlive a killed caller."""
    global _WORKER_DETECTOR
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if forked_from is not None:
        _die_with_parent(forked_from)
    _WORKER_DETECTOR = detector if detector is not None else _default_detector()


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent exits (``PR_SET_PDEATHSIG``); a parent
    already gone before the request is caught by the pid check after it."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _warm(detector: Detector) -> None:
    """Let the detector load what it loads on first use (word lists, models)."""
    with contextlib.suppress(Exception):
        detector.detect('The mayor said "we are ready."')


def _detect_chunk(docs: list[Document], task: _Task) -> list[_Outcome]:
    """A worker's task: each article of one chunk, each under its own budget."""
    detector = _WORKER_DETECTOR if _WORKER_DETECTOR is not None else _default_detector()
    return [task.run(doc, detector) for doc in docs]


def _context() -> multiprocessing.context.BaseContext:
    """``fork`` for a single-threaded caller on Linux (see the module docstring); else
    ``forkserver`` where there is one: workers fork from a clean single-threaded server, so
    a thread of the caller (a progress bar, the TUI) holding a lock cannot hang them."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["annotations.detect.parallel", "annotations.detect.rules",
             "annotations.formats.interchange"]
        )
        return ctx
    return multiprocessing.get_context("spawn")


class _Pool:
    """A process pool that survives a dying worker (see the module docstring)."""

    def __init__(self, jobs: int, detector: Detector | None) -> None:
        self.jobs = jobs
        self.detector = detector
        self.window = jobs * WINDOW_PER_JOB
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        context = _context()
        forked = context.get_start_method() == "fork"
        if forked and self.detector is None:
            _warm(_default_detector())  # loaded once here, inherited by every worker
        return ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_start_worker,
            initargs=(self.detector, os.getpid() if forked else None),
        )

    def _restart(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = self._start()

    def close(self, *, abandon: bool = False) -> None:
        """Stop the workers; with ``abandon`` (the caller stopped early) busy ones are
        terminated rather than waited for."""
        if not abandon:
            self.executor.shutdown(wait=True)
            return
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()
                process.join()

    def _submit(self, chunk: _Chunk[T], task: _Task) -> _InFlight[T]:
        docs = _docs(chunk)
        future = self.executor.submit(_detect_chunk, docs, task) if docs else None
        return _InFlight(chunk, future)

    def run(
        self, pairs: Iterable[tuple[T, Document | None]], task: _Task
    ) -> Iterator[tuple[T, DetectResult | None]]:
        """Submit chunks as the window allows and yield their results in order."""
        window: deque[_InFlight[T]] = deque()
        for chunk in _chunks(pairs):
            window.append(self._submit(chunk, task))
            while window and (len(window) > self.window or _ready(window[0].task)):
                yield from self._collect(window, task)
        while window:
            yield from self._collect(window, task)

    def _collect(
        self, window: deque[_InFlight[T]], task: _Task
    ) -> Iterator[tuple[T, DetectResult | None]]:
        head = window.popleft()
        if head.task is None:
            yield from _paired(head.chunk, [])
            return
        try:
            outcomes = head.task.result()
        except BrokenProcessPool:
            outcomes = self._recover(head, window, task)
        yield from _paired(head.chunk, outcomes)

    def _recover(
        self, head: _InFlight[T], window: deque[_InFlight[T]], task: _Task
    ) -> list[_Outcome]:
        """A worker died: find the article of ``head`` that killed it (each alone in a fresh
        pool), then resubmit the chunks of the window the dead pool took with it."""
        self._restart()
        outcomes = [self._alone(doc, task) for doc in _docs(head.chunk)]
        for i in range(len(window)):
            entry = window[i]
            if entry.task is not None and _broken(entry.task):
                window[i] = self._submit(entry.chunk, task)
        return outcomes

    def _alone(self, doc: Document, task: _Task) -> _Outcome:
        try:
            return self.executor.submit(_detect_chunk, [doc], task).result()[0]
        except BrokenProcessPool:
            self._restart()
        try:  # the article, or workers that cannot even start (then every one would "crash")
            self.executor.submit(_detect_chunk, [], task).result()
        except BrokenProcessPool:
            raise SaywhoError(
                "the detector's worker processes cannot start (a script that runs saywho needs "
                "an `if __name__ == '__main__':` guard); try --jobs 1"
            ) from None
        return _CRASHED


def _ready(task: Future[Any] | None) -> bool:
    return task is None or task.done()


def _broken(task: Future[Any]) -> bool:
    """True for a task the dead pool failed (a finished task keeps its result). Called after
    the dead pool was shut down, so every task of it is settled."""
    if task.cancelled() or not task.done():
        return True
    return isinstance(task.exception(timeout=0), BrokenProcessPool)


# ----------------------------------------------------------------- a Dask cluster
def _detect_chunk_dask(
    docs: list[Document], task: _Task, detector: Detector | None
) -> list[_Outcome]:
    """A Dask task: one shard, on whichever worker the scheduler picks."""
    engine = detector if detector is not None else _default_detector()
    return [task.run(doc, engine) for doc in docs]


def _on_dask(
    pairs: Iterable[tuple[T, Document | None]],
    address: str,
    *,
    jobs: int,
    task: _Task,
    detector: Detector | None,
) -> Iterator[tuple[T, DetectResult | None]]:
    """Chunks to a Dask cluster in a bounded window, gathered in input order."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(DASK_MISSING) from None
    address = address.strip()
    if not address:
        raise InputError("--dask needs a scheduler address (tcp://host:8786) or 'local'")
    with contextlib.ExitStack() as stack:
        try:
            if address == "local":
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=jobs, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR,
                    )
                )
                client = stack.enter_context(Client(cluster))
            else:
                client = stack.enter_context(Client(address, timeout="10s"))
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"--dask {address}: no Dask scheduler there ({_first_line(exc)})") \
                from None
        threads = sum(client.nthreads().values()) or jobs
        limit = max(4, threads * 2)  # shards in flight: each worker has the next one queued

        def submit(docs: list[Document]) -> Any:
            return client.submit(_detect_chunk_dask, docs, task, detector, pure=False)

        def collect(entry: _InFlight[T]) -> list[_Outcome]:
            if entry.task is None:
                return []
            try:
                return entry.task.result()
            except Exception:  # noqa: BLE001 - a worker died under it: one text at a time
                return [_alone_on_dask(submit, doc, address) for doc in _docs(entry.chunk)]

        window: deque[_InFlight[T]] = deque()
        for chunk in _chunks(pairs, DASK_CHUNK_DOCS, DASK_CHUNK_CHARS):
            docs = _docs(chunk)
            window.append(_InFlight(chunk, submit(docs) if docs else None))
            while window and (len(window) > limit or _dask_ready(window[0].task)):
                head = window.popleft()
                yield from _paired(head.chunk, collect(head))
        while window:
            head = window.popleft()
            yield from _paired(head.chunk, collect(head))


def _dask_ready(task: Any) -> bool:
    return task is None or task.done()


def _alone_on_dask(
    submit: Callable[[list[Document]], Any], doc: Document, address: str
) -> _Outcome:
    """One article alone: a worker that dies on it again makes it the culprit; losing the
    scheduler itself stops the run with one line."""
    from distributed import KilledWorker

    try:
        return submit([doc]).result()[0]
    except KilledWorker:
        return _CRASHED
    except Exception as exc:  # noqa: BLE001 - the cluster is gone: say so once
        raise InputError(f"--dask {address}: lost the cluster ({_first_line(exc)})") from None
