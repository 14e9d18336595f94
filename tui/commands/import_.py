"""``saywho import``: add articles (files, folders, JSONL) and other annotators' layers, also
from other tools' exports (Label Studio JSON, doccano JSONL, WebAnno TSV from INCEpTION, CoNLL).

Articles and interchange JSONL (and brat folders) add their documents; another tool's export
loads as layer ``--layer NAME`` of documents the project already holds, matched by id or by the
text's hash (``annotations.formats.importers``); a document that matches none is refused with its
reason, the rest load. A layer that exists and differs is kept unless ``--replace``."""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotations.codebook import attributes_outside
from annotations.detect.parallel import default_jobs
from annotations.display import count, visible_line
from annotations.errors import InputError, ProjectError, SaywhoError
from annotations.formats.brat import read_brat
from annotations.formats.importers import (
    IMPORT_FORMATS,
    LAYER_READERS,
    ForeignLayer,
    detect_format,
    read_foreign_layers,
)
from annotations.formats.interchange import layer_from_interchange
from annotations.formats.readers import (
    DEFAULT_MAX_BYTES,
    ReadResult,
    first_line_title,
    read_documents,
)
from annotations.metadata import Meta, merged_meta, read_meta
from annotations.model import Document
from annotations.scheme import labels_outside
from annotations.session import Session
from annotations.store import ImportReport
from annotations.store.lock import lock_held, lock_path
from tui.commands._common import close_session, first_few, open_session, project_dir
from tui.commands._progress import counting_progress
from tui.commands.detect import positive_jobs


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``import`` command."""
    parser = subparsers.add_parser(
        "import",
        help="add .txt/.md/.html/.docx/.rtf files (news database exports too), folders "
        "or JSONL to the project",
        description="Add articles to the project and store the detector's suggestions. "
        "Interchange JSONL that carries quotes is loaded as layer NAME with --layer. "
        "Metadata (outlet, date, url, author...) comes from a JSONL line's \"meta\" object or "
        "its top-level date/outlet/url fields, an HTML page's meta tags, a Markdown file's "
        "front matter; every export carries it. Re-importing unchanged text adds only "
        "metadata it brings; changed text under a known id is refused.",
        epilog="example: saywho import articles/ gold.jsonl --layer gold",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files or folders (a folder of brat .txt/.ann files with --layer)",
    )
    parser.add_argument(
        "--layer",
        metavar="NAME",
        help="load the annotations (JSONL quotes, brat, or another tool's export) as this layer",
    )
    parser.add_argument(
        "--format",
        choices=("auto", *IMPORT_FORMATS, "jsonl"),
        default="auto",
        help="what the paths are (default: from the name: .json Label Studio, .tsv/.zip "
        "WebAnno, .conll/.conllu CoNLL, .jsonl interchange or doccano by its first line); "
        "jsonl is interchange, the name export gives it",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="whose annotations to load from an INCEpTION project export (annotation/<doc>/"
        "<NAME>.tsv); needed when it holds several annotators'",
    )
    parser.add_argument(
        "--utf16",
        action="store_true",
        help="doccano: the file's offsets count UTF-16 units (a doccano project set to count "
        "them); default: what the file's saywho record says, else characters",
    )
    parser.add_argument(
        "--meta",
        action="append",
        type=meta_pair,
        metavar="KEY=VALUE",
        help="metadata for every document of this import, over what its file says (repeat "
        "it: --meta outlet='Daily Ledger' --meta country=US); a folder per outlet gets its "
        "outlet this way",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="overwrite a layer of that name that differs (the old one goes to the journal); "
        "also let a re-import change the metadata values of documents already here",
    )
    parser.add_argument(
        "--max-mb",
        type=float,
        default=DEFAULT_MAX_BYTES / 1e6,
        help="largest article file to accept, in MB (default: %(default).0f)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    parser.add_argument(
        "--jobs",
        type=positive_jobs,
        default=default_jobs(),
        metavar="N",
        help="detect in N worker processes (default: every core, %(default)s here; 1: in "
        "this process); the project is written in this process, in input order",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Read every path, import what reads, report every problem, exit 1 if any failed."""
    err = Console(stderr=True, highlight=False)
    out = Console(highlight=False, quiet=args.quiet)
    formats = {p: _format_of(Path(p), args.format) for p in args.paths}
    if getattr(args, "utf16", False):
        others = [p for p in args.paths if formats[p] != "doccano"]
        if others:
            raise InputError(f"--utf16 is for doccano files; {others[0]} is read as "
                             f"{formats[others[0]]}")
    foreign = [p for p in args.paths if formats[p] in LAYER_READERS]
    if foreign:
        if not args.layer or not args.layer.strip():
            raise InputError(
                f"{foreign[0]} is a {formats[foreign[0]]} export; pass --layer NAME to load it"
            )
        # the articles first: an export loads onto documents the project already holds
        status = run(_without(args, foreign)) if len(foreign) < len(args.paths) else 0
        return _run_foreign(args, [(Path(p), formats[p]) for p in foreign], out, err) | status
    brat_folders = [p for p in args.paths if formats[p] == "brat"]
    if brat_folders and not args.layer:
        raise InputError(
            f"{brat_folders[0]} is a brat folder; pass --layer NAME to load its annotations"
        )
    if args.layer is not None and not args.layer.strip():
        raise InputError("--layer needs a name")
    plain = [p for p in args.paths if p not in brat_folders]
    results: Iterable[ReadResult] = read_documents(
        plain, max_bytes=int(args.max_mb * 1e6), jsonl=args.format in ("interchange", "jsonl"))
    layered: list[ReadResult] | None = None
    if args.layer:  # the layers load after the import: these inputs are kept (a gold file)
        layered = [_with_layer(r, args.layer) for r in results]
        if brat_folders:
            layered += _brat_results(args, brat_folders)
        results = layered
    problems: list[ReadResult] = []
    read_notes: list[str] = []  # said beside a document that was read (an export cut short)
    ignored = 0
    bare = 0  # with --layer: plain articles, which carry nothing for the layer

    def sorted_out() -> Iterator[ReadResult]:
        """The inputs that read, one at a time (an article corpus is never held whole); the
        others are kept for the report."""
        nonlocal ignored, bare
        for result in results:
            if not result.ok:
                problems.append(result)
                continue
            if result.note:
                read_notes.append(result.note)
            if result.record is not None and not args.layer:
                ignored += 1
            if args.layer and result.record is None:
                bare += 1
            yield result

    good = sorted_out()
    first = next(good, None)
    report = ImportReport()
    layer_failures: list[tuple[str, str]] = []
    layers_loaded = layers_unchanged = 0
    layered_ids: list[str] = []  # the documents whose layer was stored, as it goes
    outside: Counter[str] = Counter()
    coded: Counter[str] = Counter()
    try:
        if first is not None:  # nothing read: no project folder is created for nothing
            session = open_session(args)
            try:
                # another saywho of this annotator (an open TUI) leaves the import its shared files
                if session.shared_read_only:
                    raise SaywhoError(session.read_only_reason or "project is read-only")
                if args.layer:
                    _refuse_layer_name(session, args.layer)
                if args.layer and args.layer != session.annotator and lock_held(
                        lock_path(session.project.folder, args.layer)):
                    # that annotator's open session writes the layer (as merge refuses it too)
                    raise ProjectError(
                        f"layer {visible_line(args.layer)!r} is open for editing in another "
                        f"saywho of annotator {visible_line(args.layer)!r}; import it once that "
                        "session is closed")
                _import(session, itertools.chain([first], good), report,
                        jobs=getattr(args, "jobs", 1), change_meta=args.replace,
                        given=tuple(sorted(dict(args.meta or ()).items())))
                if layered is not None:
                    refused = {doc_id for doc_id, _ in report.failed + report.skipped}
                    kept = [r for r in layered if r.document is not None
                            and r.document.id not in refused]
                    layer_failures, layers_loaded, layers_unchanged = _load_layers(
                        session, kept, args.layer, replace=args.replace, stored=layered_ids)
                    failed = {doc_id for doc_id, _ in layer_failures}
                    stored = [r.record["_layer"] for r in kept if r.record is not None
                              and r.document is not None and r.document.id not in failed]
                    outside = labels_outside(session.scheme, stored)
                    coded = attributes_outside(session.speaker_attributes, stored,
                                               session.quote_variables)
            finally:
                close_session(session)
    except KeyboardInterrupt:
        return _interrupted(report, err, args.layer, len(layered_ids))
    for _ in good:  # the rest after a refusal: every problem is still reported
        pass
    for result in problems:
        label = "skipped" if result.skipped else "error"
        err.print(f"{label}: {visible_line(result.error or '')}", markup=False, soft_wrap=True)
    for _doc_id, message in report.skipped:
        err.print(f"skipped: {visible_line(message)}", markup=False, soft_wrap=True)
    for message in read_notes:
        err.print(f"note: {visible_line(message)}", markup=False, soft_wrap=True)
    for _doc_id, message in report.notes:
        err.print(f"note: {visible_line(message)}", markup=False, soft_wrap=True)
    for _doc_id, message in report.failed + report.meta_refused + layer_failures:
        err.print(f"error: {visible_line(message)}", markup=False, soft_wrap=True)
    if ignored:
        err.print(f"note: {ignored} line(s) carry quotes; pass --layer NAME to load them")
    if bare:
        err.print(Text(f"note: {count(bare, 'plain article')} imported as "
                       f"{'a document' if bare == 1 else 'documents'}, with nothing for layer "
                       f"{visible_line(args.layer)} (a brat or WebAnno folder is read as one "
                       "with --format auto, brat or webanno)"))
    if not args.quiet:  # a note, not a problem
        _note_labels_outside(outside, err)
        _note_attributes_outside(coded, err)
    table = Table(title="import", show_header=True)
    table.add_column("added", justify="right")
    table.add_column("unchanged", justify="right")
    table.add_column("failed", justify="right")
    table.add_column("skipped", justify="right")
    failed = [r for r in problems if not r.skipped]
    added, unchanged, refused = report.counts(doc_id for doc_id, _ in layer_failures)
    table.add_row(
        str(added),
        str(unchanged),
        str(len(failed) + refused),
        str(len(problems) - len(failed) + len(report.skipped)),
    )
    out.print(table)
    if report.meta_updated:
        err.print(f"note: {count(len(report.meta_updated), 'document')} already here "
                  "got the metadata this import brings (keys added, or changed to the values "
                  "given)", markup=False, soft_wrap=True)
    if layered is not None:  # what became of the layers, apart from the documents
        layers = Table(title=f"import --layer {visible_line(args.layer)}", show_header=True)
        for column in ("loaded", "unchanged", "refused"):
            layers.add_column(column, justify="right")
        layers.add_row(str(layers_loaded), str(layers_unchanged), str(len(layer_failures)))
        out.print(layers)
    return 1 if failed or report.failed or report.meta_refused or layer_failures else 0


