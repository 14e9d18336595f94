"""The project keeps its documents in import order across a reopen (the project file stores
its table keys sorted as strings: "1", "10", "11", "2"...)."""

from __future__ import annotations

from pathlib import Path

from annotations.model import SUGGESTIONS_LAYER, Document, Layer
from annotations.session import Session


def test_import_order_survives_a_reopen(tmp_path: Path) -> None:
    ids = [f"article-{n}" for n in (5, 3, 12, 1, 10, 2, 11, 4, 9, 6, 8, 7)]
    with Session.open(tmp_path / "p", "ana", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as s:
        s.import_documents([Document(d, d.title(), f"text of {d}") for d in ids])
        assert s.document_ids() == ids
    with Session.open(tmp_path / "p", "ana", read_only=True) as s:
        assert s.document_ids() == ids
    with Session.open(tmp_path / "p", "ben", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as s:
        s.import_documents([Document("article-13", "A13", "text 13")])
        assert s.document_ids() == [*ids, "article-13"]
    with Session.open(tmp_path / "p", "ana", read_only=True) as s:
        assert s.document_ids() == [*ids, "article-13"]
