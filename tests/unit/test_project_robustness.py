"""Adversarial reproductions against the project store: a lost lock file, hostile or damaged
``saywho.json``, orphaned texts, interrupted label renames, creation races, read-only file
systems, killed and disk-full exports. Each test failed before its fix."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest

from annotations import scheme as scheme_rules
from annotations.edits import AcceptQuote, DeleteQuote, NewQuote, SetNote, SetStance
from annotations.errors import ReadOnlyError, SaywhoError
from annotations.formats.exporters import export
from annotations.model import SUGGESTIONS_LAYER, Document, Layer, StanceLabel, StanceScheme
from annotations.store import Project
from annotations.store.documents import DocumentList
from annotations.store.lock import lock_path
from tests.conftest import ARTICLE, REPO, make_project, with_suggestions
from tui.cli import main as cli

# ----------------------------------------------------------------------- 1. a lost lock file


def test_a_writer_whose_lock_file_was_deleted_takes_it_back(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as first:
        lock_path(folder, "ann").unlink()
        first.apply(AcceptQuote("d0", quote_id="q1"))
        assert lock_path(folder, "ann").read_text().split()[0] == str(os.getpid())
        with Project.open(folder, "ann") as second:
            assert second.read_only and "another saywho" in (second.read_only_reason or "")


def test_a_second_writer_let_in_by_a_deleted_lock_file_stops_the_first(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    first = make_project(folder)
    try:
        first.apply(AcceptQuote("d0", quote_id="q1"))
        lock_path(folder, "ann").unlink()  # "stale": it names a pid
        with Project.open(folder, "ann") as second:
            assert not second.read_only
            second.apply(SetStance("d0", quote_id="q2", stance="oppose"))
            with pytest.raises(ReadOnlyError, match="lock file"):
                first.apply(SetNote("d0", quote_id="q2", note="from the first"))
            assert first.read_only and "lock file" in (first.read_only_reason or "")
    finally:
        first.close()
    with Project.open(folder, "ann", read_only=True) as project:
        layer = project.layer("d0")
        assert layer.quotes["q1"].status == "accepted"
        assert layer.quotes["q2"].stance == "oppose" and not layer.quotes["q2"].note


def test_a_writer_that_lost_its_lock_writes_nothing_when_it_closes(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    first = make_project(folder)
    first.apply(AcceptQuote("d0", quote_id="q1"))
    lock_path(folder, "ann").unlink()
    with Project.open(folder, "ann") as second:
        second.apply(SetStance("d0", quote_id="q2", stance="oppose"))
        with pytest.raises(ReadOnlyError):
            first.apply(SetNote("d0", quote_id="q2", note="from the first"))
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    first.close()
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_a_layer_file_changed_under_a_writer_is_read_again_not_overwritten(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "proj"
    first = make_project(folder)
    try:
        first.apply(AcceptQuote("d0", quote_id="q1"))  # its cache now holds d0
        lock_path(folder, "ann").unlink()
        with Project.open(folder, "ann") as second:
            second.apply(SetStance("d0", quote_id="q2", stance="oppose"))
            second.apply(AcceptQuote("d0", quote_id="q1", layer="bob"))
        # the second is gone: the first takes its lock back; its copy of d0 is stale, so it
        # reads the file again and builds its next edit on what the second saved
        assert first.layer("d0").quotes["q2"].stance == "oppose"  # read again
        first.apply(SetNote("d0", quote_id="q1", note="fresh"))
    finally:
        first.close()
    with Project.open(folder, "ann", read_only=True) as project:
        layer = project.layer("d0")
        assert layer.quotes["q2"].stance == "oppose"
        assert layer.quotes["q1"].note == "fresh"
        assert project.layer("d0", "bob").quotes["q1"].status == "accepted"


def test_another_layer_changed_under_a_writer_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    first = make_project(folder)
    try:
        first.apply(AcceptQuote("d0", quote_id="q1"))
        lock_path(folder, "ann").unlink()
        with Project.open(folder, "bob") as second:
            second.apply(AcceptQuote("d0", quote_id="q2"))
        first.apply(SetNote("d0", quote_id="q1", note="mine"))  # its own layer did not change
    finally:
        first.close()
    with Project.open(folder, "ann", read_only=True) as project:
        assert project.layer("d0", "bob").quotes["q2"].status == "accepted"
        assert project.layer("d0", "ann").quotes["q1"].note == "mine"


def test_after_a_failed_write_a_teammates_change_is_seen_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layer write that failed once (a full disk) left the store holding no copy of the
    file but trusting its old one: it never noticed a teammate's later change of that layer,
    and its next edits wrote the old copy back (a deleted quote came back, a note was lost)."""
    import annotations.store.atomic as atomic

    folder = tmp_path / "proj"
    first = make_project(folder)
    try:
        first.apply(SetNote("d0", quote_id="q1", note="one", layer="shared"))
        real = atomic.atomic_write_bytes

        def disk_full(path: Path, data: bytes, **kw: object) -> object:
            if path.name.startswith("shared"):
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(path, data, **kw)

        monkeypatch.setattr(atomic, "atomic_write_bytes", disk_full)
        with pytest.raises((SaywhoError, OSError)):
            first.apply(SetNote("d0", quote_id="q1", note="two", layer="shared"))
        monkeypatch.setattr(atomic, "atomic_write_bytes", real)
        with Project.open(folder, "bob") as teammate:
            teammate.apply(SetNote("d0", quote_id="q2", note="bob's", layer="shared"))
            teammate.apply(DeleteQuote("d0", quote_id="q1", layer="shared"))
        assert "q1" not in first.layer("d0", "shared").quotes  # the teammate's change shows
        first.apply(SetNote("d0", quote_id="q2", note="mine", layer="shared"))
    finally:
        first.close()
    with Project.open(folder, "check", read_only=True) as project:
        layer = project.layer("d0", "shared")
    assert "q1" not in layer.quotes and layer.quotes["q2"].note == "mine"