def _format_of(path: Path, chosen: str) -> str:
    """The format ``--format`` names, else the one the path's name says."""
    if chosen == "jsonl":  # export's name for the interchange JSONL
        return "interchange"
    if chosen != "auto":
        return chosen
    try:
        return detect_format(path)
    except InputError:
        return "interchange"  # the reader says what is wrong with it


def _without(args: argparse.Namespace, paths: list[str]) -> argparse.Namespace:
    rest = argparse.Namespace(**vars(args))
    rest.paths = [p for p in args.paths if p not in paths]
    return rest


def _run_foreign(
    args: argparse.Namespace, paths: list[tuple[Path, str]], out: Console, err: Console
) -> int:
    """Load other tools' exports as layer ``args.layer`` of the project's documents."""
    loaded: list[ForeignLayer] = []
    unchanged = 0
    problems: list[str] = []
    session = open_session(args, create=False)
    try:
        if session.shared_read_only:
            raise SaywhoError(session.read_only_reason or "project is read-only")
        _refuse_layer_name(session, args.layer)
        hashes = {info.id: info.sha256 for info in session.documents()}
        for path, fmt in paths:
            try:
                matched, refused = read_foreign_layers(
                    fmt, path, layer=args.layer, hashes=hashes,
                    text_of=lambda d: session.document(d).text if d in hashes else None,
                    user=args.user, utf16=True if getattr(args, "utf16", False) else None,
                )
            except SaywhoError as exc:
                problems.append(exc.message)
                continue
            problems += [f"{path}: {r.reason}" for r in refused]
            for item in matched:
                try:
                    if session.put_layer(item.doc_id, item.layer, replace=args.replace):
                        loaded.append(item)
                    else:
                        unchanged += 1
                except SaywhoError as exc:
                    problems.append(f"{item.source}: {exc.message}")
        outside = labels_outside(session.scheme, (item.layer for item in loaded))
        coded = attributes_outside(session.speaker_attributes, (item.layer for item in loaded),
                                   session.quote_variables)
    finally:
        close_session(session)
    for message in problems:
        err.print(f"error: {visible_line(message)}", markup=False, soft_wrap=True)
    if not args.quiet:  # a note, not a problem
        _note_labels_outside(outside, err)
        _note_attributes_outside(coded, err)
    table = Table(title=f"import --layer {visible_line(args.layer)}", show_header=True)
    for column in ("loaded", "unchanged", "refused"):
        table.add_column(column, justify="right")
    table.add_row(str(len(loaded)), str(unchanged), str(len(problems)))
    out.print(table)
    return 1 if problems else 0


