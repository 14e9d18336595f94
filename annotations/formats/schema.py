"""One schema at the boundary for every layer importer (interchange JSONL, brat, Label Studio).

Another tool's file holds whatever a person or a script wrote. Without one gate, a wrong type
either raised a traceback deep inside a reader (``"confidence": "high"``) or got in as-is and
crashed the consumers later (``"stance": 3`` in stats, agreement, the exports and the TUI).
Every importer therefore turns its input into interchange-shaped records and passes them through
the specs below: a wrong type or shape becomes one ``InputError`` line naming the document and
the field (``doc-7: quotes[3].confidence: expected a number or an object of numbers, got
"high"``), and what passes comes out normalised to exactly what the model holds: strings are
strings, ids are strings, offsets are ints inside the text, confidences finite floats in [0, 1],
stance a string label or ``None``, aliases a list of strings, notes capped in length, nesting
capped in depth.

Specs are small frozen dataclasses composed declaratively (``Record``, ``ListOf``, ``Text``,
``Offset`` ...). Each ``check(value, path, ctx)`` returns the clean value or raises; ``None``
(or a missing key) gives the spec's default. Keys a ``Record`` does not name are dropped.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

from annotations.display import visible_line
from annotations.errors import InputError
from annotations.model import QUOTE_STATUSES, QUOTE_TYPES, SPEAKER_KINDS

MAX_DEPTH = 32
MAX_ID = 256
MAX_LABEL = 200
MAX_NAME = 1_000
MAX_NOTE = 10_000
MAX_ITEMS = 1_000_000
MAX_CONFIDENCES = 32


def suffixed_id(base: str, suffix: str) -> str:
    """``base`` + ``suffix`` (``-3``: an article's place in its file, a second file's
    number) within ``MAX_ID``: ``base`` is cut, never the suffix, so ids stay apart."""
    return base[:MAX_ID - len(suffix)] + suffix

_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(value: Any) -> str:
    """A short, one-line rendering of a wrong value for a message."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if value.bit_length() < 64 else "a very large integer"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        cut = json.dumps(value[:40], ensure_ascii=False)
        return visible_line(cut if len(value) <= 40 else cut[:-1] + '…"')
    if isinstance(value, Mapping):
        return "an object" if value else "{}"
    if isinstance(value, list | tuple):
        items = [
            "{…}" if isinstance(v, Mapping) else "[…]" if isinstance(v, list | tuple) else shown(v)
            for v in value[:3]
        ]
        return "[" + ", ".join(items + ["…"] * (len(value) > 3)) + "]"
    return f"a {type(value).__name__}"


@dataclass(frozen=True, slots=True)
class Context:
    """What a value is checked against: the document it belongs to (for messages) and its text."""

    doc: str
    text: str

    def fail(self, path: str, message: str) -> NoReturn:
        """Raise the one-line ``InputError`` for ``path``."""
        where = f"{self.doc}: {path}" if path else self.doc
        raise InputError(visible_line(f"{where}: {message}"))


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Spec:
    """A rule for one value: ``check`` returns it normalised or raises ``InputError``."""

    expected = "a value"

    def check(self, value: Any, path: str, ctx: Context) -> Any:
        """The clean value, or ``InputError`` naming ``path``."""
        raise NotImplementedError

    def wrong(self, value: Any, path: str, ctx: Context) -> NoReturn:
        """Refuse ``value``: ``expected <this>, got <value>``."""
        ctx.fail(path, f"expected {self.expected}, got {shown(value)}")


@dataclass(frozen=True, slots=True)
class Text(Spec):
    """A string up to ``max_len`` characters (no unpaired surrogates); ``None`` gives ``default``.
    ``blank`` replaces an empty string (so an empty label can mean no label)."""

    max_len: int | None = MAX_NAME
    default: str | None = ""
    blank: str | None = ""
    expected: str = "a string"

    def check(self, value: Any, path: str, ctx: Context) -> str | None:
        if value is None:
            return self.default
        if not isinstance(value, str) or _SURROGATE.search(value):
            self.wrong(value, path, ctx)
        if self.max_len is not None and len(value) > self.max_len:
            ctx.fail(path, f"longer than {self.max_len} characters ({len(value)})")
        return value if value else self.blank


