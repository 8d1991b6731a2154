"""Turning names into URL-safe slugs and anchors.

Python-Markdown's ``toc.slugify`` does the work (NFKD, ASCII, lower case);
letters that do not decompose into ASCII are spelled out first, so that
"Straße" becomes "strasse" rather than "strae".
"""

from __future__ import annotations

from markdown.extensions.toc import slugify as _markdown_slugify

_SPELLED_OUT = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH", "ð": "d", "ı": "i",
    }
)  # fmt: skip


def slugify(text: str, separator: str = "-") -> str:
    """ASCII slug of ``text``: ``slugify("Micro needling: Ärzte")`` is ``"micro-needling-arzte"``.

    The result holds only ``a-z``, ``0-9``, ``_`` and the separator, so it can
    never name a path outside the folder it is joined to.
    """
    slug = _markdown_slugify(text.translate(_SPELLED_OUT), separator)
    return slug.strip(separator + "_")
