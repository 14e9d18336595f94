"""Fuzzing the layer readers (interchange and brat) against the schema.

The property: a reader either refuses its input with one ``InputError`` line, or returns a layer
that passes ``Layer.check`` and that statistics, agreement and every exporter take without an
exception (and whose interchange export reads back to the same layer). Inputs start from valid
records and get wrong types, nested structures, huge, negative or NaN numbers and strings with
control characters at random fields. ``SAYWHO_FUZZ_EXAMPLES`` raises the number of examples
(default 60 per reader). A few fixed accepted layers are opened in the TUI at the end.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from annotations.agreement import agreement, summary_lines
from annotations.errors import InputError
from annotations.formats.brat import read_brat
from annotations.formats.exporters import SUFFIXES, WRITERS, export
from annotations.formats.interchange import document_to_interchange, layer_from_interchange
from annotations.model import QUOTE_STATUSES, QUOTE_TYPES, SPEAKER_KINDS, Document, Layer
from annotations.stats import corpus_stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tui"))

TEXT = (
    'Mayor Jane Roe said the plan "will not work." She added: «Non.» 😀 Über.\n\n'
    '"We are ready," said Tom Poe.\tThe union\x1b[31m disagreed, according to Lee.'
)
N = len(TEXT)
EXAMPLES = int(os.environ.get("SAYWHO_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
OTHER = Layer("y")

CONTROLS = st.sampled_from(["\x00", "\x1b[2J", "\n", "\r", "\u2028", "\x85", "\u202e", "\t",
                            "\ud800", "\x7f"])
STRINGS = st.one_of(st.text(max_size=8),
                    st.lists(st.one_of(st.text(max_size=6), CONTROLS), max_size=4).map("".join))
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70), st.integers(-3, N + 3),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.5, 1.0, 1e308, -0.0]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, STRINGS)
JUNK = st.one_of(
    st.recursive(SCALARS, lambda kids: st.lists(kids, max_size=3)
                 | st.dictionaries(STRINGS, kids, max_size=3), max_leaves=8),
    st.integers(20, 120).map(lambda depth: json.loads("[" * depth + "]" * depth)),
)
OFFSET = st.integers(0, N)
LABELS = st.one_of(st.sampled_from(["support", "oppose", "neutral", "", "Support"]), STRINGS)
CONF = st.floats(0, 1)


@st.composite
def span(draw: st.DrawFn, empty_ok: bool = True) -> tuple[int, int]:
    start = draw(st.integers(0, N - 1))
    return start, draw(st.integers(start if empty_ok else start + 1, N))


@st.composite
def valid_quote(draw: st.DrawFn) -> dict[str, Any]:
    start, end = draw(span(empty_ok=False))
    quote: dict[str, Any] = {"start": start, "end": end}
    optional: dict[str, st.SearchStrategy[Any]] = {
        "id": st.one_of(st.sampled_from(["q1", "q2", "q3"]), st.integers(0, 5), STRINGS),
        "text": st.just(TEXT[start:end]),
        "type": st.sampled_from([*QUOTE_TYPES, "Direct", "reported", ""]),
        "status": st.sampled_from([*QUOTE_STATUSES, "Accepted", ""]),
        "stance": st.one_of(st.none(), LABELS),
        "confidence": st.one_of(CONF, st.dictionaries(st.sampled_from(["span", "speaker"]),
                                                      CONF)),
        "speaker": STRINGS, "speaker_name": st.sampled_from(["Jane Roe", "Tom Poe", "he"]),
        "speaker_id": st.sampled_from(["s1", "s2", "s9"]),
        "note": STRINGS, "origin": STRINGS, "annotator": STRINGS, "cue_lemma": STRINGS,
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            quote[key] = draw(strategy)
    for prefix in ("speaker", "cue"):
        if draw(st.booleans()):
            quote[f"{prefix}_start"], quote[f"{prefix}_end"] = draw(span())
    if draw(st.booleans()):
        cut = draw(st.integers(start, end))
        quote["parts"] = [[start, cut], [cut, end]]
    return quote


@st.composite
def valid_speaker(draw: st.DrawFn) -> dict[str, Any]:
    speaker: dict[str, Any] = {"id": draw(st.sampled_from(["s1", "s2", "s3"])),
                               "name": draw(STRINGS)}
    if draw(st.booleans()):
        speaker["aliases"] = draw(st.lists(STRINGS, max_size=3))
    if draw(st.booleans()):
        speaker["kind"] = draw(st.sampled_from([*SPEAKER_KINDS, "Person"]))
    if draw(st.booleans()):
        speaker["mentions"] = [list(m) for m in draw(st.lists(span(), max_size=3))]
    return speaker


QUOTE_FIELDS = [
    "id", "start", "end", "text", "type", "status", "stance", "confidence", "confidences",
    "speaker", "speaker_name", "speaker_ref", "speaker_id", "speaker_start", "speaker_end",
    "cue", "cue_start", "cue_end", "cue_lemma", "parts", "note", "origin", "created",
]
SPEAKER_FIELDS = ["id", "name", "aliases", "kind", "mentions"]


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A valid interchange line with 0-3 fields (at any level) replaced by junk (none in about
    four examples out of ten)."""
    record: dict[str, Any] = {
        "id": "d", "text": TEXT,
        "quotes": draw(st.lists(valid_quote(), max_size=4,
                                unique_by=lambda q: str(q.get("id", id(q))))),
        "speakers": draw(st.lists(valid_speaker(), max_size=3, unique_by=lambda s: s["id"])),
    }
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))):
        where = draw(st.sampled_from(["top", "quote", "speaker", "item"]))
        junk = draw(JUNK)
        if where == "top":
            record[draw(st.sampled_from(["quotes", "speakers"]))] = junk
        elif where == "item" and isinstance(record["quotes"], list):
            record["quotes"].append(junk)
        else:
            items, fields = ((record["quotes"], QUOTE_FIELDS) if where == "quote"
                             else (record["speakers"], SPEAKER_FIELDS))
            targets = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
            if targets:
                draw(st.sampled_from(targets))[draw(st.sampled_from(fields))] = junk
    return record


