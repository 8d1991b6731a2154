"""sitegen import of a saved HTML page: the article's own title and date, or a word on a guess."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from generator.importers import import_files
from generator.scaffold import new_site
from tests.conftest import build
from tests.htmltools import Page

TODAY = date(2024, 5, 1)
# What the HTML standard allows in a datetime attribute: a date, or a date and a time
# with at most three digits of fractions of a second and an optional offset.
VALID_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


def saved_page(title_block: str, time: str = "") -> str:
    return f"""<!doctype html>
<html lang="en"><head><title>Sunscreen myths | Lakeside Clinic</title></head>
<body>
<header class="site-header"><h1 class="site-title"><a href="/">Lakeside Clinic</a></h1>
<nav><a href="/about/">About</a></nav></header>
<main id="main">
<article class="post">
{title_block}
{time}
<div class="entry-content">
<p>Sunscreen is for every season, not only for the beach.</p>
<h2>Myth one</h2>
<p>Dark skin needs no sunscreen. It does: ultraviolet light harms every skin.</p>
</div>
</article>
</main>
<footer><p>Lakeside Clinic, Lake Road 1</p></footer>
</body></html>
"""


@pytest.fixture
def site(tmp_path) -> Path:
    new_site(tmp_path / "site", TODAY)
    return tmp_path / "site"


def imported_front_matter(site: Path, slug: str) -> str:
    return (site / "content" / "posts" / slug / "index.md").read_text("utf-8")


def test_the_article_title_is_its_own_h1_not_the_site_name(site, tmp_path):
    page = tmp_path / "sunscreen-myths.html"
    page.write_text(
        saved_page(
            '<header class="entry-header"><h1 class="entry-title">Sunscreen myths</h1></header>',
            '<time datetime="2024-02-12T16:57:38.215Z">February 12, 2024</time>',
        ),
        "utf-8",
    )
    report = import_files([page], site, today=TODAY)
    text = imported_front_matter(site, "sunscreen-myths")
    assert "title: Sunscreen myths\n" in text
    assert "Lakeside Clinic" not in text
    assert not [w for w in report.warnings if "publication date" in w]
    assert "date: 2024-02-12 16:57:38.215000+00:00" in text


def test_a_page_without_a_date_is_dated_today_with_a_warning(site, tmp_path):
    page = tmp_path / "sunscreen-myths.html"
    page.write_text(saved_page('<h1 class="entry-title">Sunscreen myths</h1>'), "utf-8")
    report = import_files([page], site, today=TODAY)
    assert "date: 2024-05-01\n" in imported_front_matter(site, "sunscreen-myths")
    [warning] = [w for w in report.warnings if "publication date" in w]
    assert warning.startswith(f"{page}: no publication date found")
    assert "2024-05-01" in warning


def test_dates_with_milliseconds_are_valid_html_datetimes(site, tmp_path):
    page = tmp_path / "sunscreen-myths.html"
    page.write_text(
        saved_page(
            "<h1>Sunscreen myths</h1>",
            '<time datetime="2024-02-12T16:57:38.215Z">February 12, 2024</time>',
        ),
        "utf-8",
    )
    import_files([page], site, today=TODAY)
    result = build(site)
    built = Page(result.output_dir / "posts" / "sunscreen-myths" / "index.html")
    values = [element.attrs["datetime"] for element in built.find_all("time")]
    assert "2024-02-12T16:57:38.215+00:00" in values
    assert all(VALID_DATETIME.match(value) for value in values), values
