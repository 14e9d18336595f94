"""Label Studio out and in: a JSON list of tasks, reviewed work as ``annotations`` and the
detector's unreviewed suggestions as ``predictions``.

Why the split: in Label Studio an *annotation* is what a person submitted and a *prediction* is
what a model proposed (Label Studio docs, "Label Studio JSON format of annotated tasks" and
"Import pre-annotated data"). Writing a researcher's reviewed work as a prediction, or the
detector's guesses as somebody's annotation, would make every agreement figure and every
converter downstream count the wrong thing. So one task per document holds::

    {"data": {"text", "doc_id", "title", "stance_target", "saywho": {..., "annotator"}},
     "annotations": [{"result": [...], "was_cancelled": false, "ground_truth": false}],
     "predictions": [{"model_version": <detector origin>, "score": <lowest confidence>,
                      "result": [...]}, ...]}

- ``annotations`` (at most one, written when a person reviewed at least one quote of the
  document) holds the quotes with status ``accepted`` (a person accepted or added them).
  It has no ``completed_by``: Label Studio names people by the e-mail of a member of its
  organization and refuses a whole import whose ``completed_by`` names anyone else
  ("Unknown annotator's email ana", Label Studio 1.23); without one it gives the annotation to
  the user who imports it. The person behind the reviewed quotes rides in the ``saywho`` data
  field (``annotator``), and the reader takes it when the annotation names nobody but a Label
  Studio user number.
- ``predictions``, one per origin (``detector@version``), hold the other quotes: the
  suggestions nobody has reviewed and the ones a person rejected (with a ``status`` choice
  saying so: in Label Studio terms the model proposed them and the annotation left them out).
  ``model_version`` is the quote's origin; each Quote region carries its ``score``, the
  confidence the TUI shows (``review.confidence_of``), and the prediction's ``score`` is the
  lowest of them (Label Studio sorts tasks by it: least confident first, like the review
  queue).

Each result's regions use ``from_name``/``to_name``/``type``/``value``::

    {"id", "from_name": "label", "to_name": "text", "type": "labels",
     "value": {"start", "end", "text", "labels": ["Quote"]}}             # and Speaker, Cue
    {"id": <same region>, "from_name": "stance" | "quote_type" | "status" | "speaker_kind"
     | "attribute_<name>" | "code_<name>", "type": "choices",
     "value": {"start", "end", "text", "choices": [...]}}                 # per region
    {"id": <same region>, "from_name": "note" | "speaker_name", "type": "textarea",
     "value": {"start", "end", "text": [...]}}                            # per region
    {"from_id": <speaker>, "to_id": <quote>, "type": "relation", "direction": "right",
     "labels": ["said"]}                                                  # and cue, continues

A quote's first region has the quote's id. ``speaker_name`` gives the canonical name of the
speaker: on a Quote region the quote's speaker, on a Speaker region the person that mention
refers to (so "she" reads back as Zoë Ortiz). ``attribute_<name>`` on a Speaker region is the
coded value of that speaker attribute (``attribute_gender``: ``female``), a Choices control per
attribute the export codes (the project's values, gender's own when the export is not told
them, then the other values the export holds); a value
chosen there wins over the one the ``saywho`` field records, and clearing it leaves that one.
An attribute whose name cannot be a control name rides in ``saywho`` only. ``code_<name>`` on
a quote's first region is the quote's value of that quote variable (``code_topic``:
``crime``), read the same way (a Choices control per variable the export codes, with the
project's values and the others the export holds; a value chosen there wins over the
``saywho`` field's). ``note`` is the
researcher's note. The stance
target is a task data field (``$stance_target``, shown above the text by the configuration).
Offsets are character (code point) offsets, the same as Python's: Label Studio stores code
points since its fix for astral characters (label-studio PR #1559 / frontend PR #308). A split
quote is one ``Quote`` region per part; later parts link to the first with a ``continues``
relation. ``labelstudio_config`` gives the labeling configuration (XML) these names expect;
``write_labelstudio`` writes it next to the tasks as ``<name>.config.xml``.

Reading (``read_labelstudio``) takes Label Studio's JSON export (tasks as above) and its
JSON-MIN export. From a task it reads the first annotation that was not cancelled, then every
prediction; a predicted quote that the annotation already holds (same region id, or the same
span without a saywho ``status`` choice) is left out: annotations are preferred. Annotation
quotes default to ``accepted`` and their origin is ``completed_by``; predicted quotes default
to ``suggested``, their origin is the ``model_version`` and their confidence the region's
``score``.

JSON-MIN (Label Studio's converter, ``convert_to_json_min``) writes one flat record per
annotation: the task's data fields at the top level (``text``, ``doc_id``, ``title``,
``stance_target``), ``id`` (the task's number), one key per control (``"label": [{"start",
"end", "text", "labels"}]``) and ``annotator``, ``annotation_id``, times. It loses, and a layer
read from it therefore lacks: the predictions (unreviewed and rejected suggestions), every
relation (which speaker said a quote, its cue, the parts of a split quote), region ids (quote
ids are made anew), and every per-region choice and text area (type, status, stance, notes,
canonical speaker names), which it flattens into bare values no longer tied to their region.
What survives is the text, the quote, speaker and cue spans (quotes ``accepted``, speakers
named by their words, cues dropped as they belong to no quote), the annotator and the data
fields. When a task has several annotations JSON-MIN repeats it; the first record (Label
Studio writes the newest first) is read and the others are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import orjson

from annotations.codebook import DEFAULT as DEFAULT_ATTRIBUTES
from annotations.codebook import CodedVariable, offered_values
from annotations.display import visible_line
from annotations.errors import InputError
from annotations.formats import schema
from annotations.formats.export_common import (
    DocLayer,
    ExportReport,
    atomic_output,
    quote_annotator,
)
from annotations.formats.interchange import build_layer
from annotations.metadata import KEY_RE, Meta, meta_columns
from annotations.model import (
    DEFAULT_STANCE_LABELS,
    QUOTE_STATUSES,
    QUOTE_TYPES,
    SPEAKER_KINDS,
    Layer,
    Quote,
    Speaker,
    confidence_of,
)
from annotations.review import is_reviewed
from annotations.textfile import utf16_refusal

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, not even as a character reference."""


