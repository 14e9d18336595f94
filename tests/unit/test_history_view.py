"""Edits in the researcher's words (annotations.history_view): every edit kind, its undo and its
redo worded from the change, with quotes by number and speakers by name and never an internal
id; quote numbers in text order; the history read newest first from the journal's end."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from annotations import edits
from annotations.change import LayerChange
from annotations.edits import (
    AcceptQuote,
    AdoptQuote,
    CreateSpeaker,
    DeleteQuote,
    Edit,
    JoinQuotes,
    MergeSpeakers,
    NewQuote,
    RejectQuote,
    RenameSpeaker,
    ResetQuote,
    SetNote,
    SetQuoteCode,
    SetQuoteType,
    SetSpan,
    SetSpeaker,
    SetSpeakerAttribute,
    SetStance,
    SetStatus,
    SplitQuote,
)
from annotations.history_view import (
    JournalPager,
    SessionLookup,
    ago,
    describe,
    describe_change,
    history_pager,
    quote_number,
    quote_numbers,
    step_message,
)
from annotations.model import Layer, Quote
from annotations.session import Session
from annotations.store.journal import Journal
from tests.conftest import ARTICLE, fixed_detect

INTERNAL_ID = re.compile(r"\b[qs]\d+\b")
DOC = "d1"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    """A one-document project (ARTICLE: Jane Roe's quote 1, Tom Poe's quote 2) for 'ana'."""
    with Session.open(tmp_path / "p", "ana", detect=fixed_detect) as opened:
        from annotations.model import Document

        opened.import_documents([Document(DOC, "Roe and Poe", ARTICLE)])
        yield opened


def _said(session: Session, edit: Edit) -> str:
    receipt = session.apply(edit)
    return step_message("edit", receipt.change, session.layer(DOC, receipt.layer))


def _undone(session: Session, layer: str | None = None) -> str:
    receipt = session.undo(DOC, layer)
    assert receipt is not None
    return step_message("undo", receipt.change, session.layer(DOC, receipt.layer))


def _redone(session: Session) -> str:
    receipt = session.redo(DOC)
    assert receipt is not None
    return step_message("redo", receipt.change, session.layer(DOC, receipt.layer))


def test_every_edit_kind_its_undo_and_redo_in_words(session: Session) -> None:
    """A scripted session: each kind of edit, then undone and redone; every message names
    quotes by number and speakers by name, and an undo names the value it restored."""
    session.define_attribute("topic", ["economy", "crime"], quote=True)
    layer = session.layer(DOC)
    q1 = layer.quotes["q1"]
    added = ARTICLE.index("She added")
    script: list[tuple[Edit, str, str]] = [
        (AcceptQuote(DOC, "q1"), "accepted quote 1", "undone: quote 1 back to suggested"),
        (RejectQuote(DOC, "q2"), "rejected quote 2", "undone: quote 2 back to suggested"),
        (ResetQuote(DOC, "q1"), "reset quote 1 to suggested", "undone: quote 1 back to accepted"),
        (SetStatus(DOC, "q1", "rejected"), "rejected quote 1",
         "undone: quote 1 back to suggested"),
        (SetStance(DOC, "q2", "support"), "stance of quote 2 → support",
         "undone: stance of quote 2 back to none"),
        (SetStance(DOC, "q2", "oppose"), "stance of quote 2 → oppose",
         "undone: stance of quote 2 back to support"),
        (SetStance(DOC, "q2", None), "stance of quote 2 cleared",
         "undone: stance of quote 2 back to oppose"),
        (SetQuoteType(DOC, "q1", "indirect"), "type of quote 1 → indirect",
         "undone: type of quote 1 back to direct"),
        (SetSpan(DOC, "q1", q1.start + 4, q1.end), "span of quote 1",
         "undone: span of quote 1 back to “will not work for anyone here”"),
        (NewQuote(DOC, added, added + 9), "new quote 2", "undone: quote 2 removed"),
        (SetNote(DOC, "q1", "check the name"), "note on quote 1",
         "undone: note on quote 1 back to none"),
        (SetQuoteCode(DOC, "q1", "topic", "crime"), "topic of quote 1 → crime",
         "undone: topic of quote 1 back to not coded"),
        (SetQuoteCode(DOC, "q1", "topic", None), "topic of quote 1 cleared",
         "undone: topic of quote 1 back to crime"),
        (SetSpeaker(DOC, "q1", "s2"), "speaker of quote 1 → Tom Poe",
         "undone: speaker of quote 1 back to Jane Roe"),
        (SetSpeaker(DOC, "q1", None), "speaker of quote 1 → nobody",
         "undone: speaker of quote 1 back to Tom Poe"),
        (CreateSpeaker(DOC, "Jim Kenney", assign_to="q3"),  # q3, the new quote, is quote 2
         "speaker of quote 2 → Jim Kenney (new here)",
         "undone: speaker of quote 2 back to nobody; new speaker Jim Kenney removed"),
        (CreateSpeaker(DOC, "Michael Bloomberg"), "new speaker Michael Bloomberg",
         "undone: new speaker Michael Bloomberg removed"),
        (CreateSpeaker(DOC, "Bloomberg", assign_to="q1"),
         "speaker of quote 1 → Bloomberg (new here)",
         "undone: speaker of quote 1 back to nobody; new speaker Bloomberg removed"),
        (RenameSpeaker(DOC, "s2", "Thomas Poe"), "renamed Tom Poe to Thomas Poe",
         "undone: renamed Thomas Poe back to Tom Poe"),
        (SetSpeakerAttribute(DOC, "s2", "gender", "male"), "gender of Thomas Poe → male",
         "undone: gender of Thomas Poe back to not coded"),
        (SetSpeakerAttribute(DOC, "s2", "gender", "other"), "gender of Thomas Poe → other",
         "undone: gender of Thomas Poe back to male"),
        (SetSpeakerAttribute(DOC, "s2", "gender", None), "gender of Thomas Poe cleared",
         "undone: gender of Thomas Poe back to other"),
        (JoinQuotes(DOC, "q1", "q3"), "joined quote 2 into quote 1",
         "undone: quote 2 apart from quote 1 again"),
        (SplitQuote(DOC, "q1"), "split quote 1 into 2 quotes", "undone: quote 1 whole again"),
        (DeleteQuote(DOC, "q3"), "deleted quote 2", "undone: quote 2 restored"),
    ]
    said = [(_said(session, edit), done, undo) for edit, done, undo in script]
    merge_into = next(s.id for s in session.layer(DOC).speakers.values()
                      if s.name == "Michael Bloomberg")
    gone = next(s.id for s in session.layer(DOC).speakers.values() if s.name == "Bloomberg")
    said.append((_said(session, MergeSpeakers(DOC, merge_into, gone)),
                 "merged Bloomberg into Michael Bloomberg",
                 "undone: merge of Bloomberg into Michael Bloomberg"))
    source = session.layer(DOC)
    adopt = AdoptQuote(DOC, source.quotes["q2"], source.speakers["s2"], layer="final")
    said.append((_said(session, adopt), "new quote 1", ""))

    messages = [message for message, _, _ in said]
    assert messages == [done for _, done, _ in said]
    messages.append(_undone(session, "final"))
    assert messages[-1] == "undone: quote 1 removed; new speaker Thomas Poe removed"
    for _message, _done, undo in reversed(said[:-1]):
        messages.append(_undone(session))
        assert messages[-1] == undo
    messages.append(_redone(session))
    assert messages[-1] == "redone: accepted quote 1"

    kinds = {
        cls for cls in vars(edits).values()
        if isinstance(cls, type) and issubclass(cls, Edit) and cls is not Edit
    }
    # AdoptQuotes (several adoptions as one edit) is worded as its adoptions, in
    # tests/tui/test_adjudicate.py
    assert kinds == {type(edit) for edit, _, _ in script} | {MergeSpeakers, AdoptQuote,
                                                             edits.AdoptQuotes}
    history = [
        item.what
        for entry in history_pager(session).page(100)
        if (item := describe(entry, SessionLookup(session))) is not None
    ]
    assert len(history) == len(messages)
    assert [m for m in messages + history if INTERNAL_ID.search(m)] == []


def test_messages_name_the_value_restored_not_the_one_undone(session: Session) -> None:
    session.apply(SetStance(DOC, "q2", "support"))
    session.apply(SetStance(DOC, "q2", "oppose"))
    message = _undone(session)
    assert message == "undone: stance of quote 2 back to support"
    assert "oppose" not in message


def test_an_undone_move_of_a_span_s_end_shows_the_end(session: Session) -> None:
    """Five undos of end moves read alike ("back to “But a campaign operative deci…”"): the
    words shown were the start's, which never moved. Both ends are shown."""
    text = session.document(DOC).text
    start = text.index("She added")  # longer than the 30 characters a span shows
    end = text.index("vote again.") + len("vote again")
    session.apply(NewQuote(DOC, start=start, end=end, quote_id="long"))
    session.apply(SetSpan(DOC, "long", start, end - 4))
    message = _undone(session)
    flat = " ".join(text[start:end].split())
    assert flat[-10:] in message, message
    assert "span of quote" in message and "back to “" in message


