"""The default theme: landmarks, headings, the clinic on every page, disclaimer, CSS, weight."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.conftest import REPO
from tests.htmltools import Page, html_files

ARTICLE = "posts/what-is-micro-needling/index.html"
CLINIC_BLOCKS = (
    re.compile(r'<div class="clinic-contact">.*?</div>', re.DOTALL),
    re.compile(r'<section class="site-footer__clinic".*?</section>', re.DOTALL),
)


def pages(build) -> list[Page]:
    return [Page(path) for path in html_files(build.output_dir)]


@pytest.mark.slow
def test_every_page_has_the_landmarks_lang_and_a_skip_link(sample_build):
    for page in pages(sample_build):
        html = page.find_all("html")[0]
        assert html.attrs["lang"] == "en", page.path
        for landmark in ("header", "nav", "main", "footer"):
            assert page.find_all(landmark), (page.path, landmark)
        skip = page.elements[[e.tag for e in page.elements].index("body") + 1]
        assert skip.attrs == {"class": "skip-link", "href": "#main"}, page.path
        assert page.find_all("main", id="main"), page.path


@pytest.mark.slow
def test_headings_start_at_one_h1_and_never_skip_a_level(sample_build):
    for page in pages(sample_build):
        levels = [int(e.tag[1]) for e in page.elements if re.fullmatch(r"h[1-6]", e.tag)]
        assert levels.count(1) == 1 and levels[0] == 1, page.path
        jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert jumps == [], page.path


def test_the_clinic_is_shown_the_same_way_on_every_page(sample_build):
    """WCAG 3.2.6 Consistent Help: name, address, phone and booking in the same place."""
    seen = set()
    for page in pages(sample_build):
        blocks = tuple(pattern.findall(page.html) for pattern in CLINIC_BLOCKS)
        assert all(len(found) == 1 for found in blocks), page.path
        seen.add(tuple(found[0] for found in blocks))
    assert len(seen) == 1, "identical on every page"
    header, footer = next(iter(seen))
    assert 'href="tel:+13125550142"' in header and "https://clinic.example.com/contact/" in header
    for text in (
        "Lakeside Skin &amp; Wellness Clinic",
        "400 Lakeshore Avenue",
        "Chicago, IL 60601",
    ):
        assert text in footer
    assert "Book an appointment" in footer and "tel:+13125550142" in footer


def test_a_medical_disclaimer_closes_every_article(sample_build):
    for article in sample_build.site.articles:
        page = Page(sample_build.output_dir / article.dest_path)
        disclaimer = page.find_all("p", **{"class": "disclaimer"})
        assert len(disclaimer) == 1 and disclaimer[0].inside("article__footer"), article.url
        assert "not medical advice" in disclaimer[0].text


def test_the_stylesheet_has_focus_dark_print_and_small_screen_rules():
    css = (REPO / "templates/static/style.css").read_text("utf-8")
    assert ":focus-visible" in css
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@media print" in css
    assert re.search(r"@media \(max-width: [\d.]+rem\)", css)
    assert "@import" not in css and "url(" not in css, "nothing loaded from elsewhere"


def test_the_article_page_weighs_under_30_kb_gzipped(sample_build):
    out = sample_build.output_dir
    page = Page(out / ARTICLE)
    stylesheets = [link.attrs["href"] for link in page.find_all("link", rel="stylesheet")]
    assert len(stylesheets) == 1
    parts = [(out / ARTICLE).read_bytes(), (out / stylesheets[0].lstrip("/")).read_bytes()]
    transferred = sum(len(gzip.compress(part)) for part in parts)
    assert transferred < 30 * 1024
