"""Benchmark: read news-database exports of N synthetic articles into documents.

Builds (not timed) a Nexis Uni .docx, the same as .txt, a Factiva .rtf of ``--articles``
articles of about 600 words each, and that .rtf with a 15 MB photo in it (a ``pict`` group:
its hex digits are left out before the RTF is read), then times ``read_documents`` over each
file once (reading and splitting only: no detection, no store). Prints JSON: one line per
file with ``seconds``, ``articles`` and ``mb``; the last line one object with every
``<kind>_s``. Needs the ``saywho[news]`` extra. Usage: python bench/news_import.py [--articles N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.formats.readers import read_documents  # noqa: E402

PARAGRAPH = ('The mayor said "we will keep going" on Monday, and critics of the plan, who '
             "met at the council, disagreed with him at length. ") * 3


def nexis_lines(n: int) -> list[str]:
    lines = ["Date and Time: Tuesday, March 12, 2024 10:00:00 AM EST", "Job Number: 1",
             f"Documents ({n})"]
    for i in range(n):
        lines += [f"Headline {i}", "The Daily Example", "March 5, 2024 Tuesday",
                  "Copyright 2024 Example Media", "Section: NEWS", "Length: 600 words",
                  "Byline: John Smith", "Body"]
        lines += [f"{PARAGRAPH} ({i}.{k})" for k in range(20)]
        lines += ["Classification", "Language: ENGLISH", "Load-Date: March 6, 2024",
                  "End of Document"]
    return lines


def with_photo(rtf: bytes, megabytes: int = 15) -> bytes:
    """``rtf`` with a picture of ``megabytes`` MB of hex digits, 64 bytes a line, as Word
    writes one."""
    digits = b"\n".join(bytes(range(64)).hex().encode("ascii")
                        for _ in range(megabytes * 1_000_000 // 64))
    return rtf[:-1] + rb"{\pict\pngblip " + digits + b"}}"


def factiva_rtf(n: int) -> bytes:
    out = [r"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}"]
    for i in range(n):
        out += [rf"{{\b HD}}\tab Headline {i}\par", r"{\b WC}\tab 600 words\par",
                r"{\b PD}\tab 5 March 2024\par", r"{\b SN}\tab The Example Times\par",
                r"{\b LA}\tab English\par", rf"{{\b LP}}\tab {PARAGRAPH}\par",
                r"{\b TD}\tab " + r"\par ".join(f"{PARAGRAPH} ({i}.{k})" for k in range(19))
                + r"\par", rf"{{\b AN}}\tab Document EXTM0000202403{i:012d}\par"]
    return ("\n".join(out) + "}").encode("ascii")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args()
    import docx

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lines = nexis_lines(args.articles)
        word = docx.Document()
        for line in lines:
            word.add_paragraph(line)
        word.save(str(folder / "nexis.docx"))
        (folder / "nexis.txt").write_text("\n".join(lines), encoding="utf-8")
        (folder / "factiva.rtf").write_bytes(factiva_rtf(args.articles))
        (folder / "factiva_photo.rtf").write_bytes(with_photo(factiva_rtf(args.articles)))
        for name in ("nexis.docx", "nexis.txt", "factiva.rtf", "factiva_photo.rtf"):
            path = folder / name
            start = time.perf_counter()
            read = [r for r in read_documents([path], max_bytes=200_000_000)]
            seconds = time.perf_counter() - start
            ok = sum(1 for r in read if r.ok)
            results[f"{name.replace('.', '_')}_s"] = round(seconds, 3)
            print(json.dumps({"file": name, "mb": round(path.stat().st_size / 1e6, 2),
                              "articles": ok, "seconds": round(seconds, 3)}))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
