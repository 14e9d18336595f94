"""doccano out and in: sequence-labelling JSONL with relations, as doccano 1.8 imports it.

doccano has no span attributes, no speaker registry and no per-quote review state, so a
saywho layer is spread over what it does have, and the rest rides in a key doccano keeps but
does not show as annotations. One JSON object per line (doccano's "JSONL (Relation)" import of
a *Sequence Labeling* project with *Use relation labeling* on; its documented example is
``backend/data_import/pipeline/examples/relation_extraction/example.jsonl``)::

    {"doc_id": "d0", "title": "...", "text": "...",
     "entities": [{"id": 1, "label": "SPEAKER", "start_offset": 6, "end_offset": 14},
                  {"id": 2, "label": "QUOTE:oppose", "start_offset": 29, "end_offset": 57},
                  {"id": 3, "label": "CUE", "start_offset": 15, "end_offset": 19}, ...],
     "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "said_by"},
                   {"id": 2, "from_id": 2, "to_id": 3, "type": "cued_by"},
                   {"id": 3, "from_id": 5, "to_id": 2, "type": "continues"}, ...],
     "saywho": {...}}

- Entities: every part of a quote is a ``QUOTE`` entity, labelled ``QUOTE:<stance>`` when the
  quote has a stance, so the stance is visible and can be changed in doccano by picking another
  label; every speaker mention (pronouns included) is a ``SPEAKER`` entity (one per span, shared
  by the quotes that name it); every cue is a ``CUE`` entity. doccano needs integer ids and a
  non-empty span (``start_offset < end_offset``); an empty mention or cue is not written as an
  entity (it stays in ``saywho``).
- Relations (doccano's ``from_id``/``to_id``/``type``): ``said_by`` quote -> speaker mention,
  ``cued_by`` quote -> cue, ``continues`` later part -> first part of a split quote. Relations
  start at the quote's first part.
- Project settings in doccano: the labels above are created on import; turn on *Allow
  overlapping entity* when a mention or cue lies inside a quote, and note that doccano refuses
  a line with an empty ``text`` (the other lines import).
- What doccano cannot carry rides in the top-level ``saywho`` object (doccano keeps every key
  it does not know as the example's metadata and writes it back on export): the document id and
  title, the layer and annotator, the offset unit, the project's stance target when the caller
  passes it (``export`` does), and per quote its id, parts, type, status, origin, annotator
  (``export_common.quote_annotator``), note, per-field ``confidences`` and their overall
  ``confidence`` (``review.confidence_of``, what the TUI shows), timestamps, speaker id, the
  exact speaker-mention and cue spans, the cue's lemma and, when it has any, its quote
  variables' values (``codes``: topic, tone…); per speaker its id,
  canonical name, kind, aliases and mentions (a merged speaker is one speaker with many
  mentions) and, when it has any, its coded ``attributes`` (gender, role…). ``saywho``
  offsets are always code points. ``doc_id`` and ``title`` are also top-level keys so
  doccano's metadata panel shows them; the top-level ``id`` is left to doccano, which numbers
  its examples itself.

Offsets. saywho writes code points (Python's unit, and doccano's back end's); doccano's
annotation screen counts UTF-16 code units unless the project counts characters (doccano issue
#2290), so in such a project a span after an emoji shows shifted by one place per emoji.
``write_doccano(..., utf16=True)`` writes UTF-16 units for those projects, and ``saywho.offsets``
says which unit a file uses.

Reading (``read_doccano``) takes both this shape and doccano's plain sequence-labelling shape
(``"label": [[start, end, "LABEL"], ...]``, no relations). Entities are what a doccano user
edited, so they win: quotes, stances, links and cues come from the entities and relations, and
``saywho`` adds back, for a quote whose part spans still match, what doccano cannot hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from annotations.display import visible_line
from annotations.errors import InputError
from annotations.formats import schema
from annotations.formats.export_common import (
    DocLayer,
    ExportReport,
    Utf16Offsets,
    atomic_output,
    quote_annotator,
)
from annotations.formats.interchange import build_layer
from annotations.metadata import meta_columns
from annotations.model import QUOTE_STATUSES, QUOTE_TYPES, Document, Layer, confidence_of

QUOTE_LABEL = "QUOTE"
SPEAKER_LABEL = "SPEAKER"
CUE_LABEL = "CUE"
SAID_BY = "said_by"
CUED_BY = "cued_by"
CONTINUES = "continues"
META_KEY = "saywho"
META_VERSION = 1
CODE_POINTS = "code points"
UTF16 = "utf-16"
# quote labels a doccano user may also use: the quote type in place of QUOTE
_QUOTE_HEADS = {"QUOTE": None, **{t.upper(): t for t in QUOTE_TYPES}}

Span = tuple[int, int]


def _same(offset: int) -> int:
    return offset


def quote_label(stance: str | None) -> str:
    """The entity label of a quote part: ``QUOTE``, or ``QUOTE:<stance>`` when it has one."""
    return f"{QUOTE_LABEL}:{stance}" if stance else QUOTE_LABEL


class _Line:
    """Collects the entities and relations of one output line."""

    def __init__(self, offset: Callable[[int], int]) -> None:
        self.offset = offset
        self.entities: list[dict[str, Any]] = []
        self.relations: list[dict[str, Any]] = []
        self.shared: dict[tuple[str, int, int], int | None] = {}

    def entity(self, label: str, start: int, end: int) -> int | None:
        """A new entity's id, or ``None`` for an empty span (doccano refuses those)."""
        if end <= start:
            return None
        eid = len(self.entities) + 1
        self.entities.append({"id": eid, "label": label, "start_offset": self.offset(start),
                              "end_offset": self.offset(end)})
        return eid

    def shared_entity(self, label: str, start: int, end: int) -> int | None:
        """One entity per ``label`` and span, however many quotes name it."""
        key = (label, start, end)
        if key not in self.shared:
            self.shared[key] = self.entity(label, start, end)
        return self.shared[key]

    def relation(self, from_id: int, to_id: int, kind: str) -> None:
        self.relations.append({"id": len(self.relations) + 1, "from_id": from_id,
                               "to_id": to_id, "type": kind})


