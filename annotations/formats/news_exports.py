"""Articles out of a news database's export: Nexis Uni / LexisNexis and Factiva.

Journalism corpora are downloaded from these databases, one file holding one article or
hundreds. Whatever the file was (a .docx, an .rtf, a .txt, Factiva's .html), its reader turns
it into paragraphs, one a line, and this module finds the articles in them:

- **Nexis Uni** (and LexisNexis Academic before it): each article is a headline, the outlet,
  the date line, a copyright line, labelled lines (``Section:``, ``Length: 812 words``,
  ``Byline:``, ``Dateline:``), ``Body``, the paragraphs, then ``Classification`` with
  ``Language:``, ``Publication-Type:``, ``Load-Date:``... and ``End of Document``. A download
  of many starts with a cover page and a list of the documents. The older LexisNexis text
  export starts each article at ``3 of 100 DOCUMENTS`` with the outlet, the date and the
  headline, labels in capitals (``BYLINE:``, ``LENGTH:``), the body, then ``LOAD-DATE:``,
  ``LANGUAGE:``... and the copyright.
- **Factiva** ("Full Article/Report plus Indexing"): fields named by codes, each a line of its
  own or the start of one (``HD`` headline, ``BY`` byline, ``WC`` word count, ``PD`` date,
  ``SN`` source name, ``SC`` source code, ``LA`` language, ``CY`` copyright, ``LP`` lead and
  ``TD`` text paragraphs, ``AN`` ``Document GRDN000020240305ek35000ab``, the database's id).

The text of a document is its body only (the lead and text paragraphs for Factiva); the
headline is its title; what the header and the classification state is metadata
(``outlet``, ``date`` as ISO, ``author``, ``section``, ``words``, ``language``...). Boilerplate
(copyright lines, ``Load-Date``, ``Classification``, ``End of Document``, Factiva's indexing
codes and ``Document`` footer) never enters the text. A control character in an export is no
part of an article (a damaged file, or one made to upset a terminal): it is dropped from every
line. An article cut short (no ``End of Document``) is read as far as it goes, with a note; one
with no body is refused alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from annotations.metadata import Meta, iso_date, loose_meta

NEXIS = "Nexis"
FACTIVA = "Factiva"


@dataclass(frozen=True, slots=True)
class Article:
    """One article found in an export: its headline, body text and metadata, the database's
    own id when the export gives one, and a note on what was wrong but read anyway; or, with
    ``error``, why it was not read."""

    title: str = ""
    text: str = ""
    meta: Meta = ()
    doc_id: str = ""
    note: str = ""
    error: str = ""


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def export_lines(text: str) -> list[str]:
    """``text``'s lines as paragraphs: control characters dropped, a tab made two spaces (it
    parts a Factiva code from its value), the ends trimmed, blank lines left out."""
    out = []
    for line in text.splitlines():
        line = _CONTROLS.sub("", line.replace("\t", "  ")).strip()
        if line:
            out.append(line)
    return out


_HINT = re.compile(r"^[ \t]*(?:(?i:end of document|\d+\s+of\s+\d+\s+documents?"
                   r"|dokument\s+\d+\s+von\s+\d+|document\s+\d+\s+de\s+\d+)[ \t]*$"
                   r"|(?i:load-date):|HD\b)", re.MULTILINE)


def may_be_export(text: str) -> bool:
    """False for a text that cannot be an export (no ``End of Document``, ``N of M
    DOCUMENTS`` (``Dokument N von M``, ``Document N de M``), ``Load-Date:`` or ``HD`` line):
    a plain article is not split into lines for nothing."""
    return _HINT.search(text) is not None


def export_kind(lines: Sequence[str]) -> str:
    """``NEXIS``, ``FACTIVA`` or ``""`` (not an export: a plain article) for the paragraphs of
    a file, from what they say, whatever the file is called."""
    ends = bodies = labels = numbered = 0
    codes: set[str] = set()
    for line in lines:
        if _END.fullmatch(line):
            ends += 1
        elif line == "Body":
            bodies += 1
        elif _NUMBERED.fullmatch(line):
            numbered += 1
        elif (label := _label(line)) is not None and label[0] in LENGTH_LABELS | {"load-date"}:
            labels += 1
        code = _code(line)
        if code is not None:
            codes.add(code[0])
    if (ends and (bodies or labels)) or ((numbered or bodies) and labels):
        return NEXIS
    if "HD" in codes and len(codes & {"PD", "SN", "LP", "TD", "WC", "AN", "BY", "LA"}) >= 2:
        return FACTIVA
    return ""


def articles(lines: Sequence[str], kind: str) -> Iterator[Article]:
    """The articles of an export of ``kind`` (``export_kind``), in the order it holds them."""
    return _nexis(lines) if kind == NEXIS else _factiva(lines)


# ---- Nexis Uni / LexisNexis -------------------------------------------------------------------

_END = re.compile(r"end of document", re.IGNORECASE)
# the older export's first line of an article, in English, German and French
_NUMBERED = re.compile(r"\d+\s+of\s+\d+\s+documents?|dokument\s+\d+\s+von\s+\d+"
                       r"|document\s+\d+\s+de\s+\d+", re.IGNORECASE)
_LABEL = re.compile(r"([^\W\d_](?:[^\W\d_]|-){1,24}):\s*(.*)")
# a copyright line: "Copyright 2024 ...", "Copyright © ...", "Copyright The Financial Times
# Limited 2024", "© Reuters", "(c) 2024 ...", with a year, © or "all rights reserved" in it, or
# "All Rights Reserved" on a line of its own; a paragraph that only starts with the word
# ("Copyright law, she said, ...") is text
_COPYRIGHT = re.compile(r"(?i:copyright)\s*:?\s*(?:©|\((?i:c)\))?\s*(?:\d{4}|[A-Z©(])"
                        r"|©|\((?i:c)\)\s*\d{4}|(?i:all rights reserved)")
_COPYRIGHT_MARK = re.compile(r"\b(?:1[89]|20)\d\d\b|all rights reserved|©", re.IGNORECASE)
MAX_COPYRIGHT = 300  # characters: a longer line is a paragraph
_WORDS = re.compile(r"(\d[\d,.]*)\s*(?:words?|wörter|worte|mots)\b", re.IGNORECASE)
# the German and French interfaces' labels (LÄNGE, RUBRIK, AUTOR, SPRACHE, GRAFIK; LONGUEUR,
# LANGUE), as LexisNexisTools reads them
LENGTH_LABELS = frozenset({"length", "länge", "longueur"})
HEADER_LABELS = frozenset({"byline", "section", "dateline", "highlight", "headline",
                           "edition", "pg", "series", "column", "rubrik", "autor"}) | LENGTH_LABELS
TAIL_LABELS = frozenset({
    "load-date", "language", "publication-type", "journal-code", "subject", "geographic",
    "organization", "person", "company", "industry", "ticker", "document-type", "url",
    "correction-date", "graphic", "notes", "type", "city", "state", "country", "terms",
    "sprache", "langue", "grafik"})
TAIL_LINES = frozenset({"classification", "graphic", "notes", "load-date"})
# the labels only the close of an article holds: what follows them is no longer its text
CLOSERS = frozenset({"load-date", "language", "sprache", "langue", "publication-type"})
# label -> metadata key (the others, subjects and the like, are indexing, not metadata)
NEXIS_KEYS = {"byline": "author", "section": "section", "length": "words",
              "dateline": "dateline", "load-date": "load_date", "language": "language",
              "publication-type": "publication_type", "document-type": "document_type",
              "url": "url", "edition": "edition", "series": "series", "column": "column",
              "autor": "author", "rubrik": "section", "länge": "words", "longueur": "words",
              "sprache": "language", "langue": "language"}


def _label(line: str) -> tuple[str, str] | None:
    """``(label, value)`` of a labelled Nexis line (``Length: 812 words``), for the labels
    the exports use only: "He said: no" is no label."""
    match = _LABEL.fullmatch(line)
    if match is None:
        return None
    name = match.group(1).lower()
    if name in HEADER_LABELS or name in TAIL_LABELS:
        return name, match.group(2).strip()
    return None


def _nexis(lines: Sequence[str]) -> Iterator[Article]:
    """Nexis articles: split at ``N of M DOCUMENTS`` (the older text export) or at ``End of
    Document``; a part with two ``Body`` lines (an ``End of Document`` lost) split again
    after its first article's ``Load-Date``."""
    if any(_NUMBERED.fullmatch(line) for line in lines):
        parts: list[list[str]] = []
        for line in lines:
            if _NUMBERED.fullmatch(line):
                parts.append([])
            elif parts:  # what comes before the first is the download's cover
                parts[-1].append(line)
        for part in parts:
            yield _old_article(part)
        return
    part = []
    for line in lines:
        if _END.fullmatch(line):
            yield from _split_run_together(part, closed=True)
            part = []
        else:
            part.append(line)
    if any(line == "Body" or _label(line) for line in part):
        yield from _split_run_together(part, closed=False)


