"""A live project: what other processes changed on disk since the last look.

Several saywho processes share one project folder (one per annotator, plus ``saywho import``,
``saywho assign``...). A ``ProjectWatcher`` is polled (the TUI does it every second, off its UI
thread) and answers with typed events for what changed because of ANOTHER process:

- ``saywho.json`` (one ``stat``: inode, mtime_ns, size). When it changed, the document list,
  the scheme and the settings are read again through the session (the store re-reads the
  shared file by itself on the next read when it changed on disk) and compared with what this
  watcher last saw: ``DocumentsAdded`` (the new ids; empty when documents only went away),
  ``SchemeChanged`` and one ``SettingChanged`` per changed key.
- the team's progress: ``assignments.json`` (one ``stat``), the ``status/`` and ``journal/``
  folders (one ``stat`` each; listed only when an entry was added or replaced) and the other
  annotators' files there (one ``stat`` each: a team is a handful of people):
  ``TeamProgressChanged``. This annotator's own status file and journal are skipped: only this
  annotator's writable process writes them.
- the layers of the document in view: its ``annotations/<doc>/`` folder (one ``stat``; listed,
  and its few layer files stat-ed, only when it changed): one ``LayerStored`` per layer file
  that appeared or was replaced. When a document comes into view, the layer files written
  since the previous poll are reported (the screen may have read them before or after).

Never a walk of the corpus: a poll costs a handful of ``stat`` calls when nothing changed.
Changes this process made itself are not reported again: the watcher listens to its session's
events and takes them into what it saw. (A change caught between its write and its event may be
reported once more; every event is safe to receive twice.) Pure Python, no Textual.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotations.errors import SaywhoError
from annotations.events import (
    DocumentsAdded,
    EditSaved,
    Event,
    LayerStored,
    SchemeChanged,
    SettingChanged,
)
from annotations.model import StanceScheme
from annotations.session import Session
from annotations.store.assignments import ASSIGNMENTS_NAME
from annotations.store.journal import JOURNAL_SUFFIX, JOURNALS_DIR
from annotations.store.layers import document_folder, layer_file
from annotations.store.paths import PROJECT_FILE, safe_filename
from annotations.store.statuses import STATUS_DIR

Signature = tuple[int, int, int]
"""What one ``stat`` says of a file: inode, mtime_ns, size."""

STATUS_SUFFIX = ".json"
MTIME_SLACK_NS = 200_000_000
"""How much earlier than the previous poll a file's mtime may say it was written (coarse file
system clocks) and still count as written since."""


@dataclass(frozen=True, slots=True)
class TeamProgressChanged:
    """Another process changed the team's progress: an annotator's statuses or journal, or
    the assignments."""

    annotators: tuple[str, ...] = ()
    """Whose status file or journal changed (their file-name stems)."""
    assignments: bool = False
    """``assignments.json`` changed (the order of the library and the queue may change)."""


LiveEvent = DocumentsAdded | SchemeChanged | SettingChanged | LayerStored | TeamProgressChanged


def signature(path: Path) -> Signature | None:
    """One ``stat`` of ``path`` (``None``: not there)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class _Folder:
    """A small folder of files watched with one ``stat``, listed only when it changed."""

    def __init__(self, path: Path, keep: Callable[[str], bool]) -> None:
        self.path = path
        self._keep = keep
        self._stamp: Signature | None = None
        self.names: list[str] = []
        self.files: dict[str, Signature] = {}

    def poll(self) -> set[str]:
        """The files that appeared, went or changed since the last poll."""
        stamp = signature(self.path)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self.names = sorted(n for n in os.listdir(self.path) if self._keep(n))
            except OSError:
                self.names = []
        now = {}
        for name in self.names:
            sig = signature(self.path / name)
            if sig is not None:
                now[name] = sig
        changed = {n for n in now.keys() | self.files.keys() if now.get(n) != self.files.get(n)}
        self.files = now
        return changed

    def take(self, name: str) -> None:
        """``name`` was written by this process: take its state as seen."""
        sig = signature(self.path / name)
        if sig is None:
            self.files.pop(name, None)
        else:
            self.files[name] = sig
            if name not in self.names:
                self.names = sorted([*self.names, name])


