"""Article metadata (outlet, date, URL, author...): the one rule for what a key and a value may
be, how an import reads it from other tools' records, and how a document keeps it.

Journalism studies compare outlets and periods, so a document keeps the metadata it came with
and every export carries it to the statistics package. A document's metadata is a tuple of
``(key, value)`` pairs sorted by key (frozen and hashable, like the rest of the model). Keys
are short lower-case identifiers (``outlet``, ``date``, ``url``, ``author``...), values one
line of text; numbers and lists of texts are written out as text. Other tools' names for the
common keys (Media Cloud's ``publish_date`` and ``media_name``, trafilatura's ``sitename``,
``link``...) are read as ours, so two sources of one corpus give one column.

In a record's ``"meta"`` object (metadata the researcher wrote as such) a value that is not
text, a number or a list of texts, a key that cannot be a column name, or too many keys is
refused in one line naming it rather than dropped. A well-known field at a record's top level
was not written as metadata: one that holds something else (MongoDB's ``{"$date": ...}``, a
list of author objects) is read for the text it plainly holds, or else left out, never a
reason to refuse the article. A document never holds more than ``MAX_KEYS`` keys: metadata
added to a stored document (a re-import) that would pass it is refused in one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

Meta = tuple[tuple[str, str], ...]

MAX_KEYS = 32
MAX_VALUE = 2000  # characters of one value
KEY_RE = re.compile(r"[^\W\d_]\w{0,39}")  # a letter, then letters, digits, _
_SEPARATORS = re.compile(r"[\s\-.:/]+")
_SPACES = re.compile(r"\s+")

# other tools' names for the keys a corpus most often carries
ALIASES: Mapping[str, str] = {
    "publish_date": "date", "published": "date", "pubdate": "date", "published_at": "date",
    "publication_date": "date", "published_date": "date", "date_published": "date",
    "datetime": "date",
    "media_name": "outlet", "sitename": "outlet", "site_name": "outlet",
    "publisher": "outlet", "publication": "outlet", "newspaper": "outlet", "source_name": "outlet",
    "media": "outlet",
    "link": "url", "canonical_url": "url", "source_url": "url",
    "byline": "author", "authors": "author",
}
# keys read from the top level of a JSONL record too (elsewhere only from its "meta" object)
TOP_LEVEL: frozenset[str] = frozenset(
    {"outlet", "date", "url", "author", "section", "language"} | set(ALIASES))


def meta_key(raw: str) -> str | None:
    """``raw`` as a metadata key (lower case, separators as ``_``, other tools' names as
    ours), or None when it cannot be one."""
    key = _SEPARATORS.sub("_", raw.strip().lower()).strip("_")
    key = ALIASES.get(key, key)
    return key if KEY_RE.fullmatch(key) and key.isprintable() else None


def meta_value(raw: Any) -> str | None:
    """``raw`` as one line of text (a number written out, a list of texts joined with
    ``"; "``), or None when it is neither text, a number nor such a list."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float):
        return repr(raw) if isinstance(raw, float) else str(raw)
    if isinstance(raw, str):
        return _SPACES.sub(" ", raw).strip()
    if isinstance(raw, list) and all(isinstance(v, str | int | float) for v in raw):
        return "; ".join(v for v in (meta_value(v) for v in raw) if v)
    return None


def plain_value(raw: Any) -> str | None:
    """``meta_value``, also reading the text a field of another tool's record plainly holds:
    an object with one value (``{"$date": "2024-03-01"}``), a list of objects with a ``name``
    (authors); None for anything else."""
    value = meta_value(raw)
    if value is not None:
        return value
    if isinstance(raw, dict) and len(raw) == 1:
        return meta_value(next(iter(raw.values())))
    if isinstance(raw, list) and all(isinstance(v, dict) and "name" in v for v in raw):
        return meta_value([v["name"] for v in raw])
    return None


def read_meta(pairs: Iterable[tuple[str, Any]], where: str = "metadata") -> tuple[Meta, str]:
    """The metadata of ``pairs`` and the problem that refuses it (``""``: none).

    Empty values are left out (a blank cell says nothing); a key given twice under two names
    (``date`` and ``publish_date``) keeps the first one given.
    """
    got: dict[str, str] = {}
    for raw_key, raw_value in pairs:
        key = meta_key(str(raw_key))
        if key is None:
            return (), (f"{where}: {str(raw_key)[:40]!r} cannot be a metadata key (a letter, "
                        "then letters, digits and _, up to 40)")
        if raw_value is None:
            continue
        value = meta_value(raw_value)
        if value is None:
            return (), (f"{where}: {key!r} must be text, a number or a list of texts "
                        f"(it is {type(raw_value).__name__})")
        if len(value) > MAX_VALUE:
            return (), f"{where}: {key!r} is longer than {MAX_VALUE} characters"
        if value and key not in got:
            got[key] = value
    if len(got) > MAX_KEYS:
        return (), f"{where}: {len(got)} metadata keys; a document holds at most {MAX_KEYS}"
    return tuple(sorted(got.items())), ""


