"""``saywho agree``: inter-annotator agreement between the project's layers."""

from __future__ import annotations

import argparse
import sys

import orjson
from rich.console import Console
from rich.text import Text

from annotations.agreement import AgreementReport, agreement, summary_lines
from annotations.display import safe_json, visible_line
from annotations.errors import DamagedFileError, InputError
from annotations.model import Layer
from tui.commands._common import open_session


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
    session = open_session(args, read_only=True, create=False)
    try:
        docs: dict[str, tuple[str, dict[str, Layer]]] = {}
        skipped: list[str] = []
        for doc_id in session.document_ids():
            try:
                session.check_document(doc_id)
                text = session.document(doc_id).text
                names = session.layer_names(doc_id)
            except DamagedFileError as exc:
                skipped.append(exc.message)
                continue
            docs[doc_id] = (text, {n: session.layer(doc_id, n) for n in names})
    finally:
        session.close()
    known = {n for _, layers in docs.values() for n in layers}
    if args.layers:
        missing = [n for n in args.layers if n not in known]
        if missing:
            raise InputError(
                f"no layer named {', '.join(missing)}; the project has {', '.join(sorted(known))}"
            )
        if len(args.layers) < 2:
            raise InputError("agreement needs at least two layers")
    elif len(known) < 2:
        raise InputError("the project has fewer than two layers to compare")
    report = agreement(docs, args.layers)
    data = report.to_dict()
    if args.json:
        print(safe_json(orjson.dumps(data).decode()))
    else:
        _print(report)
    for message in skipped:  # a damaged document is left out, never silently
        print(f"saywho: skipped: {visible_line(message)}", file=sys.stderr)
    return 1 if skipped else 0


def _print(report: AgreementReport) -> None:
    console = Console(highlight=False)
    for line in summary_lines(report):
        console.print(Text(visible_line(line)))
