"""Related posts: ranking on small corpora, and the index that follows changes.

The scoring is checked against a plain-Python reading of the module docstring;
:class:`RelatedIndex` is checked by hypothesis state machines that edit a small
corpus at random (tags, category, words, pins, dates, articles added and
removed, order, a pickle round trip) and compare every update with a ranking
from scratch.
"""

from __future__ import annotations

import math
import pickle
from array import array
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import generator.related as related
from generator.model import Article, Term
from generator.related import RelatedIndex, Tuning, related_slugs, term_counts
from generator.related.ranking import Ranking

START = datetime(2024, 1, 1, tzinfo=UTC)


def article(slug, tags=(), category=None, text="", day=0, pinned=()) -> Article:
    return Article(
        src_path=f"content/posts/{slug}.md",
        slug=slug,
        url=f"/posts/{slug}/",
        dest_path=f"posts/{slug}/index.html",
        title=slug,
        description="",
        published=START + timedelta(days=day),
        updated=None,
        author=None,
        reviewed_by=None,
        last_reviewed=None,
        tags=tuple(Term("tag", t, t, f"/tags/{t}/") for t in tags),
        category=Term("category", category, category, "") if category else None,
        image="",
        image_alt="",
        draft=False,
        pinned_related=tuple(pinned),
        intro_html="",
        sections=(),
        word_count=0,
        terms=term_counts(text or slug),
    )


def filler(count: int) -> list[Article]:
    """Articles that all carry the common tag 'health'."""
    return [article(f"filler-{n}", tags=["health"], day=n) for n in range(count)]


def test_a_shared_rare_tag_beats_a_shared_common_tag():
    source = article("source", tags=["health", "rosacea"], day=50)
    rare = article("rare", tags=["rosacea"], day=1)
    common = article("common", tags=["health"], day=40)
    corpus = [source, rare, common, *filler(6)]
    assert related_slugs(corpus, 2)["source"][0] == "rare"


def test_pinned_articles_come_first_in_their_order():
    source = article("source", tags=["acne"], pinned=["unrelated-b", "unrelated-a"], day=10)
    close = article("close", tags=["acne"], day=5)
    corpus = [source, close, article("unrelated-a", day=1), article("unrelated-b", day=2)]
    assert related_slugs(corpus, 3)["source"] == ("unrelated-b", "unrelated-a", "close")


def test_ties_go_to_the_newer_article_then_the_slug():
    source = article("source", tags=["acne"], day=10)
    corpus = [
        source,
        article("b-older", tags=["acne"], day=1),
        article("b-newer", tags=["acne"], day=5),
        article("a-newer", tags=["acne"], day=5),
    ]
    assert related_slugs(corpus, 3)["source"] == ("a-newer", "b-newer", "b-older")


def test_ranking_does_not_depend_on_input_order():
    corpus = [
        article("one", tags=["acne", "scars"], text="acne scars laser", day=1),
        article("two", tags=["acne"], text="acne cream benzoyl", day=2),
        article("three", tags=["scars"], text="scars laser resurfacing", day=3),
        article("four", tags=["sleep"], text="sleep routine", day=4),
    ]
    assert related_slugs(corpus, 3) == related_slugs(list(reversed(corpus)), 3)


def test_never_lists_the_article_itself_nor_unrelated_articles():
    corpus = [article("a", tags=["x"]), article("b", tags=["x"]), article("c", tags=["y"])]
    result = related_slugs(corpus, 4)
    assert result["a"] == ("b",)
    assert result["c"] == ()


def test_same_category_and_similar_text_count():
    source = article("source", category="skin", text="collagen elastin wrinkles", day=9)
    same_category = article("same-category", category="skin", text="unrelated words here", day=1)
    similar_text = article("similar-text", text="collagen elastin wrinkles serum", day=2)
    stranger = article("stranger", text="dental floss gums", day=3)
    helper = article("helper", text="collagen wrinkles gums", day=4)  # makes words non-unique
    ranked = related_slugs([source, same_category, similar_text, stranger, helper], 4)["source"]
    assert ranked[0] == "similar-text"
    assert "same-category" in ranked and "stranger" not in ranked


