"""The annotator's project model inside a session: what it learns from, where it is kept, and
re-suggesting after a refit.

- **What counts as corrected** (``corrected_ids``): the documents this annotator marked done,
  and those whose own layer is stored and holds no quote still ``suggested`` (every quote
  reviewed). Both are read from the corpus index (``Session.corpus_view``), a slice at a time,
  without reading a layer; only the corrected documents' layers are read to learn from them.
- **Refit** (``refit``): pure reads plus ``build_training_set`` and ``fit_project_model``; safe to
  call from a worker thread (the session's lock is held per document read only). ``keep``
  makes the model the session's and stores it (``annotations.store.learned``: the annotator's
  own ``learned/<annotator>.json``, replaced atomically); a disk error is a ``SaveError``, the
  model is kept in memory all the same.
- **Suggesting**: a session whose suggestions come from saywho's rules suggests through
  ``ProjectDetector(model)`` (``detect``) once a model is stored, also after a reopen, unless
  the project setting ``learn_quotes`` is false.
- **Re-suggesting** (``resuggest_document``): the document's text is detected outside the
  session's lock; then, under it, the untouched suggestions of the layer the annotator sees
  (their own when it is stored, else the project's suggestions it is seeded from) are replaced
  (``annotations.learn.resuggest``: never a quote a human changed) and the layer is stored
  through ``Session.put_layer`` (the corpus index follows, ``LayerStored`` is emitted).
  ``plan`` says which documents a refit re-suggests without reading any layer: the one on
  screen first, then up to ``RESUGGEST_AHEAD`` un-reviewed documents after it in project
  order (the ones read next); any other document is re-suggested when it is opened
  (``stale``), so no pass ever reads every layer of a large corpus.

No textual here; numpy and scikit-learn are imported by the fit only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from annotations.display import count
from annotations.learn.types import ProjectModel, model_from_dict, model_to_dict
from annotations.model import SUGGESTIONS_LAYER, Layer, Quote, now_iso

if TYPE_CHECKING:
    from pathlib import Path

    from annotations.corpus_index import CorpusView
    from annotations.detect.suggestions import Suggestions
    from annotations.learn.apply import ProjectDetector
    from annotations.model import Document

T = TypeVar("T")


class LearningSession(Protocol):
    """What the project model needs of the session it serves (``annotations.session.Session``
    is one; typed here so the model does not import the session that holds it): who annotates,
    the project's folder and settings, reads under the session's lock, the corpus index's view
    and a re-suggest of one document."""

    @property
    def annotator(self) -> str:
        """Whose corrections the model learns from."""
        ...

    @property
    def folder(self) -> Path:
        """The project folder (the model is stored in it)."""
        ...

    @property
    def read_only(self) -> bool:
        """True when nothing may be written."""
        ...

    @property
    def settings(self) -> dict[str, Any]:
        """The project's settings."""
        ...

    def read(self, fn: Callable[[Any], T]) -> T:
        """Run ``fn`` on the session under its lock."""
        ...

    def document(self, doc_id: str) -> Document:
        """A document of the project."""
        ...

    def layer(self, doc_id: str, name: str | None = None) -> Layer:
        """A layer of a document (default: the annotator's own)."""
        ...

    def corpus_view(self, layer: str | None = None) -> CorpusView:
        """The corpus index as the annotator sees ``layer``."""
        ...

    def resuggest(self, doc_id: str, fresh: Suggestions) -> int:
        """Replace the untouched suggestions of a document; how many changed."""
        ...

LEARN_SETTING = "learn_quotes"
INDEX_SLICE = 2000  # index entries read per hold of the session's lock
RESUGGEST_AHEAD = 200  # un-reviewed documents a refit re-suggests after the one on screen


@dataclass(frozen=True, slots=True)
class Refit:
    """What one refit learned: the ``model``, the corrected documents it learned from
    (``doc_ids``) and how long reading and fitting took (``seconds``)."""

    model: ProjectModel
    doc_ids: tuple[str, ...]
    seconds: float

    @property
    def articles(self) -> int:
        """How many corrected articles the model learned from."""
        return len(self.doc_ids)


