"""sitegen import: plain text and HTML pages become section folders that build as the original."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.cli import main
from generator.importers import import_files
from generator.importers.markup import parse_html, to_markdown
from generator.markdown_text import render_markdown
from generator.scaffold import new_site
from tests.conftest import REPO, build
from tests.htmltools import Page

SEED = REPO / "seeds" / "what-is-micro-needling.txt"
DATA = Path(__file__).resolve().parent / "data" / "import"
TODAY = date(2024, 5, 1)
SEED_HEADINGS = [
    "What is Micro needling?",
    "How is Micro needling done?",
    "Micro needling Devices",
    "Benefits of Micro needling",
]


@pytest.fixture
def site(tmp_path) -> Path:
    new_site(tmp_path / "site", TODAY)
    return tmp_path / "site"


def seed_article_text() -> str:
    """The seed without its furniture: the title once, then everything up to "Related Posts"."""
    lines = SEED.read_text("utf-8").split("\n")
    title = lines[0]
    body = [line for line in lines[1:] if line.strip() != title]
    body = body[: next(i for i, line in enumerate(body) if line.strip() == "Related Posts")]
    return "\n".join([title, *body]).replace("•", "")


def article_text(page: Page) -> str:
    """The built article as a reader sees it: its headline, headings, paragraphs and list items."""
    parts = [page.find_all("h1")[0].text]
    for element in page.elements:
        inside = element.inside("article__section") or element.inside("article__intro")
        if inside and element.tag in ("h2", "h3", "p", "li"):
            parts.append(element.text)
    return "\n".join(parts)


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.slow
def test_the_seed_text_builds_into_the_same_article(site):
    report = import_files([SEED], site, today=TODAY)
    assert report.imported == ["content/posts/what-is-micro-needling/"]
    result = build(site)
    page = Page(result.output_dir / "posts/what-is-micro-needling/index.html")
    assert squeeze(article_text(page)) == squeeze(seed_article_text())
    headings = [h.text.strip() for h in page.find_all("h2", within="article__section")]
    assert headings == SEED_HEADINGS
    benefits = [h.text.strip() for h in page.find_all("h3", within="article__section")]
    assert benefits[0] == "Skin Rejuvenation" and len(benefits) == 6
    items = [li.text.strip() for li in page.find_all("li", within="article__section")]
    assert items[:2] == ["wrinkles", "Acne scarring"] and len(items) == 10
    html = page.html
    for furniture in ("Related Posts", "Leave a Reply", "No Comment", "Earing Making"):
        assert furniture not in html
    assert result.site.article("what-is-micro-needling").published.date() == TODAY


def test_an_html_page_builds_into_the_article_without_its_furniture(site):
    report = import_files([DATA / "what-is-micro-needling.html"], site, today=TODAY)
    assert report.imported == ["content/posts/what-is-micro-needling/"]
    result = build(site)
    article = result.site.article("what-is-micro-needling")
    assert article.published.date() == date(2023, 8, 14)  # from the page's own metadata
    assert article.description == "How micro needling works, how it is done and its benefits."
    page = Page(result.output_dir / "posts/what-is-micro-needling/index.html")
    assert squeeze(article_text(page)) == squeeze(seed_article_text())
    assert [s.title for s in article.sections] == SEED_HEADINGS
    for furniture in ("Share this", "Leave a Reply", "Earing Making", "dataLayer", "Post Comment"):
        assert furniture not in page.html


def test_an_existing_article_is_skipped_unless_forced(site, capsys):
    index = site / "content/posts/what-is-micro-needling/index.md"
    assert main(["import", str(SEED), "--site", str(site)]) == 0
    index.write_text(index.read_text("utf-8").replace("date:", "draft: true\ndate:"), "utf-8")
    edited = index.read_text("utf-8")
    capsys.readouterr()
    assert main(["import", str(SEED), "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert "already exists" in out and "0 imported, 1 skipped" in out
    assert index.read_text("utf-8") == edited
    assert main(["import", str(SEED), "--site", str(site), "--force"]) == 0
    assert "1 imported, 0 skipped" in capsys.readouterr().out
    assert "draft: true" not in index.read_text("utf-8")


def test_importing_outside_a_site_is_a_clear_error(tmp_path, capsys):
    assert main(["import", str(SEED), "--site", str(tmp_path)]) == 1
    assert "no site.toml" in capsys.readouterr().err


def test_a_file_that_is_not_utf8_names_itself(site, tmp_path, capsys):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9 au lait\n\nText.".encode("latin-1"))
    assert main(["import", str(bad), "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "latin1.txt" in err and "not UTF-8" in err and "Traceback" not in err


# -- HTML to Markdown ---------------------------------------------------------------------------


def markdown_of(html: str) -> str:
    return to_markdown(parse_html(html))


def test_text_that_looks_like_markup_stays_text():
    html = (
        "<p>5 * 3 = [15] and a_b _c_ &lt;script&gt;alert(1)&lt;/script&gt; &amp;copy;</p>"
        "<p>1. not a list</p><p># not a heading</p><p>- not an item</p>"
    )
    rendered, _ = render_markdown(markdown_of(html))
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "5 * 3 = [15] and a_b _c_" in rendered
    assert "&amp;copy;" in rendered
    assert "<ol>" not in rendered and "<h1" not in rendered and "<ul>" not in rendered


def test_scripts_forms_and_unsafe_links_are_dropped():
    html = (
        '<p>Read <a href="javascript:alert(1)">this</a> and <a href="/ok">that</a>.</p>'
        "<script>steal()</script><form><input name=q><button>Go</button></form>"
        '<p><img src="https://old.example/a.jpg" alt="A [cat]" onerror="x()"></p>'
    )
    markdown = markdown_of(html)
    rendered, _ = render_markdown(markdown)
    assert "javascript" not in rendered and "steal" not in rendered and "onerror" not in rendered
    assert '<a href="/ok">that</a>' in rendered
    assert 'alt="A [cat]"' in rendered


def test_structure_survives_the_round_trip():
    html = (
        "<h3>Sub</h3><p>Para with <em>em</em>, <strong>strong</strong>, <code>a*b</code>.</p>"
        "<ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul><ol><li>first</li></ol>"
        "<blockquote><p>quoted</p></blockquote><pre>line 1\n  line 2</pre>"
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1|2</td><td>3</td></tr></table>"
    )
    rendered, _ = render_markdown(markdown_of(html))
    for fragment in (
        "<h3",
        "<em>em</em>",
        "<strong>strong</strong>",
        "<code>a*b</code>",
        "<li>one<ul>\n<li>nested</li>",
        "<ol>\n<li>first</li>",
        "<blockquote>\n<p>quoted</p>",
        "line 1\n  line 2",
        "<td>1|2</td>",
    ):
        assert fragment in rendered
