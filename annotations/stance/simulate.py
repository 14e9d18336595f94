"""Simulated labelling sessions: how good are the suggestions after N labels?

A researcher labels items in the tool's own order (``ActiveLearner``, the oracle answering
with the gold label); the model is refitted after every label. At each requested count the
suggestions for the items NOT yet labelled are scored: F1avg over the polar labels and
macro-F1 over every gold label. Only labels the learner asked for are ever revealed. The
``majority`` row is the most frequent gold label answered for every item.

The oracle answers the way the researcher does in the app, by setting the stance
(``SetStance``): every answer is a label under ``adapt.is_label`` and becomes an example by
``adapt.as_example``, the same bridge the app's suggester uses; a gold line's ``speaker`` is a
name, identified by ``adapt.speaker_identity`` as in a project. Unanswered gold labels are
never seen, so no other rule decides what the model learns from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.errors import InputError
from annotations.stance.adapt import as_example, speaker_identity
from annotations.stance.metrics import f1avg, macro_f1, polar_labels
from annotations.stance.types import StanceExample, StanceItem
from annotations.textfile import decode_text

DEFAULT_COUNTS = (10, 20, 50, 100)


@dataclass(frozen=True, slots=True)
class GoldItem:
    """One line of a stance file: an item and its gold label."""

    item: StanceItem
    label: str


@dataclass(frozen=True, slots=True)
class CountScore:
    """Scores on the unlabelled rest after ``n`` labels."""

    n: int
    f1avg: float
    macro_f1: float
    trusted: bool
    n_rest: int


@dataclass(slots=True)
class EvalResult:
    """A whole simulated session: majority baseline and one ``CountScore`` per count."""

    labels: tuple[str, ...]
    polar: tuple[str, ...]
    n_items: int
    majority_f1avg: float
    majority_macro_f1: float
    counts: list[CountScore] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"majority": {...}, "labels": {"10": {"f1avg", "macro_f1"}, ...}}``."""
        return {
            "majority": {
                "f1avg": round(self.majority_f1avg, 4),
                "macro_f1": round(self.majority_macro_f1, 4),
            },
            "labels": {
                str(c.n): {"f1avg": round(c.f1avg, 4), "macro_f1": round(c.macro_f1, 4)}
                for c in self.counts
            },
        }


def parse_lines(lines: Sequence[str], source: str = "input") -> list[GoldItem]:
    """Gold items from JSONL lines; ``InputError`` naming the first bad line."""
    import orjson

    out: list[GoldItem] = []
    seen: set[str] = set()
    for no, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{source}:{no}: not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise InputError(f"{source}:{no}: expected a JSON object")
        missing = [k for k in ("id", "text", "label") if data.get(k) in (None, "")]
        if missing:
            raise InputError(f"{source}:{no}: missing {', '.join(missing)}")
        wrong = [k for k in ("text", "label") if not isinstance(data[k], str)]
        if wrong:
            raise InputError(f"{source}:{no}: {wrong[0]} must be a string, not "
                             f"{type(data[wrong[0]]).__name__}")
        item_id = str(data["id"])
        if item_id in seen:
            raise InputError(f"{source}:{no}: duplicate id {item_id!r}")
        seen.add(item_id)
        speaker = data.get("speaker")
        out.append(
            GoldItem(
                StanceItem(
                    item_id,
                    str(data["text"]),
                    speaker=speaker_identity(str(speaker)) if speaker else None,
                    document=str(data["document"]) if data.get("document") else None,
                ),
                str(data["label"]),
            )
        )
    return out


def load_gold(path: Path) -> list[GoldItem]:
    """Read a stance JSONL file; ``InputError`` if unreadable, malformed or too small."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    text, error = decode_text(data, str(path))
    if text is None:
        raise InputError(error or f"{path}: not text")
    items = parse_lines(text.splitlines(), str(path))
    if len({g.label for g in items}) < 2:
        raise InputError(f"{path}: needs items with at least two different labels")
    return items


def code_eval_items(path: Path, variable: str) -> list[GoldItem]:
    """The quotes of an interchange JSONL file (``saywho export --format jsonl``) coded for
    quote variable ``variable`` (their ``codes``), as the simulation's gold: each quote's item
    is the one a project's suggester makes of it (``adapt.item_from_quote``: its text in its
    sentence, its speaker's corpus identity, its cue, its document) and its label the coder's code
    (``target.Target.label``). ``InputError`` when the file does not read or holds fewer than
    two values of the variable."""
    from annotations.formats.jsonl import read_jsonl
    from annotations.stance.adapt import item_from_quote
    from annotations.stance.target import Target

    target = Target((), variable)
    out: list[GoldItem] = []
    try:
        for doc, layer in read_jsonl(Path(path), layer="gold"):
            for quote in layer.sorted_quotes():
                label = target.label(quote)
                if label is not None:
                    out.append(GoldItem(item_from_quote(doc.id, layer, quote, doc.text), label))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len({g.label for g in out}) < 2:
        raise InputError(f"{path}: needs quotes coded with at least two different values of "
                         f"{variable!r} (found {len(out)} coded quotes)")
    return out


def evaluate(
    gold: Sequence[GoldItem], counts: Sequence[int] = DEFAULT_COUNTS, seed: int = 0
) -> EvalResult:
    """Run one simulated session over ``gold`` and score it at each of ``counts``."""
    from annotations.stance.active import ActiveLearner
    from annotations.stance.model import StanceModel

    freq = Counter(g.label for g in gold)
    labels = tuple(sorted(freq))
    polar = polar_labels([g.label for g in gold])
    all_gold = [g.label for g in gold]
    majority = max(sorted(freq), key=lambda lb: freq[lb])
    result = EvalResult(
        labels,
        polar,
        len(gold),
        f1avg(all_gold, [majority] * len(gold), polar),
        macro_f1(all_gold, [majority] * len(gold), labels),
    )
    wanted = sorted({c for c in counts if 0 < c < len(gold)})
    if not wanted:
        return result
    pool = [g.item for g in gold]
    truth = {g.item.id: g.label for g in gold}
    model = StanceModel(labels, seed=seed)
    model.set_corpus([it.text for it in pool])
    learner = ActiveLearner(pool, seed=seed)
    by_id = {it.id: it for it in pool}
    labelled: list[str] = []
    examples: list[StanceExample] = []
    for target in wanted:
        while len(labelled) < target:
            nxt = learner.next(model, labelled, 1)
            if not nxt:
                break
            item = by_id[nxt[0]]
            labelled.append(item.id)
            answer = truth[item.id]  # the researcher sets it: a label
            examples.append(
                as_example(item, answer, representative=item.id in learner.representative)
            )
            model.fit(examples, pool=pool)
        done = set(labelled)
        rest = [it for it in pool if it.id not in done]
        fallback = Counter(ex.label for ex in examples).most_common(1)[0][0]
        pred = [s.label or fallback for s in model.suggest(rest)]
        gold_rest = [truth[it.id] for it in rest]
        result.counts.append(
            CountScore(
                target,
                f1avg(gold_rest, pred, polar),
                macro_f1(gold_rest, pred, labels),
                model.report.trusted,
                len(rest),
            )
        )
    return result