@dataclass(frozen=True, slots=True)
class ResuggestReport:
    """What a re-suggest pass did: suggestions changed in how many documents, of how many
    looked at, and whether it was cancelled before the end."""

    changed: int = 0
    documents: int = 0
    looked_at: int = 0
    cancelled: bool = False
    seconds: float = 0.0

    def plus(self, doc_changed: int, seconds: float = 0.0) -> ResuggestReport:
        """This report with one more document looked at (``doc_changed`` suggestions)."""
        return ResuggestReport(self.changed + doc_changed,
                               self.documents + (doc_changed > 0), self.looked_at + 1,
                               self.cancelled, self.seconds + seconds)


def is_learned(quote: Quote) -> bool:
    """Whether a project model made or changed ``quote`` (its origin ends with ``LEARNED``;
    the detector's module is imported only for an origin that can)."""
    if "+" not in quote.origin:
        return False
    from annotations.learn.apply import LEARNED

    return quote.origin.endswith(LEARNED)


def learning_enabled(settings: dict[str, object]) -> bool:
    """The project setting ``learn_quotes`` (default on; only ``False`` turns it off)."""
    return settings.get(LEARN_SETTING, True) is not False


def is_corrected(view: CorpusView, doc_id: str) -> bool:
    """Whether the annotator corrected ``doc_id`` (see the module docstring), from the index."""
    from annotations.store.statuses import DONE

    if view.status(doc_id) == DONE:
        return True
    if not view.stored(doc_id):
        return False
    quotes, reviewed = view.counts(doc_id)
    return quotes > 0 and reviewed == quotes


def describe(refit: Refit, report: ResuggestReport | None = None) -> str:
    """One status-bar line about a refit (and the re-suggest after it)."""
    model = refit.model
    articles = count(refit.articles, "article")
    if not model.trusted and not model.edits:
        return f"quote suggestions: {model.status.describe()}"
    head = f"learned from {articles}"
    if not model.trusted:
        head += " (span conventions and names only: the classifier does not beat the rules yet)"
    if report is None:
        return head
    changes = count(report.changed, "suggestion")
    return f"{head}: {changes} changed in {count(report.documents, 'document')}"


