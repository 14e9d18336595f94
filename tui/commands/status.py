"""``saywho status``: set or show the --annotator's status of a document, or list them all.

``--list`` reads the corpus index (``Session.corpus_view``, checked against the layer files
first: a ``stat`` per file), not every document's layers."""

from __future__ import annotations

import argparse
import sys

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations import team
from annotations.corpus_index import CorpusView
from annotations.display import safe_json, visible_line
from annotations.errors import InputError
from tui.commands._common import close_session, open_session

CHOICES = (*team.STORED_STATUSES, "auto")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``status`` command."""
    parser = subparsers.add_parser(
        "status",
        help="mark a document done / in progress / not started for --annotator, or --list",
        description="A document's status for the annotator (--annotator, default: your login "
        "name): not-started, in-progress or done. 'done' also means the article was checked "
        "for missed quotes, so an article without quotes can be done. 'auto' clears the "
        "status: an edited document then counts as in progress. With DOC alone, show its "
        "status; with --list, every document (assigned ones first).",
        epilog="example: saywho status article-12 done --annotator ana",
    )
    parser.add_argument("doc", nargs="?", metavar="DOC", help="document id")
    parser.add_argument("status", nargs="?", choices=CHOICES, metavar="STATUS",
                        help=f"one of {', '.join(CHOICES)}")
    parser.add_argument("--list", action="store_true", help="list every document's status")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Set, show or list statuses."""
    if args.list == (args.doc is not None):
        raise InputError("give a document id (and a status to set it), or --list")
    setting = args.status is not None
    session = open_session(args, read_only=not setting, create=False)
    try:
        if setting:
            change = team.set_status(session, args.doc, args.status)
            rows, warning = [change.status], change.warning
        elif args.doc is not None:
            session.info(args.doc)
            rows, warning = [team.document_status(session, args.doc)], None
        else:
            mine = set(team.assigned_to(session))
            session.verify_summaries()
            view = session.corpus_view()
            rows = [_status_row(view, d) for d in team.order_for(session, None, view.doc_ids)]
            warning = None
    finally:
        close_session(session)
    if warning:
        print(f"saywho: warning: {visible_line(warning)}", file=sys.stderr)
    if args.json:
        data = [r.to_dict() for r in rows]
        if args.list:
            for item in data:
                item["assigned"] = item["doc"] in mine
        print(safe_json(orjson.dumps(data if args.list else data[0]).decode()))
        return 0
    console = Console(highlight=False)
    if not args.list:
        row = rows[0]
        how = "set" if row.explicit else "derived"
        console.print(Text(visible_line(
            f"{row.doc_id}: {row.status.replace('-', ' ')} for {row.annotator} ({how})")))
        return 0
    table = Table(title=Text(visible_line(f"documents of {session.annotator}")))
    for column in ("document", "assigned", "status", "set at"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            Text(visible_line(row.doc_id)),
            "yes" if row.doc_id in mine else "",
            row.status.replace("-", " ") + ("" if row.explicit else " (derived)"),
            row.at.replace("T", " ").replace("+00:00", " UTC"),
        )
    console.print(table)
    return 0


def _status_row(view: CorpusView, doc_id: str) -> team.DocStatus:
    """A document's status for the view's annotator, as ``team.document_status`` says it,
    from the index."""
    stored = view.explicit.get(doc_id)
    return team.DocStatus(doc_id, view.annotator, view.status(doc_id), stored is not None,
                          stored.at if stored is not None else "")
