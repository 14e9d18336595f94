"""A team on one corpus: several annotators (and ``saywho import``) on one project at once.

Locks are per annotator: different annotators both write; a second process of the same
annotator is read-only for that annotator's layers and journal but may still change the
shared files (imports, settings). Shared files are read-modify-written under a short lock
with a re-read, so no change of one process is lost to another's.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from annotations import scheme as scheme_rules
from annotations.edits import AcceptQuote, SetNote, SetStance
from annotations.errors import ReadOnlyError
from annotations.model import Document, Layer
from annotations.session import Session
from annotations.store import Project
from annotations.store.lock import lock_path
from tests.conftest import ARTICLE, fixed_detect, make_project, with_suggestions

N = 50


def test_two_annotators_write_at_once_each_to_their_own_files(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder, n_docs=2, annotator="ana") as ana, Project.open(folder, "ben") as ben:
        assert not ana.read_only and not ben.read_only
        ana.apply(AcceptQuote("d0", quote_id="q1"))
        ben.apply(SetStance("d0", quote_id="q1", stance="oppose"))
        ana.apply(SetNote("d1", quote_id="q2", note="ana's"))
        assert ben.layer("d0", "ana").quotes["q1"].status == "accepted"  # read again
        assert ana.layer("d0", "ben").quotes["q1"].stance == "oppose"
        assert ben.undo() is not None  # ben's own journal only
        assert ana.layer("d0", "ben").quotes["q1"].stance is None
        assert ana.layer("d0").quotes["q1"].status == "accepted"
        # each journal holds its annotator's entries; the merged history holds both
        assert {e["annotator"] for e in ana.journal()} == {"ana", "ben"}
    assert sorted(p.name for p in (folder / "annotations" / "d0").iterdir()) == [
        "ana.json",
        "ben.json",
        "suggestions.json",
    ]
    journals = sorted(p.name for p in (folder / "journal").glob("*.jsonl"))
    assert journals == ["ana.jsonl", "ben.jsonl"]
    for who in ("ana", "ben"):
        lines = (folder / "journal" / f"{who}.jsonl").read_text().splitlines()
        assert lines and all(f'"annotator":"{who}"' in line for line in lines)


def test_a_second_process_of_the_same_annotator_is_read_only_and_says_who(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as first, Project.open(folder, "ann") as second:
        assert second.read_only and not second.shared_read_only
        reason = second.read_only_reason or ""
        assert "'ann'" in reason and f"pid {os.getpid()}" in reason
        with pytest.raises(ReadOnlyError):
            second.apply(AcceptQuote("d0", quote_id="q1"))
        assert lock_path(folder, "ann").read_text().split()[0] == str(os.getpid())
        first.apply(AcceptQuote("d0", quote_id="q1"))
        # a reader sees the holder's edit (the file changed on disk: read again)
        assert second.layer("d0").quotes["q1"].status == "accepted"
        assert second.layer("d0", "suggestions").quotes["q1"].status == "suggested"


def test_an_import_next_to_an_open_session_of_the_same_annotator(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with Session.open(folder, "ann", detect=fixed_detect) as tui:
        tui.import_documents([Document("d0", "Doc 0", ARTICLE)])
        tui.apply(AcceptQuote("d0", quote_id="q1"))
        with Session.open(folder, "ann", detect=fixed_detect) as cli:
            assert cli.read_only
            report = cli.import_documents(
                [Document("d1", "Doc 1", ARTICLE), Document("d0", "Doc 0", ARTICLE)]
            )
            assert report.added == ["d1"] and report.unchanged == ["d0"]
            assert cli.put_layer("d1", Layer("gold", *_layer_parts()))  # a new layer: no journal
        assert tui.document_ids() == ["d0", "d1"]  # the list changed on disk: read again
        assert set(tui.layer("d1").quotes) == {"q1", "q2"}
        assert set(tui.layer("d1", "gold").quotes) == {"q1", "q2"}
        tui.apply(AcceptQuote("d1", quote_id="q2"))
        with Session.open(folder, "bob", detect=fixed_detect) as other:  # another annotator
            assert not other.read_only
            other.import_documents([Document("d2", "Doc 2", ARTICLE)])
        assert tui.document_ids() == ["d0", "d1", "d2"]
    with Project.open(folder, "ann", read_only=True) as project:
        assert project.document_ids() == ["d0", "d1", "d2"]
        assert project.layer("d0").quotes["q1"].status == "accepted"
        assert project.layer("d1").quotes["q2"].status == "accepted"


def _layer_parts() -> tuple:  # type: ignore[type-arg]
    found = fixed_detect(ARTICLE)
    return found.quotes, found.speakers


def _changer(folder: str, who: str, start: object) -> None:
    start.wait(30)  # type: ignore[attr-defined]
    with Project.open(folder, who) as project:
        assert not project.read_only, project.read_only_reason
        for n in range(N):
            project.set_setting(f"{who}-{n}", n)
            if n % 5 == 0:
                scheme_rules.add_label(project, f"{who}-label-{n}")
            if n % 3 == 0:
                doc = Document(f"{who}-doc-{n}", "t", ARTICLE)
                project.add_documents(with_suggestions([doc]))


def test_two_processes_changing_shared_files_at_once_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder).close()
    ctx = multiprocessing.get_context("fork")
    start = ctx.Event()
    procs = [ctx.Process(target=_changer, args=(str(folder), who, start)) for who in ("ana", "ben")]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    with Project.open(folder, "ann", read_only=True) as project:
        settings = project.settings
        names = set(project.scheme.names)
        ids = project.document_ids()
    for who in ("ana", "ben"):
        assert all(settings.get(f"{who}-{n}") == n for n in range(N)), settings
        assert {f"{who}-label-{n}" for n in range(0, N, 5)} <= names
        assert {f"{who}-doc-{n}" for n in range(0, N, 3)} <= set(ids)
    assert len(ids) == len(set(ids)) == 1 + 2 * len(range(0, N, 3))
    assert {"support", "oppose", "neutral", "unclear"} <= names


def test_a_settings_change_by_another_process_is_seen_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    with make_project(folder) as ann, Project.open(folder, "bob") as bob:
        scheme = ann.scheme
        bob.set_setting("colour", "stance")
        scheme_rules.add_label(bob, "mixed")
        assert ann.settings == {"colour": "stance"}
        assert "mixed" in ann.scheme.names
        # a scheme change made from a copy read before bob's change keeps bob's label
        from dataclasses import replace

        ann._settings._seen = scheme.to_dict()  # noqa: SLF001 - the copy ann read earlier
        ann.set_scheme(replace(scheme, target="rent control"))
        assert ann.scheme.target == "rent control" and "mixed" in ann.scheme.names


def test_a_stale_index_entry_is_rebuilt_by_the_thread_that_holds_the_documents_lock(
    tmp_path: Path,
) -> None:
    """An edit holds its document's folder lock (``Project.exclusive``); rebuilding that
    document's corpus-index entry in the same thread must pass through it (a second ``flock``
    of one folder by one thread waits for itself for ever)."""
    import signal

    from annotations.corpus_index import verify

    def stuck(_signum: int, _frame: object) -> None:
        raise TimeoutError("the rebuild waited for the lock its own thread holds")

    with make_project(tmp_path / "proj", annotator="ana") as project:
        project.apply(AcceptQuote("d0", quote_id="q1"))
        layer_file = tmp_path / "proj" / "annotations" / "d0" / "ana.json"
        previous = signal.signal(signal.SIGALRM, stuck)
        try:
            with project.exclusive("d0"):
                layer_file.write_bytes(layer_file.read_bytes() + b"\n")  # stale entry
                signal.setitimer(signal.ITIMER_REAL, 5.0)
                try:
                    assert verify(project, "ana", None, ["d0"]) == ["d0"]
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


def test_a_document_locked_too_long_by_another_process_refuses_the_edit_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process stopped (Ctrl-Z) while it holds a document's folder lock: an edit of that
    document waits ``FOLDER_LOCK_TIMEOUT_S``, then is refused with one line and writes
    nothing; the project stays usable."""
    import fcntl

    from annotations.errors import ProjectError
    from annotations.store import lock as lock_module

    monkeypatch.setattr(lock_module, "FOLDER_LOCK_TIMEOUT_S", 0.3)
    with make_project(tmp_path / "proj", annotator="ana") as project:
        folder = tmp_path / "proj" / "annotations" / "d0"
        project.apply(AcceptQuote("d0", quote_id="q1"))
        before = (folder / "ana.json").read_bytes()
        fd = os.open(folder, os.O_RDONLY)  # the stopped process's lock
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            with pytest.raises(ProjectError) as refused:
                project.apply(SetNote("d0", quote_id="q1", note="waits"))
        finally:
            os.close(fd)
        assert "stayed locked by another saywho process" in refused.value.message
        assert "\n" not in refused.value.message
        assert (folder / "ana.json").read_bytes() == before
        project.apply(SetNote("d0", quote_id="q1", note="then saved"))
        assert project.layer("d0").quotes["q1"].note == "then saved"


