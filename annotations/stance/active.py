"""Which quote the researcher should label next (active learning).

Cold start (fewer than ``cold_k`` labels): if the scheme has example statements, first the
pool item nearest to each label's examples (round robin over labels), then one representative
per k-means cluster of the pool (SVD of the text TF-IDF, clusters taken largest first), so the
first labels cover the kinds of quotes the project holds. After that: uncertainty sampling,
highest entropy of the model's confidences first; a batch (``k`` > 1) skips near-duplicates
of items already chosen. Every ``audit_every``-th pick after the cold start is uniformly
random instead: those audits and the cold-start picks form the ``representative`` set the
honesty gate scores itself on. Deterministic for a given seed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from annotations.stance.model import StanceModel
from annotations.stance.types import StanceExample, StanceItem

COLD_K = 30
NEAR_DUPLICATE = 0.9
AUDIT_EVERY = 10
DENSITY_SAMPLE = 1000
DENSITY_K = 10


class ActiveLearner:
    """Orders one pool of unlabelled items for labelling; reuse it across labels."""

    def __init__(
        self,
        pool: Sequence[StanceItem],
        *,
        seed: int = 0,
        cold_k: int = COLD_K,
        seeds: Sequence[StanceExample] = (),
        density: float = 0.0,
        audit_every: int = AUDIT_EVERY,
    ) -> None:
        self.pool = list(pool)
        self.density = density
        self._density: Any = None
        self.audit_every = audit_every
        self.representative: set[str] = set()
        self.seed = seed
        self.cold_k = cold_k
        self.seeds = list(seeds)
        self._cold: list[int] | None = None
        self._text: Any = None

    def _text_rows(self, model: StanceModel) -> Any:
        if self._text is None:
            if model._cache is None:
                model.set_corpus([it.text for it in self.pool])
            assert model._cache is not None
            self._text = model._cache.space.transform_text([it.text for it in self.pool])
        return self._text

    def cold_order(self, model: StanceModel) -> list[int]:
        """Pool indices in cold-start order (example-nearest first, then cluster heads)."""
        if self._cold is not None:
            return self._cold
        import numpy as np

        x = self._text_rows(model)
        order: list[int] = []
        if self.seeds and model._cache is not None:
            by_label: dict[str, list[str]] = {}
            for ex in self.seeds:
                by_label.setdefault(ex.label, []).append(ex.text)
            sims = [
                np.asarray((x @ model._cache.space.transform_text(texts).T).max(axis=1).todense())
                .ravel()
                for texts in by_label.values()
            ]
            ranked = [list(np.argsort(-s, kind="stable")) for s in sims]
            for depth in range(3):
                for r in ranked:
                    if depth < len(r) and int(r[depth]) not in order:
                        order.append(int(r[depth]))
        order += [i for i in self._cluster_heads(x) if i not in order]
        self._cold = order
        return order

    def _cluster_heads(self, x: Any) -> list[int]:
        import numpy as np

        n = x.shape[0]
        k = min(self.cold_k, n)
        if k < 2 or n < 4:
            return list(range(n))
        from sklearn.cluster import KMeans, MiniBatchKMeans
        from sklearn.decomposition import TruncatedSVD
        from sklearn.preprocessing import normalize

        dims = max(2, min(100, x.shape[1] - 1, n - 1))
        z = normalize(TruncatedSVD(dims, random_state=self.seed).fit_transform(x))
        algo = KMeans if n <= 5000 else MiniBatchKMeans
        km = algo(n_clusters=k, n_init=4, random_state=self.seed).fit(z)
        heads = []
        for c in range(k):
            idx = np.flatnonzero(km.labels_ == c)
            if len(idx):
                d = ((z[idx] - km.cluster_centers_[c]) ** 2).sum(axis=1)
                heads.append((-len(idx), int(idx[d.argmin()])))
        return [i for _, i in sorted(heads)]

    def _density_weights(self, model: StanceModel) -> Any:
        """Mean cosine to each item's nearest pool neighbours (on a sample of the pool)."""
        if self._density is None:
            import numpy as np

            x = self._text_rows(model)
            n = x.shape[0]
            rng = np.random.RandomState(self.seed)
            sample = np.sort(rng.permutation(n)[:DENSITY_SAMPLE])
            sims = (x @ x[sample].T).toarray()
            k = min(DENSITY_K, sims.shape[1] - 1)
            top = -np.sort(-sims, axis=1)[:, 1 : k + 1] if k > 0 else np.ones((n, 1))
            self._density = np.maximum(top.mean(axis=1), 1e-6)
        return self._density

    def _is_audit(self, count: int) -> bool:
        """Whether the pick made with ``count`` labels already given is a random audit."""
        if not self.audit_every or count < self.cold_k:
            return False
        return (count - self.cold_k) % self.audit_every == self.audit_every - 1

    def next(self, model: StanceModel, labelled: Collection[str], k: int = 1) -> list[str]:
        """Ids of the next ``k`` pool items to label (fewer if the pool runs out).

        After the cold start, every ``audit_every``-th pick is a uniformly random item (an
        audit): audits and cold-start picks are ``representative`` and are what the honesty
        gate scores, since the uncertainty picks are the hardest items by construction.
        """
        import numpy as np

        done = set(labelled)
        free = [i for i, it in enumerate(self.pool) if it.id not in done]
        if not free or k < 1:
            return []
        chosen: list[int] = []
        n_labelled = len(self.pool) - len(free)
        warm = model.fitted and len(model.classes) >= 2
        if n_labelled < self.cold_k or not warm:
            free_set = set(free)
            for i in self.cold_order(model):
                if len(chosen) >= k or (warm and n_labelled + len(chosen) >= self.cold_k):
                    break
                if i in free_set:
                    chosen.append(i)
                    self.representative.add(self.pool[i].id)
        rest = [i for i in free if i not in chosen]
        ranked: list[int] | None = None
        x = self._text_rows(model) if k > 1 else None
        while len(chosen) < k and rest:
            count = n_labelled + len(chosen)
            if self._is_audit(count):
                rng = np.random.RandomState([self.seed, count])
                i = rest[int(rng.randint(len(rest)))]
                self.representative.add(self.pool[i].id)
            else:
                if ranked is None:
                    unc = np.array(model.uncertainty([self.pool[j] for j in rest]))
                    if self.density:
                        unc = unc * self._density_weights(model)[rest] ** self.density
                    ranked = [rest[j] for j in np.argsort(-unc, kind="stable")]
                left = [j for j in ranked if j in rest]
                i = left[0]
                if x is not None and chosen:
                    sims = (x[chosen] @ x[left].T).toarray().max(axis=0)
                    fresh = [j for j, s in zip(left, sims, strict=True) if s <= NEAR_DUPLICATE]
                    i = fresh[0] if fresh else i
            chosen.append(i)
            rest.remove(i)
        return [self.pool[i].id for i in chosen]


def next_to_label(
    model: StanceModel,
    pool: Sequence[StanceItem],
    labelled: Collection[str] = (),
    k: int = 1,
    *,
    seed: int = 0,
) -> list[str]:
    """One-shot helper: the next ``k`` item ids to label (builds a fresh ``ActiveLearner``)."""
    return ActiveLearner(pool, seed=seed).next(model, labelled, k)
