"""Edits in the researcher's words: quote numbers, what a change did, and the history list.

The journal keeps each edit as records before and after (``LayerChange``) with a short audit
text that names internal ids ("stance oppose on q3"). A researcher knows a quote by its number
in the document and a speaker by name, so every message that says what an edit did (the status
bar after an edit, an undo or a redo; the rows of the history screen) is built here from the
change itself: "stance of quote 3 → oppose", "undone: stance of quote 3 back to support",
"merged Bloomberg into Michael Bloomberg". Nothing worded here names an internal id.

A quote's number is its 1-based place in the document's quotes in text order
(``Layer.sorted_quotes``, the quote list's order): ``quote_numbers`` is that one rule.

The history screen lists this annotator's own journal newest first. ``JournalPager`` reads it
backwards from its end, a window of bytes at a time, so the first screenful costs the same on a
journal of a hundred entries as on one of a hundred thousand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from annotations.change import LayerChange
from annotations.display import excerpt, excerpt_ends
from annotations.errors import SaywhoError, StepConflict
from annotations.model import Layer, Quote, Speaker
from annotations.store.journal import (
    DOC_STATUS_OP,
    DOC_TARGET_OP,
    DocStep,
    Journal,
    doc_step,
    journal_path,
)
from annotations.store.journal_index import is_edit

if TYPE_CHECKING:
    from annotations.session import Session

STEP_OPS = ("edit", "undo", "redo")
"""Layer edits and their undos and redos."""
DOCUMENT_OPS = (DOC_TARGET_OP, DOC_STATUS_OP)
"""A document's own stance target and the annotator's status of it (done or not)."""
HISTORY_OPS = STEP_OPS + DOCUMENT_OPS
"""The journal entries the history lists."""
HISTORY_PREFIX = {"undo": "undo: ", "redo": "redo: "}
MESSAGE_PREFIX = {"undo": "undone: ", "redo": "redone: "}
MAX_PHRASES = 3
_STATUS_DONE = {"accepted": "accepted {}", "rejected": "rejected {}",
                "suggested": "reset {} to suggested"}


# ------------------------------------------------------------------------------ quote numbers
def quote_numbers(layer: Layer) -> dict[str, int]:
    """Every quote of ``layer`` by its number: 1-based, in text order, as the quote list shows
    them (rejected quotes keep their place)."""
    return {quote.id: n for n, quote in enumerate(layer.sorted_quotes(), 1)}


def quote_number(layer: Layer, quote: Quote) -> int:
    """``quote``'s number in ``layer``; a quote the layer does not hold (a deleted one) gets the
    number it would have there."""
    key = (quote.start, quote.end, quote.id)  # the order of ``Layer.sorted_quotes``
    return 1 + sum(
        1 for q in layer.quotes.values() if q.id != quote.id and (q.start, q.end, q.id) < key
    )


# ------------------------------------------------------------------------------ changes in words
class _Names:
    """How one change names its quotes and speakers: by number and canonical name, never id."""

    def __init__(self, layer: Layer | None, change: LayerChange) -> None:
        self.layer = layer
        self.change = change
        self._numbers: dict[tuple[int, int, str], int] = {}

    def number(self, quote: Quote) -> int | None:
        if self.layer is None:
            return None
        key = (quote.start, quote.end, quote.id)  # all a number depends on
        if key not in self._numbers:  # a change names one or a few quotes, some twice
            if quote.id in self.layer.quotes:
                self._numbers[key] = quote_number(self.layer, quote)
            elif quote.id in self.change.quotes_after and self.change.quotes_after[
                    quote.id] is not None:
                # gone since (removed or joined into another by a later edit): today's
                # numbers would name another quote
                return None
            else:  # a quote this change removed: its number among the quotes it stood with
                self._numbers[key] = quote_number(self._with_removed(), quote)
        return self._numbers[key]

    def _with_removed(self) -> Layer:
        """The layer with the quotes this change removed back in it: several quotes removed by
        one step get the numbers they had ("quote 3 removed; quote 4 removed"), not one each
        ("quote 3 removed; quote 3 removed")."""
        assert self.layer is not None
        removed = {qid: q for qid, q in self.change.quotes_before.items()
                   if q is not None and self.change.quotes_after.get(qid, q) is None}
        return replace(self.layer, quotes={**self.layer.quotes, **removed})

    def quote(self, quote: Quote) -> str:
        number = self.number(quote)
        if number is not None:
            return f"quote {number}"
        return "a quote" if self.layer is None else "a quote since removed"

    def speaker(self, speaker_id: str | None) -> str:
        if not speaker_id:
            return "nobody"
        for source in (
            self.layer.speakers if self.layer is not None else {},
            self.change.speakers_after,
            self.change.speakers_before,
        ):
            found = source.get(speaker_id)
            if found is not None:
                return found.name
        return "a speaker no longer in the layer"


def _touched(before: Quote, after: Quote) -> list[str]:
    """The fields a researcher sets that this step set (changed, or confirmed as they were)."""

    def confirmed(name: str) -> bool:
        return before.confidence.get(name) != after.confidence.get(name)

    fields = []
    if before.status != after.status:
        fields.append("status")
    if before.stance != after.stance or confirmed("stance"):
        fields.append("stance")
    if before.speaker_id != after.speaker_id or confirmed("speaker"):
        fields.append("speaker")
    if before.type != after.type or confirmed("type"):
        fields.append("type")
    if (before.start, before.end, before.parts) != (after.start, after.end, after.parts) \
            or confirmed("span"):
        fields.append("span")
    if before.note != after.note:
        fields.append("note")
    fields += [CODE + name for name in sorted({k for k, _ in (*before.codes, *after.codes)})
               if before.code(name) != after.code(name)]
    return fields


CODE = "code:"  # a quote variable's field among _touched's ("code:topic": topic)


def _value(field: str, quote: Quote, names: _Names, added: Mapping[str, Speaker]) -> str:
    if field.startswith(CODE):
        return quote.code(field.removeprefix(CODE)) or "not coded"
    if field == "status":
        return quote.status
    if field == "stance":
        return quote.stance or "none"
    if field == "speaker":
        name = names.speaker(quote.speaker_id)
        return f"{name} (new here)" if quote.speaker_id in added else name
    if field == "type":
        return quote.type
    if field == "span":  # both ends: a move of its end shows (the start alone did not)
        return f"“{excerpt_ends(quote.text, 30)}”"
    return f"“{excerpt(quote.note, 30)}”" if quote.note else "none"


def _one_field(field: str, q: str, value: str, quote: Quote, undone: bool) -> str:
    """One field of one quote: "stance of quote 3 → oppose" / "… back to support"."""
    if field == "status":
        if undone:
            return f"{q} back to {value}"
        done = _STATUS_DONE.get(value)
        return done.format(q) if done is not None else f"status of {q} → {value}"
    subject = f"note on {q}" if field == "note" else f"{field.removeprefix(CODE)} of {q}"
    if undone:
        return f"{subject} back to {value}"
    if field.startswith(CODE) and quote.code(field.removeprefix(CODE)) is None:
        return f"{subject} cleared"
    if field == "span":
        return subject
    if field == "stance" and quote.stance is None:
        return f"{subject} cleared"
    if field == "note":
        return subject if quote.note else f"{subject} removed"
    return f"{subject} → {value}"


def _quote_phrase(
    before: Quote | None, after: Quote | None, names: _Names, added: Mapping[str, Speaker],
    undone: bool,
) -> str | None:
    if after is not None and before is None:
        if undone:
            return f"{names.quote(after)} restored"
        named = names.quote(after)  # "a quote since removed": the history of an undone one
        return f"new {named}" if named.startswith("quote ") else (
            "new quote" + (" (since removed)" if names.layer is not None else ""))
    if after is None and before is not None:
        return f"{names.quote(before)} removed" if undone else f"deleted {names.quote(before)}"
    if after is None or before is None:
        return None
    q = names.quote(after)
    fields = _touched(before, after)
    if not fields:
        return None
    tail = ""
    if len(fields) > 1 and fields[0] == "status" and \
            {before.status, after.status} == {"suggested", "accepted"}:
        # a hand correction that accepted a suggested quote (``edits._corrected``): said
        # after the field it corrected
        fields = fields[1:]
        tail = " (unreviewed again)" if after.status == "suggested" else " (accepted)"
    if len(fields) == 1:
        field = fields[0]
        return _one_field(field, q, _value(field, after, names, added), after, undone) + tail
    arrow = "back to" if undone else "→"
    parts = [
        "span moved" if field == "span" and not undone
        else f"{field.removeprefix(CODE)} {arrow} {_value(field, after, names, added)}"
        for field in fields
    ]
    return f"{q}: {', '.join(parts)}{tail}"


def _speaker_phrases(
    change: LayerChange, undone: bool, assigned: set[str]
) -> tuple[str | None, list[str]]:
    """(a merge phrase that says it all, or None; the other speaker phrases). A new speaker a
    quote of the change was given (``assigned``) is said with that quote."""
    before, after = change.speakers_before, change.speakers_after
    added = [s for sid, s in after.items() if s is not None and before.get(sid) is None]
    removed = [s for sid, s in before.items() if s is not None and after.get(sid) is None]
    changed = [
        (was, now) for sid, now in after.items()
        if now is not None and (was := before.get(sid)) is not None
    ]
    kept = [now for was, now in changed if was.name == now.name]
    if removed and kept:
        return f"merged {removed[0].name} into {kept[0].name}", []
    if added and kept:
        if undone:
            return f"merge of {added[0].name} into {kept[0].name}", []
        return f"{added[0].name} apart from {kept[0].name} again", []
    phrases = [
        f"renamed {was.name} back to {now.name}" if undone
        else f"renamed {was.name} to {now.name}"
        for was, now in changed if was.name != now.name
    ]
    phrases += [_coding_phrase(was, now, undone) for was, now in changed
                if was.name == now.name and was.attributes != now.attributes]
    phrases += [f"speaker {s.name} back" if undone else f"new speaker {s.name}"
                for s in added if undone or s.id not in assigned]
    phrases += [f"new speaker {s.name} removed" if undone else f"removed speaker {s.name}"
                for s in removed]
    return None, phrases


def _coding_phrase(was: Speaker, now: Speaker, undone: bool) -> str:
    """A speaker's attributes recoded, in words: "gender of Ann Lee → female", "gender of
    Ann Lee back to male", "gender of Ann Lee cleared"."""
    said = []
    for name in sorted({k for k, _ in (*was.attributes, *now.attributes)}):
        old, new = was.attribute(name), now.attribute(name)
        if old == new:
            continue
        what = f"{name} of {now.name}"
        if undone:
            said.append(f"{what} back to {new or 'not coded'}")
        else:
            said.append(f"{what} → {new}" if new is not None else f"{what} cleared")
    return "; ".join(said)


