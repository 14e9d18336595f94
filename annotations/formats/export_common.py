"""What every export writer shares: the report it returns, status filtering, safe file names,
UTF-16 offsets (for tools written in Java or JavaScript), the quote's speaker fields, who stands
behind a quote (``quote_annotator``), and the token helpers of the token-per-line formats
(CoNLL, WebAnno), which must stay linear in the document however many quotes it has.

A quote's confidence in every export is ``annotations.model.confidence_of``: the figure the
TUI shows for the same quote, so a spreadsheet and the screen never disagree.
"""

from __future__ import annotations

import bisect
import os
import re
import tempfile
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from annotations.display import visible_line
from annotations.errors import InputError
from annotations.model import Document, Layer, Quote
from annotations.review import is_reviewed
from annotations.store.paths import safe_filename
from annotations.text import tokens

DocLayer = tuple[Document, Layer]


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What a writer wrote: how many documents and quotes, and where."""

    docs: int
    quotes: int
    path: str = ""
    left_over: tuple[str, ...] = ()
    """Files a folder export found in its folder and did not write (an earlier export's):
    read back with it, they would count as this export's."""

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for ``--json`` output."""
        return {"docs": self.docs, "quotes": self.quotes, "path": self.path,
                "left_over": list(self.left_over)}


def filter_layer(layer: Layer, statuses: Collection[str] | None) -> Layer:
    """``layer`` with only the quotes whose status is in ``statuses`` (``None``: all).

    Speakers are kept whole: a speaker with mentions but no remaining quote is still a
    speaker of the document.
    """
    if not statuses:
        return layer
    wanted = set(statuses)
    return replace(layer, quotes={k: q for k, q in layer.quotes.items() if q.status in wanted})


def filter_items(items: Iterable[DocLayer], statuses: Collection[str] | None) -> Iterable[DocLayer]:
    """Apply ``filter_layer`` lazily to a stream of ``(Document, Layer)`` pairs."""
    for doc, layer in items:
        yield doc, filter_layer(layer, statuses)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def safe_name(doc_id: str, taken: set[str] | None = None) -> str:
    """A file-system-safe, unique (within ``taken``) file stem for ``doc_id``.

    The stem is the project store's file name for the id (``safe_filename``: safe ids stay as
    they are, others become a slug plus a hash, so ``a:b`` and ``a/b`` never collide).
    """
    stem = safe_filename(doc_id)
    if taken is not None:
        base, n = stem, 2
        while stem.lower() in taken:
            stem = f"{base}-{n}"
            n += 1
        taken.add(stem.lower())
    return stem


class Utf16Offsets:
    """Maps Python (code point) offsets of one text to UTF-16 code-unit offsets.

    WebAnno TSV (Java) and Label Studio (JavaScript) count UTF-16 units: a character outside
    the Basic Multilingual Plane (an emoji) counts twice.
    """

    __slots__ = ("_prefix",)

    def __init__(self, text: str) -> None:
        self._prefix: list[int] | None = None
        if not text.isascii() and _ASTRAL.search(text):
            prefix = [0]
            total = 0
            for c in text:
                total += 2 if ord(c) > 0xFFFF else 1
                prefix.append(total)
            self._prefix = prefix

    def __call__(self, offset: int) -> int:
        return offset if self._prefix is None else self._prefix[offset]


def speaker_fields(layer: Layer, quote: Quote) -> tuple[str | None, str | None, str | None]:
    """The quote's speaker as ``(canonical name, surface mention, kind)``; ``None`` if unknown."""
    speaker = layer.speakers.get(quote.speaker_id or "")
    mention = quote.speaker_mention.text if quote.speaker_mention else None
    if speaker is None:
        return None, mention, None
    return speaker.name, mention, speaker.kind


def quote_annotator(quote: Quote, layer: Layer, annotator: str | None = None) -> str:
    """Who an export names as the author of ``quote``: the one rule behind every format's
    annotator field.

    A suggestion nobody has reviewed yet (``review.is_reviewed``: status still ``suggested``)
    is the work of whatever made it: its ``origin`` (``detector@version``), never the name of
    the person whose layer it sits in. A reviewed quote (accepted, added or rejected by a
    person) is the work of ``annotator`` when given, else of the layer's owner (its name).
    """
    if not is_reviewed(quote):
        return quote.origin or layer.name
    return annotator or layer.name


_TEMP = re.compile(r"\..+\.saywho-(\d+)-[A-Za-z0-9_]+\.tmp")


@contextmanager
def atomic_output(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temp file next to ``path`` and move it over ``path`` only when the block succeeds.

    A failed or interrupted export never leaves a half-written file under the target name, and
    the temp file is removed on any exception; one a killed export left behind carries the
    writer's pid in its name (``.<name>.saywho-<pid>-<random>.tmp``) and is removed by the next
    export to that folder (``remove_orphan_export_temps``). Text mode writes UTF-8 with ``\\n``
    line ends, whatever the platform.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.saywho-{os.getpid()}-", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:  # said of the file asked for, not of the temp file beside it
        raise InputError(f"cannot write {visible_line(str(path))}: "
                         f"{exc.strerror or exc}") from None
    try:
        if "b" in mode:
            handle: IO[Any] = os.fdopen(fd, mode, buffering=1 << 20)
        else:
            handle = os.fdopen(fd, mode, encoding="utf-8", newline="", buffering=1 << 20)
        with handle:
            yield handle
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; an export is for sharing
        os.replace(tmp, path)
    except BaseException as exc:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename in (tmp, str(path)):
            raise InputError(f"cannot write {visible_line(str(path))}: "
                             f"{exc.strerror or exc}") from None
        raise


def remove_orphan_export_temps(folder: Path) -> list[str]:
    """Delete the temp files of exports into ``folder`` whose process is gone (killed midway);
    return their names. Other files, and the temp files of a running export, are left alone."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.fullmatch(entry.name)
        if match is None or _alive(int(match.group(1))):
            continue
        with suppress(OSError):
            os.unlink(entry.path)
            removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def sentence_tokens(
    text: str, start: int, end: int, cuts: list[int]
) -> list[tuple[int, int]]:
    """``tokens(text, start, end, cuts)`` for ``cuts`` sorted once for the whole document:
    only the cuts inside the sentence are handed on (``tokens`` sorts what it gets, and a
    document's every cut for every sentence costs sentences x annotations)."""
    lo, hi = bisect.bisect_left(cuts, start), bisect.bisect_right(cuts, end)
    return tokens(text, start, end, cuts[lo:hi])


class FreeTokens:
    """Token indices not yet taken, for "the first span over a token tags it": each span
    visits only the tokens still free in its range, so nested and overlapping spans cost the
    tokens they tag, not the tokens they cover."""

    def __init__(self, n: int) -> None:
        self._next = list(range(n + 1))  # the first free index at or after i (path-halved)

    def take(self, lo: int, hi: int) -> Iterator[int]:
        """Yield and take the free indices in ``[lo, hi)``, in order."""
        i = self._find(lo)
        while i < hi:
            yield i
            self._next[i] = i + 1
            i = self._find(i + 1)

    def _find(self, i: int) -> int:
        nxt = self._next
        while nxt[i] != i:
            nxt[i] = nxt[nxt[i]]
            i = nxt[i]
        return i
