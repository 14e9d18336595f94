"""Input readers: .txt, .md, .html, .docx, .rtf files, folders, and JSONL lines into
``Document``s.

Every problem with one input becomes a ``ReadResult`` carrying a plain message, and reading
goes on with the next input: one bad file never stops an import. Binary files, invalid UTF-8,
empty files and files over the size limit are refused with a message that says which and why.
Plain text is normalised on the way in (a UTF-8 BOM dropped, CRLF and CR turned into LF);
JSONL texts are kept exactly, since their quote offsets index them as given. A JSONL file is
read a line at a time, and all that is kept to refuse a repeated id is a digest per id
(``_SeenLines``): a corpus file of any size reads in flat memory. A news database's export
(Nexis Uni, LexisNexis, Factiva: ``news_exports``) is known by what it says, whatever its name
ends with, and each of its articles is a document of its own (``_export_results``).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from annotations.errors import InputError
from annotations.formats.news_exports import (
    Article,
    articles,
    export_kind,
    export_lines,
    may_be_export,
)
from annotations.formats.office import OFFICE_SUFFIXES, factiva_html_text, office_text
from annotations.formats.page_meta import front_matter, html_meta
from annotations.formats.schema import MAX_ID, suffixed_id
from annotations.metadata import MAX_VALUE, Meta, merged_meta, read_meta, record_meta
from annotations.model import Document, now_iso
from annotations.store.paths import PROJECT_FILE
from annotations.text import front_matter_end, paragraphs
from annotations.textfile import decode_text, utf16_refusal

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = (TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
                      | OFFICE_SUFFIXES)
SUPPORTED_NAMES = ".txt/.md/.html/.jsonl/.docx/.rtf"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# a file may hold this many times the limit per article: a news database's download of a
# hundred articles, a .docx with its photos; each article's text is held to the limit
FILE_FACTOR = 20


def _megabytes(size: int) -> str:
    """A size limit in MB as a message says it: ``10``, or ``0.2`` below one."""
    return f"{size / 1e6:.0f}" if size >= 1e6 else f"{size / 1e6:.1f}"


@dataclass(frozen=True, slots=True)
class ReadResult:
    """One input item: a document (with interchange data, for JSONL), or why it was not read.

    ``skipped`` marks harmless leftovers found while walking a folder (an image, a README
    without a supported suffix): reported, but not a failure. ``note`` is said beside a
    document that was read (an article of an export cut short, read as far as it goes).
    ``numbered`` marks a document whose id saywho made from the file's name and the
    article's place in it (a news export without the database's own id: ``Files (100)-3``):
    another download of that name holds other articles under the same ids, so an import gives
    such a document the next free id rather than refusing it.
    """

    source: str
    document: Document | None = None
    error: str | None = None
    record: dict[str, Any] | None = field(default=None, compare=False)
    skipped: bool = False
    note: str | None = field(default=None, compare=False)
    numbered: bool = field(default=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when a document was read."""
        return self.document is not None


