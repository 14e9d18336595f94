"""Paths that are not what they seem, given to ``saywho import`` and ``saywho detect``: a file
name that is not UTF-8, a pipe, a device, a dangling link, damaged and oversized zips. Each
gets one line of its own; everything else is imported, and nothing hangs or runs out of
memory."""

from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from pathlib import Path

import pytest

from annotations.session import Session
from tui.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names and pipes")


def _project(tmp_path: Path) -> list[str]:
    return ["--project", str(tmp_path / "p"), "--annotator", "ana"]


def _folder_with_an_article(tmp_path: Path, name: str) -> Path:
    """A folder ``name`` holding ``a.txt``, one short article."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "a.txt").write_text('Ann said "one two three".', encoding="utf-8")
    return folder


def test_a_file_name_that_is_not_utf8_is_imported_under_a_readable_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text('Ann said "one two three".', encoding="utf-8")
    latin = os.fsdecode(b"b\xe9.txt")  # a Latin-1 name from an old archive
    (folder / latin).write_text('Bob said "four five six".', encoding="utf-8")
    (folder / "c.txt").write_text('Cy said "seven eight nine".', encoding="utf-8")
    assert main(["import", str(folder), *_project(tmp_path)]) == 0
    with Session.open(tmp_path / "p", "ana", read_only=True) as session:
        assert {"a", "b\\xe9", "c"} <= set(session.document_ids())
    out = tmp_path / "out.jsonl"
    assert main(["detect", str(folder), "--out", str(out), "--jobs", "1"]) == 0
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == ["a", "b\\xe9", "c"]


def test_a_pipe_a_device_and_a_dangling_link_each_get_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "f.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    good = tmp_path / "good.txt"
    good.write_text('Ann said "one two three".', encoding="utf-8")
    code = main(["import", str(fifo), str(zero), str(dangling), str(good), *_project(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "f.txt: not a regular file" in err and "zero.txt: not a regular file" in err
    assert "gone.txt: a symbolic link that leads nowhere" in err
    with Session.open(tmp_path / "p", "ana", read_only=True) as session:
        assert session.document_ids() == ["good"]
    for fmt in ("labelstudio", "doccano", "webanno", "conll"):
        assert main(["import", str(fifo), "--layer", "x", "--format", fmt,
                     *_project(tmp_path)]) == 1
        assert "f.txt: not a regular file" in capsys.readouterr().err


def _zip(path: Path, data: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("annotation/d0.txt/ana.tsv", data)


def test_damaged_encrypted_and_oversized_zips_are_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotations.formats import webanno_read

    monkeypatch.setattr(webanno_read, "MAX_ENTRY_BYTES", 100_000)
    seed = tmp_path / "seed.txt"
    seed.write_text('Ann said "one two three".', encoding="utf-8")
    assert main(["import", str(seed), *_project(tmp_path)]) == 0
    capsys.readouterr()  # the note that the project was made
    good = tmp_path / "ok.zip"
    _zip(good, b"#FORMAT=WebAnno TSV 3.3\n" + b"x" * 4000)
    raw = good.read_bytes()
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(raw[:60] + bytes(b ^ 0x55 for b in raw[60:120]) + raw[120:])
    encrypted = tmp_path / "encrypted.zip"
    flagged = bytearray(raw)
    flagged[6] |= 1  # the local header's "encrypted" flag
    central = raw.rindex(b"PK\x01\x02")
    flagged[central + 8] |= 1  # and the central directory's
    encrypted.write_bytes(bytes(flagged))
    bomb = tmp_path / "bomb.zip"
    _zip(bomb, b"#FORMAT=WebAnno TSV 3.3\n" + b"\n" * 1_000_000)  # 1 MB from a few KB
    cut = tmp_path / "cut.zip"
    cut.write_bytes(raw[: len(raw) // 2])  # a download cut short: no central directory
    for path in (damaged, encrypted, bomb, cut):
        code = main(["import", str(path), "--layer", "w", *_project(tmp_path)])
        err = capsys.readouterr().err
        assert code == 1, path
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert path.name in err
        if path is cut:
            assert "not a whole zip file" in err, err  # not "not valid UTF-8"


def test_utf16_text_with_its_byte_order_mark_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notepad's "Unicode": UTF-16 with a BOM reads as the text it is; a file of NUL-laden
    bytes without one is still refused as binary."""
    text = 'Zoë said "we will win, 🙂".\r\nThe end.'
    (tmp_path / "u16.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (tmp_path / "bin.txt").write_bytes(b"ab\x00cd" * 10)
    assert main(["import", str(tmp_path / "u16.txt"), str(tmp_path / "bin.txt"),
                 *_project(tmp_path)]) == 1
    assert "bin.txt: binary file" in capsys.readouterr().err
    with Session.open(tmp_path / "p", "ana", read_only=True) as session:
        assert session.document("u16").text == 'Zoë said "we will win, 🙂".\nThe end.'


def test_layer_with_plain_articles_says_they_carry_nothing_for_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A brat folder read with --format interchange: its .txt files are plain articles; the
    import says they carry nothing for the layer asked for (it said nothing)."""
    folder = _folder_with_an_article(tmp_path, "b")
    (folder / "a.ann").write_text('T1\tQuote 10 24\tone two three"\n', encoding="utf-8")
    main(["import", str(folder), "--layer", "gold", "--format", "interchange",
          *_project(tmp_path)])
    assert "1 plain article imported as a document, with nothing for layer gold" in (
        " ".join(capsys.readouterr().err.split()))


def test_special_files_inside_a_folder_are_said_not_skipped_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder_with_an_article(tmp_path, "in")
    os.mkfifo(folder / "pipe.txt")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    assert main(["import", str(folder), *_project(tmp_path)]) == 0  # skipped, not failed
    err = " ".join(capsys.readouterr().err.split())
    assert re.search(r"skipped: \S*pipe\.txt: not a regular file", err), err
    assert re.search(r"skipped: \S*gone\.txt: not a regular file", err), err


def test_stats_names_a_layer_file_that_holds_no_layer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotations.edits import AcceptQuote

    src = tmp_path / "a.txt"
    src.write_text('Ann said "one two three four".', encoding="utf-8")
    assert main(["import", str(src), *_project(tmp_path)]) == 0
    with Session.open(tmp_path / "p", "ana") as session:
        session.apply(AcceptQuote("a", next(iter(session.layer("a").quotes))))
    layer_file = tmp_path / "p" / "annotations" / "a" / "ana.json"
    data = json.loads(layer_file.read_text(encoding="utf-8"))
    data.pop("layers")
    layer_file.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert main(["stats", "--json", *_project(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["documents"] == 0
    assert "document 'a': its 'ana' layer file holds no layer that reads" in captured.err