def describe_change(change: LayerChange, layer: Layer | None, *, undone: bool = False) -> str:
    """What ``change`` did, in words: quotes by number in ``layer`` (the layer as the change
    left it; ``None`` when it cannot be read: "a quote"), speakers by canonical name.

    ``undone``: the change is an undo (the inverse of an edit), said as what it restored
    ("stance of quote 3 back to support").
    """
    names = _Names(layer, change)
    parts = _join_or_split(change, names, undone)
    if parts is not None:
        return parts
    assigned = {
        q.speaker_id for q in change.quotes_after.values() if q is not None and q.speaker_id
    }
    merged, speaker_phrases = _speaker_phrases(change, undone, assigned)
    if merged is not None:
        return merged
    added = {
        sid: s for sid, s in change.speakers_after.items()
        if s is not None and change.speakers_before.get(sid) is None and not undone
    }
    quoted: list[tuple[int, str]] = []
    for qid, after in change.quotes_after.items():
        before = change.quotes_before.get(qid)
        phrase = _quote_phrase(before, after, names, added, undone)
        record = after or before
        if phrase is not None and record is not None:
            quoted.append((names.number(record) or 0, phrase))
    phrases = [p for _, p in sorted(quoted)] + speaker_phrases
    if not phrases:
        return "no change"
    if len(phrases) > MAX_PHRASES:
        more = len(phrases) - MAX_PHRASES
        return "; ".join(phrases[:MAX_PHRASES]) + f"; and {more} more"
    return "; ".join(phrases)


