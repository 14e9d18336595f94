"""CoNLL-U Plus out and in: one token per line, for sequence-labelling tools and CoNLL readers.

Why this shape: CoNLL readers (the ``conllu`` package, UD tools, conlleval-style scripts) take
token-per-line files, and researchers edit tags there and bring them back (``read_conll``).
Every token line starts with its ``ID``, so no token (``#`` of "#MeToo" included) can start a
line that a reader takes for a comment; quotes, speaker mentions and cues that nest or overlap
each keep their own extent, and the resolved speaker ("He" -> "Jorge Field"), the stance and
its target travel with them.

Layout::

    # global.columns = ID FORM SAYWHO:QUOTE SAYWHO:STANCE SAYWHO:SPEAKER SAYWHO:CUE MISC
    # annotator = <name>                              once, when the export names one
    # newdoc id = <document id>
    # saywho.doc_id = "<document id as JSON>"         only when the id has line breaks, tabs,
                                                      runs of spaces or outer white space
    # stance_target = <the stance scheme's target>    when the writer is given one
    # mentions = [[start, end], ...]                  speaker mention n is the n-th pair
    # speaker.<k> = {"id", "name", "kind", "aliases", "mentions": [n, ...], "attributes"}
                                                      attributes: only when coded
    # quote.<q> = {"id", "type", "start", "end", "parts", "status", "stance", "speaker_id",
                   "speaker_name", "mention", "cue", "cue_lemma", "origin", "confidence",
                   "note", "created", "updated", "codes"}
                                                      codes: only when coded
    # sent_id = <document id>-<n>
    # text = <the sentence, each run of white space one space>
    <ID> TAB <FORM> TAB <QUOTE> TAB <STANCE> TAB <SPEAKER> TAB <CUE> TAB <MISC>

Columns (``;`` separates the values of one token where spans nest or overlap):

- ``ID``: the token's number in its sentence, from 1 (CoNLL-U's first column).
- ``FORM``: the token as in the text; white space and control characters inside it are
  written ``\\t``, ``\\n``, ``\\r`` or ``\\uXXXX`` so a line stays one line with seven columns.
- ``SAYWHO:QUOTE``: ``B-<type>:<q>`` on the first token of each part of quote number ``q``
  (``type`` is ``direct``, ``indirect`` or ``mixed``), ``I-<type>:<q>`` on its other tokens;
  ``O`` on a token outside every quote. A split quote has one ``B-`` per part.
- ``SAYWHO:STANCE``: ``<q>:<label>`` on every token of quote ``q`` that has a stance (the label
  percent-encoded where it holds ``%``, ``;``, white space or control characters); ``_`` when
  none.
- ``SAYWHO:SPEAKER``: ``B-SPEAKER:<n>`` / ``I-SPEAKER:<n>`` over speaker mention ``n`` (names
  and pronouns), followed by ``><q>,<q>...`` when that mention is the speaker of those quotes;
  ``O`` when none.
- ``SAYWHO:CUE``: ``B-CUE:<q>`` / ``I-CUE:<q>`` over the cue (reporting verb or phrase) of
  quote ``q``; ``O`` when none.
- ``MISC``: ``Offset=<start>-<end>``, the token's Python character offsets in the document text,
  and CoNLL-U's ``SpaceAfter=No`` when no white space follows the token.

Quotes are numbered in reading order and mentions by position, per document; the ``quote.<q>``
and ``speaker.<k>`` comments (JSON) give their saywho ids, the canonical speaker name, status,
origin, confidence, note and times, and the exact offsets. Sentences and tokens are those of
``annotations.text`` (the one splitter), each token also cut at every annotation edge, so tags
are exact; a blank line ends a sentence.

Reading (``read_conll``): the tokens must match the project's text (each ``FORM`` reads the text
at its ``Offset``; only white space lies between tokens); the columns are the truth for what
they show, so tags edited in another tool come back as edited. The comments give what no
column shows: ids, names, status and the rest, and the exact offsets of an edge that lies in
white space (used while the tags still cover the same tokens).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote as percent_quote
from urllib.parse import unquote as percent_unquote

from annotations.display import visible_line
from annotations.errors import InputError
from annotations.formats import schema
from annotations.formats.export_common import (
    DocLayer,
    ExportReport,
    atomic_output,
    sentence_tokens,
)
from annotations.formats.interchange import build_layer
from annotations.model import QUOTE_STATUSES, QUOTE_TYPES, SPEAKER_KINDS, Layer
from annotations.text import sentences, span_edges

COLUMNS = (
    "ID", "FORM", "SAYWHO:QUOTE", "SAYWHO:STANCE", "SAYWHO:SPEAKER", "SAYWHO:CUE", "MISC",
)
NONE_TAG = "O"
NONE_VALUE = "_"

Span = tuple[int, int]


# --- writing -------------------------------------------------------------------------------


def _one_line(s: str) -> str:
    """``s`` on one line: each run of white space (line breaks included) one space."""
    return " ".join(s.split())


_FORM_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_FORM_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def form(token: str) -> str:
    """The ``FORM`` column for a token's text: white space and control characters escaped, so
    the line keeps its seven tab-separated columns and no reader splits it or strips it."""
    return _FORM_UNSAFE.sub(
        lambda m: _FORM_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), token
    )


_VALUE_UNSAFE = re.compile(r"[%;\s\x00-\x1f\x7f-\x9f]")


def _label(value: str) -> str:
    """A label made safe for a multi-valued column (percent-encoded where needed)."""
    return _VALUE_UNSAFE.sub(lambda m: percent_quote(m.group(), safe=""), value)


def _json(value: Any) -> str:
    """JSON on one line for a comment: no character any reader takes for a line break."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("\x85", "\\u0085")
    )


