"""Statuses, progress and agreement so far on a small project (``annotations.team`` over a
``Session``), and the shared files' damage rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from annotations import team
from annotations.agreement import agreement
from annotations.edits import AcceptQuote, RejectQuote
from annotations.errors import DamagedFileError, InputError, ProjectError, ReadOnlyError
from annotations.model import Document
from annotations.progress import team_progress
from annotations.session import Session
from annotations.store.assignments import ASSIGNMENTS_NAME
from annotations.store.statuses import status_path
from tests.conftest import ARTICLE, fixed_detect

EMPTY = "Nobody is quoted in this short note about the weather."


def open_as(folder: Path, annotator: str, **kwargs: object) -> Session:
    return Session.open(folder, annotator, detect=fixed_detect, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Four documents with two suggested quotes each (d0-d3) and one without any (empty)."""
    path = tmp_path / "p"
    with open_as(path, "ana") as session:
        docs = [Document(f"d{i}", f"Doc {i}", ARTICLE) for i in range(4)]
        session.import_documents([*docs, Document("empty", "Weather", EMPTY)])
    return path


def test_statuses_explicit_and_derived(folder: Path) -> None:
    with open_as(folder, "ana") as session:
        assert team.document_status(session, "d0").status == team.NOT_STARTED
        session.apply(AcceptQuote("d0", "q1"))
        derived = team.document_status(session, "d0")
        assert derived.status == team.IN_PROGRESS and not derived.explicit
        change = team.set_status(session, "empty", "done")  # nothing detected: still done-able
        assert change.status.status == team.DONE and change.status.explicit
        assert change.warning is None
        assert team.set_status(session, "d0", "not-started").status.status == team.NOT_STARTED
        assert team.set_status(session, "d0", "auto").status.status == team.IN_PROGRESS
        with pytest.raises(InputError, match="no document"):
            team.set_status(session, "nope", "done")
        with pytest.raises(InputError, match="unknown status"):
            team.set_status(session, "d1", "finished")
        with open_as(folder, "ana") as second:  # the same annotator twice: read-only
            assert second.read_only
            with pytest.raises(ReadOnlyError):
                team.set_status(second, "d1", "done")
    with open_as(folder, "ben") as session:
        assert team.document_status(session, "empty").status == team.NOT_STARTED  # ben's own
        assert team.document_status(session, "empty", "ana").status == team.DONE
        team.set_status(session, "d1", "in-progress")
        everyone = team.statuses(session)
        assert set(everyone.explicit) == {"ana", "ben"} and not everyone.warnings
        assert everyone.explicit["ana"]["empty"].status == "done"
        assert everyone.explicit["ben"]["d1"].status == "in-progress"
    stored = orjson.loads(status_path(folder, "ana").read_bytes())
    assert stored["schema"] == 1 and stored["annotator"] == "ana"
    assert set(stored["documents"]) == {"empty"}  # d0's explicit status was cleared