def xml_value(value: str) -> str:
    """``value`` as an XML attribute can hold it: a character XML 1.0 forbids (a control
    character of a hostile label) becomes its control picture, as ``annotations.display``
    shows it; every other character is kept (``quoteattr`` escapes the markup ones)."""
    return _NOT_XML.sub(lambda m: visible_line(m.group()) if m.group() < " " else "\ufffd",
                        value)


REGION_LABELS = ("Quote", "Speaker", "Cue")
"""The span labels of the exported configuration: the only ones the reader takes."""


ATTRIBUTE_PREFIX = "attribute_"
"""A speaker attribute's per-region Choices control: ``attribute_<name>``
(``attribute_gender``)."""


CODE_PREFIX = "code_"
"""A quote variable's per-region Choices control: ``code_<name>`` (``code_topic``)."""


def attribute_control(name: str, prefix: str = ATTRIBUTE_PREFIX) -> str | None:
    """The Choices control of speaker attribute ``name`` (with ``prefix`` = ``CODE_PREFIX``:
    of quote variable ``name``), or None for a name that cannot be a control name (not a
    letter, then letters, digits or ``_``: it rides in ``saywho`` only)."""
    return prefix + name if KEY_RE.fullmatch(name) else None


def _chosen(chosen: Mapping[str, str], prefix: str) -> dict[str, str]:
    """The values a region's Choices controls of ``prefix`` hold, by attribute or variable."""
    return {k.removeprefix(prefix): v for k, v in chosen.items() if k.startswith(prefix)}


def labelstudio_config(stance_labels: Sequence[str] = DEFAULT_STANCE_LABELS,
                       attributes: Mapping[str, Sequence[str]] | None = None,
                       variables: Mapping[str, Sequence[str]] | None = None) -> str:
    """The Label Studio labeling configuration matching the exported results (a label with a
    character XML cannot hold is written with ``xml_value``: the file stays well-formed);
    ``attributes``: a Choices control per speaker attribute, with its values; ``variables``:
    one per quote variable."""

    def shown(region: str) -> str:
        # a control of one kind of region shows only while such a region is selected: a coder
        # on a speaker sees its kind and attributes, not a quote's stance and codes (regions:
        # Label Studio's comma-separated label values)
        return f' visibleWhen="region-selected" whenTagName="label" whenLabelValue="{region}"'


    def choices(name: str, values: Iterable[str], region: str) -> str:
        inner = "".join(f"    <Choice value={quoteattr(xml_value(v))}/>\n" for v in values)
        return (f'  <Choices name="{name}" toName="text" perRegion="true" choice="single"'
                f"{shown(region)}>\n{inner}  </Choices>\n")

    def textarea(name: str, placeholder: str, region: str) -> str:
        return (f'  <TextArea name="{name}" toName="text" perRegion="true" editable="true" '
                f'maxSubmissions="1" placeholder={quoteattr(placeholder)}{shown(region)}/>\n')

    return (
        "<View>\n"
        '  <Header value="Stance target: $stance_target"/>\n'
        '  <Labels name="label" toName="text">\n'
        + "".join(f'    <Label value="{name}"/>\n' for name in REGION_LABELS)
        + "  </Labels>\n"
        '  <Relations>\n    <Relation value="said"/>\n    <Relation value="cue"/>\n'
        '    <Relation value="continues"/>\n  </Relations>\n'
        '  <Text name="text" value="$text"/>\n'
        + choices("quote_type", QUOTE_TYPES, "Quote")
        + choices("stance", stance_labels, "Quote")
        + choices("status", QUOTE_STATUSES, "Quote")
        + choices("speaker_kind", SPEAKER_KINDS, "Speaker")
        + "".join(choices(control, values, "Speaker")
                  for name, values in (attributes or {}).items()
                  if (control := attribute_control(name)) is not None)
        + "".join(choices(control, values, "Quote") for name, values in (variables or {}).items()
                  if (control := attribute_control(name, CODE_PREFIX)) is not None)
        # a quote's region names its speaker as a speaker's region does: shown on both
        + textarea("speaker_name", "canonical name of the speaker", "Quote,Speaker")
        + textarea("note", "note", "Quote")
        + "</View>\n"
    )


