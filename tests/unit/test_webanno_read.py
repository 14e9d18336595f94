"""WebAnno TSV 3.3 in: saywho's own export reads back, INCEpTION's files and exports read.

A project with two documents and two corrected layers is exported with ``export("webanno")``
and read from the folder, from one file, and from a zip laid out as an INCEpTION project export
(``annotation/<document>/<user>.tsv``, ``curation/...``). A hand-written INCEpTION file with
its default layers (POS, NamedEntity, coreference, dependencies), sub-tokens, stacked values,
multi-line sentences, escapes and an extra feature column reads as the module doc says; broken
files are refused with one line naming the file and line.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations.errors import InputError
from annotations.formats.export_common import DocLayer, safe_name
from annotations.formats.exporters import export
from annotations.formats.webanno_read import read_webanno, unescape_text, unescape_value
from annotations.model import Document, Layer, Mention, Quote, Speaker, layer_from_records
from annotations.session import Session

TEXT_A = (
    'Mayor Jane Roe 🙂 said the plan "will not work\tfor anyone here." She added that the '
    'council would vote again.\n\n"We are ready," said Tom Poe, "and we will\nwin."\n'
    "The union 👍 backs it."
)
TEXT_B = 'Short note 🙂\twith a tab: "Yes," he said.'


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """The span of the ``nth`` occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mention(text: str, needle: str) -> Mention:
    s, e = at(text, needle)
    return Mention(s, e, text[s:e])


def quote(text: str, qid: str, spans: list[tuple[int, int]], **fields: object) -> Quote:
    start, end = spans[0][0], spans[-1][1]
    parts = tuple(spans) if len(spans) > 1 else ()
    return Quote(qid, start, end, text[start:end], parts=parts, **fields)  # type: ignore[arg-type]


def layers_a() -> dict[str, Layer]:
    """Two annotators' corrections of TEXT_A (spans on whole tokens, as TSV needs)."""
    t = TEXT_A
    jane = Speaker("spk-jane", "Jane Roe", "person", ("Roe",),
                   (mention(t, "Jane Roe"), mention(t, "She")),
                   (("gender", "female"), ("role", "official | [x]_y")))
    tom = Speaker("spk-tom", "Tom Poe", "person", (), (mention(t, "Tom Poe"),))
    union = Speaker("spk-union", "The union", "organization", (), (mention(t, "The union"),))
    ann = layer_from_records("ann", [
        quote(t, "q1", [at(t, "will not work\tfor anyone here.")], type="direct",
              speaker_id="spk-jane", speaker_mention=mention(t, "Jane Roe"), stance="oppose",
              status="accepted", note="a note TSV cannot carry"),
        quote(t, "q2", [at(t, "the council would vote again")], type="indirect",
              speaker_id="spk-jane", speaker_mention=mention(t, "She"), stance="neutral",
              status="accepted"),
        quote(t, "q3", [at(t, "We are ready,"), at(t, "and we will\nwin.")], type="direct",
              speaker_id="spk-tom", speaker_mention=mention(t, "Tom Poe"),
              stance="support", status="suggested"),
        quote(t, "q4", [at(t, "The union 👍 backs it")], type="indirect", speaker_id="spk-union",
              stance="very much | against [x]_y", status="rejected"),
    ], [jane, tom, union])
    merged = Speaker("spk-jane", "Jane Roe", "person", ("J. Roe",),
                     (mention(t, "Jane Roe"), mention(t, "She"), mention(t, "Tom Poe")))
    bea = layer_from_records("bea", [
        quote(t, "q1", [at(t, "will not work\tfor anyone here.")], type="mixed",
              speaker_id="spk-jane", speaker_mention=mention(t, "Mayor Jane Roe"),
              stance="support", status="accepted"),
        quote(t, "q3", [at(t, "We are ready,")], speaker_id="spk-jane",
              speaker_mention=mention(t, "Tom Poe"), status="accepted"),
        quote(t, "b1", [at(t, "backs it")], type="indirect", status="accepted"),
    ], [merged])
    return {"ann": ann.check(t), "bea": bea.check(t)}


