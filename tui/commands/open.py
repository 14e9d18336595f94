"""``saywho open`` (also plain ``saywho``): the TUI on the project, seeded when new."""

from __future__ import annotations

import argparse

from tui.commands._common import close_session, open_session, seed_if_empty


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``open`` command."""
    parser = subparsers.add_parser(
        "open",
        help="open the reader and annotator (the default command)",
        description="Open the TUI on the project. A new project is seeded with the sample "
        "article from seeds/.",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Open the project and run the app until the user quits."""
    session = open_session(args)
    try:
        seed_if_empty(session)
        from tui.app import SaywhoApp

        app = SaywhoApp(session)
        app.run()
    finally:
        close_session(session)
    # an app that ended on an unhandled error (Textual printed it) exits 1, not 0: a script
    # or a supervisor around saywho sees that it crashed
    return 1 if app.return_code else 0