class _Results:
    """Collects the result regions and relations of one annotation or prediction."""

    def __init__(self, text: str, reserved: Iterable[str] = ()) -> None:
        self.text = text
        self.items: list[dict[str, Any]] = []
        self.taken: set[str] = set(reserved)  # region ids used, or kept for a quote's region
        self.n = 0

    def _fresh(self) -> str:
        while True:
            self.n += 1
            rid = f"r{self.n}"
            if rid not in self.taken:
                self.taken.add(rid)
                return rid

    def region(
        self, label: str, start: int, end: int, rid: str | None = None,
        score: float | None = None,
    ) -> str:
        rid = rid if rid is not None else self._fresh()
        self.taken.add(rid)
        item: dict[str, Any] = {
            "id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": self.text[start:end], "labels": [label]},
        }
        if score is not None:
            item["score"] = score
        self.items.append(item)
        return rid

    def choice(self, rid: str, name: str, start: int, end: int, value: str) -> None:
        self.items.append({
            "id": rid, "from_name": name, "to_name": "text", "type": "choices",
            "value": {"start": start, "end": end, "text": self.text[start:end], "choices": [value]},
        })

    def textarea(self, rid: str, name: str, start: int, end: int, value: str) -> None:
        self.items.append({
            "id": rid, "from_name": name, "to_name": "text", "type": "textarea",
            "value": {"start": start, "end": end, "text": [value]},
        })

    def relation(self, from_id: str, to_id: str, label: str) -> None:
        self.items.append({"from_id": from_id, "to_id": to_id, "type": "relation",
                           "direction": "right", "labels": [label]})

    def speaker(self, speaker: Speaker | None, start: int, end: int) -> str:
        """A Speaker region with the canonical name and kind of the person it refers to."""
        rid = self.region("Speaker", start, end)
        if speaker is not None:
            self.textarea(rid, "speaker_name", start, end, speaker.name)
            self.choice(rid, "speaker_kind", start, end, speaker.kind)
            for name, value in speaker.attributes:
                if (control := attribute_control(name)) is not None:
                    self.choice(rid, control, start, end, value)
        return rid


def _result(
    text: str,
    layer: Layer,
    quotes: Sequence[Quote],
    extra_speakers: Iterable[Speaker] = (),
    *,
    scored: bool,
) -> list[dict[str, Any]]:
    """The result regions of ``quotes`` (with their speakers' mentions and cues, and the
    mentions of ``extra_speakers``); ``scored``: each Quote region carries its confidence."""
    r = _Results(text, reserved=(q.id for q in quotes))
    wanted = {q.speaker_id for q in quotes if q.speaker_id} | {s.id for s in extra_speakers}
    mention_ids: dict[tuple[str | None, int, int], str] = {}
    for sp in sorted(layer.speakers.values(), key=lambda s: s.id):
        if sp.id not in wanted:
            continue
        for m in sp.mentions:
            if (sp.id, m.start, m.end) not in mention_ids:
                mention_ids[(sp.id, m.start, m.end)] = r.speaker(sp, m.start, m.end)
    cue_ids: dict[tuple[int, int], str] = {}
    for q in quotes:
        speaker = layer.speakers.get(q.speaker_id or "")
        conf = confidence_of(q) if scored else None
        first = None
        for s, e in q.part_spans():
            rid = r.region("Quote", s, e, rid=q.id if first is None else None, score=conf)
            r.choice(rid, "quote_type", s, e, q.type)
            r.choice(rid, "status", s, e, q.status)
            if q.stance:
                r.choice(rid, "stance", s, e, q.stance)
            if first is None:
                first = rid
                if speaker is not None:
                    r.textarea(rid, "speaker_name", s, e, speaker.name)
                if q.note:
                    r.textarea(rid, "note", s, e, q.note)
                for name, value in q.codes:
                    if (control := attribute_control(name, CODE_PREFIX)) is not None:
                        r.choice(rid, control, s, e, value)
            else:
                r.relation(rid, first, "continues")
        assert first is not None
        m = q.speaker_mention
        if m is not None:
            key = (q.speaker_id, m.start, m.end)
            if key not in mention_ids:
                mention_ids[key] = r.speaker(speaker, m.start, m.end)
            r.relation(mention_ids[key], first, "said")
        if q.cue is not None:
            ckey = (q.cue.start, q.cue.end)
            if ckey not in cue_ids:
                cue_ids[ckey] = r.region("Cue", *ckey)
            r.relation(cue_ids[ckey], first, "cue")
    return r.items


META_KEY = "saywho"


