"""Project models learned from a researcher's corrections of quote suggestions.

The rule detector proposes broad candidates (``annotations.detect.candidates``); this package
learns, per project, which of them the researcher keeps, the span conventions they use, the
speaker names they settle on and the cue words the detector missed, and applies that to later
suggestions. Nothing here imports textual; numpy and scikit-learn are imported only on fit.

The way in, for the session and the CLI:

- ``CorrectedDocument`` (``training``): one corrected article (text + the human layer's quotes
  and speakers); ``build_training_set(docs)`` turns them into labelled candidates;
- ``fit_project_model(training)`` (``fit``): a ``ProjectModel`` with its ``LearnStatus``
  (trusted or not, and why, from a leave-one-article-out check against the rules);
- ``ProjectDetector(model)`` (``apply``): a ``Detector`` whose suggestions use the model when it
  is trusted (learned quotes carry ``+project`` in their origin) and the rules' otherwise;
- ``resuggest(layer, fresh)`` (``resuggest``): replace a layer's untouched suggestions with fresh
  ones, never a quote a human changed, and count what changed;
- ``detect_eval`` (``simulate``): the ``saywho detect-eval`` simulation on a gold file;
- ``model_to_dict`` / ``model_from_dict``: a model as JSON-ready data and back.
"""

from __future__ import annotations

from annotations.learn.types import (
    LearnStatus,
    ProjectModel,
    SpanConventions,
    model_from_dict,
    model_to_dict,
)

__all__ = ["LearnStatus", "ProjectModel", "SpanConventions", "model_from_dict", "model_to_dict"]
