"""SpeakerFeed: the corpus's speakers the speaker picker offers, kept current for the TUI.

Who the corpus's speakers are is ``annotations.registry`` (``SpeakerRegistry``, read from the
corpus index's summaries by ``registry_from_summaries``); this module keeps one for the layer
on screen. It is read once per layer (1.7 s at 100,000 documents), then kept current one
document at a time: every saved edit of this session, a layer another process stored in the
document in view, documents imported meanwhile.

What the session does not see one document at a time (another process writing a shared layer
anywhere in the corpus) makes the registry stale: the picker goes on offering it, and a thread
worker reads it again, a slice of documents per hold of the session's lock, so keys and saves
go on meanwhile; the documents this session changed during that read are read again when it
lands. ``prefetch`` starts the first read the same way, once the reader has been open a
moment, so the first ``s`` at 100,000 documents does not wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App

from annotations.errors import SaywhoError
from annotations.model import Layer
from annotations.session import Session

if TYPE_CHECKING:
    from annotations.registry import SpeakerRegistry

SLICE = 2000  # documents whose summaries one hold of the session's lock reads
WAIT_S = 30.0  # the longest the first picker waits for a read under way
ADDED_AT_ONCE = 50  # imported documents read into the registry on the UI thread, at most


class SpeakerFeed:
    """The speaker registry of the layer on screen (``registry``), kept current."""

    def __init__(self, session: Session, owner: App[object],
                 layer: Callable[[], str | None]) -> None:
        self._session = session
        self._owner = owner
        self._layer = layer
        self._registry: SpeakerRegistry | None = None
        self._stale = False
        self._generation = 0  # a layer switch: what a read under way brings back is dropped
        self._reading: tuple[int, threading.Event, list[SpeakerRegistry]] | None = None
        self._changed: set[str] = set()  # documents edited while a read was under way
        self._stale_again = False

    # ------------------------------------------------------------------ reading
    def registry(self) -> SpeakerRegistry:
        """The registry now: read at once the first time (or awaited, when a read is under
        way); when stale, the one held while a worker reads it again."""
        if self._registry is None:
            reading = self._reading
            if reading is not None and reading[0] == self._generation:
                reading[1].wait(WAIT_S)  # then read here, at worst twice
                if reading[2]:
                    self._install(self._generation, reading[2][0])
            if self._registry is None:
                layer = self._layer()
                self._registry = self._session.read(lambda s: _read(s, layer, s.document_ids()))
                self._stale = False
        elif self._stale and self._reading is None:
            self._start()
        return self._registry

    def prefetch(self) -> None:
        """Read the registry in a worker if it is not held yet (the first picker then does
        not wait for it)."""
        if self._registry is None and self._reading is None:
            self._start()

    def _start(self) -> None:
        generation, layer = self._generation, self._layer()
        done, box = threading.Event(), []
        self._reading = (generation, done, box)
        self._changed = set()
        self._stale_again = False
        self._owner.run_worker(partial(self._read_in_slices, generation, layer, done, box),
                               thread=True, group="speakers", name="speaker-registry",
                               exit_on_error=False)

    def _read_in_slices(self, generation: int, layer: str | None, done: threading.Event,
                        box: list[SpeakerRegistry]) -> None:
        """(worker thread) the registry into ``box``, a slice of documents per hold of the
        session's lock; ``done`` set when it is there (or will not be)."""
        from annotations.registry import SpeakerRegistry

        session = self._session
        found = SpeakerRegistry()
        whole = True
        try:
            ids = session.read(lambda s: s.document_ids())
            for start in range(0, len(ids), SLICE):
                if generation != self._generation:
                    whole = False
                    break
                part = ids[start:start + SLICE]
                session.read(lambda s, part=part: _read(s, layer, part, found))
        except Exception:  # noqa: BLE001 - the registry held stays; the next picker reads
            whole = False
        finally:
            if whole:
                box.append(found)
            done.set()  # never left unset: the picker would wait on it for ever
            self._owner.post_message(events.Callback(callback=partial(self._landed, box)))

    def _landed(self, box: list[SpeakerRegistry]) -> None:
        reading = self._reading
        if reading is None or reading[2] is not box:  # a read dropped, or not this one
            return
        generation = reading[0]
        if reading[2] and (self._registry is None or self._stale):
            self._install(generation, reading[2][0])
        self._reading = None

    def _install(self, generation: int, found: SpeakerRegistry) -> None:
        """Take ``found`` (read by the worker) once the documents edited meanwhile are read
        again into it."""
        if generation != self._generation:
            return
        self._reading = None
        self._registry = found
        changed, self._changed = self._changed, set()
        for doc_id in sorted(changed):
            self.update(doc_id)
        self._stale = self._stale_again

    # ------------------------------------------------------------------ keeping it current
    def update(self, doc_id: str, layer: Layer | None = None) -> None:
        """Bring ``doc_id``'s part up to date (``layer``: its layer on screen as just saved;
        else read), when there is a registry to keep."""
        if self._reading is not None:
            self._changed.add(doc_id)
        if self._registry is None:
            return
        from annotations.layer_summary import voices

        shown = self._layer() or self._session.annotator
        if layer is None or layer.name != shown:
            try:
                layer = self._session.read(lambda s: s.layer(doc_id, self._layer()))
            except SaywhoError:
                self.stale()
                return
        self._registry.set_document(doc_id, voices(layer))

    def added(self, doc_ids: Sequence[str]) -> None:
        """Documents were imported: a few are read into the registry now; more are left to a
        worker's read (reading thousands of layers here held the UI up)."""
        if len(doc_ids) > ADDED_AT_ONCE:
            self.stale()
            return
        for doc_id in doc_ids:
            self.update(doc_id)

    def stale(self) -> None:
        """Another process may have changed speakers anywhere: read again in a worker at the
        next picker (the one held is offered meanwhile)."""
        if self._reading is not None:
            self._stale_again = True
        self._stale = True

    def forget(self) -> None:
        """Another layer is on screen: its registry is read when first asked for."""
        self._generation += 1
        self._registry = None
        self._reading = None
        self._stale = False


def _read(session: Session, layer: str | None, doc_ids: list[str],
          into: SpeakerRegistry | None = None) -> SpeakerRegistry:
    """The speakers of ``doc_ids`` in ``layer`` from the corpus index (``into``: added to it)."""
    from annotations.registry import registry_from_summaries

    view = session.corpus_view(layer)
    return registry_from_summaries(doc_ids, view.layer_voices,
                                   lambda d: session.layer(d, view.layer), into=into)
