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
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

from markupsafe import escape

from generator.importers.guards import visible_lead_text


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


VOID = _tags("area base br col embed hr img input link meta param source track wbr")
# Elements that end an open <p> (HTML's "closes a p element" list, trimmed).
CLOSES_P = _tags(
    "address article aside blockquote details div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr main nav ol p pre section table ul"
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
DROPPED = _tags(
    "script style noscript template form input button select textarea svg canvas object "
    "map dialog head title meta link"
)
MEDIA = _tags("iframe video audio embed")
BLOCKS = _tags(
    "p div section article main header footer aside nav blockquote pre ul ol li dl dt dd "
    "table thead tbody tfoot tr td th figure figcaption hr details summary center address "
    "h1 h2 h3 h4 h5 h6 iframe video audio embed"
)
RAW_INLINE = frozenset({"sub", "sup", "del", "ins", "mark", "small", "q", "abbr"})
RENAMED = {"s": "del", "strike": "del"}


@dataclass
class Node:
    """An element: its tag, attributes and children (nodes and text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        """This node and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        self._open(tag, attrs, void=tag in VOID)

    def handle_startendtag(self, tag, attrs):
        self._open(tag, attrs, void=True)

    def _open(self, tag: str, attrs, void: bool) -> None:
        if tag in CLOSES_P:
            # A template's content is a fragment of its own: a <p> in it closes no <p> outside.
            stop = ("div", "li", "td", "th", "blockquote", "section", "template")
            self._close_if_open("p", stop=stop)
        if tag == "li":
            self._close_if_open("li", stop=("ul", "ol"))
        elif tag in ("dt", "dd"):
            self._close_if_open("dt", stop=("dl",))
            self._close_if_open("dd", stop=("dl",))
        elif tag in ("td", "th"):
            self._close_if_open("td", stop=("tr", "table"))
            self._close_if_open("th", stop=("tr", "table"))
        elif tag == "tr":
            self._close_if_open("tr", stop=("table",))
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if not void:
            self.stack.append(node)

    def _close_if_open(self, tag: str, stop: tuple[str, ...]) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            name = self.stack[index].tag
            if name == tag:
                del self.stack[index:]
                return
            if name in stop:
                return

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


def parse_html(text: str) -> Node:
    """The element tree of an HTML document or fragment (under a ``#root`` node)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


@dataclass
class Context:
    """How to convert, and what the conversion found along the way."""

    autop: bool = False  # blank lines in loose text separate paragraphs (WordPress classic)
    depths: dict[int, int] = field(default_factory=dict)  # HTML heading level -> Markdown #s
    first_depth: int = 3  # for headings above those levels: ### in an article, ## in a page
    images: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)


def to_markdown(node: Node | list[Node | str], context: Context | None = None) -> str:
    """Markdown for a node's children (or a list of nodes), blocks separated by blank lines."""
    context = context or Context()
    children = node.children if isinstance(node, Node) else node
    return "\n\n".join(_blocks(children, context))


def plain(node: Node | str) -> str:
    """A node's text with whitespace collapsed, for titles and descriptions."""
    return " ".join((node if isinstance(node, str) else node.text()).split())


def lead_text(root: Node) -> str:
    """The first paragraph's text (or all text when there is no ``<p>``), for descriptions;
    never the text of a script, style, noscript or template (see :mod:`.guards`)."""
    return visible_lead_text(root)


# -- blocks -------------------------------------------------------------------------------------


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
    text = _inline(run, context)
    chunks = re.split(r"\n[ \t]*\n", text) if context.autop else [text]
    paragraphs = []
    for chunk in chunks:
        if context.autop:
            chunk = re.sub(r"[ \t]*\n[ \t]*", "<br>\n", chunk.strip())
        paragraph = guard_lines(" ".join(chunk.split(" ")).strip())
        if paragraph.replace("<br>", "").strip():
            paragraphs.append(paragraph)
    return paragraphs


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
        return [_table(node, context)]
    if tag == "dl":
        return [_definitions(node, context)]
    if tag in MEDIA:
        return _media(node, context)
    if tag == "figcaption":
        caption = _inline(node.children, context).strip()
        return [f"*{caption}*"] if caption else []
    if tag == "summary":
        summary = _inline(node.children, context).strip()
        return [f"**{summary}**"] if summary else []
    return _blocks(node.children, context)  # div, section, figure, li outside a list, ...


def _heading(node: Node, context: Context) -> list[str]:
    text = guard_lines(" ".join(_inline(node.children, context).split()))
    if not text:
        return []
    level = int(node.tag[1])
    depth = context.depths.get(level, context.first_depth)
    return ["#" * depth + " " + text]


def _list(node: Node, context: Context) -> str:
    ordered = node.tag == "ol"
    items = []
    for child in node.children:
        if isinstance(child, str):
            if child.strip():  # text directly in a list: keep it as an item
                items.append([escape_text(" ".join(child.split()))])
            continue
        if child.tag in DROPPED:
            continue
        blocks = _blocks(child.children if child.tag == "li" else [child], context)
        if blocks:
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
    code = node.text().strip("\n")
    fence = "```"
    while fence in code:
        fence += "`"
    language = next(
        (c.removeprefix("language-") for n in node.iter() for c in n.classes if "language-" in c),
        "",
    )
    return f"{fence}{re.sub(r'[^A-Za-z0-9_+-]', '', language)}\n{code}\n{fence}"


def _table(node: Node, context: Context) -> str:
    rows = []
    for row in (n for n in node.iter() if n.tag == "tr"):
        cells = [
            " ".join(_inline(cell.children, context).replace("<br>", " ").split()).replace(
                "|", "\\|"
            )
            for cell in row.children
            if isinstance(cell, Node) and cell.tag in ("td", "th")
        ]
        if cells:
            rows.append(cells)
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    lines.insert(1, "|" + " --- |" * width)
    return "\n".join(lines)


def _definitions(node: Node, context: Context) -> str:
    lines = []
    for child in node.children:
        if isinstance(child, Node) and child.tag in ("dt", "dd"):
            text = " ".join(_inline(child.children, context).split())
            if text and child.tag == "dt":
                if lines and lines[-1].startswith(":"):
                    lines.append("")  # a blank line starts the next term
                lines.append(guard_lines(text))
            elif text:
                lines.append(f":   {text}")
    return "\n".join(lines)


def _media(node: Node, context: Context) -> list[str]:
    source = node.attrs.get("src") or next(
        (n.attrs.get("src", "") for n in node.iter() if n.tag == "source"), ""
    )
    if not source.strip():
        return []
    context.media.append(source.strip())
    labels = {"iframe": "Embedded content", "video": "Video", "audio": "Audio"}
    label = labels.get(node.tag, "Media")
    return [f"[{label}: {escape_text(source.strip())}]({_url(source)})"]


# -- inline -------------------------------------------------------------------------------------


def _inline(children: list[Node | str], context: Context) -> str:
    return "".join(_inline_one(child, context) for child in children)


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
        return _image(child, context)
    inner = _inline(child.children, context)
    if tag == "a":
        return _link(child, inner)
    if tag in ("em", "i", "cite", "dfn", "var"):
        return _wrap(inner, "*")
    if tag in ("strong", "b"):
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


def _wrap(inner: str, mark: str) -> str:
    stripped = inner.strip()
    if not stripped:
        return inner
    leading = inner[: len(inner) - len(inner.lstrip())]
    trailing = inner[len(inner.rstrip()) :]
    return f"{leading}{mark}{stripped}{mark}{trailing}"


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
    if not href or href.lower().startswith(("javascript:", "data:", "vbscript:")):
        return inner
    return f"[{text or escape_text(href)}]({_url(href)})"


def _image(node: Node, context: Context) -> str:
    source = (node.attrs.get("src") or node.attrs.get("data-src") or "").strip()
    if not source or source.lower().startswith(("javascript:", "data:")):
        return ""
    context.images.append(source)
    alt = escape_text(" ".join(node.attrs.get("alt", "").split()))
    return f"![{alt}]({_url(source)})"


def _url(url: str) -> str:
    """A URL safe inside Markdown's ``(...)``: spaces, quotes and brackets percent-encoded."""
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._[]").replace("(", "%28").replace(")", "%29")


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


# -- sections -----------------------------------------------------------------------------------

CONTAINERS = _tags("div section article main span center figure")


def section_level(root: Node) -> int:
    """The heading level that splits an article into sections: the highest below ``<h1>``."""
    levels = {int(node.tag[1]) for node in root.iter() if node.tag in HEADINGS[1:]}
    return min(levels, default=2)


def heading_depths(root: Node, below: int, first_depth: int) -> dict[int, int]:
    """Markdown depths for the heading levels under ``below``, with no level skipped.

    An article's sections are ``##``, so the levels inside them start at ``###``;
    a page's content starts at ``##``. A page that jumps from ``h2`` to ``h4``
    gets ``##`` and ``###``: valid HTML never skips a heading level.
    """
    levels = sorted(
        {int(n.tag[1]) for n in root.iter() if n.tag in HEADINGS and int(n.tag[1]) > below}
    )
    return {level: min(6, first_depth + rank) for rank, level in enumerate(levels)}


def split_sections(
    root: Node, level: int
) -> tuple[list[Node | str], list[tuple[str, list[Node | str]]]]:
    """``(intro, [(title, body), ...])``: the content cut at each heading of ``level``.

    Headings wrapped in containers (Gutenberg groups, theme ``div``\\ s) still cut:
    a container that holds one is opened up first.
    """
    tag = f"h{level}"
    flat = _open_containers(root.children, tag)
    intro: list[Node | str] = []
    sections: list[tuple[str, list[Node | str]]] = []
    for child in flat:
        if isinstance(child, Node) and child.tag == tag:
            sections.append((plain(child), []))
        elif sections:
            sections[-1][1].append(child)
        else:
            intro.append(child)
    return intro, [(title, body) for title, body in sections if title]


def _open_containers(children: list[Node | str], tag: str) -> list[Node | str]:
    flat: list[Node | str] = []
    for child in children:
        if (
            isinstance(child, Node)
            and child.tag in CONTAINERS
            and any(node.tag == tag for node in child.iter())
        ):
            flat += _open_containers(child.children, tag)
        else:
            flat.append(child)
    return flat
