"""``saywho stats``: corpus counts as rich tables with bar plots, or JSON.

Counted from the corpus index (``annotations.stats.corpus_stats``), checked against the layer
files first: no layer is read unless its index entry is stale. A long run shows a bar on
stderr."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations.codebook import NOT_CODED
from annotations.display import safe_json, visible_line
from annotations.metadata import NO_VALUE, parse_grouping
from annotations.stats import corpus_stats
from tui.commands._common import (
    check_layer,
    missing_layer_clause,
    open_session,
    warn_unreadable_codebook,
)
from tui.commands._progress import document_progress

BAR_WIDTH = 30
TOP_SPEAKERS = 3  # per group of ``--by``


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``stats`` command."""
    parser = subparsers.add_parser(
        "stats",
        help="counts per speaker, stance, type and document",
        description="Corpus statistics over one layer (default: yours).",
        epilog="example: saywho stats --json > stats.json",
    )
    parser.add_argument("--layer", metavar="NAME", help="layer to count (default: yours)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--top", type=int, default=15, help="speakers to show (default: 15)")
    parser.add_argument(
        "--by", type=grouping, metavar="KEY",
        help="also count per value of a metadata key (stance, speakers quoted most): outlet, "
        "author, folder, date:year, date:month, date:day (documents without it count as "
        "(none))")
    parser.set_defaults(func=run)
    return parser


def grouping(spec: str) -> str:
    """``--by``, checked (``metadata.parse_grouping``)."""
    try:
        parse_grouping(spec)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return spec