def _tag(
    column: dict[int, list[str]], starts: list[int], span: Span, label: str, prefix: bool = True
) -> None:
    """Add ``label`` (``B-``/``I-`` prefixed) to the tokens inside ``span``: those starting in
    it, which end inside it too because tokens are cut at every annotation edge."""
    lo, hi = bisect.bisect_left(starts, span[0]), bisect.bisect_left(starts, span[1])
    for i in range(lo, hi):
        value = (("B-" if i == lo else "I-") + label) if prefix else label
        column.setdefault(i, []).append(value)


def document_to_conll(
    doc_id: str, text: str, layer: Layer, *, stance_target: str | None = None
) -> str:
    """The CoNLL-U Plus block of one document (ends with a blank line); see the module doc."""
    quotes = layer.sorted_quotes()
    qnum = {q.id: n for n, q in enumerate(quotes, 1)}
    mention_spans: set[Span] = {
        (m.start, m.end) for sp in layer.speakers.values() for m in sp.mentions
    }
    mention_spans |= {
        (q.speaker_mention.start, q.speaker_mention.end) for q in quotes if q.speaker_mention
    }
    mentions = sorted(mention_spans)
    mnum = {span: n for n, span in enumerate(mentions, 1)}
    said: dict[int, list[int]] = {}
    edges: list[Span] = list(mentions)
    for q in quotes:
        edges += q.part_spans()
        if q.cue is not None:
            edges.append((q.cue.start, q.cue.end))
        if q.speaker_mention is not None:
            m = mnum[(q.speaker_mention.start, q.speaker_mention.end)]
            said.setdefault(m, []).append(qnum[q.id])
    cuts = sorted(span_edges(edges))
    sent_spans = sentences(text)
    sents = [sentence_tokens(text, ss, se, cuts) for ss, se in sent_spans]
    starts = [ts for toks in sents for ts, _ in toks]

    qcol: dict[int, list[str]] = {}
    stcol: dict[int, list[str]] = {}
    spcol: dict[int, list[str]] = {}
    cucol: dict[int, list[str]] = {}
    for q in quotes:
        n = qnum[q.id]
        for part in q.part_spans():
            _tag(qcol, starts, part, f"{q.type}:{n}")
            if q.stance:
                _tag(stcol, starts, part, f"{n}:{_label(q.stance)}", prefix=False)
        if q.cue is not None:
            _tag(cucol, starts, (q.cue.start, q.cue.end), f"CUE:{n}")
    for span, m in mnum.items():
        links = ",".join(map(str, said.get(m, ())))
        _tag(spcol, starts, span, f"SPEAKER:{m}" + (f">{links}" if links else ""))

    safe_id = _one_line(doc_id)
    lines = [f"# newdoc id = {safe_id}"]
    if safe_id != doc_id:
        lines.append(f"# saywho.doc_id = {_json(doc_id)}")
    if stance_target and _one_line(stance_target):
        lines.append(f"# stance_target = {_one_line(stance_target)}")
    if mentions:
        lines.append(f"# mentions = {_json([list(s) for s in mentions])}")
    for k, sp in enumerate(sorted(layer.speakers.values(), key=lambda s: s.id), 1):
        record = {
            "id": sp.id, "name": sp.name, "kind": sp.kind, "aliases": list(sp.aliases),
            "mentions": [mnum[(m.start, m.end)] for m in sp.mentions],
        }
        if sp.attributes:
            record["attributes"] = dict(sp.attributes)
        lines.append(f"# speaker.{k} = {_json(record)}")
    for q in quotes:
        mention = q.speaker_mention
        record = {
            "id": q.id, "type": q.type, "start": q.start, "end": q.end,
            "parts": [list(p) for p in q.parts], "status": q.status, "stance": q.stance,
            "speaker_id": q.speaker_id, "speaker_name": layer.speaker_name(q),
            "mention": mnum[(mention.start, mention.end)] if mention else None,
            "cue": [q.cue.start, q.cue.end] if q.cue else None,
            "cue_lemma": q.cue.lemma if q.cue else None,
            "origin": q.origin, "confidence": dict(q.confidence), "note": q.note,
            "created": q.created, "updated": q.updated,
        }
        if q.codes:
            record["codes"] = dict(q.codes)
        lines.append(f"# quote.{qnum[q.id]} = {_json(record)}")
    if not sents:
        lines.append("")  # a document without tokens: its comments stand alone
    i = 0
    for n, ((ss, se), toks) in enumerate(zip(sent_spans, sents, strict=True), 1):
        lines.append(f"# sent_id = {safe_id}-{n}")
        lines.append(f"# text = {_one_line(text[ss:se])}")
        for tid, (ts, te) in enumerate(toks, 1):
            misc = f"Offset={ts}-{te}"
            if te < len(text) and not text[te].isspace():
                misc += "|SpaceAfter=No"
            lines.append(
                f"{tid}\t{form(text[ts:te])}\t{';'.join(qcol.get(i, [NONE_TAG]))}\t"
                f"{';'.join(stcol.get(i, [NONE_VALUE]))}\t{';'.join(spcol.get(i, [NONE_TAG]))}\t"
                f"{';'.join(cucol.get(i, [NONE_TAG]))}\t{misc}"
            )
            i += 1
        lines.append("")
    return "\n".join(lines) + "\n"


