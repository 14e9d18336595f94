"""``saywho detect PATH... [--out FILE]``: suggestions as interchange JSONL, no project needed.

Reads .txt/.md/.html files, folders, or JSONL lines with ``id`` and ``text``; writes one
interchange line per document (same ids) to stdout or ``--out``. ``speaker`` is the surface
mention nearest each quote, ``speaker_name`` the resolved canonical name.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from annotations.detect import DEFAULT_DETECTOR
from annotations.detect.deadline import (
    DEFAULT_DETECT_BUDGET_S,
    DetectionTimeout,
    detection_budget,
)
from annotations.display import safe_json, visible_line
from annotations.errors import InputError
from annotations.formats.interchange import document_to_interchange
from annotations.formats.readers import read_documents
from annotations.model import SUGGESTIONS_LAYER, layer_from_records


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``detect`` parser."""
    parser = subparsers.add_parser(
        "detect",
        help="detect quotes and speakers; print interchange JSONL",
        description="Detect quotes and speakers in files, folders or JSONL (id, text) and "
        "write interchange JSONL with the same ids. No project needed.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".txt/.md/.html/.jsonl or folder")
    parser.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    parser.set_defaults(func=run)
    return parser


def _write_all(paths: list[str], out: TextIO) -> tuple[int, list[str]]:
    done, errors = 0, []
    for result in read_documents(paths):
        if result.document is None:
            if result.error and not result.skipped:
                errors.append(result.error)
            continue
        doc = result.document
        try:
            with detection_budget(DEFAULT_DETECT_BUDGET_S):
                sugg = DEFAULT_DETECTOR.detect(doc.text)
        except DetectionTimeout as exc:
            errors.append(f"{doc.id}: skipped: {exc.message}")
            continue
        layer = layer_from_records(SUGGESTIONS_LAYER, sugg.quotes, sugg.speakers)
        line = document_to_interchange(doc, layer, annotator=sugg.origin)
        out.write(safe_json(json.dumps(line, ensure_ascii=False)) + "\n")
        done += 1
    return done, errors


def run(args: argparse.Namespace) -> int:
    """Detect and write; exit 1 (one line per bad input) when an input could not be read."""
    if args.out:
        target = Path(args.out)
        if target.is_dir():
            raise InputError(f"--out {target} is a folder")
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise InputError(f"--out {target}: folder {folder} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=".saywho-detect-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                done, errors = _write_all(args.paths, fh)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    else:
        done, errors = _write_all(args.paths, sys.stdout)
        sys.stdout.flush()
    if errors and not done:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(errors[0] + more)
    for err in errors:
        print(f"saywho: {visible_line(err)}", file=sys.stderr)
    return 1 if errors else 0