def test_count_limits_the_list():
    corpus = [article(f"a{n}", tags=["x"], day=n) for n in range(10)]
    assert all(len(slugs) == 4 for slugs in related_slugs(corpus, 4).values())
    assert related_slugs(corpus, 0)["a1"] == ()


def test_block_size_groups_and_runs_do_not_change_the_ranking():
    corpus = [
        article(
            f"a{n}",
            tags=[f"t{n % 3}", f"t{n % 5}"],
            category=f"c{n % 2}",
            text=" ".join(f"word{chr(97 + n * k % 11)} common{chr(97 + k % 3)}" for k in range(30)),
            day=n % 7,
        )
        for n in range(40)
    ]
    expected = related_slugs(corpus, 5)
    joined = Tuning(block_rows=3, group=2, run=10**9)  # every posting through the join
    assert related_slugs(corpus, 5, joined) == expected
    sliced = Tuning(block_rows=3, group=2, run=1)  # every tag's longest run as a slice
    assert related_slugs(corpus, 5, sliced) == expected


# -- the scoring, as the module docstring states it -----------------------------------


def reference_related(articles: list[Article], count: int) -> dict[str, tuple[str, ...]]:
    """The related posts the module docstring describes, pair by pair in plain Python."""
    assert related.RARITY_STEPS == 2

    def steps(x: int) -> int:  # floor(2 * log2(x)): the largest L with 2**L <= x**2
        return (x * x).bit_length() - 1

    level_n = steps(len(articles))
    tags = [{tag.slug for tag in a.tags} for a in articles]
    tag_df = Counter(tag for held in tags for tag in held)
    words = [dict(zip(*[iter(array("I", a.terms))] * 2, strict=True)) for a in articles]
    word_df = Counter(word for counts in words for word in counts)

    def tag_weight(tag: str) -> float:
        level = level_n - steps(tag_df[tag])
        return round(related.TAG_WEIGHT * math.log1p(2.0 ** (level / 2)) * 2**10) / 2**10

    def text_vector(counts: dict[int, int]) -> dict[int, float]:
        choices = {}
        for word, times in counts.items():
            if word_df[word] >= 2:
                idf = (level_n - steps(word_df[word])) * (math.log(2) / 2)
                choice = round((1 + math.log(times)) * idf * 2**16)
                if choice > 0:
                    choices[word] = choice
        kept = sorted(choices, key=lambda word: (-choices[word], word))[:24]
        norm = math.sqrt(sum(choices[word] ** 2 for word in kept))
        scale = math.sqrt(related.TEXT_WEIGHT) * 2**14
        values = {word: round(choices[word] / norm * scale) / 2**14 for word in kept}
        return {word: value for word, value in values.items() if value > 0}

    vectors = [text_vector(counts) for counts in words]

    def score(i: int, j: int) -> float:
        total = sum(tag_weight(tag) for tag in tags[i] & tags[j])
        a, b = articles[i].category, articles[j].category
        if a is not None and b is not None and a.slug == b.slug:
            total += related.CATEGORY_WEIGHT
        return total + sum(v * vectors[j].get(word, 0.0) for word, v in vectors[i].items())

    def order(pair: tuple[float, Article]) -> tuple:
        value, other = pair
        return (-value, -other.published.timestamp(), other.slug)  # newer first, then slug

    result = {}
    present = {a.slug for a in articles}
    for i, article in enumerate(articles):
        scored = [(score(i, j), other) for j, other in enumerate(articles) if j != i]
        ranked = sorted((pair for pair in scored if pair[0] > 0), key=order)
        pins = [pin for pin in article.pinned_related if pin in present]
        chosen = dict.fromkeys(pins + [other.slug for _, other in ranked])
        result[article.slug] = tuple(list(chosen)[:count])
    return result


