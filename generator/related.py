"""Related posts: score article pairs from shared features and keep the top few.

A pair's score is the dot product of two feature vectors, which add three kinds
of evidence:

- each shared tag, weighted by how rare it is (``log(1 + N / articles with the tag)``),
  so sharing "rosacea" counts for more than sharing "health";
- the same category;
- text similarity: cosine of TF-IDF vectors over title, description and body,
  each cut to its strongest terms so that common words cost nothing.

Only pairs that share a feature are ever compared: scores come from posting
lists (feature -> articles), as a sparse product done block by block with
numpy; features that many articles share (a category, a common tag) are
multiplied as a small dense matrix instead. Feature values are rounded to
multiples of 2**-14, so every score is an exact sum whatever the order of
addition: the ranking is the same in any process and any block size.

Pinned ``related:`` slugs come first; ties go to the newer article, then the slug.
"""

from __future__ import annotations

import math
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Sequence

import numpy as np

from generator.model import Article

TAG_WEIGHT = 1.0
CATEGORY_WEIGHT = 0.5
TEXT_WEIGHT = 2.0
TERMS_PER_ARTICLE = 24

TERM_BITS = 20  # words are hashed into 2**20 ids: collisions are rare and harmless
_QUANTUM = 2.0**14  # feature values are multiples of 1/_QUANTUM
_SLACK = 8  # candidates looked at beyond the ones kept, so that ties are seen
_DENSE_FEATURES = 256  # at most this many features are multiplied densely
_DENSE_SHARE = 64  # ... those shared by more than 1/64 of the articles
_BLOCK_ROWS = 256

_WORD = re.compile(r"[^\W\d_]{3,}")
STOP_WORDS = frozenset(
    """about above after again against also although among another because been before being
    below between both but can could did does doing down during each either else even ever every
    few for from further had has have having her here hers herself him himself his how however
    into its itself just more most much must myself near need not now off once only other ought
    our ours ourselves out over own same she should some such than that the their theirs them
    themselves then there these they this those though through thus too under until upon very
    was were what when where whether which while who whom whose why will with within without
    would yet you your yours yourself yourselves are any all and may one two use used using
    well like get gets make makes many way ways often""".split()  # noqa: SIM905
)


def term_counts(text: str) -> bytes:
    """Word counts of ``text`` as packed ``(word id, count)`` pairs, sorted by id.

    Computed once per file at parse time (in parallel, cached), so that
    related posts never tokenise text again.
    """
    counts: Counter[int] = Counter()
    for word, count in Counter(_WORD.findall(text.lower())).items():
        if word not in STOP_WORDS:
            counts[zlib.crc32(word.encode("utf-8")) & ((1 << TERM_BITS) - 1)] += count
    packed = array("I")
    for word_id in sorted(counts):
        packed.extend((word_id, counts[word_id]))
    return packed.tobytes()


def merge_term_counts(parts: Sequence[bytes]) -> bytes:
    """The term counts of several files (an article's sections) as one."""
    if len(parts) == 1:
        return parts[0]
    total: Counter[int] = Counter()
    for part in parts:
        pairs = array("I", part)
        total.update(dict(zip(pairs[0::2], pairs[1::2], strict=True)))
    packed = array("I")
    for word_id in sorted(total):
        packed.extend((word_id, total[word_id]))
    return packed.tobytes()


def related_slugs(articles: Sequence[Article], count: int) -> dict[str, tuple[str, ...]]:
    """For each article, the slugs of its ``count`` most related articles in ``articles``.

    >>> related_slugs([], 4)
    {}
    """
    if count <= 0 or len(articles) < 2:
        return {article.slug: () for article in articles}
    slugs = [article.slug for article in articles]
    position = {slug: index for index, slug in enumerate(slugs)}
    pins = [[position[p] for p in a.pinned_related if p in position] for a in articles]
    keep = count + max(len(p) for p in pins)
    ranked = _top_scores(_feature_matrix(articles), _newness_ranks(articles), keep)
    result = {}
    for index, article in enumerate(articles):
        chosen = list(dict.fromkeys(pins[index] + [j for j in ranked[index] if j != index]))
        result[article.slug] = tuple(slugs[j] for j in chosen[:count])
    return result


