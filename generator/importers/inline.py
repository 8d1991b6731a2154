"""Inline HTML (text, emphasis, links, images, code) -> Markdown, and the escaping that
keeps text text: what Markdown would read as syntax is escaped.

    >>> escape_text("5 * 3 = [x]")
    '5 \\\\* 3 = \\\\[x\\\\]'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import escape

from generator.importers.embeds import link_url
from generator.importers.tree import (
    BLOCKS,
    DROPPED,
    EMPHASIS,
    MEDIA,
    RAW_INLINE,
    RENAMED,
    Node,
)
from generator.link_settings import link_scheme


@dataclass
class Context:
    """How to convert, and what the conversion found along the way."""

    autop: bool = False  # blank lines in loose text separate paragraphs (WordPress classic)
    depths: dict[int, int] = field(default_factory=dict)  # HTML heading level -> Markdown #s
    first_depth: int = 3  # for headings above those levels: ### in an article, ## in a page
    images: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)  # embeds kept only as a link
    known_titles: dict[str, str] = field(default_factory=dict)  # the site's own URL -> title
    previous_depth: int = 1  # of the heading above the text being converted


def inline_markdown(children: list[Node | str], context: Context) -> str:
    """Inline Markdown; emphasis that touches other emphasis is merged or written as HTML,
    since ``*a**b*`` would show its asterisks."""
    text = ""
    for child in _merge_emphasis(children):
        piece = _inline_one(child, context)
        if isinstance(child, Node) and piece.startswith("*") and text.endswith("*"):
            tag = "strong" if RENAMED.get(child.tag, child.tag) == "strong" else "em"
            piece = _wrap(inline_markdown(child.children, context), "", f"<{tag}>", f"</{tag}>")
        text += piece
    return text


def _merge_emphasis(children: list[Node | str]) -> list[Node | str]:
    """``<em>a</em><em>b</em>`` -> one ``<em>ab</em>`` (also ``<i>`` beside ``<em>``)."""
    merged: list[Node | str] = []
    for child in children:
        previous = merged[-1] if merged else None
        if (
            isinstance(child, Node)
            and isinstance(previous, Node)
            and RENAMED.get(child.tag, child.tag) in EMPHASIS
            and RENAMED.get(child.tag, child.tag) == RENAMED.get(previous.tag, previous.tag)
        ):
            merged[-1] = Node(previous.tag, previous.attrs, previous.children + child.children)
        else:
            merged.append(child)
    return merged


def _inline_one(child: Node | str, context: Context) -> str:
    if isinstance(child, str):
        text = child if context.autop else re.sub(r"\s+", " ", child)
        return escape_text(re.sub(r"[ \t\r\f\v]+", " ", text))
    tag = RENAMED.get(child.tag, child.tag)
    if tag in DROPPED or tag in MEDIA:
        return ""
    if tag == "br":
        return "<br>\n" if not context.autop else "\x00"
    if tag == "img":
        return image_markdown(child, context)
    inner = inline_markdown(child.children, context)
    if tag == "a":
        return _link(child, inner)
    if tag in ("em", "cite", "dfn", "var"):
        return _wrap(inner, "*")
    if tag == "strong":
        return _wrap(inner, "**")
    if tag in ("code", "kbd", "samp", "tt"):
        return _code_span(child.text())
    if tag in RAW_INLINE and inner.strip():
        title = child.attrs.get("title", "") if tag == "abbr" else ""
        opening = f'<abbr title="{escape(title)}">' if title else f"<{tag}>"
        return f"{opening}{inner}</{tag}>"
    if tag in BLOCKS:  # a block inside inline content: keep its words apart
        return f" {inner} "
    return inner


def _wrap(inner: str, mark: str, opening: str = "", closing: str = "") -> str:
    """``inner`` between ``mark``\\ s (or ``opening`` and ``closing``), spaces outside."""
    stripped = inner.strip()
    if not stripped:
        return inner
    leading = inner[: len(inner) - len(inner.lstrip())]
    trailing = inner[len(inner.rstrip()) :]
    return f"{leading}{opening or mark}{stripped}{closing or mark}{trailing}"


def _code_span(code: str) -> str:
    code = " ".join(code.split())
    if not code:
        return ""
    ticks = "`"
    while ticks in code:
        ticks += "`"
    padded = f" {code} " if code.startswith("`") or code.endswith("`") else code
    return f"{ticks}{padded}{ticks}"


def _link(node: Node, inner: str) -> str:
    href = node.attrs.get("href", "").strip()
    text = " ".join(inner.split())
    if not href or link_scheme(href) in ("javascript", "data", "vbscript"):
        return inner  # as a browser reads the scheme (a tab inside, say): see link_settings
    return f"[{text or escape_text(href)}]({link_url(href)})"


def image_markdown(node: Node, context: Context) -> str:
    source = (node.attrs.get("src") or node.attrs.get("data-src") or "").strip()
    if not source or link_scheme(source) in ("javascript", "data", "vbscript"):
        return ""
    context.images.append(source)
    alt = escape_text(" ".join(node.attrs.get("alt", "").split()))
    return f"![{alt}]({link_url(source)})"


# -- escaping -----------------------------------------------------------------------------------


def escape_text(text: str) -> str:
    r"""Text that Markdown shows as written: ``*``, ``[`` escaped, tags and entities literal.

    >>> escape_text("5 * 3 = [x] <b> &amp;")
    '5 \\* 3 = \\[x\\] &lt;b> &amp;amp;'
    """
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*\[\]{}])", r"\\\1", text)
    text = re.sub(r"(?<!\w)_|_(?!\w)", r"\\_", text)
    text = re.sub(r"&(?=#?\w+;)", "&amp;", text)
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)


_LINE_START = re.compile(r"^(#|>|[-+] |-+$|=+$|~~~|:\s)")
_NUMBERED = re.compile(r"^(\d+)([.)])(\s)")


def guard_lines(text: str) -> str:
    """Escape what would make a line a heading, quote, list or fence; end breaks properly."""
    text = text.replace("\x00", "<br>\n")
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        if _LINE_START.match(line):
            line = "&#" + str(ord(line[0])) + ";" + line[1:]
        else:
            line = _NUMBERED.sub(r"\1\\\2\3", line)
        lines.append(line)
    return "\n".join(lines)
