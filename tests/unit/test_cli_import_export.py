"""``saywho import`` and ``export`` from the command line: bad input, exit codes, round trips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.store import Project
from tests.conftest import REPO
from tui.cli import main

GOOD = 'The mayor said "we will keep going" on Monday.\n'


def project_with_gold_layer(folder: Path) -> str:
    """A project holding the golden sample documents with their quotes as layer "gold"."""
    gold = REPO / "tests" / "golden" / "sample.jsonl"
    assert main(["import", str(gold), "--layer", "gold", "--project", str(folder)]) == 0
    return str(folder)


def saywho(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bad_inputs_each_get_a_message_and_the_rest_is_imported(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "good.txt").write_text(GOOD)
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (src / "latin1.txt").write_bytes('caf\xe9 said "non"'.encode("latin-1"))
    (src / "empty.txt").write_bytes(b"")
    (src / "crlf.txt").write_bytes(b'\xef\xbb\xbfLine one said "x".\r\nLine two.\r\n')
    (src / "sub" / "page.html").write_text(
        "<html><head><title>T</title><script>x()</script></head><body><nav>menu</nav>"
        '<article><h1>Head</h1><p>She said "yes".</p><p>Second.</p></article></body></html>'
    )
    (src / "sub" / "notes.md").write_text('# Title\n\nHe said "fine".\n')
    (src / "image.png").write_bytes(b"\x89PNG\x00")
    (src / "lines.jsonl").write_text(
        json.dumps({"id": "j1", "text": "In short: " + GOOD})  # not good.txt's text
        + "\n{not json\n" + json.dumps({"id": "j2"}) + "\n"
    )
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"word " * (4 * 1024 * 1024))  # 20 MB
    result = saywho("import", str(src), str(huge), "--project", str(tmp_path / "p"))
    assert result.returncode == 1
    err = result.stderr
    assert "Traceback" not in err
    for needle in (
        "binary.txt: binary file",
        "latin1.txt: not valid UTF-8",
        "empty.txt: empty file",
        "lines.jsonl line 2: not JSON",
        'lines.jsonl line 3: needs an "id"',
        "huge.txt: too large",
        "image.png: skipped",
    ):
        assert needle in err, needle
    with Project.open(tmp_path / "p", "ann", read_only=True) as project:
        ids = set(project.document_ids())
        assert ids == {"good", "crlf", "page", "notes", "j1"}
        crlf = project.document("crlf").text
        assert crlf == 'Line one said "x".\nLine two.\n'
        page = project.document("page").text
        assert "She said" in page and "menu" not in page and "x()" not in page


def test_reimport_is_a_noop_and_exit_zero(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(GOOD)
    proj = str(tmp_path / "p")
    assert main(["import", str(f), "--project", proj]) == 0
    assert main(["--project", proj, "import", str(f)]) == 0
    f.write_text(GOOD + "More.\n")
    assert main(["import", str(f), "--project", proj]) == 1


def test_import_export_import_is_lossless(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    text = 'Ann Lee said "we will win." Critics, according to the union, disagree.'
    s = text.index("we will")
    line = {
        "id": "g1",
        "title": "G",
        "text": text,
        "quotes": [
            {
                "id": "q1",
                "start": s,
                "end": s + len("we will win."),
                "type": "direct",
                "speaker": "Ann Lee",
                "speaker_start": 0,
                "speaker_end": 7,
                "speaker_name": "Ann Lee",
                "cue": "said",
                "cue_start": 8,
                "cue_end": 12,
                "stance": "support",
                "confidence": 0.5,
                "status": "accepted",
            }
        ],
    }
    gold.write_text(json.dumps(line) + "\n")
    p1, p2 = str(tmp_path / "p1"), str(tmp_path / "p2")
    assert main(["import", str(gold), "--layer", "gold", "--project", p1]) == 0
    out1 = tmp_path / "out1.jsonl"
    assert (
        main(
            ["export", "--format", "jsonl", "--out", str(out1), "--layer", "gold", "--project", p1]
        )
        == 0
    )
    assert main(["import", str(out1), "--layer", "gold", "--project", p2]) == 0
    out2 = tmp_path / "out2.jsonl"
    assert (
        main(
            ["export", "--format", "jsonl", "--out", str(out2), "--layer", "gold", "--project", p2]
        )
        == 0
    )
    first, second = json.loads(out1.read_text()), json.loads(out2.read_text())
    assert first == second
    q = first["quotes"][0]
    assert (q["text"], q["speaker_name"], q["cue"], q["stance"], q["status"]) == (
        "we will win.",
        "Ann Lee",
        "said",
        "support",
        "accepted",
    )


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (
            ["export", "--format", "jsonl", "--out", "x.jsonl", "--project", "{tmp}/missing"],
            1,
            "no project",
        ),
        (["import", "{tmp}/nope.txt", "--project", "{tmp}/p"], 1, "no such file"),
        (["export", "--format", "bogus", "--out", "x"], 2, "invalid choice"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_exit_codes_and_one_plain_line(
    tmp_path: Path, args: list[str], code: int, needle: str
) -> None:
    result = saywho(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == code
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_help_and_version() -> None:
    assert "saywho" in saywho("--version").stdout
    for command in ("import", "export", "open"):
        result = saywho(command, "--help")
        assert result.returncode == 0 and "usage: saywho" in result.stdout


def test_brat_export_imports_back_as_a_layer(tmp_path: Path) -> None:
    p1, p2 = project_with_gold_layer(tmp_path / "p1"), str(tmp_path / "p2")
    brat = tmp_path / "brat"
    assert (
        main(["export", "--format", "brat", "--out", str(brat), "--layer", "gold", "--project", p1])
        == 0
    )
    assert main(["import", str(brat), "--project", p2]) == 1  # a brat folder needs --layer
    assert main(["import", str(brat), "--layer", "gold", "--project", p2]) == 0
    outs = []
    for proj in (p1, p2):
        out = tmp_path / f"{Path(proj).name}.jsonl"
        assert (
            main(
                [
                    "export",
                    "--format",
                    "jsonl",
                    "--out",
                    str(out),
                    "--layer",
                    "gold",
                    "--project",
                    proj,
                ]
            )
            == 0
        )
        outs.append({d["id"]: d for d in map(json.loads, out.read_text().splitlines())})
    assert outs[0].keys() == outs[1].keys()
    for doc_id, doc in outs[0].items():
        keep = ("start", "end", "text", "type", "speaker_name", "stance", "status")
        first = [{k: q[k] for k in keep} for q in doc["quotes"]]
        second = [{k: q[k] for k in keep} for q in outs[1][doc_id]["quotes"]]
        assert first == second, doc_id


def test_webanno_export_writes_a_folder(tmp_path: Path) -> None:
    proj = project_with_gold_layer(tmp_path / "p")
    out = tmp_path / "tsv"
    assert (
        main(
            [
                "export",
                "--format",
                "webanno",
                "--out",
                str(out),
                "--layer",
                "gold",
                "--project",
                proj,
            ]
        )
        == 0
    )
    assert any(out.glob("*.tsv"))


def _project_with(tmp_path: Path, *files: str) -> tuple[str, Path]:
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    (src / "a.txt").write_text(GOOD)
    return str(tmp_path / "p"), src


def test_the_same_file_twice_in_one_import_is_one_document(tmp_path: Path) -> None:
    p, src = _project_with(tmp_path)
    a = str(src / "a.txt")
    assert main(["import", a, a, str(src), "--project", p, "--quiet"]) == 0
    with Project.open(p, read_only=True) as proj:
        assert proj.document_ids() == ["a"]


def test_jsonl_ids_are_kept_and_duplicates_in_one_file_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p, src = _project_with(tmp_path)
    lines = [
        {"id": "a", "text": GOOD},
        {"id": "x", "text": "One text."},
        {"id": "x", "text": "Another text."},
        {"id": "x", "text": "One text."},
        {"id": "", "text": "No id."},
        {"id": {"no": 1}, "text": "Odd id."},
    ]
    (src / "in.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert main(["import", str(src / "in.jsonl"), "--project", p]) == 1
    err = capsys.readouterr().err
    assert "line 3: id 'x' is already used by" in err and "line 2" in err
    assert err.count('"id" must be') == 2
    with Project.open(p, read_only=True) as proj:
        assert sorted(proj.document_ids()) == ["a", "x"]
        assert proj.document("x").text == "One text."


def test_layer_import_for_a_document_whose_text_differs_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p, src = _project_with(tmp_path)
    assert main(["import", str(src / "a.txt"), "--project", p, "--quiet"]) == 0
    other = "X" + GOOD  # offsets of "we will keep going" shifted by one
    s = other.index("e will")
    line = {"id": "a", "text": other, "quotes": [{"start": s, "end": s + 5}]}
    (src / "gold.jsonl").write_text(json.dumps(line) + "\n")
    code = main(["import", str(src / "gold.jsonl"), "--layer", "gold", "--project", p, "--quiet"])
    assert code == 1
    assert "different text" in capsys.readouterr().err
    with Project.open(p, read_only=True) as proj:
        assert not proj.has_layer("a", "gold")


@pytest.mark.parametrize("command", ["export", "stats"])
def test_an_unknown_layer_is_an_error_not_the_suggestions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    p, src = _project_with(tmp_path)
    assert main(["import", str(src / "a.txt"), "--project", p, "--quiet"]) == 0
    extra = ["--format", "jsonl", "--out", str(tmp_path / "o.jsonl")] if command == "export" else []
    assert main([command, *extra, "--layer", "glod", "--project", p]) == 1
    assert "no layer named 'glod'" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()
    assert main([command, *extra, "--layer", "suggestions", "--project", p]) == 0


def test_system_errors_are_one_plain_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p, src = _project_with(tmp_path)
    assert main(["import", str(src / "a.txt"), "--project", p, "--quiet"]) == 0
    capsys.readouterr()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cases = [
        ["import", str(src / "a.txt"), "--project", str(blocker / "p")],
        ["export", "--format", "csv", "--out", str(blocker / "o.csv"), "--project", p],
        ["import", str(src / "a.txt"), "--layer", "", "--project", p],
    ]
    for args in cases:
        assert main(args) == 1, args
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("saywho: "), (args, err)


def test_jsonl_with_a_bom_and_crlf_reads(tmp_path: Path) -> None:
    from annotations.formats.readers import read_jsonl_bytes

    data = b"\xef\xbb\xbf" + b'{"id": "a", "text": "One."}\r\n{"id": "b", "text": "Two."}\r\n'
    results = list(read_jsonl_bytes(data, "in.jsonl"))
    assert [r.document.id for r in results if r.document] == ["a", "b"]


def test_export_leaves_out_a_damaged_document_loudly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p, src = _project_with(tmp_path)
    (src / "b.txt").write_text(GOOD.replace("mayor", "governor"))
    assert main(["import", str(src), "--project", p, "--quiet"]) == 0
    (Path(p) / "annotations" / "b" / "suggestions.json").write_bytes(b'{"torn":')
    out = tmp_path / "o.jsonl"
    args = ["export", "--format", "jsonl", "--out", str(out), "--layer", "suggestions"]
    assert main([*args, "--project", p]) == 1
    err = capsys.readouterr().err
    assert "skipped: document 'b' is damaged" in err and "1 damaged" in err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a"]
    assert (Path(p) / "annotations" / "b" / "suggestions.json").read_bytes() == b'{"torn":'


def test_an_import_that_reads_nothing_creates_no_project(tmp_path: Path) -> None:
    assert main(["import", str(tmp_path / "typo.txt"), "--project", str(tmp_path / "p")]) == 1
    assert not (tmp_path / "p").exists()


def test_layer_import_never_overwrites_a_differing_layer_silently(tmp_path: Path) -> None:
    proj = str(tmp_path / "p")
    text = 'Ann Lee said "we will win." Bob said "no."'
    s = text.index("we will")

    def line(stance: str) -> str:
        quote = {
            "start": s,
            "end": s + len("we will win."),
            "type": "direct",
            "stance": stance,
            "speaker": "Ann Lee",
            "status": "accepted",
        }
        return json.dumps({"id": "g1", "text": text, "quotes": [quote]}) + "\n"

    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(line("support"))
    second.write_text(line("oppose"))
    assert main(["import", str(first), "--layer", "ana", "--project", proj]) == 0
    assert main(["import", str(first), "--layer", "ana", "--project", proj]) == 0  # same: no-op
    assert main(["import", str(second), "--layer", "ana", "--project", proj]) == 1
    with Project.open(tmp_path / "p", "x", read_only=True) as project:
        assert [q.stance for q in project.layer("g1", "ana").quotes.values()] == ["support"]
    assert main(["import", str(second), "--layer", "ana", "--replace", "--project", proj]) == 0
    with Project.open(tmp_path / "p", "x", read_only=True) as project:
        assert [q.stance for q in project.layer("g1", "ana").quotes.values()] == ["oppose"]
        kept = [e for e in project.journal() if e["op"] == "replace-layer"]
        assert kept and next(iter(kept[-1]["data"]["quotes"].values()))["stance"] == "support"


def test_a_first_layer_import_is_journaled_like_a_replacing_one(tmp_path: Path) -> None:
    """The first ``import --layer`` of a document's layer is in the journal (who, when, the
    empty layer it replaced), as a later ``--replace`` is."""
    proj = str(tmp_path / "p")
    text = 'Ann Lee said "we will win." Bob said "no."'
    s = text.index("we will")
    quote = {"start": s, "end": s + len("we will win."), "type": "direct",
             "speaker": "Ann Lee", "status": "accepted"}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "text": text, "quotes": [quote]}) + "\n")
    assert main(["import", str(gold), "--project", proj]) == 0  # the document, no layer
    assert main(["import", str(gold), "--layer", "gold", "--project", proj]) == 0
    with Project.open(tmp_path / "p", "x", read_only=True) as project:
        assert len(project.layer("g1", "gold").quotes) == 1
        stored = [(e["what"], e["data"]["doc"], e["data"]["layer"], e["data"]["quotes"])
                  for e in project.journal() if e["op"] == "replace-layer"]
    assert stored == [("stored layer gold of g1", "g1", "gold", {})]


def test_exports_are_readable_by_others(tmp_path: Path) -> None:
    proj = project_with_gold_layer(tmp_path / "p")
    out = tmp_path / "out.csv"
    assert (
        main(["export", "--format", "csv", "--out", str(out), "--layer", "gold", "--project", proj])
        == 0
    )
    assert out.stat().st_mode & 0o044 == 0o044


def test_a_layer_coded_with_labels_outside_the_scheme_is_kept_and_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '"We will win," said Mayor Jo Li. "It is lost," said Bob Ray.'
    quotes = [{"start": 1, "end": 13, "type": "direct", "speaker": "Jo Li", "stance": "pro"},
              {"start": 33, "end": 44, "type": "direct", "speaker": "Bob Ray", "stance": "anti"}]
    path = tmp_path / "coded.jsonl"
    path.write_text(json.dumps({"id": "c", "text": text, "quotes": quotes}) + "\n",
                    encoding="utf-8")
    folder = str(tmp_path / "p")
    assert main(["import", str(path), "--layer", "gold", "--project", folder]) == 0
    notes = [ln for ln in capsys.readouterr().err.splitlines() if "scheme does not have" in ln]
    assert len(notes) == 1 and "2 quote(s)" in notes[0] and "pro" in notes[0]
    with Project.open(tmp_path / "p", "reader", read_only=True) as project:
        stances = sorted(q.stance for q in project.layer("c", "gold").quotes.values())
    assert stances == ["anti", "pro"]


def test_import_next_to_an_open_session_of_the_same_annotator(tmp_path: Path) -> None:
    """The README's promise: a second saywho of the same annotator (a TUI left open, then
    ``saywho import`` in another terminal, both under the login name) can still import. The
    command checked the session's read-only flag (set by the other process's lock on the
    annotator's layers) instead of the project's."""
    from annotations.session import Session

    folder = tmp_path / "p"
    first = tmp_path / "a.txt"
    first.write_text(GOOD, encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text("Bob said the vote is on Monday.\n", encoding="utf-8")
    assert main(["import", str(first), "--project", str(folder), "--annotator", "ana"]) == 0
    with Session.open(folder, "ana") as held:  # the open TUI
        assert not held.read_only
        assert main(["import", str(second), "--project", str(folder), "--annotator", "ana"]) == 0
    with Session.open(folder, "reader", read_only=True) as session:
        assert len(session.document_ids()) == 2


def test_import_takes_export_s_name_for_the_interchange_jsonl(tmp_path: Path) -> None:
    folder = project_with_gold_layer(tmp_path / "p")
    out = tmp_path / "gold.jsonl"
    assert main(["export", "--format", "jsonl", "--layer", "gold", "--out", str(out),
                 "--project", folder]) == 0
    renamed = out.rename(tmp_path / "gold.out")  # --format names it whatever its name
    again = str(tmp_path / "q")
    assert main(["import", str(renamed), "--format", "jsonl", "--layer", "gold",
                 "--project", again]) == 0
    with Project.open(tmp_path / "q", "reader", read_only=True) as project:
        assert project.document_ids() and all(
            project.has_layer(d, "gold") for d in project.document_ids())


def test_a_webanno_folder_round_trips_documents_whose_ids_are_not_file_names(
    tmp_path: Path,
) -> None:
    """Every shared gold id holds ':' ('ggt:dev:…'): the export names such a file with a slug
    and a hash, and the import took that stem for the id and refused every document."""
    text = 'The mayor said "we will keep going" on Monday.\n\nBob agreed with her.'
    record = {"id": "gold:dev:1", "text": text,
              "quotes": [{"start": 16, "end": 34, "type": "direct", "speaker": "The mayor"}]}
    src = tmp_path / "g.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    folder = str(tmp_path / "p")
    assert main(["import", str(src), "--layer", "gold", "--project", folder]) == 0
    out = tmp_path / "wa"
    assert main(["export", "--format", "webanno", "--layer", "gold", "--out", str(out),
                 "--project", folder]) == 0
    assert not (out / "gold:dev:1.tsv").exists()  # a slug and a hash, not the id
    assert main(["import", str(out), "--format", "webanno", "--layer", "back",
                 "--project", folder]) == 0
    with Project.open(tmp_path / "p", "reader", read_only=True) as project:
        back = project.layer("gold:dev:1", "back")
        assert [(q.start, q.end) for q in back.quotes.values()] == [(16, 34)]


def test_a_label_studio_region_with_a_label_saywho_does_not_read_is_said_not_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A quote region relabelled "Foo" in Label Studio was left out with no word (604 of 605
    quotes came back); the document is refused in one line naming the label."""
    folder = project_with_gold_layer(tmp_path / "p")
    out = tmp_path / "ls.json"
    assert main(["export", "--format", "labelstudio", "--layer", "gold", "--out", str(out),
                 "--project", folder]) == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    result = (tasks[0].get("annotations") or tasks[0]["predictions"])[0]["result"]
    region = next(r for r in result if r["type"] == "labels" and r["value"]["labels"] == ["Quote"])
    region["value"]["labels"] = ["Foo"]
    out.write_text(json.dumps(tasks), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(out), "--layer", "ls", "--project", folder]) == 1
    errors = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("error")]
    assert len(errors) == 1 and 'Foo' in errors[0] and "Quote, Speaker, Cue" in errors[0]