def document_to_doccano(
    doc: Document,
    layer: Layer,
    *,
    annotator: str | None = None,
    utf16: bool = False,
    stance_target: str | None = None,
) -> dict[str, Any]:
    """One doccano line (as a dict) for ``doc`` annotated by ``layer``; see the module doc."""
    line = _Line(Utf16Offsets(doc.text) if utf16 else _same)
    speakers = []
    for sp in sorted(layer.speakers.values(), key=lambda s: s.id):
        for m in sp.mentions:
            line.shared_entity(SPEAKER_LABEL, m.start, m.end)
        speakers.append({"id": sp.id, "name": sp.name, "kind": sp.kind,
                         "aliases": list(sp.aliases),
                         "mentions": [[m.start, m.end] for m in sp.mentions],
                         **({"attributes": dict(sp.attributes)} if sp.attributes else {})})
    quotes = []
    for q in layer.sorted_quotes():
        ids = [line.entity(quote_label(q.stance), s, e) for s, e in q.part_spans()]
        parts = [eid for eid in ids if eid is not None]
        first = parts[0] if parts else None
        for later in parts[1:]:
            line.relation(later, parts[0], CONTINUES)
        m, cue = q.speaker_mention, q.cue
        if first is not None and m is not None:
            mid = line.shared_entity(SPEAKER_LABEL, m.start, m.end)
            if mid is not None:
                line.relation(first, mid, SAID_BY)
        if first is not None and cue is not None:
            cid = line.shared_entity(CUE_LABEL, cue.start, cue.end)
            if cid is not None:
                line.relation(first, cid, CUED_BY)
        quotes.append({
            "id": q.id,
            "spans": [[s, e] for s, e in q.part_spans()],
            "parts": [list(p) for p in q.parts],
            "type": q.type,
            "status": q.status,
            "origin": q.origin,
            "annotator": quote_annotator(q, layer, annotator),
            "note": q.note,
            "confidence": confidence_of(q),
            "confidences": dict(q.confidence),
            "created": q.created,
            "updated": q.updated,
            "speaker_id": q.speaker_id,
            "mention": [m.start, m.end] if m else None,
            "cue": [cue.start, cue.end] if cue else None,
            "cue_lemma": cue.lemma if cue else "",
            **({"codes": dict(q.codes)} if q.codes else {}),
        })
    meta: dict[str, Any] = {
        "version": META_VERSION,
        "doc_id": doc.id,
        "title": doc.title,
        "layer": layer.name,
        "annotator": annotator or layer.name,
        "offsets": UTF16 if utf16 else CODE_POINTS,
        "quotes": quotes,
        "speakers": speakers,
    }
    if stance_target is not None:
        meta["stance_target"] = stance_target
    return {"doc_id": doc.id, "title": doc.title, "text": doc.text,
            "entities": line.entities, "relations": line.relations, META_KEY: meta,
            **meta_columns(doc.meta)}