def layer_b(name: str) -> Layer:
    t = TEXT_B
    he = Speaker("spk-he", "he", "unknown", (), (mention(t, "he"),))
    return layer_from_records(name, [
        quote(t, "y1", [at(t, "Yes,")], speaker_id="spk-he", speaker_mention=mention(t, "he"),
              stance="unclear", status="accepted"),
    ], [he]).check(t)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    s = Session.open(tmp_path / "proj", "ann", detect=lambda text: Layer("suggestions"))
    s.import_documents([Document("a", "Article A", TEXT_A), Document("b", "Article B", TEXT_B)])
    for name, layer in layers_a().items():
        s.put_layer("a", layer, replace=True)
        s.put_layer("b", layer_b(name), replace=True)
    yield s
    s.close()


def items(session: Session, name: str) -> list[DocLayer]:
    return [(session.document(d), session.layer(d, name)) for d in session.document_ids()]


def texts(session: Session) -> dict[str, str]:
    return {d: session.document(d).text for d in session.document_ids()}


def quote_fields(q: Quote) -> tuple:
    """What TSV carries of a quote."""
    return (q.id, q.start, q.end, q.parts, q.type, q.speaker_id, q.stance, q.status)


def speaker_fields(layer: Layer, sp: Speaker) -> tuple:
    """What TSV carries of a speaker: its mentions and the mentions its quotes name, and its
    coded attributes."""
    named = {(q.speaker_mention.start, q.speaker_mention.end) for q in layer.quotes.values()
             if q.speaker_id == sp.id and q.speaker_mention}
    return (sp.id, sp.name, sp.kind, {(m.start, m.end) for m in sp.mentions} | named,
            sp.attributes)


def assert_same(got: list[tuple[str, str, Layer]], want: list[DocLayer], *,
                exact_text: bool) -> None:
    assert [d for d, _, _ in got] == [doc.id for doc, _ in want]
    for (_d, text, layer), (doc, orig) in zip(got, want, strict=True):
        if exact_text:
            assert text == doc.text
        assert sorted(map(quote_fields, layer.quotes.values())) == sorted(
            map(quote_fields, orig.quotes.values()))
        assert sorted(speaker_fields(layer, s) for s in layer.speakers.values()) == sorted(
            speaker_fields(orig, s) for s in orig.speakers.values())
        for q in layer.quotes.values():
            assert q.speaker_mention is None  # TSV does not say which mention a quote names
            if exact_text:
                assert q.text == orig.quotes[q.id].text


def exported(session: Session, name: str, folder: Path) -> Path:
    export("webanno", items(session, name), folder)
    return folder


# --- saywho's own export --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ann", "bea"])
def test_folder_reads_back_with_the_known_texts(session: Session, name: str,
                                                tmp_path: Path) -> None:
    folder = exported(session, name, tmp_path / name)
    got = read_webanno(folder, layer=name, texts=texts(session))
    assert_same(got, items(session, name), exact_text=True)
    assert all(layer.name == name for _, _, layer in got)


def test_a_stance_target_column_is_skipped(session: Session, tmp_path: Path) -> None:
    """``export`` fills the Quote layer's ``stanceTarget`` feature; the reader skips it."""
    folder = tmp_path / "target"
    export("webanno", items(session, "ann"), folder, stance_target="taxes | fees_[2026]")
    assert "stanceTarget" in (folder / "a.tsv").read_text("utf-8").split("\n")[1]
    got = read_webanno(folder, layer="ann", texts=texts(session))
    assert_same(got, items(session, "ann"), exact_text=True)


def test_without_texts_the_text_is_rebuilt_as_inception_does(session: Session,
                                                             tmp_path: Path) -> None:
    folder = exported(session, "ann", tmp_path / "ann")
    got = read_webanno(folder, layer="ann")
    assert_same(got, items(session, "ann"), exact_text=False)
    text = got[0][1]
    # the same length in UTF-16 units, the same characters inside every sentence; the white
    # space between sentences becomes a line break, then spaces (the blank line is lost)
    assert len(text) == len(TEXT_A) + 1 and text.endswith("\n")
    assert text[: len(TEXT_A)].split() == TEXT_A.split()
    assert "\t" in text and "🙂" in text
    layer = got[0][2]
    for q in layer.quotes.values():
        assert q.text == TEXT_A[q.start : q.end]  # no quote crosses a blank line


def test_single_file_reads_as_its_document(session: Session, tmp_path: Path) -> None:
    folder = exported(session, "bea", tmp_path / "bea")
    [got] = read_webanno(folder / f"{safe_name('a')}.tsv", layer="bea", texts=texts(session))
    assert_same([got], items(session, "bea")[:1], exact_text=True)