def test_a_garbled_brat_line_refuses_its_document_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text-bound line whose offsets were mangled ("Speaker -3 16") did not match and was
    skipped as an unknown kind: the import said nothing and, with --replace, rewrote the
    layer without that mention."""
    folder = project_with_gold_layer(tmp_path / "p")
    out = tmp_path / "b"
    assert main(["export", "--format", "brat", "--layer", "gold", "--out", str(out),
                 "--project", folder]) == 0
    ann = next(p for p in sorted(out.glob("*.ann")) if "\tSpeaker " in p.read_text("utf-8"))
    lines = ann.read_text(encoding="utf-8").splitlines()
    i = next(n for n, ln in enumerate(lines) if "\tSpeaker " in ln)
    tid, rest = lines[i].split("\t", 1)
    kind, offsets = rest.split("\t", 1)[0].split(" ", 1)
    lines[i] = lines[i].replace(f"{kind} {offsets}", f"{kind} -3 {offsets.split()[-1]}", 1)
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", str(out), "--layer", "gold", "--replace", "--project", folder]) == 1
    err = capsys.readouterr().err
    assert f":{i + 1}: a text-bound (T) line saywho cannot read" in err


def test_stats_leaves_out_a_damaged_layer_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A layer file damaged by something else is not counted as the suggestions it started
    from (it was: 0/2 reviewed where 1 was): it is left out, named on stderr, exit 1."""
    from annotations.edits import AcceptQuote
    from annotations.session import Session

    p, src = _project_with(tmp_path)
    (src / "b.txt").write_text(GOOD.replace("mayor", "governor"))
    assert main(["import", str(src), "--project", p, "--quiet"]) == 0
    with Session.open(p, "ana") as session:
        for doc in ("a", "b"):
            session.apply(AcceptQuote(doc, next(iter(session.layer(doc).quotes))))
    (Path(p) / "annotations" / "b" / "ana.json").write_bytes(b"garbage{")
    capsys.readouterr()
    assert main(["stats", "--json", "--project", p, "--annotator", "ana"]) == 1
    captured = capsys.readouterr()
    stats = json.loads(captured.out)
    assert [d["id"] for d in stats["per_document"]] == ["a"]
    assert stats["reviewed"] == 1
    assert "damaged, not counted: document 'b' is damaged" in captured.err


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano"])
def test_one_bad_document_in_a_tool_export_holds_back_only_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """A Label Studio or doccano export of the whole corpus with one task broken (an offset
    past its text): the other documents load as the layer, the broken one is named in one
    line, the exit code is 1; before, the whole file was refused at the first bad task."""
    folder = project_with_gold_layer(tmp_path / "p")
    out = tmp_path / ("ls.json" if fmt == "labelstudio" else "dc.jsonl")
    assert main(["export", "--format", fmt, "--layer", "gold", "--out", str(out),
                 "--project", folder]) == 0
    if fmt == "labelstudio":
        tasks = json.loads(out.read_text(encoding="utf-8"))
        broken = tasks[1]["data"]["doc_id"]
        result = (tasks[1].get("annotations") or tasks[1]["predictions"])[0]["result"]
        next(r for r in result if r["type"] == "labels")["value"]["end"] = 10**6
        out.write_text(json.dumps(tasks), encoding="utf-8")
        total = len(tasks)
    else:
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        broken = lines[1]["saywho"]["doc_id"]
        lines[1]["entities"][0]["end_offset"] = 10**6
        out.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
        total = len(lines)
    capsys.readouterr()
    assert main(["import", str(out), "--layer", "tool", "--project", folder]) == 1
    errors = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("error")]
    assert len(errors) == 1 and "lies outside the text" in errors[0], errors
    with Project.open(Path(folder), "check", read_only=True) as project:
        loaded = [d for d in project.document_ids() if project.has_layer(d, "tool")]
        assert broken not in loaded and len(loaded) == total - 1
        for doc_id in loaded:
            gold, tool = project.layer(doc_id, "gold"), project.layer(doc_id, "tool")
            assert sorted((q.start, q.end) for q in tool.quotes.values()) == sorted(
                (q.start, q.end) for q in gold.quotes.values())


