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

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import orjson

from annotations.errors import InputError
from annotations.formats import schema
from annotations.formats.export_common import DocLayer, ExportReport, atomic_output
from annotations.formats.interchange import build_layer, quote_confidence
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


# --- reading -------------------------------------------------------------------------------

_VALUE = schema.Record({
    "start": schema.Offset(), "end": schema.Offset(),
    "labels": schema.ListOf(schema.Text(schema.MAX_LABEL)),
    "choices": schema.ListOf(schema.Text(schema.MAX_LABEL)),
})
_ITEM = schema.Record({
    "id": schema.Id(), "from_name": schema.Text(schema.MAX_LABEL),
    "type": schema.Text(schema.MAX_LABEL), "value": schema.Maybe(_VALUE),
    "from_id": schema.Id(), "to_id": schema.Id(),
    "labels": schema.ListOf(schema.Text(schema.MAX_LABEL)),
})
_RESULTS = schema.ListOf(schema.Record({"result": schema.ListOf(_ITEM),
                                        "model_version": schema.Text()}))
_DATA = schema.Record({"text": schema.Text(None, default=None), "doc_id": schema.Id(),
                       "title": schema.Text()})
"""The parts of a Label Studio task the reader uses (``data`` first: offsets need its text)."""


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def task_to_layer(task: Any, *, name: str, doc: str = "task") -> tuple[str, str, Layer]:
    """One Label Studio task as ``(doc_id, text, Layer)``: its first annotation's result (else
    its first prediction's), read the way ``document_to_task`` writes one.

    Every value goes through ``schema``, as for every importer: a wrong type or shape is one
    ``InputError`` line naming ``doc`` (the task's ``data.doc_id`` when it has one) and the
    field. Quote ids are the region ids; speakers are keyed by the mention's words.
    """
    if not isinstance(task, Mapping):
        schema.Context(doc, "").fail("", f"expected a task object, got {schema.shown(task)}")
    raw = task.get("data")
    if isinstance(raw, Mapping):
        doc = schema.Id().check(raw.get("doc_id"), "data.doc_id", schema.Context(doc, "")) or doc
    data = schema.validate(_DATA, raw, doc=doc, text="", path="data")
    text = data["text"]
    if not text:
        schema.Context(doc, "").fail("data.text", "missing (expected the task's text)")
    ctx = schema.Context(doc, text)
    schema.check_depth(task, ctx)
    done = _RESULTS.check(task.get("annotations"), "annotations", ctx)
    where = "annotations[0]" if done and done[0]["result"] else "predictions[0]"
    runs = done if where.startswith("annotations") else _RESULTS.check(
        task.get("predictions"), "predictions", ctx)
    items = runs[0]["result"] if runs else []
    regions: dict[str, tuple[str, int, int, int]] = {}
    choices: dict[str, dict[str, str]] = {}
    links: dict[str, dict[str, str]] = {}
    parts: dict[str, list[str]] = {}
    for i, item in enumerate(items):
        value, rid = item["value"] or {}, item["id"]
        if item["type"] == "relation" and item["from_id"] and item["to_id"]:
            label = _first(item["labels"]) or ""
            if label == "continues":
                parts.setdefault(item["to_id"], []).append(item["from_id"])
            else:
                links.setdefault(item["to_id"], {})[label] = item["from_id"]
        elif rid and value.get("start") is not None and value.get("end") is not None:
            if item["type"] == "labels" and value["labels"]:
                regions[rid] = (value["labels"][0], value["start"], value["end"], i)
            elif item["type"] == "choices" and value["choices"]:
                choices.setdefault(rid, {})[item["from_name"]] = value["choices"][0]
    later = {rid for rids in parts.values() for rid in rids}
    speakers: dict[str, dict[str, Any]] = {}
    for label, s, e, _i in regions.values():
        if label == "Speaker":
            words = " ".join(text[s:e].split())
            sid = "spk-" + "-".join(words.lower().split())
            speakers.setdefault(sid, {"id": sid, "name": words, "mentions": []})
            speakers[sid]["mentions"].append([s, e])
    quotes, paths = [], []
    for rid, (label, s, e, i) in regions.items():
        if label != "Quote" or rid in later:
            continue
        spans = sorted([(s, e)] + [regions[r][1:3] for r in parts.get(rid, []) if r in regions])
        chosen = choices.get(rid, {})
        rec: dict[str, Any] = {
            "id": rid, "start": spans[0][0], "end": spans[-1][1],
            "parts": [list(p) for p in spans] if len(spans) > 1 else [],
            "type": chosen.get("quote_type"),
            "status": chosen.get("status") or ("accepted" if runs is done else None),
            "stance": chosen.get("stance"),
        }
        for role, prefix in (("said", "speaker"), ("cue", "cue")):
            other = regions.get(links.get(rid, {}).get(role, ""))
            if other is not None:
                rec[f"{prefix}_start"], rec[f"{prefix}_end"] = other[1], other[2]
        if rec.get("speaker_start") is not None:
            rec["speaker"] = " ".join(text[rec["speaker_start"] : rec["speaker_end"]].split())
        path = f"{where}.result[{i}]"
        quotes.append(schema.QUOTE.check(rec, path, ctx))
        paths.append(path)
    clean = [schema.SPEAKER.check(sp, f"speaker {sp['id']}", ctx) for sp in speakers.values()]
    origin = runs[0]["model_version"] if runs else ""
    layer = build_layer(quotes, clean, text, name=name, origin=origin, doc=doc, quote_paths=paths)
    return doc, text, layer


def read_labelstudio(path: Path, *, layer: str = "labelstudio") -> list[tuple[str, str, Layer]]:
    """Every task of a Label Studio JSON export (a list of tasks) as ``(doc_id, text, Layer)``.

    Raises one ``InputError`` line for a file that is not UTF-8 JSON holding a list, or for the
    first task that does not pass the schema (tasks without ``data.doc_id`` are named
    ``task N``).
    """
    path = Path(path)
    try:
        tasks = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise InputError(schema.one_line(f"{path}: not JSON ({str(exc)[:80]})")) from exc
    if not isinstance(tasks, list):
        raise InputError(f"{path}: expected a list of tasks, got {schema.shown(tasks)}")
    return [task_to_layer(task, name=layer, doc=f"{path}: task {i}")
            for i, task in enumerate(tasks)]
