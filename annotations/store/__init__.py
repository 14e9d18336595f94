"""The project store: TinyDB made safe (atomic writes, a session lock, a journal, migrations).

Storage only: the store never runs the detector; callers hand it computed suggestions.
"""

from annotations.store.documents import DocumentInfo
from annotations.store.history import EditReceipt
from annotations.store.imports import ImportReport
from annotations.store.project import Project, default_annotator

__all__ = ["DocumentInfo", "EditReceipt", "ImportReport", "Project", "default_annotator"]
