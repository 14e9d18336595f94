"""Projects of the old layouts (0.1, and the one before issue 10) open in the new layout.

The fixtures under ``tests/fixtures/projects/`` were made by running the old code
(``tests/fixtures/make_project_fixtures.py``); next to each, ``<name>.expected.json`` holds
what that code read back: every layer of every document and every journal entry.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from annotations.store import Project, layout
from annotations.store.journal import Journal

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "projects"
KINDS = ["v0.1", "v0.2"]


def _copy(kind: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path / kind
    shutil.copytree(FIXTURES / kind, folder)
    expected = json.loads((FIXTURES / f"{kind}.expected.json").read_text())
    return folder, expected


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _layers(project: Project) -> dict[str, Any]:
    return {
        doc: {
            name: {
                "quotes": {
                    k: q.to_dict() for k, q in sorted(project.layer(doc, name).quotes.items())
                },
                "speakers": {
                    k: s.to_dict() for k, s in sorted(project.layer(doc, name).speakers.items())
                },
            }
            for name in project.layer_names(doc)
        }
        for doc in project.document_ids()
    }


def _check_migrated(folder: Path, expected: dict[str, Any], old: dict[str, bytes]) -> None:
    with Project.open(folder, "carol") as project:
        assert not project.read_only
        assert project.document_ids() == expected["documents"]
        assert _layers(project) == expected["layers"]
        assert project.settings == expected["settings"]
        assert project.scheme.to_dict() == expected["scheme"]
        merged = list(project.journal())
        assert sorted(e["id"] for e in merged) == sorted(e["id"] for e in expected["journal"])
        assert not project.damaged
    # every entry in its annotator's journal, in the old order
    for who in {e["annotator"] for e in expected["journal"]}:
        mine = [e for e in expected["journal"] if e["annotator"] == who]
        got = list(Journal(folder / "journal" / f"{who}.jsonl").entries())
        assert [e["id"] for e in got] == [e["id"] for e in mine]
    # the old files are gone from the project and kept, bytes for bytes, in one backup
    assert not (folder / "journal.jsonl").exists()
    assert not list((folder / "annotations").glob("*.json"))
    (backup,) = (folder / "backup").iterdir()
    assert backup.name.startswith("v1-")
    kept = _tree(backup)
    for name, data in old.items():
        if name.startswith("annotations/") or name.startswith(("journal.", "saywho.json")):
            assert kept[name] == data, name
    assert json.loads((folder / "saywho.json").read_bytes())["_meta"]["1"]["schema_version"] == 2


def _check_undo(folder: Path) -> None:
    """Each annotator's undo, from their own journal alone, reverts their last edit."""
    with Project.open(folder, "alice") as alice:
        receipt = alice.undo()
        assert receipt is not None and receipt.description == "undo rejected q1"
        assert alice.layer("council").quotes["q1"].status == "suggested"
        assert alice.layer("council").quotes["q1"].note == "check the spelling"
        assert alice.redo() is not None  # and the undone new quote stays undone
        assert alice.layer("council").quotes["q1"].status == "rejected"
        assert set(alice.layer("kenney").quotes) == {"q1"}
    with Project.open(folder, "bob") as bob:
        receipt = bob.undo()
        assert receipt is not None and receipt.description == "undo accepted q1"
        assert bob.layer("council").quotes["q1"].status == "suggested"
        assert bob.layer("kenney").quotes["q1"].stance == "support"
        assert bob.layer("kenney").quotes["q1"].note == ""


@pytest.mark.parametrize("kind", KINDS)
def test_an_old_project_is_migrated_with_a_backup_and_undo_intact(
    tmp_path: Path, kind: str
) -> None:
    folder, expected = _copy(kind, tmp_path)
    old = _tree(folder)
    _check_migrated(folder, expected, old)
    _check_undo(folder)


