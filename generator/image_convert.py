"""Image conversion with Pillow: the second step of :mod:`generator.images`.

Kept apart from the catalog types so that a build which converts nothing (a
rebuild after a text edit, whose images the engine already knows) does not
import Pillow.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from generator import image_cache
from generator.discover import digest_of
from generator.errors import ContentError
from generator.image_limits import pixels_from_pillow, too_many_pixels
from generator.images import (
    FORMATS,
    OG_WIDTH,
    RECIPE,
    SAVE_OPTIONS,
    WIDTHS,
    ImageCatalog,
    ImageSource,
    ResponsiveImage,
    Variant,
)
from generator.stale_reads import StaleReads


def convert_images(
    images: Iterable[ImageSource], cache_dir: Path, stale: StaleReads | None = None
) -> ImageCatalog:
    """Convert every image (or take it from ``cache_dir``); raise ContentError for a broken file.

    A source file that changed since the build read it is noted in ``stale`` (the build
    run's log, see :mod:`generator.stale_reads`)."""
    catalog, stale = ImageCatalog(), stale if stale is not None else StaleReads()
    for image in images:
        catalog.images[image.url] = _convert(image, cache_dir / "images", catalog, stale)
    image_cache.remove_unused(cache_dir / "images", catalog.cached.values())
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
            data = image_cache.read(path)
            if data is None:
                data = _encode(pixels(), size, FORMATS[extension])
                catalog.converted.append(made.dest_path)
                image_cache.store(path, data)
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
