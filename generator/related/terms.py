"""An article's words as packed counts: all that related posts ever read of its text."""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from generator.model import Article

TERM_BITS = 20  # words are hashed into 2**20 ids: collisions are rare and harmless

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
    counts: dict[int, int] = {}
    for word, count in Counter(_WORD.findall(text.lower())).items():
        word_id = _word_id(word)
        if word_id >= 0:
            counts[word_id] = counts.get(word_id, 0) + count
    return _packed(counts)


@functools.lru_cache(maxsize=1 << 16)
def _word_id(word: str) -> int:
    """A word's id; -1 for a stop word. Kept for the words met most (articles share most
    of theirs): looking one up costs less than hashing it again."""
    if word in STOP_WORDS:
        return -1
    return zlib.crc32(word.encode("utf-8")) & ((1 << TERM_BITS) - 1)


def merge_term_counts(parts: Sequence[bytes]) -> bytes:
    """The term counts of several files (an article's sections) as one.

    The pairs of all parts at once, their counts summed by word id in numpy: the whole
    site's articles go through here, one after another, before related posts are scored."""
    if len(parts) == 1:
        return parts[0]
    pairs = np.frombuffer(b"".join(parts), dtype=np.uint32).reshape(-1, 2)
    word_ids, where = np.unique(pairs[:, 0], return_inverse=True)  # sorted by id
    counts = np.zeros(len(word_ids), dtype=np.uint64)
    np.add.at(counts, where, pairs[:, 1])
    return np.column_stack([word_ids, counts.astype(np.uint32)]).tobytes()


def _packed(counts: Mapping[int, int]) -> bytes:
    """``(word id, count)`` pairs sorted by id, as native unsigned 32-bit integers."""
    return np.array(sorted(counts.items()), dtype=np.uint32).tobytes()


def joined_terms(articles: Sequence[Article | None]) -> tuple[np.ndarray, np.ndarray]:
    """The articles' ``(word id, count)`` pairs one after another, and how many each has.

    An empty place (None) has no words.
    """
    terms = [article.terms if article is not None else b"" for article in articles]
    pairs = np.frombuffer(b"".join(terms), dtype=np.uint32).reshape(-1, 2)
    lengths = np.fromiter((len(t) // 8 for t in terms), dtype=np.int64, count=len(terms))
    return pairs, lengths


def terms_digest(terms: bytes) -> bytes:
    """Stands for an article's words once the article itself is no longer kept."""
    return hashlib.blake2b(terms, digest_size=16).digest()
