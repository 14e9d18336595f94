"""Detection: text -> suggested annotations (``Suggestions``).

``DEFAULT_DETECTOR`` is the pure-standard-library rule detector (``RuleDetector``); any other
engine plugs in behind the ``Detector`` protocol. Segmentation (paragraphs, sentences, tokens)
is ``annotations.text``, shared with the exports and span moves; the stages live in their own
modules: ``quotemarks`` (pairing), ``quotes`` (finding),
``clauses`` (where reported content starts and stops), ``headlines``, ``mentions`` (speaker
phrases), ``attribution`` (inheritance), ``coref`` (aliases, pronouns); ``index`` keeps the
finder linear on long sentences and ``deadline`` bounds the time one text may take.

The rule detector (and its word lists) load on first use of ``DEFAULT_DETECTOR`` or
``RuleDetector``, so importing ``annotations.detect.deadline`` (as the session does) is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotations.detect.suggestions import Detector, Suggestions

if TYPE_CHECKING:
    from annotations.detect.rules import RuleDetector

    DEFAULT_DETECTOR: Detector

__all__ = ["DEFAULT_DETECTOR", "Detector", "RuleDetector", "Suggestions"]


def __getattr__(name: str) -> Any:
    """``RuleDetector`` and ``DEFAULT_DETECTOR``, imported (and built) on first use."""
    if name in ("RuleDetector", "DEFAULT_DETECTOR"):
        from annotations.detect.rules import RuleDetector

        globals()["RuleDetector"] = RuleDetector
        if name == "DEFAULT_DETECTOR":
            globals()["DEFAULT_DETECTOR"] = RuleDetector()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
