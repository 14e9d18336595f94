"""Reporting constructions of news prose: each test is one rule of the quote finder."""

from __future__ import annotations

from annotations.detect import DEFAULT_DETECTOR


def detect(text: str) -> list[tuple[str, str | None, str | None]]:
    """(content, cue text, speaker mention) of each suggested quote, in reading order."""
    sugg = DEFAULT_DETECTOR.detect(text)
    return [(q.text, q.cue.text if q.cue else None,
             q.speaker_mention.text if q.speaker_mention else None) for q in sugg.quotes]


def parts(text: str) -> list[list[str]]:
    return [[text[s:e] for s, e in q.parts] or [q.text]
            for q in DEFAULT_DETECTOR.detect(text).quotes]


def test_participial_question_has_no_named_asker() -> None:
    text = 'Asked whether she would run again, the mayor said, "Probably not this time."'
    assert detect(text) == [
        ("whether she would run again", "Asked", None),
        ("Probably not this time.", "said", "the mayor"),
    ]
    assert detect("When asked in May if he would resign, he laughed.") == [
        ("if he would resign", "asked", None)]


def test_subject_and_cue_set_off_by_commas_split_the_content() -> None:
    text = "Taxes, the minister argued, would have to rise next year."
    assert parts(text) == [["Taxes", "would have to rise next year"]]
    # a connective before the comma is not reported content
    assert parts("But, the minister argued, taxes would have to rise.") == [
        ["taxes would have to rise"]]


def test_leading_adjunct_before_the_subject_is_not_content() -> None:
    text = "Later, at a rally in the old mill town, the senator said the plant would reopen."
    assert detect(text) == [("the plant would reopen", "said", "the senator")]


def test_catenative_verb_keeps_the_subject() -> None:
    assert detect("Opponents continue to warn that the dam will fail.") == [
        ("that the dam will fail", "warn", "Opponents")]
    assert detect("The mayor is expected to announce that the bridge will close.") == [
        ("that the bridge will close", "announce", "The mayor")]


def test_statement_saying_is_spoken_by_the_subject() -> None:
    text = "The agency issued a statement saying that no data had been lost."
    assert detect(text) == [("that no data had been lost", "saying", "The agency")]


def test_tell_with_a_long_object_before_that() -> None:
    text = "The coach told the players at the end of practice that the season was over."
    assert detect(text) == [("that the season was over", "told", "The coach")]


def test_dash_aside_inside_reported_clause() -> None:
    text = "She said the new rules — drafted in haste last spring — would be withdrawn."
    assert detect(text) == [(
        "the new rules — drafted in haste last spring — would be withdrawn", "said", "She")]
    assert detect("He said the plan was sound — and the board agreed.") == [
        ("the plan was sound", "said", "He")]


def test_subordinate_clause_content_ends_at_its_comma() -> None:
    text = "When the chief said the road was safe, drivers returned to the highway."
    assert detect(text) == [("the road was safe", "said", "the chief")]


def test_role_plurals_percentages_and_document_subjects() -> None:
    assert detect("Transit planners say the line will open in May.") == [
        ("the line will open in May", "say", "Transit planners")]
    assert detect("But hacking specialists say the files are fake.") == [
        ("the files are fake", "say", "specialists")]
    assert detect("On housing, 42% say the market is too expensive.") == [
        ("the market is too expensive", "say", "42%")]
    assert detect("Court records indicate that the firm sold the land.") == [
        ("that the firm sold the land", "indicate", "Court records")]


def test_title_case_headline_with_a_capitalised_cue() -> None:
    text = "Senator Says Budget Deal Is Close\n\nThe senator spoke on Monday."
    assert detect(text)[0] == ("Budget Deal Is Close", "Says", "Senator")
    text = "Transit Plan Is Doomed, Former Mayor Says\n\nBody text follows here."
    assert detect(text)[0] == ("Transit Plan Is Doomed", "Says", "Former Mayor")
    # an ordinary first sentence is read by the sentence finder, not as a headline
    assert detect("Officials Say little.\n\nBody.") == []


