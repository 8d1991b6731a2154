"""Responsive images: convert each raster image once, then point every ``<img>`` at the results.

Three steps, each plain data in and out:

1. :func:`image_sources` lists the images a build may use: files beside
   articles and raster files of ``static/``, each with the URL pages use for it.
2. :func:`~generator.image_convert.convert_images` makes, with Pillow, a few
   widths of each (480, 960 and 1440 pixels, never wider than the original) in
   WebP and in the original format, plus a 1200-wide copy for ``og:image``.
   Results are cached under ``SITE/.sitegen-cache/images/`` by the source's
   content hash and the conversion recipe, so an unchanged image is never
   converted twice.
3. :func:`~generator.image_markup.responsive_pages` rewrites rendered pages: an
   ``<img>`` whose ``src`` is a converted image becomes a ``<picture>`` with ``srcset``, ``sizes``,
   ``width`` and ``height`` (no layout shift) and ``loading="lazy"`` unless the
   template asked for ``fetchpriority`` or ``loading`` itself. An ``<img>``
   with no ``alt`` at all breaks the rule ``alt-text``; a decorative image says
   ``alt=""``.

Markdown images get their ``alt`` from the brackets, ``![What it shows](x.jpg)``;
empty brackets break the rule ``alt-text`` (an error unless ``site.toml`` says
otherwise) unless the image is marked ``{decorative}``
(:class:`~generator.alt_text.AltTextCheck`, run inside Python-Markdown by ``parse``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.config import Config
from generator.discover import SourceFile
from generator.image_limits import DEFAULT_MAX_PIXELS
from generator.model import Site
from generator.stale_reads import StaleReads

WIDTHS = (480, 960, 1440)
OG_WIDTH = 1200
# The <img> fallback: sharp on most phones at 2x, small enough for old browsers.
FALLBACK_WIDTH = 960
# Pillow's name and the file suffix each raster format is written with.
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
SAVE_OPTIONS: dict[str, dict] = {
    "JPEG": {"quality": 80, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 78, "method": 6},
}
# Part of every cache key: change it whenever the conversion changes.
RECIPE = "v1:" + repr(sorted((name, sorted(opts.items())) for name, opts in SAVE_OPTIONS.items()))
# What an image in an article's text is drawn at: the article column, or the screen less margins.
DEFAULT_SIZES = "(min-width: 45rem) 42rem, calc(100vw - 2.5rem)"


@dataclass(frozen=True)
class ImageSource:
    """A raster image a page may show: where it comes from and the URL pages use for it.

    Its bytes are ``raw``, or those of the source ``file`` (read only when a copy
    must be made)."""

    src_path: str
    url: str  # site-relative, like /posts/microneedling/hero.jpg
    dest_path: str  # the original's output path
    raw: bytes | None = field(repr=False, compare=False)
    digest: str
    file: SourceFile | None = field(default=None, repr=False, compare=False)
    max_pixels: int = DEFAULT_MAX_PIXELS  # a bigger one is refused unread (image_limits)

    def read(self, stale: StaleReads) -> bytes:
        """Its bytes; a source file that changed under the build is noted in ``stale``."""
        if self.raw is not None:
            return self.raw
        assert self.file is not None
        return self.file.read(stale)


@dataclass(frozen=True)
class Variant:
    url: str
    dest_path: str
    width: int
    height: int


@dataclass(frozen=True)
class ResponsiveImage:
    """Every converted copy of one image; ``fallback`` is the ``<img src>``."""

    width: int
    height: int
    webp: tuple[Variant, ...]
    original: tuple[Variant, ...]
    og: Variant

    @property
    def fallback(self) -> Variant:
        fitting = [v for v in self.original if v.width <= FALLBACK_WIDTH]
        return fitting[-1] if fitting else self.original[0]


@dataclass
class ImageCatalog:
    """The converted images by site-relative URL, their bytes by output path, and what was new.

    ``digests`` and ``cached`` give every copy's digest and the cache file that holds
    it, so that a later build can take the copies without reading them.
    """

    images: dict[str, ResponsiveImage] = field(default_factory=dict)
    outputs: dict[str, bytes] = field(default_factory=dict)
    converted: list[str] = field(default_factory=list)  # output paths not found in the cache
    digests: dict[str, str] = field(default_factory=dict)
    cached: dict[str, Path] = field(default_factory=dict)

    def without_data(self) -> ImageCatalog:
        return ImageCatalog(self.images, {}, [], self.digests, self.cached)

    def og_image(self, url: str, origin: str) -> Variant | None:
        """The 1200-wide copy of an image given by absolute URL, for ``og:image``."""
        found = self.images.get(url.removeprefix(origin))
        if found is None:
            return None
        return Variant(origin + found.og.url, found.og.dest_path, found.og.width, found.og.height)


def image_sources(config: Config, site: Site, sources: Iterable[SourceFile]) -> list[ImageSource]:
    """The raster images beside published articles and in ``static/``, in a stable order."""
    by_src = {source.src_path: source for source in sources}
    found = []
    for article in site.articles:
        for asset in article.assets:
            if _is_raster(asset.src_path):
                source = by_src[asset.src_path]
                url = config.base_path + asset.dest_path
                found.append(
                    ImageSource(
                        asset.src_path,
                        url,
                        asset.dest_path,
                        None,
                        source.digest,
                        source,
                        max_pixels=config.image_max_pixels,
                    )
                )
    for source in by_src.values():
        if source.kind == "static" and _is_raster(source.static_name):
            dest_path = "static/" + source.static_name
            url = config.base_path + dest_path
            found.append(
                ImageSource(
                    source.src_path,
                    url,
                    dest_path,
                    None,
                    source.digest,
                    source,
                    max_pixels=config.image_max_pixels,
                )
            )
    return sorted(found, key=lambda image: image.url)


def _is_raster(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in FORMATS