def read_documents(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES, jsonl: bool = False
) -> Iterator[ReadResult]:
    """Read every path (files, folders recursively, JSONL) in a stable order; ``jsonl``: read
    every file given by name as interchange JSONL, whatever its name ends with (``import
    --format jsonl``)."""
    seen_ids: dict[str, int] = {}
    seen_lines = _SeenLines()
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
            found = sorted(p for p in path.rglob("*") if not _hidden(p, path))
            projects = sorted({p.parent for p in found if p.name == PROJECT_FILE}
                              | ({path} if (path / PROJECT_FILE).is_file() else set()))
            for project in projects:  # its texts are its documents, the rest its own files
                yield ReadResult(path_text(project), skipped=True, error=(
                    f"{path_text(project)}: skipped, a saywho project (bring its documents "
                    "and layers in with saywho merge)"))
            if projects:
                found = [p for p in found if not any(p.is_relative_to(q) for q in projects)]
            files = [p for p in found if p.is_file()]
            for odd in found:  # a pipe, a device, a dangling link: said, never unsaid
                message = special_file(odd)
                if message is not None:
                    yield ReadResult(path_text(odd), skipped=True, error=message)
            if not files and not projects:
                yield ReadResult(path_text(path), error=f"{path_text(path)}: folder has no files")
            for file in files:
                if file.name.startswith("~$"):  # Word's lock file beside an open .docx
                    yield ReadResult(path_text(file), skipped=True, error=(
                        f"{path_text(file)}: skipped, the lock file of a document open in Word"))
                    continue
                if file.suffix.lower() not in SUPPORTED_SUFFIXES:
                    yield ReadResult(path_text(file), skipped=True, error=(
                        f"{path_text(file)}: skipped, not {SUPPORTED_NAMES}"))
                    continue
                if once(file):
                    yield from _unique(_in_folder(_read_path(file, max_bytes), file, path),
                                       seen_ids, seen_lines)
        elif path.exists():
            if once(path):
                yield from _unique(_read_path(path, max_bytes, jsonl=jsonl), seen_ids,
                                   seen_lines)
        elif path.is_symlink():
            yield ReadResult(path_text(path), error=f"{path_text(path)}: a symbolic link that "
                                                    "leads nowhere (or round in a loop)")
        else:
            yield ReadResult(path_text(path), error=f"{path_text(path)}: no such file or folder")


def _in_folder(results: Iterable[ReadResult], file: Path, root: Path) -> Iterator[ReadResult]:
    """``results`` of a file found in a folder import, each document with the subfolder it
    lay in as its ``folder`` metadata (``nyt/2024``: corpora are often filed by outlet or
    period; a file directly in the folder named, a document that says its own folder, or one
    whose own metadata fills every key it may hold, gets none)."""
    where = file.parent.relative_to(root)
    if not where.parts:
        yield from results
        return
    folder = read_meta([("folder", path_text(where.as_posix())[:MAX_VALUE])])[0]
    for result in results:
        doc = result.document
        if doc is not None and not any(k == "folder" for k, _ in doc.meta):
            meta, full = merged_meta(doc.meta, folder)  # full: the document's own keys first
            if not full:
                result = replace(result, document=replace(doc, meta=meta))
        yield result


def path_text(path: str | os.PathLike[str]) -> str:
    """A path as text any file or terminal can hold: a byte of its name that is not UTF-8
    (a Latin-1 name from an old archive) is written ``\\xe9``, so a document id or a source
    made from it can be stored, and two such names stay apart."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def special_file(path: Path) -> str | None:
    """The one line for a path that is neither a regular file nor a folder (a device such as
    ``/dev/zero``, which reads without end, a pipe, which waits forever, or a link that leads
    nowhere); None for a file, a folder or nothing there at all."""
    if path.is_file() or path.is_dir() or not (path.exists() or path.is_symlink()):
        return None
    return (f"{path_text(path)}: not a regular file (a device, a pipe, a socket or a link "
            "that leads nowhere); copy it into a file")


def refuse_special(path: Path) -> None:
    """``special_file``'s line as an ``InputError`` (readers that take one path)."""
    message = special_file(path)
    if message is not None:
        raise InputError(message)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


class _SeenLines:
    """The JSONL ids one ``read_documents`` call has met: for each, where it was read and a
    digest of its text and record, packed in one small ``bytes`` (about 150 bytes an id with
    its dict slot), never the line itself: a corpus of millions of lines is read in flat memory
    but for these."""

    def __init__(self) -> None:
        self._files: dict[str, int] = {}
        self._names: list[str] = []
        self._ids: dict[str, bytes] = {}

    def first(self, doc_id: str) -> tuple[str, bytes] | None:
        """Where ``doc_id`` was first read, and that line's digest (``None``: not yet)."""
        raw = self._ids.get(doc_id)
        if raw is None:
            return None
        file = self._names[int.from_bytes(raw[:4], "little")]
        return file + raw[4 + _DIGEST:].decode("utf-8", "surrogatepass"), raw[4:4 + _DIGEST]

    def add(self, doc_id: str, result: ReadResult, digest: bytes) -> None:
        """``result`` (a JSONL line of ``doc_id``, digest ``digest``) was read first."""
        assert result.document is not None
        file = result.document.source if result.source.startswith(result.document.source) else ""
        index = self._files.get(file)
        if index is None:
            index = self._files[file] = len(self._names)
            self._names.append(file)
        where = result.source[len(file):].encode("utf-8", "surrogatepass")
        self._ids[doc_id] = index.to_bytes(4, "little") + digest + where