# ----------------------------------------------------------------------- 2. hostile rows


@pytest.mark.parametrize(
    "file", ["../../outside/victim", "/tmp/victim", "sub/victim", "..", ".hidden", "a\\b", ""]
)
def test_a_document_row_naming_a_file_outside_the_project_is_never_followed(
    tmp_path: Path, file: str
) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text(ARTICLE)
    data = orjson.loads((folder / "saywho.json").read_bytes())
    row = dict(data["documents"]["1"], id="v", file=file)
    data["documents"]["2"] = row
    (folder / "saywho.json").write_bytes(orjson.dumps(data))
    with Project.open(folder, "ann") as project:
        with contextlib.suppress(SaywhoError):
            project.apply(NewQuote("v", start=0, end=5))
        project.apply(AcceptQuote("d0", quote_id="q1"))
        assert sorted(p.name for p in outside.iterdir()) == ["victim.txt"]
        assert any("'v'" in m and "file name" in m for m in project.damaged), project.damaged
    with Project.open(folder, "ann") as project:
        assert project.layer("d0").quotes["q1"].status == "accepted"


@pytest.mark.parametrize("backup", [True, False])
def test_a_bad_row_whose_text_is_on_disk_is_repaired(tmp_path: Path, backup: bool) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        project.apply(AcceptQuote("d0", quote_id="q1"))
    if not backup:
        (folder / "saywho.json.bak").unlink()
    data = orjson.loads((folder / "saywho.json").read_bytes())
    data["documents"]["1"]["file"] = "../../etc/passwd"
    data["documents"]["1"]["title"] = "Kept title"
    (folder / "saywho.json").write_bytes(orjson.dumps(data))
    with Project.open(folder, "ann") as project:
        assert project.document_ids() == ["d0"]
        assert project.info("d0").file == "d0"
        assert project.info("d0").title == ("Doc 0" if backup else "Kept title")
        assert project.layer("d0").quotes["q1"].status == "accepted"
        [message] = project.damaged
        assert "'d0'" in message and "unsafe file name" in message
        assert ("from saywho.json.bak" if backup else "repaired 'd0'") in message


# ----------------------------------------------------------------------- 3. orphans


