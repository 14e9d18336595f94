"""The codebook: what a study codes beyond quotes, speakers and stance, each a closed list.

Speaker attributes say who is quoted (gender, role, party…): the Gender Gap Tracker and the
Global Media Monitoring Project ask how many of the people quoted are women; political
communication asks how many are officials, experts or citizens. Quote variables say what a
quote is about or how (topic, frame, tone…). A project defines each as a ``CodedVariable``
(``speaker_attributes`` in its settings, gender by default; ``quote_variables``, none by
default), and a coder sets a value per speaker or quote of a document
(``edits.SetSpeakerAttribute``, ``edits.SetQuoteCode``: undoable, journaled, in the coder's own
layer).

The same person is coded once: a speaker coded in one article counts as coded in every other
article of the layer that names the same corpus speaker (``registry.speaker_key``; a surname
alone the layer's one full name of it: ``registry.surname_links``) and does not
code them otherwise there (``CorpusCodes``). The statistics and the csv read the value that
way, and say where one speaker was coded two ways.

A quote variable's value is suggested by a model learned from the layer's coded quotes (the
stance's learner and gate: ``annotations.learned_codes``), never stored until a coder takes it.
``suggest`` proposes a value from the article itself, never stored until a coder takes it: a
speaker's gender from the pronouns that refer to them ("she said") and gendered titles
("Mrs.", "Congresswoman"), and nothing when they disagree (``detect.gender``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.detect.gender import gender_signs
from annotations.errors import InputError
from annotations.metadata import KEY_RE
from annotations.model import Layer, Quote, Speaker
from annotations.registry import CorpusCodes, most_coded, speaker_key

SETTING = "speaker_attributes"
QUOTE_SETTING = "quote_variables"
MAX_ATTRIBUTES = 8
MAX_VALUES = 9  # a closed list a coder reads at a glance in the picker
MAX_VALUE = 40
COLUMN_PREFIX = "speaker_"
QUOTE_COLUMN_PREFIX = "code_"
NOT_CODED = "(not coded)"


@dataclass(frozen=True, slots=True)
class CodedVariable:
    """One variable a project codes for its speakers (an attribute) or its quotes, with the
    values it can take."""

    name: str
    values: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The attribute as the project's settings hold it."""
        return {"name": self.name, "values": list(self.values)}


GENDER = CodedVariable("gender", ("female", "male", "other", "unclear"))
DEFAULT: tuple[CodedVariable, ...] = (GENDER,)


def define(name: str, values: Iterable[str], what: str = "attribute") -> CodedVariable:
    """A variable from what a user typed (``what``: how messages name it), checked: a name
    that can be a column name, 1 to ``MAX_VALUES`` distinct values, each as ``coded_problem``
    allows. Raises ``InputError`` with the reason."""
    name = name.strip().lower()
    problem = _name_problem(name)
    if problem is not None:
        raise InputError(f"{what} name {name!r}: {problem}")
    clean = [v.strip() for v in values if v.strip()]
    if not clean:
        raise InputError(f"{what} {name!r} needs at least one value")
    if len(clean) > MAX_VALUES:
        raise InputError(f"{what} {name!r}: {len(clean)} values; at most {MAX_VALUES}")
    for value in clean:
        problem = _value_problem(value)
        if problem is not None:
            raise InputError(f"{what} {name!r}: value {value[:MAX_VALUE]!r}: {problem}")
    if len(set(clean)) < len(clean):
        raise InputError(f"{what} {name!r} lists a value twice")
    return CodedVariable(name, tuple(clean))


def coded_problem(name: str, value: str) -> str | None:
    """Why a speaker's coded ``name``/``value`` read from a file could not be one ``define``
    allows (None: it could): a file's value is shown in the reader, the statistics and the csv,
    so what the project itself refuses is refused there too (an escape sequence, a line
    break)."""
    return _name_problem(name) or _value_problem(value)


def _name_problem(name: str) -> str | None:
    """The one rule for an attribute's name: it becomes a column name."""
    if not KEY_RE.fullmatch(name) or not name.isprintable():
        return "a letter, then letters, digits or _ (up to 40): it becomes a column name"
    return None


def _value_problem(value: str) -> str | None:
    """The one rule for an attribute's value: shown in the reader, the statistics and the
    csv, and never the statistics' own name for "none"."""
    if len(value) > MAX_VALUE or not value.isprintable() or value != value.strip() or not value:
        return f"a value is printable text of at most {MAX_VALUE} characters"
    if value == NOT_CODED:
        return f"{NOT_CODED} is what the statistics call a speaker or quote without a value"
    return None