def bar(value: int, highest: int, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar of block characters, scaled to ``highest``."""
    cells = 0 if highest <= 0 else round(width * value / highest)
    return Text("█" * cells + ("▏" if value and not cells else ""), style="bold")


def run(args: argparse.Namespace) -> int:
    """Print the statistics."""
    session = open_session(args, read_only=True, create=False)
    said = set(session.damaged)  # said as warnings when the project opened
    try:
        warn_unreadable_codebook(session)  # their codes are not counted
        layer = check_layer(session, args.layer)
        with document_progress("counting", len(session.document_ids())) as advance:
            # your own layer (no --layer) counts every document, as the suggestions it
            # starts as; a layer named counts only the documents that have it
            stats = corpus_stats(session, None if args.layer is None else layer,
                                 progress=advance, by=args.by)

    finally:
        session.close()
    if args.by and all(g["value"] == NO_VALUE for g in stats["by"]["groups"]):
        print(f"saywho: note: no document has the metadata key {visible_line(args.by)!r}; "
              f"keys here: {visible_line(', '.join(stats['meta_keys']) or 'none')}",
              file=sys.stderr)
    left_out = list(dict.fromkeys(m for m in stats["damaged"] if m not in said))
    failed = 1 if left_out else 0  # counted without them: the figures are partial
    for message in left_out:
        print(f"saywho: damaged, not counted: {visible_line(message)}", file=sys.stderr)
    if args.json:
        print(safe_json(orjson.dumps(stats).decode()))
        return failed
    console = Console(highlight=False)
    console.print(
        Text.assemble(
            "layer ",
            (visible_line(stats["layer"]), "bold"),
            f": {stats['documents']} documents, {stats['quotes']} quotes (rejected ones not "
            f"counted: {stats['status'].get('rejected', 0)}), "
            f"{stats['reviewed']}/{stats['total']} reviewed",
        )
    )
    if stats["missing"]:
        console.print(Text(missing_layer_clause(stats["missing"], stats["layer"],
                                                "not counted")))
    speakers = stats["speakers"][: args.top]
    top = max((s["quotes"] for s in speakers), default=0)
    table = Table(title="quotes per speaker")
    for column in ("speaker", "kind", "quotes", "docs", ""):
        table.add_column(column, justify="right" if column in ("quotes", "docs") else "left")
    for s in speakers:
        table.add_row(
            Text(visible_line(s["name"])),
            Text(visible_line(s["kind"])),
            str(s["quotes"]),
            str(s["documents"]),
            bar(s["quotes"], top),
        )
    console.print(table)
    for title, counts in (
        ("stance", stats["stance"]),
        ("type", stats["types"]),
        ("speaker kinds", stats["speaker_kinds"]),
        ("status", stats["status"]),
    ):
        highest = max(counts.values(), default=0)
        t = Table(title=title)
        t.add_column(title)
        t.add_column("n", justify="right")
        t.add_column("")
        for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            t.add_row(Text(visible_line(name)), str(n), bar(n, highest))
        console.print(t)
    for name, counts in stats["speaker_attributes"].items():
        console.print(_attribute_table(name, counts))
    for name, counts in stats["quote_variables"].items():
        console.print(_variable_table(name, counts["quotes"]))
    docs = Table(title="quotes per document")
    docs.add_column("document")
    docs.add_column("quotes", justify="right")
    docs.add_column("reviewed", justify="right")
    docs.add_column("")
    most = max((d["quotes"] for d in stats["per_document"]), default=0)
    for d in stats["per_document"][:30]:
        docs.add_row(
            Text(visible_line(d["title"][:50])),
            str(d["quotes"]),
            f"{d['reviewed']}/{d['total']}",
            bar(d["quotes"], most),
        )
    console.print(docs)
    if "by" in stats:
        console.print(_groups_table(stats["by"]))
        for name in stats["speaker_attributes"]:
            if any(_coded(g["attributes"][name]) for g in stats["by"]["groups"]):
                console.print(_groups_attribute_table(stats["by"], name))
        for name in stats["quote_variables"]:
            if any(_coded(g["codes"][name]) for g in stats["by"]["groups"]):
                console.print(_groups_attribute_table(stats["by"], name, field="codes"))
    return failed


def _coded(quotes: dict[str, int]) -> int:
    """The quotes whose speaker is coded, of an attribute's counts per value."""
    return sum(n for value, n in quotes.items() if value != NOT_CODED)


def _share(n: int, of: int) -> str:
    """``n`` with its share of ``of`` (``12 (40%)``); the count alone when ``of`` is 0."""
    return f"{n} ({100 * n / of:.0f}%)" if of else str(n)


def _attribute_table(name: str, counts: dict[str, Any]) -> Table:
    """Quotes and speakers per value of one speaker attribute; shares are of the quotes whose
    speaker is coded, so a half-coded corpus reads as what it coded."""
    quotes, speakers = counts["quotes"], counts["speakers"]
    coded = _coded(quotes)
    highest = max(quotes.values(), default=0)
    table = Table(title=visible_line(f"quotes by speaker {name}"))
    table.add_column(Text(visible_line(name)))
    table.add_column("quotes (of coded)", justify="right")
    table.add_column("speakers", justify="right")
    table.add_column("")
    for value, n in quotes.items():
        table.add_row(Text(visible_line(value)), str(n) if value == NOT_CODED else _share(n, coded),
                      str(speakers.get(value, 0)), bar(n, highest))
    if counts["conflicts"]:
        table.caption = Text(visible_line(
            f"coded two ways: {', '.join(counts['conflicts'][:5])}"
            + (f" and {len(counts['conflicts']) - 5} more" if len(counts["conflicts"]) > 5
               else "")))  # speakers' names: never read as markup
    return table


def _variable_table(name: str, quotes: dict[str, int]) -> Table:
    """Quotes per value of one quote variable, shares of the coded ones."""
    coded = _coded(quotes)
    highest = max(quotes.values(), default=0)
    table = Table(title=visible_line(f"quotes by {name}"))
    table.add_column(Text(visible_line(name)))
    table.add_column("quotes (of coded)", justify="right")
    table.add_column("")
    for value, n in quotes.items():
        table.add_row(Text(visible_line(value)), str(n) if value == NOT_CODED else _share(n, coded),
                      bar(n, highest))
    return table


def _groups_attribute_table(by: dict[str, Any], name: str, field: str = "attributes") -> Table:
    """Per metadata group, the quotes per value of speaker attribute ``name`` (the share of
    women quoted per outlet: the Gender Gap Tracker's figure), or with ``field`` = ``codes``
    of quote variable ``name`` (topics per outlet)."""
    groups = by["groups"]
    values = list(dict.fromkeys(v for g in groups for v in g[field][name]))
    whose = "speaker " if field == "attributes" else ""
    table = Table(title=visible_line(f"quotes by {by['key']} and {whose}{name}"))
    table.add_column(Text(visible_line(by["key"])))
    for value in values:
        table.add_column(Text(visible_line(value)), justify="right")  # a value: no markup
    for g in groups:
        quotes = g[field][name]
        coded = _coded(quotes)
        table.add_row(Text(visible_line(g["value"][:40])),
                      *(str(quotes.get(v, 0)) if v == NOT_CODED else _share(quotes.get(v, 0), coded)
                        for v in values))
    return table


def _groups_table(by: dict[str, Any]) -> Table:
    """The counts per metadata group: documents, quotes, reviewed of all, each stance's
    quotes and the speakers quoted most."""
    groups = by["groups"]
    labels = sorted({label for g in groups for label in g["stance"]})
    table = Table(title=visible_line(f"quotes by {by['key']}"))
    table.add_column(Text(visible_line(by["key"])))
    for column in ("docs", "quotes", "reviewed", *labels):
        table.add_column(Text(visible_line(column)), justify="right")
    table.add_column(f"most quoted (top {TOP_SPEAKERS})")
    for g in groups:
        top = ", ".join(f"{s['name']} {s['quotes']}" for s in g["speakers"][:TOP_SPEAKERS])
        table.add_row(Text(visible_line(g["value"][:40])), str(g["documents"]), str(g["quotes"]),
                      f"{g['reviewed']}/{g['total']}",
                      *(str(g["stance"].get(label, 0)) for label in labels),
                      Text(visible_line(top)))
    return table
