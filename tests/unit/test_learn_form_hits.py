"""The broad pass's cue-word search (``candidates.form_hits``, one trie regex) finds exactly the
whole-word occurrences a plain ``str.find`` scan with the same word-boundary rule finds."""

from __future__ import annotations

import random

from annotations.detect import DEFAULT_DETECTOR
from annotations.detect.candidates import (
    LOWER_WORD_RE,
    WORD_EDGE,
    active_forms,
    cue_lexicon,
    form_hits,
)


def _reference(text: str, forms: frozenset[str]) -> list[tuple[int, int, str]]:
    """The scan form_hits replaced: the forms present as lowercase words, then every
    occurrence with no letter, digit or WORD_EDGE character on either side."""
    hits = []
    n = len(text)
    for form in forms.intersection(LOWER_WORD_RE.findall(text)):
        at = text.find(form)
        while at != -1:
            end = at + len(form)
            if (at == 0 or text[at - 1] not in WORD_EDGE and not text[at - 1].isalnum()) and (
                    end == n or text[end] not in WORD_EDGE and not text[end].isalnum()):
                hits.append((at, end, form))
            at = text.find(form, end)
    return sorted(hits)


EDGES = ["", " ", "-", "_", "’", "'", "é", "1", ".", ",", "\n", "“", "”", "—", "x", "S"]


def _texts(forms: list[str], seed: int, n: int = 300) -> list[str]:
    rng = random.Random(seed)
    out = ["said", "He said, she says; unsaid sayings -said- said_x it’said 2said saidé",
           "believes believe believed believing", ""]
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 12)):
            word = rng.choice(forms)
            if rng.random() < 0.3:
                word = word[: rng.randint(1, len(word))] + rng.choice(["s", "ed", "ing", ""])
            parts.append(rng.choice(EDGES) + word + rng.choice(EDGES))
        out.append(rng.choice(["", " "]).join(parts))
    return out


def test_form_hits_match_the_plain_scan() -> None:
    lex = DEFAULT_DETECTOR.lex
    clex = cue_lexicon(lex)
    forms = active_forms(clex, None)
    for text in _texts(sorted(forms), seed=14):
        assert form_hits(text, clex, None) == _reference(text, forms), text


def test_form_hits_with_a_lemma_subset_and_learned_cues() -> None:
    lex = DEFAULT_DETECTOR.lex
    clex = cue_lexicon(lex, ("tweet", "blasted"))
    lemmas = frozenset({"say", "believe", "tweet", "blast"})
    forms = active_forms(clex, lemmas)
    assert forms
    every = sorted(active_forms(clex, None))
    for text in _texts(every, seed=7):
        assert form_hits(text, clex, lemmas) == _reference(text, forms), text


def test_form_hits_without_forms() -> None:
    clex = cue_lexicon(DEFAULT_DETECTOR.lex)
    assert form_hits("He said it.", clex, frozenset()) == []