@dataclass(frozen=True, slots=True)
class Id(Spec):
    """An id: a non-empty string or an integer (made a string); empty or ``None`` gives
    ``default``."""

    default: str | None = None
    expected: str = "an id (a string or an integer)"

    def check(self, value: Any, path: str, ctx: Context) -> str | None:
        if value is None or value == "":
            return self.default
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() < 64:
            return str(value)
        return Text(MAX_ID, self.default, self.default, self.expected).check(value, path, ctx)


@dataclass(frozen=True, slots=True)
class Choice(Spec):
    """One of ``values`` (any letter case); ``None`` or ``""`` gives ``default``; another string
    gives ``default`` when ``lenient``, else is refused."""

    values: tuple[str, ...]
    default: str
    lenient: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.values)

    def check(self, value: Any, path: str, ctx: Context) -> str:
        if value is None or value == "":
            return self.default
        if not isinstance(value, str):
            self.wrong(value, path, ctx)
        low = value.strip().lower()
        if low in self.values:
            return low
        if self.lenient:
            return self.default
        self.wrong(value, path, ctx)


@dataclass(frozen=True, slots=True)
class Maybe(Spec):
    """``spec``'s value, or ``None`` for ``None``."""

    spec: Spec

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"{self.spec.expected} or null"

    def check(self, value: Any, path: str, ctx: Context) -> Any:
        return None if value is None else self.spec.check(value, path, ctx)


@dataclass(frozen=True, slots=True)
class Flag(Spec):
    """``true`` or ``false``; ``None`` gives ``default``."""

    default: bool
    expected: str = "true or false"

    def check(self, value: Any, path: str, ctx: Context) -> bool:
        if value is None:
            return self.default
        if not isinstance(value, bool):
            self.wrong(value, path, ctx)
        return value


@dataclass(frozen=True, slots=True)
class Offset(Spec):
    """A character offset into the text: an integer (``14.0`` reads as 14) from 0 to its length.
    ``None`` is refused when ``required``, else stays ``None``."""

    required: bool = False
    expected: str = "an offset (an integer)"

    def check(self, value: Any, path: str, ctx: Context) -> int | None:
        if value is None:
            if self.required:
                ctx.fail(path, f"missing (expected {self.expected})")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            self.wrong(value, path, ctx)
        if not 0 <= value <= len(ctx.text):
            ctx.fail(path, f"offset {shown(value)} lies outside the text ({len(ctx.text)} chars)")
        return value


@dataclass(frozen=True, slots=True)
class Fraction(Spec):
    """A finite number from 0 to 1, as a float."""

    expected: str = "a number from 0 to 1"

    def check(self, value: Any, path: str, ctx: Context) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.wrong(value, path, ctx)
        number = float(value) if not isinstance(value, int) or value.bit_length() < 64 else math.inf
        if not (math.isfinite(number) and 0.0 <= number <= 1.0):
            self.wrong(value, path, ctx)
        return number


@dataclass(frozen=True, slots=True)
class Confidence(Spec):
    """A confidence: one number (the span's) or an object of named numbers, each in [0, 1]."""

    expected: str = "a number or an object of numbers"

    def check(self, value: Any, path: str, ctx: Context) -> dict[str, float]:
        if value is None:
            return {}
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"span": Fraction().check(value, path, ctx)}
        if not isinstance(value, Mapping) or len(value) > MAX_CONFIDENCES:
            self.wrong(value, path, ctx)
        name = Text(MAX_LABEL, expected="a string key")
        return {
            name.check(k, path, ctx): Fraction().check(v, _at(path, str(k)), ctx)
            for k, v in value.items()
        }


@dataclass(frozen=True, slots=True)
class Attributes(Spec):
    """A speaker's coded attributes: an object of names and text values (``null``: not
    coded, left out); at most ``MAX_CONFIDENCES`` of them. Names and values are printable
    text, as a project defines them (``speaker_attributes.define``): a line break or another
    control character would break the line-based formats that carry them."""

    expected: str = "an object of attribute names and text values"

    def check(self, value: Any, path: str, ctx: Context) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, Mapping) or len(value) > MAX_CONFIDENCES:
            self.wrong(value, path, ctx)
        name = Text(MAX_LABEL, blank=None, expected="a string key")
        text = Text(MAX_LABEL, default=None, blank=None, expected="printable text")
        out: dict[str, str] = {}
        for k, v in value.items():
            key = name.check(k, path, ctx)
            if key is not None and not key.isprintable():
                name.wrong(k, path, ctx)
            got = text.check(v, _at(path, str(k)), ctx)
            if got is not None and not got.isprintable():
                text.wrong(v, _at(path, str(k)), ctx)
            if key and got:
                out[key] = got
        return out


