"""What a built page holds for the link check: the ids it defines and the links it has."""

from __future__ import annotations

import html
import re
from typing import NamedTuple


class PageScan(NamedTuple):
    """The ids a page defines and the links it holds."""

    ids: frozenset[str]
    refs: tuple[tuple[str, str], ...]  # (tag name, attribute value), in page order


class TagLinks(NamedTuple):
    """What one distinct start tag holds: the ids it defines and its link, if any."""

    ids: tuple[str, ...]
    link: tuple[str, str] | None  # (tag name, URL)


# Start tags with attributes: text in code blocks has its '<' escaped and JSON-LD
# has it as \u003c, so neither is mistaken for a tag. A regex scan is many times
# faster than html.parser, which matters because every page of the site is scanned.
# A tag without attributes holds no id or link (and no '<' that could start
# another tag), so it is not matched. Every part of a tag can end only where it
# ends greedily (a name cut short is followed by a name's character, which no
# later part accepts, and so on), so the possessive quantifiers, which never
# give characters back, find the same tags as plain ones, without the retries.
_TAG = re.compile(
    r"""<(
        [a-zA-Z][a-zA-Z0-9-]*+                                  # the tag's name
        (?:\s++[^\s=/>"']++                                     # each attribute's name
            (?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'>]++))?+     # and its value
        )++
    )\s*+/?+>""",
    re.VERBOSE,
)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_LINKING = {"a": "href", "link": "href", "img": "src", "script": "src"}
_ID_ATTRIBUTES = {"a": ("id", "name")}
_NOTHING = TagLinks((), None)  # what most tags hold
# How many distinct tags a memo remembers before it starts again (about 10 MB).
TAGS_KEPT = 1 << 15


def scan_page(data: bytes, tags: dict[str, TagLinks]) -> PageScan:
    """The ids and links of a page (:class:`LintMemo` takes it, whoever made it)."""
    if len(tags) > TAGS_KEPT:
        tags.clear()
    return scan(data, tags)


def scan(data: bytes, tags: dict[str, TagLinks] | None = None) -> PageScan:
    """The ids and links of a page; ``tags`` remembers what each distinct start tag holds,
    since most tags of a page (its navigation, tag and category links) are on every page."""
    tags = {} if tags is None else tags
    ids: set[str] = set()
    refs: list[tuple[str, str]] = []
    for tag in _TAG.findall(data.decode("utf-8", errors="replace")):
        found = tags.get(tag)
        if found is None:
            found = tags[tag] = _tag_links(tag)
        if found is not _NOTHING:
            tag_ids, link = found
            ids.update(tag_ids)
            if link is not None:
                refs.append(link)
    return PageScan(frozenset(ids), tuple(refs))


def _tag_links(tag: str) -> TagLinks:
    """The ids a start tag (``a href="/x/" id=y``) defines and the ``(name, URL)`` it
    links to, if any."""
    name, text = tag.split(None, 1)  # str.split and the regex's \s agree on what a space is
    name = name.lower()
    attribute = _LINKING.get(name)
    if "=" not in text or (attribute is None and "id" not in text.lower()):
        return _NOTHING  # most tags: no link, and no attribute whose name is "id"
    wanted = _ID_ATTRIBUTES.get(name, ("id",))
    values = {}
    for key, first, second, bare in _ATTRIBUTE.findall(text):
        key = key.lower()
        if key == attribute or key in wanted:
            values[key] = first or second or bare
    values = {key: html.unescape(value) for key, value in values.items()}
    ids = tuple(values[key] for key in wanted if values.get(key))
    link = (name, values[attribute]) if values.get(attribute) else None
    return TagLinks(ids, link) if ids or link else _NOTHING
