"""brat standoff out and in: a folder of ``<doc>.txt`` + ``<doc>.ann`` and an ``annotation.conf``.

What the ``.ann`` holds (brat's own line kinds, https://brat.nlplab.org/standoff.html):

- ``T`` text-bound annotations: ``Quote`` (a split quote is one discontinuous annotation,
  ``start end;start end``), ``Speaker`` (every mention of a speaker, pronouns included) and
  ``Cue`` (the reporting verb or phrase). Offsets are Python character offsets (code points),
  as brat counts them; a fragment that would cross a line break is cut there, because brat
  cannot show a span over a newline.
- ``R`` relations, read left to right as a sentence: ``Said Arg1:<Speaker> Arg2:<Quote>``
  ("speaker said quote", from the quote's speaker mention) and ``Cues Arg1:<Cue> Arg2:<Quote>``.
- ``A`` attributes: ``QuoteType`` (direct/indirect/mixed), ``Stance``, ``Status`` on quotes,
  ``Kind`` on speakers, each coded speaker attribute by its name (``gender``, ``role``) on
  every mention of the speaker, and each quote variable by its name (``topic``) on the quote,
  declared in ``annotation.conf`` with the project's values (gender's own when the export is
  not told them) and the other values the export holds. Attribute values cannot hold spaces in
  brat; spaces become ``_`` (the note keeps the exact value). What brat shows wins over the
  note: a value changed on one mention, set in brat, or removed from every mention.
- ``N`` normalizations: ``Reference <Speaker> saywho:<speaker id>`` with the canonical name,
  so all mentions of one person share a reference.
- ``#`` ``AnnotatorNotes``: one JSON object per quote (its saywho id, speaker id, exact stance,
  parts, origin, confidence, note, times, the quote variables coded (``codes``) when there are
  any, and the stance target when the export knows it) and
  per speaker's first mention (id, name, kind, aliases, and the attributes the study coded,
  such as gender, when there are any), so a saywho export reads back without loss.

The stance target (what the ``Stance`` values are about) has no document-level place in brat
standoff, which only annotates spans: it rides in every quote's note (``"stance_target"``,
shown when the quote is hovered in brat) and in a ``# stance target:`` comment of
``annotation.conf`` next to the ``Stance`` attribute it explains (brat skips ``#`` lines).

File names are made safe (``safe_name``); ``saywho-ids.tsv`` maps each file stem back to the
document id. Files written by brat users without notes read back too: quote ids become the
``T`` ids and the status defaults to ``accepted``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote
from urllib.parse import unquote

from annotations.codebook import DEFAULT as DEFAULT_ATTRIBUTES
from annotations.codebook import CodedVariable, offered_values
from annotations.display import visible_line
from annotations.errors import InputError
from annotations.formats import schema
from annotations.formats.export_common import DocLayer, ExportReport, atomic_output, safe_name
from annotations.formats.interchange import build_layer
from annotations.formats.readers import path_text, refuse_special
from annotations.metadata import KEY_RE
from annotations.model import (
    DEFAULT_STANCE_LABELS,
    QUOTE_STATUSES,
    QUOTE_TYPES,
    SPEAKER_KINDS,
    Layer,
    Speaker,
)

IDS_FILE = "saywho-ids.tsv"
READ_LABELS = frozenset({"Quote", "Speaker", "Cue"})
CONF_FILE = "annotation.conf"
REFERENCE_DB = "saywho"


def attr_value(value: str) -> str:
    """``value`` as a brat attribute value: no whitespace, ``|``, ``,``, ``:`` or ``=``."""
    return re.sub(r"[\s|,:=]+", "_", value.strip()) or "_"


# every character Python's str.splitlines breaks at: none may appear inside an .ann line
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_LINE_BREAK = re.compile("[" + "".join(sorted(LINE_BREAKS)) + "]")
_JSON_UNSAFE = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``start``-``end`` cut at line breaks into non-empty pieces without line breaks (a span
    of line breaks only becomes one empty fragment at its start)."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _LINE_BREAK.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if end > pos:
        out.append((pos, end))
    return out or [(start, start)]


@dataclass
class _AnnWriter:
    """Builds the ``.ann`` lines of one document."""

    text: str
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # exact extents of annotations whose fragments lose a leading or trailing line break
    lossy: dict[str, list[int]] = field(default_factory=dict)
    noted: set[str] = field(default_factory=set)

    def next_id(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}{self.counts[prefix]}"

    def textbound(self, label: str, spans: Iterable[tuple[int, int]]) -> str:
        spans = list(spans)
        frags = [f for s, e in spans for f in fragments(self.text, s, e)]
        tid = self.next_id("T")
        if _merge_newline_gaps(self.text, frags) != _merge_newline_gaps(self.text, spans):
            self.lossy[tid] = [spans[0][0], spans[-1][1]]
        offsets = ";".join(f"{s} {e}" for s, e in frags)
        covered = " ".join(self.text[s:e] for s, e in frags)
        self.lines.append(f"{tid}\t{label} {offsets}\t{covered}")
        return tid

    def attribute(self, name: str, target: str, value: str) -> None:
        self.lines.append(f"{self.next_id('A')}\t{name} {target} {attr_value(value)}")

    def relation(self, name: str, arg1: str, arg2: str) -> None:
        self.lines.append(f"{self.next_id('R')}\t{name} Arg1:{arg1} Arg2:{arg2}")

    def reference(self, target: str, speaker: Speaker) -> None:
        rid = f"{REFERENCE_DB}:{urlquote(speaker.id, safe='')}"
        name = " ".join(speaker.name.split())
        self.lines.append(f"{self.next_id('N')}\tReference {target} {rid}\t{name}")

    def note(self, target: str, data: dict[str, Any]) -> None:
        if target in self.lossy:
            data = {**data, "span": self.lossy[target]}
        self.noted.add(target)
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        for raw, esc in _JSON_UNSAFE.items():
            payload = payload.replace(raw, esc)
        self.lines.append(f"{self.next_id('#')}\tAnnotatorNotes {target}\t{payload}")

    def finish(self) -> str:
        """All lines, with a note for each lossy annotation that has none yet."""
        for tid, span in list(self.lossy.items()):
            if tid not in self.noted:
                self.note(tid, {"span": span})
        return "".join(line + "\n" for line in self.lines)


SAYWHO_ATTRIBUTES = frozenset({"QuoteType", "Stance", "Status", "Kind"})


def brat_attribute(name: str) -> bool:
    """Whether speaker attribute or quote variable ``name`` is also a brat attribute on the
    speaker's mentions or the quote (a letter, then letters, digits or ``_``; not one of
    saywho's own); others ride in the note only."""
    return bool(KEY_RE.fullmatch(name)) and name not in SAYWHO_ATTRIBUTES


