"""``saywho merge`` keeps the corpus index current as the store's own layer writes do: every
layer file it writes gets its index entry under the same lock, so after a merge the index
already agrees with the layers. The independent check is the index's own verification
(``Session.verify_summaries``: a ``stat`` of every layer file against its entry, rebuilding
what differs), which must find nothing to rebuild, and the summaries computed from the layers
read whole."""

from __future__ import annotations

import shutil
from pathlib import Path

from annotations import team
from annotations.corpus_index import DocSummary
from annotations.edits import AcceptQuote, RejectQuote, SetStance
from annotations.layer_summary import summarize
from annotations.merge import merge
from annotations.model import Document
from annotations.session import Session
from tests.conftest import ARTICLE, fixed_detect


def open_as(folder: Path, annotator: str, **kwargs: object) -> Session:
    return Session.open(folder, annotator, detect=fixed_detect, **kwargs)  # type: ignore[arg-type]


def from_layers(session: Session, layer: str) -> list[DocSummary]:
    """Every document's summary of ``layer`` from the layer read whole (the truth)."""
    return [
        DocSummary(info.id, info.title or info.id, layer, summarize(session.layer(info.id, layer)),
                   team.document_status(session, info.id).status,
                   session.annotator in session.layer_names(info.id))
        for info in session.documents()
    ]


def test_after_a_merge_the_index_agrees_with_the_layers(tmp_path: Path) -> None:
    base, one, two = tmp_path / "base", tmp_path / "one", tmp_path / "two"
    with open_as(base, "ana") as session:
        session.import_documents(Document(f"d{i}", f"Doc {i}", ARTICLE) for i in range(3))
    shutil.copytree(base, one)
    shutil.copytree(base, two)
    for folder in (one, two):  # both copies have read their index: entries exist for d0..d2
        with open_as(folder, "ana") as session:
            session.summaries()
    with open_as(two, "ana") as ana:
        ana.apply(AcceptQuote("d0", "q1"))
        ana.apply(SetStance("d0", "q1", "support"))
        ana.apply(RejectQuote("d1", "q2"))
    with open_as(two, "ben") as ben:  # a layer that arrives
        ben.apply(SetStance("d2", "q2", "oppose"))
    with open_as(one, "ana") as ana:  # ana's d0 changed on both sides: refused, ours kept
        ana.apply(AcceptQuote("d0", "q2"))
    with open_as(one, "ana") as session:
        report = merge(session, two)
    merged = {(m.doc, m.layer) for m in report.merged
              if m.kind == "layer" and m.action in ("arrived", "fast-forward")}
    assert merged == {("d1", "ana"), ("d2", "ben")}, report.merged

    with open_as(one, "ana", read_only=True) as check:
        assert check.layer("d1", "ana").quotes["q2"].status == "rejected"
        assert check.layer("d2", "ben").quotes["q2"].stance == "oppose"
        for layer in ("ana", "ben"):
            assert check.summaries(layer=layer, verify=False) == from_layers(check, layer)
            assert check.verify_summaries(layer=layer) == []  # nothing stale to rebuild