def record_meta(record: Mapping[str, Any], where: str) -> tuple[Meta, str]:
    """The metadata of a JSONL record: its ``"meta"`` object first, then the well-known keys
    at its top level (``date``, ``outlet``, ``url``... and other tools' names for them)."""
    inner = record.get("meta")
    if inner is not None and not isinstance(inner, dict):
        return (), f'{where}: "meta" must be an object of keys and values'
    pairs = list((inner or {}).items())
    for key, raw in record.items():
        if isinstance(key, str) and key in TOP_LEVEL:
            value = plain_value(raw)
            if value is not None and len(value) <= MAX_VALUE:
                pairs.append((key, value))
    return read_meta(pairs, where)


def loose_meta(pairs: Iterable[tuple[str, Any]]) -> Meta:
    """The pairs ``read_meta`` would accept one by one, the others left out (at most
    ``MAX_KEYS``): for metadata read back from the project's own files (a hand-edited or
    damaged value is never trusted, and never takes the document's other keys with it) and
    from the tags of a page (the page's, not the researcher's: a long one is no reason to
    lose the outlet)."""
    got: dict[str, str] = {}
    for pair in pairs:
        for key, value in read_meta([pair])[0]:
            got.setdefault(key, value)
    return tuple(sorted(got.items()))[:MAX_KEYS]


def stored_meta(raw: Any) -> Meta:
    """Metadata read back from the project's own files (``loose_meta``)."""
    return loose_meta(raw.items()) if isinstance(raw, dict) else ()


def merged_meta(known: Meta, added: Meta, *, change: bool = True) -> tuple[Meta, str]:
    """``known`` with ``added``'s keys added (and, with ``change``, its values for keys
    ``known`` has), and the problem that refuses it (``""``: none): a document holds at most
    ``MAX_KEYS``; without ``change`` a value that differs from the known one."""
    if not change:
        ours = dict(known)
        for key, value in added:
            if key in ours and ours[key] != value:
                return known, (f"its {key!r} is {ours[key]!r} here, {value!r} in this import "
                               "(another outlet's copy under the same name? give it another "
                               "id; a correction: import again with --replace)")
    merged = tuple(sorted({**dict(known), **dict(added)}.items()))
    if len(merged) > MAX_KEYS:
        return known, (f"{len(merged)} metadata keys with those added; a document holds at "
                       f"most {MAX_KEYS}")
    return merged, ""


SAME_TEXT_AS = "same_text_as"  # marks a copy of a text stored for its other metadata


def own_meta(meta: Meta) -> Meta:
    """A document's metadata as its file gave it (the ``same_text_as`` mark left out)."""
    return tuple(kv for kv in meta if kv[0] != SAME_TEXT_AS)


def meta_dict(meta: Meta) -> dict[str, str]:
    """``meta`` as a JSON object (what the project file and the exports write)."""
    return dict(meta)


def meta_keys(metas: Iterable[Meta]) -> list[str]:
    """Every key of ``metas``, sorted: the metadata columns of a table of them."""
    keys: set[str] = set()
    for meta in metas:
        keys.update(k for k, _ in meta)
    return sorted(keys)


COLUMN_PREFIX = "meta_"


def meta_column(key: str) -> str:
    """The name of ``key``'s column or field beside a tool's own (``meta_outlet``): the one
    naming of metadata in a table or a flat record, so a key never collides with ours."""
    return COLUMN_PREFIX + key


def meta_columns(meta: Meta) -> dict[str, str]:
    """``meta`` as flat fields named by ``meta_column``."""
    return {meta_column(k): v for k, v in meta}


def meta_get(meta: Meta, key: str) -> str:
    """The value of ``key`` (``""`` when absent)."""
    for k, v in meta:
        if k == key:
            return v
    return ""


NO_VALUE = "(none)"  # the group of documents without the key
PERIODS = {"year": 4, "month": 7, "day": 10}  # characters of an ISO date that name the period
_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def parse_grouping(spec: str) -> tuple[str, int]:
    """``--by`` as (key, characters of an ISO date kept: 0 for the whole value):
    ``outlet``, ``date:year``, ``date:month``. ``ValueError`` names what is wrong."""
    name, _, period = spec.partition(":")
    key = meta_key(name)
    if key is None:
        raise ValueError(f"{spec!r} is not a metadata key")
    if not period:
        return key, 0
    if period not in PERIODS:
        raise ValueError(f"{spec!r}: after the colon, one of {', '.join(PERIODS)}")
    return key, PERIODS[period]


# dates as news sites and databases write them, read for their year, month and day; a
# numeric day/month order ("03/05/2024") is not among them: it reads both ways
DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y",
                "%d-%b-%Y", "%Y/%m/%d", "%Y.%m.%d", "%A, %B %d, %Y", "%a, %B %d, %Y",
                "%A, %d %B %Y", "%a, %d %b %Y", "%A %d %B %Y")
_UP_TO_YEAR = re.compile(r".*?\b\d{4}\b")  # a date ends at its year; a time may follow
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b")
_ABBREVIATION = re.compile(r"\b(Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.")