def inception_zip(session: Session, tmp_path: Path, *, curation: bool = True) -> Path:
    """A zip laid out as INCEpTION's project export, with ann's and bea's files."""
    by_user = {name: exported(session, name, tmp_path / f"x-{name}") for name in ("ann", "bea")}
    path = tmp_path / "project.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("exportedproject.json", '{"name": "quotes"}')
        for doc_id in ("a", "b"):
            zf.writestr(f"source/{doc_id}.txt", session.document(doc_id).text)
            zf.writestr(f"annotation_ser/{doc_id}.txt/ann.ser", b"\xac\xed\x00\x05")
            for user, folder in by_user.items():
                zf.write(folder / f"{doc_id}.tsv", f"annotation/{doc_id}.txt/{user}.tsv")
        if curation:
            zf.write(by_user["bea"] / "a.tsv", "curation/a.txt/CURATION_USER.tsv")
    return path


def test_inception_project_zip_reads_the_chosen_user(session: Session, tmp_path: Path) -> None:
    path = inception_zip(session, tmp_path)
    for user in ("ann", "bea"):
        got = read_webanno(path, layer=user, user=user, texts=texts(session))
        assert_same(got, items(session, user), exact_text=True)
        assert all(q.origin == user for _, _, lay in got for q in lay.quotes.values())
    [(doc_id, _text, curated)] = read_webanno(path, layer="final", user="CURATION_USER",
                                              texts=texts(session))
    assert doc_id == "a"
    assert sorted(map(quote_fields, curated.quotes.values())) == sorted(
        map(quote_fields, items(session, "bea")[0][1].quotes.values()))


def test_inception_zip_with_several_users_names_the_choices(session: Session,
                                                            tmp_path: Path) -> None:
    path = inception_zip(session, tmp_path)
    with pytest.raises(InputError) as info:
        read_webanno(path, layer="x")
    assert str(info.value) == (f"{path}: annotations by 3 users; choose one "
                               "(saywho import --user NAME): CURATION_USER, ann, bea")
    with pytest.raises(InputError, match="no annotations by \"zoe\"; choose one of: "
                       "CURATION_USER, ann, bea"):
        read_webanno(path, layer="x", user="zoe")


def test_inception_export_with_one_user_needs_no_choice(session: Session,
                                                        tmp_path: Path) -> None:
    folder = exported(session, "ann", tmp_path / "x")
    unpacked = tmp_path / "unpacked"
    for doc_id in ("a", "b"):
        target = unpacked / "annotation" / f"{doc_id}.txt" / "ann.tsv"
        target.parent.mkdir(parents=True)
        target.write_bytes((folder / f"{doc_id}.tsv").read_bytes())
    got = read_webanno(unpacked, layer="ann", texts=texts(session))
    assert_same(got, items(session, "ann"), exact_text=True)


def test_a_zip_without_tsv_annotations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xmi.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("annotation/a.txt/ann.xmi", "<xmi/>")
    with pytest.raises(InputError, match="export the INCEpTION project in the WebAnno TSV 3.3"):
        read_webanno(path, layer="x")


# --- INCEpTION's own files --------------------------------------------------------------------

HEADER = (
    "#FORMAT=WebAnno TSV 3.3\n"
    "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS|PosValue|coarseValue\n"
    "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n"
    "#T_SP=webanno.custom.Quote|quoteId|quoteType|speaker|speakerId|stance|stanceTarget|status\n"
    "#T_SP=webanno.custom.Speaker|name|kind|speakerId\n"
    "#T_CH=de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink|referenceType|"
    "referenceRelation\n"
    "#T_RL=de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency|DependencyType|"
    "flavor|BT_de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS\n"
    "\n\n"
)
WIDTHS = {"pos": 2, "ne": 2, "quote": 7, "speaker": 3, "chain": 2, "dep": 3}
Q = ["*[3]", "direct[3]", "Jane Roe[3]", "*[3]",
     r"strongly\_against \| no \[x\] a\->b\;c[3]", r"tax\_policy \q[3]", "*[3]"]


def row(unit: str, offsets: str, token: str, **cells: list[str]) -> str:
    """One token line: the named layers' cells, ``_`` in every other column."""
    cols = [unit, offsets, token]
    for layer, width in WIDTHS.items():
        cols += cells.get(layer, ["_"] * width)
    return "\t".join(cols) + "\t\n"


