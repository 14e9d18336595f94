"""Where each annotator stopped in the reader (``annotations.store.positions`` through
``Session.remember_position`` / ``last_position``): one file per annotator, a place in a
document that is gone is no place, a read-only session writes nothing, a damaged file is
moved aside and never overwritten."""

from __future__ import annotations

from pathlib import Path

import orjson

from annotations.session import Session
from annotations.store.positions import (
    ReaderPosition,
    position_path,
    read_position,
    write_position,
)
from tests.conftest import fixed_detect, make_project


def open_as(folder: Path, annotator: str, **options: object) -> Session:
    return Session.open(folder, annotator, detect=fixed_detect, **options)


def test_two_annotators_each_keep_their_own_place(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=3, annotator="ana").close()
    with open_as(folder, "ana") as ana, open_as(folder, "ben") as ben:
        assert ana.last_position() is None and ben.last_position() is None
        assert ana.remember_position("d1", "q2")
        assert ben.remember_position("d2", "q1")
        assert ana.remember_position("d1", "q1")  # ana moves on: ben's place stays
    with open_as(folder, "ana") as ana, open_as(folder, "ben") as ben:
        place = ana.last_position()
        assert place is not None and (place.doc_id, place.quote_id) == ("d1", "q1")
        assert place.at  # when
        place = ben.last_position()
        assert place is not None and (place.doc_id, place.quote_id) == ("d2", "q1")
    names = sorted(p.name for p in (folder / "position").iterdir())
    assert names == ["ana.json", "ben.json"]
    data = orjson.loads((folder / "position" / "ben.json").read_bytes())
    assert data == {"schema": 1, "annotator": "ben", "doc": "d2", "quote": "q1",
                    "at": data["at"]}


def test_a_place_in_a_document_the_project_does_not_hold_is_no_place(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=1).close()
    with open_as(folder, "ann") as session:
        session.remember_position("d9", "q1")  # stored as asked ...
        stored = read_position(folder, "ann")
        assert stored is not None and (stored.doc_id, stored.quote_id) == ("d9", "q1")
        assert session.last_position() is None  # ... but no document d9: open as before
        session.remember_position("d0", None)  # a document without a current quote
        place = session.last_position()
        assert place is not None and (place.doc_id, place.quote_id) == ("d0", None)


def test_a_read_only_session_keeps_the_writers_place(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=2).close()
    with open_as(folder, "ann") as writer, open_as(folder, "ann") as second:
        assert second.read_only
        assert writer.remember_position("d1", "q2")
        assert not second.remember_position("d0", "q1")
        place = second.last_position()  # it reads the writer's place
        assert place is not None and (place.doc_id, place.quote_id) == ("d1", "q2")


def test_a_damaged_file_reads_as_no_place_and_is_moved_aside_not_overwritten(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=1).close()
    path = position_path(folder, "ann")
    path.parent.mkdir()
    path.write_bytes(b'{"schema": 1, "doc": ')
    with open_as(folder, "ann") as session:
        assert session.last_position() is None
        assert session.remember_position("d0", "q2")
        place = session.last_position()
        assert place is not None and place.quote_id == "q2"
    (aside,) = path.parent.glob("ann.json.damaged-*")
    assert aside.read_bytes() == b'{"schema": 1, "doc": '


def test_odd_annotator_names_get_their_own_safe_file(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    folder.mkdir()
    write_position(folder, "../x", ReaderPosition("d0", "q1"))
    write_position(folder, "x", ReaderPosition("d1", "q2"))
    assert read_position(folder, "../x") == ReaderPosition("d0", "q1")
    assert read_position(folder, "x") == ReaderPosition("d1", "q2")
    assert all(p.parent == folder / "position" for p in (folder / "position").iterdir())
    assert not (tmp_path / "x.json").exists()
