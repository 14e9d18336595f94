"""``saywho merge OTHER``: bring another copy of the project in (a git clone, a synced folder):
its new documents, layers, statuses, journal entries and assignments. Conflicts are refused,
one line each, and ours is left as it was there; OTHER is never written."""

from __future__ import annotations

import argparse
import sys

import orjson
from rich.console import Console
from rich.text import Text

from annotations.display import safe_json
from annotations.merge import merge
from tui.commands._common import close_session, open_session


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``merge`` command."""
    parser = subparsers.add_parser(
        "merge",
        help="bring another copy of the project in (documents, layers, statuses, journals)",
        description="Merge the project copy OTHER into this project (--project). A document "
        "only in OTHER comes in; a layer only in OTHER arrives; a layer changed on one side "
        "only (as the journals tell) takes the newer one; a layer changed on both sides, a "
        "document whose text differs, or an annotator who has this project open elsewhere is "
        "refused with one line each (exit 1), leaving ours as it was. OTHER is only read; it "
        "must be of the current layout (open it once with saywho otherwise).",
        epilog="example: saywho merge ../copy-of-ben --dry-run",
    )
    parser.add_argument("other", metavar="OTHER", help="the other copy's project folder")
    parser.add_argument("--dry-run", action="store_true", help="say what would happen; write "
                        "nothing")
    parser.add_argument("--json", action="store_true", help="print one JSON summary object")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Merge and print what was done; 1 when anything was refused."""
    session = open_session(args, create=False, read_only=args.dry_run)
    try:
        report = merge(session, args.other, dry_run=args.dry_run)
    finally:
        close_session(session)
    if args.json:
        print(safe_json(orjson.dumps(report.to_dict()).decode()))
    else:
        console = Console(highlight=False)
        verb = "would merge" if report.dry_run else "merged"
        for line in report.merged_lines():
            console.print(Text(f"{verb}: {line}"))
        summary = f"{len(report.merged)} items {verb}, {len(report.conflicts)} refused"
        console.print(Text(summary))
    for line in report.conflict_lines():
        print(f"saywho: conflict: {line}", file=sys.stderr)
    return 0 if report.ok else 1
