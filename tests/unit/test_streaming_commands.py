"""``stats``, ``export``, ``agree`` and ``eval`` walk the corpus one document at a time.

Each is checked two ways on a small project with three layers: its figures equal an
independent in-memory computation over every layer read whole (the way these commands worked
before they streamed: lists of label pairs, a full units x layers matrix for the
``krippendorff`` package, a registry built from all layers at once), and it never holds more
than a few documents' layers (a spy on the layer store that fails if they pile up).
"""

from __future__ import annotations

import io
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest

from annotations import agreement as agreement_module
from annotations.agreement import CLUSTER_FIELDS, PairCounts, cohen_kappa, same_speaker
from annotations.agreement import speaker_key as agreement_speaker_key
from annotations.evaluate import (
    SpanIndex,
    evaluate,
    exact_match,
    greedy_match,
    overlap,
    overlap_match,
)
from annotations.formats.interchange import document_to_interchange
from annotations.formats.jsonl import write_jsonl
from annotations.model import SUGGESTIONS_LAYER, Document, Layer, Quote, Speaker
from annotations.registry import build_registry, speaker_key
from annotations.session import Session
from annotations.stats import corpus_stats
from annotations.store import Project
from annotations.store.layers import LayerStore
from annotations.store.summaries import SummaryIndex
from tui.cli import main
from tui.commands import _progress as progress_module

N_DOCS = 14
PEOPLE = (
    ("Jim Kenney", "person", ("Kenney",)),
    ("Mayor Jim Kenney", "unknown", ()),
    ("Ana Ortiz", "unknown", ()),
    ("ICE", "organization", ("Immigration and Customs Enforcement",)),
    ("Li Wei", "person", ()),
    ("Sarah O'Neil", "person", ("O'Neil",)),
)
WORDS = "the city council policy federal agents local police court mayor week report".split()
STANCES = ("support", "oppose", "neutral", None)
TOPICS = ("crime", "economy", "health")  # the quote variable "topic" (health: not defined)


def make_document(i: int) -> tuple[Document, Layer]:
    """Document ``i`` with six quotes and its suggestions (varied speakers, some unknown)."""
    rng = random.Random(i)
    people = rng.sample(PEOPLE, 3)
    parts, quotes = [f"Story {i}. "], {}
    pos = len(parts[0])
    for k in range(6):
        lead = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize() + ". Someone said \""
        said = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
        parts += [lead, said, "\". "]
        start = pos + len(lead)
        pos = start + len(said) + 3
        speaker = None if rng.random() < 0.2 else f"s{rng.randint(1, 3)}"
        quotes[f"q{k + 1}"] = Quote(f"q{k + 1}", start, start + len(said), said,
                                    rng.choice(("direct", "indirect", "mixed")),
                                    speaker_id=speaker, confidence={"span": rng.random()},
                                    origin="det@1")
    speakers = {f"s{j + 1}": Speaker(f"s{j + 1}", name, kind, aliases)
                for j, (name, kind, aliases) in enumerate(people)}
    text = "".join(parts)
    return Document(f"doc-{i:02d}", f"Story {i}", text), Layer(SUGGESTIONS_LAYER, quotes, speakers)


