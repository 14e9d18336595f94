"""``saywho export``: a layer of every document in the formats other tools read."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console

from annotations.display import visible_line
from annotations.errors import DamagedFileError
from annotations.formats.export_common import DocLayer
from annotations.formats.exporters import WRITERS, export
from annotations.model import QUOTE_STATUSES
from annotations.session import Session
from tui.commands._common import check_layer, open_session


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``export`` command."""
    parser = subparsers.add_parser(
        "export",
        help="write a layer as jsonl, csv, brat, webanno, labelstudio or conll",
        description="Export one layer of every document (default: your own layer, which "
        "starts as the suggestions).",
        epilog="example: saywho export --format csv --out quotes.csv --status accepted",
    )
    parser.add_argument("--format", required=True, choices=sorted(WRITERS))
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="PATH",
        help="output file (a folder for brat and webanno)",
    )
    parser.add_argument("--layer", metavar="NAME", help="layer to export (default: yours)")
    parser.add_argument(
        "--status",
        action="append",
        choices=QUOTE_STATUSES,
        metavar="S",
        help="only quotes with this status (repeatable)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Export and print a one-line summary."""
    session = open_session(args, read_only=True, create=False)
    skipped: list[str] = []
    try:
        layer_name = check_layer(session, args.layer)
        report = export(
            args.format,
            _items(session, layer_name, skipped),
            args.out,
            annotator=layer_name,
            statuses=args.status,
        )
    finally:
        session.close()
    err = Console(stderr=True, highlight=False)
    for message in skipped:
        err.print(f"skipped: {visible_line(message)}", markup=False, soft_wrap=True)
    err.print(
        f"exported {report.docs} documents, {report.quotes} quotes ({args.format}) to "
        f"{visible_line(str(args.out))}"
        + (f"; {len(skipped)} damaged documents left out" if skipped else ""),
        markup=False,
        soft_wrap=True,
    )
    return 1 if skipped else 0


def _items(session: Session, layer_name: str, skipped: list[str]) -> Iterator[DocLayer]:
    for doc_id in session.document_ids():
        try:
            session.check_document(doc_id)
            doc = session.document(doc_id)
        except DamagedFileError as exc:
            skipped.append(exc.message)
            continue
        yield doc, session.layer(doc_id, layer_name)
