"""``StanceModel``: a per-project stance suggester that learns from the researcher's labels.

Kernel ridge classification (class-balanced) over word + char n-gram TF-IDF of the quote,
with the speaker, the speaker-in-article and the cue as extra one-hot columns: a speaker's
labelled quotes pull their other quotes toward the same label (the same-speaker prior).
The researcher's example statements per label (``StanceLabel.examples``) are extra,
training-only items. An honesty gate (``annotations.stance.gate``: exact leave-one-out
macro-F1 against the majority class and against shuffled labels) keeps every suggestion
``tentative`` until the model beats both with at least ``min_labels`` labels.
Deterministic: the only randomness is the gate's label shuffles, seeded with ``seed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotations.errors import InputError
from annotations.stance.types import FitReport, StanceExample, StanceItem, StanceSuggestion

_Key = tuple[str, str | None, str | None, str | None]

MIN_LABELS = 20  # labels before the honesty gate can open
SELF_TRAIN_FROM = 20
SELF_TRAIN_UNTIL = 300
SELF_TRAIN_RATIO = 2.0
SELF_TRAIN_WEIGHT = 0.6


def _key(x: StanceExample | StanceItem) -> _Key:
    return (x.text, x.speaker, x.cue, x.document)


class _RowCache:
    """Feature rows by (text, speaker, cue, document), transformed once and reused."""

    def __init__(self, space: Any) -> None:
        self.space = space
        self.index: dict[_Key, int] = {}
        self.matrix: Any = None

    def rows(self, keys: Sequence[_Key]) -> Any:
        from scipy import sparse

        new = list(dict.fromkeys(k for k in keys if k not in self.index))
        if new:
            block = self.space.transform([k[0] for k in new], [k[1:] for k in new])
            start = 0 if self.matrix is None else self.matrix.shape[0]
            for i, k in enumerate(new):
                self.index[k] = start + i
            self.matrix = block if self.matrix is None else sparse.vstack(
                [self.matrix, block], format="csr"
            )
        return self.matrix[[self.index[k] for k in keys]]


class StanceModel:
    """Suggest stance labels for quotes from the labelled ones.

    ``labels``: the scheme's label names (order kept). ``lam``: ridge strength.
    ``temperature``: sharpness of the softmax that turns scores into confidences.
    ``min_labels``: labels needed before the gate can open. ``margin``: how much the model's
    leave-one-out macro-F1 must exceed the majority class's. ``min_confidence``: below it a
    suggestion stays tentative even when the model is trusted. ``self_training``: use the
    ``pool`` given to ``fit`` for one round of pseudo-labelling (see ``fit``).

    Typical use::

        model = StanceModel(scheme.names)
        model.set_corpus([q.text for q in all_quotes])      # optional, once per project
        report = model.fit(labelled, seeds=examples_from_scheme(scheme))
        suggestions = model.suggest(unlabelled)
    """

    def __init__(
        self,
        labels: Sequence[str],
        seed: int = 0,
        *,
        lam: float = 3.0,
        temperature: float = 5.0,
        min_labels: int = MIN_LABELS,
        margin: float = 0.05,
        min_confidence: float = 0.0,
        self_training: bool = True,
    ) -> None:
        names = list(dict.fromkeys(str(lb) for lb in labels))
        if len(names) < 2:
            raise InputError("a stance scheme needs at least two labels")
        self.labels: tuple[str, ...] = tuple(names)
        self.seed = seed
        self.lam = lam
        self.temperature = temperature
        self.min_labels = min_labels
        self.margin = margin
        self.min_confidence = min_confidence
        self.self_training = self_training
        self._cache: _RowCache | None = None
        self._classes: tuple[str, ...] = ()
        self._weights: Any = None
        self._gram_cache: tuple[list[_Key], Any] = ([], None)
        self.report = FitReport(0, 0.0, 0.0, False, reason="not fitted")

    # -- the feature space -------------------------------------------------------------------
    def set_corpus(self, texts: Sequence[str]) -> None:
        """Fit the vocabularies and idf on the project's quote texts (labelled or not)."""
        from annotations.stance.text import FeatureSpace

        self._cache = _RowCache(FeatureSpace(list(texts)))
        self._gram_cache = ([], None)

    def _rows(self, xs: Sequence[StanceExample | StanceItem]) -> Any:
        if self._cache is None:
            self.set_corpus([x.text for x in xs])
        assert self._cache is not None
        return self._cache.rows([_key(x) for x in xs])

    @property
    def classes(self) -> tuple[str, ...]:
        """The labels the model can currently suggest (those seen in training)."""
        return self._classes

    @property
    def fitted(self) -> bool:
        """True once ``fit`` has seen at least one labelled example."""
        return bool(self._classes)

    # -- fitting -----------------------------------------------------------------------------
    def fit(
        self,
        examples: Sequence[StanceExample],
        *,
        seeds: Sequence[StanceExample] = (),
        pool: Sequence[StanceItem] = (),
    ) -> FitReport:
        """Learn from ``examples`` (scored by the gate) and ``seeds`` (training only).

        ``pool``: the project's unlabelled items (labelled ones are skipped): they build the
        feature space when ``set_corpus`` was not called, and with ``self_training`` (from
        ``SELF_TRAIN_FROM`` to ``SELF_TRAIN_UNTIL`` labels) the model refits once with its
        most confident suggestions on them as light pseudo-labels. Raises ``InputError`` for
        a label outside the scheme.
        """
        import numpy as np

        for ex in (*examples, *seeds):
            if ex.label not in self.labels:
                raise InputError(
                    f"stance label {ex.label!r} is not in the scheme ({', '.join(self.labels)})"
                )
        if self._cache is None:
            self.set_corpus([x.text for x in (*examples, *seeds, *pool)])
        train = [*seeds, *examples]
        present = {ex.label for ex in train}
        self._classes = tuple(lb for lb in self.labels if lb in present)
        n = len(examples)
        if len(self._classes) < 2:
            self._weights = None
            reason = "no labels yet" if not train else "only one label seen so far"
            self.report = FitReport(n, 0.0, 0.0, False, self._classes, reason=reason)
            return self.report
        index = {c: i for i, c in enumerate(self._classes)}
        y = np.array([index[ex.label] for ex in train])
        w = np.array([max(float(ex.weight), 0.0) for ex in train])
        x = self._rows(train)
        gram = self._gram([_key(t) for t in train], x)
        from threadpoolctl import threadpool_limits

        from annotations.stance.gate import run_gate
        from annotations.stance.kernel import fit_dual

        # Small dense problems: BLAS threads only add contention (10x slower on a busy box).
        with threadpool_limits(1, user_api="blas"):
            dual = fit_dual(gram, y, len(self._classes), w, self.lam)
            self._weights = np.asarray(x.T @ dual.alpha)
            m = len(seeds)
            self.report = run_gate(
                gram[m:, m:],
                y[m:],
                w[m:],
                np.array([ex.representative for ex in examples], dtype=bool),
                self._classes,
                lam=self.lam,
                min_labels=self.min_labels,
                margin=self.margin,
                seed=self.seed,
            )
            if pool and self.self_training and SELF_TRAIN_FROM <= n < SELF_TRAIN_UNTIL:
                self._self_train(train, y, w, pool)
        return self.report

    def _self_train(self, train: list[StanceExample], y: Any, w: Any, pool: Any) -> None:
        """Refit once with the pool's most confident suggestions as light pseudo-labels.

        Per class, up to ``SELF_TRAIN_RATIO`` x (labels / classes) pool items the model
        suggests that class for most confidently join the training set with weight
        ``SELF_TRAIN_WEIGHT``. The gate's report is not affected (it scores real labels only).
        """
        import numpy as np

        from annotations.stance.kernel import fit_dual

        known = {_key(t) for t in train}
        cand = [it for it in pool if _key(it) not in known]
        if not cand:
            return
        probs = self.probabilities(cand)
        pred = probs.argmax(axis=1)
        conf = probs.max(axis=1)
        k = len(self._classes)
        per = max(1, int(SELF_TRAIN_RATIO * len(train) / k))
        pseudo: list[StanceExample] = []
        for c in range(k):
            idx = np.flatnonzero(pred == c)
            for i in idx[np.argsort(-conf[idx], kind="stable")][:per]:
                it = cand[int(i)]
                pseudo.append(
                    StanceExample(it.text, self._classes[c], it.speaker, it.cue, it.document)
                )
        full = [*train, *pseudo]
        x = self._rows(full)
        gram = self._gram([_key(t) for t in full], x)
        y2 = np.concatenate([y, [self._classes.index(p.label) for p in pseudo]])
        w2 = np.concatenate([w, np.full(len(pseudo), SELF_TRAIN_WEIGHT)])
        dual = fit_dual(gram, y2.astype(int), k, w2, self.lam)
        self._weights = np.asarray(x.T @ dual.alpha)

    def _gram(self, keys: list[_Key], x: Any) -> Any:
        """X X^T for the training rows, reusing the previous fit's rows when they lead."""
        import numpy as np

        old_keys, old = self._gram_cache
        p = 0
        limit = min(len(old_keys), len(keys))
        while p < limit and old_keys[p] == keys[p]:
            p += 1
        gram = np.empty((len(keys), len(keys)))
        if p:
            gram[:p, :p] = old[:p, :p]
        if p < len(keys):
            fresh = (x[p:] @ x.T).toarray()
            gram[p:, :] = fresh
            gram[:, p:] = fresh.T
        self._gram_cache = (keys, gram)
        return gram

    # -- suggesting --------------------------------------------------------------------------
    def probabilities(self, items: Sequence[StanceItem]) -> Any:
        """An (items x classes) array of confidences over ``classes`` (empty before a fit)."""
        import numpy as np

        if self._weights is None:
            return np.zeros((len(items), len(self._classes)))
        from annotations.stance.kernel import softmax

        scores = np.asarray(self._rows(items) @ self._weights)
        return softmax(scores, self.temperature)

    def suggest(self, items: Sequence[StanceItem]) -> list[StanceSuggestion]:
        """One suggestion per item, in order; tentative unless the gate is open."""
        if not items:
            return []
        if not self._classes:
            return [StanceSuggestion(it.id, None, 0.0, True) for it in items]
        if self._weights is None:  # one label seen: say it, as a guess
            only = self._classes[0]
            return [StanceSuggestion(it.id, only, 0.0, True, ((only, 0.0),)) for it in items]
        probs = self.probabilities(items)
        out = []
        for it, row in zip(items, probs, strict=True):
            best = int(row.argmax())
            conf = float(row[best])
            tentative = not self.report.trusted or conf < self.min_confidence
            scores = tuple((c, round(float(p), 4)) for c, p in zip(self._classes, row, strict=True))
            out.append(StanceSuggestion(it.id, self._classes[best], conf, tentative, scores))
        return out

    def uncertainty(self, items: Sequence[StanceItem]) -> list[float]:
        """Normalised entropy (0 sure .. 1 clueless) per item; 1.0 for all before a fit."""
        import numpy as np

        probs = self.probabilities(items)
        if probs.shape[1] < 2:
            return [1.0] * len(items)
        ent = -(probs * np.log(np.clip(probs, 1e-12, 1.0))).sum(axis=1) / np.log(probs.shape[1])
        return [float(v) for v in ent]


def examples_from_scheme(scheme: Any, weight: float = 1.0) -> list[StanceExample]:
    """The researcher's example statements of a ``StanceScheme`` as training-only examples."""
    return [
        StanceExample(text, label.name, weight=weight)
        for label in scheme.labels
        for text in label.examples
        if text.strip()
    ]
