"""News-database exports (Nexis Uni / LexisNexis, Factiva) read as one document per article.

Every fixture is synthetic, written here in the layout the databases use (as LexisNexisTools
and tm.plugin.factiva document it): no real article is committed. The .docx files are made
with python-docx, the RTF files by hand."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.formats.news_exports import articles, export_kind, export_lines
from annotations.formats.readers import read_documents
from annotations.store import Project
from tests.conftest import REPO
from tui.cli import main

BODY_1 = ['The mayor said "we will keep going" on Monday.', "Critics disagreed."]
BODY_2 = ['"It is a disgrace," said Jane Roe, a council member.']


def nexis_article(headline: str, outlet: str, date: str, body: list[str], *,
                  end: bool = True, byline: str = "By John Smith") -> list[str]:
    """One Nexis Uni article as its paragraphs."""
    lines = [headline, outlet, date, "Copyright 2024 Example Media Ltd All Rights Reserved",
             "Section:\u00a0POLITICS; Pg. 4", "Length:\u00a0812 words", f"Byline: {byline}",
             "Dateline: PHILADELPHIA", "Body", *body, "Classification", "Language: ENGLISH",
             "Publication-Type: Newspaper", "Subject: CITY GOVERNMENT (90%)",
             "Load-Date: March 6, 2024"]
    return lines + (["End of Document"] if end else [])


COVER = ["User Name: = researcher", "Date and Time: Tuesday, March 12, 2024 10:00:00 AM EST",
         "Job Number: 123", "Documents (2)", "1. City keeps going", "Client/Matter: -None-",
         "Search Terms: sanctuary city", "Search Type: Terms and Connectors"]


def write_docx(path: Path, paragraphs: list[str]) -> Path:
    word = docx.Document()
    for paragraph in paragraphs:
        word.add_paragraph(paragraph)
    word.save(str(path))
    return path


def nexis_download(folder: Path) -> Path:
    """A Nexis Uni .docx of two articles behind its cover page."""
    return write_docx(folder / "nexis.docx", COVER
                      + nexis_article("City keeps going", "The Daily Example",
                                      "March 5, 2024 Tuesday 10:00 PM GMT", BODY_1)
                      + nexis_article("Council split", "Example Herald (Pennsylvania)",
                                      "April 1, 2024 Monday", BODY_2, byline="Ann Lee"))


def read(*paths: Path) -> list:
    return list(read_documents(paths))


def test_a_nexis_docx_gives_one_document_per_article_with_its_metadata(tmp_path: Path) -> None:
    results = read(nexis_download(tmp_path))
    assert all(r.ok for r in results), [r.error for r in results]
    first, second = (r.document for r in results)
    assert (first.id, second.id) == ("nexis-1", "nexis-2")
    assert first.title == "City keeps going"
    assert first.text == "\n\n".join(BODY_1)
    meta = dict(first.meta)
    assert meta["outlet"] == "The Daily Example"
    assert meta["date"] == "2024-03-05"
    assert meta["author"] == "John Smith"
    assert meta["section"] == "POLITICS; Pg. 4"
    assert meta["words"] == "812"
    assert meta["language"] == "English"
    assert meta["load_date"] == "2024-03-06"
    assert meta["publication_type"] == "Newspaper"
    assert meta["database"] == "Nexis"
    assert dict(second.meta)["author"] == "Ann Lee"
    assert dict(second.meta)["date"] == "2024-04-01"
    for doc in (first, second):  # boilerplate never enters the text
        for junk in ("Copyright", "Load-Date", "Classification", "End of Document", "Body",
                     "Search Terms", "Language"):
            assert junk not in doc.text


def test_a_single_article_docx_is_named_by_its_file(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "one.docx", nexis_article(
        "City keeps going", "The Daily Example", "March 5, 2024", BODY_1))
    [result] = read(path)
    assert result.document.id == "one" and result.document.text == "\n\n".join(BODY_1)


def test_a_date_it_cannot_read_is_kept_as_written_and_the_headline_found(
        tmp_path: Path) -> None:
    path = write_docx(tmp_path / "ja.docx", COVER + nexis_article(
        "City keeps going", "Example Shimbun", "2024\u5e743\u67085\u65e5", BODY_1))
    [result] = read(path)
    assert result.document.title == "City keeps going"
    assert dict(result.document.meta)["outlet"] == "Example Shimbun"
    assert dict(result.document.meta)["date"] == "2024\u5e743\u67085\u65e5"


def test_a_plain_docx_is_one_article(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "memo.docx", ["A headline", *BODY_1])
    [result] = read(path)
    assert result.document.title == "A headline"
    assert result.document.text == "\n\n".join(["A headline", *BODY_1])


def test_a_nexis_txt_is_read_as_an_export_and_a_plain_txt_stays_plain(tmp_path: Path) -> None:
    export = tmp_path / "download.TXT"
    export.write_text("\r\n".join(
        nexis_article("City keeps going", "The Daily Example", "March 5, 2024", BODY_1)
        + nexis_article("Council split", "Example Herald", "April 1, 2024", BODY_2)))
    plain = tmp_path / "plain.txt"
    plain.write_text("End of story\n\n" + BODY_1[0] + "\n")
    got = {r.document.id: r.document for r in read(export, plain)}
    assert set(got) == {"download-1", "download-2", "plain"}
    assert got["download-2"].text == BODY_2[0]
    assert dict(got["download-2"].meta)["outlet"] == "Example Herald"
    assert got["plain"].text == "End of story\n\n" + BODY_1[0] + "\n"


def test_the_older_lexisnexis_text_export(tmp_path: Path) -> None:
    old = tmp_path / "ln.txt"
    old.write_text(
        "                 1 of 2 DOCUMENTS\n\n         The Daily Example\n\n"
        "      March 5, 2024 Tuesday\n\nCity keeps going\n\nBYLINE: John Smith\n\n"
        "SECTION: NEWS; Pg. A1\n\nLENGTH: 812 words\n\n" + "\n\n".join(BODY_1)
        + "\n\nLOAD-DATE: March 6, 2024\n\nLANGUAGE: ENGLISH\n\n"
        "Copyright 2024 Example Media Ltd\n"
        "                 2 of 2 DOCUMENTS\n\n         Example Herald\n\n"
        "      April 1, 2024\n\nHEADLINE: Council split\n\nLENGTH: 40 words\n\n"
        + BODY_2[0] + "\n\nLOAD-DATE: April 2, 2024\n")
    first, second = (r.document for r in read(old))
    assert (first.id, first.title, second.title) == ("ln-1", "City keeps going", "Council split")
    assert first.text == "\n\n".join(BODY_1) and second.text == BODY_2[0]
    assert dict(first.meta)["outlet"] == "The Daily Example"
    assert dict(first.meta)["date"] == "2024-03-05"
    assert dict(first.meta)["author"] == "John Smith"
    assert dict(second.meta)["words"] == "40"


def factiva_rtf(articles: list[dict[str, str]]) -> bytes:
    """A Factiva "Full Article/Report plus Indexing" RTF of ``articles``."""
    out = [r"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}"]
    for article in articles:
        for code, value in article.items():
            for i, paragraph in enumerate(value.split("\n")):
                head = r"{\b " + code + r"}\tab " if i == 0 else r"\tab "
                out.append(head + paragraph.replace("\u00e9", r"\'e9") + r"\par")
        out.append(r"\par")
    out.append(r"Search Summary\par Text\tab sanctuary\par}")
    return "\n".join(out).encode("ascii")


FACTIVA = [
    {"HD": "Mayor stands firm", "BY": "By Jane Doe", "WC": "1,204 words",
     "PD": "5 March 2024", "SN": "The Example Times", "SC": "EXTM", "LA": "English",
     "CY": "(c) 2024 Example Times Ltd. All rights reserved.",
     "LP": BODY_1[0], "TD": BODY_1[1] + "\nCaf\u00e9 owners agreed.",
     "NS": "gpol : Domestic Politics", "AN": "Document EXTM000020240305ek3500001"},
    {"HD": "Council split", "PD": "1 April 2024", "SN": "Example Herald", "LA": "English",
     "LP": BODY_2[0], "AN": "Document EXHR000020240401ek4100002"},
]


def test_a_factiva_rtf_gives_its_articles_by_their_factiva_ids(tmp_path: Path) -> None:
    path = tmp_path / "factiva.rtf"
    path.write_bytes(factiva_rtf(FACTIVA))
    results = read(path)
    assert all(r.ok for r in results), [r.error for r in results]
    first, second = (r.document for r in results)
    assert (first.id, second.id) == ("EXTM000020240305ek3500001", "EXHR000020240401ek4100002")
    assert first.title == "Mayor stands firm"
    assert first.text == "\n\n".join([*BODY_1, "Caf\u00e9 owners agreed."])
    assert dict(first.meta) == {
        "author": "Jane Doe", "copyright": "(c) 2024 Example Times Ltd. All rights reserved.",
        "database": "Factiva", "date": "2024-03-05", "document_id": "EXTM000020240305ek3500001",
        "language": "English", "outlet": "The Example Times", "source_code": "EXTM",
        "words": "1204"}
    assert second.text == BODY_2[0]
    for doc in (first, second):
        assert "Document" not in doc.text and "gpol" not in doc.text
        assert "Search Summary" not in doc.text


def test_a_factiva_html_export(tmp_path: Path) -> None:
    rows = []
    for article in FACTIVA:
        rows.append('<div class="article"><table>')
        for code, value in article.items():
            cell = "".join(f"<p>{p}</p>" for p in value.split("\n")) if code in (
                "LP", "TD") else value
            rows.append(f"<tr><td><b>{code}</b></td><td>{cell}</td></tr>")
        rows.append("</table></div>")
    page = tmp_path / "factiva.html"
    page.write_text("<html><body>" + "".join(rows) + "</body></html>")
    first, second = (r.document for r in read(page))
    assert first.id == "EXTM000020240305ek3500001"
    assert first.text == "\n\n".join([*BODY_1, "Caf\u00e9 owners agreed."])
    assert dict(second.meta)["outlet"] == "Example Herald"


def test_damaged_inputs_each_get_one_line_and_the_rest_is_imported(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    whole = nexis_download(src).read_bytes()
    (src / "cut.docx").write_bytes(whole[: len(whole) // 2])
    (src / "notzip.docx").write_bytes(b"PK\x03\x04 not really")
    (src / "junk.rtf").write_bytes(b"{\\rtf1\\ansi " + bytes(range(256)) * 4 + b"\\par}")
    (src / "fake.rtf").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (src / "~$nexis.docx").write_bytes(b"\x0bresearcher" + b"\x00" * 40)  # Word's lock file
    (src / "lost_end.txt").write_text("\n".join(
        nexis_article("First", "The Daily Example", "March 5, 2024", ["Lost one."], end=False)
        + nexis_article("Second", "Example Herald", "April 1, 2024", ["Lost two."], end=False)))
    evil = "\x1b]0;pwned\x07Mayor\x1b[31m \u202eevil\u202c"
    (src / "evil.txt").write_text("\n".join(
        nexis_article(evil, "The Daily Example", "March 5, 2024", ["Evil body."])
        + nexis_article("Empty one", "Example Herald", "April 1, 2024", [])))
    result = subprocess.run([sys.executable, "-m", "tui.cli", "import", str(src),
                             "--project", str(tmp_path / "p")],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    err = result.stderr
    assert result.returncode == 1, err
    assert "Traceback" not in err
    assert "\x1b" not in result.stdout + err and "\u202e" not in result.stdout + err
    lines = err.splitlines()
    for needle in ("cut.docx: not a readable .docx", "notzip.docx: not a readable .docx",
                   "fake.rtf: not an RTF file",
                   "~$nexis.docx: skipped, the lock file of a document open in Word",
                   "junk.rtf: 632 byte(s) of binary junk left out",
                   "lost_end.txt article 1 ('First'): has no 'End of Document' line; read up "
                   "to the next article",
                   "lost_end.txt article 2 ('Second'): has no 'End of Document' line (a cut",
                   "evil.txt article 2 ('Empty one'): no article text"):
        assert sum(needle in line for line in lines) == 1, (needle, err)
    with Project.open(tmp_path / "p", "ann", read_only=True) as project:
        ids = set(project.document_ids())
        assert {"nexis-1", "nexis-2", "lost_end-1", "lost_end-2", "evil-1"} <= ids
        assert "evil-2" not in ids and not any(i.startswith("cut") for i in ids)
        assert project.document("lost_end-1").text == "Lost one."
        assert project.document("lost_end-2").text == "Lost two."
        title = project.document("evil-1").title
        assert "\x1b" not in title and "\x07" not in title  # controls are no part of it
        assert title == "]0;pwnedMayor[31m \u202eevil\u202c"  # bidi kept, shown as ¿
    detected = subprocess.run([sys.executable, "-m", "tui.cli", "detect", str(src / "evil.txt")],
                              cwd=REPO, capture_output=True, text=True, timeout=120)
    assert '"title": "]0;pwnedMayor[31m \\u202eevil\\u202c"' in detected.stdout
    assert "\u202e" not in detected.stdout + detected.stderr
    detected = subprocess.run([sys.executable, "-m", "tui.cli", "detect",
                               str(src / "lost_end.txt")],
                              cwd=REPO, capture_output=True, text=True, timeout=120)
    assert detected.returncode == 0 and detected.stdout.count("\n") == 2
    assert "lost_end.txt article 2 ('Second'): has no 'End of Document'" in detected.stderr


def test_a_missing_optional_library_is_one_line_naming_the_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = nexis_download(tmp_path)
    rtf = tmp_path / "f.rtf"
    rtf.write_bytes(factiva_rtf(FACTIVA))
    monkeypatch.setitem(sys.modules, "docx", None)
    monkeypatch.setitem(sys.modules, "striprtf.striprtf", None)
    errors = [r.error for r in read(path, rtf)]
    assert errors == [
        f"{path}: reading .docx needs python-docx: pip install 'saywho[news]'",
        f"{rtf}: reading .rtf needs striprtf: pip install 'saywho[news]'"]


def test_a_docx_that_unpacks_far_past_the_limit_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<a/>")
        archive.writestr("word/media/big.bin", b"\0" * (30 * 1024 * 1024))
    [result] = list(read_documents([bomb], max_bytes=1_000_000))
    assert "unpacks to 31 MB" in result.error


def test_import_and_export_carry_the_metadata(tmp_path: Path) -> None:
    path = nexis_download(tmp_path)
    project = str(tmp_path / "p")
    assert main(["import", str(path), "--project", project]) == 0
    out = tmp_path / "out.csv"
    assert main(["export", "--format", "csv", "--project", project, "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    by_doc = {row["document"]: row for row in rows}
    assert by_doc["nexis-1"]["meta_outlet"] == "The Daily Example"
    assert by_doc["nexis-2"]["meta_date"] == "2024-04-01"


PIECES = ["End of Document", "Body", "Classification", "Load-Date: March 6, 2024",
          "Length: 9 words", "Byline: X", "Copyright 2024 X", "March 5, 2024", "HD", "TD",
          "LP  a", "AN  Document ABCDEFGHIJKL1234", "PD  5 March 2024", "SN  The Times",
          "1 of 2 DOCUMENTS", "LOAD-DATE: May 1, 2024", "Graphic", "\x1b[2J", "\u202e", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=60))
def test_any_mix_of_export_lines_reads_without_error_and_keeps_boilerplate_out(
        lines: list[str]) -> None:
    text = "\n".join(lines)
    found = export_lines(text)
    kind = export_kind(found)
    if not kind:
        return
    for article in articles(found, kind):
        assert article.error or article.text.strip()
        body = article.text.split("\n\n") if article.text else []
        boilerplate = ({"End of Document", "Classification", "Body", "Copyright 2024 X"}
                       if kind == "Nexis" else {"Document ABCDEFGHIJKL1234", "PD  5 March 2024"})
        assert not boilerplate & set(body), (kind, body)
        assert not any(ch in article.text + article.title for ch in "\x1b\x07\x00")


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %s "%s">' % (bytes([c]), b"&%s;" % bytes([c - 1]) * 10)
                     for c in b"bcdefgh")
          + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
          b'main"><w:body><w:p><w:r><w:t>&h;&h;</w:t></w:r></w:p></w:body></w:document>')


@pytest.mark.parametrize(("name", "broken"), [
    ("cut_xml", lambda xml: xml[: len(xml) // 2]),  # zip fine, its XML cut short
    ("laughs", lambda xml: LAUGHS),  # an entity that would grow to gigabytes
])
def test_a_docx_with_broken_xml_is_one_line(tmp_path: Path, name: str, broken) -> None:
    whole = zipfile.ZipFile(nexis_download(tmp_path))
    path = tmp_path / f"{name}.docx"
    with zipfile.ZipFile(path, "w") as out:
        for member in whole.namelist():
            data = whole.read(member)
            out.writestr(member, broken(data) if member == "word/document.xml" else data)
    [result] = read(path)
    assert result.error.startswith(f"{path}: not a readable .docx (XMLSyntaxError")
    assert "\n" not in result.error


def test_articles_run_together_are_parted_at_the_next_headline(tmp_path: Path) -> None:
    first = [line for line in nexis_article("First", "The Daily Example", "March 5, 2024",
                                            ["Lost one."])
             if not line.startswith(("Load-Date", "End of Document"))]
    path = tmp_path / "run.txt"
    path.write_text("\n".join(first + nexis_article("Second", "Example Herald",
                                                    "April 1, 2024", ["Lost two."])))
    one, two = read(path)
    assert (one.document.title, one.document.text) == ("First", "Lost one.")
    assert one.note == (f"{path} article 1 ('First'): has no 'End of Document' line; read up "
                        "to the next article")
    assert (two.document.title, two.document.text, two.note) == ("Second", "Lost two.", None)
    assert dict(two.document.meta)["outlet"] == "Example Herald"


def test_a_paragraph_or_headline_that_starts_with_copyright_is_text(tmp_path: Path) -> None:
    body = ["Copyright law, she said, needs an overhaul.", *BODY_1]
    path = write_docx(tmp_path / "ip.docx", nexis_article(
        "Copyright fight heads to court", "The Daily Example", "March 5, 2024", body))
    [result] = read(path)
    assert result.document.title == "Copyright fight heads to court"
    assert result.document.text == "\n\n".join(body)
    assert dict(result.document.meta)["outlet"] == "The Daily Example"
    assert dict(result.document.meta)["copyright"] == (
        "Copyright 2024 Example Media Ltd All Rights Reserved")


def test_copyright_lines_as_the_databases_write_them_stay_out_of_the_text() -> None:
    lines = ["Copyright The Financial Times Limited 2024", "\u00a9 2024 Example News",
             "(c) 2024 Example Times Ltd. All rights reserved.", "Copyright \u00a9 2024 X",
             "\u00a9 Reuters", "Copyright: Example News 2024"]
    for line in lines:
        article = nexis_article("City keeps going", "The Daily Example", "March 5, 2024",
                                [*BODY_1, line])
        [found] = articles(article, export_kind(article))
        assert found.text == "\n\n".join(BODY_1), line


def test_a_paragraph_that_starts_like_a_classification_label_keeps_the_rest_of_the_body(
        tmp_path: Path) -> None:
    body = [BODY_1[0], "Subject: the budget, she said, was all that was on the table.",
            "Notes: none were taken, the clerk said.", BODY_1[1]]
    path = write_docx(tmp_path / "q.docx", nexis_article(
        "City keeps going", "The Daily Example", "March 5, 2024", body))
    [result] = read(path)
    assert result.document.text == "\n\n".join(body)
    meta = dict(result.document.meta)
    assert (meta["language"], meta["load_date"]) == ("English", "2024-03-06")


def old_export(path: Path, body: list[str], tail: list[str]) -> Path:
    """One article of the older LexisNexis text export: its header, ``body``, ``tail``."""
    path.write_text("\n\n".join(["1 of 1 DOCUMENTS", "The Daily Example",
                                  "March 5, 2024 Tuesday", "City keeps going",
                                  "BYLINE: John Smith", *body, *tail]) + "\n")
    return path


def test_the_older_export_keeps_a_body_paragraph_that_starts_like_a_label(
        tmp_path: Path) -> None:
    body = [BODY_1[0], "Language: the mayor's was blunt, critics said.", BODY_1[1]]
    [result] = read(old_export(tmp_path / "ln.txt", body, [
        "LOAD-DATE: March 6, 2024", "LANGUAGE: ENGLISH", "Copyright 2024 Example Media"]))
    assert result.document.text == "\n\n".join(body)
    assert dict(result.document.meta)["load_date"] == "2024-03-06"
    assert dict(result.document.meta)["language"] == "English"


def test_a_cut_export_whose_id_is_taken_keeps_its_note(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_docx(tmp_path / folder / "cut.docx", nexis_article(
            "City keeps going", "The Daily Example", "March 5, 2024", BODY_1, end=False))
    first, second = read(tmp_path)
    assert (first.document.id, second.document.id) == ("cut", "cut-2")
    assert first.note and "has no 'End of Document' line" in first.note
    assert second.note == first.note.replace(f"{tmp_path}/a/", f"{tmp_path}/b/")


def test_all_rights_reserved_on_a_line_of_its_own_stays_out_of_the_text(tmp_path: Path) -> None:
    [result] = read(old_export(tmp_path / "ln.txt", BODY_1, [
        "LOAD-DATE: March 6, 2024", "Copyright 2024 Example Media", "All Rights Reserved"]))
    assert result.document.text == "\n\n".join(BODY_1)
    assert dict(result.document.meta)["load_date"] == "2024-03-06"
    article = nexis_article("City keeps going", "The Daily Example", "March 5, 2024",
                            [*BODY_1, "All Rights Reserved"])
    [found] = articles(article, export_kind(article))
    assert found.text == "\n\n".join(BODY_1)


def test_a_second_download_of_the_same_name_adds_its_articles(tmp_path: Path) -> None:
    """Nexis Uni names every download of 100 articles ``Files (100).docx``: a second batch,
    imported another day, holds other articles under the same made-up ids. They are added
    under the next free id (with a note), and importing either batch again changes nothing;
    a database's own id (Factiva's AN) and a plain file's name are still never renumbered."""
    (tmp_path / "b1").mkdir()
    (tmp_path / "b2").mkdir()
    first = write_docx(tmp_path / "b1" / "Files (2).docx", COVER
                       + nexis_article("One", "The Daily Example", "March 5, 2024", BODY_1)
                       + nexis_article("Two", "The Daily Example", "March 6, 2024", BODY_2))
    second = write_docx(tmp_path / "b2" / "Files (2).docx", COVER
                        + nexis_article("Three", "Example Herald", "May 5, 2024", ["Third."])
                        + nexis_article("Two", "The Daily Example", "March 6, 2024", BODY_2))
    project = str(tmp_path / "p")
    assert main(["import", str(first), "--project", project]) == 0
    assert main(["import", str(second), "--project", project]) == 0
    docs = {doc.id: doc for doc in Project.open(project).documents()}
    assert {i: d.title for i, d in docs.items()} == {
        "Files (2)-1": "One", "Files (2)-2": "Two", "Files (2)-1-2": "Three"}
    assert dict(docs["Files (2)-1-2"].meta)["outlet"] == "Example Herald"
    assert main(["import", str(second), str(first), "--project", project]) == 0
    assert len(list(Project.open(project).documents())) == 3
    plain = tmp_path / "Files (2)-1.txt"
    plain.write_text("A plain article under a taken name.", encoding="utf-8")
    assert main(["import", str(plain), "--project", project]) == 1
    assert len(list(Project.open(project).documents())) == 3


