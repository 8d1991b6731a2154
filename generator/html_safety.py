"""The ``html-unsafe`` rule: nothing a writer types runs in a reader's browser.

Markdown lets a writer type HTML, which Python-Markdown passes through as
written, and a link or an attribute list (``{onclick="..."}``) can carry code
too. Code in a page runs as the clinic's own site: it could read what a reader
types into the comment form, or send them elsewhere. So a content file whose
HTML holds any of these is an error naming the file and line, as an SVG that
could run is (:mod:`generator.svg_safety`):

- an element that runs code or a plug-in, or sends the reader elsewhere on its
  own: ``<script>``, ``<object>``, ``<embed>``, ``<applet>``, ``<base>`` (it
  changes where every link of the page goes), ``<meta http-equiv>``,
  ``<iframe srcdoc>``;
- an event handler attribute (``onclick``, ``onerror``, ...);
- an address that runs code, however it is spelled (entities, tabs, capitals):
  ``javascript:`` or ``vbscript:``, or a ``data:`` address other than an image.

:class:`HtmlSafetyExtension` checks inside the converter. Where the writer typed no
HTML, the HTML written is the elements the Markdown made, and their attributes are
read. Where they did, the HTML written is read whole, once what was typed is back in
it, by the standard library's parser made to read raw text (``<style>``,
``<noscript>``, ``<textarea>``, ...) up to its end tag as a browser does; that text, and
an attribute value holding a ``<``, are read as markup too, since a browser may (inside
``<svg>``, or without scripts)::

    >>> [found.what for found in unsafe_in_html('<a href="&#106;ava&#x09;script:go()">x</a>')]
    ["the address 'javascript:go()' would run in readers' browsers"]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from typing import NamedTuple

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from generator.link_settings import address_as_read

RULE = "html-unsafe"
SAFETY_CHECK = "sitegen_html_safety"  # the check's name among the converter's treeprocessors
HINT = (
    "remove it: a page may not carry code. To show code to readers, put it in a fenced "
    "code block (```html); a script the whole site needs belongs in the theme's templates"
)

_ELEMENTS = {
    "script": "a <script> element would run in readers' browsers",
    "object": "an <object> element would run a plug-in in readers' browsers",
    "embed": "an <embed> element would run a plug-in in readers' browsers",
    "applet": "an <applet> element would run a plug-in in readers' browsers",
    "base": "a <base> element would change where every link of the page goes",
}
# Attributes a browser follows or loads as an address (SVG animations set one).
_ADDRESSES = {
    *("href", "src", "action", "formaction", "data", "poster", "background", "cite"),
    *("xlink:href", "srcset", "ping", "longdesc", "lowsrc", "dynsrc", "codebase"),
    *("archive", "classid", "usemap", "manifest", "icon", "to", "from", "values", "by"),
}
_IMAGE_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp|avif)[;,]")
# Elements whose text a browser reads as raw text (with scripts on), up to their end tag.
_RAW_TEXT = frozenset(
    {"script", "style", "noscript", "noembed", "noframes", "iframe", "xmp", "plaintext"}
    | {"textarea", "title"}
)
# Markup inside raw text inside raw text ... is read this deep, and refused deeper: no
# page needs it, and reading it again at each level would take time.
_MAX_DEPTH = 8
_TOO_DEEP = (
    f"HTML hidden in raw text or attribute values more than {_MAX_DEPTH} deep cannot be checked"
)
_SCHEMES = ("javascript", "vbscript", "script:", "data:")  # to find the address in the text


class Unsafe(NamedTuple):
    """Something in a file's HTML that would run: what it is, and text to find it by."""

    what: str
    needles: tuple[str, ...]  # in the writer's text, the first one found gives the line


def unsafe_in_html(html: str, depth: int = 0) -> list[Unsafe]:
    """What in ``html`` (as typed) would run in a reader's browser. ``depth`` counts the
    raw texts and attribute values it lies in (see :class:`_Finder`)."""
    if depth > _MAX_DEPTH:
        return [Unsafe(_TOO_DEEP, ("<",))]
    finder = _Finder(depth)
    finder.feed(html)
    finder.close()
    return finder.found


def unsafe_in_attributes(
    tag: str, attributes: list[tuple[str, str | None]], depth: int = 0
) -> Iterator[Unsafe]:
    """What in one element's attributes (their values as a browser reads them) would run."""
    if tag in _ELEMENTS:
        yield Unsafe(_ELEMENTS[tag], (f"<{tag}",))
    for name, value in attributes:
        name = name.lower()
        if name.startswith("on"):
            yield Unsafe(f"the event handler {name}= would run in readers' browsers", (name,))
        elif tag == "meta" and name == "http-equiv":
            yield Unsafe("a <meta http-equiv> could send readers elsewhere", ("http-equiv",))
        elif tag == "iframe" and name == "srcdoc":
            yield Unsafe("an <iframe srcdoc> would run a page of its own, scripts and all", (name,))
        elif value and name in _ADDRESSES and (address := _running_address(tag, name, value)):
            what = f"the address {address[:60]!r} would run in readers' browsers"
            yield Unsafe(what, (value[:30], *_SCHEMES, name))
        if value and "<" in value:
            yield from unsafe_in_html(value, depth + 1)


