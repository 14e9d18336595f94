"""Article metadata (outlet, date, url...): read from JSONL, HTML and Markdown at import, kept
by the project (through a lost project file too), carried by every export that has a place
for it and read back by independent readers (``csv``, ``json``), counted by ``stats --by``."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.formats.page_meta import front_matter, html_meta
from annotations.metadata import group_of, parse_grouping, read_meta, record_meta
from annotations.store import Project
from tests.conftest import REPO

LINES = [
    {"id": "a1", "text": 'The mayor said the budget was balanced. "We did it," said Jim Kenney.',
     "meta": {"outlet": "Inquirer", "date": "2024-03-01"}, "url": "https://x.test/a1"},
    {"id": "a2", "text": "Critics say the plan will fail.", "publish_date": "2024-04-02",
     "media_name": "WaPo", "authors": ["A B", "C D"]},
    {"id": "a3", "text": "No metadata here, officials said."},
]


def saywho(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def write_jsonl(path: Path, lines: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "p"
    done = saywho("import", str(write_jsonl(tmp_path / "c.jsonl", LINES)), "--project",
                  str(folder))
    assert done.returncode == 0, done.stderr
    return folder


def test_other_tools_names_are_read_as_ours_and_bad_values_are_refused_by_name() -> None:
    meta, problem = record_meta(LINES[1], "line 2")
    assert problem == ""
    assert meta == (("author", "A B; C D"), ("date", "2024-04-02"), ("outlet", "WaPo"))
    assert read_meta([("Published-Date", " 2024 \n 05 "), ("empty", "")])[0] == (
        ("date", "2024 05"),)
    for pairs, needle in (([("x", {"y": 1})], "'x' must be text"),
                          ([("9x", "1")], "'9x' cannot be a metadata key"),
                          ([("x", "v" * 3000)], "longer than")):
        assert read_meta(pairs, "line 3") == ((), read_meta(pairs, "line 3")[1])
        assert needle in read_meta(pairs, "line 3")[1]
    assert 'must be an object' in record_meta({"meta": ["x"]}, "line 4")[1]


def test_a_page_s_tags_and_a_markdown_front_matter_give_metadata() -> None:
    page = ('<html lang="en"><head><meta property="og:site_name" content="The Times">'
            '<meta name="author" content="Ann Lee"><meta property="og:url" content="https://o">'
            '<meta property="article:published_time" content="2024-04-01T10:00:00Z">'
            '<link rel="canonical" href="https://t.test/p"></head><body><p>x</p></body></html>')
    assert dict(html_meta(page)) == {"outlet": "The Times", "author": "Ann Lee",
                                     "url": "https://t.test/p", "language": "en",
                                     "date": "2024-04-01T10:00:00Z"}
    title, meta = front_matter(
        '---\ntitle: "Front"\ndate: 2024-05-01\ntags:\n  - a\n  - b\n---\n\nHe said no.\n')
    assert (title, dict(meta)) == ("Front", {"date": "2024-05-01", "tags": "a; b"})
    assert front_matter("---\nnot: front: matter: [\n") == ("", ())  # never closed


def test_the_metadata_goes_through_every_export_and_back(project: Path, tmp_path: Path) -> None:
    out = {f: tmp_path / f"out.{f}" for f in ("csv", "jsonl", "labelstudio", "doccano")}
    for fmt, path in out.items():
        done = saywho("export", "--project", str(project), "--layer", "suggestions",
                      "--format", fmt, "--out", str(path))
        assert done.returncode == 0, done.stderr
    with out["csv"].open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[-4:] == ["meta_author", "meta_date", "meta_outlet", "meta_url"]
    by_doc = {r["document"]: r for r in rows}
    assert by_doc["a1"]["meta_outlet"] == "Inquirer" and by_doc["a1"]["meta_url"].endswith("a1")
    assert by_doc["a2"]["meta_author"] == "A B; C D" and by_doc["a3"]["meta_date"] == ""
    lines = [json.loads(x) for x in out["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert [line.get("meta") for line in lines] == [
        {"date": "2024-03-01", "outlet": "Inquirer", "url": "https://x.test/a1"},
        {"author": "A B; C D", "date": "2024-04-02", "outlet": "WaPo"}, None]
    tasks = json.loads(out["labelstudio"].read_text(encoding="utf-8"))
    assert tasks[1]["data"]["meta_outlet"] == "WaPo"
    doccano = [json.loads(x) for x in out["doccano"].read_text(encoding="utf-8").splitlines()]
    assert doccano[0]["meta_date"] == "2024-03-01" and "meta_date" not in doccano[2]
    # the export read back into a new project keeps it, and exports the same again
    again = tmp_path / "again"
    assert saywho("import", str(out["jsonl"]), "--project", str(again)).returncode == 0
    back = tmp_path / "back.jsonl"
    assert saywho("export", "--project", str(again), "--layer", "suggestions", "--format",
                  "jsonl", "--out", str(back)).returncode == 0
    assert [json.loads(x).get("meta") for x in back.read_text().splitlines()] == [
        line.get("meta") for line in lines]


def test_a_corpus_without_metadata_exports_as_it_did(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    assert saywho("import", str(write_jsonl(tmp_path / "x.jsonl", LINES[2:])), "--project",
                  str(folder)).returncode == 0
    for fmt in ("csv", "jsonl"):
        path = tmp_path / f"x.{fmt}"
        assert saywho("export", "--project", str(folder), "--layer", "suggestions", "--format",
                      fmt, "--out", str(path)).returncode == 0
    assert not [c for c in next(csv.reader((tmp_path / "x.csv").open())) if "meta" in c]
    assert "meta" not in json.loads((tmp_path / "x.jsonl").read_text())


def test_a_re_import_brings_metadata_and_takes_none_away(project: Path, tmp_path: Path) -> None:
    later = dict(LINES[2], meta={"outlet": "Late"})
    done = saywho("import", str(write_jsonl(tmp_path / "late.jsonl", [later, LINES[0]])),
                  "--project", str(project))
    assert done.returncode == 0, done.stderr
    assert "1 document already here got the metadata" in done.stderr
    bare = {"id": "a1", "text": LINES[0]["text"]}
    assert saywho("import", str(write_jsonl(tmp_path / "bare.jsonl", [bare])), "--project",
                  str(project)).returncode == 0
    with Project.open(project, "reader", read_only=True) as p:
        assert dict(p.document("a3").meta) == {"outlet": "Late"}
        assert dict(p.document("a1").meta)["url"] == "https://x.test/a1"


def test_a_bad_metadata_line_is_refused_in_one_line_and_the_rest_comes_in(
        tmp_path: Path) -> None:
    bad = [{"id": "b1", "text": "X said so.", "meta": {"tags": {"nested": 1}}}, LINES[0]]
    done = saywho("import", str(write_jsonl(tmp_path / "bad.jsonl", bad)), "--project",
                  str(tmp_path / "p"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert [x for x in done.stderr.splitlines() if "'tags' must be text" in x]
    with Project.open(tmp_path / "p", "reader", read_only=True) as p:
        assert p.document_ids() == ["a1"]


def test_a_lost_project_file_is_rebuilt_with_the_metadata(project: Path) -> None:
    """A damaged project file whose backup is lost too: the document list is rebuilt from
    the texts and their layer files, which keep each document's metadata."""
    from annotations.store.paths import PROJECT_BACKUP, PROJECT_FILE

    (project / PROJECT_FILE).write_text("garbage{")
    (project / PROJECT_BACKUP).unlink()
    with Project.open(project, "reader") as p:
        assert dict(p.document("a2").meta)["outlet"] == "WaPo"


