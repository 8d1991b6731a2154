"""Related posts: score article pairs through an inverted index and keep the top few.

A pair's score adds three kinds of evidence:

- each shared tag, weighted by how rare it is (``log(1 + N / articles with the tag)``),
  so sharing "rosacea" counts for more than sharing "health";
- the same category;
- text similarity: cosine of TF-IDF vectors over title, description and body,
  each vector cut to its strongest terms so that common words cost nothing.

Scores are accumulated from posting lists (feature -> articles that have it),
so an article is only ever compared with articles it shares something with.
Pinned ``related:`` slugs come first; ties go to the newer article, then the slug.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from generator.model import Article

TAG_WEIGHT = 1.0
CATEGORY_WEIGHT = 0.5
TEXT_WEIGHT = 2.0
TERMS_PER_ARTICLE = 24

_WORD = re.compile(r"[^\W\d_]{3,}")
STOP_WORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "although",
        "among",
        "another",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "can",
        "could",
        "did",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "else",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "however",
        "into",
        "its",
        "itself",
        "just",
        "more",
        "most",
        "much",
        "must",
        "myself",
        "near",
        "need",
        "not",
        "now",
        "off",
        "once",
        "only",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "too",
        "under",
        "until",
        "upon",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "are",
        "any",
        "all",
        "and",
        "may",
        "one",
        "two",
        "use",
        "used",
        "using",
        "well",
        "like",
        "get",
        "gets",
        "make",
        "makes",
        "many",
        "way",
        "ways",
        "often",
    ]
)

Vector = dict[str, float]
WordCounter = Callable[[str], Counter[str]]


def related_slugs(
    articles: Sequence[Article], count: int, word_counts: WordCounter | None = None
) -> dict[str, tuple[str, ...]]:
    """For each article, the slugs of its ``count`` most related published articles.

    ``word_counts(text)`` counts an article's words (default :func:`count_words`);
    a long-running build passes a memoised one so unchanged articles cost nothing.

    >>> related_slugs([], 4)
    {}
    """
    if count <= 0 or not articles:
        return {article.slug: () for article in articles}
    scores = _pair_scores(articles, word_counts or count_words)
    order = {article.slug: position for position, article in enumerate(_newest_first(articles))}
    published = set(order)
    result = {}
    for index, article in enumerate(articles):
        pins = [slug for slug in article.pinned_related if slug in published]
        ranked = sorted(
            (slug for slug in scores[index] if slug not in pins),
            key=lambda slug: (-scores[index][slug], order[slug]),
        )
        result[article.slug] = tuple(dict.fromkeys(pins + ranked))[:count]
    return result


def _newest_first(articles: Sequence[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (-a.published.timestamp(), a.slug))


def _pair_scores(articles: Sequence[Article], word_counts: WordCounter) -> list[dict[str, float]]:
    """Score of every pair that shares a feature, rounded so that ties are exact."""
    features = _features(articles, word_counts)
    postings = _postings(features)
    slugs = [article.slug for article in articles]
    scores: list[dict[str, float]] = []
    for index, own in enumerate(features):
        totals: defaultdict[int, float] = defaultdict(float)
        for feature, weight in own.items():
            for other, other_weight in postings[feature]:
                totals[other] += weight * other_weight
        totals.pop(index, None)
        scores.append({slugs[other]: round(total, 9) for other, total in totals.items() if total})
    return scores


def _features(articles: Sequence[Article], word_counts: WordCounter) -> list[Vector]:
    """Each article as weighted features; a pair's score is the dot product."""
    count = len(articles)
    tag_frequency = Counter(tag.slug for article in articles for tag in set(article.tags))
    text = _text_vectors([word_counts(article.text) for article in articles])
    features = []
    for article, words in zip(articles, text, strict=True):
        vector: Vector = {}
        for tag in {tag.slug for tag in article.tags}:
            vector["tag:" + tag] = math.sqrt(TAG_WEIGHT * math.log(1 + count / tag_frequency[tag]))
        if article.category:
            vector["category:" + article.category.slug] = math.sqrt(CATEGORY_WEIGHT)
        for word, weight in words.items():
            vector["word:" + word] = weight * math.sqrt(TEXT_WEIGHT)
        features.append(vector)
    return features


def _postings(features: list[Vector]) -> dict[str, list[tuple[int, float]]]:
    postings: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, vector in enumerate(features):
        for feature, weight in sorted(vector.items()):
            postings[feature].append((index, weight))
    return postings


def _text_vectors(counts: list[Counter[str]]) -> list[Vector]:
    """TF-IDF vectors over each article's text, cut to its strongest terms, unit length."""
    frequency = Counter(word for words in counts for word in words)
    total = len(counts)
    vectors = []
    for words in counts:
        weights = {
            word: (1 + math.log(n)) * math.log(total / frequency[word])
            for word, n in words.items()
            if frequency[word] > 1
        }
        strongest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
        kept = dict(strongest[:TERMS_PER_ARTICLE])
        norm = math.sqrt(sum(weight * weight for weight in kept.values())) or 1.0
        vectors.append({word: weight / norm for word, weight in kept.items() if weight > 0})
    return vectors


def count_words(text: str) -> Counter[str]:
    """How often each word of ``text`` that can tell articles apart occurs.

    >>> count_words("The skin, the SKIN and collagen")
    Counter({'skin': 2, 'collagen': 1})
    """
    return Counter(_words(text))


def _words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text.lower()) if word not in STOP_WORDS]