def _join_or_split(change: LayerChange, names: _Names, undone: bool) -> str | None:
    """A join ("joined quote 3 into quote 2": one quote took another's parts, that one went)
    or a split ("split quote 2 into 2 quotes"), or an undo of either, in words; None for any
    other change."""
    if change.speakers_before or change.speakers_after:
        return None
    kept, gone, new = [], [], []
    for qid in change.quotes_before.keys() | change.quotes_after.keys():
        before, after = change.quotes_before.get(qid), change.quotes_after.get(qid)
        if before is not None and after is not None:
            kept.append((before, after))
        elif before is not None:
            gone.append(before)
        elif after is not None:
            new.append(after)
    if len(kept) != 1:
        return None
    before, after = kept[0]
    moved = {p for q in (*gone, *new) for p in q.part_spans()}
    if gone and not new and set(after.part_spans()) == set(before.part_spans()) | moved:
        if undone:  # the undo of a split
            return f"{names.quote(after)} whole again"
        others = ", ".join(names.quote(q) for q in sorted(gone, key=lambda q: q.start))
        return f"joined {others} into {names.quote(after)}"
    if new and not gone and set(before.part_spans()) == set(after.part_spans()) | moved:
        if undone:  # the undo of a join
            others = ", ".join(names.quote(q) for q in sorted(new, key=lambda q: q.start))
            return f"{others} apart from {names.quote(after)} again"
        return f"split {names.quote(after)} into {len(new) + 1} quotes"
    return None


