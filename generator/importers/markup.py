"""HTML -> a small element tree -> Markdown that sitegen's Markdown turns back into the same HTML.

The tree comes from the standard library's :class:`html.parser.HTMLParser`
with the few tree rules real pages need (void elements, ``<p>`` and ``<li>``
closed by what follows them). Comments are dropped, which removes WordPress's
Gutenberg block comments. Scripts, styles, forms and embeds never reach the
Markdown, and every piece of text is escaped so that it stays text::

    >>> to_markdown(parse_html("<p>Use <b>SPF 30</b> * daily</p><ul><li>hats</li></ul>"))
    'Use **SPF 30** \\\\* daily\\n\\n- hats'
"""

from __future__ import annotations

import re

from generator.importers.codeblocks import code_language, fenced
from generator.importers.embeds import bare_url, embed_block, link_url
from generator.importers.guards import visible_lead_text
from generator.importers.inline import (
    Context,
    escape_text,
    guard_lines,
    image_markdown,
    inline_markdown,
)
from generator.importers.sections import heading_depths, section_level, split_sections
from generator.importers.tables import table_markdown
from generator.importers.tree import (
    BLOCKS,
    DROPPED,
    HEADINGS,
    MEDIA,
    Node,
    is_seen,
    parse_html,
    plain,
)

# What the importers use, wherever it lives.
__all__ = [
    "Context",
    "Node",
    "escape_text",
    "guard_lines",
    "heading_depths",
    "lead_text",
    "parse_html",
    "plain",
    "section_level",
    "split_sections",
    "to_markdown",
]


def lead_text(root: Node) -> str:
    """The first paragraph's text (or all text when there is no ``<p>``), for descriptions;
    never the text of a script, style, noscript or template (see :mod:`.guards`)."""
    return visible_lead_text(root)


def to_markdown(
    node: Node | list[Node | str], context: Context | None = None, *, after: int | None = None
) -> str:
    """Markdown for a node's children (or a list of nodes), blocks separated by blank lines.

    ``after`` is the depth of the heading the text follows (1 for the page's
    title, 2 for a section's); by default, one above ``context.first_depth``.
    No heading of the result skips a level below it.
    """
    context = context or Context()
    context.previous_depth = context.first_depth - 1 if after is None else after
    children = node.children if isinstance(node, Node) else node
    return "\n\n".join(_blocks(children, context))


def _blocks(children: list[Node | str], context: Context) -> list[str]:
    blocks: list[str] = []
    run: list[Node | str] = []
    for child in children:
        if isinstance(child, Node) and child.tag in DROPPED:
            continue
        if isinstance(child, str) or child.tag not in BLOCKS:
            run.append(child)
            continue
        blocks += _paragraphs(run, context)
        run = []
        blocks += _block(child, context)
    blocks += _paragraphs(run, context)
    return [block for block in blocks if block.strip()]


def _paragraphs(run: list[Node | str], context: Context) -> list[str]:
    text = inline_markdown(run, context)
    if context.autop:  # a <br> at the end of a line is that line's break, not another
        text = re.sub(r"\x00[ \t]*\n", "\n", text)
    chunks = re.split(r"\n[ \t]*\n", text) if context.autop else [text]
    paragraphs = []
    for chunk in chunks:
        for part in _embed_lines(chunk, context) if context.autop else [chunk]:
            if part.startswith("\x01"):  # an embed, already Markdown
                paragraphs.append(part[1:])
                continue
            if context.autop:
                part = re.sub(r"[ \t]*\n[ \t]*", "<br>\n", part.strip())
            paragraph = guard_lines(" ".join(part.split(" ")).strip())
            embed = _lone_embed(paragraph, context)
            if embed:
                paragraphs.append(embed)
            elif paragraph.replace("<br>", "").strip():
                paragraphs.append(paragraph)
    return paragraphs


