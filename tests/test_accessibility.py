"""axe-core in headless Chromium: no WCAG 2.2 A/AA violation on any kind of page, light or dark."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.code_frame import code_frame
from generator.errors import ContentError
from generator.serve import error_page
from tests.browser import CHROMIUM, launched_chromium, serve
from tests.conftest import REPO, build
from tests.first_week import first_week_site

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}
FIRST_WEEK_PAGES = ["/", "/posts/laser-hair-removal/", "/contact/", "/about/", "/tags/laser/"]
PAGES = {
    "home": "/",
    "article": "/posts/what-is-micro-needling/",
    "tag": "/tags/microneedling/",
    "page": "/about/",
    "404": "/404.html",
}

playwright = pytest.importorskip("playwright.sync_api", reason="scripts/setup-tests installs it")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not AXE.is_file() or not Path(CHROMIUM).is_file(),
        reason="needs axe-core and Chromium (scripts/setup-tests installs both)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def sample_origin(sample_build):
    with serve(sample_build.output_dir) as origin:
        yield origin


def axe_violations(browser, url: str, scheme: str, viewport: dict | None = None) -> list[str]:
    page = browser.new_page(
        color_scheme=scheme, viewport=viewport or {"width": 1280, "height": 720}
    )
    try:
        response = page.goto(url)
        assert response is not None and response.ok, url
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
        )
    finally:
        page.close()
    return [
        f"{violation['id']}: {node['target']} {node['failureSummary']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_no_wcag_violations(browser, sample_origin, kind, scheme):
    assert axe_violations(browser, sample_origin + PAGES[kind], scheme) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_no_wcag_violations_on_a_phone(browser, sample_origin, kind, scheme):
    """The phone layout, where tap targets and wrapping differ."""
    assert axe_violations(browser, sample_origin + PAGES[kind], scheme, PHONE) == []


@pytest.fixture(scope="module")
def first_week_origin(tmp_path_factory):
    """A new site as a clinic makes it: the starter's pages, a table, an image, a FAQ."""
    site = first_week_site(tmp_path_factory.mktemp("first-week"))
    with serve(build(site, now=datetime.now(UTC)).output_dir) as origin:
        yield origin


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390px", "1280px"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", FIRST_WEEK_PAGES)
def test_no_wcag_violations_on_a_new_sites_pages(
    browser, first_week_origin, path, scheme, viewport
):
    assert axe_violations(browser, first_week_origin + path, scheme, viewport) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_open_phone_menu_has_no_violations_and_every_link(browser, sample_origin, scheme):
    page = browser.new_page(color_scheme=scheme, viewport=PHONE)
    try:
        page.goto(sample_origin + PAGES["article"])
        links = page.locator(".site-nav a")
        assert not links.first.is_visible()  # folded behind the button
        page.click(".site-menu__button")
        for index in range(links.count()):
            box = links.nth(index).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert box["height"] >= 24
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
        )
    finally:
        page.close()
    assert [violation["id"] for violation in result["violations"]] == []


def test_a_wide_screen_shows_the_menu_and_the_contents_beside_the_text(browser, sample_origin):
    page = browser.new_page(viewport=WIDE)
    try:
        page.goto(sample_origin + PAGES["article"])
        assert page.locator(".site-nav a").first.is_visible()
        assert not page.locator(".site-menu__button").is_visible()
        toc = page.locator(".toc").bounding_box()
        text = page.locator(".article__section").first.bounding_box()
        assert toc["x"] > text["x"] + text["width"]  # beside, not above
        assert 500 <= text["width"] <= 760  # a comfortable measure, not the whole screen
        page.mouse.wheel(0, 2500)
        page.wait_for_timeout(200)
        assert 0 <= page.locator(".toc").bounding_box()["y"] < 100  # it stays in view
    finally:
        page.close()


def test_a_phone_header_leaves_room_for_the_article(browser, sample_origin):
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(sample_origin + PAGES["article"])
        assert page.locator(".site-header").bounding_box()["height"] <= 120
    finally:
        page.close()


def test_axe_finds_a_real_violation(browser, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>x</title>'
        '<p style="color:#777;background:#888">faint text</p><img src="a.png">'
    )
    with serve(tmp_path) as origin:
        found = axe_violations(browser, origin + "/", "light")
    assert any(line.startswith("color-contrast") for line in found)
    assert any(line.startswith("image-alt") for line in found)


def test_dark_scheme_changes_the_colours(browser, sample_origin):
    colours = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto(sample_origin + "/")
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.close()
    assert colours["light"] == "rgb(255, 255, 255)"
    assert colours["dark"] != colours["light"]


def test_the_skip_link_shows_on_focus_and_leads_to_main(browser, sample_origin):
    page = browser.new_page()
    page.goto(sample_origin + PAGES["article"])
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const a = document.activeElement, r = a.getBoundingClientRect();"
        " return {href: a.getAttribute('href'), top: r.top,"
        " outline: getComputedStyle(a).outlineStyle}; })()"
    )
    page.close()
    assert focused["href"] == "#main"
    assert focused["top"] >= 0, "visible when focused"
    assert focused["outline"] != "none", "focus is visible"


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_pages_fit_a_small_phone_without_sideways_scrolling(browser, sample_origin, kind):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(sample_origin + PAGES[kind])
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.close()
    assert overflow <= 0


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390px", "1280px"])
def test_the_previews_error_page_has_no_violations(browser, tmp_path, viewport):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content/a.md").write_text("---\ntitle: A\ndate: 2024-13-45\nauthor: x\n---\nText\n")
    error = ContentError("content/a.md", "'date' is impossible", line=3, column=7)
    (tmp_path / "index.html").write_text(error_page(error, code_frame(site, error)))
    with serve(tmp_path) as origin:
        assert axe_violations(browser, origin + "/", "light", viewport) == []