@dataclass
class OneDocument:
    """Just enough of a project for ``corpus_stats``: one document with one layer."""

    layer_: Layer
    annotator: str = "x"
    damaged: tuple[str, ...] = ()

    def document_ids(self) -> list[str]:
        return ["d"]

    def info(self, doc_id: str) -> Any:
        return Document(doc_id, "T", TEXT)

    def layer(self, doc_id: str, name: str | None = None) -> Layer:
        return self.layer_

    def has_layer(self, doc_id: str, name: str) -> bool:
        return True


def survives(layer: Layer) -> None:
    """The accepted layer through every consumer."""
    layer.check(TEXT)
    json.dumps(corpus_stats(OneDocument(layer), "x"))  # type: ignore[arg-type]
    report = agreement({"d": (TEXT, {"x": layer, "y": OTHER})})
    json.dumps(report.to_dict())
    assert all(isinstance(line, str) for line in summary_lines(report))
    doc = Document("d", "T", TEXT)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in WRITERS:
            export(fmt, [(doc, layer)], Path(tmp) / f"out{SUFFIXES[fmt]}"
                   if fmt not in ("brat", "webanno") else Path(tmp) / fmt)
    back = layer_from_interchange(
        json.loads(json.dumps(document_to_interchange(doc, layer))), TEXT, name=layer.name
    )
    # the interchange "annotator" stands in for an empty origin, and a mention without a
    # speaker is written as a "speaker" surface name, which reads back as a speaker
    quotes = {k: replace(q, origin=q.origin or layer.name) for k, q in layer.quotes.items()}
    if all(q.speaker_id or not q.speaker_mention for q in quotes.values()):
        assert back == replace(layer, quotes=quotes)


def refused_or_survives(read: Callable[[], Layer]) -> bool:
    """True when ``read`` gave a layer that survived; an ``InputError`` must be one line."""
    try:
        layer = read()
    except InputError as exc:
        message = str(exc)
        assert message and len(message.splitlines()) == 1 and "\n" not in message, message
        event("refused")
        return False
    survives(layer)
    event(f"accepted, {len(layer.quotes)} quote(s)")
    return True


@FUZZ
@given(records())
def test_interchange_reader_refuses_in_one_line_or_gives_a_layer_every_consumer_takes(
    record: dict[str, Any],
) -> None:
    refused_or_survives(lambda: layer_from_interchange(record, TEXT, name="x", doc="d"))


TIDS = st.integers(1, 6).map(lambda n: f"T{n}")
WORD = st.text(st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=8)


@st.composite
def offsets(draw: st.DrawFn) -> str:
    frags = draw(st.lists(st.one_of(span(), span(), st.tuples(st.integers(0, 10**30), OFFSET)),
                          min_size=1, max_size=2))
    return ";".join(f"{s} {e}" for s, e in frags)


