"""Each article's ranked list, kept longer than shown, with the bound that makes it repairable."""

from __future__ import annotations

import numpy as np

from generator.related.kernel import NOBODY, first_per_row


class RankedLists:
    """Row ``s`` lists slot ``s``'s best ``keep`` others, best first, with their scores.

    As a bound, each row also keeps the score and slot of the best other
    left out (NOBODY when none was): no article missing from the list comes
    before the bound. That is what lets a change repair a list from the
    changed articles' new scores alone.
    """

    def __init__(self, size: int, keep: int) -> None:
        self.keep = keep
        self.top = np.full((size, keep), NOBODY, dtype=np.int32)
        self.top_scores = np.zeros((size, keep))
        self.bound_scores = np.zeros(size)
        self.bound_slots = np.full(size, NOBODY, dtype=np.int32)

    def grow(self, extra: int) -> None:
        """Room for ``extra`` more rows, empty, at the end."""
        self.top = np.r_[self.top, np.full((extra, self.keep), NOBODY, dtype=np.int32)]
        self.top_scores = np.r_[self.top_scores, np.zeros((extra, self.keep))]
        self.bound_scores = np.r_[self.bound_scores, np.zeros(extra)]
        self.bound_slots = np.r_[self.bound_slots, np.full(extra, NOBODY, dtype=np.int32)]

    def clear(self, rows: list[int]) -> None:
        self.top[rows] = NOBODY
        self.bound_slots[rows] = NOBODY

    def store(self, rows: np.ndarray, best) -> None:
        """Keep ``best`` (as :func:`~generator.related.kernel.best` gives it) for ``rows``."""
        top, top_scores, bound_scores, bound_slots, _ = best
        self.top[rows], self.top_scores[rows] = top, top_scores
        self.bound_scores[rows], self.bound_slots[rows] = bound_scores, bound_slots

    def bound_ranks(self, ranks: np.ndarray) -> np.ndarray:
        """The rank of each row's bound article; past every rank when a row has none."""
        bounds = self.bound_slots
        return np.where(bounds >= 0, ranks[np.maximum(bounds, 0)], len(bounds))

    def beating(self, scores: np.ndarray, slots: np.ndarray, ranks, bound_ranks):
        """``(slots, rows, scores)`` of the cells where one of ``slots`` (whose score rows
        these are) would come before the bound of another row: a place in its list."""
        scores = scores[:, : len(self.bound_scores)]
        bound_scores = self.bound_scores
        earlier = ranks[slots][:, None] < bound_ranks
        beats = (scores > bound_scores) | ((scores == bound_scores) & earlier)
        beats &= scores > 0
        which, rows = np.nonzero(beats)
        return slots[which], rows, scores[which, rows]

    def bounded_by(self, moved: list[int], alive: np.ndarray) -> list[int]:
        """Live rows whose bound is one of ``moved``: their bound's rank means nothing now."""
        if not moved:
            return []
        marked = np.zeros(len(alive), dtype=bool)
        marked[moved] = True
        bounds = self.bound_slots
        return np.flatnonzero((bounds >= 0) & marked[np.maximum(bounds, 0)] & alive).tolist()

    def merge(self, rows: np.ndarray, dropped: np.ndarray, new, ranks) -> np.ndarray:
        """Mend the lists of ``rows`` (sorted): keep their entries but the ``dropped`` ones,
        add the ``new`` candidates ``(places in rows, slots, scores)``; how many each had.

        A row whose candidates outnumber ``keep`` gets the first one left out as
        its new bound; the others keep theirs.
        """
        places, slots, scores = new
        top = self.top[rows]
        stored_rows, stored_places = np.nonzero(~dropped & (top >= 0))
        found = first_per_row(
            np.concatenate([stored_rows, places]),
            np.concatenate([top[stored_rows, stored_places], slots]),
            np.concatenate([self.top_scores[rows][stored_rows, stored_places], scores]),
            ranks,
            len(rows),
            self.keep,
        )
        top, top_scores, next_scores, next_slots, counts = found
        self.top[rows], self.top_scores[rows] = top, top_scores
        cut = counts > self.keep  # more than kept: the first left out is the new bound
        self.bound_scores[rows[cut]] = next_scores[cut]
        self.bound_slots[rows[cut]] = next_slots[cut]
        return counts
