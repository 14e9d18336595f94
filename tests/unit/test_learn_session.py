"""The project model inside a session (``annotations.learn.project``): what it learns from,
where it is kept, and re-suggesting after a refit, read back from the store.

The first fit imports scikit-learn (about 1-2 s on a busy machine); the fits themselves take
tens of milliseconds on these articles.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations import team
from annotations.edits import AcceptQuote, SetSpan, SetStance
from annotations.errors import SaveError
from annotations.learn.apply import LEARNED
from annotations.learn.project import describe
from annotations.model import Layer
from annotations.session import Session
from annotations.store.learned import model_path
from tests.learn_corpus import article, build, correct


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return build(tmp_path / "p")


@pytest.fixture
def session(folder: Path) -> Iterator[Session]:
    with Session.open(folder, "tester") as s:
        yield s


def _texts(layer: Layer) -> list[str]:
    return [q.text for q in layer.sorted_quotes()]


def test_refit_learns_from_done_documents_and_resuggests_the_others(session: Session) -> None:
    before = session.layer("a5")
    assert any(t.startswith("that ") for t in _texts(before))
    for i in range(4):
        correct(session, i)
    assert session.learning.corrected_ids() == ["a0", "a1", "a2", "a3"]
    refit = session.learning.refit()
    assert refit.articles == 4 and refit.model.trusted, refit.model.status.describe()
    corrected = {d: session.layer(d) for d in refit.doc_ids}
    session.learning.keep(refit)
    report = session.learning.resuggest(session.learning.plan("a5"))
    assert report.documents == 4 and report.changed > 0  # a4 to a7
    after = session.layer("a5")
    assert not any(t.startswith("that ") for t in _texts(after))  # the convention learned
    assert not any("costs too much" in t for t in _texts(after))  # belief clauses dropped
    assert any(q.origin.endswith(LEARNED) for q in after.quotes.values())
    assert {d: session.layer(d) for d in refit.doc_ids} == corrected  # never touched
    # the corpus index follows the write
    quotes, _ = session.corpus_view().counts("a5")
    assert quotes == len(after.quotes)
    line = describe(refit, report)
    assert line.startswith("learned from 4 articles: ") and "changed in 4 documents" in line


def test_fully_reviewed_layer_counts_as_corrected(session: Session) -> None:
    correct(session, 0, done=False)
    assert session.learning.corrected_ids() == []  # two quotes still suggested
    for q in session.layer("a0").sorted_quotes():
        if q.status == "suggested":
            session.apply(AcceptQuote("a0", q.id))
    assert session.learning.corrected_ids() == ["a0"]


def test_resuggest_never_changes_a_human_edited_quote(session: Session) -> None:
    for i in range(4):
        correct(session, i)
    layer = session.layer("a4")
    text = session.document("a4").text
    by_text = {q.text: q for q in layer.sorted_quotes()}
    mayor = next(q for t, q in by_text.items() if "would build" in t)
    park = next(q for t, q in by_text.items() if "budget was ready" in t)
    critics = next(q for t, q in by_text.items() if "costs too much" in t)
    session.apply(SetSpan("a4", mayor.id, mayor.start, mayor.end - 10))  # still suggested
    session.apply(AcceptQuote("a4", park.id))  # "that ..." kept as it is
    session.apply(SetStance("a4", critics.id, "oppose"))  # a belief, labelled: kept
    edited = {qid: session.layer("a4").quotes[qid] for qid in (mayor.id, park.id, critics.id)}
    assert text[edited[park.id].start:].startswith("that ")
    session.learning.keep(session.learning.refit())
    changed = session.learning.resuggest_document("a4")
    assert changed > 0  # "Residents think ..." went
    now = session.layer("a4")
    for qid, quote in edited.items():
        assert now.quotes[qid] == quote
    assert not any("was rushed" in t for t in _texts(now))


def test_gate_keeps_a_model_that_does_not_help_off(session: Session) -> None:
    for i in range(5):
        correct(session, i, consistent=False)
    refit = session.learning.refit()
    assert not refit.model.trusted and not refit.model.edits
    session.learning.keep(refit)
    assert session.learning.detector() is None  # suggestions stay the rules'
    before = session.layer("a6")
    report = session.learning.resuggest(session.learning.plan("a6"))
    assert report.changed == 0 and session.layer("a6") == before
    line = describe(refit, report)
    assert line.startswith("quote suggestions: rules only: "), line


def test_model_survives_reopen_and_suggests_for_new_imports(tmp_path: Path) -> None:
    folder = build(tmp_path / "p", n=7)
    with Session.open(folder, "tester") as session:
        for i in range(4):
            correct(session, i)
        refit = session.learning.refit()
        session.learning.keep(refit)
    assert model_path(folder, "tester").is_file()
    with Session.open(folder, "tester") as session:
        assert session.learning.model == refit.model
        session.import_documents([article(7)])
        texts = _texts(session.layer("a7"))
        assert texts and not any(t.startswith("that ") for t in texts)
        assert any(q.origin.endswith(LEARNED) for q in session.layer("a7").quotes.values())
    with Session.open(folder, "other") as session:  # per annotator: ana's model is not bo's
        assert session.learning.model is None


def test_learning_switched_off_suggests_with_the_rules(session: Session) -> None:
    for i in range(4):
        correct(session, i)
    session.learning.keep(session.learning.refit())
    assert session.learning.detector() is not None
    session.set_setting("learn_quotes", False)
    assert session.learning.detector() is None
    assert session.learning.stale("a5") is False


def test_model_save_error_is_a_save_error(session: Session, folder: Path) -> None:
    for i in range(4):
        correct(session, i)
    refit = session.learning.refit()
    (folder / "learned").write_text("not a folder")
    with pytest.raises(SaveError, match="learned quote model: not saved"):
        session.learning.keep(refit)
    assert session.learning.model is refit.model  # in use all the same


def test_resuggest_reads_only_corrected_and_planned_layers(
    folder: Path, request: pytest.FixtureRequest
) -> None:
    with Session.open(folder, "tester") as session:
        for i in range(4):
            correct(session, i)
    seen = request.getfixturevalue("reads")  # spying from here on
    with Session.open(folder, "tester") as session:
        session.corpus_view()  # the index is built at the first open: not this test's reads
        seen.clear()
        learning = session.learning
        refit = learning.refit()
        assert set(seen) == set(refit.doc_ids) == {"a0", "a1", "a2", "a3"}
        learning.keep(refit)
        seen.clear()
        plan = learning.plan("a4", ahead=1)
        assert plan == ["a4", "a5"] and seen == []  # planned from the index alone
        report = learning.resuggest(plan)
        assert report.looked_at == 2 and set(seen) == {"a4", "a5"}
        assert learning.stale("a6") and not learning.stale("a5")
        assert team.document_status(session, "a6").status == team.NOT_STARTED


def test_in_a_team_the_shared_suggestions_stay_the_rules(folder: Path) -> None:
    """One coder's model never changes what the other coders start from: with another
    annotator's layer in the project, only this annotator's own started layers are
    re-suggested."""
    with Session.open(folder, "other") as other:
        other.apply(AcceptQuote("a7", sorted(other.layer("a7").quotes)[0]))
    with Session.open(folder, "tester") as session:
        shared = session.layer("a5", "suggestions")
        for i in range(4):
            correct(session, i)
        refit = session.learning.refit()
        assert refit.model.trusted, refit.model.status.describe()
        session.learning.keep(refit)
        session.learning.resuggest(session.learning.plan("a5"))
        assert session.layer("a5", "suggestions") == shared
        assert _texts(session.layer("a5")) == _texts(shared)


def test_no_listener_runs_while_the_session_lock_is_held(session: Session) -> None:
    """A re-suggest stores layers under the session lock; its events reach listeners only
    after the lock is let go. (A listener that waited on a lock of its own, held by a thread
    that was reading the session, froze the TUI: the live watcher and a refit.)"""
    import threading

    locked_out: list[bool] = []

    def listener(event: object) -> None:
        got: list[bool] = []
        other = threading.Thread(target=lambda: got.append(session.document_ids() is not None))
        other.start()
        other.join(timeout=2)  # another thread reads the session while the listener runs
        locked_out.append(not got)

    for i in range(4):
        correct(session, i)
    refit = session.learning.refit()
    session.learning.keep(refit)
    session.subscribe(listener)
    report = session.learning.resuggest(session.learning.plan("a5"))
    assert report.changed > 0 and locked_out and not any(locked_out)


def test_a_resuggest_and_a_teammate_s_write_of_the_same_layer_keep_their_order(
    session: Session, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process replaces a document's suggestions (an import with --replace) while a
    re-suggest reads them: the re-suggest reads, merges and stores under the document's lock,
    so the other write waits and lands after it; without the lock it landed in between and
    the re-suggest's store wrote over it."""
    import threading

    from annotations.store import Project

    for i in range(4):
        correct(session, i)
    session.learning.keep(session.learning.refit())
    theirs = Layer("suggestions", {}, {})  # what the other process stores: no suggestions
    raced: list[threading.Thread] = []
    read = Project.layer

    failed: list[BaseException] = []

    def teammate_replaces() -> None:
        try:
            with Session.open(folder, "cy") as cy:
                cy.put_layer("a5", theirs, replace=True)
        except BaseException as exc:  # noqa: BLE001 - said by the test below
            failed.append(exc)

    def read_then_race(self: Project, doc_id: str, name: str | None = None):  # noqa: ANN202
        layer = read(self, doc_id, name)
        if doc_id == "a5" and name == "suggestions" and not raced:  # the read it stores from
            raced.append(threading.Thread(target=teammate_replaces))
            raced[0].start()
            raced[0].join(0.5)  # lands now, or waits for the re-suggest's lock
        return layer

    monkeypatch.setattr(Project, "layer", read_then_race)
    try:
        assert session.learning.resuggest_document("a5") > 0
        raced[0].join(30)
    finally:
        monkeypatch.undo()
    assert not raced[0].is_alive() and not failed, failed
    assert session.layer("a5", "suggestions").quotes == {}  # the later write, whole
    replaced = [e["annotator"] for e in session.project.journal()
                if e["op"] == "replace-layer" and e["data"]["doc"] == "a5"]
    assert replaced == ["tester", "cy"]


def test_the_speaker_registry_from_the_corpus_index_is_the_one_read_from_every_layer(
    session: Session,
) -> None:
    """The picker's corpus speakers come from the corpus index (reading every layer froze it
    15 s at 21,000 documents): the same names, aliases, kinds, documents and quote counts as
    the registry built from the layers themselves."""
    from annotations.registry import build_registry, registry_from_summaries

    for i in range(2):
        correct(session, i)
    from_layers = build_registry((d, session.layer(d)) for d in session.document_ids())
    view = session.corpus_view()
    from_index = registry_from_summaries(
        session.document_ids(), view.layer_voices,
        lambda d: pytest.fail(f"{d} read whole"))  # every summary has its voices
    assert from_layers and from_index.keys() == from_layers.keys()
    for key, entry in from_layers.items():
        got = from_index[key]
        assert (got.name, got.kind, got.aliases, got.documents, got.quotes) == (
            entry.name, entry.kind, entry.aliases, entry.documents, entry.quotes), key