def test_an_export_never_writes_into_the_project_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--out P/journal/ana.jsonl` replaced the annotator's journal with a CSV; `--out
    P/saywho.json` the project file. Refused, the files untouched; `-` names no file."""
    proj = project_with_gold_layer(tmp_path / "p")
    folder = Path(proj)
    capsys.readouterr()
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    for target in ("saywho.json", "journal/x.jsonl", "new.csv", "."):
        fmt = "csv" if target.endswith(".csv") else "jsonl"
        code = main(["export", "--format", fmt, "--out", str(folder / target), "--project", proj])
        assert code == 1
        err = capsys.readouterr().err
        assert "inside the project folder" in err and len(err.strip().splitlines()) == 1
    assert main(["export", "--format", "csv", "--out", "-", "--project", proj]) == 1
    assert "'-' (standard output) is not one here" in capsys.readouterr().err
    assert not (tmp_path / "-").exists() and not (folder / "new.csv").exists()
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "q.csv"),
                 "--layer", "gold", "--project", proj]) == 0


def test_a_layer_open_in_its_annotator_s_session_is_not_replaced_under_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cy's `import --layer ana --replace` wrote over ana's layer while ana's session had it
    open (merge refuses the same): refused in one line, ana's layer as she left it; once her
    session is closed, it goes in."""
    from annotations.edits import SetStance
    from annotations.session import Session

    proj = project_with_gold_layer(tmp_path / "p")
    gold = REPO / "tests" / "golden" / "sample.jsonl"
    with Project.open(proj, read_only=True) as project:
        doc_id = project.document_ids()[0]
        qid = next(iter(project.layer(doc_id, "gold").quotes))
    with Session.open(proj, "ana") as ana:
        ana.apply(SetStance(doc_id, qid, "support"))
        before = ana.layer(doc_id)
        capsys.readouterr()
        args = ["import", str(gold), "--layer", "ana", "--replace", "--project", proj,
                "--annotator", "cy"]
        assert main(args) == 1
        err = capsys.readouterr().err
        assert "open for editing in another saywho of annotator 'ana'" in err
        assert ana.layer(doc_id) == before
    assert main(args) == 0
    with Project.open(proj, read_only=True) as project:
        assert project.layer(doc_id, "ana").quotes[qid].stance != "support"


def test_json_saved_as_utf16_is_said_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A JSONL or Label Studio file saved as UTF-16 read as "binary file (NUL bytes)" or
    "surrogates not allowed": it now says what it is and what to do."""
    proj = project_with_gold_layer(tmp_path / "p")
    jsonl = tmp_path / "u16.jsonl"
    jsonl.write_bytes('{"id": "w", "text": "Wide text."}\n'.encode("utf-16"))
    ls = tmp_path / "u16.json"
    ls.write_bytes("[]".encode("utf-16"))
    capsys.readouterr()
    assert main(["import", str(jsonl), "--project", proj]) == 1
    assert "saved as UTF-16; JSON files must be UTF-8" in capsys.readouterr().err
    assert main(["import", str(ls), "--layer", "x", "--format", "labelstudio",
                 "--project", proj]) == 1
    assert "saved as UTF-16; JSON files must be UTF-8" in capsys.readouterr().err


def test_a_brat_folder_without_its_id_file_finds_its_documents_by_text(tmp_path: Path) -> None:
    """Without saywho-ids.tsv a brat file's name is no document id: its layer went onto a
    second copy of the document. The document of the same text takes it."""
    proj = project_with_gold_layer(tmp_path / "p")
    brat = tmp_path / "brat"
    assert main(["export", "--format", "brat", "--out", str(brat), "--layer", "gold",
                 "--project", proj]) == 0
    (brat / "saywho-ids.tsv").unlink()
    with Project.open(proj, read_only=True) as project:
        ids = project.document_ids()
        gold = {d: project.layer(d, "gold") for d in ids}
    assert main(["import", str(brat), "--layer", "back", "--project", proj]) == 0
    with Project.open(proj, read_only=True) as project:
        assert project.document_ids() == ids  # no second copy of any
        for doc_id in ids:
            back = project.layer(doc_id, "back")
            assert [(q.start, q.end) for q in back.sorted_quotes()] == [
                (q.start, q.end) for q in gold[doc_id].sorted_quotes()]


def test_a_brat_file_saved_without_its_final_newline_loads_onto_its_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its text is its document's, final line end aside: the layer went nowhere ('a document
    with this id but different text')."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "solo.txt").write_text(GOOD)
    proj = str(tmp_path / "p")
    assert main(["import", str(src), "--project", proj]) == 0
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "other.txt").write_text(GOOD.rstrip())
    (brat / "other.ann").write_text("T1\tQuote 16 34\twe will keep going\n")
    capsys.readouterr()
    assert main(["import", str(brat), "--layer", "gold", "--project", proj]) == 0, (
        capsys.readouterr().err)
    with Project.open(proj, read_only=True) as project:
        assert project.document_ids() == ["solo"]
        gold = project.layer("solo", "gold")
        assert [q.text for q in gold.quotes.values()] == ["we will keep going"]


def test_a_brat_file_whose_text_several_documents_hold_is_refused_not_guessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wire story two outlets ran is two documents of one text: a brat file without its id
    file went onto the last of them, and --replace overwrote that one's layer."""
    src = tmp_path / "src"
    for outlet in ("nyt", "wapo"):
        (src / outlet).mkdir(parents=True)
        (src / outlet / f"{outlet}-story.txt").write_text(GOOD)
    proj = str(tmp_path / "p")
    assert main(["import", str(src), "--project", proj]) == 0
    brat = tmp_path / "brat"
    brat.mkdir()
    (brat / "z.txt").write_text(GOOD.rstrip())  # saved without its final newline: one text
    (brat / "z.ann").write_text("T1\tQuote 16 33\twe will keep going\n")
    capsys.readouterr()
    assert main(["import", str(brat), "--layer", "gold", "--replace", "--project", proj]) == 1
    assert "its text is held by 2 documents (nyt-story, wapo-story)" in capsys.readouterr().err
    with Project.open(proj, read_only=True) as project:
        assert not any(project.has_layer(d, "gold") for d in project.document_ids())


def test_a_folder_export_says_which_files_it_found_there_and_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export --layer gold` then `--layer ana` into one brat folder left gold's files beside
    ana's without a word, and importing the folder counted them as ana's."""
    proj = project_with_gold_layer(tmp_path / "p")
    brat = tmp_path / "brat"
    assert main(["export", "--format", "brat", "--out", str(brat), "--layer", "gold",
                 "--project", proj]) == 0
    (brat / "old-export.ann").write_text("T1\tQUOTE 0 3\tThe\n")
    capsys.readouterr()
    assert main(["export", "--format", "brat", "--out", str(brat), "--layer", "gold",
                 "--project", proj]) == 0
    err = capsys.readouterr().err
    assert "note: 1 file in" in err and "old-export.ann" in err
    assert "not written by this export" in err


def test_damage_found_while_a_command_works_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged gold.json met by `import --layer gold` was moved aside and replaced with
    nothing said (damage is said when a project opens; this was found later)."""
    proj = project_with_gold_layer(tmp_path / "p")
    gold = REPO / "tests" / "golden" / "sample.jsonl"
    layer_file = sorted((Path(proj) / "annotations").glob("*/gold.json"))[0]
    layer_file.write_bytes(b'{"_default": {"1": ')
    capsys.readouterr()
    assert main(["import", str(gold), "--layer", "gold", "--replace", "--project", proj]) == 0
    err = capsys.readouterr().err
    assert "saywho: warning:" in err and "gold.json" in err and "moved aside" in err
    assert list(layer_file.parent.glob("gold.json.damaged-*"))


