"""The layering of DESIGN.md, checked on the source's syntax trees (not by grepping text).

- ``annotations/`` is the domain: it never imports textual, at any depth (a lazy import inside
  a function counts: it still ties the domain to the UI toolkit).
- ``annotations/store/`` only stores: it never imports ``annotations.detect`` (the session runs
  the detector and hands the store its suggestions).
- ``tui/screens/`` and ``tui/widgets/`` never import ``tui/app.py``, not even under
  ``TYPE_CHECKING``: they hear about changes through events and messages.

Every import form counts: ``import x.y``, ``from x import y`` (``y`` may be a submodule),
relative imports resolved against the file's package, and ``importlib.import_module("x")`` /
``__import__("x")`` with a literal name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO


def module_name(path: Path, root: Path) -> str:
    """``annotations/store/project.py`` -> ``annotations.store.project``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(module: str | None, level: int, name: str, is_package: bool) -> str:
    """The absolute module a ``from`` import names, relative levels resolved."""
    if level == 0:
        return module or ""
    package = name.split(".") if is_package else name.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, *([module] if module else [])])


def imports_of(source: str, name: str, *, is_package: bool = False) -> Iterator[tuple[str, int]]:
    """Every module ``source`` (the module ``name``) imports, with its line.

    ``from pkg import a`` yields ``pkg`` and ``pkg.a``: ``a`` may be a submodule.
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, name, is_package)
            yield base, node.lineno
            for alias in node.names:
                if alias.name != "*":
                    yield f"{base}.{alias.name}" if base else alias.name, node.lineno
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if called in ("import_module", "__import__") and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str):
                yield first.value, node.lineno


def _within(module: str, target: str) -> bool:
    return module == target or module.startswith(target + ".")


def violations(folders: Iterable[str], forbidden: str, root: Path = REPO) -> list[str]:
    """``file:line imports module`` for every import of ``forbidden`` (or below) in ``folders``
    (paths under ``root``, the folder that holds the top-level packages)."""
    found: dict[tuple[str, int], str] = {}  # one report per import statement
    files = sorted(f for folder in folders for f in (root / folder).rglob("*.py"))
    assert files, f"no Python files under {', '.join(folders)}"
    for path in files:
        name = module_name(path, root)
        source = path.read_text(encoding="utf-8")
        for imported, line in imports_of(source, name, is_package=path.name == "__init__.py"):
            where = (path.relative_to(root).as_posix(), line)
            if _within(imported, forbidden) and where not in found:
                found[where] = imported
    return [f"{file}:{line} imports {mod}" for (file, line), mod in sorted(found.items())]


# ---------------------------------------------------------------------------- the rules
def test_domain_never_imports_textual() -> None:
    assert violations(["annotations"], "textual") == []


def test_store_never_imports_the_detector() -> None:
    assert violations(["annotations/store"], "annotations.detect") == []


def test_screens_and_widgets_never_import_the_app() -> None:
    assert violations(["tui/screens", "tui/widgets"], "tui.app") == []


# ---------------------------------------------------------------------------- the checker
CAUGHT = [
    ("import textual", "textual"),
    ("import textual.widgets as w", "textual"),
    ("from textual.app import App", "textual"),
    ("def f():\n    from textual import work\n", "textual"),
    ("import importlib\nimportlib.import_module('textual.app')", "textual"),
    ("__import__('textual')", "textual"),
    ("from tui.app import SaywhoApp", "tui.app"),
    ("from tui import app", "tui.app"),
    ("import tui.app", "tui.app"),
    ("from ..app import SaywhoApp", "tui.app"),
    ("from .. import app", "tui.app"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tui.app import SaywhoApp\n",
     "tui.app"),
]
PASSED = [
    ("from tui.actions import READER", "tui.app"),
    ("from tui.application import X", "tui.app"),  # a prefix, not the module
    ("from ..widgets.rowlist import RowList", "tui.app"),
    ("from . import app", "tui.app"),  # tui.screens.app, not tui.app
    ("import textualize", "textual"),
    ("x = 'import textual'", "textual"),
]


@pytest.mark.parametrize(("source", "target"), CAUGHT)
def test_checker_catches(source: str, target: str) -> None:
    found = [m for m, _ in imports_of(source, "tui.screens.reader") if _within(m, target)]
    assert found, source


@pytest.mark.parametrize(("source", "target"), PASSED)
def test_checker_lets_pass(source: str, target: str) -> None:
    found = [m for m, _ in imports_of(source, "tui.screens.reader") if _within(m, target)]
    assert found == [], source


def test_relative_imports_resolve_against_the_package() -> None:
    store = "from ..detect import DEFAULT_DETECTOR\nfrom . import atomic\n"
    mods = {m for m, _ in imports_of(store, "annotations.store.project")}
    assert {"annotations.detect", "annotations.detect.DEFAULT_DETECTOR",
            "annotations.store.atomic"} <= mods
    init = {m for m, _ in imports_of("from .project import Project", "annotations.store",
                                     is_package=True)}
    assert "annotations.store.project" in init
    assert module_name(REPO / "annotations" / "store" / "__init__.py", REPO) == "annotations.store"


def test_a_character_move_reaches_the_last_dot_and_stops_at_the_paragraph() -> None:
    from annotations.textnav import move_edge

    text = "arrested in Washington, D.C.\n\n\"As I said\""
    end = text.index("D.C") + 3
    assert move_edge(text, 0, end, "end", "char", True) == (0, end + 1)  # the "."
    assert move_edge(text, 0, end + 1, "end", "char", True) == (0, end + 1)  # not the break
    assert move_edge(text, 0, end, "end", "char", False) == (0, end - 1)
    assert move_edge(text, 3, end, "start", "char", True) == (2, end)
    assert move_edge(text, 0, 1, "start", "char", False) == (0, 1)  # never empty
