"""Detection: text -> suggested quotes and speakers (``Suggestions``).

``DEFAULT_DETECTOR`` is the pure-standard-library rule detector (``RuleDetector``); any other
engine plugs in behind the ``Detector`` protocol. Stages live in their own modules:
``segment`` (paragraphs, sentences, tokens), ``quotemarks`` (pairing), ``quotes`` (finding),
``clauses`` (where reported content starts and stops), ``headlines``, ``mentions`` (speaker
phrases), ``attribution`` (inheritance), ``coref`` (aliases, pronouns).
"""

from __future__ import annotations

from annotations.detect.rules import RuleDetector
from annotations.detect.suggestions import Detector, Suggestions

DEFAULT_DETECTOR: Detector = RuleDetector()

__all__ = ["DEFAULT_DETECTOR", "Detector", "RuleDetector", "Suggestions"]
