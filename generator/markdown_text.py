"""Markdown -> HTML with the extensions writers expect, and where a body's headings are.

One configured converter per process (building one costs more than a
conversion); :func:`new_converter` makes another, configured alike::

    html, toc = render_markdown("## Aftercare\n\nKeep it clean.")
    converted = convert_markdown("![](hero.jpg)")  # converted.missing_alt == ("hero.jpg",)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from markdown import Markdown
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markupsafe import Markup

from generator.alt_text import AltTextExtension
from generator.components import ComponentsExtension
from generator.html_safety import HtmlSafetyExtension, Unsafe
from generator.link_brackets import find_link_ends_by_brackets
from generator.model import TocEntry
from generator.slugs import slugify
from generator.tables import ScrollingTablesExtension

# Python-Markdown makes "#Heading" (no space) a heading too, so the lint must see it.
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]*(.*?))?[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BOUNDARY = re.compile(r"^-{3,}\s*$")
_MARKS = ("#", "`", "~")  # what a heading or a fence starts with, after up to 3 spaces


class Converted(NamedTuple):
    """A Markdown body as HTML, and what the conversion found on the way."""

    html: str
    toc: tuple[TocEntry, ...]
    missing_alt: tuple[str, ...]  # the ``src`` of each image without alt text
    unsafe: tuple[Unsafe, ...]  # what would run in a reader's browser (html_safety)


def render_markdown(body: str, footnote_prefix: str = "") -> tuple[str, tuple[TocEntry, ...]]:
    """Markdown -> (HTML, table of contents), with the extensions writers expect."""
    converted = convert_markdown(body, footnote_prefix)
    return converted.html, converted.toc


def convert_markdown(body: str, footnote_prefix: str = "") -> Converted:
    """Markdown -> HTML, with its table of contents and what the checks inside found."""
    converter = _markdown_instance()
    # Footnote ids must stay unique when several sections share one page.
    separator = f"-{footnote_prefix}-" if footnote_prefix else "-"
    converter.footnotes.setConfig("SEPARATOR", separator)
    converter.markdown.reset()
    html = converter.markdown.convert(body)
    toc = _toc_entries(converter.markdown.toc_tokens)  # type: ignore[attr-defined]
    missing_alt, unsafe = tuple(converter.alt_text.missing), tuple(converter.safety.found)
    return Converted(html, toc, missing_alt, unsafe)


def plain_text(html: str) -> str:
    return Markup(html).striptags()


class _Converter(NamedTuple):
    """A configured Markdown and the extensions a conversion sets (footnotes) or reads
    (the images without alt text that it found)."""

    markdown: Markdown
    footnotes: FootnoteExtension
    alt_text: AltTextExtension
    safety: HtmlSafetyExtension


_MARKDOWN: _Converter | None = None  # a cache: building it costs more than a conversion


def _markdown_instance() -> _Converter:
    """One configured Markdown per process."""
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = new_converter()
    return _MARKDOWN


def new_converter() -> _Converter:
    """A Markdown converter with sitegen's extensions and settings (the benchmark's
    Markdown floor uses it too, so that both convert alike).

    The extensions are given as objects, not by name: Python-Markdown looks a name
    up among the entry points of every installed package, which costs more than
    the rest of making the converter (a rebuild after one edit makes one)."""
    footnotes, alt_text, safety = FootnoteExtension(), AltTextExtension(), HtmlSafetyExtension()
    markdown = Markdown(
        extensions=[
            AbbrExtension(),
            AttrListExtension(),
            DefListExtension(),
            FencedCodeExtension(),
            footnotes,
            MarkdownInHtmlExtension(),
            TableExtension(),
            SaneListExtension(),
            TocExtension(slugify=slugify, toc_depth="2-3"),
            alt_text,
            ComponentsExtension(),
            ScrollingTablesExtension(),
            safety,
        ],
        output_format="html",
    )
    find_link_ends_by_brackets(markdown)
    return _Converter(markdown, footnotes, alt_text, safety)


def _toc_entries(tokens: list[dict]) -> tuple[TocEntry, ...]:
    return tuple(
        TocEntry(token["id"], plain_text(token["name"]), _toc_entries(token["children"]))
        for token in tokens
    )


def body_headings(text: str) -> Iterator[tuple[int, int, int]]:
    """(line, column, level) of each ATX heading of a file's body, outside fenced code;
    ``text`` is the whole file, front matter included (lines are the file's own)."""
    lines = text.split("\n")
    start = next(
        (number for number, line in enumerate(lines[1:], start=1) if _BOUNDARY.match(line)),
        len(lines),
    )
    fence = ""
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if line.lstrip(" ")[:1] not in _MARKS:
            continue  # most lines: neither a heading nor a fence
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        match = _HEADING.match(line)
        if match and match.group(2):
            yield number + 1, match.start(1) + 1, len(match.group(1))