def attributes_outside(scheme: Sequence[CodedVariable], layers: Iterable[Layer],
                       variables: Sequence[CodedVariable] = ()) -> Counter[str]:
    """How many speakers of ``layers`` carry each ``name=value`` the project's speaker
    attributes (``scheme``) do not define, and quotes each the quote ``variables`` do not
    (another coder's layer, another tool's export; a quote coded ``gender``, a speaker
    attribute's name, is one): kept as they are, counted in the statistics under their own
    value, but no picker offers them until the codebook has them."""
    speakers = {(a.name, v) for a in scheme for v in a.values}
    quotes = {(a.name, v) for a in variables for v in a.values}
    counts: Counter[str] = Counter()
    for layer in layers:
        counts.update(f"{k}={v}" for s in layer.speakers.values() for k, v in s.attributes
                      if (k, v) not in speakers)
        counts.update(f"quote {k}={v}" for q in layer.quotes.values() for k, v in q.codes
                      if (k, v) not in quotes)
    return counts


def attribute_scheme(settings: Mapping[str, Any],
                     setting: str = SETTING) -> tuple[CodedVariable, ...]:
    """The project's speaker attributes from its settings (``DEFAULT`` when it never set
    them), or with ``setting`` = ``QUOTE_SETTING`` its quote variables (none by default). A
    stored entry that no longer reads (a hand-edited file) is left out; the rest stay."""
    raw = settings.get(setting)
    if raw is None:
        return DEFAULT if setting == SETTING else ()
    out: list[CodedVariable] = []
    for entry in raw if isinstance(raw, list) else ():
        try:
            attribute = define(str(entry["name"]), [str(v) for v in entry["values"]])
        except (InputError, KeyError, TypeError):
            continue
        if all(a.name != attribute.name for a in out):
            out.append(attribute)
    return tuple(out[:MAX_ATTRIBUTES])


def quote_variables(settings: Mapping[str, Any]) -> tuple[CodedVariable, ...]:
    """What the project codes about each quote besides its stance (topic, frame, tone…):
    ``attribute_scheme``'s rules, under ``QUOTE_SETTING``; none by default."""
    return attribute_scheme(settings, QUOTE_SETTING)


def unreadable(settings: Mapping[str, Any], setting: str = SETTING) -> int:
    """How many entries of the stored ``setting`` ``attribute_scheme`` leaves out (a
    hand-edited file: 50 values, a name that is not a column name…); a setting that is not a
    list counts as one."""
    raw = settings.get(setting)
    if raw is None:
        return 0
    if not isinstance(raw, list):
        return 1
    read = set()
    for entry in raw:
        try:
            read.add(define(str(entry["name"]), [str(v) for v in entry["values"]]).name)
        except (InputError, KeyError, TypeError):
            continue
    return len(raw) - min(len(read), MAX_ATTRIBUTES)


def unreadable_messages(settings: Mapping[str, Any],
                        which: Iterable[str] = (SETTING, QUOTE_SETTING)) -> list[str]:
    """One line per codebook setting of ``which`` with entries that do not read (a
    hand-edited saywho.json): the commands say them on stderr, the TUI at its start."""
    out = []
    for setting in which:
        broken = unreadable(settings, setting)
        if broken:
            one = broken == 1
            out.append(f"{broken} entr{'y' if one else 'ies'} of the project's {setting} "
                       f"setting (saywho.json) {'does' if one else 'do'} not read and "
                       f"{'is' if one else 'are'} left out: a name is a letter, then letters, "
                       "digits or _; 1 to 9 distinct printable values")
    return out


def with_attribute(scheme: Sequence[CodedVariable],
                   attribute: CodedVariable) -> tuple[CodedVariable, ...]:
    """``scheme`` with ``attribute`` added, or replacing the one of its name in place."""
    names = [a.name for a in scheme]
    if attribute.name in names:
        return tuple(attribute if a.name == attribute.name else a for a in scheme)
    if len(scheme) >= MAX_ATTRIBUTES:
        raise InputError(f"a project codes at most {MAX_ATTRIBUTES} speaker attributes")
    return (*scheme, attribute)


def as_setting(scheme: Iterable[CodedVariable]) -> list[dict[str, Any]]:
    """The value of the ``speaker_attributes`` setting for ``scheme``."""
    return [a.to_dict() for a in scheme]


def offered_values(used: Mapping[str, Iterable[str]],
                   scheme: Sequence[CodedVariable] = DEFAULT) -> dict[str, list[str]]:
    """The values another tool's control offers for each attribute or quote variable an
    export codes (``used``: the values it holds, by name): its own values in ``scheme``
    first (the project's; by default gender's four, so a coder there can choose one no
    speaker has yet), then the others used, sorted."""
    own = {a.name: a.values for a in scheme}
    out: dict[str, list[str]] = {}
    for name in sorted(used):
        values = list(own.get(name, ()))
        out[name] = values + sorted(set(used[name]) - set(values))
    return out


def column(name: str) -> str:
    """The csv column of attribute ``name``: ``speaker_gender``."""
    return COLUMN_PREFIX + name


def quote_column(name: str) -> str:
    """The csv column of quote variable ``name``: ``code_topic``."""
    return QUOTE_COLUMN_PREFIX + name


def disagreement_kind(name: str) -> str:
    """What a disagreement on attribute ``name`` is called: ``speaker gender``."""
    return f"speaker {name}"


