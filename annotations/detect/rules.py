"""The default rule detector: pure standard library, deterministic, no model download.

Pipeline: quote-mark pairing -> paragraph units (multi-paragraph quotations joined) ->
quote-aware sentences -> quote finding per sentence -> colon-introduced paragraphs and
headlines -> speaker inheritance -> alias clustering and pronoun resolution -> model records.
A project's own cue verbs and reporting nouns join the shipped lists (``extra_cues``).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from annotations.detect.attribution import inherit_speakers
from annotations.detect.coref import Entity, Resolver
from annotations.detect.deadline import NO_DEADLINE, Deadline, current_budget
from annotations.detect.headlines import (
    headline_quote,
    pull_quote,
    speaker_names,
    titlecase_quote,
)
from annotations.detect.lexicon import Lexicon, extend, load
from annotations.detect.mentions import NP
from annotations.detect.quotemarks import MarkPair, pair_marks
from annotations.detect.quotes import RawQuote, SentenceQuotes, is_quote_like, trim
from annotations.detect.suggestions import Suggestions
from annotations.model import Cue, Mention, Quote, Speaker
from annotations.text import PARAGRAPH_RE, mask_front_matter, paragraphs, sentences

if TYPE_CHECKING:
    from annotations.detect.candidates import CandidateSet, CueFilter

VERSION = "0.4"


def units(text: str, pairs: list[MarkPair]) -> list[tuple[int, int, int]]:
    """Paragraphs as (start, end, paragraph index), joined where a quotation spans several."""
    paras = paragraphs(text)
    out: list[tuple[int, int, int]] = []
    multi = [p for p in pairs if p.paragraphs > 1]
    mi = 0
    for idx, (s, e) in enumerate(paras):
        while mi < len(multi) and multi[mi].close_at < s:
            mi += 1
        if out and mi < len(multi) and multi[mi].open_at < s <= multi[mi].close_at:
            ps, _, pidx = out[-1]
            out[-1] = (ps, e, pidx)
            continue
        out.append((s, e, idx))
    return out


@lru_cache(maxsize=4)
def attribution_re(lex: Lexicon) -> re.Pattern[str]:
    """A short post-posed attribution clause: "Lincicome asked." / "Mayor Jo Li said Friday."."""
    forms = sorted((f for f in lex.cue_lemma if lex.is_strong(f) and not f.endswith("ing")),
                   key=len, reverse=True)
    cue = "|".join(re.escape(f) for f in forms)
    return re.compile(
        r"(?:[A-Z][\w.'’-]*\s+){1,5}(?:" + cue + r")\b[^.!?\"“”\n]{0,60}[.!?]"
    )


def find_quotes(
    text: str, lex: Lexicon, deadline: Deadline = NO_DEADLINE,
    shared: dict[str, Any] | None = None,
) -> list[RawQuote]:
    """Every quote of ``text`` with its cue and speaker phrase (speaker may be inherited).

    ``deadline`` is checked once per sentence (and by the finder once per cue). ``shared``
    (a dict) receives the work the candidate pass reuses: the mark pairs (``"pairs"``), the
    sentences looked at (``"sentences"``, in text order), the tokens of those tokenized
    (``"tokens"``: (start, end) -> tokens) and what ``subject_before`` learned about those
    tokens (``"memos"``: (start, end) -> ``TokenMemo``).
    """
    pairs = pair_marks(text)
    seen_sentences: list[tuple[int, int]] = []
    if shared is not None:
        shared["pairs"] = pairs
        shared["sentences"] = seen_sentences
    attr = attribution_re(lex)
    inside_double = _DoubleIndex(pairs)
    top = [p for p in pairs if p.depth == 0 and (p.double or _single_top(text, p, inside_double))]
    top_open = [p.open_at for p in top]
    finder = SentenceQuotes(text, lex, deadline)
    if shared is not None:
        finder.token_cache = shared["tokens"] = {}
        finder.memo_cache = shared["memos"] = {}
    out: list[RawQuote] = []
    max_end_before = -1  # the largest end of the quotes found before the current unit
    counted = 0
    claimed_until = -1
    sent_no = 0
    ti = 0
    for us, ue, pidx in units(text, pairs):
        deadline.check()
        for q in out[counted:]:
            max_end_before = max(max_end_before, q.end)
        counted = unit_begin = len(out)
        while ti < len(top) and top[ti].open_at < us:
            ti += 1
        tj = ti
        while tj < len(top) and top[tj].open_at < ue:
            tj += 1
        upairs = top[ti:tj]
        if us < claimed_until:
            continue
        prot = [(p.open_at, p.close_at + 1) for p in upairs]
        for ss, se in sentences(text, us, ue, prot, keep_with=attr):
            deadline.check()
            seen_sentences.append((ss, se))
            lo, hi = bisect_left(top_open, ss, ti, tj), bisect_left(top_open, se, ti, tj)
            spairs = [p for p in top[lo:hi] if p.close_at < se]
            found = finder.find(ss, se, spairs, pidx, sent_no)
            out.extend(found)
            sent_no += 1
        # "X said:" closing a paragraph introduces the next paragraph
        intro = finder.colon_intro(us, ue) if text[us:ue].rstrip().endswith(":") else None
        nxt = _next_unit(text, ue) if intro is not None else None
        if intro is not None and nxt is not None:
            cue, speaker = intro
            ns, ne = nxt
            qs, qe = trim(text, ns, ne)
            if qe > qs:
                lo, hi = bisect_left(top_open, ns), bisect_left(top_open, ne)
                inner = [p for p in top[lo:hi] if p.close_at < ne]
                typ = "direct" if inner and inner[0].open_at <= ns + 1 and \
                    inner[-1].close_at >= ne - 2 else ("mixed" if inner else "indirect")
                out.append(RawQuote([(qs, qe)], typ, cue, speaker, pidx + 1, sent_no))
                claimed_until = ne
        headline = headline_quote(text, us, ue, pidx, sent_no, lex)
        if headline is None and pidx == 0:
            headline = titlecase_quote(text, us, ue, pidx, sent_no, lex)
        if headline is None:
            headline = pull_quote(text, us, ue, pidx, sent_no, lex)
        if headline is not None and not _overlaps_any(
            headline, out, unit_begin, max_end_before
        ):
            out.append(headline)
    deadline.check()
    for q in out:
        q.parts = split_paragraphs(text, q.parts)
    out.sort(key=lambda q: q.start)
    # drop overlaps (keep the earlier, longer one)
    kept: list[RawQuote] = []
    for q in out:
        if kept and q.start < kept[-1].end:
            if q.end - q.start > kept[-1].end - kept[-1].start and kept[-1].speaker is None:
                kept[-1] = q
            continue
        kept.append(q)
    return kept


def _overlaps_any(q: RawQuote, out: list[RawQuote], unit_begin: int, max_end_before: int) -> bool:
    """Whether ``q`` overlaps a quote of ``out``; the quotes before ``unit_begin`` (earlier
    units, all ending by ``max_end_before``) are only looked at when they can reach ``q``."""
    found = out if max_end_before > q.start else out[unit_begin:]
    return any(o.start < q.end and q.start < o.end for o in found)


def split_paragraphs(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A multi-paragraph quotation becomes one part per paragraph (reopening marks dropped).

    Only the edges a paragraph break cuts are trimmed: a part's own edges stay where the
    finder put them (the closing comma of "ever,” said X" after a hard wrap, as without it).
    """
    out = []
    paras: list[tuple[int, int]] | None = None
    for s, e in parts:
        if text.find("\n", s, e) == -1:
            out.append((s, e))
            continue
        if paras is None:  # the whole text's: a hard wrap is told by what stands around it
            paras = paragraphs(text)
        for ps, pe in paras:
            if ps < e and s < pe:
                a, b = _trim_cut_edges(text, s, e, max(s, ps), min(e, pe))
                if a < b:
                    out.append((a, b))
    return out or parts


