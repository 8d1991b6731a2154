"""Redirects: ``aliases:`` and ``[redirects]`` become pages at the old addresses.

The errors (an alias taken by a page, given twice, off the site, a missing
target) are cases of the invalid-site corpus (``tests/sites/invalid/alias-*``,
``redirect-*``); here the pages themselves and what they stay out of.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from generator.check import check_site
from generator.config import load_config
from generator.plan import plan_site
from generator.redirects import site_redirects
from tests.conftest import FIXED_NOW, build


def _append(path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


class _Head(HTMLParser):
    """The redirect page's instructions, as a browser and a search engine read them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "meta":
            self.meta[found.get("name") or found.get("http-equiv") or ""] = found.get("content")
        elif tag == "link" and found.get("rel") == "canonical":
            self.canonical = found["href"]
        elif tag == "a":
            self.links.append(found["href"])


def _head(data: bytes) -> _Head:
    parser = _Head()
    parser.feed(data.decode("utf-8"))
    return parser


@pytest.fixture
def site(copy_site):
    site = copy_site("basic")
    _append(site / "site.toml", '\n[redirects]\n"/blog/category/sleep/" = "/blog/tags/sleep/"\n')
    return site


def test_each_alias_and_redirect_gets_a_page_leading_to_the_new_address(site):
    result = build(site)
    out = result.output_dir
    new = "https://example.org/blog/posts/older/"
    for old_file in ("2023/01/older-article/index.html", "older.html"):
        head = _head((out / old_file).read_bytes())
        assert head.meta["refresh"] == f"0; url={new}"
        assert head.canonical == new
        assert head.links == [new]
        assert head.meta["robots"] == "noindex"
    category = _head((out / "category/sleep/index.html").read_bytes())
    assert category.canonical == "https://example.org/blog/tags/sleep/"


def test_redirect_pages_stay_out_of_sitemap_feed_and_search(site):
    out = build(site).output_dir
    for name in ("sitemap.xml", "feed.xml"):
        text = (out / name).read_text("utf-8")
        assert "older-article" not in text and "category/sleep" not in text
        assert "older.html" not in text
    # The search indexes the pages that mark their body; a redirect page marks none.
    assert "data-pagefind-body" not in (out / "older.html").read_text("utf-8")
    assert "data-pagefind-body" in (out / "posts/older/index.html").read_text("utf-8")


def test_a_removed_alias_takes_its_page_with_it(site):
    out = build(site).output_dir
    older = site / "content/posts/older.md"
    older.write_text(re.sub(r"aliases: .*\n", "", older.read_text("utf-8")), "utf-8")
    report = build(site).report
    assert "older.html" in report.removed
    assert not (out / "older.html").exists()
    assert not (out / "2023").exists()


def test_check_knows_the_aliases_field(site):
    report = check_site(site)
    assert report.errors == 0
    assert not [f for f in report.findings if f.rule == "unknown-field"]


def test_an_address_with_a_query_is_left_to_the_host_rules(site):
    _append(
        site / "site.toml", '"/blog/?cat=4" = "/blog/tags/sleep/"\n[publish]\nhost = "apache"\n'
    )
    result = build(site)
    config = load_config(site)
    jobs = plan_site(config, result.site)
    pages = {job.dest_path: "" for job in jobs if job.template != "redirect.html"}
    redirects = {r.old: r for r in site_redirects(config, result.site, pages)}
    assert redirects["/blog/?cat=4"].dest_path == ""
    assert redirects["/blog/?cat=4"].query == "cat=4"
    assert redirects["/blog/older.html"].dest_path == "older.html"
    assert not any("cat=4" in dest for dest in result.outputs)


def test_a_full_url_on_the_sites_own_host_is_an_alias_like_a_path(copy_site):
    site = copy_site("basic")
    single = site / "content/posts/single.md"
    single.write_text(
        single.read_text("utf-8").replace(
            "tags: [skin]", 'tags: [skin]\naliases: ["http://EXAMPLE.org/blog/2024/04/single/"]'
        ),
        "utf-8",
    )
    out = build(site, now=FIXED_NOW).output_dir
    head = _head((out / "2024/04/single/index.html").read_bytes())
    assert head.canonical == "https://example.org/blog/posts/single/"
