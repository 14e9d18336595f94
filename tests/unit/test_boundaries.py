"""The layering of DESIGN.md, checked on the source's syntax trees (not by grepping text).

- ``annotations/`` is the domain: it never imports textual, at any depth (a lazy import inside
  a function counts: it still ties the domain to the UI toolkit).
- ``annotations/store/`` only stores: it never imports ``annotations.detect`` (the session runs
  the detector and hands the store its suggestions).
- ``annotations/store/`` never imports what reads through a session (the session, the corpus
  index's view, the review queue, statistics, team rules, the learned model, history in
  words): the rule of what a layer comes to is ``annotations.layer_summary``, below both.
- ``tui/screens/`` and ``tui/widgets/`` never import ``tui/app.py``, not even under
  ``TYPE_CHECKING``: they hear about changes through events and messages.
- No import circle inside ``annotations/`` or ``tui/``, not even one held together by imports
  inside functions or under ``TYPE_CHECKING`` (0.1's habit), and none at load time across
  them.

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


ABOVE_THE_STORE = ("annotations.session", "annotations.corpus_index", "annotations.review",
                   "annotations.stats", "annotations.team", "annotations.learn",
                   "annotations.history_view")


@pytest.mark.parametrize("above", ABOVE_THE_STORE)
def test_store_never_imports_what_reads_through_a_session(above: str) -> None:
    assert violations(["annotations/store"], above) == []


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


# ---------------------------------------------------------------------------- no import circle
def load_time_imports(source: str, name: str, known: set[str], *,
                      is_package: bool = False) -> set[str]:
    """The modules of ``known`` that importing ``name`` imports at once: its module body's
    imports, not those inside functions or under ``if TYPE_CHECKING:``. ``from pkg import a``
    counts as ``pkg.a`` where that is a module, else as ``pkg``; a module's own packages are
    left out (Python imports them first anyway)."""
    def run_at_load(node: ast.AST) -> Iterator[ast.AST]:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in run_at_load(child))
            return
        yield node
        for child in ast.iter_child_nodes(node):
            yield from run_at_load(child)

    found: set[str] = set()
    for node in run_at_load(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, name, is_package)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    return {m for m in found if m in known and m != name and m not in ancestors}


def import_circles(modules: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(modules[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for v in sorted(modules):
        if v not in index:
            visit(v)
    return circles


def test_no_import_circle_at_load_time() -> None:
    """0.1's TUI was one circle of ten modules held together by imports inside functions;
    what a module imports when it loads must form no circle at all."""
    files = sorted(f for folder in ("annotations", "tui") for f in (REPO / folder).rglob("*.py"))
    names = {module_name(f, REPO): f for f in files}
    known = set(names)
    graph = {name: load_time_imports(path.read_text(encoding="utf-8"), name, known,
                                     is_package=path.name == "__init__.py")
             for name, path in names.items()}
    assert import_circles(graph) == []


def test_the_circle_check_finds_a_circle_and_skips_what_loads_later() -> None:
    known = {"p", "p.a", "p.b", "p.c"}
    a = "from p import b\n"
    b = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from p.a import X\n" \
        "def f():\n    from p import c\n"
    c = "import p.a\n"
    graph = {"p": set(), "p.a": load_time_imports(a, "p.a", known),
             "p.b": load_time_imports(b, "p.b", known), "p.c": load_time_imports(c, "p.c", known)}
    assert graph["p.a"] == {"p.b"} and graph["p.b"] == set() and graph["p.c"] == {"p.a"}
    assert import_circles(graph) == []
    graph["p.b"] = load_time_imports("from .c import Y\n", "p.b", known)
    assert import_circles(graph) == [["p.a", "p.b", "p.c"]]


@pytest.mark.parametrize("folder", ["annotations", "tui"])
def test_no_import_circle_at_any_depth(folder: str) -> None:
    """Lazy and ``TYPE_CHECKING`` imports count here: a circle they hold together is still one
    (0.1's app and screens; later the session bridge and the quote feed over ``Outcome``, and
    the session with the corpus index, the team rules and the learned model, which typed their
    session argument as ``Session``: they now name what they need of it as a ``Protocol``).
    A module's import of its own package is left out (Python loads the package first)."""
    files = sorted((REPO / folder).rglob("*.py"))
    names = {module_name(f, REPO): f for f in files}
    graph = {name: {m for m, _ in imports_of(path.read_text(encoding="utf-8"), name,
                                            is_package=path.name == "__init__.py")
                    if m in names and m != name and not name.startswith(m + ".")}
             for name, path in names.items()}
    assert import_circles(graph) == []


def test_the_any_depth_check_counts_type_checking_imports() -> None:
    a = "from tui.b import B\n"
    b = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tui.a import A\n"
    names = {"tui.a": a, "tui.b": b}
    graph = {n: {m for m, _ in imports_of(src, n) if m in names and m != n}
             for n, src in names.items()}
    assert import_circles(graph) == [["tui.a", "tui.b"]]