def _meta(layer: Layer) -> dict[str, Any]:
    """What Label Studio has no control for, in a task data field it keeps (``saywho``): each
    speaker's id, aliases and mentions (two speakers of one name stay two) and its coded
    ``attributes`` (only when it has some), and each quote's
    speaker id and cue lemma and its ``codes`` (only when it has some), as exported (the
    reader compares them with the regions: what the regions say wins)."""
    return {
        "speakers": [{"id": sp.id, "name": sp.name, "kind": sp.kind,
                      "aliases": list(sp.aliases),
                      "mentions": [[m.start, m.end] for m in sp.mentions],
                      **({"attributes": dict(sp.attributes)} if sp.attributes else {})}
                     for sp in sorted(layer.speakers.values(), key=lambda s: s.id)],
        "quotes": {q.id: {"speaker_id": q.speaker_id,
                          "cue_lemma": q.cue.lemma if q.cue is not None else None,
                          **({"codes": dict(q.codes)} if q.codes else {})}
                   for q in layer.sorted_quotes()},
    }


def _annotator(person: str, meta: Any, ctx: schema.Context) -> str:
    """Who made a task's annotation: the person Label Studio names (``completed_by``, JSON-MIN's
    ``annotator``) when it gives a name or an e-mail, else the ``annotator`` the ``saywho`` field
    records (the exports name nobody to Label Studio; its own export then holds only the number
    of the user who imported them), else that number."""
    if person and not person.isdigit():
        return person
    recorded = (schema.Id().check(meta.get("annotator"), f"data.{META_KEY}.annotator", ctx)
                if isinstance(meta, Mapping) else None)
    return recorded or person


def document_to_task(
    doc_id: str,
    title: str,
    text: str,
    layer: Layer,
    *,
    model_version: str | None = None,
    annotator: str | None = None,
    stance_target: str | None = None,
    meta: Meta = (),
) -> dict[str, Any]:
    """One Label Studio task: the accepted quotes as the annotation of ``annotator`` (default:
    the layer's owner, its name), the other quotes as one prediction per origin.

    ``model_version`` names the origin of suggestions that record none (default: the layer's
    name); ``stance_target`` becomes the ``stance_target`` data field, the document's
    metadata its ``meta_<key>`` fields (columns of Label Studio's data manager).
    """
    quotes = layer.sorted_quotes()
    accepted = [q for q in quotes if q.status == "accepted"]
    others = [q for q in quotes if q.status != "accepted"]
    quoted = {q.speaker_id for q in quotes}
    orphans = [s for s in layer.speakers.values() if s.id not in quoted]
    task: dict[str, Any] = {
        "data": {"text": text, "doc_id": doc_id, "title": title,
                 "stance_target": stance_target or "", META_KEY: _meta(layer),
                 **meta_columns(meta)},
    }
    reviewed = [q for q in quotes if is_reviewed(q)]
    if reviewed:
        task["data"][META_KEY]["annotator"] = quote_annotator(reviewed[0], layer, annotator)
        task["annotations"] = [{
            "result": _result(text, layer, accepted, orphans, scored=False),
            "was_cancelled": False,
            "ground_truth": False,
        }]
        orphans = []
    groups: dict[str, list[Quote]] = {}
    for q in others:  # by what proposed them: a rejected quote too keeps its detector
        groups.setdefault(q.origin or model_version or layer.name, []).append(q)
    predictions = []
    for origin, group in groups.items():
        prediction: dict[str, Any] = {
            "model_version": origin,
            "result": _result(text, layer, group, orphans, scored=True),
        }
        orphans = []
        scores = [c for c in map(confidence_of, group) if c is not None]
        if scores:
            prediction["score"] = min(scores)
        predictions.append(prediction)
    task["predictions"] = predictions
    return task


def write_labelstudio(
    items: Iterable[DocLayer],
    out: Path,
    *,
    annotator: str | None = None,
    stance_target: str | None = None,
    speaker_attributes: Sequence[CodedVariable] = DEFAULT_ATTRIBUTES,
    quote_variables: Sequence[CodedVariable] = (),
) -> ExportReport:
    """Write all documents as one JSON list of tasks at ``out`` (streamed element by element)
    and the matching labeling configuration at ``<out stem>.config.xml``.

    ``annotator`` names the person behind the reviewed quotes (default: each layer's name);
    ``stance_target`` goes into every task's data; ``speaker_attributes`` and
    ``quote_variables`` (the project's) give the values the configuration offers first for
    each one the export codes (``offered_values``).
    """
    out = Path(out)
    docs = quotes = 0
    stances: set[str] = set()
    coded: dict[str, set[str]] = {}
    quote_coded: dict[str, set[str]] = {}
    with atomic_output(out, "wb") as fh:
        fh.write(b"[")
        for doc, layer in items:
            task = document_to_task(doc.id, doc.title, doc.text, layer, annotator=annotator,
                                    stance_target=doc.target or stance_target, meta=doc.meta)
            fh.write(b",\n" if docs else b"\n")
            fh.write(orjson.dumps(task))
            docs += 1
            quotes += len(layer.quotes)
            stances.update(q.stance for q in layer.quotes.values() if q.stance)
            for sp in layer.speakers.values():
                for name, value in sp.attributes:
                    coded.setdefault(name, set()).add(value)
            for q in layer.quotes.values():
                for name, value in q.codes:
                    quote_coded.setdefault(name, set()).add(value)
        fh.write(b"\n]\n")
    labels = list(DEFAULT_STANCE_LABELS) + sorted(stances - set(DEFAULT_STANCE_LABELS))
    config = out.with_name(out.stem + ".config.xml")
    with atomic_output(config, "w") as fh:
        fh.write(labelstudio_config(labels, offered_values(coded, speaker_attributes),
                                    offered_values(quote_coded, quote_variables)))
    return ExportReport(docs, quotes, str(out))


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Lines(schema.Spec):
    """A region value's ``text``: the region's words (a string, for labels) or the lines a
    person typed (a list of strings, for text areas); always a list of strings."""

    expected: str = "a string or a list of strings"

    def check(self, value: Any, path: str, ctx: schema.Context) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [schema.Text(None).check(value, path, ctx) or ""]
        if not isinstance(value, list | tuple):
            self.wrong(value, path, ctx)
        return schema.ListOf(schema.Text(schema.MAX_NOTE), max_items=1_000).check(
            value, path, ctx)