def _split_run_together(part: list[str], *, closed: bool) -> Iterator[Article]:
    """The article(s) of the lines between two ``End of Document`` lines."""
    bodies = [i for i, line in enumerate(part) if line == "Body"]
    start = 0
    for before, body in zip(bodies, bodies[1:], strict=False):
        between = range(max(start, before + 1), body)
        ends = [i for i in between if (_label(part[i]) or ("", ""))[0] == "load-date"]
        # without a Load-Date, the next article's header: its headline and outlet before its
        # date line, the last date line before its Body
        dates = [i for i in between if _label(part[i]) is None and _date_line(part[i])]
        cut = ends[-1] + 1 if ends else dates[-1] - 2 if dates and dates[-1] - 2 > before else 0
        if not cut:
            yield Article(error=("runs into the next article (no 'End of Document' or "
                                 "'Load-Date' between them): not imported; the next is read "
                                 "from its 'Body' line, without its headline"))
            start = body
            continue
        article = _new_article(part[start:cut])
        yield _noted(article, "has no 'End of Document' line; read up to the next article")
        start = cut
    article = _new_article(part[start:])
    if not closed:
        article = _noted(article, "has no 'End of Document' line (a cut download?); read as "
                                  "far as it goes")
    yield article


def _date_line(line: str) -> bool:
    """Whether ``line`` is a Nexis header's date line (``March 5, 2024 Tuesday 10:00 PM``)."""
    return len(line) <= 80 and bool(iso_date(line))


