"""The corpus's surname rule: a speaker stored as "Warren" is the corpus's one Elizabeth Warren.

Inside an article coreference resolves "Warren said" to the senator; across articles a
speaker stored by the surname alone was a speaker of its own in the statistics, the csv's
``speaker_key`` and the coded-once rule. ``registry.surname_links`` links it to the one person
of the layer with a full name of that surname, and refuses everything else: two people with
the surname, an organisation, a near-miss surname.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.model import SUGGESTIONS_LAYER, Document, Layer, Quote, Speaker
from annotations.registry import (
    SpeakerRegistry,
    SurnameLinks,
    registry_from_summaries,
    surname_links,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("kinds", "links"), [
    ({"warren": "person", "elizabeth warren": "person"}, {"warren": "elizabeth warren"}),
    ({"warren": "unknown", "elizabeth warren": "person"}, {"warren": "elizabeth warren"}),
    # two people with the surname: it stays apart, whoever is meant
    ({"johnson": "person", "mike johnson": "person", "boris johnson": "person"}, {}),
    ({"warren": "person", "e warren": "person", "elizabeth warren": "person"}, {}),
    # never across kinds
    ({"warren": "organization", "elizabeth warren": "person"}, {}),
    ({"warren": "person", "elizabeth warren": "organization"}, {}),
    # a near-miss surname is someone else
    ({"johnson": "person", "mike johnston": "person"}, {}),
    # a description is no full name; a full name alone links nothing
    ({"brandt": "person", "a university spokeswoman helen brandt": "person"}, {}),
    ({"elizabeth warren": "person"}, {}),
    ({"he": "person", "john he": "person"}, {}),  # a pronoun is nobody
])
def test_a_surname_links_to_the_one_full_name_of_it_only(
        kinds: dict[str, str], links: dict[str, str]) -> None:
    assert surname_links(kinds.items()) == links


def test_links_give_the_key_and_the_group_of_keys() -> None:
    links = SurnameLinks([("warren", "person"), ("elizabeth warren", "person"),
                          ("jim kenney", "person")])
    assert links.key("warren") == links.key("elizabeth warren") == "elizabeth warren"
    assert links.group("warren") == ("elizabeth warren", "warren")
    assert links.key("jim kenney") == "jim kenney" and links.group("kenney") == ("kenney",)


TEXT = "Sen. Elizabeth Warren said one. Warren said two. Johnson said three. Kim said four."


def _layer(*who: tuple[str, str, str, str], name: str = "ana") -> Layer:
    """Quotes over words of ``TEXT``: (word, speaker id, speaker name, kind); a speaker named
    "Elizabeth Warren" is coded female."""
    quotes, speakers = {}, {}
    for i, (word, sid, speaker, kind) in enumerate(who):
        start = TEXT.index(word)
        quotes[f"q{i}"] = Quote(f"q{i}", start, start + len(word), word, speaker_id=sid,
                                status="accepted")
        coded = (("gender", "female"),) if speaker == "Elizabeth Warren" else ()
        speakers[sid] = Speaker(sid, speaker, kind, attributes=coded)
    return Layer(name, quotes, speakers)


def _corpus(tmp_path: Path, *, organisation: bool = False) -> Path:
    """Articles of one layer: the senator in full (coded female), a "Warren" alone
    (uncoded), two Johnsons with a "Johnson" alone; ``organisation``: and an organisation
    "Warren" in one more."""
    from annotations.session import Session

    folder = tmp_path / "p"
    layers = {
        "a": _layer(("one", "s1", "Elizabeth Warren", "person")),
        "b": _layer(("two", "s1", "Warren", "person")),
        "d": _layer(("one", "s1", "Mike Johnson", "person"),
                    ("two", "s2", "Boris Johnson", "person"),
                    ("three", "s3", "Johnson", "person")),
    }
    if organisation:
        layers["c"] = _layer(("four", "s1", "Warren", "organization"))
    with Session.open(folder, "ana", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as s:
        s.import_documents([Document(d, d.upper(), TEXT) for d in layers])
        for doc_id, layer in layers.items():
            s.put_layer(doc_id, layer)
    return folder


def _stats(folder: Path) -> dict:
    from annotations.session import Session
    from annotations.stats import corpus_stats

    with Session.open(folder, "ana", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as s:
        return corpus_stats(s)


def test_stats_count_a_surname_alone_as_the_one_full_name_and_nothing_else(
        tmp_path: Path) -> None:
    stats = _stats(_corpus(tmp_path))
    speakers = {x["name"]: (x["quotes"], x["documents"], x["aliases"])
                for x in stats["speakers"]}
    assert speakers["Elizabeth Warren"] == (2, 2, ["Warren"])
    assert "Warren" not in speakers
    assert speakers["Johnson"] == (1, 1, [])  # two Johnsons: never merged
    assert speakers["Mike Johnson"][0] == speakers["Boris Johnson"][0] == 1
    assert stats["stance_by_speaker"]["Elizabeth Warren"] == {"none": 2}
    assert "Warren" not in stats["stance_by_speaker"]
    # coded once: b's uncoded Warren counts as the senator, coded female in a
    gender = stats["speaker_attributes"]["gender"]
    assert gender["quotes"]["female"] == 2 and gender["speakers"]["female"] == 1


def test_an_organisation_named_by_the_surname_keeps_every_one_of_it_apart(
        tmp_path: Path) -> None:
    """The registry keeps one entry per key whatever its kind: an organisation "Warren" in
    one article would carry every person "Warren" into the senator with it. Any document
    that names the key otherwise keeps it apart."""
    stats = _stats(_corpus(tmp_path, organisation=True))
    speakers = {x["name"]: (x["quotes"], x["documents"]) for x in stats["speakers"]}
    assert speakers["Elizabeth Warren"] == (1, 1) and speakers["Warren"] == (2, 2)
    assert stats["speaker_attributes"]["gender"]["quotes"]["female"] == 1
    from annotations.layer_summary import voices

    registry = SpeakerRegistry()
    registry.set_document("a", voices(_layer(("one", "s1", "Elizabeth Warren", "person"))))
    registry.set_document("b", voices(_layer(("two", "s1", "Warren", "person"))))
    assert registry.key("Warren") == "elizabeth warren"
    registry.set_document("c", voices(_layer(("four", "s1", "Warren", "organization"))))
    assert registry.key("Warren") == "warren"
    assert registry.codes.counts("warren", "gender") == {}
    registry.set_document("c", ())
    assert registry.key("Warren") == "elizabeth warren"


def test_the_registry_links_as_documents_come_and_go() -> None:
    from annotations.layer_summary import voices

    layers = {"a": _layer(("one", "s1", "Elizabeth Warren", "person")),
              "b": _layer(("two", "s1", "Warren", "person"))}
    registry = registry_from_summaries(layers, lambda d: None, layers.__getitem__)
    assert registry.key("Warren") == "elizabeth warren"
    assert registry.codes.counts("warren", "gender") == {"female": 1}  # coded once
    registry.set_document("e", voices(_layer(("two", "s1", "Eric Warren", "person"))))
    assert registry.key("Warren") == "warren"  # two Warrens now: apart
    registry.set_document("e", ())
    assert registry.key("Warren") == "elizabeth warren"


def test_the_csv_writes_the_key_stats_count_by(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "q.csv"
    done = subprocess.run([sys.executable, "-m", "tui.cli", "export", "--project", str(folder),
                           "--layer", "ana", "--format", "csv", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        rows = {(r["document"], r["speaker"]): r for r in csv.DictReader(fh)}
    assert rows["b", "Warren"]["speaker_key"] == "elizabeth warren"
    assert rows["b", "Warren"]["speaker_gender"] == "female"
    assert rows["d", "Johnson"]["speaker_key"] == "johnson"
    assert rows["d", "Mike Johnson"]["speaker_key"] == "mike johnson"


def test_attribute_agreement_takes_a_surname_alone_as_the_one_full_name() -> None:
    """One coder names the senator "Warren" here, the layer names her in full elsewhere and
    codes her there: the unit is hers, coded female (``CorpusCodes.key``, ``value``)."""
    from annotations.agreement import coded_speakers
    from annotations.codebook import attribute_scheme
    from annotations.layer_summary import voices

    layers = {"a": _layer(("one", "s1", "Elizabeth Warren", "person")),
              "b": _layer(("two", "s1", "Warren", "person"))}
    registry = SpeakerRegistry()
    for doc_id, layer in layers.items():
        registry.set_document(doc_id, voices(layer))
    gender = [a for a in attribute_scheme({}) if a.name == "gender"]
    coded = coded_speakers(layers["b"], gender, registry.codes)
    assert {k: (c.name, dict(c.values)) for k, c in coded.items()} == {
        "elizabeth warren": ("Warren", {"gender": "female"})}
    alone = coded_speakers(layers["b"], gender)  # without the corpus: its own key
    assert list(alone) == ["warren"]


def test_the_picker_offers_a_linked_surname_once_as_the_person_here() -> None:
    """The article names Elizabeth Warren; another stores "Warren", her by the corpus's
    rule: the picker does not offer "Warren · other articles" beside her."""
    from annotations.layer_summary import voices
    from annotations.registry import speaker_candidates

    registry = SpeakerRegistry()
    registry.set_document("a", voices(_layer(("one", "s1", "Elizabeth Warren", "person"))))
    registry.set_document("b", voices(_layer(("two", "s1", "Warren", "person"),
                                              ("three", "s2", "Johnson", "person"))))
    here = _layer(("one", "s1", "Elizabeth Warren", "person"))
    assert [c.name for c in speaker_candidates(here, registry)] == [
        "Elizabeth Warren", "Johnson"]


def test_a_name_with_an_apostrophe_is_one_surname_not_an_initial_and_a_name() -> None:
    """"O'Brien" was keyed "o brien": an initial "O" and a surname "Brien", so it never linked
    to Conan O'Brien, and "Owen O'Brien" was the picker's confident "Owen Brien"."""
    from annotations.registry import (
        CONFIDENT,
        SpeakerCandidate,
        registry_key,
        same_person,
        scored_speakers,
    )

    assert registry_key("O’Brien") == registry_key("O'Brien") == "o'brien"
    assert registry_key("O'Brien's") == "o'brien"  # the possessive still goes
    assert registry_key("Governor's spokesman") == "governor spokesman"
    assert surname_links([(registry_key("O'Brien"), "person"),
                          (registry_key("Conan O'Brien"), "person")]) == {
        "o'brien": "conan o'brien"}
    assert not same_person("owen o'brien", "owen brien")
    brien = [SpeakerCandidate("s1", "Owen Brien", in_document=False)]
    assert scored_speakers(brien, "Owen O'Brien")[0][1] < CONFIDENT
    conan = [SpeakerCandidate("s1", "Conan O'Brien", in_document=False)]
    for typed in ("O'Brien", "O’Brien", "o’bri"):
        assert scored_speakers(conan, typed)[0][1] >= CONFIDENT