@dataclass(frozen=True, slots=True)
class _Person(schema.Spec):
    """Label Studio's ``completed_by`` / JSON-MIN's ``annotator``: a user number, a name, or a
    user object (its e-mail, else its name, else its number); the person's name or ``""``."""

    expected: str = "a user (a number, a string or an object)"

    def check(self, value: Any, path: str, ctx: schema.Context) -> str:
        if isinstance(value, Mapping):
            name = " ".join(
                part for part in (
                    schema.Text(schema.MAX_NAME).check(value.get(k), f"{path}.{k}", ctx)
                    for k in ("first_name", "last_name")
                ) if part
            )
            email = schema.Text(schema.MAX_NAME).check(value.get("email"), f"{path}.email", ctx)
            number = schema.Id().check(value.get("id"), f"{path}.id", ctx)
            return email or name or number or ""
        return schema.Id(default="", expected=self.expected).check(value, path, ctx) or ""


_VALUE = schema.Record({
    "start": schema.Offset(), "end": schema.Offset(),
    "labels": schema.ListOf(schema.Text(schema.MAX_LABEL)),
    "choices": schema.ListOf(schema.Text(schema.MAX_LABEL)),
    "text": _Lines(),
})
_ITEM = schema.Record({
    "id": schema.Id(), "from_name": schema.Text(schema.MAX_LABEL),
    "type": schema.Text(schema.MAX_LABEL), "value": schema.Maybe(_VALUE),
    "from_id": schema.Id(), "to_id": schema.Id(),
    "labels": schema.ListOf(schema.Text(schema.MAX_LABEL)),
    "score": schema.Maybe(schema.Fraction()),
})
_ANNOTATIONS = schema.ListOf(schema.Record({
    "result": schema.ListOf(_ITEM), "completed_by": _Person(),
    "was_cancelled": schema.Flag(False),
}))
_PREDICTIONS = schema.ListOf(schema.Record({"result": schema.ListOf(_ITEM),
                                            "model_version": schema.Text()}))


def _prediction_objects(predictions: Any) -> Any:
    """A task's predictions without the bare numbers Label Studio's own JSON export lists them
    by (``"predictions": [2]``: their regions are not in the file, so nothing is there to read;
    the annotations are)."""
    if not isinstance(predictions, list):
        return predictions
    return [p for p in predictions if not (isinstance(p, int) and not isinstance(p, bool))]


_DATA = schema.Record({"text": schema.Text(None, default=None), "doc_id": schema.Id(),
                       "title": schema.Text()})
"""The parts of a Label Studio task the reader uses (``data`` first: offsets need its text)."""

_MIN_REGION = schema.Record({
    "start": schema.Offset(required=True), "end": schema.Offset(required=True),
    "labels": schema.ListOf(schema.Text(schema.MAX_LABEL)),
})
_MIN_RECORD = schema.Record({"text": schema.Text(None, default=None), "annotator": _Person()})
"""A JSON-MIN record's own fields (its regions are found under any key)."""


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _speaker_id(name: str) -> str:
    return "spk-" + "-".join(name.lower().split())


