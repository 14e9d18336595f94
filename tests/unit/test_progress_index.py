"""Team progress reads the corpus index (issue "Corpus scale"): which documents each annotator
has a layer of, their reviewed quotes and their last edit come from the index, checked against
the layer files; the only layers read whole are those of the documents two or more annotators
marked done (agreement). The figures are those of the layers read whole (computed here, from
every layer, as progress did before the index), for ``saywho progress --json`` too."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotations import team
from annotations.edits import AcceptQuote, RejectQuote, SetStance
from annotations.model import Document
from annotations.progress import team_progress
from annotations.session import Session
from annotations.store.layers import LayerStore
from tests.conftest import ARTICLE, fixed_detect
from tui.cli import main

N_DOCS = 12


def open_as(folder: Path, annotator: str, **kwargs: object) -> Session:
    return Session.open(folder, annotator, detect=fixed_detect, **kwargs)  # type: ignore[arg-type]


def from_layers(session: Session, name: str) -> tuple[int, str | None]:
    """(quotes reviewed, last edit in the layers) of ``name`` from every layer read whole."""
    reviewed, newest = 0, None
    for doc_id in session.document_ids():
        if name not in session.layer_names(doc_id):
            continue
        for q in session.layer(doc_id, name).quotes.values():
            if q.status != "suggested":
                reviewed += 1
            if (q.status != "suggested" or q.origin == name) and q.updated:
                when = datetime.fromisoformat(q.updated)
                when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
                newest = when if newest is None or when > newest else newest
    # progress's last edit is also the newest of the annotator's status marks and journal
    # entries: a mark or an entry stamped a second after the last quote is the last edit
    stamps = [s.at for s in team.statuses(session).explicit.get(name, {}).values()]
    stamps += [e.get("ts") for e in session.journal() if e.get("annotator") == name]
    for stamp in stamps:
        if isinstance(stamp, str) and stamp:
            when = datetime.fromisoformat(stamp)
            when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
            newest = when if newest is None or when > newest else newest
    return reviewed, newest.isoformat(timespec="seconds") if newest else None


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "p"
    with open_as(path, "ana") as ana:
        ana.import_documents(Document(f"d{i:02d}", f"Doc {i}", ARTICLE) for i in range(N_DOCS))
        team.assign(ana, ["ana", "ben"], per_document=1, seed=1)
        for i in range(0, 8):
            ana.apply(AcceptQuote(f"d{i:02d}", "q1"))
        ana.apply(RejectQuote("d03", "q2"))
        team.set_status(ana, "d00", team.DONE)
    with open_as(path, "ben") as ben:
        for i in range(4, N_DOCS):
            ben.apply(SetStance(f"d{i:02d}", "q2", "oppose"))
        ben.apply(AcceptQuote("d00", "q2"))
        team.set_status(ben, "d00", team.DONE)
    return path


def test_progress_reads_the_index_and_only_the_compared_layers(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_as(folder, "cy", read_only=True) as session:
        truth = {name: from_layers(session, name) for name in ("ana", "ben")}
    read: list[tuple[str, str]] = []
    listed: list[str] = []
    get, names = LayerStore.get, LayerStore.names

    def spy_get(self: LayerStore, doc_id: str, name: str):  # noqa: ANN202
        read.append((doc_id, name))
        return get(self, doc_id, name)

    def spy_names(self: LayerStore, doc_id: str) -> list[str]:
        listed.append(doc_id)
        return names(self, doc_id)

    monkeypatch.setattr(LayerStore, "get", spy_get)
    monkeypatch.setattr(LayerStore, "names", spy_names)
    with open_as(folder, "cy", read_only=True) as session:
        result = team_progress(session)
    assert {(r.annotator, r.quotes_reviewed, r.last_edit) for r in result.annotators} == {
        (name, *figures) for name, figures in truth.items()
    }
    assert result.compared_documents == ("d00",)
    assert {doc for doc, _ in read} <= {"d00"}  # agreement's layers only
    assert listed == []  # no document's folder listed

    read.clear()
    assert main(["progress", "--json", "--project", str(folder)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(result.to_dict()))
    assert {doc for doc, _ in read} <= {"d00"}


def test_a_layer_written_behind_the_index_is_counted(folder: Path) -> None:
    """Another tool (or a git pull) replaced a layer file: the index is checked first."""
    source = folder / "annotations" / "d03" / "ana.json"
    (folder / "annotations" / "d11" / "ana.json").write_bytes(source.read_bytes())
    with open_as(folder, "cy", read_only=True) as session:
        truth = from_layers(session, "ana")
        assert team_progress(session).row("ana").quotes_reviewed == truth[0] == 11
