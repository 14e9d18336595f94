"""What several commands share: finding the project and opening a session on it, the seeds."""

from __future__ import annotations

import argparse
import os
import sys
import weakref
from pathlib import Path

from annotations.codebook import QUOTE_SETTING, SETTING, unreadable_messages
from annotations.display import visible_line
from annotations.errors import DamagedFileError, InputError
from annotations.model import SUGGESTIONS_LAYER
from annotations.session import Session
from annotations.store.paths import PROJECT_FILE

SEEDS_PACKAGE = "annotations.seeds"  # the top-level seeds/ folder, shipped as package data


def project_dir(args: argparse.Namespace) -> Path:
    """``--project``, else ``$SAYWHO_PROJECT``, else the per-user data folder."""
    chosen = getattr(args, "project", None) or os.environ.get("SAYWHO_PROJECT")
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("saywho")) / "project"


def open_session(
    args: argparse.Namespace, *, read_only: bool = False, create: bool = True
) -> Session:
    """A session on the project the arguments name, for ``--annotator`` (default: login).
    A project made here is said on stderr with its whole path: a mistyped or relative
    ``--project`` made a new one without a word."""
    folder = project_dir(args)
    new = create and not read_only and is_new_project(args)
    session = Session.open(
        folder,
        getattr(args, "annotator", None),
        read_only=read_only,
        create=create,
    )
    if new and (folder / PROJECT_FILE).is_file():
        print(f"saywho: note: created a new project at {visible_line(str(folder.resolve()))}",
              file=sys.stderr)
    _warn_damage(session)  # what was moved aside or recovered at open
    return session


def is_new_project(args: argparse.Namespace) -> bool:
    """Whether the project the arguments name has no project file yet (opening makes one)."""
    return not (project_dir(args) / PROJECT_FILE).is_file()


def project_named(args: argparse.Namespace) -> str:
    """`` (project PATH)`` for a summary line when the project was not given by ``--project``
    (the environment's or the per-user default: say which one was read), else ``""``."""
    if getattr(args, "project", None):
        return ""
    return f" (project {visible_line(str(project_dir(args).resolve()))})"


_SAID: weakref.WeakKeyDictionary[Session, int] = weakref.WeakKeyDictionary()


def _warn_damage(session: Session) -> None:
    """Print the damage messages of ``session`` not printed yet."""
    damaged = session.damaged
    for message in damaged[_SAID.get(session, 0):]:
        print(f"saywho: warning: {visible_line(message)}", file=sys.stderr)
    _SAID[session] = len(damaged)


def close_session(session: Session) -> None:
    """Close a command's session, first saying any damage found while it worked (a layer
    file moved aside as the command read it): found after the open, it was never said. The
    commands that pass over the corpus (export, stats, agree, eval) say each damaged document
    they skip themselves, and close as usual."""
    try:
        _warn_damage(session)
    finally:
        session.close()


def seed_if_empty(session: Session) -> int:
    """Import the bundled sample articles into a new, empty project; return how many."""
    if session.read_only or session.document_ids():
        return 0
    from contextlib import ExitStack
    from importlib.resources import as_file, files

    from annotations.formats.readers import SUPPORTED_SUFFIXES, read_documents

    articles = [f for f in files(SEEDS_PACKAGE).iterdir()
                if f.is_file() and Path(f.name).suffix.lower() in SUPPORTED_SUFFIXES]
    with ExitStack() as stack:  # as_file: a real path even when installed as a zip
        paths = [stack.enter_context(as_file(f)) for f in sorted(articles, key=lambda f: f.name)]
        docs = [r.document for r in read_documents(paths) if r.document is not None]
    return len(session.import_documents(docs).added)


def check_layer(session: Session, name: str | None) -> str:
    """The layer a command reads: ``name``, else the annotator's own.

    A name given explicitly must be stored in some document (or be the suggestions, or the
    annotator's own layer): a typo must not quietly read the suggestions instead.
    """
    if not name:
        return session.annotator
    if name in (SUGGESTIONS_LAYER, session.annotator):
        return name
    from annotations.indexed_layers import IndexedLayerNames
    from annotations.streaming import each_document

    indexed = IndexedLayerNames(session, [name])  # the corpus index: a stat per file
    if any(indexed.has_layer(doc_id, name) for doc_id in session.document_ids()):
        return name
    known: set[str] = set()
    for doc_id in each_document(session):
        try:
            known.update(session.layer_names(doc_id))
        except DamagedFileError:
            continue
    if name not in known:
        have = ", ".join(sorted(known)) or "none"
        raise InputError(f"no layer named {name!r} in the project (it has: {have})")
    return name


def parse_counts(text: str, option: str) -> list[int]:
    """``"5,10,20"`` -> [5, 10, 20] (sorted, each once), for a simulation's ``option``
    (``--articles``, ``--labels``); ``InputError`` for anything else."""
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError(f"{option} takes comma-separated whole numbers, not {text!r}") from None
    if not counts or any(c <= 0 for c in counts):
        raise InputError(f"{option} takes positive whole numbers, not {text!r}")
    return sorted(set(counts))


SHOWN = 5  # how many names a one-line summary lists before "… N more"


def first_few(names: list[str]) -> str:
    """"a, b, c, d, e, … 3 more": the first ``SHOWN`` of ``names``, shown safely, and how
    many more; how a one-line summary names documents or labels."""
    shown = ", ".join(visible_line(n) for n in names[:SHOWN])
    return shown + (f", … {len(names) - SHOWN} more" if len(names) > SHOWN else "")


def missing_layer_clause(missing: list[str], layer_name: str, what_became: str) -> str:
    """"N documents have no layer X (a, b, … 3 more): <what_became>": the one way ``export``
    and ``stats`` say which documents a named layer does not cover."""
    have = "document has" if len(missing) == 1 else "documents have"
    return (f"{len(missing)} {have} no layer {visible_line(layer_name)} "
            f"({first_few(missing)}): {what_became}")


def refuse_inside(project: Path, out: Path, option: str = "--out") -> None:
    """An export (``option`` names its file) never writes into the project folder: a slip of
    ``--out`` wrote a CSV over an annotator's journal, or over ``saywho.json``."""
    where = out.expanduser().resolve()
    home = project.expanduser().resolve()
    if where == home or home in where.parents:
        raise InputError(f"{option} {visible_line(str(out))} is inside the project folder "
                         f"{visible_line(str(project))}; write the export outside it")


def warn_unreadable_codebook(session: Session, settings: tuple[str, ...] = (SETTING, QUOTE_SETTING),
                             changing: bool = False) -> None:
    """Say on stderr how many entries of the project's speaker attributes and quote variables
    (a hand-edited saywho.json) do not read: what they code is left out of every figure."""
    for message in unreadable_messages(session.settings, settings):
        print(f"saywho: {message}"
              f"{'; --set writes the setting without them' if changing else ''}",
              file=sys.stderr)