def _note_labels_outside(outside: Counter[str], err: Console) -> None:
    """One note for the stance labels a loaded layer uses that the scheme does not have."""
    if not outside:
        return
    shown = first_few([name for name, _ in outside.most_common()])
    n = sum(outside.values())
    err.print(f"note: {n} quote(s) carry stance labels the scheme does not have ({shown}): "
              "kept as they are; add them to the scheme (K in the reader) to assign them by key",
              markup=False, soft_wrap=True)


def _note_attributes_outside(outside: Counter[str], err: Console) -> None:
    """One note for the speaker attribute values a loaded layer uses that the project does
    not define."""
    if not outside:
        return
    shown = first_few([pair for pair, _ in outside.most_common()])
    err.print(f"note: {sum(outside.values())} coded value(s) are ones the project does not "
              f"define ({shown}): kept and counted as they are; add them with saywho "
              "attributes (a speaker's) or saywho variables (a quote's) --set NAME=VALUE,... "
              "to code them in the reader",
              markup=False, soft_wrap=True)


def meta_pair(spec: str) -> tuple[str, str]:
    """``--meta KEY=VALUE``, checked as metadata is (``metadata.read_meta``)."""
    key, sep, value = spec.partition("=")
    meta, problem = read_meta([(key, value)], "--meta")
    if not sep or problem or not meta:
        raise argparse.ArgumentTypeError(
            problem or f"{spec!r}: give KEY=VALUE, e.g. outlet='Daily Ledger'")
    return meta[0]


