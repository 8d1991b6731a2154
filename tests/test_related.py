"""Related posts ranking on a small corpus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from generator.model import Article, Term
from generator.related import related_slugs, term_counts

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
        text=text or slug,
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


def test_block_size_and_dense_split_do_not_change_the_ranking(monkeypatch):
    import generator.related as related

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
    monkeypatch.setattr(related, "_BLOCK_ROWS", 3)
    monkeypatch.setattr(related, "_GROUP", 2)
    monkeypatch.setattr(related, "_DENSE_FRACTION", 2.0)  # everything sparse
    assert related_slugs(corpus, 5) == expected
    monkeypatch.setattr(related, "_DENSE_FRACTION", 0.0)  # every shared tag is dense
    assert related_slugs(corpus, 5) == expected
