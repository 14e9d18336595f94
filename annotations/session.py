"""The session: the one way in to a project, for the TUI, the CLI and a notebook alike.

Every change goes through a ``Session``: edits, undo and redo, stance-scheme changes, settings,
imports (read -> *detect here* -> store) and layer imports. The store below it only stores; the
detector is called by the session, never by the store.

One error policy: whatever fails (a full disk, a refused file, a bug in a detector) leaves the
session as a ``SaywhoError`` with a title and a one-line message, and the listeners hear a
``ChangeFailed``; a change that succeeded is announced as a typed event (``annotations.events``)
once it is on disk. The session is safe to call from several threads: one lock serialises every
read and write, so a reader never sees half an edit.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from annotations import scheme as scheme_rules
from annotations.copies import Copies
from annotations.detect.deadline import (
    DEFAULT_DETECT_BUDGET_S,
    DetectionTimeout,
    detection_budget,
)
from annotations.edits import SetQuoteCode, SetSpeakerAttribute, SetStance
from annotations.errors import (
    InputError,
    ReadOnlyError,
    SaveError,
    SaywhoError,
)
from annotations.events import (
    ChangeFailed,
    DocumentChanged,
    DocumentsAdded,
    EditSaved,
    Event,
    LayerStored,
    SchemeChanged,
    SettingChanged,
)
from annotations.model import (
    FINAL_LAYER,
    SUGGESTIONS_LAYER,
    Document,
    Layer,
    StanceScheme,
    now_iso,
)
from annotations.store import DocumentInfo, EditReceipt, ImportReport, Project
from annotations.store.positions import ReaderPosition, read_position, write_position
from annotations.store.statuses import StoredStatus, read_statuses_or_none

if TYPE_CHECKING:
    from annotations.codebook import CodedVariable
    from annotations.corpus_index import CorpusView, DocSummary
    from annotations.detect.suggestions import Suggestions
    from annotations.edits import Edit

T = TypeVar("T")
Listener = Callable[[Event], None]
Detect = Callable[[str], Layer]


def rule_detector() -> Detect:
    """saywho's rule detector as a text -> suggestions-layer function (imported on first use)."""

    def detect(text: str) -> Layer:
        from annotations.detect import DEFAULT_DETECTOR

        found = DEFAULT_DETECTOR.detect(text)
        return Layer(
            SUGGESTIONS_LAYER, {q.id: q for q in found.quotes}, {s.id: s for s in found.speakers}
        )

    return detect