@dataclass
class _Read:
    """The quotes and speakers read from one or more results of a task; ``known``: the
    speakers the task's ``saywho`` field records by id, ``quote_meta``: its quotes' speaker
    ids and cue lemmas."""

    quotes: list[dict[str, Any]]
    paths: list[str]
    speakers: dict[str, dict[str, Any]]
    known: dict[str, dict[str, Any]] = field(default_factory=dict)
    quote_meta: dict[str, dict[str, Any]] = field(default_factory=dict)

    def speaker_for(self, name: str, span: tuple[int, int] | None,
                    prefer: str | None = None, shows: Mapping[str, str] | None = None) -> str:
        """The id of the speaker named ``name``: a recorded one of that name (``prefer``, or
        the one that lists ``span``, or the first; of several, the one recorded with the
        attributes the region ``shows``), else one keyed by the name."""
        same = [sid for sid, k in self.known.items() if k["name"] == name]
        if prefer in same:
            return prefer
        at = [sid for sid in same if span is not None and list(span) in self.known[sid]["mentions"]]
        pool = at or same
        if len(pool) > 1 and shows is not None:
            pool = [sid for sid in pool if self.known[sid]["attributes"] == shows] or pool
        return pool[0] if pool else _speaker_id(name)

    def add_speaker(self, name: str, kind: str | None, span: tuple[int, int] | None,
                    prefer: str | None = None, chosen: Mapping[str, str] | None = None) -> str:
        sid = self.speaker_for(name, span, prefer, chosen)
        known = self.known.get(sid, {})
        exported = known.get("attributes") or {}
        sp = self.speakers.setdefault(sid, {"id": sid, "name": name,
                                            "kind": kind or known.get("kind"),
                                            "aliases": list(known.get("aliases") or ()),
                                            "attributes": dict(exported),
                                            "mentions": []})
        if sp["kind"] is None and kind:
            sp["kind"] = kind
        for attr, value in (chosen or {}).items():
            # a value chosen in Label Studio wins over the exported one; mentions that still
            # show the exported value do not undo it
            if value != exported.get(attr) or attr not in sp["attributes"]:
                sp["attributes"][attr] = value
        # a namesake's listed span, shown for this speaker: the mention its quote names only
        elsewhere = span is not None and list(span) not in known.get("mentions", ()) and any(
            list(span) in k["mentions"] for o, k in self.known.items()
            if o != sid and k["name"] == name)
        if span is not None and list(span) not in sp["mentions"] and not elsewhere:
            sp["mentions"].append(list(span))
        return sid


def _read_result(
    items: Sequence[dict[str, Any]],
    where: str,
    text: str,
    ctx: schema.Context,
    into: _Read,
    *,
    status: str,
    origin: str,
) -> None:
    """Add the quotes (and speakers) of one annotation's or prediction's ``result`` to
    ``into``; a quote ``into`` already holds (same id or same span) is left out."""
    regions: dict[str, tuple[str, int, int, int, float | None]] = {}
    choices: dict[str, dict[str, str]] = {}
    texts: dict[str, dict[str, str]] = {}
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
                if value["labels"][0] not in REGION_LABELS:
                    # a region this reader would leave out: say so, lose no quote unsaid
                    raise InputError(visible_line(
                        f"{where}.result[{i}]: region label "
                        f"{schema.shown(value['labels'][0])} is not one of "
                        f"{', '.join(REGION_LABELS)} (the labels the exported configuration "
                        "holds); rename it there, or remove the region"))
                regions[rid] = (value["labels"][0], value["start"], value["end"], i,
                                item["score"])
            elif item["type"] == "choices" and value["choices"]:
                choices.setdefault(rid, {})[item["from_name"]] = value["choices"][0]
            elif item["type"] == "textarea" and value["text"]:
                texts.setdefault(rid, {})[item["from_name"]] = "\n".join(value["text"])
    later = {rid for rids in parts.values() for rid in rids}
    said_by: dict[str, str] = {}  # Speaker region -> the exported speaker of a quote it says
    for qrid, linked in links.items():
        exported = into.quote_meta.get(qrid, {}).get("speaker_id")
        if "said" in linked and exported:
            said_by.setdefault(linked["said"], exported)
    mention_names: dict[str, str] = {}
    mention_ids: dict[str, str] = {}
    for rid, (label, s, e, _i, _score) in regions.items():
        if label == "Speaker":
            name = texts.get(rid, {}).get("speaker_name") or " ".join(text[s:e].split())
            if name:
                chosen = choices.get(rid, {})
                coded = _chosen(chosen, ATTRIBUTE_PREFIX)
                # of namesakes, the one whose quote the region says (a quote's mention of a
                # speaker that does not list it, over another's span)
                mention_ids[rid] = into.add_speaker(name, chosen.get("speaker_kind"), (s, e),
                                                    prefer=said_by.get(rid), chosen=coded)
                mention_names[rid] = name
    have_ids = {q["id"] for q in into.quotes}
    have_spans = {(q["start"], q["end"]) for q in into.quotes}
    for rid, (label, s, e, i, score) in regions.items():
        if label != "Quote" or rid in later:
            continue
        spans = sorted([(s, e)] + [regions[r][1:3] for r in parts.get(rid, []) if r in regions])
        chosen, typed = choices.get(rid, {}), texts.get(rid, {})
        # the annotation (or an earlier prediction) already holds this quote: Label Studio
        # keeps a prediction's region id when an annotator accepts it, and a region without
        # saywho's ``status`` over the very span of a quote read already is that quote again
        same_span = (spans[0][0], spans[-1][1]) in have_spans
        if rid in have_ids or (same_span and "status" not in chosen):
            continue
        rec: dict[str, Any] = {
            "id": rid, "start": spans[0][0], "end": spans[-1][1],
            "parts": [list(p) for p in spans] if len(spans) > 1 else [],
            "type": chosen.get("quote_type"),
            "status": chosen.get("status") or status,
            "stance": chosen.get("stance"),
            "note": typed.get("note"),
            "origin": origin,
            "confidence": score,
            # a value chosen in Label Studio wins over the one the saywho field records
            "codes": {**into.quote_meta.get(rid, {}).get("codes", {}),
                      **_chosen(chosen, CODE_PREFIX)},
        }
        said = regions.get(links.get(rid, {}).get("said", ""))
        if said is not None:
            rec["speaker_start"], rec["speaker_end"] = said[1], said[2]
            rec["speaker"] = " ".join(text[said[1] : said[2]].split())
        said_rid = links.get(rid, {}).get("said", "")
        rec["speaker_id"] = _quote_speaker(into, rid, typed.get("speaker_name"),
                                           mention_ids.get(said_rid))
        rec["speaker_name"] = typed.get("speaker_name") or mention_names.get(said_rid)
        cue = regions.get(links.get(rid, {}).get("cue", ""))
        if cue is not None:
            rec["cue_start"], rec["cue_end"] = cue[1], cue[2]
            rec["cue_lemma"] = into.quote_meta.get(rid, {}).get("cue_lemma")
        path = f"{where}.result[{i}]"
        into.quotes.append(schema.QUOTE.check(rec, path, ctx))
        into.paths.append(path)