def _interrupted_import(folder: Path, monkeypatch: pytest.MonkeyPatch, ids: list[str]) -> None:
    """Texts and annotation files written, the document list never (a kill, a full disk)."""
    with monkeypatch.context() as patch:

        def disk_full(self: DocumentList, infos: object) -> None:
            if infos:
                raise OSError(errno.ENOSPC, "No space left on device")

        patch.setattr(DocumentList, "flush", disk_full)
        with Project.open(folder, "ann") as project, pytest.raises(OSError):
            project.add_documents(with_suggestions(Document(i, f"Title {i}", ARTICLE) for i in ids))


def test_orphans_of_an_interrupted_import_are_adopted_at_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    _interrupted_import(folder, monkeypatch, ["o1", "o2"])
    with Project.open(folder, "ann", read_only=True) as project:
        assert project.document_ids() == ["d0"]  # read-only: nothing adopted, nothing written
    with Project.open(folder, "ann") as project:
        # texts written a moment ago may be another process's import under way: it lists them
        # itself (three imports at once each warned of an interrupted import)
        assert project.document_ids() == ["d0"] and not project.damaged
    for text in (folder / "texts").glob("o*.txt"):
        os.utime(text, (time.time() - 120, time.time() - 120))
    with Project.open(folder, "ann") as project:
        assert project.document_ids() == ["d0", "o1", "o2"]
        assert project.info("o1").title == "Title o1"
        assert set(project.layer("o2").quotes) == {"q1", "q2"}
        assert any("o1" in m and "adopted" in m for m in project.damaged), project.damaged
        again = project.add_documents(with_suggestions([Document("o1", "Title o1", ARTICLE)]))
        assert again.unchanged == ["o1"]
    assert sorted(p.name for p in (folder / "texts").iterdir()) == ["d0.txt", "o1.txt", "o2.txt"]


