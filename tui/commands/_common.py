"""What several commands share: finding and opening the project, the bundled seeds."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from annotations.errors import DamagedFileError, InputError
from annotations.model import SUGGESTIONS_LAYER
from annotations.store import Project

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


def project_dir(args: argparse.Namespace) -> Path:
    """``--project``, else ``$SAYWHO_PROJECT``, else the per-user data folder."""
    chosen = getattr(args, "project", None) or os.environ.get("SAYWHO_PROJECT")
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("saywho")) / "project"


def open_project(
    args: argparse.Namespace, *, read_only: bool = False, create: bool = True
) -> Project:
    """Open the project the arguments name, for ``--annotator`` (default: the login name)."""
    return Project.open(
        project_dir(args),
        getattr(args, "annotator", None),
        read_only=read_only,
        create=create,
    )


def seed_if_empty(project: Project) -> int:
    """Import the bundled sample articles into a new, empty project; return how many."""
    if project.read_only or project.document_ids() or not SEEDS_DIR.is_dir():
        return 0
    from annotations.formats.readers import read_documents

    docs = [r.document for r in read_documents([SEEDS_DIR]) if r.document is not None]
    return len(project.add_documents(docs).added)


def check_layer(project: Project, name: str | None) -> str:
    """The layer a command reads: ``name``, else the annotator's own.

    A name given explicitly must be stored in some document (or be the suggestions, or the
    annotator's own layer): a typo must not quietly read the suggestions instead.
    """
    if not name:
        return project.annotator
    if name in (SUGGESTIONS_LAYER, project.annotator):
        return name
    known: set[str] = set()
    for doc_id in project.document_ids():
        try:
            known.update(project.layer_names(doc_id))
        except DamagedFileError:
            continue
    if name not in known:
        have = ", ".join(sorted(known)) or "none"
        raise InputError(f"no layer named {name!r} in the project (it has: {have})")
    return name
