"""The video block: a YouTube or Vimeo video that loads nothing until the reader asks.

A writer puts the block on a line of its own::

    !video[How a micro needling session goes](https://www.youtube.com/watch?v=aqz-KE-bpKQ)

The page shows a poster drawn by the site itself (the title on a plain
background, no image from the video host) that links to the video. A click
replaces it with the player, from ``www.youtube-nocookie.com`` for YouTube and
``player.vimeo.com`` with ``dnt=1`` for Vimeo; before that click the reader's
browser asks the video host for nothing.

    >>> video_address("https://youtu.be/aqz-KE-bpKQ?t=90").embed_url
    'https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1&start=90'
    >>> video_address("https://vimeo.com/76979871").embed_url
    'https://player.vimeo.com/video/76979871?autoplay=1&dnt=1'
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from markdown.blockprocessors import BlockProcessor

from generator.components.base import ComponentError, placeholder

# !video[Title](URL): a title of escaped characters or anything but "]", a URL without spaces.
BLOCK = re.compile(r"^ {0,3}!video\[((?:\\.|[^\]\\\n])+)\]\(\s*<?([^\s<>()]+)>?\s*\)[ \t]*$")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_HOSTS = {"youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com"}
_VIMEO_PATH = re.compile(r"^/(?:video/|channels/[^/]+/|groups/[^/]+/videos/)?(\d+)(?:/(\w+))?/?$")
_TIME = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")
HINT = (
    "use a YouTube or Vimeo address, like "
    "!video[Title](https://www.youtube.com/watch?v=VIDEO_ID) or !video[Title](https://vimeo.com/123456)"
)


@dataclass(frozen=True)
class VideoAddress:
    """Where a video is watched (a link) and where its player is loaded from (after a click)."""

    provider: str  # "YouTube" or "Vimeo"
    watch_url: str
    embed_url: str

    @property
    def embed_host(self) -> str:
        return urlsplit(self.embed_url).hostname or ""


def video_address(url: str) -> VideoAddress | None:
    """The video a YouTube or Vimeo URL names (page, short link or player), else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", ""):
        return None
    host = (parts.hostname or "").removeprefix("www.")
    query = parse_qs(parts.query)
    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        return _youtube(host, parts.path, query)
    if host in ("vimeo.com", "player.vimeo.com"):
        return _vimeo(parts.path, query)
    return None


def _youtube(host: str, path: str, query: dict[str, list[str]]) -> VideoAddress | None:
    if host == "youtu.be":
        identifier = path.strip("/")
    elif path == "/watch":
        identifier = query.get("v", [""])[0]
    else:
        match = re.match(r"^/(?:embed|shorts|live|v)/([^/?]+)", path)
        identifier = match.group(1) if match else ""
    if not _YOUTUBE_ID.match(identifier):
        return None
    options = {"autoplay": "1"}
    start = _seconds(query.get("t", query.get("start", [""]))[0])
    if start:
        options["start"] = str(start)
    return VideoAddress(
        "YouTube",
        f"https://www.youtube.com/watch?v={identifier}",
        f"https://www.youtube-nocookie.com/embed/{identifier}?{urlencode(options)}",
    )


def _vimeo(path: str, query: dict[str, list[str]]) -> VideoAddress | None:
    match = _VIMEO_PATH.match(path)
    if not match:
        return None
    identifier, private_hash = match.group(1), match.group(2) or query.get("h", [""])[0]
    options = {"autoplay": "1", "dnt": "1"}
    watch = f"https://vimeo.com/{identifier}"
    if private_hash and re.fullmatch(r"[0-9a-f]+", private_hash):
        options["h"] = private_hash
        watch += f"/{private_hash}"
    return VideoAddress(
        "Vimeo", watch, f"https://player.vimeo.com/video/{identifier}?{urlencode(options)}"
    )


def _seconds(value: str) -> int:
    """``90``, ``90s`` or ``1m30s`` -> 90; anything else -> 0."""
    match = _TIME.match(value.strip()) if value.strip() else None
    if not match:
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def markdown_block(title: str, url: str) -> str:
    r"""The Markdown of a video block, for importers (the title escaped as the syntax needs).

    >>> markdown_block("Face [part 1]", "https://vimeo.com/1")
    '!video[Face \\[part 1\\]](https://vimeo.com/1)'
    """
    title = re.sub(r"([][\\])", r"\\\1", " ".join(title.split()) or "Video")
    return f"!video[{title}]({url})"


def context(fields: dict[str, str]) -> dict | None:
    """The template's variables for a placeholder's fields (None when the URL is no video)."""
    address = video_address(fields.get("url", ""))
    title = " ".join(fields.get("title", "").split())
    if address is None or not title:
        return None
    return {
        "title": title,
        "url": fields["url"],
        "provider": address.provider,
        "watch_url": address.watch_url,
        "embed_url": address.embed_url,
        "embed_host": address.embed_host,
    }


class VideoBlock(BlockProcessor):
    """``!video[Title](URL)`` on a line of its own -> the video placeholder."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(BLOCK.match(block.split("\n", 1)[0]))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        line, _, rest = blocks.pop(0).partition("\n")
        match = BLOCK.match(line)
        assert match is not None  # test() said so
        title = re.sub(r"\\(.)", r"\1", match.group(1)).strip()
        url = match.group(2)
        if video_address(url) is None:
            raise ComponentError(f"{url} is not a YouTube or Vimeo video address", line, HINT)
        if rest.strip():
            blocks.insert(0, rest)
        stash = self.parser.md.htmlStash.store(placeholder("video", {"title": title, "url": url}))
        etree.SubElement(parent, "p").text = stash