def conflict_message(conflict: StepConflict, layer: Layer | None) -> str:
    """A skipped undo or redo in words: what it would have done, which quote (by number in
    ``layer``, the layer as it is now) someone changed since, and who may have (``others``:
    the other annotators who write the layer; none: an import or a label rename)."""
    change = conflict.change
    assert isinstance(change, LayerChange)
    if conflict.record in DOCUMENT_RECORDS:  # a document's target or status: said already
        return conflict.message
    step = describe_change(change, layer, undone=conflict.op == "undo")
    if conflict.label is not None:
        return (f"{conflict.op} skipped ({step}): the stance label {conflict.label!r} is no "
                "longer in the scheme (renamed or removed since)")
    kind, _, record_id = conflict.record.partition(" ")
    names = _Names(layer, change)
    what = conflict.record
    if kind == "quote":
        record = change.quotes_after.get(record_id) or change.quotes_before.get(record_id)
        what = names.quote(record) if record is not None else "a quote"
    elif kind == "speaker":
        what = names.speaker(record_id)
    also = " and ".join(conflict.others)
    who = (f"{also} also edit{'s' * (len(conflict.others) == 1)} this layer" if also else
           "an import or a label renamed")
    return (f"{conflict.op} skipped ({step}): {what} was changed since by another edit "
            f"({who}); that change is kept")


def step_message(op: str, change: LayerChange, layer: Layer | None,
                 document: DocStep | None = None) -> str:
    """The status-bar message for an ``edit``, ``undo`` or ``redo`` that made ``change`` (or,
    ``document``, set a document's target or status)."""
    if document is not None:
        return MESSAGE_PREFIX.get(op, "") + document_words(document, undone=op == "undo")
    return MESSAGE_PREFIX.get(op, "") + describe_change(change, layer, undone=op == "undo")


DOCUMENT_RECORDS = ("stance target", "status")
"""The records a skipped undo of a document's target or status names (``History``)."""