def test_continue_is_a_cue_only_next_to_a_quotation() -> None:
    assert detect('"We will not give up," she continued.') == [
        ("We will not give up,", "continued", "she")]
    assert detect("The longer the strike continues, the weaker the union gets.") == []


def test_relative_who_is_the_surface_mention_of_the_named_speaker() -> None:
    sugg = DEFAULT_DETECTOR.detect("Voters cheered Jo Li, who said the budget was balanced.")
    [q] = sugg.quotes
    [speaker] = [s for s in sugg.speakers if s.id == q.speaker_id]
    assert (q.text, q.speaker_mention.text, speaker.name) == (
        "the budget was balanced", "who", "Jo Li")
    assert (q.speaker_mention.start, q.speaker_mention.end) in {
        (m.start, m.end) for m in speaker.mentions}


def test_evidence_verbs_after_their_content_and_progressive_forms() -> None:
    assert detect("Turnout fell sharply in the north, figures indicate.") == [
        ("Turnout fell sharply in the north", "indicate", "figures")]
    assert detect("The council is calling for the chief to resign.") == [
        ("the chief to resign", "calling", "The council")]
    assert detect("The senator went on to explain that the bill had stalled.") == [
        ("that the bill had stalled", "explain", "The senator")]


def test_that_complementizer_starts_indirect_content() -> None:
    assert detect("Trump said that the wall would be paid for.") == [
        ("that the wall would be paid for", "said", "Trump")]
    assert detect('Trump said that "the wall would be paid for."') == [
        ("the wall would be paid for.", "said", "Trump")]


def test_quoted_as_saying_credits_the_passive_subject() -> None:
    assert detect("Sen. Jo Li was later quoted as saying he would not run again.") == [
        ("he would not run again", "saying", "Sen. Jo Li")]


def test_possessive_plural_and_appositive_after_a_clause() -> None:
    assert detect("Sanders’ aides say their campaign has no desire to fight.") == [
        ("their campaign has no desire to fight", "say", "Sanders’ aides")]
    text = "The bill passed, and Jo Li, the sponsor, said the vote was close."
    assert detect(text) == [("the vote was close", "said", "Jo Li")]
    text = "Amid the row, Jo Li, the party chairwoman, said she had received threats."
    assert detect(text) == [("she had received threats", "said", "Jo Li")]


def test_time_adjuncts_around_the_cue() -> None:
    text = "RNC spokesman Sean Spicer on Thursday evening said the party was not in crisis."
    assert detect(text) == [
        ("the party was not in crisis", "said", "RNC spokesman Sean Spicer")]
    text = "It effectively disbanded after the 2008 election, Politico reported in 2014."
    assert detect(text) == [
        ("It effectively disbanded after the 2008 election", "reported", "Politico")]


def test_according_to_source_runs_to_the_comma() -> None:
    text = "According to people familiar with the matter, the talks will resume."
    assert [q for q, _, _ in detect(text)] == ["the talks will resume"]


def test_belief_verb_with_a_bare_clause_after_a_third_party_subject() -> None:
    text = "Campaign aides believe her record as a senator will offset his lead."
    assert detect(text) == [
        ("her record as a senator will offset his lead", "believe", "Campaign aides")]
    assert detect("Bobby Franklin thinks Mr. Trump will pick up support.") == [
        ("Mr. Trump will pick up support", "thinks", "Bobby Franklin")]
    assert detect("I think this meeting is too late.") == []
    assert detect("Home bakers will know Dorie Greenspan as the authority on cookies.") == []


def test_tell_object_set_off_before_a_quotation() -> None:
    assert detect('The governor told reporters, "It starts to pay off."') == [
        ("It starts to pay off.", "told", "The governor")]
