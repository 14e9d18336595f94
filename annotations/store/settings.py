"""The project's stance scheme and free-form settings: one row of ``saywho.json``.

Kept apart from the document list so a settings change never touches the rows of documents,
and so the rules about what a scheme holds stay in ``annotations.scheme``, not here.

Other processes change the same row: every read reads ``saywho.json`` again when it changed on
disk, and every change is made under the shared lock on the row as it is on disk now. A setting
is one key, so it is simply set. A scheme is replaced by its caller as a whole, from the scheme
it read earlier; so what is written is that caller's change (the labels it added, removed or
changed, the target it set, relative to the scheme it read) applied to the scheme on disk:
another process's label added meanwhile is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotations.model import StanceScheme

if TYPE_CHECKING:
    from annotations.store.project_file import SharedFile


class ProjectSettings:
    """Reads and writes the ``project`` table: ``{"scheme": ..., "settings": {...}}``."""

    def __init__(self, shared: SharedFile) -> None:
        self._shared = shared
        self._seen: dict[str, Any] | None = None  # the scheme as this process last read it

    def _row(self) -> dict[str, Any] | None:
        self._shared.refresh()
        rows = self._shared.table("project").all()
        return dict(rows[0]) if rows else None

    @property
    def scheme(self) -> StanceScheme:
        """The project's stance scheme (the default one when none is stored)."""
        row = self._row()
        scheme = StanceScheme.from_dict(row.get("scheme") if row else None)
        self._seen = scheme.to_dict()
        return scheme

    def set_scheme(self, scheme: StanceScheme) -> None:
        """Replace the stance scheme: this process's change to it, applied to the one on disk."""
        with self._shared.change():
            table = self._shared.table("project")
            rows = table.all()
            current = StanceScheme.from_dict(rows[0].get("scheme") if rows else None).to_dict()
            wanted = scheme.to_dict()
            merged = merge_scheme(self._seen or current, wanted, current)
            if rows:
                table.update({"scheme": merged})
            else:
                table.insert({"scheme": merged, "settings": {}})
            self._seen = merged

    @property
    def settings(self) -> dict[str, Any]:
        """A copy of the free-form settings."""
        row = self._row()
        return dict(row.get("settings") or {}) if row else {}

    def set_setting(self, key: str, value: Any) -> None:
        """Store one setting; ``None`` removes it."""
        with self._shared.change():
            table = self._shared.table("project")
            rows = table.all()
            settings = dict(rows[0].get("settings") or {}) if rows else {}
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = value
            if rows:
                table.update({"settings": settings})
            else:
                table.insert({"scheme": StanceScheme().to_dict(), "settings": settings})


def merge_scheme(
    base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    """A three-way merge: ``mine`` (what this process wants, changed from ``base``, the scheme
    it read) with what another process changed from ``base`` to ``theirs`` (on disk now).

    Labels are matched by name and keep ``mine``'s order. A label this process left as it was
    takes the other process's change, or goes when the other removed it; a label the other
    added is appended (with the next free key when its key is taken); any other field this
    process changed (the target) takes its value, else the other's.
    """
    out = dict(theirs)
    for key, value in mine.items():
        if key != "labels" and base.get(key) != value:
            out[key] = value
    base_by = {lb["name"]: lb for lb in base.get("labels") or []}
    theirs_by = {lb["name"]: lb for lb in theirs.get("labels") or []}
    labels: list[dict[str, Any]] = []
    for label in mine.get("labels") or []:
        name = label["name"]
        if name in base_by and label == base_by[name]:  # unchanged here: theirs decides
            if name not in theirs_by:
                continue
            label = theirs_by[name]
        labels.append(dict(label))
    names = {lb["name"] for lb in labels}
    for label in theirs.get("labels") or []:
        if label["name"] not in base_by and label["name"] not in names:
            labels.append(dict(label))
    taken: set[str] = set()
    for lb in labels:  # a key taken twice (two processes added a label each): the next free one
        key = str(lb.get("key") or "")
        if key and key in taken:
            key = next((str(i) for i in range(1, 10) if str(i) not in taken), "")
            lb["key"] = key
        if key:
            taken.add(key)
    out["labels"] = labels
    return out
