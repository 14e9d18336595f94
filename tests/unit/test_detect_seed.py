"""The default detector on the seed article: every quote a careful reader finds, right speaker."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.detect import DEFAULT_DETECTOR, Suggestions
from annotations.model import Quote

SEED = Path(__file__).resolve().parents[2] / "seeds" / "ice-sanctuary-cities.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sugg(text: str) -> Suggestions:
    return DEFAULT_DETECTOR.detect(text)


def speaker_name(sugg: Suggestions, q: Quote) -> str:
    by_id = {s.id: s for s in sugg.speakers}
    return by_id[q.speaker_id].name if q.speaker_id else ""


def find(sugg: Suggestions, words: str) -> Quote:
    hits = [q for q in sugg.quotes if words in q.text]
    assert hits, f"no quote reads {words!r}: {[q.text for q in sugg.quotes]}"
    assert len(hits) == 1, f"{words!r} in several quotes"
    return hits[0]


def test_spans_check_and_ids(text: str, sugg: Suggestions) -> None:
    assert [q.id for q in sugg.quotes] == [f"q{i + 1}" for i in range(len(sugg.quotes))]
    assert [q.start for q in sugg.quotes] == sorted(q.start for q in sugg.quotes)
    for q in sugg.quotes:
        q.check(text)
        assert q.status == "suggested"
        assert q.origin == DEFAULT_DETECTOR.version == sugg.origin
        assert 0 <= q.confidence["span"] <= 1 and 0 <= q.confidence["speaker"] <= 1
    for s in sugg.speakers:
        s.check(text)
    assert [s.id for s in sugg.speakers] == [f"s{i + 1}" for i in range(len(sugg.speakers))]


def test_no_scare_quotes(sugg: Suggestions) -> None:
    for q in sugg.quotes:
        assert q.text.strip("'\" ") not in {"sanctuary", "Sanctuary City"}
        assert not q.text.startswith("sanctuary'")


def test_kenney_split_quote_is_one(text: str, sugg: Suggestions) -> None:
    q = find(sugg, "As I've stated many times")
    assert len(q.parts) == 2
    first, second = (text[s:e] for s, e in q.parts)
    assert first.startswith("As I've stated") and second.startswith("when our immigrant")
    assert "Kenney" in speaker_name(sugg, q)
    assert q.type == "direct" and q.cue is not None and q.cue.lemma == "say"


def test_jorge_field_and_adding_that(sugg: Suggestions) -> None:
    q1 = find(sugg, "Laws created under the guise")
    q2 = find(sugg, "having to make these arrests")
    assert speaker_name(sugg, q1) == speaker_name(sugg, q2) == "Jorge Field"
    assert q2.cue is not None and q2.cue.text == "adding"


def test_he_said_resolved(sugg: Suggestions) -> None:
    q = find(sugg, "ICE wants cooperative")
    assert q.speaker_mention is not None and q.speaker_mention.text == "He"
    assert speaker_name(sugg, q) not in {"", "He", "he"}
    assert q.type == "mixed"
    assert "non-cooperation policies" in q.text


def test_almiron(sugg: Suggestions) -> None:
    q = find(sugg, "Public safety is about all of us")
    assert speaker_name(sugg, q) == "Almiron"
    assert q.type == "direct"


def test_reported_speech(sugg: Suggestions) -> None:
    homan = find(sugg, "ICE was forced to allocate")
    assert speaker_name(sugg, homan) == "Homan" and homan.type == "indirect"
    acting = find(sugg, "would continue the arrests")
    assert "Acting Director" in speaker_name(sugg, acting)
    assert acting.cue is not None and acting.cue.lemma == "state"


def test_according_to_ice(sugg: Suggestions) -> None:
    q = find(sugg, "were not targeted")
    assert q.text.startswith("Immigrants who are covered")
    assert q.cue is not None and q.cue.text == "according to"
    assert "Immigration and Customs Enforcement" in speaker_name(sugg, q)
    spk = next(s for s in sugg.speakers if s.id == q.speaker_id)
    assert "ICE" in spk.aliases and spk.kind == "organization"


def test_philadelphia_officials(sugg: Suggestions) -> None:
    q = find(sugg, "they merely enforce policies")
    assert speaker_name(sugg, q) == "Philadelphia officials"
    spk = next(s for s in sugg.speakers if s.id == q.speaker_id)
    assert spk.kind == "group"


def test_ice_said(sugg: Suggestions) -> None:
    q = find(sugg, "50 people were arrested")
    assert "Immigration and Customs Enforcement" in speaker_name(sugg, q)


def test_agency_known_as_ice_is_one_speaker(sugg: Suggestions) -> None:
    q = find(sugg, "more than 450 people had been arrested")
    assert "Immigration and Customs Enforcement" in speaker_name(sugg, q)
    ice = next(s for s in sugg.speakers if s.id == q.speaker_id)
    texts = {m.text for m in ice.mentions}
    assert {"ICE", "The agency"} <= texts


def test_denver_made_it_clear(sugg: Suggestions) -> None:
    q = find(sugg, "ICE needs to obtain a criminal warrant")
    assert speaker_name(sugg, q) == "Denver" and q.cue is not None
    assert q.cue.text == "made it clear"
    he = find(sugg, "ICE wants cooperative")
    assert speaker_name(sugg, he) != "Denver"  # a place is not "he"


def test_every_quote_has_a_cue_and_speaker(sugg: Suggestions) -> None:
    assert len(sugg.quotes) == 12
    for q in sugg.quotes:
        assert q.cue is not None and q.speaker_id is not None
