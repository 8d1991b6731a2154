"""The articles by slot, and what differs from the ones seen at the last update.

Every article has a slot (a row and a column of the scores) for as long as
it exists; a removed article's slot is given to a later one.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import NamedTuple

import numpy as np

from generator.model import Article
from generator.related.terms import terms_digest


class Meta(NamedTuple):
    """What an article's related posts depend on, besides its words."""

    features: tuple[str, ...]  # "tag:<slug>" sorted, then "category:<slug>"
    pins: tuple[str, ...]
    published: float  # a timestamp

    @classmethod
    def of(cls, article: Article) -> Meta:
        names = sorted({"tag:" + tag.slug for tag in article.tags})
        if article.category:
            names.append("category:" + article.category.slug)
        return cls(tuple(names), article.pinned_related, article.published.timestamp())


@dataclass
class Diff:
    """How the articles differ from those of the previous update, by slot."""

    added: list[Article] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    words: list[int] = field(default_factory=list)  # word counts changed
    features: list[int] = field(default_factory=list)  # tags or category changed
    dates: list[int] = field(default_factory=list)
    pins: list[int] = field(default_factory=list)
    metas: dict[int, Meta] = field(default_factory=dict)  # the new ones of changed slots

    def size(self) -> int:
        changed = set(self.words) | set(self.features) | set(self.dates)
        return len(self.added) + len(self.removed) + len(changed)

    def scores_changed(self) -> bool:
        return bool(self.added or self.removed or self.words or self.features or self.dates)


def slot_order(metas: list[Meta], order_tags: int) -> list[int]:
    """Places in which to give articles slots: by category, then holders of the most common
    tags first, so that these tags and categories hold runs of consecutive slots."""
    counts = Counter(name for meta in metas for name in meta.features if name.startswith("tag:"))
    common = [name for name, _ in sorted(counts.items(), key=lambda c: (-c[1], c[0]))]
    common = common[:order_tags]

    def key(place: int) -> tuple:
        features = metas[place].features
        category = features[-1] if features and features[-1].startswith("category:") else ""
        return (category, *(name not in features for name in common))

    return sorted(range(len(metas)), key=key)


