"""Unit tests for each detection stage: segmentation, quote marks, quotes, mentions, coref."""

from __future__ import annotations

from annotations.detect import DEFAULT_DETECTOR
from annotations.detect.lexicon import inflections, load
from annotations.detect.mentions import find_names, subject_after, subject_before
from annotations.detect.quotemarks import pair_marks
from annotations.text import paragraphs, sentences, tokens


def contents(text: str, depth: int | None = None) -> list[str]:
    return [text[p.start : p.end] for p in pair_marks(text) if depth is None or p.depth == depth]


def detect(text: str):
    sugg = DEFAULT_DETECTOR.detect(text)
    names = {s.id: s.name for s in sugg.speakers}
    return [(q.text, q.type, names.get(q.speaker_id or ""), q) for q in sugg.quotes]


# --- segmentation ---------------------------------------------------------------------------

def test_paragraphs_and_tokens_offsets() -> None:
    text = "  One line.\n\nTwo  words\n"
    assert [text[s:e] for s, e in paragraphs(text)] == ["One line.", "Two  words"]
    toks = tokens("Mr. Smith's U.S. trip ended.")
    words = ["Mr.", "Smith's", "U.S.", "trip", "ended", "."]
    assert [t for t in ("Mr. Smith's U.S. trip ended."[s:e] for s, e in toks)] == words


def test_sentences_skip_abbreviations_and_quotes() -> None:
    text = 'Mr. Smith went to Washington. "It is big. Really," he said. Then he left.'
    sents = [text[s:e] for s, e in sentences(text, 0, len(text), [(30, 51)])]
    assert sents == ["Mr. Smith went to Washington.", '"It is big. Really," he said.',
                     "Then he left."]


# --- quote marks ----------------------------------------------------------------------------

def test_straight_curly_guillemets_german() -> None:
    assert contents('He said "yes sir" now') == ["yes sir"]
    assert contents("He said “yes sir” now") == ["yes sir"]
    assert contents("Il a dit «oui monsieur» hier") == ["oui monsieur"]
    assert contents("Er sagte „ja bitte“ heute") == ["ja bitte"]


def test_nested_single_quotes() -> None:
    text = "“He told me, ‘Look, this is not who we are,’ and left,” she said."
    assert contents(text, 0) == ["He told me, ‘Look, this is not who we are,’ and left,"]
    assert contents(text, 1) == ["Look, this is not who we are,"]


def test_apostrophes_are_not_quotes() -> None:
    text = "Don't blame the '90s or Jones' dog, it's fine."
    assert pair_marks(text) == []


def test_multi_paragraph_quote() -> None:
    text = "“First paragraph of the quote.\n\n“Second paragraph ends it,” he said."
    pairs = pair_marks(text)
    assert len(pairs) == 1 and pairs[0].paragraphs == 2
    assert text[pairs[0].start : pairs[0].end].endswith("ends it,")
    [(_, typ, _, q)] = detect("Mayor Ann Lee spoke.\n\n" + text)
    full = "Mayor Ann Lee spoke.\n\n" + text
    # trimmed where the paragraph break cuts it; its own end keeps its comma, as a quotation
    # in one paragraph does ("And this,")
    assert typ == "direct" and [full[s:e] for s, e in q.parts] == [
        "First paragraph of the quote", "Second paragraph ends it,"]


def test_unbalanced_mark_stays_in_its_paragraph() -> None:
    text = "A stray “mark here.\n\nShe said “this is fine” today.\n\n“And this,” he said."
    assert contents(text) == ["this is fine", "And this,"]


# --- quote finding --------------------------------------------------------------------------

def test_scare_quotes_and_titles_are_not_quotes() -> None:
    assert detect("Officials targeted 'sanctuary' cities in the region.") == []
    assert detect('Officials dislike the term "Sanctuary City" very much.') == []


def test_split_direct_quote_is_one_quote() -> None:
    text = '"We are ready," Smith said, "and we will win."'
    [(quote, typ, name, q)] = detect(text)
    assert typ == "direct" and name == "Smith" and len(q.parts) == 2
    assert [text[s:e] for s, e in q.parts] == ["We are ready,", "and we will win."]


def test_said_that_and_postposed() -> None:
    found = detect("The minister said that the plan would fail. Taxes will rise, Jones said.")
    assert [(t, ty) for t, ty, _, _ in found] == [
        ("that the plan would fail", "indirect"), ("Taxes will rise", "indirect")]
    assert found[0][2] == "minister" and found[1][2] == "Jones"


def test_inverted_speaker_with_title() -> None:
    text = ("Prices will keep rising, said Anna Berg, the chief economist of the bank.")
    [(quote, typ, name, q)] = detect(text)
    assert quote == "Prices will keep rising" and name == "Anna Berg"
    assert q.speaker_mention.text == "Anna Berg"


def test_according_to() -> None:
    [(quote, typ, name, q)] = detect("The bridge will close in May, according to the city.")
    assert quote == "The bridge will close in May" and q.cue.lemma == "according to"


def test_mixed_quote() -> None:
    [(quote, typ, name, _)] = detect('Smith said the deal was "a disgrace" and should end.')
    assert typ == "mixed" and quote.startswith("the deal was")


def test_adding_that_inherits_speaker() -> None:
    text = '"It works," said Lee Chan, adding that "nobody expected it".'
    found = detect(text)
    assert [n for _, _, n, _ in found] == ["Lee Chan", "Lee Chan"]


