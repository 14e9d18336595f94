"""StatsScreen: corpus statistics of the active layer as terminal bar charts (``T``).

Quotes per speaker, stance by speaker (stacked bars, one glyph per label), quotes per
document, speaker kinds, quote types and the stance distribution, from
``annotations.stats.corpus_stats``; ``g`` adds the stance per value of a metadata key the
articles carry (outlet, year, month, folder...: ``groupings``), one key after another, then
none. Counting reads every document, so it runs in a thread worker; the screen answers keys
meanwhile and says "counting…".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from annotations.codebook import NOT_CODED
from annotations.display import count, visible
from annotations.metadata import NO_VALUE
from annotations.stats import corpus_stats
from tui.actions import STATS, bindings
from tui.bridge import SessionBridge
from tui.plain import plain, say
from tui.screens.base import SaywhoScreen
from tui.widgets.keybar import KeyBar
from tui.widgets.plots import bar_chart, stacked_chart
from tui.widgets.status import Banner, StatusBar

SECTIONS: tuple[tuple[str, str], ...] = (
    ("speakers", "Quotes per speaker"),
    ("stance_by_speaker", "Stance by speaker"),
    ("documents", "Quotes per document"),
    ("kinds", "Speaker kinds"),
    ("types", "Quote types"),
    ("stance", "Stance"),
    ("by", "Stance by"),
    ("attributes", "Who is quoted: speaker attributes"),
    ("variables", "Quote variables"),
    ("by_attributes", "Coded variables by"),
)
TOP = 25  # rows per chart before "… and n more"


def stance_categories(stats: dict[str, Any], scheme_names: tuple[str, ...]) -> list[str]:
    """The scheme's labels in order, then any other label found, then ``none``."""
    seen: list[str] = list(scheme_names)
    for counts in stats["stance_by_speaker"].values():
        seen += [k for k in counts if k not in seen and k != "none"]
    return [*seen, "none"]


def charts(stats: dict[str, Any], scheme_names: tuple[str, ...], width: int) -> dict[str, Text]:
    """Every chart of the screen, keyed by section id."""
    bar = max(width - 40, 10)
    speakers = [(s["name"], s["quotes"]) for s in stats["speakers"]]
    cats = stance_categories(stats, scheme_names)
    by_speaker = sorted(stats["stance_by_speaker"].items(),
                        key=lambda kv: (-sum(kv[1].values()), kv[0]))
    docs = [(d["title"] or d["id"], d["quotes"]) for d in stats["per_document"]]
    kinds = sorted(stats["speaker_kinds"].items(), key=lambda kv: (-kv[1], kv[0]))
    types = sorted(stats["types"].items(), key=lambda kv: (-kv[1], kv[0]))
    stance = [(c, stats["stance"].get(c, 0)) for c in cats if stats["stance"].get(c, 0)]
    return {
        "speakers": bar_chart(speakers, width=bar, limit=TOP),
        "stance_by_speaker": stacked_chart(by_speaker, cats, width=max(bar - 20, 10), limit=TOP),
        "documents": bar_chart(docs, width=bar, label_width=28, limit=TOP),
        "kinds": bar_chart(kinds, width=bar),
        "types": bar_chart(types, width=bar),
        "stance": bar_chart(stance, width=bar),
        "by": stacked_chart([(g["value"], g["stance"]) for g in _groups_shown(stats)], cats,
                            width=max(bar - 20, 10), limit=TOP) if "by" in stats else Text(),
        "attributes": attribute_charts(stats["speaker_attributes"], bar),
        "variables": variable_charts(stats["quote_variables"], bar),
        "by_attributes": _by_attribute_charts(stats, max(bar - 20, 10)),
    }


def attribute_charts(attributes: dict[str, dict[str, Any]], width: int) -> Text:
    """Per speaker attribute, its quotes per value (``coded_charts``); the speakers coded
    two ways named under each."""
    if not attributes:
        return Text("The project codes no speaker attributes (saywho attributes --set …).",
                    "dim")
    return coded_charts(attributes, width, "(i in the reader codes a speaker)")


def variable_charts(variables: dict[str, dict[str, Any]], width: int) -> Text:
    """Per quote variable, its quotes per value (``coded_charts``)."""
    return coded_charts(variables, width)


def coded_charts(counts_of: dict[str, dict[str, Any]], width: int, hint: str = "") -> Text:
    """Per coded variable, its quotes per value, each coded value with its share of the
    coded quotes (``female 40%``), the uncoded apart; ``conflicts`` named when there are."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (name, counts) in enumerate(counts_of.items()):
        quotes = counts["quotes"]
        coded = sum(n for v, n in quotes.items() if v != NOT_CODED)
        rows = [(v if v == NOT_CODED or not coded else f"{v} {100 * n / coded:.0f}%", n)
                for v, n in quotes.items()]
        if i:
            text.append("\n")
        text.append(f"{visible(name)}: {count(coded, 'quote')} coded, "
                    f"{quotes.get(NOT_CODED, 0)} not"
                    + (f" {hint}" if hint else "") + "\n", "bold")
        text.append_text(bar_chart(rows, width=width))
        if counts.get("conflicts"):
            text.append(f"\ncoded two ways: {visible(', '.join(counts['conflicts'][:5]))}",
                        "italic")
    return text


def _by_attribute_charts(stats: dict[str, Any], width: int) -> Text:
    """Per speaker attribute and quote variable some quote is coded with, its values per
    metadata group (the share of women quoted per outlet, the topics per year), as stacked
    bars; empty without a grouping."""
    text = Text(no_wrap=True)
    if "by" not in stats:
        return text
    groups = _groups_shown(stats)
    for field, scheme in (("attributes", "speaker_attributes"), ("codes", "quote_variables")):
        for name, counts in stats[scheme].items():
            if all(v == NOT_CODED for v, n in counts["quotes"].items() if n):
                continue  # nothing coded: the chart would be one grey bar per group
            values = list(dict.fromkeys(v for g in groups for v in g[field][name]))
            if text:
                text.append("\n\n")
            text.append(f"{visible(name)}\n", "bold")
            text.append_text(stacked_chart([(g["value"], g[field][name]) for g in groups],
                                           values, width=width, limit=TOP))
    return text


def _groups_shown(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The groups of ``stats["by"]`` in the order the chart shows them: the documents without
    the key (last) brought within its first ``TOP`` rows, so the chart never hides them."""
    groups = stats["by"]["groups"]
    if len(groups) > TOP and groups[-1]["value"] == NO_VALUE:
        return [*groups[: TOP - 1], groups[-1], *groups[TOP - 1 : -1]]
    return groups


