"""``saywho agree``: inter-annotator agreement between the project's layers.

Documents are compared one at a time (``annotations.streaming``), only counts are kept across
them (``annotations.agreement``), and with ``--json`` each document's figures are written to a
temporary file as they come and copied out at the end: memory stays flat in the size of the
corpus. Layers named with ``--layers`` are checked against those the pass meets; without it,
which layers there are is read from the corpus index. A long run shows a bar on stderr.

A large corpus is compared in ``--jobs`` worker processes (default: every core), each taking
runs of documents (``streaming.document_runs``); the runs come back in corpus order and pool
into the same figures, per document and overall, as one process gives
(``AgreementPass.merge``).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson
from rich.console import Console
from rich.text import Text

from annotations.agreement import (
    AgreementPass,
    AgreementReport,
    Disagreement,
    DocLayers,
    choose_layers,
    summary_lines,
)
from annotations.codebook import CodedVariable
from annotations.detect.parallel import default_jobs
from annotations.display import count, safe_json, visible_line
from annotations.errors import DamagedFileError, InputError
from annotations.formats.disagreements_csv import disagreement_columns, disagreement_row
from annotations.formats.export_common import atomic_output
from annotations.indexed_layers import indexed_layers
from annotations.registry import CorpusCodes
from annotations.session import Session
from annotations.stats import corpus_codes
from annotations.streaming import (
    document_runs,
    each_document,
    held_objects_frozen,
    read_document,
)
from tui.commands._common import open_session, refuse_inside, warn_unreadable_codebook
from tui.commands._progress import document_progress
from tui.commands.detect import positive_jobs

CHUNK = 1 << 16


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``agree`` command."""
    parser = subparsers.add_parser(
        "agree",
        help="agreement between annotators' layers (span F1, speaker, kappa, alpha, "
        "speaker attributes, quote variables)",
        description="Quote-span agreement (F1, exact and >=50% overlap), speaker agreement on "
        "matched quotes, stance Cohen's kappa for pairs of layers and Krippendorff's alpha "
        "(nominal, any number of layers, missing values allowed) on the stance, type and "
        "speaker of matched quotes, on each speaker attribute the project codes (gender…: "
        "over the speakers two layers code in a document, each coder's own value there, else "
        "the one they code that person with elsewhere), on each quote variable it codes "
        "(topic…: over the matched quotes, a quote left uncoded missing) and on the words (is "
        "each word inside a quote: the agreement on where the quotes are), per document and "
        "overall.",
        epilog="example: saywho agree --layers ana ben --json",
    )
    parser.add_argument("--layers", nargs="+", metavar="NAME", help="layers to compare")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--disagreements", type=Path, metavar="FILE.csv",
        help="also write where the layers disagree, one row a place (a quote some lack, or "
        "its span, speaker, stance, type or a quote variable's code differing), with each "
        "layer's quote there, and one row per person of a document the layers code "
        "differently (speaker gender…)")
    parser.add_argument(
        "--jobs",
        type=positive_jobs,
        default=default_jobs(),
        metavar="N",
        help="worker processes for a large corpus (default: every core, %(default)s here; "
        "1: in this process)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Compute and print agreement."""
    skipped: list[str] = []
    with ExitStack() as stack:
        session = open_session(args, read_only=True, create=False)
        stack.callback(session.close)
        warn_unreadable_codebook(session)  # no alpha for what they code
        stack.enter_context(held_objects_frozen())  # the document list, to the end
        spool = stack.enter_context(tempfile.TemporaryFile()) if args.json else None
        doc_ids = session.document_ids()
        if args.layers:  # checked against the layers the pass meets (no index to hold)
            if len(set(args.layers)) < len(args.layers):
                raise InputError("a layer is named twice in --layers: name each once")
            if len(args.layers) < 2:
                raise InputError("agreement needs at least two layers")
            names = list(args.layers)
        else:  # which layers there are: from the corpus index
            indexed = indexed_layers(session)
            names = _layers(None, {n for d in doc_ids for n in indexed.layer_names(d)})
        seen: set[str] = set()
        attributes, codes = _speaker_codes(session, names)
        counts = AgreementPass(names, attributes=attributes, codes=codes,
                               variables=session.quote_variables)
        table = None
        where = getattr(args, "disagreements", None)
        if where is not None:
            refuse_inside(session.project.folder, where, "--disagreements")
            if where.is_dir():
                raise InputError(f"--disagreements {visible_line(str(where))} is a folder; it "
                                 "names the csv file to write")
            table = csv.writer(stack.enter_context(atomic_output(where, "w")))
            table.writerow(disagreement_columns(names, [a.name for a in attributes],
                                                [v.name for v in counts.variables]))
        # the workers are forked before the bar's thread starts
        keep = spool is not None
        differ = table is not None
        parts = stack.enter_context(document_runs(
            lambda run, progress: _compare(counts, session, run, keep, progress, differ),
            doc_ids, getattr(args, "jobs", 1)))
        wrote = False
        places = 0
        with document_progress("comparing", len(doc_ids)) as advance:
            for part in parts(advance):
                counts.merge(part.counts)
                if table is not None:
                    table.writerows(part.rows)
                    places += len(part.rows)
                skipped.extend(part.skipped)
                seen.update(part.seen)
                if spool is not None and part.members:
                    spool.write(b"," + part.members if wrote else part.members)
                    wrote = True
        report = AgreementReport(names, {}, counts.overall(), counts.count, counts.compared)
        if any(n not in seen for n in names):  # which layers there are, for the message
            seen = _every_layer(session, doc_ids, names)
        _layers(args.layers, seen)  # a layer asked for that no document has: nothing printed
        if spool is not None:
            _print_json(report, spool, sys.stdout)
        else:
            _print(report)
    if where is not None:
        print(f"saywho: {count(places, 'disagreement')} written to "
              f"{visible_line(str(where))}", file=sys.stderr)
    for message in skipped:  # a damaged document is left out, never silently
        print(f"saywho: skipped: {visible_line(message)}", file=sys.stderr)
    return 1 if skipped else 0


@dataclass
class _Part:
    """A run of documents compared: their pooled counts, each one's figures as JSON members
    (``"id":{...}``, comma-separated; empty without ``--json``), the messages of the damaged
    ones and the names of the layers met."""

    counts: AgreementPass
    members: bytes
    skipped: list[str]
    seen: set[str]
    done: int
    rows: list[list[object]]


def _speaker_codes(
    session: Session, names: list[str]
) -> tuple[tuple[CodedVariable, ...], dict[str, CorpusCodes]]:
    """The speaker attributes the project codes, and what each layer codes across the corpus
    (a speaker's value where that layer does not code them in a document), from the index."""
    attributes = tuple(session.speaker_attributes)
    return attributes, {n: corpus_codes(session, n) for n in names} if attributes else {}


def _compare(
    like: AgreementPass,
    session: Session,
    doc_ids: list[str],
    keep: bool,
    progress: Callable[[], None] | None = None,
    differ: bool = False,
) -> _Part:
    """Compare the documents ``doc_ids``, one at a time, in a pass of its own set up as
    ``like`` (``keep``: their figures too; ``differ``: the rows of where they disagree)."""
    names = like.names
    counts = AgreementPass(names, attributes=like.attributes, codes=like.codes,
                           variables=like.variables)
    attributes = [a.name for a in like.attributes]
    variables = [v.name for v in like.variables]
    members = []
    skipped: list[str] = []
    seen: set[str] = set()
    rows: list[list[object]] = []
    for doc_id, text, layers in _documents(session, names, doc_ids, skipped, seen, progress):
        found: list[Disagreement] | None = [] if differ else None
        entry = counts.add(text, layers, found)
        if keep:
            members.append(orjson.dumps(doc_id) + b":" + orjson.dumps(entry))
        rows.extend(disagreement_row(doc_id, text, d, names, attributes, variables)
                    for d in found or ())
    return _Part(counts, b",".join(members), skipped, seen, len(doc_ids), rows)


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
    progress: Callable[[], None] | None,
) -> Iterator[DocLayers]:
    """Each readable document with those of ``names`` it has, one at a time; the damaged ones
    go to ``skipped``, the names of the layers met to ``seen``."""
    for doc_id in each_document(session, doc_ids, progress=progress):
        try:
            doc, layers = read_document(session, doc_id, names)
        except DamagedFileError as exc:
            skipped.append(exc.message)
            continue
        seen.update(layers)
        yield doc_id, doc.text, layers


def _every_layer(session: Session, doc_ids: list[str], names: list[str]) -> set[str]:
    """The names of every layer of the readable documents: what the message about a layer
    asked for that no document has lists (a second pass, on that error alone)."""
    known: set[str] = set()
    for doc_id in each_document(session, doc_ids):
        try:
            session.check_document(doc_id, names)
        except DamagedFileError:
            continue
        known.update(session.layer_names(doc_id))
    return known


def _print_json(report: AgreementReport, spool: IO[bytes], out: IO[str]) -> None:
    """One JSON object, as ``report.to_dict()`` would print, with the per-document members
    copied from ``spool`` a chunk at a time."""
    head = orjson.dumps({"layers": report.layers, "docs": report.documents,
                         "compared": report.documents_compared, "overall": report.overall})
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
