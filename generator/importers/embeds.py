"""Embedded media in imported HTML: a YouTube or Vimeo video becomes a video block,
anything else a plain link with the embed's title (and a warning, as it looked richer).

Embeds come in several shapes, all reduced to a URL and maybe a title:

- a block-editor embed: ``<figure class="wp-block-embed ...">`` holding the URL
  in a ``<div class="wp-block-embed__wrapper">``, maybe with a ``<figcaption>``;
- an ``<iframe src=...>`` (its ``title``, if any);
- a URL alone on its line or in its paragraph, which WordPress turns into an embed
  (``[embed]`` and ``[youtube]`` shortcodes are reduced to such a paragraph first).

    >>> embed_block("https://youtu.be/aqz-KE-bpKQ", "", {}).markdown
    '!video[Video on YouTube](https://youtu.be/aqz-KE-bpKQ)'
    >>> embed_block("https://twitter.com/clinic/status/1", "", {}).markdown
    '[Post on X (Twitter)](https://twitter.com/clinic/status/1) (https://twitter.com/clinic/status/1)'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from generator.components.video import markdown_block, video_address
from generator.importers.tree import Node, plain

# What an embed of a host showed, for the link text when the embed had no title.
PROVIDERS = {
    "twitter.com": "Post on X (Twitter)",
    "x.com": "Post on X (Twitter)",
    "instagram.com": "Instagram post",
    "facebook.com": "Facebook post",
    "tiktok.com": "TikTok video",
    "spotify.com": "Spotify audio",
    "soundcloud.com": "SoundCloud audio",
    "flickr.com": "Flickr photo",
    "pinterest.com": "Pinterest pin",
    "reddit.com": "Reddit post",
    "linkedin.com": "LinkedIn post",
    "slideshare.net": "SlideShare presentation",
    "gist.github.com": "Code on GitHub",
    "maps.google.com": "Google map",
}
URL_ALONE = re.compile(r"^\s*(https?://[^\s<>\"']+)\s*$")


class Embed(NamedTuple):
    """An embed's Markdown, whether it is a video block, and whether its host or title is
    known (a URL of any other page, alone in a paragraph, is no embed)."""

    markdown: str
    url: str
    is_video: bool
    known: bool = True


def embed_block(url: str, title: str, known_titles: dict[str, str]) -> Embed:
    """The Markdown block for an embed of ``url``; ``known_titles`` maps the site's own
    URLs (its posts and pages) to their titles, for embeds of the site's own posts."""
    url = url.strip()
    title = " ".join(title.split())
    if video_address(url) is not None:
        provider = video_address(url).provider  # type: ignore[union-attr]
        return Embed(markdown_block(title or f"Video on {provider}", url), url, True)
    own = known_titles.get(url.rstrip("/") + "/") or known_titles.get(url) or ""
    known = bool(title or own) or _provider(url) is not None
    markdown = (
        f"[{escape_link_text(title or own or _provider(url) or _name(url))}]({link_url(url)})"
    )
    if not own:  # where the link leads, as the old page showed it
        markdown += f" ({escape_link_text(url)})"
    return Embed(markdown, url, False, known)


def _provider(url: str) -> str | None:
    """What an embed of a known host showed ("Post on X (Twitter)"), else None."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for known, name in PROVIDERS.items():
        if host == known or host.endswith("." + known):
            return name
    return None


def _name(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return f"Embedded content from {host.removeprefix('www.')}" if host else url


def bare_url(text: str) -> str | None:
    """The URL when ``text`` is nothing but one URL (an auto-embed in WordPress)."""
    match = URL_ALONE.match(text)
    return match.group(1) if match else None


def escape_link_text(text: str) -> str:
    """Text that Markdown shows as written, in a link or beside it."""
    text = re.sub(r"([\\`*_\[\]<])", r"\\\1", text)
    return re.sub(r"&(?=#?\w+;)", "&amp;", text)


def link_url(url: str) -> str:
    """A URL safe inside Markdown's ``(...)``: spaces, quotes and brackets percent-encoded."""
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._[]").replace("(", "%28").replace(")", "%29")


def link_embeds(document: Node, title_of: Callable[[str], str | None]) -> list[str]:
    """Turn, in place, every embed below ``document`` that is not a video (an embed
    block or an ``<iframe>``) into a paragraph with a link to it, titled by its caption,
    by ``title_of`` (the site's own posts) or by its host; return their URLs.

    Done on the tree before links are rewritten, so that a link to one of the site's
    own posts then leads to its new address."""
    linked: list[str] = []

    def visit(node: Node) -> None:
        for index, child in enumerate(node.children):
            if isinstance(child, str):
                continue
            url = _embed_url(child)
            if url and video_address(url) is None:
                caption = next((n for n in child.iter() if n.tag == "figcaption"), None)
                title = plain(caption) if caption is not None else child.attrs.get("title", "")
                own = title_of(url)
                title = " ".join(title.split()) or own or _provider(url) or _name(url)
                link = Node("a", {"href": url}, [title])
                shown = [] if own else [f" ({url})"]  # where it leads, as the old page showed
                node.children[index] = Node("p", {}, [link, *shown])
                linked.append(url)
            else:
                visit(child)

    visit(document)
    return linked


def _embed_url(node: Node) -> str:
    """The URL an embed block or frame shows ("" for any other element)."""
    if node.tag == "iframe":
        return (node.attrs.get("src") or node.attrs.get("data-src") or "").strip()
    if node.tag != "figure" or "wp-block-embed" not in node.attrs.get("class", "").split():
        return ""
    caption = next((n for n in node.iter() if n.tag == "figcaption"), None)
    text = plain(node).removesuffix(plain(caption) if caption is not None else "").strip()
    return bare_url(text) or next(
        (
            n.attrs.get("src") or n.attrs.get("href") or ""
            for n in node.iter()
            if n.tag in ("iframe", "a")
        ),
        "",
    )
