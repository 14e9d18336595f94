"""How far a team is: per annotator, and agreement so far.

Per annotator: documents assigned / done / in progress / remaining, quotes
reviewed (status other than ``suggested`` in their own layer, every document), the time of
their last edit (the newest of: their journal entries' ``ts``, the times they set a status,
the ``updated`` time of the reviewed quotes in their layers) and agreement so far: the figures
of ``saywho agree`` (``annotations.agreement``) over the documents that two or more annotators
marked done, with each annotator's pooled 50 %-overlap span F1 against the others. The alpha of
each speaker attribute the project codes is among them, as ``saywho agree`` computes it (a
speaker a coder leaves uncoded in a document counts with the value that coder gives them in any
other document, done or not), and so is the alpha of each quote variable (over the quotes the
layers match); they are figures of the team, not of an annotator, so they are in the summary
under the table, not columns of it.

The figures come from the corpus index (``annotations.corpus_index``), checked against the
layer files first (a ``stat`` per file of the team's layers): which documents each annotator has
a layer of, their reviewed quotes and their last edit in it (``LayerSummary.reviewed`` and
``edited``). Only the layers of documents done by two or more are read whole (for agreement),
and a layer whose index entry predates ``edited``. Checking a large corpus still takes a
moment, so it belongs off the UI thread (the TUI's progress screen runs it in a worker); it is
apart from ``annotations.team`` so that opening a document does not load the agreement figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from annotations.agreement import AgreementReport, agreement, summary_lines
from annotations.errors import DamagedFileError, SaywhoError
from annotations.indexed_layers import IndexedLayerNames
from annotations.layer_summary import LayerSummary, stamp_time, summarize
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER, Layer
from annotations.stats import corpus_codes
from annotations.store.journal import JOURNAL_SUFFIX, journal_paths
from annotations.store.paths import safe_filename
from annotations.team import DONE, IN_PROGRESS, NOT_STARTED, assignment, statuses

if TYPE_CHECKING:
    from annotations.session import Session


@dataclass(frozen=True, slots=True)
class AnnotatorProgress:
    """One annotator's figures."""

    annotator: str
    assigned: int
    done: int
    """Assigned documents marked done."""
    in_progress: int
    """Assigned documents in progress (explicit or derived)."""
    remaining: int
    """Assigned documents not done."""
    done_unassigned: int
    """Documents marked done that were not assigned to them."""
    quotes_reviewed: int
    last_edit: str | None
    agreement_f1: float | None
    """Pooled 50 %-overlap span F1 (percent) against the others, on documents both marked
    done; ``None`` when no such document."""
    agreement_docs: int

    @property
    def done_cell(self) -> str:
        """Done as a table says it: the assigned documents done, and ``(+n)`` for ``n`` more
        done that were not assigned to them (a project without assignments has only these)."""
        return f"{self.done} (+{self.done_unassigned})" if self.done_unassigned else str(self.done)

    @property
    def done_total(self) -> int:
        """Every document this annotator marked done, assigned or not."""
        return self.done + self.done_unassigned

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "annotator": self.annotator, "assigned": self.assigned, "done": self.done,
            "in_progress": self.in_progress, "remaining": self.remaining,
            "done_unassigned": self.done_unassigned, "quotes_reviewed": self.quotes_reviewed,
            "last_edit": self.last_edit, "agreement_f1": self.agreement_f1,
            "agreement_docs": self.agreement_docs,
        }


