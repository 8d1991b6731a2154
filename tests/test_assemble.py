"""Articles, pages and taxonomies from the basic test site, and site-level conflicts."""

from __future__ import annotations

import pytest

from generator.errors import ModelError
from tests.conftest import build
from tests.htmltools import Page


@pytest.mark.slow
def test_sections_are_ordered_by_number_and_intro_kept(basic_build):
    article = basic_build.site.article("faq-article")
    assert [s.title for s in article.sections] == ["What is acne?", "Frequently asked questions"]
    assert "An introduction to acne" in article.intro_html
    assert article.image == "/blog/posts/faq-article/hero.svg"
    assert (basic_build.output_dir / "posts/faq-article/hero.svg").is_file()


def test_drafts_and_future_articles_are_left_out(basic_build):
    slugs = {a.slug for a in basic_build.site.articles}
    assert slugs == {"faq-article", "single", "older"}
    feed = (basic_build.output_dir / "feed.xml").read_text("utf-8")
    sitemap = (basic_build.output_dir / "sitemap.xml").read_text("utf-8")
    for hidden in ("draft", "future"):
        assert not (basic_build.output_dir / "posts" / hidden).exists()
        assert f"/posts/{hidden}/" not in feed + sitemap


@pytest.mark.slow
def test_drafts_and_future_flags_publish_them(copy_site, tmp_path):
    result = build(copy_site("basic"), tmp_path / "out", drafts=True, future=True)
    assert {"draft", "future"} <= {a.slug for a in result.site.articles}


def test_tags_group_spellings_and_list_newest_first(basic_build):
    skin = next(listing for listing in basic_build.site.tags if listing.term.slug == "skin")
    assert [a.slug for a in skin.articles] == ["faq-article", "single"]
    assert {listing.term.slug for listing in basic_build.site.tags} == {"acne", "skin", "sleep"}


def test_home_is_paginated_under_the_base_path(basic_build):
    out = basic_build.output_dir
    home, second = Page(out / "index.html"), Page(out / "page/2/index.html")
    assert [a.attrs["href"] for a in home.find_all("a", rel="next")] == ["/blog/page/2/"]
    assert [a.attrs["href"] for a in second.find_all("a", rel="prev")] == ["/blog/"]
    titles = [h.text.strip() for h in home.find_all("h2") + second.find_all("h2")]
    assert [t for t in titles if t.startswith(("Acne", "A single", "An older"))] == [
        "Acne questions answered",
        "A single-file article",
        "An older article",
    ]


def test_single_file_article_headings_make_the_toc(basic_build):
    page = Page(basic_build.output_dir / "posts/single/index.html")
    assert [a.attrs["href"] for a in page.find_all("a", within="toc")] == [
        "#first-heading",
        "#second-heading",
    ]


def write_article(site, name, front_matter, body="Text."):
    path = site / "content" / "posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front_matter}\n---\n{body}\n", "utf-8")


BASE = "description: A description that is long enough.\ndate: 2024-01-01"


@pytest.mark.parametrize(
    ("files", "message", "where"),
    [
        (
            {"a.md": f"title: A\n{BASE}", "b.md": f"title: B\nslug: a\n{BASE}"},
            "has the URL /blog/posts/a/, like content/posts/a.md",
            "content/posts/b.md",
        ),
        (
            {"a.md": f"title: A\n{BASE}\nauthor: nobody"},
            "'author: nobody' names nobody",
            "content/posts/a.md:5:1",
        ),
        (
            {"a.md": f"title: A\n{BASE}\nrelated: [ghost]"},
            "'related' names 'ghost'",
            "content/posts/a.md:5:1",
        ),
        (
            {"a.md": f"title: A\n{BASE}\nslug: '???'"},
            "cannot make a URL name",
            "content/posts/a.md:5",
        ),
        ({"x/01-a.md": "title: S"}, "needs an index.md", "content/posts/x"),
        (
            {"x/index.md": f"title: A\n{BASE}\nimage: missing.png"},
            "'missing.png' is not in",
            "content/posts/x/index.md:5:1",
        ),
    ],
)
def test_site_conflicts_name_the_file(copy_site, tmp_path, files, message, where):
    site = copy_site("basic")
    for name, front_matter in files.items():
        write_article(site, name, front_matter)
    with pytest.raises(ModelError) as caught:
        build(site, tmp_path / "out")
    assert message in str(caught.value)
    assert caught.value.location.startswith(where)


def test_pages_may_not_take_the_sites_own_urls(copy_site, tmp_path):
    site = copy_site("basic")
    (site / "content/pages/tags.md").write_text("---\ntitle: Tags\n---\n", "utf-8")
    with pytest.raises(ModelError, match="used by the site itself"):
        build(site, tmp_path / "out")