def write_conll(
    items: Iterable[DocLayer],
    out: Path,
    *,
    annotator: str | None = None,
    stance_target: str | None = None,
) -> ExportReport:
    """Write all documents into one CoNLL-U Plus file at ``out``, streaming.

    ``annotator`` is written as a comment; ``stance_target`` (the project's
    ``StanceScheme.target``, which ``exporters.export`` hands to writers with this keyword),
    when given, as each document's ``# stance_target`` comment.
    """
    docs = quotes = 0
    with atomic_output(Path(out), "w") as fh:
        fh.write(f"# global.columns = {' '.join(COLUMNS)}\n")
        if annotator and _one_line(annotator):
            fh.write(f"# annotator = {_one_line(annotator)}\n")
        for doc, layer in items:
            fh.write(document_to_conll(doc.id, doc.text, layer,
                                       stance_target=doc.target or stance_target))
            docs += 1
            quotes += len(layer.quotes)
    return ExportReport(docs, quotes, str(out))


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Number(schema.Spec):
    """A quote or mention number: a positive integer."""

    expected: str = "a positive integer"

    def check(self, value: Any, path: str, ctx: schema.Context) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.wrong(value, path, ctx)
        return value


_QUOTE_RECORD = schema.Record(
    {
        "id": schema.Id(),
        "type": schema.Choice(QUOTE_TYPES, "direct"),
        "start": schema.Offset(),
        "end": schema.Offset(),
        "parts": schema.PARTS,
        "status": schema.Choice(QUOTE_STATUSES, "suggested"),
        "stance": schema.LABEL,
        "speaker_id": schema.Id(),
        "speaker_name": schema.NAME,
        "mention": _Number(),
        "cue": schema.Maybe(schema.SpanPair()),
        "codes": schema.QUOTE.fields["codes"],
        **schema.QUOTE_EXTRAS,
    }
)
_SPEAKER_RECORD = schema.Record(
    {
        "id": schema.Id(),
        "name": schema.Text(),
        "kind": schema.Choice(SPEAKER_KINDS, "unknown"),
        "aliases": schema.ALIASES,
        "mentions": schema.ListOf(_Number(), what="a list of mention numbers"),
        "attributes": schema.SPEAKER.fields["attributes"],
    }
)

