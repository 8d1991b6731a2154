"""How the work of ranking is cut up: none of it changes a result, only its cost."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    """Sizes of the pieces the ranking works in.

    The tests vary them (tiny blocks and groups, no slack, runs of two) to
    show that the related posts do not depend on them.
    """

    slack: int = 8  # articles ranked beyond those shown: a change rarely needs a whole row
    run: int = 64  # a tag or category held by this many consecutive slots adds to them as a slice
    order_tags: int = 3  # within a category, slots follow the holders of the most common tags
    block_rows: int = 64  # rows scored at once: their scores stay small enough for the cache
    group: int = 16  # columns per group when looking for a row's best scores
    rebuild_share: float = 1 / 8  # when more articles than this changed, start again from scratch