def test_an_id_longer_than_any_export_reads_back_is_refused_at_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 300-character id was imported, then saywho refused its own Label Studio and doccano
    exports of it (their ids stop at 256): one limit, at import."""
    src = tmp_path / "long.jsonl"
    src.write_text(json.dumps({"id": "x" * 300, "text": "“We will win,” said Bob Smith."}) + "\n"
                   + json.dumps({"id": "x" * 256, "text": "“We lost,” said Ann Lee."}) + "\n")
    proj = str(tmp_path / "p")
    assert main(["import", str(src), "--project", proj, "--quiet"]) == 1
    assert '"id" is longer than 256 characters (300)' in capsys.readouterr().err
    out = tmp_path / "ls.json"
    assert main(["export", "--format", "labelstudio", "--out", str(out), "--project", proj]) == 0
    assert main(["import", str(out), "--layer", "back", "--project", proj]) == 0


def test_an_export_the_system_refuses_names_the_file_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It named the temp file beside the target (.q.csv.saywho-1234-x.tmp)."""
    proj = project_with_gold_layer(tmp_path / "p")
    capsys.readouterr()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = blocker / "q.csv"  # its folder is a file: no one can write there, root neither
    assert main(["export", "--format", "csv", "--out", str(target), "--layer", "gold",
                 "--project", proj]) == 1
    err = capsys.readouterr().err
    assert f"cannot write {target}" in err and ".tmp" not in err


