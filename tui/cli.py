"""The ``saywho`` command line: argparse over the subcommand modules in ``tui.commands``.

Exit codes: 0 done; 1 the input or the project was at fault (one plain line on stderr, no
traceback); 2 usage. ``--project`` and ``--annotator`` are accepted before or after the
subcommand.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import IO

from annotations import __version__
from annotations.display import visible_line
from annotations.errors import SaywhoError
from tui.commands import COMMAND_MODULES, COMMANDS


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors show the user's words with their controls made visible
    (an argument can hold an escape sequence too)."""

    def _print_message(self, message: str, file: IO[str] | None = None) -> None:
        shown = "\n".join(visible_line(line) for line in message.split("\n"))
        super()._print_message(shown, file)


def add_common_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """The options every command takes; on subparsers they never override a top-level value."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--project",
        metavar="DIR",
        default=default,
        help="project folder (default: $SAYWHO_PROJECT, else the per-user data folder)",
    )
    parser.add_argument(
        "--annotator",
        metavar="NAME",
        default=default,
        help="whose layer to open and write (default: your login name)",
    )


_VALUED = ("--project", "--annotator")  # the top-level options that take a value
_TOP_LEVEL = ("-h", "--help", "--version")  # answered by the top-level parser itself


def _first_word(argv: Sequence[str]) -> tuple[str | None, bool]:
    """The first word of ``argv`` that is not an option or an option's value, and whether a
    top-level help or version flag comes before it."""
    tokens = iter(argv)
    for token in tokens:
        if token in _TOP_LEVEL:
            return None, True
        if token in _VALUED:
            next(tokens, None)
        elif token == "--":
            return next(tokens, None), False
        elif not token.startswith("-"):
            return token, False
    return None, False


def named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names (``None``: none, not one of ours, or the top-level help or
    version is asked for first: those list every command)."""
    word, _top = _first_word(argv)
    return word if word in COMMANDS else None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser: top-level options plus one subparser per command module; when ``argv``
    names a command, only that command's (its module is the only one imported, so a command
    starts in the time its own imports take)."""
    parser = Parser(
        prog="saywho",
        description="Read, detect and annotate who said what in news articles.",
    )
    parser.add_argument("--version", action="version", version=f"saywho {__version__}")
    add_common_options(parser, top=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = named_command(argv) if argv is not None else None
    for name in (COMMANDS[named],) if named is not None else COMMAND_MODULES:
        module = importlib.import_module(f"tui.commands.{name}")
        sub = module.register(subparsers)
        add_common_options(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``saywho`` console script."""
    words = list(argv if argv is not None else sys.argv[1:])
    word, top = _first_word(words)
    if word is None and not top:  # `saywho`, `saywho --project DIR`: the app
        words = ["open", *words]
    args = build_parser(words).parse_args(words)
    try:
        return int(args.func(args) or 0)
    except SaywhoError as exc:
        print(f"saywho: {visible_line(exc.message)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("saywho: interrupted", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a folder or file the system refused (permission, disk full, ...)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"saywho: {visible_line(where + (exc.strerror or str(exc)))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
