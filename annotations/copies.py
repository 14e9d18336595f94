"""Which texts of an import are copies of a stored document: the same article saved twice is
left out, a wire story two outlets ran is kept for each.

A text the project already holds under another id (``Project.same_text``, final white space
aside) is a plain copy when one of the documents holding it carries all the metadata it
brings (or it brings none): storing it would count the article twice in every statistic. What
a news database records beside an article (``RECORD_KEYS``: its load date, its wording of the
copyright and byline, its own id) is left out of that comparison, so the same article
downloaded from Nexis and from Factiva, or listed twice by Nexis, is a plain copy. One
whose metadata differs (another outlet, another folder) is that outlet's copy: it is stored,
marked ``same_text_as`` naming the first document of its text, so it counts in the outlet's
figures and an analysis can tell it from the outlet's own reporting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from annotations.metadata import SAME_TEXT_AS, Meta, merged_meta, own_meta
from annotations.model import Document

if TYPE_CHECKING:
    from annotations.store import ImportReport, Project
    from annotations.store.documents import Classification


class Copies:
    """The copy rule of one import into ``project``, for the documents ``applies`` says yes
    to (``saywho import``: files, whose ids are their names), and the id rule for those
    ``numbered`` says yes to (``placed``); what it decides goes to ``report`` (``skipped``,
    ``notes``)."""

    def __init__(self, project: Project, report: ImportReport,
                 applies: Callable[[Document], bool] | None,
                 numbered: Callable[[Document], bool] | None = None) -> None:
        self.project = project
        self.report = report
        self.applies = applies
        self.numbered = numbered
        self._placed: dict[str, str] = {}  # an id ``placed`` gave -> the id it was read with
        self._kept: dict[str, tuple[str, list[str]]] = {}  # a copy kept -> (first, keys)

    def standing(self, doc: Document) -> Classification:
        """``doc``'s classification for the import: a text another document holds is "new"
        unless the rule applies and it is a plain copy ("duplicate": left out)."""
        kind = self.project.classify(doc)
        read = replace(doc, id=self._placed.get(doc.id, doc.id))  # as ``applies`` knows it
        if kind != "duplicate" or self.applies is None or not self.applies(read):
            return "new" if kind == "duplicate" else kind
        if self.copy_of(doc) is not None:
            return kind
        first = self.project.same_text(doc)[0]
        info = self.project.document_info(first)
        theirs = _publication(own_meta(info.meta)) if info is not None else set()
        self._kept[doc.id] = (first, sorted({k for k, _ in _publication(doc.meta) ^ theirs}))
        return "new"

    def placed(self, doc: Document) -> Document:
        """``doc`` under the id it is stored by. An id saywho made up (``numbered``: a news
        export's article by the file's name and its place, ``Files (100)-3``) that holds
        another text takes the first of ``Files (100)-3-2``, ``-3``... that holds none or
        this one (a second download of that name, its articles added; imported again,
        unchanged), said in a note; any other id is kept (the store refuses a changed text)."""
        if self.numbered is None or not self.numbered(doc):
            return doc
        if self.project.classify(doc) == "conflict" and (held := self.copy_of(doc)) is not None:
            return replace(doc, id=held)  # read before, in a download of another name: unchanged
        from annotations.formats.schema import suffixed_id  # the import's path, not startup's

        base, n, placed = doc.id, 1, doc
        while placed.id in self._placed or self.project.classify(placed) == "conflict":
            n += 1
            placed = replace(doc, id=suffixed_id(base, f"-{n}"))
        self._placed[placed.id] = doc.id
        if placed is not doc and self.project.classify(placed) == "new":
            self.report.notes.append((placed.id, f"{placed.id}: stored under this id, "
                                                 f"{base!r} holds another article"))
        return placed

    def copy_of(self, doc: Document) -> str | None:
        """The document ``doc`` is a plain copy of: the first holding its text whose metadata
        holds all of ``doc``'s (any one, when ``doc`` brings none: a key the stored one gained
        since, from a merge or ``--meta``, does not make it another)."""
        brought = _publication(doc.meta)
        for other in self.project.same_text(doc):
            info = self.project.document_info(other)
            if info is not None and brought <= _publication(own_meta(info.meta)):
                return other
        return None

    def skip(self, doc: Document) -> None:
        """Say that ``doc``, a plain copy, is left out."""
        self.report.skipped.append(
            (doc.id, f"{doc.id}: same text as {self.copy_of(doc)!r}; skipped"))

    def marked(self, doc: Document) -> Document:
        """``doc`` as it is stored: a copy kept for its other metadata marked
        ``same_text_as`` (when it has room for one more key), said in a note."""
        if doc.id not in self._kept:
            return doc
        first, differ = self._kept.pop(doc.id)
        meta, full = merged_meta(doc.meta, ((SAME_TEXT_AS, first),))
        mark = "" if full else f", marked same_text_as {first!r}"
        self.report.notes.append((doc.id, f"{doc.id}: same text as {first!r}, stored (its "
                                          f"metadata differs: {', '.join(differ)}){mark}"))
        return doc if full else replace(doc, meta=meta)


# what a news database or an edition states beside an article, which another download of the
# same article states otherwise (Nexis and Factiva word the copyright, count the words, name
# the section and write the byline each their own way; Nexis lists an article again with
# another Load-Date): never what makes it another publication, as its outlet, date or folder do
RECORD_KEYS = frozenset({
    "database", "document_id", "source_code", "load_date", "copyright", "words", "section",
    "edition", "page", "time", "publication_type", "document_type", "language", "publisher",
    "credit", "dateline", "author"})


def _publication(meta: Meta) -> set[tuple[str, str]]:
    """The metadata that tells one publication of a text from another: ``meta`` without
    ``RECORD_KEYS``, its values compared without case or spacing."""
    return {(k, " ".join(v.casefold().split())) for k, v in meta if k not in RECORD_KEYS}