def test_a_layer_named_like_another_but_for_capitals_is_refused_before_any_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``import --layer GOLD`` next to a "gold" layer some documents have: refused in one
    line for the whole import (it was refused only where "gold" was, and ``GOLD.json`` was
    written beside the others: one file on macOS and Windows); "Final" likewise."""
    sample = (REPO / "tests" / "golden" / "sample.jsonl").read_text(encoding="utf-8")
    first = tmp_path / "first.jsonl"
    first.write_text(sample.splitlines(keepends=True)[0], encoding="utf-8")
    every = tmp_path / "every.jsonl"
    every.write_text(sample, encoding="utf-8")
    folder = tmp_path / "p"
    assert main(["import", str(every), "--project", str(folder)]) == 0
    assert main(["import", str(first), "--layer", "gold", "--project", str(folder)]) == 0
    capsys.readouterr()
    for name in ("GOLD", "Final", "Suggestions"):
        assert main(["import", str(every), "--layer", name, "--project", str(folder)]) == 1
        said = capsys.readouterr().err.strip().splitlines()
        assert len(said) == 1 and "only in capitals" in said[0], said
    written = sorted(p.name for p in (folder / "annotations").rglob("*.json"))
    assert not [n for n in written if n in ("GOLD.json", "Final.json", "Suggestions.json")]


def test_an_import_with_a_layer_says_what_became_of_the_layers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``--replace`` that changed nothing and one that stored the layers looked the same
    (only the documents' table was printed): the layers get their own row of counts."""
    import re

    gold = REPO / "tests" / "golden" / "sample.jsonl"
    folder = str(tmp_path / "p")

    def layer_counts() -> list[int]:
        out = capsys.readouterr().out
        assert "import --layer gold" in out
        rows = [r for r in out.splitlines() if re.fullmatch(r"[│\s\d]+", r) and r.strip()]
        return [int(n) for n in re.findall(r"\d+", rows[-1])]

    assert main(["import", str(gold), "--layer", "gold", "--project", folder]) == 0
    assert layer_counts() == [3, 0, 0]
    assert main(["import", str(gold), "--layer", "gold", "--replace", "--project", folder]) == 0
    assert layer_counts() == [0, 3, 0]