def _coded(speaker: Speaker) -> dict[str, Any]:
    """A speaker's coded attributes for its note (nothing when none are coded: a note of a
    project without attributes reads as before)."""
    return {"attributes": dict(speaker.attributes)} if speaker.attributes else {}


def document_to_ann(
    text: str, layer: Layer, stance_target: str | None = None,
    coded: dict[str, set[str]] | None = None,
    quote_coded: dict[str, set[str]] | None = None,
) -> tuple[str, set[str]]:
    """The ``.ann`` content for one document's layer, and the stance values it used.

    ``stance_target`` (when given) goes into every quote's note; ``coded`` and
    ``quote_coded`` (when given) collect the values of the speaker attributes and of the
    quote variables shown as brat attributes, by name.
    """
    w = _AnnWriter(text)

    def shown(tid: str, pairs: Iterable[tuple[str, str]],
              into: dict[str, set[str]] | None) -> None:
        """Coded values as brat attributes of ``tid`` (those brat can name), noted ``into``."""
        for name, value in pairs:
            if brat_attribute(name):
                w.attribute(name, tid, value)
                if into is not None:
                    into.setdefault(name, set()).add(attr_value(value))

    def speaker_attributes(tid: str, speaker: Speaker) -> None:
        w.attribute("Kind", tid, speaker.kind)
        shown(tid, speaker.attributes, coded)

    stances: set[str] = set()
    mention_tid: dict[tuple[str | None, int, int], str] = {}
    for sp in sorted(layer.speakers.values(), key=lambda s: s.id):
        for n, m in enumerate(sorted(set(sp.mentions), key=lambda m: (m.start, m.end))):
            tid = w.textbound("Speaker", [(m.start, m.end)])
            mention_tid[(sp.id, m.start, m.end)] = tid
            speaker_attributes(tid, sp)
            w.reference(tid, sp)
            if n == 0:
                w.note(tid, {"speaker_id": sp.id, "name": sp.name, "kind": sp.kind,
                             "aliases": list(sp.aliases), **_coded(sp)})
    cue_tid: dict[tuple[int, int], str] = {}
    for q in layer.sorted_quotes():
        qtid = w.textbound("Quote", q.part_spans())
        w.attribute("QuoteType", qtid, q.type)
        w.attribute("Status", qtid, q.status)
        if q.stance:
            stances.add(attr_value(q.stance))
            w.attribute("Stance", qtid, q.stance)
        shown(qtid, q.codes, quote_coded)
        speaker = layer.speakers.get(q.speaker_id or "")
        m = q.speaker_mention
        if m is not None:
            key = (q.speaker_id, m.start, m.end)
            if key not in mention_tid:
                # a mention the quote names but the speaker does not list
                tid = mention_tid[key] = w.textbound("Speaker", [(m.start, m.end)])
                unlisted: dict[str, Any] = {"listed": False, "speaker_id": q.speaker_id}
                if speaker is not None:
                    speaker_attributes(tid, speaker)
                    w.reference(tid, speaker)
                    unlisted.update(name=speaker.name, kind=speaker.kind,
                                    aliases=list(speaker.aliases), **_coded(speaker))
                w.note(tid, unlisted)
            w.relation("Said", mention_tid[key], qtid)
        if q.cue is not None:
            ckey = (q.cue.start, q.cue.end)
            if ckey not in cue_tid:
                cue_tid[ckey] = w.textbound("Cue", [ckey])
            w.relation("Cues", cue_tid[ckey], qtid)
        meta: dict[str, Any] = {
            "id": q.id,
            "speaker_id": q.speaker_id,
            "said": m is not None,
            "stance": q.stance,
            "parts": [list(p) for p in q.parts],
            "cue_lemma": q.cue.lemma if q.cue else None,
            "origin": q.origin,
            "confidence": dict(q.confidence),
            "note": q.note,
            "created": q.created,
            "updated": q.updated,
            **({"codes": dict(q.codes)} if q.codes else {}),
        }
        if speaker is not None and not speaker.mentions:
            meta["speaker"] = {"name": speaker.name, "kind": speaker.kind,
                               "aliases": list(speaker.aliases), **_coded(speaker)}
        if stance_target is not None:
            meta["stance_target"] = stance_target
        w.note(qtid, meta)
    return w.finish(), stances