def test_import_reuses_an_orphan_text_of_the_same_document(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    (folder / "texts" / "o1.txt").write_text(ARTICLE)  # killed before its annotations file
    with Project.open(folder, "ann") as project:
        report = project.add_documents(with_suggestions([Document("o1", "T", ARTICLE)]))
        assert report.added == ["o1"]
        assert project.info("o1").file == "o1"
        assert set(project.layer("o1").quotes) == {"q1", "q2"}
    assert sorted(p.name for p in (folder / "texts").iterdir()) == ["d0.txt", "o1.txt"]
    assert sorted(p.name for p in (folder / "annotations").iterdir()) == ["d0", "o1"]
    assert [p.name for p in (folder / "annotations" / "o1").iterdir()] == ["suggestions.json"]


def test_a_rebuilt_list_maps_an_id_to_its_annotated_file_not_an_orphan(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        project.apply(AcceptQuote("d0", quote_id="q1"))
    # d0 was imported as d0-2 because an interrupted import had left an orphan d0 behind
    texts, annotations = folder / "texts", folder / "annotations"
    (texts / "d0.txt").rename(texts / "d0-2.txt")
    (annotations / "d0").rename(annotations / "d0-2")
    (texts / "d0.txt").write_bytes((texts / "d0-2.txt").read_bytes())
    (annotations / "d0").mkdir()  # the orphan has the suggestions only
    data = orjson.loads((annotations / "d0-2" / f"{SUGGESTIONS_LAYER}.json").read_bytes())
    (annotations / "d0" / f"{SUGGESTIONS_LAYER}.json").write_bytes(orjson.dumps(data))
    for backup in folder.glob("saywho.json*"):
        backup.unlink()
    (folder / "saywho.json").write_bytes(b"{not json")
    with Project.open(folder, "ann") as project:
        assert project.document_ids() == ["d0"]
        assert project.layer("d0").quotes["q1"].status == "accepted"


# ----------------------------------------------------------------------- 4. damaged project file


def _customised(folder: Path) -> None:
    with make_project(folder, n_docs=2) as project:
        project.set_scheme(
            StanceScheme("rent control", (StanceLabel("pro", "p"), StanceLabel("con", "c")))
        )
        project.set_setting("colour", "stance")
        project.add_documents(with_suggestions([Document("x/y", "A hostile title", ARTICLE)]))
        project.apply(SetStance("x/y", quote_id="q1", stance="pro"))


def _assert_recovered(project: Project) -> None:
    assert project.scheme.target == "rent control"
    assert project.scheme.names == ("pro", "con")
    assert project.settings == {"colour": "stance"}
    assert project.document_ids() == ["d0", "d1", "x/y"]
    assert project.info("x/y").title == "A hostile title"
    assert project.info("d1").title == "Doc 1"
    assert project.layer("x/y").quotes["q1"].stance == "pro"


def test_garbage_in_the_project_file_keeps_scheme_settings_and_titles(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    _customised(folder)
    (folder / "saywho.json").write_bytes(b"\x00\x00garbage")
    with Project.open(folder, "ann", read_only=True) as project:
        _assert_recovered(project)
    assert (folder / "saywho.json").read_bytes() == b"\x00\x00garbage"
    with Project.open(folder, "ann") as project:
        _assert_recovered(project)
        messages = [m for m in project.damaged if "saywho.json" in m]
        assert len(messages) == 1 and "recovered" in messages[0], project.damaged
        assert "moved aside" in messages[0]
    with Project.open(folder, "ann") as project:
        _assert_recovered(project)
        assert not project.damaged


def _set(data: dict, path: str, value: object) -> None:
    *head, last = path.split(".")
    for key in head:
        data = data[key]
    data[last] = value


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("documents", []),
        ("documents", {"1": {"title": "no id, no file"}}),
        ("documents", {"1": "a string row"}),
        ("documents", {"x": {"id": "d0"}}),
        ("_meta", {"1": {"schema_version": "x"}}),
        ("_meta", []),
        ("layers", []),
        ("project", {"1": {"scheme": "x", "settings": []}}),
        ("project", {"1": {"scheme": {"labels": [1, 2]}, "settings": {}}}),
        ("project", "nope"),
    ],
)
def test_a_project_file_of_the_wrong_shape_is_recovered_and_exports(
    tmp_path: Path, where: str, value: object
) -> None:
    folder = tmp_path / "proj"
    _customised(folder)
    data = orjson.loads((folder / "saywho.json").read_bytes())
    _set(data, where, value)
    (folder / "saywho.json").write_bytes(orjson.dumps(data))
    out = tmp_path / "out.jsonl"
    assert cli(["export", "--format", "jsonl", "--out", str(out), "--project", str(folder),
                "--annotator", "ann"]) == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        "d0",
        "d1",
        "x/y",
    ]
    with Project.open(folder, "ann") as project:
        _assert_recovered(project)
        assert any("saywho.json" in m for m in project.damaged)
    assert cli(["export", "--format", "csv", "--out", str(tmp_path / "o.csv"),
                "--project", str(folder), "--annotator", "ann"]) == 0


@pytest.mark.parametrize(
    "damage",
    [
        {"layers": []},
        {"_meta": {"1": {"schema_version": "x"}}},
        {"layers": {"1": []}},
        {"layers": {"1": {"layer": "suggestions", "quotes": [1]}}},
        {"layers": {"1": {"layer": "suggestions", "quotes": {"q1": {"id": "q1"}}}}},
    ],
)
def test_an_annotations_file_of_the_wrong_shape_is_damage_not_a_traceback(
    tmp_path: Path, damage: dict
) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=2).close()
    path = folder / "annotations" / "d1" / "suggestions.json"
    data = orjson.loads(path.read_bytes())
    data.update(damage)
    path.write_bytes(orjson.dumps(data))
    out = tmp_path / "out.jsonl"
    assert cli(["export", "--format", "jsonl", "--out", str(out), "--project", str(folder)]) == 1
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["d0"]
    with Project.open(folder, "ann") as project:
        assert project.verify() and project.needs_suggestions == {"d1"}
        project.apply(AcceptQuote("d0", quote_id="q1"))


@pytest.mark.parametrize("content", [None, b"{}", b'{"_meta": {"1": {"schema_version": 1}}}'])
def test_a_missing_or_emptied_project_file_comes_back_from_its_backup(
    tmp_path: Path, content: bytes | None
) -> None:
    folder = tmp_path / "proj"
    _customised(folder)
    if content is None:
        (folder / "saywho.json").unlink()
    else:
        (folder / "saywho.json").write_bytes(content)
    with Project.open(folder, "ann") as project:
        _assert_recovered(project)
        assert [m for m in project.damaged if "saywho.json" in m]


