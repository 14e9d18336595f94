"""Base detector: headlines and bylines never become speakers; sources and organisations cluster.

Small made-up articles, one rule each: a title-case headline phrase holding a function word, or
whose head the article writes in lower case, is no speaker; a byline's name is never a
speaker's name or mention; one poll (headline "Poll:", "a Harlow Institute poll", "the poll",
"the survey") is one speaker named after its source; organisations whose names start with the
same letter stay apart; a name never runs over a line break; a pull quote ("... Carla Mendez")
goes to the name after it.
"""

from __future__ import annotations

from annotations.detect import DEFAULT_DETECTOR, Suggestions
from annotations.detect.headlines import is_byline, speaker_like
from annotations.detect.lexicon import load
from annotations.model import Quote


def names(sugg: Suggestions) -> list[str]:
    return [s.name for s in sugg.speakers]


def speaker_of(sugg: Suggestions, q: Quote) -> str:
    by_id = {s.id: s.name for s in sugg.speakers}
    return by_id.get(q.speaker_id or "", "")


def test_a_headline_phrase_with_a_function_word_is_no_speaker() -> None:
    text = ("Quiet Over Budget: Mayor Kept Cuts Hidden From Council\n\n"
            "The mayor did not tell the council about the cuts, documents show.")
    sugg = DEFAULT_DETECTOR.detect(text)
    assert not any("Quiet" in n or "Budget" in n for n in names(sugg)), names(sugg)
    assert not any(q.start < text.index("\n") for q in sugg.quotes)


def test_a_headline_noun_the_article_writes_in_lower_case_is_no_speaker() -> None:
    text = ("Harbor Bridge Rules Face New Test In Court\n\n"
            "The bridge rules adopted last year limit heavy trucks. A judge will hear the case "
            "in May.")
    sugg = DEFAULT_DETECTOR.detect(text)
    assert "Harbor Bridge" not in names(sugg)
    assert not any(q.cue and q.cue.text == "Rules" for q in sugg.quotes)


def test_a_named_headline_speaker_still_counts() -> None:
    text = ("Okafor: City Budget Is Balanced At Last\n\n"
            "Councillor Ada Okafor told reporters on Monday that the budget was balanced.")
    sugg = DEFAULT_DETECTOR.detect(text)
    head = [q for q in sugg.quotes if q.start < text.index("\n")]
    assert [(q.text, speaker_of(sugg, q)) for q in head] == [
        ("City Budget Is Balanced At Last", "Ada Okafor")]
    text = "Senator Says Transit Deal Is Close\n\nThe senator spoke to reporters on Monday."
    sugg = DEFAULT_DETECTOR.detect(text)
    assert [q.text for q in sugg.quotes] == ["Transit Deal Is Close"]


def test_speaker_like_rules() -> None:
    lex = load()

    def like(phrase: str, body: str = "") -> bool:
        text = f"{phrase}: Something Happened Today\n\n{body}"
        return speaker_like(text, 0, len(phrase), 0, text.index("\n"), lex)

    assert like("Pat Caddell") and like("Poll") and like("Former Mayor") and like("The Times")
    assert not like("Stealth Over Health") and not like("The Ninth Circle")
    assert not like("A Curious Plan") and not like("Trump’s Wall")
    assert not like("Toll Plaza", "The toll plaza opened in May.")
    assert like("Plaza", "Ms. Plaza said the plaza was hers.")  # a name also used inside


def test_one_poll_is_one_speaker_named_after_its_source() -> None:
    text = ("Poll: Most Voters Back New Transit Line\n\n"
            "A Harlow Institute poll shows that most voters back the new transit line.\n\n"
            "Support is strongest downtown, according to the poll. The survey also found "
            "that older voters are split on the cost.")
    sugg = DEFAULT_DETECTOR.detect(text)
    spoken = {speaker_of(sugg, q) for q in sugg.quotes}
    assert spoken == {"Harlow Institute poll"}, [(q.text, speaker_of(sugg, q)) for q in
                                                 sugg.quotes]
    [poll] = sugg.speakers
    assert poll.kind == "organization"
    assert {m.text for m in poll.mentions} >= {"Poll", "A Harlow Institute poll", "the poll"}


def test_the_poll_goes_to_the_poll_mentioned_last() -> None:
    text = ("A Marlow poll found that the mayor leads by four points. A Dunmore survey "
            "showed that the race is tied. The challenger gained ground, according to the "
            "poll.")
    sugg = DEFAULT_DETECTOR.detect(text)
    got = [(q.text.split()[0], speaker_of(sugg, q)) for q in sugg.quotes]
    assert got == [("that", "Marlow poll"), ("that", "Dunmore survey"),
                   ("The", "Dunmore survey")], got