def annotated(i: int, name: str, text: str, suggestions: Layer) -> Layer:
    """An annotator's layer: statuses, stances, some spans trimmed, a speaker changed, some
    speakers' gender coded (a person coded one way here, another there, or not at all)."""
    rng = random.Random(f"{name}-{i}")
    quotes = {}
    for qid, q in suggestions.quotes.items():
        start = q.start
        if rng.random() < 0.25 and " " in text[q.start:q.end]:
            start = text.index(" ", q.start) + 1
        speaker = q.speaker_id if rng.random() < 0.8 else rng.choice(["s1", "s2", "s3", None])
        quotes[qid] = replace(q, start=start, text=text[start:q.end], speaker_id=speaker,
                              stance=rng.choice(STANCES), type=rng.choice(("direct", "mixed")),
                              status=rng.choice(("accepted", "accepted", "rejected",
                                                 "suggested")),
                              codes=(("topic", rng.choice(TOPICS)),) if rng.random() < 0.6
                              else ())
    speakers = {sid: replace(sp, attributes=(("gender", rng.choice(("female", "male"))),))
                if rng.random() < 0.5 else sp for sid, sp in suggestions.speakers.items()}
    return Layer(name, quotes, speakers)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of ``N_DOCS`` documents with the suggestions and layers ``ana`` and ``ben``
    (``ben`` on all but two documents)."""
    folder = tmp_path_factory.mktemp("streaming") / "p"
    made = [make_document(i) for i in range(N_DOCS)]
    with Project.open(folder, "ana") as project:
        project.set_setting("quote_variables", [{"name": "topic",
                                                 "values": ["crime", "economy"]}])
        project.add_documents(made)
        for i, (doc, suggestions) in enumerate(made):
            project.put_layer(doc.id, annotated(i, "ana", doc.text, suggestions))
            if i not in (3, 7):
                project.put_layer(doc.id, annotated(i, "ben", doc.text, suggestions))
    return folder


@contextmanager
def reading(folder: Path) -> Iterator[Session]:
    session = Session.open(folder, "ana", read_only=True, create=False)
    try:
        yield session
    finally:
        session.close()


def every_layer(session: Session) -> dict[str, tuple[Document, dict[str, Layer]]]:
    """Every document with every layer it has, all held at once (the old way)."""
    return {d: (session.document(d), {n: session.layer(d, n) for n in session.layer_names(d)})
            for d in session.document_ids()}


@contextmanager
def held_layers() -> Iterator[list[int]]:
    """The number of documents the layer store holds, sampled at every layer read (a layer
    asked for, or a document's layers read for a pass)."""
    seen: list[int] = []
    get, read_pass = LayerStore.get, LayerStore.read_pass

    def held(self: LayerStore) -> int:
        return len({key[0] for key in (*self._cache, *self._dbs)})

    def spy(self: LayerStore, doc_id: str, name: str) -> Layer:
        seen.append(held(self))
        return get(self, doc_id, name)

    def pass_spy(self: LayerStore, doc_id: str, names: Any) -> dict[str, Layer] | None:
        seen.append(held(self))
        return read_pass(self, doc_id, names)

    LayerStore.get = spy  # type: ignore[method-assign]
    LayerStore.read_pass = pass_spy  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        LayerStore.get = get  # type: ignore[method-assign]
        LayerStore.read_pass = read_pass  # type: ignore[method-assign]


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main([*argv]) == 0
    return json.loads(capsys.readouterr().out)


# --------------------------------------------------------------------------- stats
def stats_of_layers(session: Session, layer: str | None) -> dict[str, Any]:
    """The corpus statistics computed from every layer read whole (the old ``corpus_stats``):
    a layer named counts only the documents that have it (the others are ``missing``), the
    annotator's own (``None``) every document, as the suggestions it starts as."""
    ids = session.document_ids()
    missing = [] if layer is None else [d for d in ids if not session.has_layer(d, layer)]
    pairs = [(d, session.layer(d, layer)) for d in ids if d not in missing]
    # a speaker with no quote kept in a document gives it no name (stats' rule since a
    # misattribution left in the table with 0 quotes lent its name to the person)
    registry = build_registry(
        (d, replace(data, speakers={sid: sp for sid, sp in data.speakers.items()
                                    if any(q.speaker_id == sid and q.status != "rejected"
                                           for q in data.quotes.values())}))
        for d, data in pairs)
    status: Counter[str] = Counter()
    types: Counter[str] = Counter()
    stance: Counter[str] = Counter()
    by_speaker: dict[str, Counter[str]] = {}
    per_doc = []
    for doc_id, data in pairs:
        quotes = list(data.quotes.values())
        live = [q for q in quotes if q.status != "rejected"]
        per_doc.append({"id": doc_id, "title": session.info(doc_id).title, "quotes": len(live),
                        "reviewed": sum(q.status != "suggested" for q in quotes),
                        "total": len(quotes)})
        status.update(q.status for q in quotes)
        types.update(q.type for q in live)
        stance.update(q.stance or "none" for q in live)
        for q in live:
            speaker = data.speakers.get(q.speaker_id or "")
            shown = registry[speaker_key(speaker.name)].name if speaker else "(no speaker)"
            by_speaker.setdefault(shown, Counter())[q.stance or "none"] += 1
    speakers = sorted(registry.values(), key=lambda s: (-s.quotes, s.name))
    return {
        "layer": layer or session.annotator, "documents": len(per_doc),
        "quotes": sum(d["quotes"] for d in per_doc),
        "reviewed": sum(d["reviewed"] for d in per_doc),
        "total": sum(d["total"] for d in per_doc),
        "status": dict(status), "types": dict(types), "stance": dict(stance),
        "speaker_kinds": dict(Counter(s.kind for s in registry.values())),
        "speakers": [{"name": s.name, "kind": s.kind, "quotes": s.quotes,
                      "documents": len(s.documents), "aliases": sorted(s.aliases)}
                     for s in speakers],
        "stance_by_speaker": {k: dict(v) for k, v in by_speaker.items()},
        "per_document": per_doc, "damaged": [], "missing": missing,
        "meta_keys": sorted({k for d, _ in pairs for k, _ in session.info(d).meta}),
        "speaker_attributes": {"gender": attributes_of_layers(pairs, registry)},
        "quote_variables": {"topic": topics_of_layers(pairs)},
    }


def topics_of_layers(pairs: list[tuple[str, Layer]]) -> dict[str, Any]:
    """The quotes not rejected per topic from every layer read whole: the defined values in
    order, then one the project does not define, then those not coded."""
    live = [q for _, data in pairs for q in data.quotes.values() if q.status != "rejected"]
    counts = Counter(q.code("topic") or "(not coded)" for q in live)
    return {"quotes": {"crime": counts["crime"], "economy": counts["economy"],
                       **({"health": counts["health"]} if counts["health"] else {}),
                       "(not coded)": counts["(not coded)"]}}


def attributes_of_layers(pairs: list[tuple[str, Layer]], registry: dict) -> dict[str, Any]:
    """The gender counts from every layer read whole: a quote's speaker's own coding, else
    the value their other documents code them with most (ties: alphabetical)."""
    coded: dict[str, Counter[str]] = {}
    for _, data in pairs:
        for sp in data.speakers.values():  # a coding counts, quoted in that document or not
            if sp.attribute("gender"):
                coded.setdefault(speaker_key(sp.name), Counter())[sp.attribute("gender")] += 1
    quotes: Counter[str] = Counter()
    speakers: dict[str, set[str]] = {}
    for _, data in pairs:
        for q in data.quotes.values():
            sp = data.speakers.get(q.speaker_id or "")
            if q.status == "rejected" or sp is None:
                continue
            key = speaker_key(sp.name)
            counts = coded.get(key)
            value = sp.attribute("gender") or (
                sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts
                else "(not coded)")
            quotes[value] += 1
            speakers.setdefault(value, set()).add(key)
    order = ["female", "male", "other", "unclear", "(not coded)"]
    return {"quotes": {v: quotes[v] for v in order if quotes[v] or v != "(not coded)"},
            "speakers": {v: len(speakers[v]) for v in order if v in speakers},
            "conflicts": [registry[k].name for k in sorted(coded) if len(coded[k]) > 1]}


@pytest.mark.parametrize("layer", [None, "ben", SUGGESTIONS_LAYER])
def test_stats_equal_the_stats_of_every_layer_read_whole(
    folder: Path, layer: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    with reading(folder) as session:
        expected = stats_of_layers(session, layer)
    with reading(folder) as session:
        assert corpus_stats(session, layer) == expected
    argv = ["stats", "--json", "--project", str(folder), "--annotator", "ana"]
    assert cli_json(capsys, *argv, *(["--layer", layer] if layer else [])) == expected


def test_stats_read_no_layer_while_the_index_is_current(folder: Path) -> None:
    with reading(folder) as session:
        session.corpus_view("ben")  # the index read once
        with held_layers() as seen:
            corpus_stats(session, "ben")
    assert seen == []


def test_stats_read_the_layers_of_index_entries_without_voices(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index written by an older saywho (no voices): each such document's layer is read,
    one at a time, and the figures are the same."""
    with reading(folder) as session:
        expected = stats_of_layers(session, "ben")
    view_summary = SummaryIndex.view_summary
    monkeypatch.setattr(SummaryIndex, "view_summary",
                        lambda self, d, n: replace(view_summary(self, d, n), voices=None))
    with reading(folder) as session, held_layers() as seen:
        assert corpus_stats(session, "ben") == expected
    assert 0 < expected["documents"] < N_DOCS  # some documents have no layer of ben's
    assert len(seen) >= expected["documents"] and max(seen) <= 1  # read, one at a time


# --------------------------------------------------------------------------- export
@pytest.mark.parametrize("layer", ["ana", "ben"])
def test_export_streams_what_the_layers_read_whole_would_write(
    folder: Path, layer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with reading(folder) as session:
        docs = every_layer(session)
        target = session.scheme.target
    whole = [(doc, layers[layer]) for doc, layers in docs.values() if layer in layers]
    write_jsonl(whole, tmp_path / "whole.jsonl", stance_target=target)
    with held_layers() as seen:
        assert main(["export", "--format", "jsonl", "--out", str(tmp_path / "streamed.jsonl"),
                     "--layer", layer, "--project", str(folder), "--annotator", "ana"]) == 0
    capsys.readouterr()
    assert (tmp_path / "streamed.jsonl").read_bytes() == (tmp_path / "whole.jsonl").read_bytes()
    assert len(seen) >= len(whole) and max(seen) <= 1  # one document at a time


# --------------------------------------------------------------------------- agree
def reference_items(text: str, layer: Layer, index: SpanIndex) -> list[dict[str, Any]]:
    """A layer's quotes (rejected left out) as ``evaluate`` matches them: token sets."""
    out = []
    for q in layer.sorted_quotes():
        if q.status == "rejected":
            continue
        item = index.prepare({"start": q.start, "end": q.end})
        speaker = layer.speakers.get(q.speaker_id or "")
        item["quote"] = q
        item["speaker"] = agreement_speaker_key(speaker.name) if speaker else None
        out.append(item)
    return out


def reference_clusters(present: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Quote clusters across layers, scored on token sets over every pair."""
    clusters: list[dict[str, Any]] = []
    for name, items in present.items():
        pairs = greedy_match(clusters, items,
                             lambda c, p: max(overlap(m, p) for m in c.values()), 0.5)
        matched = set()
        for ci, j in pairs:
            clusters[ci][name] = items[j]
            matched.add(j)
        clusters.extend({name: it} for j, it in enumerate(items) if j not in matched)
    return clusters


def unit_value(item: dict[str, Any] | None, what: str) -> Any:
    if item is None:
        return None
    if what == "speaker":
        return item["speaker"] or "(none)"
    return getattr(item["quote"], what)


def agreement_of_layers(docs: dict[str, tuple[Document, dict[str, Layer]]],
                        names: list[str]) -> dict[str, Any]:
    """The overall figures computed the old way, with ``evaluate``'s matching on token sets:
    label pairs in lists for kappa, every unit a column of one matrix for the
    ``krippendorff`` package (words too, and the quote variable topic: a cluster's quote each
    layer codes, uncoded or absent missing, a cluster no layer codes no unit)."""
    a, b = names
    stance: list[tuple[str, str]] = []
    types: list[tuple[str, str]] = []
    counts = Counter()
    columns: dict[str, list[list[Any]]] = {what: [] for what in CLUSTER_FIELDS}
    columns["speaker_gender"] = []
    columns["code_topic"] = []
    words: list[list[Any]] = []
    corpus: dict[str, dict[str, Counter[str]]] = {n: {} for n in names}  # every coded speaker
    for _, layers in docs.values():
        for n in names:
            for sp in layers[n].speakers.values() if n in layers else ():
                if sp.attribute("gender"):
                    corpus[n].setdefault(speaker_key(sp.name), Counter())[
                        sp.attribute("gender")] += 1
    for doc, layers in docs.values():
        index = SpanIndex(doc.text)
        present = {n: reference_items(doc.text, layers[n], index) for n in names if n in layers}
        if a in present and b in present:
            x, y = present[a], present[b]
            counts.update(docs=1, quotes_a=len(x), quotes_b=len(y),
                          exact=len(exact_match(x, y)))
            for i, j in overlap_match(x, y):
                qa, qb = x[i]["quote"], y[j]["quote"]
                counts.update(overlap=1, speaker_n=1,
                              speaker_agree=same_speaker(x[i]["speaker"], y[j]["speaker"]))
                if qa.stance and qb.stance:
                    stance.append((qa.stance, qb.stance))
                types.append((qa.type, qb.type))
        if len(present) < 2:  # a document one layer alone has: no agreement, no units
            continue
        for cluster in reference_clusters(present):
            for what in CLUSTER_FIELDS:
                columns[what].append([unit_value(cluster.get(n), what) for n in names])
            topic = [cluster[n]["quote"].code("topic") if n in cluster else None for n in names]
            if topic != [None] * len(names):
                columns["code_topic"].append(topic)
        genders: dict[str, dict[str, str | None]] = {}  # per layer, its quoted speakers' value
        for n in present:  # the document's own coding ("Jim Kenney" and "Mayor Jim Kenney"
            here: dict[str, Counter[str]] = {}  # are one), else the layer's elsewhere
            quoted = {item["quote"].speaker_id for item in present[n]}
            for sp in layers[n].speakers.values():
                if sp.id in quoted:
                    here.setdefault(speaker_key(sp.name), Counter()).update(
                        [sp.attribute("gender")] if sp.attribute("gender") else [])
            for key, own in here.items():
                found = own or corpus[n].get(key)
                genders.setdefault(n, {})[key] = sorted(
                    found.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if found else None
        for key in {k for values in genders.values() for k in values}:
            unit = [genders.get(n, {}).get(key) for n in names]
            if unit != [None] * len(names):
                columns["speaker_gender"].append(unit)
        inside = {n: {t for item in present[n] for t in item["_t"]} for n in present}
        for t in range(len(index.starts)):
            words.append([int(t in inside[n]) if n in inside else None for n in names])

    def alpha(cols: list[list[Any]]) -> float | None:
        codes: dict[Any, int] = {}
        for col in cols:
            for v in col:
                if v is not None:
                    codes.setdefault(v, len(codes))
        if len(codes) < 2:
            return None
        data = np.array([[np.nan if col[r] is None else codes[col[r]] for col in cols]
                         for r in range(len(names))], dtype=float)
        value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        return None if np.isnan(value) else round(float(value), 4)

    def kappa(pairs: list[tuple[str, str]]) -> float | None:
        k = cohen_kappa([x for x, _ in pairs], [y for _, y in pairs])
        return None if k is None else round(k, 4)

    pair = PairCounts(**{k: counts[k] for k in ("docs", "quotes_a", "quotes_b", "exact",
                                                 "overlap", "speaker_n", "speaker_agree")})
    out = pair.to_dict(a, b)
    out["stance_kappa"] = {"n": len(stance), "kappa": kappa(stance)}
    out["type_kappa"] = {"n": len(types), "kappa": kappa(types)}
    def entry(cols: list[list[Any]]) -> dict[str, Any]:
        paired = sum(len(col) - col.count(None) >= 2 for col in cols)  # what alpha is over
        single = sum(len(col) - col.count(None) == 1 for col in cols)  # a unit no layer
        return {"units": paired, "single_coded": single, "alpha": alpha(cols)}  # codes: neither

    alphas = {what: entry(cols) for what, cols in columns.items()}
    assert alphas["code_topic"]["units"] > 0 and alphas["code_topic"]["single_coded"] > 0
    alphas["words"] = entry(words)
    return {"pairs": [out], "alpha": alphas}


def test_agree_streams_the_figures_of_every_layer_read_whole(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with reading(folder) as session:
        docs = every_layer(session)
    names = ["ana", "ben"]
    with held_layers() as seen:
        streamed = cli_json(capsys, "agree", "--layers", *names, "--json",
                            "--project", str(folder), "--annotator", "ana")
    assert max(seen) <= 1  # one document at a time
    assert streamed["docs"] == N_DOCS
    assert streamed["overall"] == agreement_of_layers(docs, names)
    # each document's figures, spooled through a file, are those of the document alone
    with reading(folder) as session:
        variables = session.quote_variables
    whole = agreement_module.agreement({d: (doc.text, ls) for d, (doc, ls) in docs.items()},
                                       names, variables=variables).to_dict()
    assert streamed == json.loads(json.dumps(whole))
    assert list(streamed["per_document"]) == [f"doc-{i:02d}" for i in range(N_DOCS)]


def test_agree_without_layers_named_compares_the_annotators(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    streamed = cli_json(capsys, "agree", "--json", "--project", str(folder))
    assert streamed["layers"] == ["ana", "ben"]


# --------------------------------------------------------------------------- eval
def test_eval_streams_the_scores_of_every_layer_read_whole(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with reading(folder) as session:
        docs = every_layer(session)
    gold = [document_to_interchange(doc, layers["ben"])
            for doc, layers in docs.values() if "ben" in layers]
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text("".join(json.dumps(g) + "\n" for g in gold))
    preds = {d: document_to_interchange(doc, layers["ana"]) for d, (doc, layers) in docs.items()}
    expected = json.loads(json.dumps(evaluate(gold, preds)))
    with held_layers() as seen:
        streamed = cli_json(capsys, "eval", "--gold", str(gold_file), "--layer", "ana",
                            "--json", "--project", str(folder), "--annotator", "ana")
    assert max(seen) <= 1
    assert streamed.pop("layer") == "ana"
    assert streamed.pop("gold_docs_missing_from_project") == 0
    assert streamed == expected


# --------------------------------------------------------------------------- progress
class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_a_progress_bar_only_on_a_terminal_stderr_never_on_stdout(
    folder: Path, terminal: bool, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(progress_module, "PROGRESS_AFTER", 1)
    err = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with reading(folder) as session:
        expected = json.loads(json.dumps(corpus_stats(session)))
    argv = ["stats", "--json", "--project", str(folder), "--annotator", "ana"]
    assert cli_json(capsys, *argv) == expected
    assert ("counting" in err.getvalue()) is terminal


def test_stats_of_a_named_layer_say_which_documents_it_does_not_cover(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``stats --layer ben`` counted a document without ben's layer as its suggestions (and
    listed the detector's speakers as ben's); it is left out and said, as ``export`` says."""
    with reading(folder) as session:
        missing = [d for d in session.document_ids() if not session.has_layer(d, "ben")]
    assert missing
    assert main(["stats", "--project", str(folder), "--annotator", "ana", "--layer", "ben"]) == 0
    out = capsys.readouterr().out
    assert f"{len(missing)} documents have no layer ben ({missing[0]}" in out
    assert "not counted" in out
