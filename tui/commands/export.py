"""``saywho export``: a layer of every document in the formats other tools read."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console

from annotations.errors import DamagedFileError, InputError
from annotations.formats.export_common import DocLayer, filter_layer
from annotations.model import QUOTE_STATUSES
from annotations.store import Project
from tui.commands._common import open_project

WRITERS: dict[str, tuple[str, str]] = {
    "jsonl": ("annotations.formats.jsonl", "write_jsonl"),
    "csv": ("annotations.formats.csv_format", "write_csv"),
    "brat": ("annotations.formats.brat", "write_brat"),
    "webanno": ("annotations.formats.webanno", "write_webanno"),
    "labelstudio": ("annotations.formats.labelstudio", "write_labelstudio"),
    "conll": ("annotations.formats.conll", "write_conll"),
}


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
        "--out", required=True, type=Path, metavar="PATH", help="output file (a folder for brat)"
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
    module_name, function_name = WRITERS[args.format]
    writer = getattr(importlib.import_module(module_name), function_name)
    project = open_project(args, read_only=True, create=False)
    try:
        layer_name = args.layer or project.annotator
        if args.out.exists() and args.out.is_dir() and args.format != "brat":
            raise InputError(f"{args.out} is a folder; give a file path")
        report = writer(_items(project, layer_name, args.status), args.out, annotator=layer_name)
    finally:
        project.close()
    Console(stderr=True, highlight=False).print(
        f"exported {report.docs} documents, {report.quotes} quotes ({args.format}) to {args.out}"
    )
    return 0


def _items(project: Project, layer_name: str, statuses: list[str] | None) -> Iterator[DocLayer]:
    for doc_id in project.document_ids():
        try:
            doc = project.document(doc_id)
        except DamagedFileError:
            continue
        yield doc, filter_layer(project.layer(doc_id, layer_name), statuses)
