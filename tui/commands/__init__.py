"""One module per CLI subcommand. Each exposes ``register(subparsers)`` and ``run(args) -> int``.

``register`` adds its parser, calls ``set_defaults(func=run)`` and returns the parser. ``run``
returns an exit code and raises ``annotations.errors.SaywhoError`` for anything the user must
fix (exit 1).
"""

COMMAND_MODULES: tuple[str, ...] = (
    "open",
    "import_",
    "detect",
    "export",
    "stats",
    "agree",
    "eval",
    "stance_eval",
    "detect_eval",
    "assign",
    "progress",
    "status",
    "merge",
)
