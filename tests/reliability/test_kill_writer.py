"""A writer killed with SIGKILL at random moments never loses a saved edit nor the project.

The loop count defaults to 100 kills (the bar this project holds itself to) and can be raised
with ``SAYWHO_KILL_LOOPS`` for a longer soak.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.store import Project
from tests.conftest import REPO, make_project

KILLS = int(os.environ.get("SAYWHO_KILL_LOOPS", "100"))


def _start_writer(folder: Path, first: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.reliability.writer",
            str(folder),
            "ann",
            str(first),
            str(count),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _all_files_parse(folder: Path) -> None:
    json.loads((folder / "saywho.json").read_bytes())
    for path in (folder / "annotations").glob("*.json"):
        json.loads(path.read_bytes())
    lines = (
        (folder / "journal.jsonl").read_bytes().splitlines()
        if (folder / "journal.jsonl").exists()
        else []
    )
    for line in lines[:-1]:
        if line.strip():
            json.loads(line)


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_saved_edit(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=3).close()
    rng = random.Random(1234)
    counter = 0
    last_saved: dict[tuple[str, str], int] = {}
    docs = ["d0", "d1", "d2"]
    for _ in range(KILLS):
        proc = _start_writer(folder, counter, 10_000)
        time.sleep(rng.uniform(0.05, 0.45))
        proc.send_signal(signal.SIGKILL)
        out, _err = proc.communicate(timeout=30)
        saved = [int(line.split()[1]) for line in out.splitlines() if line.startswith("saved ")]
        for k in saved:
            last_saved[(docs[k % 3], f"q{k % 2 + 1}")] = k
        counter += len(saved) + 1000  # unreported edits may still have landed
        _all_files_parse(folder)
        with Project.open(folder, "ann", create=False) as project:
            assert not project.read_only, "the kernel must drop a dead writer's lock"
            assert project.damaged == []
            for (doc, quote), k in last_saved.items():
                note = project.layer(doc).quotes[quote].note
                assert note and int(note) >= k, (
                    f"edit {k} on {doc}/{quote} was reported saved but lost"
                )
            leftovers = list(folder.rglob("*.saywho-tmp"))
            assert leftovers == [], "orphan temp files are removed at open"
    assert last_saved, "the writer never got to report a save: the kill window is too short"
