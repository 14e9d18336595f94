"""The corpus-level speaker registry: the same person across articles is one speaker.

Speakers are stored per document (their mentions are offsets into one text). The registry
links them across the corpus by their canonical name, normalised (case, punctuation, titles
and "'s" dropped), so "Jim Kenney" in 40 articles counts once in the stats and the speaker
picker offers him in every article. ``registry_key`` is the one rule for "the same speaker in
another document": the stats, the stance learner and the speaker picker's candidates
(``speaker_candidates``, ranked by ``rank_speakers``) all use it.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from annotations.evaluate import PRONOUNS
from annotations.folding import loose
from annotations.layer_summary import Voice, voices
from annotations.model import Layer, Speaker

TITLES = frozenset(
    "mr mrs ms miss dr prof sir dame rev mayor president senator sen rep gov governor "
    "minister premier chief director secretary judge officer sgt lt col gen capt".split()
)


_POSSESSIVE = re.compile(r"'s$")
_WORD = re.compile(r"[\w-]+(?:'[\w-]+)*")  # "O'Brien" is one word, not an initial and "Brien"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})  # typographic ones as typed


@lru_cache(maxsize=1 << 16)  # a corpus names the same few thousand people again and again
def registry_key(name: str) -> str:
    """The normalised form two names must share to be one corpus speaker: lower case, accents
    folded as the picker's exact tier reads them (``loose``: "José Núñez" is "jose nunez", as a
    keyboard without those letters types it), without
    possessive "'s" and leading titles, an apostrophe inside a name kept ("O'Brien" and
    "O’Brien" are "o'brien"), adjacent initials as one word ("J.D. Vance", "J. D.
    Vance" and "JD Vance" are "jd vance"; ``_key_words``). A title that owns what follows is
    no title of the speaker: "Governor's spokesman" keeps "governor" (every "X's spokesman"
    would otherwise be one speaker, "spokesman")."""
    return " ".join(word for word, _ in _key_words(name))


@lru_cache(maxsize=1 << 16)
def _key_words(name: str) -> tuple[tuple[str, bool], ...]:
    """``registry_key``'s words, each with whether it is initials: a lone letter ("F." of John
    F. Kennedy) or two or more adjacent ones joined ("H. W." of George H. W. Bush is "hw")."""
    words = _WORD.findall(loose(name).casefold().translate(_APOSTROPHES))
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    joined: list[tuple[str, bool]] = []
    for word in (_POSSESSIVE.sub("", w) for w in words):
        if len(word) == 1 and joined and joined[-1][1]:
            joined[-1] = (joined[-1][0] + word, True)
        else:
            joined.append((word, len(word) == 1))
    return tuple(joined)


def speaker_key(name: str) -> str:
    """``registry_key``, falling back to the name itself when nothing normalisable is left."""
    return registry_key(name) or name


@dataclass(slots=True)
class CorpusSpeaker:
    """One speaker of the corpus with where they speak."""

    key: str
    name: str
    kind: str
    aliases: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    quotes: int = 0
    speaker_id: str = ""  # their id in the first document read (ids are per document)
    found_in: str = ""  # a document they are a speaker of, quoted or not (built from summaries)


def build_registry(
    layers: Iterable[tuple[str, Layer]], into: dict[str, CorpusSpeaker] | None = None
) -> dict[str, CorpusSpeaker]:
    """Corpus speakers from ``(doc_id, layer)`` pairs, counting non-rejected quotes (added to
    ``into`` when given)."""
    registry: dict[str, CorpusSpeaker] = {} if into is None else into
    for doc_id, layer in layers:
        local: dict[str, CorpusSpeaker] = {}
        for speaker in layer.speakers.values():
            local[speaker.id] = register_speaker(registry, speaker)
        for quote in layer.quotes.values():
            if quote.status == "rejected" or quote.speaker_id not in local:
                continue
            entry = local[quote.speaker_id]
            entry.quotes += 1
            entry.documents.add(doc_id)
    return registry


def _add_voices(
    registry: dict[str, CorpusSpeaker], doc_id: str, voices: Iterable[Voice]
) -> list[tuple[str, int]]:
    """Link one document's speakers into ``registry`` from its corpus-index summary (its
    ``Voice``s: name, kind, aliases, quotes not rejected) instead of its layer, and return
    what the document added: (name, quotes) per speaker."""
    added: list[tuple[str, int]] = []
    for voice in voices:
        if voice.known:
            entry = registry.get(speaker_key(voice.name))
            if (entry is None or voice.aliases or len(voice.name) > len(entry.name)
                    or entry.kind == "unknown"):  # else register_speaker would change nothing
                entry = register_speaker(
                    registry, Speaker("", voice.name, voice.kind, tuple(voice.aliases)))
            entry.found_in = entry.found_in or doc_id
            quotes = voice.quotes
            entry.quotes += quotes
            if quotes:
                entry.documents.add(doc_id)
            added.append((sys.intern(voice.name), quotes))  # a name recurs across the corpus
    return added


def most_coded(counts: Mapping[str, int] | None) -> str | None:
    """The value coded most often in ``counts`` (ties: the first in alphabetical order);
    None for none: the one rule for a speaker coded in several documents."""
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def surname_links(kinds: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The corpus's cautious surname rule, from its speakers' (``speaker_key``, kind): a
    speaker known by a surname alone ("warren") is the one person of the corpus with a full
    name of that surname ("elizabeth warren"), when there is exactly one (``same_person``).
    Two full names with it ("boris johnson", "mike johnson": even "e warren" and "elizabeth
    warren"; one of them of another kind too, as a detector may take a person for an
    organisation) and it stays apart, and so does anything not a person (``PERSON_KINDS``: an
    organisation "Warren" is not the senator, nor the senator an organisation's). Returns
    {surname key: full-name key}. Cheap at 100,000 documents: only full names whose last word
    is someone's whole key are looked at closer."""
    kinds = list(kinds)
    alone = {key for key, kind in kinds
             if kind in PERSON_KINDS and key and " " not in key and key not in PRONOUNS}
    full: dict[str, dict[str, str]] = {}  # surname -> its full names, each once: kind
    for key, kind in kinds:
        at = key.rfind(" ")
        if at > 0 and key[at + 1:] in alone:  # any kind: a "Mike Johnson" the detector took
            full.setdefault(key[at + 1:], {})[key] = kind  # for an organisation is a rival
    links = {}
    for surname, keys in full.items():
        if len(keys) > 1 or not _person_words(surname):
            continue  # two full names (or more) end so: whoever is meant, it stays apart
        [(key, kind)] = keys.items()
        if kind not in PERSON_KINDS:
            continue
        words = _person_words(key)  # same_person's rule, for a surname alone and a key
        if len(words) > 1 and words[-1][0] == surname:
            links[surname] = key
    return links