def test_stats_by_outlet_and_by_month_count_each_group(project: Path) -> None:
    done = saywho("stats", "--project", str(project), "--layer", "suggestions", "--by",
                  "date:month", "--json")
    assert done.returncode == 0, done.stderr
    groups = {g["value"]: g for g in json.loads(done.stdout)["by"]["groups"]}
    assert list(groups) == ["2024-03", "2024-04", "(none)"]
    assert (groups["2024-03"]["documents"], groups["2024-03"]["quotes"]) == (1, 2)
    assert groups["(none)"]["quotes"] == 1
    assert groups["2024-03"]["speakers"][0] == {"name": "Jim Kenney", "quotes": 1}
    assert groups["2024-03"]["total"] == 2
    table = saywho("stats", "--project", str(project), "--layer", "suggestions", "--by",
                   "outlet")
    assert "quotes by outlet" in table.stdout and "WaPo" in table.stdout
    typo = saywho("stats", "--project", str(project), "--by", "outlett", "--json")
    assert "no document has the metadata key 'outlett'; keys here: author, date, outlet, url" in (
        typo.stderr)
    bad = saywho("stats", "--project", str(project), "--by", "date:week")
    assert bad.returncode == 2 and "one of year, month, day" in bad.stderr
    assert parse_grouping("Publish Date:year") == ("date", 4)
    assert group_of((("date", "June 2024"),), "date", 4) == "June 2024"  # no day: its own
    for written in ("March 5, 2024", "5 Mar 2024", "Tue, 05 Mar 2024 10:00:00 GMT",
                    "2024-03-05T08:00:00Z", "March 5, 2024, 10:00 a.m.", "Mar. 5th, 2024",
                    "05-Mar-2024", "2024/03/05", "Tuesday, 5 March 2024"):  # as sites write it
        assert group_of((("date", written),), "date", 7) == "2024-03"
    assert group_of((("date", "03/05/2024"),), "date", 7) == "03/05/2024"  # reads both ways
    assert group_of((("date", "1709632800"),), "date", 4) == "1709632800"  # a timestamp