class Slots:
    """Each slot's article as last seen, its slug, its meta and its place in newness.

    ``seen`` holds the article objects of the last update (None for an empty
    slot, and for all of them after loading a pickle: ``digests`` then stands
    for their words). ``order`` lists the live slots newest first (ties to the
    lower slug) and ``ranks`` is each slot's place in it.
    """

    def __init__(self, articles: list[Article], metas: list[Meta], slot_of: dict[str, int]):
        size = len(articles)
        self.slugs: list[str | None] = [article.slug for article in articles]
        self.slot_of = slot_of
        self.duplicates = len(slot_of) != size  # two articles with one slug: no diff then
        self.alive = np.ones(size, dtype=bool)
        self.metas: list[Meta | None] = list(metas)
        self.seen: list[Article | None] = list(articles)
        self.seen_ids: set[int] = set()  # the ids of the articles in seen: they stay theirs
        self.digests: list[bytes | None] = [None] * size
        self.free: list[int] = []
        self.timestamps = np.array([meta.published for meta in metas])
        self.pin_counts = np.array([len(meta.pins) for meta in metas], dtype=np.int64)
        self.order = np.lexsort((np.array(self.slugs), -self.timestamps))
        self.ranks = self._ranks_of(self.order)

    def __getstate__(self) -> dict:
        for slot, article in enumerate(self.seen):
            if article is not None and self.digests[slot] is None:
                self.digests[slot] = terms_digest(article.terms)
        state = self.__dict__.copy()
        for name in ("seen", "seen_ids", "slot_of"):  # not the articles themselves
            del state[name]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.seen = [None] * len(self.slugs)
        self.seen_ids = set()
        self.slot_of = {slug: slot for slot, slug in enumerate(self.slugs) if slug is not None}

    @property
    def size(self) -> int:
        """The number of slots, empty ones included."""
        return len(self.slugs)

    def live(self, slots) -> list[int]:
        return [slot for slot in slots if self.alive[slot]]

    def set_meta(self, slot: int, meta: Meta) -> None:
        self.metas[slot] = meta
        self.timestamps[slot] = meta.published
        self.pin_counts[slot] = len(meta.pins)

    def _ranks_of(self, order: np.ndarray) -> np.ndarray:
        """Ranks from the live slots in newness order; empty slots rank last."""
        ranks = np.full(self.size, self.size, dtype=np.int64)
        ranks[order] = np.arange(len(order))
        return ranks

    # -- what changed ---------------------------------------------------------------

    def diff(self, articles: Sequence[Article], id_list: list[int]) -> Diff | None:
        """What changed since the last update; None when starting over is simpler.

        An article that is the very object seen last time is unchanged (articles
        are frozen); the others are compared with what was kept of their slug.
        """
        ids = set(id_list)
        if self.duplicates or len(ids) != len(articles):
            return None
        slot_of, seen = self.slot_of, self.seen
        diff = Diff()
        replaced: set[int] = set()
        fresh = ids - self.seen_ids
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
                for slot in np.flatnonzero(self.alive).tolist()
                if seen[slot] is None or id(seen[slot]) not in ids
            ]
        return diff

    def _compare(self, slot: int, article: Article, diff: Diff) -> None:
        before, old = self.seen[slot], self.metas[slot]
        assert old is not None
        meta = Meta.of(article)
        if before is not None:
            same_words = before.terms == article.terms
        else:
            same_words = self.digests[slot] == terms_digest(article.terms)
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
        self.seen[slot] = article

    # -- following it ---------------------------------------------------------------

    def place(self, diff: Diff) -> list[int]:
        """Empty the removed articles' slots and give the added ones theirs (there is room)."""
        slots = [self.free.pop() for _ in diff.added]
        for slot in diff.removed:
            del self.slot_of[self.slugs[slot]]  # type: ignore[arg-type]
            self.slugs[slot] = self.seen[slot] = self.metas[slot] = None
            self.alive[slot] = False
            self.pin_counts[slot] = 0
        for slot, article in zip(slots, diff.added, strict=True):
            self.slugs[slot] = article.slug
            self.slot_of[article.slug] = slot
            self.seen[slot] = article
            self.digests[slot] = None
            self.alive[slot] = True
            self.set_meta(slot, Meta.of(article))
        for slot in diff.words:
            self.digests[slot] = None
        self.free += diff.removed  # taken from the next update on
        return slots

    def grow(self, extra: int) -> None:
        """Room for ``extra`` more articles: empty slots at the end."""
        slots = self.size
        self.slugs += [None] * extra
        self.metas += [None] * extra
        self.seen += [None] * extra
        self.digests += [None] * extra
        self.free = list(range(slots + extra - 1, slots - 1, -1)) + self.free
        self.alive = np.r_[self.alive, np.zeros(extra, dtype=bool)]
        self.timestamps = np.r_[self.timestamps, np.zeros(extra)]
        self.pin_counts = np.r_[self.pin_counts, np.zeros(extra, dtype=np.int64)]
        self.ranks = self._ranks_of(self.order)

    def reorder(self, moved: list[int]) -> None:
        """Put the moved slots (new, gone, or with a new date) in their place by newness."""
        marked = np.zeros(self.size, dtype=bool)
        marked[moved] = True
        order = self.order[~marked[self.order]].tolist()
        timestamps, slugs = self.timestamps, self.slugs
        for slot in self.live(moved):
            bisect.insort(order, slot, key=lambda s: (-timestamps[s], slugs[s]))
        self.order = np.array(order, dtype=np.int64)
        self.ranks = self._ranks_of(self.order)

    def pinning(self, slugs: set) -> set[int]:
        """Live slots that pin one of ``slugs``."""
        if not slugs:
            return set()
        return {
            slot
            for slot, meta in enumerate(self.metas)
            if meta is not None and meta.pins and not slugs.isdisjoint(meta.pins)
        }
