"""Accents folded for matching: "Menard" finds "Ménard", "Sorensen" finds "Sørensen".

Search and the speaker picker match what a researcher types against names and text from many
languages, typed on keyboards without those letters. ``loose`` is a text with each accented Latin
letter as its base letter, in lower case, combining accents dropped: for comparing names and
for a quick check that a text may hold a word; ``letter_class`` is the regular-expression class
of a letter and every letter that folds to it, for a pattern run on the text itself (offsets
stay those of the text).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_EXTRA = {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
          "ı": "i"}  # letters of their own, not an accent over a base letter


def _base(ch: str) -> str | None:
    """The ASCII letter ``ch`` is an accented form of, if any."""
    if ch in _EXTRA:
        return _EXTRA[ch]
    base = unicodedata.normalize("NFD", ch)[0]
    return base if base != ch and base.isascii() and base.isalpha() else None


_LATIN = [chr(c) for r in ((0x00C0, 0x0250), (0x1E00, 0x1F00)) for c in range(*r)]
FOLD = str.maketrans({ch: b for ch in _LATIN if (b := _base(ch)) is not None})
_VARIANTS: dict[str, str] = {}
for _ch, _b in ((ch, _base(ch)) for ch in _LATIN):
    if _b is not None:
        _VARIANTS[_b.lower()] = _VARIANTS.get(_b.lower(), "") + _ch


_LOOSE = {**FOLD, **{c: None for c in range(0x0300, 0x0370)}}  # combining marks dropped too


def loose(text: str) -> str:
    """``text`` in lower case, its accented Latin letters as their base letters and its
    combining marks (a decomposed "é") dropped: not for offsets."""
    return text.lower().translate(_LOOSE)


@lru_cache(maxsize=256)
def letter_class(ch: str) -> str | None:
    """A regular-expression class for ``ch`` and every letter that folds to it, both cases
    (``None``: ``ch`` is no letter with accented forms)."""
    base = (_base(ch) or ch).lower()
    if base not in _VARIANTS:
        return None
    return f"[{base}{base.upper()}{_VARIANTS[base]}]"