@dataclass(frozen=True, slots=True)
class ListOf(Spec):
    """A list of ``item``; ``None`` gives an empty list."""

    item: Spec
    max_items: int = MAX_ITEMS
    what: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        noun = self.item.expected.removeprefix("a ").removeprefix("an ")
        return self.what or f"a list of {noun}s"

    def check(self, value: Any, path: str, ctx: Context) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            self.wrong(value, path, ctx)
        if len(value) > self.max_items:
            ctx.fail(path, f"more than {self.max_items} items")
        return [self.item.check(v, _at(path, i), ctx) for i, v in enumerate(value)]


@dataclass(frozen=True, slots=True)
class SpanPair(Spec):
    """``[start, end]`` offsets into the text with start <= end (a third item, the text the
    span reads, as stored by saywho, is allowed and dropped)."""

    expected: str = "a [start, end] pair of offsets"

    def check(self, value: Any, path: str, ctx: Context) -> tuple[int, int]:
        if (not isinstance(value, list | tuple) or len(value) not in (2, 3)
                or (len(value) == 3 and not isinstance(value[2], str))):
            self.wrong(value, path, ctx)
        start = Offset(required=True).check(value[0], _at(path, 0), ctx)
        end = Offset(required=True).check(value[1], _at(path, 1), ctx)
        assert start is not None and end is not None
        if start > end:
            ctx.fail(path, f"span {start}-{end} ends before it starts")
        return start, end


@dataclass(frozen=True, slots=True)
class Record(Spec):
    """An object with the named ``fields`` (others dropped), then ``rule`` over the clean
    result (cross-field checks; it raises through ``ctx.fail``)."""

    fields: Mapping[str, Spec]
    rule: Callable[[dict[str, Any], str, Context], None] | None = None
    expected: str = "an object"

    def check(self, value: Any, path: str, ctx: Context) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            self.wrong(value, path, ctx)
        clean = {k: spec.check(value.get(k), _at(path, k), ctx) for k, spec in self.fields.items()}
        if self.rule is not None:
            self.rule(clean, path, ctx)
        return clean


def check_depth(value: Any, ctx: Context, path: str = "", limit: int = MAX_DEPTH) -> None:
    """Refuse a value nested deeper than ``limit`` lists or objects, naming the field it starts
    in (checked without recursion, so no structure can exhaust the stack)."""
    if not isinstance(value, Mapping | list | tuple):
        return
    stack: list[tuple[Any, int, str]] = [(value, 0, path)]
    while stack:
        item, depth, where = stack.pop()
        if depth >= limit:
            ctx.fail(where, f"nested deeper than {limit} levels")
        pairs = item.items() if isinstance(item, Mapping) else enumerate(item)
        stack.extend(
            (v, depth + 1, _at(where, k if isinstance(k, int) else str(k)) if depth < 3 else where)
            for k, v in pairs
            if isinstance(v, Mapping | list | tuple)
        )


def _pair(clean: dict[str, Any], start: str, end: str, path: str, ctx: Context) -> None:
    s, e = clean[start], clean[end]
    if (s is None) != (e is None):
        ctx.fail(_at(path, end if e is None else start), f"needs {start} and {end} together")
    if s is not None and s > e:
        ctx.fail(_at(path, end), f"span {s}-{e} ends before it starts")


def _quote_rule(clean: dict[str, Any], path: str, ctx: Context) -> None:
    start, end = clean["start"], clean["end"]
    if start >= end:
        ctx.fail(_at(path, "end"), f"the quote {start}-{end} is empty or reversed")
    _pair(clean, "speaker_start", "speaker_end", path, ctx)
    _pair(clean, "cue_start", "cue_end", path, ctx)
    last = start
    for i, (s, e) in enumerate(clean["parts"]):
        if s < last or e > end:
            ctx.fail(_at(_at(path, "parts"), i), "parts must be ordered and inside the quote")
        last = e
    given = clean["text"]
    if given is not None and given != ctx.text[start:end]:
        ctx.fail(_at(path, "text"), f"does not match the document's text at {start}-{end}")


