"""The scoring kernel: posting lists, the scores of a block of rows, each row's best.

Only pairs that share a feature are ever multiplied: a row's entries are
joined with the posting lists of their features and the products summed with
one ``bincount``. A run of at least ``Tuning.run`` consecutive slots holding one
tag or category adds its weight to the block's scores as one slice instead.
"""

from __future__ import annotations

import numpy as np

from generator.related.weights import LEAST_SCORE, TEXT_SPACE

SLOT_BITS = 32  # posting keys are feature << SLOT_BITS | slot
NOBODY = -1  # no article: an empty place in a list, no bound


class Postings:
    """Every feature's posting list: the slots that hold it and with what value.

    ``keys`` are ``feature << SLOT_BITS | slot``, sorted; ``left[i]`` is what
    entry ``i`` brings to the row it belongs to (a word's vector value, a tag's
    or category's weight); ``right[i]`` what it brings as a column: the same
    for words, 1 for tags and categories, so that a shared tag counts its
    weight once.
    """

    def __init__(self, keys: np.ndarray, left: np.ndarray, run: int) -> None:
        self.keys = keys
        self.left = left
        self.run = run
        self.slots = keys & ((1 << SLOT_BITS) - 1)
        features = keys >> SLOT_BITS
        self.right = np.where(features < TEXT_SPACE, left, 1.0)
        firsts = np.flatnonzero(np.r_[True, features[1:] != features[:-1]]) if len(features) else []
        self.features = features[firsts]  # the features that have a list, sorted
        self.starts = np.r_[firsts, len(features)].astype(np.int64)  # where each list starts
        self.run_features, self.run_starts, self.run_ends = self._runs(features)

    def __getstate__(self) -> dict:
        return {"keys": self.keys, "left": self.left, "run": self.run}  # the rest is derived

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["keys"], state["left"], state["run"])

    def _runs(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The runs of tags and categories: at least ``run`` consecutive slots holding one.

        As ``(features, starts, ends)`` by feature, then slot; starts and ends
        are places in the posting lists.
        """
        first = int(np.searchsorted(features, TEXT_SPACE))  # tags and categories come last
        tags, slots = features[first:], self.slots[first:]
        breaks = np.r_[True, (tags[1:] != tags[:-1]) | (slots[1:] != slots[:-1] + 1)]
        starts = np.flatnonzero(breaks)
        lengths = np.diff(np.r_[starts, len(tags)])
        long = lengths >= self.run
        run_starts = starts[long] + first
        return tags[starts[long]], run_starts, run_starts + lengths[long]

    def replaced(self, text_marked, tag_marked, keys, left) -> Postings:
        """These lists without the words of the ``text_marked`` slots and the tags and
        categories of the ``tag_marked`` ones, with the entries ``keys``/``left`` added."""
        features = self.keys >> SLOT_BITS
        drop = np.where(features < TEXT_SPACE, text_marked[self.slots], tag_marked[self.slots])
        order = np.argsort(keys)
        keys, left = keys[order], left[order]
        kept_keys, kept_left = self.keys[~drop], self.left[~drop]
        at = np.searchsorted(kept_keys, keys)
        return Postings(np.insert(kept_keys, at, keys), np.insert(kept_left, at, left), self.run)

    def reweigh(self, features: np.ndarray, weights: np.ndarray) -> list[int]:
        """Give tags (``features``) their new ``weights``; the slots that hold them."""
        holders: set[int] = set()
        for feature, weight in zip(features.tolist(), weights.tolist(), strict=True):
            found = np.searchsorted(self.features, feature)
            start, end = self.starts[found], self.starts[found + 1]
            self.left[start:end] = weight
            holders |= set(self.slots[start:end].tolist())
        return sorted(holders)

    def entries_of(self, rows, slot_count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The features of ``rows`` (slots) as ``(slots, features, left values)``, by slot."""
        wanted = np.zeros(slot_count, dtype=bool)
        wanted[rows] = True
        inside = np.flatnonzero(wanted[self.slots])
        slots = self.slots[inside]
        order = np.argsort(slots, kind="stable")
        inside = inside[order]
        return slots[order], self.keys[inside] >> SLOT_BITS, self.left[inside]

    def scores(self, block, position, features, left, slot_count: int, group: int) -> np.ndarray:
        """Scores of the slots in ``block`` (sorted) against every slot, from their entries.

        ``position`` gives each entry's row in ``block``; the row is ``slot_count``
        wide, rounded up to a multiple of ``group``. The article itself scores -1.
        """
        width = -(-slot_count // group) * group
        first_run = np.searchsorted(self.run_features, features)
        runs = np.searchsorted(self.run_features, features, side="right") - first_run
        entry, starts, ends = self._gaps(features, first_run, runs)
        lengths = ends - starts
        total = int(lengths.sum())
        postings = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        cells = np.repeat(position[entry] * width, lengths) + self.slots[postings]
        products = np.repeat(left[entry], lengths) * self.right[postings]
        scores = np.bincount(cells, weights=products, minlength=len(block) * width)
        scores = scores.astype(np.float64, copy=False).reshape(len(block), width)  # int if empty
        self._add_runs(scores, position, features, left, first_run, runs)
        scores[np.arange(len(block)), block] = -1.0
        return scores

    def _add_runs(self, scores, position, features, left, first_run, runs) -> None:
        """Add to ``scores`` the weights of the features' runs, a slice each."""
        for feature in np.unique(features[runs > 0]).tolist():
            mine = np.flatnonzero(features == feature)
            rows = position[mine]
            if rows[-1] - rows[0] + 1 == len(rows):
                rows = slice(rows[0], rows[-1] + 1)
            value = float(left[mine[0]])  # a tag's or category's weight: the same for all
            first = int(first_run[mine[0]])
            for run in range(first, first + int(runs[mine[0]])):
                low = int(self.slots[self.run_starts[run]])
                scores[rows, low : low + int(self.run_ends[run] - self.run_starts[run])] += value

    def _gaps(self, features, first_run, runs):
        """The posting ranges of ``features`` outside their runs, as ``(entry, starts, ends)``:
        an entry whose feature has ``k`` runs has ``k + 1`` ranges (some of them empty)."""
        lists = np.searchsorted(self.features, features)  # every feature has a list
        starts, ends = self.starts[lists], self.starts[lists + 1]
        pieces = runs + 1
        entry = np.repeat(np.arange(len(features)), pieces)
        k = np.arange(int(pieces.sum())) - np.repeat(np.cumsum(pieces) - pieces, pieces)
        run = first_run[entry] + k  # the run after the gap
        after_previous = np.r_[0, self.run_ends][run]  # (the end of run - 1)
        gap_starts = np.where(k == 0, starts[entry], after_previous)
        gap_ends = np.where(k == runs[entry], ends[entry], np.r_[self.run_starts, 0][run])
        return entry, gap_starts, gap_ends


def first_per_row(rows, columns, values, ranks, count: int, keep: int):
    """Each row's ``keep`` best candidates, best first (ties to the lower rank), and the next.

    Returns ``(top, top_scores, next_scores, next_columns, found)``: ``top`` holds
    columns (-1 where a row has fewer), ``next_*`` the best candidate left out
    (-1 where none was), ``found`` how many candidates each row had.
    """
    order = np.lexsort((ranks[columns], -values, rows))
    rows, columns, values = rows[order], columns[order], values[order]
    found = np.bincount(rows, minlength=count)
    place = np.arange(len(rows)) - (np.cumsum(found) - found)[rows]
    top = np.full((count, keep), NOBODY, dtype=np.int32)
    top_scores = np.zeros((count, keep))
    inside = place < keep
    top[rows[inside], place[inside]] = columns[inside]
    top_scores[rows[inside], place[inside]] = values[inside]
    following = place == keep
    next_columns = np.full(count, NOBODY, dtype=np.int32)
    next_scores = np.zeros(count)
    next_columns[rows[following]] = columns[following]
    next_scores[rows[following]] = values[following]
    return top, top_scores, next_scores, next_columns, found


def best(scores: np.ndarray, ranks: np.ndarray, keep: int, group: int):
    """The ``keep`` best positive cells of each row and the next one (see ``first_per_row``).

    The row's columns are split into groups of ``group``; the ``keep + 1``-th
    largest of the group maxima is reached by at least ``keep + 1`` cells of
    the row, so the cells below it can be left out without sorting the row.
    """
    count, width = scores.shape
    groups = width // group
    wanted = keep + 1
    if groups <= wanted:
        rows, columns = np.nonzero(scores >= LEAST_SCORE)
        return first_per_row(rows, columns, scores[rows, columns], ranks, count, keep)
    # group g of a row holds its columns g, g + groups, g + 2 * groups...
    maxima = scores.reshape(count, group, groups).max(axis=1)
    floor = np.partition(maxima, groups - wanted, axis=1)[:, groups - wanted]
    floor = np.maximum(floor, LEAST_SCORE)
    rows, chosen = np.nonzero(maxima >= floor[:, None])
    columns = (chosen[:, None] + np.arange(group) * groups).ravel()
    rows = np.repeat(rows, group)
    values = scores[rows, columns]
    above = values >= floor[rows]
    rows, columns, values = rows[above], columns[above], values[above]
    return first_per_row(rows, columns, values, ranks, count, keep)
