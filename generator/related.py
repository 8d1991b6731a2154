"""Related posts: score article pairs from shared features and keep the top few.

A pair's score is the dot product of the two articles' feature vectors. With
``N`` articles, a feature (a tag, a category, a word) held by ``df`` of them
has the *rarity level*

    level = B(N) - B(df),   B(x) = floor(RARITY_STEPS * log2(x)),

worked out in integers, so that ``2 ** (level / RARITY_STEPS)`` is ``N / df``
in steps of ``2 ** (1 / RARITY_STEPS)``. The score adds three kinds of evidence:

- each shared tag: ``TAG_WEIGHT * log(1 + 2 ** (level / RARITY_STEPS))``, rounded
  to a multiple of 2**-10, so that sharing "rosacea" counts for more than
  sharing "health";
- the same category: ``CATEGORY_WEIGHT``;
- similar text: the product of two text vectors of length ``sqrt(TEXT_WEIGHT)``.
  A word counted ``c`` times in an article's title, description and body weighs
  ``(1 + log c) * level * log(2) / RARITY_STEPS`` (nothing when no other article
  has it); an article keeps its ``TERMS_PER_ARTICLE`` heaviest words (weights
  compared as multiples of 2**-16, ties to the lower word id, none of weight 0),
  and its vector is those rounded weights scaled to length ``sqrt(TEXT_WEIGHT)``,
  each entry rounded to a multiple of 2**-14. Two articles' text thus adds
  ``TEXT_WEIGHT`` times the cosine of their TF-IDF vectors, cut to their
  strongest words.

Every score is a multiple of 2**-28 computed without rounding, whatever the
order of addition: the ranking is the same in any process, block size or
order of the input. Each article lists its pinned ``related:`` slugs first,
in their order, then the others with a positive score, best first; ties go to
the newer article, then to the lower slug.

Levels move in steps, which is what makes a change cheap to follow
(:class:`RelatedIndex`): one article more or less changes ``N``'s level only
when ``N`` crosses a power of ``2 ** (1 / RARITY_STEPS)``, and a feature's
level only when its ``df`` crosses one. After a change only the articles
whose vectors changed are scored again, against all articles, and the lists
they can enter or leave are repaired from what was kept of them.

How scores are found, with numpy, a block of rows at a time: only pairs that
share a feature are ever multiplied, found through posting lists (feature ->
articles) and summed with one ``bincount``. A ranking from scratch gives the
articles their slots by category, then by the holders of the most common
tags, so that these features hold long runs of consecutive slots; such a run
adds its weight to a block's scores as one slice. Each row's best scores are
then found without sorting the row: its columns are split into groups, and
the ``k``-th largest group maximum is a floor that at least ``k`` cells reach,
so only the cells of the groups above it are ranked. (No matrix product:
BLAS threads on a shared machine cost more than they bring.)
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress, islice
from operator import attrgetter
from typing import NamedTuple

import numpy as np

from generator.model import Article

TAG_WEIGHT = 1.0
CATEGORY_WEIGHT = 0.5
TEXT_WEIGHT = 2.0
TERMS_PER_ARTICLE = 24
RARITY_STEPS = 2  # rarity levels per doubling of N / df

TERM_BITS = 20  # words are hashed into 2**20 ids: collisions are rare and harmless
_TEXT_SPACE = 1 << TERM_BITS  # feature ids below are words; tags and categories come after
_TEXT_QUANTUM = 2.0**14  # text vector entries are multiples of 1/_TEXT_QUANTUM
_WEIGHT_QUANTUM = 2.0**10  # tag and category weights are multiples of 1/_WEIGHT_QUANTUM
_CHOICE_QUANTUM = 2.0**16  # word weights are compared as multiples of 1/_CHOICE_QUANTUM
_LEAST_SCORE = 0.5 / _TEXT_QUANTUM**2  # below the smallest positive score
_SLACK = 8  # ranked articles kept beyond the ones shown, so that a change rarely needs a whole row
_RUN = 64  # a tag or category held by this many consecutive slots adds to them as a slice
_ORDER_TAGS = 3  # within a category, slots follow the holders of the most common tags
_BLOCK_ROWS = 64  # rows scored at once: their scores stay small enough for the cache
_GROUP = 16  # columns per group when looking for a row's best scores
_REBUILD_SHARE = 1 / 8  # when more articles than this changed, start again from scratch
_SLOT_BITS = 32  # posting keys are feature << _SLOT_BITS | slot
_NOBODY = -1

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

    Computed from scratch; :class:`RelatedIndex` gives the same answer after a change
    without starting over.

    >>> related_slugs([], 4)
    {}
    """
    return RelatedIndex().update(articles, count)


# -- rarity levels and weights ----------------------------------------------------------


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


def _steps(counts) -> np.ndarray:
    """``B(x) = floor(RARITY_STEPS * log2(x))`` for counts ``x >= 1``, exactly."""
    return np.searchsorted(_THRESHOLDS, counts, side="right") - 1


# Logarithms come from tables made once with math.log, so that a weight never
# depends on where its value sat in an array (vectorised and scalar code may
# differ in the last bit).
_RARITY = np.array(
    [
        round(TAG_WEIGHT * math.log1p(2.0 ** (level / RARITY_STEPS)) * _WEIGHT_QUANTUM)
        / _WEIGHT_QUANTUM
        for level in range(len(_THRESHOLDS))
    ]
)
_TF = np.array([1 + math.log(count) if count else 1.0 for count in range(4096)])


