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
        for s, e in names:
            last = text[s:e].split()[-1].lower()
            self.surname_pos.setdefault(last, []).append(s)

    def _new(self, key: str, name: str, kind: str, pos: int) -> Entity:
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
        key = "n:" + " ".join(w.lower() for w in words if w.lower() not in {"the", "a", "an"})
        ent = self.by_key.get(key)
        if ent is None:
            name = " ".join(words[1:]) if words[0].lower() in {"the", "a", "an"} else np.text
            ent = self._new(key, name, kind if kind != "unknown" else "unknown", np.start)
        self._add(ent, np)
        return ent

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
        if ent is None:
            ent = self._new(key, full, kind, np.start)
        elif len(full.split()) > len(ent.name.split()):
            ent.name = full
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
            ent = self._new(key, full or name, "organization", np.start)
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

    def learn_gender(self) -> None:
        """Vote each person's gender from the he/she pronouns that follow its mentions."""
        text = self.text
        marks = []
        for ent in self.entities:
            if ent.kind != "person":
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
            if ent.kind not in kinds:
                continue
            if want and ent.gender and ent.gender != want:
                continue
            pos = self.last_mention(ent, np.start)
            if pos > best_pos and np.start - pos < 3000:
                best, best_pos = ent, pos
        if best is not None and want and not best.gender:
            best.gender = want
        return best
