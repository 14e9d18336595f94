"""The one rule for paragraphs, sentences, words and tokens, as character offsets.

Span moves (``textnav``), the token exports (WebAnno, CoNLL) and the detector all segment text
here, so a sentence is the same stretch of text wherever it is used. A sentence ends at a blank
line; at a line break, unless the line ends inside the sentence (an abbreviation that does not
end one, a word before a word in lower case, or, in a hard-wrapped text, a line the next line's
first word would not have fit on: a hard-wrapped line); or after ``.``, ``!``,
``?`` or ``…`` (with any closing quote marks or brackets) when white space and then a word that
does not start in lower case follow. A full stop does not end a sentence after a title
(``Mr.``, ``Sen.``), an initial (``John F. Kennedy``) or ``e.g.``; after other abbreviations
(``U.S.``, ``D.C.``, ``Inc.``, ``p.m.``, ``etc.``), or after any of them with closing marks
(``the U.S.’ Justice Department``), it ends one only when a usual sentence opener (``The``,
``He``, ``“We``) follows, so "the U.S. Immigration and Customs Enforcement" is one sentence and
"moved to the U.S. The next day" is two. Decimals (``3.5``) never match: a full stop must be
followed by white space.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Collection, Sequence
from functools import lru_cache

PARAGRAPH_RE = re.compile(r"[^\n]+")
WORD_RE = re.compile(r"\w+(?:[’'\-]\w+)*")
TOKEN_RE = re.compile(r"\w+(?:[’'.\-]\w+)*\.?|[^\w\s]")
END_RE = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s)|\n")
# END_RE that does not start inside a run of terminal punctuation: it would fail there exactly
# where it failed at the run's first mark, and trying every mark of a long run ("......")
# costs the square of its length. ``sentences`` tries the one case it skips on its own: a
# scan that starts inside such a run.
_END_IN_RUN_RE = re.compile(r"(?<=[.!?…])[.!?…]")
# (Its first mark is matched before the look-behind, so a search skips to the next mark.)
_END_FROM_RUN_START_RE = re.compile(r"[.!?…](?<![.!?…].)[.!?…]*[\"”’'»)\]]*(?=\s)|\n")
CLOSING_MARKS = "\"”»’'"
OPENING_MARKS = "\"“‘'«(["

# A full stop after these never ends a sentence: a name or a number always follows.
NON_FINAL_ABBREVIATIONS = frozenset(
    """mr mrs ms messrs dr prof sen rep gov lt gen col sgt capt maj adm cmdr rev hon pres supt
    insp det mt ft vs approx fig e.g i.e cf""".split()
)
# A full stop after these ends a sentence only before a usual sentence opener.
ABBREVIATIONS = NON_FINAL_ABBREVIATIONS | frozenset(
    """u.s u.k u.n u.s.a d.c e.u a.m p.m etc inc ltd co corp llc bros jr sr no nos st ave blvd
    rd dept est al jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
# No abbreviation or dotted acronym is longer; bounds the walk back from a full stop.
_LONGEST_CANDIDATE = 6
SENTENCE_STARTERS = frozenset(
    """the a an but and in on at he she it they we i this that these those his her their its our
    there here when while if as after before since so for with by to from what who how why where
    however meanwhile still yet also then now""".split()
)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each paragraph, white space trimmed: a non-blank line, with the
    lines after it that a hard wrap split off (a line break inside a sentence, as ``sentences``
    tells it: wire and database exports wrap their lines, and a quotation over two lines is
    one)."""
    return list(_paragraphs(text))


@lru_cache(maxsize=8)
def _paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """``paragraphs`` of the last few texts: the detector's stages ask for the same text's."""
    out: list[tuple[int, int]] = []
    start = -1
    end = len(text)
    curly = 0  # the paragraph's curly quote marks so far: opened minus closed
    straight = False  # whether a '"' of the paragraph opened a quotation no '"' closed yet
    for m in PARAGRAPH_RE.finditer(text):
        if start < 0:
            start, curly, straight = m.start(), 0, False
        curly += text.count("“", *m.span()) - text.count("”", *m.span())
        straight = _straight_quotation_open(text, *m.span(), straight)
        nxt = _skip_space(text, m.end(), end)
        if m.end() < end and (_wrapped_line(text, m.end(), nxt, end) or (
                (curly > 0 or straight)
                and _wrap_in_quotation(text, start, m.end(), nxt, end))):
            continue
        _add_trimmed(text, start, m.end(), out)
        start = -1
    if start >= 0:
        _add_trimmed(text, start, end, out)
    return tuple(out)


def words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Every word of ``text[start:end]``: letters or digits with inner apostrophes and hyphens."""
    end = len(text) if end is None else end
    return [m.span() for m in WORD_RE.finditer(text, start, end)]