def _running_address(tag: str, name: str, value: str) -> str | None:
    """The address in ``value`` that would run, as a browser reads it; None if none would.
    An ``<img>`` shows an image of any kind as an image (an SVG one runs no script there);
    elsewhere a ``data:`` address passes as a raster image only."""
    candidates = value.split(",") if name == "srcset" else [value]
    shown_as_image = tag in ("img", "source") and name in ("src", "srcset")
    for candidate in candidates:
        address = address_as_read(candidate)
        scheme = address[:16].lower()
        if scheme.startswith(("javascript:", "vbscript:")):
            return address
        image = _IMAGE_DATA.match(address.lower()) or (
            shown_as_image and scheme.startswith("data:image/")
        )
        if scheme.startswith("data:") and not image:
            return address
    return None


class _Finder(HTMLParser):
    """Reads HTML as a browser does where it matters here: the text of ``<noscript>``,
    ``<style>``, ``<textarea>``, ... is raw text up to its end tag (the standard library's
    parser would read markup in most of them, and so see an attribute value where a
    browser sees the end of the element and a new tag). That text is read as markup too,
    as it is elsewhere (``<style>`` inside ``<svg>``, ``<noscript>`` without scripts)."""

    def __init__(self, depth: int) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Unsafe] = []
        self._raw_text = False
        self._depth = depth

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += unsafe_in_attributes(tag, attrs, self._depth)
        if tag in _RAW_TEXT:
            self.set_cdata_mode(tag)
            self._raw_text = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += unsafe_in_attributes(tag, attrs, self._depth)

    def handle_endtag(self, tag: str) -> None:
        self._raw_text = False

    def handle_data(self, data: str) -> None:
        if self._raw_text and "<" in data:
            self.found += unsafe_in_html(data, self._depth + 1)

    def unknown_decl(self, data: str) -> None:
        if "<" in data:  # <![CDATA[...]]>: text inside <svg>, but a browser may differ
            self.found += unsafe_in_html(data, self._depth + 1)

    def close(self) -> None:
        super().close()
        # Raw text without its end tag runs to the end: the parser keeps it unread.
        left, self.rawdata = self.rawdata, ""
        if self.cdata_elem is not None and left:
            self.handle_data(left)


class HtmlSafetyCheck(Treeprocessor):
    """Finds what would run in the elements Markdown made (see the module), when no HTML
    was typed as written: then the HTML written is these elements and nothing else."""

    def __init__(self, md: Markdown, found: list[Unsafe]) -> None:
        super().__init__(md)
        self.found = found

    def run(self, root):
        if self.md.htmlStash.rawHtmlBlocks:
            return  # HtmlTextSafetyCheck reads the HTML written, as a whole
        for element in root.iter():
            if (element.attrib or element.tag in _ELEMENTS) and isinstance(element.tag, str):
                attributes = [(name, _as_read(value)) for name, value in element.attrib.items()]
                self.found += unsafe_in_attributes(element.tag.lower(), attributes)


def _as_read(value: str | None) -> str | None:
    """An attribute value of the tree as a browser reads it in the HTML written: with the
    ``&`` Markdown set aside while it converted the text put back, and entities read, as
    the HTML written keeps them as they are ("&#106;avascript:")."""
    return value and unescape(value.replace(AMP_SUBSTITUTE, "&"))


class HtmlTextSafetyCheck(Postprocessor):
    """Finds what would run in the HTML written, once the HTML typed as written is back in
    it: pieces typed apart (a ``<style>`` in one, what it swallows in the next) are read
    together, as a browser reads them."""

    def __init__(self, md: Markdown, found: list[Unsafe]) -> None:
        super().__init__(md)
        self.found = found

    def run(self, text: str) -> str:
        if self.md.htmlStash.rawHtmlBlocks:
            self.found += unsafe_in_html(text)
        return text


class HtmlSafetyExtension(Extension):
    """Registers both checks; ``found`` lists what the last conversion found."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Unsafe] = []

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.registerExtension(self)  # so that Markdown.reset() calls reset() below
        # Last of all: after the inline patterns (20) stash the HTML typed in a paragraph,
        # and after attr_list (8) sets the attributes written in braces.
        md.treeprocessors.register(HtmlSafetyCheck(md, self.found), SAFETY_CHECK, 0)
        # After the HTML typed as written is put back (30), and the footnotes (25).
        md.postprocessors.register(HtmlTextSafetyCheck(md, self.found), SAFETY_CHECK, 0)

    def reset(self) -> None:
        self.found.clear()
