"""``saywho attributes``: what the project codes about its speakers (gender, role, party…);
``saywho variables`` (``tui/commands/variables.py``) the same for its quotes (topic, frame…).

With no option, lists the attributes, their values and how many speakers carry each (over
every layer). ``--set NAME=V1,V2,...`` adds an attribute or changes its values (a value in use
cannot go); ``--remove NAME`` stops coding one nobody is coded with. Values are coded in the
reader (``i`` on a quote: its speaker's attributes).
"""

from __future__ import annotations

import argparse

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations.codebook import QUOTE_SETTING, SETTING
from annotations.display import safe_json, visible_line
from annotations.errors import InputError
from tui.commands._common import close_session, open_session, warn_unreadable_codebook


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``attributes`` command."""
    parser = subparsers.add_parser(
        "attributes",
        help="list, add or change the speaker attributes the project codes (gender, role…)",
        description="The attributes coders set for each speaker, each with a closed list of "
        "values (gender: female, male, other, unclear, by default). A speaker coded in one "
        "article counts as coded in every article that names them (saywho stats, the csv's "
        "speaker_<name> columns).",
        epilog="example: saywho attributes --set role=politician,official,expert,citizen",
    )
    return codebook_options(parser, quote=False)


def codebook_options(parser: argparse.ArgumentParser, *, quote: bool) -> argparse.ArgumentParser:
    """The options ``saywho attributes`` and ``saywho variables`` share (``quote``: the
    latter's), and ``run`` as what they do."""
    what, whose = ("a variable", "a quote") if quote else ("an attribute", "a speaker")
    parser.add_argument("--set", metavar="NAME=V1,V2,...", action="append", default=[],
                        help=f"add {what}, or change its values (up to 9)")
    parser.add_argument("--remove", metavar="NAME", action="append", default=[],
                        help=f"stop coding {what} (refused while {whose} carries it)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run, quote=quote)
    return parser


def run(args: argparse.Namespace) -> int:
    """Change, then list, the project's speaker attributes (``args.quote``: its quote
    variables, for ``saywho variables``)."""
    changing = bool(args.set or args.remove)
    quote = args.quote
    setting = QUOTE_SETTING if quote else SETTING
    session = open_session(args, read_only=not changing, create=False)
    try:
        # said before a --set writes the setting again without them
        warn_unreadable_codebook(session, (setting,), changing)
        for spec in args.set:
            name, sep, values = spec.partition("=")
            if not sep:
                raise InputError(f"--set {visible_line(spec)!r}: write NAME=VALUE,VALUE,...")
            session.define_attribute(name, values.split(","), quote=quote)
        for name in args.remove:
            session.remove_attribute(name.strip().lower(), quote=quote)
        scheme = session.quote_variables if quote else session.speaker_attributes
        rows = [(a, session.attribute_usage(a.name, quote=quote)) for a in scheme]
    finally:
        close_session(session)
    what = "quotes" if quote else "speakers"
    if args.json:
        print(safe_json(orjson.dumps([{"name": a.name, "values": list(a.values),
                                       what: used} for a, used in rows]).decode()))
        return 0
    table = Table(title="quote variables" if quote else "speaker attributes")
    table.add_column("variable" if quote else "attribute")
    table.add_column(f"values ({what} coded with each, every layer)")
    for attribute, used in rows:
        # a value no longer in the list that speakers still carry (an undo of a clearing, a
        # layer imported from another project) is named, so it can be recoded
        stray = [f"{v} {n} (not a value)" for v, n in sorted(used.items())
                 if v not in attribute.values]
        table.add_row(Text(visible_line(attribute.name)), Text(visible_line(", ".join(
            [f"{v} {used.get(v, 0)}" for v in attribute.values] + stray))))
    Console(highlight=False).print(table)
    if not rows:
        print(f"no {'quote variables' if quote else 'speaker attributes'}: add one with "
              "--set NAME=VALUE,VALUE,...")
    return 0
