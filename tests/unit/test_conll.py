"""The CoNLL-U Plus export read by an independent reader (``conllu``) and by ``read_conll``.

Why: a ``#`` token ("#MeToo") used to start a line that CoNLL-U readers take for a comment,
nested speaker mentions were merged, and the stance and the resolved speaker were not exported.
These tests hold the export to what the ``conllu`` package reads, and the reader to giving back
the layer the export carried.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import conllu
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.errors import InputError
from annotations.formats.conll import COLUMNS, form, read_conll, write_conll
from annotations.formats.export_common import DocLayer
from annotations.formats.exporters import export
from annotations.model import (
    QUOTE_STATUSES,
    QUOTE_TYPES,
    SPEAKER_KINDS,
    Cue,
    Document,
    Layer,
    Mention,
    Quote,
    Speaker,
    StanceScheme,
    layer_from_records,
)
from annotations.session import Session
from annotations.text import tokens
from tests.conftest import PROPERTY_EXAMPLES

TRICKY = (
    'Mr. Jorge Field of the U.S. Labor Council said the #MeToo campaign "changed '
    'everything 🙂 for us."\tHe added: "We will keep\ngoing."\n'
    "According to the U.S. Labor Council, the campaign will grow.\n"
)
PLAIN = "Nothing was said here. #Hashtags are #fun, though.\n"
KNOWN_COMMENTS = re.compile(
    r"# (global\.columns|annotator|newdoc id|saywho\.doc_id|stance_target|mentions|"
    r"speaker\.\d+|quote\.\d+|sent_id|text) = \S.*"
)


def _at(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def _mention(text: str, part: str, nth: int = 0) -> Mention:
    s, e = _at(text, part, nth)
    return Mention(s, e, text[s:e])


def tricky_layer(text: str = TRICKY) -> Layer:
    """Nested and partly overlapping mentions, a nested quote, a quote over a line break, two
    quotes by one speaker (once as "He"), cues and stances."""
    full = _mention(text, "Mr. Jorge Field of the U.S. Labor Council")
    name = _mention(text, "Jorge Field")  # nested in ``full``
    he = _mention(text, "He")
    org1 = _mention(text, "the U.S. Labor Council")  # nested in ``full``
    org2 = _mention(text, "the U.S. Labor Council", 1)
    odd = _mention(text, "Field of the U.S.")  # overlaps ``org1`` in part
    speakers = [
        Speaker("s-field", "Jorge Field", "person", ("Field",), (full, name, he)),
        Speaker("s-council", "U.S. Labor Council", "organization", (), (org1, org2)),
        Speaker("s-odd", "Field of the U.S.", "unknown", (), (odd,)),
    ]

    def quote(qid: str, part: str, cue: str, **kw: object) -> Quote:
        s, e = _at(text, part)
        cs, ce = _at(text, cue)
        return Quote(qid, s, e, text[s:e], cue=Cue(cs, ce, text[cs:ce], "say"),
                     origin="ann", **kw)  # type: ignore[arg-type]

    quotes = [
        quote("q1", "changed everything 🙂 for us.", "said", speaker_id="s-field",
              speaker_mention=full, stance="support", status="accepted",
              confidence={"span": 0.9, "speaker": 0.5}, note="a\tnote\nover lines"),
        quote("q2", "We will keep\ngoing.", "added", speaker_id="s-field", speaker_mention=he,
              stance="support", status="suggested"),
        quote("q3", "the campaign will grow", "According to", type="indirect",
              speaker_id="s-council", speaker_mention=org2, stance="neutral",
              status="accepted"),
        quote("q4", "everything 🙂", "said", type="mixed", stance="a;b 50% sure",
              status="rejected"),
    ]
    return layer_from_records("ann", quotes, speakers).check(text)


def _no_detect(text: str) -> Layer:
    return Layer("suggestions")


@pytest.fixture
def project_items(tmp_path: Path) -> Iterator[list[DocLayer]]:
    """A project of the tricky document (annotated as layer "ann") and a plain one."""
    with Session.open(tmp_path / "proj", "ann", detect=_no_detect) as session:
        session.import_documents([Document("metoo", "MeToo", TRICKY),
                                  Document("plain", "Plain", PLAIN)])
        session.put_layer("metoo", tricky_layer(), replace=True)
        yield [(session.document(d), session.layer(d, "ann")) for d in session.document_ids()]


def _per_document(content: str) -> dict[str, list[conllu.TokenList]]:
    """The sentences ``conllu`` reads, grouped by their ``# newdoc id``."""
    docs: dict[str, list[conllu.TokenList]] = {}
    current = None
    for sentence in conllu.parse(content):
        current = sentence.metadata.get("newdoc id", current)
        assert current is not None
        docs.setdefault(current, []).append(sentence)
    return docs


