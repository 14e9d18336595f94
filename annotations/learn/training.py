"""Training sets from corrected articles: candidates labelled by what the researcher kept.

One rule for a live project (a human layer of a corrected article) and for ``detect-eval``
(a gold file read as a layer): a candidate whose span matches (score.py's overlap rule, via
``annotations.evaluate``) a quote the human kept is positive (a broad candidate only when no
candidate of the rules matches that quote too); any other candidate is negative
(a rejected or deleted suggestion, or one the human never made); a human quote no candidate
matches is *missed*: its cue word teaches the project a cue (once it is seen in
``CUE_MIN_ARTICLES`` articles), its matched spans vote on span conventions, and matched
speakers vote on the project's canonical names.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotations.detect.candidates import CandidateSet, cue_lexicon, cue_word, find_candidates
from annotations.detect.lexicon import Lexicon
from annotations.detect.rules import RuleDetector
from annotations.evaluate import (
    SpanIndex,
    greedy_match,
    overlap,
    overlap_match,
    shared_token_pairs,
)
from annotations.learn.types import STRIP_PREPS
from annotations.model import Layer, Quote, Speaker

CUE_MIN_ARTICLES = 2
CUE_MIN_MISSES = 2
PUNCT = ".,;:!?"


@dataclass(frozen=True, slots=True)
class CorrectedDocument:
    """One article a researcher corrected: its text and the quotes and speakers they kept."""

    doc_id: str
    text: str
    quotes: tuple[Quote, ...]
    speakers: tuple[Speaker, ...] = ()

    @classmethod
    def from_layer(cls, doc_id: str, text: str, layer: Layer) -> CorrectedDocument:
        """The kept quotes of a human layer (a rejected suggestion is not a quote)."""
        kept = tuple(q for q in layer.sorted_quotes() if q.status != "rejected")
        return cls(doc_id, text, kept, tuple(layer.speakers.values()))


@dataclass(frozen=True, slots=True)
class DocExamples:
    """The labelled candidates of one corrected article.

    Per candidate: ``features``, ``labels`` (it matches a quote the human kept, on its own),
    ``base`` (the rules emit it), ``spans`` (start, end), ``items`` (its parts, scored one by
    one as score.py does), ``matched`` (parts that match a human quote on their own) and
    ``part_tokens`` (each part's word tokens), ``lemmas`` (its cue lemma) and ``taught``
    (found only through a cue the project taught). ``n_gold``: the human quotes' parts, with their
    tokens in ``gold_tokens``; ``pairs``: (human part, candidate part) pairs that match on their
    own. ``selection_tp`` scores any selection one to one.
    ``pair_order``: the same pairs in score.py's matching order (best overlap first).
    ``span_votes``, ``missed_cues`` and ``alias_pairs`` are the evidence for conventions, cues
    and canonical names. For the two-stage model of broad candidates: ``groups`` (each
    candidate's cue group, -1 for a base quote), ``cue_labels`` (its cue is one the human
    used: its cue overlaps a kept quote's cue, or one of the cue's content ends matches a kept
    quote given without a cue), ``cue_features``
    and ``end_features``.
    """

    doc_id: str
    features: tuple[tuple[str, ...], ...]
    labels: tuple[bool, ...]
    base: tuple[bool, ...]
    spans: tuple[tuple[int, int], ...]
    items: tuple[int, ...]
    matched: tuple[int, ...]
    n_gold: int
    lemmas: tuple[str, ...] = ()
    taught: tuple[bool, ...] = ()
    gold_tokens: tuple[frozenset[int], ...] = ()
    part_tokens: tuple[tuple[frozenset[int], ...], ...] = ()
    pairs: tuple[tuple[int, int], ...] = ()
    span_votes: tuple[tuple[str, str], ...] = ()
    missed_cues: tuple[str, ...] = ()
    alias_pairs: tuple[tuple[str, str], ...] = ()
    groups: tuple[int, ...] = ()
    cue_labels: tuple[bool, ...] = ()
    cue_features: tuple[tuple[str, ...], ...] = ()
    end_features: tuple[tuple[str, ...], ...] = ()
    pair_order: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """Labelled candidates of every corrected article, the cues learned from them (``cues``,
    which include ``given_cues``, the ones the project knew before)."""

    docs: tuple[DocExamples, ...]
    cues: tuple[str, ...] = ()
    given_cues: tuple[str, ...] = ()

    @property
    def quotes(self) -> int:
        """Human quote parts over all articles."""
        return sum(d.n_gold for d in self.docs)

    @property
    def candidates(self) -> int:
        """Candidates over all articles."""
        return sum(len(d.labels) for d in self.docs)


def _quote_cue(text: str, q: Quote, lex: Lexicon) -> str | None:
    """The cue lemma of a human quote: its cue, else the words between it and its speaker."""
    if q.cue is not None:
        return cue_word(q.cue.text, lex)
    m = q.speaker_mention
    if m is not None and m.end <= q.start and q.start - m.end <= 60:
        stretch = text[m.end : q.start]
    elif m is not None and m.start >= q.end and m.start - q.end <= 40:
        after = text[m.end : m.end + 30].split()[:2]
        stretch = text[q.end : m.start] + " " + " ".join(after)
    else:
        stretch = " ".join(text[max(0, q.start - 40) : q.start].split()[-3:])
    words = [w for w in stretch.replace(",", " ").split() if w.lower() != "that"]
    return cue_word(" ".join(words[-4:]), lex) if words else None


def label_document(doc: CorrectedDocument, cands: CandidateSet, lex: Lexicon) -> DocExamples:
    """Label ``cands`` (the candidates of ``doc.text``) against the human quotes of ``doc``."""
    text = doc.text
    index = SpanIndex(text)
    gold, gold_owner = [], []
    for gi, q in enumerate(doc.quotes):
        for a, b in q.part_spans():
            gold.append(index.prepare({"start": a, "end": b}))
            gold_owner.append(gi)
    items, owner = [], []
    for ci, c in enumerate(cands.candidates):
        for a, b in c.quote.part_spans():
            items.append(index.prepare({"start": a, "end": b}))
            owner.append(ci)
    matched = [0] * len(cands.candidates)
    hit_gold: set[int] = set()
    scores = {(gi, j): sc for gi, j in shared_token_pairs(gold, items)
              if (sc := overlap(gold[gi], items[j])) >= 0.5}
    good = list(scores)
    by_base = {gi for gi, j in good if cands.candidates[owner[j]].base}
    good_parts: set[int] = set()
    for gi, j in good:
        # a broad candidate counts only for a quote the rules' own candidates do not match
        if cands.candidates[owner[j]].base or gi not in by_base:
            good_parts.add(j)
        hit_gold.add(gold_owner[gi])
    for j in good_parts:
        matched[owner[j]] += 1
    votes: list[tuple[str, str]] = []
    aliases: list[tuple[str, str]] = []
    cand_names = {s.id: s.name for s in cands.speakers}
    human_names = {s.id: s.name for s in doc.speakers}
    for gi, j in overlap_match(gold, items):
        ci = owner[j]
        a, b = items[j]["start"], items[j]["end"]
        c, d = gold[gi]["start"], gold[gi]["end"]
        if text[a : a + 5].lower() == "that ":
            if c == a:
                votes.append(("that", "keep"))
            elif c > a and not text[a + 4 : c].strip():
                votes.append(("that", "strip"))
        first = text[a : a + 12].split(" ", 1)[0]
        cue = cands.candidates[ci].quote.cue
        if (not cands.candidates[ci].base and first.lower() in STRIP_PREPS
                and len(first) < b - a and cue is not None
                and cue.end <= a and not text[cue.end : a].strip()):
            if c == a:
                votes.append(("prep", "keep"))
            elif c > a + len(first) - 1 and not text[a + len(first) : c].strip():
                votes.append(("prep", "strip"))
        if d == b + 1 and text[b : b + 1] in PUNCT and b < len(text):
            votes.append(("end", "keep"))
        elif d == b - 1 and text[d] in PUNCT:
            votes.append(("end", "drop"))
        hq, cq = doc.quotes[gold_owner[gi]], cands.candidates[ci].quote
        hname = human_names.get(hq.speaker_id or "")
        cname = cand_names.get(cq.speaker_id or "")
        if hname and cname and hname.lower() != cname.lower():
            aliases.append((cname, hname))
    missed = []
    for gi, q in enumerate(doc.quotes):
        if gi not in hit_gold:
            cue = _quote_cue(text, q, lex)
            if cue:
                missed.append(cue)
    cs = cands.candidates
    # a broad cue is the human's when it overlaps the cue of a kept quote, or (for a kept quote
    # given without a cue) when one of its content ends matches that quote
    human_cues = sorted((q.cue.start, q.cue.end) for q in doc.quotes if q.cue is not None)
    cue_starts = [a for a, _ in human_cues]
    cueless = {owner[j] for gi, j in good if doc.quotes[gold_owner[gi]].cue is None}
    group_pos: dict[int, bool] = {}
    for ci, c in enumerate(cs):
        if c.base or c.group < 0:
            continue
        hit = ci in cueless
        cue = c.quote.cue
        if not hit and cue is not None:
            k = bisect_right(cue_starts, cue.end) - 1
            while k >= 0 and human_cues[k][1] > cue.start - 200:
                if human_cues[k][0] < cue.end and cue.start < human_cues[k][1]:
                    hit = True
                    break
                k -= 1
        group_pos[c.group] = group_pos.get(c.group, False) or hit
    shipped = cue_lexicon(lex).strength
    part_tokens: list[list[frozenset[int]]] = [[] for _ in cs]
    for j, item in enumerate(items):
        part_tokens[owner[j]].append(item["_t"])
    return DocExamples(
        doc_id=doc.doc_id,
        features=tuple(c.features for c in cs),
        labels=tuple(m > 0 for m in matched),
        base=tuple(c.base for c in cs),
        spans=tuple((c.quote.start, c.quote.end) for c in cs),
        items=tuple(len(c.quote.part_spans()) for c in cs),
        matched=tuple(matched),
        n_gold=len(gold),
        lemmas=tuple(c.cue_lemma for c in cs),
        taught=tuple(not c.base and c.cue_lemma not in shipped for c in cs),
        gold_tokens=tuple(g["_t"] for g in gold),
        part_tokens=tuple(tuple(t) for t in part_tokens),
        pairs=tuple(sorted(good)),
        pair_order=tuple(sorted(((gi, j) for gi, j in good),
                                key=lambda p: (-scores[p], p[0], p[1]))),
        span_votes=tuple(votes),
        missed_cues=tuple(missed),
        alias_pairs=tuple(aliases),
        groups=tuple(c.group if not c.base else -1 for c in cs),
        cue_labels=tuple(not c.base and group_pos.get(c.group, False) for c in cs),
        cue_features=tuple(c.cue_features for c in cs),
        end_features=tuple(c.end_features for c in cs),
    )


def selection_tp(doc: DocExamples, keep: Sequence[int]) -> tuple[int, int]:
    """(true positives, predicted items) of the candidates ``keep`` of ``doc``, matched one to
    one as score.py does (``annotations.evaluate``'s greedy overlap matching, on the pairs
    ``doc.pairs`` found to reach the threshold once)."""
    offsets = [0]
    for n in doc.items:
        offsets.append(offsets[-1] + n)
    where: dict[int, int] = {}
    for i in keep:
        for j in range(offsets[i], offsets[i + 1]):
            where[j] = len(where)
    if doc.pair_order and sorted(keep) == list(keep):
        # the pairs in matching order, so the greedy one-to-one match needs no scoring
        used_g: set[int] = set()
        used_p: set[int] = set()
        for gi, j in doc.pair_order:
            if j in where and gi not in used_g and j not in used_p:
                used_g.add(gi)
                used_p.add(j)
        return len(used_g), len(where)
    pairs = [(gi, where[j]) for gi, j in doc.pairs if j in where]
    if not pairs:
        return 0, len(where)
    gold = [{"_t": t} for t in doc.gold_tokens]
    pred = [{"_t": t} for i in keep for t in doc.part_tokens[i]]
    return len(greedy_match(gold, pred, overlap, 0.5, pairs)), len(where)


def cue_evidence(docs: Sequence[DocExamples]) -> tuple[Counter[str], Counter[str]]:
    """Missed quotes per cue word, and articles with such a miss per cue word."""
    total: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    for d in docs:
        total.update(d.missed_cues)
        articles.update(set(d.missed_cues))
    return total, articles


def learn_cues(
    docs: Sequence[DocExamples] = (),
    *,
    evidence: tuple[Counter[str], Counter[str]] | None = None,
    without: DocExamples | None = None,
) -> tuple[str, ...]:
    """Cue words of missed quotes, seen at least ``CUE_MIN_MISSES`` times in at least
    ``CUE_MIN_ARTICLES`` articles (``evidence``: ``cue_evidence`` of ``docs``, when known;
    ``without``: leave that article's misses out)."""
    total, articles = evidence if evidence is not None else cue_evidence(docs)
    own = Counter(without.missed_cues) if without is not None else Counter()
    return tuple(sorted(c for c, n in total.items()
                        if n - own[c] >= CUE_MIN_MISSES
                        and articles[c] - (own[c] > 0) >= CUE_MIN_ARTICLES))


def build_training_set(
    docs: Iterable[CorrectedDocument],
    detector: RuleDetector | None = None,
    cues: Iterable[str] = (),
) -> TrainingSet:
    """Labelled candidates of ``docs``. Cues learned from the missed quotes (plus ``cues``, a
    project's earlier ones) join the candidate lexicon and the candidates are found again, so
    the model sees what the new cues propose."""
    rules = detector if detector is not None else _default_rules()
    docs = list(docs)
    shared: list[dict[str, Any]] = [{} for _ in docs]
    bases = [rules._detect(d.text, shared=sh) for d, sh in zip(docs, shared, strict=True)]
    given = tuple(sorted(set(cues)))
    first = [label_document(d, find_candidates(d.text, b, rules.lex, given, shared=sh),
                            rules.lex)
             for d, b, sh in zip(docs, bases, shared, strict=True)]
    learned = tuple(sorted(set(given) | set(learn_cues(first))))
    if learned == given:
        return TrainingSet(tuple(first), learned, given)
    second = [label_document(d, find_candidates(d.text, b, rules.lex, learned, shared=sh),
                             rules.lex)
              for d, b, sh in zip(docs, bases, shared, strict=True)]
    return TrainingSet(tuple(second), learned, given)


def _default_rules() -> RuleDetector:
    from annotations.detect import DEFAULT_DETECTOR

    assert isinstance(DEFAULT_DETECTOR, RuleDetector)
    return DEFAULT_DETECTOR
