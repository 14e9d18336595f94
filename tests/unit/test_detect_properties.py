"""Property tests: the detector never crashes, its spans always fit, its output is stable."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.detect import DEFAULT_DETECTOR, RuleDetector
from annotations.detect.quotemarks import pair_marks
from tests.conftest import PROPERTY_EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "seeds" / "ice-sanctuary-cities.txt").read_text(encoding="utf-8")
SHARED = ROOT.parent / "shared" / "data" / "ggt-dev.jsonl"


def _real_texts() -> list[str]:
    texts = [SEED]
    if SHARED.is_file():  # real articles when the shared data is present; the seed otherwise
        for line in SHARED.read_text(encoding="utf-8").splitlines()[:8]:
            texts.append(json.loads(line)["text"])
    return texts


REAL = _real_texts()
MARKS = ['"', "“", "”", "‘", "’", "'", "„", "«", "»", "\n\n"]
SETTINGS = settings(max_examples=PROPERTY_EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check(text: str) -> tuple:
    sugg = DEFAULT_DETECTOR.detect(text)
    ids = {s.id for s in sugg.speakers}
    for q in sugg.quotes:
        q.check(text)
        assert 0 <= q.start < q.end <= len(text)
        assert q.speaker_id is None or q.speaker_id in ids
        for s, e in q.part_spans():
            assert q.start <= s < e <= q.end
    for s in sugg.speakers:
        s.check(text)
    return sugg.quotes, sugg.speakers


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_unicode(text: str) -> None:
    first = check(text)
    assert check(text) == first
    for p in pair_marks(text):
        assert 0 <= p.open_at < p.start <= p.end <= p.close_at < len(text)


@SETTINGS
@given(st.lists(st.sampled_from(list('ab "“”‘’\'.,\n') + ["said", " He ", "X"]), max_size=80))
def test_quote_heavy_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    first = check(text)
    assert check(text) == first


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(REAL))
    marks = [i for i, c in enumerate(text) if c in "\"“”‘’'«»„"]
    chars = list(text)
    for i in sorted(draw(st.sets(st.sampled_from(marks), max_size=4)) if marks else [],
                    reverse=True):
        del chars[i]
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(chars)))
        chars.insert(pos, draw(st.sampled_from(MARKS)))
    return "".join(chars)


@SETTINGS
@given(mutated())
def test_real_articles_with_marks_deleted_or_inserted(text: str) -> None:
    first = check(text)
    assert check(text) == first


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(REAL + ["", "“Hi,” she said.", "x \"y"]), min_size=1,
                max_size=5), st.permutations(range(5)))
def test_batch_independence(batch: list[str], order: list[int]) -> None:
    alone = [RuleDetector().detect(t) for t in batch]
    shared = RuleDetector()
    idx = [i for i in order if i < len(batch)]
    together = {i: shared.detect(batch[i]) for i in idx}
    for i in idx:
        assert together[i] == alone[i]
