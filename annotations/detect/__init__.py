"""Detection: text -> suggested quotes and speakers (``Suggestions``).

``DEFAULT_DETECTOR`` is the pure-standard-library rule detector (``RuleDetector``); any other
engine plugs in behind the ``Detector`` protocol. Segmentation (paragraphs, sentences, tokens)
is ``annotations.text``, shared with the exports and span moves; the stages live in their own
modules: ``quotemarks`` (pairing), ``quotes`` (finding),
``clauses`` (where reported content starts and stops), ``headlines``, ``mentions`` (speaker
phrases), ``attribution`` (inheritance), ``coref`` (aliases, pronouns).
"""

from __future__ import annotations

from annotations.detect.rules import RuleDetector
from annotations.detect.suggestions import Detector, Suggestions

DEFAULT_DETECTOR: Detector = RuleDetector()

__all__ = ["DEFAULT_DETECTOR", "Detector", "RuleDetector", "Suggestions"]
