"""Stance suggestions that learn from the researcher's labels (issue 5, the domain side).

Importing this package is cheap: numpy and scikit-learn load on first use.

API (all names importable from ``annotations.stance``):

- ``StanceExample(text, label, speaker=None, cue=None, document=None, weight=1.0,
  representative=False)``: a labelled quote (``representative``: picked by the learner's cold
  start or as a random audit; store it with the label, the gate scores itself on those).
  ``StanceItem(id, text, speaker=None, cue=None, document=None)``: a quote to label.
- ``StanceModel(labels, seed=0, *, lam=3.0, temperature=5.0, min_labels=20, margin=0.05,
  min_confidence=0.0, self_training=True)``:
    ``.set_corpus(texts)`` fit the TF-IDF space on all the project's quote texts (once; refit
    when many quotes were added), ``.fit(examples, seeds=(), pool=()) -> FitReport`` (``pool``:
    the unlabelled quotes; from 20 to 300 labels one round of self-training uses them),
    ``.suggest(items) -> list[StanceSuggestion]``, ``.uncertainty(items) -> list[float]``,
    ``.probabilities(items)`` (numpy array over ``.classes``), ``.report`` (last FitReport).
- ``FitReport(n, cv_score, majority_score, trusted, classes, cv_accuracy, majority_accuracy,
  reason, null_score)``: the honesty gate (``annotations.stance.gate``). ``trusted`` only with
  >= ``min_labels`` labels, leave-one-out macro-F1 >= majority-class macro-F1 + ``margin`` and
  above the same model on shuffled labels; until then every suggestion is tentative.
- ``StanceSuggestion(item_id, label | None, confidence, tentative, scores)``.
- ``examples_from_scheme(scheme, weight=1.0)``: ``StanceLabel.examples`` as training-only seeds
  (pass them as ``fit(..., seeds=...)`` and to ``ActiveLearner(..., seeds=...)``).
- ``ActiveLearner(pool, seed=0, cold_k=30, seeds=(), audit_every=10)`` with
  ``.next(model, labelled_ids, k=1)`` (a pure function of the labelled set) and
  ``.representative`` (ids it picked as cold start or audit), and the one-shot
  ``next_to_label(model, pool, labelled_ids, k=1, seed=0)``: the review queue's order.
- ``is_label(quote)`` (a stance the researcher set: confidence 1.0, or none recorded; never
  on a rejected quote), ``speaker_key(layer, quote)`` / ``speaker_identity(name)`` (the
  registry key of the resolved name: one speaker across the corpus), ``cue_key(quote)``,
  ``item_from_quote(doc_id, layer, quote)``, ``example_from_quote(doc_id, layer, quote)``,
  ``as_example(item, label)``, ``classify(doc_id, layer, quote, labels)``,
  ``split_layer(doc_id, layer, labels=None, representative=())`` (``adapt``): the ONE bridge
  from the project's ``Quote``/``Layer`` records; item ids are "doc/quote".
- ``StanceSuggester``, ``snapshot(doc_ids, read_layer, scheme)``, ``SuggestionSet``,
  ``RefitState``, ``stance_uncertainty_order(suggestions, queue)`` (``suggester``): a
  project's suggestions, refitted from its labels (the app runs it in a worker).
- ``Target`` (``target``): what a learner suggests, the stance (``Target.stance(scheme)``)
  or a quote variable of the codebook (``Target.code(variable)``: topic, frame…); the
  suggester's functions take one where they take a scheme, so one learner and one gate serve
  both. ``code_eval_items(path, variable)`` (``simulate``): a variable's coded quotes of an
  interchange JSONL file as the simulation's gold.
- ``evaluate(gold, counts, seed)`` / ``load_gold(path)`` (``simulate``): the stance-eval
  simulation; ``polar_labels``, ``f1avg``, ``macro_f1`` (``metrics``).

The same-speaker prior works through the features: quotes sharing a speaker (more so in the
same article) are similar to the model, so a speaker's labelled quotes pull their other quotes.
"""

from __future__ import annotations

from typing import Any

from annotations.stance.types import FitReport, StanceExample, StanceItem, StanceSuggestion

_LAZY = {
    "StanceModel": "annotations.stance.model",
    "examples_from_scheme": "annotations.stance.model",
    "ActiveLearner": "annotations.stance.active",
    "next_to_label": "annotations.stance.active",
    "is_label": "annotations.stance.adapt",
    "speaker_key": "annotations.stance.adapt",
    "speaker_identity": "annotations.stance.adapt",
    "cue_key": "annotations.stance.adapt",
    "item_from_quote": "annotations.stance.adapt",
    "example_from_quote": "annotations.stance.adapt",
    "as_example": "annotations.stance.adapt",
    "classify": "annotations.stance.adapt",
    "split_layer": "annotations.stance.adapt",
    "StanceSuggester": "annotations.stance.suggester",
    "SuggestionSet": "annotations.stance.suggester",
    "RefitState": "annotations.stance.suggester",
    "snapshot": "annotations.stance.suggester",
    "stance_uncertainty_order": "annotations.stance.suggester",
    "Target": "annotations.stance.target",
    "code_eval_items": "annotations.stance.simulate",
    "evaluate": "annotations.stance.simulate",
    "load_gold": "annotations.stance.simulate",
    "polar_labels": "annotations.stance.metrics",
    "f1avg": "annotations.stance.metrics",
    "macro_f1": "annotations.stance.metrics",
}

__all__ = ["FitReport", "StanceExample", "StanceItem", "StanceSuggestion", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'annotations.stance' has no attribute {name!r}")