def _speaker_rule(clean: dict[str, Any], path: str, ctx: Context) -> None:
    if clean["id"] is None and not clean["name"]:
        ctx.fail(path, "a speaker needs an id or a name")
    if not clean["name"]:  # a speaker named by nothing is shown by its id, not as ""
        clean["name"] = clean["id"]


LABEL = Text(MAX_LABEL, default=None, blank=None, expected="a string label or null")
NAME = Text(MAX_NAME, default=None, blank=None, expected="a string or null")
ALIASES = ListOf(Text(MAX_NAME), max_items=1_000)
MENTIONS = ListOf(SpanPair(), what="a list of [start, end] pairs")
PARTS = ListOf(SpanPair(), max_items=1_000, what="a list of [start, end] pairs")
NOTE = Text(MAX_NOTE)
STAMP = Text(64)

QUOTE = Record(
    {
        "id": Id(),
        "start": Offset(required=True),
        "end": Offset(required=True),
        "text": Text(None, default=None, blank=""),
        "type": Choice(QUOTE_TYPES, "direct", lenient=True),
        "parts": PARTS,
        "speaker": NAME,
        "speaker_start": Offset(),
        "speaker_end": Offset(),
        "speaker_name": NAME,
        "speaker_ref": NAME,
        "speaker_id": Id(),
        "cue": NAME,
        "cue_start": Offset(),
        "cue_end": Offset(),
        "cue_lemma": Text(MAX_LABEL),
        "stance": LABEL,
        "confidence": Confidence(),
        "confidences": Confidence(),
        "status": Choice(QUOTE_STATUSES, "suggested"),
        "annotator": NAME,
        "origin": NAME,
        "note": NOTE,
        "created": STAMP,
        "updated": STAMP,
        "codes": Attributes(),
    },
    rule=_quote_rule,
)
"""One quote of the interchange shape (DESIGN.md), plus saywho's own extra keys."""

QUOTE_EXTRAS: Mapping[str, Spec] = {
    key: QUOTE.fields[key]
    for key in ("cue_lemma", "origin", "confidence", "note", "created", "updated")
}
"""The quote fields other tools have no place for: the formats that carry them in a note or a
comment (brat, CoNLL) check them with these, as the interchange shape does."""

SPEAKER = Record(
    {
        "id": Id(),
        "name": Text(MAX_NAME),
        "aliases": ALIASES,
        "kind": Choice(SPEAKER_KINDS, "unknown"),
        "mentions": MENTIONS,
        "attributes": Attributes(),
    },
    rule=_speaker_rule,
)
"""One speaker of the interchange shape."""

LAYER_RECORD = Record(
    {"quotes": ListOf(QUOTE), "speakers": ListOf(SPEAKER), "stance_target": NAME, "layer": NAME}
)
"""The annotation part of one interchange line, with its document-level fields: the stance
target (what the stance labels are about) and the name of the layer it was exported from, as
``export --format jsonl`` writes them. Both are optional; a wrong type is refused like any
other field."""


def validate(spec: Spec, value: Any, *, doc: str, text: str, path: str = "") -> Any:
    """``value`` checked against ``spec`` for document ``doc`` whose offsets index ``text``:
    the clean value, or one ``InputError`` line ``<doc>: <path>: <what is wrong>``."""
    ctx = Context(doc, text)
    check_depth(value, ctx, path)
    return spec.check(value, path, ctx)


def layer_record(record: Any, text: str, *, doc: str) -> dict[str, Any]:
    """The ``quotes`` and ``speakers`` (and the document-level ``stance_target`` and ``layer``)
    of one interchange line, checked and normalised."""
    return validate(LAYER_RECORD, record, doc=doc, text=text)


@contextmanager
def or_refused(refused: list[str] | None) -> Iterator[None]:
    """Around reading one document of a file: its ``InputError`` is raised (no ``refused``
    list) or its line noted in ``refused``, and the reader goes on to the next document."""
    try:
        yield
    except InputError as exc:
        if refused is None:
            raise
        refused.append(exc.message)
