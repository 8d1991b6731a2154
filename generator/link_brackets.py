"""Where a link's text ends, found from the brackets alone: Python-Markdown's answer, faster.

Python-Markdown (3.11) finds the ``]`` that closes a link's or image's text
with a table of every index of the paragraph (``_findBracketEnds``), made one
character at a time in Python, and made again whenever the paragraph's text
changes, which it does after each link is replaced by its placeholder. On
this project's benchmark corpus that took a sixth of the whole conversion.

:class:`BracketEnds` gives the same table from the positions of the brackets,
found by a regular expression: every index between two brackets has the
same answer, so one entry per bracket is enough. The output does not change
(``tests/test_link_brackets.py`` compares the two tables).

:func:`find_link_ends_by_brackets` puts it on a converter's link processors.
A Python-Markdown without ``_findBracketEnds`` (older ones scan from each
``[``) is left as it is.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from markdown import Markdown
from markdown.inlinepatterns import LinkInlineProcessor

_BRACKET = re.compile(r"[\[\]]")
_LIBRARY_NAME = "_findBracketEnds"


class BracketEnds:
    """For each index of ``text``, the index just past the ``]`` that closes a bracket
    opened before it, or ``None``; as ``LinkInlineProcessor._findBracketEnds`` gives it.

    ``ends[i]`` is the first index after ``i`` where the depth of brackets (``[``
    counted up, ``]`` down, before that index) is lower than at ``i``::

        >>> ends = BracketEnds("[a [b] c] d")
        >>> ends[1], ends[4], ends[7], ends[10]
        (9, 6, 9, None)
    """

    __slots__ = ("_brackets", "_ends")

    def __init__(self, text: str) -> None:
        # Stretch k holds the indexes after bracket k - 1 up to bracket k included (the
        # first from 0, the last up to the end): the depth, and so the answer, is the
        # same for all of them.
        brackets = [found.start() for found in _BRACKET.finditer(text)]
        ends: list[int | None] = [None] * (len(brackets) + 1)
        waiting: list[tuple[int, int]] = []  # (stretch, its depth), depths rising
        depth = 0
        for stretch, position in enumerate(brackets):
            waiting.append((stretch, depth))
            depth += 1 if text[position] == "[" else -1
            while waiting and depth < waiting[-1][1]:
                ends[waiting.pop()[0]] = position + 1
        self._brackets = brackets
        self._ends = ends

    def __getitem__(self, index: int) -> int | None:
        return self._ends[bisect_left(self._brackets, index)]


def find_link_ends_by_brackets(markdown: Markdown) -> None:
    """Give each of ``markdown``'s link and image processors :class:`BracketEnds`."""
    for processor in markdown.inlinePatterns:
        if isinstance(processor, LinkInlineProcessor) and hasattr(processor, _LIBRARY_NAME):
            setattr(processor, _LIBRARY_NAME, BracketEnds)
