"""A time budget for one detection: the safety net that turns a pathological text into a message.

The detector's stages are linear in their input, but a rule system over free text can always
meet a shape nobody profiled; an import must not stall on it. Detection is a pure function of
the text, so it is made cooperative rather than killed: its loops call ``Deadline.check`` and a
run that goes over its budget raises ``DetectionTimeout``, which the session reports as a
skipped document before going on with the next one.

A caller either passes a budget to ``RuleDetector.detect(text, budget_s=...)`` or sets one for
everything detected inside a block (``with detection_budget(10): ...``), which is how the
session reaches a detector it only knows as a ``text -> Layer`` function.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager

from annotations.errors import SaywhoError

# Seconds one document may take to detect before it is skipped (``Session.suggest``; the
# project setting ``detect_budget_s`` overrides it). Real articles take milliseconds.
DEFAULT_DETECT_BUDGET_S = 10.0


class DetectionTimeout(SaywhoError):
    """Detection of one text went over its time budget; the text was skipped."""

    title = "Skipped"

    def __init__(self, budget_s: float) -> None:
        super().__init__(f"detection took over {format_seconds(budget_s)} s")
        self.budget_s = budget_s


def format_seconds(seconds: float) -> str:
    """A budget as people write it: ``10``, ``0.5``."""
    return f"{seconds:g}"


class Deadline:
    """The moment a detection must stop by; ``check()`` raises ``DetectionTimeout`` after it.

    ``budget_s=None`` never expires (and ``check`` stays a cheap call).
    """

    __slots__ = ("budget_s", "_until")

    def __init__(self, budget_s: float | None = None) -> None:
        self.budget_s = budget_s
        self._until = None if budget_s is None else time.monotonic() + budget_s

    def check(self) -> None:
        """Raise ``DetectionTimeout`` when the budget is spent."""
        if self._until is not None and time.monotonic() > self._until:
            raise DetectionTimeout(self.budget_s or 0.0)

    @property
    def expired(self) -> bool:
        """True once the budget is spent."""
        return self._until is not None and time.monotonic() > self._until


NO_DEADLINE = Deadline(None)

_BUDGET: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "saywho_detect_budget", default=None
)


@contextmanager
def detection_budget(budget_s: float | None) -> Iterator[None]:
    """Give every detection started inside the block (in this thread) ``budget_s`` seconds."""
    token = _BUDGET.set(budget_s)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def current_budget() -> float | None:
    """The budget set by the innermost ``detection_budget`` block, or ``None``."""
    return _BUDGET.get()
