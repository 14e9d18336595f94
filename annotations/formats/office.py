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

from annotations.formats.news_exports import FACTIVA_CODES

DOCX_SUFFIXES = {".docx"}
RTF_SUFFIXES = {".rtf"}
OFFICE_SUFFIXES = DOCX_SUFFIXES | RTF_SUFFIXES
INSTALL_NEWS = "pip install 'saywho[news]'"
UNPACKED_FACTOR = 20  # a .docx unpacks to at most this many times the size limit


def office_text(data: bytes, suffix: str, source: str,
                max_bytes: int) -> tuple[str | None, str | None, str]:
    """The text of a .docx or .rtf file, one paragraph a line, or the line that says why it
    cannot be read; and a note on what was left out of a file read all the same."""
    if suffix in DOCX_SUFFIXES:
        return *_docx_text(data, source, max_bytes), ""
    return _rtf_text(data, source)


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
        from docx.text.paragraph import Paragraph
    except ImportError:
        return None, f"{source}: reading .docx needs python-docx: {INSTALL_NEWS}"
    try:
        word = WordDocument(io.BytesIO(data))
        body = word.element.body
        lines = [Paragraph(p, word).text for p in body.iter(_W_P)]  # tables' too, in order
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged file
        why = " ".join(str(exc).split())[:200]  # one line, however the library words it
        return None, f"{source}: not a readable .docx ({type(exc).__name__}: {why})"
    return "\n".join(lines), None


_W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
_RTF_START = re.compile(rb"\s*\{\\rtf")


_JUNK = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]")


def _rtf_text(data: bytes, source: str) -> tuple[str | None, str | None, str]:
    if not _RTF_START.match(data[:64]):
        return None, f"{source}: not an RTF file (it does not start with {{\\rtf)", ""
    try:
        from striprtf.striprtf import rtf_to_text
    except ImportError:
        return None, f"{source}: reading .rtf needs striprtf: {INSTALL_NEWS}", ""
    # RTF is 7-bit text: a control or 8-bit byte is junk (a damaged file), left out
    clean, junk = _JUNK.subn(b"", data)
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
