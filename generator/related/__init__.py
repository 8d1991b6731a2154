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

The package, one job a module: :mod:`~generator.related.terms` (an article's
words as packed counts), :mod:`~generator.related.weights` (levels and
weights), :mod:`~generator.related.counts` (document frequencies),
:mod:`~generator.related.kernel` (posting lists, scores, each row's best),
:mod:`~generator.related.lists` (the kept lists and their bounds),
:mod:`~generator.related.slots` (the articles by slot, what changed),
:mod:`~generator.related.ranking` (from scratch and after a change) and
:mod:`~generator.related.index` (:class:`RelatedIndex`, what the engine uses).
"""

from generator.related.index import RelatedIndex, related_slugs
from generator.related.terms import STOP_WORDS, TERM_BITS, merge_term_counts, term_counts
from generator.related.tuning import Tuning
from generator.related.weights import (
    CATEGORY_WEIGHT,
    RARITY_STEPS,
    TAG_WEIGHT,
    TERMS_PER_ARTICLE,
    TEXT_WEIGHT,
)

__all__ = [
    "CATEGORY_WEIGHT",
    "RARITY_STEPS",
    "STOP_WORDS",
    "TAG_WEIGHT",
    "TERMS_PER_ARTICLE",
    "TERM_BITS",
    "TEXT_WEIGHT",
    "RelatedIndex",
    "Tuning",
    "merge_term_counts",
    "related_slugs",
    "term_counts",
]
