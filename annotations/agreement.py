"""Inter-annotator agreement between layers of the same documents.

Quotes are matched with the rules of ``evaluate`` (and ``../shared/eval/score.py``): spans
trimmed of quote marks and edge punctuation, EXACT = identical trimmed spans, OVERLAP = at
least 50 % of the word tokens of each, matched one-to-one, best first. On top of that:

- **pairwise span agreement** for every pair of layers: F1 = 2·matched / (|A| + |B|), for
  exact and for 50 % overlap (symmetric: it is the F1 of either layer scored against the other);
- **speaker agreement** on overlap-matched pairs: both without a speaker, or canonical names
  that match as in score.py (same words, or one's last word among the other's words);
- **Cohen's kappa** on stance (and on quote type) over overlap-matched pairs where both quotes
  carry a label;
- **Krippendorff's alpha** (nominal, any number of layers, missing values allowed: the
  ``krippendorff`` package's coefficient, computed by its closed form from pooled counts,
  ``pooled_alpha``) over *units* = clusters of matching quotes across layers: each
  layer's quotes are matched one-to-one against the clusters built so far (best overlap with
  any member, >= 50 %); unmatched quotes open new clusters. Alpha is given for stance, type and
  speaker (normalised canonical name);
- **speaker attribute alpha**, one per attribute the project codes (``speaker_gender``…,
  named as the csv column): the units are the speakers a document's layers name, by corpus
  speaker (``registry.speaker_key``: "Mayor Jim Kenney" is "Jim Kenney") and only those with a
  quote there (not rejected, by default); each layer's value is what that coder decided: its
  own value in that document, else the value its other documents give that speaker (the
  "coded once" rule, ``registry.CorpusCodes``, the layer's own codes only, never
  another layer's). A layer that does not name the speaker there, or never codes them, is
  missing, not a disagreement; a speaker no layer codes is no unit. A person named in 40
  articles is 40 units, as they weigh in the counts the attributes are coded for;
- **quote variable alpha**, one per variable the project codes (``code_topic``…, named as the
  csv column): the units are the quote clusters the stance alpha is over, each layer's value
  its quote's code (``Quote.code``). A layer without a quote there, or whose quote leaves the
  variable uncoded, is missing, not a disagreement; a cluster no layer codes is no unit;
- **word alpha**, the agreement on *where the quotes are*: every word of a document is a unit,
  valued 1 when it lies inside one of the layer's quotes, 0 when not (missing for a layer that
  did not annotate the document). Unlike an alpha over quote clusters (which has no units where
  both layers say "no quote", so it is at or below zero whatever the overlap), it rewards the
  words both layers leave out as well as the words both mark, and it is the usual reliability
  figure for span annotation.

A layer absent from a document did not annotate it: it is missing there, not "no quotes".
Rejected quotes are left out by default. Everything is reported per document and overall
(pooled over documents).

Documents are taken one at a time (``agreement`` accepts a stream) and only counts are kept
across them: matched label pairs per pair of layers (``PairCounts``), and for alpha how many
units carry each tuple of values (``_Units``: nominal alpha depends on nothing else), so memory
does not grow with the corpus. A caller that writes each document's figures as they come
(``per_document``) keeps none of them.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any

from annotations import registry
from annotations.codebook import (
    COLUMN_PREFIX,
    DEFAULT,
    QUOTE_COLUMN_PREFIX,
    CodedVariable,
    column,
    disagreement_kind,
    quote_column,
    quote_disagreement_kind,
)
from annotations.evaluate import WORD, norm_span, words
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER, Layer, Quote
from annotations.registry import CorpusCodes

ALPHA_FIELDS: tuple[str, ...] = ("stance", "type", "speaker", "words")
# the fields whose units are quote clusters (``words`` has a unit per word)
CLUSTER_FIELDS: tuple[str, ...] = ("stance", "type", "speaker")



def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters' paired labels; ``None`` when undefined (no pairs, or
    both raters used one and the same label throughout)."""
    if len(a) != len(b):
        raise ValueError("the two label lists must be paired")
    return pooled_kappa(Counter(zip(a, b, strict=True)))