def test_a_name_typed_without_its_accents_is_the_same_corpus_speaker(tmp_path: Path) -> None:
    """The picker took "Jose Nunez" as the name "José Núñez" itself, but the registry kept
    them two speakers, each with their own count in stats, and "Nunez" linked to nobody."""
    from annotations.registry import registry_key

    assert registry_key("José Núñez") == registry_key("Jose Nunez") == "jose nunez"
    assert surname_links([(registry_key("Nunez"), "person"),
                          (registry_key("José Núñez"), "person")]) == {"nunez": "jose nunez"}
    from annotations.session import Session

    folder = tmp_path / "p"
    with Session.open(folder, "ana", detect=lambda t: Layer(SUGGESTIONS_LAYER)) as s:
        s.import_documents([Document(d, d.upper(), TEXT) for d in "abc"])
        s.put_layer("a", _layer(("one", "s1", "José Núñez", "person")))
        s.put_layer("b", _layer(("two", "s1", "Jose Nunez", "person")))
        s.put_layer("c", _layer(("three", "s1", "Nunez", "person")))
    speakers = {x["name"]: x["quotes"] for x in _stats(folder)["speakers"]}
    assert speakers == {"José Núñez": 3}


def test_a_full_name_of_another_kind_keeps_a_surname_two_peoples() -> None:
    """The detector took "House Speaker Mike Johnson" for an organisation: "Johnson" alone was
    then linked to the corpus's one person Johnson, Boris, in the stats, and the picker took
    Boris Johnson first and confidently for "Johnson" typed in Mike Johnson's article."""
    from annotations.registry import CONFIDENT, SpeakerCandidate, scored_speakers

    assert surname_links([("johnson", "person"), ("boris johnson", "person"),
                          ("mike johnson", "organization")]) == {}
    assert surname_links([("warren", "person"), ("elizabeth warren", "person"),
                          ("warren partners llp", "organization")]) == {
        "warren": "elizabeth warren"}  # an organisation not ending so changes nothing
    cands = [SpeakerCandidate("s1", "Mike Johnson", kind="organization"),
             SpeakerCandidate("s9", "Boris Johnson", in_document=False)]
    scored = scored_speakers(cands, "Johnson")
    assert scored[0][1] < CONFIDENT  # "+ new speaker" comes first: Enter takes neither
    assert {c.name for c, _ in scored} == {"Mike Johnson", "Boris Johnson"}
    assert scored_speakers(cands, "Boris Johnson")[0][0].name == "Boris Johnson"


