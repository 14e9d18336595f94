"""A quote made from a selection: its type from the quote marks around it, its speaker from
who is named nearest in its sentence; and a hand-made quote cannot be "reset" to a suggestion
it never was."""

from __future__ import annotations

import pytest

from annotations.change import EditContext
from annotations.edits import NewQuote, ResetQuote, new_quote_guess
from annotations.errors import InputError
from annotations.model import Layer, Mention, Speaker

TEXT = (
    'The council met on Monday. "We will not comply," Mayor Ana Ortiz said. '
    "Police chief Tom Reyes said the plan was unworkable. The vote is next week."
)


def span(inner: str) -> tuple[int, int]:
    start = TEXT.index(inner)
    return start, start + len(inner)


def layer() -> Layer:
    ortiz = Speaker("s1", "Ana Ortiz", "person", (), (Mention(*span("Ana Ortiz"), "Ana Ortiz"),))
    reyes = Speaker("s2", "Tom Reyes", "person", (), (Mention(*span("Tom Reyes"), "Tom Reyes"),))
    return Layer("ana", {}, {"s1": ortiz, "s2": reyes})


def test_quote_marks_make_it_direct_and_the_nearest_name_its_speaker() -> None:
    assert new_quote_guess(TEXT, layer(), *span("We will not comply,")) == ("direct", "s1")
    assert new_quote_guess(TEXT, layer(), *span('"We will not comply,"')) == ("direct", "s1")


def test_no_marks_make_it_indirect() -> None:
    assert new_quote_guess(TEXT, layer(), *span("the plan was unworkable")) == ("indirect", "s2")


def test_nobody_named_nearby_leaves_the_speaker_open() -> None:
    far = Layer("ana", {}, {"s2": layer().speakers["s2"]})
    assert new_quote_guess(TEXT, far, *span("The council met on Monday")) == ("indirect", None)


def test_reset_refuses_a_quote_made_by_hand() -> None:
    ctx = EditContext("ana")
    made = NewQuote("d", *span("the plan was unworkable"), type="indirect").compute(
        layer(), TEXT, ctx).apply_to(layer())
    [qid] = made.quotes
    with pytest.raises(InputError, match="made by hand"):
        ResetQuote("d", qid).compute(made, TEXT, ctx)


def test_a_selection_that_leaves_out_the_comma_before_the_closing_mark_is_direct() -> None:
    """“We will win,” she said: selecting the words without the comma still sits between
    the marks (it started as indirect)."""
    from annotations.edits import new_quote_guess
    from annotations.model import Layer

    text = "“We will win,” she said. He said we would lose."
    s = text.index("We")
    assert new_quote_guess(text, Layer("a"), s, s + len("We will win"))[0] == "direct"
    s = text.index("we would")
    assert new_quote_guess(text, Layer("a"), s, s + len("we would lose"))[0] == "indirect"