def document_words(move: DocStep, *, undone: bool) -> str:
    """An undo or redo of a document's target or status, from the value it found to the one it
    set: "stance target back to “X”", "no longer marked done", "marked done again"."""
    if move.op == DOC_TARGET_OP:
        shown = f"“{move.after}”" if move.after else "the project's"
        return f"stance target {'back to' if undone else '→'} {shown}"
    after = (move.after or "").replace("-", " ")
    before = (move.before or "").replace("-", " ")
    if not after:
        return f"no longer marked {before}"
    return f"marked {after} again" if undone else f"marked {after}"


# ------------------------------------------------------------------------------ times
def ago(stamp: str, now: datetime | None = None) -> str:
    """An ISO time relative to ``now``: "just now", "2 min ago", "3 h ago", "yesterday",
    "4 days ago", else the date."""
    try:
        then = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return "?"
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    seconds = (now - then).total_seconds()
    if seconds < 45:
        return "just now"
    if seconds < 3600:
        return f"{max(round(seconds / 60), 1)} min ago"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h ago"
    days = (now.date() - then.astimezone(now.tzinfo).date()).days
    if days <= 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return then.date().isoformat()


# ------------------------------------------------------------------------------ the history list
@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One row of the history: when, which document, what changed (in words), and where the
    reader should open (``quote_id``: a quote the step touched that the layer still holds)."""

    entry_id: str
    ts: str
    op: str
    doc_id: str
    title: str
    what: str
    layer: str
    own_layer: bool = True  # made in the annotator's own layer (the row does not name it)
    quote_id: str | None = None


class Lookup(Protocol):
    """What describing a journal entry needs from the project."""

    annotator: str

    def title(self, doc_id: str) -> str | None:
        """The document's title (None when it is not in the project)."""

    def layer(self, doc_id: str, name: str) -> Layer | None:
        """The layer as it is now (None when it cannot be read)."""


class SessionLookup:
    """A ``Lookup`` over an open session, each title and layer read once (a history page
    often names the same document many times)."""

    def __init__(self, session: Session) -> None:
        self.annotator = session.annotator
        self._session = session
        self._titles: dict[str, str | None] = {}
        self._layers: dict[tuple[str, str], Layer | None] = {}

    def title(self, doc_id: str) -> str | None:
        """The document's title (None when it is not in the project)."""
        if doc_id not in self._titles:
            try:
                self._titles[doc_id] = self._session.info(doc_id).title
            except (SaywhoError, KeyError):
                self._titles[doc_id] = None
        return self._titles[doc_id]

    def layer(self, doc_id: str, name: str) -> Layer | None:
        """The layer as it is now (None when the document is gone or its file unreadable)."""
        key = (doc_id, name)
        if key not in self._layers:
            try:
                found: Layer | None = self._session.layer(doc_id, name)
            except (SaywhoError, KeyError, OSError):
                found = None
            self._layers[key] = found
        return self._layers[key]


def describe(entry: Mapping[str, Any], lookup: Lookup) -> HistoryItem | None:
    """A journal entry as a history row; None for an entry that is no layer edit, undo or
    redo nor a document's target or status (scheme changes, void and skip lines)."""
    op = entry.get("op")
    if op in DOCUMENT_OPS:
        return _document_item(entry, lookup)
    if op in ("undo", "redo") and entry.get("kind") in DOCUMENT_OPS:
        move = doc_step(dict(entry))
        if move is None:
            return None
        return HistoryItem(entry_id=str(entry.get("id", "")), ts=str(entry.get("ts", "")),
                           op=str(op), doc_id=move.doc_id,
                           title=lookup.title(move.doc_id) or move.doc_id,
                           what=HISTORY_PREFIX[str(op)] + document_words(move,
                                                                       undone=op == "undo"),
                           layer=lookup.annotator)
    if op not in STEP_OPS or not is_edit(dict(entry)):
        return None
    doc_id, layer_name = entry["doc"], entry["layer"]
    layer = lookup.layer(doc_id, layer_name)
    quote_id = None
    try:
        change = LayerChange.from_dict(entry["change"])
    except Exception:  # noqa: BLE001 - an unreadable record still gets its row
        what = "an edit whose records can no longer be read"
    else:
        what = HISTORY_PREFIX.get(op, "") + describe_change(change, layer, undone=op == "undo")
        if layer is not None:
            quote_id = next(
                (qid for qid, q in change.quotes_after.items()
                 if q is not None and qid in layer.quotes),
                None,
            )
    return HistoryItem(
        entry_id=str(entry["id"]),
        ts=str(entry.get("ts", "")),
        op=op,
        doc_id=doc_id,
        title=lookup.title(doc_id) or doc_id,
        what=what,
        layer=layer_name,
        own_layer=layer_name == lookup.annotator,
        quote_id=quote_id,
    )


