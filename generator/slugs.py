"""Turning names into URL-safe slugs and anchors.

Letters of any script are first spelled in ASCII by ``anyascii`` (a
transliteration table for every Unicode character, kept up to date with each
Unicode release): "Straße" becomes "strasse", "Привет" "privet", "Καλημέρα"
"kalimera", and each Chinese character its pinyin syllable, one word apiece
("针灸治疗指南" is "zhen-jiu-zhi-liao-zhi-nan"). Python-Markdown's
``toc.slugify`` then does the rest (NFKD, ASCII, lower case). Only letters and
digits are transliterated: symbols and punctuation are dropped as before, so
the anchors of existing Latin headings do not change.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from anyascii import anyascii
from markdown.extensions.toc import slugify as _markdown_slugify

# Longer slugs would not fit a file name (255 bytes) with room to spare for
# what tools add to them; a slug is a folder name in the output.
MAX_SLUG_LENGTH = 200
# Folder names some systems refuse (Windows devices): the output must copy anywhere.
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{n}" for d in ("com", "lpt") for n in range(1, 10)]
)


def slugify(text: str, separator: str = "-") -> str:
    """ASCII slug of ``text``: ``slugify("Micro needling: Ärzte")`` is ``"micro-needling-arzte"``.

    The result holds only ``a-z``, ``0-9``, ``_`` and the separator, so it can
    never name a path outside the folder it is joined to.

    >>> slugify("针灸治疗指南"), slugify("Привет, мир"), slugify("Straße")
    ('zhen-jiu-zhi-liao-zhi-nan', 'privet-mir', 'strasse')
    """
    if not text.isascii():
        text = "".join(_spelled(char) for char in text)
    slug = _markdown_slugify(text, separator)
    return slug.strip(separator + "_")


@lru_cache(maxsize=4096)
def _spelled(char: str) -> str:
    if char.isascii() or unicodedata.category(char)[0] not in "LN":
        return char
    spelled = anyascii(char)
    # Chinese (and Japanese kanji) write no spaces: each character is a word of its own.
    if unicodedata.name(char, "").startswith("CJK "):
        return f" {spelled} "
    return spelled


def slug_too_long(slug: str) -> bool:
    return len(slug) > MAX_SLUG_LENGTH


def shortened(slug: str, separator: str = "-") -> str:
    """``slug`` cut to :data:`MAX_SLUG_LENGTH` at a word boundary where there is one."""
    if not slug_too_long(slug):
        return slug
    cut = slug[: MAX_SLUG_LENGTH + 1]
    head = cut.rsplit(separator, 1)[0] if separator in cut else cut[:MAX_SLUG_LENGTH]
    return head[:MAX_SLUG_LENGTH].strip(separator + "_")
