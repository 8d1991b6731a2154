"""Comment Markdown -> HTML that can hold no active content.

Readers may use Markdown's emphasis, lists, quotes and code, but what they
write never becomes markup of its own: raw HTML is escaped as text, images
become their alt text, headings become paragraphs (a comment must not take
over the page's outline) and only plain ``http(s)`` links survive, marked
``rel="nofollow ugc"``; any other link becomes its text::

    >>> render_comment("Thanks! <script>alert(1)</script>")
    '<p>Thanks! &lt;script&gt;alert(1)&lt;/script&gt;</p>'
    >>> render_comment("![x](https://evil.example/t.gif) [me](javascript:alert(1))")
    '<p>x me</p>'
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

from markdown import Markdown
from markdown.extensions.sane_lists import SaneListExtension
from markdown.treeprocessors import Treeprocessor

# Everything Python-Markdown's core can make from text once raw HTML is off.
ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "a"}
)
LINK_REL = "nofollow ugc"

# What the receiver turns away before anything is stored (the renderer would
# neutralise it too): a comment is plain text, with web links at most.
_MARKUP = (
    (re.compile(r"<(?:[/!?]?[a-z]|!-)", re.IGNORECASE), "HTML tags"),
    (re.compile(r"!\["), "images"),
    (re.compile(r"\]\(\s*<?(?![\s<]|https?://)", re.IGNORECASE), "links other than http(s)"),
    (
        re.compile(r"^\s*\[[^\]]*\]:\s*<?(?![\s<]|https?://)", re.IGNORECASE | re.MULTILINE),
        "links other than http(s)",
    ),
)


def render_comment(text: str) -> str:
    """Render a reader's Markdown; the result is safe to insert into a page as is."""
    markdown = _markdown()
    markdown.reset()
    return markdown.convert(text)


def markup_problem(text: str) -> str:
    """What a comment holds that it must not, or ``""``.

    >>> markup_problem("<script>alert(1)</script>")
    'HTML tags'
    >>> markup_problem("See [this](https://example.org) <3")
    ''
    """
    return next((what for pattern, what in _MARKUP if pattern.search(text)), "")


class _Neutralise(Treeprocessor):
    """Rewrite the element tree so that only :data:`ALLOWED_TAGS` remain."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in reversed(list(enumerate(parent))):
                self._visit(parent, index, child)

    def _visit(self, parent: etree.Element, index: int, child: etree.Element) -> None:
        if child.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            child.tag, child.attrib = "p", {}
        elif child.tag == "a" and _is_web_link(child.get("href", "")):
            child.attrib = {"href": child.get("href", ""), "rel": LINK_REL}
        elif child.tag not in ALLOWED_TAGS or child.tag == "a":
            _unwrap(parent, index, child)
        else:
            child.attrib = {}


def _is_web_link(href: str) -> bool:
    parts = urlsplit(href.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _unwrap(parent: etree.Element, index: int, child: etree.Element) -> None:
    """Replace ``child`` by its text content (an image by its alt text)."""
    text = child.get("alt", "") if child.tag == "img" else "".join(child.itertext())
    text += child.tail or ""
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    parent.remove(child)


_MARKDOWN: Markdown | None = None


def _markdown() -> Markdown:
    global _MARKDOWN
    if _MARKDOWN is None:
        markdown = Markdown(extensions=[SaneListExtension()], output_format="html")
        # Without these, raw HTML is ordinary text, escaped by the serializer.
        markdown.preprocessors.deregister("html_block")
        markdown.inlinePatterns.deregister("html")
        markdown.treeprocessors.register(_Neutralise(markdown), "neutralise", 0)
        _MARKDOWN = markdown
    return _MARKDOWN