def _embed_lines(chunk: str, context: Context) -> list[str]:
    """``chunk`` cut around its lines that hold only an embeddable URL (WordPress embeds
    those); an embed comes back as Markdown marked with a leading ``\\x01``."""
    parts, lines = [], []
    for line in chunk.split("\n"):
        embed = _lone_embed(line, context)
        if embed:
            parts += ["\n".join(lines), "\x01" + embed]
            lines = []
        else:
            lines.append(line)
    return [part for part in [*parts, "\n".join(lines)] if part.strip()]


def _lone_embed(markdown: str, context: Context) -> str | None:
    """The embed a paragraph stands for when it is one URL alone (as text or a link to
    itself) of a video or a known embed provider, else None."""
    link = re.fullmatch(r"\s*\[([^\]]+)\]\(([^)\s]+)\)\s*", markdown)
    text = _unescape(link.group(1)) if link else _unescape(markdown.replace("<br>", ""))
    url = bare_url(text)
    if not url or (link and _unescape(link.group(2)) != url):
        return None
    embed = embed_block(url, "", context.known_titles)
    if not embed.known:
        return None  # a link to any page: left as it is
    if not embed.is_video:
        context.media.append(url)
    return embed.markdown


def _unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown).replace("&amp;", "&").strip()


def _block(node: Node, context: Context) -> list[str]:
    tag = node.tag
    if tag in HEADINGS:
        return _heading(node, context)
    if tag in ("ul", "ol"):
        return [_list(node, context)]
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(node.children, context))
        return ["\n".join(("> " + line).rstrip() for line in inner.splitlines())]
    if tag == "pre":
        return [_code_block(node)]
    if tag == "hr":
        return ["* * *"]
    if tag == "table":
        return [table_markdown(node, lambda children: inline_markdown(children, context))]
    if tag == "figure" and "wp-block-embed" in node.classes:
        return _embed_figure(node, context)
    if tag == "figure" and "wp-block-gallery" in node.classes:
        return _gallery(node, context)
    if tag == "dl":
        return [_definitions(node, context)]
    if tag in MEDIA:
        return _media(node, context)
    if tag == "figcaption":
        caption = inline_markdown(node.children, context).strip()
        return [f"*{caption}*"] if caption else []
    if tag == "summary":
        summary = inline_markdown(node.children, context).strip()
        return [f"**{summary}**"] if summary else []
    return _blocks(node.children, context)  # div, section, figure, li outside a list, ...


def _heading(node: Node, context: Context) -> list[str]:
    text = guard_lines(" ".join(inline_markdown(node.children, context).split()))
    if not text:
        return []
    level = int(node.tag[1])
    depth = min(context.depths.get(level, context.first_depth), context.previous_depth + 1, 6)
    context.previous_depth = depth
    return ["#" * depth + " " + text]


def _list(node: Node, context: Context) -> str:
    ordered = node.tag == "ol"
    items: list[list[str]] = []
    for child in node.children:
        if isinstance(child, str):
            if child.strip():  # text directly in a list: keep it as an item
                items.append([escape_text(" ".join(child.split()))])
            continue
        if child.tag in DROPPED:
            continue
        blocks = _blocks(child.children if child.tag == "li" else [child], context)
        if child.tag in ("ul", "ol") and items and blocks:
            items[-1] += blocks  # a list right inside a list: WordPress's nested list
        elif blocks:
            items.append(blocks)
    lines = []
    loose = any(len([b for b in blocks if not _is_list(b)]) > 1 for blocks in items)
    for number, blocks in enumerate(items, start=1):
        marker = f"{number}. " if ordered else "- "
        body = blocks[0]
        for block in blocks[1:]:
            body += ("\n" if _is_list(block) and not loose else "\n\n") + block
        indented = body.replace("\n", "\n    ").replace("\n    \n", "\n\n")
        lines.append(marker + indented)
    return ("\n\n" if loose else "\n").join(lines)


def _is_list(block: str) -> bool:
    return bool(re.match(r"(- |\d+\. )", block))


