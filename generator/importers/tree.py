"""An HTML document as a small element tree, from the standard library's parser.

:class:`html.parser.HTMLParser` gives tags and text; the tree rules real pages
need are added here (void elements, ``<p>`` and ``<li>`` closed by what follows
them). Comments are dropped, which removes WordPress's block comments.

    >>> plain(parse_html("<p>Hello <b>you</b><script>x()</script></p>"))
    'Hello you'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


def tag_set(names: str) -> frozenset[str]:
    return frozenset(names.split())


VOID = tag_set("area base br col embed hr img input link meta param source track wbr")
# Elements that end an open <p> (HTML's "closes a p element" list, trimmed).
CLOSES_P = tag_set(
    "address article aside blockquote details div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr main nav ol p pre section table ul"
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
DROPPED = tag_set(
    "script style noscript template form input button select textarea svg canvas object "
    "map dialog head title meta link"
)
MEDIA = tag_set("iframe video audio embed")
BLOCKS = tag_set(
    "p div section article main header footer aside nav blockquote pre ul ol li dl dt dd "
    "table thead tbody tfoot tr td th figure figcaption hr details summary center address "
    "h1 h2 h3 h4 h5 h6 iframe video audio embed"
)
RAW_INLINE = frozenset({"sub", "sup", "del", "ins", "mark", "small", "q", "abbr"})
RENAMED = {"s": "del", "strike": "del", "i": "em", "b": "strong"}
EMPHASIS = frozenset({"em", "strong"})
UNSEEN = tag_set("script style noscript template")  # text a reader never sees


@dataclass
class Node:
    """An element: its tag, attributes and children (nodes and text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The text a reader sees (not that of scripts and styles)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children if is_seen(c))

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


def is_seen(child: Node | str) -> bool:
    return isinstance(child, str) or child.tag not in UNSEEN


def parse_html(text: str) -> Node:
    """The element tree of an HTML document or fragment (under a ``#root`` node)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def plain(node: Node | str) -> str:
    """A node's text with whitespace collapsed, for titles and descriptions."""
    return " ".join((node if isinstance(node, str) else node.text()).split())
