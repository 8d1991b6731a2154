"""Point an imported post's links and images at the new site, before it becomes Markdown.

The post's HTML tree (:mod:`.markup`) is walked once. Every ``href`` and
``src`` that :class:`~.oldsite.OldSite` recognises is rewritten:

- a post or page that is published on the new site: its new URL;
- a file of the old site (an image, a PDF): the name it is given in the new
  site, chosen by the caller (beside the article, or under ``static/``);
- a category or tag: its new listing; the blog's home and feed: the new ones;
- anything that led nowhere, or to a post that is not published: the link is
  removed and its text kept, and the link is reported.

Images without alt text take the attachment's ``_wp_attachment_image_alt``,
else its caption; ``srcset`` goes (the build makes its own sizes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.importers.markup import Node
from generator.importers.oldsite import OldSite, Target

ATTACHMENT_CLASS = re.compile(r"\bwp-image-(\d+)\b")


@dataclass(frozen=True)
class NewAddresses:
    """Where the new site puts what the old one had."""

    items: dict[str, str]  # post/page id -> new URL (published ones only)
    terms: dict[str, str]  # "category:nicename" -> new listing URL
    home: str
    feed: str


@dataclass
class Relinked:
    """What one post's links turned out to be."""

    files: list[str] = field(default_factory=list)  # old file URLs, in order of use
    dead: list[tuple[str, str, str]] = field(default_factory=list)  # (old URL, text, why)
    without_alt: list[str] = field(default_factory=list)  # new refs of images lacking alt
    rewritten: int = 0


def file_uses(document: Node, site: OldSite, page: str) -> list[str]:
    """The old site's files a post refers to (originals, not size variants)."""
    found = []
    for node in document.iter():
        for name in ("href", "src"):
            target = site.resolve(node.attrs.get(name, ""), page)
            if target.kind == "file":
                found.append(target.key)
    return list(dict.fromkeys(found))


def relink(
    document: Node,
    site: OldSite,
    page: str,
    addresses: NewAddresses,
    file_ref: Callable[[str], str],
) -> Relinked:
    """Rewrite ``document`` in place (see the module docstring); ``page`` is the post's
    old permalink, for relative links; ``file_ref`` gives a file's new address."""
    result = Relinked()
    _walk(document, _Rewriter(site, page, addresses, file_ref, result))
    return result


@dataclass
class _Rewriter:
    site: OldSite
    page: str
    addresses: NewAddresses
    file_ref: Callable[[str], str]
    result: Relinked

    def link(self, node: Node) -> bool:
        """Rewrite an ``<a>``; False when it must be unwrapped (it leads nowhere)."""
        href = node.attrs.get("href", "")
        target = self.site.resolve(href, self.page)
        if target.kind == "outside":
            return True
        new = self._address(target)
        if new is None:
            why = (
                "is not published on the new site"
                if target.kind == "item"
                else ("leads nowhere on the old site")
            )
            self.result.dead.append((href, " ".join(node.text().split()), why))
            return False
        node.attrs["href"] = new
        self.result.rewritten += 1
        return True

    def image(self, node: Node) -> None:
        src = node.attrs.get("src") or node.attrs.get("data-src") or ""
        node.attrs.pop("srcset", None)
        node.attrs.pop("sizes", None)
        target = self.site.resolve(src, self.page)
        if target.kind != "file":
            return
        node.attrs["src"] = self._address(target) or src
        self.result.rewritten += 1
        if not " ".join(node.attrs.get("alt", "").split()):
            alt = self._alt(node, target.key)
            if alt:
                node.attrs["alt"] = alt
            else:
                self.result.without_alt.append(node.attrs["src"])

    def _address(self, target: Target) -> str | None:
        fragment = f"#{target.fragment}" if target.fragment else ""
        if target.kind == "item" and target.key in self.addresses.items:
            return self.addresses.items[target.key] + fragment
        if target.kind == "file":
            self.result.files.append(target.key)
            return self.file_ref(target.key) + fragment
        if target.kind == "term" and target.key in self.addresses.terms:
            return self.addresses.terms[target.key]
        if target.kind == "home":
            return self.addresses.home + fragment
        if target.kind == "feed":
            return self.addresses.feed
        return None

    def _alt(self, node: Node, url: str) -> str:
        """The media library's alt text for the image, else its caption."""
        match = ATTACHMENT_CLASS.search(node.attrs.get("class", ""))
        attachment = self.site.attachments.get(match.group(1)) if match else None
        if attachment is None or attachment.url != url:
            attachment = next((a for a in self.site.attachments.values() if a.url == url), None)
        if attachment is None:
            return ""
        return " ".join((attachment.alt or attachment.caption).split())


def _walk(node: Node, rewriter: _Rewriter) -> None:
    children: list[Node | str] = []
    for child in node.children:
        if isinstance(child, Node):
            _walk(child, rewriter)
            if child.tag == "a" and child.attrs.get("href") and not rewriter.link(child):
                children.extend(child.children)  # the link goes, its text stays
                continue
            if child.tag == "img":
                rewriter.image(child)
        children.append(child)
    node.children = children
