"""Privacy by default: pages load nothing from another host unless site.toml allows it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from generator.lint import CheckFailed
from generator.privacy import loaded_urls
from tests.conftest import build
from tests.htmltools import Page, html_files


def only_error(failed: CheckFailed):
    """The one error finding of a failed build."""
    errors = [finding for finding in failed.findings if finding.severity == "error"]
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


TRACKER = '<img src="https://tracker.example.net/t.gif" alt="">'


@pytest.mark.slow
def test_no_page_of_the_sample_site_loads_from_another_host(sample_build):
    pages = html_files(sample_build.output_dir)
    loads = [(path, url) for path in pages for url in loaded_urls(path.read_text("utf-8"))]
    assert len(loads) > len(pages), "stylesheets, icons and images are found"
    foreign = [(path, url) for path, url in loads if urlsplit(url).netloc]
    assert foreign == []


def test_only_the_search_page_carries_javascript(sample_build):
    """Search needs a script (it searches in the reader's browser); so does a video block,
    which the sample site does not have."""
    out = sample_build.output_dir
    for path in html_files(out):
        if path.is_relative_to(out / "pagefind"):
            continue
        scripts = Page(path).find_all("script")
        kinds = [s.attrs.get("type") for s in scripts]
        expected = ["application/ld+json"]
        if path == out / "search/index.html":
            expected.append("module")
            assert scripts[-1].attrs["src"].startswith("/static/search.")
        assert kinds == expected, path
        assert " on" not in "".join(
            f" {name}" for element in Page(path).elements for name in element.attrs
        ), f"{path}: an inline event handler"
    scripts = [dest for dest in sample_build.outputs if dest.endswith(".js")]
    # The video block's script is published too, but no page of the sample site uses it.
    allowed = ("static/search.", "static/video.", "pagefind/")
    assert scripts and all(d.startswith(allowed) for d in scripts)


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
    with pytest.raises(CheckFailed) as caught:
        build(site, tmp_path / "out")
    error = only_error(caught.value)
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
    with pytest.raises(CheckFailed) as caught:
        build(site, tmp_path / "out")
    error = only_error(caught.value)
    assert "fonts.example.com" in error.message
    assert error.path.endswith("index.html") or error.path == "404.html"


def test_a_stylesheet_importing_from_another_host_fails_the_build(copy_site, tmp_path):
    site = copy_site("basic")
    (site / "static").mkdir()
    (site / "static/extra.css").write_text(
        "body { color: black; }\n@import url('https://cdn.example.org/x.css');\n"
    )
    with pytest.raises(CheckFailed) as caught:
        build(site, tmp_path / "out")
    error = only_error(caught.value)
    assert (error.path, error.line) == ("static/extra.css", 2)


def test_a_site_may_lower_the_rule_while_it_moves_its_files(copy_site, tmp_path):
    site = copy_site("basic")
    article = site / "content/posts/single.md"
    article.write_text(article.read_text() + f"\n{TRACKER}\n")
    toml = site / "site.toml"
    toml.write_text(toml.read_text() + '\n[check.rules]\nthird-party = "warning"\n')
    result = build(site, tmp_path / "out")
    found = [w for w in result.warnings if w.rule == "third-party"]
    assert [(w.path, w.severity) for w in found] == [("content/posts/single.md", "warning")]


def _parsed_whole(html: str) -> list[str]:
    from generator.privacy import _Loads

    finder = _Loads()
    finder.feed(html)
    finder.close()
    return finder.urls


TRICKY_PAGE = """<html><head><link rel=stylesheet href="https://fonts.x/a.css">
<style>body{background:url(https://t.x/b.png)}</style></head><body>
<!-- <img src="https://c.x/commented-out.png"> -->
<p title="a > b" style="background: url('https://s.x/c.png')">x</p>
<img alt="1 > 0" src="https://i.x/d.png" srcset="https://i.x/e.png 2x, /f.png 1x">
<a href="https://ok.x/">a link loads nothing</a><script src="//js.x/t.js"></script>
<video poster=https://v.x/p.jpg></video><SCRIPT>var x = '<img src=https://no.x/>'</SCRIPT>
<img src=https://last.x/z.png></body></html>"""


def test_reading_only_loading_markup_finds_what_a_whole_parse_finds(sample_build):
    assert loaded_urls(TRICKY_PAGE) == _parsed_whole(TRICKY_PAGE)
    assert "https://last.x/z.png" in loaded_urls(TRICKY_PAGE)
    for path in sorted(sample_build.output_dir.rglob("*.html")):
        html = path.read_text("utf-8")
        assert loaded_urls(html) == _parsed_whole(html), path