def _rarity(levels) -> np.ndarray:
    """The weight of a shared tag at these rarity levels."""
    return _RARITY[levels]


def _term_frequency(counts: np.ndarray) -> np.ndarray:
    """``1 + log(count)`` for each count (and 1 for a count of 0)."""
    weights = _TF[np.minimum(counts, len(_TF) - 1)]
    large = np.flatnonzero(counts >= len(_TF))
    weights[large] = [1 + math.log(count) for count in counts[large].tolist()]
    return weights


def _word_levels(frequency: np.ndarray, level_n: int) -> np.ndarray:
    """Rarity levels of words held by ``frequency`` articles; -1 (no weight) below two."""
    return np.where(frequency >= 2, level_n - _steps(np.maximum(frequency, 1)), -1)


def _word_idf(df: np.ndarray, words: np.ndarray, level_n: int) -> np.ndarray:
    """The IDF of each of ``words``: its level times log(2) / RARITY_STEPS."""
    frequency = df[words]
    table = _word_levels(np.arange(int(frequency.max(initial=0)) + 1), level_n)
    return np.maximum(table, 0)[frequency] * (math.log(2) / RARITY_STEPS)


# -- feature vectors ----------------------------------------------------------------------


def _text_vectors(pairs: np.ndarray, lengths: np.ndarray, df: np.ndarray, level_n: int):
    """Articles' text vectors as ``(rows, words, values)``, sorted by row, then word.

    ``pairs`` holds the articles' ``(word id, count)`` pairs one article after
    another, ``lengths`` how many pairs each article has.
    """
    idf = _word_idf(df, pairs[:, 0], level_n)
    useful = np.flatnonzero(idf > 0)  # most words are in nearly every article: level 0
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)[useful]
    words = pairs[useful, 0].astype(np.int64)
    weights = _term_frequency(pairs[useful, 1]) * idf[useful]
    choice = np.round(weights * _CHOICE_QUANTUM).astype(np.int64)
    keys = np.where(choice > 0, (choice << TERM_BITS) | (_TEXT_SPACE - 1 - words), 0)
    useful_lengths = np.bincount(rows, minlength=len(lengths))
    kept = _largest_per_row(keys, useful_lengths, TERMS_PER_ARTICLE)
    rows, words, choice = rows[kept], words[kept], choice[kept]
    if len(rows) == 0:
        return rows, words, np.zeros(0)
    firsts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    squares = np.add.reduceat(choice * choice, firsts)  # exact, in integers
    norms = np.sqrt(squares.astype(np.float64))
    norms = np.repeat(norms, np.diff(np.r_[firsts, len(rows)]))
    scale = math.sqrt(TEXT_WEIGHT) * _TEXT_QUANTUM
    values = np.round(choice / norms * scale) / _TEXT_QUANTUM
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