def write_doccano(
    items: Iterable[DocLayer],
    out: Path,
    *,
    annotator: str | None = None,
    utf16: bool = False,
    stance_target: str | None = None,
) -> ExportReport:
    """Write one doccano line per document at ``out`` (UTF-8 JSONL, streamed, atomic).

    ``annotator`` (default: each layer's name) is recorded in ``saywho.annotator``; ``utf16``
    writes entity offsets in UTF-16 units for doccano projects that count them (see the module
    doc); ``stance_target``, the project's stance target, is recorded in
    ``saywho.stance_target`` (doccano has no place for it).
    """
    out = Path(out)
    docs = quotes = 0
    with atomic_output(out, "wb") as fh:
        for doc, layer in items:
            fh.write(orjson.dumps(document_to_doccano(
                doc, layer, annotator=annotator, utf16=utf16,
                stance_target=doc.target or stance_target)))
            fh.write(b"\n")
            docs += 1
            quotes += len(layer.quotes)
    return ExportReport(docs, quotes, str(out))


# --- reading -------------------------------------------------------------------------------


def _needs(*keys: str) -> Callable[[dict[str, Any], str, schema.Context], None]:
    def rule(clean: dict[str, Any], path: str, ctx: schema.Context) -> None:
        for key in keys:
            if clean[key] is None:
                ctx.fail(f"{path}.{key}", "missing")

    return rule


def _entity_rule(clean: dict[str, Any], path: str, ctx: schema.Context) -> None:
    _needs("id", "label")(clean, path, ctx)
    if clean["start_offset"] >= clean["end_offset"]:
        ctx.fail(f"{path}.end_offset", f"the span {clean['start_offset']}-{clean['end_offset']} "
                 "is empty or reversed")


_LABEL = schema.Text(schema.MAX_LABEL, default=None, blank=None)
ENTITY = schema.Record(
    {"id": schema.Id(), "label": _LABEL, "start_offset": schema.Offset(required=True),
     "end_offset": schema.Offset(required=True)},
    rule=_entity_rule,
)
"""One doccano entity (a ``[start, end, label]`` triple is read as one too)."""

RELATION = schema.Record(
    {"id": schema.Id(), "from_id": schema.Id(), "to_id": schema.Id(), "type": _LABEL},
    rule=_needs("from_id", "to_id", "type"),
)
"""One doccano relation."""

