"""Speaker resolution: alias clustering, pronoun resolution, canonical names and kinds.

Named speaker phrases are reduced to a name core (titles and roles removed: "Philadelphia Mayor
Jim Kenney" -> "Jim Kenney"); persons cluster by surname, organisations by name or acronym
("ICE" ~ "U.S. Immigration and Customs Enforcement"; "Acme Group" and "Apex Group" stay two),
keeping a common-noun head ("the Clinton campaign" -> "Clinton campaign"). Document sources
(polls, surveys, studies, reports) are named after their source and cluster by class: "Poll:"
in a headline, "a Zogby poll", "the poll" and "the survey" are one speaker, "Zogby poll". The
canonical name is the longest core found anywhere in the text for the cluster. Pronouns go to
the most recently mentioned compatible entity: he/she to a person of matching (or unknown)
gender, they/we to a group or organisation, it to an organisation. Gender comes from Mr./Ms.
and from the pronouns that follow an entity's mentions.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from annotations.detect.lexicon import Lexicon
from annotations.detect.mentions import NOT_NAMES, NP, classify
from annotations.folding import loose
from annotations.registry import same_person

ORG_HEADS = frozenset({"agency", "company", "department", "ministry", "government", "firm",
                       "office", "organization", "organisation", "party", "union", "bank",
                       "campaign", "administration", "board", "council", "commission",
                       "committee", "network", "newspaper", "group", "association", "court",
                       "police", "service", "university", "school", "city", "province", "state"})
ROLE_HEADS = frozenset({"mayor", "governor", "premier", "senator", "minister", "president",
                        "judge", "justice", "chief", "commissioner", "sheriff", "spokesman",
                        "spokeswoman", "spokesperson", "coach", "ceo", "chairman", "director"})
# document sources: a singular head noun and the class its mentions corefer within ("a Zogby
# poll" ... "the survey" ... a headline's "Poll:" are one source)
SOURCE_CLASS = {"poll": "poll", "survey": "poll", "study": "study", "report": "report",
                "analysis": "analysis", "audit": "audit", "investigation": "investigation",
                "review": "review", "memo": "memo", "census": "census", "forecast": "forecast"}
# words before a source noun that say which one it is no more than "the" does
SOURCE_PLAIN = frozenset({"the", "a", "an", "this", "that", "its", "his", "her", "their", "our",
                          "new", "latest", "recent", "same", "another", "one", "national",
                          "earlier", "previous", "last", "first", "second", "third", "which"})
INDEFINITE = frozenset({"a", "an", "another", "one"})
# a capitalised run before a source noun: "the Zogby Analytics poll", "a CNN/ORC survey"
SOURCE_NAME_RE = re.compile(r"((?:[A-Z](?:[\w/&’'-]|\.(?=\w))*[^\S\n]+){1,4})(?i:(poll|survey|study"
                            r"|report|analysis|audit|investigation|review|memo|census|forecast))\b")
# organisations and sources looked through per mention at most (a text naming thousands of
# them stays linear)
ORG_SCAN_LIMIT = 2000
SOURCE_SCAN_LIMIT = 50
# past this many entity checks, pronouns are resolved from an index instead of a pass each
PRONOUN_SCAN_LIMIT = 5000
KNOWN_AS_RE = re.compile(
    r",?\s*(?:also\s+)?(?:known as|called|dubbed)\s+((?:[A-Z][\w.&'’-]*\s?)+)")
# he/his/him/she/her/hers as whole words, in any case: ``\b(he|his|...)\b`` ignoring case,
# written from its first letter on (the look-behind after it) so a search skips to an h or s
PRONOUN_RE = re.compile(r"[hsHSſ](?<!\w.)(?i:(?<=h)(?:e|is|im|er|ers)|(?<=s)he)\b")
CONNECT = frozenset({"of", "and", "for", "the", "de", "van", "von", "der", "du", "la", "le", "al"})
MALE_T = frozenset({"mr", "mr.", "sir", "king", "prince", "lord", "father", "councilman",
                    "chairman", "spokesman", "congressman", "businessman"})
FEMALE_T = frozenset({"ms", "ms.", "mrs", "mrs.", "miss", "queen", "princess", "lady", "dame",
                      "sister", "councilwoman", "chairwoman", "spokeswoman", "congresswoman",
                      "businesswoman"})


@dataclass
class Entity:
    """One speaker being built: its core name, kind, surface forms, mentions and gender."""

    key: str
    name: str
    kind: str
    surfaces: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    gender: str = ""
    first: int = 0
    quoted: bool = False  # speaks a direct or mixed quote (so likely a person when unknown)


def name_core(words: list[str], lex: Lexicon) -> list[str]:
    """The name inside a speaker phrase: the capitalised run after the last title/role word."""
    cut = 0
    for i, w in enumerate(words):
        lw = w.lower()
        if lw in CONNECT:
            continue
        if (lw in lex.titles or lw.rstrip(".") in lex.titles or lw in lex.noun_kind
                or w[:1].islower()) and i < len(words) - 1:
            cut = i + 1
    core = words[cut:]
    while core and (core[0].lower() in NOT_NAMES or core[0].lower() in CONNECT):
        core = core[1:]
    return [w for w in core if w[:1].isupper() or w.lower() in CONNECT]


def _owned_role(words: list[str]) -> bool:
    """Whether a speaker phrase is a role a name owns ("Whitfield's spokesman", "Trump's
    lawyer"): a possessive before a lower-case head."""
    return len(words) >= 2 and words[-1][:1].islower() and any(
        w.endswith(("'s", "’s")) for w in words[:-1])


def acronym(words: list[str]) -> str:
    """Initials of the capitalised words ("Immigration and Customs Enforcement" -> "ICE")."""
    return "".join(w[0] for w in words if w[:1].isupper() and "." not in w)


class Resolver:
    """Clusters the speaker phrases of one document and resolves pronouns."""

    def __init__(self, text: str, lex: Lexicon, names: list[tuple[int, int]]) -> None:
        self.text = text
        self.lex = lex
        self.names = names
        self.name_starts = [s for s, _ in names]
        self.entities: list[Entity] = []
        self.by_key: dict[str, Entity] = {}
        self.surname_pos: dict[str, list[int]] = {}
        self._longest: dict[str, str | None] = {}
        self._namesakes: dict[str, list[Entity]] = {}  # surname -> two people or more of it
        self._by_text: dict[str, list[tuple[int, int]]] = {}  # name occurrences by text
        self._by_last: dict[str, list[tuple[int, int]]] = {}  # ... and by last word
        self._acronyms: dict[str, str] | None = None
        self._roles: dict[str, _RoleMatches | None] = {}
        self._orgs: list[Entity] = []
        self._bare_acr: dict[str, Entity] = {}  # organisations first met as an acronym
        self._named_acr: dict[str, Entity] = {}  # ... and first met by a name, by its initials
        self._sources: dict[str, list[Entity]] = {}  # document sources by class, as created
        self._source_names: dict[str, list[tuple[int, list[str], str]]] | None = None
        self._pronouns: _PronounIndex | None = None
        self._scanned = 0  # entities looked at by pronoun passes so far
        for span in names:
            name = text[span[0] : span[1]]
            last = loose(name.rsplit(None, 1)[-1])  # "Nunez" is the "José Núñez" named before
            self.surname_pos.setdefault(last, []).append(span[0])
            self._by_text.setdefault(name, []).append(span)
            self._by_last.setdefault(last.rstrip("."), []).append(span)

    def new_entity(self, key: str, name: str, kind: str, pos: int) -> Entity:
        """Register a new entity (first mentioned at ``pos``)."""
        ent = Entity(key, name, kind, first=pos)
        self.entities.append(ent)
        self.by_key[key] = ent
        if kind == "organization":
            self._orgs.append(ent)
        if key.startswith("d:"):
            self._sources.setdefault(key[2:].split(":")[0].split("@")[0], []).append(ent)
        if self._pronouns is not None:
            self._pronouns.add_entity(ent, len(self.entities) - 1)
        return ent

    def add_mention(self, ent: Entity, span: tuple[int, int]) -> None:
        """Record one more mention of ``ent`` (once pronouns are being resolved, mentions must
        come in through here, so the pronoun index sees them)."""
        ent.mentions.append(span)
        if self._pronouns is not None:
            self._pronouns.add_event(ent, span[0])

    def entity_for(self, np: NP) -> Entity:
        """The entity of a non-pronoun speaker phrase (created when new)."""
        words = np.text.split()
        low = [w.lower() for w in words]
        source = self._source(words, low, np)
        if source is not None:
            return source
        core = name_core(words, self.lex)
        if core and _owned_role(words) and low[-1] not in self.lex.org_words \
                and low[-1] not in ORG_HEADS:
            core = []  # "Whitfield's spokesman" speaks, not Whitfield: no name of a person
        kind = np.kind
        if (kind == "organization" and 1 < len(core) < len(words)
                and words[-len(core):] == core and classify(core, self.lex) == "person"
                and not any(w[:1].islower() and w.lower() in self.lex.org_words
                            for w in words[:-len(core)])):
            kind = "person"  # the organisation is the title's: "House Speaker Mike Johnson"
        for i, w in enumerate(low[:-1]):
            if (w in self.lex.titles or w in self.lex.noun_kind) and low[i + 1] in {
                    "of", "for", "at"}:
                core = []  # a role: "the Acting Director of ICE"
                kind = "person" if kind == "organization" else kind
                break
        if core and kind != "group":
            if kind == "unknown":
                kind = classify(core, self.lex)
            if kind == "organization" or len(core) == 1 and core[0].isupper():
                if words[-1][:1].islower() and words[-1] not in core and (
                        low[-1] in self.lex.org_words or low[-1] in ORG_HEADS):
                    core = [*core, words[-1]]  # "the Clinton campaign" is not "Clinton"
                return self._org(core, np)
            return self._person(core, np, kind)
        known = KNOWN_AS_RE.match(self.text, np.end)
        if known is not None and not core:
            # "The agency, known as ICE, announced": the name in the apposition
            ks, ke = known.span(1)
            ref = self.entity_for(NP(ks, ke, self.text[ks:ke], classify(known.group(1).split(),
                                                                      self.lex)))
            self._add(ref, np)
            return ref
        if low[0] == "the" and len(words) <= 3:
            ref = self._definite(low, np)
            if ref is not None:
                self._add(ref, np)
                return ref
        key = "n:" + " ".join(w.lower() for w in words if w.lower() not in {"the", "a", "an"})
        ent = self.by_key.get(key)
        if ent is None:
            name = " ".join(words[1:]) if words[0].lower() in {"the", "a", "an"} else np.text
            ent = self.new_entity(key, name, kind if kind != "unknown" else "unknown", np.start)
        self._add(ent, np)
        return ent

    def _definite(self, low: list[str], np: NP) -> Entity | None:
        """ "the agency" -> the last organisation; "the mayor" -> the last "Mayor Jo Li"."""
        head = low[-1]
        if head in ORG_HEADS:
            best, best_pos = None, -1
            for ent in self._orgs:  # the organisations, in the order of ``entities``
                if ent.kind == "organization" and head in ent.name.lower():
                    pos = self.last_mention(ent, np.start)
                    if pos > best_pos:
                        best, best_pos = ent, pos
            return best
        role = " ".join(low[1:])
        if head in self.lex.titles or head in ROLE_HEADS:
            found = self._last_role_match(role, np.start)
            if found is not None:
                core = name_core(found.group(1).split(), self.lex)
                if core and core[0][:1].isupper():
                    ns, ne = found.span(1)
                    return self._person(core, NP(ns, ne, self.text[ns:ne], "person"), "person")
        return None

    def _last_role_match(self, role: str, before: int) -> re.Match[str] | None:
        """The last "<role> Name" ("mayor Jo Li") before offset ``before``. A role asked for
        once is searched for in the text before it; asked for again, it is indexed
        (``_RoleMatches``), so a long article saying "the mayor" many times reads it once."""
        if role not in self._roles:
            self._roles[role] = None
            pattern = re.compile(r"\b(?i:" + re.escape(role) + r")\s+((?:[A-Z][\w'’.-]+\s+){0,2}"
                                 r"[A-Z][\w'’.-]+)")
            found = None
            for m in pattern.finditer(self.text, 0, before):
                if m.group(1)[:1].isupper():
                    found = m
            return found
        matches = self._roles[role]
        if matches is None:
            matches = self._roles[role] = _RoleMatches(self.text, role)
        return matches.last_before(before)

    def _add(self, ent: Entity, np: NP) -> None:
        if np.text not in ent.surfaces:
            ent.surfaces.append(np.text)
        ent.mentions.append((np.start, np.end))
        low = np.text.lower().split()
        if low and low[0] in MALE_T:
            ent.gender = ent.gender or "m"
        if low and low[0] in FEMALE_T:
            ent.gender = ent.gender or "f"

    def _person(self, core: list[str], np: NP, kind: str) -> Entity:
        surname = loose(core[-1]).rstrip(".")
        key = "p:" + surname
        ent = self.by_key.get(key)
        name = " ".join(core)
        if ent is None and len(core) == 1:
            ent = self._named_first(surname)
            if ent is not None:  # "Moon" of "Moon Jae-in", "Xi" of "Xi Jinping"
                self._add(ent, np)
                return ent
        full = self._longest_name(surname, np.start) or name
        if len(core) > 1 and not same_person(full, name):
            full = name  # the longest of the surname is a namesake's: "Boris" for "Mike"
        if ent is not None and (surname in self._namesakes or len(core) > 1
                                and not same_person(ent.name, name)):
            ent = self._namesake(surname, key, name, np.start)  # two people, one surname
            if ent is None:
                ent = self.new_entity(f"{key} {len(self._namesakes[surname])}", name, kind,
                                      np.start)
                self._namesakes[surname].append(ent)
            full = ent.name if len(core) == 1 or not same_person(full, ent.name) else full
        if len(full.split()) == 1 and len(np.text.split()) == 1 and kind == "person":
            kind = "unknown"  # a bare capitalised word: a person, or a place like "Denver"
        if ent is None:
            ent = self.new_entity(key, full, kind, np.start)
        elif len(full.split()) > len(ent.name.split()):
            ent.name = full
        if kind == "person":
            ent.kind = "person"
        self._add(ent, np)
        return ent

    def _named_first(self, word: str) -> Entity | None:
        """The one person met so far whose full name opens with ``word`` (``loose``) and no
        person's ends so: a surname written first ("Moon" of "Moon Jae-in", "Xi" of "Xi
        Jinping"), or a first name standing for the one person of it here. None for two."""
        found = [e for e in self.entities if e.key.startswith("p:") and len(e.name.split()) > 1
                 and loose(e.name.split()[0]) == word]
        if len(found) != 1 or " " in (self._longest_name(word, 0) or ""):
            return None  # "Warren" with a "Warren Buffett" and an "Elizabeth Warren"
        return found[0]

    def _namesake(self, surname: str, key: str, name: str, at: int) -> Entity | None:
        """Of the people of one surname in the text (the first met keyed by it alone), the
        one ``name`` names (``registry.same_person``): a surname alone is the one mentioned
        last before ``at``; None for a full name none of them can be."""
        people = self._namesakes.setdefault(surname, [self.by_key[key]])
        if len(name.split()) == 1:
            return max(people, key=lambda e: max(
                (s for s, _ in e.mentions if s < at), default=-1))
        return next((e for e in people if same_person(e.name, name)), None)

    def _longest_name(self, surname: str, near: int) -> str | None:
        """The longest person name in the text ending in ``surname`` (cached per surname)."""
        if surname in self._longest:
            return self._longest[surname]
        best = None
        seen: set[int] = set()
        for s in self.surname_pos.get(surname, ()):
            i = bisect.bisect_right(self.name_starts, s) - 1
            if i < 0 or i in seen:
                continue
            seen.add(i)
            ns, ne = self.names[i]
            if not ns <= s < ne:
                continue
            words = name_core(self.text[ns:ne].split(), self.lex)
            if not words or loose(words[-1]).rstrip(".") != surname or len(words) > 4:
                continue
            if any(w.lower() in self.lex.org_words for w in words):
                continue
            cand = " ".join(words)
            if best is None or len(cand.split()) > len(best.split()):
                best = cand
        self._longest[surname] = best
        return best

    def _org(self, core: list[str], np: NP) -> Entity:
        """An organisation by its name. A bare acronym ("ICE") and a capitalised name with those
        initials ("Immigration and Customs Enforcement") are one, whichever comes first; two
        names with the same initials ("Acme Group", "Apex Group") are not. A name with a
        common-noun head ("Clinton campaign") is its own; a one-word name that opens a longer
        one already met ("Quinnipiac" ~ "Quinnipiac University") joins it."""
        name = " ".join(core)
        bare = len(core) == 1 and core[0].isupper()
        acr = core[0] if bare else acronym(core) if len(core) > 1 and all(
            w[:1].isupper() or w.lower() in CONNECT for w in core) else ""
        key = "o:" + name.lower()
        ent = self.by_key.get(key)
        if ent is None and acr:
            ent = (self._named_acr if bare else self._bare_acr).get(acr)
        if ent is None and len(core) == 1 and not bare:
            ent = self._longer_org(core[0])
        if ent is None:
            full = self._expand_acronym(acr) if bare else None
            ent = self.new_entity(key, full or name, "organization", np.start)
            if acr:
                (self._bare_acr if bare else self._named_acr).setdefault(acr, ent)
        elif len(name) > len(ent.name) and not ent.key.startswith("d:"):
            ent.name = name
        self.by_key.setdefault(key, ent)
        self._add(ent, np)
        return ent

    def _longer_org(self, word: str) -> Entity | None:
        """The one organisation met so far whose name opens with ``word`` (not a word every
        organisation name may hold, such as "Department"), else None."""
        if word.lower() in self.lex.org_words or len(self._orgs) > ORG_SCAN_LIMIT:
            return None
        found = [e for e in self._orgs if e.key.startswith("o:")
                 and e.name.split()[0] == word and len(e.name.split()) > 1]
        return found[0] if len(found) == 1 else None

    def _source(self, words: list[str], low: list[str], np: NP) -> Entity | None:
        """A document source ("a Zogby poll", "the survey", a headline's "Poll"): the entity of
        its class it refers to, named by its source ("Zogby poll"). A plain mention ("the
        poll") goes to the one of its class mentioned last, else to the first named one after
        it (a headline's "Poll:" to the article's "a Zogby poll"); "a new poll" starts one."""
        cls = SOURCE_CLASS.get(low[-1])
        if cls is None or len(words) > 6:
            return None
        mods = [w for w, lw in zip(words[:-1], low[:-1], strict=True) if lw not in SOURCE_PLAIN]
        if any(not w[:1].isupper() for w in mods) or any(w.endswith(("’s", "'s")) for w in mods):
            return None  # "a poll of likely voters", "the senator's report", "exit poll"
        indefinite = low[0] in INDEFINITE
        if mods:
            ent = self._named_source(cls, mods, words[-1], np.start)
        else:
            ent = None if indefinite else self._last_source(cls, np.start)
            if ent is None and not indefinite:
                ent = self._next_named_source(cls, np)
            if ent is None:
                key = f"d:{cls}" if not indefinite else f"d:{cls}@{np.start}"
                ent = self.by_key.get(key) or self.new_entity(key, low[-1], "organization",
                                                              np.start)
        self._add(ent, np)
        return ent

    def _named_source(self, cls: str, mods: list[str], head: str, pos: int) -> Entity:
        """The source of class ``cls`` named by ``mods``: "a PBO report" and "a Parliamentary
        Budget Officer report" are one, named with the acronym spelt out."""
        if len(mods) == 1 and mods[0].isupper() and len(mods[0]) > 1:
            acr = mods[0]
            mods = (self._expand_acronym(acr) or acr).split()
        elif len(mods) > 1 and all(w[:1].isupper() or w.lower() in CONNECT for w in mods):
            acr = acronym(mods)
        else:
            acr = " ".join(mods)
        key = f"d:{cls}:" + acr.lower()
        return self.by_key.get(key) or self.new_entity(key, " ".join([*mods, head]),
                                                       "organization", pos)

    def _last_source(self, cls: str, before: int) -> Entity | None:
        """The source of class ``cls`` mentioned last before offset ``before``."""
        best, best_pos = None, -1
        for ent in self._sources.get(cls, [])[-SOURCE_SCAN_LIMIT:]:  # the latest few
            pos = self.last_mention(ent, before)
            if pos > best_pos:
                best, best_pos = ent, pos
        return best

    def _next_named_source(self, cls: str, np: NP) -> Entity | None:
        """The first source of class ``cls`` named after ``np`` in the text (the named
        sources of the text are listed once, on the first question)."""
        if self._source_names is None:
            self._source_names = {}
            for m in SOURCE_NAME_RE.finditer(self.text):
                mods = [w for w in m.group(1).split() if w.lower() not in SOURCE_PLAIN
                        and w.lower() not in NOT_NAMES]
                if mods and not any(w.endswith(("’s", "'s")) for w in mods):
                    found = self._source_names.setdefault(SOURCE_CLASS[m.group(2).lower()], [])
                    found.append((m.start(), mods, m.group(2)))
        named = self._source_names.get(cls, [])
        i = bisect.bisect_left(named, (np.end,))
        if i == len(named):
            return None
        _, mods, head = named[i]
        return self._named_source(cls, mods, head, np.start)

    def _expand_acronym(self, acr: str) -> str | None:
        """The first multi-word name of the text whose initials are ``acr``."""
        if self._acronyms is None:
            self._acronyms = {}
            for s, e in self.names:
                words = self.text[s:e].split()
                if len(words) > 1:
                    self._acronyms.setdefault(acronym(words), " ".join(words))
        return self._acronyms.get(acr)

    def all_mentions(self, ent: Entity) -> list[tuple[int, int]]:
        """The entity's mentions plus every occurrence of its names in the text."""
        out = set(ent.mentions)
        for form in {ent.name, *ent.surfaces}:
            out.update(self._by_text.get(form, ()))
        if ent.key.startswith("p:") and ent.key[2:] not in self._namesakes:
            out.update(self._by_last.get(ent.key[2:], ()))  # two of a surname: neither
        elif ent.key.startswith("o:"):
            out.update(self._by_text.get(ent.key[2:].upper(), ()))
        spans = sorted(out, key=lambda m: (m[0], -m[1]))
        kept: list[tuple[int, int]] = []
        for m in spans:
            if kept and m[1] <= kept[-1][1]:
                continue  # inside a longer mention of the same entity
            kept.append(m)
        return kept

    def learn_gender(self) -> None:
        """Vote each person's gender from the he/she pronouns that follow its mentions."""
        text = self.text
        marks = []
        for ent in self.entities:
            if ent.kind != "person" and not ent.key.startswith("p:"):
                continue
            surname = ent.key[2:] if ent.key.startswith("p:") else ""
            for pos in self.surname_pos.get(surname, ()):
                marks.append((pos, ent))
            for s, _ in ent.mentions:
                marks.append((s, ent))
        marks.sort(key=lambda m: m[0])
        votes: dict[int, list[int]] = {}
        for i, (pos, ent) in enumerate(marks):
            limit = min(len(text), pos + 250)
            nl = text.find("\n", pos, limit)
            if nl >= 0:
                limit = nl  # votes stay inside the paragraph
            if i + 1 < len(marks) and marks[i + 1][1] is not ent:
                limit = min(limit, marks[i + 1][0])
            m = PRONOUN_RE.search(text, pos, limit)
            if m:
                v = votes.setdefault(id(ent), [0, 0])
                v[0 if m.group().lower() in {"he", "his", "him"} else 1] += 1
        for ent in self.entities:
            v = votes.get(id(ent))
            if v and not ent.gender and v[0] != v[1]:
                ent.gender = "m" if v[0] > v[1] else "f"
                if ent.kind == "unknown":
                    ent.kind = "person"

    def last_mention(self, ent: Entity, before: int) -> int:
        """Offset of the entity's last mention (or surname occurrence) before ``before``."""
        best = -1
        for s, _ in ent.mentions:
            if best < s < before:
                best = s
        if ent.key.startswith("p:"):
            pos = self.surname_pos.get(ent.key[2:], [])
            i = bisect.bisect_left(pos, before) - 1
            if i >= 0:
                best = max(best, pos[i])
        return best

    def resolve_pronoun(self, np: NP) -> Entity | None:
        """The entity a pronoun speaker refers to, or None: he/she/I go to the last person (of
        that gender, or none yet), they/we to the last group or organisation, it to the last
        organisation, mentioned within 3000 characters before the pronoun."""
        p = np.text.lower()
        if p not in {"he", "she", "i", "they", "we", "it"}:
            return None
        want = {"he": "m", "she": "f"}.get(p, "")
        if self._pronouns is None:
            self._scanned += len(self.entities)
            if self._scanned <= PRONOUN_SCAN_LIMIT:
                best = self._scan_pronoun(np, want)
                if best is not None and want and not best.gender:
                    best.gender = want
                return best
            self._pronouns = _PronounIndex(self)
        best = self._pronouns.latest(p, want, np.start)
        if best is not None and want and not best.gender:
            best.gender = want
            self._pronouns.gendered(best)
        return best

    def _scan_pronoun(self, np: NP, want: str) -> Entity | None:
        """``resolve_pronoun`` by a pass over every entity (while there are few)."""
        kinds = ({"person"} if np.text.lower() in {"he", "she", "i"} else
                 {"group", "organization"} if np.text.lower() in {"they", "we"} else
                 {"organization"})
        best, best_pos = None, -1
        for ent in self.entities:
            if ent.kind not in kinds and not (
                    "person" in kinds and ent.kind == "unknown" and ent.quoted):
                continue
            if want and ent.gender and ent.gender != want:
                continue
            pos = self.last_mention(ent, np.start)
            if pos > best_pos and np.start - pos < 3000:
                best, best_pos = ent, pos
        return best


class _RoleMatches:
    """The last match of "<role> Name" before an offset, as
    ``list(pattern.finditer(text, 0, before))[-1]`` gives it, without rescanning the text.

    The matches of the whole text are listed once. A match attempt that looks no further than
    ``before`` behaves the same in the text cut at ``before``, so only the attempts near the
    cut (those that may read a few words past it) are redone with the cut.
    """

    def __init__(self, text: str, role: str) -> None:
        self.text = text
        self.pattern = re.compile(r"\b(?i:" + re.escape(role) + r")\s+((?:[A-Z][\w'’.-]+\s+){0,2}"
                                  r"[A-Z][\w'’.-]+)")
        starts = re.compile(r"(?=\b(?i:" + re.escape(role) + r"))")
        self.at = [m.start() for m in starts.finditer(text)]
        # an attempt at ``r`` reads the role, then at most three words: a few chunks further
        reach = re.compile(r"\S*(?:\s+\S+){0,%d}" % (len(role.split()) + 3))  # noqa: UP031
        self.reach = [reach.match(text, r).end() + 1 for r in self.at]
        self.full = list(self.pattern.finditer(text))
        self.full_at = [m.start() for m in self.full]

    def last_before(self, before: int) -> re.Match[str] | None:
        """The last match in ``text[:before]``."""
        first_unsafe = bisect.bisect_right(self.reach, before)
        edge = self.at[first_unsafe] if first_unsafe < len(self.at) else len(self.text) + 1
        i = bisect.bisect_left(self.full_at, edge) - 1
        last = self.full[i] if i >= 0 else None
        pos = max(last.end() if last is not None else 0, edge)
        for k in range(bisect.bisect_left(self.at, pos), len(self.at)):
            r = self.at[k]
            if r >= before:
                break
            if r < pos:
                continue
            m = self.pattern.match(self.text, r, before)
            if m is not None:
                last, pos = m, m.end()
        return last


class _PronounIndex:
    """Which entity a pronoun goes to, as ``Resolver.resolve_pronoun`` defines it (the entity
    of the right kind and gender mentioned last before the pronoun, within 3000 characters;
    the first registered on a tie), from mention offsets sorted by kind and gender, instead of
    a pass over every entity for every pronoun.

    Kinds and ``quoted`` do not change once pronouns are resolved; a gender is only ever set,
    and ``gendered`` moves the entity's mentions along.
    """

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.order: dict[int, int] = {}
        self.positions: dict[int, list[int]] = {}
        self.person: dict[str, list[tuple[int, int]]] = {"": [], "m": [], "f": []}
        self.group: list[tuple[int, int]] = []
        self.org: list[tuple[int, int]] = []
        for i, ent in enumerate(resolver.entities):
            self.add_entity(ent, i)

    def add_entity(self, ent: Entity, order: int) -> None:
        """Index a (new) entity and the mentions it already has."""
        self.order[id(ent)] = order
        self.positions[id(ent)] = []
        for s, _ in ent.mentions:
            self.add_event(ent, s)
        if ent.key.startswith("p:"):
            for pos in self.resolver.surname_pos.get(ent.key[2:], ()):
                self.add_event(ent, pos)

    def add_event(self, ent: Entity, pos: int) -> None:
        """Index one mention offset of ``ent``."""
        self.positions[id(ent)].append(pos)
        item = (pos, self.order[id(ent)])
        for found in self._lists(ent):
            _insert(found, item)

    def gendered(self, ent: Entity) -> None:
        """``ent`` has just been given a gender: move its mentions to that gender's list."""
        if not self._is_person(ent):
            return
        order = self.order[id(ent)]
        target = self.person.setdefault(ent.gender, [])
        for pos in self.positions[id(ent)]:
            item = (pos, order)
            i = bisect.bisect_left(self.person[""], item)
            if i < len(self.person[""]) and self.person[""][i] == item:
                del self.person[""][i]
            _insert(target, item)

    def latest(self, pronoun: str, want: str, before: int) -> Entity | None:
        """The entity a pronoun at offset ``before`` refers to, or None."""
        if pronoun in {"he", "she", "i"}:
            lists = [self.person[""], self.person.setdefault(want, [])] if want else list(
                self.person.values())
        elif pronoun in {"they", "we"}:
            lists = [self.group]
        elif pronoun == "it":
            lists = [self.org]
        else:
            return None
        best: tuple[int, int] | None = None
        for found in lists:
            i = bisect.bisect_left(found, (before, -1)) - 1
            if i < 0:
                continue
            first = found[bisect.bisect_left(found, (found[i][0], -1))]
            if best is None or (-first[0], first[1]) < (-best[0], best[1]):
                best = first
        if best is None or before - best[0] >= 3000:
            return None
        return self.resolver.entities[best[1]]

    def _is_person(self, ent: Entity) -> bool:
        return ent.kind == "person" or (ent.kind == "unknown" and ent.quoted)

    def _lists(self, ent: Entity) -> list[list[tuple[int, int]]]:
        out = []
        if self._is_person(ent):
            out.append(self.person.setdefault(ent.gender, []))
        if ent.kind in ("group", "organization"):
            out.append(self.group)
        if ent.kind == "organization":
            out.append(self.org)
        return out


def _insert(items: list[tuple[int, int]], item: tuple[int, int]) -> None:
    """Insert ``item`` into the sorted list ``items`` unless it is there already."""
    i = bisect.bisect_left(items, item)
    if i == len(items) or items[i] != item:
        items.insert(i, item)