def _noted(article: Article, note: str) -> Article:
    if article.error:
        return article
    return Article(article.title, article.text, article.meta, article.doc_id, note)


def _new_article(part: list[str]) -> Article:
    """A Nexis Uni article: header, ``Body``, paragraphs, classification."""
    if "Body" not in part:
        return Article(error="no 'Body' line: not an article")
    body_at = part.index("Body")
    header, rest = part[:body_at], part[body_at + 1:]
    pairs: list[tuple[str, str]] = []
    plain: list[str] = []  # the header's lines that are no label, up to its copyright line
    copyrighted = False
    for line in header:
        label = _label(line)
        if label is not None:
            pairs.append(label)
        elif _copyright(line):
            pairs.append(("copyright", line))
            copyrighted = True
        elif not copyrighted:
            plain.append(line)
    # headline, outlet, date (and copyright): anchored on the date line, or on the copyright
    # line when the date is written in a way iso_date does not read; what comes before is
    # the download's cover page
    dates = [i for i, line in enumerate(plain) if _date_line(line)]
    at = dates[-1] if dates else len(plain) - 1 if copyrighted and len(plain) >= 3 else -1
    title = outlet = date = ""
    if at >= 0:
        date = plain[at]
        outlet = plain[at - 1] if at >= 1 else ""
        title = plain[at - 2] if at >= 2 else ""
    elif plain:
        title = plain[0]
        outlet = plain[1] if len(plain) > 1 else ""
    tail_at = _tail_start(rest)
    for tail in rest[tail_at:]:
        label = _label(tail)
        if label is not None:
            pairs.append(label)
        elif _copyright(tail):
            pairs.append(("copyright", tail))
    body = [line for line in rest[:tail_at]
            if not _copyright(line) and line != "Body"]
    return _nexis_result(title, outlet, date, pairs, body)


