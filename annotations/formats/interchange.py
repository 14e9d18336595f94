"""The interchange JSONL shape (DESIGN.md): one document per line with its quotes and speakers.

This is the lingua franca between ``detect``, ``import --layer``, ``export --format jsonl`` and
the gold files. Conversion is lossless for everything the model holds: fields the shape does
not name (parts, note, timestamps, per-field confidence) ride along under extra keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotations.errors import InputError
from annotations.model import (
    Cue,
    Document,
    Layer,
    Mention,
    Quote,
    Speaker,
    layer_from_records,
)


def quote_confidence(quote: Quote) -> float | None:
    """The quote's overall confidence: its ``span`` confidence, else the lowest field's."""
    if not quote.confidence:
        return None
    return float(quote.confidence.get("span", min(quote.confidence.values())))


def document_to_interchange(
    doc: Document, layer: Layer, *, annotator: str | None = None
) -> dict[str, Any]:
    """One interchange line (as a dict) for ``doc`` annotated by ``layer``."""
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
                "confidence": quote_confidence(q),
                "confidences": dict(q.confidence),
                "status": q.status,
                "annotator": annotator or q.origin or layer.name,
                "origin": q.origin,
                "parts": [list(p) for p in q.parts],
                "note": q.note,
                "created": q.created,
                "updated": q.updated,
            }
        )
    speakers = [
        {
            "id": s.id,
            "name": s.name,
            "aliases": list(s.aliases),
            "kind": s.kind,
            "mentions": [[m.start, m.end] for m in s.mentions],
        }
        for s in sorted(layer.speakers.values(), key=lambda s: s.id)
    ]
    return {
        "id": doc.id,
        "title": doc.title,
        "text": doc.text,
        "quotes": quotes,
        "speakers": speakers,
    }


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def layer_from_interchange(
    data: Mapping[str, Any], text: str, *, name: str, origin: str = ""
) -> Layer:
    """Build a checked ``Layer`` from one interchange line whose offsets index ``text``.

    Speakers named only by ``speaker``/``speaker_name`` on quotes (as in gold files without a
    ``speakers`` list) become speakers keyed by their name.
    """
    speakers: dict[str, Speaker] = {}
    for raw in data.get("speakers") or ():
        mentions = tuple(
            Mention(int(m[0]), int(m[1]), text[int(m[0]) : int(m[1])])
            for m in raw.get("mentions") or ()
        )
        sp = Speaker(
            id=str(raw.get("id") or raw.get("name")),
            name=str(raw.get("name") or ""),
            kind=str(raw.get("kind") or "unknown"),
            aliases=tuple(raw.get("aliases") or ()),
            mentions=mentions,
        )
        speakers[sp.id] = sp
    by_name = {s.name.lower(): s.id for s in speakers.values()}
    quotes: list[Quote] = []
    for i, raw in enumerate(data.get("quotes") or ()):
        try:
            start, end = int(raw["start"]), int(raw["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"quote {i} of {data.get('id')!r} has no valid start/end") from exc
        speaker_id = raw.get("speaker_id")
        spk_name = raw.get("speaker_name") or raw.get("speaker_ref") or raw.get("speaker")
        if speaker_id is None and spk_name:
            speaker_id = by_name.get(str(spk_name).lower())
            if speaker_id is None:
                speaker_id = "spk-" + "-".join(str(spk_name).lower().split())
                speakers[speaker_id] = Speaker(speaker_id, str(spk_name), "unknown")
                by_name[str(spk_name).lower()] = speaker_id
        if speaker_id is not None and speaker_id not in speakers:
            speakers[speaker_id] = Speaker(str(speaker_id), str(spk_name or speaker_id), "unknown")
        mention = None
        if raw.get("speaker_start") is not None and raw.get("speaker_end") is not None:
            ms, me = int(raw["speaker_start"]), int(raw["speaker_end"])
            mention = Mention(ms, me, text[ms:me])
        cue = None
        if raw.get("cue_start") is not None and raw.get("cue_end") is not None:
            cs, ce = int(raw["cue_start"]), int(raw["cue_end"])
            cue = Cue(cs, ce, text[cs:ce], str(raw.get("cue_lemma") or ""))
        confidences = dict(raw.get("confidences") or {})
        if not confidences and raw.get("confidence") is not None:
            confidences = {"span": float(raw["confidence"])}
        quote = Quote(
            id=str(raw.get("id") or f"q{i + 1}"),
            start=start,
            end=end,
            text=text[start:end],
            type=str(raw.get("type") or "direct")
            if raw.get("type") in ("direct", "indirect", "mixed")
            else "direct",
            parts=tuple((int(p[0]), int(p[1])) for p in raw.get("parts") or ()),
            cue=cue,
            speaker_id=speaker_id,
            speaker_mention=mention,
            stance=raw.get("stance"),
            confidence=confidences,
            status=str(raw.get("status") or "suggested"),
            origin=str(raw.get("origin") or raw.get("annotator") or origin),
            note=str(raw.get("note") or ""),
            created=str(raw.get("created") or ""),
            updated=str(raw.get("updated") or ""),
        )
        if raw.get("text") is not None and raw["text"] != quote.text:
            raise InputError(
                f"quote {quote.id} of {data.get('id')!r}: "
                f"offsets {start}-{end} do not read its text"
            )
        quotes.append(quote)
    return layer_from_records(name, quotes, speakers.values()).check(text)