class ProjectLearning:
    """The session's project model: loaded from the project on first use, refitted from the
    annotator's corrections, used to suggest and to re-suggest (see the module docstring).

    ``active``: the session suggests with saywho's rules (a session opened with its own
    detector learns and stores models, but suggests with that detector).
    """

    def __init__(self, session: LearningSession, *, active: bool = True) -> None:
        self._session = session
        self.active = active
        self._lock = threading.Lock()
        self._loaded = False
        self._model: ProjectModel | None = None
        self._detector: ProjectDetector | None = None
        self._fresh: set[str] = set()  # documents re-suggested with the current model

    # ------------------------------------------------------------------ the model
    @property
    def enabled(self) -> bool:
        """The project setting ``learn_quotes`` is on (the default)."""
        return learning_enabled(self._session.settings)

    @property
    def model(self) -> ProjectModel | None:
        """The annotator's latest model (``None``: none fitted yet); read from the project
        the first time it is asked for."""
        with self._lock:
            if not self._loaded:
                self._loaded = True
                from annotations.store.learned import read_model

                stored = read_model(self._session.folder, self._session.annotator)
                if stored is not None:
                    try:
                        self._model = model_from_dict(stored.model)
                    except (TypeError, ValueError):  # another version's shape: fit again
                        self._model = None
            return self._model

    def detector(self) -> ProjectDetector | None:
        """The detector suggestions come from when learning changes them (``None``: the
        session's own: no model, learning off, or a detector the session was opened with)."""
        if not self.active or not self.enabled:
            return None
        model = self.model
        if model is None or not (model.trusted or model.edits):
            return None
        with self._lock:
            if self._detector is None or self._detector.model is not model:
                from annotations.learn.apply import ProjectDetector

                self._detector = ProjectDetector(model)
            return self._detector

    def detect(self, text: str) -> Layer | None:
        """The project model's suggestions for ``text`` as a suggestions layer (``None``: the
        session's own detector suggests)."""
        detector = self.detector()
        if detector is None:
            return None
        return _as_layer(detector.detect(text))

    # ------------------------------------------------------------------ learning
    def corrected_ids(self) -> list[str]:
        """The documents the annotator corrected, in project order, from the corpus index
        (no layer read)."""
        session = self._session
        view = session.corpus_view()
        ids = list(view.doc_ids)
        found: list[str] = []
        for start in range(0, len(ids), INDEX_SLICE):
            part = ids[start:start + INDEX_SLICE]
            found.extend(session.read(
                lambda _s, part=part: [d for d in part if is_corrected(view, d)]))
        return found

    def refit(self) -> Refit:
        """Fit a model on the annotator's corrected documents (pure: nothing is kept or
        written; callable from a worker thread)."""
        from annotations.learn.fit import fit_project_model
        from annotations.learn.training import CorrectedDocument, build_training_set

        started = time.perf_counter()
        session = self._session
        ids = self.corrected_ids()
        docs = []
        for doc_id in ids:
            text, layer = session.read(lambda s, d=doc_id: (s.document(d).text, s.layer(d)))
            docs.append(CorrectedDocument.from_layer(doc_id, text, layer))
        model = fit_project_model(build_training_set(docs))
        return Refit(model, tuple(ids), time.perf_counter() - started)

    def keep(self, refit: Refit) -> None:
        """Make ``refit``'s model the one suggestions use and store it for the annotator
        (a read-only session keeps it in memory only). A disk error raises ``SaveError``
        (the model is in use all the same)."""
        from annotations.errors import SaveError
        from annotations.store.learned import StoredModel, write_model

        with self._lock:
            self._loaded = True
            self._model = refit.model
            self._fresh = set()
        session = self._session
        if session.read_only:
            return
        stored = StoredModel(model_to_dict(refit.model), now_iso(), refit.articles)
        try:
            write_model(session.folder, session.annotator, stored)
        except OSError as exc:
            raise SaveError(f"learned quote model: not saved ({exc.strerror or exc})") from exc

    # ------------------------------------------------------------------ re-suggesting
    def plan(self, first: str | None = None, ahead: int | None = None) -> list[str]:
        """The documents a refit re-suggests, from the corpus index (no layer read): ``first``
        (the one on screen) unless corrected, then up to ``ahead`` (default
        ``RESUGGEST_AHEAD``) un-reviewed documents after it in project order, wrapping round."""
        if ahead is None:
            ahead = RESUGGEST_AHEAD
        session = self._session
        view = session.corpus_view()
        ids = list(view.doc_ids)
        at = ids.index(first) if first in ids else -1
        order = ids[at + 1:] + ids[:at + 1] if at >= 0 else ids
        out: list[str] = []
        if first is not None and at >= 0 and not session.read(
                lambda _s: is_corrected(view, first)):
            out.append(first)
        pos = 0
        while len(out) < ahead + (first in out) and pos < len(order):
            part = order[pos:pos + INDEX_SLICE]
            pos += len(part)
            out.extend(session.read(lambda _s, part=part: [
                d for d in part if d != first and not is_corrected(view, d)]))
        return out[:ahead + (first in out)]

    def stale(self, doc_id: str) -> bool:
        """Whether ``doc_id`` has not been re-suggested with the current model (only while
        learning is on and a model was fitted)."""
        return (self.active and not self._session.read_only and self.enabled
                and self.model is not None and doc_id not in self._fresh)

    def resuggest_document(self, doc_id: str) -> int:
        """Re-suggest ``doc_id`` with the current model (see the module docstring); returns how
        many suggestions changed (0: nothing was written). A document the annotator corrected
        is left alone."""
        model = self.model
        if model is None or not self.active or self._session.read_only:
            return 0
        from annotations.learn.apply import ProjectDetector

        session = self._session
        detector = self.detector() if self.enabled else None
        if detector is None:  # learning off or gate closed: back to the rules' suggestions
            detector = ProjectDetector(ProjectModel(status=model.status))
        text = session.read(lambda s: s.document(doc_id).text)
        fresh = detector.detect(text)  # outside the lock: edits go on meanwhile
        changed = session.resuggest(doc_id, fresh)
        with self._lock:
            if self._model is model:
                self._fresh.add(doc_id)
        return changed

    def resuggest(
        self, doc_ids: Sequence[str], cancelled: threading.Event | None = None
    ) -> ResuggestReport:
        """Re-suggest ``doc_ids`` one at a time, stopping when ``cancelled`` is set."""
        report = ResuggestReport()
        for doc_id in doc_ids:
            if cancelled is not None and cancelled.is_set():
                return ResuggestReport(report.changed, report.documents, report.looked_at,
                                       True, report.seconds)
            started = time.perf_counter()
            changed = self.resuggest_document(doc_id)
            report = report.plus(changed, time.perf_counter() - started)
        return report


def _as_layer(found: Suggestions) -> Layer:
    return Layer(SUGGESTIONS_LAYER, {q.id: q for q in found.quotes},
                 {s.id: s for s in found.speakers})
