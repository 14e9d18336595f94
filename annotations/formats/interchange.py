"""The interchange JSONL shape (DESIGN.md): one document per line with its quotes and speakers.

This is the lingua franca between ``detect``, ``import --layer``, ``export --format jsonl`` and
the gold files. Conversion is lossless for everything the model holds: fields the shape does
not name (parts, note, timestamps, per-field confidence) ride along under extra keys.

Beyond DESIGN.md's shape a line carries two document-level keys: ``stance_target`` (what the
stance labels are about: the project's ``StanceScheme.target``, ``null`` when the writer was not
told) and ``layer`` (the name of the layer the quotes come from, so a document an export filled
from the suggestions says so even when it has no quote). A quote's ``confidence`` is
``review.confidence_of`` (what the TUI shows), its ``annotator`` is
``export_common.quote_annotator`` (the detector for a suggestion nobody reviewed).

Reading goes through ``schema`` (the one gate every importer's records pass) and then
``build_layer`` (the one rule from checked records to the model), which the brat and Label
Studio readers share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annotations.codebook import coded_problem
from annotations.errors import SaywhoError
from annotations.formats import schema
from annotations.formats.export_common import quote_annotator
from annotations.metadata import meta_dict
from annotations.model import Cue, Document, Layer, Mention, Quote, Speaker, confidence_of


def document_to_interchange(
    doc: Document,
    layer: Layer,
    *,
    annotator: str | None = None,
    stance_target: str | None = None,
) -> dict[str, Any]:
    """One interchange line (as a dict) for ``doc`` annotated by ``layer``.

    ``annotator`` names the person behind the layer's reviewed quotes (default: the layer's
    name); ``stance_target`` is what the stance labels are about.
    """
    quotes = []
    for q in layer.sorted_quotes():
        speaker = layer.speakers.get(q.speaker_id or "")
        mention = q.speaker_mention
        quotes.append(
            {
                "id": q.id,
                "start": q.start,
                "end": q.end,
                "text": q.text,
                "type": q.type,
                "speaker": mention.text if mention else (speaker.name if speaker else None),
                "speaker_start": mention.start if mention else None,
                "speaker_end": mention.end if mention else None,
                "speaker_name": speaker.name if speaker else None,
                "speaker_id": q.speaker_id,
                "cue": q.cue.text if q.cue else None,
                "cue_start": q.cue.start if q.cue else None,
                "cue_end": q.cue.end if q.cue else None,
                "cue_lemma": q.cue.lemma if q.cue else None,
                "stance": q.stance,
                "confidence": confidence_of(q),
                "confidences": dict(q.confidence),
                "status": q.status,
                "annotator": quote_annotator(q, layer, annotator),
                "origin": q.origin,
                "parts": [list(p) for p in q.parts],
                "note": q.note,
                "created": q.created,
                "updated": q.updated,
                **({"codes": dict(q.codes)} if q.codes else {}),
            }
        )
    speakers = [
        {
            "id": s.id,
            "name": s.name,
            "aliases": list(s.aliases),
            "kind": s.kind,
            "mentions": [[m.start, m.end] for m in s.mentions],
            **({"attributes": dict(s.attributes)} if s.attributes else {}),
        }
        for s in sorted(layer.speakers.values(), key=lambda s: s.id)
    ]
    line: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "text": doc.text,
        "stance_target": stance_target,
        "layer": layer.name,
        "quotes": quotes,
        "speakers": speakers,
    }
    if doc.meta:  # only when there is some: a corpus without it writes the lines it did
        line["meta"] = meta_dict(doc.meta)
    return line


def layer_from_interchange(
    data: Any, text: str, *, name: str, origin: str = "", doc: str | None = None
) -> Layer:
    """Build a checked ``Layer`` from one interchange line whose offsets index ``text``.

    The line goes through ``schema.LAYER_RECORD`` first: a wrong type or shape is one
    ``InputError`` line naming ``doc`` (default: the line's id) and the field. Speakers named
    only by ``speaker``/``speaker_name`` on quotes (as in gold files without a ``speakers``
    list) become speakers keyed by their name.
    """
    if doc is None:
        raw_id = data.get("id") if isinstance(data, Mapping) else None
        doc = raw_id if isinstance(raw_id, str) else schema.shown(raw_id)
    clean = schema.layer_record(data, text, doc=doc)
    return build_layer(clean["quotes"], clean["speakers"], text, name=name, origin=origin, doc=doc)


def _codes(raw: Mapping[str, str], path: str,
           ctx: schema.Context) -> tuple[tuple[str, str], ...]:
    """A record's coded values (a speaker's ``attributes``, a quote's ``codes``), sorted,
    each refused as the project refuses to define it (``coded_problem``)."""
    for key, value in raw.items():
        problem = coded_problem(key, value)
        if problem is not None:
            ctx.fail(path, f"{schema.shown(key)}: {schema.shown(value)}: {problem}")
    return tuple(sorted(raw.items()))


def build_layer(
    quotes: Sequence[Mapping[str, Any]],
    speakers: Sequence[Mapping[str, Any]],
    text: str,
    *,
    name: str,
    origin: str = "",
    doc: str,
    quote_paths: Sequence[str] | None = None,
    speaker_paths: Sequence[str] | None = None,
) -> Layer:
    """A checked ``Layer`` from records already through ``schema.QUOTE`` / ``schema.SPEAKER``.

    Every importer ends here, so one rule turns records into the model. Two records with one
    id are refused (the second would silently replace the first); ``*_paths`` name each record
    in that message (default ``quotes[i]`` / ``speakers[i]``).
    """
    ctx = schema.Context(doc, text)
    qpaths = quote_paths or [f"quotes[{i}]" for i in range(len(quotes))]
    spaths = speaker_paths or [f"speakers[{i}]" for i in range(len(speakers))]
    by_id: dict[str, Speaker] = {}
    for raw, path in zip(speakers, spaths, strict=True):
        sp = Speaker(
            id=raw["id"] or raw["name"],
            name=raw["name"],
            kind=raw["kind"],
            aliases=tuple(raw["aliases"]),
            mentions=tuple(Mention(s, e, text[s:e]) for s, e in raw["mentions"]),
            attributes=_codes(raw.get("attributes") or {}, f"{path}.attributes", ctx),
        )
        if sp.id in by_id:
            ctx.fail(f"{path}.id", f"{schema.shown(sp.id)} names a second speaker")
        by_id[sp.id] = sp
    by_name = {s.name.lower(): s.id for s in by_id.values()}
    given = {raw["id"] for raw in quotes if raw["id"] is not None}
    built: dict[str, Quote] = {}
    for i, (raw, path) in enumerate(zip(quotes, qpaths, strict=True)):
        qid = raw["id"]
        if qid is None:
            qid, n = f"q{i + 1}", 1
            while qid in given:
                n += 1
                qid = f"q{i + 1}-{n}"
            given.add(qid)
        elif qid in built:
            ctx.fail(f"{path}.id", f"{schema.shown(qid)} names a second quote")
        speaker_id = raw["speaker_id"]
        spk_name = raw["speaker_name"] or raw["speaker_ref"] or raw["speaker"]
        if speaker_id is None and spk_name:
            speaker_id = by_name.get(spk_name.lower())
            if speaker_id is None:
                speaker_id = "spk-" + "-".join(spk_name.lower().split())
                by_id[speaker_id] = Speaker(speaker_id, spk_name, "unknown")
                by_name[spk_name.lower()] = speaker_id
        if speaker_id is not None and speaker_id not in by_id:
            by_id[speaker_id] = Speaker(speaker_id, spk_name or speaker_id, "unknown")
        mention = cue = None
        if raw["speaker_start"] is not None:
            ms, me = raw["speaker_start"], raw["speaker_end"]
            mention = Mention(ms, me, text[ms:me])
        if raw["cue_start"] is not None:
            cs, ce = raw["cue_start"], raw["cue_end"]
            cue = Cue(cs, ce, text[cs:ce], raw["cue_lemma"])
        start, end = raw["start"], raw["end"]
        built[qid] = Quote(
            id=qid,
            start=start,
            end=end,
            text=text[start:end],
            type=raw["type"],
            parts=tuple(raw["parts"]),
            cue=cue,
            speaker_id=speaker_id,
            speaker_mention=mention,
            stance=raw["stance"],
            confidence=raw["confidences"] or raw["confidence"],
            status=raw["status"],
            origin=raw["origin"] or raw["annotator"] or origin,
            note=raw["note"],
            created=raw["created"],
            updated=raw["updated"],
            codes=_codes(raw.get("codes") or {}, f"{path}.codes", ctx),
        )
    layer = Layer(name, built, by_id)
    try:
        return layer.check(text)
    except SaywhoError as exc:
        ctx.fail("", exc.message)
