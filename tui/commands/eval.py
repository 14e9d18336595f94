"""``saywho eval``: a layer (or the suggestions) scored against a gold interchange file.

The gold file is read a line at a time and each gold document's layer is read, scored and
forgotten before the next (``annotations.evaluate.evaluate_pairs`` keeps only counts): memory
stays flat in the size of the corpus and of the gold file; a long run shows a bar on stderr.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations.display import safe_json, visible_line
from annotations.errors import DamagedFileError, InputError
from annotations.evaluate import evaluate_pairs
from annotations.formats.interchange import document_to_interchange
from annotations.model import SUGGESTIONS_LAYER
from annotations.session import Session
from tui.commands._common import check_layer, open_session
from tui.commands._progress import document_progress


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``eval`` command."""
    parser = subparsers.add_parser(
        "eval",
        help="score a layer against gold quotes (same rules as shared/eval/score.py)",
        description="Score a layer (default: the suggestions) against gold interchange JSONL. "
        "Gold documents must be in the project with the same text; those missing count as "
        "no predictions.",
        epilog="example: saywho import gold.jsonl && saywho eval --gold gold.jsonl --json",
    )
    parser.add_argument("--gold", required=True, type=Path, metavar="FILE")
    parser.add_argument(
        "--layer", metavar="NAME", help=f"layer to score (default: {SUGGESTIONS_LAYER})"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)
    return parser


def read_gold(path: Path) -> list[dict[str, Any]]:
    """The gold file's lines; ``InputError`` naming the first bad line."""
    return list(iter_gold(path))


def iter_gold(path: Path) -> Iterator[dict[str, Any]]:
    """The gold file's lines, read one at a time; ``InputError`` naming the first bad line
    (when it is reached), or when the file holds no gold document."""
    found = False
    try:
        with open(path, "rb") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                yield _gold_line(path, n, line)
                found = True
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not found:
        raise InputError(f"{path}: no gold documents")


def count_gold(path: Path) -> int:
    """How many lines of the gold file are not blank (for the progress bar; 0 if unreadable)."""
    try:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError:
        return 0


def _gold_line(path: Path, n: int, line: bytes) -> dict[str, Any]:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise InputError(f"{path} line {n}: not JSON") from None
    if not isinstance(record, dict) or "id" not in record or "text" not in record:
        raise InputError(f'{path} line {n}: needs "id", "text" and "quotes"')
    problem = _gold_problem(record)
    if problem:
        raise InputError(f"{path} line {n}: {problem}")
    return record


def _gold_problem(record: dict[str, Any]) -> str | None:
    """What makes one gold line unusable for scoring, in words; ``None`` when it is fine."""
    text, quotes = record["text"], record.get("quotes")
    if not isinstance(text, str):
        return '"text" must be a string'
    if quotes is None:
        return None
    if not isinstance(quotes, list):
        return '"quotes" must be a list'
    for i, quote in enumerate(quotes):
        if not isinstance(quote, dict):
            return f"quote {i} is not an object"
        start, end = quote.get("start"), quote.get("end")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            return f'quote {i} needs whole-number "start" and "end"'
        if not 0 <= start <= end <= len(text):
            return f"quote {i}: span {start}-{end} lies outside a text of {len(text)} chars"
        if not isinstance(quote.get("type"), str):
            return f'quote {i} needs a "type" (direct, indirect or mixed)'
        for key in ("speaker", "speaker_ref"):
            if quote.get(key) is not None and not isinstance(quote[key], str):
                return f'quote {i}: "{key}" must be a string'
    return None


def run(args: argparse.Namespace) -> int:
    """Score and print."""
    next(iter_gold(args.gold))  # an unreadable or empty file fails before the project opens
    layer_name = args.layer or SUGGESTIONS_LAYER
    missing: list[str] = []
    session = open_session(args, read_only=True, create=False)
    try:
        layer_name = check_layer(session, layer_name)
        with document_progress("scoring", count_gold(args.gold)) as advance:
            result = evaluate_pairs(
                _paired(session, layer_name, iter_gold(args.gold), missing, advance))
    finally:
        session.close()
    result["layer"] = layer_name
    result["gold_docs_missing_from_project"] = len(missing)
    if args.json:
        print(safe_json(orjson.dumps(result).decode()))
        return 0
    console = Console(highlight=False)
    title = f"layer {layer_name} against {args.gold.name} ({result['docs']} documents)"
    table = Table(title=Text(visible_line(title)))
    for column in ("measure", "P", "R", "F1", "tp", "pred", "gold"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    for label, key in (
        ("span exact", "span_exact"),
        ("span ≥50% overlap", "span_overlap50"),
        ("end-to-end (span + speaker)", "end_to_end_overlap50_plus_speaker"),
    ):
        r = result[key]
        table.add_row(label, *(str(r[k]) for k in ("P", "R", "F1", "tp", "pred", "gold")))
    console.print(table)
    spk = result["speaker_acc_on_matched"]
    console.print(
        f"speaker on matched quotes: {spk['plus_ref']} % (surface {spk['surface_or_head']} %); "
        f"resolved to the right person: {spk['resolved_to_ref']} % of {spk['resolved_to_ref_n']}"
    )
    if missing:
        console.print(
            f"{len(missing)} gold documents are not in the project (counted as no predictions)"
        )
    return 0


def _paired(
    session: Session,
    layer_name: str,
    gold: Iterable[dict[str, Any]],
    missing: list[str],
    progress: Callable[[], None],
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Each gold line with the project's ``layer_name`` of that document as an interchange
    line (``None``: not in the project or damaged: counted in ``missing``), one at a time."""
    known = set(session.document_ids())
    for line in gold:
        doc_id = str(line["id"])
        pred = None
        if doc_id not in known:
            missing.append(doc_id)
        else:
            try:
                doc = session.document(doc_id)
                if doc.text != line["text"]:
                    raise InputError(f"{doc_id}: the project's text differs from the gold text")
                pred = document_to_interchange(doc, session.layer(doc_id, layer_name))
            except DamagedFileError:
                missing.append(doc_id)
            finally:
                session.forget(doc_id)
        progress()
        # predictions are found by the id as the gold line gives it (score.py's rule)
        yield line, pred if line["id"] == doc_id else None