def note_kind(kinds: dict[str, str], key: str, kind: str) -> None:
    """Keep in ``kinds`` the kind ``surname_links`` judges ``key`` by, for one more speaker
    of that key: a person only while no document names it otherwise (an organisation
    "Warren" anywhere keeps every "Warren" apart), else the first other kind."""
    held = kinds.get(key)
    if held is None or held == "unknown" or (held in PERSON_KINDS and kind not in PERSON_KINDS):
        kinds[key] = kind


class SurnameLinks:
    """The corpus's speakers linked by ``surname_links``: the key every count, code and
    export column of a speaker uses (``key``), and the keys one person is stored under
    (``group``). Empty, every key is its own."""

    def __init__(self, kinds: Iterable[tuple[str, str]] = ()) -> None:
        self._to = surname_links(kinds)
        self._from: dict[str, tuple[str, ...]] = {}
        for alone, full in self._to.items():
            self._from[full] = (*self._from.get(full, ()), alone)

    def key(self, key: str) -> str:
        """The key the person known as ``key`` is counted under across the corpus."""
        return self._to.get(key, key)

    def group(self, key: str) -> tuple[str, ...]:
        """Every key the person known as ``key`` is stored under, theirs first."""
        own = self._to.get(key, key)
        return (own, *self._from.get(own, ()))

    def __len__(self) -> int:
        return len(self._to)

    def items(self) -> Iterable[tuple[str, str]]:
        """(surname key, full-name key) pairs."""
        return self._to.items()


NO_LINKS = SurnameLinks()


