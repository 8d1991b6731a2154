"""What ``sitegen import`` checks before it converts or writes anything.

- **Nesting.** HTML nested deeper than :data:`MAX_NESTING` elements is refused
  with the line where it gets that deep: no article needs it, and the
  converter walks the tree recursively (a page of 600 nested ``<div>`` used to
  end in a ``RecursionError``).
- **WordPress exports** are recognised by their root element, ``<rss>`` with
  WordPress's export namespace, however long the XML declaration, comments or
  DOCTYPE before it.
- **Size.** An article file the build would refuse (over
  :data:`~generator.parse.MAX_CONTENT_BYTES`) is never written: the import
  stops before its first write, naming the source and the file.
- **Descriptions** come from text a reader sees: the text of ``<script>``,
  ``<style>``, ``<noscript>`` and ``<template>`` is skipped.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError, XMLPullParser

from generator.importers.model import ImportedFile, ImportFileError
from generator.parse import MAX_CONTENT_BYTES

if TYPE_CHECKING:
    from generator.importers.markup import Node

MAX_NESTING = 200
HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_WXR_NAMESPACE = "wordpress.org/export/"
_SNIFF_CHUNK = 64 * 1024


def check_nesting(path: str, html: str, within: str = "") -> None:
    """Raise :class:`ImportFileError` if ``html`` nests elements deeper than :data:`MAX_NESTING`.

    ``within`` names the part of the file ``html`` is (a WordPress post): the
    line is then not given, as it would count from the post's start.

    >>> try:
    ...     check_nesting("a.html", "<div>" * 300)
    ... except ImportFileError as error:
    ...     print(error.location, error.message)
    a.html:1:1001 the HTML nests elements more than 200 deep
    """
    counter = _DepthCounter()
    try:
        counter.feed(html)
        counter.close()
    except _TooDeep:
        line, column = counter.getpos()
        raise ImportFileError(
            path,
            f"{within}: " * bool(within) + f"the HTML nests elements more than {MAX_NESTING} deep",
            line=None if within else line,
            column=None if within else column + 1,
            hint="save the page again from a browser or editor, or import its text as a .txt file",
        ) from None


class _TooDeep(Exception):  # noqa: N818 - caught right above, never seen by a user
    pass


class _DepthCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.open.append(tag)
            if len(self.open) > MAX_NESTING:
                raise _TooDeep

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def is_wordpress_export(data: bytes) -> bool:
    """Whether ``data`` is XML whose root is ``<rss>`` declaring WordPress's export namespace.

    >>> is_wordpress_export(b'<?xml version="1.0"?><!-- ' + b"x" * 9000 + b' -->'
    ...     b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel/></rss>')
    True
    >>> is_wordpress_export(b"<rss><channel/></rss>")
    False
    """
    if not data.removeprefix(b"\xef\xbb\xbf")[:256].lstrip().startswith(b"<"):
        return False
    parser = XMLPullParser(events=("start-ns", "start"))
    namespaces: list[str] = []
    try:
        for offset in range(0, len(data), _SNIFF_CHUNK):
            parser.feed(data[offset : offset + _SNIFF_CHUNK])
            for event, value in parser.read_events():
                if event == "start-ns":
                    namespaces.append(value[1])
                    continue
                return value.tag == "rss" and any(_WXR_NAMESPACE in uri for uri in namespaces)
    except ParseError:
        return False
    return False


def check_sizes(files: list[ImportedFile], article_files) -> None:
    """Raise before anything is written if an article would be a file the build refuses;
    ``article_files`` gives an article's files (relative path -> text) as the writer makes them."""
    for imported in files:
        for article in imported.articles:
            for relative, text in article_files(article).items():
                size = len(text.encode("utf-8"))
                if size > MAX_CONTENT_BYTES:
                    raise ImportFileError(
                        article.source,
                        f"would become {relative} of {size / 1024 / 1024:.1f} MB; the build "
                        f"accepts at most {MAX_CONTENT_BYTES // 1024 // 1024} MB per file",
                        hint="split the text into several articles before importing it",
                    )


def visible_lead_text(root: Node) -> str:
    """The first paragraph's visible text (or all visible text when there is no ``<p>``)."""
    for node in _visible_nodes(root):
        if node.tag == "p":
            text = " ".join(visible_text(node).split())
            if text:
                return text
    return " ".join(visible_text(root).split())


def visible_text(node: Node) -> str:
    """The text of ``node`` outside scripts, styles, ``<noscript>`` and templates."""
    parts: list[str] = []
    pending: list[Node | str] = [node]
    while pending:  # a loop, not recursion: the tree may be deep
        current = pending.pop()
        if isinstance(current, str):
            parts.append(current)
        elif current.tag not in HIDDEN_TAGS:
            pending.extend(reversed(current.children))
    return "".join(parts)


def _visible_nodes(root: Node):
    pending = [root]
    while pending:
        current = pending.pop()
        if current.tag in HIDDEN_TAGS:
            continue
        yield current
        pending.extend(reversed([c for c in current.children if not isinstance(c, str)]))
