"""A team on one corpus: who codes which document, and each annotator's document statuses.

Domain rules only (no Textual, no store internals): the TUI and the CLI call the functions that
take a ``Session`` and show their frozen results.

**Assignments** (``plan_assignment``, pure): each document goes either to ``per_document=N``
annotators (balanced load, like Prodigy's ``annotations_per_task``), or, with ``overlap=K``
(a number of documents) or ``overlap=F`` (a fraction of the corpus, 0 < F <= 1), K documents
go to everyone and the rest to one annotator each, evenly. Loads are balanced greedily: each
new document (in project order) goes to the least-loaded annotators, ties broken by a seeded
random draw, so a plan is the same for the same seed and inputs. Existing assignments never
change: a run after new imports assigns only the documents not assigned yet, counting the
existing load so the totals stay balanced. In overlap mode, K (or F x all documents) is the
number of documents coded by everyone in the whole project: documents already assigned to
every named annotator count towards it, so a re-run tops the overlap up and no more.

**Statuses**: each annotator has, per document, ``not-started``, ``in-progress`` or ``done``.
"done" also means "checked for missed quotes", so a document without any detection can be
done. An explicit status (``set_status``) wins; without one, a document whose annotator layer
is stored (the annotator edited it, or it was imported for them) is ``in-progress``, else
``not-started``.

The progress figures are ``annotations.progress``.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotations.display import excerpt
from annotations.errors import (
    AssignmentError,
    DamagedFileError,
    InputError,
    ProjectError,
    ReadOnlyError,
)
from annotations.model import annotator_name_problem, now_iso
from annotations.store.assignments import AssignmentsFile
from annotations.store.journal import DOC_STATUS_OP
from annotations.store.statuses import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    STORED_STATUSES,
    StoredStatus,
    read_comments,
    read_statuses,
    read_statuses_or_none,
    status_files,
    write_comment,
    write_status,
)

if TYPE_CHECKING:
    from annotations.session import Session


Assignment = Mapping[str, tuple[str, ...]]
"""Document id -> the annotators assigned to it."""


# --------------------------------------------------------------------------- planning (pure)
@dataclass(frozen=True, slots=True)
class AssignmentPlan:
    """The outcome of an assignment run: the whole assignment and what this run added."""

    assignment: Mapping[str, tuple[str, ...]]
    """Every assigned document (old and new) -> its annotators."""
    added: tuple[str, ...]
    """Documents assigned by this run, in project order."""
    annotators: tuple[str, ...]
    mode: str
    """``per_document`` or ``overlap``."""
    value: int | float
    seed: int
    overlap_added: tuple[str, ...] = ()
    """Of ``added``, the documents given to every annotator (overlap mode)."""
    documents: int = 0
    """Documents in the project when planned."""

    def loads(self) -> dict[str, int]:
        """Documents assigned to each annotator in all (the run's annotators first)."""
        counts = Counter(n for names in self.assignment.values() for n in names)
        out = {name: counts.get(name, 0) for name in self.annotators}
        out.update({n: c for n, c in sorted(counts.items()) if n not in out})
        return out

    def new_loads(self) -> dict[str, int]:
        """Documents this run gave each of the run's annotators."""
        counts = Counter(n for doc in self.added for n in self.assignment[doc])
        return {name: counts.get(name, 0) for name in self.annotators}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``saywho assign --json`` prints)."""
        return {
            "annotators": list(self.annotators),
            "mode": self.mode,
            "value": self.value,
            "seed": self.seed,
            "documents": self.documents,
            "assigned_documents": len(self.assignment),
            "added": len(self.added),
            "added_documents": list(self.added),
            "overlap_added": list(self.overlap_added),
            "loads": self.loads(),
            "new_loads": self.new_loads(),
            "assignment": {doc: list(names) for doc, names in self.assignment.items()},
        }


def check_annotators(annotators: Iterable[str]) -> tuple[str, ...]:
    """The annotator names, stripped and checked: at least one, no blank, no duplicate, none of
    the reserved layer names; ``AssignmentError`` otherwise."""
    names = tuple(str(a).strip() for a in annotators)
    if not names:
        raise AssignmentError("no annotators given: name at least one (--annotators ana,ben)")
    if any(not n for n in names):
        raise AssignmentError("an annotator name is blank")
    seen: dict[str, str] = {}
    for n in names:
        if (problem := annotator_name_problem(n)) is not None:
            raise AssignmentError(problem)
        twin = seen.get(n.casefold())
        if twin == n:
            raise AssignmentError(f"annotator {n!r} is named twice")
        if twin is not None:  # on macOS and Windows their files would be one
            raise AssignmentError(f"annotators {twin!r} and {n!r} differ only in capitals")
        seen[n.casefold()] = n
    return names


def parse_overlap(text: str) -> int | float:
    """``"5"`` -> 5 documents, ``"0.2"`` or ``"20%"`` -> a fraction; ``AssignmentError`` else."""
    raw = text.strip()
    try:
        if raw.endswith("%"):
            value: int | float = float(raw[:-1]) / 100
        elif raw.isdigit():
            value = int(raw)
        else:
            value = float(raw)
    except ValueError:
        raise AssignmentError(
            f"--overlap takes a number of documents (5) or a fraction (0.2, 20%), not {text!r}"
        ) from None
    if isinstance(value, float) and not 0 < value <= 1:
        raise AssignmentError(f"an overlap fraction must be above 0 and at most 1, not {text!r}")
    return value


def plan_assignment(
    doc_ids: Sequence[str],
    annotators: Sequence[str],
    existing: Assignment | None = None,
    *,
    per_document: int | None = None,
    overlap: int | float | None = None,
    seed: int = 0,
) -> AssignmentPlan:
    """Assign the documents of ``doc_ids`` (project order) not yet in ``existing``.

    Give exactly one of ``per_document`` (each document to N distinct annotators) and
    ``overlap`` (K documents, or a fraction of all documents, to everyone; the rest to one
    annotator each). Existing entries are kept as they are.
    """
    names = check_annotators(annotators)
    if (per_document is None) == (overlap is None):
        raise AssignmentError("give either a number per document or an overlap, not both")
    docs = list(dict.fromkeys(doc_ids))
    old: dict[str, tuple[str, ...]] = {d: tuple(n) for d, n in (existing or {}).items() if n}
    new_docs = [d for d in docs if d not in old]
    in_project = set(docs)
    loads = Counter(n for d, ns in old.items() if d in in_project for n in ns if n in names)
    rng = random.Random(seed)
    added: dict[str, tuple[str, ...]] = {}
    everyone: list[str] = []

    def least_loaded(k: int) -> tuple[str, ...]:
        draw = {n: rng.random() for n in names}
        chosen = sorted(names, key=lambda n: (loads[n], draw[n]))[:k]
        loads.update(chosen)
        return tuple(n for n in names if n in chosen)

    if per_document is not None:
        if isinstance(per_document, bool) or not isinstance(per_document, int):
            raise AssignmentError(f"documents per annotator must be a whole number, "
                                  f"not {per_document!r}")
        if per_document < 1:
            raise AssignmentError(f"each document needs at least one annotator, "
                                  f"not {per_document}")
        if per_document > len(names):
            raise AssignmentError(
                f"cannot give each document to {per_document} annotators: only {len(names)} "
                f"named ({', '.join(names)})"
            )
        for doc in new_docs:
            added[doc] = least_loaded(per_document)
        mode, value = "per_document", per_document
    else:
        assert overlap is not None
        target = _overlap_target(overlap, len(docs))
        full = set(names)
        have = sum(1 for d, ns in old.items() if d in in_project and full <= set(ns))
        need = min(max(0, target - have), len(new_docs))
        chosen = set(rng.sample(new_docs, need)) if need else set()
        everyone = [d for d in new_docs if d in chosen]
        for doc in everyone:
            added[doc] = names
            loads.update(names)
        for doc in new_docs:
            if doc not in chosen:
                added[doc] = least_loaded(1)
        mode, value = "overlap", overlap
    return AssignmentPlan(
        assignment={**old, **{d: added[d] for d in new_docs}},
        added=tuple(new_docs),
        annotators=names,
        mode=mode,
        value=value,
        seed=seed,
        overlap_added=tuple(everyone),
        documents=len(docs),
    )


def _overlap_target(overlap: int | float, n_docs: int) -> int:
    if isinstance(overlap, bool) or not isinstance(overlap, int | float):
        raise AssignmentError(f"overlap must be a number, not {overlap!r}")
    if isinstance(overlap, int):
        if overlap < 0:
            raise AssignmentError(f"overlap must not be negative, not {overlap}")
        if overlap > n_docs:
            raise AssignmentError(
                f"an overlap of {overlap} documents is more than the {n_docs} in the project"
            )
        return overlap
    if not 0 < overlap <= 1:
        raise AssignmentError(f"an overlap fraction must be above 0 and at most 1, not {overlap}")
    return int(overlap * n_docs + 0.5)


# --------------------------------------------------------------------------- assignments
def assignment(session: Session) -> dict[str, tuple[str, ...]]:
    """The project's stored assignment (doc id -> annotators); empty when none.

    A damaged ``assignments.json`` raises ``DamagedFileError`` (moved aside first unless the
    session is read-only).
    """
    try:
        return _assignments_file(session).read(move_aside=not session.shared_read_only)
    except DamagedFileError as exc:
        session.project.note_damage(exc.message)  # the TUI's banner says it like any damage
        raise


def assign(
    session: Session,
    annotators: Sequence[str],
    *,
    per_document: int | None = None,
    overlap: int | float | None = None,
    seed: int = 0,
) -> AssignmentPlan:
    """Plan and store assignments for the documents not assigned yet (see ``plan_assignment``).

    The stored file is re-read under its lock, so a run at the same time as another one never
    loses either's work. ``assignments.json`` is a shared file: it may be written while
    another process of this annotator holds the annotator's lock (a ``saywho assign`` next to
    an open TUI), not by a session opened read-only.
    """
    if session.shared_read_only:
        raise ReadOnlyError(session.read_only_reason or "the project is open read-only")
    check_annotators(annotators)  # a bad request fails before anything is locked
    doc_ids = session.document_ids()

    def change(current: dict[str, tuple[str, ...]]) -> tuple[dict[str, tuple[str, ...]],
                                                               AssignmentPlan]:
        plan = plan_assignment(doc_ids, annotators, current, per_document=per_document,
                               overlap=overlap, seed=seed)
        return dict(plan.assignment), plan

    run = {
        "by": session.annotator,
        "annotators": [a.strip() for a in annotators],
        "mode": "per_document" if per_document is not None else "overlap",
        "value": per_document if per_document is not None else overlap,
        "seed": seed,
    }
    return _assignments_file(session).update(change, run)


def assigned_to(session: Session, annotator: str | None = None) -> list[str]:
    """The documents assigned to ``annotator`` (default: the session's), in project order."""
    who = annotator or session.annotator
    stored = assignment(session)
    return [d for d in session.document_ids() if who in stored.get(d, ())]


def order_for(
    session: Session, annotator: str | None = None, doc_ids: Sequence[str] | None = None
) -> list[str]:
    """``doc_ids`` (default: every document, project order) with the annotator's assigned
    documents first, in project order, then the rest in their given order."""
    ids = list(doc_ids) if doc_ids is not None else session.document_ids()
    wanted = set(ids)
    mine = [d for d in assigned_to(session, annotator) if d in wanted]
    taken = set(mine)
    return mine + [d for d in ids if d not in taken]


def next_assigned(session: Session, annotator: str | None = None) -> str | None:
    """The first document assigned to the annotator that is not done yet (``None``: none)."""
    who = annotator or session.annotator
    for doc_id in assigned_to(session, who):
        if document_status(session, doc_id, who).status != DONE:
            return doc_id
    return None


# --------------------------------------------------------------------------- statuses
@dataclass(frozen=True, slots=True)
class DocStatus:
    """One annotator's status of one document."""

    doc_id: str
    annotator: str
    status: str
    explicit: bool
    """Set by the annotator (else derived from their layer)."""
    at: str = ""
    """When an explicit status was set."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"doc": self.doc_id, "annotator": self.annotator, "status": self.status,
                "explicit": self.explicit, "at": self.at or None}


@dataclass(frozen=True, slots=True)
class TeamStatuses:
    """Every annotator's explicit statuses, and the files that could not be read."""

    explicit: Mapping[str, Mapping[str, StoredStatus]]
    """Annotator -> doc id -> status."""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusChange:
    """What ``set_status`` did: the document's status now, and a warning when the annotator's
    status file was found damaged (moved aside, its bytes kept; statuses start again)."""

    status: DocStatus
    warning: str | None = None


def status_words(status: str, title: str) -> str:
    """A document's new status as the researcher reads it: the status first, then the
    document by its title ("done: Stealth Over Health…"), never by its id."""
    return f"{status.replace('-', ' ')}: {excerpt(title, 50)}"


def set_status(session: Session, doc_id: str, status: str | None) -> StatusChange:
    """Set the session's annotator's status of ``doc_id`` (``None`` or ``"auto"``: clear it,
    so the status is derived again)."""
    if status == "auto":
        status = None
    if status is not None and status not in STORED_STATUSES:
        raise InputError(f"unknown status {status!r}: use {', '.join(STORED_STATUSES)} or auto")
    _require_writable(session)
    session.info(doc_id)  # InputError for an unknown document
    before = document_status(session, doc_id)
    stored, warning = write_status(session.folder, session.annotator, doc_id, status, now_iso())
    now = document_status(session, doc_id, explicit=stored)
    stored_before = before.status if before.explicit else None
    # for the history and undo (``DOC_STATUS_OP``): a stored status changed to or from the one
    # derived is a step too, or an undo of the step before it would find it changed
    if now.status != before.status or stored_before != status:
        session.record(DOC_STATUS_OP, f"{now.status} {doc_id}",
                       {"doc": doc_id, "before": before.status, "after": now.status,
                        "stored_before": stored_before, "stored_after": status})
    return StatusChange(now, warning)


def document_comment(session: Session, doc_id: str) -> str:
    """The session's annotator's comment on ``doc_id`` (``""``: none; an unreadable status
    file reads as none)."""
    try:
        return read_comments(session.folder, session.annotator).get(doc_id, "")
    except (DamagedFileError, ProjectError):
        return ""


def set_document_comment(session: Session, doc_id: str, comment: str) -> str | None:
    """Set (``""``: clear) the session's annotator's comment on ``doc_id``; returns the damage
    message when their status file had to start again."""
    _require_writable(session)
    session.info(doc_id)  # InputError for an unknown document
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        raise InputError(f"a document comment holds up to {MAX_COMMENT} characters "
                         f"(this one has {len(text)})")
    return write_comment(session.folder, session.annotator, doc_id, text)


MAX_COMMENT = 2000


def statuses(session: Session) -> TeamStatuses:
    """Every annotator's explicit statuses (annotators with a status file).

    A damaged file is reported in ``warnings`` and read as none; the session's own annotator's
    file is moved aside (by a writable session: it is that file's only writer).
    """
    explicit: dict[str, dict[str, StoredStatus]] = {}
    warnings: list[str] = []
    for name, _path in status_files(session.folder):
        own = name == session.annotator and not session.read_only
        explicit[name], warning = read_statuses_or_none(session.folder, name,
                                                        move_aside_damaged=own)
        if warning is not None:
            warnings.append(warning)
    return TeamStatuses(explicit, tuple(warnings))


def document_status(
    session: Session, doc_id: str, annotator: str | None = None,
    explicit: Mapping[str, StoredStatus] | None = None,
) -> DocStatus:
    """``annotator``'s (default: the session's) status of one document.

    ``explicit``: that annotator's explicit statuses, already read (else read here).
    """
    who = annotator or session.annotator
    if explicit is None:
        try:
            explicit = read_statuses(session.folder, who)
        except DamagedFileError:
            explicit = {}
    stored = explicit.get(doc_id)
    if stored is not None:
        return DocStatus(doc_id, who, stored.status, True, stored.at)
    return DocStatus(doc_id, who, IN_PROGRESS if _has_layer(session, doc_id, who)
                     else NOT_STARTED, False)


def _has_layer(session: Session, doc_id: str, annotator: str) -> bool:
    try:
        return annotator in session.layer_names(doc_id)
    except DamagedFileError:
        return False


# --------------------------------------------------------------------------- helpers
def _assignments_file(session: Session) -> AssignmentsFile:
    return AssignmentsFile(session.folder)


def _require_writable(session: Session) -> None:
    if session.read_only:
        raise ReadOnlyError(session.read_only_reason or "the project is open read-only")