def test_saving_a_document_whose_speakers_stay_keeps_the_links_worked_out(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that changes no speaker of the corpus (a quote accepted, a stance set) does not
    work the surname links out again over every speaker (0.1 s at 135,000), even in a document
    naming a speaker of its own or an organisation; a new speaker, a removed one or another
    kind does."""
    from annotations import registry as reg
    from annotations.layer_summary import Voice

    reg_ = reg.SpeakerRegistry()
    voices = (Voice("Elizabeth Warren", "person", stances=(("", 1),)),
              Voice("Acme Corp", "organisation", stances=(("", 1),)))
    reg_.set_document("d1", voices)
    reg_.set_document("d2", (Voice("Warren", "person", stances=(("", 1),)),))
    worked = []
    real = reg.surname_links
    monkeypatch.setattr(reg, "surname_links", lambda kinds: worked.append(1) or real(kinds))
    assert reg_.links.key("warren") == "elizabeth warren" and len(worked) == 1
    reg_.set_document("d1", voices)
    reg_.set_document("d2", (Voice("Warren", "person", stances=(("", 2),)),))
    assert reg_.links.key("warren") == "elizabeth warren" and len(worked) == 1
    reg_.set_document("d2", (Voice("Warren", "organisation", stances=(("", 2),)),))
    assert reg_.links.key("warren") == "warren" and len(worked) == 2
    reg_.set_document("d2", (Voice("Warren", "person"), Voice("Lisa Warren", "person")))
    assert reg_.links.key("warren") == "warren" and len(worked) == 3
    reg_.set_document("d2", (Voice("Warren", "person"),))
    assert reg_.links.key("warren") == "elizabeth warren" and len(worked) == 4