def _offset(token: conllu.Token) -> tuple[int, int]:
    start, end = token["misc"]["Offset"].split("-")
    return int(start), int(end)


# --- (1) an independent reader reads every token ------------------------------------------


@pytest.mark.parametrize("statuses", [None, ["accepted"], ["suggested", "rejected"]])
def test_conllu_reads_every_token_of_every_document(
    project_items: list[DocLayer], tmp_path: Path, statuses: list[str] | None
) -> None:
    out = tmp_path / "out.conll"
    export("conll", project_items, out, annotator="ann", statuses=statuses)
    content = out.read_text("utf-8")
    lines = [ln for ln in content.split("\n") if ln]
    comments = [ln for ln in lines if ln.startswith("#")]
    assert all(KNOWN_COMMENTS.fullmatch(ln) for ln in comments), comments
    token_lines = [ln for ln in lines if not ln.startswith("#")]
    assert all(re.match(r"[1-9][0-9]*\t", ln) for ln in token_lines)

    parsed = _per_document(content)
    texts = {doc.id: doc.text for doc, _ in project_items}
    assert set(parsed) == set(texts)
    for doc_id, text in texts.items():
        read = [tok for sentence in parsed[doc_id] for tok in sentence]
        assert [_offset(tok) for tok in read] == tokens(text)
        assert [tok["form"] for tok in read] == [text[s:e] for s, e in tokens(text)]
        assert [tok["id"] for tok in parsed[doc_id][0]] == list(
            range(1, len(parsed[doc_id][0]) + 1))
    assert sum(len(s) for s in conllu.parse(content)) == len(token_lines)
    assert sum(len(tokens(t)) for t in texts.values()) == len(token_lines)
    forms = [tok["form"] for s in conllu.parse(content) for tok in s]
    assert forms.count("#") == 3 and "🙂" in forms and "U.S." in forms and "Mr." in forms


def test_nested_and_overlapping_mentions_keep_their_extent_and_quote(
    project_items: list[DocLayer], tmp_path: Path
) -> None:
    out = tmp_path / "out.conll"
    export("conll", project_items, out)
    sentences = _per_document(out.read_text("utf-8"))["metoo"]
    read = [tok for sentence in sentences for tok in sentence]
    assert [c.lower() for c in COLUMNS] == list(read[0].keys())
    mention_tokens: dict[str, list[tuple[int, int]]] = {}
    speaks: dict[str, str] = {}
    quote_tokens: dict[str, list[tuple[int, int]]] = {}
    for tok in read:
        for value in tok["saywho:speaker"].split(";"):
            if value != "O":
                number, _, said = value.split(":", 1)[1].partition(">")
                mention_tokens.setdefault(number, []).append(_offset(tok))
                if said:
                    speaks[number] = said
        for value in tok["saywho:quote"].split(";"):
            if value != "O":
                quote_tokens.setdefault(value.split(":")[1], []).append(_offset(tok))
    mention = {n: (toks[0][0], toks[-1][1]) for n, toks in mention_tokens.items()}
    quote = {n: (toks[0][0], toks[-1][1]) for n, toks in quote_tokens.items()}
    layer = {doc.id: lay for doc, lay in project_items}["metoo"]
    assert set(mention.values()) == {
        (m.start, m.end) for sp in layer.speakers.values() for m in sp.mentions}
    assert len(mention) == 6
    said = {TRICKY[slice(*mention[m])]: TRICKY[slice(*quote[q])] for m, q in speaks.items()}
    assert said == {
        "Mr. Jorge Field of the U.S. Labor Council": "changed everything 🙂 for us.",
        "He": "We will keep\ngoing.",
        "the U.S. Labor Council": "the campaign will grow",
    }
    assert set(quote.values()) == {(q.start, q.end) for q in layer.quotes.values()}
    records = {json.loads(v)["id"]: json.loads(v) for k, v in sentences[0].metadata.items()
               if k.startswith("quote.")}
    assert (records["q2"]["speaker_name"], records["q2"]["stance"]) == ("Jorge Field", "support")