def _newness_ranks(articles: Sequence[Article]) -> np.ndarray:
    """0 for the newest article, 1 for the next...: ties in score go to the lower rank."""
    order = sorted(
        range(len(articles)), key=lambda i: (-articles[i].published.timestamp(), articles[i].slug)
    )
    ranks = np.empty(len(articles), dtype=np.int64)
    ranks[order] = np.arange(len(articles))
    return ranks


class _Features:
    """Articles x features as (row, column, value) triples, sorted by column."""

    def __init__(self, rows: np.ndarray, columns: np.ndarray, values: np.ndarray, size: int):
        order = np.argsort(columns, kind="stable")
        self.rows, self.columns = rows[order], columns[order]
        self.values = np.round(values[order] * _QUANTUM) / _QUANTUM
        self.size = size


def _feature_matrix(articles: Sequence[Article]) -> _Features:
    count = len(articles)
    text_rows, text_columns, text_values = _text_features(articles)
    tag_rows: list[int] = []
    tag_columns: list[int] = []
    tag_ids: dict[str, int] = {}
    for row, article in enumerate(articles):
        for tag in sorted({tag.slug for tag in article.tags}):
            tag_rows.append(row)
            tag_columns.append(tag_ids.setdefault("tag:" + tag, len(tag_ids)))
        if article.category:
            tag_rows.append(row)
            tag_columns.append(
                tag_ids.setdefault("category:" + article.category.slug, len(tag_ids))
            )
    frequency = np.bincount(np.asarray(tag_columns, dtype=np.int64), minlength=len(tag_ids))
    is_category = np.array([name.startswith("category:") for name in tag_ids], dtype=bool)
    weights = np.where(
        is_category,
        math.sqrt(CATEGORY_WEIGHT),
        np.sqrt(TAG_WEIGHT * np.log1p(count / np.maximum(frequency, 1))),
    )
    tag_columns_array = np.asarray(tag_columns, dtype=np.int64)
    return _Features(
        np.concatenate([text_rows, np.asarray(tag_rows, dtype=np.int64)]),
        np.concatenate([text_columns, tag_columns_array + (1 << TERM_BITS)]),
        np.concatenate([text_values, weights[tag_columns_array] if tag_columns else []]),
        (1 << TERM_BITS) + len(tag_ids),
    )


