"""Label Studio export: a JSON list of tasks with saywho's annotations as pre-annotations.

Shape (Label Studio docs, "Import pre-annotated data": a ``data`` object and a ``predictions``
list whose ``result`` regions use ``from_name``/``to_name``/``type``/``value``)::

    [{"data": {"text", "doc_id", "title"},
      "predictions": [{"model_version", "score", "result": [
          {"id", "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start", "end", "text", "labels": ["Quote"]}},            # and Speaker, Cue
          {"id": <same region>, "from_name": "stance", "to_name": "text", "type": "choices",
           "value": {"start", "end", "text", "choices": ["oppose"]}},           # per region
          {"from_id": <speaker>, "to_id": <quote>, "type": "relation", "direction": "right",
           "labels": ["said"]}, ...]}]}]

Offsets are character (code point) offsets, the same as Python's: Label Studio stores code
points since its fix for astral characters (label-studio PR #1559 / frontend PR #308).
A split quote is one ``Quote`` region per part; later parts link to the first with a
``continues`` relation. ``labelstudio_config`` gives the labeling configuration (XML) these
names expect; ``write_labelstudio`` writes it next to the tasks as ``<name>.config.xml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import orjson

from annotations.formats.export_common import DocLayer, ExportReport, atomic_output
from annotations.formats.interchange import quote_confidence
from annotations.model import DEFAULT_STANCE_LABELS, QUOTE_STATUSES, QUOTE_TYPES, Layer


def labelstudio_config(stance_labels: Sequence[str] = DEFAULT_STANCE_LABELS) -> str:
    """The Label Studio labeling configuration matching the exported results."""

    def choices(name: str, values: Iterable[str]) -> str:
        inner = "".join(f"    <Choice value={quoteattr(v)}/>\n" for v in values)
        return (f'  <Choices name="{name}" toName="text" perRegion="true" choice="single">\n'
                f"{inner}  </Choices>\n")

    return (
        "<View>\n"
        '  <Labels name="label" toName="text">\n'
        '    <Label value="Quote"/>\n    <Label value="Speaker"/>\n    <Label value="Cue"/>\n'
        "  </Labels>\n"
        '  <Relations>\n    <Relation value="said"/>\n    <Relation value="cue"/>\n'
        '    <Relation value="continues"/>\n  </Relations>\n'
        '  <Text name="text" value="$text"/>\n'
        + choices("quote_type", QUOTE_TYPES)
        + choices("stance", stance_labels)
        + choices("status", QUOTE_STATUSES)
        + "</View>\n"
    )


class _Results:
    """Collects the result regions and relations of one task."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[dict[str, Any]] = []
        self.n = 0

    def region(self, label: str, start: int, end: int) -> str:
        self.n += 1
        rid = f"r{self.n}"
        self.items.append({
            "id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": self.text[start:end], "labels": [label]},
        })
        return rid

    def choice(self, rid: str, name: str, start: int, end: int, value: str) -> None:
        self.items.append({
            "id": rid, "from_name": name, "to_name": "text", "type": "choices",
            "value": {"start": start, "end": end, "text": self.text[start:end], "choices": [value]},
        })

    def relation(self, from_id: str, to_id: str, label: str) -> None:
        self.items.append({"from_id": from_id, "to_id": to_id, "type": "relation",
                           "direction": "right", "labels": [label]})


def document_to_task(
    doc_id: str, title: str, text: str, layer: Layer, *, model_version: str
) -> dict[str, Any]:
    """One Label Studio task with the layer as one prediction."""
    r = _Results(text)
    mention_ids: dict[tuple[int, int], str] = {}
    for sp in sorted(layer.speakers.values(), key=lambda s: s.id):
        for m in sp.mentions:
            if (m.start, m.end) not in mention_ids:
                mention_ids[(m.start, m.end)] = r.region("Speaker", m.start, m.end)
    cue_ids: dict[tuple[int, int], str] = {}
    scores = []
    for q in layer.sorted_quotes():
        first = None
        for s, e in q.part_spans():
            rid = r.region("Quote", s, e)
            r.choice(rid, "quote_type", s, e, q.type)
            r.choice(rid, "status", s, e, q.status)
            if q.stance:
                r.choice(rid, "stance", s, e, q.stance)
            if first is None:
                first = rid
            else:
                r.relation(rid, first, "continues")
        assert first is not None
        m = q.speaker_mention
        if m is not None:
            if (m.start, m.end) not in mention_ids:
                mention_ids[(m.start, m.end)] = r.region("Speaker", m.start, m.end)
            r.relation(mention_ids[(m.start, m.end)], first, "said")
        if q.cue is not None:
            key = (q.cue.start, q.cue.end)
            if key not in cue_ids:
                cue_ids[key] = r.region("Cue", *key)
            r.relation(cue_ids[key], first, "cue")
        conf = quote_confidence(q)
        if conf is not None:
            scores.append(conf)
    prediction: dict[str, Any] = {"model_version": model_version, "result": r.items}
    if scores:
        prediction["score"] = round(sum(scores) / len(scores), 4)
    return {
        "data": {"text": text, "doc_id": doc_id, "title": title},
        "predictions": [prediction],
    }


def write_labelstudio(
    items: Iterable[DocLayer], out: Path, *, annotator: str | None = None
) -> ExportReport:
    """Write all documents as one JSON list of tasks at ``out`` (streamed element by element)
    and the matching labeling configuration at ``<out stem>.config.xml``.

    ``model_version`` is ``annotator`` if given, else the layer's name.
    """
    out = Path(out)
    docs = quotes = 0
    stances: set[str] = set()
    with atomic_output(out, "wb") as fh:
        fh.write(b"[")
        for doc, layer in items:
            task = document_to_task(doc.id, doc.title, doc.text, layer,
                                    model_version=annotator or layer.name)
            fh.write(b",\n" if docs else b"\n")
            fh.write(orjson.dumps(task))
            docs += 1
            quotes += len(layer.quotes)
            stances.update(q.stance for q in layer.quotes.values() if q.stance)
        fh.write(b"\n]\n")
    labels = list(DEFAULT_STANCE_LABELS) + sorted(stances - set(DEFAULT_STANCE_LABELS))
    config = out.with_name(out.stem + ".config.xml")
    with atomic_output(config, "w") as fh:
        fh.write(labelstudio_config(labels))
    return ExportReport(docs, quotes, str(out))