_DIGEST = 16
_UNDIGESTIBLE = b"\xff" * _DIGEST  # a record nested too deep to digest: equal to no other


def _line_digest(result: ReadResult) -> bytes:
    """Equal for two lines with the same text and record (the record's keys sorted, as dict
    equality ignores their order); ``_UNDIGESTIBLE`` for a record nested too deep to write."""
    assert result.document is not None
    record = b""
    if result.record is not None:
        try:
            record = orjson.dumps(result.record, option=orjson.OPT_SORT_KEYS)
        except (orjson.JSONEncodeError, RecursionError):
            return _UNDIGESTIBLE
    digest = hashlib.blake2b(result.document.sha256.encode("ascii"), digest_size=_DIGEST)
    digest.update(b"\0" if result.record is None else b"\1" + record)
    return digest.digest()


def _unique(
    results: Iterable[ReadResult], seen: dict[str, int], lines: _SeenLines
) -> Iterator[ReadResult]:
    """Give same-named files from different folders distinct ids (``x``, ``x-2``).

    A JSONL id is kept as given (gold files and layers refer to it): a second line with an
    id already read is refused, or skipped when it repeats the first line exactly.
    """
    for result in results:
        doc = result.document
        if doc is not None and result.source != doc.source:  # a JSONL line
            first = lines.first(doc.id)
            digest = _line_digest(result)
            if first is None:
                lines.add(doc.id, result, digest)
            elif first[1] == digest != _UNDIGESTIBLE:
                yield ReadResult(
                    result.source,
                    error=f"{result.source}: id {doc.id!r} repeats {first[0]}; skipped",
                    skipped=True,
                )
                continue
            else:
                yield ReadResult(
                    result.source,
                    error=f"{result.source}: id {doc.id!r} is already used by {first[0]}; "
                    "ids must be unique",
                )
                continue
        elif doc is not None and result.record is None:
            n = seen.get(doc.id, 0) + 1
            seen[doc.id] = n
            if n > 1:
                doc = replace(doc, id=suffixed_id(doc.id, f"-{n}"))
                result = replace(result, document=doc)  # its note and all kept
        yield result


def _read_path(path: Path, max_bytes: int, *, jsonl: bool = False) -> Iterator[ReadResult]:
    """The documents of one file, read by its suffix (``jsonl``: as JSONL whatever it is)."""
    suffix = ".jsonl" if jsonl else path.suffix.lower()
    shown = path_text(path)
    special = special_file(path)  # said as what it is, whatever its name
    if special is not None:
        yield ReadResult(shown, error=special)
        return
    if suffix not in SUPPORTED_SUFFIXES:
        yield ReadResult(
            shown,
            error=f"{shown}: unsupported file type {suffix or '(none)'}; "
            "use .txt, .md, .html, .jsonl, .docx or .rtf",
        )
        return
    try:
        size = path.stat().st_size
        if size > FILE_FACTOR * max_bytes and suffix not in JSONL_SUFFIXES:
            yield ReadResult(shown, error=(
                f"{shown}: too large ({size / 1e6:.1f} MB; the limit is "
                f"{_megabytes(FILE_FACTOR * max_bytes)} MB for a file of articles, "
                f"{_megabytes(max_bytes)} MB per article; split it or raise --max-mb)"))
            return
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl_file(path, max_bytes)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ReadResult(shown, error=f"{shown}: cannot read ({exc.strerror or exc})")
        return
    note = ""  # what a word-processor file that was read left out
    if suffix in OFFICE_SUFFIXES:
        text, error, note = office_text(data, suffix, shown, max_bytes)
    else:
        text, error = decode_text(data, shown)
    if error:
        yield ReadResult(shown, error=error)
        return
    assert text is not None
    export = factiva_html_text(text) if suffix in HTML_SUFFIXES else text
    if export is not None and (suffix in OFFICE_SUFFIXES or (
            suffix not in MARKDOWN_SUFFIXES and may_be_export(export))):
        lines = export_lines(export)
        kind = export_kind(lines)
        if kind:
            yield from _export_results(articles(lines, kind), path, shown, max_bytes, note)
            return
        if suffix in OFFICE_SUFFIXES:  # a word-processor file of one plain article
            text = "\n\n".join(lines)
    meta: Meta = ()
    if suffix in HTML_SUFFIXES:
        meta = html_meta(text)
        title, text = html_to_text(text)
    else:
        text = normalise_newlines(text)
        front, skip = "", 0
        if suffix in MARKDOWN_SUFFIXES:
            front, meta = front_matter(text)
            skip = front_matter_end(text)  # the block stays in the text, but is no title
        title = front or first_line_title(text[skip:], markdown=suffix in MARKDOWN_SUFFIXES)
    if not text.strip():
        yield ReadResult(shown, error=f"{shown}: no article text (empty file)")
        return
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        yield ReadResult(shown, error=(
            f"{shown}: too large (its text is over {_megabytes(max_bytes)} MB, the limit per "
            "article; split it or raise --max-mb)"))
        return
    stem = path_text(path.stem)
    yield ReadResult(shown, Document(stem, title or stem, text, source=shown,
                                     imported=now_iso(), meta=meta), note=note or None)


