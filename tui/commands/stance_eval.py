"""``saywho stance-eval``: how good stance suggestions get after N labels, on a gold file.

Simulates a researcher labelling items in the tool's own active-learning order (the gold
label answers) and scores the suggestions for the items not yet labelled.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson

from annotations.display import safe_json, visible_line
from annotations.errors import InputError
from tui.commands._common import parse_counts


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``stance-eval`` command."""
    parser = subparsers.add_parser(
        "stance-eval",
        help="simulate labelling a stance file and score suggestions after N labels",
        description="Items {id, text, label[, speaker]} one per line. The tool picks which item "
        "to label next (active learning), the gold label answers, the model refits after each "
        "label; at each count the suggestions for the unlabelled rest are scored: F1avg (mean "
        "F1 of the two polar labels: favor/against, else support/oppose, else the two most "
        "frequent labels that are not neutral/none/unclear) and macro-F1 over all labels.",
        epilog="example: saywho stance-eval tweets.jsonl --labels 10,50,100 --json",
    )
    parser.add_argument("file", type=Path, metavar="FILE.jsonl")
    parser.add_argument(
        "--labels",
        default="10,20,50,100",
        metavar="N,N,...",
        help="label counts to score at (default: 10,20,50,100)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=0, help="seed of the cold-start clustering")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the simulation and print the table or the JSON object."""
    from annotations.stance.simulate import evaluate, load_gold

    counts = parse_counts(args.labels, "--labels")
    gold = load_gold(args.file)
    too_many = [c for c in counts if c >= len(gold)]
    if too_many:
        raise InputError(
            f"{args.file} has {len(gold)} items: cannot leave any unlabelled at "
            f"{', '.join(map(str, too_many))} labels"
        )
    result = evaluate(gold, counts, seed=args.seed)
    if args.json:
        print(safe_json(orjson.dumps(result.to_dict()).decode()))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    title = (
        f"stance suggestions on {args.file.name}: {result.n_items} items, "
        f"polar labels {' / '.join(result.polar)}"
    )
    table = Table(
        title=Text(visible_line(title)),
        caption="scored on the items not yet labelled; trusted = the gate let suggestions "
        "through as confident",
    )
    table.add_column("labels", justify="right")
    table.add_column("F1avg", justify="right")
    table.add_column("macro-F1", justify="right")
    table.add_column("trusted")
    table.add_column("scored items", justify="right")
    table.add_row(
        "majority",
        f"{result.majority_f1avg:.3f}",
        f"{result.majority_macro_f1:.3f}",
        "",
        str(result.n_items),
    )
    for c in result.counts:
        table.add_row(
            str(c.n), f"{c.f1avg:.3f}", f"{c.macro_f1:.3f}", "yes" if c.trusted else "no",
            str(c.n_rest),
        )
    Console(highlight=False).print(table)
    return 0