def test_a_teammate_s_new_layer_is_seen_though_the_folder_s_stamp_did_not_move(
    tmp_path: Path,
) -> None:
    """A document folder's listing was kept while its mtime stayed the same; a teammate's
    layer file renamed in within the same clock tick left the stamp as it was, and the new
    layer stayed unseen (a label rename then passed it by). A listing of a folder changed
    within the last second is not kept."""
    with make_project(tmp_path / "proj", annotator="ana") as ana:
        folder = tmp_path / "proj" / "annotations" / "d0"
        stamp = time.time_ns()  # the folder changed just now, as the listing is made
        os.utime(folder, ns=(stamp, stamp))
        assert "ben" not in ana.layer_names("d0")
        with Project.open(tmp_path / "proj", "ben") as ben:
            ben.apply(SetStance("d0", quote_id="q1", stance="oppose"))
        os.utime(folder, ns=(stamp, stamp))  # as if in the same tick as the listing
        assert "ben" in ana.layer_names("d0")
        assert ana.layer("d0", "ben").quotes["q1"].stance == "oppose"


def test_a_teammate_s_write_after_a_listing_is_what_the_next_read_shows(
    tmp_path: Path,
) -> None:
    """A document's layer listing (a layer picker) opens its layer files without reading a
    layer; a teammate then replaces one. The next read of that layer shows their layer, not
    the copy the listing's open had taken."""
    folder = tmp_path / "proj"
    make_project(folder, annotator="ana").close()
    with Project.open(folder, "ana") as ana, Project.open(folder, "ben") as ben:
        assert ana.layer_names("d0") == ["suggestions"]
        theirs = Layer("suggestions", {}, {})
        assert ben.put_layer("d0", theirs)
        assert ana.layer("d0", "suggestions") == theirs