_META_QUOTE = schema.Record({
    "id": schema.Id(),
    "spans": schema.PARTS,
    "parts": schema.PARTS,
    "type": schema.Choice(QUOTE_TYPES, "direct", lenient=True),
    "status": schema.Choice(QUOTE_STATUSES, "accepted"),
    "origin": schema.Text(),
    "note": schema.NOTE,
    "confidences": schema.Confidence(),
    "created": schema.STAMP,
    "updated": schema.STAMP,
    "speaker_id": schema.Id(),
    "mention": schema.Maybe(schema.SpanPair()),
    "cue": schema.Maybe(schema.SpanPair()),
    "cue_lemma": schema.Text(schema.MAX_LABEL),
    "codes": schema.QUOTE.fields["codes"],
})
META = schema.Record({
    "doc_id": schema.Id(),
    "title": schema.Text(),
    "annotator": schema.Text(),
    "offsets": schema.Choice((CODE_POINTS, UTF16), CODE_POINTS),
    "quotes": schema.ListOf(_META_QUOTE),
    "speakers": schema.ListOf(schema.SPEAKER),
})
"""The ``saywho`` object as ``write_doccano`` writes it (offsets in code points)."""


def _find_meta(record: Mapping[str, Any]) -> tuple[Any, str]:
    """The ``saywho`` object: top-level, or inside ``meta``/``metadata`` (how some doccano
    versions export an example's extra keys)."""
    if META_KEY in record:
        return record[META_KEY], META_KEY
    for outer in ("meta", "metadata"):
        inner = record.get(outer)
        if isinstance(inner, Mapping) and META_KEY in inner:
            return inner[META_KEY], f"{outer}.{META_KEY}"
    return None, META_KEY


def _utf16_to_points(text: str) -> dict[int, int]:
    """UTF-16 offset -> code-point offset, for every offset on a character boundary."""
    table, units = {0: 0}, 0
    for i, c in enumerate(text, 1):
        units += 2 if ord(c) > 0xFFFF else 1
        table[units] = i
    return table


def _doc_id(record: Mapping[str, Any], meta: dict[str, Any] | None, n: int,
            ctx: schema.Context) -> str:
    if meta and meta["doc_id"]:
        return meta["doc_id"]
    for key in ("doc_id", "id"):
        value = schema.Id().check(record.get(key), key, ctx)
        if value:
            return value
    return f"line {n}"


