"""The related posts of a changing set of articles: what the build engine keeps and asks."""

from __future__ import annotations

from collections.abc import Sequence

from generator.model import Article
from generator.related.ranking import Ranking
from generator.related.tuning import Tuning


def related_slugs(
    articles: Sequence[Article], count: int, tuning: Tuning | None = None
) -> dict[str, tuple[str, ...]]:
    """For each article, the slugs of its ``count`` most related articles in ``articles``.

    Computed from scratch; :class:`RelatedIndex` gives the same answer after a change
    without starting over.

    >>> related_slugs([], 4)
    {}
    """
    return RelatedIndex(tuning).update(articles, count)


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

    def __init__(self, tuning: Tuning | None = None) -> None:
        self._tuning = tuning or Tuning()
        self._ranking: Ranking | None = None  # that of the last update, if it can be followed

    def update(self, articles: Sequence[Article], count: int) -> dict[str, tuple[str, ...]]:
        """For each article, the slugs of its ``count`` most related articles."""
        if count <= 0 or len(articles) < 2:
            self._ranking = None
            return {article.slug: () for article in articles}
        ids = list(map(id, articles))
        ranking, self._ranking = self._ranking, None  # half updated, it would be wrong
        if ranking is None or ranking.count != count or not _followed(ranking, articles, ids):
            ranking = Ranking(articles, count, self._tuning)
        ranking.remember(ids)
        self._ranking = ranking
        return ranking.lists_of(articles)


def _followed(ranking: Ranking, articles: Sequence[Article], ids: list[int]) -> bool:
    """Bring ``ranking`` up to date with ``articles``; False when starting over is simpler."""
    diff = ranking.diff(articles, ids)
    return diff is not None and ranking.apply(diff, len(articles))