@pytest.mark.parametrize("kind", KINDS)
def test_a_read_only_open_of_an_old_project_migrates_in_memory_only(
    tmp_path: Path, kind: str
) -> None:
    folder, expected = _copy(kind, tmp_path)
    old = _tree(folder)
    with Project.open(folder, "alice", read_only=True) as project:
        assert project.document_ids() == expected["documents"]
        assert _layers(project) == expected["layers"]
        assert sorted(e["id"] for e in project.journal()) == sorted(
            e["id"] for e in expected["journal"]
        )
        assert project.can_undo
    assert _tree(folder) == old
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (FIXTURES / kind).iterdir()
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("where", ["copying", "splitting", "removing"])
def test_a_migration_killed_midway_finishes_when_run_again(
    tmp_path: Path, kind: str, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, expected = _copy(kind, tmp_path)
    old = _tree(folder)
    calls = {"n": 0}

    def killed(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    if where == "copying":
        real = shutil.copy2
        monkeypatch.setattr(layout.shutil, "copy2", killed)
    elif where == "splitting":
        real = layout._split_document  # noqa: SLF001
        monkeypatch.setattr(layout, "_split_document", killed)
    else:
        real = os.unlink
        monkeypatch.setattr(layout.os, "unlink", killed)
    with pytest.raises(KeyboardInterrupt):
        Project.open(folder, "carol")
    monkeypatch.undo()
    assert layout.needs_migration(folder)  # not committed: still the old version
    _check_migrated(folder, expected, old)
    _check_undo(folder)


def test_an_old_project_open_in_an_older_saywho_is_left_alone(tmp_path: Path) -> None:
    import fcntl

    folder, expected = _copy("v0.2", tmp_path)
    old = _tree(folder)
    fd = os.open(folder / ".saywho.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what an older saywho holds
        with Project.open(folder, "alice") as project:
            assert project.read_only and project.shared_read_only
            assert "older saywho" in (project.read_only_reason or "")
            assert _layers(project) == expected["layers"]
        assert _tree(folder) == old
    finally:
        os.close(fd)
    _check_migrated(folder, expected, old)


# ------------------------------------------------------------------ reading the version cheaply
def _project_file(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "saywho.json").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ('{"_meta":{"1":{"schema_version":3}},"documents":{}}', 3),
        ('{"_meta":{"1":{"schema_version":1}},"documents":{"1":{}}}', 1),
        ('{"documents":{},"_meta":{"1":{"schema_version":3}}}', None),  # not first: whole file
        ('{"_meta":{"1":{"schema_version":"3"}}}', None),  # a damaged record
        ('{"_meta":{"1":{"schema_ver', None),  # torn
        ('{"_meta":[]}', None),
    ],
)
def test_the_version_is_read_from_the_first_bytes_when_the_meta_table_leads(
    tmp_path: Path, text: str, version: int | None
) -> None:
    folder = _project_file(tmp_path / "p", text)
    assert layout._leading_meta_version(folder / "saywho.json") == version


def test_an_old_version_leading_the_file_still_reads_the_whole_file(tmp_path: Path) -> None:
    """The fast path only ever says "current"; anything older is judged on the whole file as
    before (here: an old version with documents to move is an old layout)."""
    old = '{"_meta":{"1":{"schema_version":1}},"documents":{"1":{"id":"a"}},"project":{}}'
    assert layout.needs_migration(_project_file(tmp_path / "old", old))
    current = json.dumps({"_meta": {"1": {"schema_version": layout.LAYOUT_VERSION}},
                          "documents": {"1": {"id": "a"}}}, separators=(",", ":"))
    assert not layout.needs_migration(_project_file(tmp_path / "new", current))


def test_document_rows_come_in_the_order_of_their_numbers() -> None:
    from annotations.store.documents import in_import_order

    table = {"10": "j", "2": "b", "1": "a", "100": "k"}
    assert in_import_order(table) == ["a", "b", "j", "k"]
    assert in_import_order({**table, "x": "odd", "²": "sup"}) == ["a", "b", "j", "k", "odd", "sup"]
    assert in_import_order({}) == []