def _code_block(node: Node) -> str:
    """``<pre>`` (with or without ``<code>``) as fenced code: its language, its lines as
    they were (a ``<br>`` is a line break, entities are the characters they stand for)."""
    return fenced(_code_text(node), code_language(n.attrs for n in node.iter()))


def _code_text(node: Node) -> str:
    """The text of a code block; a ``<br>`` breaks the line unless a line break follows it
    anyway (editors write ``<br />`` and a newline for one break)."""
    parts = []
    children = [child for child in node.children if is_seen(child)]
    for index, child in enumerate(children):
        if isinstance(child, str):
            parts.append(child)
        elif child.tag != "br":
            parts.append(_code_text(child))
        else:
            after = children[index + 1] if index + 1 < len(children) else ""
            parts.append("" if isinstance(after, str) and after.startswith("\n") else "\n")
    return "".join(parts)


def _definitions(node: Node, context: Context) -> str:
    lines = []
    for child in node.children:
        if isinstance(child, Node) and child.tag in ("dt", "dd"):
            text = " ".join(inline_markdown(child.children, context).split())
            if text and child.tag == "dt":
                if lines and lines[-1].startswith(":"):
                    lines.append("")  # a blank line starts the next term
                lines.append(guard_lines(text))
            elif text:
                lines.append(f":   {text}")
    return "\n".join(lines)


def _media(node: Node, context: Context) -> list[str]:
    source = (
        node.attrs.get("src")
        or node.attrs.get("data-src")
        or next((n.attrs.get("src", "") for n in node.iter() if n.tag == "source"), "")
    ).strip()
    if not source:
        return []
    if node.tag == "iframe":
        embed = embed_block(source, node.attrs.get("title", ""), context.known_titles)
        if not embed.is_video:
            context.media.append(source)
        return [embed.markdown]
    context.media.append(source)
    label = {"video": "Video", "audio": "Audio"}.get(node.tag, "Media")
    return [f"[{label}: {escape_text(source)}]({link_url(source)})"]


def _embed_figure(node: Node, context: Context) -> list[str]:
    """A block-editor embed: its URL (the wrapper's text, or its frame or link) and caption."""
    caption = next((n for n in node.iter() if n.tag == "figcaption"), None)
    title = plain(caption) if caption is not None else ""
    found = bare_url(plain(node).removesuffix(title).strip()) or next(
        (
            n.attrs.get("src") or n.attrs.get("href")
            for n in node.iter()
            if n.tag in ("iframe", "a")
        ),
        "",
    )
    if not found:
        return _blocks(node.children, context)
    embed = embed_block(found, title, context.known_titles)
    if not embed.is_video:
        context.media.append(found)
    return [embed.markdown]


def _gallery(node: Node, context: Context) -> list[str]:
    """A gallery: a list of its images, each with its caption."""
    items = []
    for image in (n for n in node.iter() if n.tag == "img"):
        markdown = image_markdown(image, context)
        holder = _figure_of(node, image)
        caption = (
            next(
                (n for n in holder.children if isinstance(n, Node) and n.tag == "figcaption"), None
            )
            if holder
            else None
        )
        text = (
            " ".join(inline_markdown(caption.children, context).split())
            if caption is not None
            else ""
        )
        if markdown:
            items.append(f"- {markdown}" + (f"<br>\n    {text}" if text else ""))
    caption = next(
        (c for c in node.children if isinstance(c, Node) and c.tag == "figcaption"), None
    )
    blocks = ["\n".join(items)] if items else []
    if caption is not None and plain(caption):
        blocks.append(f"*{' '.join(inline_markdown(caption.children, context).split())}*")
    return blocks


def _figure_of(gallery: Node, image: Node) -> Node | None:
    """The innermost figure (or list item) below ``gallery`` that holds ``image``."""
    for holder in gallery.iter():
        if (
            holder is not gallery
            and holder.tag in ("figure", "li")
            and image in list(holder.iter())
        ):
            inner = _figure_of(holder, image)
            return inner or holder
    return None
