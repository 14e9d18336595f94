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
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotations.evaluate import (
    SpanIndex,
    exact_match,
    greedy_match,
    overlap,
    overlap_match,
    words,
)
from annotations.model import FINAL_LAYER, SUGGESTIONS_LAYER, Layer, Quote

ALPHA_FIELDS: tuple[str, ...] = ("stance", "type", "speaker", "words")
# the fields whose units are quote clusters (``words`` has a unit per word)
CLUSTER_FIELDS: tuple[str, ...] = ("stance", "type", "speaker")

Item = dict[str, Any]


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
    ca: Counter[Hashable] = Counter()
    cb: Counter[Hashable] = Counter()
    for (x, y), c in pairs.items():
        ca[x] += c
        cb[y] += c
    expected = sum(ca[label] * cb[label] for label in ca.keys() | cb.keys()) / (n * n)
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


def _items(text: str, layer: Layer, index: SpanIndex, exclude_rejected: bool) -> list[Item]:
    out = []
    keys = {sid: speaker_key(s.name) for sid, s in layer.speakers.items()}  # once per speaker
    for q in layer.sorted_quotes():
        if exclude_rejected and q.status == "rejected":
            continue
        item = index.prepare({"start": q.start, "end": q.end})
        item["quote"] = q
        item["speaker"] = keys.get(q.speaker_id or "")  # ``speaker_key`` of its name
        out.append(item)
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


def _pair(a: list[Item], b: list[Item]) -> PairCounts:
    pc = PairCounts(docs=1, quotes_a=len(a), quotes_b=len(b))
    pc.exact = len(exact_match(a, b))
    for i, j in overlap_match(a, b):
        pc.overlap += 1
        qa: Quote = a[i]["quote"]
        qb: Quote = b[j]["quote"]
        pc.speaker_n += 1
        pc.speaker_agree += same_speaker(a[i]["speaker"], b[j]["speaker"])
        if qa.stance and qb.stance:
            pc.stance[(qa.stance, qb.stance)] += 1
        pc.types[(qa.type, qb.type)] += 1
    return pc


def _clusters(per_layer: Mapping[str, list[Item]]) -> list[dict[str, Item]]:
    """Units: one-to-one matched quotes across layers (one quote per layer at most)."""
    clusters: list[dict[str, Item]] = []

    def score(c: dict[str, Item], p: Item) -> float:
        return max(overlap(m, p) for m in c.values())

    for name, items in per_layer.items():
        by_token: dict[int, set[int]] = {}
        for ci, c in enumerate(clusters):
            for m in c.values():
                for t in m["_t"]:
                    by_token.setdefault(t, set()).add(ci)
        cands = {(ci, j) for j, p in enumerate(items) for t in p["_t"]
                 for ci in by_token.get(t, ())}
        pairs = greedy_match(clusters, items, score, 0.5, cands)
        matched = set()
        for ci, j in pairs:
            clusters[ci][name] = items[j]
            matched.add(j)
        clusters.extend({name: it} for j, it in enumerate(items) if j not in matched)
    return clusters


def weighted_nominal_alpha(units: Mapping[tuple[Hashable | None, ...], int]) -> float | None:
    """``nominal_alpha`` over units given as value tuples (one value per coder, ``None`` =
    missing) with how many units have each tuple: a corpus of words has few distinct tuples."""
    totals: Counter[Hashable] = Counter()
    observed = 0.0
    n = 0
    for unit, weight in units.items():
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2 or weight <= 0:
            continue
        counts = Counter(values)
        observed += weight * (m * m - sum(c * c for c in counts.values())) / (m - 1)
        for value, c in counts.items():
            totals[value] += weight * c
        n += weight * m
    expected = n * n - sum(c * c for c in totals.values())
    if n == 0 or expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


def _unit_value(item: Item | None, what: str) -> Hashable | None:
    if item is None:
        return None
    q: Quote = item["quote"]
    if what == "stance":
        return q.stance
    if what == "type":
        return q.type
    return item["speaker"] or "(none)"


def pooled_alpha(units: Mapping[tuple[Hashable | None, ...], int]) -> float | None:
    """Nominal Krippendorff's alpha of units given as how many carry each tuple of values (one
    per layer, ``None`` = missing), by the closed form (``weighted_nominal_alpha``: the
    ``krippendorff`` package's coefficient, tested equal, from the counts alone); ``None``
    when undefined (``krippendorff_alpha``'s rule: fewer than two layers or two values)."""
    codes = {v for unit in units for v in unit if v is not None}
    if len(next(iter(units), ())) < 2 or len(codes) < 2:
        return None
    return weighted_nominal_alpha(units)


