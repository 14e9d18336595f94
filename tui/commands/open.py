"""``saywho open`` (also plain ``saywho``): the TUI on the project, seeded when new."""

from __future__ import annotations

import argparse

from tui.commands._common import open_session, seed_if_empty


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

        SaywhoApp(session).run()
    finally:
        session.close()
    return 0
