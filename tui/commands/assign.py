"""``saywho assign``: give the documents not assigned yet to annotators, with balanced loads."""

from __future__ import annotations

import argparse

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations import team
from annotations.display import safe_json, visible_line
from annotations.errors import AssignmentError
from tui.commands._common import close_session, open_session


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``assign`` command."""
    parser = subparsers.add_parser(
        "assign",
        help="assign documents to annotators (N per document, or an overlap coded by all)",
        description="Assign the documents that are not assigned yet; existing assignments never "
        "change. --per-document N gives each document to N annotators; --overlap K gives K "
        "documents (or a fraction such as 0.2 or 20%) to everyone and the rest to one "
        "annotator each. Loads are balanced; the same --seed gives the same assignment.",
        epilog="example: saywho assign --annotators ana,ben,cy --overlap 0.2 --seed 7",
    )
    parser.add_argument(
        "--annotators", required=True, metavar="A,B,...", help="comma-separated annotator names"
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--per-document", type=int, metavar="N", help="annotators per document")
    mode.add_argument(
        "--overlap", metavar="K|FRACTION", help="documents (5) or a fraction (0.2, 20%%) for all"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the tie-breaks (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)
    return parser


def parse_annotators(text: str) -> list[str]:
    """``"ana, ben"`` -> ["ana", "ben"]; ``AssignmentError`` for an empty list."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise AssignmentError("--annotators needs at least one name (ana,ben,cy)")
    return names


def run(args: argparse.Namespace) -> int:
    """Plan, store and print the assignment."""
    annotators = parse_annotators(args.annotators)
    overlap = team.parse_overlap(args.overlap) if args.overlap is not None else None
    team.check_annotators(annotators)
    session = open_session(args, create=False)
    try:
        plan = team.assign(
            session, annotators, per_document=args.per_document, overlap=overlap, seed=args.seed
        )
    finally:
        close_session(session)
    if args.json:
        print(safe_json(orjson.dumps(plan.to_dict()).decode()))
        return 0
    console = Console(highlight=False)
    table = Table(title="assignment")
    table.add_column("annotator")
    table.add_column("documents", justify="right")
    table.add_column("new", justify="right")
    new = plan.new_loads()
    for name, load in plan.loads().items():
        table.add_row(Text(visible_line(name)), str(load), str(new.get(name, "")))
    console.print(table)
    overlap_note = (
        f", {len(plan.overlap_added)} of them to everyone" if plan.mode == "overlap" else ""
    )
    console.print(
        Text(
            f"{len(plan.added)} new documents assigned{overlap_note}; "
            f"{len(plan.assignment)} of {plan.documents} documents now assigned"
        )
    )
    return 0
