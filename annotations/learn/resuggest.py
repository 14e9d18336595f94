"""Re-suggesting a document after a refit, never touching what a human changed.

A quote is *untouched* while its status is still ``suggested``, its origin is a detector's
(``saywho-rules@...``, with or without ``+project``) and no edit stamped it (``updated``);
anything a researcher accepted, rejected, edited or added is kept as it is, and a fresh
suggestion overlapping such a quote is dropped.
"""

from __future__ import annotations

from dataclasses import replace

from annotations.detect.suggestions import Suggestions
from annotations.model import Layer, Quote, Speaker

DETECTOR_ORIGIN = "saywho-rules@"


def untouched(quote: Quote) -> bool:
    """Whether ``quote`` is a detector suggestion no human has changed. An edit that leaves
    the status ``suggested`` (a span, a speaker, a stance, a note) still stamps ``updated``,
    which a detector never sets."""
    return (quote.status == "suggested" and quote.origin.startswith(DETECTOR_ORIGIN)
            and not quote.updated)


def _key(q: Quote, names: dict[str, str]) -> tuple[object, ...]:
    return (q.part_spans(), q.type, names.get(q.speaker_id or ""))


def resuggest(layer: Layer, fresh: Suggestions) -> tuple[Layer, int]:
    """``layer`` with its untouched suggestions replaced by ``fresh`` (see the module
    docstring), and how many suggestions changed (added, removed or altered, one each)."""
    kept = [q for q in layer.sorted_quotes() if not untouched(q)]
    old = [q for q in layer.sorted_quotes() if untouched(q)]
    old_names = {s.id: s.name for s in layer.speakers.values()}
    new_names = {s.id: s.name for s in fresh.speakers}
    new = [q for q in fresh.quotes
           if not any(k.start < q.end and q.start < k.end for k in kept)]
    old_keys = {_key(q, old_names) for q in old}
    new_keys = {_key(q, new_names) for q in new}
    added = [q for q in new if _key(q, new_names) not in old_keys]
    removed = [q for q in old if _key(q, old_names) not in new_keys]
    changed = len(added) + sum(
        1 for r in removed if not any(a.start < r.end and r.start < a.end for a in added))
    speakers: dict[str, Speaker] = {
        sid: s for sid, s in layer.speakers.items()
        if any(q.speaker_id == sid for q in kept)}
    id_map: dict[str, str] = {}
    for s in fresh.speakers:
        sid = s.id
        while sid in speakers and speakers[sid].name != s.name:
            sid += "r"
        id_map[s.id] = sid
        if sid not in speakers and any(q.speaker_id == s.id for q in new):
            speakers[sid] = replace(s, id=sid)
    quotes: dict[str, Quote] = {q.id: q for q in kept}
    for q in new:
        qid = q.id
        while qid in quotes:
            qid += "r"
        quotes[qid] = replace(q, id=qid, speaker_id=id_map.get(q.speaker_id or "",
                                                                q.speaker_id))
    return Layer(layer.name, quotes, speakers), changed
