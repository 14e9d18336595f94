"""Full-text search: one matching rule for a query in one document and across the corpus.

The rule: the query's words, in order, as a phrase; case does not matter; the white space
between two words of the query matches any run of white space in the text (a line or paragraph
break too); a straight quote mark or apostrophe in the query also matches its typographic forms
(``don't`` finds ``don’t``), and a letter its accented forms (``Menard`` finds ``Ménard``,
``annotations.folding``). Words match inside longer words (``sanctuar`` finds
``sanctuary``), as in an editor's search. The regular expression runs on the stored text itself,
so every hit is a pair of character offsets into the document, the one coordinate system.

``find_in_text`` serves the reader's in-document search, ``TextHits`` the stepping between its
hits, and ``search_corpus`` the corpus search screen: it reads one document at a time (each
read under the session's lock, never one long hold of it) and yields hits as it finds them, so
the first results arrive before the whole corpus is read. Texts come from the store's document
list, which keeps every text it has read in memory (texts are never edited after import), so
searching again reads no file; no separate index is kept, and ``read_ahead`` fills that cache
while a query is being typed. Measured on 1,000 documents of 800 words (2 cores): a word only
the last document holds is found in ~20 ms from memory (~60 ms without the ``Query.literal``
pre-check, which passes over a text without running the case-insensitive pattern); reading
every text from disk first adds ~150 ms (~450 ms in the running TUI under load).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol, TypeVar

from annotations.display import visible_line
from annotations.errors import SaywhoError
from annotations.folding import letter_class, loose
from annotations.model import Document

if TYPE_CHECKING:
    from annotations.session import Session

T = TypeVar("T")

CONTEXT = 40  # characters of text shown either side of a hit in a snippet
DEFAULT_LIMIT = 1000
ELLIPSIS = "…"

# a quote mark typed on a keyboard also finds the typographic ones of news text
_EQUIVALENT = {
    "'": "'’‘ʼ",
    "’": "'’‘ʼ",
    "‘": "'’‘ʼ",
    '"': '"“”„',
    "“": '"“”„',
    "”": '"“”„',
}
_SPACE_RUN = re.compile(r"\s+")
COMBINING = "[\u0300-\u036f]*"  # the accents of a decomposed letter, after it
_PLAIN_RUN = re.compile(r"[a-hj-rt-z0-9]+")


class Readable(Protocol):
    """Something that runs reads on a session under its lock: a ``Session`` (or the TUI's
    bridge, which reads through one)."""

    def read(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` on the session with no change in between."""
        ...


@dataclass(frozen=True, slots=True)
class Hit:
    """One place a query matched: ``start``/``end`` are offsets into the document's text;
    ``snippet`` is the hit with about ``CONTEXT`` characters either side, on one line, white
    space collapsed and control characters shown visibly; the hit is
    ``snippet[mark_start:mark_end]``."""

    doc_id: str
    title: str
    start: int
    end: int
    snippet: str
    mark_start: int
    mark_end: int


@dataclass(frozen=True, slots=True)
class Query:
    """A query compiled under the one matching rule.

    ``pattern`` is the rule itself (``None``: a query of white space only, which matches
    nothing). ``literal`` only makes a search faster: a piece of the query, lower-cased and its
    accents folded, that ``folding.loose(text)`` contains wherever the pattern matches, so a
    text without it is passed over without running the slower case-insensitive pattern. It
    is made only of ASCII letters and digits whose case-insensitive matches are exactly what
    ``str.lower`` gives (not ``i``: ``ı`` and ``İ`` also match it; not ``s``: ``ſ`` does).
    """

    text: str
    pattern: re.Pattern[str] | None
    literal: str

    @classmethod
    def parse(cls, query: str) -> Query:
        """Compile ``query`` (composed first: a typed "e" and combining accent is an "é")."""
        words = unicodedata.normalize("NFC", query).split()
        if not words:
            return cls(query, None, "")
        pattern = re.compile(r"\s+".join(_word_pattern(w) for w in words), re.IGNORECASE)
        runs = (run for w in words for run in _PLAIN_RUN.findall(loose(w)))
        return cls(query, pattern, max(runs, key=len, default=""))

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Every hit in ``text`` as ``(start, end)``, in text order, not overlapping."""
        if self.pattern is None or (self.literal and self.literal not in loose(text)):
            return
        for m in self.pattern.finditer(text):
            yield m.span()


def _word_pattern(word: str) -> str:
    return "".join(_char_pattern(ch) for ch in word)


def _char_pattern(ch: str) -> str:
    """One query character: a quote mark finds its typographic forms; a letter its accented
    forms, precomposed or followed by combining marks ("Menard" finds "Ménard")."""
    if ch in _EQUIVALENT:
        return f"[{re.escape(_EQUIVALENT[ch])}]"
    letters = letter_class(ch)
    if letters is not None:
        return letters + COMBINING
    return re.escape(ch)


def find_in_text(text: str, query: str) -> list[tuple[int, int]]:
    """Every hit of ``query`` in ``text`` as ``(start, end)`` offsets, in text order (hits do
    not overlap)."""
    return list(Query.parse(query).spans(text))


@dataclass(frozen=True, slots=True)
class TextHits:
    """The hits of one query in one document, and how ``n``/``N`` step through them."""

    query: str
    spans: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, text: str, query: str) -> TextHits:
        """Search ``text`` for ``query``."""
        return cls(query, tuple(find_in_text(text, query)))

    def __len__(self) -> int:
        return len(self.spans)

    def first_after(self, offset: int) -> int | None:
        """The index of the first hit starting at or after ``offset``, else the first hit
        (the search wraps round); ``None`` when there is no hit."""
        if not self.spans:
            return None
        i = bisect_left(self.spans, (offset, -1))
        return i if i < len(self.spans) else 0

    def step(self, index: int, delta: int) -> int:
        """The index ``delta`` hits from ``index``, wrapping round at either end."""
        return (index + delta) % len(self.spans) if self.spans else 0


def snippet(text: str, start: int, end: int, context: int = CONTEXT) -> tuple[str, int, int]:
    """``text[start:end]`` with about ``context`` characters either side (whole words), on one
    line with white space collapsed and controls shown visibly; with the hit's position in it."""
    lo, hi = max(start - context, 0), min(end + context, len(text))
    before, after = text[lo:start], text[end:hi]
    if lo > 0 and not text[lo - 1].isspace():  # do not start in the middle of a word
        cut = _SPACE_RUN.search(before)
        before = before[cut.start():] if cut else before
    if hi < len(text) and not text[hi].isspace():
        cuts = list(_SPACE_RUN.finditer(after))
        after = after[:cuts[-1].start()] if cuts else after
    head = (ELLIPSIS if lo > 0 else "") + _one_line(before).lstrip()
    hit = _one_line(text[start:end])
    tail = _one_line(after).rstrip() + (ELLIPSIS if hi < len(text) else "")
    return head + hit + tail, len(head), len(head) + len(hit)