def test_progress_figures_and_agreement_so_far(folder: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    with open_as(folder, "ana") as session:
        plan = team.assign(session, ["ana", "ben"], per_document=2, seed=0)
        assert len(plan.added) == 5
        session.apply(AcceptQuote("d0", "q1"))
        session.apply(RejectQuote("d0", "q2"))
        session.apply(AcceptQuote("d1", "q1"))
        team.set_status(session, "d0", "done")
        team.set_status(session, "empty", "done")
    with open_as(folder, "ben") as session:
        session.apply(AcceptQuote("d0", "q1"))
        team.set_status(session, "d0", "done")
        team.set_status(session, "empty", "done")
    with open_as(folder, "cy") as session:
        team.set_status(session, "d3", "done")  # not assigned to cy
        result = team_progress(session)
        order = team.order_for(session, "cy")
        ben_order = team.order_for(session, "ben", ["d3", "d2"])
        text = session.document("d0").text
        layers = {n: session.layer("d0", n) for n in ("ana", "ben")}
        empty_layers = {n: session.layer("empty", n) for n in ("ana", "ben")}
    assert result.documents == 5 and result.assigned_documents == 5
    assert [r.annotator for r in result.annotators] == ["ana", "ben", "cy"]
    ana, ben, cy = result.annotators
    assert (ana.assigned, ana.done, ana.in_progress, ana.remaining) == (5, 2, 1, 3)
    assert (ben.assigned, ben.done, ben.in_progress, ben.remaining) == (5, 2, 0, 3)
    assert (cy.assigned, cy.done, cy.remaining, cy.done_unassigned) == (0, 0, 0, 1)
    assert (ana.quotes_reviewed, ben.quotes_reviewed, cy.quotes_reviewed) == (3, 1, 0)
    for row in (ana, ben, cy):
        assert row.last_edit is not None and datetime.fromisoformat(row.last_edit) >= before
    # agreement on d0 and empty (done by both), the same figures as `saywho agree`
    assert result.compared_documents == ("d0", "empty")
    expected = agreement({"d0": (text, layers), "empty": (EMPTY, empty_layers)}, ["ana", "ben"])
    assert result.agreement is not None
    assert result.agreement.to_dict() == expected.to_dict()
    pair = result.agreement.overall["pairs"][0]
    assert (pair["quotes_a"], pair["quotes_b"], pair["overlap50"]["matched"]) == (1, 2, 1)
    assert ana.agreement_f1 == ben.agreement_f1 == round(100 * 2 * 1 / 3, 1)
    assert ana.agreement_docs == 2 and cy.agreement_f1 is None and cy.agreement_docs == 0
    assert result.agreement_lines()[0].startswith("agreement between ana, ben over 2")
    assert order == ["d0", "d1", "d2", "d3", "empty"]  # nothing assigned to cy: project order
    assert ben_order == ["d2", "d3"]  # both assigned to ben: project order first
    assert result.to_dict()["annotators"][0]["annotator"] == "ana"


def test_order_for_puts_assigned_documents_first(folder: Path) -> None:
    with open_as(folder, "ana") as session:
        team.assign(session, ["ana", "ben"], per_document=1, seed=4)
        mine = team.assigned_to(session)
        theirs = team.assigned_to(session, "ben")
        assert sorted(mine + theirs) == sorted(session.document_ids())
        order = team.order_for(session)
        assert order == mine + theirs
        assert order[: len(mine)] == [d for d in session.document_ids() if d in mine]
        assert team.next_assigned(session) == mine[0]
        team.set_status(session, mine[0], "done")
        assert team.next_assigned(session) == (mine[1] if len(mine) > 1 else None)


def test_a_damaged_assignments_file_is_moved_aside_never_overwritten(folder: Path) -> None:
    path = folder / ASSIGNMENTS_NAME
    path.write_bytes(b'{"schema": 1, "assignments": {"d0": [')
    with open_as(folder, "ana", read_only=True) as reader:
        with pytest.raises(DamagedFileError, match="left as it is"):
            team.assignment(reader)
        assert any("assignments.json" in w for w in team_progress(reader).warnings)
    assert path.read_bytes().endswith(b"[")  # a read-only session leaves it
    with open_as(folder, "ana") as session:
        with pytest.raises(DamagedFileError, match="moved aside to assignments.json.damaged-"):
            team.assign(session, ["ana"], per_document=1)
        asides = list(folder.glob("assignments.json.damaged-*"))
        assert len(asides) == 1 and asides[0].read_bytes().endswith(b"[")
        assert not path.exists()
        assert len(team.assign(session, ["ana"], per_document=1).added) == 5
    path.write_bytes(orjson.dumps({"schema": 99, "assignments": {}}))
    with open_as(folder, "ana") as session, pytest.raises(ProjectError, match="newer saywho"):
        team.assign(session, ["ana"], per_document=1)
    assert orjson.loads(path.read_bytes())["schema"] == 99


def test_a_damaged_status_file_is_reported_and_moved_aside_by_its_owner(folder: Path) -> None:
    with open_as(folder, "ben") as session:
        team.set_status(session, "d0", "done")
    ben_file = status_path(folder, "ben")
    ben_file.write_bytes(b"\x00not json")
    with open_as(folder, "ana") as session:
        result = team_progress(session)
        assert any("did not parse" in w for w in result.warnings)
    assert ben_file.read_bytes() == b"\x00not json"  # only ben's process moves ben's file
    with open_as(folder, "ben") as session:
        change = team.set_status(session, "d1", "done")
        assert change.warning is not None and "moved aside" in change.warning
        assert team.statuses(session).explicit["ben"] == {
            "d1": team.statuses(session).explicit["ben"]["d1"]
        }
    asides = list(ben_file.parent.glob("ben.json.damaged-*"))
    assert len(asides) == 1 and asides[0].read_bytes() == b"\x00not json"


def test_hostile_annotator_names_stay_inside_the_status_folder(folder: Path) -> None:
    name = "../../evil\x1b[31m"
    with open_as(folder, name) as session:
        team.set_status(session, "d0", "done")
        everyone = team.statuses(session)
    assert status_path(folder, name).parent == folder / "status"
    assert everyone.explicit[name]["d0"].status == "done"
    assert not (folder.parent / "evil").exists()


def test_assigning_is_a_shared_write_statuses_are_the_annotators_own(folder: Path) -> None:
    with open_as(folder, "ana") as first, open_as(folder, "ana") as second:
        assert not first.read_only and second.read_only  # ana's TUI open, ana's CLI next to it
        assert len(team.assign(second, ["ana", "ben"], per_document=1).added) == 5
        with pytest.raises(ReadOnlyError):
            team.set_status(second, "d0", "done")  # ana's status file has one writer
        assert team.set_status(first, "d0", "done").status.status == team.DONE
    with open_as(folder, "ana", read_only=True) as reader, pytest.raises(ReadOnlyError):
        team.assign(reader, ["ana"], per_document=1)


def test_the_library_view_says_a_damaged_status_file_like_any_damage(folder: Path) -> None:
    """The corpus view reads its annotator's statuses with the team rule's per-file handling:
    a damaged file reads as none, is moved aside by its owner, and is said (it was read as
    none in silence)."""
    status_path(folder, "ana").parent.mkdir(parents=True, exist_ok=True)
    status_path(folder, "ana").write_bytes(b"\x00not json")
    with open_as(folder, "ana") as session:
        session.corpus_view()
        assert any("did not parse" in m for m in session.damaged)
    assert list(status_path(folder, "ana").parent.glob("ana.json.damaged-*"))


def test_an_annotator_editing_without_assignments_or_statuses_is_listed(folder: Path) -> None:
    """No `assign` run, nothing marked done: ben had reviewed quotes and a layer of his own,
    and progress said nobody was at work. A layer imported under another name (gold) with no
    journal of that name is no annotator."""
    with open_as(folder, "ben") as ben:
        ben.apply(AcceptQuote("d0", "q1"))
    with open_as(folder, "boss") as boss:
        gold = boss.layer("d0", "suggestions")
        boss.put_layer("d0", replace(gold, name="gold"))
        progress = team_progress(boss)
    rows = {r.annotator: r for r in progress.annotators}
    assert set(rows) == {"ben"}
    assert rows["ben"].quotes_reviewed == 1


def test_agreement_so_far_has_an_alpha_per_speaker_attribute_of_the_project(
        folder: Path) -> None:
    from annotations.edits import SetSpeakerAttribute

    with open_as(folder, "ana") as session:
        session.define_attribute("role", ["politician", "expert"])
        for doc_id in ("d0", "d1"):
            session.apply(AcceptQuote(doc_id, "q1"))  # ana's own layer of both documents
        session.apply(SetSpeakerAttribute("d0", "s2", "gender", "male"))
        session.apply(SetSpeakerAttribute("d0", "s1", "role", "politician"))
        # Jane Roe is coded in d1 only, which ben has not done: it counts in d0 all the same
        session.apply(SetSpeakerAttribute("d1", "s1", "gender", "female"))
        team.set_status(session, "d0", "done")
    with open_as(folder, "ben") as session:
        session.apply(AcceptQuote("d0", "q1"))
        session.apply(SetSpeakerAttribute("d0", "s1", "gender", "female"))
        session.apply(SetSpeakerAttribute("d0", "s2", "gender", "female"))
        session.apply(SetSpeakerAttribute("d0", "s1", "role", "expert"))
        team.set_status(session, "d0", "done")
    with open_as(folder, "ana", read_only=True) as session:
        result = team_progress(session)
    assert result.compared_documents == ("d0",) and result.agreement is not None
    alpha = result.agreement.overall["alpha"]
    # gender: Jane (female from d1, female), Tom (male, female): n = 4, 3 f and 1 m, observed
    # 2, expected 16 - 9 - 1 = 6, alpha = 1 - 3 * 2 / 6 = 0
    assert alpha["speaker_gender"] == {"units": 2, "single_coded": 0, "alpha": 0.0}
    assert alpha["speaker_role"] == {"units": 1, "single_coded": 0, "alpha": 0.0}
    lines = result.agreement_lines()
    assert any(line.startswith("Krippendorff's alpha speaker_role: 0.000 (1 speakers")
               for line in lines)


def test_agreement_so_far_has_an_alpha_per_quote_variable_of_the_project(folder: Path) -> None:
    from annotations.edits import SetQuoteCode

    with open_as(folder, "ana") as session:
        session.define_attribute("topic", ["crime", "economy"], quote=True)
        session.apply(SetQuoteCode("d0", "q1", "topic", "crime"))
        session.apply(SetQuoteCode("d0", "q2", "topic", "economy"))
        team.set_status(session, "d0", "done")
    with open_as(folder, "ben") as session:
        session.apply(SetQuoteCode("d0", "q1", "topic", "economy"))
        session.apply(SetQuoteCode("d0", "q2", "topic", "economy"))
        team.set_status(session, "d0", "done")
    with open_as(folder, "ana", read_only=True) as session:
        result = team_progress(session)
    assert result.compared_documents == ("d0",) and result.agreement is not None
    # (c, e), (e, e): n = 4, 1 c and 3 e, observed 2, expected 16 - 1 - 9 = 6: 1 - 3 * 2 / 6
    assert result.agreement.overall["alpha"]["code_topic"] == {
        "units": 2, "single_coded": 0, "alpha": 0.0}
    assert any(line.startswith("Krippendorff's alpha code_topic: 0.000 (2 matched quotes, "
                               "on their topic)") for line in result.agreement_lines())
