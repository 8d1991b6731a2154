"""Whatever a writer types lands escaped: HTML text and attributes, JSON-LD, Atom and sitemap XML.

Two articles carry an attack in every field a writer sets (title, description,
tag, category, slug) and in the author's name from ``site.toml``; every file
of the build is then read back the way a browser or feed reader would.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.conftest import SITES, build

SCRIPT = "</script><script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
ATOM = "{http://www.w3.org/2005/Atom}"


def _article(payload: str, author: str) -> str:
    quoted = "'" + payload.replace("'", "''") + "'"
    return (
        f"---\ntitle: {quoted}\ndescription: {quoted}\ndate: 2024-02-01\nauthor: {author}\n"
        f"tags: [{quoted}, plain]\ncategory: {quoted}\nslug: {quoted}\n---\n"
        "A paragraph of text.\n"
    )


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    site = shutil.copytree(SITES / "basic", tmp_path_factory.mktemp("hostile") / "site")
    toml = (site / "site.toml").read_text()
    toml += f"\n[authors.script]\nname = '{SCRIPT}'\n\n[authors.img]\nname = '{IMG}'\n"
    (site / "site.toml").write_text(toml)
    (site / "content/posts/script.md").write_text(_article(SCRIPT, "script"))
    (site / "content/posts/img.md").write_text(_article(IMG, "img"))
    return build(site)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "title") else None
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "title":
            self.title += data


def _files(result):
    return sorted(path for path in result.output_dir.rglob("*") if path.is_file())


@pytest.mark.slow
def test_no_output_file_holds_the_raw_attack(hostile_build):
    for path in _files(hostile_build):
        data = path.read_bytes()
        assert b"<script>alert(1)" not in data, path
        assert b"<img src=x onerror" not in data, path


def test_html_pages_have_no_injected_elements_and_show_the_text(hostile_build):
    out = hostile_build.output_dir
    for path in out.rglob("*.html"):
        page = _Page()
        page.feed(path.read_text("utf-8"))
        assert not [attrs for _, attrs in page.tags if "onerror" in attrs], path
        scripts = [attrs for tag, attrs in page.tags if tag == "script"]
        for attrs, text in zip(scripts, page.scripts, strict=True):
            if "src" in attrs:  # the theme's own script file (the search page): no inline code
                assert "/static/" in attrs["src"] and not text.strip(), path
                continue
            # Every script block is the JSON-LD one, and it still parses whole.
            assert attrs.get("type") == "application/ld+json", path
            json.loads(text)
    for payload in (SCRIPT, IMG):
        article = next(a for a in hostile_build.site.articles if a.title == payload)
        page = _Page()
        page.feed((out / article.dest_path).read_text("utf-8"))
        assert page.title.startswith(payload + " | ")
        description = next(
            a for t, a in page.tags if t == "meta" and a.get("name") == "description"
        )
        assert description["content"] == payload
        graph = json.loads(page.scripts[0])["@graph"]
        assert payload in {node.get("headline") for node in graph}
        assert {a.get("content") for t, a in page.tags if t == "meta"} >= {payload}


def test_slugs_are_sanitised_and_stay_inside_the_output(hostile_build):
    slugs = {article.slug for article in hostile_build.site.articles}
    for slug in slugs:
        assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_"), slug
    root = hostile_build.output_dir.resolve()
    assert all(path.resolve().is_relative_to(root) for path in _files(hostile_build))


def test_feed_and_sitemap_are_well_formed_and_hold_the_exact_text(hostile_build):
    out = hostile_build.output_dir
    feed = ET.parse(out / "feed.xml").getroot()
    titles = {entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")}
    assert {SCRIPT, IMG} <= titles
    authors = {entry.findtext(f"{ATOM}author/{ATOM}name") for entry in feed.iter(f"{ATOM}entry")}
    assert {SCRIPT, IMG} <= authors
    labels = {c.get("label") for c in feed.iter(f"{ATOM}category")}
    assert {SCRIPT, IMG} <= labels
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    locations = [
        loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert locations and all(url.startswith("https://example.org/blog/") for url in locations)
    assert all("<" not in url and '"' not in url for url in locations)


def test_tag_and_author_names_are_escaped_in_listings(hostile_build):
    out = hostile_build.output_dir
    tag_pages = [p for p in (out / "tags").rglob("index.html")]
    assert len(tag_pages) >= 3
    for path in tag_pages:
        text = path.read_text("utf-8")
        assert SCRIPT not in text and IMG not in text
    topics = (out / "tags/index.html").read_text("utf-8")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in topics
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in topics