class Session:
    """One annotator's open project: reads, every change, and the events that follow them.

    Open with ``Session.open`` and close with ``close`` (or use it as a context manager).
    """

    def __init__(self, project: Project, detect: Detect | None = None) -> None:
        self.project = project
        self._detect = detect or rule_detector()
        self._lock = _EmitAfterLock()
        self._listeners: list[Listener] = []
        self._layer_names_ok: set[str] = set()  # passed ``new_layer_problem`` once: stays so
        from annotations.learn.project import ProjectLearning

        # the annotator's project model of quote suggestions (loaded when first used)
        self.learning = ProjectLearning(self, active=detect is None)

    @classmethod
    def open(
        cls,
        folder: str | os.PathLike[str],
        annotator: str | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
        detect: Detect | None = None,
    ) -> Session:
        """Open (or create) the project in ``folder`` for ``annotator`` (default: login name)."""
        return cls(
            Project.open(folder, annotator, create=create, read_only=read_only), detect
        )

    def close(self) -> None:
        """Release the project's lock and files."""
        with self._lock:
            self.project.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- events
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event from now on; returns the unsubscribe call.

        Listeners run in the thread that made the change: a UI hands them to its own thread.
        """
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, event: Event) -> None:
        if self._lock.held():  # a listener may take its own lock and call back in: not here
            self._lock.after_release(partial(self._emit, event))
            return
        for listener in list(self._listeners):
            listener(event)

    @contextlib.contextmanager
    def _change(self, what: str, *, shared: bool = False) -> Iterator[None]:
        """Run one change under the lock with the one error policy. ``shared``: a change of
        shared files only (imports, settings), allowed while another process of this annotator
        holds the annotator's lock."""
        try:
            with self._lock:
                if shared:
                    if self.shared_read_only:
                        self._require_writable()
                else:
                    self._require_writable()
                yield
        except SaywhoError as exc:
            self._emit(ChangeFailed(what, exc))
            raise
        except OSError as exc:
            where = f"{Path(exc.filename).name}: " if exc.filename else ""
            error = SaveError(f"{what}: not saved ({where}{exc.strerror or exc})")
            self._emit(ChangeFailed(what, error))
            raise error from exc
        except Exception as exc:  # noqa: BLE001 - every failure reaches the user as one line
            error = SaywhoError(f"{what} failed: {type(exc).__name__}: {exc}", title="Failed")
            self._emit(ChangeFailed(what, error))
            raise error from exc

    def _require_writable(self) -> None:
        if self.project.read_only:
            raise ReadOnlyError(self.project.read_only_reason or "the project is open read-only")

    # ----------------------------------------------------------------- who and where
    @property
    def annotator(self) -> str:
        """Whose layer this session writes by default."""
        return self.project.annotator

    @property
    def folder(self) -> Path:
        """The project folder."""
        return self.project.folder

    @property
    def read_only(self) -> bool:
        """True when edits are refused (another process holds the project, or asked so)."""
        return self.project.read_only

    @property
    def shared_read_only(self) -> bool:
        """True when even the shared files (settings, document list, assignments) may not be
        written; a session read-only only because another process of this annotator holds
        their lock may still write them."""
        return self.project.shared_read_only

    @property
    def read_only_reason(self) -> str | None:
        """Why the session is read-only, for a banner."""
        return self.project.read_only_reason

    @property
    def damaged(self) -> list[str]:
        """Messages about files found damaged (moved aside) since the project opened."""
        return list(self.project.damaged)

    # ----------------------------------------------------------------- reads
    def read(self, fn: Callable[[Session], T]) -> T:
        """Run several reads as one, with no change in between."""
        with self._lock:
            return fn(self)

    @property
    def scheme(self) -> StanceScheme:
        """The project's stance scheme."""
        with self._lock:
            return self.project.scheme

    @property
    def settings(self) -> dict[str, Any]:
        """The project's settings (a copy)."""
        with self._lock:
            return dict(self.project.settings)

    def document_ids(self) -> list[str]:
        """Document ids in import order."""
        with self._lock:
            return self.project.document_ids()

    def has_document(self, doc_id: str) -> bool:
        """True when the project lists ``doc_id`` (a lookup, not a pass over the list)."""
        with self._lock:
            return self.project.document_info(doc_id) is not None

    def documents(self) -> list[DocumentInfo]:
        """The document list."""
        with self._lock:
            return self.project.documents()

    def info(self, doc_id: str) -> DocumentInfo:
        """One document's row."""
        with self._lock:
            return self.project.info(doc_id)

    def document(self, doc_id: str) -> Document:
        """A document with its text."""
        with self._lock:
            return self.project.document(doc_id)

    def layer_names(self, doc_id: str) -> list[str]:
        """Names of the layers stored for a document."""
        with self._lock:
            names = self.project.layer_names(doc_id)
            self._resuggest(doc_id)
            return names

    def has_layer(self, doc_id: str, name: str) -> bool:
        """True when layer ``name`` is stored for the document."""
        return name in self.layer_names(doc_id)

    def layer(self, doc_id: str, name: str | None = None) -> Layer:
        """A document's layer (default: the annotator's own, seeded from the suggestions)."""
        with self._lock:
            layer = self.project.layer(doc_id, name)
            if doc_id in self.project.needs_suggestions:  # its file was found damaged
                self._resuggest(doc_id)
                layer = self.project.layer(doc_id, name)
            return layer

    def forget(self, doc_id: str) -> None:
        """Drop the document's text and layers from memory (``Project.forget``): a pass over
        the whole corpus (``annotations.streaming``) reads one document at a time."""
        with self._lock:
            self.project.forget(doc_id)

    def check_document(self, doc_id: str, layers: Collection[str] | None = None) -> None:
        """Raise ``DamagedFileError`` when the document's text or annotations (``layers``:
        those layers' alone) cannot be read."""
        with self._lock:
            self.project.check_document(doc_id, layers)

    def verify(self) -> list[str]:
        """Open every document once; return the damage messages."""
        with self._lock:
            damaged = self.project.verify()
            for doc_id in list(self.project.needs_suggestions):
                self._resuggest(doc_id)
            return damaged

    # ----------------------------------------------------------------- the corpus index
    def corpus_view(self, layer: str | None = None) -> CorpusView:
        """Every document's counts and summary in ``layer`` (default: the annotator's own) as
        the library and the review queue show them, read from the corpus index without loading
        a layer (``annotations.corpus_index``). Index entries are trusted; documents it lacks
        are summarized from their layer files first."""
        from annotations.corpus_index import open_view

        with self._lock:
            return open_view(self.project, self.annotator, layer, self._own_statuses())

    def summaries(self, layer: str | None = None, *, verify: bool = True) -> list[DocSummary]:
        """One ``DocSummary`` per document, in project order: the layer's quote counts per
        status, type and stance, least confidence, speakers and the annotator's status of the
        document. ``verify``: check the index against the layer files first (a ``stat`` per
        file) and rebuild what is stale."""
        from annotations.corpus_index import open_view
        from annotations.corpus_index import verify as verify_index

        with self._lock:
            if verify:
                verify_index(self.project, self.annotator, layer)
            return list(open_view(self.project, self.annotator, layer, self._own_statuses()))

    def verify_summaries(
        self, layer: str | None = None, doc_ids: Collection[str] | None = None
    ) -> list[str]:
        """Check the corpus index of ``doc_ids`` (default: every document) against the layer
        files and rebuild what is stale or missing; returns the documents whose summaries
        changed. Cheap per document (a ``stat`` per file), so a UI runs it in slices."""
        from annotations.corpus_index import verify as verify_index

        with self._lock:
            return verify_index(self.project, self.annotator, layer,
                                None if doc_ids is None else list(doc_ids))

    def _own_statuses(self) -> dict[str, StoredStatus]:
        """This annotator's explicit document statuses; a damaged file reads as none and is
        said like any damage (this session's writable process moves it aside: it is that
        file's only writer)."""
        statuses, damage = read_statuses_or_none(self.folder, self.annotator,
                                                 move_aside_damaged=not self.read_only)
        if damage is not None:
            self.project.note_damage(damage)
        return statuses

    def journal(self) -> Iterator[dict[str, Any]]:
        """Every journal entry, oldest first."""
        return self.project.journal()

    @property
    def can_undo(self) -> bool:
        """True when this annotator has an edit to undo."""
        return self.project.can_undo

    @property
    def can_redo(self) -> bool:
        """True when there is an undone edit to redo."""
        return self.project.can_redo

    # ----------------------------------------------------------------- where the reader stopped
    def last_position(self) -> ReaderPosition | None:
        """Where this annotator last was in the reader, when that document still exists
        (``None`` otherwise: open as if nothing were stored)."""
        found = read_position(self.folder, self.annotator)
        if found is None or not self.has_document(found.doc_id):
            return None
        return found

    def remember_position(self, doc_id: str, quote_id: str | None) -> bool:
        """Store where this annotator is in the reader (``position/<annotator>.json``, their
        own file). Not an edit: no journal, no event, and the session's lock is not held, so
        reads go on meanwhile. A read-only session stores nothing (False): the process holding
        the annotator's lock keeps their place."""
        if self.read_only:
            return False
        place = ReaderPosition(doc_id, quote_id, now_iso())
        try:
            write_position(self.folder, self.annotator, place)
        except OSError as exc:
            raise SaveError(f"reader position: not saved ({exc.strerror or exc})") from exc
        return True

    # ----------------------------------------------------------------- detection
    def suggest(self, text: str, budget_s: float | None = None) -> Layer:
        """The detector's suggestions for ``text``, checked against it: the annotator's project
        model's (``self.learning``, ``annotations.learn.project``) once one changes them, else
        the session's detector's. In a team project the suggestions are shared, so they are the
        rules' (``_others_annotate``).

        Detection has a time budget: the project setting ``detect_budget_s`` (a positive
        number of seconds), else ``DEFAULT_DETECT_BUDGET_S``. The rule detector stops itself
        when the budget is spent; any other detector is judged when it returns. Either way a
        text over budget raises ``DetectionTimeout`` (nothing is stored for it). ``budget_s``:
        the budget already read (an import reads it once).
        """
        budget = self.detect_budget() if budget_s is None else budget_s
        started = time.monotonic()
        with detection_budget(float(budget)):
            learned = (None if self.learning.detector() is None or self._others_annotate()
                       else self.learning.detect(text))
            found = learned if learned is not None else self._detect(text)
        if time.monotonic() - started > budget:
            raise DetectionTimeout(float(budget))
        return Layer(SUGGESTIONS_LAYER, found.quotes, found.speakers).check(text)

    def detect_budget(self) -> float:
        """Seconds one document may take to detect: the project setting ``detect_budget_s``
        when it is a positive number, else ``DEFAULT_DETECT_BUDGET_S``."""
        budget = self.project.settings.get("detect_budget_s")
        if isinstance(budget, bool) or not isinstance(budget, int | float) or not budget > 0:
            return DEFAULT_DETECT_BUDGET_S
        return float(budget)

    def _resuggest(self, doc_id: str) -> None:
        """A document whose annotations file was moved aside gets fresh suggestions."""
        if doc_id not in self.project.needs_suggestions or self.shared_read_only:
            return
        try:
            layer = self.suggest(self.project.document(doc_id).text)
        except Exception:  # noqa: BLE001 - the document still opens, without suggestions
            layer = Layer(SUGGESTIONS_LAYER)
        with contextlib.suppress(OSError, SaywhoError):
            self.project.store_suggestions(doc_id, layer)

    # ----------------------------------------------------------------- edits
    def apply(self, edit: Edit) -> EditReceipt:
        """Apply one edit; returns once it is on disk and in the journal. A stance is one of
        the scheme's labels (a label renamed or removed since is refused)."""
        if isinstance(edit, SetStance) and edit.stance is not None:
            names = self.scheme.names
            if edit.stance not in names:
                raise InputError(f"{edit.stance!r} is not a label of the stance scheme "
                                 f"({', '.join(names)})")
        if isinstance(edit, SetSpeakerAttribute | SetQuoteCode):
            quote = isinstance(edit, SetQuoteCode)
            name = edit.variable if isinstance(edit, SetQuoteCode) else edit.attribute
            scheme = self.quote_variables if quote else self.speaker_attributes
            attribute = next((a for a in scheme if a.name == name), None)
            if attribute is None:
                kind = "quote variable" if quote else "speaker attribute"
                raise InputError(f"{name!r} is not a {kind} of the project")
            if edit.value is not None and edit.value not in attribute.values:
                raise InputError(f"{edit.value!r} is not a value of {attribute.name} "
                                 f"({', '.join(attribute.values)})")
        with self._change(edit.describe()):
            receipt = self.project.apply(edit)
        self._emit(EditSaved("edit", receipt))
        return receipt

    def undo(self, doc_id: str | None = None, layer: str | None = None) -> EditReceipt | None:
        """Undo this annotator's last edit (``None``: nothing to undo).

        With ``doc_id``, the last edit in that document and ``layer`` (default: the annotator's
        own): undo acts where the researcher is looking, never out of sight.
        """
        return self._step("undo", doc_id, layer)

    def redo(self, doc_id: str | None = None, layer: str | None = None) -> EditReceipt | None:
        """Redo the last undone edit (in ``doc_id`` and ``layer`` when given)."""
        return self._step("redo", doc_id, layer)

    def _step(self, op: str, doc_id: str | None, layer: str | None) -> EditReceipt | None:
        scope = None if doc_id is None else (doc_id, layer or self.annotator)
        with self._change(op):
            receipt = self.project.undo(scope) if op == "undo" else self.project.redo(scope)
        if receipt is not None:
            self._emit(EditSaved(op, receipt))
        return receipt

    # ----------------------------------------------------------------- scheme and settings
    def add_label(self, name: str, key: str | None = None) -> StanceScheme:
        """Add a stance label (with the next free digit key unless one is given)."""
        what = f"add label {name.strip()}"
        with self._change(what):
            scheme = scheme_rules.add_label(self.project, name, key)
        self._emit(SchemeChanged(scheme, what))
        return scheme

    def rename_label(self, old: str, new: str) -> int:
        """Rename a label; every quote carrying it keeps it under the new name."""
        what = f"rename {old} to {new.strip()}"
        with self._change(what):
            moved = scheme_rules.rename_label(self.project, old, new)
            scheme = self.project.scheme
        self._emit(SchemeChanged(scheme, what, moved))
        return moved

    def remove_label(
        self, name: str, *, replace_with: str | None = None, confirm: bool = False
    ) -> int:
        """Remove a label; in use, it needs ``confirm`` and its quotes get ``replace_with``."""
        what = f"remove label {name}"
        with self._change(what):
            moved = scheme_rules.remove_label(
                self.project, name, replace_with=replace_with, confirm=confirm
            )
            scheme = self.project.scheme
        self._emit(SchemeChanged(scheme, what, moved))
        return moved

    def set_label_key(self, name: str, key: str, reserved: Collection[str] = ()) -> StanceScheme:
        """Give label ``name`` the key ``key`` (not one of ``reserved``, the UI's own keys)."""
        what = f"key {key.strip()} for {name}"
        with self._change(what):
            scheme = scheme_rules.set_label_key(self.project, name, key, reserved)
        self._emit(SchemeChanged(scheme, what))
        return scheme

    def set_target(self, target: str) -> StanceScheme:
        """Change what stance is about."""
        what = "set stance target"
        with self._change(what):
            scheme_rules.set_target(self.project, target)
            scheme = self.project.scheme
        self._emit(SchemeChanged(scheme, what))
        return scheme

    def stance_target(self, doc_id: str) -> str:
        """What stance is about in ``doc_id``: its own target, else the project's."""
        return scheme_rules.document_target(self.project, doc_id)

    def set_document_target(self, doc_id: str, target: str) -> str:
        """Give ``doc_id`` its own stance target (blank: the project's again); returns the
        target that now applies."""
        what = f"stance target of {doc_id}"
        with self._change(what, shared=True):
            scheme_rules.set_document_target(self.project, doc_id, target)
        self._emit(DocumentChanged(doc_id, what))
        return self.stance_target(doc_id)

    def record(self, op: str, what: str, data: dict[str, Any]) -> bool:
        """Journal a change made outside the layers and the scheme (an annotator's status of a
        document) for the history, when this process keeps the annotator's journal (not read
        only); returns whether it did. A document's target or status set is an undo step too
        (``store.doc_steps``), in order with the layer edits."""
        with self._lock:
            if self.read_only:
                return False
            self.project.record(op, what, data)
        return True

    def label_usage(
        self, layer: str | None = None, *, every_layer: bool = False
    ) -> dict[str, int]:
        """How many quotes carry each label in ``layer`` (default: the annotator's own) over
        every document, read from the corpus index; ``every_layer``: over every layer of every
        document instead (what a rename or a removal of the label touches)."""
        with self._lock:
            if every_layer:
                return dict(scheme_rules.label_usage(self.project))
            view = self.corpus_view(layer)
            return dict(scheme_rules.layer_label_usage(
                view.layer_summary(doc_id) for doc_id in view.doc_ids))

    @property
    def speaker_attributes(self) -> tuple[CodedVariable, ...]:
        """What the project codes about its speakers (gender by default)."""
        from annotations import codebook  # loaded on first use: not on the way to a first frame

        return codebook.attribute_scheme(self.settings)

    @property
    def quote_variables(self) -> tuple[CodedVariable, ...]:
        """What the project codes about each quote besides its stance (topic, frame…)."""
        from annotations import codebook

        return codebook.quote_variables(self.settings)

    def define_attribute(self, name: str, values: Iterable[str], *,
                         quote: bool = False) -> CodedVariable:
        """Add a speaker attribute (``quote``: a quote variable), or change the values of one.
        A value in use cannot go (``attribute_usage`` says which are), and a speaker attribute
        and a quote variable never share a name (a csv column, a picker row each)."""
        from annotations import codebook

        attribute = codebook.define(name, values,
                                    "quote variable" if quote else "speaker attribute")
        current = self.quote_variables if quote else self.speaker_attributes
        other = self.speaker_attributes if quote else self.quote_variables
        if any(a.name == attribute.name for a in other):
            kind = "speaker attribute" if quote else "quote variable"
            raise InputError(f"{attribute.name!r} is a {kind} already")
        if not quote:  # its csv column would be a second column of one name
            from annotations.codebook import column
            from annotations.formats.csv_format import CSV_COLUMNS
            if column(attribute.name) in CSV_COLUMNS:
                raise InputError(f"{attribute.name!r}: the csv has a column "
                                 f"{column(attribute.name)} already; name it otherwise")
        old = next((a for a in current if a.name == attribute.name), None)
        if old is not None:
            gone = set(old.values) - set(attribute.values)
            used = {v: n for v, n in self.attribute_usage(attribute.name, quote=quote).items()
                    if v in gone}
            if used:
                what = "quote(s)" if quote else "speaker(s)"
                said = ", ".join(f"{v!r} codes {n} {what}" for v, n in used.items())
                raise InputError(f"{attribute.name}: {said}; code them otherwise first, "
                                 "or keep the value")
        self.set_setting(codebook.QUOTE_SETTING if quote else codebook.SETTING,
                         codebook.as_setting(codebook.with_attribute(current, attribute)))
        return attribute

    def remove_attribute(self, name: str, *, quote: bool = False) -> None:
        """Stop coding attribute ``name`` (``quote``: a quote variable); refused while
        something is coded with it."""
        current = self.quote_variables if quote else self.speaker_attributes
        what = "quote variable" if quote else "speaker attribute"
        if all(a.name != name for a in current):
            raise InputError(f"{name!r} is not a {what} of the project "
                             f"({', '.join(a.name for a in current) or 'none'})")
        used = sum(self.attribute_usage(name, quote=quote).values())
        if used:
            coded = "quote(s)" if quote else "speaker(s)"
            raise InputError(f"{name}: {used} {coded} are coded with it; clear them first")
        from annotations import codebook

        self.set_setting(codebook.QUOTE_SETTING if quote else codebook.SETTING,
                         codebook.as_setting(a for a in current if a.name != name))

    def attribute_usage(self, name: str, *, quote: bool = False) -> dict[str, int]:
        """How many speakers (``quote``: quotes, rejected ones too) carry each value of
        ``name``, over every layer of every document (what changing its values touches).

        Read from the corpus index (each layer's voices and quote codes), checked against the
        layer files first (a ``stat`` per file; what is stale is summarized again): reading
        every layer took minutes at 100,000 documents."""
        counts: Counter[str] = Counter()
        with self._lock:
            for doc_id, layer_name, summary in self.project.layer_summaries([self.annotator]):
                if quote:
                    counts.update({v: every for k, v, _, every in summary.codes if k == name})
                elif summary.voices is not None:
                    counts.update(v for voice in summary.voices
                                  if (v := voice.attribute(name)) is not None)
                else:  # an entry an older saywho wrote, without voices: the layer
                    layer = self.project.layer(doc_id, layer_name)
                    counts.update(v for s in layer.speakers.values()
                                  if (v := s.attribute(name)) is not None)
        return dict(counts)

    def set_setting(self, key: str, value: Any) -> None:
        """Store one project setting."""
        with self._change(f"setting {key}", shared=True):
            self.project.set_setting(key, value)
        self._emit(SettingChanged(key, value))

    # ----------------------------------------------------------------- imports
    def import_documents(
        self,
        documents: Iterable[Document],
        *,
        progress: Callable[[Document], None] | None = None,
        jobs: int = 1,
        report: ImportReport | None = None,
        skip_same_text: Callable[[Document], bool] | None = None,
        change_meta: bool = False,
        numbered: Callable[[Document], bool] | None = None,
    ) -> ImportReport:
        """Add documents: each new one is detected here, then stored with its suggestions.

        Allowed while another process of this annotator holds the project (a ``saywho import``
        next to an open TUI): an import writes only shared files and new documents' files.

        Unchanged text under a known id is a no-op; changed text under a known id is refused
        (its annotations would be lost); a text the detector fails on is reported, not stored.
        A known document gets the metadata keys it lacks (``change_meta``: also new values for
        those it has). ``skip_same_text`` (``saywho import``'s way: for files, whose ids are
        their names) leaves out a document it says yes to whose text the project holds under
        another id, ``report.skipped`` naming that id, unless its metadata differs from that
        document's (a wire story two outlets ran: each outlet's copy counts); then it is
        stored, marked ``same_text_as``, and ``report.notes`` says so. A document ``numbered``
        says yes to has an id saywho made up (a news export's article by its file's name and
        place: every Nexis download of 100 is ``Files (100).docx``): when that id holds
        another text it takes the next free one (``Copies.placed``), said in a note.
        ``jobs`` > 1 detects the new documents in that many worker processes, in a bounded
        window (``annotations.detect.parallel``), with the same results; the store writes stay
        in this process, in input order. A session opened with its own detector detects here.
        ``report`` is filled as the documents are stored: a caller interrupted halfway (Ctrl-C)
        reads there what was stored.
        """
        report = ImportReport() if report is None else report
        budget = self.detect_budget()
        # the rule detector rebuilds in each worker; another detector may not leave this process
        rules = rule_detector().__code__
        in_workers = (jobs > 1 and getattr(self._detect, "__code__", None) is rules
                      and self.learning.detector() is None)  # workers know no project model

        copies = Copies(self.project, report, skip_same_text, numbered)
        documents = map(copies.placed, documents)

        def detected_in_workers() -> Iterator[tuple[Document, Layer]]:
            from annotations.detect.parallel import detect_each

            def new(doc: Document) -> Document | None:
                return doc if copies.standing(doc) == "new" else None

            for doc, found in detect_each(documents, new, jobs=jobs, budget_s=budget):
                if progress is not None:
                    progress(doc)
                kind = copies.standing(doc)
                if kind == "duplicate":
                    copies.skip(doc)
                elif found is None or kind != "new":  # a repeat: stored
                    yield doc, Layer(SUGGESTIONS_LAYER)  # the store reports it as it is
                elif found.layer is not None:
                    yield copies.marked(doc), found.layer
                elif found.skipped:
                    report.failed.append((doc.id, found.message))
                else:
                    report.failed.append((doc.id, f"{found.message}; not imported"))

        def detected() -> Iterator[tuple[Document, Layer]]:
            if in_workers:
                yield from detected_in_workers()
                return
            for doc in documents:
                if progress is not None:
                    progress(doc)
                kind = copies.standing(doc)
                if kind == "duplicate":
                    copies.skip(doc)
                    continue
                if kind != "new":
                    yield doc, Layer(SUGGESTIONS_LAYER)  # the store reports it as it is
                    continue
                try:
                    layer = self.suggest(doc.text, budget)
                except DetectionTimeout as exc:  # a pathological text: the next one goes on
                    report.failed.append((doc.id, f"{doc.id}: skipped: {exc.message}"))
                    continue
                except SaywhoError as exc:
                    report.failed.append((doc.id, f"{doc.id}: {exc.message}; not imported"))
                    continue
                except Exception as exc:  # noqa: BLE001 - one bad text must not stop an import
                    report.failed.append(
                        (
                            doc.id,
                            f"{doc.id}: the detector failed ({type(exc).__name__}: "
                            f"{_first_line(exc)}); not imported",
                        )
                    )
                    continue
                yield copies.marked(doc), layer

        try:
            with self._change("import", shared=True):
                self.project.add_documents(detected(), report=report, change_meta=change_meta)
        finally:
            if report.added:
                self._emit(DocumentsAdded(tuple(report.added)))
        return report

    def resuggest(self, doc_id: str, fresh: Suggestions) -> int:
        """Replace the untouched suggestions of ``doc_id`` with ``fresh`` (a project model's,
        ``annotations.learn.resuggest``: never a quote a human changed) in the layer this
        annotator sees: their own when it is stored, else the suggestions it is seeded from.
        Read, merged and stored under the lock (``put_layer``: journaled, indexed,
        ``LayerStored``); a layer whose every quote is reviewed is left alone. Returns how many
        suggestions changed (0: nothing was written). In a team project (another annotator's
        layer is stored) only a layer of this annotator's own is re-suggested, never the shared
        suggestions (``_others_annotate``)."""
        from annotations.learn.resuggest import resuggest

        with self._lock:
            name = self.annotator if self.project.has_layer(doc_id, self.annotator) else (
                SUGGESTIONS_LAYER)
            if name == SUGGESTIONS_LAYER and self._others_annotate():
                return 0
            with self.project.exclusive(doc_id):  # read, merge and store as one
                layer = self.project.layer(doc_id, name)
                if name == self.annotator and layer.quotes and all(
                        q.status != "suggested" for q in layer.quotes.values()):
                    return 0
                new, changed = resuggest(layer, fresh)
                if changed:
                    self.put_layer(doc_id, new, replace=True)
            return changed

    def _others_annotate(self) -> bool:
        """Whether the corpus index holds a layer of someone else than this annotator (the
        suggestions and the final layer aside). Then the shared suggestions are everyone's
        starting point, and one coder's learned model must not change them: coders stay
        independent, so their agreement means something."""
        with self._lock:
            names = set(self.project.summary_index.refresh().rows)
        return bool(names - {SUGGESTIONS_LAYER, FINAL_LAYER, self.annotator})

    def put_layer(self, doc_id: str, layer: Layer, *, replace: bool = False) -> bool:
        """Store a whole layer (another annotator's, gold) for a document.

        A stored layer of that name that differs is refused unless ``replace``; a replaced
        layer is kept whole in the journal. Returns False when nothing changed.
        """
        with self._change(f"layer {layer.name} of {doc_id}", shared=True):
            if layer.name not in self._layer_names_ok:  # an import stores one per document
                if (problem := self.project.new_layer_problem(layer.name)) is not None:
                    raise InputError(problem, title="Layer name")  # one file on macOS, Windows
                self._layer_names_ok.add(layer.name)
            if (
                not replace
                and self.project.has_layer(doc_id, layer.name)
                and self.project.layer(doc_id, layer.name) != layer
            ):
                raise InputError(
                    f"{doc_id} already has a layer {layer.name!r} that differs; not replaced "
                    "(pass --replace to overwrite it; the old one is kept in the journal)"
                )
            changed = self.project.put_layer(doc_id, layer)
        if changed:
            self._emit(LayerStored(doc_id, layer.name))
        return changed


class _EmitAfterLock:
    """The session's lock (re-entrant), which also holds back what was deferred while a thread
    held it (``after_release``: the events of a change made under it) until that thread lets
    go: no listener ever runs under the session lock, so a listener that takes a lock of its
    own and a thread that holds that lock and reads the session cannot wait on each other."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._local = threading.local()

    def __enter__(self) -> _EmitAfterLock:
        self._lock.acquire()
        self._local.depth = getattr(self._local, "depth", 0) + 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._local.depth -= 1
        later: list[Callable[[], None]] = []
        if self._local.depth == 0:
            later, self._local.later = getattr(self._local, "later", []), []
        self._lock.release()
        for call in later:
            call()

    def held(self) -> bool:
        """Whether the calling thread holds the lock."""
        return getattr(self._local, "depth", 0) > 0

    def after_release(self, call: Callable[[], None]) -> None:
        """Run ``call`` once the calling thread no longer holds the lock."""
        if not hasattr(self._local, "later"):
            self._local.later = []
        self._local.later.append(call)


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:120] if text else type(exc).__name__