def test_organisations_with_the_same_initial_stay_apart() -> None:
    text = ("The Brightwater campaign said that turnout was high. "
            "The Bellmont campaign said that the count was slow.")
    sugg = DEFAULT_DETECTOR.detect(text)
    assert sorted(names(sugg)) == ["Bellmont campaign", "Brightwater campaign"]


def test_a_byline_is_never_a_speaker() -> None:
    text = ("Harbor Plan Wins Approval\n\n"
            "By Marta Kowalski, Staff Writer\n\n"
            "\"We will build it this year,\" Kowalski said at the harbor on Monday.\n\n"
            "Contributing: Marta Kowalski and Leon Dube, Daily Ledger")
    sugg = DEFAULT_DETECTOR.detect(text)
    byline = (text.index("By Marta"), text.index("Writer") + len("Writer"))
    credit = text.index("Contributing")
    assert "Marta Kowalski" not in names(sugg)
    for s in sugg.speakers:
        for m in s.mentions:
            assert not byline[0] <= m.start < byline[1], (s.name, m)
            assert m.start < credit, (s.name, m)
    assert not any(q.start >= credit for q in sugg.quotes)


def test_is_byline() -> None:
    lex = load()
    for line in ("By Marta Kowalski", "By MARTA KOWALSKI, Associated Press",
                 "Reporting by Marta Kowalski; Editing by Leon Dube",
                 "Marta Kowalski | Daily Ledger", "Marta Kowalski, Staff Writer"):
        assert is_byline(line, 0, len(line), lex), line
    for line in ("By Tuesday, officials said the bridge would close.", "By now it is clear.",
                 "Transit Plan Is Doomed, Former Mayor Says", "Clinton, Trump Tied In Poll"):
        assert not is_byline(line, 0, len(line), lex), line


def test_a_name_never_runs_over_a_line_break() -> None:
    text = ("Photo: Rosa Lindqvist\n"
            "Mendez said on Tuesday that the clinic would stay open.\n\n"
            "Dr. Carla Mendez runs the clinic.")
    sugg = DEFAULT_DETECTOR.detect(text)
    assert names(sugg) == ["Carla Mendez"]


def test_a_pull_quote_is_attributed_to_the_name_after_it() -> None:
    text = ("The clinic reopened on Monday after a year of repairs.\n\n"
            "We kept every patient file safe through the whole flood and the repairs. "
            "Carla Mendez\n\n"
            "Dr. Carla Mendez has run the clinic since 2011.")
    sugg = DEFAULT_DETECTOR.detect(text)
    got = [(q.text, speaker_of(sugg, q)) for q in sugg.quotes]
    assert got == [("We kept every patient file safe through the whole flood and the repairs",
                    "Carla Mendez")], got


def test_no_pull_quote_without_a_sentence_end_or_a_named_person() -> None:
    body = "\n\nRuiz and the City Council met again in May."
    for para in ("The bill was signed on Friday by the state's governor, Gov. Dana Ruiz.",
                 "The bill was signed on Friday after a long debate. City Council"):
        sugg = DEFAULT_DETECTOR.detect(f"Budget Passes\n\n{para}{body}")
        assert sugg.quotes == (), (para, [q.text for q in sugg.quotes])
    text = "Budget Passes\n\nThe bill was signed on Friday after a long debate. Dana Ruiz\n"
    assert DEFAULT_DETECTOR.detect(text).quotes == ()  # Ruiz is named nowhere else


def test_an_acronym_joins_its_name_but_same_initials_do_not() -> None:
    text = ("The Acme Group said that taxes are high. The Apex Group said that voters agree. "
            "The National Transit Board said that fares will rise. NTB said that buses are "
            "late.")
    sugg = DEFAULT_DETECTOR.detect(text)
    got = [(q.text.split()[1], speaker_of(sugg, q)) for q in sugg.quotes]
    assert got == [("taxes", "Acme Group"), ("voters", "Apex Group"),
                   ("fares", "National Transit Board"), ("buses", "National Transit Board")]


def test_a_role_a_name_owns_is_the_speaker_not_the_name() -> None:
    """ "Whitfield's spokesman said" made a speaker "Whitfield's": the governor himself in
    every count by speaker. The spokesman speaks; an organisation's head keeps its name."""
    from annotations.detect import DEFAULT_DETECTOR

    text = ("Whitfield's spokesman said the plan would pass. Clinton's campaign said it would "
            "win.\n\n\"We have the votes,\" Gov. Tom Whitfield said.")
    found = DEFAULT_DETECTOR.detect(text)
    names = {q.text: next(s.name for s in found.speakers if s.id == q.speaker_id)
             for q in found.quotes}
    assert names["the plan would pass"] == "Whitfield's spokesman"
    assert names["it would win"] == "Clinton's campaign"
    assert names["We have the votes,"] == "Tom Whitfield"