def test_a_german_date_line_is_read_as_the_article_s_date(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "de.docx", nexis_article(
        "Stadt macht weiter", "Süddeutsche Zeitung", "5. März 2016 Samstag", BODY_1))
    (one,) = read(path)
    assert one.document.title == "Stadt macht weiter"
    meta = dict(one.document.meta)
    assert (meta["outlet"], meta["date"]) == ("Süddeutsche Zeitung", "2016-03-05")


def test_the_older_lexisnexis_text_export_in_german_and_french(tmp_path: Path) -> None:
    """LexisNexis' German and French interfaces number the articles ``Dokument 1 von 2`` and
    ``Document 1 de 2`` and label them ``AUTOR:``, ``RUBRIK:``, ``LÄNGE:``, ``SPRACHE:``
    (``LONGUEUR:``, ``LANGUE:``), as LexisNexisTools reads them."""
    german = tmp_path / "de.txt"
    german.write_text(
        "                 Dokument 1 von 2\n\n         Süddeutsche Zeitung\n\n"
        "      5. März 2016 Samstag\n\nStadt macht weiter\n\nAUTOR: Hans Meier\n\n"
        "RUBRIK: POLITIK; S. 5\n\nLÄNGE: 523 Wörter\n\n" + "\n\n".join(BODY_1)
        + "\n\nGRAFIK: Foto\n\nSPRACHE: GERMAN\n\nCopyright 2016 Süddeutsche Zeitung GmbH\n"
        "                 Dokument 2 von 2\n\n         Die Welt\n\n"
        "      6. März 2016\n\nRat gespalten\n\nLÄNGE: 40 Wörter\n\n" + BODY_2[0]
        + "\n\nSPRACHE: GERMAN\n", encoding="utf-8")
    first, second = (r.document for r in read(german))
    assert (first.id, first.title, second.title) == ("de-1", "Stadt macht weiter",
                                                     "Rat gespalten")
    assert first.text == "\n\n".join(BODY_1) and second.text == BODY_2[0]
    assert {k: v for k, v in first.meta if k != "copyright"} == {
        "database": "Nexis", "outlet": "Süddeutsche Zeitung", "date": "2016-03-05",
        "author": "Hans Meier", "section": "POLITIK; S. 5", "words": "523",
        "language": "German"}
    french = tmp_path / "fr.txt"
    french.write_text(
        "Document 1 de 1\n\nLe Monde\n\n1er mars 2016 mardi\n\nLa ville continue\n\n"
        "LONGUEUR: 300 mots\n\n" + BODY_2[0] + "\n\nLANGUE: FRENCH\n", encoding="utf-8")
    (only,) = (r.document for r in read(french))
    assert (only.title, only.text) == ("La ville continue", BODY_2[0])
    assert dict(only.meta)["words"] == "300" and dict(only.meta)["date"] == "2016-03-01"


