"""The repository's sample site: the seed article and its four related posts."""

from __future__ import annotations

import filecmp
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from tests.conftest import REPO, build, copy_sample_site
from tests.htmltools import Page, html_files

ARTICLE = "posts/what-is-micro-needling/index.html"
SEED = REPO / "seeds" / "what-is-micro-needling.txt"
RELATED_TITLES = [
    "Do you also use dental floss to clean your teeth? Know its side effects",
    "Discover Your Serenity: 7 Relaxing Hobbies to Soothe Stress",
    "Such harmful symptoms start appearing in body due to drinking too much tea and coffee",
    "If you eat dry fruits on an empty stomach in the morning then you should know this thing",
]


def article(sample_build) -> Page:
    return Page(sample_build.output_dir / ARTICLE)


@pytest.mark.slow
def test_sections_follow_the_seed_order_with_ids(sample_build):
    page = article(sample_build)
    headings = page.find_all("h2", within="article__section")
    titles = [h.text.strip() for h in headings]
    assert titles == [
        "What is Micro needling?",
        "How is Micro needling done?",
        "Micro needling Devices",
        "Benefits of Micro needling",
    ]
    seed = SEED.read_text("utf-8")
    positions = [seed.index("\n" + title + "\n") for title in titles]
    assert positions == sorted(positions)
    assert [h.attrs["id"] for h in headings] == [
        "what-is-micro-needling",
        "how-is-micro-needling-done",
        "micro-needling-devices",
        "benefits-of-micro-needling",
    ]


def test_benefits_are_subheadings_and_lists_stay_lists(sample_build):
    page = article(sample_build)
    benefits = [h.text.strip() for h in page.find_all("h3", within="article__section")]
    assert benefits[0] == "Skin Rejuvenation"
    assert "Targets Hyperpigmentation and discoloration" in benefits
    items = [li.text.strip() for li in page.find_all("li", within="article__section")]
    assert "Acne scarring" in items
    assert any(item.startswith("UVB: produces skin burning") for item in items)


def test_seed_furniture_is_left_out(sample_build):
    text = (sample_build.output_dir / ARTICLE).read_text("utf-8")
    for furniture in ("No Comment", "Leave a Reply", "Earing Making Diy Ideas"):
        assert furniture not in text


def test_table_of_contents_links_to_every_section(sample_build):
    page = article(sample_build)
    targets = [a.attrs["href"] for a in page.find_all("a", within="toc")]
    ids = {element.attrs["id"] for element in page.elements if "id" in element.attrs}
    section_ids = [h.attrs["id"] for h in page.find_all("h2", within="article__section")]
    assert all(f"#{section}" in targets for section in section_ids)
    assert all(target.removeprefix("#") in ids for target in targets)


def test_related_block_lists_the_four_sample_posts(sample_build):
    page = article(sample_build)
    aside = page.find_all("aside")
    assert len(aside) == 1 and "Related posts" in aside[0].text
    links = page.find_all("a", within="related")
    assert sorted(a.text.strip() for a in links) == sorted(RELATED_TITLES)
    for link in links:
        assert link.attrs["href"] != "/posts/what-is-micro-needling/"
        target = sample_build.output_dir / link.attrs["href"].lstrip("/") / "index.html"
        assert target.is_file(), target


def test_byline_names_author_and_medical_reviewer(sample_build):
    page = article(sample_build)
    byline = page.find_all("div", **{"class": "byline"})[0].text
    assert "By Maya Okafor" in byline
    assert "Medically reviewed by Daniel Reyes, MD, FAAD on June 3, 2024" in " ".join(
        byline.split()
    )
    times = [t.attrs["datetime"] for t in page.find_all("time", within="byline")]
    assert "2024-06-03" in times and any(t.startswith("2024-03-12T") for t in times)


def test_every_json_ld_block_parses_and_the_article_graph_is_complete(sample_build):
    for path in html_files(sample_build.output_dir):
        blocks = Page(path).json_ld()
        assert len(blocks) == 1, path
    graph = article(sample_build).json_ld()[0]["@graph"]
    types = {node["@type"] for node in graph}
    assert {"MedicalWebPage", "BlogPosting", "BreadcrumbList", "MedicalClinic"} <= types
    page = next(node for node in graph if node["@type"] == "MedicalWebPage")
    assert page["reviewedBy"]["@id"].endswith("#person-daniel-reyes")
    assert page["lastReviewed"] == "2024-06-03"
    ids = {node["@id"] for node in graph}
    references = re.findall(r"'@id': '([^']+)'", str([n for n in graph]))
    assert set(references) <= ids


def test_feed_parses_and_lists_every_published_post(sample_build):
    feed = feedparser.parse((sample_build.output_dir / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    links = {entry.link for entry in feed.entries}
    expected = {"https://clinic.example.com" + a.url for a in sample_build.site.articles}
    assert len(expected) == 5
    assert links == expected


def test_sitemap_lists_every_indexable_page_and_nothing_else(sample_build):
    root = ET.fromstring((sample_build.output_dir / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {loc.text for loc in root.findall("s:url/s:loc", ns)}
    pages = set()
    for path in html_files(sample_build.output_dir):
        relative = path.relative_to(sample_build.output_dir).as_posix()
        if relative != "404.html":
            pages.add("https://clinic.example.com/" + relative.removesuffix("index.html"))
    assert listed == pages
    undated = [
        url.find("s:loc", ns).text
        for url in root.findall("s:url", ns)
        if url.find("s:lastmod", ns) is None
    ]
    assert undated == []


def test_robots_points_at_the_sitemap(sample_build):
    robots = (sample_build.output_dir / "robots.txt").read_text("utf-8")
    assert "Sitemap: https://clinic.example.com/sitemap.xml" in robots


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path):
    first = build(copy_sample_site(tmp_path / "a"), tmp_path / "out-a")
    second = build(copy_sample_site(tmp_path / "b"), tmp_path / "out-b")
    assert sorted(first.outputs) == sorted(second.outputs)
    _, mismatch, errors = filecmp.cmpfiles(
        first.output_dir, second.output_dir, sorted(first.outputs), shallow=False
    )
    assert mismatch == [] and errors == []


def test_no_page_of_the_sample_site_is_empty(sample_build):
    for path in html_files(sample_build.output_dir):
        page = Page(path)
        assert len(page.find_all("h1")) == 1, path
        assert page.find_all("title")[0].text.strip(), path


def test_the_seed_file_is_kept():
    assert SEED.read_text("utf-8").startswith("What is Micro needling?")
    assert Path(REPO / "content/posts/what-is-micro-needling/index.md").is_file()