def test_reporting_noun_statement() -> None:
    [(quote, typ, name, q)] = detect('"We regret it," the company said in a statement.')
    assert typ == "direct" and name == "company" and q.cue.lemma == "say"


# --- mentions and coreference ---------------------------------------------------------------

def test_subject_before_and_after() -> None:
    lex = load()
    text = "Philadelphia Mayor Jim Kenney, who spoke Friday, said"
    toks = tokens(text)
    np, _ = subject_before(text, toks, len(toks) - 1, 0, lex)
    assert np is not None and np.text == "Philadelphia Mayor Jim Kenney" and np.kind == "person"
    text2 = "said the city's police department"
    toks2 = tokens(text2)
    np2, _ = subject_after(text2, toks2, 1, len(toks2), lex)
    assert np2 is not None and np2.text.endswith("police department")


def test_find_names() -> None:
    text = "The U.S. Immigration and Customs Enforcement met Mayor Jim Kenney."
    names = [text[s:e] for s, e in find_names(text)]
    assert "U.S. Immigration and Customs Enforcement" in names
    assert any(n.endswith("Jim Kenney") for n in names)


def test_alias_clustering_and_pronoun() -> None:
    text = ("Philadelphia Mayor Jim Kenney spoke on Friday. \"We will not comply,\" Kenney said."
            "\n\nHe said the city would sue. Ms. Ortiz said she disagreed.")
    found = detect(text)
    names = [n for _, _, n, _ in found]
    assert names[:2] == ["Jim Kenney", "Jim Kenney"]
    assert names[2] == "Ortiz"


def test_acronym_alias() -> None:
    text = ("U.S. Immigration and Customs Enforcement said the raids worked. "
            "Arrests rose, according to ICE.")
    sugg = DEFAULT_DETECTOR.detect(text)
    assert len({q.speaker_id for q in sugg.quotes}) == 1
    assert "ICE" in sugg.speakers[0].aliases


def test_inflections() -> None:
    assert set(inflections("say")) >= {"say", "says", "sayed", "saying"}
    assert "denies" in inflections("deny")
    lex = load()
    assert lex.cue_lemma["said"] == "say" and lex.is_strong("said")


def test_question_quote_of_one_word() -> None:
    [(quote, typ, name, _)] = detect("“Really?” said Colton with a surprised look.")
    assert quote == "Really?" and name == "Colton"


def test_name_after_quote_question_stays_attributed() -> None:
    found = detect("“Are there prizes?” Lincicome asked before going off. “Great,” she said.")
    assert found[0][0] == "Are there prizes?" and found[0][2] == "Lincicome"


def test_adjuncts_after_cue_are_skipped() -> None:
    [(quote, _, name, q)] = detect("Roman said by text message the weather had been fine.")
    assert quote == "the weather had been fine" and name == "Roman"
    [(quote, _, _, _)] = detect("The firm said in a statement on Friday that it would appeal.")
    assert quote == "that it would appeal"


def test_parenthetical_attribution_has_two_parts() -> None:
    text = "The museum, Mr. Obama said, would make visitors face uncomfortable truths."
    [(_, typ, name, q)] = detect(text)
    assert [text[s:e] for s, e in q.parts] == [
        "The museum", "would make visitors face uncomfortable truths"]
    assert typ == "indirect" and name.endswith("Obama")


def test_relative_who_speaker_and_appositive_name() -> None:
    found = detect("Ted Cruz endorses Trump, who says he is honored.")
    assert ("he is honored", "Trump") in [(t, n) for t, _, n, _ in found]
    text = "But the director of operations for EHS, Jeff Fraser, says the system is designed."
    [(quote, _, name, _)] = detect(text)
    assert name == "Jeff Fraser"


def test_coordinated_second_cue_keeps_speaker() -> None:
    found = detect("Machado promised to keep campaigning and said she would stand up to attacks.")
    assert [(t, n) for t, _, n, _ in found] == [
        ("to keep campaigning", "Machado"), ("she would stand up to attacks", "Machado")]


def test_headline_attribution_and_labels() -> None:
    [(quote, _, name, q)] = detect("Graham: Trump Rhetoric Is Destroying the Party\n\nBody text.")
    assert quote == "Trump Rhetoric Is Destroying the Party" and name == "Graham"
    assert q.cue.text == ":"
    assert detect("READ MORE: Nova Scotia hospitals close more often\n\nBody text.") == []


def test_reporting_noun() -> None:
    [(quote, _, name, q)] = detect("Trump's claim that the election was rigged went nowhere.")
    assert quote.startswith("that the election was rigged") and name == "Trump"
    assert q.cue.lemma == "claim"


def test_colon_introduces_next_paragraph() -> None:
    text = "The governor added:\n\nIt is typical of her. She knows nothing.\n\nOther news."
    [(quote, _, name, _)] = detect(text)
    assert quote == "It is typical of her. She knows nothing" and name == "governor"


def test_passive_and_noun_uses_are_not_cues() -> None:
    assert detect("Trudeau was asked twice what the government is doing.") == []
    assert detect("Twenty-seven states led by West Virginia are challenging the rules.") == []


def test_definite_role_resolves_to_named_person() -> None:
    text = ("Surrey Mayor Doug McCallum spoke on Monday. Later the mayor said the rink "
            "would close.")
    [(_, _, name, _)] = detect(text)
    assert name == "Doug McCallum"