class ProjectWatcher:
    """Polled, says what other processes changed in the project of ``session``.

    ``poll(doc_id)`` (``doc_id``: the document in view, whose layers are watched) returns the
    events since the previous poll. Thread-safe; call ``close`` to stop listening to the
    session.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.folder = Path(session.folder)
        self._lock = threading.Lock()
        own = session.annotator
        own_status = f"{safe_filename(own)}{STATUS_SUFFIX}"
        own_journal = f"{safe_filename(own)}{JOURNAL_SUFFIX}"
        self._project_sig = signature(self.folder / PROJECT_FILE)
        self._doc_ids: list[str] = session.document_ids()
        self._scheme: StanceScheme = session.scheme
        self._settings: dict[str, Any] = session.settings
        self._assignments_sig = signature(self.folder / ASSIGNMENTS_NAME)
        self._statuses = _Folder(self.folder / STATUS_DIR,
                                 lambda n: n.endswith(STATUS_SUFFIX) and n != own_status
                                 and n[0] != ".")
        self._journals = _Folder(self.folder / JOURNALS_DIR,
                                 lambda n: n.endswith(JOURNAL_SUFFIX) and n != own_journal
                                 and n[0] != ".")
        self._statuses.poll()
        self._journals.poll()
        self._doc: str | None = None
        self._layers: _Folder | None = None
        self._since_ns = time.time_ns()  # when the previous poll started
        self._unsubscribe = session.subscribe(self._heard)

    def close(self) -> None:
        """Stop listening to the session."""
        self._unsubscribe()

    # ----------------------------------------------------------------- polling
    def poll(self, doc_id: str | None = None) -> list[LiveEvent]:
        """What other processes changed since the last poll (watching ``doc_id``'s layers)."""
        with self._lock:
            since, self._since_ns = self._since_ns, time.time_ns()
            events: list[LiveEvent] = []
            events += self._project_file()
            events += self._team()
            events += self._doc_layers(doc_id, since)
            return events

    def _project_file(self) -> list[LiveEvent]:
        sig = signature(self.folder / PROJECT_FILE)
        if sig == self._project_sig:
            return []
        self._project_sig = sig
        session = self.session
        try:  # the store reads the shared file again at the first read after it changed
            doc_ids, scheme, settings = session.read(
                lambda s: (s.document_ids(), s.scheme, s.settings))
        except (SaywhoError, OSError):
            return []
        events: list[LiveEvent] = []
        if doc_ids != self._doc_ids:
            known = set(self._doc_ids)
            events.append(DocumentsAdded(tuple(d for d in doc_ids if d not in known)))
            self._doc_ids = doc_ids
        if scheme != self._scheme:
            events.append(SchemeChanged(scheme, "scheme changed by another process"))
            self._scheme = scheme
        events += [SettingChanged(k, settings.get(k)) for k in sorted(
            settings.keys() | self._settings.keys()) if settings.get(k) != self._settings.get(k)]
        self._settings = settings
        return events

    def _team(self) -> list[LiveEvent]:
        sig = signature(self.folder / ASSIGNMENTS_NAME)
        assignments = sig != self._assignments_sig
        self._assignments_sig = sig
        changed = {n[: -len(STATUS_SUFFIX)] for n in self._statuses.poll()}
        changed |= {n[: -len(JOURNAL_SUFFIX)] for n in self._journals.poll()}
        if not assignments and not changed:
            return []
        return [TeamProgressChanged(tuple(sorted(changed)), assignments)]

    def _doc_layers(self, doc_id: str | None, since_ns: int) -> list[LiveEvent]:
        if doc_id != self._doc:  # a new document in view: what was written since last poll
            self._doc = doc_id
            self._layers = None
            folder = self._layer_folder(doc_id) if doc_id else None
            if folder is None or doc_id is None:
                return []
            self._layers = _Folder(folder, lambda n: n.endswith(".json") and n[0] != ".")
            self._layers.poll()
            changed = {n for n, sig in self._layers.files.items()
                       if sig[1] >= since_ns - MTIME_SLACK_NS}
        elif self._layers is None or doc_id is None:
            return []
        else:
            changed = self._layers.poll()
        if not changed:
            return []
        try:
            names = self.session.layer_names(doc_id)
        except (SaywhoError, OSError):
            return []
        return [LayerStored(doc_id, name) for name in names if layer_file(name) in changed]

    def _layer_folder(self, doc_id: str) -> Path | None:
        try:
            return document_folder(self.folder, self.session.info(doc_id))
        except (SaywhoError, OSError):
            return None

    # ----------------------------------------------------------------- this process's changes
    def _heard(self, event: Event) -> None:
        """A change of this process: what it wrote is seen already."""
        with self._lock:
            if isinstance(event, SchemeChanged):
                self._scheme = event.scheme
            elif isinstance(event, SettingChanged):
                self._settings = {**self._settings, event.key: event.value}
            elif isinstance(event, DocumentsAdded):
                self._doc_ids = [*self._doc_ids,
                                 *(d for d in event.doc_ids if d not in self._doc_ids)]
            elif isinstance(event, EditSaved | LayerStored) and self._layers is not None:
                doc, layer = ((event.receipt.doc_id, event.receipt.layer)
                              if isinstance(event, EditSaved) else (event.doc_id, event.layer))
                if doc == self._doc:
                    self._layers.take(layer_file(layer))