def annotation_conf(stances: Iterable[str] = (), stance_target: str | None = None,
                    attributes: Mapping[str, Iterable[str]] | None = None,
                    variables: Mapping[str, Iterable[str]] | None = None) -> str:
    """brat's ``annotation.conf`` for saywho exports (stance values: defaults plus ``stances``;
    ``stance_target``, on one line, in a comment; ``attributes``: a speaker attribute's values
    by name, each an attribute of ``Speaker``; ``variables``: a quote variable's, each an
    attribute of ``Quote``; a name that is both is one attribute of both, with all their
    values)."""
    declared: dict[str, tuple[list[str], list[str]]] = {}  # name: (entities, values)
    for entity, coded in (("Speaker", attributes), ("Quote", variables)):
        for name, values in (coded or {}).items():
            args, shown = declared.setdefault(name, ([], []))
            args.append(entity)
            shown.extend(v for v in map(attr_value, values) if v not in shown)
    stance_values = list(DEFAULT_STANCE_LABELS)
    stance_values += sorted(set(stances) - set(stance_values))
    target = ""
    if stance_target is not None:
        target = f"# stance target: {' '.join(stance_target.split())}\n"
    return (
        "# saywho export: who said what\n"
        "[entities]\n"
        "Quote\n"
        "Speaker\n"
        "Cue\n"
        "\n[relations]\n"
        "Said\tArg1:Speaker, Arg2:Quote\n"
        "Cues\tArg1:Cue, Arg2:Quote\n"
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"
        "\n[events]\n"
        "\n[attributes]\n"
        f"QuoteType\tArg:Quote, Value:{'|'.join(QUOTE_TYPES)}\n"
        f"{target}Stance\tArg:Quote, Value:{'|'.join(stance_values)}\n"
        f"Status\tArg:Quote, Value:{'|'.join(QUOTE_STATUSES)}\n"
        f"Kind\tArg:Speaker, Value:{'|'.join(SPEAKER_KINDS)}\n"
        + "".join(f"{name}\tArg:{'|'.join(args)}, Value:{'|'.join(values)}\n"
                  for name, (args, values) in declared.items())
    )


