"""Plain frozen records of the project model: its weights, conventions and status.

No numpy or scikit-learn here, so these can be imported (and stored) anywhere at no cost.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from itertools import repeat
from typing import Any


@dataclass(frozen=True, slots=True)
class LearnStatus:
    """What the project model learned about its own quality, and whether it is used.

    ``cv_f1`` and ``base_f1`` are span F1 (score.py's overlap rule, percent) of the model and
    of the rules over the corrected articles, each article predicted by a model fitted on the
    others (leave-one-article-out; grouped folds past ``MAX_LOAO`` articles). ``trusted``: the
    model beat the rules by the gate's margin; ``reason`` says why it is (not) used.
    """

    trusted: bool
    reason: str
    articles: int = 0
    quotes: int = 0
    cv_f1: float = 0.0
    base_f1: float = 0.0
    threshold: float = 0.5
    base_threshold: float = 0.0

    def describe(self) -> str:
        """One line for a status bar or a log: what is used, and why."""
        state = "project model on" if self.trusted else "rules only"
        if self.articles == 0:
            return f"{state}: {self.reason}"
        return (f"{state}: {self.reason} (span F1 {self.cv_f1:.1f} vs rules {self.base_f1:.1f} "
                f"on {self.articles} corrected articles, leave-one-article-out)")


STRIP_PREPS = frozenset("for against on about of in at with by as from into over".split())


@dataclass(frozen=True, slots=True)
class SpanConventions:
    """Span edges the project's researchers use, learned from their corrected spans.

    ``strip_that``: indirect content starts after its complementizer "that" (else with it);
    ``end_punct``: "keep" trailing punctuation inside the span, "drop" it, or "" (leave as
    detected). ``votes`` keeps the evidence: (convention, choice) -> count.
    ``strip_prep``: a broad candidate's content that starts with a preposition right after its
    cue verb ("pushed *for* a recount", "voted *against* the bill") starts after it
    (``STRIP_PREPS``; "to" is never stripped; learned from and applied to broad candidates
    only, so it never changes the rules' own quotes).
    """

    strip_that: bool = False
    end_punct: str = ""
    votes: tuple[tuple[str, int], ...] = ()
    strip_prep: bool = False


@dataclass(frozen=True, slots=True)
class ProjectModel:
    """A fitted project model: a logistic regression over candidate features (``weights``
    by feature name, ``bias``), the acceptance ``threshold`` (``base_threshold`` for the rules' own
    candidates), span ``conventions``, speaker
    ``aliases`` (detected name -> the project's canonical name), ``cues`` learned from missed
    quotes, the ``status`` from the gate, and ``skip_lemmas``: cue lemmas whose broad
    candidates it never came near accepting in training (its broad pass skips them, so
    applying it stays cheap).

    Broad candidates (the ones the rules leave out) are judged in two stages:
    ``cue_weights``/``cue_bias`` give the probability that a cue is one the project counts
    (its ``Candidate.cue_features``), ``end_weights`` choose among the cue's content ends
    (``Candidate.end_features``; the best-scoring end gets the cue's probability, the others
    none). A model without ``cue_weights`` (stored before these existed) scores broad
    candidates with ``weights`` like the rules' own.
    Apply it with ``ProjectDetector``."""

    weights: Mapping[str, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.5
    base_threshold: float = 0.0
    conventions: SpanConventions = SpanConventions()
    aliases: Mapping[str, str] = field(default_factory=dict)
    cues: tuple[str, ...] = ()
    status: LearnStatus = LearnStatus(False, "no corrected articles yet")
    skip_lemmas: tuple[str, ...] = ()
    cue_weights: Mapping[str, float] = field(default_factory=dict)
    cue_bias: float = 0.0
    end_weights: Mapping[str, float] = field(default_factory=dict)

    @property
    def edits(self) -> bool:
        """Whether the model learned span conventions or canonical names (these apply even
        while the classifier's gate is closed)."""
        c = self.conventions
        return bool(c.strip_that or c.end_punct or c.strip_prep or self.aliases)

    @property
    def trusted(self) -> bool:
        """Whether suggestions should use the model (the gate opened)."""
        return self.status.trusted

    def probability(self, features: tuple[str, ...]) -> float:
        """The accept probability of one candidate's features."""
        z = self.bias + sum(map(self.weights.get, features, repeat(0.0, len(features))))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def cue_probability(self, features: tuple[str, ...]) -> float:
        """The probability that a broad cue (its ``cue_features``) is one the project counts."""
        z = self.cue_bias + sum(map(self.cue_weights.get, features,
                                    repeat(0.0, len(features))))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def end_score(self, features: tuple[str, ...]) -> float:
        """How well a content end (its ``end_features``) fits the project's conventions."""
        return sum(map(self.end_weights.get, features, repeat(0.0, len(features))))

    def broad_lemmas(self, lex: Any) -> frozenset[str]:
        """The cue lemmas the broad pass looks at with this model (``lex``: the rules'
        lexicon): every one of the candidate lexicon's but ``skip_lemmas``."""
        from annotations.detect.candidates import cue_lexicon

        forms = cue_lexicon(lex, tuple(sorted(set(self.cues)))).forms
        skip = set(self.skip_lemmas)
        return frozenset(lem for lem in set(forms.values()) if lem not in skip) | (
            cue_lexicon(lex).nouns - skip)

    def digest(self) -> str:
        """A short stable fingerprint, named in the version string of learned suggestions."""
        h = hashlib.sha1()
        for k in sorted(self.weights):
            h.update(f"{k}={self.weights[k]:.4f};".encode())
        h.update(f"{self.bias:.4f}|{self.threshold}|{self.base_threshold}|{self.conventions}|".encode())
        h.update(repr(sorted(self.aliases.items())).encode())
        h.update("|".join(self.cues).encode())
        h.update("|".join(self.skip_lemmas).encode())
        for name, ws in (("cue", self.cue_weights), ("end", self.end_weights)):
            h.update(f"|{name}:".encode())
            for k in sorted(ws):
                h.update(f"{k}={ws[k]:.4f};".encode())
        h.update(f"{self.cue_bias:.4f}".encode())
        return h.hexdigest()[:8]


def model_to_dict(model: ProjectModel) -> dict[str, Any]:
    """A JSON-ready dict of ``model`` (for a project's settings or a cache file)."""
    out = asdict(model)
    out["weights"] = dict(model.weights)
    out["aliases"] = dict(model.aliases)
    out["cue_weights"] = dict(model.cue_weights)
    out["end_weights"] = dict(model.end_weights)
    return out


def model_from_dict(data: Mapping[str, Any]) -> ProjectModel:
    """The ``ProjectModel`` that ``model_to_dict`` wrote."""
    conv = data.get("conventions") or {}
    return ProjectModel(
        weights={str(k): float(v) for k, v in (data.get("weights") or {}).items()},
        bias=float(data.get("bias", 0.0)),
        threshold=float(data.get("threshold", 0.5)),
        base_threshold=float(data.get("base_threshold", 0.0)),
        conventions=SpanConventions(
            bool(conv.get("strip_that", False)), str(conv.get("end_punct", "")),
            tuple((str(k), int(n)) for k, n in conv.get("votes", ())),
            bool(conv.get("strip_prep", False))),
        aliases={str(k): str(v) for k, v in (data.get("aliases") or {}).items()},
        cues=tuple(data.get("cues", ())),
        status=LearnStatus(**(data.get("status") or {"trusted": False, "reason": ""})),
        skip_lemmas=tuple(data.get("skip_lemmas", ())),
        cue_weights={str(k): float(v) for k, v in (data.get("cue_weights") or {}).items()},
        cue_bias=float(data.get("cue_bias", 0.0)),
        end_weights={str(k): float(v) for k, v in (data.get("end_weights") or {}).items()},
    )