def _trim_cut_edges(text: str, s: int, e: int, a: int, b: int) -> tuple[int, int]:
    """``text[a:b]``, the piece of the part ``(s, e)`` in one paragraph, trimmed (``trim``)
    only at an edge the paragraph cut (``a > s``, ``b < e``); empty when nothing but edge
    characters is left."""
    ta, tb = trim(text, a, b)
    if ta >= tb:
        return ta, tb
    return (ta if a > s else a), (tb if b < e else b)


class _DoubleIndex:
    """Answers "does a double-quoted passage contain this offset?" in logarithmic time."""

    def __init__(self, pairs: list[MarkPair]) -> None:
        spans = sorted((p.open_at, p.close_at) for p in pairs if p.double)
        self.opens = [s for s, _ in spans]
        self.reach: list[int] = []  # the furthest close among the first i + 1 spans
        furthest = -1
        for _, close in spans:
            furthest = max(furthest, close)
            self.reach.append(furthest)

    def contains(self, at: int) -> bool:
        """True when some double pair opens before ``at`` and closes after it."""
        i = bisect_left(self.opens, at)
        return i > 0 and self.reach[i - 1] > at


def _single_top(text: str, p: MarkPair, inside_double: _DoubleIndex) -> bool:
    """A top-level single-quoted passage that reads as a quotation (British style)."""
    return is_quote_like(text, p, has_cue=False) and not inside_double.contains(p.open_at)