def test_an_import_counts_each_document_once_in_the_row_of_what_became_of_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A known document whose layer or metadata this import brings is refused counts as failed,
    not also as unchanged."""
    import re

    lines = (REPO / "tests" / "golden" / "sample.jsonl").read_text(
        encoding="utf-8").splitlines()
    folder = str(tmp_path / "p")

    def counts() -> list[list[int]]:
        out = capsys.readouterr().out
        rows = [r for r in out.splitlines() if re.fullmatch(r"[│\s\d]+", r) and r.strip()]
        return [[int(n) for n in re.findall(r"\d+", row)] for row in rows]

    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", str(first), "--layer", "gold", "--project", folder]) == 0
    assert counts() == [[3, 0, 0, 0], [3, 0, 0]]
    changed = [json.loads(line) for line in lines]
    changed[0]["quotes"][0]["stance"] = "oppose" if changed[0]["quotes"][0].get(
        "stance") != "oppose" else "support"
    changed[1]["meta"] = {"outlet": "Inquirer"}
    second = tmp_path / "second.jsonl"
    second.write_text("".join(json.dumps(d) + "\n" for d in changed), encoding="utf-8")
    assert main(["import", str(second), "--layer", "gold", "--project", folder]) == 1
    # added, unchanged, failed, skipped; loaded, unchanged, refused (layers)
    assert counts() == [[0, 2, 1, 0], [0, 2, 1]]  # the second gets its metadata
    changed[1]["meta"] = {"outlet": "WaPo"}
    second.write_text("".join(json.dumps(d) + "\n" for d in changed), encoding="utf-8")
    assert main(["import", str(second), "--project", folder]) == 1
    assert counts() == [[0, 2, 1, 0]]  # its metadata refused: failed only


def test_an_export_of_your_own_empty_layer_beside_the_coders_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PI exporting without ``--layer`` got the detector's suggestions under her name, exit
    0, not a word of the coders' layers: while others' layers exist and hers holds nothing,
    one line names them and nothing is written; with ``--layer`` it exports."""
    folder = project_with_gold_layer(tmp_path / "p")
    out = tmp_path / "q.csv"
    capsys.readouterr()
    args = ["export", "--format", "csv", "--out", str(out), "--project", folder]
    assert main(["--annotator", "pi", *args]) == 1
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "gold" in said[0] and "--layer" in said[0], said
    assert not out.exists()
    assert main(["--annotator", "pi", *args, "--layer", "gold"]) == 0 and out.exists()
    # an annotator the corpus index knows a layer of is let through without a stat per file
    import annotations.indexed_layers as indexed

    made: list[object] = []
    real = indexed.IndexedLayerNames
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexed, "IndexedLayerNames", lambda *a: made.append(a) or real(*a))
        assert main(["--annotator", "gold", *args]) == 0
    assert made == []


