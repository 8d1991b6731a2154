"""Privacy by default: pages load nothing from another host unless site.toml allows it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from generator.errors import ContentError, TemplateError
from generator.privacy import loaded_urls
from tests.conftest import build
from tests.htmltools import Page, html_files

TRACKER = '<script src="https://tracker.example.net/t.js"></script>'


def test_no_page_of_the_sample_site_loads_from_another_host(sample_build):
    pages = html_files(sample_build.output_dir)
    loads = [(path, url) for path in pages for url in loaded_urls(path.read_text("utf-8"))]
    assert len(loads) > len(pages), "stylesheets, icons and images are found"
    foreign = [(path, url) for path, url in loads if urlsplit(url).netloc]
    assert foreign == []


def test_published_pages_carry_no_javascript(sample_build):
    for path in html_files(sample_build.output_dir):
        scripts = Page(path).find_all("script")
        assert [s.attrs.get("type") for s in scripts] == ["application/ld+json"], path
        assert " on" not in "".join(
            f" {name}" for element in Page(path).elements for name in element.attrs
        ), f"{path}: an inline event handler"
    assert not [dest for dest in sample_build.outputs if dest.endswith(".js")]


def test_loaded_urls_finds_every_kind_of_load():
    html = (
        '<link rel="stylesheet" href="https://a.example/s.css">'
        '<link rel="canonical" href="https://b.example/">'
        '<img src="/x.png" srcset="https://c.example/1.png 1x, https://d.example/2.png 2x">'
        '<iframe src="//e.example/v"></iframe><div style="background:url(https://f.example/b.png)">'
        "<style>@import 'https://g.example/i.css';</style><a href=\"https://h.example/\">link</a>"
    )
    hosts = {urlsplit(url).netloc for url in loaded_urls(html)}
    assert hosts == {
        "",
        "a.example",
        "c.example",
        "d.example",
        "e.example",
        "f.example",
        "g.example",
    }


def test_an_article_loading_a_tracker_fails_the_build_naming_its_line(copy_site, tmp_path):
    site = copy_site("basic")
    article = site / "content/posts/single.md"
    article.write_text(article.read_text() + f"\n{TRACKER}\n")
    with pytest.raises(ContentError) as caught:
        build(site, tmp_path / "out")
    error = caught.value
    assert error.path == "content/posts/single.md"
    assert article.read_text().splitlines()[error.line - 1] == TRACKER
    assert "tracker.example.net" in error.message and "allowed_hosts" in error.hint
    assert not (tmp_path / "out").exists(), "nothing is written"


def test_allowed_hosts_lets_a_named_host_through(copy_site, tmp_path):
    site = copy_site("basic")
    article = site / "content/posts/single.md"
    article.write_text(article.read_text() + f"\n{TRACKER}\n")
    toml = site / "site.toml"
    toml.write_text('allowed_hosts = ["tracker.example.net"]\n' + toml.read_text())
    out = build(site, tmp_path / "out").output_dir
    assert "tracker.example.net" in (out / "posts/single/index.html").read_text()


def test_a_template_loading_a_web_font_fails_the_build(copy_site, tmp_path):
    site = copy_site("basic")
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/head.html").write_text(
        '<meta charset="utf-8"><title>{{ meta.title }}</title>'
        '<link rel="stylesheet" href="https://fonts.example.com/css?family=Serif">'
    )
    with pytest.raises(TemplateError) as caught:
        build(site, tmp_path / "out")
    assert "fonts.example.com" in caught.value.message
    assert caught.value.path.endswith("index.html") or caught.value.path == "404.html"


def test_a_stylesheet_importing_from_another_host_fails_the_build(copy_site, tmp_path):
    site = copy_site("basic")
    (site / "static").mkdir()
    (site / "static/extra.css").write_text(
        "body { color: black; }\n@import url('https://cdn.example.org/x.css');\n"
    )
    with pytest.raises(ContentError) as caught:
        build(site, tmp_path / "out")
    assert (caught.value.path, caught.value.line) == ("static/extra.css", 2)
