"""Corpus statistics: quotes per speaker, stance by speaker, quotes per document, kinds.

Plain data (dicts and lists) for ``saywho stats --json``, the rich tables and the TUI's stats
screen alike. A document's review progress (``DocStats``) is read from its layer's summary
(``annotations.corpus_index.summarize``, the one rule): ``document_stats`` summarizes layers read
whole, the library reads the same summaries from the corpus index (``CorpusView.stats``).
``corpus_stats`` reads the corpus index too (each speaker's ``Voice`` in it), never every
layer at once: its time and memory at 100,000 documents are the index's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from annotations.codebook import (
    NOT_CODED,
    CodedVariable,
    attribute_scheme,
    quote_variables,
)
from annotations.errors import DamagedFileError
from annotations.layer_summary import NO_STANCE, DocStats, summarize
from annotations.metadata import NO_VALUE, group_of, parse_grouping
from annotations.model import Layer, Speaker
from annotations.registry import (
    CorpusCodes,
    CorpusSpeaker,
    SurnameLinks,
    note_kind,
    register_speaker,
    speaker_key,
)
from annotations.store import DocumentInfo, Project

if TYPE_CHECKING:
    from annotations.corpus_index import CorpusView
    from annotations.session import Session


def document_stats(documents: Iterable[tuple[DocumentInfo, Layer]]) -> list[DocStats]:
    """Review progress per document, in the order given; a title falls back to the id.

    Every quote counts, rejected ones too (rejecting is reviewing): ``LayerSummary``'s rule.
    """
    return [DocStats.of(info.id, info.title, summarize(layer)) for info, layer in documents]


def corpus_stats(
    project: Project | Session,
    layer: str | None = None,
    *,
    progress: Callable[[], None] | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """Counts over one layer (default: the annotator's) of every readable document.

    ``by`` (``outlet``, ``date:year``: ``metadata.parse_grouping``) adds the counts of each
    group of documents by their metadata (``"by"``: documents, quotes (rejected ones aside),
    reviewed of total (rejected ones in: rejecting is reviewing), stance, type, speaker kinds
    and speakers per group; periods in time order, other values the most quoted first;
    documents without the key last):
    how an outlet or a year quotes whom, with what stance. ``"meta_keys"``: the metadata keys
    the counted documents carry (what ``by`` may name). ``ValueError`` for a ``by``
    that names no key. ``"speaker_attributes"``: per attribute the project codes (gender…),
    the quotes and the speakers of each value (``codebook.NOT_CODED``: none), a
    speaker coded in one article counting as coded in the others (``CorpusCodes``), and the
    speakers coded two ways; each group of ``by`` has its quotes per value too.

    A speaker the layer knows by a surname alone ("Warren") counts as the one person of the
    layer with a full name of that surname ("Elizabeth Warren": quotes, documents, stance,
    codes), the surname among their aliases; never when two full names share it or across
    kinds (``registry.surname_links``).

    The annotator's own layer starts as the suggestions, so with ``layer`` None every document
    counts; a layer named (``--layer gold``) counts only the documents that have it, and the
    others are listed under ``missing`` (as ``export --layer`` leaves them out): a document
    without a gold layer is not counted as its suggestions.

    Read from the corpus index (``LayerSummary``: quotes per status, type and stance, and each
    speaker's ``Voice``), checked against the layer files first; a document whose entry does
    not hold voices (written by an older saywho), or a source without an index, is read from
    its layer, one document at a time. ``progress`` hears each document counted.
    """
    name = layer or project.annotator
    grouping = parse_grouping(by) if by else None
    groups: dict[str, dict[str, Any]] = {}
    keys: set[str] = set()  # the counted documents' metadata keys
    view = _view(project, layer)
    summary_of = view.layer_summary if view is not None else None
    stored = view.has if view is not None else (lambda d: project.has_layer(d, name))
    missing: list[str] = []
    forget = getattr(project, "forget", None)
    per_doc = []
    status: Counter[str] = Counter()
    types: Counter[str] = Counter()
    stance: Counter[str] = Counter()
    registry: dict[str, CorpusSpeaker] = {}
    by_key: dict[str, Counter[str]] = {}  # stances per speaker key, in the order first met
    attributes = attribute_scheme(getattr(project, "settings", {}))  # a source of one
    # document (a reader's check) has no settings: the default attributes
    codes = CorpusCodes()
    coded_quotes: Counter[tuple[str, str, str]] = Counter()  # (key, attribute, own value)
    variables = quote_variables(getattr(project, "settings", {}))
    quote_codes: Counter[tuple[str, str]] = Counter()  # (variable, value) -> quotes
    people: dict[str, str] = {}  # key -> kind (``note_kind``) of every speaker named
    first_names: dict[str, str] = {}  # ... and the first name read
    damaged = []
    for doc_id in project.document_ids():
        try:
            if view is not None and view.damaged(doc_id):
                continue  # left out of every figure; ``project.damaged`` says why
            if layer is not None and not stored(doc_id):
                missing.append(doc_id)
                continue
            info = project.info(doc_id)
            keys.update(k for k, _ in info.meta)
            summary = summary_of(doc_id) if summary_of is not None else None
            voices = summary.voices if summary is not None else None
            if summary is None or voices is None:  # read the layer itself, then let it go
                try:
                    summary = summarize(project.layer(doc_id, layer))
                finally:
                    if forget is not None:
                        forget(doc_id)
                voices = summary.voices or ()
        except DamagedFileError as exc:
            damaged.append(exc.message)
            continue
        finally:
            if progress is not None:
                progress()
        group = None if grouping is None else _group(groups, group_of(info.meta, *grouping))
        rejected = 0
        for g in summary.groups:
            status[g.status] += g.count
            if g.status == "rejected":
                rejected += g.count
                continue
            types[g.type] += g.count
            stance[g.stance or NO_STANCE] += g.count
            if group is not None:
                group["types"][g.type] += g.count
                group["stance"][g.stance or NO_STANCE] += g.count
        for voice in voices:
            if voice.known:  # what the surname links read: kinds, and names to show
                note_kind(people, speaker_key(voice.name), voice.kind)
                first_names.setdefault(speaker_key(voice.name), voice.name)
            if voice.known and voice.attributes:  # a coding counts, quoted here or not
                key = speaker_key(voice.name)
                codes.add(key, voice.attributes)
                if voice.quotes:
                    for pair in voice.attributes:
                        coded_quotes[key, *pair] += voice.quotes
                        if group is not None:
                            group["coded"][key, *pair] += voice.quotes
        for variable, value, n, _every in summary.codes:
            quote_codes[variable, value] += n
            if group is not None:
                group["codes"][variable, value] += n
        if group is not None:
            group["documents"] += 1
            group["quotes"] += summary.quotes - rejected
            group["reviewed"] += summary.reviewed
            group["total"] += summary.quotes
            for voice in voices:
                if voice.quotes:
                    group["speaker_kinds"][voice.kind if voice.known else "unknown"] += (
                        voice.quotes)
                    if voice.known:
                        group["speakers"][speaker_key(voice.name)] += voice.quotes
        per_doc.append(
            {
                "id": doc_id,
                "title": info.title,
                "quotes": summary.quotes - rejected,
                "reviewed": summary.reviewed,
                "total": summary.quotes,
            }
        )
        for voice in voices:
            if voice.known and voice.quotes:  # one whose every quote was rejected: no one's
                entry = register_speaker(
                    registry, Speaker("", voice.name, voice.kind, voice.aliases))
                entry.quotes += voice.quotes
                entry.documents.add(doc_id)
        for voice in sorted((v for v in voices if v.first >= 0), key=lambda v: v.first):
            key = speaker_key(voice.name) if voice.known else voice.name
            counts = by_key.get(key)
            if counts is None:
                counts = by_key[key] = Counter()
            for label, n in voice.stances:
                counts[label] += n
    links = SurnameLinks(people.items())
    if links:  # "Warren" is the corpus's one Elizabeth Warren: counted as her
        codes.links_of = lambda: links
        _link(registry, links, people, first_names)
        by_key = _rekeyed(by_key, links.key)
        coded_quotes = Counter(_rekeyed(coded_quotes, lambda k: (links.key(k[0]), *k[1:])))
        for g in groups.values():
            g["speakers"] = Counter(_rekeyed(g["speakers"], links.key))
            g["coded"] = Counter(_rekeyed(g["coded"], lambda k: (links.key(k[0]), *k[1:])))
    stance_by_speaker: dict[str, Counter[str]] = {}
    for key, counts in by_key.items():
        shown = registry[key].name if key in registry else key
        stance_by_speaker.setdefault(shown, Counter()).update(counts)
    speakers = sorted(registry.values(), key=lambda s: (-s.quotes, s.name))
    kinds = Counter(s.kind for s in speakers)
    out: dict[str, Any] = {
        "layer": name,
        "speaker_attributes": _attribute_counts(
            attributes, codes, coded_quotes, {k: e.quotes for k, e in registry.items()}, registry),
        "quote_variables": _code_counts(variables, quote_codes,
                                        sum(d["quotes"] for d in per_doc)),
        "documents": len(per_doc),
        "quotes": sum(d["quotes"] for d in per_doc),
        "reviewed": sum(d["reviewed"] for d in per_doc),
        "total": sum(d["total"] for d in per_doc),
        "status": dict(status),
        "types": dict(types),
        "stance": dict(stance),
        "speaker_kinds": dict(kinds),
        "speakers": [
            {
                "name": s.name,
                "kind": s.kind,
                "quotes": s.quotes,
                "documents": len(s.documents),
                "aliases": sorted(s.aliases),
            }
            for s in speakers
        ],
        "stance_by_speaker": {k: dict(v) for k, v in stance_by_speaker.items()},
        "per_document": per_doc,
        "damaged": damaged + list(project.damaged),
        "missing": missing,
        "meta_keys": sorted(keys),
    }
    if by and grouping is not None:
        ordered = sorted(groups.values(), key=lambda g: (
            g["value"] == NO_VALUE, "" if _in_time(grouping) else -g["quotes"], g["value"]))
        for g in ordered:  # each speaker by the name the corpus gives them
            g["attributes"] = {a: counts["quotes"] for a, counts in _attribute_counts(
                attributes, codes, g.pop("coded"), g["speakers"], registry).items()}
            g["codes"] = {v: counts["quotes"] for v, counts in _code_counts(
                variables, g["codes"], g["quotes"]).items()}
            g["speakers"] = [{"name": registry[k].name if k in registry else k, "quotes": n}
                             for k, n in sorted(g["speakers"].items(),
                                                key=lambda kv: (-kv[1], kv[0]))]
        out["by"] = {"key": by, "groups": [
            {k: dict(v) if isinstance(v, Counter) else v for k, v in g.items()} for g in ordered]}
    return out


def _link(registry: dict[str, CorpusSpeaker], links: SurnameLinks,
          kinds: dict[str, str], names: dict[str, str]) -> None:
    """Count each speaker known by a surname alone as the full name ``links`` links it to
    (``registry.surname_links``): their quotes and documents added, the surname an alias."""
    for alone, full in links.items():
        entry = registry.pop(alone, None)
        if entry is None:
            continue
        target = registry.get(full)
        if target is None:
            target = registry[full] = CorpusSpeaker(full, names[full], kinds[full])
        target.quotes += entry.quotes
        target.documents |= entry.documents
        target.aliases |= (entry.aliases | {entry.name}) - {target.name}


K = TypeVar("K")
V = TypeVar("V")


def _rekeyed(counts: Mapping[K, V], key: Callable[[K], K]) -> dict[K, V]:
    """``counts`` under the keys ``key`` gives, values of one new key added, in the order
    the new keys are first met."""
    out: dict[K, V] = {}
    for k, v in counts.items():
        new = key(k)
        out[new] = out[new] + v if new in out else v  # type: ignore[operator]
    return out


def _in_time(grouping: tuple[str, int]) -> bool:
    """Whether groups by ``grouping`` are periods, shown in time order (others: the most
    quoted first)."""
    return grouping[1] > 0 or grouping[0] == "date"


def _group(groups: dict[str, dict[str, Any]], value: str) -> dict[str, Any]:
    """The running counts of one group of documents (made when first met)."""
    group = groups.get(value)
    if group is None:
        group = groups[value] = {"value": value, "documents": 0, "quotes": 0, "reviewed": 0,
                                 "total": 0, "stance": Counter(), "types": Counter(),
                                 "speaker_kinds": Counter(), "speakers": Counter(),
                                 "coded": Counter(), "codes": Counter()}
    return group


def _code_counts(variables: Iterable[CodedVariable], coded: Counter[tuple[str, str]],
                 quotes: int) -> dict[str, dict[str, Any]]:
    """Per quote variable, the quotes (rejected ones aside) per value, in the variable's
    order, then values it does not define, then the quotes not coded (``NOT_CODED``)."""
    out: dict[str, dict[str, Any]] = {}
    for variable in variables:
        counts = {v: n for (name, v), n in coded.items() if name == variable.name}
        order = [*variable.values, *sorted(set(counts) - set(variable.values))]
        shown = {v: counts.get(v, 0) for v in order}
        shown[NOT_CODED] = quotes - sum(counts.values())
        out[variable.name] = {"quotes": shown}
    return out


def _attribute_counts(
    attributes: Iterable[CodedVariable], codes: CorpusCodes,
    coded_quotes: Counter[tuple[str, str, str]], quoted: Mapping[str, int],
    registry: dict[str, CorpusSpeaker],
) -> dict[str, dict[str, Any]]:
    """Per attribute: quotes and speakers per value, and the speakers coded two ways, by the
    names the corpus gives them. ``quoted``: each speaker's quotes (by key); ``coded_quotes``
    those of them whose document codes the speaker itself (key, attribute, value); the
    others take the corpus's value (``codes``), else count as not coded."""
    out: dict[str, dict[str, Any]] = {}
    for attribute in attributes:
        quotes: Counter[str] = Counter()
        speakers: dict[str, set[str]] = {}
        own: Counter[str] = Counter()  # per key, the quotes its documents code themselves
        for (key, name, value), n in coded_quotes.items():
            if name == attribute.name:
                quotes[value] += n
                speakers.setdefault(value, set()).add(key)
                own[key] += n
        for key, n in quoted.items():
            rest = n - own[key]
            if rest > 0:
                value = codes.value(key, attribute.name) or NOT_CODED
                quotes[value] += rest
                speakers.setdefault(value, set()).add(key)
        order = [*attribute.values, *sorted(set(quotes) - {*attribute.values, NOT_CODED}),
                 NOT_CODED]
        out[attribute.name] = {
            "quotes": {v: quotes[v] for v in order if quotes[v] or v in attribute.values},
            "speakers": {v: len(speakers.get(v, ())) for v in order if v in speakers},
            "conflicts": [registry[k].name if k in registry else k
                          for k in codes.conflicts(attribute.name)],
        }
    return out


def _view(project: Project | Session, layer: str | None) -> CorpusView | None:
    """The corpus index's view of ``layer``, checked against the layer files first (a ``stat``
    per file; what is stale is read again); ``None`` for a source without an index."""
    view = getattr(project, "corpus_view", None)
    if view is None:
        return None
    project.verify_summaries(layer)  # type: ignore[union-attr]
    return view(layer)  # type: ignore[no-any-return]


def corpus_codes(project: Project | Session, layer: str | None = None) -> CorpusCodes:
    """The speaker attributes ``layer`` (default: the annotator's) codes across the corpus, by
    speaker key: what fills a speaker's value in a document that does not code it
    (``CorpusCodes``), read from the corpus index as ``corpus_stats`` reads it, with the
    layer's surname links (``registry.surname_links``: "Warren" reads the one Elizabeth
    Warren's codes, and ``CorpusCodes.key`` is hers). A damaged document, or one without the
    layer, adds nothing."""
    codes = CorpusCodes()
    people: dict[str, str] = {}  # key -> kind of every speaker named
    view = _view(project, layer)
    name = layer or project.annotator
    for doc_id in project.document_ids():
        try:
            if view is not None:
                if view.damaged(doc_id) or (layer is not None and not view.has(doc_id)):
                    continue
                voices = view.layer_voices(doc_id)  # the voices alone: half the decoding
            else:
                voices = None
            if voices is None:
                if layer is not None and not project.has_layer(doc_id, name):
                    continue
                voices = summarize(project.layer(doc_id, layer)).voices or ()
        except DamagedFileError:
            continue
        for voice in voices:
            if voice.known:
                note_kind(people, speaker_key(voice.name), voice.kind)
            if voice.known and voice.attributes:
                codes.add(speaker_key(voice.name), voice.attributes)
    links = SurnameLinks(people.items())  # "Warren" reads the one Elizabeth Warren's codes
    codes.links_of = lambda: links
    return codes
