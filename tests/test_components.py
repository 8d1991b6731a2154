"""Content components: callouts, key facts, the appointment block, the before/after pair.

Each is written in Markdown, checked when its file is parsed (a mistake names
the file and line) and drawn by an overridable template when a page is
rendered. ``tests/sites/components`` holds one article with all of them (and
the video block); it must be valid HTML and free of WCAG violations on a
phone and a desktop, light and dark.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.discover import SourceFile, digest_of
from generator.errors import ContentError
from generator.lint import CheckFailed
from generator.markdown_text import render_markdown
from generator.parse import parse_source
from tests.browser import CHROMIUM, launched_chromium, serve
from tests.conftest import REPO, SITES, build
from tests.htmltools import Page

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTICLE = "posts/all-components/index.html"


def _parse(body: str, name: str = "content/posts/a.md") -> str:
    text = f"---\ntitle: A\ndescription: An article.\ndate: 2024-05-01\n---\n{body}"
    data = text.encode()
    source = SourceFile(name, "article", data, digest_of(data), "", 0)
    return parse_source(source).html


@pytest.fixture(scope="module")
def components_build(tmp_path_factory):
    site = Path(shutil.copytree(SITES / "components", tmp_path_factory.mktemp("c") / "site"))
    return build(site)


@pytest.fixture(scope="module")
def article(components_build) -> Page:
    return Page(components_build.output_dir / ARTICLE)


# -- the Markdown --------------------------------------------------------------------------------


def test_a_box_is_its_parsed_body_between_two_markers():
    html, _ = render_markdown('!!! warning "Stop -- first"\n    Stop *retinol* creams.\n')
    assert html.startswith("<!--sitegen-component callout 1 kind=warning title=Stop%20%2D%2D%20")
    assert "<p>Stop <em>retinol</em> creams.</p>" in html
    assert html.rstrip().endswith("<!--/sitegen-component 1-->")


def test_boxes_nest_and_keep_the_table_of_contents():
    html, toc = render_markdown(
        "## Before\n\n!!! note\n    Outer.\n\n    !!! warning\n        Inner.\n\n## After\n"
    )
    assert [entry.id for entry in toc] == ["before", "after"]
    assert html.index("callout 2 kind=note") < html.index("callout 1 kind=warning")


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ('Text.\n\n!!! tip "Try this"\n    Do it.\n', 8, "'tip' is not a kind of box"),
        ("Text.\n\n!!!note\n\nNot indented.\n", 8, "the note box is empty"),
        ("!!! key-facts\n    Just a sentence.\n", 6, "a key-facts box holds one list"),
        ("!before-after[Scars]\n![](before.jpg)\n![After](after.jpg)\n", 7, "has no alt text"),
        ("!before-after[Scars]\n![Before](before.jpg)\n", 6, "needs two images"),
        ("!before-after\n![Before](b.jpg)\n![After](a.jpg)\n", 6, "needs a caption"),
        (
            "!before-after[Scars]\n![Before](https://cdn.example.com/b.jpg)\n![After](a.jpg)\n",
            7,
            "is not a file of the site",
        ),
        ("Text.\n\n!appointment[Book now\n", 8, "appointment block is not written"),
    ],
)
def test_a_malformed_component_names_the_file_and_line(body, line, fragment):
    with pytest.raises(ContentError) as raised:
        _parse(body)
    error = raised.value
    assert (error.path, error.line, error.rule) == ("content/posts/a.md", line, "markdown")
    assert fragment in error.message and error.hint


def test_the_syntax_inside_a_paragraph_or_code_stays_text():
    html = _parse("See !appointment here.\n\n    !before-after[x]\n\n`!!! tip`\n")
    assert "sitegen-component" not in html


def _classed(page: Page, tag: str, name: str) -> list:
    return [element for element in page.find_all(tag) if name in element.classes]


# -- the pages -----------------------------------------------------------------------------------


def test_callouts_are_notes_with_their_kind_in_words(article):
    boxes = _classed(article, "div", "callout")
    kinds = [next(c for c in box.classes if c.startswith("callout--")) for box in boxes]
    assert kinds == ["callout--note", "callout--warning", "callout--doctor"]
    assert all(box.attrs["role"] == "note" for box in boxes)
    titles = [t.text for t in _classed(article, "p", "callout__title")]
    assert titles == ["Note", "Warning: Stop these creams first", "When to see a doctor"]
    assert "Stop retinol creams five days before a session." in boxes[1].text


def test_key_facts_are_a_titled_list(article):
    (box,) = _classed(article, "div", "key-facts")
    assert _classed(article, "p", "key-facts__title")[0].text == "Key facts"
    items = article.find_all("li", within="div")
    assert "A session takes 30 to 60 minutes." in [item.text for item in items]


def test_the_appointment_block_takes_the_clinics_link_and_phone(article):
    (book,) = _classed(article, "a", "appointment__book")
    (call,) = _classed(article, "a", "appointment__call")
    assert book.attrs["href"] == "https://example.org/contact/"
    assert (call.attrs["href"], call.text) == ("tel:+15550100", "Call +1 555 0100")
    (text,) = _classed(article, "p", "appointment__text")
    assert text.text == "Questions about your own skin? Book a consultation."


def test_the_before_after_pair_goes_through_the_image_pipeline(article):
    pictures = article.find_all("picture", within="figure")
    images = article.find_all("img", within="figure")
    assert len(pictures) == 2
    assert [image.attrs["alt"] for image in images] == [
        "Deep, rolling acne scars across the cheek",
        "The same cheek three months later, the scars shallower",
    ]
    assert all(image.attrs["width"] == "960" and "srcset" in image.attrs for image in images)
    labels = [p.text for p in _classed(article, "p", "before-after__label")]
    assert labels == ["Before", "After"]


def test_nothing_is_loaded_from_another_host(components_build):
    # The build's privacy check (rule third-party) passed; and the page says so too.
    page = (components_build.output_dir / ARTICLE).read_text("utf-8")
    assert "sitegen-component" not in page
    assert not re.search(r'(?:src|srcset)="(?:https?:)?//', page)
    assert not re.search(r'<link rel="stylesheet" href="(?:https?:)?//', page)


def test_a_site_template_overrides_a_component(tmp_path):
    site = Path(shutil.copytree(SITES / "components", tmp_path / "site"))
    (site / "templates" / "components").mkdir(parents=True)
    (site / "templates" / "components" / "callout.html").write_text(
        '<aside class="my-{{ kind }}"><b>{{ title }}</b>{{ body }}</aside>\n', "utf-8"
    )
    html = (build(site).output_dir / ARTICLE).read_text("utf-8")
    assert '<aside class="my-doctor"><b>When to see a doctor</b><p>See a doctor' in html
    assert 'class="key-facts"' in html  # the other components keep the theme's templates


def test_an_appointment_block_needs_a_link_or_phone(tmp_path):
    site = Path(shutil.copytree(SITES / "components", tmp_path / "site"))
    toml = site / "site.toml"
    text = toml.read_text("utf-8")
    text = text.replace('telephone = "+1 555 0100"\n', "").replace("booking_url =", "url =")
    toml.write_text(text, "utf-8")
    with pytest.raises(CheckFailed) as failed:
        build(site)
    errors = [f for f in failed.value.findings if f.severity == "error"]
    assert [(f.rule, f.path) for f in errors] == [
        ("appointment", "content/posts/all-components/index.md")
    ]


@pytest.mark.slow
def test_the_page_is_valid_html(components_build):
    from tests.test_html_validity import VNU_JAR, nu_messages

    if shutil.which("java") is None or not VNU_JAR.is_file():
        pytest.skip("needs Java and the Nu checker (scripts/setup-tests installs both)")
    messages = nu_messages(components_build.output_dir / "posts" / "all-components")
    assert [f"{m.get('lastLine')}: {m['message']}" for m in messages] == []


# -- in the browser ------------------------------------------------------------------------------

playwright = pytest.importorskip("playwright.sync_api", reason="scripts/setup-tests installs it")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip("needs Chromium (scripts/setup-tests installs it)")
    with launched_chromium() as chromium:
        yield chromium


@pytest.mark.slow
@pytest.mark.skipif(not AXE.is_file(), reason="needs axe-core (scripts/setup-tests installs it)")
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_violation_on_a_page_with_every_component(browser, components_build, width, scheme):
    from tests.test_accessibility import axe_violations

    with serve(components_build.output_dir) as origin:
        found = axe_violations(
            browser, f"{origin}/{ARTICLE}", scheme, {"width": width, "height": 900}
        )
    assert found == []


def test_the_readme_shows_each_component():
    readme = (REPO / "README.md").read_text("utf-8")
    examples = ("!!! note", "!!! warning", "!!! doctor", "!!! key-facts", "!appointment[")
    for example in (*examples, "!before-after["):
        assert example in readme, example
