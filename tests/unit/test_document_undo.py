"""Undo and redo reach a document's own stance target and the annotator's done mark, in the
order the researcher made them among the layer edits, also after a restart; a teammate's target
set since is never overwritten (the undo is refused in one line and skipped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations import team
from annotations.edits import AcceptQuote
from annotations.errors import StepConflict
from annotations.history_view import SessionLookup, describe, history_pager
from annotations.model import Document
from annotations.session import Session
from tests.conftest import ARTICLE, fixed_detect

DOC = "d1"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "p"
    with Session.open(path, "ana", detect=fixed_detect) as s:
        s.import_documents([Document(DOC, "Roe and Poe", ARTICLE)])
    return path


@pytest.fixture
def session(folder: Path) -> Iterator[Session]:
    with Session.open(folder, "ana", detect=fixed_detect) as s:
        yield s


def _status(session: Session) -> str:
    return team.document_status(session, DOC).status


def test_undo_takes_back_target_edit_and_done_mark_in_the_order_made(session: Session) -> None:
    project_target = session.stance_target(DOC)
    session.set_document_target(DOC, "the bridge toll")
    session.apply(AcceptQuote(DOC, quote_id="q1"))
    team.set_status(session, DOC, team.DONE)
    assert _status(session) == team.DONE

    receipt = session.undo(DOC)
    assert receipt is not None and receipt.document is not None
    assert _status(session) == team.IN_PROGRESS  # the done mark first: the last thing done
    assert session.layer(DOC).quotes["q1"].status == "accepted"
    assert session.stance_target(DOC) == "the bridge toll"
    session.undo(DOC)
    assert session.layer(DOC).quotes["q1"].status == "suggested"
    assert session.stance_target(DOC) == "the bridge toll"
    session.undo(DOC)
    assert session.stance_target(DOC) == project_target
    assert session.undo(DOC) is None

    session.redo(DOC)
    assert session.stance_target(DOC) == "the bridge toll"
    session.redo(DOC)
    session.redo(DOC)
    assert _status(session) == team.DONE and session.layer(DOC).quotes["q1"].status == "accepted"


def test_undo_of_the_done_mark_survives_a_restart(folder: Path) -> None:
    with Session.open(folder, "ana", detect=fixed_detect) as s:
        s.apply(AcceptQuote(DOC, quote_id="q1"))
        team.set_status(s, DOC, team.DONE)
    with Session.open(folder, "ana", detect=fixed_detect) as s:
        s.undo(DOC)
        assert _status(s) == team.IN_PROGRESS
        assert s.layer(DOC).quotes["q1"].status == "accepted"
    with Session.open(folder, "ana", detect=fixed_detect) as s:  # the undo is journaled too
        assert _status(s) == team.IN_PROGRESS
        s.redo(DOC)
        assert _status(s) == team.DONE


def test_an_undo_never_overwrites_a_teammates_target(folder: Path) -> None:
    with Session.open(folder, "ana", detect=fixed_detect) as ana:
        ana.set_document_target(DOC, "the bridge toll")
        ana.apply(AcceptQuote(DOC, quote_id="q1"))
        with Session.open(folder, "ben", detect=fixed_detect) as ben:
            ben.set_document_target(DOC, "the ferry")
        ana.undo(DOC)  # the accept
        with pytest.raises(StepConflict) as refused:
            ana.undo(DOC)
        message = refused.value.message
        assert "\n" not in message and "changed since" in message and "the ferry" in message
        assert ana.stance_target(DOC) == "the ferry"
        assert ana.undo(DOC) is None  # skipped for good: nothing older to undo
    with Session.open(folder, "ben", detect=fixed_detect) as ben:
        assert ben.stance_target(DOC) == "the ferry"


def test_the_history_says_the_undo_of_a_done_mark(session: Session) -> None:
    team.set_status(session, DOC, team.DONE)
    session.undo(DOC)
    lookup = SessionLookup(session)
    rows = [describe(e, lookup) for e in history_pager(session).page(10)]
    assert [r.what for r in rows if r is not None] == ["undo: no longer marked done",
                                                       "marked done"]


def test_an_undo_gives_back_the_teammates_target_it_replaced(folder: Path) -> None:
    """The target a set replaced is read under the shared file's lock: undoing it brings back
    a teammate's target set after this session read the document list, not an older one."""
    with Session.open(folder, "ana", detect=fixed_detect) as ana:
        ana.stance_target(DOC)  # the rows read now
        with Session.open(folder, "ben", detect=fixed_detect) as ben:
            ben.set_document_target(DOC, "the ferry")
        ana.set_document_target(DOC, "the bridge toll")
        ana.undo(DOC)
        assert ana.stance_target(DOC) == "the ferry"


