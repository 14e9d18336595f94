"""Modules loaded on first use, to keep them off the path to the first frame.

The edit commands are a few dozen frozen dataclasses, costly to create at import; the reader
and the review queue need them only when a key edits something. ``lazy_module`` is the
standard library's ``LazyLoader`` recipe: the module object exists at once and runs its code
on its first attribute access.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """``name``, imported on its first attribute access (at once if already imported)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
