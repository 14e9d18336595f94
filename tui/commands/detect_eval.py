"""``saywho detect-eval``: how much quote suggestions improve after N corrected articles.

Simulates a researcher who corrects the first N articles of a gold file (file order) to match
it; the project model is refitted on them (and stays off unless it beats the rules on its own
leave-one-article-out check) and the suggestions are scored on the second half of the file,
the same articles for every N, with the rules of shared/eval/score.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson

from annotations.display import safe_json, visible_line
from annotations.errors import InputError
from tui.commands._common import parse_counts

FIGURES = ("span_f1", "exact_f1", "e2e_f1", "resolved")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``detect-eval`` command."""
    parser = subparsers.add_parser(
        "detect-eval",
        help="simulate correcting N articles of a gold file and score the learned suggestions",
        description="Gold interchange JSONL (id, text, quotes). For each N the first N articles "
        "are corrected to match the gold, the project model is refitted (it stays off unless "
        "it beats the rules on its own leave-one-article-out check) and the suggestions for "
        "the second half of the file are scored: span F1 (>= 50 % token overlap), exact F1, "
        "end-to-end F1 (span + speaker) and resolved speakers, as shared/eval/score.py does.",
        epilog="example: saywho detect-eval gold.jsonl --articles 5,10,20 --json",
    )
    parser.add_argument("file", type=Path, metavar="GOLD.jsonl")
    parser.add_argument("--articles", default="5,10,20", metavar="N,N,...",
                        help="corrected-article counts to score at (default: 5,10,20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the simulation and print the table or the JSON object."""
    from annotations.learn.simulate import detect_eval
    from tui.commands.eval import read_gold

    counts = parse_counts(args.articles, "--articles")
    gold = read_gold(args.file)
    if len(gold) < 2:
        raise InputError(f"{args.file} has {len(gold)} article(s): needs at least 2 (the "
                         "second half is the test set)")
    result = detect_eval(gold, counts)
    if args.json:
        out = {"base": result["base"], "articles": result["articles"],
               "test_articles": result["test_articles"], "models": result["models"]}
        print(safe_json(orjson.dumps(out).decode()))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    half = len(gold) // 2
    table = Table(
        title=Text(visible_line(f"quote suggestions on {args.file.name}: tested on the last "
                                f"{result['test_articles']} articles")),
        caption=f"corrected = the first N articles (at most {half}); model = whether the "
        "project model passed its gate (else the rules' scores), with its leave-one-article-"
        "out span F1 vs the rules' on the corrected articles",
    )
    table.add_column("corrected", justify="right")
    for name in FIGURES:
        table.add_column(name, justify="right")
    table.add_column("model")
    table.add_row("0 (rules)", *(f"{result['base'][f]:.1f}" for f in FIGURES), "-")
    for n in counts:
        row = result["articles"][str(n)]
        model = result["models"][str(n)]
        held_out = f" ({model['cv_f1']:.1f} vs {model['base_f1']:.1f})" if model["cv_f1"] else ""
        state = "on" if model["trusted"] else "off: " + model["why"]
        table.add_row(str(n), *(f"{row[f]:.1f}" for f in FIGURES),
                      Text(visible_line(state + held_out)))
    Console(highlight=False).print(table)
    return 0
