"""Every correction applies, persists, journals, and undoes to exactly the state before."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotations.edits import (
    AcceptQuote,
    CreateSpeaker,
    DeleteQuote,
    Edit,
    MergeSpeakers,
    NewQuote,
    RejectQuote,
    RenameSpeaker,
    ResetQuote,
    SetNote,
    SetQuoteCode,
    SetQuoteType,
    SetSpan,
    SetSpeaker,
    SetStance,
)
from annotations.errors import InputError, SpanError
from annotations.model import Layer
from annotations.review import is_reviewed
from annotations.store import Project
from tests.conftest import ARTICLE

EDITS: list[tuple[Edit, object]] = [
    (AcceptQuote("d0", quote_id="q1"), lambda L: L.quotes["q1"].status == "accepted"),
    (RejectQuote("d0", quote_id="q1"), lambda L: L.quotes["q1"].status == "rejected"),
    (ResetQuote("d0", quote_id="q1", layer=None), lambda L: L.quotes["q1"].status == "suggested"),
    (
        SetStance("d0", quote_id="q2", stance="support"),
        lambda L: L.quotes["q2"].stance == "support",
    ),
    (SetQuoteType("d0", quote_id="q1", type="mixed"), lambda L: L.quotes["q1"].type == "mixed"),
    (
        SetSpan("d0", quote_id="q1", start=10, end=20),
        lambda L: L.quotes["q1"].text == ARTICLE[10:20],
    ),
    (NewQuote("d0", start=0, end=4), lambda L: L.quotes["q3"].text == ARTICLE[:4]),
    (DeleteQuote("d0", quote_id="q2"), lambda L: "q2" not in L.quotes),
    (SetNote("d0", quote_id="q1", note="check"), lambda L: L.quotes["q1"].note == "check"),
    (SetSpeaker("d0", quote_id="q1", speaker_id="s2"), lambda L: L.quotes["q1"].speaker_id == "s2"),
    (
        CreateSpeaker("d0", speaker_name="City Council", kind="organization", assign_to="q1"),
        lambda L: L.speakers[L.quotes["q1"].speaker_id].name == "City Council",
    ),
    (
        RenameSpeaker("d0", speaker_id="s1", new_name="Jane A. Roe"),
        lambda L: L.speakers["s1"].name == "Jane A. Roe" and "Jane Roe" in L.speakers["s1"].aliases,
    ),
    (
        MergeSpeakers("d0", keep_id="s1", merge_id="s2"),
        lambda L: (
            "s2" not in L.speakers
            and L.quotes["q2"].speaker_id == "s1"
            and "Tom Poe" in L.speakers["s1"].aliases
        ),
    ),
]


def _snapshot(layer: Layer) -> tuple[dict, dict]:
    return dict(layer.quotes), dict(layer.speakers)


@pytest.mark.parametrize(("edit", "holds"), EDITS, ids=[type(e).__name__ for e, _ in EDITS])
def test_edit_persists_and_undoes(project: Project, tmp_path: Path, edit: Edit, holds) -> None:
    if isinstance(edit, ResetQuote):
        project.apply(AcceptQuote("d0", quote_id="q1"))
    before = _snapshot(project.layer("d0"))
    project.apply(edit)
    folder = project.folder
    project.close()
    with Project.open(folder, "reader", read_only=True) as fresh:
        assert holds(fresh.layer("d0", "ann")), "the edit is on disk"
    with Project.open(folder, "ann") as again:
        again.undo()
        assert _snapshot(again.layer("d0")) == before
        again.redo()
        assert holds(again.layer("d0"))


def test_create_speaker_finds_mentions_of_the_name(project: Project) -> None:
    project.apply(CreateSpeaker("d0", speaker_name="Tom Poe", kind="person", speaker_id="s3"))
    created = [s for s in project.layer("d0").speakers.values() if s.id == "s3"][0]
    assert [m.text for m in created.mentions] == ["Tom Poe"]


def test_create_speaker_with_a_known_name_attributes_instead_of_duplicating(
    project: Project,
) -> None:
    """A name already a speaker here (any case, or one of its aliases) is that speaker."""
    with pytest.raises(InputError, match="already a speaker"):
        project.apply(CreateSpeaker("d0", speaker_name="tom poe"))
    project.apply(CreateSpeaker("d0", speaker_name="TOM POE", assign_to="q1"))
    layer = project.layer("d0")
    assert [s.name for s in layer.speakers.values()].count("Tom Poe") == 1
    assert layer.quotes["q1"].speaker_id == "s2"


@pytest.mark.parametrize(
    "edit",
    [
        SetSpan("d0", quote_id="q1", start=20, end=10),
        SetSpan("d0", quote_id="q1", start=0, end=len(ARTICLE) + 1),
        SetQuoteType("d0", quote_id="q1", type="sarcastic"),
        SetSpeaker("d0", quote_id="q1", speaker_id="s99"),
        MergeSpeakers("d0", keep_id="s1", merge_id="s1"),
        CreateSpeaker("d0", speaker_name="   "),
        CreateSpeaker("d0", speaker_name="Someone Else", speaker_id="s1"),
        NewQuote("d0", start=0, end=5, quote_id="q1"),
    ],
)
def test_invalid_edits_are_refused_with_a_message(project: Project, edit: Edit) -> None:
    with pytest.raises((InputError, SpanError)) as info:
        project.apply(edit)
    assert info.value.message
    assert not project.can_undo


def test_a_span_never_runs_further_into_a_quote_accepted_after_it_grew_over_it(
    project: Project,
) -> None:
    """Reject q2, grow q1 into it (allowed: q2 is rejected), accept q2 again: from there q1
    may keep or shrink that overlap but never grow it (a word move swallowed all of q2)."""
    q2 = project.layer("d0").quotes["q2"]
    q1 = project.layer("d0").quotes["q1"]
    project.apply(RejectQuote("d0", quote_id="q2"))
    project.apply(SetSpan("d0", quote_id="q1", start=q1.start, end=q2.start + 3))
    project.apply(AcceptQuote("d0", quote_id="q2"))
    with pytest.raises(SpanError):
        project.apply(SetSpan("d0", quote_id="q1", start=q1.start, end=q2.end))
    project.apply(SetSpan("d0", quote_id="q1", start=q1.start + 1, end=q2.start + 3))  # kept
    project.apply(SetSpan("d0", quote_id="q1", start=q1.start, end=q2.start + 1))  # shrunk
    assert project.layer("d0").quotes["q1"].end == q2.start + 1


def test_an_edge_move_on_a_split_quote_keeps_its_parts() -> None:
    """A word move on a split quote dropped its parts, so the attribution between them became
    quote text ("Police, Sinclair says, have no ...")."""
    from annotations.model import Quote

    text = '"Police," Sinclair says, "have no plan at all."'
    a, b = text.index("Police"), text.index(",\" Sin")
    c, d = text.index("have"), text.index('."')
    quote = Quote("q1", a, d, text[a:d], "direct", parts=((a, b), (c, d)))
    shorter = quote.with_span(text, a, d - 4)
    assert shorter.parts == ((a, b), (c, d - 4))
    longer = quote.with_span(text, a - 1, d)
    assert longer.parts == ((a - 1, b), (c, d))
    last_only = quote.with_span(text, c, d)
    assert last_only.parts == () and last_only.text == text[c:d]


def test_a_new_speaker_named_as_another_speakers_alias_splits_them() -> None:
    """The detector took two people of one surname for one (Fatima Patel, alias Li Patel):
    "new speaker Li Patel" makes Li Patel a speaker of their own, with the mentions that read
    that name and the quote's mention kept, and Fatima Patel no longer answers to it."""
    from annotations.change import EditContext
    from annotations.model import Mention, Quote, Speaker

    text = "Fatima Patel said it was fine. “It is not,” Li Patel said. Patel left."
    fp, lp = text.index("Fatima Patel"), text.index("Li Patel")
    q = text.index("It is not,")
    owner = Speaker("s1", "Fatima Patel", "person", ("Li Patel",),
                    (Mention(fp, fp + 12, "Fatima Patel"), Mention(lp, lp + 8, "Li Patel")))
    quote = Quote("q1", q, q + 10, text[q:q + 10], "direct", speaker_id="s1",
                  speaker_mention=Mention(lp, lp + 8, "Li Patel"))
    layer = Layer("ana", {"q1": quote}, {"s1": owner})
    change = CreateSpeaker("d0", speaker_name="Li Patel", assign_to="q1").compute(
        layer, text, EditContext("ana"))
    after = change.apply_to(layer)
    new = after.speakers[after.quotes["q1"].speaker_id or ""]
    assert new.id != "s1" and new.name == "Li Patel"
    assert [m.text for m in new.mentions] == ["Li Patel"]
    assert after.quotes["q1"].speaker_mention == Mention(lp, lp + 8, "Li Patel")
    assert after.speakers["s1"].aliases == ()
    assert [m.text for m in after.speakers["s1"].mentions] == ["Fatima Patel"]
    # the canonical name itself still means that speaker: no duplicate
    again = CreateSpeaker("d0", speaker_name="Fatima Patel", assign_to="q1").compute(
        after, text, EditContext("ana")).apply_to(after)
    assert again.quotes["q1"].speaker_id == "s1" and len(again.speakers) == 2