def test_a_folder_import_keeps_each_file_s_subfolder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for where, name in (("nyt/2024", "a.txt"), ("wapo", "b.md"), ("", "c.txt")):
        (corpus / where).mkdir(parents=True, exist_ok=True)
        (corpus / where / name).write_text(f"{name} said the mayor.\n", encoding="utf-8")
    (corpus / "wapo" / "d.jsonl").write_text(json.dumps(
        {"id": "d", "text": "X said so.", "meta": {"folder": "own"}}) + "\n")
    assert saywho("import", str(corpus), "--project", str(tmp_path / "p")).returncode == 0
    with Project.open(tmp_path / "p", "reader", read_only=True) as p:
        folders = {d: dict(p.document(d).meta).get("folder") for d in p.document_ids()}
    assert folders == {"a": "nyt/2024", "b": "wapo", "c": None, "d": "own"}


def test_the_csv_s_speaker_key_is_the_key_stats_counts_a_speaker_by(
        project: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    assert saywho("export", "--project", str(project), "--layer", "suggestions", "--format",
                  "csv", "--out", str(out)).returncode == 0
    with out.open(newline="", encoding="utf-8") as fh:
        keys = {r["speaker"]: r["speaker_key"] for r in csv.DictReader(fh)}
    stats = json.loads(saywho("stats", "--project", str(project), "--layer", "suggestions",
                              "--json").stdout)
    assert keys["Jim Kenney"] == "jim kenney"
    assert len(set(keys.values())) == len(stats["speakers"])  # one key per counted speaker


def test_a_wire_story_two_outlets_ran_is_kept_twice_and_a_plain_copy_once(
        tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    story = "The senator said the bill would pass.\n"
    for where, name in (("nyt", "a-story.txt"), ("wapo", "b-story.txt"), ("wapo", "c-again.txt")):
        (corpus / where).mkdir(parents=True, exist_ok=True)
        (corpus / where / name).write_text(story, encoding="utf-8")
    (corpus / "wapo" / "d-no-newline.txt").write_text(story.rstrip(), encoding="utf-8")
    done = saywho("import", str(corpus), "--project", str(tmp_path / "p"))
    assert done.returncode == 0, done.stderr
    assert ("note: b-story: same text as 'a-story', stored (its metadata differs: folder), "
            "marked same_text_as 'a-story'") in done.stderr
    # same text, same folder: a copy; saved without its final newline, the same
    assert "skipped: c-again: same text as 'b-story'; skipped" in done.stderr
    assert "skipped: d-no-newline: same text as 'b-story'; skipped" in done.stderr
    with Project.open(tmp_path / "p", "reader", read_only=True) as p:
        assert sorted(p.document_ids()) == ["a-story", "b-story"]
        assert dict(p.document("b-story").meta) == {"folder": "wapo",
                                                     "same_text_as": "a-story"}


def test_front_matter_it_cannot_read_stays_in_the_text_but_is_no_title(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "nested.md").write_text("---\nauthor: x\nnested:\n  a: 1\n---\n\n# Budget row\n\n"
                                     "The mayor said so.\n", encoding="utf-8")
    (notes / "rule.md").write_text("---\n\nCouncil votes\n\nShe said no.\n", encoding="utf-8")
    assert saywho("import", str(notes), "--project", str(tmp_path / "p")).returncode == 0
    with Project.open(tmp_path / "p", "reader", read_only=True) as p:
        nested, rule = p.document("nested"), p.document("rule")
    assert nested.title == "Budget row" and nested.text.startswith("---\nauthor: x")
    assert rule.title == "Council votes"


def test_a_re_import_changes_a_stored_value_only_with_replace(project: Path,
                                                             tmp_path: Path) -> None:
    other = dict(LINES[0], meta={"outlet": "WaPo", "section": "metro"})  # same name, same text
    path = write_jsonl(tmp_path / "other.jsonl", [other])
    done = saywho("import", str(path), "--project", str(project))
    assert done.returncode == 1
    assert "a1: metadata not added: its 'outlet' is 'Inquirer' here, 'WaPo' in this import" in (
        done.stderr)
    with Project.open(project, "reader", read_only=True) as p:
        assert dict(p.document("a1").meta)["outlet"] == "Inquirer"  # nothing changed
        assert "section" not in dict(p.document("a1").meta)
    assert saywho("import", str(path), "--replace", "--project", str(project)).returncode == 0
    with Project.open(project, "reader", read_only=True) as p:
        assert dict(p.document("a1").meta)["outlet"] == "WaPo"


def test_outlets_come_most_quoted_first_and_periods_in_time_order(tmp_path: Path) -> None:
    lines = [{"id": "z", "text": LINES[0]["text"], "outlet": "Zeta", "date": "2024-05-01"},
             {"id": "a", "text": LINES[1]["text"], "outlet": "Alpha", "date": "2024-01-01"}]
    folder = tmp_path / "p"
    assert saywho("import", str(write_jsonl(tmp_path / "o.jsonl", lines)), "--project",
                  str(folder)).returncode == 0
    for by, order in (("outlet", ["Zeta", "Alpha"]), ("date:month", ["2024-01", "2024-05"])):
        done = saywho("stats", "--project", str(folder), "--by", by, "--json")
        assert [g["value"] for g in json.loads(done.stdout)["by"]["groups"]] == order


def test_import_meta_gives_a_folder_of_one_outlet_its_outlet(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    (ledger / "a.txt").write_text("The mayor said no.\n", encoding="utf-8")
    (ledger / "b.md").write_text("---\noutlet: Wrong\ndate: 2024-03-01\n---\n\nShe said yes.\n",
                                 encoding="utf-8")
    done = saywho("import", str(ledger), "--meta", "Outlet=Daily Ledger", "--meta",
                  "country=US", "--project", str(tmp_path / "p"))
    assert done.returncode == 0, done.stderr
    with Project.open(tmp_path / "p", "reader", read_only=True) as p:
        assert dict(p.document("a").meta) == {"outlet": "Daily Ledger", "country": "US"}
        assert dict(p.document("b").meta) == {"outlet": "Daily Ledger", "country": "US",
                                              "date": "2024-03-01"}  # --meta over the file
    bad = saywho("import", str(ledger), "--meta", "outlet", "--project", str(tmp_path / "p"))
    assert bad.returncode == 2 and "give KEY=VALUE" in bad.stderr


def test_metadata_a_re_import_adds_survives_a_lost_project_file(project: Path,
                                                                tmp_path: Path) -> None:
    """The layer files' copy of a document's metadata follows a re-import that adds some (not
    only their next write): the project rebuilt from them without saywho.json keeps it."""
    from annotations.store.paths import PROJECT_BACKUP, PROJECT_FILE

    later = dict(LINES[2], meta={"outlet": "Late"})
    assert saywho("import", str(write_jsonl(tmp_path / "late.jsonl", [later])),
                  "--project", str(project)).returncode == 0
    (project / PROJECT_FILE).unlink()
    (project / PROJECT_BACKUP).unlink(missing_ok=True)
    for text in (project / "texts").iterdir():  # an hour old: no import under way
        os.utime(text, (text.stat().st_atime - 3600, text.stat().st_mtime - 3600))
    with Project.open(project, "reader") as p:
        assert dict(p.document("a3").meta) == {"outlet": "Late"}
        assert dict(p.document("a1").meta)["outlet"] == "Inquirer"


def test_metadata_for_many_documents_is_one_write_merged_with_the_row_on_disk(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotations.store.atomic import AtomicJSONStorage

    with Project.open(project, "ana") as ana, Project.open(project, "ben") as ben:
        ben.document_ids()  # ben holds the rows as they are now
        assert ana.add_document_meta({"a3": (("outlet", "Ana's"),)}) == (["a3"], {})
        writes: list[str] = []
        real = AtomicJSONStorage.write
        monkeypatch.setattr(AtomicJSONStorage, "write", lambda self, data, **kw: (
            writes.append(self.path.name), real(self, data, **kw))[1])
        changed, problems = ben.add_document_meta(
            {"a1": (("section", "metro"),), "a2": (("section", "nation"),),
             "a3": (("outlet", "Ben's"), ("section", "sport"))})
        # one write of the project file for all three, not one per document; then one per
        # layer file of the documents changed (their copy of the metadata)
        assert writes.count("saywho.json") == 1
        assert sorted(w for w in writes if w != "saywho.json") == ["suggestions.json"] * 2
        assert sorted(changed) == ["a1", "a2"] and "'outlet' is \"Ana's\" here" in problems["a3"]
    with Project.open(project, "reader", read_only=True) as p:
        assert dict(p.document("a3").meta) == {"outlet": "Ana's"}  # ana's, never lost
        assert dict(p.document("a1").meta)["section"] == "metro"


def test_a_layer_loads_though_its_line_s_metadata_is_refused(project: Path,
                                                            tmp_path: Path) -> None:
    line = dict(LINES[0], meta={"outlet": "WaPo"},
                quotes=[{"start": 15, "end": 38, "type": "indirect", "speaker": "mayor"}])
    done = saywho("import", str(write_jsonl(tmp_path / "g.jsonl", [line])), "--layer", "gold",
                  "--project", str(project))
    assert done.returncode == 1 and "a1: metadata not added: its 'outlet'" in done.stderr
    with Project.open(project, "reader", read_only=True) as p:
        assert p.has_layer("a1", "gold")  # the layer is not the metadata's hostage


def test_a_markdown_corpus_stored_before_front_matter_was_read_imports_unchanged(
        tmp_path: Path) -> None:
    """Front matter was cut from the text: a corpus imported before came back as 'a document
    with this id but different text', exit 1. The block stays in the text; only its title and
    metadata are read."""
    from annotations.model import Document
    from annotations.session import Session

    note = tmp_path / "n.md"
    text = "---\noutlet: Blog\n---\n\nThe senator said taxes would rise.\n"
    note.write_text(text, encoding="utf-8")
    with Session.open(tmp_path / "p", "ana") as session:  # as saywho stored it before
        session.import_documents([Document("n", "---", text)])
    done = saywho("import", str(note), "--project", str(tmp_path / "p"))
    assert done.returncode == 0, done.stderr
    with Project.open(tmp_path / "p", "reader", read_only=True) as p:
        assert p.document("n").text == text and dict(p.document("n").meta) == {
            "outlet": "Blog"}  # the metadata a re-import brings


def test_a_copy_is_a_copy_though_the_stored_one_gained_metadata_since(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "nyt").mkdir(parents=True)
    (corpus / "nyt" / "a.txt").write_text("The senator said so.\n", encoding="utf-8")
    project = str(tmp_path / "p")
    assert saywho("import", str(corpus), "--meta", "outlet=NYT", "--project",
                  project).returncode == 0
    (corpus / "nyt" / "b.txt").write_text("The senator said so.\n", encoding="utf-8")
    (corpus / "nyt" / "a.txt").unlink()
    done = saywho("import", str(corpus), "--project", project)
    assert "skipped: b: same text as 'a'; skipped" in done.stderr  # not a wire story
    assert "note:" not in done.stderr.replace("note: created", "")


def test_quotes_are_never_found_in_a_markdown_file_s_front_matter(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text('---\ndescription: Senator Smith said "we will prevail in this fight no '
                    'matter what."\n---\n\nThe mayor said the budget was balanced.\n',
                    encoding="utf-8")
    assert saywho("import", str(note), "--project", str(tmp_path / "p")).returncode == 0
    with Project.open(tmp_path / "p", "reader", read_only=True) as p:
        quotes = p.layer("n", "suggestions").quotes.values()
        assert [q.text for q in quotes] == ["the budget was balanced"]  # the block is metadata


def test_no_wrong_date_is_read_from_a_time_or_an_impossible_date() -> None:
    from annotations.metadata import iso_date

    for written in ("March 5, 1430 GMT", "5 March 0900 UTC", "2024-02-30", "2024-13-45"):
        assert iso_date(written) == ""  # none rather than a wrong one
    assert group_of((("date", "2024-13"),), "date", 7) == "2024-13"  # its own group


def test_a_dash_line_above_an_article_s_own_lines_is_no_front_matter() -> None:
    from annotations.detect import DEFAULT_DETECTOR
    from annotations.text import front_matter_end

    text = ('---\n"We will rebuild the bridge," the mayor said.\n\nPARIS -- Officials said '
            '"nothing" about it.\n---\n')
    assert front_matter_end(text) == 0
    assert len(DEFAULT_DETECTOR.detect(text).quotes) == 2  # none lost to a mask
    assert front_matter_end("---\nBy Jane Doe\n---\nThe mayor said so.") == 0
    assert front_matter_end("---\r\ntitle: x\r\n---\r\nbody") == 20


def test_dates_written_in_other_languages_read_as_iso() -> None:
    """Nexis and Factiva write dates in the language of the interface or the outlet: a
    German or French corpus grouped by year needs them read, not kept as written."""
    from annotations.metadata import iso_date

    for written, iso in (("5. März 2016 Samstag", "2016-03-05"),
                         ("Samstag, 5. März 2016", "2016-03-05"),
                         ("Montag 12. Dezember 2016 10:00 AM GMT+1", "2016-12-12"),
                         ("1er mars 2016", "2016-03-01"), ("samedi 5 mars 2016", "2016-03-05"),
                         ("martes, 5 de marzo de 2016", "2016-03-05"),
                         ("5 maart 2016", "2016-03-05"), ("5 marzo 2016", "2016-03-05"),
                         ("March 3, 2016 Thursday 5:00 PM EST", "2016-03-03")):
        assert iso_date(written) == iso, written
    for not_a_date in ("Mars 2016 mission", "Samstag", "5. März"):
        assert iso_date(not_a_date) == ""