def _joined_terms(articles: Sequence[Article | None]) -> tuple[np.ndarray, np.ndarray]:
    """The articles' ``(word id, count)`` pairs one after another, and how many each has."""
    terms = [article.terms if article is not None else b"" for article in articles]
    pairs = np.frombuffer(b"".join(terms), dtype=np.uint32).reshape(-1, 2)
    lengths = np.fromiter((len(t) // 8 for t in terms), dtype=np.int64, count=len(terms))
    return pairs, lengths


class _Meta(NamedTuple):
    """What an article's related posts depend on, besides its words."""

    features: tuple[str, ...]  # "tag:<slug>" sorted, then "category:<slug>"
    pins: tuple[str, ...]
    published: float  # a timestamp

    @classmethod
    def of(cls, article: Article) -> _Meta:
        names = sorted({"tag:" + tag.slug for tag in article.tags})
        if article.category:
            names.append("category:" + article.category.slug)
        return cls(tuple(names), article.pinned_related, article.published.timestamp())


def _digest(terms: bytes) -> bytes:
    return hashlib.blake2b(terms, digest_size=16).digest()


# -- scoring and choosing ------------------------------------------------------------------


def _first_per_row(rows, columns, values, ranks, count: int, keep: int):
    """Each row's ``keep`` best candidates, best first (ties to the lower rank), and the next.

    Returns ``(top, top_scores, next_scores, next_columns, found)``: ``top`` holds
    columns (-1 where a row has fewer), ``next_*`` the best candidate left out
    (-1 where none was), ``found`` how many candidates each row had.
    """
    order = np.lexsort((ranks[columns], -values, rows))
    rows, columns, values = rows[order], columns[order], values[order]
    found = np.bincount(rows, minlength=count)
    place = np.arange(len(rows)) - (np.cumsum(found) - found)[rows]
    top = np.full((count, keep), _NOBODY, dtype=np.int32)
    top_scores = np.zeros((count, keep))
    inside = place < keep
    top[rows[inside], place[inside]] = columns[inside]
    top_scores[rows[inside], place[inside]] = values[inside]
    following = place == keep
    next_columns = np.full(count, _NOBODY, dtype=np.int32)
    next_scores = np.zeros(count)
    next_columns[rows[following]] = columns[following]
    next_scores[rows[following]] = values[following]
    return top, top_scores, next_scores, next_columns, found


def _best(scores: np.ndarray, ranks: np.ndarray, keep: int):
    """The ``keep`` best positive cells of each row and the next one (see ``_first_per_row``).

    The ``keep + 1``-th largest of the group maxima is reached by at least
    ``keep + 1`` cells of the row, so the cells below it can be left out.
    """
    count, width = scores.shape
    groups = width // _GROUP
    wanted = keep + 1
    if groups <= wanted:
        rows, columns = np.nonzero(scores >= _LEAST_SCORE)
        return _first_per_row(rows, columns, scores[rows, columns], ranks, count, keep)
    # group g of a row holds its columns g, g + groups, g + 2 * groups...
    maxima = scores.reshape(count, _GROUP, groups).max(axis=1)
    floor = np.partition(maxima, groups - wanted, axis=1)[:, groups - wanted]
    floor = np.maximum(floor, _LEAST_SCORE)
    rows, chosen = np.nonzero(maxima >= floor[:, None])
    columns = (chosen[:, None] + np.arange(_GROUP) * groups).ravel()
    rows = np.repeat(rows, _GROUP)
    values = scores[rows, columns]
    above = values >= floor[rows]
    rows, columns, values = rows[above], columns[above], values[above]
    return _first_per_row(rows, columns, values, ranks, count, keep)


def _slot_order(metas: list[_Meta]) -> list[int]:
    """Places in which to give articles slots: by category, then holders of the most common
    tags first, so that these tags and categories hold runs of consecutive slots."""
    counts = Counter(name for meta in metas for name in meta.features if name.startswith("tag:"))
    common = [name for name, _ in sorted(counts.items(), key=lambda c: (-c[1], c[0]))]
    common = common[:_ORDER_TAGS]

    def key(place: int) -> tuple:
        features = metas[place].features
        category = features[-1] if features and features[-1].startswith("category:") else ""
        return (category, *(name not in features for name in common))

    return sorted(range(len(metas)), key=key)


@dataclass
class _Diff:
    """How the articles differ from those of the previous update, by slot."""

    added: list[Article] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    words: list[int] = field(default_factory=list)  # word counts changed
    features: list[int] = field(default_factory=list)  # tags or category changed
    dates: list[int] = field(default_factory=list)
    pins: list[int] = field(default_factory=list)
    metas: dict[int, _Meta] = field(default_factory=dict)  # the new ones of changed slots

    def size(self) -> int:
        changed = set(self.words) | set(self.features) | set(self.dates)
        return len(self.added) + len(self.removed) + len(changed)

    def scores_changed(self) -> bool:
        return bool(self.added or self.removed or self.words or self.features or self.dates)


class RelatedIndex:
    """Related posts of a changing set of articles, updated from what changed.

    >>> index = RelatedIndex()
    >>> index.update([], 4)
    {}

    Each :meth:`update` returns exactly what :func:`related_slugs` returns for
    the same articles. The first call scores everything; later calls find the
    articles that are not the objects seen last time, compare them by slug with
    what was kept of those, and redo only what the differences touch.

    The index pickles to numpy arrays and one small record per article (not
    the articles); after loading, the first update compares every article's
    words by digest.
    """

    def __init__(self) -> None:
        self._count = -1  # related_count of the last update; -1: nothing kept

    def update(self, articles: Sequence[Article], count: int) -> dict[str, tuple[str, ...]]:
        """For each article, the slugs of its ``count`` most related articles."""
        if count <= 0 or len(articles) < 2:
            self.__dict__.clear()
            self._count = -1
            return {article.slug: () for article in articles}
        ids = list(map(id, articles))
        try:
            diff = self._diff(articles, ids) if self._count == count else None
            if diff is None or not self._apply(diff, len(articles)):
                self._build(articles, count)
        except BaseException:
            self._count = -1  # half updated: start again next time
            raise
        self._seen_ids = set(ids)  # the articles held in _seen: their ids stay theirs
        slugs = list(map(attrgetter("slug"), articles))
        return dict(zip(slugs, map(self._result.__getitem__, slugs), strict=True))

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        if self._count >= 0:
            for slot, article in enumerate(self._seen):
                if article is not None and self._digests[slot] is None:
                    self._digests[slot] = _digest(article.terms)
        derived = ("_seen", "_seen_ids", "_slot_of", "_df", "_result")
        postings = ("_posting_slots", "_posting_right", "_posting_features", "_posting_starts")
        for name in (*derived, *postings, "_run_features", "_run_starts", "_run_ends"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self._count >= 0:
            self._seen = [None] * len(self._slugs)
            self._seen_ids: set[int] = set()
            self._slot_of = {slug: s for s, slug in enumerate(self._slugs) if slug is not None}
            self._df = np.bincount(self._words, minlength=_TEXT_SPACE).astype(np.int32)
            self._derive_postings()
            self._result = {}
            self._choose(np.flatnonzero(self._alive).tolist())

    # -- from scratch ---------------------------------------------------------------

    def _build(self, given: Sequence[Article], count: int) -> None:
        size = len(given)
        given_metas = [_Meta.of(article) for article in given]
        order = _slot_order(given_metas)
        slot_of_position = np.empty(size, dtype=np.int64)
        slot_of_position[order] = np.arange(size)
        articles = [given[i] for i in order]
        metas = [given_metas[i] for i in order]
        self._count = count
        self._keep = count + max(len(meta.pins) for meta in metas) + _SLACK
        self._level_n = int(_steps(size))
        self._slugs: list[str | None] = [article.slug for article in articles]
        positions = slot_of_position.tolist()
        # with two articles of one slug, the later one wins, as in the given order
        self._slot_of = {a.slug: slot for a, slot in zip(given, positions, strict=True)}
        self._duplicates = len(self._slot_of) != size
        self._alive = np.ones(size, dtype=bool)
        self._meta: list[_Meta | None] = metas
        self._seen: list[Article | None] = list(articles)
        self._digests: list[bytes | None] = [None] * size
        self._free: list[int] = []
        pairs, lengths = _joined_terms(articles)
        self._words = pairs[:, 0].copy()
        self._word_starts = np.r_[0, np.cumsum(lengths)]
        self._df = np.bincount(self._words, minlength=_TEXT_SPACE).astype(np.int32)
        self._feature_ids: dict[str, int] = {}
        self._feature_df = np.zeros(0, dtype=np.int64)
        self._categories = np.zeros(0, dtype=bool)
        text_rows, text_words, text_values = _text_vectors(pairs, lengths, self._df, self._level_n)
        tag_rows, tag_features = self._tag_entries(range(size), metas)
        self._feature_df = np.bincount(tag_features - _TEXT_SPACE, minlength=len(self._feature_ids))
        rows = np.concatenate([text_rows, tag_rows])
        features = np.concatenate([text_words, tag_features])
        values = np.concatenate([text_values, self._feature_weights(tag_features)])
        keys = features << _SLOT_BITS | rows
        order = np.argsort(keys)
        self._keys, self._left = keys[order], values[order]
        self._derive_postings()
        self._timestamps = np.array([meta.published for meta in metas])
        self._needs = np.array([count + len(meta.pins) for meta in metas], dtype=np.int64)
        self._order = np.lexsort((np.array(self._slugs), -self._timestamps))
        self._ranks = self._ranks_of(self._order)
        self._top = np.full((size, self._keep), _NOBODY, dtype=np.int32)
        self._top_scores = np.zeros((size, self._keep))
        self._bound_scores = np.zeros(size)
        self._bound_slots = np.full(size, _NOBODY, dtype=np.int32)
        by_row = np.argsort(rows, kind="stable")
        self._rank_rows(np.arange(size), (rows[by_row], features[by_row], values[by_row]))
        self._result: dict[str, tuple[str, ...]] = {}
        self._choose(positions)  # in the given order, so that the later of two slugs wins

    def _tag_entries(self, slots, metas) -> tuple[np.ndarray, np.ndarray]:
        """(slots, feature ids) of the tags and categories in ``metas`` (those of ``slots``)."""
        ids = self._feature_ids
        names = [name for meta in metas for name in meta.features]
        for name in sorted(set(names).difference(ids)):
            ids[name] = _TEXT_SPACE + len(ids)
        sizes = np.fromiter((len(meta.features) for meta in metas), np.int64, count=len(metas))
        rows = np.repeat(np.fromiter(slots, np.int64, count=len(metas)), sizes)
        features = np.fromiter((ids[name] for name in names), np.int64, count=len(names))
        if len(ids) > len(self._feature_df):
            extra = len(ids) - len(self._feature_df)
            self._feature_df = np.r_[self._feature_df, np.zeros(extra, dtype=np.int64)]
            self._categories = np.array([name.startswith("category:") for name in ids], dtype=bool)
        return rows, features

    def _feature_weights(self, features: np.ndarray) -> np.ndarray:
        """Left-hand values of tag and category entries: their weights at today's levels."""
        index = features - _TEXT_SPACE
        levels = self._level_n - _steps(np.maximum(self._feature_df[index], 1))
        return np.where(self._categories[index], CATEGORY_WEIGHT, _rarity(levels))

    def _derive_postings(self) -> None:
        """Slots and right-hand values of the posting entries (tags and categories count 1),
        and where each feature's posting list starts."""
        self._posting_slots = self._keys & ((1 << _SLOT_BITS) - 1)
        features = self._keys >> _SLOT_BITS
        self._posting_right = np.where(features < _TEXT_SPACE, self._left, 1.0)
        firsts = np.flatnonzero(np.r_[True, features[1:] != features[:-1]]) if len(features) else []
        self._posting_features = features[firsts]
        self._posting_starts = np.r_[firsts, len(features)].astype(np.int64)
        self._derive_runs(features)

    def _derive_runs(self, features: np.ndarray) -> None:
        """The runs of tags and categories: at least _RUN consecutive slots holding one.

        As ``(features, starts, ends)`` by feature, then slot; starts and ends
        are places in the posting lists.
        """
        first = int(np.searchsorted(features, _TEXT_SPACE))  # tags and categories come last
        tags, slots = features[first:], self._posting_slots[first:]
        breaks = np.r_[True, (tags[1:] != tags[:-1]) | (slots[1:] != slots[:-1] + 1)]
        starts = np.flatnonzero(breaks)
        lengths = np.diff(np.r_[starts, len(tags)])
        long = lengths >= _RUN
        self._run_features = tags[starts[long]]
        self._run_starts = starts[long] + first
        self._run_ends = self._run_starts + lengths[long]

    def _ranks_of(self, order: np.ndarray) -> np.ndarray:
        """Ranks from the live slots in newness order; empty slots rank last."""
        ranks = np.full(len(self._slugs), len(self._slugs), dtype=np.int64)
        ranks[order] = np.arange(len(order))
        return ranks

    # -- scores -----------------------------------------------------------------------

    def _rank_rows(self, rows: np.ndarray, entries, changed: list[int] | None = None):
        """Rank ``rows`` (sorted slots) against every article and keep their best ones.

        ``entries`` are the rows' features as ``(slots, features, left values)``
        sorted by slot. Returns, for the rows that are in ``changed``, the cells
        where they beat another row's bound (see :meth:`_beating`).
        """
        slots, features, left = entries
        beating = []
        is_changed = np.zeros(len(self._slugs), dtype=bool)
        if changed is not None:
            is_changed[changed] = True
            bound_ranks = self._bound_ranks()
        for first in range(0, len(rows), _BLOCK_ROWS):
            block = rows[first : first + _BLOCK_ROWS]
            low = np.searchsorted(slots, block[0])
            inside = slice(low, np.searchsorted(slots, block[-1], side="right"))
            position = np.searchsorted(block, slots[inside])
            scores = self._scores(block, position, features[inside], left[inside])
            mine = np.flatnonzero(is_changed[block])
            if len(mine):
                beating.append(self._beating(scores[mine], block[mine], bound_ranks))
            top, top_scores, bound_scores, bound_slots, _ = _best(scores, self._ranks, self._keep)
            self._top[block], self._top_scores[block] = top, top_scores
            self._bound_scores[block], self._bound_slots[block] = bound_scores, bound_slots
        if not beating:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return tuple(np.concatenate(part) for part in zip(*beating, strict=True))

    def _bound_ranks(self) -> np.ndarray:
        """The rank of each row's bound article; past every rank when a row has none."""
        bounds = self._bound_slots
        return np.where(bounds >= 0, self._ranks[np.maximum(bounds, 0)], len(self._slugs))

    def _beating(self, scores: np.ndarray, slots: np.ndarray, bound_ranks: np.ndarray):
        """``(slots, rows, scores)`` of the cells where one of ``slots`` (whose score rows
        these are) would come before the bound of another row: a place in its list."""
        scores = scores[:, : len(self._slugs)]
        bound_scores = self._bound_scores
        earlier = self._ranks[slots][:, None] < bound_ranks
        beats = (scores > bound_scores) | ((scores == bound_scores) & earlier)
        beats &= scores > 0
        which, rows = np.nonzero(beats)
        return slots[which], rows, scores[which, rows]

    def _scores(self, block, position, features, left) -> np.ndarray:
        """Scores of the slots in ``block`` (sorted) against every slot, from their entries.

        ``position`` gives each entry's row in ``block``. The article itself scores -1.
        """
        width = -(-len(self._slugs) // _GROUP) * _GROUP
        first_run = np.searchsorted(self._run_features, features)
        runs = np.searchsorted(self._run_features, features, side="right") - first_run
        entry, starts, ends = self._gaps(features, first_run, runs)
        lengths = ends - starts
        total = int(lengths.sum())
        postings = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        cells = np.repeat(position[entry] * width, lengths) + self._posting_slots[postings]
        products = np.repeat(left[entry], lengths) * self._posting_right[postings]
        scores = np.bincount(cells, weights=products, minlength=len(block) * width)
        scores = scores.astype(np.float64, copy=False).reshape(len(block), width)  # int if empty
        with_runs = runs > 0
        for feature in np.unique(features[with_runs]).tolist():
            mine = np.flatnonzero(features == feature)
            rows = position[mine]
            if rows[-1] - rows[0] + 1 == len(rows):
                rows = slice(rows[0], rows[-1] + 1)
            value = float(left[mine[0]])  # a tag's or category's weight: the same for all
            first = int(first_run[mine[0]])
            for run in range(first, first + int(runs[mine[0]])):
                low = int(self._posting_slots[self._run_starts[run]])
                scores[rows, low : low + int(self._run_ends[run] - self._run_starts[run])] += value
        scores[np.arange(len(block)), block] = -1.0
        return scores

    def _gaps(self, features, first_run, runs):
        """The posting ranges of ``features`` outside their runs, as ``(entry, starts, ends)``:
        an entry whose feature has ``k`` runs has ``k + 1`` ranges (some of them empty)."""
        lists = np.searchsorted(self._posting_features, features)  # every feature has a list
        starts, ends = self._posting_starts[lists], self._posting_starts[lists + 1]
        pieces = runs + 1
        entry = np.repeat(np.arange(len(features)), pieces)
        k = np.arange(int(pieces.sum())) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        run = first_run[entry] + k  # the run after the gap
        after_previous = np.r_[0, self._run_ends][run]  # (the end of run - 1)
        gap_starts = np.where(k == 0, starts[entry], after_previous)
        gap_ends = np.where(k == runs[entry], ends[entry], np.r_[self._run_starts, 0][run])
        return entry, gap_starts, gap_ends

    def _entries_of(self, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The features of ``rows`` (slots) as ``(slots, features, left values)``, by slot."""
        wanted = np.zeros(len(self._slugs), dtype=bool)
        wanted[rows] = True
        inside = np.flatnonzero(wanted[self._posting_slots])
        slots = self._posting_slots[inside]
        order = np.argsort(slots, kind="stable")
        inside = inside[order]
        return slots[order], self._keys[inside] >> _SLOT_BITS, self._left[inside]

    # -- results ----------------------------------------------------------------------

    def _choose(self, slots) -> None:
        """Choose again the lists of ``slots``."""
        slots = list(slots)
        top = self._top[slots, : self._count]
        names = np.array([*self._slugs, None], dtype=object)[top].tolist()  # -1: None
        lengths = (top >= 0).sum(axis=1).tolist()
        result, metas = self._result, self._meta
        for slot, row, length in zip(slots, names, lengths, strict=True):
            meta = metas[slot]
            assert meta is not None
            result[self._slugs[slot]] = self._chosen(slot) if meta.pins else tuple(row[:length])

    def _chosen(self, slot: int) -> tuple[str, ...]:
        """The slugs shown for ``slot``: pinned ones first, then the best ranked."""
        meta = self._meta[slot]
        assert meta is not None
        slot_of = self._slot_of
        pins = [slot_of[pin] for pin in meta.pins if pin in slot_of]
        ranked = [other for other in self._top[slot].tolist() if other != _NOBODY]
        chosen = dict.fromkeys(pins + ranked)
        return tuple(self._slugs[other] for other in islice(chosen, self._count))  # type: ignore

    # -- what changed -------------------------------------------------------------------

    def _diff(self, articles: Sequence[Article], id_list: list[int]) -> _Diff | None:
        """What changed since the last update; None when starting over is simpler.

        An article that is the very object seen last time is unchanged (articles
        are frozen); the others are compared with what was kept of their slug.
        """
        ids = set(id_list)
        if self._duplicates or len(ids) != len(articles):
            return None
        slot_of, seen = self._slot_of, self._seen
        diff = _Diff()
        replaced: set[int] = set()
        fresh = ids - self._seen_ids
        for article in compress(articles, map(fresh.__contains__, id_list)):
            slot = slot_of.get(article.slug)
            if slot is None:
                diff.added.append(article)
            elif slot in replaced or id(seen[slot]) in ids:
                return None  # two articles with one slug
            else:
                replaced.add(slot)
                self._compare(slot, article, diff)
        if len({article.slug for article in diff.added}) != len(diff.added):
            return None
        if len(articles) - len(diff.added) != len(slot_of):
            diff.removed = [
                slot
                for slot in np.flatnonzero(self._alive).tolist()
                if seen[slot] is None or id(seen[slot]) not in ids
            ]
        return diff

    def _compare(self, slot: int, article: Article, diff: _Diff) -> None:
        before, old = self._seen[slot], self._meta[slot]
        assert old is not None
        meta = _Meta.of(article)
        if before is not None:
            same_words = before.terms == article.terms
        else:
            same_words = self._digests[slot] == _digest(article.terms)
        if not same_words:
            diff.words.append(slot)
        if meta.features != old.features:
            diff.features.append(slot)
        if meta.published != old.published:
            diff.dates.append(slot)
        if meta.pins != old.pins:
            diff.pins.append(slot)
        if meta != old:
            diff.metas[slot] = meta
        self._seen[slot] = article

    # -- incremental --------------------------------------------------------------------

    def _apply(self, diff: _Diff, size: int) -> bool:
        """Bring the index up to date with ``diff``; False when a new start is needed.

        1. Count words, tags and categories again for the articles that changed,
           came or went; note the words and tags whose level moved.
        2. Recompute the text vectors of the articles holding a word whose level
           moved and of the changed ones; keep those that really changed.
        3. Rank again in full the changed articles, the holders of a tag whose
           weight changed and the lists whose bound article moved in newness.
        4. Repair the other lists from the changed articles' new scores.
        """
        if int(_steps(size)) != self._level_n or diff.size() > size * _REBUILD_SHARE:
            return False
        needs = [self._count + len(meta.pins) for meta in diff.metas.values()]
        needs += [self._count + len(article.pinned_related) for article in diff.added]
        if max(needs, default=0) > self._keep:
            return False
        for slot, meta in diff.metas.items():
            self._set_meta(slot, meta)
        if not diff.scores_changed():
            self._choose(self._live(diff.pins))
            return True
        removed_slugs = [self._slugs[slot] for slot in diff.removed]
        added = self._place(diff)
        tag_slots = sorted(set(diff.features) | set(added) | set(diff.removed))
        reweighted = self._count_features(tag_slots, self._old_features(tag_slots))
        vectors = self._vectors(self._count_words(diff, added), added)
        self._replace_entries(diff.removed, tag_slots, vectors)
        rows_of_tags = self._reweigh(reweighted)
        moved = sorted(set(diff.dates) | set(added) | set(diff.removed))
        if moved:
            self._reorder(moved)
        live = self._live(sorted(set(vectors[0]) | set(diff.features) | set(moved)))
        ranked = set(live) | set(rows_of_tags) | set(self._bounded_by(moved))
        if len(ranked) > size * _REBUILD_SHARE:
            ranked = set(np.flatnonzero(self._alive).tolist())
        ranked_rows = np.array(sorted(ranked), dtype=np.int64)
        beating = self._rank_rows(ranked_rows, self._entries_of(ranked_rows), live)
        changed = sorted(set(live) | set(diff.removed))
        repaired = self._repair(changed, beating, ranked)
        for slug in removed_slugs:
            del self._result[slug]  # type: ignore[arg-type]
        pinning = self._pinning(set(removed_slugs) | {self._slugs[slot] for slot in added})
        self._choose(sorted(ranked | set(repaired) | set(diff.pins) | pinning))
        return True

    def _live(self, slots) -> list[int]:
        return [slot for slot in slots if self._alive[slot]]

    def _set_meta(self, slot: int, meta: _Meta) -> None:
        self._meta[slot] = meta
        self._timestamps[slot] = meta.published
        self._needs[slot] = self._count + len(meta.pins)

    def _place(self, diff: _Diff) -> list[int]:
        """Empty the removed articles' slots and give the added ones theirs."""
        needed = len(diff.added) - len(self._free)
        if needed > 0:
            self._grow(max(needed, 16, len(self._slugs) // 16))
        slots = [self._free.pop() for _ in diff.added]
        for slot in diff.removed:
            del self._slot_of[self._slugs[slot]]  # type: ignore[arg-type]
            self._slugs[slot] = self._seen[slot] = self._meta[slot] = None
            self._alive[slot] = False
            self._needs[slot] = 0
            self._top[slot] = _NOBODY
            self._bound_slots[slot] = _NOBODY
        for slot, article in zip(slots, diff.added, strict=True):
            self._slugs[slot] = article.slug
            self._slot_of[article.slug] = slot
            self._seen[slot] = article
            self._digests[slot] = None
            self._alive[slot] = True
            self._set_meta(slot, _Meta.of(article))
        for slot in diff.words:
            self._digests[slot] = None
        self._free += diff.removed  # taken from the next update on
        return slots

    def _grow(self, extra: int) -> None:
        """Room for ``extra`` more articles: empty slots at the end."""
        slots = len(self._slugs)
        self._slugs += [None] * extra
        self._meta += [None] * extra
        self._seen += [None] * extra
        self._digests += [None] * extra
        self._free = list(range(slots + extra - 1, slots - 1, -1)) + self._free
        self._alive = np.r_[self._alive, np.zeros(extra, dtype=bool)]
        self._word_starts = np.r_[self._word_starts, np.full(extra, self._word_starts[-1])]
        self._timestamps = np.r_[self._timestamps, np.zeros(extra)]
        self._needs = np.r_[self._needs, np.zeros(extra, dtype=np.int64)]
        self._top = np.r_[self._top, np.full((extra, self._keep), _NOBODY, dtype=np.int32)]
        self._top_scores = np.r_[self._top_scores, np.zeros((extra, self._keep))]
        self._bound_scores = np.r_[self._bound_scores, np.zeros(extra)]
        self._bound_slots = np.r_[self._bound_slots, np.full(extra, _NOBODY, dtype=np.int32)]
        self._ranks = self._ranks_of(self._order)

    def _old_features(self, slots: list[int]) -> np.ndarray:
        """Tag and category feature ids that ``slots`` held before this update."""
        _, features, _ = self._entries_of(slots)
        return features[features >= _TEXT_SPACE]

    def _count_features(self, slots: list[int], old: np.ndarray) -> np.ndarray:
        """Count tags and categories again; the tags whose level moved."""
        live = self._live(slots)
        _, new = self._tag_entries(live, [self._meta[slot] for slot in live])
        before = self._feature_df.copy()
        np.subtract.at(self._feature_df, old - _TEXT_SPACE, 1)
        np.add.at(self._feature_df, new - _TEXT_SPACE, 1)
        touched = np.unique(np.concatenate([old, new])) - _TEXT_SPACE
        touched = touched[~self._categories[touched] & (self._feature_df[touched] > 0)]
        moved = _steps(np.maximum(before[touched], 1)) != _steps(self._feature_df[touched])
        return touched[moved] + _TEXT_SPACE

    def _count_words(self, diff: _Diff, added: list[int]) -> list[int]:
        """Count words again; the slots whose text vector may have changed."""
        changed = sorted(set(diff.words) | set(added) | set(diff.removed))
        if not changed:
            return []
        starts = self._word_starts
        old = np.concatenate([self._words[starts[s] : starts[s + 1]] for s in changed])
        pairs, lengths = _joined_terms([self._seen[slot] for slot in changed])
        new = pairs[:, 0]
        if np.array_equal(lengths, np.diff(starts)[changed]) and np.array_equal(old, new):
            return self._live(changed)  # only counts changed: every word keeps its level
        touched = np.unique(np.concatenate([old, new]).astype(np.int64))
        old_levels = _word_levels(self._df[touched], self._level_n)
        np.subtract.at(self._df, old.astype(np.int64), 1)
        np.add.at(self._df, new.astype(np.int64), 1)
        self._replace_words(changed, new, lengths)
        moved = touched[_word_levels(self._df[touched], self._level_n) != old_levels]
        slots = set(self._live(changed))
        if len(moved):
            marked = np.zeros(_TEXT_SPACE, dtype=bool)
            marked[moved] = True
            holders = np.flatnonzero(marked[self._words])
            holders = np.searchsorted(self._word_starts, holders, side="right") - 1
            slots |= set(np.unique(holders).tolist())
        return sorted(slots)

    def _replace_words(self, slots: list[int], words: np.ndarray, lengths: np.ndarray) -> None:
        """Put ``words`` (``lengths[i]`` of them for ``slots[i]``) in place of their words."""
        starts = self._word_starts
        pieces, at, offset = [], 0, 0
        for slot, length in zip(slots, lengths.tolist(), strict=True):
            pieces.append(self._words[at : starts[slot]])
            pieces.append(words[offset : offset + length])
            at, offset = starts[slot + 1], offset + length
        pieces.append(self._words[at:])
        sizes = np.diff(starts)
        sizes[slots] = lengths
        self._words = np.concatenate(pieces)
        self._word_starts = np.r_[0, np.cumsum(sizes)]

    def _vectors(self, slots: list[int], added: list[int]):
        """The slots whose text vector changed and their vectors as ``(slots, words, values)``."""
        if not slots:
            return [], (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        pairs, lengths = _joined_terms([self._seen[slot] for slot in slots])
        rows, words, values = _text_vectors(pairs, lengths, self._df, self._level_n)
        rows = np.asarray(slots, dtype=np.int64)[rows]
        old_slots, old_features, old_values = self._entries_of(slots)
        text = old_features < _TEXT_SPACE
        old_codes = old_slots[text] << TERM_BITS | old_features[text]
        new_codes = rows << TERM_BITS | words
        old_order, new_order = np.argsort(old_codes), np.argsort(new_codes)
        old_codes, old_values = old_codes[old_order], old_values[text][old_order]
        new_codes, new_values = new_codes[new_order], values[new_order]
        common, at_old, at_new = np.intersect1d(
            old_codes, new_codes, assume_unique=True, return_indices=True
        )
        differing = np.concatenate(
            [
                np.setxor1d(old_codes, new_codes, assume_unique=True),
                common[old_values[at_old] != new_values[at_new]],
            ]
        )
        changed = sorted(set((differing >> TERM_BITS).tolist()) | set(added))
        keep = np.isin(rows, changed)
        return changed, (rows[keep], words[keep], values[keep])

    def _replace_entries(self, removed: list[int], tag_slots: list[int], vectors) -> None:
        """Swap the changed slots' entries in the posting lists."""
        changed_text, (rows, words, values) = vectors
        if not (changed_text or removed or tag_slots):
            return
        text_marked = np.zeros(len(self._slugs), dtype=bool)
        text_marked[changed_text] = True
        text_marked[removed] = True
        tag_marked = np.zeros(len(self._slugs), dtype=bool)
        tag_marked[tag_slots] = True
        features = self._keys >> _SLOT_BITS
        slots = self._posting_slots
        drop = np.where(features < _TEXT_SPACE, text_marked[slots], tag_marked[slots])
        live_tags = self._live(tag_slots)
        tag_rows, tag_features = self._tag_entries(live_tags, [self._meta[s] for s in live_tags])
        new_keys = np.concatenate(
            [words << _SLOT_BITS | rows, tag_features << _SLOT_BITS | tag_rows]
        )
        new_left = np.concatenate([values, self._feature_weights(tag_features)])
        order = np.argsort(new_keys)
        new_keys, new_left = new_keys[order], new_left[order]
        kept_keys, kept_left = self._keys[~drop], self._left[~drop]
        at = np.searchsorted(kept_keys, new_keys)
        self._keys = np.insert(kept_keys, at, new_keys)
        self._left = np.insert(kept_left, at, new_left)
        self._derive_postings()

    def _reweigh(self, features: np.ndarray) -> list[int]:
        """Give the tags whose level moved their new weight; the slots that hold them."""
        if not len(features):
            return []
        holders: set[int] = set()
        for feature, weight in zip(
            features.tolist(), self._feature_weights(features).tolist(), strict=True
        ):
            found = np.searchsorted(self._posting_features, feature)
            start, end = self._posting_starts[found], self._posting_starts[found + 1]
            self._left[start:end] = weight
            holders |= set(self._posting_slots[start:end].tolist())
        return sorted(holders)

    def _reorder(self, moved: list[int]) -> None:
        """Put the moved slots (new, gone, or with a new date) in their place by newness."""
        marked = np.zeros(len(self._slugs), dtype=bool)
        marked[moved] = True
        order = self._order[~marked[self._order]].tolist()
        timestamps, slugs = self._timestamps, self._slugs
        for slot in self._live(moved):
            bisect.insort(order, slot, key=lambda s: (-timestamps[s], slugs[s]))
        self._order = np.array(order, dtype=np.int64)
        self._ranks = self._ranks_of(self._order)

    def _bounded_by(self, moved: list[int]) -> list[int]:
        """Live rows whose bound is one of ``moved``: their bound's rank means nothing now."""
        if not moved:
            return []
        marked = np.zeros(len(self._slugs), dtype=bool)
        marked[moved] = True
        bounds = self._bound_slots
        return np.flatnonzero((bounds >= 0) & marked[np.maximum(bounds, 0)] & self._alive).tolist()

    def _repair(self, changed: list[int], beating, ranked: set[int]) -> list[int]:
        """Mend the lists of the rows not ranked again; the rows mended.

        A row keeps its best ``keep`` others and, as a bound, the next one's
        score and slot: no other article is better than the bound. Others whose
        scores did not change keep their places; changed ones leave the list and
        come back if their new score beats the bound. A row left with fewer
        than it needs is ranked again in full.
        """
        is_changed = np.zeros(len(self._slugs), dtype=bool)
        is_changed[changed] = True
        open_rows = self._alive.copy()
        open_rows[list(ranked)] = False
        new_slots, new_rows, new_scores = beating
        inside = open_rows[new_rows]
        new_slots, new_rows, new_scores = new_slots[inside], new_rows[inside], new_scores[inside]
        listed = (self._top >= 0) & is_changed[np.maximum(self._top, 0)]
        rows = np.union1d(new_rows, np.flatnonzero(listed.any(axis=1) & open_rows))
        if not len(rows):
            return []
        top = self._top[rows]
        stored_rows, stored_places = np.nonzero(~listed[rows] & (top >= 0))
        found = _first_per_row(
            np.concatenate([stored_rows, np.searchsorted(rows, new_rows)]),
            np.concatenate([top[stored_rows, stored_places], new_slots]),
            np.concatenate([self._top_scores[rows][stored_rows, stored_places], new_scores]),
            self._ranks,
            len(rows),
            self._keep,
        )
        top, top_scores, next_scores, next_slots, counts = found
        self._top[rows], self._top_scores[rows] = top, top_scores
        cut = counts > self._keep  # more than kept: the first left out is the new bound
        self._bound_scores[rows[cut]] = next_scores[cut]
        self._bound_slots[rows[cut]] = next_slots[cut]
        short = rows[(counts < self._needs[rows]) & (self._bound_slots[rows] >= 0)]
        if len(short):
            self._rank_rows(short, self._entries_of(short))
        return rows.tolist()

    def _pinning(self, slugs: set) -> set[int]:
        """Live slots that pin one of ``slugs``."""
        if not slugs:
            return set()
        return {
            slot
            for slot, meta in enumerate(self._meta)
            if meta is not None and meta.pins and not slugs.isdisjoint(meta.pins)
        }
