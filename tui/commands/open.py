"""``saywho open`` (also plain ``saywho``): the TUI on the project, seeded when new."""

from __future__ import annotations

import argparse
import sys

from annotations.display import visible_line
from annotations.errors import InputError
from tui.commands._common import close_session, is_new_project, open_session, seed_if_empty


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


def has_terminal() -> bool:
    """Whether the app has a terminal: stdin to read keys from, stderr where Textual's driver
    draws, and stdout, whose size it takes (redirected, the screen was laid out at 80x24
    whatever the window). Without one (a pipe, a file, /dev/null: a script, cron, an editor's
    run panel) the app read an endless end of input at full CPU and wrote its screens into
    the pipe."""
    err = sys.__stderr__
    return (sys.stdin.isatty() and sys.stdout.isatty() and err is not None
            and err.isatty())


def run(args: argparse.Namespace) -> int:
    """Open the project and run the app until the user quits."""
    if not has_terminal():
        raise InputError("the reader needs a terminal, and stdin, stdout or stderr is not one "
                         "(a pipe, a file or /dev/null); in a script use a command such as "
                         "import, export, stats or detect")
    new = is_new_project(args)
    session = open_session(args)
    try:
        seed_if_empty(session)
        from tui.app import SaywhoApp

        notice = None
        if new:  # a mistyped --project made a new project: say where, in the app too
            where = visible_line(str(session.folder.resolve()))
            notice = (f"A new project at {where}, with the sample article. To open another: "
                      "saywho --project FOLDER")
        app = SaywhoApp(session, notice=notice)
        app.run()
    finally:
        close_session(session)
    # an app that ended on an unhandled error (Textual printed it) exits 1, not 0: a script
    # or a supervisor around saywho sees that it crashed
    return 1 if app.return_code else 0