@lru_cache(maxsize=1 << 16)  # a corpus's articles share a few thousand dates
def iso_date(value: str) -> str:
    """``value`` as an ISO date (``2024-03-05``), when it starts with one or is written in
    one of ``DATE_FORMATS`` ("March 5, 2024", "Sept. 5th, 2024", "5 Mar 2024"; what follows
    the year, a time, aside); ``""`` when it cannot be read as a date."""
    head = value[:10]
    if _ISO_DATE.fullmatch(head) and len(head) == 10:
        return head if _real_date(head) else ""
    date = _UP_TO_YEAR.match(value)
    if date is None:
        return ""
    text = _ABBREVIATION.sub(lambda m: m.group(1)[:3], _ORDINAL.sub(r"\1", date.group()))
    text = _in_english(text)
    from datetime import datetime

    for written in (" ".join(text.split()), head):  # the year first: "2024/03/05"
        for fmt in DATE_FORMATS:
            try:
                day = datetime.strptime(written, fmt).date()
            except ValueError:
                continue
            return day.isoformat() if YEARS[0] <= day.year <= YEARS[1] else ""
    return ""


YEARS = (1800, 2199)  # a "year" outside is a time ("March 5, 1430 GMT") or a slip

# month names of the languages news databases write dates in besides English (Nexis and
# Factiva in German, French, Spanish, Italian, Dutch: "5. März 2016", "1er mars 2016",
# "5 de marzo de 2016"), each read as the English month; and their weekday names, left out
_MONTHS = {name: english for english, names in {
    "January": "januar jänner janvier enero gennaio januari janeiro",
    "February": "februar feber février fevrier febrero febbraio februari fevereiro",
    "March": "märz maerz mars marzo maart março",
    "April": "avril abril aprile",
    "May": "mai mayo maggio mei maio",
    "June": "juni juin junio giugno junho",
    "July": "juli juillet julio luglio julho",
    "August": "août aout agosto augustus",
    "September": "septembre septiembre setiembre settembre setembro",
    "October": "oktober octobre octubre ottobre outubro",
    "November": "novembre noviembre novembro",
    "December": "dezember décembre decembre diciembre dicembre dezembro",
}.items() for name in names.split()}
_WEEKDAYS = frozenset(
    "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag lundi mardi "
    "mercredi jeudi vendredi samedi dimanche lunes martes miércoles miercoles jueves viernes "
    "sábado sabado domingo lunedì martedì mercoledì giovedì venerdì sabato domenica maandag "
    "dinsdag woensdag donderdag vrijdag zaterdag zondag".split())
_WORD = re.compile(r"[^\W\d_]+")
_DAY_MARK = re.compile(r"(\d{1,2})(?:\.|er\b|º|°)?(?:\s+de)?(?=\s+[^\W\d_])")
_OF_YEAR = re.compile(r"(?<=[^\W\d_])\s+de\s+(?=\d{4})")


def _in_english(text: str) -> str:
    """A date written in another language as ``DATE_FORMATS`` read it: its month named in
    English, its weekday left out, the marks around the day ("5.", "1er", "5 de") and
    "de" before the year dropped; an English date is returned as it is."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not any(w in _MONTHS or w in _WEEKDAYS for w in words):
        return text
    text = _WORD.sub(lambda m: "" if m.group().lower() in _WEEKDAYS
                     else _MONTHS.get(m.group().lower(), m.group()), text)
    text = _OF_YEAR.sub(" ", _DAY_MARK.sub(r"\1", text))
    return " ".join(text.replace(",", " ").split())


def _real_date(head: str) -> bool:
    """Whether an ISO year, year-month or date (``2024``, ``2024-03``, ``2024-03-05``) is
    one the calendar has, in ``YEARS``."""
    from datetime import date

    parts = [int(p) for p in head.split("-")] + [1, 1]
    try:
        return YEARS[0] <= date(parts[0], parts[1], parts[2]).year <= YEARS[1]
    except ValueError:
        return False


def group_of(meta: Meta, key: str, period: int = 0) -> str:
    """The group a document falls in by ``key`` (``NO_VALUE`` without it): the value, or with
    ``period`` the year, month or day of its date (ISO, or a date ``iso_date`` reads: "March
    5, 2024" is in 2024-03); a value that is no date is its own group, whole."""
    value = meta_get(meta, key)
    if not value:
        return NO_VALUE
    if period:
        head = value[:period]
        if _ISO_DATE.fullmatch(head) and len(head) == period and not value[
                period : period + 1].isdigit():  # not a timestamp's first digits
            return head if _real_date(head) else value
        day = iso_date(value)
        if day:
            return day[:period]
    return value


def meta_line(meta: Meta) -> str:
    """The outlet and date of a document in a few words (``The Times, 2024-04-01``), for a
    list row or a title bar; ``""`` when it has neither."""
    return ", ".join(v for v in (meta_get(meta, "outlet"), meta_get(meta, "date")[:10]) if v)