def groupings(keys: Sequence[str]) -> list[str]:
    """What ``g`` cycles through for metadata ``keys``: a date by year and by month, any
    other key by its values (a URL is no group: each article has its own)."""
    out: list[str] = []
    for key in keys:
        if key == "date":
            out += ["date:year", "date:month"]
        elif key != "url":
            out.append(key)
    return out


def summary(stats: dict[str, Any]) -> Text:
    """The head line: layer, documents, quotes, reviewed, damaged files."""
    text = Text(no_wrap=False)
    text.append(f"layer: {visible(stats['layer'])}", "bold")
    text.append(f" · {stats['documents']} documents · {stats['quotes']} quotes"
                f" · {len(stats['speakers'])} speakers"
                f" · reviewed {stats['reviewed']}/{stats['total']}")
    if stats.get("missing"):
        n = len(stats["missing"])
        text.append(f" · {n} {'document has' if n == 1 else 'documents have'} no such layer:"
                    " not counted", "dim")
    for msg in stats["damaged"]:
        text.append(f"\n⚠ {visible(msg)}", "bold")
    return text


class StatsScreen(SaywhoScreen):
    """Corpus statistics of the active layer; ``r`` recounts, Esc goes back."""

    BINDINGS = bindings(STATS)

    def __init__(self, bridge: SessionBridge) -> None:
        super().__init__(bridge)
        self.stats: dict[str, Any] | None = None
        self.charts: dict[str, Text] = {}
        self.group: str | None = None  # the metadata grouping shown (``groupings``)
        self.keys: list[str] = []  # the articles' metadata keys, read with the counts

    def compose(self) -> ComposeResult:
        """Header, summary, one titled panel per chart, status bar, footer."""
        yield Header(show_clock=False, icon="❝")
        yield Banner(id="banner")
        with VerticalScroll(id="stats-body"):
            yield Static("counting…", id="stats-summary")
            for key, title in SECTIONS:
                chart = Static("", id=f"plot-{key.replace('_', '-')}", classes="plot")
                chart.border_title = title
                yield chart
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Start counting."""
        super().on_mount()
        self.sub_title = self.app.sub_title = "statistics"
        self.bridge.layer_switched.subscribe(self, self.layer_switched)
        self.action_reload()

    def layer_switched(self, _name: str | None) -> None:
        """The active layer changed: count again."""
        self.action_reload()

    def action_reload(self) -> None:
        """Count again (edits since the screen opened are included)."""
        self.query_one("#stats-summary", Static).update("counting…")
        self._count(self.bridge.active_layer, self.group)

    def action_cycle_group(self) -> None:
        """Show the stance by the next metadata key the articles carry (after the last: none;
        the keys as the last count read them, off this thread)."""
        options = [None, *groupings(self.keys)]
        if len(options) == 1:
            say(self, "The articles carry no metadata to group by (outlet, date…: see "
                "saywho import --help).", title="Group by", timeout=4)
            return
        at = options.index(self.group) if self.group in options else 0
        self.group = options[(at + 1) % len(options)]
        self.action_reload()

    @work(thread=True, exclusive=True, group="stats")
    def _count(self, layer: str | None, by: str | None) -> None:
        stats = self.bridge.read(lambda s: corpus_stats(s, layer, by=by))
        self.app.call_from_thread(self.show_stats, stats)

    def show_stats(self, stats: dict[str, Any]) -> None:
        """Draw the charts for ``stats``."""
        self.stats = stats
        self.keys = stats["meta_keys"]
        names = self.bridge.scheme.names
        self.charts = charts(stats, names, self.app.size.width)
        self.query_one("#stats-summary", Static).update(summary(stats))
        for key, _title in SECTIONS:
            self.query_one(f"#plot-{key.replace('_', '-')}", Static).update(self.charts[key])
        by = self.query_one("#plot-by", Static)
        by.display = "by" in stats
        by_attributes = self.query_one("#plot-by-attributes", Static)
        by_attributes.display = bool(self.charts["by_attributes"])
        self.query_one("#plot-variables", Static).display = bool(stats["quote_variables"])
        if "by" in stats:
            by.border_title = plain(f"Stance by {stats['by']['key']} (g: next)")
            by_attributes.border_title = plain(f"Coded variables by {stats['by']['key']}")
        self.query_one(StatusBar).set_position(
            visible(f"layer: {self.bridge.layer_shown} · {stats['quotes']} quotes ")
        )

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()
