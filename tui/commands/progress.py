"""``saywho progress``: each annotator's assigned / done / remaining documents, quotes
reviewed, last edit, and agreement so far on the documents two or more marked done.

The figures come from the corpus index (``annotations.progress``: checked against the layer
files first, a ``stat`` per file), not from listing and opening every document's folder; only
the layers of documents done by two or more are read (for agreement)."""

from __future__ import annotations

import argparse
import sys

import orjson
from rich import box
from rich.console import Console
from rich.text import Text

from annotations.display import safe_json, visible_line
from annotations.progress import TeamProgress, team_progress
from tui.commands._common import close_session, open_session
from tui.progress_table import legend, progress_table


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``progress`` command."""
    parser = subparsers.add_parser(
        "progress",
        help="the team's progress: documents done per annotator, agreement so far",
        description="Per annotator: documents assigned, done, in progress and remaining; "
        "quotes reviewed (accepted or rejected) in their layer; the time of their last edit; "
        "and agreement (as `saywho agree` computes it) on documents marked done by two or more "
        "annotators.",
        epilog="example: saywho progress --json",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Compute and print the progress."""
    session = open_session(args, read_only=True, create=False)
    try:
        result = team_progress(session)
    finally:
        close_session(session)
    if args.json:
        print(safe_json(orjson.dumps(result.to_dict()).decode()))
    else:
        _print(result)
    for message in result.warnings:
        print(f"saywho: warning: {visible_line(message)}", file=sys.stderr)
    return 0


def _print(result: TeamProgress) -> None:
    console = Console(highlight=False)
    if not result.annotators:
        console.print(
            f"{result.documents} documents; nobody is assigned one yet "
            "(saywho assign) and nobody has set a status (saywho status)"
        )
        return
    console.print(progress_table(
        result, title=f"progress: {result.assigned_documents} of {result.documents} documents "
        "assigned", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True))
    for line in legend(result):
        console.print(line)
    lines = result.agreement_lines()
    if lines:
        console.print(Text(visible_line(f"on {len(result.compared_documents)} documents done by "
                                        "two or more annotators:")))
        for line in lines:
            console.print(Text(visible_line(line)))