@pytest.mark.parametrize("token", ["#", "#MeToo", "a\tb", "x\ny", " ", "\t", "🙂", "\x85",
                                   "\u2028", "a  b", "\r", "_"])
def test_any_form_stays_one_token_line(token: str) -> None:
    line = f"1\t{form(token)}\tO\t_\tO\tO\tOffset=0-{len(token)}"
    content = f"# global.columns = {' '.join(COLUMNS)}\n# newdoc id = d\n{line}\n\n"
    [sentence] = conllu.parse(content)
    assert len(sentence) == 1 and sentence[0]["form"] == form(token)
    assert sentence[0]["misc"] == {"Offset": f"0-{len(token)}"}
    assert not re.search(r"\s", form(token))


def test_stance_target_is_a_document_comment(
    project_items: list[DocLayer], tmp_path: Path
) -> None:
    out = tmp_path / "out.conll"
    write_conll(project_items, out, stance_target=StanceScheme(target="the #MeToo movement").target)
    parsed = _per_document(out.read_text("utf-8"))
    assert {doc: sents[0].metadata["stance_target"] for doc, sents in parsed.items()} == {
        "metoo": "the #MeToo movement", "plain": "the #MeToo movement"}


# --- (2) read_conll gives back what the export carried --------------------------------------


def _fields(layer: Layer) -> dict[str, tuple[object, ...]]:
    return {
        q.id: (q.start, q.end, q.text, q.type, q.parts, layer.speaker_name(q),
               q.speaker_mention, q.stance, q.cue, q.status)
        for q in layer.quotes.values()
    }


def test_read_conll_gives_back_the_quotes(project_items: list[DocLayer], tmp_path: Path) -> None:
    out = tmp_path / "out.conll"
    export("conll", project_items, out)
    texts = {doc.id: doc.text for doc, _ in project_items}
    back = read_conll(out, layer="ann", text_of=texts.get)
    assert [(doc_id, text) for doc_id, text, _ in back] == list(texts.items())
    for (_, layer), (_, _, got) in zip(project_items, back, strict=True):
        assert _fields(got) == _fields(layer)
        assert got == layer
    got = back[0][2]
    he = got.quotes["q2"]
    assert (he.speaker_mention and he.speaker_mention.text, got.speaker_name(he)) == (
        "He", "Jorge Field")
    assert got.quotes["q4"].stance == "a;b 50% sure" and got.quotes["q4"].speaker_id is None


def test_tags_edited_in_another_tool_come_back_as_edited(
    project_items: list[DocLayer], tmp_path: Path
) -> None:
    out = tmp_path / "out.conll"
    export("conll", project_items, out)
    content = out.read_text("utf-8")
    number = {json.loads(v)["id"]: k.split(".")[1] for k, v in
              re.findall(r"^# (quote\.\d+) = (.*)$", content, re.M)}
    q3, q4 = number["q3"], number["q4"]
    # q3 ("the campaign will grow") becomes "the campaign" and opposes; q4 loses its tags
    lines = []
    for line in content.split("\n"):
        cols = line.split("\t")
        if len(cols) == 7:
            if cols[1] in ("will", "grow") and cols[2].endswith(f":{q3}"):
                cols[2], cols[3] = "O", "_"
            cols[3] = cols[3].replace(f"{q3}:neutral", f"{q3}:oppose")
            cols[2] = ";".join(v for v in cols[2].split(";") if not v.endswith(f":{q4}")) or "O"
            cols[3] = ";".join(v for v in cols[3].split(";") if not v.startswith(f"{q4}:")) or "_"
        lines.append("\t".join(cols))
    out.write_text("\n".join(lines), encoding="utf-8")
    texts = {doc.id: doc.text for doc, _ in project_items}
    layer = read_conll(out, layer="ann", text_of=texts.get)[0][2]
    q3 = layer.quotes["q3"]
    assert (q3.text, q3.stance, q3.status) == ("the campaign", "oppose", "accepted")
    assert "q4" not in layer.quotes and set(layer.quotes) == {"q1", "q2", "q3"}