def _entities(record: Mapping[str, Any], text: str, units: str,
              ctx: schema.Context) -> tuple[list[tuple[str, int, int, str]], bool]:
    """``(id, start, end, label)`` per entity, offsets in code points, and whether the line
    has doccano's relation shape (object entities) rather than ``[start, end, label]``."""
    key = next((k for k in ("entities", "label", "labels") if record.get(k) is not None),
               "entities")
    raw = record.get(key)
    if raw is None:
        return [], "relations" in record
    if not isinstance(raw, list):
        ctx.fail(key, f"expected a list of entities, got {schema.shown(raw)}")
    relation_shape = "relations" in record or any(isinstance(e, Mapping) for e in raw)
    table = _utf16_to_points(text) if units == UTF16 else None
    # entity offsets index the text in the file's unit: check them against its length there
    unit_ctx = schema.Context(ctx.doc, "\0" * max(table) if table else text)
    out: list[tuple[str, int, int, str]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"{key}[{i}]"
        if isinstance(item, list | tuple):
            if len(item) != 3:
                ctx.fail(path, f"expected [start, end, label], got {schema.shown(item)}")
            item = {"id": i, "start_offset": item[0], "end_offset": item[1], "label": item[2]}
        clean = ENTITY.check(item, path, unit_ctx)
        start, end = clean["start_offset"], clean["end_offset"]
        if table is not None:
            if start not in table or end not in table:
                ctx.fail(path, f"the UTF-16 span {start}-{end} splits a character")
            start, end = table[start], table[end]
        if clean["id"] in seen:
            ctx.fail(f"{path}.id", f"{schema.shown(clean['id'])} names a second entity")
        seen.add(clean["id"])
        out.append((clean["id"], start, end, clean["label"]))
    return out, relation_shape


def _relations(record: Mapping[str, Any], ids: set[str],
               ctx: schema.Context) -> list[tuple[str, str, str]]:
    """``(from_id, to_id, type)`` per relation; a relation to an unknown entity is refused."""
    out = []
    for i, rel in enumerate(schema.ListOf(RELATION).check(record.get("relations"),
                                                          "relations", ctx)):
        for end in ("from_id", "to_id"):
            if rel[end] not in ids:
                ctx.fail(f"relations[{i}].{end}", f"no entity has the id {rel[end]}")
        out.append((rel["from_id"], rel["to_id"], rel["type"].strip().lower()))
    return out


def record_to_layer(
    record: Any, *, name: str, where: str, n: int = 1, utf16: bool | None = None
) -> tuple[str, str, Layer]:
    """One doccano line (parsed JSON) as ``(doc_id, text, Layer)``; see ``read_doccano``.

    Every value passes ``schema`` and the layer is built by ``build_layer``: a wrong type or
    shape is one ``InputError`` line naming ``where`` and the field.
    """
    ctx = schema.Context(where, "")
    if not isinstance(record, Mapping):
        ctx.fail("", f"expected a JSON object, got {schema.shown(record)}")
    text = schema.Text(None, default=None).check(record.get("text"), "text", ctx)
    if text is None:
        ctx.fail("text", "missing (expected the document's text)")
    ctx = schema.Context(where, text)
    schema.check_depth(record, ctx)
    raw_meta, meta_path = _find_meta(record)
    meta = META.check(raw_meta, meta_path, ctx) if raw_meta is not None else None
    units = (UTF16 if utf16 else CODE_POINTS) if utf16 is not None else (
        meta["offsets"] if meta else CODE_POINTS)
    if meta and raw_meta is not None and raw_meta.get("offsets") and meta["offsets"] != units:
        ctx.fail(f"{meta_path}.offsets", f"the file says its offsets count {meta['offsets']}, "
                 f"and {units} were asked for (--utf16): drop the option, or the saywho key")
    doc_id = _doc_id(record, meta, n, ctx)
    entities, relation_shape = _entities(record, text, units, ctx)
    by_id = {eid: (label, s, e, i) for i, (eid, s, e, label) in enumerate(entities)}
    rels = _relations(record, set(by_id), ctx) if relation_shape else []

    quote_ents: dict[str, tuple[str | None, str | None]] = {}  # id -> (type, stance)
    speaker_spans: set[Span] = set()
    cue_spans: set[Span] = set()
    for eid, (label, s, e, _i) in by_id.items():
        head, _, rest = label.partition(":")
        head = head.strip().upper()
        if head in _QUOTE_HEADS:
            quote_ents[eid] = (_QUOTE_HEADS[head], rest or None)
        elif head == SPEAKER_LABEL and not rest:
            speaker_spans.add((s, e))
        elif head == CUE_LABEL and not rest:
            cue_spans.add((s, e))

    def span(eid: str) -> Span:
        return by_id[eid][1], by_id[eid][2]

    parent: dict[str, str] = {}
    said: dict[str, Span] = {}
    cued: dict[str, Span] = {}
    for a, b, kind in rels:
        if kind == CONTINUES and a in quote_ents and b in quote_ents and a != b:
            parent[a] = b
        elif kind in (SAID_BY, CUED_BY, "cue", "said"):
            quote, other = (a, b) if a in quote_ents else (b, a)
            if quote not in quote_ents:
                continue
            wanted, links = (speaker_spans, said) if kind in (SAID_BY, "said") else (
                cue_spans, cued)
            if span(other) in wanted:
                links.setdefault(quote, span(other))

    # split quotes: by ``continues`` relations, else (plain shape) by the saywho parts
    groups: dict[str, list[str]] = {}
    for eid in quote_ents:
        root, seen = eid, {eid}
        while root in parent and parent[root] not in seen:
            root = parent[root]
            seen.add(root)
        groups.setdefault(root, []).append(eid)
    meta_quotes = meta["quotes"] if meta else []
    if not relation_shape:
        groups = _group_by_meta(groups, meta_quotes, span)
    unmatched: dict[tuple[Span, ...], list[dict[str, Any]]] = {}
    for mq in meta_quotes:
        key = tuple((s, e) for s, e in mq["spans"] if e > s)
        unmatched.setdefault(key, []).append(mq)

    owner: dict[Span, str] = {}
    speakers: dict[str, dict[str, Any]] = {}
    for sp in meta["speakers"] if meta else []:
        kept = [m for m in sp["mentions"] if m in speaker_spans or m[0] == m[1]]
        speakers[sp["id"] or sp["name"]] = {**sp, "mentions": kept}
        for m in kept:
            owner.setdefault(m, sp["id"] or sp["name"])

    quotes: list[dict[str, Any]] = []
    paths: list[str] = []
    claimed: set[Span] = set(owner)
    plans: list[tuple[str, list[Span], dict[str, Any] | None, Span | None, Span | None]] = []
    for root, members in groups.items():
        spans = sorted(span(eid) for eid in members)
        candidates = unmatched.get(tuple(spans))
        mq = candidates.pop(0) if candidates else None
        mention = said.get(root) or next((said[m] for m in members if m in said), None)
        cue = cued.get(root) or next((cued[m] for m in members if m in cued), None)
        if mq is not None:
            mention = mention or _kept(mq["mention"], speaker_spans, relation_shape)
            cue = cue or _kept(mq["cue"], cue_spans, relation_shape)
            if mention is not None and mention == mq["mention"]:
                claimed.add(mention)
        plans.append((root, spans, mq, mention, cue))
    for s, e in sorted(speaker_spans - claimed):
        words = " ".join(text[s:e].split())
        sid = "spk-" + "-".join(words.lower().split()) if words else f"spk-{s}-{e}"
        entry = speakers.setdefault(sid, {"id": sid, "name": words or sid, "kind": "unknown",
                                          "aliases": [], "mentions": []})
        entry["mentions"] = [*entry["mentions"], (s, e)]
        owner[(s, e)] = sid

    origin = (meta["annotator"] if meta else "") or "doccano"
    for root, spans, mq, mention, cue in plans:
        qtype, stance = quote_ents[root]
        if mention is not None:
            sid = mq["speaker_id"] if mq and mq["mention"] == mention else owner.get(mention)
        else:
            sid = mq["speaker_id"] if mq and mq["mention"] is None else None
        bounds = list(mq["spans"]) if mq else spans
        parts = mq["parts"] if mq else ([list(p) for p in spans] if len(spans) > 1 else [])
        rec: dict[str, Any] = {
            "id": mq["id"] if mq else None,
            "start": bounds[0][0],
            "end": bounds[-1][1],
            "parts": parts,
            "type": qtype or (mq["type"] if mq else None),
            "status": mq["status"] if mq else "accepted",
            "stance": stance,
            "speaker_id": sid,
            "speaker_start": mention[0] if mention else None,
            "speaker_end": mention[1] if mention else None,
            "cue_start": cue[0] if cue else None,
            "cue_end": cue[1] if cue else None,
            "cue_lemma": mq["cue_lemma"] if mq and mq["cue"] == cue else "",
            "confidences": mq["confidences"] if mq else {},
            # a quote saywho knows keeps its origin, even an empty one
            "origin": mq["origin"] if mq else origin,
            "note": mq["note"] if mq else "",
            "created": mq["created"] if mq else "",
            "updated": mq["updated"] if mq else "",
            "codes": mq["codes"] if mq else {},
        }
        path = f"entities[{by_id[root][3]}]"
        quotes.append(schema.QUOTE.check(rec, path, ctx))
        paths.append(path)
    clean = [schema.SPEAKER.check(sp, f"speaker {sid}", ctx) for sid, sp in speakers.items()]
    layer = build_layer(quotes, clean, text, name=name, origin="", doc=where,
                        quote_paths=paths)
    return doc_id, text, layer


def _kept(span: Span | None, entities: set[Span], relation_shape: bool) -> Span | None:
    """A saywho-recorded mention or cue span that no relation states: kept when it is empty
    (doccano cannot hold it), or, in the plain shape (no relations at all), when an entity
    still marks it; otherwise a doccano user removed the link."""
    if span is None:
        return None
    if span[0] == span[1] or (not relation_shape and span in entities):
        return span
    return None


def _group_by_meta(groups: dict[str, list[str]], meta_quotes: list[dict[str, Any]],
                   span: Callable[[str], Span]) -> dict[str, list[str]]:
    """Plain-shape quote entities joined into split quotes as ``saywho`` records them (only
    when every part is still an entity); the others stay one quote each."""
    free: dict[Span, list[str]] = {}
    for members in groups.values():
        for eid in members:
            free.setdefault(span(eid), []).append(eid)
    out: dict[str, list[str]] = {}
    for mq in meta_quotes:
        spans = [tuple(p) for p in mq["spans"] if p[1] > p[0]]
        if len(spans) < 2 or not all(free.get(s) for s in spans):
            continue
        members = [free[s].pop(0) for s in spans]
        out[members[0]] = members
    for eids in free.values():
        for eid in eids:
            out[eid] = [eid]
    return out


def read_doccano(
    path: Path, *, layer: str = "doccano", utf16: bool | None = None,
    refused: list[str] | None = None,
) -> list[tuple[str, str, Layer]]:
    """Every line of a doccano JSONL file as ``(doc_id, text, Layer)``.

    Reads the shape ``write_doccano`` writes (entities + relations, see the module doc) and
    doccano's plain sequence-labelling shape (``"label": [[start, end, "LABEL"], ...]``); a
    JSON list of such objects (doccano's JSON export) reads too. Labels: ``QUOTE`` or
    ``QUOTE:<stance>`` (or the quote type, ``DIRECT``/``INDIRECT``/``MIXED``, in place of
    ``QUOTE``), ``SPEAKER`` and ``CUE``, in any letter case; other labels are ignored.

    Without relations nothing links a quote to a speaker: a ``SPEAKER`` span in the same
    sentence is *not* taken as the quote's speaker (that would be a guess), so such quotes come
    back unlinked, except where a ``saywho`` object records the link and the mention is still
    an entity. A ``SPEAKER`` entity that ``saywho`` does not know becomes a speaker keyed by
    its words (``spk-jane-roe``); quotes without ``saywho`` are ``accepted`` (a person
    annotated them).

    The document id is ``saywho.doc_id``, else ``doc_id``, else ``id`` (doccano's example id),
    else ``line N``. Offsets are read in the unit ``saywho.offsets`` names (code points without
    it); ``utf16`` overrides that for every line. Raises one ``InputError`` line naming the file
    and line for a line that is not a JSON object, an entity or relation that does not fit
    the text or the schema, or a relation to an entity that does not exist. With ``refused``
    (a list), such a line is left out and its line appended there instead, and the other
    lines are read: one bad document in a large export does not hold back the rest.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(visible_line(f"{path}: cannot read ({exc.strerror})")) from exc
    records: list[tuple[int, Any, str]] = []
    if data.lstrip()[:1] == b"[":
        whole = _loads(data, str(path))
        if not isinstance(whole, list):
            raise InputError(f"{path}: expected a list of objects, got {schema.shown(whole)}")
        records = [(i + 1, item, f"{path}: record {i + 1}") for i, item in enumerate(whole)]
    else:
        for n, raw in enumerate(data.split(b"\n"), 1):
            if raw.strip():
                with schema.or_refused(refused):
                    records.append((n, _loads(raw, f"{path}:{n}"), f"{path}:{n}"))
    out: list[tuple[str, str, Layer]] = []
    seen: dict[str, str] = {}
    for n, rec, where in records:
        with schema.or_refused(refused):
            doc_id, text, built = record_to_layer(rec, name=layer, where=where, n=n, utf16=utf16)
            if doc_id in seen:
                raise InputError(visible_line(f"{where}: document id "
                                                 f"{schema.shown(doc_id)} already used at "
                                                 f"{seen[doc_id]}"))
            seen[doc_id] = where
            out.append((doc_id, text, built))
    return out



def _loads(data: bytes, where: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(visible_line(f"{where}: not JSON ({str(exc)[:80]})")) from exc
