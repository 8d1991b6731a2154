"""Rarity levels, and the weights made from them: of a shared tag, a category, a word.

Everything here follows the specification in the package docstring
(:mod:`generator.related`); the tests check it against a plain-Python reading.
"""

from __future__ import annotations

import math

import numpy as np

from generator.related.terms import TERM_BITS

TAG_WEIGHT = 1.0
CATEGORY_WEIGHT = 0.5
TEXT_WEIGHT = 2.0
TERMS_PER_ARTICLE = 24
RARITY_STEPS = 2  # rarity levels per doubling of N / df

TEXT_SPACE = 1 << TERM_BITS  # feature ids below are words; tags and categories come after
TEXT_QUANTUM = 2.0**14  # text vector entries are multiples of 1/TEXT_QUANTUM
_WEIGHT_QUANTUM = 2.0**10  # tag and category weights are multiples of 1/_WEIGHT_QUANTUM
_CHOICE_QUANTUM = 2.0**16  # word weights are compared as multiples of 1/_CHOICE_QUANTUM
LEAST_SCORE = 0.5 / TEXT_QUANTUM**2  # below the smallest positive score


def _level_thresholds(steps: int, octaves: int = 48) -> np.ndarray:
    """``thresholds[L]``: the least integer ``x`` with ``x ** steps >= 2 ** L``."""
    thresholds = []
    for level in range(steps * octaves + 1):
        x = max(1, int(2.0 ** (level / steps)))
        while x**steps < 2**level:
            x += 1
        while x > 1 and (x - 1) ** steps >= 2**level:
            x -= 1
        thresholds.append(x)
    return np.array(thresholds, dtype=np.int64)


_THRESHOLDS = _level_thresholds(RARITY_STEPS)


def log_steps(counts) -> np.ndarray:
    """``B(x) = floor(RARITY_STEPS * log2(x))`` for counts ``x >= 1``, exactly."""
    return np.searchsorted(_THRESHOLDS, counts, side="right") - 1


# Logarithms come from tables made once with math.log, so that a weight never
# depends on where its value sat in an array (vectorised and scalar code may
# differ in the last bit).
_TAG_WEIGHTS = np.array(
    [
        round(TAG_WEIGHT * math.log1p(2.0 ** (level / RARITY_STEPS)) * _WEIGHT_QUANTUM)
        / _WEIGHT_QUANTUM
        for level in range(len(_THRESHOLDS))
    ]
)
_TF = np.array([1 + math.log(count) if count else 1.0 for count in range(4096)])


def tag_weights(levels) -> np.ndarray:
    """The weight of a shared tag at these rarity levels."""
    return _TAG_WEIGHTS[levels]


def _term_frequency(counts: np.ndarray) -> np.ndarray:
    """``1 + log(count)`` for each count (and 1 for a count of 0)."""
    weights = _TF[np.minimum(counts, len(_TF) - 1)]
    large = np.flatnonzero(counts >= len(_TF))
    weights[large] = [1 + math.log(count) for count in counts[large].tolist()]
    return weights


def word_levels(frequency: np.ndarray, level_n: int) -> np.ndarray:
    """Rarity levels of words held by ``frequency`` articles; -1 (no weight) below two."""
    return np.where(frequency >= 2, level_n - log_steps(np.maximum(frequency, 1)), -1)


def _word_idf(df: np.ndarray, words: np.ndarray, level_n: int) -> np.ndarray:
    """The IDF of each of ``words``: its level times log(2) / RARITY_STEPS."""
    frequency = df[words]
    table = word_levels(np.arange(int(frequency.max(initial=0)) + 1), level_n)
    return np.maximum(table, 0)[frequency] * (math.log(2) / RARITY_STEPS)


def text_vectors(pairs: np.ndarray, lengths: np.ndarray, df: np.ndarray, level_n: int):
    """Articles' text vectors as ``(rows, words, values)``, sorted by row, then word.

    ``pairs`` holds the articles' ``(word id, count)`` pairs one article after
    another, ``lengths`` how many pairs each article has, ``df`` in how many
    articles each word is.
    """
    idf = _word_idf(df, pairs[:, 0], level_n)
    useful = np.flatnonzero(idf > 0)  # most words are in nearly every article: level 0
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)[useful]
    words = pairs[useful, 0].astype(np.int64)
    weights = _term_frequency(pairs[useful, 1]) * idf[useful]
    choice = np.round(weights * _CHOICE_QUANTUM).astype(np.int64)
    keys = np.where(choice > 0, (choice << TERM_BITS) | (TEXT_SPACE - 1 - words), 0)
    useful_lengths = np.bincount(rows, minlength=len(lengths))
    kept = _largest_per_row(keys, useful_lengths, TERMS_PER_ARTICLE)
    rows, words, choice = rows[kept], words[kept], choice[kept]
    if len(rows) == 0:
        return rows, words, np.zeros(0)
    firsts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    squares = np.add.reduceat(choice * choice, firsts)  # exact, in integers
    norms = np.sqrt(squares.astype(np.float64))
    norms = np.repeat(norms, np.diff(np.r_[firsts, len(rows)]))
    scale = math.sqrt(TEXT_WEIGHT) * TEXT_QUANTUM
    values = np.round(choice / norms * scale) / TEXT_QUANTUM
    nonzero = values > 0
    return rows[nonzero], words[nonzero], values[nonzero]


def _largest_per_row(keys: np.ndarray, lengths: np.ndarray, take: int) -> np.ndarray:
    """Positions of each row's ``take`` largest positive keys, sorted."""
    starts = np.cumsum(lengths) - lengths
    kept = []
    for first in range(0, len(lengths), 1024):
        last = min(first + 1024, len(lengths))
        width = int(lengths[first:last].max(initial=0))
        if width == 0:
            continue
        low, high = starts[first], starts[last - 1] + lengths[last - 1]
        block_rows = np.repeat(np.arange(last - first), lengths[first:last])
        columns = np.arange(low, high) - starts[first:last][block_rows]
        grid = np.zeros((last - first, width), dtype=np.int64)
        grid[block_rows, columns] = keys[low:high]
        if width > take:
            top = np.argpartition(grid, width - take, axis=1)[:, width - take :]
        else:
            top = np.broadcast_to(np.arange(width), grid.shape)
        chosen = np.take_along_axis(grid, top, axis=1) > 0
        kept.append((starts[first:last][:, None] + top)[chosen])
    return np.sort(np.concatenate(kept)) if kept else np.zeros(0, dtype=np.int64)