def _quote_speaker(into: _Read, rid: str, typed: str | None, linked: str | None) -> str | None:
    """A quote's speaker id: the speaker of the mention its ``said`` relation points at,
    unless the quote's own speaker name was changed in Label Studio (it differs from the name
    exported for it): then that name's speaker."""
    exported = into.quote_meta.get(rid, {}).get("speaker_id")
    exported_name = into.known.get(exported or "", {}).get("name")
    if linked is not None and (not typed or typed == exported_name):
        linked_name = into.speakers.get(linked, {}).get("name")
        if exported is not None and linked_name == exported_name:
            return exported  # the same person (a namesake's id is no reason to switch)
        return linked
    if typed:
        return into.add_speaker(typed, None, None, prefer=exported)
    return linked


def _build(into: _Read, text: str, ctx: schema.Context, *, name: str, doc: str) -> Layer:
    for q in into.quotes:  # a recorded speaker no region names (a namesake holds its span)
        sid = q["speaker_id"]
        if sid in into.known and sid not in into.speakers:
            into.speakers[sid] = {**into.known[sid], "mentions": []}
    clean = [schema.SPEAKER.check({**sp, "kind": sp["kind"] or "unknown"},
                                  f"speaker {sp['name']}", ctx)
             for sp in into.speakers.values()]
    return build_layer(into.quotes, clean, text, name=name, doc=doc, quote_paths=into.paths)


def task_to_layer(task: Any, *, name: str, doc: str = "task") -> tuple[str, str, Layer]:
    """One Label Studio task (JSON export) or JSON-MIN record as ``(doc_id, text, Layer)``.

    A task gives its first annotation not cancelled, then its predictions' quotes that the
    annotation does not hold (see the module docstring); a JSON-MIN record (no ``data``) gives
    its spans. Every value goes through ``schema``, as for every importer: a wrong type or shape
    is one ``InputError`` line naming ``doc`` (the task's ``doc_id`` when it has one) and the
    field. Quote ids are the region ids; speakers are keyed by their canonical names.
    """
    if not isinstance(task, Mapping):
        schema.Context(doc, "").fail("", f"expected a task object, got {schema.shown(task)}")
    if "data" not in task:
        return _min_record_to_layer(task, name=name, doc=doc)
    raw = task.get("data")
    if isinstance(raw, Mapping):
        doc = schema.Id().check(raw.get("doc_id"), "data.doc_id", schema.Context(doc, "")) or doc
    data = schema.validate(_DATA, raw, doc=doc, text="", path="data")
    text = data["text"]
    if not text:
        schema.Context(doc, "").fail("data.text", "missing (expected the task's text)")
    ctx = schema.Context(doc, text)
    schema.check_depth(task, ctx)
    annotations = _ANNOTATIONS.check(task.get("annotations"), "annotations", ctx)
    predictions = _PREDICTIONS.check(_prediction_objects(task.get("predictions")),
                                     "predictions", ctx)
    into = _Read([], [], {})
    meta = raw.get(META_KEY) if isinstance(raw, Mapping) else None
    into.known, into.quote_meta = _read_meta(meta, ctx)
    for n, annotation in enumerate(annotations):
        if not annotation["was_cancelled"]:
            who = _annotator(annotation["completed_by"], meta, ctx)
            _read_result(annotation["result"], f"annotations[{n}]", text, ctx, into,
                         status="accepted", origin=who)
            break
    for n, prediction in enumerate(predictions):
        _read_result(prediction["result"], f"predictions[{n}]", text, ctx, into,
                     status="suggested", origin=prediction["model_version"])
    return doc, text, _build(into, text, ctx, name=name, doc=doc)


_META_SPEAKER = schema.Record({
    "id": schema.Id(), "name": schema.Text(schema.MAX_LABEL),
    "kind": schema.Text(schema.MAX_LABEL, default=None),
    "aliases": schema.ListOf(schema.Text(schema.MAX_LABEL)),
    "mentions": schema.ListOf(schema.SpanPair()),
    "attributes": schema.SPEAKER.fields["attributes"],
})
_META_QUOTE = schema.Record({"speaker_id": schema.Id(),
                             "cue_lemma": schema.Text(schema.MAX_LABEL, default=None),
                             "codes": schema.QUOTE.fields["codes"]})