def fit_snippet(shown: str, mark_start: int, mark_end: int, width: int) -> tuple[str, int, int]:
    """A snippet (``snippet``'s three values) cut at its start so that its hit begins within
    the first half of ``width`` columns: a narrow terminal shows the hit, not only what led to
    it. Unchanged when it fits or the context before the hit is short."""
    room = max((width - (mark_end - mark_start)) // 2, width // 4, 1)
    if mark_start <= room:
        return shown, mark_start, mark_end
    cut = mark_start - room + len(ELLIPSIS)
    gap = shown.find(" ", cut, mark_start)  # start at a word where one starts near
    cut = gap + 1 if gap != -1 and gap + 1 < mark_start else cut
    drop = cut - len(ELLIPSIS)
    return ELLIPSIS + shown[cut:], mark_start - drop, mark_end - drop


def _one_line(text: str) -> str:
    return visible_line(_SPACE_RUN.sub(" ", text))


def hits_in(doc_id: str, title: str, text: str, query: Query) -> Iterator[Hit]:
    """The hits of a compiled query in one document, with their snippets."""
    for start, end in query.spans(text):
        shown, mark_start, mark_end = snippet(text, start, end)
        yield Hit(doc_id, title, start, end, shown, mark_start, mark_end)


Source = Readable | Iterable[Document] | Iterable[tuple[str, str, str]]


def search_corpus(
    source: Source,
    query: str,
    *,
    limit: int | None = DEFAULT_LIMIT,
    skipped: list[str] | None = None,
) -> Iterator[Hit]:
    """The hits of ``query`` across a corpus, in document order, as they are found.

    ``source``: a session (or anything with the session's ``read``), read one document at a
    time in the project's order; or documents, or ``(doc_id, title, text)`` triples. At most
    ``limit`` hits (``None``: all). A document whose text cannot be read is left out and its
    id added to ``skipped`` (the session has recorded the damage).
    """
    compiled = Query.parse(query)
    if compiled.pattern is None or (limit is not None and limit <= 0):
        return
    found = 0
    for doc_id, title, text in _texts(source, skipped):
        for hit in hits_in(doc_id, title, text, compiled):
            yield hit
            found += 1
            if limit is not None and found >= limit:
                return


def read_ahead(source: Readable, stop: Callable[[], bool] = lambda: False) -> int:
    """Read every document's text once, as a search would, until ``stop()`` says so; returns
    how many were read. The store keeps each text it read in memory, so a search started
    later reads no file: the search screen runs this while the query is being typed."""
    read = 0
    for _ in _texts(source, None):
        read += 1
        if stop():
            break
    return read


def _text_of(doc_id: str, session: Session) -> str:
    return session.document(doc_id).text


def _texts(source: Source, skipped: list[str] | None) -> Iterator[tuple[str, str, str]]:
    if hasattr(source, "read"):
        readable: Readable = source  # type: ignore[assignment]
        rows = readable.read(lambda s: [(info.id, info.title) for info in s.documents()])
        for doc_id, title in rows:
            try:
                text = readable.read(partial(_text_of, doc_id))
            except SaywhoError:
                if skipped is not None:
                    skipped.append(doc_id)
                continue
            yield doc_id, title, text
        return
    for item in source:  # type: ignore[union-attr]
        if isinstance(item, Document):
            yield item.id, item.title, item.text
        else:
            yield item
