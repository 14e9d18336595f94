"""Speaker resolution: alias clustering, pronoun resolution, canonical names and kinds.

Named speaker phrases are reduced to a name core (titles and roles removed: "Philadelphia Mayor
Jim Kenney" -> "Jim Kenney"); persons cluster by surname, organisations by name or acronym
("ICE" ~ "U.S. Immigration and Customs Enforcement"). The canonical name is the longest core
found anywhere in the text for the cluster. Pronouns go to the most recently mentioned
compatible entity: he/she to a person of matching (or unknown) gender, they/we to a group or
organisation, it to an organisation. Gender comes from Mr./Ms. and from the pronouns that
follow an entity's mentions.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from annotations.detect.lexicon import Lexicon
from annotations.detect.mentions import NOT_NAMES, NP, classify

ORG_HEADS = frozenset({"agency", "company", "department", "ministry", "government", "firm",
                       "office", "organization", "organisation", "party", "union", "bank",
                       "campaign", "administration", "board", "council", "commission",
                       "committee", "network", "newspaper", "group", "association", "court",
                       "police", "service", "university", "school", "city", "province", "state"})
ROLE_HEADS = frozenset({"mayor", "governor", "premier", "senator", "minister", "president",
                        "judge", "justice", "chief", "commissioner", "sheriff", "spokesman",
                        "spokeswoman", "spokesperson", "coach", "ceo", "chairman", "director"})
KNOWN_AS_RE = re.compile(
    r",?\s*(?:also\s+)?(?:known as|called|dubbed)\s+((?:[A-Z][\w.&'’-]*\s?)+)")
PRONOUN_RE = re.compile(r"\b(he|his|him|she|her|hers)\b", re.IGNORECASE)
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
        self._by_text: dict[str, list[tuple[int, int]]] | None = None
        self._by_last: dict[str, list[tuple[int, int]]] = {}
        for s, e in names:
            last = text[s:e].split()[-1].lower()
            self.surname_pos.setdefault(last, []).append(s)

    def new_entity(self, key: str, name: str, kind: str, pos: int) -> Entity:
        """Register a new entity (first mentioned at ``pos``)."""
        ent = Entity(key, name, kind, first=pos)
        self.entities.append(ent)
        self.by_key[key] = ent
        return ent

    def entity_for(self, np: NP) -> Entity:
        """The entity of a non-pronoun speaker phrase (created when new)."""
        words = np.text.split()
        core = name_core(words, self.lex)
        kind = np.kind
        low = [w.lower() for w in words]
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
            for ent in self.entities:
                if ent.kind == "organization" and head in ent.name.lower():
                    pos = self.last_mention(ent, np.start)
                    if pos > best_pos:
                        best, best_pos = ent, pos
            return best
        role = " ".join(low[1:])
        if head in self.lex.titles or head in ROLE_HEADS:
            pattern = re.compile(r"\b(?i:" + re.escape(role) + r")\s+((?:[A-Z][\w'’.-]+\s+){0,2}"
                                 r"[A-Z][\w'’.-]+)")
            found = None
            for m in pattern.finditer(self.text, 0, np.start):
                if m.group(1)[:1].isupper():
                    found = m
            if found is not None:
                core = name_core(found.group(1).split(), self.lex)
                if core and core[0][:1].isupper():
                    ns, ne = found.span(1)
                    return self._person(core, NP(ns, ne, self.text[ns:ne], "person"), "person")
        return None

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
        surname = core[-1].lower().rstrip(".")
        key = "p:" + surname
        ent = self.by_key.get(key)
        full = self._longest_name(surname, np.start) or " ".join(core)
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
            if not words or words[-1].lower().rstrip(".") != surname or len(words) > 4:
                continue
            if any(w.lower() in self.lex.org_words for w in words):
                continue
            cand = " ".join(words)
            if best is None or len(cand.split()) > len(best.split()):
                best = cand
        self._longest[surname] = best
        return best

    def _org(self, core: list[str], np: NP) -> Entity:
        acr = core[0] if len(core) == 1 and core[0].isupper() else acronym(core)
        key = "o:" + acr.lower()
        ent = self.by_key.get(key) or self.by_key.get("o:" + " ".join(core).lower())
        name = " ".join(core)
        if ent is None:
            full = self._expand_acronym(acr) if name == acr else None
            ent = self.new_entity(key, full or name, "organization", np.start)
        elif len(name) > len(ent.name):
            ent.name = name
        self._add(ent, np)
        return ent

    def _expand_acronym(self, acr: str) -> str | None:
        for s, e in self.names:
            words = self.text[s:e].split()
            if len(words) > 1 and acronym(words) == acr:
                return " ".join(words)
        return None

    def all_mentions(self, ent: Entity) -> list[tuple[int, int]]:
        """The entity's mentions plus every occurrence of its names in the text."""
        if self._by_text is None:
            self._by_text = {}
            self._by_last = {}
            for s, e in self.names:
                name = self.text[s:e]
                self._by_text.setdefault(name, []).append((s, e))
                self._by_last.setdefault(name.split()[-1].lower().rstrip("."), []).append((s, e))
        out = set(ent.mentions)
        for form in {ent.name, *ent.surfaces}:
            out.update(self._by_text.get(form, ()))
        if ent.key.startswith("p:"):
            out.update(self._by_last.get(ent.key[2:], ()))
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
        """The entity a pronoun speaker refers to, or None."""
        p = np.text.lower()
        if p in {"he", "she", "i"}:
            want = {"he": "m", "she": "f"}.get(p, "")
            kinds = {"person"}
        elif p in {"they", "we"}:
            want, kinds = "", {"group", "organization"}
        elif p == "it":
            want, kinds = "", {"organization"}
        else:
            return None
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
        if best is not None and want and not best.gender:
            best.gender = want
        return best
