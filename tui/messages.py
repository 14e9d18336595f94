"""Messages a screen posts to ask for navigation it does not own.

A screen never imports the app: to open a document it posts ``OpenDocument``, which bubbles
to the app; the app decides which screen shows it.
"""

from __future__ import annotations

from textual.message import Message


class OpenDocument(Message):
    """Open ``doc_id`` in the reader, at ``quote_id`` when given; else at character ``offset``
    (the quote holding it becomes current) with ``find`` searched for in the document (its hits
    highlighted, the one at ``offset`` first), when given."""

    def __init__(self, doc_id: str, quote_id: str | None = None, *, offset: int | None = None,
                 find: str | None = None) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.quote_id = quote_id
        self.offset = offset
        self.find = find