def _export_results(found: Iterator[Article], path: Path, shown: str, max_bytes: int,
                    file_note: str = "") -> Iterator[ReadResult]:
    """The articles of a news database's export, one document each, read one at a time: its
    id is the database's own (Factiva's AN) or the file's stem, with the article's place in
    the file (``stem-3``) when the file holds more than one (an article that cannot be read
    keeps its number, so the others' ids never move). ``file_note`` (junk left out of the
    file) is said once, beside its first article read."""
    stem = path_text(path.stem)
    head = [a for a in (next(found, None), next(found, None)) if a is not None]
    if not head:
        yield ReadResult(shown, error=f"{shown}: a news export with no article in it")
        return
    single = len(head) == 1
    for number, article in enumerate(itertools.chain(head, found), start=1):
        where = shown if single else f"{shown} article {number}"
        if article.title:
            where += f" ({article.title[:60]!r})"
        if article.error:
            yield ReadResult(where, error=f"{where}: {article.error}")
            continue
        if len(article.text.encode("utf-8", "surrogatepass")) > max_bytes:
            yield ReadResult(where, error=f"{where}: text over the size limit; not read")
            continue
        doc_id = article.doc_id or suffixed_id(stem, "" if single else f"-{number}")
        title = article.title or first_line_title(article.text) or doc_id
        doc = Document(doc_id[:MAX_ID], title[:MAX_TITLE], article.text, source=shown,
                       imported=now_iso(), meta=article.meta)
        notes = [file_note] if file_note else []
        file_note = ""
        if article.note:
            notes.append(f"{where}: {article.note}")
        yield ReadResult(shown, doc, note="; ".join(notes) or None, numbered=not article.doc_id)


MAX_TITLE = 500  # characters of a headline kept as the title


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a leading BOM is dropped."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


_RULE_LINE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)


def first_line_title(text: str, *, markdown: bool = False) -> str:
    """The first paragraph (``annotations.text.paragraphs``: a hard-wrapped one joined, its
    line breaks made spaces), without Markdown heading marks, cut to 120 chars."""
    for start, end in paragraphs(text):
        first = text[start:end]
        if markdown:  # a rule line (front matter it could not read) is no title
            first = _RULE_LINE.sub("", first).strip()
        if markdown and first.startswith("#"):  # a heading is one line
            first = re.sub(r"^#+\s*", "", first.split("\n", 1)[0])
        title = " ".join(first.split())
        if title:
            return title[:120].rstrip()
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


def _read_jsonl_file(path: Path, max_bytes: int) -> Iterator[ReadResult]:
    """The lines of a JSONL file, read one at a time (a corpus file is never held whole).

    An ``OSError`` while reading is raised to the caller, which reports it after the lines
    already given."""
    with path.open("rb") as fh:
        yield from _read_jsonl_lines(_split_lines(fh), path_text(path), max_bytes=max_bytes)


