"""The project store: TinyDB made safe (atomic writes, a session lock, a journal, migrations)."""

from annotations.store.project import (
    DocumentInfo,
    EditReceipt,
    ImportReport,
    Project,
    default_annotator,
)

__all__ = ["DocumentInfo", "EditReceipt", "ImportReport", "Project", "default_annotator"]