_QUOTE_TAG = re.compile(r"([BI])-([a-z]+):([1-9][0-9]*)")
_STANCE_VALUE = re.compile(r"([1-9][0-9]*):(.+)")
_SPEAKER_TAG = re.compile(r"([BI])-SPEAKER:([1-9][0-9]*)(?:>([1-9][0-9]*(?:,[1-9][0-9]*)*))?")
_CUE_TAG = re.compile(r"([BI])-CUE:([1-9][0-9]*)")
_OFFSET = re.compile(r"Offset=([0-9]+)-([0-9]+)")
_RECORD_KEY = re.compile(r"(quote|speaker)\.([1-9][0-9]*)")


@dataclass
class _Doc:
    """One document while its lines are read: id, text, tokens, tags and comment records."""

    doc_id: str
    line: int
    text: str | None = None
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    quote: list[list[tuple[str, str, int]]] = field(default_factory=list)
    stance: list[dict[int, str]] = field(default_factory=list)
    speaker: list[list[tuple[str, int, tuple[int, ...]]]] = field(default_factory=list)
    cue: list[list[tuple[str, int]]] = field(default_factory=list)
    quotes: dict[int, tuple[int, Any]] = field(default_factory=dict)
    speakers: dict[int, tuple[int, Any]] = field(default_factory=dict)
    mentions: tuple[int, Any] | None = None