def _copyright(line: str) -> bool:
    """Whether ``line`` is an export's copyright line (boilerplate, never text)."""
    return (len(line) < MAX_COPYRIGHT and _COPYRIGHT.match(line) is not None
            and _COPYRIGHT_MARK.search(line) is not None)


def _tail_start(lines: Sequence[str]) -> int:
    """Where an article's closing lines begin: at its first ``Classification``, ``Graphic``
    or ``Notes`` line, else at the run of closing labels and copyright lines that holds its
    last ``Load-Date`` or ``Language`` (whatever follows that is closing too), else at the
    last such run. A paragraph of the article that reads like a label (``Type: public
    hearing``, ``State: Pennsylvania``) with more of the article after it stays in the text:
    it ended the article there, the rest lost."""
    for i, line in enumerate(lines):
        if line.lower() in TAIL_LINES:
            return i
    at = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        if (_label(lines[i]) or ("", ""))[0] in CLOSERS:
            at = i
            break
    while at > 0 and _closing(lines[at - 1]):
        at -= 1
    return at


def _closing(line: str) -> bool:
    """Whether ``line`` can close an article: a closing label or a copyright line."""
    label = _label(line)
    return ((label is not None and label[0] in TAIL_LABELS)
            or _copyright(line))


def _old_article(part: list[str]) -> Article:
    """An article of the older LexisNexis text export: outlet, date, headline, labels in
    capitals, body, tail labels and the copyright."""
    pairs: list[tuple[str, str]] = []
    plain: list[str] = []  # the lines before the first label
    body: list[str] = []
    seen_header = False
    headline = ""
    # the newer export's markers in an old one are never text
    lines = [line for line in part
             if not (_END.fullmatch(line) or line.lower() in ("body", "classification"))]
    tail_at = _tail_start(lines)
    for i, line in enumerate(lines):
        label = _label(line)
        in_tail = i >= tail_at or (label is not None and label[0] in TAIL_LABELS
                                   and seen_header and not body)  # GRAPHIC: in the header
        if in_tail or _copyright(line):
            if label is not None:
                pairs.append(label)
            elif _copyright(line):
                pairs.append(("copyright", line))
            continue
        if label is not None and label[0] in HEADER_LABELS and not body:
            seen_header = True
            if label[0] == "headline":
                headline = label[1]
            else:
                pairs.append(label)
        elif seen_header or (len(plain) >= 3 and not headline):
            body.append(line)
        else:
            plain.append(line)
    outlet = plain[0] if plain else ""
    date = plain[1] if len(plain) > 1 and iso_date(plain[1]) else ""
    rest = plain[2 if date else 1:]
    if not headline and rest:
        headline = rest[0]
        body = rest[1:] + body
    return _nexis_result(headline, outlet, date, pairs, body)


def _nexis_result(title: str, outlet: str, date: str, pairs: Iterable[tuple[str, str]],
                  body: list[str]) -> Article:
    found: list[tuple[str, str]] = [("database", NEXIS)]
    if outlet:
        found.append(("outlet", outlet))
    if date:
        found.append(("date", iso_date(date) or date))
    for name, value in pairs:
        key = NEXIS_KEYS.get(name, name if name == "copyright" else "")
        if not key or not value:
            continue
        if key == "author":
            value = re.sub(r"^by\s+", "", value, flags=re.IGNORECASE)
        elif key == "words":
            words = _WORDS.search(value)
            value = words.group(1).replace(",", "").replace(".", "") if words else ""
        elif key == "load_date":
            value = iso_date(value) or value
        elif key == "language":
            value = value.title() if value.isupper() else value
        found.append((key, value))
    if not body:
        return Article(title=title, error="no article text after its 'Body' line")
    return Article(title, _paragraphs(body), loose_meta(found))