def _text_features(articles: Sequence[Article]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit TF-IDF vectors cut to each article's strongest terms, times sqrt(TEXT_WEIGHT)."""
    pairs = np.frombuffer(b"".join(article.terms for article in articles), dtype=np.uint32)
    pairs = pairs.reshape(-1, 2).astype(np.int64)
    lengths = np.array([len(article.terms) // 8 for article in articles], dtype=np.int64)
    rows = np.repeat(np.arange(len(articles), dtype=np.int64), lengths)
    words, counts = pairs[:, 0], pairs[:, 1]
    frequency = np.bincount(words, minlength=1 << TERM_BITS)[words]
    weights = (1 + np.log(np.maximum(counts, 1))) * np.log(len(articles) / frequency)
    weights[frequency < 2] = 0.0  # a word no other article has cannot relate two articles
    rows, words, weights = _strongest_per_row(rows, words, weights, lengths)
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=len(articles)))
    return rows, words, weights / norms[rows] * math.sqrt(TEXT_WEIGHT)


def _strongest_per_row(rows, words, weights, lengths):
    """Keep each row's TERMS_PER_ARTICLE largest positive weights (ties: lower word id)."""
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    positions = np.arange(len(rows)) - starts[rows]
    kept = []
    for first in range(0, len(lengths), 1024):
        block = slice(first, min(first + 1024, len(lengths)))
        width = int(lengths[block].max(initial=0))
        if width == 0:
            continue
        grid = np.zeros((block.stop - block.start, width))
        mask = (rows >= block.start) & (rows < block.stop)
        index = np.flatnonzero(mask)
        grid[rows[index] - block.start, positions[index]] = weights[index]
        take = min(TERMS_PER_ARTICLE, width)
        # a stable sort on the negated weights keeps the lower word id first among equals
        top = np.argsort(-grid, axis=1, kind="stable")[:, :take]
        flat = starts[block][:, None] + top
        valid = (top < lengths[block][:, None]) & (np.take_along_axis(grid, top, axis=1) > 0)
        kept.append(flat[valid])
    chosen = np.sort(np.concatenate(kept)) if kept else np.zeros(0, dtype=np.int64)
    return rows[chosen], words[chosen], weights[chosen]


def _top_scores(features: _Features, ranks: np.ndarray, keep: int) -> list[list[int]]:
    """Each row's ``keep`` best-scoring other rows, best first, ties to the lower rank."""
    count = len(ranks)
    dense_columns, dense = _dense_part(features, count)
    sparse = ~np.isin(features.columns, dense_columns)
    rows, columns, values = features.rows[sparse], features.columns[sparse], features.values[sparse]
    starts = np.searchsorted(columns, columns, side="left")
    ends = np.searchsorted(columns, columns, side="right")
    ranked: list[list[int]] = []
    for first in range(0, count, _BLOCK_ROWS):
        last = min(first + _BLOCK_ROWS, count)
        scores = dense[first:last] @ dense.T
        scores += _sparse_block(rows, values, starts, ends, first, last, count)
        ranked.extend(_best(scores, ranks, first, keep))
    return ranked


def _dense_part(features: _Features, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Features shared by many articles (a category, a common tag) as a dense matrix.

    Joining a posting list of length n with itself costs n**2 pairs, a dense
    column costs ``count`` per row: long lists are cheaper dense.
    """
    columns, frequency = np.unique(features.columns, return_counts=True)
    common = frequency > max(2, count // _DENSE_SHARE)
    chosen = columns[common][np.argsort(-frequency[common], kind="stable")[:_DENSE_FEATURES]]
    chosen = np.sort(chosen)
    dense = np.zeros((count, len(chosen)))
    mask = np.isin(features.columns, chosen)
    dense[features.rows[mask], np.searchsorted(chosen, features.columns[mask])] = features.values[
        mask
    ]
    return chosen, dense


def _sparse_block(rows, values, starts, ends, first, last, count) -> np.ndarray:
    """Scores of rows first..last from the sparse features: a join on shared columns."""
    own = np.flatnonzero((rows >= first) & (rows < last))
    lengths = ends[own] - starts[own]
    total = int(lengths.sum())
    block = np.zeros((last - first) * count)
    if total == 0:
        return block.reshape(last - first, count)
    offsets = np.repeat(starts[own] - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    left = np.repeat(own, lengths)
    cells = (rows[left] - first) * count + rows[offsets]
    block += np.bincount(cells, weights=values[left] * values[offsets], minlength=block.size)
    return block.reshape(last - first, count)


def _best(scores: np.ndarray, ranks: np.ndarray, first: int, keep: int) -> list[list[int]]:
    """Each row's ``keep`` highest positive scores, ties to the newer article.

    A partial sort finds a few more than ``keep`` candidates per row; only when
    the last one chosen ties with a cell left out is the whole row ranked.
    """
    rows = np.arange(len(scores))
    scores[rows, rows + first] = -1.0  # never the article itself
    take = min(keep + _SLACK, scores.shape[1])
    top = np.argpartition(scores, -take, axis=1)[:, -take:]
    ranked = []
    for row, columns in enumerate(top):
        chosen, boundary = _ranked(scores[row, columns], columns, ranks, keep)
        if chosen and take < scores.shape[1] and scores[row, chosen[-1]] == boundary:
            chosen, _ = _ranked(scores[row], np.arange(scores.shape[1]), ranks, keep)
        ranked.append(chosen)
    return ranked


def _ranked(values: np.ndarray, columns: np.ndarray, ranks: np.ndarray, keep: int):
    """The ``keep`` best positive (value, newness) among ``columns``, and the lowest value seen."""
    order = np.lexsort((ranks[columns], -values))
    best = [int(columns[i]) for i in order[:keep] if values[i] > 0]
    return best, values.min()