def test_join_a_missed_continuation_then_split_it_again() -> None:
    """"People deserve answers," she said, "and they deserve them now." with the second part
    a quote of its own (no speaker): join makes one two-part quote with the first quote's
    speaker, split gives two quotes again, each checked against the text."""
    from annotations.change import EditContext
    from annotations.edits import JoinQuotes, SplitQuote
    from annotations.model import Mention, Quote, Speaker

    text = '"People deserve answers," she said, "and they deserve them now."'
    a0, a1 = 1, text.index('," she')
    b0, b1 = text.index("and they"), text.index('now."') + 4
    she = text.index("she")
    first = Quote("q1", a0, a1, text[a0:a1], "direct", speaker_id="s1", stance="oppose",
                  speaker_mention=Mention(she, she + 3, "she"), status="accepted")
    second = Quote("q2", b0, b1, text[b0:b1], "direct", status="suggested", note="missed")
    layer = Layer("ana", {"q1": first, "q2": second},
                  {"s1": Speaker("s1", "Ann Lee", "person", (), (Mention(she, she + 3, "she"),))})
    ctx = EditContext("ana")
    joined = JoinQuotes("d0", "q1", "q2").compute(layer, text, ctx).apply_to(layer)
    assert list(joined.quotes) == ["q1"]
    q = joined.quotes["q1"]
    assert q.part_spans() == ((a0, a1), (b0, b1)) and q.text == text[a0:b1]
    assert (q.speaker_id, q.stance, q.status, q.note) == ("s1", "oppose", "accepted", "missed")
    mixed = JoinQuotes("d0", "q1", "q2").compute(
        Layer("ana", {"q1": replace(first, status="rejected"),
                      "q2": replace(second, type="indirect")}, layer.speakers),
        text, ctx).apply_to(layer).quotes["q1"]
    assert (mixed.type, mixed.status) == ("mixed", "suggested")  # to be reviewed whole
    with pytest.raises(InputError):
        JoinQuotes("d0", "q1", "q1").compute(joined, text, ctx)
    split = SplitQuote("d0", "q1").compute(joined, text, ctx).apply_to(joined)
    assert sorted((x.start, x.end) for x in split.quotes.values()) == [(a0, a1), (b0, b1)]
    assert {x.speaker_id for x in split.quotes.values()} == {"s1"}
    with pytest.raises(InputError):
        SplitQuote("d0", "q1").compute(split, text, ctx)
    overlapping = Layer("ana", {"q1": first, "q3": Quote("q3", a0 + 2, b0, text[a0 + 2 : b0])},
                        layer.speakers)
    with pytest.raises(SpanError):
        JoinQuotes("d0", "q1", "q3").compute(overlapping, text, ctx)


