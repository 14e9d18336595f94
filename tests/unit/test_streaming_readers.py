"""JSONL input is read a line at a time (issue "Corpus scale": ``saywho detect`` and ``import``
keep memory flat in the corpus): the reader never holds a file or its records whole, and what
it keeps to refuse a repeated id is a small digest per id, never the line. The rules stay: a
line that repeats an earlier one exactly is skipped, another line with a used id is refused,
a broken line is one message and the lines after it still read.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from annotations.formats.readers import read_documents, read_jsonl_bytes

TEXT = "The mayor said the plan would work. " * 60  # about 2 KB a line


def _peak_mb_reading(path: Path) -> tuple[int, float]:
    tracemalloc.start()
    try:
        count = sum(1 for result in read_documents([path]) if result.ok)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak / 1e6


def test_a_large_jsonl_file_is_read_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(4000):
            quotes = [{"start": 4, "end": 9}] if i % 2 else None
            record = {"id": f"d{i}", "text": f"{i} {TEXT}"} | ({"quotes": quotes} if quotes else {})
            fh.write(json.dumps(record) + "\n")
    size_mb = path.stat().st_size / 1e6
    count, peak_mb = _peak_mb_reading(path)
    assert count == 4000
    assert size_mb > 8
    # the file whole (or its lines, or the records kept for the duplicate check) would be
    # more than the file's size; a line at a time plus a digest per id is well under it
    assert peak_mb < size_mb / 4, (peak_mb, size_mb)


def test_repeated_and_reused_ids_and_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "One.", "quotes": [], "title": "T"}),
        "{broken",
        json.dumps({"title": "T", "quotes": [], "text": "One.", "id": "a"}),  # same, reordered
        json.dumps({"id": "a", "text": "Two."}),
        json.dumps({"id": "b", "text": "Three."}),
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    results = list(read_documents([path]))
    where = [r.source.rsplit(" ", 1)[-1] for r in results]
    assert where == ["1", "2", "3", "4", "5"]
    assert [r.document.id for r in results if r.ok] == ["a", "b"]
    assert "not JSON" in (results[1].error or "")
    assert results[2].skipped and f"repeats {path} line 1" in (results[2].error or "")
    assert not results[3].skipped
    assert f"id 'a' is already used by {path} line 1" in (results[3].error or "")


def test_a_file_read_in_lines_numbers_them_as_the_bytes_reader(tmp_path: Path) -> None:
    """``\\n``, ``\\r\\n`` and a lone ``\\r`` end a line, blank lines count, a BOM goes."""
    data = (b'\xef\xbb\xbf{"id": 1, "text": "x"}\r\r\n{"id": 2, "text": "y"}\n\n'
            b'{"id": 3, "text": "z"}\r{"id": 4, "text": "w"}')
    path = tmp_path / "odd.jsonl"
    path.write_bytes(data)
    from_file = [(r.source.rsplit(" ", 1)[-1], r.document and r.document.id)
                 for r in read_documents([path])]
    from_bytes = [(r.source.rsplit(" ", 1)[-1], r.document and r.document.id)
                  for r in read_jsonl_bytes(data, str(path))]
    assert from_file == from_bytes == [("1", "1"), ("3", "2"), ("5", "3"), ("6", "4")]


def test_an_empty_or_blank_jsonl_file_is_one_message(tmp_path: Path) -> None:
    for data in (b"", b"\xef\xbb\xbf\n \n\r\n"):
        path = tmp_path / "empty.jsonl"
        path.write_bytes(data)
        [result] = list(read_documents([path]))
        assert result.error == f"{path}: empty file"


def test_import_stores_documents_while_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``saywho import`` detects and stores each article as it is read, never after reading
    the whole input (which a corpus file would not fit in memory for)."""
    from annotations import model
    from annotations.formats import readers
    from annotations.session import Session
    from tui.cli import main

    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Story {i}. {TEXT}"}) + "\n"
                            for i in range(40)), encoding="utf-8")
    read = 0
    read_when_detected: list[int] = []
    now_iso, suggest = model.now_iso, Session.suggest

    def counting_now_iso() -> str:  # called once per document read
        nonlocal read
        read += 1
        return now_iso()

    def spy_suggest(self: Session, *args: object, **kwargs: object):  # noqa: ANN202
        read_when_detected.append(read)
        return suggest(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(readers, "now_iso", counting_now_iso)
    monkeypatch.setattr(Session, "suggest", spy_suggest)
    code = main(["import", str(path), "--project", str(tmp_path / "p"), "--jobs", "1",
                 "--quiet"])
    assert code == 0
    assert read == len(read_when_detected) == 40
    assert read_when_detected[:3] == [1, 2, 3]  # one read, one detected, and so on


def _errors(path: Path) -> tuple[list[str], int]:
    results = list(read_documents([path]))
    return [r.error for r in results if r.error], sum(1 for r in results if r.ok)


def test_a_binary_file_named_jsonl_is_one_message(tmp_path: Path) -> None:
    path = tmp_path / "noise.jsonl"
    path.write_bytes(bytes(range(256)) * 400 + b"\n" + bytes(range(255, -1, -1)) * 400)
    errors, ok = _errors(path)
    assert ok == 0 and len(errors) == 1 and "binary" in errors[0] and "noise.jsonl" in errors[0]


def test_a_latin1_jsonl_file_is_one_message_naming_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b"".join(
        json.dumps({"id": f"d{i}", "text": "café, said Bob."}, ensure_ascii=False)
        .encode("latin-1") + b"\n" for i in range(300)))
    errors, ok = _errors(path)
    assert ok == 0 and len(errors) == 1
    assert "not JSONL" in errors[0] and "UTF-8" in errors[0] and "surrogate" not in errors[0]


def test_bad_lines_before_the_first_good_one_each_get_their_message_once(tmp_path: Path) -> None:
    good = [json.dumps({"id": f"g{i}", "text": "Bob said hi."}) for i in range(4)]
    path = tmp_path / "head.jsonl"
    path.write_text("{broken\n[1]\n" + "\n".join(good) + "\n\xff-free\n", encoding="utf-8")
    errors, ok = _errors(path)
    assert ok == 4
    assert [e.split(":")[0] for e in errors] == [f"{path} line {n}" for n in (1, 2, 7)]