def test_a_file_named_docx_or_rtf_is_read_or_named_as_what_it_is(tmp_path: Path) -> None:
    """A browser saves a login page under the download's name, Word saves RTF under any
    name, an old .doc is renamed .docx: each is read as what it is, or named so in one line
    (never 'its zip is damaged' for a file that holds no zip)."""
    rtf = tmp_path / "factiva.docx"
    rtf.write_bytes(factiva_rtf(FACTIVA))
    word = tmp_path / "nexis.rtf"
    word.write_bytes(nexis_download(tmp_path).read_bytes())
    page = tmp_path / "Files (100).docx"
    page.write_text("<!DOCTYPE html>\n<html><body>Please sign in</body></html>", "utf-8")
    old = tmp_path / "old.docx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    text = tmp_path / "notes.rtf"
    text.write_text("Just my notes on the articles.", encoding="utf-8")
    results: dict = {}
    for result in read(rtf, word, page, old, text):  # each file's first article
        results.setdefault(Path(result.source.split(" article")[0]).name, result)
    assert results["factiva.docx"].document.id == "EXTM000020240305ek3500001"
    assert results["factiva.docx"].note == f"{rtf}: an RTF file named .docx, read as RTF"
    assert results["nexis.rtf"].document.title == "City keeps going"
    assert results["Files (100).docx"].error == (
        f"{page}: not a Word .docx but a web page (a login or error page saved in place of "
        "the download?): download it again")
    assert results["old.docx"].error.startswith(f"{old}: not a Word .docx but a Word 97-2003")
    assert results["notes.rtf"].error == f"{text}: not an RTF file but plain text: rename it .txt"


