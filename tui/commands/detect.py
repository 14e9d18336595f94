"""``saywho detect PATH... [--out FILE]``: suggestions as interchange JSONL, no project needed.

Reads .txt/.md/.html/.docx/.rtf files (a news-database export as one document per article),
folders, or JSONL lines with ``id`` and ``text``; writes one interchange line per document
(same ids) to stdout or ``--out``. ``speaker`` is the surface mention nearest each quote,
``speaker_name`` the resolved canonical name.

The detector runs in ``--jobs`` worker processes (default: every core), or on a Dask cluster
with ``--dask ADDRESS`` (``annotations.detect.parallel``); either way the input streams
through in a bounded window and the output is the same, line for line and in input order, as
``--jobs 1``. A progress bar goes to stderr when it is a terminal (and stdout is not).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from annotations.detect.deadline import DEFAULT_DETECT_BUDGET_S
from annotations.detect.parallel import (
    default_jobs,
    detect_each,
    interchange_line,
    require_dask,
)
from annotations.display import visible_line
from annotations.errors import InputError
from annotations.formats.export_common import atomic_output
from annotations.formats.readers import ReadResult, read_documents
from annotations.model import Document
from tui.commands._progress import counting_progress, stderr_is_terminal


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``detect`` parser."""
    parser = subparsers.add_parser(
        "detect",
        help="detect quotes and speakers; print interchange JSONL",
        description="Detect quotes and speakers in files, folders or JSONL (id, text) and "
        "write interchange JSONL with the same ids. No project needed.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help=".txt/.md/.html/.docx/.rtf/.jsonl or folder")
    parser.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    parser.add_argument(
        "--jobs",
        type=positive_jobs,
        default=default_jobs(),
        metavar="N",
        help="worker processes (default: every core, %(default)s here; 1: in this process); "
        "with --dask local, the number of Dask workers",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="detect on a Dask cluster: its scheduler (tcp://host:8786), or 'local' for one "
        "on this machine; needs the extra saywho[dask]",
    )
    parser.add_argument(
        "--budget",
        type=_positive_float,
        default=DEFAULT_DETECT_BUDGET_S,
        metavar="SECONDS",
        help="time one article may take before it is skipped with a message "
        "(default: %(default)g)",
    )
    parser.set_defaults(func=run)
    return parser


def positive_jobs(value: str) -> int:
    """``--jobs``: a whole number of worker processes, at least 1 (else a usage error)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {value}")
    return number


def _document(result: ReadResult) -> Document | None:
    return result.document


def _write_all(args: argparse.Namespace, out: TextIO,
               notes: list[str] | None = None) -> tuple[int, list[str]]:
    """Detect every readable input and write its line, in input order; collect the problems
    (unreadable inputs, skipped or failed articles) in that order too, and in ``notes`` what
    was said beside an input that was read (an export's article cut short)."""
    done, errors = 0, []
    jobs = getattr(args, "jobs", 1)
    budget = getattr(args, "budget", DEFAULT_DETECT_BUDGET_S)
    dask = getattr(args, "dask", None)
    results = detect_each(
        read_documents(args.paths), _document, jobs=jobs, budget_s=budget, dask=dask,
        render=interchange_line,
    )
    with counting_progress("detecting", shown=not stderr_is_terminal(out)) as advance:
        for read, found in results:
            if read.note and notes is not None:
                notes.append(read.note)
            if found is None:
                if read.error and not read.skipped:
                    errors.append(read.error)
                continue
            if found.line is None:
                errors.append(found.message)
                continue
            out.write(found.line + "\n")
            done += 1
            advance()
    return done, errors




def run(args: argparse.Namespace) -> int:
    """Detect and write; exit 1 (one line per bad input) when an input could not be read."""
    if getattr(args, "dask", None) is not None:
        require_dask()
    notes: list[str] = []
    if args.out:
        target = Path(args.out)
        if target.is_dir():
            raise InputError(f"--out {target} is a folder")
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise InputError(f"--out {target}: folder {folder} does not exist")
        try:  # written whole or not at all, as every export (one rule: ``atomic_output``)
            with atomic_output(target) as fh:
                done, errors = _write_all(args, fh, notes)
        except OSError as exc:
            raise InputError(f"--out {target}: cannot write there "
                             f"({exc.strerror or exc})") from exc
    else:
        done, errors = _write_all(args, sys.stdout, notes)
        sys.stdout.flush()
    if errors and not done:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(errors[0] + more)
    for note in notes:
        print(f"saywho: note: {visible_line(note)}", file=sys.stderr)
    for err in errors:
        print(f"saywho: {visible_line(err)}", file=sys.stderr)
    return 1 if errors else 0
