"""Every article's related posts for one ``count``: ranked from scratch, then kept up to date.

From scratch, articles get their slots (:func:`~generator.related.slots.slot_order`),
their entries go into posting lists, and every row is ranked a block at a
time. After a change (:meth:`Ranking.apply`):

1. Count words, tags and categories again for the articles that changed,
   came or went; note the words and tags whose level moved.
2. Recompute the text vectors of the articles holding a word whose level
   moved and of the changed ones; keep those that really changed.
3. Rank again in full the changed articles, the holders of a tag whose
   weight changed and the lists whose bound article moved in newness.
4. Repair the other lists from the changed articles' new scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

import numpy as np

from generator.model import Article
from generator.related.counts import TagCounts, WordCounts
from generator.related.kernel import NOBODY, SLOT_BITS, Postings, best
from generator.related.lists import RankedLists
from generator.related.slots import Diff, Meta, Slots, slot_order
from generator.related.terms import TERM_BITS, joined_terms
from generator.related.tuning import Tuning
from generator.related.weights import TEXT_SPACE, log_steps, text_vectors

_NO_CELLS = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))


class Ranking:
    """The ranked lists of ``given`` (and of the articles of later updates).

    The lists are kept ``count`` plus the most pins plus ``tuning.slack`` long,
    so that a change can mostly be followed without ranking whole rows.
    Pickles to numpy arrays and one small record per article.
    """

    def __init__(self, given: Sequence[Article], count: int, tuning: Tuning) -> None:
        size = len(given)
        given_metas = [Meta.of(article) for article in given]
        order = slot_order(given_metas, tuning.order_tags)
        slot_of_position = np.empty(size, dtype=np.int64)
        slot_of_position[order] = np.arange(size)
        positions = slot_of_position.tolist()
        articles = [given[i] for i in order]
        metas = [given_metas[i] for i in order]
        self.count = count
        self._tuning = tuning
        self._keep = count + max(len(meta.pins) for meta in metas) + tuning.slack
        self._level_n = int(log_steps(size))
        # with two articles of one slug, the later one wins, as in the given order
        slot_of = {a.slug: slot for a, slot in zip(given, positions, strict=True)}
        self._slots = Slots(articles, metas, slot_of)
        pairs, lengths = joined_terms(articles)
        self._words = WordCounts(pairs[:, 0].copy(), np.r_[0, np.cumsum(lengths)])
        self._tags = TagCounts()
        entries = self._first_entries(pairs, lengths, metas)
        rows, features, values = entries
        keys = features << SLOT_BITS | rows
        by_key = np.argsort(keys)
        self._postings = Postings(keys[by_key], values[by_key], tuning.run)
        self._lists = RankedLists(size, self._keep)
        self._result: dict[str, tuple[str, ...]] = {}
        by_row = np.argsort(rows, kind="stable")
        self._rank_rows(np.arange(size), (rows[by_row], features[by_row], values[by_row]))
        self._choose(positions)  # in the given order, so that the later of two slugs wins

    def _first_entries(self, pairs, lengths, metas):
        """Every article's entries as ``(slots, features, values)``: words, then tags."""
        level_n = self._level_n
        text_rows, text_words, text_values = text_vectors(pairs, lengths, self._words.df, level_n)
        tag_rows, tag_features = self._tags.entries(range(len(metas)), metas)
        self._tags.count(tag_features)
        return (
            np.concatenate([text_rows, tag_rows]),
            np.concatenate([text_words, tag_features]),
            np.concatenate([text_values, self._tags.weights(tag_features, level_n)]),
        )

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_result"]  # made again from the lists
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._result = {}
        self._choose(np.flatnonzero(self._slots.alive).tolist())

    # -- updates ----------------------------------------------------------------------

    def diff(self, articles: Sequence[Article], ids: list[int]) -> Diff | None:
        """What differs from the articles of the last update (see :meth:`Slots.diff`)."""
        return self._slots.diff(articles, ids)

    def remember(self, ids: list[int]) -> None:
        """``ids`` are those of the articles of this update: the ones now held as seen."""
        self._slots.seen_ids = set(ids)

    def lists_of(self, articles: Sequence[Article]) -> dict[str, tuple[str, ...]]:
        slugs = [article.slug for article in articles]
        return dict(zip(slugs, map(self._result.__getitem__, slugs), strict=True))

    def apply(self, diff: Diff, size: int) -> bool:
        """Bring the lists up to date with ``diff``; False when a new start is needed."""
        if int(log_steps(size)) != self._level_n or diff.size() > size * self._share:
            return False
        needs = [len(meta.pins) for meta in diff.metas.values()]
        needs += [len(article.pinned_related) for article in diff.added]
        if self.count + max(needs, default=0) > self._keep:
            return False
        for slot, meta in diff.metas.items():
            self._slots.set_meta(slot, meta)
        if not diff.scores_changed():
            self._choose(self._slots.live(diff.pins))
            return True
        slugs = self._slots.slugs
        removed_slugs = [slugs[slot] for slot in diff.removed]
        added = self._place(diff)
        ranked, repaired = self._rescore(diff, added, size)
        for slug in removed_slugs:
            del self._result[slug]  # type: ignore[arg-type]
        pinning = self._slots.pinning(set(removed_slugs) | {slugs[slot] for slot in added})
        self._choose(sorted(ranked | set(repaired) | set(diff.pins) | pinning))
        return True

    @property
    def _share(self) -> float:
        return self._tuning.rebuild_share

    def _rescore(self, diff: Diff, added: list[int], size: int) -> tuple[set[int], list[int]]:
        """Steps 1 to 4 of the module docstring; the rows ranked again and those repaired."""
        slots = self._slots
        tag_slots = sorted(set(diff.features) | set(added) | set(diff.removed))
        reweighted = self._count_features(tag_slots)
        vectors = self._vectors(self._count_words(diff, added), added)
        self._replace_entries(diff.removed, tag_slots, vectors)
        weights = self._tags.weights(reweighted, self._level_n)
        rows_of_tags = self._postings.reweigh(reweighted, weights)
        moved = sorted(set(diff.dates) | set(added) | set(diff.removed))
        if moved:
            slots.reorder(moved)
        live = slots.live(sorted(set(vectors[0]) | set(diff.features) | set(moved)))
        ranked = set(live) | set(rows_of_tags) | set(self._lists.bounded_by(moved, slots.alive))
        if len(ranked) > size * self._share:
            ranked = set(np.flatnonzero(slots.alive).tolist())
        ranked_rows = np.array(sorted(ranked), dtype=np.int64)
        entries = self._postings.entries_of(ranked_rows, slots.size)
        beating = self._rank_rows(ranked_rows, entries, live)
        changed = sorted(set(live) | set(diff.removed))
        return ranked, self._repair(changed, beating, ranked)

    def _place(self, diff: Diff) -> list[int]:
        """Empty the removed articles' slots and give the added ones theirs."""
        needed = len(diff.added) - len(self._slots.free)
        if needed > 0:
            extra = max(needed, 16, self._slots.size // 16)
            self._slots.grow(extra)
            self._words.grow(extra)
            self._lists.grow(extra)
        self._lists.clear(diff.removed)
        return self._slots.place(diff)

    def _count_features(self, slots: list[int]) -> np.ndarray:
        """Count tags and categories of ``slots`` again; the tags whose level moved."""
        _, old, _ = self._postings.entries_of(slots, self._slots.size)
        live = self._slots.live(slots)
        _, new = self._tags.entries(live, [self._slots.metas[slot] for slot in live])
        return self._tags.recount(old[old >= TEXT_SPACE], new)

    def _count_words(self, diff: Diff, added: list[int]) -> list[int]:
        """Count words again; the slots whose text vector may have changed."""
        changed = sorted(set(diff.words) | set(added) | set(diff.removed))
        if not changed:
            return []
        pairs, lengths = joined_terms([self._slots.seen[slot] for slot in changed])
        holders = self._words.replace(changed, pairs, lengths, self._level_n)
        return sorted(set(self._slots.live(changed)) | holders)

    def _vectors(self, slots: list[int], added: list[int]):
        """The slots whose text vector changed and their vectors as ``(slots, words, values)``."""
        if not slots:
            return [], _NO_CELLS
        pairs, lengths = joined_terms([self._slots.seen[slot] for slot in slots])
        rows, words, values = text_vectors(pairs, lengths, self._words.df, self._level_n)
        rows = np.asarray(slots, dtype=np.int64)[rows]
        old_slots, old_features, old_values = self._postings.entries_of(slots, self._slots.size)
        text = old_features < TEXT_SPACE
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
        text_marked = np.zeros(self._slots.size, dtype=bool)
        text_marked[changed_text] = True
        text_marked[removed] = True
        tag_marked = np.zeros(self._slots.size, dtype=bool)
        tag_marked[tag_slots] = True
        live_tags = self._slots.live(tag_slots)
        metas = [self._slots.metas[slot] for slot in live_tags]
        tag_rows, tag_features = self._tags.entries(live_tags, metas)
        keys = np.concatenate([words << SLOT_BITS | rows, tag_features << SLOT_BITS | tag_rows])
        left = np.concatenate([values, self._tags.weights(tag_features, self._level_n)])
        self._postings = self._postings.replaced(text_marked, tag_marked, keys, left)

    def _repair(self, changed: list[int], beating, ranked: set[int]) -> list[int]:
        """Mend the lists of the rows not ranked again; the rows mended.

        Others whose scores did not change keep their places; changed ones
        leave the list and come back if their new score beats the bound. A row
        left with fewer than it needs is ranked again in full.
        """
        slots, lists = self._slots, self._lists
        is_changed = np.zeros(slots.size, dtype=bool)
        is_changed[changed] = True
        open_rows = slots.alive.copy()
        open_rows[list(ranked)] = False
        new_slots, new_rows, new_scores = beating
        inside = open_rows[new_rows]
        new_slots, new_rows, new_scores = new_slots[inside], new_rows[inside], new_scores[inside]
        listed = (lists.top >= 0) & is_changed[np.maximum(lists.top, 0)]
        rows = np.union1d(new_rows, np.flatnonzero(listed.any(axis=1) & open_rows))
        if not len(rows):
            return []
        new = (np.searchsorted(rows, new_rows), new_slots, new_scores)
        counts = lists.merge(rows, listed[rows], new, slots.ranks)
        needs = self.count + slots.pin_counts[rows]
        short = rows[(counts < needs) & (lists.bound_slots[rows] >= 0)]
        if len(short):
            self._rank_rows(short, self._postings.entries_of(short, slots.size))
        return rows.tolist()

    # -- scores and lists -------------------------------------------------------------

    def _rank_rows(self, rows: np.ndarray, entries, changed: list[int] | None = None):
        """Rank ``rows`` (sorted slots) against every article and keep their best ones.

        ``entries`` are the rows' features as ``(slots, features, left values)``
        sorted by slot. Returns, for the rows that are in ``changed``, the cells
        where they beat another row's bound (see :meth:`RankedLists.beating`).
        """
        slots, features, left = entries
        size, ranks, lists = self._slots.size, self._slots.ranks, self._lists
        block_rows, group = self._tuning.block_rows, self._tuning.group
        beating = []
        is_changed = np.zeros(size, dtype=bool)
        if changed is not None:
            is_changed[changed] = True
            bound_ranks = lists.bound_ranks(ranks)
        for first in range(0, len(rows), block_rows):
            block = rows[first : first + block_rows]
            low = np.searchsorted(slots, block[0])
            inside = slice(low, np.searchsorted(slots, block[-1], side="right"))
            position = np.searchsorted(block, slots[inside])
            scores = self._postings.scores(
                block, position, features[inside], left[inside], size, group
            )
            mine = np.flatnonzero(is_changed[block])
            if len(mine):
                beating.append(lists.beating(scores[mine], block[mine], ranks, bound_ranks))
            lists.store(block, best(scores, ranks, self._keep, group))
        if not beating:
            return _NO_CELLS
        return tuple(np.concatenate(part) for part in zip(*beating, strict=True))

    def _choose(self, slots) -> None:
        """Choose again the lists of ``slots``."""
        slots = list(slots)
        top = self._lists.top[slots, : self.count]
        slugs = self._slots.slugs
        names = np.array([*slugs, None], dtype=object)[top].tolist()  # -1: None
        lengths = (top >= 0).sum(axis=1).tolist()
        result, metas = self._result, self._slots.metas
        for slot, row, length in zip(slots, names, lengths, strict=True):
            meta = metas[slot]
            assert meta is not None
            chosen = self._chosen(slot) if meta.pins else tuple(row[:length])
            result[slugs[slot]] = chosen  # type: ignore[index]

    def _chosen(self, slot: int) -> tuple[str, ...]:
        """The slugs shown for ``slot``: pinned ones first, then the best ranked."""
        meta = self._slots.metas[slot]
        assert meta is not None
        slot_of, slugs = self._slots.slot_of, self._slots.slugs
        pins = [slot_of[pin] for pin in meta.pins if pin in slot_of]
        ranked = [other for other in self._lists.top[slot].tolist() if other != NOBODY]
        chosen = dict.fromkeys(pins + ranked)
        return tuple(slugs[other] for other in islice(chosen, self.count))  # type: ignore