def abbreviation_before(text: str, dot: int) -> str | None:
    """The abbreviation or initial that the ``.`` at ``dot`` closes, lower-cased, or ``None``.

    Known abbreviations, dotted acronyms ("N.Y.") and single capital letters ("F.") count.
    """
    j = dot
    floor = max(0, dot - _LONGEST_CANDIDATE - 1)
    while j > floor and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    if dot - j > _LONGEST_CANDIDATE:
        return None  # longer than any abbreviation: no need to walk back to its start
    word = text[j:dot].lower()
    if not word or word.startswith("."):
        return None
    if word in ABBREVIATIONS:
        return word
    if len(word) == 1:
        return word if text[j].isupper() else None
    return word if "." in word and len(word) <= 6 else None


def tokens(
    text: str, start: int = 0, end: int | None = None, cuts: Collection[int] = ()
) -> list[tuple[int, int]]:
    """Word and punctuation tokens of ``text[start:end]`` as absolute ``(start, end)`` spans.

    A final full stop stays on abbreviations, initials and dotted acronyms ("Mr.", "J.",
    "U.S.") and is a token of its own otherwise; "3.5" is one token. A token is also split at
    every offset in ``cuts`` inside it (annotation boundaries, see ``span_edges``).
    """
    end = len(text) if end is None else end
    spans = [m.span() for m in TOKEN_RE.finditer(text, start, end)]
    dot = text.find(".", start + 1, end)
    if dot != -1:
        spans = _split_full_stops(text, spans, dot, end)
    if not cuts:
        return spans
    points = sorted(cuts)
    out: list[tuple[int, int]] = []
    for s, e in spans:
        i = bisect.bisect_right(points, s)
        while i < len(points) and points[i] < e:
            out.append((s, points[i]))
            s = points[i]
            i += 1
        out.append((s, e))
    return out


def _split_full_stops(
    text: str, spans: list[tuple[int, int]], dot: int, end: int
) -> list[tuple[int, int]]:
    """``spans`` with the full stop that ends a word token split off as a token of its own,
    unless it closes an abbreviation, an initial or a dotted acronym ("Mr.", "J.", "U.S.");
    ``dot`` is the first full stop of ``text`` after the first offset of the range."""
    out: list[tuple[int, int]] = []
    done = 0  # spans before this index are in ``out`` (or wait there unchanged)
    while dot != -1:
        i = bisect.bisect_right(spans, (dot, end + 1), done) - 1  # the last starting by ``dot``
        if i >= done and spans[i][1] == dot + 1 and spans[i][0] < dot and abbreviation_before(
                text, dot) is None:
            s, e = spans[i]
            out += spans[done:i]
            out += [(s, dot), (dot, e)]
            done = i + 1
        dot = text.find(".", dot + 1, end)
    if not done:
        return spans
    out += spans[done:]
    return out


def span_edges(spans: Collection[tuple[int, int]]) -> set[int]:
    """Every start and end offset of ``spans``: where ``tokens`` must cut."""
    return {offset for span in spans for offset in span}


