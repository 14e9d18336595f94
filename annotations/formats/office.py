"""The paragraphs of a word-processor file (.docx, .rtf) and of a Factiva HTML export.

News databases hand their downloads out as Word and RTF files (Nexis Uni: .docx or .rtf;
Factiva: .rtf or .html). Reading them takes two small, well-kept libraries that a researcher
without such files does not need, so they are the optional extra ``saywho[news]``:
python-docx (MIT; it brings lxml) for .docx and striprtf (BSD, pure Python) for .rtf. Either
missing is said in one line with the command that installs it. A file that is not what its
name says (a cut download whose zip is unreadable, an RTF with binary junk), or one that
unpacks to far more than the size limit, is refused in one line; nothing here raises.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from annotations.formats.news_exports import FACTIVA_CODES

DOCX_SUFFIXES = {".docx"}
RTF_SUFFIXES = {".rtf"}
OFFICE_SUFFIXES = DOCX_SUFFIXES | RTF_SUFFIXES
INSTALL_NEWS = "pip install 'saywho[news]'"
UNPACKED_FACTOR = 20  # a .docx unpacks to at most this many times the size limit


def office_text(data: bytes, suffix: str, source: str,
                max_bytes: int) -> tuple[str | None, str | None, str]:
    """The text of a .docx or .rtf file, one paragraph a line, or the line that says why it
    cannot be read; and a note on what was left out of a file read all the same. A file is
    read as what its first bytes say (an RTF named .docx as RTF, with a note); one that is
    neither (a web page, an old .doc, a PDF, plain text) is named as what it is."""
    kind = _content_kind(data)
    if suffix in DOCX_SUFFIXES and kind == "rtf":  # Word saves RTF under any name it is given
        text, error, note = _rtf_text(data, source)
        return text, error, "; ".join(filter(None, [f"{source}: an RTF file named .docx, read "
                                                    "as RTF", note]))
    if suffix in RTF_SUFFIXES and kind == "zip":
        text, error = _docx_text(data, source, max_bytes)
        return text, error, f"{source}: a Word .docx named .rtf, read as .docx"
    if kind in _KINDS:
        named = "a Word .docx" if suffix in DOCX_SUFFIXES else "an RTF file"
        return None, f"{source}: not {named} but {_KINDS[kind]}", ""
    if suffix in DOCX_SUFFIXES:
        return *_docx_text(data, source, max_bytes), ""
    return _rtf_text(data, source)


# what a file named .docx may really be, said in its one line: a browser saves a login or
# error page under the download's name, an old Word file or an encrypted one is OLE2
_KINDS = {
    "ole": ("a Word 97-2003 .doc or a password-protected .docx: open it in Word and save it "
            "as .docx"),
    "html": ("a web page (a login or error page saved in place of the download?): download "
             "it again"),
    "pdf": "a PDF: download the articles as .docx or .rtf",
    "text": "plain text: rename it .txt",
}


def _content_kind(data: bytes) -> str:
    """What ``data`` is by its first bytes: ``zip`` (a .docx), ``rtf``, ``ole``, ``pdf``,
    ``html``, ``text``, or ``""`` (none of these: a damaged file)."""
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()
    if data.startswith(b"PK"):
        return "zip"
    if _RTF_START.match(data[:64]):
        return "rtf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if re.match(rb"(?i)<(?:!doctype\s+html|html|head|body|\?xml[^>]*>\s*<html)", head):
        return "html"
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as bad:  # a character cut at 1024 bytes is still text
            if bad.start < len(head) - 3:
                return ""
        return "text"
    return ""


def _docx_text(data: bytes, source: str, max_bytes: int) -> tuple[str | None, str | None]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "word/document.xml" not in archive.namelist():
                return None, f"{source}: not a Word .docx file (no word/document.xml inside)"
    except (zipfile.BadZipFile, ValueError, OSError):
        return None, (f"{source}: not a readable .docx (its zip is damaged or cut short: "
                      "download it again)")
    if unpacked > UNPACKED_FACTOR * max_bytes:
        return None, (f"{source}: unpacks to {unpacked / 1e6:.0f} MB, over "
                      f"{UNPACKED_FACTOR} times the size limit; not read")
    try:
        from docx import Document as WordDocument
    except ImportError:
        return None, f"{source}: reading .docx needs python-docx: {INSTALL_NEWS}"
    try:
        word = WordDocument(io.BytesIO(data))
        body = word.element.body
        # tables' and text boxes' paragraphs too, in order; a text box's copy for old Word
        # versions (mc:Fallback) is left out: its paragraphs are the drawing's own again
        lines = [_paragraph_text(p) for p in body.iter(_W_P)
                 if not any(a.tag == _MC_FALLBACK for a in p.iterancestors())]
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged file
        why = " ".join(str(exc).split())[:200]  # one line, however the library words it
        return None, f"{source}: not a readable .docx ({type(exc).__name__}: {why})"
    return "\n".join(lines), None


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P = _W + "p"
# what a paragraph's text is made of, wherever its runs sit: in a hyperlink, a tracked
# insertion (w:ins, w:moveTo), a content control (w:sdt), a simple field, a smart tag
_RUN_TEXT = {_W + "t": None, _W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n",
             _W + "noBreakHyphen": "-"}
_REMOVED = {_W + "del", _W + "moveFrom"}  # a tracked deletion is no longer the text


def _paragraph_text(paragraph: Any) -> str:
    """The text of a Word paragraph (an lxml ``w:p``): every run's, in order, but those of
    a paragraph nested in it (a text box: read as a paragraph of its own) and of a tracked
    deletion. python-docx's ``Paragraph.text`` reads only runs that are the paragraph's
    children or a hyperlink's, so a tracked insertion or a content control's words were lost."""
    parts: list[str] = []
    for element in paragraph.iter(*_RUN_TEXT):
        owner = None
        for above in element.iterancestors():
            if above.tag in _REMOVED:
                break
            if above.tag == _W_P:
                owner = above
                break
        if owner is not paragraph:
            continue
        fixed = _RUN_TEXT[element.tag]
        if element.tag == _W + "br" and element.get(_W + "type") in ("page", "column"):
            fixed = ""  # a page break inside a paragraph parts no words
        parts.append(element.text or "" if fixed is None else fixed)
    return "".join(parts)
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RTF_START = re.compile(rb"\s*\{\\rtf")


_JUNK = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]")
# an embedded picture (``{\pict ...}``) is written as hex digits, often megabytes of them
_PICTURE_DATA = re.compile(rb"[0-9a-fA-F][0-9a-fA-F\r\n]{4095,}")


def _rtf_text(data: bytes, source: str) -> tuple[str | None, str | None, str]:
    if not _RTF_START.match(data[:64]):
        return None, f"{source}: not an RTF file (it does not start with {{\\rtf)", ""
    try:
        from striprtf.striprtf import rtf_to_text
    except ImportError:
        return None, f"{source}: reading .rtf needs striprtf: {INSTALL_NEWS}", ""
    # RTF is 7-bit text: a control or 8-bit byte is junk (a damaged file), left out
    clean, junk = _JUNK.subn(b"", data)
    clean = _PICTURE_DATA.sub(b"", clean)  # a picture's hex digits: no text, slow to strip
    note = f"{source}: {junk} byte(s) of binary junk left out (a damaged RTF?)" if junk else ""
    try:
        text = rtf_to_text(clean.decode("ascii"), errors="replace")
    except Exception as exc:  # striprtf raises what its regexes and codecs raise
        return None, f"{source}: not a readable RTF file ({type(exc).__name__})", ""
    return text, None, note


_FACTIVA_HTML = re.compile(r">\s*(?:<b>\s*)?HD\s*(?:</b>\s*)?<", re.IGNORECASE)


def factiva_html_text(html: str) -> str | None:
    """A Factiva HTML export as Factiva's text layout (each field's code on a line, its
    paragraphs after it); None for any other page."""
    if not _FACTIVA_HTML.search(html):
        return None
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    lines: list[str] = []
    for row in soup.find_all("tr"):
        cells = row.find_all("td", recursive=False)
        if len(cells) != 2:
            continue
        code = cells[0].get_text(" ", strip=True)
        if code not in FACTIVA_CODES:
            continue
        lines.append(code)
        paragraphs = cells[1].find_all("p")
        if paragraphs:
            lines.extend(" ".join(p.get_text(" ", strip=True).split()) for p in paragraphs)
        else:
            lines.append(" ".join(cells[1].get_text(" ", strip=True).split()))
    return "\n".join(lines) if lines else None
