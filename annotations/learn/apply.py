"""Applying a project model: which candidates become suggestions, with what spans and names.

``ProjectDetector`` is a ``Detector``: with an untrusted model (or none) it returns the rule
detector's suggestions (exactly them, unless the project settled span conventions or canonical
speaker names: majority rules over its corrections, applied whatever the classifier's gate
says); with a trusted one it scores every candidate (``candidate_probabilities``: one weight
sum per candidate over its feature strings, no scikit-learn call; a broad cue is scored once
and only its best content end can be kept, and a cue under the threshold gets no candidates
built at all, ``ModelCueFilter``), keeps those at or above the
threshold (``select``: the best of candidates that overlap by half or more), applies the
learned span conventions and canonical speaker names, and marks every quote the model changed
or added with ``+project`` after the rules' origin (the UI shows those as "learned").
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace

from annotations.detect.candidates import Candidate, CandidateSet
from annotations.detect.suggestions import Suggestions
from annotations.learn.types import STRIP_PREPS, ProjectModel, SpanConventions
from annotations.model import Quote, Speaker

LEARNED = "+project"
_QUOTE_FIELDS = ("id", "start", "end", "text", "type", "parts", "cue", "speaker_id",
                 "speaker_mention", "stance", "confidence", "status", "origin", "note",
                 "created", "updated")
_FAST_COPY = tuple(f.name for f in fields(Quote)) == _QUOTE_FIELDS and all(
    f.init for f in fields(Quote))


def _requote(q: Quote, qid: str, conf: Mapping[str, float], origin: str,
             spans: tuple[int, int, tuple[tuple[int, int], ...]] | None, text: str) -> Quote:
    """``replace(q, id=qid, confidence=conf, origin=origin)`` plus the new ``spans`` (start,
    end, parts) when given, without ``dataclasses.replace``'s per-field walk (it runs for
    most suggestions of a trusted model)."""
    if not _FAST_COPY:
        edits: dict[str, object] = {}
        if spans is not None:
            edits = {"start": spans[0], "end": spans[1], "text": text[spans[0] : spans[1]],
                     "parts": spans[2]}
        return replace(q, id=qid, confidence=conf, origin=origin, **edits)
    if spans is None:
        start, end, qtext, parts = q.start, q.end, q.text, q.parts
    else:
        start, end, parts = spans
        qtext = text[start:end]
    return Quote(qid, start, end, qtext, q.type, parts, q.cue, q.speaker_id, q.speaker_mention,
                 q.stance, conf, q.status, origin, q.note, q.created, q.updated)
_FIRST_WORD = re.compile(r"([A-Za-z]+)\s+")
PUNCT = ".,;:!?"


def select(
    spans: Sequence[tuple[int, int]],
    probs: Sequence[float],
    threshold: float,
    base: Sequence[bool] = (),
    base_threshold: float = 0.0,
) -> list[int]:
    """Indices of the accepted candidates, in input order: probability >= ``threshold``
    (``base_threshold`` for the rules' own candidates, flagged in ``base``), and of two
    candidates overlapping by half of the longer or more, the more probable (a rules' own
    candidate first when ``base_threshold`` is 0: then it is always kept)."""
    base_first = base_threshold <= 0.0
    order = []
    for i, p in enumerate(probs):
        is_base = bool(base) and base[i]
        if p >= (base_threshold if is_base else threshold):
            order.append((-2.0 if base_first and is_base else -p, i))
    order.sort()
    kept: list[int] = []
    starts: list[tuple[int, int]] = []  # (start, index) of the kept, sorted
    longest = 0
    for _, i in order:
        s, e = spans[i]
        clash = False
        for ks, k in starts[bisect_left(starts, (s - longest, -1)) : bisect_left(starts, (e, -1))]:
            ke = spans[k][1]
            if min(e, ke) - max(s, ks) >= 0.5 * max(e - s, ke - ks):
                clash = True
                break
        if not clash:
            kept.append(i)
            insort(starts, (s, i))
            longest = max(longest, e - s)
    return sorted(kept)


def adjust_span(text: str, quote: Quote, conv: SpanConventions, broad: bool = False) -> Quote:
    """``quote`` with the project's span conventions applied to its first and last part
    (``strip_prep`` only to a ``broad`` candidate's: the one kind it is learned from)."""
    got = _adjusted(text, quote, conv, broad)
    if got is None:
        return quote
    start, end, parts = got
    return replace(quote, start=start, end=end, text=text[start:end], parts=parts)


def _adjusted(
    text: str, quote: Quote, conv: SpanConventions, broad: bool
) -> tuple[int, int, tuple[tuple[int, int], ...]] | None:
    """(start, end, parts) of ``adjust_span``, or None when the conventions change nothing."""
    parts = list(quote.part_spans())
    a, b = parts[0]
    if conv.strip_that and text[a : a + 5].lower() == "that " and b - a > 5:
        a += 5
        while a < b and text[a].isspace():
            a += 1
    cue = quote.cue
    if (broad and conv.strip_prep and cue is not None and cue.end <= a
            and not text[cue.end : a].strip()):
        m = _FIRST_WORD.match(text, a, b)
        if m is not None and m.group(1).lower() in STRIP_PREPS and m.end() < b:
            a = m.end()
    parts[0] = (a, b) if len(parts) > 1 else (a, b)
    c, d = parts[-1] if len(parts) > 1 else (a, b)
    if conv.end_punct == "keep" and d < len(text) and text[d] in PUNCT:
        d += 1
    elif conv.end_punct == "drop" and d - 1 > c and text[d - 1] in PUNCT:
        d -= 1
    if len(parts) > 1:
        parts[-1] = (c, d)
    else:
        parts[0] = (c, d)
    start, end = parts[0][0], parts[-1][1]
    if (start, end) == (quote.start, quote.end) and tuple(parts) == quote.part_spans():
        return None
    return start, end, tuple(parts) if len(parts) > 1 else ()


def candidate_probabilities(
    cs: Sequence[Candidate], model: ProjectModel, keep_base: bool = False
) -> list[float]:
    """The accept probability of each candidate: a rules' own one by ``model.weights`` (1.0
    with ``keep_base``: it needs no score), a broad one by its cue's probability when it is the
    best-scoring content end of its cue (``Candidate.group``), else 0."""
    two_stage = bool(model.cue_weights)
    probs = []
    best: dict[int, tuple[float, int]] = {}
    cue_p: dict[int, float] = {}
    for i, c in enumerate(cs):
        if c.base or not two_stage or c.group < 0:
            probs.append(1.0 if keep_base and c.base else model.probability(c.features))
            continue
        probs.append(0.0)
        score = model.end_score(c.end_features)
        got = best.get(c.group)
        if got is None:
            cue_p[c.group] = model.cue_probability(c.cue_features)
        if got is None or score > got[0] + 1e-12:
            best[c.group] = (score, i)
    for g, (_, i) in best.items():
        probs[i] = cue_p[g]
    return probs


class ModelCueFilter:
    """The broad pass's test for a model (``candidates.CueFilter``): a cue whose probability
    is under the model's threshold can never be suggested, so its candidates need not be
    built."""

    def __init__(self, model: ProjectModel) -> None:
        self.model = model
        self.threshold = model.threshold

    def __call__(self, features: tuple[str, ...]) -> bool:
        """Whether the cue's probability reaches the threshold."""
        return self.model.cue_probability(features) >= self.threshold


def cue_filter(model: ProjectModel) -> ModelCueFilter | None:
    """The broad pass's tests for ``model`` (None: a model without a cue model)."""
    return ModelCueFilter(model) if model.cue_weights else None


def apply_model(
    cands: CandidateSet, model: ProjectModel, version: str, classifier: bool = True
) -> Suggestions:
    """The suggestions ``model`` makes from ``cands`` (see the module docstring); with
    ``classifier`` False (its gate is closed) the rules' own quotes are kept, and only the
    span conventions and canonical names apply."""
    text = cands.text
    cs: tuple[Candidate, ...] = cands.candidates
    if not classifier:
        cs = tuple(c for c in cs if c.base)
    probs = candidate_probabilities(cs, model, not classifier or model.base_threshold <= 0.0)
    keep = select([(c.quote.start, c.quote.end) for c in cs], probs, model.threshold,
                  [c.base for c in cs], model.base_threshold if classifier else 0.0)
    renamed = {s.id for s in cands.speakers if s.name in model.aliases}
    quotes: list[Quote] = []
    for n, i in enumerate(keep):
        c = cs[i]
        q = c.quote
        spans = _adjusted(text, q, model.conventions, not c.base)
        qid = f"q{n + 1}"
        if c.base and spans is None and q.speaker_id not in renamed:
            quotes.append(q if q.id == qid else _requote(q, qid, q.confidence, q.origin, None,
                                                         text))
            continue
        conf = dict(q.confidence)
        conf["span"] = round(probs[i], 2)
        quotes.append(_requote(q, qid, conf, q.origin + LEARNED, spans, text))
    used = {q.speaker_id for q in quotes if q.speaker_id}
    speakers: list[Speaker] = []
    for s in cands.speakers:
        if s.id not in used:
            continue
        canon = model.aliases.get(s.name)
        if canon is not None:
            s = replace(s, name=canon, aliases=tuple(dict.fromkeys((*s.aliases, s.name))))
        speakers.append(s)
    return Suggestions(tuple(quotes), tuple(speakers), version)


class ProjectDetector:
    """The rule detector plus a project model: a ``Detector`` (``detect(text)``).

    ``version`` is the rules' version, plus ``+project.<digest>`` when the model is trusted.
    """

    def __init__(self, model: ProjectModel | None = None, rules: object | None = None) -> None:
        from annotations.detect.rules import RuleDetector

        if rules is None:
            from annotations.detect import DEFAULT_DETECTOR

            rules = DEFAULT_DETECTOR
        assert isinstance(rules, RuleDetector)
        self.rules = rules
        self.model = model if model is not None else ProjectModel()
        self.active = self.model.trusted
        self.edits = self.model.edits
        # a model that takes no broad candidate (threshold past 1) needs no broad pass
        self._lemmas = (self.model.broad_lemmas(rules.lex)
                        if self.active and self.model.threshold <= 1.0 else frozenset())
        self._filter = cue_filter(self.model)
        self.version = rules.version + (f"{LEARNED}.{self.model.digest()}"
                                        if self.active or self.edits else "")

    def detect(self, text: str) -> Suggestions:
        """Suggested quotes and speakers for ``text``: the rules' when the model is off and
        has learned no span convention or canonical name."""
        if self.active:
            cands = self.rules.candidates(text, self.model.cues, self._lemmas,
                                          base_features=self.model.base_threshold > 0.0,
                                          cue_filter=self._filter)
            return apply_model(cands, self.model, self.version)
        if self.edits:
            cands = self.rules.candidates(text, lemmas=frozenset(), base_features=False)
            return apply_model(cands, self.model, self.version, classifier=False)
        return self.rules.detect(text)