def _document_item(entry: Mapping[str, Any], lookup: Lookup) -> HistoryItem | None:
    """A document's stance target or status change as a history row (None: not readable)."""
    data = entry.get("data")
    if not isinstance(data, Mapping) or not all(
            isinstance(data.get(k), str) for k in ("doc", "before", "after")):
        return None
    doc_id, after = data["doc"], data["after"]
    if entry.get("op") == DOC_STATUS_OP:
        what = f"marked {after.replace('-', ' ')}"
    else:
        what = f"stance target → “{after}”" if after else "stance target → the project's"
    return HistoryItem(entry_id=str(entry.get("id", "")), ts=str(entry.get("ts", "")),
                       op=str(entry["op"]), doc_id=doc_id, title=lookup.title(doc_id) or doc_id,
                       what=what, layer=lookup.annotator)


class JournalPager:
    """Reads one journal newest first, a page at a time, from its end backwards.

    Entries appended after the pager was made are not seen (make a new pager to see them).
    An intent that was voided (its ``void`` line comes after it) is left out.
    """

    def __init__(self, journal: Journal, *, window: int = 65536) -> None:
        self._journal = journal
        self._size = self._end = journal.size()
        self._window = window
        self._voided: set[str] = set()
        self._read: list[dict[str, Any]] = []  # read from the file, not yet handed out

    def stale(self) -> bool:
        """True when the journal changed since the pager was made (a new one sees that)."""
        return self._journal.size() != self._size

    @property
    def done(self) -> bool:
        """True when every entry has been handed out."""
        return self._end <= 0 and not self._read

    def page(self, limit: int) -> list[dict[str, Any]]:
        """The next ``limit`` (fewer at the journal's start) entries the history lists
        (``HISTORY_OPS``), newest first."""
        while len(self._read) < limit and self._end > 0:
            self._read.extend(self._window_back())
        found, self._read = self._read[:limit], self._read[limit:]
        return found

    def _window_back(self) -> list[dict[str, Any]]:
        """The entries whose lines start in the window before ``_end``, newest first."""
        end, window = self._end, self._window
        while True:
            start = self._line_start_from(max(0, end - window))
            if start < end:
                break
            window *= 2  # a line longer than the window
        lines = []
        for offset, entry in self._journal.scan(start):
            if offset >= end:
                break
            lines.append(entry)
        self._end = start
        newest: list[dict[str, Any]] = []
        for entry in reversed(lines):
            if entry.get("op") == "void":
                self._voided.add(str(entry.get("ref")))
            elif entry.get("op") in HISTORY_OPS and entry.get("id") not in self._voided:
                newest.append(entry)
        return newest

    def _line_start_from(self, offset: int) -> int:
        """The first line start at or after byte ``offset`` (``_end`` when there is none)."""
        if offset == 0:
            return 0
        _, after = self._journal.read_at(offset - 1)  # the rest of the line holding offset-1
        return self._end if after < 0 else after


def history_pager(session: Session) -> JournalPager:
    """A pager over the session annotator's own journal (the file this annotator's writer
    appends to, also when this session is read-only)."""
    return JournalPager(Journal(journal_path(session.folder, session.annotator)))
