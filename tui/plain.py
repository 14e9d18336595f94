"""Project strings on their way into widgets: shown, never interpreted.

A title, a name, a label or a message can hold control characters (an escape sequence would
retitle the terminal) and square brackets (Textual would parse them as markup, and a stray
``[/]`` raises). ``plain`` turns such a string into Textual ``Content`` through the domain's one
``visible_line`` rule; ``say`` is ``notify`` for messages that carry project strings.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.dom import DOMNode

from annotations.display import visible, visible_line


def plain(text: str, *, lines: bool = False) -> Content:
    """``text`` as literal content: controls shown visibly, no markup; one line unless
    ``lines``."""
    return Content(visible(text) if lines else visible_line(text))


def say(node: DOMNode, message: str, **options: Any) -> None:
    """``node.notify`` with ``message`` (and ``title``) shown literally."""
    if "title" in options:
        options["title"] = visible_line(str(options["title"]))
    node.notify(visible_line(message), markup=False, **options)  # type: ignore[attr-defined]
