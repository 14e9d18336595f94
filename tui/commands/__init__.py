"""One module per CLI subcommand. Each exposes ``register(subparsers)`` and ``run(args) -> int``.

``register`` adds its parser, calls ``set_defaults(func=run)`` and returns the parser. ``run``
returns an exit code and raises ``annotations.errors.SaywhoError`` for anything the user must
fix (exit 1).
"""

COMMANDS: dict[str, str] = {
    "open": "open",
    "import": "import_",
    "detect": "detect",
    "export": "export",
    "stats": "stats",
    "agree": "agree",
    "eval": "eval",
    "stance-eval": "stance_eval",
    "detect-eval": "detect_eval",
    "assign": "assign",
    "progress": "progress",
    "status": "status",
    "merge": "merge",
    "attributes": "attributes",
    "variables": "variables",
}
"""Each command's name and its module (a command run alone imports only its own module)."""

COMMAND_MODULES: tuple[str, ...] = tuple(COMMANDS.values())