def test_history_rows_name_document_layer_and_quote(session: Session) -> None:
    session.apply(SetStance(DOC, "q2", "oppose"))
    session.apply(SetSpeaker(DOC, "q1", "s2", layer="ben"))
    session.undo(DOC)
    lookup = SessionLookup(session)
    undo, final, edit = (describe(e, lookup) for e in history_pager(session).page(10))
    assert undo is not None and final is not None and edit is not None
    assert (undo.what, undo.title, undo.own_layer, undo.quote_id) == (
        "undo: stance of quote 2 back to none (unreviewed again)", "Roe and Poe", True, "q2")
    assert (final.what, final.layer, final.own_layer) == (
        "speaker of quote 1 → Tom Poe (accepted)", "ben", False)
    assert edit.what == "stance of quote 2 → oppose (accepted)" and edit.doc_id == DOC


def test_an_unreadable_layer_names_no_number_and_no_id() -> None:
    quote = Quote("q7", 0, 4, "abcd", stance="oppose")
    change = LayerChange({"q7": quote}, {"q7": Quote("q7", 0, 4, "abcd", stance="support")})
    assert describe_change(change, None) == "stance of a quote → support"


def test_quote_numbers_follow_text_order_and_a_deleted_quote_keeps_its_place() -> None:
    later, early, middle = (Quote("q1", 20, 25, "x" * 5), Quote("q2", 0, 5, "x" * 5),
                            Quote("q3", 10, 15, "x" * 5))
    layer = Layer("ana", {q.id: q for q in (later, early, middle)})
    assert quote_numbers(layer) == {"q2": 1, "q3": 2, "q1": 3}
    assert [quote_numbers(layer)[q.id] for q in layer.sorted_quotes()] == [1, 2, 3]
    gone = Quote("q9", 12, 13, "x")
    assert quote_number(layer, gone) == 3  # after quote 2 (10-15), before quote 3 (20-25)
    assert quote_number(layer, middle) == 2


