"""``saywho.json``, the one file the whole project shares: open it, start it, recover it.

It holds the schema version, the stance scheme and settings (``settings.py``) and the document
list (``documents.py``). A new project gets its version and default scheme here; a file that
does not parse is moved aside and the document list rebuilt from ``texts/``, so a damaged
project file never loses a document (read-only, it is refused instead).
"""

from __future__ import annotations

from tinydb import TinyDB

from annotations.errors import DamagedFileError, ProjectError
from annotations.model import StanceScheme
from annotations.store.documents import rebuilt_rows
from annotations.store.folder import PROJECT_FILE, ProjectFolder
from annotations.store.migrations import PROJECT_MIGRATIONS, SCHEMA_VERSION


def open_project_file(folder: ProjectFolder) -> TinyDB:
    """The project's ``saywho.json`` as a TinyDB, created, migrated or recovered as needed."""
    path = folder.path / PROJECT_FILE
    try:
        db = folder.open_tinydb(path, PROJECT_MIGRATIONS)
    except DamagedFileError as exc:
        folder.note_damage(exc.message)
        if folder.read_only:
            raise ProjectError(exc.message) from None
        db = folder.open_tinydb(path, PROJECT_MIGRATIONS)
        db.table("documents").insert_multiple(rebuilt_rows(folder))
    if not db.table("_meta").all() and not folder.read_only:
        db.table("_meta").insert({"schema_version": SCHEMA_VERSION})
        db.table("project").insert({"scheme": StanceScheme().to_dict(), "settings": {}})
    return db
