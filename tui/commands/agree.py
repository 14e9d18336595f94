"""``saywho agree``: inter-annotator agreement between the project's layers.

Documents are compared one at a time (``annotations.streaming``), only counts are kept across
them (``annotations.agreement``), and with ``--json`` each document's figures are written to a
temporary file as they come and copied out at the end: memory stays flat in the size of the
corpus. Layers named with ``--layers`` are checked against those the pass meets; without it,
which layers there are is read from the corpus index. A long run shows a bar on stderr.
"""

from __future__ import annotations

import argparse
import codecs
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import IO, Any

import orjson
from rich.console import Console
from rich.text import Text

from annotations.agreement import (
    AgreementReport,
    DocLayers,
    agreement,
    choose_layers,
    summary_lines,
)
from annotations.corpus_index import indexed_layers
from annotations.display import safe_json, visible_line
from annotations.errors import DamagedFileError, InputError
from annotations.session import Session
from annotations.streaming import each_document
from tui.commands._common import open_session
from tui.commands._progress import document_progress

CHUNK = 1 << 16


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``agree`` command."""
    parser = subparsers.add_parser(
        "agree",
        help="agreement between annotators' layers (span F1, speaker, kappa, alpha)",
        description="Quote-span agreement (F1, exact and >=50%% overlap), speaker agreement on "
        "matched quotes, stance Cohen's kappa for pairs of layers and Krippendorff's alpha "
        "(nominal, any number of layers, missing values allowed) on the stance, type and "
        "speaker of matched quotes and on the words (is each word inside a quote: the "
        "agreement on where the quotes are), per document and overall.",
        epilog="example: saywho agree --layers ana ben --json",
    )
    parser.add_argument("--layers", nargs="+", metavar="NAME", help="layers to compare")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Compute and print agreement."""
    skipped: list[str] = []
    with ExitStack() as stack:
        session = open_session(args, read_only=True, create=False)
        stack.callback(session.close)
        spool = stack.enter_context(tempfile.TemporaryFile()) if args.json else None
        doc_ids = session.document_ids()
        if args.layers:  # checked against the layers the pass meets (no index to hold)
            if len(args.layers) < 2:
                raise InputError("agreement needs at least two layers")
            names = list(args.layers)
        else:  # which layers there are: from the corpus index
            indexed = indexed_layers(session)
            names = _layers(None, {n for d in doc_ids for n in indexed.layer_names(d)})
        keep = _discard if spool is None else _spooler(spool)
        seen: set[str] = set()
        with document_progress("comparing", len(doc_ids)) as advance:
            report = agreement(_documents(session, names, doc_ids, skipped, seen, advance),
                               names, per_document=keep)
        _layers(args.layers, seen)  # a layer asked for that no document has: nothing printed
        if spool is not None:
            _print_json(report, spool, sys.stdout)
        else:
            _print(report)
    for message in skipped:  # a damaged document is left out, never silently
        print(f"saywho: skipped: {visible_line(message)}", file=sys.stderr)
    return 1 if skipped else 0


def _layers(asked: list[str] | None, known: set[str]) -> list[str]:
    """The layers compared: those asked for (each must be in ``known``), else
    ``choose_layers`` of ``known``."""
    if asked:
        missing = [n for n in asked if n not in known]
        if missing:
            raise InputError(
                f"no layer named {', '.join(missing)}; the project has {', '.join(sorted(known))}"
            )
        if len(asked) < 2:
            raise InputError("agreement needs at least two layers")
        return list(asked)
    if len(known) < 2:
        raise InputError("the project has fewer than two layers to compare")
    return choose_layers(known)


def _documents(
    session: Session,
    names: list[str],
    doc_ids: list[str],
    skipped: list[str],
    seen: set[str],
    progress: Callable[[], None],
) -> Iterator[DocLayers]:
    """Each readable document with those of ``names`` it has, one at a time; the damaged ones
    go to ``skipped``, the names of every layer met to ``seen``."""
    for doc_id in each_document(session, doc_ids, progress=progress):
        try:
            session.check_document(doc_id, names)
            text = session.document(doc_id).text
            present = set(session.layer_names(doc_id))
            seen.update(present)
            layers = {n: session.layer(doc_id, n) for n in names if n in present}
        except DamagedFileError as exc:
            skipped.append(exc.message)
            continue
        yield doc_id, text, layers


def _discard(doc_id: str, entry: dict[str, Any]) -> None:
    return None


def _spooler(spool: IO[bytes]) -> Callable[[str, dict[str, Any]], None]:
    """Writes each document's figures to ``spool`` as ``"id":{...}`` members, comma-led."""
    first = True

    def keep(doc_id: str, entry: dict[str, Any]) -> None:
        nonlocal first
        spool.write(b"" if first else b",")
        spool.write(orjson.dumps(doc_id) + b":" + orjson.dumps(entry))
        first = False

    return keep


def _print_json(report: AgreementReport, spool: IO[bytes], out: IO[str]) -> None:
    """One JSON object, as ``report.to_dict()`` would print, with the per-document members
    copied from ``spool`` a chunk at a time."""
    head = orjson.dumps({"layers": report.layers, "docs": report.documents,
                         "overall": report.overall})
    out.write(safe_json(head[:-1].decode()) + ',"per_document":{')
    spool.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := spool.read(CHUNK):
        out.write(safe_json(decoder.decode(chunk)))
    out.write(safe_json(decoder.decode(b"", final=True)) + "}}\n")
    out.flush()


def _print(report: AgreementReport) -> None:
    console = Console(highlight=False)
    for line in summary_lines(report):
        console.print(Text(visible_line(line)))