def test_ago_says_times_as_people_do() -> None:
    now = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)

    def at(**delta: float) -> str:
        return ago((now - timedelta(**delta)).isoformat(), now)

    assert at(seconds=10) == "just now"
    assert at(minutes=2) == "2 min ago"
    assert at(hours=3) == "3 h ago"
    assert at(hours=30) == "yesterday"
    assert at(days=4) == "4 days ago"
    assert at(days=40) == "2026-01-24"
    assert ago("not a time", now) == "?"


def _entry(n: int, op: str = "edit", **extra: object) -> dict[str, object]:
    quote = Quote(f"q{n % 5 + 1}", 0, 4, "abcd", stance="oppose").to_dict()
    return {"id": f"e{n}", "ts": "2026-03-05T12:00:00+00:00", "annotator": "ana", "op": op,
            "what": f"stance oppose on q{n}", "doc": DOC, "layer": "ana",
            "change": {"quotes_before": {quote["id"]: None}, "quotes_after": {quote["id"]: quote},
                       "speakers_before": {}, "speakers_after": {}}, **extra}


def _write(path: Path, entries: list[dict[str, object]], tail: bytes = b"") -> Journal:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries) + tail)
    return Journal(path)


@pytest.mark.parametrize("window", [64, 300, 65536])
def test_pager_reads_newest_first_whatever_the_window(tmp_path: Path, window: int) -> None:
    """Lines longer than the window, voided intents, lines of other ops and a torn last line:
    every edit, undo and redo once, newest first, in pages of the size asked for."""
    entries = [_entry(n) for n in range(30)]
    entries.insert(10, {"id": "v1", "ts": "", "annotator": "ana", "op": "void", "ref": "e9"})
    entries.insert(20, {"id": "x1", "ts": "", "annotator": "ana", "op": "scheme", "what": "k",
                        "data": {"op": "edit"}})
    entries.append(_entry(30, "undo", ref="e29"))
    journal = _write(tmp_path / "j.jsonl", entries, tail=b'{"id": "torn", "op": "ed')
    pager = JournalPager(journal, window=window)
    pages = [pager.page(7) for _ in range(6)]
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2, 0] and pager.done
    ids = [e["id"] for page in pages for e in page]
    assert ids == ["e30", *(f"e{n}" for n in range(29, -1, -1) if n != 9)]


