"""``saywho assign``, ``saywho status`` and ``saywho progress``, and two processes writing
``assignments.json`` at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson
import pytest

from annotations.edits import AcceptQuote
from annotations.model import Document
from annotations.session import Session
from annotations.store.assignments import ASSIGNMENTS_NAME, AssignmentsFile
from tests.conftest import ARTICLE, REPO, fixed_detect
from tui.cli import main


def make(folder: Path, ids: list[str]) -> None:
    with Session.open(folder, "ana", detect=fixed_detect) as session:
        session.import_documents(Document(d, d.upper(), ARTICLE) for d in ids)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_assign_then_assign_again_after_an_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = str(tmp_path / "p")
    make(tmp_path / "p", [f"d{i}" for i in range(9)])
    first = run_json(capsys, "assign", "--annotators", "ana,ben,cy", "--per-document", "2",
                     "--seed", "3", "--json", "--project", proj)
    assert isinstance(first, dict)
    assert first["added"] == 9 and first["loads"] == {"ana": 6, "ben": 6, "cy": 6}
    assert all(len(set(v)) == 2 for v in first["assignment"].values())
    make(tmp_path / "p", [f"d{i}" for i in range(9, 12)])
    later = run_json(capsys, "assign", "--annotators", "ana,ben,cy", "--per-document", "2",
                     "--seed", "3", "--json", "--project", proj)
    assert isinstance(later, dict)
    assert later["added_documents"] == ["d9", "d10", "d11"]
    assert {d: later["assignment"][d] for d in first["assignment"]} == first["assignment"]
    assert max(later["loads"].values()) - min(later["loads"].values()) <= 1
    stored = orjson.loads((tmp_path / "p" / ASSIGNMENTS_NAME).read_bytes())
    assert stored["schema"] == 1 and stored["assignments"] == later["assignment"]
    assert [r["seed"] for r in stored["runs"]] == [3, 3]
    # the table form
    assert main(["assign", "--annotators", "ana,ben,cy", "--overlap", "20%",
                 "--project", proj]) == 0
    out = capsys.readouterr().out
    assert "0 new documents assigned" in out and "12 of 12 documents" in out


def test_overlap_fraction_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = str(tmp_path / "p")
    make(tmp_path / "p", [f"d{i}" for i in range(10)])
    plan = run_json(capsys, "assign", "--annotators", "ana,ben", "--overlap", "0.2", "--json",
                    "--project", proj)
    assert isinstance(plan, dict)
    assert len(plan["overlap_added"]) == 2
    assert plan["loads"] == {"ana": 6, "ben": 6}  # 2 shared + 8 split


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--annotators", "ana,ben", "--per-document", "3"], "only 2 named"),
        (["--annotators", " , ", "--per-document", "1"], "at least one name"),
        (["--annotators", "ana", "--overlap", "lots"], "--overlap takes"),
        (["--annotators", "ana", "--overlap", "99"], "more than the 2"),
    ],
)
def test_assign_errors_are_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    make(tmp_path / "p", ["d0", "d1"])
    assert main(["assign", *argv, "--project", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("saywho: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "p" / ASSIGNMENTS_NAME).exists()


def test_assign_needs_a_mode_and_an_existing_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["assign", "--annotators", "ana", "--project", str(tmp_path / "p")])
    assert usage.value.code == 2
    capsys.readouterr()
    assert main(["assign", "--annotators", "ana", "--per-document", "1",
                 "--project", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err.startswith("saywho: ")


def test_status_and_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "p"
    proj = str(folder)
    make(folder, ["d0", "d1", "d2", "d3"])
    run_json(capsys, "assign", "--annotators", "ana,ben", "--per-document", "1", "--json",
             "--project", proj)
    mine = run_json(capsys, "status", "--list", "--json", "--project", proj, "--annotator", "ana")
    assert isinstance(mine, list) and len(mine) == 4
    assigned = [row["doc"] for row in mine if row["assigned"]]
    assert len(assigned) == 2 and [row["doc"] for row in mine][:2] == assigned
    assert all(row["status"] == "not-started" for row in mine)
    shown = run_json(capsys, "status", assigned[0], "done", "--json", "--project", proj,
                     "--annotator", "ana")
    assert shown == {"doc": assigned[0], "annotator": "ana", "status": "done",
                     "explicit": True, "at": shown["at"]}  # type: ignore[index]
    with Session.open(folder, "ana", detect=fixed_detect) as session:
        session.apply(AcceptQuote(assigned[1], "q1"))
    assert run_json(capsys, "status", assigned[1], "--json", "--project", proj,
                    "--annotator", "ana")["status"] == "in-progress"  # type: ignore[index]
    assert main(["status", assigned[0], "done", "--project", proj, "--annotator", "ben"]) == 0
    assert f"{assigned[0]}: done for ben (set)" in capsys.readouterr().out
    assert main(["status", "nope", "done", "--project", proj, "--annotator", "ben"]) == 1
    assert "no document 'nope'" in capsys.readouterr().err
    assert main(["status", "--project", proj]) == 1
    capsys.readouterr()
    report = run_json(capsys, "progress", "--json", "--project", proj)
    assert isinstance(report, dict)
    rows = {r["annotator"]: r for r in report["annotators"]}
    assert set(rows) == {"ana", "ben"}
    assert (rows["ana"]["assigned"], rows["ana"]["done"], rows["ana"]["in_progress"],
            rows["ana"]["remaining"], rows["ana"]["quotes_reviewed"]) == (2, 1, 1, 1, 1)
    assert (rows["ben"]["assigned"], rows["ben"]["done"], rows["ben"]["done_unassigned"],
            rows["ben"]["quotes_reviewed"]) == (2, 0, 1, 0)
    assert rows["ana"]["last_edit"] is not None
    assert report["compared_documents"] == [assigned[0]]  # done by both
    pair = report["agreement"]["overall"]["pairs"][0]
    assert (pair["a"], pair["b"], pair["docs"]) == ("ana", "ben", 1)
    assert rows["ana"]["agreement_f1"] == rows["ben"]["agreement_f1"] == 100.0
    assert main(["progress", "--project", proj]) == 0
    out = capsys.readouterr().out
    assert "progress: 4 of 4 documents assigned" in out
    assert "agreement between ana, ben over 1 document (in two of these layers or more" in out


def test_nothing_from_a_file_reaches_the_terminal_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = str(tmp_path / "p")
    make(tmp_path / "p", ["d0"])
    evil = "ev\x1b]0;pwned\x07il"
    assert main(["assign", "--annotators", f"ana,{evil}", "--per-document", "2",
                 "--project", proj]) == 0
    assert main(["status", "d0", "done", "--project", proj, "--annotator", evil]) == 0
    assert main(["status", "--list", "--project", proj, "--annotator", evil]) == 0
    assert main(["progress", "--project", proj]) == 0
    assert main(["progress", "--json", "--project", proj]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.out


WRITER = textwrap.dedent(
    """
    import sys, time
    from annotations.store.assignments import AssignmentsFile
    from annotations.team import plan_assignment

    folder, me, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mine = [f"{me}-{i:03d}" for i in range(n)]
    store = AssignmentsFile(folder)
    for i in range(n):
        def change(current):
            time.sleep(0.002)  # widen the window between the read and the write
            plan = plan_assignment(mine[: i + 1], [me], current, per_document=1, seed=i)
            return dict(plan.assignment), plan
        store.update(change, {"by": me})
    """
)


def test_two_processes_assigning_at_once_both_survive(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    n = 40
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(folder), who, str(n)], cwd=REPO,
                         env=env, stderr=subprocess.PIPE)
        for who in ("ana", "ben")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    stored = AssignmentsFile(folder).read()
    assert len(stored) == 2 * n
    for who in ("ana", "ben"):
        assert all(stored[f"{who}-{i:03d}"] == (who,) for i in range(n))
    data = orjson.loads((folder / ASSIGNMENTS_NAME).read_bytes())
    assert len(data["runs"]) == 2 * n
    assert not list(folder.glob(".*saywho-tmp"))


def test_two_saywho_assign_processes_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    make(folder, [f"d{i}" for i in range(30)])
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cli = "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", cli, "assign", "--annotators", "ana,ben,cy", "--per-document",
             "2", "--seed", str(seed), "--json", "--project", str(folder), "--annotator", who],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for seed, who in ((1, "ana"), (2, "ben"))
    ]
    plans = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        plans.append(json.loads(out))
    assert sorted(p["added"] for p in plans) == [0, 30]  # one ran first; the other saw it
    stored = AssignmentsFile(folder).read()
    assert len(stored) == 30 and all(len(set(v)) == 2 for v in stored.values())
    assert stored == {d: tuple(v) for d, v in plans[0]["assignment"].items()}
