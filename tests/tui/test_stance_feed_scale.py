"""The stance suggestions read no more layers than the labels need (issue "Corpus scale"):
opening one document of a project of many reads that document and the layers that hold
labels (found from the corpus index), never every layer of the corpus; the opened document
still gets suggestions, from a model fitted on the labels alone. A spy on the store's layer
reads counts every read."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_helpers import settle

from annotations.edits import SetStance
from annotations.model import SUGGESTIONS_LAYER, Document, Layer
from annotations.session import Session
from tests.conftest import two_quote_document
from tui.app import SaywhoApp

N_DOCS = 60
LABELLED = {"doc-005": ("support", "oppose"), "doc-023": ("oppose", "support"),
            "doc-041": ("support", "support")}
OPENED = f"doc-{N_DOCS - 1:03d}"


def _document(i: int) -> tuple[Document, Layer]:
    return two_quote_document(i, verb=("comply", "resist", "wait")[i % 3], reply="No way")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    with Session.open(folder, "tester", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as session:
        session.project.add_documents(_document(i) for i in range(N_DOCS))
        for doc_id, (one, two) in LABELLED.items():
            session.apply(SetStance(doc_id, "q1", one))
            session.apply(SetStance(doc_id, "q2", two))
    return folder


async def test_opening_a_document_reads_only_it_and_the_labelled_layers(
    corpus: Path, reads: list[str]
) -> None:
    session = Session.open(corpus, "tester")
    app = SaywhoApp(session, live_interval=None)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            assert reads == []  # the library: the index alone
            await pilot.press("end", "enter")  # open the last document
            await settle(pilot)
            feed = app.bridge.stance
            await feed.wait_idle()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen.doc_id == OPENED
            assert feed.model.fits >= 1
            assert set(reads) <= {*LABELLED, OPENED}, sorted(set(reads) - {*LABELLED, OPENED})
            current = feed.current
            assert current.labelled == 2 * len(LABELLED)
            assert {(OPENED, "q1"), (OPENED, "q2")} <= set(current.uncertainty)

            await pilot.press("1")  # a label on the opened document: learned from, nothing more
            await settle(pilot)
            await feed.wait_idle()
            assert feed.current.labelled == 2 * len(LABELLED) + 1
            assert set(reads) <= {*LABELLED, OPENED}
    finally:
        session.close()


def test_which_summaries_may_hold_labels() -> None:
    from annotations.layer_summary import LayerSummary, QuoteGroup
    from annotations.stance.suggester import may_hold_labels

    def summary(*groups: tuple[str, str]) -> LayerSummary:
        return LayerSummary(tuple(QuoteGroup(status, "direct", stance, 1, None, 1)
                                  for status, stance in groups))

    assert not may_hold_labels(summary())
    assert not may_hold_labels(summary(("suggested", ""), ("accepted", "")))
    assert not may_hold_labels(summary(("rejected", "support")))  # a rejected quote: no label
    assert may_hold_labels(summary(("suggested", "oppose")))
    assert may_hold_labels(summary(("rejected", "support"), ("accepted", "neutral")))
