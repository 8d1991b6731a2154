"""The running text of an HTML fragment, block by block, for the reading-level rule.

Code, tables and headings are left out; each block element (a paragraph, a list
item, a quote...) starts a new block::

    >>> text_blocks("<h2>Care</h2><p>Rest <code>now</code>.</p><ul><li>Drink</li></ul>")
    ['', '', '', 'Rest .', '', 'Drink', '']

:class:`html.parser.HTMLParser` reads any HTML, but slowly, tag by tag in Python:
at thousands of articles it cost as much as the scores themselves. The HTML
Markdown makes is plainer than that: every ``<`` opens a tag with quoted
attributes. Such a fragment is read here with one regular expression, calling the
same handlers with the same tags and text as the parser would; anything else (a
comment, a script, an unquoted attribute, a stray ``<``) goes to the parser.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_BLOCKS = {"p", "li", "dd", "dt", "blockquote", "figcaption", "td", "th", "div", "br"}
_SKIPPED = {"pre", "table", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "code"}
_SKIPPED_INLINE = {"code"}  # left out, but the sentence around it goes on
_ENDS_BLOCK = _BLOCKS | (_SKIPPED - _SKIPPED_INLINE)
_ACTED_ON = _BLOCKS | _SKIPPED  # any other tag changes nothing of the blocks

# A tag the parser reads the plain way: a name of letters and digits, attributes with
# quoted values or none, separated by ASCII white space (what the parser takes as
# white space in a tag's name differs). Groups: "/" for an end tag, the name, the rest
# (which ends with "/" for a tag that closes itself; an end tag's must be blank).
_SPACE = "[ \t\n\r\f]"
_ATTRIBUTE = rf"""[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_SPACE}*={_SPACE}*(?:"[^"]*"|'[^']*'))?"""
_PLAIN_TAG = re.compile(rf"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:{_SPACE}+{_ATTRIBUTE})*{_SPACE}*/?)>")
# Elements whose content the parser reads as raw text: never on the plain path.
_RAW_TEXT = ("script", "style")


def text_blocks(html: str) -> list[str]:
    """The text of ``html`` block by block (blocks may be empty), as the parser reads it."""
    collector = _TextBlocks()
    if not _read_plainly(html, collector):
        collector = _TextBlocks()
        collector.feed(html)
        collector.close()
    return collector.blocks


def _read_plainly(html: str, collector: _TextBlocks) -> bool:
    """Feed ``collector`` the tags and text of ``html`` if every tag in it is plain;
    False, having fed it something, where one is not.

    Only the tags the collector acts on are passed on (any other is nothing to it),
    and the text between two of them in one piece."""
    parts = _PLAIN_TAG.split(html)  # text, then each tag's three groups and the text after
    if any("<" in text for text in parts[::4]):
        return False  # a tag that is not plain, or a stray "<"
    text: list[str] = []
    for index in range(0, len(parts) - 1, 4):
        _add_text(text, parts[index])
        closing, name, rest = parts[index + 1 : index + 4]
        name = name.lower()
        if closing and rest.strip(" \t\n\r\f"):
            return False  # an end tag with more than its name
        if name in _RAW_TEXT:
            return False
        if name not in _ACTED_ON:
            continue
        if text:
            collector.handle_data("".join(text))
            text = []
        if not closing:
            collector.handle_starttag(name, [])
        if closing or rest.endswith("/"):
            collector.handle_endtag(name)  # after the start tag: HTMLParser.handle_startendtag
    _add_text(text, parts[-1])
    if text:
        collector.handle_data("".join(text))
    return True


def _add_text(text: list[str], raw: str) -> None:
    """The text between two tags, its character references resolved (as the parser does,
    piece by piece: a reference never spans a tag)."""
    if raw:
        text.append(unescape(raw) if "&" in raw else raw)


class _TextBlocks(HTMLParser):
    """Collects the text of an HTML fragment block by block, skipping code, tables, headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = [""]
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED:
            self._skipping.append(tag)
        if tag in _ENDS_BLOCK:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
        if tag in _ENDS_BLOCK:
            self.blocks.append("")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.blocks[-1] += data
