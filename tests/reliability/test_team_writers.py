"""Three annotators write the same documents at once while a fourth process imports, and every
one of them is SIGKILLed at random moments and restarted.

Each annotator writes only their own layer, so the three never wait for each other, and the
importer changes the shared document list meanwhile. After every round (all four killed at
staggered random moments): every file parses; every edit an annotator was told was saved is in
their layer and their journal; every document the importer was told was imported is listed and
readable; and each annotator's undo after the restart takes back exactly their own last edit on
disk (a redo puts it back). The loop runs until each annotator has had ``EDITS`` edits
acknowledged (300 by default, ``SAYWHO_TEAM_EDITS`` to change) and at least ``MIN_ROUNDS`` rounds
have passed, bounded in rounds. The processes are forked from a pre-imported parent
(``zygote``), so they are writing within milliseconds and the kills land among edits.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path

import pytest

from annotations.store import Project
from tests.conftest import make_project
from tests.reliability.zygote import Forked, Zygote

ANNOTATORS = ("ana", "ben", "cleo")
EDITS = int(os.environ.get("SAYWHO_TEAM_EDITS", "300"))
MIN_ROUNDS = 20
MAX_ROUNDS = 80
N_DOCS = 3


def _target(k: int) -> tuple[str, str]:
    """The (document, quote) the writer's edit ``k`` sets a note on (see writer.py)."""
    return f"d{k % N_DOCS}", f"q{k % 2 + 1}"


def _all_files_parse(folder: Path) -> None:
    json.loads((folder / "saywho.json").read_bytes())
    layer_files = list((folder / "annotations").glob("*/*.json"))
    assert layer_files, "no layer file found: the layout changed under this test"
    for path in layer_files:
        json.loads(path.read_bytes())
    for journal in (folder / "journal").glob("*.jsonl"):
        lines = journal.read_bytes().splitlines()
        for line in lines[:-1]:  # the last line may be torn by a kill; the next open cuts it
            if line.strip():
                json.loads(line)


class _Annotator:
    """What one annotator was told, and what landed on disk, per quote, in order."""

    def __init__(self, name: str, first: int) -> None:
        self.name = name
        self.counter = first
        self.acknowledged: set[int] = set()
        self.last_saved: dict[tuple[str, str], int] = {}
        self.landed: dict[tuple[str, str], list[int]] = {}
        self.last_on_disk: int | None = None
        self.proc: Forked | None = None

    def start(self, zygote: Zygote, folder: Path) -> None:
        self.proc = zygote.spawn("writer", folder.parent / f"{self.name}.out", folder, self.name,
                                 self.counter, 100_000, "--docs", N_DOCS)

    def collect(self) -> int:
        """Read the killed writer's report; return the edit that was in flight."""
        assert self.proc is not None
        out, err = self.proc.communicate()
        assert "read-only" not in out, f"{self.name} was refused: {out} {err}"
        saved = [int(line.split()[1]) for line in out.splitlines() if line.startswith("saved ")]
        for k in saved:
            self.last_saved[_target(k)] = k
            self.landed.setdefault(_target(k), []).append(k)
        self.acknowledged.update(saved)
        if saved:
            self.last_on_disk = saved[-1]
        in_flight = saved[-1] + 1 if saved else self.counter
        self.counter = (saved[-1] if saved else self.counter) + 1000
        return in_flight

    def check(self, folder: Path, in_flight: int) -> None:
        """Open as this annotator: acknowledged edits present and journaled, undo correct."""
        with Project.open(folder, self.name, create=False) as project:
            assert not project.read_only, f"{self.name}: a dead writer's lock must be dropped"
            for (doc, quote), k in self.last_saved.items():
                note = project.layer(doc).quotes[quote].note
                assert note and int(note) >= k, f"{self.name}'s edit {k} on {doc}/{quote} lost"
            doc, quote = _target(in_flight)
            if project.layer(doc).quotes[quote].note == str(in_flight):
                self.landed.setdefault((doc, quote), []).append(in_flight)
                self.last_on_disk = in_flight
            journaled = _journaled_notes(project, self.name)
            missing = self.acknowledged - journaled
            assert not missing, f"{self.name}: edits {sorted(missing)[:5]} saved, not journaled"
            if self.last_on_disk is not None:
                self._undo_takes_back(project, self.last_on_disk)

    def _undo_takes_back(self, project: Project, k: int) -> None:
        doc, quote = _target(k)
        on_quote = self.landed[(doc, quote)]
        assert on_quote[-1] == k
        before = str(on_quote[-2]) if len(on_quote) > 1 else ""
        undone = project.undo()
        assert undone is not None and undone.doc_id == doc, f"{self.name}: nothing to undo"
        assert project.layer(doc).quotes[quote].note == before, (
            f"{self.name}'s undo after a restart did not take back their edit {k}"
        )
        project.redo()
        assert project.layer(doc).quotes[quote].note == str(k)


def _journaled_notes(project: Project, annotator: str) -> set[int]:
    """The counters of ``annotator``'s edits the journal holds as edits (voided ones are not)."""
    notes: dict[str, int] = {}
    for entry in project.journal():
        if entry.get("annotator") != annotator:
            continue
        if entry["op"] == "void":
            notes.pop(entry["ref"], None)
        elif entry["op"] == "edit":
            for quote in entry["change"]["quotes_after"].values():
                if quote and quote.get("note", "").isdigit():
                    notes[entry["id"]] = int(quote["note"])
    return set(notes.values())


@pytest.mark.slow
def test_three_annotators_and_an_importer_killed_at_random_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=N_DOCS).close()
    rng = random.Random(2026)
    team = [_Annotator(name, first=i * 10_000_000) for i, name in enumerate(ANNOTATORS)]
    imported: set[int] = set()
    next_import = 0
    rounds = 0
    zygote = Zygote()
    while rounds < MIN_ROUNDS or min(len(a.acknowledged) for a in team) < EDITS:
        rounds += 1
        assert rounds <= MAX_ROUNDS, "the writers are too slow to reach the edit count"
        for annotator in team:
            annotator.start(zygote, folder)
        importer = zygote.spawn("importer", tmp_path / "importer.out", folder, next_import, 100_000)
        time.sleep(rng.uniform(0.1, 0.5))
        procs = [*(a.proc for a in team), importer]
        rng.shuffle(procs)
        for proc in procs:  # staggered kills: some writers outlive others
            assert proc is not None
            proc.send_signal(signal.SIGKILL)
            time.sleep(rng.uniform(0.0, 0.05))
        in_flight = {a.name: a.collect() for a in team}
        out, _err = importer.communicate()
        done = [int(line.split()[1]) for line in out.splitlines() if line.startswith("imported ")]
        imported.update(done)
        next_import = (done[-1] if done else next_import) + 1000
        _all_files_parse(folder)
        for annotator in team:
            annotator.check(folder, in_flight[annotator.name])
        with Project.open(folder, "reader", create=False, read_only=True) as project:
            listed = set(project.document_ids())
            lost = {f"imp{k}" for k in imported} - listed
            assert not lost, f"imports {sorted(lost)[:5]} were acknowledged but are not listed"
            for k in sorted(imported)[-3:]:
                assert f"Story {k}." in project.document(f"imp{k}").text
            assert {f"d{i}" for i in range(N_DOCS)} <= listed
    zygote.close()
    print(f"{rounds} rounds")
    assert imported, "the importer never got to report an import: the window is too short"