def test_a_folder_import_leaves_a_saywho_project_inside_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project made inside the articles folder (``saywho --project articles/proj``) had its
    own texts imported as documents, and each of its files listed as skipped: it is one
    skipped line now, and only the articles come in."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(GOOD, encoding="utf-8")
    inner = str(articles / "proj")
    assert main(["import", str(articles / "a.txt"), "--project", inner]) == 0
    capsys.readouterr()
    target = str(tmp_path / "real")
    assert main(["import", str(articles), "--project", target]) == 0
    err = [ln for ln in capsys.readouterr().err.strip().splitlines()
           if "created a new project" not in ln]
    assert len(err) == 1 and "a saywho project" in err[0], err
    with Project.open(target, "ann", create=False) as project:
        assert [info.source.rsplit("/", 1)[-1] for info in project.documents()] == ["a.txt"]


def test_the_layers_of_a_team_export_as_one_long_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--layer`` several times (csv, jsonl): every layer in one file, a row or line per
    layer of each document that has it, named in a ``layer`` column (what R's irr or a pandas
    pivot reads); it silently kept the last ``--layer``. Other formats refuse in one line."""
    import csv as csv_module

    folder = project_with_gold_layer(tmp_path / "p")
    gold = REPO / "tests" / "golden" / "sample.jsonl"
    first = tmp_path / "first.jsonl"
    first.write_text(gold.read_text(encoding="utf-8").splitlines(keepends=True)[0],
                     encoding="utf-8")
    assert main(["import", str(first), "--layer", "ben", "--project", folder]) == 0
    capsys.readouterr()
    out = tmp_path / "team.csv"
    assert main(["export", "--format", "csv", "--out", str(out), "--layer", "gold",
                 "--layer", "ben", "--project", folder]) == 0
    said = capsys.readouterr().err
    assert "2 documents have no layer ben" in said and "left out of it" in said, said
    rows = list(csv_module.DictReader(out.open(encoding="utf-8", newline="")))
    by_layer = {name: [r for r in rows if r["layer"] == name] for name in ("gold", "ben")}
    assert by_layer["gold"] and by_layer["ben"] and len(rows) == sum(map(len,
                                                                        by_layer.values()))
    assert {r["document"] for r in by_layer["ben"]} < {r["document"] for r in by_layer["gold"]}
    lines = tmp_path / "team.jsonl"
    assert main(["export", "--format", "jsonl", "--out", str(lines), "--layer", "gold",
                 "--layer", "ben", "--project", folder]) == 0
    layers = [json.loads(x)["layer"] for x in lines.read_text(encoding="utf-8").splitlines()]
    assert layers.count("ben") == 1 and layers.count("gold") == len(layers) - 1
    capsys.readouterr()
    assert main(["export", "--format", "brat", "--out", str(tmp_path / "b"), "--layer", "gold",
                 "--layer", "ben", "--project", folder]) == 1
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "only csv and jsonl" in said[0], said
    for blank in (["--layer", ""], ["--layer", " ", "--layer", "gold"]):
        assert main(["export", "--format", "csv", "--out", str(tmp_path / "x.csv"), *blank,
                     "--project", folder]) == 1
        assert "--layer needs a name" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def ctrl_c_at(monkeypatch: pytest.MonkeyPatch, owner: type, method: str, nth: int) -> None:
    """Make the ``nth`` call of ``owner.method`` raise KeyboardInterrupt, as Ctrl-C would."""
    real, calls = getattr(owner, method), []

    def interrupted(self: object, *args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == nth:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(owner, method, interrupted)


def test_ctrl_c_during_an_import_says_what_was_stored_and_that_the_project_is_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C said only "interrupted": the researcher could not tell whether the project was
    damaged or what was in it. It says how many documents were stored, which is what the
    project lists afterwards; the exit code stays 1. (The interrupt comes as the eighth
    document is detected, as a KeyboardInterrupt from Ctrl-C would.)"""
    import re

    from annotations.session import Session

    src = tmp_path / "in"
    src.mkdir()
    for k in range(20):
        (src / f"a{k:04}.txt").write_text(f"Story {k}. {GOOD}")
    ctrl_c_at(monkeypatch, Session, "suggest", 8)
    proj = tmp_path / "p"
    assert main(["import", str(src), "--jobs", "1", "--project", str(proj)]) == 1
    err = capsys.readouterr().err
    said = re.search(r"interrupted: (\d+) documents? stored before it; the project is intact",
                     err)
    assert said is not None, err
    with Project.open(proj, read_only=True) as project:
        assert len(project.document_ids()) == int(said.group(1)) == 7


