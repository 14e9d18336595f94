"""Scheme edits keep every annotation; adjudication builds a final layer on disk."""

from __future__ import annotations

import threading

import pytest

from annotations.adjudication import adopt, units
from annotations.change import EditContext
from annotations.edits import SetNote, SetSpan, SetSpeaker, SetStance
from annotations.errors import ChangedOnDiskError, InputError
from annotations.model import FINAL_LAYER
from annotations.scheme import add_label, label_usage, remove_label, rename_label, set_target
from annotations.store import Project


def test_rename_carries_annotations_in_every_layer(project: Project) -> None:
    project.apply(SetStance("d0", quote_id="q1", stance="oppose"))
    project.apply(SetStance("d0", quote_id="q2", stance="oppose", layer="ben"))
    moved = rename_label(project, "oppose", "against")
    assert moved == 2
    assert "against" in project.scheme.names and "oppose" not in project.scheme.names
    assert project.scheme.by_key("2") == "against"
    assert project.layer("d0").quotes["q1"].stance == "against"
    assert project.layer("d0", "ben").quotes["q2"].stance == "against"
    assert label_usage(project) == {"against": 2}


def test_label_usage_and_a_rename_read_only_the_layers_carrying_the_label(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting a label and renaming it go by the corpus index: no document's folder is
    listed and its layer files opened to learn their names (minutes at 100,000 documents),
    and only the layers that carry the label are read."""
    project.apply(SetStance("d0", quote_id="q1", stance="oppose"))
    project.apply(SetStance("d0", quote_id="q2", stance="support", layer="ben"))

    def listed(self: Project, doc_id: str) -> list[str]:
        raise AssertionError(f"the layers of {doc_id} were listed")

    read: list[tuple[str, str | None]] = []
    layer = Project.layer

    def reading(self: Project, doc_id: str, name: str | None = None):  # noqa: ANN202
        read.append((doc_id, name))
        return layer(self, doc_id, name)

    monkeypatch.setattr(Project, "layer_names", listed)
    monkeypatch.setattr(Project, "layer", reading)
    assert label_usage(project) == {"oppose": 1, "support": 1}
    assert rename_label(project, "oppose", "against") == 1
    assert read == [("d0", "ann")]
    monkeypatch.undo()
    assert project.layer("d0").quotes["q1"].stance == "against"
    assert project.layer("d0", "ben").quotes["q2"].stance == "support"


def test_a_rename_reaches_a_teammate_s_layer_the_index_never_saw(project: Project) -> None:
    """The corpus index is a cache nobody shares: with it deleted (a fresh clone of the
    project's repository), a teammate's layer is still found by their journal and relabelled."""
    import shutil

    from annotations.store.summary_file import INDEX_DIR

    with Project.open(project.folder, "ben") as ben:
        ben.apply(SetStance("d0", quote_id="q2", stance="oppose"))
    folder = project.folder
    project.close()
    shutil.rmtree(folder / INDEX_DIR)
    with Project.open(folder, "ann") as again:
        again.summary_index.ensure(again.document_ids(), ["ann"])  # as the library does
        assert label_usage(again) == {"oppose": 1}
        assert rename_label(again, "oppose", "against") == 1
        assert again.layer("d0", "ben").quotes["q2"].stance == "against"


def test_a_rename_reaches_a_layer_no_index_or_journal_names(project: Project) -> None:
    """A ``gold`` layer imported in another clone comes with no index entry (the index is
    never shared) and no journal of its name: counting and renaming a label still reach it,
    so no quote keeps a label the scheme no longer has."""
    import shutil
    from dataclasses import replace

    from annotations.store.summary_file import INDEX_DIR

    layer = project.layer("d0")
    gold = replace(layer, name="gold", quotes={
        **layer.quotes, "q1": replace(layer.quotes["q1"], stance="oppose")})
    project.put_layer("d0", gold)
    folder = project.folder
    project.close()
    shutil.rmtree(folder / INDEX_DIR)
    with Project.open(folder, "ann") as again:
        assert label_usage(again) == {"oppose": 1}
        assert rename_label(again, "oppose", "against") == 1
        assert again.layer("d0", "gold").quotes["q1"].stance == "against"


def test_a_rename_racing_a_teammate_s_edit_keeps_both(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teammate saves a note in a shared layer while a rename relabels it: the rename had
    read the layer before the note landed and stored its relabelled copy over it (the note
    was lost but for the journal). The rename now reads, relabels and stores each layer
    under the document's lock: the note, sent while that read is made, waits for it, and
    both are kept."""
    project.apply(SetStance("d0", quote_id="q1", stance="oppose", layer="shared"))
    teammate = Project.open(project.folder, "bob")
    raced: list[threading.Thread] = []
    read = Project.layer

    def read_then_teammate_saves(self: Project, doc_id: str, name: str | None = None):  # noqa: ANN202
        layer = read(self, doc_id, name)
        locked = getattr(self._layers, "_held", {})  # noqa: SLF001 - the read the rename writes from
        if self is project and name == "shared" and locked and not raced:
            raced.append(threading.Thread(target=lambda: teammate.apply(
                SetNote("d0", quote_id="q2", note="bob's", layer="shared"))))
            raced[0].start()
            raced[0].join(0.5)  # its write lands now, or waits for the rename's lock
        return layer

    monkeypatch.setattr(Project, "layer", read_then_teammate_saves)
    try:
        assert rename_label(project, "oppose", "against") == 1
        raced[0].join(30)
    finally:
        monkeypatch.undo()
        teammate.close()
    shared = project.layer("d0", "shared")
    assert shared.quotes["q1"].stance == "against"
    assert shared.quotes["q2"].note == "bob's"


def test_remove_in_use_label_asks_first_and_loses_nothing(project: Project) -> None:
    project.apply(SetStance("d0", quote_id="q1", stance="unclear"))
    with pytest.raises(InputError, match="1 quotes"):
        remove_label(project, "unclear")
    assert project.layer("d0").quotes["q1"].stance == "unclear"
    assert remove_label(project, "unclear", replace_with="neutral", confirm=True) == 1
    assert project.layer("d0").quotes["q1"].stance == "neutral"
    assert "unclear" not in project.scheme.names
    add_label(project, "mixed feelings")
    set_target(project, "sanctuary-city policies")
    assert project.scheme.target == "sanctuary-city policies"
    assert project.scheme.by_key("4") == "mixed feelings"
    assert [e["what"] for e in project.journal() if e["op"] == "scheme"][-2:] == [
        "add label mixed feelings",
        "set target",
    ]


def test_adjudication_picks_versions_into_final(project: Project) -> None:
    q1 = project.layer("d0").quotes["q1"]
    project.apply(SetStance("d0", quote_id="q1", stance="oppose", layer="ana"))
    project.apply(SetStance("d0", quote_id="q1", stance="support", layer="ben"))
    project.apply(SetSpan("d0", quote_id="q2", start=q1.end + 5, end=q1.end + 20, layer="ben"))
    project.apply(SetSpeaker("d0", quote_id="q1", speaker_id="s2", layer="ben"))
    text = project.document("d0").text
    layers = {n: project.layer("d0", n) for n in ("ana", "ben")}
    found = units(text, layers, ["ana", "ben"])
    assert not found[0].agreed and set(found[0].differences()) >= {"speaker", "stance"}
    first = found[0]
    project.apply(adopt("d0", first, "ana", project.layer("d0", FINAL_LAYER)))
    for unit in found[1:]:
        if "ben" in unit.versions:
            project.apply(adopt("d0", unit, "ben", project.layer("d0", FINAL_LAYER)))
    folder = project.folder
    project.close()
    with Project.open(folder, "reader", read_only=True) as again:
        final = again.layer("d0", FINAL_LAYER)
        stances = sorted(q.stance or "-" for q in final.quotes.values())
        assert "oppose" in stances
        adopted = [q for q in final.quotes.values() if q.stance == "oppose"][0]
        assert final.speakers[adopted.speaker_id].name == "Jane Roe"
        assert all(q.status == "accepted" for q in final.quotes.values())


def test_a_unit_another_adjudicator_decided_meanwhile_is_refused_not_doubled(
    project: Project,
) -> None:
    """Two adjudicators look at the same unit; the first adopts ana's version; the second,
    still seeing the unit undecided, adopts ben's: refused with a line saying why, and final
    holds one quote for the unit, never two."""
    project.apply(SetStance("d0", quote_id="q1", stance="oppose", layer="ana"))
    project.apply(SetStance("d0", quote_id="q1", stance="support", layer="ben"))
    text = project.document("d0").text
    found = units(text, {n: project.layer("d0", n) for n in ("ana", "ben")}, ["ana", "ben"])
    unit = found[0]
    shown = project.layer("d0", FINAL_LAYER)  # what both screens read
    project.apply(adopt("d0", unit, "ana", shown))
    with pytest.raises(InputError, match="another adjudicator decided this unit"):
        project.apply(adopt("d0", unit, "ben", shown))
    final = project.layer("d0", FINAL_LAYER)
    inside = [q for q in final.quotes.values() if q.start < unit.end and unit.start < q.end]
    assert [q.stance for q in inside] == ["oppose"]
    # looking again, the second adjudicator may overrule: the adoption replaces it
    project.apply(adopt("d0", unit, "ben", project.layer("d0", FINAL_LAYER)))
    final = project.layer("d0", FINAL_LAYER)
    inside = [q for q in final.quotes.values() if q.start < unit.end and unit.start < q.end]
    assert [q.stance for q in inside] == ["support"]


def test_two_adjudicators_deciding_a_unit_at_once_in_a_new_final_layer_are_not_both_saved(
    project: Project,
) -> None:
    """Two adjudicators decide the same unit of a document no one has adjudicated yet: the
    final layer has no file. Each reads the layer (none), the first's adoption lands, then
    the second's: refused, not written over the first. An edit now reads and writes under
    the document's lock, so the two cannot interleave; the store's own check is what stops
    a writer that does not take that lock (an older saywho), shown here with the store's
    write: it took the file the other had just created for the copy it had read."""
    project.apply(SetStance("d0", quote_id="q1", stance="oppose", layer="ana"))
    project.apply(SetStance("d0", quote_id="q1", stance="support", layer="ben"))
    text = project.document("d0").text
    unit = units(text, {n: project.layer("d0", n) for n in ("ana", "ben")}, ["ana", "ben"])[0]
    adjudicators = [Project.open(project.folder, f"adj{i}") for i in (1, 2, 3)]
    first, second, older = adjudicators
    try:
        shown = [p.layer("d0", FINAL_LAYER) for p in adjudicators]  # all three: no file yet
        first.apply(adopt("d0", unit, "ana", shown[0]))
        with pytest.raises(InputError, match="another adjudicator decided this unit"):
            second.apply(adopt("d0", unit, "ben", shown[1]))
        stale = adopt("d0", unit, "ben", shown[2]).compute(shown[2], text, EditContext("adj3"))
        with pytest.raises(ChangedOnDiskError):
            older._layers.write("d0", {FINAL_LAYER: stale.apply_to(shown[2])})
    finally:
        for adjudicator in adjudicators:
            adjudicator.close()
    final = project.layer("d0", FINAL_LAYER)
    inside = [q for q in final.quotes.values() if q.start < unit.end and unit.start < q.end]
    assert [q.stance for q in inside] == ["oppose"]


def test_an_undo_never_brings_back_a_label_renamed_since(tmp_path) -> None:
    """ana set oppose, then support; the label oppose was renamed against (moving nothing:
    her quote said support). Undoing her support brought back oppose, a label the scheme no
    longer has (stats then listed it beside against). The undo is skipped and said so; and a
    stance edit with a label outside the scheme is refused."""
    from annotations.errors import StepConflict
    from annotations.history_view import conflict_message
    from annotations.model import Document
    from annotations.session import Session
    from tests.conftest import ARTICLE, fixed_detect

    with Session.open(tmp_path / "p", "ana", detect=fixed_detect) as ana:
        ana.import_documents([Document("d0", "Doc", ARTICLE)])
        ana.apply(SetStance("d0", "q1", "oppose"))
        ana.apply(SetStance("d0", "q1", "support"))
        assert rename_label(ana.project, "oppose", "against") == 0
        with pytest.raises(StepConflict) as skipped:
            ana.undo("d0")
        assert ana.layer("d0").quotes["q1"].stance == "support"
        message = conflict_message(skipped.value, ana.layer("d0"))
        assert "the stance label 'oppose' is no longer in the scheme" in message
        with pytest.raises(InputError, match="'oppose' is not a label of the stance scheme"):
            ana.apply(SetStance("d0", "q1", "oppose"))
        ana.apply(SetStance("d0", "q1", "against"))
        assert ana.layer("d0").quotes["q1"].stance == "against"
        assert ana.undo("d0") is not None  # a step with today's labels undoes as usual
        assert ana.layer("d0").quotes["q1"].stance == "support"


def test_an_undo_brings_back_a_quote_with_the_label_it_was_imported_with(tmp_path) -> None:
    """Imports keep labels outside the scheme: undoing the deletion of such a quote brings it
    back whole (the check on labels gone from the scheme refused it, and dropped the step)."""
    from dataclasses import replace

    from annotations.edits import DeleteQuote
    from annotations.model import Document
    from annotations.session import Session
    from tests.conftest import ARTICLE, fixed_detect

    with Session.open(tmp_path / "p", "ana", detect=fixed_detect) as ana:
        ana.import_documents([Document("d0", "Doc", ARTICLE)])
        layer = ana.layer("d0")
        imported = replace(layer.quotes["q1"], stance="sceptical")  # not a label of the scheme
        ana.put_layer("d0", replace(layer, quotes={**layer.quotes, "q1": imported}),
                      replace=True)
        ana.apply(DeleteQuote("d0", "q1"))
        assert ana.undo("d0") is not None
        assert ana.layer("d0").quotes["q1"].stance == "sceptical"


def test_a_speaker_coded_apart_is_a_disagreement_and_final_keeps_the_adjudicator_s_value(
        project: Project) -> None:
    from annotations.edits import SetSpeakerAttribute

    project.apply(SetSpeakerAttribute("d0", layer="ana", speaker_id="s1", attribute="gender",
                                      value="female"))
    project.apply(SetSpeakerAttribute("d0", layer="ana", speaker_id="s2", attribute="gender",
                                      value="male"))
    project.apply(SetSpeakerAttribute("d0", layer="ben", speaker_id="s1", attribute="gender",
                                      value="male"))
    project.apply(SetSpeakerAttribute("d0", layer="ben", speaker_id="s1", attribute="role",
                                      value="politician"))
    text = project.document("d0").text
    layers = {n: project.layer("d0", n) for n in ("ana", "ben")}
    jane, tom = sorted(units(text, layers, ["ana", "ben"]), key=lambda u: u.start)
    assert jane.differences() == ["speaker gender"] and not jane.agreed
    assert tom.agreed  # ben leaves Tom uncoded: no disagreement, "adopt all agreed" takes it
    project.apply(adopt("d0", jane, "ana", project.layer("d0", FINAL_LAYER)))
    final = project.layer("d0", FINAL_LAYER)
    [sid] = final.speakers
    assert final.speakers[sid].attribute("gender") == "female"  # comes with the speaker
    project.apply(SetSpeakerAttribute("d0", layer=FINAL_LAYER, speaker_id=sid,
                                      attribute="gender", value="unclear"))  # settled
    project.apply(adopt("d0", jane, "ben", project.layer("d0", FINAL_LAYER)))  # ben's span…
    final = project.layer("d0", FINAL_LAYER)
    assert [q.speaker_id for q in final.quotes.values()] == [sid]
    # …keeps the adjudicator's gender and takes the role final did not code
    assert final.speakers[sid].attributes == (("gender", "unclear"), ("role", "politician"))
    project.undo(("d0", FINAL_LAYER))
    assert project.layer("d0", FINAL_LAYER).speakers[sid].attributes == (("gender", "unclear"),)


def test_a_quote_coded_apart_is_a_disagreement_and_an_adoption_carries_its_codes(
        project: Project) -> None:
    from annotations.adjudication import coded_values
    from annotations.edits import SetQuoteCode

    def code(layer: str, qid: str, variable: str, value: str | None) -> None:
        project.apply(SetQuoteCode("d0", layer=layer, quote_id=qid, variable=variable,
                                   value=value))

    code("ana", "q1", "topic", "crime")
    code("ben", "q1", "topic", "economy")
    code("ben", "q1", "tone", "negative")
    code("ana", "q2", "topic", "health")  # ben leaves q2 uncoded: no disagreement
    text = project.document("d0").text
    layers = {n: project.layer("d0", n) for n in ("ana", "ben")}
    first, second = sorted(units(text, layers, ["ana", "ben"]), key=lambda u: u.start)
    assert first.differences() == ["topic"] and not first.agreed
    assert coded_values(first.versions["ben"].quote) == "tone: negative, topic: economy"
    assert second.agreed
    # an agreed unit brings every code its layers give it, whichever version is taken
    project.apply(adopt("d0", second, "ben", project.layer("d0", FINAL_LAYER)))
    [taken] = project.layer("d0", FINAL_LAYER).quotes.values()
    assert taken.codes == (("topic", "health"),)
    project.apply(adopt("d0", first, "ana", project.layer("d0", FINAL_LAYER)))
    final = project.layer("d0", FINAL_LAYER)
    [qid] = [q.id for q in final.quotes.values() if q.start == first.versions["ana"].quote.start]
    assert final.quotes[qid].codes == (("topic", "crime"),)  # ana's version, ana's codes
    code(FINAL_LAYER, qid, "tone", "positive")  # the adjudicator codes what ana left out
    project.apply(adopt("d0", first, "ben", project.layer("d0", FINAL_LAYER)))
    final = project.layer("d0", FINAL_LAYER)
    [again] = [q for q in final.quotes.values() if q.start == first.start]
    # ben's version brings ben's topic; ben codes a tone too, so his wins over final's
    assert again.codes == (("tone", "negative"), ("topic", "economy"))
    code(FINAL_LAYER, again.id, "tone", None)
    code(FINAL_LAYER, again.id, "frame", "conflict")
    project.apply(adopt("d0", first, "ana", project.layer("d0", FINAL_LAYER)))
    [back] = [q for q in project.layer("d0", FINAL_LAYER).quotes.values()
              if q.start == first.start]
    # ana codes no frame: final's frame stays (an uncoded variable is not a decision)
    assert back.codes == (("frame", "conflict"), ("topic", "crime"))
