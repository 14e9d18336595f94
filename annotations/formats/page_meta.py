"""An article's metadata from the file it came in: an HTML page's ``<meta>`` tags and canonical
link, a Markdown file's front matter.

Saved news pages say their outlet, date, author and address in the tags search engines and
social networks read (Open Graph ``og:site_name``, ``article:published_time``, Dublin Core,
Parse.ly); notes and static-site corpora put them in a ``---`` block of ``key: value`` lines at
the top of a Markdown file (read, and left in the text). Both are read with the standard
library in one linear pass, into ``annotations.metadata``'s keys. A page's tag that cannot be
read is left out alone (the tags are the page's, not an input the researcher wrote); front
matter the researcher wrote is read whole or not at all, and stays in the text either way
(nothing of it is lost).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from annotations.metadata import Meta, loose_meta, read_meta
from annotations.text import FRONT_ITEM_LINE, FRONT_KEY_LINE, front_matter_end

# tag name (``name`` or ``property``, lower case) -> our key; the first tag given for a key wins
HTML_TAGS: dict[str, str] = {
    "og:site_name": "outlet", "application-name": "outlet", "publisher": "outlet",
    "article:published_time": "date", "og:article:published_time": "date", "date": "date",
    "pubdate": "date", "publish-date": "date", "publish_date": "date", "dc.date": "date",
    "dcterms.date": "date", "dc.date.issued": "date", "sailthru.date": "date",
    "parsely-pub-date": "date",
    "author": "author", "article:author": "author", "dc.creator": "author", "byl": "author",
    "parsely-author": "author", "sailthru.author": "author",
    "article:section": "section", "parsely-section": "section",
    "og:url": "url",
}


def html_meta(html: str) -> Meta:
    """The metadata an HTML page's head gives (canonical link over ``og:url``; ``<html
    lang>`` as ``language``)."""
    reader = _HeadTags()
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):  # a page html.parser gives up on: what it read
        pass
    found = dict(reader.found)
    if reader.canonical:
        found["url"] = reader.canonical
    return loose_meta(found.items())


class _HeadTags(HTMLParser):
    """Collects the ``<meta>`` tags of ``HTML_TAGS``, the canonical link and the language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self.canonical = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("meta", "link", "html"):
            return
        got: dict[str, str] = {k.lower(): v for k, v in attrs if v is not None}
        if tag == "html":
            if got.get("lang") and "language" not in self.found:
                self.found["language"] = got["lang"]
        elif tag == "link":
            if "canonical" in got.get("rel", "").lower().split() and not self.canonical:
                self.canonical = got.get("href", "").strip()
        else:
            name = (got.get("property") or got.get("name") or "").strip().lower()
            key = HTML_TAGS.get(name)
            value = got.get("content", "").strip()
            if key and value and key not in self.found:
                self.found[key] = value


def front_matter(text: str) -> tuple[str, Meta]:
    """``(title, metadata)`` of a Markdown text's front matter block; ``("", ())`` when it
    has none (or one that cannot be read). The block stays in the text: the text a project
    stored before front matter was read is the text a re-import brings."""
    end = front_matter_end(text)  # the one rule for where a block is
    pairs: list[tuple[str, Any]] = []
    for line in text[:end].splitlines()[1:-1]:
        item = FRONT_ITEM_LINE.fullmatch(line)
        pair = FRONT_KEY_LINE.fullmatch(line.rstrip())
        if item is not None and pairs and isinstance(pairs[-1][1], list):
            pairs[-1][1].append(_unquoted(item.group(1)))
        elif pair is not None:
            value = _unquoted(pair.group(2) or "")
            pairs.append((pair.group(1), value if value else []))
        elif line.strip() and not line.lstrip().startswith("#"):
            return "", ()  # a nested map, an item of no list: not read (it stays in the text)
    return _front(pairs) if end else ("", ())


def _front(pairs: list[tuple[str, Any]]) -> tuple[str, Meta]:
    """The title and metadata of read front-matter ``pairs`` (none when they cannot be
    metadata)."""
    title = ""
    kept = []
    for key, value in pairs:
        if key.strip().lower() == "title" and isinstance(value, str):
            title = value[:120]
        else:
            kept.append((key, value or None))
    meta, problem = read_meta(kept, "front matter")
    return ("", ()) if problem else (title, meta)


def _unquoted(value: str) -> str:
    """A front-matter value without the quotes YAML allows around it."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
