"""Document frequencies: in how many articles each word, tag and category is.

A feature's rarity level, and so its weight, moves only when its count
crosses a level's threshold: recounting after a change tells which moved.
"""

from __future__ import annotations

import numpy as np

from generator.related.weights import (
    CATEGORY_WEIGHT,
    TEXT_SPACE,
    log_steps,
    tag_weights,
    word_levels,
)


class WordCounts:
    """The word ids of each slot's article, one slot after another, and each word's count.

    ``words[starts[s]:starts[s + 1]]`` are the words of slot ``s``; ``df[w]``
    is the number of articles holding word ``w``.
    """

    def __init__(self, words: np.ndarray, starts: np.ndarray) -> None:
        self.words = words
        self.starts = starts
        self.df = np.bincount(words, minlength=TEXT_SPACE).astype(np.int32)

    def __getstate__(self) -> dict:
        return {"words": self.words, "starts": self.starts}  # the counts are derived

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["words"], state["starts"])

    def grow(self, extra: int) -> None:
        """Room for ``extra`` more slots, empty, at the end."""
        self.starts = np.r_[self.starts, np.full(extra, self.starts[-1])]

    def replace(self, slots: list[int], pairs: np.ndarray, lengths: np.ndarray, level_n: int):
        """Give ``slots`` the words of ``pairs`` (``lengths[i]`` of them for ``slots[i]``).

        Returns the slots holding a word whose rarity level moved.
        """
        starts = self.starts
        old = np.concatenate([self.words[starts[s] : starts[s + 1]] for s in slots])
        new = pairs[:, 0]
        if np.array_equal(lengths, np.diff(starts)[slots]) and np.array_equal(old, new):
            return set()  # only counts changed: every word keeps its level
        touched = np.unique(np.concatenate([old, new]).astype(np.int64))
        old_levels = word_levels(self.df[touched], level_n)
        np.subtract.at(self.df, old.astype(np.int64), 1)
        np.add.at(self.df, new.astype(np.int64), 1)
        self._put(slots, new, lengths)
        moved = touched[word_levels(self.df[touched], level_n) != old_levels]
        return self._holders(moved)

    def _put(self, slots: list[int], words: np.ndarray, lengths: np.ndarray) -> None:
        starts = self.starts
        pieces, at, offset = [], 0, 0
        for slot, length in zip(slots, lengths.tolist(), strict=True):
            pieces.append(self.words[at : starts[slot]])
            pieces.append(words[offset : offset + length])
            at, offset = starts[slot + 1], offset + length
        pieces.append(self.words[at:])
        sizes = np.diff(starts)
        sizes[slots] = lengths
        self.words = np.concatenate(pieces)
        self.starts = np.r_[0, np.cumsum(sizes)]

    def _holders(self, words: np.ndarray) -> set[int]:
        """The slots holding any of ``words``."""
        if not len(words):
            return set()
        marked = np.zeros(TEXT_SPACE, dtype=bool)
        marked[words] = True
        holders = np.flatnonzero(marked[self.words])
        holders = np.searchsorted(self.starts, holders, side="right") - 1
        return set(np.unique(holders).tolist())


class TagCounts:
    """Feature ids of tags and categories ("tag:<slug>", "category:<slug>") and their counts.

    Ids are given in the order names are first seen, after the word ids
    (from ``TEXT_SPACE`` on); ``df[id - TEXT_SPACE]`` counts the articles
    holding one.
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.df = np.zeros(0, dtype=np.int64)
        self.categories = np.zeros(0, dtype=bool)  # by id - TEXT_SPACE: a category, not a tag

    def entries(self, slots, metas) -> tuple[np.ndarray, np.ndarray]:
        """(slots, feature ids) of the tags and categories in ``metas`` (those of ``slots``);
        new names get an id and a count of 0."""
        ids = self.ids
        names = [name for meta in metas for name in meta.features]
        for name in sorted(set(names).difference(ids)):
            ids[name] = TEXT_SPACE + len(ids)
        sizes = np.fromiter((len(meta.features) for meta in metas), np.int64, count=len(metas))
        rows = np.repeat(np.fromiter(slots, np.int64, count=len(metas)), sizes)
        features = np.fromiter((ids[name] for name in names), np.int64, count=len(names))
        if len(ids) > len(self.df):
            extra = len(ids) - len(self.df)
            self.df = np.r_[self.df, np.zeros(extra, dtype=np.int64)]
            self.categories = np.array([name.startswith("category:") for name in ids], dtype=bool)
        return rows, features

    def count(self, features: np.ndarray) -> None:
        """Count from scratch: ``features`` are every entry of every article."""
        self.df = np.bincount(features - TEXT_SPACE, minlength=len(self.ids))

    def recount(self, old: np.ndarray, new: np.ndarray) -> np.ndarray:
        """Replace the entries ``old`` with ``new``; the tags whose level moved."""
        before = self.df.copy()
        np.subtract.at(self.df, old - TEXT_SPACE, 1)
        np.add.at(self.df, new - TEXT_SPACE, 1)
        touched = np.unique(np.concatenate([old, new])) - TEXT_SPACE
        touched = touched[~self.categories[touched] & (self.df[touched] > 0)]
        moved = log_steps(np.maximum(before[touched], 1)) != log_steps(self.df[touched])
        return touched[moved] + TEXT_SPACE

    def weights(self, features: np.ndarray, level_n: int) -> np.ndarray:
        """The weights of tag and category entries at today's levels."""
        index = features - TEXT_SPACE
        levels = level_n - log_steps(np.maximum(self.df[index], 1))
        return np.where(self.categories[index], CATEGORY_WEIGHT, tag_weights(levels))
