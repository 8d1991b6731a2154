"""Small readers for built pages, on the standard library's HTML parser."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: tuple[Element, ...] = ()
    text: str = ""

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def matches(self, name: str) -> bool:
        """``name`` is this element's tag or one of its classes."""
        return self.tag == name or name in self.classes

    def inside(self, name: str) -> bool:
        return any(ancestor.matches(name) for ancestor in self.ancestors)


class _Collector(HTMLParser):
    VOID = {"meta", "link", "img", "br", "hr", "input", "source", "wbr", "area", "base", "col"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, tuple(self.open))
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data


@dataclass
class Page:
    """A built HTML page, queried by tag, attributes and enclosing element."""

    path: Path
    html: str = ""
    elements: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.html = self.path.read_text("utf-8")
        collector = _Collector()
        collector.feed(self.html)
        self.elements = collector.elements

    def find_all(self, tag: str, *, within: str | None = None, **attrs: str) -> list[Element]:
        return [
            element
            for element in self.elements
            if element.tag == tag
            and (within is None or element.inside(within))
            and all(element.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def json_ld(self) -> list[dict]:
        scripts = self.find_all("script", type="application/ld+json")
        return [json.loads(script.text) for script in scripts]


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))