def _import(session: Session, good: Iterable[ReadResult], report: ImportReport, *,
            jobs: int = 1, change_meta: bool = False, given: Meta = ()) -> None:
    """Import the documents as they are read, into ``report`` as they are stored, with a
    progress bar on stderr for long runs. A file whose text the project holds under another
    id is left out, named: a second copy would count twice in every statistic (unless the two
    differ in metadata: a wire story in two outlets). A JSONL line names its own id: it is
    imported as given (a gold file's layer refers to it). ``given`` (``--meta``) is every
    document's metadata, over its file's."""
    files: set[str] = set()
    numbered: set[str] = set()  # ids saywho made up (a news export's article by its place)

    def documents() -> Iterator[Document]:
        for result in good:
            doc = result.document
            if doc is not None:
                if result.source == doc.source:  # a file, not a JSONL line
                    files.add(doc.id)
                if result.numbered:
                    numbered.add(doc.id)
                if given:
                    meta, problem = merged_meta(doc.meta, given)
                    if problem:
                        report.failed.append((doc.id, f"{doc.id}: --meta: {problem}"))
                        continue
                    doc = replace(doc, meta=meta)
                yield doc

    with counting_progress("importing") as advance:
        session.import_documents(documents(), progress=lambda _doc: advance(), jobs=jobs,
                                 report=report, skip_same_text=lambda doc: doc.id in files,
                                 change_meta=change_meta,
                                 numbered=lambda doc: doc.id in numbered)


