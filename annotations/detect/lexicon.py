"""Word lists the rule detector ships with, loaded once from ``annotations/detect/data``.

Cue verbs are listed by lemma; regular inflections are generated here so the data file stays
short. Everything is lowercase; lookups are plain set/dict membership.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def wordset(words: str) -> frozenset[str]:
    """A frozen set of the whitespace-separated words of ``words``."""
    return frozenset(words.split())


def _lines(name: str) -> list[str]:
    out = []
    for raw in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def inflections(lemma: str) -> list[str]:
    """Regular -s, -ed and -ing forms of an English verb lemma (good enough for cue lists)."""
    forms = [lemma]
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        forms.append(lemma + "es")
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms.append(lemma[:-1] + "ies")
    else:
        forms.append(lemma + "s")
    if lemma.endswith("e"):
        forms += [lemma + "d", lemma[:-1] + "ing"]
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms += [lemma[:-1] + "ied", lemma + "ing"]
    else:
        forms += [lemma + "ed", lemma + "ing"]
    if (len(lemma) >= 3 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou"
            and lemma[-3] not in "aeiou"):
        # consonant doubling (admitted, quipped, regretted); extra forms are harmless
        forms += [lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"]
    return forms


@dataclass(frozen=True, eq=False)
class Lexicon:
    """All word lists: cue verb forms to lemma, strength, titles, pronouns, nouns, org words."""

    cue_lemma: dict[str, str]
    strong: frozenset[str]
    titles: frozenset[str]
    pronouns: dict[str, frozenset[str]]
    noun_kind: dict[str, str]
    org_words: frozenset[str]
    object_cues: frozenset[str] = frozenset()
    report_nouns: frozenset[str] = frozenset()
    phrase_cues: dict[str, str] = field(default_factory=dict)

    def is_cue(self, word: str) -> bool:
        """True when ``word`` (lowercase) is a form of a cue verb."""
        return word in self.cue_lemma

    def is_strong(self, word: str) -> bool:
        """True for speech verbs ("said"), false for attitude verbs ("believes")."""
        return self.cue_lemma.get(word, "") in self.strong


def extend(lex: Lexicon, cues: Iterable[str] = (), nouns: Iterable[str] = ()) -> Lexicon:
    """``lex`` plus a project's own cues: verbs by lemma ("quip"; regular -s/-ed/-ing forms are
    generated), multi-word phrases followed by a "that" clause ("shot back"), and reporting
    nouns ("rebuttal"). Added verbs count as speech verbs (strong), also when listed already as
    attitude verbs; entries that are not words are ignored. Returns ``lex`` itself when nothing
    is new."""
    cue_lemma = dict(lex.cue_lemma)
    strong = set(lex.strong)
    phrases = dict(lex.phrase_cues)
    for raw in cues:
        words = raw.lower().split()
        if not words:
            continue
        if not all(w.replace("-", "").isalpha() for w in words):
            continue
        if len(words) > 1:
            phrases.setdefault(" ".join(words), " ".join(words))
            continue
        lemma = cue_lemma.get(words[0])
        if lemma is None:  # a new verb: generate its forms
            lemma = words[0]
            for form in [lemma, *inflections(lemma)]:
                cue_lemma.setdefault(form, lemma)
        strong.add(lemma)
    report = lex.report_nouns | {n.strip().lower() for n in nouns if n.strip()}
    if (cue_lemma == lex.cue_lemma and strong == lex.strong and phrases == lex.phrase_cues
            and report == lex.report_nouns):
        return lex
    return replace(lex, cue_lemma=cue_lemma, strong=frozenset(strong), phrase_cues=phrases,
                   report_nouns=frozenset(report))


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """The shipped lexicon (cached)."""
    cue_lemma: dict[str, str] = {}
    strong: set[str] = set()
    section = "strong"
    for line in _lines("cue_verbs.txt"):
        if line.startswith("["):
            section = line.strip("[]")
            continue
        lemma, *irregular = line.lower().split()
        forms = irregular if irregular else inflections(lemma)
        for form in [lemma, *forms]:
            cue_lemma.setdefault(form, lemma)
        if section == "strong":
            strong.add(lemma)
    raw = json.loads((DATA_DIR / "pronouns.json").read_text(encoding="utf-8"))
    pronouns = {k: frozenset(v) for k, v in raw.items()}
    noun_kind: dict[str, str] = {}
    for line in _lines("person_nouns.txt"):
        kind, *words = line.split()
        for w in words:
            noun_kind.setdefault(w.lower(), kind)
    return Lexicon(
        cue_lemma=cue_lemma,
        strong=frozenset(strong),
        titles=frozenset(w.lower() for w in _lines("titles.txt")),
        pronouns=pronouns,
        noun_kind=noun_kind,
        org_words=frozenset(w.lower() for w in _lines("org_words.txt")),
        object_cues=frozenset(w.lower() for w in _lines("object_cues.txt")),
        report_nouns=frozenset(w.lower() for w in _lines("report_nouns.txt")),
        phrase_cues=dict(line.split("|", 1) for line in _lines("phrase_cues.txt")),
    )