@dataclass(frozen=True, slots=True)
class TeamProgress:
    """The team's progress: one row per annotator, and agreement on documents done twice."""

    documents: int
    assigned_documents: int
    annotators: tuple[AnnotatorProgress, ...]
    compared_documents: tuple[str, ...]
    """Documents marked done by two or more annotators (what agreement is computed on)."""
    agreement: AgreementReport | None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def row(self, annotator: str) -> AnnotatorProgress:
        """One annotator's row; ``KeyError`` when absent."""
        for r in self.annotators:
            if r.annotator == annotator:
                return r
        raise KeyError(annotator)

    def agreement_lines(self) -> list[str]:
        """The ``saywho agree`` summary of the agreement so far (empty: nothing to compare)."""
        return summary_lines(self.agreement) if self.agreement is not None else []

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``saywho progress --json`` prints)."""
        return {
            "documents": self.documents,
            "assigned_documents": self.assigned_documents,
            "annotators": [r.to_dict() for r in self.annotators],
            "compared_documents": list(self.compared_documents),
            "agreement": self.agreement.to_dict() if self.agreement is not None else None,
            "warnings": list(self.warnings),
        }


def _editing(session: Session) -> set[str]:
    """Annotators who edit a layer of their own (a layer of their name, and a journal of
    theirs) though nothing is assigned to them and they marked nothing done yet: a team that
    never ran ``assign`` still sees everyone (a layer imported as "gold" has no journal)."""
    journals = {p.name.removesuffix(JOURNAL_SUFFIX) for p in journal_paths(session.project.folder)}
    layers = set(session.project.summary_index.refresh().rows) - {SUGGESTIONS_LAYER, FINAL_LAYER}
    return {name for name in layers if safe_filename(name) in journals}


def team_progress(session: Session, annotators: Sequence[str] | None = None) -> TeamProgress:
    """Every annotator's progress: those named, else everyone assigned a document, with a
    status file or editing a layer of their own, in name order."""
    warnings: list[str] = []
    try:
        stored = assignment(session)
    except DamagedFileError as exc:
        warnings.append(exc.message)
        stored = {}
    team = statuses(session)
    warnings.extend(team.warnings)
    doc_ids = session.document_ids()
    in_project = set(doc_ids)
    if annotators is not None:
        names = list(dict.fromkeys(annotators))
    else:
        names = sorted({n for d, ns in stored.items() if d in in_project for n in ns}
                       | set(team.explicit) | _editing(session))
    indexed = IndexedLayerNames(session, names)  # the index, checked against the files
    layer_names = {doc_id: indexed.layer_names(doc_id) for doc_id in doc_ids}
    last = _journal_times(session, warnings)
    done_by: dict[str, list[str]] = {}
    rows_partial: dict[str, dict[str, Any]] = {}
    for name in names:
        explicit = team.explicit.get(name, {})
        mine = [d for d in doc_ids if name in stored.get(d, ())]
        mine_set = set(mine)
        status_of = {}
        for d in doc_ids:
            s = explicit.get(d)
            if s is not None:
                status_of[d] = s.status
            else:
                status_of[d] = IN_PROGRESS if name in layer_names[d] else NOT_STARTED
        for d in doc_ids:
            if status_of[d] == DONE:
                done_by.setdefault(d, []).append(name)
        reviewed, newest = 0, last.get(name)
        for s in explicit.values():
            newest = _newer(newest, s.at)
        for d in doc_ids:
            if name not in layer_names[d]:
                continue
            try:
                summary = _summary(session, d, name)
            except DamagedFileError as exc:
                warnings.append(exc.message)
                continue
            reviewed += summary.reviewed
            newest = _newer(newest, summary.edited)
        done = sum(1 for d in mine if status_of[d] == DONE)
        rows_partial[name] = {
            "assigned": len(mine),
            "done": done,
            "in_progress": sum(1 for d in mine if status_of[d] == IN_PROGRESS),
            "remaining": len(mine) - done,
            "done_unassigned": sum(1 for d in doc_ids if status_of[d] == DONE
                                   and d not in mine_set),
            "quotes_reviewed": reviewed,
            "last_edit": newest.isoformat(timespec="seconds") if newest else None,
        }
    compared = tuple(d for d in doc_ids if len(done_by.get(d, ())) >= 2)
    report, per_person = _agreement_so_far(session, compared, done_by, warnings)
    rows = tuple(
        AnnotatorProgress(name, **rows_partial[name],
                          agreement_f1=per_person.get(name, (None, 0))[0],
                          agreement_docs=per_person.get(name, (None, 0))[1])
        for name in names
    )
    return TeamProgress(
        documents=len(doc_ids),
        assigned_documents=sum(1 for d in doc_ids if stored.get(d)),
        annotators=rows,
        compared_documents=compared,
        agreement=report,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _summary(session: Session, doc_id: str, name: str) -> LayerSummary:
    """The index's summary of a stored layer; an entry written before the last edit was kept
    is made again from the layer read whole."""
    summary = session.read(lambda s: s.project.summary_index.view_summary(doc_id, name))
    if summary.edited is None:
        summary = summarize(session.layer(doc_id, name), name)
    return summary


def _agreement_so_far(
    session: Session, compared: Sequence[str], done_by: Mapping[str, list[str]],
    warnings: list[str],
) -> tuple[AgreementReport | None, dict[str, tuple[float | None, int]]]:
    docs: dict[str, tuple[str, dict[str, Layer]]] = {}
    for d in compared:
        try:
            text = session.document(d).text
            docs[d] = (text, {n: session.layer(d, n) for n in done_by[d]})
        except DamagedFileError as exc:
            warnings.append(exc.message)
    people = sorted({n for _, layers in docs.values() for n in layers})
    if len(people) < 2:
        return None, {}
    # a speaker's value where a coder leaves them uncoded: that coder's across the corpus
    attributes = session.speaker_attributes
    report = agreement(docs, people, attributes=attributes,
                       codes={n: corpus_codes(session, n) for n in people} if attributes else {},
                       variables=session.quote_variables)
    per_person: dict[str, tuple[float | None, int]] = {}
    for name in people:
        matched = quotes = 0
        for pair in report.overall["pairs"]:
            if name in (pair["a"], pair["b"]) and pair["docs"]:
                matched += pair["overlap50"]["matched"]
                quotes += pair["quotes_a"] + pair["quotes_b"]
        n_docs = sum(1 for _, layers in docs.values() if name in layers)
        f1 = round(100 * 2 * matched / quotes, 1) if quotes else (100.0 if n_docs else None)
        per_person[name] = (f1, n_docs)
    return report, per_person


def _journal_times(session: Session, warnings: list[str]) -> dict[str, datetime]:
    """The newest journal ``ts`` per annotator (best effort: a journal that cannot be read
    leaves the other sources)."""
    newest: dict[str, datetime] = {}
    journal = getattr(session, "journal", None)
    if journal is None:
        return newest
    try:
        for entry in journal():
            who, ts = entry.get("annotator"), entry.get("ts")
            if isinstance(who, str) and isinstance(ts, str):
                when = _newer(newest.get(who), ts)
                if when is not None:
                    newest[who] = when
    except (OSError, SaywhoError) as exc:
        warnings.append(f"the journal could not be read ({exc}); last edits from the layers")
    return newest


def _newer(current: datetime | None, stamp: str | None) -> datetime | None:
    """The later of ``current`` and the ISO time ``stamp`` (naive times taken as UTC)."""
    when = stamp_time(stamp)
    if when is None:
        return current
    return when if current is None or when > current else current
