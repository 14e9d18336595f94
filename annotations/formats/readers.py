"""Input readers: .txt, .md, .html files, folders, and JSONL lines into ``Document``s.

Every problem with one input becomes a ``ReadResult`` carrying a plain message, and reading
goes on with the next input: one bad file never stops an import. Binary files, invalid UTF-8,
empty files and files over the size limit are refused with a message that says which and why.
Plain text is normalised on the way in (a UTF-8 BOM dropped, CRLF and CR turned into LF);
JSONL texts are kept exactly, since their quote offsets index them as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotations.model import Document, now_iso

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadResult:
    """One input item: a document (with interchange data, for JSONL), or why it was not read.

    ``skipped`` marks harmless leftovers found while walking a folder (an image, a README
    without a supported suffix): reported, but not a failure.
    """

    source: str
    document: Document | None = None
    error: str | None = None
    record: dict[str, Any] | None = field(default=None, compare=False)
    skipped: bool = False

    @property
    def ok(self) -> bool:
        """True when a document was read."""
        return self.document is not None


def read_documents(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[ReadResult]:
    """Read every path (files, folders recursively, JSONL) in a stable order."""
    seen_ids: dict[str, int] = {}
    seen_lines: dict[str, ReadResult] = {}
    seen_files: set[Path] = set()

    def once(file: Path) -> bool:
        """False for a file this call already read (``a.txt a.txt``, ``dir dir/a.txt``)."""
        key = file.resolve()
        if key in seen_files:
            return False
        seen_files.add(key)
        return True

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            if not files:
                yield ReadResult(str(path), error=f"{path}: folder has no files")
            for file in files:
                if file.suffix.lower() not in SUPPORTED_SUFFIXES:
                    yield ReadResult(
                        str(file), error=f"{file}: skipped, not .txt/.md/.html/.jsonl", skipped=True
                    )
                    continue
                if once(file):
                    yield from _unique(_read_path(file, max_bytes), seen_ids, seen_lines)
        elif path.exists():
            if once(path):
                yield from _unique(_read_path(path, max_bytes), seen_ids, seen_lines)
        else:
            yield ReadResult(str(path), error=f"{path}: no such file or folder")


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _same_line(first: ReadResult, again: ReadResult) -> bool:
    """True when two JSONL lines hold the same text and record (a record nested too deep to
    compare counts as different: the second line is refused, never a RecursionError)."""
    assert first.document is not None and again.document is not None
    try:
        return (first.document.text, first.record) == (again.document.text, again.record)
    except RecursionError:
        return False


def _unique(
    results: Iterable[ReadResult], seen: dict[str, int], lines: dict[str, ReadResult]
) -> Iterator[ReadResult]:
    """Give same-named files from different folders distinct ids (``x``, ``x-2``).

    A JSONL id is kept as given (gold files and layers refer to it): a second line with an
    id already read is refused, or skipped when it repeats the first line exactly.
    """
    for result in results:
        doc = result.document
        if doc is not None and result.source != doc.source:  # a JSONL line
            first = lines.get(doc.id)
            if first is None:
                lines[doc.id] = result
            elif first.document is not None and _same_line(first, result):
                yield ReadResult(
                    result.source,
                    error=f"{result.source}: id {doc.id!r} repeats {first.source}; skipped",
                    skipped=True,
                )
                continue
            else:
                yield ReadResult(
                    result.source,
                    error=f"{result.source}: id {doc.id!r} is already used by {first.source}; "
                    "ids must be unique",
                )
                continue
        elif doc is not None and result.record is None:
            n = seen.get(doc.id, 0) + 1
            seen[doc.id] = n
            if n > 1:
                doc = Document(
                    f"{doc.id}-{n}", doc.title, doc.text, doc.sha256, doc.source, doc.imported
                )
                result = ReadResult(result.source, doc, record=result.record)
        yield result


def _read_path(path: Path, max_bytes: int) -> Iterator[ReadResult]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield ReadResult(
            str(path),
            error=f"{path}: unsupported file type {suffix or '(none)'}; "
            "use .txt, .md, .html or .jsonl",
        )
        return
    try:
        size = path.stat().st_size
        if size > max_bytes and suffix not in JSONL_SUFFIXES:
            yield ReadResult(
                str(path),
                error=f"{path}: too large ({size / 1e6:.1f} MB; the limit is "
                f"{max_bytes / 1e6:.0f} MB per article; split it or raise --max-mb)",
            )
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ReadResult(str(path), error=f"{path}: cannot read ({exc.strerror or exc})")
        return
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl_bytes(data, str(path), max_bytes=max_bytes)
        return
    text, error = decode_text(data, str(path))
    if error:
        yield ReadResult(str(path), error=error)
        return
    assert text is not None
    if suffix in HTML_SUFFIXES:
        title, text = html_to_text(text)
    else:
        text = normalise_newlines(text)
        title = first_line_title(text, markdown=suffix in MARKDOWN_SUFFIXES)
    if not text.strip():
        yield ReadResult(str(path), error=f"{path}: no article text (empty file)")
        return
    yield ReadResult(
        str(path),
        Document(path.stem, title or path.stem, text, source=str(path), imported=now_iso()),
    )


def decode_text(data: bytes, source: str) -> tuple[str | None, str | None]:
    """UTF-8 text from bytes, or a message for empty, binary or non-UTF-8 input."""
    if not data.strip():
        return None, f"{source}: empty file"
    if b"\x00" in data[:65536]:
        return None, f"{source}: binary file (NUL bytes), not text"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, (
            f"{source}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first"
        )
    return text.removeprefix("\ufeff"), None


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a leading BOM is dropped."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def first_line_title(text: str, *, markdown: bool = False) -> str:
    """The first non-empty line, without Markdown heading marks, cut to 120 chars."""
    for line in text.splitlines():
        line = line.strip()
        if markdown:
            line = re.sub(r"^#+\s*", "", line)
        if line:
            return line[:120]
    return ""


_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre"]
_DROPPED = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]


def html_to_text(html: str) -> tuple[str, str]:
    """Title and article text from an HTML page, paragraphs separated by blank lines.

    Uses BeautifulSoup with the standard library parser: scripts, styles, navigation, headers,
    footers and asides are dropped; the text comes from ``<article>`` or ``<main>`` when the
    page has one. Time is linear in the page, however deep its nesting; should the parser
    still run out of stack on some page, a flat pass over its tags (``_html_to_text_flat``)
    gives the text instead of an error.
    """
    try:
        return _html_to_text_tree(html)
    except RecursionError:
        return _html_to_text_flat(html)


def _html_to_text_tree(html: str) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_DROPPED):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = []
    inside_block: dict[int, bool] = {}
    for el in root.find_all(_BLOCKS):
        if _in_block(el, inside_block):
            continue
        piece = " ".join(el.get_text(" ", strip=True).split())
        if piece:
            blocks.append(piece)
    if not blocks:
        blocks = [
            " ".join(line.split()) for line in root.get_text("\n").splitlines() if line.strip()
        ]
    if not title:
        h1 = soup.find("h1")
        title = h1.get_text(" ", strip=True) if h1 else (blocks[0][:120] if blocks else "")
    return title, "\n\n".join(blocks)


def _in_block(el: Any, memo: dict[int, bool]) -> bool:
    """Whether an ancestor of ``el`` is a block element (``el.find_parent(_BLOCKS)``), with
    the answer for every ancestor on the way remembered: paragraphs under thousands of nested
    ``<div>`` cost one step each, not the depth of the nesting each."""
    path = []
    node = el.parent
    answer = False
    while node is not None:
        if node.name in _BLOCKS:
            answer = True
            break
        known = memo.get(id(node))
        if known is not None:
            answer = known
            break
        path.append(node)
        node = node.parent
    for seen in path:
        memo[id(seen)] = answer
    return answer


def _html_to_text_flat(html: str) -> tuple[str, str]:
    """Title and text from a single pass over the tags (no tree, no recursion): the text of
    each outermost block element, without dropped elements (scripts, navigation, ...)."""
    from html.parser import HTMLParser

    blocks: list[str] = []
    title: list[str] = []
    loose: list[str] = []

    class Flat(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.dropped = 0
            self.block = 0
            self.in_title = False
            self.piece: list[str] = []

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag in _DROPPED:
                self.dropped += 1
            elif tag == "title":
                self.in_title = True
            elif tag in _BLOCKS and not self.dropped:
                self.block += 1

        def handle_endtag(self, tag: str) -> None:
            if tag in _DROPPED:
                self.dropped = max(0, self.dropped - 1)
            elif tag == "title":
                self.in_title = False
            elif tag in _BLOCKS and self.block and not self.dropped:
                self.block -= 1
                if not self.block:
                    self._flush()

        def handle_data(self, data: str) -> None:
            if self.in_title:
                title.append(data)
            elif not self.dropped:
                (self.piece if self.block else loose).append(data)

        def _flush(self) -> None:
            piece = " ".join(" ".join(self.piece).split())
            if piece:
                blocks.append(piece)
            self.piece = []

    parser = Flat()
    parser.feed(html)
    parser.close()
    parser._flush()
    if not blocks:
        blocks = [" ".join(line.split()) for line in "".join(loose).splitlines() if line.strip()]
    head = " ".join(" ".join(title).split())
    return head or (blocks[0][:120] if blocks else ""), "\n\n".join(blocks)


def read_jsonl_bytes(
    data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[ReadResult]:
    """One ``ReadResult`` per JSONL line with ``id`` and ``text``; a bad line gets a message."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM (Windows editors) is not JSON
    if not data.strip():
        yield ReadResult(source, error=f"{source}: empty file")
        return
    for number, line in enumerate(data.splitlines(), start=1):
        where = f"{source} line {number}"
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield ReadResult(where, error=f"{where}: not JSON ({str(exc).splitlines()[0][:80]})")
            continue
        if not isinstance(record, dict):
            yield ReadResult(where, error=f"{where}: not a JSON object")
            continue
        doc_id, text = record.get("id"), record.get("text")
        if doc_id is None or not isinstance(text, str):
            yield ReadResult(where, error=f'{where}: needs an "id" and a string "text"')
            continue
        if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or not str(doc_id).strip():
            yield ReadResult(where, error=f'{where}: "id" must be a non-empty string or number')
            continue
        if not text.strip():
            yield ReadResult(where, error=f"{where}: empty text for id {doc_id!r}")
            continue
        if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            yield ReadResult(where, error=f"{where}: text of {doc_id!r} is over the size limit")
            continue
        title = str(record.get("title") or first_line_title(text))
        doc = Document(str(doc_id), title, text, source=source, imported=now_iso())
        yield ReadResult(where, doc, record=record if record.get("quotes") is not None else None)
