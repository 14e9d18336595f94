"""The edit runner: every project call goes through one worker thread, in order.

``Editor.submit`` queues an edit (or an undo/redo) on a single-thread executor and returns at
once, so the UI redraws before the change is fsynced. When ``Project.apply`` has returned,
``on_done`` runs on the UI thread with an ``Outcome``: only then may the status bar say
"saved". Reads from the UI thread take the same lock, so they never see a half-applied edit.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from annotations.edits import Edit
from annotations.errors import SaywhoError
from annotations.model import Layer
from annotations.store.project import EditReceipt, Project

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one queued operation."""

    op: str  # "edit" | "undo" | "redo"
    edit: Edit | None
    receipt: EditReceipt | None
    layer: Layer | None
    error: SaywhoError | None = None

    @property
    def ok(self) -> bool:
        """True when the change reached the disk."""
        return self.error is None

    @property
    def doc_id(self) -> str | None:
        """The document the operation touched."""
        if self.receipt is not None:
            return self.receipt.doc_id
        return self.edit.doc_id if self.edit is not None else None


class Editor:
    """Serializes project access: writes in a worker thread, reads under the same lock."""

    def __init__(
        self, project: Project, deliver: Callable[[Outcome], None], settle_delay: float = 0.02
    ) -> None:
        self.project = project
        self._deliver = deliver
        self._lock = threading.RLock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="saywho-save")
        self.pending = 0
        self.last: Outcome | None = None
        self.settle_delay = settle_delay
        # The UI thread waits for the GIL after every poll of its event loop; while a save
        # serializes a large layer, the default 5 ms switch interval makes each wait long.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))

    def read(self, fn: Callable[[Project], T]) -> T:
        """Run a read on the UI thread (waits for an edit in flight)."""
        with self._lock:
            return fn(self.project)

    def submit(self, edit: Edit) -> None:
        """Queue an edit."""
        self._queue("edit", edit)

    def undo(self) -> None:
        """Queue an undo of this annotator's last edit."""
        self._queue("undo", None)

    def redo(self) -> None:
        """Queue a redo."""
        self._queue("redo", None)

    def _queue(self, op: str, edit: Edit | None) -> None:
        self.pending += 1
        self._pool.submit(self._run, op, edit)

    def _run(self, op: str, edit: Edit | None) -> None:
        if self.settle_delay:  # let the UI paint the change before saving competes for the GIL
            time.sleep(self.settle_delay)
        outcome = self.run_now(op, edit)
        self._deliver(outcome)

    def run_now(self, op: str, edit: Edit | None) -> Outcome:
        """Apply one operation and read back the touched layer (in the caller's thread)."""
        with self._lock:
            try:
                if op == "edit":
                    assert edit is not None
                    receipt: EditReceipt | None = self.project.apply(edit)
                elif op == "undo":
                    receipt = self.project.undo()
                else:
                    receipt = self.project.redo()
                layer = None
                if receipt is not None:
                    layer = self.project.layer(receipt.doc_id, receipt.layer)
                return Outcome(op, edit, receipt, layer)
            except SaywhoError as exc:
                return Outcome(op, edit, None, None, exc)
            except Exception as exc:  # noqa: BLE001 - any failure must reach the status bar
                return Outcome(op, edit, None, None, SaywhoError(f"{type(exc).__name__}: {exc}"))

    def done(self, outcome: Outcome) -> None:
        """Book-keeping on the UI thread once an outcome arrived."""
        self.pending = max(self.pending - 1, 0)
        self.last = outcome

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait (asynchronously) until every queued operation has been delivered."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.pending and loop.time() < deadline:
            await asyncio.sleep(0.005)

    def shutdown(self) -> None:
        """Finish queued operations and stop the worker."""
        self._pool.shutdown(wait=True)

    def call(self, fn: Callable[[Project], Any]) -> Any:
        """Alias of ``read`` for longer jobs run from a worker."""
        return self.read(fn)