def test_the_first_page_costs_the_same_on_a_journal_of_100000_entries(tmp_path: Path) -> None:
    small = _write(tmp_path / "small.jsonl", [_entry(n) for n in range(100)])
    line = orjson.dumps(_entry(0)) + b"\n"
    big_path = tmp_path / "big.jsonl"
    with open(big_path, "wb") as fh:
        for n in range(100_000):
            fh.write(line.replace(b'"e0"', f'"e{n}"'.encode(), 1))
    big = Journal(big_path)

    def first_page(journal: Journal) -> tuple[float, list[dict[str, object]]]:
        # CPU time, best of three: what the pager reads, not what other processes cost it
        best, page = float("inf"), []
        for _ in range(3):
            started = time.process_time()
            page = JournalPager(journal).page(40)
            best = min(best, time.process_time() - started)
        return best, page

    small_s, _ = first_page(small)
    big_s, page = first_page(big)
    assert [e["id"] for e in page[:2]] == ["e99999", "e99998"] and len(page) == 40
    assert big_s < max(20 * small_s, 0.05), (big_s, small_s)


def test_quotes_removed_by_one_step_keep_the_numbers_they_had() -> None:
    """Undoing "adopt all agreed" removes many quotes at once; each was named by the number it
    would get alone in what was left, so all of them read "quote 3 removed"."""
    from annotations.change import LayerChange
    from annotations.history_view import describe_change
    from annotations.model import Layer, Quote

    text = "abcdefghijklmnopqrstuvwxyz" * 3
    quotes = {f"q{i}": Quote(f"q{i}", i * 5, i * 5 + 3, text[i * 5 : i * 5 + 3], "direct")
              for i in range(1, 7)}
    kept = {k: q for k, q in quotes.items() if k in ("q1", "q2")}
    gone = {k: q for k, q in quotes.items() if k not in kept}
    change = LayerChange(quotes_after=dict.fromkeys(gone), quotes_before=gone)
    said = describe_change(change, Layer("final", kept, {}), undone=True)
    assert said == "quote 3 removed; quote 4 removed; quote 5 removed; and 1 more"


def test_an_old_edit_of_a_quote_removed_since_does_not_borrow_another_quotes_number(
    session: Session,
) -> None:
    """Quote 1 gets a stance, then is deleted: the history's line for the stance edit must not
    say "quote 1" (today's quote 1 is another quote)."""
    first = session.apply(SetStance(DOC, "q1", "oppose"))
    session.apply(DeleteQuote(DOC, "q1"))
    now = session.layer(DOC)
    said = describe_change(first.change, now)
    assert "quote 1" not in said and "a quote since removed" in said, said


def test_a_new_quote_undone_since_reads_as_a_new_quote(session: Session) -> None:
    """The history said "new a quote since removed" for a quote made and then undone."""
    text = session.document(DOC).text
    start = text.index("She added")
    made = session.apply(NewQuote(DOC, start=start, end=start + 20, quote_id="n1"))
    session.undo(DOC)
    said = describe_change(made.change, session.layer(DOC))
    assert said == "new quote (since removed)", said
