"""The default rule detector: pure standard library, deterministic, no model download.

Pipeline: quote-mark pairing -> paragraph units (multi-paragraph quotations joined) ->
quote-aware sentences -> quote finding per sentence -> colon-introduced paragraphs and
headlines -> speaker inheritance -> alias clustering and pronoun resolution -> model records.
A project's own cue verbs and reporting nouns join the shipped lists (``extra_cues``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache

from annotations.detect.attribution import inherit_speakers
from annotations.detect.coref import Entity, Resolver
from annotations.detect.headlines import headline_quote, titlecase_quote
from annotations.detect.lexicon import Lexicon, extend, load
from annotations.detect.mentions import NP, find_names
from annotations.detect.quotemarks import MarkPair, pair_marks
from annotations.detect.quotes import RawQuote, SentenceQuotes, is_quote_like, trim
from annotations.detect.suggestions import Suggestions
from annotations.model import Cue, Mention, Quote, Speaker
from annotations.text import paragraphs, sentences

VERSION = "0.3"


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


def find_quotes(text: str, lex: Lexicon) -> list[RawQuote]:
    """Every quote of ``text`` with its cue and speaker phrase (speaker may be inherited)."""
    pairs = pair_marks(text)
    attr = attribution_re(lex)
    top = [p for p in pairs if p.depth == 0 and (p.double or _single_top(text, p, pairs))]
    finder = SentenceQuotes(text, lex)
    out: list[RawQuote] = []
    claimed_until = -1
    sent_no = 0
    ti = 0
    for us, ue, pidx in units(text, pairs):
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
            spairs = [p for p in upairs if ss <= p.open_at and p.close_at < se]
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
                inner = [p for p in top if ns <= p.open_at and p.close_at < ne]
                typ = "direct" if inner and inner[0].open_at <= ns + 1 and \
                    inner[-1].close_at >= ne - 2 else ("mixed" if inner else "indirect")
                out.append(RawQuote([(qs, qe)], typ, cue, speaker, pidx + 1, sent_no))
                claimed_until = ne
        headline = headline_quote(text, us, ue, pidx, sent_no, lex)
        if headline is None and pidx == 0:
            headline = titlecase_quote(text, us, ue, pidx, sent_no, lex)
        if headline is not None and not any(q.start < headline.end and headline.start < q.end
                                            for q in out):
            out.append(headline)
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


def split_paragraphs(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A multi-paragraph quotation becomes one part per paragraph (reopening marks dropped)."""
    out = []
    for s, e in parts:
        if "\n" not in text[s:e]:
            out.append((s, e))
            continue
        for ps, pe in paragraphs(text[s:e]):
            a, b = trim(text, s + ps, s + pe)
            if a < b:
                out.append((a, b))
    return out or parts


def _single_top(text: str, p: MarkPair, pairs: list[MarkPair]) -> bool:
    """A top-level single-quoted passage that reads as a quotation (British style)."""
    return is_quote_like(text, p, has_cue=False) and not any(
        d.double and d.open_at < p.open_at < d.close_at for d in pairs
    )


def _next_unit(text: str, pos: int) -> tuple[int, int] | None:
    for s, e in paragraphs(text[pos:]):
        return pos + s, pos + e
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

    def detect(self, text: str) -> Suggestions:
        """Suggested quotes and speakers for ``text``."""
        lex = self.lex
        raw = find_quotes(text, lex)
        resolver = Resolver(text, lex, find_names(text))
        ents: list[Entity | None] = []
        for q in raw:
            if q.speaker is not None and not q.speaker.pronoun:
                ent = resolver.entity_for(q.speaker)
                ent.quoted = ent.quoted or q.type != "indirect"
                surface = q.extra.get("surface")
                if isinstance(surface, tuple):
                    ent.mentions.append(surface)  # "who" stands for the speaker too
                ents.append(ent)
            else:
                ents.append(None)
        resolver.learn_gender()
        for i, q in enumerate(raw):
            if q.speaker is not None and q.speaker.pronoun:
                ent = resolver.resolve_pronoun(q.speaker)
                if ent is None:
                    key = "u:" + q.speaker.text.lower()
                    ent = resolver.by_key.get(key) or resolver.new_entity(
                        key, q.speaker.text, "unknown", q.speaker.start)
                ent.mentions.append((q.speaker.start, q.speaker.end))
                ents[i] = ent
        links = inherit_speakers(raw)
        mentions: list[NP | None] = [q.speaker for q in raw]
        kind_of: list[str] = ["named" if q.speaker and not q.speaker.pronoun else
                              ("pronoun" if q.speaker else "none") for q in raw]
        for i, src in links.items():
            ents[i] = ents[src]
            mentions[i] = mentions[src]
            kind_of[i] = "inherited"
        return self._build(text, raw, ents, mentions, kind_of, resolver)

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