def pooled_kappa(pairs: Mapping[tuple[Hashable, Hashable], int]) -> float | None:
    """Cohen's kappa of paired labels given as how many times each (a, b) pair occurs;
    ``None`` when undefined (``cohen_kappa``'s rule)."""
    n = sum(pairs.values())
    if n == 0:
        return None
    observed = sum(c for (x, y), c in pairs.items() if x == y) / n
    ca: dict[Hashable, int] = {}
    cb: dict[Hashable, int] = {}
    for (x, y), c in pairs.items():
        ca[x] = ca.get(x, 0) + c
        cb[y] = cb.get(y, 0) + c
    expected = sum(c * cb.get(label, 0) for label, c in ca.items()) / (n * n)
    if expected == 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(matrix: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Nominal Krippendorff's alpha of a layers x units table (``None`` = missing); ``None``
    when undefined (fewer than two values in the data, or no unit coded by two layers).

    Computed by the ``krippendorff`` package; when its dense units x values x values table
    would be large (many distinct speaker names over many units) the same coefficient comes
    from the closed form in ``nominal_alpha`` instead, which needs no such table.
    """
    codes: dict[Hashable, int] = {}
    rows = [[None if v is None else codes.setdefault(v, len(codes)) for v in row]
            for row in matrix]
    if len(rows) < 2 or not rows[0] or len(codes) < 2:
        return None
    if len(rows[0]) * len(codes) ** 2 > DENSE_LIMIT:
        return nominal_alpha(rows)
    import krippendorff
    import numpy as np

    data = np.array([[math.nan if v is None else float(v) for v in row] for row in rows])
    try:
        with np.errstate(invalid="ignore", divide="ignore"):
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:
        return None
    return None if math.isnan(value) else float(value)


DENSE_LIMIT = 4_000_000


def nominal_alpha(rows: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Nominal Krippendorff's alpha by its closed form (Krippendorff 2011, "Computing
    Krippendorff's alpha-reliability", section on nominal data):
    alpha = 1 - (n - 1) * sum_u (m_u**2 - sum_c n_uc**2) / (m_u - 1) / (n**2 - sum_c n_c**2),
    over units coded by at least two coders (m_u values), n values in all."""
    totals: Counter[Hashable] = Counter()
    observed = 0.0
    n = 0
    for unit in zip(*rows, strict=True):
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        observed += (m * m - sum(c * c for c in counts.values())) / (m - 1)
        totals.update(counts)
        n += m
    expected = n * n - sum(c * c for c in totals.values())
    if n == 0 or expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


def word_starts(text: str) -> Sequence[int]:
    """Where each word token of ``text`` starts (``evaluate.SpanIndex.starts``: the tokens of
    score.py, runs of ``evaluate.WORD``'s characters), found with numpy: a character is a
    word character when ``WORD`` matches it alone, and a word starts at every word character
    that follows none."""
    np, ascii_word = _numpy()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.size == 0:
        return []
    wide = codes >= len(ascii_word)
    if wide.any():
        word = np.zeros(codes.size, dtype=bool)
        narrow = ~wide
        word[narrow] = ascii_word[codes[narrow]]
        seen, where = np.unique(codes[wide], return_inverse=True)
        word[wide] = np.array([_is_word_char(int(c)) for c in seen], dtype=bool)[where]
    else:
        word = ascii_word[codes]
    begins = word.copy()
    begins[1:] &= ~word[:-1]
    return np.flatnonzero(begins).tolist()  # type: ignore[no-any-return]


def _is_word_char(code: int) -> bool:
    """True when ``evaluate.WORD`` matches the character ``code`` alone."""
    return WORD.fullmatch(chr(code)) is not None


@lru_cache(maxsize=1)
def _numpy() -> tuple[Any, Any]:
    """numpy (imported when first needed: not at every start of the CLI or the TUI) and
    which of the 128 ASCII characters are word characters."""
    import numpy as np

    return np, np.array([_is_word_char(c) for c in range(128)], dtype=bool)


def speaker_key(name: str | None) -> str | None:
    """A speaker's canonical name normalised for comparison (lower-case words)."""
    w = words(name)
    return " ".join(w) if w else None


def same_speaker(a: str | None, b: str | None) -> bool:
    """score.py's lenient speaker rule between two canonical names (``None`` = no speaker)."""
    if a is None or b is None:
        return a is None and b is None
    aw, bw = a.split(), b.split()
    return bool(aw and bw and (aw == bw or aw[-1] in bw or bw[-1] in aw))


@dataclass(slots=True)
class _Item:
    """One quote as agreement sees it: its trimmed span (``evaluate.norm_span``), the word
    tokens of that span (``lo`` to ``hi``: ``SpanIndex.prepare``'s ``_t`` is always such a
    run, so sets of tokens become ranges), the quote and its speaker's ``speaker_key``."""

    span: tuple[int, int]
    lo: int
    hi: int
    quote: Quote
    speaker: str | None


def _items(
    text: str, layer: Layer, starts: Sequence[int], exclude_rejected: bool
) -> list[_Item]:
    """The quotes of ``layer`` in reading order (rejected ones left out when asked), over a
    text whose word tokens start at ``starts``."""
    out = []
    speakers = layer.speakers
    keys = {sid: _speaker_key(s.name) for sid, s in speakers.items()}  # once per speaker
    for q in layer.sorted_quotes():
        if exclude_rejected and q.status == "rejected":
            continue
        s, e = norm_span(text, q.start, q.end)
        out.append(_Item((s, e), bisect_left(starts, s), bisect_left(starts, e), q,
                         keys.get(q.speaker_id or "")))
    return out


@lru_cache(maxsize=4096)
def _speaker_key(name: str) -> str | None:
    """``speaker_key``, remembered: the same people speak in document after document."""
    return speaker_key(name)


def _overlap(a: _Item, b: _Item) -> float:
    """``evaluate.overlap`` of two quotes: shared tokens over the larger token count."""
    shared = min(a.hi, b.hi) - max(a.lo, b.lo)
    return (shared if shared > 0 else 0) / max(a.hi - a.lo, b.hi - b.lo, 1)


def _meeting(a: Sequence[_Item], b: Sequence[_Item]) -> list[tuple[int, int]]:
    """Every (index in ``a``, index in ``b``) of two quotes that share a token
    (``evaluate.shared_token_pairs``): pair by pair for a few quotes, else in one sweep over
    the token ranges."""
    if len(a) * len(b) <= SMALL_JOIN:
        ranges = [(j, y.lo, y.hi) for j, y in enumerate(b) if y.lo < y.hi]
        return [(i, j) for i, x in enumerate(a) if x.lo < x.hi
                for j, lo, hi in ranges if lo < x.hi and x.lo < hi]
    events = sorted([(x.lo, 0, i, x.hi) for i, x in enumerate(a) if x.lo < x.hi]
                    + [(y.lo, 1, j, y.hi) for j, y in enumerate(b) if y.lo < y.hi])
    open_a: list[tuple[int, int]] = []  # (index, hi) of ranges begun and maybe not ended
    open_b: list[tuple[int, int]] = []
    out = []
    for lo, side, k, hi in events:  # a range meets every range of the other side still open
        if side == 0:
            open_b = [o for o in open_b if o[1] > lo]
            out.extend((k, j) for j, _ in open_b)
            open_a.append((k, hi))
        else:
            open_a = [o for o in open_a if o[1] > lo]
            out.extend((i, k) for i, _ in open_a)
            open_b.append((k, hi))
    return out


SMALL_JOIN = 400  # up to this many pairs of quotes, every pair is tried


def _one_to_one(scored: list[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """``evaluate.greedy_match`` over pairs already scored (and at or above the threshold):
    best first, ties to the lower first index, then the lower second index."""
    scored.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, i, j in scored:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def _overlap_pairs(a: Sequence[_Item], b: Sequence[_Item]) -> list[tuple[int, int]]:
    """``evaluate.overlap_match``: one-to-one pairs sharing >= 50 % of the tokens of each."""
    scored = []
    for i, j in _meeting(a, b):
        score = _overlap(a[i], b[j])
        if score >= 0.5:
            scored.append((score, i, j))
    return _one_to_one(scored)


def _exact_pairs(a: Sequence[_Item], b: Sequence[_Item]) -> list[tuple[int, int]]:
    """``evaluate.exact_match``: one-to-one pairs with identical trimmed spans."""
    by_span: dict[tuple[int, int], list[int]] = {}
    for i, x in enumerate(a):
        by_span.setdefault(x.span, []).append(i)
    return _one_to_one([(1.0, i, j) for j, y in enumerate(b) for i in by_span.get(y.span, ())])


@dataclass(frozen=True, slots=True)
class CodedSpeaker:
    """A layer's speaker in one document as the attribute alpha sees them: the name the layer
    gives them, their first quote there (in reading order) and the value of each attribute
    the coder decided for them (``coded_speakers``; an attribute left out: not coded)."""

    name: str
    first: Quote
    values: Mapping[str, str]


def coded_speakers(
    layer: Layer, attributes: Sequence[CodedVariable], corpus: CorpusCodes | None = None,
    *, exclude_rejected: bool = True,
) -> dict[str, CodedSpeaker]:
    """By corpus speaker (``registry.speaker_key``), in the order they first speak, the
    speakers of ``layer`` with a quote in it (rejected ones left out when asked), with their
    values: the layer's own in this document (two of its speakers who are one corpus speaker
    and coded two ways: ``CorpusCodes.value``'s choice), else ``corpus``'s (the layer's codes
    across the corpus; its key too: "Warren" is the layer's one Elizabeth Warren)."""
    first: dict[str, Quote] = {}
    names: dict[str, str] = {}
    here = CorpusCodes()
    for quote in layer.sorted_quotes():
        if exclude_rejected and quote.status == "rejected":
            continue
        speaker = layer.speakers.get(quote.speaker_id or "")
        if speaker is None or speaker.id in names:
            continue
        key = registry.speaker_key(speaker.name)
        names[speaker.id] = key = corpus.key(key) if corpus is not None else key
        first.setdefault(key, quote)
        here.add(key, speaker.attributes)
    out = {}
    for sid, key in names.items():
        if key in out:
            continue
        values = {}
        for attribute in attributes:
            value = here.value(key, attribute.name)
            if corpus is not None:
                value = corpus.value(key, attribute.name, value)
            if value is not None:
                values[attribute.name] = value
        out[key] = CodedSpeaker(layer.speakers[sid].name, first[key], values)
    return out


@dataclass
class PairCounts:
    """Agreement counts between two layers, summable over documents."""

    docs: int = 0
    quotes_a: int = 0
    quotes_b: int = 0
    exact: int = 0
    overlap: int = 0
    speaker_n: int = 0
    speaker_agree: int = 0
    stance: Counter[tuple[str, str]] = field(default_factory=Counter)
    """How many matched pairs carry each (stance in a, stance in b), both labelled."""
    types: Counter[tuple[str, str]] = field(default_factory=Counter)
    """How many matched pairs carry each (type in a, type in b)."""

    def add(self, other: PairCounts) -> None:
        """Add another document's counts."""
        self.docs += other.docs
        self.quotes_a += other.quotes_a
        self.quotes_b += other.quotes_b
        self.exact += other.exact
        self.overlap += other.overlap
        self.speaker_n += other.speaker_n
        self.speaker_agree += other.speaker_agree
        self.stance.update(other.stance)
        self.types.update(other.types)

    def to_dict(self, a: str, b: str) -> dict[str, Any]:
        """The pair's figures: counts, F1s in percent, kappas."""
        total = self.quotes_a + self.quotes_b

        def f1(tp: int) -> float:
            return round(100 * 2 * tp / total, 1) if total else 100.0

        def kappa(pairs: Counter[tuple[str, str]]) -> dict[str, Any]:
            k = pooled_kappa(pairs)
            return {"n": sum(pairs.values()), "kappa": None if k is None else round(k, 4)}

        return {
            "a": a, "b": b, "docs": self.docs,
            "quotes_a": self.quotes_a, "quotes_b": self.quotes_b,
            "exact": {"matched": self.exact, "F1": f1(self.exact)},
            "overlap50": {"matched": self.overlap, "F1": f1(self.overlap)},
            "speaker": {
                "n": self.speaker_n, "agree": self.speaker_agree,
                "pct": round(100 * self.speaker_agree / self.speaker_n, 1)
                if self.speaker_n else None,
            },
            "stance_kappa": kappa(self.stance),
            "type_kappa": kappa(self.types),
        }


def _pair(
    a: list[_Item], b: list[_Item], overlaps: list[tuple[int, int]] | None = None
) -> PairCounts:
    """One document's counts between two layers' quotes (``overlaps``: their
    ``_overlap_pairs``, when already found)."""
    pc = PairCounts(docs=1, quotes_a=len(a), quotes_b=len(b))
    pc.exact = len(_exact_pairs(a, b))
    for i, j in _overlap_pairs(a, b) if overlaps is None else overlaps:
        pc.overlap += 1
        qa, qb = a[i].quote, b[j].quote
        pc.speaker_n += 1
        pc.speaker_agree += same_speaker(a[i].speaker, b[j].speaker)
        if qa.stance and qb.stance:
            pc.stance[(qa.stance, qb.stance)] += 1
        pc.types[(qa.type, qb.type)] += 1
    return pc


def _clusters(
    per_layer: Mapping[str, list[_Item]],
    known: Mapping[tuple[str, str], list[tuple[int, int]]] | None = None,
) -> list[dict[str, _Item]]:
    """Units: one-to-one matched quotes across layers (one quote per layer at most). Each
    layer's quotes, in turn, are matched to the clusters so far by their best overlap with any
    member (>= 50 %, best first); the others open clusters of their own. ``known``: the
    ``_overlap_pairs`` of pairs of layers already matched (the second layer's match against
    the first layer's clusters is that pair's)."""
    clusters: list[dict[str, _Item]] = []
    names = list(per_layer)
    for position, (name, items) in enumerate(per_layer.items()):
        pairs: list[tuple[int, int]] = []
        if position == 1 and known is not None and (names[0], name) in known:
            pairs = known[(names[0], name)]  # the clusters are the first layer's quotes
        elif position:
            pairs = _cluster_pairs(clusters, items)
        matched = set()
        for ci, j in pairs:
            clusters[ci][name] = items[j]
            matched.add(j)
        clusters.extend({name: it} for j, it in enumerate(items) if j not in matched)
    return clusters


def _cluster_pairs(
    clusters: list[dict[str, _Item]], items: list[_Item]
) -> list[tuple[int, int]]:
    """(cluster, item) pairs: one-to-one, best overlap with any member >= 50 %, best first."""
    members = [m for c in clusters for m in c.values()]
    owner = [ci for ci, c in enumerate(clusters) for _ in c]
    candidates = {(owner[m], j) for m, j in _meeting(members, items)}
    scored = []
    for ci, j in candidates:
        score = max(_overlap(m, items[j]) for m in clusters[ci].values())
        if score >= 0.5:
            scored.append((score, ci, j))
    return _one_to_one(scored)


def weighted_nominal_alpha(units: Mapping[tuple[Hashable | None, ...], int]) -> float | None:
    """``nominal_alpha`` over units given as value tuples (one value per coder, ``None`` =
    missing) with how many units have each tuple: a corpus of words has few distinct tuples."""
    totals: dict[Hashable, int] = {}
    observed = 0.0
    n = 0
    for unit, weight in units.items():
        m, squares, counts = _unit_shape(unit)
        if m < 2 or weight <= 0:
            continue
        observed += weight * (m * m - squares) / (m - 1)
        for value, c in counts:
            totals[value] = totals.get(value, 0) + weight * c
        n += weight * m
    expected = n * n - sum(c * c for c in totals.values())
    if n == 0 or expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


@lru_cache(maxsize=1 << 16)
def _unit_shape(
    unit: tuple[Hashable | None, ...],
) -> tuple[int, int, tuple[tuple[Hashable, int], ...]]:
    """A unit's number of values, the sum of the squares of how often each value occurs, and
    those counts (remembered: the same few tuples recur in document after document)."""
    counts: dict[Hashable, int] = {}
    for v in unit:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    return sum(counts.values()), sum(c * c for c in counts.values()), tuple(counts.items())


def _unit_value(item: _Item | None, what: str) -> Hashable | None:
    """What a cluster member says for field ``what`` (``None``: the layer has no member)."""
    if item is None:
        return None
    if what == "stance":
        return item.quote.stance
    if what == "type":
        return item.quote.type
    return item.speaker or "(none)"


def _word_masks(layers: Sequence[str], present: Mapping[str, list[_Item]]) -> dict[int, int]:
    """How many words carry each non-zero mask: a bit per layer (in ``layers`` order) that
    has the word inside one of its quotes.

    Up to three layers every term of ``weighted_nominal_alpha`` over word units is a whole
    number, so the order the masks come in cannot change a figure: the masks are counted by a
    sweep over the quotes' token ranges. With more layers the words are walked one by one in
    the order of each quote's token set (as the figures were always computed), so that the
    floating-point sums add up in the same order.
    """
    if len(layers) > 3:
        masks: dict[int, int] = {}
        for bit, n in enumerate(layers):
            for item in present.get(n, ()):
                for t in frozenset(range(item.lo, item.hi)):
                    masks[t] = masks.get(t, 0) | 1 << bit
        return dict(Counter(masks.values()))
    edges = []
    for bit, n in enumerate(layers):
        for item in present.get(n, ()):
            if item.lo < item.hi:
                edges.append((item.lo, bit, 1))
                edges.append((item.hi, bit, -1))
    edges.sort()
    depth = [0] * len(layers)
    counts: dict[int, int] = {}
    mask = at = 0
    for edge, bit, step in edges:
        if mask and edge > at:
            counts[mask] = counts.get(mask, 0) + edge - at
        at = edge
        depth[bit] += step
        mask = mask | 1 << bit if depth[bit] else mask & ~(1 << bit)
    return counts


def pooled_alpha(units: Mapping[tuple[Hashable | None, ...], int]) -> float | None:
    """Nominal Krippendorff's alpha of units given as how many carry each tuple of values (one
    per layer, ``None`` = missing), by the closed form (``weighted_nominal_alpha``: the
    ``krippendorff`` package's coefficient, tested equal, from the counts alone); ``None``
    when undefined (``krippendorff_alpha``'s rule: fewer than two layers or two values)."""
    codes = {v for unit in units for v in unit if v is not None}
    if len(next(iter(units), ())) < 2 or len(codes) < 2:
        return None
    return weighted_nominal_alpha(units)


Units = dict[tuple[Hashable | None, ...], int]
"""How many units carry each tuple of values (one per layer, ``None`` = missing)."""


@dataclass
class _Units:
    """Alpha input pooled over documents: per field, how many units carry each tuple of
    values (one per layer, ``None`` = missing); nominal alpha needs nothing else."""

    layers: Sequence[str]
    attributes: Sequence[str] = ()
    """The speaker attributes compared (names), each with its alpha."""
    variables: Sequence[str] = ()
    """The quote variables compared (names), each with its alpha over the quote clusters."""
    units: dict[str, Units] = field(default_factory=dict)
    words: Units = field(default_factory=dict)

    def add(self, clusters: list[dict[str, _Item]], present: Mapping[str, list[_Item]],
            n_words: int) -> None:
        """One document: its quote clusters, and its ``n_words`` words as word units."""
        layers = self.layers
        stance, types, speakers = (self.units.setdefault(what, {}) for what in CLUSTER_FIELDS)
        for c in clusters:  # ``_unit_value`` of each member, per field
            members = [c.get(n) for n in layers]
            key = tuple([None if m is None else m.quote.stance for m in members])
            stance[key] = stance.get(key, 0) + 1
            key = tuple([None if m is None else m.quote.type for m in members])
            types[key] = types.get(key, 0) + 1
            key = tuple([None if m is None else m.speaker or "(none)" for m in members])
            speakers[key] = speakers.get(key, 0) + 1
            for name in self.variables:  # a cluster no layer codes is no unit of it
                key = tuple([None if m is None else m.quote.code(name) for m in members])
                if key.count(None) < len(key):
                    counts = self.units.setdefault(quote_column(name), {})
                    counts[key] = counts.get(key, 0) + 1
        # each word inside some quote: a bit per layer that has it inside one of its quotes
        words = self.words
        covered = 0
        for mask, count in _word_masks(layers, present).items():
            key = tuple([None if n not in present else (mask >> bit) & 1
                         for bit, n in enumerate(layers)])
            words[key] = words.get(key, 0) + count
            covered += count
        unmarked = n_words - covered
        if unmarked > 0:
            key = tuple([None if n not in present else 0 for n in layers])
            words[key] = words.get(key, 0) + unmarked

    def add_speakers(self, coded: Mapping[str, Mapping[str, CodedSpeaker]]) -> None:
        """One document's speakers (``coded_speakers`` of each layer that has it, by layer)
        as units of each attribute; a speaker no layer codes is no unit of it."""
        layers = self.layers
        keys = dict.fromkeys(k for n in layers for k in coded.get(n, {}))
        for name in self.attributes:
            counts = self.units.setdefault(column(name), {})
            for key in keys:
                unit = tuple([_coded_value(coded.get(n, {}).get(key), name) for n in layers])
                if unit.count(None) < len(unit):
                    counts[unit] = counts.get(unit, 0) + 1

    def extend(self, other: _Units) -> None:
        """Pool another document's units in."""
        for what, counts in other.units.items():
            _pool(self.units.setdefault(what, {}), counts)
        _pool(self.words, other.words)

    def to_dict(self) -> dict[str, Any]:
        """Alpha per field (the cluster fields, each speaker attribute as its csv column
        ``speaker_<name>``, each quote variable as its ``code_<name>``, words), with the
        units it is computed over (``units``: coded by at least two layers, the only ones
        alpha counts) and those it leaves out (``single_coded``: a quote one layer alone has
        or codes, a speaker one layer alone codes, the words of a document one layer alone
        annotated)."""
        out = {}
        for what in (*CLUSTER_FIELDS, *map(column, self.attributes),
                     *map(quote_column, self.variables)):
            counts = self.units.get(what, {})
            out[what] = _alpha_entry(counts, pooled_alpha(counts))
        out["words"] = _alpha_entry(self.words, weighted_nominal_alpha(self.words))
        return out


def _coded_value(speaker: CodedSpeaker | None, name: str) -> str | None:
    """What a layer codes for attribute ``name`` of a speaker (None: it does not name them
    in the document, or does not code them)."""
    return None if speaker is None else speaker.values.get(name)


def _alpha_entry(counts: Units, alpha: float | None) -> dict[str, Any]:
    """An alpha with how many units it is computed over and how many it leaves out."""
    paired = sum(n for key, n in counts.items() if len(key) - key.count(None) >= 2)
    # a unit no layer codes (a quote every layer has, none with a stance) is neither
    single = sum(n for key, n in counts.items() if len(key) - key.count(None) == 1)
    return {"units": paired, "single_coded": single,
            "alpha": None if alpha is None else round(alpha, 4)}


def _pool(total: Units, more: Units) -> None:
    """Add the counts of ``more`` to ``total`` (new tuples after the ones it has)."""
    for key, count in more.items():
        total[key] = total.get(key, 0) + count


@dataclass
class AgreementReport:
    """Agreement between ``layers``: overall, and per document unless handed on as they came
    (``agreement``'s ``per_document``)."""

    layers: list[str]
    per_document: dict[str, dict[str, Any]]
    overall: dict[str, Any]
    docs: int = -1
    """Documents read (-1: as many as ``per_document`` holds)."""
    compared: int = -1
    """Of them, those with two of the layers or more: the ones agreement is measured on (-1:
    as ``per_document`` says)."""

    @property
    def documents(self) -> int:
        """How many documents were read."""
        return len(self.per_document) if self.docs < 0 else self.docs

    @property
    def documents_compared(self) -> int:
        """How many documents had two of the layers or more."""
        if self.compared >= 0:
            return self.compared
        return sum(len(d["layers"]) >= 2 for d in self.per_document.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``layers``, ``docs`` (read), ``compared`` (with two of the
        layers or more), ``overall``, ``per_document``."""
        return {"layers": self.layers, "docs": self.documents,
                "compared": self.documents_compared,
                "overall": self.overall, "per_document": self.per_document}


DocLayers = tuple[str, str, Mapping[str, Layer]]
"""One document to compare: its id, its text, and its layers by name."""


def choose_layers(names: Iterable[str]) -> list[str]:
    """The layers compared when none are named: every annotator's (suggestions and final
    left out if at least two others exist), sorted."""
    ordered = sorted(set(names))
    people = [n for n in ordered if n not in (SUGGESTIONS_LAYER, FINAL_LAYER)]
    return people if len(people) >= 2 else ordered


def default_layers(docs: Mapping[str, tuple[str, Mapping[str, Layer]]]) -> list[str]:
    """``choose_layers`` over the layers in ``docs``."""
    return choose_layers(n for _, layers in docs.values() for n in layers)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One place in a document where the layers compared disagree, for the coders' meeting:
    a quote some layers lack (``missing``), or one whose span, speaker (its name as the speaker
    alpha compares it: "Park" and "Linda Park" differ), stance, type or code of a quote
    variable (``topic``…: ``codebook.quote_disagreement_kind``; a layer that leaves it
    uncoded not differing) differs between them (``kinds``). ``start``-``end`` covers every
    layer's quote there; ``quotes`` gives each layer the document has its quote there and its
    speaker's name (None: no quote there); a layer the document does not have is not in it.

    Or a person the layers code differently (``speaker gender``…: a unit of the attribute
    alpha with two values or more, a layer that does not code them not counting): then
    ``speakers`` gives each layer the document has that person as it codes them
    (``CodedSpeaker``; None: it does not name them there), ``quotes`` none, and
    ``start``-``end`` is their first quote in any of the layers."""

    start: int
    end: int
    kinds: tuple[str, ...]
    quotes: Mapping[str, tuple[Quote, str | None] | None]
    speakers: Mapping[str, CodedSpeaker | None] = field(default_factory=dict)


def _disagreements(
    clusters: list[dict[str, _Item]], present: Mapping[str, list[_Item]],
    layers: Mapping[str, Layer], variables: Sequence[str] = (),
) -> list[Disagreement]:
    """The clusters (units of matched quotes) on which the layers in ``present`` differ, in
    reading order (on the quote variables ``variables`` too: the units of their alphas that
    hold two values or more)."""
    out = []
    for unit in clusters:
        members = list(unit.values())
        kinds = []
        if len(unit) < len(present):
            kinds.append("missing")
        if len({m.span for m in members}) > 1:  # among the layers that have it
            kinds.append("span")
        if len({m.speaker for m in members}) > 1:  # the names alpha compares: "Park" and
            kinds.append("speaker")  # "Linda Park" differ there, a codebook matter
        if len({m.quote.stance for m in members}) > 1:
            kinds.append("stance")
        if len({m.quote.type for m in members}) > 1:
            kinds.append("type")
        kinds.extend(quote_disagreement_kind(name) for name in variables
                     if len({m.quote.code(name) for m in members} - {None}) > 1)
        if not kinds:
            continue
        quotes: dict[str, tuple[Quote, str | None] | None] = {}
        for name in present:
            item = unit.get(name)
            quotes[name] = None if item is None else (
                item.quote, layers[name].speaker_name(item.quote))
        out.append(Disagreement(min(m.quote.start for m in members),
                                max(m.quote.end for m in members), tuple(kinds), quotes))
    out.sort(key=lambda d: (d.start, d.end))
    return out


def _attribute_disagreements(
    coded: Mapping[str, Mapping[str, CodedSpeaker]], attributes: Sequence[str],
) -> list[Disagreement]:
    """The people the layers in ``coded`` (each one's ``coded_speakers``) give two values or
    more for some attribute: the units of the attribute alpha that hold a disagreement."""
    out = []
    for key in dict.fromkeys(k for found in coded.values() for k in found):
        there = {n: found.get(key) for n, found in coded.items()}
        kinds = tuple(disagreement_kind(name) for name in attributes
                      if len({_coded_value(c, name) for c in there.values()} - {None}) > 1)
        if kinds:
            first = min((c.first for c in there.values() if c is not None),
                        key=lambda q: (q.start, q.end))
            out.append(Disagreement(first.start, first.end, kinds, {}, there))
    return out


class AgreementPass:
    """Agreement between ``names`` pooled over documents taken one at a time (``add``): only
    counts are kept. Passes over parts of a corpus (in worker processes) pool into one with
    ``merge``, in corpus order, to the very figures one pass over all of it gives.

    ``attributes``: the speaker attributes compared (the project's scheme); ``codes``: each
    layer's codes across the whole corpus (``stats.corpus_codes``), what fills a speaker's
    value in a document where that layer does not code them (none: each document's own);
    ``variables``: the quote variables compared (the project's ``quote_variables``)."""

    def __init__(self, names: Sequence[str], *, exclude_rejected: bool = True,
                 attributes: Sequence[CodedVariable] = DEFAULT,
                 codes: Mapping[str, CorpusCodes] | None = None,
                 variables: Sequence[CodedVariable] = ()) -> None:
        self.names = list(names)
        self.exclude_rejected = exclude_rejected
        self.attributes = tuple(attributes)
        self.variables = tuple(variables)
        self.codes = dict(codes or {})
        self.pair_names = list(combinations(self.names, 2))
        self.pairs = {p: PairCounts() for p in self.pair_names}
        self.units = _Units(self.names, [a.name for a in self.attributes],
                            [v.name for v in self.variables])
        self.count = 0
        self.compared = 0  # documents with two of the layers or more

    def __getstate__(self) -> dict[str, Any]:
        """What a worker process sends back: the counts, not the corpus codes (the pass it
        merges into has them)."""
        return {**self.__dict__, "codes": {}}

    def add(self, text: str, doc_layers: Mapping[str, Layer],
            disagreements: list[Disagreement] | None = None) -> dict[str, Any]:
        """Pool one document in; its own figures (a ``per_document`` entry). Where the layers
        disagree is added to ``disagreements`` when given."""
        names = self.names
        starts = word_starts(text)
        present = {n: _items(text, doc_layers[n], starts, self.exclude_rejected)
                   for n in names if n in doc_layers}
        pairs = []
        overlaps: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for a, b in self.pair_names:
            if a in present and b in present:
                matched = overlaps[(a, b)] = _overlap_pairs(present[a], present[b])
                pc = _pair(present[a], present[b], matched)
                self.pairs[(a, b)].add(pc)
                pairs.append(pc.to_dict(a, b))
        units = _Units(names, self.units.attributes, self.units.variables)
        clusters = _clusters(present, overlaps)
        units.add(clusters, present, len(starts))
        coded = {n: coded_speakers(doc_layers[n], self.attributes, self.codes.get(n),
                                   exclude_rejected=self.exclude_rejected)
                 for n in present} if self.attributes else {}
        units.add_speakers(coded)
        if disagreements is not None and len(present) >= 2:
            found = _disagreements(clusters, present, doc_layers, self.units.variables)
            found += _attribute_disagreements(coded, self.units.attributes)
            disagreements.extend(sorted(found, key=lambda d: (d.start, d.end)))
        self.count += 1
        if len(present) >= 2:  # a document one layer alone has is left out, its units too
            self.units.extend(units)
            self.compared += 1
        return {"layers": sorted(present), "pairs": pairs, "alpha": units.to_dict()}

    def merge(self, other: AgreementPass) -> None:
        """Pool in a pass over the documents that come after this one's."""
        for key, counts in other.pairs.items():
            self.pairs[key].add(counts)
        self.units.extend(other.units)
        self.count += other.count
        self.compared += other.compared

    def overall(self) -> dict[str, Any]:
        """The figures pooled over every document added."""
        return {
            "pairs": [self.pairs[(a, b)].to_dict(a, b) for a, b in self.pair_names],
            "alpha": self.units.to_dict(),
        }


def agreement(
    docs: Mapping[str, tuple[str, Mapping[str, Layer]]] | Iterable[DocLayers],
    layers: Sequence[str] | None = None,
    *,
    exclude_rejected: bool = True,
    per_document: Callable[[str, dict[str, Any]], None] | None = None,
    attributes: Sequence[CodedVariable] = DEFAULT,
    codes: Mapping[str, CorpusCodes] | None = None,
    variables: Sequence[CodedVariable] = (),
) -> AgreementReport:
    """Agreement between ``layers`` over ``docs``: doc id -> (text, layer name -> Layer), or
    a stream of ``(doc id, text, layers)`` taken one at a time (then ``layers`` must be named:
    default ``default_layers`` of a mapping). ``per_document``: hand each document's figures
    to it as they come instead of keeping them in the report. ``attributes``, ``codes`` and
    ``variables``: ``AgreementPass``'s; without ``codes``, a mapping's own documents are the
    corpus the speakers' values are read across (a stream's: each document alone)."""
    if isinstance(docs, Mapping):
        names = list(layers) if layers else default_layers(docs)
        stream: Iterable[DocLayers] = ((d, text, ls) for d, (text, ls) in docs.items())
        if codes is None:
            codes = {n: CorpusCodes() for n in names}
            for _, doc_layers in docs.values():
                for n in names:
                    if n in doc_layers:
                        codes[n].add_layer(doc_layers[n])
    elif layers:
        names, stream = list(layers), docs
    else:
        raise ValueError("name the layers to compare over a stream of documents")
    counts = AgreementPass(names, exclude_rejected=exclude_rejected, attributes=attributes,
                           codes=codes, variables=variables)
    kept: dict[str, dict[str, Any]] = {}
    for doc_id, text, doc_layers in stream:
        entry = counts.add(text, doc_layers)
        if per_document is None:
            kept[doc_id] = entry
        else:
            per_document(doc_id, entry)
    return AgreementReport(names, kept, counts.overall(), counts.count, counts.compared)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def summary_lines(report: AgreementReport) -> list[str]:
    """A short plain-text summary of the overall figures, one line per pair and per alpha."""
    overall = report.overall
    compared, rest = report.documents_compared, report.documents - report.documents_compared
    lines = [f"agreement between {', '.join(report.layers)} over {compared} "
             f"document{'s' * (compared != 1)} (in two of these layers or more"
             + (f"; {rest} other{'s' * (rest != 1)} left out" if rest else "") + ")"]
    for p in overall["pairs"]:
        lines.append(
            f"{p['a']} vs {p['b']} ({p['docs']} docs, {p['quotes_a']}/{p['quotes_b']} quotes): "
            f"span F1 exact {p['exact']['F1']:.1f}, overlap {p['overlap50']['F1']:.1f}; "
            f"speaker {_fmt(p['speaker']['pct'], 1)} % of {p['speaker']['n']} (same person: "
            "one name's last word in the other); "
            f"stance kappa {_fmt(p['stance_kappa']['kappa'])} (n={p['stance_kappa']['n']})"
        )
    for what, a in overall["alpha"].items():
        about = ALPHA_UNITS.get(what) or (
            VARIABLE_UNITS.format(what.removeprefix(QUOTE_COLUMN_PREFIX))
            if what.startswith(QUOTE_COLUMN_PREFIX)
            else ATTRIBUTE_UNITS.format(what.removeprefix(COLUMN_PREFIX)))
        lines.append(f"Krippendorff's alpha {what}: {_fmt(a['alpha'])} ({a['units']} {about}"
                     + (f"; {a['single_coded']} in one layer only, left out" if a.get(
                         "single_coded") else "") + ")" + _undefined(a))
    return lines


def _undefined(entry: Mapping[str, Any]) -> str:
    """Why an alpha is not given (empty when it is)."""
    if entry["alpha"] is not None:
        return ""
    if not entry["units"]:
        return ": too few units, none that two layers code"
    return ": undefined, one and the same value throughout"


# what an alpha line's units are, as the summary says it
ALPHA_UNITS: dict[str, str] = {
    "stance": "matched quotes, on their stance",
    "type": "matched quotes, on their type",
    "speaker": "matched quotes, on their speaker's exact name, titles aside",
    "words": "words, on whether each lies inside a quote",
}
# an attribute alpha's units, as the summary says them
ATTRIBUTE_UNITS = "speakers of a document two layers code, on their {}"
# a quote variable alpha's units: the stance alpha's quote clusters
VARIABLE_UNITS = "matched quotes, on their {}"