def _read_meta(meta: Any, ctx: schema.Context
               ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The speakers (by id) and quotes (by id) a task's ``saywho`` field records; a field
    that is not saywho's shape is one ``InputError`` line, as any other field."""
    if meta is None:
        return {}, {}
    if not isinstance(meta, Mapping):
        ctx.fail(f"data.{META_KEY}", f"expected an object, got {schema.shown(meta)}")
    speakers: dict[str, dict[str, Any]] = {}
    raw_speakers = meta.get("speakers") or []
    if not isinstance(raw_speakers, list):
        ctx.fail(f"data.{META_KEY}.speakers", f"expected a list, got {schema.shown(raw_speakers)}")
    for i, raw in enumerate(raw_speakers):
        sp = _META_SPEAKER.check(raw, f"data.{META_KEY}.speakers[{i}]", ctx)
        if sp["id"] and sp["name"]:
            sp["mentions"] = [list(m) for m in sp["mentions"]]
            speakers[sp["id"]] = sp
    quotes: dict[str, dict[str, Any]] = {}
    raw_quotes = meta.get("quotes") or {}
    if not isinstance(raw_quotes, Mapping):
        ctx.fail(f"data.{META_KEY}.quotes", f"expected an object, got {schema.shown(raw_quotes)}")
    for qid, raw in raw_quotes.items():
        quotes[str(qid)] = _META_QUOTE.check(raw, f"data.{META_KEY}.quotes.{qid}", ctx)
    return speakers, quotes


def _min_record_to_layer(record: Mapping[str, Any], *, name: str, doc: str
                         ) -> tuple[str, str, Layer]:
    """One JSON-MIN record as ``(doc_id, text, Layer)``: its Quote and Speaker spans."""
    start = schema.Context(doc, "")
    doc = (schema.Id().check(record.get("doc_id"), "doc_id", start)
           or schema.Id().check(record.get("id"), "id", start) or doc)
    fields = schema.validate(_MIN_RECORD, record, doc=doc, text="")
    text = fields["text"]
    if not text:
        schema.Context(doc, "").fail(
            "text", 'missing (a Label Studio task needs "data", a JSON-MIN record its "text")')
    ctx = schema.Context(doc, text)
    into = _Read([], [], {})
    # JSON-MIN keeps the task's data fields at the top, saywho's too: namesakes stay two
    into.known, into.quote_meta = _read_meta(record.get(META_KEY), ctx)
    for key, value in record.items():
        if not (isinstance(value, list) and value
                and all(isinstance(v, Mapping) and "labels" in v for v in value)):
            continue
        for i, raw in enumerate(value):
            region = _MIN_REGION.check(raw, f"{key}[{i}]", ctx)
            label, s, e = _first(region["labels"]), region["start"], region["end"]
            if label not in REGION_LABELS:  # as the JSON reader: never a region left unsaid
                ctx.fail(f"{key}[{i}]", f"region label {schema.shown(label)} is not one of "
                         f"{', '.join(REGION_LABELS)}; rename it there, or remove the region")
            if label == "Speaker" and text[s:e].strip():
                into.add_speaker(" ".join(text[s:e].split()), None, (s, e))
            elif label == "Quote":
                path = f"{key}[{i}]"
                rec = {"start": s, "end": e, "status": "accepted",
                       "origin": _annotator(fields["annotator"], record.get(META_KEY), ctx)}
                into.quotes.append(schema.QUOTE.check(rec, path, ctx))
                into.paths.append(path)
    return doc, text, _build(into, text, ctx, name=name, doc=doc)


def read_labelstudio(
    path: Path, *, layer: str = "labelstudio", refused: list[str] | None = None
) -> list[tuple[str, str, Layer]]:
    """Every task of a Label Studio JSON or JSON-MIN export (a list) as ``(doc_id, text,
    Layer)``.

    Raises one ``InputError`` line for a file that is not UTF-8 JSON holding a list, or for the
    first task that does not pass the schema (tasks without a ``doc_id`` are named ``task N``).
    A JSON-MIN record repeating a document already read (a task's second annotation) is left
    out. With ``refused`` (a list), a task that does not pass is left out and its line
    appended there instead, and the other tasks are read.
    """
    path = Path(path)
    data = path.read_bytes()
    if (wide := utf16_refusal(data, str(path))) is not None:
        raise InputError(wide)
    try:
        tasks = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(visible_line(f"{path}: not JSON ({str(exc)[:80]})")) from exc
    if not isinstance(tasks, list):
        raise InputError(f"{path}: expected a list of tasks, got {schema.shown(tasks)}")
    out: list[tuple[str, str, Layer]] = []
    seen: set[str] = set()
    for i, task in enumerate(tasks):
        with schema.or_refused(refused):
            doc_id, text, built = task_to_layer(task, name=layer, doc=f"{path}: task {i}")
            if isinstance(task, Mapping) and "data" not in task and doc_id in seen:
                continue
            seen.add(doc_id)
            out.append((doc_id, text, built))
    return out
