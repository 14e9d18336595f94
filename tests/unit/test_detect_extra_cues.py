"""A project's own cues (``RuleDetector(extra_cues=..., extra_nouns=...)``) join the lexicon."""

from __future__ import annotations

from annotations.detect import DEFAULT_DETECTOR, RuleDetector
from annotations.detect.lexicon import extend, load

TEXT = ("Smith harrumphed that the plan was a disaster. Jones shot back that it was fine. "
        "Few believed Brown's rebuttal that taxes would fall.")


def found(detector: RuleDetector) -> list[tuple[str, str | None]]:
    return [(q.text, q.cue.lemma if q.cue else None) for q in detector.detect(TEXT).quotes]


def test_extra_cues_find_quotes_the_shipped_lists_miss() -> None:
    assert found(RuleDetector()) == []
    extra = RuleDetector(extra_cues=["harrumph", "shot back"], extra_nouns=["rebuttal"])
    assert found(extra) == [
        ("that the plan was a disaster", "harrumph"),
        ("that it was fine", "shot back"),
        ("that taxes would fall", "rebuttal"),
    ]


def test_extra_cues_are_named_in_the_version_and_deterministic() -> None:
    a = RuleDetector(extra_cues=["harrumph", "shot back"])
    b = RuleDetector(extra_cues=["shot back", "harrumph", "harrumph"])
    assert a.version == b.version != DEFAULT_DETECTOR.version
    assert a.version.startswith(DEFAULT_DETECTOR.version + "+cues.")
    assert RuleDetector(extra_cues=[]).version == DEFAULT_DETECTOR.version
    assert a.detect(TEXT) == b.detect(TEXT)


def test_extend_keeps_the_shipped_lexicon_and_ignores_junk() -> None:
    lex = load()
    assert extend(lex, ["say", "said", "", "  "]) is lex  # nothing new
    assert extend(lex, ["believe"]).is_strong("believes") and not lex.is_strong("believes")
    assert extend(lex, ["a|b", "x(y"]) is lex  # not words
    more = extend(lex, ["harrumph"])
    assert more.cue_lemma["harrumphed"] == "harrumph" and more.is_strong("harrumphs")
    assert "harrumphed" not in lex.cue_lemma  # the shared lexicon is not modified
