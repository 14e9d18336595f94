"""Spans are checked against their text; records survive a dict round trip."""

from __future__ import annotations

import pytest

from annotations.errors import SpanError
from annotations.formats.interchange import document_to_interchange, layer_from_interchange
from annotations.model import Document, Quote, Span, StanceScheme
from tests.conftest import ARTICLE, sample_layer


def test_span_check_rejects_out_of_range_and_mismatch() -> None:
    Span(0, 5).check("hello", "hello")
    with pytest.raises(SpanError):
        Span(0, 6).check("hello")
    with pytest.raises(SpanError):
        Span(3, 2).check("hello")
    with pytest.raises(SpanError, match="reads"):
        Span(0, 5).check("hello", "world")


def test_quote_check_rejects_text_that_does_not_match() -> None:
    with pytest.raises(SpanError):
        Quote("q", 0, 4, "nope").check(ARTICLE)


def test_records_round_trip_through_dicts() -> None:
    layer = sample_layer()
    for quote in layer.quotes.values():
        assert Quote.from_dict(quote.to_dict()) == quote
    scheme = StanceScheme()
    assert StanceScheme.from_dict(scheme.to_dict()) == scheme
    assert scheme.by_key("2") == "oppose"


def test_interchange_round_trip_is_lossless() -> None:
    layer = sample_layer()
    doc = Document("d", "t", ARTICLE)
    line = document_to_interchange(doc, layer)
    assert line["quotes"][0]["speaker_name"] == "Jane Roe"
    back = layer_from_interchange(line, ARTICLE, name="suggestions")
    assert back == layer
