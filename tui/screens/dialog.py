"""Dialog: a modal screen that closes once, whatever arrives after its answer.

A row chosen twice in a burst (Enter, Enter) used to dismiss the dialog and then the screen
beneath it (the scheme editor closed with the label picker), or raise "Can't pop screen".
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A ``ModalScreen`` whose ``dismiss`` does nothing once it is no longer in front."""

    def dismiss(self, result: T | None = None) -> AwaitComplete:
        """Close with ``result``, unless this dialog has closed already."""
        if self.app.screen is not self:
            return AwaitComplete.nothing()
        return super().dismiss(result)