ALPHABET = "ab é“”\"'#.,\n\t\r🙂\u2028Zß"


@st.composite
def _span(draw: st.DrawFn, text: str, min_size: int = 0) -> tuple[int, int]:
    start = draw(st.integers(0, len(text) - min_size))
    return start, draw(st.integers(start + min_size, len(text)))


@st.composite
def doc_and_layer(draw: st.DrawFn) -> DocLayer:
    """Random layers over random texts: white space at span edges, empty mentions, nested and
    overlapping spans, split quotes, unlisted mentions, odd ids and labels, coded speakers and
    quotes."""
    text = draw(st.text(alphabet=ALPHABET, min_size=6, max_size=60))
    speakers = []
    for i in range(draw(st.integers(0, 3))):
        found = draw(st.lists(_span(text), max_size=3))
        speakers.append(Speaker(
            f"spk {i};>", draw(st.sampled_from(["Zoë Ortiz", "A\tB", "  x "])),
            draw(st.sampled_from(SPEAKER_KINDS)), tuple(draw(st.lists(st.just("Z"), max_size=1))),
            tuple(Mention(s, e, text[s:e]) for s, e in found),
            draw(st.sampled_from([(), (("gender", "female"),),
                                  (("gender", "male"), ("role", "expert; “x” = 1"))])),
        ))
    quotes = []
    for i in range(draw(st.integers(0, 4))):
        s, e = draw(_span(text, 1))
        parts: tuple[tuple[int, int], ...] = ()
        if e - s >= 3 and draw(st.booleans()):
            a = draw(st.integers(s + 1, e - 2))
            parts = ((s, a), (draw(st.integers(a, e - 1)), e))
        speaker = draw(st.sampled_from([None, *speakers]))
        mention = None
        if speaker is not None and draw(st.booleans()):
            if speaker.mentions and draw(st.booleans()):
                mention = draw(st.sampled_from(speaker.mentions))
            else:
                ms, me = draw(_span(text))
                mention = Mention(ms, me, text[ms:me])
        cue = None
        if draw(st.booleans()):
            cs, ce = draw(_span(text))
            cue = Cue(cs, ce, text[cs:ce], draw(st.sampled_from(["", "say"])))
        quotes.append(Quote(
            id=f"q {i}\t", start=s, end=e, text=text[s:e], type=draw(st.sampled_from(QUOTE_TYPES)),
            parts=parts, cue=cue, speaker_id=speaker.id if speaker else None,
            speaker_mention=mention,
            stance=draw(st.sampled_from([None, "support", "very % much;against", "x\ty"])),
            confidence=draw(st.sampled_from([{}, {"span": 0.1 + 0.2, "speaker": 0.25}])),
            status=draw(st.sampled_from(QUOTE_STATUSES)),
            origin=draw(st.sampled_from(["", "ana", "detector@1"])),
            note=draw(st.sampled_from(["", "a\nnote\twith “marks”\u2028"])),
            codes=draw(st.sampled_from([(), (("topic", "crime"),),
                                        (("tone", "x = 1; “y”"), ("topic", "public health"))])),
        ))
    used = {q.speaker_id for q in quotes}
    speakers = [sp for sp in speakers if sp.mentions or sp.id in used]
    doc_id = draw(st.sampled_from(["d1", "ctv:a/b = c", " über\tdoc\n", "#x"]))
    return Document(doc_id, "T", text), layer_from_records("ana", quotes, speakers).check(text)


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(doc_and_layer())
def test_any_layer_comes_back_identical(item: DocLayer) -> None:
    doc, layer = item
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "a.conll"
        write_conll([item], out)
        content = out.read_text("utf-8")
        [(doc_id, text, got)] = read_conll(out, layer="ana", text_of={doc.id: doc.text}.get)
    assert (doc_id, text) == (doc.id, doc.text)
    assert got == layer
    read = [tok for sentence in conllu.parse(content) for tok in sentence]
    assert [_offset(tok) for tok in read] == tokens(doc.text, cuts=_edges(layer))