@pytest.mark.parametrize(
    "edit",
    [
        SetSpeaker("d0", quote_id="q1", speaker_id="s2"),
        CreateSpeaker("d0", speaker_name="City Council", assign_to="q1"),
        SetSpan("d0", quote_id="q1", start=10, end=20),
        SetQuoteCode("d0", quote_id="q1", variable="topic", value="crime"),
        SetStance("d0", quote_id="q1", stance="oppose"),
        SetQuoteType("d0", quote_id="q1", type="mixed"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_hand_correction_of_a_suggested_quote_reviews_it(project: Project, edit: Edit) -> None:
    """Fixing one quote's speaker, span, code, stance or type by hand is judging that quote:
    it is accepted (the review queue no longer counts it unreviewed), as its span always
    confirmed it; undo makes it a suggestion again. A rejected quote stays rejected."""
    assert not is_reviewed(project.layer("d0").quotes["q1"])
    project.apply(edit)
    assert project.layer("d0").quotes["q1"].status == "accepted"
    assert project.layer("d0").quotes["q2"].status == "suggested"  # only the quote fixed
    project.undo()
    assert project.layer("d0").quotes["q1"].status == "suggested"
    project.apply(RejectQuote("d0", quote_id="q1"))
    project.apply(edit)
    assert project.layer("d0").quotes["q1"].status == "rejected"


def test_a_sweep_over_many_quotes_reviews_none(project: Project) -> None:
    """Merging or renaming a speaker moves quotes nobody looked at: they stay suggestions."""
    project.apply(MergeSpeakers("d0", keep_id="s1", merge_id="s2"))
    project.apply(RenameSpeaker("d0", speaker_id="s1", new_name="Jane A. Roe"))
    assert {q.status for q in project.layer("d0").quotes.values()} == {"suggested"}