WORD_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"')


def test_a_text_box_is_read_once(tmp_path: Path) -> None:
    """Word writes a text box (a pull quote, a caption) twice: as a drawing and, for old
    versions, as its VML fallback. Read twice, a pull quote was two quotes."""
    from docx.oxml import parse_xml

    word = docx.Document()
    paragraph = word.add_paragraph("The mayor spoke. ")
    box = ('<w:txbxContent><w:p><w:r><w:t>"We will win," she said.</w:t></w:r></w:p>'
           '</w:txbxContent>')
    paragraph._p.append(parse_xml(
        f'<w:r {WORD_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback>'
        f'<w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'))
    paragraph.add_run("Then she left.")
    path = tmp_path / "box.docx"
    word.save(str(path))
    (one,) = read(path)
    assert one.document.text == 'The mayor spoke. Then she left.\n\n"We will win," she said.'


def test_every_run_of_a_docx_paragraph_is_read(tmp_path: Path) -> None:
    """Words in a tracked insertion (a download tidied in Word with Track Changes on), a
    content control or a field are the paragraph's text; a tracked deletion is not."""
    from docx.oxml import parse_xml

    word = docx.Document()
    said = word.add_paragraph('"We will win," said ')
    said._p.append(parse_xml(f'<w:ins {WORD_NS} w:id="1" w:author="me" '
                             'w:date="2024-01-01T00:00:00Z"><w:r><w:t>Jane Roe</w:t></w:r>'
                             '</w:ins>'))
    said._p.append(parse_xml(f'<w:del {WORD_NS} w:id="2" w:author="me" '
                             'w:date="2024-01-01T00:00:00Z"><w:r><w:delText>the mayor'
                             '</w:delText></w:r></w:del>'))
    said.add_run(".")
    page = word.add_paragraph("Page ")
    page._p.append(parse_xml(f'<w:fldSimple {WORD_NS} w:instr="PAGE"><w:r><w:t>4</w:t>'
                             '</w:r></w:fldSimple>'))
    page._p.append(parse_xml(f'<w:sdt {WORD_NS}><w:sdtContent><w:r><w:t>, city desk</w:t>'
                             '</w:r></w:sdtContent></w:sdt>'))
    path = tmp_path / "tracked.docx"
    word.save(str(path))
    (one,) = read(path)
    assert one.document.text == '"We will win," said Jane Roe.\n\nPage 4, city desk'