@st.composite
def note_payload(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(STRINGS)
    keys = ["id", "speaker_id", "name", "kind", "aliases", "listed", "span", "stance", "parts",
            "cue_lemma", "origin", "confidence", "note", "created", "updated", "speaker"]
    good: dict[str, Any] = {"speaker_id": draw(st.sampled_from(["s1", "s2", None])),
                            "stance": draw(st.one_of(st.none(), LABELS)),
                            "confidence": {"span": draw(CONF)}}
    note = {k: v for k, v in good.items() if draw(st.booleans())}
    for key in draw(st.lists(st.sampled_from(keys), max_size=2)):
        note[key] = draw(JUNK)
    return json.dumps(note, ensure_ascii=draw(st.booleans()))


@st.composite
def ann_line(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from("TTTARRN#?"))
    tid, other = draw(TIDS), draw(TIDS)
    if kind == "T":
        label = draw(st.sampled_from(["Quote", "Quote", "Speaker", "Cue", "Event"]))
        return f"{tid}\t{label} {draw(offsets())}\t{draw(STRINGS)}"
    if kind == "A":
        name = draw(st.sampled_from(["QuoteType", "Stance", "Status", "Kind", "Odd"]))
        value = draw(st.one_of(st.sampled_from([*QUOTE_TYPES, *QUOTE_STATUSES, "person"]), WORD))
        return f"A{draw(st.integers(1, 9))}\t{name} {tid} {value}"
    if kind == "R":
        name = draw(st.sampled_from(["Said", "Cues", "Other"]))
        return f"R{draw(st.integers(1, 9))}\t{name} Arg1:{tid} Arg2:{other}"
    if kind == "N":
        ref = urlquote(draw(STRINGS), safe="", errors="surrogatepass") or "x"
        return f"N1\tReference {tid} saywho:{ref}\t{draw(STRINGS)}"
    if kind == "#":
        return f"#1\tAnnotatorNotes {tid}\t{draw(note_payload())}"
    return draw(STRINGS)


@st.composite
def ann_files(draw: st.DrawFn) -> list[str]:
    """1-3 well-formed quotes (T1-T3) and 0-2 speaker mentions (T4, T5), then random lines."""
    lines = []
    for n in range(1, draw(st.integers(1, 3)) + 1):
        start, end = draw(span(empty_ok=False))
        lines.append(f"T{n}\tQuote {start} {end}\t{TEXT[start:end]}")
    for n in range(4, draw(st.integers(4, 6))):
        start, end = draw(span())
        lines.append(f"T{n}\tSpeaker {start} {end}\t{TEXT[start:end]}")
    return lines + draw(st.lists(ann_line(), max_size=8))


@FUZZ
@given(ann_files())
def test_brat_reader_refuses_in_one_line_or_gives_a_layer_every_consumer_takes(
    lines: list[str],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "d.txt").write_text(TEXT, encoding="utf-8", newline="")
        (folder / "d.ann").write_text("\n".join(lines) + "\n", encoding="utf-8",
                                      errors="surrogatepass", newline="")

        def read() -> Layer:
            [(_doc_id, text, layer)] = read_brat(folder, layer="x")
            assert text == TEXT
            return layer

        refused_or_survives(read)


# --- a few accepted layers in the TUI -------------------------------------------------------

ACCEPTED = [
    {"quotes": [{"start": 30, "end": 43, "stance": "yes\x1b[31m\u202e", "confidence": 0,
                 "speaker_name": "Jane\x07 Roe\u2028", "note": "n\x00" * 100,
                 "type": "Mixed", "status": "Accepted", "speaker_start": 6, "speaker_end": 14}],
     "speakers": [{"id": 7, "name": "Tom\x9b Poe", "aliases": ["\x1b]52;c;aGk=\x07"],
                   "mentions": [[N - 40, N - 33]], "kind": "Person"}]},
    {"quotes": [{"start": 0, "end": N, "parts": [[0, 5], [5, N]],
                 "confidences": {"span": 1, "stance": 0.0}, "stance": "x" * 200}]},
    {"quotes": [{"start": 1.0, "end": 2.0, "speaker_id": 3, "stance": ""}], "speakers": []},
]


async def open_each_in_the_tui(layers: list[Layer], folder: Path) -> None:
    """Store each layer as the annotator's in its own document, then open every document from
    the library in one running TUI: move through its quotes, open the speaker picker, go on."""
    from pilot_helpers import running, settle
    from seedproject import open_project

    with open_project(folder) as session:
        session.import_documents([Document(f"d{i}", f"Doc {i}", TEXT) for i in range(len(layers))])
        for i, layer in enumerate(layers):
            session.put_layer(f"d{i}", layer, replace=True)
    async with running(folder, size=(120, 40)) as pilot:
        opened = []
        for _ in layers:
            await pilot.press("enter")
            await settle(pilot)
            opened.append(getattr(pilot.app.screen, "doc_id", None))
            shot = pilot.app.export_screenshot()
            assert "\x1b]52" not in shot and "\u202e" not in shot
            for key in ("n", "p", "n", "s", "escape"):
                await pilot.press(key)
                await settle(pilot)
            assert pilot.app.is_running
            await pilot.press("escape", "down")
            await settle(pilot)
        assert sorted(opened) == sorted(f"d{i}" for i in range(len(layers)))


async def test_accepted_odd_layers_open_in_the_tui(tmp_path: Path) -> None:
    from seedproject import ANNOTATOR

    layers = [layer_from_interchange(r, TEXT, name=ANNOTATOR, doc=f"d{i}")
              for i, r in enumerate(ACCEPTED)]
    await open_each_in_the_tui(layers, tmp_path / "proj")


async def test_fuzzed_accepted_layers_open_in_the_tui(tmp_path: Path) -> None:
    """Layers the fuzzer got accepted (not hand-picked ones) open in one running TUI."""
    from seedproject import ANNOTATOR

    accepted: list[Layer] = []

    @settings(max_examples=max(EXAMPLES // 3, 12), deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), database=None)
    @given(records())
    def collect(record: dict[str, Any]) -> None:
        try:
            layer = layer_from_interchange(record, TEXT, name=ANNOTATOR, doc="d")
        except InputError:
            return
        if layer.quotes:
            accepted.append(layer)

    collect()
    assert accepted, "the fuzzer accepted no layer with quotes"
    await open_each_in_the_tui(accepted[:5], tmp_path / "proj")