@dataclass
class _Units:
    """Alpha input pooled over documents: per field, how many units carry each tuple of
    values (one per layer, ``None`` = missing); nominal alpha needs nothing else."""

    layers: Sequence[str]
    units: dict[str, Counter[tuple[Hashable | None, ...]]] = field(default_factory=dict)
    words: Counter[tuple[Hashable | None, ...]] = field(default_factory=Counter)

    def add(self, clusters: list[dict[str, Item]], present: Mapping[str, list[Item]],
            n_words: int) -> None:
        """One document: its quote clusters, and its ``n_words`` words as word units."""
        fields = [(what, self.units.setdefault(what, Counter())) for what in CLUSTER_FIELDS]
        for c in clusters:
            members = [c.get(n) for n in self.layers]
            for what, counts in fields:
                counts[tuple([_unit_value(m, what) for m in members])] += 1
        # each word inside some quote: a bit per layer that has it inside one of its quotes
        masks: dict[int, int] = {}
        for bit, n in enumerate(self.layers):
            for item in present.get(n, ()):
                for t in item["_t"]:
                    masks[t] = masks.get(t, 0) | 1 << bit
        for mask, count in Counter(masks.values()).items():
            self.words[tuple(None if n not in present else (mask >> bit) & 1
                             for bit, n in enumerate(self.layers))] += count
        unmarked = n_words - len(masks)
        if unmarked > 0:
            self.words[tuple(None if n not in present else 0 for n in self.layers)] += unmarked

    def extend(self, other: _Units) -> None:
        """Pool another document's units in."""
        for what, counts in other.units.items():
            self.units.setdefault(what, Counter()).update(counts)
        self.words.update(other.words)

    def to_dict(self) -> dict[str, Any]:
        """Alpha and the number of units per field."""
        out = {}
        for what in CLUSTER_FIELDS:
            counts = self.units.get(what, Counter())
            alpha = pooled_alpha(counts)
            out[what] = {"units": sum(counts.values()),
                         "alpha": None if alpha is None else round(alpha, 4)}
        alpha = weighted_nominal_alpha(self.words)
        out["words"] = {"units": sum(self.words.values()),
                        "alpha": None if alpha is None else round(alpha, 4)}
        return out


@dataclass
class AgreementReport:
    """Agreement between ``layers``: overall, and per document unless handed on as they came
    (``agreement``'s ``per_document``)."""

    layers: list[str]
    per_document: dict[str, dict[str, Any]]
    overall: dict[str, Any]
    docs: int = -1
    """Documents compared (-1: as many as ``per_document`` holds)."""

    @property
    def documents(self) -> int:
        """How many documents were compared."""
        return len(self.per_document) if self.docs < 0 else self.docs

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``layers``, ``docs``, ``overall``, ``per_document``."""
        return {"layers": self.layers, "docs": self.documents,
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


def agreement(
    docs: Mapping[str, tuple[str, Mapping[str, Layer]]] | Iterable[DocLayers],
    layers: Sequence[str] | None = None,
    *,
    exclude_rejected: bool = True,
    per_document: Callable[[str, dict[str, Any]], None] | None = None,
) -> AgreementReport:
    """Agreement between ``layers`` over ``docs``: doc id -> (text, layer name -> Layer), or
    a stream of ``(doc id, text, layers)`` taken one at a time (then ``layers`` must be named:
    default ``default_layers`` of a mapping). ``per_document``: hand each document's figures
    to it as they come instead of keeping them in the report."""
    if isinstance(docs, Mapping):
        names = list(layers) if layers else default_layers(docs)
        stream: Iterable[DocLayers] = ((d, text, ls) for d, (text, ls) in docs.items())
    elif layers:
        names, stream = list(layers), docs
    else:
        raise ValueError("name the layers to compare over a stream of documents")
    pair_names = list(combinations(names, 2))
    total_pairs = {p: PairCounts() for p in pair_names}
    total_units = _Units(names)
    kept: dict[str, dict[str, Any]] = {}
    count = 0
    for doc_id, text, doc_layers in stream:
        index = SpanIndex(text)
        present = {n: _items(text, doc_layers[n], index, exclude_rejected)
                   for n in names if n in doc_layers}
        pairs = []
        for a, b in pair_names:
            if a in present and b in present:
                pc = _pair(present[a], present[b])
                total_pairs[(a, b)].add(pc)
                pairs.append(pc.to_dict(a, b))
        units = _Units(names)
        units.add(_clusters(present), present, len(index.starts))
        total_units.extend(units)
        entry = {"layers": sorted(present), "pairs": pairs, "alpha": units.to_dict()}
        count += 1
        if per_document is None:
            kept[doc_id] = entry
        else:
            per_document(doc_id, entry)
    overall = {
        "pairs": [total_pairs[(a, b)].to_dict(a, b) for a, b in pair_names],
        "alpha": total_units.to_dict(),
    }
    return AgreementReport(names, kept, overall, count)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def summary_lines(report: AgreementReport) -> list[str]:
    """A short plain-text summary of the overall figures, one line per pair and per alpha."""
    overall = report.overall
    lines = [f"agreement between {', '.join(report.layers)} over "
             f"{report.documents} documents"]
    for p in overall["pairs"]:
        lines.append(
            f"{p['a']} vs {p['b']} ({p['docs']} docs, {p['quotes_a']}/{p['quotes_b']} quotes): "
            f"span F1 exact {p['exact']['F1']:.1f}, overlap {p['overlap50']['F1']:.1f}; "
            f"speaker {_fmt(p['speaker']['pct'], 1)} % of {p['speaker']['n']}; "
            f"stance kappa {_fmt(p['stance_kappa']['kappa'])} (n={p['stance_kappa']['n']})"
        )
    for what, a in overall["alpha"].items():
        lines.append(f"Krippendorff's alpha {what}: {_fmt(a['alpha'])} ({a['units']} "
                     f"{ALPHA_UNITS[what]})")
    return lines


# what an alpha line's units are, as the summary says it
ALPHA_UNITS: dict[str, str] = {
    "stance": "matched quotes, on their stance",
    "type": "matched quotes, on their type",
    "speaker": "matched quotes, on their speaker",
    "words": "words, on whether each lies inside a quote",
}