class CorpusCodes:
    """The values coded per corpus speaker (``speaker_key``) across one layer's documents,
    so a speaker coded in one article counts as coded where the layer names them uncoded."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], Counter[str]] = {}
        self.links_of: Callable[[], SurnameLinks] = lambda: NO_LINKS
        """The corpus's surname links: a speaker stored as "Warren" reads the codes of the
        one "Elizabeth Warren" (``surname_links``); set by who knows the corpus's speakers."""

    def key(self, key: str) -> str:
        """The key the corpus counts speaker ``key`` under (``SurnameLinks.key``)."""
        return self.links_of().key(key)

    def _counts(self, key: str, name: str) -> Counter[str] | None:
        """What every key of ``key``'s person holds for ``name`` (None: nothing)."""
        group = self.links_of().group(key)
        if len(group) == 1:
            return self._values.get((key, name))
        found = [c for k in group if (c := self._values.get((k, name)))]
        return sum(found, Counter()) if len(found) > 1 else (found[0] if found else None)

    def add(self, key: str, attributes: Iterable[tuple[str, str]]) -> None:
        """One document's coded values for the corpus speaker ``key``."""
        for name, value in attributes:
            counts = self._values.get((key, name))
            if counts is None:
                counts = self._values[key, name] = Counter()
            counts[value] += 1

    def __bool__(self) -> bool:
        """Whether any speaker is coded."""
        return bool(self._values)

    def remove(self, key: str, attributes: Iterable[tuple[str, str]]) -> None:
        """Take back what ``add`` added for one document (its speaker recoded or gone)."""
        for name, value in attributes:
            counts = self._values.get((key, name))
            if counts is None:
                continue
            counts[value] -= 1
            if counts[value] <= 0:
                del counts[value]
            if not counts:
                del self._values[key, name]

    def counts(self, key: str, name: str) -> Counter[str]:
        """How many documents code speaker ``key`` with each value of ``name``."""
        return Counter(self._counts(key, name) or {})

    def add_layer(self, layer: Layer) -> None:
        """One document's layer: every speaker it codes (``stats.corpus_codes``' rule, which
        reads the same from the corpus index)."""
        for speaker in layer.speakers.values():
            if speaker.attributes:
                self.add(speaker_key(speaker.name), speaker.attributes)

    def value(self, key: str, name: str, own: str | None = None) -> str | None:
        """The value of ``name`` for speaker ``key`` in a document that codes it ``own``: that,
        else the value the layer's other documents code them with most (ties: the first in
        alphabetical order), else None."""
        if own is not None:
            return own
        return most_coded(self._counts(key, name))

    def conflicts(self, name: str) -> list[str]:
        """The speakers (keys, ``key``'s) coded with two values or more for ``name``."""
        keys = {self.key(k) for k, n in self._values if n == name}
        return sorted(k for k in keys if len(self._counts(k, name) or ()) > 1)