def _read_utf8(path: Path) -> str:
    """A file's text, or one ``InputError`` line when it cannot be read or is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first"
        ) from exc


def _fail(where: str, message: str) -> InputError:
    """The one-line ``InputError`` for ``where`` (``file:line``)."""
    return InputError(visible_line(f"{where}: {message}"))


def _values(value: str) -> list[str]:
    """The ``;``-separated values of a multi-valued column (none for ``O`` or ``_``)."""
    return [] if value in (NONE_TAG, NONE_VALUE) else value.split(";")


class _Reader:
    """The state of one ``read_conll`` pass over a file's lines."""

    def __init__(
        self, path: Path, layer: str, text_of: Callable[[str], str | None]
    ) -> None:
        self.path = path
        self.layer = layer
        self.text_of = text_of
        self.columns = False
        self.doc: _Doc | None = None
        self.done: set[str] = set()
        self.out: list[tuple[str, str, Layer]] = []
        self.next_id = 1

    def where(self, n: int) -> str:
        return f"{self.path}:{n}"

    def run(self, content: str) -> list[tuple[str, str, Layer]]:
        for n, raw in enumerate(content.split("\n"), 1):
            line = raw.removesuffix("\r")
            if not line.strip():
                self.next_id = 1
            elif line.startswith("#"):
                self.comment(n, line)
            else:
                self.token(n, line)
        self.finish()
        if not self.out:
            raise InputError(f"{self.path}: no documents (no '# newdoc id = ...' line)")
        return self.out

    def comment(self, n: int, line: str) -> None:
        key, _, value = line[1:].partition("=")
        key, value = key.strip(), value.strip()
        if key == "global.columns":
            if value.split() != list(COLUMNS):
                raise _fail(self.where(n), f"the columns are {schema.shown(value)}, not saywho's "
                                           f"({' '.join(COLUMNS)})")
            self.columns = True
        elif key in ("newdoc id", "newdoc"):
            self.finish()
            if not value:
                raise _fail(self.where(n), "a document without an id ('# newdoc id = ...')")
            self.doc = _Doc(value, n)
            self.next_id = 1
        elif key == "saywho.doc_id" or key == "mentions" or _RECORD_KEY.fullmatch(key):
            doc = self.doc
            if doc is None:
                raise _fail(self.where(n), f"'# {key}' comes before any '# newdoc id = ...'")
            data = self.json(n, key, value)
            if key == "saywho.doc_id":
                if doc.text is not None:
                    raise _fail(self.where(n), "'# saywho.doc_id' must come before the tokens")
                if not isinstance(data, str) or not data.strip():
                    raise _fail(self.where(n), f"saywho.doc_id: expected a JSON string, got "
                                               f"{schema.shown(data)}")
                doc.doc_id = data
            elif key == "mentions":
                doc.mentions = (n, data)
            else:
                kind, _, number = key.partition(".")
                records = doc.quotes if kind == "quote" else doc.speakers
                if int(number) in records:
                    raise _fail(self.where(n), f"a second '# {key}' in {schema.shown(doc.doc_id)}")
                records[int(number)] = (n, data)

    def json(self, n: int, key: str, value: str) -> Any:
        try:
            return json.loads(value)
        except RecursionError as exc:
            raise _fail(self.where(n), f"{key}: nested too deep") from exc
        except ValueError as exc:
            raise _fail(self.where(n), f"{key}: not JSON ({exc})") from exc

    def resolve(self, doc: _Doc) -> str:
        """The project's text of ``doc`` (looked up once)."""
        if doc.text is None:
            if doc.doc_id in self.done:
                raise _fail(self.where(doc.line), f"document {schema.shown(doc.doc_id)} comes "
                                                  "twice in the file")
            text = self.text_of(doc.doc_id)
            if text is None:
                raise _fail(self.where(doc.line), f"document {schema.shown(doc.doc_id)} is not "
                                                  "in the project")
            doc.text = text
            self.done.add(doc.doc_id)
        return doc.text

    def token(self, n: int, line: str) -> None:
        where = self.where(n)
        if not self.columns:
            raise _fail(where, "a token line before the '# global.columns = ...' header: not "
                               "a saywho CoNLL export")
        doc = self.doc
        if doc is None:
            raise _fail(where, "a token line before any '# newdoc id = ...'")
        cols = line.split("\t")
        if len(cols) != len(COLUMNS):
            raise _fail(where, f"expected {len(COLUMNS)} tab-separated columns "
                               f"({' '.join(COLUMNS)}), found {len(cols)}")
        tid, token, quote, stance, speaker, cue, misc = cols
        if tid != str(self.next_id):
            raise _fail(where, f"token ID {schema.shown(tid)}, expected {self.next_id}")
        self.next_id += 1
        text = self.resolve(doc)
        offset = next((m for m in map(_OFFSET.fullmatch, misc.split("|")) if m), None)
        if offset is None:
            raise _fail(where, f"MISC {schema.shown(misc)} has no Offset=<start>-<end>")
        s, e = int(offset.group(1)), int(offset.group(2))
        last = doc.ends[-1] if doc.ends else 0
        if not s < e <= len(text):
            raise _fail(where, f"Offset={s}-{e} does not fit the text of "
                               f"{schema.shown(doc.doc_id)} ({len(text)} chars)")
        if s < last:
            raise _fail(where, f"Offset={s}-{e} starts before the previous token ends ({last})")
        if form(text[s:e]) != token:
            raise _fail(where, f"token {schema.shown(token)} does not match the text of "
                               f"{schema.shown(doc.doc_id)} at {s}-{e} "
                               f"({schema.shown(text[s:e])})")
        if text[last:s].strip():
            raise _fail(where, f"the text of {schema.shown(doc.doc_id)} at {last}-{s} "
                               f"({schema.shown(text[last:s].strip())}) has no token line")
        doc.starts.append(s)
        doc.ends.append(e)
        doc.lines.append(n)
        doc.quote.append(self.quote_tags(where, quote))
        doc.stance.append(self.stances(where, stance, {q for _, _, q in doc.quote[-1]}))
        doc.speaker.append(self.speaker_tags(where, speaker))
        doc.cue.append(self.cue_tags(where, cue))

    def quote_tags(self, where: str, value: str) -> list[tuple[str, str, int]]:
        out = []
        for item in _values(value):
            m = _QUOTE_TAG.fullmatch(item)
            if m is None or m.group(2) not in QUOTE_TYPES:
                raise _fail(where, f"SAYWHO:QUOTE value {schema.shown(item)} is not "
                                   "B-<type>:<n> or I-<type>:<n> (type direct, indirect or mixed)")
            out.append((m.group(1), m.group(2), int(m.group(3))))
        return out

    def stances(self, where: str, value: str, quotes: set[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for item in _values(value):
            m = _STANCE_VALUE.fullmatch(item)
            if m is None:
                raise _fail(where, f"SAYWHO:STANCE value {schema.shown(item)} is not <n>:<label>")
            q = int(m.group(1))
            if q not in quotes:
                raise _fail(where, f"a stance for quote {q} on a token outside quote {q}")
            try:
                label = percent_unquote(m.group(2), errors="strict")
            except UnicodeDecodeError as exc:
                raise _fail(where, f"SAYWHO:STANCE value {schema.shown(item)}: bad "
                                   "percent-encoding") from exc
            if out.get(q, label) != label:
                raise _fail(where, f"two stances for quote {q} on one token")
            out[q] = label
        return out

    def speaker_tags(self, where: str, value: str) -> list[tuple[str, int, tuple[int, ...]]]:
        out = []
        for item in _values(value):
            m = _SPEAKER_TAG.fullmatch(item)
            if m is None:
                raise _fail(where, f"SAYWHO:SPEAKER value {schema.shown(item)} is not "
                                   "B-SPEAKER:<n> or I-SPEAKER:<n> (with >q,q... when it spoke)")
            links = tuple(int(x) for x in m.group(3).split(",")) if m.group(3) else ()
            out.append((m.group(1), int(m.group(2)), links))
        return out

    def cue_tags(self, where: str, value: str) -> list[tuple[str, int]]:
        out = []
        for item in _values(value):
            m = _CUE_TAG.fullmatch(item)
            if m is None:
                raise _fail(where, f"SAYWHO:CUE value {schema.shown(item)} is not B-CUE:<q> or "
                                   "I-CUE:<q>")
            out.append((m.group(1), int(m.group(2))))
        return out

    def finish(self) -> None:
        """Build the layer of the document read so far."""
        doc, self.doc = self.doc, None
        if doc is None:
            return
        text = self.resolve(doc)
        last = doc.ends[-1] if doc.ends else 0
        if text[last:].strip():
            line = doc.lines[-1] if doc.lines else doc.line
            raise _fail(self.where(line), f"the text of {schema.shown(doc.doc_id)} at "
                                       f"{last}-{len(text)} "
                                       f"({schema.shown(text[last:].strip())}) has no token line")
        self.out.append((doc.doc_id, text, _Builder(self.path, doc, text).layer(self.layer)))


def _runs(per_token: Sequence[Iterable[tuple[str, int]]]) -> dict[int, list[tuple[int, int]]]:
    """Number -> its runs of tokens ``(first, last)``: ``B-`` (or an ``I-`` that does not
    continue the previous token) starts a run, ``I-`` on the next token extends it."""
    runs: dict[int, list[list[int]]] = {}
    for i, entries in enumerate(per_token):
        for bi, num in entries:
            spans = runs.setdefault(num, [])
            if spans and spans[-1][1] == i:
                continue  # one number twice on one token
            if bi == "I" and spans and spans[-1][1] == i - 1:
                spans[-1][1] = i
            else:
                spans.append([i, i])
    return {num: [(a, b) for a, b in spans] for num, spans in runs.items()}


class _Builder:
    """Turns one document's tokens, tags and comment records into checked records, then a
    ``Layer`` through ``build_layer`` (the one rule from records to the model)."""

    def __init__(self, path: Path, doc: _Doc, text: str) -> None:
        self.path = path
        self.doc = doc
        self.text = text
        self.tagged: set[int] = set()  # mentions with tokens in the SPEAKER column

    def ctx(self, line: int) -> schema.Context:
        return schema.Context(f"{self.path}:{line}", self.text)

    def record(self, spec: schema.Record, line: int, key: str, raw: Any) -> dict[str, Any]:
        ctx = self.ctx(line)
        schema.check_depth(raw, ctx, key)
        return spec.check(raw, key, ctx)

    def token_run(self, span: Span) -> tuple[int, int] | None:
        """The tokens lying inside ``span``, as ``(first, last)``; ``None`` when none."""
        starts, ends = self.doc.starts, self.doc.ends
        lo, hi = bisect.bisect_left(starts, span[0]), bisect.bisect_left(starts, span[1])
        while hi > lo and ends[hi - 1] > span[1]:
            hi -= 1
        return (lo, hi - 1) if hi > lo else None

    def settle(self, recorded: list[Span], runs: list[tuple[int, int]]) -> list[Span]:
        """The spans to keep: the recorded (exact) ones while the tags cover the same tokens,
        else the tagged runs' offsets (the tags were edited)."""
        covered = [r for r in map(self.token_run, recorded) if r is not None]
        if covered == runs:
            return recorded
        return [(self.doc.starts[a], self.doc.ends[b]) for a, b in runs]

    def layer(self, name: str) -> Layer:
        doc = self.doc
        qruns = _runs([[(bi, q) for bi, _, q in tags] for tags in doc.quote])
        sruns = _runs([[(bi, m) for bi, m, _ in tags] for tags in doc.speaker])
        cruns = _runs(doc.cue)
        numbers = sorted(set(qruns) | set(doc.quotes))
        first_line = {num: doc.lines[runs[0][0]] for num, runs in qruns.items()}
        for i, tags in enumerate(doc.cue):
            for _, q in tags:
                if q not in qruns and q not in doc.quotes:
                    raise _fail(f"{self.path}:{doc.lines[i]}", f"a cue of quote {q}, which is "
                                                               "not in the document")
        mentions, links = self.mentions(sruns, set(numbers))
        records = {
            q: (line, self.record(_QUOTE_RECORD, line, f"quote.{q}", raw))
            for q, (line, raw) in doc.quotes.items()
        }
        owners: dict[int, str] = {}
        speakers: list[dict[str, Any]] = []
        speaker_paths: list[str] = []
        for k, (line, raw) in sorted(doc.speakers.items()):
            rec = self.record(_SPEAKER_RECORD, line, f"speaker.{k}", raw)
            spans = []
            for m in rec["mentions"]:
                if m not in mentions:
                    raise _fail(f"{self.path}:{line}", f"speaker.{k}: mention {m} is not in the "
                                                       "document")
                if mentions[m] is not None:
                    spans.append(mentions[m])
                    if rec["id"] is not None:
                        owners.setdefault(m, rec["id"])
            clean = {"id": rec["id"], "name": rec["name"], "kind": rec["kind"],
                     "aliases": rec["aliases"], "mentions": spans,
                     "attributes": rec["attributes"]}
            speakers.append(schema.SPEAKER.check(clean, f"speaker.{k}", self.ctx(line)))
            speaker_paths.append(f"speaker.{k}")
        quotes: list[dict[str, Any]] = []
        quote_paths: list[str] = []
        for q in numbers:
            line, rec = records.get(q, (first_line.get(q, doc.line), None))
            built = self.quote(q, line, rec, qruns.get(q, []), cruns.get(q, []), mentions,
                               links, owners)
            if built is not None:
                quotes.append(schema.QUOTE.check(built, f"quote.{q}", self.ctx(line)))
                quote_paths.append(f"quote.{q}")
        return build_layer(quotes, speakers, self.text, name=name,
                           doc=f"{self.path}:{doc.line}",
                           quote_paths=quote_paths, speaker_paths=speaker_paths)

    def mentions(
        self, sruns: dict[int, list[tuple[int, int]]], quotes: set[int]
    ) -> tuple[dict[int, Span | None], dict[int, list[int]]]:
        """Mention number -> its span (``None`` once its tags are gone), and quote number ->
        the mentions tagged as its speaker."""
        doc = self.doc
        recorded: list[Span] = []
        if doc.mentions is not None:
            line, raw = doc.mentions
            ctx = self.ctx(line)
            schema.check_depth(raw, ctx, "mentions")
            recorded = schema.MENTIONS.check(raw, "mentions", ctx)
        out: dict[int, Span | None] = {}
        for m in sorted(set(range(1, len(recorded) + 1)) | set(sruns)):
            spans = self.settle([recorded[m - 1]] if m <= len(recorded) else [],
                                sruns.get(m, []))
            if len(spans) > 1:
                line = doc.lines[sruns[m][1][0]]
                raise _fail(f"{self.path}:{line}", f"speaker mention {m} is in {len(spans)} "
                                                   "pieces; a mention is one span")
            out[m] = spans[0] if spans else None
        links: dict[int, list[int]] = {}
        for i, tags in enumerate(doc.speaker):
            for _, m, said in tags:
                for q in said:
                    if q not in quotes:
                        raise _fail(f"{self.path}:{doc.lines[i]}", f"mention {m} speaks quote "
                                                                   f"{q}, which is not in the "
                                                                   "document")
                    if m not in links.setdefault(q, []):
                        links[q].append(m)
        self.tagged = set(sruns)
        return out, links

    def quote(
        self,
        q: int,
        line: int,
        rec: dict[str, Any] | None,
        runs: list[tuple[int, int]],
        cue_runs: list[tuple[int, int]],
        mentions: dict[int, Span | None],
        links: dict[int, list[int]],
        owners: dict[int, str],
    ) -> dict[str, Any] | None:
        """One quote as an interchange record, or ``None`` when its tags were removed."""
        where = f"{self.path}:{line}"
        rec = rec or {}
        recorded: list[Span] = list(rec.get("parts") or [])
        if not recorded and rec.get("start") is not None and rec.get("end") is not None:
            recorded = [(rec["start"], rec["end"])]
        parts = self.settle(recorded, runs)
        if not parts:
            return None
        if parts is recorded:
            start = rec["start"] if rec.get("start") is not None else parts[0][0]
            end = rec["end"] if rec.get("end") is not None else parts[-1][1]
            parts = list(rec.get("parts") or [])
        else:
            start, end = parts[0][0], parts[-1][1]
            parts = parts if len(parts) > 1 else []
        kind, stance = rec.get("type", "direct"), rec.get("stance")
        if runs:
            tokens = [i for a, b in runs for i in range(a, b + 1)]
            types = {t for i in tokens for _, t, n in self.doc.quote[i] if n == q}
            if len(types) > 1:
                raise _fail(where, f"quote {q} is tagged with two types "
                                   f"({', '.join(sorted(types))})")
            kind = types.pop()
            stances = {self.doc.stance[i].get(q) for i in tokens}
            if len(stances) > 1:
                raise _fail(where, f"the tokens of quote {q} disagree on its stance")
            stance = stances.pop()
        cue = self.settle([rec["cue"]] if rec.get("cue") else [], cue_runs)
        if len(cue) > 1:
            raise _fail(where, f"the cue of quote {q} is in {len(cue)} pieces; a cue is one span")
        said = list(links.get(q, []))
        m0 = rec.get("mention")
        if m0 is not None:
            if m0 not in mentions:
                raise _fail(where, f"quote.{q}: mention {m0} is not in the document")
            if m0 not in self.tagged and mentions[m0] is not None and m0 not in said:
                said.append(m0)  # a mention without tokens (empty or white space) keeps its link
        said = [m for m in said if mentions.get(m) is not None]
        if len(said) > 1:
            raise _fail(where, f"quote {q} has {len(said)} speaker mentions "
                               f"({', '.join(map(str, said))}); a quote has one")
        mention = mentions[said[0]] if said else None
        speaker_id = rec.get("speaker_id")
        if not rec and said:
            speaker_id = owners.get(said[0])
        return {
            "id": rec.get("id"),
            "start": start,
            "end": end,
            "type": kind,
            "parts": parts,
            "speaker_id": speaker_id,
            "speaker_name": rec.get("speaker_name"),
            "speaker_start": mention[0] if mention else None,
            "speaker_end": mention[1] if mention else None,
            "cue_start": cue[0][0] if cue else None,
            "cue_end": cue[0][1] if cue else None,
            "cue_lemma": rec.get("cue_lemma", "") if cue else "",
            "stance": stance,
            "confidences": rec.get("confidence") or {},
            "status": rec.get("status", "suggested"),
            "origin": rec.get("origin", ""),
            "note": rec.get("note", ""),
            "created": rec.get("created", ""),
            "updated": rec.get("updated", ""),
            "codes": rec.get("codes") or {},
        }


def read_conll(
    path: Path, *, layer: str, text_of: Callable[[str], str | None]
) -> list[tuple[str, str, Layer]]:
    """Read saywho's own CoNLL-U Plus export back as ``(doc_id, text, Layer)`` per document.

    ``text_of(doc_id)`` gives the project's text of a document (``None`` when the project has
    no such document). The tokens must read that text at their ``Offset``; quotes, speakers,
    mentions, cues, stances and the rest come back as the export carried them (edited tags
    win over the comments). Raises ``InputError``, one line naming the file and line, for a
    file that is not saywho's layout, a token that does not match the text, an unknown
    document, a wrong column count or a tag or record that does not fit.
    """
    path = Path(path)
    return _Reader(path, layer, text_of).run(_read_utf8(path))
