"""The review queue puts the annotator's assigned documents first (issue 10, item 4)."""

from __future__ import annotations

from annotations.model import Quote, layer_from_records
from annotations.review import QueueFilter, build_queue, documents_first

TEXT = "Alpha said one. Beta said two. Gamma said three. Delta said four."


def quote(qid: str, word: str, conf: float) -> Quote:
    start = TEXT.index(word)
    return Quote(qid, start, start + len(word), word, confidence={"span": conf})


def layers() -> dict:
    a = layer_from_records("ann", [quote("a1", "one", 0.2), quote("a2", "two", 0.9)], [])
    b = layer_from_records("ann", [quote("b1", "one", 0.5), quote("b2", "two", 0.1)], [])
    return {"A": a, "B": b}


def test_assigned_documents_come_first_each_part_least_confident_first() -> None:
    queue = build_queue(layers(), QueueFilter(), first={"B"})
    assert queue == [("B", "b2"), ("B", "b1"), ("A", "a1"), ("A", "a2")]


def test_without_first_the_order_is_unchanged() -> None:
    # a document at a time (issue "Corpus scale"): B holds the least confident quote
    assert build_queue(layers(), QueueFilter()) == [
        ("B", "b2"), ("B", "b1"), ("A", "a1"), ("A", "a2")]
    assert build_queue(layers(), QueueFilter(), first=()) == build_queue(layers(), QueueFilter())


def test_documents_first_keeps_each_part_in_its_order() -> None:
    queue = [("A", "a1"), ("B", "b1"), ("A", "a2"), ("B", "b2")]
    assert documents_first(queue, {"B"}) == [("B", "b1"), ("B", "b2"), ("A", "a1"), ("A", "a2")]
    assert documents_first(queue, ()) == queue


def test_a_total_the_corpus_index_cannot_tell_exactly_is_an_estimate() -> None:
    """Documents not read yet are counted by the corpus index, which knows statuses, types
    and stances but not speakers or words: with such a term the total is an upper bound
    (the queue said 1/612 for 191 quotes of one speaker), and says so."""
    from annotations.model import Layer
    from annotations.review import QueuePlan, ReviewQueue

    layer = Layer("x", {q.id: q for q in (quote("q1", "Alpha", 0.2), quote("q2", "Beta", 0.4))})
    plan = QueuePlan(["a", "b"], [2, 2], [0, 0])
    exact = ReviewQueue(plan, QueueFilter.parse("status:suggested"), lambda _d: layer)
    by_speaker = ReviewQueue(plan, QueueFilter.parse("speaker:alpha"), lambda _d: layer)
    assert not exact.estimated and by_speaker.estimated
    assert list(by_speaker) == []  # read whole: no quote has that speaker
    assert not by_speaker.estimated and by_speaker.total == 0
    assert by_speaker.position_of(("a", "q1"), 0) is None
    assert exact.has(1) and exact.position_of(("a", "q2"), 0) == 1


def test_a_queue_with_a_head_in_another_order_counts_every_item_once() -> None:
    """``ahead_of`` (the stance order: the quotes the model covers first, then the planned
    queue without them): its total and progress stay the same as it is walked (the head's
    items were taken off twice once the plan reached their document: 1009/841)."""
    from annotations.review import QueuePlan, ReviewQueue, plan_queue
    from annotations.review import _Summaries as Summaries

    docs = {"A": layers()["A"], "B": layers()["B"], "C": layers()["A"]}
    flt = QueueFilter()
    plan = plan_queue(list(docs), Summaries(docs), flt)
    assert isinstance(plan, QueuePlan) and sum(plan.items) == 6
    head = [("B", "b1"), ("A", "a2")]
    queue = ReviewQueue.ahead_of(head, {d: docs[d] for d in ("A", "B")}, plan, flt,
                                 docs.__getitem__)
    totals, reviewed = [], []
    pos = 0
    while queue.has(pos):
        totals.append(queue.total)
        reviewed.append(queue.progress().reviewed)
        pos += 1
    assert queue.items[:2] == head and len(queue.items) == len(set(queue.items)) == 6
    assert set(totals) == {6} and set(reviewed) == {0}
    assert not queue.estimated