SLUGS = [f"post-{n}" for n in range(20)]
TAGS = ["acne", "scars", "sleep", "diet", "skin"]
CATEGORIES = [None, "skin", "sleep"]
WORDS = ["collagen", "needling", "scars", "sleep", "coffee", "tea", "floss", "acne", "serum"]
WORDS += ["laser", "retinol", "sunscreen"]
SIZES = st.integers(2, 12)

texts = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
tag_lists = st.lists(st.sampled_from(TAGS), max_size=3)
pin_lists = st.lists(st.sampled_from([*SLUGS[:6], "missing"]), max_size=3)


@st.composite
def corpora(draw, size=SIZES, pins=True):
    return [
        article(
            slug,
            tags=draw(tag_lists),
            category=draw(st.sampled_from(CATEGORIES)),
            text=draw(texts),
            day=draw(st.integers(0, 4)),
            pinned=draw(st.lists(st.sampled_from(SLUGS), max_size=2)) if pins else (),
        )
        for slug in SLUGS[: draw(size)]
    ]


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(corpus=corpora(), count=st.integers(1, 5))
def test_scores_are_the_ones_the_module_docstring_describes(corpus, count):
    assert related_slugs(corpus, count) == reference_related(corpus, count)


def test_the_reference_agrees_on_a_larger_corpus():
    corpus = [
        article(
            f"a{n:02d}",
            tags=[f"t{n % 7}", f"t{n % 4}"],
            category=f"c{n % 3}",
            text=" ".join(f"word{chr(97 + (n * k) % 19)}" for k in range(1, 30)),
            day=n % 11,
        )
        for n in range(60)
    ]
    assert related_slugs(corpus, 4) == reference_related(corpus, 4)


# -- the index follows changes exactly -------------------------------------------------


class RelatedEdits(RuleBasedStateMachine):
    """Random edits of a small corpus; after each, the index must agree with a fresh ranking."""

    tuning = Tuning()

    def __init__(self) -> None:
        super().__init__()
        self.index = RelatedIndex(self.tuning)
        self.articles: dict[str, Article] = {}  # by slug, in list order
        self.count = 3

    @initialize(corpus=corpora(st.integers(2, 16), pins=False))  # pins come with edits
    def start(self, corpus):
        self.articles = {a.slug: a for a in corpus}

    @invariant()
    def agrees_with_a_ranking_from_scratch(self):
        articles = list(self.articles.values())
        expected = related_slugs(list(reversed(articles)), self.count)
        assert self.index.update(articles, self.count) == expected

    def _edit(self, data, **changes):
        slug = data.draw(st.sampled_from(sorted(self.articles)))
        self.articles[slug] = replace(self.articles[slug], **changes)

    @rule(data=st.data(), names=tag_lists)
    def change_tags(self, data, names):
        self._edit(data, tags=tuple(Term("tag", n, n, f"/tags/{n}/") for n in names))

    @rule(data=st.data(), name=st.sampled_from(CATEGORIES))
    def change_category(self, data, name):
        self._edit(data, category=Term("category", name, name, "") if name else None)

    @rule(data=st.data(), text=texts)
    def change_words(self, data, text):
        self._edit(data, terms=term_counts(text))

    @rule(data=st.data(), day=st.integers(0, 4))
    def change_date(self, data, day):
        self._edit(data, published=START + timedelta(days=day))

    @rule(data=st.data(), pins=pin_lists)
    def change_pins(self, data, pins):
        self._edit(data, pinned_related=tuple(pins))

    @precondition(lambda self: len(self.articles) < len(SLUGS))
    @rule(data=st.data(), new=corpora(st.just(len(SLUGS)), pins=False))
    def add_article(self, data, new):
        slug = data.draw(st.sampled_from([s for s in SLUGS if s not in self.articles]))
        self.articles[slug] = next(a for a in new if a.slug == slug)

    @precondition(lambda self: len(self.articles) > 2)
    @rule(data=st.data())
    def remove_article(self, data):
        del self.articles[data.draw(st.sampled_from(sorted(self.articles)))]

    @rule(data=st.data(), title=st.sampled_from(["Title", "Other title"]))
    def change_order_and_a_title(self, data, title):
        self._edit(data, title=title)  # a new object with the same scores
        order = data.draw(st.permutations(list(self.articles)))
        self.articles = {slug: self.articles[slug] for slug in order}

    @rule(data=st.data(), edit=st.sampled_from(["tags", "words", "date", "add", "remove"]))
    def edit_after_loading(self, data, edit):
        """As between two runs: the index is saved, files change, the index is loaded."""
        self.index = pickle.loads(pickle.dumps(self.index))
        if edit == "tags":
            self.change_tags(data, data.draw(tag_lists))
        elif edit == "words":
            self.change_words(data, data.draw(texts))
        elif edit == "date":
            self.change_date(data, data.draw(st.integers(0, 4)))
        elif edit == "add" and len(self.articles) < len(SLUGS):
            self.add_article(data, data.draw(corpora(st.just(len(SLUGS)), pins=False)))
        elif edit == "remove" and len(self.articles) > 2:
            self.remove_article(data)

    @rule(count=st.integers(1, 5))
    def change_count(self, count):
        self.count = count


