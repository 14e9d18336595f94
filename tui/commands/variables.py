"""``saywho variables``: what the project codes about each quote besides its stance (topic,
frame, tone…): ``saywho attributes``' options and listing, for quote variables.

Values are coded in the reader (``i`` on a quote); the statistics count quotes per value
(``saywho stats``), the csv has a ``code_<name>`` column per variable.
"""

from __future__ import annotations

import argparse

from tui.commands.attributes import codebook_options


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
    return codebook_options(parser, quote=True)