def _paragraphs(body: list[str]) -> str:
    """Body lines as the document's text: one paragraph each, its spaces single."""
    return "\n\n".join(" ".join(line.split()) for line in body)


# ---- Factiva ----------------------------------------------------------------------------------

FACTIVA_CODES = frozenset({
    "HD", "CLM", "SE", "BY", "CR", "WC", "PD", "ET", "SN", "SC", "ED", "PG", "LA", "CY", "LP",
    "TD", "CT", "RF", "CO", "IN", "NS", "RE", "IPC", "IPD", "PUB", "AN", "ART", "NGC", "RST"})
_CODE_LINE = re.compile(r"([A-Z]{2,3})(?:(?:\t| {2,}|\s*$)(.*))?")
_FOOTER = re.compile(r"Document\s+([A-Za-z0-9]{12,40})")
# code -> metadata key; LP and TD are the text, HD the title, the indexing codes left out
FACTIVA_KEYS = {"SN": "outlet", "PD": "date", "BY": "author", "SE": "section", "WC": "words",
                "LA": "language", "CY": "copyright", "SC": "source_code", "PG": "page",
                "ED": "edition", "ET": "time", "CLM": "column", "PUB": "publisher",
                "CR": "credit"}


def _code(line: str) -> tuple[str, str] | None:
    """``(code, rest of the line)`` for a line that starts a Factiva field: the code alone, or
    followed by a tab or two spaces and its value (``HD    Headline``)."""
    match = _CODE_LINE.fullmatch(line)
    if match is None or match.group(1) not in FACTIVA_CODES:
        return None
    return match.group(1), (match.group(2) or "").strip()


def _factiva(lines: Sequence[str]) -> Iterator[Article]:
    """Factiva articles: a new one at each ``HD``, each ended by its ``AN`` (or the
    ``Document ...`` footer); the search summary after the last is no article."""
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        code = _code(line)
        if code is not None and code[0] == "HD" and "HD" in fields:
            yield _factiva_article(fields, closed=False)  # its AN was lost
            fields, current = {}, None
        if code is not None:
            if code[0] == "AN" and not fields:  # no article open: nothing it could end
                current = None
                continue
            current = fields.setdefault(code[0], [])
            if code[1]:
                current.append(code[1])
        elif _FOOTER.fullmatch(line) and fields:
            fields.setdefault("AN", []).append(line)
        elif current is not None:
            current.append(line)
        if fields.get("AN"):  # the article's last field: what follows is another's
            yield _factiva_article(fields, closed=True)
            fields, current = {}, None
    if "HD" in fields or "TD" in fields or "LP" in fields:
        yield _factiva_article(fields, closed=False)


def _factiva_article(fields: dict[str, list[str]], *, closed: bool) -> Article:
    title = " ".join(fields.get("HD", []))
    body = fields.get("LP", []) + fields.get("TD", [])
    found: list[tuple[str, str]] = [("database", FACTIVA)]
    for code, key in FACTIVA_KEYS.items():
        value = " ".join(fields.get(code, []))
        if code == "PD":
            value = iso_date(value) or value
        elif code == "WC":
            words = _WORDS.search(value)
            value = words.group(1).replace(",", "").replace(".", "") if words else ""
        elif code == "BY":
            value = re.sub(r"^by\s+", "", value, flags=re.IGNORECASE)
        found.append((key, value))
    doc_id = ""
    for value in fields.get("AN", []):
        footer = _FOOTER.search(value)
        doc_id = footer.group(1) if footer else doc_id
    if doc_id:
        found.append(("document_id", doc_id))
    if not body:
        return Article(title=title, doc_id=doc_id, error="no LP or TD paragraphs (no text)")
    note = "" if closed else "has no AN / 'Document' line (a cut download?); read as far as it goes"
    return Article(title, _paragraphs(body), loose_meta(found), doc_id, note)
