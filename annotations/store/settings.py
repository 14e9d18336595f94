"""The project's stance scheme and free-form settings: one row of ``saywho.json``.

Kept apart from the document list so a settings change never touches the rows of documents,
and so the rules about what a scheme holds stay in ``annotations.scheme``, not here.
"""

from __future__ import annotations

from typing import Any

from tinydb.table import Table

from annotations.model import StanceScheme


class ProjectSettings:
    """Reads and writes the ``project`` table: ``{"scheme": ..., "settings": {...}}``."""

    def __init__(self, table: Table) -> None:
        self._table = table

    @property
    def scheme(self) -> StanceScheme:
        """The project's stance scheme (the default one when none is stored)."""
        rows = self._table.all()
        return StanceScheme.from_dict(rows[0].get("scheme") if rows else None)

    def set_scheme(self, scheme: StanceScheme) -> None:
        """Replace the stance scheme."""
        if self._table.all():
            self._table.update({"scheme": scheme.to_dict()})
        else:
            self._table.insert({"scheme": scheme.to_dict(), "settings": {}})

    @property
    def settings(self) -> dict[str, Any]:
        """A copy of the free-form settings."""
        rows = self._table.all()
        return dict(rows[0].get("settings") or {}) if rows else {}

    def set_setting(self, key: str, value: Any) -> None:
        """Store one setting; ``None`` removes it."""
        settings = self.settings
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
        if self._table.all():
            self._table.update({"settings": settings})
        else:
            self._table.insert({"scheme": StanceScheme().to_dict(), "settings": settings})
