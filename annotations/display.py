"""Text made safe to show: control and escape characters become visible symbols.

Article text, titles, names and labels are stored exactly as imported, but an ANSI or OSC
sequence, a BEL, a backspace or a bidi override must never reach a terminal raw: it could
recolour, retitle or beep the user's terminal, write its clipboard, or make text read in the
wrong order, and a character drawn as nothing must not shift the cells after it. This is the
one table every screen and command uses. Each C0 control (but newline and tab), DEL and each
C1 control maps to its visible picture, each bidi control and invisible format character
(``INVISIBLE``, the tag characters) to ``¿``, a line or paragraph separator to ``␊``, a lone
surrogate (a byte of a file name that is not UTF-8) to ``�``, and a tab to one
space, so one character stays one character (and one cell): offsets into the shown text equal
offsets into the stored text.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_PICTURE = "\u00bf"
# characters a terminal draws as nothing (or breaks a line at), which shift every cell after
# them: zero-width space, word joiner and invisible operators, byte-order mark, soft hyphen,
# Mongolian vowel separator, combining grapheme joiner, and the tag characters; ZWJ and ZWNJ
# stay (emoji sequences, Persian and Indic shaping need them)
INVISIBLE = "\u00ad\u034f\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff"
TAGS = range(0xE0000, 0xE0080)
SEPARATORS = "\u2028\u2029"  # line and paragraph separators: shown as newline's picture, ␊

_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x0A}
_TABLE[0x09] = " "
_TABLE[0x7F] = "\u2421"
_TABLE.update({code: "\ufffd" for code in range(0x80, 0xA0)})
_TABLE.update({ord(ch): BIDI_PICTURE for ch in BIDI_CONTROLS + INVISIBLE})
_TABLE.update({code: BIDI_PICTURE for code in TAGS})
_TABLE.update({ord(ch): "\u240a" for ch in SEPARATORS})
# a lone surrogate (a file name's byte that is not UTF-8, as Python reads it) cannot be written
_TABLE.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
_LINE_TABLE = {**_TABLE, 0x0A: "\u240a"}

_CONTROL_RE = re.compile("[" + re.escape("".join(map(chr, _TABLE))) + "]")
_LINE_CONTROL_RE = re.compile("[" + re.escape("".join(map(chr, _LINE_TABLE))) + "]")
_JSON_UNSAFE_RE = re.compile("[\x7f-\x9f" + BIDI_CONTROLS + INVISIBLE + SEPARATORS
                             + "\U000e0000-\U000e007f]")


def visible(text: str) -> str:
    """``text`` with every terminal control character replaced by a visible one (same length).

    Newlines stay, so a paragraph still breaks; use ``visible_line`` for one-line fields.
    """
    if not _CONTROL_RE.search(text):
        return text
    return text.translate(_TABLE)


def visible_line(text: str) -> str:
    """``visible(text)`` that also shows a newline as ``␊``: for titles, names, labels, ids."""
    if not _LINE_CONTROL_RE.search(text):
        return text
    return text.translate(_LINE_TABLE)


def safe_json(serialized: str) -> str:
    """Serialized JSON with DEL, C1, bidi controls and invisible characters written as
    ``\\uXXXX`` escapes (a tag character as its surrogate pair, as JSON spells it).

    ``json`` and ``orjson`` already escape C0 controls (ESC becomes ``\\u001b``) but leave
    these raw; they can only occur inside strings, where the escape means the same character,
    so the data is unchanged and a terminal shown the output stays safe.
    """
    if not _JSON_UNSAFE_RE.search(serialized):
        return serialized
    return _JSON_UNSAFE_RE.sub(lambda m: _json_escape(ord(m.group())), serialized)


def _json_escape(code: int) -> str:
    """JSON's ``\\uXXXX`` for a character; above U+FFFF, its UTF-16 surrogate pair."""
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def excerpt(text: str, width: int = 40) -> str:
    """The start of ``text`` on one line, at most ``width`` characters with the ellipsis, for
    a message or a table cell (stored as it is: pass it through ``visible`` to show it)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def excerpt_ends(text: str, width: int = 30) -> str:
    """Both ends of ``text`` on one line, at most ``width`` characters with the ellipsis
    between them: what tells a span from the same span with its end moved."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    half = (width - 1) // 2
    return f"{flat[:half].rstrip()}…{flat[-half:].lstrip()}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, the noun in the plural unless ``n`` is 1 (``1 quote``, ``2
    quotes``): the one rule for counts said to users."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
