"""``saywho stance-eval``: how good stance suggestions get after N labels, on a gold file.

Simulates a researcher labelling items in the tool's own active-learning order (the gold
label answers) and scores the suggestions for the items not yet labelled.

With ``--variable NAME`` the same simulation runs for a quote variable (topic, frame…), one
learner for both (``annotations.stance.target``): the file is then interchange JSONL (what
``saywho export --format jsonl`` writes) and its quotes coded for NAME are the gold. One
command rather than a ``code-eval`` beside it: the order, the model, the gate and the scores
are the same; only where the gold comes from differs. F1avg is a stance score (two polar
labels) and is left out for a variable.
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
        epilog="examples: saywho stance-eval tweets.jsonl --labels 10,50,100 --json; "
        "saywho stance-eval project.jsonl --variable topic --labels 10,20,50",
    )
    parser.add_argument("file", type=Path, metavar="FILE.jsonl")
    parser.add_argument(
        "--labels",
        default="10,20,50,100",
        metavar="N,N,...",
        help="label counts to score at (default: 10,20,50,100)",
    )
    parser.add_argument(
        "--variable",
        metavar="NAME",
        help="simulate coding quote variable NAME (topic…) instead: FILE is interchange JSONL "
        "(saywho export --format jsonl) and its quotes' codes of NAME are the gold",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=0, help="seed of the cold-start clustering")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run the simulation and print the table or the JSON object."""
    from annotations.stance.simulate import code_eval_items, evaluate, load_gold

    counts = parse_counts(args.labels, "--labels")
    variable = args.variable.strip().lower() if args.variable else None
    gold = code_eval_items(args.file, variable) if variable else load_gold(args.file)
    too_many = [c for c in counts if c >= len(gold)]
    if too_many:
        raise InputError(
            f"{args.file} has {len(gold)} items: cannot leave any unlabelled at "
            f"{', '.join(map(str, too_many))} labels"
        )
    result = evaluate(gold, counts, seed=args.seed)
    if args.json:
        data = result.to_dict()
        if variable:  # F1avg is the stance's score; a variable's is macro-F1
            data = {"variable": variable, "n_items": result.n_items, **{
                k: ({n: {"macro_f1": v["macro_f1"]} for n, v in data[k].items()}
                    if k == "labels" else {"macro_f1": data[k]["macro_f1"]})
                for k in ("majority", "labels")}}
        print(safe_json(orjson.dumps(data).decode()))
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    title = (
        f"{variable} suggestions on {args.file.name}: {result.n_items} coded quotes, "
        f"values {', '.join(result.labels)}" if variable else
        f"stance suggestions on {args.file.name}: {result.n_items} items, "
        f"polar labels {' / '.join(result.polar)}"
    )
    table = Table(
        title=Text(visible_line(title)),
        caption="scored on the items not yet labelled; trusted = the gate let suggestions "
        "through as confident",
    )
    table.add_column("labels", justify="right")
    if not variable:
        table.add_column("F1avg", justify="right")
    table.add_column("macro-F1", justify="right")
    table.add_column("trusted")
    table.add_column("scored items", justify="right")

    def row(*cells: str) -> None:
        table.add_row(*(c for i, c in enumerate(cells) if not (variable and i == 1)))

    row("majority", f"{result.majority_f1avg:.3f}", f"{result.majority_macro_f1:.3f}", "",
        str(result.n_items))
    for c in result.counts:
        row(str(c.n), f"{c.f1avg:.3f}", f"{c.macro_f1:.3f}", "yes" if c.trusted else "no",
            str(c.n_rest))
    Console(highlight=False).print(table)
    return 0
