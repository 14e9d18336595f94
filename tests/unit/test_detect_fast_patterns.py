"""The detector's regular expressions written for speed match exactly what their plain forms do.

Several patterns are written from their first character on (a look-behind after it, branches
grouped by first character) so a search skips ahead instead of trying every branch at every
offset. These tests compare each with the plain pattern it replaces, on random strings over an
alphabet that hits its edges and with start and end offsets, and pin the tokenizer and the
sentence splitter on the same kind of input.
"""

from __future__ import annotations

import random
import re

import pytest

from annotations import text as segment
from annotations.detect.coref import PRONOUN_RE
from annotations.detect.mentions import _NAME_WORD, NAME_RE
from annotations.detect.patterns import CLAUSE_STOP_RE
from annotations.detect.quotemarks import MARK_RE

PLAIN_NAME = re.compile(
    r"(?<![\w’'])" + _NAME_WORD + r"(?:[^\S\n]+(?:(?:of|and|for|de|van|von|der|du|la|le|al)"
    r"[^\S\n]+)?" + _NAME_WORD + r")*"
)
PLAIN_CLAUSE_STOP = re.compile(
    r"\s+(?:—|–|--)\s+|,\s+which\b|;\s|,?\s+and then\s+"
    r"|,\s+however\b"
    r"|,\s+without\s+\w+ing\b|,\s+with\s+(?:[A-Z][\w.'’-]*\s+){1,3}\w+ing\b"
    r"|,\s+(?:hours|days|weeks|minutes|moments)\s+(?:after|before)\b"
    r"|,\s+(?:but|and|while|although|though|whereas|yet)\s+"
    r"(?=(?:the|a|an|he|she|they|it|we|i|his|her|their|its|[A-Z]\w*)\b)"
    r"|,\s+(?:meaning|saying|adding|noting|arguing|citing|calling|suggesting|explaining"
    r"|insisting|warning|claiming|describing|referring|prompting|leaving|sending|asking)\b"
    r"|\s+(?:and|but)\s+(?:also\s+)?(?:said|says|told|noted|added|argued|insisted|warned"
    r"|called|urged|vowed|promised|pledged|claimed)\b"
)
PLAIN_PRONOUN = re.compile(r"\b(he|his|him|she|her|hers)\b", re.IGNORECASE)
PLAIN_MARK = re.compile(r"''|``|[\"“”„«»‘’'‚‹›]")
PLAIN_END = re.compile(r"(?<![.!?…])[.!?…]+[\"”’'»)\]]*(?=\s)|\n")

CASES = [
    (NAME_RE, PLAIN_NAME, [*(t + "." for t in "Mr Mrs Ms Dr Jr Sr St Sen Rep Gov Gen Lt Col Sgt "
                                           "Capt Prof Rev Ft Mt".split()),
                           "Mr", "Sgt", "Capt", "M.D.", "J.", "Jo", "Li", "of", "and", "de", "’",
                           "'", " ", "\n", ".", "-", "x", "A", "U.S.", "é", "_"]),
    (CLAUSE_STOP_RE, PLAIN_CLAUSE_STOP, [",", " ", "\n", ";", "—", "–", "--", "which", "and",
                                         "then", "but", "said", "also", "the", "Big", "with",
                                         "running", "however", "days", "after", "saying",
                                         "x", "It"]),
    (PRONOUN_RE, PLAIN_PRONOUN, ["he", "she", "his", "her", "hers", "him", "H", "S", "ſ", "x",
                                 " ", "_", "é", "E", "rs", "'", "1"]),
    (MARK_RE, PLAIN_MARK, ["'", "''", "`", "``", '"', "“", "”", "’", "‘", "«", "»", "a", " "]),
    (segment._END_FROM_RUN_START_RE, PLAIN_END,
     [".", "..", "!", "?", "…", "”", "'", ")", " ", "\n", "a", "B", "\t"]),
]


@pytest.mark.parametrize(("fast", "plain", "pieces"), CASES,
                         ids=["names", "clause_stop", "pronouns", "marks", "sentence_ends"])
def test_fast_pattern_matches_like_its_plain_form(
    fast: re.Pattern[str], plain: re.Pattern[str], pieces: list[str]
) -> None:
    rnd = random.Random(14)
    for _ in range(6000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 10)))
        lo = rnd.randrange(len(s) + 1)
        hi = rnd.randrange(lo, len(s) + 1)
        assert [m.span() for m in fast.finditer(s, lo, hi)] == [
            m.span() for m in plain.finditer(s, lo, hi)], (s, lo, hi)


def _plain_tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The tokenizer as a plain loop: a final full stop is split off unless it closes an
    abbreviation, an initial or a dotted acronym."""
    out: list[tuple[int, int]] = []
    for m in segment.TOKEN_RE.finditer(text, start, end):
        s, e = m.span()
        if e - s > 1 and text[e - 1] == "." and segment.abbreviation_before(text, e - 1) is None:
            out += [(s, e - 1), (e - 1, e)]
        else:
            out.append((s, e))
    return out


def test_tokens_split_full_stops_like_the_plain_loop() -> None:
    rnd = random.Random(15)
    pieces = ["Mr.", "U.S.", "said.", "3.5", "a", "e.g.", ".", "..", " ", "J.", "co.", "x-y.",
              "it's.", "\n", "é.", "_."]
    for _ in range(4000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 8)))
        lo = rnd.randrange(len(s) + 1)
        hi = rnd.randrange(lo, len(s) + 1)
        assert segment.tokens(s, lo, hi) == _plain_tokens(s, lo, hi), (s, lo, hi)


def test_paragraphs_are_fresh_lists() -> None:
    text = "One.\n\n  Two. \n"
    first = segment.paragraphs(text)
    first.append((0, 0))
    assert segment.paragraphs(text) == [(0, 4), (8, 12)]
