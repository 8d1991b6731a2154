"""An article's word counts, packed: what related posts read of its text."""

from __future__ import annotations

from array import array
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.related.terms import merge_term_counts, term_counts

_WORDS = ["acne", "skin", "sleep", "the", "and", "café", "naïve", "x1y", "tea_bag", "über", "SKIN"]


def _pairs(packed: bytes) -> list[tuple[int, int]]:
    values = array("I", packed)
    return list(zip(values[0::2], values[1::2], strict=True))


@settings(max_examples=200)
@given(st.lists(st.lists(st.sampled_from(_WORDS), max_size=12), min_size=1, max_size=4))
def test_merged_counts_are_the_sum_of_the_parts(texts: list[list[str]]) -> None:
    parts = [term_counts(" ".join(words)) for words in texts]
    total: Counter[int] = Counter()
    for part in parts:
        total.update(dict(_pairs(part)))
    assert _pairs(merge_term_counts(parts)) == sorted(total.items())
    assert merge_term_counts(parts) == term_counts(" ".join(" ".join(t) for t in texts))


def test_counts_leave_out_stop_words_and_short_words() -> None:
    counts = _pairs(term_counts("The skin, the SKIN and a tea_bag: x1y"))
    assert sorted(count for _, count in counts) == [1, 1, 2]  # skin twice, tea, bag
    assert term_counts("the and of") == b""
    assert merge_term_counts([b"", b""]) == b""