def test_a_whole_layer_write_after_a_listing_and_a_teammate_s_write_is_stored(
    tmp_path: Path,
) -> None:
    """The listing is made before a teammate replaces the layer, the write after: the write
    reads the layer under the document's lock, so it is stored and journals the teammate's
    layer as the one it replaced (it was refused as made on a stale copy: the read under the
    lock had answered from the listing's copy)."""
    folder = tmp_path / "proj"
    make_project(folder, annotator="ana").close()
    with Project.open(folder, "ana") as ana, Project.open(folder, "ben") as ben:
        kept = ben.layer("d0", "suggestions")
        first = sorted(kept.quotes)[0]
        ours = Layer("suggestions", {first: kept.quotes[first]}, kept.speakers)
        assert ana.layer_names("d0") == ["suggestions"]
        assert ben.put_layer("d0", Layer("suggestions", {}, {}))
        assert ana.put_layer("d0", ours)
        assert ana.layer("d0", "suggestions") == ours
        replaced = [e["data"] for e in ana.journal()
                    if e["op"] == "replace-layer" and e["annotator"] == "ana"]
        assert [(r["quotes"], r["speakers"]) for r in replaced] == [({}, {})]


def test_an_undo_after_a_listing_and_a_teammate_s_edit_of_the_layer_is_made(
    tmp_path: Path,
) -> None:
    """A reopened annotator lists a document's layers (the layer picker) before a teammate
    edits their layer: their undo is made on the teammate's edit, which stays (it was
    refused as made on a stale copy, the listing's)."""
    folder = tmp_path / "proj"
    make_project(folder, annotator="ana").close()
    with Project.open(folder, "ana") as ana:
        ana.apply(SetNote("d0", quote_id="q1", note="ana's"))
    with Project.open(folder, "ana") as ana, Project.open(folder, "ben") as ben:
        assert ana.layer_names("d0") == ["suggestions", "ana"]
        ben.apply(SetNote("d0", quote_id="q2", note="ben's", layer="ana"))
        assert ana.undo() is not None
        quotes = ana.layer("d0").quotes
        assert (quotes["q1"].note, quotes["q2"].note) == ("", "ben's")


def test_annotator_names_that_would_share_files_elsewhere_are_refused(tmp_path: Path) -> None:
    """"Ana" next to "ana" would be one journal and one layer file on macOS and Windows, and
    an annotator named "suggestions" or "final" would edit the layer saywho keeps itself:
    each is refused with one line before anything is written; reading stays open."""
    from annotations.errors import InputError
    from annotations.store.journal import journal_paths

    folder = tmp_path / "proj"
    with make_project(folder) as project:
        project.apply(SetNote("d0", "q1", "mine"))  # ann's journal exists now
    before = sorted(p.name for p in journal_paths(folder))
    for name, said in (("Ann", "only in capitals"), ("ANN", "open as 'ann'"),
                       ("suggestions", "layer of its own"), ("final", "layer of its own"),
                       ("Final", "layer of its own"), ("SUGGESTIONS", "layer of its own"),
                       ("  ", "blank")):
        with pytest.raises(InputError, match=said):
            Project.open(folder, name, create=False)
    assert sorted(p.name for p in journal_paths(folder)) == before
    with Project.open(folder, "Ann", create=False, read_only=True) as reader:
        assert reader.layer("d0", "ann").quotes["q1"].note == "mine"
    with Project.open(folder, "bob", create=False) as bob:  # another name is welcome
        bob.apply(SetNote("d0", "q1", "bob's"))