def write_brat(
    items: Iterable[DocLayer],
    out: Path,
    *,
    annotator: str | None = None,
    stance_target: str | None = None,
    speaker_attributes: Sequence[CodedVariable] = DEFAULT_ATTRIBUTES,
    quote_variables: Sequence[CodedVariable] = (),
) -> ExportReport:
    """Write a brat folder at ``out`` (created if needed): one ``.txt``/``.ann`` pair per document.

    ``annotator`` is accepted for a uniform writer signature; brat has no annotator field, so
    it goes nowhere (each quote's origin rides in its note: the detector for a suggestion).
    ``stance_target`` goes into every quote's note and ``annotation.conf``;
    ``speaker_attributes`` and ``quote_variables`` (the project's) give the values
    ``annotation.conf`` offers first for each one the export codes (``offered_values``).
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    ids: list[tuple[str, str]] = []
    stances: set[str] = set()
    coded: dict[str, set[str]] = {}
    quote_coded: dict[str, set[str]] = {}
    docs = quotes = 0
    for doc, layer in items:
        stem = safe_name(doc.id, taken)
        ann, used = document_to_ann(doc.text, layer, doc.target or stance_target, coded,
                                    quote_coded)
        stances |= used
        # each file whole or not at all: a full disk never leaves an empty or cut-off file
        with atomic_output(folder / f"{stem}.txt") as fh:
            fh.write(doc.text)
        with atomic_output(folder / f"{stem}.ann") as fh:
            fh.write(ann)
        ids.append((stem, doc.id))
        docs += 1
        quotes += len(layer.quotes)
    with atomic_output(folder / IDS_FILE) as fh:
        fh.write("file\tdocument_id\n")
        for stem, doc_id in ids:
            fh.write(f"{stem}\t{json.dumps(doc_id, ensure_ascii=False)}\n")
    with atomic_output(folder / CONF_FILE) as fh:
        fh.write(annotation_conf(stances, stance_target,
                                 offered_values(coded, speaker_attributes),
                                 offered_values(quote_coded, quote_variables)))
    return ExportReport(docs, quotes, str(folder))


# --- reading -------------------------------------------------------------------------------

_T = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t(.*)$")
_A = re.compile(r"^([AM]\d+)\t(\S+) (T\d+)(?: (\S+))?$")
_R = re.compile(r"^(R\d+)\t(\S+) Arg1:(T\d+) Arg2:(T\d+)\s*$")
_N = re.compile(r"^(N\d+)\tReference (T\d+) ([^\t]+)\t?(.*)$")
_NOTE = re.compile(r"^(#\d+)\tAnnotatorNotes (T\d+)\t(.*)$")

_NOTE_SPEAKER = schema.Record(
    {"name": schema.Text(), "kind": schema.Choice(SPEAKER_KINDS, "unknown"),
     "aliases": schema.ALIASES, "attributes": schema.SPEAKER.fields["attributes"]}
)
NOTE = schema.Record(
    {
        "id": schema.Id(),
        "speaker_id": schema.Id(),
        "name": schema.Text(),
        "kind": schema.Choice(SPEAKER_KINDS, ""),
        "aliases": schema.ALIASES,
        "attributes": schema.SPEAKER.fields["attributes"],
        "listed": schema.Flag(True),
        "said": schema.Flag(False),  # a quote's: a Said relation was written for it
        "span": schema.Maybe(schema.SpanPair()),
        "stance": schema.LABEL,
        "parts": schema.PARTS,
        "codes": schema.QUOTE.fields["codes"],
        **schema.QUOTE_EXTRAS,
        "speaker": schema.Maybe(_NOTE_SPEAKER),
    }
)
"""An ``AnnotatorNotes`` object as saywho writes it (on a quote or a speaker's mention); a
note that is not a JSON object is a free-text ``note``."""


@dataclass
class _Ann:
    """The parsed lines of one ``.ann`` file."""

    spans: dict[str, tuple[str, list[tuple[int, int]]]] = field(default_factory=dict)
    attrs: dict[str, dict[str, str]] = field(default_factory=dict)
    rels: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, name, args
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)


_KNOWN_KIND = re.compile(r"^[TARN#]\d*\s")
_KIND_NAMES = {"T": "text-bound (T)", "A": "attribute (A)", "R": "relation (R)",
               "N": "normalization (N)", "#": "note (#)"}


def parse_ann(content: str, where: str = "") -> _Ann:
    """Parse brat standoff lines; other line kinds (events, equivalences) are skipped, and a
    line of a kind saywho reads that does not parse refuses the file in one line (a quote
    whose offsets were mangled was dropped in silence)."""
    ann = _Ann()
    seen: dict[str, int] = {}
    for n, line in enumerate(content.removeprefix("\ufeff").split("\n"), 1):
        if not line.strip():
            continue
        ident = line.split("\t", 1)[0]
        if ident[:1] in "TARN" and ident[1:].isdigit():
            if ident in seen:  # brat refuses it too; the later line replaced the earlier
                raise InputError(f"{where}:{n}: {ident} is used twice (first on line "
                                 f"{seen[ident]}): give each annotation its own id")
            seen[ident] = n
        if m := _T.match(line):
            try:
                frags = [tuple(int(x) for x in f.split()) for f in m.group(3).split(";")]
                spans = [(s, e) for s, e in frags]
            except ValueError as exc:
                raise InputError(f"{where}:{n}: bad offsets {m.group(3)[:40]!r}") from exc
            ann.spans[m.group(1)] = (m.group(2), spans)
        elif m := _A.match(line):
            ann.attrs.setdefault(m.group(3), {})[m.group(2)] = m.group(4) or "true"
        elif m := _R.match(line):
            ann.rels.append((m.group(1), m.group(2), m.group(3), m.group(4)))
        elif m := _N.match(line):
            ann.refs[m.group(2)] = (m.group(3), m.group(4))
        elif m := _NOTE.match(line):
            try:
                data = json.loads(m.group(3))
            except RecursionError as exc:
                raise InputError(f"{where}:{n}: {m.group(2)} note: nested deeper than "
                                 f"{schema.MAX_DEPTH} levels") from exc
            except ValueError:
                data = None
            ann.notes[m.group(2)] = data if isinstance(data, dict) else {"note": m.group(3)}
        elif _KNOWN_KIND.match(line):  # a kind saywho reads, garbled: never dropped unsaid
            raise InputError(visible_line(
                f"{where}:{n}: a {_KIND_NAMES[line[0]]} line saywho cannot read "
                f"({schema.shown(line[:60])}): check its offsets and tabs"))
    return ann


def _merge_newline_gaps(text: str, frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Undo the writer's cuts at line breaks: join fragments separated only by line breaks."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(frags):
        gap = text[merged[-1][1] : s] if merged else ""
        if gap and all(c in LINE_BREAKS for c in gap):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _as_written(text: str, spans: Iterable[Sequence[int]]) -> list[tuple[int, int]]:
    """The fragments the writer puts in the ``.ann`` for ``spans`` (cut at line breaks)."""
    return sorted(f for s, e in spans for f in fragments(text, s, e))


def _parts_ok(parts: list[Any], tid: str, ctx: schema.Context) -> None:
    """Refuse a note's parts that are out of order or outside the text, as ``schema.QUOTE``
    refuses them, even when brat's own span is read instead."""
    schema.QUOTE.check({"id": tid, "start": parts[0][0], "end": parts[-1][1],
                        "parts": parts if len(parts) > 1 else []}, tid, ctx)


def _stance(shown: str | None, noted: str | None, has_note: bool) -> str | None:
    """A quote's stance: the note's exact label while brat still shows it (as an attribute
    value, ``attr_value``), else what brat shows (a stance set, changed or removed in brat)."""
    if not has_note:
        return shown
    if noted is not None and shown is not None and attr_value(noted) == shown:
        return noted
    return shown


def _attributes(noted: dict[str, str], shown: dict[str, list[str]]) -> dict[str, str]:
    """A speaker's attributes (or a quote's codes): what brat shows on its mentions (on the
    quote) wins over the note (a value changed on one mention, one set in brat, one removed
    from every mention), the note's
    exact value while brat still shows it (as an attribute value, ``attr_value``); an
    attribute brat cannot show (``brat_attribute``) from the note."""
    out: dict[str, str] = {}
    for name in [*noted, *(n for n in shown if n not in noted)]:
        values = shown.get(name, [])
        was = noted.get(name)
        changed = [v for v in values if was is None or v != attr_value(was)]
        if changed:
            out[name] = changed[0]
        elif was is not None and (values or not brat_attribute(name)):
            out[name] = was
    return out


def _choice(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    """``value`` lower-cased if it is one of ``allowed``, else ``default`` (files from brat
    users may say ``Direct`` or leave the attribute out)."""
    low = (value or "").lower()
    return low if low in allowed else default


_LINKED = {"Said": "Speaker", "Cues": "Cue"}  # what a relation links a quote to


def _links(ann: _Ann, relation: str, ctx: schema.Context) -> dict[str, str]:
    """Quote T id -> the other argument's T id for ``relation``, in either direction. A
    relation between annotations that are there but are not a quote and a ``_LINKED`` one
    (a quote linked to itself or to another quote, typed by hand) is refused, naming it."""
    out: dict[str, str] = {}
    other = _LINKED[relation]
    for rid, rel, arg1, arg2 in ann.rels:
        if rel != relation:
            continue
        labels = (ann.spans.get(arg1, ("",))[0], ann.spans.get(arg2, ("",))[0])
        if labels == ("Quote", other):
            out[arg1] = arg2
        elif labels == (other, "Quote"):
            out[arg2] = arg1
        elif "" not in labels:
            ctx.fail(rid, f"a {relation} relation links a {labels[0]} ({arg1}) to a "
                          f"{labels[1]} ({arg2}); it links a {other} to a Quote")
        elif labels[0] == "Quote":  # the other end deleted in brat: the caller drops the link
            out[arg1] = arg2
        else:
            out[arg2] = arg1
    return out


def _checked_notes(ann: _Ann, ctx: schema.Context) -> dict[str, dict[str, Any]]:
    """The offsets of every annotation saywho reads inside the text, and its note through
    ``NOTE``."""
    for tid, (label, frags) in ann.spans.items():
        for s, e in frags if label in READ_LABELS else ():
            if s > e:
                ctx.fail(tid, f"offsets {s}-{e} end before they start")
            if e > len(ctx.text):
                ctx.fail(tid, f"offsets {s}-{e} lie outside the text ({len(ctx.text)} chars)")
    notes = {}
    for tid, raw in ann.notes.items():
        if ann.spans.get(tid, ("",))[0] in READ_LABELS:
            schema.check_depth(raw, ctx, f"{tid} note")
            notes[tid] = NOTE.check(raw, f"{tid} note", ctx)
    return notes


def ann_to_layer(text: str, ann: _Ann, *, name: str, where: str = "brat") -> Layer:
    """Build a checked ``Layer`` from a parsed ``.ann`` over ``text``.

    Notes go through ``NOTE`` and every quote and speaker through ``schema.QUOTE`` /
    ``schema.SPEAKER``, as every importer's records do: a wrong value is one ``InputError``
    line naming ``where`` and the annotation (``a.ann: T3 note.confidence: ...``).
    """
    ctx = schema.Context(where, text)
    notes = _checked_notes(ann, ctx)

    def extent(tid: str) -> tuple[int, int]:
        span = notes.get(tid, {}).get("span")
        frags = ann.spans[tid][1]
        if span and _as_written(text, [span]) == sorted(frags):
            return span
        return min(frags)[0], max(e for _, e in frags)

    speakers: dict[str, dict[str, Any]] = {}
    noted_kind: dict[str, str] = {}  # the kind saywho exported, by speaker
    changed_kind: set[str] = set()  # speakers whose kind a brat user changed
    first_tid: dict[str, str] = {}
    mention_speaker: dict[str, str] = {}
    noted_attrs: dict[str, dict[str, str]] = {}  # the attributes saywho exported, by speaker
    shown_attrs: dict[str, dict[str, list[str]]] = {}  # what brat shows on its mentions
    for tid, (label, _frags) in ann.spans.items():
        if label != "Speaker":
            continue
        if "speaker_id" in ann.notes.get(tid, {}) and ann.notes[tid]["speaker_id"] is None:
            continue  # a quote's mention without a speaker
        note = notes.get(tid) or NOTE.check({}, tid, ctx)
        s, e = extent(tid)
        ref = ann.refs.get(tid)
        if ref:
            sid = unquote(ref[0].split(":", 1)[1]) if ":" in ref[0] else ref[0]
            sname = ref[1] or text[s:e]
        else:
            sid, sname = f"spk-{tid}", text[s:e]
        sid = note["speaker_id"] or sid
        mention_speaker[tid] = sid
        old = speakers.get(sid)
        first_tid.setdefault(sid, tid)
        # what brat shows wins over the note: a kind changed in brat, on any of the
        # speaker's mentions, is the user's (mentions that still show the old one do not
        # undo it)
        if note["kind"]:
            noted_kind.setdefault(sid, note["kind"])
        shown = _choice(ann.attrs.get(tid, {}).get("Kind"), SPEAKER_KINDS, "")
        if shown and shown != noted_kind.get(sid) and sid not in changed_kind:
            kind = shown
            changed_kind.add(sid)
        elif old is not None and (sid in changed_kind or not shown):
            kind = old["kind"]
        else:
            kind = shown or note["kind"] or (old["kind"] if old else "unknown")
        if note["attributes"]:
            noted_attrs.setdefault(sid, note["attributes"])
        shows = shown_attrs.setdefault(sid, {})
        for attr, value in ann.attrs.get(tid, {}).items():
            if attr != "Kind":
                shows.setdefault(attr, []).append(value)
        mentions = set(old["mentions"]) if old else set()
        if note["listed"]:
            mentions.add((s, e))
        speakers[sid] = {
            "id": sid,
            "name": note["name"] or (old["name"] if old else sname),
            "kind": kind,
            "aliases": note["aliases"] or (old["aliases"] if old else []),
            "mentions": sorted(mentions),
        }
    for sid, sp in speakers.items():
        sp["attributes"] = _attributes(noted_attrs.get(sid, {}), shown_attrs[sid])
    said = _links(ann, "Said", ctx)
    cues = _links(ann, "Cues", ctx)
    quotes: list[dict[str, Any]] = []
    quote_tids: list[str] = []
    for tid, (label, spans) in ann.spans.items():
        if label != "Quote":
            continue
        meta = notes.get(tid) or NOTE.check({}, tid, ctx)
        attrs = ann.attrs.get(tid, {})
        # the note's exact parts only while brat still shows them: a span moved in brat wins
        # (a garbled note is refused all the same: ``_parts_ok``)
        noted = meta["parts"] or ([extent(tid)] if meta["span"] else [])
        if noted and _as_written(text, noted) != sorted(spans):
            _parts_ok(noted, tid, ctx)
            noted = []
        parts = noted or _merge_newline_gaps(text, spans)
        rec: dict[str, Any] = {
            "id": meta["id"] or tid,
            "start": parts[0][0],
            "end": parts[-1][1],
            "type": _choice(attrs.get("QuoteType"), QUOTE_TYPES, "direct"),
            "parts": parts if len(parts) > 1 else [],
            "speaker_id": meta["speaker_id"],
            "stance": _stance(attrs.get("Stance"), meta["stance"],
                              "stance" in ann.notes.get(tid, {})),
            "confidence": meta["confidence"],
            "status": _choice(attrs.get("Status"), QUOTE_STATUSES, "accepted"),
            "origin": meta["origin"],
            "note": meta["note"],
            "created": meta["created"],
            "updated": meta["updated"],
            "codes": _attributes(meta["codes"], {
                k: [v] for k, v in attrs.items() if k not in SAYWHO_ATTRIBUTES}),
        }
        if meta["said"] and not (tid in said and said[tid] in ann.spans):
            rec["speaker_id"] = None  # its Said relation was deleted in brat: no speaker
        if tid in said and said[tid] in ann.spans:
            rec["speaker_start"], rec["speaker_end"] = extent(said[tid])
            # the mention brat links the quote to names its speaker (a re-link is the user's)
            rec["speaker_id"] = mention_speaker.get(said[tid]) or rec["speaker_id"]
        sid = rec["speaker_id"]
        if sid and sid not in speakers:
            extra = meta["speaker"] or {"name": "", "kind": "unknown", "aliases": [],
                                        "attributes": {}}
            speakers[sid] = {**extra, "id": sid, "name": extra["name"] or sid, "mentions": []}
            first_tid[sid] = tid
        if tid in cues and cues[tid] in ann.spans:
            rec["cue_start"], rec["cue_end"] = extent(cues[tid])
            rec["cue_lemma"] = meta["cue_lemma"]
        quotes.append(schema.QUOTE.check(rec, tid, ctx))
        quote_tids.append(tid)
    speaker_tids = [first_tid[sid] for sid in speakers]
    clean = [schema.SPEAKER.check(sp, first_tid[sid], ctx) for sid, sp in speakers.items()]
    return build_layer(quotes, clean, text, name=name, doc=where,
                       quote_paths=quote_tids, speaker_paths=speaker_tids)


MAX_FILE_BYTES = 200_000_000  # one .txt or .ann of a brat folder


def _read_utf8(path: Path) -> str:
    """A file's text, or one ``InputError`` line when it is not a regular file (a pipe, a
    device), cannot be read, is too large or is not UTF-8."""
    refuse_special(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path_text(path)}: larger than {MAX_FILE_BYTES / 1e6:.0f} MB; "
                             "not a brat file")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path_text(path)}: cannot read ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first"
        ) from exc


