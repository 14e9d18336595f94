"""Two people of one surname in one article, and a person whose title names an organisation.

The detector clusters a person's mentions by surname ("Jim Kenney" ... "Kenney said"): an
article quoting House Speaker Mike Johnson and former Prime Minister Boris Johnson made them
one speaker, "Mike Johnson", and the organisation in the title ("House") made him one too.
"""

from __future__ import annotations

from annotations.detect import DEFAULT_DETECTOR

TEXT = (
    '"We will act on the budget this week," said House Speaker Mike Johnson.\n\n'
    '"This is not the way to govern a country," said former Prime Minister Boris Johnson.\n\n'
    '"I have seen this film before and it ends badly," Johnson said.\n\n'
    '"We will hold the vote on Friday," Mike Johnson said.\n'
)


def _said() -> list[tuple[str, str, str]]:
    """(first words of the quote, its speaker's name, kind) in reading order."""
    sugg = DEFAULT_DETECTOR.detect(TEXT)
    speakers = {s.id: s for s in sugg.speakers}
    return [(" ".join(q.text.split()[:2]), speakers[q.speaker_id].name,
             speakers[q.speaker_id].kind) for q in sugg.quotes]


def test_a_person_whose_title_names_an_organisation_is_a_person() -> None:
    assert _said()[0] == ("We will", "Mike Johnson", "person")
    company = '"The merger is closed and final," the company Warren said on Monday.'
    sugg = DEFAULT_DETECTOR.detect(company)  # an organisation's name after its noun stays one
    assert [(s.name, s.kind) for s in sugg.speakers] == [("Warren", "organization")]


def test_two_people_of_one_surname_stay_two_and_the_surname_alone_is_the_last_named() -> None:
    assert [(words, name) for words, name, _ in _said()] == [
        ("We will", "Mike Johnson"),
        ("This is", "Boris Johnson"),
        ("I have", "Boris Johnson"),  # "Johnson said" after Boris: Boris
        ("We will", "Mike Johnson"),
    ]


def _speakers(text: str) -> list[tuple[str, list[str]]]:
    return [(s.name, sorted(s.aliases)) for s in DEFAULT_DETECTOR.detect(text).speakers]


def test_a_name_written_without_its_accents_is_the_same_speaker_in_an_article() -> None:
    text = ('"It is time to act on the new jail," said José Núñez.\n\n'
            '"We need a real plan for the city," Jose Nunez said.\n\n'
            '"We will not wait any longer," Nunez added.\n')
    assert _speakers(text) == [("José Núñez", ["Jose Nunez", "Nunez"])]


def test_a_surname_written_first_is_the_person_named_in_full_before() -> None:
    text = ('"We will talk again in the spring," said Moon Jae-in.\n\n'
            '"The talks are not over yet," Moon said.\n\n'
            '"Trade comes first for us," said Xi Jinping.\n\n'
            '"We stand ready to talk," Xi said.\n')
    assert _speakers(text) == [("Moon Jae-in", ["Moon"]), ("Xi Jinping", ["Xi"])]
    # a lone word that ends a full name as well is no name written first
    both = ('"Taxes must rise on the rich," said Elizabeth Warren.\n\n'
            '"Buy good companies and hold them," said Warren Buffett.\n\n'
            '"We will fight this in the Senate," Warren said.\n')
    assert [name for name, _ in _speakers(both)] == ["Elizabeth Warren", "Warren Buffett"]
