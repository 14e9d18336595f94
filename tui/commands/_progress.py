"""Progress bars on stderr for the long commands: ``document_progress`` for a walk over the whole
corpus (export, stats, agree, eval: the total is known), ``counting_progress`` for a stream whose
length is not (detect, import). Shown only when stderr is a terminal and the run is long enough
to need one, transient (they leave no line behind), and never on stdout, so ``--json`` output
and pipes stay clean."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

PROGRESS_AFTER = 200  # documents: fewer than that and a run is over before a bar helps
STREAM_PROGRESS_AFTER = 20  # articles detected (milliseconds each) before a counting bar shows


def stderr_is_terminal(stream: TextIO | None = None) -> bool:
    """True when ``stream`` (default: ``sys.stderr``) is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced by a test, or closed
        return False


@contextmanager
def document_progress(what: str, total: int) -> Iterator[Callable[[], None]]:
    """A call per document done; draws ``what`` with a bar of ``total`` documents on stderr
    when it is a terminal and ``total`` is at least ``PROGRESS_AFTER``."""
    if total < PROGRESS_AFTER or not stderr_is_terminal():
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    progress = Progress(*columns, console=Console(stderr=True), transient=True)
    task = progress.add_task(what, total=total)
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        if done % 64 == 0 or done == total:  # a redraw per document would cost more than it
            progress.update(task, completed=done)

    progress.start()
    try:
        yield advance
    finally:
        progress.stop()


@contextmanager
def counting_progress(what: str, *, shown: bool = True) -> Iterator[Callable[[], None]]:
    """A call per article done, their number not known before (a stream); after
    ``STREAM_PROGRESS_AFTER`` of them, a transient bar counting them on stderr, when stderr is a
    terminal and ``shown`` (``saywho detect``: unless its output goes to that terminal)."""
    if not shown or not stderr_is_terminal():
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(what), BarColumn(), TextColumn("{task.completed} articles"),
               TimeElapsedColumn())
    progress = Progress(*columns, console=Console(stderr=True), transient=True)
    task = progress.add_task(what, total=None)
    count = 0

    def advance() -> None:
        nonlocal count
        count += 1
        if count == STREAM_PROGRESS_AFTER:
            progress.start()
        progress.update(task, completed=count)

    try:
        yield advance
    finally:
        progress.stop()


def _nothing() -> None:
    return None