def _next_unit(text: str, pos: int) -> tuple[int, int] | None:
    """The first non-blank line after ``pos``, trimmed."""
    for m in PARAGRAPH_RE.finditer(text, pos):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            return s, e
    return None


class RuleDetector:
    """Rules and word lists only; ``detect(text)`` is deterministic and per-document."""

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        extra_cues: Iterable[str] = (),
        extra_nouns: Iterable[str] = (),
    ) -> None:
        """``extra_cues`` (verbs by lemma, or phrases) and ``extra_nouns`` (reporting nouns)
        come from the project, e.g. the cue verbs its annotators added; they join the shipped
        lists and are named in the version string, so suggestions record what produced them."""
        cues, nouns = sorted(set(extra_cues)), sorted(set(extra_nouns))
        self.lex = extend(lexicon or load(), cues, nouns)
        self.version = f"saywho-rules@{VERSION}"
        if self.lex is not (lexicon or load()):
            digest = hashlib.sha1("\n".join([*cues, "", *nouns]).encode()).hexdigest()[:8]
            self.version += f"+cues.{digest}"

    def detect(self, text: str, budget_s: float | None = None) -> Suggestions:
        """Suggested quotes and speakers for ``text``.

        ``budget_s`` (default: the enclosing ``detection_budget`` block's, else none) bounds
        the wall time: past it, ``DetectionTimeout`` is raised and nothing is returned.
        """
        return self._detect(text, budget_s)

    def _detect(
        self, text: str, budget_s: float | None = None, shared: dict[str, Any] | None = None
    ) -> Suggestions:
        """``detect``; ``shared`` receives work the candidate pass reuses (``find_quotes``).
        A leading front matter block is no article text (``mask_front_matter``)."""
        text = mask_front_matter(text)
        deadline = Deadline(budget_s if budget_s is not None else current_budget())
        lex = self.lex
        raw = find_quotes(text, lex, deadline, shared)
        resolver = Resolver(text, lex, speaker_names(text, lex))
        deadline.check()
        ents: list[Entity | None] = []
        for q in raw:
            if q.speaker is not None and not q.speaker.pronoun:
                ent = resolver.entity_for(q.speaker)
                ent.quoted = ent.quoted or q.type != "indirect"
                surface = q.extra.get("surface")
                if isinstance(surface, tuple):
                    resolver.add_mention(ent, surface)  # "who" stands for the speaker too
                ents.append(ent)
            else:
                ents.append(None)
        deadline.check()
        resolver.learn_gender()
        deadline.check()
        for i, q in enumerate(raw):
            if q.speaker is not None and q.speaker.pronoun:
                ent = resolver.resolve_pronoun(q.speaker)
                if ent is None:
                    key = "u:" + q.speaker.text.lower()
                    ent = resolver.by_key.get(key) or resolver.new_entity(
                        key, q.speaker.text, "unknown", q.speaker.start)
                resolver.add_mention(ent, (q.speaker.start, q.speaker.end))
                ents[i] = ent
        links = inherit_speakers(raw)
        mentions: list[NP | None] = [q.speaker for q in raw]
        kind_of: list[str] = ["named" if q.speaker and not q.speaker.pronoun else
                              ("pronoun" if q.speaker else "none") for q in raw]
        for i, src in links.items():
            ents[i] = ents[src]
            mentions[i] = mentions[src]
            kind_of[i] = "inherited"
        deadline.check()
        return self._build(text, raw, ents, mentions, kind_of, resolver)

    def candidates(
        self, text: str, learned: Iterable[str] = (), lemmas: frozenset[str] | None = None,
        base_features: bool = True,
        cue_filter: CueFilter | None = None,
    ) -> CandidateSet:
        """Every attribution the rules can find in ``text``, each with its features: the
        suggestions of ``detect`` (``base`` True) and the broader ones a project model may
        accept (``annotations.detect.candidates``); ``learned``: cue words a project taught;
        ``lemmas``: only these cue lemmas in the broad pass (None: all); ``base_features``:
        False leaves the base candidates' features empty (a model that keeps them all);
        ``cue_filter``: which broad cues are wanted, by their features (``find_candidates``)."""
        from annotations.detect.candidates import find_candidates

        shared: dict[str, Any] = {}
        text = mask_front_matter(text)
        base = self._detect(text, shared=shared)
        return find_candidates(text, base, self.lex, learned, lemmas, base_features,
                               shared=shared, cue_filter=cue_filter)

    def _build(
        self,
        text: str,
        raw: list[RawQuote],
        ents: list[Entity | None],
        mentions: list[NP | None],
        kind_of: list[str],
        resolver: Resolver,
    ) -> Suggestions:
        """Model records: speakers numbered by first mention, quotes in reading order."""
        order: dict[int, str] = {}
        used = [e for e in ents if e is not None]
        for ent in sorted({id(e): e for e in used}.values(), key=lambda e: e.first):
            order[id(ent)] = f"s{len(order) + 1}"
        speakers = []
        for ent in sorted({id(e): e for e in used}.values(), key=lambda e: order[id(e)]):
            ms = resolver.all_mentions(ent)
            speakers.append(Speaker(
                id=order[id(ent)],
                name=ent.name,
                kind=ent.kind if ent.kind in ("person", "organization", "group") else "unknown",
                aliases=tuple(s for s in ent.surfaces if s != ent.name),
                mentions=tuple(Mention(s, e, text[s:e]) for s, e in ms),
            ))
        origin = self.version
        quotes = []
        for n, (q, ent, np, how) in enumerate(zip(raw, ents, mentions, kind_of, strict=True)):
            start, end = q.start, q.end
            surface = q.extra.get("surface") if how == "named" else None
            if isinstance(surface, tuple):  # the relative pronoun nearest the cue ("who")
                np = NP(surface[0], surface[1], text[surface[0] : surface[1]], np.kind, True)
            parts = tuple(q.parts) if len(q.parts) > 1 else ()
            cue = Cue(q.cue[0], q.cue[1], text[q.cue[0]:q.cue[1]], q.cue[2]) if q.cue else None
            span_conf = {"direct": 0.9, "mixed": 0.8, "indirect": 0.65}[q.type]
            if q.cue is None:
                span_conf -= 0.2
            if not q.strong:
                span_conf -= 0.2
            spk_conf = {"named": 0.9, "pronoun": 0.7, "inherited": 0.6, "none": 0.0}[how]
            if ent is None:
                spk_conf = 0.0
            quotes.append(Quote(
                id=f"q{n + 1}",
                start=start,
                end=end,
                text=text[start:end],
                type=q.type,
                parts=parts,
                cue=cue,
                speaker_id=order[id(ent)] if ent is not None else None,
                speaker_mention=Mention(np.start, np.end, np.text) if np is not None else None,
                confidence={"span": round(span_conf, 2), "speaker": spk_conf},
                status="suggested",
                origin=origin,
            ))
        return Suggestions(tuple(quotes), tuple(speakers), origin)