INCEPTION_TSV = HEADER + "".join([
    "#Sentence.id=s1\n",
    "#Text=Jane Roe of Acme said:\n",
    "#Text=Taxes are\\thigh \\\\ here.\n",
    row("1-1", "0-4", "Jane", pos=["NNP", "PROPN"], ne=["*[1]", "PER[1]"], dep=["nn", "*", "1-2"]),
    row("1-2", "5-8", "Roe", pos=["NNP", "PROPN"], ne=["*[1]", "PER[1]"]),
    row("1-3", "9-11", "of"),
    row("1-4", "12-16", "Acme", ne=["*|*", "ORG|LOC"]),
    row("1-5", "17-21", "said"),
    row("1-6", "21-22", ":"),
    row("1-7", "23-28", "Taxes", quote=Q),
    row("1-7.1", "23-26", "Tax", pos=["NN", "NOUN"]),
    row("1-7.2", "26-28", "es", pos=["SUFF", "X"]),
    row("1-8", "29-32", "are", quote=Q),
    row("1-9", "33-37", "high", quote=Q),
    row("1-10", "38-39", "\\", quote=Q),
    row("1-11", "40-44", "here", quote=Q),
    row("1-12", "44-45", ".", quote=Q),
    "\n",
    "#Text=She left 🙂.\n",
    row("2-1", "47-50", "She", ne=["*", "PER"], speaker=["Jane Roe", "person", "spk-jane-roe"],
        chain=["pr[1]", "coref->1-1"]),
    row("2-2", "51-55", "left"),
    row("2-3", "56-58", "🙂"),
    row("2-4", "58-59", "."),
])
S1 = "Jane Roe of Acme said:\nTaxes are\thigh \\ here."
S2 = "She left 🙂."


def test_inception_default_layers_map_as_documented(tmp_path: Path) -> None:
    path = tmp_path / "article.tsv"
    path.write_text(INCEPTION_TSV, "utf-8")
    [(doc_id, text, layer)] = read_webanno(path, layer="inception")
    assert doc_id == "article"
    # sentences joined as INCEpTION joins them: a line break after each, spaces up to the next
    assert text == S1 + "\n " + S2 + "\n"
    [q] = layer.quotes.values()
    assert q.text == "Taxes are\thigh \\ here."
    assert (q.type, q.status) == ("direct", "accepted")  # drawn in INCEpTION: no status
    assert q.stance == "strongly_against | no [x] a->b;c"
    assert q.speaker_id == "spk-jane-roe"  # by the speaker name the annotator typed
    # NamedEntity PER: a speaker candidate (merged with the Speaker layer's by its key);
    # "She", already a Speaker mention, adds nothing; ORG and LOC are no speakers
    assert set(layer.speakers) == {"spk-jane-roe"}
    jane = layer.speakers["spk-jane-roe"]
    assert (jane.name, jane.kind) == ("Jane Roe", "person")
    assert {(m.start, m.end, m.text) for m in jane.mentions} == {
        (0, 8, "Jane Roe"), (text.index("She"), text.index("She") + 3, "She")}


def test_named_entity_person_alone_is_an_unlinked_speaker_candidate(tmp_path: Path) -> None:
    content = (
        "#FORMAT=WebAnno TSV 3.3\n"
        "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value\n\n\n"
        "#Text=Tom Poe met the press.\n"
        "1-1\t0-3\tTom\t*[1]\tPER[1]\t\n1-2\t4-7\tPoe\t*[1]\tPER[1]\t\n"
        "1-3\t8-11\tmet\t_\t_\t\n1-4\t12-15\tthe\t*[2]\tORG[2]\t\n1-5\t16-21\tpress\t*[2]\tORG[2]\t\n"
        "1-6\t21-22\t.\t_\t_\t\n"
    )
    path = tmp_path / "ne.tsv"
    path.write_text(content, "utf-8")
    [(_d, _t, layer)] = read_webanno(path, layer="x")
    assert layer.quotes == {}
    assert layer.speakers == {"spk-tom-poe": Speaker("spk-tom-poe", "Tom Poe", "person", (),
                                                     (Mention(0, 7, "Tom Poe"),))}