def test_a_layer_named_like_another_but_for_capitals_is_refused(tmp_path: Path) -> None:
    """A layer whose file would differ from a stored one's only in capitals (an import as
    ``--layer Gold`` next to ``gold``) is refused: on macOS and Windows it would write over
    the other."""
    from annotations.errors import InputError

    make_project(tmp_path / "proj").close()
    with Session.open(tmp_path / "proj", "ann", create=False) as session:
        gold = session.layer("d0", "suggestions")
        session.put_layer("d0", Layer("gold", gold.quotes, gold.speakers))
        with pytest.raises(InputError, match="only in capitals"):
            session.put_layer("d0", Layer("Gold", {}, {}))
        assert session.layer("d0", "gold").quotes == gold.quotes
        assert "Gold" not in session.layer_names("d0")


def test_names_that_share_files_already_are_let_be(tmp_path: Path) -> None:
    """A project made before the check (on Linux, ``ann`` and ``Ann`` each with a journal,
    ``gold`` and ``Gold`` layers): both annotators still open and write, and a layer of
    either name is written as before; only a new twin is refused."""
    from annotations.errors import InputError
    from annotations.store.journal import journal_path

    folder = tmp_path / "proj"
    with make_project(folder) as project:
        project.apply(SetNote("d0", "q1", "ann's"))
        gold = project.layer("d0", "suggestions")
        project.put_layer("d0", Layer("gold", gold.quotes, gold.speakers))
    journal_path(folder, "Ann").write_bytes(journal_path(folder, "ann").read_bytes()[:0])
    layers_folder = next((folder / "annotations").iterdir())
    (layers_folder / "Gold.json").write_bytes((layers_folder / "gold.json").read_bytes())
    for name in ("ann", "Ann"):
        with Project.open(folder, name, create=False) as project:
            project.apply(SetNote("d0", "q1", name))
            project.put_layer("d0", Layer("gold", {}, {}))
    with Session.open(folder, "bob", create=False) as bob, \
            pytest.raises(InputError, match="only in capitals"):
        bob.put_layer("d0", Layer("GOLD", {}, {}))
    with pytest.raises(InputError, match="only in capitals"):
        Project.open(folder, "ANN", create=False)


def test_an_annotator_named_like_an_imported_layer_or_a_status_but_for_capitals_is_refused(
    tmp_path: Path,
) -> None:
    """``import --layer Alice``, then ``--annotator alice`` wrote ``alice.json`` beside
    ``Alice.json``; a status of ``Bob`` let ``BOB`` in: one file each on macOS and Windows.
    Refused at the first writable open; ``Alice`` herself, and reading, still open."""
    from annotations import team
    from annotations.errors import InputError

    folder = tmp_path / "proj"
    make_project(folder).close()
    with Session.open(folder, "ann", create=False) as session:
        gold = session.layer("d0", "suggestions")
        session.put_layer("d0", Layer("Alice", gold.quotes, gold.speakers))
    with Session.open(folder, "Bob", create=False) as bob:
        team.set_status(bob, "d0", "done")
    for name, twin in (("alice", "Alice"), ("BOB", "Bob")):
        with pytest.raises(InputError, match=f"only in capitals.*open as '{twin}'"):
            Project.open(folder, name, create=False)
        Project.open(folder, name, create=False, read_only=True).close()
    with Project.open(folder, "Alice", create=False) as alice:
        alice.apply(SetNote("d0", "q1", "mine"))


def test_an_import_checks_a_layer_name_once_not_per_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The capitals check lists the journals and reads the status files: once per layer
    name in a session, not once per document an import stores."""
    folder = tmp_path / "proj"
    make_project(folder, n_docs=3).close()
    checks: list[str] = []
    check = Project.capitals_twin
    monkeypatch.setattr(Project, "capitals_twin",
                        lambda self, name: checks.append(name) or check(self, name))
    with Session.open(folder, "ann", create=False) as session:
        for doc_id in ("d0", "d1", "d2"):
            base = session.layer(doc_id, "suggestions")
            session.put_layer(doc_id, Layer("gold", base.quotes, base.speakers))
    assert checks.count("gold") == 1  # (and "ann" once, at the open)
    with Session.open(folder, "ann", create=False) as session:
        session.apply(SetNote("d0", "q1", "x"))  # ann has a journal now
    checks.clear()
    Session.open(folder, "ann", create=False).close()
    assert checks == []  # an annotator with a journal of that very name: nothing to check
