"""A speaker's gender as the article states it: the signs ``codebook.suggest`` proposes from.

Only what the text says about this person counts: a pronoun that is one of their mentions
("she said", resolved to them by coreference), a gendered title right before a mention or in
their name ("Mrs. Lee", "Congresswoman Diaz", "King Charles"), a gendered noun right before a
mention ("his wife Ann"). A name alone is no evidence (a first name says nothing certain), nor
is a word a sentence, a line or a quotation away, nor a surname that looks like a title
("Gayle King"). Signs that disagree, or a name for two people ("Sanders and Clinton"), give
nothing: a coder decides.
"""

from __future__ import annotations

import re
from collections import Counter

from annotations.model import Speaker

_FEMALE_TITLES = frozenset(
    "mrs ms miss mme madam madame dame lady queen princess duchess countess baroness".split())
_MALE_TITLES = frozenset("mr sir lord king prince duke count baron".split())
_FEMALE_NOUNS = frozenset(
    "sister mother aunt grandmother wife daughter woman widow congresswoman spokeswoman "
    "chairwoman businesswoman councilwoman assemblywoman alderwoman stateswoman sportswoman "
    "policewoman anchorwoman actress".split())
_MALE_NOUNS = frozenset(
    "brother father uncle grandfather husband son man widower congressman spokesman chairman "
    "businessman councilman assemblyman alderman statesman sportsman policeman anchorman "
    "actor".split())
_FEMALE_PRONOUNS = frozenset("she her hers herself".split())
_MALE_PRONOUNS = frozenset("he him his himself".split())
_TITLES = _FEMALE_TITLES | _MALE_TITLES
_GENDERED = _TITLES | _FEMALE_NOUNS | _MALE_NOUNS
_WORD = re.compile(r"[^\W\d_]+")
_LAST_WORD = re.compile(r"([^\W\d_]+)[.,]?\s*$")
_NOT_NAMES = _FEMALE_PRONOUNS | _MALE_PRONOUNS | frozenset(
    "the a an their its my our your this that".split())  # capitalised, yet no name
_SEVERAL = re.compile(r"\s(?:and|&)\s", re.IGNORECASE)


def _side(word: str) -> str | None:
    """The gender a title or noun (folded) states, or None."""
    if word in _FEMALE_TITLES or word in _FEMALE_NOUNS:
        return "female"
    if word in _MALE_TITLES or word in _MALE_NOUNS:
        return "male"
    return None


def gender_signs(speaker: Speaker, text: str) -> tuple[str, str] | None:
    """``("female" | "male", reason)`` when every sign the article gives about ``speaker``
    points one way (reason: ``from "she", "mrs"``), else None."""
    if speaker.kind not in ("person", "unknown") or _SEVERAL.search(speaker.name):
        return None
    signs: Counter[tuple[str, str]] = Counter()
    surnames = {w for name in (speaker.name, *speaker.aliases) for w in _surnames(name)}
    for mention in speaker.mentions:
        whole = mention.text.strip().casefold()
        if whole in _FEMALE_PRONOUNS or whole in _MALE_PRONOUNS:
            signs["female" if whole in _FEMALE_PRONOUNS else "male", whole] += 1
            continue
        before = _LAST_WORD.search(text, max(0, mention.start - 40), mention.start)
        if before is not None:  # the word right before: "Mrs. Lee", "his wife, Ann"
            word = before.group(1)
            side = _side(word.casefold())
            if side is not None and (word[0].isupper() or word.casefold() not in _TITLES):
                signs[side, word.casefold()] += 1
        for word in _WORD.findall(mention.text):
            _name_sign(word, surnames, signs)
    for name in (speaker.name, *speaker.aliases):
        for word in _WORD.findall(name):
            _name_sign(word, surnames, signs)
    sides = {side for side, _ in signs}
    if len(sides) != 1:
        return None
    (side,) = sides
    return side, "from " + ", ".join(f'"{w}"' for (_, w), _ in signs.most_common(3))


def _name_sign(word: str, surnames: set[str], signs: Counter[tuple[str, str]]) -> None:
    """A gendered title or noun inside a name ("Mrs. Jane Lee", "Spokeswoman Ann Roe"): a
    title only capitalised, never a surname that looks like one."""
    folded = word.casefold()
    side = _side(folded)
    if side is None or folded in surnames or (folded in _TITLES and not word[0].isupper()):
        return
    signs[side, folded] += 1


def _surnames(name: str) -> set[str]:
    """The gendered words of ``name`` that are part of the name, not a title before it: after
    a capitalised word that is not gendered itself ("Gayle King", "Masayoshi Son"; not "King
    Charles", "Mrs. Jane Lee")."""
    out: set[str] = set()
    after_name = False
    for word in _WORD.findall(name):
        folded = word.casefold()
        gendered = folded in _GENDERED
        if gendered and after_name:
            out.add(folded)
        after_name = word[:1].isupper() and not gendered and folded not in _NOT_NAMES
    return out