def _edges(layer: Layer) -> set[int]:
    spans = [p for q in layer.quotes.values() for p in q.part_spans()]
    spans += [(q.cue.start, q.cue.end) for q in layer.quotes.values() if q.cue]
    spans += [(m.start, m.end) for q in layer.quotes.values() if (m := q.speaker_mention)]
    spans += [(m.start, m.end) for sp in layer.speakers.values() for m in sp.mentions]
    return {x for span in spans for x in span}


# --- (3) bad input: one clear line ---------------------------------------------------------


def _line_of(content: str, pattern: str) -> int:
    return next(n for n, ln in enumerate(content.split("\n"), 1) if re.search(pattern, ln))


def _refused(out: Path, texts: dict[str, str], line: int, *words: str) -> None:
    with pytest.raises(InputError) as caught:
        read_conll(out, layer="ann", text_of=texts.get)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{out}:{line}: "), message
    for word in words:
        assert word in message, message


def test_tokens_that_do_not_match_the_text_are_refused(
    project_items: list[DocLayer], tmp_path: Path
) -> None:
    out = tmp_path / "out.conll"
    export("conll", project_items, out)
    texts = {doc.id: doc.text for doc, _ in project_items}
    content = out.read_text("utf-8")
    changed = dict(texts, metoo=texts["metoo"].replace("campaign will", "campaign wall"))
    will = TRICKY.index("campaign will") + len("campaign ")
    _refused(out, changed, _line_of(content, f"\tOffset={will}-{will + 4}$"), '"will"',
             "does not match", "metoo")
    longer = dict(texts, plain=texts["plain"] + "And more.")
    _refused(out, longer, _line_of(content, f"\tOffset={len(PLAIN) - 2}-{len(PLAIN) - 1}$"),
             "has no token line", "plain")


def test_a_document_the_project_lacks_is_refused(
    project_items: list[DocLayer], tmp_path: Path
) -> None:
    out = tmp_path / "out.conll"
    export("conll", project_items, out)
    texts = {doc.id: doc.text for doc, _ in project_items if doc.id != "plain"}
    content = out.read_text("utf-8")
    _refused(out, texts, _line_of(content, "^# newdoc id = plain$"), '"plain"',
             "not in the project")


def test_a_broken_column_count_is_refused(project_items: list[DocLayer], tmp_path: Path) -> None:
    out = tmp_path / "out.conll"
    export("conll", project_items, out)
    texts = {doc.id: doc.text for doc, _ in project_items}
    lines = out.read_text("utf-8").split("\n")
    n = _line_of("\n".join(lines), "\tMeToo\t")
    lines[n - 1] = lines[n - 1].rsplit("\t", 1)[0]
    out.write_text("\n".join(lines), encoding="utf-8")
    _refused(out, texts, n, "expected 7 tab-separated columns", "found 6")


def test_the_old_layout_is_refused_with_its_columns_named(tmp_path: Path) -> None:
    out = tmp_path / "old.conll"
    out.write_text("# global.columns = TOKEN START END QUOTE SPEAKER QUOTE_ID SAID\n"
                   "# newdoc id = plain\nNothing\t0\t7\tO\tO\t_\t_\n", encoding="utf-8")
    _refused(out, {"plain": PLAIN}, 1, "not saywho's")