def sentences(
    text: str,
    start: int = 0,
    end: int | None = None,
    protected: Sequence[tuple[int, int]] = (),
    keep_with: re.Pattern[str] | None = None,
) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as ``(start, end)``, trimmed of white space.

    No break falls strictly inside a span of ``protected`` (sorted, not overlapping: paired
    quotations). ``keep_with`` matches a short clause ("Lincicome asked.") that stays in one
    sentence with the quotation it follows.
    """
    end = len(text) if end is None else end
    starts = [s for s, _ in protected]
    out: list[tuple[int, int]] = []
    cur = start
    first = END_RE.match(text, start, end) if _END_IN_RUN_RE.match(text, start, end) else None
    ends = _END_FROM_RUN_START_RE.finditer(text, first.end() if first else start, end)
    for m in itertools.chain((first,), ends) if first else ends:
        cut = m.end()
        if cut <= cur or cut >= end:
            continue
        i = bisect.bisect_right(starts, cut - 1) - 1
        if i >= 0 and protected[i][0] < cut - 1 and cut < protected[i][1]:
            continue
        nxt = _skip_space(text, cut, end)
        if m.group() == "\n":
            if _joins_next_line(text, m.start(), nxt, end):
                continue
            _add_trimmed(text, cur, m.start(), out)
            cur = nxt
            continue
        if not _full_stop(text, m.start(), m.end(), nxt, end):
            continue
        if keep_with is not None and text[cut - 1] in CLOSING_MARKS and keep_with.match(
            text, nxt, end
        ):
            continue
        _add_trimmed(text, cur, cut, out)
        cur = nxt
    _add_trimmed(text, cur, end, out)
    return out


def _joins_next_line(text: str, at: int, nxt: int, end: int) -> bool:
    """Whether the line break at ``at`` is only white space inside a sentence (``nxt``: the
    next line's first character). A blank line always ends a sentence. A single break does not
    when the line ends with terminal punctuation that did not end the sentence as a space would
    not have ("backed by Mr.", "John F.": that was decided at the punctuation), or with a word
    before a word in lower case (a hard-wrapped line)."""
    if nxt >= end or "\n" in text[at + 1 : nxt]:
        return False
    j = at
    while j > 0 and text[j - 1] in " \t\r":
        j -= 1
    while j > 0 and text[j - 1] in _AFTER_PUNCTUATION:
        j -= 1
    if j > 0 and text[j - 1] in ".!?…":
        return True
    return _continues_on_next_line(text, at, nxt)


_AFTER_PUNCTUATION = CLOSING_MARKS + ")]"


def _continues_on_next_line(text: str, at: int, nxt: int) -> bool:
    """Whether the sentence of the line ending at ``at`` (not at a sentence end) goes on in
    the next line (``nxt``: its first character): that line starts in lower case and is not
    a byline ("…next year⏎by Maria Lopez" under a headline), or the text is hard-wrapped and
    the next line's first word would not have fit on this one ("Senate Majority⏎Leader";
    "…was introduced⏎by Jane Doe." in a wrapped paragraph, a byline only in its looks)."""
    if text[nxt].islower() and _BYLINE_LINE_RE.match(text, nxt) is None:
        return True
    width = _wrap_width(text)
    return (width is not None and _with_next_word(text, at, nxt) > width
            and not _title_line(text, at))


_TITLE_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
_SMALL_WORDS = frozenset("with from into over than that upon onto about after under amid".split())


def _title_line(text: str, at: int) -> bool:
    """Whether the line ending at ``at`` is a headline in title case ("Stealth Over Health:
    How Insurers Hide Their Profits"): the first line of a paragraph, every word of four
    letters or more capitalised but a few small ones, at least three of them. A hard wrap
    never breaks such a line off a body; a first line of a wrapped paragraph ("WASHINGTON
    (AP) — Senate Majority Leader Chuck Schumer said on Tuesday") has words in lower case."""
    start = text.rfind("\n", 0, at) + 1
    if start and text[text.rfind("\n", 0, start - 1) + 1 : start - 1].strip():
        return False  # not the paragraph's first line: the line before is not blank
    long = [w for w in _TITLE_WORD_RE.findall(text, start, at) if len(w) >= 4]
    capital = [w for w in long if w[0].isupper()]
    return len(capital) >= 3 and all(w[0].isupper() or w.casefold() in _SMALL_WORDS
                                     for w in long)


@lru_cache(maxsize=8)
def _wrap_width(text: str) -> int | None:
    """The column ``text`` is hard-wrapped at, or ``None`` when it is not hard-wrapped.

    Only the lines that a single line break ends before another line are looked at. The
    width is the 90th percentile of their lengths (a word or address too long to wrap does
    not widen it); the text is hard-wrapped when at least three of those lines, and at least
    half of them, are full: the next line's first word would not have fit on them. A text of
    lines narrower than ``_MIN_WRAP_WIDTH`` (a list, a table, verse) is not.
    """
    lengths: list[int] = []
    full: list[int] = []  # each line's length with the next line's first word after it
    for m in PARAGRAPH_RE.finditer(text):
        nxt = _skip_space(text, m.end(), len(text))
        if nxt < len(text) and "\n" not in text[m.end() + 1 : nxt]:
            lengths.append(_line_length(text, m.end()))
            full.append(_with_next_word(text, m.end(), nxt))
    if len(lengths) < _MIN_WRAPPED_LINES:
        return None
    width = sorted(lengths)[len(lengths) * 9 // 10]
    filled = sum(n > width for n in full)
    if width < _MIN_WRAP_WIDTH or filled < _MIN_WRAPPED_LINES or 2 * filled < len(full):
        return None
    return width


_MIN_WRAPPED_LINES = 3
_MIN_WRAP_WIDTH = 40
# A byline alone on its line: "by" and names ("by Maria Lopez", "by Jo Li and Al Roe, Reuters").
_BYLINE_LINE_RE = re.compile(r"by(?:[^\S\n]+(?:and|[A-Z][\w.'’-]*),?)+[^\S\n]*(?:\n|$)")


def _line_length(text: str, at: int) -> int:
    """The length of the line that ends at ``at``, white space at its end left out."""
    stop = at
    while stop > 0 and text[stop - 1] in " \t\r":
        stop -= 1
    return stop - (text.rfind("\n", 0, stop) + 1)


def _with_next_word(text: str, at: int, nxt: int) -> int:
    """The length of the line that ends at ``at`` with a space and the next line's first
    word (from ``nxt``) after it: past the wrap width, a wrap had to break the line there."""
    word_end = nxt
    while word_end < len(text) and not text[word_end].isspace():
        word_end += 1
    return _line_length(text, at) + 1 + word_end - nxt


def _wrapped_line(text: str, at: int, nxt: int, end: int) -> bool:
    """Whether the line break at ``at`` only wraps a sentence (``nxt``: the next line's first
    character): a single break after a line that does not end a sentence, by the rule of
    ``sentences`` ("backed by Mr.", or a word before a word in lower case)."""
    if nxt >= end or "\n" in text[at + 1 : nxt]:
        return False
    stop = at
    while stop > 0 and text[stop - 1] in " \t\r":
        stop -= 1
    j = stop
    while j > 0 and text[j - 1] in _AFTER_PUNCTUATION:
        j -= 1
    if j > 0 and text[j - 1] in ".!?…":
        k = j - 1
        while k > 0 and text[k - 1] in ".!?…":
            k -= 1
        return not _full_stop(text, k, stop, nxt, end)
    return _continues_on_next_line(text, at, nxt)


def _straight_quotation_open(text: str, start: int, end: int, is_open: bool) -> bool:
    """Whether a quotation in straight marks is open after ``text[start:end]`` (``is_open``:
    before it). With none open, a '"' opens one unless white space follows it: one before
    white space closes nothing open, so it is no quote mark (the inch mark of ``12" pipe``).
    With one open, a '"' closes it unless it stands as an opening mark does (after white
    space or an opening mark, before a word)."""
    at = text.find('"', start, end)
    while at != -1:
        left = at == 0 or text[at - 1].isspace() or text[at - 1] in OPENING_MARKS
        right = at + 1 >= len(text) or text[at + 1].isspace()
        is_open = not right and (left or not is_open)
        at = text.find('"', at + 1, end)
    return is_open


def _wrap_in_quotation(text: str, start: int, at: int, nxt: int, end: int) -> bool:
    """Whether the line break at ``at``, inside a quotation the paragraph (from ``start``)
    opened and did not close, is a hard wrap: a single break before a line that does not
    reopen the quotation ("to⏎Langley", "every day.⏎The people"); a quotation that goes on
    over paragraphs reopens it in each."""
    if nxt >= end or "\n" in text[at + 1 : nxt]:
        return False
    return text[nxt] not in OPENING_MARKS


def _full_stop(text: str, at: int, stop: int, nxt: int, end: int) -> bool:
    """Whether the terminal punctuation ``text[at:stop]`` ends a sentence (``nxt``: next char).
    A full stop closing an abbreviation or an initial keeps its rule when closing marks follow
    it ("the U.S.’ Justice Department", "John F.) Kennedy"): with them, before a usual sentence
    opener only, as for ``U.S.``."""
    if nxt < end and (text[nxt].islower() or text[nxt] in ",;:"):
        return False
    closed = stop - at > 1 and text[at] == "." and all(
        c in _AFTER_PUNCTUATION for c in text[at + 1 : stop])
    if not closed and (stop - at != 1 or text[at] != "."):
        return True
    abbreviation = abbreviation_before(text, at)
    if abbreviation is None:
        return True
    if not closed and (abbreviation in NON_FINAL_ABBREVIATIONS or len(abbreviation) == 1):
        return False
    while nxt < end and text[nxt] in OPENING_MARKS:
        nxt += 1
    following = WORD_RE.match(text, nxt, end)
    return (
        following is not None
        and text[nxt].isupper()
        and following.group().lower() in SENTENCE_STARTERS
    )


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


MAX_FRONT_LINES = 100  # a "---" block longer than this is no front matter


def front_matter_end(text: str) -> int:
    """Where the text after a front matter block starts (0: none). A block opens the text
    with a ``---`` line, is closed by a ``---`` or ``...`` line, and holds only what front
    matter holds: ``key: value`` lines, list items, indented lines, comments, blank lines.
    Anything else between two dash lines (a quotation, a byline) is the article's own."""
    if not text.startswith("---"):
        return 0
    at = 0
    keys = 0
    for n, line in enumerate(text.split("\n", MAX_FRONT_LINES + 1)[: MAX_FRONT_LINES + 1]):
        at += len(line) + 1
        if n == 0:
            if line.strip() != "---":
                return 0
        elif line.strip() in ("---", "..."):
            return min(at, len(text)) if keys else 0
        elif FRONT_KEY_LINE.fullmatch(line.rstrip()):
            keys += 1
        elif line.strip() and not FRONT_OTHER_LINE.match(line):
            return 0
    return 0


# the lines of front matter: "key: value" (a key starts with a letter), and the others it may
# hold: a list item, an indented line, a comment
FRONT_KEY_LINE = re.compile(r"([^\W\d_][\w -]{0,39}):(?:\s+(.*))?")
FRONT_ITEM_LINE = re.compile(r"\s*-\s+(.*)")
FRONT_OTHER_LINE = re.compile(r"\s+\S|\s*#|\s*- ")


def mask_front_matter(text: str) -> str:
    """``text`` with a leading front matter block (``front_matter_end``) made blank, lines
    kept: what a detector reads, so metadata ("description: Senator Smith said …") is never
    an article's quote, and every offset stays the text's own."""
    end = front_matter_end(text)
    if not end:
        return text
    return "".join(c if c == "\n" else " " for c in text[:end]) + text[end:]
