"""Full-text search: one matching rule (phrase, case, white space, quote marks) in one text and
across a corpus; snippets on one safe line; results in document order, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.model import Document, Layer
from annotations.search import (
    Hit,
    Query,
    TextHits,
    find_in_text,
    fit_snippet,
    read_ahead,
    search_corpus,
    snippet,
)
from annotations.session import Session


def open_session(folder: Path) -> Session:
    return Session.open(folder, "ann", detect=lambda text: Layer("suggestions"))


def test_a_phrase_matches_across_a_line_break_and_any_white_space() -> None:
    text = "The city's mayor\n\nsaid on Monday that the mayor   said nothing."
    hits = find_in_text(text, "mayor said")
    assert [text[s:e] for s, e in hits] == ["mayor\n\nsaid", "mayor   said"]
    assert find_in_text(text, "  mayor \t said ") == hits  # the query's own spacing is no rule


def test_case_does_not_matter_and_offsets_are_the_texts() -> None:
    text = "MAYOR Kenney met the Mayor; mayors agree."
    assert find_in_text(text, "mayor") == [(0, 5), (21, 26), (28, 33)]
    assert find_in_text(text, "KENNEY") == [(6, 12)]


def test_a_straight_quote_mark_finds_the_typographic_ones() -> None:
    text = "He said “we won’t comply” and 'we don't' too."
    assert [text[s:e] for s, e in find_in_text(text, "won't")] == ["won’t"]
    assert [text[s:e] for s, e in find_in_text(text, '"we')] == ["“we"]


def test_the_fast_pre_check_never_loses_a_case_insensitive_hit() -> None:
    # 'ſ' matches s and 'İ' matches i under the rule; their lower case differs
    text = "the ſtate of KİNG street"
    assert find_in_text(text, "STATE") == [(4, 9)]
    assert find_in_text(text, "king") == [(13, 17)]
    assert Query.parse("king").literal == "ng"  # built of letters str.lower agrees on


def test_no_hit_and_an_empty_query() -> None:
    docs = [Document("a", "A", "Nothing to see here.")]
    assert find_in_text("Nothing to see here.", "mayor") == []
    assert find_in_text("Nothing to see here.", "   ") == []
    assert list(search_corpus(docs, "mayor", limit=10)) == []
    assert list(search_corpus(docs, "", limit=10)) == []


def test_snippet_is_one_line_with_controls_shown_and_the_hit_marked() -> None:
    text = ("First paragraph about policy.\n\nThe \x1b[31mmayor\u202e said\tthat police "
            "will not cooperate with federal agents on any\ndetainer request at all.")
    start = text.index("police")
    shown, a, b = snippet(text, start, start + len("police"))
    assert "\n" not in shown and "\t" not in shown
    assert "\x1b" not in shown and "\u202e" not in shown
    assert "  " not in shown
    assert shown[a:b] == "police"
    assert shown.startswith("…") and shown.endswith("…")  # cut at word edges, with ellipses
    assert "detainer request" not in shown  # about 40 characters either side
    hit = next(search_corpus([("d", "T", text)], "POLICE", limit=5))
    assert (hit.start, hit.snippet[hit.mark_start:hit.mark_end]) == (start, "police")


def test_corpus_results_come_in_document_order_then_text_order() -> None:
    docs = [
        Document("b-first", "Second title", "tax here. Tax there."),
        Document("a-second", "First title", "no match"),
        Document("c-third", "Third", "and a tax"),
    ]
    hits = list(search_corpus(docs, "tax", limit=None))
    assert [(h.doc_id, h.start) for h in hits] == [("b-first", 0), ("b-first", 10),
                                                  ("c-third", 6)]
    assert hits[0].title == "Second title"
    assert [h.start for h in search_corpus(docs, "tax", limit=2)] == [0, 10]


def test_results_stream_before_the_last_document_is_read() -> None:
    read: list[str] = []

    def corpus() -> Iterator[tuple[str, str, str]]:
        for i in range(100):
            read.append(f"d{i}")
            yield f"d{i}", f"Doc {i}", "the mayor said" if i in (1, 99) else "nothing"

    hits = search_corpus(corpus(), "mayor", limit=None)
    first = next(hits)
    assert first.doc_id == "d1"
    assert read == ["d0", "d1"]  # the other 98 documents are not read yet
    assert [h.doc_id for h in hits] == ["d99"]


def test_a_session_is_read_one_document_at_a_time(tmp_path: Path) -> None:
    with open_session(tmp_path / "p") as session:
        session.import_documents(
            [Document(f"d{i}", f"Doc {i}", "a quote" if i == 0 else "filler") for i in range(5)])
        reads: list[int] = []

        class Counting:
            def read(self, fn):  # noqa: ANN001, ANN202
                reads.append(1)
                return session.read(fn)

        hits = search_corpus(Counting(), "QUOTE", limit=10)
        assert isinstance(next(hits), Hit)
        assert len(reads) == 2  # the document list, then the first text: not the corpus
        assert list(hits) == []
        assert len(reads) == 6


def test_a_damaged_text_is_skipped_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    with open_session(folder) as session:
        session.import_documents([Document("a", "A", "the mayor"),
                                  Document("b", "B", "the mayor again")])
    (next((folder / "texts").glob("a*.txt"))).write_text("changed on disk", encoding="utf-8")
    with open_session(folder) as session:
        skipped: list[str] = []
        hits = list(search_corpus(session, "mayor", limit=None, skipped=skipped))
    assert [h.doc_id for h in hits] == ["b"]
    assert skipped == ["a"]


def test_text_hits_step_round_and_start_after_the_cursor() -> None:
    found = TextHits.of("x mayor x mayor x mayor", "mayor")
    assert found.spans == ((2, 7), (10, 15), (18, 23))
    assert found.first_after(3) == 1
    assert found.first_after(10) == 1
    assert found.first_after(19) == 0  # past the last hit: round to the first
    assert found.step(2, 1) == 0 and found.step(0, -1) == 2
    assert TextHits.of("nothing", "mayor").first_after(0) is None


def test_read_ahead_fills_the_text_cache_so_a_search_reads_no_file(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    with open_session(folder) as session:
        session.import_documents(
            [Document(f"d{i}", f"Doc {i}", f"the mayor said {i}") for i in range(3)])
    with open_session(folder) as session:  # a fresh session: no text read yet
        assert read_ahead(session, stop=lambda: True) == 1
        assert read_ahead(session) == 3
        for path in (folder / "texts").glob("*.txt"):
            path.unlink()
        assert len(list(search_corpus(session, "mayor said", limit=None))) == 3


@pytest.mark.parametrize("width", [20, 30, 49, 80])
def test_a_snippet_fitted_to_a_narrow_row_shows_its_hit(width: int) -> None:
    """At 80 columns a search row has about 49 for its snippet: the 40 characters before a
    hit pushed a long hit past the edge. Fitted, the hit starts in the row's first half,
    marked where it is, and the snippet still ends as it did."""
    text = ("The quick brown fox jumps over the lazy dog and then the governor of "
            "California said something remarkable about the state budget today.")
    start = text.index("governor of California")
    shown, a, b = snippet(text, start, start + len("governor of California"))
    fitted, fa, fb = fit_snippet(shown, a, b, width)
    assert fitted[fa:fb] == "governor of California"
    assert fa <= max(width // 2, 1) and fitted.endswith(shown[b:])
    assert fitted.startswith("…") or fitted == shown


def test_a_snippet_that_fits_is_left_as_it_is() -> None:
    shown, a, b = snippet("Bo said go now.", 3, 7)
    assert fit_snippet(shown, a, b, 80) == (shown, a, b)


def test_a_query_without_accents_finds_the_names_that_have_them() -> None:
    """News from many languages, searched from a keyboard without their letters: "Menard"
    finds "Ménard" (precomposed, or an "e" with a combining accent), "Sorensen" "Sørensen",
    and an accented query the plain name too; offsets are the text's own."""
    from annotations.search import find_in_text

    text = "Paul Ménard met Sørensen, Zoë Lefèvre and Me\u0301nard; Menard came late."
    found = lambda q: [text[a:b] for a, b in find_in_text(text, q)]  # noqa: E731
    assert found("menard") == ["Ménard", "Me\u0301nard", "Menard"]
    assert found("Ménard") == found("menard") and found("MENARD") == found("menard")
    assert found("sorensen") == ["Sørensen"] and found("zoe lefevre") == ["Zoë Lefèvre"]
    assert found("menardx") == []
    assert found("Me\u0301nard") == found("menard")  # typed with a combining accent


def test_the_speaker_picker_folds_accents_too() -> None:
    from annotations.registry import CONFIDENT, SpeakerCandidate, scored_speakers

    cands = [SpeakerCandidate("s1", "Paul Ménard", (), "person", False, 2),
             SpeakerCandidate("s2", "Ana Dvořák", (), "person", False, 1),
             SpeakerCandidate("s3", "Jim Kenney", (), "person", False, 1)]
    cands.append(SpeakerCandidate("s4", "Eva Dvor\u030cáková", (), "person", False, 1))
    for typed, name in (("menard", "Paul Ménard"), ("dvorak", "Ana Dvořák"),
                        ("dvorakova", "Eva Dvor\u030cáková")):  # a combining accent too
        [(best, score), *_] = scored_speakers(cands, typed)
        assert best.name == name and score >= CONFIDENT, (typed, score)