def test_sentences_without_a_gap_join_without_a_line_break(tmp_path: Path) -> None:
    content = (
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Quote|quoteId|stance\n\n\n"
        "#Text=Hi.\n1-1\t0-2\tHi\t_\t_\t\n1-2\t2-3\t.\t_\t_\t\n\n"
        "#Text=Yo!\n2-1\t3-5\tYo\tq9[1]\tsupport[1]\t\n2-2\t5-6\t!\tq9[1]\tsupport[1]\t\n\n"
        "#Text=Go.\n3-1\t9-11\tGo\t_\t_\t\n3-2\t11-12\t.\t_\t_\t\n"
    )
    path = tmp_path / "tight.tsv"
    path.write_text(content, "utf-8")
    [(_d, text, layer)] = read_webanno(path, layer="x")
    assert text == "Hi.Yo!\n  Go.\n"
    assert layer.quotes["q9"].text == "Yo!" and layer.quotes["q9"].stance == "support"


def test_the_known_text_is_checked_against_the_sentences(tmp_path: Path) -> None:
    path = tmp_path / "article.tsv"
    path.write_text(INCEPTION_TSV, "utf-8")
    known = S1 + "\n\n" + S2
    [(_d, text, layer)] = read_webanno(path, layer="x", texts={"article": known})
    assert text == known and layer.quotes["q1"].text == "Taxes are\thigh \\ here."
    with pytest.raises(InputError, match=r"article\.tsv:11: the sentence does not match the "
                       r"document's text at 0-45"):
        read_webanno(path, layer="x", texts={"article": known.replace("Acme", "Acne")})


def test_escapes_are_undone() -> None:
    assert unescape_value(r"a\\b\[c\]d\|e\_f\->g\;h\*i\tj\nk\rl", "w") == (
        "a\\b[c]d|e_f->g;h*i\tj\nk\rl")
    assert unescape_text(r"a\\b\tc\nd\re\ff\bg" + "\\\x01", "w") == "a\\b\tc\nd\re\ff\bg\x01"
    for bad in ("\\q", "end\\"):
        with pytest.raises(InputError, match="unknown escape"):
            unescape_value(bad, "w")
        with pytest.raises(InputError, match="unknown escape"):
            unescape_text(bad, "w")


@pytest.mark.parametrize(("content", "line", "message"), [
    ("#FORMAT=WebAnno TSV 2\n\n\n#Text=a\n1-1\t0-1\ta\t\n", 1,
     "not a WebAnno TSV 3.3 file"),
    ("#FORMAT=WebAnno TSV 3.3\n#T_XX=foo|bar\n\n\n", 2, "expected a layer declaration"),
    (HEADER + "#Text=Jane Roe\n" + row("1-1", "0-4", "Jane") + row("1-2", "5-99", "Roe"), 12,
     "offsets 5-99 do not fit the sentence's text (0-8)"),
    (HEADER + "#Text=Jane Roe\n" + row("1-1", "0-4", "Jake"), 11,
     "the token \"Jake\" does not match the text at 0-4 (\"Jane\")"),
    (HEADER + "#Text=Jane Roe\n" + row("1-1", "0-4", "Jane", quote=["*", r"di\qrect", "*", "*",
                                                                    "*", "*", "*"]), 11,
     "unknown escape \"\\\\q\" in a feature value"),
    (HEADER + "#Text=Jane\\qRoe\n" + row("1-1", "0-4", "Jane"), 10, "unknown escape"),
    (HEADER + "#Text=Jane Roe\n1-1\t0-4\tJane\t_\t_\n", 11, "expected 22 tab-separated fields"),
    (HEADER + "#Text=Jane\n" + row("1-1", "0-4", "Jane") + "\n#Text=Roe\n"
     + row("2-1", "2-5", "Roe"), 14, "the sentence starts at 2, inside the previous sentence"),
    (HEADER + "#Text=🙂 ok\n" + row("1-1", "0-1", "?"), 11, "split a character"),
    (HEADER + row("1-1", "0-4", "Jane"), 10, "expected a #Text= line before the tokens"),
    (HEADER + "#Text=Jane\n" + row("1-1", "0-4", "Jane") + "#Text=Roe\n", 12,
     "expected an empty line before the next sentence"),
    (HEADER + "#Text=Jane\n\n", 11, "a sentence without tokens"),
])
def test_malformed_files_are_one_clear_line(tmp_path: Path, content: str, line: int,
                                            message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, "utf-8")
    with pytest.raises(InputError) as info:
        read_webanno(path, layer="x")
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(f"{path}:{line}: "), text
    assert message in text


def test_non_utf8_and_empty_folders_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.tsv"
    path.write_bytes(HEADER.encode() + "#Text=café\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.tsv: not valid UTF-8 \(byte 0xe9"):
        read_webanno(path, layer="x")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no WebAnno TSV"):
        read_webanno(tmp_path / "empty", layer="x")