def _interrupted(report: ImportReport, err: Console, layer: str | None = None,
                 layered: int = 0) -> int:
    """Ctrl-C: what was stored before it. Each document is listed only once its text and
    suggestions are written (``annotations.store.imports``), and each layer is written whole,
    so the project holds those whole; with ``layer``, how many documents got it (the layer is
    partial: an ``agree`` or ``eval`` on it now counts only those). The exit code is the
    interrupted command's."""
    stored = count(len(report.added), "document")
    got = (f"; {count(layered, 'document')} got layer {visible_line(layer)!r}, the others "
           "not yet" if layer else "")
    err.print(f"saywho: interrupted: {stored} stored before it{got}; the project is intact "
              "(nothing half-written); import the same paths again to add the rest",
              markup=False, soft_wrap=True)
    return 1


def _with_layer(result: ReadResult, name: str) -> ReadResult:
    """A JSONL line with its layer built from its own text, before anything is written: a line
    whose annotations the schema refuses is reported and left out whole (its document too), so
    the project is unchanged by it."""
    if result.record is None or result.document is None or "_layer" in result.record:
        return result
    doc = result.document
    try:
        layer = layer_from_interchange(result.record, doc.text, name=name, origin=name, doc=doc.id)
    except SaywhoError as exc:
        return ReadResult(result.source, error=f"{result.source}: {exc.message}")
    return ReadResult(result.source, doc, record={"_layer": layer})


def _brat_results(args: argparse.Namespace, folders: list[str]) -> list[ReadResult]:
    """The documents and layers of brat folders. A file name that is no project id
    (``saywho-ids.tsv`` missing) is matched to the project's document of the same text
    (``Project.same_text``, the store's one rule), rather than made a second copy of it;
    never to one of several documents holding that text (a wire story two outlets ran)."""
    from contextlib import nullcontext

    from annotations.store import Project

    try:
        opened = Project.open(project_dir(args), read_only=True, create=False)
    except SaywhoError:  # no project yet: every file is a new document
        opened = None
    out: list[ReadResult] = []
    with opened if opened is not None else nullcontext() as project:
        for folder in folders:
            for doc_id, text, layer in read_brat(Path(folder), layer=args.layer):
                holders: list[str] = []
                if project is not None and project.document_info(doc_id) is None:
                    holders = project.same_text(Document(doc_id, "", text))
                if len(holders) > 1:
                    out.append(ReadResult(f"brat:{doc_id}", error=(
                        f"brat:{doc_id}: its text is held by {len(holders)} documents "
                        f"({', '.join(holders[:5])}); name its document in the folder's "
                        "saywho-ids.tsv (a saywho brat export writes one)")))
                    continue
                known = holders[0] if holders else doc_id
                doc = Document(known, first_line_title(text) or known, text, source="brat")
                out.append(ReadResult(f"brat:{doc_id}", doc, record={"_layer": layer}))
    return out


def _refuse_layer_name(session: Session, name: str) -> None:
    """Refuse, before anything is written, a layer name that is another's but for capitals
    (one file on macOS and Windows): per document it was refused only where the other layer
    already was, and written everywhere else."""
    problem = session.read(lambda s: s.project.new_layer_problem(name))
    if problem is not None:
        raise InputError(problem, title="Layer name")


def _load_layers(
    session: Session, good: list[ReadResult], name: str, *, replace: bool = False,
    stored: list[str] | None = None,
) -> tuple[list[tuple[str, str]], int, int]:
    """Store each read layer as ``name``: (refusals, layers stored, layers already equal);
    the documents given or already holding it go to ``stored`` as they are done."""
    failures = []
    loaded = unchanged = 0
    for result in good:
        if result.record is None or result.document is None:
            continue
        doc = result.document
        try:
            text = session.document(doc.id).text
            layer = result.record["_layer"]
            if text != doc.text and text.rstrip() != doc.text.rstrip():
                what = "the brat text" if result.source.startswith("brat:") else "this line's text"
                raise InputError(f"{doc.id}: the project's text differs from {what}")
            layer = layer.check(text)  # final line ends aside, its spans must fit the project's
            if session.put_layer(doc.id, layer, replace=replace):
                loaded += 1
            else:
                unchanged += 1
            if stored is not None:
                stored.append(doc.id)
        except SaywhoError as exc:
            failures.append((doc.id, f"{result.source}: {exc.message}"))
    return failures, loaded, unchanged