_KILLED_MID_UNDO = """
import os, sys
from annotations.session import Session
from annotations.store.doc_steps import DocumentSteps
from tests.conftest import fixed_detect

DocumentSteps.swap = lambda *a, **k: os._exit(9)  # killed between the journal line and the write
with Session.open(sys.argv[1], "ana", detect=fixed_detect) as s:
    s.undo(sys.argv[2])
"""


@pytest.mark.parametrize("kind", ["status", "target"])
def test_a_kill_between_an_undo_s_journal_line_and_its_write_undoes_nothing(
        folder: Path, kind: str) -> None:
    """A session killed after journaling the undo of a done mark or a target and before
    setting it back: the reopened session holds the undo as not made (voided, as a layer
    edit's), so the history does not say it, the value is as it was, and ``u`` undoes it."""
    import subprocess
    import sys

    with Session.open(folder, "ana", detect=fixed_detect) as s:
        if kind == "status":
            team.set_status(s, DOC, team.DONE)
        else:
            s.set_document_target(DOC, "the bridge toll")
        project_target = s.scheme.target
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_UNDO, str(folder), DOC],
                            cwd=Path(__file__).parents[2], check=False)
    assert killed.returncode == 9
    with Session.open(folder, "ana", detect=fixed_detect) as s:
        rows = [describe(e, SessionLookup(s)) for e in history_pager(s).page(10)]
        assert not [r for r in rows if r is not None and r.op == "undo"]
        if kind == "status":
            assert _status(s) == team.DONE
            s.undo(DOC)
            assert _status(s) == team.NOT_STARTED  # nothing edited: as before the mark
        else:
            assert s.stance_target(DOC) == "the bridge toll"
            s.undo(DOC)
            assert s.stance_target(DOC) == project_target


_KILLED_AFTER_SETTING = """
import os, sys
from annotations import team
from annotations.session import Session
from tests.conftest import fixed_detect

s = Session.open(sys.argv[1], "ana", detect=fixed_detect)
s.set_document_target(sys.argv[2], "the bridge toll")
team.set_status(s, sys.argv[2], team.DONE)
os._exit(9)  # killed: no checkpoint of the undo stacks at closing
"""


def test_a_target_and_a_done_mark_are_undone_after_a_kill(folder: Path) -> None:
    """The undo stacks are folded from the journal when no checkpoint holds them (a session
    killed, a journal merged in, a rebuild): a target and a done mark are steps there too."""
    import subprocess
    import sys

    with Session.open(folder, "ana", detect=fixed_detect) as s:
        project_target = s.stance_target(DOC)
    killed = subprocess.run([sys.executable, "-c", _KILLED_AFTER_SETTING, str(folder), DOC],
                            cwd=Path(__file__).parents[2], check=False)
    assert killed.returncode == 9
    with Session.open(folder, "ana", detect=fixed_detect) as s:
        assert _status(s) == team.DONE and s.stance_target(DOC) == "the bridge toll"
        assert s.undo(DOC) is not None
        assert _status(s) == team.NOT_STARTED
        assert s.undo(DOC) is not None
        assert s.stance_target(DOC) == project_target


def test_a_status_set_to_what_was_derived_is_a_step_too(session: Session) -> None:
    """``saywho status DOC auto`` after an explicit "in progress" on an edited document changes
    the stored status, not the status seen: it is journaled all the same, so an undo of the
    mark before it finds what it left and is not refused as someone else's change."""
    session.apply(AcceptQuote(DOC, quote_id="q1"))  # derived: in progress
    team.set_status(session, DOC, team.DONE)
    team.set_status(session, DOC, team.IN_PROGRESS)  # explicit
    team.set_status(session, DOC, None)  # auto: derived in progress, as it was
    session.undo(DOC)
    assert team.document_status(session, DOC).explicit
    session.undo(DOC)
    assert _status(session) == team.DONE