def _read_ids(path: Path) -> dict[str, str]:
    """``saywho-ids.tsv``: file stem -> document id (a JSON string)."""
    names: dict[str, str] = {}
    for n, line in enumerate(_read_utf8(path).splitlines()[1:], 2):
        stem, _, raw = line.partition("\t")
        if not (stem and raw):
            continue
        try:
            doc_id = json.loads(raw)
        except (ValueError, RecursionError):
            doc_id = None
        if not isinstance(doc_id, str) or not doc_id.strip():
            raise InputError(f"{path}:{n}: document id must be a JSON string, got {raw[:40]!r}")
        names[stem] = doc_id
    return names


def read_brat(folder: Path, *, layer: str = "brat") -> list[tuple[str, str, Layer]]:
    """Read every ``<doc>.txt`` + ``<doc>.ann`` of ``folder`` as ``(doc_id, text, Layer)``.

    Document ids come from ``saywho-ids.tsv`` when present, else from the file stems. A
    ``.txt`` without an ``.ann`` reads as a document without quotes. Raises ``InputError``
    (one line naming the file and the annotation) for a folder without ``.txt`` files, a file
    that is not UTF-8, or an annotation that does not fit its text or the schema.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder")
    ids_path = folder / IDS_FILE
    names = _read_ids(ids_path) if ids_path.exists() else {}
    out: list[tuple[str, str, Layer]] = []
    txts = sorted(p for p in folder.glob("*.txt") if not p.is_dir())
    if not txts:
        raise InputError(f"{folder} holds no brat .txt files")
    for txt in txts:
        text = _read_utf8(txt)
        ann_path = txt.with_suffix(".ann")
        content = (_read_utf8(ann_path) if ann_path.exists() or ann_path.is_symlink()
                   else "")
        content = content.replace("\r\n", "\n").replace("\r", "\n")
        try:
            built = ann_to_layer(text, parse_ann(content, str(ann_path)), name=layer,
                                 where=str(ann_path))
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise InputError(visible_line(f"{ann_path}: cannot read ({exc})")) from exc
        out.append((names.get(txt.stem, path_text(txt.stem)), text, built))
    return out