def test_ctrl_c_while_a_layer_loads_says_how_many_documents_got_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in the layer phase of import --layer said "0 documents stored" while 263 of 400
    documents already had the layer: an agree or eval run then used a partial gold."""
    from annotations.session import Session

    lines = [{"id": f"d{k}", "text": f"Story {k}. {GOOD}",
              "quotes": [{"start": 25, "end": 42, "type": "direct"}]} for k in range(6)]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(line) + "\n" for line in lines))
    ctrl_c_at(monkeypatch, Session, "put_layer", 4)
    assert main(["import", str(gold), "--layer", "gold", "--project", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err
    assert "6 documents stored before it; 3 documents got layer 'gold', the others not yet" in err
    with Project.open(tmp_path / "p", read_only=True) as project:
        assert sum(project.has_layer(d, "gold") for d in project.document_ids()) == 3


def test_a_text_already_in_the_project_under_another_name_is_skipped_and_named(
    tmp_path: Path,
) -> None:
    """The same article saved under two file names came in silently as two documents, each
    counted in every statistic. The second is left out with one line naming the document
    that holds its text, whether it is in the same import or an earlier one."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD)
    (src / "b.txt").write_text(GOOD)
    (src / "other.txt").write_text("Another story.\n")
    proj = str(tmp_path / "p")
    first = saywho("import", str(src), "--project", proj)
    (tmp_path / "copy.txt").write_text(GOOD)
    second = saywho("import", str(tmp_path / "copy.txt"), "--project", proj)
    assert (first.returncode, second.returncode) == (0, 0)
    assert "skipped: b: same text as 'a'; skipped" in first.stderr.splitlines()
    assert "skipped: copy: same text as 'a'; skipped" in second.stderr.splitlines()
    with Project.open(proj, read_only=True) as project:
        assert project.document_ids() == ["a", "other"]
