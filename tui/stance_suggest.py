"""Stance suggestions in the TUI: a per-project model refitted in a thread worker.

After every saved stance correction (and on a layer or scheme change) the app's
``StanceSuggester`` takes a snapshot of the active layer of every document under the editor's
lock, then fits ``annotations.stance.StanceModel`` off the UI thread: the researcher's labels
(a stance whose confidence is 1, i.e. set by hand or imported) are the examples; every other
live quote gets a suggestion, with features from its text, its speaker (the same-speaker
prior), its article and its cue. Refits never overlap: a request while one runs marks the
model dirty and one more refit follows. Fitting is deterministic (fixed seed, no randomness in
the model), so the same labels give the same suggestions in every run.

Suggestions are shown, never applied: the Quotes panel shows the label greyed with ``?`` and
its confidence while the model is tentative (it has not beaten the majority class on its own
cross-validation yet), the detail line and the Stance panel's title say so; before two labels
are seen there is no suggestion at all. ``g`` takes the current quote's suggestion.
``stance_uncertainty_order`` orders the review queue (``O``) most uncertain first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text

from annotations.model import Layer, Quote, StanceScheme
from annotations.registry import registry_key
from annotations.stance.types import FitReport, StanceExample, StanceItem, StanceSuggestion
from annotations.store.project import Project

if TYPE_CHECKING:
    from tui.app import SaywhoApp

Key = tuple[str, str]  # (doc_id, quote_id)
SEED = 0


def is_label(quote: Quote) -> bool:
    """True when the quote's stance is the researcher's (not a detector's guess)."""
    return bool(quote.stance) and float(quote.confidence.get("stance", 1.0)) >= 1.0


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a refit needs, read under the editor's lock: labels, the rest, all texts."""

    labels: tuple[str, ...]
    examples: tuple[StanceExample, ...]
    items: tuple[tuple[Key, StanceItem], ...]
    texts: tuple[str, ...]
    seeds: tuple[StanceExample, ...] = ()


@dataclass(frozen=True, slots=True)
class DocPart:
    """One document's share of a snapshot."""

    examples: tuple[StanceExample, ...]
    items: tuple[tuple[Key, StanceItem], ...]
    texts: tuple[str, ...]


Read = Callable[[Callable[[Project], Any]], Any]


def doc_part(data: Layer, doc_id: str, names: set[str]) -> DocPart:
    """Labelled quotes (examples) and live unlabelled quotes (items) of one document's layer."""
    examples: list[StanceExample] = []
    items: list[tuple[Key, StanceItem]] = []
    texts: list[str] = []
    for quote in data.sorted_quotes():
        if quote.status == "rejected":
            continue
        name = data.speaker_name(quote)
        speaker = registry_key(name) if name else None
        cue = (quote.cue.lemma or quote.cue.text).casefold() if quote.cue else None
        texts.append(quote.text)
        if is_label(quote):
            if quote.stance in names:
                examples.append(StanceExample(quote.text, quote.stance or "", speaker, cue,
                                              doc_id))
        else:
            item = StanceItem(f"{doc_id}\x1f{quote.id}", quote.text, speaker, cue, doc_id)
            items.append(((doc_id, quote.id), item))
    return DocPart(tuple(examples), tuple(items), tuple(texts))


def snapshot(project: Project, layer: str | None, read: Read | None = None,
             part: Callable[[str, Read, set[str]], DocPart] | None = None) -> Snapshot:
    """Examples and items of ``layer`` over the corpus, and the scheme's example statements.

    ``read`` runs each project access (``Editor.read`` takes the editor's lock one document
    at a time, so the UI and the saves never wait for the whole corpus); ``part`` may serve a
    document from a cache.
    """
    from annotations.stance.model import examples_from_scheme

    run: Read = read or (lambda fn: fn(project))
    scheme: StanceScheme = run(lambda p: p.scheme)
    names = set(scheme.names)

    def fresh(doc_id: str, run: Read, names: set[str]) -> DocPart:
        return doc_part(run(lambda p: p.layer(doc_id, layer)), doc_id, names)

    get = part or fresh
    parts = [get(doc_id, run, names) for doc_id in run(lambda p: p.document_ids())]
    return Snapshot(
        scheme.names,
        tuple(ex for pt in parts for ex in pt.examples),
        tuple(it for pt in parts for it in pt.items),
        tuple(t for pt in parts for t in pt.texts),
        tuple(examples_from_scheme(scheme)),
    )


@dataclass(frozen=True, slots=True)
class SuggestionSet:
    """One refit's results: a suggestion and an uncertainty per unlabelled quote."""

    version: int = 0
    layer: str | None = None
    report: FitReport | None = None
    labelled: int = 0
    by_quote: dict[Key, StanceSuggestion] = field(default_factory=dict)
    uncertainty: dict[Key, float] = field(default_factory=dict)


class StanceSuggester:
    """The app's stance model and its latest suggestions; refits run in a thread worker."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self.model: Any = None
        self._labels: tuple[str, ...] = ()
        self._corpus: tuple[str, ...] | None = None
        self.current = SuggestionSet()
        self.running = False
        self.dirty = False
        self.fits = 0
        self._stamps: dict[str, int] = {}  # bumped on the UI thread when a document changes
        self._parts: dict[tuple[str, str | None], tuple[int, frozenset[str], DocPart]] = {}

    def changed(self, doc_id: str | None = None) -> None:
        """A document's layers changed (``None``: every document, e.g. a scheme change)."""
        if doc_id is None:
            self._parts.clear()
        else:
            self._stamps[doc_id] = self._stamps.get(doc_id, 0) + 1

    def snapshot(self, project: Project, layer: str | None, read: Read) -> Snapshot:
        """``snapshot`` re-reading only the documents changed since the last refit."""

        def cached(doc_id: str, run: Read, names: set[str]) -> DocPart:
            stamp, key = self._stamps.get(doc_id, 0), (doc_id, layer)
            hit = self._parts.get(key)
            if hit is not None and hit[0] == stamp and hit[1] == names:
                return hit[2]
            found = doc_part(run(lambda p: p.layer(doc_id, layer)), doc_id, names)
            self._parts[key] = (stamp, frozenset(names), found)
            return found

        return snapshot(project, layer, read, cached)

    def compute(self, snap: Snapshot, layer: str | None) -> SuggestionSet:
        """Fit on the snapshot and suggest for its items (in the worker thread)."""
        version = self.fits + 1
        if not snap.examples:  # nothing learnt, nothing to say (and no numpy import)
            return SuggestionSet(version, layer)
        from annotations.stance import StanceModel

        if self.model is None or snap.labels != self._labels:
            self.model = StanceModel(snap.labels, seed=self.seed)
            self._labels, self._corpus = snap.labels, None
        corpus = tuple(sorted(set(snap.texts)))
        if corpus != self._corpus and corpus:
            self.model.set_corpus(list(corpus))
            self._corpus = corpus
        pool = [item for _, item in snap.items]
        report = self.model.fit(list(snap.examples), seeds=list(snap.seeds), pool=pool)
        keys = [key for key, _ in snap.items]
        suggestions = self.model.suggest(pool) if pool else []
        uncertainty = self.model.uncertainty(pool) if pool else []
        return SuggestionSet(
            version, layer, report, len(snap.examples),
            {k: s for k, s in zip(keys, suggestions, strict=True) if s.label is not None},
            {k: float(u) for k, u in zip(keys, uncertainty, strict=True)},
        )

    def suggestion(self, doc_id: str, quote: Quote) -> StanceSuggestion | None:
        """The latest suggestion for an unlabelled quote (``None``: nothing to say)."""
        if quote.stance and is_label(quote):
            return None
        return self.current.by_quote.get((doc_id, quote.id))


def suggester(app: SaywhoApp) -> StanceSuggester:
    """The app's suggester (made on first use)."""
    found = getattr(app, "_stance_suggester", None)
    if found is None:
        found = StanceSuggester()
        app._stance_suggester = found  # type: ignore[attr-defined]
    return found


def request_refit(app: SaywhoApp) -> None:
    """Refit soon, off the UI thread; a request during a refit queues exactly one more."""
    sugg = suggester(app)
    if sugg.running:
        sugg.dirty = True
        return
    sugg.running, sugg.dirty = True, False
    layer = app.active_layer
    app.run_worker(lambda: _refit(app, sugg, layer), thread=True, group="stance",
                   name="stance-refit", exit_on_error=False)


def _refit(app: SaywhoApp, sugg: StanceSuggester, layer: str | None) -> None:
    try:
        snap = sugg.snapshot(app.project, layer, app.editor.read)
        result: SuggestionSet | None = sugg.compute(snap, layer)
    except Exception as exc:  # noqa: BLE001 - a failed refit must not take the app down
        result = None
        message = f"stance suggestions: {type(exc).__name__}: {exc}"
    else:
        message = ""
    try:
        app.call_from_thread(_refitted, app, sugg, result, message)
    except RuntimeError:  # the app has stopped
        sugg.running = False


def _refitted(app: SaywhoApp, sugg: StanceSuggester, result: SuggestionSet | None,
              message: str) -> None:
    sugg.running = False
    if result is not None and result.layer == app.active_layer:  # not a layer left since
        sugg.fits = result.version
        sugg.current = result
        show_everywhere(app)
    elif message:
        app.notify(message, severity="warning", timeout=4)
    if sugg.dirty or (result is not None and result.layer != app.active_layer):
        request_refit(app)


def edit_saved(app: SaywhoApp, outcome: Any) -> None:
    """After a saved edit: refit when it changed a stance (undo and redo included)."""
    receipt = getattr(outcome, "receipt", None)
    if receipt is None:
        return
    suggester(app).changed(receipt.doc_id)
    change = receipt.change
    for qid, after in change.quotes_after.items():
        before = change.quotes_before.get(qid)
        if (before.stance if before else None) != (after.stance if after else None) or \
                (before is None) != (after is None):
            request_refit(app)
            return


# ------------------------------------------------------------------ showing


def show_everywhere(app: SaywhoApp) -> None:
    """Redraw the suggestions of every open reader (and review) screen."""
    from tui.screens.reader import ReaderScreen
    from tui.widgets.quotes import QuoteList

    for screen in app.screen_stack:
        if isinstance(screen, ReaderScreen) and screen.is_mounted and screen.anno is not None:
            quotes = screen.query_one(QuoteList)
            install(screen, quotes)
            quotes.show(screen.quotes, screen.anno, screen.current_id)
            screen._refresh_details()


def install(screen: Any, quotes: Any) -> None:
    """Let a reader's Quotes panel look suggestions up for its current document."""
    if quotes.suggest is None:
        sugg = suggester(screen.app)
        quotes.suggest = lambda q: sugg.suggestion(screen.doc_id, q)


def describe(sugg: StanceSuggestion) -> str:
    """``oppose .62 (tentative)`` for the detail line."""
    state = "tentative" if sugg.tentative else "model trusted"
    return f"{sugg.label} {sugg.confidence:.2f} ({state})"


def annotate_reader(screen: Any, quote: Quote | None, detail: Text) -> None:
    """Hook from ``ReaderScreen._refresh_details``: the suggestion in the detail line and the
    Stance panel's title; installs the Quotes panel lookup and starts the first fit."""
    from tui.widgets.quotes import QuoteList
    from tui.widgets.stance import StancePanel

    app = screen.app
    sugg = suggester(app)
    install(screen, screen.query_one(QuoteList))
    if sugg.fits == 0 and not sugg.running:
        request_refit(app)
    panel = screen.query_one(StancePanel)
    found = sugg.suggestion(screen.doc_id, quote) if quote is not None else None
    if found is None or found.label is None:
        panel.border_title = "Stance"
        return
    detail.append(f"· suggested stance {describe(found)} · g takes it ",
                  "dim italic" if found.tentative else "italic")
    mark = "?" if found.tentative else ""
    panel.border_title = f"Stance · ~{found.label}{mark} {found.confidence:.2f}"


def take_suggestion(app: SaywhoApp) -> None:
    """Set the current reader quote's stance to its suggestion (``g``)."""
    from annotations.edits import SetStance
    from tui.screens.reader import ReaderScreen

    screen = app.screen
    if not isinstance(screen, ReaderScreen):
        app.notify("Open a quote in the reader first.", severity="warning", timeout=2)
        return
    quote = screen.current
    found = suggester(app).suggestion(screen.doc_id, quote) if quote is not None else None
    if quote is None or found is None or found.label is None:
        app.notify("No stance suggestion for this quote yet.", severity="warning", timeout=2)
        return
    screen.submit(SetStance(screen.doc_id, quote.id, found.label))


def stance_uncertainty_order(app: SaywhoApp, queue: Sequence[Key]) -> list[Key]:
    """The review queue, most uncertain stance first; labelled quotes last; ties keep order."""
    unc = suggester(app).current.uncertainty
    return sorted(queue, key=lambda key: -unc.get(key, -1.0))


async def wait_idle(app: SaywhoApp, timeout: float = 30.0) -> None:
    """Wait (asynchronously) until no refit is running or queued (for tests and quitting)."""
    sugg = suggester(app)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (sugg.running or sugg.dirty) and loop.time() < deadline:
        await asyncio.sleep(0.01)
