"""The project's coding guidelines: ``guidelines.md`` in the project folder, one file the whole
team reads (what counts as a quote, how to pick the speaker, what each stance label means).

It is plain Markdown the team writes with any editor; saywho only reads it, and shows it with
every control character and bidi override neutralised (``display.visible``), so a file from
elsewhere can never write to the terminal.
"""

from __future__ import annotations

import os
from pathlib import Path

from annotations.display import visible
from annotations.errors import InputError

GUIDELINES_FILE = "guidelines.md"
MAX_BYTES = 1_000_000

STARTER = """# Coding guidelines

Write here what your team agreed on, for example:

- **Quote**: the words attributed to a speaker, without the quote marks.
- **Speaker**: the person or body the words are attributed to; a pronoun's referent.
- **Stance**: what each label means, with an example.
"""


def guidelines_path(folder: str | os.PathLike[str]) -> Path:
    """Where the project's guidelines live."""
    return Path(folder) / GUIDELINES_FILE


def read_guidelines(folder: str | os.PathLike[str]) -> str | None:
    """The guidelines, safe to show (``None`` when the project has none yet).

    Raises ``InputError`` (one line) for a file too large or not UTF-8.
    """
    path = guidelines_path(folder)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path.name} is {size // 1000} KB; guidelines are shown up to "
                             f"{MAX_BYTES // 1000} KB")
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{path.name} cannot be read: {exc.strerror or exc}") from exc
    try:
        return visible(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} is not UTF-8 text (byte {exc.start})") from exc


def start_guidelines(folder: str | os.PathLike[str]) -> Path:
    """The guidelines file, created with a starter text when there is none (for editing)."""
    path = guidelines_path(folder)
    if not path.exists():
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(STARTER)
    return path