def _split_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a binary file as ``bytes.splitlines`` splits the whole file (``\n``,
    ``\r\n`` and a lone ``\r`` end a line), from its ``\n``-ended pieces."""
    for chunk in chunks:
        yield from chunk.splitlines()


def read_jsonl_bytes(
    data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[ReadResult]:
    """One ``ReadResult`` per JSONL line with ``id`` and ``text``; a bad line gets a message."""
    yield from _read_jsonl_lines(data.splitlines(), source, max_bytes=max_bytes)


HEAD_LINES = 10
"""Unreadable lines before any readable one after which a file is taken for not JSONL at all:
one message for the file instead of one per line (a binary or Latin-1 file named .jsonl)."""


def _read_jsonl_lines(
    lines: Iterable[bytes], source: str, *, max_bytes: int
) -> Iterator[ReadResult]:
    """``read_jsonl_bytes`` over lines given one at a time: a UTF-8 BOM before the first is
    dropped, blank lines are skipped, and a file with no other line is an empty file. Until a
    line reads, the failures are held back: a NUL byte, or ``HEAD_LINES`` lines that do not
    read, make one message for the whole file (it is not JSONL); once one line has read, each
    bad line has its own message."""
    empty = True
    readable = False
    held: list[ReadResult] = []
    for number, line in enumerate(lines, start=1):
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM (Windows editors) is not JSON
            if (wide := utf16_refusal(line, source)) is not None:
                yield ReadResult(source, error=wide)
                return
        where = f"{source} line {number}"
        if not line.strip():
            continue
        empty = False
        if not readable and b"\x00" in line:
            yield ReadResult(source, error=f"{source}: binary file (NUL bytes), not JSONL")
            return
        result = _read_jsonl_line(line, where, source, max_bytes)
        if readable:
            yield result
        elif result.error is None:
            readable = True
            yield from held
            held.clear()
            yield result
        else:
            held.append(result)
            if len(held) == HEAD_LINES:
                first = str(held[0].error).removeprefix(f"{source} ")
                yield ReadResult(source, error=(
                    f"{source}: not JSONL: none of its first {HEAD_LINES} lines is a document "
                    f"({first})"))
                return
    yield from held
    if empty:
        yield ReadResult(source, error=f"{source}: empty file")


def _read_jsonl_line(line: bytes, where: str, source: str, max_bytes: int) -> ReadResult:
    """One non-blank JSONL line: its document (with its record when it carries quotes), or
    why it was not read."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as bad:
            return ReadResult(where, error=(
                f"{where}: not valid UTF-8 (byte 0x{line[bad.start]:02x} at offset {bad.start} "
                "of the line); convert the file to UTF-8 first"))
        return ReadResult(where, error=f"{where}: not JSON ({str(exc).splitlines()[0][:80]})")
    if not isinstance(record, dict):
        return ReadResult(where, error=f"{where}: not a JSON object")
    doc_id, text = record.get("id"), record.get("text")
    if doc_id is None or not isinstance(text, str):
        return ReadResult(where, error=f'{where}: needs an "id" and a string "text"')
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or not str(doc_id).strip():
        return ReadResult(where, error=f'{where}: "id" must be a non-empty string or number')
    if len(str(doc_id)) > MAX_ID:  # the one limit: every export of it must read back
        return ReadResult(where, error=f'{where}: "id" is longer than {MAX_ID} characters '
                                       f"({len(str(doc_id))}); give the document a shorter id")
    if not text.strip():
        return ReadResult(where, error=f"{where}: empty text for id {doc_id!r}")
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        return ReadResult(where, error=f"{where}: text of {doc_id!r} is over the size limit")
    meta, problem = record_meta(record, where)
    if problem:
        return ReadResult(where, error=problem)
    title = str(record.get("title") or first_line_title(text))
    doc = Document(str(doc_id), title, text, source=source, imported=now_iso(), meta=meta)
    return ReadResult(where, doc, record=record if record.get("quotes") is not None else None)