class SpeakerRegistry(Mapping[str, CorpusSpeaker]):
    """The corpus's speakers (``registry_key`` -> ``CorpusSpeaker``), kept current one document
    at a time.

    Built from the corpus index's summaries it takes seconds at 100,000 documents; a speaker
    edit changes one document, so ``set_document`` takes that document's old part out and puts
    its new one in, instead of a rebuild before the next speaker picker. An entry no document
    names any more goes; one whose name came from the document taken out takes the longest
    name the others give it (ties: the first in alphabetical order), the old one gone from its
    aliases unless another document still uses it. Its kind and the id it carries stay, and so
    does an alias a speaker record held, until the next build.
    """

    def __init__(self) -> None:
        self._entries: dict[str, CorpusSpeaker] = {}
        self._names: dict[str, tuple[str, ...]] = {}  # per document, its speakers' names
        self._quotes: dict[str, tuple[int, ...]] = {}  # ... and their quotes there
        self._named_in: dict[str, int] = {}  # key -> documents that name it
        self._coded: dict[str, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = {}
        self.codes = CorpusCodes()
        """What the layer codes about its speakers across the corpus, kept current with it."""
        self._links: SurnameLinks | None = None  # worked out when first asked after a change
        self._other_kinds: dict[str, tuple[tuple[str, str], ...]] = {}  # per document, its
        # speakers not people (key, kind): a key any document gives another kind is not linked
        self.codes.links_of = lambda: self.links

    @property
    def links(self) -> SurnameLinks:
        """The corpus's surname links (``surname_links``) over the speakers held now: worked
        out again when first asked after a document added or took away a speaker."""
        if self._links is None:
            kinds = {k: e.kind for k, e in self._entries.items()}
            for others in self._other_kinds.values():
                for key, kind in others:
                    note_kind(kinds, key, kind)
            self._links = SurnameLinks(kinds.items())
        return self._links

    def key(self, name: str) -> str:
        """The key the corpus counts the speaker named ``name`` under: its ``speaker_key``,
        or the one full name its surname links to (``surname_links``)."""
        return self.links.key(speaker_key(name))

    def __getitem__(self, key: str) -> CorpusSpeaker:
        return self._entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def set_document(self, doc_id: str, voices: Iterable[Voice]) -> None:
        """Make ``doc_id``'s part of the registry its ``voices`` (its summary's)."""
        voices = voices if isinstance(voices, tuple) else tuple(voices)
        if self._coded:  # nothing coded anywhere yet (most corpora): nothing to take out
            for key, attributes in self._coded.pop(doc_id, ()):
                self.codes.remove(key, attributes)
        coded = [(speaker_key(v.name), v.attributes) for v in voices if v.attributes and v.known]
        if coded:
            for key, attributes in coded:
                self.codes.add(key, attributes)
            self._coded[doc_id] = tuple(coded)
        others = tuple((speaker_key(v.name), v.kind) for v in voices
                       if v.known and v.kind not in PERSON_KINDS)
        if self._links is not None and (
                others != self._other_kinds.get(doc_id, ())
                or {speaker_key(v.name) for v in voices if v.known}
                != {speaker_key(n) for n in self._names.get(doc_id, ())}):
            self._links = None  # its speakers or their kinds changed: the links may too
        if others:
            self._other_kinds[doc_id] = others
        else:
            self._other_kinds.pop(doc_id, None)
        dropped = self._drop(doc_id)
        added = _add_voices(self._entries, doc_id, voices)
        if added:
            names, quotes = zip(*added, strict=True)
            self._names[doc_id], self._quotes[doc_id] = names, quotes
            for key in {speaker_key(n) for n in names}:
                self._named_in[key] = self._named_in.get(key, 0) + 1
        kept = self._names.get(doc_id, ())
        for key, names in dropped.items():
            entry = self._entries.get(key)
            if entry is not None and entry.name in names and entry.name not in kept:
                self._rename(key, names)

    def coded_in(self, doc_id: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        """What ``doc_id`` adds to ``codes``: (speaker key, attributes) of its coded speakers
        (taken out where the picker tells what the other documents say)."""
        return self._coded.get(doc_id, ())

    def _drop(self, doc_id: str) -> dict[str, set[str]]:
        """Take ``doc_id``'s part out; the names it gave, by key, of the entries left."""
        names = self._names.pop(doc_id, ())
        by_key: dict[str, set[str]] = {}
        for name, quotes in zip(names, self._quotes.pop(doc_id, ()), strict=True):
            key = speaker_key(name)
            by_key.setdefault(key, set()).add(name)
            entry = self._entries[key]
            entry.quotes -= quotes
            entry.documents.discard(doc_id)
        for key in list(by_key):
            left = self._named_in[key] - 1
            if left:
                self._named_in[key] = left
                entry = self._entries[key]
                if entry.found_in == doc_id:  # rare: a scan of the documents is fine
                    entry.found_in = next(iter(entry.documents), "") or next(
                        (d for d, _ in self._naming(key)), "")
            else:
                del self._named_in[key], self._entries[key], by_key[key]
        return by_key

    def _naming(self, key: str) -> Iterator[tuple[str, str]]:
        """(document, name) of every name of ``key`` the documents give (a scan: rare)."""
        for doc_id, names in self._names.items():
            for name in names:
                if speaker_key(name) == key:
                    yield doc_id, name

    def _rename(self, key: str, dropped: set[str]) -> None:
        """The entry's name came from a document that no longer gives it: the longest name
        the documents still give, the names no document gives any more out of its aliases."""
        entry = self._entries[key]
        left = {name for _, name in self._naming(key)}
        if not left:
            return
        name = max(sorted(left), key=len)
        entry.aliases = (entry.aliases | left | {entry.name}) - (dropped - left) - {name}
        entry.name = name


def registry_from_summaries(
    doc_ids: Iterable[str], voices_of: Callable[[str], Sequence[Voice] | None],
    read_layer: Callable[[str], Layer], into: SpeakerRegistry | None = None,
) -> SpeakerRegistry:
    """The corpus's speakers from each document's corpus-index summary (``voices_of``: its
    ``LayerSummary.voices``); a document whose summary predates voices (None) is read whole
    (``read_layer``). At 21,000 documents: under a second, where reading every layer took
    15 s. ``into``: add them to that registry (read a slice of the corpus at a time)."""
    from annotations.store.collector import collector_paused

    registry = SpeakerRegistry() if into is None else into
    with collector_paused():  # hundreds of thousands of small objects, none in a cycle
        for doc_id in doc_ids:
            got = voices_of(doc_id)
            registry.set_document(doc_id, voices(read_layer(doc_id)) if got is None else got)
    return registry


def register_speaker(registry: dict[str, CorpusSpeaker], speaker: Speaker) -> CorpusSpeaker:
    """Link one document's ``speaker`` into ``registry`` (its entry, made or updated: the
    longest name wins, the others become aliases); ``build_registry``'s rule per speaker."""
    entry = _entry(registry, speaker)
    entry.aliases.update(a for a in speaker.aliases if a != entry.name)
    return entry


def _entry(registry: dict[str, CorpusSpeaker], speaker: Speaker) -> CorpusSpeaker:
    key = speaker_key(speaker.name)
    entry = registry.get(key)
    if entry is None:
        entry = registry[key] = CorpusSpeaker(key, speaker.name, speaker.kind,
                                              speaker_id=speaker.id)
    elif len(speaker.name) > len(entry.name):
        entry.aliases.add(entry.name)
        entry.name = speaker.name
    if entry.kind == "unknown":
        entry.kind = speaker.kind
    return entry


@dataclass(frozen=True, slots=True)
class SpeakerCandidate:
    """A speaker the user can pick: from this document or elsewhere in the corpus.

    ``quotes``: for a speaker of this document, its quotes in the layer (every status, as the
    speakers panel counts them); for a corpus speaker, its non-rejected quotes in the corpus.
    ``speaker_id`` of a corpus speaker is its id in another document: reuse it only when this
    document does not use it already.
    """

    speaker_id: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "person"
    in_document: bool = True
    quotes: int = 0

    @property
    def key(self) -> str:
        """What identifies the speaker across documents (``registry_key`` of the name)."""
        return speaker_key(self.name)


Corpus = Mapping[str, CorpusSpeaker] | Mapping[str, Layer] | Iterable[Layer]
"""A registry (``build_registry``), the layers by document id, or just the layers."""


def as_registry(corpus: Corpus) -> Mapping[str, CorpusSpeaker]:
    """``corpus`` as a registry, built from its layers when it is not one already."""
    if isinstance(corpus, Mapping):
        if all(isinstance(v, CorpusSpeaker) for v in corpus.values()):
            return corpus  # type: ignore[return-value]
        return build_registry(corpus.items())  # type: ignore[arg-type]
    return build_registry((str(i), layer) for i, layer in enumerate(corpus))


def speaker_candidates(
    layer: Layer,
    corpus: Corpus = (),
    *,
    corpus_too: bool = True,
    exclude: str | None = None,
) -> list[SpeakerCandidate]:
    """The speakers a picker offers for ``layer``: the document's own, then the corpus's.

    ``corpus``: a registry (``build_registry``; worth caching) or the layers to build one from.
    A corpus speaker named by a pronoun alone is left out, and so is one when a speaker of
    this document (or ``exclude``, the speaker being
    merged away) has the same ``registry_key``: "Mayor Jim Kenney" elsewhere is the
    "Jim Kenney" already here; and so is, in a ``SpeakerRegistry``, one its surname links make
    the same person (``surname_links``: "Warren" elsewhere is the Elizabeth Warren here).
    ``exclude`` (a speaker id of ``layer``) is never offered.
    """
    counts: dict[str, int] = {}
    for quote in layer.quotes.values():
        if quote.speaker_id:
            counts[quote.speaker_id] = counts.get(quote.speaker_id, 0) + 1
    found = [
        SpeakerCandidate(s.id, s.name, tuple(s.aliases), s.kind, True, counts.get(s.id, 0))
        for s in layer.speakers.values()
        if s.id != exclude
    ]
    if not corpus_too:
        return found
    registry = as_registry(corpus)
    links = registry.links if isinstance(registry, SpeakerRegistry) else NO_LINKS
    seen = {links.key(c.key) for c in found}
    if exclude and exclude in layer.speakers:
        seen.add(links.key(speaker_key(layer.speakers[exclude].name)))
    for key, entry in registry.items():
        if links.key(key) in seen or entry.name.casefold() in PRONOUNS:
            continue  # a "he" of another article is nobody here
        seen.add(links.key(key))  # "Warren" elsewhere is this article's Elizabeth Warren
        found.append(SpeakerCandidate(
            entry.speaker_id, entry.name, tuple(sorted(entry.aliases - {entry.name})),
            entry.kind, False, entry.quotes,
        ))
    return found


MIN_SCORE = 45.0
"""Below this (rapidfuzz WRatio plus bonuses, 0-``TOP_SCORE``) a fuzzy candidate does not
match a query."""
TOP_SCORE = 135.0
CONFIDENT = 75.0
"""From this score a candidate is the name typed (``match_tier``: the name itself, a name it
names, or a name being typed); below it a picker offers the typed name as a new speaker
first."""

EXACT, NAMES, TYPING, FUZZY = range(4)
"""``match_tier``'s tiers, best first: the picker ranks by tier, then by spelling."""
_BASE = {EXACT: 400.0, NAMES: 300.0, TYPING: 200.0}  # a tier's scores start here
_AMBIGUOUS = CONFIDENT - 1  # NAMES matching two people or more: offered, not taken by Enter


def rank_speakers(
    candidates: Sequence[SpeakerCandidate], query: str, limit: int = 50
) -> list[SpeakerCandidate]:
    """Candidates best matching ``query`` (``scored_speakers`` without the scores)."""
    return [c for c, _ in scored_speakers(candidates, query, limit)]


def scored_speakers(
    candidates: Sequence[SpeakerCandidate], query: str, limit: int = 50
) -> list[tuple[SpeakerCandidate, float]]:
    """Candidates best matching ``query``, with their scores: the one ranking rule of the
    speaker picker and of any lookup of a typed name.

    An empty query lists the document's speakers first, most quoted first, then by name (score
    0). A typed query ranks each candidate by the best tier (``match_tier``) of its name and
    aliases, then, within a tier, this document's speakers first and the closer spelling
    (rapidfuzz ``WRatio``) first:

    1. ``EXACT``: the name, case, accents, titles and punctuation aside ("elizabeth warren"
       is "Sen. Elizabeth Warren");
    2. ``NAMES``: the same surname, with compatible given names or none (``same_person``:
       "Elizabeth Warren" names "Warren" and "E. Warren"; "Mike Johnson" never names "Mike
       Johnston"). Only one person matching so is confident, this document's speakers
       first (a full name of another kind the query names counts as one more, never
       taken): "Johnson" with Boris and Mike Johnson in the corpus offers both under the
       typed name, but takes the one Johnson of this article;
    3. ``TYPING``: a name being typed (a word of it starts with the query's last word, the
       words before it the name's);
    4. ``FUZZY``: close spelling (WRatio + 5 for a speaker of this document, at least
       ``MIN_SCORE``): typos and look-alikes, offered but never confident, since a slip of
       one letter cannot be told from another person's name (Johnson and Johnston, Kenny
       and Kenney).

    Tiers 1-3 (a unique ``NAMES``) score ``CONFIDENT`` or more: Enter takes the first row.
    Below it the picker offers the typed name as a new speaker first.
    """
    query = query.strip()
    if not query:
        return [(c, 0.0) for c in sorted(
            candidates, key=lambda c: (not c.in_document, -c.quotes, c.name))[:limit]]
    from rapidfuzz import fuzz, process  # imported on first typed query: keeps startup lean

    folded = (loose(query).strip(QUERY_PUNCTUATION) or loose(query)).translate(_APOSTROPHES)
    keys: list[str] = []
    owners: list[int] = []
    for i, cand in enumerate(candidates):
        for name in (cand.name, *cand.aliases):  # accents folded, combining too: "Menard"
            key = loose(name)  # is "Ménard"; "O’Brien" is "O'Brien" (rare: checked first)
            keys.append(key.translate(_APOSTROPHES) if "\u2019" in key or "\u02bc" in key
                        else key)
            owners.append(i)
    tiers: dict[int, int] = {}
    rivals: set[int] = set()  # full names the query names but of another kind: not taken,
    spelling: dict[int, float] = {}  # yet they make a surname two people's
    probe = _probe(folded)
    one_word = " " not in folded
    for key, i in zip(keys, owners, strict=True):
        if probe and probe not in key:
            continue  # the tiers need the query's last word in the name: most names lack it
        if one_word and folded not in key.split():  # cheap: most names a letter is in
            if not any(word.startswith(folded) for word in _typed_words(key)):
                continue
            tier = TYPING
        else:
            tier = match_tier(folded, key, candidates[i].kind)
            if tier > NAMES and candidates[i].kind not in PERSON_KINDS and " " in key \
                    and same_person(folded, key):
                rivals.add(i)  # a person the detector took for an organisation, say
        if tier < tiers.get(i, FUZZY):
            tiers[i] = tier
        if tier < TYPING:  # few: a name being typed may be thousands ("a")
            spelling[i] = max(spelling.get(i, 0.0), fuzz.WRatio(folded, key))
    for _key, score, j in process.extract(folded, keys, scorer=fuzz.WRatio, limit=limit * 3):
        i = owners[j]
        if tiers.get(i, FUZZY) >= TYPING:
            spelling[i] = max(spelling.get(i, 0.0), score)
    named = [i for i, t in tiers.items() if t == NAMES]
    here = [i for i in (*named, *rivals) if candidates[i].in_document]
    taken = here if here else [*named, *rivals]  # this document's own first: its one Johnson
    sure = (set(taken) - rivals) if len({candidates[j].key for j in taken}) == 1 else set()
    best: dict[int, float] = {}
    for i in spelling.keys() | tiers.keys():
        score = spelling.get(i, 0.0)  # a name being typed beyond the closest: by name
        bonus = 5 if candidates[i].in_document else 0
        tier = tiers.get(i, FUZZY)
        if tier == FUZZY:
            if score + bonus >= MIN_SCORE:
                best[i] = _squeezed(min(score + bonus, TOP_SCORE))
        elif tier == NAMES and i not in sure or i in rivals:
            best[i] = _AMBIGUOUS + (score / 10 + bonus) / 16
        else:
            best[i] = _BASE[tier] + score / 10 + bonus
    ordered = sorted(best, key=lambda i: (-best[i], candidates[i].name))
    return [(candidates[i], best[i]) for i in ordered][:limit]


QUERY_PUNCTUATION = ",;:!?\"'“”‘’()[] "
"""Around a typed query, no part of a name: "Warren," copied from the text is Warren."""


def _probe(folded: str) -> str:
    """What every name in the tiers above ``FUZZY`` holds: the query's last word (or what is
    typed of it), hyphens aside."""
    words = _raw_words(folded)
    return words[-1].split("-")[0] if words else ""


PERSON_KINDS = frozenset({"person", "unknown"})
"""The kinds a surname alone or a fuller name may be the same speaker as: an organisation
"Warren" is not Senator Warren."""
NOT_A_NAME = frozenset("a an and at by for from in of on or the to with".split())
MAX_NAME_WORDS = 4  # a longer "name" is a description ("a University spokeswoman, Helen Brandt")


def match_tier(query: str, name: str, kind: str = "person") -> int:
    """How ``name`` (a speaker of ``kind``) matches ``query`` (both ``loose``): ``EXACT``,
    ``NAMES`` (``same_person``, for people only unless both are the one word), ``TYPING``
    (``still_typing``) or ``FUZZY`` (anything else: the spelling decides)."""
    typed, words = _exact_words(query), _exact_words(name)
    if typed and typed == words:
        return EXACT
    if same_person(query, name) and (kind in PERSON_KINDS or len(typed) == len(words)):
        return NAMES
    if still_typing(query, name):
        return TYPING
    return FUZZY


def _exact_words(name: str) -> list[str]:
    """``registry_key``'s words, hyphens as spaces, without a leading "the"."""
    words = _raw_words(name)
    return words[1:] if len(words) > 1 and words[0] == "the" else words


NAME_SUFFIXES = frozenset("jr sr ii iii iv vi vii viii ix".split())  # regnal numbers too
STILL_TYPING = 3  # a last word this short may be a name's start ("bruce sm"); longer, a name


def _raw_words(name: str) -> list[str]:
    return registry_key(name).replace("-", " ").split()


def _marks(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """A name's initials and suffixes: two names that both give initials and differ in them
    are two people (George W. and George H. W. Bush), and so are two that differ in their
    suffixes, one giving none (Donald Trump and Donald Trump Jr.)."""
    return (frozenset(w for w, initials in _key_words(name) if initials),
            frozenset(w for w in _raw_words(name) if w in NAME_SUFFIXES))


@lru_cache(maxsize=1 << 16)
def _person_words(name: str) -> tuple[tuple[str, bool], ...]:
    """``name`` as a person's name: its ``_key_words`` (word, is initials) without suffixes,
    given names split at hyphens ("Jean-Pierre"), the surname kept whole ("Smith-Jones");
    nothing when it reads as a description rather than a name (a word such as "of" or "a",
    more than ``MAX_NAME_WORDS`` words) or its surname is initials."""
    words = [(w, i) for w, i in _key_words(name) if w not in NAME_SUFFIXES]
    if len(words) > 1 and words[0][0] == "the":
        words = words[1:]
    if not words or words[-1][1] or any(w in NOT_A_NAME for w, _ in words):
        return ()
    given = [(part, i) for w, i in words[:-1] for part in w.split("-") if part]
    out = (*given, words[-1])
    return out if len(out) <= MAX_NAME_WORDS else ()


def same_person(a: str, b: str) -> bool:
    """Whether names ``a`` and ``b`` can be one person by their words (the ``NAMES`` tier;
    ``surname_links`` applies it to a surname alone): the same surname, whole ("Johnson" is
    not "Johnston"), the same suffixes, and given names compatible: one name gives none ("Warren"
    and "Elizabeth Warren"), or the first given names agree, a lone initial with any name it
    starts ("E. Warren", "Elizabeth Warren"), and the shorter one's other given names are
    among the longer one's, in order ("John Kennedy" and "John F. Kennedy", not "George W.
    Bush" and "George H. W. Bush"). Whether a surname alone is the person is the caller's
    call: the picker takes it as a match, the corpus only when it is nobody else's surname."""
    one, two = _person_words(a), _person_words(b)
    if not one or not two or one[-1][0] != two[-1][0] or _marks(a)[1] != _marks(b)[1]:
        return False
    short, long = sorted((one[:-1], two[:-1]), key=len)
    if not short:
        return True
    if not _compatible(short[0], long[0]):
        return False
    rest = iter(long[1:])
    return all(any(_compatible(word, other) for other in rest) for word in short[1:])


def _compatible(one: tuple[str, bool], two: tuple[str, bool]) -> bool:
    """Two given names that may be one: equal, or a lone initial and a name it starts."""
    (a, a_initial), (b, b_initial) = one, two
    if a == b:
        return True
    if a_initial and b_initial:
        return False  # "jd" and "j": other initials
    if a_initial:
        return len(a) == 1 and b.startswith(a)
    return b_initial and len(b) == 1 and a.startswith(b)


def still_typing(query: str, name: str) -> bool:
    """Whether ``query`` (``loose``) is ``name`` being typed: one word, a word of the name (or
    a part of a hyphenated one: ``_typed_words``) starts with it (not the surname whole: that
    is ``NAMES``); or its words before the last
    are the name's, from one of them on, and its last, at most ``STILL_TYPING`` letters,
    starts the next ("bruce sm"). Titles, initials, suffixes and "the" aside for more
    words; one word is looked for among all the name's words ("mayor" of "Mayor Kenney")."""
    typed = query.split()
    if len(typed) == 1:
        return any(word.startswith(typed[0]) for word in _typed_words(name))
    typed, words = _name_words(query), _name_words(name)
    if not typed or not words:
        return False
    *done, last = typed
    return len(last) <= STILL_TYPING and any(
        words[at : at + len(done)] == done and words[at + len(done)].startswith(last)
        and (words[at + len(done)] != last or at + len(done) + 1 < len(words))
        for at in range(len(words) - len(done))
    )  # a word typed whole is being typed while the name goes on ("moon jae" of Jae-in)


def _typed_words(name: str) -> list[str]:
    """The words of ``name`` (``loose``) a one-word query may be the start of: each word, and
    each part of a hyphenated one ("cortez" of "Ocasio-Cortez", "pierre" of "Jean-Pierre")."""
    words = name.split()
    return words + [part for word in words if "-" in word for part in word.split("-") if part]


def _name_words(name: str) -> list[str]:
    """``name``'s words as ``still_typing`` compares them: ``registry_key``'s, hyphens as
    spaces, without a lone initial ("F."), suffixes ("Jr.") and "the"."""
    return [w for w in _raw_words(name)
            if len(w) > 1 and w not in NAME_SUFFIXES and w != "the"]


def _squeezed(score: float) -> float:
    """``score`` brought under ``CONFIDENT``, the order of scores kept."""
    return MIN_SCORE + (score - MIN_SCORE) * (CONFIDENT - 1 - MIN_SCORE) / (TOP_SCORE - MIN_SCORE)