def test_a_damaged_project_file_without_a_backup_says_what_was_lost(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    _customised(folder)
    for backup in folder.glob("saywho.json.bak*"):
        backup.unlink()
    (folder / "saywho.json").write_bytes(b"[]")
    with Project.open(folder, "ann") as project:
        assert sorted(project.document_ids()) == ["d0", "d1", "x/y"]
        message = next(m for m in project.damaged if "saywho.json" in m)
        assert "no backup" in message and "default" in message


# ----------------------------------------------------------------------- 5. smaller ones


def test_a_label_rename_killed_midway_finishes_when_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "proj"
    with make_project(folder, n_docs=3) as project:
        for doc in ("d0", "d1", "d2"):
            project.apply(SetStance(doc, quote_id="q1", stance="oppose"))
        real_put = Project.put_layer
        calls = []

        def killed(self: Project, doc_id: str, layer: Layer) -> bool:
            calls.append(doc_id)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real_put(self, doc_id, layer)

        with monkeypatch.context() as patch:
            patch.setattr(Project, "put_layer", killed)
            with pytest.raises(KeyboardInterrupt):
                scheme_rules.rename_label(project, "oppose", "against")
        assert {"oppose", "against"} <= set(project.scheme.names)
    with Project.open(folder, "ann") as project:
        moved = scheme_rules.rename_label(project, "oppose", "against")
        assert moved == 2
        assert project.scheme.names == ("support", "against", "neutral", "unclear")
        assert project.scheme.by_key("2") == "against"
        assert scheme_rules.label_usage(project) == {"against": 3}
        assert "pending_label_rename" not in project.settings
        with pytest.raises(Exception, match="no label"):
            scheme_rules.rename_label(project, "oppose", "against")


def test_a_rename_onto_an_existing_label_is_still_refused(tmp_path: Path) -> None:
    with (
        make_project(tmp_path / "proj") as project,
        pytest.raises(Exception, match="already a label"),
    ):
        scheme_rules.rename_label(project, "oppose", "support")


def test_creating_a_project_that_another_process_just_created_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "new"
    real_mkdir = Path.mkdir

    def racing_mkdir(self: Path, *args: object, **kwargs: object) -> None:
        if self == folder and not self.exists():
            real_mkdir(self)  # another saywho got there between the check and the mkdir
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", racing_mkdir)
    with Project.open(folder, "ann") as project:
        assert not project.read_only
        assert project.scheme == StanceScheme()


def test_concurrent_creations_of_one_project_all_open(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from annotations.store import Project
        with Project.open(sys.argv[1], "ann") as project:
            project.document_ids()
            print(project.scheme.target)
        """
    )
    for round_ in range(6):
        folder = tmp_path / f"p{round_}" / "proj"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", script, str(folder)],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            assert out.strip() == StanceScheme().target
        raw = orjson.loads((folder / "saywho.json").read_bytes())
        assert raw["project"]["1"]["scheme"]["target"] == StanceScheme().target


@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.EROFS, "Read-only file system"),
        PermissionError(errno.EACCES, "Permission denied"),
    ],
)
def test_a_lock_that_cannot_be_written_opens_read_only_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: OSError
) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as project:
        project.apply(AcceptQuote("d0", quote_id="q1"))
    real_open = os.open

    def refusing_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        locked = Path(os.fsdecode(path)) == lock_path(folder, "ann")  # type: ignore[arg-type]
        if locked and flags & (os.O_RDWR | os.O_WRONLY):
            raise failure
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    with Project.open(folder, "ann") as project:
        assert project.read_only
        assert failure.strerror in (project.read_only_reason or "")
        assert project.layer("d0").quotes["q1"].status == "accepted"
        with pytest.raises(ReadOnlyError):
            project.apply(AcceptQuote("d0", quote_id="q2"))


def test_a_killed_export_leaves_no_temp_file_after_the_next_export(tmp_path: Path) -> None:
    out = tmp_path / "exports" / "quotes.jsonl"
    out.parent.mkdir()
    (out.parent / "notes.tmp").write_text("someone else's")
    killed = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        from annotations.formats.export_common import atomic_output
        with atomic_output(Path(sys.argv[1]), "w") as fh:
            fh.write("half")
            fh.flush()
            os._exit(9)
        """
    )
    for target in (out, out.parent / "other.csv"):
        proc = subprocess.run([sys.executable, "-c", killed, str(target)], cwd=REPO, check=False)
        assert proc.returncode == 9
    assert len(list(out.parent.glob(".*.tmp"))) == 2
    report = export("jsonl", [(Document("d", "t", ARTICLE), Layer("ann"))], out)
    assert report.docs == 1
    assert sorted(p.name for p in out.parent.iterdir()) == ["notes.tmp", "quotes.jsonl"]


def test_a_failed_export_leaves_no_temp_file(tmp_path: Path) -> None:
    def broken() -> object:
        yield Document("d", "t", ARTICLE), Layer("ann")
        raise OSError(errno.ENOSPC, "No space left on device")

    for fmt, out in (("jsonl", tmp_path / "a.jsonl"), ("brat", tmp_path / "brat")):
        with pytest.raises(OSError):
            export(fmt, broken(), out)  # type: ignore[arg-type]
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers and not (tmp_path / "a.jsonl").exists()


def test_a_full_disk_leaves_no_zero_byte_brat_files(tmp_path: Path) -> None:
    out = tmp_path / "brat"
    script = textwrap.dedent(
        """
        import resource, signal, sys
        from pathlib import Path
        from annotations.formats.exporters import export
        from annotations.model import Document, Layer
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        small = Document("small", "t", "Short text.")
        big = Document("big", "t", "word " * 20000)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            export("brat", [(small, Layer("a")), (big, Layer("a"))], Path(sys.argv[1]))
        except OSError as exc:
            print("failed", exc.errno)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(out)], cwd=REPO, capture_output=True, text=True
    )
    assert "failed" in proc.stdout, proc.stderr
    files = {p.name: p.stat().st_size for p in out.iterdir()}
    assert files.get("small.txt") == len("Short text.") and "small.ann" in files
    assert "big.txt" not in files and "big.ann" not in files
    assert all(size > 0 for name, size in files.items() if name != "small.ann"), files
    assert not [name for name in files if name.endswith(".tmp")]


@pytest.mark.parametrize("bad", [b'{"documents": [1, 2, 3]}', b"{not json"])
def test_a_project_file_spoilt_by_another_process_is_moved_aside_before_a_write(
    tmp_path: Path, bad: bytes
) -> None:
    """Another process wrote a wrong-shaped (or unparsable) saywho.json while a session was
    open; the session's next change wrote over it and over its backup, in silence. Now the
    spoilt file is moved aside, its bytes kept, said once, and the session's copy goes back."""
    import orjson

    from annotations.session import Session

    folder = tmp_path / "p"
    with Session.open(folder, "ana", create=True) as session:
        session.import_documents([Document("d1", "One", "Bob said hi.")])
        (folder / "saywho.json").write_bytes(bad)
        session.set_setting("colour_by", "stance")
        assert any("saywho.json was changed by another process" in m for m in session.damaged)
    asides = list(folder.glob("saywho.json.damaged-*"))
    assert len(asides) == 1 and asides[0].read_bytes() == bad
    for name in ("saywho.json", "saywho.json.bak"):
        data = orjson.loads((folder / name).read_bytes())
        assert isinstance(data["documents"], dict) and data["documents"]
    with Session.open(folder, "ana") as again:
        assert again.document_ids() == ["d1"] and not again.damaged


def test_a_project_whose_project_file_is_lost_opens_from_its_backup_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """saywho.json gone, saywho.json.bak there: stats (read-only) reads the project from the
    backup with a warning, as import does; it said "is not a saywho project"."""
    from tui.cli import main

    folder = tmp_path / "p"
    src = tmp_path / "a.txt"
    src.write_text('Ann said "one two three four".', encoding="utf-8")
    assert main(["import", str(src), "--project", str(folder)]) == 0
    (folder / "saywho.json").unlink()
    capsys.readouterr()
    assert main(["stats", "--json", "--project", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "recovered" in captured.err and json.loads(captured.out)["documents"] == 1
