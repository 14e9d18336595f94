"""Two processes writing to one project: every edit lands or is refused aloud, never lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from annotations.store import Project
from tests.conftest import REPO, make_project


def _writer(folder: Path, annotator: str, first: int, hold: bool) -> subprocess.Popen[str]:
    args = [
        sys.executable,
        "-m",
        "tests.reliability.writer",
        str(folder),
        annotator,
        str(first),
        "200",
    ]
    return subprocess.Popen(
        [*args, "--hold"] if hold else args,
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_second_instance_is_refused_with_a_message_then_all_400_land(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    make_project(folder, n_docs=2).close()
    first = _writer(folder, "ann", 0, hold=True)
    assert first.stdout is not None
    lines = []
    while True:
        line = first.stdout.readline()
        assert line, f"first writer died: {first.stderr.read() if first.stderr else ''}"
        lines.append(line)
        if line.startswith("done"):
            break
    second = _writer(folder, "ann", 1000, hold=False)
    out2, _ = second.communicate(timeout=60)
    assert second.returncode == 1
    assert "read-only" in out2 and "open in another saywho" in out2
    assert "saved" not in out2
    first.communicate("\n", timeout=60)
    assert sum(1 for line in lines if line.startswith("saved")) == 200

    third = _writer(folder, "ann", 1000, hold=False)
    out3, err3 = third.communicate(timeout=120)
    assert third.returncode == 0, err3
    assert out3.count("saved") == 200

    with Project.open(folder, "ann", read_only=True) as project:
        notes = [e for e in project.journal() if e["op"] == "edit"]
        assert len(notes) == 400
        assert sorted(
            int(e["change"]["quotes_after"][next(iter(e["change"]["quotes_after"]))]["note"])
            for e in notes
        ) == [*range(200), *range(1000, 1200)]
        # the last edit of each (doc, quote) is what the store holds
        assert project.layer("d0").quotes["q1"].note == "1198"
        assert project.layer("d1").quotes["q2"].note == "1199"


def test_read_only_project_refuses_edits_in_process(tmp_path: Path) -> None:
    folder = tmp_path / "proj"
    holder = make_project(folder)
    try:
        other = Project.open(folder, "ann")
        assert other.read_only
        assert "open in another saywho" in (other.read_only_reason or "")
        from annotations.edits import AcceptQuote
        from annotations.errors import ReadOnlyError

        try:
            other.apply(AcceptQuote("d0", quote_id="q1"))
        except ReadOnlyError as exc:
            assert "read-only" in exc.message
        else:
            raise AssertionError("a read-only project accepted an edit")
        other.close()
    finally:
        holder.close()