class TightRelatedEdits(RelatedEdits):
    """The same with no slack kept, tiny groups and blocks, and short runs added as slices:
    lists run short, bounds tie, and the fallbacks are taken."""

    tuning = Tuning(slack=0, group=2, block_rows=3, run=2)


_machine_settings = settings(
    max_examples=80,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
RelatedEdits.TestCase.settings = _machine_settings
TightRelatedEdits.TestCase.settings = _machine_settings
TestRelatedEdits = pytest.mark.slow(RelatedEdits.TestCase)
TestTightRelatedEdits = pytest.mark.slow(TightRelatedEdits.TestCase)


def test_one_edit_ranks_only_a_few_lists_again(monkeypatch):
    corpus = [
        article(
            f"a{n:03d}",
            tags=[f"t{n % 17}", f"t{n % 23}"],
            category=f"c{n % 5}",
            text=" ".join(f"word{n % 31} term{(n * 7) % 41} item{(n * 3) % 53}" for _ in range(3)),
            day=n,
        )
        for n in range(300)
    ]
    index = RelatedIndex()
    index.update(corpus, 4)
    corpus[150] = replace(corpus[150], tags=(Term("tag", "t3", "t3", ""),))
    expected = related_slugs(corpus, 4)
    ranked: list[int] = []
    rank_rows = Ranking._rank_rows

    def counting(self, rows, *args):
        ranked.append(len(rows))
        return rank_rows(self, rows, *args)

    monkeypatch.setattr(Ranking, "_rank_rows", counting)
    assert index.update(corpus, 4) == expected
    assert 1 <= sum(ranked) < 30  # the edited article and a few lists, not all 300


def test_a_list_whose_bound_article_moves_in_time_is_ranked_again():
    # "source" keeps one article and, as its bound, the next one: "b". Once "b" is
    # older than "j", the bound must be "j", or an article added between them
    # (with the same score) would wrongly pass before "j".
    filler = [article(f"filler-{n}", text="filler", day=n) for n in range(16)]
    corpus = {
        a.slug: a
        for a in [
            article("source", tags=["x"], day=10),
            article("a", tags=["x"], day=9),
            article("b", tags=["x"], day=8),
            article("j", tags=["x"], day=7),
            *filler,
        ]
    }
    index = RelatedIndex(Tuning(slack=0))
    assert index.update(list(corpus.values()), 1)["source"] == ("a",)
    corpus["b"] = replace(corpus["b"], published=START + timedelta(days=1))
    assert index.update(list(corpus.values()), 1)["source"] == ("a",)
    corpus["a"] = replace(corpus["a"], tags=())
    corpus["c"] = article("c", tags=["x"], day=5)
    articles = list(corpus.values())
    assert index.update(articles, 1) == related_slugs(articles, 1)
    assert index.update(articles, 1)["source"] == ("j",)
