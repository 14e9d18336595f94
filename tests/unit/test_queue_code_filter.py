"""The review queue's filter takes a quote variable's code as the reader's ``f`` does
(``topic:crime``, ``topic: crime``, ``topic:none``), matched by the reader's own rule, and
the corpus index leaves out the documents that code no quote so."""

from __future__ import annotations

import dataclasses

from annotations.codebook import CodedVariable
from annotations.layer_summary import summarize
from annotations.model import Quote, layer_from_records
from annotations.quote_filter import NONE, QuoteFilter
from annotations.review import QueueFilter, build_queue, document_rank

TEXT = "Alpha said one. Beta said two. Gamma said three. Delta said four."
TOPIC = CodedVariable("topic", ("economy", "crime"))


def quote(qid: str, word: str, conf: float, topic: str | None = None) -> Quote:
    start = TEXT.index(word)
    q = Quote(qid, start, start + len(word), word, confidence={"span": conf})
    return dataclasses.replace(q, codes=(("topic", topic),)) if topic else q


def layers() -> dict:
    a = layer_from_records("ann", [quote("a1", "one", 0.2, "crime"),
                                   quote("a2", "two", 0.9, "economy"),
                                   quote("a3", "three", 0.5)], [])
    b = layer_from_records("ann", [quote("b1", "one", 0.5, "economy"),
                                   quote("b2", "two", 0.1)], [])
    return {"A": a, "B": b}


def test_parse_reads_a_variables_code_in_either_spelling() -> None:
    for text in ("topic:crime", "topic: crime", "TOPIC:Crime", "code_topic:crime"):
        assert QueueFilter.parse(text, (TOPIC,)).codes == (("topic", "crime"),), text
    assert QueueFilter.parse("topic:none", (TOPIC,)).codes == (("topic", NONE),)
    assert QueueFilter.parse("topic:any", (TOPIC,)).codes == ()
    flt = QueueFilter.parse("topic: crime status:suggested tax", (TOPIC,))
    assert (flt.status, flt.words, flt.codes) == ("suggested", ("tax",), (("topic", "crime"),))


def test_without_the_variable_in_the_codebook_the_term_is_a_word() -> None:
    assert QueueFilter.parse("topic:crime").words == ("topic:crime",)


def test_the_queue_holds_the_quotes_of_the_code_as_the_reader_lists_them() -> None:
    found = layers()
    for text, want in (("topic:crime", [("A", "a1")]),
                       ("topic:economy", [("B", "b1"), ("A", "a2")]),
                       ("topic:none", [("B", "b2"), ("A", "a3")])):
        flt = QueueFilter.parse(text, (TOPIC,))
        assert build_queue(found, flt) == want, text
        reader = QuoteFilter(codes=flt.codes)  # the reader's f: the same quotes
        assert {(d, q.id) for d, layer in found.items()
                for q in reader.select(layer.quotes.values(), layer)} == set(want)


def test_the_index_leaves_out_a_document_that_codes_no_quote_so() -> None:
    found = layers()
    crime = QueueFilter.parse("topic:crime", (TOPIC,))
    assert document_rank(summarize(found["B"]), crime) is None
    assert document_rank(summarize(found["A"]), crime) is not None
    uncoded = QueueFilter.parse("topic:none", (TOPIC,))
    assert document_rank(summarize(found["B"]), uncoded) is not None


def test_a_value_of_several_words_is_read_whole() -> None:
    policy = CodedVariable("topic", ("foreign policy", "crime"))
    for text in ("topic:foreign policy", "topic: Foreign Policy", 'topic:"foreign policy"'):
        flt = QueueFilter.parse(text + " tax", (policy,))
        assert (flt.codes, flt.words) == ((("topic", "foreign policy"),), ("tax",)), text
    flt = QueueFilter.parse("topic:crime policy", (policy,))
    assert (flt.codes, flt.words) == ((("topic", "crime"),), ("policy",))
    coded = Quote("q1", 11, 14, "one", codes=(("topic", "foreign policy"),))
    found = {"A": layer_from_records("ann", [coded], [])}
    assert build_queue(found, QueueFilter.parse("topic: foreign policy", (policy,))) == [
        ("A", "q1")]


def test_a_variable_named_as_a_built_in_term_is_reached_by_its_csv_column() -> None:
    """A quote variable may be named "type" (news, opinion): ``type:`` stays the quote's type,
    ``code_type:`` is the variable (it was taken for the quote's type too, so its queue was
    always empty); the prompt names it so."""
    from annotations.review import filter_term

    kind = CodedVariable("type", ("opinion", "news"))
    flt = QueueFilter.parse("code_type:opinion type:direct", (kind, TOPIC))
    assert (flt.type, flt.codes) == ("direct", (("type", "opinion"),))
    assert QueueFilter.parse("code_status:x", (kind,)).words == ("code_status:x",)
    assert [filter_term(v) for v in (kind, TOPIC)] == ["code_type", "topic"]
