"""How many pixels an image may have before sitegen refuses to decode it.

A PNG of 20000 x 20000 pixels is a few kilobytes on disk and 1.6 GB once
decoded: a "decompression bomb". Its header alone tells the size, so an image
over the limit is refused before its pixels are read. ``site.toml`` sets the
limit::

    image_max_pixels = 50000000   # width x height; the default, 50 megapixels

Pillow itself refuses, on opening, anything over twice its own limit
(``PIL.Image.MAX_IMAGE_PIXELS``); the setting cannot go above that.
"""

from __future__ import annotations

import re

from generator.errors import ContentError

DEFAULT_MAX_PIXELS = 50_000_000
# Twice Pillow's MAX_IMAGE_PIXELS (a test keeps them equal); not imported from Pillow
# because site.toml is loaded by builds that have nothing to do and no image to open.
HIGHEST_MAX_PIXELS = 178_956_970
_PILLOW_COUNT = re.compile(r"\((\d+) pixels\)")


def too_many_pixels(src_path: str, pixels: int | None, limit: int) -> ContentError:
    """The ``image-unreadable`` error for an image over ``limit`` pixels.

    >>> error = too_many_pixels("static/huge.png", 400_000_000, 50_000_000)
    >>> error.message.split(" (")[0]
    'the image has 400,000,000 pixels, over the limit of 50,000,000'
    """
    count = f"{pixels:,}" if pixels is not None else "more than " + f"{HIGHEST_MAX_PIXELS:,}"
    return ContentError(
        src_path,
        f"the image has {count} pixels, over the limit of {limit:,} "
        "(image_max_pixels in site.toml)",
        hint="save it smaller (a web page needs at most about 3000 pixels across), or remove it",
        rule="image-unreadable",
    )


def pixels_from_pillow(error: Exception) -> int | None:
    """The pixel count Pillow's ``DecompressionBombError`` names, if it does."""
    match = _PILLOW_COUNT.search(str(error))
    return int(match.group(1)) if match else None