QUOTE_FIELDS = ("missing", "span", "speaker", "stance", "type")
"""What else a disagreement on a quote is called (agreement's and adjudication's kinds)."""


def quote_disagreement_kind(name: str) -> str:
    """What a disagreement on quote variable ``name`` is called: ``topic``; ``code type`` for
    a variable named as one of the quote's own fields (``QUOTE_FIELDS``), so the two never
    read alike."""
    return f"code {name}" if name in QUOTE_FIELDS else name


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A value ``suggest`` proposes and what in the article it rests on."""

    value: str
    reason: str


def suggest(speaker: Speaker, text: str, attribute: CodedVariable) -> Suggestion | None:
    """A value for ``attribute`` of ``speaker`` read from the article (None: nothing to go
    on). Only gender has a rule (``detect.gender.gender_signs``), proposed only as a value
    the attribute has (``female``/``male``)."""
    if attribute.name != GENDER.name:
        return None
    found = gender_signs(speaker, text)
    if found is None or found[0] not in attribute.values:
        return None
    return Suggestion(*found)


# -- what the coder chooses from ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AttributeChoice:
    """One row of the attribute picker: a value to code (``None``: clear the attribute)."""

    attribute: str
    value: str | None
    current: bool = False
    reason: str = ""
    """Why it is suggested (coded so elsewhere, the article's pronouns); empty: not."""
    quote: bool = False
    """A quote variable's row (else a speaker attribute's)."""

    @property
    def label(self) -> str:
        """What the row says: ``gender: female``, ``gender: clear``."""
        return f"{self.attribute}: {self.value if self.value is not None else 'clear'}"


def attribute_choices(speaker: Speaker, text: str, scheme: Sequence[CodedVariable],
                      elsewhere: CorpusCodes | None = None,
                      here: Iterable[tuple[str, tuple[tuple[str, str], ...]]] = ()
                      ) -> list[AttributeChoice]:
    """What a coder can set for ``speaker``: first the suggestions for attributes not coded
    yet (so Enter takes one), then every value of each attribute, then a row to clear each
    coded one.

    A value the layer codes the same person with in other documents (``elsewhere``, by
    ``speaker_key``: what the statistics count them as already) comes first: a coder's
    decision outweighs the article's pronouns, which follow when they say otherwise. ``here``:
    what this document itself adds to ``elsewhere`` (``SpeakerRegistry.coded_in``), left out
    so the count is of the other documents only."""
    suggested: list[AttributeChoice] = []
    values: list[AttributeChoice] = []
    clear: list[AttributeChoice] = []
    key = speaker_key(speaker.name)
    for attribute in scheme:
        own = speaker.attribute(attribute.name)
        hints: dict[str, str] = {}  # value -> why
        if own is None:
            counts = elsewhere.counts(key, attribute.name) if elsewhere is not None else Counter()
            for here_key, pairs in here:
                if here_key == key:
                    counts.subtract(v for k, v in pairs if k == attribute.name)
            counts = +counts  # what this document added, out
            value = most_coded(counts)
            if value is not None:
                others = sum(counts.values()) - counts[value]
                hints[value] = (f"coded so in {counts[value]} other document(s)"
                                + (f", otherwise in {others}" if others else ""))
            hint = suggest(speaker, text, attribute)
            if hint is not None:
                hints[hint.value] = "; ".join(filter(None, (hints.get(hint.value), hint.reason)))
        suggested += [AttributeChoice(attribute.name, v, False, why) for v, why in hints.items()]
        values += [AttributeChoice(attribute.name, v, v == own) for v in attribute.values
                   if v not in hints]
        if own is not None:
            clear.append(AttributeChoice(attribute.name, None))
    return suggested + values + clear


def quote_choices(quote: Quote, variables: Sequence[CodedVariable],
                  learned: Mapping[str, tuple[str, str]] | None = None) -> list[AttributeChoice]:
    """What a coder can set for ``quote``'s variables (topic, frame…): first the value each
    variable the quote does not code yet has learned to suggest (``learned``: variable ->
    (value, why), ``learned_codes.learned_code``), so Enter takes it; then every value of
    each, the one coded now marked; then a row to clear each coded one. They come before the
    speaker's rows in the picker (the quote is what the coder is reading)."""
    learned = learned or {}
    hints = {v.name: learned[v.name] for v in variables
             if v.name in learned and quote.code(v.name) is None
             and learned[v.name][0] in v.values}
    suggested = [AttributeChoice(name, value, reason=why, quote=True)
                 for name, (value, why) in hints.items()]
    values = [AttributeChoice(v.name, value, value == quote.code(v.name), quote=True)
              for v in variables for value in v.values
              if (v.name, value) not in {(n, h[0]) for n, h in hints.items()}]
    clear = [AttributeChoice(v.name, None, quote=True) for v in variables
             if quote.code(v.name) is not None]
    return suggested + values + clear
