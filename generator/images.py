"""Responsive images: convert each raster image once, then point every ``<img>`` at the results.

Three steps, each plain data in and out:

1. :func:`image_sources` lists the images a build may use: files beside
   articles and raster files of ``static/``, each with the URL pages use for it.
2. :func:`convert_images` makes, with Pillow, a few widths of each (480, 960
   and 1440 pixels, never wider than the original) in WebP and in the original
   format, plus a 1200-wide copy for ``og:image``. Results are cached under
   ``SITE/.sitegen-cache/images/`` by the source's content hash and the
   conversion recipe, so an unchanged image is never converted twice.
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

import hashlib
import io
import os
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from generator.config import Config
from generator.discover import SourceFile, digest_of
from generator.errors import ContentError
from generator.image_limits import DEFAULT_MAX_PIXELS, pixels_from_pillow, too_many_pixels
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


def convert_images(
    images: Iterable[ImageSource], cache_dir: Path, stale: StaleReads | None = None
) -> ImageCatalog:
    """Convert every image (or take it from ``cache_dir``); raise ContentError for a broken file.

    A source file that changed since the build read it is noted in ``stale`` (the build
    run's log, see :mod:`generator.stale_reads`)."""
    catalog, stale = ImageCatalog(), stale if stale is not None else StaleReads()
    for image in images:
        catalog.images[image.url] = _convert(image, cache_dir / "images", catalog, stale)
    return catalog


def target_widths(width: int) -> tuple[int, ...]:
    """``2000 -> (480, 960, 1440)``, ``1200 -> (480, 960, 1200)``, ``300 -> (300,)``."""
    return tuple(sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])}))


def _convert(
    image: ImageSource, cache_dir: Path, catalog: ImageCatalog, stale: StaleReads
) -> ResponsiveImage:
    # Only the header is read here; pixels are decoded when a size is missing from the cache.
    original = _open(image, stale)
    width, height = _upright_size(original)
    suffix = PurePosixPath(image.dest_path).suffix.lower()
    upright: list[Image.Image] = []

    def pixels() -> Image.Image:
        if not upright:
            upright.append(_decode(image, original))
        return upright[0]

    def variant(target: int, extension: str) -> Variant:
        size = (target, max(1, round(height * target / width)))
        made = _variant(image, size, extension)
        if made.dest_path not in catalog.outputs:
            key = f"{image.digest}:{size}:{extension}:{RECIPE}".encode()
            path = cache_dir / (hashlib.blake2b(key, digest_size=16).hexdigest() + extension)
            data = _read_cache(path)
            if data is None:
                data = _encode(pixels(), size, FORMATS[extension])
                catalog.converted.append(made.dest_path)
                _store(path, data)
            catalog.outputs[made.dest_path] = data
            catalog.digests[made.dest_path] = digest_of(data)
            catalog.cached[made.dest_path] = path
        return made

    widths = target_widths(width)
    return ResponsiveImage(
        width=width,
        height=height,
        webp=tuple(variant(w, ".webp") for w in widths),
        original=tuple(variant(w, suffix) for w in widths),
        og=variant(min(width, OG_WIDTH), suffix),
    )


def _open(image: ImageSource, stale: StaleReads) -> Image.Image:
    """The image with its header read; one over ``max_pixels`` is refused before decoding."""
    try:
        with warnings.catch_warnings():  # the size is judged below, against our own limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(image.read(stale)))
    except Image.DecompressionBombError as error:
        raise too_many_pixels(image.src_path, pixels_from_pillow(error), image.max_pixels) from None
    except (UnidentifiedImageError, OSError) as error:
        raise _unreadable(image, error) from None
    width, height = picture.size
    if width * height > image.max_pixels:
        raise too_many_pixels(image.src_path, width * height, image.max_pixels)
    return picture


def _upright_size(picture: Image.Image) -> tuple[int, int]:
    """The size once the EXIF orientation is applied: tags 5 to 8 turn the picture a quarter."""
    width, height = picture.size
    orientation = picture.getexif().get(ExifTags.Base.Orientation, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _decode(image: ImageSource, picture: Image.Image) -> Image.Image:
    try:
        picture.load()
    except OSError as error:
        raise _unreadable(image, error) from None
    # Phones store photos sideways with an orientation tag; turn the pixels instead.
    return ImageOps.exif_transpose(picture)


def _unreadable(image: ImageSource, error: Exception) -> ContentError:
    return ContentError(
        image.src_path,
        f"not a readable image: {error}",
        hint="save it again as JPEG, PNG or WebP, or remove it",
        rule="image-unreadable",
    )


def _variant(image: ImageSource, size: tuple[int, int], extension: str) -> Variant:
    path = PurePosixPath(image.dest_path)
    name = f"{path.stem}-{size[0]}.{image.digest[:8]}{extension}"
    dest_path = str(path.with_name(name))
    url = image.url.rsplit("/", 1)[0] + "/" + name
    return Variant(url, dest_path, size[0], size[1])


def _read_cache(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _encode(picture: Image.Image, size: tuple[int, int], format_name: str) -> bytes:
    resized = picture if picture.size == size else picture.resize(size, Image.Resampling.LANCZOS)
    if format_name == "JPEG" and resized.mode not in ("RGB", "L"):
        resized = resized.convert("RGB")
    out = io.BytesIO()
    # No EXIF is passed on: it can hold the camera owner's name and the place a photo was taken.
    icc = picture.info.get("icc_profile")
    resized.save(
        out, format_name, **SAVE_OPTIONS[format_name], **({"icc_profile": icc} if icc else {})
    )
    return out.getvalue()


def _store(path: Path, data: bytes) -> None:
    """Cache a conversion; a cache that cannot be written only costs time next build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        pass


def _is_raster(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in FORMATS