def test_the_same_article_from_two_databases_counts_once(tmp_path: Path) -> None:
    """The same story downloaded from Nexis and from Factiva (its byline, copyright, section
    and word count worded each database's way, its Load-Date or AN its own), or listed twice
    by Nexis, is one article in the outlet's figures; the same text in another outlet is
    that outlet's copy, kept and marked."""
    nexis = write_docx(tmp_path / "nexis.docx", COVER + nexis_article(
        "Mayor stands firm", "The Example Times", "March 5, 2024 Tuesday", BODY_1,
        byline="JANE DOE") + [
        line.replace("March 6", "March 9") for line in nexis_article(
            "Mayor stands firm", "The Example Times", "March 5, 2024", BODY_1,
            byline="JANE DOE")])
    other = dict(FACTIVA[0], SN="Example Herald", AN="Document EXHR000020240305ek3500009")
    factiva = tmp_path / "factiva.rtf"
    factiva.write_bytes(factiva_rtf([dict(FACTIVA[0], TD=BODY_1[1]), dict(other, TD=BODY_1[1])]))
    project = tmp_path / "p"
    done = subprocess.run([sys.executable, "-m", "tui.cli", "import", str(nexis), str(factiva),
                           "--project", str(project)], capture_output=True, text=True,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "skipped: nexis-2: same text as 'nexis-1'; skipped" in done.stderr
    assert ("skipped: EXTM000020240305ek3500001: same text as 'nexis-1'; skipped"
            in done.stderr)
    with Project.open(project, "reader", read_only=True) as p:
        assert sorted(p.document_ids()) == ["EXHR000020240305ek3500009", "nexis-1"]
        assert dict(p.document("EXHR000020240305ek3500009").meta)["same_text_as"] == "nexis-1"


def test_a_download_larger_than_the_article_limit_is_read_article_by_article(
        tmp_path: Path) -> None:
    """The size limit is per article: a download of many articles, or one with its photos,
    may be larger as a file; each article's text, and a plain article, is held to it."""
    import os

    path = nexis_download(tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/media/photo.jpeg", os.urandom(300_000))  # a photo
    plain = tmp_path / "long.txt"
    plain.write_text("The mayor said so. " * 20_000, encoding="utf-8")  # 380 kB of text
    results = list(read_documents([path, plain], max_bytes=200_000))
    assert [r.document.title for r in results[:2]] == ["City keeps going", "Council split"]
    assert results[2].error == (f"{plain}: too large (its text is over 0.2 MB, the limit per "
                                "article; split it or raise --max-mb)")


def test_an_id_made_free_stays_within_the_id_limit(tmp_path: Path) -> None:
    """An article's id is its file's name and its place (``-3``); a name too long for the id
    limit is cut before the place, never the place, so every id stays apart and reads back
    (an export of it imports again)."""
    import json
    import os

    from annotations.formats.schema import MAX_ID

    # a Latin-1 name from an old archive: each byte is written \xe9, four characters
    name = os.fsdecode(b"\xe9" * 100 + b".docx")
    project = str(tmp_path / "p")
    for batch, title in (("b1", "One"), ("b2", "Two")):
        (tmp_path / batch).mkdir()
        write_docx(tmp_path / batch / name, COVER + nexis_article(
            title, "The Daily Example", "March 5, 2024", [f"{title} said so."])
            + nexis_article(title + "!", "The Daily Example", "March 5, 2024",
                            [f"{title} again."]))
        assert main(["import", str(tmp_path / batch / name), "--project", project]) == 0
    out = tmp_path / "all.jsonl"
    assert main(["export", "--format", "jsonl", "--project", project, "--out", str(out)]) == 0
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == 4 and max(map(len, ids)) <= MAX_ID
    assert main(["import", str(out), "--layer", "copy", "--project", project]) == 0


def test_a_paragraph_that_reads_like_a_closing_label_stays_in_the_article(
        tmp_path: Path) -> None:
    """A fact box or a memo in an article ('Type: public hearing', 'Subject: ...', 'State:
    Pennsylvania') ended it there: the rest, its quotes with it, was lost without a word."""
    body = ["The council met on Monday.", "Type: public hearing",
            "Subject: the sanctuary-city budget", '"We will not back down," said Jane Roe.',
            "State: Pennsylvania", "The vote is next week."]
    new = write_docx(tmp_path / "nexis.docx", COVER + nexis_article(
        "Council", "The Daily Example", "March 5, 2024", body) + nexis_article(
        "Two", "Example Herald", "March 6, 2024", ["Other."]))
    old = tmp_path / "old.txt"
    old.write_text("1 of 1 DOCUMENTS\n\nThe Daily Example\n\nMarch 5, 2024\n\nCouncil\n\n"
                   "LENGTH: 40 words\n\n" + "\n\n".join(body) + "\n\nLOAD-DATE: March 6, 2024"
                   "\n\nLANGUAGE: ENGLISH\n\nCopyright 2024 Example Media\n", encoding="utf-8")
    first, _, only = (r.document for r in read(new, old))
    for doc in (first, only):
        assert doc.text == "\n\n".join(body)
        assert dict(doc.meta)["load_date"] == "2024-03-06"
        assert dict(doc.meta)["language"] == "English"
