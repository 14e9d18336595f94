"""The export formats by name, for ``saywho export --format NAME`` and the export screen.

Every writer writes through temp files in the target folder (``atomic_output``); the temp files
a killed export left there are removed by the next export to that folder.

``export`` hands the project's stance target to every writer that has a place for it (a
``stance_target`` keyword: today every one of them), and the project's speaker attributes and
quote variables to those whose controls offer their values (``speaker_attributes`` and
``quote_variables`` keywords: brat's ``annotation.conf``, Label Studio's configuration).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from annotations.codebook import CodedVariable
from annotations.errors import InputError
from annotations.formats.brat import write_brat
from annotations.formats.conll import write_conll
from annotations.formats.csv_format import write_csv
from annotations.formats.doccano import write_doccano
from annotations.formats.export_common import (
    DocLayer,
    ExportReport,
    filter_items,
    remove_orphan_export_temps,
)
from annotations.formats.jsonl import write_jsonl
from annotations.formats.labelstudio import write_labelstudio
from annotations.formats.webanno import write_webanno
from annotations.registry import CorpusCodes

Writer = Callable[..., ExportReport]

WRITERS: dict[str, Writer] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "brat": write_brat,
    "webanno": write_webanno,
    "labelstudio": write_labelstudio,
    "conll": write_conll,
    "doccano": write_doccano,
}
# formats whose ``out`` is a folder (one file per document) rather than one file
FOLDER_FORMATS: frozenset[str] = frozenset({"brat", "webanno"})
SUFFIXES: dict[str, str] = {
    "jsonl": ".jsonl", "csv": ".csv", "brat": "", "webanno": "",
    "labelstudio": ".json", "conll": ".conll", "doccano": ".jsonl",
}


def export(
    fmt: str,
    items: Iterable[DocLayer],
    out: Path,
    *,
    annotator: str | None = None,
    statuses: Collection[str] | None = None,
    stance_target: str | None = None,
    utf16: bool = False,
    spreadsheet: bool = False,
    meta_keys: Sequence[str] = (),
    attributes: Sequence[str] = (),
    codes: Callable[[str], CorpusCodes] | None = None,
    variables: Sequence[str] = (),
    speaker_attributes: Sequence[CodedVariable] | None = None,
    quote_variables: Sequence[CodedVariable] | None = None,
) -> ExportReport:
    """Write ``items`` in format ``fmt`` to ``out``, keeping only quotes with ``statuses``
    (``utf16``: doccano offsets in UTF-16 units; ``spreadsheet``: CSV cells that would run as
    formulas quoted).

    ``annotator`` names the person behind the reviewed quotes (default: each layer's name);
    ``stance_target`` (what the stance labels are about) goes to the formats that carry it;
    ``meta_keys`` (the metadata keys of the exported documents) to those that need them up
    front (the CSV's header); ``attributes`` (the speaker attributes' names) and ``codes`` (a
    layer's codes across the corpus, by layer name) to those with a column per attribute, and
    ``variables`` (the quote variables' names) to those with a column per variable;
    ``speaker_attributes`` and ``quote_variables`` (the project's, with their values) to
    those whose controls offer the values (default: the writer's own, gender's values).
    Raises ``InputError`` for an unknown format, or when ``out`` is an existing file for a
    folder format (or an existing folder for a file format).
    """
    writer = WRITERS.get(fmt)
    if writer is None:
        raise InputError(f"unknown export format {fmt!r}: choose one of {', '.join(WRITERS)}")
    out = Path(out)
    if fmt in FOLDER_FORMATS and out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; the {fmt} export writes a folder")
    if fmt not in FOLDER_FORMATS and out.is_dir():
        raise InputError(f"{out} is a folder; the {fmt} export writes one file")
    remove_orphan_export_temps(out if fmt in FOLDER_FORMATS else out.parent)
    options: dict[str, object] = {"annotator": annotator}
    if stance_target is not None and takes_stance_target(writer):
        options["stance_target"] = stance_target
    takes = inspect.signature(writer).parameters
    if meta_keys and "meta_keys" in takes:
        options["meta_keys"] = tuple(meta_keys)
    if attributes and "attributes" in takes:
        options["attributes"] = tuple(attributes)
        options["codes"] = codes
    if variables and "variables" in takes:
        options["variables"] = tuple(variables)
    for key, scheme in (("speaker_attributes", speaker_attributes),
                        ("quote_variables", quote_variables)):
        if scheme is not None and key in takes:
            options[key] = tuple(scheme)
    if utf16:
        if fmt != "doccano":
            raise InputError("UTF-16 offsets are for the doccano export only")
        options["utf16"] = True
    if spreadsheet:
        if fmt != "csv":
            raise InputError("formula-safe cells are for the csv export only")
        options["spreadsheet"] = True
    if fmt not in FOLDER_FORMATS or not out.is_dir():
        return writer(filter_items(items, statuses), out, **options)
    before = {p.name: _identity(p) for p in out.iterdir() if p.is_file()}
    report = writer(filter_items(items, statuses), out, **options)
    left = tuple(sorted(name for name, seen in before.items() if _identity(out / name) == seen))
    return replace(report, left_over=left) if left else report


def _identity(path: Path) -> tuple[int, int, int] | None:
    """What tells a file rewritten from one left as it was (None: gone)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def takes_stance_target(writer: Writer) -> bool:
    """True when ``writer`` has a place for the stance target (a ``stance_target`` keyword)."""
    return "stance_target" in inspect.signature(writer).parameters
