"""``saywho export``: one layer of every document that has it, in the formats other tools read.

A document without the layer asked for is left out and counted, never filled in silently: the
store answers a missing layer with a copy of the suggestions (so the TUI can start from them),
and exporting that copy under the layer's name would put the detector's output in the file as
if a person (or the gold standard) had said it. ``--include-missing suggestions`` fills such
documents from the suggestions on purpose; they keep the detector as their origin and
annotator, and a jsonl line names their layer (``"layer": "suggestions"``).

The default layer (no ``--layer``) is the annotator's own, which starts as the suggestions on
every document: every document is exported, and a quote the annotator has not decided on keeps
the detector as its origin and annotator. Naming a layer, the annotator's own included, exports
only the documents that have it.

Documents are read one at a time and written as they are read (``annotations.streaming``):
memory stays flat in the size of the corpus; a long run shows a bar on stderr. A large corpus
in jsonl is made into lines in ``--jobs`` worker processes (default: every core), run by run,
and written in corpus order: the same file, byte for byte, as one process writes.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from annotations.detect.parallel import default_jobs
from annotations.display import count, visible_line
from annotations.errors import DamagedFileError, InputError
from annotations.formats.export_common import (
    DocLayer,
    ExportReport,
    filter_layer,
    remove_orphan_export_temps,
)
from annotations.formats.exporters import WRITERS, export
from annotations.formats.jsonl import JsonlLines, jsonl_line, write_jsonl_lines
from annotations.metadata import meta_keys
from annotations.model import QUOTE_STATUSES, SUGGESTIONS_LAYER
from annotations.registry import CorpusCodes
from annotations.session import Session
from annotations.stats import corpus_codes
from annotations.streaming import (
    document_runs,
    each_document,
    held_objects_frozen,
    read_document,
)
from tui.commands._common import (
    check_layer,
    missing_layer_clause,
    open_session,
    project_named,
    refuse_inside,
)
from tui.commands._progress import document_progress
from tui.commands.detect import positive_jobs


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``export`` command."""
    parser = subparsers.add_parser(
        "export",
        help="write a layer as jsonl, csv, brat, webanno, labelstudio, doccano or conll",
        description="Export one layer of every document that has it (default: your own, which "
        "starts as the suggestions on every document). "
        "Documents without that layer are left out and counted in the summary.",
        epilog="example: saywho export --format csv --out quotes.csv --layer gold",
    )
    parser.add_argument("--format", required=True, choices=sorted(WRITERS))
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="PATH",
        help="output file (a folder for brat and webanno)",
    )
    parser.add_argument("--layer", metavar="NAME", action="append",
                        help="layer to export (default: yours); csv and jsonl take it several "
                        "times: the layers of a team in one file, a row or line per layer")
    parser.add_argument(
        "--status",
        action="append",
        choices=QUOTE_STATUSES,
        metavar="S",
        help="only quotes with this status (repeatable)",
    )
    parser.add_argument(
        "--utf16",
        action="store_true",
        help="doccano: offsets in UTF-16 units, for a doccano project set to count them "
        "(default: characters, doccano's own)",
    )
    parser.add_argument(
        "--spreadsheet",
        action="store_true",
        help="csv: quote text cells that Excel or LibreOffice would run as formulas (starting "
        "with = + - @), for opening the file there (default: every cell as stored, for R, "
        "Stata and pandas)",
    )
    parser.add_argument(
        "--include-missing",
        choices=(SUGGESTIONS_LAYER,),
        metavar="suggestions",
        help="fill documents without the layer from the detector's suggestions (marked with "
        "the detector as their origin) instead of leaving them out",
    )
    parser.add_argument(
        "--jobs",
        type=positive_jobs,
        default=default_jobs(),
        metavar="N",
        help="worker processes for a large corpus in jsonl (default: every core, "
        "%(default)s here; 1: in this process)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Export and print a one-line summary (exit 1 only when a damaged document was left
    out; documents without the layer are reported, not an error)."""
    if getattr(args, "utf16", False) and args.format != "doccano":
        raise InputError("--utf16 is for --format doccano (the other formats say their unit)")
    if getattr(args, "spreadsheet", False) and args.format != "csv":
        raise InputError("--spreadsheet is for --format csv")
    if str(args.out) == "-":
        raise InputError("--out names a file or folder to write; '-' (standard output) is not "
                         "one here")
    names = list(dict.fromkeys(args.layer or ()))
    if any(not name.strip() for name in names):
        raise InputError("--layer needs a name (it was blank)")
    if len(names) > 1:
        return _export_layers(args, names)
    args.layer = names[0] if names else None
    session = open_session(args, read_only=True, create=False)
    skipped: list[str] = []
    missing: list[str] = []
    try:
        refuse_inside(session.project.folder, Path(args.out))
        layer_name = check_layer(session, args.layer)
        fill = getattr(args, "include_missing", None)
        if args.layer is None:  # your own layer starts as the suggestions on every document
            _refuse_nothing_of_yours(session)
            fill = fill or "suggestions"
        doc_ids = session.document_ids()
        if args.format == "jsonl":
            report = _export_jsonl(session, args, layer_name, fill, doc_ids, skipped, missing)
        else:
            with held_objects_frozen(), document_progress("exporting", len(doc_ids)) as advance:
                report = export(
                    args.format,
                    _items(session, layer_name, skipped, missing, fill=fill, doc_ids=doc_ids,
                           progress=advance),
                    args.out,
                    statuses=args.status,
                    stance_target=session.scheme.target,
                    utf16=getattr(args, "utf16", False),
                    spreadsheet=getattr(args, "spreadsheet", False),
                    meta_keys=_meta_keys(session),
                    **_attribute_options(session, args.format, own=args.layer is None),
                )
    finally:
        session.close()
    err = Console(stderr=True, highlight=False)
    for message in skipped:
        err.print(f"skipped: {visible_line(message)}", markup=False, soft_wrap=True)
    summary = (
        f"exported {report.docs} documents, {report.quotes} quotes ({args.format}) to "
        f"{visible_line(str(args.out))}{project_named(args)}"
    )
    if missing and args.layer is not None:
        summary += "; " + _missing_line(missing, layer_name, filled=fill is not None)
    if skipped:
        summary += f"; {len(skipped)} damaged documents left out"
    err.print(summary, markup=False, soft_wrap=True)
    if report.left_over:
        err.print(visible_line(
            f"note: {count(len(report.left_over), 'file')} in {args.out} (e.g. "
            f"{report.left_over[0]}) {'was' if len(report.left_over) == 1 else 'were'} there "
            "before and not written by this export; remove them before the folder is read "
            "back, or they count as this export's"), markup=False, soft_wrap=True)
    return 1 if skipped else 0


def _export_layers(args: argparse.Namespace, names: list[str]) -> int:
    """Several layers in one csv or jsonl file, one after the other (a row or line per layer of
    each document that has it: a team's coding as one long table); documents without a
    layer are counted for it, never filled in."""
    if args.format not in ("csv", "jsonl"):
        raise InputError(f"--layer is given {len(names)} times; only csv and jsonl hold several "
                         f"layers in one file (a row or line per layer): export {args.format} "
                         "one layer at a time")
    if getattr(args, "include_missing", None):
        raise InputError("--include-missing is for one layer: with several, a document "
                         "without a layer is left out of that layer and counted")
    session = open_session(args, read_only=True, create=False)
    skipped: list[str] = []
    missing: dict[str, list[str]] = {name: [] for name in names}
    try:
        refuse_inside(session.project.folder, Path(args.out))
        for name in names:
            check_layer(session, name)
        doc_ids = session.document_ids()
        with (held_objects_frozen(),
              document_progress("exporting", len(doc_ids) * len(names)) as advance):
            items = itertools.chain.from_iterable(
                _items(session, name, skipped, missing[name], doc_ids=doc_ids, progress=advance)
                for name in names)
            report = export(args.format, items, args.out, statuses=args.status,
                            stance_target=session.scheme.target,
                            spreadsheet=getattr(args, "spreadsheet", False),
                            meta_keys=_meta_keys(session),
                            **_attribute_options(session, args.format, own=False))
    finally:
        session.close()
    err = Console(stderr=True, highlight=False)
    for message in dict.fromkeys(skipped):
        err.print(f"skipped: {visible_line(message)}", markup=False, soft_wrap=True)
    summary = (f"exported {report.docs} document layers ({visible_line(', '.join(names))}), "
               f"{report.quotes} quotes ({args.format}) to {visible_line(str(args.out))}"
               f"{project_named(args)}")
    for name in names:
        if missing[name]:
            summary += "; " + missing_layer_clause(missing[name], name, "left out of it")
    if skipped:
        summary += f"; {len(dict.fromkeys(skipped))} damaged documents left out"
    err.print(summary, markup=False, soft_wrap=True)
    return 1 if skipped else 0


def _meta_keys(session: Session) -> list[str]:
    """The metadata keys of the project's documents: the csv's ``meta_<key>`` columns."""
    return meta_keys(info.meta for info in session.documents())


def _attribute_options(session: Session, fmt: str, *, own: bool) -> dict[str, Any]:
    """The project's speaker attributes and quote variables (whose values brat's and Label
    Studio's controls offer), and for the csv its attribute columns and how to read a layer's
    codes across the corpus. ``own``: the export of your own layer, whose documents you have
    not opened come from the suggestions; your codes fill those too."""
    schemes = {"speaker_attributes": session.speaker_attributes,
               "quote_variables": session.quote_variables}
    if fmt != "csv":
        return schemes

    read: dict[str | None, CorpusCodes] = {}  # a corpus pass per layer read, not per name

    def codes(layer: str) -> CorpusCodes:
        key = None if own else layer  # own: "suggestions" and yours are both your codes
        if key not in read:
            read[key] = corpus_codes(session, key)
        return read[key]

    return {**schemes, "attributes": [a.name for a in session.speaker_attributes],
            "codes": codes, "variables": [v.name for v in session.quote_variables]}


def _refuse_nothing_of_yours(session: Session) -> None:
    """Refuse the default export (your own layer) when no document holds it while others'
    layers exist: it would be the detector's suggestions under your name (a PI exporting as
    herself got the suggestions, exit 0, not a word of the coders' layers)."""
    from annotations.indexed_layers import IndexedLayerNames

    own = session.annotator
    names = set(session.read(lambda s: s.project.summary_index.layer_names()))
    others = sorted(names - {SUGGESTIONS_LAYER, own})
    if own in names or not others:  # the index knows your layer, or there is no other one
        return
    # the index says you have none: checked against the files first (a stat per document)
    indexed = IndexedLayerNames(session, [own])
    if any(indexed.has_layer(doc_id, own) for doc_id in session.document_ids()):
        return
    raise InputError(
        f"your layer ({visible_line(own)}) holds nothing in any document, so the export would "
        f"be the detector's suggestions; layers here: {visible_line(', '.join(others))}: pass "
        "--layer NAME (--layer suggestions for the detector's own)", title="Export")


@dataclass
class _Run:
    """A run of documents made into jsonl lines, with the ids of those without the layer and
    the messages of the damaged ones."""

    lines: JsonlLines
    missing: list[str]
    skipped: list[str]


def _export_jsonl(
    session: Session,
    args: argparse.Namespace,
    layer_name: str,
    fill: str | None,
    doc_ids: list[str],
    skipped: list[str],
    missing: list[str],
) -> ExportReport:
    """``export("jsonl", ...)`` made in runs of documents, in ``--jobs`` worker processes for
    a large corpus (``streaming.document_runs``), written in corpus order: the same file,
    byte for byte, as one process writes."""
    out = Path(args.out)
    if out.is_dir():  # export()'s checks and cleanup for a file format
        raise InputError(f"{out} is a folder; the jsonl export writes one file")
    remove_orphan_export_temps(out.parent)
    target = session.scheme.target

    def lines(run: list[str], progress: Callable[[], None] | None) -> _Run:
        made: list[bytes] = []
        quotes = 0
        run_missing: list[str] = []
        run_skipped: list[str] = []
        for doc, layer in _items(session, layer_name, run_skipped, run_missing, fill=fill,
                                 doc_ids=run, progress=progress):
            kept = filter_layer(layer, args.status)
            made.append(jsonl_line(doc, kept, stance_target=target))
            quotes += len(kept.quotes)
        return _Run(JsonlLines(b"".join(made), len(made), quotes), run_missing, run_skipped)

    jobs = getattr(args, "jobs", 1)
    with (held_objects_frozen(), document_runs(lines, doc_ids, jobs) as runs,
          document_progress("exporting", len(doc_ids)) as advance):
        def written() -> Iterator[JsonlLines]:
            for run in runs(advance):
                missing.extend(run.missing)
                skipped.extend(run.skipped)
                yield run.lines

        return write_jsonl_lines(written(), out)


def _missing_line(missing: list[str], layer_name: str, *, filled: bool) -> str:
    """The summary's clause about documents without the layer."""
    if filled:
        return missing_layer_clause(
            missing, layer_name, "exported from the suggestions, with the detector as origin")
    return missing_layer_clause(
        missing, layer_name, "left out (--include-missing suggestions exports their suggestions)")


def _items(
    session: Session,
    layer_name: str,
    skipped: list[str],
    missing: list[str],
    *,
    fill: str | None = None,
    doc_ids: list[str] | None = None,
    progress: Callable[[], None] | None = None,
) -> Iterator[DocLayer]:
    """``(Document, Layer)`` for each readable document of ``doc_ids`` (default: every one)
    that has ``layer_name``, one at a time (each forgotten once written); the others go to
    ``missing`` (and, with ``fill``, come as that layer, the suggestions), the damaged ones to
    ``skipped``."""
    # an annotator's own layer starts as the suggestions: both files count for damage
    read = list(dict.fromkeys((layer_name, fill or SUGGESTIONS_LAYER)))
    for doc_id in each_document(session, doc_ids, progress=progress):
        try:
            doc, layers = read_document(session, doc_id, read)
            layer = layers.get(layer_name)
            if layer is None:
                missing.append(doc_id)
                if fill is None:
                    continue
                layer = layers.get(fill)
                if layer is None:  # the store's answer for a layer not stored (empty)
                    layer = session.layer(doc_id, fill)
        except DamagedFileError as exc:
            skipped.append(exc.message)
            continue
        yield doc, layer
