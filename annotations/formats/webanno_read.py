"""WebAnno TSV 3.3 in: annotations made or corrected in INCEpTION come back as a saywho layer.

``annotations.formats.webanno`` writes the files INCEpTION imports; this reads what INCEpTION
writes back, following its ``Tsv3XDeserializer`` and the format description (INCEpTION user
guide, "WebAnno TSV 3.3 File format"). Input: one ``.tsv`` file, a folder of them (as
``write_webanno`` writes), or an INCEpTION project export, zipped or unpacked, whose
``annotation/<document name>/<user>.tsv`` (and ``curation/<document name>/CURATION_USER.tsv``)
files were exported as WebAnno TSV 3.3. A document's id is its file stem (``d0.tsv`` -> ``d0``),
or the stem of its INCEpTION document name (``article.txt`` -> ``article``), as the plain-text
importer names documents.

The text. TSV has no document text, only each sentence's ``#Text=`` lines (text-escaped) and
every token's UTF-16 offsets, which are authoritative. The text is rebuilt as INCEpTION rebuilds
it: each sentence's lines joined by line breaks and followed by one, the gap up to the next
sentence's first token filled with spaces (that line break dropped when the next sentence starts
right after it). What lay between sentences (a blank line between paragraphs, say) is not in the
file, so pass the original ``texts`` to get it back exactly: each sentence is then checked
against that text at its offsets, and the text itself is used.

Layers and what they become (columns are found by the header's layer and feature names; a
layer or feature the reader does not know, such as a further feature a newer ``write_webanno``
adds, is skipped):

- ``webanno.custom.Quote`` (``quoteId``, ``quoteType``, ``speaker``, ``speakerId``,
  ``stance``, ``status``), exactly as ``write_webanno`` writes it: the spans sharing a
  ``quoteId`` are the parts of one quote; a span without one (drawn in INCEpTION) is a quote of
  its own. A quote without ``status`` is ``accepted`` (a person drew it); an unknown
  ``quoteType`` reads as ``direct``. ``speakerId`` links the speaker; a quote with only a
  ``speaker`` name is linked to a speaker keyed by that name. ``codes``, when the file has
  it, is a JSON object of the quote's coded variables (``{"topic":"crime"}``; its first part
  that has one gives them).
- ``webanno.custom.Speaker`` (``name``, ``kind``, ``speakerId``, and ``attributes`` when the
  file has it): every span is a mention of the speaker its ``speakerId`` names (a span without
  one: of a speaker keyed by its ``name``, else by its words). ``attributes`` is a JSON object
  of the speaker's coded attributes (``{"gender":"female"}``); the speaker's first mention
  that has one gives them, as its first mention gives its kind.
- INCEpTION's default named-entity layer ``de.tudarmstadt.ukp.dkpro.core.api.ner.type.
  NamedEntity`` with ``value`` ``PER`` or ``PERSON``: a *speaker candidate*, a mention of a
  ``person`` speaker keyed by its words (``spk-jane-roe``), never a quote and never linked to
  one. A span that is already a ``Speaker`` mention adds nothing. Other entity values (ORG,
  LOC, ...) are left out: most organisations and places in news are not speakers.
- Everything else (POS, lemmas, dependencies, coreference chains, relation layers, other custom
  layers) is skipped.

What TSV does not carry, so what a layer read back lacks: which mention of its speaker a quote
names (``speaker_mention`` stays empty; ``write_webanno`` records only the speaker id), cues,
notes, confidences, origins and timestamps, aliases, the kind and attributes of a speaker
without a mention, and white space at either end of a span (spans are whole tokens).
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

from annotations.display import visible_line
from annotations.errors import InputError
from annotations.formats import schema
from annotations.formats.interchange import build_layer
from annotations.formats.readers import path_text
from annotations.formats.webanno import (
    ATTRIBUTES_FEATURE,
    CODES_FEATURE,
    QUOTE_LAYER,
    SPEAKER_LAYER,
)
from annotations.model import QUOTE_STATUSES, SPEAKER_KINDS, Layer

NAMED_ENTITY_LAYER = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
PERSON_VALUES = frozenset({"PER", "PERSON"})
CURATION_USER = "CURATION_USER"
# INCEpTION keeps a document's state before anyone annotated it under this name
INITIAL_CAS = "INITIAL_CAS"
READ_LAYERS = frozenset({QUOTE_LAYER, SPEAKER_LAYER, NAMED_ENTITY_LAYER})

_FORMAT = re.compile(r"#FORMAT=WebAnno TSV (\d+)\.(\d+)")
_OFFSETS = re.compile(r"(\d+)-(\d+)")
_DISAMBIGUATION = re.compile(r"\[(\d+)\]$")
_EXPORT_FILE = re.compile(r"(?:^|/)(annotation|curation)/([^/]+)/([^/]+)\.tsv$")
_VALUE_ESCAPES = {"\\": "\\", "[": "[", "]": "]", "|": "|", "_": "_", ";": ";", "*": "*",
                  "t": "\t", "n": "\n", "r": "\r"}
_TEXT_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b",
                 **{chr(i): chr(i) for i in range(32) if not 8 <= i <= 13}}


def _fail(where: str, message: str) -> NoReturn:
    raise InputError(visible_line(f"{where}: {message}"))


def unescape_text(raw: str, where: str) -> str:
    """A ``#Text=`` line's text (TSV 3.2+: ``\\\\``, ``\\t``, ``\\n``, ``\\f``, ``\\r``,
    ``\\b`` and a backslash before another control character); any other escape is refused."""
    if "\\" not in raw:
        return raw
    out, i = [], 0
    while i < len(raw):
        c = raw[i]
        if c == "\\":
            nxt = raw[i + 1 : i + 2]
            if nxt not in _TEXT_ESCAPES or not nxt:
                _fail(where, f"unknown escape {schema.shown(raw[i : i + 2])} in the #Text= line")
            out.append(_TEXT_ESCAPES[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def unescape_value(raw: str, where: str) -> str:
    """A feature value with TSV's escapes undone (``\\\\ \\[ \\] \\| \\_ \\-> \\; \\* \\t \\n
    \\r``); any other escape is refused."""
    if "\\" not in raw:
        return raw
    out, i = [], 0
    while i < len(raw):
        c = raw[i]
        if c != "\\":
            out.append(c)
            i += 1
        elif raw.startswith("->", i + 1):
            out.append("->")
            i += 3
        elif raw[i + 1 : i + 2] in _VALUE_ESCAPES and raw[i + 1 : i + 2]:
            out.append(_VALUE_ESCAPES[raw[i + 1]])
            i += 2
        else:
            _fail(where, f"unknown escape {schema.shown(raw[i : i + 2])} in a feature value")
    return "".join(out)


def split_stacked(cell: str) -> list[str]:
    """A cell's stacked values, split at every ``|`` that no backslash escapes (still
    escaped)."""
    pieces, cur, i = [], [], 0
    while i < len(cell):
        c = cell[i]
        if c == "\\":
            cur.append(cell[i : i + 2])
            i += 2
        elif c == "|":
            pieces.append("".join(cur))
            cur = []
            i += 1
        else:
            cur.append(c)
            i += 1
    pieces.append("".join(cur))
    return pieces


def _value_and_id(piece: str) -> tuple[str, str | None]:
    """A stacked value and its disambiguation id (``PER[3]`` -> ``PER``, ``"3"``); a ``[N]``
    whose bracket is escaped is part of the value."""
    m = _DISAMBIGUATION.search(piece)
    if m is None:
        return piece, None
    before = piece[: m.start()]
    if (len(before) - len(before.rstrip("\\"))) % 2:
        return piece, None
    return before, m.group(1)


@dataclass(frozen=True, slots=True)
class Column:
    """One annotation column of the header: its layer kind (``SP``/``CH``/``RL``), layer and
    feature (``""`` for the placeholder of a layer without features)."""

    kind: str
    layer: str
    feature: str


def parse_header(lines: list[str], where: str) -> tuple[list[Column], int]:
    """The columns the header declares and the index of the first body line.

    Refuses a first line that is not ``#FORMAT=WebAnno TSV 3.2`` or ``3.3`` (the versions
    whose escaping this reader implements) and a header line that is no layer declaration.
    """
    first = lines[0] if lines else ""
    m = _FORMAT.fullmatch(first)
    if m is None or (int(m.group(1)), int(m.group(2))) not in ((3, 2), (3, 3)):
        _fail(f"{where}:1", "not a WebAnno TSV 3.3 file (expected #FORMAT=WebAnno TSV 3.3, "
              f"got {schema.shown(first)})")
    columns: list[Column] = []
    i = 1
    while i < len(lines) and lines[i]:
        line = lines[i]
        kind = line[3:5] if line.startswith("#T_") and line[5:6] == "=" else ""
        if kind not in ("SP", "CH", "RL"):
            _fail(f"{where}:{i + 1}", "expected a layer declaration (#T_SP=, #T_CH=, #T_RL=) or "
                  f"an empty line, got {schema.shown(line)}")
        fields = [f for f in line[6:].split("|") if f]
        if not fields:
            _fail(f"{where}:{i + 1}", "a layer declaration without a layer name")
        columns.extend(Column(kind, fields[0], f) for f in fields[1:] or [""])
        i += 1
    return columns, i


@dataclass
class _Annotation:
    """One span annotation: its extent in UTF-16 units, its feature values, where it starts."""

    layer: str
    begin: int
    end: int
    line: int
    values: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ParsedTsv:
    """What one TSV file holds: the document's text and the annotations of the layers read
    (offsets in code points)."""

    text: str
    annotations: tuple[_Annotation, ...]


QUOTE_READ = ("quoteId", "quoteType", "speaker", "speakerId", "stance", "status",
              CODES_FEATURE)
"""The ``webanno.custom.Quote`` features this reader uses (``write_webanno``'s names); the
layer's other features (``stanceTarget``, a later addition) are skipped unread."""
SPEAKER_READ = ("name", "kind", "speakerId", ATTRIBUTES_FEATURE)
"""The ``webanno.custom.Speaker`` features this reader uses."""
_FEATURES = {QUOTE_LAYER: frozenset(QUOTE_READ), SPEAKER_LAYER: frozenset(SPEAKER_READ),
             NAMED_ENTITY_LAYER: frozenset({"value"})}


def parse_tsv(content: str, where: str, text: str | None = None) -> ParsedTsv:
    """Parse one WebAnno TSV 3.3 file (see the module doc); ``text``, when given, is the
    document's known text, checked against every sentence and used instead of the rebuilt one.

    Refuses, with one line naming the file and line: a bad header, a line with fewer fields
    than the header declares, offsets that are not ``begin-end`` or do not fit their
    sentence's text (or ``text``), a token whose text differs from the text at its offsets,
    sentences that overlap, and unknown escapes.
    """
    lines = content.removeprefix("\ufeff").split("\n")
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    columns, i = parse_header(lines, where)
    width = 3 + len(columns)
    read = [(n, c) for n, c in enumerate(columns) if c.layer in READ_LAYERS and c.kind == "SP"]
    pieces: list[str] = []
    units = 0  # the rebuilt text's length in UTF-16 units, as INCEpTION counts it
    header: list[str] = []
    # the line of its first #Text=, begin, end (UTF-16), text
    sentences: list[tuple[int, int, int, str]] = []
    tokens: list[tuple[int, int, int, str]] = []  # line, begin, end (UTF-16), token
    found: dict[tuple[Any, ...], _Annotation] = {}
    limit = (0, 0)
    text_line = 0
    state = "space"
    for n, line in enumerate(lines[i:], i + 1):
        at = f"{where}:{n}"
        if not line:
            if state == "header":
                _fail(at, "a sentence without tokens (#Text= lines, then an empty line)")
            state = "space"
            continue
        if state in ("space", "header") and line.startswith("#"):
            if line.startswith("#Text="):
                if not header:
                    text_line = n
                header.append(unescape_text(line[6:], at))
            state = "header"  # #Sentence.id= and other sentence headers are skipped
            continue
        if state == "space":
            _fail(at, f"expected a #Text= line before the tokens, got {schema.shown(line)}")
        if line.startswith("#Text="):
            _fail(at, "expected an empty line before the next sentence's #Text= line")
        fields = line.split("\t")
        if len(fields) < width:
            _fail(at, f"expected {width} tab-separated fields as the header declares, found "
                  f"{len(fields)}")
        m = _OFFSETS.fullmatch(fields[1])
        if m is None:
            _fail(at, f"expected token offsets begin-end, got {schema.shown(fields[1])}")
        begin, end = int(m.group(1)), int(m.group(2))
        if state == "header":
            if "." in fields[0]:
                _fail(at, "a sub-token before its token")
            if units > begin:
                if units != begin + 1 or not pieces or not pieces[-1].endswith("\n"):
                    _fail(at, f"the sentence starts at {begin}, inside the previous sentence "
                          f"(which ends at {units - 1})")
                pieces[-1] = pieces[-1][:-1]
                units -= 1
            if units < begin:
                pieces.append(" " * (begin - units))
                units = begin
            body = "".join(part + "\n" for part in header)
            pieces.append(body)
            size = _units(body)
            limit = (begin, begin + size - 1)
            sentences.append((text_line, begin, begin + size - 1, body[:-1]))
            units += size
            header = []
        if begin > end or begin < limit[0] or end > limit[1]:
            _fail(at, f"offsets {begin}-{end} do not fit the sentence's text "
                  f"({limit[0]}-{limit[1]})")
        tokens.append((n, begin, end, fields[2]))
        _annotations(fields, read, begin, end, n, at, found)
        state = "token"
    if state == "header":
        _fail(f"{where}:{len(lines)}", "a sentence without tokens at the end of the file")
    rebuilt = "".join(pieces)
    points = _points(rebuilt)
    for n, begin, end, token in tokens:
        s, e = _to_points(points, begin, end, f"{where}:{n}")
        if rebuilt[s:e] != token:
            _fail(f"{where}:{n}", f"the token {schema.shown(token)} does not match the text at "
                  f"{begin}-{end} ({schema.shown(rebuilt[s:e])})")
    if text is not None:
        points = _points(text)
        for n, begin, end, sentence in sentences:
            s, e = _to_points(points, begin, end, f"{where}:{n}")
            if text[s:e] != sentence:
                _fail(f"{where}:{n}", f"the sentence does not match the document's text at "
                      f"{begin}-{end}")
    final = rebuilt if text is None else text
    annotations = []
    for a in found.values():
        s, e = _to_points(points, a.begin, a.end, f"{where}:{a.line}")
        annotations.append(_Annotation(a.layer, s, e, a.line, a.values))
    return ParsedTsv(final, tuple(annotations))


def _annotations(fields: list[str], read: list[tuple[int, Column]], begin: int, end: int,
                 n: int, at: str,
                 found: dict[tuple[Any, ...], _Annotation]) -> None:
    """Add this token's cells of the layers read to ``found``: a value with a disambiguation
    id continues the annotation of that id, another one is an annotation of this token (its
    stacking index ties the columns of one annotation together)."""
    for idx, col in read:
        cell = fields[3 + idx]
        if cell == "_":
            continue
        for k, piece in enumerate(split_stacked(cell)):
            raw, ident = _value_and_id(piece)
            key = (col.layer, "id", ident) if ident else (col.layer, "unit", fields[0], k)
            a = found.get(key)
            if a is None:
                a = found[key] = _Annotation(col.layer, begin, end, n)
            a.begin, a.end = min(a.begin, begin), max(a.end, end)
            if col.feature in _FEATURES[col.layer] and col.feature not in a.values:
                a.values[col.feature] = None if raw == "*" else unescape_value(
                    raw, f"{at}: {col.feature}")


def _units(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _points(text: str) -> dict[int, int]:
    """UTF-16 offset -> code-point offset, for every offset on a character boundary."""
    table, units = {0: 0}, 0
    for i, c in enumerate(text, 1):
        units += 2 if ord(c) > 0xFFFF else 1
        table[units] = i
    return table


def _to_points(points: dict[int, int], begin: int, end: int, where: str) -> tuple[int, int]:
    """``begin``-``end`` in code points, or one ``InputError`` line when they do not fit."""
    if begin not in points or end not in points:
        size = max(points)
        if begin > size or end > size:
            _fail(where, f"offsets {begin}-{end} lie outside the document's text ({size} UTF-16 "
                  "units)")
        _fail(where, f"offsets {begin}-{end} split a character (offsets count UTF-16 units)")
    return points[begin], points[end]


def _words(text: str) -> str:
    return " ".join(text.split())


def _key(name: str) -> str:
    return "spk-" + "-".join(name.lower().split())


def _attributes(raw: str, line: int, ctx: schema.Context,
                feature: str = ATTRIBUTES_FEATURE) -> Any:
    """A Speaker span's ``attributes`` value (a Quote span's ``codes``, with ``feature``): the
    JSON object it holds (``schema.SPEAKER`` / ``schema.QUOTE`` check its names and values),
    or one ``InputError`` line when it is not JSON."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        ctx.fail(f"line {line}.{feature}", "expected a JSON object of attribute names and "
                 f"values, got {schema.shown(raw)}")


def tsv_to_layer(parsed: ParsedTsv, *, name: str, where: str, origin: str = "") -> Layer:
    """The saywho layer of one parsed TSV file (mapping in the module doc), through
    ``schema`` and ``build_layer`` like every importer."""
    text = parsed.text
    ctx = schema.Context(where, text)
    speakers: dict[str, dict[str, Any]] = {}
    first_line: dict[str, int] = {}
    mention_spans: set[tuple[int, int]] = set()
    ordered = sorted(parsed.annotations, key=lambda a: (a.begin, a.end, a.line))
    for a in ordered:
        if a.layer != SPEAKER_LAYER:
            continue
        v = a.values
        words = _words(text[a.begin : a.end])
        label = v.get("name") or words
        sid = v.get("speakerId") or (_key(label) if label else f"spk-line-{a.line}")
        kind = (v.get("kind") or "").strip().lower()
        entry = speakers.setdefault(sid, {"id": sid, "name": v.get("name") or words or sid,
                                          "kind": kind if kind in SPEAKER_KINDS else "unknown",
                                          "aliases": [], "mentions": []})
        if (a.begin, a.end) not in entry["mentions"]:
            entry["mentions"].append((a.begin, a.end))
        if v.get(ATTRIBUTES_FEATURE) and "attributes" not in entry:
            entry["attributes"] = _attributes(v[ATTRIBUTES_FEATURE], a.line, ctx)
        mention_spans.add((a.begin, a.end))
        first_line.setdefault(sid, a.line)
    for a in ordered:
        value = (a.values.get("value") or "").strip().upper()
        if a.layer != NAMED_ENTITY_LAYER or value not in PERSON_VALUES:
            continue
        words = _words(text[a.begin : a.end])
        if (a.begin, a.end) in mention_spans or not words:
            continue
        sid = _key(words)
        entry = speakers.setdefault(sid, {"id": sid, "name": words, "kind": "person",
                                          "aliases": [], "mentions": []})
        entry["mentions"].append((a.begin, a.end))
        mention_spans.add((a.begin, a.end))
        first_line.setdefault(sid, a.line)
    groups: dict[Any, list[_Annotation]] = {}
    for n, a in enumerate(ordered):
        if a.layer == QUOTE_LAYER:
            groups.setdefault(a.values.get("quoteId") or ("span", n), []).append(a)
    quotes, paths = [], []
    for qid, spans in groups.items():
        def first(feature: str, spans: list[_Annotation] = spans) -> str | None:
            return next((s.values[feature] for s in spans if s.values.get(feature)), None)

        status = (first("status") or "").strip().lower()
        parts = [[a.begin, a.end] for a in spans]
        rec = {
            "id": qid if isinstance(qid, str) else None,
            "start": parts[0][0],
            "end": parts[-1][1],
            "parts": parts if len(parts) > 1 else [],
            "type": first("quoteType"),
            "status": status if status in QUOTE_STATUSES else "accepted",
            "stance": first("stance"),
            "speaker_id": first("speakerId"),
            "speaker_name": first("speaker"),
        }
        if (codes := first(CODES_FEATURE)) is not None:
            rec["codes"] = _attributes(codes, spans[0].line, ctx, CODES_FEATURE)
        path = f"line {spans[0].line}"
        quotes.append(schema.QUOTE.check(rec, path, ctx))
        paths.append(path)
    clean = [schema.SPEAKER.check(sp, f"line {first_line[sid]}", ctx)
             for sid, sp in speakers.items()]
    return build_layer(quotes, clean, text, name=name, origin=origin, doc=where,
                       quote_paths=paths,
                       speaker_paths=[f"line {first_line[sid]}" for sid in speakers])


# --- where the files are ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Source:
    """One TSV file to read: the document id, a name for messages, its bytes, its annotator."""

    doc_id: str
    where: str
    data: bytes
    user: str = ""


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _fail(where, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
              "TSV files are UTF-8")


def _export_sources(entries: Iterable[tuple[str, Any]], path: Path, user: str | None,
                    prefix: str) -> list[_Source] | None:
    """The files of an INCEpTION project export (``entries``: relative name -> a loader), or
    ``None`` when there are none; the user's files, else the single user's, else refused."""
    found: list[tuple[str, str, str, Any]] = []
    for rel, load in entries:
        m = _EXPORT_FILE.search(rel)
        if m is None or m.group(3) == INITIAL_CAS:
            continue
        found.append((PurePosixPath(m.group(2)).stem, m.group(3), rel, load))
    if not found:
        return None
    users = sorted({u for _, u, _, _ in found})
    if user is None and len(users) > 1:
        raise InputError(visible_line(
            f"{path}: annotations by {len(users)} users; choose one (saywho import --user NAME): "
            + ", ".join(users)))
    chosen = [f for f in found if user is None or f[1] == user]
    if not chosen:
        raise InputError(visible_line(
            f"{path}: no annotations by {schema.shown(user)}; choose one of: " + ", ".join(users)))
    return [_Source(doc, f"{prefix}{rel}", load(), u) for doc, u, rel, load in sorted(chosen)]


MAX_ENTRY_BYTES = 200_000_000  # one document's TSV inside a project export zip


def _zip_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """One entry's bytes, refused past ``MAX_ENTRY_BYTES`` before it is inflated (a small
    zip can hold a huge entry)."""
    if info.file_size > MAX_ENTRY_BYTES:
        raise InputError(visible_line(
            f"{path}!{info.filename}: {info.file_size / 1e6:.0f} MB inflated, more than a "
            f"document's TSV can be ({MAX_ENTRY_BYTES / 1e6:.0f} MB); not read"))
    with zf.open(info) as fh:
        data = fh.read(MAX_ENTRY_BYTES + 1)
    if len(data) > MAX_ENTRY_BYTES:  # the entry's header understated its size
        raise InputError(visible_line(f"{path}!{info.filename}: larger than its zip header "
                                         "says; not read"))
    return data


def _sources(path: Path, user: str | None) -> list[_Source]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.tsv") if p.is_file())
        entries = [(p.relative_to(path).as_posix(), p.read_bytes) for p in files]
        exported = _export_sources(entries, path, user, f"{path}/")
        if exported is not None:
            return exported
        flat = [p for p in files if p.parent == path]
        if not flat:
            raise InputError(visible_line(f"{path} holds no WebAnno TSV (.tsv) files"))
        return [_Source(path_text(p.stem), path_text(p), p.read_bytes()) for p in flat]
    if not path.exists():
        raise InputError(visible_line(f"{path}: no such file or folder"))
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                infos = [i for i in zf.infolist() if not i.is_dir()]
                entries = [(i.filename, partial(_zip_entry, zf, i, path)) for i in infos]
                exported = _export_sources(entries, path, user, f"{path}!")
        # a damaged, encrypted or oddly compressed entry: zlib.error, RuntimeError,
        # NotImplementedError, EOFError... all say the same to the user
        except (zipfile.BadZipFile, OSError, zlib.error, RuntimeError, NotImplementedError,
                EOFError, ValueError) as exc:
            raise InputError(visible_line(f"{path}: cannot read the zip file ({exc})")) from exc
        if exported is None:
            raise InputError(visible_line(
                f"{path}: no annotation/<document>/<user>.tsv files; export the INCEpTION "
                "project in the WebAnno TSV 3.3 format"))
        return exported
    if path.suffix.lower() == ".zip":
        raise InputError(visible_line(
            f"{path}: not a whole zip file (cut short or damaged); export it again"))
    return [_Source(path_text(path.stem), path_text(path), path.read_bytes())]


def read_webanno(
    path: Path,
    *,
    layer: str = "webanno",
    user: str | None = None,
    texts: Mapping[str, str] | None = None,
) -> list[tuple[str, str, Layer]]:
    """Read WebAnno TSV 3.3 (a file, a folder, or an INCEpTION project export) as
    ``(doc_id, text, Layer)`` per document; the mapping is in the module doc.

    For a project export, ``user`` picks whose annotations to read (``CURATION_USER`` for the
    curated ones); without it the export must hold one user's only, else the call is refused
    naming the users. ``texts`` (document id -> text) gives documents' known texts: each is
    checked against the file's sentences and returned exactly. Raises one ``InputError`` line
    naming the file (and line) for anything that cannot be read.
    """
    path = Path(path)
    out: list[tuple[str, str, Layer]] = []
    seen: dict[str, str] = {}
    for src in _sources(path, user):
        if src.doc_id in seen:
            raise InputError(visible_line(
                f"{src.where}: document id {schema.shown(src.doc_id)} already read from "
                f"{seen[src.doc_id]}"))
        seen[src.doc_id] = src.where
        known = texts.get(src.doc_id) if texts else None
        parsed = parse_tsv(_decode(src.data, src.where), src.where, known)
        built = tsv_to_layer(parsed, name=layer, where=src.where, origin=src.user)
        out.append((src.doc_id, parsed.text, built))
    return out
