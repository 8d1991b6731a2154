"""Rendered pages point every ``<img>`` at the converted copies of its image.

:func:`responsive_pages` is the third step of :mod:`generator.images`: an
``<img>`` whose ``src`` is a converted image becomes a ``<picture>`` with
``srcset``, ``sizes``, ``width`` and ``height`` (no layout shift) and
``loading="lazy"`` unless the template asked for ``fetchpriority`` or
``loading`` itself. An ``<img>`` with no ``alt`` at all breaks the rule
``alt-text``; a decorative image says ``alt=""``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from markupsafe import escape

from generator.config import Config
from generator.discover import SourceFile
from generator.errors import SiteWarning
from generator.images import DEFAULT_SIZES, ImageCatalog, Variant
from generator.stale_reads import StaleReads


def responsive_pages(
    pages: dict[str, bytes],
    catalog: ImageCatalog,
    config: Config,
    vector: dict[str, bytes],
    sources: tuple[SourceFile, ...] = (),
    stale: StaleReads | None = None,
) -> tuple[dict[str, bytes], list[SiteWarning]]:
    """Rewrite the ``<img>`` of every page (HTML); return the pages and the images without alt.

    ``vector`` holds SVG files by site URL; ``sources`` (the content files) only serve
    to name the file an ``<img>`` without ``alt`` comes from (rule ``alt-text``); a file
    that changed since the build read it is noted in ``stale``, the build run's log.

    On ``/posts/jar/``, ``<img src="hero.jpg" alt="A jar">`` becomes::

        <picture><source type="image/webp" srcset="/posts/jar/hero-480.3f2a9c1e.webp 480w, ..."
        sizes="..."><img src="/posts/jar/hero-960.3f2a9c1e.jpg" alt="A jar" loading="lazy"
        srcset="/posts/jar/hero-480.3f2a9c1e.jpg 480w, ..." sizes="..." width="960"
        height="540"></picture>
    """
    rewritten, problems, stale = {}, [], stale if stale is not None else StaleReads()
    for dest_path, data in pages.items():
        html = data.decode("utf-8")  # raises for a page that is not UTF-8
        if _IMG.search(data):  # most pages of a large site show no image: nothing to do
            page_url = config.base_path + dest_path.removesuffix("index.html")
            found = _rewrite(
                html, dest_path, page_url, catalog, config, vector, sources, problems, stale
            )
            data = found.encode("utf-8")
        rewritten[dest_path] = data
    return rewritten, problems


# "<img" in any case. Searching the bytes finds what str.lower() would: only ASCII
# letters lower to "i", "m" or "g" (U+0130 lowers to "i" and a combining dot).
_IMG = re.compile(rb"<img", re.IGNORECASE)


class _ImageFinder(HTMLParser):
    """Where each ``<img>`` tag is in a page, and whether it sits in a ``<picture>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[tuple[int, int], str, dict[str, str | None], bool]] = []
        self.pictures = 0

    def handle_starttag(self, tag, attrs):
        if tag == "picture":
            self.pictures += 1
        elif tag == "img":
            self.found.append(
                (self.getpos(), self.get_starttag_text() or "", dict(attrs), self.pictures > 0)
            )

    def handle_endtag(self, tag):
        if tag == "picture":
            self.pictures = max(0, self.pictures - 1)


def _rewrite(
    html: str,
    dest_path: str,
    page_url: str,
    catalog: ImageCatalog,
    config: Config,
    vector: dict[str, bytes],
    sources: tuple[SourceFile, ...],
    problems: list[SiteWarning],
    stale: StaleReads | None = None,  # the build run's log, for the content files read
) -> str:
    stale = stale if stale is not None else StaleReads()
    finder = _ImageFinder()
    finder.feed(html)
    finder.close()
    # HTMLParser counts lines at "\n" only (str.splitlines would also split at U+2028).
    line_starts = [0] + [match.end() for match in re.finditer("\n", html)]
    pieces, last = [], 0
    for (line, column), text, attrs, in_picture in finder.found:
        start = line_starts[line - 1] + column
        if "alt" not in attrs:  # a bare `alt` is alt="", which is fine
            problems.append(_missing_alt(dest_path, text, line, sources, stale))
        replacement = _responsive(attrs, page_url, catalog, config, vector, in_picture)
        if replacement is not None:
            pieces += [html[last:start], replacement]
            last = start + len(text)
    pieces.append(html[last:])
    return "".join(pieces)


def _missing_alt(
    dest_path: str, tag: str, line: int, sources: tuple[SourceFile, ...], stale: StaleReads
) -> SiteWarning:
    """Name the content file that holds the tag when there is one, else the built page."""
    message = f"an image has no alt text: {tag}"
    hint = 'describe the image in alt="...", or write alt="" if it is only decoration'
    for source in sources:
        text = source.read(stale).decode("utf-8", "replace")
        if tag in text:
            where = text.count("\n", 0, text.index(tag)) + 1
            return SiteWarning(source.src_path, message, line=where, hint=hint, rule="alt-text")
    hint += " (in a template)"
    return SiteWarning(dest_path, message, line=line, hint=hint, rule="alt-text")


def _responsive(
    attrs: dict[str, str | None],
    page_url: str,
    catalog: ImageCatalog,
    config: Config,
    vector: dict[str, bytes],
    in_picture: bool,
) -> str | None:
    if in_picture or attrs.get("srcset") is not None:
        return None
    attrs = dict(attrs)
    # A template asks for a layout width with `sizes`; it only means something with srcset.
    sizes = attrs.pop("sizes", None) or DEFAULT_SIZES
    url = _site_url(attrs.get("src") or "", page_url, config)
    if "loading" not in attrs and "fetchpriority" not in attrs:
        attrs["loading"] = "lazy"
    image = catalog.images.get(url or "")
    if image is None:
        size = _svg_size(vector[url]) if url in vector else None
        if size is not None and "width" not in attrs:
            attrs["width"], attrs["height"] = str(size[0]), str(size[1])
        return _tag("img", attrs)
    fallback = image.fallback
    attrs.update(
        src=fallback.url,
        srcset=_srcset(image.original),
        sizes=sizes,
        width=str(fallback.width),
        height=str(fallback.height),
    )
    source = _tag("source", {"type": "image/webp", "srcset": _srcset(image.webp), "sizes": sizes})
    return f"<picture>{source}{_tag('img', attrs)}</picture>"


def _site_url(src: str, page_url: str, config: Config) -> str | None:
    """The site-relative path of an image URL, or None for another host or a data: URL."""
    if not src or src.startswith("data:"):
        return None
    parts = urlsplit(urljoin(config.origin + page_url, src))
    if f"{parts.scheme}://{parts.netloc}" != config.origin:
        return None
    return parts.path


def _srcset(variants: tuple[Variant, ...]) -> str:
    return ", ".join(f"{variant.url} {variant.width}w" for variant in variants)


def _tag(name: str, attrs: dict[str, str | None]) -> str:
    parts = [name]
    for key, value in attrs.items():
        parts.append(key if value is None else f'{key}="{escape(value)}"')
    return "<" + " ".join(parts) + ">"


def _svg_size(data: bytes) -> tuple[int, int] | None:
    """An SVG's drawing size from its ``width``/``height`` or ``viewBox``, for the ``<img>``."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None
    try:
        width, height = (
            float(root.get(name, "").removesuffix("px")) for name in ("width", "height")
        )
    except ValueError:
        box = (root.get("viewBox") or "").replace(",", " ").split()
        if len(box) != 4:
            return None
        width, height = float(box[2]), float(box[3])
    return (round(width), round(height)) if width > 0 and height > 0 else None
