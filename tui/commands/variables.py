"""``saywho variables``: what the project codes about each quote besides its stance (topic,
frame, tone…): ``saywho attributes``' options and listing, for quote variables.

Values are coded in the reader (``i`` on a quote); the statistics count quotes per value
(``saywho stats``), the csv has a ``code_<name>`` column per variable.
"""

from __future__ import annotations

import argparse

from tui.commands.attributes import run


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``variables`` command."""
    parser = subparsers.add_parser(
        "variables",
        help="list, add or change the variables the project codes for each quote (topic…)",
        description="The variables coders set for each quote besides its stance, each with a "
        "closed list of values (none by default). A variable and a speaker attribute never "
        "share a name.",
        epilog="example: saywho variables --set topic=economy,crime,health,immigration",
    )
    parser.add_argument("--set", metavar="NAME=V1,V2,...", action="append", default=[],
                        help="add a variable, or change its values (up to 9)")
    parser.add_argument("--remove", metavar="NAME", action="append", default=[],
                        help="stop coding a variable (refused while a quote carries it)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run, quote=True)
    return parser
