"""Shared fixtures: small projects built from known text, never from detector output."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from annotations.model import Document, Layer, Mention, Quote, Speaker
from annotations.session import Session
from annotations.store import Project

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SEED = REPO / "seeds" / "ice-sanctuary-cities.txt"
PROPERTY_EXAMPLES = int(os.environ.get("SAYWHO_PROPERTY_EXAMPLES", "75"))
"""Examples per property test (hypothesis): a fast default for ``make test``; set
``SAYWHO_PROPERTY_EXAMPLES`` higher for a longer search."""

ARTICLE = (
    'Mayor Jane Roe said the plan "will not work for anyone here." She added that the '
    'council would vote again.\n\n"We are ready," said Tom Poe, the head of the union.'
)


def sample_layer(text: str = ARTICLE) -> Layer:
    """Two quotes and two speakers over ``ARTICLE``, built by hand."""
    q1s = text.index("will not")
    q1e = text.index('."')
    q2s = text.index("We are")
    q2e = q2s + len("We are ready,")
    jane = text.index("Jane Roe")
    tom = text.index("Tom Poe")
    speakers = {
        "s1": Speaker(
            "s1", "Jane Roe", "person", ("Mayor Jane Roe",), (Mention(jane, jane + 8, "Jane Roe"),)
        ),
        "s2": Speaker("s2", "Tom Poe", "person", (), (Mention(tom, tom + 7, "Tom Poe"),)),
    }
    quotes = {
        "q1": Quote(
            "q1",
            q1s,
            q1e,
            text[q1s:q1e],
            "direct",
            speaker_id="s1",
            speaker_mention=Mention(jane, jane + 8, "Jane Roe"),
            confidence={"span": 0.9, "speaker": 0.8},
            origin="test@1",
        ),
        "q2": Quote(
            "q2",
            q2s,
            q2e,
            text[q2s:q2e],
            "direct",
            speaker_id="s2",
            speaker_mention=Mention(tom, tom + 7, "Tom Poe"),
            confidence={"span": 0.6, "speaker": 0.7},
            origin="test@1",
        ),
    }
    return Layer("suggestions", quotes, speakers).check(text)


def fixed_detect(text: str) -> Layer:
    """A stand-in detector: the hand-built layer for ``ARTICLE``, nothing for other texts."""
    return sample_layer(text) if text == ARTICLE else Layer("suggestions")


def with_suggestions(documents: Iterable[Document]) -> list[tuple[Document, Layer]]:
    """Each document paired with ``fixed_detect``'s layer, as ``Project.add_documents`` takes."""
    return [(doc, fixed_detect(doc.text)) for doc in documents]


def make_project(folder: Path, n_docs: int = 1, annotator: str = "ann") -> Project:
    """A project with ``n_docs`` copies of ``ARTICLE`` (ids d0, d1, ...) and their suggestions.

    Imported through a ``Session`` (it detects, the store stores); the open ``Project`` is
    returned.
    """
    session = Session.open(folder, annotator, detect=fixed_detect)
    session.import_documents(Document(f"d{i}", f"Doc {i}", ARTICLE) for i in range(n_docs))
    return session.project


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A one-document project opened for annotator 'ann'."""
    proj = make_project(tmp_path / "proj")
    yield proj
    proj.close()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every document whose layer the store reads (``get`` and the index's ``read_once``), in
    order: for tests that what reads the corpus index reads no layer it does not need."""
    from annotations.store.layers import LayerStore

    seen: list[str] = []
    get, read_once = LayerStore.get, LayerStore.read_once

    def spy_get(self: LayerStore, doc_id: str, name: str) -> Layer:
        seen.append(doc_id)
        return get(self, doc_id, name)

    def spy_read_once(self: LayerStore, doc_id: str, name: str):  # noqa: ANN202
        seen.append(doc_id)
        return read_once(self, doc_id, name)

    monkeypatch.setattr(LayerStore, "get", spy_get)
    monkeypatch.setattr(LayerStore, "read_once", spy_read_once)
    yield seen


def two_quote_document(
    i: int, *, verb: str = "comply", reply: str = "No", confidence: float = 0.5
) -> tuple[Document, Layer]:
    """Document ``doc-<i>`` of a bulk-built corpus and its suggestions: Ann Lee's quote (span
    ``confidence``) and Bo Diaz's short ``reply`` (0.9), so a corpus of thousands of them is
    built in seconds through ``Project.add_documents``."""
    from annotations.model import SUGGESTIONS_LAYER

    text = f'Mayor Ann Lee said "we will {verb}, day {i}" on Monday. "{reply}," said Bo Diaz.'
    first, end = text.index("we will"), text.index('" on')
    second = text.index(f"{reply},")
    quotes = {
        "q1": Quote("q1", first, end, text[first:end], "direct", speaker_id="s1",
                    confidence={"span": confidence}),
        "q2": Quote("q2", second, second + len(reply), reply, "direct", speaker_id="s2",
                    confidence={"span": 0.9}),
    }
    speakers = {"s1": Speaker("s1", "Ann Lee"), "s2": Speaker("s2", "Bo Diaz")}
    return (Document(f"doc-{i:03d}", f"Article {i:03d}", text),
            Layer(SUGGESTIONS_LAYER, quotes, speakers))
